#include "dump.hpp"

#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include "../../common/complex_data.hpp"
#include "../../common/error.hpp"
#include "../../common/go_syntax.hpp"
#include "../../common/gob/encoder.hpp"
#include "../../common/gob/types.hpp"
#include "../../common/gob/wire.hpp"

namespace client {

namespace {

using gob::Kind;
using gob::TypeId;
using gob::WireType;

// ------------------------------------------------------ gob's own types --

// A type definition is itself a gob value: a wireType struct, whose parts
// are the structs below (gob's "Types on the wire"). Written down as
// WireTypes, they let one walker read a definition exactly as it reads any
// other value. Both sides know these types in advance, so they never
// travel; the numbers are the ids Go gives them (gobEncoderType, which has
// no fixed id, gets the next one), used here only as keys.
namespace gobs_own {
constexpr TypeId kWireType = 16;
constexpr TypeId kArrayType = 17;
constexpr TypeId kCommonType = 18;
constexpr TypeId kSliceType = 19;
constexpr TypeId kStructType = 20;
constexpr TypeId kFieldType = 21;
constexpr TypeId kFieldTypeList = 22;  // []*fieldType
constexpr TypeId kMapType = 23;
constexpr TypeId kGobEncoderType = 24;
}  // namespace gobs_own

WireType struct_type(std::string name, std::vector<gob::FieldType> fields) {
  WireType type;
  type.kind = Kind::Struct;
  type.name = std::move(name);
  type.fields = std::move(fields);
  return type;
}

std::map<TypeId, WireType> gobs_own_types() {
  using namespace gobs_own;
  using gob::type_ids::kInt;
  using gob::type_ids::kString;
  std::map<TypeId, WireType> types;
  // The field order is the declaration order in Go's encoding/gob/type.go:
  // the field numbers on the wire depend on it.
  types[kWireType] = struct_type("wireType", {{"ArrayT", kArrayType},
                                              {"SliceT", kSliceType},
                                              {"StructT", kStructType},
                                              {"MapT", kMapType},
                                              {"GobEncoderT", kGobEncoderType},
                                              {"BinaryMarshalerT", kGobEncoderType},
                                              {"TextMarshalerT", kGobEncoderType}});
  types[kArrayType] =
      struct_type("arrayType", {{"CommonType", kCommonType}, {"Elem", kInt}, {"Len", kInt}});
  types[kCommonType] = struct_type("CommonType", {{"Name", kString}, {"Id", kInt}});
  types[kSliceType] = struct_type("sliceType", {{"CommonType", kCommonType}, {"Elem", kInt}});
  types[kStructType] =
      struct_type("structType", {{"CommonType", kCommonType}, {"Field", kFieldTypeList}});
  types[kFieldType] = struct_type("fieldType", {{"Name", kString}, {"Id", kInt}});
  types[kFieldTypeList].kind = Kind::Slice;
  types[kFieldTypeList].name = "[]*fieldType";  // gob flattens the pointer
  types[kFieldTypeList].element = kFieldType;
  types[kMapType] =
      struct_type("mapType", {{"CommonType", kCommonType}, {"Key", kInt}, {"Elem", kInt}});
  types[kGobEncoderType] = struct_type("gobEncoderType", {{"CommonType", kCommonType}});
  return types;
}

// In gob's own structs, these int fields hold type ids.
bool holds_type_id(const std::string& field_name) {
  return field_name == "Id" || field_name == "Elem" || field_name == "Key";
}

// ------------------------------------------------------------ formatting --

constexpr std::size_t kBytesPerRow = 8;
// "0000  " + eight "xx " columns, less the last space, + two spaces.
constexpr std::size_t kMeaningColumn = 6 + kBytesPerRow * 3 - 1 + 2;

std::string hex_byte(std::uint8_t byte) {
  char text[3];
  std::snprintf(text, sizeof text, "%02x", byte);
  return text;
}

std::string hex_offset(std::size_t offset) {
  char text[17];
  std::snprintf(text, sizeof text, "%04zx", offset);
  return text;
}

// plural(3, "entry", "entries") == "3 entries"
std::string plural(std::uint64_t count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}
std::string plural(std::uint64_t count, const std::string& noun) {
  return plural(count, noun, noun + "s");
}

// An unsigned integer of more than one byte starts with its byte count,
// negated (wire.hpp): "fe: 2 bytes follow". Empty for a one-byte integer.
std::string count_byte_note(std::span<const std::uint8_t> piece) {
  if (piece.size() < 2) return "";
  return hex_byte(piece[0]) + ": " + plural(piece.size() - 1, "byte") +
         (piece.size() == 2 ? " follows" : " follow");
}

// "(zigzag 46)" or "(zigzag 512; fe: 2 bytes follow)": the unsigned integer
// a signed one travels as, read again from the same bytes.
std::string signed_note(std::span<const std::uint8_t> piece) {
  std::string note = "zigzag " + std::to_string(gob::WireReader(piece).get_uint());
  std::string count = count_byte_note(piece);
  return "(" + note + (count.empty() ? "" : "; " + count) + ")";
}

// ------------------------------------------------------------- the walker --

// Reads a stream of gob messages piece by piece and prints each piece with
// its meaning. The types it needs to read values come from the stream
// itself: every definition message is recorded in a gob::TypeTable, the
// decoder's own, before it is shown.
class Annotator {
 public:
  Annotator(std::span<const std::uint8_t> stream, std::ostream& out)
      : stream_(stream), out_(out), gobs_own_(gobs_own_types()) {}

