#include "event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

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

void EventLoop::post(int fd, std::function<void()> body, CannotStart cannot_start) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back({fd, std::move(body), std::move(cannot_start)});
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
      socket_ready(*static_cast<Task*>(ready[i].data.ptr), ready[i].events);
    }
    fire_timers();
    start_posted();
    std::lock_guard lock(posted_mutex_);
    if (stopping_ && tasks_.empty() && posted_.empty()) return;
  }
}

void EventLoop::start_posted() {
  std::vector<Posted> posted;
  {
    std::lock_guard lock(posted_mutex_);
    posted.swap(posted_);
  }
  for (Posted& each : posted) {
    try {
      start(each.fd, std::make_unique<Fiber>(std::move(each.body), stack_size_));
    } catch (const std::exception& error) {
      each.cannot_start(error);
    }
  }
}

// The socket joins the set until its fiber has finished, edge-triggered,
// for both directions: see event_loop.hpp.
void EventLoop::start(int fd, std::unique_ptr<Fiber> fiber) {
  auto task = std::make_unique<Task>(Task{fd, std::move(fiber)});
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = task.get();
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) < 0) net::throw_errno("epoll_ctl");
  Task& started = *task;
  tasks_.emplace(&started, std::move(task));
  resume(started);
}

// An edge for a task's socket. It matters only if the task waits for that
// direction; an error or hang-up ends any wait (the call tried next says
// what happened).
void EventLoop::socket_ready(Task& task, std::uint32_t events) {
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) events |= EPOLLIN | EPOLLOUT;
  if ((events & (EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) task.reading_ended = true;
  if ((events & EPOLLIN) != 0 && task.waiting_for != EPOLLIN) task.unread_arrival = true;
  if ((events & task.waiting_for) == 0) return;
  task.ready = true;
  resume(task);
}

void EventLoop::resume(Task& task) {
  running_ = &task;
  task.fiber->resume();
  running_ = nullptr;
  if (!task.fiber->finished()) return;
  // Out of the set before the task goes, in case its socket is still open:
  // no later event may find it. (A closed socket has left already; then
  // this fails harmlessly.)
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, task.fd, nullptr);
  tasks_.erase(&task);
}

void EventLoop::fire_timers() {
  Clock::time_point now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    Task& task = *timers_.begin()->second;
    timers_.erase(timers_.begin());
    resume(task);
  }
}

int EventLoop::milliseconds_to_next_timer() const {
  if (timers_.empty()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<long>(left.count(), 60'000));
}

// ----------------------------------------------- from inside a fiber --

bool EventLoop::wait_for(int fd, bool writable, std::optional<Clock::time_point> deadline) {
  EventLoop& loop = *this_threads_loop;
  Task& task = *loop.running_;
  if (fd != task.fd)
    throw std::logic_error("a fiber can wait only for its own connection's socket");
  if (!writable && (task.unread_arrival || task.reading_ended)) {
    task.unread_arrival = false;  // bytes came while it was busy: read them
    return true;
  }
  if (deadline && Clock::now() >= *deadline) return false;
  std::optional<Timers::iterator> timer;
  if (deadline) timer = loop.timers_.emplace(*deadline, &task);
  task.waiting_for = writable ? EPOLLOUT : EPOLLIN;
  task.ready = false;
  Fiber::yield();
  task.waiting_for = 0;
  if (task.ready && timer) loop.timers_.erase(*timer);  // else it fired, and is gone
  return task.ready;
}

void EventLoop::sleep_until(Clock::time_point when) {
  EventLoop& loop = *this_threads_loop;
  loop.timers_.emplace(when, loop.running_);
  Fiber::yield();
}

}  // namespace server
