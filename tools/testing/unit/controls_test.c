// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the allowed-0/allowed-1 algorithm and the CR fixed
 * bits (arch/x86/vmx/controls.c), and of the exit-reason table.
 */
#include <string.h>

#include "../../../arch/x86/vmx/controls.h"
#include <linux/vmxscope.h>
#include "unit.h"

/* A capability MSR: low half must-be-1 bits, high half may-be-1 bits. */
#define CAP(must1, may1)	(((unsigned long long)(may1) << 32) | (must1))

static void test_required_and_optional_allowed(void)
{
	u32 res, missing;

	EXPECT_EQ(0, vmxscope_adjust_controls(0x3, 0x4, CAP(0, 0xff), &res, &missing));
	EXPECT_EQ(0x7, res);
	EXPECT_EQ(0, missing);
}

static void test_default1_bits_are_forced_on(void)
{
	u32 res, missing;

	EXPECT_EQ(0, vmxscope_adjust_controls(0x1, 0, CAP(0x16, 0xff), &res, &missing));
	EXPECT_EQ(0x17, res);
}

static void test_optional_not_allowed_is_dropped(void)
{
	u32 res, missing;

	EXPECT_EQ(0, vmxscope_adjust_controls(0x1, 0x100, CAP(0, 0xff), &res, &missing));
	EXPECT_EQ(0x1, res);
}

static void test_required_not_allowed_is_refused_by_bit(void)
{
	u32 res, missing;

	EXPECT_EQ(-EOPNOTSUPP, vmxscope_adjust_controls(0x2 | 0x200, 0, CAP(0, 0xff),
						      &res, &missing));
	EXPECT_EQ(0x200, missing);
}

static void test_cr_fixed_bits(void)
{
	/* The emulated CPU's CR0 FIXED0/1 and a CR4 FIXED1 without bit 20. */
	EXPECT_EQ(0, vmxscope_cr_violations(0x80050033, 0x80000021, 0xffffffff));
	EXPECT_EQ(0x80000000, vmxscope_cr_violations(0x50033, 0x80000021, 0xffffffff));
	EXPECT_EQ(1 << 20, vmxscope_cr_violations(0x2000 | (1 << 20), 0x2000, 0xfffff));
	EXPECT_EQ(0x2000, vmxscope_cr_violations(0, 0x2000, 0xfffff));
}

#define ENTRY(nr, name)	{ nr, #name },
static void test_exit_reason_table(void)
{
	static const struct {
		int nr;
		const char *name;
	} t[] = { VMXSCOPE_EXIT_REASONS(ENTRY) };
	int n = ARRAY_SIZE(t), i, j;

	for (i = 0; i < n; i++) {
		EXPECT_TRUE(t[i].nr >= 0 && t[i].nr < VMXSCOPE_NR_EXIT_REASONS);
		for (j = i + 1; j < n; j++) {
			EXPECT_TRUE(t[i].nr != t[j].nr);
			EXPECT_TRUE(strcmp(t[i].name, t[j].name));
		}
	}
	/* Anchors from SDM Appendix C. */
	EXPECT_EQ(10, VMXSCOPE_EXIT_CPUID);
	EXPECT_EQ(11, VMXSCOPE_EXIT_GETSEC);
	EXPECT_EQ(18, VMXSCOPE_EXIT_VMCALL);
	EXPECT_EQ(27, VMXSCOPE_EXIT_VMXON);
	EXPECT_EQ(48, VMXSCOPE_EXIT_EPT_VIOLATION);
	EXPECT_EQ(55, VMXSCOPE_EXIT_XSETBV);
	EXPECT_EQ(77, VMXSCOPE_EXIT_TDCALL);
	EXPECT_EQ(74, n);
}

int main(void)
{
	RUN(test_required_and_optional_allowed);
	RUN(test_default1_bits_are_forced_on);
	RUN(test_optional_not_allowed_is_dropped);
	RUN(test_required_not_allowed_is_refused_by_bit);
	RUN(test_cr_fixed_bits);
	RUN(test_exit_reason_table);
	return unit_done();
}
