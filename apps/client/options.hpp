// The client's command line: which options ./client takes, what it is asked
// to do (the tutorial's exchange, --interactive, --dump or --help), the HOST,
// and the --help text, kept side by side so that the text stays true.
// Parsed with getopt_long_only (common/flags.hpp says why, and what it does
// with argv).
#pragma once

#include <string>
#include <string_view>

#include "client.hpp"

namespace client {

// What ./client was asked to do.
enum class Mode {
  kExchange,     // the tutorial's STRING and GOB requests (client.hpp)
  kInteractive,  // --interactive: the keyboard talks to the server (interactive.hpp)
  kDump,         // --dump: print the GOB request's bytes, connect nowhere (dump.hpp)
  kHelp,         // --help or -h: print usage() and exit 0
};

struct CommandLine {
  Mode mode = Mode::kExchange;
  ClientOptions connection;  // HOST, --port, --timeout; empty host for kDump and kHelp
};

// Reads argv (and permutes it, as getopt does). Throws std::invalid_argument
// for a usage error: flags::ReportedUsageError when getopt has printed the
// reason already, otherwise with a message that says what to write instead.
CommandLine parse_options(int argc, char** argv);

// Throws std::invalid_argument when `host` carries a port the Go way
// ("localhost:61000", "[::1]:61000"), saying how to give it with --port.
// A bare IPv6 address has two colons or more and is a host ("::1",
// "fe80::1"); so is one in brackets without a port ("[::1]").
void check_host(const std::string& host);

// What --help prints.
std::string_view usage();

}  // namespace client
