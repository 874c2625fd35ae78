// BufferedStream over a socketpair, with a Peer thread on the other end
// playing the client or the server. Each test names one guarantee from
// buffered_stream.hpp and shows it holding when bytes arrive in awkward
// pieces, when the peer goes away, and when a deadline passes.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "../../common/buffered_stream.hpp"
#include "../../common/error.hpp"
#include "test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using test::AfterSending;

// A bound on every test's reads: a stream that waited when it should not
// fails with TimeoutError instead of hanging the test run.
auto soon() {
  return std::chrono::steady_clock::now() + 10s;
}

// Bytes whose values show where they came from: 0, 1, ... 250, 0, 1, ...
std::vector<std::uint8_t> numbered_bytes(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i % 251);
  return bytes;
}

// For its lifetime, SIGPIPE has its default action again: death.
class SigpipeKills {
 public:
  SigpipeKills() {
    struct sigaction kill_action {};
    kill_action.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &kill_action, &previous_);
  }
  ~SigpipeKills() { ::sigaction(SIGPIPE, &previous_, nullptr); }
  SigpipeKills(const SigpipeKills&) = delete;
  SigpipeKills& operator=(const SigpipeKills&) = delete;

 private:
  struct sigaction previous_ {};
};

}  // namespace

// ------------------------------------------------------------ read_line --

TEST_CASE("stream: lines arriving one byte at a time come out whole") {
  test::SocketPair pair = test::make_socket_pair();
  // The tutorial's STRING request, sent the slowest way there is.
  test::Peer peer(std::move(pair.theirs), test::bytes_of("STRING\nAdditional data.\n"), 1,
                  AfterSending::kClose, 200us);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK(stream.read_line(100) == "STRING");
  CHECK(stream.read_line(100) == "Additional data.");
  CHECK(stream.read_line(100) == std::nullopt);  // the peer closed between lines
  CHECK(peer.finish());
}

TEST_CASE("stream: end of stream in the middle of a line is an error") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::bytes_of("STRI"), 1, AfterSending::kClose);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK_THROWS_WITH_AS(stream.read_line(100), doctest::Contains("in the middle of a line"),
                       net::UnexpectedEndOfStream);
}

TEST_CASE("stream: end of stream at the start of a line is not an error") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::bytes_of("last\n"), 64, AfterSending::kClose);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK(stream.read_line(100) == "last");
  CHECK(stream.read_line(100) == std::nullopt);
  CHECK(stream.read_line(100) == std::nullopt);  // and it stays that way
}

TEST_CASE("stream: a peer that closes without sending anything gives nullopt") {
  test::SocketPair pair = test::make_socket_pair();
  pair.theirs.close();
  net::BufferedStream stream(pair.ours.fd());
  CHECK(stream.read_line(100) == std::nullopt);
}

TEST_CASE("stream: a line of exactly max_length bytes is accepted, one more is not") {
  // A 4-byte buffer, so that both lines span several refills.
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::bytes_of("0123456789\n0123456789A\n"), 64,
                  AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd(), 4);
  stream.set_deadline(soon());
  CHECK(stream.read_line(10) == "0123456789");
  CHECK_THROWS_WITH_AS(stream.read_line(10), doctest::Contains("line longer than 10 bytes"),
                       net::ProtocolError);
}

TEST_CASE("stream: an over-long line is refused without waiting for its newline") {
  test::SocketPair pair = test::make_socket_pair();
  // Eleven bytes and no newline; the peer stays connected, silent.
  test::Peer peer(std::move(pair.theirs), test::bytes_of("0123456789A"), 64,
                  AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK_THROWS_AS(stream.read_line(10), net::ProtocolError);
}

TEST_CASE("stream: '\\r' is kept; trimming is the protocol's business") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::bytes_of("GOB\r\n\r\n"), 64,
                  AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK(stream.read_line(100) == "GOB\r");
  CHECK(stream.read_line(100) == "\r");
}

// ----------------------------------------------- read_exact, read_byte --

TEST_CASE("stream: read_exact gathers its bytes across many buffer refills") {
  std::vector<std::uint8_t> sent = numbered_bytes(1000);
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), sent, 7, AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd(), 4);  // 250 refills at least
  stream.set_deadline(soon());
  std::vector<std::uint8_t> received(sent.size());
  stream.read_exact(received.data(), received.size());
  CHECK(received == sent);
}

TEST_CASE("stream: read_exact fails if the peer closes before the last byte") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), numbered_bytes(10), 3, AfterSending::kClose);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  std::uint8_t received[11];
  CHECK_THROWS_WITH_AS(stream.read_exact(received, sizeof received),
                       doctest::Contains("1 bytes still expected"), net::UnexpectedEndOfStream);
}

