// SPDX-License-Identifier: GPL-2.0
/*
 * Memory traps, Linux's half (Documentation/memory-monitoring.rst): a
 * request's bytes become pieces of guest-physical 4 KiB pages, translated
 * when the trap is set and pinned (a page reference) until it is removed,
 * so that root mode, which reads the watched bytes through the direct
 * map, never meets a page freed and unmapped meanwhile.  Every refusal
 * is an errno and a rate-limited dmesg line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/pgtable_types.h>

#include <vmxscope/mem_traps.h>
#include <vmxscope/vmxscope.h>

#define refuse(err, fmt, ...) ({					\
	pr_info_ratelimited("refused (%s): " fmt "\n", #err, ##__VA_ARGS__); \
	-(err);								\
})

#define MEM_FLAGS	(VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE | VMXSCOPE_TRAP_EXEC)

/* The guest-physical page behind kernel virtual address @va, or -EFAULT. */
static int kvirt_to_phys(unsigned long va, u64 *pa)
{
	struct page *page = NULL;

	if (virt_addr_valid((void *)va)) {
		*pa = __pa(va);		/* direct map or kernel image */
		return 0;
	}
	if (is_vmalloc_addr((void *)va) ||
	    (va >= MODULES_VADDR && va < MODULES_END))
		page = vmalloc_to_page((void *)va);
	if (!page)
		return refuse(EFAULT, "memory trap: kernel address %#lx is not mapped", va);
	*pa = page_to_phys(page) | offset_in_page(va);
	return 0;
}

/* Pins the RAM page of @pa, mapped in the direct map, not vmxscope's. */
static int pin(u64 pa, struct page **out)
{
	unsigned long pfn = PHYS_PFN(pa);
	unsigned int level;
	struct page *page;
	pte_t *pte;

	if (!pfn_valid(pfn) || !page_is_ram(pfn))
		return refuse(EINVAL, "memory trap: %#llx is not RAM", pa);
	pte = lookup_address((unsigned long)__va(pa), &level);
	if (!pte || !pte_present(*pte))
		return refuse(EFAULT, "memory trap: %#llx is not in the direct map", pa);
	if (vmxscope_owns_page(pa))
		return refuse(EPERM, "memory trap: %#llx is vmxscope's own memory (the monitor cannot monitor itself)",
			      pa);
	page = pfn_to_page(pfn);
	if (!get_page_unless_zero(page))
		return refuse(EINVAL, "memory trap: page frame of %#llx is free", pa);
	*out = page;
	return 0;
}

void vmxscope_mem_unpin(struct vmxscope_mem_piece *p, unsigned int n)
{
	while (n--)
		put_page(p[n].page);
	kfree(p);
}

static int check(const struct vmxscope_mem_trap *u)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(u->reserved); i++)
		if (u->reserved[i])
			return refuse(EINVAL, "reserved fields of a memory trap not zero");
	if (u->reserved0 || u->id)
		return refuse(EINVAL, "reserved fields of a memory trap not zero");
	if (u->flags & ~(MEM_FLAGS | VMXSCOPE_TRAP_PERSIST) || !(u->flags & MEM_FLAGS))
		return refuse(EINVAL, "memory trap flags %#x: need READ, WRITE and/or EXEC",
			      u->flags);
	if (u->space != VMXSCOPE_MEM_PHYS && u->space != VMXSCOPE_MEM_KVIRT)
		return refuse(EINVAL, "memory trap space %u: PHYS (0) or KVIRT (1)", u->space);
	if (!u->len || u->addr + u->len - 1 < u->addr)
		return refuse(EINVAL, "memory trap of %llu bytes at %#llx", u->len, u->addr);
	if (DIV_ROUND_UP(offset_in_page(u->addr) + u->len, PAGE_SIZE) >
	    VMXSCOPE_MAX_MEM_PAGES)
		return refuse(ENOSPC, "memory trap of %llu bytes: more than %u pages",
			      u->len, VMXSCOPE_MAX_MEM_PAGES);
	if (!vmxscope_mem_traps_possible())
		return refuse(EOPNOTSUPP, "memory traps need external-interrupt exiting, which this CPU lacks");
	return 0;
}

/* Checks, translates and pins @u's bytes: *@pieces, one per page. */
int vmxscope_mem_resolve(const struct vmxscope_mem_trap *u,
			 struct vmxscope_mem_piece **pieces, unsigned int *nr)
{
	u64 addr = u->addr, end = u->addr + u->len - 1;
	struct vmxscope_mem_piece *p;
	unsigned int n = 0;
	int ret = check(u);

	if (ret)
		return ret;
	p = kcalloc(DIV_ROUND_UP(offset_in_page(addr) + u->len, PAGE_SIZE),
		    sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (; addr <= end && addr >= u->addr; addr = (addr | ~PAGE_MASK) + 1) {
		u64 last = min(end, addr | ~PAGE_MASK), pa = addr;

		if (u->space == VMXSCOPE_MEM_KVIRT)
			ret = kvirt_to_phys(addr, &pa);
		ret = ret ?: pin(pa, &p[n].page);
		if (ret) {
			vmxscope_mem_unpin(p, n);
			return ret;
		}
		p[n].first = pa;
		p[n].last = pa + (last - addr);
		n++;
	}
	*pieces = p;
	*nr = n;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct vmxscope_mem_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * Sorts @r (by first, as root's lookups need) and says whether it spans
 * more than VMXSCOPE_MAX_MEM_PAGES distinct pages.
 */
bool vmxscope_mem_ranges_sort(struct vmxscope_mem_range *r, unsigned int n)
{
	unsigned int i, pages = 0;

	sort(r, n, sizeof(*r), cmp_range, NULL);
	for (i = 0; i < n; i++)
		if (!i || (r[i].first & PAGE_MASK) != (r[i - 1].first & PAGE_MASK))
			pages++;
	return pages > VMXSCOPE_MAX_MEM_PAGES;
}
