#include "test_helpers.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include "../../common/error.hpp"

namespace test {

// ------------------------------------------------------------- sockets --

SocketPair make_socket_pair() {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    net::throw_errno("socketpair");
  }
  return {net::Socket(ends[0]), net::Socket(ends[1])};
}

void send_all(const net::Socket& socket, std::span<const std::uint8_t> bytes) {
  std::size_t sent_total = 0;
  while (sent_total < bytes.size()) {
    // MSG_NOSIGNAL: a closed reader must fail the send, not kill the tests.
    ssize_t sent =
        ::send(socket.fd(), bytes.data() + sent_total, bytes.size() - sent_total, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) net::throw_errno("send");
    sent_total += static_cast<std::size_t>(sent);
  }
}

Peer::Peer(net::Socket socket, std::vector<std::uint8_t> bytes, std::size_t chunk_size,
           AfterSending after, std::chrono::microseconds pause)
    : socket_(std::move(socket)),
      bytes_(std::move(bytes)),
      chunk_size_(chunk_size == 0 ? 1 : chunk_size),
      after_(after),
      pause_(pause),
      thread_([this] { run(); }) {}

Peer::~Peer() {
  if (thread_.joinable()) thread_.join();
}

bool Peer::finish() {
  if (thread_.joinable()) thread_.join();
  return sent_all_;
}

// No exception may leave a thread's function (std::terminate); a failed send
// is recorded instead, for finish() to report.
void Peer::run() {
  try {
    for (std::size_t start = 0; start < bytes_.size(); start += chunk_size_) {
      if (start > 0 && pause_.count() > 0) std::this_thread::sleep_for(pause_);
      std::size_t size = std::min(chunk_size_, bytes_.size() - start);
      send_all(socket_, std::span(bytes_).subspan(start, size));
    }
    sent_all_ = true;
  } catch (const std::exception&) {
    sent_all_ = false;
  }
  if (after_ == AfterSending::kClose) socket_.close();
}

Receiver::Receiver(net::Socket socket)
    : socket_(std::move(socket)), thread_([this] {
        std::uint8_t buffer[64 * 1024];
        while (true) {
          ssize_t received = ::recv(socket_.fd(), buffer, sizeof buffer, 0);
          if (received < 0 && errno == EINTR) continue;
          if (received <= 0) return;  // end of stream (or an error: stop either way)
          received_.insert(received_.end(), buffer, buffer + received);
        }
      }) {}

Receiver::~Receiver() {
  if (thread_.joinable()) thread_.join();
}

std::vector<std::uint8_t> Receiver::finish() {
  if (thread_.joinable()) thread_.join();
  return received_;
}

// --------------------------------------------------------------- bytes --

std::vector<std::uint8_t> read_fixture(const std::string& name) {
  std::string path = "tests/fixtures/" + name + ".gob";
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path + " (run from the repository root)");
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : bytes) {
    if (!text.empty()) text += ' ';
    text += digits[byte >> 4];
    text += digits[byte & 0xf];
  }
  return text;
}

std::vector<std::uint8_t> unhex(std::string_view text) {
  auto value = [](char digit) -> int {
    if (digit >= '0' && digit <= '9') return digit - '0';
    if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
    throw std::invalid_argument(std::string("not a hex digit: ") + digit);
  };
  std::vector<std::uint8_t> bytes;
  int high = -1;  // the first digit of a byte, while waiting for the second
  for (char digit : text) {
    if (digit == ' ') continue;
    if (high < 0) {
      high = value(digit);
    } else {
      bytes.push_back(static_cast<std::uint8_t>(high << 4 | value(digit)));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return bytes;
}

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

std::vector<std::uint8_t> join(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> joined;
  for (const auto& part : parts) joined.insert(joined.end(), part.begin(), part.end());
  return joined;
}

// ------------------------------------------------------------ %#v text --

// By hand, not std::regex: g++ 12 warns inside <regex> when built with
// -fsanitize=address.
std::string without_addresses(std::string text) {
  const std::string hex_digits = "0123456789abcdef";
  for (std::size_t start = text.find("(0x"); start != std::string::npos;
       start = text.find("(0x", start + 1)) {
    std::size_t end = text.find_first_not_of(hex_digits, start + 3);
    if (end != std::string::npos && end > start + 3 && text[end] == ')') {
      text.replace(start, end + 1 - start, "(0xADDR)");
    }
  }
  return text;
}

// ----------------------------------------------------------- gob stream --

std::vector<std::vector<std::uint8_t>> split_messages(std::span<const std::uint8_t> stream) {
  std::vector<std::vector<std::uint8_t>> messages;
  gob::WireReader reader(stream);
  while (!reader.at_end()) {
    std::size_t size = reader.get_count(1);
    std::size_t start = stream.size() - reader.remaining();
    messages.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(start),
                          stream.begin() + static_cast<std::ptrdiff_t>(start + size));
    reader.skip(size);
  }
  return messages;
}

std::vector<std::uint8_t> frame(std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> framed;
  gob::WireWriter(framed).put_uint(body.size());
  framed.insert(framed.end(), body.begin(), body.end());
  return framed;
}

std::vector<std::uint8_t> struct_definition(gob::TypeId id, const std::string& name,
                                            std::vector<gob::FieldType> fields) {
  gob::WireType type;
  type.kind = gob::Kind::Struct;
  type.name = name;
  type.id = id;
  type.fields = std::move(fields);
  std::vector<std::uint8_t> body;
  gob::WireWriter writer(body);
  writer.put_int(-id);
  gob::write_wire_type(writer, type);
  return frame(body);
}

}  // namespace test
