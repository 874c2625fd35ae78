#include "memory_budget.hpp"

#include <algorithm>
#include <string>

#include "error.hpp"

namespace net {

void MemoryBudget::check_fits(std::size_t bytes, Use use) const {
  if (bytes > ceiling(use)) {
    throw ProtocolError("server busy: a message needs more memory than --max-memory allows (" +
                        std::to_string(limit_) + " bytes for all connections)");
  }
}

void MemoryBudget::acquire(std::size_t bytes, std::optional<Clock::time_point> deadline, Use use) {
  check_fits(bytes, use);
  std::unique_lock lock(mutex_);
  auto fits = [&] { return in_use_ <= ceiling(use) && bytes <= ceiling(use) - in_use_; };
  if (const WaitHooks* hooks = wait_hooks()) {
    wait_on_event_loop(*hooks, lock, deadline, fits);
  } else if (deadline) {
    if (!released_.wait_until(lock, *deadline, fits)) throw_busy();
  } else {
    released_.wait(lock, fits);
  }
  in_use_ += bytes;
}

void MemoryBudget::throw_busy() const {
  throw ProtocolError("server busy: no memory for this message before its deadline (the " +
                      std::to_string(limit_) + " bytes of --max-memory are in use)");
}

// On an event loop a condition variable would hold up the loop's other
// connections, and the one that would release the memory may be among
// them: so look again every millisecond, letting them run in between.
void MemoryBudget::wait_on_event_loop(const WaitHooks& hooks, std::unique_lock<std::mutex>& lock,
                                      std::optional<Clock::time_point> deadline,
                                      const std::function<bool()>& fits) const {
  constexpr std::chrono::milliseconds kLookAgain{1};
  while (!fits()) {
    Clock::time_point now = Clock::now();
    if (deadline && now >= *deadline) throw_busy();
    lock.unlock();
    hooks.sleep_until(deadline ? std::min(now + kLookAgain, *deadline) : now + kLookAgain);
    lock.lock();
  }
}

void MemoryBudget::release(std::size_t bytes) noexcept {
  {
    std::lock_guard lock(mutex_);
    in_use_ -= bytes;
  }
  // Every waiter looks again: the one that fits may not be the first.
  released_.notify_all();
}

std::size_t MemoryBudget::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

// The budget is taken in steps of kStep, not byte by byte, so that a message
// arriving in many small reads locks the budget's mutex a few times, not
// once per read.
void MemoryReservation::resize(std::size_t bytes, std::optional<Clock::time_point> deadline) {
  constexpr std::size_t kStep = 64 * 1024;
  if (budget_ != nullptr) {
    std::size_t needed = bytes > free_bytes_ ? bytes - free_bytes_ : 0;
    if (needed > taken_) {
      budget_->check_fits(needed, use_);  // waiting would never end
      std::size_t more = (needed - taken_ + kStep - 1) / kStep * kStep;
      if (taken_ + more > budget_->ceiling(use_)) more = needed - taken_;
      budget_->acquire(more, deadline, use_);
      taken_ += more;
    } else if (needed + kStep < taken_) {
      // Given back only when a whole step is spare, so that a reservation
      // going up and down by a few bytes does not lock the budget each time.
      budget_->release(taken_ - needed);
      taken_ = needed;
    }
    if (bytes == 0 && taken_ > 0) {
      budget_->release(taken_);
      taken_ = 0;
    }
  }
  covered_ = bytes;
}

}  // namespace net
