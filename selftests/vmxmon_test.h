/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vmxmon selftests.  They run as root inside the
 * emulated VT-x machine, where the module is /vmxmon/vmxmon.ko unless
 * $VMXMON_KO says otherwise.
 */
#ifndef VMXMON_TEST_H
#define VMXMON_TEST_H

#include <errno.h>
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

#endif /* VMXMON_TEST_H */
