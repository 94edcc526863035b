// SPDX-License-Identifier: GPL-2.0
/*
 * A trapped I/O port behaves exactly as untrapped.  The CMOS/RTC ports
 * 0x70/0x71 are trapped, and each way of reaching them (/dev/port, IN/OUT,
 * INS/OUTS with and without REP, 64- and 32-bit addresses, DF set and
 * clear, operands on pages not yet faulted in or read-only) is run
 * untrapped and then trapped: data, registers and signals must agree, and
 * the trap counts of the pinned CPU must match the accesses made.
 * CMOS bytes 0x0e-0x3f are NVRAM that nothing changes while the test runs.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define NV_FIRST	0x0e
#define NV_LAST		0x3f
#define PAGE		4096UL
#define MAX_COUNTS	1024

enum sio {
	REP_INSB, REP_INSW, REP_INSL, INSB, INSW, INSL, REP_OUTSB, OUTSB,
	REP_INSB_A32, REP_OUTSB_A32,
};

static const struct {
	const char *name;
	unsigned int size;
	bool in, rep, a32;
} sio_info[] = {
	[REP_INSB]	= { "rep insb", 1, true, true, false },
	[REP_INSW]	= { "rep insw", 2, true, true, false },
	[REP_INSL]	= { "rep insl", 4, true, true, false },
	[INSB]		= { "insb", 1, true, false, false },
	[INSW]		= { "insw", 2, true, false, false },
	[INSL]		= { "insl", 4, true, false, false },
	[REP_OUTSB]	= { "rep outsb", 1, false, true, false },
	[OUTSB]		= { "outsb", 1, false, false, false },
	[REP_INSB_A32]	= { "addr32 rep insb", 1, true, true, true },
	[REP_OUTSB_A32]	= { "addr32 rep outsb", 1, false, true, true },
};

struct sio_regs {
	unsigned long rcx, rsi, rdi;
};

/* DF is set around the instruction only: compiled code expects it clear. */
#define SIO(insn)							\
	asm volatile("test %[df], %[df]\n\tjz 1f\n\tstd\n1:\t"		\
		     insn "\n\tcld"					\
		     : "+c" (r->rcx), "+S" (r->rsi), "+D" (r->rdi)	\
		     : "d" (port), [df] "r" (df) : "memory", "cc")

static void sio_run(enum sio op, unsigned short port, bool df,
		    struct sio_regs *r)
{
	switch (op) {
	case REP_INSB:
		SIO("rep insb");
		break;
	case REP_INSW:
		SIO("rep insw");
		break;
	case REP_INSL:
		SIO("rep insl");
		break;
	case INSB:
		SIO("insb");
		break;
	case INSW:
		SIO("insw");
		break;
	case INSL:
		SIO("insl");
		break;
	case REP_OUTSB:
		SIO("rep outsb");
		break;
	case OUTSB:
		SIO("outsb");
		break;
	case REP_INSB_A32:
		SIO(".byte 0x67\n\trep insb");
		break;
	case REP_OUTSB_A32:
		SIO(".byte 0x67\n\trep outsb");
		break;
	}
}

/* Two pages: the first touched, the second untouched or protected. */
static uint8_t *two_pages(bool low, bool second_ro, bool in)
{
	uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | (low ? MAP_32BIT : 0),
			  -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, PAGE);
	if (second_ro && mprotect(p + PAGE, PAGE, in ? PROT_READ : PROT_NONE))
		return NULL;
	return p;
}

static uint8_t cmos_read(uint8_t index)
{
	outb(index, CMOS_INDEX);
	return inb(CMOS_DATA);
}

FIXTURE(io) {
	int fd, cpu, ncpus;
	uint8_t nv[NV_LAST + 1];
};

FIXTURE_SETUP(io)
{
	struct vmxscope_clear_traps clear = { 0 };
	int i;

	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	if (ioctl(self->fd, VMXSCOPE_CLEAR_TRAPS, &clear) && errno == ENOTTY)
		SKIP(return, "no trap ioctls in this build");
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_LE(self->ncpus, 64);
	self->cpu = self->ncpus - 1;
	ASSERT_EQ(0, vmxscope_pin(self->cpu));
	ASSERT_EQ(0, ioperm(CMOS_INDEX, 4, 1));
	ASSERT_EQ(0, ioperm(0x80, 1, 1));
	for (i = NV_FIRST; i <= NV_LAST; i++)
		self->nv[i] = cmos_read(i);
}

