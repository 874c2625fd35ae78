#include "decoder.hpp"

#include <algorithm>
#include <limits>

namespace gob {

Decoder::Decoder(Limits limits)
    : limits_(limits),
      message_reservation_(limits.budget, kFreeBytes, net::MemoryBudget::Use::ArrivingMessage),
      memory_(limits.budget, kFreeBytes),
      message_memory_("the message buffer", &message_reservation_),
      definition_memory_("the type definitions", &memory_),
      value_memory_("the value", &memory_) {
  // The message buffer needs no allowance of its own: check_message_size
  // bounds it by --max-message before it is charged.
  allow_definition_memory();
}

void Decoder::set_deadline(std::optional<net::MemoryBudget::Clock::time_point> deadline) {
  message_memory_.set_deadline(deadline);
  definition_memory_.set_deadline(deadline);
  value_memory_.set_deadline(deadline);
}

void Decoder::allow_value_memory() {
  static_assert(kValueFloor == 256 * 1024 && kValueFactor == 20, "the rule below says so");
  value_memory_.allow(kValueFloor + kValueFactor * value_bytes_,
                      "256 KiB, plus 20 times the bytes of its messages");
}

void Decoder::start_value() {
  value_memory_.clear();
  unknown_fields_.clear();
}

std::span<const std::uint8_t> Decoder::next_in_memory() {
  std::span<const std::uint8_t> message = split_message(source_.rest);
  source_.rest = source_.rest.subspan(
      static_cast<std::size_t>(message.data() + message.size() - source_.rest.data()));
  return message;
}

// Go's decodeTypeSequence (encoding/gob/decoder.go), for an interface value.
// Its concrete type's definition, when it is new, ends the message the
// value began in, and the value goes on in the next message (or the one
// after the definitions of its parts).
TypeId Decoder::read_type_sequence(WireReader& bytes) {
  for (;;) {
    if (bytes.at_end()) {
      std::span<const std::uint8_t> message;
      if (source_.stream != nullptr) {
        read_message(*source_.stream, *source_.buffer);
        message = *source_.buffer;
      } else if (source_.buffer == nullptr && source_.rest.data() != nullptr) {
        message = next_in_memory();
      } else {
        throw net::ProtocolError("gob: interface value cut short by the end of its message");
      }
      bytes.reset(message);
      value_bytes_ += message.size();
      allow_value_memory();
    }
    TypeId id = bytes.get_int();
    if (id >= 0) return id;
    define_type(id, bytes, bytes.remaining());
    // An interface inside an interface's value: the count of that value's
    // rest follows its definition in the same message; Go skips it too.
    if (!bytes.at_end()) bytes.get_uint();
  }
}

void Decoder::note_unknown_field(std::string_view struct_name, std::string_view field) {
  if (!report_unknown_fields_ || unknown_fields_.size() == kMaxUnknownFields) return;
  std::string name = std::string(struct_name) + "." + std::string(field);
  for (const std::string& known : unknown_fields_) {
    if (known == name) return;
  }
  unknown_fields_.push_back(std::move(name));
}

void Decoder::allow_definition_memory() {
  static_assert(kDefinitionFloor == 256 * 1024 && kDefinitionFactor == 2, "the rule says so");
  definition_memory_.allow(kDefinitionFloor + kDefinitionFactor * definition_bytes_,
                           "256 KiB, plus 2 times the definitions' bytes");
}

void Decoder::check_message_size(std::uint64_t size) const {
  if (size == 0) throw net::ProtocolError("gob: empty message");
  if (size > limits_.max_message) {
    throw net::ProtocolError("gob: message of " + std::to_string(size) +
                             " bytes exceeds the limit of " + std::to_string(limits_.max_message) +
                             " bytes (--max-message)");
  }
}

void Decoder::read_message(net::BufferedStream& in, std::vector<std::uint8_t>& message) {
  // The length prefix is an unsigned integer read straight off the stream.
  std::optional<std::uint8_t> first = in.read_byte();
  if (!first) throw net::UnexpectedEndOfStream("gob: connection closed before a message");
  std::uint64_t size = *first;
  if (std::size_t following = following_uint_bytes(*first)) {
    std::uint8_t big_endian[8];
    in.read_exact(big_endian, following);
    size = 0;
    for (std::size_t i = 0; i < following; ++i) size = (size << 8) | big_endian[i];
  }
  check_message_size(size);
  // The budget is taken for the whole message at once (memory_budget.hpp
  // says why), but the buffer grows only as the bytes arrive, never to the
  // announced size up front: a peer that announces a megabyte and sends
  // five bytes costs us five bytes of memory.
  message_memory_.clear();
  message_memory_.charge(std::max<std::size_t>(size, message.capacity()));
  message.clear();
  while (message.size() < size) {
    grow_message(message, size, std::max<std::size_t>(in.buffered(), 4096));
    std::span<const std::uint8_t> piece =
        in.read_some(std::min(size - message.size(), message.capacity() - message.size()));
    message.insert(message.end(), piece.begin(), piece.end());
  }
}

// Makes room for `wanted` more bytes of a message of `size`, doubling the
// capacity as a vector would, but never past `size`.
void Decoder::grow_message(std::vector<std::uint8_t>& message, std::size_t size,
                           std::size_t wanted) {
  wanted = std::min(wanted, size - message.size());
  if (message.capacity() - message.size() >= wanted) return;
  message.reserve(std::min(std::max(message.size() + wanted, 2 * message.capacity()), size));
}

void Decoder::release_message(std::vector<std::uint8_t>& message) {
  std::vector<std::uint8_t>().swap(message);
  message_memory_.clear();
}

std::span<const std::uint8_t> Decoder::split_message(std::span<const std::uint8_t> bytes) {
  WireReader reader(bytes);
  std::uint64_t size = reader.get_uint();
  check_message_size(size);
  if (size > reader.remaining()) {
    throw net::ProtocolError("gob: message of " + std::to_string(size) + " bytes is cut short");
  }
  return bytes.subspan(bytes.size() - reader.remaining(), size);
}

void Decoder::define_type(TypeId negated_id, WireReader& reader, std::size_t message_size) {
  // Go's type ids are 32-bit. Checking the range first also keeps the
  // negation below from overflowing on the smallest int64.
  if (negated_id < -std::int64_t{std::numeric_limits<std::int32_t>::max()}) {
    throw net::ProtocolError("gob: type id " + std::to_string(negated_id) + " out of range");
  }
  TypeId id = -negated_id;
  // Definitions are kept for the whole stream, so their total is capped too:
  // otherwise a peer could send endless definitions and never a value.
  definition_bytes_ += message_size;
  if (definition_bytes_ > limits_.max_message) {
    throw net::ProtocolError("gob: type definitions exceed " + std::to_string(limits_.max_message) +
                             " bytes (--max-message)");
  }
  allow_definition_memory();
  types_.define(id, reader, definition_memory_);
}

void Decoder::expect_end(const WireReader& reader) {
  if (!reader.at_end()) {
    throw net::ProtocolError("gob: " + std::to_string(reader.remaining()) +
                             " unexpected bytes at the end of a message");
  }
}

}  // namespace gob
