// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI's refusals: every malformed call gets its documented
 * errno (Documentation/ioctl-abi.rst) and changes nothing; callers without
 * CAP_SYS_ADMIN cannot change traps.
 */
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX	0xc0000103

FIXTURE(abi) {
	int fd;
};

FIXTURE_SETUP(abi)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(abi)
{
	close(self->fd);
}

static int err(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static unsigned long long tsc_aux_reads_cpu0(int fd)
{
	unsigned long long r, w, v;
	int m = open("/dev/cpu/0/msr", O_RDONLY);

	if (m >= 0) {
		pread(m, &v, 8, TSC_AUX);
		close(m);
	}
	vmxscope_trap_count(fd, 0, VMXSCOPE_KIND_MSR, TSC_AUX, &r, &w);
	return r;
}

TEST_F(abi, unknown_command_and_wrong_size_are_enotty)
{
	char buf[64] = { 0 };

	EXPECT_EQ(ENOTTY, err(self->fd, _IO(VMXSCOPE_IOC_MAGIC, 0x7f), buf));
	EXPECT_EQ(ENOTTY, err(self->fd, _IOW(VMXSCOPE_IOC_MAGIC, 0x10, char[12]), buf));
	EXPECT_EQ(ENOTTY, err(self->fd, _IOR(VMXSCOPE_IOC_MAGIC, 0x00, char[8]), buf));
	EXPECT_EQ(ENOTTY, err(self->fd, _IOW('x', 0x10, struct vmxscope_msr_trap), buf));
}

TEST_F(abi, malformed_traps_are_refused_and_change_nothing)
{
	struct vmxscope_msr_trap m = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };
	struct vmxscope_io_trap io = { .first = 0x70, .last = 0x71,
				     .flags = VMXSCOPE_TRAP_READ };
	struct vmxscope_exc_trap e = { .vector = 6 };
	struct vmxscope_clear_traps c = { 0 };
	unsigned long long before = tsc_aux_reads_cpu0(self->fd);

	m.reserved[4] = 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.reserved[4] = 0;
	m.flags = 0;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.flags = VMXSCOPE_TRAP_READ | 0x100;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.flags = VMXSCOPE_TRAP_READ;
	m.first = TSC_AUX + 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.first = 0x2000;
	m.last = 0x2000;
	EXPECT_EQ(ERANGE, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.first = 0x1fff;
	m.last = 0xc0000000;
	EXPECT_EQ(ERANGE, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	m.first = m.last = 0x40000000;
	EXPECT_EQ(ERANGE, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	EXPECT_EQ(EFAULT, err(self->fd, VMXSCOPE_TRAP_MSR, NULL));
	EXPECT_EQ(EFAULT, err(self->fd, VMXSCOPE_TRAP_MSR, (void *)16));

	io.reserved[0] = 7;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_IO, &io));
	io.reserved[0] = 0;
	io.last = 0x10000;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_IO, &io));
	io.first = 0x80;
	io.last = 0x70;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_IO, &io));
	EXPECT_EQ(EFAULT, err(self->fd, VMXSCOPE_TRAP_IO, (void *)8));

	e.vector = 2;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_EXC, &e));
	e.vector = 32;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_EXC, &e));
	e.vector = 6;
	e.pfec_mask = 2;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_EXC, &e));
	e.pfec_mask = 0;
	e.flags = VMXSCOPE_TRAP_READ;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_EXC, &e));
	e.flags = 0;
	e.reserved[3] = 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_TRAP_EXC, &e));

	c.reserved[2] = 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_CLEAR_TRAPS, &c));
	c.reserved[2] = 0;
	c.flags = 8;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_CLEAR_TRAPS, &c));

	/* Untrapping what the caller does not own. */
	m.first = m.last = TSC_AUX;
	EXPECT_EQ(ENOENT, err(self->fd, VMXSCOPE_UNTRAP_MSR, &m));

	/* None of it took effect: TSC_AUX reads are still not counted. */
	EXPECT_EQ(before, tsc_aux_reads_cpu0(self->fd));
}

/* One #PF error-code filter at a time, whoever owns it. */
TEST_F(abi, conflicting_pf_filters_are_ebusy)
{
	struct vmxscope_exc_trap a = { .vector = 14, .pfec_mask = 2, .pfec_match = 2 };
	struct vmxscope_exc_trap b = { .vector = 14, .pfec_mask = 4, .pfec_match = 4 };
	int other = open(VMXSCOPE_DEVICE, O_RDWR);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, err(self->fd, VMXSCOPE_TRAP_EXC, &a));
	EXPECT_EQ(EBUSY, err(other, VMXSCOPE_TRAP_EXC, &b));
	EXPECT_EQ(0, err(other, VMXSCOPE_TRAP_EXC, &a));
	close(other);
	EXPECT_EQ(0, err(self->fd, VMXSCOPE_UNTRAP_EXC, &a));
	EXPECT_EQ(0, err(self->fd, VMXSCOPE_TRAP_EXC, &b));
	EXPECT_EQ(0, err(self->fd, VMXSCOPE_UNTRAP_EXC, &b));
}

