// server::Endpoint: the handler map, one connection's command loop, and a
// live server on a thread (port 0, loopback). Each live test starts the
// accept loop in a ServingThread, whose destructor stops and joins it even
// when a REQUIRE ends the test early.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "../../apps/server/endpoint.hpp"
#include "../../apps/server/handlers.hpp"
#include "../../common/buffered_stream.hpp"
#include "../../common/complex_data.hpp"
#include "../../common/gob/encoder.hpp"
#include "../../common/log.hpp"
#include "test_helpers.hpp"

namespace {

using namespace std::chrono_literals;

// Small limits and short timeouts, so that the limits are easy to reach.
server::EndpointOptions small_options() {
  server::EndpointOptions options;
  options.port = 0;  // any free port
  options.max_line = 64;
  options.idle_timeout = 10s;
  options.message_timeout = 10s;
  options.shutdown_grace = 200ms;
  return options;
}

// The tutorial's two handlers, registered as ./server registers them.
void add_tutorial_handlers(server::Endpoint& endpoint, std::size_t max_line) {
  gob::Limits limits;
  endpoint.add_handler("STRING", [max_line](net::BufferedStream& stream) {
    server::handle_string(stream, max_line);
  });
  endpoint.add_handler(
      "GOB", [limits](net::BufferedStream& stream) { server::handle_gob(stream, limits); });
}

// Silences the per-command log lines for one test, and restores them.
class QuietLog {
 public:
  QuietLog() : was_quiet_(logging::is_quiet()) { logging::set_quiet(true); }
  ~QuietLog() { logging::set_quiet(was_quiet_); }

 private:
  bool was_quiet_;
};

// endpoint.serve() on its own thread, from construction to destruction.
class ServingThread {
 public:
  explicit ServingThread(server::Endpoint& endpoint)
      : endpoint_(endpoint), thread_([this] {
          try {
            endpoint_.serve();
          } catch (const std::exception&) {
            failed_ = true;  // reported by the test through failed()
          }
          returned_ = true;
        }) {}
  ServingThread(const ServingThread&) = delete;
  ServingThread& operator=(const ServingThread&) = delete;
  ~ServingThread() { stop_and_join(); }

