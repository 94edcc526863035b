// SPDX-License-Identifier: GPL-2.0
/*
 * One CPU into and out of VMX operation (SDM 25.11.5, 31; seed book
 * §2.3-§2.4): VMXON, VMCLEAR, VMPTRLD, VMLAUNCH; and the way back, which
 * must leave every register as the guest last had it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/stringify.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "entry.h"
#include "vmcs.h"
#include "vmx.h"

/* entry.S addresses struct vmxscope_regs by the offsets of entry.h. */
static_assert(offsetof(struct vmxscope_regs, rip) == VMXSCOPE_REGS_RIP);
static_assert(offsetof(struct vmxscope_regs, ldtr) == VMXSCOPE_REGS_LDTR);
static_assert(offsetof(struct vmxscope_regs, ds) == VMXSCOPE_REGS_DS);
static_assert(offsetof(struct vmxscope_regs, es) == VMXSCOPE_REGS_ES);
static_assert(offsetof(struct vmxscope_regs, fs) == VMXSCOPE_REGS_FS);
static_assert(offsetof(struct vmxscope_regs, gs) == VMXSCOPE_REGS_GS);
static_assert(offsetof(struct vmxscope_regs, fs_base) == VMXSCOPE_REGS_FS_BASE);
static_assert(offsetof(struct vmxscope_regs, gs_base) == VMXSCOPE_REGS_GS_BASE);
static_assert(sizeof(struct vmxscope_regs) == VMXSCOPE_REGS_SIZE);

DEFINE_PER_CPU(struct vmxscope_cpu *, vmxscope_cpu);

/* The basic exit reason of the VM-entry failure exit that ended a launch. */
static DEFINE_PER_CPU(u16, launch_exit_reason);

static __always_inline void wrmsr_raw(u32 msr, u64 val)
{
	__wrmsr(msr, (u32)val, val >> 32);
}

/* CR4 writes that bypass Linux's shadow of CR4: the guest never sees VMXE. */
static __always_inline void write_cr4_raw(unsigned long cr4)
{
	asm volatile("mov %0, %%cr4" : : "r" (cr4) : "memory");
}

/*
 * VMLAUNCH with the guest resuming right after it, on this very stack
 * (seed 001: guest RSP/RIP are "here").  VM entry changes no general
 * register, so success returns the 0 put in EAX before; VMfail returns 1;
 * a VM-entry failure exit comes back through the give-back path with a
 * negative errno in EAX.
 */
static noinline int vmxscope_launch(void)
{
	int ret;

	asm volatile("pushf\n\t"
		     "pop %%rax\n\t"
		     "vmwrite %%rax, %[rflags]\n\t"
		     "vmwrite %%rsp, %[rsp]\n\t"
		     "lea 1f(%%rip), %%rax\n\t"
		     "vmwrite %%rax, %[rip]\n\t"
		     "xor %%eax, %%eax\n\t"
		     "vmlaunch\n\t"
		     "mov $1, %%eax\n\t"
		     "1:"
		     : "=&a" (ret)
		     : [rflags] "r" ((unsigned long)GUEST_RFLAGS),
		       [rsp] "r" ((unsigned long)GUEST_RSP),
		       [rip] "r" ((unsigned long)GUEST_RIP)
		     : "cc", "memory");
	return ret;
}

/*
 * Drop what this CPU's TLBs hold of the watched EPT view (SDM 29.4.3.1);
 * the open view never changes.
 */
__root void vmxscope_flush_ept(void)
{
	if (vmxscope_cfg.invept_single)
		vmx_invept(VMX_EPT_EXTENT_CONTEXT, vmxscope_cfg.eptp);
	else
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

/* Drop what the TLBs may hold for this VPID and the EPT (SDM 29.4.3). */
static __root void flush_guest_tlb(struct vmxscope_cpu *vc)
{
	vmxscope_flush_ept();
	if (vmxscope_cfg.invvpid_single)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vc->vpid, 0);
	else
		vmx_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0, 0);
}

