// SPDX-License-Identifier: GPL-2.0
/*
 * Root mode's half of the trace events: record each event, with the TSC
 * of its VM exit, in this CPU's ring (include/vmxscope/ring.h) and ring
 * the doorbell (nmi.c) when the ring has something new and no drain is
 * owed yet.  No tracepoint runs here: the guest side (src/trace.c) fires
 * them.  A full ring drops the event and counts it.
 */
#include <linux/percpu.h>

#include <vmxscope/ring.h>
#include "vmxscope_events.h"	/* trace_*_enabled(): static keys only */

#include "vmx.h"

DEFINE_PER_CPU(struct vmxscope_ring *, vmxscope_ring);

static __root void post(struct vmxscope_cpu *vc, struct vmxscope_event *e)
{
	struct vmxscope_ring *r = this_cpu_read(vmxscope_ring);

	if (!r)
		return;
	e->tsc = vc->exit_tsc;
	WRITE_ONCE(r->posted, r->posted + 1);
	if (r->head - READ_ONCE(r->tail) >= VMXSCOPE_RING_SIZE) {
		WRITE_ONCE(r->dropped, r->dropped + 1);
		return;
	}
	r->ev[r->head % VMXSCOPE_RING_SIZE] = *e;
	barrier();		/* the drain reads the slot after head */
	WRITE_ONCE(r->head, r->head + 1);
	if (!READ_ONCE(r->armed)) {
		WRITE_ONCE(r->armed, true);
		vmxscope_kick(vc, VMXSCOPE_KICK_RING);
	}
}

__root void vmxscope_ring_exit(struct vmxscope_cpu *vc, u32 reason,
			unsigned long rip, unsigned long qual)
{
	struct vmxscope_event e = { .type = VMXSCOPE_EV_EXIT, .a = reason,
				    .b = rip, .c = qual };

	/* The caller (exit.c) checked trace_vmxscope_exit_enabled(). */
	post(vc, &e);
}

__root void vmxscope_ring_msr(struct vmxscope_cpu *vc, u32 msr, bool write,
		       u64 value, bool fault)
{
	struct vmxscope_event e = { .type = VMXSCOPE_EV_MSR, .a = msr,
				    .flag = write, .b = value, .fault = fault };

	if (trace_vmxscope_msr_enabled())
		post(vc, &e);
}

__root void vmxscope_ring_io(struct vmxscope_cpu *vc, u16 port, u8 size, bool in,
		      u32 value)
{
	struct vmxscope_event e = { .type = VMXSCOPE_EV_IO, .a = port,
				    .size = size, .flag = in, .b = value };

	if (trace_vmxscope_io_enabled())
		post(vc, &e);
}

__root void vmxscope_ring_exception(struct vmxscope_cpu *vc, u8 vector, u32 error,
			     unsigned long rip, unsigned long cr2)
{
	struct vmxscope_event e = { .type = VMXSCOPE_EV_EXC, .a = vector,
				    .error = error, .b = rip, .c = cr2 };

	if (trace_vmxscope_exception_enabled())
		post(vc, &e);
}

/* @e is filled by exit_mem.c; posted if anyone listens. */
__root void vmxscope_ring_mem(struct vmxscope_cpu *vc, struct vmxscope_event *e)
{
	if (trace_vmxscope_mem_enabled()) {
		e->type = VMXSCOPE_EV_MEM;
		post(vc, e);
	}
}
