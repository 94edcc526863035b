/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A software check of a VMCS against the checks VM entry makes (SDM Vol.
 * 3C 27.2 controls and host state, 27.3 guest state), over a snapshot of
 * the fields and the capability MSRs.  Pure logic: also built by
 * tools/testing/unit.
 */
#ifndef _VMXSCOPE_ENTRY_CHECK_H
#define _VMXSCOPE_ENTRY_CHECK_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif
#include <uapi/linux/vmxscope_vmcs.h>

/* The index of each field of the uapi table: VMXSCOPE_EC_GUEST_CR0, ... */
#define VMXSCOPE_EC_IDX(name, enc, area)	VMXSCOPE_EC_##name,
enum vmxscope_ec_field {
	VMXSCOPE_VMCS_FIELDS(VMXSCOPE_EC_IDX)
	VMXSCOPE_EC_NR_FIELDS
};
#undef VMXSCOPE_EC_IDX

/*
 * The rules, one line each: R(ID, SDM section, the rule).  The class
 * (27.2.1 controls -> VM-instruction error 7, 27.2.2-4 host state ->
 * error 8, 27.3 guest state -> exit reason 33) follows from the section.
 */
#define VMXSCOPE_EC_RULES(R) \
	R(PIN_RSVD, "27.2.1.1", "pin-based controls: reserved bits per IA32_VMX_(TRUE_)PINBASED_CTLS") \
	R(PROC_RSVD, "27.2.1.1", "primary processor-based controls: reserved bits per IA32_VMX_(TRUE_)PROCBASED_CTLS") \
	R(PROC2_RSVD, "27.2.1.1", "secondary processor-based controls: reserved bits per IA32_VMX_PROCBASED_CTLS2") \
	R(CR3_TARGET_COUNT, "27.2.1.1", "CR3-target count not above IA32_VMX_MISC[24:16]") \
	R(IO_BITMAP, "27.2.1.1", "I/O bitmap address 4-KByte aligned, within MAXPHYADDR") \
	R(MSR_BITMAP, "27.2.1.1", "MSR bitmap address 4-KByte aligned, within MAXPHYADDR") \
	R(VAPIC_ADDR, "27.2.1.1", "use TPR shadow: virtual-APIC address 4-KByte aligned, within MAXPHYADDR") \
	R(TPR_THRESHOLD, "27.2.1.1", "use TPR shadow without virtual-interrupt delivery: TPR threshold bits 31:4 zero") \
	R(VNMI_NEEDS_NMI_EXIT, "27.2.1.1", "virtual NMIs requires NMI exiting") \
	R(NMI_WINDOW_NEEDS_VNMI, "27.2.1.1", "NMI-window exiting requires virtual NMIs") \
	R(APIC_ACCESS_ADDR, "27.2.1.1", "virtualize APIC accesses: APIC-access address 4-KByte aligned, within MAXPHYADDR") \
	R(X2APIC_VS_APIC_ACCESS, "27.2.1.1", "virtualize x2APIC mode requires virtualize APIC accesses 0") \
	R(VID_NEEDS_EXT_INT_EXIT, "27.2.1.1", "virtual-interrupt delivery requires external-interrupt exiting") \
	R(VPID_ZERO, "27.2.1.1", "enable VPID: VPID not 0000H") \
	R(EPTP_MEMTYPE, "27.2.1.1", "enable EPT: EPTP memory type UC or WB as IA32_VMX_EPT_VPID_CAP allows") \
	R(EPTP_WALK, "27.2.1.1", "enable EPT: EPTP page-walk length supported (3 = 4 levels)") \
	R(EPTP_AD, "27.2.1.1", "enable EPT: EPTP bit 6 (A/D) only if IA32_VMX_EPT_VPID_CAP[21]") \
	R(EPTP_RSVD, "27.2.1.1", "enable EPT: EPTP bits 11:7 and 63:MAXPHYADDR zero") \
	R(PML_NEEDS_EPT, "27.2.1.1", "enable PML requires enable EPT") \
	R(PML_ADDR, "27.2.1.1", "enable PML: PML address 4-KByte aligned, within MAXPHYADDR") \
	R(UG_NEEDS_EPT, "27.2.1.1", "unrestricted guest requires enable EPT") \
	R(SHADOW_BITMAPS, "27.2.1.1", "VMCS shadowing: VMREAD/VMWRITE bitmaps 4-KByte aligned, within MAXPHYADDR") \
	R(EXIT_RSVD, "27.2.1.2", "VM-exit controls: reserved bits per IA32_VMX_(TRUE_)EXIT_CTLS") \
	R(SAVE_PREEMPT_TIMER, "27.2.1.2", "save VMX-preemption timer value requires activate VMX-preemption timer") \
	R(EXIT_MSR_STORE, "27.2.1.2", "VM-exit MSR-store address 16-byte aligned, within MAXPHYADDR") \
	R(EXIT_MSR_LOAD, "27.2.1.2", "VM-exit MSR-load address 16-byte aligned, within MAXPHYADDR") \
	R(ENTRY_RSVD, "27.2.1.3", "VM-entry controls: reserved bits per IA32_VMX_(TRUE_)ENTRY_CTLS") \
	R(INJ_TYPE, "27.2.1.3", "event injection: interruption type not reserved (1), other event needs MTF") \
	R(INJ_NMI_VECTOR, "27.2.1.3", "event injection: NMI has vector 2") \
	R(INJ_EXC_VECTOR, "27.2.1.3", "event injection: hardware exception has vector 0-31") \
	R(INJ_OTHER_VECTOR, "27.2.1.3", "event injection: other event has vector 0") \
	R(INJ_ERRCODE, "27.2.1.3", "event injection: deliver error code iff CR0.PE and an exception with error code") \
	R(INJ_RSVD, "27.2.1.3", "event injection: bits 30:12 zero") \
	R(INJ_ERRCODE_RSVD, "27.2.1.3", "event injection: error code bits 31:16 zero") \
	R(INJ_INSN_LEN, "27.2.1.3", "event injection: software event instruction length 1-15") \
	R(ENTRY_MSR_LOAD, "27.2.1.3", "VM-entry MSR-load address 16-byte aligned, within MAXPHYADDR") \
	R(ENTRY_SMM, "27.2.1.3", "entry to SMM and deactivate dual-monitor treatment 0 outside SMM") \
	R(HOST_CR0_FIXED, "27.2.2", "host CR0: bits fixed by IA32_VMX_CR0_FIXED0/1") \
	R(HOST_CR4_FIXED, "27.2.2", "host CR4: bits fixed by IA32_VMX_CR4_FIXED0/1") \
	R(HOST_CR3_MAXPHY, "27.2.2", "host CR3: bits 63:MAXPHYADDR zero") \
	R(HOST_SYSENTER_CANON, "27.2.2", "host IA32_SYSENTER_ESP/EIP canonical") \
	R(HOST_PAT, "27.2.2", "load IA32_PAT: host PAT entries valid memory types") \
	R(HOST_EFER_RSVD, "27.2.2", "load IA32_EFER: host EFER reserved bits zero") \
	R(HOST_EFER_LMA, "27.2.2", "load IA32_EFER: host EFER.LMA and LME equal host address-space size") \
	R(HOST_SEL_RPL_TI, "27.2.3", "host selector fields: RPL and TI zero") \
	R(HOST_CS_NULL, "27.2.3", "host CS selector not 0000H") \
	R(HOST_TR_NULL, "27.2.3", "host TR selector not 0000H") \
	R(HOST_SS_NULL, "27.2.3", "host address-space size 0: host SS selector not 0000H") \
	R(HOST_BASE_CANON, "27.2.3", "host FS, GS, GDTR, IDTR, TR bases canonical") \
	R(HOST_ADDR_SIZE, "27.2.4", "in IA-32e mode: host address-space size 1") \
	R(HOST_ADDR_SIZE_PAE, "27.2.4", "host address-space size 1: host CR4.PAE 1") \
	R(HOST_RIP_CANON, "27.2.4", "host address-space size 1: host RIP canonical") \
	R(HOST_32_NO_IA32E_GUEST, "27.2.4", "host address-space size 0: IA-32e mode guest 0, host RIP[63:32] zero") \
	R(GUEST_CR0_FIXED, "27.3.1.1", "guest CR0: bits fixed by IA32_VMX_CR0_FIXED0/1 (PE, PG free with unrestricted guest)") \
	R(GUEST_CR0_PG_PE, "27.3.1.1", "guest CR0: PG 1 requires PE 1") \
	R(GUEST_CR4_FIXED, "27.3.1.1", "guest CR4: bits fixed by IA32_VMX_CR4_FIXED0/1") \
	R(GUEST_DEBUGCTL, "27.3.1.1", "load debug controls: IA32_DEBUGCTL reserved bits zero") \
	R(GUEST_IA32E_PG_PAE, "27.3.1.1", "IA-32e mode guest: CR0.PG and CR4.PAE 1") \
	R(GUEST_PCIDE, "27.3.1.1", "not IA-32e mode guest: CR4.PCIDE 0") \
	R(GUEST_CR3_MAXPHY, "27.3.1.1", "guest CR3: bits 63:MAXPHYADDR zero") \
	R(GUEST_DR7, "27.3.1.1", "load debug controls: DR7 bits 63:32 zero") \
	R(GUEST_SYSENTER_CANON, "27.3.1.1", "guest IA32_SYSENTER_ESP/EIP canonical") \
	R(GUEST_PAT, "27.3.1.1", "load IA32_PAT: guest PAT entries valid memory types") \
	R(GUEST_EFER_RSVD, "27.3.1.1", "load IA32_EFER: guest EFER reserved bits zero") \
	R(GUEST_EFER_LMA, "27.3.1.1", "load IA32_EFER: EFER.LMA equals IA-32e mode guest, and LME if CR0.PG") \
	R(SEG_TR_TI, "27.3.1.2", "TR selector TI flag 0") \
	R(SEG_LDTR_TI, "27.3.1.2", "usable LDTR: selector TI flag 0") \
	R(SEG_SS_CS_RPL, "27.3.1.2", "SS.RPL equals CS.RPL (no unrestricted guest, not virtual-8086)") \
	R(SEG_BASE_CANON, "27.3.1.2", "TR, FS, GS (and usable LDTR) bases canonical") \
	R(SEG_BASE_HIGH, "27.3.1.2", "CS base, usable SS/DS/ES bases: bits 63:32 zero") \
	R(SEG_CS_TYPE, "27.3.1.2", "CS type 9, 11, 13 or 15 (3 with unrestricted guest)") \
	R(SEG_SS_TYPE, "27.3.1.2", "usable SS type 3 or 7") \
	R(SEG_DATA_TYPE, "27.3.1.2", "usable DS-GS: accessed, and readable if code") \
	R(SEG_S, "27.3.1.2", "CS and usable SS-GS: S flag 1") \
	R(SEG_CS_DPL, "27.3.1.2", "CS DPL: 0 for type 3, = SS.DPL for 9/11, <= SS.DPL for 13/15") \
	R(SEG_SS_DPL, "27.3.1.2", "usable SS: DPL equals RPL (no unrestricted guest); 0 if CS type 3 or CR0.PE 0") \
	R(SEG_DATA_DPL, "27.3.1.2", "usable DS-GS, not conforming code, no unrestricted guest: DPL >= RPL") \
	R(SEG_P, "27.3.1.2", "CS and usable SS-GS: P flag 1") \
	R(SEG_AR_RSVD, "27.3.1.2", "access rights: bits 11:8 and 31:17 zero") \
	R(SEG_CS_L_DB, "27.3.1.2", "IA-32e mode guest and CS.L 1: CS.D/B 0") \
	R(SEG_G, "27.3.1.2", "limit[11:0] not all 1s needs G 0; limit[31:20] not 0 needs G 1") \
	R(SEG_TR_TYPE, "27.3.1.2", "TR type 11 (busy 64-bit TSS) in IA-32e mode guest, else 3 or 11") \
	R(SEG_TR_FLAGS, "27.3.1.2", "TR: S 0, P 1, usable") \
	R(SEG_LDTR_TYPE, "27.3.1.2", "usable LDTR: type 2, S 0, P 1") \
	R(DT_BASE_CANON, "27.3.1.3", "GDTR and IDTR bases canonical") \
	R(DT_LIMIT, "27.3.1.3", "GDTR and IDTR limits: bits 31:16 zero") \
	R(RIP_HIGH, "27.3.1.4", "RIP bits 63:32 zero unless IA-32e mode guest with CS.L 1") \
	R(RIP_CANON, "27.3.1.4", "IA-32e mode guest with CS.L 1: RIP canonical") \
	R(RFLAGS_RSVD, "27.3.1.4", "RFLAGS: bits 63:22, 15, 5, 3 zero and bit 1 one") \
	R(RFLAGS_VM, "27.3.1.4", "RFLAGS.VM 0 in IA-32e mode guest or with CR0.PE 0") \
	R(RFLAGS_IF_INJ, "27.3.1.4", "injecting an external interrupt: RFLAGS.IF 1") \
	R(ACTIVITY, "27.3.1.5", "activity state 0-3 and supported by IA32_VMX_MISC[8:6]") \
	R(ACTIVITY_HLT_DPL, "27.3.1.5", "activity state HLT: SS.DPL 0") \
	R(ACTIVITY_INJ, "27.3.1.5", "event injection only into an active or HLT guest (NMI, exceptions, interrupts)") \
	R(INTR_RSVD, "27.3.1.5", "interruptibility state: bits 31:5 zero") \
	R(INTR_STI_MOVSS, "27.3.1.5", "interruptibility state: not both blocking by STI and by MOV SS") \
	R(INTR_STI_IF, "27.3.1.5", "RFLAGS.IF 0: blocking by STI 0") \
	R(INTR_INJ_BLOCK, "27.3.1.5", "injecting an interrupt or NMI: no blocking by STI or MOV SS") \
	R(INTR_SMI, "27.3.1.5", "blocking by SMI 0 outside SMM") \
	R(INTR_NMI_VNMI, "27.3.1.5", "virtual NMIs and injecting an NMI: blocking by NMI 0") \
	R(PENDING_DBG_RSVD, "27.3.1.5", "pending debug exceptions: bits 11:4, 13, 15, 63:17 zero") \
	R(PENDING_DBG_BS, "27.3.1.5", "blocking by STI/MOV SS or HLT: BS 1 iff RFLAGS.TF 1 and DEBUGCTL.BTF 0") \
	R(LINK_PTR, "27.3.1.5", "VMCS link pointer all 1s, or 4-KByte aligned within MAXPHYADDR")

