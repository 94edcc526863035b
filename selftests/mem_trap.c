// SPDX-License-Identifier: GPL-2.0
/*
 * Memory traps (VMXSCOPE_TRAP_MEM, Documentation/memory-monitoring.rst):
 * each access to watched bytes is one count and one vmxscope_mem event
 * with the right RIP and bytes, on the CPU that made it; accesses to the
 * rest of the page are neighbours; memory and results are what they
 * would be unwatched, also with every CPU writing the watched bytes.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define MEM_EVENT	"events/vmxscope/vmxscope_mem/"

#define MAX_CPUS	64
#define N_WRITES	40

/* Guest-physical address of user address @p (mapped, locked), or 0. */
static uint64_t user_phys(const void *p)
{
	uint64_t e = 0;
	long psz = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)p / psz * 8) != 8)
		e = 0;
	close(fd);
	if (!(e >> 63) || !(e & ((1ULL << 55) - 1)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * psz + (uintptr_t)p % psz;
}

/* Address of kernel symbol @name (/proc/kallsyms), or 0. */
static uint64_t ksym(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;
	uint64_t found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 &&
		    !strcmp(sym, name))
			found = a;
	fclose(f);
	return found;
}

static int trap(int fd, unsigned long req, uint64_t addr, uint64_t len,
		unsigned int flags, unsigned int space, unsigned int *id)
{
	struct vmxscope_mem_trap t = {
		.addr = addr, .len = len, .flags = flags, .space = space,
	};

	if (ioctl(fd, req, &t))
		return -errno;
	if (id)
		*id = t.id;
	return 0;
}

/* Sum over CPUs of one memory count (reads or writes). */
static unsigned long long count_all(int fd, unsigned int kind, unsigned int id,
				    bool writes, int ncpus)
{
	unsigned long long r, w, sum = 0;
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++)
		if (!vmxscope_trap_count(fd, cpu, kind, id, &r, &w))
			sum += writes ? w : r;
	return sum;
}

/* GET_MEM_TRAPS's entry for range @id; 0, -ENOENT or -errno. */
static int listed(int fd, unsigned int id, struct vmxscope_mem_range_info *out)
{
	struct vmxscope_mem_range_info r[16];
	struct vmxscope_mem_traps q = {
		.capacity = ARRAY_SIZE(r), .ranges = (uintptr_t)r,
	};
	unsigned int i;

	if (ioctl(fd, VMXSCOPE_GET_MEM_TRAPS, &q))
		return -errno;
	for (i = 0; i < q.nr && i < ARRAY_SIZE(r); i++)
		if (r[i].id == id) {
			*out = r[i];
			return 0;
		}
	return -ENOENT;
}

FIXTURE(mem) {
	int fd, ncpus;
	uint32_t *page;
	uint64_t pa;
};

FIXTURE_SETUP(mem)
{
	struct vmxscope_info info;
	int ret = vmxscope_ensure_loaded();

	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	self->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_GET_INFO, &info));
	if (!(info.caps & VMXSCOPE_CAP_MEM_TRAPS))
		SKIP(return, "CPU without the monitor trap flag");
	self->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	memset((void *)self->page, 0x5a, 4096);
	self->pa = user_phys((const void *)self->page);
	ASSERT_NE(0, self->pa);
	ASSERT_EQ(0, vmxscope_tracefs_write("trace", ""));
	ASSERT_EQ(0, vmxscope_tracefs_write("buffer_size_kb", "4096"));
	ASSERT_EQ(0, vmxscope_tracefs_write(MEM_EVENT "enable", "1"));
}

FIXTURE_TEARDOWN(mem)
{
	vmxscope_tracefs_write(MEM_EVENT "enable", "0");
	close(self->fd);
}

/* A 4-byte store and load that return their own address (RIP). */
static uintptr_t store32(uint32_t *p, uint32_t v)
{
	uintptr_t rip;

	asm volatile("lea 1f(%%rip), %0\n1:\tmovl %2, (%1)"
		     : "=&r" (rip) : "r" (p), "r" (v) : "memory");
	return rip;
}

static uint32_t load32(uint32_t *p)
{
	uint32_t v;

	asm volatile("movl (%1), %0" : "=r" (v) : "r" (p) : "memory");
	return v;
}

