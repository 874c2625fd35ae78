"""What every acceptance test in this directory shares.

An acceptance test grades one exercise of docs/exercises.md. It builds the
tree it lives in (`make -j2`), starts the real ./server on a free port,
talks to it over 127.0.0.1 and checks the behaviour the exercise asks for.
It ends with one of three verdicts, which are also its exit status:

  0  PASS      the behaviour is there
  1  NOT DONE  the behaviour is missing or wrong; the message says what the
               test sent, what it expected and what came back
  2  ERROR     the test could not judge: the build failed, the server did
               not start, ...

`make exercises-proof` relies on the difference between 1 and 2: on the
unsolved code every test must say NOT DONE, not merely fail somehow.

The processes and sockets come from the integration tests' harness
(tests/integration/harness.py: start_server, connect, read_line, ...), so
the two kinds of test start, wait for and stop servers the same way.
"""

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# The programs under test are the top-level ./server and ./client that
# `make` leaves in the tree's root, whichever tree this file is in.
os.environ["BIN_DIR"] = str(REPO_ROOT)
os.environ["GO_PEER"] = str(REPO_ROOT / "tests" / "go_peer" / "go_peer")
sys.path.insert(0, str(REPO_ROOT / "tests" / "integration"))
import harness  # noqa: E402  (needs the environment above)
import submake  # noqa: E402

PASS, NOT_DONE, ERROR = 0, 1, 2

# How long a reply may take before the test calls it missing. Generous: a
# loaded machine is slow, and a missing reply is waited for only once.
REPLY_SECONDS = 10


class NotDone(Exception):
    """The behaviour the exercise asks for is missing or wrong."""


class CannotJudge(Exception):
    """The test could not run: nothing can be said about the exercise."""


def check(condition, message):
    """Fails the exercise with `message` unless `condition` holds."""
    if not condition:
        raise NotDone(message)


# ---------------------------------------------------------------- build --

