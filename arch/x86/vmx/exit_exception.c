// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions sent to vmxscope by the exception bitmap and the #PF error-code
 * mask/match (SDM 25.2), basic exit reason 0 (SDM 28.2.2, Table 28-1).
 * Each is counted and traced, then handed back to the guest as the CPU
 * would have delivered it without VMX: same vector, type, error code and
 * return address, and the architectural side effects that the VM exit
 * pre-empted (SDM 28.1) made by hand.
 *
 * Root mode: interrupts off, no locks, no Linux code (Documentation/design.rst).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "vmx.h"

/* DR6 (SDM 18.2.3) and DR7 (SDM 18.2.4) bits that asm/debugreg.h lacks. */
#define DR6_BD			BIT(13)	/* debug-register access detected */
#define DR6_RTM			BIT(16)	/* active low: #DB inside RTM */
#define DR7_GD			BIT(13)	/* general detect enable */

/*
 * Exit qualification of a #DB (SDM Table 28-1): B0-B3, BLD, BD, BS, RTM
 * at their DR6 positions, but every bit active high.  DR6's active-low
 * bits (BLD, RTM) are among its reserved-1 bits, DR6_RESERVED.
 */
#define DB_QUAL_BITS		(DR_TRAP_BITS | DR_BUS_LOCK | DR6_BD | \
				 DR_STEP | DR6_RTM)

/* Pending debug exceptions, BS (SDM 25.4.2, Table 25-4). */
#define PENDING_DBG_BS		BIT(14)

/* Exception classes for double faults (SDM 6.15, Table 6-4). */
enum exc_class {
	EXC_BENIGN,
	EXC_CONTRIBUTORY,
	EXC_PAGE_FAULT,
	EXC_DOUBLE_FAULT,
};

/*
 * Table 6-4: contributory are #DE, #TS, #NP, #SS, #GP and #CP; the
 * page-fault class is #PF and #VE.  Everything else is benign, and so are
 * external interrupts, NMIs and all software-initiated events (INT n,
 * INT3, INTO, INT1) whatever their vector.
 */
static __root enum exc_class exc_class(u32 info)
{
	if (INTR_INFO_TYPE(info) != INTR_TYPE_HARD_EXCEPTION)
		return EXC_BENIGN;
	switch (INTR_INFO_VECTOR(info)) {
	case X86_TRAP_DE:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_CP:
		return EXC_CONTRIBUTORY;
	case X86_TRAP_PF:
	case X86_TRAP_VE:
		return EXC_PAGE_FAULT;
	case X86_TRAP_DF:
		return EXC_DOUBLE_FAULT;
	default:
		return EXC_BENIGN;
	}
}

/*
 * Table 6-5: which second exception, raised while delivering the first,
 * becomes a double fault.  (A second exception during a #DF is a triple
 * fault, handled by the caller.)
 */
static __root bool makes_double_fault(enum exc_class first, enum exc_class second)
{
	if (first == EXC_CONTRIBUTORY)
		return second == EXC_CONTRIBUTORY;
	if (first == EXC_PAGE_FAULT)
		return second == EXC_CONTRIBUTORY || second == EXC_PAGE_FAULT;
	return false;
}


/*
 * What generating a #DB does and a #DB that exits does not (SDM 28.1):
 * DR6 reports the cause, DR7.GD and IA32_DEBUGCTL.LBR are cleared (SDM
 * 18.2.4, 18.4.1), and BTF too (SDM 18.4.3; Linux keeps TIF_BLOCKSTEP in
 * step with it).  VM entry does not redo any of it for an injected #DB
 * (SDM 27.6.1.2).  DR6 is not switched by VMX: the real one is the
 * guest's.
 *
 * SDM 18.2.3: B0-B3 may be cleared by a #DB, the other status bits are
 * never cleared by the processor; BD and BS are set when they are the
 * cause; the active-low RTM and BLD read 1 unless they are the cause; the
 * reserved bits read 1.  So: drop B0-B3, set the reserved-1 bits, set the
 * causes, and flip the active-low ones among them to 0.
 */
static __root void debug_exception_effects(unsigned long qual)
{
	unsigned long dr6 = native_get_debugreg(6);
	u64 debugctl;

	qual &= DB_QUAL_BITS;
	dr6 = (dr6 & ~DR_TRAP_BITS) | DR6_RESERVED | qual;
	dr6 ^= qual & DR6_RESERVED;
	native_set_debugreg(6, dr6);

	vmcs_writel(GUEST_DR7, vmcs_readl(GUEST_DR7) & ~DR7_GD);
	debugctl = vmcs_read64(GUEST_IA32_DEBUGCTL);
	if (debugctl & (DEBUGCTLMSR_LBR | DEBUGCTLMSR_BTF))
		vmcs_write64(GUEST_IA32_DEBUGCTL, debugctl &
			     ~(DEBUGCTLMSR_LBR | DEBUGCTLMSR_BTF));
}

