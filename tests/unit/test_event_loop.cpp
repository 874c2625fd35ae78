// Fibers and the event loop of ./server --model epoll: a fiber stops in the
// middle and goes on where it stopped; on a loop, a connection waiting for
// its peer holds up no other, and its deadline still ends the wait.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../../apps/server/event_loop.hpp"
#include "../../apps/server/fiber.hpp"
#include "../../common/buffered_stream.hpp"
#include "../../common/error.hpp"
#include "test_helpers.hpp"

namespace {

constexpr std::size_t kStack = 256 * 1024;

// Waits, with a bound, until `done` is true.
bool eventually(const std::atomic<bool>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done;
}

}  // namespace

TEST_CASE("fiber: yields in the middle and goes on where it stopped") {
  std::vector<std::string> steps;
  server::Fiber fiber(
      [&] {
        steps.push_back("first half");
        server::Fiber::yield();
        steps.push_back("second half");
      },
      kStack);
  fiber.resume();
  CHECK(steps == std::vector<std::string>{"first half"});
  CHECK_FALSE(fiber.finished());
  fiber.resume();
  CHECK(steps == std::vector<std::string>{"first half", "second half"});
  CHECK(fiber.finished());
  CHECK(server::Fiber::current() == nullptr);
}

// The C++ runtime keeps the exceptions that catch blocks are handling per
// thread; fibers share a thread. A handler that waits inside a catch block
// (an ERR reply to a peer that does not read) must still find its own
// exception when it resumes, whatever the fibers in between threw.
TEST_CASE("fiber: each keeps its own exception while it waits inside a catch block") {
  std::vector<std::string> rethrown;
  auto throw_wait_rethrow = [&rethrown](const char* name) {
    return [&rethrown, name] {
      try {
        throw std::runtime_error(name);
      } catch (const std::exception&) {
        server::Fiber::yield();
        try {
          throw;  // the exception being handled: this fiber's
        } catch (const std::exception& again) {
          rethrown.push_back(again.what());
        }
      }
    };
  };
  server::Fiber first(throw_wait_rethrow("first"), kStack);
  server::Fiber second(throw_wait_rethrow("second"), kStack);
  first.resume();  // both wait inside their catch blocks
  second.resume();
  first.resume();
  second.resume();
  CHECK(rethrown == std::vector<std::string>{"first", "second"});
  CHECK(std::uncaught_exceptions() == 0);
}

TEST_CASE("event loop: a silent peer holds up no other connection on the same loop") {
  test::SocketPair silent = test::make_socket_pair();
  test::SocketPair talking = test::make_socket_pair();
  server::EventLoop loop(kStack);  // after the sockets: gone (joined) before them
  std::atomic<bool> silent_timed_out{false}, talking_read{false};
  std::string line;
  // First the one whose peer never writes: it waits on the loop, with a
  // deadline, and must not keep the loop from the second.
  loop.post(
      silent.ours.fd(),
      [&] {
        net::BufferedStream stream(silent.ours.fd());
        stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(300));
        try {
          stream.read_line(100);
        } catch (const net::TimeoutError&) {
          silent_timed_out = true;
        }
      },
      [](const std::exception&) {});
  loop.post(
      talking.ours.fd(),
      [&] {
        net::BufferedStream stream(talking.ours.fd());
        stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(10));
        line = stream.read_line(100).value_or("");
        talking_read = true;
      },
      [](const std::exception&) {});
  test::send_all(talking.theirs, test::bytes_of("hello\n"));
  REQUIRE(eventually(talking_read));
  CHECK(line == "hello");
  CHECK_FALSE(silent_timed_out);  // still waiting: the other was served meanwhile
  REQUIRE(eventually(silent_timed_out));
}

TEST_CASE("event loop: a line trickling in byte by byte is read once, whole") {
  test::SocketPair pair = test::make_socket_pair();
  server::EventLoop loop(kStack);
  std::atomic<bool> done{false};
  std::optional<std::string> line;
  loop.post(
      pair.ours.fd(),
      [&] {
        net::BufferedStream stream(pair.ours.fd(), 1);
        stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(10));
        line = stream.read_line(100);
        done = true;
      },
      [](const std::exception&) {});
  test::Peer peer(std::move(pair.theirs), test::bytes_of("Additional data.\n"), 1,
                  test::AfterSending::kKeepOpen, std::chrono::microseconds(500));
  REQUIRE(eventually(done));
  CHECK(line == "Additional data.");
  CHECK(peer.finish());
}

// A short read empties the socket, so the next read waits for an edge
// first; but the end of stream that came with the last bytes brings no
// edge of its own. It must still be read, not waited for until the
// deadline.
TEST_CASE("event loop: the end of stream that came with the last line is read, not waited for") {
  test::SocketPair pair = test::make_socket_pair();
  server::EventLoop loop(kStack);
  std::atomic<bool> done{false};
  std::optional<std::string> line, after;
  bool timed_out = false;
  std::atomic<bool> reading{false};
  loop.post(
      pair.ours.fd(),
      [&] {
        net::BufferedStream stream(pair.ours.fd());
        stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(5));
        reading = true;
        try {
          line = stream.read_line(100);
          after = stream.read_line(100);
        } catch (const net::TimeoutError&) {
          timed_out = true;
        }
        done = true;
      },
      [](const std::exception&) {});
  // Both at once, while the fiber waits: one edge for the two.
  REQUIRE(eventually(reading));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  test::send_all(pair.theirs, test::bytes_of("last line\n"));
  pair.theirs.close();
  REQUIRE(eventually(done));
  CHECK(line == "last line");
  CHECK_FALSE(timed_out);
  CHECK_FALSE(after.has_value());  // the end of stream
}
