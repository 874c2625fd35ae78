// Small helpers for the command lines of ./server and ./client. Both accept
// "--name value", "--name=value" and Go's single-dash "-name value".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flags {

// Splits argv into the flag name ("port" for "--port" or "-port=7") and its
// inline value if it had one; std::nullopt for a plain argument.
struct Flag {
  std::string name;
  std::optional<std::string> inline_value;
};
std::optional<Flag> parse_flag(const std::string& argument);

// A whole number within [minimum, maximum]; throws std::invalid_argument
// naming the flag otherwise.
std::uint64_t parse_number(const std::string& flag, const std::string& text, std::uint64_t minimum,
                           std::uint64_t maximum);

}  // namespace flags
