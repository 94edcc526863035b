// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmxscope: the control plane.  The ABI is include/uapi/linux/vmxscope.h,
 * documented in Documentation/ioctl-abi.rst.  Each open file owns the
 * traps it sets (src/traps.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/tsc.h>

#include <uapi/linux/vmxscope.h>
#include <uapi/linux/vmxscope_vmcs.h>
#include <vmxscope/traps.h>
#include <vmxscope/vmxscope.h>

static long get_info(void __user *uarg)
{
	struct vmxscope_info info = {
		.abi_version = VMXSCOPE_ABI_VERSION,
		.nr_cpus_online = num_online_cpus(),
		.nr_cpus_virt = vmxscope_nr_cpus_virt(),
		.nr_exit_reasons = VMXSCOPE_NR_EXIT_REASONS,
		.caps = VMXSCOPE_CAP_HYPERVISOR | VMXSCOPE_CAP_MSR_TRAPS |
			VMXSCOPE_CAP_IO_TRAPS | VMXSCOPE_CAP_EXC_TRAPS |
			VMXSCOPE_CAP_PERSIST,
	};

	if (vmxscope_mem_traps_possible())
		info.caps |= VMXSCOPE_CAP_MEM_TRAPS;
	if (vmxscope_mem_steps_mtf())
		info.caps |= VMXSCOPE_CAP_MEM_MTF;

	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static bool zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static long get_exit_stats(void __user *uarg)
{
	struct vmxscope_exit_stats *s = kzalloc(sizeof(*s), GFP_KERNEL);
	long ret;

	if (!s)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(s, uarg, sizeof(*s)))
		goto out;
	ret = -EINVAL;
	if (s->reserved0 || !zero(s->reserved, sizeof(s->reserved)) ||
	    s->cpu >= nr_cpu_ids)
		goto out;
	ret = vmxscope_read_exit_counts(s->cpu, s->exits);
	if (!ret && copy_to_user(uarg, s, sizeof(*s)))
		ret = -EFAULT;
out:
	kfree(s);
	return ret;
}

static long get_trap_stats(void __user *uarg)
{
	struct vmxscope_trap_count *buf;
	struct vmxscope_trap_stats s;
	unsigned int n;
	long ret;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	if (s.reserved0 || !zero(s.reserved, sizeof(s.reserved)) ||
	    s.cpu >= nr_cpu_ids)
		return -EINVAL;
	n = min_t(u32, s.capacity, VMXSCOPE_MAX_TRAP_COUNTS);
	buf = kcalloc(VMXSCOPE_MAX_TRAP_COUNTS, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = vmxscope_read_trap_counts(s.cpu, buf, VMXSCOPE_MAX_TRAP_COUNTS, &s.nr,
				      &s.dropped);
	if (!ret && n && copy_to_user(u64_to_user_ptr(s.counts), buf,
				      min(n, s.nr) * sizeof(*buf)))
		ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &s, sizeof(s)))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

static long get_latency(void __user *uarg)
{
	struct vmxscope_latency *l = kzalloc(sizeof(*l), GFP_KERNEL);
	long ret;

	if (!l)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(l, uarg, sizeof(*l)))
		goto out;
	ret = -EINVAL;
	if (l->nr_buckets || l->tsc_khz ||
	    !zero(l->reserved, sizeof(l->reserved)) || l->cpu >= nr_cpu_ids)
		goto out;
	ret = vmxscope_read_latency(l->cpu, &l->hist[0][0]);
	l->nr_buckets = VMXSCOPE_LATENCY_BUCKETS;
	l->tsc_khz = tsc_khz;
	if (!ret && copy_to_user(uarg, l, sizeof(*l)))
		ret = -EFAULT;
out:
	kfree(l);
	return ret;
}

static long get_controls(void __user *uarg)
{
	struct vmxscope_controls c = { };

	vmxscope_get_controls(&c);
	return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

/* Root mode writes the dump: a buffer from the direct map (kmalloc). */
static long get_vmcs(void __user *uarg)
{
	struct vmxscope_vmcs_field *buf;
	struct vmxscope_vmcs_dump d;
	long ret;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	if (d.nr || d.reserved0 || !zero(d.reserved, sizeof(d.reserved)) ||
	    d.cpu >= nr_cpu_ids)
		return -EINVAL;
	buf = kcalloc(VMXSCOPE_NR_VMCS_FIELDS, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = vmxscope_read_vmcs(d.cpu, buf);
	d.nr = VMXSCOPE_NR_VMCS_FIELDS;
	if (!ret && d.capacity &&
	    copy_to_user(u64_to_user_ptr(d.fields), buf,
			 min_t(u32, d.capacity, d.nr) * sizeof(*buf)))
		ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &d, sizeof(d)))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

static long vmxscope_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/*
	 * Least privilege: only GET_INFO (ABI version, CPU counts,
	 * capabilities) is open to an fd passed to an unprivileged task;
	 * statistics, controls and the VMCS (kernel and physical addresses)
	 * need CAP_SYS_ADMIN, as trap changes do (traps.c).
	 */
	if (cmd == VMXSCOPE_GET_INFO)
		return get_info(uarg);
	if (!capable(CAP_SYS_ADMIN)) {
		pr_info_ratelimited("refused (EPERM): ioctl %#x needs CAP_SYS_ADMIN\n",
				    cmd);
		return -EPERM;
	}
	switch (cmd) {
	case VMXSCOPE_GET_EXIT_STATS:
		return get_exit_stats(uarg);
	case VMXSCOPE_GET_TRAP_STATS:
		return get_trap_stats(uarg);
	case VMXSCOPE_GET_LATENCY:
		return get_latency(uarg);
	case VMXSCOPE_GET_MEM_TRAPS:
		return vmxscope_mem_traps_ioctl(uarg);
	case VMXSCOPE_GET_CONTROLS:
		return get_controls(uarg);
	case VMXSCOPE_GET_VMCS:
		return get_vmcs(uarg);
	default:
		return vmxscope_traps_ioctl(file->private_data, cmd, uarg);
	}
}

static int vmxscope_open(struct inode *inode, struct file *file)
{
	struct vmxscope_owner *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return -ENOMEM;
	vmxscope_owner_init(o);
	file->private_data = o;
	return 0;
}

static int vmxscope_release(struct inode *inode, struct file *file)
{
	vmxscope_owner_release(file->private_data);
	kfree(file->private_data);
	return 0;
}

static const struct file_operations vmxscope_fops = {
	.owner		= THIS_MODULE,
	.open		= vmxscope_open,
	.release	= vmxscope_release,
	.unlocked_ioctl	= vmxscope_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmxscope_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmxscope",
	.fops	= &vmxscope_fops,
	.mode	= 0600,
};

int vmxscope_dev_register(void)
{
	return misc_register(&vmxscope_misc);
}

void vmxscope_dev_unregister(void)
{
	misc_deregister(&vmxscope_misc);
}
