// Go syntax: a value printed the way Go's fmt.Printf("%#v", value) prints
// the Go value it stands for, so that the C++ programs' logs read like the
// Go programs' logs (the tutorial's handleGob and client log complexData
// with %#v), line for line.
//
// GoSyntax<T> knows, for every type the gob codec (gob/codec.hpp) can send,
// the Go type's name and how %#v writes a value of it. A struct is printed
// from its gob field table, the one the codec sends it by: a field added to
// gob_fields() is printed with no code here. What Go 1.19 prints, and so
// what is printed here:
//
//   C++                            Go             %#v
//   std::int64_t (int32_t...)      int (int32...) 23, -5
//   std::uint64_t (uint32_t...)    uint (uint32..) 0x17  (hex, as %#v writes a uint)
//   bool                           bool           true
//   double                         float64        1, 0.5, 1e+21, NaN, +Inf, -0
//   float                          float32        0.1  (the digits a float32 needs)
//   std::complex<double|float>     complex128/64  (1-2i), (0.5+0i)
//   std::array<T, N>               [N]T           [3]int{1, 0, -1}  (never nil)
//   std::string                    string         "a\"b"  (see go_quote)
//   std::vector<std::uint8_t>      []byte         []uint8{0x61, 0x62}, []uint8(nil)
//   std::vector<T>                 []T            []int{1, 2}, []int(nil)
//   std::map<K, V>                 map[K]V        map[string]int{"a":1}, map[string]int(nil)
//   std::optional<std::map<K, V>>  map[K]V        map[string]int{}, map[string]int(nil)
//   std::unique_ptr<T>             *T             (*main.t)(0xc000010000), (*int)(nil)
//   a struct with gob_fields()     main.T         main.complexData{N:23, S:"", ...}
//
// Go's rules that the table follows:
// - nil, not empty: the gob encoder leaves an empty slice or map out, so the
//   receiver keeps its nil; an empty std::vector or std::map therefore prints
//   as Go's nil one, []int(nil), never as []int{}.
// - a map prints its keys sorted (fmt sorts them; std::map already is).
// - a pointer inside a value prints as its type and address, never as what
//   it points to: only the pointer handed to Printf itself is followed, and
//   then only to a struct, slice or map ("&main.complexData{...}"). That is
//   why the tutorial's C field shows an address.
// - a struct's type is "main." and its gob_name: the tutorial's Go types
//   live in package main.
// - Go spells []byte "[]uint8" inside a value (its reflect name) and
//   "[]byte" only when a []byte itself is handed to Printf.
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gob/codec.hpp"

// The primary template is not defined: a type without a specialisation
// cannot be printed (nor, without a gob::Codec, sent). Each specialisation
// has
//   composite                    whether it is a struct, slice or map: a
//                                pointer to one handed to Printf prints "&"
//                                and the value, any other as an address
//   append_type(out)             the Go type's name as %#v writes it
//   append_value(out, value)     the value as %#v writes it inside another
//                                value (a field, an element, a map entry)
template <class T>
struct GoSyntax;

// %#v of `value`, appended to `out`: what fmt.Printf("%#v", v) prints for
// the Go value v that `value` stands for. A raw pointer or a std::unique_ptr
// is printed as a pointer handed to Printf: "&main.complexData{...}".
template <class T>
void append_go_syntax(std::string& out, const T& value);

template <class T>
std::string go_syntax(const T& value) {
  std::string out;
  append_go_syntax(out, value);
  return out;
}

// A string as Go's %q (and %#v) quotes it: "a\"b\n", with escapes for
// control bytes and for bytes that are not valid UTF-8.
std::string go_quote(std::string_view text);

// ------------------------------------------------ cut for a log line --

