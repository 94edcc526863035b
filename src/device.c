// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmxmon: the control plane.  The ABI is include/uapi/linux/vmxmon.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <uapi/linux/vmxmon.h>
#include <vmxmon/vmxmon.h>

static long vmxmon_get_info(void __user *uarg)
{
	struct vmxmon_info info = {
		.abi_version = VMXMON_ABI_VERSION,
		.nr_cpus_online = num_online_cpus(),
		.nr_cpus_virt = vmxmon_nr_cpus_virt(),
		.caps = VMXMON_CAP_HYPERVISOR,
	};

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long vmxmon_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VMXMON_GET_INFO:
		return vmxmon_get_info(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmxmon_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmxmon_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmxmon_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmxmon",
	.fops	= &vmxmon_fops,
	.mode	= 0600,
};

int vmxmon_dev_register(void)
{
	return misc_register(&vmxmon_misc);
}

void vmxmon_dev_unregister(void)
{
	misc_deregister(&vmxmon_misc);
}
