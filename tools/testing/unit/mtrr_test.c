// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the MTRR memory-type resolver (arch/x86/vmx/mtrr.c),
 * which the Makefile builds with kcompat.h in place of the kernel headers.
 */
#include <string.h>

#include "kcompat.h"
#include <vmxscope/mtrr.h>
#include "unit.h"

#define UC	MTRR_TYPE_UNCACHABLE
#define WC	MTRR_TYPE_WRCOMB
#define WT	MTRR_TYPE_WRTHROUGH
#define WP	MTRR_TYPE_WRPROT
#define WB	MTRR_TYPE_WRBACK
#define MIXED	VMXSCOPE_MTRR_MIXED

#define K4	0x1000ULL
#define M1	0x100000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL
#define VALID	(1ULL << 11)
#define MAXPHYADDR 36

static void init(struct vmxscope_mtrr_state *s, u8 def_type)
{
	memset(s, 0, sizeof(*s));
	s->enabled = true;
	s->def_type = def_type;
	s->phys_mask = (1ULL << MAXPHYADDR) - 1;
}

/* A range the way firmware sets one up: size a power of two, aligned. */
static unsigned int add_var(struct vmxscope_mtrr_state *s, u64 base, u64 size,
			    u8 type)
{
	unsigned int i = s->nr_var++;

	s->var[i].base = base | type;
	s->var[i].mask = (~(size - 1) & s->phys_mask) | VALID;
	return i;
}

static void add_var_raw(struct vmxscope_mtrr_state *s, u64 base, u64 mask)
{
	unsigned int i = s->nr_var++;

	s->var[i].base = base;
	s->var[i].mask = mask;
}

static u8 type(const struct vmxscope_mtrr_state *s, u64 start, u64 size)
{
	return vmxscope_mtrr_range_type(s, start, size);
}

/* Fixed-range index from the address, written independently of mtrr.c. */
static int ref_fixed_index(u64 addr)
{
	static const struct { u64 start, size; int first, count; } r[] = {
		{ 0x00000, 0x10000, 0, 8 },
		{ 0x80000, 0x4000, 8, 16 },
		{ 0xc0000, 0x1000, 24, 64 },
	};
	int i;

	for (i = 2; i >= 0; i--)
		if (addr >= r[i].start)
			return r[i].first + (int)((addr - r[i].start) / r[i].size);
	return -1;
}

static bool ref_valid(u8 t)
{
	return t == UC || t == WC || t == WT || t == WP || t == WB;
}

/* The type of one page, straight from SDM §11.11.4.1 "MTRR Precedences". */
static u8 ref_page(const struct vmxscope_mtrr_state *s, u64 addr)
{
	bool seen[256] = { false };
	unsigned int i, kinds = 0;
	u8 t, one = UC;

	if (!s->enabled)
		return UC;
	if (s->fixed_enabled && addr < M1) {
		t = s->fixed[ref_fixed_index(addr)];
		return ref_valid(t) ? t : UC;
	}
	for (i = 0; i < s->nr_var && i < VMXSCOPE_MTRR_MAX_VAR; i++) {
		u64 bits = s->phys_mask & ~0xfffULL & s->var[i].mask;

		if (!(s->var[i].mask & VALID))
			continue;
		if ((addr & bits) != (s->var[i].base & bits))
			continue;
		t = s->var[i].base & 0xff;
		if (!ref_valid(t))
			t = UC;
		if (!seen[t]) {
			seen[t] = true;
			kinds++;
			one = t;
		}
	}
	if (!kinds)
		return ref_valid(s->def_type) ? s->def_type : UC;
	if (kinds == 1)
		return one;
	if (seen[UC])
		return UC;
	if (kinds == 2 && seen[WT] && seen[WB])
		return WT;
	return UC;
}

/* The uniform type of [start, start + size) page by page, or MIXED. */
static u8 ref_range(const struct vmxscope_mtrr_state *s, u64 start, u64 size)
{
	u8 t = ref_page(s, start);
	u64 a;

	for (a = start + K4; a - start < size; a += K4)
		if (ref_page(s, a) != t)
			return MIXED;
	return t;
}

