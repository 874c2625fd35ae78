// ./client's command line (apps/client/options.hpp): every spelling of every
// option, options and HOST in any order, the errors getopt_long_only prints,
// and the HOST that carries a port.
#include <doctest/doctest.h>

#include <chrono>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../apps/client/options.hpp"
#include "../../common/flags.hpp"
#include "command_line_helpers.hpp"

namespace {

using test::Words;

client::CommandLine parse(Words words) {
  test::Argv argv(words);
  return client::parse_options(argv.argc(), argv.argv());
}

std::string getopt_message(Words words) {
  return test::getopt_message(parse, words);
}

std::string usage_error(Words words) {
  return test::usage_error(parse, words);
}

}  // namespace

TEST_CASE("client options: HOST, -connect HOST, --connect HOST and --connect=HOST") {
  for (Words words :
       {Words{"./client", "localhost"}, Words{"./client", "-connect", "localhost"},
        Words{"./client", "--connect", "localhost"}, Words{"./client", "--connect=localhost"},
        Words{"./client", "-connect=localhost"}}) {
    client::CommandLine command = parse(words);
    CHECK(command.mode == client::Mode::kExchange);
    CHECK(command.connection.host == "localhost");
    CHECK(command.connection.port == 61000);  // the defaults
    CHECK(command.connection.timeout == std::chrono::seconds(10));
  }
}

TEST_CASE("client options: --port and --timeout, with one dash or two, a space or an '='") {
  for (Words words : {Words{"./client", "localhost", "--port", "7000", "--timeout", "3"},
                      Words{"./client", "localhost", "--port=7000", "--timeout=3"},
                      Words{"./client", "localhost", "-port", "7000", "-timeout", "3"},
                      Words{"./client", "localhost", "-port=7000", "-timeout=3"}}) {
    client::CommandLine command = parse(words);
    CHECK(command.connection.port == 7000);
    CHECK(command.connection.timeout == std::chrono::seconds(3));
  }
}

TEST_CASE("client options: options and HOST come in any order") {
  for (Words words : {Words{"./client", "--port", "7000", "localhost"},
                      Words{"./client", "localhost", "--port", "7000"},
                      Words{"./client", "--timeout", "3", "localhost", "--port=7000"},
                      Words{"./client", "-port", "7000", "-connect", "localhost", "-timeout=3"},
                      Words{"./client", "-i", "--port", "7000", "localhost"},
                      Words{"./client", "localhost", "--port", "7000", "--interactive"}}) {
    client::CommandLine command = parse(words);
    CHECK(command.connection.host == "localhost");
    CHECK(command.connection.port == 7000);
  }
}

TEST_CASE("client options: getopt permutes argv, moving HOST behind the options") {
  test::Argv argv({"./client", "localhost", "--port", "7000"});
  client::parse_options(argv.argc(), argv.argv());
  CHECK(argv.order() == std::vector<std::string>{"./client", "--port", "7000", "localhost"});
}

TEST_CASE("client options: \"--\" ends the options") {
  // After "--", "--port" is an argument, the HOST, not an option.
  CHECK(parse({"./client", "--", "--port"}).connection.host == "--port");
  CHECK(parse({"./client", "--port", "7000", "--", "localhost"}).connection.host == "localhost");
  CHECK(usage_error({"./client", "localhost", "--", "--port"}) ==
        "two hosts given: 'localhost' and '--port'; give one HOST");
}

TEST_CASE("client options: -i, --interactive and -interactive choose the interactive mode") {
  for (Words words :
       {Words{"./client", "-i", "localhost"}, Words{"./client", "--interactive", "localhost"},
        Words{"./client", "-interactive", "localhost", "--timeout", "2"}}) {
    client::CommandLine command = parse(words);
    CHECK(command.mode == client::Mode::kInteractive);
    CHECK(command.connection.host == "localhost");
  }
}

TEST_CASE("client options: --dump needs no HOST") {
  CHECK(parse({"./client", "--dump"}).mode == client::Mode::kDump);
  CHECK(parse({"./client", "-dump"}).mode == client::Mode::kDump);
}

TEST_CASE("client options: --help, -help and -h ask for the usage, whatever follows") {
  for (Words words :
       {Words{"./client", "--help"}, Words{"./client", "-help"}, Words{"./client", "-h"},
        Words{"./client", "localhost", "--help"}, Words{"./client", "--help", "--bogus"}}) {
    CHECK(parse(words).mode == client::Mode::kHelp);
  }
  CHECK(client::usage().find("--connect") != std::string_view::npos);
  CHECK(client::usage().find("--interactive") != std::string_view::npos);
}

TEST_CASE("client options: an unknown option gets glibc's message") {
  CHECK(getopt_message({"./client", "--bogus"}) == "./client: unrecognized option '--bogus'\n");
  CHECK(getopt_message({"./client", "localhost", "-bogus"}) ==
        "./client: unrecognized option '-bogus'\n");
  CHECK(getopt_message({"./client", "--bogus=1", "localhost"}) ==
        "./client: unrecognized option '--bogus=1'\n");
}

