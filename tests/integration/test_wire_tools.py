"""make capture and make trace (tools/wire/), run for real on loopback.

  Capture   as root: the tutorial's exchange is recorded and tshark's
            dissection shows the commands, the reply, both definitions and
            both values; as another user it says that it needs root
  Trace     both programs' socket calls in order, each with its note, its
            Go counterpart and a file:line of our code that exists; the
            counts add up
  Plugin    make wireshark-plugin installs a dissector that Wireshark loads
            by itself, and that -X lua_script may load a second time

Capturing needs root (CI runs as root) and dumpcap or tcpdump; tracing
needs strace and ptrace. Each test skips, saying why, without them.
"""

import os
import re
import shutil
import subprocess
import sys
import unittest

import harness
import wire_harness as wire

TOOLS = harness.REPO_ROOT / "tools" / "wire"
PROGRAMS = ["--server", harness.SERVER, "--client", harness.CLIENT]
NOBODY = 65534

can_capture = shutil.which("dumpcap") or shutil.which("tcpdump")
is_root = os.geteuid() == 0


def free_port():
    with harness.socket.socket(harness.socket.AF_INET6, harness.socket.SOCK_STREAM) as probe:
        probe.bind(("::", 0))
        return probe.getsockname()[1]


# Another user cannot always run this Python (pyenv's, under /root): the
# system's then.
SYSTEM_PYTHON = "/usr/bin/python3"


def others_can_reach(path):
    """Whether a user who is neither owner nor group can read `path`: every
    directory above it searchable, the file readable (a scratch copy of the
    tree made with mktemp -d is not)."""
    path = path.resolve()
    if not os.stat(path).st_mode & 0o004:
        return False
    return all(os.stat(parent).st_mode & 0o001 for parent in path.parents)


def run_tool(name, *args, preexec_fn=None, timeout=120, python=sys.executable):
    argv = [python, TOOLS / name, *args]
    try:
        done = subprocess.run([str(part) for part in argv], capture_output=True, text=True,
                              timeout=timeout, preexec_fn=preexec_fn, cwd="/")
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{name} still running after {timeout} s") from None
    return done


@wire.needs_tshark
@unittest.skipUnless(can_capture, f"neither dumpcap nor tcpdump is installed: {wire.INSTALL}")
class Capture(unittest.TestCase):
    @unittest.skipUnless(is_root, "capturing on lo needs root")
    def test_make_capture_prints_the_dissected_exchange(self):
        out = wire.scratch_directory(self) / "exchange.pcapng"
        done = run_tool("capture.py", "--out", out, "--port", free_port(), *PROGRAMS)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        text = done.stdout
        for expected in (
                "[SYN]", "command STRING", "STRING data: Additional data.", "reply Thank you.",
                "command GOB",
                "StructT complexData {N int; S string; M type 66; P []byte; C complexData}",
                "[0] N: type id 2 (int)", "[1] S: type id 6 (string)",
                "[2] M: type id 66", "[3] P: type id 5 ([]byte)",
                "[4] C: type id 65 (complexData, this type)",
                "MapT map[string]int: key string, element int",
                "N (int): 23", 'S (string): "string data"', '["three"]: 3',
                'P ([]byte): "abc"', "C (complexData)", "N (int): 256",
                'S (string): "Recursive structs? Piece of cake!"', '["01"]: 1'):
            self.assertIn(expected, text)
        self.assertTrue(out.exists())

    @unittest.skipUnless(is_root, "needs root to become another user")
    @unittest.skipUnless(os.path.exists(SYSTEM_PYTHON), f"no {SYSTEM_PYTHON}")
    @unittest.skipUnless(others_can_reach(TOOLS / "capture.py"),
                         "another user cannot read this tree (a private scratch copy)")
    def test_without_root_it_says_so(self):
        out = f"/tmp/capture-as-nobody-{os.getpid()}.pcapng"
        self.addCleanup(lambda: os.path.exists(out) and os.unlink(out))
        done = run_tool("capture.py", "--out", out, "--port", free_port(), *PROGRAMS,
                        preexec_fn=lambda: (os.setgid(NOBODY), os.setuid(NOBODY)),
                        python=SYSTEM_PYTHON)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("needs root", done.stdout)


def make_environment():
    """The environment for a make run from a test that make runs: without
    the outer make's job server, whose pipe Python does not pass on."""
    env = dict(os.environ)
    words = env.get("MAKEFLAGS", "").split(" ")
    env["MAKEFLAGS"] = " ".join(word for word in words if not (
        word.startswith("--jobserver") or word.startswith("-j"))).strip()
    env.pop("MAKELEVEL", None)
    return env


