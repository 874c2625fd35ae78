// Fibers and the event loop of ./server --model epoll: a fiber stops in the
// middle and goes on where it stopped; on a loop, a connection waiting for
// its peer holds up no other, and its deadline still ends the wait.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <optional>
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

TEST_CASE("event loop: a silent peer holds up no other connection on the same loop") {
  server::EventLoop loop(kStack);
  test::SocketPair silent = test::make_socket_pair();
  test::SocketPair talking = test::make_socket_pair();
  std::atomic<bool> silent_timed_out{false}, talking_read{false};
  std::string line;
  // First the one whose peer never writes: it waits on the loop, with a
  // deadline, and must not keep the loop from the second.
  loop.post(
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
  server::EventLoop loop(kStack);
  test::SocketPair pair = test::make_socket_pair();
  std::atomic<bool> done{false};
  std::optional<std::string> line;
  loop.post(
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
