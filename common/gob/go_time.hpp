// Go's time.Time as std::chrono::system_clock::time_point.
//
// time.Time encodes itself (it is a GobEncoder): on the wire it is a
// definition of kind GobEncoder named "Time", and each value is a byte
// string in the layout of Time.MarshalBinary (time.go):
//
//   version  1 byte    1 (2 adds a seconds byte to the zone offset)
//   seconds  8 bytes   big-endian, since January 1 of year 1, UTC
//   nanos    4 bytes   big-endian, 0 to 999,999,999
//   offset   2 bytes   the zone's offset east of UTC in minutes; -1 is UTC
//
// A time_point has no zone: it is sent as UTC, and a received time keeps
// its instant and drops its zone. Go's zero Time (year 1, which a
// nanosecond time_point cannot reach) and the time_point{} (the Unix epoch)
// stand for each other: an unset field stays unset both ways. A time
// outside what a time_point holds (years 1678 to 2261) is refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../go_syntax.hpp"
#include "codec.hpp"

namespace gob {

using GoTime = std::chrono::system_clock::time_point;

// The bytes of Time.MarshalBinary for `time`, and the reverse.
std::vector<std::uint8_t> marshal_go_time(GoTime time);
GoTime unmarshal_go_time(std::span<const std::uint8_t> bytes);  // throws ProtocolError

template <>
inline constexpr std::string_view kGoTypeName<GoTime> = "Time";

template <>
struct Codec<GoTime> {
  static std::string go_name() { return "time.Time"; }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return define_gob_encoder<GoTime>(registry, name);
  }
  // Go leaves a zero Time out of a struct (a struct whose fields are zero).
  static bool is_zero(GoTime time) { return time == GoTime{}; }
  static void encode(WireWriter& out, GoTime time) { out.put_bytes(marshal_go_time(time)); }
  static void decode(ValueDecoder& in, TypeId wire, GoTime& time) {
    in.expect_composite(wire, Kind::GobEncoder, &go_name);
    time = unmarshal_go_time(in.bytes().get_byte_view());
  }
};

}  // namespace gob

// %#v of a time.Time, as its GoString method writes it:
// time.Date(2017, time.February, 9, 12, 30, 45, 123456789, time.UTC).
void append_go_time(std::string& out, gob::GoTime time);

template <>
struct GoSyntax<gob::GoTime> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "time.Time"; }
  static void append_value(std::string& out, gob::GoTime time) { append_go_time(out, time); }
};
