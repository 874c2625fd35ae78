#!/usr/bin/env python3
"""Exercise 8, a new field: ComplexData gets Tags, and Go still decodes it.

Run it with `make exercise N=8`. ComplexData gains a field
`std::vector<std::string> tags`, sent under the gob field name "Tags"
(Go: `Tags []string`), and the client's sample sets the outer value's tags
to {"networking", "gob"}; the inner value has none. The test checks:
  - the bytes of ./client's GOB request (caught by a stand-in server)
    define a field "Tags" and carry both tags;
  - the Go peer, whose complexData has no Tags field, still decodes those
    bytes to the tutorial's sample (gob skips fields it does not know); if
    you went further and gave the Go peer a Tags field too, it must print
    the tags;
  - ./server logs the new field the way Go's %#v prints a []string, after C:
      ..., C:(*main.complexData)(0x...), Tags:[]string{"networking", "gob"}}
      ..., C:(*main.complexData)(nil), Tags:[]string(nil)}
  - ./server still decodes a struct from Go without the field
    (tests/fixtures/sample.gob): its Tags are nil.
"""

import exercise
from exercise import FakeServer, check, expect_in_log, harness

OUTER_WITH_TAGS = harness.EXPECTED_OUTER[:-1] + ', Tags:[]string{"networking", "gob"}}'
INNER_WITH_TAGS = harness.EXPECTED_INNER[:-1] + ", Tags:[]string(nil)}"
OUTER_FROM_GO = harness.EXPECTED_OUTER[:-1] + ", Tags:[]string(nil)}"


def client_gob_bytes():
    """The GOB request's bytes as ./client sends them."""
    # "ok": a client that also did exercise 5 waits for the acknowledgement.
    stand_in = FakeServer(after_gob="ok")
    result = harness.run_client("127.0.0.1", stand_in.port, ["--timeout", "5"])
    stand_in.join()
    if stand_in.error or stand_in.gob_bytes is None:
        raise exercise.CannotJudge(f"no GOB request caught: {stand_in.error!r}\n{result.stderr}")
    check(result.code == 0, f"./client failed against the stand-in server:\n{result.stderr}")
    return stand_in.gob_bytes


def test():
    sent = client_gob_bytes()
    check(b"\x04Tags" in sent, "./client's GOB request defines no field named \"Tags\" "
          "(the gob string 04 'Tags'; ./client --dump shows the fields it defines)")
    for tag in (b"networking", b"gob"):
        check(bytes([len(tag)]) + tag in sent,
              f"./client's GOB request does not carry the tag {tag.decode()!r}")

    decoded = harness.run_program([harness.GO_PEER, "decode"], stdin=sent)
    check(decoded.code == 0, f"the Go peer cannot decode ./client's GOB request:\n"
          f"{decoded.stderr}")
    got = harness.normalise(decoded.stdout).splitlines()
    # Either Go's complexData as the tutorial has it, or, after "Going
    # further", one with Tags too.
    check(got in ([harness.EXPECTED_OUTER, harness.EXPECTED_INNER],
                  [OUTER_WITH_TAGS, INNER_WITH_TAGS]),
          "the Go peer decoded ./client's request to\n  " + "\n  ".join(got)
          + "\nexpected the tutorial's sample:\n  " + harness.EXPECTED_OUTER + "\n  "
          + harness.EXPECTED_INNER + "\n(or, if the Go peer has a Tags field too, the same "
          "with Tags after C)")

    with harness.start_server() as server:
        result = harness.run_client("127.0.0.1", server.port)
        check(result.code == 0, f"./client failed against ./server:\n{result.stderr}")
        expect_in_log(server, OUTER_WITH_TAGS, what="the outer struct with its tags")
        expect_in_log(server, INNER_WITH_TAGS, what="the inner struct, without tags")

    with harness.start_server() as server, harness.connect(server.port) as sock:
        sock.sendall(b"GOB\n" + harness.read_fixture("sample.gob"))
        # A server that also did exercise 5 answers OK; read it if it comes.
        sock.sendall(b"STRING\nafter Go's struct\n")
        reply = exercise.read_reply(sock, "a STRING request after Go's struct")
        if reply == b"OK\n":
            reply = exercise.read_reply(sock, "a STRING request after Go's struct")
        check(reply == b"Thank you.\n", f"after Go's struct, expected b'Thank you.\\n', "
              f"got {reply!r}")
        expect_in_log(server, OUTER_FROM_GO, what="Go's struct, which has no Tags")


if __name__ == "__main__":
    exercise.run(8, "a Tags field that Go still decodes", test,
                 build_targets=[str(harness.GO_PEER.relative_to(exercise.REPO_ROOT))])
