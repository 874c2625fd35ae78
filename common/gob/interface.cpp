#include "interface.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "../error.hpp"

namespace gob {

namespace {

// Go's registerBasics (encoding/gob/type.go) registers these under Go's
// names. C++ has one type where Go has two (Go's int and int64 are both
// std::int64_t here), so the second name is an alias: received under it, a
// value keeps it.
void register_basics(std::vector<ConcreteType>& types, std::vector<ConcreteType>& aliases) {
  types.push_back(concrete_type_of<std::int64_t>("int"));
  types.push_back(concrete_type_of<std::int8_t>("int8"));
  types.push_back(concrete_type_of<std::int16_t>("int16"));
  types.push_back(concrete_type_of<std::int32_t>("int32"));
  aliases.push_back(concrete_type_of<std::int64_t>("int64"));
  types.push_back(concrete_type_of<std::uint64_t>("uint"));
  types.push_back(concrete_type_of<std::uint8_t>("uint8"));
  types.push_back(concrete_type_of<std::uint16_t>("uint16"));
  types.push_back(concrete_type_of<std::uint32_t>("uint32"));
  aliases.push_back(concrete_type_of<std::uint64_t>("uint64"));
  aliases.push_back(concrete_type_of<std::uint64_t>("uintptr"));
  types.push_back(concrete_type_of<float>("float32"));
  types.push_back(concrete_type_of<double>("float64"));
  types.push_back(concrete_type_of<std::complex<float>>("complex64"));
  types.push_back(concrete_type_of<std::complex<double>>("complex128"));
  types.push_back(concrete_type_of<bool>("bool"));
  types.push_back(concrete_type_of<std::string>("string"));
  types.push_back(concrete_type_of<std::vector<std::uint8_t>>("[]uint8"));
  types.push_back(concrete_type_of<std::vector<std::int64_t>>("[]int"));
  types.push_back(concrete_type_of<std::vector<std::int8_t>>("[]int8"));
  types.push_back(concrete_type_of<std::vector<std::int16_t>>("[]int16"));
  types.push_back(concrete_type_of<std::vector<std::int32_t>>("[]int32"));
  aliases.push_back(concrete_type_of<std::vector<std::int64_t>>("[]int64"));
  types.push_back(concrete_type_of<std::vector<std::uint64_t>>("[]uint"));
  types.push_back(concrete_type_of<std::vector<std::uint16_t>>("[]uint16"));
  types.push_back(concrete_type_of<std::vector<std::uint32_t>>("[]uint32"));
  aliases.push_back(concrete_type_of<std::vector<std::uint64_t>>("[]uint64"));
  aliases.push_back(concrete_type_of<std::vector<std::uint64_t>>("[]uintptr"));
  types.push_back(concrete_type_of<std::vector<float>>("[]float32"));
  types.push_back(concrete_type_of<std::vector<double>>("[]float64"));
  types.push_back(concrete_type_of<std::vector<std::complex<float>>>("[]complex64"));
  types.push_back(concrete_type_of<std::vector<std::complex<double>>>("[]complex128"));
  types.push_back(concrete_type_of<std::vector<bool>>("[]bool"));
  types.push_back(concrete_type_of<std::vector<std::string>>("[]string"));
}

// The names both ways, as Go's nameToConcreteType and concreteTypeToName.
// Registration happens at start-up; lookups happen on every connection's
// thread, so they share the lock.
class ConcreteTypes {
 public:
  ConcreteTypes() {
    std::vector<ConcreteType> types, aliases;
    register_basics(types, aliases);
    for (ConcreteType& type : types) add(std::move(type));
    for (ConcreteType& alias : aliases) {
      std::string name = alias.name;
      by_name_.emplace(std::move(name), std::move(alias));
    }
  }

  void add(ConcreteType type) {
    std::unique_lock lock(mutex_);
    auto same_name = by_name_.find(type.name);
    auto same_type = by_type_.find(type.base);
    if (same_name != by_name_.end() && same_name->second.base != type.base) {
      throw std::logic_error("gob: registering duplicate types for \"" + type.name + "\"");
    }
    if (same_type != by_type_.end() && same_type->second->name != type.name) {
      throw std::logic_error("gob: registering \"" + type.name +
                             "\" for a type registered already as \"" + same_type->second->name +
                             "\"");
    }
    if (same_name != by_name_.end()) return;  // registered again: harmless, as in Go
    std::string name = type.name;
    std::type_index index = type.base;
    const ConcreteType& added = by_name_.emplace(std::move(name), std::move(type)).first->second;
    by_type_.emplace(index, &added);
  }

