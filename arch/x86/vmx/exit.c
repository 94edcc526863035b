// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch (seed book §3.10): one handler per basic exit reason,
 * counted per CPU; with retpolines, the commonest reasons are called
 * directly and CPUID inline (Documentation/performance.rst).  Handlers
 * for a subject live with it (exit_cr.c, exit_msr.c, ept.c); this file
 * has those for what VMX forces on every hypervisor (SDM 26.1.2): CPUID,
 * GETSEC, INVD, XSETBV, the VMX instructions, triple fault, INIT and
 * SIPI, and failed VM entries.
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

#include "vmxscope_events.h"	/* trace_*_enabled(): static keys only */
#include "vmcs.h"
#include "vmx.h"

/* SDM 26.1.2: VMX instructions always exit; as without VMX, #UD. */
static __root enum vmxscope_exit_action handle_ud(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs)
{
	vmxscope_inject_exception(X86_TRAP_UD, false, 0);
	return VMXSCOPE_RESUME;
}

/*
 * CPUID faulting (Linux's ARCH_SET_CPUID, used by rr): CPUID exits in
 * non-root mode before the CPU checks it, so the #GP(0) it would raise
 * at CPL > 0 is vmxscope's to give.  Where the CPU has it, its MSR exists
 * (X86_FEATURE_CPUID_FAULT comes from MSR_PLATFORM_INFO bit 31): a plain
 * RDMSR, no fixup needed.
 */
static __always_inline bool cpuid_faults(void)
{
	u32 lo, hi;

	if (!vmxscope_cfg.cpuid_fault || !vmxscope_guest_cpl())
		return false;
	asm volatile("rdmsr" : "=a" (lo), "=d" (hi)
		     : "c" (MSR_MISC_FEATURES_ENABLES));
	return lo & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT;
}

