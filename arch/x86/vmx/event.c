// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest sees after an exit, as the CPU would have made it: the
 * instruction skipped (with its effects on interruptibility, RF and
 * single-stepping) or an event injected on the next VM entry (SDM 27.6),
 * RF set for faults.  Root mode; used by every exit handler.
 */
#include <linux/bitops.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "vmx.h"

/* Out of line for the handlers off the hot path (vmcs.h has the body). */
__root void vmxscope_skip_instruction(void)
{
	__vmxscope_skip_instruction();
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
__root void vmxscope_fault_sets_rf(unsigned int vector)
{
	if (vector < 32 && !(NOT_FAULTS & BIT(vector)))
		vmcs_writel(GUEST_RFLAGS, vmcs_readl(GUEST_RFLAGS) | X86_EFLAGS_RF);
}

/* Event injection on the next VM entry (SDM 25.8.3, 27.6). */
__root void vmxscope_inject_exception(unsigned int vector, bool has_error, u32 error)
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
 * Event injection (SDM 25.8.3, 27.6.1): the event as it was recognized.
 * Software interrupts (INT n), software exceptions (#BP from INT3, #OF
 * from INTO) and privileged software exceptions (INT1) push the address
 * after the instruction, so VM entry needs its length (SDM 27.6.1.1);
 * the VM exit provided it (SDM 28.2.5).  Bit 12 and the reserved bits are not part of the
 * VM-entry format and are dropped.
 */
__root void vmxscope_reinject(u32 info, u32 error)
{
	u32 type = (info & INTR_INFO_INTR_TYPE_MASK);
	u32 entry = INTR_INFO_VALID_MASK | type | (info & INTR_INFO_VECTOR_MASK);

	if (type == INTR_TYPE_HARD_EXCEPTION)
		vmxscope_fault_sets_rf((info & INTR_INFO_VECTOR_MASK));
	if (info & INTR_INFO_DELIVER_CODE_MASK) {
		entry |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
			     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, entry);
}
