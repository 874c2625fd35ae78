// gob_types: the C++ half of the "all of gob" interop test (main.go is the
// Go half, with the same struct and the same cases; its comment says how
// tests/integration/test_gob_types.py uses the two).
//
//   gob_types list              the case names, one a line
//   gob_types encode CASE       the gob stream of the case's value, to stdout
//   gob_types print CASE        decodes a stream of the case's type from
//                               stdin and prints it as Go's %#v
//   gob_types roundtrip CASE    decodes a stream from stdin and encodes what
//                               it decoded to stdout, for Go to check
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../common/go_syntax.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/gob/encoder.hpp"
#include "../../common/gob/go_time.hpp"
#include "../../common/gob/interface.hpp"

namespace {

using gob::field;

struct Point {
  std::int64_t x = 0, y = 0;
  static constexpr std::string_view gob_name = "point";
  static auto gob_fields() { return std::tuple{field("X", &Point::x), field("Y", &Point::y)}; }
};

struct Circle {
  Point center;
  double r = 0;
  gob::Interface label;
  static constexpr std::string_view gob_name = "circle";
  static auto gob_fields() {
    return std::tuple{field("Center", &Circle::center), field("R", &Circle::r),
                      field("Label", &Circle::label)};
  }
};

struct Node {
  std::int64_t v = 0;
  std::unique_ptr<Node> next;
  static constexpr std::string_view gob_name = "node";
  static auto gob_fields() { return std::tuple{field("V", &Node::v), field("Next", &Node::next)}; }
};

struct AllTypes {
  std::int64_t i = 0;
  std::int8_t i8 = 0;
  std::int16_t i16 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u = 0;
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  float f32 = 0;
  double f64 = 0;
  std::complex<float> c64;
  std::complex<double> c128;
  bool b = false;
  std::string s;

  std::vector<std::uint8_t> bytes;
  std::array<std::int64_t, 3> array{};
  std::array<Point, 2> points2{};
  std::vector<bool> bools;
  std::vector<std::string> strings;
  std::vector<Point> points;
  std::vector<std::unique_ptr<Point>> ptr_pts;
  std::vector<std::vector<std::int64_t>> nested;

  std::map<std::string, std::int64_t> m;
  std::map<std::string, std::unique_ptr<Point>> m_ptr;
  std::map<std::int64_t, std::vector<std::string>> m_slice;
  std::optional<std::map<std::string, std::int64_t>> empty_map;

  std::unique_ptr<std::int64_t> p;
  std::unique_ptr<std::unique_ptr<std::int64_t>> pp;
  std::unique_ptr<std::string> ps;
  std::unique_ptr<std::vector<std::int64_t>> p_slice;
  std::unique_ptr<std::map<std::string, std::int64_t>> p_map;
  Point pt;
  std::unique_ptr<Point> pt_p;
  std::unique_ptr<Node> list;
  gob::GoTime when;

  gob::Interface any;
  gob::Interface shape;
  std::vector<gob::Interface> items;
  std::map<std::string, gob::Interface> named;

