// Codec<T>: how one C++ type travels as gob. Each supported type gets a
// specialisation with four static functions:
//
//   go_name()        the Go spelling of the type as Go's reflect String()
//                    writes it ("int8", "map[string]*main.node"), from which
//                    the names in type definitions are made (see
//                    definition_name below)
//   define(registry, name)  its type id; composite types describe
//                    themselves (and their parts) in the registry the first
//                    time, under `name`
//   is_zero(value)   whether a struct field holding it is left out
//   encode(out, v)   its bytes;  decode(in, wire_id, v): the reverse, after
//                    checking that the sender's type `wire_id` fits T
//
// Supported: signed and unsigned integers, bool, double, float (Go's
// float32), std::complex<float|double>, std::array<T, N> (Go's [N]T), std::string,
// std::vector<std::uint8_t> (Go's []byte), std::vector<T> (a slice),
// std::map<K, V>, std::optional<std::map<K, V>> (a map that can be nil or
// empty), std::unique_ptr<T> (a pointer: gob flattens pointers, so it
// travels as the T it points to), any struct that lists its fields in a
// table (see GobStruct below, and ComplexData for an example), and any type
// that encodes itself (SelfEncoding, as Go's GobEncoder). go_time.hpp adds
// std::chrono's time_point (Go's time.Time), and interface.hpp Go's
// interface{} (gob::Interface, a value of any registered type).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "types.hpp"
#include "value_decoder.hpp"
#include "wire.hpp"

namespace gob {

template <class T>
struct Codec;  // not defined: a type without a specialisation cannot travel

// ------------------------------------------------------------ integers --

// Every signed C++ integer is Go's int on the wire (gob sends all signed
// sizes alike); a value that does not fit the local type is refused, as Go
// refuses 300 for an int8.
// Go's name for a C++ integer of `Size` bytes: std::int64_t is Go's int (as
// in the tutorial's complexData), the smaller ones int32, int16, int8.
template <std::size_t Size>
constexpr const char* go_integer_name(bool is_signed) {
  if constexpr (Size == 1) return is_signed ? "int8" : "uint8";
  if constexpr (Size == 2) return is_signed ? "int16" : "uint16";
  if constexpr (Size == 4) return is_signed ? "int32" : "uint32";
  return is_signed ? "int" : "uint";
}

template <class T>
requires std::signed_integral<T>
struct Codec<T> {
  static std::string go_name() { return go_integer_name<sizeof(T)>(true); }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kInt; }
  static bool is_zero(T value) { return value == 0; }
  static void encode(WireWriter& out, T value) { out.put_int(value); }
  static void decode(ValueDecoder& in, TypeId wire, T& value) {
    in.expect_basic(wire, type_ids::kInt, "signed integer");
    std::int64_t received = in.bytes().get_int();
    if (received < std::numeric_limits<T>::min() || received > std::numeric_limits<T>::max()) {
      throw net::ProtocolError("gob: integer " + std::to_string(received) + " overflows a " +
                               std::to_string(sizeof(T) * 8) + "-bit field");
    }
    value = static_cast<T>(received);
  }
};

template <class T>
requires std::unsigned_integral<T> &&(!std::same_as<T, bool>)struct Codec<T> {
  static std::string go_name() { return go_integer_name<sizeof(T)>(false); }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kUint; }
  static bool is_zero(T value) { return value == 0; }
  static void encode(WireWriter& out, T value) { out.put_uint(value); }
  static void decode(ValueDecoder& in, TypeId wire, T& value) {
    in.expect_basic(wire, type_ids::kUint, "unsigned integer");
    std::uint64_t received = in.bytes().get_uint();
    if (received > std::numeric_limits<T>::max()) {
      throw net::ProtocolError("gob: unsigned integer " + std::to_string(received) +
                               " overflows a " + std::to_string(sizeof(T) * 8) + "-bit field");
    }
    value = static_cast<T>(received);
  }
};

template <>
struct Codec<bool> {
  static std::string go_name() { return "bool"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kBool; }
  static bool is_zero(bool value) { return !value; }
  static void encode(WireWriter& out, bool value) { out.put_bool(value); }
  static void decode(ValueDecoder& in, TypeId wire, bool& value) {
    in.expect_basic(wire, type_ids::kBool, "bool");
    value = in.bytes().get_bool();
  }
};

