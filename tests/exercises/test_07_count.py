#!/usr/bin/env python3
"""Exercise 7, COUNT: how many clients are connected right now.

Run it with `make exercise N=7`. "COUNT\\n" is answered with the number of
open connections, the asking one included, as a line: "3\\n". The test:
  - opens connections a, b, c; c asks COUNT            -> 3
  - closes a; c asks again until the server noticed     -> 2
    (the server learns of a close only when it reads the end of the
    stream, so the test asks repeatedly, for at most 10 seconds)
  - opens d; d asks COUNT                              -> 3
  - c sends a STRING request: COUNT ends no conversation.
"""

import contextlib
import time

import exercise
from exercise import check, expect_line, harness, read_reply


def ask_count(sock, what):
    sock.sendall(b"COUNT\n")
    return read_reply(sock, what)


def test():
    with harness.start_server() as server, contextlib.ExitStack() as sockets:
        # b only stays connected, to be counted.
        a, b, c = (sockets.enter_context(harness.connect(server.port)) for _ in range(3))
        answer = ask_count(c, "COUNT with three clients connected")
        check(answer == b"3\n", f"COUNT with three clients connected: expected b'3\\n', "
              f"got {answer!r}")

        a.close()
        deadline = time.monotonic() + exercise.REPLY_SECONDS
        while True:
            answer = ask_count(c, "COUNT after one of three clients left")
            if answer == b"2\n" or time.monotonic() >= deadline:
                break
            check(answer == b"3\n", f"COUNT while one of three clients leaves: got {answer!r}")
            time.sleep(0.05)
        check(answer == b"2\n", "COUNT after one of three clients left: expected b'2\\n', "
              f"still got {answer!r} after {exercise.REPLY_SECONDS} s")

        d = sockets.enter_context(harness.connect(server.port))
        d.sendall(b"COUNT\n")
        expect_line(d, b"3\n", "COUNT from a new client, three connected")
        c.sendall(b"STRING\nstill there?\n")
        expect_line(c, b"Thank you.\n", "a STRING request after COUNT")


if __name__ == "__main__":
    exercise.run(7, "COUNT answers the number of clients", test)
