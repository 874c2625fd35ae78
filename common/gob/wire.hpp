// The primitive encodings of Go's encoding/gob ("Encoding Details" in
// `go doc encoding/gob`), the bottom layer of the codec:
//
//   unsigned  < 128: one byte.  Otherwise: the byte count, negated, then the
//             value big-endian in as few bytes as it takes.  256 -> FE 01 00
//   signed    shifted left one bit; a negative value is complemented first
//             and bit 0 set, so the sign costs one bit.     -129 -> FE 01 01
//   bool      an unsigned 0 or 1
//   float     the IEEE-754 bits of the float64, byte-reversed, as an unsigned
//   string,
//   []byte    an unsigned length, then the bytes
//
// WireWriter appends these to a byte vector. WireReader takes them from one
// received message and checks every step against the bytes that are left,
// so that a lying count fails before anything is allocated for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gob {

class MessageStream;  // types.hpp

// The most bytes an unsigned integer takes: a count byte and 8 value bytes.
inline constexpr std::size_t kMaxUintSize = 9;

// Writes the encoding of `value` to `bytes` (room for kMaxUintSize);
// returns how many bytes it took.
std::size_t encode_uint(std::uint64_t value, std::uint8_t* bytes);

class WireWriter {
 public:
  // `stream`: the messages these bytes belong to, which an interface value
  // needs (it may define its type mid-value); nullptr for bytes that are
  // not a gob stream's, such as a type definition's.
  explicit WireWriter(std::vector<std::uint8_t>& out, MessageStream* stream = nullptr)
      : out_(out), stream_(stream) {}

  // Inline for the common case of a value below 128, one byte: most of a
  // message's numbers are field deltas, counts and small values.
  void put_uint(std::uint64_t value) {
    if (value < 128) {
      out_.push_back(static_cast<std::uint8_t>(value));
    } else {
      put_long_uint(value);
    }
  }
  void put_int(std::int64_t value);
  void put_bool(bool value) { put_uint(value ? 1 : 0); }
  void put_float(double value);
  void put_string(std::string_view text);
  void put_bytes(std::span<const std::uint8_t> bytes);
  // The bytes written so far (the Encoder fills in length prefixes).
  std::vector<std::uint8_t>& buffer() { return out_; }
  MessageStream* stream() const { return stream_; }

 private:
  void put_long_uint(std::uint64_t value);

  std::vector<std::uint8_t>& out_;
  MessageStream* stream_;
};

class WireReader {
 public:
  explicit WireReader(std::span<const std::uint8_t> message) : bytes_(message) {}
  // Goes on in the next message: a value that holds an interface may span
  // two (Decoder::read_type_sequence).
  void reset(std::span<const std::uint8_t> message) {
    bytes_ = message;
    position_ = 0;
  }

  // Inline for a one-byte value, as put_uint.
  std::uint64_t get_uint() {
    if (position_ < bytes_.size() && bytes_[position_] < 128) return bytes_[position_++];
    return get_long_uint();
  }
  std::int64_t get_int() {
    std::uint64_t bits = get_uint();
    // Bit 0 says whether the rest was complemented.
    std::uint64_t magnitude = bits >> 1;
    return static_cast<std::int64_t>((bits & 1) ? ~magnitude : magnitude);
  }
  bool get_bool();
  double get_float();
  std::string get_string();
  std::vector<std::uint8_t> get_bytes();
  // A string's or []byte's bytes, left in the message: for a caller that
  // must know the size before it allocates (MemoryAccount).
  std::span<const std::uint8_t> get_byte_view() {
    std::size_t size = get_count(1);
    std::span<const std::uint8_t> view = bytes_.subspan(position_, size);
    position_ += size;
    return view;
  }
  std::string_view get_string_view() {
    std::span<const std::uint8_t> view = get_byte_view();
    return {reinterpret_cast<const char*>(view.data()), view.size()};
  }

  // A count of items that follow, each taking at least `min_item_size`
  // bytes: refused when the rest of the message could not hold them. This is
  // what keeps a 5-byte message from asking for a billion-element vector.
  // (Inline, and without a division: it precedes every string and map.)
  std::size_t get_count(std::size_t min_item_size) {
    std::uint64_t count = get_uint();
    // count <= remaining() first, so that the product cannot overflow.
    if (min_item_size > 0 && (count > remaining() || count * min_item_size > remaining())) {
      count_too_large(count);
    }
    return static_cast<std::size_t>(count);
  }

  void skip(std::size_t size);
  std::size_t remaining() const { return bytes_.size() - position_; }
  bool at_end() const { return position_ == bytes_.size(); }

 private:
  std::uint8_t next_byte();
  std::uint64_t get_long_uint();
  [[noreturn]] void count_too_large(std::uint64_t count) const;

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

// Decodes an unsigned integer's byte count from its first byte: 1 for a
// value below 128, else the count of big-endian bytes that follow (1 to 8).
// Throws ProtocolError for a count above 8, which no uint64 needs.
std::size_t following_uint_bytes(std::uint8_t first_byte);

}  // namespace gob
