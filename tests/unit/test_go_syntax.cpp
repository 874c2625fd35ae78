// go_syntax.hpp prints what Go's fmt.Printf("%#v", v) prints, so the C++
// programs' logs read like the Go programs'. Tests whose name starts with
// "Go 1.19 %#v" pin Go's exact output: their expected strings are what
// tests/unit/testdata/go_syntax.go printed for the same Go values with Go
// 1.19 (`go run tests/unit/testdata/go_syntax.go`), each pointer's address
// written as 0xADDR. If one fails, the C++ printer no longer prints what Go
// prints; run that program to see Go's side.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "../../common/complex_data.hpp"
#include "../../common/go_syntax.hpp"
#include "kinds.hpp"
#include "test_helpers.hpp"

namespace {

// Go: type inner struct { A int; B string }
struct GoInner {
  std::int64_t a = 0;
  std::string b;

  static constexpr std::string_view gob_name = "inner";
  static auto gob_fields() {
    return std::tuple{gob::field("A", &GoInner::a), gob::field("B", &GoInner::b)};
  }
};

// One field of every type the gob codec (gob/codec.hpp) supports, with the
// Go type it stands for; Go: type everything struct in testdata/go_syntax.go.
struct Everything {
  std::int64_t int_ = 0;                                   // Int int
  std::int8_t small = 0;                                   // Small int
  std::uint64_t uint_ = 0;                                 // Uint uint
  std::uint8_t byte = 0;                                   // Byte uint
  bool yes = false;                                        // Yes bool
  bool no = false;                                         // No bool
  double float_ = 0;                                       // Float float64
  std::vector<double> floats;                              // Floats []float64
  std::string text;                                        // Text string
  std::vector<std::uint8_t> bytes;                         // Bytes []byte
  std::vector<std::uint8_t> no_bytes;                      // NoBytes []byte
  std::vector<std::string> strings;                        // Strings []string
  std::vector<std::string> no_strings;                     // NoStrings []string
  std::vector<std::int64_t> ints;                          // Ints []int
  std::vector<std::uint32_t> uints;                        // Uints []uint32
  std::vector<std::vector<std::int64_t>> nested;           // Nested [][]int
  std::map<std::string, std::int64_t> counts;              // Counts map[string]int
  std::map<std::string, std::int64_t> no_counts;           // NoCounts map[string]int
  std::map<std::int64_t, std::string> names;               // Names map[int]string
  std::map<std::string, std::vector<std::int64_t>> lists;  // Lists map[string][]int
  std::map<std::string, std::vector<std::uint8_t>> blobs;  // Blobs map[string][]byte
  std::map<std::uint64_t, bool> flags;                     // Flags map[uint]bool
  GoInner inner;                                           // Inner inner
  std::vector<GoInner> inners;                             // Inners []inner
  std::map<std::string, GoInner> by_name;                  // ByName map[string]inner
  std::unique_ptr<GoInner> ptr;                            // Ptr *inner
  std::unique_ptr<GoInner> nil_ptr;                        // NilPtr *inner
  std::unique_ptr<std::int64_t> int_ptr;                   // IntPtr *int
  std::unique_ptr<std::int64_t> nil_int_ptr;               // NilIntPtr *int
  std::vector<std::unique_ptr<GoInner>> ptrs;              // Ptrs []*inner
  std::unique_ptr<Everything> self;                        // Self *everything

