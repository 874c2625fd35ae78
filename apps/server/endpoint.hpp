// Endpoint: the server side of the tutorial's ad-hoc protocol (section
// "Incoming connections"). A client sends a command name ending in '\n';
// the Endpoint looks the name up in its handler map and lets that handler
// read the command's data from the same stream. Then the next command.
//
// The handler map may change while connections are being served (the
// tutorial's erratum): add_handler takes the std::shared_mutex exclusively,
// the lookup of each command shares it, as Go's sync.RWMutex does.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <system_error>

#include "../../common/buffered_stream.hpp"
#include "../../common/memory_budget.hpp"
#include "../../common/socket.hpp"
#include "connection_threads.hpp"

namespace server {

// Go's HandleFunc: reads the command's data, answers if it wants to.
using Handler = std::function<void(net::BufferedStream&)>;

struct EndpointOptions {
  ServerModel model = ServerModel::Threads;
  std::uint16_t port = 61000;
  std::size_t max_line = 64 * 1024;                   // command line, STRING data
  std::chrono::milliseconds idle_timeout{300'000};    // silence between commands
  std::chrono::milliseconds message_timeout{30'000};  // to finish one command
  std::size_t max_connections = 4096;
  // For long lines and gob messages, all connections together: enough for
  // 250 messages of the largest size at once, and little enough for a
  // student's laptop to hold beside everything else it runs.
  std::size_t max_memory = 256 * 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{3'000};  // for commands in progress
};

class Endpoint {
 public:
  explicit Endpoint(EndpointOptions options);
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;
  ~Endpoint();

  void add_handler(const std::string& name, Handler handler);

  // The budget of --max-memory, for handlers that hold messages (the GOB
  // handler's decoder takes from it; lines take from it in the stream).
  net::MemoryBudget& memory_budget() { return memory_budget_; }

  // The handler registered for `name`, if any (a copy, taken under the
  // shared lock, so the lock is not held while the handler runs).
  std::optional<Handler> find_handler(const std::string& name) const;

  // Opens the listening socket; throws if the port cannot be had. After it
  // returns, port() is the real port (useful with port 0).
  void listen();
  std::uint16_t port() const { return port_; }

  // Accepts connections, each served on its own thread, until
  // request_stop(); then stops gracefully and returns when every
  // connection thread has been joined.
  void serve();

  // Safe to call from a signal handler or any thread.
  void request_stop() noexcept;

  // The tutorial's handleMessages: serves one connection until it closes.
  // Public so that tests and the fuzzer can drive it over a socketpair.
  void handle_messages(Connection& connection);

  // Whether the accept loop goes on after accept() failed with `error`
  // (after a pause, logged): when the process is out of descriptors or
  // memory, or the error is one accept(2) says to retry. Any other error
  // ends serve(). Public so that tests can ask.
  static bool should_retry_accept(const std::system_error& error);

 private:
  bool wait_for_connection(std::chrono::milliseconds pause);
  static bool is_out_of_resources(const std::system_error& error);
  static bool is_transient(const std::system_error& error);
  static std::chrono::milliseconds next_pause(std::chrono::milliseconds pause);
  void accept_one();
  void run_command(Connection& connection, net::BufferedStream& stream, const std::string& command);
  void refuse(net::Socket& socket, const std::string& reason);

  EndpointOptions options_;
  net::Socket listener_;
  std::uint16_t port_ = 0;
  int stop_pipe_[2] = {-1, -1};  // request_stop writes, serve() polls
  std::atomic<bool> stopping_{false};

  mutable std::shared_mutex handlers_mutex_;
  std::map<std::string, Handler> handlers_;

  net::MemoryBudget memory_budget_;  // before connections_: it outlives them
  ConnectionThreads connections_;
};

// Strips spaces, tabs, '\r' and '\n' from both ends ("GOB\r" from telnet).
std::string trim(const std::string& text);

// What a log line or an error shows of a command a peer sent: at most 64
// bytes, control bytes and non-ASCII as '?', so that a hostile peer can
// neither flood the log nor send escape sequences to a terminal.
std::string excerpt(const std::string& text);

// What a log line shows of text a peer sent (the STRING line): the text as
// it is when it is short printable ASCII, as the tutorial's log shows it;
// otherwise quoted by Go's %q rules, so that '\r', a newline or a terminal
// escape appears as \r, \n, \x1b and cannot forge a log line or drive the
// terminal, and cut after kShownBytes bytes with its length shown.
std::string shown_in_log(const std::string& text);

// Sends "ERR <reason>\n" and flushes, ignoring failure: the connection is
// being closed because of a problem already, and the peer may be gone.
void send_error_reply(net::BufferedStream& stream, const std::string& reason);

}  // namespace server
