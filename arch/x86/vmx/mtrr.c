// SPDX-License-Identifier: GPL-2.0
/*
 * Memory types of physical address ranges from an MTRR snapshot, per SDM
 * Vol. 3A §11.11 "Memory Type Range Registers (MTRRs)" (chapter 11 as
 * numbered up to the 2022 editions).  Pure logic: no kernel calls, so the
 * host unit tests build this file unchanged.
 */
#ifdef __KERNEL__
#include <linux/types.h>
#include <asm/mtrr.h>
#endif
#include <vmxscope/mtrr.h>

#if VMXSCOPE_MTRR_MAX_VAR > 64
#error "var_range_type() keeps a 64-bit map of the variable ranges"
#endif

#define GRAIN_MASK	0xfffULL	/* MTRRs work on 4 KiB (§11.11.2.3) */
#define PHYSMASK_VALID	(1ULL << 11)	/* IA32_MTRR_PHYSMASKn.V (§11.11.2.3) */
#define FIXED_LIMIT	0x100000ULL	/* fixed ranges cover 1 MiB (§11.11.2.2) */

enum match { MATCH_NONE, MATCH_SOME, MATCH_ALL };

/* The encodings of §11.11, Table 11-8; the rest #GP on WRMSR: read as UC. */
static u8 sane_type(u8 type)
{
	switch (type) {
	case MTRR_TYPE_UNCACHABLE:
	case MTRR_TYPE_WRCOMB:
	case MTRR_TYPE_WRTHROUGH:
	case MTRR_TYPE_WRPROT:
	case MTRR_TYPE_WRBACK:
		return type;
	default:
		return MTRR_TYPE_UNCACHABLE;
	}
}

/* Fixed range index of @addr < 1 MiB and its size (§11.11.2.2). */
static unsigned int fixed_index(u64 addr, u64 *size)
{
	if (addr < 0x80000) {
		*size = 0x10000;
		return addr >> 16;
	}
	if (addr < 0xc0000) {
		*size = 0x4000;
		return 8 + ((addr - 0x80000) >> 14);
	}
	*size = 0x1000;
	return 24 + ((addr - 0xc0000) >> 12);
}

static unsigned int nr_var(const struct vmxscope_mtrr_state *s)
{
	return s->nr_var < VMXSCOPE_MTRR_MAX_VAR ? s->nr_var : VMXSCOPE_MTRR_MAX_VAR;
}

/* Compared address bits: MAXPHYADDR-1:12 of PHYSMASK (§11.11.2.3). */
static u64 var_mask(const struct vmxscope_mtrr_state *s, unsigned int i)
{
	return s->var[i].mask & s->phys_mask & ~GRAIN_MASK;
}

static u8 var_type(const struct vmxscope_mtrr_state *s, unsigned int i)
{
	return sane_type(s->var[i].base & 0xff);
}

/*
 * Type of bytes matched by the variable ranges whose types are in @set, a
 * non-empty bitmap (§11.11.4.1): one type is itself, UC wins, WT with WB
 * is WT.  Other mixtures are undefined: take UC, which caches nothing.
 */
static u8 overlap_type(unsigned int set)
{
	unsigned int t;

	if (set == ((1u << MTRR_TYPE_WRTHROUGH) | (1u << MTRR_TYPE_WRBACK)))
		return MTRR_TYPE_WRTHROUGH;
	for (t = 0; t < 8; t++)
		if (set == (1u << t))
			return t;
	return MTRR_TYPE_UNCACHABLE;
}

/* Variable-range or default type of the byte at @addr (§11.11.4.1). */
static u8 var_type_at(const struct vmxscope_mtrr_state *s, u64 addr)
{
	unsigned int i, set = 0;

	for (i = 0; i < nr_var(s); i++) {
		if ((s->var[i].mask & PHYSMASK_VALID) &&
		    !((addr ^ s->var[i].base) & var_mask(s, i)))
			set |= 1u << var_type(s, i);
	}
	return set ? overlap_type(set) : sane_type(s->def_type);
}

/*
 * Which addresses of [first, last] have (addr & m) == b?  Exact for any
 * mask: walk the largest aligned blocks; within a block of 2^k bytes the
 * bits of @m below k take every value, those above are fixed.
 */
