"""Interoperability with Go: the C++ programs and the Go peer speak one wire.

  C++ client  -> Go server     Go's decoder reads what our encoder wrote
  Go dial     -> C++ server    our decoder reads what Go's encoder wrote
  C++ bytes   -> go_peer decode  the GOB bytes our client sends, captured
                               by a recording listener, decode in Go
  fixtures    -> C++ server    Go-encoded files, sent by hand

The Go peer prints the same %#v lines as our server, so "the same" means
equal strings once pointer values are normalised.
"""

import socket
import threading
import unittest

import harness

STRING_REQUEST = b"STRING\nAdditional data.\n"


class RecordingListener:
    """A one-connection stand-in for the server that records every byte the
    client sends. It answers "Thank you.\\n" once the STRING request has
    arrived, as the client waits for that before it sends its GOB."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.received = b""
        self.error = None
        self.thread = threading.Thread(target=self._serve_one)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.thread.join(timeout=15)
        self.listener.close()

    def _serve_one(self):
        try:
            connection, _ = self.listener.accept()
            with connection:
                connection.settimeout(10)
                answered = False
                while True:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    self.received += chunk
                    if not answered and self.received.startswith(STRING_REQUEST):
                        connection.sendall(b"Thank you.\n")
                        answered = True
        except OSError as error:  # a timeout included: reported by the test
            self.error = error


class CppClientToGoServerTest(unittest.TestCase):
    def test_go_server_logs_the_sample_struct(self):
        with harness.start_go_server() as go_server:
            result = harness.run_client("127.0.0.1", go_server.port)
            self.assertEqual(result.code, 0, result.stderr)
            self.assertIn("STRING request: got a response: Thank you.", result.stderr)
            log = go_server.wait_for_log("Inner complexData struct")
            self.assertIn("Receive STRING message: Additional data.", log)
            harness.assert_samples_logged(log)
            self.assertNotIn("failed", log)


class GoClientToCppServerTest(unittest.TestCase):
    def test_cpp_server_logs_the_sample_struct(self):
        with harness.start_server() as server:
            result = harness.run_program(
                [harness.GO_PEER, "dial", "-addr", f"127.0.0.1:{server.port}"])
            self.assertEqual(result.code, 0, result.stderr)
            self.assertIn("STRING reply: Thank you.", result.stdout)
            log = server.wait_for_log("Inner complexData struct")
            self.assertIn("Receive STRING message: Additional data.", log)
            harness.assert_samples_logged(log)


class EncoderBytesTest(unittest.TestCase):
    def test_the_bytes_our_client_sends_decode_in_go(self):
        with RecordingListener() as listener:
            result = harness.run_client("127.0.0.1", listener.port)
        self.assertIsNone(listener.error)
        self.assertEqual(result.code, 0, result.stderr)
        prefix = STRING_REQUEST + b"GOB\n"
        self.assertTrue(listener.received.startswith(prefix), listener.received[:80])
        gob_bytes = listener.received[len(prefix):]

        decoded = harness.run_program([harness.GO_PEER, "decode"], stdin=gob_bytes)
        self.assertEqual(decoded.code, 0, decoded.stderr)
        outer, inner = harness.normalise(decoded.stdout).splitlines()
        self.assertTrue(harness.is_sample(outer, inner), decoded.stdout)


class FixturesToCppServerTest(unittest.TestCase):
    """Go-encoded fixtures, sent by hand as "GOB\\n" + bytes."""

    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.stop)

    def send_gob(self, fixture):
        """Sends one fixture and closes our side; returns what the server sent back."""
        with harness.connect(self.server.port) as sock:
            harness.send_quietly(sock, b"GOB\n" + harness.read_fixture(fixture))
            sock.shutdown(socket.SHUT_WR)
            return harness.read_until_closed(sock)

    def go_decoding_of(self, fixture):
        """What Go's decoder prints for a fixture: the reference output."""
        decoded = harness.run_program([harness.GO_PEER, "decode"],
                                      stdin=harness.read_fixture(fixture))
        self.assertEqual(decoded.code, 0, decoded.stderr)
        outer, inner = harness.normalise(decoded.stdout).splitlines()
        return outer, inner

    def assert_same_structs(self, logged, printed_by_go):
        """The C++ server's (outer, inner) lines are Go's, apart from fields
        a student added to ComplexData after C (Go's complexData lacks them)."""
        for ours, gos in zip(logged, printed_by_go):
            self.assertTrue(harness.is_struct_line_with_more_fields(gos, ours),
                            f"\nours: {ours}\nGo's: {gos}")

    def assert_a_normal_client_succeeds(self):
        result = harness.run_client("127.0.0.1", self.server.port)
        self.assertEqual(result.code, 0, result.stderr)

    def test_sample_and_extended_log_the_sample_structs(self):
        for count, fixture in enumerate(("sample.gob", "extended.gob"), start=1):
            with self.subTest(fixture=fixture):
                self.assertEqual(self.send_gob(fixture), b"")  # GOB has no reply
                log = self.server.wait_for_log("Inner complexData struct", count=count)
                self.assertTrue(harness.is_sample(*harness.logged_structs(log)[-1]), log)
        log = self.server.wait_for_log("Inner complexData struct", count=2)
        harness.assert_samples_logged(log, 2)
        self.assertNotIn("Closing connection", log)
        # extended.gob's extra fields are skipped with a warning each; the
        # sample's five are all known.
        self.assertIn("GOB: skipped field complexData.F: ComplexData's gob_fields() has no field",
                      log)
        self.assertIn("GOB: skipped field complexData.Iface:", log)
        self.assertEqual(log.count("GOB: skipped field"), 12, log)  # F to Ptrs

    def test_every_fixture_go_decodes_logs_what_go_prints(self):
        fixtures = ("sample.gob", "extended.gob", "zero.gob", "sparse.gob", "deep500.gob")
        for count, fixture in enumerate(fixtures, start=1):
            with self.subTest(fixture=fixture):
                self.assertEqual(self.send_gob(fixture), b"")
                log = self.server.wait_for_log("Inner complexData struct", count=count)
                self.assert_same_structs(harness.logged_structs(log)[-1], self.go_decoding_of(fixture))
        self.assertNotIn("Closing connection", self.server.log())

    def test_fixtures_we_must_refuse_get_an_err_line_and_the_server_goes_on(self):
        reasons = {
            "mismatch.gob": "type mismatch",
            "deep2000.gob": "limit of 1000 levels",
            "int.gob": "type mismatch",  # a bare int where a struct belongs
        }
        for count, (fixture, reason) in enumerate(reasons.items(), start=1):
            with self.subTest(fixture=fixture):
                reply = self.send_gob(fixture)
                self.assertTrue(reply.startswith(b"ERR "), reply)
                self.assertTrue(reply.endswith(b"\n"), reply)
                self.assertEqual(reply.count(b"\n"), 1, reply)  # one line, then closed
                self.assertIn(reason.encode(), reply)
                log = self.server.wait_for_log("Closing connection", count=count)
                self.assertIn("after 'GOB'", log)
                self.assertIn(reply[len(b"ERR "):].decode().strip(), log)
                self.assert_a_normal_client_succeeds()
        self.assertTrue(self.server.is_running())
        self.assertEqual(self.server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
