/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the Linux glue in src/ and the VMX code in arch/x86/. */
#ifndef _VMXMON_VMXMON_H
#define _VMXMON_VMXMON_H

#include <linux/types.h>

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

/* arch/x86/vmx/exit.c */
const char *vmxmon_exit_reason_name(u32 reason);

/* arch/x86/vmx/ept.c */
unsigned long vmxmon_ept_pages(void);

#endif /* _VMXMON_VMXMON_H */
