#include "client.hpp"

#include "../../common/complex_data.hpp"
#include "../../common/error.hpp"
#include "../../common/gob/encoder.hpp"
#include "../../common/log.hpp"
#include "../../common/socket.hpp"

namespace client {

namespace {

// A reply line is short ("Thank you."); anything longer is not our server.
constexpr std::size_t kMaxReply = 64 * 1024;

}  // namespace

void send_string_request(net::BufferedStream& stream, const std::string& text) {
  LOG("Send the string request.");
  stream.write("STRING\n");
  stream.write(text + "\n");
  LOG("Flush the buffer.");
  stream.flush();
}

std::string read_reply(net::BufferedStream& stream) {
  LOG("Read the reply.");
  std::optional<std::string> reply = stream.read_line(kMaxReply);
  if (!reply) throw net::UnexpectedEndOfStream("the server closed the connection without a reply");
  // Our server answers a request it refuses with "ERR <reason>".
  if (reply->rfind("ERR ", 0) == 0) throw std::runtime_error("the server refused: " + *reply);
  return *reply;
}

void send_gob_request(net::BufferedStream& stream) {
  ComplexData sample = make_tutorial_sample();
  LOG("Send a struct as GOB:");
  LOG("Outer complexData struct: \n", format_go_syntax(sample));
  LOG("Inner complexData struct: \n", format_go_syntax(sample.c.get()));
  stream.write("GOB\n");
  // A fresh encoder, as the tutorial makes one per GOB command: the type
  // definitions travel with the value.
  gob::Encoder encoder;
  encoder.encode(sample, stream);
  stream.flush();
}

void run_client(const ClientOptions& options) {
  std::string address = options.host + " port " + std::to_string(options.port);
  LOG("Dial ", address);
  net::Socket socket;
  try {
    socket = net::connect_to(options.host, options.port, options.timeout);
  } catch (const std::exception&) {
    net::rethrow_with_context("Client: failed to open connection to " + address +
                              " (is ./server running there? see --port)");
  }
  net::enable_keepalive(socket);
  net::BufferedStream stream(socket.fd());
  auto deadline = [&] { return std::chrono::steady_clock::now() + options.timeout; };

  try {
    stream.set_deadline(deadline());
    send_string_request(stream, "Additional data.");
    std::string reply = read_reply(stream);
    LOG("STRING request: got a response: ", reply);
  } catch (const std::exception&) {
    net::rethrow_with_context("Client: STRING request to " + address + " failed");
  }
  try {
    stream.set_deadline(deadline());
    send_gob_request(stream);
  } catch (const std::exception&) {
    net::rethrow_with_context("Client: GOB request to " + address + " failed");
  }
}

}  // namespace client
