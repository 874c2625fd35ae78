#include "wire.hpp"

#include <bit>
#include <cstring>

#include "../error.hpp"

namespace gob {

namespace {

// Floats travel byte-reversed (std::byteswap arrives only in C++23).
std::uint64_t reverse_bytes(std::uint64_t value) {
  std::uint64_t reversed = 0;
  for (int i = 0; i < 8; ++i) {
    reversed = (reversed << 8) | (value & 0xff);
    value >>= 8;
  }
  return reversed;
}

}  // namespace

// ------------------------------------------------------------- writing --

std::size_t encode_uint(std::uint64_t value, std::uint8_t* bytes) {
  if (value < 128) {
    bytes[0] = static_cast<std::uint8_t>(value);
    return 1;
  }
  std::size_t size = 0;
  for (std::uint64_t rest = value; rest != 0; rest >>= 8) ++size;
  bytes[0] = static_cast<std::uint8_t>(-static_cast<int>(size));  // the count, negated
  for (std::size_t i = 0; i < size; ++i) {
    bytes[1 + i] = static_cast<std::uint8_t>(value >> (8 * (size - 1 - i)));
  }
  return 1 + size;
}

void WireWriter::put_long_uint(std::uint64_t value) {
  std::uint8_t bytes[kMaxUintSize];
  out_.insert(out_.end(), bytes, bytes + encode_uint(value, bytes));
}

void WireWriter::put_int(std::int64_t value) {
  // Work in unsigned arithmetic: ~value of INT64_MIN is INT64_MAX, so the
  // extremes need no special case (the reason gob complements).
  auto bits = static_cast<std::uint64_t>(value);
  put_uint(value < 0 ? (~bits << 1) | 1 : bits << 1);
}

void WireWriter::put_float(double value) {
  put_uint(reverse_bytes(std::bit_cast<std::uint64_t>(value)));
}

void WireWriter::put_string(std::string_view text) {
  put_uint(text.size());
  out_.insert(out_.end(), text.begin(), text.end());
}

void WireWriter::put_bytes(std::span<const std::uint8_t> bytes) {
  put_uint(bytes.size());
  out_.insert(out_.end(), bytes.begin(), bytes.end());
}

// ------------------------------------------------------------- reading --

std::size_t following_uint_bytes(std::uint8_t first_byte) {
  if (first_byte < 128) return 0;
  std::size_t size = static_cast<std::uint8_t>(-first_byte);
  if (size > 8) {
    throw net::ProtocolError("gob: unsigned integer of " + std::to_string(size) +
                             " bytes (at most 8 fit in 64 bits)");
  }
  return size;
}

std::uint8_t WireReader::next_byte() {
  if (position_ == bytes_.size()) {
    throw net::ProtocolError("gob: message truncated: it ends in the middle of a value");
  }
  return bytes_[position_++];
}

std::uint64_t WireReader::get_long_uint() {
  std::uint8_t first = next_byte();
  std::size_t size = following_uint_bytes(first);
  if (size == 0) return first;
  if (size > remaining()) {
    throw net::ProtocolError("gob: message truncated inside an unsigned integer");
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) value = (value << 8) | bytes_[position_++];
  return value;
}

bool WireReader::get_bool() {
  std::uint64_t value = get_uint();
  if (value > 1) throw net::ProtocolError("gob: bool encoded as " + std::to_string(value));
  return value == 1;
}

double WireReader::get_float() {
  return std::bit_cast<double>(reverse_bytes(get_uint()));
}

void WireReader::count_too_large(std::uint64_t count) const {
  throw net::ProtocolError("gob: count " + std::to_string(count) + " exceeds what the " +
                           std::to_string(remaining()) + " bytes left in the message can hold");
}

std::string WireReader::get_string() {
  return std::string(get_string_view());
}

std::vector<std::uint8_t> WireReader::get_bytes() {
  std::span<const std::uint8_t> view = get_byte_view();
  return {view.begin(), view.end()};
}

void WireReader::skip(std::size_t size) {
  if (size > remaining()) throw net::ProtocolError("gob: message truncated while skipping");
  position_ += size;
}

}  // namespace gob
