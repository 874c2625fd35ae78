#!/usr/bin/env python3
"""make bench: the C++ programs and the Go peer, measured side by side.

Builds nothing: bench/bench.mk builds the optimised binaries first and passes
where they are through the environment:

  BIN_DIR   directory with codec_bench, load_generator and server
  GO_PEER   the Go peer (tests/go_peer/go_peer)
  BENCH_SVG where to write the throughput plot (default docs/throughput.svg)

Four measurements, each printed as "name value" lines that
docs/performance.md explains:

  1. codec      codec_bench and `go_peer bench`: encode_ns, decode_ns and
                Go's, and the ratios Go time / C++ time;
  2. throughput load_generator against `server --quiet` and
                `go_peer serve -quiet`, alternating, over 1 to 1000
                connections (STRING), and GOB messages at 50 connections;
  3. memory     each server's resident size (VmRSS) holding 1000 idle
                connections;
  4. logging    the C++ server with its per-command log lines against
                --quiet, at 50 connections;
  5. designs    ./server under both models (--model threads, epoll),
                Go's server and two minimal C servers, one of
                each design (bench/ceilings: a thread per connection, and
                one epoll loop per core), from 1 to 10,000 connections:
                round trips per second, server CPU time per round trip,
                threads, and resident size with 10,000 idle connections.

Everything runs on the loopback interface, against servers on ephemeral
ports (port 0, read back from their "Listen on" line), which are stopped by
pid however the script ends. Python standard library only.
"""

import contextlib
import glob
import math
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BIN_DIR = os.environ.get("BIN_DIR", "build/release/bin")
GO_PEER = os.environ.get("GO_PEER", "tests/go_peer/go_peer")
SVG_PATH = os.environ.get("BENCH_SVG", "docs/throughput.svg")
DESIGNS_SVG_PATH = os.environ.get("BENCH_DESIGNS_SVG", "docs/designs.svg")

HOST = "127.0.0.1"
CONNECTION_COUNTS = [1, 10, 50, 100, 1000]
REPETITIONS = 5  # per server and connection count; the median is kept
IDLE_CONNECTIONS = 1000
LOAD_MAX_SECONDS = 30  # one load_generator run never takes longer
GOB_BATCH = 10
DESIGN_CONNECTION_COUNTS = [1, 10, 50, 100, 1000, 10000]
DESIGN_REPETITIONS = 3
DESIGN_IDLE_CONNECTIONS = 10000

# The targets of the performance issue, checked (never asserted) at the end.
TARGET_CODEC_RATIO = 10.0  # Go time / C++ time, encode and decode
TARGET_STRING_RATIO = 1.25  # C++ round trips / Go round trips at 50 connections
TARGET_RSS_RATIO = 2.0  # C++ RSS / Go RSS with 1000 idle connections, at most


