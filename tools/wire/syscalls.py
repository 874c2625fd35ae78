#!/usr/bin/env python3
"""make trace: the system calls of the tutorial's exchange, as strace sees them.

It runs ./server and ./client (as `make demo` runs them) each under
`strace -f -k`, one exchange, then prints for each program the socket calls
it made, in order: the call as strace shows it, a short note of what it is
for, the Go call of the tutorial that does the same, and the line of our
code that made it (strace -k gives the stack of each call; addr2line turns
its addresses into file:line, which the -g of the build makes possible).
Last come the counts of each call for the whole exchange.

  python3 tools/wire/syscalls.py [--host HOST] [--all] [--keep DIR]

  --host HOST  the client's HOST argument (default localhost)
  --all        every system call, not only the socket calls
  --keep DIR   keep strace's raw output (one file per thread) in DIR
  --server P, --client P   the programs to run (default ./server, ./client)

Calls made by the C library for itself are marked: the dynamic loader's
before main (not shown, only counted) and getaddrinfo's (netlink, nscd,
the address-sorting UDP socket), grouped into one line.
"""

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from processes import STOP_SECONDS, free_port, stop, wait_for  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]

# The calls `make trace` shows: what the socket API is made of, and what
# the two programs need around it (poll to wait, clone3 for a connection's
# thread, pipe2 for the stop pipe).
SOCKET_CALLS = "%network,close,shutdown,poll,ppoll,pipe2,clone,clone3"

READY_SECONDS = 10
EXCHANGE_SECONDS = 30

INSTALL_HINT = "Install it with: sudo apt-get install strace (or `make deps DEPS=wire` as root)"

# ------------------------------------------------------------- running --








def strace_argv(out_prefix, calls, program_argv):
    # -ff: one file per thread, so that no line is cut by another thread's;
    # -ttt orders them again when they are merged.
    return ["strace", "-ff", "-ttt", "-k", "-e", f"trace={calls}", "-o", str(out_prefix), "--",
            *map(str, program_argv)]


def traced_environment():
    """The programs' environment under strace. LeakSanitizer cannot work
    under ptrace: a sanitizer build (make asan) runs without it here."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def traced_child(strace_process):
    """The pid of the program strace started (its only child)."""
    children = Path(f"/proc/{strace_process.pid}/task/{strace_process.pid}/children")
    try:
        pids = children.read_text().split()
    except OSError:
        return None
    return int(pids[0]) if pids else None


SERVER = REPO_ROOT / "server"
CLIENT = REPO_ROOT / "client"


def run_traced_exchange(directory, host="localhost", calls=SOCKET_CALLS, client_args=()):
    """Runs one exchange with both programs under strace; their traces go
    to DIRECTORY/server.PID and DIRECTORY/client.PID. Returns the server's
    and the client's logs."""
    directory = Path(directory)
    port = free_port()
    server_log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        strace_argv(directory / "server", calls, [SERVER, "--port", port]),
        cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=server_log, stderr=server_log,
        env=traced_environment())
    log = lambda: (server_log.seek(0), server_log.read().decode(errors="replace"))[1]
    try:
        wait_for(lambda: "Listen on" in log() or server.poll() is not None, READY_SECONDS,
                 "the server did not listen")
        if server.poll() is not None:
            raise RuntimeError(f"strace ./server exited with {server.returncode}:\n{log()}")
        client = subprocess.run(
            strace_argv(directory / "client", calls,
                        [CLIENT, host, "--port", port, *client_args]),
            cwd=REPO_ROOT, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=EXCHANGE_SECONDS, env=traced_environment())
        if client.returncode != 0:
            raise RuntimeError(f"the client failed ({client.returncode}):\n"
                               + client.stderr.decode(errors="replace"))
        wait_for(lambda: re.search(r"Reached end of stream|Closing connection", log()),
                 EXCHANGE_SECONDS, "the server did not finish the connection")
        # Stop the server as Ctrl-C would: SIGTERM to the program, not to
        # strace (which would detach and leave it running).
        pid = traced_child(server)
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
        server.wait(timeout=STOP_SECONDS)
        return log(), client.stderr.decode(errors="replace")
    finally:
        stop(server)
        server_log.close()


