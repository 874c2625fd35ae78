"""What the tests of the wire tools share (docs/wire.md).

  tshark(*args)            tshark with the project's dissector; fails the test on
                           a Lua error, a dissector bug or a tshark crash
  pdml(capture, *args)     tshark -T pdml, parsed
  gob_leaves(root)         the leaves the dissector shows: (value, path, label)
  go_leaves(case, data)    what Go's decoder makes of the same bytes
  write_capture(...)       a pcapng from byte strings, through text2pcap: each
                           one a packet for the gob dissector (-P gob), or the
                           segments of one TCP stream
  client_bytes(capture)    what the client sent, from a capture

The tests that need tshark are skipped, with the command that installs it,
when it is missing (SKIP_REASON); `make test` does not install it.
"""

import os
import shutil
import sys
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import harness

REPO_ROOT = harness.REPO_ROOT
sys.path.insert(0, str(REPO_ROOT / "tools" / "wire"))
import pcapng  # noqa: E402  (the graders' reader: no tshark run needed)

FIXTURES = REPO_ROOT / "tests" / "wire" / "fixtures"
TUTORIAL_LUA = REPO_ROOT / "tools" / "wireshark" / "tutorial.lua"
GOB_LUA = REPO_ROOT / "tools" / "wireshark" / "gob.lua"
GOB_KINDS_SOURCE = REPO_ROOT / "tests" / "wire" / "gob_kinds"

INSTALL = "make deps DEPS=wire as root, or: sudo apt-get install tshark strace"


def _missing(*tools):
    return [tool for tool in tools if shutil.which(tool) is None]


SKIP_REASON = None
if _missing("tshark", "text2pcap"):
    _absent = _missing("tshark", "text2pcap")
    SKIP_REASON = (f"{' and '.join(_absent)} {'is' if len(_absent) == 1 else 'are'} not installed: "
                   f"{INSTALL}")

needs_tshark = unittest.skipIf(SKIP_REASON is not None, SKIP_REASON or "")

# The dissector's own tests run tshark on files: nothing of ours is
# compiled in them, so `make asan` and `make tsan` would only repeat them.
# They run in `make test`; under a sanitizer build they are skipped.
VARIANT = harness.BIN_DIR.parent.name
only_once = unittest.skipIf(VARIANT in ("asan", "tsan"),
                            "the dissector's tests compile nothing; they run in make test")

# What shows that the dissector itself went wrong, in any of tshark's outputs.
DISSECTOR_FAILURES = ("Lua Error", "Dissector bug", "gob.internal", "Unhandled exception",
                      "malformed Lua")

TSHARK_SECONDS = 120


def tshark(*args, lua=TUTORIAL_LUA, timeout=TSHARK_SECONDS):
    """Runs tshark with the dissector; returns its standard output. Fails
    the test if tshark fails, takes longer than `timeout`, or reports that
    the dissector broke."""
    argv = ["tshark", "-X", f"lua_script:{lua}", *map(str, args)]
    result = harness.run_program(argv, timeout=timeout)
    if result.code != 0:
        raise AssertionError(f"{' '.join(argv)} exited with {result.code}:\n{result.stderr[-3000:]}")
    for failure in DISSECTOR_FAILURES:
        for text in (result.stdout, result.stderr):
            if failure in text:
                line = next(line for line in text.splitlines() if failure in line)
                raise AssertionError(f"tshark reports {failure!r}: {line.strip()}")
    return result.stdout


def pdml(capture, *args, lua=TUTORIAL_LUA):
    return ElementTree.fromstring(tshark("-r", capture, "-T", "pdml", *args, lua=lua))


def fields(capture, names, *args, lua=TUTORIAL_LUA):
    """tshark -T fields: one list of values per packet, one per name."""
    argv = ["-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
            "-E", "aggregator=|"]
    for name in names:
        argv += ["-e", name]
    rows = []
    for line in tshark(*argv, *args, lua=lua).splitlines():
        rows.append([cell.split("|") if cell else [] for cell in line.split("\t")])
    return rows


# The fields whose items are a value's leaves (gob.lua's walk_basic and the
# like): each has a gob.path child.
LEAF_FIELDS = {"gob.bool", "gob.int", "gob.uint", "gob.float", "gob.complex", "gob.string",
               "gob.bytes", "gob.encoded", "gob.nil"}


def gob_messages(root):
    """The gob protocol items of a PDML tree, in order."""
    return [proto for proto in root.iter("proto") if proto.get("name") == "gob"]


def gob_leaves(root):
    """(n, path, label) for every leaf of every value message, n counting
    the value messages from 1."""
    leaves, number = [], 0
    for message in gob_messages(root):
        if not any(child.get("name") == "gob.value_of" for child in message):
            continue
        number += 1
        for item in message.iter("field"):
            if item.get("name") not in LEAF_FIELDS:
                continue
            paths = [child.get("show") for child in item if child.get("name") == "gob.path"]
            if paths:
                leaves.append((number, paths[0], item.get("showname")))
    return leaves


def experts(root, severity="error"):
    """The texts of the expert items of a PDML tree ("error" or any)."""
    texts = []
    for item in root.iter("field"):
        if item.get("name") == "_ws.expert":
            message = next((child.get("show") for child in item.iter("field")
                            if child.get("name") == "_ws.expert.message"), None)
            level = next((child.get("show") for child in item.iter("field")
                          if child.get("name") == "_ws.expert.severity"), "")
            if message and (severity is None or level == _SEVERITY[severity]):
                texts.append(message)
    return texts