  void run() {
    out_ << "off   bytes                    meaning\n";
    std::size_t offset = 0;
    int messages = 0;
    while (offset < stream_.size()) offset = message(++messages, offset);
    out_ << "\n" << plural(stream_.size(), "byte") << " in " << plural(messages, "message") << "\n";
  }

 private:
  // Message framing: an unsigned length, then that many bytes, which start
  // with a type id: negative for a definition, positive for a value.
  // Returns the offset just past the message.
  std::size_t message(int number, std::size_t start) {
    gob::WireReader framing(stream_.subspan(start));
    std::uint64_t size = framing.get_uint();
    if (size == 0 || size > framing.remaining()) {
      throw net::ProtocolError("gob: message " + std::to_string(number) + " announces " +
                               std::to_string(size) + " bytes; " +
                               std::to_string(framing.remaining()) + " are left");
    }
    std::size_t body = stream_.size() - framing.remaining();
    std::span<const std::uint8_t> message = stream_.subspan(body, size);

    // The project's decoder parses and checks a definition first; the walk
    // below then shows it, and later values are read by it.
    gob::WireReader first_reading(message);
    TypeId id = first_reading.get_int();
    if (id == std::numeric_limits<TypeId>::min()) {  // -id would overflow
      throw net::ProtocolError("gob: type id " + std::to_string(id) + " is out of range");
    }
    if (id < 0) definitions_.define(-id, first_reading, definition_memory_);
    TypeId type = id < 0 ? -id : id;
    std::string type_name = "type " + std::to_string(type) + ", " + describe(type);

    out_ << "\nmessage " << number << ": " << (id < 0 ? "defines " : "a value of ") << type_name
         << "\n";
    emit(start, body, 0, "length prefix: " + plural(size, "byte") + note(start, body));

    gob::WireReader reader(message);
    reader_ = &reader;
    message_end_ = body + size;
    std::size_t id_start = offset();
    reader.get_int();
    if (id < 0) {
      emit(id_start, 0,
           "type id " + std::to_string(id) + " " + signed_note(piece(id_start)) +
               ": defines type " + std::to_string(type));
      value(gobs_own::kWireType, "", 0);
    } else {
      emit(id_start, 0,
           "type id " + std::to_string(id) + " " + signed_note(piece(id_start)) +
               ": a value of type " + std::to_string(type));
      if (!is_struct(type)) singleton_marker();
      value(type, "", 0);
    }
    if (!reader.at_end()) {
      throw net::ProtocolError("gob: " + std::to_string(reader.remaining()) +
                               " bytes left over at the end of message " + std::to_string(number));
    }
    return message_end_;
  }

  // A value that is not a struct travels as field 0 of a one-field struct.
  void singleton_marker() {
    std::size_t start = offset();
    if (reader().get_uint() != 0) {
      throw net::ProtocolError("gob: a value that is not a struct must start with field number 0");
    }
    emit(start, 0, "0: a value that is not a struct is sent as field 0");
  }

