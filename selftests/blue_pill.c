// SPDX-License-Identifier: GPL-2.0
/*
 * With vmxscope loaded, every CPU runs Linux in VMX non-root mode: CPUID
 * always exits there (SDM 26.1.2), so a CPUID pinned to CPU n must raise
 * CPU n's CPUID exit count, and only that one.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define N_CPUID	1000

FIXTURE(loaded) {
	int ncpus;
};

FIXTURE_SETUP(loaded)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_GE(self->ncpus, 1);
}

FIXTURE_TEARDOWN(loaded)
{
}

TEST_F(loaded, every_cpu_counted_virtualized)
{
	struct vmxscope_info info;
	int fd = open(VMXSCOPE_DEVICE, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VMXSCOPE_GET_INFO, &info));
	close(fd);
	EXPECT_EQ(self->ncpus, info.nr_cpus_virt);
	EXPECT_NE(0, info.caps & VMXSCOPE_CAP_HYPERVISOR);
}

/*
 * After a kexec or a crash kexec the previous kernel passes its CPU count
 * (vmxtest_cpus= on the command line): a CPU it left in VMX non-root
 * could not be started here (INIT only causes a VM exit, SDM 26.2).
 */
TEST_F(loaded, every_cpu_of_the_previous_kernel_came_up)
{
	char cmdline[4096] = "", *p;
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	ASSERT_LE(0, fd);
	n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	ASSERT_LT(0, n);
	p = strstr(cmdline, "vmxtest_cpus=");
	if (!p)
		SKIP(return, "not booted by kexec (no vmxtest_cpus=)");
	EXPECT_EQ(atoi(p + strlen("vmxtest_cpus=")), self->ncpus);
}

TEST_F(loaded, cpuid_exits_on_the_cpu_that_ran_it)
{
	unsigned long long before[64], after[64];
	unsigned int regs[4];
	int cpu, other, i;

	ASSERT_LE(self->ncpus, 64);
	for (cpu = 0; cpu < self->ncpus; cpu++) {
		ASSERT_EQ(0, vmxscope_pin(cpu));
		ASSERT_EQ(0, vmxscope_exit_counts("CPUID", before, self->ncpus));
		for (i = 0; i < N_CPUID; i++)
			vmxscope_cpuid(0, regs);
		ASSERT_EQ(0, vmxscope_exit_counts("CPUID", after, self->ncpus));
		TH_LOG("cpu %d: CPUID exits %llu -> %llu", cpu, before[cpu],
		       after[cpu]);
		EXPECT_GE(after[cpu] - before[cpu], N_CPUID) TH_LOG("cpu %d", cpu);
		for (other = 0; other < self->ncpus; other++)
			if (other != cpu)
				EXPECT_LT(after[other] - before[other], N_CPUID / 10)
					TH_LOG("cpu %d counted cpu %d's CPUIDs", other, cpu);
	}
}

/*
 * CPUID still answers as the CPU does: the vendor string is intact.  Only
 * VMX is hidden, since VT-x is vmxscope's while it is loaded
 * (Documentation/design.rst, "Coexisting with KVM").
 */
TEST_F(loaded, cpuid_results_pass_through)
{
	unsigned int regs[4];
	char vendor[13];

	vmxscope_cpuid(0, regs);
	memcpy(vendor, &regs[1], 4);
	memcpy(vendor + 4, &regs[3], 4);
	memcpy(vendor + 8, &regs[2], 4);
	vendor[12] = '\0';
	EXPECT_STREQ("GenuineIntel", vendor);
	vmxscope_cpuid(1, regs);
	EXPECT_EQ(0, regs[2] & (1u << 5)) TH_LOG("CPUID.1:ECX.VMX");
}

/* Whether /proc/iomem lists System RAM ending above 4 GiB. */
static bool ram_above_4g(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	unsigned long long start, end;
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, "System RAM") &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2 &&
		    end >= 1ULL << 32)
			found = true;
	fclose(f);
	return found;
}

/*
 * RAM above the PCI hole is in the EPT identity map: pages this process
 * gets there (Linux hands out ZONE_NORMAL first) keep what is written to
 * them and every CPU stays virtualized (an EPT violation gives the CPU
 * back).  The matrix boots 8 GiB for it.
 */
TEST_F(loaded, ram_above_4g_keeps_its_contents)
{
	const size_t len = 64 << 20, page = 4096;
	unsigned long long entry;
	size_t i, high = 0;
	unsigned char *p;
	int pm;

	if (!ram_above_4g())
		SKIP(return, "no RAM above 4 GiB in this machine");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	pm = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_LE(0, pm);
	for (i = 0; i < len; i += page)
		p[i] = (unsigned char)(i / page * 7 + 1);
	for (i = 0; i < len; i += page) {
		ASSERT_EQ(8, pread(pm, &entry, 8, (uintptr_t)(p + i) / page * 8));
		/* Bit 63: present; bits 0-54: the page frame (root only). */
		if ((entry >> 63) && (entry & ((1ULL << 55) - 1)) >= (1ULL << 32) / page) {
			high++;
			EXPECT_EQ((unsigned char)(i / page * 7 + 1), p[i]);
		}
	}
	close(pm);
	munmap(p, len);
	EXPECT_LT(0, high) TH_LOG("no page of 64 MiB landed above 4 GiB");
	/* An EPT violation there would have given a CPU back. */
	EXPECT_EQ(self->ncpus, vmxscope_cpus_virtualized());
}

TEST_HARNESS_MAIN
