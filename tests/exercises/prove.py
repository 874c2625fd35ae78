#!/usr/bin/env python3
"""Proves the exercises of docs/exercises.md: each can be solved, and its
acceptance test can tell.

  python3 tests/exercises/prove.py           (make exercises-proof, run by CI)
  python3 tests/exercises/prove.py --status  (make exercises: your progress)
  python3 tests/exercises/prove.py --answer-key DEST
                                             (make answer-key: all twelve solved)

The proof, for every exercise N (tests/exercises/test_NN_NAME.py together
with docs/exercises/NN-NAME.patch):
  1. in a scratch copy of the tree, the acceptance test says NOT DONE
     (exit status 1: the behaviour is missing; an ERROR, status 2, is no
     proof of anything and counts as a failure);
  2. in a copy of that copy with the patch applied, it says PASS.
Then the answer key: in one more copy, every patch applied one after the
other, in order (the tree a teacher gets by solving all twelve), where every
acceptance test must say PASS: a solved exercise stays solved whatever else
is solved. That counts as one more line, "answer key".
It prints a line per exercise and a last line "exercises: P passed, F failed",
and exits 1 if anything failed.

In a handout (make handout), which has the tests but not the patches,
--status works as everywhere and the proof says there is nothing to prove.

The scratch copy holds the files git knows about, committed or not, plus
new files git does not ignore (`git ls-files --cached --others
--exclude-standard`): in a fresh CI clone that is the commit, in a working
tree it is what you are looking at. Without git, every file but the build
output. The unsolved copy is built once; each solved copy starts from it,
modification times kept, so make recompiles only what the patch touched.

The scratch directory is made under $TMPDIR (default /tmp), not under
build/: the Makefile includes every dependency file it finds under build/,
and those of a patched copy name headers that the real tree lacks, which
would make make rebuild part of the real tree on every run. It is removed
at the end unless KEEP_SCRATCH=1 or an exercise failed (its copy is kept
for a look).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import submake

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = Path("tests/exercises")
PATCHES_DIR = Path("docs/exercises")
GUIDE = Path("docs/exercises.md")

PASS, NOT_DONE, ERROR = 0, 1, 2
VERDICTS = {PASS: "PASS", NOT_DONE: "NOT DONE", ERROR: "ERROR"}

# Far more than a test needs (it builds first: a full build takes about half
# a minute on two cores); a test that runs longer is stuck.
TEST_SECONDS = 600

# What the walk skips when the tree is not a git work tree: what the build
# makes (paths from the top of the tree, as in .gitignore), and caches.
BUILD_OUTPUT = {"build", "server", "client", "compile_commands.json", "tests/go_peer/go_peer"}
CACHES = {".git", "__pycache__"}


class Exercise:
    def __init__(self, number, name, test, patch):
        self.number, self.name, self.test, self.patch = number, name, test, patch

    def label(self):
        return f"exercise {self.number} ({self.name})"


def find_exercises():
    """The exercises, by number, and the problems that keep some from being
    proved (a test without a patch, a patch the guide does not link, ...)."""
    tests, patches, problems = {}, {}, []
    for path in sorted((REPO_ROOT / TESTS_DIR).glob("test_*.py")):
        found = re.fullmatch(r"test_(\d\d)_(\w+)\.py", path.name)
        if found:
            tests[int(found.group(1))] = (found.group(2), path.relative_to(REPO_ROOT))
    for path in sorted((REPO_ROOT / PATCHES_DIR).glob("*.patch")):
        found = re.fullmatch(r"(\d\d)-([\w-]+)\.patch", path.name)
        if found:
            patches[int(found.group(1))] = path.relative_to(REPO_ROOT)
        else:
            problems.append(f"{path.relative_to(REPO_ROOT)}: not named NN-name.patch")
    guide = (REPO_ROOT / GUIDE).read_text() if (REPO_ROOT / GUIDE).exists() else ""
    if not guide:
        problems.append(f"{GUIDE} is missing")
    exercises = []
    if is_handout():
        return [Exercise(number, name, test, None)
                for number, (name, test) in sorted(tests.items())], problems
    for number in sorted(set(tests) | set(patches)):
        if number not in patches:
            problems.append(f"exercise {number}: {tests[number][1]} has no patch in {PATCHES_DIR}/")
            continue
        if number not in tests:
            problems.append(f"exercise {number}: {patches[number]} has no test in {TESTS_DIR}/")
            continue
        link = patches[number].relative_to(GUIDE.parent).as_posix()
        if guide and link not in guide:
            problems.append(f"exercise {number}: {GUIDE} does not link {link}")
        name, test = tests[number]
        exercises.append(Exercise(number, name, test, patches[number]))
    return exercises, problems


def is_handout():
    """A handout has the graders but no reference solutions at all."""
    return not (REPO_ROOT / PATCHES_DIR).is_dir()


# ------------------------------------------------------------ copying --

def source_files(root):
    """Paths (relative) of the files that make up the tree, as described above."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.strip()
        if Path(top).resolve() == root.resolve():
            listed = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=root, capture_output=True, check=True).stdout
            names = [Path(os.fsdecode(name)) for name in listed.split(b"\0") if name]
            # A file deleted in the working tree is still "cached": skip it.
            return [name for name in names if os.path.lexists(root / name)]
    except (OSError, subprocess.CalledProcessError):
        pass  # no git, or not a work tree: walk instead
    files = []
    for directory, subdirectories, names in os.walk(root):
        here = Path(directory).relative_to(root)
        subdirectories[:] = [name for name in subdirectories if name not in CACHES
                             and (here / name).as_posix() not in BUILD_OUTPUT]
        files += [here / name for name in names if (here / name).as_posix() not in BUILD_OUTPUT]
    return files


