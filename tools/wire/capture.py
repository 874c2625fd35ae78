#!/usr/bin/env python3
"""make capture: the tutorial's exchange on the wire, as Wireshark sees it.

It records the loopback traffic of one exchange (./server and ./client on
this machine, as `make demo` runs them) with Debian's dumpcap or tcpdump,
then prints tshark's dissection of it with the project's dissector
(tools/wireshark/tutorial.lua and gob.lua): first one line per packet,
then every layer of the packets that carry the protocol.

  python3 tools/wire/capture.py [--out FILE] [--host HOST] [--port PORT]

  --out FILE   where the capture goes (default build/wire/tutorial.pcapng)
  --host HOST  the client's HOST argument (default localhost)
  --port PORT  the server's port (default 61000 when it is free, else any;
               0: any)
  --quiet      only record, print nothing but where the file is
  --server P, --client P   the programs to run (default ./server, ./client)

Capturing needs root (or the capture rights Debian's wireshark-common can
give the group wireshark); without them, or without the tools, it says
what to do and exits 1. Every process it starts is stopped by its pid.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from processes import free_port as any_free_port, stop, wait_for  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DISSECTOR = REPO_ROOT / "tools" / "wireshark" / "tutorial.lua"
DEFAULT_OUT = REPO_ROOT / "build" / "wire" / "tutorial.pcapng"

READY_SECONDS = 10  # for the capture tool and the server to be ready
EXCHANGE_SECONDS = 30  # for the client to finish

INSTALL_HINT = ("Install them with: sudo apt-get install tshark strace "
                "(or `make deps DEPS=wire` as root)")


class CannotCapture(Exception):
    """What keeps this machine from capturing, said so that one can act on it."""


def tshark_argv(*args):
    """tshark with the project's dissector loaded."""
    return ["tshark", "-X", f"lua_script:{DISSECTOR}", *map(str, args)]


def run_tshark(*args, timeout=120):
    """Runs tshark with the dissector; returns its output (stdout), without
    the warning tshark prints when it runs as root."""
    done = subprocess.run(tshark_argv(*args), capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"tshark {' '.join(map(str, args))} failed ({done.returncode}):\n"
                           + done.stderr.decode(errors="replace"))
    return done.stdout.decode(errors="replace")


def missing_tools():
    """The tools capturing and dissecting need that are not installed."""
    missing = [tool for tool in ("tshark",) if shutil.which(tool) is None]
    if shutil.which("dumpcap") is None and shutil.which("tcpdump") is None:
        missing.append("dumpcap (or tcpdump)")
    return missing


def port_is_free(port):
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        # As the server binds: a port whose old connections linger is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("::", port))
        except OSError:
            return False
    return True


def free_port(preferred=61000):
    """The tutorial's port when nothing uses it; else (or for 0) one the
    kernel picks. (Another program could take it in between; the server
    then says so.)"""
    if preferred and port_is_free(preferred):
        return preferred
    return any_free_port()






class Capture:
    """dumpcap (or tcpdump) on the loopback interface, for one TCP port.

    with Capture(port, out): ...   records until the block ends
    """

    def __init__(self, port, out):
        self.port, self.out = port, Path(out)
        self.process = None
        self._log = tempfile.TemporaryFile()

    def __enter__(self):
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.unlink(missing_ok=True)
        capture_filter = f"tcp port {self.port}"
        if shutil.which("dumpcap"):
            argv = ["dumpcap", "-q", "-i", "lo", "-f", capture_filter, "-w", str(self.out)]
        elif shutil.which("tcpdump"):
            argv = ["tcpdump", "-i", "lo", "-U", "-w", str(self.out), capture_filter]
        else:
            raise CannotCapture("Capturing needs dumpcap or tcpdump. " + INSTALL_HINT)
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=self._log)
        # Both write the file's header once the interface is open: from
        # then on every packet is caught. ("Capturing on" comes earlier.)
        started = lambda: self.out.exists() and self.out.stat().st_size > 0
        try:
            wait_for(lambda: started() or self.process.poll() is not None,
                     READY_SECONDS, f"{argv[0]} did not start capturing")
        except TimeoutError:
            stop(self.process)
            raise
        if self.process.poll() is not None:
            lines = self._output().decode(errors="replace").strip().splitlines()
            # The tool's own lines say what went wrong; its advice follows below.
            text = "\n  ".join(line for line in lines if re.match(r"(dumpcap|tcpdump|\(socket)", line))
            text = text or "\n  ".join(lines[:3])
            if os.geteuid() != 0 and re.search(r"ermission|not permitted|privilege", text):
                raise CannotCapture(
                    f"{argv[0]} may not capture here:\n  {text}\nCapturing needs root: "
                    "sudo make capture (or let the group wireshark capture: "
                    "sudo dpkg-reconfigure wireshark-common; sudo usermod -aG wireshark $USER; "
                    "then log in again)")
            raise CannotCapture(f"{argv[0]} could not start capturing:\n  {text}")
        return self

    def _output(self):
        self._log.seek(0)
        return self._log.read()

    def __exit__(self, *exc_info):
        # The last packets (the FIN of the side that closes last) may still
        # be on their way to the capture.
        time.sleep(0.3)
        stop(self.process)
        self._log.close()


