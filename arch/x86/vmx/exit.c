// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch (seed book §3.10): one handler per basic exit reason,
 * counted per CPU.  Handlers for a subject live with it (exit_cr.c,
 * exit_msr.c, ept.c); this file has those for what VMX forces on every
 * hypervisor (SDM 26.1.2): CPUID, GETSEC, INVD, XSETBV, the VMX
 * instructions, triple fault, INIT and SIPI, and failed VM entries.
 *
 * Everything here runs in VMX root mode, with interrupts off, while the
 * guest may have been anywhere (holding any lock, in the idle loop, in an
 * NMI): so no locks and no Linux code (Documentation/design.rst); what
 * must be printed is printed after the CPU left VMX.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <asm/special_insns.h>
#include <asm/debugreg.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/msr.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>

#include "vmcs.h"
#include "vmx.h"

#define NAME_ENTRY(nr, name)	{ nr, #name },
static const struct {
	u16 nr;
	const char *name;
} exit_names[] = {
	VMXSCOPE_EXIT_REASONS(NAME_ENTRY)
};

/* For logs and debugfs only: a linear search is fine. */
const char *vmxscope_exit_reason_name(u32 reason)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == ((union vmxscope_exit_code)reason).basic)
			return exit_names[i].name;
	return "UNKNOWN";
}

/* VM-instruction error numbers (SDM 31.4, seed book §2.6.3). */
static const char * const insn_errors[] = {
	[VMXERR_VMCALL_IN_VMX_ROOT_OPERATION] =
		"VMCALL in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDRESS] =
		"VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_POINTER] =
		"VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS] =
		"VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS] =
		"VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF] =
		"VMRESUME after VMXOFF",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELD] =
		"VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELD] =
		"VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDRESS] =
		"VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_POINTER] =
		"VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID] =
		"VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_VMCS_COMPONENT] =
		"VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT] =
		"VMWRITE to read-only VMCS component",
	[VMXERR_VMXON_IN_VMX_ROOT_OPERATION] =
		"VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER] =
		"VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS] =
		"VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER] =
		"VM entry with executive-VMCS pointer not VMXON pointer",
	[VMXERR_VMCALL_NONCLEAR_VMCS] =
		"VMCALL with non-clear VMCS",
	[VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS] =
		"VMCALL with invalid VM-exit control fields",
	[VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID] =
		"VMCALL with incorrect MSEG revision identifier",
	[VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM] =
		"VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES] =
		"VMCALL with invalid SMM-monitor features",
	[VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS] =
		"VM entry with invalid VM-execution control fields in executive VMCS",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] =
		"VM entry with events blocked by MOV SS",
	[VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID] =
		"Invalid operand to INVEPT/INVVPID",
};

const char *vmxscope_insn_error_name(u32 error)
{
	if (error < ARRAY_SIZE(insn_errors) && insn_errors[error])
		return insn_errors[error];
	return "unknown";
}

/*
 * printk_deferred() for a module: the CPU may be anywhere, interrupts off,
 * even in an NMI.  Only ever called out of root mode.
 */
void vmxscope_log_deferred(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk_emit(0, LOGLEVEL_SCHED, NULL, fmt, args);
	va_end(args);
}

/* SDM 28.2.1: the guest-physical address field is valid for these. */
static bool is_ept_exit(u32 reason)
{
	union vmxscope_exit_code r = { .full = reason };

	return !r.failed_vmentry &&
	       (r.basic == VMXSCOPE_EXIT_EPT_VIOLATION ||
		r.basic == VMXSCOPE_EXIT_EPT_MISCONFIG);
}

/*
 * Why a CPU was given back, printed once it is out of root mode (root
 * runs no Linux code): right after the give-back, or by the guest's kernel
 * when it had to wait for it (vmx.c's give_back_work).
 */
