// The tutorial's client() (section "The client and server functions"):
// dial the server, send a STRING request and print the answer, then send
// the sample struct as a GOB request.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "../../common/buffered_stream.hpp"

namespace client {

struct ClientOptions {
  std::string host;
  std::uint16_t port = 61000;
  std::chrono::milliseconds timeout{10'000};  // the dial, and each reply
};

// Runs the whole exchange; throws on any failure, with context.
void run_client(const ClientOptions& options);

// The steps, one function each, in the order the exchange uses them.
void send_string_request(net::BufferedStream& stream, const std::string& text);
std::string read_reply(net::BufferedStream& stream);
void send_gob_request(net::BufferedStream& stream);

}  // namespace client
