"""Memory: what the server holds for peers is bounded by what they sent,
and by --max-memory for all of them together (issue "Hardening II").

Each test starts its own ./server with default flags, sends what costs it
most, and reads the server's resident memory from /proc/PID/status: VmRSS
(now) and VmHWM (the peak since start). The gob bytes are built here by
hand with the primitives of docs/protocol.md, so that a test can ask for
shapes no Go program would send.
"""

import selectors
import socket
import time
import unittest

import harness
from test_hardening import raise_own_descriptor_limit
from wire_harness import message, sint, split_gob, uint

MIB = 1 << 20
SAMPLE_GOB = harness.read_fixture("sample.gob")
REPLY = b"Thank you.\n"


def string(text):
    return uint(len(text)) + text


def sample_definitions():
    """The two type-definition messages at the front of Go's sample.gob
    (complexData is type 65, map[string]int type 66)."""
    return b"".join(split_gob(SAMPLE_GOB)[:2])


def struct_of_empty_fields(size):
    """One definition message of `size` bytes: a struct type 65 whose fields
    are empty fieldTypes, one byte each (~size fields)."""
    def body(count):
        common = b"\x01" + string(b"big") + b"\x01" + sint(65) + b"\x00"
        struct_type = b"\x01" + common + b"\x01" + uint(count) + b"\x00" * count + b"\x00"
        return sint(-65) + b"\x03" + struct_type + b"\x00"
    count = size - len(body(size)) + size
    while len(body(count)) > size:
        count -= 1
    return message(body(count)), count


def sample_value(field_delta, payload):
    """A complexData value (type 65) with one field set: `field_delta` from
    the start (4 is P, 3 is M), then `payload`, then the struct's end."""
    return message(sint(65) + bytes([field_delta]) + payload + b"\x00")


def map_of_short_keys(size):
    """A complexData value of `size` bytes whose M holds distinct 3-byte keys,
    each with the value 0: 5 bytes a key on the wire, a tree node in memory."""
    count = (size - 16) // 5
    entries = b"".join(b"\x03" + i.to_bytes(3, "big") + b"\x00" for i in range(count))
    return sample_value(3, uint(count) + entries), count


def large_p(size):
    """A complexData value of about `size` bytes whose P is a []byte."""
    return sample_value(4, string(b"\x00" * (size - 16)))


def status(pid, field):
    """A memory figure of /proc/PID/status, in bytes."""
    with open(f"/proc/{pid}/status") as lines:
        for line in lines:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def sanitized():
    return any(name in harness.BIN_DIR.parts for name in ("asan", "tsan"))


@unittest.skipIf(sanitized(), "sanitizers keep freed memory in quarantine: RSS says nothing")
class ProportionalMemoryTest(unittest.TestCase):
    def test_a_definition_of_a_million_empty_fields_is_refused_within_4_mib(self):
        definition, fields = struct_of_empty_fields(MIB)
        self.assertGreater(fields, 1_000_000)
        with harness.start_server() as server:
            warm_up(server)
            before = status(server.pid, "VmHWM")
            with harness.connect(server.port) as sock:
                harness.send_quietly(sock, b"GOB\n" + definition)
                reply = harness.read_until_closed(sock, timeout=20)
            grew = status(server.pid, "VmHWM") - before
            self.assertTrue(reply.startswith(b"ERR gob: the type definitions would take more"),
                            reply)
            self.assertLessEqual(grew, 4 * MIB, f"peak RSS grew by {grew / MIB:.1f} MiB")
            self.assertEqual(harness.run_client("127.0.0.1", server.port).code, 0)

    def test_a_map_of_short_keys_is_decoded_within_its_factor(self):
        value, keys = map_of_short_keys(MIB)
        with harness.start_server(["--quiet"]) as server:
            warm_up(server)
            before = status(server.pid, "VmHWM")
            with harness.connect(server.port) as sock:
                sock.sendall(b"GOB\n" + sample_definitions() + value + b"STRING\nafter\n")
                self.assertEqual(harness.read_line(sock, timeout=20), REPLY)
            grew = status(server.pid, "VmHWM") - before
            # 80 bytes a key (a std::map node) and the 1 MiB message: within
            # the value's allowance of 20 times its message plus 256 KiB.
            self.assertGreater(keys, 200_000)
            self.assertLessEqual(grew, 22 * MIB, f"peak RSS grew by {grew / MIB:.1f} MiB")


def warm_up(server):
    """One tutorial exchange, so that the figures measured after it do not
    count what the first connection allocates once (a thread's arena)."""
    assert harness.run_client("127.0.0.1", server.port).code == 0


