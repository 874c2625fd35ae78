// ValueDecoder: what the decoding of one value message needs at every level
// of the value: the bytes of the message, the types the peer defined, the
// nesting limit, the memory it may use, and the path to the field being decoded (for errors such
// as "field C.M: type mismatch"). Codec<T>::decode (codec.hpp) reads
// through it; it also skips values of any gob type, for the fields of a
// sender's struct that our struct does not have.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "memory_account.hpp"
#include "types.hpp"
#include "wire.hpp"

namespace gob {

// What an interface value needs of the stream it arrives on: Go sends the
// definition of its concrete type in the middle of the value that first
// holds one, and goes on with the value in the next message. The Decoder
// provides it.
class TypeSequence {
 public:
  virtual ~TypeSequence() = default;
  // Reads type ids from `bytes`, recording the definitions among them and
  // moving `bytes` on to the next message where one ends, until the id of a
  // value: returns that (decodeTypeSequence in encoding/gob/decoder.go).
  virtual TypeId read_type_sequence(WireReader& bytes) = 0;
  // A field the sender's struct `struct_name` has and ours does not.
  virtual void note_unknown_field(std::string_view struct_name, std::string_view field) = 0;
};

class ValueDecoder {
 public:
  ValueDecoder(WireReader& bytes, const TypeTable& types, std::size_t max_depth,
               MemoryAccount& memory, TypeSequence* sequence = nullptr)
      : bytes_(bytes), types_(types), max_depth_(max_depth), memory_(memory), sequence_(sequence) {}

  WireReader& bytes() { return bytes_; }

  // Call before allocating `bytes` for the value (MemoryAccount::charge).
  void charge(std::size_t bytes) { memory_.charge(bytes); }

  // The description of composite type `id`, which must be of `kind`;
  // otherwise a type-mismatch error naming the local type (a function, so
  // that the name is made only for the error: a Codec's go_name).
  const WireType& expect_composite(TypeId id, Kind kind, std::string (*local_type)()) const {
    const WireType* type = types_.find(id);
    if (type == nullptr || type->kind != kind) mismatch(id, local_type());
    return *type;
  }
  // Checks that basic type `id` is what `local_type` can hold.
  void expect_basic(TypeId id, TypeId wanted, std::string_view local_type) const;

  // One level deeper into the value (a struct, slice, map or array); throws
  // ProtocolError past the nesting limit. Pair with leave().
  void enter();
  void leave() { --depth_; }

  // The name of the struct field being decoded, for error messages.
  // Deliberately not restored when an exception passes: the path at the
  // moment of failure is exactly what the error message needs, and a
  // decoder that failed is not used again.
  void push_field(std::string_view name) { path_.push_back(name); }
  void pop_field() { path_.pop_back(); }
  std::string path() const;

  // A value that is not a struct travels as a one-field struct, at the top
  // of a message or in an interface: its field number 0 comes first.
  void expect_singleton_marker();

  // Reads past one value of type `id` without keeping it.
  void skip(TypeId id);
  // Skips a field of the sender's struct that ours (`local_struct`) lacks,
  // as gob's rule is, and tells the stream (Decoder::unknown_fields).
  void skip_unknown_field(std::string_view local_struct, const FieldType& sent);
  // An interface value's concrete type id (TypeSequence).
  TypeId read_interface_type();

 private:
  [[noreturn]] void mismatch(TypeId id, std::string_view local_type) const;
  void skip_interface();
  void skip_composite(const WireType& type);

  WireReader& bytes_;
  const TypeTable& types_;
  std::size_t max_depth_;
  MemoryAccount& memory_;
  TypeSequence* sequence_;
  std::size_t depth_ = 0;
  std::vector<std::string_view> path_;
};

}  // namespace gob