TEST_CASE("stream: a line and then binary data, as the GOB command reads them") {
  // The binary part holds '\n' bytes: read_exact must not care.
  std::vector<std::uint8_t> binary = test::unhex("0a ff 00 0a 0d");
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::join({test::bytes_of("GOB\n"), binary}), 64,
                  AfterSending::kKeepOpen);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK(stream.read_line(100) == "GOB");
  std::vector<std::uint8_t> received(binary.size());
  stream.read_exact(received.data(), received.size());
  CHECK(received == binary);
}

TEST_CASE("stream: read_byte hands out bytes in order, then nullopt at end of stream") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::unhex("01 ff"), 1, AfterSending::kClose);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(soon());
  CHECK(stream.read_byte() == std::uint8_t{0x01});
  CHECK(stream.read_byte() == std::uint8_t{0xff});
  CHECK(stream.read_byte() == std::nullopt);
}

TEST_CASE("stream: read_some returns at most what was asked, and throws at end of stream") {
  test::SocketPair pair = test::make_socket_pair();
  test::send_all(pair.theirs, test::bytes_of("abcdef"));
  pair.theirs.close();
  net::BufferedStream stream(pair.ours.fd());
  std::span<const std::uint8_t> first = stream.read_some(4);
  CHECK(std::string(first.begin(), first.end()) == "abcd");
  CHECK(stream.buffered() == 2);
  std::span<const std::uint8_t> rest = stream.read_some(100);
  CHECK(std::string(rest.begin(), rest.end()) == "ef");
  CHECK_THROWS_AS(stream.read_some(1), net::UnexpectedEndOfStream);
}

// ---------------------------------------------------------------- write --

TEST_CASE("stream: write only buffers; flush sends") {
  test::SocketPair pair = test::make_socket_pair();
  net::BufferedStream stream(pair.ours.fd());
  stream.write("Thank you.\n");
  char received[64];
  // Nothing has reached the other end yet.
  ssize_t early = ::recv(pair.theirs.fd(), received, sizeof received, MSG_DONTWAIT);
  int early_error = errno;  // before CHECK, which may change errno
  CHECK(early == -1);
  CHECK((early_error == EAGAIN || early_error == EWOULDBLOCK));
  stream.flush();
  ssize_t size = ::recv(pair.theirs.fd(), received, sizeof received, MSG_DONTWAIT);
  CHECK(std::string(received, size > 0 ? static_cast<std::size_t>(size) : 0) == "Thank you.\n");
}

