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
    TypeId id = send_types<T>(out);
    std::size_t body = begin_message(out);
    WireWriter writer(out);
    writer.put_int(id);
    // A top-level value that is not a struct travels as if it were the only
    // field of a struct: a 0 (its field number) precedes it.
    if constexpr (!kTravelsAsStruct<T>) writer.put_uint(0);
    Codec<T>::encode(writer, value);
    end_message(out, body);
  }

  // Writes the messages for `value` to `stream`; call stream.flush() after.
  template <class T>
  void encode(const T& value, net::BufferedStream& stream) {
    std::vector<std::uint8_t> bytes;
    encode(value, bytes);
    stream.write(bytes.data(), bytes.size());
  }

 private:
  // What a fresh encoder sends first for a value of type T: the same bytes
  // every time, so they are worked out once per type and kept.
  struct FirstDefinitions {
    TypeRegistry registry;
    std::vector<std::uint8_t> bytes;
    TypeId id = 0;
  };

  template <class T>
  static const FirstDefinitions& first_definitions() {
    static const FirstDefinitions cached = [] {
      FirstDefinitions first;
      first.id = Codec<T>::define(first.registry);
      append_definitions(first.registry, 0, first.bytes);
      return first;
    }();
    return cached;
  }

  // Appends the definitions `value` needs that were not sent yet; returns
  // the id of T.
  template <class T>
  TypeId send_types(std::vector<std::uint8_t>& out) {
    if (shared_registry_ == nullptr && own_registry_.definitions().empty()) {
      // A fresh encoder (the tutorial's case, one per GOB command): use the
      // kept bytes and share their registry instead of building both anew.
      const FirstDefinitions& first = first_definitions<T>();
      out.insert(out.end(), first.bytes.begin(), first.bytes.end());
      shared_registry_ = &first.registry;
      return first.id;
    }
    TypeRegistry& registry = own_registry();
    std::size_t already_sent = registry.definitions().size();
    TypeId id = Codec<T>::define(registry);
    append_definitions(registry, already_sent, out);
    return id;
  }

  TypeRegistry& own_registry();
  static void append_definitions(const TypeRegistry& registry, std::size_t first,
                                 std::vector<std::uint8_t>& out);
  static std::size_t begin_message(std::vector<std::uint8_t>& out);
  static void end_message(std::vector<std::uint8_t>& out, std::size_t body);

  // The types sent so far: shared with first_definitions() until a value
  // needs a type that is not there, then copied into own_registry_.
  const TypeRegistry* shared_registry_ = nullptr;
  TypeRegistry own_registry_;
};

}  // namespace gob
