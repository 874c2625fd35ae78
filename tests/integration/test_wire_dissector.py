"""The Wireshark dissector (tools/wireshark/), checked with tshark.

  TutorialCapture    the tutorial's exchange (tests/wire/fixtures/tutorial.pcapng):
                     commands, reply, both definitions, both structs' values
                     as Go's decoder reads the same bytes; the filters
  GoClientCapture    the Go peer as the client: Go's own encoder on the wire
  Reassembly         a client writing a byte per segment; one message of 1 MiB;
                     every gob stream cut into small TCP segments
  GoKinds            a gob stream of every kind the codec has (tests/wire/gob_kinds):
                     every leaf Go's decoder prints, the dissector shows
  HostileCapture     the server's refusals (hostile.pcapng.gz): for each, the
                     dissector's expert info names the fault the server names
  CraftedStreams     what no Go encoder writes but a peer may send: each
                     becomes expert info on its message
  Preferences        the limits are the C++ decoder's, and can be changed

Skipped, with the command that installs it, when tshark is missing.
"""

import tempfile
import time
import unittest

import wire_harness as wire
from wire_harness import message, sint, uint

FIXTURES = wire.FIXTURES
GOB = wire.GOB_LUA

SAMPLE_STRINGS = ['"string data"', '"Recursive structs? Piece of cake!"']


def labels(root, name):
    return [item.get("showname") for item in root.iter("field") if item.get("name") == name]


def shows(root, name):
    return [item.get("show") for item in root.iter("field") if item.get("name") == name]


class CaptureChecks:
    """What any capture of the tutorial's exchange shows, whoever encoded it."""

    @classmethod
    def setUpClass(cls):
        cls.root = wire.pdml(cls.capture)

    def test_the_command_lines_the_string_and_the_reply(self):
        self.assertEqual(shows(self.root, "tutorial.command"), ["STRING", "GOB"])
        self.assertEqual(shows(self.root, "tutorial.string"), ["Additional data."])
        self.assertEqual(shows(self.root, "tutorial.reply"), ["Thank you."])

    def test_the_definitions_of_complexdata_and_its_map(self):
        self.assertEqual(shows(self.root, "gob.type_name")[:2], ["complexData", "map[string]int"])
        self.assertEqual(shows(self.root, "gob.defines"), ["65", "66"])
        self.assertEqual(shows(self.root, "gob.def.field.name"), ["N", "S", "M", "P", "C"])
        self.assertEqual(shows(self.root, "gob.def.field.type"), ["2", "6", "66", "5", "65"])
        self.assertEqual(shows(self.root, "gob.def.key"), ["6"])
        self.assertEqual(shows(self.root, "gob.def.elem"), ["2"])

    def test_no_expert_info_above_chat_level_in_a_good_exchange(self):
        self.assertEqual(wire.experts(self.root, "warning") + wire.experts(self.root, "error"), [])


@wire.needs_tshark
@wire.only_once
class TutorialCapture(CaptureChecks, unittest.TestCase):
    capture = FIXTURES / "tutorial.pcapng"

    def test_three_messages_in_one_segment_are_each_shown(self):
        frames = [packet for packet in self.root.iter("packet") if wire.gob_messages(packet)]
        self.assertEqual(len(frames), 1)
        self.assertEqual(shows(frames[0], "gob.length"), ["57", "30", "97"])

    def test_the_values_are_what_gos_decoder_reads_from_the_same_bytes(self):
        data = wire.client_bytes(self.capture)
        prefix = b"STRING\nAdditional data.\nGOB\n"
        self.assertTrue(data.startswith(prefix), data[:40])
        go = wire.go_leaves("sample", data[len(prefix):])
        wire.compare_leaves(self, wire.gob_leaves(self.root), go, self.capture.name)
        for text in SAMPLE_STRINGS:
            self.assertTrue(any(label.endswith(text) for label in labels(self.root, "gob.string")))

    def test_the_filters_find_the_type_and_the_fields(self):
        # One tshark run per filter costs a third of a second: the filters
        # that pick the same frame go together.
        for display_filter, frames in (
                ('gob.type_name == "complexData" && gob.field.name == "S" && gob.path == "v.C.S"'
                 ' && gob.int == 256 && gob.string == "Recursive structs? Piece of cake!"', ["8"]),
                ('tutorial.reply == "Thank you." || tutorial.command == "STRING"', ["4", "6"])):
            with self.subTest(display_filter=display_filter):
                rows = wire.fields(self.capture, ["frame.number"], "-Y", display_filter)
                self.assertEqual([row[0][0] for row in rows], frames)