# _ws.expert.severity as PDML shows it (Wireshark's PI_ERROR, ...).
_SEVERITY = {"error": "8388608", "warning": "6291456", "note": "4194304"}


# ------------------------------------------------------------- Go's view --

_gob_kinds = None


def gob_kinds():
    """The Go program of tests/wire/gob_kinds: the one `make integration`
    builds beside ./server, else built here once (go is a test dependency)."""
    global _gob_kinds
    if _gob_kinds:
        return _gob_kinds
    built = harness.BIN_DIR / "gob_kinds"
    if not built.exists():
        built = REPO_ROOT / "build" / "wire" / "gob_kinds"
        built.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, GOCACHE=str(REPO_ROOT / "build" / "gocache"), GO111MODULE="off")
        subprocess.run(["go", "build", "-o", str(built), "."], cwd=GOB_KINDS_SOURCE, env=env,
                       check=True, capture_output=True, timeout=300)
    _gob_kinds = built
    return built


def go_cases():
    return harness.run_program([gob_kinds(), "list"]).stdout.split()


def go_encode(case):
    done = subprocess.run([gob_kinds(), "encode", case], capture_output=True, timeout=30)
    if done.returncode != 0:
        raise AssertionError(f"gob_kinds encode {case}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def go_leaves(case, data):
    """{(n, path): (text, zero)} as Go's decoder sees `data`."""
    done = subprocess.run([gob_kinds(), "decode", case], input=data, capture_output=True,
                          timeout=30)
    if done.returncode != 0:
        raise AssertionError(f"gob_kinds decode {case}: {done.stderr.decode(errors='replace')}")
    leaves = {}
    for line in done.stdout.decode().splitlines():
        if line:
            number, path, text, zero = line.split("\t")
            leaves[(int(number), path)] = (text, zero == "1")
    return leaves


def compare_leaves(test, dissected, go, what):
    """Every leaf the dissector shows is Go's, with Go's value; every leaf
    Go decoded that is not a zero value (which gob leaves off the wire) is
    shown. `dissected`: [(n, path, label)]."""
    shown = set()
    for number, path, label in dissected:
        shown.add((number, path))
        test.assertIn((number, path), go, f"{what}: the dissector shows {path} ({label}), "
                      f"Go's decoder has no such leaf")
        text, _ = go[(number, path)]
        test.assertTrue(label.endswith(": " + text),
                        f"{what}: {path}: the dissector shows {label!r}, Go's decoder {text!r}")
    missing = [f"{path} = {text}" for (number, path), (text, zero) in go.items()
               if not zero and (number, path) not in shown]
    test.assertEqual(missing, [], f"{what}: leaves Go decoded that the dissector does not show")


# ------------------------------------------------------------ captures --


def hexdump(packets):
    """text2pcap's input: each packet as offset + hex lines, then a blank line."""
    lines = []
    for data in packets:
        for offset in range(0, len(data), 16):
            lines.append(f"{offset:06x}  " + " ".join(f"{b:02x}" for b in data[offset:offset + 16]))
        lines.append("")
    return "\n".join(lines) + "\n"


def write_capture(directory, name, packets, dissector=None, tcp=None):
    """A pcapng of `packets` (byte strings): for `dissector` (an exported
    PDU each, no TCP: text2pcap -P), or as TCP segments from port tcp[0] to
    port tcp[1], one after the other in one stream (text2pcap -T)."""
    source = Path(directory) / (name + ".txt")
    target = Path(directory) / (name + ".pcapng")
    source.write_text(hexdump(packets))
    options = ["-P", dissector] if dissector else ["-T", f"{tcp[0]},{tcp[1]}"]
    result = harness.run_program(["text2pcap", "-q", *options, source, target], timeout=60)
    if result.code != 0:
        raise AssertionError(f"text2pcap failed: {result.stderr}")
    return target


# text2pcap takes packets of at most 256 KiB; larger streams go as TCP.
SEGMENT = 60000


def segments(data, size=SEGMENT):
    return [data[offset:offset + size] for offset in range(0, len(data), size)]


def server_port(capture):
    """The port the first connection of a capture went to (its client
    speaks first)."""
    return pcapng.segments(capture)[0].dst_port


def scratch_directory(test):
    directory = tempfile.mkdtemp(prefix="wire-test-")
    test.addCleanup(shutil.rmtree, directory, True)
    return Path(directory)


def client_bytes(capture):
    """Every byte the client sent to the server, in a capture of one
    connection."""
    segments = pcapng.segments(capture)
    return b"".join(s.payload for s in segments if s.dst_port == segments[0].dst_port)


def split_gob(data):
    """The messages of a gob stream, each with its length prefix."""
    messages, position = [], 0
    while position < len(data):
        first = data[position]
        if first < 128:
            size, start = first, position + 1
        else:
            count = 256 - first
            size, start = int.from_bytes(data[position + 1:position + 1 + count], "big"), \
                position + 1 + count
        messages.append(data[position:start + size])
        position = start + size
    return messages


def uint(value):
    """A gob unsigned integer."""
    if value < 128:
        return bytes([value])
    data = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([256 - len(data)]) + data


def sint(value):
    """A gob signed integer."""
    return uint(value << 1 if value >= 0 else (~value << 1) | 1)


def message(body):
    return uint(len(body)) + body
