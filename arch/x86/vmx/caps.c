// SPDX-License-Identifier: GPL-2.0
/*
 * Capability checks before any CPU is touched (seed book §2.5): each
 * refusal is one dmesg line naming the cause and a distinct errno.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "controls.h"
#include "vmx.h"

struct vmxscope_config vmxscope_cfg;

/* One set of controls: what vmxscope needs, what it uses when offered. */
struct ctl_want {
	const char *name;
	u32 msr, true_msr;
	u32 required, optional;
	u32 *result;
	unsigned int idx;	/* VMXSCOPE_CTL_* */
};

/*
 * Instructions Linux executes that fault in VMX non-root unless their
 * secondary control is set (SDM 25.3): required when the host uses them.
 */
static u32 proc2_needed_by_host(void)
{
	u32 need = 0;

	if (boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID))
		need |= SECONDARY_EXEC_ENABLE_RDTSCP;
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		need |= SECONDARY_EXEC_ENABLE_INVPCID;
	if (boot_cpu_has(X86_FEATURE_XSAVES))
		need |= SECONDARY_EXEC_XSAVES;
	if (boot_cpu_has(X86_FEATURE_WAITPKG))
		need |= SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE;
	return need;
}

static int adjust(const struct ctl_want *w, bool true_ctls)
{
	u32 missing;
	u64 cap;

	vmxscope_cfg.ctl_required[w->idx] = w->required;
	vmxscope_cfg.ctl_optional[w->idx] = w->optional;
	rdmsrl(true_ctls && w->true_msr ? w->true_msr : w->msr, cap);
	if (vmxscope_adjust_controls(w->required, w->optional, cap, w->result,
				   &missing)) {
		pr_err("%s controls %#x required but not allowed-1 (capability %#llx)\n",
		       w->name, missing, cap);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_controls(bool true_ctls)
{
	struct vmxscope_config *c = &vmxscope_cfg;
	const struct ctl_want wants[] = {
		/* NMIs are the guest's, injected back (nmi.c, SDM 25.6.1). */
		{ "pin-based", MSR_IA32_VMX_PINBASED_CTLS,
		  MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		  PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS, 0, &c->pin,
		  VMXSCOPE_CTL_PIN },
		{ "primary processor-based", MSR_IA32_VMX_PROCBASED_CTLS,
		  MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		  CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_USE_IO_BITMAPS |
		  CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0, &c->proc,
		  VMXSCOPE_CTL_PROC },
		{ "secondary processor-based", MSR_IA32_VMX_PROCBASED_CTLS2, 0,
		  SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
		  proc2_needed_by_host(),
		  SECONDARY_EXEC_UNRESTRICTED_GUEST, &c->proc2,
		  VMXSCOPE_CTL_PROC2 },
		/* SDM 25.7.1: keep DR7/DEBUGCTL, PAT and EFER per side. */
		{ "VM-exit", MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
		  VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_DEBUG_CONTROLS |
		  VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT |
		  VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER, 0, &c->exit,
		  VMXSCOPE_CTL_EXIT },
		{ "VM-entry", MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
		  VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_DEBUG_CONTROLS |
		  VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_IA32_EFER, 0, &c->entry,
		  VMXSCOPE_CTL_ENTRY },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(wants); i++) {
		ret = adjust(&wants[i], true_ctls);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * vmxscope's design needs EPT (one identity map for all CPUs) and VPID (no
 * TLB flush on every exit); say so by name rather than as a control bit.
 */
static int check_ept_vpid_controls(bool true_ctls)
{
	u64 proc, proc2 = 0;

	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, proc);
	if ((proc >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, proc2);
	if (!((proc2 >> 32) & SECONDARY_EXEC_ENABLE_EPT)) {
		pr_err("CPU lacks EPT, which vmxscope requires (one EPT identity map)\n");
		return -EOPNOTSUPP;
	}
	if (!((proc2 >> 32) & SECONDARY_EXEC_ENABLE_VPID)) {
		pr_err("CPU lacks VPID, which vmxscope requires (no TLB flush per exit)\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* SDM A.10: EPT and VPID capabilities vmxscope relies on. */
static int check_ept_vpid(void)
{
	static const struct { u64 bit; const char *what; } need[] = {
		{ VMX_EPT_PAGE_WALK_4_BIT, "4-level EPT walk" },
		{ VMX_EPT_2MB_PAGE_BIT, "2 MiB EPT pages" },
		{ VMX_EPT_INVEPT_BIT, "INVEPT" },
		{ (u64)VMX_VPID_INVVPID_BIT << 32, "INVVPID" },
	};
	u64 cap;
	unsigned int i;

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, cap);
	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!(cap & need[i].bit)) {
			pr_err("EPT/VPID capability missing: %s (IA32_VMX_EPT_VPID_CAP %#llx)\n",
			       need[i].what, cap);
			return -EOPNOTSUPP;
		}
	}
	if (!(cap & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT)) ||
	    !(cap & ((u64)(VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
			   VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT) << 32))) {
		pr_err("no usable INVEPT/INVVPID type (IA32_VMX_EPT_VPID_CAP %#llx)\n",
		       cap);
		return -EOPNOTSUPP;
	}
	vmxscope_cfg.ept_vpid_cap = cap;
	vmxscope_cfg.invept_single = cap & VMX_EPT_EXTENT_CONTEXT_BIT;
	vmxscope_cfg.invvpid_single = cap &
		((u64)VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32);
	return 0;
}

/* For VMXSCOPE_GET_CONTROLS: what check_controls() decided, and from what. */
void vmxscope_get_controls(struct vmxscope_controls *c)
{
	const struct vmxscope_config *cfg = &vmxscope_cfg;

	c->nr = VMXSCOPE_NR_CTLS;
	c->value[VMXSCOPE_CTL_PIN] = cfg->pin;
	c->value[VMXSCOPE_CTL_PROC] = cfg->proc;
	c->value[VMXSCOPE_CTL_PROC2] = cfg->proc2;
	c->value[VMXSCOPE_CTL_EXIT] = cfg->exit;
	c->value[VMXSCOPE_CTL_ENTRY] = cfg->entry;
	memcpy(c->required, cfg->ctl_required, sizeof(cfg->ctl_required));
	memcpy(c->optional, cfg->ctl_optional, sizeof(cfg->ctl_optional));
}

/*
 * Memory traps step one instruction, with the monitor trap flag if the
 * CPU has it (else RFLAGS.TF, exit_mem.c), and take external interrupts
 * as exits meanwhile (SDM A.3.1-A.3.2).  Without interrupt exiting,
 * memory traps are refused (EOPNOTSUPP, VMXSCOPE_CAP_MEM_TRAPS clear).
 */
static void check_mem_traps(bool true_ctls)
{
	u64 pin, proc;

	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
	       MSR_IA32_VMX_PINBASED_CTLS, pin);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, proc);
	vmxscope_cfg.mem_traps = (pin >> 32) & PIN_BASED_EXT_INTR_MASK;
	vmxscope_cfg.mem_mtf = (proc >> 32) & CPU_BASED_MONITOR_TRAP_FLAG;
	vmxscope_cfg.mem_timer = (pin >> 32) & PIN_BASED_VMX_PREEMPTION_TIMER;
}

