// SPDX-License-Identifier: GPL-2.0
/*
 * VM entry's checks of the guest-state area (SDM Vol. 3C 27.3.1), in
 * software: control and debug registers and MSRs, segment registers,
 * descriptor tables, RIP/RFLAGS, non-register state.  Pure logic: also
 * built by tools/testing/unit.  The controls and host state are in
 * entry_check.c.
 */
#include "entry_check_int.h"

/* SDM 27.3.1.1: control registers, debug registers, MSRs. */
int vmxscope_ec_check_guest_regs(struct ec_ctx *c)
{
	const struct vmxscope_ec_caps *cap = c->cap;
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
	enum vmxscope_ec_field sel, base, limit, ar;
};

/* The uapi's segment registers, in enum vmxscope_seg order, by field index. */
#define SEG(s) { VMXSCOPE_EC_GUEST_##s##_SELECTOR, \
	VMXSCOPE_EC_GUEST_##s##_BASE, VMXSCOPE_EC_GUEST_##s##_LIMIT, \
	VMXSCOPE_EC_GUEST_##s##_AR_BYTES },
static const struct ec_seg segs[VMXSCOPE_NR_SEGS] = { VMXSCOPE_SEGS(SEG) };

#define SEG_AR(i)	((u32)c->s->f[segs[i].ar])
#define SEG_SEL(i)	((u16)c->s->f[segs[i].sel])
#define SEG_USABLE(i)	(!(SEG_AR(i) & VMXSCOPE_AR_UNUSABLE))

/* Reserved bits, P and G of a present descriptor (CS, usable others). */
static int check_seg_common(struct ec_ctx *c, int i, bool want_s)
{
	u32 ar = SEG_AR(i), limit = c->s->f[segs[i].limit];

	if (!!(ar & VMXSCOPE_AR_S) != want_s)
		return FAIL_AT(SEG_S, segs[i].ar);
	if (!(ar & VMXSCOPE_AR_P))
		return FAIL_AT(SEG_P, segs[i].ar);
	if (ar & VMXSCOPE_AR_RESERVED)
		return FAIL_AT(SEG_AR_RSVD, segs[i].ar);
	if (((limit & 0xfff) != 0xfff && (ar & VMXSCOPE_AR_G)) ||
	    ((limit & 0xfff00000) && !(ar & VMXSCOPE_AR_G)))
		return FAIL_AT(SEG_G, segs[i].ar);
	return 0;
}

