#include "encoder.hpp"

#include <stdexcept>

namespace gob {

TypeRegistry& Encoder::own_registry() {
  if (shared_registry_ != nullptr) {
    own_registry_ = *shared_registry_;
    shared_registry_ = nullptr;
  }
  return own_registry_;
}

TypeRegistry& Encoder::Messages::registry() {
  if (encoder_ == nullptr) throw std::logic_error("gob: definitions alone define no new types");
  return encoder_->own_registry();
}

void Encoder::append_definitions(const TypeRegistry& registry, TypeId root,
                                 std::vector<std::uint8_t>& out) {
  Messages messages(out, nullptr);
  WireWriter writer(out, &messages);
  send_new_types(registry, type_ids::kFirstAssignedByEncoder, root, writer, messages);
  out.pop_back();  // the length byte kept for a next message, which none fills
}

// The length prefix comes before the body but is known only after it. One
// byte is kept for it, which is all a message under 128 bytes needs; a
// longer message makes room for the rest of its prefix afterwards.
std::size_t Encoder::begin_message(std::vector<std::uint8_t>& out) {
  out.push_back(0);
  return out.size();
}

void Encoder::end_message(std::vector<std::uint8_t>& out, std::size_t body) {
  std::uint8_t prefix[kMaxUintSize];
  std::size_t prefix_size = encode_uint(out.size() - body, prefix);
  out[body - 1] = prefix[0];
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(body), prefix + 1, prefix + prefix_size);
}

}  // namespace gob
