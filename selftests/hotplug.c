// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug under vmxscope: a CPU going offline leaves VMX first, one
 * coming online is virtualized again with the traps in force, and its
 * statistics survive.
 */
#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX	0xc0000103
#define CYCLES	10

static int set_online(int cpu, int on)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, on ? "1" : "0", 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

static unsigned long long reads_on(int fd, int cpu)
{
	unsigned long long r, w;

	vmxscope_trap_count(fd, cpu, VMXSCOPE_KIND_MSR, TSC_AUX, &r, &w);
	return r;
}

static int rdmsr_on(int cpu)
{
	unsigned long long v;

	return vmxscope_rdmsr_on(cpu, TSC_AUX, &v);
}

/* CPUID exits counted on @cpu for one CPUID run there. */
static long long cpuid_exits_on(int cpu, int ncpus)
{
	unsigned long long a[64], b[64];
	unsigned int regs[4];

	if (vmxscope_pin(cpu) || vmxscope_exit_counts("CPUID", a, ncpus))
		return -1;
	vmxscope_cpuid(0, regs);
	if (vmxscope_exit_counts("CPUID", b, ncpus) || vmxscope_pin(0))
		return -1;
	return b[cpu] - a[cpu];
}

FIXTURE(hp) {
	int fd, ncpus;
};

FIXTURE_SETUP(hp)
{
	struct vmxscope_msr_trap t = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };

	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (self->ncpus < 2)
		SKIP(return, "needs a second CPU to take offline");
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_TRAP_MSR, &t));
}

FIXTURE_TEARDOWN(hp)
{
	if (self->ncpus >= 2) {
		set_online(self->ncpus - 1, 1);
		close(self->fd);
	}
}

TEST_F(hp, offline_online_keeps_traps_and_stats)
{
	int cpu = self->ncpus - 1, i;
	unsigned long long before;

	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, rdmsr_on(cpu));
		before = reads_on(self->fd, cpu);
		ASSERT_LE(1, before) TH_LOG("cycle %d", i);

		ASSERT_EQ(0, set_online(cpu, 0)) TH_LOG("cycle %d", i);
		EXPECT_EQ(self->ncpus - 1, vmxscope_cpus_virtualized());
		/* The statistics of the offline CPU are still there. */
		EXPECT_EQ(before, reads_on(self->fd, cpu));

		ASSERT_EQ(0, set_online(cpu, 1)) TH_LOG("cycle %d", i);
		EXPECT_EQ(self->ncpus, vmxscope_cpus_virtualized());
		/* Virtualized again, with the trap in force. */
		ASSERT_EQ(0, rdmsr_on(cpu));
		EXPECT_EQ(before + 1, reads_on(self->fd, cpu)) TH_LOG("cycle %d", i);
		EXPECT_EQ(1, cpuid_exits_on(cpu, self->ncpus));
	}
}

/* Traps changed while a CPU is offline reach it when it comes back. */
TEST_F(hp, trap_change_while_offline_applies_on_online)
{
	struct vmxscope_msr_trap t = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };
	int cpu = self->ncpus - 1;
	unsigned long long before;

	ASSERT_EQ(0, set_online(cpu, 0));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_UNTRAP_MSR, &t));
	ASSERT_EQ(0, set_online(cpu, 1));
	before = reads_on(self->fd, cpu);
	ASSERT_EQ(0, rdmsr_on(cpu));
	EXPECT_EQ(before, reads_on(self->fd, cpu));
	ASSERT_EQ(0, set_online(cpu, 0));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_TRAP_MSR, &t));
	ASSERT_EQ(0, set_online(cpu, 1));
	ASSERT_EQ(0, rdmsr_on(cpu));
	EXPECT_EQ(before + 1, reads_on(self->fd, cpu));
}

TEST_HARNESS_MAIN
