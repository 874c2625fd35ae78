#include "error.hpp"

#include <cerrno>
#include <system_error>

namespace net {

void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void rethrow_with_context(const std::string& context) {
  std::throw_with_nested(std::runtime_error(context));
}

std::string describe(const std::exception& error) {
  std::string text = error.what();
  try {
    std::rethrow_if_nested(error);
  } catch (const std::exception& inner) {
    text += ": " + describe(inner);
  } catch (...) {
    text += ": (unknown error)";
  }
  return text;
}

}  // namespace net
