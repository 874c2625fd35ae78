#!/usr/bin/env python3
"""Exercise 5, an acknowledgement: the server answers a GOB request "OK".

Run it with `make exercise N=5`. Today a GOB request gets no answer, so the
client cannot know whether the struct arrived. The test checks both sides:
  - server: "GOB\\n" and a Go-encoded struct (tests/fixtures/sample.gob)
    -> "OK\\n" once the value is decoded; the struct is logged as before, and
    the connection goes on serving commands (a STRING request after it);
  - client: against ./server, ./client exits 0 and logs
    "GOB request: got a response: OK";
  - client: against a stand-in server that reads the GOB request and closes
    without "OK", ./client must notice and exit with status 1.
"""

import exercise
from exercise import FakeServer, check, expect_in_log, expect_line, harness


def test():
    with harness.start_server() as server:
        with harness.connect(server.port) as sock:
            # Both requests at once: without the acknowledgement, the first
            # reply to arrive is the STRING request's.
            sock.sendall(b"GOB\n" + harness.read_fixture("sample.gob") + b"STRING\nafter it\n")
            expect_line(sock, b"OK\n", "the reply to a GOB request")
            expect_line(sock, b"Thank you.\n", "a STRING request after the GOB request")
        expect_in_log(server, harness.EXPECTED_OUTER, what="the decoded struct in the log")

        result = harness.run_client("127.0.0.1", server.port, ["--timeout", "5"])
        check(result.code == 0, f"./client failed against ./server:\n{result.stderr}")
        check("GOB request: got a response: OK" in result.stderr,
              "./client did not log 'GOB request: got a response: OK':\n" + result.stderr)

    silent = FakeServer(after_gob="close")
    result = harness.run_client("127.0.0.1", silent.port, ["--timeout", "5"])
    silent.join()
    if silent.error:
        raise exercise.CannotJudge(f"the stand-in server failed: {silent.error!r}")
    check(result.code == 1,
          "./client exited with status {} against a server that never said OK; "
          "expected 1. Its log:\n{}".format(result.code, result.stderr))


if __name__ == "__main__":
    exercise.run(5, "GOB requests are acknowledged with OK", test)