  static constexpr std::string_view gob_name = "everything";
  static auto gob_fields() {
    using E = Everything;
    return std::tuple{
        gob::field("Int", &E::int_),
        gob::field("Small", &E::small),
        gob::field("Uint", &E::uint_),
        gob::field("Byte", &E::byte),
        gob::field("Yes", &E::yes),
        gob::field("No", &E::no),
        gob::field("Float", &E::float_),
        gob::field("Floats", &E::floats),
        gob::field("Text", &E::text),
        gob::field("Bytes", &E::bytes),
        gob::field("NoBytes", &E::no_bytes),
        gob::field("Strings", &E::strings),
        gob::field("NoStrings", &E::no_strings),
        gob::field("Ints", &E::ints),
        gob::field("Uints", &E::uints),
        gob::field("Nested", &E::nested),
        gob::field("Counts", &E::counts),
        gob::field("NoCounts", &E::no_counts),
        gob::field("Names", &E::names),
        gob::field("Lists", &E::lists),
        gob::field("Blobs", &E::blobs),
        gob::field("Flags", &E::flags),
        gob::field("Inner", &E::inner),
        gob::field("Inners", &E::inners),
        gob::field("ByName", &E::by_name),
        gob::field("Ptr", &E::ptr),
        gob::field("NilPtr", &E::nil_ptr),
        gob::field("IntPtr", &E::int_ptr),
        gob::field("NilIntPtr", &E::nil_int_ptr),
        gob::field("Ptrs", &E::ptrs),
        gob::field("Self", &E::self),
    };
  }
};

// The value main() of testdata/go_syntax.go prints first.
Everything make_everything() {
  Everything v;
  v.int_ = std::numeric_limits<std::int64_t>::min();
  v.small = -3;
  v.uint_ = 23;
  v.byte = 255;
  v.yes = true;
  v.float_ = 0.5;
  v.floats = {1,
              0.5,
              1e21,
              1e20,
              123456789,
              0.0001,
              1e-05,
              std::numeric_limits<double>::quiet_NaN(),
              std::numeric_limits<double>::infinity(),
              -std::numeric_limits<double>::infinity(),
              -0.0,
              0};
  v.text = "tab\there \"quoted\" \xc3\xa9 \xff";
  v.bytes = {0x61, 0x00, 0xff, 0x10};
  v.strings = {"a", "b"};
  v.ints = {1, -2};
  v.uints = {0, 16};
  v.nested = {{1}, {}};
  v.counts = {{"two", 2}, {"one", 1}, {"three", 3}};
  v.names = {{10, "ten"}, {-1, "minus one"}, {2, "two"}};
  v.lists = {{"b", {}}, {"a", {1}}};
  v.blobs = {{"k", {'z'}}};
  v.flags = {{3, true}, {1, false}};
  v.inner = {1, "x"};
  v.inners = {{2, ""}, {}};
  v.by_name = {{"k", {3, ""}}};
  v.ptr = std::make_unique<GoInner>(GoInner{4, ""});
  v.int_ptr = std::make_unique<std::int64_t>(7);
  v.ptrs.push_back(std::make_unique<GoInner>(GoInner{5, ""}));
  v.ptrs.push_back(nullptr);
  v.self = std::make_unique<Everything>();
  return v;
}

// Go 1.19's output for the value above, after its type: "main.everything"
// with "&" in front when handed to Printf as a pointer.
constexpr std::string_view kEverythingFields =
    "{Int:-9223372036854775808, Small:-3, Uint:0x17, Byte:0xff, Yes:true, No:false, "
    "Float:0.5, Floats:[]float64{1, 0.5, 1e+21, 1e+20, 1.23456789e+08, 0.0001, 1e-05, NaN, "
    "+Inf, -Inf, -0, 0}, Text:\"tab\\there \\\"quoted\\\" \xc3\xa9 \\xff\", "
    "Bytes:[]uint8{0x61, 0x0, 0xff, 0x10}, NoBytes:[]uint8(nil), Strings:[]string{\"a\", "
    "\"b\"}, NoStrings:[]string(nil), Ints:[]int{1, -2}, Uints:[]uint32{0x0, 0x10}, "
    "Nested:[][]int{[]int{1}, []int(nil)}, Counts:map[string]int{\"one\":1, \"three\":3, "
    "\"two\":2}, NoCounts:map[string]int(nil), Names:map[int]string{-1:\"minus one\", "
    "2:\"two\", 10:\"ten\"}, Lists:map[string][]int{\"a\":[]int{1}, \"b\":[]int(nil)}, "
    "Blobs:map[string][]uint8{\"k\":[]uint8{0x7a}}, Flags:map[uint]bool{0x1:false, "
    "0x3:true}, Inner:main.inner{A:1, B:\"x\"}, Inners:[]main.inner{main.inner{A:2, B:\"\"}, "
    "main.inner{A:0, B:\"\"}}, ByName:map[string]main.inner{\"k\":main.inner{A:3, B:\"\"}}, "
    "Ptr:(*main.inner)(0xADDR), NilPtr:(*main.inner)(nil), IntPtr:(*int)(0xADDR), "
    "NilIntPtr:(*int)(nil), Ptrs:[]*main.inner{(*main.inner)(0xADDR), (*main.inner)(nil)}, "
    "Self:(*main.everything)(0xADDR)}";

std::string with_type(std::string_view prefix, std::string_view fields) {
  return std::string(prefix) + std::string(fields);
}

}  // namespace

using test::without_addresses;

TEST_CASE("Go 1.19 %#v: a struct with a field of every type the codec supports") {
  Everything value = make_everything();
  CHECK(without_addresses(go_syntax(value)) == with_type("main.everything", kEverythingFields));
}

TEST_CASE("Go 1.19 %#v: a pointer handed to Printf is followed once, to &main.T{...}") {
  Everything value = make_everything();
  CHECK(without_addresses(go_syntax(&value)) == with_type("&main.everything", kEverythingFields));
  const Everything* constant = &value;
  CHECK(without_addresses(go_syntax(constant)) == with_type("&main.everything", kEverythingFields));
  CHECK(go_syntax(static_cast<Everything*>(nullptr)) == "(*main.everything)(nil)");
  // A unique_ptr handed to it is a pointer too.
  CHECK(without_addresses(go_syntax(value.self)) ==
        without_addresses("&" + go_syntax(*value.self)));
}

