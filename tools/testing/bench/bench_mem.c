// SPDX-License-Identifier: GPL-2.0
/*
 * Memory traps (Documentation/memory-monitoring.rst): a 4-byte store to a
 * watched word, to another word of the watched page (a neighbour), and to
 * an unwatched page, traced and not; the VM exits per watched store; the
 * EPT pages a watched page costs; the workload with nothing watched.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "bench.h"

struct store {
	uint32_t *p;
	uint32_t v;
};

static void op_store(void *arg)
{
	struct store *s = arg;

	asm volatile("movl %1, (%0)" : : "r" (s->p), "r" (s->v++) : "memory");
}

static uint64_t user_phys(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)p / 4096 * 8) != 8)
		e = 0;
	close(fd);
	e &= (1ULL << 55) - 1;
	return e ? e * 4096 + (uintptr_t)p % 4096 : 0;
}

static unsigned long long exits(int fd, unsigned int reason)
{
	struct vmxscope_exit_stats s = { .cpu = BENCH_CPU };

	return ioctl(fd, VMXSCOPE_GET_EXIT_STATS, &s) ? 0 : s.exits[reason];
}

int bench_mem(void)
{
	uint32_t *page = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	struct vmxscope_mem_trap t = { .len = 4, .flags = VMXSCOPE_TRAP_WRITE };
	struct store watched, near, other;
	unsigned long long e0, e1;
	long p0, p1;
	int fd;

	if (page == MAP_FAILED) {
		tap(false, "memory traps", "mmap");
		return -1;
	}
	memset(page, 0, 2 * 4096);
	watched = (struct store){ .p = &page[256] };
	near = (struct store){ .p = &page[512] };
	other = (struct store){ .p = &page[1024 + 256] };
	t.addr = user_phys(watched.p);
	fd = open(VMXSCOPE_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 || !t.addr) {
		tap(false, "memory traps", "device or pagemap");
		return -1;
	}
	measure("store.unwatched", op_store, &other, iters);
	p0 = vmxscope_ept_pages();
	if (ioctl(fd, VMXSCOPE_TRAP_MEM, &t)) {
		tap(false, "memory traps", strerror(errno));
		close(fd);
		return -1;
	}
	p1 = vmxscope_ept_pages();
	e0 = exits(fd, VMXSCOPE_EXIT_EPT_VIOLATION);
	measure("store.watched", op_store, &watched, iters / 4);
	e1 = exits(fd, VMXSCOPE_EXIT_EPT_VIOLATION);
	measure("store.neighbour", op_store, &near, iters / 4);
	vmxscope_tracefs_write("events/vmxscope/vmxscope_mem/enable", "1");
	measure("store.watched_traced", op_store, &watched, iters / 4);
	vmxscope_tracefs_write("events/vmxscope/vmxscope_mem/enable", "0");
	/* warm-up plus REPS repetitions of iters / 4 stores, two exits each */
	jprintf("  \"mem_violations_per_watched_store\": %.2f,\n",
		(double)(e1 - e0) / (1 + REPS * (iters / 4)));
	jprintf("  \"mem_ept_pages_per_watched_page\": %ld,\n",
		p0 >= 0 && p1 >= 0 ? p1 - p0 : -1);
	close(fd);
	tap(true, "memory traps: watched, neighbour and unwatched stores", NULL);
	munmap(page, 2 * 4096);
	return 0;
}
