// libFuzzer harness: arbitrary bytes as everything a client sends on one
// connection, served by the real Endpoint::handle_messages with the real
// STRING and GOB handlers. The bytes go through a socketpair, so the line
// reader, the command dispatch, the handlers and the gob message reader all
// run as they do in ./server. Nothing the peer sends may crash the server.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "../../apps/server/endpoint.hpp"
#include "../../apps/server/handlers.hpp"
#include "../../common/log.hpp"

namespace {

server::Endpoint& make_endpoint() {
  server::EndpointOptions options;
  options.port = 0;
  options.max_line = 256;  // small, so that over-long lines are found often
  static server::Endpoint endpoint(options);
  gob::Limits limits;
  limits.max_message = 64 * 1024;
  endpoint.add_handler("STRING", [](net::BufferedStream& stream) {
    server::handle_string(stream, 256);
  });
  endpoint.add_handler("GOB", [limits](net::BufferedStream& stream) {
    server::handle_gob(stream, limits);
  });
  logging::set_quiet(true);
  return endpoint;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static server::Endpoint& endpoint = make_endpoint();
  // The socket buffers hold the whole input (-max_len keeps it small), so
  // one thread can write it all, close its end, and then serve the other.
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) return 0;
  net::Socket client(ends[0]);
  server::Connection connection;
  connection.socket = net::Socket(ends[1]);
  int buffer = 1 << 20;
  ::setsockopt(client.fd(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  ::setsockopt(connection.socket.fd(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (size > 0 && ::send(client.fd(), data, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) {
    return 0;
  }
  ::shutdown(client.fd(), SHUT_WR);
  endpoint.handle_messages(connection);
  return 0;
}