// A log shows values a peer chose, so it cannot show them whole: one 1 MiB
// []byte would be a 5 MB line. go_syntax_cut(value) is go_syntax(value) with
// every slice and map cut after kShownElements elements and every string
// after kShownBytes bytes, each with its length shown
// (P:[]uint8{0x0, 0x0, ... (1048546 bytes)}), and the whole cut at
// kShownTotal bytes. A value within those sizes, such as the tutorial's
// sample, prints exactly as with go_syntax.
inline constexpr std::size_t kShownElements = 32;
inline constexpr std::size_t kShownBytes = 256;
inline constexpr std::size_t kShownTotal = 16 * 1024;

template <class T>
std::string go_syntax_cut(const T& value);

namespace go_syntax_detail {
// Whether this thread is inside go_syntax_cut (the appenders below ask).
bool cutting();
class Cutting {  // sets cutting() for its lifetime
 public:
  Cutting();
  ~Cutting();
  Cutting(const Cutting&) = delete;
  Cutting& operator=(const Cutting&) = delete;

 private:
  bool before_;
};
// How many of `size` elements to show, and the note for the rest,
// after `separator`: ", ... (N elements)".
std::size_t shown_count(std::size_t size);
void append_cut_note(std::string& out, std::size_t size, std::size_t shown, const char* unit,
                     const char* separator = ", ");
// Cuts `out` to kShownTotal bytes (at a character boundary) with a note.
void cut_total(std::string& out);
}  // namespace go_syntax_detail

// The pieces the specialisations are made of, each appending to `out`.
void append_go_quoted(std::string& out, std::string_view text);  // go_quote
void append_go_int(std::string& out, std::int64_t value);        // -5
void append_go_uint(std::string& out, std::uint64_t value);      // 0x17
enum class FloatSize { k32, k64 };  // Go's float32 prints the digits a float32 needs
void append_go_float(std::string& out, double value, FloatSize size = FloatSize::k64);  // 1e+21
void append_go_bytes(std::string& out, std::span<const std::uint8_t> bytes);  // 0x61, 0x62
// append_go_bytes, or the first kShownElements and ", ... (N bytes)" when cutting.
void append_go_bytes_cut(std::string& out, const std::vector<std::uint8_t>& bytes);
void append_go_address(std::string& out, const void* address);  // 0xc000010000

// ------------------------------------------------------- basic types --

// Go's int and its sized kinds: the codec sends every signed C++ integer as an int.
template <class T>
requires std::signed_integral<T>
struct GoSyntax<T> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += gob::go_integer_name<sizeof(T)>(true); }
  static void append_value(std::string& out, T value) { append_go_int(out, value); }
};

// Go's uint, which %#v writes in hex: 0x17, not 23.
template <class T>
requires std::unsigned_integral<T> &&(!std::same_as<T, bool>)struct GoSyntax<T> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += gob::go_integer_name<sizeof(T)>(false); }
  static void append_value(std::string& out, T value) { append_go_uint(out, value); }
};

template <>
struct GoSyntax<bool> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "bool"; }
  static void append_value(std::string& out, bool value) { out += value ? "true" : "false"; }
};

// Go's float64: the shortest digits that read back as the same value, in
// %g's layout (1, 0.5, 1e+06, 1e-05), and NaN, +Inf, -Inf, -0.
template <>
struct GoSyntax<double> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "float64"; }
  static void append_value(std::string& out, double value) { append_go_float(out, value); }
};

template <>
struct GoSyntax<std::string> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "string"; }
  static void append_value(std::string& out, const std::string& value) {
    std::size_t shown = go_syntax_detail::cutting() ? kShownBytes : value.size();
    append_go_quoted(out, std::string_view(value).substr(0, shown));
    go_syntax_detail::append_cut_note(out, value.size(), std::min(shown, value.size()), "bytes",
                                      "");
  }
};

// Go's float32: the shortest digits that read back as the same float32
// (0.1, not 0.10000000149011612).
template <>
struct GoSyntax<float> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "float32"; }
  static void append_value(std::string& out, float value) {
    append_go_float(out, value, FloatSize::k32);
  }
};

