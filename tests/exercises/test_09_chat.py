#!/usr/bin/env python3
"""Exercise 9, a chat across connections: LISTEN and SAY.

Run it with `make exercise N=9`. A client that sends "LISTEN\\n" is answered
"OK\\n" and from then on receives every line that other clients SAY. A client
that sends "SAY\\n" and a line of text is answered "OK <n>\\n", n being the
number of listeners the text reached, and goes on with other commands. The
test, on one server:
  - c says "nobody here" with no listener              -> c gets "OK 0"
  - a and b LISTEN                                      -> each gets "OK"
  - c says "hello, everyone"                            -> c gets "OK 2";
                                                           a and b get the line
  - a hangs up; c says "still there?" until the server
    noticed (at most 10 seconds)                        -> "OK 1"; b gets the line
  - c sends a STRING request                            -> "Thank you."
"""

import contextlib
import time

import exercise
from exercise import check, expect_line, harness, read_reply


def say(sock, text):
    sock.sendall(b"SAY\n" + text + b"\n")
    return read_reply(sock, f"SAY {text!r}")


def listen(sock, name):
    sock.sendall(b"LISTEN\n")
    expect_line(sock, b"OK\n", f"LISTEN from {name}")


def test():
    with harness.start_server() as server, contextlib.ExitStack() as sockets:
        a, b, c = (sockets.enter_context(harness.connect(server.port)) for _ in range(3))
        answer = say(c, b"nobody here")
        check(answer == b"OK 0\n", f"SAY with no listener: expected b'OK 0\\n', got {answer!r}")

        listen(a, "a")
        listen(b, "b")
        answer = say(c, b"hello, everyone")
        check(answer == b"OK 2\n", f"SAY with two listeners: expected b'OK 2\\n', got {answer!r}")
        expect_line(a, b"hello, everyone\n", "what listener a heard")
        expect_line(b, b"hello, everyone\n", "what listener b heard")

        a.close()
        deadline = time.monotonic() + exercise.REPLY_SECONDS
        while True:
            answer = say(c, b"still there?")
            expect_line(b, b"still there?\n", "what listener b heard")
            if answer == b"OK 1\n" or time.monotonic() >= deadline:
                break
            check(answer == b"OK 2\n", f"SAY while listener a leaves: got {answer!r}")
            time.sleep(0.05)
        check(answer == b"OK 1\n", "SAY after listener a left: expected b'OK 1\\n', "
              f"still got {answer!r} after {exercise.REPLY_SECONDS} s")

        c.sendall(b"STRING\nback to work\n")
        expect_line(c, b"Thank you.\n", "a STRING request after SAY")


if __name__ == "__main__":
    exercise.run(9, "LISTEN and SAY: a chat across connections", test)
