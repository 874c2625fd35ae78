"""Adds up the test results of one build: python3 tests/summary.py RESULTS_DIR

Reads, from RESULTS_DIR:
  unit.txt   the doctest console output; its summary line is
             "[doctest] test cases: T | P passed | F failed | S skipped"
  *.json     one file per other test runner (integration.json, ...), each
             {"passed": P, "failed": F, "skipped": S}; JSON files without
             "passed" and "failed" are not test results and are left out

Prints one line per source, then exactly one line "tests: P passed, F failed"
with the sums. Exits 1 if anything failed, if a source cannot be read (a
crashed run counts as one failure), or if no test ran at all.
"""

import json
import re
import sys
from pathlib import Path

# doctest colours its output on a terminal; the counts are read without the colours.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
DOCTEST_SUMMARY = re.compile(
    r"\[doctest\] test cases:\s*\d+\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")


def unit_counts(path):
    """(passed, failed) from doctest's output, or None without a summary line."""
    text = ANSI_ESCAPE.sub("", path.read_text(errors="replace"))
    found = DOCTEST_SUMMARY.search(text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def json_counts(path):
    """(passed, failed) from a runner's JSON file; None if it cannot be read;
    "not counts" for JSON that holds something else (benchmark numbers, say)."""
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return None
    if not isinstance(data, dict) or "passed" not in data or "failed" not in data:
        return "not counts"
    try:
        return int(data["passed"]), int(data["failed"])
    except (TypeError, ValueError):
        return None


def main(argv):
    if len(argv) != 2:
        print("usage: python3 tests/summary.py RESULTS_DIR", file=sys.stderr)
        return 2
    results = Path(argv[1])
    sources = []
    if (results / "unit.txt").is_file():
        sources.append(("unit", unit_counts(results / "unit.txt")))
    for path in sorted(results.glob("*.json")):
        found = json_counts(path)
        if found != "not counts":
            sources.append((path.stem, found))

    passed = failed = 0
    for name, found in sources:
        if found is None:
            print(f"{name}: no result found (did the run crash?) - counted as 1 failure")
            failed += 1
            continue
        print(f"{name}: {found[0]} passed, {found[1]} failed")
        passed += found[0]
        failed += found[1]
    print(f"tests: {passed} passed, {failed} failed")
    return 1 if failed > 0 or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
