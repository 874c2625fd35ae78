"""The README shows what the programs print; this keeps it true.

The two listings under "What you will see" must match, line for line, what
./client localhost and ./server print now. Only what changes from run to
run is hidden first: ports, the client's source port and pointer values.
"""

import re
import unittest

import harness

README = harness.REPO_ROOT / "README.md"


def hide_what_varies(text):
    text = harness.normalise(text)
    text = re.sub(r"\]:\d+", "]:PORT", text)          # [::]:61000, [::1]:42658
    # localhost is ::1 or 127.0.0.1, whichever the machine's resolver gives
    # first (README says so); the server writes the latter [::ffff:127.0.0.1].
    text = text.replace("[::ffff:127.0.0.1]", "[::1]")
    text = re.sub(r"port \d+", "port PORT", text)     # Dial localhost port 61000
    return [line.rstrip() for line in text.splitlines()]


def readme_listings():
    """The client's and the server's listing: the two code blocks after
    "What you will see"."""
    text = README.read_text()
    after = text[text.index("What you will see"):]
    blocks = re.findall(r"^```\n(.*?)^```", after, re.MULTILINE | re.DOTALL)
    return blocks[0], blocks[1]


class ReadmeListings(unittest.TestCase):
    def test_tutorials_exact_output_is_what_the_readme_lists(self):
        client_listing, server_listing = readme_listings()
        with harness.start_server() as server:
            result = harness.run_client("localhost", server.port)
            self.assertEqual(result.code, 0, result.stderr)
            server.wait_for_log("close this connection")
        self.assertEqual(hide_what_varies(client_listing), hide_what_varies(result.stderr))
        # The server log goes on past the listing (its stop lines), so the
        # listing must be exactly its first lines.
        server_lines = hide_what_varies(server.log())
        expected = hide_what_varies(server_listing)
        self.assertEqual(expected, server_lines[:len(expected)])


if __name__ == "__main__":
    unittest.main()
