// The gob codec above the wire layer: type definitions, struct values, and
// the Go fixtures (tests/fixtures/*.gob, written by tests/go_peer). The
// first tests spell out, byte by byte, what the tutorial's client sends.
#include <doctest/doctest.h>

#include <array>
#include <complex>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../common/complex_data.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/gob/encoder.hpp"
#include "kinds.hpp"
#include "test_helpers.hpp"

namespace {

// "" when the two values are equal field by field (through C, however
// deep); otherwise where they first differ: "C.N: 256 != 257".
std::string difference(const ComplexData& actual, const ComplexData& expected,
                       const std::string& path = "") {
  if (actual.n != expected.n) {
    return path + "N: " + std::to_string(actual.n) + " != " + std::to_string(expected.n);
  }
  if (actual.s != expected.s) return path + "S: \"" + actual.s + "\" != \"" + expected.s + "\"";
  if (actual.m != expected.m) return path + "M differs";
  if (actual.p != expected.p)
    return path + "P: " + test::hex(actual.p) + " != " + test::hex(expected.p);
  if (!actual.c && !expected.c) return "";
  if (!actual.c || !expected.c) return path + "C: one is nil, the other is not";
  return difference(*actual.c, *expected.c, path + "C.");
}

// A chain of `depth` values linked through C, N counting 1, 2, 3, ...
ComplexData make_chain(int depth) {
  ComplexData outer;
  ComplexData* last = &outer;
  for (int level = 1; level <= depth; ++level) {
    last->n = level;
    last->s = "level " + std::to_string(level);
    if (level < depth) {
      last->c = std::make_unique<ComplexData>();
      last = last->c.get();
    }
  }
  return outer;
}

// The number of values in a chain linked through C.
int chain_length(const ComplexData& value) {
  int length = 1;
  for (const ComplexData* next = value.c.get(); next != nullptr; next = next->c.get()) ++length;
  return length;
}

// ------------------------------------------------- test-only structs --
// Structs that use the Codec types ComplexData does not.

struct Point {
  std::int64_t x = 0;
  std::string label;
  static constexpr std::string_view gob_name = "point";
  static auto gob_fields() {
    return std::tuple{gob::field("X", &Point::x), gob::field("Label", &Point::label)};
  }
  bool operator==(const Point&) const = default;
};

struct EveryKind {
  std::int32_t small = 0;  // Go int, narrowed: overflow must be caught
  std::uint8_t byte = 0;   // Go uint, narrowed
  std::uint64_t count = 0;
  bool flag = false;
  double ratio = 0;
  std::vector<std::string> names;
  std::map<std::int64_t, std::vector<std::uint8_t>> blobs;
  Point where;  // a struct held by value: always sent
  std::vector<Point> path;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() {
    return std::tuple{
        gob::field("Small", &EveryKind::small), gob::field("Byte", &EveryKind::byte),
        gob::field("Count", &EveryKind::count), gob::field("Flag", &EveryKind::flag),
        gob::field("Ratio", &EveryKind::ratio), gob::field("Names", &EveryKind::names),
        gob::field("Blobs", &EveryKind::blobs), gob::field("Where", &EveryKind::where),
        gob::field("Path", &EveryKind::path)};
  }
  bool operator==(const EveryKind&) const = default;
};

// Senders whose fields have the names of EveryKind's but other types. The
// decoder matches fields by name, as Go's does.
struct WideSmall {
  std::int64_t small = 0;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() { return std::tuple{gob::field("Small", &WideSmall::small)}; }
};
struct WideByte {
  std::uint64_t byte = 0;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() { return std::tuple{gob::field("Byte", &WideByte::byte)}; }
};
struct FlagAsInt {
  std::int64_t flag = 0;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() { return std::tuple{gob::field("Flag", &FlagAsInt::flag)}; }
};
struct PointWithTextX {
  std::string x;
  static constexpr std::string_view gob_name = "point";
  static auto gob_fields() { return std::tuple{gob::field("X", &PointWithTextX::x)}; }
};
struct WhereWithTextX {
  PointWithTextX where;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() { return std::tuple{gob::field("Where", &WhereWithTextX::where)}; }
};

EveryKind make_every_kind() {
  EveryKind value;
  value.small = -2'000'000'000;
  value.byte = 255;
  value.count = std::numeric_limits<std::uint64_t>::max();
  value.flag = true;
  value.ratio = -0.25;
  value.names = {"alpha", "", "gamma"};  // an empty element is still sent
  value.blobs = {{-7, {0x00, 0xff}}, {0, {}}, {1'000'000, {'x'}}};
  value.where = {42, "here"};
  value.path = {{1, "a"}, {}, {3, "c"}};
  return value;
}

}  // namespace

// ------------------------------------------- the sample, byte by byte --

