"""Hardening: many clients, limits, deadlines, exhaustion and shutdown.

Each test starts its own ./server and checks one promise the server makes
to hostile, slow or numerous peers (issue "Hardening"). Counts of
descriptors and threads come from /proc/PID/fd and /proc/PID/task.
"""

import contextlib
import os
import resource
import selectors
import signal
import socket
import time
import unittest

import harness

SAMPLE_GOB = harness.read_fixture("sample.gob")
STRING_REQUEST = b"STRING\nAdditional data.\n"
REPLY = b"Thank you.\n"


def descriptor_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def thread_count(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until(condition, seconds, message):
    """Polls `condition` until it holds; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(message)


def connection_threads(pid):
    """Threads the server named "connection": one per client being served."""
    count = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                count += comm.read().strip() == "connection"
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended while we looked
    return count


def sockets(pid):
    """The server's open sockets: the listener, and one per connection."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count


def wait_until_connections_ended(pid, which):
    """Until every connection's thread has ended and its socket is closed.
    Under --model epoll no thread ends with a connection: its socket,
    closed, says that its fiber is done and its stack given back."""
    wait_until(lambda: connection_threads(pid) == 0, 10, f"{which}: a thread never ended")
    wait_until(lambda: sockets(pid) == 1, 10, f"{which}: a socket was never closed")


def idle_counts(server):
    """Descriptors and threads of a server with no client, measured after
    one exchange: a sanitizer runtime starts a helper thread of its own
    with the first connection thread."""
    assert harness.run_client("127.0.0.1", server.port).code == 0
    wait_until_connections_ended(server.pid, "the warm-up connection")
    return descriptor_count(server.pid), thread_count(server.pid)


def raise_own_descriptor_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


class ManyConnections:
    """`count` client sockets driven together with a selector: every one
    sends a request, then all wait for their replies, so that all `count`
    connections are open and busy at the same time."""

    def __init__(self, port, count):
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=10)
                        for _ in range(count)]

    def close(self):
        for sock in self.sockets:
            sock.close()

    def exchange(self, request, replies_expected, seconds=30):
        """Sends `request` on every socket; returns how many sockets then
        received `replies_expected` copies of the reply line."""
        for sock in self.sockets:
            sock.sendall(request)
        wanted = REPLY * replies_expected
        received = {sock: b"" for sock in self.sockets}
        selector = selectors.DefaultSelector()
        for sock in self.sockets:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        waiting = len(self.sockets)
        while waiting and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                data = key.fileobj.recv(4096)
                received[key.fileobj] += data
                if not data or len(received[key.fileobj]) >= len(wanted):
                    selector.unregister(key.fileobj)
                    waiting -= 1
        selector.close()
        for sock in self.sockets:
            sock.setblocking(True)
        return sum(1 for data in received.values() if data == wanted)


class LoadTest(unittest.TestCase):
    CLIENTS = 1000

    def test_1000_concurrent_clients_are_all_served_and_leave_nothing_behind(self):
        raise_own_descriptor_limit(self.CLIENTS + 100)
        with harness.start_server(["--quiet"]) as server:
            idle_fds, idle_threads = idle_counts(server)
            clients = ManyConnections(server.port, self.CLIENTS)
            try:
                served = clients.exchange(STRING_REQUEST, 1)
                self.assertEqual(served, self.CLIENTS, "STRING round trips lost")
                # A GOB message, then a STRING: its reply proves the GOB was read.
                served = clients.exchange(b"GOB\n" + SAMPLE_GOB + STRING_REQUEST, 1)
                self.assertEqual(served, self.CLIENTS, "GOB exchanges lost")
                # A thread each, or none: the event loops serve them all.
                per_client = 0 if harness.SERVER_MODEL == "epoll" else 1
                self.assertEqual(thread_count(server.pid), idle_threads + per_client * self.CLIENTS)
            finally:
                clients.close()
            wait_until(lambda: descriptor_count(server.pid) == idle_fds, 10,
                       "descriptors not back to the idle count")
            wait_until(lambda: thread_count(server.pid) == idle_threads, 10,
                       "threads not back to the idle count")
            self.assertNotIn("Closing connection", server.log())


class ConnectionLimitTest(unittest.TestCase):
    def test_past_max_connections_clients_are_told_why(self):
        with harness.start_server(["--max-connections", "10"]) as server:
            _, idle_threads = idle_counts(server)
            clients = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                       for _ in range(60)]
            try:
                # The refused ones hear "ERR ..." at once, without asking.
                refused = self.collect_refusals(clients, expected=50)
                self.assertEqual(len(refused), 50)
                served = [sock for sock in clients if sock not in refused]
                for sock in served:
                    sock.sendall(STRING_REQUEST)
                    self.assertEqual(harness.read_line(sock, timeout=10), REPLY)
                self.assertEqual(len(served), 10)
                self.assertLessEqual(thread_count(server.pid), idle_threads + 10)
            finally:
                for sock in clients:
                    sock.close()
            # Once the ten leave, a newcomer is served again.
            wait_until(lambda: harness.run_client("127.0.0.1", server.port)[0] == 0, 10,
                       "server did not serve again after the clients left")
            self.assertIn("Refusing connection", server.log())

    @staticmethod
    def collect_refusals(clients, expected, seconds=10):
        """The sockets that received "ERR too many connections" and then
        end of stream, waiting until `expected` have or `seconds` pass."""
        selector = selectors.DefaultSelector()
        received = {}
        for sock in clients:
            selector.register(sock, selectors.EVENT_READ)
            received[sock] = b""
        closed = []
        deadline = time.monotonic() + seconds
        while len(closed) < expected and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                data = key.fileobj.recv(4096)
                received[key.fileobj] += data
                if not data:
                    selector.unregister(key.fileobj)
                    closed.append(key.fileobj)
        selector.close()
        return [sock for sock in closed if received[sock] == b"ERR too many connections\n"]