def requests_per_connection(connections):
    """Round trips per connection so that one run lasts about a second here.

    A single connection waits for every reply, so it gets through far fewer
    round trips per second than many do; it gets a smaller total.
    """
    total = 20_000 if connections == 1 else 150_000
    return max(20, total // connections)


def emit(name, value):
    """One result line, "name value", as docs/performance.md lists them."""
    if isinstance(value, float):
        print(f"{name} {value:.2f}", flush=True)
    else:
        print(f"{name} {value}", flush=True)


def parse_results(text):
    """ "name value" lines -> {name: float}."""
    results = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                results[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return results


def run_and_parse(argv, timeout):
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0 and not completed.stdout:
        raise RuntimeError(f"{' '.join(argv)} failed ({completed.returncode}): {completed.stderr}")
    return parse_results(completed.stdout), completed.stderr


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


# ---------------------------------------------------------------- servers --


class Server:
    """A server process whose stderr goes to a file in `log_dir`.

    The file, not /dev/null, because the port chosen by the kernel is read
    from the "Listen on [::]:PORT" line. It is opened for appending, so that
    truncate_log() can empty it between runs of the verbose server.
    """

    LISTEN_LINE = re.compile(rb"Listen on \S*:(\d+)")

    def __init__(self, name, argv, log_dir):
        self.name = name
        self.log_path = os.path.join(log_dir, name + ".log")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
            )
        self.port = self._wait_for_port(timeout=10.0)

    def _wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as log:
                found = self.LISTEN_LINE.search(log.read(4096))
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{self.name} did not report its port; log:\n{self.log_tail()}")

    def pid(self):
        return self.process.pid

    def rss_kb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for {self.name}")

    def cpu_seconds(self):
        """User and system time the server has used so far (/proc/PID/stat)."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def threads(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        return 0

    def sleeps(self):
        """How often its threads have gone to sleep so far, waiting (the
        voluntary context switches of /proc/PID/task/*/status): each one
        costs a wake-up later. A thread that has ended is no longer
        counted, so a caller samples while the threads live."""
        total = 0
        for status_path in glob.glob(f"/proc/{self.process.pid}/task/*/status"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError), \
                    open(status_path) as status:  # fmt: skip
                for line in status:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        return total

    def alive(self):
        return self.process.poll() is None

    def truncate_log(self):
        os.truncate(self.log_path, 0)

    def log_tail(self):
        with open(self.log_path, "rb") as log:
            return log.read()[-2000:].decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.log_path)


def start_cpp(stack, log_dir, name="cpp", quiet=True, extra=()):
    argv = [os.path.join(BIN_DIR, "server"), "--port", "0"] + (["--quiet"] if quiet else [])
    argv += list(extra)
    server = Server(name, argv, log_dir)
    stack.callback(server.stop)
    return server


def start_go(stack, log_dir, name="go"):
    server = Server(name, [GO_PEER, "serve", "-quiet", "-port", "0"], log_dir)
    stack.callback(server.stop)
    return server


def start_ceiling(stack, log_dir, design):
    """bench/ceilings/DESIGN_ceiling.c: the least a server of that design does."""
    name = f"{design}_ceiling"
    server = Server(name, [os.path.join(BIN_DIR, name), "--port", "0"], log_dir)
    stack.callback(server.stop)
    return server


# ------------------------------------------------------------------ codec --


def bench_codec():
    """Returns {"encode_ratio": ..., "decode_ratio": ...} after printing all."""
    cpp, _ = run_and_parse([os.path.join(BIN_DIR, "codec_bench")], timeout=120)
    go, _ = run_and_parse([GO_PEER, "bench"], timeout=120)
    for name in ("encode_ns", "decode_ns", "type_ids_ordinary_ns", "type_ids_colliding_ns"):
        emit(name, int(cpp[name]))
    for name in ("go_encode_ns", "go_decode_ns"):
        emit(name, int(go[name]))
    results = {
        "encode_ratio": ratio(go["go_encode_ns"], cpp["encode_ns"]),
        "decode_ratio": ratio(go["go_decode_ns"], cpp["decode_ns"]),
        # ~1: the TypeTable costs the same whichever ids a peer picks.
        "type_ids_colliding_over_ordinary": ratio(cpp["type_ids_colliding_ns"],
                                                  cpp["type_ids_ordinary_ns"]),
    }
    for name, value in results.items():
        emit(name, value)
    return results


# ------------------------------------------------------------- throughput --


class LoadRuns:
    """Runs load_generator and remembers whether any run had failures."""

    def __init__(self):
        self.failed_runs = []

    def run(self, server, connections, requests, mode="string"):
        argv = [
            os.path.join(BIN_DIR, "load_generator"),
            "--host", HOST,
            "--port", str(server.port),
            "--connections", str(connections),
            "--requests", str(requests),
            "--mode", mode,
            "--gob-batch", str(GOB_BATCH),
            "--max-seconds", str(LOAD_MAX_SECONDS),
        ]  # fmt: skip
        results, errors = run_and_parse(argv, timeout=LOAD_MAX_SECONDS + 30)
        if results.get("failures", 1) != 0 or not server.alive():
            self.failed_runs.append(f"{server.name} {mode} C={connections}: {errors.strip()}")
        return results["round_trips_per_sec"]

    def measured(self, server, connections, requests):
        """One STRING run, watched: (round trips per second, the server's CPU
        microseconds per round trip, the most threads it had meanwhile, the
        times its threads slept per round trip). The CPU time includes
        accepting the connections and their first, untimed round trip,
        which is part of what a design costs."""
        argv = [
            os.path.join(BIN_DIR, "load_generator"), "--host", HOST, "--port", str(server.port),
            "--connections", str(connections), "--requests", str(requests), "--mode", "string",
            "--max-seconds", str(LOAD_MAX_SECONDS),
        ]  # fmt: skip
        cpu_before = server.cpu_seconds()
        threads = server.threads()
        sleeps_before = sleeps = server.sleeps()
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as load:  # fmt: skip
            while load.poll() is None:
                threads = max(threads, server.threads())
                sleeps = max(sleeps, server.sleeps())
                time.sleep(0.02)
            output, errors = load.communicate()
        cpu = server.cpu_seconds() - cpu_before
        results = parse_results(output)
        if results.get("failures", 1) != 0 or not server.alive():
            self.failed_runs.append(f"{server.name} designs C={connections}: {errors.strip()}")
        completed = results.get("completed", 0) + connections  # the untimed round trips too
        return (results.get("round_trips_per_sec", 0.0), cpu * 1e6 / completed, threads,
                (sleeps - sleeps_before) / completed)  # fmt: skip

    def alternate(self, servers, connections, requests, mode="string"):
        """The rates of REPETITIONS runs per server, by server name. The
        servers take turns, and who goes first alternates too, so that a
        disturbance on the machine (another process, CPU frequency) falls
        on both."""
        rates = {server.name: [] for server in servers}
        for repetition in range(REPETITIONS):
            order = servers if repetition % 2 == 0 else list(reversed(servers))
            for server in order:
                rates[server.name].append(self.run(server, connections, requests, mode))
        return rates


def spread(rates):
    """ "lowest-highest" in thousands: how far the runs were apart."""
    return f"{min(rates) / 1000:.0f}k-{max(rates) / 1000:.0f}k"


def bench_throughput(loads, cpp, go):
    """STRING sweep, then GOB at 50. Returns the sweep and the headline ratios."""
    # A short untimed run each first: Go's heap and the C++ allocator's
    # arenas grow to their working size here, not in the first timed run.
    for server in (cpp, go):
        loads.run(server, 50, 200)

    # (connections, C++ median, Go median, C++ runs, Go runs)
    sweep = []
    for connections in CONNECTION_COUNTS:
        rates = loads.alternate([cpp, go], connections, requests_per_connection(connections))
        cpp_runs, go_runs = rates["cpp"], rates["go"]
        sweep.append(
            (connections, statistics.median(cpp_runs), statistics.median(go_runs), cpp_runs, go_runs)
        )
        print(f"  swept {connections} connection(s)", file=sys.stderr, flush=True)

    print("connections  cpp_median  cpp_runs    go_median  go_runs     cpp/go")
    for connections, cpp_rate, go_rate, cpp_runs, go_runs in sweep:
        print(
            f"{connections:>11}  {cpp_rate:>10.0f}  {spread(cpp_runs):<10}  {go_rate:>9.0f}  "
            f"{spread(go_runs):<10}  {ratio(cpp_rate, go_rate):6.2f}"
        )
    at_50 = next(row for row in sweep if row[0] == 50)
    emit("string_rps_50_cpp", int(at_50[1]))
    emit("string_rps_50_go", int(at_50[2]))
    string_ratio = ratio(at_50[1], at_50[2])
    emit("string_ratio_50", string_ratio)

    gob = {name: statistics.median(runs) for name, runs in
           loads.alternate([cpp, go], 50, 2000, mode="gob").items()}  # fmt: skip
    emit("gob_msgs_per_sec_50_cpp", int(gob["cpp"]))
    emit("gob_msgs_per_sec_50_go", int(gob["go"]))
    emit("gob_ratio_50", ratio(gob["cpp"], gob["go"]))
    return sweep, string_ratio


# ----------------------------------------------------------------- memory --


def open_idle_connections(server, count):
    """Opens `count` connections and does one STRING round trip on each, so
    the server has surely accepted and served every one; then they idle."""
    connections = []
    try:
        for _ in range(count):
            connection = socket.create_connection((HOST, server.port), timeout=10)
            connections.append(connection)
            connection.sendall(b"STRING\nAdditional data.\n")
            reply = b""
            while not reply.endswith(b"\n"):
                piece = connection.recv(64)
                if not piece:
                    raise RuntimeError(f"{server.name} closed an idle connection")
                reply += piece
            if reply != b"Thank you.\n":
                raise RuntimeError(f"{server.name} replied {reply!r}")
    except BaseException:
        for connection in connections:
            connection.close()
        raise
    return connections


def settled_rss_kb(server, timeout=5.0):
    """VmRSS once two readings 200 ms apart agree (threads and goroutines
    still starting would otherwise be caught half-way), or after `timeout`."""
    deadline = time.monotonic() + timeout
    previous = server.rss_kb()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        current = server.rss_kb()
        if current == previous:
            break
        previous = current
    return previous


def bench_memory(log_dir):
    """Fresh servers, so that the load runs' peaks are not counted."""
    rss = {}
    for name, start in (("cpp", start_cpp), ("go", start_go)):
        with contextlib.ExitStack() as stack:
            server = start(stack, log_dir)
            before = settled_rss_kb(server)
            connections = open_idle_connections(server, IDLE_CONNECTIONS)
            stack.callback(lambda c=connections: [each.close() for each in c])
            rss[name] = settled_rss_kb(server)
            if not server.alive():
                raise RuntimeError(f"{name} server died holding idle connections")
            emit(f"rss_0_{name}_kb", before)
    emit("rss_1000_idle_cpp_kb", rss["cpp"])
    emit("rss_1000_idle_go_kb", rss["go"])
    rss_ratio = ratio(rss["cpp"], rss["go"])
    emit("rss_ratio_1000_idle", rss_ratio)
    return rss_ratio


# ---------------------------------------------------------------- logging --


def bench_logging(loads, log_dir, quiet_server):
    """The C++ server logging every command (two lines per STRING) against
    --quiet. The log goes to a file, emptied after every run."""
    with contextlib.ExitStack() as stack:
        verbose = start_cpp(stack, log_dir, name="cpp_verbose", quiet=False)
        requests = requests_per_connection(50)
        rates = {"cpp": [], "cpp_verbose": []}
        for repetition in range(REPETITIONS):
            order = [quiet_server, verbose] if repetition % 2 == 0 else [verbose, quiet_server]
            for server in order:
                rates[server.name].append(loads.run(server, 50, requests))
                verbose.truncate_log()
        quiet_rate = statistics.median(rates["cpp"])
        verbose_rate = statistics.median(rates["cpp_verbose"])
    emit("string_rps_50_cpp_quiet", int(quiet_rate))
    emit("string_rps_50_cpp_verbose", int(verbose_rate))
    print(f"  runs: quiet {spread(rates['cpp'])}, verbose {spread(rates['cpp_verbose'])}")
    emit("verbose_over_quiet_50", ratio(verbose_rate, quiet_rate))


# ---------------------------------------------------------------- designs --

# The servers of the designs section: (name, label, colour) for the plot.
DESIGNS = [
    ("cpp", "./server (threads)", "#1f77b4"),
    ("cpp_epoll", "./server --model epoll", "#9467bd"),
    ("go", "Go peer", "#d62728"),
    ("threads_ceiling", "C: thread per conn.", "#7f7f7f"),
    ("epoll_ceiling", "C: epoll per core", "#2ca02c"),
]


def start_design_server(stack, log_dir, name, connections):
    """One server of DESIGNS, able to hold `connections` at once."""
    if name in ("cpp", "cpp_epoll"):
        model = "epoll" if name == "cpp_epoll" else "threads"
        return start_cpp(stack, log_dir, name=f"{name}_{connections}",
                         extra=["--max-connections", str(connections), "--model", model])  # fmt: skip
    if name == "go":
        return start_go(stack, log_dir, name=f"go_{connections}")
    return start_ceiling(stack, log_dir, name.removesuffix("_ceiling"))


def bench_designs(loads, log_dir):
    """The same STRING load on each design. Returns {name: {count: (rate
    median, [rates], cpu median, threads, sleeps median)}} after printing
    four tables."""
    results = {name: {} for name, _, _ in DESIGNS}
    with contextlib.ExitStack() as stack:
        most = max(DESIGN_CONNECTION_COUNTS)
        servers = {name: start_design_server(stack, log_dir, name, most) for name, _, _ in DESIGNS}
        for server in servers.values():
            loads.run(server, 50, 200)  # warm-up, as for the throughput sweep
        for connections in DESIGN_CONNECTION_COUNTS:
            runs = {name: [] for name in servers}
            for repetition in range(DESIGN_REPETITIONS):
                order = list(servers) if repetition % 2 == 0 else list(reversed(servers))
                for name in order:
                    runs[name].append(loads.measured(servers[name], connections,
                                                     requests_per_connection(connections)))
            for name, measured in runs.items():
                rates = [run[0] for run in measured]
                results[name][connections] = (
                    statistics.median(rates), rates,
                    statistics.median(run[1] for run in measured),
                    max(run[2] for run in measured),
                    statistics.median(run[3] for run in measured),
                )  # fmt: skip
            print(f"  designs: {connections} connection(s)", file=sys.stderr, flush=True)
    names = [name for name, _, _ in DESIGNS]
    for title, column, form in (("round trips per second", 0, "{:>16.0f}"),
                                ("server CPU microseconds per round trip", 2, "{:>16.1f}"),
                                ("threads (the most seen during a run)", 3, "{:>16d}"),
                                ("sleeps of a server thread per round trip (wake-ups)", 4,
                                 "{:>16.2f}")):  # fmt: skip
        print(f"{title}, median of {DESIGN_REPETITIONS} alternating runs")
        print("connections" + "".join(f"{name:>16}" for name in names))
        for connections in DESIGN_CONNECTION_COUNTS:
            cells = "".join(form.format(results[name][connections][column]) for name in names)
            print(f"{connections:>11}{cells}")
    for name in names:
        for connections in DESIGN_CONNECTION_COUNTS:
            rate, _, cpu, threads, sleeps = results[name][connections]
            emit(f"design_rps_{connections}_{name}", int(rate))
            emit(f"design_cpu_us_{connections}_{name}", cpu)
            emit(f"design_threads_{connections}_{name}", threads)
            emit(f"design_sleeps_{connections}_{name}", sleeps)
    return results


def bench_design_memory(log_dir):
    """VmRSS of each design's server holding 10,000 idle connections;
    returns them by name."""
    rss = {}
    for name, _, _ in DESIGNS:
        with contextlib.ExitStack() as stack:
            server = start_design_server(stack, log_dir, name, DESIGN_IDLE_CONNECTIONS)
            connections = open_idle_connections(server, DESIGN_IDLE_CONNECTIONS)
            stack.callback(lambda c=connections: [each.close() for each in c])
            rss[name] = settled_rss_kb(server)
            emit(f"rss_{DESIGN_IDLE_CONNECTIONS}_idle_{name}_kb", rss[name])
            emit(f"threads_{DESIGN_IDLE_CONNECTIONS}_idle_{name}", server.threads())
    return rss


def report_design_targets(designs, rss):
    """The targets of the event-loop issue, as ratios from this run."""
    top = max(DESIGN_CONNECTION_COUNTS)
    at = 1000 if 1000 in DESIGN_CONNECTION_COUNTS else top
    epoll, go, ceiling = designs["cpp_epoll"], designs["go"], designs["epoll_ceiling"]
    report_target(f"epoll_over_go_rps_{at}", ratio(epoll[at][0], go[at][0]), 1.15)
    report_target("epoll_cpu_over_go_50", ratio(epoll[50][2], go[50][2]), 1.0, at_least=False)
    report_target(f"epoll_over_ceiling_rps_{at}", ratio(epoll[at][0], ceiling[at][0]), 0.9)
    report_target(f"epoll_rss_over_go_{DESIGN_IDLE_CONNECTIONS}_idle",
                  ratio(rss["cpp_epoll"], rss["go"]), 1.0, at_least=False)  # fmt: skip


# ------------------------------------------------------------------- plot --


def write_svg(path, title, counts, series):
    """Round trips per second against connections (log scale), one line per
    server: `series` is [(label, colour, medians, runs)], a median and a
    list of runs per count. Plain SVG written by hand: no plotting library
    needed."""
    width, height = 680, 400
    left, right, top, bottom = 70, 210, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(max(runs) for runs in each[3]) for each in series)
    step = 10 ** (len(str(int(peak))) - 1)  # gridline spacing: a power of ten,
    while peak / step < 4:  # refined until there are 4 to 10 lines
        step /= 2
    y_max = step * (int(peak / step) + 1)
    lo, hi = math.log10(min(counts)), math.log10(max(counts))

    def x(connections):
        return left + plot_w * (math.log10(connections) - lo) / (hi - lo)

    def y(rate):
        return top + plot_h * (1 - rate / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left + plot_w / 2}" y="22" text-anchor="middle" font-size="14">'
        f"{title}</text>",
    ]
    value = 0.0
    while value <= y_max + 1e-9:
        out.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" '
            'stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{value / 1000:g}k</text>'
        )
        value += step
    for connections in counts:
        out.append(
            f'<line x1="{x(connections):.1f}" y1="{top}" x2="{x(connections):.1f}" '
            f'y2="{top + plot_h}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{x(connections):.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
            f"{connections}</text>"
        )
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 15}" text-anchor="middle">'
        "concurrent connections (log scale)</text>"
    )
    out.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>'
    )
    # Each series: the line through the medians, and every single run as a
    # faint dot, so the spread between runs shows.
    for number, (label, colour, medians, runs) in enumerate(series):
        for connections, rates in zip(counts, runs):
            for rate in rates:
                out.append(
                    f'<circle cx="{x(connections):.1f}" cy="{y(rate):.1f}" r="2" fill="{colour}" '
                    'fill-opacity="0.3"/>'
                )
        points = " ".join(f"{x(c):.1f},{y(m):.1f}" for c, m in zip(counts, medians))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for connections, median in zip(counts, medians):
            out.append(
                f'<circle cx="{x(connections):.1f}" cy="{y(median):.1f}" r="3.5" fill="{colour}"/>'
            )
        legend_y = top + 20 + 22 * number
        out.append(
            f'<line x1="{left + plot_w + 12}" y1="{legend_y}" x2="{left + plot_w + 36}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{left + plot_w + 40}" y="{legend_y + 4}">{label}</text>')
    out.append(
        f'<text x="{left + plot_w + 12}" y="{top + 20 + 22 * len(series)}" fill="#555">'
        "dots: single runs</text>"
    )
    out.append("</svg>")
    with open(path, "w") as svg:
        svg.write("\n".join(out) + "\n")


