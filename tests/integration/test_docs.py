"""The documents tell the truth about the code.

  ProtocolDump       the listing in docs/protocol.md is exactly `client --dump`
  DumpBytes          the listing's bytes are a real gob request: its type
                     definitions equal Go's (tests/fixtures/sample.gob) and
                     the Go peer decodes the whole stream to the sample
  Links              relative links and repository paths in docs/*.md and
                     README.md exist; a link whose text is `a_name` points
                     to a file that contains a_name
  TutorialSections   every section title of the tutorial is a heading of
                     docs/tutorial.md, and each such section links to code
  Diagrams           the Mermaid pictures in tutorial.md and protocol.md are
                     copies of those in diagrams.md, and the byte values in
                     the GOB picture are those of the listing

Environment (as `make integration` sets it): BIN_DIR (default
build/release/bin) holds the client, GO_PEER (default
tests/go_peer/go_peer) is the Go peer. Relative paths are taken from the
repository root.

After a change to the encoder, rewrite the listing in docs/protocol.md:

    python3 tests/integration/test_docs.py --update-dump
"""

import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

import harness
from harness import CLIENT, GO_PEER, REPO_ROOT

DOCS = REPO_ROOT / "docs"
PROTOCOL = DOCS / "protocol.md"
TUTORIAL = DOCS / "tutorial.md"
DIAGRAMS = DOCS / "diagrams.md"
# The tutorial's text, where the repository sits beside shared/ (as in CI).
TUTORIAL_TEXT = REPO_ROOT.parent / "shared" / "tutorial" / "networking-in-go.txt"

DUMP_BEGIN = "<!-- dump:begin -->"
DUMP_END = "<!-- dump:end -->"

# The section titles of the tutorial "TCP/IP Networking", as it spells
# them, in the order of its program. ("The Code", a second heading over the
# listing, is "The code" again. "Imports and globals" heads the first part of
# the listing; the text file has it last only because that part is folded
# away on the tutorial's page.)
TUTORIAL_TITLES = [
    "Who needs sending things at TCP/IP level?",
    "Simplification #1: connections are io streams",
    "Simplification #2: Go knows how to encode complex types efficiently",
    "The sample app's goal",
    "Basic ingredients for sending string data over TCP",
    "On the sending side",
    "Fine tuning",
    "On the receiving side",
    "The code",
    "Imports and globals",
    "Outgoing connections",
    "Incoming connections",
    "The client and server functions",
    "Main",
    "How to get and run the code",
    "Tips",
    "Links",
    "Errata",
]

# ------------------------------------------------------------- helpers --


def client_dump():
    """The output of `client --dump`."""
    result = subprocess.run([str(CLIENT), "--dump"], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"client --dump exited {result.returncode}: {result.stderr}")
    return result.stdout


def dump_block(markdown):
    """The lines between the dump markers, without the code fence around them."""
    begin = markdown.index(DUMP_BEGIN) + len(DUMP_BEGIN)
    end = markdown.index(DUMP_END, begin)
    lines = markdown[begin:end].strip("\n").split("\n")
    if len(lines) < 2 or not lines[0].startswith("```") or lines[-1] != "```":
        raise AssertionError("the dump in docs/protocol.md is not a fenced code block")
    return "\n".join(lines[1:-1]) + "\n"


# A byte line of the dump: a 4-digit hex offset, two spaces, hex bytes.
# Other lines (headings, messages) carry no bytes.
_BYTE_LINE = re.compile(r"^([0-9a-f]{4})  ((?:[0-9a-f]{2} ){0,7}[0-9a-f]{2})(?:  |$)")


def dump_bytes(dump):
    """The bytes the dump shows, checking that each line's offset is where
    the previous lines ended."""
    data = bytearray()
    for line in dump.splitlines():
        match = _BYTE_LINE.match(line)
        if not match:
            continue
        offset = int(match.group(1), 16)
        if offset != len(data):
            raise AssertionError(f"dump line at offset {offset:04x} follows {len(data)} bytes")
        data += bytes.fromhex(match.group(2))
    return bytes(data)