template <>
struct Codec<double> {
  static std::string go_name() { return "float64"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kFloat; }
  static bool is_zero(double value) { return value == 0; }
  static void encode(WireWriter& out, double value) { out.put_float(value); }
  static void decode(ValueDecoder& in, TypeId wire, double& value) {
    in.expect_basic(wire, type_ids::kFloat, "double");
    value = in.bytes().get_float();
  }
};

// A received float (always a float64 on the wire) as a T: refused when it is
// too large for T, as Go refuses it ("value out of range"), rounded when it
// is merely more precise, as Go rounds it.
template <class T>
T narrow_float(double received, const std::string& go_type) {
  if (std::isfinite(received) && std::abs(received) > std::numeric_limits<T>::max()) {
    throw net::ProtocolError("gob: float " + std::to_string(received) + " overflows a " + go_type +
                             " field");
  }
  return static_cast<T>(received);
}

// Go's float32: sent as a float64, like every float.
template <>
struct Codec<float> {
  static std::string go_name() { return "float32"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kFloat; }
  static bool is_zero(float value) { return value == 0; }
  static void encode(WireWriter& out, float value) { out.put_float(value); }
  static void decode(ValueDecoder& in, TypeId wire, float& value) {
    in.expect_basic(wire, type_ids::kFloat, "float");
    value = narrow_float<float>(in.bytes().get_float(), go_name());
  }
};

// Go's complex64 and complex128: the real part, then the imaginary part,
// each as a float (type id 7).
template <class T>
requires std::same_as<T, float> || std::same_as<T, double>
struct Codec<std::complex<T>> {
  static std::string go_name() { return std::same_as<T, float> ? "complex64" : "complex128"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kComplex; }
  static bool is_zero(const std::complex<T>& value) { return value == std::complex<T>{}; }
  static void encode(WireWriter& out, const std::complex<T>& value) {
    out.put_float(value.real());
    out.put_float(value.imag());
  }
  static void decode(ValueDecoder& in, TypeId wire, std::complex<T>& value) {
    in.expect_basic(wire, type_ids::kComplex, go_name());
    T real = narrow_float<T>(in.bytes().get_float(), go_name());
    T imaginary = narrow_float<T>(in.bytes().get_float(), go_name());
    value = {real, imaginary};
  }
};

// ------------------------------------------------------ strings, bytes --

template <>
struct Codec<std::string> {
  static std::string go_name() { return "string"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kString; }
  static bool is_zero(const std::string& value) { return value.empty(); }
  static void encode(WireWriter& out, const std::string& value) { out.put_string(value); }
  static void decode(ValueDecoder& in, TypeId wire, std::string& value) {
    in.expect_basic(wire, type_ids::kString, "std::string");
    std::string_view sent = in.bytes().get_string_view();
    in.charge(string_heap_bytes(sent.size()));
    value = sent;
  }
};

// Go's []byte is a basic type of its own (id 5), not a slice of uint8.
template <>
struct Codec<std::vector<std::uint8_t>> {
  static std::string go_name() { return "[]uint8"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kBytes; }
  static bool is_zero(const std::vector<std::uint8_t>& value) { return value.empty(); }
  static void encode(WireWriter& out, const std::vector<std::uint8_t>& value) {
    out.put_bytes(value);
  }
  static void decode(ValueDecoder& in, TypeId wire, std::vector<std::uint8_t>& value) {
    in.expect_basic(wire, type_ids::kBytes, "bytes");
    std::span<const std::uint8_t> sent = in.bytes().get_byte_view();
    in.charge(sent.size());
    value.assign(sent.begin(), sent.end());
  }
};

// ------------------------------------------------------- named types --

// A struct can travel when it names itself and lists its fields:
//   static constexpr std::string_view gob_name = "complexData";
//   static auto gob_fields() { return std::tuple{gob::field("N", &T::n), ...}; }
// The order of the table is the order of the fields on the wire.
template <class T>
concept GobStruct = requires {
  { T::gob_name } -> std::convertible_to<std::string_view>;
  T::gob_fields();
};

