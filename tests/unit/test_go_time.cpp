// std::chrono::system_clock::time_point as Go's time.Time: the bytes and
// the %#v text below were written by Go 1.19 for
//   type event struct { Name string; When time.Time }
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "../../common/gob/go_time.hpp"
#include "test_helpers.hpp"

namespace {

struct Event {
  std::string name;
  gob::GoTime when;
  static constexpr std::string_view gob_name = "event";
  static auto gob_fields() {
    return std::tuple{gob::field("Name", &Event::name), gob::field("When", &Event::when)};
  }
};

const std::string kEventDefinitions =
    "26 ff 81 03 01 01 05 65 76 65 6e 74 01 ff 82 00 01 02 01 04 4e 61 6d 65 01 0c 00 01 04 57 68 "
    "65 6e 01 ff 84 00 00 00 10 ff 83 05 01 01 04 54 69 6d 65 01 ff 84 00 00 00 ";

gob::GoTime utc(int year, unsigned month, unsigned day, int hours, int minutes, int seconds,
                std::int64_t nanos) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day} + std::chrono::hours{hours} +
         std::chrono::minutes{minutes} + std::chrono::seconds{seconds} +
         duration_cast<system_clock::duration>(nanoseconds{nanos});
}

}  // namespace

TEST_CASE("go time: time.Time is Go's bytes and %#v exactly, both ways") {
  struct Case {
    Event event;
    std::string value;
    std::string go_syntax;
  };
  Case cases[] = {
      {{"a", utc(2017, 2, 9, 12, 30, 45, 123456789)},
       "17 ff 82 01 01 61 01 0f 01 00 00 00 0e d0 2e 57 f5 07 5b cd 15 ff ff 00",
       "main.event{Name:\"a\", When:time.Date(2017, time.February, 9, 12, 30, 45, 123456789, "
       "time.UTC)}"},
      // Go's zero Time is left out, and stands for the time_point{}.
      {{"z", gob::GoTime{}},
       "06 ff 82 01 01 7a 00",
       "main.event{Name:\"z\", When:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)}"},
      // Before the Unix epoch: whole seconds round down, nanoseconds stay positive.
      {{"old", utc(1969, 12, 31, 23, 59, 59, 500000000)},
       "19 ff 82 01 03 6f 6c 64 01 0f 01 00 00 00 0e 77 91 f6 ff 1d cd 65 00 ff ff 00",
       "main.event{Name:\"old\", When:time.Date(1969, time.December, 31, 23, 59, 59, 500000000, "
       "time.UTC)}"},
  };
  for (const Case& each : cases) {
    CAPTURE(each.event.name);
    CHECK(test::hex(test::gob_encode(each.event)) == kEventDefinitions + each.value);
    Event back = test::gob_decode<Event>(test::unhex(kEventDefinitions + each.value));
    CHECK(back.when == each.event.when);
    CHECK(go_syntax(back) == each.go_syntax);
  }
}

TEST_CASE("go time: bytes not in MarshalBinary's layout are refused") {
  CHECK(test::protocol_error([] {
          gob::unmarshal_go_time(test::unhex("01 00"));
        }).find("not in MarshalBinary's layout") != std::string::npos);
  // Year 1 plus one second: beyond a nanosecond time_point's reach.
  CHECK(test::protocol_error([] {
          gob::unmarshal_go_time(test::unhex("01 00 00 00 00 00 00 00 01 00 00 00 00 ff ff"));
        }).find("years 1678 to 2261") != std::string::npos);
}
