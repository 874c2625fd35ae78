# Seeing the exchange on the wire (docs/wire.md); the Makefile includes this file.
#
#   make capture            records the tutorial's exchange on loopback with
#                           dumpcap or tcpdump (root) and prints tshark's
#                           dissection of it with tools/wireshark/
#   make trace              runs the exchange under strace and prints each
#                           program's socket calls with notes (ALL=1: every
#                           system call)
#   make wireshark-plugin   copies the dissector into Wireshark's personal
#                           plugin folder, so that Wireshark loads it itself
#   make wire-fixtures      records the pcapng fixtures of the dissector's
#                           tests again (root; see tests/wire/make_fixtures.py)
#
# What they need (tshark, dumpcap, text2pcap, strace): make deps DEPS=wire.
# The dissector's tests are part of make integration; they skip, saying
# what to install, where tshark is missing.

.PHONY: capture trace wireshark-plugin wire-fixtures

capture: server client
	@python3 tools/wire/capture.py

trace: server client
	@python3 tools/wire/syscalls.py $(if $(filter 1,$(ALL)),--all)

# Wireshark's personal Lua plugin folder, as `tshark -G folders` names it.
WIRESHARK_PLUGINS = $(shell tshark -G folders 2>/dev/null | sed -n 's/^Personal Lua Plugins:[[:space:]]*//p')

wireshark-plugin:
	@command -v tshark >/dev/null 2>&1 || { \
	  echo "wireshark-plugin needs tshark, to find the plugin folder: make deps DEPS=wire"; exit 1; }
	@mkdir -p "$(WIRESHARK_PLUGINS)"
	cp tools/wireshark/gob.lua tools/wireshark/tutorial.lua "$(WIRESHARK_PLUGINS)/"
	@echo "Wireshark and tshark now load the dissector from $(WIRESHARK_PLUGINS)"

wire-fixtures: server client $(GO_PEER)
	@python3 tests/wire/make_fixtures.py

# The Go program whose gob streams the dissector's tests compare with Go's
# own decoder (tests/integration/test_wire_dissector.py).
GOB_KINDS := $(BUILD)/bin/gob_kinds

$(GOB_KINDS): tests/wire/gob_kinds/main.go | test-deps
	@mkdir -p $(dir $@)
	cd tests/wire/gob_kinds && GOCACHE=$(CURDIR)/build/gocache GO111MODULE=off go build -o $(CURDIR)/$@ .

integration: $(GOB_KINDS)
