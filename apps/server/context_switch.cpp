#include "context_switch.hpp"

#include <cstdint>

// The two functions the stacks meet in, for each CPU: the switch, and the
// trampoline a fresh stack starts in, which calls entry(argument) with the
// two values prepare_stack left in callee-saved registers. The trampoline's
// return address is marked undefined, so that a debugger's backtrace, or
// an exception's unwinding, ends there. Both are global symbols, hidden
// from other programs: a local one, reached through the GOT as C++ code
// reaches a function's address, came out as the section's start on AArch64.

#if defined(__x86_64__)

// System V AMD64 ABI: rbx, rbp, r12-r15 are callee-saved, and so are the
// x87 control word and the MXCSR's control bits (rounding, exceptions).
asm(R"(
        .text
        .globl  server_switch_context
        .hidden server_switch_context
        .type   server_switch_context, @function
server_switch_context:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   server_switch_context, .-server_switch_context

        .globl  server_stack_trampoline
        .hidden server_stack_trampoline
        .type   server_stack_trampoline, @function
server_stack_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r12, %rdi
        callq   *%r13
        ud2
        .cfi_endproc
        .size   server_stack_trampoline, .-server_stack_trampoline
)");

namespace {
// Where each value sits in a fresh stack's first frame, in 8-byte words
// above the stack pointer, in the order server_switch_context pops them.
enum Slot { kControlWords, kR15, kR14, kR13, kR12, kRbx, kRbp, kReturnAddress, kSlots };
constexpr std::uint64_t kDefaultControlWords = 0x1F80 | (std::uint64_t{0x037F} << 32);
}  // namespace

#elif defined(__aarch64__)

// AAPCS64: x19-x28, the frame pointer x29, the link register x30 and the
// low halves of v8-v15 (d8-d15) are callee-saved.
asm(R"(
        .text
        .globl  server_switch_context
        .hidden server_switch_context
        .type   server_switch_context, %function
server_switch_context:
        sub     sp, sp, #160
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mov     x9, sp
        str     x9, [x0]
        mov     sp, x1
        ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        add     sp, sp, #160
        ret
        .size   server_switch_context, .-server_switch_context

        .globl  server_stack_trampoline
        .hidden server_stack_trampoline
        .type   server_stack_trampoline, %function
server_stack_trampoline:
        .cfi_startproc
        .cfi_undefined x30
        mov     x0, x19
        blr     x20
        brk     #0
        .cfi_endproc
        .size   server_stack_trampoline, .-server_stack_trampoline
)");

namespace {
// Where each value sits in a fresh stack's first frame, in 8-byte words
// above the stack pointer (x21-x28 and d8-d15 start as zero).
enum Slot { kX19 = 0, kX20 = 1, kX30 = 11, kSlots = 20 };
}  // namespace

#else
#error "server_switch_context is written for x86-64 and AArch64 only: see context_switch.hpp"
#endif

extern "C" void server_stack_trampoline();

namespace server {

void* prepare_stack(void* top, void (*entry)(void*), void* argument) {
  // Both ABIs want the stack pointer 16-byte aligned at a call.
  auto aligned_top = reinterpret_cast<std::uintptr_t>(top) & ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<std::uint64_t*>(aligned_top) - kSlots;
  for (int slot = 0; slot < kSlots; ++slot) frame[slot] = 0;  // rbp, x29: no caller frame
  auto trampoline = reinterpret_cast<std::uint64_t>(&server_stack_trampoline);
#if defined(__x86_64__)
  // After the pops and the ret the trampoline starts at the aligned top,
  // so the function it calls finds the stack as after any call.
  frame[kControlWords] = kDefaultControlWords;
  frame[kR12] = reinterpret_cast<std::uint64_t>(argument);
  frame[kR13] = reinterpret_cast<std::uint64_t>(entry);
  frame[kReturnAddress] = trampoline;
#else
  frame[kX19] = reinterpret_cast<std::uint64_t>(argument);
  frame[kX20] = reinterpret_cast<std::uint64_t>(entry);
  frame[kX30] = trampoline;
#endif
  return frame;
}

}  // namespace server
