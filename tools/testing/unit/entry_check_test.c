// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the software VM-entry check (arch/x86/vmx/entry_check.c):
 * vmxscope's own VMCS on the emulated CPU passes; each field corrupted alone
 * fails with the rule and the field the SDM names.
 */
#include <string.h>

#include "../../../arch/x86/vmx/entry_check.h"
#include "unit.h"

#define CAP(must1, may1)	(((u64)(may1) << 32) | (u32)(must1))

/*
 * vmxscope's VMCS as it fills it on Bochs' corei7_skylake_x (capabilities
 * from /work/shared/notes/emulated-vtx.md and Bochs' TRUE_* controls),
 * with a 64-bit Linux guest in its kernel, interrupts off.
 */
static void good(struct vmxscope_ec_snapshot *s)
{
	static const struct { const char *name; u64 val; } v[] = {
		{ "PIN_BASED_VM_EXEC_CONTROL", 0x16 },
		{ "CPU_BASED_VM_EXEC_CONTROL", 0x96006172 },
		{ "SECONDARY_VM_EXEC_CONTROL", 0x1010aa },
		{ "VM_EXIT_CONTROLS", 0x3f6fff },
		{ "VM_ENTRY_CONTROLS", 0xd3ff },
		{ "IO_BITMAP_A", 0x1234000 }, { "IO_BITMAP_B", 0x1235000 },
		{ "MSR_BITMAP", 0x1236000 }, { "EPT_POINTER", 0x234501e },
		{ "VIRTUAL_PROCESSOR_ID", 1 },
		{ "HOST_CR0", 0x80050033 }, { "HOST_CR3", 0x3456000 },
		{ "HOST_CR4", 0x3726f0 },
		{ "HOST_CS_SELECTOR", 0x10 }, { "HOST_SS_SELECTOR", 0x18 },
		{ "HOST_TR_SELECTOR", 0x40 },
		{ "HOST_GS_BASE", 0xffff888007a00000 },
		{ "HOST_TR_BASE", 0xfffffe0000003000 },
		{ "HOST_GDTR_BASE", 0xfffffe0000001000 },
		{ "HOST_IDTR_BASE", 0xfffffe0000000000 },
		{ "HOST_IA32_SYSENTER_ESP", 0xfffffe0000003000 },
		{ "HOST_IA32_SYSENTER_EIP", 0xffffffff81a01b00 },
		{ "HOST_IA32_PAT", 0x0407050600070106 },
		{ "HOST_IA32_EFER", 0xd01 },
		{ "HOST_RSP", 0xffffc90000123ff0 }, { "HOST_RIP", 0xffffffffc0123000 },
		{ "GUEST_CR0", 0x80050033 }, { "GUEST_CR3", 0x5678000 },
		{ "GUEST_CR4", 0x3726f0 }, { "GUEST_DR7", 0x400 },
		{ "GUEST_IA32_PAT", 0x0407050600070106 },
		{ "GUEST_IA32_EFER", 0xd01 },
		{ "GUEST_CS_SELECTOR", 0x10 }, { "GUEST_CS_AR_BYTES", 0xa09b },
		{ "GUEST_CS_LIMIT", 0xffffffff },
		{ "GUEST_SS_SELECTOR", 0x18 }, { "GUEST_SS_AR_BYTES", 0xc093 },
		{ "GUEST_SS_LIMIT", 0xffffffff },
		{ "GUEST_ES_AR_BYTES", 0x10000 }, { "GUEST_DS_AR_BYTES", 0x10000 },
		{ "GUEST_FS_AR_BYTES", 0x10000 }, { "GUEST_GS_AR_BYTES", 0x10000 },
		{ "GUEST_LDTR_AR_BYTES", 0x10000 },
		{ "GUEST_GS_BASE", 0xffff888007a00000 },
		{ "GUEST_TR_SELECTOR", 0x40 }, { "GUEST_TR_AR_BYTES", 0x8b },
		{ "GUEST_TR_LIMIT", 0x206f },
		{ "GUEST_TR_BASE", 0xfffffe0000003000 },
		{ "GUEST_GDTR_BASE", 0xfffffe0000001000 }, { "GUEST_GDTR_LIMIT", 0x7f },
		{ "GUEST_IDTR_BASE", 0xfffffe0000000000 }, { "GUEST_IDTR_LIMIT", 0xfff },
		{ "GUEST_SYSENTER_ESP", 0xfffffe0000003000 },
		{ "GUEST_SYSENTER_EIP", 0xffffffff81a01b00 },
		{ "GUEST_RSP", 0xffffc90000123e00 }, { "GUEST_RIP", 0xffffffffc0123456 },
		{ "GUEST_RFLAGS", 0x46 },
		{ "VMCS_LINK_POINTER", ~0ULL },
		/* Misaligned, but unused while their counts are 0. */
		{ "VM_EXIT_MSR_LOAD_ADDR", 0x1237008 },
		{ "VM_ENTRY_MSR_LOAD_ADDR", 0x1237004 },
	};
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(v); i++)
		s->f[vmxscope_ec_field_by_name(v[i].name)] = v[i].val;
	s->caps = (struct vmxscope_ec_caps){
		.pin = CAP(0x16, 0xff),
		.proc = CAP(0x04006172, 0xfff9fffe),
		.proc2 = CAP(0, 0x17ffff),
		.exit = CAP(0x36dfb, 0xffffff),
		.entry = CAP(0x11fb, 0x3ffff),
		.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
		.cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x7727ff,
		.ept_vpid_cap = 0x1 | 1 << 6 | 1 << 8 | 1 << 14 | 1 << 16 |
				1 << 17 | 1 << 20 | 1 << 21 | 1 << 25 | 1 << 26 |
				0xf01ULL << 32,
		.misc = 0x401e5,
		.maxphyaddr = 40, .linaddr = 48, .ia32e = true,
	};
}

