#include "complex_data.hpp"

#include <cstdio>
#include <sstream>

ComplexData make_tutorial_sample() {
  ComplexData inner;
  inner.n = 256;
  inner.s = "Recursive structs? Piece of cake!";
  inner.m = {{"01", 1}, {"10", 2}, {"11", 3}};

  ComplexData outer;
  outer.n = 23;
  outer.s = "string data";
  outer.m = {{"one", 1}, {"two", 2}, {"three", 3}};
  outer.p = {'a', 'b', 'c'};
  outer.c = std::make_unique<ComplexData>(std::move(inner));
  return outer;
}

namespace {

std::string hex_byte(unsigned value, const char* format) {
  char text[8];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Length of the UTF-8 sequence at the front of `text`, or 0 if it is not a
// valid one (Go then prints each of its bytes as \x..). Valid means the
// shortest form of a code point up to U+10FFFF that is not a UTF-16
// surrogate: the first byte decides which range the second byte may take.
std::size_t utf8_sequence_length(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char first = byte(0);
  std::size_t length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 ? 2 : 0;
  if (length == 0 || first > 0xf4 || text.size() < length) return 0;
  unsigned char low = 0x80, high = 0xbf;  // the second byte's range
  if (first == 0xe0) low = 0xa0;          // shorter forms exist for these
  if (first == 0xed) high = 0x9f;         // U+D800..U+DFFF: surrogates
  if (first == 0xf0) low = 0x90;          // shorter forms exist for these
  if (first == 0xf4) high = 0x8f;         // beyond U+10FFFF
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string quoted = "\"";
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      std::size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        quoted += hex_byte(byte, "\\x%02x");
        ++i;
      } else {
        quoted += text.substr(i, length);
        i += length;
      }
      continue;
    }
    switch (byte) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\a': quoted += "\\a"; break;
      case '\b': quoted += "\\b"; break;
      case '\f': quoted += "\\f"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      case '\v': quoted += "\\v"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          quoted += hex_byte(byte, "\\x%02x");
        } else {
          quoted += static_cast<char>(byte);
        }
    }
    ++i;
  }
  return quoted + "\"";
}

namespace {

// %#v of a map: keys in sorted order, as fmt prints them (std::map is
// sorted already). An empty map is printed as Go prints a nil one, since
// that is what our encoder sends for it.
std::string format_map(const std::map<std::string, std::int64_t>& map) {
  if (map.empty()) return "map[string]int(nil)";
  std::string text = "map[string]int{";
  const char* separator = "";
  for (const auto& [key, value] : map) {
    text += separator + go_quote(key) + ":" + std::to_string(value);
    separator = ", ";
  }
  return text + "}";
}

std::string format_bytes(const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) return "[]uint8(nil)";
  std::string text = "[]uint8{";
  const char* separator = "";
  for (std::uint8_t byte : bytes) {
    text += separator + hex_byte(byte, "0x%x");
    separator = ", ";
  }
  return text + "}";
}

std::string format_pointer_field(const ComplexData* pointer) {
  if (pointer == nullptr) return "(*main.complexData)(nil)";
  std::ostringstream address;
  address << static_cast<const void*>(pointer);
  return "(*main.complexData)(" + address.str() + ")";
}

}  // namespace

std::string format_go_syntax(const ComplexData& value) {
  return "main.complexData{N:" + std::to_string(value.n) + ", S:" + go_quote(value.s) +
         ", M:" + format_map(value.m) + ", P:" + format_bytes(value.p) +
         ", C:" + format_pointer_field(value.c.get()) + "}";
}

std::string format_go_syntax(const ComplexData* value) {
  if (value == nullptr) return "(*main.complexData)(nil)";
  return "&" + format_go_syntax(*value);
}