/* Events of range @id on @cpu, in order: their RIPs and new values. */
static int mem_events(unsigned int id, int cpu, unsigned long *rip,
		      unsigned long long *newv, int max)
{
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	char line[1024], needle[64];
	const char *p;
	int n = 0;

	if (!f)
		return -errno;
	snprintf(needle, sizeof(needle), "vmxscope_mem: cpu=%d id=%u ", cpu, id);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, needle))
			continue;
		if (n < max) {
			p = strstr(line, "rip=");
			rip[n] = p ? strtoul(p + 4, NULL, 16) : 0;
			p = strstr(line, "new=");
			newv[n] = p ? strtoull(p + 4, NULL, 16) : 0;
		}
		n++;
	}
	fclose(f);
	return n;
}

TEST_F(mem, each_watched_write_is_one_event_with_its_value)
{
	unsigned long rip[N_WRITES + 8];
	unsigned long long newv[N_WRITES + 8], r, w, near0, near1;
	uintptr_t at[N_WRITES];
	struct vmxscope_mem_range_info info = { 0 };
	unsigned int id = 0;
	int i, n, cpu = self->ncpus - 1;

	ASSERT_EQ(0, vmxscope_pin(cpu));
	/* Bytes 2048..2063 of the page: words 512..515. */
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa + 2048, 16,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, &id));
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM_NEAR,
				       id, &near0, &w));
	ASSERT_EQ(0, listed(self->fd, id, &info));
	EXPECT_EQ(self->pa + 2048, info.phys);
	EXPECT_EQ(16, info.len);
	EXPECT_EQ(1, info.pages);
	EXPECT_EQ(VMXSCOPE_TRAP_WRITE, info.flags);
	for (i = 0; i < N_WRITES; i++) {
		at[i] = store32(&self->page[512 + i % 4], 0xc0de0000 + i);
		store32(&self->page[i % 2 ? 0 : 1000], i);	/* elsewhere */
		store32(&self->page[511], i);			/* just before */
		store32(&self->page[516], i);			/* just after */
	}
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM_NEAR,
				       id, &near1, &w));
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM, id,
				       &r, &w));
	EXPECT_EQ(N_WRITES, w);
	EXPECT_EQ(0, r);
	EXPECT_LE(3 * N_WRITES, near1 - near0);
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_UNTRAP_MEM, self->pa + 2048, 16,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, NULL));
	usleep(100000);		/* the last doorbell */

	n = mem_events(id, cpu, rip, newv, N_WRITES + 8);
	ASSERT_EQ(N_WRITES, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(at[i], rip[i])
			TH_LOG("event %d: rip %#lx, store at %#lx", i, rip[i],
			       (unsigned long)at[i]);
		EXPECT_EQ(0xc0de0000ULL + i, newv[i] & 0xffffffff)
			TH_LOG("event %d: new %#llx", i, newv[i]);
	}
	/* The memory is what the stores made it. */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0xc0de0000U + N_WRITES - 4 + i, self->page[512 + i]);
	EXPECT_EQ(N_WRITES - 1, self->page[511]);
	EXPECT_EQ(N_WRITES - 1, self->page[516]);
	EXPECT_EQ(0x5a5a5a5aU, self->page[700]);
}

TEST_F(mem, watched_reads_are_counted_content_intact)
{
	unsigned long long r, w;
	uint32_t sum = 0;
	unsigned int id = 0;
	int i, cpu = 0;

	ASSERT_EQ(0, vmxscope_pin(cpu));
	self->page[100] = 0x12345678;
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa + 400, 4,
			  VMXSCOPE_TRAP_READ, VMXSCOPE_MEM_PHYS, &id));
	for (i = 0; i < N_WRITES; i++)
		sum += load32(&self->page[100]) == 0x12345678;
	EXPECT_EQ(N_WRITES, sum);
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM, id,
				       &r, &w));
	EXPECT_EQ(N_WRITES, r);
	EXPECT_EQ(0, w);
}

TEST_F(mem, kernel_variable_written_through_sysctl)
{
	uint64_t a = ksym("modprobe_path");
	char old[256] = "", now[256] = "";
	unsigned int id = 0;
	int fd;

	ASSERT_NE(0, a) TH_LOG("modprobe_path not in /proc/kallsyms");
	fd = open("/proc/sys/kernel/modprobe", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, a, 256,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_KVIRT, &id));
	ASSERT_EQ(0, vmxscope_write_file("/proc/sys/kernel/modprobe",
				       "/sbin/vmxscope-test"));
	EXPECT_LE(1, count_all(self->fd, VMXSCOPE_KIND_MEM, id, true, self->ncpus));
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_UNTRAP_MEM, a, 256,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_KVIRT, NULL));
	ASSERT_EQ(0, pread(fd, now, sizeof(now) - 1, 0) < 0);
	EXPECT_STREQ("/sbin/vmxscope-test\n", now);
	old[strcspn(old, "\n")] = '\0';
	EXPECT_EQ(0, vmxscope_write_file("/proc/sys/kernel/modprobe", old));
	close(fd);
}

