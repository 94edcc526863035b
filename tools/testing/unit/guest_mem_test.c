// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the guest page-table walk (arch/x86/vmx/guest_mem.c)
 * over a fake physical memory, against the rules of SDM Vol. 3A 4.5-4.8.
 */
#include <string.h>

#include "kcompat.h"
#include "../../../arch/x86/vmx/guest_mem.h"
#include "unit.h"

#define P	(1ULL << 0)
#define RW	(1ULL << 1)
#define US	(1ULL << 2)
#define A	(1ULL << 5)
#define D	(1ULL << 6)
#define PS	(1ULL << 7)
#define XD	(1ULL << 63)
#define ALL	(P | RW | US)

#define PF_P	VMXSCOPE_PF_PROT
#define PF_W	VMXSCOPE_PF_WRITE
#define PF_U	VMXSCOPE_PF_USER

#define NPAGES	128
#define PAGE	4096ULL
#define MAXPHY	46

static u64 mem64[NPAGES * PAGE / 8];
#define mem	((unsigned char *)mem64)
static unsigned int next_page;
static int race;	/* update64 calls until one "loses" to another CPU */
static u64 race_clear;	/* what the other CPU clears in the entry */

static void *fake_map(u64 pa)
{
	return pa < sizeof(mem64) ? &mem[pa] : NULL;
}

static bool fake_update64(u64 *p, u64 old, u64 new)
{
	if (race && !--race)
		*p &= ~race_clear;
	return __atomic_compare_exchange_n(p, &old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static const struct vmxscope_gmem_ops ops = { fake_map, fake_update64 };

static u64 alloc_page(void)
{
	return (u64)next_page++ * PAGE;
}

static u64 *entry(u64 table, u64 la, int level)
{
	return (u64 *)&mem[table + ((la >> (12 + 9 * (level - 1))) & 511) * 8];
}

/* A fresh address space: CR3 and the guest state of a CPL-0 kernel. */
static struct vmxscope_gmem setup(bool la57)
{
	struct vmxscope_gmem g = {
		.ops = &ops, .phys_mask = (1ULL << MAXPHY) - 1,
		.wp = true, .nxe = true, .la57 = la57,
	};

	memset(mem, 0, sizeof(mem64));
	next_page = 0;
	race = 0;
	g.cr3 = alloc_page();
	return g;
}

/*
 * Maps @la to @pa with a leaf at @leaf_level (1: 4K, 2: 2M, 3: 1G);
 * entries above get @upper, the leaf @flags.  Returns the leaf entry.
 */
static u64 *map(const struct vmxscope_gmem *g, u64 la, u64 pa, int leaf_level,
		u64 upper, u64 flags)
{
	u64 table = g->cr3 & ~0xfffULL;
	int level;

	for (level = g->la57 ? 5 : 4; level > leaf_level; level--) {
		u64 *e = entry(table, la, level);

		if (!(*e & P))
			*e = alloc_page() | upper;
		table = *e & 0x000ffffffffff000ULL;
	}
	*entry(table, la, leaf_level) = pa | flags |
					(leaf_level > 1 ? PS : 0);
	return entry(table, la, leaf_level);
}

/* The entry at @level that translates @la (5..1), for tampering. */
static u64 *walk_entry(const struct vmxscope_gmem *g, u64 la, int level)
{
	u64 table = g->cr3 & ~0xfffULL;
	int l;

	for (l = g->la57 ? 5 : 4; l > level; l--)
		table = *entry(table, la, l) & 0x000ffffffffff000ULL;
	return entry(table, la, level);
}

static int xlate(const struct vmxscope_gmem *g, u64 la, bool write, u64 *pa,
		 struct vmxscope_gmem_fault *f)
{
	return vmxscope_gmem_translate(g, la, write, pa, f);
}

#define LA	0x00007f1234567000ULL	/* user half */
#define KLA	0xffff888000201000ULL	/* kernel half */

static void test_4k_leaf(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 data = alloc_page() + 0 * PAGE, pa = 0;
	u64 *leaf = map(&g, LA, data, 1, ALL, ALL);

	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA + 0x123, false, &pa, &f));
	EXPECT_EQ(data + 0x123, pa);
	EXPECT_EQ(A, *leaf & (A | D));
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA + 0xfff, true, &pa, &f));
	EXPECT_EQ(data + 0xfff, pa);
	EXPECT_EQ(A | D, *leaf & (A | D));
}

static void test_2m_leaf(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 la = 0x00007f0000200000ULL, pa = 0;
	u64 *leaf = map(&g, la, 0x40000000ULL, 2, ALL, ALL);

	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, la + 0x1ff123, true, &pa, &f));
	EXPECT_EQ(0x40000000ULL + 0x1ff123, pa);
	EXPECT_EQ(A | D, *leaf & (A | D));
	/* Bit 12 of a large leaf is PAT, not address. */
	*leaf |= 1ULL << 12;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, la + 0x1000, false, &pa, &f));
	EXPECT_EQ(0x40001000ULL, pa);
	/* Bits 20:13 are reserved. */
	*leaf |= 1ULL << 13;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, la, false, &pa, &f));
	EXPECT_EQ(PF_P | VMXSCOPE_PF_RSVD, f.error);
}

