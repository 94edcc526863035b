/* SPDX-License-Identifier: GPL-2.0 */
/* What the benchmark's parts share (bench.c, bench_load.c, bench_kvm.c, bench_mem.c). */
#ifndef VMXSCOPE_BENCH_H
#define VMXSCOPE_BENCH_H

#include <stdbool.h>

/* Module, CPU and tracefs helpers shared with the selftests. */
#include "../../../selftests/vmxscope_test.h"

#define BENCH_CPU	0
#define REPS		5
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* One figure: per operation, the best and the median of REPS repetitions. */
struct result {
	const char *name;
	double ticks;		/* minimum over repetitions */
	double median;
	double insns;		/* per operation, -1 if not counted */
};

extern unsigned int iters;	/* per repetition; vmxbench_iters= */
extern int ncpus;
extern char load_summary[256];

void jprintf(const char *fmt, ...);
int cmp_double(const void *a, const void *b);
unsigned long long tsc(void);
unsigned long long insns(void);
struct result *record(const char *name, double *per_op, double *ins, int n);
struct result *find(const char *name);
struct result *measure(const char *name, void (*fn)(void *), void *arg,
		       unsigned int n);
void tap(bool ok, const char *what, const char *why);

int bench_load(void);
int bench_kvm(void);
int bench_mem(void);

#endif /* VMXSCOPE_BENCH_H */
