// SPDX-License-Identifier: GPL-2.0
/*
 * MSR traps: a trapped RDMSR/WRMSR exits, is performed with the same
 * result (#GP included), and is counted and traced on the CPU that ran it.
 * The test drives the accesses itself through /dev/cpu/N/msr, which runs
 * RDMSR/WRMSR on CPU N.
 */
#include <asm/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX		0xc0000103	/* high half; only RDTSCP/RDPID read it */
#define FEAT_CTL	0x3a		/* low half; locked: writes #GP */
#define N		20

static int trap_msr(int fd, unsigned int first, unsigned int last,
		    unsigned int flags)
{
	struct vmxscope_msr_trap t = { .first = first, .last = last, .flags = flags };

	return ioctl(fd, VMXSCOPE_TRAP_MSR, &t) ? -errno : 0;
}

static unsigned long long msr_reads(int fd, int cpu, unsigned int msr)
{
	unsigned long long r, w;

	vmxscope_trap_count(fd, cpu, VMXSCOPE_KIND_MSR, msr, &r, &w);
	return r;
}

static unsigned long long msr_writes(int fd, int cpu, unsigned int msr)
{
	unsigned long long r, w;

	vmxscope_trap_count(fd, cpu, VMXSCOPE_KIND_MSR, msr, &r, &w);
	return w;
}

/* Trace lines holding all three strings. */
static int msr_trace_lines(const char *a, const char *b, const char *c)
{
	const char *needles[4];

	needles[0] = a;
	needles[1] = b;
	needles[2] = c;
	needles[3] = NULL;
	return vmxscope_trace_lines(needles);
}

FIXTURE(msr) {
	int fd, ncpus;
};

FIXTURE_SETUP(msr)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
}

FIXTURE_TEARDOWN(msr)
{
	struct vmxscope_clear_traps c = { .flags = VMXSCOPE_TRAP_PERSIST };

	ioctl(self->fd, VMXSCOPE_CLEAR_TRAPS, &c);
	close(self->fd);
	vmxscope_tracefs_write("events/vmxscope/enable", "0");
}

/* Counted on the CPU that ran it, with the values the guest saw, and traced. */
TEST_F(msr, read_and_write_counted_and_traced_per_cpu)
{
	unsigned long long v, before_r[64], before_w[64];
	char cpu_s[16], val_s[32];
	int cpu, other, i;

	ASSERT_EQ(0, vmxscope_tracefs_write("events/vmxscope/vmxscope_msr/enable", "1"));
	ASSERT_EQ(0, trap_msr(self->fd, TSC_AUX, TSC_AUX,
			      VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE));
	for (cpu = 0; cpu < self->ncpus; cpu++) {

		for (other = 0; other < self->ncpus; other++) {
			before_r[other] = msr_reads(self->fd, other, TSC_AUX);
			before_w[other] = msr_writes(self->fd, other, TSC_AUX);
		}
		ASSERT_EQ(0, vmxscope_tracefs_write("trace", ""));
		for (i = 0; i < N; i++)
			ASSERT_EQ(0, vmxscope_rdmsr_on(cpu, TSC_AUX, &v));
		/* Linux keeps the CPU number in TSC_AUX: the read is real. */
		EXPECT_EQ(cpu, v & 0xfff);
		for (i = 0; i < N; i++)
			ASSERT_EQ(0, vmxscope_wrmsr_on(cpu, TSC_AUX, v));
		EXPECT_EQ(before_r[cpu] + N, msr_reads(self->fd, cpu, TSC_AUX));
		EXPECT_EQ(before_w[cpu] + N, msr_writes(self->fd, cpu, TSC_AUX));
		for (other = 0; other < self->ncpus; other++) {
			if (other == cpu)
				continue;
			EXPECT_EQ(before_r[other], msr_reads(self->fd, other, TSC_AUX));
			EXPECT_EQ(before_w[other], msr_writes(self->fd, other, TSC_AUX));
		}
		snprintf(cpu_s, sizeof(cpu_s), "cpu=%d ", cpu);
		snprintf(val_s, sizeof(val_s), "value=0x%llx", v);
		EXPECT_EQ(N, msr_trace_lines(cpu_s, "rdmsr", val_s));
		EXPECT_EQ(N, msr_trace_lines(cpu_s, "wrmsr", val_s));
	}
}