static void test_1g_leaf(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 la = 0x00007f0040000000ULL, pa = 0;
	u64 *leaf = map(&g, la, 0x80000000ULL, 3, ALL, ALL);

	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, la + 0x3ffff123, false, &pa, &f));
	EXPECT_EQ(0x80000000ULL + 0x3ffff123, pa);
	EXPECT_EQ(A, *leaf & (A | D));
	*leaf |= 1ULL << 29;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, la, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W | VMXSCOPE_PF_RSVD, f.error);
}

static void test_not_present_each_level(void)
{
	int level;

	for (level = 1; level <= 5; level++) {
		struct vmxscope_gmem g = setup(level == 5);
		struct vmxscope_gmem_fault f;
		u64 pa = 0;

		map(&g, LA, alloc_page(), 1, ALL, ALL);
		*walk_entry(&g, LA, level) &= ~P;
		g.cpl = 3;
		EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA + 8, true, &pa, &f));
		EXPECT_EQ(PF_W | PF_U, f.error);
		EXPECT_EQ(LA + 8, f.addr);
		g.cpl = 0;
		EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA + 9, false, &pa, &f));
		EXPECT_EQ(0, f.error);
		EXPECT_EQ(LA + 9, f.addr);
	}
}

static void test_user_supervisor(void)
{
	int level;

	for (level = 1; level <= 4; level++) {
		struct vmxscope_gmem g = setup(false);
		struct vmxscope_gmem_fault f;
		u64 pa = 0;

		map(&g, LA, alloc_page(), 1, ALL, ALL);
		g.cpl = 3;
		EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
		/* U/S clear at any one level makes it a supervisor page. */
		*walk_entry(&g, LA, level) &= ~US;
		EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, false, &pa, &f));
		EXPECT_EQ(PF_P | PF_U, f.error);
		g.cpl = 0;
		EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
	}
}

static void test_read_only_wp(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0, *leaf;

	map(&g, LA, alloc_page(), 1, ALL, ALL);
	leaf = map(&g, KLA, alloc_page(), 1, P | RW, P | RW);
	/* R/W clear in a non-leaf entry counts too. */
	*walk_entry(&g, LA, 3) &= ~RW;
	*leaf &= ~RW;

	g.wp = true;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, KLA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W, f.error);
	EXPECT_EQ(0, *leaf & (A | D));
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W, f.error);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, KLA, false, &pa, &f));

	g.wp = false;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, KLA, true, &pa, &f));
	EXPECT_EQ(A | D, *leaf & (A | D));
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
	/* User writes are never let through by WP=0. */
	g.cpl = 3;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W | PF_U, f.error);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, false, &pa, &f));
}

static void test_smap(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0;

	map(&g, LA, alloc_page(), 1, ALL, ALL);
	map(&g, KLA, alloc_page(), 1, P | RW, P | RW);
	g.smap = true;
	g.ac = false;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, false, &pa, &f));
	EXPECT_EQ(PF_P, f.error);
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W, f.error);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, KLA, true, &pa, &f));
	g.ac = true;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
	g.ac = false;
	g.smap = false;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, false, &pa, &f));
	/* SMAP is about supervisor accesses only. */
	g.smap = true;
	g.cpl = 3;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
}

static void test_accessed_dirty(void)
{
	struct vmxscope_gmem g = setup(true);
	struct vmxscope_gmem_fault f;
	u64 pa = 0;
	int level;

	map(&g, LA, alloc_page(), 1, ALL, ALL);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, false, &pa, &f));
	for (level = 5; level >= 1; level--)
		EXPECT_EQ(A, *walk_entry(&g, LA, level) & (A | D));
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
	for (level = 5; level >= 2; level--)
		EXPECT_EQ(A, *walk_entry(&g, LA, level) & (A | D));
	EXPECT_EQ(A | D, *walk_entry(&g, LA, 1) & (A | D));
}

static void test_five_level(void)
{
	struct vmxscope_gmem g = setup(true);
	struct vmxscope_gmem_fault f;
	u64 la = 0x00ff801234567000ULL, data = 0, pa = 0;

	data = alloc_page();
	map(&g, la, data, 1, ALL, ALL);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, la + 5, false, &pa, &f));
	EXPECT_EQ(data + 5, pa);
	/* 57-bit canonical, but not 48-bit: #GP with 4 levels. */
	g.la57 = false;
	EXPECT_EQ(VMXSCOPE_GMEM_GP, xlate(&g, la, false, &pa, &f));
	g.la57 = true;
	EXPECT_EQ(VMXSCOPE_GMEM_GP, xlate(&g, 0x0100000000000000ULL, false,
					&pa, &f));
	/* PS is reserved in a PML5E. */
	*walk_entry(&g, la, 5) |= PS;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, la, false, &pa, &f));
	EXPECT_EQ(PF_P | VMXSCOPE_PF_RSVD, f.error);
}

