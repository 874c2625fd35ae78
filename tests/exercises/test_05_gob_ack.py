#!/usr/bin/env python3
"""Exercise 5, an acknowledgement: the server answers a GOB request "OK".

Run it with `make exercise N=5`. Today a GOB request gets no answer, so the
client cannot know whether the struct arrived. The test checks both sides:
  - server: "GOB\\n" and a Go-encoded struct (tests/fixtures/sample.gob)
    -> "OK\\n" once the value is decoded; the struct is logged as before, and
    the connection goes on serving commands (a STRING request after it);
  - server: a GOB request whose value is cut short (the client half-closes
    the connection before its last bytes) gets no "OK": the
    acknowledgement says the value was decoded, so it must not come before;
  - client: against ./server, ./client exits 0 and logs
    "GOB request: got a response: OK";
  - client: against a stand-in server that reads the GOB request and closes
    without "OK", ./client must notice and exit with status 1.
"""

import socket

import exercise
from exercise import FakeServer, check, expect_line, harness


def expect_no_ok_for_truncated_value(server):
    sample = harness.read_fixture("sample.gob")
    with harness.connect(server.port) as sock:
        sock.sendall(b"GOB\n" + sample[:-4])
        sock.shutdown(socket.SHUT_WR)  # the value can never be completed now
        try:
            replies = harness.read_until_closed(sock, timeout=exercise.REPLY_SECONDS)
        except TimeoutError as error:
            raise exercise.NotDone(f"a GOB request whose value was cut short: {error}; the "
                                   "server should end the connection when the value cannot "
                                   "be completed") from None
    check(b"OK" not in replies,
          f"a GOB request whose value was cut short got {replies!r}: an OK sent before "
          "decoder.decode(...) has returned tells the client that a value arrived when "
          "it did not. Answer only after the whole value is decoded.")


def test():
    with harness.start_server() as server:
        with harness.connect(server.port) as sock:
            # Both requests at once: without the acknowledgement, the first
            # reply to arrive is the STRING request's.
            sock.sendall(b"GOB\n" + harness.read_fixture("sample.gob") + b"STRING\nafter it\n")
            expect_line(sock, b"OK\n", "the reply to a GOB request")
            expect_line(sock, b"Thank you.\n", "a STRING request after the GOB request")
        exercise.expect_sample_in_log(server, what="the decoded struct in the log")
        expect_no_ok_for_truncated_value(server)

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
