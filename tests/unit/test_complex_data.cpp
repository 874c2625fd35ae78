// format_go_syntax and go_quote print what Go's %#v and %q print, so the
// C++ server's log can be compared line by line with the Go peer's. Every
// expected string below is Go 1.19's output for the same value.
#include <doctest/doctest.h>

#include <string>

#include "../../common/complex_data.hpp"

namespace {

// Pointers print as their address, which differs from run to run and from
// Go's: "(0x7fbeac003290)" becomes "(0xADDR)". (By hand, not std::regex:
// g++ 12 warns inside <regex> when built with -fsanitize=address.)
std::string without_addresses(std::string text) {
  const std::string hex_digits = "0123456789abcdef";
  for (std::size_t start = text.find("(0x"); start != std::string::npos;
       start = text.find("(0x", start + 1)) {
    std::size_t end = text.find_first_not_of(hex_digits, start + 3);
    if (end != std::string::npos && end > start + 3 && text[end] == ')') {
      text.replace(start, end + 1 - start, "(0xADDR)");
    }
  }
  return text;
}

}  // namespace

TEST_CASE("go syntax: the tutorial's sample prints as Go's %#v") {
  ComplexData sample = make_tutorial_sample();
  CHECK(without_addresses(format_go_syntax(sample)) ==
        "main.complexData{N:23, S:\"string data\", "
        "M:map[string]int{\"one\":1, \"three\":3, \"two\":2}, "  // keys sorted, as fmt does
        "P:[]uint8{0x61, 0x62, 0x63}, C:(*main.complexData)(0xADDR)}");
  // The inner value, printed through its pointer.
  CHECK(format_go_syntax(sample.c.get()) ==
        "&main.complexData{N:256, S:\"Recursive structs? Piece of cake!\", "
        "M:map[string]int{\"01\":1, \"10\":2, \"11\":3}, P:[]uint8(nil), "
        "C:(*main.complexData)(nil)}");
}

TEST_CASE("go syntax: the zero value and a nil pointer") {
  CHECK(format_go_syntax(ComplexData{}) ==
        "main.complexData{N:0, S:\"\", M:map[string]int(nil), P:[]uint8(nil), "
        "C:(*main.complexData)(nil)}");
  CHECK(format_go_syntax(static_cast<const ComplexData*>(nullptr)) == "(*main.complexData)(nil)");
}

TEST_CASE("go syntax: negative numbers, odd bytes and quoted map keys") {
  ComplexData value;
  value.n = -9223372036854775807 - 1;
  value.m = {{"a\"b", -1}};
  value.p = {0x00, 0xff, 0x10};
  CHECK(format_go_syntax(value) ==
        "main.complexData{N:-9223372036854775808, S:\"\", M:map[string]int{\"a\\\"b\":-1}, "
        "P:[]uint8{0x0, 0xff, 0x10}, C:(*main.complexData)(nil)}");
}

TEST_CASE("go quote: quotes, backslashes and control characters are escaped") {
  CHECK(go_quote("") == R"("")");
  CHECK(go_quote("plain text") == R"("plain text")");
  CHECK(go_quote("a\"b") == R"("a\"b")");
  CHECK(go_quote("\\") == R"("\\")");
  CHECK(go_quote("\n\t") == R"("\n\t")");
  CHECK(go_quote("\a\b\f\r\v") == R"("\a\b\f\r\v")");
  CHECK(go_quote(std::string("\x00", 1)) == R"("\x00")");
  CHECK(go_quote("\x01\x7f") == R"("\x01\x7f")");
}

TEST_CASE("go quote: valid UTF-8 is kept, a stray byte is escaped") {
  CHECK(go_quote("\xc3\xa9") == "\"\xc3\xa9\"");  // "é" stays as it is
  CHECK(go_quote("\xff") == R"("\xff")");
  CHECK(go_quote("\xc3") == R"("\xc3")");          // a sequence cut short
  CHECK(go_quote("\xc0\x80") == R"("\xc0\x80")");  // an overlong NUL
}

TEST_CASE("go quote: sequences that look like UTF-8 but are not are escaped, as Go does") {
  // Go's utf8 package refuses these, so %q escapes every byte of them.
  CHECK(go_quote("\xed\xa0\x80") == R"("\xed\xa0\x80")");          // a UTF-16 surrogate
  CHECK(go_quote("\xe0\x80\x80") == R"("\xe0\x80\x80")");          // overlong, 3 bytes
  CHECK(go_quote("\xf4\x90\x80\x80") == R"("\xf4\x90\x80\x80")");  // above U+10FFFF
}