static void test_vmxscope_vmcs_passes(void)
{
	struct vmxscope_ec_snapshot s;
	struct vmxscope_ec_verdict v;

	good(&s);
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, vmxscope_entry_check(&s, &v));
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, v.rule);
}

/* One field set to one value; the rule and the field the verdict names. */
struct corruption {
	const char *field;
	u64 value;
	enum vmxscope_ec_rule rule;
	const char *named;	/* NULL: the corrupted field itself */
};

#define C(f, v, r)		{ #f, v, VMXSCOPE_EC_R_##r, NULL }
#define C2(f, v, r, n)		{ #f, v, VMXSCOPE_EC_R_##r, #n }
static const struct corruption corruptions[] = {
	/* 27.2.1.1 */
	C(PIN_BASED_VM_EXEC_CONTROL, 0x06, PIN_RSVD),
	C(PIN_BASED_VM_EXEC_CONTROL, 0x36, VNMI_NEEDS_NMI_EXIT),
	C(CPU_BASED_VM_EXEC_CONTROL, 0x96006170, PROC_RSVD),
	C(CPU_BASED_VM_EXEC_CONTROL, 0x96006172 | 1 << 17, PROC_RSVD),
	C(CPU_BASED_VM_EXEC_CONTROL, 0x96406172, NMI_WINDOW_NEEDS_VNMI),
	C(SECONDARY_VM_EXEC_CONTROL, 0x1010aa | 1 << 23, PROC2_RSVD),
	C(SECONDARY_VM_EXEC_CONTROL, 0x1010a8, UG_NEEDS_EPT),
	C(SECONDARY_VM_EXEC_CONTROL, 0x1010ab | 1 << 4, X2APIC_VS_APIC_ACCESS),
	C2(SECONDARY_VM_EXEC_CONTROL, 0x1010aa | 1 << 9, VID_NEEDS_EXT_INT_EXIT,
	   PIN_BASED_VM_EXEC_CONTROL),
	C(CR3_TARGET_COUNT, 5, CR3_TARGET_COUNT),
	C(IO_BITMAP_A, 0x1234800, IO_BITMAP),
	C(IO_BITMAP_B, 1ULL << 40, IO_BITMAP),
	C(MSR_BITMAP, 0x1236008, MSR_BITMAP),
	C(VIRTUAL_PROCESSOR_ID, 0, VPID_ZERO),
	C(EPT_POINTER, 0x2345019, EPTP_MEMTYPE),
	C(EPT_POINTER, 0x2345016, EPTP_WALK),
	C(EPT_POINTER, 0x2345026, EPTP_WALK),
	C(EPT_POINTER, 0x234509e, EPTP_RSVD),
	C(EPT_POINTER, 0x234501e | 1ULL << 45, EPTP_RSVD),
	/* 27.2.1.2 */
	C(VM_EXIT_CONTROLS, 0x3f6ff9, EXIT_RSVD),
	C(VM_EXIT_CONTROLS, 0x3f6fff | 1 << 22, SAVE_PREEMPT_TIMER),
	C2(VM_EXIT_MSR_LOAD_COUNT, 1, EXIT_MSR_LOAD, VM_EXIT_MSR_LOAD_ADDR),
	/* 27.2.1.3 */
	C(VM_ENTRY_CONTROLS, 0xd3fb & ~1, ENTRY_RSVD),
	C(VM_ENTRY_CONTROLS, 0xd3ff | 1 << 10, ENTRY_SMM),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x80000100, INJ_TYPE),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x80000203, INJ_NMI_VECTOR),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x80000320, INJ_EXC_VECTOR),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x8000030e, INJ_ERRCODE),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x80000b06, INJ_ERRCODE),
	C(VM_ENTRY_INTR_INFO_FIELD, 0x80010b0e, INJ_RSVD),
	C2(VM_ENTRY_INTR_INFO_FIELD, 0x80000403, INJ_INSN_LEN,
	   VM_ENTRY_INSTRUCTION_LEN),
	C2(VM_ENTRY_MSR_LOAD_COUNT, 2, ENTRY_MSR_LOAD, VM_ENTRY_MSR_LOAD_ADDR),
	/* 27.2.2-27.2.4 */
	C(HOST_CR0, 0x80050032, HOST_CR0_FIXED),
	C(HOST_CR4, 0x3706f0, HOST_CR4_FIXED),
	C(HOST_CR4, 0x3726f0 | 1 << 23, HOST_CR4_FIXED),
	C(HOST_CR4, 0x3726d0, HOST_ADDR_SIZE_PAE),
	C(HOST_CR3, 1ULL << 40, HOST_CR3_MAXPHY),
	C(HOST_IA32_SYSENTER_EIP, 0x8000000000000000, HOST_SYSENTER_CANON),
	C(HOST_IA32_PAT, 0x0407050600070102, HOST_PAT),
	C(HOST_IA32_EFER, 0xd03, HOST_EFER_RSVD),
	C(HOST_IA32_EFER, 0x901, HOST_EFER_LMA),
	C2(VM_EXIT_CONTROLS, 0x3f6dff, HOST_EFER_LMA, HOST_IA32_EFER),
	C(HOST_CS_SELECTOR, 0x13, HOST_SEL_RPL_TI),
	C(HOST_DS_SELECTOR, 0x4, HOST_SEL_RPL_TI),
	C(HOST_CS_SELECTOR, 0, HOST_CS_NULL),
	C(HOST_TR_SELECTOR, 0, HOST_TR_NULL),
	C(HOST_GS_BASE, 0x0000800000000000, HOST_BASE_CANON),
	C(HOST_TR_BASE, 0xfff0fe0000003000, HOST_BASE_CANON),
	C(HOST_RIP, 0x0000ffffc0123000 | 1ULL << 60, HOST_RIP_CANON),
	/* 27.3.1.1 */
	C(GUEST_CR0, 0x80050013, GUEST_CR0_FIXED),
	C(GUEST_CR0, 0x80050032, GUEST_CR0_PG_PE),
	C(GUEST_CR4, 0x3706f0, GUEST_CR4_FIXED),
	C(GUEST_CR4, 0x3726d0, GUEST_IA32E_PG_PAE),
	C(GUEST_CR3, 1ULL << 41, GUEST_CR3_MAXPHY),
	C(GUEST_IA32_DEBUGCTL, 1 << 3, GUEST_DEBUGCTL),
	C(GUEST_DR7, 1ULL << 32 | 0x400, GUEST_DR7),
	C(GUEST_SYSENTER_ESP, 0x00f0000000000000, GUEST_SYSENTER_CANON),
	C(GUEST_IA32_PAT, 0x0807050600070106, GUEST_PAT),
	C(GUEST_IA32_EFER, 0xd01 | 1 << 2, GUEST_EFER_RSVD),
	C(GUEST_IA32_EFER, 0x901, GUEST_EFER_LMA),
	C(GUEST_IA32_EFER, 0xc01, GUEST_EFER_LMA),
	/* 27.3.1.2 */
	C(GUEST_TR_SELECTOR, 0x44, SEG_TR_TI),
	C(GUEST_FS_BASE, 0x0000800000000000, SEG_BASE_CANON),
	C(GUEST_CS_BASE, 1ULL << 32, SEG_BASE_HIGH),
	C(GUEST_CS_AR_BYTES, 0, SEG_CS_TYPE),
	C(GUEST_CS_AR_BYTES, 0xa091, SEG_CS_TYPE),
	C(GUEST_CS_AR_BYTES, 0xa08b, SEG_S),
	C(GUEST_CS_AR_BYTES, 0xa01b, SEG_P),
	C(GUEST_CS_AR_BYTES, 0xa19b, SEG_AR_RSVD),
	C(GUEST_CS_AR_BYTES, 0xe09b, SEG_CS_L_DB),
	C(GUEST_CS_AR_BYTES, 0xa0fb, SEG_CS_DPL),
	C2(GUEST_SS_AR_BYTES, 0xc0f3, SEG_CS_DPL, GUEST_CS_AR_BYTES),
	C(GUEST_SS_AR_BYTES, 0xc09b, SEG_SS_TYPE),
	C(GUEST_DS_AR_BYTES, 0xc092, SEG_DATA_TYPE),
	C(GUEST_ES_AR_BYTES, 0xc09b & ~0x80, SEG_P),
	C2(GUEST_CS_LIMIT, 0xffff0000, SEG_G, GUEST_CS_AR_BYTES),
	C(GUEST_TR_AR_BYTES, 0x89, SEG_TR_TYPE),
	C(GUEST_TR_AR_BYTES, 0x1008b, SEG_TR_FLAGS),
	C(GUEST_TR_AR_BYTES, 0x9b, SEG_S),
	C(GUEST_LDTR_AR_BYTES, 0x83, SEG_LDTR_TYPE),
	/* 27.3.1.3-27.3.1.4 */
	C(GUEST_GDTR_LIMIT, 0x10000, DT_LIMIT),
	C(GUEST_IDTR_BASE, 0x0000fe0000000000 | 1ULL << 62, DT_BASE_CANON),
	C(GUEST_RIP, 0x0000900000000000, RIP_CANON),
	C(GUEST_RFLAGS, 0x44, RFLAGS_RSVD),
	C(GUEST_RFLAGS, 0x46 | 1 << 15, RFLAGS_RSVD),
	C(GUEST_RFLAGS, 0x46 | 1 << 17, RFLAGS_VM),
	C2(VM_ENTRY_INTR_INFO_FIELD, 0x80000020, RFLAGS_IF_INJ, GUEST_RFLAGS),
	/* 27.3.1.5 */
	C(GUEST_ACTIVITY_STATE, 4, ACTIVITY),
	C(GUEST_INTERRUPTIBILITY_INFO, 0x20, INTR_RSVD),
	C(GUEST_INTERRUPTIBILITY_INFO, 3, INTR_STI_MOVSS),
	C(GUEST_INTERRUPTIBILITY_INFO, 1, INTR_STI_IF),
	C(GUEST_INTERRUPTIBILITY_INFO, 4, INTR_SMI),
	C(GUEST_PENDING_DBG_EXCEPTIONS, 0x10, PENDING_DBG_RSVD),
	C(VMCS_LINK_POINTER, 0x1001, LINK_PTR),
	C(VMCS_LINK_POINTER, 1ULL << 44, LINK_PTR),
};

