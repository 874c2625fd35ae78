// The decoder against a hostile peer. Every input here is malformed or
// oversized on purpose; each must end in a net::ProtocolError whose message
// names the problem, and none may crash, hang, or make the decoder allocate
// what the peer merely announces. (`make asan` runs these under
// AddressSanitizer, which turns a stray read into a failure.)
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "../../common/buffered_stream.hpp"
#include "../../common/complex_data.hpp"
#include "../../common/gob/decoder.hpp"
#include "allocation_watch.hpp"
#include "test_helpers.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

// A bound for every read from a socket in this file: a decoder that waited
// for bytes it should not wait for fails the test instead of hanging it.
auto soon() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(10);
}

// The definition messages a fresh encoder sends for T (the value left out),
// for tests that follow them with a value message of their own.
template <class T>
Bytes definitions_of() {
  std::vector<Bytes> messages = test::split_messages(test::gob_encode(T{}));
  Bytes definitions;
  for (std::size_t i = 0; i + 1 < messages.size(); ++i) {
    Bytes framed = test::frame(messages[i]);
    definitions.insert(definitions.end(), framed.begin(), framed.end());
  }
  return definitions;
}

// The sample's two definitions (type 65 complexData, type 66
// map[string]int), then a value message written by hand in hex.
Bytes sample_definitions_then(const std::string& value_hex) {
  std::vector<Bytes> sample = test::split_messages(test::read_fixture("sample"));
  return test::join(
      {test::frame(sample[0]), test::frame(sample[1]), test::frame(test::unhex(value_hex))});
}

// The message of the ProtocolError that decoding `stream` into T throws.
template <class T = ComplexData>
std::string decode_error(const Bytes& stream, gob::Limits limits = {}) {
  return test::protocol_error([&] { test::gob_decode<T>(stream, limits); });
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Chain and ChainHead share a wire name; ChainHead lacks Next, so a Chain's
// Next arrives as an unknown field and is skipped, level by level.
struct Chain {
  std::int64_t v = 0;
  std::unique_ptr<Chain> next;
  static constexpr std::string_view gob_name = "chain";
  static auto gob_fields() {
    return std::tuple{gob::field("V", &Chain::v), gob::field("Next", &Chain::next)};
  }
};
struct ChainHead {
  std::int64_t v = 0;
  static constexpr std::string_view gob_name = "chain";
  static auto gob_fields() { return std::tuple{gob::field("V", &ChainHead::v)}; }
};

Chain make_chain(int depth) {
  Chain head;
  Chain* last = &head;
  for (int level = 1; level < depth; ++level) {
    last->next = std::make_unique<Chain>();
    last = last->next.get();
    last->v = level;
  }
  return head;
}

}  // namespace

// ------------------------------------------------------------ truncation --

TEST_CASE("limits: every prefix of the sample is refused cleanly (in memory)") {
  Bytes sample = test::read_fixture("sample");
  for (std::size_t size = 0; size < sample.size(); ++size) {
    CAPTURE(size);
    CHECK_THROWS_AS(test::gob_decode<ComplexData>(std::span(sample).first(size)),
                    net::ProtocolError);
  }
  CHECK_NOTHROW(test::gob_decode<ComplexData>(sample));
}

TEST_CASE("limits: every prefix of the extended fixture is refused cleanly") {
  // The extended fixture has every kind of field to skip, so truncation
  // hits the skipping code too.
  Bytes extended = test::read_fixture("extended");
  for (std::size_t size = 0; size < extended.size(); ++size) {
    CAPTURE(size);
    CHECK_THROWS_AS(test::gob_decode<ComplexData>(std::span(extended).first(size)),
                    net::ProtocolError);
  }
}

TEST_CASE("limits: a stream that ends inside the sample is an unexpected end of stream") {
  Bytes sample = test::read_fixture("sample");
  for (std::size_t size = 0; size < sample.size(); ++size) {
    CAPTURE(size);
    test::SocketPair pair = test::make_socket_pair();
    test::send_all(pair.theirs, std::span(sample).first(size));
    pair.theirs.close();  // the peer goes away mid-message
    net::BufferedStream stream(pair.ours.fd());
    stream.set_deadline(soon());
    gob::Decoder decoder;
    ComplexData value;
    CHECK_THROWS_AS(decoder.decode(stream, value), net::UnexpectedEndOfStream);
  }
}

