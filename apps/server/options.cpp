#include "options.hpp"

#include <getopt.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "../../common/flags.hpp"

namespace server {

namespace {

constexpr std::string_view kUsage = R"(Usage: ./server [options]

Serves the tutorial's protocol: a command line (STRING or GOB), then its data.

Options (one dash or two, the value after a space or an '='; -port 7,
--port 7 and --port=7 are the same):
  --port N              port to listen on, all interfaces, IPv4 and IPv6
                        (default 61000; 0 picks a free port and logs it)
  --quiet               log no line per command; errors are still logged
  --max-line BYTES      longest command or STRING line (default 65536)
  --max-message BYTES   largest gob message (default 1048576)
  --idle-timeout SECS   close a connection silent that long between commands
                        (default 300)
  --message-timeout SECS  time to finish one command once its line is read
                        (default 30)
  --max-connections N   connections served at once; more are told
                        "ERR too many connections" (default 4096)
  --max-memory BYTES    memory for long lines and gob messages, all
                        connections together; one that needs more waits for
                        it until its message deadline, then is told
                        "ERR server busy: ..." (default 268435456: 256 MiB)
  --model threads|epoll how connections are served: a thread each, as
                        the tutorial's goroutines (default), or one epoll
                        event loop per core, each serving many connections
                        (docs/server-designs.md compares them)
  -h, --help            this text

Stop it with Ctrl-C (SIGINT) or SIGTERM: it stops accepting, lets commands
in progress finish, closes every connection and exits 0.

Exit status: 0 after a clean stop or --help; 1 when it cannot serve (the
message says why); 2 for a usage error.

Read it alongside the tutorial: README.md, docs/tutorial.md, docs/protocol.md.
)";

// What getopt_long_only returns for each long option: numbers above any
// character, so that they never clash with a short option such as 'h'.
enum OptionId : int {
  kPort = 256,
  kQuiet,
  kMaxLine,
  kMaxMessage,
  kIdleTimeout,
  kMessageTimeout,
  kMaxConnections,
  kMaxMemory,
  kModel,
};

// "h": -h is help. The long names, with whether each takes a value.
constexpr const char* kShortOptions = "h";
constexpr option kLongOptions[] = {
    {"port", required_argument, nullptr, kPort},
    {"quiet", no_argument, nullptr, kQuiet},
    {"max-line", required_argument, nullptr, kMaxLine},
    {"max-message", required_argument, nullptr, kMaxMessage},
    {"idle-timeout", required_argument, nullptr, kIdleTimeout},
    {"message-timeout", required_argument, nullptr, kMessageTimeout},
    {"max-connections", required_argument, nullptr, kMaxConnections},
    {"max-memory", required_argument, nullptr, kMaxMemory},
    {"model", required_argument, nullptr, kModel},
    {"help", no_argument, nullptr, 'h'},
    {nullptr, 0, nullptr, 0},  // the end of the table, as getopt wants it
};

std::uint64_t number(const char* flag, std::uint64_t minimum, std::uint64_t maximum) {
  return flags::parse_number(flag, optarg, minimum, maximum);
}

std::chrono::milliseconds seconds(const char* flag) {
  return std::chrono::milliseconds(number(flag, 1, 86400) * 1000);
}

ServerModel model(const std::string& name) {
  if (name == "threads") return ServerModel::Threads;
  if (name == "epoll") return ServerModel::Epoll;
  throw std::invalid_argument("--model must be threads or epoll, not '" + name + "'");
}

// Stores the value of one option getopt_long_only has found.
void apply_option(int id, ServerOptions& options) {
  switch (id) {
    case kPort: options.endpoint.port = static_cast<std::uint16_t>(number("port", 0, 65535)); break;
    case kQuiet: options.quiet = true; break;
    case kMaxLine: options.endpoint.max_line = number("max-line", 1, 1 << 30); break;
    case kMaxMessage: options.limits.max_message = number("max-message", 1, 1 << 30); break;
    case kIdleTimeout: options.endpoint.idle_timeout = seconds("idle-timeout"); break;
    case kMessageTimeout: options.endpoint.message_timeout = seconds("message-timeout"); break;
    case kMaxConnections:
      options.endpoint.max_connections = number("max-connections", 1, 1'000'000);
      break;
    case kMaxMemory: options.endpoint.max_memory = number("max-memory", 1, 1ULL << 40); break;
    case kModel: options.endpoint.model = model(optarg); break;
    default: throw std::logic_error("option id " + std::to_string(id) + " has no case");
  }
}

}  // namespace

ServerOptions parse_options(int argc, char** argv) {
  ServerOptions options;
  flags::start_parsing();
  int id;
  while ((id = getopt_long_only(argc, argv, kShortOptions, kLongOptions, nullptr)) != -1) {
    if (id == '?') throw flags::ReportedUsageError();  // getopt has said what is wrong
    if (id == 'h') {
      options.help = true;
      return options;  // what follows --help is not even read
    }
    apply_option(id, options);
  }
  // getopt has moved every argument that is not an option to the end.
  if (optind < argc) {
    throw std::invalid_argument("unexpected argument '" + std::string(argv[optind]) +
                                "': the server takes options only");
  }
  return options;
}

std::string_view usage() {
  return kUsage;
}

}  // namespace server
