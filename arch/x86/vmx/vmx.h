/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmxscope's VMX core: what arch/x86/vmx/ files share.
 *
 * Lifecycle (seed 001, SDM Vol. 3C ch. 24): VMXON -> VMCLEAR -> VMPTRLD ->
 * fill the VMCS -> VMLAUNCH; VM exits come to vmxscope_vmexit (entry.S) and
 * VMRESUME; a keyed VMCALL from ring 0 gives the CPU back: VMCLEAR -> VMXOFF.
 */
#ifndef _VMXSCOPE_VMX_H
#define _VMXSCOPE_VMX_H

#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include <uapi/linux/vmxscope.h>
#include <vmxscope/mtrr.h>
#include <vmxscope/vmxscope.h>

#include "root.h"

/* RAX of vmxscope's own VMCALLs; RDX carries the per-load key. */
#define VMXSCOPE_VMCALL_GIVE_BACK	0x766d7873636f0001ULL	/* "vmxsco" 1 */
#define VMXSCOPE_VMCALL_SYNC	0x766d7873636f0002ULL	/* take the traps */
#define VMXSCOPE_VMCALL_DUMP	0x766d7873636f0003ULL	/* VMREAD the VMCS */

/* Per-CPU table of trap counts, keyed by kind and MSR/port/vector. */
#define VMXSCOPE_COUNT_SLOTS	VMXSCOPE_MAX_TRAP_COUNTS

struct vmxscope_count {
	u64 key;		/* kind << 32 | id; 0 = free */
	u64 reads, writes;
};

/* One instruction stepped with the open EPT view (exit_mem.c). */
struct vmxscope_mem_step {
	bool active;
	bool gla_valid;
	u8 access;		/* VMXSCOPE_TRAP_* of the violation */
	u8 size;		/* bytes in @old: up to 8, not past the page */
	bool watched;		/* the page holds ranges: @old was read */
	bool tf;		/* without MTF: the guest's own RFLAGS.TF */
	bool by_timer;		/* without MTF: an event delivered again */
	u64 debugctl;		/* and its DEBUGCTL */
	u64 gpa, gla, old;
	unsigned long rip;
};

#define VMXSCOPE_HOST_STACK_SIZE	(4 * PAGE_SIZE)

/*
 * Guest registers as entry.S saves them on the host stack at a VM exit,
 * lowest address first, followed by an IRET frame and the selectors and
 * bases that the give-back path fills to return to the guest's context
 * without VMX (offsets in entry.h).
 */
struct vmxscope_regs {
	unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
	unsigned long rdi, rsi, rbp, rbx, rdx, rcx, rax;
	unsigned long rip, cs, rflags, rsp, ss;
	unsigned long ldtr, ds, es, fs, gs, fs_base, gs_base, unused;
};

/* What the module computed once and every CPU uses (read-only once set). */
struct vmxscope_config {
	u32 pin, proc, proc2, exit, entry;	/* adjusted VMX controls */
	u32 ctl_required[VMXSCOPE_NR_CTLS];	/* by VMXSCOPE_CTL_* (caps.c) */
	u32 ctl_optional[VMXSCOPE_NR_CTLS];
	u32 revision_id;			/* IA32_VMX_BASIC[30:0] */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap;
	u64 eptp;				/* the watched view (ept.c) */
	u64 eptp_open;				/* the open view */
	unsigned long host_cr3;
	unsigned long host_idt;			/* root's IDT (nmi.c) */
	u64 vmcall_key;
	bool invept_single, invvpid_single;
	bool cpuid_fault;			/* Linux may enable CPUID faulting */
	bool mem_traps;				/* interrupt exiting */
	bool mem_mtf;				/* steps use the monitor trap flag */
	bool mem_timer;				/* else the preemption timer, too */
};

extern struct vmxscope_config vmxscope_cfg;

/*
 * One of vmxscope's VMCALLs, from the guest's ring 0 (exit.c checks the
 * CPL and the key).  A VMCALL exits unconditionally (SDM 26.1.2).
 */
