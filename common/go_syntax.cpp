#include "go_syntax.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// \x.. for a byte %q cannot show as it is.
void append_hex_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += kHexDigits[byte >> 4];
  out += kHexDigits[byte & 0xf];
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

// Appends what std::to_chars writes; every caller's buffer is large enough
// for its value, so the call cannot fail.
template <class... Args>
void append_chars(std::string& out, Args... args) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, args...);
  (void)error;
  out.append(text, end);
}

}  // namespace

void append_go_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      std::size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        append_hex_escape(out, byte);
        ++i;
      } else {
        out += text.substr(i, length);
        i += length;
      }
      continue;
    }
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          append_hex_escape(out, byte);
        } else {
          out += static_cast<char>(byte);
        }
    }
    ++i;
  }
  out += '"';
}

std::string go_quote(std::string_view text) {
  std::string quoted;
  append_go_quoted(quoted, text);
  return quoted;
}

void append_go_int(std::string& out, std::int64_t value) {
  append_chars(out, value);
}

void append_go_uint(std::string& out, std::uint64_t value) {
  out += "0x";
  append_chars(out, value, 16);
}

// Go prints a float64 with %v's rule, strconv's 'g' with the shortest
// digits: exponent form when the decimal exponent is below -4 or at least 6
// (the precision 'g' assumes for shortest digits), plain digits otherwise.
// std::to_chars gives the same shortest digits, in exponent form; they are
// moved into place here for the plain form.
void append_go_float(std::string& out, double value, FloatSize size) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char text[32];
  // The shortest digits that read back as the same float32 or float64.
  auto [end, error] =
      size == FloatSize::k32
          ? std::to_chars(text, text + sizeof text, static_cast<float>(value),
                          std::chars_format::scientific)
          : std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  (void)error;
  std::string_view scientific(text, static_cast<std::size_t>(end - text));  // -1.25e+02
  std::size_t e = scientific.find('e');
  int exponent = 0;
  std::from_chars(scientific.data() + e + 2, scientific.data() + scientific.size(), exponent);
  if (scientific[e + 1] == '-') exponent = -exponent;
  if (exponent < -4 || exponent >= 6) {
    out += scientific;  // at least two exponent digits, as Go writes them: 1e+06
    return;
  }
  std::string_view mantissa = scientific.substr(0, e);
  if (mantissa.front() == '-') {
    out += '-';  // -0 included, as Go prints it
    mantissa.remove_prefix(1);
  }
  char digits[24];  // the mantissa without its point: 17 digits at most
  std::size_t count = 0;
  for (char c : mantissa) {
    if (c != '.') digits[count++] = c;
  }
  if (exponent < 0) {  // 0.000123
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out.append(digits, count);
    return;
  }
  auto whole = static_cast<std::size_t>(exponent) + 1;  // digits before the point
  if (count <= whole) {                                 // 123000
    out.append(digits, count);
    out.append(whole - count, '0');
  } else {  // 100000.5
    out.append(digits, whole);
    out += '.';
    out.append(digits + whole, count - whole);
  }
}

void append_go_bytes(std::string& out, std::span<const std::uint8_t> bytes) {
  const char* separator = "";
  for (std::uint8_t byte : bytes) {
    out += separator;
    out += "0x";  // %#x of a byte, with no leading zero: 0x0, 0xa, 0xff
    if (byte >= 0x10) out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0xf];
    separator = ", ";
  }
}

// fmt's fmt0x64: 0x and lowercase hex digits, no padding.
void append_go_address(std::string& out, const void* address) {
  out += "0x";
  append_chars(out, reinterpret_cast<std::uintptr_t>(address), 16);
}

void append_go_bytes_cut(std::string& out, const std::vector<std::uint8_t>& bytes) {
  std::size_t shown = go_syntax_detail::shown_count(bytes.size());
  append_go_bytes(out, std::span(bytes).first(shown));
  go_syntax_detail::append_cut_note(out, bytes.size(), shown, "bytes");
}

namespace go_syntax_detail {
namespace {
thread_local bool cutting_now = false;
}

bool cutting() {
  return cutting_now;
}

Cutting::Cutting() : before_(cutting_now) {
  cutting_now = true;
}

Cutting::~Cutting() {
  cutting_now = before_;
}

std::size_t shown_count(std::size_t size) {
  return cutting_now ? std::min(size, kShownElements) : size;
}

void append_cut_note(std::string& out, std::size_t size, std::size_t shown, const char* unit,
                     const char* separator) {
  if (shown == size) return;
  out += separator;
  out += "... (";
  append_chars(out, size);
  out += ' ';
  out += unit;
  out += ')';
}

void cut_total(std::string& out) {
  if (out.size() <= kShownTotal) return;
  std::size_t end = kShownTotal;
  // Back to the start of a UTF-8 sequence: continuation bytes are 10xxxxxx.
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xc0) == 0x80) --end;
  std::size_t size = out.size();
  out.resize(end);
  out += "... (cut at ";
  append_chars(out, end);
  out += " of ";
  append_chars(out, size);
  out += " bytes)";
}

}  // namespace go_syntax_detail
