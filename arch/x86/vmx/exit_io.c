// SPDX-License-Identifier: GPL-2.0
/*
 * I/O instruction exits (SDM 26.1.3): a port whose bit is set in the I/O
 * bitmaps (SDM 25.6.4) exits, and vmxscope performs the access on the
 * guest's behalf so that it behaves exactly as untrapped.
 *
 * The privilege checks (IOPL, the TSS I/O bitmap) come before the exit
 * (SDM 26.1.1), so whatever exits is allowed.  What follows the exit is
 * vmxscope's: the port access, and for INS/OUTS the memory operand with its
 * segment, alignment and paging checks, element by element, with RCX/RSI/
 * RDI updated as each completes (SDM Vol. 2B "INS", "OUTS", "REP").
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/debugreg.h>
#include <asm/special_insns.h>
#include <asm/traps.h>

#include "guest_mem.h"
#include "vmcs.h"
#include "vmx.h"

/* Exit qualification for I/O instructions (SDM Table 28-5). */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_REP		BIT(5)
#define IO_QUAL_PORT(q)		(((q) >> 16) & 0xffff)

/* VM-exit instruction information for INS/OUTS (SDM 28.2.5, Table 28-8). */
#define IO_INFO_ADDR_SIZE(i)	(((i) >> 7) & 7)	/* 0: 16, 1: 32, 2: 64 */
#define IO_INFO_SEG(i)		(((i) >> 15) & 7)

/* DR7 (SDM 18.2.4) and pending debug exceptions (SDM Table 25-4). */
#define DR7_RW_IO		2
#define PENDING_DBG_ENABLED_BP	BIT(12)

/*
 * Elements of a REP INS/OUTS done per exit; then the guest resumes at
 * the same instruction, as after an interrupt between iterations
 * (SDM Vol. 2B "REP"), so that interrupts are not held off for long.
 */
#define IO_MAX_ELEMENTS		1024

struct io_seg {
	unsigned long base;
	u32 limit, ar;
};

static __root void read_seg(enum vmxscope_seg seg, struct io_seg *s)
{
	const struct vmxscope_seg_fields *f = &vmxscope_seg_fields[seg];

	s->base = vmcs_readl(f->base);
	s->limit = vmcs_read32(f->limit);
	s->ar = vmcs_read32(f->ar);
}

/*
 * Compatibility-mode segment checks on @size bytes at offset @off
 * (SDM 5.3, 5.4.1): usable, the right type, within the limit.
 */
static __root bool seg_ok(const struct io_seg *s, u64 off, unsigned int size,
		   bool write)
{
	u32 type = VMXSCOPE_AR_TYPE(s->ar);
	u64 last = off + size - 1;

	if (s->ar & VMX_AR_UNUSABLE_MASK)
		return false;
	if (write && ((type & VMXSCOPE_AR_TYPE_CODE) || !(type & VMXSCOPE_AR_TYPE_WR)))
		return false;
	if (!write && (type & VMXSCOPE_AR_TYPE_CODE) && !(type & VMXSCOPE_AR_TYPE_WR))
		return false;
	if (!(type & VMXSCOPE_AR_TYPE_CODE) && (type & VMXSCOPE_AR_TYPE_EC))
		return off > s->limit &&
		       last <= ((s->ar & VMX_AR_DB_MASK) ? 0xffffffffULL : 0xffffULL);
	return last <= s->limit;
}

/* Breakpoint conditions that an access matches (SDM 18.2.4, 18.2.5). */
static __root unsigned int breakpoints(unsigned long dr7, u64 addr,
				unsigned int size, bool io, bool write)
{
	unsigned int i, hit = 0;

	if (!(dr7 & 0xff))
		return 0;
	for (i = 0; i < 4; i++) {
		unsigned int rw = (dr7 >> (16 + 4 * i)) & 3;
		unsigned int len = (dr7 >> (18 + 4 * i)) & 3;
		u64 bp, bp_size = len == 2 ? 8 : len + 1;

		if (!(dr7 & (3UL << (2 * i))))
			continue;
		if (io ? (rw != DR7_RW_IO ||
			  !(vmcs_readl(GUEST_CR4) & X86_CR4_DE)) :
		    (rw == 0 || rw == DR7_RW_IO || (rw == 1 && !write)))
			continue;
		bp = native_get_debugreg(i) & ~(bp_size - 1);
		if (addr < bp + bp_size && bp < addr + size)
			hit |= BIT(i);
	}
	return hit;
}

