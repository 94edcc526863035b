/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmxmon's VMX core: what arch/x86/vmx/ files share.
 *
 * Lifecycle (seed 001, SDM Vol. 3C ch. 24): VMXON -> VMCLEAR -> VMPTRLD ->
 * fill the VMCS -> VMLAUNCH; VM exits come to vmxmon_vmexit (entry.S) and
 * VMRESUME; a keyed VMCALL from ring 0 leaves: VMCLEAR -> VMXOFF.
 */
#ifndef _VMXMON_VMX_H
#define _VMXMON_VMX_H

#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include <uapi/linux/vmxmon.h>
#include <vmxmon/mtrr.h>
#include <vmxmon/vmxmon.h>

/* RAX of vmxmon's own VMCALLs; RDX carries the per-load key. */
#define VMXMON_VMCALL_LEAVE	0x766d786d6f6e0001ULL	/* "vmxmon" 1 */
#define VMXMON_VMCALL_SYNC	0x766d786d6f6e0002ULL	/* take the traps */
#define VMXMON_VMCALL_DUMP	0x766d786d6f6e0003ULL	/* VMREAD the VMCS */

/* Per-CPU table of trap counts, keyed by kind and MSR/port/vector. */
#define VMXMON_COUNT_SLOTS	256

struct vmxmon_count {
	u64 key;		/* kind << 32 | id; 0 = free */
	u64 reads, writes;
};

#define VMXMON_HOST_STACK_SIZE	(4 * PAGE_SIZE)

/*
 * Guest registers as entry.S saves them on the host stack at a VM exit,
 * lowest address first, followed by an IRET frame that the leave path
 * fills to return to the guest's context without VMX.
 */
struct vmxmon_regs {
	unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
	unsigned long rdi, rsi, rbp, rbx, rdx, rcx, rax;
	unsigned long rip, cs, rflags, rsp, ss;
};

/* What the module computed once and every CPU uses (read-only once set). */
struct vmxmon_config {
	u32 pin, proc, proc2, exit, entry;	/* adjusted VMX controls */
	u32 ctl_required[VMXMON_NR_CTLS];	/* by VMXMON_CTL_* (caps.c) */
	u32 ctl_optional[VMXMON_NR_CTLS];
	u32 revision_id;			/* IA32_VMX_BASIC[30:0] */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap;
	u64 eptp;
	unsigned long host_cr3;
	u64 leave_key;
	bool invept_single, invvpid_single;
};

extern struct vmxmon_config vmxmon_cfg;

enum vmxmon_cpu_state {
	VMXMON_CPU_OFF,		/* not in VMX operation */
	VMXMON_CPU_GUEST,	/* Linux runs in VMX non-root mode */
	VMXMON_CPU_ABORTED,	/* left VMX on its own after a fatal exit */
};

struct vmxmon_cpu {
	int cpu;
	enum vmxmon_cpu_state state;
	void *vmxon;			/* VMXON region (SDM 24.11.5) */
	void *vmcs;			/* the CPU's VMCS (SDM 24.2) */
	void *stack;			/* host stack for VM exits */
	u64 vmxon_pa, vmcs_pa;
	u16 vpid;
	bool launching;			/* inside vmxmon_launch() */
	bool leave_queued;		/* leave_work will give the CPU back */
	struct irq_work leave_work;
	u64 exits[VMXMON_NR_EXIT_REASONS];
	u64 exits_other;		/* basic reasons beyond the table */
	/* [reason][bucket]: exit-handling TSC ticks, log2 (uapi vmxmon.h) */
	u32 (*latency)[VMXMON_LATENCY_BUCKETS];
	/* Set by the CPU itself around VMXMON_VMCALL_DUMP, else NULL. */
	struct vmxmon_vmcs_field *dump;

	/* This CPU's copy of the traps in force (trap.c), set in root mode. */
	void *msr_bitmap;		/* the VMCS's MSR bitmap (SDM 25.6.9) */
	void *io_bitmaps;		/* the VMCS's I/O bitmaps A and B */
	void *io_dirs;			/* wanted IN bits, then wanted OUT bits */
	u32 exc_bitmap, pfec_mask, pfec_match;
	struct vmxmon_count counts[VMXMON_COUNT_SLOTS];
	u64 counts_dropped;
};