/* Every page of [start, start + size) gets its reference type. */
static unsigned int pages_exact(const struct vmxscope_mtrr_state *s, u64 start,
				u64 size)
{
	unsigned int bad = 0;
	u64 a;

	for (a = start; a - start < size; a += K4) {
		if (type(s, a, K4) == ref_page(s, a))
			continue;
		if (!bad++)
			printf("#  page %#llx: %u, reference %u\n",
			       (unsigned long long)a, type(s, a, K4),
			       ref_page(s, a));
	}
	return bad;
}

static void test_disabled_mtrrs_are_uc_everywhere(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	add_var(&s, 0, 4 * G1, WB);
	s.fixed_enabled = true;
	memset(s.fixed, WB, sizeof(s.fixed));
	s.enabled = false;
	EXPECT_EQ(UC, type(&s, 0, K4));
	EXPECT_EQ(UC, type(&s, 0xa0000, K4));
	EXPECT_EQ(UC, type(&s, 0, M2));
	EXPECT_EQ(UC, type(&s, 3 * G1, G1));
	EXPECT_EQ(UC, type(&s, 0, 1ULL << MAXPHYADDR));
}

static void test_default_type_alone_is_uniform_at_every_size(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	EXPECT_EQ(WB, type(&s, 0, K4));
	EXPECT_EQ(WB, type(&s, 0, M2));
	EXPECT_EQ(WB, type(&s, 5 * G1, G1));
	EXPECT_EQ(WB, type(&s, 0, 1ULL << MAXPHYADDR));
	EXPECT_EQ(WB, type(&s, 0x12345000, 0x6789000));
	init(&s, UC);
	EXPECT_EQ(UC, type(&s, 7 * G1, G1));
	EXPECT_EQ(UC, type(&s, 0, 1ULL << MAXPHYADDR));
}

static void set_fixed(struct vmxscope_mtrr_state *s)
{
	memset(s->fixed, WB, sizeof(s->fixed));
	memset(&s->fixed[16], UC, 8);	/* A0000-BFFFF: 16K ranges 16..23 */
	memset(&s->fixed[24], WP, 8);	/* C0000-C7FFF: 4K ranges 24..31 */
	s->fixed[87] = WT;		/* FF000-FFFFF */
}

static u8 fixed_expected(u64 a)
{
	if (a >= 0xa0000 && a < 0xc0000)
		return UC;
	if (a >= 0xc0000 && a < 0xc8000)
		return WP;
	return a == 0xff000 ? WT : WB;
}

static void test_fixed_ranges_make_low_2m_mixed_but_each_4k_exact(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int bad = 0;
	u64 a;

	init(&s, WB);
	s.fixed_enabled = true;
	set_fixed(&s);
	EXPECT_EQ(MIXED, type(&s, 0, M2));
	EXPECT_EQ(MIXED, type(&s, 0, M1));
	EXPECT_EQ(WB, type(&s, M1, M1));
	EXPECT_EQ(WB, type(&s, 0, 0xa0000));
	EXPECT_EQ(UC, type(&s, 0xa0000, 0x20000));
	EXPECT_EQ(WP, type(&s, 0xc0000, 0x8000));
	EXPECT_EQ(MIXED, type(&s, 0x9f000, 0x2000));
	EXPECT_EQ(MIXED, type(&s, 0xff000, 0x2000));
	for (a = 0; a < M1; a += K4)
		bad += type(&s, a, K4) != fixed_expected(a);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, pages_exact(&s, 0, M2));
}

static void test_fixed_and_default_agree_across_1m(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	s.fixed_enabled = true;
	memset(s.fixed, WB, sizeof(s.fixed));
	EXPECT_EQ(WB, type(&s, 0, M2));
	EXPECT_EQ(WB, type(&s, 0, G1));
	s.def_type = UC;
	add_var(&s, 0, G1, WB);
	EXPECT_EQ(WB, type(&s, 0, G1));
	EXPECT_EQ(MIXED, type(&s, 0, 2 * G1));
}

static void test_fixed_ranges_override_variable_below_1m(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	s.fixed_enabled = true;
	memset(s.fixed, WB, sizeof(s.fixed));
	add_var(&s, 0, M2, UC);
	EXPECT_EQ(WB, type(&s, 0, M1));
	EXPECT_EQ(UC, type(&s, M1, M1));
	EXPECT_EQ(MIXED, type(&s, 0, M2));
	EXPECT_EQ(MIXED, type(&s, M1 - K4, 2 * K4));
	EXPECT_EQ(0, pages_exact(&s, 0, 2 * M2));
}

