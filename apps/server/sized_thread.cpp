#include "sized_thread.hpp"

#include <exception>
#include <memory>
#include <system_error>

namespace server {

SizedThread::~SizedThread() {
  if (started_) std::terminate();
}

void SizedThread::start(std::size_t stack_size, std::function<void()> work) {
  pthread_attr_t attributes;
  ::pthread_attr_init(&attributes);
  int error = ::pthread_attr_setstacksize(&attributes, stack_size);
  // The new thread owns the work once it runs; until then, this function.
  auto owned = std::make_unique<std::function<void()>>(std::move(work));
  if (error == 0) error = ::pthread_create(&handle_, &attributes, &SizedThread::run, owned.get());
  ::pthread_attr_destroy(&attributes);
  if (error != 0) throw std::system_error(error, std::generic_category(), "pthread_create");
  owned.release();
  started_ = true;
}

void SizedThread::join() {
  int error = ::pthread_join(handle_, nullptr);
  if (error != 0) throw std::system_error(error, std::generic_category(), "pthread_join");
  started_ = false;
}

void* SizedThread::run(void* work) {
  std::unique_ptr<std::function<void()>> owned(static_cast<std::function<void()>*>(work));
  // An exception leaving a thread's function ends the program, as with
  // std::thread; the connection's work catches its own.
  try {
    (*owned)();
  } catch (...) {
    std::terminate();
  }
  return nullptr;
}

}  // namespace server
