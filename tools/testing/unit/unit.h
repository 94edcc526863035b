/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal host unit-test harness: TAP out, one "ok"/"not ok" per test
 * function, and a closing "N passed, N failed" line from the run script.
 */
#ifndef VMXSCOPE_UNIT_H
#define VMXSCOPE_UNIT_H

#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int unit_failed_checks, unit_pass, unit_fail, unit_n;

#define EXPECT_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("#  %s:%d: %s == %s: %lld != %lld\n", __FILE__,	\
		       __LINE__, #a, #b, _a, _b);			\
		unit_failed_checks++;					\
	}								\
} while (0)
#define EXPECT_TRUE(x)	EXPECT_EQ(!!(x), 1)
#define EXPECT_FALSE(x)	EXPECT_EQ(!!(x), 0)

#define RUN(fn) do {							\
	int _before = unit_failed_checks;				\
	fn();								\
	unit_n++;							\
	if (unit_failed_checks == _before) {				\
		unit_pass++;						\
		printf("ok %d %s\n", unit_n, #fn);			\
	} else {							\
		unit_fail++;						\
		printf("not ok %d %s\n", unit_n, #fn);			\
	}								\
} while (0)

static inline int unit_done(void)
{
	printf("1..%d\n# unit: %d passed, %d failed\n", unit_n, unit_pass,
	       unit_fail);
	return unit_fail ? 1 : 0;
}

#endif /* VMXSCOPE_UNIT_H */