static void test_fixed_ranges_ignored_when_fe_clear(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, UC);
	set_fixed(&s);
	add_var(&s, 0, G1, WB);
	EXPECT_EQ(WB, type(&s, 0, M2));
	EXPECT_EQ(WB, type(&s, 0xa0000, K4));
	EXPECT_EQ(WB, type(&s, 0, G1));
}

static void test_uc_hole_at_3g_under_wb_default(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int bad = 0;
	u64 g;

	init(&s, WB);
	add_var(&s, 3 * G1, G1, UC);
	for (g = 0; g < 64; g++)
		bad += type(&s, g * G1, G1) != (g == 3 ? UC : WB);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(MIXED, type(&s, 2 * G1, 2 * G1));
	EXPECT_EQ(WB, type(&s, 3 * G1 - M2, M2));
	EXPECT_EQ(UC, type(&s, 3 * G1, M2));
	EXPECT_EQ(UC, type(&s, 4 * G1 - K4, K4));
	EXPECT_EQ(WB, type(&s, 4 * G1, K4));
	EXPECT_EQ(MIXED, type(&s, 4 * G1 - K4, 2 * K4));
}

static void test_uc_overlapping_wb_is_uc_in_either_order(void)
{
	struct vmxscope_mtrr_state s;
	int order;

	for (order = 0; order < 2; order++) {
		init(&s, UC);
		if (order)
			add_var(&s, 2 * G1, 256 * M1, UC);
		add_var(&s, 0, 4 * G1, WB);
		if (!order)
			add_var(&s, 2 * G1, 256 * M1, UC);
		EXPECT_EQ(UC, type(&s, 2 * G1, 256 * M1));
		EXPECT_EQ(UC, type(&s, 2 * G1 + 4 * M2, M2));
		EXPECT_EQ(WB, type(&s, 0, 2 * G1));
		EXPECT_EQ(WB, type(&s, 2 * G1 + 256 * M1, M2));
		EXPECT_EQ(MIXED, type(&s, 2 * G1, G1));
		EXPECT_EQ(MIXED, type(&s, 0, 4 * G1));
		EXPECT_EQ(UC, type(&s, 4 * G1, G1));
	}
}

static void test_wt_overlapping_wb_is_wt(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, UC);
	add_var(&s, 0, 4 * G1, WB);
	add_var(&s, G1, G1, WT);
	EXPECT_EQ(WT, type(&s, G1, G1));
	EXPECT_EQ(WT, type(&s, G1 + 5 * M2, K4));
	EXPECT_EQ(WB, type(&s, 0, G1));
	EXPECT_EQ(WB, type(&s, 2 * G1, M2));
	EXPECT_EQ(MIXED, type(&s, 0, 2 * G1));
}

static void test_undefined_overlaps_resolve_to_uc(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	add_var(&s, 0, 4 * G1, WB);
	add_var(&s, 0, G1, WC);
	EXPECT_EQ(UC, type(&s, 0, G1));
	EXPECT_EQ(UC, type(&s, 0, K4));
	init(&s, WB);
	add_var(&s, 0, G1, WP);
	add_var(&s, 0, G1, WT);
	EXPECT_EQ(UC, type(&s, 0, G1));
	/* WT, WB and WC together: not the WT+WB case either. */
	init(&s, WB);
	add_var(&s, 0, G1, WT);
	add_var(&s, 0, G1, WB);
	add_var(&s, 0, G1, WC);
	EXPECT_EQ(UC, type(&s, 0, G1));
	/* The same type twice is that type. */
	init(&s, UC);
	add_var(&s, 0, 2 * G1, WC);
	add_var(&s, 0, G1, WC);
	EXPECT_EQ(WC, type(&s, 0, G1));
}

static void test_range_straddling_variable_boundary_is_mixed(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, UC);
	add_var(&s, 0, 2 * G1, WB);
	add_var(&s, 2 * G1, 512 * M1, WB);
	EXPECT_EQ(MIXED, type(&s, 2 * G1, G1));
	EXPECT_EQ(WB, type(&s, 2 * G1 + 512 * M1 - M2, M2));
	EXPECT_EQ(UC, type(&s, 2 * G1 + 512 * M1, M2));
	EXPECT_EQ(MIXED, type(&s, 2 * G1 + 512 * M1 - K4, 2 * K4));
	EXPECT_EQ(MIXED, type(&s, 2 * G1 + 512 * M1 - M2, 2 * M2));
	/* A boundary inside a 2M chunk. */
	init(&s, UC);
	add_var(&s, 5 * G1 + M1, M1, WB);
	EXPECT_EQ(MIXED, type(&s, 5 * G1, M2));
	EXPECT_EQ(WB, type(&s, 5 * G1 + M1, M1));
	EXPECT_EQ(0, pages_exact(&s, 5 * G1, M2));
}

