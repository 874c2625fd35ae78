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
#include <optional>
#include <vector>

#include "../buffered_stream.hpp"
#include "codec.hpp"

namespace gob {

class Encoder {
 public:
  // Appends the messages for `value` to `out`.
  template <class T>
  void encode(const T& value, std::vector<std::uint8_t>& out) {
    std::optional<TypeId> id = send_kept_types<T>(out);
    Messages messages(out, this);
    WireWriter writer(out, &messages);
    if (!id) id = send_types<T>(writer, messages);
    writer.put_int(*id);
    // A top-level value that is not a struct travels as if it were the only
    // field of a struct: a 0 (its field number) precedes it.
    if constexpr (!kTravelsAsStruct<T>) writer.put_uint(0);
    Codec<T>::encode(writer, value);
    messages.close(writer);
  }

  // Writes the messages for `value` to `stream`; call stream.flush() after.
  template <class T>
  void encode(const T& value, net::BufferedStream& stream) {
    std::vector<std::uint8_t> bytes;
    encode(value, bytes);
    stream.write(bytes.data(), bytes.size());
  }

 private:
  // The messages of one encode() call, appended to one vector: a message's
  // length prefix is filled in when it ends. Their types are `encoder`'s
  // (none for the kept definitions, which hold no value).
  class Messages final : public MessageStream {
   public:
    Messages(std::vector<std::uint8_t>& out, Encoder* encoder)
        : body_(begin_message(out)), encoder_(encoder) {}
    void end_message(WireWriter& out) override {
      close(out);
      body_ = begin_message(out.buffer());
    }
    TypeRegistry& registry() override;
    void close(WireWriter& out) { Encoder::end_message(out.buffer(), body_); }

   private:
    std::size_t body_;
    Encoder* encoder_;
  };

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
      first.id = Codec<T>::define(first.registry, top_level_name<T>());
      append_definitions(first.registry, first.id, first.bytes);
      return first;
    }();
    return cached;
  }

  // A fresh encoder (the tutorial's case, one per GOB command) appends the
  // kept definitions and shares their registry instead of building both
  // anew; returns the id of T then, nothing otherwise.
  template <class T>
  std::optional<TypeId> send_kept_types(std::vector<std::uint8_t>& out) {
    if (shared_registry_ != nullptr || !own_registry_.definitions().empty()) return std::nullopt;
    const FirstDefinitions& first = first_definitions<T>();
    out.insert(out.end(), first.bytes.begin(), first.bytes.end());
    shared_registry_ = &first.registry;
    return first.id;
  }

  // Sends the definitions a value of T needs that were not sent yet;
  // returns the id of T.
  template <class T>
  TypeId send_types(WireWriter& out, MessageStream& messages) {
    TypeRegistry& registry = own_registry();
    TypeId first_new = registry.next_id();
    TypeId id = Codec<T>::define(registry, top_level_name<T>());
    send_new_types(registry, first_new, id, out, messages);
    return id;
  }

  TypeRegistry& own_registry();
  // All the definitions in `registry`, from `root` on, as messages.
  static void append_definitions(const TypeRegistry& registry, TypeId root,
                                 std::vector<std::uint8_t>& out);
  static std::size_t begin_message(std::vector<std::uint8_t>& out);
  static void end_message(std::vector<std::uint8_t>& out, std::size_t body);

  // The types sent so far: shared with first_definitions() until a value
  // needs a type that is not there, then copied into own_registry_.
  const TypeRegistry* shared_registry_ = nullptr;
  TypeRegistry own_registry_;
};

}  // namespace gob
