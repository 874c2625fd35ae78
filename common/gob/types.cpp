#include "types.hpp"

#include "../error.hpp"

namespace gob {

std::string describe_type_id(TypeId id, const WireType* definition) {
  switch (id) {
    case type_ids::kBool: return "bool";
    case type_ids::kInt: return "int";
    case type_ids::kUint: return "uint";
    case type_ids::kFloat: return "float";
    case type_ids::kBytes: return "[]byte";
    case type_ids::kString: return "string";
    case type_ids::kComplex: return "complex";
    case type_ids::kInterface: return "interface";
    default: break;
  }
  if (definition == nullptr) return "type id " + std::to_string(id);
  switch (definition->kind) {
    case Kind::Struct: return "struct " + definition->name;
    case Kind::GobEncoder:
    case Kind::BinaryMarshaler:
    case Kind::TextMarshaler: return "custom-encoded type " + definition->name;
    default: return definition->name;
  }
}

// ---------------------------------------------------------- sending side --

std::optional<TypeId> TypeRegistry::find(std::type_index type) const {
  auto found = ids_.find(type);
  if (found == ids_.end()) return std::nullopt;
  return found->second;
}

TypeId TypeRegistry::reserve(std::type_index type) {
  TypeId id = type_ids::kFirstAssignedByEncoder + static_cast<TypeId>(definitions_.size());
  ids_.emplace(type, id);
  definitions_.emplace_back();
  return id;
}

TypeId TypeRegistry::next_id() const {
  return type_ids::kFirstAssignedByEncoder + static_cast<TypeId>(definitions_.size());
}

const WireType& TypeRegistry::definition(TypeId id) const {
  return definitions_[static_cast<std::size_t>(id - type_ids::kFirstAssignedByEncoder)];
}

void TypeRegistry::define(TypeId id, WireType description) {
  description.id = id;
  definitions_[static_cast<std::size_t>(id - type_ids::kFirstAssignedByEncoder)] =
      std::move(description);
}

// A wireType and its parts are gob structs, so they follow the struct rule:
// (field delta, value) pairs, zero values left out, a 0 to end.
//
//   wireType       { ArrayT, SliceT, StructT, MapT, GobEncoderT, ... }
//   CommonType     { Name string; Id int }
//   arrayType      { CommonType; Elem int; Len int }
//   sliceType      { CommonType; Elem int }
//   structType     { CommonType; Field []*fieldType }
//   fieldType      { Name string; Id int }
//   mapType        { CommonType; Key int; Elem int }
//   gobEncoderType { CommonType }
namespace {

// Writes the fields of one struct, omitting zero values as gob does.
class StructWriter {
 public:
  explicit StructWriter(WireWriter& out) : out_(out) {}
  void int_field(int number, std::int64_t value) {
    if (value != 0) {
      next_field(number);
      out_.put_int(value);
    }
  }
  void string_field(int number, const std::string& value) {
    if (!value.empty()) {
      next_field(number);
      out_.put_string(value);
    }
  }
  // A struct-valued field is always sent, even when empty.
  void next_field(int number) {
    out_.put_uint(static_cast<std::uint64_t>(number - last_));
    last_ = number;
  }
  void end() { out_.put_uint(0); }

