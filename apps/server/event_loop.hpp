// EventLoop: one thread that serves many connections (./server --model
// epoll), each on a Fiber of its own, with one epoll set for all of them.
//
// The contract with the code a connection runs (Endpoint::handle_messages
// and the handlers, unchanged): it is written as if it had a thread, and
// blocks where it must wait. On a loop those waits come here, through
// net::WaitHooks: a read that finds no bytes yields its fiber; the loop
// runs the other fibers whose sockets are ready and resumes this one when
// its socket is, or when its deadline passes (then the read throws the
// same TimeoutError as on a thread). A waiting connection costs its
// fiber's stack and an epoll entry, nothing more, and no byte is read
// twice: a slow or trickling peer costs work in proportion to what it
// sends, and holds up no one.
//
// Each connection's socket joins the epoll set once, when its fiber starts,
// edge-triggered (EPOLLET): epoll reports each new arrival of bytes (or of
// room to send) once, and waiting costs no epoll_ctl. That is why the code
// waits only once it has found the socket empty (a recv() that said
// EAGAIN, or returned less than it could take) or full (a send() that said
// EAGAIN): every edge after that is one it has not consumed. An edge that
// came while it was busy ends its next wait to read at once; it may be for
// bytes already read (the recv that follows then says EAGAIN, and it waits
// again), but no edge for bytes it has not read can be missed. The end of
// stream is the exception: it can sit behind bytes a short read took, with
// its edge already gone, so once the peer has hung up (EPOLLRDHUP) reads
// never wait for an edge again. A fiber waits only for its own
// connection's socket. Go's netpoller registers its sockets the same way
// (runtime/netpoll_epoll.go).
//
// What such code must not do on a loop is block in a way the hooks do not
// see (sleep(), a lock held across a wait): that would hold up every
// connection of the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fiber.hpp"

namespace server {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventLoop(std::size_t stack_size);  // starts the loop's thread
  // Stops the loop and joins its thread; call once its fibers have finished.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs `body` on a new fiber of this loop, serving the connection whose
  // socket is `fd`, or, when no fiber can be made (no address space for its
  // stack, no room in the epoll set), calls cannot_start instead, on the
  // loop's thread. Any thread may call it.
  using CannotStart = std::function<void(const std::exception&)>;
  void post(int fd, std::function<void()> body, CannotStart cannot_start);

 private:
  // One connection's fiber, and what it waits for.
  struct Task {
    int fd;
    std::unique_ptr<Fiber> fiber;
    std::uint32_t waiting_for = 0;  // EPOLLIN or EPOLLOUT while it waits for its socket
    bool ready = false;             // the wait ended with the socket ready
    // Bytes arrived while it was not waiting for them: its next wait to
    // read ends at once.
    bool unread_arrival = false;
    // The peer has ended its side (or the connection failed): the end of
    // stream, or the error, may sit behind the bytes a short read left, and
    // no edge will come for it, so no wait to read waits again.
    bool reading_ended = false;
  };

  void run();
  void wake();  // ends the loop's epoll_wait, from any thread
  void start_posted();
  void start(int fd, std::unique_ptr<Fiber> fiber);
  void socket_ready(Task& task, std::uint32_t events);
  void resume(Task& task);
  void fire_timers();
  int milliseconds_to_next_timer() const;
  static bool wait_for(int fd, bool writable, std::optional<Clock::time_point> deadline);
  static void sleep_until(Clock::time_point when);

  std::size_t stack_size_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd: post() and the destructor wake the loop
  std::mutex posted_mutex_;
  struct Posted {
    int fd;
    std::function<void()> body;
    CannotStart cannot_start;
  };
  std::vector<Posted> posted_;  // guarded by posted_mutex_
  bool stopping_ = false;       // guarded by posted_mutex_
  // Only the loop's thread touches these.
  using Timers = std::multimap<Clock::time_point, Task*>;
  Timers timers_;
  std::unordered_map<Task*, std::unique_ptr<Task>> tasks_;
  Task* running_ = nullptr;  // the task whose fiber runs now
  std::thread thread_;       // last: started once everything above is set
};

}  // namespace server
