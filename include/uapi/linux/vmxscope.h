/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmxscope ioctl ABI: shared by the module, the vmxscope CLI and the selftests.
 *
 * Every struct is fixed-size; fields named reserved* must be zero on input
 * (else -EINVAL) and are zero on output.  VMXSCOPE_ABI_VERSION changes only
 * when an existing struct or command changes meaning.
 */
#ifndef _UAPI_LINUX_VMXSCOPE_H
#define _UAPI_LINUX_VMXSCOPE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VMXSCOPE_ABI_VERSION	1
#define VMXSCOPE_DEVICE		"/dev/vmxscope"

/*
 * Basic VM-exit reasons (SDM Vol. 3D, Appendix C): the one table of their
 * numbers and names, for the module's dispatch, statistics and
 * tracepoints, the CLI and the tests.  X(number, NAME).
 */
#define VMXSCOPE_NR_EXIT_REASONS	80
#define VMXSCOPE_EXIT_REASONS(X)					\
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

#define VMXSCOPE_EXIT_ENUM(nr, name)	VMXSCOPE_EXIT_##name = nr,
enum vmxscope_exit_reason {
	VMXSCOPE_EXIT_REASONS(VMXSCOPE_EXIT_ENUM)
};
#undef VMXSCOPE_EXIT_ENUM

/* Exception vectors (SDM Vol. 3A 6.3.1) by mnemonic: X(vector, NAME). */
#define VMXSCOPE_EXCEPTIONS(X)						\
	X(0, DE) X(1, DB) X(2, NMI) X(3, BP) X(4, OF) X(5, BR) X(6, UD)	\
	X(7, NM) X(8, DF) X(9, CSO) X(10, TS) X(11, NP) X(12, SS)	\
	X(13, GP) X(14, PF) X(16, MF) X(17, AC) X(18, MC) X(19, XM)	\
	X(20, VE) X(21, CP) X(28, HV) X(29, VC) X(30, SX)

/* Bits of vmxscope_info.caps: what this build of the module implements. */
#define VMXSCOPE_CAP_HYPERVISOR	(1ULL << 0)	/* CPUs run in VMX non-root */
#define VMXSCOPE_CAP_MSR_TRAPS	(1ULL << 1)	/* VMXSCOPE_TRAP_MSR */
#define VMXSCOPE_CAP_IO_TRAPS	(1ULL << 2)	/* VMXSCOPE_TRAP_IO */
#define VMXSCOPE_CAP_EXC_TRAPS	(1ULL << 3)	/* VMXSCOPE_TRAP_EXC */
#define VMXSCOPE_CAP_PERSIST	(1ULL << 4)	/* VMXSCOPE_TRAP_PERSIST */
#define VMXSCOPE_CAP_MEM_TRAPS	(1ULL << 5)	/* VMXSCOPE_TRAP_MEM */
#define VMXSCOPE_CAP_MEM_MTF	(1ULL << 6)	/* memory steps use MTF, not TF */

struct vmxscope_info {
	__u32 abi_version;	/* VMXSCOPE_ABI_VERSION */
	__u32 nr_cpus_online;	/* CPUs online */
	__u32 nr_cpus_virt;	/* CPUs running in VMX non-root mode */
	__u32 nr_exit_reasons;	/* VMXSCOPE_NR_EXIT_REASONS of the module */
	__u64 caps;		/* VMXSCOPE_CAP_* */
	__u64 reserved[5];
};

/*
 * Trap flags.  A trap belongs to the open file that set it and goes away
 * when that file is closed, unless VMXSCOPE_TRAP_PERSIST makes it the
 * module's: then it holds until removed with the same flag or unload.
 * The traps in force are the union over all owners, so two owners of the
 * same trap keep it until both are gone.
 */
#define VMXSCOPE_TRAP_READ	(1U << 0)	/* MSR: RDMSR; I/O: IN, INS */
#define VMXSCOPE_TRAP_WRITE	(1U << 1)	/* MSR: WRMSR; I/O: OUT, OUTS */
#define VMXSCOPE_TRAP_PERSIST	(1U << 2)	/* owned by the module */
#define VMXSCOPE_TRAP_EXEC	(1U << 3)	/* memory: instruction fetch */