// Go's complex128 and complex64: (1-2i), (0.5+0i), as %#v writes them.
template <class T>
struct GoSyntax<std::complex<T>> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) {
    out += std::is_same_v<T, float> ? "complex64" : "complex128";
  }
  static void append_value(std::string& out, const std::complex<T>& value) {
    FloatSize size = std::is_same_v<T, float> ? FloatSize::k32 : FloatSize::k64;
    out += '(';
    append_go_float(out, value.real(), size);
    // Go always writes the imaginary part's sign: +0i, -2i, +Inf i.
    std::size_t before = out.size();
    append_go_float(out, value.imag(), size);
    if (out[before] != '-' && out[before] != '+') out.insert(before, 1, '+');
    out += "i)";
  }
};

// ----------------------------------------------------- slices and maps --

// Go's []byte, whose reflect name, the one %#v writes inside a value, is
// []uint8. Its bytes in hex: []uint8{0x61, 0x0, 0xff}.
template <>
struct GoSyntax<std::vector<std::uint8_t>> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) { out += "[]uint8"; }
  static void append_value(std::string& out, const std::vector<std::uint8_t>& value) {
    append_type(out);
    if (value.empty()) {
      out += "(nil)";  // sent as nothing, so it arrives as nil
      return;
    }
    out += '{';
    append_go_bytes_cut(out, value);
    out += '}';
  }
};

// []T{a, b}: the element type is written once, then each element in full,
// a struct element with its own type name: []main.item{main.item{A:1}}.
template <class T>
struct GoSyntax<std::vector<T>> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) {
    out += "[]";
    GoSyntax<T>::append_type(out);
  }
  static void append_value(std::string& out, const std::vector<T>& value) {
    append_type(out);
    if (value.empty()) {
      out += "(nil)";  // sent as nothing, so it arrives as nil
      return;
    }
    out += '{';
    std::size_t shown = go_syntax_detail::shown_count(value.size());
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) out += ", ";
      GoSyntax<T>::append_value(out, value[i]);
    }
    go_syntax_detail::append_cut_note(out, value.size(), shown, "elements");
    out += '}';
  }
};

// map[K]V{k:v, k:v} in key order, as fmt sorts a map's keys (with no space
// after the colon, as Go writes it). std::map's order is Go's for integer,
// bool, float (NaN aside) and string keys: std::string compares bytes as
// unsigned, like Go.
template <class K, class V>
struct GoSyntax<std::map<K, V>> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) {
    out += "map[";
    GoSyntax<K>::append_type(out);
    out += ']';
    GoSyntax<V>::append_type(out);
  }
  static void append_value(std::string& out, const std::map<K, V>& value) {
    append_type(out);
    if (value.empty()) {
      out += "(nil)";  // sent as nothing, so it arrives as nil
      return;
    }
    out += '{';
    std::size_t shown = go_syntax_detail::shown_count(value.size());
    auto entry = value.begin();
    for (std::size_t i = 0; i < shown; ++i, ++entry) {
      if (i > 0) out += ", ";
      GoSyntax<K>::append_value(out, entry->first);
      out += ':';
      GoSyntax<V>::append_value(out, entry->second);
    }
    go_syntax_detail::append_cut_note(out, value.size(), shown, "entries");
    out += '}';
  }
};

// A map that can be nil or empty (gob's std::optional<std::map>):
// map[string]int(nil) for std::nullopt, map[string]int{} for an empty one.
template <class K, class V>
struct GoSyntax<std::optional<std::map<K, V>>> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) { GoSyntax<std::map<K, V>>::append_type(out); }
  static void append_value(std::string& out, const std::optional<std::map<K, V>>& value) {
    if (value && value->empty()) {
      append_type(out);
      out += "{}";
      return;
    }
    GoSyntax<std::map<K, V>>::append_value(out, value ? *value : std::map<K, V>{});
  }
};

