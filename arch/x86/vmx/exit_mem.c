// SPDX-License-Identifier: GPL-2.0
/*
 * Watched memory, root mode's half (Documentation/memory-monitoring.rst).
 * An access to a watched page is an EPT violation (SDM 29.3.3.2).  The
 * CPU that made it, and only it, switches to the open EPT view and
 * steps that one instruction (step_controls()); at the step's end it
 * goes back to the watched view and reports the access if it touched
 * watched bytes, else counts it as a neighbour.
 *
 * While it steps, the CPU must not run anything but that instruction in
 * the open view: an external interrupt (external-interrupt exiting, on
 * only when the guest could take one), an NMI, an NMI window, or a fault
 * of the instruction (the step's exception bitmap) exits first, and the
 * step is called off unreported: the guest then takes the event in the
 * watched view and the instruction faults again when it runs again.
 */
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>

#include <vmxscope/ring.h>
#include "vmcs.h"
#include "vmx.h"

/* Exit qualification of an EPT violation (SDM 28.2.1, Table 28-7). */
#define EPT_QUAL_READ		BIT(0)
#define EPT_QUAL_WRITE		BIT(1)
#define EPT_QUAL_FETCH		BIT(2)
#define EPT_QUAL_GLA_VALID	BIT(7)
#define EPT_QUAL_NMI_UNBLOCK	BIT(12)

/* Faults an instruction can raise: they exit while it is stepped. */
#define STEP_FAULTS	(BIT(X86_TRAP_DE) | BIT(X86_TRAP_BR) | BIT(X86_TRAP_UD) | \
			 BIT(X86_TRAP_NM) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) | \
			 BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) | BIT(X86_TRAP_PF) | \
			 BIT(X86_TRAP_MF) | BIT(X86_TRAP_AC) | BIT(X86_TRAP_XF) | \
			 BIT(X86_TRAP_CP))

/* Index of the first range on @gpa's page, or vc->nr_mem. */
static __root unsigned int first_on_page(struct vmxscope_cpu *vc, u64 gpa)
{
	u64 page = gpa & PAGE_MASK;
	unsigned int lo = 0, hi = vc->nr_mem;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if ((vc->mem[mid].first & PAGE_MASK) < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < vc->nr_mem && (vc->mem[lo].first & PAGE_MASK) == page)
		return lo;
	return vc->nr_mem;
}

/*
 * Up to 8 bytes from @gpa, not past its page, which a watched range's
 * trap pinned as RAM in the direct map (src/mem_traps.c).
 */
static __root u64 read_bytes(u64 gpa, u8 size)
{
	const u8 *p = __va(gpa);
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (u64)READ_ONCE(p[i]) << (8 * i);
	return v;
}

/*
 * Single-stepping one instruction: with the monitor trap flag where the
 * CPU has it (SDM 26.5.2), else with RFLAGS.TF and #DB exiting, the
 * guest's own TF and DEBUGCTL.BTF kept aside (SDM Vol. 3A 18.3.1.4):
 * a single-step trap follows any instruction that began with TF set.
 * An event delivered again (@s->by_timer) has no such trap and would
 * push our TF: a VMX-preemption timer of 0 exits right after its
 * delivery instead (SDM 26.7.4).
 */