/*
 * One MSR of each kind vmxscope serves: through the MSR bitmap's low and
 * high halves (the real MSR), and those the VMCS switches (SDM 25.7.1,
 * 25.8.1), which vmxscope reads from and writes to the guest-state area.
 * @poke: a second value may be written for a moment, and then must be what
 * an untrapped read finds.
 */
static const struct {
	const char *name;
	unsigned int msr;
	unsigned long long poke;	/* XORed in; 0: keep the value */
} kinds[] = {
	{ "IA32_MISC_ENABLE (bitmap, low)", 0x1a0, 0 },
	{ "TSC_AUX (bitmap, high)", TSC_AUX, 0x100000 },
	{ "KERNEL_GS_BASE (bitmap, high)", 0xc0000102, 0 },
	{ "SYSENTER_CS (VMCS)", 0x174, 0 },
	{ "SYSENTER_ESP (VMCS)", 0x175, 0x40 },
	{ "SYSENTER_EIP (VMCS)", 0x176, 0 },
	{ "DEBUGCTL (VMCS)", 0x1d9, 0 },
	{ "PAT (VMCS)", 0x277, 0 },
	{ "EFER (VMCS)", 0xc0000080, 0 },
	{ "FS_BASE (VMCS)", 0xc0000100, 0 },
	{ "GS_BASE (VMCS)", 0xc0000101, 0 },
};

/*
 * Trapped, each reads what it reads untrapped and takes the write of the
 * value it holds as untrapped (or faults as untrapped), counted on the CPU
 * that ran it; a poked value is what the CPU then holds.  FS_BASE read in
 * this thread's syscall is this thread's FS base.
 */
TEST_F(msr, every_kind_of_msr_reads_and_writes_what_the_cpu_holds)
{
	unsigned long long v, v1, v2, fs, r0, w0, r1, w1;
	int cpu = self->ncpus - 1, rc, rc1, wrc;
	unsigned int i;

	ASSERT_EQ(0, vmxscope_pin(cpu));
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		unsigned int m = kinds[i].msr;
		struct vmxscope_clear_traps c = { 0 };

		rc = vmxscope_rdmsr_on(cpu, m, &v);
		ASSERT_EQ(0, rc) TH_LOG("%s: untrapped read", kinds[i].name);
		wrc = vmxscope_wrmsr_on(cpu, m, v);
		if (m == 0xc0000100)
			EXPECT_EQ(fs, v);

		ASSERT_EQ(0, trap_msr(self->fd, m, m, VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE));
		vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MSR, m, &r0, &w0);
		rc1 = vmxscope_rdmsr_on(cpu, m, &v1);
		EXPECT_EQ(0, rc1) TH_LOG("%s: trapped read", kinds[i].name);
		EXPECT_EQ(v, v1) TH_LOG("%s: trapped read", kinds[i].name);
		EXPECT_EQ(wrc, vmxscope_wrmsr_on(cpu, m, v))
			TH_LOG("%s: trapped write of its own value", kinds[i].name);
		EXPECT_EQ(0, vmxscope_rdmsr_on(cpu, m, &v2));
		EXPECT_EQ(v, v2) TH_LOG("%s: read after the write", kinds[i].name);
		vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MSR, m, &r1, &w1);
		EXPECT_EQ(r0 + 2, r1) TH_LOG("%s: reads counted", kinds[i].name);
		EXPECT_EQ(w0 + 1, w1) TH_LOG("%s: writes counted", kinds[i].name);

		if (kinds[i].poke && !wrc) {
			EXPECT_EQ(0, vmxscope_wrmsr_on(cpu, m, v ^ kinds[i].poke));
			EXPECT_EQ(0, vmxscope_rdmsr_on(cpu, m, &v1));
			EXPECT_EQ(v ^ kinds[i].poke, v1)
				TH_LOG("%s: trapped read of a new value", kinds[i].name);
			ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_CLEAR_TRAPS, &c));
			EXPECT_EQ(0, vmxscope_rdmsr_on(cpu, m, &v2));
			EXPECT_EQ(v ^ kinds[i].poke, v2)
				TH_LOG("%s: the CPU does not hold the new value", kinds[i].name);
			ASSERT_EQ(0, vmxscope_wrmsr_on(cpu, m, v));
		}
		ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_CLEAR_TRAPS, &c));
	}
}