// Go's [N]T: [3]int{1, 0, -1}. An array is never nil: all N elements,
// zero or not.
template <class T, std::size_t N>
struct GoSyntax<std::array<T, N>> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) {
    out += '[';
    out += std::to_string(N);
    out += ']';
    GoSyntax<T>::append_type(out);
  }
  static void append_value(std::string& out, const std::array<T, N>& value) {
    append_type(out);
    out += '{';
    std::size_t shown = go_syntax_detail::shown_count(N);
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) out += ", ";
      GoSyntax<T>::append_value(out, value[i]);
    }
    go_syntax_detail::append_cut_note(out, N, shown, "elements");
    out += '}';
  }
};

// ------------------------------------------------------------ pointers --

// A pointer inside a value: (*main.complexData)(0xc000010000), or
// (*main.complexData)(nil). %#v never follows it (it could lead back to
// the value being printed), so its address is all there is to show; it
// differs from run to run, and from Go's.
template <class T>
struct GoSyntax<T*> {
  using Pointee = std::remove_cv_t<T>;
  static constexpr bool composite = false;
  static void append_type(std::string& out) {
    out += '*';
    GoSyntax<Pointee>::append_type(out);
  }
  static void append_value(std::string& out, const T* value) {
    out += "(";
    append_type(out);
    out += ")(";
    if (value == nullptr) {
      out += "nil";
    } else {
      append_go_address(out, value);
    }
    out += ')';
  }
};

// Go's *T. (gob sends what it points to; printing shows the pointer.)
template <class T>
struct GoSyntax<std::unique_ptr<T>> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { GoSyntax<T*>::append_type(out); }
  static void append_value(std::string& out, const std::unique_ptr<T>& value) {
    GoSyntax<T*>::append_value(out, value.get());
  }
};

// ------------------------------------------------------------- structs --

// main.complexData{N:23, S:"string data", ...}: every field of the gob
// field table, zero or not, in the table's order, as Name:value.
template <gob::GobStruct T>
struct GoSyntax<T> {
  static constexpr bool composite = true;
  static void append_type(std::string& out) {
    out += "main.";  // the tutorial's types are in Go's package main
    out += T::gob_name;
  }
  static void append_value(std::string& out, const T& value) {
    append_type(out);
    out += '{';
    gob::for_each_field<T>([&](const auto& row, int index) {
      using Member = typename std::remove_cvref_t<decltype(row)>::member_type;
      if (index > 0) out += ", ";
      out += row.name;
      out += ':';
      GoSyntax<Member>::append_value(out, value.*row.member);
    });
    out += '}';
  }
};

// ------------------------------------------------------- the top level --

namespace go_syntax_detail {

template <class T>
struct IsUniquePtr : std::false_type {};
template <class T>
struct IsUniquePtr<std::unique_ptr<T>> : std::true_type {};

// A pointer handed to Printf: Go follows it, once, to a struct, slice or
// map, and marks that with "&" (fmt's printValue at depth 0).
template <class T>
void append_top_pointer(std::string& out, const T* pointer) {
  using Pointee = std::remove_cv_t<T>;
  if (pointer != nullptr && GoSyntax<Pointee>::composite) {
    out += '&';
    GoSyntax<Pointee>::append_value(out, *pointer);
  } else {
    GoSyntax<const Pointee*>::append_value(out, pointer);
  }
}

}  // namespace go_syntax_detail

template <class T>
void append_go_syntax(std::string& out, const T& value) {
  if constexpr (std::is_pointer_v<T>) {
    go_syntax_detail::append_top_pointer(out, value);
  } else if constexpr (go_syntax_detail::IsUniquePtr<T>::value) {
    go_syntax_detail::append_top_pointer(out, value.get());
  } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
    // fmt prints a []byte handed to it by its Go spelling, not its reflect
    // name: []byte{0x61}, []byte(nil).
    out += "[]byte";
    if (value.empty()) {
      out += "(nil)";
    } else {
      out += '{';
      append_go_bytes_cut(out, value);
      out += '}';
    }
  } else {
    GoSyntax<T>::append_value(out, value);
  }
}

template <class T>
std::string go_syntax_cut(const T& value) {
  go_syntax_detail::Cutting cutting;
  std::string out = go_syntax(value);
  go_syntax_detail::cut_total(out);
  return out;
}
