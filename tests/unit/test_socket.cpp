// net::Socket and the dial/listen/accept functions (tutorial: "Outgoing
// connections" and "Incoming connections"), on the loopback interface only.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../../common/socket.hpp"
#include "test_helpers.hpp"

namespace {

// Whether `fd` is an open descriptor of this process.
bool is_open_descriptor(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

// The listener is non-blocking: wait (boundedly) for a connection to be
// queued before accepting, instead of assuming it already is.
net::Socket accept_within_seconds(const net::Socket& listener, int seconds) {
  pollfd waiting{listener.fd(), POLLIN, 0};
  if (::poll(&waiting, 1, seconds * 1000) != 1) return net::Socket();
  return net::accept_connection(listener);
}

}  // namespace

// ---------------------------------------------------------------- Socket --

// A copy would close the same descriptor twice; moving hands it over.
static_assert(!std::is_copy_constructible_v<net::Socket>);
static_assert(!std::is_copy_assignable_v<net::Socket>);
static_assert(std::is_nothrow_move_constructible_v<net::Socket>);
static_assert(std::is_nothrow_move_assignable_v<net::Socket>);

TEST_CASE("socket: moving a Socket hands over its descriptor and leaves the source closed") {
  test::SocketPair pair = test::make_socket_pair();
  int fd = pair.ours.fd();
  net::Socket moved(std::move(pair.ours));
  CHECK(moved.fd() == fd);
  CHECK_FALSE(pair.ours.is_open());  // NOLINT(bugprone-use-after-move): that is the point
  CHECK(pair.ours.fd() == -1);
  CHECK(is_open_descriptor(fd));

  net::Socket assigned;
  CHECK_FALSE(assigned.is_open());
  assigned = std::move(moved);
  CHECK(assigned.fd() == fd);
  CHECK_FALSE(moved.is_open());
}

TEST_CASE("socket: move-assigning over an open Socket closes its old descriptor") {
  test::SocketPair pair = test::make_socket_pair();
  int old_fd = pair.ours.fd();
  pair.ours = std::move(pair.theirs);
  CHECK_FALSE(is_open_descriptor(old_fd));
  CHECK(pair.ours.is_open());
}

TEST_CASE("socket: the destructor closes the descriptor") {
  int fd = -1;
  {
    test::SocketPair pair = test::make_socket_pair();
    fd = pair.ours.fd();
    CHECK(is_open_descriptor(fd));
  }
  CHECK_FALSE(is_open_descriptor(fd));
  CHECK(errno == EBADF);
}

TEST_CASE("socket: close() is safe to call twice") {
  test::SocketPair pair = test::make_socket_pair();
  int fd = pair.ours.fd();
  pair.ours.close();
  pair.ours.close();
  CHECK_FALSE(pair.ours.is_open());
  CHECK_FALSE(is_open_descriptor(fd));
}

// ------------------------------------------------ listen, connect, accept --

TEST_CASE("socket: listen_on(0) gets a real port from the kernel") {
  net::Socket listener = net::listen_on(0);
  REQUIRE(listener.is_open());
  CHECK(net::local_port(listener) != 0);
  // Dual stack: the IPv6 wildcard, which takes IPv4 clients too.
  CHECK(net::local_address(listener).rfind("[::]:", 0) == 0);
}

TEST_CASE("socket: accept_connection with nobody waiting returns a closed Socket") {
  net::Socket listener = net::listen_on(0);
  CHECK_FALSE(net::accept_connection(listener).is_open());
}

TEST_CASE("socket: connect_to reaches the listener by IPv4, IPv6, bracketed IPv6 and name") {
  net::Socket listener = net::listen_on(0);
  std::uint16_t port = net::local_port(listener);
  for (std::string host : {"127.0.0.1", "::1", "[::1]", "localhost"}) {
    CAPTURE(host);
    net::Socket client = net::connect_to(host, port, std::chrono::seconds(5));
    REQUIRE(client.is_open());
    net::Socket accepted = accept_within_seconds(listener, 5);
    REQUIRE(accepted.is_open());
    // The two ends agree: the server's peer is the client's local address.
    std::string client_port = std::to_string(net::local_port(client));
    std::string seen_by_server = net::peer_address(accepted);
    CHECK(seen_by_server.substr(seen_by_server.rfind(':') + 1) == client_port);
    // And bytes go through.
    test::send_all(client, test::bytes_of("x"));
    char byte = 0;
    CHECK(::recv(accepted.fd(), &byte, 1, 0) == 1);
    CHECK(byte == 'x');
  }
}

TEST_CASE("socket: addresses are printed as Go prints them") {
  net::Socket listener = net::listen_on(0);
  std::uint16_t port = net::local_port(listener);
  net::Socket over_v6 = net::connect_to("::1", port);
  CHECK(net::peer_address(over_v6) == "[::1]:" + std::to_string(port));
  net::Socket over_v4 = net::connect_to("127.0.0.1", port);
  CHECK(net::peer_address(over_v4) == "127.0.0.1:" + std::to_string(port));
  // The dual-stack server sees the IPv4 client as an IPv4-mapped address.
  net::Socket first = accept_within_seconds(listener, 5);
  net::Socket second = accept_within_seconds(listener, 5);
  std::string v4_client_port = std::to_string(net::local_port(over_v4));
  CHECK((net::peer_address(first) == "[::ffff:127.0.0.1]:" + v4_client_port ||
         net::peer_address(second) == "[::ffff:127.0.0.1]:" + v4_client_port));
}

TEST_CASE("socket: connecting where nothing listens names the host and the port") {
  std::uint16_t port = 0;
  {
    net::Socket listener = net::listen_on(0);
    port = net::local_port(listener);
  }  // closed: now nothing listens there
  std::string message;
  try {
    net::connect_to("127.0.0.1", port, std::chrono::seconds(5));
  } catch (const std::exception& error) {
    message = error.what();
  }
  CHECK(message.find("127.0.0.1") != std::string::npos);
  CHECK(message.find(std::to_string(port)) != std::string::npos);
  CHECK(message.find("refused") != std::string::npos);  // ECONNREFUSED, in words
}

TEST_CASE("socket: enable_keepalive switches on TCP keep-alive") {
  net::Socket listener = net::listen_on(0);
  net::Socket client = net::connect_to("127.0.0.1", net::local_port(listener));
  net::enable_keepalive(client);
  int on = 0;
  socklen_t size = sizeof on;
  REQUIRE(::getsockopt(client.fd(), SOL_SOCKET, SO_KEEPALIVE, &on, &size) == 0);
  CHECK(on == 1);
}
