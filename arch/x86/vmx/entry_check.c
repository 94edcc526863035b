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
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#include "entry_check.h"

/* Controls (SDM 24.6-24.8, Appendix A). */
#define PIN_EXT_INT_EXIT	(1U << 0)
#define PIN_NMI_EXIT		(1U << 3)
#define PIN_VIRTUAL_NMIS	(1U << 5)
#define PIN_PREEMPT_TIMER	(1U << 6)
#define PROC_NMI_WINDOW		(1U << 22)
#define PROC_TPR_SHADOW		(1U << 21)
#define PROC_IO_BITMAPS		(1U << 25)
#define PROC_MTF		(1U << 27)
#define PROC_MSR_BITMAPS	(1U << 28)
#define PROC_SECONDARY		(1U << 31)
#define PROC2_APIC_ACCESS	(1U << 0)
#define PROC2_EPT		(1U << 1)
#define PROC2_X2APIC		(1U << 4)
#define PROC2_VPID		(1U << 5)
#define PROC2_UG		(1U << 7)
#define PROC2_VID		(1U << 9)
#define PROC2_SHADOW_VMCS	(1U << 14)
#define PROC2_PML		(1U << 17)
#define EXIT_HOST_64		(1U << 9)
#define EXIT_LOAD_PAT		(1U << 19)
#define EXIT_LOAD_EFER		(1U << 21)
#define EXIT_SAVE_PREEMPT	(1U << 22)
#define ENTRY_LOAD_DEBUG	(1U << 2)
#define ENTRY_IA32E		(1U << 9)
#define ENTRY_SMM		(1U << 10)
#define ENTRY_DUAL_MONITOR	(1U << 11)
#define ENTRY_LOAD_PAT		(1U << 14)
#define ENTRY_LOAD_EFER		(1U << 15)

/* Event injection (SDM 24.8.3). */
#define INJ_VALID		(1U << 31)
#define INJ_HAS_ERROR		(1U << 11)
#define INJ_TYPE(v)		(((v) >> 8) & 7)
#define INJ_VECTOR(v)		((v) & 0xff)
enum {
	INJ_EXT_INT, INJ_RSVD_TYPE, INJ_NMI, INJ_HW_EXC, INJ_SW_INT,
	INJ_PRIV_SW_EXC, INJ_SW_EXC, INJ_OTHER,
};

#define CR0_PE			(1ULL << 0)
#define CR0_PG			(1ULL << 31)
#define CR4_PAE			(1ULL << 5)
#define CR4_PCIDE		(1ULL << 17)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)
#define EFER_VALID		0xd01ULL	/* SCE, LME, LMA, NXE */
#define RFLAGS_TF		(1ULL << 8)
#define RFLAGS_IF		(1ULL << 9)
#define RFLAGS_VM		(1ULL << 17)
#define RFLAGS_RSVD		(~0x3fffffULL | (1 << 15) | (1 << 5) | (1 << 3))
#define DEBUGCTL_BTF		(1ULL << 1)
#define DEBUGCTL_RSVD		(~0xffffULL | 0x3c)

/* Access rights (SDM 24.4.1). */
#define AR_TYPE(ar)		((ar) & 0xf)
#define AR_S			(1U << 4)
#define AR_DPL(ar)		(((ar) >> 5) & 3)
#define AR_P			(1U << 7)
#define AR_L			(1U << 13)
#define AR_DB			(1U << 14)
#define AR_G			(1U << 15)
#define AR_UNUSABLE		(1U << 16)
#define AR_RSVD			0xfffe0f00U

#define INTR_STI		(1U << 0)
#define INTR_MOV_SS		(1U << 1)
#define INTR_SMI		(1U << 2)
#define INTR_NMI		(1U << 3)

#define PENDING_BS		(1ULL << 14)
#define PENDING_RSVD		(~0x1500fULL)	/* B3-B0, BP, BS, RTM */

/* IA32_VMX_EPT_VPID_CAP (SDM A.10). */
#define EPT_CAP_WALK4		(1ULL << 6)
#define EPT_CAP_WALK5		(1ULL << 7)
#define EPT_CAP_UC		(1ULL << 8)
#define EPT_CAP_WB		(1ULL << 14)
#define EPT_CAP_AD		(1ULL << 21)

