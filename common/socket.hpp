// The socket layer: a file descriptor that closes itself, and the two ways a
// program gets a connected one (tutorial: "Outgoing connections" dials with
// net.Dial, "Incoming connections" listens with net.Listen and accepts).
//
// Every function here reports failure by throwing (std::system_error with the
// address and the reason); none of them exits or prints. The caller decides.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace net {

// Owns one file descriptor and closes it in its destructor (RAII). Move-only:
// a copy would close the same descriptor twice. Moving a Socket into a
// connection's thread hands that thread the connection.
class Socket {
 public:
  Socket() noexcept = default;
  explicit Socket(int fd) noexcept : fd_(fd) {}
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  int fd() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }
  void close() noexcept;

 private:
  int fd_ = -1;
};

// How long connect_to waits for the other side before giving up.
inline constexpr std::chrono::milliseconds kDefaultDialTimeout{10'000};

// Resolves `host` with getaddrinfo and tries each address in turn until one
// connects. `host` may be a name ("localhost"), an IPv4 literal
// ("127.0.0.1"), or an IPv6 literal, bare or in brackets ("::1", "[::1]").
// Each attempt is bounded by `timeout` (a non-blocking connect and poll).
Socket connect_to(const std::string& host, std::uint16_t port,
                  std::chrono::milliseconds timeout = kDefaultDialTimeout);

// Listens on every interface: one IPv6 socket with IPV6_V6ONLY switched off
// accepts IPv4 clients too (as ::ffff:127.0.0.1); where the machine has no
// IPv6, an IPv4 socket. SO_REUSEADDR lets a restarted server bind at once.
// Port 0 asks the kernel for a free port; local_port() tells which.
// The listening socket is non-blocking: the server waits for connections
// with poll(), so that a stop request can wake it too (see Endpoint::serve).
Socket listen_on(std::uint16_t port);

// Takes the next waiting connection off `listener`'s queue, or returns a
// closed Socket when none is waiting. Retries by itself what is not a
// failure of the listener (EINTR; ECONNABORTED, a client that left before
// accept); throws std::system_error for the rest (EMFILE: out of file
// descriptors, ...). The accepted socket itself is blocking.
Socket accept_connection(const Socket& listener);

// Asks the kernel to probe an idle connection (TCP keep-alive), so that a
// peer whose machine vanished is noticed instead of waited for forever.
void enable_keepalive(const Socket& socket);

// The addresses of either end, printed as Go prints them: "127.0.0.1:61000",
// "[::1]:61000".
std::string local_address(const Socket& socket);
std::string peer_address(const Socket& socket);
std::uint16_t local_port(const Socket& socket);

}  // namespace net
