/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmxscope trace system.  Names of exit reasons and exception vectors
 * come from the tables in the uapi header, shared with the CLI.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmxscope

#if !defined(_VMXSCOPE_TRACE_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMXSCOPE_TRACE_EVENTS_H

#include <linux/tracepoint.h>
#include <uapi/linux/vmxscope.h>

#define VMXSCOPE_TRACE_SYM(nr, name)	{ nr, #name },

TRACE_EVENT(vmxscope_exit,
	TP_PROTO(unsigned int cpu, u32 reason, unsigned long rip,
		 unsigned long qual, u64 tsc),
	TP_ARGS(cpu, reason, rip, qual, tsc),
	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u32, reason)
		__field(unsigned long, rip)
		__field(unsigned long, qual)
		__field(u64, tsc)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->reason = reason;
		__entry->rip = rip;
		__entry->qual = qual;
		__entry->tsc = tsc;
	),
	TP_printk("cpu=%u reason=%s rip=0x%lx qual=0x%lx tsc=%llu", __entry->cpu,
		  __print_symbolic(__entry->reason & 0xffff,
				   VMXSCOPE_EXIT_REASONS(VMXSCOPE_TRACE_SYM)
				   { 0xffff, "UNKNOWN" }),
		  __entry->rip, __entry->qual,
		  __entry->tsc)
);

TRACE_EVENT(vmxscope_msr,
	TP_PROTO(unsigned int cpu, u32 msr, bool write, u64 value, bool fault,
		 u64 tsc),
	TP_ARGS(cpu, msr, write, value, fault, tsc),
	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u32, msr)
		__field(bool, write)
		__field(u64, value)
		__field(bool, fault)
		__field(u64, tsc)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->msr = msr;
		__entry->write = write;
		__entry->value = value;
		__entry->fault = fault;
		__entry->tsc = tsc;
	),
	TP_printk("cpu=%u %s msr=0x%x value=0x%llx%s tsc=%llu", __entry->cpu,
		  __entry->write ? "wrmsr" : "rdmsr", __entry->msr,
		  __entry->value, __entry->fault ? " #GP" : "",
		  __entry->tsc)
);

TRACE_EVENT(vmxscope_io,
	TP_PROTO(unsigned int cpu, u16 port, u8 size, bool in, u32 value,
		 u64 tsc),
	TP_ARGS(cpu, port, size, in, value, tsc),
	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u16, port)
		__field(u8, size)
		__field(bool, in)
		__field(u32, value)
		__field(u64, tsc)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->port = port;
		__entry->size = size;
		__entry->in = in;
		__entry->value = value;
		__entry->tsc = tsc;
	),
	TP_printk("cpu=%u %s port=0x%x size=%u value=0x%x tsc=%llu", __entry->cpu,
		  __entry->in ? "in" : "out", __entry->port, __entry->size,
		  __entry->value, __entry->tsc)
);

TRACE_EVENT(vmxscope_exception,
	TP_PROTO(unsigned int cpu, u8 vector, u32 error, unsigned long rip,
		 unsigned long cr2, u64 tsc),
	TP_ARGS(cpu, vector, error, rip, cr2, tsc),
	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u8, vector)
		__field(u32, error)
		__field(unsigned long, rip)
		__field(unsigned long, cr2)
		__field(u64, tsc)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->vector = vector;
		__entry->error = error;
		__entry->rip = rip;
		__entry->cr2 = cr2;
		__entry->tsc = tsc;
	),
	TP_printk("cpu=%u vector=%s error=0x%x rip=0x%lx cr2=0x%lx tsc=%llu",
		  __entry->cpu,
		  __print_symbolic(__entry->vector,
				   VMXSCOPE_EXCEPTIONS(VMXSCOPE_TRACE_SYM)
				   { 0xff, "?" }),
		  __entry->error, __entry->rip, __entry->cr2,
		  __entry->tsc)
);

/*
 * A watched memory access (Documentation/memory-monitoring.rst): @size
 * bytes from @gpa before (@old) and after (@new) it, little-endian; @gla
 * is the guest-linear address when @gla_valid.
 */
TRACE_EVENT(vmxscope_mem,
	TP_PROTO(unsigned int cpu, u32 id, u32 access, unsigned long rip,
		 u64 gpa, bool gla_valid, u64 gla, u8 size, u64 old, u64 new,
		 u64 tsc),
	TP_ARGS(cpu, id, access, rip, gpa, gla_valid, gla, size, old, new, tsc),
	TP_STRUCT__entry(
		__field(unsigned int, cpu)
		__field(u32, id)
		__field(u32, access)
		__field(unsigned long, rip)
		__field(u64, gpa)
		__field(bool, gla_valid)
		__field(u64, gla)
		__field(u8, size)
		__field(u64, old)
		__field(u64, new)
		__field(u64, tsc)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->id = id;
		__entry->access = access;
		__entry->rip = rip;
		__entry->gpa = gpa;
		__entry->gla_valid = gla_valid;
		__entry->gla = gla;
		__entry->size = size;
		__entry->old = old;
		__entry->new = new;
		__entry->tsc = tsc;
	),
	TP_printk("cpu=%u id=%u %s rip=0x%lx gpa=0x%llx gla=0x%llx%s size=%u old=0x%llx new=0x%llx tsc=%llu",
		  __entry->cpu, __entry->id,
		  __print_flags(__entry->access, "|",
				{ VMXSCOPE_TRAP_READ, "read" },
				{ VMXSCOPE_TRAP_WRITE, "write" },
				{ VMXSCOPE_TRAP_EXEC, "exec" }),
		  __entry->rip, __entry->gpa, __entry->gla,
		  __entry->gla_valid ? "" : "(invalid)", __entry->size,
		  __entry->old, __entry->new, __entry->tsc)
);

#endif /* _VMXSCOPE_TRACE_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vmxscope_events
#include <trace/define_trace.h>
