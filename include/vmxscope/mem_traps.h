/* SPDX-License-Identifier: GPL-2.0 */
/* Memory traps' bytes, translated and pinned (src/mem_traps.c). */
#ifndef _VMXSCOPE_MEM_TRAPS_H
#define _VMXSCOPE_MEM_TRAPS_H

#include <linux/mm_types.h>
#include <linux/types.h>
#include <uapi/linux/vmxscope.h>
#include <vmxscope/vmxscope.h>

/* Guest-physical bytes first..last of one page, and that page pinned. */
struct vmxscope_mem_piece {
	u64 first, last;
	struct page *page;
};

int vmxscope_mem_resolve(const struct vmxscope_mem_trap *u,
			 struct vmxscope_mem_piece **pieces, unsigned int *nr);
void vmxscope_mem_unpin(struct vmxscope_mem_piece *p, unsigned int n);
bool vmxscope_mem_ranges_sort(struct vmxscope_mem_range *r, unsigned int n);

#endif /* _VMXSCOPE_MEM_TRAPS_H */
