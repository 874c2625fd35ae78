// The bottom layer of gob: how single numbers, bools, floats, strings and
// byte slices become bytes ("Encoding Details" in `go doc encoding/gob`).
// Every expected value below is written as the bytes on the wire, in hex.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../../common/error.hpp"
#include "../../common/gob/wire.hpp"
#include "test_helpers.hpp"

namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();

// The bytes one put_* call writes.
template <class Put>
std::string written(Put put) {
  std::vector<std::uint8_t> out;
  gob::WireWriter writer(out);
  put(writer);
  return test::hex(out);
}

std::string uint_bytes(std::uint64_t value) {
  return written([&](gob::WireWriter& w) { w.put_uint(value); });
}
std::string int_bytes(std::int64_t value) {
  return written([&](gob::WireWriter& w) { w.put_int(value); });
}

}  // namespace

// ---------------------------------------------------------- unsigned --

TEST_CASE("wire: an unsigned integer below 128 is one byte, the value itself") {
  CHECK(uint_bytes(0) == "00");  // the gob docs' example: 0 is (00)
  CHECK(uint_bytes(1) == "01");
  CHECK(uint_bytes(7) == "07");  // the docs' example: 7 is (07)
  CHECK(uint_bytes(127) == "7f");
}

TEST_CASE("wire: a larger unsigned integer is its byte count, negated, then big-endian bytes") {
  CHECK(uint_bytes(128) == "ff 80");  // ff = -1: one byte follows
  CHECK(uint_bytes(255) == "ff ff");
  CHECK(uint_bytes(256) == "fe 01 00");  // the docs' example; fe = -2: two bytes follow
  CHECK(uint_bytes(65535) == "fe ff ff");
  CHECK(uint_bytes(std::uint64_t{1} << 32) == "fb 01 00 00 00 00");  // fb = -5
  CHECK(uint_bytes(kInt64Max) == "f8 7f ff ff ff ff ff ff ff");      // f8 = -8, the most
  CHECK(uint_bytes(kUint64Max) == "f8 ff ff ff ff ff ff ff ff");
}

TEST_CASE("wire: encode_uint writes what put_uint writes and says how many bytes") {
  for (std::uint64_t value : {std::uint64_t{0}, std::uint64_t{127}, std::uint64_t{128},
                              std::uint64_t{65536}, kUint64Max}) {
    CAPTURE(value);
    std::uint8_t bytes[gob::kMaxUintSize];
    std::size_t size = gob::encode_uint(value, bytes);
    CHECK(test::hex(std::span(bytes, size)) == uint_bytes(value));
  }
  std::uint8_t bytes[gob::kMaxUintSize];
  CHECK(gob::encode_uint(kUint64Max, bytes) == gob::kMaxUintSize);
}

// ------------------------------------------------------------ signed --

TEST_CASE("wire: a signed integer is shifted left one bit, bit 0 holding the sign") {
  // Non-negative: value << 1, then sent as an unsigned integer.
  CHECK(int_bytes(0) == "00");
  CHECK(int_bytes(1) == "02");
  CHECK(int_bytes(127) == "ff fe");  // 254 no longer fits one byte
  CHECK(int_bytes(128) == "fe 01 00");
  CHECK(int_bytes(255) == "fe 01 fe");
  CHECK(int_bytes(256) == "fe 02 00");
  CHECK(int_bytes(65535) == "fd 01 ff fe");
  CHECK(int_bytes(std::int64_t{1} << 32) == "fb 02 00 00 00 00");
  CHECK(int_bytes(kInt64Max) == "f8 ff ff ff ff ff ff ff fe");
}

TEST_CASE("wire: a negative integer is complemented, shifted, and bit 0 set") {
  CHECK(int_bytes(-1) == "01");          // ~(-1) = 0  -> (0 << 1) | 1 = 1
  CHECK(int_bytes(-128) == "ff ff");     // ~(-128) = 127 -> 255
  CHECK(int_bytes(-129) == "fe 01 01");  // the docs' example: ~(-129) = 128 -> 257
  CHECK(int_bytes(kInt64Min) == "f8 ff ff ff ff ff ff ff ff");  // ~min = max: no overflow
}

