#include "flags.hpp"

#include <getopt.h>

#include <algorithm>
#include <iostream>

namespace flags {

void start_parsing() {
  optind = 0;
  opterr = 1;
}

ReportedUsageError::ReportedUsageError()
    : std::invalid_argument("getopt_long_only refused an option (its message is above)") {}

void print_usage_error(const char* program, const std::invalid_argument& error,
                       std::string_view hint) {
  if (dynamic_cast<const ReportedUsageError*>(&error) == nullptr) {
    std::cerr << program << ": " << error.what() << "\n";
  }
  std::cerr << hint << "\n";
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
