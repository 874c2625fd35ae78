#!/usr/bin/env python3
"""Exercise 4, say why: a connection closed by a deadline gets "ERR <reason>".

Run it with `make exercise N=4`. The server runs with --idle-timeout 1 and
--message-timeout 1 (seconds). Today, when a deadline passes, it closes the
connection without a word, and the client cannot tell a slow self from a
broken server. The test checks two cases, each on its own connection:
  - a client that connects and sends nothing (the idle deadline), and
  - a client that sends "STRING\\n" but never its data (the message deadline);
each must receive one line starting with "ERR " and then the end of the
stream. The server must log the close, as it does today.
"""

import exercise
from exercise import check, expect_in_log, harness, read_reply

DEADLINES = ["--idle-timeout", "1", "--message-timeout", "1"]


def expect_error_then_close(sock, what):
    line = read_reply(sock, what)
    check(line.startswith(b"ERR "), f"{what}: expected a line 'ERR <reason>', got {line!r}")
    try:
        rest = harness.read_until_closed(sock, timeout=exercise.REPLY_SECONDS)
    except TimeoutError:
        check(False, f"{what}: the connection stayed open after {line!r}")
    check(rest == b"", f"{what}: expected the end of the stream after {line!r}, got {rest!r}")


def test():
    with harness.start_server(DEADLINES) as server:
        with harness.connect(server.port) as sock:
            expect_error_then_close(sock, "a client silent since it connected")
        with harness.connect(server.port) as sock:
            sock.sendall(b"STRING\n")
            expect_error_then_close(sock, "a client that sent STRING and then nothing")
        expect_in_log(server, "Closing connection from", count=2,
                      what="the server's log of the two closed connections")


if __name__ == "__main__":
    exercise.run(4, "a deadline's close says ERR first", test)
