#include "options.hpp"

#include <getopt.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "../../common/flags.hpp"

namespace client {

namespace {

constexpr std::string_view kUsage = R"(Usage: ./client [options] HOST
       ./client --interactive [options] HOST
       ./client --dump

Connects to the server on HOST, sends a STRING request and prints the
reply, then sends the tutorial's sample struct as a GOB request. With
--interactive, what you type goes to the server instead, and what the
server sends comes back to you: the protocol by hand, without nc.

HOST is a name (localhost), an IPv4 address (127.0.0.1) or an IPv6
address, bare or in brackets (::1, [::1]); the port goes in --port, not in
HOST. Options and HOST may come in any order. Options take one dash or two,
the value after a space or an '=': -port 7, --port 7 and --port=7 are the
same.

Options:
  -connect HOST, --connect HOST   the same as giving HOST (the Go original's flag)
  --port N          the server's port (default 61000)
  --timeout SECS    give up on the dial, or on a reply, after SECS (default 10);
                    with --interactive, on the dial only
  -i, --interactive send what you type to the server as it is, and print what
                    the server sends as it is; Ctrl-D ends your input, Ctrl-C
                    quits. Try: STRING, Enter, a line of text, Enter
  --dump            connect nowhere: print the bytes of the GOB request for the
                    sample struct, each piece with its meaning (docs/protocol.md)
  -h, --help        this text

Exit status: 0 when the exchange completed (with --interactive: when the
server closed the connection); 1 when it failed (the message says where);
2 for a usage error.

Read it alongside the tutorial: README.md, docs/tutorial.md, docs/protocol.md.
)";

// What getopt_long_only returns for each long option: the letter of its
// short form if it has one, otherwise a number above any character.
enum OptionId : int {
  kConnect = 256,
  kPort,
  kTimeout,
  kDump,
};

// "hi": -h is help, -i is interactive. The long names, with whether each
// takes a value.
constexpr const char* kShortOptions = "hi";
constexpr option kLongOptions[] = {
    {"connect", required_argument, nullptr, kConnect},
    {"port", required_argument, nullptr, kPort},
    {"timeout", required_argument, nullptr, kTimeout},
    {"interactive", no_argument, nullptr, 'i'},
    {"dump", no_argument, nullptr, kDump},
    {"help", no_argument, nullptr, 'h'},
    {nullptr, 0, nullptr, 0},  // the end of the table, as getopt wants it
};

// What the command line says before its parts are checked against each other.
struct Given {
  bool interactive = false;
  bool dump = false;
  std::vector<std::string> hosts;  // from --connect and plain arguments, in order
};

// Stores the value of one option getopt_long_only has found.
void apply_option(int id, Given& given, ClientOptions& connection) {
  switch (id) {
    case kConnect: given.hosts.emplace_back(optarg); break;
    case kPort:
      connection.port = static_cast<std::uint16_t>(flags::parse_number("port", optarg, 1, 65535));
      break;
    case kTimeout:
      connection.timeout =
          std::chrono::milliseconds(flags::parse_number("timeout", optarg, 1, 3600) * 1000);
      break;
    case 'i': given.interactive = true; break;
    case kDump: given.dump = true; break;
    default: throw std::logic_error("option id " + std::to_string(id) + " has no case");
  }
}

// The one HOST a connecting mode needs.
std::string the_host(const std::vector<std::string>& hosts) {
  if (hosts.empty()) throw std::invalid_argument("no HOST given (try: ./client localhost)");
  if (hosts.size() > 1) {
    throw std::invalid_argument("two hosts given: '" + hosts[0] + "' and '" + hosts[1] +
                                "'; give one HOST");
  }
  check_host(hosts[0]);
  return hosts[0];
}

// Decides the mode once every option is read, refusing combinations that
// contradict each other.
Mode choose_mode(const Given& given) {
  if (given.dump && given.interactive) {
    throw std::invalid_argument("--dump connects nowhere and --interactive connects: choose one");
  }
  if (given.dump && !given.hosts.empty()) {
    throw std::invalid_argument("--dump connects nowhere: leave out HOST '" + given.hosts[0] + "'");
  }
  if (given.dump) return Mode::kDump;
  return given.interactive ? Mode::kInteractive : Mode::kExchange;
}

struct HostAndPort {
  std::string host;
  std::string port;
};

// Splits a Go-style "host:port" ("localhost:61000", "[::1]:61000"); nothing
// for a HOST without a port, bare IPv6 included. Go's net.Dial takes host
// and port in one string, and the tutorial writes addresses that way (its
// section "On the sending side": localhost:80, 127.0.0.1:80, [::1]:80), so
// a student will type one. Our HOST is what getaddrinfo resolves, the host
// alone; the port travels apart.
std::optional<HostAndPort> split_host_port(const std::string& text) {
  if (text.starts_with('[')) {
    std::size_t close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;  // "[::1]"
    return HostAndPort{text.substr(1, close - 1), text.substr(close + 2)};
  }
  // One colon separates a port; IPv6 needs at least two ("::1").
  if (std::count(text.begin(), text.end(), ':') != 1) return std::nullopt;
  std::size_t colon = text.find(':');
  return HostAndPort{text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

void check_host(const std::string& host) {
  if (host.empty()) throw std::invalid_argument("HOST is empty (try: ./client localhost)");
  std::optional<HostAndPort> split = split_host_port(host);
  if (!split) return;
  // The hint shows an IPv6 address bare: in a shell, "[::1]" is a pattern.
  std::string port = split->port.empty() ? "N" : split->port;
  throw std::invalid_argument("HOST '" + host + "' has a port in it: give the port with --port (" +
                              "./client " + split->host + " --port " + port + ")");
}

CommandLine parse_options(int argc, char** argv) {
  CommandLine command;
  Given given;
  flags::start_parsing();
  int id;
  while ((id = getopt_long_only(argc, argv, kShortOptions, kLongOptions, nullptr)) != -1) {
    if (id == '?') throw flags::ReportedUsageError();  // getopt has said what is wrong
    if (id == 'h') {
      command.mode = Mode::kHelp;
      return command;  // what follows --help is not even read
    }
    apply_option(id, given, command.connection);
  }
  // getopt has moved every argument that is not an option to the end.
  given.hosts.insert(given.hosts.end(), argv + optind, argv + argc);
  command.mode = choose_mode(given);
  if (command.mode != Mode::kDump) command.connection.host = the_host(given.hosts);
  return command;
}

std::string_view usage() {
  return kUsage;
}

}  // namespace client
