# make bench: the performance lab (issue 5; docs/performance.md explains
# every figure). It always measures the optimised build: whatever VARIANT
# was asked for, the binaries are made by a nested `make VARIANT=release`,
# since timing a sanitizer build would measure the sanitizer.
#
#   bench/codec_bench.cpp     encode_ns / decode_ns of the gob codec
#   bench/load_generator.cpp  C connections doing R round trips each
#   bench/ceilings/           the least a server of each design does (C)
#   bench/run_bench.py        runs them, and the Go peer, side by side

CODEC_BENCH_BIN    := $(BUILD)/bin/codec_bench
LOAD_GENERATOR_BIN := $(BUILD)/bin/load_generator

.PHONY: bench bench-binaries

bench:
	$(MAKE) VARIANT=release bench-binaries
	BIN_DIR=build/release/bin GO_PEER=$(GO_PEER) python3 bench/run_bench.py

# The two ceilings of the designs section (bench/ceilings/ceiling.h), in C.
CEILING_BINS := $(BUILD)/bin/threads_ceiling $(BUILD)/bin/epoll_ceiling
CC ?= cc

bench-binaries: $(CODEC_BENCH_BIN) $(LOAD_GENERATOR_BIN) $(SERVER_BIN) $(GO_PEER) $(CEILING_BINS)

$(BUILD)/bin/%_ceiling: bench/ceilings/%_ceiling.c bench/ceilings/ceiling.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Wpedantic $(if $(filter 1,$(WERROR)),-Werror) \
	  -pthread $< -o $@

$(CODEC_BENCH_BIN): $(call objects,bench/codec_bench.cpp) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@

$(LOAD_GENERATOR_BIN): $(call objects,bench/load_generator.cpp) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@
