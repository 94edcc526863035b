// SPDX-License-Identifier: GPL-2.0
/*
 * Giving a CPU back restores the segment registers a VM exit clobbers: a
 * VM exit nulls LDTR and loads the host's DS/ES/FS/GS (SDM 28.5.2), and
 * Linux reloads neither a running task's data selectors nor its LDT.  One
 * thread per CPU holds LDT selectors in DS and ES, in 64-bit mode and in
 * compatibility mode, and keeps checking and reloading them while vmxscope
 * is unloaded under it: a lost LDT makes the reload fault (SIGSEGV), a
 * lost selector shows as a changed DS or ES.
 */
#include <asm/ldt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define STR_(x)		#x
#define STR(x)		STR_(x)

#define LDT_SEL		((0 << 3) | 4 | 3)	/* entry 0, TI=LDT, RPL 3 */
#define USER32_CS	0x23			/* Linux's __USER32_CS */
#define USER_CS		0x33			/* Linux's __USER_CS */
#define SPIN_ROUNDS	2000000UL		/* between looks at the clock */

/* Shared by the spinner threads and the thread that unloads. */
static int stop, spinning;

/* Flat 4 GiB writable data segment, DPL 3, in LDT entry 0. */
static int install_ldt(void)
{
	struct user_desc d = {
		.entry_number = 0, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .contents = 0, .read_exec_only = 0,
		.limit_in_pages = 1, .seg_not_present = 0, .useable = 1,
	};

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

static unsigned int read_ds(void)
{
	unsigned int v;

	asm volatile("mov %%ds, %0" : "=r" (v));
	return v;
}

static unsigned int read_es(void)
{
	unsigned int v;

	asm volatile("mov %%es, %0" : "=r" (v));
	return v;
}

/* 64-bit mode: one round of checking DS/ES and reloading them. */
static int spin64(unsigned long rounds)
{
	unsigned int sel = LDT_SEL;

	while (rounds--) {
		if (read_ds() != LDT_SEL || read_es() != LDT_SEL)
			return 1;
		asm volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r" (sel));
	}
	return 0;
}

/*
 * Compatibility mode: far-return to __USER32_CS, run @rounds of the same
 * check and reload as 32-bit code on a stack below 4 GiB, far-return to
 * 64-bit mode.  Returns the number of rounds that found a selector lost.
 */
static unsigned int spin32(unsigned long rounds, void *stack_top)
{
	unsigned int bad;

	asm volatile("mov %%rsp, %%r12\n\t"
		     "mov %[stack], %%rsp\n\t"
		     "pushq $" STR(USER32_CS) "\n\t"
		     "lea 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n\t"
		     ".code32\n"
		     "1:\n\t"
		     "xor %%edx, %%edx\n"		/* rounds with a lost selector */
		     "2:\n\t"
		     "mov %%ds, %%eax\n\t"
		     "cmp $" STR(LDT_SEL) ", %%eax\n\t"
		     "jne 3f\n\t"
		     "mov %%es, %%eax\n\t"
		     "cmp $" STR(LDT_SEL) ", %%eax\n\t"
		     "je 4f\n"
		     "3:\n\t"
		     "inc %%edx\n"
		     "4:\n\t"
		     "mov $" STR(LDT_SEL) ", %%eax\n\t"
		     "mov %%eax, %%ds\n\t"
		     "mov %%eax, %%es\n\t"
		     "dec %%ecx\n\t"
		     "jnz 2b\n\t"
		     "pushl $" STR(USER_CS) "\n\t"
		     "pushl $5f\n\t"
		     "lret\n\t"
		     ".code64\n"
		     "5:\n\t"
		     "mov %%r12, %%rsp"
		     : "=d" (bad), "+c" (rounds)
		     : [stack] "r" (stack_top)
		     : "rax", "r12", "cc", "memory");
	return bad;
}

struct spinner {
	pthread_t thread;
	int cpu;
	bool compat;
	int result;	/* 0: kept, 1: a selector lost, 2: setup failed */
};

/* One thread per CPU: DS/ES stay and reload from the LDT until stop. */
static void *spin(void *arg)
{
	struct spinner *sp = arg;
	void *stack = NULL;

	sp->result = 2;
	if (vmxscope_pin(sp->cpu))
		return NULL;
	if (sp->compat) {
		stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (stack == MAP_FAILED)
			return NULL;
		stack = (char *)stack + 65536 - 64;
	}
	asm volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r" (LDT_SEL));
	__atomic_fetch_add(&spinning, 1, __ATOMIC_SEQ_CST);
	sp->result = 1;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (sp->compat ? spin32(SPIN_ROUNDS / 8, stack) : spin64(SPIN_ROUNDS))
			return NULL;
	}
	/* A last look after the module is gone. */
	if (sp->compat ? spin32(SPIN_ROUNDS / 8, stack) : spin64(SPIN_ROUNDS))
		return NULL;
	sp->result = 0;
	return NULL;
}

/*
 * In a child process of its own: the LDT, a spinner thread per CPU and
 * the unload all share one mm, so no context switch around the give-back
 * reloads the LDT behind vmxscope's back (switch_mm would).  Exit 0 if
 * every spinner kept its selectors, 1 if one lost them, 2 on a setup
 * error, 3 if the unload failed; a lost LDT kills it with SIGSEGV.
 */
static int spinners_across_unload(int ncpus, bool compat)
{
	struct spinner sp[256];
	int i, ret = 0;

	if (install_ldt())
		return 2;
	for (i = 0; i < ncpus; i++) {
		sp[i].cpu = i;
		sp[i].compat = compat;
		if (pthread_create(&sp[i].thread, NULL, spin, &sp[i]))
			return 2;
	}
	while (__atomic_load_n(&spinning, __ATOMIC_SEQ_CST) < ncpus)
		usleep(10000);
	usleep(200000);
	if (vmxscope_unload())
		ret = 3;
	usleep(200000);
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < ncpus; i++) {
		pthread_join(sp[i].thread, NULL);
		if (sp[i].result > ret)
			ret = sp[i].result;
	}
	return ret;
}

static void across_unload(struct __test_metadata *_metadata, bool compat)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), status, ret;
	pid_t pid;

	ASSERT_LE(ncpus, 256);
	ret = vmxscope_ensure_loaded();
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(ncpus, vmxscope_cpus_virtualized());

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(spinners_across_unload(ncpus, compat));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("%s", WIFSIGNALED(status) ?
		       "killed by a signal (LDT lost: reload faulted)" :
		       WEXITSTATUS(status) == 1 ? "DS/ES selector lost" :
		       WEXITSTATUS(status) == 3 ? "unload failed" :
		       "setup failed");
	EXPECT_FALSE(vmxscope_loaded());
}

TEST(ldt_selectors_survive_unload)
{
	across_unload(_metadata, false);
}

TEST(compat_task_ldt_selectors_survive_unload)
{
	across_unload(_metadata, true);
}

TEST_HARNESS_MAIN
