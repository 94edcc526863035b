// SPDX-License-Identifier: GPL-2.0
/*
 * Names for what root mode reports, and reporting it from where Linux
 * code may run: exit reasons (the uapi table), VM-instruction errors
 * (SDM 31.4), the first failed VMX instruction of each CPU (vmcs.h), and
 * a printk for any context.  Nothing here calls into the rest of
 * vmxscope.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/printk.h>

#include "vmcs.h"
#include "vmx.h"

#define NAME_ENTRY(nr, name)	{ nr, #name },
static const struct {
	u16 nr;
	const char *name;
} exit_names[] = {
	VMXSCOPE_EXIT_REASONS(NAME_ENTRY)
};

/* For logs and debugfs only: a linear search is fine. */
const char *vmxscope_exit_reason_name(u32 reason)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == ((union vmxscope_exit_code)reason).basic)
			return exit_names[i].name;
	return "UNKNOWN";
}

/* VM-instruction error numbers (SDM 31.4, seed book §2.6.3). */
static const char * const insn_errors[] = {
	[VMXERR_VMCALL_IN_VMX_ROOT_OPERATION] =
		"VMCALL in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDRESS] =
		"VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_POINTER] =
		"VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS] =
		"VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS] =
		"VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF] =
		"VMRESUME after VMXOFF",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELD] =
		"VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELD] =
		"VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDRESS] =
		"VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_POINTER] =
		"VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID] =
		"VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_VMCS_COMPONENT] =
		"VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT] =
		"VMWRITE to read-only VMCS component",
	[VMXERR_VMXON_IN_VMX_ROOT_OPERATION] =
		"VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER] =
		"VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS] =
		"VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER] =
		"VM entry with executive-VMCS pointer not VMXON pointer",
	[VMXERR_VMCALL_NONCLEAR_VMCS] =
		"VMCALL with non-clear VMCS",
	[VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS] =
		"VMCALL with invalid VM-exit control fields",
	[VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID] =
		"VMCALL with incorrect MSEG revision identifier",
	[VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM] =
		"VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES] =
		"VMCALL with invalid SMM-monitor features",
	[VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS] =
		"VM entry with invalid VM-execution control fields in executive VMCS",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] =
		"VM entry with events blocked by MOV SS",
	[VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID] =
		"Invalid operand to INVEPT/INVVPID",
};

const char *vmxscope_insn_error_name(u32 error)
{
	if (error < ARRAY_SIZE(insn_errors) && insn_errors[error])
		return insn_errors[error];
	return "unknown";
}

/*
 * printk_deferred() for a module: the CPU may be anywhere, interrupts off,
 * even in an NMI.  Only ever called out of root mode.
 */
void vmxscope_log_deferred(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk_emit(0, LOGLEVEL_SCHED, NULL, fmt, args);
	va_end(args);
}

DEFINE_PER_CPU(struct vmxscope_vmx_fail, vmxscope_vmx_fail);

/*
 * The first failure of a VMX instruction on this CPU (vmcs.h), in root
 * mode or not: recorded only, for vmxscope_vmx_fail_report().
 */
__root void vmxscope_vmx_failed(const char *insn, unsigned long operand, bool valid)
{
	struct vmxscope_vmx_fail *f = this_cpu_ptr(&vmxscope_vmx_fail);
	unsigned long error = 0;

	if (f->insn)
		return;
	/* VMfailValid: a current VMCS holds the error (SDM 31.4). */
	if (valid)
		vmcs_read_try(VM_INSTRUCTION_ERROR, &error);
	f->operand = operand;
	f->error = error;
	f->insn = insn;
}

/* Cold: the accessors of vmcs.h branch here on CF or ZF. */
__root __cold void vmxscope_vmcs_access_failed(const char *insn,
					       unsigned long field)
{
	unsigned long error;

	/* VMfailInvalid (no current VMCS) fails this VMREAD too. */
	vmxscope_vmx_failed(insn, field, !vmcs_read_try(VM_INSTRUCTION_ERROR, &error));
}

/*
 * Out of root mode: print and forget @cpu's recorded failure, in any
 * context (deferred printk).  Returns whether there was one.
 */
bool vmxscope_vmx_fail_report(int cpu)
{
	struct vmxscope_vmx_fail *f = per_cpu_ptr(&vmxscope_vmx_fail, cpu);
	const char *insn = READ_ONCE(f->insn);

	if (!insn)
		return false;
	vmxscope_log_deferred(KERN_ERR KBUILD_MODNAME ": CPU %d: %s %#lx failed: VM-instruction error %u (%s)\n",
			      cpu, insn, f->operand, f->error,
			      f->error ? vmxscope_insn_error_name(f->error) :
					 "VMfailInvalid: no current VMCS");
	WRITE_ONCE(f->insn, NULL);
	return true;
}
