// SPDX-License-Identifier: GPL-2.0
/*
 * Suspend and resume under vmxscope, through /sys/power/pm_test at the
 * "core" level: the other CPUs go offline, syscore ops run on the last
 * one, everything comes back without firmware.  Afterwards every CPU is
 * virtualized again with the same traps.
 */
#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX	0xc0000103

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool has_state(const char *state)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/power/state", "r");

	if (!f)
		return false;
	fgets(buf, sizeof(buf), f);
	fclose(f);
	return strstr(buf, state);
}

static unsigned long long msr_reads_after_one(int fd, int cpu)
{
	char path[64];
	unsigned long long v, r, w;
	int m;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	m = open(path, O_RDONLY);
	if (m >= 0) {
		pread(m, &v, 8, TSC_AUX);
		close(m);
	}
	vmxscope_trap_count(fd, cpu, VMXSCOPE_KIND_MSR, TSC_AUX, &r, &w);
	return r;
}

TEST(suspend_resume_keeps_every_cpu_virtualized)
{
	struct vmxscope_msr_trap t = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cpu, fd;
	unsigned long long before[64], c0[64], c1[64];
	struct vmxscope_info info;
	unsigned int regs[4];
	long ok;

	if (access("/sys/power/pm_test", W_OK) || !has_state("mem"))
		SKIP(return, "no pm_test or no suspend-to-RAM in this kernel/machine");
	ASSERT_LE(ncpus, 64);
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMXSCOPE_TRAP_MSR, &t));
	for (cpu = 0; cpu < ncpus; cpu++)
		before[cpu] = msr_reads_after_one(fd, cpu);

	ok = read_long("/sys/power/suspend_stats/success");
	vmxscope_write_file("/sys/module/suspend/parameters/pm_test_delay", "1");
	ASSERT_EQ(0, vmxscope_write_file("/sys/power/pm_test", "core"));
	ASSERT_EQ(0, vmxscope_write_file("/sys/power/state", "mem"));
	vmxscope_write_file("/sys/power/pm_test", "none");
	/* The kernel went through suspend and resume. */
	EXPECT_EQ(ok + 1, read_long("/sys/power/suspend_stats/success"));

	ASSERT_EQ(0, ioctl(fd, VMXSCOPE_GET_INFO, &info));
	EXPECT_EQ(ncpus, info.nr_cpus_virt);
	for (cpu = 0; cpu < ncpus; cpu++) {
		/* The trap still holds there... */
		EXPECT_EQ(before[cpu] + 1, msr_reads_after_one(fd, cpu))
			TH_LOG("cpu %d", cpu);
		/* ...and the CPU runs in VMX non-root mode. */
		ASSERT_EQ(0, vmxscope_pin(cpu));
		ASSERT_EQ(0, vmxscope_exit_counts("CPUID", c0, ncpus));
		vmxscope_cpuid(0, regs);
		ASSERT_EQ(0, vmxscope_exit_counts("CPUID", c1, ncpus));
		EXPECT_EQ(c0[cpu] + 1, c1[cpu]) TH_LOG("cpu %d", cpu);
	}
	close(fd);
}

TEST_HARNESS_MAIN