TEST_CASE("tutorial's exact sample: its two type definitions are Go's bytes exactly") {
  std::vector<std::uint8_t> go = test::read_fixture("sample");
  std::vector<std::uint8_t> ours = test::gob_encode(make_tutorial_sample());

  // Message 1, 0x39 bytes after its length byte: type 65 is complexData.
  //   39                 length 57
  //   ff 81              type id -65: "this message defines type 65"
  //   03                 wireType field 2 (StructT), as a delta from -1
  //   01                   structType field 0: CommonType
  //   01 0b complexData      Name
  //   01 ff 82               Id 65
  //   00                     end of CommonType
  //   01 05                structType field 1: 5 fieldTypes
  //   01 01 4e 01 04 00      N, type 2 (int)
  //   01 01 53 01 0c 00      S, type 6 (string)
  //   01 01 4d 01 ff 84 00   M, type 66 (the map, defined next)
  //   01 01 50 01 0a 00      P, type 5 ([]byte)
  //   01 01 43 01 ff 82 00   C, type 65 (itself: the pointer is flattened)
  //   00 00                end of structType, end of wireType
  constexpr std::size_t kFirstEnd = 1 + 0x39;
  REQUIRE(go.size() > kFirstEnd);
  REQUIRE(ours.size() > kFirstEnd);
  CHECK(test::hex(std::span(ours).first(kFirstEnd)) == test::hex(std::span(go).first(kFirstEnd)));

  // Message 2, 0x1e bytes: type 66 is map[string]int.
  //   1e ff 83 04          length 30, type id -66, wireType field 3 (MapT)
  //   01 01 0e map[string]int 01 ff 84 00   CommonType{Name, Id 66}
  //   01 0c 01 04          Key: type 6 (string), Elem: type 2 (int)
  //   00 00                end of mapType, end of wireType
  constexpr std::size_t kSecondEnd = kFirstEnd + 1 + 0x1e;
  REQUIRE(go.size() > kSecondEnd);
  CHECK(test::hex(std::span(ours).subspan(kFirstEnd, kSecondEnd - kFirstEnd)) ==
        test::hex(std::span(go).subspan(kFirstEnd, kSecondEnd - kFirstEnd)));

  // The value message differs from Go's only in the order of map entries
  // (Go's map order is random), so the lengths agree.
  CHECK(ours.size() == go.size());
}

TEST_CASE("tutorial's exact sample: its value message, byte by byte") {
  std::vector<std::vector<std::uint8_t>> messages =
      test::split_messages(test::gob_encode(make_tutorial_sample()));
  REQUIRE(messages.size() == 3);
  std::string expected =
      "ff 82 "                                      // type id 65: a complexData value
      "01 2e "                                      // field +1 = N: int 23 (46 = 23 << 1)
      "01 0b 73 74 72 69 6e 67 20 64 61 74 61 "     // field +1 = S: "string data"
      "01 03 03 6f 6e 65 02 05 74 68 72 65 65 06 "  // field +1 = M, 3 entries: one:1, three:3,
      "03 74 77 6f 04 "                             //   two:2 (std::map order)
      "01 03 61 62 63 "                             // field +1 = P: "abc"
      "01 "                                         // field +1 = C, the inner struct:
      "01 fe 02 00 "                                //   N: 256 (512 in two bytes)
      "01 21 52 65 63 75 72 73 69 76 65 20 73 74 72 75 63 74 73 3f 20 50 69 65 63 65 20 6f 66 "
      "20 63 61 6b 65 21 "                          //   S: "Recursive structs? Piece of cake!"
      "01 03 02 30 31 02 02 31 30 04 02 31 31 06 "  //   M: "01":1, "10":2, "11":3
      "00 "                                         //   end of inner (P, C zero: left out)
      "00";                                         // end of outer
  CHECK(test::hex(messages[2]) == expected);
}

TEST_CASE("codec: the encoded sample decodes back equal, field by field") {
  ComplexData decoded = test::gob_decode<ComplexData>(test::gob_encode(make_tutorial_sample()));
  CHECK(difference(decoded, make_tutorial_sample()) == "");
  REQUIRE(decoded.c != nullptr);
  CHECK(decoded.c->n == 256);
  CHECK(decoded.c->c == nullptr);
}

TEST_CASE("codec: a top-level int 7 is Go's bytes: 03 04 00 0e") {
  // 03 length; 04 type id 2 (int); 00 field number 0 (a non-struct value
  // travels as a one-field struct); 0e the int 7 (7 << 1).
  CHECK(test::hex(test::gob_encode(std::int64_t{7})) == test::hex(test::read_fixture("int")));
  CHECK(test::hex(test::gob_encode(std::int64_t{7})) == "03 04 00 0e");
}

