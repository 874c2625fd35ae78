// WaitHooks: what a connection's code does when it must wait for its peer
// (or for memory), if it runs on a fiber of an event loop (./server --model
// epoll) instead of on a thread of its own. On a thread it simply blocks in
// recv(), send() or a condition variable. On a loop it must not: the
// loop's other connections would wait too. So it asks the loop, which
// switches to another connection's fiber and comes back when the socket is
// ready, or the deadline has come.
//
// The loop sets the hooks for the thread it runs on; everywhere else they
// are nullptr, and BufferedStream and MemoryBudget block as before. That is
// how the same handler code (handlers.cpp) runs under both models.
#pragma once

#include <chrono>
#include <optional>

namespace net {

struct WaitHooks {
  using Clock = std::chrono::steady_clock;
  // Until `fd` is readable (or writable), or `deadline` (none: no limit).
  // Returns false when the deadline came first. Call it once the socket has
  // been found empty (or full); it may return when the socket has become
  // ready and been emptied again, so the caller tries, and maybe waits,
  // again.
  bool (*wait_for)(int fd, bool writable, std::optional<Clock::time_point> deadline);
  // Lets the loop's other connections run until `when`.
  void (*sleep_until)(Clock::time_point when);
};

// The hooks of the event loop this thread runs, or nullptr.
const WaitHooks* wait_hooks();
void set_wait_hooks(const WaitHooks* hooks);

}  // namespace net
