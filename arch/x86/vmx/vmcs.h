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
#include <asm/vmx.h>

#define VMCS_WIDTH_16	0
#define VMCS_WIDTH_64	1
#define VMCS_WIDTH_32	2
#define VMCS_WIDTH_NAT	3
#define vmcs_field_width(f)	(((f) >> 13) & 3)

#define vmcs_check(field, width)					\
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&			\
			 ((field) & 0x6001) != ((width) << 13),		\
			 "VMCS accessor width does not match the field")

/* Per-CPU sticky error of VMWRITE, checked once after a batch of writes. */
DECLARE_PER_CPU(unsigned long, vmxscope_vmwrite_failed_field);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccbe" (fail)
		     : [field] "r" (field), [value] "rm" (value) : "memory");
	if (unlikely(fail))
		this_cpu_write(vmxscope_vmwrite_failed_field, field | (1UL << 63));
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

/*
 * VMX instructions report failure in RFLAGS (SDM 31.2): CF=1 VMfailInvalid,
 * ZF=1 VMfailValid (error number in VM_INSTRUCTION_ERROR).  Each returns
 * true on failure.
 */
static __always_inline bool vmx_on(u64 pa)
{
	bool fail;

	asm volatile("vmxon %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "memory");
	return fail;
}

static __always_inline bool vmx_off(void)
{
	bool fail;

	asm volatile("vmxoff" : "=@ccbe" (fail) : : "memory");
	return fail;
}

static __always_inline bool vmcs_clear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "memory");
	return fail;
}

static __always_inline bool vmcs_load(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "memory");
	return fail;
}

/* SDM 30.3 "INVEPT": the descriptor is the EPTP and a reserved quadword. */
static __always_inline bool vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]" : "=@ccbe" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "memory");
	return fail;
}

/* SDM 30.3 "INVVPID": VPID in bits 15:0, linear address in bits 127:64. */
static __always_inline bool vmx_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct { u64 vpid, gva; } desc = { vpid, gva };
	bool fail;

	asm volatile("invvpid %[desc], %[type]" : "=@ccbe" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "memory");
	return fail;
}

#endif /* _VMXSCOPE_VMCS_H */
