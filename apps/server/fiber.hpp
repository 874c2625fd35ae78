// Fiber: a function with a stack of its own that can stop in the middle
// (yield) and be resumed later on the same thread: a goroutine without Go's
// scheduler. The event loop (event_loop.hpp) runs each connection's
// Endpoint::handle_messages on one, so the code a connection runs is the
// same under both server models; only where it waits differs.
//
// A switch is server_switch_context (context_switch.hpp): registers and
// stack pointer, no system call. Two more things belong to a thread and
// are switched with the stack: the exceptions its catch blocks are
// handling (the C++ runtime keeps them per thread), and the sanitizers'
// view of the stack (AddressSanitizer's and ThreadSanitizer's fiber
// interfaces: without them they take the new stack for a corrupted one).
#pragma once

#include <cstddef>
#include <functional>

namespace server {

class Fiber {
 public:
  // The stack is address space (mmap'd, with a guard page below it that
  // turns an overflow into a crash, not a corruption): only the pages the
  // body touches become memory.
  Fiber(std::function<void()> body, std::size_t stack_size);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the body until it yields or returns. Not from inside a fiber.
  void resume();
  bool finished() const { return finished_; }

  // From inside a fiber's body: back to the resume() that ran it.
  static void yield();
  // The fiber running on this thread, or nullptr.
  static Fiber* current();

 private:
  // What the C++ runtime keeps per thread about exceptions (the Itanium C++
  // ABI's __cxa_eh_globals): the chain of exceptions that catch blocks are
  // handling, and how many are thrown and not yet caught.
  struct ExceptionsInFlight {
    void* caught = nullptr;
    unsigned int uncaught = 0;
  };

  static void entry(void* self);
  void run_body();
  void switch_to_body();
  void switch_to_caller();
  void swap_exceptions_in_flight();

  std::function<void()> body_;
  void* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  void* stack_bottom_ = nullptr;
  std::size_t stack_size_ = 0;
  void* stack_pointer_ = nullptr;         // the body's, while it is paused
  void* caller_stack_pointer_ = nullptr;  // resume()'s, while the body runs
  // The body's while it runs; resume()'s while it is paused.
  ExceptionsInFlight other_exceptions_;
  bool finished_ = false;
  // The sanitizers' view of the two stacks.
  void* fake_stack_ = nullptr;
  const void* caller_bottom_ = nullptr;
  std::size_t caller_size_ = 0;
  void* tsan_fiber_ = nullptr;
  void* tsan_caller_ = nullptr;
};

}  // namespace server
