/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the Linux glue in src/ and the VMX code in arch/x86/. */
#ifndef _VMXMON_VMXMON_H
#define _VMXMON_VMXMON_H

#include <linux/types.h>
#include <uapi/linux/vmxmon.h>

/* src/device.c */
int vmxmon_dev_register(void);
void vmxmon_dev_unregister(void);

/* src/stats.c */
void vmxmon_stats_init(void);
void vmxmon_stats_exit(void);

/* arch/x86/vmx/vmx.c */
int vmxmon_vmx_init(void);
void vmxmon_vmx_exit(void);
unsigned int vmxmon_nr_cpus_virt(void);
int vmxmon_read_exit_counts(unsigned int cpu, u64 *counts);
int vmxmon_read_latency(unsigned int cpu, u32 *hist);
int vmxmon_read_vmcs(unsigned int cpu, struct vmxmon_vmcs_field *buf);

/* arch/x86/vmx/caps.c */
void vmxmon_get_controls(struct vmxmon_controls *c);

int vmxmon_read_trap_counts(unsigned int cpu, struct vmxmon_trap_count *out,
			    unsigned int capacity, unsigned int *nr,
			    u64 *dropped);

/* arch/x86/vmx/trap.c: the wanted traps, built then synced to all CPUs. */
int vmxmon_want_init(void);
void vmxmon_want_free(void);
void vmxmon_want_reset(void);
bool vmxmon_msr_in_bitmap(u32 msr);
void vmxmon_want_msr(u32 first, u32 last, bool read, bool write);
void vmxmon_want_io(u32 first, u32 last, bool in, bool out);
void vmxmon_want_exception(u32 vector, u32 pfec_mask, u32 pfec_match);
void vmxmon_want_sync(void);

/* arch/x86/vmx/exit.c */
const char *vmxmon_exit_reason_name(u32 reason);

/* arch/x86/vmx/ept.c */
unsigned long vmxmon_ept_pages(void);

#endif /* _VMXMON_VMXMON_H */