static enum match match(u64 first, u64 last, u64 b, u64 m)
{
	bool any = false, every = true;
	u64 addr = first;

	for (;;) {
		u64 rest = last - addr;
		u64 size = addr ? addr & -addr : 1ULL << 63;

		while (size - 1 > rest)
			size >>= 1;
		if (!((addr ^ b) & m & ~(size - 1))) {
			if (m & (size - 1))
				return MATCH_SOME;
			any = true;
		} else {
			every = false;
		}
		if (any && !every)
			return MATCH_SOME;
		if (size - 1 == rest)
			break;
		addr += size;
	}
	return any ? MATCH_ALL : MATCH_NONE;
}

/* PHYSMASK bits set from the lowest one up to MAXPHYADDR-1: one block. */
static bool mask_contiguous(const struct vmxscope_mtrr_state *s, u64 m)
{
	return (m | ((m & -m) - 1)) == (s->phys_mask | GRAIN_MASK);
}

/*
 * Variable-range type of [first, last] (§11.11.4.1).  Ranges covering all
 * or none of it are decided at once.  If the others are contiguous blocks,
 * the type only changes at their edges: compare it there.  Non-contiguous
 * ones may cut it into many pieces: answer MIXED (exact for 4 KiB, where
 * no PHYSMASK bit can cut a page).
 */
static u8 var_range_type(const struct vmxscope_mtrr_state *s, u64 first,
			 u64 last)
{
	unsigned int i, n = nr_var(s), all = 0;
	bool irregular = false;
	u64 partial = 0;
	u8 type;

	for (i = 0; i < n; i++) {
		u64 m = var_mask(s, i);

		if (!(s->var[i].mask & PHYSMASK_VALID))
			continue;
		switch (match(first, last, s->var[i].base & m, m)) {
		case MATCH_ALL:
			all |= 1u << var_type(s, i);
			break;
		case MATCH_SOME:
			partial |= 1ULL << i;
			if (!mask_contiguous(s, m) || last > s->phys_mask)
				irregular = true;
			break;
		case MATCH_NONE:
			break;
		}
	}
	if (all & (1u << MTRR_TYPE_UNCACHABLE))
		return MTRR_TYPE_UNCACHABLE;
	if (!partial)
		return all ? overlap_type(all) : sane_type(s->def_type);
	if (irregular)
		return VMXSCOPE_MTRR_MIXED;

	type = var_type_at(s, first);
	for (i = 0; i < n; i++) {
		u64 m = var_mask(s, i), lo, hi;

		if (!(partial & (1ULL << i)))
			continue;
		lo = s->var[i].base & m;
		hi = lo | (s->phys_mask & ~m);
		if (lo > first && var_type_at(s, lo) != type)
			return VMXSCOPE_MTRR_MIXED;
		if (hi < last && var_type_at(s, hi + 1) != type)
			return VMXSCOPE_MTRR_MIXED;
	}
	return type;
}

u8 vmxscope_mtrr_range_type(const struct vmxscope_mtrr_state *s, u64 start,
			  u64 size)
{
	u64 last = start + size - 1, addr, step;
	u8 type;

	if (!size)
		return VMXSCOPE_MTRR_MIXED;
	if (last < start)
		last = ~0ULL;
	/* E=0: UC for all of physical memory (§11.11.2.1). */
	if (!s->enabled)
		return MTRR_TYPE_UNCACHABLE;
	/* Below 1 MiB, enabled fixed ranges alone decide (§11.11.4.1). */
	if (!s->fixed_enabled || start >= FIXED_LIMIT)
		return var_range_type(s, start, last);
	type = sane_type(s->fixed[fixed_index(start, &step)]);
	for (addr = start; addr <= last && addr < FIXED_LIMIT;
	     addr = (addr | (step - 1)) + 1)
		if (sane_type(s->fixed[fixed_index(addr, &step)]) != type)
			return VMXSCOPE_MTRR_MIXED;
	if (last < FIXED_LIMIT)
		return type;
	return var_range_type(s, FIXED_LIMIT, last) == type ?
	       type : VMXSCOPE_MTRR_MIXED;
}
