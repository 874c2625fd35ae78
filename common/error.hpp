// Errors that carry context: the C++ counterpart of Go's errors.Wrap.
//
// Low-level code throws; code one level up adds what it was doing by
// rethrowing with std::throw_with_nested inside its catch block; the edge of
// a connection (or main) catches std::exception and prints the whole chain
// with describe(): "reading the GOB message: gob: message of 5000000 bytes
// exceeds the limit of 1048576 (--max-message)".
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace net {

// The peer sent something we refuse: a malformed message, an over-long line,
// a limit exceeded. The connection is at fault, not this program.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The peer closed the connection in the middle of something (a line, a
// message). A close between commands is not an error and is not thrown.
class UnexpectedEndOfStream : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

// A read or write deadline passed (see BufferedStream::set_deadline).
class TimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws std::system_error for the current errno, prefixed with what failed:
// throw_errno("connect to [::1]:61000").
[[noreturn]] void throw_errno(const std::string& what);

// Call inside a catch block: throws a std::runtime_error(context) with the
// exception being handled nested inside it (errors.Wrap).
[[noreturn]] void rethrow_with_context(const std::string& context);

// The whole chain, outermost first, joined with ": ".
std::string describe(const std::exception& error);

// True when `error`, or any exception nested inside it, is of type T.
template <class T>
bool chain_contains(const std::exception& error) {
  if (dynamic_cast<const T*>(&error) != nullptr) return true;
  try {
    std::rethrow_if_nested(error);
  } catch (const std::exception& inner) {
    return chain_contains<T>(inner);
  } catch (...) {
  }
  return false;
}

}  // namespace net