#define F(name)			(c->s->f[VMXMON_EC_##name])
#define FAIL(rule, field)	fail(c, VMXMON_EC_R_##rule, VMXMON_EC_##field)
#define FAIL_AT(rule, idx)	fail(c, VMXMON_EC_R_##rule, idx)

/* What the checks derive once from the snapshot. */
struct ec_ctx {
	const struct vmxmon_ec_snapshot *s;
	struct vmxmon_ec_verdict *v;
	const struct vmxmon_ec_caps *cap;
	u32 pin, proc, proc2, exit, entry;
	u32 inj;		/* event-injection field if valid, else 0 */
	bool ug, ia32e;
};

static int fail(struct ec_ctx *c, enum vmxmon_ec_rule rule,
		enum vmxmon_ec_field field)
{
	c->v->rule = rule;
	c->v->field = field;
	c->v->encoding = vmxmon_ec_field_encoding(field);
	c->v->value = c->s->f[field];
	return rule;
}

static bool canonical(const struct ec_ctx *c, u64 x)
{
	unsigned int shift = 64 - c->cap->linaddr;

	return (u64)((long long)(x << shift) >> shift) == x;
}

static bool above_maxphy(const struct ec_ctx *c, u64 pa)
{
	return c->cap->maxphyaddr < 64 && (pa >> c->cap->maxphyaddr);
}

/* A page-aligned address within MAXPHYADDR (or @align-aligned). */
static bool bad_addr(const struct ec_ctx *c, u64 pa, u64 align)
{
	return (pa & (align - 1)) || above_maxphy(c, pa);
}

/* Allowed-0 bits set, only allowed-1 bits (SDM A.3-A.5). */
static bool bad_ctls(u32 val, u64 cap)
{
	return (val & (u32)cap) != (u32)cap || (val & ~(u32)(cap >> 32));
}

/* PAT entries: UC, WC, WT, WP, WB, UC- (SDM 11.12.2). */
static bool bad_pat(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t == 2 || t == 3 || t > 7)
			return true;
	}
	return false;
}

