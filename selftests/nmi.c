// SPDX-License-Identifier: GPL-2.0
/*
 * NMIs under vmxscope (NMI exiting: each exits, or hits root's own IDT
 * while vmxscope handles an exit, and is injected back into Linux exactly
 * once, Documentation/design.rst).  While every CPU exits constantly (CPUID
 * loops, a trapped MSR), rounds of NMI backtrace IPIs (sysrq-l; the
 * emulated CPU has no PMU for perf's NMIs) must each be answered by every
 * CPU, and the kernel must report nothing wrong.
 */
#include <pthread.h>
#include <sys/klog.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define ROUNDS	10
#define LOG_SIZE	(1 << 20)

static int stop;

static void *spin_cpuid(void *arg)
{
	unsigned int regs[4];

	vmxscope_pin((long)arg);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		vmxscope_cpuid(0, regs);
	return NULL;
}

/* How many times @cpu answered an NMI backtrace request in @log. */
static int answers(const char *log, int cpu)
{
	char needle[48];
	const char *p = log;
	int n = 0;

	snprintf(needle, sizeof(needle), "NMI backtrace for cpu %d", cpu);
	while ((p = strstr(p, needle))) {
		p += strlen(needle);
		if (*p < '0' || *p > '9')
			n++;
	}
	return n;
}

TEST(nmi_backtraces_answered_by_every_cpu_while_exiting)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cpu, i, fd, len;
	struct vmxscope_msr_trap t = { .first = 0xc0000103, .last = 0xc0000103,
				     .flags = VMXSCOPE_TRAP_READ };
	pthread_t th[64];
	char *log = malloc(LOG_SIZE);
	const char *trouble;

	ASSERT_NE(NULL, log);
	ASSERT_LE(ncpus, 64);
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_MSR, &t));
	for (cpu = 0; cpu < ncpus; cpu++)
		ASSERT_EQ(0, pthread_create(&th[cpu], NULL, spin_cpuid,
					    (void *)(long)cpu));

	/* Backtraces go to the ring buffer only: they are expected here. */
	ASSERT_EQ(0, vmxscope_write_file("/proc/sys/kernel/printk", "1"));
	klogctl(5, NULL, 0);		/* SYSLOG_ACTION_CLEAR */
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(0, vmxscope_write_file("/proc/sysrq-trigger", "l"));
		usleep(100000);
	}
	len = klogctl(3, log, LOG_SIZE - 1);	/* SYSLOG_ACTION_READ_ALL */
	vmxscope_write_file("/proc/sys/kernel/printk", "8");
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (cpu = 0; cpu < ncpus; cpu++)
		pthread_join(th[cpu], NULL);
	close(fd);
	ASSERT_LT(0, len);
	log[len] = '\0';

	for (cpu = 0; cpu < ncpus; cpu++)
		EXPECT_EQ(ROUNDS, answers(log, cpu)) TH_LOG("cpu %d", cpu);
	/* Hidden from the console, so checked here. */
	trouble = vmxscope_log_trouble(log);
	EXPECT_EQ(NULL, trouble) TH_LOG("kernel log: %s", trouble ? trouble : "");
	/* Still every CPU in non-root mode. */
	EXPECT_EQ(ncpus, vmxscope_cpus_virtualized());
	free(log);
}

TEST_HARNESS_MAIN
