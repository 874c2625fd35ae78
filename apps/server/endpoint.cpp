#include "endpoint.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <system_error>

#include "../../common/error.hpp"
#include "../../common/log.hpp"

namespace server {

Endpoint::Endpoint(EndpointOptions options) : options_(options) {
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
  // What to do when accept fails for lack of resources (EMFILE: out of file
  // descriptors, ENFILE, ENOBUFS, ENOMEM): the pending connection stays in
  // the backlog, so retrying at once would spin. Wait, doubling the pause
  // from 5 ms to 1 s, as Go's net/http does, until accept works again.
  constexpr std::chrono::milliseconds kFirstPause{5}, kLongestPause{1000};
  std::chrono::milliseconds pause{0};
  while (true) {
    pollfd waiting[2] = {{listener_.fd(), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    // While backing off, only the stop pipe can end the pause early.
    int ready = ::poll(pause.count() ? &waiting[1] : waiting, pause.count() ? 1 : 2,
                       pause.count() ? static_cast<int>(pause.count()) : -1);
    if (ready < 0 && errno != EINTR) net::throw_errno("poll");
    if (waiting[1].revents != 0) break;  // request_stop()
    connections_.reap_finished();
    if (ready <= 0 && pause.count() == 0) continue;
    try {
      accept_one();
      pause = std::chrono::milliseconds(0);
    } catch (const std::system_error& error) {
      int code = error.code().value();
      if (code != EMFILE && code != ENFILE && code != ENOBUFS && code != ENOMEM) throw;
      pause = pause.count() == 0 ? kFirstPause : std::min(pause * 2, kLongestPause);
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

void Endpoint::accept_one() {
  net::Socket socket = net::accept_connection(listener_);
  if (connections_.active() >= options_.max_connections) {
    refuse(socket, "too many connections");
    return;
  }
  net::enable_keepalive(socket);
  try {
    connections_.start(std::move(socket), [this](Connection& c) { handle_messages(c); });
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
// Every way out of here closes the connection (the Socket's destructor, when
// the thread is reaped); no exception leaves, so one connection's trouble
// never touches another's.
void Endpoint::handle_messages(Connection& connection) {
  std::string peer = net::peer_address(connection.socket);
  net::BufferedStream stream(connection.socket.fd());
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
      LOG_VERBOSE("Receive command '", command, "' from ", peer);
      run_command(connection, stream, command);
    }
  } catch (const net::TimeoutError& error) {
    LOG("Closing connection from ", peer, ": ", error.what());
  } catch (const net::ProtocolError& error) {
    LOG("Closing connection from ", peer, " after '", command, "': ", net::describe(error));
    send_error_reply(stream, error.what());
  } catch (const std::exception& error) {
    if (stopping_) return;  // woken by shutdown(2): nothing to report
    LOG("Closing connection from ", peer, " after '", command, "': ", net::describe(error));
  }
}

void Endpoint::run_command(Connection& connection, net::BufferedStream& stream,
                           const std::string& command) {
  std::optional<Handler> handler = find_handler(command);
  if (!handler) throw net::ProtocolError("unknown command '" + command + "'");
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
