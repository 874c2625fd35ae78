#!/usr/bin/env python3
"""Exercise 2, UPPER: the server answers the line after "UPPER" in capitals.

Run it with `make exercise N=2`. ASCII letters become capitals; every other
byte, digits, punctuation and the bytes of UTF-8 letters included, comes
back as it was (so the reply is still valid UTF-8):
  UPPER / Hello, World 42   -> HELLO, WORLD 42
  UPPER / grüße aus köln    -> GRüßE AUS KöLN
  UPPER / (an empty line)   -> an empty line
then a STRING request on the same connection.
"""

import exercise
from exercise import expect_line, harness

CASES = [
    (b"Hello, World 42", b"HELLO, WORLD 42"),
    ("grüße aus köln".encode(), "GRüßE AUS KöLN".encode()),
    (b"ALREADY LOUD!", b"ALREADY LOUD!"),
    (b"", b""),
]


def test():
    with harness.start_server() as server, harness.connect(server.port) as sock:
        for text, upper in CASES:
            sock.sendall(b"UPPER\n" + text + b"\n")
            expect_line(sock, upper + b"\n", f"UPPER of {text!r}")
        sock.sendall(b"STRING\nstill there?\n")
        expect_line(sock, b"Thank you.\n", "a STRING request after the UPPER requests")


if __name__ == "__main__":
    exercise.run(2, "UPPER answers in capitals", test)
