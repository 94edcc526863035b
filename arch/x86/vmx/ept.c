// SPDX-License-Identifier: GPL-2.0
/*
 * The EPT identity map (SDM 29.3, seed book §3.5.17): guest-physical ==
 * host-physical over the whole physical address space, so RAM and any
 * MMIO the host can reach map to themselves.  Each leaf carries the MTRR
 * memory type of its range (SDM 29.3.7.2: with EPT the EPT type replaces
 * the MTRRs'), as a 1 GiB leaf where the type is uniform and the CPU
 * offers 1 GiB pages, else 2 MiB, else 4 KiB.
 *
 * Built twice: the watched view, every CPU's EPTP, where watched pages
 * lose permissions (ept_watch.c), and the open view, never changed, that
 * one CPU uses alone for the one instruction it steps over a watched page
 * (exit_mem.c, Documentation/memory-monitoring.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/processor.h>

#include "ept.h"
#include "ept_range.h"
#include "vmcs.h"
#include "vmx.h"

u64 *vmxscope_ept_watched, *vmxscope_ept_open;
unsigned long vmxscope_ept_nr_pages;
static u64 *ept_pml4;		/* the view being built */
static bool ept_1g;
static struct vmxscope_mtrr_state mtrr;

u64 *vmxscope_ept_table(void)
{
	u64 *t = (u64 *)get_zeroed_page(GFP_KERNEL);

	if (t)
		vmxscope_ept_nr_pages++;
	return t;
}

static u64 ept_leaf(u64 pa, u8 type, bool large)
{
	return pa | EPT_RWX | ((u64)type << VMX_EPT_MT_EPTE_SHIFT) |
	       (large ? EPT_LEAF_LARGE : 0);
}

/* The next-level table an entry points to, made if absent. */
static u64 *ept_next(u64 *entry)
{
	u64 *t;

	if (*entry & EPT_RWX)
		return __va(*entry & EPT_ADDR_MASK);
	t = vmxscope_ept_table();
	if (t)
		*entry = __pa(t) | EPT_RWX;
	return t;
}

/* 2 MiB leaves where uniform, else a page table of 4 KiB leaves. */
static int ept_map_pd(u64 *pd, u64 base)
{
	unsigned int i, j;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 pa = base + ((u64)i << 21);
		u8 type = vmxscope_mtrr_range_type(&mtrr, pa, SZ_2M);
		u64 *pt;

		if (type != VMXSCOPE_MTRR_MIXED) {
			pd[i] = ept_leaf(pa, type, true);
			continue;
		}
		pt = vmxscope_ept_table();
		if (!pt)
			return -ENOMEM;
		for (j = 0; j < EPT_ENTRIES; j++) {
			u64 p = pa + ((u64)j << 12);

			pt[j] = ept_leaf(p, vmxscope_mtrr_range_type(&mtrr, p, SZ_4K),
					 false);
		}
		pd[i] = __pa(pt) | EPT_RWX;
	}
	return 0;
}

static int ept_map_1g(u64 base)
{
	u64 *pdpt = ept_next(&ept_pml4[(base >> 39) & 511]);
	u64 *pdpte, *pd;
	u8 type;

	if (!pdpt)
		return -ENOMEM;
	pdpte = &pdpt[(base >> 30) & 511];
	type = vmxscope_mtrr_range_type(&mtrr, base, SZ_1G);
	if (ept_1g && type != VMXSCOPE_MTRR_MIXED) {
		*pdpte = ept_leaf(base, type, true);
		return 0;
	}
	pd = ept_next(pdpte);
	return pd ? ept_map_pd(pd, base) : -ENOMEM;
}

/* Tables below level 1 hold leaves only, which may have no permission. */
void vmxscope_ept_free_table(u64 *t, int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((t[i] & EPT_RWX) && !(t[i] & EPT_LEAF_LARGE))
			vmxscope_ept_free_table(__va(t[i] & EPT_ADDR_MASK),
						level - 1);
	free_page((unsigned long)t);
	vmxscope_ept_nr_pages--;
}

void vmxscope_ept_free(void)
{
	if (vmxscope_ept_watched)
		vmxscope_ept_free_table(vmxscope_ept_watched, 4);
	if (vmxscope_ept_open)
		vmxscope_ept_free_table(vmxscope_ept_open, 4);
	vmxscope_ept_watched = vmxscope_ept_open = NULL;
	vmxscope_ept_nr_pages = 0;
}

unsigned long vmxscope_ept_pages(void)
{
	return vmxscope_ept_nr_pages;
}

static int iomem_end(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	return 0;
}

static u64 ept_top(void)
{
	u64 end = 0;

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, -1, &end,
			    iomem_end);
	if (boot_cpu_data.x86_phys_bits > VMXSCOPE_EPT_4LEVEL_BITS)
		pr_info("MAXPHYADDR %u: the EPT maps the first %u bits; a CPU that touches memory above is given back\n",
			boot_cpu_data.x86_phys_bits, VMXSCOPE_EPT_4LEVEL_BITS);
	return vmxscope_ept_top(boot_cpu_data.x86_phys_bits, ept_1g, end);
}

/* One view of the identity map up to @top; NULL without memory. */
static u64 *ept_build(u64 top)
{
	u64 pa;

	ept_pml4 = vmxscope_ept_table();
	if (!ept_pml4)
		return NULL;
	for (pa = 0; pa < top; pa += SZ_1G) {
		if (ept_map_1g(pa)) {
			vmxscope_ept_free_table(ept_pml4, 4);
			return NULL;
		}
	}
	return ept_pml4;
}

int vmxscope_ept_init(void)
{
	u64 cap = vmxscope_cfg.ept_vpid_cap, top, eptp;

	vmxscope_mtrr_read(&mtrr);
	ept_1g = cap & VMX_EPT_1GB_PAGE_BIT;
	top = ept_top();
	vmxscope_ept_watched = ept_build(top);
	vmxscope_ept_open = ept_build(top);
	if (!vmxscope_ept_watched || !vmxscope_ept_open) {
		vmxscope_ept_free();
		return -ENOMEM;
	}
	/* SDM 25.6.11: 4-level walk; WB paging structures when allowed. */
	eptp = VMX_EPTP_PWL_4 |
		(cap & VMX_EPTP_WB_BIT ? VMX_EPTP_MT_WB : VMX_EPTP_MT_UC);
	vmxscope_cfg.eptp = __pa(vmxscope_ept_watched) | eptp;
	vmxscope_cfg.eptp_open = __pa(vmxscope_ept_open) | eptp;
	pr_info("EPT identity map of %llu GiB in %lu pages, two views (%s leaves)\n",
		top >> 30, vmxscope_ept_nr_pages, ept_1g ? "1G/2M/4K" : "2M/4K");
	return 0;
}

__root enum vmxscope_exit_action vmxscope_handle_ept_misconfig(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "EPT misconfiguration");
}
