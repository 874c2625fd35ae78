// gob::Decoder: reads gob messages and fills a C++ value, the counterpart of
// Go's gob.NewDecoder(r).Decode(&v).
//
// It reads messages until one carries a value, recording the type
// definitions that come before it. A peer may send anything, so every
// step is bounded (Limits): a message larger than max_message is refused
// before its body is read, and its buffer only grows as its bytes actually
// arrive; every count inside is checked against the bytes left; values nest
// at most max_depth levels; the definitions for one value may not add up to
// more than max_message bytes. Each refusal is a net::ProtocolError that
// names the limit and, where there is one, the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "../buffered_stream.hpp"
#include "codec.hpp"

namespace gob {

struct Limits {
  std::size_t max_message = 1 << 20;  // bytes in one message (--max-message)
  std::size_t max_depth = 1000;       // levels of nested structs, slices, maps
};

class Decoder {
 public:
  explicit Decoder(Limits limits = {}) : limits_(limits) {}

  // Reads messages from `in` until a value arrives, and decodes it into `out`.
  template <class T>
  void decode(net::BufferedStream& in, T& out) {
    std::vector<std::uint8_t> message;
    do {
      read_message(in, message);
    } while (!decode_message(message, out));
  }

  // Decodes the messages at the front of `bytes` (an in-memory stream) until
  // a value arrives; returns how many bytes that took.
  template <class T>
  std::size_t decode(std::span<const std::uint8_t> bytes, T& out) {
    std::size_t used = 0;
    std::span<const std::uint8_t> message;
    do {
      message = split_message(bytes.subspan(used));
      used = static_cast<std::size_t>(message.data() + message.size() - bytes.data());
    } while (!decode_message(message, out));
    return used;
  }

  // One message, length prefix removed. Returns false for a type
  // definition (recorded), true for a value (decoded into `out`).
  template <class T>
  bool decode_message(std::span<const std::uint8_t> message, T& out) {
    WireReader reader(message);
    TypeId id = reader.get_int();
    if (id < 0) {
      define_type(id, reader, message.size());
      return false;
    }
    ValueDecoder values(reader, types_, limits_.max_depth);
    try {
      // A value that is not a struct was sent as a one-field struct: the
      // field number 0 comes first.
      if constexpr (!GobStruct<T>) expect_singleton_marker(reader);
      Codec<T>::decode(values, id, out);
    } catch (const net::ProtocolError& error) {
      if (values.path().empty()) throw;
      throw net::ProtocolError("in field " + values.path() + ": " + error.what());
    }
    expect_end(reader);
    return true;
  }

 private:
  void read_message(net::BufferedStream& in, std::vector<std::uint8_t>& message);
  std::span<const std::uint8_t> split_message(std::span<const std::uint8_t> bytes);
  void check_message_size(std::uint64_t size) const;
  void define_type(TypeId negated_id, WireReader& reader, std::size_t message_size);
  static void expect_singleton_marker(WireReader& reader);
  static void expect_end(const WireReader& reader);

  Limits limits_;
  TypeTable types_;
  std::size_t definition_bytes_ = 0;
};

}  // namespace gob
