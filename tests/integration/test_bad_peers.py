"""Bad peers: each misbehaving connection is closed with a logged reason,
and the server keeps serving everybody else.

Every test starts its own server, plays one bad peer by hand over a raw
socket, checks what the peer was told and what the server logged, and
then checks that the server is unharmed: a normal ./client run still
succeeds, the server is still running, and SIGTERM stops it with exit 0.
"""

import socket
import unittest

import harness

SAMPLE_GOB = harness.read_fixture("sample.gob")


class BadPeerTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.stop)

    def assert_server_unharmed(self):
        """Every test ends here: a normal client is served, the server still
        runs, and it stops with exit 0 on SIGTERM."""
        structs_before = self.server.log().count("Inner complexData struct")
        result = harness.run_client("127.0.0.1", self.server.port)
        self.assertEqual(result.code, 0, result.stderr)
        self.assertIn("Client done.", result.stderr)
        self.server.wait_for_log("Inner complexData struct", count=structs_before + 1)
        self.assertTrue(self.server.is_running(), self.server.log())
        self.assertEqual(self.server.stop(), 0, self.server.log())

    def send_and_collect(self, data, close_our_side=False):
        """Sends `data`, optionally half-closes, and returns every byte the
        server sent until it closed (a test fails if it never closes)."""
        with harness.connect(self.server.port) as sock:
            harness.send_quietly(sock, data)
            if close_our_side:
                sock.shutdown(socket.SHUT_WR)
            return harness.read_until_closed(sock)

    def assert_refused(self, reply, reason):
        """One "ERR <reason>" line, then the connection closed; the same
        reason in the server's log as why it closed the connection."""
        self.assertTrue(reply.startswith(b"ERR "), reply)
        self.assertEqual(reply.count(b"\n"), 1, reply)
        self.assertTrue(reply.endswith(b"\n"), reply)
        self.assertIn(reason, reply.decode())
        log = self.server.wait_for_log("Closing connection from")
        self.assertIn(reply[len(b"ERR "):].decode().strip(), log)

    # ----------------------------------------------------------- cases --

    def test_over_long_command_line(self):
        reply = self.send_and_collect(b"x" * (70 * 1024))  # no newline at all
        self.assert_refused(reply, "65536")
        self.assert_server_unharmed()

    def test_over_long_string_data_line(self):
        reply = self.send_and_collect(b"STRING\n" + b"y" * (70 * 1024))
        self.assert_refused(reply, "65536")
        self.assertNotIn("Receive STRING message", self.server.log())
        self.assert_server_unharmed()

    def test_truncated_gob(self):
        half = SAMPLE_GOB[: len(SAMPLE_GOB) // 2]
        reply = self.send_and_collect(b"GOB\n" + half, close_our_side=True)
        self.assert_refused(reply, "closed in the middle of a message")
        self.assertNotIn("Outer complexData struct", self.server.log())
        self.assert_server_unharmed()

    def test_oversized_gob_is_refused_before_its_body_arrives(self):
        # A gob message starts with its byte count as a gob uint: 0xFD means
        # "three big-endian bytes follow"; 0x200000 is 2 MiB. No body is sent
        # and our side stays open: the reply must come from the prefix alone.
        with harness.connect(self.server.port) as sock:
            sock.sendall(b"GOB\n" + bytes([0xFD, 0x20, 0x00, 0x00]))
            reply = harness.read_line(sock, timeout=5)
            self.assertEqual(harness.read_until_closed(sock, timeout=5), b"")
        self.assert_refused(reply, "1048576")
        self.assertIn("2097152", reply.decode())
        self.assert_server_unharmed()

    def test_nesting_deeper_than_the_limit(self):
        reply = self.send_and_collect(b"GOB\n" + harness.read_fixture("deep2000.gob"),
                                      close_our_side=True)
        self.assert_refused(reply, "limit of 1000")
        self.assert_server_unharmed()

    def test_unknown_command(self):
        reply = self.send_and_collect(b"FOO\n")
        self.assertTrue(reply.startswith(b"ERR unknown command"), reply)
        self.assert_refused(reply, "FOO")
        self.assert_server_unharmed()

    def test_reset_before_reading_the_reply(self):
        sock = harness.connect(self.server.port)
        sock.sendall(b"STRING\nAdditional data.\n")
        harness.reset_close(sock)
        # The reply may or may not have left before the reset arrived, so
        # only the STRING itself is sure to be logged.
        self.server.wait_for_log("Receive STRING message: Additional data.")
        # Whether its recv or its send met the reset, the server says why it closed.
        self.server.wait_for_log("Closing connection from")
        self.assert_server_unharmed()

    def test_reset_in_the_middle_of_a_string(self):
        sock = harness.connect(self.server.port)
        sock.sendall(b"STRING\nhalf a li")
        harness.reset_close(sock)
        log = self.server.wait_for_log("Closing connection from")
        self.assertIn("Connection reset by peer", log)
        self.assertNotIn("Receive STRING message", log)
        self.assert_server_unharmed()

    def test_crlf_line_ends_work(self):
        with harness.connect(self.server.port) as sock:
            sock.sendall(b"STRING\r\nAdditional data.\r\n")
            self.assertEqual(harness.read_line(sock), b"Thank you.\n")
            sock.sendall(b"GOB\r\n" + SAMPLE_GOB)
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(harness.read_until_closed(sock), b"")
        log = self.server.wait_for_log("Inner complexData struct")
        self.assertIn("Receive STRING message: Additional data.\n", log)
        harness.assert_samples_logged(log)
        self.assertNotIn("Closing connection", log)
        self.assert_server_unharmed()

    def test_several_bad_peers_in_a_row(self):
        """The same server, one bad peer after another, a good client between each."""
        bad_requests = [
            b"z" * (70 * 1024),
            b"GOB\n" + SAMPLE_GOB[:40],
            b"GOB\n" + harness.read_fixture("mismatch.gob"),
            b"FOO\n",
        ]
        for count, request in enumerate(bad_requests, start=1):
            with self.subTest(request=request[:12]):
                reply = self.send_and_collect(request, close_our_side=True)
                self.assertTrue(reply.startswith(b"ERR "), reply)
                self.server.wait_for_log("Closing connection from", count=count)
                result = harness.run_client("127.0.0.1", self.server.port)
                self.assertEqual(result.code, 0, result.stderr)
        self.assert_server_unharmed()


if __name__ == "__main__":
    unittest.main()