@wire.needs_tshark
@wire.only_once
class GoClientCapture(CaptureChecks, unittest.TestCase):
    """The same on Go's encoder (its map order differs from run to run)."""
    capture = FIXTURES / "go-client.pcapng"


@wire.needs_tshark
@wire.only_once
class Reassembly(unittest.TestCase):
    def test_a_client_that_writes_a_byte_per_segment(self):
        capture = FIXTURES / "byte-at-a-time.pcapng"
        root = wire.pdml(capture)
        self.assertEqual(shows(root, "tutorial.command"), ["STRING", "GOB"])
        self.assertEqual(shows(root, "tutorial.string"), ["Additional data."])
        self.assertEqual(shows(root, "gob.length"), ["57", "30", "97"])
        data = wire.client_bytes(capture)
        go = wire.go_leaves("sample", data[len(b"STRING\nAdditional data.\nGOB\n"):])
        wire.compare_leaves(self, wire.gob_leaves(root), go, capture.name)
        # Each message is shown once, in the one-byte segment that completes it.
        frames = [packet for packet in root.iter("packet") if wire.gob_messages(packet)]
        self.assertEqual([shows(packet, "gob.length") for packet in frames], [["57"], ["30"], ["97"]])
        self.assertEqual([shows(packet, "tcp.len") for packet in frames], [["1"]] * 3)

    def test_one_message_of_a_mebibyte(self):
        capture = FIXTURES / "big.pcapng.gz"
        started = time.monotonic()
        # The text view, not PDML, which would repeat the megabyte in hex.
        text = wire.tshark("-r", capture, "-V", "-O", "tutorial,gob", "-Y", "gob.value_of")
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(text.count("Go gob, Message 3"), 1)
        self.assertIn(f"Length prefix: {1 << 20} bytes", text)
        self.assertIn("Reassembled TCP Segments (1048580 bytes)", text)
        self.assertIn("[Path: v.S]", text)
        self.assertIn(f'S (string): "aaaa', text)
        self.assertIn(f"... ({(1 << 20) - 8} bytes)", text)

    def test_any_stream_in_small_segments(self):
        # text2pcap makes one TCP stream of the segments; Decode As gob. The
        # interfaces' values go on in later messages, which come in later
        # segments still.
        directory = wire.scratch_directory(self)
        for case, size in (("sample", 1), ("interfaces", 1), ("collections", 3)):
            with self.subTest(case=case, size=size):
                data = wire.go_encode(case)
                cut = wire.write_capture(directory, case, wire.segments(data, size),
                                         tcp=(40000, 40001))
                root = wire.pdml(cut, "-d", "tcp.port==40001,gob", lua=GOB)
                self.assertEqual(wire.experts(root), [])
                self.assertEqual(len(wire.gob_messages(root)), len(wire.split_gob(data))
                                 - len(shows(root, "gob.continued")))
                wire.compare_leaves(self, wire.gob_leaves(root), wire.go_leaves(case, data), case)


