// libFuzzer harness: arbitrary bytes as a gob stream, decoded the way the
// GOB handler does (type definitions, then one value) into ComplexData, and
// into a struct that uses every other Codec, so that each decoding path and
// skip() see hostile input. Its interface fields hold registered types,
// itself among them, so that a value can nest through interfaces. The decoder may refuse the input
// with an exception; it may not crash, leak, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "../../common/complex_data.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/gob/go_time.hpp"
#include "../../common/gob/interface.hpp"

namespace {

struct Inner {
  std::vector<std::string> words;
  static constexpr std::string_view gob_name = "inner";
  static auto gob_fields() { return std::tuple{gob::field("Words", &Inner::words)}; }
};

// Field names chosen to overlap ComplexData's, so a ComplexData stream
// reaches the type checks of this struct too.
struct EveryKind {
  std::int32_t n = 0;
  std::uint8_t u = 0;
  bool b = false;
  double f = 0;
  std::string s;
  std::vector<std::uint8_t> p;
  std::map<std::int64_t, std::vector<std::uint8_t>> m;
  std::vector<Inner> list;
  std::unique_ptr<EveryKind> c;
  gob::Interface any;
  std::vector<gob::Interface> items;
  static constexpr std::string_view gob_name = "everyKind";
  static auto gob_fields() {
    return std::tuple{gob::field("N", &EveryKind::n),        gob::field("U", &EveryKind::u),
                      gob::field("B", &EveryKind::b),        gob::field("F", &EveryKind::f),
                      gob::field("S", &EveryKind::s),        gob::field("P", &EveryKind::p),
                      gob::field("M", &EveryKind::m),        gob::field("List", &EveryKind::list),
                      gob::field("C", &EveryKind::c),        gob::field("Any", &EveryKind::any),
                      gob::field("Items", &EveryKind::items)};
  }
};

template <class T>
void decode_all(std::span<const std::uint8_t> bytes) {
  gob::Limits limits;  // the server's: messages up to 1 MiB, as -max_len allows
  gob::Decoder decoder(limits);
  // One decoder over the whole input, value after value, as a connection
  // carrying several messages would.
  while (!bytes.empty()) {
    T value;
    try {
      bytes = bytes.subspan(decoder.decode(bytes, value));
    } catch (const std::exception&) {
      return;  // refused: fine
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The names of the interfaces seed (main.go's types share them).
  gob::register_type<Inner>("main.point");
  gob::register_type<EveryKind>("main.circle");
  gob::register_type<std::unique_ptr<ComplexData>>("*main.node");
  gob::register_type<gob::GoTime>();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  decode_all<ComplexData>(bytes);
  decode_all<EveryKind>(bytes);
  decode_all<std::int64_t>(bytes);
  return 0;
}