/* SDM 27.2.1.1: VM-execution control fields. */
static int check_exec(struct ec_ctx *c)
{
	const struct vmxmon_ec_caps *cap = c->cap;

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

static const enum vmxmon_ec_field host_sels[] = {
	VMXMON_EC_HOST_ES_SELECTOR, VMXMON_EC_HOST_CS_SELECTOR,
	VMXMON_EC_HOST_SS_SELECTOR, VMXMON_EC_HOST_DS_SELECTOR,
	VMXMON_EC_HOST_FS_SELECTOR, VMXMON_EC_HOST_GS_SELECTOR,
	VMXMON_EC_HOST_TR_SELECTOR,
};

static const enum vmxmon_ec_field host_bases[] = {
	VMXMON_EC_HOST_FS_BASE, VMXMON_EC_HOST_GS_BASE,
	VMXMON_EC_HOST_GDTR_BASE, VMXMON_EC_HOST_IDTR_BASE,
	VMXMON_EC_HOST_TR_BASE,
};

/* SDM 27.2.2-27.2.4: host state. */
static int check_host(struct ec_ctx *c)
{
	const struct vmxmon_ec_caps *cap = c->cap;
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

/* SDM 27.3.1.1: control registers, debug registers, MSRs. */
static int check_guest_regs(struct ec_ctx *c)
{
	const struct vmxmon_ec_caps *cap = c->cap;
	u64 cr0 = F(GUEST_CR0), cr4 = F(GUEST_CR4);
	u64 fixed0 = cap->cr0_fixed0;

	if (c->ug)
		fixed0 &= ~(CR0_PE | CR0_PG);
	if ((cr0 & ~cap->cr0_fixed1) || (fixed0 & ~cr0))
		return FAIL(GUEST_CR0_FIXED, GUEST_CR0);
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		return FAIL(GUEST_CR0_PG_PE, GUEST_CR0);
	if ((cr4 & ~cap->cr4_fixed1) || (cap->cr4_fixed0 & ~cr4))
		return FAIL(GUEST_CR4_FIXED, GUEST_CR4);
	if ((c->entry & ENTRY_LOAD_DEBUG) &&
	    (F(GUEST_IA32_DEBUGCTL) & DEBUGCTL_RSVD))
		return FAIL(GUEST_DEBUGCTL, GUEST_IA32_DEBUGCTL);
	if (c->ia32e) {
		if (!(cr0 & CR0_PG))
			return FAIL(GUEST_IA32E_PG_PAE, GUEST_CR0);
		if (!(cr4 & CR4_PAE))
			return FAIL(GUEST_IA32E_PG_PAE, GUEST_CR4);
	} else if (cr4 & CR4_PCIDE) {
		return FAIL(GUEST_PCIDE, GUEST_CR4);
	}
	if (above_maxphy(c, F(GUEST_CR3)))
		return FAIL(GUEST_CR3_MAXPHY, GUEST_CR3);
	if ((c->entry & ENTRY_LOAD_DEBUG) && (F(GUEST_DR7) >> 32))
		return FAIL(GUEST_DR7, GUEST_DR7);
	if (!canonical(c, F(GUEST_SYSENTER_ESP)))
		return FAIL(GUEST_SYSENTER_CANON, GUEST_SYSENTER_ESP);
	if (!canonical(c, F(GUEST_SYSENTER_EIP)))
		return FAIL(GUEST_SYSENTER_CANON, GUEST_SYSENTER_EIP);
	if ((c->entry & ENTRY_LOAD_PAT) && bad_pat(F(GUEST_IA32_PAT)))
		return FAIL(GUEST_PAT, GUEST_IA32_PAT);
	if (c->entry & ENTRY_LOAD_EFER) {
		u64 efer = F(GUEST_IA32_EFER);

		if (efer & ~EFER_VALID)
			return FAIL(GUEST_EFER_RSVD, GUEST_IA32_EFER);
		if (!!(efer & EFER_LMA) != c->ia32e ||
		    ((cr0 & CR0_PG) && !!(efer & EFER_LMA) != !!(efer & EFER_LME)))
			return FAIL(GUEST_EFER_LMA, GUEST_IA32_EFER);
	}
	return 0;
}

struct ec_seg {
	enum vmxmon_ec_field sel, base, limit, ar;
};

#define SEG(s) { VMXMON_EC_GUEST_##s##_SELECTOR, VMXMON_EC_GUEST_##s##_BASE, \
		 VMXMON_EC_GUEST_##s##_LIMIT, VMXMON_EC_GUEST_##s##_AR_BYTES }
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR, NR_SEGS };
static const struct ec_seg segs[NR_SEGS] = {
	[S_ES] = SEG(ES), [S_CS] = SEG(CS), [S_SS] = SEG(SS), [S_DS] = SEG(DS),
	[S_FS] = SEG(FS), [S_GS] = SEG(GS), [S_LDTR] = SEG(LDTR), [S_TR] = SEG(TR),
};

#define SEG_AR(i)	((u32)c->s->f[segs[i].ar])
#define SEG_SEL(i)	((u16)c->s->f[segs[i].sel])
#define SEG_USABLE(i)	(!(SEG_AR(i) & AR_UNUSABLE))

/* Reserved bits, P and G of a present descriptor (CS, usable others). */
static int check_seg_common(struct ec_ctx *c, int i, bool want_s)
{
	u32 ar = SEG_AR(i), limit = c->s->f[segs[i].limit];

	if (!!(ar & AR_S) != want_s)
		return FAIL_AT(SEG_S, segs[i].ar);
	if (!(ar & AR_P))
		return FAIL_AT(SEG_P, segs[i].ar);
	if (ar & AR_RSVD)
		return FAIL_AT(SEG_AR_RSVD, segs[i].ar);
	if (((limit & 0xfff) != 0xfff && (ar & AR_G)) ||
	    ((limit & 0xfff00000) && !(ar & AR_G)))
		return FAIL_AT(SEG_G, segs[i].ar);
	return 0;
}

/* SDM 27.3.1.2: segment registers (not virtual-8086 mode). */
static int check_guest_segs(struct ec_ctx *c)
{
	u32 cs_ar = SEG_AR(S_CS), ss_ar = SEG_AR(S_SS);
	unsigned int cs_type = AR_TYPE(cs_ar);
	int i, ret;

	if (F(GUEST_RFLAGS) & RFLAGS_VM)
		return 0;
	if (SEG_SEL(S_TR) & 4)
		return FAIL(SEG_TR_TI, GUEST_TR_SELECTOR);
	if (SEG_USABLE(S_LDTR) && (SEG_SEL(S_LDTR) & 4))
		return FAIL(SEG_LDTR_TI, GUEST_LDTR_SELECTOR);
	if (!c->ug && (SEG_SEL(S_SS) & 3) != (SEG_SEL(S_CS) & 3))
		return FAIL(SEG_SS_CS_RPL, GUEST_SS_SELECTOR);

	if (!canonical(c, F(GUEST_TR_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_TR_BASE);
	if (!canonical(c, F(GUEST_FS_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_FS_BASE);
	if (!canonical(c, F(GUEST_GS_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_GS_BASE);
	if (SEG_USABLE(S_LDTR) && !canonical(c, F(GUEST_LDTR_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_LDTR_BASE);
	if (F(GUEST_CS_BASE) >> 32)
		return FAIL(SEG_BASE_HIGH, GUEST_CS_BASE);
	for (i = S_ES; i <= S_DS; i++)
		if (i != S_CS && SEG_USABLE(i) && (c->s->f[segs[i].base] >> 32))
			return FAIL_AT(SEG_BASE_HIGH, segs[i].base);

	/* CS */
	if (!(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
	      (c->ug && cs_type == 3)))
		return FAIL(SEG_CS_TYPE, GUEST_CS_AR_BYTES);
	ret = check_seg_common(c, S_CS, true);
	if (ret)
		return ret;
	if ((cs_type == 3 && AR_DPL(cs_ar)) ||
	    ((cs_type == 9 || cs_type == 11) && AR_DPL(cs_ar) != AR_DPL(ss_ar)) ||
	    ((cs_type == 13 || cs_type == 15) && AR_DPL(cs_ar) > AR_DPL(ss_ar)))
		return FAIL(SEG_CS_DPL, GUEST_CS_AR_BYTES);
	if (c->ia32e && (cs_ar & AR_L) && (cs_ar & AR_DB))
		return FAIL(SEG_CS_L_DB, GUEST_CS_AR_BYTES);

	/* SS: its DPL is checked usable or not. */
	if ((!c->ug && AR_DPL(ss_ar) != (SEG_SEL(S_SS) & 3)) ||
	    ((cs_type == 3 || !(F(GUEST_CR0) & CR0_PE)) && AR_DPL(ss_ar)))
		return FAIL(SEG_SS_DPL, GUEST_SS_AR_BYTES);
	if (SEG_USABLE(S_SS)) {
		if (AR_TYPE(ss_ar) != 3 && AR_TYPE(ss_ar) != 7)
			return FAIL(SEG_SS_TYPE, GUEST_SS_AR_BYTES);
		ret = check_seg_common(c, S_SS, true);
		if (ret)
			return ret;
	}

	/* DS, ES, FS, GS */
	for (i = S_ES; i <= S_GS; i++) {
		u32 ar = SEG_AR(i), type = AR_TYPE(ar);

		if (i == S_CS || i == S_SS || !SEG_USABLE(i))
			continue;
		if (!(type & 1) || ((type & 8) && !(type & 2)))
			return FAIL_AT(SEG_DATA_TYPE, segs[i].ar);
		ret = check_seg_common(c, i, true);
		if (ret)
			return ret;
		if (!c->ug && type < 12 && AR_DPL(ar) < (SEG_SEL(i) & 3))
			return FAIL_AT(SEG_DATA_DPL, segs[i].ar);
	}

	/* TR */
	if (!(AR_TYPE(SEG_AR(S_TR)) == 11 ||
	      (!c->ia32e && AR_TYPE(SEG_AR(S_TR)) == 3)))
		return FAIL(SEG_TR_TYPE, GUEST_TR_AR_BYTES);
	if (!SEG_USABLE(S_TR))
		return FAIL(SEG_TR_FLAGS, GUEST_TR_AR_BYTES);
	ret = check_seg_common(c, S_TR, false);
	if (ret)
		return ret;

	/* LDTR */
	if (SEG_USABLE(S_LDTR)) {
		if (AR_TYPE(SEG_AR(S_LDTR)) != 2)
			return FAIL(SEG_LDTR_TYPE, GUEST_LDTR_AR_BYTES);
		ret = check_seg_common(c, S_LDTR, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* SDM 27.3.1.3-27.3.1.4: GDTR, IDTR, RIP, RFLAGS. */
static int check_guest_dt_rip(struct ec_ctx *c)
{
	u64 rflags = F(GUEST_RFLAGS);
	bool cs_l = c->ia32e && (F(GUEST_CS_AR_BYTES) & AR_L);

	if (!canonical(c, F(GUEST_GDTR_BASE)))
		return FAIL(DT_BASE_CANON, GUEST_GDTR_BASE);
	if (!canonical(c, F(GUEST_IDTR_BASE)))
		return FAIL(DT_BASE_CANON, GUEST_IDTR_BASE);
	if (F(GUEST_GDTR_LIMIT) >> 16)
		return FAIL(DT_LIMIT, GUEST_GDTR_LIMIT);
	if (F(GUEST_IDTR_LIMIT) >> 16)
		return FAIL(DT_LIMIT, GUEST_IDTR_LIMIT);
	if (!cs_l && (F(GUEST_RIP) >> 32))
		return FAIL(RIP_HIGH, GUEST_RIP);
	if (cs_l && !canonical(c, F(GUEST_RIP)))
		return FAIL(RIP_CANON, GUEST_RIP);
	if ((rflags & RFLAGS_RSVD) || !(rflags & 2))
		return FAIL(RFLAGS_RSVD, GUEST_RFLAGS);
	if ((rflags & RFLAGS_VM) && (c->ia32e || !(F(GUEST_CR0) & CR0_PE)))
		return FAIL(RFLAGS_VM, GUEST_RFLAGS);
	if (c->inj && INJ_TYPE(c->inj) == INJ_EXT_INT && !(rflags & RFLAGS_IF))
		return FAIL(RFLAGS_IF_INJ, GUEST_RFLAGS);
	return 0;
}

/* May an event of this type be injected in this activity state? */
static bool inj_allowed(u64 activity, u32 inj)
{
	u32 type = INJ_TYPE(inj), vec = INJ_VECTOR(inj);

	switch (activity) {
	case 0:
		return true;
	case 1:	/* HLT */
		return type == INJ_EXT_INT || type == INJ_NMI ||
		       type == INJ_OTHER ||
		       (type == INJ_HW_EXC && (vec == 1 || vec == 18));
	case 2:	/* shutdown */
		return type == INJ_NMI || (type == INJ_HW_EXC && vec == 18);
	default:
		return false;
	}
}

/* SDM 27.3.1.5: non-register state. */
static int check_guest_nonreg(struct ec_ctx *c)
{
	u64 act = F(GUEST_ACTIVITY_STATE), intr = F(GUEST_INTERRUPTIBILITY_INFO);
	u64 pend = F(GUEST_PENDING_DBG_EXCEPTIONS), link = F(VMCS_LINK_POINTER);
	u32 type = INJ_TYPE(c->inj);

	if (act > 3 || (act && !(c->cap->misc & (1ULL << (5 + act)))))
		return FAIL(ACTIVITY, GUEST_ACTIVITY_STATE);
	if (act == 1 && AR_DPL(F(GUEST_SS_AR_BYTES)))
		return FAIL(ACTIVITY_HLT_DPL, GUEST_ACTIVITY_STATE);
	if (c->inj && !inj_allowed(act, c->inj))
		return FAIL(ACTIVITY_INJ, GUEST_ACTIVITY_STATE);
	if (intr & ~0x1fULL)
		return FAIL(INTR_RSVD, GUEST_INTERRUPTIBILITY_INFO);
	if ((intr & INTR_STI) && (intr & INTR_MOV_SS))
		return FAIL(INTR_STI_MOVSS, GUEST_INTERRUPTIBILITY_INFO);
	if (!(F(GUEST_RFLAGS) & RFLAGS_IF) && (intr & INTR_STI))
		return FAIL(INTR_STI_IF, GUEST_INTERRUPTIBILITY_INFO);
	if (c->inj && ((type == INJ_EXT_INT && (intr & (INTR_STI | INTR_MOV_SS))) ||
		       (type == INJ_NMI && (intr & INTR_MOV_SS))))
		return FAIL(INTR_INJ_BLOCK, GUEST_INTERRUPTIBILITY_INFO);
	if (intr & INTR_SMI)
		return FAIL(INTR_SMI, GUEST_INTERRUPTIBILITY_INFO);
	if (c->inj && type == INJ_NMI && (c->pin & PIN_VIRTUAL_NMIS) &&
	    (intr & INTR_NMI))
		return FAIL(INTR_NMI_VNMI, GUEST_INTERRUPTIBILITY_INFO);
	if (pend & PENDING_RSVD)
		return FAIL(PENDING_DBG_RSVD, GUEST_PENDING_DBG_EXCEPTIONS);
	if ((intr & (INTR_STI | INTR_MOV_SS)) || act == 1) {
		bool want_bs = (F(GUEST_RFLAGS) & RFLAGS_TF) &&
			       !(F(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF);

		if (want_bs != !!(pend & PENDING_BS))
			return FAIL(PENDING_DBG_BS, GUEST_PENDING_DBG_EXCEPTIONS);
	}
	if (link != ~0ULL && bad_addr(c, link, 4096))
		return FAIL(LINK_PTR, VMCS_LINK_POINTER);
	return 0;
}

enum vmxmon_ec_rule vmxmon_entry_check(const struct vmxmon_ec_snapshot *s,
				       struct vmxmon_ec_verdict *verdict)
{
	int (*const checks[])(struct ec_ctx *c) = {
		check_exec, check_exit, check_entry, check_host,
		check_guest_regs, check_guest_segs, check_guest_dt_rip,
		check_guest_nonreg,
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

/* In enum order: VMXMON_EC_R_NONE, then the rules. */
#define EC_RULE_SECTION(id, sec, text)	sec,
#define EC_RULE_TEXT(id, sec, text)	text,
#define EC_RULE_NAME(id, sec, text)	#id,
static const char *const rule_sections[VMXMON_EC_NR_RULES] = {
	"", VMXMON_EC_RULES(EC_RULE_SECTION)
};
static const char *const rule_texts[VMXMON_EC_NR_RULES] = {
	"", VMXMON_EC_RULES(EC_RULE_TEXT)
};
static const char *const rule_names[VMXMON_EC_NR_RULES] = {
	"NONE", VMXMON_EC_RULES(EC_RULE_NAME)
};

#define EC_FIELD_NAME(name, enc, area)	#name,
#define EC_FIELD_ENC(name, enc, area)	enc,
static const char *const field_names[VMXMON_EC_NR_FIELDS] = {
	VMXMON_VMCS_FIELDS(EC_FIELD_NAME)
};
static const u16 field_encodings[VMXMON_EC_NR_FIELDS] = {
	VMXMON_VMCS_FIELDS(EC_FIELD_ENC)
};

const char *vmxmon_ec_rule_section(enum vmxmon_ec_rule rule)
{
	return rule > 0 && rule < VMXMON_EC_NR_RULES ? rule_sections[rule] : "";
}

const char *vmxmon_ec_rule_text(enum vmxmon_ec_rule rule)
{
	return rule > 0 && rule < VMXMON_EC_NR_RULES ? rule_texts[rule] : "";
}

const char *vmxmon_ec_rule_name(enum vmxmon_ec_rule rule)
{
	return rule > 0 && rule < VMXMON_EC_NR_RULES ? rule_names[rule] : "NONE";
}

/*
 * SDM 27.2: control fields fail with VM-instruction error 7, host state
 * with error 8 (VMfailValid); SDM 27.8: guest state fails with a VM exit,
 * reason 33.
 */
unsigned int vmxmon_ec_rule_class(enum vmxmon_ec_rule rule)
{
	const char *sec = vmxmon_ec_rule_section(rule);

	if (!strncmp(sec, "27.2.1", 6))
		return 7;
	if (!strncmp(sec, "27.2.", 5))
		return 8;
	if (!strncmp(sec, "27.3.", 5))
		return 33;
	return 0;
}

const char *vmxmon_ec_field_name(enum vmxmon_ec_field field)
{
	return field < VMXMON_EC_NR_FIELDS ? field_names[field] : "?";
}

u32 vmxmon_ec_field_encoding(enum vmxmon_ec_field field)
{
	return field < VMXMON_EC_NR_FIELDS ? field_encodings[field] : ~0U;
}

int vmxmon_ec_field_by_name(const char *name)
{
	int i;

	for (i = 0; i < VMXMON_EC_NR_FIELDS; i++)
		if (!strcmp(field_names[i], name))
			return i;
	return -1;
}