TEST_CASE(
    "tutorial's exact sample: the zero complexData is Go's bytes exactly, and decodes to zero") {
  // Every field is zero and left out: the value is "ff 82 00", type 65, end.
  std::vector<std::uint8_t> ours = test::gob_encode(ComplexData{});
  CHECK(test::hex(ours) == test::hex(test::read_fixture("zero")));
  CHECK(difference(test::gob_decode<ComplexData>(ours), ComplexData{}) == "");
}

// ------------------------------------------------------- the encoder --

TEST_CASE(
    "tutorial's exact sample: a second encode on the same Encoder sends no type definitions") {
  gob::Encoder encoder;
  std::vector<std::uint8_t> first;
  std::vector<std::uint8_t> second;
  encoder.encode(make_tutorial_sample(), first);
  encoder.encode(make_tutorial_sample(), second);

  std::vector<std::vector<std::uint8_t>> first_messages = test::split_messages(first);
  std::vector<std::vector<std::uint8_t>> second_messages = test::split_messages(second);
  CHECK(first_messages.size() == 3);  // two definitions and the value
  REQUIRE(second_messages.size() == 1);
  CHECK(test::hex(second_messages[0]) == test::hex(first_messages[2]));

  // One decoder reads both values from the one stream, as Go's would.
  std::vector<std::uint8_t> stream = test::join({first, second});
  gob::Decoder decoder;
  ComplexData one;
  ComplexData two;
  std::size_t used = decoder.decode(stream, one);
  CHECK(used == first.size());
  CHECK(decoder.decode(std::span(stream).subspan(used), two) == second.size());
  CHECK(difference(two, make_tutorial_sample()) == "");

  // A fresh decoder has not seen the definitions.
  CHECK(test::protocol_error([&] {
          test::gob_decode<ComplexData>(second);
        }).find("undefined type id 65") != std::string::npos);
}

TEST_CASE("tutorial's exact sample: an Encoder defines a new type once, with the next free id") {
  gob::Encoder encoder;
  std::vector<std::uint8_t> first;
  std::vector<std::uint8_t> second;
  encoder.encode(make_tutorial_sample(), first);  // types 65 and 66
  encoder.encode(std::vector<std::string>{"a", "b"}, second);

  std::vector<std::vector<std::uint8_t>> messages = test::split_messages(second);
  REQUIRE(messages.size() == 2);
  // ff 85: id -67, the next free one; 02: wireType field 1 (SliceT), a delta of 2 from -1.
  CHECK(test::hex(messages[0]).substr(0, 8) == "ff 85 02");
  // ff 86: a value of type 67; 00: field number 0; 02: two elements.
  CHECK(test::hex(messages[1]) == "ff 86 00 02 01 61 01 62");

  gob::Decoder decoder;
  std::vector<std::uint8_t> stream = test::join({first, second});
  ComplexData sample;
  std::vector<std::string> words;
  std::size_t used = decoder.decode(stream, sample);
  decoder.decode(std::span(stream).subspan(used), words);
  CHECK(words == std::vector<std::string>{"a", "b"});
}

TEST_CASE("codec: Go's names for C++ types") {
  CHECK(gob::Codec<std::int64_t>::go_name() == "int");
  CHECK(gob::Codec<std::int32_t>::go_name() == "int32");
  CHECK(gob::Codec<std::uint8_t>::go_name() == "uint8");
  CHECK(gob::Codec<double>::go_name() == "float64");
  CHECK(gob::Codec<std::vector<std::uint8_t>>::go_name() == "[]uint8");
  CHECK(gob::Codec<std::vector<std::string>>::go_name() == "[]string");
  CHECK(gob::Codec<std::map<std::int64_t, std::vector<std::uint8_t>>>::go_name() ==
        "map[int][]uint8");
  CHECK(gob::Codec<std::unique_ptr<ComplexData>>::go_name() == "*main.complexData");
  CHECK(gob::Codec<std::map<std::string, std::unique_ptr<ComplexData>>>::go_name() ==
        "map[string]*main.complexData");
}

// ------------------------------------------------------- round trips --

TEST_CASE("codec: nested recursive structs round-trip (C -> C -> C)") {
  ComplexData chain = make_chain(4);
  chain.c->m = {{"inner", -1}};
  chain.c->c->p = {0, 1, 2};
  ComplexData decoded = test::gob_decode<ComplexData>(test::gob_encode(chain));
  CHECK(chain_length(decoded) == 4);
  CHECK(difference(decoded, chain) == "");
}

TEST_CASE("codec: strings and byte slices with every byte value round-trip") {
  ComplexData value;
  for (int byte = 0; byte < 256; ++byte) {
    value.s += static_cast<char>(byte);
    value.p.push_back(static_cast<std::uint8_t>(byte));
    value.m[std::string(1, static_cast<char>(byte))] = byte;  // keys too
  }
  ComplexData decoded = test::gob_decode<ComplexData>(test::gob_encode(value));
  CHECK(difference(decoded, value) == "");
  CHECK(decoded.m.size() == 256);
}