/* SDM 27.3.1.2: segment registers (not virtual-8086 mode). */
int vmxscope_ec_check_guest_segs(struct ec_ctx *c)
{
	u32 cs_ar = SEG_AR(VMXSCOPE_SEG_CS), ss_ar = SEG_AR(VMXSCOPE_SEG_SS);
	unsigned int cs_type = VMXSCOPE_AR_TYPE(cs_ar);
	int i, ret;

	if (F(GUEST_RFLAGS) & RFLAGS_VM)
		return 0;
	if (SEG_SEL(VMXSCOPE_SEG_TR) & 4)
		return FAIL(SEG_TR_TI, GUEST_TR_SELECTOR);
	if (SEG_USABLE(VMXSCOPE_SEG_LDTR) && (SEG_SEL(VMXSCOPE_SEG_LDTR) & 4))
		return FAIL(SEG_LDTR_TI, GUEST_LDTR_SELECTOR);
	if (!c->ug && (SEG_SEL(VMXSCOPE_SEG_SS) & 3) != (SEG_SEL(VMXSCOPE_SEG_CS) & 3))
		return FAIL(SEG_SS_CS_RPL, GUEST_SS_SELECTOR);

	if (!canonical(c, F(GUEST_TR_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_TR_BASE);
	if (!canonical(c, F(GUEST_FS_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_FS_BASE);
	if (!canonical(c, F(GUEST_GS_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_GS_BASE);
	if (SEG_USABLE(VMXSCOPE_SEG_LDTR) && !canonical(c, F(GUEST_LDTR_BASE)))
		return FAIL(SEG_BASE_CANON, GUEST_LDTR_BASE);
	if (F(GUEST_CS_BASE) >> 32)
		return FAIL(SEG_BASE_HIGH, GUEST_CS_BASE);
	for (i = VMXSCOPE_SEG_ES; i <= VMXSCOPE_SEG_DS; i++)
		if (i != VMXSCOPE_SEG_CS && SEG_USABLE(i) && (c->s->f[segs[i].base] >> 32))
			return FAIL_AT(SEG_BASE_HIGH, segs[i].base);

	/* CS */
	if (!(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
	      (c->ug && cs_type == 3)))
		return FAIL(SEG_CS_TYPE, GUEST_CS_AR_BYTES);
	ret = check_seg_common(c, VMXSCOPE_SEG_CS, true);
	if (ret)
		return ret;
	if ((cs_type == 3 && VMXSCOPE_AR_DPL(cs_ar)) ||
	    ((cs_type == 9 || cs_type == 11) && VMXSCOPE_AR_DPL(cs_ar) != VMXSCOPE_AR_DPL(ss_ar)) ||
	    ((cs_type == 13 || cs_type == 15) && VMXSCOPE_AR_DPL(cs_ar) > VMXSCOPE_AR_DPL(ss_ar)))
		return FAIL(SEG_CS_DPL, GUEST_CS_AR_BYTES);
	if (c->ia32e && (cs_ar & VMXSCOPE_AR_L) && (cs_ar & VMXSCOPE_AR_DB))
		return FAIL(SEG_CS_L_DB, GUEST_CS_AR_BYTES);

	/* SS: its DPL is checked usable or not. */
	if ((!c->ug && VMXSCOPE_AR_DPL(ss_ar) != (SEG_SEL(VMXSCOPE_SEG_SS) & 3)) ||
	    ((cs_type == 3 || !(F(GUEST_CR0) & CR0_PE)) && VMXSCOPE_AR_DPL(ss_ar)))
		return FAIL(SEG_SS_DPL, GUEST_SS_AR_BYTES);
	if (SEG_USABLE(VMXSCOPE_SEG_SS)) {
		if (VMXSCOPE_AR_TYPE(ss_ar) != 3 && VMXSCOPE_AR_TYPE(ss_ar) != 7)
			return FAIL(SEG_SS_TYPE, GUEST_SS_AR_BYTES);
		ret = check_seg_common(c, VMXSCOPE_SEG_SS, true);
		if (ret)
			return ret;
	}

	/* DS, ES, FS, GS */
	for (i = VMXSCOPE_SEG_ES; i <= VMXSCOPE_SEG_GS; i++) {
		u32 ar = SEG_AR(i), type = VMXSCOPE_AR_TYPE(ar);

		if (i == VMXSCOPE_SEG_CS || i == VMXSCOPE_SEG_SS || !SEG_USABLE(i))
			continue;
		if (!(type & 1) || ((type & 8) && !(type & 2)))
			return FAIL_AT(SEG_DATA_TYPE, segs[i].ar);
		ret = check_seg_common(c, i, true);
		if (ret)
			return ret;
		if (!c->ug && type < 12 && VMXSCOPE_AR_DPL(ar) < (SEG_SEL(i) & 3))
			return FAIL_AT(SEG_DATA_DPL, segs[i].ar);
	}

	/* TR */
	if (!(VMXSCOPE_AR_TYPE(SEG_AR(VMXSCOPE_SEG_TR)) == 11 ||
	      (!c->ia32e && VMXSCOPE_AR_TYPE(SEG_AR(VMXSCOPE_SEG_TR)) == 3)))
		return FAIL(SEG_TR_TYPE, GUEST_TR_AR_BYTES);
	if (!SEG_USABLE(VMXSCOPE_SEG_TR))
		return FAIL(SEG_TR_FLAGS, GUEST_TR_AR_BYTES);
	ret = check_seg_common(c, VMXSCOPE_SEG_TR, false);
	if (ret)
		return ret;

	/* LDTR */
	if (SEG_USABLE(VMXSCOPE_SEG_LDTR)) {
		if (VMXSCOPE_AR_TYPE(SEG_AR(VMXSCOPE_SEG_LDTR)) != 2)
			return FAIL(SEG_LDTR_TYPE, GUEST_LDTR_AR_BYTES);
		ret = check_seg_common(c, VMXSCOPE_SEG_LDTR, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* SDM 27.3.1.3-27.3.1.4: GDTR, IDTR, RIP, RFLAGS. */
int vmxscope_ec_check_guest_dt_rip(struct ec_ctx *c)
{
	u64 rflags = F(GUEST_RFLAGS);
	bool cs_l = c->ia32e && (F(GUEST_CS_AR_BYTES) & VMXSCOPE_AR_L);

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
int vmxscope_ec_check_guest_nonreg(struct ec_ctx *c)
{
	u64 act = F(GUEST_ACTIVITY_STATE), intr = F(GUEST_INTERRUPTIBILITY_INFO);
	u64 pend = F(GUEST_PENDING_DBG_EXCEPTIONS), link = F(VMCS_LINK_POINTER);
	u32 type = INJ_TYPE(c->inj);

	if (act > 3 || (act && !(c->cap->misc & (1ULL << (5 + act)))))
		return FAIL(ACTIVITY, GUEST_ACTIVITY_STATE);
	if (act == 1 && VMXSCOPE_AR_DPL(F(GUEST_SS_AR_BYTES)))
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