  static constexpr std::string_view gob_name = "allTypes";
  static auto gob_fields() {
    using T = AllTypes;
    return std::tuple{
        field("I", &T::i),
        field("I8", &T::i8),
        field("I16", &T::i16),
        field("I32", &T::i32),
        field("I64", &T::i64),
        field("U", &T::u),
        field("U8", &T::u8),
        field("U16", &T::u16),
        field("U32", &T::u32),
        field("U64", &T::u64),
        field("F32", &T::f32),
        field("F64", &T::f64),
        field("C64", &T::c64),
        field("C128", &T::c128),
        field("B", &T::b),
        field("S", &T::s),
        field("Bytes", &T::bytes),
        field("Array", &T::array),
        field("Points2", &T::points2),
        field("Bools", &T::bools),
        field("Strings", &T::strings),
        field("Points", &T::points),
        field("PtrPts", &T::ptr_pts),
        field("Nested", &T::nested),
        field("M", &T::m),
        field("MPtr", &T::m_ptr),
        field("MSlice", &T::m_slice),
        field("EmptyMap", &T::empty_map),
        field("P", &T::p),
        field("PP", &T::pp),
        field("PS", &T::ps),
        field("PSlice", &T::p_slice),
        field("PMap", &T::p_map),
        field("Pt", &T::pt),
        field("PtP", &T::pt_p),
        field("List", &T::list),
        field("When", &T::when),
        field("Any", &T::any),
        field("Shape", &T::shape),
        field("Items", &T::items),
        field("Named", &T::named),
    };
  }
};

template <class T>
std::unique_ptr<T> pointer_to(T value) {
  return std::make_unique<T>(std::move(value));
}

std::unique_ptr<Node> list_of(std::vector<std::int64_t> values) {
  std::unique_ptr<Node> head;
  for (auto value = values.rbegin(); value != values.rend(); ++value) {
    head = pointer_to(Node{*value, std::move(head)});
  }
  return head;
}

gob::GoTime utc(std::chrono::sys_days day, std::chrono::nanoseconds time_of_day) {
  return std::chrono::time_point_cast<gob::GoTime::duration>(day + time_of_day);
}

// The cases, value for value as main.go's.
AllTypes full() {
  using namespace std::chrono;
  AllTypes value;
  value.i = -23, value.i8 = -128, value.i16 = 32767, value.i32 = -2147483647 - 1;
  value.i64 = 9223372036854775807;
  value.u = 23, value.u8 = 255, value.u16 = 65535, value.u32 = 4294967295;
  value.u64 = 18446744073709551615u;
  value.f32 = 0.1f, value.f64 = -2.5e-300, value.c64 = {1.5f, -2}, value.c128 = {-0.25, 1e100};
  value.b = true, value.s = "string data \xff";
  value.bytes = {'a', 'b', 'c'};
  value.array = {1, 0, -1};
  value.points2 = {Point{1, 2}, Point{}};
  value.bools = {true, false, true};
  value.strings = {"a", ""};
  value.points = {Point{3, 4}};
  value.ptr_pts = gob::pointers(Point{5, 6}, Point{7, 8});
  value.nested = {{1}, {}, {2, 3}};
  value.m = {{"one", 1}};
  value.m_ptr = gob::pointer_map<std::string, Point>({{"p", {9, 9}}});
  value.m_slice = {{-1, {"x", "y"}}};
  value.empty_map.emplace();
  value.p = pointer_to<std::int64_t>(42);
  value.pp = pointer_to(pointer_to<std::int64_t>(7));
  value.ps = pointer_to<std::string>("pointed at");
  value.p_slice = pointer_to<std::vector<std::int64_t>>({4, 5});
  value.p_map = pointer_to<std::map<std::string, std::int64_t>>({{"k", 1}});
  value.pt = {10, 20};
  value.pt_p = pointer_to(Point{30, 40});
  value.list = list_of({1, 2, 3});
  value.when = utc(2017y / February / 9, 12h + 30min + 45s + 123456789ns);
  return value;
}

AllTypes pointers_to_zero() {
  AllTypes value;
  value.p = pointer_to<std::int64_t>(0);
  value.pp = pointer_to(std::unique_ptr<std::int64_t>());
  value.ps = pointer_to<std::string>("");
  value.p_slice = pointer_to<std::vector<std::int64_t>>({});
  value.p_map = pointer_to<std::map<std::string, std::int64_t>>({});
  value.pt_p = pointer_to(Point{});
  return value;
}

AllTypes interfaces() {
  using namespace std::chrono;
  AllTypes value;
  value.any = std::int64_t{5};
  value.shape = Circle{{1, 2}, 2.5, Point{7, 7}};
  value.items.emplace_back(std::int8_t{-1});
  value.items.emplace_back("two");
  value.items.emplace_back(3.5);
  value.items.emplace_back(std::vector<std::int64_t>{4});
  value.items.emplace_back(pointer_to(Point{5, 5}));
  value.items.emplace_back();
  value.items.push_back(gob::Interface::named("uint64", std::uint64_t{6}));
  value.items.emplace_back(pointer_to(Node{8, nullptr}));
  value.items.emplace_back(utc(2020y / March / 1, 0ns));
  value.items.emplace_back(Circle{{}, 1, "inner"});
  value.named["only"] = true;
  return value;
}

AllTypes maps() {
  AllTypes value;
  value.m = {{"one", 1}, {"two", 2}, {"three", 3}};
  value.m_ptr = gob::pointer_map<std::string, Point>({{"a", {1, 1}}, {"b", {2, 2}}});
  value.m_slice = {{1, {"a"}}, {2, {}}, {3, {"b", "c"}}};
  value.named["int"] = std::int64_t{1};
  value.named["string"] = "s";
  value.named["point"] = Point{1, 2};
  return value;
}

// What one case does in each mode, for its own type.
template <class T>
int run(const std::string& mode, const std::function<T()>& make) {
  std::vector<std::uint8_t> bytes;
  if (mode == "encode") {
    gob::Encoder().encode(make(), bytes);
  } else {
    std::vector<std::uint8_t> input((std::istreambuf_iterator<char>(std::cin)),
                                    std::istreambuf_iterator<char>());
    T received{};
    gob::Decoder().decode(std::span<const std::uint8_t>(input), received);
    if (mode == "print") {
      std::cout << go_syntax(received) << '\n';
      return 0;
    }
    if (mode != "roundtrip") throw std::invalid_argument("no mode " + mode);
    gob::Encoder().encode(received, bytes);
  }
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  return 0;
}

int run_case(const std::string& mode, const std::string& name) {
  if (name == "full") return run<AllTypes>(mode, full);
  if (name == "zero") return run<AllTypes>(mode, [] { return AllTypes{}; });
  if (name == "pointers-to-zero") return run<AllTypes>(mode, pointers_to_zero);
  if (name == "interfaces") return run<AllTypes>(mode, interfaces);
  if (name == "maps") return run<AllTypes>(mode, maps);
  if (name == "top-pointer") {
    return run<std::unique_ptr<Node>>(mode, [] { return list_of({1, 2}); });
  }
  throw std::invalid_argument("no case " + name);
}

}  // namespace

int main(int argc, char** argv) {
  // As main.go registers them.
  gob::register_type<Point>();
  gob::register_type<std::unique_ptr<Node>>();
  gob::register_type<Circle>();
  gob::register_type<gob::GoTime>();
  try {
    if (argc == 2 && std::string(argv[1]) == "list") {
      std::cout << "full\nzero\npointers-to-zero\ninterfaces\nmaps\ntop-pointer\n";
      return 0;
    }
    if (argc != 3) throw std::invalid_argument("usage: gob_types list | MODE CASE");
    return run_case(argv[1], argv[2]);
  } catch (const std::exception& error) {
    std::cerr << "gob_types: " << error.what() << '\n';
    return 2;
  }
}
