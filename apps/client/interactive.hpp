// ./client --interactive HOST: the protocol by hand, without netcat (nc),
// which a fresh machine lacks. What you type goes to the server byte for
// byte; what the server sends comes out on standard output byte for byte.
// Nothing is added or translated, so
//
//   printf 'STRING\r\nhi\r\n' | ./client -i localhost | od -c
//
// shows every '\r' the server sends back. Type "STRING", Enter, a line, and
// the server's "Thank you." appears: the tutorial's section "The code"
// ("The STRING command includes one line of string") from the other side.
//
// One thread and one poll(2) loop over two descriptors, standard input and
// the socket: the shape of the pollserver in Beej's Guide to Network
// Programming. poll sleeps until either has something, the loop copies what
// it has, and sleeps again. (Go would run two goroutines, each an io.Copy;
// poll is how one thread waits for two things at once.)
//
// How it ends:
//   - Your input ends (Ctrl-D at the start of a line, or the end of a pipe):
//     the connection is half-closed, shutdown(SHUT_WR). The server reads
//     that as the end of the stream (the tutorial's "Reached EOF - close
//     this connection."), answers what it still owes, and closes; until
//     then, what it sends is still printed.
//   - The server closes first (its --idle-timeout passed, say): that is
//     said on stderr, and the client stops; exit status 0 either way.
//   - Ctrl-C: SIGINT's default action ends the program. That is how one
//     leaves a LISTEN (exercise 9 in docs/exercises.md), which waits for
//     other clients' SAY lines forever.
#pragma once

#include "../../common/socket.hpp"
#include "client.hpp"

namespace client {

// Who closed first, for the note on stderr.
enum class RelayEnd {
  kInputThenServer,  // input ended, we half-closed, then the server closed
  kServerFirst,      // the server closed while input was still open
};

// Copies `input` to `server` and `server` to `output`, as the bytes come,
// until the server closes the connection. At the end of `input` it
// half-closes `server` and goes on copying the other way. Throws
// std::system_error (with what failed: reading, sending, writing) on any
// other failure.
RelayEnd relay(int input, const net::Socket& server, int output);

// Connects to options.host and options.port (the dial bounded by
// options.timeout), prints one hint line on stderr, then relays standard
// input and standard output. Throws, with context, if the dial or the relay
// fails.
void run_interactive(const ClientOptions& options);

}  // namespace client