@wire.needs_tshark
@wire.only_once
class GoKinds(unittest.TestCase):
    """Every case of tests/wire/gob_kinds, one packet each."""

    @classmethod
    def setUpClass(cls):
        cls.cases = wire.go_cases()
        cls.streams = {case: wire.go_encode(case) for case in cls.cases}
        with tempfile.TemporaryDirectory(prefix="wire-kinds-") as directory:
            capture = wire.write_capture(directory, "kinds", [cls.streams[c] for c in cls.cases],
                                         dissector="gob")
            root = wire.pdml(capture, lua=GOB)
        cls.packets = dict(zip(cls.cases, root.iter("packet")))

    def test_every_leaf_go_decodes_is_shown_with_gos_value(self):
        self.assertEqual(len(self.packets), len(self.cases))
        for case, packet in self.packets.items():
            with self.subTest(case=case):
                self.assertEqual(wire.experts(packet), [])
                go = wire.go_leaves(case, self.streams[case])
                self.assertTrue(go, f"{case}: Go decoded no leaf")
                wire.compare_leaves(self, wire.gob_leaves(packet), go, case)

    def test_every_kind_of_definition_is_named(self):
        kinds = {kind for packet in self.packets.values() for kind in shows(packet, "gob.kind")}
        # ArrayT, SliceT, StructT, MapT, GobEncoderT, BinaryMarshalerT
        self.assertEqual(kinds, {"0", "1", "2", "3", "4", "5"})

    def test_interfaces_show_their_concrete_type_and_inline_definitions(self):
        root = self.packets["interfaces"]
        names = shows(root, "gob.interface.name")
        self.assertIn("main.Point", names)
        self.assertIn("int", names)
        self.assertTrue(shows(root, "gob.continued"), "no value went on in a next message")
        self.assertIn("v.Boxed.(main.Box).Item.(main.Box).Item.(main.Point).X",
                      shows(root, "gob.path"))

    def test_a_stream_of_several_values_keeps_its_definitions(self):
        root = self.packets["stream"]
        self.assertEqual(shows(root, "gob.value_of"), ["65", "67", "65", "2", "67"])
        self.assertEqual(len(shows(root, "gob.defines")), 3)


# The hostile connections of hostile.pcapng.gz, in the order
# tests/wire/make_fixtures.py made them: what the dissector says, and
# what the server answered.
HOSTILE = [
    ("lying-length-huge", "a message of 5000000 bytes exceeds the limit of 1048576 bytes",
     "ERR gob: message of 5000000 bytes exceeds the limit"),
    ("lying-length-short", "count 3 exceeds what the 1 bytes left in the message can hold",
     "count 3 exceeds what the 1 bytes left"),
    ("lying-length-long", "5 unexpected bytes at the end of the message",
     "5 unexpected bytes at the end of a message"),
    ("bad-field-delta", "field delta 9 out of range in complexData",
     "field delta 9 out of range in struct complexData"),
    ("deep-2000", "nested deeper than the limit of 1000 levels",
     "nested deeper than the limit of 1000 levels"),
    ("deep-1000000", "nested deeper than the limit of 1000 levels", "ERR gob: type mismatch"),
    ("undefined-type", "a value of undefined type id 65", "value of undefined type id 65"),
    ("count-bomb", "string length 1000000000 exceeds what the 2 bytes left",
     "count 1000000000 exceeds what the 2 bytes left"),
    ("unknown-command", "not STRING or GOB", "ERR unknown command 'HELLO'"),
    ("long-line", "no newline within 65536 bytes", "ERR line longer than 65536 bytes"),
]