DECLARE_PER_CPU(struct vmxmon_cpu *, vmxmon_cpu);

/* Handlers return whether the guest resumes or this CPU leaves VMX. */
enum vmxmon_exit_action {
	VMXMON_RESUME,
	VMXMON_LEAVE,
};

typedef enum vmxmon_exit_action (*vmxmon_exit_handler_t)(struct vmxmon_cpu *,
							  struct vmxmon_regs *);

/* caps.c */
int vmxmon_caps_check(void);
int vmxmon_cpu_check(void);

/* vmcs.c: the six areas of the VMCS (seed 000). */
int vmxmon_vmcs_setup(struct vmxmon_cpu *vc);
void vmxmon_vmcs_dump(struct vmxmon_vmcs_field *out);

/* vmcs_check.c: the software VM-entry check (entry_check.c) */
int vmxmon_vmcs_check(struct vmxmon_cpu *vc);
void vmxmon_vmcs_check_failed(struct vmxmon_cpu *vc, unsigned int hw_class);

/* cpu.c */
int vmxmon_cpu_enter(struct vmxmon_cpu *vc);
void vmxmon_cpu_leave(struct vmxmon_cpu *vc);
enum vmxmon_exit_action vmxmon_leave_guest(struct vmxmon_cpu *vc,
					   struct vmxmon_regs *regs,
					   unsigned long rip);

/* entry.S, and what it calls */
void vmxmon_vmexit(void);
int vmxmon_handle_exit(struct vmxmon_regs *regs);
void vmxmon_resume_failed(struct vmxmon_regs *regs);

/* exit.c */
void vmxmon_skip_instruction(void);
void vmxmon_inject_exception(unsigned int vector, bool has_error, u32 error);
const char *vmxmon_insn_error_name(u32 error);
enum vmxmon_exit_action vmxmon_abort(struct vmxmon_cpu *vc,
				     struct vmxmon_regs *regs, const char *why);
enum vmxmon_exit_action vmxmon_release_cpu(struct vmxmon_cpu *vc,
					   struct vmxmon_regs *regs,
					   const char *why);
__printf(1, 2) void vmxmon_root_log(const char *fmt, ...);

/*
 * trap.c: account and trace one trapped event, in root mode.  Counted per
 * CPU per MSR/port/vector, and sent to the vmxmon tracepoints.
 */
void vmxmon_note_msr(struct vmxmon_cpu *vc, u32 msr, bool write, u64 value,
		     bool fault);
void vmxmon_note_io(struct vmxmon_cpu *vc, u16 port, u8 size, bool in,
		    u32 value);
void vmxmon_note_exception(struct vmxmon_cpu *vc, u8 vector, u32 error,
			   unsigned long rip, unsigned long cr2);

int vmxmon_trap_cpu_alloc(struct vmxmon_cpu *vc);
void vmxmon_trap_cpu_free(struct vmxmon_cpu *vc);
void vmxmon_trap_apply(struct vmxmon_cpu *vc);
bool vmxmon_msr_trapped(struct vmxmon_cpu *vc, u32 msr, bool write);
unsigned int vmxmon_cpu_trap_counts(struct vmxmon_cpu *vc,
				    struct vmxmon_trap_count *out,
				    unsigned int capacity, u64 *dropped);

/* exit_cr.c, exit_msr.c, exit_io.c, exit_exception.c, ept.c: by subject. */
enum vmxmon_exit_action vmxmon_handle_io(struct vmxmon_cpu *vc,
					 struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_exception(struct vmxmon_cpu *vc,
						struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_cr(struct vmxmon_cpu *vc,
					 struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_rdmsr(struct vmxmon_cpu *vc,
					    struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_wrmsr(struct vmxmon_cpu *vc,
					    struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_ept_violation(struct vmxmon_cpu *vc,
						    struct vmxmon_regs *regs);
enum vmxmon_exit_action vmxmon_handle_ept_misconfig(struct vmxmon_cpu *vc,
						    struct vmxmon_regs *regs);

/* ept.c */
int vmxmon_ept_init(void);
void vmxmon_ept_free(void);

#endif /* _VMXMON_VMX_H */
