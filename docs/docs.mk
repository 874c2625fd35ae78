# The classroom's targets (the Makefile includes this file):
#
#   make demo                  server and client on this machine, both logs
#                              interleaved, nothing left running
#   make demo-netns            the same across two network namespaces, the
#                              tutorial's "different machines" tip (root)
#   make demo-netns-test       checks that exchange (CI; skips if not root)
#   make exercise N=3          grades exercise 3 of docs/exercises.md
#   make exercises             grades them all: your progress
#   make exercises-proof       proves every exercise: its test fails on the
#                              tree as it is and passes with its patch, and
#                              all patches together pass every test (CI)
#   make answer-key DEST=DIR   this tree with all twelve reference solutions
#   make handout DEST=DIR      the course without the reference solutions
#   make handout-test          makes one and checks it as a student uses it (CI)
#   make grade-class TREES="a/ b/"  grades students' trees with these graders
#   make compile_commands.json for clangd / VS Code (Debian's bear)

.PHONY: demo demo-netns demo-netns-test exercise exercises exercises-proof answer-key handout handout-test grade-class \
        compile_commands.json

demo: server client
	@python3 tests/demo/demo.py

demo-netns: server client
	@tests/demo/demo_netns.sh

demo-netns-test: server client
	@tests/demo/test_netns.sh

# N=3 and N=03 both name tests/exercises/test_03_*.py.
EXERCISE_TEST = $(wildcard tests/exercises/test_$(shell printf %02d '$(N)' 2>/dev/null)_*.py)

exercise:
	@if [ -z "$(N)" ]; then \
	  echo "Which exercise? make exercise N=3 (the list: docs/exercises.md)"; exit 2; fi
	@if [ -z "$(EXERCISE_TEST)" ]; then \
	  echo "No exercise $(N): the list is in docs/exercises.md"; exit 2; fi
	@python3 $(EXERCISE_TEST)

exercises:
	@python3 tests/exercises/prove.py --status

exercises-proof:
	@python3 tests/exercises/prove.py

answer-key:
	@if [ -z "$(DEST)" ]; then \
	  echo "Where to? make answer-key DEST=DIR (a directory that does not exist yet)"; exit 2; fi
	@python3 tests/exercises/prove.py --answer-key "$(DEST)"

handout:
	@if [ -z "$(DEST)" ]; then \
	  echo "Where to? make handout DEST=DIR (a directory that does not exist yet)"; exit 2; fi
	@python3 tests/exercises/handout.py "$(DEST)"

grade-class:
	@python3 tests/exercises/grade_class.py --report $(or $(REPORT),class-report.txt) $(TREES)

handout-test:
	@tests/exercises/check_handout.sh

# bear records every compiler command of a real build. The build goes to
# build/compile_commands/ (same flags as the normal one), so that -B rebuilds
# nothing of build/release/ and the ./server and ./client you use stay as
# they are. -k: a unit test that cannot compile (no doctest) still leaves the
# other entries.
COMPDB_BUILD := build/compile_commands

compile_commands.json:
	@command -v bear >/dev/null 2>&1 || { \
	  echo "compile_commands.json needs bear, which records the compiler commands of a build."; \
	  echo "Install it (Debian, Ubuntu): sudo apt-get install bear"; \
	  echo "then run: make compile_commands.json"; exit 1; }
	bear --output $@.tmp -- $(MAKE) -B -k -j2 BUILD=$(COMPDB_BUILD) \
	  $(COMPDB_BUILD)/bin/server $(COMPDB_BUILD)/bin/client \
	  $(patsubst $(BUILD)/%,$(COMPDB_BUILD)/%,$(TEST_OBJECTS)) || true
	@if [ -s $@.tmp ] && grep -q '"file"' $@.tmp; then \
	  mv $@.tmp $@; echo "wrote $@: $$(grep -c '"file"' $@) compile commands"; \
	else rm -f $@.tmp; echo "bear recorded no compile command"; exit 1; fi
