// load_generator: puts a server of the tutorial's protocol under load and
// reports how many commands per second it answered (issue "Performance").
//
//   load_generator --host H --port P --connections C --requests R
//                  --mode string|gob [--gob-batch K] [--threads T]
//                  [--max-seconds S]
//
// STRING mode: each of the C connections does R round trips, one after the
// other: "STRING\n" + "Additional data.\n" out, "Thank you.\n" back (the
// tutorial's client request). The next request leaves when the reply is in.
//
// GOB mode: each connection sends R GOB commands ("GOB\n" + the gob bytes
// of make_tutorial_sample(), encoded once up front), K to a batch per
// flush. GOB has no reply, so one STRING round trip at the end tells us the
// server has read every message before it.
//
// Before the clock starts, every connection is opened and does one STRING
// round trip, so that accepting connections and starting their threads is
// not timed. Then it prints
//   round_trips_per_sec N  commands answered per second: STRING replies, or
//                          in GOB mode GOB messages confirmed read
//   completed N            those commands, counted
//   failures N             connections that broke off (error, wrong reply,
//                          or unfinished when --max-seconds ran out)
//   elapsed_s X            the timed part, in seconds
//
// Why a few threads with poll() and not one thread per connection: this
// program shares the machine with the server it measures (2 cores in
// docs/performance.md). A thousand client threads would spend CPU time on
// waking up and switching, which the server then lacks, and that cost
// would be measured as if it were the server's. One poll() call wakes a
// thread for every connection whose reply has arrived, so the threads
// (one per core by default) stay cheap. The reading itself is still
// BufferedStream::read_line, called once poll() says the reply has come.
#include <getopt.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../common/buffered_stream.hpp"
#include "../common/complex_data.hpp"
#include "../common/error.hpp"
#include "../common/flags.hpp"
#include "../common/gob/encoder.hpp"
#include "../common/socket.hpp"

namespace {

using Clock = std::chrono::steady_clock;

const char* const kUsage =
    "usage: load_generator --host H --port P --connections C --requests R\n"
    "                      --mode string|gob [--gob-batch K] [--threads T] [--max-seconds S]";

const char* const kStringRequest = "STRING\nAdditional data.\n";
const char* const kStringReply = "Thank you.";

enum class Mode { kString, kGob };

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t connections = 1;
  std::uint64_t requests = 1;
  Mode mode = Mode::kString;
  std::uint64_t gob_batch = 1;
  std::size_t threads = 0;  // 0: one per core, at most one per connection
  std::uint64_t max_seconds = 60;
};

// What getopt_long_only returns for each option (common/flags.hpp).
enum OptionId : int {
  kHost = 256,
  kPort,
  kConnections,
  kRequests,
  kMode,
  kGobBatch,
  kThreads,
  kMaxSeconds,
};

constexpr option kLongOptions[] = {
    {"host", required_argument, nullptr, kHost},
    {"port", required_argument, nullptr, kPort},
    {"connections", required_argument, nullptr, kConnections},
    {"requests", required_argument, nullptr, kRequests},
    {"mode", required_argument, nullptr, kMode},
    {"gob-batch", required_argument, nullptr, kGobBatch},
    {"threads", required_argument, nullptr, kThreads},
    {"max-seconds", required_argument, nullptr, kMaxSeconds},
    {nullptr, 0, nullptr, 0},
};

Mode parse_mode(const std::string& value) {
  if (value == "string") return Mode::kString;
  if (value == "gob") return Mode::kGob;
  throw std::invalid_argument("--mode is string or gob, not '" + value + "'");
}

