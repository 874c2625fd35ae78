// Command lines the standard way: glibc's getopt_long_only(3), shared by
// ./server, ./client and the benchmark programs.
//
// Why getopt_long_only. Most C and C++ programs on a Linux machine parse
// their options with the getopt family, so what a student learns here is
// what they will read in other people's code. getopt_long adds GNU's long options, "--port 7"
// and "--port=7"; the _only variant also takes them with one dash, "-port 7",
// which is how Go's flag package spells them (the tutorial runs its program
// as `go run networking.go -connect localhost`). A single dash and one letter
// that is in the short-option string ("-h") stays that short option.
//
// What it does with argv, which is why the programs pass it `char** argv`:
//   - It permutes. Arguments that are not options (the client's HOST) are
//     moved behind the options, so options and HOST may come in any order.
//     When the loop ends (getopt_long_only returns -1), argv[optind] up to
//     argv[argc - 1] are those arguments, in the order they were given.
//     "--" ends the options: what follows is an argument even if it starts
//     with '-'. (POSIXLY_CORRECT in the environment turns permuting off, as
//     it does for every GNU program: then the first argument that is not an
//     option ends the options.)
//   - A long name may be shortened while it stays unambiguous: --po is
//     --port; --max on the server is ambiguous, and says so.
//   - Errors. With opterr = 1 it prints the message itself, with argv[0] in
//     front: "./client: unrecognized option '--bogus'", "./client: option
//     '--port' requires an argument", "... doesn't allow an argument",
//     "... is ambiguous; possibilities: ...". Then it returns '?'. We let
//     it: those are the messages every GNU tool prints, and writing them
//     again by hand would only add chances to get them wrong. The caller
//     throws ReportedUsageError, and main adds the line "Try ... --help".
//
// Its state is global: optind (the next argv index), optarg (the value of
// the option just returned), opterr, and, hidden inside glibc, the position
// within a cluster of short options such as "-hi". Setting optind to 1
// resets only the first; glibc starts completely afresh when optind is 0
// (it also reads POSIXLY_CORRECT again). start_parsing() does that, so that
// a program, or a unit test calling parse_options over and over, can parse
// one command line after another. Being global, it is not thread-safe:
// parse before starting any thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flags {

// Gets getopt_long_only ready for a new command line: optind = 0 (glibc's
// full reset, see above) and opterr = 1 (it prints its own messages).
void start_parsing();

// Thrown when getopt_long_only returned '?': it has already printed what is
// wrong on stderr, so the caller adds only how to get help.
class ReportedUsageError : public std::invalid_argument {
 public:
  ReportedUsageError();
};

// What main prints for a usage error, before it exits with status 2:
// "PROGRAM: what was wrong" (unless getopt already printed that line, a
// ReportedUsageError), then `hint`, e.g. "Try ./client --help".
void print_usage_error(const char* program, const std::invalid_argument& error,
                       std::string_view hint);

// A whole number within [minimum, maximum]; throws std::invalid_argument
// naming the flag otherwise: "--port wants a whole number from 1 to 65535,
// not 'x'". getopt only finds the value; checking it is ours.
std::uint64_t parse_number(const std::string& flag, const std::string& text, std::uint64_t minimum,
                           std::uint64_t maximum);

}  // namespace flags
