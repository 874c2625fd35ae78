// The server's command line: which options ./server takes, their ranges and
// defaults, and the --help text that lists them, kept side by side so that
// the text stays true. Parsed with getopt_long_only (common/flags.hpp says
// why, and what it does with argv).
#pragma once

#include <string_view>

#include "../../common/gob/decoder.hpp"
#include "endpoint.hpp"

namespace server {

struct ServerOptions {
  EndpointOptions endpoint;
  gob::Limits limits;
  bool quiet = false;
  bool help = false;  // --help or -h: print usage() and exit 0, nothing else
};

// Reads argv (and permutes it, as getopt does). Throws std::invalid_argument
// for a usage error: flags::ReportedUsageError when getopt has printed the
// reason already, otherwise with a message that names the flag.
ServerOptions parse_options(int argc, char** argv);

// What --help prints.
std::string_view usage();

}  // namespace server