 private:
  WireWriter& out_;
  int last_ = -1;
};

void write_common_type(WireWriter& out, const WireType& type) {
  StructWriter common(out);
  common.string_field(0, type.name);
  common.int_field(1, type.id);
  common.end();
}

}  // namespace

void write_wire_type(WireWriter& out, const WireType& type) {
  StructWriter wire_type(out);
  wire_type.next_field(static_cast<int>(type.kind));
  StructWriter body(out);
  body.next_field(0);
  write_common_type(out, type);
  switch (type.kind) {
    case Kind::Array:
      body.int_field(1, type.element);
      body.int_field(2, type.length);
      break;
    case Kind::Slice: body.int_field(1, type.element); break;
    case Kind::Struct:
      if (!type.fields.empty()) {
        body.next_field(1);
        out.put_uint(type.fields.size());
        for (const FieldType& field : type.fields) {
          StructWriter field_type(out);
          field_type.string_field(0, field.name);
          field_type.int_field(1, field.id);
          field_type.end();
        }
      }
      break;
    case Kind::Map:
      body.int_field(1, type.key);
      body.int_field(2, type.element);
      break;
    default: break;  // the gobEncoderType kinds hold only CommonType
  }
  body.end();
  wire_type.end();
}

void send_new_types(const TypeRegistry& registry, TypeId first_new, TypeId root, WireWriter& out,
                    MessageStream& stream) {
  std::vector<bool> sent(static_cast<std::size_t>(registry.next_id() - first_new), false);
  auto send = [&](auto& self, TypeId id) -> void {
    if (id < first_new || sent[static_cast<std::size_t>(id - first_new)]) return;  // basic, or sent
    sent[static_cast<std::size_t>(id - first_new)] = true;
    const WireType& type = registry.definition(id);
    out.put_int(-id);  // negative: this message defines a type
    write_wire_type(out, type);
    stream.end_message(out);
    for (const FieldType& field : type.fields) self(self, field.id);
    if (type.key != 0) self(self, type.key);
    if (type.element != 0) self(self, type.element);
  };
  send(send, root);
}

// -------------------------------------------------------- receiving side --

namespace {

// Reads the (delta, value) pairs of one struct whose fields are numbered 0
// to field_count - 1, calling read_field(number) for each; stops at the 0.
template <class ReadField>
void read_struct_fields(WireReader& in, int field_count, ReadField&& read_field) {
  int number = -1;
  while (std::uint64_t delta = in.get_uint()) {
    if (delta > static_cast<std::uint64_t>(field_count - 1 - number)) {
      throw net::ProtocolError("gob: type definition has a field delta out of range");
    }
    number += static_cast<int>(delta);
    read_field(number);
  }
}

TypeId read_type_id(WireReader& in) {
  std::int64_t id = in.get_int();
  if (id <= 0) {
    throw net::ProtocolError("gob: type definition refers to invalid type id " +
                             std::to_string(id));
  }
  return id;
}

void read_name(WireReader& in, std::string& name, MemoryAccount& memory) {
  std::string_view sent = in.get_string_view();
  memory.charge(string_heap_bytes(sent.size()));
  name = sent;
}

void read_common_type(WireReader& in, WireType& type, MemoryAccount& memory) {
  read_struct_fields(in, 2, [&](int number) {
    if (number == 0) read_name(in, type.name, memory);
    if (number == 1) type.id = in.get_int();
  });
}

void read_field_list(WireReader& in, WireType& type, MemoryAccount& memory) {
  // Each fieldType takes at least one byte (its terminating 0), but 40 bytes
  // of memory: the count is charged at that cost before the vector grows.
  std::size_t count = in.get_count(1);
  memory.charge(count * sizeof(FieldType));
  type.fields.resize(count);
  for (FieldType& field : type.fields) {
    read_struct_fields(in, 2, [&](int number) {
      if (number == 0) read_name(in, field.name, memory);
      if (number == 1) field.id = read_type_id(in);
    });
  }
}

// Reads arrayType, sliceType, structType, mapType or gobEncoderType: all
// start with CommonType as field 0; their other fields differ by kind.
void read_type_body(WireReader& in, WireType& type, MemoryAccount& memory) {
  int field_count = 0;
  switch (type.kind) {
    case Kind::Array: field_count = 3; break;
    case Kind::Slice: field_count = 2; break;
    case Kind::Struct: field_count = 2; break;
    case Kind::Map: field_count = 3; break;
    default: field_count = 1; break;
  }
  read_struct_fields(in, field_count, [&](int number) {
    if (number == 0) return read_common_type(in, type, memory);
    if (type.kind == Kind::Struct) return read_field_list(in, type, memory);
    if (type.kind == Kind::Array && number == 2) {
      type.length = in.get_int();
      return;
    }
    TypeId id = read_type_id(in);
    bool is_key = type.kind == Kind::Map && number == 1;
    (is_key ? type.key : type.element) = id;
  });
}

}  // namespace

void TypeTable::define(TypeId id, WireReader& in, MemoryAccount& memory) {
  if (id < type_ids::kFirstUser) {
    throw net::ProtocolError("gob: type id " + std::to_string(id) +
                             " is reserved (definitions start at 64)");
  }
  auto place = types_.lower_bound(id);  // one walk of the tree, for the check and the insert
  if (place != types_.end() && place->first == id) {
    throw net::ProtocolError("gob: type id " + std::to_string(id) + " is defined twice");
  }
  if (types_.size() == kMaxTypes) {
    throw net::ProtocolError("gob: more than " + std::to_string(kMaxTypes) +
                             " types defined on one stream");
  }
  memory.charge(kMapNodeOverhead + sizeof(TypeId) + sizeof(WireType));
  WireType type;
  bool seen_kind = false;
  read_struct_fields(in, 7, [&](int number) {
    if (seen_kind) throw net::ProtocolError("gob: type definition names two kinds");
    seen_kind = true;
    type.kind = static_cast<Kind>(number);
    read_type_body(in, type, memory);
  });
  if (!seen_kind) throw net::ProtocolError("gob: empty type definition");
  if (type.kind == Kind::Array && type.length < 0) {
    throw net::ProtocolError("gob: array type with negative length");
  }
  if ((type.kind == Kind::Array || type.kind == Kind::Slice || type.kind == Kind::Map) &&
      type.element == 0) {
    throw net::ProtocolError("gob: type definition without an element type");
  }
  if (type.kind == Kind::Map && type.key == 0) {
    throw net::ProtocolError("gob: map type definition without a key type");
  }
  types_.emplace_hint(place, id, std::move(type));
}

const WireType* TypeTable::find(TypeId id) const {
  auto found = types_.find(id);
  return found == types_.end() ? nullptr : &found->second;
}

}  // namespace gob
