// SPDX-License-Identifier: GPL-2.0
/*
 * A trapped exception exits to vmxscope (exception bitmap, SDM 25.2), is
 * counted, and is delivered to the guest as if nothing had happened: a
 * program gets the very same signal, si_code, si_addr and si_errno, and
 * resumes at the same RIP, with or without the trap.  Each case runs in a
 * child pinned to one CPU, once untrapped and once trapped, and compares;
 * the trapped run must raise that CPU's count of the vector by exactly the
 * number of exceptions raised (the untrapped one by none).
 */
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define X86_TRAP_DE	0
#define X86_TRAP_DB	1
#define X86_TRAP_BP	3
#define X86_TRAP_UD	6
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14

#define PFEC_W		(1U << 1)
#define PFEC_U		(1U << 2)

#define TIMES		3	/* exceptions raised per run */

/* Each stub: set up, then at insn_<name> the one instruction under test. */
#define USER_INSN(name, setup, insn)				\
	asm(".pushsection .text\n"				\
	    #name ":\n\t" setup "\n"				\
	    "insn_" #name ":\n\t" insn "\n\t"			\
	    "nop\n\t"						\
	    "ret\n"						\
	    ".popsection")

USER_INSN(do_ud2, "nop", "ud2");
USER_INSN(do_int3, "nop", "int3");
USER_INSN(do_div0, "xor %ecx, %ecx\n\tmov $1, %eax\n\txor %edx, %edx", "divl %ecx");
USER_INSN(do_hlt, "nop", "hlt");
USER_INSN(do_noncanon, "movabs $0x8000000000000000, %rax", "mov (%rax), %rax");
USER_INSN(do_null_read, "mov $0x18, %eax", "mov (%rax), %rax");
USER_INSN(do_ro_write, "nop", "movq $1, 0x40(%rdi)");
USER_INSN(do_step, "pushf\n\torl $0x100, (%rsp)\n\tpopf", "nop");
USER_INSN(do_icebp, "nop", ".byte 0xf1");
/* The address of a symbol of the asm above, without a C declaration. */
#define ASM_SYM(sym) ({ void *__p; asm("lea " #sym "(%%rip), %0" : "=r" (__p)); __p; })

typedef void (*stub_t)(void *arg);

/* What one run saw; in shared memory, written by the child. */
struct outcome {
	int raised;		/* signals caught */
	int same;		/* all of them had the same siginfo and RIP */
	int signo, code, err;
	void *addr;
	unsigned long rip;	/* RIP in the signal's ucontext */
	unsigned long long delta;	/* trap count of the vector */
	unsigned long long delta2;	/* ... of the second vector, if any */
	unsigned long dr6;	/* ptrace's view of DR6 (hardware breakpoint) */
	int done;
};

static struct outcome *out;
static sigjmp_buf jmp;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned long rip = uc->uc_mcontext.gregs[REG_RIP];

	if (!out->raised) {
		out->signo = si->si_signo;
		out->code = si->si_code;
		out->err = si->si_errno;
		out->addr = si->si_addr;
		out->rip = rip;
	} else if (out->signo != si->si_signo || out->code != si->si_code ||
		   out->err != si->si_errno || out->addr != si->si_addr ||
		   out->rip != rip) {
		out->same = 0;
	}
	out->raised++;
	siglongjmp(jmp, 1);
}

static struct vmxscope_trap_count counts[1024];

/* This CPU's trap count of @vector (0 if never counted), ~0 on error. */
static unsigned long long exc_count(int fd, int cpu, int vector)
{
	struct vmxscope_trap_stats s = {
		.cpu = cpu,
		.capacity = ARRAY_SIZE(counts),
		.counts = (uintptr_t)counts,
	};
	unsigned int i;

	if (ioctl(fd, VMXSCOPE_GET_TRAP_STATS, &s))
		return ~0ULL;
	for (i = 0; i < s.nr && i < s.capacity; i++)
		if (counts[i].kind == VMXSCOPE_KIND_EXC && counts[i].id == vector)
			return counts[i].reads;
	return 0;
}

