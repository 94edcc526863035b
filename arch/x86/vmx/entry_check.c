// SPDX-License-Identifier: GPL-2.0
/*
 * The checks VM entry makes before it loads anything (SDM Vol. 3C 27.2,
 * 27.3.1), in software, over a snapshot of the VMCS: the first rule the
 * snapshot breaks, named with its SDM section and the field it
 * constrains.  Pure logic: also built by tools/testing/unit.
 *
 * Order: VM-execution, VM-exit, VM-entry controls (VM-instruction error
 * 7), host state (error 8), guest state (exit reason 33), as the SDM
 * lists them.  Not checked: what needs guest memory (the VMCS link
 * pointer's revision ID, MSR-load lists, PDPTEs of PAE paging), SMM and
 * dual-monitor details, virtual-8086 segment rules, CET, PKS, LBR and
 * perf-global controls.
 */
#include "entry_check_int.h"

/* SDM 27.2.1.1: VM-execution control fields. */
static int check_exec(struct ec_ctx *c)
{
	const struct vmxscope_ec_caps *cap = c->cap;

	if (bad_ctls(c->pin, cap->pin))
		return FAIL(PIN_RSVD, PIN_BASED_VM_EXEC_CONTROL);
	if (bad_ctls(c->proc, cap->proc))
		return FAIL(PROC_RSVD, CPU_BASED_VM_EXEC_CONTROL);
	if ((c->proc & PROC_SECONDARY) && bad_ctls(c->proc2, cap->proc2))
		return FAIL(PROC2_RSVD, SECONDARY_VM_EXEC_CONTROL);
	if (F(CR3_TARGET_COUNT) > ((cap->misc >> 16) & 0x1ff))
		return FAIL(CR3_TARGET_COUNT, CR3_TARGET_COUNT);
	if (c->proc & PROC_IO_BITMAPS) {
		if (bad_addr(c, F(IO_BITMAP_A), 4096))
			return FAIL(IO_BITMAP, IO_BITMAP_A);
		if (bad_addr(c, F(IO_BITMAP_B), 4096))
			return FAIL(IO_BITMAP, IO_BITMAP_B);
	}
	if ((c->proc & PROC_MSR_BITMAPS) && bad_addr(c, F(MSR_BITMAP), 4096))
		return FAIL(MSR_BITMAP, MSR_BITMAP);
	if (c->proc & PROC_TPR_SHADOW) {
		if (bad_addr(c, F(VIRTUAL_APIC_PAGE_ADDR), 4096))
			return FAIL(VAPIC_ADDR, VIRTUAL_APIC_PAGE_ADDR);
		if (!(c->proc2 & PROC2_VID) && (F(TPR_THRESHOLD) & ~0xfULL))
			return FAIL(TPR_THRESHOLD, TPR_THRESHOLD);
	}
	if ((c->pin & PIN_VIRTUAL_NMIS) && !(c->pin & PIN_NMI_EXIT))
		return FAIL(VNMI_NEEDS_NMI_EXIT, PIN_BASED_VM_EXEC_CONTROL);
	if ((c->proc & PROC_NMI_WINDOW) && !(c->pin & PIN_VIRTUAL_NMIS))
		return FAIL(NMI_WINDOW_NEEDS_VNMI, CPU_BASED_VM_EXEC_CONTROL);
	if ((c->proc2 & PROC2_APIC_ACCESS) &&
	    bad_addr(c, F(APIC_ACCESS_ADDR), 4096))
		return FAIL(APIC_ACCESS_ADDR, APIC_ACCESS_ADDR);
	if ((c->proc2 & PROC2_X2APIC) && (c->proc2 & PROC2_APIC_ACCESS))
		return FAIL(X2APIC_VS_APIC_ACCESS, SECONDARY_VM_EXEC_CONTROL);
	if ((c->proc2 & PROC2_VID) && !(c->pin & PIN_EXT_INT_EXIT))
		return FAIL(VID_NEEDS_EXT_INT_EXIT, PIN_BASED_VM_EXEC_CONTROL);
	if ((c->proc2 & PROC2_VPID) && !F(VIRTUAL_PROCESSOR_ID))
		return FAIL(VPID_ZERO, VIRTUAL_PROCESSOR_ID);
	if (c->proc2 & PROC2_EPT) {
		u64 eptp = F(EPT_POINTER), mt = eptp & 7, walk = (eptp >> 3) & 7;

		if (!((mt == 0 && (cap->ept_vpid_cap & EPT_CAP_UC)) ||
		      (mt == 6 && (cap->ept_vpid_cap & EPT_CAP_WB))))
			return FAIL(EPTP_MEMTYPE, EPT_POINTER);
		if (!((walk == 3 && (cap->ept_vpid_cap & EPT_CAP_WALK4)) ||
		      (walk == 4 && (cap->ept_vpid_cap & EPT_CAP_WALK5))))
			return FAIL(EPTP_WALK, EPT_POINTER);
		if ((eptp & (1 << 6)) && !(cap->ept_vpid_cap & EPT_CAP_AD))
			return FAIL(EPTP_AD, EPT_POINTER);
		if ((eptp & 0xf80) || above_maxphy(c, eptp))
			return FAIL(EPTP_RSVD, EPT_POINTER);
	}
	if (c->proc2 & PROC2_PML) {
		if (!(c->proc2 & PROC2_EPT))
			return FAIL(PML_NEEDS_EPT, SECONDARY_VM_EXEC_CONTROL);
		if (bad_addr(c, F(PML_ADDRESS), 4096))
			return FAIL(PML_ADDR, PML_ADDRESS);
	}
	if ((c->proc2 & PROC2_UG) && !(c->proc2 & PROC2_EPT))
		return FAIL(UG_NEEDS_EPT, SECONDARY_VM_EXEC_CONTROL);
	if (c->proc2 & PROC2_SHADOW_VMCS) {
		if (bad_addr(c, F(VMREAD_BITMAP), 4096))
			return FAIL(SHADOW_BITMAPS, VMREAD_BITMAP);
		if (bad_addr(c, F(VMWRITE_BITMAP), 4096))
			return FAIL(SHADOW_BITMAPS, VMWRITE_BITMAP);
	}
	return 0;
}