def copy_tree(source, files, destination):
    for name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target, follow_symlinks=False)


def apply_patch(patch, tree, after_others=False):
    """Applies `patch` to `tree`; returns an error message, or None.

    `after_others`: the tree already has other exercises' patches. Two
    exercises may add lines a few lines apart (two commands registered in
    the same function), so there each hunk needs only its nearest line of
    context on either side to match (git apply -C1), not all three."""
    if shutil.which("git"):
        # Outside any repository git apply is a plain patch tool; the
        # ceiling keeps it from finding a repository above the scratch dir.
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tree.parent))
        argv = ["git", "apply", *(["-C1"] if after_others else []), str(patch)]
    elif shutil.which("patch"):
        env, argv = None, ["patch", "-p1", "--batch", "--forward", "--silent",
                           *(["--fuzz=2"] if after_others else ["--fuzz=0"]), "-i", str(patch)]
    else:
        return "neither git nor patch is installed"
    done = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return f"`{' '.join(argv)}` failed:\n{done.stdout}{done.stderr}"
    return None


# ------------------------------------------------------------- running --

def run_test(tree, exercise):
    """Runs the acceptance test in `tree`; returns (verdict, output)."""
    try:
        done = subprocess.run([sys.executable, str(tree / exercise.test)], cwd=tree,
                              env=submake.environment(),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TEST_SECONDS)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        return ERROR, f"{output}\n(still running after {TEST_SECONDS} s: stopped)"
    verdict = done.returncode if done.returncode in VERDICTS else ERROR
    return verdict, done.stdout + done.stderr


def indented(text):
    return "".join(f"    | {line}\n" for line in text.rstrip().splitlines())


