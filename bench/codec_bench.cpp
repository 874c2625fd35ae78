// codec_bench: how long the hand-written gob codec takes for the tutorial's
// value, measured the way the protocol uses it (issue "Performance"):
//
//   encode_ns  a fresh gob::Encoder turns make_tutorial_sample() into bytes,
//              type definitions included, as every GOB command sends them
//              (the tutorial's client makes a new encoder per command);
//   decode_ns  a fresh gob::Decoder reads those bytes into a fresh
//              ComplexData, as the server's GOB handler does per command.
//   type_ids_ordinary_ns, type_ids_colliding_ns
//              a stream of 1024 type definitions and a value, with the ids
//              a Go encoder hands out (65, 66, ...) and with ids a hostile
//              peer picks to share one bucket of a hash table keyed by
//              std::hash (multiples of its bucket counts); the TypeTable's
//              cost must not depend on them (the two are about equal).
//
// Each figure is the median of several runs; each run times many operations
// with std::chrono::steady_clock and divides. `go_peer bench` measures Go's
// encoding/gob the same way, so bench/run_bench.py can print the ratio.
//
// Usage: codec_bench [--runs R] [--iters K]     (defaults 7 and 50000)
#include <getopt.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/complex_data.hpp"
#include "../common/flags.hpp"
#include "../common/gob/decoder.hpp"
#include "../common/gob/encoder.hpp"

namespace {

// The optimiser may delete work whose result nobody reads. An empty asm
// statement that "reads" the object's address and "clobbers memory" tells
// it that anything might look at the object, so the work has to be done.
// It emits no instruction (GCC and Clang).
template <class T>
void keep(const T& object) {
  asm volatile("" : : "g"(&object) : "memory");
}

using Clock = std::chrono::steady_clock;

// Nanoseconds per call of `operation`, median over `runs` runs of `iters`
// calls each. The median, not the mean: one run disturbed by another
// process on the machine does not move it.
// A template, not std::function, so the operation is inlined into the loop
// and no indirect call is timed with it.
template <class Operation>
double median_ns(int runs, int iters, Operation operation) {
  std::vector<double> per_op;
  for (int run = 0; run < runs; ++run) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < iters; ++i) operation();
    std::chrono::duration<double, std::nano> took = Clock::now() - start;
    per_op.push_back(took.count() / iters);
  }
  std::sort(per_op.begin(), per_op.end());
  return per_op[per_op.size() / 2];
}

// A benchmark of a broken codec measures nothing: decode once and compare
// with the sample before timing anything.
void check_round_trip(const std::vector<std::uint8_t>& bytes) {
  ComplexData sample = make_tutorial_sample();
  ComplexData decoded;
  gob::Decoder decoder;
  std::size_t used = decoder.decode(std::span<const std::uint8_t>(bytes), decoded);
  bool same = used == bytes.size() && decoded.n == sample.n && decoded.s == sample.s &&
              decoded.m == sample.m && decoded.p == sample.p && decoded.c && sample.c &&
              decoded.c->n == sample.c->n && decoded.c->s == sample.c->s &&
              decoded.c->m == sample.c->m && !decoded.c->c;
  if (!same) throw std::runtime_error("decoded value differs from make_tutorial_sample()");
}

// 1024 definitions of a one-field struct, with the ids `id_of(k)`, then a
// value of the first of them.
template <class IdOf>
std::vector<std::uint8_t> many_types(IdOf id_of) {
  std::vector<std::uint8_t> stream;
  for (int k = 0; k < 1024; ++k) {
    gob::WireType type;
    type.kind = gob::Kind::Struct;
    type.name = "t";
    type.id = id_of(k);
    type.fields = {{"N", gob::type_ids::kInt}};
    std::vector<std::uint8_t> body;
    gob::WireWriter writer(body);
    writer.put_int(-type.id);
    gob::write_wire_type(writer, type);
    gob::WireWriter(stream).put_uint(body.size());
    stream.insert(stream.end(), body.begin(), body.end());
  }
  std::vector<std::uint8_t> value;
  gob::WireWriter writer(value);
  writer.put_int(id_of(0));
  writer.put_uint(0);  // a struct with no field set
  gob::WireWriter(stream).put_uint(value.size());
  stream.insert(stream.end(), value.begin(), value.end());
  return stream;
}

// --runs R and --iters K, parsed with getopt_long_only (common/flags.hpp).
void parse_options(int argc, char** argv, int& runs, int& iters) {
  enum OptionId : int { kRuns = 256, kIters };
  static constexpr option kLongOptions[] = {
      {"runs", required_argument, nullptr, kRuns},
      {"iters", required_argument, nullptr, kIters},
      {nullptr, 0, nullptr, 0},
  };
  flags::start_parsing();
  int id;
  while ((id = getopt_long_only(argc, argv, "", kLongOptions, nullptr)) != -1) {
    if (id == '?') throw flags::ReportedUsageError();  // getopt has said what is wrong
    switch (id) {
      case kRuns: runs = static_cast<int>(flags::parse_number("runs", optarg, 1, 1000)); break;
      case kIters:
        iters = static_cast<int>(flags::parse_number("iters", optarg, 1, 100'000'000));
        break;
    }
  }
  if (optind < argc) {
    throw std::invalid_argument("unexpected argument '" + std::string(argv[optind]) + "'");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  int iters = 50'000;
  try {
    parse_options(argc, argv, runs, iters);
  } catch (const std::invalid_argument& error) {
    flags::print_usage_error(argv[0], error, "usage: codec_bench [--runs R] [--iters K]");
    return 2;
  }

  const ComplexData sample = make_tutorial_sample();

  // One buffer for every encode: its capacity stays, so after the first
  // operation encoding allocates nothing for the output itself.
  std::vector<std::uint8_t> bytes;
  double encode_ns = median_ns(runs, iters, [&] {
    bytes.clear();
    gob::Encoder encoder;
    encoder.encode(sample, bytes);
    keep(bytes);
  });

  const std::vector<std::uint8_t> encoded = bytes;
  try {
    check_round_trip(encoded);
  } catch (const std::exception& error) {
    std::cerr << "codec_bench: " << error.what() << "\n";
    return 1;
  }

  double decode_ns = median_ns(runs, iters, [&] {
    gob::Decoder decoder;
    ComplexData out;
    decoder.decode(std::span<const std::uint8_t>(encoded), out);
    keep(out);
  });

  // 541 and 1109 are the bucket counts libstdc++'s unordered_map has at 500
  // and at 1024 entries: ids 64 plus multiples of both land in one bucket.
  auto ordinary = many_types([](int k) { return gob::TypeId{65} + k; });
  auto colliding = many_types([](int k) { return gob::TypeId{64} + gob::TypeId{541} * 1109 * k; });
  auto decode_types = [](const std::vector<std::uint8_t>& stream) {
    gob::Decoder decoder;
    ComplexData out;
    decoder.decode(std::span<const std::uint8_t>(stream), out);
    keep(out);
  };
  int type_iters = std::max(1, iters / 500);
  double ordinary_ns = median_ns(runs, type_iters, [&] { decode_types(ordinary); });
  double colliding_ns = median_ns(runs, type_iters, [&] { decode_types(colliding); });

  std::printf("encode_ns %.0f\n", encode_ns);
  std::printf("decode_ns %.0f\n", decode_ns);
  std::printf("type_ids_ordinary_ns %.0f\n", ordinary_ns);
  std::printf("type_ids_colliding_ns %.0f\n", colliding_ns);
  return 0;
}