# ------------------------------------------------------------- parsing --

Call = collections.namedtuple("Call", "time pid name args result text frames")

_CALL = re.compile(r"^(?P<time>\d+\.\d+) (?P<name>\w+)\((?P<args>.*)\) += (?P<result>.*)$")
_SIGNAL = re.compile(r"^(?P<time>\d+\.\d+) --- (?P<name>SIG\w+) ")
_FRAME = re.compile(r"^ > (?P<object>[^(\[]+)(?:\((?P<symbol>[^)]*(?:\)[^)+]*)*)\+0x[0-9a-f]+\))?"
                    r" \[(?P<address>0x[0-9a-f]+)\]")


def read_traces(directory, program):
    """Every call in DIRECTORY/PROGRAM.*, in time order, threads merged."""
    calls = []
    for path in sorted(Path(directory).glob(f"{program}.*")):
        pid = int(path.suffix[1:])
        current = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith(" > "):
                frame = _FRAME.match(line)
                if current is not None and frame:
                    current.frames.append((frame.group("object"), frame.group("symbol") or "",
                                           int(frame.group("address"), 16)))
                continue
            found = _CALL.match(line)
            if found:
                current = Call(float(found.group("time")), pid, found.group("name"),
                               found.group("args"), found.group("result").strip(), line, [])
                calls.append(current)
                continue
            found = _SIGNAL.match(line)
            if found:
                current = Call(float(found.group("time")), pid, found.group("name"), "", "",
                               line, [])
                calls.append(current)
    calls.sort(key=lambda call: call.time)
    return calls


class Locations:
    """file:line for addresses in a program, through addr2line."""

    def __init__(self, binary):
        self.binary = binary
        self.cache = {}

    def resolve(self, addresses):
        wanted = sorted({a for a in addresses if a not in self.cache})
        if not wanted or shutil.which("addr2line") is None:
            return
        # Each address is a return address: the call is the byte before it.
        done = subprocess.run(["addr2line", "-a", "-f", "-C", "-i", "-e", str(self.binary),
                               *(hex(a - 1) for a in wanted)], capture_output=True, text=True)
        current = None
        lines = done.stdout.splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            if re.fullmatch(r"0x[0-9a-f]+", line):
                current = int(line, 16) + 1
                self.cache[current] = []
                index += 1
                continue
            if current is not None and index + 1 < len(lines):
                self.cache[current].append(lines[index + 1])
            index += 2

    def where(self, address):
        """The innermost file:line of our code at `address` ("" if unknown)."""
        for place in self.cache.get(address, []):
            path = place.split(" ")[0]
            file_name, _, line = path.rpartition(":")
            try:
                relative = Path(file_name).resolve().relative_to(REPO_ROOT)
            except ValueError:
                continue
            return f"{relative}:{line}"
        return ""


def short_function(symbol):
    """net::connect_to(std::string const&, ...) -> net::connect_to"""
    depth, cut = 0, len(symbol)
    for index, char in enumerate(symbol):
        if char == "(" and depth == 0 and not symbol.startswith("(anonymous", index):
            cut = index
            break
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
    return symbol[:cut].replace("(anonymous namespace)::", "")


# --------------------------------------------------------------- notes --

