// SPDX-License-Identifier: GPL-2.0
/*
 * vmxmon benchmarks, run inside the test machine by `make bench`: the cost
 * of a VM exit (CPUID, against the bare CPU and against KVM), of a trapped
 * RDMSR and IN (trace events off and on), of running virtualized with no
 * traps, and of loading and unloading.  Times are TSC ticks, read on one
 * pinned CPU; in bochs the TSC ticks once per emulated instruction, so they
 * count path length.  Each figure is compared with its baseline of the same
 * run.  Nothing here asserts a timing: a TAP line per section says only
 * that it ran.  The results go to ttyS0 as one "VMXMON-BENCH-JSON" line
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
#include <linux/vmxmon.h>

#define BENCH_CPU	0
#define REPS		5
#define TSC_AUX		0xc0000103
#define PORT		0x80
#define MAX_CPUS	64
#define MAX_RESULTS	64

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static unsigned int iters = 2000;	/* per repetition; vmxbench_iters= */
static int ncpus;
static int perf_fd = -1;
static int perf_errno;
static int tap_nr, tap_fail;

/* The JSON body, built up as the sections run. */
static char json[65536];
static size_t json_len;

static void jprintf(const char *fmt, ...)
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
	VMXMON_EXIT_REASONS(EXIT_NAME)
};

static const char *exit_name(unsigned int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == nr)
			return exit_names[i].name;
	return "?";
}

static inline unsigned long long tsc(void)
{
	unsigned int lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a" (lo), "=d" (hi) :: "memory");
	return (unsigned long long)hi << 32 | lo;
}