  // One value of type `id`. `label` names it inside a map or slice;
  // `names_a_type` marks an int of gob's own structs that holds a type id.
  void value(TypeId id, const std::string& label, int depth, bool names_a_type = false) {
    if (depth > kMaxDepth) throw net::ProtocolError("gob: value nested too deeply to show");
    std::size_t start = offset();
    std::string prefix = label.empty() ? "" : label + ": ";
    switch (id) {
      case gob::type_ids::kInt: {
        std::int64_t number = reader().get_int();
        emit(start, depth,
             prefix + "int " + std::to_string(number) + " " + signed_note(piece(start)) +
                 (names_a_type ? ": " + type_reference(number) : ""));
        return;
      }
      case gob::type_ids::kUint: {
        std::uint64_t number = reader().get_uint();
        emit(start, depth, prefix + "uint " + std::to_string(number) + note(start, offset()));
        return;
      }
      case gob::type_ids::kBool:
        emit(start, depth, prefix + (reader().get_bool() ? "bool true" : "bool false"));
        return;
      case gob::type_ids::kFloat: {
        std::ostringstream number;
        number << reader().get_float();
        emit(start, depth,
             prefix + "float64 " + number.str() + " (its 8 bytes reversed, as an unsigned)");
        return;
      }
      case gob::type_ids::kString: {
        std::string text = reader().get_string();
        emit(start, depth,
             prefix + "string " + go_quote(text) + " (length " + std::to_string(text.size()) + ")");
        return;
      }
      case gob::type_ids::kBytes: {
        std::vector<std::uint8_t> bytes = reader().get_bytes();
        emit(start, depth,
             prefix + "[]byte " + go_quote(std::string(bytes.begin(), bytes.end())) + " (length " +
                 std::to_string(bytes.size()) + ")");
        return;
      }
      default: break;
    }
    const WireType* type = find(id);
    if (type == nullptr && id < gob::type_ids::kFirstUser) {
      throw net::ProtocolError("gob: the dump cannot show a value of " + describe(id));
    }
    if (type == nullptr) {
      throw net::ProtocolError("gob: value of type id " + std::to_string(id) +
                               ", which no message defined");
    }
    switch (type->kind) {
      case Kind::Struct: return struct_value(id, *type, prefix, depth);
      case Kind::Map: return map_value(*type, prefix, depth);
      case Kind::Slice:
      case Kind::Array: return list_value(*type, prefix, depth);
      default: throw net::ProtocolError("gob: the dump cannot show a value of " + describe(id));
    }
  }

  // (field delta, value) pairs, then 0. Fields left out are zero.
  void struct_value(TypeId id, const WireType& type, const std::string& prefix, int depth) {
    if (!prefix.empty()) heading(depth, prefix + type.name);
    bool is_gobs_own = id < gob::type_ids::kFirstUser;
    std::vector<bool> sent(type.fields.size(), false);
    std::size_t number = static_cast<std::size_t>(-1);  // deltas count from -1
    while (true) {
      std::size_t start = offset();
      std::uint64_t delta = reader().get_uint();
      if (delta == 0) {
        emit(start, depth, "0: end of " + type.name + left_out(type, sent));
        return;
      }
      if (delta > type.fields.size() - 1 - number) {
        throw net::ProtocolError("gob: field delta " + std::to_string(delta) + " out of range in " +
                                 type.name);
      }
      number += delta;
      const gob::FieldType& field = type.fields[number];
      sent[number] = true;
      // A struct has no bytes of its own before its first field, so the
      // line that announces a struct-valued field names its type.
      std::string kind = is_struct(field.id) ? " (" + describe(field.id) + ")" : "";
      emit(start, depth,
           "field delta " + std::to_string(delta) + " -> " + type.name + " field " +
               std::to_string(number) + ": " + field.name + kind);
      value(field.id, "", depth + 1, is_gobs_own && holds_type_id(field.name));
    }
  }

  // A count, then key and value for each entry.
  void map_value(const WireType& type, const std::string& prefix, int depth) {
    std::size_t start = offset();
    std::size_t count = reader().get_count(2);
    emit(start, depth,
         prefix + type.name + ", " + plural(count, "entry", "entries") + note(start, offset()));
    for (std::size_t i = 0; i < count; ++i) {
      value(type.key, "key", depth + 1);
      value(type.element, "value", depth + 1);
    }
  }

  // A count, then each element (an array sends its length as well).
  void list_value(const WireType& type, const std::string& prefix, int depth) {
    std::size_t start = offset();
    std::size_t count = reader().get_count(1);
    emit(start, depth,
         prefix + type.name + ", " + plural(count, "element") + note(start, offset()));
    for (std::size_t i = 0; i < count; ++i) {
      value(type.element, "[" + std::to_string(i) + "]", depth + 1);
    }
  }