static int trap_exc(int fd, int vector, unsigned int mask, unsigned int match)
{
	struct vmxscope_exc_trap t = {
		.vector = vector, .pfec_mask = mask, .pfec_match = match,
	};

	return ioctl(fd, VMXSCOPE_TRAP_EXC, &t) ? -errno : 0;
}

/* A trap is named by all it was set with, #PF's mask and match too. */
static int untrap_exc(int fd, int vector, unsigned int mask, unsigned int match)
{
	struct vmxscope_exc_trap t = {
		.vector = vector, .pfec_mask = mask, .pfec_match = match,
	};

	return ioctl(fd, VMXSCOPE_UNTRAP_EXC, &t) ? -errno : 0;
}

/*
 * In a child pinned to @cpu, with all its memory locked (no demand or COW
 * faults of its own): @n1 calls of @fn1, then @n2 of @fn2, each expected to
 * raise @sig.  The counts of @vec1/@vec2 are taken around them.
 */
static int run_child(int fd, int cpu, int sig, stub_t fn1, int n1,
		     stub_t fn2, int n2, void *arg, int vec1, int vec2)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	unsigned long long b1, b2 = 0;
	int status, i;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->same = 1;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (vmxscope_pin(cpu) || mlockall(MCL_CURRENT | MCL_FUTURE) ||
		    sigaction(sig, &sa, NULL))
			_exit(1);
		b1 = exc_count(fd, cpu, vec1);
		if (vec2 >= 0)
			b2 = exc_count(fd, cpu, vec2);
		for (i = 0; i < n1 + n2; i++)
			if (!sigsetjmp(jmp, 1))
				(i < n1 ? fn1 : fn2)(arg);
		out->delta = exc_count(fd, cpu, vec1) - b1;
		if (vec2 >= 0)
			out->delta2 = exc_count(fd, cpu, vec2) - b2;
		out->done = 1;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) && out->done ? 0 : -EIO;
}

FIXTURE(exc) {
	int fd, cpu;
	char *ro;		/* a read-only page */
};

FIXTURE_SETUP(exc)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	ASSERT_EQ(0, vmxscope_pin(self->cpu));
	out = mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, out);
	self->ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, self->ro);
}

FIXTURE_TEARDOWN(exc)
{
	close(self->fd);	/* drops this file's traps */
	munmap(out, sizeof(*out));
	munmap(self->ro, 4096);
}

/*
 * @fn raises @sig through @vector: untrapped, then trapped (with @mask and
 * @match for #PF), the same signals; the trapped run counted exactly
 * (@exact) or at least (#PF of the whole system) TIMES exceptions.
 */
static void same_signal(struct __test_metadata *_metadata, int fd, int cpu,
			int vector, int sig, stub_t fn, void *arg,
			unsigned int mask, unsigned int match, bool exact,
			struct outcome *plain)
{
	struct outcome bare;

	ASSERT_EQ(0, run_child(fd, cpu, sig, fn, TIMES, NULL, 0, arg, vector, -1));
	bare = *out;
	ASSERT_EQ(TIMES, bare.raised);
	EXPECT_TRUE(bare.same);
	EXPECT_EQ(0, bare.delta) TH_LOG("vector %d counted while untrapped", vector);

	ASSERT_EQ(0, trap_exc(fd, vector, mask, match));
	ASSERT_EQ(0, run_child(fd, cpu, sig, fn, TIMES, NULL, 0, arg, vector, -1));
	ASSERT_EQ(0, untrap_exc(fd, vector, mask, match));
	ASSERT_EQ(TIMES, out->raised);
	EXPECT_TRUE(out->same);
	TH_LOG("vector %d: signo %d code %d errno %d addr %p rip %#lx, trapped %d/%llu",
	       vector, bare.signo, bare.code, bare.err, bare.addr, bare.rip,
	       TIMES, out->delta);
	EXPECT_EQ(bare.signo, out->signo);
	EXPECT_EQ(bare.code, out->code);
	EXPECT_EQ(bare.err, out->err);
	EXPECT_EQ(bare.addr, out->addr);
	EXPECT_EQ(bare.rip, out->rip);
	/* Every #PF of the CPU is trapped with 0/0: at least ours. */
	EXPECT_LE(TIMES, out->delta);
	EXPECT_TRUE(!exact || out->delta == TIMES)
		TH_LOG("vector %d: %llu counted, %d raised", vector, out->delta, TIMES);
	if (plain)
		*plain = bare;
}