static __root void step_controls(struct vmxscope_cpu *vc, bool on)
{
	struct vmxscope_mem_step *s = &vc->step;
	u32 proc = vmxscope_cfg.proc, pin = vmxscope_cfg.pin;
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 exc = vc->exc_bitmap;
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	if (on) {
		exc |= STEP_FAULTS;
		/* Only an interrupt the guest could take now exits. */
		if ((rflags & X86_EFLAGS_IF) &&
		    !(intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
			pin |= PIN_BASED_EXT_INTR_MASK;
	}
	if (vmxscope_cfg.mem_mtf) {
		if (on)
			proc |= CPU_BASED_MONITOR_TRAP_FLAG;
	} else if (s->by_timer) {
		if (on) {
			pin |= PIN_BASED_VMX_PREEMPTION_TIMER;
			vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, 0);
		}
	} else if (on) {
		s->tf = rflags & X86_EFLAGS_TF;
		s->debugctl = vmcs_read64(GUEST_IA32_DEBUGCTL);
		if (s->debugctl & DEBUGCTLMSR_BTF)
			vmcs_write64(GUEST_IA32_DEBUGCTL,
				     s->debugctl & ~DEBUGCTLMSR_BTF);
		vmcs_writel(GUEST_RFLAGS, rflags | X86_EFLAGS_TF);
		exc |= BIT(X86_TRAP_DB);
	} else if (!s->by_timer) {
		/* A TF the instruction itself loaded (POPF, IRET) is lost. */
		vmcs_writel(GUEST_RFLAGS, (rflags & ~X86_EFLAGS_TF) |
			    (s->tf ? X86_EFLAGS_TF : 0));
		if (s->debugctl & DEBUGCTLMSR_BTF)
			vmcs_write64(GUEST_IA32_DEBUGCTL, s->debugctl);
	}
	/* NMI-window exiting is nmi.c's: kept as it is. */
	proc |= vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		CPU_BASED_NMI_WINDOW_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, pin);
	vmcs_write64(EPT_POINTER, on ? vmxscope_cfg.eptp_open : vmxscope_cfg.eptp);
	vmcs_write32(EXCEPTION_BITMAP, exc);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, on ? 0 : vc->pfec_mask);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, on ? 0 : vc->pfec_match);
	s->active = on;
}

/* Counts and reports the access the step made, once per range it hit. */
static __root void step_report(struct vmxscope_cpu *vc)
{
	struct vmxscope_mem_step *s = &vc->step;
	u64 new = read_bytes(s->gpa, s->size), end = s->gpa + s->size - 1;
	unsigned int i = first_on_page(vc, s->gpa), near = i;
	bool hit = false;

	for (; i < vc->nr_mem && (vc->mem[i].first & PAGE_MASK) ==
	       (s->gpa & PAGE_MASK); i++) {
		const struct vmxscope_mem_range *r = &vc->mem[i];
		struct vmxscope_event e;
		bool in = s->gpa >= r->first && s->gpa <= r->last;

		/*
		 * A write that starts before the range is known to reach it
		 * only if it changed bytes there (the CPU reports the first
		 * byte's address, not the size).
		 */
		if (!in && (s->access & VMXSCOPE_TRAP_WRITE) &&
		    s->gpa < r->first && end >= r->first) {
			unsigned int sh = (r->first - s->gpa) * 8;

			in = (s->old ^ new) >> sh;
		}
		if (!in || !(r->flags & s->access))
			continue;
		hit = true;
		if (s->access & VMXSCOPE_TRAP_EXEC)
			vmxscope_count(vc, VMXSCOPE_KIND_MEM_EXEC, r->id, false);
		else
			vmxscope_count(vc, VMXSCOPE_KIND_MEM, r->id,
				       s->access & VMXSCOPE_TRAP_WRITE);
		e = (struct vmxscope_event){
			.a = r->id, .error = s->access & r->flags, .b = s->rip,
			.c = s->gpa, .flag = s->gla_valid, .d = s->gla,
			.size = s->size, .old = s->old, .new = new,
		};
		vmxscope_ring_mem(vc, &e);
	}
	if (!hit)
		vmxscope_count(vc, VMXSCOPE_KIND_MEM_NEAR, vc->mem[near].id, false);
}

/*
 * SDM 28.2.1: a violation in the watched view; in the open view (while
 * stepping) it is a guest-physical address outside the identity map.
 */