@wire.needs_tshark
class Plugin(unittest.TestCase):
    def test_the_plugin_folder_and_lua_script_together(self):
        home = wire.scratch_directory(self)
        env = dict(make_environment(), HOME=str(home))
        done = subprocess.run(["make", "-s", "wireshark-plugin"], cwd=harness.REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(list(home.rglob("tutorial.lua")), done.stdout)
        capture = wire.FIXTURES / "tutorial.pcapng"
        for extra in ([], ["-X", f"lua_script:{wire.TUTORIAL_LUA}"],
                      ["-X", f"lua_script:{wire.GOB_LUA}"]):
            with self.subTest(extra=extra):
                done = subprocess.run(["tshark", *extra, "-r", capture, "-Y", "gob.value_of"],
                                      env=env, capture_output=True, text=True, timeout=60)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertNotIn("Lua", done.stderr)
                self.assertIn("value of struct complexData", done.stdout)


strace_works = False
if shutil.which("strace"):
    probe = subprocess.run(["strace", "-o", "/dev/null", "true"], capture_output=True)
    strace_works = probe.returncode == 0


@unittest.skipUnless(shutil.which("strace"), f"strace is not installed: {wire.INSTALL}")
@unittest.skipUnless(strace_works, "strace may not trace here (no ptrace)")
class Trace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        done = run_tool("syscalls.py", "--host", "127.0.0.1", *PROGRAMS)
        if done.returncode != 0:
            raise AssertionError(f"syscalls.py failed:\n{done.stdout}{done.stderr}")
        cls.text = done.stdout
        parts = re.split(r"^== ", cls.text, flags=re.M)
        cls.server = next(part for part in parts if part.startswith("./server"))
        cls.client = next(part for part in parts if part.startswith("./client"))

    def calls(self, part):
        return re.findall(r"^ *\d+  (\w+)\(", part, flags=re.M)

    def test_the_server_listens_accepts_reads_answers_and_closes_in_that_order(self):
        calls = self.calls(self.server)
        order = ["socket", "setsockopt", "bind", "listen", "accept4", "clone3", "recvfrom",
                 "sendto", "recvfrom", "close"]
        position = 0
        for call in calls:
            if position < len(order) and call == order[position]:
                position += 1
        self.assertEqual(position, len(order), f"expected {order} in order within {calls}")

    def test_the_client_connects_sends_reads_and_closes(self):
        calls = self.calls(self.client)
        self.assertEqual([c for c in calls if c in ("socket", "connect", "sendto", "recvfrom",
                                                    "close")],
                         ["socket", "connect", "sendto", "recvfrom", "sendto", "close"])

    def test_each_call_has_its_note_and_its_go_counterpart(self):
        for part, expected in ((self.server, ("[Go: net.Listen]", "[Go: listener.Accept()]",
                                              "[Go: go e.handleMessages(conn)]",
                                              "[Go: rw.Flush()]", "[Go: io.EOF]")),
                               (self.client, ("[Go: net.Dial]", "[Go: rw.Flush()]",
                                              "[Go: conn.Close()]"))):
            for text in expected:
                self.assertIn(text, part)

    def test_the_places_in_the_code_exist(self):
        places = re.findall(r"^ {7}(?:arrives during )?((?:apps|common)/[\w/]+\.(?:cpp|hpp)):(\d+)",
                            self.text, flags=re.M)
        self.assertGreater(len(places), 20)
        for path, line in set(places):
            source = harness.REPO_ROOT / path
            self.assertTrue(source.exists(), path)
            self.assertLessEqual(int(line), len(source.read_text().splitlines()), f"{path}:{line}")
        self.assertIn("common/socket.cpp", self.text)
        self.assertIn("common/buffered_stream.cpp", self.text)

    def test_the_counts_add_up(self):
        for part in (self.server, self.client):
            counts = dict((name, int(number)) for name, number in
                          re.findall(r"(\w+) (\d+)", part.split("included): ", 1)[1].splitlines()[0]))
            shown = self.calls(part)
            # (getaddrinfo's own calls are counted too, but not listed one by one.)
            for name in ("listen", "accept4", "recvfrom", "getpeername", "clone3"):
                self.assertEqual(counts.get(name, 0), shown.count(name), name)
        total = re.search(r"both programs: (\d+) calls", self.text)
        self.assertIsNotNone(total)


if __name__ == "__main__":
    unittest.main()
