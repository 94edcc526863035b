// SPDX-License-Identifier: GPL-2.0
/*
 * One EPT identity map shared by every CPU (SDM 29.3, seed book §3.5.17):
 * guest-physical == host-physical over the whole physical address space,
 * so RAM and any MMIO the host can reach map to themselves.  Each leaf
 * carries the MTRR memory type of its range (SDM 29.3.7.2: with EPT the
 * EPT type replaces the MTRRs'), as a 1 GiB leaf where the type is uniform
 * and the CPU offers 1 GiB pages, else 2 MiB, else 4 KiB.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/processor.h>

#include "ept_range.h"
#include "vmcs.h"
#include "vmx.h"

/* EPT entry format (SDM 29.3.2, Tables 29-1..29-6). */
#define EPT_RWX		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
			 VMX_EPT_EXECUTABLE_MASK)
#define EPT_LEAF_LARGE	BIT_ULL(7)
#define EPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define EPT_ENTRIES	512

static u64 *ept_pml4;
static bool ept_1g;
static unsigned long ept_pages;
static struct vmxscope_mtrr_state mtrr;

static u64 *ept_table(void)
{
	u64 *t = (u64 *)get_zeroed_page(GFP_KERNEL);

	if (t)
		ept_pages++;
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
	t = ept_table();
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
		pt = ept_table();
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

static void ept_free_table(u64 *t, int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((t[i] & EPT_RWX) && !(t[i] & EPT_LEAF_LARGE))
			ept_free_table(__va(t[i] & EPT_ADDR_MASK), level - 1);
	free_page((unsigned long)t);
}

void vmxscope_ept_free(void)
{
	if (ept_pml4)
		ept_free_table(ept_pml4, 4);
	ept_pml4 = NULL;
	ept_pages = 0;
}

unsigned long vmxscope_ept_pages(void)
{
	return ept_pages;
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

int vmxscope_ept_init(void)
{
	u64 cap = vmxscope_cfg.ept_vpid_cap, top, pa;
	int ret;

	vmxscope_mtrr_read(&mtrr);
	ept_1g = cap & VMX_EPT_1GB_PAGE_BIT;
	ept_pml4 = ept_table();
	if (!ept_pml4)
		return -ENOMEM;
	top = ept_top();
	for (pa = 0; pa < top; pa += SZ_1G) {
		ret = ept_map_1g(pa);
		if (ret) {
			vmxscope_ept_free();
			return ret;
		}
	}
	/* SDM 25.6.11: 4-level walk; WB paging structures when allowed. */
	vmxscope_cfg.eptp = __pa(ept_pml4) | VMX_EPTP_PWL_4 |
		(cap & VMX_EPTP_WB_BIT ? VMX_EPTP_MT_WB : VMX_EPTP_MT_UC);
	pr_info("EPT identity map of %llu GiB in %lu pages (%s leaves)\n",
		top >> 30, ept_pages, ept_1g ? "1G/2M/4K" : "2M/4K");
	return 0;
}

/*
 * The map covers every address the guest can form: a violation is a bug.
 * The give-back message names the guest-physical address (exit.c).
 */
__root enum vmxscope_exit_action vmxscope_handle_ept_violation(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "EPT violation");
}

__root enum vmxscope_exit_action vmxscope_handle_ept_misconfig(struct vmxscope_cpu *vc,
						    struct vmxscope_regs *regs)
{
	return vmxscope_give_back_error(vc, regs, "EPT misconfiguration");
}
