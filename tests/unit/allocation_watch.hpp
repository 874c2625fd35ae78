// AllocationWatch: the largest single request to operator new that the
// current thread makes while a watch exists. It is how a test proves that a
// decoder does not allocate what a peer merely announces: the announced size
// would show up here as one big request.
//
// allocation_watch.cpp replaces the global operator new and delete of the
// test program (the standard allows a program to do so) with versions that
// call malloc and free and report each request size to the watch.
#pragma once

#include <cstddef>

namespace test {

class AllocationWatch {
 public:
  AllocationWatch();   // starts watching the calling thread
  ~AllocationWatch();  // stops
  AllocationWatch(const AllocationWatch&) = delete;
  AllocationWatch& operator=(const AllocationWatch&) = delete;

  // The largest size passed to operator new since the watch started.
  std::size_t largest() const;
};

}  // namespace test
