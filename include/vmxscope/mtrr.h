/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host MTRR memory types for the EPT identity map (SDM Vol. 3A §11.11).
 * mtrr_type_lookup() is not exported to modules, so vmxscope resolves the
 * types itself from a snapshot of the MSRs.  The resolver is pure logic,
 * also built by the host unit tests (tools/testing/unit/mtrr_test.c),
 * which supply u8/u64/bool and MTRR_TYPE_* through kcompat.h.
 */
#ifndef _VMXSCOPE_MTRR_H
#define _VMXSCOPE_MTRR_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

/*
 * IA32_MTRRCAP.VCNT is 8 bits, but the PHYSBASEn/PHYSMASKn pairs start at
 * MSR 200h and MTRRfix64K_00000 is at 250h, so no CPU can have more than
 * 40; real ones report 8 or 10.  vmxscope_mtrr_read() warns and keeps the
 * first 32 if a CPU ever reports more.
 */
#define VMXSCOPE_MTRR_MAX_VAR	32

/* vmxscope_mtrr_range_type(): the bytes of the range have different types. */
#define VMXSCOPE_MTRR_MIXED	0xff

struct vmxscope_mtrr_state {
	bool enabled;		/* IA32_MTRR_DEF_TYPE.E */
	bool fixed_enabled;	/* IA32_MTRR_DEF_TYPE.FE and IA32_MTRRCAP.FIX */
	u8 def_type;		/* IA32_MTRR_DEF_TYPE[7:0] */
	/*
	 * The 88 fixed ranges below 1 MiB, in address order: 8 x 64K
	 * (MTRRfix64K_00000), 16 x 16K (80000, A0000), 64 x 4K (C0000..F8000).
	 */
	u8 fixed[88];
	unsigned int nr_var;	/* IA32_MTRRCAP.VCNT, capped at MAX_VAR */
	struct {
		u64 base, mask;	/* raw IA32_MTRR_PHYSBASEn / PHYSMASKn */
	} var[VMXSCOPE_MTRR_MAX_VAR];
	u64 phys_mask;		/* (1ULL << MAXPHYADDR) - 1 */
};

/*
 * The memory type (MTRR_TYPE_*: 0, 1, 4, 5 or 6) of every byte of
 * [start, start + size), or VMXSCOPE_MTRR_MIXED if they do not all share one.
 * start and size are 4 KiB multiples; a single 4 KiB page never gets MIXED.
 * A larger range may get MIXED when only non-contiguous PHYSMASKs would
 * make it uniform: split it and ask again.  Reserved type encodings read
 * as UC; size 0 gives MIXED; a range past 2^64 is clipped there.
 */
u8 vmxscope_mtrr_range_type(const struct vmxscope_mtrr_state *s, u64 start,
			  u64 size);

#ifdef __KERNEL__
/* Snapshot the MTRRs of this CPU (all CPUs must match, §11.11.8). */
void vmxscope_mtrr_read(struct vmxscope_mtrr_state *s);
#endif

#endif /* _VMXSCOPE_MTRR_H */
