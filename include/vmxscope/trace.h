/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of vmxscope's trace events (src/trace.c): per-CPU rings
 * that root mode fills (arch/x86/vmx/ring.c), drained where tracepoints
 * may fire.
 */
#ifndef _VMXSCOPE_TRACE_HOOKS_H
#define _VMXSCOPE_TRACE_HOOKS_H

#include <linux/types.h>

int vmxscope_trace_init(void);
void vmxscope_trace_teardown(void);
void vmxscope_trace_kick(void);
void vmxscope_trace_counts(unsigned int cpu, u64 *posted, u64 *dropped);

#endif /* _VMXSCOPE_TRACE_HOOKS_H */
