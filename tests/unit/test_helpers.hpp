// What several test files need: connected sockets without a server, a peer
// on its own thread that sends (or receives) bytes the way a real one would,
// the Go fixtures, and hex for writing bytes the way the gob docs do.
//
// Every thread here belongs to an object that joins it in its destructor, so
// a failing CHECK (which may end a test case early) never leaves a thread
// behind, and a test never detaches one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../common/error.hpp"
#include "../../common/gob/decoder.hpp"
#include "../../common/gob/encoder.hpp"
#include "../../common/socket.hpp"

namespace test {

// ------------------------------------------------------------- sockets --

// Two connected stream sockets (socketpair(2)): what one end sends, the other
// receives, with no listener, no port and no network.
struct SocketPair {
  net::Socket ours;
  net::Socket theirs;
};
SocketPair make_socket_pair();

// What a Peer does once it has sent everything.
enum class AfterSending { kClose, kKeepOpen };

// The other end of a connection, on its own thread: it sends `bytes` in
// pieces of `chunk_size` bytes (1: one byte per send), waiting `pause`
// between pieces so that the reader really sees them arrive one by one;
// then it closes its socket, or keeps it open until the Peer is destroyed.
class Peer {
 public:
  Peer(net::Socket socket, std::vector<std::uint8_t> bytes, std::size_t chunk_size,
       AfterSending after, std::chrono::microseconds pause = std::chrono::microseconds(0));
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  ~Peer();  // joins the thread, then closes the socket if still open

  // Waits until every byte has been handed to the kernel (and the socket
  // closed, for kClose). False if a send failed.
  bool finish();

 private:
  void run();

  net::Socket socket_;
  std::vector<std::uint8_t> bytes_;
  std::size_t chunk_size_;
  AfterSending after_;
  std::chrono::microseconds pause_;
  bool sent_all_ = false;  // written by the thread, read after join
  std::thread thread_;     // last: started once everything above is set
};

// The reading end of a connection, on its own thread: collects every byte
// until the other side closes.
class Receiver {
 public:
  explicit Receiver(net::Socket socket);
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  ~Receiver();

  // Joins the thread and returns what arrived.
  std::vector<std::uint8_t> finish();

 private:
  net::Socket socket_;
  std::vector<std::uint8_t> received_;
  std::thread thread_;
};

// Puts `bytes` into `socket` from the calling thread, all of it; for inputs
// small enough to fit in the socket buffer, so no reader needs to run yet.
void send_all(const net::Socket& socket, std::span<const std::uint8_t> bytes);

// --------------------------------------------------------------- bytes --

// "tests/fixtures/NAME.gob", written by the Go peer (`go_peer encode`). The
// tests run from the repository root. Throws if the file is missing.
std::vector<std::uint8_t> read_fixture(const std::string& name);

// "fe 01 00": lower case, one space between bytes.
std::string hex(std::span<const std::uint8_t> bytes);
// The reverse; spaces are ignored: unhex("FE 01 00") == {0xfe, 0x01, 0x00}.
std::vector<std::uint8_t> unhex(std::string_view text);
// The bytes of a string, as they would travel.
std::vector<std::uint8_t> bytes_of(std::string_view text);

// Joins byte vectors: join({frame(a), frame(b)}).
std::vector<std::uint8_t> join(std::initializer_list<std::vector<std::uint8_t>> parts);

// ------------------------------------------------------------ %#v text --

// Pointers print as their address, which differs from run to run and from
// Go's: "(0x7fbeac003290)" becomes "(0xADDR)"; "(nil)" stays.
std::string without_addresses(std::string text);

// ----------------------------------------------------------- gob stream --

// A gob stream is a sequence of messages, each an unsigned byte count and
// that many bytes. split_messages returns the bodies (counts removed);
// frame puts a count in front of one body again.
std::vector<std::vector<std::uint8_t>> split_messages(std::span<const std::uint8_t> stream);
std::vector<std::uint8_t> frame(std::span<const std::uint8_t> body);

// A definition message (framed) for a struct type, written with the
// library's own write_wire_type, so that a test can give it any id and
// fields of any type id.
std::vector<std::uint8_t> struct_definition(gob::TypeId id, const std::string& name,
                                            std::vector<gob::FieldType> fields);

// Everything a fresh gob::Encoder sends for `value`.
template <class T>
std::vector<std::uint8_t> gob_encode(const T& value) {
  gob::Encoder encoder;
  std::vector<std::uint8_t> out;
  encoder.encode(value, out);
  return out;
}

// Decodes a whole in-memory stream into a fresh T; throws (as
// gob::Decoder does) if it is refused, and std::logic_error if bytes are
// left over after the value.
template <class T>
T gob_decode(std::span<const std::uint8_t> stream, gob::Limits limits = {}) {
  T value{};
  gob::Decoder decoder(limits);
  if (decoder.decode(stream, value) != stream.size()) {
    throw std::logic_error("bytes left over after the value");
  }
  return value;
}

// The message of the net::ProtocolError that `call` throws, for tests that
// look for more than one thing in it; "(no exception)" if it returns. Any
// other exception passes through, and doctest reports it as a failure.
template <class Call>
std::string protocol_error(Call&& call) {
  try {
    call();
  } catch (const net::ProtocolError& error) {
    return error.what();
  }
  return "(no exception)";
}

}  // namespace test
