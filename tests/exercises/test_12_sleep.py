#!/usr/bin/env python3
"""Exercise 12, SLEEP: wait without stopping the event loop.

Run it with `make exercise N=12`. "SLEEP\\n", then a line with a number of
milliseconds from 0 to 10000, is answered "Awake.\\n" once that long has
passed, and the connection goes on. The test:
  - under ./server --model threads: SLEEP 300 is answered b"Awake.\\n",
    and not before 300 ms have passed since the request was sent; then a
    STRING request on the same connection gets b"Thank you.\\n";
  - under ./server --model epoll: the same;
  - under --model epoll: one client sends SLEEP 3000; once the server has
    logged its command, os.cpu_count() + 1 other clients each send a
    STRING request (connections go round the loops, one per core, so at
    least one of them shares the sleeper's loop). Every one must be
    answered while the sleeper is still unanswered: when each reply has
    arrived, the sleeper's socket must hold nothing yet (looked at without
    waiting). That is an order, not a time limit. Then the sleeper still
    gets b"Awake.\\n";
  - SLEEP with the line "abc", and SLEEP with "10001", are each answered
    with a line that starts with "ERR".
The test passes --model itself: it grades both models whatever
SERVER_MODEL says (the option given last wins).
"""

import contextlib
import os
import select
import time

import exercise
from exercise import check, expect_line, harness

SHORT_MS = 300
LONG_MS = 3000

BLOCKED_LOOP_HINT = (
    "While one connection slept, the others of its event loop waited: the sleep "
    "blocked the loop's thread. Under --model epoll a connection's handler runs on a "
    "fiber, and one thread runs the fibers of many connections; a plain sleep "
    "(std::this_thread::sleep_for, sleep(), usleep()) stops that thread, and every "
    "connection on it. Read "
    "the contract at the top of apps/server/event_loop.hpp, then common/wait_hooks.hpp.")


def start(model):
    # harness.start_server puts SERVER_MODEL's --model (if set) before these
    # arguments; ./server takes the last one given.
    return harness.start_server(args=["--model", model])


def has_reply(sock):
    """Whether `sock` has bytes (or its end) waiting, without waiting for any."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def sleep_then_string(server, model):
    what = f"--model {model}: SLEEP {SHORT_MS}"
    with harness.connect(server.port) as sock:
        sent = time.monotonic()
        sock.sendall(b"SLEEP\n%d\n" % SHORT_MS)
        expect_line(sock, b"Awake.\n", what)
        waited = (time.monotonic() - sent) * 1000
        check(waited >= SHORT_MS, f"{what}: b'Awake.\\n' came after {waited:.0f} ms, "
              f"before {SHORT_MS} ms had passed")
        sock.sendall(b"STRING\nstill awake?\n")
        expect_line(sock, b"Thank you.\n", f"--model {model}: a STRING request after SLEEP")


def others_go_on_while_one_sleeps(server):
    clients = (os.cpu_count() or 1) + 1
    command = "Receive command 'SLEEP'"
    logged = harness.normalise(server.log()).count(command)
    with harness.connect(server.port) as sleeper, contextlib.ExitStack() as sockets:
        sleeper.sendall(b"SLEEP\n%d\n" % LONG_MS)
        exercise.expect_in_log(server, command, logged + 1,
                               f"--model epoll: SLEEP {LONG_MS} reaching the server")
        others = [sockets.enter_context(harness.connect(server.port)) for _ in range(clients)]
        for sock in others:
            sock.sendall(b"STRING\nare you there?\n")
        for number, sock in enumerate(others, 1):
            what = (f"--model epoll, while one client sleeps {LONG_MS} ms: the STRING "
                    f"request of client {number} of {clients}")
            try:
                line = harness.read_line(sock, timeout=exercise.REPLY_SECONDS)
            except TimeoutError:
                raise exercise.NotDone(f"{what}: no reply in {exercise.REPLY_SECONDS} s. "
                                       + BLOCKED_LOOP_HINT) from None
            woke = has_reply(sleeper)
            check(line == b"Thank you.\n",
                  f"{what}: expected b'Thank you.\\n', got {line!r}")
            check(not woke, f"{what} was answered only after the sleeping client's reply. "
                  + BLOCKED_LOOP_HINT)
        expect_line(sleeper, b"Awake.\n",
                    f"--model epoll: SLEEP {LONG_MS}, after the others were served")


def bad_numbers_are_refused(server):
    for data in (b"abc", b"10001"):
        what = f"SLEEP with {data.decode()!r}"
        with harness.connect(server.port) as sock:
            sent = time.monotonic()
            sock.sendall(b"SLEEP\n" + data + b"\n")
            try:
                line = harness.read_line(sock, timeout=exercise.REPLY_SECONDS)
            except TimeoutError:
                raise exercise.NotDone(
                    f"{what}: expected a line starting with b'ERR' at once; nothing came in "
                    f"{exercise.REPLY_SECONDS} s (only 0 to 10000 ms are allowed)") from None
            check(line.startswith(b"ERR"), f"{what}: expected a line starting with b'ERR', "
                  f"got {line!r} after {(time.monotonic() - sent) * 1000:.0f} ms")


def test():
    with start("threads") as server:
        sleep_then_string(server, "threads")
    with start("epoll") as server:
        sleep_then_string(server, "epoll")
        others_go_on_while_one_sleeps(server)
        bad_numbers_are_refused(server)


if __name__ == "__main__":
    exercise.run(12, "SLEEP without stopping the loop", test)
