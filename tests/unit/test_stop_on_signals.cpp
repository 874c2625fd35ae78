// StopOnSignals: SIGTERM stops serve() through the one thread that waits for
// it, and once that thread is gone a signal reaches nothing at all: it stays
// pending, so no Endpoint being destroyed can be touched by it.
#include <doctest/doctest.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <thread>

#include "../../apps/server/endpoint.hpp"
#include "../../apps/server/stop_on_signals.hpp"

namespace {

sigset_t sigterm_only() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

TEST_CASE("stop on signals: SIGTERM stops serve(), and after it a signal reaches nothing") {
  sigset_t before;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &before);
  server::StopOnSignals::block_in_every_thread();
  {
    server::EndpointOptions options;
    options.port = 0;
    server::Endpoint endpoint(options);
    endpoint.listen();
    {
      server::StopOnSignals stop_on_signals(endpoint);
      std::thread serving([&] { endpoint.serve(); });
      ::kill(::getpid(), SIGTERM);
      serving.join();  // returned: the signal reached request_stop()
    }
    // As after serve() has ended, or while main() unwinds after an error.
    ::kill(::getpid(), SIGTERM);
  }  // the Endpoint is destroyed with the signal still undelivered
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGTERM) == 1);
  sigset_t sigterm = sigterm_only();
  timespec no_wait{};
  CHECK(::sigtimedwait(&sigterm, nullptr, &no_wait) == SIGTERM);  // taken, so it ends here
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
}
