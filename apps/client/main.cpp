// ./client: the tutorial's main() with the -connect flag set (section
// "Main"): run the client exchange against HOST and exit.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "../../common/error.hpp"
#include "../../common/flags.hpp"
#include "../../common/log.hpp"
#include "../../common/socket.hpp"
#include "client.hpp"
#include "dump.hpp"

namespace {

const char* const kUsage = R"(Usage: ./client [options] HOST
       ./client --dump

Connects to the server on HOST, sends a STRING request and prints the
reply, then sends the tutorial's sample struct as a GOB request.

HOST is a name (localhost), an IPv4 address (127.0.0.1) or an IPv6
address, bare or in brackets (::1, [::1]). Flags and HOST may come in any
order.

Options:
  -connect HOST, --connect HOST   the same as giving HOST (the Go original's flag)
  --port N          the server's port (default 61000)
  --timeout SECS    give up on the dial, or on a reply, after SECS (default 10)
  --dump            connect nowhere: print the bytes of the GOB request for the
                    sample struct, each piece with its meaning (docs/protocol.md)
  --help            this text

Exit status: 0 when the exchange completed; 1 when it failed (the message
says where); 2 for a usage error.

Read it alongside the tutorial: README.md, docs/tutorial.md, docs/protocol.md.
)";

// `dump` is set by --dump, which needs no HOST.
client::ClientOptions parse_options(int argc, char** argv, bool& dump) {
  client::ClientOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    std::optional<flags::Flag> flag = flags::parse_flag(argument);
    if (!flag) {
      if (!options.host.empty()) {
        throw std::invalid_argument("two hosts given: '" + options.host + "' and '" + argument +
                                    "'");
      }
      options.host = argument;
      continue;
    }
    const std::string& name = flag->name;
    if (name == "help" || name == "h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (name == "dump") {
      dump = true;
      continue;
    }
    std::string value = flags::take_value(*flag, argc, argv, i);
    if (name == "connect") {
      options.host = value;
    } else if (name == "port") {
      options.port = static_cast<std::uint16_t>(flags::parse_number(name, value, 1, 65535));
    } else if (name == "timeout") {
      options.timeout = std::chrono::milliseconds(flags::parse_number(name, value, 1, 3600) * 1000);
    } else {
      throw std::invalid_argument("unknown option --" + name);
    }
  }
  if (options.host.empty() && !dump) {
    throw std::invalid_argument("no HOST given (try: ./client localhost)");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  client::ClientOptions options;
  bool dump = false;
  try {
    options = parse_options(argc, argv, dump);
  } catch (const std::invalid_argument& error) {
    std::cerr << "client: " << error.what() << "\nTry ./client --help\n";
    return 2;
  }
  if (dump) {
    try {
      client::print_sample_dump(std::cout);
    } catch (const std::exception& error) {
      LOG("Error: ", net::describe(error));
      return 1;
    }
    return 0;
  }
  // Sends use MSG_NOSIGNAL; stderr may still be a closed pipe. See apps/server/main.cpp.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    client::run_client(options);
  } catch (const std::exception& error) {
    LOG("Error: ", net::describe(error));
    return 1;
  }
  LOG("Client done.");
  return 0;
}
