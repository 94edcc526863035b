// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events leave VMX root mode before any Linux code sees them: the
 * tracepoints fire in the guest (a stack trace taken by the event's
 * stacktrace trigger never shows vmxscope's exit handler), and none is
 * lost: while NMIs (NMI-backtrace IPIs) hit every CPU, each CPU's CPUID
 * exits and its vmxscope_exit events for CPUID agree exactly, the rings
 * report nothing dropped, and the kernel saw no NMI nobody claimed.
 */
#include <pthread.h>
#include <sys/klog.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define MAX_CPUS	64
#define N_CPUID		2000
#define EXIT_EVENT	"events/vmxscope/vmxscope_exit/"
#define LOG_SIZE	(1 << 20)
#define LOG_MARK	"vmxscope selftest events: NMI load"

static int stop;

/* Rounds of NMI backtraces on every CPU until told to stop. */
static void *nmi_load(void *arg)
{
	int fd;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		fd = open("/proc/sysrq-trigger", O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "l", 1) < 0)
				break;
			close(fd);
		}
		usleep(20000);
	}
	return NULL;
}

/* Per CPU: events recorded and dropped, /sys/kernel/debug/vmxscope/events. */
static int ring_counts(unsigned long long *posted, unsigned long long *dropped,
		       int ncpus)
{
	FILE *f = fopen("/sys/kernel/debug/vmxscope/events", "r");
	unsigned long long p, d;
	int cpu;

	if (!f)
		return -errno;
	while (fscanf(f, "%d %llu %llu", &cpu, &p, &d) == 3) {
		if (cpu >= 0 && cpu < ncpus) {
			posted[cpu] = p;
			dropped[cpu] = d;
		}
	}
	fclose(f);
	return 0;
}

/* What went wrong in the kernel log since LOG_MARK, or NULL. */
static const char *log_trouble(void)
{
	static char log[LOG_SIZE];
	const char *since;
	int len;

	len = klogctl(3, log, LOG_SIZE - 1);	/* SYSLOG_ACTION_READ_ALL */
	if (len <= 0)
		return "(kernel log unreadable)";
	log[len] = '\0';
	since = strstr(log, LOG_MARK);
	if (!since)
		return "(marker not found)";
	return vmxscope_log_trouble(since);
}

FIXTURE(events) {
	int ncpus;
};

FIXTURE_SETUP(events)
{
	int ret = vmxscope_ensure_loaded();

	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_LE(self->ncpus, MAX_CPUS);
	ASSERT_EQ(0, vmxscope_tracefs_write("trace", ""));
	ASSERT_EQ(0, vmxscope_tracefs_write("buffer_size_kb", "4096"));
}

FIXTURE_TEARDOWN(events)
{
	vmxscope_tracefs_write(EXIT_EVENT "enable", "0");
	vmxscope_tracefs_write(EXIT_EVENT "trigger", "!stacktrace");
	vmxscope_tracefs_write("trace", "");
}

/* Lines of the trace buffer that contain @needle. */
static int lines_with(const char *needle)
{
	const char *const needles[] = { needle, NULL };

	return vmxscope_trace_lines(needles);
}

TEST_F(events, tracepoints_fire_outside_root_mode)
{
	unsigned int regs[4];
	int i;

	ASSERT_EQ(0, vmxscope_tracefs_write(EXIT_EVENT "trigger", "stacktrace"));
	ASSERT_EQ(0, vmxscope_tracefs_write(EXIT_EVENT "enable", "1"));
	for (i = 0; i < 20; i++)
		vmxscope_cpuid(0, regs);
	usleep(100000);
	ASSERT_EQ(0, vmxscope_tracefs_write(EXIT_EVENT "enable", "0"));

	ASSERT_LT(0, lines_with("vmxscope_exit: cpu="));
	ASSERT_LT(0, lines_with("<stack trace>"));
	/* Root mode's frames: the exit handler and entry.S's exit path. */
	EXPECT_EQ(0, lines_with("vmxscope_handle_exit"));
	EXPECT_EQ(0, lines_with("vmxscope_vmexit"));
	/* The guest side's irq_work fired them. */
	EXPECT_LT(0, lines_with("irq_work"));
}

TEST_F_TIMEOUT(events, every_exit_event_arrives_under_nmis, 600)
{
	unsigned long long before[MAX_CPUS], after[MAX_CPUS];
	unsigned long long posted0[MAX_CPUS] = { 0 }, dropped0[MAX_CPUS] = { 0 };
	unsigned long long posted1[MAX_CPUS] = { 0 }, dropped1[MAX_CPUS] = { 0 };
	unsigned int regs[4];
	const char *trouble;
	char needle[64];
	pthread_t nmi;
	int cpu, i, n;

	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", before, self->ncpus));
	ASSERT_EQ(0, ring_counts(posted0, dropped0, self->ncpus));
	ASSERT_EQ(0, vmxscope_tracefs_write(EXIT_EVENT "enable", "1"));
	/*
	 * The backtraces are the means, not news: keep them off the console,
	 * and read what the kernel said meanwhile from its log instead.
	 */
	ASSERT_EQ(0, vmxscope_write_file("/dev/kmsg", LOG_MARK));
	ASSERT_EQ(0, vmxscope_write_file("/proc/sys/kernel/printk", "1"));
	ASSERT_EQ(0, pthread_create(&nmi, NULL, nmi_load, NULL));
	for (cpu = 0; cpu < self->ncpus; cpu++) {
		ASSERT_EQ(0, vmxscope_pin(cpu));
		for (i = 0; i < N_CPUID; i++)
			vmxscope_cpuid(0, regs);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(nmi, NULL);
	usleep(200000);		/* the last doorbells */
	vmxscope_write_file("/proc/sys/kernel/printk", "8");
	trouble = log_trouble();
	EXPECT_EQ(NULL, trouble) TH_LOG("kernel log: %s", trouble ? trouble : "");
	ASSERT_EQ(0, vmxscope_tracefs_write(EXIT_EVENT "enable", "0"));
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", after, self->ncpus));
	ASSERT_EQ(0, ring_counts(posted1, dropped1, self->ncpus));

	for (cpu = 0; cpu < self->ncpus; cpu++) {
		snprintf(needle, sizeof(needle), "vmxscope_exit: cpu=%d reason=CPUID ", cpu);
		n = lines_with(needle);
		EXPECT_LE(N_CPUID, after[cpu] - before[cpu]) TH_LOG("CPU %d", cpu);
		EXPECT_EQ(after[cpu] - before[cpu], n)
			TH_LOG("CPU %d: %llu CPUID exits, %d events", cpu,
			       after[cpu] - before[cpu], n);
		EXPECT_EQ(dropped0[cpu], dropped1[cpu]) TH_LOG("CPU %d dropped", cpu);
		EXPECT_LT(posted0[cpu], posted1[cpu]) TH_LOG("CPU %d recorded", cpu);
	}
}

TEST_HARNESS_MAIN
