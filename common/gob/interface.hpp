// gob::Interface: Go's interface{} (any), a value of any registered type.
//
// On the wire an interface value is its concrete type's name, then that
// type's id and the value as a byte block ("Interface types" in
// `go doc encoding/gob`):
//
//   name      a string: the name the type was registered under ("" for nil)
//   type id   after the type's definition, the first time the type travels
//             on the stream: Go ends the message there, mid-value, and goes
//             on in the next (Decoder::read_type_sequence reads it back)
//   value     a count, then the value as a top-level value (a non-struct
//             with its field number 0 first)
//
// Both ends must know the names: Go's gob.Register(circle{}) is
// gob::register_type<Circle>() here, which names a struct "main." and its
// gob_name, as Go names a type of package main ("main.circle"). Go's basic
// types, and slices of them, are registered from the start under Go's names,
// as gob's registerBasics does: std::int64_t is "int", std::int32_t
// "int32", std::string "string", std::vector<double> "[]float64". A value
// received under one of Go's other names for a C++ type ("int64", "uint64",
// "uintptr") keeps that name and is sent back under it.
//
//   gob::Interface shape = Circle{2.5};     // main.circle{R:2.5}
//   gob::Interface count = std::int64_t{3}; // Go's int 3 (a C++ int is int32)
//   if (const Circle* circle = shape.get<Circle>()) ...
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>

#include "../go_syntax.hpp"
#include "codec.hpp"

namespace gob {

// What an interface can hold of a value without knowing its type.
class HeldValue {
 public:
  virtual ~HeldValue() = default;
  // What it points to in the end (T itself if no pointer): Go names a
  // concrete type by that, so a *point travels as a "main.point".
  virtual std::type_index base_type() const = 0;
  virtual std::string go_name() const = 0;
  virtual TypeId define(TypeRegistry& registry) const = 0;
  virtual bool is_nil_pointer() const = 0;
  // The value as a top-level value: its field number 0 first unless it is a struct.
  virtual void encode(WireWriter& out) const = 0;
  virtual void decode(ValueDecoder& in, TypeId wire) = 0;
  virtual void append_go_syntax(std::string& out) const = 0;
  // The name it travels under, when it is not the first registered for
  // its type (a value received as Go's "int64" is sent back as one).
  std::string name;
};

template <class T>
class Held final : public HeldValue {
 public:
  explicit Held(T held) : value(std::move(held)) {}
  std::type_index base_type() const override { return typeid(PointerBaseOf<T>); }
  std::string go_name() const override { return Codec<T>::go_name(); }
  TypeId define(TypeRegistry& registry) const override {
    return Codec<T>::define(registry, top_level_name<T>());
  }
  bool is_nil_pointer() const override {
    if constexpr (requires { value == nullptr; }) {
      return value == nullptr;
    } else {
      return false;
    }
  }
  void encode(WireWriter& out) const override {
    if constexpr (!kTravelsAsStruct<T>) out.put_uint(0);
    Codec<T>::encode(out, value);
  }
  void decode(ValueDecoder& in, TypeId wire) override {
    if constexpr (!kTravelsAsStruct<T>) in.expect_singleton_marker();
    Codec<T>::decode(in, wire, value);
  }
  void append_go_syntax(std::string& out) const override { GoSyntax<T>::append_value(out, value); }

