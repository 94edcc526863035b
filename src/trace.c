// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope's tracepoints, emitted from VMX root mode.  Root mode runs in
 * whatever context the guest was in.  Where RCU watches (tasks, IRQs,
 * NMIs) the tracepoint fires at once.  Where it does not (the guest was
 * idle), a tracepoint is unsafe in a module (no _rcuidle variant), so the
 * event waits in this CPU's buffer and an irq_work, which runs in the
 * guest as an interrupt where RCU watches, emits it marked "deferred".
 * A full buffer drops and counts the event.
 */
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#define CREATE_TRACE_POINTS
#include "vmxscope_events.h"

#include <vmxscope/trace.h>

#define RING_SIZE	256	/* power of two */

enum { EV_EXIT, EV_MSR, EV_IO, EV_EXC };

struct event {
	u8 type;
	bool flag;		/* MSR: write; I/O: in */
	bool fault;
	u8 size;
	u32 a;			/* reason, MSR, port, vector */
	u32 error;
	u64 b;			/* RIP or value */
	u64 c;			/* qualification or CR2 */
};

struct ring {
	struct irq_work work;
	unsigned int head;	/* written in root mode only */
	unsigned int tail;	/* written by the irq_work only */
	u64 dropped;
	unsigned int cpu;
	struct event ev[RING_SIZE];
};

/* kmalloc'd, so root mode never touches vmalloc space (arch/x86/vmx/vmx.c). */
static struct ring **rings;

static void emit(unsigned int cpu, const struct event *e, bool deferred)
{
	switch (e->type) {
	case EV_EXIT:
		trace_vmxscope_exit(cpu, e->a, e->b, e->c, deferred);
		break;
	case EV_MSR:
		trace_vmxscope_msr(cpu, e->a, e->flag, e->b, e->fault, deferred);
		break;
	case EV_IO:
		trace_vmxscope_io(cpu, e->a, e->size, e->flag, e->b, deferred);
		break;
	case EV_EXC:
		trace_vmxscope_exception(cpu, e->a, e->error, e->b, e->c,
				       deferred);
		break;
	}
}

static void flush_ring(struct irq_work *work)
{
	struct ring *r = container_of(work, struct ring, work);
	/* Pairs with post()'s release: the events up to head are written. */
	unsigned int head = smp_load_acquire(&r->head);

	while (r->tail != head) {
		emit(r->cpu, &r->ev[r->tail % RING_SIZE], true);
		/* Pairs with post()'s acquire: the slot may be reused. */
		smp_store_release(&r->tail, r->tail + 1);
	}
}

static void post(unsigned int cpu, const struct event *e)
{
	struct ring *r;

	if (rcu_is_watching()) {
		emit(cpu, e, false);
		return;
	}
	r = rings ? rings[cpu] : NULL;
	if (!r)
		return;
	/* Pairs with flush_ring()'s release of the slots it emitted. */
	if (r->head - smp_load_acquire(&r->tail) >= RING_SIZE) {
		WRITE_ONCE(r->dropped, r->dropped + 1);
		return;
	}
	r->ev[r->head % RING_SIZE] = *e;
	/* Pairs with flush_ring()'s acquire: the event is written first. */
	smp_store_release(&r->head, r->head + 1);
	irq_work_queue(&r->work);
}

void vmxscope_trace_exit(unsigned int cpu, u32 reason, unsigned long rip,
		       unsigned long qual)
{
	struct event e = { .type = EV_EXIT, .a = reason, .b = rip, .c = qual };

	if (trace_vmxscope_exit_enabled())
		post(cpu, &e);
}

void vmxscope_trace_msr(unsigned int cpu, u32 msr, bool write, u64 value,
		      bool fault)
{
	struct event e = { .type = EV_MSR, .a = msr, .flag = write, .b = value,
			   .fault = fault };

	if (trace_vmxscope_msr_enabled())
		post(cpu, &e);
}

void vmxscope_trace_io(unsigned int cpu, u16 port, u8 size, bool in, u32 value)
{
	struct event e = { .type = EV_IO, .a = port, .size = size, .flag = in,
			   .b = value };

	if (trace_vmxscope_io_enabled())
		post(cpu, &e);
}

void vmxscope_trace_exception(unsigned int cpu, u8 vector, u32 error,
			    unsigned long rip, unsigned long cr2)
{
	struct event e = { .type = EV_EXC, .a = vector, .error = error,
			   .b = rip, .c = cr2 };

	if (trace_vmxscope_exception_enabled())
		post(cpu, &e);
}

u64 vmxscope_trace_dropped(void)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_possible_cpu(cpu)
		if (rings && rings[cpu])
			n += READ_ONCE(rings[cpu]->dropped);
	return n;
}

int vmxscope_trace_init(void)
{
	unsigned int cpu;

	rings = kcalloc(nr_cpu_ids, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		rings[cpu] = kzalloc_node(sizeof(struct ring), GFP_KERNEL,
					  cpu_to_node(cpu));
		if (!rings[cpu]) {
			vmxscope_trace_teardown();
			return -ENOMEM;
		}
		rings[cpu]->cpu = cpu;
		init_irq_work(&rings[cpu]->work, flush_ring);
	}
	return 0;
}

/* After every CPU left VMX: nothing posts any more; drain and free. */
void vmxscope_trace_teardown(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (!rings || !rings[cpu])
			continue;
		irq_work_sync(&rings[cpu]->work);
		kfree(rings[cpu]);
	}
	kfree(rings);
	rings = NULL;
}
