// ./server: the tutorial's server() and main() (sections "The client and
// server functions" and "Main"): register the STRING and GOB handlers, then
// listen on port 61000 and serve until Ctrl-C. The options it takes are in
// options.hpp.
#include <sys/resource.h>

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
#include "stop_on_signals.hpp"

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

// Before any thread starts: SIGINT and SIGTERM are taken by StopOnSignals'
// thread alone (stop_on_signals.hpp says why). Sends use MSG_NOSIGNAL, but
// the log goes to stderr, which may be a pipe whose reader has quit: SIGPIPE
// is ignored so that this is an error, not a death.
void prepare_signals() {
  server::StopOnSignals::block_in_every_thread();
  std::signal(SIGPIPE, SIG_IGN);
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
  prepare_signals();
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
    // Declared after the endpoint, so destroyed first, even when serve()
    // throws: no signal can reach an Endpoint that is gone.
    server::StopOnSignals stop_on_signals(endpoint);
    endpoint.serve();
  } catch (const std::exception& error) {
    LOG("Error: ", net::describe(error));
    return 1;
  }
  return 0;
}
