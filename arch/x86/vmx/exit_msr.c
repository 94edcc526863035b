// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR exits (SDM 26.1.3).  With the MSR bitmap empty only MSRs
 * outside the bitmap's two ranges exit (SDM 25.1.3); each access is
 * performed on the guest's behalf with the same result, #GP included.
 * MSRs that VMX switches on entry and exit live in the VMCS while the
 * guest runs, so the guest's view of them is read and written there.
 */
#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/cpufeature.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/traps.h>

#include "msr_rules.h"
#include "vmcs.h"
#include "vmx.h"

/*
 * A guest WRMSR to a switched MSR: whether the CPU would take it (no
 * #GP), and the value it would then hold (@val, adjusted in place).
 */
struct switched_msr {
	u32 msr;
	unsigned long field;
	bool (*valid)(u64 old, u64 *val);
};

static bool any_value(u64 old, u64 *val)
{
	return true;
}

/* Linear addresses must be canonical for the CPU's width (SDM Vol. 4). */
static bool canonical(u64 old, u64 *val)
{
	return vmxscope_canonical(*val, boot_cpu_data.x86_virt_bits);
}

static bool pat_valid(u64 old, u64 *val)
{
	return vmxscope_pat_valid(*val);
}

/*
 * Reserved bits (msr_rules.h), NXE only where the CPU has NX, and LME
 * cannot change while paging is on (SDM Vol. 4, IA32_EFER; 10.8.5).
 * LMA is read-only: a write keeps the current value, as the CPU does.
 */
static bool efer_valid(u64 old, u64 *val)
{
	u64 valid = VMXSCOPE_EFER_VALID;

	if (!boot_cpu_has(X86_FEATURE_NX))
		valid &= ~VMXSCOPE_EFER_NXE;
	if ((*val & ~valid) || ((*val ^ old) & VMXSCOPE_EFER_LME))
		return false;
	*val = (*val & ~VMXSCOPE_EFER_LMA) | (old & VMXSCOPE_EFER_LMA);
	return true;
}

/*
 * Beyond the architectural reserved bits, which DEBUGCTL bits a CPU has
 * is model-specific: ask the CPU.  Root runs with DEBUGCTL cleared by the
 * VM exit (SDM 28.5.1), so the real MSR can take the value for a moment
 * and be cleared again; a #GP is caught by root's own gate (entry.S).
 */
static bool debugctl_valid(u64 old, u64 *val)
{
	if (*val & VMXSCOPE_DEBUGCTL_RSVD)
		return false;
	if (vmxscope_wrmsr_safe(MSR_IA32_DEBUGCTLMSR, *val))
		return false;
	vmxscope_wrmsr_safe(MSR_IA32_DEBUGCTLMSR, 0);
	return true;
}

/* SDM 27.3.1, 28.3.1: saved on exit and loaded on entry by vmxscope's controls. */
static const struct switched_msr switched[] = {
	{ MSR_IA32_SYSENTER_CS,	GUEST_SYSENTER_CS, any_value },
	{ MSR_IA32_SYSENTER_ESP, GUEST_SYSENTER_ESP, canonical },
	{ MSR_IA32_SYSENTER_EIP, GUEST_SYSENTER_EIP, canonical },
	{ MSR_IA32_DEBUGCTLMSR,	GUEST_IA32_DEBUGCTL, debugctl_valid },
	{ MSR_IA32_CR_PAT,	GUEST_IA32_PAT, pat_valid },
	{ MSR_EFER,		GUEST_IA32_EFER, efer_valid },
	{ MSR_FS_BASE,		GUEST_FS_BASE, canonical },
	{ MSR_GS_BASE,		GUEST_GS_BASE, canonical },
};

static __root const struct switched_msr *find_switched(u32 msr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(switched); i++)
		if (switched[i].msr == msr)
			return &switched[i];
	return NULL;
}

__root enum vmxscope_exit_action vmxscope_handle_rdmsr(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs)
{
	u32 msr = regs->rcx;
	const struct switched_msr *s = find_switched(msr);
	u64 val;

	if (s) {
		val = __vmcs_read(s->field);
	} else if (vmxscope_rdmsr_safe(msr, &val)) {
		if (vmxscope_msr_trapped(vc, msr, false))
			vmxscope_note_msr(vc, msr, false, 0, true);
		vmxscope_inject_exception(X86_TRAP_GP, true, 0);
		return VMXSCOPE_RESUME;
	}
	if (vmxscope_msr_trapped(vc, msr, false))
		vmxscope_note_msr(vc, msr, false, val, false);
	regs->rax = (u32)val;
	regs->rdx = val >> 32;
	__vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

__root enum vmxscope_exit_action vmxscope_handle_wrmsr(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs)
{
	u32 msr = regs->rcx;
	u64 val = (u32)regs->rax | (regs->rdx << 32);
	const struct switched_msr *s = find_switched(msr);
	bool trapped = vmxscope_msr_trapped(vc, msr, true);
	bool fault;

	/* Never tried on the real MSR: root mode runs on the host's values. */
	if (s) {
		fault = !s->valid(__vmcs_read(s->field), &val);
		if (!fault)
			__vmcs_write(s->field, val);
	} else {
		fault = vmxscope_wrmsr_safe(msr, val);
	}
	if (trapped)
		vmxscope_note_msr(vc, msr, true, val, fault);
	if (fault) {
		vmxscope_inject_exception(X86_TRAP_GP, true, 0);
		return VMXSCOPE_RESUME;
	}
	__vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}
