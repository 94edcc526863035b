/* SPDX-License-Identifier: GPL-2.0 */
/* Trap owners (src/traps.c), used by the device (src/device.c). */
#ifndef _VMXSCOPE_TRAPS_H
#define _VMXSCOPE_TRAPS_H

#include <linux/list.h>

struct vmxscope_owner {
	struct list_head node;		/* in the list of owners */
	struct list_head traps;
};

void vmxscope_owner_init(struct vmxscope_owner *o);
void vmxscope_owner_release(struct vmxscope_owner *o);
long vmxscope_traps_ioctl(struct vmxscope_owner *o, unsigned int cmd,
			void __user *arg);
long vmxscope_mem_traps_ioctl(void __user *arg);
void vmxscope_traps_init(void);
void vmxscope_traps_exit(void);

#endif /* _VMXSCOPE_TRAPS_H */