/* Runs on vc->cpu with interrupts off; on success Linux runs as a guest. */
int vmxscope_cpu_enter(struct vmxscope_cpu *vc)
{
	unsigned long cr4 = native_read_cr4();
	int ret;

	ret = vmxscope_cpu_check();
	if (ret)
		return ret;

	/*
	 * Root mode will run on VPID 0, whose TLB entries Linux stops
	 * flushing once it is a guest: start root with none (toggling
	 * CR4.PGE flushes every PCID, globals too, SDM Vol. 3A 4.10.4.1).
	 */
	write_cr4_raw(cr4 ^ X86_CR4_PGE);
	write_cr4_raw(cr4);

	/* SDM 25.11.5, seed book §2.3.3: revision ID first, VMXE, VMXON. */
	*(u32 *)vc->vmxon = vmxscope_cfg.revision_id;
	*(u32 *)vc->vmcs = vmxscope_cfg.revision_id;
	write_cr4_raw(cr4 | X86_CR4_VMXE);
	if (vmx_on(vc->vmxon_pa)) {
		write_cr4_raw(cr4);
		vmxscope_vmx_fail_report(vc->cpu);
		return -EIO;
	}
	flush_guest_tlb(vc);
	if (vmcs_clear(vc->vmcs_pa) || vmcs_load(vc->vmcs_pa)) {
		ret = -EIO;
		goto off;
	}
	ret = vmxscope_vmcs_setup(vc);
	if (!ret)
		ret = vmxscope_vmcs_check(vc);
	if (ret)
		goto clear;

	this_cpu_write(vmxscope_cpu, vc);
	vmxscope_nmi_cpu_init(vc);
	vc->state = VMXSCOPE_CPU_GUEST;
	vc->give_back_queued = false;
	vc->launching = true;
	ret = vmxscope_launch();
	vc->launching = false;
	if (!ret)
		return 0;		/* VMX non-root from here on */
	if (ret < 0) {
		/* Entry failed (SDM 27.8); already out of VMX. */
		vmxscope_vmcs_check_failed(vc, this_cpu_read(launch_exit_reason));
		return ret;
	}

	vc->state = VMXSCOPE_CPU_OFF;
	pr_err("CPU %d: VMLAUNCH failed: VM-instruction error %u (%s)\n",
	       vc->cpu, vmcs_read32(VM_INSTRUCTION_ERROR),
	       vmxscope_insn_error_name(vmcs_read32(VM_INSTRUCTION_ERROR)));
	vmxscope_vmcs_check_failed(vc, vmcs_read32(VM_INSTRUCTION_ERROR));
	ret = -EIO;
clear:
	vmcs_clear(vc->vmcs_pa);
off:
	vmx_off();
	write_cr4_raw(cr4);
	vmxscope_vmx_fail_report(vc->cpu);
	return ret;
}

/* Runs on vc->cpu with interrupts off: ask the hypervisor to let go. */
void vmxscope_cpu_give_back(struct vmxscope_cpu *vc)
{
	if (vc->state != VMXSCOPE_CPU_GUEST)
		return;
	vmxscope_vmcall(VMXSCOPE_VMCALL_GIVE_BACK);
}

/*
 * In root mode: save what the guest had, turn VMX off on this CPU and
 * return to entry.S, which leaves root's code through the door below and
 * IRETs to @rip in the guest's context.
 */
