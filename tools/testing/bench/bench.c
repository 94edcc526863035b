// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope benchmarks, run inside the test machine by `make bench`: the cost
 * of a VM exit (CPUID, against the bare CPU and against KVM), of a trapped
 * RDMSR and IN (trace events off and on), of running virtualized with no
 * traps, and of loading and unloading.  Times are TSC ticks, read on one
 * pinned CPU; in bochs the TSC ticks once per emulated instruction, so they
 * count path length.  Each figure is compared with its baseline of the same
 * run.  Nothing here asserts a timing: a TAP line per section says only
 * that it ran.  The results go to ttyS0 as one "VMXSCOPE-BENCH-JSON" line
 * and a table of "bench|" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <linux/vmxscope.h>

#include "bench.h"

#define TSC_AUX		0xc0000103
#define PORT		0x80
#define MAX_CPUS	64
#define MAX_RESULTS	64


unsigned int iters = 2000;	/* per repetition; vmxbench_iters= */
int ncpus;
static int perf_fd = -1;
static int perf_errno;
static int tap_nr, tap_fail;

/* The JSON body, built up as the sections run. */
static char json[65536];
static size_t json_len;

void jprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	json_len += vsnprintf(json + json_len, sizeof(json) - json_len, fmt, ap);
	va_end(ap);
	if (json_len >= sizeof(json))
		json_len = sizeof(json) - 1;
}

#define EXIT_NAME(nr, name)	{ nr, #name },
static const struct {
	unsigned int nr;
	const char *name;
} exit_names[] = {
	VMXSCOPE_EXIT_REASONS(EXIT_NAME)
};

static const char *exit_name(unsigned int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == nr)
			return exit_names[i].name;
	return "?";
}

unsigned long long tsc(void)
{
	unsigned int lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a" (lo), "=d" (hi) :: "memory");
	return (unsigned long long)hi << 32 | lo;
}

