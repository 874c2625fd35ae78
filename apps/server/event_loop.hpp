// EventLoop: one thread that serves many connections (./server --model
// epoll), each on a Fiber of its own, with one epoll set for all of them.
//
// The contract with the code a connection runs (Endpoint::handle_messages
// and the handlers, unchanged): it is written as if it had a thread, and
// blocks where it must wait. On a loop those waits come here, through
// net::WaitHooks: a read that finds no bytes registers its socket with
// epoll and yields its fiber; the loop runs the other fibers whose sockets
// are ready and resumes this one when its socket is, or when its deadline
// passes (then the read throws the same TimeoutError as on a thread). A
// waiting connection costs its fiber's stack and an epoll entry, nothing
// more, and no byte is read twice: a slow or trickling peer costs work in
// proportion to what it sends, and holds up no one.
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

  // Runs `body` on a new fiber of this loop, or, when no fiber can be made
  // (no address space for its stack), calls cannot_start instead, on the
  // loop's thread. Any thread may call it.
  using CannotStart = std::function<void(const std::exception&)>;
  void post(std::function<void()> body, CannotStart cannot_start);

 private:
  struct Waiting {
    Fiber* fiber;
    bool ready = false;
  };

  void run();
  void wake();  // ends the loop's epoll_wait, from any thread
  void start_posted();
  void resume(Fiber* fiber);
  void fire_timers();
  int milliseconds_to_next_timer() const;
  static bool wait_for(int fd, bool writable, std::optional<Clock::time_point> deadline);
  static void sleep_until(Clock::time_point when);
  void watch(int fd, bool writable, Waiting* waiting);
  void unwatch(int fd);

  std::size_t stack_size_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd: post() and the destructor wake the loop
  std::mutex posted_mutex_;
  struct Posted {
    std::function<void()> body;
    CannotStart cannot_start;
  };
  std::vector<Posted> posted_;  // guarded by posted_mutex_
  bool stopping_ = false;       // guarded by posted_mutex_
  // Only the loop's thread touches these.
  std::multimap<Clock::time_point, Fiber*> timers_;
  std::unordered_map<Fiber*, std::unique_ptr<Fiber>> fibers_;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace server
