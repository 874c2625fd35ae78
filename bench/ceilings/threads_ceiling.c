// threads_ceiling: a thread per connection, blocking recv() and send(), as
// ./server --model threads is (ceiling.h says what a ceiling is).
#include <pthread.h>
#include <stdint.h>

#include "ceiling.h"

static void *serve(void *argument) {
  int fd = (int)(intptr_t)argument;
  char buffer[4096];
  int lines = 0;
  ssize_t got;
  while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0) {
    for (int replies = count_replies(buffer, got, &lines); replies > 0; --replies) {
      if (send(fd, kReply, sizeof kReply - 1, MSG_NOSIGNAL) < 0) break;
    }
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  int listener = listen_from_arguments(argc, argv);
  pthread_attr_t small_stack;  // 10,000 threads must fit
  pthread_attr_init(&small_stack);
  pthread_attr_setstacksize(&small_stack, 64 * 1024);
  pthread_attr_setdetachstate(&small_stack, PTHREAD_CREATE_DETACHED);
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) continue;
    pthread_t thread;
    if (pthread_create(&thread, &small_stack, serve, (void *)(intptr_t)fd) != 0) close(fd);
  }
}