TEST_CASE("wire: integers round-trip at every power-of-two boundary") {
  std::vector<std::int64_t> values = {0, -1, 127, 128, 255, 256, 65535, -129, kInt64Max, kInt64Min};
  for (int shift = 0; shift < 63; ++shift) {
    std::int64_t power = std::int64_t{1} << shift;
    for (std::int64_t value : {power, power - 1, -power, -power - 1}) values.push_back(value);
  }
  for (std::int64_t value : values) {
    CAPTURE(value);
    std::vector<std::uint8_t> out;
    gob::WireWriter(out).put_int(value);
    gob::WireReader reader(out);
    CHECK(reader.get_int() == value);
    CHECK(reader.at_end());

    std::vector<std::uint8_t> unsigned_out;
    gob::WireWriter(unsigned_out).put_uint(static_cast<std::uint64_t>(value));
    gob::WireReader unsigned_reader(unsigned_out);
    CHECK(unsigned_reader.get_uint() == static_cast<std::uint64_t>(value));
    CHECK(unsigned_reader.at_end());
  }
}

// -------------------------------------------------------- bool, float --

TEST_CASE("wire: a bool is the unsigned integer 0 or 1, nothing else") {
  CHECK(written([](gob::WireWriter& w) { w.put_bool(false); }) == "00");
  CHECK(written([](gob::WireWriter& w) { w.put_bool(true); }) == "01");

  std::vector<std::uint8_t> both = test::unhex("00 01");
  gob::WireReader reader(both);
  CHECK_FALSE(reader.get_bool());
  CHECK(reader.get_bool());

  std::vector<std::uint8_t> two = test::unhex("02");
  gob::WireReader bad(two);
  CHECK_THROWS_WITH_AS(bad.get_bool(), doctest::Contains("bool encoded as 2"), net::ProtocolError);
}

TEST_CASE("wire: a float is its IEEE-754 bits byte-reversed, sent as an unsigned integer") {
  // 17.0 is 0x4031000000000000; reversed, 0x3140: two bytes (the docs' example).
  CHECK(written([](gob::WireWriter& w) { w.put_float(17.0); }) == "fe 31 40");
  CHECK(written([](gob::WireWriter& w) { w.put_float(0.0); }) == "00");
  CHECK(written([](gob::WireWriter& w) { w.put_float(1.0); }) == "fe f0 3f");  // 0x3ff0...
  CHECK(written([](gob::WireWriter& w) { w.put_float(-0.0); }) == "ff 80");    // the sign bit
}

TEST_CASE("wire: floats round-trip bit for bit, NaN and infinities included") {
  using limits = std::numeric_limits<double>;
  for (double value :
       {0.0, -0.0, 1.0, -2.5, 17.0, 1e300, limits::max(), limits::lowest(), limits::denorm_min(),
        limits::infinity(), -limits::infinity(), limits::quiet_NaN()}) {
    CAPTURE(value);
    std::vector<std::uint8_t> out;
    gob::WireWriter(out).put_float(value);
    gob::WireReader reader(out);
    double back = reader.get_float();
    CHECK(std::bit_cast<std::uint64_t>(back) == std::bit_cast<std::uint64_t>(value));
    CHECK(reader.at_end());
  }
}

// ----------------------------------------------------- string, bytes --

TEST_CASE("wire: a string or []byte is its length, then its bytes") {
  CHECK(written([](gob::WireWriter& w) { w.put_string(""); }) == "00");
  CHECK(written([](gob::WireWriter& w) { w.put_string("hi"); }) == "02 68 69");
  std::vector<std::uint8_t> abc = test::bytes_of("abc");
  CHECK(written([&](gob::WireWriter& w) { w.put_bytes(abc); }) == "03 61 62 63");
  // A 300-byte string: the length is a two-byte unsigned integer.
  std::string long_text(300, 'x');
  CHECK(written([&](gob::WireWriter& w) { w.put_string(long_text); }).substr(0, 11) ==
        "fe 01 2c 78");
}

TEST_CASE("wire: strings and byte slices round-trip with every byte value") {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte += static_cast<char>(byte);
  std::vector<std::uint8_t> as_bytes = test::bytes_of(every_byte);

  std::vector<std::uint8_t> out;
  gob::WireWriter writer(out);
  writer.put_string(every_byte);
  writer.put_bytes(as_bytes);
  writer.put_string("");
  writer.put_bytes({});

  gob::WireReader reader(out);
  CHECK(reader.get_string() == every_byte);
  CHECK(reader.get_bytes() == as_bytes);
  CHECK(reader.get_string().empty());
  CHECK(reader.get_bytes().empty());
  CHECK(reader.at_end());
}

