// SPDX-License-Identifier: GPL-2.0
/*
 * Every name table of the CLI, in one place: VMX capability and control
 * bits (the Linux macro names of arch/x86/include/asm/vmx.h, which the
 * module uses, with the wording of the SDM Vol. 3C/3D), CR0/CR4/EFER bits,
 * the VMCS's areas and bit fields, and the exception vectors, exit
 * reasons and VMCS fields from the ABI's X-macros.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <linux/vmxscope.h>
#include <linux/vmxscope_vmcs.h>

#include "cli.h"
#include "msrs.h"

#define TABLE(var, t, ...)						\
	static const struct bit_name var##_bits[] = { __VA_ARGS__ };	\
	const struct bit_table var = { t, var##_bits, ARRAY_SIZE(var##_bits) }

/* SDM 25.6.1, Table 25-5. */
TABLE(names_pin, "pin-based VM-execution controls",
	{ 0, "PIN_BASED_EXT_INTR_MASK", "external-interrupt exiting" },
	{ 3, "PIN_BASED_NMI_EXITING", "NMI exiting" },
	{ 5, "PIN_BASED_VIRTUAL_NMIS", "virtual NMIs" },
	{ 6, "PIN_BASED_VMX_PREEMPTION_TIMER", "activate VMX-preemption timer" },
	{ 7, "PIN_BASED_POSTED_INTR", "process posted interrupts" },
);

/* SDM 25.6.2, Table 25-6. */
TABLE(names_proc, "primary processor-based VM-execution controls",
	{ 2, "CPU_BASED_INTR_WINDOW_EXITING", "interrupt-window exiting" },
	{ 3, "CPU_BASED_USE_TSC_OFFSETTING", "use TSC offsetting" },
	{ 7, "CPU_BASED_HLT_EXITING", "HLT exiting" },
	{ 9, "CPU_BASED_INVLPG_EXITING", "INVLPG exiting" },
	{ 10, "CPU_BASED_MWAIT_EXITING", "MWAIT exiting" },
	{ 11, "CPU_BASED_RDPMC_EXITING", "RDPMC exiting" },
	{ 12, "CPU_BASED_RDTSC_EXITING", "RDTSC exiting" },
	{ 15, "CPU_BASED_CR3_LOAD_EXITING", "CR3-load exiting" },
	{ 16, "CPU_BASED_CR3_STORE_EXITING", "CR3-store exiting" },
	{ 17, "CPU_BASED_ACTIVATE_TERTIARY_CONTROLS", "activate tertiary controls" },
	{ 19, "CPU_BASED_CR8_LOAD_EXITING", "CR8-load exiting" },
	{ 20, "CPU_BASED_CR8_STORE_EXITING", "CR8-store exiting" },
	{ 21, "CPU_BASED_TPR_SHADOW", "use TPR shadow" },
	{ 22, "CPU_BASED_NMI_WINDOW_EXITING", "NMI-window exiting" },
	{ 23, "CPU_BASED_MOV_DR_EXITING", "MOV-DR exiting" },
	{ 24, "CPU_BASED_UNCOND_IO_EXITING", "unconditional I/O exiting" },
	{ 25, "CPU_BASED_USE_IO_BITMAPS", "use I/O bitmaps" },
	{ 27, "CPU_BASED_MONITOR_TRAP_FLAG", "monitor trap flag" },
	{ 28, "CPU_BASED_USE_MSR_BITMAPS", "use MSR bitmaps" },
	{ 29, "CPU_BASED_MONITOR_EXITING", "MONITOR exiting" },
	{ 30, "CPU_BASED_PAUSE_EXITING", "PAUSE exiting" },
	{ 31, "CPU_BASED_ACTIVATE_SECONDARY_CONTROLS", "activate secondary controls" },
);

