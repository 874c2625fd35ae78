"""All of gob, against Go's encoding/gob: every type a student can add to
complexData, both ways.

tests/gob_types/ has the same struct (every basic kind, arrays, slices,
maps, pointers to pointers, time.Time, interfaces holding basic values,
structs and pointers) and the same cases in Go (main.go) and in C++
(gob_types.cpp). For every case:

  bytes     C++ encodes exactly Go's bytes (except "maps", whose maps of
            several entries Go sends in a random order)
  C++ -> Go Go decodes what C++ encoded to the value it decodes from its own
            bytes (reflect.DeepEqual: Go's own decoder is the judge)
  Go -> C++ C++ decodes Go's bytes and prints them as Go's %#v prints what
            Go decodes from them, pointer values aside; and what C++ decoded,
            encoded again, is still the same value to Go (this follows the
            pointers, which %#v does not print)
"""

import os
import unittest
from pathlib import Path

import harness

GO_HALF = Path(os.environ.get("GOB_TYPES_GO", "tests/gob_types/gob_types_go")).resolve()
CPP_HALF = harness.BIN_DIR / "gob_types"

# The cases whose Go bytes are not the same from run to run.
NOT_DETERMINISTIC = {"maps"}


def run(program, mode, case, stdin=b""):
    result = harness.run_program([program, mode, case], stdin=stdin, raw_stdout=True)
    if result.code != 0:
        raise AssertionError(f"{program.name} {mode} {case} exited {result.code}: "
                             f"{result.stderr}{result.stdout.decode(errors='replace')}")
    return result.stdout


class GobTypesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = harness.run_program([GO_HALF, "list"]).stdout.split()
        cpp_cases = harness.run_program([CPP_HALF, "list"]).stdout.split()
        assert cls.cases == cpp_cases, (cls.cases, cpp_cases)

    def test_the_halves_have_the_same_cases(self):
        self.assertIn("interfaces", self.cases)
        self.assertIn("top-pointer", self.cases)

    def test_cpp_encodes_gos_bytes(self):
        for case in self.cases:
            if case in NOT_DETERMINISTIC:
                continue
            with self.subTest(case=case):
                go_bytes = run(GO_HALF, "encode", case)
                cpp_bytes = run(CPP_HALF, "encode", case)
                self.assertEqual(cpp_bytes.hex(), go_bytes.hex())

    def test_go_decodes_what_cpp_encodes(self):
        for case in self.cases:
            with self.subTest(case=case):
                verdict = run(GO_HALF, "check", case, stdin=run(CPP_HALF, "encode", case))
                self.assertEqual(verdict.decode().strip(), "same")

    def test_cpp_prints_gos_bytes_as_go_does(self):
        for case in self.cases:
            with self.subTest(case=case):
                go_bytes = run(GO_HALF, "encode", case)
                go_text = run(GO_HALF, "print", case, stdin=go_bytes).decode()
                cpp_text = run(CPP_HALF, "print", case, stdin=go_bytes).decode()
                self.assertEqual(harness.normalise(cpp_text), harness.normalise(go_text))

    def test_what_cpp_decodes_from_go_is_the_same_value_to_go(self):
        for case in self.cases:
            with self.subTest(case=case):
                again = run(CPP_HALF, "roundtrip", case, stdin=run(GO_HALF, "encode", case))
                verdict = run(GO_HALF, "check", case, stdin=again)
                self.assertEqual(verdict.decode().strip(), "same")


if __name__ == "__main__":
    unittest.main()