/* SDM 27.2.1.2: VM-exit control fields. */
static int check_exit(struct ec_ctx *c)
{
	if (bad_ctls(c->exit, c->cap->exit))
		return FAIL(EXIT_RSVD, VM_EXIT_CONTROLS);
	if ((c->exit & EXIT_SAVE_PREEMPT) && !(c->pin & PIN_PREEMPT_TIMER))
		return FAIL(SAVE_PREEMPT_TIMER, VM_EXIT_CONTROLS);
	if (F(VM_EXIT_MSR_STORE_COUNT) &&
	    bad_addr(c, F(VM_EXIT_MSR_STORE_ADDR), 16))
		return FAIL(EXIT_MSR_STORE, VM_EXIT_MSR_STORE_ADDR);
	if (F(VM_EXIT_MSR_LOAD_COUNT) &&
	    bad_addr(c, F(VM_EXIT_MSR_LOAD_ADDR), 16))
		return FAIL(EXIT_MSR_LOAD, VM_EXIT_MSR_LOAD_ADDR);
	return 0;
}

/* Exceptions that push an error code (SDM 6.3.1): 8, 10-14, 17, 21. */
static bool exc_has_error(unsigned int vector)
{
	return vector < 32 && ((1U << vector) & 0x227d00);
}

/* SDM 27.2.1.3: VM-entry control fields, event injection. */
static int check_entry(struct ec_ctx *c)
{
	u32 inj = c->inj, type = INJ_TYPE(inj), vec = INJ_VECTOR(inj);
	bool want_error;

	if (bad_ctls(c->entry, c->cap->entry))
		return FAIL(ENTRY_RSVD, VM_ENTRY_CONTROLS);
	if (inj) {
		if (type == INJ_RSVD_TYPE ||
		    (type == INJ_OTHER && !((c->cap->proc >> 32) & PROC_MTF)))
			return FAIL(INJ_TYPE, VM_ENTRY_INTR_INFO_FIELD);
		if (type == INJ_NMI && vec != 2)
			return FAIL(INJ_NMI_VECTOR, VM_ENTRY_INTR_INFO_FIELD);
		if (type == INJ_HW_EXC && vec > 31)
			return FAIL(INJ_EXC_VECTOR, VM_ENTRY_INTR_INFO_FIELD);
		if (type == INJ_OTHER && vec)
			return FAIL(INJ_OTHER_VECTOR, VM_ENTRY_INTR_INFO_FIELD);
		want_error = type == INJ_HW_EXC && exc_has_error(vec) &&
			     (!c->ug || (F(GUEST_CR0) & CR0_PE));
		if (want_error != !!(inj & INJ_HAS_ERROR))
			return FAIL(INJ_ERRCODE, VM_ENTRY_INTR_INFO_FIELD);
		if (inj & 0x7ffff000)
			return FAIL(INJ_RSVD, VM_ENTRY_INTR_INFO_FIELD);
		if ((inj & INJ_HAS_ERROR) &&
		    (F(VM_ENTRY_EXCEPTION_ERROR_CODE) & 0xffff0000))
			return FAIL(INJ_ERRCODE_RSVD,
				    VM_ENTRY_EXCEPTION_ERROR_CODE);
		if ((type == INJ_SW_INT || type == INJ_PRIV_SW_EXC ||
		     type == INJ_SW_EXC) &&
		    (F(VM_ENTRY_INSTRUCTION_LEN) > 15 ||
		     (!F(VM_ENTRY_INSTRUCTION_LEN) &&
		      !(c->cap->misc & (1ULL << 30)))))
			return FAIL(INJ_INSN_LEN, VM_ENTRY_INSTRUCTION_LEN);
	}
	if (F(VM_ENTRY_MSR_LOAD_COUNT) &&
	    bad_addr(c, F(VM_ENTRY_MSR_LOAD_ADDR), 16))
		return FAIL(ENTRY_MSR_LOAD, VM_ENTRY_MSR_LOAD_ADDR);
	if (c->entry & (ENTRY_SMM | ENTRY_DUAL_MONITOR))
		return FAIL(ENTRY_SMM, VM_ENTRY_CONTROLS);
	return 0;
}

