// Log lines that say where they come from, like Go's log.Lshortfile:
//
//   endpoint.cpp:87: Listen on [::]:61000
//
// Each line is formatted in full first and then handed to the kernel in one
// write(2) call, under a lock that one line holds until all of it is
// written, so lines from different connection threads never interleave,
// however long, and nothing is buffered that a crash could lose. What a
// peer sent is never logged raw: excerpt() and shown_in_log() (endpoint.hpp)
// and go_syntax_cut() (go_syntax.hpp) escape and cut it.
#pragma once

#include <sstream>
#include <string>

namespace logging {

// --quiet: hide the per-message lines (LOG_VERBOSE), keep the rest.
void set_quiet(bool quiet);
bool is_quiet();

// Writes "file:line: message\n" to standard error in one write.
void write_line(const char* file, int line, const std::string& message);

// Streams every argument into one string: concat("port ", 61000) == "port 61000".
template <class... Args>
std::string concat(const Args&... args) {
  std::ostringstream text;
  (text << ... << args);
  return text.str();
}

}  // namespace logging

// Always printed: start-up, errors, closed connections.
#define LOG(...) ::logging::write_line(__FILE__, __LINE__, ::logging::concat(__VA_ARGS__))

// Printed unless --quiet: one line per command, as the tutorial logs.
#define LOG_VERBOSE(...)                          \
  do {                                            \
    if (!::logging::is_quiet()) LOG(__VA_ARGS__); \
  } while (0)
