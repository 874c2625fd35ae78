// ./server: the tutorial's server() and main() (sections "The client and
// server functions" and "Main"): register the STRING and GOB handlers, then
// listen on port 61000 and serve until Ctrl-C.
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "../../common/error.hpp"
#include "../../common/flags.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/log.hpp"
#include "endpoint.hpp"
#include "handlers.hpp"

namespace {

const char* const kUsage = R"(Usage: ./server [options]

Serves the tutorial's protocol: a command line (STRING or GOB), then its data.

Options:
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
  --help                this text

Stop it with Ctrl-C (SIGINT) or SIGTERM: it stops accepting, lets commands
in progress finish, closes every connection and exits 0.

Read it alongside the tutorial: README.md, docs/tutorial.md, docs/protocol.md.
)";

struct ServerOptions {
  server::EndpointOptions endpoint;
  gob::Limits limits;
  bool quiet = false;
};

// Returns the options, or exits: 0 after --help, 2 after a usage error.
ServerOptions parse_options(int argc, char** argv) {
  ServerOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    std::optional<flags::Flag> flag = flags::parse_flag(argument);
    if (!flag) throw std::invalid_argument("unexpected argument '" + argument + "'");
    const std::string& name = flag->name;
    if (name == "help" || name == "h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (name == "quiet") {
      options.quiet = true;
      continue;
    }
    std::string value = flags::take_value(*flag, argc, argv, i);
    auto number = [&](std::uint64_t minimum, std::uint64_t maximum) {
      return flags::parse_number(name, value, minimum, maximum);
    };
    auto seconds = [&] { return std::chrono::milliseconds(number(1, 86400) * 1000); };
    if (name == "port") {
      options.endpoint.port = static_cast<std::uint16_t>(number(0, 65535));
    } else if (name == "max-line") {
      options.endpoint.max_line = number(1, 1 << 30);
    } else if (name == "max-message") {
      options.limits.max_message = number(1, 1 << 30);
    } else if (name == "idle-timeout") {
      options.endpoint.idle_timeout = seconds();
    } else if (name == "message-timeout") {
      options.endpoint.message_timeout = seconds();
    } else if (name == "max-connections") {
      options.endpoint.max_connections = number(1, 1'000'000);
    } else {
      throw std::invalid_argument("unknown option --" + name);
    }
  }
  return options;
}

// Go's runtime raises the soft limit on open files to the hard limit at
// start; a server with thousands of clients needs it, and so do we.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Read by the signal handler: an atomic pointer is safe to read there.
std::atomic<server::Endpoint*> running_endpoint{nullptr};

extern "C" void on_stop_signal(int) {
  if (server::Endpoint* endpoint = running_endpoint.load()) endpoint->request_stop();
}

void install_signal_handlers() {
  // Sends use MSG_NOSIGNAL, but the log goes to stderr, which may be a pipe
  // whose reader has quit: ignore SIGPIPE so that is an error, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Registers the tutorial's two handlers, as its server() function does.
void add_tutorial_handlers(server::Endpoint& endpoint, const ServerOptions& options) {
  std::size_t max_line = options.endpoint.max_line;
  gob::Limits limits = options.limits;
  endpoint.add_handler("STRING", [max_line](net::BufferedStream& stream) {
    server::handle_string(stream, max_line);
  });
  endpoint.add_handler(
      "GOB", [limits](net::BufferedStream& stream) { server::handle_gob(stream, limits); });
}

}  // namespace

int main(int argc, char** argv) {
  ServerOptions options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "server: " << error.what() << "\nTry ./server --help\n";
    return 2;
  }
  logging::set_quiet(options.quiet);
  raise_open_file_limit();
  try {
    server::Endpoint endpoint(options.endpoint);
    add_tutorial_handlers(endpoint, options);
    try {
      endpoint.listen();
    } catch (const std::exception& error) {
      LOG("Error: ", net::describe(error));
      LOG("Is another program using port ", options.endpoint.port,
          "? Stop it, or choose another port with --port.");
      return 1;
    }
    running_endpoint = &endpoint;
    install_signal_handlers();
    endpoint.serve();
    running_endpoint = nullptr;
  } catch (const std::exception& error) {
    running_endpoint = nullptr;
    LOG("Error: ", net::describe(error));
    return 1;
  }
  return 0;
}