TEST_CASE("codec: a map with many entries and extreme values round-trips") {
  ComplexData value;
  for (int i = 0; i < 5000; ++i) value.m["key" + std::to_string(i)] = std::int64_t{i} * i - 5000;
  value.m["min"] = std::numeric_limits<std::int64_t>::min();
  value.m["max"] = std::numeric_limits<std::int64_t>::max();
  ComplexData decoded = test::gob_decode<ComplexData>(test::gob_encode(value));
  CHECK(decoded.m.size() == 5002);
  CHECK(decoded.m == value.m);
}

TEST_CASE("codec: a struct using every other Codec type round-trips") {
  EveryKind value = make_every_kind();
  CHECK(test::gob_decode<EveryKind>(test::gob_encode(value)) == value);
  // Its zero value too (Where is a struct, so it is sent even when empty).
  CHECK(test::gob_decode<EveryKind>(test::gob_encode(EveryKind{})) == EveryKind{});
}

TEST_CASE("codec: top-level values that are not structs round-trip") {
  std::vector<std::string> words = {"one", "", "three"};
  CHECK(test::gob_decode<std::vector<std::string>>(test::gob_encode(words)) == words);
  std::map<std::string, std::int64_t> counts = {{"a", -1}, {"b", 2}};
  CHECK(test::gob_decode<std::map<std::string, std::int64_t>>(test::gob_encode(counts)) == counts);
  CHECK(test::gob_decode<std::string>(test::gob_encode(std::string("hi"))) == "hi");
  CHECK(test::gob_decode<double>(test::gob_encode(17.0)) == 17.0);
}

// --------------------------------------------- refusals by the codec --

TEST_CASE("codec: an int too big for an int32 field is refused, naming the field") {
  std::string error = test::protocol_error(
      [] { test::gob_decode<EveryKind>(test::gob_encode(WideSmall{std::int64_t{1} << 40})); });
  CHECK(error.find("field Small") != std::string::npos);
  CHECK(error.find("overflows a 32-bit field") != std::string::npos);

  // The extremes that do fit are accepted.
  CHECK(test::gob_decode<EveryKind>(test::gob_encode(WideSmall{-2147483648})).small == -2147483648);
  CHECK_THROWS_AS(test::gob_decode<EveryKind>(test::gob_encode(WideSmall{-2147483649})),
                  net::ProtocolError);
}

TEST_CASE("codec: a uint too big for a uint8 field is refused, naming the field") {
  CHECK(test::gob_decode<EveryKind>(test::gob_encode(WideByte{255})).byte == 255);
  std::string error =
      test::protocol_error([] { test::gob_decode<EveryKind>(test::gob_encode(WideByte{256})); });
  CHECK(error.find("field Byte") != std::string::npos);
  CHECK(error.find("overflows a 8-bit field") != std::string::npos);
}

TEST_CASE("codec: a field of the wrong type is a type mismatch naming its path") {
  std::string flag_error =
      test::protocol_error([] { test::gob_decode<EveryKind>(test::gob_encode(FlagAsInt{1})); });
  CHECK(flag_error.find("field Flag") != std::string::npos);
  CHECK(flag_error.find("type mismatch: sent int, local type is bool") != std::string::npos);

  // Inside a nested struct the path has both names.
  WhereWithTextX sender;
  sender.where.x = "not a number";
  std::string nested_error =
      test::protocol_error([&] { test::gob_decode<EveryKind>(test::gob_encode(sender)); });
  CHECK(nested_error.find("field Where.X") != std::string::npos);
  CHECK(nested_error.find("type mismatch") != std::string::npos);
}

// ------------------------------------------------------ Go's fixtures --

TEST_CASE("codec: Go's sample decodes equal to make_tutorial_sample()") {
  ComplexData decoded = test::gob_decode<ComplexData>(test::read_fixture("sample"));
  CHECK(difference(decoded, make_tutorial_sample()) == "");
}

TEST_CASE("codec: Go's zero value decodes to the zero value") {
  ComplexData decoded = test::gob_decode<ComplexData>(test::read_fixture("zero"));
  CHECK(difference(decoded, ComplexData{}) == "");
}

TEST_CASE("codec: Go's extended struct: known fields decode, extra fields are skipped") {
  // Go's complexData there has fields of every gob kind besides ours: float,
  // bool, uint, int8, complex, []string, [3]int, map[int][]byte, a nested
  // struct, a time.Time (GobEncoder), an interface and []*struct; the inner
  // value has extras as well.
  ComplexData decoded = test::gob_decode<ComplexData>(test::read_fixture("extended"));
  CHECK(difference(decoded, make_tutorial_sample()) == "");
}

