// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmxscope: a root-only character device that answers GET_INFO.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, is_char_device_mode_0600_root)
{
	struct stat st;

	ASSERT_EQ(0, stat(VMXSCOPE_DEVICE, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, st.st_uid);
	ASSERT_EQ(0, st.st_gid);
}

TEST_F(dev, get_info)
{
	struct vmxscope_info info;
	size_t i;

	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_GET_INFO, &info));
	ASSERT_EQ(VMXSCOPE_ABI_VERSION, info.abi_version);
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), info.nr_cpus_online);
	ASSERT_EQ(VMXSCOPE_NR_EXIT_REASONS, info.nr_exit_reasons);
	ASSERT_NE(0, info.caps & VMXSCOPE_CAP_MSR_TRAPS);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		ASSERT_EQ(0, info.reserved[i]);
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	ASSERT_EQ(-1, ioctl(self->fd, _IO(VMXSCOPE_IOC_MAGIC, 0xff)));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_pointer_is_efault)
{
	ASSERT_EQ(-1, ioctl(self->fd, VMXSCOPE_GET_INFO, (void *)16));
	ASSERT_EQ(EFAULT, errno);
}

/* Only root may open it: an unprivileged user gets EACCES. */
TEST_F(dev, unprivileged_open_denied)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (open(VMXSCOPE_DEVICE, O_RDWR) >= 0)
			_exit(3);
		_exit(errno == EACCES ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
