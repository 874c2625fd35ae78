"""Fault injection: a misbehaving network between ./client and ./server.

The FaultProxy (fault_proxy.py) slices, delays and cuts the exchange. The
server must never crash, leak a thread or a descriptor, or print a struct
other than the one that was sent; the client must either finish or say
clearly what went wrong.
"""

import os
import re
import unittest

import harness
from fault_proxy import FaultProxy



def is_outer(line):
    return harness.is_struct_line_with_more_fields(harness.EXPECTED_OUTER, line)


def is_inner(line):
    return harness.is_struct_line_with_more_fields(harness.EXPECTED_INNER, line)


def struct_lines(log):
    """The %#v lines the server printed, addresses normalised."""
    return [harness.normalise(line) for line in log.splitlines()
            if line.startswith("main.complexData{") or line.startswith("&main.complexData{")]


class FaultInjectionTest(unittest.TestCase):
    def assert_only_correct_structs(self, log):
        for line in struct_lines(log):
            self.assertTrue(is_outer(line) or is_inner(line), line)

    def run_client_via(self, proxy):
        return harness.run_client("127.0.0.1", proxy.port, ["--timeout", "5"], timeout=30)

    def test_bytes_delivered_one_at_a_time_with_delays(self):
        with harness.start_server([]) as server, \
                FaultProxy(server.port, chunk=1, delay=0.0005) as proxy:
            code, _, err = self.run_client_via(proxy)
            self.assertEqual(code, 0, err)
            server.wait_for_log("Inner complexData struct")  # logged after the outer
            lines = struct_lines(server.log())
            self.assertEqual(len(lines), 2, lines)
            self.assertTrue(is_outer(lines[0]) and is_inner(lines[1]), lines)

    def test_tiny_socket_buffers_and_small_chunks(self):
        with harness.start_server([]) as server, \
                FaultProxy(server.port, chunk=7, delay=0.001, tiny_buffers=True) as proxy:
            code, _, err = self.run_client_via(proxy)
            self.assertEqual(code, 0, err)
            server.wait_for_log("Inner complexData struct")
            self.assert_only_correct_structs(server.log())

    def test_cut_at_every_byte_of_the_exchange(self):
        with harness.start_server(["--message-timeout", "5"]) as server:
            with FaultProxy(server.port) as counting:
                self.assertEqual(self.run_client_via(counting)[0], 0)
                # Inside the proxy's block: the client exits once its GOB is
                # sent, and closing the proxy then could drop the GOB's last
                # bytes before they reach the server.
                server.wait_for_log("Inner complexData struct")
            total = len(b"STRING\nAdditional data.\n") + len(b"GOB\n") + \
                len(harness.read_fixture("sample.gob"))
            idle_fds = len(os.listdir(f"/proc/{server.pid}/fd"))
            idle_threads = len(os.listdir(f"/proc/{server.pid}/task"))
            for offset in range(total):
                with FaultProxy(server.port, cut_after=offset) as proxy:
                    code, _, err = self.run_client_via(proxy)
                # Cut before the STRING reply could come back: the client
                # must fail, and say so.
                if offset < len(b"STRING\nAdditional data.\n"):
                    self.assertEqual(code, 1, f"offset {offset}: {err}")
                if code != 0:
                    self.assertRegex(err, r"Error: Client: ", f"offset {offset}")
            self.assert_only_correct_structs(server.log())
            self.assertIsNone(server.process.poll(), "the server died")
            harness.wait_until(lambda: len(os.listdir(f"/proc/{server.pid}/fd")) == idle_fds,
                               10, "descriptors leaked")
            harness.wait_until(
                lambda: len(os.listdir(f"/proc/{server.pid}/task")) == idle_threads,
                10, "threads leaked")
            self.assertEqual(harness.run_client("127.0.0.1", server.port)[0], 0)

    def test_reply_cut_at_every_byte(self):
        with harness.start_server([]) as server:
            for offset in range(len(b"Thank you.\n")):
                with FaultProxy(server.port, cut_after=offset, cut_direction="down") as proxy:
                    code, _, err = self.run_client_via(proxy)
                self.assertEqual(code, 1, f"reply cut at {offset}, yet the client succeeded")
                self.assertRegex(err, r"Error: Client: STRING request .* failed")
            self.assertIsNone(server.process.poll(), "the server died")


if __name__ == "__main__":
    unittest.main()
