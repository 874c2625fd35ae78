// StopOnSignals: Ctrl-C (SIGINT) and SIGTERM stop the server gracefully
// (the tutorial's server runs until it is interrupted; ours then lets the
// commands in progress finish and exits 0).
//
// A signal handler may run at any moment, in any thread, even while the
// Endpoint it would call is being destroyed, and may only call
// async-signal-safe functions. So there is no handler: SIGINT and SIGTERM
// are blocked in every thread, and one thread of ours waits for them with
// sigwait(2), an ordinary thread that may call anything. It is stopped and
// joined before the Endpoint is destroyed (declare the StopOnSignals after
// the Endpoint), so a signal that arrives after serve() has ended, or while
// it unwinds after an error, reaches nothing that is gone: it stays
// pending, blocked, until the process exits.
#pragma once

#include <atomic>
#include <thread>

#include "endpoint.hpp"

namespace server {

class StopOnSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread and so in every thread
  // started from it afterwards (threads inherit the mask). Call it first in
  // main(), before any thread exists.
  static void block_in_every_thread();

  // Starts the thread that calls endpoint.request_stop() on SIGINT or SIGTERM.
  explicit StopOnSignals(Endpoint& endpoint);
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
  // Stops and joins that thread.
  ~StopOnSignals();

 private:
  void wait_for_signals();

  Endpoint& endpoint_;
  std::atomic<bool> done_{false};
  std::thread waiter_;  // last: started once the rest is set
};

}  // namespace server
