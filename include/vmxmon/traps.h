/* SPDX-License-Identifier: GPL-2.0 */
/* Trap owners (src/traps.c), used by the device (src/device.c). */
#ifndef _VMXMON_TRAPS_H
#define _VMXMON_TRAPS_H

#include <linux/list.h>

struct vmxmon_owner {
	struct list_head node;		/* in the list of owners */
	struct list_head traps;
};

void vmxmon_owner_init(struct vmxmon_owner *o);
void vmxmon_owner_release(struct vmxmon_owner *o);
long vmxmon_traps_ioctl(struct vmxmon_owner *o, unsigned int cmd,
			void __user *arg);
void vmxmon_traps_init(void);
void vmxmon_traps_exit(void);

#endif /* _VMXMON_TRAPS_H */
