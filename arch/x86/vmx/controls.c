// SPDX-License-Identifier: GPL-2.0
/*
 * The allowed-0/allowed-1 algorithm for VMX controls and the fixed bits of
 * CR0/CR4.  Pure logic: also built by tools/testing/unit.
 */
#ifdef __KERNEL__
#include <linux/errno.h>

#include "root.h"
#endif
#include "controls.h"

/*
 * SDM A.3-A.5, seed book §2.5.5.2: in a capability MSR, bit n of the low
 * half set means control n must be 1 (allowed-0 = 0), bit n of the high
 * half clear means it must be 0 (allowed-1 = 0).  Optional controls the
 * CPU cannot set are dropped; required ones make the whole setting fail
 * with the missing bits in *missing.  Must-be-1 ("default1") bits are set.
 */
int vmxscope_adjust_controls(u32 required, u32 optional, u64 cap, u32 *result,
			   u32 *missing)
{
	u32 must_be_1 = (u32)cap;
	u32 may_be_1 = (u32)(cap >> 32);

	*missing = required & ~may_be_1;
	*result = ((required | optional) & may_be_1) | must_be_1;
	return *missing ? -EOPNOTSUPP : 0;
}

/*
 * SDM A.7-A.8, seed book §2.5.10.1: a bit set in FIXED0 must be 1 in the
 * register, a bit clear in FIXED1 must be 0.  Returns the offending bits.
 */
__root u64 vmxscope_cr_violations(u64 value, u64 fixed0, u64 fixed1)
{
	return (fixed0 & ~value) | (value & ~fixed1);
}
