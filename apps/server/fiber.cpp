#include "fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <exception>

#include "../../common/error.hpp"
#include "../../common/log.hpp"

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
  ::getcontext(&context_);
  context_.uc_stack.ss_sp = static_cast<char*>(mapping_) + page;
  context_.uc_stack.ss_size = stack_size;
  context_.uc_link = nullptr;  // the body never returns through here: see entry()
  auto self = reinterpret_cast<std::uintptr_t>(this);
  ::makecontext(&context_, reinterpret_cast<void (*)()>(&Fiber::entry), 2,
                static_cast<unsigned>(self >> 32), static_cast<unsigned>(self & 0xffffffffu));
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
  __sanitizer_start_switch_fiber(&caller_fake_stack, context_.uc_stack.ss_sp, stack_size_);
#endif
#ifdef FIBER_TSAN
  tsan_caller_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
  ::swapcontext(&caller_, &context_);
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
  ::swapcontext(&context_, &caller_);
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake_stack_, &caller_bottom_, &caller_size_);
#endif
}

void Fiber::entry(unsigned high, unsigned low) {
  auto self = reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(high) << 32) | low);
#ifdef FIBER_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &self->caller_bottom_, &self->caller_size_);
#endif
  self->run_body();
  self->finished_ = true;
  self->switch_to_caller();  // never comes back: a finished fiber is not resumed
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