TEST_CASE("codec: Go's sparse struct: the fields it lacks stay zero") {
  // Go sent only S and an unknown field Other (an int).
  ComplexData decoded = test::gob_decode<ComplexData>(test::read_fixture("sparse"));
  CHECK(decoded.s == "only S");
  CHECK(decoded.n == 0);
  CHECK(decoded.m.empty());
  CHECK(decoded.p.empty());
  CHECK(decoded.c == nullptr);
}

TEST_CASE("codec: Go's mismatch (N is a string) is refused, naming field N") {
  std::string error =
      test::protocol_error([] { test::gob_decode<ComplexData>(test::read_fixture("mismatch")); });
  CHECK(error.find("field N") != std::string::npos);
  CHECK(error.find("type mismatch") != std::string::npos);
}

TEST_CASE("codec: Go's top-level int decodes into an int64_t, not into ComplexData") {
  CHECK(test::gob_decode<std::int64_t>(test::read_fixture("int")) == 7);
  std::string error =
      test::protocol_error([] { test::gob_decode<ComplexData>(test::read_fixture("int")); });
  CHECK(error.find("type mismatch: sent int") != std::string::npos);
}

TEST_CASE("codec: Go's 500-deep chain is accepted") {
  ComplexData decoded = test::gob_decode<ComplexData>(test::read_fixture("deep500"));
  CHECK(chain_length(decoded) == 500);
  const ComplexData* innermost = &decoded;
  while (innermost->c) innermost = innermost->c.get();
  CHECK(innermost->n == 500);  // Go numbered the levels 1 (outermost) to 500
}

TEST_CASE("codec: Go's 2000-deep chain is refused at the nesting limit") {
  std::string error =
      test::protocol_error([] { test::gob_decode<ComplexData>(test::read_fixture("deep2000")); });
  CHECK(error.find("nested deeper than the limit of 1000 levels") != std::string::npos);
}

// ---------------------------------------------- Go's pointer rules --

namespace {

// Fields behind pointers, as a student adds them to complexData.
struct Pointers {
  std::unique_ptr<std::int64_t> count;
  std::unique_ptr<std::string> name;
  std::unique_ptr<std::unique_ptr<std::int64_t>> twice;
  std::unique_ptr<std::map<std::string, std::int64_t>> table;
  static constexpr std::string_view gob_name = "pointers";
  static auto gob_fields() {
    return std::tuple{gob::field("Count", &Pointers::count), gob::field("Name", &Pointers::name),
                      gob::field("Twice", &Pointers::twice), gob::field("Table", &Pointers::table)};
  }
};

// The value message of an encoding (the last message), in hex.
std::string value_message_hex(const std::vector<std::uint8_t>& stream) {
  return test::hex(test::split_messages(stream).back());
}

}  // namespace

TEST_CASE("codec: a pointer to a zero value is left out, as Go's encoder leaves it out") {
  Pointers empty;
  std::string nothing = value_message_hex(test::gob_encode(empty));
  CHECK(nothing == "ff 82 00");  // type 65, no field, end
  Pointers zeros;
  zeros.count = std::make_unique<std::int64_t>(0);
  zeros.name = std::make_unique<std::string>();
  zeros.twice = std::make_unique<std::unique_ptr<std::int64_t>>();  // a pointer to nil
  CHECK(value_message_hex(test::gob_encode(zeros)) == nothing);
  zeros.twice = std::make_unique<std::unique_ptr<std::int64_t>>(std::make_unique<std::int64_t>(0));
  CHECK(value_message_hex(test::gob_encode(zeros)) == nothing);
}

TEST_CASE("codec: a pointer to a non-zero value is sent, through any number of pointers") {
  Pointers value;
  value.count = std::make_unique<std::int64_t>(7);
  value.twice = std::make_unique<std::unique_ptr<std::int64_t>>(std::make_unique<std::int64_t>(-1));
  // Count (delta 1) = 7, Twice (delta 2) = -1, end.
  CHECK(value_message_hex(test::gob_encode(value)) == "ff 82 01 0e 02 01 00");
  Pointers back = test::gob_decode<Pointers>(test::gob_encode(value));
  REQUIRE(back.count);
  CHECK(*back.count == 7);
  REQUIRE(back.twice);
  REQUIRE(*back.twice);
  CHECK(**back.twice == -1);
  CHECK_FALSE(back.name);
}

TEST_CASE("codec: a pointer to an empty map is sent, as Go sends an empty non-nil map") {
  Pointers value;
  value.table = std::make_unique<std::map<std::string, std::int64_t>>();
  CHECK(value_message_hex(test::gob_encode(value)) ==
        "ff 82 04 00 00");  // Table (delta 4), 0 entries
  Pointers back = test::gob_decode<Pointers>(test::gob_encode(value));
  REQUIRE(back.table);
  CHECK(back.table->empty());
}