FIXTURE_TEARDOWN(io)
{
	close(self->fd);
}

/* Traps 0x70-0x71 both ways, or drops every trap of this file. */
static int trap(int fd, bool on)
{
	struct vmxscope_io_trap t = {
		.first = CMOS_INDEX, .last = CMOS_DATA,
		.flags = VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE,
	};
	struct vmxscope_clear_traps clear = { 0 };

	if (on)
		return ioctl(fd, VMXSCOPE_TRAP_IO, &t) ? -errno : 0;
	return ioctl(fd, VMXSCOPE_CLEAR_TRAPS, &clear) ? -errno : 0;
}

struct counts {
	unsigned long long r[64], w[64];
};

/* Reads and writes that each CPU counted for @port. */
static int io_counts(int fd, int ncpus, unsigned int port, struct counts *c)
{
	static struct vmxscope_trap_count tc[MAX_COUNTS];
	struct vmxscope_trap_stats s;
	unsigned int i;
	int cpu;

	memset(c, 0, sizeof(*c));
	for (cpu = 0; cpu < ncpus; cpu++) {
		memset(&s, 0, sizeof(s));
		s.cpu = cpu;
		s.capacity = MAX_COUNTS;
		s.counts = (uintptr_t)tc;
		if (ioctl(fd, VMXSCOPE_GET_TRAP_STATS, &s))
			return -errno;
		for (i = 0; i < s.nr && i < MAX_COUNTS; i++) {
			if (tc[i].kind != VMXSCOPE_KIND_IO || tc[i].id != port)
				continue;
			c->r[cpu] = tc[i].reads;
			c->w[cpu] = tc[i].writes;
		}
	}
	return 0;
}

/*
 * Checks that, between @a and @b, the pinned CPU counted @reads and
 * @writes on @port and every other CPU nothing.
 */
#define EXPECT_COUNTED(a, b, reads, writes) do {			\
	int _c;								\
	for (_c = 0; _c < self->ncpus; _c++) {				\
		bool _me = _c == self->cpu;				\
		EXPECT_EQ(_me ? (reads) : 0, (b).r[_c] - (a).r[_c])	\
			TH_LOG("reads on CPU %d", _c);			\
		EXPECT_EQ(_me ? (writes) : 0, (b).w[_c] - (a).w[_c])	\
			TH_LOG("writes on CPU %d", _c);			\
	}								\
} while (0)

TEST_F(io, dev_port)
{
	struct counts i0, i1, d0, d1;
	int port = open("/dev/port", O_RDWR);
	uint8_t idx, v;
	int n = 0;

	ASSERT_LE(0, port);
	ASSERT_EQ(0, trap(self->fd, true));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_INDEX, &i0));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &d0));
	for (idx = NV_FIRST; idx <= NV_LAST; idx++, n++) {
		ASSERT_EQ(1, pwrite(port, &idx, 1, CMOS_INDEX));
		ASSERT_EQ(1, pread(port, &v, 1, CMOS_DATA));
		EXPECT_EQ(self->nv[idx], v) TH_LOG("CMOS %#x", idx);
	}
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_INDEX, &i1));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &d1));
	EXPECT_COUNTED(i0, i1, 0, n);
	EXPECT_COUNTED(d0, d1, n, 0);
	close(port);
}

TEST_F(io, in_out)
{
	struct counts i0, i1, d0, d1;
	int idx, n = 0;

	ASSERT_EQ(0, trap(self->fd, true));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_INDEX, &i0));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &d0));
	for (idx = NV_FIRST; idx <= NV_LAST; idx++, n++)
		EXPECT_EQ(self->nv[idx], cmos_read(idx)) TH_LOG("CMOS %#x", idx);
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_INDEX, &i1));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &d1));
	EXPECT_COUNTED(i0, i1, 0, n);
	EXPECT_COUNTED(d0, d1, n, 0);
}