@wire.needs_tshark
@wire.only_once
class HostileCapture(unittest.TestCase):
    capture = FIXTURES / "hostile.pcapng.gz"

    @classmethod
    def setUpClass(cls):
        started = time.monotonic()
        # Two connections do not begin with STRING or GOB, which the
        # dissector's heuristic needs: name the port (Decode As).
        port = wire.server_port(cls.capture)
        cls.root = wire.pdml(cls.capture, "-d", f"tcp.port=={port},tutorial")
        cls.seconds = time.monotonic() - started

    def stream(self, index):
        """The packets of TCP stream `index`."""
        packets = []
        for packet in self.root.iter("packet"):
            if any(item.get("name") == "tcp.stream" and item.get("show") == str(index)
                   for item in packet.iter("field")):
                packets.append(packet)
        return packets

    def test_each_refusal_of_the_server_is_expert_info_in_the_dissection(self):
        for index, (name, dissector_says, server_says) in enumerate(HOSTILE):
            with self.subTest(name=name):
                packets = self.stream(index)
                said = [text for packet in packets for text in wire.experts(packet, None)]
                self.assertTrue(any(dissector_says in text for text in said),
                                f"{name}: no expert info with {dissector_says!r}: {said}")
                replies = [show for packet in packets for show in shows(packet, "tutorial.error")]
                self.assertTrue(any(server_says.removeprefix("ERR ") in reply for reply in replies),
                                f"{name}: the server's ERR reply is not shown: {replies}")

    def test_what_follows_a_refusal_is_shown_as_not_read(self):
        packets = self.stream(0)
        self.assertTrue(any(shows(packet, "tutorial.unread") for packet in packets))

    def test_it_stays_quick(self):
        # A million-level value, a gigabyte string length, a 70000-byte line.
        self.assertLess(self.seconds, 60)


def definition(type_id, kind_delta, body):
    """A type definition message: -id, then wireType's field `kind_delta - 1`."""
    return message(sint(-type_id) + uint(kind_delta) + body + b"\x00")


def common(name, type_id):
    return b"\x01" + uint(len(name)) + name + b"\x01" + sint(type_id) + b"\x00"


POINT = definition(65, 3, b"\x01" + common(b"Point", 65) + b"\x01\x02"
                   + b"\x01\x01X\x01" + sint(2) + b"\x00" + b"\x01\x01Y\x01" + sint(2) + b"\x00"
                   + b"\x00")
ARRAY3 = definition(66, 1, b"\x01" + common(b"[3]int", 66) + b"\x01" + sint(2) + b"\x01"
                    + sint(3) + b"\x00")
TEXT = definition(67, 7, b"\x01" + common(b"net.IP", 67) + b"\x00")
DEEP = definition(65, 2, b"\x01" + common(b"[]deep", 65) + b"\x01" + sint(65) + b"\x00")

# (what, stream, the expert text expected); each stream is one packet for
# the gob dissector.
CRAFTED = [
    ("a TextMarshaler's value", TEXT + message(sint(67) + b"\x00" + b"\x09192.0.2.1"), None),
    ("an array with too many elements", ARRAY3 + message(sint(66) + b"\x00\x04\x02\x04\x06\x08"),
     "an array of length 3 sent with 4 elements"),
    ("a type defined twice", POINT + POINT, "type id 65 is defined twice"),
    ("a reserved type id", definition(20, 3, b"\x00"), "type id 20 is reserved"),
    ("a definition with two kinds", message(sint(-65) + b"\x02\x01" + common(b"x", 65)
                                            + b"\x01\x02\x00\x01\x01" + common(b"y", 65) + b"\x00\x00"),
     "names two kinds"),
    ("an empty message", b"\x00", "an empty message"),
    ("a length prefix of 9 bytes", b"\xf7" + bytes(9), "an unsigned integer of 9 bytes"),
    ("an integer of 12 bytes", POINT + message(sint(65) + b"\x01\xf4" + bytes(12)),
     "an unsigned integer of 12 bytes"),
    ("a message cut short", POINT[:-3], "cut short"),
    ("a value of type 0", message(b"\x00\x00"), "type id 0 names no type"),
    ("a struct without its end", POINT + message(sint(65) + b"\x01\x02"), "ends in the middle"),
    ("an interface's value length of 2^60, which Go's decoder does not use",
     definition(65, 3, b"\x01" + common(b"Box", 65) + b"\x01\x01\x01\x01I\x01" + sint(8) + b"\x00\x00")
     + message(sint(65) + b"\x01\x03int" + sint(2) + uint(1 << 60) + b"\x00\x0e\x00"), None),
    ("a name that is not UTF-8", definition(65, 3, b"\x01" + common(b"\xff\xfe", 65) + b"\x00")
     + message(sint(65) + b"\x00"), None),
]