TEST_CASE("client options: an option without its value gets glibc's message") {
  CHECK(getopt_message({"./client", "localhost", "--port"}) ==
        "./client: option '--port' requires an argument\n");
  CHECK(getopt_message({"./client", "localhost", "-timeout"}) ==
        "./client: option '-timeout' requires an argument\n");
  CHECK(getopt_message({"./client", "--connect"}) ==
        "./client: option '--connect' requires an argument\n");
  CHECK(getopt_message({"./client", "localhost", "--dump=yes"}) ==
        "./client: option '--dump' doesn't allow an argument\n");
}

TEST_CASE("client options: numbers out of range name the flag, and print nothing themselves") {
  test::StderrCapture stderr_text;
  CHECK(usage_error({"./client", "localhost", "--port", "0"}) ==
        "--port wants a whole number from 1 to 65535, not '0'");
  CHECK(usage_error({"./client", "localhost", "--port=70000"}) ==
        "--port wants a whole number from 1 to 65535, not '70000'");
  CHECK(usage_error({"./client", "localhost", "--port", "seventy"}) ==
        "--port wants a whole number from 1 to 65535, not 'seventy'");
  CHECK(usage_error({"./client", "localhost", "--timeout", "3601"}) ==
        "--timeout wants a whole number from 1 to 3600, not '3601'");
  CHECK(stderr_text.text().empty());  // main prints these, with the program's name
}

TEST_CASE("client options: one HOST, and only where one is needed") {
  CHECK(usage_error({"./client"}) == "no HOST given (try: ./client localhost)");
  CHECK(usage_error({"./client", "--port", "7000"}) == "no HOST given (try: ./client localhost)");
  CHECK(usage_error({"./client", "-i"}) == "no HOST given (try: ./client localhost)");
  CHECK(usage_error({"./client", "localhost", "otherhost"}) ==
        "two hosts given: 'localhost' and 'otherhost'; give one HOST");
  CHECK(usage_error({"./client", "-connect", "localhost", "otherhost"}) ==
        "two hosts given: 'localhost' and 'otherhost'; give one HOST");
  CHECK(usage_error({"./client", "--connect="}) == "HOST is empty (try: ./client localhost)");
  CHECK(usage_error({"./client", "--dump", "localhost"}) ==
        "--dump connects nowhere: leave out HOST 'localhost'");
  CHECK(usage_error({"./client", "--dump", "-i"}) ==
        "--dump connects nowhere and --interactive connects: choose one");
}

TEST_CASE("client options: a HOST with a port in it is told to use --port") {
  CHECK(usage_error({"./client", "localhost:61000"}) ==
        "HOST 'localhost:61000' has a port in it: give the port with --port "
        "(./client localhost --port 61000)");
  CHECK(usage_error({"./client", "127.0.0.1:61000"}) ==
        "HOST '127.0.0.1:61000' has a port in it: give the port with --port "
        "(./client 127.0.0.1 --port 61000)");
  // The hint gives the IPv6 address bare: "[::1]" is a pattern to a shell.
  CHECK(usage_error({"./client", "[::1]:61000"}) ==
        "HOST '[::1]:61000' has a port in it: give the port with --port "
        "(./client ::1 --port 61000)");
  CHECK(usage_error({"./client", "-connect", "localhost:61000", "--timeout=5"}) ==
        "HOST 'localhost:61000' has a port in it: give the port with --port "
        "(./client localhost --port 61000)");
  CHECK(usage_error({"./client", "-i", "localhost:61000"}) ==
        "HOST 'localhost:61000' has a port in it: give the port with --port "
        "(./client localhost --port 61000)");
  CHECK(usage_error({"./client", "localhost:"}) ==
        "HOST 'localhost:' has a port in it: give the port with --port "
        "(./client localhost --port N)");
}

TEST_CASE("client options: a bare IPv6 address is a HOST, not a host and a port") {
  for (const char* host : {"::1", "fe80::1", "2001:db8::1", "::ffff:127.0.0.1", "[::1]",
                           "[fe80::1]", "localhost", "127.0.0.1"}) {
    CAPTURE(host);
    CHECK_NOTHROW(client::check_host(host));
    CHECK(parse({"./client", host}).connection.host == host);
  }
}

TEST_CASE("client options: one command line after another, getopt reset in between") {
  // "-hh" leaves glibc in the middle of a cluster when -h returns at once.
  CHECK(parse({"./client", "-hh"}).mode == client::Mode::kHelp);
  client::CommandLine command = parse({"./client", "localhost"});
  CHECK(command.mode == client::Mode::kExchange);
  CHECK(command.connection.host == "localhost");
}