static void test_canonical_and_cr3(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 data = alloc_page(), pa = 0;

	map(&g, KLA, data, 1, P | RW, P | RW);
	EXPECT_EQ(VMXSCOPE_GMEM_GP, xlate(&g, 0x0000800000000000ULL, false,
					&pa, &f));
	EXPECT_EQ(VMXSCOPE_GMEM_GP, xlate(&g, 0xfff0000000000000ULL, false,
					&pa, &f));
	/* PCID in CR3[11:0] is not part of the table's address. */
	g.cr3 |= 0x123;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, KLA + 1, false, &pa, &f));
	EXPECT_EQ(data + 1, pa);
}

static void test_reserved_bits(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0, *leaf = map(&g, LA, alloc_page(), 1, ALL, ALL);

	*leaf |= XD;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, false, &pa, &f));
	g.nxe = false;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, false, &pa, &f));
	EXPECT_EQ(PF_P | VMXSCOPE_PF_RSVD, f.error);
	g.nxe = true;
	*walk_entry(&g, LA, 3) |= 1ULL << MAXPHY;
	g.cpl = 3;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W | PF_U | VMXSCOPE_PF_RSVD, f.error);
}

static void test_protection_keys(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0, *leaf = map(&g, LA, alloc_page(), 1, ALL, ALL);

	*leaf |= 5ULL << 59;
	g.pke = true;
	g.cpl = 3;
	g.pkru = 1U << 11;	/* WD for key 5 */
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, false, &pa, &f));
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(PF_P | PF_W | PF_U | VMXSCOPE_PF_PK, f.error);
	g.pkru = 1U << 10;	/* AD for key 5 */
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, false, &pa, &f));
	EXPECT_EQ(PF_P | PF_U | VMXSCOPE_PF_PK, f.error);
	g.pkru = 3U << 8;	/* another key */
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
}

static void test_straddle(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 p0 = alloc_page(), p1 = alloc_page();
	unsigned char in[4] = { 1, 2, 3, 4 }, out[4];
	u64 *leaf1;

	map(&g, LA, p0, 1, ALL, ALL);
	leaf1 = map(&g, LA + PAGE, p1, 1, ALL, ALL);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, vmxscope_gmem_write(&g, LA + PAGE - 1, in, 4, &f));
	EXPECT_EQ(1, mem[p0 + PAGE - 1]);
	EXPECT_EQ(2, mem[p1]);
	EXPECT_EQ(4, mem[p1 + 2]);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, vmxscope_gmem_read(&g, LA + PAGE - 1, out, 4, &f));
	EXPECT_EQ(0, memcmp(in, out, 4));
	/* The second page missing: nothing is written, CR2 is its start. */
	*leaf1 &= ~P;
	in[0] = 9;
	g.cpl = 3;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, vmxscope_gmem_write(&g, LA + PAGE - 2, in, 4, &f));
	EXPECT_EQ(LA + PAGE, f.addr);
	EXPECT_EQ(PF_W | PF_U, f.error);
	EXPECT_EQ(1, mem[p0 + PAGE - 1]);
}

static void test_entry_changes_under_walk(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0;

	map(&g, LA, alloc_page(), 1, ALL, ALL);
	/* Another CPU clears P as the leaf's A is set: walk again, fault. */
	race = 4;
	race_clear = P;
	EXPECT_EQ(VMXSCOPE_GMEM_PF, xlate(&g, LA, false, &pa, &f));
	EXPECT_EQ(0, f.error);
	EXPECT_EQ(0, *walk_entry(&g, LA, 1) & (A | P));
	/* Another CPU clears A in the PDE: walk again, succeed. */
	*walk_entry(&g, LA, 1) |= P;
	race = 1;
	race_clear = A;
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, LA, true, &pa, &f));
	EXPECT_EQ(A | D, *walk_entry(&g, LA, 1) & (A | D));
}

static void test_not_ram(void)
{
	struct vmxscope_gmem g = setup(false);
	struct vmxscope_gmem_fault f;
	u64 pa = 0;

	map(&g, LA, alloc_page(), 1, ALL, ALL);
	*walk_entry(&g, LA, 2) = 0x100000000ULL | ALL;
	EXPECT_EQ(VMXSCOPE_GMEM_NOT_RAM, xlate(&g, LA, false, &pa, &f));
	map(&g, KLA, 0x200000000ULL, 1, ALL, ALL);
	EXPECT_EQ(VMXSCOPE_GMEM_OK, xlate(&g, KLA, false, &pa, &f));
	EXPECT_EQ(VMXSCOPE_GMEM_NOT_RAM, vmxscope_gmem_read(&g, KLA, &pa, 1, &f));
}

int main(void)
{
	RUN(test_4k_leaf);
	RUN(test_2m_leaf);
	RUN(test_1g_leaf);
	RUN(test_not_present_each_level);
	RUN(test_user_supervisor);
	RUN(test_read_only_wp);
	RUN(test_smap);
	RUN(test_accessed_dirty);
	RUN(test_five_level);
	RUN(test_canonical_and_cr3);
	RUN(test_reserved_bits);
	RUN(test_protection_keys);
	RUN(test_straddle);
	RUN(test_entry_changes_under_walk);
	RUN(test_not_ram);
	return unit_done();
}