// A type that makes its own bytes, as a Go type with GobEncode and
// GobDecode methods does (time.Time is one). It names itself and provides
//   std::vector<std::uint8_t> gob_encode() const;
//   void gob_decode(std::span<const std::uint8_t> bytes);  // throws to refuse
// and travels as those bytes, under a definition of kind GobEncoder. A field
// holding one is left out when it equals T{} (Go leaves out a struct whose
// fields are all zero), if T can be compared.
template <class T>
concept SelfEncoding = requires(const T& value, T& target, std::span<const std::uint8_t> bytes) {
  { T::gob_name } -> std::convertible_to<std::string_view>;
  { value.gob_encode() } -> std::convertible_to<std::vector<std::uint8_t>>;
  target.gob_decode(bytes);
};

// Go's reflect Name() of the type T stands for: a named type's name
// ("complexData", "Time"), "" for a type Go does not name ([]int, *T).
template <class T>
inline constexpr std::string_view kGoTypeName = "";
template <GobStruct T>
inline constexpr std::string_view kGoTypeName<T> = T::gob_name;
template <SelfEncoding T>
inline constexpr std::string_view kGoTypeName<T> = T::gob_name;

// What a pointer (to a pointer...) points to in the end: gob sends that.
template <class T>
struct PointerBase {
  using type = T;
};
template <class T>
struct PointerBase<std::unique_ptr<T>> : PointerBase<T> {};
template <class T>
using PointerBaseOf = typename PointerBase<T>::type;

// The name Go gives a type's definition depends on where Go meets the type
// first (newTypeObject in encoding/gob/type.go), and the first one stays:
// - the value's own type, and an interface's concrete type: its Name();
// - a struct field's type: its base's Name(), or if it has none, its
//   String() ("map[string]*main.node", "[]int8");
// - a slice's element: its Name() (none for a pointer);
// - an array's element, a map's key and element: no name at all.
template <class T>
std::string top_level_name() {
  return std::string(kGoTypeName<PointerBaseOf<T>>);
}
template <class T>
std::string field_type_name();  // after the Codecs below: it needs go_name()

// ----------------------------------------------------- slices and maps --

// A composite type's definition (a slice, an array, a map) gets its id
// after its parts', as Go hands them out (type.go's "historical aside");
// structs get theirs first. A part may lead back to the type itself through
// a struct, which then defines it: hence the second find().
template <class T, class DescribeParts>
TypeId define_after_parts(TypeRegistry& registry, DescribeParts&& describe_parts) {
  if (auto id = registry.find(typeid(T))) return *id;
  WireType type = describe_parts();
  if (auto id = registry.find(typeid(T))) return *id;
  TypeId id = registry.reserve(typeid(T));
  registry.define(id, std::move(type));
  return id;
}

template <class T>
struct Codec<std::vector<T>> {
  static std::string go_name() { return "[]" + Codec<T>::go_name(); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return define_after_parts<std::vector<T>>(registry, [&] {
      WireType type;
      type.kind = Kind::Slice;
      type.name = name;
      type.element = Codec<T>::define(registry, kGoTypeName<T>);
      return type;
    });
  }
  static bool is_zero(const std::vector<T>& value) { return value.empty(); }
  // A slice sends every element, zero or not.
  static void encode(WireWriter& out, const std::vector<T>& value) {
    out.put_uint(value.size());
    for (const auto& element : value) Codec<T>::encode(out, element);
  }
  static void decode(ValueDecoder& in, TypeId wire, std::vector<T>& value) {
    const WireType& type = in.expect_composite(wire, Kind::Slice, &go_name);
    in.enter();
    // Every element takes at least one byte, so the count is checked against
    // the bytes left, and its memory charged, before the vector grows.
    std::size_t count = in.bytes().get_count(1);
    in.charge(count * sizeof(T));
    value.resize(count);
    if constexpr (std::same_as<T, bool>) {
      // std::vector<bool> packs its bits: an element is no bool& to decode into.
      for (std::size_t i = 0; i < count; ++i) {
        bool element = false;
        Codec<bool>::decode(in, type.element, element);
        value[i] = element;
      }
    } else {
      for (T& element : value) Codec<T>::decode(in, type.element, element);
    }
    in.leave();
  }
};

