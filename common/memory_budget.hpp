// MemoryBudget: one bound on the memory the server holds for what peers have
// sent, shared by every connection (--max-memory), the counterpart of
// Redis's maxmemory-clients.
//
// Each connection's limits (--max-line, --max-message) bound what one peer
// can make the server hold; they do not bound the sum: 2000 peers each
// holding back the last byte of a megabyte message would pin 2 GB. So the
// memory for a long line or a large message is taken from this budget
// before it is allocated. When the budget is used up, the connection that
// needs more waits, with its message deadline still running, and does not
// read its socket meanwhile: the kernel's receive buffer fills, TCP's window
// closes, and the sender is slowed down instead of the server growing. A
// connection still waiting at its deadline is refused with an error that
// says the server is busy.
//
// A message still arriving takes from the budget, at once, all that its
// length prefix announces (a line: all that --max-line allows, once it is
// longer than the free part). Taken piece by piece as bytes arrive, the
// budget could end up shared among peers that each hold half a message and
// wait for the rest, none able to finish. Taken whole, whoever holds a
// share can finish. (This is accounting only: the memory itself is still
// allocated as the bytes arrive.)
//
// MemoryReservation is what one line or one message holds of the budget,
// given back when it ends. Its first `free_bytes` are not taken from the
// budget at all: they are part of each connection's fixed cost, like its
// read buffer, so that a small command (the tutorial's exchange) is served
// at once however much the large messages of others hold.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>

#include "wait_hooks.hpp"

namespace net {

class MemoryBudget {
 public:
  using Clock = std::chrono::steady_clock;

  explicit MemoryBudget(std::size_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Who asks, and so how much of the budget they may fill. Messages still
  // arriving may take three quarters of it; the last quarter is kept for
  // decoding the ones that have arrived, so that those always finish (and
  // give their memory back) however many peers hold a message half-sent.
  enum class Use { ArrivingMessage, Decoding };

  // Takes `bytes`, waiting while others hold the budget until `deadline`
  // (std::nullopt: no deadline). Throws ProtocolError ("server busy") at the
  // deadline, at once when `bytes` is more than `use` may ever have.
  void acquire(std::size_t bytes, std::optional<Clock::time_point> deadline, Use use);
  void release(std::size_t bytes) noexcept;
  // Throws acquire()'s ProtocolError if one holder could never have `bytes`.
  void check_fits(std::size_t bytes, Use use) const;

  // The most `use` may fill.
  std::size_t ceiling(Use use) const { return use == Use::Decoding ? limit_ : limit_ - limit_ / 4; }

  std::size_t limit() const { return limit_; }
  std::size_t in_use() const;

 private:
  [[noreturn]] void throw_busy() const;
  void wait_on_event_loop(const WaitHooks& hooks, std::unique_lock<std::mutex>& lock,
                          std::optional<Clock::time_point> deadline,
                          const std::function<bool()>& fits) const;

  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::size_t in_use_ = 0;
};

class MemoryReservation {
 public:
  using Clock = MemoryBudget::Clock;

  // budget == nullptr: nothing is taken from anywhere (no --max-memory: the
  // decoder used on its own, in the client or the tests).
  MemoryReservation(MemoryBudget* budget, std::size_t free_bytes,
                    MemoryBudget::Use use = MemoryBudget::Use::Decoding)
      : budget_(budget), free_bytes_(free_bytes), use_(use) {}
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;
  ~MemoryReservation() { resize(0); }

  // Makes the reservation cover `bytes` in all, taking more from the budget
  // (waiting until `deadline` if it must) or giving back what is no longer
  // needed.
  void resize(std::size_t bytes, std::optional<Clock::time_point> deadline = std::nullopt);
  void grow(std::size_t bytes, std::optional<Clock::time_point> deadline) {
    // Inline for the common case, a charge that what is held already
    // covers: no budget, or room left in the free bytes and the steps taken.
    if (budget_ == nullptr || covered_ + bytes <= free_bytes_ + taken_) {
      covered_ += bytes;
      return;
    }
    resize(covered_ + bytes, deadline);
  }
  std::size_t covered() const { return covered_; }

 private:
  MemoryBudget* budget_;
  std::size_t free_bytes_;
  MemoryBudget::Use use_;
  std::size_t covered_ = 0;  // what the holder may use
  std::size_t taken_ = 0;    // what of that came from the budget
};

}  // namespace net