static __always_inline void vmxscope_vmcall(u64 nr)
{
	asm volatile("vmcall"
		     : : "a" (nr), "d" (vmxscope_cfg.vmcall_key)
		     : "cc", "memory");
}

enum vmxscope_cpu_state {
	VMXSCOPE_CPU_OFF,		/* not in VMX operation */
	VMXSCOPE_CPU_GUEST,	/* Linux runs in VMX non-root mode */
	VMXSCOPE_CPU_ABORTED,	/* left VMX on its own after a fatal exit */
};

struct vmxscope_cpu {
	int cpu;
	enum vmxscope_cpu_state state;
	void *vmxon;			/* VMXON region (SDM 25.11.5) */
	void *vmcs;			/* the CPU's VMCS (SDM 25.2) */
	void *stack;			/* host stack for VM exits (vmx.c) */
	struct page *stack_pages[VMXSCOPE_HOST_STACK_SIZE / PAGE_SIZE];
	u64 vmxon_pa, vmcs_pa;
	u16 vpid;
	bool launching;			/* inside vmxscope_launch() */
	bool give_back_queued;		/* give_back_work will give the CPU back */
	struct irq_work give_back_work;
	/* Root mode's debts to the guest (nmi.c): its NMI, a doorbell. */
	bool nmi_pending;
	unsigned int kick_wanted;	/* VMXSCOPE_KICK_* */
	bool nmi_window;		/* nmi.c left NMI-window exiting on */
	bool mce;			/* #MC during VM entry: hand to Linux */
	bool fail_kicked;		/* a VMX failure's report is asked for */
	u64 exit_tsc;			/* TSC when the current exit began */
	/* Why give_back() left VMX; printed once out of root mode. */
	const char *gave_back_why, *gave_back_level;
	u32 gave_back_reason;
	unsigned long gave_back_qual, gave_back_rip;
	u64 gave_back_gpa;
	/* The guest's control state, from root's VMCS to the door (cpu.c). */
	struct vmxscope_leave {
		unsigned long cr0, cr3, cr4, dr7;
		struct desc_ptr gdt, idt;
		u64 efer, pat, debugctl;
		u64 sysenter_cs, sysenter_esp, sysenter_eip;
	} leave;
	u64 exits[VMXSCOPE_NR_EXIT_REASONS];
	/* [reason][bucket]: exit-handling TSC ticks, log2 (uapi vmxscope.h) */
	u32 (*latency)[VMXSCOPE_LATENCY_BUCKETS];
	/* Set by the CPU itself around VMXSCOPE_VMCALL_DUMP, else NULL. */
	struct vmxscope_vmcs_field *dump;

	/* This CPU's copy of the traps in force (trap.c), set in root mode. */
	void *msr_bitmap;		/* the VMCS's MSR bitmap (SDM 25.6.9) */
	void *io_bitmaps;		/* the VMCS's I/O bitmaps A and B */
	void *io_dirs;			/* wanted IN bits, then wanted OUT bits */
	u32 exc_bitmap, pfec_mask, pfec_match;
	const struct vmxscope_mem_range *mem;	/* sorted by first */
	unsigned int nr_mem;
	struct vmxscope_mem_step step;
	struct vmxscope_count counts[VMXSCOPE_COUNT_SLOTS];
	u64 counts_dropped;
};

DECLARE_PER_CPU(struct vmxscope_cpu *, vmxscope_cpu);

/*
 * The exit-reason field (SDM 25.9.1, Table 25-17); the kernel's own union
 * is KVM-internal, not in asm/vmx.h.
 */
union vmxscope_exit_code {
	struct {
		u32 basic		: 16;
		u32 reserved16		: 1;
		u32 reserved17		: 10;
		u32 enclave_mode	: 1;
		u32 smi_pending_mtf	: 1;
		u32 smi_from_vmx_root	: 1;
		u32 reserved30		: 1;
		u32 failed_vmentry	: 1;
	};
	u32 full;
};

