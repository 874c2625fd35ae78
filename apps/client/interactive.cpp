#include "interactive.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

#include "../../common/error.hpp"
#include "../../common/log.hpp"

namespace client {

namespace {

// The most one read hands on: whatever has arrived, up to this many bytes.
// A typed line or a reply line is far shorter, so each comes through whole.
constexpr std::size_t kChunkSize = 4096;

// The two slots of the poll set.
constexpr int kInput = 0;
constexpr int kServer = 1;

// Sleeps until standard input or the socket has something: bytes, its end,
// or an error. A slot whose descriptor is negative is not watched.
void wait_for_either(pollfd (&watched)[2]) {
  while (::poll(watched, 2, -1) < 0) {
    if (errno != EINTR) net::throw_errno("poll");
  }
}

// Reads what has arrived on `fd` (poll said there is something, so this
// does not wait); 0 means the end of the stream.
std::size_t read_some(int fd, std::uint8_t* chunk, const char* what) {
  for (;;) {
    ssize_t got = ::read(fd, chunk, kChunkSize);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) net::throw_errno(what);
  }
}

// The writes below wait when the other side is slow to take the bytes (a
// server that reads slower than you type, a terminal that scrolls slowly),
// and the loop waits with them. For a person typing that is never noticed;
// a program relaying bulk data both ways would keep a buffer per direction
// and ask poll for POLLOUT as well.

// MSG_NOSIGNAL: a server that has gone away makes send fail with EPIPE,
// which we report, instead of raising SIGPIPE, which would kill us quietly.
void send_all(const net::Socket& server, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = ::send(server.fd(), data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) net::throw_errno("sending to the server");
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
}

void write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) net::throw_errno("writing to standard output");
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

// Tells the server we will send nothing more (it reads the end of the
// stream) while its replies can still come to us.
void half_close(const net::Socket& server) {
  if (::shutdown(server.fd(), SHUT_WR) < 0) {
    net::throw_errno("half-closing the connection (shutdown SHUT_WR)");
  }
}

// The same dial, and the same advice on failure, as run_client's.
net::Socket dial(const ClientOptions& options, const std::string& address) {
  try {
    net::Socket server = net::connect_to(options.host, options.port, options.timeout);
    net::enable_keepalive(server);  // a LISTEN may sit idle for hours
    return server;
  } catch (const std::exception&) {
    net::rethrow_with_context("Client: failed to open connection to " + address +
                              " (is ./server running there? see --port)");
  }
}

}  // namespace

RelayEnd relay(int input, const net::Socket& server, int output) {
  pollfd watched[2] = {{input, POLLIN, 0}, {server.fd(), POLLIN, 0}};
  bool input_open = true;
  std::uint8_t chunk[kChunkSize];
  for (;;) {
    wait_for_either(watched);
    // The server first: once it has closed, nothing more is sent to it.
    if (watched[kServer].revents != 0) {
      std::size_t got = read_some(server.fd(), chunk, "reading from the server");
      if (got == 0) return input_open ? RelayEnd::kServerFirst : RelayEnd::kInputThenServer;
      write_all(output, chunk, got);
    }
    if (watched[kInput].revents != 0) {
      std::size_t got = read_some(input, chunk, "reading standard input");
      if (got > 0) {
        send_all(server, chunk, got);
      } else {
        half_close(server);
        input_open = false;
        watched[kInput].fd = -1;  // poll leaves out a negative descriptor
      }
    }
  }
}

void run_interactive(const ClientOptions& options) {
  std::string address = options.host + " port " + std::to_string(options.port);
  net::Socket server = dial(options, address);
  LOG("Connected to ", address,
      ". Type a command and its data (try STRING, Enter, a line, Enter); Ctrl-D to finish, "
      "Ctrl-C to quit.");
  RelayEnd end;
  try {
    end = relay(STDIN_FILENO, server, STDOUT_FILENO);
  } catch (const std::exception&) {
    net::rethrow_with_context("Client: talking to " + address + " failed");
  }
  if (end == RelayEnd::kServerFirst) LOG("The server closed the connection.");
}

}  // namespace client
