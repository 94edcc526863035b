/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM-exit entry point (HOST_RIP).  A VM exit loads only the host
 * state of the VMCS (SDM 28.5): the guest's general registers are still
 * live, so they are saved here as struct vmxscope_regs, below an IRET frame
 * that the leave path fills in.
 */
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/unwind_hints.h>

.macro PUSH_GUEST_REGS
	sub	$40, %rsp		/* rip, cs, rflags, rsp, ss */
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

	.text
SYM_CODE_START(vmxscope_vmexit)
	UNWIND_HINT_EMPTY
	ENDBR
	PUSH_GUEST_REGS
	mov	%rsp, %rdi
	call	vmxscope_handle_exit	/* 0: resume, else leave VMX */
	test	%eax, %eax
	jnz	.Lleave
	POP_GUEST_REGS
	add	$40, %rsp
	vmresume

	/* VMRESUME failed (SDM 31.2): report it, then leave VMX. */
	PUSH_GUEST_REGS
	mov	%rsp, %rdi
	call	vmxscope_resume_failed
.Lleave:
	/* The guest's registers, then its RIP, CS, RFLAGS, RSP and SS. */
	POP_GUEST_REGS
	iretq
SYM_CODE_END(vmxscope_vmexit)
