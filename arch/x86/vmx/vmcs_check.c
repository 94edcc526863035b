// SPDX-License-Identifier: GPL-2.0
/*
 * The software VM-entry check (entry_check.c) on the live VMCS: before
 * VMLAUNCH, snapshot every field of the uapi table and the capability
 * MSRs, and refuse the CPU naming the first SDM 27.2/27.3 rule it breaks;
 * when the hardware fails the entry anyway, say what the check said.
 *
 * Each verdict is also one machine-readable line for the selftests:
 *   "CPU n: entry check verdict rule=NAME class=C field=0xENC hw=H"
 * with C the failure the rule predicts (7, 8: VM-instruction error; 33:
 * exit reason; 0: none) and H the hardware's ("none" before any entry).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "entry_check.h"
#include "vmcs.h"
#include "vmx.h"

#ifdef VMXSCOPE_TEST
/* Test build only (make VMXSCOPE_TEST=y): a field replaced before launch. */
static char *test_corrupt;
module_param(test_corrupt, charp, 0400);
MODULE_PARM_DESC(test_corrupt,
		 "test only: NAME:VALUE, a VMCS field (uapi table name) to corrupt before VMLAUNCH");

/* Test build only: launch without the software check, to see the hardware's. */
static bool test_skip_check;
module_param(test_skip_check, bool, 0400);
MODULE_PARM_DESC(test_skip_check,
		 "test only: skip the software VM-entry check before VMLAUNCH");
#else
static const char *const test_corrupt;
static const bool test_skip_check;
#endif

/* The snapshot taken before this CPU's last VMLAUNCH (1.4 KiB: static). */
static DEFINE_PER_CPU(struct vmxscope_ec_snapshot, ec_snap);

/* VMREAD that leaves 0 for a field this CPU does not support. */
static u64 vmread_or_zero(unsigned long field)
{
	unsigned long value;

	return vmcs_read_try(field, &value) ? 0 : value;
}

static void read_caps(struct vmxscope_ec_caps *cap)
{
	u64 basic;
	bool t;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	t = basic & VMX_BASIC_TRUE_CTLS;	/* SDM A.2 */
	rdmsrl(t ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
	       cap->pin);
	rdmsrl(t ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, cap->proc);
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, cap->proc2);
	rdmsrl(t ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
	       cap->exit);
	rdmsrl(t ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
	       cap->entry);
	rdmsrl(MSR_IA32_VMX_MISC, cap->misc);
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, cap->ept_vpid_cap);
	cap->cr0_fixed0 = vmxscope_cfg.cr0_fixed0;
	cap->cr0_fixed1 = vmxscope_cfg.cr0_fixed1;
	cap->cr4_fixed0 = vmxscope_cfg.cr4_fixed0;
	cap->cr4_fixed1 = vmxscope_cfg.cr4_fixed1;
	/* Raw CPUID: Linux may shrink x86_phys_bits for memory encryption. */
	cap->maxphyaddr = cpuid_eax(0x80000008) & 0xff;
	cap->linaddr = (cpuid_eax(0x80000008) >> 8) & 0xff;
	cap->ia32e = true;	/* a 64-bit kernel runs with EFER.LMA = 1 */
}

/* test_corrupt: the field's index and value, or -1 when unset or bad. */
static int parse_corrupt(u64 *value)
{
	char name[64], *colon;
	int idx;

	if (!test_corrupt || !*test_corrupt)
		return -1;
	colon = strchr(test_corrupt, ':');
	if (!colon || colon - test_corrupt >= sizeof(name) ||
	    kstrtoull(colon + 1, 0, value))
		goto bad;
	memcpy(name, test_corrupt, colon - test_corrupt);
	name[colon - test_corrupt] = '\0';
	idx = vmxscope_ec_field_by_name(name);
	if (idx >= 0)
		return idx;
bad:
	pr_warn("test_corrupt=%s: not NAME:VALUE of a VMCS field; ignored\n",
		test_corrupt);
	return -1;
}

static void report(int cpu, const struct vmxscope_ec_verdict *v,
		   const char *hw)
{
	if (v->rule)
		pr_err("CPU %d: VMCS would fail VM entry: %s %s: field %s = %#llx\n",
		       cpu, vmxscope_ec_rule_section(v->rule),
		       vmxscope_ec_rule_text(v->rule),
		       vmxscope_ec_field_name(v->field), v->value);
	pr_info("CPU %d: entry check verdict rule=%s class=%u field=%#x hw=%s\n",
		cpu, vmxscope_ec_rule_name(v->rule),
		vmxscope_ec_rule_class(v->rule), v->rule ? v->encoding : 0, hw);
}

/*
 * After vmxscope_vmcs_setup(), before VMLAUNCH, on this CPU: 0, or -EINVAL
 * when the VMCS breaks an SDM 27.2/27.3 rule.  RFLAGS, RSP and RIP are
 * written by vmxscope_launch() itself: the snapshot holds what it writes
 * (RFLAGS now, a kernel stack and text address), unless test_corrupt
 * names one of them.
 */
int vmxscope_vmcs_check(struct vmxscope_cpu *vc)
{
	struct vmxscope_ec_snapshot *s = this_cpu_ptr(&ec_snap);
	struct vmxscope_ec_verdict v;
	int corrupt, i;
	u64 value;

	for (i = 0; i < VMXSCOPE_EC_NR_FIELDS; i++)
		s->f[i] = vmread_or_zero(vmxscope_ec_field_encoding(i));
	s->f[VMXSCOPE_EC_GUEST_RFLAGS] = native_save_fl();
	s->f[VMXSCOPE_EC_GUEST_RSP] = current_stack_pointer;
	s->f[VMXSCOPE_EC_GUEST_RIP] = (unsigned long)vmxscope_vmcs_check;
	read_caps(&s->caps);

	corrupt = parse_corrupt(&value);
	if (corrupt >= 0) {
		pr_warn("CPU %d: test_corrupt: %s = %#llx (was %#llx)\n",
			vc->cpu, vmxscope_ec_field_name(corrupt), value,
			s->f[corrupt]);
		__vmcs_write(vmxscope_ec_field_encoding(corrupt), value);
		s->f[corrupt] = value;
	}
	if (test_skip_check)
		return 0;
	if (!vmxscope_entry_check(s, &v))
		return 0;
	report(vc->cpu, &v, "none");
	return -EINVAL;
}

/*
 * VMLAUNCH failed after all: @hw_class is the VM-instruction error, or
 * the basic exit reason of a VM-entry failure exit.  The check's verdict
 * on the same snapshot, next to it.
 */
void vmxscope_vmcs_check_failed(struct vmxscope_cpu *vc, unsigned int hw_class)
{
	struct vmxscope_ec_verdict v;
	char hw[16];

	snprintf(hw, sizeof(hw), "%u", hw_class);
	vmxscope_entry_check(this_cpu_ptr(&ec_snap), &v);
	if (!v.rule)
		pr_err("CPU %d: VM entry failed (%s) where the software check found no rule broken\n",
		       vc->cpu, hw);
	report(vc->cpu, &v, hw);
}