TEST_CASE("stream: write and flush deliver a payload far bigger than the socket buffer") {
  std::vector<std::uint8_t> payload = numbered_bytes(8 << 20);  // 8 MiB
  test::SocketPair pair = test::make_socket_pair();
  test::Receiver receiver(std::move(pair.theirs));
  {
    net::BufferedStream stream(pair.ours.fd());
    stream.set_deadline(soon());
    // In pieces of assorted sizes, as a program would write.
    std::size_t written = 0;
    for (std::size_t piece = 1; written < payload.size(); piece = piece * 3 + 1) {
      std::size_t size = std::min(piece % 100'000, payload.size() - written);
      stream.write(payload.data() + written, size);
      written += size;
    }
    stream.flush();
  }
  pair.ours.close();  // end of stream: the receiver stops
  std::vector<std::uint8_t> received = receiver.finish();
  CHECK(received.size() == payload.size());
  CHECK(received == payload);
}

TEST_CASE("stream: flush to a peer that has closed throws, without SIGPIPE, and the error sticks") {
  // The test means something only if SIGPIPE would kill this process, so
  // make sure it would (a parent may have left it ignored).
  SigpipeKills sigpipe_kills;

  test::SocketPair pair = test::make_socket_pair();
  pair.theirs.close();
  net::BufferedStream stream(pair.ours.fd());
  stream.write("hello\n");
  int code = 0;
  try {
    stream.flush();
  } catch (const std::system_error& error) {
    code = error.code().value();
  }
  CHECK((code == EPIPE || code == ECONNRESET));

  // Sticky: every later write or flush fails the same way, as bufio's does.
  try {
    stream.write("again\n");
    FAIL("write after a failed flush did not throw");
  } catch (const std::system_error& error) {
    CHECK(error.code().value() == code);
  }
  try {
    stream.flush();
    FAIL("flush after a failed flush did not throw");
  } catch (const std::system_error& error) {
    CHECK(error.code().value() == code);
  }
}

// ------------------------------------------------------------ deadlines --

TEST_CASE("stream: a deadline in the past stops a read that would wait") {
  test::SocketPair pair = test::make_socket_pair();
  test::Peer peer(std::move(pair.theirs), test::bytes_of("one\ntwo\n"), 64,
                  AfterSending::kKeepOpen);
  REQUIRE(peer.finish());
  net::BufferedStream stream(pair.ours.fd());
  CHECK(stream.read_line(100) == "one");  // brings "two\n" into the buffer as well
  stream.set_deadline(std::chrono::steady_clock::now() - 1s);
  CHECK(stream.read_line(100) == "two");  // buffered: no waiting, no timeout
  CHECK_THROWS_AS(stream.read_line(100), net::TimeoutError);
  CHECK_THROWS_AS(stream.read_byte(), net::TimeoutError);
}

TEST_CASE("stream: a silent peer meets the deadline") {
  test::SocketPair pair = test::make_socket_pair();
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(std::chrono::steady_clock::now() + 50ms);
  CHECK_THROWS_WITH_AS(stream.read_line(100), doctest::Contains("deadline"), net::TimeoutError);
  // No deadline again: data that is there is read as usual.
  stream.set_deadline(std::nullopt);
  test::send_all(pair.theirs, test::bytes_of("late\n"));
  CHECK(stream.read_line(100) == "late");
}

TEST_CASE("stream: a peer that trickles bytes still meets the deadline, which is absolute") {
  // 40 bytes, one every 25 ms, then the newline: a whole line after about a
  // second, and never a pause as long as the deadline. A timeout that
  // started over with every byte would return the line; an absolute
  // deadline ends the read after about 200 ms.
  test::SocketPair pair = test::make_socket_pair();
  std::string slow_line(40, 'x');
  test::Peer peer(std::move(pair.theirs), test::bytes_of(slow_line + "\n"), 1,
                  AfterSending::kKeepOpen, 25ms);
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(std::chrono::steady_clock::now() + 200ms);
  CHECK_THROWS_AS(stream.read_line(100), net::TimeoutError);
}

TEST_CASE("stream: a deadline moved later lets a read wait longer again") {
  // The receive timeout set for a short deadline must not stay behind and
  // cut a later, longer wait short.
  test::SocketPair pair = test::make_socket_pair();
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(std::chrono::steady_clock::now() + 20ms);
  CHECK_THROWS_AS(stream.read_line(100), net::TimeoutError);
  // Pauses of 30 ms between the bytes: longer than that short deadline.
  test::Peer peer(std::move(pair.theirs), test::bytes_of("late\n"), 1, AfterSending::kKeepOpen,
                  30ms);
  stream.set_deadline(soon());
  CHECK(stream.read_line(100) == "late");
}

TEST_CASE("stream: a peer that does not read makes a flush meet the deadline") {
  test::SocketPair pair = test::make_socket_pair();  // nobody reads pair.theirs
  net::BufferedStream stream(pair.ours.fd());
  stream.set_deadline(std::chrono::steady_clock::now() + 100ms);
  std::vector<std::uint8_t> payload = numbered_bytes(8 << 20);
  CHECK_THROWS_AS(
      {
        stream.write(payload.data(), payload.size());
        stream.flush();
      },
      net::TimeoutError);
}

TEST_CASE("stream: a flush that met its deadline sticks, and never sends a byte twice") {
  test::SocketPair pair = test::make_socket_pair();  // nobody reads pair.theirs, yet
  int small = 4096;
  ::setsockopt(pair.ours.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  net::BufferedStream stream(pair.ours.fd());
  std::vector<std::uint8_t> payload = numbered_bytes(1 << 20);
  stream.set_deadline(std::chrono::steady_clock::now() + 50ms);
  CHECK_THROWS_AS(
      {
        stream.write(payload.data(), payload.size());
        stream.flush();
      },
      net::TimeoutError);

  // Now the peer reads everything, to the end of the stream.
  std::vector<std::uint8_t> received;
  std::thread reader([&] {
    std::uint8_t piece[65536];
    ssize_t got = 0;
    while ((got = ::recv(pair.theirs.fd(), piece, sizeof piece, 0)) > 0) {
      received.insert(received.end(), piece, piece + got);
    }
  });
  // A retry, with time enough and a reading peer, fails the same way: the
  // stream is mid-message.
  stream.set_deadline(soon());
  CHECK_THROWS_AS(stream.flush(), net::TimeoutError);
  CHECK_THROWS_AS(stream.write("more"), net::TimeoutError);
  ::shutdown(pair.ours.fd(), SHUT_WR);
  reader.join();

  // What arrived is a prefix of the payload, each byte once.
  REQUIRE(received.size() < payload.size());
  CHECK(std::equal(received.begin(), received.end(), payload.begin()));
}
