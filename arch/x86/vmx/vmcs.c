// SPDX-License-Identifier: GPL-2.0
/*
 * Filling the VMCS of one CPU, area by area as seed 000 lays them out:
 * guest state (the CPU's live state), host state (vmxscope's exit context),
 * VM-execution, VM-exit and VM-entry controls.  The sixth area, VM-exit
 * information, is read-only and only read in exit.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include <uapi/linux/vmxscope_vmcs.h>

#include "vmcs.h"
#include "vmx.h"


/* The guest segment registers' fields (SDM 25.4.1), in enum vmxscope_seg order. */
#define SEG_FIELDS(seg)	{ GUEST_##seg##_SELECTOR, \
		GUEST_##seg##_BASE, GUEST_##seg##_LIMIT, GUEST_##seg##_AR_BYTES },
const struct vmxscope_seg_fields vmxscope_seg_fields[VMXSCOPE_NR_SEGS] = {
	VMXSCOPE_SEGS(SEG_FIELDS)
};

static u16 read_ldtr(void)
{
	u16 sel;

	asm volatile("sldt %0" : "=rm" (sel));
	return sel;
}

static u16 read_tr(void)
{
	u16 sel;

	asm volatile("str %0" : "=rm" (sel));
	return sel;
}

/* LAR: access rights in bits 23:8 (SDM Vol. 2A "LAR"); ZF=0 if invalid. */
static bool seg_access_rights(u16 sel, u32 *ar)
{
	unsigned long v;
	bool ok;

	asm("lar %[sel], %[v]" : [v] "=r" (v), "=@ccz" (ok) : [sel] "rm" ((unsigned long)sel));
	*ar = ok ? (v >> 8) & 0xf0ff : 0;
	return ok;
}

/* LSL: the byte-granular limit the VMCS wants (SDM 25.4.1). */
static u32 seg_limit(u16 sel)
{
	unsigned long v;
	bool ok;

	asm("lsl %[sel], %[v]" : [v] "=r" (v), "=@ccz" (ok) : [sel] "rm" ((unsigned long)sel));
	return ok ? v : 0;
}

/* Base of a GDT descriptor; 16-byte system descriptors have bits 63:32. */
static unsigned long gdt_base(const struct desc_ptr *gdt, u16 sel, bool system)
{
	const struct desc_struct *d = (void *)(gdt->address + (sel & ~7));
	unsigned long base = get_desc_base(d);

	if (system)
		base |= (unsigned long)((const struct ldttss_desc *)d)->base3 << 32;
	return base;
}

/*
 * One guest segment from the live selector: null selectors are unusable
 * (SDM 26.3.1.2), usable ones take LAR/LSL and the descriptor's base.
 * In 64-bit mode FS/GS bases come from their MSRs instead.
 */
static void guest_segment(enum vmxscope_seg seg, u16 sel,
			  const struct desc_ptr *gdt, bool system)
{
	const struct vmxscope_seg_fields *f = &vmxscope_seg_fields[seg];
	u32 ar = 0;

	vmcs_write16(f->sel, sel);
	if (!(sel & ~3) || !seg_access_rights(sel, &ar)) {
		vmcs_write32(f->ar, VMX_AR_UNUSABLE_MASK);
		vmcs_write32(f->limit, 0);
		vmcs_writel(f->base, 0);
		return;
	}
	vmcs_write32(f->ar, ar);
	vmcs_write32(f->limit, seg_limit(sel));
	/* LDT-based data selectors: base ignored in 64-bit mode (SDM 3.4.4). */
	vmcs_writel(f->base, sel & 4 ? 0 : gdt_base(gdt, sel, system));
}