static void test_each_corruption_names_rule_and_field(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *k = &corruptions[i];
		int f = vmxscope_ec_field_by_name(k->field);
		int named = vmxscope_ec_field_by_name(k->named ? k->named : k->field);
		struct vmxscope_ec_snapshot s;
		struct vmxscope_ec_verdict v;

		EXPECT_TRUE(f >= 0 && named >= 0);
		if (f < 0 || named < 0)
			continue;
		good(&s);
		s.f[f] = k->value;
		vmxscope_entry_check(&s, &v);
		if (v.rule != k->rule || (int)v.field != named)
			printf("#  %s = %#llx: got %s on %s\n", k->field,
			       (unsigned long long)k->value,
			       vmxscope_ec_rule_name(v.rule),
			       vmxscope_ec_field_name(v.field));
		EXPECT_EQ(k->rule, v.rule);
		EXPECT_EQ(vmxscope_ec_field_encoding(named), v.encoding);
		EXPECT_EQ(s.f[named], v.value);
	}
}

/* The unusable-segment exemptions: null DS-GS and LDTR pass as they are. */
static void test_unusable_segments_exempt(void)
{
	struct vmxscope_ec_snapshot s;
	struct vmxscope_ec_verdict v;

	good(&s);
	s.f[VMXSCOPE_EC_GUEST_DS_SELECTOR] = 3;	/* RPL 3 null selector */
	s.f[VMXSCOPE_EC_GUEST_DS_BASE] = 1ULL << 40;
	s.f[VMXSCOPE_EC_GUEST_LDTR_SELECTOR] = 4;
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, vmxscope_entry_check(&s, &v));
	/* Disabled features are not checked: no EPT walk without EPT. */
	good(&s);
	s.f[VMXSCOPE_EC_SECONDARY_VM_EXEC_CONTROL] = 0x1010aa;
	s.f[VMXSCOPE_EC_CPU_BASED_VM_EXEC_CONTROL] &= ~(1U << 31);
	s.f[VMXSCOPE_EC_EPT_POINTER] = 0;
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, vmxscope_entry_check(&s, &v));
}

