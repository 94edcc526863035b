// SPDX-License-Identifier: GPL-2.0
/*
 * VMX instructions from ring 3 exit to vmxscope in non-root mode (SDM
 * 26.1.2) and must look as they do without VMX: #UD, i.e. SIGILL with
 * ILL_ILLOPN at the instruction.  vmxscope's own leave VMCALL needs ring 0
 * and a key, so a user VMCALL carrying its magic changes nothing either.
 */
#include <setjmp.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

/* Each stub: set up, then at insn_<name> the one instruction under test. */
#define USER_INSN(name, setup, insn)				\
	asm(".pushsection .text\n"				\
	    #name ":\n\t" setup "\n"				\
	    "insn_" #name ":\n\t" insn "\n\t"			\
	    "ret\n"						\
	    ".popsection")

USER_INSN(do_vmcall, "movabs $0x766d7873636f0001, %rax\n\txor %edx, %edx", "vmcall");
USER_INSN(do_vmxon, "nop", "vmxon (%rsp)");
USER_INSN(do_vmread, "xor %eax, %eax", "vmread %rax, %rcx");
/* The address of a symbol of the asm above, without a C declaration. */
#define ASM_SYM(sym) ({ void *__p; asm("lea " #sym "(%%rip), %0" : "=r" (__p)); __p; })

static sigjmp_buf jmp;
static siginfo_t last;

static void on_sigill(int sig, siginfo_t *si, void *uc)
{
	last = *si;
	siglongjmp(jmp, 1);
}

/* Runs @fn; true if it raised SIGILL (then @last holds the siginfo). */
static bool raises_sigill(void *fn)
{
	memset(&last, 0, sizeof(last));
	if (sigsetjmp(jmp, 1))
		return true;
	((void (*)(void))fn)();
	return false;
}

static unsigned long long count_on(int cpu, const char *reason)
{
	unsigned long long c[64] = { 0 };

	vmxscope_exit_counts(reason, c, cpu + 1);
	return c[cpu];
}

FIXTURE(user) {
	int cpu;
};

FIXTURE_SETUP(user)
{
	struct sigaction sa = { .sa_sigaction = on_sigill, .sa_flags = SA_SIGINFO };

	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, sigaction(SIGILL, &sa, NULL));
	self->cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	ASSERT_LT(self->cpu, 64);
	ASSERT_EQ(0, vmxscope_pin(self->cpu));
}

FIXTURE_TEARDOWN(user)
{
	signal(SIGILL, SIG_DFL);
}

static void expect_sigill(struct __test_metadata *_metadata, int cpu,
			  const char *reason, void *fn, void *insn)
{
	unsigned long long before = count_on(cpu, reason);

	ASSERT_TRUE(raises_sigill(fn)) TH_LOG("%s: no SIGILL", reason);
	EXPECT_EQ(SIGILL, last.si_signo);
	EXPECT_EQ(ILL_ILLOPN, last.si_code) TH_LOG("%s", reason);
	EXPECT_EQ(insn, last.si_addr) TH_LOG("%s", reason);
	/* The #UD came from vmxscope: the instruction exited on this CPU. */
	EXPECT_EQ(before + 1, count_on(cpu, reason)) TH_LOG("%s", reason);
}

TEST_F(user, vmcall_with_leave_magic_is_sigill)
{
	expect_sigill(_metadata, self->cpu, "VMCALL",
		      ASM_SYM(do_vmcall), ASM_SYM(insn_do_vmcall));
}

TEST_F(user, vmxon_is_sigill)
{
	expect_sigill(_metadata, self->cpu, "VMXON",
		      ASM_SYM(do_vmxon), ASM_SYM(insn_do_vmxon));
}

TEST_F(user, vmread_is_sigill)
{
	expect_sigill(_metadata, self->cpu, "VMREAD",
		      ASM_SYM(do_vmread), ASM_SYM(insn_do_vmread));
}

/* After all of them vmxscope is loaded and this CPU still in non-root mode. */
TEST_F(user, still_virtualized_afterwards)
{
	unsigned long long before;
	unsigned int regs[4];

	ASSERT_TRUE(raises_sigill(ASM_SYM(do_vmcall)));
	EXPECT_TRUE(vmxscope_loaded());
	before = count_on(self->cpu, "CPUID");
	vmxscope_cpuid(0, regs);
	EXPECT_EQ(before + 1, count_on(self->cpu, "CPUID"));
}

TEST_HARNESS_MAIN
