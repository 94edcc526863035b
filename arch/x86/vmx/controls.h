/* SPDX-License-Identifier: GPL-2.0 */
/* Pure logic of VMX capability MSRs, shared with the host unit tests. */
#ifndef _VMXSCOPE_CONTROLS_H
#define _VMXSCOPE_CONTROLS_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

int vmxscope_adjust_controls(u32 required, u32 optional, u64 cap, u32 *result,
			   u32 *missing);
u64 vmxscope_cr_violations(u64 value, u64 fixed0, u64 fixed1);

#endif /* _VMXSCOPE_CONTROLS_H */
