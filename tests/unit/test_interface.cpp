// gob::Interface, Go's interface{}: registered types by name, definitions
// sent in the middle of a value, and the refusals. The bytes below were
// written by Go 1.19 for
//   type circle struct { R float64 }
//   type complexData struct { N int; Shape, Also interface{}; S string }
//   gob.Register(circle{})
//   complexData{N: 23, Shape: circle{2.5}, Also: circle{1}, S: "after"}
// (tests/integration/test_gob_types.py checks every other case against Go).
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../../common/buffered_stream.hpp"
#include "../../common/gob/interface.hpp"
#include "test_helpers.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Circle {
  double r = 0;
  static constexpr std::string_view gob_name = "circle";
  static auto gob_fields() { return std::tuple{gob::field("R", &Circle::r)}; }
};

struct Shapes {
  std::int64_t n = 0;
  gob::Interface shape;
  gob::Interface also;
  std::string s;
  static constexpr std::string_view gob_name = "complexData";
  static auto gob_fields() {
    return std::tuple{gob::field("N", &Shapes::n), gob::field("Shape", &Shapes::shape),
                      gob::field("Also", &Shapes::also), gob::field("S", &Shapes::s)};
  }
};

// An interface that can hold itself, for the nesting limit.
struct Box {
  gob::Interface inner;
  static constexpr std::string_view gob_name = "box";
  static auto gob_fields() { return std::tuple{gob::field("Inner", &Box::inner)}; }
};

struct Unregistered {
  std::int64_t n = 0;
  static constexpr std::string_view gob_name = "unregistered";
  static auto gob_fields() { return std::tuple{gob::field("N", &Unregistered::n)}; }
};

struct IntShape {
  std::int64_t shape = 0;
  static constexpr std::string_view gob_name = "complexData";
  static auto gob_fields() { return std::tuple{gob::field("Shape", &IntShape::shape)}; }
};

struct Triangle {
  double side = 0;
  static constexpr std::string_view gob_name = "triangle";
  static auto gob_fields() { return std::tuple{gob::field("Side", &Triangle::side)}; }
};
const gob::Registered<Triangle> triangle_registered;  // before main, as Go's init

void register_types() {  // again in every test: harmless, as in Go
  gob::register_type<Circle>();
  gob::register_type<Box>();
}

const std::string kGoShapes =
    "38 ff 81 03 01 01 0b 63 6f 6d 70 6c 65 78 44 61 74 61 01 ff 82 00 01 04 01 01 4e 01 04 00 "
    "01 05 53 68 61 70 65 01 10 00 01 04 41 6c 73 6f 01 10 00 01 01 53 01 0c 00 00 00 2b ff 82 "
    "01 2e 01 0b 6d 61 69 6e 2e 63 69 72 63 6c 65 ff 83 03 01 01 06 63 69 72 63 6c 65 01 ff 84 "
    "00 01 01 01 01 52 01 08 00 00 00 25 ff 84 05 01 fe 04 40 00 01 0b 6d 61 69 6e 2e 63 69 72 "
    "63 6c 65 ff 84 05 01 fe f0 3f 00 01 05 61 66 74 65 72 00";

void check_shapes(const Shapes& value) {
  CHECK(value.n == 23);
  REQUIRE(value.shape.get<Circle>() != nullptr);
  CHECK(value.shape.get<Circle>()->r == 2.5);
  REQUIRE(value.also.get<Circle>() != nullptr);
  CHECK(value.also.get<Circle>()->r == 1);
  CHECK(value.shape.type_name() == "main.circle");
  CHECK(value.s == "after");
}

}  // namespace

TEST_CASE("interface: Go's circles in two interfaces decode, and encode to Go's bytes") {
  register_types();
  Bytes go_bytes = test::unhex(kGoShapes);
  Shapes value = test::gob_decode<Shapes>(go_bytes);
  check_shapes(value);
  CHECK(go_syntax(value) ==
        "main.complexData{N:23, Shape:main.circle{R:2.5}, Also:main.circle{R:1}, S:\"after\"}");
  CHECK(test::hex(test::gob_encode(value)) == test::hex(go_bytes));
}

TEST_CASE("interface: a definition in mid-value, arriving one byte at a time, decodes") {
  register_types();
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::unhex(kGoShapes), 1, test::AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd(), 1);
  stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  gob::Decoder decoder;
  Shapes value;
  decoder.decode(stream, value);
  check_shapes(value);
  CHECK(peer.finish());
}

TEST_CASE("interface: Go's basic types travel under Go's names, nil as an empty name") {
  Shapes value;
  value.shape = std::int64_t{-5};
  value.also = std::vector<double>{0.5};
  Shapes back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK(back.shape.type_name() == "int");
  REQUIRE(back.shape.get<std::int64_t>() != nullptr);
  CHECK(*back.shape.get<std::int64_t>() == -5);
  CHECK(back.also.type_name() == "[]float64");
  CHECK(go_syntax(back) == "main.complexData{N:0, Shape:-5, Also:[]float64{0.5}, S:\"\"}");

  value.shape = std::int32_t{7};  // a C++ int is Go's int32
  value.also = "text";
  back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK(back.shape.type_name() == "int32");
  CHECK(back.also.type_name() == "string");

  value.shape = gob::Interface();
  back.shape = std::int64_t{1};
  back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK_FALSE(back.shape.has_value());  // a nil interface is left out
  CHECK(go_syntax(back.shape) == "interface {}(nil)");
}