class HeldMessages:
    """`count` connections, each sending GOB and a ~1 MiB value without its
    last byte, driven together with a selector until none makes progress."""

    def __init__(self, port, count, value):
        self.request = b"GOB\n" + sample_definitions() + value[:-1]
        self.sockets = []
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            # A small send buffer: what the server does not read stays here,
            # not in megabytes of kernel memory per connection.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
            sock.settimeout(10)
            sock.connect(("127.0.0.1", port))
            sock.setblocking(False)
            self.sockets.append(sock)
        self.sent = {sock: 0 for sock in self.sockets}

    def push(self, seconds):
        """Sends until every request is out or nothing moved for a second."""
        selector = selectors.DefaultSelector()
        for sock in self.sockets:
            selector.register(sock, selectors.EVENT_WRITE)
        deadline = time.monotonic() + seconds
        last_progress = time.monotonic()
        pending = len(self.sockets)
        while pending and time.monotonic() < deadline:
            if time.monotonic() - last_progress > 1.0:
                break
            for key, _ in selector.select(timeout=0.2):
                sock = key.fileobj
                try:
                    sent = sock.send(self.request[self.sent[sock]:self.sent[sock] + 65536])
                except BlockingIOError:
                    continue
                self.sent[sock] += sent
                last_progress = time.monotonic()
                if self.sent[sock] == len(self.request):
                    selector.unregister(sock)
                    pending -= 1
        selector.close()
        return sum(1 for sock in self.sockets if self.sent[sock] == len(self.request))

    def close(self):
        for sock in self.sockets:
            sock.close()


@unittest.skipIf(sanitized(), "sanitizers keep freed memory in quarantine: RSS says nothing")
class MemoryBudgetTest(unittest.TestCase):
    CLIENTS = 2000
    BUDGET = 256 * MIB  # the default --max-memory

    def test_2000_held_messages_stay_within_the_budget_and_a_newcomer_is_served(self):
        raise_own_descriptor_limit(self.CLIENTS + 100)
        with harness.start_server(["--quiet"]) as server:
            warm_up(server)
            held = HeldMessages(server.port, self.CLIENTS, large_p(MIB))
            try:
                complete = held.push(seconds=60)
                rss = status(server.pid, "VmRSS")
                # More than the budget was offered, so some waited for it.
                self.assertLess(complete, self.CLIENTS)
                self.assertLess(rss, self.BUDGET + 64 * MIB, f"RSS {rss / MIB:.0f} MiB")
                # A new client's STRING and GOB are served while the budget is held.
                result = harness.run_client("127.0.0.1", server.port, timeout=20)
                self.assertEqual(result.code, 0, result.stderr)
                peak = status(server.pid, "VmHWM")
                print(f"\n{complete} of {self.CLIENTS} messages complete; "
                      f"RSS {rss / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB")
                self.assertLess(peak, self.BUDGET + 64 * MIB)
            finally:
                held.close()

    def test_a_message_waiting_for_memory_is_served_once_memory_is_free(self):
        # Messages may fill 3/4 of the budget: 1.5 MiB here, one large message.
        with harness.start_server(["--max-memory", str(2 * MIB)]) as server:
            request = b"GOB\n" + sample_definitions() + large_p(MIB) + b"STRING\ndone\n"
            with harness.connect(server.port) as first, harness.connect(server.port) as second:
                cut = len(request) - len(b"STRING\ndone\n") - 1
                first.sendall(request[:cut])  # holds the budget, all but one byte
                server.wait_for_log("Receive command 'GOB'")
                harness.send_quietly(second, request)  # waits for memory
                server.wait_for_log("Receive command 'GOB'", count=2)
                second.settimeout(0.5)
                with self.assertRaises(socket.timeout):  # still waiting, not refused
                    second.recv(1)
                first.sendall(request[cut:])
                self.assertEqual(harness.read_line(first, timeout=10), REPLY)
                self.assertEqual(harness.read_line(second, timeout=10), REPLY)
            self.assertNotIn("Closing connection", server.log())

    def test_a_message_larger_than_the_budget_allows_is_refused_at_once(self):
        with harness.start_server(["--max-memory", str(MIB)]) as server:
            with harness.connect(server.port) as sock:
                harness.send_quietly(sock, b"GOB\n" + sample_definitions() + large_p(MIB))
                reply = harness.read_until_closed(sock, timeout=10)
            self.assertTrue(reply.startswith(b"ERR server busy"), reply)
            self.assertIn("--max-memory", reply.decode())
            self.assertEqual(harness.run_client("127.0.0.1", server.port).code, 0)


if __name__ == "__main__":
    unittest.main()
