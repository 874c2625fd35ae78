"""`make` while ./server runs: the README's `make && ./server` leaves a
server running in one terminal while the student edits and rebuilds in
another. Writing into a running program's file fails on Linux ("Text file
busy"), so the Makefile copies the new build beside it and renames it over
the old one; the running server keeps its old file and goes on serving.

The test runs the Makefile's real `server` rule in a scratch directory,
against a copy of the server binary, so the tree's own ./server and build
stay as they are.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import harness


class RebuildWhileRunningTest(unittest.TestCase):
    def test_make_replaces_a_running_server_which_keeps_serving(self):
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            (scratch / "bin").mkdir()
            shutil.copy2(harness.SERVER, scratch / "server")
            shutil.copy2(harness.SERVER, scratch / "bin" / "server")
            os.utime(scratch / "bin" / "server")  # newer than ./server: make copies it up
            old_inode = (scratch / "server").stat().st_ino

            server = harness.Server([scratch / "server", "--port", "0"], "server", None, None)
            self.addCleanup(server.stop)
            server.wait_for_listen()

            done = subprocess.run(
                ["make", "-f", str(harness.REPO_ROOT / "Makefile"), "SERVER_BIN=bin/server",
                 "server"], cwd=scratch, capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            self.assertNotEqual((scratch / "server").stat().st_ino, old_inode,
                                "make did not put a new ./server in place")
            self.assertFalse((scratch / "server.new").exists())

            result = harness.run_client("127.0.0.1", server.port)
            self.assertEqual(result.code, 0, result.stderr)
            self.assertIn("STRING request: got a response: Thank you.", result.stderr)


if __name__ == "__main__":
    unittest.main()
