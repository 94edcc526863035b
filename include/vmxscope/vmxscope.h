/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the Linux glue in src/ and the VMX code in arch/x86/. */
#ifndef _VMXSCOPE_VMXSCOPE_H
#define _VMXSCOPE_VMXSCOPE_H

#include <linux/types.h>
#include <uapi/linux/vmxscope.h>

/* src/device.c */
int vmxscope_dev_register(void);
void vmxscope_dev_unregister(void);

/* src/coexist.c: one VT-x owner at a time */
int vmxscope_coexist_init(void);
void vmxscope_coexist_exit(void);

/* src/stats.c */
void vmxscope_stats_init(void);
void vmxscope_stats_exit(void);

/* arch/x86/vmx/vmx.c */
int vmxscope_vmx_init(void);
void vmxscope_vmx_exit(void);
unsigned int vmxscope_nr_cpus_virt(void);
int vmxscope_read_exit_counts(unsigned int cpu, u64 *counts);
int vmxscope_read_latency(unsigned int cpu, u32 *hist);
int vmxscope_read_vmcs(unsigned int cpu, struct vmxscope_vmcs_field *buf);

/* arch/x86/vmx/caps.c */
void vmxscope_get_controls(struct vmxscope_controls *c);

int vmxscope_read_trap_counts(unsigned int cpu, struct vmxscope_trap_count *out,
			    unsigned int capacity, unsigned int *nr,
			    u64 *dropped);

/* arch/x86/vmx/trap.c: the wanted traps, built then synced to all CPUs. */
int vmxscope_want_init(void);
void vmxscope_want_free(void);
void vmxscope_want_reset(void);
bool vmxscope_msr_in_bitmap(u32 msr);
void vmxscope_want_msr(u32 first, u32 last, bool read, bool write);
void vmxscope_want_io(u32 first, u32 last, bool in, bool out);
void vmxscope_want_exception(u32 vector, u32 pfec_mask, u32 pfec_match);
void vmxscope_want_sync(void);

/*
 * Watched memory (arch/x86/vmx/exit_mem.c): bytes first..last of one
 * 4 KiB page, by guest-physical address, and the accesses
 * (VMXSCOPE_TRAP_READ/WRITE/EXEC) reported; @id is the uapi's range id.
 */
struct vmxscope_mem_range {
	u64 first, last;
	u32 id;
	u32 flags;
};

int vmxscope_want_mem(struct vmxscope_mem_range *ranges, unsigned int n);
void vmxscope_want_mem_done(void);
bool vmxscope_mem_traps_possible(void);
bool vmxscope_mem_steps_mtf(void);
/* @pa is in vmxscope's own memory: VMCS, EPT, stacks, rings, module. */
bool vmxscope_owns_page(u64 pa);

/* src/trace.c */
bool vmxscope_trace_owns(u64 pa);

/* arch/x86/vmx/exit.c */
const char *vmxscope_exit_reason_name(u32 reason);

/* arch/x86/vmx/ept.c */
unsigned long vmxscope_ept_pages(void);

#endif /* _VMXSCOPE_VMXSCOPE_H */
