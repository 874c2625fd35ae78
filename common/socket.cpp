#include "socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "error.hpp"

namespace net {

// ---------------------------------------------------------------- Socket --

Socket::Socket(Socket&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Socket::~Socket() {
  close();
}

void Socket::close() noexcept {
  // close() is not retried on EINTR: on Linux the descriptor is gone either
  // way, and a retry could close a descriptor another thread just opened.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {

// ------------------------------------------------------------- addresses --

std::string format_address(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = "?";
  std::uint16_t port = 0;
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    port = ntohs(v6->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

// "[::1]" -> "::1": brackets only separate an IPv6 address from a port, and
// getaddrinfo does not accept them.
std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoDeleter>;

AddrinfoList resolve(const char* host, std::uint16_t port, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6 alike
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int status = ::getaddrinfo(host, service.c_str(), &hints, &list);
  if (status != 0) {
    throw std::runtime_error("cannot resolve '" + std::string(host ? host : "*") +
                             "': " + ::gai_strerror(status));
  }
  return AddrinfoList(list);
}

void set_nonblocking(int fd, bool nonblocking) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) throw_errno("fcntl(F_GETFL)");
  flags = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (::fcntl(fd, F_SETFL, flags) < 0) throw_errno("fcntl(F_SETFL)");
}

// One connection attempt to one address. A blocking connect() can hang for
// minutes on an address that drops packets; a non-blocking connect followed
// by poll() waits exactly as long as we allow (Go's Dialer.Timeout).
Socket try_connect(const addrinfo& address, std::chrono::milliseconds timeout) {
  Socket socket(
      ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC, address.ai_protocol));
  if (!socket.is_open()) throw_errno("socket");
  set_nonblocking(socket.fd(), true);
  if (::connect(socket.fd(), address.ai_addr, address.ai_addrlen) < 0) {
    if (errno != EINPROGRESS) throw_errno("connect");
    pollfd waiting{socket.fd(), POLLOUT, 0};
    int ready;
    do {
      ready = ::poll(&waiting, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) throw_errno("poll");
    if (ready == 0) {
      errno = ETIMEDOUT;
      throw_errno("connect timed out after " + std::to_string(timeout.count()) + " ms");
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      errno = error;
      throw_errno("connect");
    }
  }
  set_nonblocking(socket.fd(), false);
  return socket;
}

}  // namespace

// -------------------------------------------------------------- dialing --

Socket connect_to(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  std::string bare_host = strip_brackets(host);
  AddrinfoList addresses = resolve(bare_host.c_str(), port, 0);
  std::string failures;
  for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next) {
    try {
      return try_connect(*address, timeout);
    } catch (const std::system_error& error) {
      if (!failures.empty()) failures += "; ";
      failures += format_address(address->ai_addr) + ": " + error.what();
    }
  }
  throw std::runtime_error("cannot connect to " + host + " port " + std::to_string(port) + " (" +
                           failures + ")");
}

// ------------------------------------------------------------ listening --

namespace {

Socket bind_and_listen(const addrinfo& address) {
  Socket socket(
      ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC, address.ai_protocol));
  if (!socket.is_open()) throw_errno("socket");
  int on = 1;
  int off = 0;
  // Without SO_REUSEADDR a restarted server fails to bind while the old
  // connections sit in TIME_WAIT.
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (address.ai_family == AF_INET6) {
    // Dual stack: let the IPv6 socket take IPv4 connections as well.
    ::setsockopt(socket.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (::bind(socket.fd(), address.ai_addr, address.ai_addrlen) < 0) throw_errno("bind");
  if (::listen(socket.fd(), SOMAXCONN) < 0) throw_errno("listen");
  set_nonblocking(socket.fd(), true);
  return socket;
}

}  // namespace

Socket listen_on(std::uint16_t port) {
  AddrinfoList addresses = resolve(nullptr, port, AI_PASSIVE);
  std::string failures;
  // Two passes: the IPv6 wildcard first, since it serves both families; the
  // IPv4 wildcard only where IPv6 is missing.
  for (int family : {AF_INET6, AF_INET}) {
    for (const addrinfo* address = addresses.get(); address != nullptr;
         address = address->ai_next) {
      if (address->ai_family != family) continue;
      try {
        return bind_and_listen(*address);
      } catch (const std::system_error& error) {
        if (!failures.empty()) failures += "; ";
        failures += format_address(address->ai_addr) + ": " + error.what();
      }
    }
  }
  throw std::runtime_error("cannot listen on port " + std::to_string(port) + " (" + failures + ")");
}

Socket accept_connection(const Socket& listener) {
  while (true) {
    int fd = ::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return Socket(fd);
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Socket();  // nobody waiting
    // EINTR: a signal arrived. ECONNABORTED: the client reset the connection
    // while it waited in the backlog. Neither is the listener's fault.
    if (errno == EINTR || errno == ECONNABORTED) continue;
    throw_errno("accept");
  }
}

void enable_keepalive(const Socket& socket) {
  int on = 1;
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  // Go's default: first probe after 15 s idle, then every 15 s.
  int seconds = 15;
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_KEEPIDLE, &seconds, sizeof seconds);
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_KEEPINTVL, &seconds, sizeof seconds);
}

// -------------------------------------------------------- introspection --

std::string local_address(const Socket& socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) < 0) {
    throw_errno("getsockname");
  }
  return format_address(reinterpret_cast<sockaddr*>(&address));
}

std::string peer_address(const Socket& socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) < 0) {
    return "(unknown peer)";
  }
  return format_address(reinterpret_cast<sockaddr*>(&address));
}

std::uint16_t local_port(const Socket& socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) < 0) {
    throw_errno("getsockname");
  }
  // The port sits in the same place in both families' structs, but the
  // family still decides which struct this is.
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

}  // namespace net
