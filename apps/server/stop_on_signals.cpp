#include "stop_on_signals.hpp"

#include <pthread.h>

#include <csignal>

namespace server {
namespace {

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void StopOnSignals::block_in_every_thread() {
  sigset_t signals = stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

StopOnSignals::StopOnSignals(Endpoint& endpoint)
    : endpoint_(endpoint), waiter_([this] { wait_for_signals(); }) {}

StopOnSignals::~StopOnSignals() {
  done_ = true;
  // Wakes the waiter: a signal sent to that one thread, which it takes as
  // the sign to return (done_ is set) rather than as a request to stop.
  ::pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

void StopOnSignals::wait_for_signals() {
  sigset_t signals = stop_signals();
  while (true) {
    int number = 0;
    if (::sigwait(&signals, &number) != 0) continue;
    if (done_) return;
    endpoint_.request_stop();
  }
}

}  // namespace server
