"""Helpers for the integration tests: start the real programs, talk to them.

The tests start ./server, ./client and the Go peer as real processes on
loopback, the way a reader of the tutorial runs them by hand. Everything
here is about doing that safely:

  start_server(args)       ./server --port 0 ARGS; waits for its "Listen on" line
  start_go_server(args)    go_peer serve -port 0 ARGS; the same for the Go peer
  run_client(host, port)   ./client HOST --port PORT; returns (code, stdout, stderr)
  run_program(argv)        any program, with a timeout; stdin bytes in, stdout as
                           text, or as raw bytes (raw_stdout=True)
  connect / read_line / read_until_closed / send_quietly / reset_close
                           a raw socket, to speak the protocol by hand
  read_fixture(name)       the bytes of tests/fixtures/NAME
  normalise(text)          hides pointer values, which differ on every run
  logged_structs(log)      the (outer, inner) %#v pairs a server logged
  wait_until(cond, secs, message) / server.wait_for_log(text, count)
                           poll, with a deadline, instead of sleeping

Servers always listen on port 0 (the kernel picks a free port) and log the
real one as "Listen on [::]:PORT"; we poll the log for that line, with a
deadline, instead of sleeping. Every process is stopped by its pid, and
stop() fails the test when a sanitizer reported anything in the log.

Paths come from the environment, as the Makefile sets them:
  BIN_DIR   where server and client are (default build/release/bin)
  GO_PEER   the Go peer binary (default tests/go_peer/go_peer)
Relative paths are taken from the repository root.

  SERVER_MODEL  threads or epoll: the --model every start_server() passes
                (`make integration` runs the tests once with each); unset,
                the server's default
"""

import atexit
import collections
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def _path_from_env(name, default):
    path = Path(os.environ.get(name, default))
    return path if path.is_absolute() else REPO_ROOT / path


BIN_DIR = _path_from_env("BIN_DIR", "build/release/bin")
SERVER = BIN_DIR / "server"
CLIENT = BIN_DIR / "client"
GO_PEER = _path_from_env("GO_PEER", "tests/go_peer/go_peer")
SERVER_MODEL = os.environ.get("SERVER_MODEL", "")

# How long a server may take to log "Listen on" (sanitizer builds start slowly).
STARTUP_SECONDS = 10
# How long stop() waits after SIGTERM before it sends SIGKILL.
STOP_SECONDS = 10

# ------------------------------------------------------ expected output --

# The tutorial's sample struct as Go's %#v prints it, after
# normalise(): the outer value and the one its C field points to.
EXPECTED_OUTER = (
    'main.complexData{N:23, S:"string data", '
    'M:map[string]int{"one":1, "three":3, "two":2}, '
    "P:[]uint8{0x61, 0x62, 0x63}, C:(*main.complexData)(0xADDR)}"
)
EXPECTED_INNER = (
    '&main.complexData{N:256, S:"Recursive structs? Piece of cake!", '
    'M:map[string]int{"01":1, "10":2, "11":3}, '
    "P:[]uint8(nil), C:(*main.complexData)(nil)}"
)

_POINTER = re.compile(r"\(0x[0-9a-f]+\)")


def normalise(text):
    """Replaces every "(0x7f...)" pointer value by "(0xADDR)"; "(nil)" stays."""
    return _POINTER.sub("(0xADDR)", text)


def logged_structs(log):
    """The (outer, inner) %#v pairs a server logged, addresses normalised.

    Both servers log "...: Outer complexData struct: " with the value on
    the next line, then the same for "Inner". A heading and its value are
    one write, so the value always follows its heading; but concurrent
    connections may interleave their Outer and Inner writes, so the n-th
    outer is paired with the n-th inner (exact when every value is the same).
    """
    lines = log.splitlines()
    outers, inners = [], []
    for index, line in enumerate(lines[:-1]):
        if line.endswith("Outer complexData struct: "):
            outers.append(normalise(lines[index + 1]))
        elif line.endswith("Inner complexData struct: "):
            inners.append(normalise(lines[index + 1]))
    return list(zip(outers, inners))