unsigned long long insns(void)
{
	unsigned long long v = 0;

	if (perf_fd < 0 || read(perf_fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static struct result results[MAX_RESULTS];
static int nr_results;

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result *record(const char *name, double *per_op, double *ins, int n)
{
	struct result *r = &results[nr_results++];
	double sorted[REPS];

	memcpy(sorted, per_op, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	r->name = name;
	r->ticks = sorted[0];
	r->median = sorted[n / 2];
	r->insns = -1;
	if (perf_fd >= 0 && ins) {
		qsort(ins, n, sizeof(*ins), cmp_double);
		r->insns = ins[0];
	}
	return r;
}

struct result *find(const char *name)
{
	int i;

	for (i = 0; i < nr_results; i++)
		if (!strcmp(results[i].name, name))
			return &results[i];
	return NULL;
}

/* Runs @fn(@arg) @n times per repetition, REPS repetitions. */
struct result *measure(const char *name, void (*fn)(void *), void *arg,
			      unsigned int n)
{
	double per_op[REPS], ins[REPS];
	unsigned long long t0, t1, i0, i1;
	unsigned int rep, i;

	fn(arg);	/* warm up */
	for (rep = 0; rep < REPS; rep++) {
		i0 = insns();
		t0 = tsc();
		for (i = 0; i < n; i++)
			fn(arg);
		t1 = tsc();
		i1 = insns();
		per_op[rep] = (double)(t1 - t0) / n;
		ins[rep] = (double)(i1 - i0) / n;
	}
	return record(name, per_op, ins, REPS);
}

void tap(bool ok, const char *what, const char *why)
{
	tap_nr++;
	if (!ok)
		tap_fail++;
	printf("%sok %d bench %s%s%s\n", ok ? "" : "not ", tap_nr, what,
	       why ? ": " : "", why ? why : "");
	fflush(stdout);
}


/* --- the operations measured --- */

static void op_cpuid(void *arg)
{
	unsigned int a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d) :: "memory");
}

static void op_rdmsr(void *arg)
{
	unsigned long long v;

	if (pread(*(int *)arg, &v, sizeof(v), TSC_AUX) != sizeof(v))
		abort();
}

static void op_inb(void *arg)
{
	(void)inb(PORT);
}

/*
 * The workload: system calls, fork/exit/wait, and page faults on fresh
 * anonymous memory.  Nothing in it is trapped by default.
 */
static void op_workload(void *arg)
{
	unsigned int i, pages = 64;
	char *p;
	int status;
	pid_t pid;

	for (i = 0; i < 200; i++)
		syscall(SYS_getppid);
	for (i = 0; i < 2; i++) {
		pid = fork();
		if (!pid)
			_exit(0);
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
	for (i = 0; i < pages; i++)
		p[i * 4096] = i;
	munmap(p, pages * 4096);
}

/* --- vmxscope's exit statistics --- */

static int exit_stats(int fd, unsigned long long (*out)[VMXSCOPE_NR_EXIT_REASONS])
{
	struct vmxscope_exit_stats s;
	int cpu, r;

	for (cpu = 0; cpu < ncpus; cpu++) {
		memset(&s, 0, sizeof(s));
		s.cpu = cpu;
		if (ioctl(fd, VMXSCOPE_GET_EXIT_STATS, &s))
			return -errno;
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++)
			out[cpu][r] = s.exits[r];
	}
	return 0;
}

static unsigned long long trap_reads(int fd, unsigned int kind, unsigned int id)
{
	struct vmxscope_trap_count c[256];
	struct vmxscope_trap_stats s;
	unsigned long long n = 0;
	unsigned int i;
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++) {
		memset(&s, 0, sizeof(s));
		s.cpu = cpu;
		s.capacity = ARRAY_SIZE(c);
		s.counts = (unsigned long)c;
		if (ioctl(fd, VMXSCOPE_GET_TRAP_STATS, &s))
			continue;
		for (i = 0; i < s.nr && i < ARRAY_SIZE(c); i++)
			if (c[i].kind == kind && c[i].id == id)
				n += c[i].reads;
	}
	return n;
}

/* --- sections --- */

/* Bare CPU: vmxscope not loaded. */
static void bench_bare(int msr)
{
	measure("cpuid.bare", op_cpuid, NULL, iters);
	measure("rdmsr.bare", op_rdmsr, &msr, iters / 4);
	measure("inb.bare", op_inb, NULL, iters);
	measure("workload.bare", op_workload, NULL, 4);
	tap(true, "bare CPU: cpuid, rdmsr, inb, workload", NULL);
}

static unsigned long long workload_exits[MAX_CPUS][VMXSCOPE_NR_EXIT_REASONS];

static void bench_vmxscope(int msr)
{
	static unsigned long long before[MAX_CPUS][VMXSCOPE_NR_EXIT_REASONS];
	struct vmxscope_msr_trap mt = { .first = TSC_AUX, .last = TSC_AUX,
				      .flags = VMXSCOPE_TRAP_READ };
	struct vmxscope_io_trap it = { .first = PORT, .last = PORT,
				     .flags = VMXSCOPE_TRAP_READ };
	unsigned long long n0, n1;
	int fd, cpu, r, ret;

	fd = open(VMXSCOPE_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tap(false, "vmxscope loaded", strerror(errno));
		return;
	}
	measure("cpuid.vmxscope", op_cpuid, NULL, iters);

	/* No traps: the workload, and the exits it caused on every CPU. */
	ret = exit_stats(fd, before);
	measure("workload.vmxscope", op_workload, NULL, 4);
	ret = ret ?: exit_stats(fd, workload_exits);
	for (cpu = 0; cpu < ncpus; cpu++)
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++)
			workload_exits[cpu][r] -= before[cpu][r];
	tap(!ret, "vmxscope loaded, no traps: cpuid, workload, exit stats",
	    ret ? strerror(-ret) : NULL);

	measure("rdmsr.vmxscope_untrapped", op_rdmsr, &msr, iters / 4);
	measure("inb.vmxscope_untrapped", op_inb, NULL, iters);

	ret = ioctl(fd, VMXSCOPE_TRAP_MSR, &mt) ? -errno : 0;
	ret = ret ?: ioctl(fd, VMXSCOPE_TRAP_IO, &it) ? -errno : 0;
	if (ret) {
		tap(false, "trapped rdmsr and inb", strerror(-ret));
		close(fd);
		return;
	}
	n0 = trap_reads(fd, VMXSCOPE_KIND_MSR, TSC_AUX);
	measure("rdmsr.trapped", op_rdmsr, &msr, iters / 4);
	n1 = trap_reads(fd, VMXSCOPE_KIND_MSR, TSC_AUX);
	jprintf("  \"rdmsr_traps_counted\": %llu,\n", n1 - n0);
	n0 = trap_reads(fd, VMXSCOPE_KIND_IO, PORT);
	measure("inb.trapped", op_inb, NULL, iters);
	n1 = trap_reads(fd, VMXSCOPE_KIND_IO, PORT);
	jprintf("  \"inb_traps_counted\": %llu,\n", n1 - n0);

	ret = vmxscope_tracefs_write("events/vmxscope/enable", "1");
	jprintf("  \"trace_enable\": \"%s\",\n", ret ? strerror(-ret) : "ok");
	measure("rdmsr.trapped_traced", op_rdmsr, &msr, iters / 4);
	measure("inb.trapped_traced", op_inb, NULL, iters);
	vmxscope_tracefs_write("events/vmxscope/enable", "0");
	tap(true, "trapped rdmsr and inb, trace events off and on", NULL);
	close(fd);	/* the traps go with the file */
}