void vmxscope_gave_back_log(struct vmxscope_cpu *vc)
{
	const char *why = vc->gave_back_why;
	union vmxscope_exit_code reason = { .full = vc->gave_back_reason };
	char gpa[32] = "";

	if (!why)
		return;
	vc->gave_back_why = NULL;
	if (is_ept_exit(reason.full))
		snprintf(gpa, sizeof(gpa), ", GPA %#llx", vc->gave_back_gpa);
	vmxscope_log_deferred("%s" KBUILD_MODNAME ": CPU %d: %s: exit reason %u (%s%s), qualification %#lx, guest RIP %#lx%s; left VMX on this CPU\n",
			vc->gave_back_level, vc->cpu, why, reason.basic,
			vmxscope_exit_reason_name(reason.full),
			reason.failed_vmentry ? ", VM-entry failure" : "",
			vc->gave_back_qual, vc->gave_back_rip, gpa);
}

static void gave_back_note(struct vmxscope_cpu *vc, const char *level,
			   const char *why)
{
	vc->gave_back_why = why;
	vc->gave_back_level = level;
	vc->gave_back_reason = vmcs_read32(VM_EXIT_REASON);
	vc->gave_back_qual = vmcs_readl(EXIT_QUALIFICATION);
	vc->gave_back_rip = vmcs_readl(GUEST_RIP);
	if (is_ept_exit(vc->gave_back_reason))
		vc->gave_back_gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
}

/*
 * Past the exiting instruction, as the CPU would have gone on: STI/MOV-SS
 * blocking ends (SDM 26.3.1.5), RF is cleared as after any completed
 * instruction (SDM Vol. 3A 18.3.1.1), and a single-step trap is owed if
 * TF is set, unless DEBUGCTL.BTF asks for one on branches only (SDM Vol.
 * 3A 18.4.3): none of the instructions vmxscope skips is a branch.
 */
void vmxscope_skip_instruction(void)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
		    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	if (rflags & X86_EFLAGS_RF)
		vmcs_writel(GUEST_RFLAGS, rflags & ~X86_EFLAGS_RF);
	if ((rflags & X86_EFLAGS_TF) &&
	    !(vmcs_read64(GUEST_IA32_DEBUGCTL) & DEBUGCTLMSR_BTF))
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | DR_STEP);
}

/* Trap- and abort-class exceptions (SDM Vol. 3A 6.5, Table 6-1). */
#define NOT_FAULTS	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_BP) | BIT(X86_TRAP_OF) | \
			 BIT(X86_TRAP_DF) | BIT(X86_TRAP_MC))

/*
 * Delivering a fault sets RF in the RFLAGS it pushes (SDM Vol. 3A
 * 18.3.1.1), so that the instruction restarts without an instruction
 * breakpoint; an injected event pushes the guest-state RFLAGS as they are
 * (SDM 27.6.1.2), so set RF there.  #DB counts as a trap here, as in KVM.
 */
void vmxscope_fault_sets_rf(unsigned int vector)
{
	if (vector < 32 && !(NOT_FAULTS & BIT(vector)))
		vmcs_writel(GUEST_RFLAGS, vmcs_readl(GUEST_RFLAGS) | X86_EFLAGS_RF);
}

/* Event injection on the next VM entry (SDM 24.8.3, 27.6). */
void vmxscope_inject_exception(unsigned int vector, bool has_error, u32 error)
{
	u32 info = INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION | vector;

	vmxscope_fault_sets_rf(vector);
	if (has_error) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/*
 * The give-back path ends by loading the guest's CR3 and runs on after it, so
 * that CR3 must map vmxscope: ring 0 with a kernel page table.  Ring 3, or
 * ring 0 still on PTI's user page table (entry code), does not.
 */
#define PTI_USER_PGD	BIT(PAGE_SHIFT)	/* PTI's user half of an 8 KiB PGD */

static bool guest_cr3_maps_kernel(void)
{
	if ((vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3)
		return false;
	return !(static_cpu_has(X86_FEATURE_PTI) &&
		 (vmcs_readl(GUEST_CR3) & PTI_USER_PGD));
}

/*
 * Leave VMX on this CPU and let the guest re-execute the instruction
 * natively: what the CPU does then is what it would have done without
 * vmxscope.  At launch, vmxscope_launch() returns -EIO instead.  From a
 * context whose CR3 does not map vmxscope, an irq_work makes the guest ask
 * to leave from its kernel as soon as interrupts are on; meanwhile the
 * exiting instruction retries, or gets #UD if interrupts are off.
 */
static enum vmxscope_exit_action give_back(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs,
					 const char *level, const char *why)
{
	if (!vc->launching && !guest_cr3_maps_kernel()) {
		if (!vc->give_back_queued) {
			vc->give_back_queued = true;
			gave_back_note(vc, level, why);
			vmxscope_kick(vc, VMXSCOPE_KICK_GIVE_BACK);
		}
		if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF))
			vmxscope_inject_exception(X86_TRAP_UD, false, 0);
		return VMXSCOPE_RESUME;
	}
	gave_back_note(vc, level, why);
	vmxscope_give_back(vc, regs, vmcs_readl(GUEST_RIP));
	vmxscope_gave_back_log(vc);	/* out of root mode now */
	if (vc->launching)
		regs->rax = -EIO;
	else
		vc->state = VMXSCOPE_CPU_ABORTED;
	return VMXSCOPE_GIVE_BACK;
}

