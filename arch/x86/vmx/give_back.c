// SPDX-License-Identifier: GPL-2.0
/*
 * Giving a CPU back to Linux from an exit: at once where the guest's CR3
 * maps vmxscope, else by a doorbell that makes the guest's kernel ask
 * (nmi.c).  Why is printed once the CPU is out of root mode.  The
 * registers themselves are restored by vmxscope_give_back() (cpu.c).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/page.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "vmx.h"

/* SDM 28.2.1: the guest-physical address field is valid for these. */
static __root bool is_ept_exit(u32 reason)
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

static __root void gave_back_note(struct vmxscope_cpu *vc, const char *level,
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
 * The give-back path ends by loading the guest's CR3 and runs on after it, so
 * that CR3 must map vmxscope: ring 0 with a kernel page table.  Ring 3, or
 * ring 0 still on PTI's user page table (entry code), does not.
 */
#define PTI_USER_PGD	BIT(PAGE_SHIFT)	/* PTI's user half of an 8 KiB PGD */

static __root bool guest_cr3_maps_kernel(void)
{
	if (vmxscope_guest_cpl())
		return false;
	return !(boot_cpu_has(X86_FEATURE_PTI) &&
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
static __root enum vmxscope_exit_action give_back(struct vmxscope_cpu *vc,
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
	if (vc->launching)
		regs->rax = -EIO;
	else
		vc->state = VMXSCOPE_CPU_ABORTED;
	return VMXSCOPE_GIVE_BACK;
}

/* Something vmxscope cannot handle: an error, then as without vmxscope. */
__root enum vmxscope_exit_action vmxscope_give_back_error(struct vmxscope_cpu *vc,
				     struct vmxscope_regs *regs, const char *why)
{
	return give_back(vc, regs, KERN_ERR, why);
}

/* The guest is on its way out of this kernel (kexec, reboot): let go. */
__root enum vmxscope_exit_action vmxscope_give_back_notice(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   const char *why)
{
	return give_back(vc, regs, KERN_NOTICE, why);
}
