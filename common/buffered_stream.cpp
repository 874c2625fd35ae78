#include "buffered_stream.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "error.hpp"

namespace net {

BufferedStream::BufferedStream(int fd, std::size_t buffer_size)
    : fd_(fd), read_buffer_(new std::uint8_t[buffer_size]), read_capacity_(buffer_size) {}

// ------------------------------------------------------------- reading --

// How long to wait, and how. Go's SetDeadline is absolute: the whole
// message must arrive before it. The two ways a POSIX program bounds a wait:
//
//   poll() with the time left, then recv(): exact, but two system calls for
//   every wait, and on a request-reply connection every read waits.
//   SO_RCVTIMEO, then a plain blocking recv(): one system call, but the
//   timeout is relative and starts over with each recv(), so on its own it
//   bounds only the silence between two bytes. A peer that trickles one
//   byte just before each timeout would hold the connection forever.
//
// Reads take the second, made absolute: before each recv() the socket's
// timeout is checked against the time left (bound_receive_wait), so no
// recv() can sleep past the deadline, and a recv() that times out early
// comes back to find out whether the deadline has really passed. The
// timeout is changed only when it no longer fits the time left, so a steady
// exchange pays no extra system call. Writes rarely wait at all (flush
// tries first), and use poll() when they must (wait_until_writable).

std::chrono::milliseconds BufferedStream::time_left() const {
  // Rounded up: a wait that ends a little late is better than one that ends
  // a fraction of a millisecond early and has to start again.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
  if (left.count() <= 0) throw TimeoutError("deadline passed: the peer is too slow or silent");
  return left;
}

void BufferedStream::bound_receive_wait() {
  std::chrono::milliseconds wanted{0};  // 0: no timeout, as SO_RCVTIMEO spells it
  if (deadline_) {
    std::chrono::milliseconds left = time_left();
    // The timeout already set serves while it ends before the deadline and
    // is not far shorter than the time left (then it would wake us for
    // nothing).
    if (receive_timeout_ <= left && receive_timeout_ * 4 >= left) return;
    // Half the time left, so that it still ends in time for the reads that
    // follow: under one deadline it changes a few times in all (halving),
    // not before every read.
    wanted = std::max(left / 2, std::chrono::milliseconds(1));
  } else if (receive_timeout_.count() == 0) {
    return;  // no deadline, and no timeout of ours on the socket
  }
  timeval timeout{};
  timeout.tv_sec = static_cast<time_t>(wanted.count() / 1000);
  timeout.tv_usec = static_cast<suseconds_t>(wanted.count() % 1000 * 1000);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {
    throw_errno("setsockopt(SO_RCVTIMEO)");
  }
  receive_timeout_ = wanted;
}

void BufferedStream::wait_until_writable() {
  if (const WaitHooks* hooks = wait_hooks()) {
    if (!hooks->wait_for(fd_, true, deadline_)) time_left();  // which throws
    return;
  }
  if (!deadline_) return;  // no deadline: the blocking send itself waits
  while (true) {
    pollfd waiting{fd_, POLLOUT, 0};
    // At most a minute per poll(), so that the count fits an int; the loop
    // goes on polling until the deadline.
    auto wait = std::min(time_left(), std::chrono::milliseconds(60'000));
    int ready = ::poll(&waiting, 1, static_cast<int>(wait.count()));
    if (ready > 0) return;  // writable, or an error send() will report
    if (ready < 0 && errno != EINTR) throw_errno("poll");
  }
}

// One recv() into the read buffer; 0 means end of stream.
// Only called when the buffer has been fully handed out, so it starts over
// at the front and the buffer never grows.
std::size_t BufferedStream::fill() {
  read_pos_ = 0;
  read_end_ = 0;
  if (const WaitHooks* hooks = wait_hooks()) return fill_on_event_loop(*hooks);
  while (true) {
    bound_receive_wait();
    ssize_t received = ::recv(fd_, read_buffer_.get(), read_capacity_, 0);
    if (received >= 0) {
      read_end_ = static_cast<std::size_t>(received);
      return read_end_;
    }
    bool timed_out = (errno == EAGAIN || errno == EWOULDBLOCK) && receive_timeout_.count() > 0;
    // A timed-out recv() goes round again: bound_receive_wait() throws if
    // the deadline has passed, and sets the time that is left if not.
    if (errno != EINTR && !timed_out) throw_errno("recv");
  }
}

// On an event loop: recv() without waiting; when nothing has arrived, the
// loop serves its other connections until this socket is readable or the
// deadline has come. A recv() that returned fewer bytes than it could take
// has emptied the socket (epoll(7) says so for stream sockets), so the
// next fill waits first instead of making a recv() that would only say
// EAGAIN: one system call fewer for each request that finds its connection
// idle. The loop ends the wait at once if bytes came meanwhile.
std::size_t BufferedStream::fill_on_event_loop(const WaitHooks& hooks) {
  while (true) {
    if (socket_drained_ && !hooks.wait_for(fd_, false, deadline_)) time_left();  // which throws
    ssize_t received = ::recv(fd_, read_buffer_.get(), read_capacity_, MSG_DONTWAIT);
    if (received >= 0) {
      read_end_ = static_cast<std::size_t>(received);
      socket_drained_ = received > 0 && read_end_ < read_capacity_;
      return read_end_;
    }
    socket_drained_ = errno == EAGAIN || errno == EWOULDBLOCK;
    if (!socket_drained_ && errno != EINTR) throw_errno("recv");
  }
}

std::optional<std::string> BufferedStream::read_line(std::size_t max_length) {
  std::string line;
  MemoryReservation memory(budget_, kFreeLineBytes, MemoryBudget::Use::ArrivingMessage);
  while (true) {
    const std::uint8_t* start = read_buffer_.get() + read_pos_;
    std::size_t available = read_end_ - read_pos_;
    const void* newline = std::memchr(start, '\n', available);
    std::size_t take = newline ? static_cast<const std::uint8_t*>(newline) - start : available;
    // The overflow rule: the line (newline excluded) may hold max_length
    // bytes; one more and we stop reading, without storing the rest.
    if (line.size() + take > max_length) {
      throw ProtocolError("line longer than " + std::to_string(max_length) + " bytes");
    }
    make_room(line, line.size() + take, max_length, memory);
    line.append(reinterpret_cast<const char*>(start), take);
    read_pos_ += take;
    if (newline) {
      ++read_pos_;  // consume the '\n' itself
      return line;
    }
    if (fill() == 0) {
      if (line.empty()) return std::nullopt;
      throw UnexpectedEndOfStream("connection closed in the middle of a line");
    }
  }
}

// Grows `line` to hold `size` bytes, doubling as std::string would. A line
// that outgrows the free part takes from the budget all that max_length
// allows, at once (memory_budget.hpp says why); waiting for it here, the
// stream reads nothing more from the socket, so TCP slows the sender down.
void BufferedStream::make_room(std::string& line, std::size_t size, std::size_t max_length,
                               MemoryReservation& memory) {
  if (size <= line.capacity()) return;
  std::size_t capacity = std::min(std::max(size, 2 * line.capacity()), max_length);
  if (capacity > memory.covered())
    memory.resize(capacity > kFreeLineBytes ? max_length : capacity, deadline_);
  line.reserve(capacity);
}

void BufferedStream::read_exact(std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    if (read_pos_ == read_end_ && fill() == 0) {
      throw UnexpectedEndOfStream("connection closed with " + std::to_string(size) +
                                  " bytes still expected");
    }
    std::size_t take = std::min(size, read_end_ - read_pos_);
    std::memcpy(data, read_buffer_.get() + read_pos_, take);
    read_pos_ += take;
    data += take;
    size -= take;
  }
}

std::span<const std::uint8_t> BufferedStream::read_some(std::size_t max_size) {
  if (read_pos_ == read_end_ && fill() == 0) {
    throw UnexpectedEndOfStream("connection closed in the middle of a message");
  }
  std::size_t take = std::min(max_size, read_end_ - read_pos_);
  std::span<const std::uint8_t> piece(read_buffer_.get() + read_pos_, take);
  read_pos_ += take;
  return piece;
}

std::optional<std::uint8_t> BufferedStream::read_byte() {
  if (read_pos_ == read_end_ && fill() == 0) return std::nullopt;
  return read_buffer_[read_pos_++];
}

// ------------------------------------------------------------- writing --

void BufferedStream::write(std::string_view text) {
  write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void BufferedStream::write(const std::uint8_t* data, std::size_t size) {
  throw_if_write_failed();
  write_buffer_.insert(write_buffer_.end(), data, data + size);
  // Like bufio.Writer, send on our own once the buffer is full, so that a
  // big message does not sit in memory twice.
  if (write_buffer_.size() >= read_capacity_ * 8) flush();
}

// The first failure of a send sticks, whatever it was.
void BufferedStream::throw_if_write_failed() const {
  if (write_timed_out_) throw TimeoutError("deadline passed earlier: the peer stopped reading");
  if (write_error_ != 0) {
    throw std::system_error(write_error_, std::generic_category(), "send (earlier failure)");
  }
}

void BufferedStream::flush() {
  throw_if_write_failed();
  std::size_t sent_total = 0;
  try {
    send_buffer(sent_total);
  } catch (const TimeoutError&) {
    // What was sent is gone from the buffer, so nothing can reach the peer
    // twice, and the failure sticks: the stream is mid-message and cannot
    // be trusted with more.
    write_buffer_.erase(write_buffer_.begin(), write_buffer_.begin() + sent_total);
    write_timed_out_ = true;
    throw;
  } catch (const std::system_error&) {
    write_buffer_.erase(write_buffer_.begin(), write_buffer_.begin() + sent_total);
    throw;
  }
  write_buffer_.clear();
}

// Sends the whole write buffer, counting in `sent_total` what has gone, so
// that flush() knows it when a send or the deadline fails.
void BufferedStream::send_buffer(std::size_t& sent_total) {
  while (sent_total < write_buffer_.size()) {
    // MSG_NOSIGNAL: a peer that has gone away makes send() fail with EPIPE
    // instead of killing the whole process with SIGPIPE. MSG_DONTWAIT: the
    // send buffer almost always has room, so try first and wait (for the
    // deadline) only when it is full; a poll() before every send would cost
    // a system call per reply for nothing.
    ssize_t sent = ::send(fd_, write_buffer_.data() + sent_total, write_buffer_.size() - sent_total,
                          MSG_NOSIGNAL | (deadline_ || wait_hooks() ? MSG_DONTWAIT : 0));
    if (sent >= 0) {
      sent_total += static_cast<std::size_t>(sent);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_until_writable();
    } else if (errno != EINTR) {
      write_error_ = errno;
      throw_errno("send");
    }
  }
}

}  // namespace net