# ------------------------------------------------------------------- main --


def raise_open_file_limit():
    """N connections need N descriptors in this process (the idle
    connections of the memory tests), in load_generator and in each server,
    which inherit the raised limit. 1000 are needed; the designs section
    goes up to 10,000 where the hard limit allows, and says where not."""
    global DESIGN_CONNECTION_COUNTS, DESIGN_IDLE_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = DESIGN_IDLE_CONNECTIONS + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    have = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if have < IDLE_CONNECTIONS * 2 + 256:
        sys.exit(f"run_bench: need {IDLE_CONNECTIONS * 2 + 256} open files, the hard limit "
                 f"is {hard}")
    if have < wanted:
        DESIGN_CONNECTION_COUNTS = [c for c in DESIGN_CONNECTION_COUNTS if c + 256 <= have]
        DESIGN_IDLE_CONNECTIONS = max(DESIGN_CONNECTION_COUNTS)
        print(f"# the hard limit of {hard} open files keeps the designs section to "
              f"{DESIGN_IDLE_CONNECTIONS} connections (ulimit -Hn raises it)", flush=True)


class MachineLoad:
    """How busy the machine was with work that is not this benchmark's.

    The figures are only as good as the machine is quiet. /proc/stat counts
    the CPU time of every process on the machine; getrusage counts this
    script's and its children's (all of them waited for by the end). The
    difference, per second of wall time, is the number of cores that other
    programs kept busy. Interrupt time is left out of both: the loopback
    traffic's own interrupt work is not charged to any process.
    """

    def __init__(self):
        self.start_wall = time.monotonic()
        self.start_busy = self._machine_busy_seconds()
        self.start_own = self._own_seconds()

    @staticmethod
    def _machine_busy_seconds():
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        user, nice, system = (int(value) for value in fields[1:4])
        return (user + nice + system) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own_seconds():
        own = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            own += usage.ru_utime + usage.ru_stime
        return own

    def other_cores(self):
        wall = time.monotonic() - self.start_wall
        busy = self._machine_busy_seconds() - self.start_busy
        own = self._own_seconds() - self.start_own
        return max(0.0, busy - own) / wall


