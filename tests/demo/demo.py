#!/usr/bin/env python3
"""make demo: the tutorial's two programs talking, both sides on one screen.

It starts ./server on a free port, waits for its "Listen on [::]:PORT" line,
runs ./client against it, and prints what both write as it arrives, each
line marked with who wrote it:

  server | endpoint.cpp:49: Listen on [::]:38973
  client | client.cpp:50: Dial localhost port 38973
  server | endpoint.cpp:134: Receive command 'STRING' from [::1]:55766
  ...

Then it stops the server the way Ctrl-C would (SIGTERM to its pid) and
waits for it to exit. Nothing is left running, whatever happens: the
programs run in a session of their own, so that Ctrl-C reaches only this
script, which then stops them by pid; and should this script be killed
outright, the kernel sends them SIGTERM (PR_SET_PDEATHSIG).

Options, used by tests/demo/demo_netns.sh to run the two programs in two
network namespaces:
  --server-wrap "CMD ARGS"   run the server as CMD ARGS ./server ...
  --client-wrap "CMD ARGS"   the same for the client
  --host H                   the client's HOST (default localhost); given
                             more than once, the client runs once per host
Exit status: 0 when every client run and the server exited 0, else 1.
"""

import argparse
import ctypes
import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

STARTUP_SECONDS = 10  # for "Listen on"
CLIENT_SECONDS = 30  # for one client run
SERVED_SECONDS = 10  # for the server to finish the connection after the client left
STOP_SECONDS = 15  # for the server to exit after SIGTERM (it lets commands finish)

PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


def die_with_parent():
    """Runs in the child between fork and exec: SIGTERM it when we die."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Demo:
    """The running programs and the merged view of their output."""

    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.processes = []  # every process started, for the cleanup
        self.output = {}  # name -> all text it wrote so far

    def say(self, text):
        print(f"demo   | {text}", flush=True)

    def start(self, name, argv):
        self.say(" ".join(shlex.quote(part) for part in argv))
        process = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=die_with_parent)
        self.processes.append(process)
        self.output[name] = ""
        # Partial lines wait here until their newline arrives.
        self.selector.register(process.stdout, selectors.EVENT_READ, [name, b""])
        return process

    def pump(self, done, seconds):
        """Prints output as it arrives until done() holds or `seconds` pass;
        returns done()."""
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if not self.selector.get_map():
                # Every output is closed; a program that closed its output
                # in exiting may take a moment more to be reaped.
                time.sleep(min(left, 0.02))
                continue
            for key, _ in self.selector.select(min(left, 0.2)):
                self._read(key)
        return True

    def _read(self, key):
        name, pending = key.data
        chunk = os.read(key.fileobj.fileno(), 65536)
        if not chunk:  # the program closed its output: it has ended
            self.selector.unregister(key.fileobj)
            key.fileobj.close()
            chunk = b"\n" if pending else b""
        lines = (pending + chunk).split(b"\n")
        key.data[1] = lines.pop()
        for line in lines:
            text = line.decode(errors="replace")
            self.output[name] += text + "\n"
            print(f"{name:<6} | {text}", flush=True)

    def drained(self, process):
        """True once `process` has exited and all it wrote is printed."""
        return process.poll() is not None and all(
            key.fileobj is not process.stdout for key in self.selector.get_map().values())

    def stop_all(self):
        """SIGTERM, then SIGKILL, to whatever still runs; waits for each.
        Each program leads a process group of its own (its session), whose
        id is its pid: signalling the group reaches anything it started too."""
        for process in self.processes:
            if process.poll() is None:
                signal_group(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait()


def signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # the whole group has exited already


def run(options):
    demo = Demo()
    server_argv = [*shlex.split(options.server_wrap), "./server", "--port", "0"]
    client_wrap = shlex.split(options.client_wrap)
    failures = []
    try:
        server = demo.start("server", server_argv)
        listening = lambda: re.search(r"Listen on \S*:(\d+)\s*$", demo.output["server"],
                                      re.MULTILINE)
        if not demo.pump(lambda: listening() or server.poll() is not None, STARTUP_SECONDS) \
                or not listening():
            demo.pump(lambda: demo.drained(server), 1)
            demo.say(f"the server did not start listening (exit status {server.poll()})")
            return 1
        port = listening().group(1)
        demo.say(f"the server (pid {server.pid}) listens on port {port}")

        for run_number, host in enumerate(options.host, start=1):
            client = demo.start("client", [*client_wrap, "./client", host, "--port", port])
            if not demo.pump(lambda: demo.drained(client), CLIENT_SECONDS):
                failures.append(f"the client for {host} was still running after "
                                f"{CLIENT_SECONDS} s")
                client.kill()
            demo.say(f"the client exited with status {client.wait()}")
            if client.returncode != 0:
                failures.append(f"the client for {host} exited with {client.returncode}")
            # The client is gone; the server may still be decoding what it
            # sent. Wait for it to log the end of that connection.
            served = lambda: len(re.findall(r"(Reached end of stream|Closing connection) from",
                                            demo.output["server"])) >= run_number
            demo.pump(served, SERVED_SECONDS)

        demo.say(f"stopping the server: SIGTERM to pid {server.pid}, as Ctrl-C would")
        server.send_signal(signal.SIGTERM)
        if not demo.pump(lambda: demo.drained(server), STOP_SECONDS):
            failures.append(f"the server ignored SIGTERM for {STOP_SECONDS} s")
        demo.stop_all()
        demo.say(f"the server exited with status {server.returncode}")
        if server.returncode != 0:
            failures.append(f"the server exited with {server.returncode}")
    finally:
        demo.stop_all()  # a no-op unless something went wrong above
        demo.pump(lambda: not demo.selector.get_map(), 2)  # their last words
    for failure in failures:
        demo.say(f"FAILED: {failure}")
    if not failures:
        demo.say("done; nothing is left running")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-wrap", default="")
    parser.add_argument("--client-wrap", default="")
    parser.add_argument("--host", action="append")
    options = parser.parse_args()
    options.host = options.host or ["localhost"]
    # SIGTERM and SIGHUP (a closed terminal) end the demo as Ctrl-C does:
    # through the finally block that stops the programs.
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    try:
        return run(options)
    except KeyboardInterrupt:
        print("demo   | interrupted; the programs are stopped", flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())