TEST_CASE("codec: a top-level pointer to a struct is framed as the struct, both ways") {
  auto pointer = std::make_unique<ComplexData>(make_tutorial_sample());
  // Go's encoder sends what the pointer points to: the sample's own bytes,
  // with no singleton field number in front of the value (Go's decoder
  // reads that 0 as the struct's end, and silently gets an empty value).
  CHECK(test::gob_encode(pointer) == test::gob_encode(make_tutorial_sample()));
  auto decoded = test::gob_decode<std::unique_ptr<ComplexData>>(test::read_fixture("sample"));
  REQUIRE(decoded);
  CHECK(difference(*decoded, make_tutorial_sample()) == "");
}

TEST_CASE("codec: a top-level pointer to an int is framed as the int (03 04 00 0e)") {
  auto seven = std::make_unique<std::int64_t>(7);
  CHECK(test::hex(test::gob_encode(seven)) == "03 04 00 0e");
  CHECK(*test::gob_decode<std::unique_ptr<std::int64_t>>(test::unhex("0304000e")) == 7);
}

TEST_CASE("codec: pointers to a non-zero and to a zero value, the whole stream equal to Go's") {
  // Written by Go 1.19's encoding/gob for
  //   type pointers struct { Count *int; Name *string; Twice **int; Table *map[string]int }
  //   pointers{Count: &seven, Twice: &pointerToMinusOne}
  const char* go_bytes =
      "3e ff 81 03 01 01 08 70 6f 69 6e 74 65 72 73 01 ff 82 00 01 04 01 05 43 6f 75 6e 74 01 04 "
      "00 01 04 4e 61 6d 65 01 0c 00 01 05 54 77 69 63 65 01 04 00 01 05 54 61 62 6c 65 01 ff 84 "
      "00 00 00 1e ff 83 04 01 01 0e 6d 61 70 5b 73 74 72 69 6e 67 5d 69 6e 74 01 ff 84 00 01 0c "
      "01 04 00 00 07 ff 82 01 0e 02 01 00";
  Pointers value;
  value.count = std::make_unique<std::int64_t>(7);
  value.name = std::make_unique<std::string>();  // a pointer to "": left out, as Go does
  value.twice = std::make_unique<std::unique_ptr<std::int64_t>>(std::make_unique<std::int64_t>(-1));
  CHECK(test::hex(test::gob_encode(value)) == go_bytes);
}

// ------------------------------- float32, complex, arrays, []bool --

namespace {

// Written by Go 1.19's encoding/gob for
//   type kinds struct { F32 float32; C128 complex128; C64 complex64; A [3]int; B []bool }
const char* kKindsDefinitions =
    "3a ff 81 03 01 01 05 6b 69 6e 64 73 01 ff 82 00 01 05 01 03 46 33 32 01 08 00 01 04 43 31 32 "
    "38 01 0e 00 01 03 43 36 34 01 0e 00 01 01 41 01 ff 84 00 01 01 42 01 ff 86 00 00 00 16 ff 83 "
    "01 01 01 06 5b 33 5d 69 6e 74 01 ff 84 00 01 04 01 06 00 00 14 ff 85 02 01 01 06 5b 5d 62 6f "
    "6f 6c 01 ff 86 00 01 02 00 00 ";
// kinds{F32: 1.5, C128: complex(1, -2), C64: complex(0.5, 0), A: [3]int{1, 0, -1},
//       B: []bool{true, false, true}}
const char* kKindsValue =
    "1c ff 82 01 fe f8 3f 01 fe f0 3f ff c0 01 fe e0 3f 00 01 03 02 00 01 01 03 01 00 01 00";
// kinds{}: the array is sent all the same, zero as it is.
const char* kZeroKindsValue = "08 ff 82 04 03 00 00 00 00";

}  // namespace

TEST_CASE("codec: float32, complex, [3]int and []bool are Go's bytes exactly, both ways") {
  test::Kinds value;
  value.f32 = 1.5F;
  value.c128 = {1, -2};
  value.c64 = {0.5F, 0};
  value.a = {1, 0, -1};
  value.b = {true, false, true};
  std::string go_bytes = std::string(kKindsDefinitions) + kKindsValue;
  CHECK(test::hex(test::gob_encode(value)) == go_bytes);
  test::Kinds back = test::gob_decode<test::Kinds>(test::unhex(go_bytes));
  CHECK(back.f32 == 1.5F);
  CHECK(back.c128 == std::complex<double>(1, -2));
  CHECK(back.c64 == std::complex<float>(0.5F, 0));
  CHECK(back.a == std::array<std::int64_t, 3>{1, 0, -1});
  CHECK(back.b == std::vector<bool>{true, false, true});
  CHECK(test::hex(test::gob_encode(test::Kinds{})) ==
        std::string(kKindsDefinitions) + kZeroKindsValue);
}

