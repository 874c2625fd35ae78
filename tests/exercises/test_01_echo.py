#!/usr/bin/env python3
"""Exercise 1, ECHO: the server sends the line after "ECHO" back, unchanged.

Run it with `make exercise N=1`. It sends, on one connection:
  ECHO / hello, world       -> hello, world
  ECHO / "  spaces kept  "  -> the same, spaces included
  ECHO / (an empty line)    -> an empty line
  ECHO / a UTF-8 line       -> the same bytes
and then a STRING request, which must still be answered: a new command
must not end the conversation.
"""

import exercise
from exercise import expect_line, harness

LINES = [b"hello, world", b"  spaces kept  ", b"", "Grüße, 東京".encode()]


def test():
    with harness.start_server() as server, harness.connect(server.port) as sock:
        for text in LINES:
            sock.sendall(b"ECHO\n" + text + b"\n")
            expect_line(sock, text + b"\n", f"ECHO of {text!r}")
        sock.sendall(b"STRING\nstill there?\n")
        expect_line(sock, b"Thank you.\n", "a STRING request after the ECHO requests")


if __name__ == "__main__":
    exercise.run(1, "ECHO sends the line back", test)
