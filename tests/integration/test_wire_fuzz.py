"""Random, truncated and mutated gob bytes through the dissector: never a
Lua error, never a dissector bug, never a crash or a hang of tshark.

  GobPackets     1200 gob streams, one per packet (text2pcap -P gob):
                 Go's streams of every kind and the fixtures, cut short, with
                 bytes flipped, inserted or dropped, with one message's body
                 mutated and its length prefix made to fit again (so that
                 the value decoder sees the damage, not only the framing),
                 messages spliced from other streams, and plain noise
  TutorialTcp    the same damage after a GOB command, over TCP in random
                 segments, so that reassembly and the command protocol see it

The random choices come from a fixed seed, so that a failure repeats; set
WIRE_FUZZ_SEED to try others (the seed is in every failure message).
"""

import os
import random
import tempfile
import time
import unittest

import harness
import wire_harness as wire

SEED = int(os.environ.get("WIRE_FUZZ_SEED", "12"))
PACKETS = 1200
STREAMS = 12
SECONDS = 60


def seeds():
    """Every gob stream the tests have: Go's cases and the fixtures."""
    streams = [wire.go_encode(case) for case in wire.go_cases()]
    streams += [path.read_bytes() for path in sorted(harness.FIXTURES.glob("*.gob"))
                if path.stat().st_size < 100_000]
    return streams


def reframe(messages):
    """The messages again, each with a length prefix that fits its body."""
    data = b""
    for body in messages:
        data += wire.uint(len(body)) + body
    return data


def bodies(stream):
    """The bodies (without length prefixes) of a well-formed stream."""
    result = []
    for framed in wire.split_gob(stream):
        first = framed[0]
        result.append(framed[1 if first < 128 else 1 + 256 - first:])
    return result


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        if not data:
            break
        action = rng.randrange(4)
        at = rng.randrange(len(data))
        if action == 0:
            data[at] = rng.randrange(256)
        elif action == 1:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4)))
        elif action == 2:
            del data[at:at + rng.randrange(1, 4)]
        else:
            # An interesting byte: a count or delta of 0, 1, 127, 128, 0xff.
            data[at] = rng.choice((0x00, 0x01, 0x7f, 0x80, 0xf8, 0xfe, 0xff))
    return bytes(data)


def damaged(rng, pool):
    stream = rng.choice(pool)
    choice = rng.randrange(7)
    if choice == 0:
        return stream[:rng.randrange(1, len(stream) + 1)]
    if choice == 1:
        return mutate_bytes(rng, stream)
    messages = bodies(stream)
    if choice == 2 and messages:
        # One body damaged, the framing kept.
        index = rng.randrange(len(messages))
        messages[index] = mutate_bytes(rng, messages[index]) or b"\x00"
        return reframe(messages)
    if choice == 3:
        # Messages of two streams, spliced: ids that mean other types.
        other = bodies(rng.choice(pool))
        cut = rng.randrange(len(messages) + 1)
        return reframe(messages[:cut] + other[rng.randrange(len(other) + 1):])
    if choice == 4 and len(messages) > 1:
        # Reordered or repeated messages: values before their definitions,
        # definitions twice.
        rng.shuffle(messages)
        return reframe(messages + messages[:rng.randrange(len(messages))])
    if choice == 5:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    # A small value message of random bytes after real definitions.
    definitions = [body for body in messages if body[:1] and body[0] & 1]
    return reframe(definitions + [b"\xff\x82" + bytes(rng.randrange(256)
                                                      for _ in range(rng.randrange(0, 40)))])


@wire.needs_tshark
@wire.only_once
class GobPackets(unittest.TestCase):
    def test_damaged_streams_give_expert_info_not_errors(self):
        rng = random.Random(SEED)
        pool = seeds()
        packets = [damaged(rng, pool) or b"\x00" for _ in range(PACKETS)]
        directory = wire.scratch_directory(self)
        capture = wire.write_capture(directory, "fuzz", packets, dissector="gob")
        started = time.monotonic()
        try:
            output = wire.tshark("-r", capture, "-V", lua=wire.GOB_LUA, timeout=SECONDS * 2)
        except AssertionError as error:
            raise AssertionError(f"seed {SEED}: {error}") from None
        self.assertLess(time.monotonic() - started, SECONDS, f"seed {SEED}")
        # The damage was seen: expert info in most packets.
        self.assertGreater(output.count("Expert Info (Error/Malformed): gob:"), PACKETS // 3,
                           f"seed {SEED}")


@wire.needs_tshark
@wire.only_once
class TutorialTcp(unittest.TestCase):
    def test_damaged_gob_requests_in_random_segments(self):
        rng = random.Random(SEED + 1)
        pool = seeds()
        directory = wire.scratch_directory(self)
        captures = []
        for index in range(STREAMS):
            if index % 6 == 5:
                # The command protocol itself damaged.
                request = mutate_bytes(rng, b"STRING\nAdditional data.\nGOB\n" + pool[0])
            else:
                request = b"STRING\nhello\nGOB\n" + damaged(rng, pool)
            pieces, position = [], 0
            while position < len(request):
                size = rng.choice((1, 2, 3, 7, 64, 1500))
                pieces.append(request[position:position + size])
                position += size
            captures.append(wire.write_capture(directory, f"stream{index}", pieces,
                                               tcp=(41000 + index, 61000)))
        merged = directory / "merged.pcapng"
        result = harness.run_program(["mergecap", "-a", "-w", merged, *captures], timeout=60)
        self.assertEqual(result.code, 0, result.stderr)
        try:
            wire.tshark("-r", merged, "-V", timeout=SECONDS * 2)
        except AssertionError as error:
            raise AssertionError(f"seed {SEED + 1}: {error}") from None


if __name__ == "__main__":
    unittest.main()
