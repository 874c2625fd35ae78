// BufferedStream: the counterpart of Go's bufio.ReadWriter over a socket
// (tutorial: "connections are io streams"). It reads from the kernel in big
// chunks and hands them out as lines or exact byte counts; it collects
// writes and sends them in one go when flush() is called.
//
// Its guarantees, in the names of its functions:
//   read_line   a whole line, or end of stream before its first byte, or an
//               error; never more than max_length bytes held for one line
//   read_exact  exactly n bytes, or an error (end of stream midway included)
//   write       appends to the write buffer; nothing is sent yet
//   flush       everything written so far is handed to the kernel, or an error
// Short reads and writes are continued and EINTR is retried inside; callers
// never see them. Errors stick: after a failed send, every later write or
// flush fails the same way (as bufio.Writer does), and a flush that meets
// its deadline counts as failed: what it sent is dropped from the buffer,
// never sent twice.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memory_budget.hpp"
#include "wait_hooks.hpp"

namespace net {

class BufferedStream {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads and writes `fd`, which it does not own: the Socket does.
  explicit BufferedStream(int fd, std::size_t buffer_size = 8192);

  BufferedStream(const BufferedStream&) = delete;
  BufferedStream& operator=(const BufferedStream&) = delete;

  // The bytes up to the next '\n', without it ('\r' is kept: trimming is the
  // protocol's business). std::nullopt when the peer closed the connection
  // before sending a byte of this line. Throws ProtocolError when more than
  // max_length bytes arrive without a newline, UnexpectedEndOfStream when
  // the connection closes in the middle of a line.
  std::optional<std::string> read_line(std::size_t max_length);

  // Fills `data` with exactly `size` bytes; throws UnexpectedEndOfStream if
  // the peer closes first.
  void read_exact(std::uint8_t* data, std::size_t size);

  // The next byte, or std::nullopt at end of stream.
  std::optional<std::uint8_t> read_byte();

  // Up to `max_size` bytes: those already received, or, when there are
  // none, what one read from the kernel brings. The view is valid until the
  // next call. Throws UnexpectedEndOfStream at end of stream. For callers
  // that must not allocate for bytes that have not arrived (gob::Decoder).
  std::span<const std::uint8_t> read_some(std::size_t max_size);

  // Bytes received and not yet handed out.
  std::size_t buffered() const { return read_end_ - read_pos_; }

  void write(std::string_view text);
  void write(const std::uint8_t* data, std::size_t size);
  void flush();

  // A point in time after which any read or write that would wait throws
  // TimeoutError (Go's SetDeadline). Like Go's, it is absolute: it does not
  // move forward by itself when bytes arrive. std::nullopt: wait forever.
  void set_deadline(std::optional<Clock::time_point> deadline) { deadline_ = deadline; }
  std::optional<Clock::time_point> deadline() const { return deadline_; }

  // Where a line longer than kFreeLineBytes takes its memory from while it
  // arrives (the server's --max-memory); nullptr: nowhere, it just grows.
  // The budget must outlive the stream.
  void set_memory_budget(MemoryBudget* budget) { budget_ = budget; }
  static constexpr std::size_t kFreeLineBytes = 8192;

 private:
  std::size_t fill();
  std::size_t fill_on_event_loop(const WaitHooks& hooks);
  void make_room(std::string& line, std::size_t size, std::size_t max_length,
                 MemoryReservation& memory);
  void bound_receive_wait();
  void wait_until_writable();
  void throw_if_write_failed() const;
  void send_buffer(std::size_t& sent_total);
  std::chrono::milliseconds time_left() const;  // throws TimeoutError at 0

  int fd_;
  // Not a std::vector: a vector zero-fills its bytes, which makes the kernel
  // back every page of every idle connection's buffer with memory. Left
  // uninitialised, a page costs memory only once received bytes land in it.
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  std::size_t read_capacity_;
  std::size_t read_pos_ = 0;  // next byte to hand out
  std::size_t read_end_ = 0;  // one past the last byte received
  // On an event loop: the last recv() emptied the socket (fill_on_event_loop).
  bool socket_drained_ = false;
  std::vector<std::uint8_t> write_buffer_;
  int write_error_ = 0;           // errno of the first failed send; sticky
  bool write_timed_out_ = false;  // a flush met its deadline; sticky too
  std::optional<Clock::time_point> deadline_;
  MemoryBudget* budget_ = nullptr;
  // What SO_RCVTIMEO is set to on the socket (0: none), so that it is set
  // again only when it must change.
  std::chrono::milliseconds receive_timeout_{0};
};

}  // namespace net
