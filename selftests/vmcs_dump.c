// SPDX-License-Identifier: GPL-2.0
/*
 * VMXSCOPE_GET_VMCS, VMXSCOPE_GET_CONTROLS and VMXSCOPE_GET_LATENCY: what the
 * dump says is checked against what the test itself did or can see from
 * the guest (a trap it set, CPUIDs it ran, the CPU it asked for), never
 * against what the module prints about itself.
 */
#include <stdint.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#include <linux/vmxscope_vmcs.h>

#define MAX_FIELDS	512
#define NR_CPUS_MAX	64
#define N_CPUID		1000

/* The encodings this test reads, from the one table. */
#define ENC(name, enc, area)	F_##name = enc,
enum { VMXSCOPE_VMCS_FIELDS(ENC) };
#define ENC_LIST(name, enc, area)	enc,

#define EXIT_VMCALL	18
#define CR4_VMXE	(1ULL << 13)
#define EFER_LMA	(1ULL << 10)

struct dump {
	struct vmxscope_vmcs_field f[MAX_FIELDS];
	unsigned int nr;
};

static int get_vmcs(int fd, int cpu, struct dump *d)
{
	struct vmxscope_vmcs_dump req = {
		.cpu = cpu, .capacity = MAX_FIELDS, .fields = (uintptr_t)d->f,
	};

	if (ioctl(fd, VMXSCOPE_GET_VMCS, &req))
		return -errno;
	d->nr = req.nr;
	return 0;
}

/* The value of @enc in @d; -ENOENT if absent, -EOPNOTSUPP if unsupported. */
static int field(const struct dump *d, unsigned int enc, unsigned long long *v)
{
	unsigned int i;

	for (i = 0; i < d->nr && i < MAX_FIELDS; i++) {
		if (d->f[i].encoding != enc)
			continue;
		if (d->f[i].flags & VMXSCOPE_VMCS_UNSUPPORTED)
			return -EOPNOTSUPP;
		*v = d->f[i].value;
		return 0;
	}
	return -ENOENT;
}

static unsigned long long must_field(struct __test_metadata *_metadata,
				     const struct dump *d, unsigned int enc)
{
	unsigned long long v = 0;

	EXPECT_EQ(0, field(d, enc, &v)) TH_LOG("field %#x", enc);
	return v;
}

/*
 * Dumps of every online CPU into @d (NR_CPUS_MAX of them, by CPU number);
 * returns how many, which the caller compares with the online count.
 */
static int dump_all(int fd, struct dump *d, bool *have)
{
	int cpu, n = 0;

	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		have[cpu] = !get_vmcs(fd, cpu, &d[cpu]);
		n += have[cpu];
	}
	return n;
}

static uint32_t cpuid_exits(int fd, int cpu)
{
	static struct vmxscope_latency l;
	uint32_t total = 0;
	unsigned int b;

	memset(&l, 0, sizeof(l));
	l.cpu = cpu;
	if (ioctl(fd, VMXSCOPE_GET_LATENCY, &l))
		return 0;
	for (b = 0; b < VMXSCOPE_LATENCY_BUCKETS; b++)
		total += l.hist[VMXSCOPE_EXIT_CPUID][b];
	return total;
}

FIXTURE(vmcs) {
	int fd;
	int ncpus;
	struct dump *d;
	bool have[NR_CPUS_MAX];
};

FIXTURE_SETUP(vmcs)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_GE(NR_CPUS_MAX, self->ncpus);
	self->d = calloc(NR_CPUS_MAX, sizeof(*self->d));
	ASSERT_NE(NULL, self->d);
}

FIXTURE_TEARDOWN(vmcs)
{
	free(self->d);
	close(self->fd);
}

/*
 * The whole table in its order, read at the exit of the VMCALL the dump
 * is made in (so VMX root mode), of a 64-bit kernel in ring 0.
 */
