/* SPDX-License-Identifier: GPL-2.0 */
/* How much guest-physical space the EPT identity map covers (ept_range.c). */
#ifndef _VMXSCOPE_EPT_RANGE_H
#define _VMXSCOPE_EPT_RANGE_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

/* A 4-level EPT walk translates 48-bit guest-physical addresses. */
#define VMXSCOPE_EPT_4LEVEL_BITS	48

u64 vmxscope_ept_top(unsigned int phys_bits, bool pages_1g, u64 iomem_end);

#endif /* _VMXSCOPE_EPT_RANGE_H */
