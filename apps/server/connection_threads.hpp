// ConnectionThreads: the threads that serve connections, one each (the
// tutorial's "go e.handleMessages(conn)"), kept so that none is ever lost.
//
// Go can forget a goroutine; a C++ program must join every std::thread it
// starts, or std::terminate ends it. So each connection's thread and socket
// live here together until the thread has returned and been joined: the
// accept loop reaps finished ones as it goes, and shutdown joins them all.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../common/socket.hpp"
#include "event_loop.hpp"

namespace server {

// How connections are served (docs/server-designs.md compares the two): a
// thread each, the tutorial's design, or fibers on one epoll event loop per
// core (event_loop.hpp). The handlers are the same under both.
enum class ServerModel { Threads, Epoll };

// One connection: its socket, its thread, and what the thread is doing.
struct Connection {
  net::Socket socket;
  std::string peer;  // "[::1]:40780", taken at accept: a reset peer has no address later
  std::thread thread;
  // True while a handler runs: a graceful stop lets it finish first.
  std::atomic<bool> busy{false};
  bool finished = false;  // guarded by ConnectionThreads::mutex_
};

// With --model epoll the same connections run on fibers of event loops
// (event_loop.hpp), one loop per core, instead of on threads of their own;
// the rest of this class is the same for both.
class ConnectionThreads {
 public:
  // Each connection thread's stack: what a value nested as deep as the gob
  // decoder allows (gob::Limits::max_depth, 1000 levels) needs, in every
  // build. Without it, a thread gets glibc's default, which follows
  // RLIMIT_STACK: under `ulimit -s 256` a value nested 991 levels deep
  // overflowed it and killed the whole server, and under `ulimit -s
  // unlimited` (2 MiB then) an AddressSanitizer build overflowed at the
  // limit. 8 MiB, Linux's usual default, leaves room; it is address space,
  // not memory: only the pages a thread touches become resident.
  static constexpr std::size_t kStackSize = 8 * 1024 * 1024;

  using Work = std::function<void(Connection&)>;

  explicit ConnectionThreads(ServerModel model = ServerModel::Threads);
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;
  ~ConnectionThreads();  // stops and joins whatever is left

  // Runs work(connection) on a new thread that owns `socket`. Throws
  // std::system_error when no thread can be started; the socket is then
  // closed and nothing else changes.
  void start(net::Socket socket, std::string peer, Work work);

  // Connections whose thread has not returned yet.
  std::size_t active() const;

  // Joins the threads that have returned and closes their sockets.
  void reap_finished();

  // Wakes the threads that wait for a command (shutdown(2) makes their
  // blocked read return), waits up to `grace` for busy ones to finish their
  // command, then wakes those too and joins every thread.
  void stop_all(std::chrono::milliseconds grace);

 private:
  static void use_stack_size_for_new_threads(std::size_t size);
  void shutdown_sockets(bool busy_ones_too);
  // Marks `connection` done (its thread or fiber has returned, or never
  // started) and closes its socket.
  void finish(Connection& connection);

  mutable std::mutex mutex_;
  std::condition_variable thread_finished_;
  std::list<Connection> connections_;  // a list: entries never move
  // Declared last, so destroyed first: after stop_all, their fibers are done.
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::size_t next_loop_ = 0;  // guarded by mutex_: connections go round the loops
};

}  // namespace server
