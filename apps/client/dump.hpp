// ./client --dump: the bytes of the GOB request, explained one piece at a
// time, without connecting anywhere. docs/protocol.md shows this output, and
// tests/integration/test_docs.py fails when the two disagree, so the
// document follows the encoder whenever the encoder changes.
//
// The annotations are not a list written by hand: annotate_gob_stream reads
// the bytes back with gob::WireReader, the way a decoder would, and says what
// each piece it reads means under the wire-format rules (common/gob/wire.hpp,
// common/gob/types.hpp). It knows what our encoder writes for ComplexData:
// type definitions of structs and maps, and values made of ints, strings,
// maps, byte slices and nested structs.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

namespace client {

// The gob messages a fresh gob::Encoder writes for make_tutorial_sample():
// what the client sends right after the command line "GOB\n".
std::vector<std::uint8_t> encode_tutorial_sample();

// Writes one line per piece of `stream` (whole gob messages, back to back):
// its offset, its bytes in hex, and what they mean. Throws
// net::ProtocolError when the bytes do not decode as such messages.
void annotate_gob_stream(std::span<const std::uint8_t> stream, std::ostream& out);

// What --dump prints: a short header, then the annotated sample request.
void print_sample_dump(std::ostream& out);

}  // namespace client
