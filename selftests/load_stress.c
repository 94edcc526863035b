// SPDX-License-Identifier: GPL-2.0
/*
 * Load under load: insmod/rmmod cycles while a stress workload runs on
 * every CPU and traps are set and cleared; then, quietly, cycles that
 * must not leave a page allocated.  Cycles: $vmxtest_cycles (a kernel
 * boot parameter; make stress sets 100), else 20.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX	0xc0000103

/*
 * Pages the kernel has allocated and not freed: every pgalloc_<zone>
 * counter of /proc/vmstat minus pgfree.  Only differences mean anything.
 */
static long pages_in_use(void)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long long v, n = 0;

	while (f && fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strncmp(key, "pgalloc_", 8))
			n += v;
		else if (!strcmp(key, "pgfree"))
			n -= v;
	}
	if (f)
		fclose(f);
	return n;
}

/* One CPU's share of the stress: processes, files, faults, MSRs. */
static void stress_cpu(int cpu)
{
	char path[64], buf[4096];
	unsigned long long v;
	int status;

	vmxscope_pin(cpu);
	snprintf(path, sizeof(path), "/tmp/stress.%d", cpu);
	for (;;) {
		pid_t pid = fork();
		char *p;
		int fd, i;

		if (!pid)
			_exit(execl("/bin/true", "true", NULL));
		if (pid > 0)
			waitpid(pid, &status, 0);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		for (i = 0; fd >= 0 && i < 16; i++)
			write(fd, buf, sizeof(buf));
		if (fd >= 0)
			close(fd);
		p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; p != MAP_FAILED && i < 256; i++)
			p[i * 4096] = i;
		if (p != MAP_FAILED)
			munmap(p, 1 << 20);
		unlink(path);
		snprintf(buf, sizeof(buf), "/dev/cpu/%d/msr", cpu);
		fd = open(buf, O_RDONLY);
		if (fd >= 0) {
			pread(fd, &v, 8, TSC_AUX);
			close(fd);
		}
	}
}

/* make stress runs 100 cycles on 4 emulated CPUs: far beyond 30 s. */
FIXTURE(stress) {
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, load_unload_cycles_under_stress_leak_nothing, 3600)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cycles = 20, i, cpu, fd;
	const char *env = getenv("vmxtest_cycles");
	pid_t workers[64];
	long before, after;
	struct vmxscope_msr_trap m = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };

	if (env)
		cycles = atoi(env);
	ASSERT_LE(ncpus, 64);
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
	for (cpu = 0; cpu < ncpus; cpu++) {
		workers[cpu] = fork();
		ASSERT_LE(0, workers[cpu]);
		if (!workers[cpu])
			stress_cpu(cpu);
	}
	for (i = 0; i < cycles; i++) {
		struct vmxscope_io_trap io = { .first = 0x5a50, .last = 0x5a5f,
					     .flags = VMXSCOPE_TRAP_READ |
						      VMXSCOPE_TRAP_WRITE };
		struct vmxscope_clear_traps c = { 0 };

		ASSERT_EQ(0, vmxscope_load(NULL)) TH_LOG("cycle %d", i);
		fd = open(VMXSCOPE_DEVICE, O_RDWR);
		ASSERT_LE(0, fd);
		EXPECT_EQ(ncpus, vmxscope_cpus_virtualized()) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_MSR, &m));
		ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_IO, &io));
		usleep(20000);
		ASSERT_EQ(0, ioctl(fd, VMXSCOPE_CLEAR_TRAPS, &c));
		ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_MSR, &m));
		close(fd);	/* its traps go with it */
		ASSERT_EQ(0, vmxscope_unload()) TH_LOG("cycle %d", i);
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		kill(workers[cpu], SIGKILL);
		waitpid(workers[cpu], NULL, 0);
	}

	/*
	 * Quiet now: a cycle allocates and frees tens of pages per CPU (VMCS,
	 * stack, bitmaps, EPT, ...), so a leak of any of them shows as pages
	 * still in use.  A little slack for slab and per-CPU list churn.
	 */
	ASSERT_EQ(0, vmxscope_load(NULL));
	ASSERT_EQ(0, vmxscope_unload());
	before = pages_in_use();
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, vmxscope_load(NULL));
		fd = open(VMXSCOPE_DEVICE, O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_MSR, &m));
		close(fd);
		ASSERT_EQ(0, vmxscope_unload());
	}
	after = pages_in_use();
	TH_LOG("%d quiet cycles: pages in use %+ld", cycles, after - before);
	EXPECT_LT(after - before, 64);
	ASSERT_EQ(0, vmxscope_load(NULL));
}

TEST_HARNESS_MAIN
