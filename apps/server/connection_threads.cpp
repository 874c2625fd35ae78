#include "connection_threads.hpp"

#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>

#include "../../common/log.hpp"

namespace server {

// std::thread cannot be asked for a stack size; it takes glibc's default
// thread attributes, and those can be set (pthread_setattr_default_np).
// Set once, before the first connection thread: every thread the process
// starts from then on gets `size`.
void ConnectionThreads::use_stack_size_for_new_threads(std::size_t size) {
  static std::once_flag once;
  std::call_once(once, [size] {
    pthread_attr_t attributes;
    if (::pthread_getattr_default_np(&attributes) != 0) return;
    if (::pthread_attr_setstacksize(&attributes, size) == 0) {
      ::pthread_setattr_default_np(&attributes);
    }
    ::pthread_attr_destroy(&attributes);
  });
}

ConnectionThreads::ConnectionThreads(ServerModel model) {
  if (model == ServerModel::Threads) return;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < cores; ++i) loops_.push_back(std::make_unique<EventLoop>(kStackSize));
}

ConnectionThreads::~ConnectionThreads() {
  stop_all(std::chrono::milliseconds(0));
}

void ConnectionThreads::start(net::Socket socket, std::string peer, Work work) {
  std::lock_guard lock(mutex_);
  Connection& connection = connections_.emplace_back();
  connection.socket = std::move(socket);
  connection.peer = std::move(peer);
  try {
    auto serve = [this, &connection, work = std::move(work)] {
      // An exception that left a thread's function would end the whole
      // process (std::terminate); `work` catches its own, and this catches
      // what could still escape, such as std::bad_alloc.
      try {
        work(connection);
      } catch (const std::exception& error) {
        LOG("Connection from ", connection.peer, " ended: ", error.what());
      }
      finish(connection);
    };
    if (!loops_.empty()) {
      loops_[next_loop_++ % loops_.size()]->post(
          connection.socket.fd(), std::move(serve),
          [this, &connection](const std::exception& error) {
            // As for a thread that cannot start: this connection closes, the
            // others go on being served.
            LOG("Cannot start a fiber for a new connection: ", error.what());
            finish(connection);
          });
      return;
    }
    use_stack_size_for_new_threads(kStackSize);
    connection.thread = std::thread([serve = std::move(serve)] {
      // Named, so that `top -H`, gdb and the tests can tell connection
      // threads from the others.
      ::pthread_setname_np(::pthread_self(), "connection");
      serve();
    });
  } catch (...) {
    connections_.pop_back();  // closes the socket
    throw;
  }
}

// Close at once, not when the thread is joined, so that a finished
// connection holds no descriptor. Under the lock: shutdown_sockets reads
// the descriptor.
void ConnectionThreads::finish(Connection& connection) {
  std::lock_guard finished_lock(mutex_);
  connection.socket.close();
  connection.finished = true;
  thread_finished_.notify_all();
}

std::size_t ConnectionThreads::active() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const Connection& connection : connections_) count += connection.finished ? 0 : 1;
  return count;
}

void ConnectionThreads::reap_finished() {
  std::list<Connection> done;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->finished) done.splice(done.end(), connections_, it);
      it = next;
    }
  }
  // Joined outside the lock: a thread that has set `finished` may still be
  // unlocking the mutex on its way out.
  for (Connection& connection : done) {
    if (connection.thread.joinable()) connection.thread.join();
  }
}

void ConnectionThreads::shutdown_sockets(bool busy_ones_too) {
  std::lock_guard lock(mutex_);
  for (Connection& connection : connections_) {
    if (connection.finished) continue;
    if (busy_ones_too) {
      ::shutdown(connection.socket.fd(), SHUT_RDWR);
    } else if (!connection.busy) {
      // Only the reading side: that is enough to wake a thread waiting for
      // its next command (its recv() sees end of stream), and a thread that
      // has just read a command but not yet marked itself busy can still
      // send that command's reply.
      ::shutdown(connection.socket.fd(), SHUT_RD);
    }
  }
}

void ConnectionThreads::stop_all(std::chrono::milliseconds grace) {
  shutdown_sockets(false);
  {
    std::unique_lock lock(mutex_);
    thread_finished_.wait_for(lock, grace, [this] {
      for (const Connection& connection : connections_) {
        if (!connection.finished) return false;
      }
      return true;
    });
  }
  shutdown_sockets(true);
  std::list<Connection> all;
  {
    // A fiber has no thread to join: wait until it has finished.
    std::unique_lock lock(mutex_);
    thread_finished_.wait(lock, [this] {
      for (const Connection& connection : connections_) {
        if (!connection.finished && !connection.thread.joinable()) return false;
      }
      return true;
    });
    all.swap(connections_);
  }
  for (Connection& connection : all) {
    if (connection.thread.joinable()) connection.thread.join();
  }
}

}  // namespace server
