// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest helper: on load, tries writes the CPU must refuse with #GP,
 * each under an exception fixup, on one CPU, and reports per case 'G'
 * (#GP) or 'o' (taken, then undone) in the parameter "results".  The
 * insn_exact selftest loads it with vmxscope loaded and not, and
 * compares: a vmxscope that emulates a write must fault exactly where
 * the CPU does.
 */
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/special_insns.h>

static char results[64];
module_param_string(results, results, sizeof(results), 0444);
MODULE_PARM_DESC(results, "one character per case: G for #GP, o for taken");

/* Setting CR4.VMXE: 'o' where CPUID shows VMX, 'G' where it does not. */
static char vmxe[2];
module_param_string(vmxe, vmxe, sizeof(vmxe), 0444);
MODULE_PARM_DESC(vmxe, "G if setting CR4.VMXE faulted, o if it was taken (then undone)");

/* XSETBV with a fixup: 0 or -EIO (Linux has no xsetbv_safe). */
static int xsetbv_safe(u32 index, u64 value)
{
	int err = -EIO;

	asm volatile("1: xsetbv\n\t"
		     "xor %k[err], %k[err]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [err] "+r" (err)
		     : "a" ((u32)value), "d" ((u32)(value >> 32)), "c" (index));
	return err;
}

/* MOV to CR4 with a fixup: 0 or -EIO. */
static int write_cr4_safe(unsigned long val)
{
	int err = -EIO;

	asm volatile("1: mov %[val], %%cr4\n\t"
		     "xor %k[err], %k[err]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [err] "+r" (err)
		     : [val] "r" (val) : "memory");
	return err;
}

static char try_cr4_vmxe(void)
{
	unsigned long cr4 = native_read_cr4();

	if (cr4 & X86_CR4_VMXE)
		return '?';	/* VT-x in use: not a test of this */
	if (write_cr4_safe(cr4 | X86_CR4_VMXE))
		return 'G';
	write_cr4_safe(cr4);
	return 'o';
}

/* One WRMSR that should fault; if it did not, the old value goes back. */
static char try_wrmsr(u32 msr, u64 val)
{
	u64 old;

	if (rdmsrl_safe(msr, &old))
		return '?';
	if (wrmsrl_safe(msr, val))
		return 'G';
	wrmsrl(msr, old);
	return 'o';
}

static char try_xsetbv(u64 val)
{
	u64 old = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	if (xsetbv_safe(XCR_XFEATURE_ENABLED_MASK, val))
		return 'G';
	xsetbv(XCR_XFEATURE_ENABLED_MASK, old);
	return 'o';
}

static int __init gp_test_init(void)
{
	u64 efer, pat, xcr0;
	int i = 0;

	preempt_disable();
	rdmsrl(MSR_EFER, efer);
	rdmsrl(MSR_IA32_CR_PAT, pat);
	results[i++] = try_wrmsr(MSR_EFER, efer | BIT_ULL(12));	/* AMD's SVME */
	results[i++] = try_wrmsr(MSR_EFER, efer | BIT_ULL(14));	/* AMD's FFXSR */
	results[i++] = try_wrmsr(MSR_EFER, efer | BIT_ULL(21));	/* AMD's AUTOIBRS */
	results[i++] = try_wrmsr(MSR_EFER, efer ^ EFER_LME);	/* under paging */
	results[i++] = try_wrmsr(MSR_IA32_CR_PAT, (pat & ~0xffULL) | 2);
	results[i++] = try_wrmsr(MSR_IA32_DEBUGCTLMSR, BIT_ULL(2));
	results[i++] = try_wrmsr(MSR_IA32_DEBUGCTLMSR, BIT_ULL(16));
	results[i++] = try_wrmsr(MSR_FS_BASE, 0x0000800000000000ULL);
	results[i++] = try_wrmsr(MSR_GS_BASE, 0x8000000000000000ULL);
	results[i++] = try_wrmsr(MSR_IA32_SYSENTER_EIP, 0x00f0000000000000ULL);
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		results[i++] = try_xsetbv(xcr0 & ~1ULL);	/* no x87 */
		results[i++] = try_xsetbv(xcr0 | BIT_ULL(63));	/* reserved */
		results[i++] = try_xsetbv(xcr0);		/* valid */
	}
	results[i] = '\0';
	vmxe[0] = try_cr4_vmxe();
	preempt_enable();
	return 0;
}

static void __exit gp_test_exit(void)
{
}

module_init(gp_test_init);
module_exit(gp_test_exit);
MODULE_DESCRIPTION("vmxscope selftest helper: writes that must #GP");
MODULE_LICENSE("GPL");