  const ConcreteType* find(std::string_view name) const {
    std::shared_lock lock(mutex_);
    auto found = by_name_.find(name);
    return found == by_name_.end() ? nullptr : &found->second;
  }

  const ConcreteType* find(std::type_index type) const {
    std::shared_lock lock(mutex_);
    auto found = by_type_.find(type);
    return found == by_type_.end() ? nullptr : found->second;
  }

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, ConcreteType, std::less<>> by_name_;          // nodes stay put
  std::unordered_map<std::type_index, const ConcreteType*> by_type_;  // by base type
};

ConcreteTypes& concrete_types() {
  static ConcreteTypes types;
  return types;
}

// The messages of an interface's value, written into the message that
// holds it: Go encodes the value into a buffer of its own, and where a
// definition ends a message inside it, the bytes so far become a
// length-prefixed block of the holder's message (encodeInterface's
// pushWriter in encoding/gob/encode.go).
class NestedMessages final : public MessageStream {
 public:
  NestedMessages(WireWriter& holder, MessageStream& holder_stream)
      : holder_(holder), holder_stream_(holder_stream) {}
  void end_message(WireWriter& out) override {
    holder_.put_bytes(out.buffer());
    out.buffer().clear();
  }
  TypeRegistry& registry() override { return holder_stream_.registry(); }

 private:
  WireWriter& holder_;
  MessageStream& holder_stream_;
};

constexpr std::size_t kMaxNameSize = 1024;  // as Go's decodeInterface

}  // namespace

void register_concrete_type(ConcreteType type) {
  concrete_types().add(std::move(type));
}

const ConcreteType* find_concrete_type(std::string_view name) {
  return concrete_types().find(name);
}

const ConcreteType* find_concrete_type(std::type_index base) {
  return concrete_types().find(base);
}

std::string Interface::type_name() const {
  if (!held_) return "";
  if (!held_->name.empty()) {
    const ConcreteType* named = find_concrete_type(held_->name);
    if (named == nullptr || named->base != held_->base_type()) {
      throw std::invalid_argument("gob: \"" + held_->name + "\" is not a name registered for " +
                                  held_->go_name());
    }
    return held_->name;
  }
  const ConcreteType* type = find_concrete_type(held_->base_type());
  if (type == nullptr) {
    throw std::invalid_argument("gob: type not registered for interface: " + held_->go_name() +
                                " (register it first with gob::register_type, as Go's "
                                "gob.Register)");
  }
  return type->name;
}

HeldValue& Interface::make(const ConcreteType& type) {
  held_ = type.make();
  held_->name = type.name;
  return *held_;
}

// name, then (definitions and) the type id, then the value as a block.
void Codec<Interface>::encode(WireWriter& out, const Interface& value) {
  const HeldValue* held = value.held();
  if (held == nullptr) {  // nil: an empty name and nothing else
    out.put_uint(0);
    return;
  }
  if (held->is_nil_pointer()) {
    throw std::invalid_argument("gob: cannot encode nil pointer of type " + held->go_name() +
                                " inside interface");
  }
  MessageStream* stream = out.stream();
  if (stream == nullptr) {
    throw std::logic_error("gob: an interface value is encoded only by a gob::Encoder");
  }
  out.put_string(value.type_name());
  TypeRegistry& registry = stream->registry();
  TypeId first_new = registry.next_id();
  TypeId id = held->define(registry);
  send_new_types(registry, first_new, id, out, *stream);
  out.put_int(id);
  std::vector<std::uint8_t> data;
  NestedMessages nested(out, *stream);
  WireWriter data_out(data, &nested);
  held->encode(data_out);
  out.put_bytes(data);
}

void Codec<Interface>::decode(ValueDecoder& in, TypeId wire, Interface& value) {
  in.expect_basic(wire, type_ids::kInterface, go_name());
  std::string_view name = in.bytes().get_string_view();
  if (name.empty()) {
    value = Interface();
    return;
  }
  if (name.size() > kMaxNameSize) {
    throw net::ProtocolError("gob: interface type name of " + std::to_string(name.size()) +
                             " bytes (at most " + std::to_string(kMaxNameSize) + ")");
  }
  const ConcreteType* type = find_concrete_type(name);
  if (type == nullptr) {
    throw net::ProtocolError("gob: name not registered for interface: " + go_quote(name) +
                             " (register the type under that name, as the sender did)");
  }
  TypeId id = in.read_interface_type();
  in.bytes().get_uint();  // the value's byte count, for skipping; Go ignores it too
  in.charge(type->size);
  in.enter();
  value.make(*type).decode(in, id);
  in.leave();
}

}  // namespace gob