/* SDM 25.6.2, Table 25-7. */
TABLE(names_proc2, "secondary processor-based VM-execution controls",
	{ 0, "SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES", "virtualize APIC accesses" },
	{ 1, "SECONDARY_EXEC_ENABLE_EPT", "enable EPT" },
	{ 2, "SECONDARY_EXEC_DESC", "descriptor-table exiting" },
	{ 3, "SECONDARY_EXEC_ENABLE_RDTSCP", "enable RDTSCP" },
	{ 4, "SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE", "virtualize x2APIC mode" },
	{ 5, "SECONDARY_EXEC_ENABLE_VPID", "enable VPID" },
	{ 6, "SECONDARY_EXEC_WBINVD_EXITING", "WBINVD exiting" },
	{ 7, "SECONDARY_EXEC_UNRESTRICTED_GUEST", "unrestricted guest" },
	{ 8, "SECONDARY_EXEC_APIC_REGISTER_VIRT", "APIC-register virtualization" },
	{ 9, "SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY", "virtual-interrupt delivery" },
	{ 10, "SECONDARY_EXEC_PAUSE_LOOP_EXITING", "PAUSE-loop exiting" },
	{ 11, "SECONDARY_EXEC_RDRAND_EXITING", "RDRAND exiting" },
	{ 12, "SECONDARY_EXEC_ENABLE_INVPCID", "enable INVPCID" },
	{ 13, "SECONDARY_EXEC_ENABLE_VMFUNC", "enable VM functions" },
	{ 14, "SECONDARY_EXEC_SHADOW_VMCS", "VMCS shadowing" },
	{ 15, "SECONDARY_EXEC_ENCLS_EXITING", "enable ENCLS exiting" },
	{ 16, "SECONDARY_EXEC_RDSEED_EXITING", "RDSEED exiting" },
	{ 17, "SECONDARY_EXEC_ENABLE_PML", "enable PML" },
	{ 18, "SECONDARY_EXEC_EPT_VIOLATION_VE", "EPT-violation #VE" },
	{ 19, "SECONDARY_EXEC_PT_CONCEAL_VMX", "conceal VMX from PT" },
	{ 20, "SECONDARY_EXEC_XSAVES", "enable XSAVES/XRSTORS" },
	{ 21, "SECONDARY_EXEC_PASID_TRANSLATION", "PASID translation" },
	{ 22, "SECONDARY_EXEC_MODE_BASED_EPT_EXEC", "mode-based execute control for EPT" },
	{ 23, "SECONDARY_EXEC_EPT_SUBPAGE_WRITE", "sub-page write permissions for EPT" },
	{ 24, "SECONDARY_EXEC_PT_USE_GPA", "Intel PT uses guest physical addresses" },
	{ 25, "SECONDARY_EXEC_TSC_SCALING", "use TSC scaling" },
	{ 26, "SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE", "enable user wait and pause" },
	{ 27, "SECONDARY_EXEC_ENABLE_PCONFIG", "enable PCONFIG" },
	{ 28, "SECONDARY_EXEC_ENCLV_EXITING", "enable ENCLV exiting" },
	{ 30, "SECONDARY_EXEC_BUS_LOCK_DETECTION", "VMM bus-lock detection" },
	{ 31, "SECONDARY_EXEC_NOTIFY_VM_EXITING", "instruction timeout (notify VM exit)" },
);

/* SDM 25.7.1, Table 25-13. */
TABLE(names_exit, "primary VM-exit controls",
	{ 2, "VM_EXIT_SAVE_DEBUG_CONTROLS", "save debug controls" },
	{ 9, "VM_EXIT_HOST_ADDR_SPACE_SIZE", "host address-space size" },
	{ 12, "VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL", "load IA32_PERF_GLOBAL_CTRL" },
	{ 15, "VM_EXIT_ACK_INTR_ON_EXIT", "acknowledge interrupt on exit" },
	{ 18, "VM_EXIT_SAVE_IA32_PAT", "save IA32_PAT" },
	{ 19, "VM_EXIT_LOAD_IA32_PAT", "load IA32_PAT" },
	{ 20, "VM_EXIT_SAVE_IA32_EFER", "save IA32_EFER" },
	{ 21, "VM_EXIT_LOAD_IA32_EFER", "load IA32_EFER" },
	{ 22, "VM_EXIT_SAVE_VMX_PREEMPTION_TIMER", "save VMX-preemption timer value" },
	{ 23, "VM_EXIT_CLEAR_BNDCFGS", "clear IA32_BNDCFGS" },
	{ 24, "VM_EXIT_PT_CONCEAL_PIP", "conceal VMX from PT" },
	{ 25, "VM_EXIT_CLEAR_IA32_RTIT_CTL", "clear IA32_RTIT_CTL" },
	{ 26, "VM_EXIT_CLEAR_IA32_LBR_CTL", "clear IA32_LBR_CTL" },
	{ 28, "VM_EXIT_LOAD_CET_STATE", "load CET state" },
	{ 29, "VM_EXIT_LOAD_IA32_PKRS", "load PKRS" },
	{ 30, "VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL", "save IA32_PERF_GLOBAL_CTL" },
	{ 31, "VM_EXIT_ACTIVATE_SECONDARY_CONTROLS", "activate secondary controls" },
);

