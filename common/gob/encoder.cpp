#include "encoder.hpp"

namespace gob {

TypeRegistry& Encoder::own_registry() {
  if (shared_registry_ != nullptr) {
    own_registry_ = *shared_registry_;
    shared_registry_ = nullptr;
  }
  return own_registry_;
}

void Encoder::append_definitions(const TypeRegistry& registry, std::size_t first,
                                 std::vector<std::uint8_t>& out) {
  const std::vector<WireType>& definitions = registry.definitions();
  for (std::size_t i = first; i < definitions.size(); ++i) {
    std::size_t body = begin_message(out);
    WireWriter writer(out);
    writer.put_int(-definitions[i].id);  // negative: this message defines a type
    write_wire_type(writer, definitions[i]);
    end_message(out, body);
  }
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
