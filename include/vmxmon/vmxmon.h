/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the Linux glue in src/ and the rest. */
#ifndef _VMXMON_VMXMON_H
#define _VMXMON_VMXMON_H

int vmxmon_dev_register(void);
void vmxmon_dev_unregister(void);

#endif /* _VMXMON_VMXMON_H */