/* SDM 25.8.1, Table 25-15. */
TABLE(names_entry, "VM-entry controls",
	{ 2, "VM_ENTRY_LOAD_DEBUG_CONTROLS", "load debug controls" },
	{ 9, "VM_ENTRY_IA32E_MODE", "IA-32e mode guest" },
	{ 10, "VM_ENTRY_SMM", "entry to SMM" },
	{ 11, "VM_ENTRY_DEACT_DUAL_MONITOR", "deactivate dual-monitor treatment" },
	{ 13, "VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL", "load IA32_PERF_GLOBAL_CTRL" },
	{ 14, "VM_ENTRY_LOAD_IA32_PAT", "load IA32_PAT" },
	{ 15, "VM_ENTRY_LOAD_IA32_EFER", "load IA32_EFER" },
	{ 16, "VM_ENTRY_LOAD_BNDCFGS", "load IA32_BNDCFGS" },
	{ 17, "VM_ENTRY_PT_CONCEAL_PIP", "conceal VMX from PT" },
	{ 18, "VM_ENTRY_LOAD_IA32_RTIT_CTL", "load IA32_RTIT_CTL" },
	{ 20, "VM_ENTRY_LOAD_CET_STATE", "load CET state" },
	{ 21, "VM_ENTRY_LOAD_IA32_LBR_CTL", "load guest IA32_LBR_CTL" },
	{ 22, "VM_ENTRY_LOAD_IA32_PKRS", "load PKRS" },
);

/* SDM Appendix A.6: the single-bit fields of IA32_VMX_MISC. */
TABLE(names_misc, "IA32_VMX_MISC",
	{ 5, "VMX_MISC_SAVE_EFER_LMA", "VM exits save EFER.LMA" },
	{ 6, "VMX_MISC_ACTIVITY_HLT", "activity state HLT" },
	{ 7, "VMX_MISC_ACTIVITY_SHUTDOWN", "activity state shutdown" },
	{ 8, "VMX_MISC_ACTIVITY_WAIT_SIPI", "activity state wait-for-SIPI" },
	{ 14, "VMX_MISC_INTEL_PT", "Intel PT usable in VMX operation" },
	{ 15, "VMX_MISC_RDMSR_SMBASE", "RDMSR of IA32_SMBASE in SMM" },
	{ 28, "VMX_MISC_VMXOFF_BLOCKS_SMI", "VMXOFF may unblock SMIs" },
	{ 29, "VMX_MISC_VMWRITE_ANY_FIELD", "VMWRITE to exit-information fields" },
	{ 30, "VMX_MISC_ZERO_LEN_INS", "inject events with length 0" },
);

/* SDM Appendix A.10: IA32_VMX_EPT_VPID_CAP, bits 0-63. */
TABLE(names_ept_vpid, "IA32_VMX_EPT_VPID_CAP",
	{ 0, "VMX_EPT_EXECUTE_ONLY_BIT", "execute-only EPT translations" },
	{ 6, "VMX_EPT_PAGE_WALK_4_BIT", "page-walk length 4" },
	{ 7, "VMX_EPT_PAGE_WALK_5_BIT", "page-walk length 5" },
	{ 8, "VMX_EPTP_UC_BIT", "EPT paging structures may be UC" },
	{ 14, "VMX_EPTP_WB_BIT", "EPT paging structures may be WB" },
	{ 16, "VMX_EPT_2MB_PAGE_BIT", "2-Mbyte EPT pages" },
	{ 17, "VMX_EPT_1GB_PAGE_BIT", "1-Gbyte EPT pages" },
	{ 20, "VMX_EPT_INVEPT_BIT", "INVEPT" },
	{ 21, "VMX_EPT_AD_BIT", "EPT accessed and dirty flags" },
	{ 22, "VMX_EPT_ADV_EXIT_INFO", "advanced EPT-violation exit information" },
	{ 23, "VMX_EPT_SSS_CONTROL", "supervisor shadow-stack control" },
	{ 25, "VMX_EPT_EXTENT_CONTEXT_BIT", "single-context INVEPT" },
	{ 26, "VMX_EPT_EXTENT_GLOBAL_BIT", "all-context INVEPT" },
	{ 32, "VMX_VPID_INVVPID_BIT", "INVVPID" },
	{ 40, "VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT", "individual-address INVVPID" },
	{ 41, "VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT", "single-context INVVPID" },
	{ 42, "VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT", "all-context INVVPID" },
	{ 43, "VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT", "single-context-retaining-globals INVVPID" },
);

