"""Runs the integration tests and records how many passed.

    python3 tests/integration/run.py                    every tests/integration/test_*.py
    python3 tests/integration/run.py test_bad_peers     one module (or module.Class.test)

`make integration` runs it with BIN_DIR, GO_PEER and RESULTS set, once
for each server model (SERVER_MODEL, see harness.py). When RESULTS is set,
the counts go to $RESULTS/integration.json (integration-epoll.json for
SERVER_MODEL=epoll) as {"passed": n, "failed": n, "skipped": n} for
tests/summary.py. The exit
status is 1 if any test failed or raised, or if no test ran.
"""

import json
import os
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_tests(names):
    loader = unittest.TestLoader()
    if names:
        sys.path.insert(0, str(HERE))
        return loader.loadTestsFromNames(names)
    return loader.discover(start_dir=str(HERE), pattern="test_*.py", top_level_dir=str(HERE))


def counts(result):
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped) + len(result.expectedFailures)
    return {"passed": result.testsRun - failed - skipped, "failed": failed, "skipped": skipped}


def main(names):
    result = unittest.TextTestRunner(verbosity=2).run(load_tests(names))
    summary = counts(result)
    results_dir = os.environ.get("RESULTS")
    if results_dir:
        Path(results_dir).mkdir(parents=True, exist_ok=True)
        model = os.environ.get("SERVER_MODEL", "")
        name = f"integration-{model}.json" if model else "integration.json"
        (Path(results_dir) / name).write_text(json.dumps(summary) + "\n")
    print(f"integration: {summary['passed']} passed, {summary['failed']} failed, "
          f"{summary['skipped']} skipped")
    return 0 if result.testsRun > 0 and summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