TEST_CASE("Go 1.19 %#v: the zero value prints every field, nil slices, maps and pointers") {
  CHECK(go_syntax(Everything{}) ==
        "main.everything{Int:0, Small:0, Uint:0x0, Byte:0x0, Yes:false, No:false, Float:0, "
        "Floats:[]float64(nil), Text:\"\", Bytes:[]uint8(nil), NoBytes:[]uint8(nil), "
        "Strings:[]string(nil), NoStrings:[]string(nil), Ints:[]int(nil), Uints:[]uint32(nil), "
        "Nested:[][]int(nil), Counts:map[string]int(nil), NoCounts:map[string]int(nil), "
        "Names:map[int]string(nil), Lists:map[string][]int(nil), "
        "Blobs:map[string][]uint8(nil), Flags:map[uint]bool(nil), Inner:main.inner{A:0, "
        "B:\"\"}, Inners:[]main.inner(nil), ByName:map[string]main.inner(nil), "
        "Ptr:(*main.inner)(nil), NilPtr:(*main.inner)(nil), IntPtr:(*int)(nil), "
        "NilIntPtr:(*int)(nil), Ptrs:[]*main.inner(nil), Self:(*main.everything)(nil)}");
}

TEST_CASE("Go 1.19 %#v: values handed to Printf itself ([]byte is spelt []byte there)") {
  CHECK(go_syntax(std::vector<std::uint8_t>{'a', 'b'}) == "[]byte{0x61, 0x62}");
  CHECK(go_syntax(std::vector<std::uint8_t>{}) == "[]byte(nil)");
  std::int64_t seven = 7;
  CHECK(without_addresses(go_syntax(&seven)) == "(*int)(0xADDR)");
  CHECK(go_syntax(static_cast<const std::int64_t*>(nullptr)) == "(*int)(nil)");
  std::vector<std::int64_t> ints{1};
  CHECK(go_syntax(&ints) == "&[]int{1}");
  std::map<std::string, std::int64_t> map{{"a", 1}};
  CHECK(go_syntax(&map) == "&map[string]int{\"a\":1}");
  auto pointer = std::make_unique<Everything>();
  CHECK(without_addresses(go_syntax(&pointer)) == "(**main.everything)(0xADDR)");
  CHECK(go_syntax(GoInner{1, ""}) == "main.inner{A:1, B:\"\"}");
}

