/* What the unit tests share: a failure count and FAIL, which reports where
 * the check is (function and line) and what it found. A test's main
 * returns failures ? 1 : 0. */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>

static int failures;

#define FAIL(...)                                                                              \
    do {                                                                                       \
        fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);                                   \
        fprintf(stderr, __VA_ARGS__);                                                          \
        fputc('\n', stderr);                                                                   \
        failures++;                                                                            \
    } while (0)

#endif
