/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmxmon ioctl ABI: shared by the module, the vmxmon CLI and the selftests.
 *
 * Every struct is fixed-size; fields named reserved* must be zero on input
 * (else -EINVAL) and are zero on output.  VMXMON_ABI_VERSION changes only
 * when an existing struct or command changes meaning.
 */
#ifndef _UAPI_LINUX_VMXMON_H
#define _UAPI_LINUX_VMXMON_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VMXMON_ABI_VERSION	1
#define VMXMON_DEVICE		"/dev/vmxmon"

/* Bits of vmxmon_info.caps: what this build of the module implements. */
#define VMXMON_CAP_HYPERVISOR	(1ULL << 0)	/* CPUs run in VMX non-root */

struct vmxmon_info {
	__u32 abi_version;	/* VMXMON_ABI_VERSION */
	__u32 nr_cpus_online;	/* CPUs online */
	__u32 nr_cpus_virt;	/* CPUs running in VMX non-root mode */
	__u32 reserved0;
	__u64 caps;		/* VMXMON_CAP_* */
	__u64 reserved[5];
};

#define VMXMON_IOC_MAGIC	0xb8
#define VMXMON_GET_INFO		_IOR(VMXMON_IOC_MAGIC, 0x00, struct vmxmon_info)

#endif /* _UAPI_LINUX_VMXMON_H */