// Go's array [N]T: a type of its own (its length is part of it), sent with
// its count like a slice. A field holding one is always sent, zero or not,
// as Go's encoder sends it; a count other than N is refused, as Go refuses
// it ("length mismatch").
template <class T, std::size_t N>
struct Codec<std::array<T, N>> {
  static std::string go_name() { return "[" + std::to_string(N) + "]" + Codec<T>::go_name(); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return define_after_parts<std::array<T, N>>(registry, [&] {
      WireType type;
      type.kind = Kind::Array;
      type.name = name;
      type.element = Codec<T>::define(registry);
      type.length = static_cast<std::int64_t>(N);
      return type;
    });
  }
  static bool is_zero(const std::array<T, N>&) { return false; }
  static void encode(WireWriter& out, const std::array<T, N>& value) {
    out.put_uint(N);
    for (const T& element : value) Codec<T>::encode(out, element);
  }
  static void decode(ValueDecoder& in, TypeId wire, std::array<T, N>& value) {
    const WireType& type = in.expect_composite(wire, Kind::Array, &go_name);
    in.enter();
    std::size_t count = in.bytes().get_count(1);
    if (count != N || type.length != static_cast<std::int64_t>(N)) {
      throw net::ProtocolError("gob: array of " + std::to_string(count) + " elements sent for " +
                               go_name());
    }
    for (T& element : value) Codec<T>::decode(in, type.element, element);
    in.leave();
  }
};

template <class K, class V>
struct Codec<std::map<K, V>> {
  static std::string go_name() { return "map[" + Codec<K>::go_name() + "]" + Codec<V>::go_name(); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return define_after_parts<std::map<K, V>>(registry, [&] {
      WireType type;
      type.kind = Kind::Map;
      type.name = name;
      type.key = Codec<K>::define(registry);
      type.element = Codec<V>::define(registry);
      return type;
    });
  }
  // An empty std::map stands for Go's nil map and is left out. (Go sends an
  // empty non-nil map, which decode() accepts; std::optional<std::map> below
  // can send one too.)
  static bool is_zero(const std::map<K, V>& value) { return value.empty(); }
  static void encode(WireWriter& out, const std::map<K, V>& value) {
    out.put_uint(value.size());
    for (const auto& [key, element] : value) {
      Codec<K>::encode(out, key);
      Codec<V>::encode(out, element);
    }
  }
  static void decode(ValueDecoder& in, TypeId wire, std::map<K, V>& value) {
    const WireType& type = in.expect_composite(wire, Kind::Map, &go_name);
    in.enter();
    value.clear();
    std::size_t count = in.bytes().get_count(2);  // a key and a value: 2 bytes at least
    for (std::size_t i = 0; i < count; ++i) {
      K key{};
      Codec<K>::decode(in, type.key, key);
      auto place = value.lower_bound(key);
      if (place == value.end() || value.key_comp()(key, place->first)) {
        // A new key costs a tree node; a repeated one (Go never sends one,
        // a peer may) reuses its node and is not charged again.
        in.charge(kMapNodeOverhead + sizeof(typename std::map<K, V>::value_type));
        place = value.emplace_hint(place, std::move(key), V{});
      }
      Codec<V>::decode(in, type.element, place->second);
    }
    in.leave();
  }
};

// Go's map can be nil (left out) or empty (sent: encode.go sends
// "zero-length (but non-nil) maps"); std::map has no nil, so
// std::optional<std::map> stands for a map that can be both:
// std::nullopt is nil, an empty map is Go's map[K]V{}.
template <class K, class V>
struct Codec<std::optional<std::map<K, V>>> {
  using Map = std::map<K, V>;
  static std::string go_name() { return Codec<Map>::go_name(); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return Codec<Map>::define(registry, name);
  }
  static bool is_zero(const std::optional<Map>& value) { return !value.has_value(); }
  static void encode(WireWriter& out, const std::optional<Map>& value) {
    Codec<Map>::encode(out, value ? *value : Map{});
  }
  static void decode(ValueDecoder& in, TypeId wire, std::optional<Map>& value) {
    if (!value) value.emplace();
    Codec<Map>::decode(in, wire, *value);
  }
};