TEST_CASE("interface: Go's second name for a type (int64 for int) is kept both ways") {
  Shapes value;
  value.shape = gob::Interface::named("int64", std::int64_t{9});
  Shapes back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK(back.shape.type_name() == "int64");
  CHECK(*back.shape.get<std::int64_t>() == 9);

  value.shape = gob::Interface::named("string", std::int64_t{9});
  CHECK_THROWS_WITH_AS(test::gob_encode(value),
                       doctest::Contains("\"string\" is not a name registered for int"),
                       std::invalid_argument);
}

TEST_CASE("interface: an unregistered type is refused on both ends, with its name") {
  register_types();
  Shapes value;
  value.shape = Unregistered{1};
  CHECK_THROWS_WITH_AS(test::gob_encode(value),
                       doctest::Contains("type not registered for interface: main.unregistered"),
                       std::invalid_argument);

  // Go's bytes with the first "main.circle" renamed "main.square".
  std::string renamed = kGoShapes;
  renamed.replace(renamed.find("63 69 72 63 6c 65 ff 83"), 17, "73 71 75 61 72 65");
  Bytes square = test::unhex(renamed);
  std::string error = test::protocol_error([&] { test::gob_decode<Shapes>(square); });
  CHECK(doctest::String(error.c_str()) ==
        doctest::Contains("in field Shape: gob: name not registered for interface: "
                          "\"main.square\""));
}

TEST_CASE("interface: what Go refuses to send is refused") {
  register_types();
  Shapes value;
  value.shape = std::unique_ptr<Circle>();
  CHECK_THROWS_WITH_AS(test::gob_encode(value),
                       doctest::Contains("cannot encode nil pointer of type *main.circle"),
                       std::invalid_argument);
  // A value in an interface needs the encoder's stream (its definition).
  Bytes out;
  gob::WireWriter writer(out);
  CHECK_THROWS_AS(gob::Codec<gob::Interface>::encode(writer, gob::Interface(Circle{1})),
                  std::logic_error);
}

TEST_CASE("interface: a name stands for one type, and a type has one name, as in Go") {
  register_types();
  CHECK_THROWS_AS(gob::register_type<Unregistered>("main.circle"), std::logic_error);
  CHECK_THROWS_WITH_AS(gob::register_type<Circle>("main.round"),
                       doctest::Contains("registered already as \"main.circle\""),
                       std::logic_error);
  // A pointer to a registered type travels under the type's name, and
  // arrives as the type.
  Shapes value;
  value.shape = std::make_unique<Circle>(Circle{3});
  Shapes back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK(back.shape.type_name() == "main.circle");
  REQUIRE(back.shape.get<Circle>() != nullptr);
  CHECK(back.shape.get<Circle>()->r == 3);
}

TEST_CASE("interface: a type registered at namespace scope travels without a call in the test") {
  Shapes value;
  value.shape = Triangle{3};
  Shapes back = test::gob_decode<Shapes>(test::gob_encode(value));
  CHECK(back.shape.type_name() == "main.triangle");
  REQUIRE(back.shape.get<Triangle>() != nullptr);
  CHECK(back.shape.get<Triangle>()->side == 3);
}

TEST_CASE("interface: it moves, as the std::unique_ptr it is made of") {
  static_assert(!std::is_copy_constructible_v<gob::Interface>);
  gob::Interface pointer = std::make_unique<Circle>(Circle{1});
  gob::Interface moved = std::move(pointer);
  REQUIRE(moved.get<std::unique_ptr<Circle>>() != nullptr);
  CHECK((*moved.get<std::unique_ptr<Circle>>())->r == 1);
  CHECK(moved.get<Circle>() == nullptr);  // it holds a pointer, not a Circle
}

TEST_CASE("interface: a peer's interfaces nested past the depth limit are refused") {
  register_types();
  Box outer;
  Box* innermost = &outer;
  for (int level = 0; level < 50; ++level) {
    innermost->inner = Box{};
    innermost = innermost->inner.get<Box>();
  }
  Bytes stream = test::gob_encode(outer);
  CHECK(test::gob_decode<Box>(stream).inner.has_value());
  gob::Limits shallow;
  shallow.max_depth = 20;
  std::string error = test::protocol_error([&] { test::gob_decode<Box>(stream, shallow); });
  CHECK(doctest::String(error.c_str()) == doctest::Contains("nested deeper than the limit of 20"));
}

TEST_CASE("interface: an interface field receives only an interface value") {
  // complexData as sent by a peer whose Shape is an int.
  IntShape sent;
  sent.shape = 17;
  std::string error =
      test::protocol_error([&] { test::gob_decode<Shapes>(test::gob_encode(sent)); });
  CHECK(doctest::String(error.c_str()) ==
        doctest::Contains("type mismatch: sent int, local type is interface {}"));
}
