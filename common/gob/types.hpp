// Types on the wire. Before a gob stream carries a value of a composite type
// (a struct, map, slice or array) it carries that type's description, under
// a number the sender chose: the type id. A message that starts with a
// negative id (-id) defines the type; one that starts with a positive id
// carries a value of that type. Basic types have fixed ids and are never
// described.
//
// This file holds the descriptions (WireType), the two tables that keep them
// (TypeRegistry on the sending side, TypeTable on the receiving side), and
// the encoding of a description itself, which is gob's own wireType struct.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "memory_account.hpp"
#include "wire.hpp"

namespace gob {

using TypeId = std::int64_t;

// The predefined ids, the same in every gob stream.
namespace type_ids {
inline constexpr TypeId kBool = 1;
inline constexpr TypeId kInt = 2;
inline constexpr TypeId kUint = 3;
inline constexpr TypeId kFloat = 4;
inline constexpr TypeId kBytes = 5;
inline constexpr TypeId kString = 6;
inline constexpr TypeId kComplex = 7;
inline constexpr TypeId kInterface = 8;
// 16 to 23 describe gob's own wireType structs; ids up to 63 are reserved.
// User types start at 64; Go 1.19 hands out 65 first (it spends 64 on an
// internal type), and our encoder does the same so its bytes match Go's.
inline constexpr TypeId kFirstUser = 64;
inline constexpr TypeId kFirstAssignedByEncoder = 65;
}  // namespace type_ids

// Which member of gob's wireType a description fills: the field numbers of
// wireType's seven pointer fields, in order.
enum class Kind : int {
  Array = 0,
  Slice = 1,
  Struct = 2,
  Map = 3,
  GobEncoder = 4,
  BinaryMarshaler = 5,
  TextMarshaler = 6,
};

struct FieldType {
  std::string name;
  TypeId id = 0;
};

// One type description. Which members matter depends on `kind`.
struct WireType {
  Kind kind = Kind::Struct;
  std::string name;               // CommonType.Name: "complexData", "map[string]int"
  TypeId id = 0;                  // CommonType.Id
  TypeId element = 0;             // Array, Slice, Map: the element type
  TypeId key = 0;                 // Map: the key type
  std::int64_t length = 0;        // Array: the fixed length
  std::vector<FieldType> fields;  // Struct: the fields in declaration order
};

// A readable name for error messages: "int", "string", "struct complexData".
std::string describe_type_id(TypeId id, const WireType* definition);

// ---------------------------------------------------------- sending side --

// The encoder's record of the ids it handed out for C++ types, and of the
// descriptions it still has to send, in the order Go would send them: a
// composite type first, then the types of its parts.
class TypeRegistry {
 public:
  std::optional<TypeId> find(std::type_index type) const;
  // Gives `type` the next id before its parts are described, so that a
  // recursive type (ComplexData holds a pointer to ComplexData) can refer to
  // its own id.
  TypeId reserve(std::type_index type);
  void define(TypeId id, WireType description);
  const std::vector<WireType>& definitions() const { return definitions_; }
  // The id the next reserve() hands out.
  TypeId next_id() const;
  const WireType& definition(TypeId id) const;

 private:
  std::unordered_map<std::type_index, TypeId> ids_;
  std::vector<WireType> definitions_;  // index = id - kFirstAssignedByEncoder
};

// Appends the encoding of `type` as gob's wireType struct.
void write_wire_type(WireWriter& out, const WireType& type);

// Where an encoder's messages go, and the types sent on them so far.
// Definitions end one message each; an interface value, which Go sends
// with its concrete type's definition in the middle of the value that
// holds it, adds its type to the registry and ends a message mid-value.
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  // Ends the message whose bytes `out` is writing, at this point; what `out`
  // writes next starts the next message.
  virtual void end_message(WireWriter& out) = 0;
  // The types this stream has defined: an interface value's concrete type
  // is defined (and sent) the first time one travels.
  virtual TypeRegistry& registry() = 0;
};

// Sends the definitions of `root` and of its parts that are not sent yet
// (those with ids from `first_new` on), each as "-id, wireType" followed by
// stream.end_message(out): the first in the message `out` is writing, the
// others in messages of their own. In Go's order (sendActualType in
// encoding/gob/encoder.go): a type, then its parts' types, depth first,
// which is not the order of their ids.
void send_new_types(const TypeRegistry& registry, TypeId first_new, TypeId root, WireWriter& out,
                    MessageStream& stream);

// -------------------------------------------------------- receiving side --

// The decoder's record of the descriptions a peer has sent on this stream.
//
// A std::map, not a hash table: the ids are the peer's choice, and with
// std::hash's identity hash a peer can pick ids that all land in one bucket
// and make every lookup walk them all. A tree costs the same log2(n)
// comparisons whatever the ids are, and n is bounded (kMaxTypes).
class TypeTable {
 public:
  // More types than any real program sends on one stream (the tutorial's
  // sends 4; Go's own decoder has no bound).
  static constexpr std::size_t kMaxTypes = 1024;

  // Reads a wireType from `in` and records it under `id`, charging what it
  // costs in memory to `memory` first. Throws ProtocolError for an id below
  // 64, one already defined, or one type too many.
  void define(TypeId id, WireReader& in, MemoryAccount& memory);
  // The description of `id`, or nullptr if none was sent.
  const WireType* find(TypeId id) const;
  std::size_t size() const { return types_.size(); }

 private:
  std::map<TypeId, WireType> types_;
};

}  // namespace gob
