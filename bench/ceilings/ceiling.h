// What both ceiling servers share: the listening socket, and enough
// descriptors for 10,000 connections. A ceiling is the least a server of
// one design can do for the tutorial's STRING command (a line with the
// command, a line of data, then "Thank you.\n" back): no handler map, no
// limits, no logging, no parsing beyond counting lines. `make bench`
// measures ./server against it, so that what a design costs shows apart
// from what our code costs.
#ifndef CEILING_H
#define CEILING_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char kReply[] = "Thank you.\n";

static void die(const char *what) {
  perror(what);
  exit(1);
}

// `--port N` (0: the kernel picks), IPv4 on every interface. Prints
// "Listen on 0.0.0.0:PORT" to stderr, as ./server does, for the bench.
static int listen_from_arguments(int argc, char **argv) {
  int port = argc == 3 && strcmp(argv[1], "--port") == 0 ? atoi(argv[2]) : 61000;
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  if (listen(listener, 4096) < 0) die("listen");
  socklen_t size = sizeof address;
  getsockname(listener, (struct sockaddr *)&address, &size);
  fprintf(stderr, "Listen on 0.0.0.0:%d\n", ntohs(address.sin_port));
  return listener;
}

// How many replies `got` bytes complete: one for every second '\n'.
static int count_replies(const char *bytes, ssize_t got, int *lines) {
  int replies = 0;
  for (const char *end = bytes + got; (bytes = memchr(bytes, '\n', (size_t)(end - bytes)));) {
    ++bytes;
    if (++*lines % 2 == 0) ++replies;
  }
  return replies;
}

#endif
