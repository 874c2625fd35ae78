// The tutorial's struct (section "The code": complexData), in C++:
//
//   Go                     C++                                  gob type
//   N int                  std::int64_t n                       int
//   S string               std::string s                        string
//   M map[string]int       std::map<std::string, std::int64_t>  map[string]int
//   P []byte               std::vector<std::uint8_t> p          []byte
//   C *complexData         std::unique_ptr<ComplexData> c       complexData
//
// Go's int is 64 bits on the machines the tutorial runs on, hence int64_t.
// The pointer becomes a unique_ptr: the outer value owns the inner one.
//
// Beefing up the struct (the tutorial's tip) is two lines: the member, and
// its row in gob_fields() below. That row is all the code there is for a
// field: the codec (gob/codec.hpp) sends and receives it, and the %#v
// printer (go_syntax.hpp) shows it in the server's and the client's logs,
// for any member type the codec supports.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "go_syntax.hpp"
#include "gob/codec.hpp"

struct ComplexData {
  std::int64_t n = 0;
  std::string s;
  std::map<std::string, std::int64_t> m;
  std::vector<std::uint8_t> p;
  std::unique_ptr<ComplexData> c;

  // The name of the Go type, sent in the type definition. The Go decoder
  // does not compare it; we use the tutorial's so the bytes match Go's.
  static constexpr std::string_view gob_name = "complexData";

  // The field table: which member travels under which Go field name, in the
  // Go struct's order. Adding a field to ComplexData is adding one row here:
  // the codec sends it and format_go_syntax prints it from this table.
  static auto gob_fields() {
    return std::tuple{
        gob::field("N", &ComplexData::n), gob::field("S", &ComplexData::s),
        gob::field("M", &ComplexData::m), gob::field("P", &ComplexData::p),
        gob::field("C", &ComplexData::c),
    };
  }
};

// The value the tutorial's client sends (section "The client and server
// functions"): an outer struct and, through C, an inner one.
ComplexData make_tutorial_sample();

// The value as Go's %#v prints it, so the C++ and the Go programs' logs can
// be read side by side:
//   main.complexData{N:23, S:"string data", M:map[string]int{"one":1}, ...}
// Every field of gob_fields(), in its order; the pointer C prints as its
// address, as Go's does (go_syntax.hpp has Go's rules). For a log line: long
// strings, slices and maps are cut with their length shown (go_syntax_cut).
std::string format_go_syntax(const ComplexData& value);

// A pointer as %#v prints one handed to it: "&main.complexData{...}", or
// "(*main.complexData)(nil)".
std::string format_go_syntax(const ComplexData* value);
