// SPDX-License-Identifier: GPL-2.0
/*
 * Root mode's IDT (HOST_IDTR_BASE, SDM 25.5): a copy of Linux's, so that
 * a bug in root still reaches Linux's handlers and is reported, with two
 * gates of vmxscope's own (entry.S, fixup.S):
 * - NMI: recorded for the guest, never handled by Linux in root (nmi.c);
 * - #GP: the MSR and XSETBV instructions root runs for the guest resume
 *   past their fault (vmxscope_fixups), without Linux's fixup code.
 * Both use IST 0: root always runs on its own stack.
 */
#include <linux/gfp.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include <asm/trapnr.h>

#include "vmx.h"

static struct gate_struct *root_idt;

int vmxscope_root_idt_init(void)
{
	struct desc_ptr idt;

	root_idt = (struct gate_struct *)get_zeroed_page(GFP_KERNEL);
	if (!root_idt)
		return -ENOMEM;
	store_idt(&idt);
	memcpy(root_idt, (void *)idt.address,
	       min_t(unsigned long, idt.size + 1, PAGE_SIZE));
	vmxscope_linux_gp = gate_offset(&root_idt[X86_TRAP_GP]);
	pack_gate(&root_idt[X86_TRAP_NMI], GATE_INTERRUPT,
		  (unsigned long)vmxscope_root_nmi, 0, 0, __KERNEL_CS);
	pack_gate(&root_idt[X86_TRAP_GP], GATE_INTERRUPT,
		  (unsigned long)vmxscope_root_gp, 0, 0, __KERNEL_CS);
	vmxscope_cfg.host_idt = (unsigned long)root_idt;
	return 0;
}

void vmxscope_root_idt_free(void)
{
	free_page((unsigned long)root_idt);
	root_idt = NULL;
}
