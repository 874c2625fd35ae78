// MemoryAccount: what decoding may allocate for one part of what a peer sent
// (a message's buffer, the stream's type definitions, one value), checked
// before each allocation.
//
// A gob count is checked against the bytes left in the message (wire.hpp),
// but one byte on the wire can cost far more in memory: an empty struct
// field is one byte and a 40-byte FieldType, a 3-byte map key an 80-byte
// tree node. So every allocation the decoder makes for a peer is charged
// here first, in what it really costs, against an allowance proportional to
// the bytes the peer has sent (Decoder sets it; docs/protocol.md lists the
// factors). Past the allowance the charge throws ProtocolError and nothing
// is allocated. Within it, the bytes are also taken from the server's
// shared budget (the MemoryReservation, if any), waiting for it until the
// stream's deadline.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>

#include "../error.hpp"
#include "../memory_budget.hpp"

namespace gob {

// What a std::map node costs beyond its key and value: three pointers and a
// colour (libstdc++'s _Rb_tree_node_base), plus malloc's own header.
inline constexpr std::size_t kMapNodeOverhead = 32 + 8;

// What a std::string of `size` bytes allocates: nothing up to the 15 bytes
// it keeps inside itself (the small-string buffer), else size + 1.
constexpr std::size_t string_heap_bytes(std::size_t size) {
  return size <= 15 ? 0 : size + 1;
}

class MemoryAccount {
 public:
  using Clock = net::MemoryBudget::Clock;

  // No allowance and no shared budget: for decoding one's own bytes.
  MemoryAccount() = default;
  // `what` names the part in errors: "the value", "type definitions".
  MemoryAccount(const char* what, net::MemoryReservation* shared) : what_(what), shared_(shared) {}
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;
  ~MemoryAccount() { clear(); }

  // The most this part may hold, and the rule that set it, for the error
  // (a string literal: this is called for every message, and must not
  // allocate).
  void allow(std::size_t allowance, const char* rule) {
    allowance_ = allowance;
    rule_ = rule;
  }
  // Until when a charge may wait for the shared budget.
  void set_deadline(std::optional<Clock::time_point> deadline) { deadline_ = deadline; }

  // Call before allocating `bytes` for the peer.
  void charge(std::size_t bytes) {
    if (bytes > allowance_ - used_) {
      throw net::ProtocolError(std::string("gob: ") + what_ + " would take more than " +
                               std::to_string(allowance_) + " bytes of memory (" + rule_ + ")");
    }
    if (shared_ != nullptr) shared_->grow(bytes, deadline_);
    used_ += bytes;
  }
  // Call once what was charged has been freed.
  void clear() {
    if (shared_ != nullptr) shared_->resize(shared_->covered() - used_);
    used_ = 0;
  }
  std::size_t used() const { return used_; }

 private:
  const char* what_ = "decoding";
  net::MemoryReservation* shared_ = nullptr;
  std::size_t allowance_ = std::numeric_limits<std::size_t>::max();
  const char* rule_ = "";
  std::size_t used_ = 0;
  std::optional<Clock::time_point> deadline_;
};

}  // namespace gob