static const enum vmxscope_ec_field host_sels[] = {
	VMXSCOPE_EC_HOST_ES_SELECTOR, VMXSCOPE_EC_HOST_CS_SELECTOR,
	VMXSCOPE_EC_HOST_SS_SELECTOR, VMXSCOPE_EC_HOST_DS_SELECTOR,
	VMXSCOPE_EC_HOST_FS_SELECTOR, VMXSCOPE_EC_HOST_GS_SELECTOR,
	VMXSCOPE_EC_HOST_TR_SELECTOR,
};

static const enum vmxscope_ec_field host_bases[] = {
	VMXSCOPE_EC_HOST_FS_BASE, VMXSCOPE_EC_HOST_GS_BASE,
	VMXSCOPE_EC_HOST_GDTR_BASE, VMXSCOPE_EC_HOST_IDTR_BASE,
	VMXSCOPE_EC_HOST_TR_BASE,
};

/* SDM 27.2.2-27.2.4: host state. */
static int check_host(struct ec_ctx *c)
{
	const struct vmxscope_ec_caps *cap = c->cap;
	bool host64 = c->exit & EXIT_HOST_64;
	unsigned int i;

	if (F(HOST_CR0) & ~cap->cr0_fixed1 ||
	    (cap->cr0_fixed0 & ~F(HOST_CR0)))
		return FAIL(HOST_CR0_FIXED, HOST_CR0);
	if (F(HOST_CR4) & ~cap->cr4_fixed1 ||
	    (cap->cr4_fixed0 & ~F(HOST_CR4)))
		return FAIL(HOST_CR4_FIXED, HOST_CR4);
	if (above_maxphy(c, F(HOST_CR3)))
		return FAIL(HOST_CR3_MAXPHY, HOST_CR3);
	if (!canonical(c, F(HOST_IA32_SYSENTER_ESP)))
		return FAIL(HOST_SYSENTER_CANON, HOST_IA32_SYSENTER_ESP);
	if (!canonical(c, F(HOST_IA32_SYSENTER_EIP)))
		return FAIL(HOST_SYSENTER_CANON, HOST_IA32_SYSENTER_EIP);
	if ((c->exit & EXIT_LOAD_PAT) && bad_pat(F(HOST_IA32_PAT)))
		return FAIL(HOST_PAT, HOST_IA32_PAT);
	if (c->exit & EXIT_LOAD_EFER) {
		u64 efer = F(HOST_IA32_EFER);

		if (efer & ~EFER_VALID)
			return FAIL(HOST_EFER_RSVD, HOST_IA32_EFER);
		if (!!(efer & EFER_LMA) != host64 ||
		    !!(efer & EFER_LME) != host64)
			return FAIL(HOST_EFER_LMA, HOST_IA32_EFER);
	}

	/* 27.2.3 */
	for (i = 0; i < ARRAY_SIZE(host_sels); i++)
		if (c->s->f[host_sels[i]] & 7)
			return FAIL_AT(HOST_SEL_RPL_TI, host_sels[i]);
	if (!F(HOST_CS_SELECTOR))
		return FAIL(HOST_CS_NULL, HOST_CS_SELECTOR);
	if (!F(HOST_TR_SELECTOR))
		return FAIL(HOST_TR_NULL, HOST_TR_SELECTOR);
	if (!host64 && !F(HOST_SS_SELECTOR))
		return FAIL(HOST_SS_NULL, HOST_SS_SELECTOR);
	for (i = 0; i < ARRAY_SIZE(host_bases); i++)
		if (!canonical(c, c->s->f[host_bases[i]]))
			return FAIL_AT(HOST_BASE_CANON, host_bases[i]);

	/* 27.2.4 */
	if (cap->ia32e && !host64)
		return FAIL(HOST_ADDR_SIZE, VM_EXIT_CONTROLS);
	if (host64) {
		if (!(F(HOST_CR4) & CR4_PAE))
			return FAIL(HOST_ADDR_SIZE_PAE, HOST_CR4);
		if (!canonical(c, F(HOST_RIP)))
			return FAIL(HOST_RIP_CANON, HOST_RIP);
	} else {
		if (c->ia32e)
			return FAIL(HOST_32_NO_IA32E_GUEST, VM_ENTRY_CONTROLS);
		if (F(HOST_RIP) >> 32)
			return FAIL(HOST_32_NO_IA32E_GUEST, HOST_RIP);
	}
	return 0;
}

