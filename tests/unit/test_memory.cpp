// Memory bounds: MemoryBudget (--max-memory, shared by all connections),
// MemoryReservation (one message's share, with its free part), and the
// decoder's MemoryAccounts (what a message may cost in proportion to its
// bytes). Each test below could fail: it names the figure it checks.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "../../common/buffered_stream.hpp"
#include "../../common/complex_data.hpp"
#include "../../common/error.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/memory_budget.hpp"
#include "allocation_watch.hpp"
#include "test_helpers.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
using net::MemoryBudget;

constexpr std::size_t kMiB = 1 << 20;

auto in_ms(int ms) {
  return Clock::now() + std::chrono::milliseconds(ms);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One definition message for struct type 65 whose `count` fields are empty
// fieldTypes: one byte each on the wire, a 40-byte FieldType in memory.
Bytes struct_of_empty_fields(std::size_t count) {
  Bytes body = test::unhex(
      "ff81"
      "03"
      "01"
      "01"
      "03626967"
      "01"
      "ff82"
      "00"
      "01");
  gob::WireWriter(body).put_uint(count);
  body.insert(body.end(), count, 0x00);
  body.push_back(0x00);  // end of structType
  body.push_back(0x00);  // end of wireType
  return test::frame(body);
}

struct Holder {
  std::vector<ComplexData> all;
  static constexpr std::string_view gob_name = "holder";
  static auto gob_fields() { return std::tuple{gob::field("All", &Holder::all)}; }
};

}  // namespace

// -------------------------------------------------------- MemoryBudget --

TEST_CASE("memory budget: takes and gives back, and waits no longer than the deadline") {
  MemoryBudget budget(1000);
  budget.acquire(600, std::nullopt, MemoryBudget::Use::Decoding);
  CHECK(budget.in_use() == 600);
  std::string error =
      test::protocol_error([&] { budget.acquire(500, in_ms(50), MemoryBudget::Use::Decoding); });
  CHECK(contains(error, "server busy"));
  CHECK(contains(error, "--max-memory"));
  CHECK(budget.in_use() == 600);
  budget.release(600);
  CHECK(budget.in_use() == 0);
}