# Streams larger than a packet can be: sent as TCP segments, Decode As gob.
CRAFTED_LARGE = [
    ("a million levels", DEEP + message(sint(65) + b"\x00" + b"\x01" * 1_000_000 + b"\x00"),
     "nested deeper than the limit of 1000 levels"),
    ("definitions over the limit", definition(65, 3, b"\x01\x01" + uint(700_000) + b"a" * 700_000
                                              + b"\x00\x00")
     + definition(66, 3, b"\x01\x01" + uint(700_000) + b"b" * 700_000 + b"\x00\x00"),
     "type definitions exceed 1048576 bytes"),
    # Each slice type's elements are of the next one: the walk over the
    # types before a value must not recurse once per type.
    ("a chain of 3000 definitions", b"".join(
        definition(type_id, 2, b"\x01" + common(b"s", type_id) + b"\x01"
                   + sint(type_id + 1 if type_id < 65 + 2999 else 2) + b"\x00")
        for type_id in range(65, 65 + 3000))
     + message(sint(65) + b"\x00" + b"\x01" * 1500 + b"\x00"),
     "nested deeper than the limit of 1000 levels"),
]


@wire.needs_tshark
@wire.only_once
class CraftedStreams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="wire-crafted-")
        capture = wire.write_capture(cls.directory.name, "crafted",
                                     [stream for _, stream, _ in CRAFTED], dissector="gob")
        cls.packets = list(wire.pdml(capture, lua=GOB).iter("packet"))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_each_fault_is_expert_info_on_its_message(self):
        self.assertEqual(len(self.packets), len(CRAFTED))
        for (what, _, expected), packet in zip(CRAFTED, self.packets):
            with self.subTest(what=what):
                errors = wire.experts(packet)
                if expected is None:
                    self.assertEqual(errors, [])
                else:
                    self.assertTrue(any(expected in text for text in errors),
                                    f"{what}: expected {expected!r} in {errors}")

    def test_large_faults_over_tcp_too(self):
        for what, stream, expected in CRAFTED_LARGE:
            with self.subTest(what=what):
                capture = wire.write_capture(self.directory.name, "large",
                                             wire.segments(stream), tcp=(40000, 40001))
                started = time.monotonic()
                errors = wire.experts(wire.pdml(capture, "-d", "tcp.port==40001,gob", lua=GOB))
                self.assertLess(time.monotonic() - started, 30)
                self.assertTrue(any(expected in text for text in errors),
                                f"{what}: expected {expected!r} in {errors}")

    def test_a_text_marshalers_bytes_are_shown_as_text(self):
        self.assertIn('"192.0.2.1"', " ".join(labels(self.packets[0], "gob.encoded")))


@wire.needs_tshark
@wire.only_once
class Preferences(unittest.TestCase):
    def test_the_nesting_limit_is_a_preference(self):
        directory = wire.scratch_directory(self)
        # A list three nodes long, in three levels of struct (GoKinds shows
        # that it dissects without a fault under the usual limit).
        value = wire.go_encode("structs")
        capture = wire.write_capture(directory, "structs", [value], dissector="gob")
        limited = wire.pdml(capture, "-o", "gob.max_depth:3", lua=GOB)
        self.assertTrue(any("deeper than the limit of 3 levels" in text
                            for text in wire.experts(limited)))

    def test_elements_past_the_shown_ones_are_decoded_and_noted(self):
        directory = wire.scratch_directory(self)
        body = sint(-65) + b"\x02\x01" + common(b"[]int", 65) + b"\x01" + sint(2) + b"\x00\x00"
        values = sint(65) + b"\x00" + uint(1000) + b"".join(sint(i) for i in range(1000))
        capture = wire.write_capture(directory, "ints", [message(body) + message(values)],
                                     dissector="gob")
        root = wire.pdml(capture, "-o", "gob.shown_elements:10", lua=GOB)
        self.assertEqual(len(labels(root, "gob.int")), 10)
        self.assertTrue(any("990 more elements decoded" in text
                            for text in wire.experts(root, None)))


if __name__ == "__main__":
    unittest.main()
