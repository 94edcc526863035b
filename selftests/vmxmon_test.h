/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vmxmon selftests.  They run as root inside the
 * emulated VT-x machine, where the module is /vmxmon/vmxmon.ko unless
 * $VMXMON_KO says otherwise.
 */
#ifndef VMXMON_TEST_H
#define VMXMON_TEST_H

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/vmxmon.h>

static inline const char *vmxmon_ko_path(void)
{
	const char *p = getenv("VMXMON_KO");

	return p ? p : "/vmxmon/vmxmon.ko";
}

static inline bool vmxmon_loaded(void)
{
	return access("/sys/module/vmxmon", F_OK) == 0;
}

/* finit_module(2) of vmxmon.ko with @params; returns 0 or -errno. */
static inline int vmxmon_load(const char *params)
{
	int fd = open(vmxmon_ko_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* delete_module(2); returns 0 or -errno. */
static inline int vmxmon_unload(void)
{
	return syscall(SYS_delete_module, "vmxmon", O_NONBLOCK) ? -errno : 0;
}

/* Make sure the module is loaded, for tests that are not about loading. */
static inline int vmxmon_ensure_loaded(void)
{
	int ret;

	if (vmxmon_loaded())
		return 0;
	ret = vmxmon_load(NULL);
	return ret == -EEXIST ? 0 : ret;
}

/* Pins the calling thread to @cpu; returns 0 or -errno. */
static inline int vmxmon_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/*
 * Exit counts of @reason (a name from VMXMON_EXIT_REASONS) for every CPU,
 * from /sys/kernel/debug/vmxmon/exits.  Returns 0 or -errno.
 */
static inline int vmxmon_exit_counts(const char *reason, unsigned long long *counts,
				     int ncpus)
{
	FILE *f = fopen("/sys/kernel/debug/vmxmon/exits", "r");
	unsigned long long n;
	char name[64];
	int cpu;

	if (!f)
		return -errno;
	memset(counts, 0, sizeof(*counts) * ncpus);
	while (fscanf(f, "%d %63s %llu", &cpu, name, &n) == 3)
		if (cpu >= 0 && cpu < ncpus && !strcmp(name, reason))
			counts[cpu] = n;
	fclose(f);
	return 0;
}

static inline void vmxmon_cpuid(unsigned int leaf, unsigned int *regs)
{
	asm volatile("cpuid"
		     : "=a" (regs[0]), "=b" (regs[1]), "=c" (regs[2]), "=d" (regs[3])
		     : "a" (leaf), "c" (0));
}

#endif /* VMXMON_TEST_H */
