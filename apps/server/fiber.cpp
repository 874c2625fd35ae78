#include "fiber.hpp"

#include <cxxabi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <exception>
#include <utility>

#include "../../common/error.hpp"
#include "../../common/log.hpp"
#include "context_switch.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FIBER_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define FIBER_TSAN 1
#endif

namespace server {

namespace {
thread_local Fiber* running = nullptr;
}

Fiber::Fiber(std::function<void()> body, std::size_t stack_size)
    : body_(std::move(body)), stack_size_(stack_size) {
  std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  mapping_size_ = stack_size + page;
  mapping_ = ::mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mapping_ == MAP_FAILED) net::throw_errno("mmap (a fiber's stack)");
  ::mprotect(mapping_, page, PROT_NONE);  // the guard page: stacks grow down
  stack_bottom_ = static_cast<char*>(mapping_) + page;
  stack_pointer_ =
      prepare_stack(static_cast<char*>(stack_bottom_) + stack_size, &Fiber::entry, this);
#ifdef FIBER_TSAN
  tsan_fiber_ = __tsan_create_fiber(0);
#endif
}

Fiber::~Fiber() {
#ifdef FIBER_TSAN
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
#endif
  ::munmap(mapping_, mapping_size_);
}

Fiber* Fiber::current() {
  return running;
}

void Fiber::resume() {
  Fiber* before = running;
  running = this;
  switch_to_body();
  running = before;
}

void Fiber::yield() {
  running->switch_to_caller();
}

void Fiber::switch_to_body() {
#ifdef FIBER_ASAN
  void* caller_fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&caller_fake_stack, stack_bottom_, stack_size_);
#endif
#ifdef FIBER_TSAN
  tsan_caller_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
  swap_exceptions_in_flight();
  server_switch_context(&caller_stack_pointer_, stack_pointer_);
  swap_exceptions_in_flight();
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(caller_fake_stack, nullptr, nullptr);
#endif
}

void Fiber::switch_to_caller() {
#ifdef FIBER_ASAN
  // A finished body's fake stack is released (nullptr), a paused one kept.
  __sanitizer_start_switch_fiber(finished_ ? nullptr : &fake_stack_, caller_bottom_, caller_size_);
#endif
#ifdef FIBER_TSAN
  __tsan_switch_to_fiber(tsan_caller_, 0);
#endif
  server_switch_context(&stack_pointer_, caller_stack_pointer_);
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake_stack_, &caller_bottom_, &caller_size_);
#endif
}

void Fiber::entry(void* argument) {
  auto* self = static_cast<Fiber*>(argument);
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &self->caller_bottom_, &self->caller_size_);
#endif
  self->run_body();
  self->finished_ = true;
  self->switch_to_caller();  // never comes back: a finished fiber is not resumed
}

// Exchanges the thread's exceptions in flight with those kept here: on the
// way into the body, resume()'s are kept and the body's put in place; on
// the way out, the reverse. Without it, a fiber paused inside a catch block
// (an ERR reply waiting for its peer to read) would, when resumed, handle
// whichever exception another fiber of the loop had caught last.
void Fiber::swap_exceptions_in_flight() {
  auto& in_flight = *reinterpret_cast<ExceptionsInFlight*>(abi::__cxa_get_globals());
  std::swap(in_flight, other_exceptions_);
}

// No exception may leave a fiber's first frame: there is nothing above it
// to unwind into.
void Fiber::run_body() {
  try {
    body_();
  } catch (const std::exception& error) {
    LOG("A fiber's work ended with an error: ", error.what());
  } catch (...) {
    LOG("A fiber's work ended with an unknown exception");
  }
}

}  // namespace server