TEST_F(abi, stats_requests_are_checked)
{
	struct vmxscope_exit_stats es = { .cpu = 4096 };
	struct vmxscope_trap_stats ts = { .cpu = 0, .capacity = 4, .counts = 16 };
	struct vmxscope_msr_trap m = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };

	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_GET_EXIT_STATS, &es));
	es.cpu = 0;
	es.reserved[1] = 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_GET_EXIT_STATS, &es));
	es.reserved[1] = 0;
	EXPECT_EQ(0, err(self->fd, VMXSCOPE_GET_EXIT_STATS, &es));
	EXPECT_EQ(EFAULT, err(self->fd, VMXSCOPE_GET_EXIT_STATS, (void *)24));
	/* A bad counts pointer faults once there is something to copy. */
	ASSERT_EQ(0, err(self->fd, VMXSCOPE_TRAP_MSR, &m));
	tsc_aux_reads_cpu0(self->fd);
	EXPECT_EQ(EFAULT, err(self->fd, VMXSCOPE_GET_TRAP_STATS, &ts));
	ts.counts = 0;
	ts.capacity = 0;
	EXPECT_EQ(0, err(self->fd, VMXSCOPE_GET_TRAP_STATS, &ts));
	EXPECT_LE(1, ts.nr);
	ts.reserved[0] = 1;
	EXPECT_EQ(EINVAL, err(self->fd, VMXSCOPE_GET_TRAP_STATS, &ts));
}

/* The exit counts of the ioctl see a CPUID on this CPU. */
TEST_F(abi, exit_stats_count_cpuid)
{
	struct vmxscope_exit_stats a = { .cpu = 0 }, b = { .cpu = 0 };
	unsigned int regs[4];

	ASSERT_EQ(0, vmxscope_pin(0));
	ASSERT_EQ(0, err(self->fd, VMXSCOPE_GET_EXIT_STATS, &a));
	vmxscope_cpuid(0, regs);
	ASSERT_EQ(0, err(self->fd, VMXSCOPE_GET_EXIT_STATS, &b));
	EXPECT_LE(a.exits[VMXSCOPE_EXIT_CPUID] + 1, b.exits[VMXSCOPE_EXIT_CPUID]);
}

/* Every ioctl but GET_INFO: trap changes, statistics, controls, VMCS. */
static const unsigned long privileged_ioctls[] = {
	VMXSCOPE_TRAP_MSR, VMXSCOPE_UNTRAP_MSR, VMXSCOPE_TRAP_IO,
	VMXSCOPE_UNTRAP_IO, VMXSCOPE_TRAP_EXC, VMXSCOPE_UNTRAP_EXC,
	VMXSCOPE_CLEAR_TRAPS, VMXSCOPE_GET_EXIT_STATS, VMXSCOPE_GET_TRAP_STATS,
	VMXSCOPE_GET_LATENCY, VMXSCOPE_GET_CONTROLS, VMXSCOPE_GET_VMCS,
	VMXSCOPE_TRAP_MEM, VMXSCOPE_UNTRAP_MEM, VMXSCOPE_GET_MEM_TRAPS,
};

/* The index of the first privileged ioctl that did not give EPERM, or -1. */
static int first_not_eperm(int fd)
{
	static char arg[4096];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(privileged_ioctls); i++)
		if (err(fd, privileged_ioctls[i], arg) != EPERM)
			return i;
	return -1;
}

/* Turns CAP_SYS_ADMIN off or on in this thread's effective set. */
static int cap_sys_admin(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective |= CAP_TO_MASK(CAP_SYS_ADMIN);
	else
		d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d);
}

/*
 * The check is CAP_SYS_ADMIN, not uid 0: root without it in its effective
 * set gets EPERM from every privileged ioctl, and the same fd works again
 * once the capability is back.
 */
TEST_F(abi, root_without_cap_sys_admin_gets_eperm)
{
	struct vmxscope_exit_stats st = { .cpu = 0 };
	int status, bad;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		if (cap_sys_admin(false))
			_exit(2);
		bad = first_not_eperm(self->fd);
		if (bad >= 0)
			_exit(10 + bad);
		if (cap_sys_admin(true))
			_exit(3);
		if (err(self->fd, VMXSCOPE_GET_EXIT_STATS, &st))
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("exit %d: 10+ is the index of the ioctl that did not give EPERM",
		       WEXITSTATUS(status));
}

/*
 * Without CAP_SYS_ADMIN an fd opened by root reads GET_INFO and nothing
 * else: each privileged ioctl gives EPERM, with a valid argument too.
 */
TEST_F(abi, unprivileged_caller_gets_eperm)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct vmxscope_msr_trap m = { .first = TSC_AUX, .last = TSC_AUX,
					     .flags = VMXSCOPE_TRAP_READ };
		struct vmxscope_info info;
		int bad;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (err(self->fd, VMXSCOPE_TRAP_MSR, &m) != EPERM)
			_exit(3);
		if (err(self->fd, VMXSCOPE_GET_INFO, &info))
			_exit(4);
		bad = first_not_eperm(self->fd);
		_exit(bad < 0 ? 0 : 10 + bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("exit %d: 10+ is the index of the ioctl that did not give EPERM",
		       WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
