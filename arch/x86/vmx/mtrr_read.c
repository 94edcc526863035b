// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot of the MTRR MSRs for vmxscope_mtrr_range_type() (mtrr.c), which
 * is pure logic; this is its kernel-only half.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/mtrr.h>
#include <asm/processor.h>

#include <vmxscope/mtrr.h>

#define CPUID_1_EDX_PAE		BIT(6)		/* SDM Vol. 2A, CPUID 01H */
#define CPUID_1_EDX_MTRR	BIT(12)
#define MTRRCAP_VCNT		0xff		/* §11.11.1 */
#define MTRRCAP_FIX		BIT(8)
#define DEF_TYPE_TYPE		0xff		/* §11.11.2.1 */
#define DEF_TYPE_FE		BIT(10)
#define DEF_TYPE_E		BIT(11)

/* Eight one-byte types each, lowest address in byte 0 (§11.11.2.2). */
static const u32 fixed_msrs[] = {
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000, MSR_MTRRfix4K_D0000,
	MSR_MTRRfix4K_D8000, MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
};

/* Vol. 3A §4.1.4: without leaf 80000008H, 36 bits if PAE, else 32. */
static unsigned int max_phys_addr(void)
{
	unsigned int bits = 0;

	if (cpuid_eax(0x80000000) >= 0x80000008)
		bits = cpuid_eax(0x80000008) & 0xff;
	if (bits >= 32 && bits <= 52)
		return bits;
	return cpuid_edx(1) & CPUID_1_EDX_PAE ? 36 : 32;
}

void vmxscope_mtrr_read(struct vmxscope_mtrr_state *s)
{
	unsigned int i, j;
	u64 cap, def, val;

	BUILD_BUG_ON(ARRAY_SIZE(fixed_msrs) * 8 != sizeof(s->fixed));

	memset(s, 0, sizeof(*s));
	s->phys_mask = (1ULL << max_phys_addr()) - 1;

	/*
	 * No MTRRs (§11.11.1): PAT/PCD/PWT alone give the type.  WB is the
	 * type that leaves them in charge, as MTRR type (§11.5.2.2, Table
	 * 11-7) and as EPT type (Vol. 3C §28.2.7.2, "Memory Type Used for
	 * Translated Guest-Physical Addresses"): WB everywhere.
	 */
	if (!(cpuid_edx(1) & CPUID_1_EDX_MTRR)) {
		s->enabled = true;
		s->def_type = MTRR_TYPE_WRBACK;
		return;
	}

	rdmsrl(MSR_MTRRcap, cap);
	rdmsrl(MSR_MTRRdefType, def);
	s->enabled = def & DEF_TYPE_E;
	s->fixed_enabled = (def & DEF_TYPE_FE) && (cap & MTRRCAP_FIX);
	s->def_type = def & DEF_TYPE_TYPE;

	/* The fixed-range MSRs exist only if MTRRCAP.FIX (§11.11.1). */
	if (cap & MTRRCAP_FIX) {
		for (i = 0; i < ARRAY_SIZE(fixed_msrs); i++) {
			rdmsrl(fixed_msrs[i], val);
			for (j = 0; j < 8; j++)
				s->fixed[i * 8 + j] = val >> (j * 8);
		}
	}

	s->nr_var = cap & MTRRCAP_VCNT;
	if (s->nr_var > VMXSCOPE_MTRR_MAX_VAR) {
		pr_warn_once("%u variable MTRRs, using the first %u\n",
			     s->nr_var, VMXSCOPE_MTRR_MAX_VAR);
		s->nr_var = VMXSCOPE_MTRR_MAX_VAR;
	}
	for (i = 0; i < s->nr_var; i++) {
		rdmsrl(MTRRphysBase_MSR(i), s->var[i].base);
		rdmsrl(MTRRphysMask_MSR(i), s->var[i].mask);
	}
}
