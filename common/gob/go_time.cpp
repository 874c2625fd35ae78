#include "go_time.hpp"

#include <limits>

#include "../error.hpp"

namespace gob {

namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

// Seconds from January 1 of year 1 to the Unix epoch (Go's unixToInternal).
constexpr std::int64_t kUnixToInternal = 62135596800;
constexpr std::uint8_t kVersion1 = 1;
constexpr std::uint8_t kVersion2 = 2;  // the offset has a seconds byte too
constexpr std::int16_t kUtcOffset = -1;

void put_big_endian(std::vector<std::uint8_t>& out, std::uint64_t value, int size) {
  for (int i = size - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t get_big_endian(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (std::uint8_t byte : bytes) value = (value << 8) | byte;
  return value;
}

}  // namespace

std::vector<std::uint8_t> marshal_go_time(GoTime time) {
  std::int64_t internal_seconds = 0;  // Go's zero Time, for the time_point{}
  std::int64_t nanos = 0;
  if (time != GoTime{}) {
    auto since_epoch = std::chrono::duration_cast<nanoseconds>(time.time_since_epoch());
    auto whole = std::chrono::floor<seconds>(since_epoch);
    internal_seconds = whole.count() + kUnixToInternal;
    nanos = (since_epoch - whole).count();
  }
  std::vector<std::uint8_t> bytes{kVersion1};
  put_big_endian(bytes, static_cast<std::uint64_t>(internal_seconds), 8);
  put_big_endian(bytes, static_cast<std::uint64_t>(nanos), 4);
  put_big_endian(bytes, static_cast<std::uint16_t>(kUtcOffset), 2);
  return bytes;
}

GoTime unmarshal_go_time(std::span<const std::uint8_t> bytes) {
  bool sized = (bytes.size() == 15 && bytes[0] == kVersion1) ||
               (bytes.size() == 16 && bytes[0] == kVersion2);
  if (!sized) {
    throw net::ProtocolError("gob: time.Time of " + std::to_string(bytes.size()) +
                             " bytes is not in MarshalBinary's layout (15 or 16 bytes)");
  }
  auto internal_seconds = static_cast<std::int64_t>(get_big_endian(bytes.subspan(1, 8)));
  auto nanos = static_cast<std::int64_t>(get_big_endian(bytes.subspan(9, 4)));
  if (nanos >= 1'000'000'000)
    throw net::ProtocolError("gob: time.Time with nanoseconds out of range");
  if (internal_seconds == 0 && nanos == 0) return GoTime{};  // Go's zero Time
  std::int64_t unix_seconds = internal_seconds - kUnixToInternal;
  constexpr std::int64_t kReach = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (internal_seconds < std::numeric_limits<std::int64_t>::min() + kUnixToInternal ||
      unix_seconds > kReach || unix_seconds < -kReach) {
    throw net::ProtocolError(
        "gob: time.Time outside what std::chrono::system_clock::time_point holds "
        "(years 1678 to 2261)");
  }
  return GoTime{
      std::chrono::duration_cast<GoTime::duration>(seconds(unix_seconds) + nanoseconds(nanos))};
}

}  // namespace gob

void append_go_time(std::string& out, gob::GoTime time) {
  using namespace std::chrono;
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  if (time == gob::GoTime{}) {
    out += "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";  // Go's zero Time
    return;
  }
  auto day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{duration_cast<nanoseconds>(time - day)};
  out += "time.Date(" + std::to_string(static_cast<int>(date.year())) + ", time." +
         kMonths[static_cast<unsigned>(date.month()) - 1] + ", " +
         std::to_string(static_cast<unsigned>(date.day())) + ", " +
         std::to_string(clock.hours().count()) + ", " + std::to_string(clock.minutes().count()) +
         ", " + std::to_string(clock.seconds().count()) + ", " +
         std::to_string(clock.subseconds().count()) + ", time.UTC)";
}
