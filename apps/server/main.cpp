// ./server: the tutorial's server() and main() (sections "The client and
// server functions" and "Main"): register the STRING and GOB handlers, then
// listen on port 61000 and serve until Ctrl-C. The options it takes are in
// options.hpp.
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
#include "options.hpp"

namespace {

using server::ServerOptions;

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
  limits.budget = &endpoint.memory_budget();
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
    options = server::parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    flags::print_usage_error(argv[0], error, "Try ./server --help");
    return 2;
  }
  if (options.help) {
    std::cout << server::usage();
    return 0;
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