TEST_F(vmcs, whole_table_at_the_dump_vmcall)
{
	static const unsigned int table[] = { VMXSCOPE_VMCS_FIELDS(ENC_LIST) };
	struct dump *d = &self->d[0];
	unsigned int i;

	ASSERT_EQ(0, vmxscope_pin(0));
	ASSERT_EQ(0, get_vmcs(self->fd, 0, d));
	ASSERT_EQ(VMXSCOPE_NR_VMCS_FIELDS, d->nr);
	for (i = 0; i < d->nr; i++) {
		EXPECT_EQ(table[i], d->f[i].encoding);
		if (d->f[i].flags & VMXSCOPE_VMCS_UNSUPPORTED)
			EXPECT_EQ(0, d->f[i].value);
	}
	EXPECT_EQ(EXIT_VMCALL, must_field(_metadata, d, F_VM_EXIT_REASON));
	EXPECT_LE(0xffff800000000000ULL, must_field(_metadata, d, F_GUEST_RIP));
	EXPECT_EQ(0, (must_field(_metadata, d, F_GUEST_SS_AR_BYTES) >> 5) & 3);
	EXPECT_TRUE(must_field(_metadata, d, F_GUEST_IA32_EFER) & EFER_LMA);
	EXPECT_EQ(~0ULL, must_field(_metadata, d, F_VMCS_LINK_POINTER));
}

/* A #BP trap is in every CPU's exception bitmap, and gone after untrap. */
TEST_F(vmcs, bp_trap_in_every_exception_bitmap)
{
	struct vmxscope_exc_trap t = { .vector = 3 };
	int cpu;

	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_TRAP_EXC, &t));
	ASSERT_EQ(self->ncpus, dump_all(self->fd, self->d, self->have));
	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		if (self->have[cpu])
			EXPECT_TRUE(must_field(_metadata, &self->d[cpu],
					       F_EXCEPTION_BITMAP) & (1 << 3))
				TH_LOG("CPU %d", cpu);
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_UNTRAP_EXC, &t));
	ASSERT_EQ(self->ncpus, dump_all(self->fd, self->d, self->have));
	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++)
		if (self->have[cpu])
			EXPECT_FALSE(must_field(_metadata, &self->d[cpu],
						F_EXCEPTION_BITMAP) & (1 << 3))
				TH_LOG("CPU %d", cpu);
}

/* SDM 25.6.6: the guest's real CR4 has VMXE, the CR4 it reads does not. */
TEST_F(vmcs, cr4_vmxe_real_but_shadowed)
{
	int cpu;

	ASSERT_EQ(self->ncpus, dump_all(self->fd, self->d, self->have));
	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		struct dump *d = &self->d[cpu];

		if (!self->have[cpu])
			continue;
		EXPECT_TRUE(must_field(_metadata, d, F_GUEST_CR4) & CR4_VMXE);
		EXPECT_FALSE(must_field(_metadata, d, F_CR4_READ_SHADOW) & CR4_VMXE);
		EXPECT_TRUE(must_field(_metadata, d, F_CR4_GUEST_HOST_MASK) & CR4_VMXE);
	}
}

/* Each CPU has its own MSR and I/O bitmaps, and a VPID other than 0. */
TEST_F(vmcs, bitmaps_and_vpid_per_cpu)
{
	unsigned long long msr[NR_CPUS_MAX], io[NR_CPUS_MAX], vpid[NR_CPUS_MAX];
	int a, b;

	if (self->ncpus < 2)
		SKIP(return, "one CPU");
	ASSERT_EQ(self->ncpus, dump_all(self->fd, self->d, self->have));
	for (a = 0; a < NR_CPUS_MAX; a++) {
		if (!self->have[a])
			continue;
		msr[a] = must_field(_metadata, &self->d[a], F_MSR_BITMAP);
		io[a] = must_field(_metadata, &self->d[a], F_IO_BITMAP_A);
		vpid[a] = must_field(_metadata, &self->d[a], F_VIRTUAL_PROCESSOR_ID);
		EXPECT_NE(0, vpid[a]);
		EXPECT_EQ(0, msr[a] & 0xfff);
		for (b = 0; b < a; b++) {
			if (!self->have[b])
				continue;
			EXPECT_NE(msr[a], msr[b]) TH_LOG("CPUs %d and %d", a, b);
			EXPECT_NE(io[a], io[b]) TH_LOG("CPUs %d and %d", a, b);
			EXPECT_NE(vpid[a], vpid[b]) TH_LOG("CPUs %d and %d", a, b);
		}
	}
}

