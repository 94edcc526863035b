/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout of struct vmxscope_regs (vmx.h) as entry.S builds it on the host
 * stack; cpu.c checks at build time that the two agree.
 */
#ifndef _VMXSCOPE_ENTRY_H
#define _VMXSCOPE_ENTRY_H

#define VMXSCOPE_REGS_RIP	(15 * 8)	/* the IRET frame */
#define VMXSCOPE_REGS_LDTR	(20 * 8)	/* selectors, then bases */
#define VMXSCOPE_REGS_DS	(21 * 8)
#define VMXSCOPE_REGS_ES	(22 * 8)
#define VMXSCOPE_REGS_FS	(23 * 8)
#define VMXSCOPE_REGS_GS	(24 * 8)
#define VMXSCOPE_REGS_FS_BASE	(25 * 8)
#define VMXSCOPE_REGS_GS_BASE	(26 * 8)
#define VMXSCOPE_REGS_SIZE	(28 * 8)	/* keeps calls 16-byte aligned */

#endif /* _VMXSCOPE_ENTRY_H */