/* IN keeps RAX's other bytes for AL/AX and zero-extends EAX. */
TEST_F(io, in_register_widths)
{
	unsigned long untrapped[3], trapped[3], rax;
	int t, i;

	for (t = 0; t < 2; t++) {
		unsigned long *out = t ? trapped : untrapped;

		ASSERT_EQ(0, trap(self->fd, t));
		outb(NV_FIRST + 2, CMOS_INDEX);
		rax = 0x1122334455667788UL;
		asm volatile("inb %%dx, %%al" : "+a" (rax) : "d" (CMOS_DATA));
		out[0] = rax;
		rax = 0x1122334455667788UL;
		asm volatile("inw %%dx, %%ax" : "+a" (rax) : "d" (CMOS_INDEX));
		out[1] = rax;
		rax = 0x1122334455667788UL;
		asm volatile("inl %%dx, %%eax" : "+a" (rax) : "d" (CMOS_INDEX));
		out[2] = rax;
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(untrapped[i], trapped[i]) TH_LOG("width %d", 1 << i);
	EXPECT_EQ(0x11223344556677UL, untrapped[0] >> 8);
	EXPECT_EQ(0, trapped[2] >> 32);
}

struct sio_case {
	enum sio op;
	bool df;
	unsigned long count;	/* elements; RCX's upper half gets junk */
	long start;		/* operand offset from the page boundary */
	bool second_ro;		/* second page: read-only (INS), none (OUTS) */
};

struct sio_result {
	struct sio_regs r;	/* RSI/RDI relative to the buffer */
	uint8_t buf[2 * PAGE];
	int sig, code;
	long addr;		/* fault address relative to the buffer */
};

static struct sio_result *shared_result(void)
{
	void *p = mmap(NULL, sizeof(struct sio_result), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static struct sio_result *result;
static uint8_t *child_buf;

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	result->sig = sig;
	result->code = si->si_code;
	result->addr = (uint8_t *)si->si_addr - child_buf;
	result->r.rcx = uc->uc_mcontext.gregs[REG_RCX];
	result->r.rsi = uc->uc_mcontext.gregs[REG_RSI] - (uintptr_t)child_buf;
	result->r.rdi = uc->uc_mcontext.gregs[REG_RDI] - (uintptr_t)child_buf;
	memcpy(result->buf, child_buf, PAGE);
	_exit(0);
}

/*
 * Runs one case in a child, so that a fault ends as a signal whose
 * details and registers land in @res.  Returns false if the child failed.
 */
static bool sio_case_run(const struct sio_case *c, struct sio_result *res)
{
	bool a32 = sio_info[c->op].a32, in = sio_info[c->op].in;
	/* Junk above bit 31, which a 32-bit address size ignores. */
	unsigned long junk = a32 ? 0xdead000000000000UL : 0;
	unsigned short port = sio_info[c->op].size == 1 && in ? CMOS_DATA :
			      CMOS_INDEX;
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };
	int status, i;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	result = res;
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		struct sio_regs r;
		uint8_t *p;

		child_buf = two_pages(a32, c->second_ro, in);
		if (!child_buf)
			_exit(1);
		if (!in)
			for (i = 0; i < (int)PAGE; i++)
				child_buf[i] = NV_FIRST + i % (NV_LAST - NV_FIRST + 1);
		outb(NV_FIRST + 5, CMOS_INDEX);
		p = child_buf + PAGE + c->start;
		r.rcx = junk | c->count;
		r.rsi = junk | (uintptr_t)p;
		r.rdi = junk | (uintptr_t)p;
		sigaction(SIGSEGV, &sa, NULL);
		sio_run(c->op, port, c->df, &r);
		res->r.rcx = r.rcx;
		res->r.rsi = r.rsi - (uintptr_t)child_buf;
		res->r.rdi = r.rdi - (uintptr_t)child_buf;
		memcpy(res->buf, child_buf, 2 * PAGE);
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

/* Elements done: what RCX went down by, or 1 without REP. */
static unsigned long sio_done(const struct sio_case *c,
			      const struct sio_result *res)
{
	if (!sio_info[c->op].rep)
		return res->sig ? 0 : 1;
	return (c->count & 0xffffffffUL) - (res->r.rcx & 0xffffffffUL);
}

static void sio_compare(struct __test_metadata *_metadata,
			struct _test_data_io *self, const struct sio_case *c)
{
	static struct sio_result *untrapped, *trapped;
	const char *name = sio_info[c->op].name;
	bool in = sio_info[c->op].in;
	unsigned int port = sio_info[c->op].size == 1 && in ? CMOS_DATA :
			    CMOS_INDEX;
	struct counts a, b;
	unsigned long done;

	if (!untrapped)
		untrapped = shared_result();
	if (!trapped)
		trapped = shared_result();
	ASSERT_NE(NULL, untrapped);
	ASSERT_NE(NULL, trapped);

	ASSERT_EQ(0, trap(self->fd, false));
	ASSERT_TRUE(sio_case_run(c, untrapped)) TH_LOG("%s untrapped", name);
	ASSERT_EQ(0, trap(self->fd, true));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, port, &a));
	ASSERT_TRUE(sio_case_run(c, trapped)) TH_LOG("%s trapped", name);
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, port, &b));
	ASSERT_EQ(0, trap(self->fd, false));

	TH_LOG("%s df=%d count=%lu start=%ld: rcx %#lx rsi %#lx rdi %#lx sig %d",
	       name, c->df, c->count, c->start, trapped->r.rcx, trapped->r.rsi,
	       trapped->r.rdi, trapped->sig);
	EXPECT_EQ(untrapped->r.rcx, trapped->r.rcx) TH_LOG("%s RCX", name);
	EXPECT_EQ(untrapped->r.rsi, trapped->r.rsi) TH_LOG("%s RSI", name);
	EXPECT_EQ(untrapped->r.rdi, trapped->r.rdi) TH_LOG("%s RDI", name);
	EXPECT_EQ(untrapped->sig, trapped->sig) TH_LOG("%s signal", name);
	EXPECT_EQ(untrapped->code, trapped->code) TH_LOG("%s si_code", name);
	EXPECT_EQ(untrapped->addr, trapped->addr) TH_LOG("%s si_addr", name);
	EXPECT_EQ(0, memcmp(untrapped->buf, trapped->buf, sizeof(trapped->buf)))
		TH_LOG("%s memory", name);
	done = sio_done(c, trapped);
	/* The child's port write selecting the CMOS byte is counted too. */
	if (in)
		EXPECT_COUNTED(a, b, done, port == CMOS_INDEX ? 1 : 0);
	else
		EXPECT_COUNTED(a, b, 0, done + 1);
}