/* Guest-state area (SDM 25.4): what this CPU is running right now. */
static void setup_guest_state(void)
{
	struct desc_ptr gdt, idt;
	u64 msr;
	u16 sel;

	vmcs_writel(GUEST_CR0, native_read_cr0());
	vmcs_writel(GUEST_CR3, __native_read_cr3());
	vmcs_writel(GUEST_CR4, native_read_cr4());
	vmcs_writel(GUEST_DR7, native_get_debugreg(7));
	/* GUEST_RSP, GUEST_RIP and GUEST_RFLAGS are written by vmxscope_launch. */

	native_store_gdt(&gdt);
	store_idt(&idt);
	asm("mov %%es, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_ES, sel, &gdt, false);
	asm("mov %%cs, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_CS, sel, &gdt, false);
	asm("mov %%ss, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_SS, sel, &gdt, false);
	asm("mov %%ds, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_DS, sel, &gdt, false);
	asm("mov %%fs, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_FS, sel, &gdt, false);
	asm("mov %%gs, %0" : "=r" (sel));
	guest_segment(VMXSCOPE_SEG_GS, sel, &gdt, false);
	guest_segment(VMXSCOPE_SEG_LDTR, read_ldtr(), &gdt, true);
	guest_segment(VMXSCOPE_SEG_TR, read_tr(), &gdt, true);
	rdmsrl(MSR_FS_BASE, msr);
	vmcs_writel(GUEST_FS_BASE, msr);
	rdmsrl(MSR_GS_BASE, msr);
	vmcs_writel(GUEST_GS_BASE, msr);

	vmcs_writel(GUEST_GDTR_BASE, gdt.address);
	vmcs_write32(GUEST_GDTR_LIMIT, gdt.size);
	vmcs_writel(GUEST_IDTR_BASE, idt.address);
	vmcs_write32(GUEST_IDTR_LIMIT, idt.size);

	rdmsrl(MSR_IA32_DEBUGCTLMSR, msr);
	vmcs_write64(GUEST_IA32_DEBUGCTL, msr);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(GUEST_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_writel(GUEST_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(GUEST_SYSENTER_EIP, msr);
	rdmsrl(MSR_IA32_CR_PAT, msr);
	vmcs_write64(GUEST_IA32_PAT, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write64(GUEST_IA32_EFER, msr);

	/* Non-register state (SDM 25.4.2): active, nothing blocked. */
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	/* SDM 26.3.1.5: all ones when VMCS shadowing is not used. */
	vmcs_write64(VMCS_LINK_POINTER, -1ULL);
}

/*
 * Host-state area (SDM 25.5): where a VM exit lands.  Linux's own GDT,
 * TSS and per-CPU GS base, so that per-CPU data works in root mode;
 * vmxscope's IDT (nmi.c) and a CR3 of vmxscope's that maps the kernel
 * half only.
 */
static void setup_host_state(struct vmxscope_cpu *vc)
{
	struct desc_ptr gdt;
	u64 msr;

	vmcs_writel(HOST_CR0, native_read_cr0());
	vmcs_writel(HOST_CR3, vmxscope_cfg.host_cr3);
	vmcs_writel(HOST_CR4, native_read_cr4());

	/* SDM 26.2.3: RPL and TI of host selectors are 0; CS and TR not null. */
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	/* Root's own IDT: NMIs in root are recorded, not handled (nmi.c). */
	vmcs_writel(HOST_IDTR_BASE, vmxscope_cfg.host_idt);
	vmcs_writel(HOST_TR_BASE, gdt_base(&gdt, GDT_ENTRY_TSS * 8, true));
	rdmsrl(MSR_FS_BASE, msr);
	vmcs_writel(HOST_FS_BASE, msr);
	rdmsrl(MSR_GS_BASE, msr);
	vmcs_writel(HOST_GS_BASE, msr);

	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_IA32_CR_PAT, msr);
	vmcs_write64(HOST_IA32_PAT, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write64(HOST_IA32_EFER, msr);

	/* 16-byte aligned so that the exit handler's calls are ABI-aligned. */
	vmcs_writel(HOST_RSP, (unsigned long)vc->stack +
		    VMXSCOPE_HOST_STACK_SIZE - 16);
	vmcs_writel(HOST_RIP, (unsigned long)vmxscope_vmexit);
}

/* VM-execution control fields (SDM 25.6, seed book §3.5). */
static void setup_exec_controls(struct vmxscope_cpu *vc)
{
	const struct vmxscope_config *c = &vmxscope_cfg;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, c->proc);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, c->proc2);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	/* This CPU's own bitmaps and exception bitmap: the traps in force. */
	vmcs_write64(IO_BITMAP_A, __pa(vc->io_bitmaps));
	vmcs_write64(IO_BITMAP_B, __pa(vc->io_bitmaps) + PAGE_SIZE);
	vmcs_write64(MSR_BITMAP, __pa(vc->msr_bitmap));
	vmxscope_trap_apply(vc);
	vmcs_write64(EPT_POINTER, c->eptp);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, vc->vpid);
	if (c->proc2 & SECONDARY_EXEC_XSAVES)
		vmcs_write64(XSS_EXIT_BITMAP, 0);

	/*
	 * Host-owned bits (SDM 25.3, seed book §3.5.7): the guest reads the
	 * shadow, and only writes that differ from it exit.  CR0.PG: turning
	 * paging off means leaving this kernel (kexec, reboot to real mode),
	 * so that CPU is given back (exit_cr.c).  CR4.VMXE: the guest reads
	 * 0, and its writes of 0 neither exit nor clear the real bit.
	 */
	vmcs_writel(CR0_GUEST_HOST_MASK, X86_CR0_PG);
	vmcs_writel(CR0_READ_SHADOW, native_read_cr0());
	vmcs_writel(CR4_GUEST_HOST_MASK, X86_CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, native_read_cr4() & ~X86_CR4_VMXE);
}

/* VM-exit and VM-entry control fields (SDM 25.7, 25.8). */
static void setup_exit_entry_controls(void)
{
	vmcs_write32(VM_EXIT_CONTROLS, vmxscope_cfg.exit);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_CONTROLS, vmxscope_cfg.entry);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
}

/* Fills the current VMCS; -EIO if a VMWRITE failed (recorded, vmcs.h). */
int vmxscope_vmcs_setup(struct vmxscope_cpu *vc)
{
	setup_exec_controls(vc);
	setup_exit_entry_controls();
	setup_host_state(vc);
	setup_guest_state();
	return this_cpu_read(vmxscope_vmx_fail.insn) ? -EIO : 0;
}

#define DUMP_ENCODING(name, enc, area)	enc,
static const u16 dump_encodings[] = {
	VMXSCOPE_VMCS_FIELDS(DUMP_ENCODING)
};

/*
 * Root mode (VMXSCOPE_VMCALL_DUMP): every field of the uapi table into @out,
 * VMXSCOPE_NR_VMCS_FIELDS entries.  A failed VMREAD overwrites
 * VM_INSTRUCTION_ERROR, so that one is read first.
 */
__root void vmxscope_vmcs_dump(struct vmxscope_vmcs_field *out)
{
	u32 insn_error = vmcs_read32(VM_INSTRUCTION_ERROR);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dump_encodings); i++) {
		unsigned long v = 0;

		out[i].encoding = dump_encodings[i];
		out[i].flags = 0;
		if (dump_encodings[i] == VM_INSTRUCTION_ERROR)
			v = insn_error;
		else if (vmcs_read_try(dump_encodings[i], &v))
			out[i].flags = VMXSCOPE_VMCS_UNSUPPORTED;
		out[i].value = out[i].flags ? 0 : v;
	}
}

/* The uapi table's encodings are the kernel's (one table, checked). */
#define CHECK_FIELD(name, enc, area)	BUILD_BUG_ON_ZERO((name) != (enc)),
static const int vmcs_table_matches_kernel[] __maybe_unused = {
	VMXSCOPE_VMCS_FIELDS(CHECK_FIELD)
};

/* So are its segment access rights. */
static_assert(VMXSCOPE_AR_TYPE_MASK == VMX_AR_TYPE_MASK);
static_assert(VMXSCOPE_AR_S == VMX_AR_S_MASK);
static_assert(VMXSCOPE_AR_DPL_SHIFT == VMX_AR_DPL_SHIFT);
static_assert(VMXSCOPE_AR_P == VMX_AR_P_MASK);
static_assert(VMXSCOPE_AR_L == VMX_AR_L_MASK);
static_assert(VMXSCOPE_AR_DB == VMX_AR_DB_MASK);
static_assert(VMXSCOPE_AR_G == VMX_AR_G_MASK);
static_assert(VMXSCOPE_AR_UNUSABLE == VMX_AR_UNUSABLE_MASK);
static_assert(VMXSCOPE_AR_RESERVED == VMX_AR_RESERVD_MASK);