# (call, pattern on "args = result", note, the tutorial's Go). The first
# match wins; a pattern of None matches any call of that name. A call's
# name may carry the program ("server:socket") or, for close, what the
# descriptor is ("close:connection").
NOTES = [
    ("server:socket", r"AF_INET6, SOCK_STREAM", "a TCP socket, IPv6 (with IPV6_V6ONLY off it takes "
     "IPv4 too)", "net.Listen"),
    ("socket", r"AF_INET6, SOCK_STREAM", "a TCP socket, IPv6", "net.Dial"),
    ("socket", r"AF_INET, SOCK_STREAM", "a TCP socket, IPv4", "net.Dial"),
    ("setsockopt", r"SO_REUSEADDR", "bind even while old connections of the port linger "
     "(TIME_WAIT): a restarted server gets its port back", "net.Listen sets it too"),
    ("setsockopt", r"IPV6_V6ONLY", "one socket for both families: IPv4 clients arrive as "
     "::ffff:a.b.c.d", "net.Listen(\"tcp\", \":61000\")"),
    ("setsockopt", r"SO_KEEPALIVE", "keep-alive probes, so that a vanished peer is noticed",
     "Go's Dial and Accept enable them too"),
    ("setsockopt", r"TCP_KEEPIDLE", "first probe after 15 s of silence", "Go's default, 15 s"),
    ("setsockopt", r"TCP_KEEPINTVL", "then one every 15 s", "Go's default, 15 s"),
    ("setsockopt", r"SO_RCVTIMEO", "how long the next recv may wait: what is left of the "
     "deadline", "conn.SetDeadline (Go waits in its netpoller)"),
    ("bind", r"AF_INET6|AF_INET\b", "claim the address and port", "net.Listen"),
    ("listen", None, "a listening socket: the kernel now completes handshakes and queues them "
     "(the backlog)", "net.Listen"),
    ("getsockname", r"sin6?_port", "which address and port it got (--port 0 lets the kernel "
     "choose), for the log", "listener.Addr()"),
    ("getpeername", None, "the client's address, for the log", "conn.RemoteAddr()"),
    ("poll", r"POLLOUT", "wait until the handshake is done, at most --timeout", "net.Dial "
     "(DialTimeout)"),
    ("poll", r"ERESTART|EINTR", "the wait, cut short by a signal", "listener.Accept() blocks"),
    ("poll", None, "wait for a connection or for the stop signal", "listener.Accept() blocks"),
    ("accept4", r"= -1 EAGAIN", "nothing left to accept: the server is stopping", "listener.Close()"),
    ("accept4", None, "take the next connection off the queue: a new socket for it",
     "listener.Accept()"),
    ("clone3", None, "a thread for that connection", "go e.handleMessages(conn)"),
    ("clone", None, "a thread for that connection", "go e.handleMessages(conn)"),
    ("connect", r"EINPROGRESS", "start the TCP handshake, without waiting (so that --timeout "
     "holds)", "net.Dial"),
    ("connect", None, "the TCP handshake", "net.Dial"),
    ("getsockopt", r"SO_ERROR", "did the handshake succeed? (0: yes)", "net.Dial"),
    ("sendto", r"\"STRING\\n", "the STRING request: both lines, one flush", "rw.Flush()"),
    ("sendto", r"\"GOB\\n", "GOB and the gob messages, one flush", "enc.Encode; rw.Flush()"),
    ("sendto", r"Thank you", "the reply", "rw.Flush()"),
    ("sendto", r"\"ERR ", "the refusal, before closing", "(the tutorial logs and closes)"),
    ("sendto", None, "send what the buffer holds", "rw.Flush()"),
    ("recvfrom", r"= 0$", "end of stream: the peer has closed its side", "io.EOF"),
    ("recvfrom", r"\"STRING\\n", "the STRING request, both lines in one read", "rw.ReadString('\\n')"),
    ("recvfrom", r"\"GOB\\n", "GOB and the gob messages, in one read", "rw.ReadString; dec.Decode"),
    ("recvfrom", r"Thank you", "the reply", "rw.ReadString('\\n')"),
    ("recvfrom", None, "take what has arrived, up to the buffer's size", "bufio.Reader"),
    ("shutdown", r"SHUT_RD\b", "stop: an idle connection stops reading, so its thread ends",
     "(the tutorial never stops)"),
    ("shutdown", None, "stop: the connection is shut down", "(the tutorial never stops)"),
    ("pipe2", None, "the stop pipe: request_stop (on SIGINT or SIGTERM) writes to it to wake the accept loop",
     "(the tutorial never stops)"),
    ("close:connection", None, "the connection's socket: the kernel sends FIN, the end of this "
     "side's stream", "conn.Close()"),
    ("close:listener", None, "the listening socket: no more connections", "listener.Close()"),
    ("close:pipe", None, "one end of the stop pipe", "(the tutorial never stops)"),
    ("close", None, "release the descriptor", ""),
    ("SIGTERM", None, "Ctrl-C or kill: the server finishes what is in progress and stops",
     "(the tutorial never stops)"),
]


