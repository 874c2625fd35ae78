#!/usr/bin/env python3
"""Exercise 6, many requests on one connection: ./client --repeat N.

Run it with `make exercise N=6`. With --repeat 5 the client sends five
STRING requests, one after the other on the same connection, each answered
before the next goes out, then its GOB request as before. The test checks:
  - ./client --repeat 5 exits 0 and logs five "got a response: Thank you.";
  - the server logged five STRING messages, all from one peer address
    (one connection), and the struct once;
  - without --repeat the client sends one STRING request, as today;
  - --repeat 0 is a usage error: exit status 2.
"""

import re

import exercise
from exercise import check, expect_in_log, harness

REPLY = "STRING request: got a response: Thank you."


def first_line(text):
    return text.strip().splitlines()[0] if text.strip() else "(no output)"


def test():
    with harness.start_server() as server:
        result = harness.run_client("127.0.0.1", server.port, ["--repeat", "5"])
        check(result.code == 0, f"./client --repeat 5 exited with status {result.code}: "
              f"{first_line(result.stderr)}\n{result.stderr}")
        replies = result.stderr.count(REPLY)
        check(replies == 5, f"./client --repeat 5 logged {replies} replies, expected 5:\n"
              + result.stderr)
        log = expect_in_log(server, "Receive STRING message:", count=5,
                            what="five STRING messages in the server's log")
        exercise.expect_sample_in_log(server, what="the struct after the STRING requests")
        peers = set(re.findall(r"Receive command 'STRING' from (\S+)", log))
        check(len(peers) == 1,
              f"the STRING requests came from {len(peers)} peer addresses {sorted(peers)}; "
              "expected all on one connection")

    with harness.start_server() as server:
        result = harness.run_client("127.0.0.1", server.port)
        check(result.code == 0, f"./client without --repeat failed:\n{result.stderr}")
        replies = result.stderr.count(REPLY)
        check(replies == 1, f"./client without --repeat logged {replies} replies, expected 1")

    result = harness.run_program([harness.CLIENT, "127.0.0.1", "--repeat", "0"])
    check(result.code == 2, f"./client --repeat 0 exited with {result.code}, expected 2 "
          f"(a usage error):\n{result.stderr}")


if __name__ == "__main__":
    exercise.run(6, "./client --repeat N", test)
