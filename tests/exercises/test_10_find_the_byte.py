#!/usr/bin/env python3
"""Exercise 10, find the byte: where N travels, in a capture.

Run it with `make exercise N=10`. In tests/wire/fixtures/tutorial.pcapng,
the tutorial's exchange as dumpcap recorded it, one byte carries the outer
struct's N (23). The answer goes into answers/10.txt as one line:

  FRAME OFFSET BYTE

FRAME is the frame's number, OFFSET the byte's offset in that frame in hex
(as Wireshark's bytes pane and `tshark -x` count, from the frame's first
byte), BYTE the byte's value in hex. The test reads the capture itself (no
tshark needed): it finds the GOB request in the client's bytes, walks its
gob messages to the value, and takes the byte after N's field delta. A
wrong answer is told what the byte it names is instead.
"""

import re
import sys

import exercise
from exercise import NotDone, check

sys.path.insert(0, str(exercise.REPO_ROOT / "tools" / "wire"))
import pcapng  # noqa: E402

CAPTURE = exercise.REPO_ROOT / "tests" / "wire" / "fixtures" / "tutorial.pcapng"
ANSWER = exercise.REPO_ROOT / "answers" / "10.txt"
EXAMPLE = "5 0042 7f"


def read_uint(data, position):
    first = data[position]
    if first < 128:
        return first, position + 1
    count = 256 - first
    return int.from_bytes(data[position + 1:position + 1 + count], "big"), position + 1 + count


def landmarks():
    """{(frame, offset): what that byte is} for the bytes near N, and the
    (frame, offset, value) of N's byte."""
    segments = pcapng.segments(CAPTURE)
    server_port = segments[0].dst_port
    # The client's bytes as one stream, each byte with where it is on the wire.
    stream, places = b"", []
    for segment in segments:
        if segment.dst_port == server_port:
            stream += segment.payload
            places += [(segment.frame, segment.offset + i) for i in range(len(segment.payload))]
    start = stream.index(b"GOB\n") + 4
    names = {}
    position = start
    while True:
        size, body = read_uint(stream, position)
        names[places[position]] = "the length prefix of a gob message"
        raw_id, after_id = read_uint(stream, body)
        type_id = ~(raw_id >> 1) if raw_id & 1 else raw_id >> 1
        for index in range(body, after_id):
            names[places[index]] = f"part of the type id {type_id} of a gob message"
        if type_id > 0:
            break
        position = body + size
    delta, value_at = read_uint(stream, after_id)
    if delta != 1:
        raise exercise.CannotJudge("the capture's value does not begin with field N")
    names[places[after_id]] = "the field delta 01 before N (field 0): not N's value yet"
    _, after_value = read_uint(stream, value_at)
    # The inner struct's N: 256, three bytes (fe 02 00).
    inner = stream.index(b"\xfe\x02\x00", after_value)
    for index in range(inner, inner + 3):
        names[places[index]] = "part of the inner struct's N, 256 (fe 02 00); the outer N is 23"
    frame, offset = places[value_at]
    names[places[value_at - 1]] = names[places[after_id]]
    return names, (frame, offset, stream[value_at]), {place: stream[i] for i, place in
                                                      enumerate(places)}


def parse_answer():
    check(ANSWER.exists(), f"no answer yet: write the frame, the offset (hex) and the byte (hex) "
          f"into answers/10.txt as one line, for example {EXAMPLE!r}")
    words = ANSWER.read_text().split()
    check(len(words) == 3, f"answers/10.txt: expected three words, FRAME OFFSET BYTE (like "
          f"{EXAMPLE!r}), found {ANSWER.read_text().strip()!r}")
    try:
        frame = int(words[0])
        offset = int(re.sub(r"^0x", "", words[1], flags=re.I), 16)
        value = int(re.sub(r"^0x", "", words[2], flags=re.I), 16)
    except ValueError:
        raise NotDone(f"answers/10.txt: {' '.join(words)!r}: FRAME is a decimal number, OFFSET "
                      f"and BYTE are hex (like {EXAMPLE!r})") from None
    return frame, offset, value


def test():
    frame, offset, value = parse_answer()
    names, (right_frame, right_offset, right_value), bytes_at = landmarks()
    frames = {place[0] for place in bytes_at}
    if frame != right_frame:
        where = "carries no bytes of the client" if frame not in frames else \
            "carries other bytes of the client"
        raise NotDone(f"frame {frame} {where}. N is part of the GOB request: which frame's TCP "
                      "payload begins with GOB? (tshark -Y 'tutorial.command == \"GOB\"')")
    if offset != right_offset:
        what = names.get((frame, offset))
        if what is None and (frame, offset) in bytes_at:
            what = f"the byte {bytes_at[(frame, offset)]:02x} of the GOB request, but not N's"
        elif what is None:
            what = "in the headers (Ethernet, IP, TCP) or past the frame, not in the TCP payload"
        raise NotDone(f"frame {frame} is right; the byte at offset {offset:04x} is {what}. "
                      "In Wireshark, click N in the tree and read the highlighted byte's offset.")
    if value != right_value:
        hint = ""
        if value == 23:
            hint = (" 23 is 0x17, but gob sends a signed integer shifted left by one bit, the "
                    "sign in bit 0 (docs/protocol.md, \"Signed integers\").")
        raise NotDone(f"frame {frame}, offset {offset:04x} is the byte; its value is not "
                      f"{value:02x}.{hint}")


if __name__ == "__main__":
    exercise.run(10, "find the byte that carries N", test)
