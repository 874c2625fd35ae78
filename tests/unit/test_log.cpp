// The log: one line, one piece, whatever its length and however many
// threads write at once.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "../../common/log.hpp"

namespace {

// Runs `write_lines` with stderr going into a pipe, and returns what came
// out of the pipe. A thread drains the pipe meanwhile, so that writers block
// on a full pipe and their writes are split, as on a real terminal or pipe.
template <class WriteLines>
std::string captured_stderr(WriteLines&& write_lines) {
  int pipe_ends[2];
  REQUIRE(::pipe(pipe_ends) == 0);
  int saved = ::dup(STDERR_FILENO);
  ::dup2(pipe_ends[1], STDERR_FILENO);
  ::close(pipe_ends[1]);
  std::string received;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t size;
    while ((size = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0) received.append(buffer, size);
  });
  write_lines();
  ::dup2(saved, STDERR_FILENO);  // closes the pipe's last write end: the reader sees its end
  ::close(saved);
  reader.join();
  ::close(pipe_ends[0]);
  return received;
}

}  // namespace

TEST_CASE("log: lines of 100 KiB from eight threads at once never interleave") {
  constexpr int kThreads = 8, kLines = 10;
  constexpr std::size_t kLength = 100 * 1024;  // 25 times PIPE_BUF
  std::string output = captured_stderr([&] {
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([t] {
        std::string text(kLength, static_cast<char>('a' + t));
        for (int i = 0; i < kLines; ++i) logging::write_line("x/test.cpp", 1, text);
      });
    }
    for (std::thread& writer : writers) writer.join();
  });
  int lines = 0;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    REQUIRE(end != std::string::npos);
    std::string line = output.substr(start, end - start);
    REQUIRE(line.starts_with("test.cpp:1: "));
    std::string text = line.substr(12);
    CHECK(text.size() == kLength);
    CHECK(text.find_first_not_of(text[0]) == std::string::npos);  // one writer's bytes only
    ++lines;
    start = end + 1;
  }
  CHECK(lines == kThreads * kLines);
}