/* A #DB trap owed after the access, delivered at VM entry (SDM 27.7.3). */
static __root void owe_debug_trap(unsigned int hit)
{
	if (hit)
		vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
			    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) | hit |
			    PENDING_DBG_ENABLED_BP);
}

static __root u32 port_in(u16 port, unsigned int size)
{
	if (size == 1)
		return inb(port);
	if (size == 2)
		return inw(port);
	return inl(port);
}

static __root void port_out(u16 port, unsigned int size, u32 value)
{
	if (size == 1)
		outb(value, port);
	else if (size == 2)
		outw(value, port);
	else
		outl(value, port);
}

/* The low @size bytes of @old replaced; a 32-bit result zero-extends. */
static __root unsigned long merge(unsigned long old, u32 value, unsigned int size)
{
	if (size == 4)
		return value;
	if (size == 2)
		return (old & ~0xffffUL) | (value & 0xffff);
	return (old & ~0xffUL) | (value & 0xff);
}

/* IN AL/AX/EAX and OUT: one access. */
static __root enum vmxscope_exit_action handle_port(struct vmxscope_cpu *vc,
					   struct vmxscope_regs *regs,
					   u16 port, unsigned int size, bool in)
{
	u32 value;

	if (in) {
		value = port_in(port, size);
		regs->rax = merge(regs->rax, value, size);
	} else {
		value = regs->rax & (size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1);
		port_out(port, size, value);
	}
	vmxscope_note_io(vc, port, size, in, value);
	owe_debug_trap(breakpoints(vmcs_readl(GUEST_DR7), port, size, true,
				   false));
	__vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

/* RSI/RDI/RCX written at the address size (SDM 3.3.7, 5.3 of Vol. 1). */
static __root void write_sized(unsigned long *reg, unsigned long value,
			unsigned int ad)
{
	if (ad == 2)
		*reg = value;
	else if (ad == 1)
		*reg = (u32)value;
	else
		*reg = (*reg & ~0xffffUL) | (value & 0xffff);
}

struct string_op {
	u16 port;
	unsigned int size, ad;
	bool in, rep, compat;
	u64 amask;
	enum vmxscope_seg seg;
	struct io_seg s;
	struct vmxscope_gmem g;
};

/* Injects the fault the element's operand earns; false if none fits. */
static __root bool element_fault(struct vmxscope_cpu *vc, const struct string_op *op,
			  enum vmxscope_gmem_result r,
			  const struct vmxscope_gmem_fault *f)
{
	unsigned int vector = op->seg == VMXSCOPE_SEG_SS ? X86_TRAP_SS : X86_TRAP_GP;

	switch (r) {
	case VMXSCOPE_GMEM_PF:
		/* VMX does not switch CR2: the guest's is the real one. */
		native_write_cr2(f->addr);
		vmxscope_inject_exception(X86_TRAP_PF, true, f->error);
		return true;
	case VMXSCOPE_GMEM_GP:
		vmxscope_inject_exception(vector, true, 0);
		return true;
	default:
		return false;
	}
}

/*
 * INS/OUTS, with or without REP.  Returns VMXSCOPE_RESUME, or
 * VMXSCOPE_GIVE_BACK after an abort for what cannot be emulated exactly.
 */
static __root enum vmxscope_exit_action handle_string(struct vmxscope_cpu *vc,
					     struct vmxscope_regs *regs,
					     struct string_op *op)
{
	unsigned long rflags = vmcs_readl(GUEST_RFLAGS);
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long dr7 = vmcs_readl(GUEST_DR7);
	long step = rflags & X86_EFLAGS_DF ? -(long)op->size : op->size;
	u64 count = op->rep ? regs->rcx & op->amask : 1;
	unsigned int max = IO_MAX_ELEMENTS, done = 0, hit = 0;
	bool align = (cr0 & X86_CR0_AM) && (rflags & X86_EFLAGS_AC) &&
		     op->g.cpl == 3;

	/* SDM Vol. 2B "REP": a zero count performs no iteration. */
	if (!count) {
		vmxscope_skip_instruction();
		return VMXSCOPE_RESUME;
	}
	/* Single-step traps after each iteration (SDM 18.3.1.4). */
	if (rflags & X86_EFLAGS_TF)
		max = 1;

	while (done < count && done < max && !hit) {
		unsigned long *ptr = op->in ? &regs->rdi : &regs->rsi;
		u64 off = *ptr & op->amask, la;
		struct vmxscope_gmem_span span;
		struct vmxscope_gmem_fault f;
		enum vmxscope_gmem_result r;
		u32 value = 0;

		if (op->compat) {
			if (!seg_ok(&op->s, off, op->size, op->in)) {
				element_fault(vc, op, VMXSCOPE_GMEM_GP, NULL);
				return VMXSCOPE_RESUME;
			}
			la = (u32)(op->s.base + off);
		} else {
			/* SDM 3.4.4: only FS and GS have a base in 64-bit mode. */
			la = off + (op->seg >= VMXSCOPE_SEG_FS ? op->s.base : 0);
		}
		/* SDM 6.15 "#AC": unaligned operand at CPL 3 with AM and AC. */
		if (align && (la & (op->size - 1))) {
			vmxscope_inject_exception(X86_TRAP_AC, true, 0);
			return VMXSCOPE_RESUME;
		}

		/* SDM 28.2.5: the CPU computed the first one itself. */
		if (!done && la != vmcs_readl(GUEST_LINEAR_ADDRESS))
			return vmxscope_give_back_error(vc, regs, "INS/OUTS linear address differs from the CPU's");

		/* The operand is checked before the port is touched. */
		r = vmxscope_gmem_map(&op->g, la, op->size, op->in, &span, &f);
		if (r != VMXSCOPE_GMEM_OK) {
			if (element_fault(vc, op, r, &f))
				return VMXSCOPE_RESUME;
			return vmxscope_give_back_error(vc, regs, r == VMXSCOPE_GMEM_NOT_RAM ?
					    "INS/OUTS operand not in RAM" :
					    "INS/OUTS operand's page tables kept changing");
		}
		if (op->in) {
			value = port_in(op->port, op->size);
			vmxscope_gmem_span_write(&span, &value);
		} else {
			vmxscope_gmem_span_read(&span, &value);
			port_out(op->port, op->size, value);
		}
		vmxscope_note_io(vc, op->port, op->size, op->in, value);
		hit = breakpoints(dr7, op->port, op->size, true, false) |
		      breakpoints(dr7, la, op->size, false, op->in);

		write_sized(ptr, *ptr + step, op->ad);
		if (op->rep)
			write_sized(&regs->rcx, regs->rcx - 1, op->ad);
		done++;
	}
	owe_debug_trap(hit);
	if (done < count) {
		/* Iterations remain: resume at the same instruction. */
		if (rflags & X86_EFLAGS_TF)
			vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
				    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) |
				    DR_STEP);
		return VMXSCOPE_RESUME;
	}
	vmxscope_skip_instruction();
	return VMXSCOPE_RESUME;
}

