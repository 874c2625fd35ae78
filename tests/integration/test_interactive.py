"""./client --interactive: the protocol by hand, against the real ./server.

What goes in on standard input reaches the server byte for byte, and what
the server sends comes out on standard output byte for byte (so a '\\r' is
seen). The end of the input half-closes the connection and the client
waits for the server to close; a server that closes first ends the client
too, with a note on stderr. Every process and socket here has a timeout.
"""

import socket
import subprocess
import tempfile
import unittest

import harness

SECONDS = 15  # far longer than any of these takes


def interactive(port, stdin, host="127.0.0.1", extra=()):
    """./client --interactive HOST --port PORT EXTRA, fed `stdin` then its
    end; Result with stdout as bytes."""
    return harness.run_program([harness.CLIENT, "--interactive", host, "--port", port, *extra],
                               timeout=SECONDS, stdin=stdin, raw_stdout=True)


class Started:
    """./client --interactive with standard input kept open (a pipe the test
    writes to) and its output in temporary files, so the test decides when
    the input ends, or whether it ends at all."""

    def __init__(self, argv):
        self._stdout = tempfile.TemporaryFile()
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(part) for part in argv], stdin=subprocess.PIPE,
                                        stdout=self._stdout, stderr=self._stderr)

    def wait(self):
        """The exit status; fails the test if the client still runs after SECONDS."""
        try:
            return self.process.wait(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the client still runs after {SECONDS} s: {self.stderr()}")

    def stdout(self):
        self._stdout.seek(0)
        return self._stdout.read()

    def stderr(self):
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.process.stdin.closed:
            self.process.stdin.close()
        self._stdout.close()
        self._stderr.close()


class AgainstTheServerTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.stop)

    def test_a_piped_string_request_gets_the_exact_reply_bytes(self):
        for ending in (b"\n", b"\r\n"):
            with self.subTest(ending=ending):
                result = interactive(self.server.port, b"STRING" + ending + b"hi" + ending)
                self.assertEqual(result.code, 0, result.stderr)
                self.assertEqual(result.stdout, b"Thank you.\n")
                self.assertIn("Ctrl-D to finish, Ctrl-C to quit.", result.stderr)
        log = self.server.wait_for_log("Receive STRING message: hi\n", count=2)
        # Each connection ended with the client's half-close, read as end of stream.
        self.assertEqual(log.count("Reached end of stream"), 2)

    def test_the_servers_words_come_through_as_they_are(self):
        result = interactive(self.server.port, b"NOPE\n")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(result.stdout, b"ERR unknown command 'NOPE'\n")

    def test_port_and_timeout_work_with_it_in_every_spelling(self):
        port = str(self.server.port)
        for argv in ([harness.CLIENT, "-i", "localhost", "--port=" + port, "--timeout", "5"],
                     [harness.CLIENT, "-interactive", "-port", port, "-connect", "::1"],
                     [harness.CLIENT, "--port", port, "[::1]", "--interactive", "-timeout=5"]):
            with self.subTest(argv=[str(part) for part in argv[1:]]):
                result = harness.run_program(argv, timeout=SECONDS, stdin=b"STRING\nhi\n",
                                             raw_stdout=True)
                self.assertEqual(result.code, 0, result.stderr)
                self.assertEqual(result.stdout, b"Thank you.\n")


class HalfCloseTest(unittest.TestCase):
    def test_the_end_of_input_half_closes_and_the_client_waits_for_the_server(self):
        # A stand-in server, to see the half-close and to answer only after it.
        with socket.create_server(("127.0.0.1", 0)) as listener:
            listener.settimeout(SECONDS)
            port = listener.getsockname()[1]
            client = Started([harness.CLIENT, "-i", "127.0.0.1", "--port", port])
            self.addCleanup(client.close)
            client.process.stdin.write(b"hello\n")
            client.process.stdin.close()  # the end of the input: Ctrl-D
            connection, _ = listener.accept()
            with connection:
                # Everything typed, then the end of the stream: the client's
                # shutdown(SHUT_WR), since it is still running.
                self.assertEqual(harness.read_until_closed(connection, SECONDS), b"hello\n")
                self.assertIsNone(client.process.poll(), "the client left before the server")
                connection.sendall(b"late reply\r\n")
        self.assertEqual(client.wait(), 0, client.stderr())
        self.assertEqual(client.stdout(), b"late reply\r\n")
        self.assertNotIn("closed the connection", client.stderr())  # it was our turn to end


class ServerClosesFirstTest(unittest.TestCase):
    def test_an_idle_timeout_ends_the_client_with_0_and_a_note(self):
        with harness.start_server(["--idle-timeout", "1"]) as server:
            client = Started([harness.CLIENT, "-i", "localhost", "--port", server.port])
            self.addCleanup(client.close)
            # Standard input stays open, as when a user types nothing.
            self.assertEqual(client.wait(), 0, client.stderr())
            self.assertIn("The server closed the connection.", client.stderr())
            self.assertEqual(client.stdout(), b"")
            self.assertIn("Closing connection from", server.wait_for_log("Closing connection"))


class FailureTest(unittest.TestCase):
    def test_an_unknown_host_exits_1_and_says_where(self):
        # .invalid never resolves (RFC 6761).
        result = harness.run_program([harness.CLIENT, "-i", "no-such-host.invalid"],
                                     timeout=SECONDS, raw_stdout=True)
        self.assertEqual(result.code, 1, result.stderr)
        self.assertIn("Error: Client: failed to open connection to no-such-host.invalid port 61000",
                      result.stderr)
        self.assertIn("cannot resolve", result.stderr)
        self.assertNotIn("Ctrl-D", result.stderr)  # no hint before there is a connection
        self.assertEqual(result.stdout, b"")

    def test_nothing_listening_exits_1_with_the_usual_advice(self):
        # Bound but not listening: the port is ours, and a connect is refused.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
            holder.bind(("127.0.0.1", 0))
            port = holder.getsockname()[1]
            result = interactive(port, b"STRING\nhi\n", extra=["--timeout", "5"])
        self.assertEqual(result.code, 1, result.stderr)
        self.assertIn("is ./server running there?", result.stderr)
        self.assertIn("refused", result.stderr)


if __name__ == "__main__":
    unittest.main()
