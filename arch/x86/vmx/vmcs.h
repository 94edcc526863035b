/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions and width-checked VMCS accessors.
 *
 * A field's width is encoded in bits 14:13 of its encoding (SDM Vol. 3D,
 * Appendix B): 0 = 16-bit, 1 = 64-bit, 2 = 32-bit, 3 = natural width.  An
 * accessor used on a field of another width does not build; bit 0 selects
 * the high half of a 64-bit field, which vmxscope never accesses alone.
 */
#ifndef _VMXSCOPE_VMCS_H
#define _VMXSCOPE_VMCS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>
#include <uapi/linux/vmxscope_vmcs.h>

#include "root.h"

/* Each guest segment register's fields, by enum vmxscope_seg (vmcs.c). */
struct vmxscope_seg_fields {
	u32 sel, base, limit, ar;
};

extern const struct vmxscope_seg_fields vmxscope_seg_fields[VMXSCOPE_NR_SEGS];

#define VMCS_WIDTH_16	0
#define VMCS_WIDTH_64	1
#define VMCS_WIDTH_32	2
#define VMCS_WIDTH_NAT	3
#define vmcs_field_width(f)	VMXSCOPE_VMCS_WIDTH(f)

#define vmcs_check(field, width)					\
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&			\
			 ((field) & 0x6001) != ((width) << 13),		\
			 "VMCS accessor width does not match the field")

/*
 * VMX instructions report failure in RFLAGS (SDM 31.2): CF=1 VMfailInvalid
 * (no current VMCS), ZF=1 VMfailValid (the error number is in the VMCS's
 * VM-instruction error field).  Every wrapper below records its CPU's
 * first failure, naming the instruction, the field or operand and the
 * error (vmcs.c); it is printed from where Linux code may run: by the
 * caller out of root mode, or by the guest after a doorbell (nmi.c).
 */
struct vmxscope_vmx_fail {
	const char *insn;	/* NULL: nothing recorded */
	unsigned long operand;	/* field encoding, address or type */
	u32 error;		/* VM-instruction error, 0 for VMfailInvalid */
};

DECLARE_PER_CPU(struct vmxscope_vmx_fail, vmxscope_vmx_fail);

void vmxscope_vmx_failed(const char *insn, unsigned long operand, bool valid);

/* The outcome of a VMX instruction; true on failure, which is recorded. */
static __always_inline bool vmx_result(const char *insn, unsigned long op,
				       bool invalid, bool valid)
{
	if (unlikely(invalid || valid))
		vmxscope_vmx_failed(insn, op, valid);
	return invalid || valid;
}

/*
 * VMREAD; returns 0, or 1 for VMfailInvalid, 2 for VMfailValid (a field
 * this CPU does not support: error 12).  The VMCS dump probes with it.
 */
static __always_inline int vmcs_read_try(unsigned long field,
					 unsigned long *value)
{
	bool invalid, valid;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (*value), "=@ccc" (invalid), "=@ccz" (valid)
		     : [field] "r" (field));
	return invalid ? 1 : valid ? 2 : 0;
}

/*
 * A failed VMREAD or VMWRITE, recorded out of line: whether it failed
 * valid (a current VMCS holds the error) is asked of the VMCS again.
 */
void vmxscope_vmcs_access_failed(const char *insn, unsigned long field);

/* asm_goto_output: Linux 6.8, and stable backports (6.1.80 on). */
#if defined(CONFIG_CC_HAS_ASM_GOTO_OUTPUT) && defined(asm_goto_output)
/*
 * The exit path's accessors: the instruction and one branch on CF|ZF
 * ("jbe"), the failure handled out of line (as KVM's vmread_error).
 */
static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm_goto_output("vmread %[field], %[value]\n\t"
			"jbe %l[fail]"
			: [value] "=r" (value) : [field] "r" (field)
			: "cc" : fail);
	return value;