/* SDM Vol. 3A 2.5. */
TABLE(names_cr0, "CR0",
	{ 0, "PE", "protection enable" }, { 1, "MP", "monitor coprocessor" },
	{ 2, "EM", "emulation" }, { 3, "TS", "task switched" },
	{ 4, "ET", "extension type" }, { 5, "NE", "numeric error" },
	{ 16, "WP", "write protect" }, { 18, "AM", "alignment mask" },
	{ 29, "NW", "not write-through" }, { 30, "CD", "cache disable" },
	{ 31, "PG", "paging" },
);

TABLE(names_cr4, "CR4",
	{ 0, "VME", "virtual-8086 mode extensions" },
	{ 1, "PVI", "protected-mode virtual interrupts" },
	{ 2, "TSD", "time stamp disable" }, { 3, "DE", "debugging extensions" },
	{ 4, "PSE", "page size extensions" },
	{ 5, "PAE", "physical address extension" },
	{ 6, "MCE", "machine-check enable" }, { 7, "PGE", "page global enable" },
	{ 8, "PCE", "performance-monitoring counter enable" },
	{ 9, "OSFXSR", "FXSAVE/FXRSTOR support" },
	{ 10, "OSXMMEXCPT", "unmasked SIMD FP exceptions" },
	{ 11, "UMIP", "user-mode instruction prevention" },
	{ 12, "LA57", "57-bit linear addresses" },
	{ 13, "VMXE", "VMX enable" }, { 14, "SMXE", "SMX enable" },
	{ 16, "FSGSBASE", "RDFSBASE etc. enable" },
	{ 17, "PCIDE", "PCID enable" }, { 18, "OSXSAVE", "XSAVE enable" },
	{ 19, "KL", "Key Locker enable" },
	{ 20, "SMEP", "supervisor-mode execution prevention" },
	{ 21, "SMAP", "supervisor-mode access prevention" },
	{ 22, "PKE", "protection keys for user pages" },
	{ 23, "CET", "control-flow enforcement" },
	{ 24, "PKS", "protection keys for supervisor pages" },
	{ 25, "UINTR", "user interrupts" },
);

/* SDM Vol. 3A 2.2.1, Table 2-1: IA32_EFER. */
TABLE(names_efer, "IA32_EFER",
	{ 0, "SCE", "SYSCALL enable" }, { 8, "LME", "IA-32e mode enable" },
	{ 10, "LMA", "IA-32e mode active" }, { 11, "NXE", "execute disable" },
	{ 12, "SVME", "secure virtual machine enable" },
	{ 13, "LMSLE", "long mode segment limit enable" },
	{ 14, "FFXSR", "fast FXSAVE/FXRSTOR" },
	{ 15, "TCE", "translation cache extension" },
);

/* SDM 25.4.2, Table 25-3: interruptibility state. */
TABLE(names_intr_state, "interruptibility state",
	{ 0, "STI", "blocking by STI" }, { 1, "MOV-SS", "blocking by MOV SS" },
	{ 2, "SMI", "blocking by SMI" }, { 3, "NMI", "blocking by NMI" },
	{ 4, "enclave", "enclave interruption" },
);

/* SDM 25.4.2: activity state. */
TABLE(names_activity, "activity state",
	{ 0, "active", "active" }, { 1, "HLT", "HLT" },
	{ 2, "shutdown", "shutdown" }, { 3, "wait-for-SIPI", "wait-for-SIPI" },
);

/* SDM 25.8.3, Table 25-17: interruption types of the event fields. */
TABLE(names_intr_type, "interruption type",
	{ 0, "external", "external interrupt" }, { 2, "NMI", "NMI" },
	{ 3, "hw-exception", "hardware exception" },
	{ 4, "sw-interrupt", "software interrupt" },
	{ 5, "priv-sw-exception", "privileged software exception" },
	{ 6, "sw-exception", "software exception" },
	{ 7, "other", "other event" },
);

/* The six areas of the VMCS (seed 000, SDM 25.3), in that order. */
TABLE(names_vmcs_area, "VMCS areas",
	{ VMXSCOPE_AREA_GUEST, "guest", "guest-state area" },
	{ VMXSCOPE_AREA_HOST, "host", "host-state area" },
	{ VMXSCOPE_AREA_EXEC_CTL, "exec_ctl", "VM-execution control fields" },
	{ VMXSCOPE_AREA_EXIT_CTL, "exit_ctl", "VM-exit control fields" },
	{ VMXSCOPE_AREA_ENTRY_CTL, "entry_ctl", "VM-entry control fields" },
	{ VMXSCOPE_AREA_EXIT_INFO, "exit_info", "VM-exit information fields" },
);

