"""The command lines of ./server and ./client, as a user types them.

Both parse their options with glibc's getopt_long_only (common/flags.hpp),
so a usage error reads the way it does for every GNU tool: glibc's own
line, "PROGRAM: unrecognized option '--bogus'", then ours, "Try ./client
--help", and exit status 2. The unit tests (tests/unit/test_*_options.cpp)
go through every spelling; these check what reaches the terminal from the
real programs.
"""

import unittest

import harness

CLIENT_HINT = "Try ./client --help\n"
SERVER_HINT = "Try ./server --help\n"


class UsageErrorTest(unittest.TestCase):
    def assert_usage_error(self, argv, expected_stderr):
        result = harness.run_program(argv, timeout=10)
        self.assertEqual(result.code, 2, result.stderr)
        self.assertEqual(result.stderr, expected_stderr)
        self.assertEqual(result.stdout, "")

    def test_an_unknown_option_gets_glibcs_message(self):
        for program, hint in ((harness.CLIENT, CLIENT_HINT), (harness.SERVER, SERVER_HINT)):
            for option in ("--bogus", "-bogus"):
                with self.subTest(program=program.name, option=option):
                    self.assert_usage_error(
                        [program, option],
                        f"{program}: unrecognized option '{option}'\n{hint}")

    def test_an_unknown_option_is_not_mistaken_for_one_that_needs_a_value(self):
        # The hand-written parser before getopt said "--bogus needs a value".
        self.assert_usage_error([harness.CLIENT, "localhost", "--bogus"],
                                f"{harness.CLIENT}: unrecognized option '--bogus'\n{CLIENT_HINT}")

    def test_an_option_without_its_value_gets_glibcs_message(self):
        cases = [
            ([harness.CLIENT, "localhost", "--port"], "--port", CLIENT_HINT),
            ([harness.CLIENT, "localhost", "-timeout"], "-timeout", CLIENT_HINT),
            ([harness.CLIENT, "--connect"], "--connect", CLIENT_HINT),
            ([harness.SERVER, "--idle-timeout"], "--idle-timeout", SERVER_HINT),
        ]
        for argv, option, hint in cases:
            with self.subTest(argv=[str(part) for part in argv[1:]]):
                self.assert_usage_error(
                    argv, f"{argv[0]}: option '{option}' requires an argument\n{hint}")

    def test_a_bad_number_names_the_flag_and_its_range(self):
        self.assert_usage_error(
            [harness.CLIENT, "localhost", "--port", "0"],
            f"{harness.CLIENT}: --port wants a whole number from 1 to 65535, not '0'\n"
            f"{CLIENT_HINT}")
        self.assert_usage_error(
            [harness.SERVER, "-max-connections=lots"],
            f"{harness.SERVER}: --max-connections wants a whole number from 1 to 1000000, "
            f"not 'lots'\n{SERVER_HINT}")

    def test_a_host_written_with_its_port_is_told_to_use_port(self):
        cases = [("localhost:61000", "localhost"), ("127.0.0.1:61000", "127.0.0.1"),
                 ("[::1]:61000", "::1")]
        for host, bare in cases:
            with self.subTest(host=host):
                self.assert_usage_error(
                    [harness.CLIENT, host],
                    f"{harness.CLIENT}: HOST '{host}' has a port in it: give the port with "
                    f"--port (./client {bare} --port 61000)\n{CLIENT_HINT}")


class HelpTest(unittest.TestCase):
    def test_help_in_every_spelling_prints_the_usage_and_exits_0(self):
        for program in (harness.CLIENT, harness.SERVER):
            for option in ("--help", "-help", "-h"):
                with self.subTest(program=program.name, option=option):
                    result = harness.run_program([program, option], timeout=10)
                    self.assertEqual(result.code, 0, result.stderr)
                    self.assertTrue(result.stdout.startswith(f"Usage: ./{program.name} "))
                    self.assertEqual(result.stderr, "")

    def test_the_client_help_names_every_option(self):
        result = harness.run_program([harness.CLIENT, "--help"], timeout=10)
        for text in ("-connect HOST", "--port N", "--timeout SECS", "--dump", "-h, --help"):
            self.assertIn(text, result.stdout)

    def test_the_client_help_names_the_interactive_mode(self):
        result = harness.run_program([harness.CLIENT, "--help"], timeout=10)
        for text in ("-i, --interactive", "Ctrl-D", "--dump", "-h, --help"):
            self.assertIn(text, result.stdout)


class SpellingsAgainstAServerTest(unittest.TestCase):
    """Go's single dash and GNU's two, with a real server at the end."""

    def test_go_style_and_gnu_style_options_reach_the_server(self):
        with harness.start_server(["-quiet", "-idle-timeout=30"]) as server:
            port = str(server.port)
            for args in (["-connect", "127.0.0.1", "-port", port],
                         ["-port=" + port, "::1", "-timeout", "5"],
                         ["--timeout=5", "localhost", "--port=" + port]):
                with self.subTest(args=args):
                    result = harness.run_program([harness.CLIENT, *args])
                    self.assertEqual(result.code, 0, result.stderr)
                    self.assertIn("Client done.", result.stderr)


if __name__ == "__main__":
    unittest.main()