fail:
	vmxscope_vmcs_access_failed("vmread", field);
	return 0;
}
#else
static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;
	int fail = vmcs_read_try(field, &value);

	vmx_result("vmread", field, fail == 1, fail == 2);
	return value;
}
#endif

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	asm goto("vmwrite %[value], %[field]\n\t"
		 "jbe %l[fail]"
		 : : [field] "r" (field), [value] "rm" (value)
		 : "cc", "memory" : fail);
	return;
fail:
	vmxscope_vmcs_access_failed("vmwrite", field);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_NAT);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	vmcs_check(field, VMCS_WIDTH_NAT);
	__vmcs_write(field, value);
}

static __always_inline bool vmx_on(u64 pa)
{
	bool invalid, valid;

	asm volatile("vmxon %[pa]" : "=@ccc" (invalid), "=@ccz" (valid)
		     : [pa] "m" (pa) : "memory");
	return vmx_result("vmxon", pa, invalid, valid);
}

static __always_inline bool vmx_off(void)
{
	bool invalid, valid;

	asm volatile("vmxoff" : "=@ccc" (invalid), "=@ccz" (valid) : : "memory");
	return vmx_result("vmxoff", 0, invalid, valid);
}

static __always_inline bool vmcs_clear(u64 pa)
{
	bool invalid, valid;

	asm volatile("vmclear %[pa]" : "=@ccc" (invalid), "=@ccz" (valid)
		     : [pa] "m" (pa) : "memory");
	return vmx_result("vmclear", pa, invalid, valid);
}

static __always_inline bool vmcs_load(u64 pa)
{
	bool invalid, valid;

	asm volatile("vmptrld %[pa]" : "=@ccc" (invalid), "=@ccz" (valid)
		     : [pa] "m" (pa) : "memory");
	return vmx_result("vmptrld", pa, invalid, valid);
}

/* SDM 31.3 "INVEPT": the descriptor is the EPTP and a reserved quadword. */
static __always_inline bool vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };
	bool invalid, valid;

	asm volatile("invept %[desc], %[type]" : "=@ccc" (invalid), "=@ccz" (valid)
		     : [desc] "m" (desc), [type] "r" (type) : "memory");
	return vmx_result("invept", type, invalid, valid);
}

/* SDM 31.3 "INVVPID": VPID in bits 15:0, linear address in bits 127:64. */
static __always_inline bool vmx_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct { u64 vpid, gva; } desc = { vpid, gva };
	bool invalid, valid;

	asm volatile("invvpid %[desc], %[type]" : "=@ccc" (invalid), "=@ccz" (valid)
		     : [desc] "m" (desc), [type] "r" (type) : "memory");
	return vmx_result("invvpid", type, invalid, valid);
}

/* Fields of the VM-exit interruption information (SDM 25.9.2). */
#define INTR_INFO_TYPE(info)	((info) & INTR_INFO_INTR_TYPE_MASK)
#define INTR_INFO_VECTOR(info)	((info) & INTR_INFO_VECTOR_MASK)

/* The guest's CPL: SS.DPL (SDM 25.4.1). */
/*
 * Past the exiting instruction, as the CPU would have gone on: STI/MOV-SS
 * blocking ends (SDM 26.3.1.5), RF is cleared as after any completed
 * instruction (SDM Vol. 3A 18.3.1.1), and a single-step trap is owed if
 * TF is set, unless DEBUGCTL.BTF asks for one on branches only (SDM Vol.
 * 3A 18.4.3): none of the instructions vmxscope skips is a branch.
 * Inline for the hot exits; vmxscope_skip_instruction() for the rest.
 */
static __always_inline void __vmxscope_skip_instruction(void)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
		    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	if (rflags & X86_EFLAGS_RF)
		vmcs_writel(GUEST_RFLAGS, rflags & ~X86_EFLAGS_RF);
	if ((rflags & X86_EFLAGS_TF) &&
	    !(vmcs_read64(GUEST_IA32_DEBUGCTL) & DEBUGCTLMSR_BTF))
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | DR_STEP);
}

static __always_inline unsigned int vmxscope_guest_cpl(void)
{
	return VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES));
}

#endif /* _VMXSCOPE_VMCS_H */
