// SPDX-License-Identifier: GPL-2.0
/*
 * NMIs belong to the guest, and root mode runs no Linux code.
 *
 * NMI exiting and virtual NMIs are on (SDM 25.6.1): an NMI that arrives in
 * non-root mode exits, one that arrives in root mode goes through root's
 * own IDT (a copy of Linux's whose NMI gate is vmxscope_root_nmi, entry.S)
 * and is only recorded.  Either way it is injected into the guest exactly
 * once before the next VM entry, or as soon as the guest can take it
 * (NMI-window exiting, SDM 26.7.6).  The guest's NMI handlers run in the
 * guest, never in root.
 *
 * The same virtual NMI is root mode's doorbell: when root has recorded
 * events (ring.c) or a CPU must be given back from the guest's kernel
 * (exit.c), it injects an NMI with a reason in a per-CPU word; the guest's
 * NMI handler here claims it and queues the irq_work that does the rest
 * where Linux code may run.
 */
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#include <asm/sync_core.h>
#include <asm/traps.h>

#include <vmxscope/ring.h>
#include <vmxscope/trace.h>

#include "vmcs.h"
#include "vmx.h"

/* Set by vmxscope_root_nmi_record(): an NMI hit root mode. */
DEFINE_PER_CPU(bool, vmxscope_root_nmi_seen);
/* Whether root may VMWRITE now: this CPU's VMCS is current. */
DEFINE_PER_CPU(bool, vmxscope_root_vmcs_current);
/* Reasons of the doorbell NMI being delivered (VMXSCOPE_KICK_*). */
static DEFINE_PER_CPU(unsigned int, guest_kick);
/* This CPU's vmxscope state, for the guest's NMI handler. */
static DEFINE_PER_CPU(struct vmxscope_cpu *, nmi_vc);

/* cpu.c, before a CPU enters VMX: whom a doorbell on it is for. */
void vmxscope_nmi_cpu_init(struct vmxscope_cpu *vc)
{
	this_cpu_write(nmi_vc, vc);
}

static __root void request_nmi_window(void)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
		     CPU_BASED_NMI_WINDOW_EXITING);
}

/*
 * entry.S's NMI gate in root mode, NMIs blocked until its IRET (SDM
 * 6.7.1).  Record the NMI and make sure the guest exits as soon as it can
 * take it, in case the exit handler already looked (vmxscope_nmi_entry).
 */
__root void vmxscope_root_nmi_record(void)
{
	this_cpu_write(vmxscope_root_nmi_seen, true);
	if (this_cpu_read(vmxscope_root_vmcs_current))
		request_nmi_window();
}

/* Before VMCLEAR: from here an NMI is only recorded (give-back path). */
__root void vmxscope_nmi_root_end(void)
{
	this_cpu_write(vmxscope_root_vmcs_current, false);
	barrier();
}

/*
 * An injected NMI needs no blocking by STI, MOV SS or NMI (SDM 26.3.1.5),
 * and no memory step under way: the NMI window exit calls it off first
 * (exit_mem.c), so the NMI is delivered in the watched view.
 */
static __root bool nmi_injectable(struct vmxscope_cpu *vc)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if (vc->step.active)
		return false;
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS |
		    GUEST_INTR_STATE_NMI))
		return false;
	/* One event per entry: an exception or a re-injection goes first. */
	return !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

static __root void inject_nmi(void)
{
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, INTR_INFO_VALID_MASK |
		     INTR_TYPE_NMI_INTR | NMI_VECTOR);
}

/*
 * Last thing before VM entry, when vmxscope_nmi_owed() (vmx.h) says so:
 * report a VMX failure, inject one pending NMI, the guest's own first,
 * then a doorbell, and wait for an NMI window for the rest.  Loops if an
 * NMI hit root meanwhile, so none waits for a later exit.  Only this
 * function and root's NMI gate set NMI-window exiting, and the gate also
 * sets vmxscope_root_nmi_seen: with neither flag nor anything owed, there
 * is no window bit to clear and no VMREAD to do.
 */
