"""The connection threads' stack holds a value as deep as the nesting limit
(1000 levels), whatever RLIMIT_STACK the server was started with (issue
"Hardening II"): their stack size is the server's own, not inherited."""

import resource
import unittest

import harness
from test_memory import message, sample_definitions, sint

REPLY = b"Thank you.\n"


def nested_sample(depth):
    """A complexData value `depth` structs deep: each level's C (field 4, a
    delta of 5) holds the next level, and the innermost has no fields."""
    return message(sint(65) + b"\x05" * (depth - 1) + b"\x00" * depth)


def stack_limit(kib):
    limit = resource.RLIM_INFINITY if kib is None else kib * 1024
    return lambda: resource.setrlimit(resource.RLIMIT_STACK, (limit, limit))


class StackTest(unittest.TestCase):
    def serve_deep_values(self, kib):
        with harness.start_server(preexec_fn=stack_limit(kib)) as server:
            for depth in (991, 1000):
                with harness.connect(server.port) as sock:
                    sock.sendall(b"GOB\n" + sample_definitions() + nested_sample(depth) +
                                 b"STRING\nafter the deep value\n")
                    self.assertEqual(harness.read_line(sock, timeout=30), REPLY, server.log())
            with harness.connect(server.port) as sock:  # one level more is refused
                sock.sendall(b"GOB\n" + sample_definitions() + nested_sample(1001))
                reply = harness.read_until_closed(sock, timeout=30)
            self.assertIn(b"nested deeper than the limit of 1000 levels", reply)
            self.assertEqual(harness.run_client("127.0.0.1", server.port).code, 0)
            self.assertEqual(server.stop(), 0, server.log())

    def test_under_ulimit_s_256_a_991_deep_value_is_served(self):
        self.serve_deep_values(256)

    def test_under_ulimit_s_unlimited_a_1000_deep_value_is_served(self):
        self.serve_deep_values(None)


if __name__ == "__main__":
    unittest.main()