TEST_CASE("wire: values are read back in the order they were written") {
  std::vector<std::uint8_t> out;
  gob::WireWriter writer(out);
  writer.put_uint(300);
  writer.put_int(-129);
  writer.put_bool(true);
  writer.put_float(17.0);
  writer.put_string("hi");
  //                    300       -129      true  17.0      "hi"
  CHECK(test::hex(out) == "fe 01 2c fe 01 01 01 fe 31 40 02 68 69");

  gob::WireReader reader(out);
  CHECK(reader.get_uint() == 300);
  CHECK(reader.get_int() == -129);
  CHECK(reader.get_bool());
  CHECK(reader.get_float() == 17.0);
  CHECK(reader.get_string() == "hi");
  CHECK(reader.remaining() == 0);
}

// ----------------------------------------------------- hostile input --

TEST_CASE("wire: every truncation of a value is refused, never read past the end") {
  for (std::string encoded : {"fe 01 00", "f8 ff ff ff ff ff ff ff ff", "03 61 62 63"}) {
    std::vector<std::uint8_t> whole = test::unhex(encoded);
    for (std::size_t size = 0; size < whole.size(); ++size) {
      CAPTURE(encoded);
      CAPTURE(size);
      gob::WireReader reader{std::span(whole).first(size)};
      if (whole[0] == 0x03) {
        CHECK_THROWS_AS(reader.get_string(), net::ProtocolError);
      } else {
        CHECK_THROWS_AS(reader.get_uint(), net::ProtocolError);
      }
    }
  }
  gob::WireReader empty(std::span<const std::uint8_t>{});
  CHECK_THROWS_WITH_AS(empty.get_uint(), doctest::Contains("truncated"), net::ProtocolError);
}

TEST_CASE("wire: an unsigned integer claiming more than 8 bytes is refused") {
  // f7 = -9: nine bytes would follow, more than any uint64 needs.
  std::vector<std::uint8_t> nine = test::unhex("f7 01 02 03 04 05 06 07 08 09");
  gob::WireReader reader(nine);
  CHECK_THROWS_WITH_AS(reader.get_uint(), doctest::Contains("9 bytes"), net::ProtocolError);

  CHECK(gob::following_uint_bytes(0x7f) == 0);  // the value itself
  CHECK(gob::following_uint_bytes(0xff) == 1);
  CHECK(gob::following_uint_bytes(0xf8) == 8);
  CHECK_THROWS_AS(gob::following_uint_bytes(0xf7), net::ProtocolError);
  CHECK_THROWS_AS(gob::following_uint_bytes(0x80), net::ProtocolError);  // -128 bytes
}

TEST_CASE("wire: get_count refuses a count the rest of the message cannot hold") {
  // "05 61 62": five items announced, two bytes left.
  std::vector<std::uint8_t> lying = test::unhex("05 61 62");
  gob::WireReader reader(lying);
  CHECK_THROWS_WITH_AS(reader.get_count(1), doctest::Contains("count 5"), net::ProtocolError);

  // Two items of at least two bytes each need four bytes; two are left.
  std::vector<std::uint8_t> pairs = test::unhex("02 61 62");
  gob::WireReader pair_reader(pairs);
  CHECK_THROWS_AS(pair_reader.get_count(2), net::ProtocolError);

  // Exactly enough is fine.
  gob::WireReader exact(pairs);
  CHECK(exact.get_count(1) == 2);

  // The same check guards strings, byte slices and skip().
  gob::WireReader string_reader(lying);
  CHECK_THROWS_AS(string_reader.get_string(), net::ProtocolError);
  gob::WireReader bytes_reader(lying);
  CHECK_THROWS_AS(bytes_reader.get_bytes(), net::ProtocolError);
  gob::WireReader skipper(lying);
  CHECK_THROWS_AS(skipper.skip(4), net::ProtocolError);
}

TEST_CASE("wire: a huge count does not allocate before it is checked") {
  // f8 7f ff ff ff ff ff ff ff: a string of 2^63 - 1 bytes, in a 12-byte message.
  std::vector<std::uint8_t> huge = test::unhex("f8 7f ff ff ff ff ff ff ff 61 62 63");
  gob::WireReader reader(huge);
  CHECK_THROWS_AS(reader.get_string(), net::ProtocolError);
}