/*
 * MSRs first..last, both in one half of the MSR bitmap (SDM 25.6.9):
 * 0x00000000-0x00001fff or 0xc0000000-0xc0001fff.  Other MSRs cannot be
 * chosen: every access to them exits whatever the bitmap says (-ERANGE).
 */
struct vmxscope_msr_trap {
	__u32 first;
	__u32 last;		/* inclusive */
	__u32 flags;		/* READ and/or WRITE, PERSIST */
	__u32 reserved[5];
};

/* I/O ports first..last, 0-0xffff (SDM 25.6.4). */
struct vmxscope_io_trap {
	__u32 first;
	__u32 last;		/* inclusive */
	__u32 flags;		/* READ (in) and/or WRITE (out), PERSIST */
	__u32 reserved[5];
};

/*
 * Exception vector 0-31 except 2 (NMI is not an exception to trap).
 * For #PF (14), only faults whose error code satisfies
 * (error & pfec_mask) == pfec_match are trapped (SDM 25.2); all #PF traps
 * in force share one mask/match pair (else -EBUSY).  0/0 traps every #PF.
 */
struct vmxscope_exc_trap {
	__u32 vector;
	__u32 flags;		/* PERSIST only */
	__u32 pfec_mask;
	__u32 pfec_match;
	__u32 reserved[4];
};

/*
 * Memory, watched through EPT (Documentation/memory-monitoring.rst): the
 * bytes addr..addr+len-1, given as guest-physical addresses (RAM only) or
 * as kernel virtual addresses (direct map, kernel image, vmalloc and
 * module memory), translated page by page when the trap is set.  Flags:
 * any of READ, WRITE, EXEC, and PERSIST.  At most VMXSCOPE_MAX_MEM_PAGES
 * distinct 4 KiB pages are watched at once (-ENOSPC).  TRAP_MEM returns
 * the range's @id, which its counts and vmxscope_mem events carry;
 * UNTRAP_MEM takes the same addr, len, flags and space as the trap.
 */
#define VMXSCOPE_MEM_PHYS	0	/* @addr is guest-physical */
#define VMXSCOPE_MEM_KVIRT	1	/* @addr is a kernel virtual address */
#define VMXSCOPE_MAX_MEM_PAGES	256

struct vmxscope_mem_trap {
	__u64 addr;
	__u64 len;		/* bytes, at least 1 */
	__u32 flags;		/* READ, WRITE, EXEC, PERSIST */
	__u32 space;		/* VMXSCOPE_MEM_* */
	__u32 id;		/* out (TRAP_MEM) */
	__u32 reserved0;
	__u64 reserved[4];
};

/*
 * The memory traps in force, one entry per range id (any owner): up to
 * @capacity entries are written at @ranges (a user pointer to struct
 * vmxscope_mem_range_info[]); @nr says how many there are.
 */
struct vmxscope_mem_range_info {
	__u32 id;
	__u32 flags;		/* READ, WRITE, EXEC; PERSIST: the module's */
	__u32 space;		/* VMXSCOPE_MEM_* of the request */
	__u32 pages;		/* 4 KiB pages it watches */
	__u64 addr;		/* as requested */
	__u64 len;
	__u64 phys;		/* guest-physical address of its first byte */
};

struct vmxscope_mem_traps {
	__u32 capacity;		/* in: entries at @ranges */
	__u32 nr;		/* out */
	__u64 ranges;		/* in: user pointer */
	__u64 reserved[4];
};

/* Removes the caller's traps; with PERSIST, the module's too. */
struct vmxscope_clear_traps {
	__u32 flags;		/* PERSIST */
	__u32 reserved[7];
};

/* Exit counts of one CPU, indexed by basic exit reason. */
struct vmxscope_exit_stats {
	__u32 cpu;		/* in */
	__u32 reserved0;
	__u64 exits[VMXSCOPE_NR_EXIT_REASONS];	/* out */
	__u64 reserved[4];
};