  // ------------------------------------------------------- type names --

  const WireType* find(TypeId id) const {
    auto own = gobs_own_.find(id);
    return own != gobs_own_.end() ? &own->second : definitions_.find(id);
  }

  bool is_struct(TypeId id) const {
    const WireType* type = find(id);
    return type != nullptr && type->kind == Kind::Struct;
  }

  std::string describe(TypeId id) const { return gob::describe_type_id(id, find(id)); }

  // What a type id found inside a definition refers to. A definition may
  // name a type that a later message defines (complexData's M field names
  // map[string]int before its definition arrives).
  std::string type_reference(std::int64_t id) const {
    if (id > 0 && id < gob::type_ids::kFirstUser) return "the predefined " + describe(id);
    if (definitions_.find(id) != nullptr) return "type " + std::to_string(id) + ", " + describe(id);
    return "type " + std::to_string(id) + ", defined by a later message";
  }

  // The fields that were not sent, because they are zero: named when they
  // are few (complexData's P and C), counted when many (wireType's kinds).
  static std::string left_out(const WireType& type, const std::vector<bool>& sent) {
    std::string names;
    std::size_t count = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) {
      if (sent[i]) continue;
      names += (count++ == 0 ? "" : ", ") + type.fields[i].name;
    }
    if (count == 0) return "";
    if (count > 3) {
      names = (count == sent.size() ? "all " : "") + std::to_string(count) +
              (count == sent.size() ? " fields" : " other fields");
    }
    return " (zero, not sent: " + names + ")";
  }

  // ---------------------------------------------------------- printing --

  gob::WireReader& reader() { return *reader_; }
  std::size_t offset() const { return message_end_ - reader_->remaining(); }
  std::span<const std::uint8_t> piece(std::size_t start) const {
    return stream_.subspan(start, offset() - start);
  }

  // " (fe: 2 bytes follow)" for an unsigned integer stream_[start, end) of
  // more than one byte.
  std::string note(std::size_t start, std::size_t end) const {
    std::string count = count_byte_note(stream_.subspan(start, end - start));
    return count.empty() ? "" : " (" + count + ")";
  }

  void emit(std::size_t start, int depth, const std::string& meaning) {
    emit(start, offset(), depth, meaning);
  }

  // Prints stream_[start, end) in rows of kBytesPerRow bytes, each row with
  // its offset; the meaning goes on the first row, indented by depth.
  void emit(std::size_t start, std::size_t end, int depth, const std::string& meaning) {
    for (std::size_t row = start; row < end; row += kBytesPerRow) {
      std::string line = hex_offset(row) + " ";
      for (std::size_t i = row; i < end && i < row + kBytesPerRow; ++i) {
        line += " " + hex_byte(stream_[i]);
      }
      if (row == start) {
        line.resize(kMeaningColumn, ' ');
        line += std::string(2 * depth, ' ') + meaning;
      }
      out_ << line << "\n";
    }
  }

  // A line without bytes: the start of a struct inside a slice or map.
  void heading(int depth, const std::string& text) {
    out_ << std::string(kMeaningColumn + 2 * depth, ' ') << text << "\n";
  }

  static constexpr int kMaxDepth = 100;

  std::span<const std::uint8_t> stream_;
  std::ostream& out_;
  const std::map<TypeId, WireType> gobs_own_;
  // The bytes shown are the client's own or a file's: no memory bound.
  gob::MemoryAccount definition_memory_;
  gob::TypeTable definitions_;
  gob::WireReader* reader_ = nullptr;  // the message being shown
  std::size_t message_end_ = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_tutorial_sample() {
  std::vector<std::uint8_t> bytes;
  gob::Encoder encoder;  // fresh, as in send_gob_request: definitions included
  encoder.encode(make_tutorial_sample(), bytes);
  return bytes;
}

void annotate_gob_stream(std::span<const std::uint8_t> stream, std::ostream& out) {
  Annotator(stream, out).run();
}

void print_sample_dump(std::ostream& out) {
  out << "The GOB request for the tutorial's sample, as ./client sends it after the\n"
         "command line \"GOB\\n\" (47 4f 42 0a): the messages of a fresh gob::Encoder.\n"
         "Offsets count from the first byte after the command line. Offsets and\n"
         "bytes are hex; the numbers in the meanings are decimal.\n\n";
  std::vector<std::uint8_t> bytes = encode_tutorial_sample();
  annotate_gob_stream(bytes, out);
}

}  // namespace client
