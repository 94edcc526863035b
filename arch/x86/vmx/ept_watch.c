// SPDX-License-Identifier: GPL-2.0
/*
 * Watched pages in the watched EPT view (Documentation/memory-monitoring.rst),
 * changed by Linux under the traps' lock while CPUs may be walking the
 * tables: every entry changes by one 64-bit store, so a walk sees the old
 * or the new one, and the INVEPT every CPU does before the ioctl returns
 * (trap.c) leaves only the new (SDM 29.4.3.1).  A large leaf is split
 * into leaves of the next size with its own memory type (uniform by
 * construction, ept.c), down to the 4 KiB leaf of the watched page;
 * once a table again says what the open view's large leaf says, it is
 * merged back, and freed only after that INVEPT.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>

#include "ept.h"
#include "vmx.h"

/* Tables unhooked from the watched view, freed after every CPU's INVEPT. */
static LIST_HEAD(graveyard);

/* Level 4: PML4E (512 GiB) ... level 1: PTE (4 KiB), SDM 29.3.2. */
static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static u64 *slot(u64 *table, u64 pa, int level)
{
	return &table[(pa >> (12 + 9 * (level - 1))) & (EPT_ENTRIES - 1)];
}

static u64 *below(u64 entry)
{
	return __va(entry & EPT_ADDR_MASK);
}

/* The leaves one level down that large leaf @leaf at @level stands for. */
static u64 child_leaf(u64 leaf, int level, unsigned int i)
{
	u64 base = leaf & EPT_ADDR_MASK & ~(level_size(level) - 1);
	u64 attrs = leaf & ~EPT_ADDR_MASK & ~EPT_LEAF_LARGE;

	return (base + i * level_size(level - 1)) | attrs |
	       (level - 1 > 1 ? EPT_LEAF_LARGE : 0);
}

static int split(u64 *entry, int level)
{
	u64 *t = vmxscope_ept_table();
	unsigned int i;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < EPT_ENTRIES; i++)
		t[i] = child_leaf(*entry, level, i);
	WRITE_ONCE(*entry, __pa(t) | EPT_RWX);
	return 0;
}

/* The table under *@entry is exactly what @open_leaf expands into. */
static bool mergeable(u64 entry, u64 open_leaf, int level)
{
	u64 *t = below(entry);
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (t[i] != child_leaf(open_leaf, level, i))
			return false;
	return true;
}

int vmxscope_ept_watch(u64 pa, u64 rwx)
{
	u64 *w = vmxscope_ept_watched, *o = vmxscope_ept_open;
	u64 *wpath[5] = {}, *opath[5] = {};
	int level, ret;

	for (level = 4; level >= 1; level--) {
		wpath[level] = slot(w, pa, level);
		opath[level] = o ? slot(o, pa, level) : NULL;
		if (level == 1)
			break;
		if (*wpath[level] & EPT_LEAF_LARGE) {
			if (rwx == EPT_RWX)
				return 0;	/* never split: all open */
			ret = split(wpath[level], level);
			if (ret)
				return ret;
		}
		w = below(*wpath[level]);
		o = o && !(*opath[level] & EPT_LEAF_LARGE) ?
			below(*opath[level]) : NULL;
	}
	WRITE_ONCE(*wpath[1], (*wpath[1] & ~EPT_RWX) | rwx);
	if (rwx != EPT_RWX)
		return 0;
	for (level = 2; level <= 3; level++) {
		u64 entry = *wpath[level];

		if (!opath[level] || !(*opath[level] & EPT_LEAF_LARGE) ||
		    !mergeable(entry, *opath[level], level))
			break;
		WRITE_ONCE(*wpath[level], *opath[level]);
		list_add(&virt_to_page(below(entry))->lru, &graveyard);
	}
	return 0;
}

/* After every CPU's INVEPT: no walk can reach the unhooked tables. */
void vmxscope_ept_reap(void)
{
	struct page *p, *n;

	list_for_each_entry_safe(p, n, &graveyard, lru) {
		list_del(&p->lru);
		__free_page(p);
		vmxscope_ept_nr_pages--;
	}
}

static bool table_owns(u64 *t, int level, u64 pa)
{
	unsigned int i;

	if (__pa(t) >> PAGE_SHIFT == pa >> PAGE_SHIFT)
		return true;
	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((t[i] & EPT_RWX) && !(t[i] & EPT_LEAF_LARGE) &&
		    table_owns(below(t[i]), level - 1, pa))
			return true;
	return false;
}

/* @pa lies in one of the EPT's own tables (the monitor's own memory). */
bool vmxscope_ept_owns(u64 pa)
{
	return table_owns(vmxscope_ept_watched, 4, pa) ||
	       table_owns(vmxscope_ept_open, 4, pa);
}

/*
 * What the watched view lets through on the page of @r[*i] and the ranges
 * after it on the same page (they are sorted by first); advances *i past
 * them.  EPT cannot make a page writable but not readable (SDM 29.3.3.1:
 * misconfiguration), so a read trap takes write too; and execute without
 * read needs the CPU's execute-only support (SDM A.10), else execution
 * is stopped as well and stepped as a neighbour access.
 */
static u64 page_rwx(const struct vmxscope_mem_range *r, unsigned int n,
		    unsigned int *i)
{
	u64 page = r[*i].first & PAGE_MASK, rwx = EPT_RWX;

	for (; *i < n && (r[*i].first & PAGE_MASK) == page; (*i)++) {
		if (r[*i].flags & VMXSCOPE_TRAP_WRITE)
			rwx &= ~VMX_EPT_WRITABLE_MASK;
		if (r[*i].flags & VMXSCOPE_TRAP_READ)
			rwx &= ~(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK);
		if (r[*i].flags & VMXSCOPE_TRAP_EXEC)
			rwx &= ~VMX_EPT_EXECUTABLE_MASK;
	}
	if (!(rwx & VMX_EPT_READABLE_MASK) &&
	    !(vmxscope_cfg.ept_vpid_cap & VMX_EPT_EXECUTE_ONLY_BIT))
		rwx = 0;
	return rwx;
}

static bool has_page(const struct vmxscope_mem_range *r, unsigned int n,
		     u64 page)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if ((r[mid].first & PAGE_MASK) < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && (r[lo].first & PAGE_MASK) == page;
}

/* Every page of @r gets its permissions (all of them if @open). */
static int watch_all(const struct vmxscope_mem_range *r, unsigned int n,
		     const struct vmxscope_mem_range *skip, unsigned int nskip,
		     bool open)
{
	unsigned int i = 0;
	int ret = 0;

	while (i < n) {
		u64 page = r[i].first & PAGE_MASK, rwx = page_rwx(r, n, &i);

		if (skip && has_page(skip, nskip, page))
			continue;
		ret = vmxscope_ept_watch(page, open ? EPT_RWX : rwx) ?: ret;
	}
	return ret;
}

/*
 * The watched view goes from the pages of @old to those of @new.  Opening
 * a page never allocates; if a split finds no memory, the view goes back
 * to @old (whose tables exist) and the error is returned.
 */
int vmxscope_ept_watch_ranges(const struct vmxscope_mem_range *new,
			      unsigned int n,
			      const struct vmxscope_mem_range *old,
			      unsigned int nold)
{
	int ret = watch_all(new, n, NULL, 0, false);

	if (ret) {
		watch_all(new, n, old, nold, true);
		watch_all(old, nold, NULL, 0, false);
		return ret;
	}
	watch_all(old, nold, new, n, true);
	return 0;
}