#define VMXSCOPE_EC_RULE_ID(id, sec, text)	VMXSCOPE_EC_R_##id,
enum vmxscope_ec_rule {
	VMXSCOPE_EC_R_NONE,
	VMXSCOPE_EC_RULES(VMXSCOPE_EC_RULE_ID)
	VMXSCOPE_EC_NR_RULES
};
#undef VMXSCOPE_EC_RULE_ID

/* Capability MSRs; controls as allowed-0 (low) / allowed-1 (high). */
struct vmxscope_ec_caps {
	u64 pin, proc, proc2, exit, entry;	/* TRUE_* when supported */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap;			/* IA32_VMX_EPT_VPID_CAP */
	u64 misc;				/* IA32_VMX_MISC */
	unsigned int maxphyaddr;		/* CPUID.80000008H:EAX[7:0] */
	unsigned int linaddr;			/* CPUID.80000008H:EAX[15:8] */
	bool ia32e;				/* the CPU is in IA-32e mode */
};

struct vmxscope_ec_snapshot {
	u64 f[VMXSCOPE_EC_NR_FIELDS];
	struct vmxscope_ec_caps caps;
};

struct vmxscope_ec_verdict {
	enum vmxscope_ec_rule rule;	/* VMXSCOPE_EC_R_NONE: entry would pass */
	enum vmxscope_ec_field field;
	u32 encoding;
	u64 value;
};

/* The first failing rule in SDM order; returns verdict->rule. */
enum vmxscope_ec_rule vmxscope_entry_check(const struct vmxscope_ec_snapshot *s,
				       struct vmxscope_ec_verdict *verdict);

const char *vmxscope_ec_rule_section(enum vmxscope_ec_rule rule);
const char *vmxscope_ec_rule_text(enum vmxscope_ec_rule rule);
const char *vmxscope_ec_rule_name(enum vmxscope_ec_rule rule);
/* How hardware fails that rule: VM-instruction error 7 or 8, exit 33. */
unsigned int vmxscope_ec_rule_class(enum vmxscope_ec_rule rule);
const char *vmxscope_ec_field_name(enum vmxscope_ec_field field);
u32 vmxscope_ec_field_encoding(enum vmxscope_ec_field field);
/* Field index of a name of the uapi table, or -1. */
int vmxscope_ec_field_by_name(const char *name);

#endif /* _VMXSCOPE_ENTRY_CHECK_H */
