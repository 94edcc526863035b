// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register access exits (SDM 26.1.3, exit qualification in SDM
 * Table 28-3; seed book §3.10.1.10).  vmxscope owns CR0.PG and CR4.VMXE, so
 * MOV to CR0/CR4 exits only when the guest writes one of them differing
 * from the read shadow (paging off; kvm_intel enabling VMX); MOV to/from
 * CR3 exits only when the CPU forces CR3 exiting on.
 */
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "controls.h"
#include "vmcs.h"
#include "vmx.h"

/* Exit qualification (SDM Table 28-3); asm/vmx.h's number mask misses CR8. */
#define CR_QUAL_CR(q)		((q) & 0xf)
#define CR_QUAL_TYPE(q)		(((q) & CONTROL_REG_ACCESS_TYPE) >> 4)
#define CR_QUAL_GPR(q)		(((q) & CONTROL_REG_ACCESS_REG) >> 8)
#define CR_TYPE_MOV_TO		0
#define CR_TYPE_MOV_FROM	1

#define CR3_NOFLUSH		BIT_ULL(63)

/* General register n of the instruction encoding; RSP lives in the VMCS. */
static __root unsigned long *gpr(struct vmxscope_regs *regs, unsigned int n)
{
	unsigned long *map[16] = {
		&regs->rax, &regs->rcx, &regs->rdx, &regs->rbx, NULL,
		&regs->rbp, &regs->rsi, &regs->rdi, &regs->r8, &regs->r9,
		&regs->r10, &regs->r11, &regs->r12, &regs->r13, &regs->r14,
		&regs->r15,
	};

	return map[n];
}

static __root unsigned long read_gpr(struct vmxscope_regs *regs, unsigned int n)
{
	return n == 4 ? vmcs_readl(GUEST_RSP) : *gpr(regs, n);
}

static __root void write_gpr(struct vmxscope_regs *regs, unsigned int n,
		      unsigned long v)
{
	if (n == 4)
		vmcs_writel(GUEST_RSP, v);
	else
		*gpr(regs, n) = v;
}

/* Flush this VPID's translations as MOV to CR3/CR4 would have (SDM 4.10.4.1). */
static __root void flush_vpid(struct vmxscope_cpu *vc, bool globals)
{
	if (!vmxscope_cfg.invvpid_single)
		vmx_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0, 0);
	else if (globals)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vc->vpid, 0);
	else
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_NON_GLOBAL, vc->vpid, 0);
}

/*
 * The guest's CR4 is its value with VMXE forced on underneath; the read
 * shadow keeps the VMXE of 0 the guest believes in, so only a write that
 * sets VMXE exits; every other CR4 write runs natively and the CPU checks
 * it.  While vmxscope is loaded CPUID says there is no VMX, and on such a
 * CPU CR4.VMXE is reserved: #GP (SDM Vol. 3A 2.5; Documentation/design.rst,
 * "Coexisting with KVM").
 */
static __root bool mov_to_cr4(struct vmxscope_cpu *vc, unsigned long val)
{
	if ((val & X86_CR4_VMXE) ||
	    vmxscope_cr_violations(val | X86_CR4_VMXE, vmxscope_cfg.cr4_fixed0,
				   vmxscope_cfg.cr4_fixed1))
		return false;
	vmcs_writel(GUEST_CR4, val | X86_CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, val);
	flush_vpid(vc, true);
	return true;
}

static __root void mov_to_cr3(struct vmxscope_cpu *vc, unsigned long val)
{
	vmcs_writel(GUEST_CR3, val & ~CR3_NOFLUSH);
	if (!(val & CR3_NOFLUSH))
		flush_vpid(vc, false);
}

/*
 * Only a write changing CR0.PG exits.  Clearing it in ring 0 is a kernel
 * leaving long mode for good (kexec's relocate_kernel, reboot through
 * real mode): the CPU is given back and the write runs natively.
 */
static __root enum vmxscope_exit_action mov_to_cr0(struct vmxscope_cpu *vc,
					  struct vmxscope_regs *regs,
					  unsigned long val)
{
	if (!(val & X86_CR0_PG))
		return vmxscope_give_back_notice(vc, regs, "guest turns paging off");
	if (vmxscope_cr_violations(val, vmxscope_cfg.cr0_fixed0,
				 vmxscope_cfg.cr0_fixed1)) {
		vmxscope_inject_exception(X86_TRAP_GP, true, 0);
		return VMXSCOPE_RESUME;
	}
	vmcs_writel(GUEST_CR0, val);
	vmcs_writel(CR0_READ_SHADOW, val);
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

__root enum vmxscope_exit_action vmxscope_handle_cr(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);
	unsigned int cr = CR_QUAL_CR(q), reg = CR_QUAL_GPR(q);

	switch (CR_QUAL_TYPE(q)) {
	case CR_TYPE_MOV_TO:
		if (cr == 0)
			return mov_to_cr0(vc, regs, read_gpr(regs, reg));
		if (cr == 4) {
			if (!mov_to_cr4(vc, read_gpr(regs, reg))) {
				vmxscope_inject_exception(X86_TRAP_GP, true, 0);
				return VMXSCOPE_RESUME;
			}
			break;
		}
		if (cr == 3) {
			mov_to_cr3(vc, read_gpr(regs, reg));
			break;
		}
		return vmxscope_give_back_error(vc, regs, "unexpected MOV to CR");
	case CR_TYPE_MOV_FROM:
		if (cr != 3)
			return vmxscope_give_back_error(vc, regs, "unexpected MOV from CR");
		write_gpr(regs, reg, vmcs_readl(GUEST_CR3));
		break;
	default:
		/* CLTS and LMSW cannot clear CR0.PG, the one bit masked. */
		return vmxscope_give_back_error(vc, regs, "unexpected CLTS/LMSW exit");
	}
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}
