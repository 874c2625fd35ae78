#!/usr/bin/env python3
"""Grades a whole class: every student's tree, with this tree's graders.

  python3 tests/exercises/grade_class.py [--report FILE] TREE...
                                          (make grade-class TREES="...")

Each TREE is one student's copy of the course (a handout they worked in, a
clone of their repository). For each, in a scratch copy so that the
student's tree is left as it is:
  1. this tree's graders (tests/exercises/) and the harness they use
     (tests/integration/harness.py) replace the student's, so every
     student is graded by the same tests, whatever their copy holds;
  2. every grader runs, as `make exercise N=..` would (it builds first).
It prints one row per student and one column per exercise (P = PASS,
- = NOT DONE, E = ERROR: the tree did not build, most often), and writes
the same table, with the message of every grader that did not pass, to
--report FILE (default: class-report.txt in the current directory).

A student's code runs on your machine while it is graded: run this as a
user that can do no harm, or in a container or virtual machine.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import prove

REPO_ROOT = prove.REPO_ROOT
# What the graders are made of: replaced in each student's copy.
GRADER_FILES = (Path("tests/exercises"), Path("tests/integration/harness.py"))
MARKS = {prove.PASS: "P", prove.NOT_DONE: "-", prove.ERROR: "E"}


def student_copy(tree, scratch):
    """The student's files (as prove.py selects them) with our graders."""
    copy = scratch / tree.name
    prove.copy_tree(tree, prove.source_files(tree), copy)
    for part in GRADER_FILES:
        target = copy / part
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return copy


def grade(tree, exercises, scratch):
    """[(exercise, verdict, the grader's last lines)] for one student."""
    copy = student_copy(tree, scratch)
    results = []
    for exercise in exercises:
        verdict, output = prove.run_test(copy, exercise)
        results.append((exercise, verdict, output.strip().splitlines()[-3:]))
    shutil.rmtree(copy, ignore_errors=True)
    return results


def main(argv):
    report_path = Path("class-report.txt")
    if len(argv) >= 3 and argv[1] == "--report":
        report_path, argv = Path(argv[2]), [argv[0], *argv[3:]]
    trees = [Path(name).resolve() for name in argv[1:]]
    if not trees:
        print("usage: make grade-class TREES='student1/ student2/ ...'", file=sys.stderr)
        return 2
    missing = [str(tree) for tree in trees if not (tree / "Makefile").is_file()]
    if missing:
        print("not a copy of the course (no Makefile): " + ", ".join(missing), file=sys.stderr)
        return 2
    exercises, _ = prove.find_exercises()
    width = max(len(tree.name) for tree in trees)
    header = "student".ljust(width) + "  " + " ".join(f"{e.number}" for e in exercises) + "  done"
    print(header, flush=True)
    report = [header]
    scratch = Path(tempfile.mkdtemp(prefix="grade-class-"))
    try:
        for tree in trees:
            started = time.monotonic()
            results = grade(tree, exercises, scratch)
            marks = " ".join(MARKS[verdict] for _, verdict, _ in results)
            done = sum(verdict == prove.PASS for _, verdict, _ in results)
            row = f"{tree.name.ljust(width)}  {marks}  {done}/{len(results)}"
            print(f"{row}   [{time.monotonic() - started:.0f} s]", flush=True)
            report.append(row)
            for exercise, verdict, last_lines in results:
                if verdict != prove.PASS:
                    report.append(f"    {exercise.label()}: " + " | ".join(last_lines))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report_path.write_text("\n".join(report) + "\n")
    print(f"P = PASS, - = NOT DONE, E = ERROR (did not build, most often). "
          f"Every grader's message: {report_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
