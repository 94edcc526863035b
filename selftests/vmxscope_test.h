/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vmxscope selftests.  They run as root inside the
 * emulated VT-x machine, where the module is /vmxscope/vmxscope.ko unless
 * $VMXSCOPE_KO says otherwise.
 */
#ifndef VMXSCOPE_TEST_H
#define VMXSCOPE_TEST_H

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static inline const char *vmxscope_ko_path(void)
{
	const char *p = getenv("VMXSCOPE_KO");

	return p ? p : "/vmxscope/vmxscope.ko";
}

static inline bool vmxscope_loaded(void)
{
	return access("/sys/module/vmxscope", F_OK) == 0;
}

/* finit_module(2) of the module file @path; returns 0 or -errno. */
static inline int vmxscope_load_file(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* finit_module(2) of vmxscope.ko with @params; returns 0 or -errno. */
static inline int vmxscope_load(const char *params)
{
	return vmxscope_load_file(vmxscope_ko_path(), params);
}

/*
 * The fault-injection build (make VMXSCOPE_TEST=y: fail_cpu=, test_corrupt=
 * and the like), /vmxscope/test/vmxscope.ko unless $VMXSCOPE_TEST_KO says
 * otherwise; the production module has none of its parameters.
 */
static inline int vmxscope_load_test_build(const char *params)
{
	const char *p = getenv("VMXSCOPE_TEST_KO");

	return vmxscope_load_file(p ? p : "/vmxscope/test/vmxscope.ko", params);
}

/* Writes @val to a file opened with O_WRONLY | @flags; 0 or -errno. */
static inline int __vmxscope_write(const char *path, const char *val, int flags)
{
	int fd = open(path, O_WRONLY | flags), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Writes @val to a sysfs or procfs file; 0 or -errno. */
static inline int vmxscope_write_file(const char *path, const char *val)
{
	return __vmxscope_write(path, val, 0);
}

/* delete_module(2); returns 0 or -errno. */
static inline int vmxscope_unload(void)
{
	return syscall(SYS_delete_module, "vmxscope", O_NONBLOCK) ? -errno : 0;
}

/* Make sure the module is loaded, for tests that are not about loading. */
static inline int vmxscope_ensure_loaded(void)
{
	int ret;

	if (vmxscope_loaded())
		return 0;
	ret = vmxscope_load(NULL);
	return ret == -EEXIST ? 0 : ret;
}

/* Pins the calling thread to @cpu; returns 0 or -errno. */
static inline int vmxscope_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/*
 * Exit counts of @reason (a name from VMXSCOPE_EXIT_REASONS) for every CPU,
 * from /sys/kernel/debug/vmxscope/exits.  Returns 0 or -errno.
 */
static inline int vmxscope_exit_counts(const char *reason, unsigned long long *counts,
				     int ncpus)
{
	FILE *f = fopen("/sys/kernel/debug/vmxscope/exits", "r");
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

static inline void vmxscope_cpuid(unsigned int leaf, unsigned int *regs)
{
	asm volatile("cpuid"
		     : "=a" (regs[0]), "=b" (regs[1]), "=c" (regs[2]), "=d" (regs[3])
		     : "a" (leaf), "c" (0));
}

/* @cpu's count of one trapped MSR/port/vector; 0 if never counted. */
static inline int vmxscope_trap_count(int fd, int cpu, unsigned int kind,
				    unsigned int id, unsigned long long *reads,
				    unsigned long long *writes)
{
	struct vmxscope_trap_count c[VMXSCOPE_MAX_TRAP_COUNTS];
	struct vmxscope_trap_stats s = {
		.cpu = cpu, .capacity = VMXSCOPE_MAX_TRAP_COUNTS, .counts = (unsigned long)c,
	};
	unsigned int i;

	*reads = *writes = 0;
	if (ioctl(fd, VMXSCOPE_GET_TRAP_STATS, &s))
		return -errno;
	for (i = 0; i < s.nr && i < VMXSCOPE_MAX_TRAP_COUNTS; i++) {
		if (c[i].kind == kind && c[i].id == id) {
			*reads = c[i].reads;
			*writes = c[i].writes;
		}
	}
	return 0;
}

/* CPUs running in VMX non-root mode, as GET_INFO reports; or -errno. */
static inline int vmxscope_cpus_virtualized(void)
{
	struct vmxscope_info info;
	int fd = open(VMXSCOPE_DEVICE, O_RDWR), ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, VMXSCOPE_GET_INFO, &info) ? -errno : (int)info.nr_cpus_virt;
	close(fd);
	return ret;
}

/* RDMSR/WRMSR on @cpu through the msr driver (msr.ko): 0 or -errno. */
static inline int vmxscope_msr_access(int cpu, unsigned int msr,
				    unsigned long long *v, bool write)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, write ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	if (write)
		ret = pwrite(fd, v, 8, msr) == 8 ? 0 : -errno;
	else
		ret = pread(fd, v, 8, msr) == 8 ? 0 : -errno;
	close(fd);
	return ret;
}

static inline int vmxscope_rdmsr_on(int cpu, unsigned int msr,
				  unsigned long long *v)
{
	return vmxscope_msr_access(cpu, msr, v, false);
}

static inline int vmxscope_wrmsr_on(int cpu, unsigned int msr,
				  unsigned long long v)
{
	return vmxscope_msr_access(cpu, msr, &v, true);
}

/* /dev/kmsg positioned at its end: only records from now on. */
static inline int vmxscope_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether kernel module @name is loaded. */
static inline bool vmxscope_kmod_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* delete_module(2); 0 if it is (already) gone. */
static inline int vmxscope_kmod_unload(const char *name)
{
	if (!vmxscope_kmod_loaded(name))
		return 0;
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* KVM's modules of the booted kernel, in load order (kernel/ paths). */
static const char * const vmxscope_kvm_kmods[] = {
	"virt/lib/irqbypass.ko",
	"arch/x86/kvm/kvm.ko",
	"arch/x86/kvm/kvm-intel.ko",
};

/* Loads a module of the booted kernel by its path under kernel/. */
static inline int vmxscope_load_kmod(const char *rel)
{
	char path[256];
	struct utsname u;
	int fd, ret;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/kernel/%s", u.release, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

/* tracefs: write @val to @file below /sys/kernel/tracing. */
static inline int vmxscope_tracefs_write(const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	return __vmxscope_write(path, val, O_TRUNC);
}

/*
 * The first sign of kernel trouble in @log (kernel log text), or NULL:
 * for tests that keep the console quiet on purpose and so must check the
 * log themselves.  An NMI nobody claimed counts: vmxscope's doorbell NMIs
 * must each be claimed.
 */
static inline const char *vmxscope_log_trouble(const char *log)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "Oops", "double fault",
		"NMI received for unknown reason", "Dazed and confused",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strstr(log, bad[i]))
			return bad[i];
	return NULL;
}

/* Lines of the trace buffer containing every one of @needles (NULL-ended). */
static inline int vmxscope_trace_lines(const char *const *needles)
{
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	char line[1024];
	int n = 0, i;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		for (i = 0; needles[i] && strstr(line, needles[i]); i++)
			;
		if (!needles[i])
			n++;
	}
	fclose(f);
	return n;
}

/* EPT pages (both views), /sys/kernel/debug/vmxscope/status; -1 if unknown. */
static inline long vmxscope_ept_pages(void)
{
	FILE *f = fopen("/sys/kernel/debug/vmxscope/status", "r");
	char key[64];
	long v, n = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, "ept_pages"))
			n = v;
	fclose(f);
	return n;
}

#endif /* VMXSCOPE_TEST_H */
