#include "wait_hooks.hpp"

namespace net {

namespace {
thread_local const WaitHooks* this_threads_hooks = nullptr;
}

const WaitHooks* wait_hooks() {
  return this_threads_hooks;
}

void set_wait_hooks(const WaitHooks* hooks) {
  this_threads_hooks = hooks;
}

}  // namespace net