/* Handlers return whether the guest resumes or this CPU is given back. */
enum vmxscope_exit_action {
	VMXSCOPE_RESUME,
	VMXSCOPE_GIVE_BACK,
};

typedef enum vmxscope_exit_action (*vmxscope_exit_handler_t)(struct vmxscope_cpu *,
							  struct vmxscope_regs *);

/* caps.c */
int vmxscope_caps_check(void);
int vmxscope_cpu_check(void);

/* vmcs.c: the six areas of the VMCS (seed 000); failures (vmcs.h). */
bool vmxscope_vmx_fail_report(int cpu);
int vmxscope_vmcs_setup(struct vmxscope_cpu *vc);
void vmxscope_vmcs_dump(struct vmxscope_vmcs_field *out);

/* vmcs_check.c: the software VM-entry check (entry_check.c) */
int vmxscope_vmcs_check(struct vmxscope_cpu *vc);
void vmxscope_vmcs_check_failed(struct vmxscope_cpu *vc, unsigned int hw_class);

/* cpu.c */
int vmxscope_cpu_enter(struct vmxscope_cpu *vc);
void vmxscope_flush_ept(void);
void vmxscope_cpu_give_back(struct vmxscope_cpu *vc);
enum vmxscope_exit_action vmxscope_give_back(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   unsigned long rip);

/* entry.S, and what it calls */
void vmxscope_vmexit(void);
int vmxscope_handle_exit(struct vmxscope_regs *regs);
void vmxscope_resume_failed(struct vmxscope_regs *regs);

/* exit.c */
void vmxscope_skip_instruction(void);
void vmxscope_inject_exception(unsigned int vector, bool has_error, u32 error);
const char *vmxscope_insn_error_name(u32 error);
enum vmxscope_exit_action vmxscope_give_back_error(struct vmxscope_cpu *vc,
				     struct vmxscope_regs *regs, const char *why);
void vmxscope_gave_back_log(struct vmxscope_cpu *vc);
void vmxscope_after_give_back(void);
__printf(1, 2) void vmxscope_log_deferred(const char *fmt, ...);
enum vmxscope_exit_action vmxscope_give_back_notice(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   const char *why);
void vmxscope_reinject(u32 info, u32 error);
void vmxscope_fault_sets_rf(unsigned int vector);

/* root_idt.c, entry.S, fixup.S: root mode's IDT and its two gates. */
int vmxscope_root_idt_init(void);
void vmxscope_root_idt_free(void);
void vmxscope_root_gp(void);
extern unsigned long vmxscope_linux_gp;
int vmxscope_rdmsr_safe(u32 msr, u64 *val);
int vmxscope_wrmsr_safe(u32 msr, u64 val);
int vmxscope_xsetbv_safe(u32 index, u64 val);

/* nmi.c: NMIs in and out of root mode, and the doorbell to the guest. */
#define VMXSCOPE_KICK_RING	BIT(0)	/* drain this CPU's event ring */
#define VMXSCOPE_KICK_GIVE_BACK	BIT(1)	/* queue give_back_work */
#define VMXSCOPE_KICK_LOG	BIT(2)	/* print a VMX instruction failure */
void vmxscope_root_nmi(void);			/* entry.S */
void vmxscope_root_nmi_record(void);
void vmxscope_nmi_cpu_init(struct vmxscope_cpu *vc);
void vmxscope_nmi_root_end(void);
void vmxscope_nmi_entry(struct vmxscope_cpu *vc);

DECLARE_PER_CPU(bool, vmxscope_root_nmi_seen);
DECLARE_PER_CPU(bool, vmxscope_root_vmcs_current);

/* From the VM exit on, an NMI in root asks for an NMI window (nmi.c). */
static __always_inline void vmxscope_nmi_root_begin(void)
{
	this_cpu_write(vmxscope_root_vmcs_current, true);
}

