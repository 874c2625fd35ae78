#!/usr/bin/env python3
"""Records the pcapng fixtures of the dissector's tests (make wire-fixtures, root).

  python3 tests/wire/make_fixtures.py [NAME...]

Each fixture is the loopback traffic of real programs talking to ./server,
captured with tools/wire/capture.py's Capture (dumpcap or tcpdump):

  tutorial.pcapng        ./client localhost: the tutorial's exchange
  go-client.pcapng       the Go peer's dial: Go's own encoder on the wire
  byte-at-a-time.pcapng  the same requests written one byte per segment
  big.pcapng.gz          a GOB value in one message of exactly 1 MiB (the
                         largest the server takes), in many segments
  hostile.pcapng.gz      one connection per hostile input (HOSTILE below),
                         each answered by the server with ERR

The large ones are gzipped (tshark reads them as they are). The tests read
these files only; they never need root. Record them again when the
protocol or the programs change, and look at what changed.
"""

import gzip
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tools" / "wire"))
import capture  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOB_FIXTURES = REPO_ROOT / "tests" / "fixtures"
GO_PEER = REPO_ROOT / "tests" / "go_peer" / "go_peer"

STRING_REQUEST = b"STRING\nAdditional data.\n"


def uint(value):
    """A gob unsigned integer (docs/protocol.md)."""
    if value < 128:
        return bytes([value])
    data = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([256 - len(data)]) + data


def message(body):
    return uint(len(body)) + body


def sample_messages():
    """The two type definitions and the value of Go's own sample.gob."""
    data = (GOB_FIXTURES / "sample.gob").read_bytes()
    messages, position = [], 0
    while position < len(data):
        first = data[position]
        size, start = (first, position + 1) if first < 128 else (
            int.from_bytes(data[position + 1:position + 1 + 256 - first], "big"),
            position + 1 + 256 - first)
        messages.append(data[position:start + size])
        position = start + size
    return messages


def definitions():
    return b"".join(sample_messages()[:2])


# The hostile inputs: a name, what the client sends, and what the server
# answers (a fragment of its ERR line). The dissector's tests check that the
# dissector finds the same fault.
def hostile_inputs():
    value = sample_messages()[2]
    body = value[1:]  # without its one-byte length prefix (97)
    # type deep []deep: a slice whose elements are slices of the same type,
    # so that each level costs one byte (its count, 1).
    deep_slice = (message(b"\xff\x81" + b"\x02\x01\x01\x06[]deep\x01\xff\x82\x00\x01\xff\x82\x00\x00")
                  + message(b"\xff\x82\x00" + b"\x01" * 1_000_000 + b"\x00"))
    return [
        ("lying-length-huge", b"GOB\n" + uint(5_000_000) + b"\xff\x82\x01\x02\x00",
         "exceeds the limit of 1048576 bytes"),
        ("lying-length-short", b"GOB\n" + definitions() + uint(20) + body,
         "exceeds what the 1 bytes left"),
        ("lying-length-long", b"GOB\n" + definitions() + uint(len(body) + 5) + body + b"\x00" * 5,
         "unexpected bytes"),
        ("bad-field-delta", b"GOB\n" + definitions() + message(b"\xff\x82\x09\x02\x00"),
         "delta"),
        ("deep-2000", b"GOB\n" + (GOB_FIXTURES / "deep2000.gob").read_bytes(),
         "deeper than the limit of 1000 levels"),
        ("deep-1000000", b"GOB\n" + deep_slice, "ERR gob:"),
        ("undefined-type", b"GOB\n" + value, "undefined type id 65"),
        ("count-bomb", b"GOB\n" + definitions() + message(b"\xff\x82\x02" + uint(1_000_000_000) + b"ab"),
         "exceeds what the"),
        ("unknown-command", b"HELLO\n", "unknown command 'HELLO'"),
        ("long-line", b"x" * 70_000 + b"\n", "line longer than 65536 bytes"),
    ]


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_until_closed(sock, seconds=10):
    sock.settimeout(seconds)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return data
        if not chunk:
            return data
        data += chunk


def send_all_quietly(sock, data):
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def record(name, port, talk):
    """Captures what `talk(port)` does against a fresh ./server."""
    out = Path(tempfile.mkdtemp(prefix="fixture-")) / "capture.pcapng"
    with capture.Capture(port, out), capture.Server(port) as server:
        talk(port, server)
    target = FIXTURES / name
    if name.endswith(".gz"):
        with open(out, "rb") as plain, gzip.open(target, "wb", compresslevel=9) as packed:
            shutil.copyfileobj(plain, packed)
    else:
        shutil.copyfile(out, target)
    shutil.rmtree(out.parent, ignore_errors=True)
    print(f"{target.relative_to(REPO_ROOT)}: {target.stat().st_size} bytes")


def tutorial(port, server):
    subprocess.run([REPO_ROOT / "client", "localhost", "--port", str(port)], check=True,
                   capture_output=True, timeout=30)
    server.wait_for_log(r"Reached end of stream")


def go_client(port, server):
    subprocess.run([GO_PEER, "dial", "-addr", f"127.0.0.1:{port}"], check=True,
                   capture_output=True, timeout=30)
    server.wait_for_log(r"Reached end of stream")


def byte_at_a_time(port, server):
    with connect(port) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for index in range(len(STRING_REQUEST)):
            sock.sendall(STRING_REQUEST[index:index + 1])
            time.sleep(0.002)
        reply = b""
        while not reply.endswith(b"\n"):
            reply += sock.recv(1)
        request = b"GOB\n" + b"".join(sample_messages())
        for index in range(len(request)):
            sock.sendall(request[index:index + 1])
            time.sleep(0.002)
    server.wait_for_log(r"Inner complexData struct")


def big(port, server):
    # One value message of exactly 1 MiB: complexData with only S, whose
    # string fills what is left after the type id, the field delta, the
    # string's length and the closing 0.
    size = 1 << 20
    text_size = size - 2 - 1 - len(uint(size)) - 1
    body = b"\xff\x82\x02" + uint(text_size) + b"a" * text_size + b"\x00"
    assert len(body) == size
    with connect(port) as sock:
        sock.sendall(b"GOB\n" + definitions() + message(body))
    server.wait_for_log(r"Inner complexData struct")


def hostile(port, server):
    for name, data, answer in hostile_inputs():
        with connect(port) as sock:
            send_all_quietly(sock, data)
            reply = read_until_closed(sock)
        if answer.encode() not in reply:
            raise RuntimeError(f"{name}: expected {answer!r} in the server's reply, got {reply!r}")
        print(f"  {name}: {reply.decode(errors='replace').strip()}")


FIXTURE_MAKERS = {
    "tutorial.pcapng": tutorial,
    "go-client.pcapng": go_client,
    "byte-at-a-time.pcapng": byte_at_a_time,
    "big.pcapng.gz": big,
    "hostile.pcapng.gz": hostile,
}


def main(names):
    missing = capture.missing_tools()
    if missing:
        print(f"make wire-fixtures needs {', '.join(missing)}. {capture.INSTALL_HINT}")
        return 1
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in names or FIXTURE_MAKERS:
        try:
            record(name, capture.free_port(), FIXTURE_MAKERS[name])
        except capture.CannotCapture as reason:
            print(f"make wire-fixtures: {reason}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