TEST_CASE("Go 1.19 %#v: int in decimal, uint in hex, bool") {
  CHECK(go_syntax(std::int64_t{23}) == "23");
  CHECK(go_syntax(-5) == "-5");
  CHECK(go_syntax(std::int8_t{-3}) == "-3");
  CHECK(go_syntax(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(go_syntax(std::uint64_t{23}) == "0x17");
  CHECK(go_syntax(0u) == "0x0");
  CHECK(go_syntax(std::uint8_t{10}) == "0xa");
  CHECK(go_syntax(std::numeric_limits<std::uint64_t>::max()) == "0xffffffffffffffff");
  CHECK(go_syntax(true) == "true");
  CHECK(go_syntax(false) == "false");
}

TEST_CASE("Go 1.19 %#v: float64 in its shortest digits, %g's layout, NaN, +Inf, -0") {
  struct Case {
    double value;
    const char* go;
  };
  const Case cases[] = {
      {1, "1"},
      {0.5, "0.5"},
      {1e21, "1e+21"},
      {1e20, "1e+20"},
      {123456789, "1.23456789e+08"},
      {123456, "123456"},         // exponent 5: plain digits
      {1234567, "1.234567e+06"},  // exponent 6: the exponent form
      {100000.5, "100000.5"},
      {0.0001, "0.0001"},  // exponent -4: plain digits
      {0.000123, "0.000123"},
      {1e-05, "1e-05"},  // exponent -5: the exponent form, two digits at least
      {0.1, "0.1"},
      {2.0 / 3, "0.6666666666666666"},
      {1.5e300, "1.5e+300"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {-1.25, "-1.25"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {-0.0, "-0"},
      {0, "0"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.go);
    CHECK(go_syntax(c.value) == c.go);
  }
}

TEST_CASE("go syntax: a pointer inside a value prints the address it holds") {
  Everything value = make_everything();
  char address[32];
  std::snprintf(address, sizeof address, "%p", static_cast<const void*>(value.ptr.get()));
  CHECK(go_syntax(value).find(std::string("Ptr:(*main.inner)(") + address + ")") !=
        std::string::npos);
}

namespace {

// The tutorial's tip, "beef up the complexData type", done the way a student
// would do it to ComplexData: one member, one row in the table. Nothing else
// is written for it, and it prints, and travels.
struct BeefedUp : ComplexData {
  std::vector<std::string> beef;

  static auto gob_fields() {
    return std::tuple_cat(ComplexData::gob_fields(),
                          std::tuple{gob::field("Beef", &BeefedUp::beef)});
  }
};

// Without its closing "}": the line a field added after the others extends.
std::string without_closing_brace(const std::string& line) {
  return line.substr(0, line.size() - 1);
}

}  // namespace

// Relative to ComplexData as it is, so that it holds after a student has
// beefed up ComplexData too.
TEST_CASE("go syntax: a row added to gob_fields() is printed, with no other code") {
  BeefedUp value;
  static_cast<ComplexData&>(value) = make_tutorial_sample();
  value.beef = {"networking", "gob"};
  const std::string plain = format_go_syntax(static_cast<const ComplexData&>(value));
  CHECK(go_syntax(value) ==
        without_closing_brace(plain) + ", Beef:[]string{\"networking\", \"gob\"}}");
  CHECK(go_syntax(BeefedUp{}) ==
        without_closing_brace(format_go_syntax(ComplexData{})) + ", Beef:[]string(nil)}");
  // The same row is what the codec sends the field by.
  std::vector<std::uint8_t> sent = test::gob_encode(value);
  CHECK(std::string(sent.begin(), sent.end())
            .find("\x04"
                  "Beef") != std::string::npos);
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

// ------------------------------------------------ cut for a log line --

TEST_CASE("go syntax cut: the tutorial's sample prints exactly as Go's %#v") {
  ComplexData sample = make_tutorial_sample();
  CHECK(go_syntax_cut(sample) == go_syntax(sample));
  CHECK(go_syntax_cut(sample.c.get()) == go_syntax(sample.c.get()));
}

TEST_CASE("go syntax cut: long bytes, slices, maps and strings show their length") {
  ComplexData value;
  value.p.assign(1'048'546, 0);
  std::string shown = go_syntax_cut(value);
  CHECK(shown.find("P:[]uint8{0x0, 0x0, ") != std::string::npos);
  CHECK(shown.find(", ... (1048546 bytes)}") != std::string::npos);
  CHECK(shown.size() < 1024);

  std::vector<std::int64_t> numbers(1000, 7);
  std::string slice = go_syntax_cut(numbers);
  CHECK(slice.starts_with("[]int{7, 7, "));
  CHECK(slice.ends_with(", 7, ... (1000 elements)}"));

  std::map<std::string, std::int64_t> map;
  for (int i = 0; i < 100; ++i) map[std::to_string(1000 + i)] = i;
  CHECK(go_syntax_cut(map).ends_with(", \"1031\":31, ... (100 entries)}"));

  std::string text(1000, 'a');
  CHECK(go_syntax_cut(text) == "\"" + std::string(256, 'a') + "\"... (1000 bytes)");
  // Outside a cut, the same values print whole.
  CHECK(go_syntax(text).size() == 1002);
}

TEST_CASE("go syntax cut: the whole is cut at 16 KiB whatever the value holds") {
  ComplexData value;
  for (int i = 0; i < 100; ++i) value.m[std::string(10'000, '\x01') + std::to_string(i)] = i;
  std::string shown = go_syntax_cut(value);
  CHECK(shown.size() < 16 * 1024 + 64);
  CHECK(shown.find("... (cut at ") != std::string::npos);
}

// ------------------------------- float32, complex, arrays, []bool --

TEST_CASE("go syntax: float32, complex, [3]int and []bool print as Go 1.19's %#v") {
  test::Kinds value;
  value.f32 = 0.1F;
  value.c128 = {1, -2};
  value.c64 = {0.5F, 0};
  value.a = {1, 0, -1};
  value.b = {true, false, true};
  CHECK(go_syntax(value) ==
        "main.kinds{F32:0.1, C128:(1-2i), C64:(0.5+0i), A:[3]int{1, 0, -1}, "
        "B:[]bool{true, false, true}}");
  CHECK(go_syntax(test::Kinds{}) ==
        "main.kinds{F32:0, C128:(0+0i), C64:(0+0i), A:[3]int{0, 0, 0}, B:[]bool(nil)}");
}

TEST_CASE("go syntax: a nil-able map prints nil and empty apart, and integer sizes by name") {
  std::optional<std::map<std::string, std::int64_t>> map;
  CHECK(go_syntax(map) == "map[string]int(nil)");
  map.emplace();
  CHECK(go_syntax(map) == "map[string]int{}");
  (*map)["a"] = 1;
  CHECK(go_syntax(map) == "map[string]int{\"a\":1}");
  CHECK(go_syntax(std::vector<std::int8_t>{-1}) == "[]int8{-1}");
  CHECK(go_syntax(std::vector<std::uint16_t>{1}) == "[]uint16{0x1}");
}
