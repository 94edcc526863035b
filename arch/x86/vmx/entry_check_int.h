/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What entry_check.c (controls, host state: SDM 27.2) and
 * entry_check_guest.c (guest state: SDM 27.3.1) share: the bit names they
 * test, the context derived once from the snapshot, small predicates.
 */
#ifndef _VMXSCOPE_ENTRY_CHECK_INT_H
#define _VMXSCOPE_ENTRY_CHECK_INT_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#include "entry_check.h"
#include "msr_rules.h"

/* Controls (SDM 25.6-25.8, Appendix A). */
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

/* Event injection (SDM 25.8.3). */
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
#define EFER_LME		VMXSCOPE_EFER_LME
#define EFER_LMA		VMXSCOPE_EFER_LMA
#define EFER_VALID		VMXSCOPE_EFER_VALID
#define RFLAGS_TF		(1ULL << 8)
#define RFLAGS_IF		(1ULL << 9)
#define RFLAGS_VM		(1ULL << 17)
#define RFLAGS_RSVD		(~0x3fffffULL | (1 << 15) | (1 << 5) | (1 << 3))
#define DEBUGCTL_BTF		(1ULL << 1)
#define DEBUGCTL_RSVD		VMXSCOPE_DEBUGCTL_RSVD

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

#define F(name)			(c->s->f[VMXSCOPE_EC_##name])
#define FAIL(rule, field)	fail(c, VMXSCOPE_EC_R_##rule, VMXSCOPE_EC_##field)
#define FAIL_AT(rule, idx)	fail(c, VMXSCOPE_EC_R_##rule, idx)

/* What the checks derive once from the snapshot. */
struct ec_ctx {
	const struct vmxscope_ec_snapshot *s;
	struct vmxscope_ec_verdict *v;
	const struct vmxscope_ec_caps *cap;
	u32 pin, proc, proc2, exit, entry;
	u32 inj;		/* event-injection field if valid, else 0 */
	bool ug, ia32e;
};

static inline int fail(struct ec_ctx *c, enum vmxscope_ec_rule rule,
		enum vmxscope_ec_field field)
{
	c->v->rule = rule;
	c->v->field = field;
	c->v->encoding = vmxscope_ec_field_encoding(field);
	c->v->value = c->s->f[field];
	return rule;
}

static inline bool canonical(const struct ec_ctx *c, u64 x)
{
	return vmxscope_canonical(x, c->cap->linaddr);
}

static inline bool above_maxphy(const struct ec_ctx *c, u64 pa)
{
	return c->cap->maxphyaddr < 64 && (pa >> c->cap->maxphyaddr);
}

/* A page-aligned address within MAXPHYADDR (or @align-aligned). */
static inline bool bad_addr(const struct ec_ctx *c, u64 pa, u64 align)
{
	return (pa & (align - 1)) || above_maxphy(c, pa);
}

/* Allowed-0 bits set, only allowed-1 bits (SDM A.3-A.5). */
static inline bool bad_ctls(u32 val, u64 cap)
{
	return (val & (u32)cap) != (u32)cap || (val & ~(u32)(cap >> 32));
}

static inline bool bad_pat(u64 pat)
{
	return !vmxscope_pat_valid(pat);
}

int vmxscope_ec_check_guest_regs(struct ec_ctx *c);
int vmxscope_ec_check_guest_segs(struct ec_ctx *c);
int vmxscope_ec_check_guest_dt_rip(struct ec_ctx *c);
int vmxscope_ec_check_guest_nonreg(struct ec_ctx *c);

#endif /* _VMXSCOPE_ENTRY_CHECK_INT_H */