/* Something vmxscope cannot handle: an error, then as without vmxscope. */
enum vmxscope_exit_action vmxscope_give_back_error(struct vmxscope_cpu *vc,
				     struct vmxscope_regs *regs, const char *why)
{
	return give_back(vc, regs, KERN_ERR, why);
}

/* The guest is on its way out of this kernel (kexec, reboot): let go. */
enum vmxscope_exit_action vmxscope_give_back_notice(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   const char *why)
{
	return give_back(vc, regs, KERN_NOTICE, why);
}

/* SDM 26.1.2: VMX instructions always exit; as without VMX, #UD. */
static enum vmxscope_exit_action handle_ud(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs)
{
	vmxscope_inject_exception(X86_TRAP_UD, false, 0);
	return VMXSCOPE_RESUME;
}

/*
 * CPUID faulting (Linux's ARCH_SET_CPUID, used by rr): CPUID exits in
 * non-root mode before the CPU checks it, so the #GP(0) it would raise
 * at CPL > 0 is vmxscope's to give.
 */
static bool cpuid_faults(void)
{
	u64 v;

	if (!vmxscope_cfg.cpuid_fault || !((vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3))
		return false;
	v = __rdmsr(MSR_MISC_FEATURES_ENABLES);
	return v & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT;
}

static enum vmxscope_exit_action handle_cpuid(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs)
{
	unsigned int eax = regs->rax, ebx, ecx = regs->rcx, edx;

	if (cpuid_faults()) {
		vmxscope_inject_exception(X86_TRAP_GP, true, 0);
		return VMXSCOPE_RESUME;
	}

	native_cpuid(&eax, &ebx, &ecx, &edx);
	/* VT-x is taken while vmxscope is loaded (src/coexist.c). */
	if ((u32)regs->rax == 1)
		ecx &= ~BIT(X86_FEATURE_VMX & 31);
	regs->rax = eax;
	regs->rbx = ebx;
	regs->rcx = ecx;
	regs->rdx = edx;
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

/* INVD would drop dirty lines the host owns too: write them back instead. */
static enum vmxscope_exit_action handle_invd(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	wbinvd();
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

/*
 * XSETBV always exits (SDM 26.1.2).  It sets the real XCR0, which VMX
 * does not switch, so root executes it for the guest: the CPU itself
 * judges the value (reserved bits, x87, AVX/AVX-512 and AMX pairings,
 * SDM Vol. 2C "XSETBV"), and a #GP is the guest's (entry.S fixups).  CPL
 * and CR4.OSXSAVE were checked before the exit.
 */
static enum vmxscope_exit_action handle_xsetbv(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs)
{
	u64 value = (u32)regs->rax | (regs->rdx << 32);

	if (vmxscope_xsetbv_safe(regs->rcx, value)) {
		vmxscope_inject_exception(X86_TRAP_GP, true, 0);
		return VMXSCOPE_RESUME;
	}
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

/*
 * vmxscope's own VMCALLs: ring 0 (CPL is SS.DPL, SDM 24.4.1) and the key.
 * LEAVE gives this CPU back; SYNC takes the traps now wanted (trap.c);
 * DUMP reads the VMCS into the buffer this CPU set before (vmx.c).
 */
static enum vmxscope_exit_action handle_vmcall(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs)
{
	u32 ss_ar = vmcs_read32(GUEST_SS_AR_BYTES);

	if (((ss_ar >> 5) & 3) || regs->rdx != vmxscope_cfg.vmcall_key)
		return handle_ud(vc, regs);
	switch (regs->rax) {
	case VMXSCOPE_VMCALL_GIVE_BACK:
		return vmxscope_give_back(vc, regs, vmcs_readl(GUEST_RIP) +
					  vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	case VMXSCOPE_VMCALL_SYNC:
		vmxscope_trap_apply(vc);
		vmxscope_skip_instruction();
		return VMXSCOPE_RESUME;
	case VMXSCOPE_VMCALL_DUMP:
		if (vc->dump)
			vmxscope_vmcs_dump(vc->dump);
		vmxscope_skip_instruction();
		return VMXSCOPE_RESUME;
	default:
		return handle_ud(vc, regs);
	}
}

/*
 * A real CPU would shut down and the platform reset (SDM 28.2.1): give the
 * CPU back with the guest's state, and the fault recurs natively.  Linux
 * reboots this way on purpose (reboot=t).
 */
static enum vmxscope_exit_action handle_triple_fault(struct vmxscope_cpu *vc,
						   struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "guest triple fault");
}

/*
 * VMXOFF from ring 0 is a kernel leaving VMX in an emergency (older
 * kernels' cpu_emergency_vmxoff()): give the CPU back and let the VMXOFF
 * run natively, where it #UDs as the guest's CR4.VMXE says.  Ring 3: #UD.
 */
static enum vmxscope_exit_action handle_vmxoff(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs)
{
	if ((vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3)
		return handle_ud(vc, regs);
	return vmxscope_give_back_notice(vc, regs, "guest VMXOFF in ring 0");
}

/*
 * INIT is not blocked in non-root mode and exits instead (SDM 26.2).
 * CPUs that go offline leave VMX first, so an INIT here is unexpected:
 * give the CPU back rather than emulate wait-for-SIPI.
 */
static enum vmxscope_exit_action handle_init(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "INIT signal");
}

/* Only in wait-for-SIPI, which vmxscope never enters: ignore it. */
static enum vmxscope_exit_action handle_sipi(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	return VMXSCOPE_RESUME;
}

static const vmxscope_exit_handler_t handlers[VMXSCOPE_NR_EXIT_REASONS] = {
	[VMXSCOPE_EXIT_EXCEPTION_NMI]	= vmxscope_handle_exception,
	[VMXSCOPE_EXIT_TRIPLE_FAULT]	= handle_triple_fault,
	[VMXSCOPE_EXIT_INIT_SIGNAL]	= handle_init,
	[VMXSCOPE_EXIT_SIPI_SIGNAL]	= handle_sipi,
	[VMXSCOPE_EXIT_NMI_WINDOW]	= vmxscope_handle_nmi_window,
	[VMXSCOPE_EXIT_CPUID]		= handle_cpuid,
	[VMXSCOPE_EXIT_GETSEC]		= handle_ud,
	[VMXSCOPE_EXIT_INVD]		= handle_invd,
	[VMXSCOPE_EXIT_VMCALL]		= handle_vmcall,
	[VMXSCOPE_EXIT_VMCLEAR]		= handle_ud,
	[VMXSCOPE_EXIT_VMLAUNCH]		= handle_ud,
	[VMXSCOPE_EXIT_VMPTRLD]		= handle_ud,
	[VMXSCOPE_EXIT_VMPTRST]		= handle_ud,
	[VMXSCOPE_EXIT_VMREAD]		= handle_ud,
	[VMXSCOPE_EXIT_VMRESUME]		= handle_ud,
	[VMXSCOPE_EXIT_VMWRITE]		= handle_ud,
	[VMXSCOPE_EXIT_VMXOFF]		= handle_vmxoff,
	[VMXSCOPE_EXIT_VMXON]		= handle_ud,
	[VMXSCOPE_EXIT_CR_ACCESS]		= vmxscope_handle_cr,
	[VMXSCOPE_EXIT_IO_INSTRUCTION]	= vmxscope_handle_io,
	[VMXSCOPE_EXIT_MSR_READ]		= vmxscope_handle_rdmsr,
	[VMXSCOPE_EXIT_MSR_WRITE]		= vmxscope_handle_wrmsr,
	[VMXSCOPE_EXIT_EPT_VIOLATION]	= vmxscope_handle_ept_violation,
	[VMXSCOPE_EXIT_EPT_MISCONFIG]	= vmxscope_handle_ept_misconfig,
	[VMXSCOPE_EXIT_INVEPT]		= handle_ud,
	[VMXSCOPE_EXIT_INVVPID]		= handle_ud,
	[VMXSCOPE_EXIT_VMFUNC]		= handle_ud,
	[VMXSCOPE_EXIT_XSETBV]		= handle_xsetbv,
};

static enum vmxscope_exit_action dispatch(struct vmxscope_cpu *vc,
					struct vmxscope_regs *regs,
					union vmxscope_exit_code reason)
{
	u16 basic = reason.basic;

	if (basic < VMXSCOPE_NR_EXIT_REASONS)
		WRITE_ONCE(vc->exits[basic], vc->exits[basic] + 1);
	vmxscope_ring_exit(vc, reason.full, vmcs_readl(GUEST_RIP),
			   vmcs_readl(EXIT_QUALIFICATION));

	/* SDM 27.8: the guest state was not loaded; its fields say why. */
	if (reason.failed_vmentry) {
		/*
		 * SDM 27.9: a machine check during VM entry is Linux's to
		 * handle; it gets it once the CPU is given back (cpu.c).
		 */
		if (basic == VMXSCOPE_EXIT_MCE_DURING_VMENTRY)
			vc->mce = true;
		return vmxscope_give_back_error(vc, regs, "VM entry failed");
	}
	if (basic < VMXSCOPE_NR_EXIT_REASONS && handlers[basic])
		return handlers[basic](vc, regs);
	return vmxscope_give_back_error(vc, regs, "unhandled VM exit");
}

/*
 * Log2 bucket of @ticks: 0 for 0-1, b for 2^b..2^(b+1)-1, the last one
 * for everything longer (uapi struct vmxscope_latency).
 */
static unsigned int latency_bucket(u64 ticks)
{
	unsigned int b = ticks ? fls64(ticks) - 1 : 0;

	return min(b, VMXSCOPE_LATENCY_BUCKETS - 1U);
}

/*
 * Called by entry.S; returns VMXSCOPE_RESUME or VMXSCOPE_GIVE_BACK.  The TSC is
 * read first and again just before resuming: what an exit costs in root
 * mode, without the VM exit and VM entry transitions themselves.
 */
int vmxscope_handle_exit(struct vmxscope_regs *regs)
{
	u64 start = rdtsc();
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);
	union vmxscope_exit_code reason = {
		.full = vmcs_read32(VM_EXIT_REASON),
	};
	u16 basic = reason.basic;
	enum vmxscope_exit_action action;
	u32 *slot;

	vc->exit_tsc = start;
	vmxscope_nmi_root_begin();
	action = dispatch(vc, regs, reason);
	if (action != VMXSCOPE_RESUME)
		return action;
	vmxscope_nmi_entry(vc);
	if (basic >= VMXSCOPE_NR_EXIT_REASONS)
		return action;
	/* Only this CPU writes its histogram; readers may see it torn. */
	slot = &vc->latency[basic][latency_bucket(rdtsc() - start)];
	WRITE_ONCE(*slot, *slot + 1);
	return VMXSCOPE_RESUME;
}

/* VMRESUME itself failed (VMfailValid): name the error, then give the CPU back. */
void vmxscope_resume_failed(struct vmxscope_regs *regs)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);
	u32 err = vmcs_read32(VM_INSTRUCTION_ERROR);

	vmxscope_give_back(vc, regs, vmcs_readl(GUEST_RIP));
	vc->state = VMXSCOPE_CPU_ABORTED;
	vmxscope_log_deferred(KERN_ERR KBUILD_MODNAME ": CPU %d: VMRESUME failed: VM-instruction error %u (%s); left VMX on this CPU\n",
			vc->cpu, err, vmxscope_insn_error_name(err));
}
