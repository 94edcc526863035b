// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the EPT map's extent (arch/x86/vmx/ept_range.c). */
#include "../../../arch/x86/vmx/ept_range.h"
#include "unit.h"

#define GiB	(1ULL << 30)

/* 1 GiB pages: all of MAXPHYADDR, but never past the 4-level walk. */
static void test_1g_pages_cover_maxphyaddr(void)
{
	EXPECT_EQ(1ULL << 39, vmxscope_ept_top(39, true, 0));
	EXPECT_EQ(1ULL << 46, vmxscope_ept_top(46, true, 8 * GiB));
	EXPECT_EQ(1ULL << 48, vmxscope_ept_top(48, true, 0));
	/* Servers report 52: a 4-level walk stops at 48 rather than wrap. */
	EXPECT_EQ(1ULL << 48, vmxscope_ept_top(52, true, 0));
	EXPECT_EQ(1ULL << 48, vmxscope_ept_top(52, true, 1ULL << 50));
}

/* 2 MiB pages: up to iomem's end in whole GiB, at least 4 GiB. */
static void test_2m_pages_follow_iomem(void)
{
	EXPECT_EQ(4 * GiB, vmxscope_ept_top(46, false, 512ULL << 20));
	EXPECT_EQ(4 * GiB, vmxscope_ept_top(46, false, 4 * GiB));
	EXPECT_EQ(5 * GiB, vmxscope_ept_top(46, false, 4 * GiB + 1));
	EXPECT_EQ(1ULL << 36, vmxscope_ept_top(36, false, 1ULL << 40));
	EXPECT_EQ(1ULL << 48, vmxscope_ept_top(52, false, 1ULL << 51));
	EXPECT_EQ(2ULL << 40, vmxscope_ept_top(52, false, (2ULL << 40) - 5));
}

int main(void)
{
	RUN(test_1g_pages_cover_maxphyaddr);
	RUN(test_2m_pages_follow_iomem);
	return unit_done();
}