  void stop_and_join() {
    endpoint_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  // Polls (bounded) until serve() has returned.
  bool returned_within(std::chrono::milliseconds limit) const {
    auto until = std::chrono::steady_clock::now() + limit;
    while (!returned_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    return returned_;
  }
  bool failed() const { return failed_; }

 private:
  server::Endpoint& endpoint_;
  std::atomic<bool> returned_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

// A client connection with a BufferedStream over it, reads bounded in time.
struct Client {
  explicit Client(std::uint16_t port)
      : socket(net::connect_to("127.0.0.1", port, 5s)), stream(socket.fd()) {
    stream.set_deadline(std::chrono::steady_clock::now() + 10s);
  }
  void send(std::string_view text) {
    stream.write(text);
    stream.flush();
  }
  std::optional<std::string> reply() { return stream.read_line(1024); }

  net::Socket socket;
  net::BufferedStream stream;
};

// A listening Endpoint with the tutorial's handlers, served on its own
// thread for the rest of the test, then stopped and joined.
struct LiveServer {
  explicit LiveServer(server::EndpointOptions options = small_options()) : endpoint(options) {
    add_tutorial_handlers(endpoint, options.max_line);
    endpoint.listen();
    serving.emplace(endpoint);
  }
  std::uint16_t port() const { return endpoint.port(); }

  QuietLog quiet;
  server::Endpoint endpoint;
  std::optional<ServingThread> serving;  // declared last: stopped first
};

bool starts_with(const std::optional<std::string>& line, std::string_view prefix) {
  return line && line->rfind(prefix, 0) == 0;
}

}  // namespace

// ------------------------------------------------------------ helpers --

TEST_CASE("endpoint: trim strips spaces, tabs, CR and LF from both ends only") {
  CHECK(server::trim("STRING") == "STRING");
  CHECK(server::trim("GOB\r") == "GOB");  // what telnet sends
  CHECK(server::trim(" \tSTRING \r\n") == "STRING");
  CHECK(server::trim("two words") == "two words");
  CHECK(server::trim("") == "");
  CHECK(server::trim(" \t\r\n") == "");
}

// ----------------------------------------------------------- handlers --

TEST_CASE("endpoint: find_handler finds what add_handler added, and only that") {
  server::Endpoint endpoint(small_options());
  CHECK_FALSE(endpoint.find_handler("STRING").has_value());

  int calls = 0;
  endpoint.add_handler("STRING", [&calls](net::BufferedStream&) { ++calls; });
  test::SocketPair pair = test::make_socket_pair();
  net::BufferedStream stream(pair.ours.fd());
  std::optional<server::Handler> found = endpoint.find_handler("STRING");
  REQUIRE(found.has_value());
  (*found)(stream);
  CHECK(calls == 1);
  CHECK_FALSE(endpoint.find_handler("string").has_value());  // names are case-sensitive
  CHECK_FALSE(endpoint.find_handler("STRING ").has_value());

  // Adding under the same name replaces.
  endpoint.add_handler("STRING", [&calls](net::BufferedStream&) { calls += 10; });
  (*endpoint.find_handler("STRING"))(stream);
  CHECK(calls == 11);
}

TEST_CASE("endpoint: handlers added while four threads look them up") {
  // The tutorial's erratum: the map changes while connections use it. Run
  // under `make tsan`, this shows the shared_mutex doing its job.
  constexpr int kHandlers = 100;
  constexpr int kLookupsPerThread = 20'000;
  server::Endpoint endpoint(small_options());
  std::array<std::atomic<int>, kHandlers> calls{};
  std::atomic<int> found{0};
  {
    std::vector<std::jthread> lookers;  // jthread: joined when the vector goes
    for (int t = 0; t < 4; ++t) {
      lookers.emplace_back([&endpoint, &found] {
        test::SocketPair pair = test::make_socket_pair();
        net::BufferedStream stream(pair.ours.fd());
        for (int i = 0; i < kLookupsPerThread; ++i) {
          std::optional<server::Handler> handler =
              endpoint.find_handler("H" + std::to_string(i % kHandlers));
          if (handler) {
            (*handler)(stream);  // must be a whole, working handler
            ++found;
          }
        }
      });
    }
    for (int h = 0; h < kHandlers; ++h) {
      endpoint.add_handler("H" + std::to_string(h),
                           [&calls, h](net::BufferedStream&) { ++calls[h]; });
    }
  }
  // Every handler that was found did its work, once per lookup.
  int total_calls = 0;
  for (const std::atomic<int>& count : calls) total_calls += count;
  CHECK(total_calls == found);
  // And the final map is complete.
  for (int h = 0; h < kHandlers; ++h) {
    CAPTURE(h);
    CHECK(endpoint.find_handler("H" + std::to_string(h)).has_value());
  }
}

// -------------------------------------------- one connection, directly --

TEST_CASE("endpoint: handle_messages serves STRING, GOB, STRING on one connection") {
  QuietLog quiet;
  server::Endpoint endpoint(small_options());
  add_tutorial_handlers(endpoint, 64);
  test::SocketPair pair = test::make_socket_pair();
  // The client's whole side, sent up front; then end of stream.
  std::vector<std::uint8_t> gob;
  gob::Encoder().encode(make_tutorial_sample(), gob);
  test::send_all(pair.theirs, test::join({test::bytes_of("STRING\nfirst\nGOB\n"), gob,
                                          test::bytes_of("STRING\r\nsecond\n")}));
  ::shutdown(pair.theirs.fd(), SHUT_WR);

  server::Connection connection;
  connection.socket = std::move(pair.ours);
  connection.peer = "socketpair";
  endpoint.handle_messages(connection);  // returns at the end of stream
  connection.socket.close();             // as the connection's thread does when it ends

  net::BufferedStream client(pair.theirs.fd());
  client.set_deadline(std::chrono::steady_clock::now() + 10s);
  CHECK(client.read_line(100) == "Thank you.");
  CHECK(client.read_line(100) == "Thank you.");  // GOB sends no reply
  CHECK(client.read_line(100) == std::nullopt);
}

// -------------------------------------------------------- a live server --

TEST_CASE("endpoint: a live server answers STRING with \"Thank you.\"") {
  LiveServer live;
  REQUIRE(live.port() != 0);

  Client client(live.port());
  client.send("STRING\nAdditional data.\n");
  CHECK(client.reply() == "Thank you.");
  // The connection stays open for the next command.
  client.send("STRING\nmore\n");
  CHECK(client.reply() == "Thank you.");
}

TEST_CASE("endpoint: an unknown command gets one ERR line, then the connection closes") {
  LiveServer live;

  Client client(live.port());
  client.send("NOPE\n");
  std::optional<std::string> reply = client.reply();
  CHECK(starts_with(reply, "ERR "));
  CHECK(reply == "ERR unknown command 'NOPE'");
  CHECK(client.reply() == std::nullopt);
}

TEST_CASE("endpoint: an over-long command line gets ERR, then the connection closes") {
  LiveServer live;  // max_line 64

  Client client(live.port());
  client.send(std::string(100, 'A') + "\n");
  std::optional<std::string> reply = client.reply();
  CHECK(starts_with(reply, "ERR "));
  CHECK(reply == "ERR line longer than 64 bytes");
  CHECK(client.reply() == std::nullopt);
}

TEST_CASE("endpoint: a GOB message over the size limit gets ERR naming the limit") {
  LiveServer live;

  Client client(live.port());
  client.send("GOB\n");
  std::vector<std::uint8_t> announcement = test::unhex("fc ff ff ff ff");  // 4 GiB - 1
  client.stream.write(announcement.data(), announcement.size());
  client.stream.flush();
  std::optional<std::string> reply = client.reply();
  CHECK(starts_with(reply, "ERR gob: message of 4294967295 bytes exceeds the limit"));
  CHECK(client.reply() == std::nullopt);
}

TEST_CASE("endpoint: a client that leaves in the middle of a GOB message gets ERR") {
  LiveServer live;

  Client client(live.port());
  std::vector<std::uint8_t> sample = test::read_fixture("sample");
  client.send("GOB\n");
  client.stream.write(sample.data(), sample.size() / 2);
  client.stream.flush();
  ::shutdown(client.socket.fd(), SHUT_WR);  // half close: we can still read the reply
  std::optional<std::string> reply = client.reply();
  CHECK(starts_with(reply, "ERR "));
  CHECK(reply->find("closed in the middle of a message") != std::string::npos);
}

TEST_CASE("endpoint: a connection silent past the idle timeout is closed") {
  server::EndpointOptions options = small_options();
  options.idle_timeout = 100ms;
  LiveServer live(options);

  Client client(live.port());
  CHECK(client.reply() == std::nullopt);  // we say nothing; the server hangs up
}

TEST_CASE("endpoint: a client beyond max_connections is told so and closed") {
  server::EndpointOptions options = small_options();
  options.max_connections = 1;
  LiveServer live(options);

  Client first(live.port());
  first.send("STRING\nhello\n");
  REQUIRE(first.reply() == "Thank you.");  // now surely being served
  Client second(live.port());
  CHECK(second.reply() == "ERR too many connections");
  CHECK(second.reply() == std::nullopt);
}

TEST_CASE("endpoint: request_stop makes serve() return and closes open connections") {
  LiveServer live;

  Client client(live.port());
  client.send("STRING\nhello\n");
  REQUIRE(client.reply() == "Thank you.");  // the connection is being served, idle now

  live.endpoint.request_stop();
  CHECK(live.serving->returned_within(10s));
  CHECK_FALSE(live.serving->failed());
  CHECK(client.reply() == std::nullopt);  // the idle connection was closed
  live.serving->stop_and_join();
}

TEST_CASE("endpoint: excerpt shows at most 64 bytes of what a peer sent, without control bytes") {
  CHECK(server::excerpt("STRING") == "STRING");
  CHECK(server::excerpt("A\x1b[2JB\x7f\xc3\xa9") == "A?[2JB???");
  std::string long_command(100, 'x');
  CHECK(server::excerpt(long_command) == std::string(64, 'x') + "...");
}

TEST_CASE("endpoint: shown_in_log leaves plain text as it is and quotes anything else") {
  CHECK(server::shown_in_log("Additional data.") == "Additional data.");  // the tutorial's log line
  // A '\r' and a made-up log line, a screen clear, a window title: all escaped.
  std::string forged = "hi\rendpoint.cpp:153: Receive command 'ADMIN'\x1b[2J\x1b]0;owned\x07";
  std::string shown = server::shown_in_log(forged);
  CHECK(shown == "\"hi\\rendpoint.cpp:153: Receive command 'ADMIN'\\x1b[2J\\x1b]0;owned\\a\"");
  for (char c : shown) CHECK((c >= 0x20 && c < 0x7f));
  std::string long_line(100'000, 'x');
  CHECK(server::shown_in_log(long_line) == "\"" + std::string(256, 'x') + "\"... (100000 bytes)");
}

TEST_CASE("connection threads: a thread woken by a graceful stop can still send its reply") {
  // The thread plays one that had just read a command when the stop came,
  // before it could mark itself busy: the stop wakes it (end of stream),
  // and the reply it then sends must still reach the client.
  test::SocketPair pair = test::make_socket_pair();
  server::ConnectionThreads threads;
  std::atomic<bool> woken{false};
  threads.start(std::move(pair.ours), "test peer", [&woken](server::Connection& connection) {
    net::BufferedStream stream(connection.socket.fd());
    stream.set_deadline(std::chrono::steady_clock::now() + 10s);
    woken = !stream.read_line(100).has_value();  // end of stream: the stop
    stream.write("Thank you.\n");
    stream.flush();
  });
  test::Receiver client(std::move(pair.theirs));
  threads.stop_all(5s);
  CHECK(woken);
  CHECK(test::hex(client.finish()) == test::hex(test::bytes_of("Thank you.\n")));
}

TEST_CASE("endpoint: accept errors that accept(2) says to retry do not end the server") {
  auto error = [](int code) { return std::system_error(code, std::generic_category(), "accept"); };
  for (int code : {ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP,
                   ENETUNREACH, EPERM, EMFILE, ENFILE, ENOBUFS, ENOMEM}) {
    CAPTURE(code);
    CHECK(server::Endpoint::should_retry_accept(error(code)));
  }
  // A listener that is no longer a socket is the program's own bug: stop.
  for (int code : {EBADF, ENOTSOCK, EINVAL, EFAULT}) {
    CAPTURE(code);
    CHECK_FALSE(server::Endpoint::should_retry_accept(error(code)));
  }
}