def note_of(call, program="", what=""):
    text = f"{call.args} = {call.result}"
    names = [f"{program}:{call.name}", f"{call.name}:{what}", call.name]
    for name, pattern, note, go in NOTES:
        if name in names and (pattern is None or re.search(pattern, text)):
            return note, go
    return "", ""


class Descriptors:
    """What each descriptor of a program is, from the calls that made it:
    a connection's socket, a listening socket, an end of a pipe."""

    def __init__(self):
        self.kinds = {}

    def see(self, call):
        fd = re.match(r"(\d+)", call.args)
        result = re.match(r"(\d+)", call.result)
        if call.name in ("socket", "accept4", "accept") and result:
            self.kinds[int(result.group(1))] = "connection"
        elif call.name == "listen" and fd:
            self.kinds[int(fd.group(1))] = "listener"
        elif call.name == "pipe2":
            for number in re.findall(r"\d+", call.args.split("]")[0]):
                self.kinds[int(number)] = "pipe"

    def kind(self, call):
        fd = re.match(r"(\d+)", call.args)
        return self.kinds.pop(int(fd.group(1)), "") if call.name == "close" and fd else ""


# ----------------------------------------------------------- the view --


SANITIZER_INTERNALS = ("__sanitizer", "__asan", "__ubsan", "__tsan", "__lsan")


def classify(call, binary):
    """'ours', 'getaddrinfo' (the C library's, inside getaddrinfo), 'loader'
    (the dynamic loader's, before main) or 'sanitizer' (a sanitizer
    runtime's own, in make asan and make tsan builds; its interceptors,
    which wrap our calls, have plain names and do not count)."""
    ours = [frame for frame in call.frames if Path(frame[0]).resolve() == binary]
    if not ours:
        # No frame of the program: the loader's, or a stack strace could
        # not walk (clone3's, in the thread that starts a new one).
        return "loader" if any("ld-linux" in frame[0] for frame in call.frames) else "ours"
    for frame in call.frames:
        if Path(frame[0]).resolve() == binary:
            break
        if frame[1].startswith(SANITIZER_INTERNALS):
            return "sanitizer"
        if "getaddrinfo" in frame[1]:
            return "getaddrinfo"
    return "ours"


def getaddrinfo_note(calls):
    """What getaddrinfo did, from the sockets it made."""
    text = " ".join(f"{call.name}({call.args})" for call in calls)
    parts = []
    if "AF_NETLINK" in text:
        parts.append("netlink, to learn this machine's addresses (AI_ADDRCONFIG)")
    if "nscd" in text:
        parts.append("nscd's socket, the name service cache (ENOENT: none runs here)")
    if re.search(r"SOCK_DGRAM", text):
        parts.append("UDP sockets connected to each address, to sort them (RFC 6724)")
    if not parts:
        parts.append("name lookup")
    return "; ".join(parts)


def shorten(text, width=100):
    return text if len(text) <= width else text[:width - 5] + " ...)"


