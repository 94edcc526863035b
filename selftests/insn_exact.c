// SPDX-License-Identifier: GPL-2.0
/*
 * What vmxscope emulates looks exactly as on the bare CPU, flags and all.
 * Each case runs with vmxscope unloaded (bare) and loaded, on one CPU, and
 * compares:
 * - a ring-3 VMCALL's SIGILL: the RFLAGS the #UD pushed (RF set, as for
 *   every fault);
 * - PTRACE_SINGLEBLOCK (TF + DEBUGCTL.BTF) over CPUID, which exits: the
 *   stop comes after the next branch, not after the CPUID;
 * - ARCH_SET_CPUID (CPUID faulting, used by rr): CPUID at CPL 3 faults;
 * - writes the CPU refuses (EFER, PAT, DEBUGCTL, FS/GS base, SYSENTER,
 *   XCR0), tried in the kernel under a fixup by selftests/kmod: each gets
 *   exactly one #GP and the CPU stays virtualized.
 */
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define X86_EFLAGS_RF	0x10000UL
#define CPU		0

asm(".pushsection .text\n"
	"insn_exact_vmcall:\n\t"
	"vmcall\n\t"
	"ret\n"
	"insn_exact_block:\n\t"		/* PTRACE_SINGLEBLOCK starts here */
	"xor %eax, %eax\n\t"
	"cpuid\n\t"
	"jmp insn_exact_block_target\n\t"
	"ud2\n"
	"insn_exact_block_target:\n\t"
	"nop\n\t"
	"int3\n"
	".popsection");

#define ASM_SYM(sym) ({ void *__p; asm("lea " #sym "(%%rip), %0" : "=r" (__p)); __p; })

static sigjmp_buf jmp;
static unsigned long sig_eflags;

static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	sig_eflags = uc->uc_mcontext.gregs[REG_EFL];
	siglongjmp(jmp, 1);
}

/* RFLAGS in the SIGILL frame of a ring-3 VMCALL; 0 if none was raised. */
static unsigned long vmcall_sigill_eflags(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigill, .sa_flags = SA_SIGINFO };

	sig_eflags = 0;
	sigaction(SIGILL, &sa, NULL);
	if (!sigsetjmp(jmp, 1))
		((void (*)(void))ASM_SYM(insn_exact_vmcall))();
	signal(SIGILL, SIG_DFL);
	return sig_eflags;
}

/* Where PTRACE_SINGLEBLOCK from insn_exact_block stops; 0 on error. */
static unsigned long singleblock_stop(void)
{
	struct user_regs_struct regs;
	unsigned long rip = 0;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 0;
	if (!pid) {
		vmxscope_pin(CPU);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		goto out;
	if (ptrace(PTRACE_GETREGS, pid, 0, &regs))
		goto out;
	regs.rip = (unsigned long)ASM_SYM(insn_exact_block);
	if (ptrace(PTRACE_SETREGS, pid, 0, &regs) ||
	    ptrace(PTRACE_SINGLEBLOCK, pid, 0, 0))
		goto out;
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTRAP)
		goto out;
	if (!ptrace(PTRACE_GETREGS, pid, 0, &regs))
		rip = regs.rip;
out:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return rip;
}

/*
 * Child: ARCH_SET_CPUID 0, then CPUID.  Exit 0: it faulted (SIGSEGV),
 * 1: it did not, 2: no CPUID faulting here (ENODEV).
 */
static int cpuid_faulting(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		unsigned int regs[4];

		vmxscope_pin(CPU);
		if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0))
			_exit(errno == ENODEV ? 2 : 3);
		signal(SIGSEGV, SIG_DFL);
		vmxscope_cpuid(0, regs);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGSEGV ? 0 : -1;
	return WEXITSTATUS(status);
}

/* The helper module's verdicts, one character per case (kmod/). */
static int gp_results(char *out, size_t len, char *vmxe)
{
	int fd = open("/selftests/kmod/vmxscope_gp_test.ko", O_RDONLY | O_CLOEXEC);
	FILE *f;
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	f = fopen("/sys/module/vmxscope_gp_test/parameters/results", "r");
	ret = f && fgets(out, len, f) ? 0 : -EIO;
	if (f)
		fclose(f);
	out[strcspn(out, "\n")] = '\0';
	f = fopen("/sys/module/vmxscope_gp_test/parameters/vmxe", "r");
	if (!f || fscanf(f, " %c", vmxe) != 1)
		ret = -EIO;
	if (f)
		fclose(f);
	syscall(SYS_delete_module, "vmxscope_gp_test", O_NONBLOCK);
	return ret;
}

FIXTURE(exact) {
};

FIXTURE_SETUP(exact)
{
	ASSERT_EQ(0, vmxscope_pin(CPU));
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
}

FIXTURE_TEARDOWN(exact)
{
	vmxscope_ensure_loaded();
}

TEST_F(exact, vmcall_sigill_pushes_rf_as_bare)
{
	unsigned long bare, loaded;
	int ret;

	bare = vmcall_sigill_eflags();
	ASSERT_NE(0, bare) TH_LOG("no SIGILL on the bare CPU");
	ret = vmxscope_load(NULL);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	loaded = vmcall_sigill_eflags();
	ASSERT_NE(0, loaded) TH_LOG("no SIGILL with vmxscope");
	EXPECT_EQ(bare & X86_EFLAGS_RF, loaded & X86_EFLAGS_RF)
		TH_LOG("RFLAGS bare %#lx, with vmxscope %#lx", bare, loaded);
	EXPECT_EQ(bare, loaded);
}

TEST_F(exact, singleblock_over_cpuid_stops_as_bare)
{
	unsigned long bare, loaded;
	int ret;

	bare = singleblock_stop();
	ASSERT_NE(0, bare);
	ret = vmxscope_load(NULL);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	loaded = singleblock_stop();
	EXPECT_EQ(bare, loaded)
		TH_LOG("bare stops at %#lx, with vmxscope at %#lx (branch target %p)",
		       bare, loaded, ASM_SYM(insn_exact_block_target));
}

TEST_F(exact, cpuid_faulting_faults_as_bare)
{
	int bare, loaded, ret;

	bare = cpuid_faulting();
	if (bare == 2)
		SKIP(return, "no CPUID faulting on this CPU");
	ASSERT_EQ(0, bare) TH_LOG("bare: %d", bare);
	ret = vmxscope_load(NULL);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	loaded = cpuid_faulting();
	EXPECT_EQ(0, loaded) TH_LOG("with vmxscope: %d", loaded);
}

TEST_F(exact, refused_writes_get_one_gp_as_bare)
{
	char bare[64], loaded[64], vmxe_bare, vmxe_loaded;
	int ret, ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	ret = gp_results(bare, sizeof(bare), &vmxe_bare);
	ASSERT_EQ(0, ret) TH_LOG("helper module: %s", strerror(-ret));
	ret = vmxscope_load(NULL);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	ret = gp_results(loaded, sizeof(loaded), &vmxe_loaded);
	ASSERT_EQ(0, ret) TH_LOG("helper module: %s", strerror(-ret));
	TH_LOG("bare %s, with vmxscope %s", bare, loaded);
	EXPECT_STREQ(bare, loaded);
	/*
	 * CR4.VMXE: settable on the bare CPU, which has VMX; with vmxscope
	 * CPUID shows none, and then the bit is reserved (#GP).
	 */
	EXPECT_EQ('o', vmxe_bare);
	EXPECT_EQ('G', vmxe_loaded);
	EXPECT_EQ(ncpus, vmxscope_cpus_virtualized());
}

TEST_HARNESS_MAIN