// The same wire name as kinds, with A as [4]int, and with F32 as a float64.
struct Wider {
  std::array<std::int64_t, 4> a{};
  static constexpr std::string_view gob_name = "kinds";
  static auto gob_fields() { return std::tuple{gob::field("A", &Wider::a)}; }
};
struct Big {
  double f32 = 1e300;
  static constexpr std::string_view gob_name = "kinds";
  static auto gob_fields() { return std::tuple{gob::field("F32", &Big::f32)}; }
};

TEST_CASE("codec: an array of the wrong length and a float32 out of range are refused") {
  std::string go_bytes = std::string(kKindsDefinitions) + kKindsValue;
  CHECK(test::protocol_error([&] {
          test::gob_decode<Wider>(test::unhex(go_bytes));
        }).find("array of 3 elements sent for [4]int") != std::string::npos);
  CHECK(test::protocol_error([&] {
          test::gob_decode<test::Kinds>(test::gob_encode(Big{}));
        }).find("overflows a float32 field") != std::string::npos);
}

// ------------------------------------------------- Go's names and order --

namespace {

struct GoPoint {
  std::int64_t x = 0, y = 0;
  static constexpr std::string_view gob_name = "point";
  static auto gob_fields() {
    return std::tuple{gob::field("X", &GoPoint::x), gob::field("Y", &GoPoint::y)};
  }
};
struct Node {
  std::string name;
  std::unique_ptr<Node> next;
  static constexpr std::string_view gob_name = "node";
  static auto gob_fields() {
    return std::tuple{gob::field("Name", &Node::name), gob::field("Next", &Node::next)};
  }
};
// Go's someTypes: every definition name and id here is Go's choice by
// context (a field's type is named by its String(), an array's element has
// no name), and the definitions come in Go's order, not their ids'.
struct SomeTypes {
  float f32 = 0;
  std::array<std::int64_t, 3> a{};
  std::array<std::array<double, 2>, 2> grid{};
  std::vector<std::int8_t> small;
  std::unique_ptr<std::int64_t> pzero;
  std::unique_ptr<std::unique_ptr<std::int64_t>> pp;
  std::unique_ptr<GoPoint> ps;
  std::unique_ptr<std::map<std::string, std::int64_t>> pm;
  std::optional<std::map<std::string, std::int64_t>> empty, nil;
  std::vector<std::unique_ptr<GoPoint>> ptrs;
  std::map<std::string, std::unique_ptr<GoPoint>> by_key;
  std::unique_ptr<Node> list;
  static constexpr std::string_view gob_name = "someTypes";
  static auto gob_fields() {
    return std::tuple{
        gob::field("F32", &SomeTypes::f32),     gob::field("A", &SomeTypes::a),
        gob::field("Grid", &SomeTypes::grid),   gob::field("Small", &SomeTypes::small),
        gob::field("PZero", &SomeTypes::pzero), gob::field("PP", &SomeTypes::pp),
        gob::field("PS", &SomeTypes::ps),       gob::field("PM", &SomeTypes::pm),
        gob::field("Empty", &SomeTypes::empty), gob::field("Nil", &SomeTypes::nil),
        gob::field("Ptrs", &SomeTypes::ptrs),   gob::field("ByKey", &SomeTypes::by_key),
        gob::field("List", &SomeTypes::list)};
  }
};

// Written by Go 1.19's encoding/gob for
//   five, zero := 5, 0; p5 := &five
//   someTypes{F32: 1.5, A: [3]int{1, -2, 3}, Grid: [2][2]float64{{1, 2}, {3, 4.5}},
//     Small: []int8{-128, 127}, PZero: &zero, PP: &p5, PS: &point{3, 4},
//     PM: &map[string]int{}, Empty: map[string]int{}, Ptrs: []*point{{1, 1}, {2, 2}},
//     ByKey: map[string]*point{"a": {9, 9}}, List: &node{"a", &node{"b", nil}}}
const char* kSomeTypes =
    "ff 8f ff 81 03 01 01 09 73 6f 6d 65 54 79 70 65 73 01 ff 82 00 01 0d 01 03 46 33 32 01 08 00 "
    "01 "
    "01 41 01 ff 84 00 01 04 47 72 69 64 01 ff 88 00 01 05 53 6d 61 6c 6c 01 ff 8a 00 01 05 50 5a "
    "65 "
    "72 6f 01 04 00 01 02 50 50 01 04 00 01 02 50 53 01 ff 8c 00 01 02 50 4d 01 ff 8e 00 01 05 45 "
    "6d "
    "70 74 79 01 ff 8e 00 01 03 4e 69 6c 01 ff 8e 00 01 04 50 74 72 73 01 ff 90 00 01 05 42 79 4b "
    "65 "
    "79 01 ff 92 00 01 04 4c 69 73 74 01 ff 94 00 00 00 16 ff 83 01 01 01 06 5b 33 5d 69 6e 74 01 "
    "ff "
    "84 00 01 04 01 06 00 00 1e ff 87 01 01 01 0d 5b 32 5d 5b 32 5d 66 6c 6f 61 74 36 34 01 ff 88 "
    "00 "
    "01 ff 86 01 04 00 00 0e ff 85 01 01 02 ff 86 00 01 08 01 04 00 00 14 ff 89 02 01 01 06 5b 5d "
    "69 "
    "6e 74 38 01 ff 8a 00 01 04 00 00 1f ff 8b 03 01 01 05 70 6f 69 6e 74 01 ff 8c 00 01 02 01 01 "
    "58 "
    "01 04 00 01 01 59 01 04 00 00 00 1e ff 8d 04 01 01 0e 6d 61 70 5b 73 74 72 69 6e 67 5d 69 6e "
    "74 "
    "01 ff 8e 00 01 0c 01 04 00 00 1c ff 8f 02 01 01 0d 5b 5d 2a 6d 61 69 6e 2e 70 6f 69 6e 74 01 "
    "ff "
    "90 00 01 ff 8c 00 00 27 ff 91 04 01 01 16 6d 61 70 5b 73 74 72 69 6e 67 5d 2a 6d 61 69 6e 2e "
    "70 "
    "6f 69 6e 74 01 ff 92 00 01 0c 01 ff 8c 00 00 25 ff 93 03 01 01 04 6e 6f 64 65 01 ff 94 00 01 "
    "02 "
    "01 04 4e 61 6d 65 01 0c 00 01 04 4e 65 78 74 01 ff 94 00 00 00 4b ff 82 01 fe f8 3f 01 03 02 "
    "03 "
    "06 01 02 02 fe f0 3f 40 02 fe 08 40 fe 12 40 01 02 ff ff ff fe 02 0a 01 01 06 01 08 00 01 00 "
    "01 "
    "00 02 02 01 02 01 02 00 01 04 01 04 00 01 01 01 61 01 12 01 12 00 01 01 01 61 01 01 01 62 00 "
    "00 "
    "00";

SomeTypes make_some_types() {
  SomeTypes value;
  value.f32 = 1.5F;
  value.a = {1, -2, 3};
  value.grid = {{{1, 2}, {3, 4.5}}};
  value.small = {-128, 127};
  value.pzero = std::make_unique<std::int64_t>(0);
  value.pp = std::make_unique<std::unique_ptr<std::int64_t>>(std::make_unique<std::int64_t>(5));
  value.ps = std::make_unique<GoPoint>(GoPoint{3, 4});
  value.pm = std::make_unique<std::map<std::string, std::int64_t>>();
  value.empty.emplace();
  value.ptrs = gob::pointers(GoPoint{1, 1}, GoPoint{2, 2});
  value.by_key = gob::pointer_map<std::string, GoPoint>({{"a", {9, 9}}});
  value.list = std::make_unique<Node>(Node{"a", std::make_unique<Node>(Node{"b", nullptr})});
  return value;
}

}  // namespace