/* Every VMCS holds what VMXSCOPE_GET_CONTROLS says, required bits included. */
TEST_F(vmcs, controls_as_reported)
{
	static const unsigned int enc[VMXSCOPE_NR_CTLS] = {
		[VMXSCOPE_CTL_PIN] = F_PIN_BASED_VM_EXEC_CONTROL,
		[VMXSCOPE_CTL_PROC] = F_CPU_BASED_VM_EXEC_CONTROL,
		[VMXSCOPE_CTL_PROC2] = F_SECONDARY_VM_EXEC_CONTROL,
		[VMXSCOPE_CTL_EXIT] = F_VM_EXIT_CONTROLS,
		[VMXSCOPE_CTL_ENTRY] = F_VM_ENTRY_CONTROLS,
	};
	struct vmxscope_controls c;
	int cpu, i;

	memset(&c, 0xff, sizeof(c));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_GET_CONTROLS, &c));
	ASSERT_EQ(VMXSCOPE_NR_CTLS, c.nr);
	EXPECT_EQ(0, c.reserved0);
	for (i = VMXSCOPE_NR_CTLS; i < 8; i++)
		EXPECT_EQ(0, c.value[i] | c.required[i] | c.optional[i]);
	ASSERT_EQ(self->ncpus, dump_all(self->fd, self->d, self->have));
	for (cpu = 0; cpu < NR_CPUS_MAX; cpu++) {
		if (!self->have[cpu])
			continue;
		for (i = 0; i < VMXSCOPE_NR_CTLS; i++) {
			unsigned long long v = must_field(_metadata,
							  &self->d[cpu], enc[i]);

			EXPECT_EQ(c.required[i], v & c.required[i])
				TH_LOG("CPU %d controls %d", cpu, i);
			/* Primary controls may change at run time. */
			if (i != VMXSCOPE_CTL_PROC)
				EXPECT_EQ(c.value[i], v)
					TH_LOG("CPU %d controls %d", cpu, i);
		}
	}
	/* EPT and VPID: vmxscope's design needs both (caps.c). */
	EXPECT_TRUE(c.required[VMXSCOPE_CTL_PROC2] & (1 << 1));
	EXPECT_TRUE(c.required[VMXSCOPE_CTL_PROC2] & (1 << 5));
}

/* N CPUIDs pinned to a CPU add at least N to its CPUID histogram. */
TEST_F(vmcs, cpuid_latency_counted_per_cpu)
{
	unsigned int regs[4];
	int cpu, i, done = 0;

	for (cpu = 0; cpu < NR_CPUS_MAX && done < self->ncpus; cpu++) {
		uint32_t before;

		if (vmxscope_pin(cpu))
			continue;
		done++;
		before = cpuid_exits(self->fd, cpu);
		for (i = 0; i < N_CPUID; i++)
			vmxscope_cpuid(0, regs);
		EXPECT_LE(N_CPUID, (uint32_t)(cpuid_exits(self->fd, cpu) - before))
			TH_LOG("CPU %d", cpu);
	}
	EXPECT_EQ(self->ncpus, done);
}

/* Reserved fields, CPU numbers and short buffers (ioctl-abi.rst). */
TEST_F(vmcs, abi_checks)
{
	static struct vmxscope_latency l;
	struct vmxscope_vmcs_field two[2];
	struct vmxscope_vmcs_dump req;

	memset(&req, 0, sizeof(req));
	req.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMXSCOPE_GET_VMCS, &req));
	EXPECT_EQ(EINVAL, errno);
	memset(&req, 0, sizeof(req));
	req.cpu = 1 << 20;
	EXPECT_EQ(-1, ioctl(self->fd, VMXSCOPE_GET_VMCS, &req));
	EXPECT_EQ(EINVAL, errno);

	/* Room for one: one written, all counted. */
	memset(two, 0xab, sizeof(two));
	memset(&req, 0, sizeof(req));
	req.capacity = 1;
	req.fields = (uintptr_t)two;
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_GET_VMCS, &req));
	EXPECT_EQ(VMXSCOPE_NR_VMCS_FIELDS, req.nr);
	EXPECT_EQ(F_GUEST_ES_SELECTOR, two[0].encoding);
	EXPECT_EQ(0xabababab, two[1].encoding);

	memset(&l, 0, sizeof(l));
	l.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMXSCOPE_GET_LATENCY, &l));
	EXPECT_EQ(EINVAL, errno);
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_GET_LATENCY, &l));
	EXPECT_EQ(VMXSCOPE_LATENCY_BUCKETS, l.nr_buckets);
	EXPECT_LT(0, l.tsc_khz);
}

TEST_HARNESS_MAIN
