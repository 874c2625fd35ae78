#include "handlers.hpp"

#include "../../common/complex_data.hpp"
#include "../../common/error.hpp"
#include "../../common/log.hpp"
#include "endpoint.hpp"

namespace server {

void handle_string(net::BufferedStream& stream, std::size_t max_line) {
  std::optional<std::string> line = stream.read_line(max_line);
  if (!line) throw net::UnexpectedEndOfStream("connection closed before the STRING data");
  LOG_VERBOSE("Receive STRING message: ", shown_in_log(trim(*line)));
  stream.write("Thank you.\n");
  stream.flush();
}

void handle_gob(net::BufferedStream& stream, const gob::Limits& limits) {
  // A fresh decoder per command, matching the client's fresh encoder: the
  // type definitions arrive again with every GOB command.
  gob::Decoder decoder(limits);
  ComplexData data;
  decoder.decode(stream, data);
  LOG_VERBOSE("Outer complexData struct: \n", format_go_syntax(data));
  LOG_VERBOSE("Inner complexData struct: \n", format_go_syntax(data.c.get()));
  // gob skips a field that the local struct lacks; a warning, not an error,
  // shows the one a misspelt name in gob_fields() would hide.
  for (const std::string& field : decoder.unknown_fields()) {
    LOG("GOB: skipped field ", shown_in_log(field),
        ": ComplexData's gob_fields() has no field of that name (gob skips it; check the "
        "spelling)");
  }
}

}  // namespace server
