#include "log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace logging {
namespace {

std::atomic<bool> quiet_flag{false};

// "server/endpoint.cpp" -> "endpoint.cpp", as Lshortfile shows it.
const char* short_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash == nullptr ? path : slash + 1;
}

}  // namespace

void set_quiet(bool quiet) {
  quiet_flag.store(quiet, std::memory_order_relaxed);
}

bool is_quiet() {
  return quiet_flag.load(std::memory_order_relaxed);
}

void write_line(const char* file, int line, const std::string& message) {
  std::string text = concat(short_name(file), ':', line, ": ", message, '\n');
  // One write for the whole line. A short write (a full pipe, a signal)
  // continues where it stopped; a failing stderr is ignored, since there is
  // nowhere left to report it. write(2) to a pipe is atomic only up to
  // PIPE_BUF (4096 bytes), and a continued write is a second write, so the
  // lock is what keeps another thread's line out of the middle of this one.
  static std::mutex one_line_at_a_time;
  std::lock_guard lock(one_line_at_a_time);
  const char* next = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, next, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    next += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace logging
