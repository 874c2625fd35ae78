# make            builds ./server and ./client
# make test       builds everything and runs every test (unit, integration, Go interop)
# make asan       the same under AddressSanitizer + UndefinedBehaviorSanitizer
# make tsan       the same under ThreadSanitizer
# make deps       installs what the tests need (doctest-dev, golang-go), as
#                 `make test` does by itself when they are missing
# make clean      removes what the build made
#
# Objects go to build/<variant>/, so the sanitizer builds never mix with the
# normal one. WERROR=1 (set by CI) turns warnings into errors.

CXX      ?= g++
VARIANT  ?= release
BUILD    := build/$(VARIANT)

CXXFLAGS_release := -O2 -g
CXXFLAGS_asan    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CXXFLAGS_tsan    := -O1 -g -fsanitize=thread

CXXFLAGS = -std=c++20 -Wall -Wextra -Wpedantic $(CXXFLAGS_$(VARIANT)) $(if $(filter 1,$(WERROR)),-Werror)
LDFLAGS  = $(filter -fsanitize=%,$(CXXFLAGS_$(VARIANT))) -pthread
DEPFLAGS  = -MMD -MP

COMMON_SOURCES := $(wildcard common/*.cpp common/gob/*.cpp)
SERVER_SOURCES := $(filter-out apps/server/main.cpp,$(wildcard apps/server/*.cpp))
CLIENT_SOURCES := $(filter-out apps/client/main.cpp,$(wildcard apps/client/*.cpp))
TEST_SOURCES   := $(wildcard tests/unit/*.cpp)

objects = $(patsubst %.cpp,$(BUILD)/%.o,$(1))

COMMON_OBJECTS := $(call objects,$(COMMON_SOURCES))
SERVER_OBJECTS := $(call objects,$(SERVER_SOURCES))
CLIENT_OBJECTS := $(call objects,$(CLIENT_SOURCES))
TEST_OBJECTS   := $(call objects,$(TEST_SOURCES))

SERVER_BIN := $(BUILD)/bin/server
CLIENT_BIN := $(BUILD)/bin/client
UNIT_BIN   := $(BUILD)/bin/unit_tests
GO_PEER    := tests/go_peer/go_peer
# The two halves of the "all of gob" interop test (tests/gob_types/).
GOB_TYPES_BIN := $(BUILD)/bin/gob_types
GOB_TYPES_GO  := tests/gob_types/gob_types_go

.PHONY: all test unit integration asan tsan clean deps test-deps
# Keep object files that only a pattern rule needed (make would delete them).
.SECONDARY:
all: server client

# The top-level ./server and ./client are the normal build's, copied up so
# that `make && ./server` works as the tutorial's `go run` does. Copied to a
# temporary name and renamed over the old one: a rename replaces the
# directory entry, so a ./server still running from the old file keeps
# serving, where writing into that file would fail ("Text file busy").
server: $(SERVER_BIN)
	cp $< $@.new && mv -f $@.new $@
client: $(CLIENT_BIN)
	cp $< $@.new && mv -f $@.new $@

$(SERVER_BIN): $(call objects,apps/server/main.cpp) $(SERVER_OBJECTS) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@
$(CLIENT_BIN): $(call objects,apps/client/main.cpp) $(CLIENT_OBJECTS) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@
$(GOB_TYPES_BIN): $(call objects,tests/gob_types/gob_types.cpp) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@
$(UNIT_BIN): $(TEST_OBJECTS) $(SERVER_OBJECTS) $(CLIENT_OBJECTS) $(COMMON_OBJECTS)
	@mkdir -p $(dir $@)
	$(CXX) $^ $(LDFLAGS) -o $@

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

# What the tests need beyond g++, make and python3 (tests/deps.sh says what
# each package is for). Checked before anything of the tests is compiled:
# missing packages are installed as root or with `sudo -n`, or make stops
# with the one command to run. DEPS picks the groups: `make deps DEPS="test fuzz"`.
DEPS ?= test
deps:
	@tests/deps.sh install $(DEPS)
test-deps:
	@tests/deps.sh install test

# Order-only (after the |): the check runs first, but passing it never makes
# make rebuild these files.
$(TEST_OBJECTS) $(GO_PEER) $(GOB_TYPES_GO): | test-deps

# The Go peer for the interoperability tests (Debian's golang-go, GOPATH mode).
$(GO_PEER): tests/go_peer/main.go
	cd tests/go_peer && GOCACHE=$(CURDIR)/build/gocache GO111MODULE=off go build -o go_peer .
$(GOB_TYPES_GO): tests/gob_types/main.go
	cd tests/gob_types && GOCACHE=$(CURDIR)/build/gocache GO111MODULE=off go build -o gob_types_go main.go

# ------------------------------------------------------------------ tests --

# One after the other: the integration tests start servers and a thousand
# connections, and should not share the machine with the unit tests.
test: test-deps
	$(MAKE) unit
	$(MAKE) integration
	@python3 tests/summary.py $(BUILD)/results

unit: $(UNIT_BIN)
	@mkdir -p $(BUILD)/results
	$(UNIT_BIN) --reporters=console --out=$(BUILD)/results/unit.txt; status=$$?; \
	  cat $(BUILD)/results/unit.txt; exit $$status

# Twice: every test against ./server as it is (a thread per connection),
# then against ./server --model epoll (SERVER_MODEL, tests/integration/harness.py).
integration: $(SERVER_BIN) $(CLIENT_BIN) $(GO_PEER) $(GOB_TYPES_BIN) $(GOB_TYPES_GO)
	@mkdir -p $(BUILD)/results
	BIN_DIR=$(BUILD)/bin GO_PEER=$(GO_PEER) GOB_TYPES_GO=$(GOB_TYPES_GO) RESULTS=$(BUILD)/results \
	  python3 tests/integration/run.py
	SERVER_MODEL=epoll BIN_DIR=$(BUILD)/bin GO_PEER=$(GO_PEER) GOB_TYPES_GO=$(GOB_TYPES_GO) \
	  RESULTS=$(BUILD)/results python3 tests/integration/run.py

asan:
	$(MAKE) VARIANT=asan test
tsan:
	$(MAKE) VARIANT=tsan test

clean:
	rm -rf build server client server.new client.new $(GO_PEER) $(GOB_TYPES_GO)

# Targets that live beside what they build: benchmarks, docs, exercises, fuzzing.
-include bench/bench.mk docs/docs.mk tests/fuzz/fuzz.mk
# Captures, system call traces and the Wireshark dissector (docs/wire.md).
-include tools/wire.mk

-include $(shell find build -name '*.d' 2>/dev/null)