__root enum vmxscope_exit_action vmxscope_handle_ept_violation(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	struct vmxscope_mem_step *s = &vc->step;

	if (s->active)
		return vmxscope_give_back_error(vc, regs, "EPT violation");
	s->gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	s->rip = vmcs_readl(GUEST_RIP);
	s->gla_valid = qual & EPT_QUAL_GLA_VALID;
	s->gla = s->gla_valid ? vmcs_readl(GUEST_LINEAR_ADDRESS) : 0;
	s->access = qual & EPT_QUAL_FETCH ? VMXSCOPE_TRAP_EXEC :
		(qual & EPT_QUAL_READ ? VMXSCOPE_TRAP_READ : 0) |
		(qual & EPT_QUAL_WRITE ? VMXSCOPE_TRAP_WRITE : 0);
	/*
	 * Ranges not yet synced to this CPU (a trap being set or removed)
	 * are stepped unreported: the ioctl has not returned yet.
	 */
	s->watched = first_on_page(vc, s->gpa) < vc->nr_mem;
	s->size = min_t(u64, 8, PAGE_SIZE - offset_in_page(s->gpa));
	s->old = s->watched ? read_bytes(s->gpa, s->size) : 0;

	/* The access was an event's delivery: deliver it again (SDM 28.2.4). */
	s->by_timer = false;
	if (idt & VECTORING_INFO_VALID_MASK) {
		vmxscope_reinject(idt, vmcs_read32(IDT_VECTORING_ERROR_CODE));
		s->by_timer = !vmxscope_cfg.mem_mtf && vmxscope_cfg.mem_timer;
	} else if (qual & EPT_QUAL_NMI_UNBLOCK) {
		/* It hit an IRET that unblocked NMIs (SDM 28.2.3). */
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) |
			     GUEST_INTR_STATE_NMI);
	}
	step_controls(vc, true);
	return VMXSCOPE_RESUME;
}

/* An MTF exit is only ever a step's end (vmxscope_mem_step_exit()). */
__root enum vmxscope_exit_action vmxscope_handle_mtf(struct vmxscope_cpu *vc,
					  struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "unexpected MTF exit");
}

/* External-interrupt exiting is on only while stepping; the step is off. */
__root enum vmxscope_exit_action vmxscope_handle_intr(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs)
{
	return VMXSCOPE_RESUME;
}

/* The step's single-step trap: a #DB exit with DR6.BS (SDM 27.2.1). */
static __root bool step_trap(void)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

	return !vmxscope_cfg.mem_mtf &&
	       INTR_INFO_TYPE(info) == INTR_TYPE_HARD_EXCEPTION &&
	       INTR_INFO_VECTOR(info) == X86_TRAP_DB &&
	       (vmcs_readl(EXIT_QUALIFICATION) & DR_STEP);
}

/*
 * Any exit while stepping (exit.c).  The step's end (MTF exit, or the
 * single-step #DB) reports the access; returns true if nothing else is
 * owed for the exit.  The guest's own single step or a data breakpoint
 * on the same instruction is then delivered by the exception handler.
 * An EPT violation in the open view is left to its handler.  Any other
 * exit means an event came first, and the instruction runs again later in
 * the watched view; except where the instruction itself exited (CPUID, a
 * trapped RDMSR, ...): it was fetched, so an execute access is reported.
 */
__root bool vmxscope_mem_step_exit(struct vmxscope_cpu *vc, u16 basic)
{
	struct vmxscope_mem_step *s = &vc->step;

	if (basic == VMXSCOPE_EXIT_EPT_VIOLATION)
		return false;
	if (basic == VMXSCOPE_EXIT_MONITOR_TRAP_FLAG ||
	    (basic == VMXSCOPE_EXIT_PREEMPTION_TIMER && s->by_timer) ||
	    (basic == VMXSCOPE_EXIT_EXCEPTION_NMI && !s->by_timer && step_trap())) {
		bool guest_db = basic == VMXSCOPE_EXIT_EXCEPTION_NMI &&
			(s->tf || (vmcs_readl(EXIT_QUALIFICATION) & ~DR_STEP));

		step_controls(vc, false);
		if (s->watched)
			step_report(vc);
		return !guest_db;
	}
	step_controls(vc, false);
	if (!s->watched || !(s->access & VMXSCOPE_TRAP_EXEC))
		return false;
	switch (basic) {
	case VMXSCOPE_EXIT_EXCEPTION_NMI:
	case VMXSCOPE_EXIT_EXTERNAL_INTERRUPT:
	case VMXSCOPE_EXIT_NMI_WINDOW:
	case VMXSCOPE_EXIT_INTERRUPT_WINDOW:
	case VMXSCOPE_EXIT_TRIPLE_FAULT:
	case VMXSCOPE_EXIT_INIT_SIGNAL:
		return false;
	}
	step_report(vc);
	return false;
}