__root enum vmxscope_exit_action vmxscope_give_back(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   unsigned long rip)
{
	struct vmxscope_leave *l = &vc->leave;

	if (vc->launching)
		this_cpu_write(launch_exit_reason, vmcs_read32(VM_EXIT_REASON));
	regs->rip = rip;
	regs->cs = vmcs_read16(GUEST_CS_SELECTOR);
	regs->rflags = vmcs_readl(GUEST_RFLAGS);
	regs->rsp = vmcs_readl(GUEST_RSP);
	regs->ss = vmcs_read16(GUEST_SS_SELECTOR);
	/* entry.S loads these last, with no C code after them. */
	regs->ldtr = vmcs_read16(GUEST_LDTR_SELECTOR);
	regs->ds = vmcs_read16(GUEST_DS_SELECTOR);
	regs->es = vmcs_read16(GUEST_ES_SELECTOR);
	regs->fs = vmcs_read16(GUEST_FS_SELECTOR);
	regs->gs = vmcs_read16(GUEST_GS_SELECTOR);
	regs->fs_base = vmcs_readl(GUEST_FS_BASE);
	regs->gs_base = vmcs_readl(GUEST_GS_BASE);

	l->gdt.size = vmcs_read32(GUEST_GDTR_LIMIT);
	l->gdt.address = vmcs_readl(GUEST_GDTR_BASE);
	l->idt.size = vmcs_read32(GUEST_IDTR_LIMIT);
	l->idt.address = vmcs_readl(GUEST_IDTR_BASE);
	/* VMXE as the guest last set it through the read shadow. */
	l->cr4 = (vmcs_readl(GUEST_CR4) & ~X86_CR4_VMXE) |
		 (vmcs_readl(CR4_READ_SHADOW) & X86_CR4_VMXE);
	/* CR0.PG is host-owned too, and 1 in both. */
	l->cr0 = vmcs_readl(GUEST_CR0);
	l->cr3 = vmcs_readl(GUEST_CR3);
	l->dr7 = vmcs_readl(GUEST_DR7);
	l->debugctl = vmcs_read64(GUEST_IA32_DEBUGCTL);
	l->efer = vmcs_read64(GUEST_IA32_EFER);
	l->pat = vmcs_read64(GUEST_IA32_PAT);
	l->sysenter_cs = vmcs_read32(GUEST_SYSENTER_CS);
	l->sysenter_esp = vmcs_readl(GUEST_SYSENTER_ESP);
	l->sysenter_eip = vmcs_readl(GUEST_SYSENTER_EIP);

	flush_guest_tlb(vc);
	vmxscope_nmi_root_end();
	vmcs_clear(vc->vmcs_pa);
	vmx_off();
	vc->state = VMXSCOPE_CPU_OFF;
	return VMXSCOPE_GIVE_BACK;
}

/*
 * The door out of root's code (entry.S vmxscope_gave_back), VMX already
 * off: make the real registers what the guest had, which a VM exit loaded
 * with host values or clobbered: GDTR/IDTR limits to 0xffff, TR's limit
 * to 0x67 (SDM 28.5.2), DR7 to 0x400 and DEBUGCTL to 0 (SDM 28.3.1).
 * The segment registers and the FS/GS bases come last, in entry.S.
 */
void vmxscope_after_give_back(void)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);
	struct vmxscope_leave *l = &vc->leave;

	/*
	 * Root mode ran with VPID 0, as Linux will now: flush all of VPID 0,
	 * globals too, by toggling CR4.PGE (SDM 4.10.4.1), since Linux's own
	 * flushes went to its VPID while it was a guest.  Nothing but this
	 * file's inline code runs before.
	 */
	write_cr4_raw(l->cr4 ^ X86_CR4_PGE);
	write_cr4_raw(l->cr4);
	asm volatile("mov %0, %%cr0" : : "r" (l->cr0) : "memory");
	native_write_cr3(l->cr3);
	native_load_gdt(&l->gdt);
	native_load_idt(&l->idt);
	force_reload_TR();

	/* Raw MSR writes (no MSR tracepoints from here). */
	if (__rdmsr(MSR_EFER) != l->efer)
		wrmsr_raw(MSR_EFER, l->efer);
	wrmsr_raw(MSR_IA32_CR_PAT, l->pat);
	wrmsr_raw(MSR_IA32_SYSENTER_CS, l->sysenter_cs);
	wrmsr_raw(MSR_IA32_SYSENTER_ESP, l->sysenter_esp);
	wrmsr_raw(MSR_IA32_SYSENTER_EIP, l->sysenter_eip);
	wrmsr_raw(MSR_IA32_DEBUGCTLMSR, l->debugctl);
	native_set_debugreg(7, l->dr7);

	/* Linux's world again: settle what root owed the guest (nmi.c). */
	vmxscope_nmi_after_give_back(vc);
	vmxscope_gave_back_log(vc);
	vmxscope_vmx_fail_report(vc->cpu);
	/* SDM 27.9: Linux handles the machine check, as KVM hands it on. */
	if (vc->mce) {
		vc->mce = false;
		asm volatile("int $" __stringify(X86_TRAP_MC));
	}
}