static void test_1g_chunk_inside_one_range_is_uniform(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int bad = 0;
	u64 g;

	init(&s, UC);
	add_var(&s, 32 * G1, 16 * G1, WB);
	for (g = 0; g < 64; g++)
		bad += type(&s, g * G1, G1) != (g >= 32 && g < 48 ? WB : UC);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(WB, type(&s, 32 * G1, 16 * G1));
	EXPECT_EQ(MIXED, type(&s, 31 * G1, 2 * G1));
	EXPECT_EQ(MIXED, type(&s, 47 * G1, 2 * G1));
}

static void test_adjacent_ranges_covering_a_chunk_make_it_uniform(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int mid;

	init(&s, UC);
	add_var(&s, 0, 512 * M1, WB);
	mid = add_var(&s, 512 * M1, 256 * M1, WB);
	add_var(&s, 768 * M1, 256 * M1, WB);
	EXPECT_EQ(WB, type(&s, 0, G1));
	EXPECT_EQ(WB, type(&s, 256 * M1, 768 * M1));
	s.var[mid].base = 512 * M1 | WT;
	EXPECT_EQ(MIXED, type(&s, 0, G1));
	EXPECT_EQ(WT, type(&s, 512 * M1, 256 * M1));
	s.var[mid].mask &= ~VALID;
	EXPECT_EQ(MIXED, type(&s, 0, G1));
	EXPECT_EQ(UC, type(&s, 512 * M1, 256 * M1));
}

static void test_invalid_variable_ranges_are_ignored(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int i;

	init(&s, WB);
	i = add_var(&s, 0, 4 * G1, UC);
	s.var[i].mask &= ~VALID;
	EXPECT_EQ(WB, type(&s, 0, G1));
	EXPECT_EQ(WB, type(&s, 3 * G1, K4));
	s.var[i].mask |= VALID;
	EXPECT_EQ(UC, type(&s, 0, G1));
	/* Entries past nr_var do not count. */
	s.nr_var = 0;
	EXPECT_EQ(WB, type(&s, 0, G1));
	/* Nor where another range's edge is looked at. */
	init(&s, WB);
	add_var(&s, 0, 512 * M1, WB);
	i = add_var(&s, 0, G1, UC);
	s.var[i].mask &= ~VALID;
	EXPECT_EQ(WB, type(&s, 0, G1));
}

static void test_nr_var_above_max_is_capped(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int i;

	init(&s, WB);
	for (i = 0; i < VMXSCOPE_MTRR_MAX_VAR; i++)
		add_var(&s, i * G1, G1, i == VMXSCOPE_MTRR_MAX_VAR - 1 ? UC : WT);
	s.nr_var = 255;
	EXPECT_EQ(WT, type(&s, 0, G1));
	EXPECT_EQ(UC, type(&s, (VMXSCOPE_MTRR_MAX_VAR - 1) * G1, G1));
	EXPECT_EQ(WB, type(&s, VMXSCOPE_MTRR_MAX_VAR * G1, G1));
}

static void test_noncontiguous_mask_is_exact_at_4k(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int bad = 0;
	u64 pages;
	u64 a;

	/* Bit 13 left out: pages 0 and 2 of [0, 16K) match, 1 and 3 not. */
	init(&s, WB);
	pages = s.phys_mask & ~0xfffULL;
	add_var_raw(&s, UC, (pages & ~(1ULL << 13)) | VALID);
	EXPECT_EQ(UC, type(&s, 0, K4));
	EXPECT_EQ(WB, type(&s, K4, K4));
	EXPECT_EQ(UC, type(&s, 2 * K4, K4));
	EXPECT_EQ(WB, type(&s, 3 * K4, K4));
	EXPECT_EQ(MIXED, type(&s, 0, 4 * K4));
	EXPECT_EQ(MIXED, type(&s, 0, M2));
	EXPECT_EQ(WB, type(&s, 4 * K4, M2 - 4 * K4));
	EXPECT_EQ(WB, type(&s, M2, M2));
	EXPECT_EQ(WB, type(&s, G1, G1));
	EXPECT_EQ(0, pages_exact(&s, 0, M2));

	/* Only bit 12: every even page of memory, below and above 4G. */
	init(&s, WB);
	add_var_raw(&s, WT, (1ULL << 12) | VALID);
	EXPECT_EQ(MIXED, type(&s, 5 * G1, G1));
	EXPECT_EQ(MIXED, type(&s, 5 * G1, M2));
	for (a = 5 * G1; a < 5 * G1 + M2; a += K4)
		bad += type(&s, a, K4) != ((a >> 12) & 1 ? WB : WT);
	EXPECT_EQ(0, bad);
}

