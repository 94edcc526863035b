/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM-exit entry point (HOST_RIP).  A VM exit loads only the host
 * state of the VMCS (SDM 28.5): the guest's general registers are still
 * live, so they are saved here as struct vmxscope_regs, below an IRET frame
 * that the give-back path fills in.
 */
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/unwind_hints.h>

#include "entry.h"
#include "root.h"

.macro PUSH_GUEST_REGS
	/* the IRET frame and the give-back path's selectors and bases */
	sub	$(VMXSCOPE_REGS_SIZE - VMXSCOPE_REGS_RIP), %rsp
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro POP_GUEST_REGS
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
.endm

	ROOT_TEXT
SYM_CODE_START(vmxscope_vmexit)
	UNWIND_HINT_EMPTY
	ENDBR
	PUSH_GUEST_REGS
	mov	%rsp, %rdi
	call	vmxscope_handle_exit	/* 0: resume, else give the CPU back */
	test	%eax, %eax
	jnz	vmxscope_gave_back
	POP_GUEST_REGS
	add	$(VMXSCOPE_REGS_SIZE - VMXSCOPE_REGS_RIP), %rsp
	vmresume

	/* VMRESUME failed (SDM 31.2): report it, then give the CPU back. */
	PUSH_GUEST_REGS
	mov	%rsp, %rdi
	call	vmxscope_resume_failed
	jmp	vmxscope_gave_back
SYM_CODE_END(vmxscope_vmexit)

	.text
/*
 * The one way out of root's code (Documentation/design.rst): VMX is off
 * (vmxscope_give_back), and vmxscope_after_give_back() flushes the TLB and
 * loads the guest's control registers, tables and MSRs before Linux's
 * code may run again.  Same stack and frame as vmxscope_vmexit.
 */
SYM_CODE_START(vmxscope_gave_back)
	UNWIND_HINT_EMPTY
	ENDBR
	call	vmxscope_after_give_back
	/*
	 * A VM exit nulled LDTR and loaded the host's DS/ES/FS/GS (SDM
	 * 28.5.2): reload the guest's, LDTR first since they may select from
	 * the LDT, and the FS/GS bases after their selectors, which load a
	 * base of their own.  From the GS base on nothing here may use %gs
	 * (no C, no stack protector): it may be the guest's user GS base.
	 */
	lldt	VMXSCOPE_REGS_LDTR(%rsp)
	mov	VMXSCOPE_REGS_DS(%rsp), %ds
	mov	VMXSCOPE_REGS_ES(%rsp), %es
	mov	VMXSCOPE_REGS_FS(%rsp), %fs
	mov	VMXSCOPE_REGS_GS(%rsp), %gs
	mov	$MSR_FS_BASE, %ecx
	mov	VMXSCOPE_REGS_FS_BASE(%rsp), %eax
	mov	VMXSCOPE_REGS_FS_BASE + 4(%rsp), %edx
	wrmsr
	mov	$MSR_GS_BASE, %ecx
	mov	VMXSCOPE_REGS_GS_BASE(%rsp), %eax
	mov	VMXSCOPE_REGS_GS_BASE + 4(%rsp), %edx
	wrmsr
	/* The guest's registers, then its RIP, CS, RFLAGS, RSP and SS. */
	POP_GUEST_REGS
	iretq
SYM_CODE_END(vmxscope_gave_back)

	ROOT_TEXT
/*
 * Root mode's NMI gate (nmi.c): an NMI that hits vmxscope while it handles
 * an exit, on root's stack.  Only recorded, for injection into the guest;
 * the C callee preserves the rest, and the IRET unblocks NMIs.
 */
SYM_CODE_START(vmxscope_root_nmi)
	UNWIND_HINT_IRET_REGS
	ENDBR
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	call	vmxscope_root_nmi_record
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
SYM_CODE_END(vmxscope_root_nmi)