def is_struct_line_with_more_fields(expected, line):
    """Whether a %#v struct `line` is `expected`, or `expected` with more
    fields after its last one: what a student's beefed-up complexData (the
    tutorial's tip, exercise 8) prints for the tutorial's sample."""
    if line == expected:
        return True
    if not expected.endswith("}"):
        return False  # not a struct: "(*main.complexData)(nil)"
    pattern = re.escape(expected[:-1]) + r"(, [A-Z]\w*:.*)?\}"
    return re.fullmatch(pattern, line) is not None


def is_sample(outer, inner):
    """Whether a logged (outer, inner) pair is the tutorial's sample, fields
    added after C allowed. Tests that must pin the tutorial's exact line use
    EXPECTED_OUTER and EXPECTED_INNER themselves, and say so in their names."""
    return (is_struct_line_with_more_fields(EXPECTED_OUTER, outer)
            and is_struct_line_with_more_fields(EXPECTED_INNER, inner))


def assert_samples_logged(log, count=1):
    """Fails unless `log` holds exactly `count` (outer, inner) pairs, each the
    tutorial's sample (see is_sample)."""
    structs = logged_structs(log)
    wrong = [pair for pair in structs if not is_sample(*pair)]
    if len(structs) != count or wrong:
        shown = "\n  ".join(f"{outer}\n  {inner}" for outer, inner in structs) or "nothing"
        raise AssertionError(
            f"expected the tutorial's sample {count} time(s):\n  {EXPECTED_OUTER}\n  "
            f"{EXPECTED_INNER}\n(fields after C allowed); logged:\n  {shown}")


# Lines a sanitizer writes when it finds something (ASan, UBSan, LSan, TSan).
SANITIZER_REPORTS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "WARNING: ThreadSanitizer",
)


def sanitizer_report(text):
    """The first sanitizer report line in `text`, or None."""
    for line in text.splitlines():
        if any(marker in line for marker in SANITIZER_REPORTS):
            return line
    return None


def read_fixture(name):
    return (FIXTURES / name).read_bytes()


def wait_until(condition, seconds, message):
    """Polls `condition()` every 20 ms; fails with `message` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(message)
        time.sleep(0.02)


# ------------------------------------------------------------ processes --

# Every process started here, so that an interrupted run leaves none behind.
_running = set()


@atexit.register
def _kill_leftovers():
    for process in list(_running):
        if process.poll() is None:
            process.kill()
            process.wait()


class Server:
    """A server process whose stderr and stdout go to a temporary log file.

    Use it as a context manager: leaving the block calls stop(), which
    sends SIGTERM, waits, and sends SIGKILL only if the server hangs.
    """

    def __init__(self, argv, name, preexec_fn=None, env=None):
        self.argv = [str(part) for part in argv]
        self._log_file = tempfile.NamedTemporaryFile(
            prefix=f"{name}-", suffix=".log", delete=False)
        self._log_path = Path(self._log_file.name)
        self._final_log = None
        self.exit_code = None
        self.port = None
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._log_file,
            stderr=self._log_file, preexec_fn=preexec_fn, env=env)
        self.pid = self.process.pid
        _running.add(self.process)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def log(self):
        """Everything the server has written so far (all of it once stopped)."""
        if self._final_log is not None:
            return self._final_log
        return self._log_path.read_text(errors="replace")

    def wait_for_listen(self, seconds=STARTUP_SECONDS):
        """Polls the log for "Listen on ...:PORT"; sets and returns self.port."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = re.search(r"Listen on \S*:(\d+)\s*$", self.log(), re.MULTILINE)
            if found:
                self.port = int(found.group(1))
                return self.port
            if self.process.poll() is not None:
                code = self.stop()
                raise AssertionError(
                    f"{self.argv[0]} exited with {code} before listening:\n{self.log()}")
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"{self.argv[0]} did not listen within {seconds} s:\n{self.log()}")

    def wait_for_log(self, text, count=1, seconds=10):
        """Polls until `text` occurs `count` times in the log; returns the log.

        A server logs a GOB value after the client has already exited, so
        tests wait for the line rather than read the log at once. The log
        is searched after normalise(), so `text` may be EXPECTED_OUTER.
        """
        deadline = time.monotonic() + seconds
        while True:
            log = normalise(self.log())
            if log.count(text) >= count:
                return log
            if time.monotonic() >= deadline or self.process.poll() is not None:
                raise AssertionError(
                    f"expected {count} x {text!r} in the log, found {log.count(text)}:\n{log}")
            time.sleep(0.02)

    def is_running(self):
        return self.process.poll() is None

    def stop(self, seconds=STOP_SECONDS):
        """SIGTERM, then SIGKILL after `seconds`; returns the exit code
        (negative: killed by that signal). Fails if a sanitizer reported."""
        if self.exit_code is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=seconds)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            _running.discard(self.process)
            self.exit_code = self.process.returncode
            self._final_log = self._log_path.read_text(errors="replace")
            self._log_file.close()
            self._log_path.unlink(missing_ok=True)
        report = sanitizer_report(self._final_log)
        if report:
            raise AssertionError(f"sanitizer report in {self.argv[0]}'s log: {report}\n"
                                 f"{self._final_log}")
        return self.exit_code


