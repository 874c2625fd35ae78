// ./client: the tutorial's main() with the -connect flag set (section
// "Main"): run the client exchange against HOST and exit. The options, and
// the other things it can do instead (--interactive, --dump), are in
// options.hpp.
#include <csignal>
#include <iostream>

#include "../../common/error.hpp"
#include "../../common/flags.hpp"
#include "../../common/log.hpp"
#include "client.hpp"
#include "dump.hpp"
#include "interactive.hpp"
#include "options.hpp"

namespace {

// Runs one of the connecting modes: exit status 0, or 1 with the whole
// error chain logged.
template <class Run>
int exit_status_of(Run run, const client::ClientOptions& options) {
  try {
    run(options);
  } catch (const std::exception& error) {
    LOG("Error: ", net::describe(error));
    return 1;
  }
  return 0;
}

int print_dump() {
  try {
    client::print_sample_dump(std::cout);
  } catch (const std::exception& error) {
    LOG("Error: ", net::describe(error));
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  client::CommandLine command;
  try {
    command = client::parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    flags::print_usage_error(argv[0], error, "Try ./client --help");
    return 2;
  }
  // Sends use MSG_NOSIGNAL; stderr may still be a closed pipe. See apps/server/main.cpp.
  std::signal(SIGPIPE, SIG_IGN);
  switch (command.mode) {
    case client::Mode::kHelp: std::cout << client::usage(); return 0;
    case client::Mode::kDump: return print_dump();
    case client::Mode::kInteractive:
      return exit_status_of(client::run_interactive, command.connection);
    case client::Mode::kExchange: break;
  }
  int status = exit_status_of(client::run_client, command.connection);
  if (status == 0) LOG("Client done.");
  return status;
}