static void perf_open(void)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_hv = 0,
	};

	perf_fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (perf_fd < 0)
		perf_errno = errno;
}

/* Each figure's baseline in the same run. */
static const char * const baselines[][2] = {
	{ "cpuid.vmxscope", "cpuid.bare" },
	{ "cpuid.kvm_guest", "cpuid.bare" },
	{ "workload.vmxscope", "workload.bare" },
	{ "rdmsr.vmxscope_untrapped", "rdmsr.bare" },
	{ "rdmsr.trapped", "rdmsr.vmxscope_untrapped" },
	{ "rdmsr.trapped_traced", "rdmsr.vmxscope_untrapped" },
	{ "inb.vmxscope_untrapped", "inb.bare" },
	{ "inb.trapped", "inb.vmxscope_untrapped" },
	{ "inb.trapped_traced", "inb.vmxscope_untrapped" },
	{ "store.watched", "store.unwatched" },
	{ "store.neighbour", "store.unwatched" },
	{ "store.watched_traced", "store.unwatched" },
};

static const char *baseline(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(baselines); i++)
		if (!strcmp(baselines[i][0], name))
			return baselines[i][1];
	return NULL;
}

static double ratio(const char *a, const char *b)
{
	struct result *x = find(a), *y = find(b);

	return x && y && y->ticks > 0 ? x->ticks / y->ticks : 0;
}

static double diff(const char *a, const char *b)
{
	struct result *x = find(a), *y = find(b);

	return x && y ? x->ticks - y->ticks : 0;
}