TEST_F(exc, ud_ud2)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_UD, SIGILL,
		    ASM_SYM(do_ud2), NULL, 0, 0, true, &o);
	EXPECT_EQ(ILL_ILLOPN, o.code);
	EXPECT_EQ(ASM_SYM(insn_do_ud2), o.addr);
}

/* INT3 is a software exception: the handler sees RIP after it. */
TEST_F(exc, bp_int3)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_BP, SIGTRAP,
		    ASM_SYM(do_int3), NULL, 0, 0, true, &o);
	EXPECT_EQ((unsigned long)ASM_SYM(insn_do_int3) + 1, o.rip);
}

TEST_F(exc, de_div_by_zero)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_DE, SIGFPE,
		    ASM_SYM(do_div0), NULL, 0, 0, true, &o);
	EXPECT_EQ(FPE_INTDIV, o.code);
	EXPECT_EQ(ASM_SYM(insn_do_div0), o.addr);
}

TEST_F(exc, gp_hlt_in_user)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_GP, SIGSEGV,
		    ASM_SYM(do_hlt), NULL, 0, 0, true, &o);
	EXPECT_EQ(SI_KERNEL, o.code);
	EXPECT_EQ((unsigned long)ASM_SYM(insn_do_hlt), o.rip);
}

TEST_F(exc, gp_noncanonical_load)
{
	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_GP, SIGSEGV,
		    ASM_SYM(do_noncanon), NULL, 0, 0, true, NULL);
}

/* si_addr of a #PF is CR2: vmxscope must have written it for the guest. */
TEST_F(exc, pf_null_read)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_PF, SIGSEGV,
		    ASM_SYM(do_null_read), NULL, 0, 0, false, &o);
	EXPECT_EQ(SEGV_MAPERR, o.code);
	EXPECT_EQ((void *)0x18, o.addr);
}

TEST_F(exc, pf_write_read_only)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_PF, SIGSEGV,
		    ASM_SYM(do_ro_write), self->ro, 0, 0, false, &o);
	EXPECT_EQ(SEGV_ACCERR, o.code);
	EXPECT_EQ(self->ro + 0x40, o.addr);
}

/*
 * Only user-mode write faults trapped (SDM 25.2: (PFEC & mask) == match):
 * of reads and writes, just the writes are counted, and both still get
 * their signals right.
 */
TEST_F(exc, pf_mask_match_counts_only_writes)
{
	const unsigned int m = PFEC_U | PFEC_W;

	ASSERT_EQ(0, trap_exc(self->fd, X86_TRAP_PF, m, m));
	ASSERT_EQ(0, run_child(self->fd, self->cpu, SIGSEGV,
			       ASM_SYM(do_null_read), TIMES,
			       ASM_SYM(do_ro_write), 2 * TIMES, self->ro,
			       X86_TRAP_PF, -1));
	ASSERT_EQ(0, untrap_exc(self->fd, X86_TRAP_PF, m, m));
	EXPECT_EQ(3 * TIMES, out->raised);
	EXPECT_EQ(2 * TIMES, out->delta);
}

/* TF: the single-step #DB must leave DR6.BS set for Linux (TRAP_TRACE). */
TEST_F(exc, db_single_step)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_DB, SIGTRAP,
		    ASM_SYM(do_step), NULL, 0, 0, true, &o);
	EXPECT_EQ(TRAP_TRACE, o.code);
}

/* INT1 (ICEBP) is a privileged software exception: RIP after it. */
TEST_F(exc, db_icebp)
{
	struct outcome o;

	same_signal(_metadata, self->fd, self->cpu, X86_TRAP_DB, SIGTRAP,
		    ASM_SYM(do_icebp), NULL, 0, 0, true, &o);
	EXPECT_EQ((unsigned long)ASM_SYM(insn_do_icebp) + 1, o.rip);
}

