# make fuzz               builds the libFuzzer harnesses with clang (ASan + UBSan)
#                         and runs each for FUZZ_SECONDS (default 60)
# make fuzz-regressions   runs each harness once over its saved inputs only
#
# Seeds: the Go-encoded fixtures (tests/fixtures) and tests/fuzz/seeds/<harness>/.
# An input that crashed once is kept in tests/fuzz/regressions/<harness>/ and
# replayed by every later run. The working corpus grows in build/fuzz/corpus/.

FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := fuzz_gob_decoder fuzz_command_line
CXXFLAGS_fuzz := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link \
                 -fno-sanitize-recover=all
# Limits every input must stay within: 1 s and 256 MiB (the issue's bound);
# ASan's quarantine is shrunk so that it does not count against the 256 MiB.
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -timeout=1 -rss_limit_mb=256 \
             -print_final_stats=1 -close_fd_mask=2
# The longest input each harness is given: the decoder's is --max-message
# (1 MiB), so that it can meet what only a large message does (memory in
# proportion to bytes, the budget); lines are short, 64 KiB is --max-line.
FUZZ_MAX_LEN_fuzz_gob_decoder := 1048576
FUZZ_MAX_LEN_fuzz_command_line := 65536
FUZZ_ENV   = ASAN_OPTIONS=quarantine_size_mb=32:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

FUZZ_LIBRARY_OBJECTS = $(COMMON_OBJECTS) $(SERVER_OBJECTS)

.PHONY: fuzz fuzz-build fuzz-run fuzz-regressions
fuzz:
	@tests/deps.sh install fuzz
	$(MAKE) VARIANT=fuzz CXX=clang++ fuzz-run
fuzz-regressions:
	$(MAKE) VARIANT=fuzz CXX=clang++ fuzz-replay

fuzz-build: $(patsubst %,$(BUILD)/bin/%,$(FUZZ_HARNESSES))

$(BUILD)/bin/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIBRARY_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ -fsanitize=fuzzer,address,undefined -pthread -o $@

fuzz-run: fuzz-build
	@python3 tests/fuzz/make_large_seeds.py $(BUILD)/corpus/fuzz_gob_decoder
	@for harness in $(FUZZ_HARNESSES); do \
	  case $$harness in \
	    fuzz_gob_decoder) max_len=$(FUZZ_MAX_LEN_fuzz_gob_decoder);; \
	    *) max_len=$(FUZZ_MAX_LEN_fuzz_command_line);; \
	  esac; \
	  corpus=$(BUILD)/corpus/$$harness; mkdir -p $$corpus tests/fuzz/regressions/$$harness; \
	  cp tests/fixtures/*.gob $$corpus/; \
	  if [ -d tests/fuzz/seeds/$$harness ]; then cp tests/fuzz/seeds/$$harness/* $$corpus/; fi; \
	  echo "== $$harness for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_ENV) $(BUILD)/bin/$$harness $(FUZZ_FLAGS) -max_len=$$max_len \
	    -artifact_prefix=tests/fuzz/regressions/$$harness/ \
	    $$corpus tests/fuzz/regressions/$$harness || exit 1; \
	done

fuzz-replay: fuzz-build
	@for harness in $(FUZZ_HARNESSES); do \
	  inputs=$$(find tests/fuzz/regressions/$$harness tests/fuzz/seeds/$$harness -type f 2>/dev/null); \
	  echo "== $$harness: replaying $$(echo $$inputs | wc -w) saved inputs"; \
	  [ -z "$$inputs" ] || $(FUZZ_ENV) $(BUILD)/bin/$$harness $$inputs || exit 1; \
	done
