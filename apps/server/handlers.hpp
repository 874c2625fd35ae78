// The two commands of the tutorial's protocol (section "Incoming
// connections", handleStrings and handleGob). Each reads its data from the
// stream the Endpoint hands it, right after the command line.
#pragma once

#include <cstddef>

#include "../../common/buffered_stream.hpp"
#include "../../common/gob/decoder.hpp"

namespace server {

// STRING: one line of text; answers "Thank you.".
void handle_string(net::BufferedStream& stream, std::size_t max_line);

// GOB: one gob-encoded ComplexData (with its type definitions, since the
// client uses a fresh encoder); logs the outer and the inner struct.
void handle_gob(net::BufferedStream& stream, const gob::Limits& limits);

}  // namespace server
