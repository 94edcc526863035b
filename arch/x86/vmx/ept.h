/* SPDX-License-Identifier: GPL-2.0 */
/* The EPT identity map's two views (ept.c) and watched pages (ept_watch.c). */
#ifndef _VMXSCOPE_EPT_H
#define _VMXSCOPE_EPT_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/vmx.h>

/* EPT entry format (SDM 29.3.2, Tables 29-1..29-6). */
#define EPT_RWX		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
			 VMX_EPT_EXECUTABLE_MASK)
#define EPT_LEAF_LARGE	BIT_ULL(7)
#define EPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define EPT_ENTRIES	512

/* PML4s of the watched view (every CPU's EPTP) and the open one. */
extern u64 *vmxscope_ept_watched, *vmxscope_ept_open;
extern unsigned long vmxscope_ept_nr_pages;

u64 *vmxscope_ept_table(void);
void vmxscope_ept_free_table(u64 *t, int level);

/*
 * ept_watch.c, under the traps' lock: the watched view's 4 KiB leaf for
 * @pa gets exactly the permissions @rwx (EPT_RWX bits), splitting large
 * leaves down to it; with all of EPT_RWX, tables that again equal the
 * open view are merged back.  Every CPU must INVEPT afterwards.
 */
int vmxscope_ept_watch(u64 pa, u64 rwx);
struct vmxscope_mem_range;
int vmxscope_ept_watch_ranges(const struct vmxscope_mem_range *new,
			      unsigned int n,
			      const struct vmxscope_mem_range *old,
			      unsigned int nold);
void vmxscope_ept_reap(void);
bool vmxscope_ept_owns(u64 pa);

#endif /* _VMXSCOPE_EPT_H */