/* What one CPU counted for one trapped MSR, port or vector. */
#define VMXSCOPE_KIND_MSR		1
#define VMXSCOPE_KIND_IO		2
#define VMXSCOPE_KIND_EXC		3
#define VMXSCOPE_KIND_MEM		4	/* id: range; reads, writes */
#define VMXSCOPE_KIND_MEM_EXEC	5	/* id: range; reads: fetches */
#define VMXSCOPE_KIND_MEM_NEAR	6	/* id: range; other bytes of its pages */

struct vmxscope_trap_count {
	__u32 kind;		/* VMXSCOPE_KIND_* */
	__u32 id;		/* MSR number, port, or vector */
	__u64 reads;		/* RDMSR, IN/INS; for exceptions, the count */
	__u64 writes;		/* WRMSR, OUT/OUTS */
};

/* A CPU counts at most this many distinct MSRs, ports and vectors. */
#define VMXSCOPE_MAX_TRAP_COUNTS	256

/*
 * Trap counts of one CPU: up to @capacity entries are written at @counts
 * (a user pointer to struct vmxscope_trap_count[]); @nr says how many there
 * are, which may exceed @capacity (then call again with more room), but
 * never VMXSCOPE_MAX_TRAP_COUNTS.
 */
struct vmxscope_trap_stats {
	__u32 cpu;		/* in */
	__u32 capacity;		/* in: entries at @counts */
	__u64 counts;		/* in: user pointer */
	__u32 nr;		/* out */
	__u32 reserved0;
	__u64 dropped;		/* out: events not counted (table full) */
	__u64 reserved[4];
};

/*
 * VM-execution, VM-exit and VM-entry controls (SDM 25.6.1-25.6.2, 25.7.1,
 * 25.8.1), indexed by VMXSCOPE_CTL_*: the value every CPU's VMCS was given
 * after the allowed-0/allowed-1 adjustment (SDM A.3-A.5), the bits vmxscope
 * refuses to load without, and the bits it sets when the CPU allows them.
 * A bit of @value in neither mask is one the CPU forces to 1.
 */
#define VMXSCOPE_CTL_PIN		0	/* pin-based */
#define VMXSCOPE_CTL_PROC		1	/* primary processor-based */
#define VMXSCOPE_CTL_PROC2	2	/* secondary processor-based */
#define VMXSCOPE_CTL_EXIT		3	/* primary VM-exit */
#define VMXSCOPE_CTL_ENTRY	4	/* VM-entry */
#define VMXSCOPE_NR_CTLS		5

struct vmxscope_controls {
	__u32 nr;		/* out: VMXSCOPE_NR_CTLS */
	__u32 reserved0;
	__u32 value[8];		/* out; entries from @nr on are 0 */
	__u32 required[8];	/* out */
	__u32 optional[8];	/* out */
	__u64 reserved[4];
};

/*
 * The VMCS of one CPU, every field of VMXSCOPE_VMCS_FIELDS
 * (linux/vmxscope_vmcs.h) VMREAD on that CPU in VMX root mode, in the
 * table's order, at the exit of a VMCALL vmxscope makes for the purpose
 * (so the VM-exit information area describes that VMCALL).  A field the
 * CPU does not support (VMREAD fails, SDM 31.4 error 12) is flagged
 * VMXSCOPE_VMCS_UNSUPPORTED with value 0.  VM_INSTRUCTION_ERROR is the
 * value from before the dump's own VMREADs.
 */
#define VMXSCOPE_VMCS_UNSUPPORTED	(1U << 0)

struct vmxscope_vmcs_field {
	__u32 encoding;		/* SDM Vol. 3D Appendix B */
	__u32 flags;		/* VMXSCOPE_VMCS_* */
	__u64 value;		/* zero-extended to 64 bits */
};

/*
 * Up to @capacity fields are written at @fields (a user pointer to struct
 * vmxscope_vmcs_field[]); @nr says how many the module reads, which may
 * exceed @capacity.  -ENODEV if the CPU does not run in VMX non-root.
 */
