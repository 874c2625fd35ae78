// Command-line flags: the forms both programs accept, and the numbers they
// refuse.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "../../common/flags.hpp"

TEST_CASE("flags: --name, -name and --name=value are flags; anything else is an argument") {
  CHECK(flags::parse_flag("--port")->name == "port");
  CHECK(flags::parse_flag("-connect")->name == "connect");
  auto inline_flag = flags::parse_flag("--port=7000");
  REQUIRE(inline_flag);
  CHECK(inline_flag->name == "port");
  CHECK(inline_flag->inline_value == "7000");
  CHECK_FALSE(flags::parse_flag("localhost"));
  CHECK_FALSE(flags::parse_flag("-"));
}

TEST_CASE("flags: a value comes inline or from the next argument") {
  char program[] = "client", port[] = "--port", number[] = "7000";
  char* argv[] = {program, port, number};
  int index = 1;
  CHECK(flags::take_value(*flags::parse_flag("--port"), 3, argv, index) == "7000");
  CHECK(index == 2);  // moved past the value
  index = 2;
  CHECK_THROWS_AS(flags::take_value(*flags::parse_flag("--port"), 3, argv, index),
                  std::invalid_argument);
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