__root void vmxscope_nmi_entry(struct vmxscope_cpu *vc)
{
	u32 ctl, want;

	/* A VMX instruction failed in root: the guest prints it (vmcs.h). */
	if (unlikely(this_cpu_read(vmxscope_vmx_fail.insn)) && !vc->fail_kicked) {
		vc->fail_kicked = true;
		vmxscope_kick(vc, VMXSCOPE_KICK_LOG);
	}
	do {
		if (this_cpu_read(vmxscope_root_nmi_seen)) {
			this_cpu_write(vmxscope_root_nmi_seen, false);
			vc->nmi_pending = true;
		}
		if (vc->nmi_pending && nmi_injectable(vc)) {
			vc->nmi_pending = false;
			inject_nmi();
		} else if (vc->kick_wanted && nmi_injectable(vc)) {
			this_cpu_write(guest_kick, vc->kick_wanted);
			vc->kick_wanted = 0;
			inject_nmi();
		}
		ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
		want = ctl & ~CPU_BASED_NMI_WINDOW_EXITING;
		if (vc->nmi_pending || vc->kick_wanted)
			want |= CPU_BASED_NMI_WINDOW_EXITING;
		if (want != ctl)
			vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, want);
		vc->nmi_window = want & CPU_BASED_NMI_WINDOW_EXITING;
		barrier();
	} while (this_cpu_read(vmxscope_root_nmi_seen));
}

/* Ask the guest's kernel, through a doorbell NMI, to do @why. */
__root void vmxscope_kick(struct vmxscope_cpu *vc, unsigned int why)
{
	vc->kick_wanted |= why;
}

/*
 * The guest became able to take an NMI (SDM 26.7.6); the injection is
 * vmxscope_nmi_entry's.
 */
__root enum vmxscope_exit_action vmxscope_handle_nmi_window(struct vmxscope_cpu *vc,
						   struct vmxscope_regs *regs)
{
	return VMXSCOPE_RESUME;
}

/*
 * An NMI arrived in non-root mode (exit reason 0, SDM 28.2.2).  If it
 * interrupted the delivery of another event, that event is delivered
 * again first (SDM 28.2.4: the CPU saved it in the IDT-vectoring
 * fields); if it came right after an IRET that unblocked NMIs, the guest
 * is blocked again until its next IRET (SDM 28.2.3), as it would be had
 * the NMI been delivered.
 */
__root enum vmxscope_exit_action vmxscope_handle_nmi(struct vmxscope_cpu *vc,
					    struct vmxscope_regs *regs)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	vc->nmi_pending = true;
	/*
	 * A VM exit caused by an NMI leaves NMIs blocked until an IRET
	 * (SDM Vol. 3C, VM exits: event blocking; seed book §7.3.2.1).
	 * Root has no IRET of its own on this path: do one, so that a
	 * later NMI reaches root's gate and is recorded too.
	 */
	iret_to_self();
	if (idt & VECTORING_INFO_VALID_MASK)
		vmxscope_reinject(idt, vmcs_read32(IDT_VECTORING_ERROR_CODE));
	else if (info & INTR_INFO_UNBLOCK_NMI)
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) |
			     GUEST_INTR_STATE_NMI);
	return VMXSCOPE_RESUME;
}

/*
 * After VMXOFF (cpu.c's door out of root, Linux's IDT back): what root still owed the
 * guest.  Not root any more, so Linux's APIC code may run: a pending NMI
 * becomes a real self-NMI, a pending doorbell its irq_work.
 */
void vmxscope_nmi_after_give_back(struct vmxscope_cpu *vc)
{
	if (this_cpu_read(vmxscope_root_nmi_seen))
		vc->nmi_pending = true;
	this_cpu_write(vmxscope_root_nmi_seen, false);
	if (vc->nmi_pending)
		apic->send_IPI(vc->cpu, NMI_VECTOR);
	vc->nmi_pending = false;
	vc->nmi_window = false;		/* the next VMCS starts without */
	if (vc->kick_wanted)
		vmxscope_kick_run(vc, vc->kick_wanted);
	vc->kick_wanted = 0;
}

/* Guest side, or after leaving: what the doorbell asked for. */
void vmxscope_kick_run(struct vmxscope_cpu *vc, unsigned int why)
{
	if (why & VMXSCOPE_KICK_RING)
		vmxscope_trace_kick();
	if (why & VMXSCOPE_KICK_GIVE_BACK)
		irq_work_queue(&vc->give_back_work);
	if (why & VMXSCOPE_KICK_LOG) {
		vmxscope_vmx_fail_report(vc->cpu);
		vc->fail_kicked = false;
	}
}

/* Guest side: Linux's NMI handler chain calls this for every NMI. */
static int guest_nmi(unsigned int type, struct pt_regs *regs)
{
	unsigned int why = this_cpu_xchg(guest_kick, 0);
	struct vmxscope_cpu *vc = this_cpu_read(nmi_vc);

	if (!why || !vc)
		return NMI_DONE;
	vmxscope_kick_run(vc, why);
	return NMI_HANDLED;
}

int vmxscope_nmi_register(void)
{
	return register_nmi_handler(NMI_LOCAL, guest_nmi, 0, KBUILD_MODNAME);
}

void vmxscope_nmi_unregister(void)
{
	unregister_nmi_handler(NMI_LOCAL, KBUILD_MODNAME);
}