static void test_noncontiguous_mask_is_exact_at_1g(void)
{
	struct vmxscope_mtrr_state s;
	unsigned int bad = 0;
	u64 g;

	/* Bits 35:30 but 31: matches [0, 1G) and [2G, 3G). */
	init(&s, WB);
	add_var_raw(&s, UC, (0xfc0000000ULL & ~(1ULL << 31)) | VALID);
	for (g = 0; g < 64; g++)
		bad += type(&s, g * G1, G1) != (g == 0 || g == 2 ? UC : WB);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(MIXED, type(&s, 0, 2 * G1));
	EXPECT_EQ(MIXED, type(&s, 0, 4 * G1));
	EXPECT_EQ(WB, type(&s, 4 * G1, 4 * G1));
}

static void test_uc_covering_all_beats_partial_noncontiguous_match(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	add_var_raw(&s, WT, (1ULL << 12) | VALID);
	EXPECT_EQ(MIXED, type(&s, 0, 4 * G1));
	add_var(&s, 0, 4 * G1, UC);
	EXPECT_EQ(UC, type(&s, 0, 4 * G1));
	EXPECT_EQ(UC, type(&s, G1, M2));
}

static void test_bits_above_maxphyaddr_are_ignored(void)
{
	struct vmxscope_mtrr_state s;

	/* Base and mask bits 63:36 set, which a 36-bit CPU does not compare. */
	init(&s, WB);
	add_var_raw(&s, 3 * G1 | (1ULL << 40) | (1ULL << 63) | UC,
		    ~(G1 - 1) | VALID);
	EXPECT_EQ(UC, type(&s, 3 * G1, G1));
	EXPECT_EQ(UC, type(&s, 4 * G1 - K4, K4));
	EXPECT_EQ(WB, type(&s, 2 * G1, G1));
	EXPECT_EQ(WB, type(&s, 4 * G1, G1));
	EXPECT_EQ(MIXED, type(&s, 0, 1ULL << MAXPHYADDR));
	/* Past 2^MAXPHYADDR only the low bits count: [64G, 65G) is [0, 1G). */
	init(&s, WB);
	add_var(&s, 0, G1, UC);
	EXPECT_EQ(UC, type(&s, 64 * G1, G1));
	EXPECT_EQ(MIXED, type(&s, 63 * G1, 2 * G1));
	/* The same MSRs on a 46-bit CPU: the range is gone. */
	init(&s, WB);
	add_var_raw(&s, 3 * G1 | (1ULL << 40) | (1ULL << 63) | UC,
		    ~(G1 - 1) | VALID);
	s.phys_mask = (1ULL << 46) - 1;
	EXPECT_EQ(WB, type(&s, 3 * G1, G1));
}

static void test_reserved_type_encodings_read_as_uc(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, 2);
	EXPECT_EQ(UC, type(&s, 0, G1));
	init(&s, WB);
	add_var(&s, G1, G1, 7);
	EXPECT_EQ(UC, type(&s, G1, G1));
	EXPECT_EQ(WB, type(&s, 0, G1));
	s.fixed_enabled = true;
	memset(s.fixed, WB, sizeof(s.fixed));
	s.fixed[87] = 3;
	EXPECT_EQ(UC, type(&s, 0xff000, K4));
	EXPECT_EQ(MIXED, type(&s, 0, M1));
}