// ------------------------------------------------------------ pointers --

template <class T>
struct IsStdMap : std::false_type {};
template <class K, class V>
struct IsStdMap<std::map<K, V>> : std::true_type {};
template <class K, class V>
struct IsStdMap<std::optional<std::map<K, V>>> : std::true_type {};

// gob sends what a pointer points to, not the pointer. A struct field is
// left out when what it finally points to is zero, through any number of
// pointers, as Go's encoder looks through them (encIndirect in
// encoding/gob/encode.go): a null pointer, a pointer to 0 or to "", a
// pointer to a null pointer. One exception, also Go's: a map that exists is
// sent even when empty (encode.go sends "zero-length (but non-nil) maps"),
// so a pointer to an empty std::map is sent.
template <class T>
struct Codec<std::unique_ptr<T>> {
  static std::string go_name() { return "*" + Codec<T>::go_name(); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return Codec<T>::define(registry, name);
  }
  static bool is_zero(const std::unique_ptr<T>& value) {
    if (value == nullptr) return true;
    if constexpr (IsStdMap<T>::value) return false;
    return Codec<T>::is_zero(*value);
  }
  static void encode(WireWriter& out, const std::unique_ptr<T>& value) {
    // A field's null pointer is left out (is_zero); this is a slice's or a
    // map's element, or a pointer to one, and Go refuses those too.
    if (!value) throw std::invalid_argument("gob: cannot encode a null pointer element");
    Codec<T>::encode(out, *value);
  }
  static void decode(ValueDecoder& in, TypeId wire, std::unique_ptr<T>& value) {
    if (!value) {
      in.charge(sizeof(T));
      value = std::make_unique<T>();
    }
    Codec<T>::decode(in, wire, *value);
  }
};

// -------------------------------------------------- self-encoding types --

// The definition of a type that encodes itself: its kind and its name, no
// parts (gob's gobEncoderType holds only CommonType).
template <class T>
TypeId define_gob_encoder(TypeRegistry& registry, std::string_view name) {
  if (auto id = registry.find(typeid(T))) return *id;
  TypeId id = registry.reserve(typeid(T));
  WireType type;
  type.kind = Kind::GobEncoder;
  type.name = name;
  registry.define(id, std::move(type));
  return id;
}

template <SelfEncoding T>
struct Codec<T> {
  static std::string go_name() { return "main." + std::string(T::gob_name); }
  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    return define_gob_encoder<T>(registry, name);
  }
  static bool is_zero(const T& value) {
    if constexpr (std::equality_comparable<T>) {
      return value == T{};
    } else {
      return false;
    }
  }
  static void encode(WireWriter& out, const T& value) {
    std::vector<std::uint8_t> bytes = value.gob_encode();
    out.put_bytes(bytes);
  }
  static void decode(ValueDecoder& in, TypeId wire, T& value) {
    in.expect_composite(wire, Kind::GobEncoder, &go_name);
    std::span<const std::uint8_t> bytes = in.bytes().get_byte_view();
    in.charge(bytes.size());  // what gob_decode keeps is its own; this is a fair guess
    value.gob_decode(bytes);
  }
};

// ------------------------------------------------------------- structs --

// One row of a struct's field table: the field's name on the wire and the
// member that holds it. field("N", &ComplexData::n).
template <class Struct, class Member>
struct Field {
  using member_type = Member;
  std::string_view name;
  Member Struct::*member;
};

template <class Struct, class Member>
constexpr Field<Struct, Member> field(std::string_view name, Member Struct::*member) {
  return {name, member};
}

// Whether a value of T travels as a struct at the top of a message: a
// struct, or a pointer (to a pointer...) to one, since gob sends what a
// pointer points to. Any other value travels as a one-field struct (its
// field number 0 first).
template <class T>
inline constexpr bool kTravelsAsStruct = GobStruct<PointerBaseOf<T>>;

