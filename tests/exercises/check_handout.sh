#!/bin/sh
# make handout-test (CI): makes a handout in a scratch directory and uses it
# as a student would: no reference solution is in it, `make test` passes
# there, and `make exercises` lists every exercise, none done.
set -eu
cd "$(dirname "$0")/../.."
scratch=$(mktemp -d "${TMPDIR:-/tmp}/handout-test-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
handout="$scratch/course"
python3 tests/exercises/handout.py "$handout"

fail() { echo "handout-test: FAIL: $*"; exit 1; }
[ ! -e "$handout/docs/exercises" ] || fail "docs/exercises/ (the patches) is in the handout"
if find "$handout" -name '*.patch' | grep -q .; then fail "a .patch file is in the handout"; fi
if grep -rl -e 'Reference solution' -e '<!-- teacher' --include='*.md' "$handout" ; then
  fail "the files above still show teacher-only text"
fi

# The handout is not beside shared/, as a student's clone is not.
(cd "$handout" && make -j2 test) || fail "make test fails in the handout"
(cd "$handout" && make exercises) > "$scratch/status.txt" 2>&1 || true
cat "$scratch/status.txt"
expected=$(ls tests/exercises/test_[0-9][0-9]_*.py | wc -l)
grep -qx "exercises: 0 of $expected done" "$scratch/status.txt" \
  || fail "make exercises in the handout should list $expected exercises, none done"
echo "handout-test: PASS"
