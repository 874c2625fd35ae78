// ./server's command line (apps/server/options.hpp): every option of its
// --help text in every spelling, with its range and default, and the errors
// getopt_long_only prints.
#include <doctest/doctest.h>

#include <chrono>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "../../apps/server/options.hpp"
#include "../../common/flags.hpp"
#include "command_line_helpers.hpp"

namespace {

using test::Words;

server::ServerOptions parse(Words words) {
  test::Argv argv(words);
  return server::parse_options(argv.argc(), argv.argv());
}

std::string getopt_message(Words words) {
  return test::getopt_message(parse, words);
}

std::string usage_error(Words words) {
  return test::usage_error(parse, words);
}

// Parses the option `name` with `value` in its three spellings, "--name
// value", "--name=value" and "-name value", and hands each result to `check`.
template <class Check>
void each_spelling(const std::string& name, const std::string& value, Check check) {
  std::string two_dashes = "--" + name, one_dash = "-" + name,
              inline_value = two_dashes + "=" + value;
  for (Words words : {Words{"./server", two_dashes.c_str(), value.c_str()},
                      Words{"./server", inline_value.c_str()},
                      Words{"./server", one_dash.c_str(), value.c_str()}}) {
    CAPTURE(*(words.begin() + 1));
    check(parse(words));
  }
}

}  // namespace

TEST_CASE("server options: the defaults the --help text states") {
  server::ServerOptions options = parse({"./server"});
  CHECK(options.endpoint.port == 61000);
  CHECK_FALSE(options.quiet);
  CHECK(options.endpoint.max_line == 65536);
  CHECK(options.limits.max_message == 1048576);
  CHECK(options.endpoint.idle_timeout == std::chrono::seconds(300));
  CHECK(options.endpoint.message_timeout == std::chrono::seconds(30));
  CHECK(options.endpoint.max_connections == 4096);
  CHECK(options.endpoint.max_memory == 256u << 20);
  CHECK_FALSE(options.help);
}

TEST_CASE("server options: every option with a value, in every spelling") {
  each_spelling("port", "7000", [](auto options) { CHECK(options.endpoint.port == 7000); });
  each_spelling("port", "0", [](auto options) { CHECK(options.endpoint.port == 0); });
  each_spelling("max-line", "100", [](auto options) { CHECK(options.endpoint.max_line == 100); });
  each_spelling("max-message", "200",
                [](auto options) { CHECK(options.limits.max_message == 200); });
  each_spelling("idle-timeout", "1", [](auto options) {
    CHECK(options.endpoint.idle_timeout == std::chrono::seconds(1));
  });
  each_spelling("message-timeout", "2", [](auto options) {
    CHECK(options.endpoint.message_timeout == std::chrono::seconds(2));
  });
  each_spelling("max-connections", "3",
                [](auto options) { CHECK(options.endpoint.max_connections == 3); });
}

TEST_CASE("server options: --quiet and -quiet, in any order with the rest") {
  CHECK(parse({"./server", "--quiet"}).quiet);
  server::ServerOptions options = parse({"./server", "--port", "7000", "-quiet", "--max-line=9"});
  CHECK(options.quiet);
  CHECK(options.endpoint.port == 7000);
  CHECK(options.endpoint.max_line == 9);
}

TEST_CASE("server options: --help, -help and -h, whatever follows") {
  for (Words words : {Words{"./server", "--help"}, Words{"./server", "-help"},
                      Words{"./server", "-h"}, Words{"./server", "--help", "--bogus"}}) {
    CHECK(parse(words).help);
  }
  for (const char* option : {"--port", "--quiet", "--max-line", "--max-message", "--idle-timeout",
                             "--message-timeout", "--max-connections", "--max-memory", "--help"}) {
    CAPTURE(option);
    CHECK(server::usage().find(option) != std::string_view::npos);
  }
}

TEST_CASE("server options: the ranges, each end") {
  CHECK(parse({"./server", "--port", "65535"}).endpoint.port == 65535);
  CHECK(usage_error({"./server", "--port", "65536"}) ==
        "--port wants a whole number from 0 to 65535, not '65536'");
  CHECK(parse({"./server", "--max-line", "1073741824"}).endpoint.max_line == 1u << 30);
  CHECK(usage_error({"./server", "--max-line", "0"}) ==
        "--max-line wants a whole number from 1 to 1073741824, not '0'");
  CHECK(usage_error({"./server", "--max-message", "1073741825"}) ==
        "--max-message wants a whole number from 1 to 1073741824, not '1073741825'");
  CHECK(parse({"./server", "--idle-timeout", "86400"}).endpoint.idle_timeout ==
        std::chrono::hours(24));
  CHECK(usage_error({"./server", "--idle-timeout", "0"}) ==
        "--idle-timeout wants a whole number from 1 to 86400, not '0'");
  CHECK(usage_error({"./server", "--message-timeout", "86401"}) ==
        "--message-timeout wants a whole number from 1 to 86400, not '86401'");
  CHECK(parse({"./server", "--max-connections", "1000000"}).endpoint.max_connections == 1'000'000);
  CHECK(usage_error({"./server", "--max-connections", "0"}) ==
        "--max-connections wants a whole number from 1 to 1000000, not '0'");
  CHECK(parse({"./server", "--max-memory", "1048576"}).endpoint.max_memory == 1u << 20);
  CHECK(usage_error({"./server", "--max-memory", "0"}) ==
        "--max-memory wants a whole number from 1 to 1099511627776, not '0'");
}

TEST_CASE("server options: the server takes no arguments, only options") {
  CHECK(usage_error({"./server", "stray-argument"}) ==
        "unexpected argument 'stray-argument': the server takes options only");
  CHECK(usage_error({"./server", "--port", "7000", "61000"}) ==
        "unexpected argument '61000': the server takes options only");
}

TEST_CASE("server options: what getopt refuses, in glibc's words") {
  CHECK(getopt_message({"./server", "--no-such-flag", "1"}) ==
        "./server: unrecognized option '--no-such-flag'\n");
  CHECK(getopt_message({"./server", "--port"}) ==
        "./server: option '--port' requires an argument\n");
  CHECK(getopt_message({"./server", "-idle-timeout"}) ==
        "./server: option '-idle-timeout' requires an argument\n");
  CHECK(getopt_message({"./server", "--quiet=yes"}) ==
        "./server: option '--quiet' doesn't allow an argument\n");
  // A long name may be shortened only while it names one option.
  CHECK(parse({"./server", "--max-conn", "5"}).endpoint.max_connections == 5);
  CHECK(getopt_message({"./server", "--max", "5"}) ==
        "./server: option '--max' is ambiguous; possibilities: '--max-line' '--max-message' "
        "'--max-connections' '--max-memory'\n");
}