// Calls visit(field, index) for each row of T's field table, in order.
template <GobStruct T, class Visit>
void for_each_field(Visit&& visit) {
  std::apply(
      [&](const auto&... fields) {
        int index = 0;
        (visit(fields, index++), ...);
      },
      T::gob_fields());
}

template <class T>
std::string field_type_name() {
  using Base = PointerBaseOf<T>;
  if (!kGoTypeName<Base>.empty()) return std::string(kGoTypeName<Base>);
  return Codec<Base>::go_name();
}

template <GobStruct T>
struct Codec<T> {
  static std::string go_name() { return "main." + std::string(T::gob_name); }

  static TypeId define(TypeRegistry& registry, std::string_view name = {}) {
    if (auto id = registry.find(typeid(T))) return *id;
    TypeId id = registry.reserve(typeid(T));  // before the fields: T may contain itself
    WireType type;
    type.kind = Kind::Struct;
    type.name = name;
    for_each_field<T>([&](const auto& row, int) {
      using Member = typename std::remove_cvref_t<decltype(row)>::member_type;
      TypeId field_id = Codec<Member>::define(registry, field_type_name<Member>());
      type.fields.push_back({std::string(row.name), field_id});
    });
    registry.define(id, std::move(type));
    return id;
  }

  // Go sends a struct-valued field even when all its fields are zero.
  static bool is_zero(const T&) { return false; }

  // (field delta, value) for every non-zero field, then 0.
  static void encode(WireWriter& out, const T& value) {
    int last_sent = -1;
    for_each_field<T>([&](const auto& row, int index) {
      using Member = typename std::remove_cvref_t<decltype(row)>::member_type;
      const Member& member = value.*row.member;
      if (Codec<Member>::is_zero(member)) return;
      out.put_uint(static_cast<std::uint64_t>(index - last_sent));
      last_sent = index;
      Codec<Member>::encode(out, member);
    });
    out.put_uint(0);
  }

  // Matches the sender's fields to ours by name: fields we lack are
  // skipped (and noted, for a decoder that reports them), fields the sender
  // lacks keep their value.
  static void decode(ValueDecoder& in, TypeId wire, T& value) {
    const WireType& type = in.expect_composite(wire, Kind::Struct, &go_name);
    in.enter();
    std::size_t number = static_cast<std::size_t>(-1);  // deltas count from -1
    while (std::uint64_t delta = in.bytes().get_uint()) {
      if (delta > type.fields.size() - 1 - number) {
        throw net::ProtocolError("gob: field delta " + std::to_string(delta) +
                                 " out of range in struct " + type.name);
      }
      number += delta;
      const FieldType& sent = type.fields[number];
      in.push_field(sent.name);
      if (!decode_field(in, sent, value)) in.skip_unknown_field(T::gob_name, sent);
      in.pop_field();
    }
    in.leave();
  }

 private:
  static bool decode_field(ValueDecoder& in, const FieldType& sent, T& value) {
    bool found = false;
    for_each_field<T>([&](const auto& row, int) {
      using Member = typename std::remove_cvref_t<decltype(row)>::member_type;
      if (found || row.name != sent.name) return;
      found = true;
      Codec<Member>::decode(in, sent.id, value.*row.member);
    });
    return found;
  }
};

// -------------------------------------------- pointers in slices, maps --

// Brace-building a vector or map of std::unique_ptr does not compile (an
// initializer list copies); these build them from values:
//   value.ptrs = gob::pointers(Point{1, 1}, Point{2, 2});
//   value.by_key = gob::pointer_map<std::string, Point>({{"a", {9, 9}}});
template <class T, class... Rest>
std::vector<std::unique_ptr<T>> pointers(T first, Rest... rest) {
  std::vector<std::unique_ptr<T>> made;
  made.reserve(1 + sizeof...(rest));
  made.push_back(std::make_unique<T>(std::move(first)));
  (made.push_back(std::make_unique<T>(std::move(rest))), ...);
  return made;
}

template <class K, class V>
std::map<K, std::unique_ptr<V>> pointer_map(std::initializer_list<std::pair<const K, V>> entries) {
  std::map<K, std::unique_ptr<V>> made;
  for (const auto& [key, value] : entries) made.emplace(key, std::make_unique<V>(value));
  return made;
}

}  // namespace gob
