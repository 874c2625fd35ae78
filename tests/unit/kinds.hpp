// Kinds: a struct with a field of each Go type that has a C++ counterpart
// beyond ComplexData's (float32, complex128, complex64, [3]int, []bool), the
// Go struct `kinds` the Go-written bytes in test_codec.cpp and the %#v text
// in test_go_syntax.cpp were made from.
#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "../../common/gob/codec.hpp"

namespace test {

struct Kinds {
  float f32 = 0;
  std::complex<double> c128;
  std::complex<float> c64;
  std::array<std::int64_t, 3> a{};
  std::vector<bool> b;
  static constexpr std::string_view gob_name = "kinds";
  static auto gob_fields() {
    return std::tuple{gob::field("F32", &Kinds::f32), gob::field("C128", &Kinds::c128),
                      gob::field("C64", &Kinds::c64), gob::field("A", &Kinds::a),
                      gob::field("B", &Kinds::b)};
  }
};

}  // namespace test