/* Unrestricted guest: CR0.PE and PG are free, CS type 3 allowed. */
static void test_unrestricted_guest_exceptions(void)
{
	struct vmxscope_ec_snapshot s;
	struct vmxscope_ec_verdict v;

	good(&s);
	s.f[VMXSCOPE_EC_GUEST_CR0] = 0x00050032;
	s.f[VMXSCOPE_EC_VM_ENTRY_CONTROLS] &= ~(1U << 9);		/* not IA-32e */
	s.f[VMXSCOPE_EC_GUEST_IA32_EFER] = 0;
	s.f[VMXSCOPE_EC_GUEST_CR4] = 0x2000;
	s.f[VMXSCOPE_EC_GUEST_CS_AR_BYTES] = 0x93;
	s.f[VMXSCOPE_EC_GUEST_CS_LIMIT] = 0xffff;
	s.f[VMXSCOPE_EC_GUEST_SS_AR_BYTES] = 0x93;
	s.f[VMXSCOPE_EC_GUEST_SS_LIMIT] = 0xffff;
	s.f[VMXSCOPE_EC_GUEST_RIP] = 0xfff0;
	s.f[VMXSCOPE_EC_GUEST_TR_AR_BYTES] = 0x83;
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, vmxscope_entry_check(&s, &v));
	/* Without it, the same state breaks CR0's fixed bits. */
	s.f[VMXSCOPE_EC_SECONDARY_VM_EXEC_CONTROL] &= ~(1U << 7);
	EXPECT_EQ(VMXSCOPE_EC_R_GUEST_CR0_FIXED, vmxscope_entry_check(&s, &v));

	/* Only with unrestricted guest may SS.RPL differ from CS.RPL. */
	good(&s);
	s.f[VMXSCOPE_EC_GUEST_SS_SELECTOR] = 0x1b;
	EXPECT_EQ(VMXSCOPE_EC_R_NONE, vmxscope_entry_check(&s, &v));
	s.f[VMXSCOPE_EC_SECONDARY_VM_EXEC_CONTROL] &= ~(1U << 7);
	EXPECT_EQ(VMXSCOPE_EC_R_SEG_SS_CS_RPL, vmxscope_entry_check(&s, &v));
	EXPECT_EQ(0x804, v.encoding);
}

