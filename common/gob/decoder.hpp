// gob::Decoder: reads gob messages and fills a C++ value, the counterpart of
// Go's gob.NewDecoder(r).Decode(&v).
//
// It reads messages until one carries a value, recording the type
// definitions that come before it. A peer may send anything, so every
// step is bounded (Limits): a message larger than max_message is refused
// before its body is read, and its buffer only grows as its bytes actually
// arrive; every count inside is checked against the bytes left; values nest
// at most max_depth levels; the definitions for one value may not add up to
// more than max_message bytes. Memory is bounded by what the peer has sent
// (MemoryAccount): the type definitions may use kDefinitionFactor times
// their bytes, a value kValueFactor times its message's bytes, each plus
// a floor. And all of it, the message buffer included, is taken from
// the server's shared budget (Limits::budget, --max-memory) once it passes
// kFreeBytes. Each refusal is a net::ProtocolError that names the limit
// and, where there is one, the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../buffered_stream.hpp"
#include "codec.hpp"

namespace gob {

struct Limits {
  std::size_t max_message = 1 << 20;  // bytes in one message (--max-message)
  std::size_t max_depth = 1000;       // levels of nested structs, slices, maps
  // Shared by all connections (--max-memory); nullptr: no shared bound.
  net::MemoryBudget* budget = nullptr;
};

// The memory decoding may hold for a peer, in proportion to what it sent.
// A value's factor is what the densest real Go values need: a []int64 of
// small numbers takes 8 bytes per byte sent, a map[string]int of distinct
// 3-byte keys 80 bytes (a tree node) per 5 bytes sent, so 16. The floor
// holds a linked list as deep as the nesting limit: the tutorial's
// complexData nested 1000 times through C is 2 bytes and 240 bytes of
// memory (the struct and its pointer) a level. Definitions
// cost more per byte (a 10-byte definition is a 180-byte WireType), but a
// program has few of them: the floor holds a thousand small ones, and the
// factor of 2 keeps a definition of a million empty fields (1 MiB sent,
// 40 MiB as FieldTypes) out.
inline constexpr std::size_t kValueFactor = 20;
inline constexpr std::size_t kValueFloor = 256 * 1024;
inline constexpr std::size_t kDefinitionFactor = 2;
inline constexpr std::size_t kDefinitionFloor = 256 * 1024;
// What one decoder may hold before it draws on Limits::budget, for a message
// and again for decoding it: enough for the tutorial's exchange (a 187-byte
// stream, about 2 KiB decoded), so that it is always served.
inline constexpr std::size_t kFreeBytes = 4 * 1024;

class Decoder final : private TypeSequence {
 public:
  explicit Decoder(Limits limits = {});
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Reads messages from `in` until a value arrives, and decodes it into `out`.
  template <class T>
  void decode(net::BufferedStream& in, T& out) {
    set_deadline(in.deadline());
    start_value();
    std::vector<std::uint8_t> message;
    source_ = Source{&in, &message, {}};
    do {
      read_message(in, message);
    } while (!decode_message(message, out));
    release_message(message);
    source_ = {};
  }

  // Decodes the messages at the front of `bytes` (an in-memory stream) until
  // a value arrives; returns how many bytes that took.
  template <class T>
  std::size_t decode(std::span<const std::uint8_t> bytes, T& out) {
    start_value();
    source_ = Source{nullptr, nullptr, bytes};
    std::span<const std::uint8_t> message;
    do {
      message = next_in_memory();
    } while (!decode_message(message, out));
    std::size_t used = bytes.size() - source_.rest.size();
    source_ = {};
    return used;
  }

  // Whether decode() notes the fields of the sender's structs that ours
  // lack (gob skips them: a misspelt name in gob_fields() is skipped too).
  // On unless turned off.
  void report_unknown_fields(bool report) { report_unknown_fields_ = report; }
  // Those of the last value decoded, as "complexData.Extra", each once; at
  // most kMaxUnknownFields of them.
  static constexpr std::size_t kMaxUnknownFields = 16;
  const std::vector<std::string>& unknown_fields() const { return unknown_fields_; }

  // One message, length prefix removed. Returns false for a type
  // definition (recorded), true for a value (decoded into `out`).
  template <class T>
  bool decode_message(std::span<const std::uint8_t> message, T& out) {
    WireReader reader(message);
    TypeId id = reader.get_int();
    if (id < 0) {
      define_type(id, reader, message.size());
      expect_end(reader);
      return false;
    }
    value_bytes_ = message.size();
    allow_value_memory();
    ValueDecoder values(reader, types_, limits_.max_depth, value_memory_, this);
    try {
      if constexpr (!kTravelsAsStruct<T>) values.expect_singleton_marker();
      Codec<T>::decode(values, id, out);
    } catch (const net::ProtocolError& error) {
      if (values.path().empty()) throw;
      throw net::ProtocolError("in field " + values.path() + ": " + error.what());
    }
    expect_end(reader);
    return true;
  }

 private:
  // Where the messages of the value being decoded come from: a stream (and
  // the buffer its messages are read into), or bytes in memory.
  struct Source {
    net::BufferedStream* stream = nullptr;
    std::vector<std::uint8_t>* buffer = nullptr;
    std::span<const std::uint8_t> rest;
  };

  TypeId read_type_sequence(WireReader& bytes) override;
  void note_unknown_field(std::string_view struct_name, std::string_view field) override;
  void start_value();
  std::span<const std::uint8_t> next_in_memory();
  void set_deadline(std::optional<net::MemoryBudget::Clock::time_point> deadline);
  void read_message(net::BufferedStream& in, std::vector<std::uint8_t>& message);
  static void grow_message(std::vector<std::uint8_t>& message, std::size_t size,
                           std::size_t wanted);
  void release_message(std::vector<std::uint8_t>& message);
  void allow_value_memory();
  void allow_definition_memory();
  std::span<const std::uint8_t> split_message(std::span<const std::uint8_t> bytes);
  void check_message_size(std::uint64_t size) const;
  void define_type(TypeId negated_id, WireReader& reader, std::size_t message_size);
  static void expect_end(const WireReader& reader);

  Limits limits_;
  // Declared before the accounts that take from them, so that they outlive
  // them: what the message being read holds of the budget, and what the
  // decoding of the definitions and the value holds.
  net::MemoryReservation message_reservation_;
  net::MemoryReservation memory_;
  MemoryAccount message_memory_;     // the buffer of the message being read
  MemoryAccount definition_memory_;  // the TypeTable, for the whole stream
  MemoryAccount value_memory_;       // what the last value decoded holds
  TypeTable types_;
  std::size_t definition_bytes_ = 0;
  std::size_t value_bytes_ = 0;  // the bytes of the messages of the value being decoded
  Source source_;
  bool report_unknown_fields_ = true;
  std::vector<std::string> unknown_fields_;
};

}  // namespace gob
