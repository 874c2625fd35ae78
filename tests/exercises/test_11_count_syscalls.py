#!/usr/bin/env python3
"""Exercise 11, count the system calls of one STRING round trip.

Run it with `make exercise N=11`. The answer goes into answers/11.txt, three
lines:

  client N     the client's socket calls from the send of the STRING request
               to the receive of "Thank you." (both included)
  server M     the socket calls of the server's thread for the connection,
               from the receive of the STRING request to the send of
               "Thank you." (both included)
  segments K   the TCP segments that carry bytes, in
               tests/wire/fixtures/tutorial.pcapng, from the one with the
               STRING request to the one with "Thank you." (both included)

"Socket calls" are those `make trace` lists. The test counts them itself
with strace, on the programs as they are now (so a change that adds or
saves a call changes the right answer), and counts the segments in the
capture. It needs strace: make deps DEPS=wire.
"""

import re
import shutil
import sys
import tempfile

import exercise
from exercise import NotDone, check

sys.path.insert(0, str(exercise.REPO_ROOT / "tools" / "wire"))
import pcapng  # noqa: E402
import syscalls  # noqa: E402

ANSWER = exercise.REPO_ROOT / "answers" / "11.txt"
CAPTURE = exercise.REPO_ROOT / "tests" / "wire" / "fixtures" / "tutorial.pcapng"
WORDS = ("client", "server", "segments")


def parse_answer():
    example = "client 9\nserver 9\nsegments 9"
    check(ANSWER.exists(), "no answer yet: write three lines into answers/11.txt, like\n"
          f"{example}\n(with your counts)")
    answer = {}
    for line in ANSWER.read_text().splitlines():
        found = re.fullmatch(r"\s*(\w+)\s+(\d+)\s*", line)
        if found and found.group(1) in WORDS:
            answer[found.group(1)] = int(found.group(2))
    missing = [word for word in WORDS if word not in answer]
    check(not missing, f"answers/11.txt: no line for {', '.join(missing)}; expected three lines "
          f"like\n{example}")
    return answer


def window(calls, first, last):
    """The calls from the first that matches `first` to the next that
    matches `last`, both included; each a (name, text-pattern) pair."""
    start = next((i for i, call in enumerate(calls)
                  if call.name == first[0] and re.search(first[1], call.args)), None)
    if start is None:
        raise exercise.CannotJudge(f"strace shows no {first[0]} of {first[1]!r}")
    stop = next((i for i in range(start, len(calls))
                 if calls[i].name == last[0] and re.search(last[1], calls[i].args)), None)
    if stop is None:
        raise exercise.CannotJudge(f"strace shows no {last[0]} of {last[1]!r}")
    return calls[start:stop + 1]


def traced_counts():
    if shutil.which("strace") is None:
        raise exercise.CannotJudge("strace is not installed: make deps DEPS=wire (as root), or "
                                   "sudo apt-get install strace")
    with tempfile.TemporaryDirectory(prefix="exercise-11-") as directory:
        try:
            syscalls.run_traced_exchange(directory, "127.0.0.1")
        except (RuntimeError, TimeoutError) as problem:
            raise exercise.CannotJudge(f"the traced exchange failed: {problem}") from None
        client = syscalls.read_traces(directory, "client")
        server = syscalls.read_traces(directory, "server")
    client_window = window(client, ("sendto", r'^\d+, "STRING\\n'), ("recvfrom", "Thank you"))
    request = next(call for call in server
                   if call.name == "recvfrom" and re.search(r'^\d+, "STRING\\n', call.args))
    thread = [call for call in server if call.pid == request.pid]
    server_window = window(thread, ("recvfrom", r'^\d+, "STRING\\n'), ("sendto", "Thank you"))
    return {"client": client_window, "server": server_window}


def segment_count():
    segments = pcapng.segments(CAPTURE)
    first = next(i for i, s in enumerate(segments) if s.payload.startswith(b"STRING\n"))
    last = next(i for i, s in enumerate(segments) if i >= first and b"Thank you." in s.payload)
    return last - first + 1


def test():
    answer = parse_answer()
    windows = traced_counts()
    wrong = []
    for side in ("client", "server"):
        calls = windows[side]
        if answer[side] != len(calls):
            wrong.append(f"{side} {answer[side]}: not what strace counts; the window is "
                         f"{calls[0].name}(...) to {calls[-1].name}(...), both included")
    segments = segment_count()
    if answer["segments"] != segments:
        wrong.append(f"segments {answer['segments']}: not what the capture holds; count the "
                     "frames with Len > 0 from the STRING request to the reply "
                     "(tshark -r tests/wire/fixtures/tutorial.pcapng -Y 'tcp.len > 0')")
    if wrong:
        raise NotDone("; ".join(wrong) + ". `make trace` lists the calls in order.")


if __name__ == "__main__":
    exercise.run(11, "count the system calls of one STRING round trip", test)
