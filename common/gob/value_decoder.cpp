#include "value_decoder.hpp"

#include "../error.hpp"

namespace gob {

void ValueDecoder::expect_basic(TypeId id, TypeId wanted, std::string_view local_type) const {
  if (id != wanted) mismatch(id, local_type);
}

void ValueDecoder::mismatch(TypeId id, std::string_view local_type) const {
  const WireType* type = types_.find(id);
  if (type == nullptr && id >= type_ids::kFirstUser) {
    throw net::ProtocolError("gob: value of undefined type id " + std::to_string(id));
  }
  if (type != nullptr && type->kind != Kind::Struct && type->kind != Kind::Array &&
      type->kind != Kind::Slice && type->kind != Kind::Map) {
    throw net::ProtocolError("gob: type mismatch: sent " + describe_type_id(id, type) +
                             ", local type is " + std::string(local_type) +
                             " (a self-encoding type, gob::SelfEncoding, receives a GobEncoder)");
  }
  if (id == type_ids::kInterface) {
    throw net::ProtocolError("gob: type mismatch: sent an interface value, local type is " +
                             std::string(local_type) +
                             " (an interface field is a gob::Interface, interface.hpp)");
  }
  throw net::ProtocolError("gob: type mismatch: sent " + describe_type_id(id, type) +
                           ", local type is " + std::string(local_type));
}

void ValueDecoder::expect_singleton_marker() {
  if (bytes_.get_uint() != 0) {
    throw net::ProtocolError("gob: a non-struct value must start with field number 0");
  }
}

void ValueDecoder::enter() {
  if (++depth_ > max_depth_) {
    throw net::ProtocolError("gob: value nested deeper than the limit of " +
                             std::to_string(max_depth_) + " levels");
  }
}

std::string ValueDecoder::path() const {
  // A path through a deeply recursive value would be thousands of names
  // long; the first and last few say enough.
  constexpr std::size_t kShown = 4;
  std::string text;
  for (std::size_t i = 0; i < path_.size(); ++i) {
    if (path_.size() > 2 * kShown && i == kShown) {
      text += ".(" + std::to_string(path_.size() - 2 * kShown) + " more)";
      i = path_.size() - kShown - 1;
      continue;
    }
    if (!text.empty()) text += '.';
    text += path_[i];
  }
  return text;
}

TypeId ValueDecoder::read_interface_type() {
  if (sequence_ == nullptr) {
    // Only a Decoder reads whole streams; a ValueDecoder of its own reads
    // one message, in which no definition can follow.
    TypeId id = bytes_.get_int();
    if (id < 0) throw net::ProtocolError("gob: type definition inside a single message");
    return id;
  }
  return sequence_->read_type_sequence(bytes_);
}

// ------------------------------------------------------------- skipping --

void ValueDecoder::skip_unknown_field(std::string_view local_struct, const FieldType& sent) {
  if (sequence_ != nullptr) sequence_->note_unknown_field(local_struct, sent.name);
  skip(sent.id);
}

void ValueDecoder::skip(TypeId id) {
  switch (id) {
    case type_ids::kBool:
    case type_ids::kInt:
    case type_ids::kUint:
    case type_ids::kFloat: bytes_.get_uint(); return;
    case type_ids::kComplex:  // two floats: real, imaginary
      bytes_.get_uint();
      bytes_.get_uint();
      return;
    case type_ids::kBytes:
    case type_ids::kString: bytes_.skip(bytes_.get_count(1)); return;
    case type_ids::kInterface: skip_interface(); return;
    default: break;
  }
  const WireType* type = types_.find(id);
  if (type == nullptr) {
    throw net::ProtocolError("gob: value of undefined type id " + std::to_string(id));
  }
  enter();
  skip_composite(*type);
  leave();
}

void ValueDecoder::skip_composite(const WireType& type) {
  switch (type.kind) {
    case Kind::Array:
    case Kind::Slice: {
      std::size_t count = bytes_.get_count(1);
      if (type.kind == Kind::Array && count != static_cast<std::size_t>(type.length)) {
        throw net::ProtocolError("gob: array of length " + std::to_string(type.length) +
                                 " sent with " + std::to_string(count) + " elements");
      }
      for (std::size_t i = 0; i < count; ++i) skip(type.element);
      return;
    }
    case Kind::Map: {
      std::size_t count = bytes_.get_count(2);
      for (std::size_t i = 0; i < count; ++i) {
        skip(type.key);
        skip(type.element);
      }
      return;
    }
    case Kind::Struct: {
      std::size_t number = static_cast<std::size_t>(-1);
      while (std::uint64_t delta = bytes_.get_uint()) {
        if (delta > type.fields.size() - 1 - number) {
          throw net::ProtocolError("gob: field delta out of range in " + type.name);
        }
        number += delta;
        skip(type.fields[number].id);
      }
      return;
    }
    default:  // GobEncoder, BinaryMarshaler, TextMarshaler: a byte string
      bytes_.skip(bytes_.get_count(1));
      return;
  }
}

// An interface value: the concrete type's registered name (empty for nil),
// then its type id (after its definition, the first time) and the value as
// a length-prefixed block, which is what makes it skippable without knowing
// the type. The definition is recorded all the same: later values use it.
void ValueDecoder::skip_interface() {
  std::size_t name_size = bytes_.get_count(1);
  bytes_.skip(name_size);
  if (name_size == 0) return;
  read_interface_type();
  bytes_.skip(bytes_.get_count(1));
}

}  // namespace gob