def read_uint(data, position):
    """A gob unsigned integer at data[position]: (value, next position)."""
    first = data[position]
    if first < 128:
        return first, position + 1
    count = 256 - first
    end = position + 1 + count
    if count > 8 or end > len(data):
        raise ValueError(f"bad unsigned integer at {position}")
    return int.from_bytes(data[position + 1:end], "big"), end


def split_messages(data):
    """The gob messages of a stream, each with its length prefix."""
    messages = []
    position = 0
    while position < len(data):
        size, body = read_uint(data, position)
        if size == 0 or body + size > len(data):
            raise ValueError(f"bad message length {size} at {position}")
        messages.append(data[position:body + size])
        position = body + size
    return messages


def message_parts(message):
    """(length prefix bytes, type id bytes, type id) of one message."""
    size, body = read_uint(message, 0)
    raw, after_id = read_uint(message, body)
    type_id = ~(raw >> 1) if raw & 1 else raw >> 1
    return message[:body], message[body:after_id], type_id


def strip_code_blocks(markdown):
    """Markdown without its fenced code blocks (their text is not prose)."""
    return re.sub(r"^```.*?^```[ \t]*$", "", markdown, flags=re.M | re.S)


def mermaid_blocks(markdown):
    return re.findall(r"^```mermaid\n(.*?)^```", markdown, flags=re.M | re.S)