static unsigned long long insns(void)
{
	unsigned long long v = 0;

	if (perf_fd < 0 || read(perf_fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* One figure: per operation, the best and the median of REPS repetitions. */
struct result {
	const char *name;
	double ticks;		/* minimum over repetitions */
	double median;
	double insns;		/* per operation, -1 if not counted */
};

static struct result results[MAX_RESULTS];
static int nr_results;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct result *record(const char *name, double *per_op, double *ins, int n)
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

static struct result *find(const char *name)
{
	int i;

	for (i = 0; i < nr_results; i++)
		if (!strcmp(results[i].name, name))
			return &results[i];
	return NULL;
}

/* Runs @fn(@arg) @n times per repetition, REPS repetitions. */
static struct result *measure(const char *name, void (*fn)(void *), void *arg,
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

static void tap(bool ok, const char *what, const char *why)
{
	tap_nr++;
	if (!ok)
		tap_fail++;
	printf("%sok %d bench %s%s%s\n", ok ? "" : "not ", tap_nr, what,
	       why ? ": " : "", why ? why : "");
	fflush(stdout);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Module loading: vmxmon from /vmxmon, the rest from the booted kernel. */
static int finit(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

static int kmod_load(const char *rel)
{
	char path[256];
	struct utsname u;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/kernel/%s", u.release, rel);
	return finit(path);
}

static bool mod_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static int mod_unload(const char *name)
{
	if (!mod_loaded(name))
		return 0;
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int vmxmon_load(void)
{
	const char *ko = getenv("VMXMON_KO");

	return finit(ko ? ko : "/vmxmon/vmxmon.ko");
}

static int tracefs_write(const char *file, const char *val)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
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

/* --- vmxmon's exit statistics --- */

static int exit_stats(int fd, unsigned long long (*out)[VMXMON_NR_EXIT_REASONS])
{
	struct vmxmon_exit_stats s;
	int cpu, r;

	for (cpu = 0; cpu < ncpus; cpu++) {
		memset(&s, 0, sizeof(s));
		s.cpu = cpu;
		if (ioctl(fd, VMXMON_GET_EXIT_STATS, &s))
			return -errno;
		for (r = 0; r < VMXMON_NR_EXIT_REASONS; r++)
			out[cpu][r] = s.exits[r];
	}
	return 0;
}

static unsigned long long trap_reads(int fd, unsigned int kind, unsigned int id)
{
	struct vmxmon_trap_count c[256];
	struct vmxmon_trap_stats s;
	unsigned long long n = 0;
	unsigned int i;
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++) {
		memset(&s, 0, sizeof(s));
		s.cpu = cpu;
		s.capacity = ARRAY_SIZE(c);
		s.counts = (unsigned long)c;
		if (ioctl(fd, VMXMON_GET_TRAP_STATS, &s))
			continue;
		for (i = 0; i < s.nr && i < ARRAY_SIZE(c); i++)
			if (c[i].kind == kind && c[i].id == id)
				n += c[i].reads;
	}
	return n;
}

/* --- sections --- */

/* Bare CPU: vmxmon not loaded. */
static void bench_bare(int msr)
{
	measure("cpuid.bare", op_cpuid, NULL, iters);
	measure("rdmsr.bare", op_rdmsr, &msr, iters / 4);
	measure("inb.bare", op_inb, NULL, iters);
	measure("workload.bare", op_workload, NULL, 4);
	tap(true, "bare CPU: cpuid, rdmsr, inb, workload", NULL);
}

static unsigned long long workload_exits[MAX_CPUS][VMXMON_NR_EXIT_REASONS];

static void bench_vmxmon(int msr)
{
	static unsigned long long before[MAX_CPUS][VMXMON_NR_EXIT_REASONS];
	struct vmxmon_msr_trap mt = { .first = TSC_AUX, .last = TSC_AUX,
				      .flags = VMXMON_TRAP_READ };
	struct vmxmon_io_trap it = { .first = PORT, .last = PORT,
				     .flags = VMXMON_TRAP_READ };
	unsigned long long n0, n1;
	int fd, cpu, r, ret;

	fd = open(VMXMON_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tap(false, "vmxmon loaded", strerror(errno));
		return;
	}
	measure("cpuid.vmxmon", op_cpuid, NULL, iters);

	/* No traps: the workload, and the exits it caused on every CPU. */
	ret = exit_stats(fd, before);
	measure("workload.vmxmon", op_workload, NULL, 4);
	ret = ret ?: exit_stats(fd, workload_exits);
	for (cpu = 0; cpu < ncpus; cpu++)
		for (r = 0; r < VMXMON_NR_EXIT_REASONS; r++)
			workload_exits[cpu][r] -= before[cpu][r];
	tap(!ret, "vmxmon loaded, no traps: cpuid, workload, exit stats",
	    ret ? strerror(-ret) : NULL);

	measure("rdmsr.vmxmon_untrapped", op_rdmsr, &msr, iters / 4);
	measure("inb.vmxmon_untrapped", op_inb, NULL, iters);

	ret = ioctl(fd, VMXMON_TRAP_MSR, &mt) ? -errno : 0;
	ret = ret ?: ioctl(fd, VMXMON_TRAP_IO, &it) ? -errno : 0;
	if (ret) {
		tap(false, "trapped rdmsr and inb", strerror(-ret));
		close(fd);
		return;
	}
	n0 = trap_reads(fd, VMXMON_KIND_MSR, TSC_AUX);
	measure("rdmsr.trapped", op_rdmsr, &msr, iters / 4);
	n1 = trap_reads(fd, VMXMON_KIND_MSR, TSC_AUX);
	jprintf("  \"rdmsr_traps_counted\": %llu,\n", n1 - n0);
	n0 = trap_reads(fd, VMXMON_KIND_IO, PORT);
	measure("inb.trapped", op_inb, NULL, iters);
	n1 = trap_reads(fd, VMXMON_KIND_IO, PORT);
	jprintf("  \"inb_traps_counted\": %llu,\n", n1 - n0);

	ret = tracefs_write("events/vmxmon/enable", "1");
	jprintf("  \"trace_enable\": \"%s\",\n", ret ? strerror(-ret) : "ok");
	measure("rdmsr.trapped_traced", op_rdmsr, &msr, iters / 4);
	measure("inb.trapped_traced", op_inb, NULL, iters);
	tracefs_write("events/vmxmon/enable", "0");
	tap(true, "trapped rdmsr and inb, trace events off and on", NULL);
	close(fd);	/* the traps go with the file */
}

/*
 * Free pages, buddy allocator and per-CPU page lists together, from
 * /proc/zoneinfo: MemFree alone misses the pages parked on the per-CPU
 * lists, which swing by hundreds of KiB between two reads.
 */
static long free_pages_all(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long n = 0, v;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &v) == 1 ||
		    sscanf(line, " count: %ld", &v) == 1)
			n += v;
	fclose(f);
	return n;
}

static long ept_pages(void)
{
	FILE *f = fopen("/sys/kernel/debug/vmxmon/status", "r");
	char key[64];
	long v, n = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, "ept_pages"))
			n = v;
	fclose(f);
	return n;
}

/* Pages of @mod's core (text and data), from sysfs; -1 if unknown. */
static long module_pages(const char *mod)
{
	char path[128];
	long bytes = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/coresize", mod);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &bytes) != 1)
		bytes = -1;
	fclose(f);
	return bytes < 0 ? -1 : (bytes + 4095) / 4096;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

#define LOAD_CYCLES	5

static char load_summary[256];

/* insmod/rmmod: wall time and TSC ticks, and what the load kept in memory. */
static int bench_load(void)
{
	double load_us[LOAD_CYCLES], unload_us[LOAD_CYCLES];
	double load_t[LOAD_CYCLES], unload_t[LOAD_CYCLES];
	long free_delta[LOAD_CYCLES], ept = -1, core = -1, median;
	unsigned long long t0;
	long f0;
	double w0;
	int i, ret = 0;

	for (i = 0; i < LOAD_CYCLES && !ret; i++) {
		sync();
		usleep(100000);
		f0 = free_pages_all();
		w0 = now_us();
		t0 = tsc();
		ret = vmxmon_load();
		load_t[i] = (double)(tsc() - t0) / ncpus;
		load_us[i] = (now_us() - w0) / ncpus;
		if (ret)
			break;
		usleep(100000);
		free_delta[i] = f0 - free_pages_all();
		ept = ept_pages();
		core = module_pages("vmxmon");
		w0 = now_us();
		t0 = tsc();
		ret = mod_unload("vmxmon");
		unload_t[i] = (double)(tsc() - t0) / ncpus;
		unload_us[i] = (now_us() - w0) / ncpus;
	}
	if (ret) {
		tap(false, "insmod/rmmod", strerror(-ret));
		return ret;
	}
	qsort(load_us, LOAD_CYCLES, sizeof(double), cmp_double);
	qsort(unload_us, LOAD_CYCLES, sizeof(double), cmp_double);
	record("insmod_per_cpu", load_t, NULL, LOAD_CYCLES);
	record("rmmod_per_cpu", unload_t, NULL, LOAD_CYCLES);
	jprintf("  \"insmod_us_per_cpu\": %.1f,\n", load_us[LOAD_CYCLES / 2]);
	jprintf("  \"rmmod_us_per_cpu\": %.1f,\n", unload_us[LOAD_CYCLES / 2]);
	jprintf("  \"memory\": { \"ept_pages\": %ld, \"ept_pages_source\": \"debugfs vmxmon/status\",\n",
		ept);
	jprintf("    \"module_core_pages\": %ld, \"module_core_source\": \"/sys/module/vmxmon/coresize\",\n",
		core);
	jprintf("    \"free_pages_delta\": [");
	for (i = 0; i < LOAD_CYCLES; i++)
		jprintf("%s%ld", i ? ", " : "", free_delta[i]);
	qsort(free_delta, LOAD_CYCLES, sizeof(long), cmp_long);
	median = free_delta[LOAD_CYCLES / 2];
	jprintf("],\n    \"free_pages_delta_source\": \"/proc/zoneinfo free + per-CPU list pages before insmod minus after, one per load\",\n");
	jprintf("    \"per_cpu_pages_est\": %.1f,\n", ((double)median - core - ept) / ncpus);
	snprintf(load_summary, sizeof(load_summary),
		 "insmod %.0f us/CPU, rmmod %.0f us/CPU; EPT %ld pages, module core %ld, per CPU ~%.1f (estimate)",
		 load_us[LOAD_CYCLES / 2], unload_us[LOAD_CYCLES / 2], ept, core,
		 ((double)median - core - ept) / ncpus);
	jprintf("    \"per_cpu_pages_source\": \"(median free-pages delta - module core - EPT pages) / CPUs: an estimate, includes slab and sysfs/debugfs noise\" },\n");
	tap(true, "insmod/rmmod time and memory", NULL);
	return 0;
}

/*
 * KVM: a real-mode guest that runs CPUID *(u16 *)0x2000 times, then OUT to
 * user space, then starts over.  The KVM_RUN round trip with count 0 is the
 * cost of an exit to user space; (T(n) - T(0)) / n that of KVM's CPUID exit.
 */
#define KVM_CODE	0x1000
#define KVM_COUNT	0x2000
static const unsigned char kvm_code[] = {
	0x8b, 0x36, 0x00, 0x20,		/* 0:  mov si, [0x2000] */
	0x85, 0xf6,			/* 4:  test si, si */
	0x74, 0x08,			/* 6:  jz 16 */
	0x66, 0x31, 0xc0,		/* 8:  xor eax, eax */
	0x0f, 0xa2,			/* 11: cpuid */
	0x4e,				/* 13: dec si */
	0x75, 0xf8,			/* 14: jnz 8 */
	0xe6, 0x10,			/* 16: out 0x10, al */
	0xeb, 0xec,			/* 18: jmp 0 */
};

static const char * const kvm_kmods[] = {
	"virt/lib/irqbypass.ko", "arch/x86/kvm/kvm.ko", "arch/x86/kvm/kvm-intel.ko",
};

static int kvm_runs(int vcpu, struct kvm_run *run, unsigned short *count,
		    unsigned short n, unsigned int runs, double *per)
{
	unsigned long long t0;
	unsigned int i;

	*count = n;
	if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO)
		return -EIO;
	t0 = tsc();
	for (i = 0; i < runs; i++)
		if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO)
			return -EIO;
	*per = (double)(tsc() - t0) / runs;
	return 0;
}

static int bench_kvm(void)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = KVM_CODE, .memory_size = 0x2000,
	};
	double rt[REPS], cpuid[REPS], with;
	int kvm = -1, vm = -1, vcpu = -1, ret = 0, rep, size;
	unsigned int batch = iters / 10 ? iters / 10 : 1;
	struct kvm_run *run = MAP_FAILED;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned char *mem;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kvm_kmods) && !ret; i++)
		ret = kmod_load(kvm_kmods[i]);
	if (ret)
		goto out;
	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	memcpy(mem, kvm_code, sizeof(kvm_code));
	region.userspace_addr = (unsigned long)mem;
	ret = -EIO;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		goto out;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) ||
	    ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs))
		goto out;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	memset(&regs, 0, sizeof(regs));
	regs.rip = KVM_CODE;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		goto out;
	for (rep = 0; rep < REPS; rep++) {
		ret = kvm_runs(vcpu, run, (unsigned short *)(mem + 0x1000), 0, batch, &rt[rep]);
		ret = ret ?: kvm_runs(vcpu, run, (unsigned short *)(mem + 0x1000), 100,
				      batch / 10 ? batch / 10 : 1, &with);
		if (ret)
			goto out;
		cpuid[rep] = (with - rt[rep]) / 100;
	}
	record("kvm.run_roundtrip", rt, NULL, REPS);
	record("cpuid.kvm_guest", cpuid, NULL, REPS);
	ret = 0;