/* VMCS field widths by encoding bits 14:13 (VMXSCOPE_VMCS_WIDTH). */
TABLE(names_vmcs_width, "VMCS field widths",
	{ 0, "16", "16-bit" }, { 1, "64", "64-bit" }, { 2, "32", "32-bit" },
	{ 3, "natural", "natural width" },
);

/* include/uapi/linux/vmxscope.h: VMXSCOPE_CAP_*. */
TABLE(names_info_caps, "module capabilities",
	{ 0, "hypervisor", "CPUs run in VMX non-root" },
	{ 1, "msr_traps", "VMXSCOPE_TRAP_MSR" },
	{ 2, "io_traps", "VMXSCOPE_TRAP_IO" },
	{ 3, "exc_traps", "VMXSCOPE_TRAP_EXC" },
	{ 4, "persist", "VMXSCOPE_TRAP_PERSIST" },
	{ 5, "mem_traps", "VMXSCOPE_TRAP_MEM" },
	{ 6, "mem_mtf", "memory steps use the monitor trap flag (else RFLAGS.TF)" },
);

const struct bit_name *bit_lookup(const struct bit_table *t, unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (t->bits[i].bit == bit)
			return &t->bits[i];
	return NULL;
}

#define EXIT_NAME(nr, name)	{ nr, #name },
static const struct {
	unsigned int nr;
	const char *name;
} exit_names[] = {
	VMXSCOPE_EXIT_REASONS(EXIT_NAME)
};

/* The name of basic exit reason @nr, or NULL if it has none. */
const char *exit_reason_name(unsigned int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == nr)
			return exit_names[i].name;
	return NULL;
}

/* SDM Vol. 3A 6.3.1, Table 6-1: mnemonics without the '#', from the ABI. */
#define VECTOR_NAME(nr, name)	{ nr, #name },
static const struct {
	unsigned int nr;
	const char *name;
} vector_names[] = {
	VMXSCOPE_EXCEPTIONS(VECTOR_NAME)
};

/* The mnemonic of exception @vector, or NULL for a reserved one. */
const char *vector_name(unsigned int vector)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vector_names); i++)
		if (vector_names[i].nr == vector)
			return vector_names[i].name;
	return NULL;
}

/* The MSR name list of msrs.h. */
#define MSR_NAME(name, nr)	{ nr, #name },
const struct msr_name_entry msr_names[] = {
	VMXSCOPE_CLI_MSRS(MSR_NAME)
};
const unsigned int nr_msr_names = ARRAY_SIZE(msr_names);

/* The name of @msr ("IA32_LSTAR"), or NULL. */
const char *msr_name(uint32_t msr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msr_names); i++)
		if (msr_names[i].nr == msr)
			return msr_names[i].name;
	return NULL;
}

/* @s as an MSR name, case-insensitive, "IA32_" optional: 0, or -EINVAL. */
int msr_by_name(const char *s, uint32_t *msr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msr_names); i++) {
		const char *n = msr_names[i].name;

		if (!strcasecmp(s, n) || !strcasecmp(s, n + strlen("IA32_"))) {
			*msr = msr_names[i].nr;
			return 0;
		}
	}
	return -EINVAL;
}

/* SDM Appendix A.1 and Table 11-2: memory types of IA32_VMX_BASIC. */
const char *memory_type_name(unsigned int type)
{
	switch (type) {
	case 0:
		return "UC";
	case 6:
		return "WB";
	default:
		return "reserved";
	}
}

/* linux/vmxscope_vmcs.h: every VMCS field, in the table's order. */
#define VMCS_FIELD(name, enc, area)	{ enc, #name, VMXSCOPE_AREA_##area },
const struct vmcs_field_name vmcs_fields[] = {
	VMXSCOPE_VMCS_FIELDS(VMCS_FIELD)
};
const unsigned int nr_vmcs_fields = ARRAY_SIZE(vmcs_fields);

/* The field of @encoding in the table, or NULL. */
const struct vmcs_field_name *vmcs_field(unsigned int encoding)
{
	unsigned int i;

	for (i = 0; i < nr_vmcs_fields; i++)
		if (vmcs_fields[i].encoding == encoding)
			return &vmcs_fields[i];
	return NULL;
}