def prove(exercises, problems):
    started = time.monotonic()
    keep = os.environ.get("KEEP_SCRATCH") == "1"
    scratch = Path(tempfile.mkdtemp(prefix="exercises-proof-"))
    base = scratch / "unsolved"
    failed = len(problems)
    for problem in problems:
        print(f"problem: {problem}")
    try:
        files = source_files(REPO_ROOT)
        copy_tree(REPO_ROOT, files, base)
        print(f"copied {len(files)} files to {base}", flush=True)
        build_started = time.monotonic()
        build = subprocess.run(["make", "-j2"], cwd=base, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, env=submake.environment())
        if build.returncode != 0:
            print("the unsolved tree does not build:\n" + indented(build.stdout + build.stderr))
            print(f"exercises: 0 passed, {len(exercises) + failed} failed")
            return 1
        print(f"built the unsolved tree in {time.monotonic() - build_started:.0f} s", flush=True)

        passed = 0
        for exercise in exercises:
            exercise_started = time.monotonic()
            ok, message = prove_one(exercise, base, scratch / f"{exercise.number:02d}")
            seconds = time.monotonic() - exercise_started
            print(f"{exercise.label()}: {'ok' if ok else 'FAILED'} [{seconds:.0f} s]: {message}",
                  flush=True)
            passed += ok
            failed += not ok
        key_started = time.monotonic()
        ok, message = prove_answer_key(exercises, base, scratch / "answer-key")
        print(f"answer key (all {len(exercises)} patches in order): {'ok' if ok else 'FAILED'} "
              f"[{time.monotonic() - key_started:.0f} s]: {message}", flush=True)
        passed += ok
        failed += not ok
        print(f"exercises: {passed} passed, {failed} failed "
              f"({time.monotonic() - started:.0f} s)")
        return 0 if failed == 0 else 1
    finally:
        if keep or failed:
            print(f"scratch copies kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def prove_one(exercise, base, solved):
    """Returns (ok, what happened)."""
    verdict, output = run_test(base, exercise)
    if verdict != NOT_DONE:
        return False, (f"without the patch the test says {VERDICTS[verdict]}, "
                       f"expected NOT DONE\n{indented(output)}")
    shutil.copytree(base, solved, symlinks=True)
    problem = apply_patch(solved / exercise.patch, solved)
    if problem:
        return False, f"{exercise.patch} does not apply:\n{indented(problem)}"
    verdict, output = run_test(solved, exercise)
    if verdict != PASS:
        return False, (f"with {exercise.patch} the test says {VERDICTS[verdict]}, "
                       f"expected PASS\n{indented(output)}")
    shutil.rmtree(solved, ignore_errors=True)
    return True, "NOT DONE without the patch, PASS with it"


def prove_answer_key(exercises, base, solved):
    """Every patch applied in order to one copy; every test must PASS there."""
    problem = write_answer_key(exercises, base, solved)
    if problem:
        return False, problem
    wrong = []
    for exercise in exercises:
        verdict, output = run_test(solved, exercise)
        if verdict != PASS:
            wrong.append(f"{exercise.label()} says {VERDICTS[verdict]}\n{indented(output)}")
    if wrong:
        return False, "with every patch applied:\n" + "".join(wrong)
    shutil.rmtree(solved, ignore_errors=True)
    return True, "every patch applies in order, and every test says PASS"


def write_answer_key(exercises, source, destination):
    """Copies `source` to `destination` and applies every patch in order;
    returns an error message, or None."""
    shutil.copytree(source, destination, symlinks=True)
    for exercise in exercises:
        problem = apply_patch(destination / exercise.patch, destination, after_others=True)
        if problem:
            return f"{exercise.patch} does not apply after the patches before it:\n{indented(problem)}"
    return None


def answer_key(exercises, destination):
    """make answer-key DEST=DIR: this tree with every exercise solved."""
    if destination.exists():
        print(f"answer-key: {destination} exists already; choose a new directory")
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="answer-key-"))
    try:
        copy_tree(REPO_ROOT, source_files(REPO_ROOT), scratch / "tree")
        problem = write_answer_key(exercises, scratch / "tree", destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if problem:
        print(f"answer-key: {problem}")
        return 1
    print(f"answer-key: {destination} has all {len(exercises)} reference solutions applied; "
          "`make exercises` there says every exercise is done")
    return 0


def status(exercises):
    """Runs every acceptance test against the working tree itself."""
    done = 0
    for exercise in exercises:
        verdict, output = run_test(REPO_ROOT, exercise)
        done += verdict == PASS
        summary = output.strip().splitlines()[-1] if output.strip() else ""
        if verdict == NOT_DONE:
            summary = next((line for line in output.splitlines()
                            if line.startswith("NOT DONE")), summary)
        print(f"{exercise.label()}: {VERDICTS[verdict]}"
              + (f"\n    {summary}" if verdict != PASS else ""), flush=True)
    print(f"exercises: {done} of {len(exercises)} done")
    return 0


def main():
    exercises, problems = find_exercises()
    if "--status" in sys.argv[1:]:
        return status(exercises)
    if sys.argv[1:2] == ["--answer-key"] and len(sys.argv) == 3:
        if is_handout():
            print("answer-key: this is a handout; the reference solutions are not in it")
            return 2
        return answer_key(exercises, Path(sys.argv[2]).resolve())
    if is_handout():
        print(f"This is a handout: {PATCHES_DIR}/, the reference solutions, is not in it, so "
              "there is nothing to prove. `make exercises` grades your own solutions.")
        return 0
    return prove(exercises, problems)


if __name__ == "__main__":
    sys.exit(main())