static void report(void)
{
	const char *sep = "", *base;
	unsigned long long total;
	int i, cpu, r;

	jprintf("  \"workload_exits\": {");
	for (cpu = 0; cpu < ncpus; cpu++) {
		jprintf("%s\"cpu%d\": {", cpu ? ", " : "", cpu);
		sep = "";
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++) {
			if (!workload_exits[cpu][r])
				continue;
			jprintf("%s\"%s\": %llu", sep,
				exit_name(r),
				workload_exits[cpu][r]);
			sep = ", ";
		}
		jprintf("}");
	}
	jprintf("},\n  \"derived\": {\n");
	jprintf("    \"cpuid_vmxscope_over_bare\": %.2f,\n", ratio("cpuid.vmxscope", "cpuid.bare"));
	jprintf("    \"cpuid_kvm_over_bare\": %.2f,\n", ratio("cpuid.kvm_guest", "cpuid.bare"));
	jprintf("    \"vmxscope_exit_ticks\": %.1f,\n", diff("cpuid.vmxscope", "cpuid.bare"));
	jprintf("    \"kvm_exit_ticks\": %.1f,\n", diff("cpuid.kvm_guest", "cpuid.bare"));
	jprintf("    \"vmxscope_exit_over_kvm_exit\": %.2f,\n",
		diff("cpuid.kvm_guest", "cpuid.bare") > 0 ?
		diff("cpuid.vmxscope", "cpuid.bare") / diff("cpuid.kvm_guest", "cpuid.bare") : 0);
	jprintf("    \"rdmsr_trap_ticks\": %.1f,\n", diff("rdmsr.trapped", "rdmsr.vmxscope_untrapped"));
	jprintf("    \"rdmsr_trap_traced_ticks\": %.1f,\n",
		diff("rdmsr.trapped_traced", "rdmsr.vmxscope_untrapped"));
	jprintf("    \"rdmsr_trapped_over_untrapped\": %.2f,\n",
		ratio("rdmsr.trapped", "rdmsr.vmxscope_untrapped"));
	jprintf("    \"inb_trap_ticks\": %.1f,\n", diff("inb.trapped", "inb.vmxscope_untrapped"));
	jprintf("    \"inb_trap_traced_ticks\": %.1f,\n",
		diff("inb.trapped_traced", "inb.vmxscope_untrapped"));
	jprintf("    \"inb_trapped_over_untrapped\": %.2f,\n",
		ratio("inb.trapped", "inb.vmxscope_untrapped"));
	jprintf("    \"workload_vmxscope_over_bare\": %.4f\n",
		ratio("workload.vmxscope", "workload.bare"));
	jprintf("  },\n  \"results\": [\n");
	for (i = 0; i < nr_results; i++) {
		jprintf("    { \"name\": \"%s\", \"ticks_min\": %.1f, \"ticks_median\": %.1f",
			results[i].name, results[i].ticks, results[i].median);
		if (results[i].insns >= 0)
			jprintf(", \"instructions\": %.1f", results[i].insns);
		base = baseline(results[i].name);
		if (base)
			jprintf(", \"baseline\": \"%s\", \"ratio\": %.4f", base,
				ratio(results[i].name, base));
		jprintf(" }%s\n", i + 1 < nr_results ? "," : "");
	}
	jprintf("  ]\n");

	printf("VMXSCOPE-BENCH-JSON {\n%s}\n", json);
	printf("bench| %-24s %12s %12s  %s\n", "per operation", "TSC min",
	       "TSC median", "vs baseline (min)");
	for (i = 0; i < nr_results; i++) {
		base = baseline(results[i].name);
		printf("bench| %-24s %12.1f %12.1f", results[i].name,
		       results[i].ticks, results[i].median);
		if (base)
			printf("  %.3fx %s", ratio(results[i].name, base), base);
		printf("\n");
	}
	total = 0;
	for (cpu = 0; cpu < ncpus; cpu++)
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++)
			total += workload_exits[cpu][r];
	printf("bench| VM exits during the workload, all CPUs: %llu\n", total);
	printf("bench| %s\n", load_summary);
	printf("bench| cpuid: vmxscope/bare %.2fx, kvm guest/bare %.2fx; exit path vmxscope %.0f vs kvm %.0f ticks\n",
	       ratio("cpuid.vmxscope", "cpuid.bare"), ratio("cpuid.kvm_guest", "cpuid.bare"),
	       diff("cpuid.vmxscope", "cpuid.bare"), diff("cpuid.kvm_guest", "cpuid.bare"));
	printf("bench| trapped rdmsr +%.0f ticks (traced +%.0f); trapped inb +%.0f (traced +%.0f)\n",
	       diff("rdmsr.trapped", "rdmsr.vmxscope_untrapped"),
	       diff("rdmsr.trapped_traced", "rdmsr.vmxscope_untrapped"),
	       diff("inb.trapped", "inb.vmxscope_untrapped"),
	       diff("inb.trapped_traced", "inb.vmxscope_untrapped"));
	printf("bench| workload vmxscope/bare %.4fx\n", ratio("workload.vmxscope", "workload.bare"));
	printf("bench| watched store +%.0f ticks (traced +%.0f), neighbour store +%.0f\n",
	       diff("store.watched", "store.unwatched"),
	       diff("store.watched_traced", "store.unwatched"),
	       diff("store.neighbour", "store.unwatched"));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *s = getenv("vmxbench_iters");
	char path[64];
	int msr, ret;

	if (s && atoi(s) > 0)
		iters = atoi(s);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..6\n");
	vmxscope_pin(BENCH_CPU);
	perf_open();
	jprintf("  \"cpus\": %d,\n  \"bench_cpu\": %d,\n  \"iterations\": %u,\n  \"repetitions\": %d,\n",
		ncpus, BENCH_CPU, iters, REPS);
	if (perf_fd < 0)
		jprintf("  \"instructions\": \"not counted: perf_event_open(instructions): %s\",\n",
			strerror(perf_errno));
	else
		jprintf("  \"instructions\": \"counted by perf (guest user+kernel)\",\n");

	vmxscope_kmod_unload("vmxscope");
	ret = vmxscope_load_kmod("arch/x86/kernel/msr.ko");
	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", BENCH_CPU);
	msr = ret ? -1 : open(path, O_RDONLY);
	if (msr < 0 || ioperm(PORT, 1, 1)) {
		printf("Bail out! msr.ko or ioperm: %s\n", strerror(errno));
		return 1;
	}

	bench_bare(msr);
	ret = bench_load();
	if (!ret)
		ret = vmxscope_load(NULL);
	if (ret)
		tap(false, "vmxscope loaded", strerror(-ret));
	else
		bench_vmxscope(msr);
	if (!ret)
		bench_mem();
	vmxscope_kmod_unload("vmxscope");
	bench_kvm();
	report();
	printf("%d passed, %d failed\n", tap_nr - tap_fail, tap_fail);
	return tap_fail ? 1 : 0;
}
