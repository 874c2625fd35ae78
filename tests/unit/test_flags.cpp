// The shared pieces of both command lines (common/flags.hpp): getopt's
// reset, how a usage error is printed, and the numbers the flags refuse.
#include <doctest/doctest.h>
#include <getopt.h>

#include <stdexcept>
#include <string>

#include "../../common/flags.hpp"
#include "command_line_helpers.hpp"

TEST_CASE("flags: start_parsing resets getopt, even inside a cluster of short options") {
  // "-ab": getopt returns 'a' and remembers, inside glibc, that 'b' is next.
  test::Argv first({"./program", "-ab"});
  flags::start_parsing();
  CHECK(getopt(first.argc(), first.argv(), "ab") == 'a');
  // optind = 1 would not forget that 'b'; start_parsing's optind = 0 does.
  test::Argv second({"./program", "-a"});
  flags::start_parsing();
  CHECK(getopt(second.argc(), second.argv(), "ab") == 'a');
  CHECK(getopt(second.argc(), second.argv(), "ab") == -1);
}

TEST_CASE("flags: getopt's own errors get only the hint; ours get the program's name first") {
  {
    test::StderrCapture stderr_text;
    flags::print_usage_error("./client", flags::ReportedUsageError(), "Try ./client --help");
    CHECK(stderr_text.text() == "Try ./client --help\n");
  }
  {
    test::StderrCapture stderr_text;
    flags::print_usage_error("./client", std::invalid_argument("no HOST given"),
                             "Try ./client --help");
    CHECK(stderr_text.text() == "./client: no HOST given\nTry ./client --help\n");
  }
}

TEST_CASE("flags: a ReportedUsageError is a usage error like any other") {
  CHECK_THROWS_AS(throw flags::ReportedUsageError(), std::invalid_argument);
}

TEST_CASE("flags: parse_number takes whole numbers within the range") {
  CHECK(flags::parse_number("port", "0", 0, 65535) == 0);
  CHECK(flags::parse_number("port", "61000", 0, 65535) == 61000);
  CHECK(flags::parse_number("port", "65535", 0, 65535) == 65535);
}

TEST_CASE("flags: parse_number refuses what is not a plain number in range") {
  // std::stoull alone would take " 80" and "+80", and turn "-1" into 2^64-1.
  for (std::string text :
       {"", "abc", "-1", "65536", "12x", " 80", "+80", "\t80", "80 ", "99999999999999999999"}) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(flags::parse_number("port", text, 0, 65535),
                         doctest::Contains("--port wants a whole number from 0 to 65535"),
                         std::invalid_argument);
  }
}