def github_anchor(title):
    """The anchor GitHub gives a heading: lower case, punctuation dropped,
    spaces turned into hyphens."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def headings(markdown):
    """(level, title) of every heading outside code blocks."""
    return [(len(m.group(1)), m.group(2).strip())
            for m in re.finditer(r"^(#{1,6}) +(.+)$", strip_code_blocks(markdown), flags=re.M)]


def markdown_files():
    files = sorted(DOCS.glob("*.md"))
    readme = REPO_ROOT / "README.md"
    return files + ([readme] if readme.exists() else [])


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
# A repository path in backticks, optionally followed by ":function":
# `apps/server/endpoint.cpp`, `common/gob/`, `tests/go_peer/main.go:runDecode`.
_CODE_PATH = re.compile(r"`((?:apps|common|tests|docs|bench|\.ci)/[\w./-]*)(?::([\w:~]+))?`")
# Link text that names a function or type: `Endpoint::serve`, `read_line()`.
_CODE_NAME = re.compile(r"^`(?:[\w:~]+::)?(~?\w+)(?:\(\))?`$")


def relative_links(markdown):
    """(text, target) of every link that is not a URL or a bare anchor."""
    for text, target in _LINK.findall(strip_code_blocks(markdown)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        yield text, target


def update_dump():
    """Writes the current `client --dump` between the markers in protocol.md."""
    markdown = PROTOCOL.read_text()
    begin = markdown.index(DUMP_BEGIN) + len(DUMP_BEGIN)
    end = markdown.index(DUMP_END, begin)
    block = "\n```text\n" + client_dump() + "```\n"
    PROTOCOL.write_text(markdown[:begin] + block + markdown[end:])
    print(f"updated {PROTOCOL.relative_to(REPO_ROOT)}")


# --------------------------------------------------------------- tests --


class ProtocolDump(unittest.TestCase):
    def test_tutorials_exact_sample_dump_is_the_listing_in_protocol_md(self):
        documented = dump_block(PROTOCOL.read_text())
        printed = client_dump()
        self.assertEqual(
            documented, printed,
            "docs/protocol.md and `client --dump` disagree; if the encoder changed on "
            "purpose, run: python3 tests/integration/test_docs.py --update-dump")

    def test_the_dump_is_the_same_every_time(self):
        # std::map orders the keys; a dump that changed between runs could
        # not be checked against a document.
        self.assertEqual(client_dump(), client_dump())

    def test_the_dump_states_its_own_size(self):
        dump = client_dump()
        data = dump_bytes(dump)
        messages = split_messages(data)
        self.assertIn(f"\n{len(data)} bytes in {len(messages)} messages\n", dump)


class DumpBytes(unittest.TestCase):
    """The bytes in the listing are a real GOB request, shown by something
    other than the listing itself: Go's encoder and Go's decoder."""

    def setUp(self):
        self.data = dump_bytes(client_dump())
        self.messages = split_messages(self.data)
        self.go_messages = split_messages((REPO_ROOT / "tests" / "fixtures" / "sample.gob").read_bytes())

    def test_tutorials_exact_sample_dump_is_two_definitions_then_one_value(self):
        type_ids = [message_parts(message)[2] for message in self.messages]
        self.assertEqual(type_ids, [-65, -66, 65])

    def test_tutorials_exact_sample_definitions_are_byte_for_byte_gos(self):
        # Definitions do not depend on map order, so Go's are fixed bytes.
        self.assertEqual(len(self.messages), len(self.go_messages))
        for number, (ours, gos) in enumerate(zip(self.messages[:-1], self.go_messages[:-1]), 1):
            self.assertEqual(ours.hex(" "), gos.hex(" "), f"type definition message {number}")

    def test_tutorials_exact_sample_value_message_has_the_length_of_gos(self):
        # Go writes the map entries in a random order, so only the length
        # of its value message can be compared directly.
        self.assertEqual(len(self.messages[-1]), len(self.go_messages[-1]))

    def test_the_go_peer_decodes_the_dumped_bytes_to_the_sample(self):
        self.assertTrue(GO_PEER.exists(), f"{GO_PEER} is missing: make tests/go_peer/go_peer")
        result = subprocess.run([str(GO_PEER), "decode"], input=self.data, capture_output=True,
                                timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        outer, inner = re.sub(r"\(0x[0-9a-f]+\)", "(0xADDR)", result.stdout.decode()).splitlines()
        self.assertTrue(harness.is_sample(outer, inner), result.stdout)


class Links(unittest.TestCase):
    def test_what_users_read_does_not_depend_on_files_beside_the_repository(self):
        # A student's clone has no ../shared/: the tutorial is linked by its
        # public address, https://appliedgo.net/networking/.
        beside = []
        for document in markdown_files():
            beside += [f"{document.name}: {line.strip()}"
                       for line in document.read_text().splitlines() if "../shared" in line]
        for program in (CLIENT, CLIENT.parent / "server"):
            usage = subprocess.run([program, "--help"], capture_output=True, text=True).stdout
            if "shared/" in usage:
                beside.append(f"{program.name} --help")
        self.assertEqual(beside, [])

    def test_the_tutorial_is_linked_by_its_public_address(self):
        for document in (REPO_ROOT / "README.md", TUTORIAL):
            self.assertIn("https://appliedgo.net/networking/", document.read_text(), document.name)

    def test_relative_links_point_to_files_that_exist(self):
        broken = []
        for document in markdown_files():
            for text, target in relative_links(document.read_text()):
                path_part, _, anchor = target.partition("#")
                path = (document.parent / path_part).resolve() if path_part else document
                if not path.exists():
                    broken.append(f"{document.name}: [{text}]({target})")
                elif anchor and path.suffix == ".md":
                    anchors = {github_anchor(title) for _, title in headings(path.read_text())}
                    if anchor not in anchors:
                        broken.append(f"{document.name}: [{text}]({target}): no such heading")
        self.assertEqual(broken, [])

    def test_repository_paths_in_backticks_exist(self):
        missing = []
        for document in markdown_files():
            for path_text, function in _CODE_PATH.findall(strip_code_blocks(document.read_text())):
                path = REPO_ROOT / path_text
                if not path.exists():
                    missing.append(f"{document.name}: `{path_text}`")
                elif function and not re.search(rf"\b{re.escape(function.split('::')[-1])}\b",
                                                path.read_text(errors="replace")):
                    missing.append(f"{document.name}: `{path_text}:{function}` (no such name)")
        self.assertEqual(missing, [])

    def test_a_link_named_after_code_points_to_the_file_that_has_it(self):
        # [`Endpoint::serve`](../apps/server/endpoint.cpp): serve must be in
        # endpoint.cpp, so that a renamed function breaks the document.
        wrong = []
        for document in markdown_files():
            for text, target in relative_links(document.read_text()):
                name = _CODE_NAME.match(text)
                path = (document.parent / target.partition("#")[0]).resolve()
                if not name or not path.is_file():
                    continue
                if not re.search(rf"\b{re.escape(name.group(1))}\b", path.read_text(errors="replace")):
                    wrong.append(f"{document.name}: [{text}]({target})")
        self.assertEqual(wrong, [])


class TutorialSections(unittest.TestCase):
    def setUp(self):
        self.markdown = TUTORIAL.read_text()

    def test_the_titles_are_the_tutorials_own(self):
        if not TUTORIAL_TEXT.exists():
            self.skipTest(f"{TUTORIAL_TEXT} is not beside the repository")
        lines = {line.strip() for line in TUTORIAL_TEXT.read_text().splitlines()}
        self.assertEqual([title for title in TUTORIAL_TITLES if title not in lines], [])

    def test_every_tutorial_section_title_is_a_heading(self):
        titles = [title for _, title in headings(self.markdown)]
        self.assertEqual([title for title in TUTORIAL_TITLES if title not in titles], [])

    def test_the_headings_follow_the_tutorials_order(self):
        titles = [title for _, title in headings(self.markdown) if title in TUTORIAL_TITLES]
        self.assertEqual(titles, TUTORIAL_TITLES)

    def test_every_tutorial_section_links_to_code_that_exists(self):
        # A section runs from its heading to the next heading of any level.
        prose = strip_code_blocks(self.markdown)
        parts = re.split(r"^#{1,6} +(.+)$", prose, flags=re.M)
        sections = dict(zip(parts[1::2], parts[2::2]))
        without_code = []
        for title in TUTORIAL_TITLES:
            links = [(TUTORIAL.parent / target.partition("#")[0]).resolve()
                     for _, target in relative_links(sections.get(title, ""))]
            code = [path for path in links
                    if path.exists() and path.is_relative_to(REPO_ROOT)
                    and not path.is_relative_to(DOCS) and path.name != "README.md"]
            if not code:
                without_code.append(title)
        self.assertEqual(without_code, [])


class Diagrams(unittest.TestCase):
    def test_diagrams_md_has_the_three_pictures(self):
        blocks = mermaid_blocks(DIAGRAMS.read_text())
        kinds = [block.split("\n", 1)[0].split()[0] for block in blocks]
        self.assertEqual(kinds, ["sequenceDiagram", "flowchart", "flowchart"])

    def test_pictures_elsewhere_are_copies_of_those_in_diagrams_md(self):
        originals = mermaid_blocks(DIAGRAMS.read_text())
        for document in (TUTORIAL, PROTOCOL):
            blocks = mermaid_blocks(document.read_text())
            self.assertTrue(blocks, f"{document.name} shows no diagram")
            for block in blocks:
                self.assertIn(block, originals, f"a diagram in {document.name} differs from diagrams.md")

    def test_tutorials_exact_sample_gob_picture_shows_the_bytes_of_the_dump(self):
        picture = mermaid_blocks(DIAGRAMS.read_text())[2]
        messages = split_messages(dump_bytes(client_dump()))
        for number, message in enumerate(messages, 1):
            prefix, id_bytes, type_id = message_parts(message)
            size = len(message) - len(prefix)
            self.assertIn(f'["{prefix.hex(" ")}<br/>length prefix: {size}"]', picture)
            self.assertIn(f'["{id_bytes.hex(" ")}<br/>type id {type_id}"]', picture)
            self.assertIn(f"message {number}: ", picture)
            self.assertRegex(picture, rf"message {number}: [^\"]*, {len(message)} bytes\"")
            self.assertIn(f", {size - len(id_bytes)} bytes:", picture)


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-dump"]:
        update_dump()
    else:
        unittest.main()
