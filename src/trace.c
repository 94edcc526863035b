// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope's tracepoints, fired in the guest, never in VMX root mode
 * (Documentation/design.rst, "Root mode runs no Linux code").  Root mode
 * records events in per-CPU rings (arch/x86/vmx/ring.c) and rings a
 * doorbell NMI; the guest's NMI handler queues this CPU's drain, an
 * irq_work, which fires the tracepoints in interrupt context where RCU
 * watches.  Every event carries the TSC of its VM exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#define CREATE_TRACE_POINTS
#include "vmxscope_events.h"

#include <vmxscope/ring.h>
#include <vmxscope/trace.h>
#include <vmxscope/vmxscope.h>

static void emit(unsigned int cpu, const struct vmxscope_event *e)
{
	switch (e->type) {
	case VMXSCOPE_EV_EXIT:
		trace_vmxscope_exit(cpu, e->a, e->b, e->c, e->tsc);
		break;
	case VMXSCOPE_EV_MSR:
		trace_vmxscope_msr(cpu, e->a, e->flag, e->b, e->fault, e->tsc);
		break;
	case VMXSCOPE_EV_IO:
		trace_vmxscope_io(cpu, e->a, e->size, e->flag, e->b, e->tsc);
		break;
	case VMXSCOPE_EV_EXC:
		trace_vmxscope_exception(cpu, e->a, e->error, e->b, e->c,
					 e->tsc);
		break;
	case VMXSCOPE_EV_MEM:
		trace_vmxscope_mem(cpu, e->a, e->error, e->b, e->c, e->flag,
				   e->d, e->size, e->old, e->new, e->tsc);
		break;
	}
}

/*
 * Root mode may exit this CPU anywhere in here and post more: drain until
 * empty, disarm, and look once more, so an event posted just before the
 * disarm is not left waiting for the next one.
 */
static void drain(struct vmxscope_ring *r)
{
	struct vmxscope_event e;

	for (;;) {
		while (r->tail != READ_ONCE(r->head)) {
			e = r->ev[r->tail % VMXSCOPE_RING_SIZE];
			barrier();	/* copied before the slot is freed */
			WRITE_ONCE(r->tail, r->tail + 1);
			emit(r->cpu, &e);
		}
		WRITE_ONCE(r->armed, false);
		barrier();
		if (READ_ONCE(r->head) == r->tail)
			break;
		WRITE_ONCE(r->armed, true);
	}
}

static void drain_work(struct irq_work *work)
{
	drain(container_of(work, struct vmxscope_ring, work));
}

/* The doorbell, from the guest's NMI handler (NMI-safe irq_work_queue). */
void vmxscope_trace_kick(void)
{
	struct vmxscope_ring *r = this_cpu_read(vmxscope_ring);

	if (r)
		irq_work_queue(&r->work);
}

void vmxscope_trace_counts(unsigned int cpu, u64 *posted, u64 *dropped)
{
	struct vmxscope_ring *r = per_cpu(vmxscope_ring, cpu);

	*posted = r ? READ_ONCE(r->posted) : 0;
	*dropped = r ? READ_ONCE(r->dropped) : 0;
}

/* @pa is in a CPU's ring (memory traps may not watch it). */
bool vmxscope_trace_owns(u64 pa)
{
	struct vmxscope_ring *r;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		r = per_cpu(vmxscope_ring, cpu);
		if (r && pa >= __pa(r) && pa < __pa(r) + sizeof(*r))
			return true;
	}
	return false;
}

static void free_rings(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu(vmxscope_ring, cpu));
		per_cpu(vmxscope_ring, cpu) = NULL;
	}
}

int vmxscope_trace_init(void)
{
	struct vmxscope_ring *r;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		/* kmalloc: root mode never touches vmalloc space. */
		r = kzalloc_node(sizeof(*r), GFP_KERNEL, cpu_to_node(cpu));
		if (!r) {
			free_rings();
			return -ENOMEM;
		}
		r->cpu = cpu;
		init_irq_work(&r->work, drain_work);
		per_cpu(vmxscope_ring, cpu) = r;
	}
	return 0;
}

/*
 * After every CPU left VMX: nothing posts any more.  What a CPU recorded
 * but did not drain yet (it went offline, or unload raced the doorbell)
 * is emitted here, so no event is lost.
 */
void vmxscope_trace_teardown(void)
{
	struct vmxscope_ring *r;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		r = per_cpu(vmxscope_ring, cpu);
		if (!r)
			continue;
		irq_work_sync(&r->work);
		drain(r);
	}
	free_rings();
}
