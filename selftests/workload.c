// SPDX-License-Identifier: GPL-2.0
/*
 * A busy kernel runs unchanged as vmxscope's guest: fork/exec, signals,
 * file I/O, page faults and timers on every CPU, each checked for the
 * result it must give.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

FIXTURE(busy) {
	int ncpus;
};

FIXTURE_SETUP(busy)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
}

FIXTURE_TEARDOWN(busy)
{
}

/* Runs @fn in a child pinned to each CPU in turn; all must exit 0. */
static void on_each_cpu_child(struct __test_metadata *_metadata, int ncpus,
			      int (*fn)(void))
{
	int cpu, status;
	pid_t pid;

	for (cpu = 0; cpu < ncpus; cpu++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(vmxscope_pin(cpu) ? 99 : fn());
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("cpu %d", cpu);
	}
}

static int fork_exec(void)
{
	int i, status;

	for (i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (!pid) {
			execl("/bin/sh", "sh", "-c", "exit 7", NULL);
			_exit(1);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 7)
			return 2;
	}
	return 0;
}

static int got;

static void on_usr1(int sig)
{
	__atomic_fetch_add(&got, 1, __ATOMIC_RELAXED);
}

static int signals(void)
{
	int i;

	signal(SIGUSR1, on_usr1);
	for (i = 0; i < 500; i++)
		raise(SIGUSR1);
	return __atomic_load_n(&got, __ATOMIC_RELAXED) == 500 ? 0 : 1;
}

static int file_io(void)
{
	static unsigned char buf[1 << 20], back[1 << 20];
	char path[64];
	size_t i;
	int fd, ret = 0;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i * 7 + getpid();
	snprintf(path, sizeof(path), "/tmp/workload.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	if (write(fd, buf, sizeof(buf)) != sizeof(buf) || fsync(fd) ||
	    pread(fd, back, sizeof(back), 0) != sizeof(back) ||
	    memcmp(buf, back, sizeof(buf)))
		ret = 2;
	close(fd);
	unlink(path);
	return ret;
}

static int page_faults(void)
{
	size_t len = 16 << 20, i;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret = 0;

	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < len; i += 4096)
		p[i] = i >> 12;
	for (i = 0; i < len; i += 4096)
		if (p[i] != (unsigned char)(i >> 12))
			ret = 2;
	munmap(p, len);
	return ret;
}

static int timers(void)
{
	struct itimerspec its = { .it_interval = { 0, 2000000 },
				  .it_value = { 0, 2000000 } };
	struct timespec t0, t1, nap = { 0, 5000000 };
	uint64_t ticks = 0, n;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL))
		return 1;
	while (ticks < 10) {
		if (read(fd, &n, sizeof(n)) != sizeof(n))
			return 2;
		ticks += n;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* At least the 5 ms asked for went by. */
	return (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec
		>= 5000000 ? 0 : 3;
}

TEST_F(busy, fork_exec)
{
	on_each_cpu_child(_metadata, self->ncpus, fork_exec);
}

TEST_F(busy, signals)
{
	on_each_cpu_child(_metadata, self->ncpus, signals);
}

TEST_F(busy, file_io)
{
	on_each_cpu_child(_metadata, self->ncpus, file_io);
}

TEST_F(busy, page_faults)
{
	on_each_cpu_child(_metadata, self->ncpus, page_faults);
}

TEST_F(busy, timers)
{
	on_each_cpu_child(_metadata, self->ncpus, timers);
}

/* All of it at once on every CPU, then vmxscope is still there on all. */
TEST_F(busy, everything_at_once)
{
	int (*const fns[])(void) = { fork_exec, signals, file_io, page_faults,
				     timers };
	int cpu, status, i, n = 0;
	struct vmxscope_info info;
	pid_t pid;

	for (cpu = 0; cpu < self->ncpus; cpu++) {
		for (i = 0; i < 5; i++) {
			pid = fork();
			ASSERT_LE(0, pid);
			if (!pid)
				_exit(vmxscope_pin(cpu) ? 99 : fns[i]());
			n++;
		}
	}
	while (n--) {
		ASSERT_LT(0, wait(&status));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	i = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, i);
	ASSERT_EQ(0, ioctl(i, VMXSCOPE_GET_INFO, &info));
	close(i);
	EXPECT_EQ(self->ncpus, info.nr_cpus_virt);
}

TEST_HARNESS_MAIN
