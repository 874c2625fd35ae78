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

// The value of a flag that takes one: "--port=7" carries it inline; for
// "--port 7" it is argv[index + 1], and `index` moves past it. Throws
// std::invalid_argument when there is none.
std::string take_value(const Flag& flag, int argc, char** argv, int& index);

// A whole number within [minimum, maximum]; throws std::invalid_argument
// naming the flag otherwise.
std::uint64_t parse_number(const std::string& flag, const std::string& text, std::uint64_t minimum,
                           std::uint64_t maximum);

}  // namespace flags
