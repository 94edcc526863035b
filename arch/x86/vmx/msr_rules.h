/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Architectural validity of the MSR values VMX switches, one table for
 * both users: the software VM-entry check (entry_check*.c, SDM 27.2.2 and
 * 27.3.1.1) and the emulated WRMSR of a guest (exit_msr.c), which must
 * #GP exactly where the CPU would.  Pure: also built by tools/testing/unit.
 */
#ifndef _VMXSCOPE_MSR_RULES_H
#define _VMXSCOPE_MSR_RULES_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

/*
 * IA32_EFER on Intel 64 (SDM Vol. 4, Table 2-2): SCE (0), LME (8), LMA
 * (10), NXE (11); every other bit is reserved, AMD's SVME, LMSLE, FFXSR
 * and AUTOIBRS included.
 */
#define VMXSCOPE_EFER_SCE	(1ULL << 0)
#define VMXSCOPE_EFER_LME	(1ULL << 8)
#define VMXSCOPE_EFER_LMA	(1ULL << 10)
#define VMXSCOPE_EFER_NXE	(1ULL << 11)
#define VMXSCOPE_EFER_VALID	(VMXSCOPE_EFER_SCE | VMXSCOPE_EFER_LME | \
				 VMXSCOPE_EFER_LMA | VMXSCOPE_EFER_NXE)

/* IA32_DEBUGCTL bits 2-5 and 16-63 are reserved (SDM 27.3.1.1, 18.4.1). */
#define VMXSCOPE_DEBUGCTL_RSVD	(~0xffffULL | 0x3cULL)

/* Each IA32_PAT entry a memory type: UC, WC, WT, WP, WB, UC- (SDM 12.12.2). */
static inline bool vmxscope_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* Canonical for a linear-address width of @bits (SDM Vol. 1 3.3.7.1). */
static inline bool vmxscope_canonical(u64 x, unsigned int bits)
{
	unsigned int shift = 64 - bits;

	return (u64)((long long)(x << shift) >> shift) == x;
}

#endif /* _VMXSCOPE_MSR_RULES_H */