static void test_rule_and_field_tables(void)
{
	int r;

	for (r = 1; r < VMXSCOPE_EC_NR_RULES; r++) {
		EXPECT_TRUE(!strncmp(vmxscope_ec_rule_section(r), "27.", 3));
		EXPECT_TRUE(strlen(vmxscope_ec_rule_text(r)) > 10);
	}
	EXPECT_EQ(7, vmxscope_ec_rule_class(VMXSCOPE_EC_R_PROC_RSVD));
	EXPECT_EQ(7, vmxscope_ec_rule_class(VMXSCOPE_EC_R_ENTRY_MSR_LOAD));
	EXPECT_EQ(8, vmxscope_ec_rule_class(VMXSCOPE_EC_R_HOST_CR4_FIXED));
	EXPECT_EQ(8, vmxscope_ec_rule_class(VMXSCOPE_EC_R_HOST_RIP_CANON));
	EXPECT_EQ(33, vmxscope_ec_rule_class(VMXSCOPE_EC_R_SEG_CS_TYPE));
	EXPECT_EQ(0, vmxscope_ec_rule_class(VMXSCOPE_EC_R_NONE));
	EXPECT_EQ(0x4816, vmxscope_ec_field_encoding(
		vmxscope_ec_field_by_name("GUEST_CS_AR_BYTES")));
	EXPECT_EQ(-1, vmxscope_ec_field_by_name("NO_SUCH_FIELD"));
}

int main(void)
{
	RUN(test_vmxscope_vmcs_passes);
	RUN(test_each_corruption_names_rule_and_field);
	RUN(test_unusable_segments_exempt);
	RUN(test_unrestricted_guest_exceptions);
	RUN(test_rule_and_field_tables);
	return unit_done();
}
