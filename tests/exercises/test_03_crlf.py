#!/usr/bin/env python3
"""Exercise 3, CRLF clients: answer "\\r\\n" lines in kind.

Run it with `make exercise N=3`. telnet and `nc -C` end every line with
"\\r\\n". The server already reads such lines (it trims the '\\r'), but it
answers "Thank you.\\n", which such a client shows badly. On one connection
the test sends STRING requests in both styles and checks each reply:
  STRING\\r\\n hello from telnet\\r\\n  -> Thank you.\\r\\n
  STRING\\n    hello from nc\\n         -> Thank you.\\n     (LF clients unchanged)
  STRING\\r\\n once more\\r\\n          -> Thank you.\\r\\n
and that the server still logs the text without the '\\r'. Finally ./client,
an LF client, must still complete its exchange.
"""

import exercise
from exercise import check, expect_in_log, expect_line, harness

REQUESTS = [
    (b"STRING\r\nhello from telnet\r\n", b"Thank you.\r\n"),
    (b"STRING\nhello from nc\n", b"Thank you.\n"),
    (b"STRING\r\nonce more\r\n", b"Thank you.\r\n"),
]


def test():
    with harness.start_server() as server:
        with harness.connect(server.port) as sock:
            for request, reply in REQUESTS:
                sock.sendall(request)
                expect_line(sock, reply, f"the reply to {request!r}")
        expect_in_log(server, "Receive STRING message: hello from telnet\n",
                      what="the STRING text, logged without its '\\r'")
        result = harness.run_client("127.0.0.1", server.port)
        check(result.code == 0, f"./client failed against the server:\n{result.stderr}")


if __name__ == "__main__":
    exercise.run(3, "replies end with \\r\\n for \\r\\n clients", test)