struct vmxscope_vmcs_dump {
	__u32 cpu;		/* in */
	__u32 capacity;		/* in: entries at @fields */
	__u64 fields;		/* in: user pointer */
	__u32 nr;		/* out */
	__u32 reserved0;
	__u64 reserved[4];
};

/*
 * Exit-handling latency of one CPU: per basic exit reason, how many exits
 * that were resumed took how many TSC ticks from the start of the exit
 * handler to just before VMRESUME, in log2 buckets: bucket 0 counts 0-1
 * ticks, bucket b > 0 counts 2^b to 2^(b+1)-1, the last bucket also all
 * longer ones.  The counts are 32-bit and wrap; compare them modulo 2^32.
 * Exits that give the CPU back are not counted.
 */
#define VMXSCOPE_LATENCY_BUCKETS	32

struct vmxscope_latency {
	__u32 cpu;		/* in */
	__u32 nr_buckets;	/* out: VMXSCOPE_LATENCY_BUCKETS */
	__u64 tsc_khz;		/* out: TSC ticks per millisecond */
	__u32 hist[VMXSCOPE_NR_EXIT_REASONS][VMXSCOPE_LATENCY_BUCKETS];	/* out */
	__u64 reserved[4];
};

#define VMXSCOPE_IOC_MAGIC	0xb8
#define VMXSCOPE_GET_INFO		_IOR(VMXSCOPE_IOC_MAGIC, 0x00, struct vmxscope_info)
#define VMXSCOPE_TRAP_MSR		_IOW(VMXSCOPE_IOC_MAGIC, 0x10, struct vmxscope_msr_trap)
#define VMXSCOPE_UNTRAP_MSR	_IOW(VMXSCOPE_IOC_MAGIC, 0x11, struct vmxscope_msr_trap)
#define VMXSCOPE_TRAP_IO		_IOW(VMXSCOPE_IOC_MAGIC, 0x12, struct vmxscope_io_trap)
#define VMXSCOPE_UNTRAP_IO	_IOW(VMXSCOPE_IOC_MAGIC, 0x13, struct vmxscope_io_trap)
#define VMXSCOPE_TRAP_EXC		_IOW(VMXSCOPE_IOC_MAGIC, 0x14, struct vmxscope_exc_trap)
#define VMXSCOPE_UNTRAP_EXC	_IOW(VMXSCOPE_IOC_MAGIC, 0x15, struct vmxscope_exc_trap)
#define VMXSCOPE_CLEAR_TRAPS	_IOW(VMXSCOPE_IOC_MAGIC, 0x16, struct vmxscope_clear_traps)
#define VMXSCOPE_TRAP_MEM		_IOWR(VMXSCOPE_IOC_MAGIC, 0x17, struct vmxscope_mem_trap)
#define VMXSCOPE_UNTRAP_MEM	_IOW(VMXSCOPE_IOC_MAGIC, 0x18, struct vmxscope_mem_trap)
#define VMXSCOPE_GET_EXIT_STATS	_IOWR(VMXSCOPE_IOC_MAGIC, 0x20, struct vmxscope_exit_stats)
#define VMXSCOPE_GET_TRAP_STATS	_IOWR(VMXSCOPE_IOC_MAGIC, 0x21, struct vmxscope_trap_stats)
#define VMXSCOPE_GET_LATENCY	_IOWR(VMXSCOPE_IOC_MAGIC, 0x22, struct vmxscope_latency)
#define VMXSCOPE_GET_MEM_TRAPS	_IOWR(VMXSCOPE_IOC_MAGIC, 0x23, struct vmxscope_mem_traps)
#define VMXSCOPE_GET_CONTROLS	_IOR(VMXSCOPE_IOC_MAGIC, 0x30, struct vmxscope_controls)
#define VMXSCOPE_GET_VMCS		_IOWR(VMXSCOPE_IOC_MAGIC, 0x31, struct vmxscope_vmcs_dump)

#endif /* _UAPI_LINUX_VMXSCOPE_H */
