// client::relay, the poll loop of ./client --interactive
// (apps/client/interactive.hpp): input to the server and the server to
// output, byte for byte, and the two ways a conversation ends. The server
// is the other end of a socket pair, played by the test itself; standard
// input and output are pipes.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <string>
#include <thread>

#include "../../apps/client/interactive.hpp"
#include "../../common/error.hpp"
#include "test_helpers.hpp"

namespace {

// A pipe whose ends close themselves.
struct Pipe {
  net::Socket read_end;  // a Socket owns any descriptor; the name is all it adds
  net::Socket write_end;
};

Pipe make_pipe() {
  int ends[2];
  if (::pipe(ends) != 0) net::throw_errno("pipe");
  return {net::Socket(ends[0]), net::Socket(ends[1])};
}

// Everything `fd` delivers until its end, or until `seconds` pass without
// a byte (then what came so far: the test's CHECKs say what is missing).
std::string read_until_end(int fd, int seconds = 5) {
  std::string text;
  char buffer[4096];
  pollfd waiting{fd, POLLIN, 0};
  while (::poll(&waiting, 1, seconds * 1000) == 1) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

// relay() on its own thread, joined in the destructor, with its result or
// its exception kept for the test.
class RelayThread {
 public:
  RelayThread(int input, const net::Socket& server, int output)
      : thread_([this, input, &server, output] {
          try {
            end_ = client::relay(input, server, output);
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  RelayThread(const RelayThread&) = delete;
  RelayThread& operator=(const RelayThread&) = delete;
  ~RelayThread() {
    if (thread_.joinable()) thread_.join();
  }

  client::RelayEnd finish() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    return end_;
  }

 private:
  client::RelayEnd end_{};
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace

TEST_CASE("relay: input goes out byte for byte, its end half-closes, and replies still arrive") {
  test::SocketPair connection = test::make_socket_pair();
  Pipe input = make_pipe();
  Pipe output = make_pipe();
  const std::string typed = "STRING\r\nhi\r\n";
  REQUIRE(::write(input.write_end.fd(), typed.data(), typed.size()) ==
          static_cast<ssize_t>(typed.size()));
  input.write_end.close();  // the end of the input: Ctrl-D

  RelayThread relay(input.read_end.fd(), connection.ours, output.write_end.fd());
  // The server side: all of the input, then the end of the stream, which
  // only shutdown(SHUT_WR) can have sent, since the client's socket is open.
  CHECK(read_until_end(connection.theirs.fd()) == typed);
  test::send_all(connection.theirs, test::bytes_of("Thank you.\r\n"));
  connection.theirs.close();

  CHECK(relay.finish() == client::RelayEnd::kInputThenServer);
  output.write_end.close();
  CHECK(read_until_end(output.read_end.fd()) == "Thank you.\r\n");  // the '\r' kept
}

TEST_CASE("relay: a server that closes first ends the relay, input still open") {
  test::SocketPair connection = test::make_socket_pair();
  Pipe input = make_pipe();  // its write end stays open: nobody has typed Ctrl-D
  Pipe output = make_pipe();
  test::send_all(connection.theirs, test::bytes_of("ERR idle too long\n"));
  connection.theirs.close();

  RelayThread relay(input.read_end.fd(), connection.ours, output.write_end.fd());
  CHECK(relay.finish() == client::RelayEnd::kServerFirst);
  output.write_end.close();
  CHECK(read_until_end(output.read_end.fd()) == "ERR idle too long\n");
}

TEST_CASE("relay: a failure names the side it happened on") {
  test::SocketPair connection = test::make_socket_pair();
  Pipe output = make_pipe();
  const int not_open = 1'000'000;  // no descriptor has this number here
  RelayThread relay(not_open, connection.ours, output.write_end.fd());
  CHECK_THROWS_WITH(relay.finish(), doctest::Contains("reading standard input"));
}
