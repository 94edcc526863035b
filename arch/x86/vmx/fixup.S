/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root mode's own exception fixups (root_idt.c): no Linux exception code
 * runs in root.
 */
#include <linux/errno.h>
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "root.h"

/*
 * Instructions root mode runs for the guest and that may #GP: each is
 * preceded by clearing %r11, and root's #GP gate (vmxscope_root_gp)
 * resumes a fault listed in vmxscope_fixups past it with %r11 = -EIO.
 * So an invalid MSR or XCR0 value faults in root without any of Linux's
 * exception handling, and the guest gets the #GP (exit_msr.c, exit.c).
 */

	ROOT_TEXT

/* int vmxscope_rdmsr_safe(u32 msr, u64 *val) */
SYM_FUNC_START(vmxscope_rdmsr_safe)
	mov	%edi, %ecx
	xor	%r11d, %r11d
.Lrdmsr:
	rdmsr
.Lrdmsr_resume:
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, (%rsi)
	mov	%r11d, %eax
	RET
SYM_FUNC_END(vmxscope_rdmsr_safe)

/* int vmxscope_wrmsr_safe(u32 msr, u64 val) */
SYM_FUNC_START(vmxscope_wrmsr_safe)
	mov	%edi, %ecx
	mov	%rsi, %rax
	mov	%rsi, %rdx
	shr	$32, %rdx
	xor	%r11d, %r11d
.Lwrmsr:
	wrmsr
.Lwrmsr_resume:
	mov	%r11d, %eax
	RET
SYM_FUNC_END(vmxscope_wrmsr_safe)

/* int vmxscope_xsetbv_safe(u32 index, u64 val) */
SYM_FUNC_START(vmxscope_xsetbv_safe)
	mov	%edi, %ecx
	mov	%rsi, %rax
	mov	%rsi, %rdx
	shr	$32, %rdx
	xor	%r11d, %r11d
.Lxsetbv:
	xsetbv
.Lxsetbv_resume:
	mov	%r11d, %eax
	RET
SYM_FUNC_END(vmxscope_xsetbv_safe)

/*
 * Root's #GP gate (root_idt.c).  Error code, then the IRET frame, on
 * root's stack.  A listed fault resumes at its resume point with
 * %r11 = -EIO; anything else is a bug in root mode and goes on to
 * Linux's handler, which reports it.
 */
SYM_CODE_START(vmxscope_root_gp)
	UNWIND_HINT_IRET_REGS offset=8
	ENDBR
	push	%rax
	push	%rcx
	mov	24(%rsp), %rax			/* the faulting RIP */
	lea	vmxscope_fixups(%rip), %rcx
.Lgp_next:
	cmpq	$0, (%rcx)
	je	.Lgp_linux
	cmp	(%rcx), %rax
	je	.Lgp_fixup
	add	$16, %rcx
	jmp	.Lgp_next
.Lgp_fixup:
	mov	8(%rcx), %rax
	mov	%rax, 24(%rsp)
	mov	$-EIO, %r11
	pop	%rcx
	pop	%rax
	add	$8, %rsp			/* the error code */
	iretq
.Lgp_linux:
	pop	%rcx
	pop	%rax
	ANNOTATE_RETPOLINE_SAFE
	jmp	*vmxscope_linux_gp(%rip)
SYM_CODE_END(vmxscope_root_gp)

	ROOT_RODATA
	.balign 8
vmxscope_fixups:
	.quad	.Lrdmsr, .Lrdmsr_resume
	.quad	.Lwrmsr, .Lwrmsr_resume
	.quad	.Lxsetbv, .Lxsetbv_resume
	.quad	0, 0

	/* Linux's #GP entry (root_idt.c), for what is not root's own. */
	.data
	.balign 8
SYM_DATA(vmxscope_linux_gp, .quad 0)
