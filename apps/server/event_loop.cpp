#include "event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "../../common/error.hpp"
#include "../../common/wait_hooks.hpp"

namespace server {

namespace {
thread_local EventLoop* this_threads_loop = nullptr;
}

EventLoop::EventLoop(std::size_t stack_size) : stack_size_(stack_size) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) net::throw_errno("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) net::throw_errno("eventfd");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // nullptr: the wake-up, not a connection
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) < 0) net::throw_errno("epoll_ctl");
  thread_ = std::thread([this] { run(); });
}

EventLoop::~EventLoop() {
  {
    std::lock_guard lock(posted_mutex_);
    stopping_ = true;
  }
  wake();
  thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void EventLoop::post(std::function<void()> body, CannotStart cannot_start) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back({std::move(body), std::move(cannot_start)});
  }
  wake();
}

void EventLoop::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
}

// The loop: wait for ready sockets or the next deadline, resume the fibers
// they belong to, start the posted ones; until stopped with no fiber left.
void EventLoop::run() {
  this_threads_loop = this;
  static const net::WaitHooks kHooks{&EventLoop::wait_for, &EventLoop::sleep_until};
  net::set_wait_hooks(&kHooks);
  epoll_event ready[256];
  while (true) {
    int count = ::epoll_wait(epoll_fd_, ready, 256, milliseconds_to_next_timer());
    if (count < 0 && errno != EINTR) net::throw_errno("epoll_wait");
    for (int i = 0; i < count; ++i) {
      if (ready[i].data.ptr == nullptr) {
        std::uint64_t wakes = 0;
        [[maybe_unused]] ssize_t ignored = ::read(wake_fd_, &wakes, sizeof wakes);
        continue;
      }
      auto* waiting = static_cast<Waiting*>(ready[i].data.ptr);
      waiting->ready = true;
      resume(waiting->fiber);
    }
    fire_timers();
    start_posted();
    std::lock_guard lock(posted_mutex_);
    if (stopping_ && fibers_.empty() && posted_.empty()) return;
  }
}

void EventLoop::start_posted() {
  std::vector<Posted> posted;
  {
    std::lock_guard lock(posted_mutex_);
    posted.swap(posted_);
  }
  for (Posted& each : posted) {
    std::unique_ptr<Fiber> fiber;
    try {
      fiber = std::make_unique<Fiber>(std::move(each.body), stack_size_);
    } catch (const std::exception& error) {
      each.cannot_start(error);
      continue;
    }
    Fiber* raw = fiber.get();
    fibers_.emplace(raw, std::move(fiber));
    resume(raw);
  }
}

void EventLoop::resume(Fiber* fiber) {
  fiber->resume();
  if (fiber->finished()) fibers_.erase(fiber);
}

void EventLoop::fire_timers() {
  Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    Fiber* fiber = timers_.begin()->second;
    timers_.erase(timers_.begin());
    resume(fiber);
  }
}

int EventLoop::milliseconds_to_next_timer() const {
  if (timers_.empty()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<long>(left.count(), 60'000));
}

// ----------------------------------------------- from inside a fiber --

// One-shot: a socket is watched only while its fiber waits for it, so an
// event can only ever find a fiber that is waiting.
void EventLoop::watch(int fd, bool writable, Waiting* waiting) {
  epoll_event event{};
  event.events = (writable ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
  event.data.ptr = waiting;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0) return;
  if (errno != ENOENT || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) < 0) {
    net::throw_errno("epoll_ctl");
  }
}

// After a deadline: out of the set, so that no event can come for a fiber
// that has stopped waiting (watch() adds it again).
void EventLoop::unwatch(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

bool EventLoop::wait_for(int fd, bool writable, std::optional<Clock::time_point> deadline) {
  EventLoop& loop = *this_threads_loop;
  if (deadline && Clock::now() >= *deadline) return false;
  Waiting waiting{Fiber::current()};
  loop.watch(fd, writable, &waiting);
  std::optional<std::multimap<Clock::time_point, Fiber*>::iterator> timer;
  if (deadline) timer = loop.timers_.emplace(*deadline, waiting.fiber);
  Fiber::yield();
  if (waiting.ready) {
    if (timer) loop.timers_.erase(*timer);
  } else {
    loop.unwatch(fd);  // the timer fired (and is gone)
  }
  return waiting.ready;
}

void EventLoop::sleep_until(Clock::time_point when) {
  EventLoop& loop = *this_threads_loop;
  loop.timers_.emplace(when, Fiber::current());
  Fiber::yield();
}

}  // namespace server