TEST_CASE("limits: a stream delivering one byte at a time still decodes") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::read_fixture("sample"), 1,
                  test::AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd(), 1);  // a one-byte buffer: one recv per byte
  stream.set_deadline(soon());
  gob::Decoder decoder;
  ComplexData value;
  decoder.decode(stream, value);
  CHECK(value.s == "string data");
  REQUIRE(value.c != nullptr);
  CHECK(value.c->n == 256);
  CHECK(peer.finish());
}

// ------------------------------------------------- message size limits --

TEST_CASE("limits: a huge length prefix is refused before anything is read") {
  // fc ff ff ff ff: 4294967295 bytes announced.
  std::string error = decode_error(test::unhex("fc ff ff ff ff 00 00"));
  CHECK(contains(error, "message of 4294967295 bytes exceeds the limit of 1048576"));
  // f8 ff ...: the largest uint64.
  CHECK(contains(decode_error(test::unhex("f8 ff ff ff ff ff ff ff ff 00")), "exceeds the limit"));
  // 00: a message of no bytes has no type id either.
  CHECK(contains(decode_error(test::unhex("00")), "empty message"));
}

TEST_CASE("limits: a huge length prefix on a socket is refused without waiting for the body") {
  test::SocketPair pair = test::make_socket_pair();
  // The peer stays connected: a decoder that tried to read the body would
  // wait for it (until the deadline, and then fail with a TimeoutError).
  test::Peer peer(std::move(pair.theirs), test::unhex("fc ff ff ff ff 00"), 64,
                  test::AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  gob::Decoder decoder;
  ComplexData value;
  CHECK_THROWS_WITH_AS(decoder.decode(stream, value), doctest::Contains("--max-message"),
                       net::ProtocolError);
}

TEST_CASE("limits: the allocation watch used below does see a large allocation") {
  test::AllocationWatch watch;
  // Built here, used in another file: the compiler cannot leave it out.
  std::vector<std::uint8_t> big = test::bytes_of(std::string(100'000, 'x'));
  CHECK(big.size() == 100'000);
  CHECK(watch.largest() >= 100'000);
}

TEST_CASE("limits: an announced message is not allocated before its bytes arrive") {
  test::SocketPair pair = test::make_socket_pair();
  // fd 0f ff ff: 1 MiB - 1 bytes announced, just under the limit; then 5
  // bytes, and the peer closes.
  test::Peer peer(std::move(pair.theirs), test::unhex("fd 0f ff ff 01 02 03 04 05"), 64,
                  test::AfterSending::kClose);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  gob::Decoder decoder;
  ComplexData value;
  test::AllocationWatch watch;
  CHECK_THROWS_AS(decoder.decode(stream, value), net::UnexpectedEndOfStream);
  CAPTURE(watch.largest());
  CHECK(watch.largest() < 64 * 1024);  // far below the 1 MiB announced
}

TEST_CASE("limits: a message one byte over Limits::max_message is refused") {
  gob::Limits limits;
  limits.max_message = 16;
  // A top-level string: 0c type id 6 (string), 00 field number 0, then
  // the string's length and bytes. 16 bytes in all: accepted.
  Bytes sixteen = test::frame(test::join({test::unhex("0c 00 0d"), Bytes(13, 'x')}));
  CHECK(test::gob_decode<std::string>(sixteen, limits) == std::string(13, 'x'));
  // 17 bytes: refused, and the error says which limit.
  Bytes seventeen = test::frame(test::join({test::unhex("0c 00 0e"), Bytes(14, 'x')}));
  std::string error = decode_error<std::string>(seventeen, limits);
  CHECK(contains(error, "message of 17 bytes exceeds the limit of 16 bytes"));
}

TEST_CASE("limits: type definitions may not add up to more than max_message") {
  // The sample's definitions are 57 + 30 bytes; each alone is under 80.
  gob::Limits limits;
  limits.max_message = 80;
  std::string error = decode_error(test::read_fixture("sample"), limits);
  CHECK(contains(error, "type definitions exceed 80 bytes"));
}

// ----------------------------------------------------------- nesting --

TEST_CASE("limits: nesting is counted per struct, map and slice level") {
  // The sample: outer struct (1), its map M (2), C (2), C's map M (3).
  Bytes sample = test::read_fixture("sample");
  gob::Limits three;
  three.max_depth = 3;
  CHECK_NOTHROW(test::gob_decode<ComplexData>(sample, three));
  gob::Limits two;
  two.max_depth = 2;
  std::string error = decode_error(sample, two);
  CHECK(contains(error, "field C.M"));
  CHECK(contains(error, "limit of 2 levels"));
}

TEST_CASE("limits: a chain one level deeper than max_depth is refused") {
  Bytes fifty = test::gob_encode(make_chain(50));
  gob::Limits limits;
  limits.max_depth = 50;
  CHECK_NOTHROW(test::gob_decode<Chain>(fifty, limits));
  limits.max_depth = 49;
  CHECK(contains(decode_error<Chain>(fifty, limits), "limit of 49 levels"));
}

TEST_CASE("limits: the nesting limit holds for fields that are skipped, too") {
  // ChainHead has no Next: all 50 levels of it are skipped, not decoded.
  Bytes fifty = test::gob_encode(make_chain(50));
  CHECK(test::gob_decode<ChainHead>(fifty).v == 0);
  gob::Limits limits;
  limits.max_depth = 10;
  CHECK(contains(decode_error<ChainHead>(fifty, limits), "limit of 10 levels"));
}

TEST_CASE("limits: Go's deep fixtures against the default and a raised limit") {
  Bytes deep2000 = test::read_fixture("deep2000");
  CHECK(contains(decode_error(deep2000), "limit of 1000 levels"));
  gob::Limits raised;
  raised.max_depth = 2000;
  CHECK_NOTHROW(test::gob_decode<ComplexData>(deep2000, raised));
  gob::Limits low;
  low.max_depth = 100;
  CHECK(contains(decode_error(test::read_fixture("deep500"), low), "limit of 100 levels"));
}

// ------------------------------------------------------ lying counts --

TEST_CASE("limits: a string length larger than the message is refused") {
  // 0c 00: a top-level string; 05: five bytes announced; two follow.
  std::string error = decode_error<std::string>(test::frame(test::unhex("0c 00 05 61 62")));
  CHECK(contains(error, "count 5 exceeds"));
}

TEST_CASE("limits: a slice count larger than the message is refused") {
  // ff 82: a value of type 65 ([]int); 00 field number; 7f: 127 elements; 3 follow.
  Bytes stream = test::join({definitions_of<std::vector<std::int64_t>>(),
                             test::frame(test::unhex("ff 82 00 7f 02 04 06"))});
  CHECK(contains(decode_error<std::vector<std::int64_t>>(stream), "count 127 exceeds"));
}

TEST_CASE("limits: a map count larger than the message is refused") {
  // 7f: 127 entries announced; one ("a": 1) follows.
  using Map = std::map<std::string, std::int64_t>;
  Bytes stream =
      test::join({definitions_of<Map>(), test::frame(test::unhex("ff 82 00 7f 01 61 02"))});
  CHECK(contains(decode_error<Map>(stream), "count 127 exceeds"));
}

TEST_CASE("limits: a field list count larger than the type definition is refused") {
  Bytes sample = test::read_fixture("sample");
  // In the first message, "01 05" at 0x16 is structType's field 1, the
  // list of 5 fieldTypes (see test_codec.cpp for the whole dump).
  constexpr std::size_t kFieldCount = 0x17;
  REQUIRE(sample[kFieldCount] == 0x05);
  sample[kFieldCount] = 0x7f;
  CHECK(contains(decode_error(sample), "count 127 exceeds"));
}

// --------------------------------------------------- bad definitions --

TEST_CASE("limits: a definition for a type id below 64 is refused") {
  std::vector<Bytes> sample = test::split_messages(test::read_fixture("sample"));
  // complexData's wireType: the first message without its id (ff 81).
  Bytes wire_type(sample[0].begin() + 2, sample[0].end());
  // 13: the int -10, "this message defines type 10", a reserved id.
  CHECK(contains(decode_error(test::frame(test::join({test::unhex("13"), wire_type}))),
                 "type id 10 is reserved"));
  // The smallest int64 as an id: refused before it is negated (overflow).
  Bytes smallest = test::join({test::unhex("f8 ff ff ff ff ff ff ff ff"), wire_type});
  CHECK(contains(decode_error(test::frame(smallest)), "out of range"));
}

TEST_CASE("limits: a type defined twice is refused") {
  Bytes sample = test::read_fixture("sample");
  Bytes first_message = test::frame(test::split_messages(sample)[0]);
  CHECK(contains(decode_error(test::join({first_message, sample})), "type id 65 is defined twice"));
}

TEST_CASE("limits: a field delta past the last field is refused") {
  // complexData has fields 0 to 4. 06: a delta of 6 from -1, field 5.
  CHECK(contains(decode_error(sample_definitions_then("ff 82 06 00")),
                 "field delta 6 out of range in struct complexData"));
  // N (01 2e), then a delta of 5 from field 0: field 5 again.
  CHECK(contains(decode_error(sample_definitions_then("ff 82 01 2e 05 00")), "out of range"));
  // The largest delta there is: must not wrap around to a valid field.
  CHECK(contains(decode_error(sample_definitions_then("ff 82 f8 ff ff ff ff ff ff ff ff 00")),
                 "out of range"));
  // In a definition: wireType has 7 fields; 08 would be an 8th.
  CHECK(contains(decode_error(test::frame(test::unhex("ff 81 08 00"))),
                 "type definition has a field delta out of range"));
}

TEST_CASE("limits: a value of a type that was never defined is refused") {
  // ff 84: a value of type 66, with no definitions before it.
  CHECK(contains(decode_error(test::frame(test::unhex("ff 84 00"))), "undefined type id 66"));
  // A struct whose field N has type 70, which is never defined either.
  Bytes stream = test::join({test::struct_definition(65, "complexData", {{"N", 70}}),
                             test::frame(test::unhex("ff 82 01 02 00"))});
  std::string error = decode_error(stream);
  CHECK(contains(error, "field N"));
  CHECK(contains(error, "undefined type id 70"));
  // The same type in a field we would skip.
  Bytes skipped = test::join({test::struct_definition(65, "complexData", {{"Unknown", 70}}),
                              test::frame(test::unhex("ff 82 01 02 00"))});
  CHECK(contains(decode_error(skipped), "undefined type id 70"));
}

TEST_CASE("limits: bytes after the value in its message are refused") {
  Bytes sample = test::read_fixture("sample");
  std::vector<Bytes> messages = test::split_messages(sample);
  REQUIRE(messages.size() == 3);
  messages[2].push_back(0x00);
  Bytes stream =
      test::join({test::frame(messages[0]), test::frame(messages[1]), test::frame(messages[2])});
  CHECK(contains(decode_error(stream), "1 unexpected bytes at the end of a message"));
  // The top-level int 7, with a byte too many.
  CHECK(contains(decode_error<std::int64_t>(test::unhex("04 04 00 0e 00")), "unexpected bytes"));
  // And after a type definition.
  messages[0].push_back(0x00);
  CHECK(contains(decode_error(test::frame(messages[0])), "unexpected bytes"));
}

// --------------------------------------------------------- interfaces --

TEST_CASE("limits: an interface value sent for a known field is refused") {
  // complexData as a peer defines it: N is an interface (type id 8).
  Bytes stream =
      test::join({test::struct_definition(65, "complexData", {{"N", gob::type_ids::kInterface}}),
                  // 01: field N; 00: an interface holding nil (no type name); 00: end
                  test::frame(test::unhex("ff 82 01 00 00"))});
  std::string error = decode_error(stream);
  CHECK(contains(error, "field N"));
  CHECK(contains(error, "sent an interface value, local type is signed integer"));
}

TEST_CASE("limits: an interface value in an unknown field is skipped") {
  Bytes definition = test::struct_definition(
      65, "complexData", {{"Extra", gob::type_ids::kInterface}, {"N", gob::type_ids::kInt}});
  // 01 Extra: 03 "int" the concrete type's name, 04 its id (2), then the
  //   value as a block: 02 bytes, 00 0e (field number 0, the int 7);
  // 01 N: 2e (23); 00 end.
  Bytes holding_int = test::join(
      {definition, test::frame(test::unhex("ff 82 01 03 69 6e 74 04 02 00 0e 01 2e 00"))});
  CHECK(test::gob_decode<ComplexData>(holding_int).n == 23);
  // A nil interface is just an empty name.
  Bytes holding_nil = test::join({definition, test::frame(test::unhex("ff 82 01 00 01 2e 00"))});
  CHECK(test::gob_decode<ComplexData>(holding_nil).n == 23);
  // A block longer than the message is refused like any other count.
  Bytes lying = test::join(
      {definition, test::frame(test::unhex("ff 82 01 03 69 6e 74 04 7f 00 0e 01 2e 00"))});
  CHECK(contains(decode_error(lying), "count 127 exceeds"));
}

// ------------------------------------------------------------ byte flips --

TEST_CASE("limits: flipping any byte of a fixture never crashes the decoder") {
  // Every position, a handful of replacement values: about 5,500 decodes.
  // Each may succeed or throw; neither may crash (ASan watches in `make asan`).
  for (std::string name : {"sample", "extended"}) {
    Bytes original = test::read_fixture(name);
    std::size_t decoded = 0;
    std::size_t refused = 0;
    for (std::size_t position = 0; position < original.size(); ++position) {
      std::uint8_t byte = original[position];
      for (std::uint8_t replacement :
           {std::uint8_t{0x00}, std::uint8_t{0x01}, std::uint8_t{0x7f}, std::uint8_t{0x80},
            std::uint8_t{0xff}, static_cast<std::uint8_t>(byte ^ 0x01),
            static_cast<std::uint8_t>(byte ^ 0x80)}) {
        Bytes mutated = original;
        mutated[position] = replacement;
        try {
          ComplexData value;
          gob::Decoder decoder;
          decoder.decode(std::span<const std::uint8_t>(mutated), value);
          ++decoded;
        } catch (const std::exception&) {
          ++refused;
        }
      }
    }
    CAPTURE(name);
    CHECK(decoded + refused == original.size() * 7);
    CHECK(refused > 0);  // some mutations must be caught...
    CHECK(decoded > 0);  // ...and some (inside strings, say) are harmless
  }
}

TEST_CASE("limits: an interface holding a struct, defined in mid-value, is skipped, both times") {
  // Written by Go 1.19 for complexData{N: 23, Shape: circle{2.5}, Also:
  // circle{1}, S: "after"}, with Shape and Also interface{} fields and
  // circle registered. The first circle's definition ends the value's first
  // message; the value goes on in the next.
  Bytes stream = test::unhex(
      "38 ff 81 03 01 01 0b 63 6f 6d 70 6c 65 78 44 61 74 61 01 ff 82 00 01 04 01 01 4e 01 04 00 "
      "01 05 53 68 61 70 65 01 10 00 01 04 41 6c 73 6f 01 10 00 01 01 53 01 0c 00 00 00 2b ff 82 "
      "01 2e 01 0b 6d 61 69 6e 2e 63 69 72 63 6c 65 ff 83 03 01 01 06 63 69 72 63 6c 65 01 ff 84 "
      "00 01 01 01 01 52 01 08 00 00 00 25 ff 84 05 01 fe 04 40 00 01 0b 6d 61 69 6e 2e 63 69 72 "
      "63 6c 65 ff 84 05 01 fe f0 3f 00 01 05 61 66 74 65 72 00");
  gob::Decoder decoder;
  ComplexData value;
  CHECK(decoder.decode(std::span<const std::uint8_t>(stream), value) == stream.size());
  CHECK(value.n == 23);
  CHECK(value.s == "after");  // the field after both interfaces
  CHECK(decoder.unknown_fields() ==
        std::vector<std::string>{"complexData.Shape", "complexData.Also"});
}