__root enum vmxscope_exit_action vmxscope_handle_io(struct vmxscope_cpu *vc,
					 struct vmxscope_regs *regs)
{
	unsigned long q = vmcs_readl(EXIT_QUALIFICATION);
	unsigned int size = IO_QUAL_SIZE(q);
	struct string_op op = {
		.port = IO_QUAL_PORT(q),
		.size = size,
		.in = q & IO_QUAL_IN,
		.rep = q & IO_QUAL_REP,
	};
	u64 basic;
	u32 info;

	if (size != 1 && size != 2 && size != 4)
		return vmxscope_give_back_error(vc, regs, "I/O exit with an unknown size");
	if (!(q & IO_QUAL_STRING))
		return handle_port(vc, regs, op.port, size, op.in);

	/* SDM A.1: IA32_VMX_BASIC[54] says INS/OUTS fill the info field. */
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	if (!(basic & VMX_BASIC_INOUT))
		return vmxscope_give_back_error(vc, regs, "INS/OUTS without instruction information");
	if (!vmxscope_gmem_init(&op.g, vmcs_readl(GUEST_RFLAGS)))
		return vmxscope_give_back_error(vc, regs, "INS/OUTS outside IA-32e paging");

	info = vmcs_read32(VMX_INSTRUCTION_INFO);
	op.ad = IO_INFO_ADDR_SIZE(info);
	if (op.ad > 2)
		return vmxscope_give_back_error(vc, regs, "INS/OUTS with an unknown address size");
	op.amask = op.ad == 2 ? ~0ULL : op.ad == 1 ? 0xffffffffULL : 0xffffULL;
	/* INS always writes ES:[rDI]; the field is undefined for it. */
	op.seg = op.in ? VMXSCOPE_SEG_ES : IO_INFO_SEG(info);
	if (op.seg > VMXSCOPE_SEG_GS)
		return vmxscope_give_back_error(vc, regs, "OUTS with an unknown segment");
	read_seg(op.seg, &op.s);
	op.compat = !(vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK);
	return handle_string(vc, regs, &op);
}