static void test_empty_and_wrapping_ranges(void)
{
	struct vmxscope_mtrr_state s;

	init(&s, WB);
	EXPECT_EQ(MIXED, type(&s, G1, 0));
	EXPECT_EQ(WB, type(&s, ~0xfffULL, 2 * K4));
	EXPECT_EQ(WB, type(&s, 0, ~0xfffULL));
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const u8 all_types[] = { UC, WC, WT, WP, WB };

static u8 rnd_type(void)
{
	return all_types[rnd() % 5];
}

/* Random MTRRs, mostly contiguous ranges in the low 64M; true if all are. */
static bool rnd_state(struct vmxscope_mtrr_state *s)
{
	u64 pages;
	bool contiguous = true;
	unsigned int i, n = rnd() % 7;

	init(s, rnd_type());
	pages = s->phys_mask & ~0xfffULL;
	s->fixed_enabled = rnd() % 2;
	for (i = 0; i < sizeof(s->fixed); i++)
		s->fixed[i] = rnd() % 4 ? WB : rnd_type();
	for (i = 0; i < n; i++) {
		u64 size = 1ULL << (12 + rnd() % 15);
		u64 base = (rnd() % (64 * M1)) & ~(size - 1);

		if (rnd() % 5) {
			add_var(s, base, size, rnd_type());
		} else {
			add_var_raw(s, (base & pages) | rnd_type(),
				    (~(size - 1) & pages &
				     ~(1ULL << (12 + rnd() % 24))) | VALID);
			contiguous = false;
		}
		if (!(rnd() % 8))
			s->var[i].mask &= ~VALID;
	}
	return contiguous;
}

static void test_random_mtrrs_agree_with_per_page_reference(void)
{
	unsigned int iter, unsound = 0, inexact = 0, pages_bad = 0;
	struct vmxscope_mtrr_state s;

	for (iter = 0; iter < 3000; iter++) {
		bool contiguous = rnd_state(&s);
		u64 size = (1 + rnd() % 1024) * K4;
		u64 start = (rnd() % (68 * M1)) & ~(K4 - 1);
		u8 got, want;

		if (rnd() % 2) {
			size = M2;
			start &= ~(M2 - 1);
		}
		if (!(rnd() % 8))
			start %= 2 * M1;
		got = type(&s, start, size);
		want = ref_range(&s, start, size);
		/* A type must hold for every page; exact if no odd masks. */
		if (got != MIXED && got != want && !unsound++)
			printf("#  iter %u: %#llx+%#llx: %u, reference %u\n",
			       iter, (unsigned long long)start,
			       (unsigned long long)size, got, want);
		if (contiguous && got != want && !inexact++)
			printf("#  iter %u: %#llx+%#llx: %u, reference %u\n",
			       iter, (unsigned long long)start,
			       (unsigned long long)size, got, want);
		if (iter % 16 == 0)
			pages_bad += pages_exact(&s, start, size);
	}
	EXPECT_EQ(0, unsound);
	EXPECT_EQ(0, inexact);
	EXPECT_EQ(0, pages_bad);
}

int main(void)
{
	RUN(test_disabled_mtrrs_are_uc_everywhere);
	RUN(test_default_type_alone_is_uniform_at_every_size);
	RUN(test_fixed_ranges_make_low_2m_mixed_but_each_4k_exact);
	RUN(test_fixed_and_default_agree_across_1m);
	RUN(test_fixed_ranges_override_variable_below_1m);
	RUN(test_fixed_ranges_ignored_when_fe_clear);
	RUN(test_uc_hole_at_3g_under_wb_default);
	RUN(test_uc_overlapping_wb_is_uc_in_either_order);
	RUN(test_wt_overlapping_wb_is_wt);
	RUN(test_undefined_overlaps_resolve_to_uc);
	RUN(test_range_straddling_variable_boundary_is_mixed);
	RUN(test_1g_chunk_inside_one_range_is_uniform);
	RUN(test_adjacent_ranges_covering_a_chunk_make_it_uniform);
	RUN(test_invalid_variable_ranges_are_ignored);
	RUN(test_nr_var_above_max_is_capped);
	RUN(test_noncontiguous_mask_is_exact_at_4k);
	RUN(test_noncontiguous_mask_is_exact_at_1g);
	RUN(test_uc_covering_all_beats_partial_noncontiguous_match);
	RUN(test_bits_above_maxphyaddr_are_ignored);
	RUN(test_reserved_type_encodings_read_as_uc);
	RUN(test_empty_and_wrapping_ranges);
	RUN(test_random_mtrrs_agree_with_per_page_reference);
	return unit_done();
}
