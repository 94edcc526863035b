/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emitting vmxscope's tracepoints from VMX root mode (src/trace.c).  Safe in
 * any context an exit can come from; when RCU is not watching (the guest
 * was idle), the event waits in a per-CPU buffer for an irq_work.
 */
#ifndef _VMXSCOPE_TRACE_HOOKS_H
#define _VMXSCOPE_TRACE_HOOKS_H

#include <linux/types.h>

void vmxscope_trace_exit(unsigned int cpu, u32 reason, unsigned long rip,
		       unsigned long qual);
void vmxscope_trace_msr(unsigned int cpu, u32 msr, bool write, u64 value,
		      bool fault);
void vmxscope_trace_io(unsigned int cpu, u16 port, u8 size, bool in, u32 value);
void vmxscope_trace_exception(unsigned int cpu, u8 vector, u32 error,
			    unsigned long rip, unsigned long cr2);
int vmxscope_trace_init(void);
void vmxscope_trace_teardown(void);
u64 vmxscope_trace_dropped(void);

#endif /* _VMXSCOPE_TRACE_HOOKS_H */