/*
 * VM-entry check (SDM 27.3.1.5): with blocking by STI or MOV SS, a pending
 * single step (BS) must be recorded exactly when RFLAGS.TF = 1 and
 * DEBUGCTL.BTF = 0.  An exiting #DB consumed the pending one and the CPU
 * saved the field clear (SDM 28.3.4), as it does for faults in an STI
 * shadow; set BS back so that VM entry accepts the state.  An entry that
 * injects a hardware or privileged software exception then drops it (SDM
 * 27.7.3), as delivering the exception would have.
 */
static __root void fix_pending_single_step(void)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (!(intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
		return;
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF) ||
	    (vmcs_read64(GUEST_IA32_DEBUGCTL) & DEBUGCTLMSR_BTF))
		return;
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
		    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | PENDING_DBG_BS);
}

static __root void block_nmi(void)
{
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
		     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) |
		     GUEST_INTR_STATE_NMI);
}

/*
 * The exception hit while the CPU delivered another event through the IDT
 * (SDM 28.2.4): decide, as the CPU would have (SDM 6.15, Table 6-5), what
 * the guest gets instead of @info.  Returns false for a triple fault.
 *
 * - Contributory after contributory, or contributory/#PF after #PF: a
 *   #DF with error code 0 (Interrupt 8).
 * - Contributory or #PF after #DF: shutdown.
 * - Any other pair is handled serially: the second exception is
 *   delivered, with the error code the CPU already computed (EXT set,
 *   SDM 6.13) and the guest RIP/RFLAGS the CPU saved for it (SDM 28.3.3).
 *
 * The first event is dropped, as on bare metal, where the second
 * exception's handler returns to the state the first event interrupted:
 * a fault or INT n/INT3/INTO/INT1 (guest RIP still at the instruction,
 * SDM 28.2.5) is raised again when that instruction re-executes; a trap
 * (#DB, #OF) had already completed its instruction; an external interrupt
 * was already acknowledged (in service at the APIC), so it is not
 * re-raised, exactly as without vmxscope.  Re-injecting the first event
 * instead would only hit the same exception and exit again.  An NMI whose
 * delivery began leaves NMIs blocked until the next IRET (SDM 6.7.1).
 */
static __root bool event_during_delivery(u32 idt, u32 *info, u32 *error)
{
	enum exc_class first = exc_class(idt), second = exc_class(*info);

	if (first == EXC_DOUBLE_FAULT && second != EXC_BENIGN)
		return false;
	if (makes_double_fault(first, second)) {
		*info = INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION |
			INTR_INFO_DELIVER_CODE_MASK | X86_TRAP_DF;
		*error = 0;
	}
	if (INTR_INFO_TYPE(idt) == INTR_TYPE_NMI_INTR)
		block_nmi();
	return true;
}

__root enum vmxscope_exit_action vmxscope_handle_exception(struct vmxscope_cpu *vc,
						struct vmxscope_regs *regs)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	u32 type = INTR_INFO_TYPE(info);
	u8 vector = INTR_INFO_VECTOR(info);
	u32 error = 0;

	if (!(info & INTR_INFO_VALID_MASK))
		return vmxscope_give_back_error(vc, regs, "exception exit without interruption information");
	/* NMI exiting (SDM 25.6.1): the guest's NMI, injected back (nmi.c). */
	if (type == INTR_TYPE_NMI_INTR)
		return vmxscope_handle_nmi(vc, regs);
	if (type != INTR_TYPE_HARD_EXCEPTION &&
	    type != INTR_TYPE_SOFT_EXCEPTION &&
	    type != INTR_TYPE_PRIV_SW_EXCEPTION)
		return vmxscope_give_back_error(vc, regs, "unexpected interruption type");
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		error = vmcs_read32(VM_EXIT_INTR_ERROR_CODE);

	/* Faults a memory step took (exit_mem.c) are only passed on. */
	if (vmxscope_exc_wanted(vc, vector, error))
		vmxscope_note_exception(vc, vector, error, vmcs_readl(GUEST_RIP),
				      vector == X86_TRAP_PF ? qual : 0);

	if (idt & VECTORING_INFO_VALID_MASK) {
		/*
		 * Shutdown, as exit.c treats a triple fault: the CPU is given
		 * back and the faults recur natively, where the platform resets.
		 */
		if (!event_during_delivery(idt, &info, &error))
			return vmxscope_give_back_error(vc, regs, "exception during #DF delivery (triple fault)");
	} else if ((info & INTR_INFO_UNBLOCK_NMI) && vector != X86_TRAP_DF) {
		/*
		 * The fault hit an IRET that had unblocked NMIs; delivering
		 * it would have left them blocked (SDM 28.2.3).
		 * Bit 12 is undefined for #DF and during event delivery.
		 */
		block_nmi();
	}

	if (vector == X86_TRAP_DB)
		debug_exception_effects(qual);
	fix_pending_single_step();
	vmxscope_reinject(info, error);

	/*
	 * VMX does not switch CR2 (SDM 28.1): the real CR2 is the guest's.
	 * Every #PF loads it, even one that becomes a #DF (SDM 6.15,
	 * Interrupt 14); nothing between here and VM entry can fault, and an
	 * NMI in root mode restores CR2 (Linux's exc_nmi).
	 */
	if (vector == X86_TRAP_PF)
		native_write_cr2(qual);
	return VMXSCOPE_RESUME;
}
