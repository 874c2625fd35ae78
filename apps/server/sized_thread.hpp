// SizedThread: a thread like std::thread, but with a stack of the size the
// program asks for, not the one it happens to inherit.
//
// std::thread takes glibc's default stack, which follows RLIMIT_STACK: under
// `ulimit -s 256` a connection thread has 256 KiB, and a gob value nested
// 991 levels deep (inside the decoder's 1000-level limit) overflows it and
// kills the whole server; under `ulimit -s unlimited` glibc falls back to
// 2 MiB, less than an AddressSanitizer build needs at the limit. The
// nesting limit is only a promise if the stack is sized for it, so the
// connection threads set their own (pthread_attr_setstacksize).
#pragma once

#include <pthread.h>

#include <cstddef>
#include <functional>

namespace server {

class SizedThread {
 public:
  SizedThread() = default;
  SizedThread(const SizedThread&) = delete;
  SizedThread& operator=(const SizedThread&) = delete;
  // Like std::thread's, a thread still joinable here ends the program
  // (std::terminate): it would run on with nobody to wait for it.
  ~SizedThread();

  // Runs `work` on a new thread with a stack of `stack_size` bytes. Throws
  // std::system_error when no thread can be started (EAGAIN: out of
  // memory, address space or the thread limit).
  void start(std::size_t stack_size, std::function<void()> work);
  void join();
  bool joinable() const { return started_; }

 private:
  static void* run(void* work);

  pthread_t handle_{};
  bool started_ = false;
};

}  // namespace server