out:
	if (run != MAP_FAILED)
		munmap(run, size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	mod_unload("kvm_intel");
	mod_unload("kvm");
	tap(!ret, "KVM guest CPUID and KVM_RUN round trip", ret ? strerror(-ret) : NULL);
	return ret;
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
	{ "cpuid.vmxmon", "cpuid.bare" },
	{ "cpuid.kvm_guest", "cpuid.bare" },
	{ "workload.vmxmon", "workload.bare" },
	{ "rdmsr.vmxmon_untrapped", "rdmsr.bare" },
	{ "rdmsr.trapped", "rdmsr.vmxmon_untrapped" },
	{ "rdmsr.trapped_traced", "rdmsr.vmxmon_untrapped" },
	{ "inb.vmxmon_untrapped", "inb.bare" },
	{ "inb.trapped", "inb.vmxmon_untrapped" },
	{ "inb.trapped_traced", "inb.vmxmon_untrapped" },
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
		for (r = 0; r < VMXMON_NR_EXIT_REASONS; r++) {
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
	jprintf("    \"cpuid_vmxmon_over_bare\": %.2f,\n", ratio("cpuid.vmxmon", "cpuid.bare"));
	jprintf("    \"cpuid_kvm_over_bare\": %.2f,\n", ratio("cpuid.kvm_guest", "cpuid.bare"));
	jprintf("    \"vmxmon_exit_ticks\": %.1f,\n", diff("cpuid.vmxmon", "cpuid.bare"));
	jprintf("    \"kvm_exit_ticks\": %.1f,\n", diff("cpuid.kvm_guest", "cpuid.bare"));
	jprintf("    \"vmxmon_exit_over_kvm_exit\": %.2f,\n",
		diff("cpuid.kvm_guest", "cpuid.bare") > 0 ?
		diff("cpuid.vmxmon", "cpuid.bare") / diff("cpuid.kvm_guest", "cpuid.bare") : 0);
	jprintf("    \"rdmsr_trap_ticks\": %.1f,\n", diff("rdmsr.trapped", "rdmsr.vmxmon_untrapped"));
	jprintf("    \"rdmsr_trap_traced_ticks\": %.1f,\n",
		diff("rdmsr.trapped_traced", "rdmsr.vmxmon_untrapped"));
	jprintf("    \"rdmsr_trapped_over_untrapped\": %.2f,\n",
		ratio("rdmsr.trapped", "rdmsr.vmxmon_untrapped"));
	jprintf("    \"inb_trap_ticks\": %.1f,\n", diff("inb.trapped", "inb.vmxmon_untrapped"));
	jprintf("    \"inb_trap_traced_ticks\": %.1f,\n",
		diff("inb.trapped_traced", "inb.vmxmon_untrapped"));
	jprintf("    \"inb_trapped_over_untrapped\": %.2f,\n",
		ratio("inb.trapped", "inb.vmxmon_untrapped"));
	jprintf("    \"workload_vmxmon_over_bare\": %.4f\n",
		ratio("workload.vmxmon", "workload.bare"));
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

	printf("VMXMON-BENCH-JSON {\n%s}\n", json);
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
		for (r = 0; r < VMXMON_NR_EXIT_REASONS; r++)
			total += workload_exits[cpu][r];
	printf("bench| VM exits during the workload, all CPUs: %llu\n", total);
	printf("bench| %s\n", load_summary);
	printf("bench| cpuid: vmxmon/bare %.2fx, kvm guest/bare %.2fx; exit path vmxmon %.0f vs kvm %.0f ticks\n",
	       ratio("cpuid.vmxmon", "cpuid.bare"), ratio("cpuid.kvm_guest", "cpuid.bare"),
	       diff("cpuid.vmxmon", "cpuid.bare"), diff("cpuid.kvm_guest", "cpuid.bare"));
	printf("bench| trapped rdmsr +%.0f ticks (traced +%.0f); trapped inb +%.0f (traced +%.0f)\n",
	       diff("rdmsr.trapped", "rdmsr.vmxmon_untrapped"),
	       diff("rdmsr.trapped_traced", "rdmsr.vmxmon_untrapped"),
	       diff("inb.trapped", "inb.vmxmon_untrapped"),
	       diff("inb.trapped_traced", "inb.vmxmon_untrapped"));
	printf("bench| workload vmxmon/bare %.4fx\n", ratio("workload.vmxmon", "workload.bare"));
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
	printf("1..5\n");
	pin(BENCH_CPU);
	perf_open();
	jprintf("  \"cpus\": %d,\n  \"bench_cpu\": %d,\n  \"iterations\": %u,\n  \"repetitions\": %d,\n",
		ncpus, BENCH_CPU, iters, REPS);
	if (perf_fd < 0)
		jprintf("  \"instructions\": \"not counted: perf_event_open(instructions): %s\",\n",
			strerror(perf_errno));
	else
		jprintf("  \"instructions\": \"counted by perf (guest user+kernel)\",\n");

	mod_unload("vmxmon");
	ret = kmod_load("arch/x86/kernel/msr.ko");
	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", BENCH_CPU);
	msr = ret ? -1 : open(path, O_RDONLY);
	if (msr < 0 || ioperm(PORT, 1, 1)) {
		printf("Bail out! msr.ko or ioperm: %s\n", strerror(errno));
		return 1;
	}

	bench_bare(msr);
	ret = bench_load();
	if (!ret)
		ret = vmxmon_load();
	if (ret)
		tap(false, "vmxmon loaded", strerror(-ret));
	else
		bench_vmxmon(msr);
	mod_unload("vmxmon");
	bench_kvm();
	report();
	printf("%d passed, %d failed\n", tap_nr - tap_fail, tap_fail);
	return tap_fail ? 1 : 0;
}