TEST_CASE("memory budget: a waiter goes on as soon as another gives memory back") {
  MemoryBudget budget(1000);
  budget.acquire(1000, std::nullopt, MemoryBudget::Use::Decoding);
  std::thread giver([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    budget.release(1000);
  });
  CHECK_NOTHROW(budget.acquire(700, in_ms(10'000), MemoryBudget::Use::Decoding));
  giver.join();
  CHECK(budget.in_use() == 700);
  budget.release(700);
}

TEST_CASE("memory budget: arriving messages leave the last quarter to decoding") {
  MemoryBudget budget(1000);
  CHECK(budget.ceiling(MemoryBudget::Use::ArrivingMessage) == 750);
  budget.acquire(750, std::nullopt, MemoryBudget::Use::ArrivingMessage);
  CHECK(contains(test::protocol_error(
                     [&] { budget.acquire(1, in_ms(20), MemoryBudget::Use::ArrivingMessage); }),
                 "server busy"));
  CHECK_NOTHROW(budget.acquire(250, in_ms(20), MemoryBudget::Use::Decoding));
  // More than a use may ever have is refused at once, not after waiting.
  auto started = Clock::now();
  CHECK_THROWS_AS(budget.acquire(751, in_ms(10'000), MemoryBudget::Use::ArrivingMessage),
                  net::ProtocolError);
  CHECK(Clock::now() - started < std::chrono::seconds(5));
  budget.release(1000);
}

TEST_CASE("memory reservation: the free part is not taken, the rest is given back") {
  MemoryBudget budget(10 * kMiB);
  {
    net::MemoryReservation reservation(&budget, 4096);
    reservation.resize(4096);
    CHECK(budget.in_use() == 0);
    reservation.resize(4096 + 1);
    CHECK(budget.in_use() >= 1);
    reservation.resize(3 * kMiB);
    CHECK(budget.in_use() >= 3 * kMiB - 4096);
    reservation.resize(100);
    CHECK(budget.in_use() == 0);
    reservation.resize(2 * kMiB);
  }
  CHECK(budget.in_use() == 0);  // the destructor gave it all back
}

// ------------------------------------------ memory in proportion to bytes --

TEST_CASE("memory: a definition of a million empty fields is refused before it is stored") {
  Bytes definition = struct_of_empty_fields(1'040'000);
  CHECK(definition.size() <= gob::Limits{}.max_message);
  test::AllocationWatch watch;
  std::string error = test::protocol_error([&] { test::gob_decode<ComplexData>(definition); });
  CHECK(contains(error, "the type definitions would take more than"));
  CHECK(contains(error, "2 times the definitions' bytes"));
  // 1,040,000 FieldTypes would be one 41 MB request.
  CHECK(watch.largest() < 2 * kMiB);
}

TEST_CASE("memory: a struct of a thousand fields, each named, is within the allowance") {
  // 1000 fields "F0".."F999" of type int: about 8 bytes each on the wire.
  std::vector<gob::FieldType> fields;
  for (int i = 0; i < 1000; ++i) fields.push_back({"F" + std::to_string(i), gob::type_ids::kInt});
  Bytes stream = test::join({test::struct_definition(65, "wide", std::move(fields)),
                             test::unhex("03ff8200")});  // an empty value
  CHECK_NOTHROW(test::gob_decode<ComplexData>(stream));
}

TEST_CASE("memory: a slice whose elements cost far more than their bytes is refused") {
  // []complexData of 60,000 empty elements: 1 byte each, ~120 bytes each in memory.
  Holder holder;
  holder.all.resize(60'000);
  Bytes stream = test::gob_encode(holder);
  std::string error = test::protocol_error([&] { test::gob_decode<Holder>(stream); });
  CHECK(contains(error, "in field All: gob: the value would take more than"));
  // A few hundred are fine: the 256 KiB floor holds them.
  holder.all.resize(300);
  CHECK_NOTHROW(test::gob_decode<Holder>(test::gob_encode(holder)));
}

TEST_CASE("memory: a map with the same key repeated is charged once per key it keeps") {
  // 100,000 copies of the key "a": Go never sends this; it costs one node.
  Bytes value = test::unhex(
      "ff82"
      "03");
  gob::WireWriter(value).put_uint(100'000);
  for (int i = 0; i < 100'000; ++i) {
    for (std::uint8_t byte : test::unhex("016102")) value.push_back(byte);
  }
  value.push_back(0x00);
  std::vector<Bytes> sample = test::split_messages(test::read_fixture("sample"));
  Bytes stream = test::join({test::frame(sample[0]), test::frame(sample[1]), test::frame(value)});
  ComplexData decoded = test::gob_decode<ComplexData>(stream);
  CHECK(decoded.m.size() == 1);
  CHECK(decoded.m["a"] == 1);
}

TEST_CASE("memory: no more than 1024 types on one stream") {
  gob::Decoder decoder;
  Bytes stream;
  for (gob::TypeId id = 65; id < 65 + 1024; ++id) {
    Bytes message = test::struct_definition(id, "t", {{"A", gob::type_ids::kInt}});
    stream.insert(stream.end(), message.begin(), message.end());
  }
  Bytes one_more = test::struct_definition(65 + 1024, "t", {{"A", gob::type_ids::kInt}});
  stream.insert(stream.end(), one_more.begin(), one_more.end());
  std::string error = test::protocol_error([&] {
    ComplexData value;
    decoder.decode(std::span<const std::uint8_t>(stream), value);
  });
  CHECK(error == "gob: more than 1024 types defined on one stream");
}

// ---------------------------------------------------- the shared budget --

TEST_CASE("memory: the tutorial's sample decodes within the free part, budget or not") {
  // Someone else holds every byte of the budget; the sample needs none of it.
  MemoryBudget budget(kMiB);
  budget.acquire(kMiB, std::nullopt, MemoryBudget::Use::Decoding);
  test::SocketPair pair = test::make_socket_pair();
  test::send_all(pair.theirs, test::read_fixture("sample"));
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(in_ms(2000));
  gob::Limits limits;
  limits.budget = &budget;
  gob::Decoder decoder(limits);
  ComplexData value;
  CHECK_NOTHROW(decoder.decode(stream, value));
  CHECK(value.s == "string data");
  budget.release(kMiB);
}

TEST_CASE("memory: a large message waits for the budget, and is refused at its deadline") {
  MemoryBudget budget(kMiB);
  budget.acquire(kMiB, std::nullopt, MemoryBudget::Use::Decoding);
  ComplexData big;
  big.p.assign(100'000, 7);
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::gob_encode(big), 4096,
                  test::AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(in_ms(200));
  gob::Limits limits;
  limits.budget = &budget;
  gob::Decoder decoder(limits);
  ComplexData value;
  std::string error = test::protocol_error([&] { decoder.decode(stream, value); });
  CHECK(contains(error, "server busy: no memory for this message before its deadline"));
  budget.release(kMiB);
}

TEST_CASE("memory: a long line takes from the budget, and gives it back") {
  MemoryBudget budget(kMiB);
  test::SocketPair pair = test::make_socket_pair();
  std::string line(100'000, 'x');
  test::send_all(pair.theirs, test::bytes_of(line + "\n"));
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(in_ms(2000));
  stream.set_memory_budget(&budget);
  CHECK(stream.read_line(200'000) == line);
  CHECK(budget.in_use() == 0);
  // With the budget held by others, the same line waits, then is refused.
  budget.acquire(kMiB, std::nullopt, MemoryBudget::Use::Decoding);
  test::send_all(pair.theirs, test::bytes_of(line + "\n"));
  stream.set_deadline(in_ms(200));
  CHECK(contains(test::protocol_error([&] { stream.read_line(200'000); }), "server busy"));
  budget.release(kMiB);
}
