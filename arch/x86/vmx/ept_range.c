// SPDX-License-Identifier: GPL-2.0
/*
 * The top of the EPT identity map (ept.c).  Pure logic: also built by
 * tools/testing/unit.
 */
#include "ept_range.h"

#define SZ_1G_	(1ULL << 30)
#define SZ_4G_	(4ULL << 30)

/*
 * With 1 GiB pages, the whole physical address space (MAXPHYADDR,
 * CPUID.80000008H:EAX[7:0]): at most 2 MiB of tables.  Without, 2 MiB
 * leaves cost 512 times more: then only up to the end of what iomem shows
 * (RAM, PCI windows), at least 4 GiB, in whole GiB.  Either way no more
 * than the 4-level walk translates (SDM 29.3.2): a MAXPHYADDR of 52
 * would otherwise wrap the PML4 index onto low memory.
 */
u64 vmxscope_ept_top(unsigned int phys_bits, bool pages_1g, u64 iomem_end)
{
	unsigned int bits = phys_bits < VMXSCOPE_EPT_4LEVEL_BITS ?
			    phys_bits : VMXSCOPE_EPT_4LEVEL_BITS;
	u64 top = 1ULL << bits, end;

	if (pages_1g)
		return top;
	end = iomem_end > SZ_4G_ ? iomem_end : SZ_4G_;
	end = (end + SZ_1G_ - 1) & ~(SZ_1G_ - 1);
	return end < top ? end : top;
}
