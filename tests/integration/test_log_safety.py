"""The server's log against a peer that wants to forge or flood it (issue
"Hardening II"): what a peer sent is escaped, and one command adds a
bounded amount to the log whatever it holds."""

import re
import unittest

import harness
from test_memory import MIB, large_p, sample_definitions

REPLY = b"Thank you.\n"

# Any byte a terminal acts on, except the newline that ends each log line.
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")


class LogSafetyTest(unittest.TestCase):
    def test_a_string_with_cr_and_terminal_escapes_leaves_no_raw_control_byte(self):
        forged = (b"hi\rendpoint.cpp:153: Receive command 'ADMIN'"
                  b"\x1b[2J\x1b]0;owned\x07\x00\x7f")
        with harness.start_server() as server:
            with harness.connect(server.port) as sock:
                sock.sendall(b"STRING\n" + forged + b"\n")
                self.assertEqual(harness.read_line(sock), REPLY)
            log = server.wait_for_log("Receive STRING message")
            with open(server._log_path, "rb") as raw:
                raw_log = raw.read()
        self.assertIsNone(RAW_CONTROL.search(raw_log), raw_log)
        self.assertIn("\\rendpoint.cpp:153: Receive command 'ADMIN'\\x1b[2J", log)
        self.assertNotIn("\nendpoint.cpp:153: Receive command 'ADMIN'", log)

    def test_a_1_mib_gob_value_adds_less_than_64_kib_to_the_log(self):
        with harness.start_server() as server:
            before = len(server.log().encode())
            with harness.connect(server.port) as sock:
                sock.sendall(b"GOB\n" + sample_definitions() + large_p(MIB) + b"STRING\nx\n")
                self.assertEqual(harness.read_line(sock, timeout=20), REPLY)
            log = server.wait_for_log("Receive STRING message: x")
            grew = len(log.encode()) - before
            self.assertRegex(log, r"P:\[\]uint8\{0x0, 0x0, .*, \.\.\. \(10485\d\d bytes\)\}")
            self.assertLess(grew, 64 * 1024, f"the log grew by {grew} bytes")


if __name__ == "__main__":
    unittest.main()
