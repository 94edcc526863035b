/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU event rings: VMX root mode records each trapped event here
 * (arch/x86/vmx/ring.c) and never calls a tracepoint; the guest side
 * (src/trace.c) drains the ring and fires the tracepoints, from an
 * irq_work that a virtual NMI queues (arch/x86/vmx/nmi.c).  Root and the
 * drain run on the ring's own CPU, never at the same time, so program
 * order and compiler barriers are enough; other CPUs only read counters.
 */
#ifndef _VMXSCOPE_RING_H
#define _VMXSCOPE_RING_H

#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/types.h>

#define VMXSCOPE_RING_SIZE	512	/* events per CPU, a power of two */

enum vmxscope_event_type {
	VMXSCOPE_EV_EXIT,
	VMXSCOPE_EV_MSR,
	VMXSCOPE_EV_IO,
	VMXSCOPE_EV_EXC,
	VMXSCOPE_EV_MEM,
};

struct vmxscope_event {
	u64 tsc;		/* of the VM exit */
	u8 type;		/* enum vmxscope_event_type */
	bool flag;		/* MSR: write; I/O: in; memory: linear valid */
	bool fault;
	u8 size;		/* I/O, memory: bytes in old and new */
	u32 a;			/* reason, MSR, port, vector, memory range */
	u32 error;		/* memory: VMXSCOPE_TRAP_READ/WRITE/EXEC */
	u64 b;			/* RIP or value */
	u64 c;			/* qualification, CR2, guest-physical */
	u64 d;			/* memory: guest-linear address */
	u64 old, new;		/* memory: bytes at c before and after */
};

struct vmxscope_ring {
	unsigned int head;	/* written in root mode only */
	unsigned int tail;	/* written by the drain only */
	bool armed;		/* a drain is owed: set by root, cleared by it */
	unsigned int cpu;
	u64 posted, dropped;	/* written in root mode only */
	struct irq_work work;	/* the drain */
	struct vmxscope_event ev[VMXSCOPE_RING_SIZE];
};

DECLARE_PER_CPU(struct vmxscope_ring *, vmxscope_ring);

#endif /* _VMXSCOPE_RING_H */