/*
 * Whether vmxscope_nmi_entry() has work before VM entry: an NMI or a
 * doorbell owed, a window left open, an NMI in root, or a VMX failure to
 * report (@failed: this CPU's vmxscope_vmx_fail.insn).  Inline, as the
 * exit path's usual answer is no.
 */
static __always_inline bool vmxscope_nmi_owed(struct vmxscope_cpu *vc,
					      bool failed)
{
	return vc->nmi_pending || vc->kick_wanted || vc->nmi_window ||
	       this_cpu_read(vmxscope_root_nmi_seen) ||
	       (failed && !vc->fail_kicked);
}
void vmxscope_nmi_after_give_back(struct vmxscope_cpu *vc);
void vmxscope_kick(struct vmxscope_cpu *vc, unsigned int why);
void vmxscope_kick_run(struct vmxscope_cpu *vc, unsigned int why);
int vmxscope_nmi_register(void);
void vmxscope_nmi_unregister(void);
enum vmxscope_exit_action vmxscope_handle_nmi(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_nmi_window(struct vmxscope_cpu *vc,
						   struct vmxscope_regs *regs);

/* ring.c: trace events, recorded in root mode for the guest to fire. */
void vmxscope_ring_exit(struct vmxscope_cpu *vc, u32 reason,
			unsigned long rip, unsigned long qual);
void vmxscope_ring_msr(struct vmxscope_cpu *vc, u32 msr, bool write,
		       u64 value, bool fault);
void vmxscope_ring_io(struct vmxscope_cpu *vc, u16 port, u8 size, bool in,
		      u32 value);
void vmxscope_ring_exception(struct vmxscope_cpu *vc, u8 vector, u32 error,
			     unsigned long rip, unsigned long cr2);
struct vmxscope_event;
void vmxscope_ring_mem(struct vmxscope_cpu *vc, struct vmxscope_event *e);

/*
 * trap.c: account and trace one trapped event, in root mode.  Counted per
 * CPU per MSR/port/vector, and sent to the vmxscope tracepoints.
 */
void vmxscope_note_msr(struct vmxscope_cpu *vc, u32 msr, bool write, u64 value,
		     bool fault);
void vmxscope_note_io(struct vmxscope_cpu *vc, u16 port, u8 size, bool in,
		    u32 value);
void vmxscope_note_exception(struct vmxscope_cpu *vc, u8 vector, u32 error,
			   unsigned long rip, unsigned long cr2);

void vmxscope_count(struct vmxscope_cpu *vc, u32 kind, u32 id, bool write);
bool vmxscope_exc_wanted(struct vmxscope_cpu *vc, u8 vector, u32 error);

int vmxscope_trap_cpu_alloc(struct vmxscope_cpu *vc);
void vmxscope_trap_cpu_free(struct vmxscope_cpu *vc);
void vmxscope_trap_apply(struct vmxscope_cpu *vc);
bool vmxscope_msr_trapped(struct vmxscope_cpu *vc, u32 msr, bool write);
unsigned int vmxscope_cpu_trap_counts(struct vmxscope_cpu *vc,
				    struct vmxscope_trap_count *out,
				    unsigned int capacity, u64 *dropped);

/* exit_cr.c, exit_msr.c, exit_io.c, exit_exception.c, ept.c: by subject. */
enum vmxscope_exit_action vmxscope_handle_io(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_exception(struct vmxscope_cpu *vc,
						struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_cr(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_rdmsr(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_wrmsr(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_ept_violation(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_mtf(struct vmxscope_cpu *vc,
					  struct vmxscope_regs *regs);
enum vmxscope_exit_action vmxscope_handle_intr(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs);
bool vmxscope_mem_step_exit(struct vmxscope_cpu *vc, u16 basic);
enum vmxscope_exit_action vmxscope_handle_ept_misconfig(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs);

/* ept.c */
int vmxscope_ept_init(void);
void vmxscope_ept_free(void);

#endif /* _VMXSCOPE_VMX_H */
