#!/usr/bin/env python3
"""Writes the course as students get it: the whole tree without the
reference solutions.

  python3 tests/exercises/handout.py DEST      (make handout DEST=DIR)

What is left out:
  - docs/exercises/, the reference patches;
  - docs/teaching.md, the teacher's guide, and .ci/, this repository's CI;
  - in every Markdown file, the parts between the lines
        <!-- teacher -->
        <!-- /teacher -->
    (links to the patches, the section on proving them). Those two lines
    are how a document marks what only a teacher's copy shows.

Everything else is copied as it is in the working tree (the files git
knows, committed or not, as `make exercises-proof` copies them), so the
handout has the graders, `make test` passes in it, and `make exercises`
lists every exercise, none done. If git is installed the handout is made a
git repository with one commit, so a student can see their changes with
`git diff` and start an exercise over with `git checkout -- FILE`.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import prove

REPO_ROOT = prove.REPO_ROOT
LEFT_OUT = (Path("docs/exercises"), Path("docs/teaching.md"), Path(".ci"))
TEACHER_ONLY = re.compile(r"^<!-- teacher -->\n.*?^<!-- /teacher -->\n", re.DOTALL | re.MULTILINE)


def is_left_out(path):
    return any(path == part or part in path.parents for part in LEFT_OUT)


def student_text(markdown):
    """A Markdown document without its teacher-only parts."""
    text = TEACHER_ONLY.sub("", markdown)
    if "<!-- teacher -->" in text or "<!-- /teacher -->" in text:
        raise ValueError("a <!-- teacher --> line without its <!-- /teacher --> (or the reverse)")
    return text


def write_handout(destination):
    files = [path for path in prove.source_files(REPO_ROOT) if not is_left_out(path)]
    for name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.suffix == ".md":
            try:
                target.write_text(student_text((REPO_ROOT / name).read_text()))
            except ValueError as error:
                raise SystemExit(f"handout: {name}: {error}") from None
            shutil.copymode(REPO_ROOT / name, target)
        else:
            shutil.copy2(REPO_ROOT / name, target, follow_symlinks=False)
    return len(files)


def make_repository(destination):
    if not shutil.which("git"):
        return False
    identity = ["-c", "user.name=Course handout", "-c", "user.email=handout@localhost"]
    for argv in (["init", "-q"], ["add", "-A"],
                 [*identity, "commit", "-q", "-m", "The course, as handed out"]):
        subprocess.run(["git", *argv], cwd=destination, check=True,
                       stdout=subprocess.DEVNULL)
    return True


def main(argv):
    if len(argv) != 2:
        print("usage: make handout DEST=DIR  (DIR must not exist yet, or be empty)",
              file=sys.stderr)
        return 2
    destination = Path(argv[1]).resolve()
    if destination.exists() and any(destination.iterdir()):
        print(f"handout: {destination} is not empty; choose a new directory", file=sys.stderr)
        return 2
    if destination == REPO_ROOT or REPO_ROOT in destination.parents:
        print("handout: DEST must be outside this tree", file=sys.stderr)
        return 2
    destination.mkdir(parents=True, exist_ok=True)
    count = write_handout(destination)
    repository = make_repository(destination)
    print(f"handout: {count} files in {destination}"
          + (", one git commit" if repository else "")
          + "; no reference solutions (those stay in docs/exercises/ here).")
    print(f"Students: cd {destination} && make && ./server, then make exercises")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
