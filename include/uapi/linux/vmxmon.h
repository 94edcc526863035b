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

/*
 * Basic VM-exit reasons (SDM Vol. 3D, Appendix C): the one table of their
 * numbers and names, for the module's dispatch, statistics and
 * tracepoints, the CLI and the tests.  X(number, NAME).
 */
#define VMXMON_NR_EXIT_REASONS	80
#define VMXMON_EXIT_REASONS(X)					\
	X(0, EXCEPTION_NMI)		X(1, EXTERNAL_INTERRUPT)	\
	X(2, TRIPLE_FAULT)		X(3, INIT_SIGNAL)		\
	X(4, SIPI_SIGNAL)		X(5, IO_SMI)			\
	X(6, OTHER_SMI)			X(7, INTERRUPT_WINDOW)		\
	X(8, NMI_WINDOW)		X(9, TASK_SWITCH)		\
	X(10, CPUID)			X(11, GETSEC)			\
	X(12, HLT)			X(13, INVD)			\
	X(14, INVLPG)			X(15, RDPMC)			\
	X(16, RDTSC)			X(17, RSM)			\
	X(18, VMCALL)			X(19, VMCLEAR)			\
	X(20, VMLAUNCH)			X(21, VMPTRLD)			\
	X(22, VMPTRST)			X(23, VMREAD)			\
	X(24, VMRESUME)			X(25, VMWRITE)			\
	X(26, VMXOFF)			X(27, VMXON)			\
	X(28, CR_ACCESS)		X(29, DR_ACCESS)		\
	X(30, IO_INSTRUCTION)		X(31, MSR_READ)			\
	X(32, MSR_WRITE)		X(33, INVALID_GUEST_STATE)	\
	X(34, MSR_LOAD_FAIL)		X(36, MWAIT)			\
	X(37, MONITOR_TRAP_FLAG)	X(39, MONITOR)			\
	X(40, PAUSE)			X(41, MCE_DURING_VMENTRY)	\
	X(43, TPR_BELOW_THRESHOLD)	X(44, APIC_ACCESS)		\
	X(45, EOI_INDUCED)		X(46, GDTR_IDTR)		\
	X(47, LDTR_TR)			X(48, EPT_VIOLATION)		\
	X(49, EPT_MISCONFIG)		X(50, INVEPT)			\
	X(51, RDTSCP)			X(52, PREEMPTION_TIMER)		\
	X(53, INVVPID)			X(54, WBINVD)			\
	X(55, XSETBV)			X(56, APIC_WRITE)		\
	X(57, RDRAND)			X(58, INVPCID)			\
	X(59, VMFUNC)			X(60, ENCLS)			\
	X(61, RDSEED)			X(62, PML_FULL)			\
	X(63, XSAVES)			X(64, XRSTORS)			\
	X(65, PCONFIG)			X(66, SPP)			\
	X(67, UMWAIT)			X(68, TPAUSE)			\
	X(69, LOADIWKEY)		X(70, ENCLV)			\
	X(72, ENQCMD_PASID_FAIL)	X(73, ENQCMDS_PASID_FAIL)	\
	X(74, BUS_LOCK)			X(75, NOTIFY)			\
	X(76, SEAMCALL)			X(77, TDCALL)

#define VMXMON_EXIT_ENUM(nr, name)	VMXMON_EXIT_##name = nr,
enum vmxmon_exit_reason {
	VMXMON_EXIT_REASONS(VMXMON_EXIT_ENUM)
};
#undef VMXMON_EXIT_ENUM

#define VMXMON_IOC_MAGIC	0xb8
#define VMXMON_GET_INFO		_IOR(VMXMON_IOC_MAGIC, 0x00, struct vmxmon_info)

#endif /* _UAPI_LINUX_VMXMON_H */
