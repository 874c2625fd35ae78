#include "encoder.hpp"

namespace gob {

std::vector<std::uint8_t>& Encoder::start_message() {
  body_.clear();
  return body_;
}

// The length prefix can only be written once the body is complete.
void Encoder::finish_message(std::vector<std::uint8_t>& out) {
  WireWriter(out).put_uint(body_.size());
  out.insert(out.end(), body_.begin(), body_.end());
}

void Encoder::append_new_definitions(std::vector<std::uint8_t>& out) {
  const std::vector<WireType>& definitions = registry_.definitions();
  for (; definitions_sent_ < definitions.size(); ++definitions_sent_) {
    const WireType& type = definitions[definitions_sent_];
    WireWriter writer(start_message());
    writer.put_int(-type.id);  // negative: this message defines a type
    write_wire_type(writer, type);
    finish_message(out);
  }
}

}  // namespace gob
