// gob::Encoder: turns one C++ value into gob messages, the counterpart of
// Go's gob.NewEncoder(w).Encode(v).
//
// A message is an unsigned byte count followed by that many bytes. The
// first call sends one message per composite type the value needs (the
// definitions, "-id, wireType"), then the value itself ("id, value"). Later
// calls on the same Encoder send only the value, since the decoder at the
// other end remembers the types. The tutorial's client makes a new encoder
// for every GOB command, so each command carries its own definitions.
#pragma once

#include <cstdint>
#include <vector>

#include "../buffered_stream.hpp"
#include "codec.hpp"

namespace gob {

class Encoder {
 public:
  // Appends the messages for `value` to `out`.
  template <class T>
  void encode(const T& value, std::vector<std::uint8_t>& out) {
    TypeId id = Codec<T>::define(registry_);
    append_new_definitions(out);
    std::vector<std::uint8_t>& body = start_message();
    WireWriter writer(body);
    writer.put_int(id);
    // A top-level value that is not a struct travels as if it were the only
    // field of a struct: a 0 (its field number) precedes it.
    if constexpr (!GobStruct<T>) writer.put_uint(0);
    Codec<T>::encode(writer, value);
    finish_message(out);
  }

  // Writes the messages for `value` to `stream`; call stream.flush() after.
  template <class T>
  void encode(const T& value, net::BufferedStream& stream) {
    std::vector<std::uint8_t> bytes;
    encode(value, bytes);
    stream.write(bytes.data(), bytes.size());
  }

 private:
  void append_new_definitions(std::vector<std::uint8_t>& out);
  std::vector<std::uint8_t>& start_message();
  void finish_message(std::vector<std::uint8_t>& out);

  TypeRegistry registry_;
  std::size_t definitions_sent_ = 0;
  std::vector<std::uint8_t> body_;  // the message being built, before its length
};

}  // namespace gob
