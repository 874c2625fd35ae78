// The unit tests' main(): doctest supplies it. Every other file in this
// directory adds TEST_CASEs; `make unit` links them all into one program.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