/* Inlined into the exit path's fast case (vmxscope_handle_exit). */
static __root __always_inline enum vmxscope_exit_action
handle_cpuid(struct vmxscope_cpu *vc, struct vmxscope_regs *regs)
{
	unsigned int eax = regs->rax, ebx, ecx = regs->rcx, edx;

	if (unlikely(cpuid_faults())) {
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
	__vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

/* INVD would drop dirty lines the host owns too: write them back instead. */
static __root enum vmxscope_exit_action handle_invd(struct vmxscope_cpu *vc,
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
static __root enum vmxscope_exit_action handle_xsetbv(struct vmxscope_cpu *vc,
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
 * vmxscope's own VMCALLs: ring 0 (CPL is SS.DPL, SDM 25.4.1) and the key.
 * LEAVE gives this CPU back; SYNC takes the traps now wanted (trap.c);
 * DUMP reads the VMCS into the buffer this CPU set before (vmx.c).
 */
static __root enum vmxscope_exit_action handle_vmcall(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs)
{
	if (vmxscope_guest_cpl() || regs->rdx != vmxscope_cfg.vmcall_key)
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
static __root enum vmxscope_exit_action handle_triple_fault(struct vmxscope_cpu *vc,
						   struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "guest triple fault");
}

/*
 * VMXOFF from ring 0 is a kernel leaving VMX in an emergency (older
 * kernels' cpu_emergency_vmxoff()): give the CPU back and let the VMXOFF
 * run natively, where it #UDs as the guest's CR4.VMXE says.  Ring 3: #UD.
 */
static __root enum vmxscope_exit_action handle_vmxoff(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs)
{
	if (vmxscope_guest_cpl())
		return handle_ud(vc, regs);
	return vmxscope_give_back_notice(vc, regs, "guest VMXOFF in ring 0");
}

/*
 * INIT is not blocked in non-root mode and exits instead (SDM 26.2).
 * CPUs that go offline leave VMX first, so an INIT here is unexpected:
 * give the CPU back rather than emulate wait-for-SIPI.
 */
static __root enum vmxscope_exit_action handle_init(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "INIT signal");
}

/* Only in wait-for-SIPI, which vmxscope never enters: ignore it. */
static __root enum vmxscope_exit_action handle_sipi(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	return VMXSCOPE_RESUME;
}

static const vmxscope_exit_handler_t handlers[VMXSCOPE_NR_EXIT_REASONS] __root_table = {
	[VMXSCOPE_EXIT_EXCEPTION_NMI]	= vmxscope_handle_exception,
	[VMXSCOPE_EXIT_EXTERNAL_INTERRUPT]	= vmxscope_handle_intr,
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
	[VMXSCOPE_EXIT_MONITOR_TRAP_FLAG]	= vmxscope_handle_mtf,
};

/* Traced exits cost two VMREADs more; untraced, one patched jump. */
static __always_inline void trace_exit(struct vmxscope_cpu *vc,
				       union vmxscope_exit_code reason)
{
	if (trace_vmxscope_exit_enabled())
		vmxscope_ring_exit(vc, reason.full, vmcs_readl(GUEST_RIP),
				   vmcs_readl(EXIT_QUALIFICATION));
}

/*
 * The exits the fast path does not take: failed VM entries (SDM 27.8:
 * the guest state was not loaded; its fields say why) and reasons
 * outside the table.  Counted and traced like the others.
 */
static __root noinline enum vmxscope_exit_action
exit_unusual(struct vmxscope_cpu *vc, struct vmxscope_regs *regs,
	     union vmxscope_exit_code reason)
{
	u16 basic = reason.basic;

	if (basic < VMXSCOPE_NR_EXIT_REASONS)
		WRITE_ONCE(vc->exits[basic], vc->exits[basic] + 1);
	trace_exit(vc, reason);
	if (!reason.failed_vmentry)
		return vmxscope_give_back_error(vc, regs, "unhandled VM exit");
	/*
	 * SDM 27.9: a machine check during VM entry is Linux's to handle; it
	 * gets it once the CPU is given back (cpu.c).
	 */
	if (basic == VMXSCOPE_EXIT_MCE_DURING_VMENTRY)
		vc->mce = true;
	return vmxscope_give_back_error(vc, regs, "VM entry failed");
}

/* @basic is below VMXSCOPE_NR_EXIT_REASONS. */
static __always_inline enum vmxscope_exit_action
dispatch(struct vmxscope_cpu *vc, struct vmxscope_regs *regs, u16 basic)
{
#ifdef CONFIG_RETPOLINE
	/* The exits Linux and the traps cause most: no retpoline (as KVM). */
	if (basic == VMXSCOPE_EXIT_CPUID)
		return handle_cpuid(vc, regs);
	if (basic == VMXSCOPE_EXIT_MSR_READ)
		return vmxscope_handle_rdmsr(vc, regs);
	if (basic == VMXSCOPE_EXIT_MSR_WRITE)
		return vmxscope_handle_wrmsr(vc, regs);
	if (basic == VMXSCOPE_EXIT_IO_INSTRUCTION)
		return vmxscope_handle_io(vc, regs);
#endif
	if (handlers[basic])
		return handlers[basic](vc, regs);
	return vmxscope_give_back_error(vc, regs, "unhandled VM exit");
}

/*
 * Log2 bucket of @ticks: 0 for 0-1, b for 2^b..2^(b+1)-1, the last one
 * for everything longer (uapi struct vmxscope_latency).
 */
static __always_inline unsigned int latency_bucket(u64 ticks)
{
	unsigned int b = fls64(ticks | 1) - 1;	/* 0 and 1 alike: no branch */

	return min(b, VMXSCOPE_LATENCY_BUCKETS - 1U);
}

/*
 * Called by entry.S; returns VMXSCOPE_RESUME or VMXSCOPE_GIVE_BACK.  The TSC is
 * read first and again just before resuming: what an exit costs in root
 * mode, without the VM exit and VM entry transitions themselves.
 */
__root int vmxscope_handle_exit(struct vmxscope_regs *regs)
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
	/* One range check for the counts, the table and the histogram. */
	if (unlikely(basic >= VMXSCOPE_NR_EXIT_REASONS || reason.failed_vmentry))
		return exit_unusual(vc, regs, reason);
	WRITE_ONCE(vc->exits[basic], vc->exits[basic] + 1);
	trace_exit(vc, reason);
	/* A memory step ends at any exit (exit_mem.c). */
	if (unlikely(vc->step.active) && vmxscope_mem_step_exit(vc, basic))
		action = VMXSCOPE_RESUME;
	else
		action = dispatch(vc, regs, basic);
	if (action != VMXSCOPE_RESUME)
		return action;
	if (unlikely(vmxscope_nmi_owed(vc, this_cpu_read(vmxscope_vmx_fail.insn))))
		vmxscope_nmi_entry(vc);
	/* Only this CPU writes its histogram; readers may see it torn. */
	slot = &vc->latency[basic][latency_bucket(rdtsc() - start)];
	WRITE_ONCE(*slot, *slot + 1);
	return VMXSCOPE_RESUME;
}

/* VMRESUME itself failed (VMfailValid): name the error, then give the CPU back. */
__root void vmxscope_resume_failed(struct vmxscope_regs *regs)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);
	unsigned long rip = vmcs_readl(GUEST_RIP);

	/* Named, with the VM-instruction error, once out of root (names.c). */
	vmxscope_vmx_failed("vmresume", rip, true);
	vmxscope_give_back(vc, regs, rip);
	vc->state = VMXSCOPE_CPU_ABORTED;
}
