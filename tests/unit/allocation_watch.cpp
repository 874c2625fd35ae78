#include "allocation_watch.hpp"

#include <cstdlib>
#include <new>

namespace {

// Per thread, so that the peer thread of a test does not count. Plain
// types: reading them allocates nothing, which matters inside operator new.
thread_local bool watching = false;
thread_local std::size_t largest_request = 0;

void* allocate(std::size_t size) noexcept {
  if (watching && size > largest_request) largest_request = size;
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

namespace test {

AllocationWatch::AllocationWatch() {
  largest_request = 0;
  watching = true;
}

AllocationWatch::~AllocationWatch() {
  watching = false;
}

std::size_t AllocationWatch::largest() const {
  return largest_request;
}

}  // namespace test

// Every replaceable form except the aligned ones (which this program does not
// use), so that each block is freed by the library that allocated it: a
// malloc'ed block must never reach another library's operator delete.
void* operator new(std::size_t size) {
  if (void* block = allocate(size)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* block = allocate(size)) return block;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size);
}
void operator delete(void* block) noexcept {
  std::free(block);
}
void operator delete[](void* block) noexcept {
  std::free(block);
}
void operator delete(void* block, std::size_t) noexcept {
  std::free(block);
}
void operator delete[](void* block, std::size_t) noexcept {
  std::free(block);
}
void operator delete(void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}
void operator delete[](void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}