class DeadlineTest(unittest.TestCase):
    def test_a_silent_connection_is_closed_after_the_idle_timeout(self):
        with harness.start_server(["--idle-timeout", "1"]) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                self.assertEqual(sock.recv(100), b"")  # closed by the server, within 10 s
            self.assertIn("deadline passed", server.log())
            self.assertEqual(harness.run_client("127.0.0.1", server.port)[0], 0)

    def test_a_command_left_unfinished_is_cut_off_by_the_message_timeout(self):
        with harness.start_server(["--message-timeout", "1"]) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"STRING\nno newline, and nothing more")
                self.assertEqual(sock.recv(100), b"")
            self.assertIn("deadline passed", server.log())

    def test_a_slow_but_steady_client_is_not_cut_off_between_commands(self):
        with harness.start_server(["--idle-timeout", "2"]) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                for _ in range(3):
                    time.sleep(1)  # the slow client: each pause within the idle timeout
                    sock.sendall(STRING_REQUEST)
                    self.assertEqual(harness.read_line(sock, timeout=5), REPLY)


# UBSan checks an object's type by reading its memory through a pipe, which
# it cannot open once the process has no descriptors left; it then reports a
# false "invalid vptr" and aborts. So this test runs in the normal build only.
@unittest.skipIf("asan" in harness.BIN_DIR.parts,
                 "the sanitizer runtime itself needs free descriptors")
class DescriptorExhaustionTest(unittest.TestCase):
    def test_out_of_descriptors_the_server_backs_off_and_recovers(self):
        # 32 descriptors at most, soft and hard, so the server cannot raise it.
        def limit_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))

        with harness.start_server([], preexec_fn=limit_descriptors) as server:
            clients = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                       for _ in range(40)]
            try:
                wait_until(lambda: "Failed accepting" in server.log(), 10,
                           "the server never ran out of descriptors")
                before = cpu_seconds(server.pid)
                time.sleep(2)
                used = cpu_seconds(server.pid) - before
                # A server that retried accept() at once would burn ~2 s of CPU here.
                self.assertLess(used, 0.5, f"server used {used:.2f} s CPU in 2 s: spinning")
            finally:
                for sock in clients:
                    sock.close()
            wait_until(lambda: harness.run_client("127.0.0.1", server.port)[0] == 0, 15,
                       "server did not serve again once descriptors were free")


class ClientTimeoutTest(unittest.TestCase):
    def test_the_client_gives_up_on_a_server_that_never_answers(self):
        # A listener that accepts (the kernel does it) and never replies.
        with socket.create_server(("127.0.0.1", 0)) as silent:
            port = silent.getsockname()[1]
            result = harness.run_client("127.0.0.1", port, ["--timeout", "1"], timeout=20)
        self.assertEqual(result.code, 1)
        self.assertIn("deadline passed", result.stderr)


class ResourceLimitTest(unittest.TestCase):
    def test_the_server_raises_its_descriptor_limit_to_the_hard_limit(self):
        def low_soft_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 4096))

        with harness.start_server([], preexec_fn=low_soft_limit) as server:
            with open(f"/proc/{server.pid}/limits") as limits:
                line = next(l for l in limits if l.startswith("Max open files"))
            self.assertEqual(line.split()[3:5], ["4096", "4096"])

    @unittest.skipIf(any(name in harness.BIN_DIR.parts for name in ("asan", "tsan")),
                     "sanitizers reserve terabytes of address space: no address limit fits")
    def test_a_thread_that_cannot_start_closes_only_its_connection(self):
        # Too little address space for many 8 MiB thread stacks.
        def little_address_space():
            resource.setrlimit(resource.RLIMIT_AS, (96 << 20, 96 << 20))

        with harness.start_server(["--quiet"], preexec_fn=little_address_space) as server:
            clients = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                       for _ in range(40)]
            try:
                what = "fiber" if harness.SERVER_MODEL == "epoll" else "thread"
                wait_until(lambda: f"Cannot start a {what}" in server.log(), 10,
                           f"every {what} started: the address limit was not reached")
            finally:
                for sock in clients:
                    sock.close()
            # Their threads, or fibers, have given their stacks back.
            wait_until_connections_ended(server.pid, "the 40 closed connections")
            self.assertEqual(harness.run_client("127.0.0.1", server.port).code, 0)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_with_100_open_connections_exits_0_promptly(self):
        with harness.start_server(["--quiet"]) as server:
            clients = ManyConnections(server.port, 100)
            try:
                self.assertEqual(clients.exchange(STRING_REQUEST, 1), 100)
                started = time.monotonic()
                os.kill(server.pid, signal.SIGTERM)
                code = server.process.wait(timeout=10)
                took = time.monotonic() - started
            finally:
                clients.close()
            self.assertEqual(code, 0)
            self.assertLess(took, 2.0, f"shutdown took {took:.2f} s")
            self.assertIn("Server done.", server.log())

    def test_a_command_in_progress_finishes_before_the_server_exits(self):
        with harness.start_server([]) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"STRING\n")  # the handler now waits for the data line
                wait_until(lambda: "Receive command 'STRING'" in server.log(), 10,
                           "command not received")
                os.kill(server.pid, signal.SIGTERM)
                wait_until(lambda: "Stop:" in server.log(), 10, "stop not logged")
                sock.sendall(b"finished in time\n")
                self.assertEqual(harness.read_line(sock, timeout=5), REPLY)
            self.assertEqual(server.process.wait(timeout=10), 0)


if __name__ == "__main__":
    unittest.main()
