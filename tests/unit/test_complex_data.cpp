// format_go_syntax prints the tutorial's struct as Go's %#v does, so the C++
// server's log can be compared line by line with the Go peer's. Every
// expected string below is Go 1.19's output for the same value. (The
// printer itself, for every type, and go_quote: test_go_syntax.cpp.)
#include <doctest/doctest.h>

#include <string>

#include "../../common/complex_data.hpp"
#include "test_helpers.hpp"

using test::without_addresses;

TEST_CASE("tutorial's exact sample: it prints as Go's %#v") {
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

TEST_CASE("tutorial's exact sample: the zero complexData and a nil pointer print as Go's %#v") {
  CHECK(format_go_syntax(ComplexData{}) ==
        "main.complexData{N:0, S:\"\", M:map[string]int(nil), P:[]uint8(nil), "
        "C:(*main.complexData)(nil)}");
  CHECK(format_go_syntax(static_cast<const ComplexData*>(nullptr)) == "(*main.complexData)(nil)");
}

TEST_CASE("tutorial's exact sample: negative numbers, odd bytes and quoted map keys in complexData") {
  ComplexData value;
  value.n = -9223372036854775807 - 1;
  value.m = {{"a\"b", -1}};
  value.p = {0x00, 0xff, 0x10};
  CHECK(format_go_syntax(value) ==
        "main.complexData{N:-9223372036854775808, S:\"\", M:map[string]int{\"a\\\"b\":-1}, "
        "P:[]uint8{0x0, 0xff, 0x10}, C:(*main.complexData)(nil)}");
}
