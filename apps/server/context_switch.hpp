// The context switch under a Fiber (fiber.hpp): the CPU leaves one stack and
// goes on with another, where that one stopped. What it must carry over is
// exactly what a function call promises to keep, the callee-saved registers
// and the stack pointer; everything else the compiler has already saved, as
// it does around any call. So a switch is a function call that returns on a
// different stack: about twenty instructions, no system call. (glibc's
// swapcontext does the same, and also saves and restores the signal mask
// with rt_sigprocmask, one system call per switch: docs/server-designs.md.)
//
// Go's runtime does the same when it parks one goroutine and runs another
// (gogo, in runtime/asm_amd64.s). Written here for x86-64 and AArch64.
#pragma once

namespace server {

// Saves the callee-saved registers on the current stack, stores the stack
// pointer in *save_here, and goes on from `resume_from`: a stack pointer an
// earlier switch stored, or one that prepare_stack made.
extern "C" void server_switch_context(void** save_here, void* resume_from);

// Lays out a fresh stack that ends below `top` so that the first switch to
// the stack pointer it returns calls entry(argument). `entry` must never
// return: there is nothing above it to return to.
void* prepare_stack(void* top, void (*entry)(void*), void* argument);

}  // namespace server