def report_target(name, value, target, at_least=True):
    met = value >= target if at_least else value <= target
    sign = ">=" if at_least else "<="
    print(f"target {name} {sign} {target:g}: {'met' if met else 'MISSED'} ({value:.2f})")


def main():
    raise_open_file_limit()
    started = time.monotonic()
    machine = MachineLoad()
    loads = LoadRuns()
    with tempfile.TemporaryDirectory(prefix="bench-") as log_dir:
        print("# codec: nanoseconds per message, median of runs", flush=True)
        codec = bench_codec()

        print("# memory: resident size with 1000 idle connections", flush=True)
        rss_ratio = bench_memory(log_dir)

        with contextlib.ExitStack() as stack:
            cpp = start_cpp(stack, log_dir)
            go = start_go(stack, log_dir)
            print("# throughput: round trips per second, median of "
                  f"{REPETITIONS} alternating runs", flush=True)  # fmt: skip
            sweep, string_ratio = bench_throughput(loads, cpp, go)
            print("# logging: C++ server, per-command log lines on vs --quiet", flush=True)
            bench_logging(loads, log_dir, cpp)

        print("# designs: the same STRING load on a thread per connection and on "
              "event loops", flush=True)  # fmt: skip
        designs = bench_designs(loads, log_dir)
        print(f"# designs: resident size with {DESIGN_IDLE_CONNECTIONS} idle connections",
              flush=True)  # fmt: skip
        design_rss = bench_design_memory(log_dir)

    counts = [row[0] for row in sweep]
    write_svg(SVG_PATH, "STRING round trips per second (make bench)", counts, [
        ("C++ server --quiet", "#1f77b4", [row[1] for row in sweep], [row[3] for row in sweep]),
        ("Go peer -quiet", "#d62728", [row[2] for row in sweep], [row[4] for row in sweep]),
    ])  # fmt: skip
    print(f"# plot written to {SVG_PATH}")
    write_svg(DESIGNS_SVG_PATH, "STRING round trips per second, by design (make bench)",
              DESIGN_CONNECTION_COUNTS, [
                  (label, colour, [designs[name][c][0] for c in DESIGN_CONNECTION_COUNTS],
                   [designs[name][c][1] for c in DESIGN_CONNECTION_COUNTS])
                  for name, label, colour in DESIGNS])  # fmt: skip
    print(f"# plot written to {DESIGNS_SVG_PATH}")
    print("# targets (issue 5)")
    report_target("encode_ratio", codec["encode_ratio"], TARGET_CODEC_RATIO)
    report_target("decode_ratio", codec["decode_ratio"], TARGET_CODEC_RATIO)
    report_target("string_ratio_50", string_ratio, TARGET_STRING_RATIO)
    report_target("rss_ratio_1000_idle", rss_ratio, TARGET_RSS_RATIO, at_least=False)
    print("# targets (issue 13: --model epoll)")
    report_design_targets(designs, design_rss)
    print(f"# took {time.monotonic() - started:.0f} s on {os.cpu_count()} cores")
    emit("other_programs_cores", machine.other_cores())
    if loads.failed_runs:
        print("run_bench: runs with failures (their figures are not to be trusted):")
        for failure in loads.failed_runs:
            print("  " + failure)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