/* Every byte INS read from the data port is the selected NVRAM byte. */
TEST_F(io, rep_insb_reads_what_untrapped_reads)
{
	const struct sio_case c = { REP_INSB, false, 100, -200, false };
	struct sio_result *r = shared_result();
	int i;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, trap(self->fd, true));
	ASSERT_TRUE(sio_case_run(&c, r));
	ASSERT_EQ(0, trap(self->fd, false));
	EXPECT_EQ(0, r->r.rcx);
	EXPECT_EQ(PAGE - 100, r->r.rdi);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(self->nv[NV_FIRST + 5], r->buf[PAGE - 200 + i])
			TH_LOG("byte %d", i);
}

TEST_F(io, string_in)
{
	static const struct sio_case cases[] = {
		/* Within the touched page, DF clear and set. */
		{ REP_INSB, false, 64, -1000, false },
		{ REP_INSB, true, 64, -1000, false },
		{ REP_INSW, false, 32, -1000, false },
		{ REP_INSL, true, 16, -1000, false },
		{ INSB, false, 5, -10, false },
		{ INSW, true, 5, -10, false },
		{ INSL, false, 5, -10, false },
		/* Into the page not yet faulted in: the #PF path. */
		{ REP_INSB, false, 64, -32, false },
		{ REP_INSW, false, 32, -33, false },	/* straddles */
		{ REP_INSL, false, 16, -34, false },	/* straddles */
		{ INSL, false, 1, -2, false },		/* straddles */
		{ REP_INSB, true, 64, 32, false },	/* down into page 1 */
		/* More than one exit's worth. */
		{ REP_INSB, false, 3000, -2000, false },
		/*
		 * 32-bit addresses: RCX/RDI are ECX/EDI.  Bytes only: Bochs
		 * 2.7 raises #GP for "addr32 rep insw" (67 66 F3 6D) run
		 * untrapped, so there is no reference to compare with.
		 */
		{ REP_INSB_A32, false, 64, -32, false },
		{ REP_INSB_A32, true, 64, -1000, false },
		/* A read-only page: SIGSEGV after the elements before it. */
		{ REP_INSB, false, 64, -8, true },
		{ REP_INSW, false, 8, -1, true },
		{ INSB, false, 1, 0, true },
		{ REP_INSB_A32, false, 64, -8, true },
		/* A zero count does nothing. */
		{ REP_INSB, false, 0, -100, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		sio_compare(_metadata, self, &cases[i]);
}

/* OUTS of index bytes: the last one written selects the byte read back. */
TEST_F(io, string_out)
{
	static const struct sio_case cases[] = {
		{ REP_OUTSB, false, 20, -1000, false },
		{ REP_OUTSB, true, 20, -1000, false },
		{ OUTSB, false, 1, -10, false },
		{ REP_OUTSB_A32, false, 30, -1000, false },
		{ REP_OUTSB_A32, true, 30, -500, false },
		{ REP_OUTSB, false, 3000, -3500, false },
		/* An inaccessible page: SIGSEGV after the elements before it. */
		{ REP_OUTSB, false, 20, -8, true },
		{ REP_OUTSB_A32, false, 20, -8, true },
	};
	struct sio_result *r = shared_result();
	uint8_t trapped, untrapped;
	unsigned int i;

	ASSERT_NE(NULL, r);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		sio_compare(_metadata, self, &cases[i]);
		trapped = inb(CMOS_DATA);
		ASSERT_TRUE(sio_case_run(&cases[i], r));
		untrapped = inb(CMOS_DATA);
		EXPECT_EQ(untrapped, trapped) TH_LOG("%s", sio_info[cases[i].op].name);
	}
}

static void rep_insb(void *dst, unsigned long n)
{
	asm volatile("cld\n\trep insb" : "+D" (dst), "+c" (n)
		     : "d" (CMOS_DATA) : "memory");
}

/*
 * Root writes a trapped INS's data through the guest's page tables
 * (arch/x86/vmx/guest_mem.c), on translations Linux never flushes while
 * it is a guest.  The same address, mapped to another page between two
 * INS, must get the data in the new page only: nothing of the old
 * translation may survive the remap (Documentation/design.rst).
 */
TEST_F(io, string_in_follows_remap)
{
	const uint8_t want = self->nv[NV_FIRST + 5], fill = ~want;
	int fd = memfd_create("io_trap", 0), round;
	uint8_t *view, *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 2 * PAGE));
	/* Both pages of the file, to see where each INS landed. */
	view = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, view);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, trap(self->fd, true));
	for (round = 0; round < 4; round++) {
		unsigned int now = round & 1, old = !now;

		memset(view, fill, 2 * PAGE);
		if (round)
			ASSERT_EQ(p, mmap(p, PAGE, PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_FIXED, fd, now * PAGE));
		outb(NV_FIRST + 5, CMOS_INDEX);
		rep_insb(p + 100, 64);
		EXPECT_EQ(want, view[now * PAGE + 100]) TH_LOG("round %d: new page", round);
		EXPECT_EQ(want, view[now * PAGE + 163]) TH_LOG("round %d: new page", round);
		EXPECT_EQ(fill, view[old * PAGE + 100]) TH_LOG("round %d: old page written", round);
		EXPECT_EQ(fill, view[old * PAGE + 163]) TH_LOG("round %d: old page written", round);
	}
	ASSERT_EQ(0, trap(self->fd, false));
	munmap(p, PAGE);
	munmap(view, 2 * PAGE);
	close(fd);
}

TEST_F(io, untrapped_ports_count_nothing)
{
	struct counts a, b;
	int i;

	ASSERT_EQ(0, trap(self->fd, true));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, 0x80, &a));
	for (i = 0; i < 10; i++)
		inb(0x80);
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, 0x80, &b));
	EXPECT_COUNTED(a, b, 0, 0);
	ASSERT_EQ(0, trap(self->fd, false));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &a));
	for (i = NV_FIRST; i <= NV_LAST; i++)
		EXPECT_EQ(self->nv[i], cmos_read(i));
	ASSERT_EQ(0, io_counts(self->fd, self->ncpus, CMOS_DATA, &b));
	EXPECT_COUNTED(a, b, 0, 0);
}

TEST_HARNESS_MAIN