def describe_program(name, directory, binary, show_all=False):
    """The lines of the view for one program, and its Counter of calls."""
    binary = binary.resolve()
    calls = read_traces(directory, name)
    locations = Locations(binary)
    locations.resolve(frame[2] for call in calls for frame in call.frames
                      if Path(frame[0]).resolve() == binary)
    counts = collections.Counter()
    descriptors = Descriptors()
    loader = 0
    lines = []
    number = 0
    pending_gai = []
    main_pid = min((call.pid for call in calls), default=0)

    def where(call):
        ours = [frame for frame in call.frames if Path(frame[0]).resolve() == binary]
        if not ours:
            return ""
        place = locations.where(ours[0][2]) or "?"
        text = f"{place} {short_function(ours[0][1])}"
        if len(ours) > 1:
            caller = locations.where(ours[1][2])
            if caller and caller.split(":")[0] != place.split(":")[0]:
                text += f", called from {caller}"
        return text

    def flush_gai():
        nonlocal number
        if not pending_gai:
            return
        number += 1
        names = collections.Counter(call.name for call in pending_gai)
        summary = ", ".join(f"{n} {c}" if c > 1 else n for n, c in names.items())
        lines.append(f"{number:3}  ({len(pending_gai)} calls inside getaddrinfo(): {summary})")
        lines.append(f"       the C library's own: {getaddrinfo_note(pending_gai)}")
        lines.append(f"       {where(pending_gai[0])}")
        pending_gai.clear()

    sanitizer = 0
    for call in calls:
        kind = classify(call, binary)
        if kind == "loader":
            loader += 1
            continue
        if kind == "sanitizer":
            sanitizer += 1
            continue
        if not call.name.startswith("SIG"):
            counts[call.name] += 1
        if kind == "getaddrinfo":
            pending_gai.append(call)
            continue
        flush_gai()
        number += 1
        thread = "" if call.pid == main_pid else f" [thread {call.pid}]"
        shown = call.text.split(" ", 1)[1] if " " in call.text else call.text
        lines.append(f"{number:3}  {shorten(shown)}{thread}")
        what = descriptors.kind(call)
        descriptors.see(call)
        note, go = note_of(call, name, what)
        if note or go:
            lines.append(f"       {note}" + (f"   [Go: {go}]" if go else ""))
        place = where(call)
        if call.name.startswith("SIG") and place:
            place = "arrives during " + place
        elif not place and call.name.startswith("clone"):
            place = "(strace cannot walk the stack of clone3: std::thread's constructor calls it)"
        if place:
            lines.append(f"       {place}")
    flush_gai()
    if loader:
        lines.append(f"     ({loader} calls of the dynamic loader before main, not shown: "
                     "it closes the libraries' files)")
    if sanitizer:
        lines.append(f"     ({sanitizer} calls of the sanitizer runtime, not shown or counted)")
    return lines, counts


def count_line(counts):
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def main(argv):
    global SERVER, CLIENT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--server", type=Path, default=SERVER)
    parser.add_argument("--client", type=Path, default=CLIENT)
    options = parser.parse_args(argv)
    SERVER, CLIENT = options.server.resolve(), options.client.resolve()
    if shutil.which("strace") is None:
        print(f"make trace needs strace, which is not installed. {INSTALL_HINT}")
        return 1
    for program in (SERVER, CLIENT):
        if not program.exists():
            print(f"{program} is missing: run make first")
            return 1
    calls = "all" if options.all else SOCKET_CALLS
    with tempfile.TemporaryDirectory(prefix="trace-") as scratch:
        directory = options.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for old in list(directory.glob("server.*")) + list(directory.glob("client.*")):
            old.unlink()
        try:
            run_traced_exchange(directory, options.host, calls)
        except (RuntimeError, TimeoutError, subprocess.TimeoutExpired) as problem:
            print(f"make trace: {problem}")
            if re.search(r"PTRACE_TRACEME|ptrace\(PTRACE_\w+.*Operation not permitted", str(problem)):
                print("strace may not trace here (a container without ptrace?)")
            return 1
        totals = {}
        for name, binary in (("server", SERVER), ("client", CLIENT)):
            lines, counts = describe_program(name, directory, binary, options.all)
            what = "system calls" if options.all else "socket calls"
            print(f"== ./{name}: its {what}, in order (strace -f -k; file:line from addr2line)")
            print("\n".join(lines))
            print(f"   counts (getaddrinfo's own calls included): {count_line(counts)}")
            print()
            totals[name] = counts
        together = collections.Counter()
        for counts in totals.values():
            together.update(counts)
        print(f"== The whole exchange, both programs: {sum(together.values())} calls: "
              f"{count_line(together)}")
        if options.keep:
            print(f"strace's own output, one file per thread: {options.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
