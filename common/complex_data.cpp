#include "complex_data.hpp"

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

std::string format_go_syntax(const ComplexData& value) {
  return go_syntax_cut(value);
}

std::string format_go_syntax(const ComplexData* value) {
  return go_syntax_cut(value);
}