  T value;
};

// A registered type: its name, the type its name stands for, and how to
// make an empty value of it to decode into.
struct ConcreteType {
  std::string name;
  std::type_index base;  // HeldValue::base_type
  std::size_t size;      // what one costs in memory, charged before it is made
  std::unique_ptr<HeldValue> (*make)();
};

// Adds `type` to the registry of names (Go's RegisterName). Throws
// std::logic_error when the name is taken by another type, or the type
// has another name, as Go panics.
void register_concrete_type(ConcreteType type);
// The registered type of `name`, or of a base type; nullptr if none.
const ConcreteType* find_concrete_type(std::string_view name);
const ConcreteType* find_concrete_type(std::type_index base);

template <class T>
ConcreteType concrete_type_of(std::string name) {
  return {std::move(name), typeid(PointerBaseOf<T>), sizeof(Held<T>),
          [] { return std::unique_ptr<HeldValue>(std::make_unique<Held<T>>(T{})); }};
}

// Go's gob.Register: values of T can travel in a gob::Interface, under
// Go's name for T ("main.circle", "[]int32", "*main.node", "time.Time"),
// or under `name` (Go's gob.RegisterName). Register the same types on both
// ends, before the first value travels; registering again is harmless.
// As in Go, a name stands for a type and the pointers to it: registered
// as std::unique_ptr<Node>, a Node travels as "*main.node" and arrives as
// a std::unique_ptr<Node>; registered as Point, a std::unique_ptr<Point>
// travels as "main.point" and arrives as a Point. Register one of the two.
template <class T>
void register_type(std::string name = Codec<T>::go_name()) {
  register_concrete_type(concrete_type_of<T>(std::move(name)));
}

// register_type<T> when the program starts, as a Go program calls
// gob.Register in an init function. At namespace scope in a .cpp file that
// both programs link (complex_data.cpp, say):
//   const gob::Registered<Circle> circle_registered;
template <class T>
struct Registered {
  explicit Registered(std::string name = Codec<T>::go_name()) { register_type<T>(std::move(name)); }
};

class Interface {
 public:
  Interface() = default;  // nil
  template <class T>
  requires(!std::same_as<std::remove_cvref_t<T>, Interface>) && requires { Codec<T>::go_name(); }
  Interface(T value) : held_(std::make_unique<Held<T>>(std::move(value))) {}
  Interface(const char* text) : Interface(std::string(text)) {}
  // A value that travels under `name`, one of the names registered for its type.
  template <class T>
  static Interface named(std::string name, T value) {
    Interface made(std::move(value));
    made.held_->name = std::move(name);
    return made;
  }

  // Moved, not copied, as the std::unique_ptr it is made of (and that the
  // value it holds may contain).
  Interface(Interface&&) noexcept = default;
  Interface& operator=(Interface&&) noexcept = default;

  bool has_value() const { return held_ != nullptr; }
  // The value, if it is a T; nullptr otherwise (as Go's v.(T) with ok).
  template <class T>
  const T* get() const {
    auto* held = dynamic_cast<const Held<T>*>(held_.get());
    return held ? &held->value : nullptr;
  }
  template <class T>
  T* get() {
    auto* held = dynamic_cast<Held<T>*>(held_.get());
    return held ? &held->value : nullptr;
  }
  // The name it travels under: the registered one, "" for nil. Throws
  // std::invalid_argument for a type not registered.
  std::string type_name() const;
  const HeldValue* held() const { return held_.get(); }
  // For the decoder: the value to decode a `type` into.
  HeldValue& make(const ConcreteType& type);

 private:
  std::unique_ptr<HeldValue> held_;
};

template <>
struct Codec<Interface> {
  static std::string go_name() { return "interface {}"; }
  static TypeId define(TypeRegistry&, std::string_view = {}) { return type_ids::kInterface; }
  // A nil interface is left out of a struct; any other is sent, even one
  // holding a zero value (encOpFor's reflect.Interface case, encode.go).
  static bool is_zero(const Interface& value) { return !value.has_value(); }
  static void encode(WireWriter& out, const Interface& value);
  static void decode(ValueDecoder& in, TypeId wire, Interface& value);
};

}  // namespace gob

// interface {}(nil), or the value as %#v writes it inside another: 3,
// "text", main.circle{R:2.5}.
template <>
struct GoSyntax<gob::Interface> {
  static constexpr bool composite = false;
  static void append_type(std::string& out) { out += "interface {}"; }
  static void append_value(std::string& out, const gob::Interface& value) {
    if (!value.has_value()) {
      out += "interface {}(nil)";
      return;
    }
    value.held()->append_go_syntax(out);
  }
};