def wait_for_log(server, text, count=1, seconds=10):
    """The same as server.wait_for_log(text, count, seconds)."""
    return server.wait_for_log(text, count, seconds)


def start_server(args=(), preexec_fn=None, env=None):
    """Starts ./server --port 0 ARGS and waits until it listens. `env`
    replaces the environment when given."""
    model = ["--model", SERVER_MODEL] if SERVER_MODEL else []
    server = Server([SERVER, "--port", "0", *model, *args], "server", preexec_fn, env)
    server.wait_for_listen()
    return server


def start_go_server(args=()):
    """Starts the Go peer's server (go_peer serve -port 0 ARGS), waits until it listens."""
    server = Server([GO_PEER, "serve", "-port", "0", *args], "go_peer")
    server.wait_for_listen()
    return server


Result = collections.namedtuple("Result", "code stdout stderr")


def run_program(argv, timeout=20, stdin=b"", raw_stdout=False):
    """Runs a program to completion; returns Result(code, stdout, stderr) as text,
    or with stdout as the exact bytes when `raw_stdout` is set.

    Fails the test if it runs longer than `timeout` (it is killed) or if a
    sanitizer reported anything on its stderr.
    """
    argv = [str(part) for part in argv]
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(f"{argv} still running after {timeout} s: "
                             f"{(expired.stderr or b'').decode(errors='replace')}") from None
    stdout = done.stdout if raw_stdout else done.stdout.decode(errors="replace")
    result = Result(done.returncode, stdout, done.stderr.decode(errors="replace"))
    report = sanitizer_report(result.stderr)
    if report:
        raise AssertionError(f"sanitizer report from {argv[0]}: {report}\n{result.stderr}")
    return result


def run_client(host, port, extra_args=(), timeout=20):
    """./client HOST --port PORT EXTRA_ARGS; returns Result(code, stdout, stderr)."""
    return run_program([CLIENT, host, "--port", port, *extra_args], timeout)


# ----------------------------------------------------------- raw socket --

def connect(port, host="127.0.0.1", timeout=10):
    """A plain TCP connection, to speak the protocol by hand."""
    return socket.create_connection((host, port), timeout=timeout)


def send_quietly(sock, data):
    """Sends `data`, ignoring a peer that has already closed or reset:
    several tests expect the server to hang up before reading it all."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_line(sock, timeout=10, limit=64 * 1024):
    """Reads up to and including the next b"\\n"; returns what arrived before
    end of stream if the line was never finished. Raises TimeoutError after
    `timeout` seconds. Reads one byte at a time so nothing after the line is
    consumed."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n") and len(line) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no complete line within {timeout} s; got {line!r}")
        sock.settimeout(remaining)
        byte = sock.recv(1)
        if not byte:
            break
        line += byte
    return line


def read_until_closed(sock, timeout=10):
    """Everything the peer sends until it closes (a reset counts as closed).
    Raises TimeoutError if the peer keeps the connection open past `timeout`."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"connection still open after {timeout} s; got {data!r}")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def reset_close(sock):
    """Closes with SO_LINGER 0: the peer gets a reset (RST), not an end of stream."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
