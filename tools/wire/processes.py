"""What capture.py and syscalls.py share: waiting with a deadline, and
stopping a program they started by its pid (SIGTERM, as Ctrl-C would stop
it; SIGKILL only if it hangs)."""

import signal
import socket
import subprocess
import time

STOP_SECONDS = 10  # for a process to exit after SIGTERM


def free_port():
    """A port nothing listens on now, picked by the kernel."""
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.bind(("::", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds, what):
    """Polls `condition` until it holds; TimeoutError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {seconds} s")
        time.sleep(0.02)


def stop(process, seconds=STOP_SECONDS):
    """SIGTERM to `process` (by its pid), SIGKILL if it hangs; returns its status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
