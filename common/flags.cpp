#include "flags.hpp"

#include <algorithm>
#include <stdexcept>

namespace flags {

std::optional<Flag> parse_flag(const std::string& argument) {
  if (argument.size() < 2 || argument[0] != '-') return std::nullopt;
  std::size_t start = argument[1] == '-' ? 2 : 1;
  std::string body = argument.substr(start);
  std::size_t equals = body.find('=');
  if (equals == std::string::npos) return Flag{body, std::nullopt};
  return Flag{body.substr(0, equals), body.substr(equals + 1)};
}

std::string take_value(const Flag& flag, int argc, char** argv, int& index) {
  if (flag.inline_value) return *flag.inline_value;
  if (index + 1 < argc) return argv[++index];
  throw std::invalid_argument("--" + flag.name + " needs a value");
}

std::uint64_t parse_number(const std::string& flag, const std::string& text, std::uint64_t minimum,
                           std::uint64_t maximum) {
  // Digits only: std::stoull alone would also take " 80", "+80" and "-1"
  // (the last one wrapping round to a huge number).
  bool all_digits =
      !text.empty() && text.size() <= 19 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::uint64_t value = all_digits ? std::stoull(text) : 0;
  if (!all_digits || value < minimum || value > maximum) {
    throw std::invalid_argument("--" + flag + " wants a whole number from " +
                                std::to_string(minimum) + " to " + std::to_string(maximum) +
                                ", not '" + text + "'");
  }
  return value;
}

}  // namespace flags