enum vmxscope_ec_rule vmxscope_entry_check(const struct vmxscope_ec_snapshot *s,
				       struct vmxscope_ec_verdict *verdict)
{
	int (*const checks[])(struct ec_ctx *c) = {
		check_exec, check_exit, check_entry, check_host,
		vmxscope_ec_check_guest_regs, vmxscope_ec_check_guest_segs,
		vmxscope_ec_check_guest_dt_rip, vmxscope_ec_check_guest_nonreg,
	};
	struct ec_ctx ctx = { .s = s, .v = verdict, .cap = &s->caps }, *c = &ctx;
	unsigned int i;
	u32 inj;

	memset(verdict, 0, sizeof(*verdict));
	c->pin = F(PIN_BASED_VM_EXEC_CONTROL);
	c->proc = F(CPU_BASED_VM_EXEC_CONTROL);
	c->proc2 = c->proc & PROC_SECONDARY ? F(SECONDARY_VM_EXEC_CONTROL) : 0;
	c->exit = F(VM_EXIT_CONTROLS);
	c->entry = F(VM_ENTRY_CONTROLS);
	inj = F(VM_ENTRY_INTR_INFO_FIELD);
	c->inj = inj & INJ_VALID ? inj : 0;
	c->ug = c->proc2 & PROC2_UG;
	c->ia32e = c->entry & ENTRY_IA32E;

	for (i = 0; i < ARRAY_SIZE(checks); i++)
		if (checks[i](c))
			break;
	return verdict->rule;
}