/* Called once on the loading CPU, before any CPU enters VMX. */
int vmxscope_caps_check(void)
{
	u64 basic;
	int ret;

	/*
	 * SDM 24.6, seed book §2.5.1: CPUID.1:ECX.VMX[bit 5], read raw since
	 * Linux clears its own flag when firmware disabled VMX.
	 */
	if (!(cpuid_ecx(1) & BIT(5))) {
		pr_err("CPU has no VMX (CPUID.1:ECX.VMX = 0)\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	/* SDM A.1: VMCS memory type WB, and no 32-bit address limit. */
	if ((basic & VMX_BASIC_64) ||
	    ((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB) {
		pr_err("unsupported IA32_VMX_BASIC %#llx (needs WB VMCS, 64-bit addresses)\n",
		       basic);
		return -EOPNOTSUPP;
	}
	vmxscope_cfg.revision_id = basic & 0x7fffffff;

	ret = check_ept_vpid_controls(basic & VMX_BASIC_TRUE_CTLS);
	if (ret)
		return ret;
	ret = check_controls(basic & VMX_BASIC_TRUE_CTLS);
	if (ret)
		return ret;
	ret = check_ept_vpid();
	if (ret)
		return ret;
	check_mem_traps(basic & VMX_BASIC_TRUE_CTLS);

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmxscope_cfg.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmxscope_cfg.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmxscope_cfg.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmxscope_cfg.cr4_fixed1);
	return vmxscope_cpu_check();
}

/*
 * Per CPU, with preemption off: feature control, CR fixed bits, and VMX not
 * already in use (CR4.VMXE, e.g. KVM running a VM).  The real CR4 is read,
 * not Linux's shadow of it.
 */
int vmxscope_cpu_check(void)
{
	struct vmxscope_config *c = &vmxscope_cfg;
	u64 fc, bad;
	unsigned long cr4 = native_read_cr4();

	/* SDM 24.7, seed book §2.3.2.1: locked, VMXON outside SMX allowed. */
	rdmsrl(MSR_IA32_FEAT_CTL, fc);
	if (!(fc & FEAT_CTL_LOCKED) || !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("CPU %d: VMX disabled by firmware (IA32_FEATURE_CONTROL %#llx: %s)\n",
		       smp_processor_id(), fc, fc & FEAT_CTL_LOCKED ?
		       "locked without VMXON outside SMX" : "not locked");
		return -EOPNOTSUPP;
	}
	if (cr4 & X86_CR4_VMXE) {
		pr_err("CPU %d: VMX already in use (CR4.VMXE set, e.g. by KVM)\n",
		       smp_processor_id());
		return -EBUSY;
	}
	bad = vmxscope_cr_violations(native_read_cr0(), c->cr0_fixed0,
				   c->cr0_fixed1);
	if (bad) {
		pr_err("CPU %d: CR0 %#lx bits %#llx outside IA32_VMX_CR0_FIXED0/1\n",
		       smp_processor_id(), native_read_cr0(), bad);
		return -EOPNOTSUPP;
	}
	/* CR4.VMXE is set on VMXON itself, so FIXED0's VMXE is not checked. */
	bad = vmxscope_cr_violations(cr4 | X86_CR4_VMXE, c->cr4_fixed0,
				   c->cr4_fixed1);
	if (bad) {
		pr_err("CPU %d: CR4 %#lx bits %#llx outside IA32_VMX_CR4_FIXED0/1\n",
		       smp_processor_id(), cr4, bad);
		return -EOPNOTSUPP;
	}
	return 0;
}