// Stores the value of one option getopt_long_only has found.
void apply_option(int id, Options& options) {
  auto number = [](const char* flag, std::uint64_t minimum, std::uint64_t maximum) {
    return flags::parse_number(flag, optarg, minimum, maximum);
  };
  switch (id) {
    case kHost: options.host = optarg; break;
    case kPort: options.port = static_cast<std::uint16_t>(number("port", 1, 65535)); break;
    case kConnections: options.connections = number("connections", 1, 100'000); break;
    case kRequests: options.requests = number("requests", 1, 1'000'000'000); break;
    case kMode: options.mode = parse_mode(optarg); break;
    case kGobBatch: options.gob_batch = number("gob-batch", 1, 1'000'000); break;
    case kThreads: options.threads = number("threads", 1, 1024); break;
    case kMaxSeconds: options.max_seconds = number("max-seconds", 1, 86'400); break;
    default: throw std::logic_error("option id " + std::to_string(id) + " has no case");
  }
}

Options parse_options(int argc, char** argv) {
  Options options;
  flags::start_parsing();
  int id;
  while ((id = getopt_long_only(argc, argv, "", kLongOptions, nullptr)) != -1) {
    if (id == '?') throw flags::ReportedUsageError();  // getopt has said what is wrong
    apply_option(id, options);
  }
  if (optind < argc) {
    throw std::invalid_argument("unexpected argument '" + std::string(argv[optind]) + "'");
  }
  if (options.port == 0) throw std::invalid_argument("--port is required");
  return options;
}

// ------------------------------------------------------ one connection --

// A connection and where it is in its share of the work.
struct Connection {
  net::Socket socket;
  std::unique_ptr<net::BufferedStream> stream;  // a BufferedStream cannot move
  std::uint64_t sent = 0;                       // commands sent in the timed part
  bool awaiting_reply = false;
  bool done = false;
};

// What every connection sends, worked out once.
struct Workload {
  Options options;
  std::string gob_command;  // "GOB\n" followed by the sample's gob bytes
  Clock::time_point deadline;
};

// Writes the tutorial's STRING request and sends it at once.
void send_string_request(Connection& connection) {
  connection.stream->write(kStringRequest);
  connection.stream->flush();
  connection.awaiting_reply = true;
}

// Reads the reply to a STRING request; anything but "Thank you." is an error.
void read_string_reply(Connection& connection) {
  std::optional<std::string> reply = connection.stream->read_line(1024);
  if (!reply) throw net::UnexpectedEndOfStream("server closed the connection");
  if (*reply != kStringReply) throw net::ProtocolError("unexpected reply '" + *reply + "'");
  connection.awaiting_reply = false;
}

// Sends the next batch of GOB commands; after the last one, the STRING
// request whose reply proves they were all read.
void send_gob_batch(Connection& connection, const Workload& work) {
  std::uint64_t batch = std::min(work.options.gob_batch, work.options.requests - connection.sent);
  for (std::uint64_t i = 0; i < batch; ++i) connection.stream->write(work.gob_command);
  connection.sent += batch;
  if (connection.sent == work.options.requests) {
    send_string_request(connection);  // writes and flushes the batch with it
  } else {
    connection.stream->flush();
  }
}

// -------------------------------------------------- one driver thread --

// Counts shared by the driver threads.
struct Totals {
  std::atomic<std::uint64_t> completed{0};  // commands answered in the timed part
  std::atomic<std::uint64_t> failures{0};
  std::mutex mutex;
  std::string first_error;  // guarded by mutex

  void fail(Connection& connection, const std::string& why) {
    failures += 1;
    connection.done = true;
    connection.socket.close();
    std::lock_guard lock(mutex);
    if (first_error.empty()) first_error = why;
  }
};

// Opens the connection and does one untimed STRING round trip.
void open_and_warm_up(Connection& connection, const Workload& work) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(work.deadline - Clock::now());
  connection.socket = net::connect_to(work.options.host, work.options.port,
                                      std::max(left, std::chrono::milliseconds(1)));
  connection.stream = std::make_unique<net::BufferedStream>(connection.socket.fd());
  // Every wait inside BufferedStream ends at the run's deadline at the
  // latest. That costs no system call per read (BufferedStream sets the
  // socket's receive timeout only a few times per deadline), and drive()
  // reads only once poll() has seen a reply arrive: the deadline is a
  // backstop for a server that stops in the middle of a reply, or stops
  // reading GOB batches (a flush then waits for the deadline at most).
  connection.stream->set_deadline(work.deadline);
  send_string_request(connection);
  read_string_reply(connection);
}

// The timed part for the connections in [begin, end): keep every one of
// them busy until each has done its share, the deadline passes, or it fails.
void drive(std::vector<Connection>::iterator begin, std::vector<Connection>::iterator end,
           const Workload& work, Totals& totals) {
  const Options& options = work.options;
  std::vector<pollfd> waiting;
  std::vector<Connection*> waiting_for;
  std::size_t unfinished = 0;
  for (auto c = begin; c != end; ++c) {
    if (!c->done) ++unfinished;
  }

  while (unfinished > 0) {
    if (Clock::now() >= work.deadline) {
      for (auto c = begin; c != end; ++c) {
        if (!c->done) totals.fail(*c, "unfinished when --max-seconds ran out");
      }
      return;
    }
    // Give each connection that has something to send its next request (or
    // GOB batch); collect those that wait for a reply.
    bool still_sending = false;
    waiting.clear();
    waiting_for.clear();
    for (auto c = begin; c != end; ++c) {
      if (c->done) continue;
      try {
        if (!c->awaiting_reply) {
          if (options.mode == Mode::kString) {
            send_string_request(*c);
            ++c->sent;
          } else {
            send_gob_batch(*c, work);
            still_sending = still_sending || !c->awaiting_reply;
          }
        }
      } catch (const std::exception& error) {
        totals.fail(*c, net::describe(error));
        --unfinished;
        continue;
      }
      if (c->awaiting_reply) {
        waiting.push_back({c->socket.fd(), POLLIN, 0});
        waiting_for.push_back(&*c);
      }
    }
    if (waiting.empty()) continue;

    // Sleep until some reply arrives; do not sleep while batches remain to
    // be sent. Wake at least every 100 ms to check the deadline.
    int ready = ::poll(waiting.data(), waiting.size(), still_sending ? 0 : 100);
    if (ready < 0 && errno != EINTR) net::throw_errno("poll");
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (waiting[i].revents == 0) continue;
      Connection& c = *waiting_for[i];
      try {
        read_string_reply(c);
      } catch (const std::exception& error) {
        totals.fail(c, net::describe(error));
        --unfinished;
        continue;
      }
      if (options.mode == Mode::kString) {
        totals.completed += 1;
        if (c.sent == options.requests) c.done = true;
      } else {
        totals.completed += options.requests;  // the final reply confirms them all
        c.done = true;
      }
      if (c.done) --unfinished;
    }
  }
}

// Each driver thread opens its connections, waits at the barrier until
// every thread has (main() starts the clock there), then drives them.
void run_thread(std::vector<Connection>::iterator begin, std::vector<Connection>::iterator end,
                const Workload& work, Totals& totals, std::barrier<>& all_open) {
  for (auto c = begin; c != end; ++c) {
    try {
      open_and_warm_up(*c, work);
    } catch (const std::exception& error) {
      totals.fail(*c, net::describe(error));
    }
  }
  all_open.arrive_and_wait();
  try {
    drive(begin, end, work, totals);
  } catch (const std::exception& error) {
    // poll() itself failed: count what is left as failed, keep the counts.
    for (auto c = begin; c != end; ++c) {
      if (!c->done) totals.fail(*c, net::describe(error));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Workload work;
  try {
    work.options = parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    flags::print_usage_error(argv[0], error, kUsage);
    return 2;
  }
  const Options& options = work.options;

  std::vector<std::uint8_t> gob_bytes;
  gob::Encoder().encode(make_tutorial_sample(), gob_bytes);
  work.gob_command = "GOB\n";
  work.gob_command.append(gob_bytes.begin(), gob_bytes.end());
  work.deadline = Clock::now() + std::chrono::seconds(options.max_seconds);

  std::size_t threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, options.connections);

  // Each thread drives a contiguous slice of the connections.
  std::vector<Connection> connections(options.connections);
  Totals totals;
  std::barrier all_open(static_cast<std::ptrdiff_t>(threads + 1));
  std::vector<std::thread> drivers;
  for (std::size_t t = 0; t < threads; ++t) {
    auto begin =
        connections.begin() + static_cast<std::ptrdiff_t>(t * options.connections / threads);
    auto end =
        connections.begin() + static_cast<std::ptrdiff_t>((t + 1) * options.connections / threads);
    drivers.emplace_back(run_thread, begin, end, std::cref(work), std::ref(totals),
                         std::ref(all_open));
  }
  all_open.arrive_and_wait();
  Clock::time_point start = Clock::now();
  for (std::thread& driver : drivers) driver.join();
  std::chrono::duration<double> elapsed = Clock::now() - start;

  double seconds = std::max(elapsed.count(), 1e-9);
  std::printf("round_trips_per_sec %.0f\n", static_cast<double>(totals.completed) / seconds);
  std::printf("completed %llu\n", static_cast<unsigned long long>(totals.completed.load()));
  std::printf("failures %llu\n", static_cast<unsigned long long>(totals.failures.load()));
  std::printf("elapsed_s %.3f\n", elapsed.count());
  if (!totals.first_error.empty()) {
    std::fprintf(stderr, "load_generator: first failure: %s\n", totals.first_error.c_str());
  }
  return totals.failures == 0 ? 0 : 1;
}
