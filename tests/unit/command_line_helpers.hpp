// What the command-line tests need: an argv to hand to parse_options, and
// what getopt_long_only printed on stderr.
#pragma once

#include <doctest/doctest.h>

#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../common/flags.hpp"

namespace test {

// A mutable argv, as main gets it: getopt_long_only permutes the pointers,
// so a string literal array would not do. argv()[argc()] is nullptr.
class Argv {
 public:
  Argv(std::initializer_list<const char*> words);
  Argv(const Argv&) = delete;  // pointers_ points into words_
  Argv& operator=(const Argv&) = delete;

  int argc() const { return static_cast<int>(words_.size()); }
  char** argv() { return pointers_.data(); }
  // The words in the order argv has them now (after getopt's permuting).
  std::vector<std::string> order() const;

 private:
  std::vector<std::string> words_;
  std::vector<char*> pointers_;
};

// While it lives, file descriptor 2 goes to a temporary file, so a test can
// read what glibc's getopt printed there ("./client: unrecognized option
// '--bogus'"); the destructor puts the real stderr back.
class StderrCapture {
 public:
  StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  ~StderrCapture();

  // Everything written to stderr since the capture began.
  std::string text() const;

 private:
  std::FILE* file_;
  int saved_stderr_;
};

using Words = std::initializer_list<const char*>;

// What getopt_long_only printed when `parse` refused `words`; fails the
// test if it did not refuse them. `parse` is a program's parse_options
// taking the words: [](test::Words words) { ... }.
template <class Parse>
std::string getopt_message(Parse parse, Words words) {
  StderrCapture stderr_text;
  CHECK_THROWS_AS(parse(words), flags::ReportedUsageError);
  return stderr_text.text();
}

// The message of the program's own usage error, when getopt accepted the
// options: "(getopt refused it)" or "(accepted)" otherwise.
template <class Parse>
std::string usage_error(Parse parse, Words words) {
  try {
    parse(words);
  } catch (const flags::ReportedUsageError&) {
    return "(getopt refused it)";
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(accepted)";
}

}  // namespace test