TEST_F(mem, syscall_handler_executions_on_the_calling_cpu)
{
	uint64_t a = ksym("__x64_sys_getppid");
	unsigned long long r, w;
	int i, cpu = self->ncpus - 1, ok = 0;
	unsigned int id = 0;
	pid_t ppid = getppid();

	ASSERT_NE(0, a) TH_LOG("__x64_sys_getppid not in /proc/kallsyms");
	ASSERT_EQ(0, vmxscope_pin(cpu));
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, a, 1,
			  VMXSCOPE_TRAP_EXEC, VMXSCOPE_MEM_KVIRT, &id));
	for (i = 0; i < N_WRITES; i++)
		ok += syscall(SYS_getppid) == ppid;
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM_EXEC,
				       id, &r, &w));
	EXPECT_EQ(N_WRITES, ok);
	EXPECT_LE(N_WRITES, r);
}

/*
 * The page holding jiffies is written on every tick: with it watched,
 * syscalls, pipes, sleeps and forks give what they give unwatched.
 */
TEST_F(mem, busy_kernel_page_watched_nothing_changes)
{
	uint64_t a = ksym("jiffies_64");
	unsigned long long n;
	struct utsname u0, u1;
	int i, p[2], status, ok = 0;
	unsigned int id = 0;
	char c;
	pid_t pid;

	ASSERT_NE(0, a) TH_LOG("jiffies_64 not in /proc/kallsyms");
	ASSERT_EQ(0, uname(&u0));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, a, 8,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_KVIRT, &id));
	for (i = 0; i < 200; i++) {
		c = i;
		ok += uname(&u1) == 0 && !strcmp(u0.release, u1.release) &&
		      write(p[1], &c, 1) == 1 && read(p[0], &c, 1) == 1 &&
		      c == (char)i && syscall(SYS_getppid) == getppid();
	}
	usleep(200000);
	pid = fork();
	if (!pid)
		_exit(42);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	n = count_all(self->fd, VMXSCOPE_KIND_MEM, id, true, self->ncpus);
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_UNTRAP_MEM, a, 8,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_KVIRT, NULL));
	EXPECT_EQ(200, ok);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	EXPECT_LT(0, n) TH_LOG("no tick wrote jiffies while watched");
	close(p[0]);
	close(p[1]);
}

struct writer {
	uint64_t *slot;
	int cpu, n;
};

static void *write_slot(void *arg)
{
	struct writer *wr = arg;
	int i;

	if (vmxscope_pin(wr->cpu))
		return NULL;
	for (i = 1; i <= wr->n; i++)
		__atomic_store_n(wr->slot, ((uint64_t)wr->cpu << 32) | i,
				 __ATOMIC_RELAXED);
	return NULL;
}

TEST_F_TIMEOUT(mem, every_cpu_writing_loses_no_event, 600)
{
	struct writer wr[MAX_CPUS];
	pthread_t th[MAX_CPUS];
	uint64_t *slots = (uint64_t *)self->page + 64;
	unsigned int id = 0;
	int cpu, n = 300;

	ASSERT_LE(self->ncpus, MAX_CPUS);
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa + 512,
			  8 * self->ncpus, VMXSCOPE_TRAP_WRITE,
			  VMXSCOPE_MEM_PHYS, &id));
	for (cpu = 0; cpu < self->ncpus; cpu++) {
		wr[cpu] = (struct writer){ .slot = &slots[cpu], .cpu = cpu, .n = n };
		ASSERT_EQ(0, pthread_create(&th[cpu], NULL, write_slot, &wr[cpu]));
	}
	for (cpu = 0; cpu < self->ncpus; cpu++)
		pthread_join(th[cpu], NULL);
	EXPECT_EQ((unsigned long long)n * self->ncpus,
		  count_all(self->fd, VMXSCOPE_KIND_MEM, id, true, self->ncpus));
	for (cpu = 0; cpu < self->ncpus; cpu++)
		EXPECT_EQ(((uint64_t)cpu << 32) | n, slots[cpu]);
}

