#include "command_line_helpers.hpp"

#include <unistd.h>

#include <iostream>

#include "../../common/error.hpp"

namespace test {

Argv::Argv(std::initializer_list<const char*> words) : words_(words.begin(), words.end()) {
  // Only now that words_ is complete: its strings no longer move.
  for (std::string& word : words_) pointers_.push_back(word.data());
  pointers_.push_back(nullptr);
}

std::vector<std::string> Argv::order() const {
  return std::vector<std::string>(pointers_.begin(), pointers_.end() - 1);
}

StderrCapture::StderrCapture() : file_(std::tmpfile()) {
  if (file_ == nullptr) net::throw_errno("tmpfile");
  std::cerr.flush();
  std::fflush(stderr);
  saved_stderr_ = ::dup(STDERR_FILENO);
  if (saved_stderr_ < 0) net::throw_errno("dup");
  if (::dup2(::fileno(file_), STDERR_FILENO) < 0) net::throw_errno("dup2");
}

StderrCapture::~StderrCapture() {
  std::cerr.flush();
  std::fflush(stderr);
  ::dup2(saved_stderr_, STDERR_FILENO);
  ::close(saved_stderr_);
  std::fclose(file_);
}

std::string StderrCapture::text() const {
  std::cerr.flush();
  std::fflush(stderr);
  std::string text;
  char buffer[4096];
  off_t offset = 0;
  for (;;) {
    ssize_t got = ::pread(::fileno(file_), buffer, sizeof buffer, offset);
    if (got < 0) net::throw_errno("pread");
    if (got == 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
    offset += got;
  }
}

}  // namespace test
