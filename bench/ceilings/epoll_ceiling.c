// epoll_ceiling: one event loop per core, each with its own epoll set over
// non-blocking sockets, sharing the listening socket (EPOLLEXCLUSIVE wakes
// one loop per new connection). A connection is a descriptor and a line
// count, no thread of its own (ceiling.h says what a ceiling is).
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>

#include "ceiling.h"

struct peer {
  int fd;
  int lines;
};

static int listener;

static void accept_all(int epoll) {
  int fd;
  while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
    struct peer *peer = calloc(1, sizeof *peer);
    peer->fd = fd;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = peer};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
  }
}

static void serve(struct peer *peer) {
  char buffer[4096];
  ssize_t got = recv(peer->fd, buffer, sizeof buffer, 0);
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (got <= 0) {
    close(peer->fd);  // which also takes it out of the epoll set
    free(peer);
    return;
  }
  char replies[sizeof buffer * (sizeof kReply - 1)];
  size_t size = 0;
  for (int count = count_replies(buffer, got, &peer->lines); count > 0; --count) {
    memcpy(replies + size, kReply, sizeof kReply - 1);
    size += sizeof kReply - 1;
  }
  // A reply is 11 bytes to a client that waits for it: the socket's send
  // buffer has room, so a ceiling does not queue what send() refuses.
  if (size > 0) send(peer->fd, replies, size, MSG_NOSIGNAL);
}

static void *loop(void *unused) {
  (void)unused;
  int epoll = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL};
  if (epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) < 0) die("epoll_ctl");
  struct epoll_event ready[256];
  for (;;) {
    int count = epoll_wait(epoll, ready, 256, -1);
    for (int i = 0; i < count; ++i) {
      if (ready[i].data.ptr == NULL) {
        accept_all(epoll);
      } else {
        serve(ready[i].data.ptr);
      }
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  listener = listen_from_arguments(argc, argv);
  // Non-blocking: every loop is woken for a new connection it may not get.
  if (fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  pthread_t threads[64];
  for (long i = 0; i < cores && i < 64; ++i) pthread_create(&threads[i], NULL, loop, NULL);
  pthread_join(threads[0], NULL);
}