TEST_CASE("codec: names, ids and order of definitions are Go's, byte for byte") {
  CHECK(test::hex(test::gob_encode(make_some_types())) == kSomeTypes);
}

TEST_CASE("codec: Go's someTypes decodes with pointers to zero left nil and empty maps kept") {
  SomeTypes back = test::gob_decode<SomeTypes>(test::unhex(kSomeTypes));
  CHECK(back.pzero == nullptr);  // Go left the pointer to 0 out
  REQUIRE(back.pp != nullptr);
  CHECK(**back.pp == 5);
  CHECK(back.grid[1][1] == 4.5);
  CHECK(back.small == std::vector<std::int8_t>{-128, 127});
  REQUIRE(back.pm != nullptr);
  CHECK(back.pm->empty());
  CHECK(back.empty.has_value());  // sent, though empty
  CHECK(!back.nil.has_value());   // nil: left out
  REQUIRE(back.ptrs.size() == 2);
  CHECK(back.ptrs[1]->y == 2);
  CHECK(back.by_key.at("a")->x == 9);
  REQUIRE(back.list->next != nullptr);
  CHECK(back.list->next->name == "b");
}

namespace {
// complexData with S misspelt, and without M, P, C.
struct Misspelt {
  std::int64_t n = 0;
  std::string s;
  static constexpr std::string_view gob_name = "complexData";
  static auto gob_fields() {
    return std::tuple{gob::field("N", &Misspelt::n), gob::field("Str", &Misspelt::s)};
  }
};
}  // namespace

TEST_CASE("codec: a misspelt field name is skipped and reported, not refused") {
  gob::Decoder decoder;
  decoder.report_unknown_fields(true);
  Misspelt value;
  decoder.decode(std::span<const std::uint8_t>(test::gob_encode(make_tutorial_sample())), value);
  CHECK(value.n == 23);
  CHECK(decoder.unknown_fields() == std::vector<std::string>{"complexData.S", "complexData.M",
                                                             "complexData.P", "complexData.C"});
}
