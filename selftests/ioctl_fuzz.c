// SPDX-License-Identifier: GPL-2.0
/*
 * An ioctl fuzzer: one thread per CPU, pinned, throws random commands,
 * sizes, pointers, flags and ranges at /dev/vmxscope for a bounded time,
 * some of them through files closed and reopened midway.  Every call must
 * be answered with success or an errno the ABI documents; afterwards the
 * module still works and the kernel log is clean (checked by the runner).
 */
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define SECONDS		15	/* guest seconds; $vmxtest_fuzz_seconds */

static const int documented[] = {
	0, EINVAL, ERANGE, ENOENT, EBUSY, EFAULT, ENOTTY, EPERM, ENODEV, ENOMEM,
	ENOSPC, EOPNOTSUPP,
};

struct fuzzer {
	int cpu;
	unsigned int seed;
	unsigned long calls, bad;
	int bad_errno;
	unsigned long bad_cmd;
};

static void *ro_page, *unmapped;

static unsigned int rnd(struct fuzzer *f)
{
	return rand_r(&f->seed);
}

/* Values near the edges that the checks care about. */
static unsigned int edge(struct fuzzer *f)
{
	static const unsigned int v[] = {
		0, 1, 2, 3, 13, 14, 18, 31, 32, 0x70, 0x71, 0xff, 0x1fff, 0x2000,
		0xffff, 0x10000, 0xc0000000, 0xc0000103, 0xc0001fff, 0xc0002000,
		0x40000000, 0xffffffff,
	};

	return rnd(f) % 4 ? v[rnd(f) % ARRAY_SIZE(v)] : rnd(f);
}

static unsigned long random_cmd(struct fuzzer *f)
{
	static const unsigned long known[] = {
		VMXSCOPE_GET_INFO, VMXSCOPE_TRAP_MSR, VMXSCOPE_UNTRAP_MSR,
		VMXSCOPE_TRAP_IO, VMXSCOPE_UNTRAP_IO, VMXSCOPE_TRAP_EXC,
		VMXSCOPE_UNTRAP_EXC, VMXSCOPE_CLEAR_TRAPS, VMXSCOPE_GET_EXIT_STATS,
		VMXSCOPE_GET_TRAP_STATS, VMXSCOPE_UNTRAP_MEM, VMXSCOPE_GET_MEM_TRAPS,
	};
	unsigned long cmd = known[rnd(f) % ARRAY_SIZE(known)];

	switch (rnd(f) % 8) {
	case 0:		/* another size */
		return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       ((unsigned long)(rnd(f) % 1024) << _IOC_SIZESHIFT);
	case 1:		/* another number or direction */
		return _IOC(rnd(f) % 4, VMXSCOPE_IOC_MAGIC, rnd(f) % 0x40,
			    rnd(f) % 128);
	case 2:
		return rnd(f);
	default:
		return cmd;
	}
}

static void *random_arg(struct fuzzer *f, unsigned char *buf, size_t len)
{
	size_t i;

	switch (rnd(f) % 10) {
	case 0:
		return NULL;
	case 1:
		return (void *)(unsigned long)rnd(f);
	case 2:
		return (void *)0xffffffff81000000UL;	/* kernel address */
	case 3:
		return ro_page;
	case 4:
		return unmapped;
	default:
		for (i = 0; i < len; i += 4) {
			unsigned int v = rnd(f) % 3 ? 0 : edge(f);

			memcpy(buf + i, &v, 4);
		}
		/* Mostly well-formed heads: first, last, flags. */
		((unsigned int *)buf)[0] = edge(f);
		((unsigned int *)buf)[1] = edge(f);
		((unsigned int *)buf)[2] = rnd(f) % 8;
		return buf;
	}
}

static bool is_documented(int e)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(documented); i++)
		if (documented[i] == e)
			return true;
	return false;
}

static void *fuzz(void *arg)
{
	struct fuzzer *f = arg;
	unsigned long long words[128];	/* 8-byte aligned */
	unsigned char *buf = (unsigned char *)words;
	struct vmxscope_clear_traps clear = { .flags = VMXSCOPE_TRAP_PERSIST };
	const char *env = getenv("vmxtest_fuzz_seconds");
	time_t end = time(NULL) + (env ? atoi(env) : SECONDS);
	int fd = open(VMXSCOPE_DEVICE, O_RDWR);

	vmxscope_pin(f->cpu);
	while (fd >= 0 && time(NULL) < end) {
		unsigned long cmd = random_cmd(f);
		int ret, e;

		ret = ioctl(fd, cmd, random_arg(f, buf, sizeof(words)));
		e = ret ? errno : 0;
		f->calls++;
		if (!is_documented(e)) {
			f->bad++;
			f->bad_errno = e;
			f->bad_cmd = cmd;
		}
		/* Drop traps now and then, and the file itself. */
		if (rnd(f) % 64 == 0)
			ioctl(fd, VMXSCOPE_CLEAR_TRAPS, &clear);
		if (rnd(f) % 256 == 0) {
			close(fd);
			fd = open(VMXSCOPE_DEVICE, O_RDWR);
		}
	}
	if (fd >= 0) {
		ioctl(fd, VMXSCOPE_CLEAR_TRAPS, &clear);
		close(fd);
	}
	return NULL;
}

/* The fuzzing time is $vmxtest_fuzz_seconds (make stress: 120). */
FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, concurrent_random_ioctls_get_documented_answers, 1800)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), i;
	struct fuzzer f[64] = { 0 };
	pthread_t t[64];
	unsigned long calls = 0;
	unsigned int regs[4];
	unsigned long long a[64], b[64];

	ASSERT_LE(ncpus, 64);
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro_page);
	ASSERT_NE(MAP_FAILED, unmapped);
	munmap(unmapped, 4096);
	for (i = 0; i < ncpus; i++) {
		f[i].cpu = i;
		f[i].seed = 0x5eed + i * 7919;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fuzz, &f[i]));
	}
	for (i = 0; i < ncpus; i++) {
		pthread_join(t[i], NULL);
		calls += f[i].calls;
		EXPECT_EQ(0, f[i].bad) TH_LOG("cpu %d: errno %d for cmd %#lx",
					      i, f[i].bad_errno, f[i].bad_cmd);
	}
	TH_LOG("%lu calls", calls);
	EXPECT_LT(1000, calls);

	/* Still loaded and still virtualizing. */
	ASSERT_TRUE(vmxscope_loaded());
	ASSERT_EQ(0, vmxscope_pin(0));
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", a, ncpus));
	vmxscope_cpuid(0, regs);
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", b, ncpus));
	EXPECT_EQ(a[0] + 1, b[0]);
}

TEST_HARNESS_MAIN