TEST_F(mem, refusals)
{
	struct vmxscope_mem_trap t = {
		.addr = self->pa, .len = 8, .flags = VMXSCOPE_TRAP_WRITE,
	};
	uint64_t own = ksym("vmxscope_handle_exit");
	uint64_t ro = ksym("__start_rodata");

	t.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMXSCOPE_TRAP_MEM, &t));
	EXPECT_EQ(EINVAL, errno);
	t.reserved[2] = 0;
	EXPECT_EQ(-EINVAL, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa, 0,
				VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, NULL));
	EXPECT_EQ(-EINVAL, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa, 8,
				VMXSCOPE_TRAP_PERSIST, VMXSCOPE_MEM_PHYS, NULL));
	EXPECT_EQ(-EINVAL, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa, 8,
				VMXSCOPE_TRAP_WRITE, 2, NULL));
	/* The local APIC's page: MMIO, not RAM. */
	EXPECT_EQ(-EINVAL, trap(self->fd, VMXSCOPE_TRAP_MEM, 0xfee00000, 8,
				VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, NULL));
	EXPECT_EQ(-EFAULT, trap(self->fd, VMXSCOPE_TRAP_MEM, 0x1000, 8,
				VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_KVIRT, NULL));
	ASSERT_NE(0, own);
	EXPECT_EQ(-EPERM, trap(self->fd, VMXSCOPE_TRAP_MEM, own, 8,
			       VMXSCOPE_TRAP_EXEC, VMXSCOPE_MEM_KVIRT, NULL));
	EXPECT_EQ(-ENOSPC, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa,
				(VMXSCOPE_MAX_MEM_PAGES + 1) * 4096ULL,
				VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, NULL));
	/* In force at once: pages over the limit only together. */
	ASSERT_NE(0, ro);
	EXPECT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, ro, 200 * 4096,
			  VMXSCOPE_TRAP_EXEC, VMXSCOPE_MEM_KVIRT, NULL));
	EXPECT_EQ(-ENOSPC, trap(self->fd, VMXSCOPE_TRAP_MEM, ro + 200 * 4096,
				100 * 4096, VMXSCOPE_TRAP_EXEC,
				VMXSCOPE_MEM_KVIRT, NULL));
	EXPECT_EQ(0, trap(self->fd, VMXSCOPE_UNTRAP_MEM, ro, 200 * 4096,
			  VMXSCOPE_TRAP_EXEC, VMXSCOPE_MEM_KVIRT, NULL));
	EXPECT_EQ(-ENOENT, trap(self->fd, VMXSCOPE_UNTRAP_MEM, self->pa, 8,
				VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, NULL));
}

TEST_F(mem, close_releases_and_unload_restores)
{
	unsigned long long r, w0, w1;
	unsigned int id = 0, pid;
	int fd2, cpu = 0;
	long pages0 = vmxscope_ept_pages(), pages1;

	ASSERT_EQ(0, vmxscope_pin(cpu));
	ASSERT_LT(0, pages0);
	fd2 = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, trap(fd2, VMXSCOPE_TRAP_MEM, self->pa + 8, 8,
			  VMXSCOPE_TRAP_WRITE, VMXSCOPE_MEM_PHYS, &id));
	self->page[2] = 1;
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM, id,
				       &r, &w0));
	EXPECT_EQ(1, w0);
	/* The page's leaf split the watched view: more tables than before. */
	pages1 = vmxscope_ept_pages();
	EXPECT_LT(pages0, pages1);
	close(fd2);
	/* Released: the tables merged back into the large leaves. */
	EXPECT_EQ(pages0, vmxscope_ept_pages());
	self->page[2] = 2;
	ASSERT_EQ(0, vmxscope_trap_count(self->fd, cpu, VMXSCOPE_KIND_MEM, id,
				       &r, &w1));
	EXPECT_EQ(w0, w1);

	/* A module-owned trap, still in force at unload. */
	ASSERT_EQ(0, trap(self->fd, VMXSCOPE_TRAP_MEM, self->pa + 8, 8,
			  VMXSCOPE_TRAP_WRITE | VMXSCOPE_TRAP_PERSIST,
			  VMXSCOPE_MEM_PHYS, &pid));
	self->page[2] = 3;
	vmxscope_tracefs_write(MEM_EVENT "enable", "0");
	close(self->fd);
	ASSERT_EQ(0, vmxscope_unload());
	self->page[2] = 4;
	EXPECT_EQ(4, self->page[2]);
	EXPECT_EQ(0x5a5a5a5aU, self->page[3]);
	ASSERT_EQ(0, vmxscope_load(NULL));
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, vmxscope_cpus_virtualized() == self->ncpus ? 0 : -1);
}

TEST_HARNESS_MAIN