/* Only what is trapped: reads only, and other MSRs not at all. */
TEST_F(msr, untrapped_records_nothing)
{
	unsigned long long v, r0 = msr_reads(self->fd, 0, FEAT_CTL);

	ASSERT_EQ(0, trap_msr(self->fd, TSC_AUX, TSC_AUX, VMXSCOPE_TRAP_READ));
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, FEAT_CTL, &v));
	EXPECT_EQ(r0, msr_reads(self->fd, 0, FEAT_CTL));
	r0 = msr_writes(self->fd, 0, TSC_AUX);
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	ASSERT_EQ(0, vmxscope_wrmsr_on(0, TSC_AUX, v));
	EXPECT_EQ(r0, msr_writes(self->fd, 0, TSC_AUX));
}

/* A write that faults natively (locked FEATURE_CONTROL) faults trapped too. */
TEST_F(msr, faulting_write_still_faults)
{
	unsigned long long v, w0;

	ASSERT_EQ(0, vmxscope_rdmsr_on(0, FEAT_CTL, &v));
	ASSERT_EQ(-EIO, vmxscope_wrmsr_on(0, FEAT_CTL, v));
	ASSERT_EQ(0, vmxscope_tracefs_write("events/vmxscope/vmxscope_msr/enable", "1"));
	ASSERT_EQ(0, vmxscope_tracefs_write("trace", ""));
	ASSERT_EQ(0, trap_msr(self->fd, FEAT_CTL, FEAT_CTL, VMXSCOPE_TRAP_WRITE));
	w0 = msr_writes(self->fd, 0, FEAT_CTL);
	EXPECT_EQ(-EIO, vmxscope_wrmsr_on(0, FEAT_CTL, v));
	EXPECT_EQ(w0 + 1, msr_writes(self->fd, 0, FEAT_CTL));
	EXPECT_EQ(1, msr_trace_lines("wrmsr", "msr=0x3a", "#GP"));
}

/* A trap lives as long as its file; shared ones until the last owner. */
TEST_F(msr, close_releases_and_sharing_keeps)
{
	int a = open(VMXSCOPE_DEVICE, O_RDWR), b = open(VMXSCOPE_DEVICE, O_RDWR);
	unsigned long long v, r;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, trap_msr(a, TSC_AUX, TSC_AUX, VMXSCOPE_TRAP_READ));
	ASSERT_EQ(0, trap_msr(b, TSC_AUX, TSC_AUX, VMXSCOPE_TRAP_READ));
	close(a);
	r = msr_reads(self->fd, 0, TSC_AUX);
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX)) TH_LOG("b still owns it");
	close(b);
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX)) TH_LOG("both gone");
}

/* A killed owner releases its traps as a clean close does. */
TEST_F(msr, killed_owner_releases)
{
	unsigned long long v, r;
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(VMXSCOPE_DEVICE, O_RDWR);

		if (fd < 0 || trap_msr(fd, TSC_AUX, TSC_AUX, VMXSCOPE_TRAP_READ))
			_exit(1);
		write(pipefd[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	r = msr_reads(self->fd, 0, TSC_AUX);
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX));
}

/* PERSIST traps outlive their file until cleared with PERSIST. */
TEST_F(msr, persistent_trap_outlives_its_file)
{
	struct vmxscope_clear_traps c = { .flags = VMXSCOPE_TRAP_PERSIST };
	int a = open(VMXSCOPE_DEVICE, O_RDWR);
	unsigned long long v, r;

	ASSERT_LE(0, a);
	ASSERT_EQ(0, trap_msr(a, TSC_AUX, TSC_AUX,
			      VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_PERSIST));
	close(a);
	r = msr_reads(self->fd, 0, TSC_AUX);
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_CLEAR_TRAPS, &c));
	ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	EXPECT_EQ(r + 1, msr_reads(self->fd, 0, TSC_AUX));
}

TEST_HARNESS_MAIN