def build(*targets):
    """Runs `make -j2 TARGETS` in the tree; CannotJudge with the compiler's
    first errors when it fails."""
    argv = ["make", "-j2", *targets]
    done = subprocess.run(argv, cwd=REPO_ROOT, env=submake.environment(),
                          stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise CannotJudge(f"`{' '.join(argv)}` failed:\n" + first_errors(output))


# A compiler or linker error line: "file.cpp:12:5: error: ...", "fatal error",
# "undefined reference to ...". Lines that lead up to one (included from,
# in instantiation of, required from, In function) belong to it.
_ERROR_LINE = re.compile(r"(:\d+:\d+: (fatal )?error:)|(: error:)|(undefined reference to)")
_LEAD_IN = re.compile(r"^(In file included from|\s+from |.*: In (member |static )?function|"
                      r".*: In instantiation of|.*:\s+required from|.*: In constructor|"
                      r".*: In lambda function|.*: At global scope)")

SHOWN_ERROR_LINES = 40


def first_errors(output):
    """The part of a failed build's output a student needs first: the first
    error with what leads up to it and what follows, not the tail, which
    for a template error is a screenful of notes."""
    first = next((i for i, line in enumerate(output) if _ERROR_LINE.search(line)), None)
    if first is None:
        return "\n".join(output[-SHOWN_ERROR_LINES:])
    start = first
    while start > 0 and _LEAD_IN.match(output[start - 1]):
        start -= 1
    shown = output[start:start + SHOWN_ERROR_LINES]
    errors = sum(1 for line in output if _ERROR_LINE.search(line))
    more = len(output) - start - len(shown)
    text = "\n".join(shown)
    if more > 0:
        text += (f"\n... {more} more lines ({errors} error lines in all). "
                 "Fix the first error first; run `make` to see everything.")
    return text


# -------------------------------------------------------- conversations --

# Said when no reply comes: the usual reason, in this course, is a reply
# written into the BufferedStream and never flushed out of it.
SILENCE_HINT = (
    "Nothing came back in {seconds} s. Does the handler write a reply, and then call "
    "stream.flush()? Until flush(), the reply waits in the BufferedStream's buffer "
    "(the tutorial's bold warning about buffered writers). Or does it wait to read "
    "something the client never sends?")


def expect_line(sock, expected, what):
    """Reads one line from `sock` and checks it is `expected` (bytes, with
    its line ending). A timeout or a closed connection counts as a wrong
    answer, with what arrived instead in the message."""
    try:
        line = harness.read_line(sock, timeout=REPLY_SECONDS)
    except TimeoutError:
        raise NotDone(f"{what}: expected {expected!r}. "
                      + SILENCE_HINT.format(seconds=REPLY_SECONDS)) from None
    except OSError as error:
        raise NotDone(f"{what}: expected {expected!r}; the connection failed: {error}") from None
    if line == expected:
        return
    if not line:
        raise NotDone(f"{what}: expected {expected!r}; the server closed the connection instead")
    raise NotDone(f"{what}: expected {expected!r}, got {line!r}")


def read_reply(sock, what):
    """The next line from `sock` (with its ending), or NotDone if none comes."""
    try:
        line = harness.read_line(sock, timeout=REPLY_SECONDS)
    except TimeoutError:
        raise NotDone(f"{what}: no reply. " + SILENCE_HINT.format(seconds=REPLY_SECONDS)) from None
    except OSError as error:
        raise NotDone(f"{what}: no reply: {error}") from None
    check(line, f"{what}: the server closed the connection without a reply")
    check(line.endswith(b"\n"), f"{what}: no complete reply line; got {line!r} and then the end")
    return line


def expect_in_log(server, text, count=1, what="the server's log"):
    """Waits until `text` appears `count` times in the server's log (pointer
    values normalised to 0xADDR, see harness.normalise); returns the log."""
    try:
        return server.wait_for_log(text, count, seconds=REPLY_SECONDS)
    except AssertionError as error:
        raise NotDone(f"{what}: {error}") from None


def expect_sample_in_log(server, what="the tutorial's struct in the server's log"):
    """Waits until the server has logged the tutorial's sample, outer and
    inner struct. Fields a student added after C (exercise 8, the "beef up
    complexData" tip) may follow: this checks the tutorial's fields, not the
    whole line, so another exercise cannot undo this one."""
    deadline = time.monotonic() + REPLY_SECONDS
    while True:
        structs = harness.logged_structs(server.log())
        if any(harness.is_sample(outer, inner) for outer, inner in structs):
            return
        if time.monotonic() > deadline:
            seen = "\n  ".join(f"{outer}\n  {inner}" for outer, inner in structs) or "nothing"
            raise NotDone(f"{what}: expected\n  {harness.EXPECTED_OUTER}\n  "
                          f"{harness.EXPECTED_INNER}\n(more fields may follow C); logged:\n  {seen}")
        time.sleep(0.05)


def read_gob_uint(stream):
    """One unsigned integer in gob's encoding (docs/protocol.md): a byte
    below 128 is the value; otherwise its negation is the count of
    big-endian bytes that follow."""
    first = stream.read(1)
    if not first:
        raise EOFError("end of stream")
    if first[0] < 0x80:
        return first[0]
    count = 256 - first[0]
    rest = stream.read(count)
    if len(rest) != count:
        raise EOFError("end of stream inside an integer")
    return int.from_bytes(rest, "big")


def read_gob_value(stream):
    """Reads whole gob messages until the one that carries a value (its
    type id is positive; type definitions have negative ids). Returns every
    byte read, as it arrived."""
    recorder = _Recorder(stream)
    while True:
        length = read_gob_uint(recorder)
        body = recorder.read(length)
        if len(body) != length:
            raise EOFError("end of stream inside a message")
        type_id = read_gob_uint(io.BytesIO(body))
        type_id = ~(type_id >> 1) if type_id & 1 else type_id >> 1  # gob's signed ints
        if type_id > 0:
            return bytes(recorder.data)


class _Recorder:
    """Reads from `stream` and keeps a copy of everything read."""

    def __init__(self, stream):
        self._stream, self.data = stream, bytearray()

    def read(self, count):
        chunk = self._stream.read(count)
        self.data += chunk
        return chunk


class FakeServer:
    """A stand-in for ./server that serves one ./client exchange on
    127.0.0.1: it answers the STRING request with "Thank you.", then reads
    the GOB request's messages and does what `after_gob` says:

      "close"  close without a word (a client that waits for a reply sees
               the end of the stream)
      "ok"     send "OK" and then read until the client closes

    `gob_bytes` holds the GOB request's messages afterwards; `error` what
    went wrong, if anything.
    """

    def __init__(self, after_gob):
        self.after_gob = after_gob
        self.gob_bytes = None
        self.error = None
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(REPLY_SECONDS)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        try:
            conn, _ = self._listener.accept()
            with conn:
                conn.settimeout(REPLY_SECONDS)
                stream = conn.makefile("rb")
                if stream.readline() != b"STRING\n":
                    raise ValueError("the client did not start with STRING")
                stream.readline()
                conn.sendall(b"Thank you.\n")
                if stream.readline() != b"GOB\n":
                    raise ValueError("the client did not send GOB second")
                self.gob_bytes = read_gob_value(stream)
                if self.after_gob == "ok":
                    harness.send_quietly(conn, b"OK\n")
                    harness.read_until_closed(conn, timeout=REPLY_SECONDS)
        except Exception as error:  # reported by the test through .error
            self.error = error
        finally:
            self._listener.close()

    def join(self):
        self._thread.join(REPLY_SECONDS * 2)
        if self._thread.is_alive():
            raise CannotJudge("the stand-in server did not finish")


# ----------------------------------------------------------------- main --

def run(number, title, test, build_targets=()):
    """Builds the tree, runs `test()` and exits with its verdict."""
    print(f"exercise {number}: {title}", flush=True)
    try:
        build()
        if build_targets:
            build(*build_targets)
        test()
    except NotDone as reason:
        print(f"NOT DONE: {reason}")
        print(f"(the exercise and its hints: docs/exercises.md, exercise {number})")
        sys.exit(NOT_DONE)
    except CannotJudge as reason:
        print(f"ERROR: {reason}")
        sys.exit(ERROR)
    except Exception:  # the harness failed: that says nothing about the exercise
        traceback.print_exc()
        print("ERROR: the test could not run to the end (see above)")
        sys.exit(ERROR)
    print("PASS")
    sys.exit(PASS)