static unsigned long watched;

/*
 * A write breakpoint in DR0 set by ptrace: the tracer sees SIGTRAP with
 * TRAP_HWBKPT and B0 in DR6, which Linux only finds if DR6 was updated.
 */
static int hw_breakpoint(int fd, int cpu, struct outcome *o)
{
	unsigned long long before;
	siginfo_t si;
	int status;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (vmxscope_pin(cpu) || ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		asm volatile("movq $1, %0" : "=m" (watched));
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -EIO;
	if (ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[0]),
		   &watched) ||
	    ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]),
		   1UL | (0x9UL << 16)))	/* L0, RW0 = write, LEN0 = 8 */
		goto kill;
	before = exc_count(fd, cpu, X86_TRAP_DB);
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) ||
	    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTRAP)
		goto kill;
	o->delta = exc_count(fd, cpu, X86_TRAP_DB) - before;
	if (ptrace(PTRACE_GETSIGINFO, pid, NULL, &si))
		goto kill;
	o->raised = 1;
	o->signo = si.si_signo;
	o->code = si.si_code;
	o->err = si.si_errno;
	o->addr = si.si_addr;
	errno = 0;
	o->dr6 = ptrace(PTRACE_PEEKUSER, pid,
			offsetof(struct user, u_debugreg[6]), NULL);
kill:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return o->raised ? 0 : -EIO;
}

TEST_F(exc, db_hw_breakpoint)
{
	struct outcome bare, trapped;

	ASSERT_EQ(0, hw_breakpoint(self->fd, self->cpu, &bare));
	EXPECT_EQ(0, bare.delta);
	ASSERT_EQ(0, trap_exc(self->fd, X86_TRAP_DB, 0, 0));
	ASSERT_EQ(0, hw_breakpoint(self->fd, self->cpu, &trapped));
	ASSERT_EQ(0, untrap_exc(self->fd, X86_TRAP_DB, 0, 0));
	TH_LOG("signo %d code %d addr %p dr6 %#lx, trapped %llu",
	       bare.signo, bare.code, bare.addr, bare.dr6, trapped.delta);
	EXPECT_EQ(TRAP_HWBKPT, bare.code);
	EXPECT_EQ(bare.signo, trapped.signo);
	EXPECT_EQ(bare.code, trapped.code);
	EXPECT_EQ(bare.err, trapped.err);
	EXPECT_EQ(bare.addr, trapped.addr);
	EXPECT_EQ(bare.dr6, trapped.dr6);
	EXPECT_EQ(1, trapped.delta);
}

/* With #PF, #GP, #UD, #BP and #DB all trapped, the system keeps running. */
TEST_F(exc, all_at_once_then_workload)
{
	static const int v[] = { X86_TRAP_PF, X86_TRAP_GP, X86_TRAP_UD,
				 X86_TRAP_BP, X86_TRAP_DB, X86_TRAP_DE };
	unsigned int i;
	int status, p[2];
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		ASSERT_EQ(0, trap_exc(self->fd, v[i], 0, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c",
		      "for i in 1 2 3 4 5; do ls / >/dev/null; cat /proc/cpuinfo >/dev/null; done",
		      (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_LT(0, exc_count(self->fd, self->cpu, X86_TRAP_PF));

	/* Kernel faults on user addresses still reach their fixups. */
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, syscall(SYS_write, p[1], 0x18UL, 8UL));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(8, write(p[1], "12345678", 8));
	EXPECT_EQ(-1, read(p[0], self->ro, 8));
	EXPECT_EQ(EFAULT, errno);
	close(p[0]);
	close(p[1]);
	ASSERT_EQ(0, run_child(self->fd, self->cpu, SIGSEGV,
			       ASM_SYM(do_ro_write), TIMES, NULL, 0, self->ro,
			       X86_TRAP_PF, X86_TRAP_GP));
	EXPECT_EQ(TIMES, out->raised);
	EXPECT_EQ(self->ro + 0x40, out->addr);
	EXPECT_EQ(0, out->delta2);
}

TEST_HARNESS_MAIN
