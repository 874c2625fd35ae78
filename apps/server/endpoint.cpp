#include "endpoint.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <system_error>

#include "../../common/error.hpp"
#include "../../common/go_syntax.hpp"
#include "../../common/log.hpp"

namespace server {

Endpoint::Endpoint(EndpointOptions options)
    : options_(options), memory_budget_(options.max_memory), connections_(options.model) {
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) < 0) net::throw_errno("pipe2");
}

Endpoint::~Endpoint() {
  connections_.stop_all(std::chrono::milliseconds(0));
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

// ------------------------------------------------------------ handlers --

void Endpoint::add_handler(const std::string& name, Handler handler) {
  std::unique_lock lock(handlers_mutex_);  // exclusive: the map changes
  handlers_[name] = std::move(handler);
}

std::optional<Handler> Endpoint::find_handler(const std::string& name) const {
  std::shared_lock lock(handlers_mutex_);  // shared: any number of lookups at once
  auto found = handlers_.find(name);
  if (found == handlers_.end()) return std::nullopt;
  return found->second;
}

// --------------------------------------------------------- accept loop --

void Endpoint::listen() {
  try {
    listener_ = net::listen_on(options_.port);
  } catch (const std::exception&) {
    net::rethrow_with_context("unable to listen on port " + std::to_string(options_.port));
  }
  port_ = net::local_port(listener_);
  LOG("Listen on ", net::local_address(listener_));
}

void Endpoint::request_stop() noexcept {
  // write(2) is async-signal-safe; the byte wakes serve()'s poll.
  char byte = 1;
  [[maybe_unused]] ssize_t ignored = ::write(stop_pipe_[1], &byte, 1);
}

void Endpoint::serve() {
  std::chrono::milliseconds pause{0};
  while (wait_for_connection(pause)) {
    connections_.reap_finished();
    try {
      accept_one();
      pause = std::chrono::milliseconds(0);
    } catch (const std::system_error& error) {
      if (!should_retry_accept(error)) throw;
      pause = next_pause(pause);
      LOG("Failed accepting a connection request: ", error.what(), "; retrying in ", pause.count(),
          " ms");
    }
  }
  LOG("Stop: no new connections; waiting for ", connections_.active(), " open connection(s)");
  stopping_ = true;
  listener_.close();
  connections_.stop_all(options_.shutdown_grace);
  LOG("Server done.");
}

// Waits until a connection may be waiting to be accepted, or, while backing
// off, until `pause` has passed; returns false once request_stop() has been
// called. It also wakes once a second, so that finished connection threads
// are joined even when no new client arrives.
bool Endpoint::wait_for_connection(std::chrono::milliseconds pause) {
  pollfd waiting[2] = {{stop_pipe_[0], POLLIN, 0}, {listener_.fd(), POLLIN, 0}};
  bool backing_off = pause.count() > 0;
  // Backing off, the listener is left out: its pending connection, which we
  // could not accept, would end the pause at once.
  nfds_t watched = backing_off ? 1 : 2;
  int timeout_ms = backing_off ? static_cast<int>(pause.count()) : 1000;
  if (::poll(waiting, watched, timeout_ms) < 0 && errno != EINTR) net::throw_errno("poll");
  return waiting[0].revents == 0;
}

// accept() fails with these when the process or the machine is out of file
// descriptors or memory. The connection stays in the backlog, so retrying
// at once would spin; the caller pauses instead.
bool Endpoint::is_out_of_resources(const std::system_error& error) {
  int code = error.code().value();
  return code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM;
}

// Linux's accept() reports a network error already pending on the new
// connection (the network went down, the peer became unreachable) as its
// own failure, and EPERM when a firewall rule forbids the connection.
// accept(2) says to treat these like EAGAIN and retry: they are that one
// connection's trouble, not the listener's. EINTR and ECONNABORTED are
// retried inside net::accept_connection already.
bool Endpoint::is_transient(const std::system_error& error) {
  switch (error.code().value()) {
    case ENETDOWN:
    case EPROTO:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case EPERM: return true;
    default: return false;
  }
}

bool Endpoint::should_retry_accept(const std::system_error& error) {
  return is_out_of_resources(error) || is_transient(error);
}

// 5 ms, doubling up to 1 s: the back-off Go's net/http uses.
std::chrono::milliseconds Endpoint::next_pause(std::chrono::milliseconds pause) {
  constexpr std::chrono::milliseconds kFirst{5}, kLongest{1000};
  return pause.count() == 0 ? kFirst : std::min(pause * 2, kLongest);
}

void Endpoint::accept_one() {
  net::Socket socket = net::accept_connection(listener_);
  if (!socket.is_open()) return;  // woken, but the client had already gone
  if (connections_.active() >= options_.max_connections) {
    refuse(socket, "too many connections");
    return;
  }
  net::enable_keepalive(socket);
  std::string peer = net::peer_address(socket);
  try {
    connections_.start(std::move(socket), std::move(peer),
                       [this](Connection& c) { handle_messages(c); });
  } catch (const std::system_error& error) {
    // No thread for this one (the process is at its thread limit): it is
    // closed, and the others go on being served.
    LOG("Cannot start a thread for a new connection: ", error.what());
  }
}

void Endpoint::refuse(net::Socket& socket, const std::string& reason) {
  LOG("Refusing connection from ", net::peer_address(socket), ": ", reason);
  net::BufferedStream stream(socket.fd());
  stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
  send_error_reply(stream, reason);
}

// ------------------------------------------------ one connection's loop --

// The tutorial's handleMessages: read a command, run its handler, repeat.
// Every way out of here closes the connection (ConnectionThreads closes the
// socket as soon as this returns); no exception leaves, so one connection's
// trouble never touches another's.
void Endpoint::handle_messages(Connection& connection) {
  const std::string& peer = connection.peer;
  net::BufferedStream stream(connection.socket.fd());
  stream.set_memory_budget(&memory_budget_);
  std::string command;
  try {
    while (!stopping_) {
      stream.set_deadline(std::chrono::steady_clock::now() + options_.idle_timeout);
      std::optional<std::string> line = stream.read_line(options_.max_line);
      if (!line) {
        LOG_VERBOSE("Reached end of stream from ", peer, " - close this connection.");
        return;
      }
      command = trim(*line);
      LOG_VERBOSE("Receive command '", excerpt(command), "' from ", peer);
      run_command(connection, stream, command);
    }
  } catch (const net::TimeoutError& error) {
    LOG("Closing connection from ", peer, ": ", error.what());
  } catch (const net::ProtocolError& error) {
    LOG("Closing connection from ", peer, " after '", excerpt(command),
        "': ", net::describe(error));
    send_error_reply(stream, error.what());
  } catch (const std::exception& error) {
    if (stopping_) return;  // woken by shutdown(2): nothing to report
    LOG("Closing connection from ", peer, " after '", excerpt(command),
        "': ", net::describe(error));
  }
}

void Endpoint::run_command(Connection& connection, net::BufferedStream& stream,
                           const std::string& command) {
  std::optional<Handler> handler = find_handler(command);
  if (!handler) throw net::ProtocolError("unknown command '" + excerpt(command) + "'");
  connection.busy = true;
  stream.set_deadline(std::chrono::steady_clock::now() + options_.message_timeout);
  (*handler)(stream);
  connection.busy = false;
}

// ------------------------------------------------------------- helpers --

std::string trim(const std::string& text) {
  const char* space = " \t\r\n";
  std::size_t first = text.find_first_not_of(space);
  if (first == std::string::npos) return "";
  std::size_t last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

// Printable ASCII: what a terminal shows as it is, acting on none of it.
static bool is_plain(char c) {
  return c >= 0x20 && c <= 0x7e;
}

std::string excerpt(const std::string& text) {
  constexpr std::size_t kLongest = 64;
  std::string shown = text.substr(0, kLongest);
  for (char& c : shown) {
    if (!is_plain(c)) c = '?';  // no control bytes for the terminal
  }
  return text.size() > kLongest ? shown + "..." : shown;
}

std::string shown_in_log(const std::string& text) {
  bool plain = text.size() <= kShownBytes && std::all_of(text.begin(), text.end(), is_plain);
  return plain ? text : go_syntax_cut(text);
}

void send_error_reply(net::BufferedStream& stream, const std::string& reason) {
  std::string line = reason;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';  // the reply is one line, whatever the reason says
  }
  try {
    stream.set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(500));
    stream.write("ERR " + line + "\n");
    stream.flush();
  } catch (const std::exception&) {
    // The peer is gone or not reading; the connection closes either way.
  }
}

}  // namespace server