SERVER = REPO_ROOT / "server"
CLIENT = REPO_ROOT / "client"


class Server:
    """./server --port PORT, its log in a temporary file; stopped by pid."""

    def __init__(self, port, argv=None):
        self.log_file = tempfile.NamedTemporaryFile(prefix="capture-server-", suffix=".log")
        argv = argv or [SERVER, "--port", port]
        self.process = subprocess.Popen([str(part) for part in argv], cwd=REPO_ROOT,
                                        stdin=subprocess.DEVNULL, stdout=self.log_file,
                                        stderr=self.log_file)

    def log(self):
        return Path(self.log_file.name).read_text(errors="replace")

    def __enter__(self):
        try:
            wait_for(lambda: "Listen on" in self.log() or self.process.poll() is not None,
                     READY_SECONDS, "the server did not listen")
        except TimeoutError:
            self.__exit__()
            raise
        if self.process.poll() is not None:
            log = self.log()
            self.__exit__()
            raise CannotCapture(f"the server did not start:\n{log}")
        return self

    def wait_for_log(self, pattern, count=1, seconds=EXCHANGE_SECONDS):
        wait_for(lambda: len(re.findall(pattern, self.log())) >= count, seconds,
                 f"the server did not log {pattern!r} {count} times")

    def __exit__(self, *exc_info):
        stop(self.process)
        self.log_file.close()


def record_exchange(out, host="localhost", port=None, client=None):
    """Records one tutorial exchange into `out`: starts the capture, the
    server, runs the client (argv, default ./client HOST --port PORT), waits
    until the server has served it, stops everything. Returns the port."""
    port = port if port else free_port(61000 if port is None else 0)
    with Capture(port, out), Server(port) as server:
        argv = client or [CLIENT, host, "--port", port]
        done = subprocess.run([str(part) for part in argv], cwd=REPO_ROOT,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=EXCHANGE_SECONDS)
        if done.returncode != 0:
            raise RuntimeError(f"the client failed ({done.returncode}):\n"
                               + done.stderr.decode(errors="replace"))
        server.wait_for_log(r"Reached end of stream|Closing connection")
    return port


def decode_as(port):
    """The tshark option that makes the dissector take PORT even where the
    port or the heuristic would not (the dissector knows 61000 itself)."""
    return [] if port == 61000 else ["-d", f"tcp.port=={port},tutorial"]


def print_dissection(out, port):
    print(f"== One line per packet (tshark -r {out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out})")
    print(run_tshark(*decode_as(port), "-r", out), end="")
    print()
    print("== The packets that carry the protocol, every layer (tshark -V -O tutorial,gob -Y tutorial)")
    print(run_tshark(*decode_as(port), "-r", out, "-V", "-O", "tutorial,gob", "-Y", "tutorial"),
          end="")


def main(argv):
    global SERVER, CLIENT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--server", type=Path, default=SERVER)
    parser.add_argument("--client", type=Path, default=CLIENT)
    options = parser.parse_args(argv)
    SERVER, CLIENT = options.server.resolve(), options.client.resolve()
    missing = missing_tools()
    if missing:
        print(f"make capture needs {', '.join(missing)}, which is not installed. {INSTALL_HINT}")
        return 1
    for program in (SERVER, CLIENT):
        if not program.exists():
            print(f"{program} is missing: run make first")
            return 1
    out = options.out.resolve()
    try:
        port = record_exchange(out, options.host, options.port)
    except CannotCapture as reason:
        print(f"make capture: {reason}")
        return 1
    if options.quiet:
        print(out)
        return 0
    print_dissection(out, port)
    shown = out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out
    print(f"\nThe capture is {shown}. Open it in Wireshark with the dissector:\n"
          f"  wireshark -X lua_script:tools/wireshark/tutorial.lua {shown}\n"
          "or install the dissector for good: make wireshark-plugin. docs/wire.md is the lab.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
