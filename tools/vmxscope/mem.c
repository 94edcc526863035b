// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope trap/untrap mem, and kernel symbols for them and for watch:
 *
 *   trap mem --phys A[-B|+LEN] | --kaddr A[-B|+LEN] | --symbol NAME[+LEN]
 *            [--read] [--write] [--exec]
 *
 * Symbols come from /proc/kallsyms (root sees the addresses); without
 * +LEN a symbol's span runs up to the next symbol's address.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#include "cli.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nr_ksyms;

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* /proc/kallsyms, sorted by address, once; 0 or -errno. */
static int ksyms_load(void)
{
	FILE *f;
	char line[512], name[256], type;
	unsigned long long a;
	size_t cap = 0;

	if (ksyms)
		return 0;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3 || !a)
			continue;
		if (nr_ksyms == cap) {
			struct ksym *k;

			cap = cap ? 2 * cap : 65536;
			k = realloc(ksyms, cap * sizeof(*k));
			if (!k)
				break;
			ksyms = k;
		}
		ksyms[nr_ksyms].addr = a;
		ksyms[nr_ksyms].name = strdup(name);
		if (ksyms[nr_ksyms].name)
			nr_ksyms++;
	}
	fclose(f);
	if (!nr_ksyms)
		return -ENOENT;	/* kptr_restrict hides them */
	qsort(ksyms, nr_ksyms, sizeof(*ksyms), by_addr);
	return 0;
}

/* "name+0xoff" for kernel address @addr into @buf, or false. */
bool ksym_describe(uint64_t addr, char *buf, size_t size)
{
	size_t lo = 0, hi;

	if (addr < 0xffff800000000000ULL || ksyms_load())
		return false;
	hi = nr_ksyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || lo == nr_ksyms)
		return false;
	snprintf(buf, size, "%s+%#llx", ksyms[lo - 1].name,
		 (unsigned long long)(addr - ksyms[lo - 1].addr));
	return true;
}

/* @name's address and the bytes up to the next symbol; 0 or -ENOENT. */
static int ksym_lookup(const char *name, uint64_t *addr, uint64_t *span)
{
	size_t i;

	if (ksyms_load())
		return -ENOENT;
	for (i = 0; i < nr_ksyms; i++) {
		if (strcmp(ksyms[i].name, name))
			continue;
		*addr = ksyms[i].addr;
		*span = 1;
		while (++i < nr_ksyms)
			if (ksyms[i].addr > *addr) {
				*span = ksyms[i].addr - *addr;
				break;
			}
		return 0;
	}
	return -ENOENT;
}

static const struct hint mem_hints[] = {
	{ EINVAL, "memory traps watch RAM (not MMIO) pages in use, with --read, --write and/or --exec" },
	{ EFAULT, "that kernel address is not mapped (direct map, kernel image, vmalloc or module memory)" },
	{ EPERM, "that is vmxscope's own memory: the monitor cannot monitor itself" },
	{ ENOSPC, "at most VMXSCOPE_MAX_MEM_PAGES (256) pages are watched at once, over all memory traps" },
	{ EOPNOTSUPP, "this CPU or module cannot trap memory (no mem_traps in 'vmxscope status')" },
	{ ENOENT, "no such trap: untrap mem takes the arguments the trap was set with" },
	{ }
};

/* trap/untrap mem: exactly one of @phys, @kaddr, @symbol (trap.c). */
int mem_trap_verb(bool untrap, uint32_t flags, const char *phys,
		  const char *kaddr, const char *symbol)
{
	const char *verb = untrap ? "untrap" : "trap";
	struct vmxscope_mem_trap t = { .flags = flags | VMXSCOPE_TRAP_PERSIST };
	char sym[128] = "", desc[200], what[256];
	uint64_t addr = 0, len = 0, span;
	int fd, err;

	if (!!phys + !!kaddr + !!symbol != 1)
		return usage_error(verb, "mem takes one of --phys, --kaddr, --symbol");
	if (!(flags & (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE | VMXSCOPE_TRAP_EXEC)))
		t.flags |= VMXSCOPE_TRAP_WRITE;
	if (symbol) {
		if (parse_mem_span(symbol, sym, sizeof(sym), &addr, &len))
			return usage_error(verb, "bad symbol span '%s' (NAME[+LEN])", symbol);
		if (ksym_lookup(sym, &addr, &span))
			return usage_error(verb, "no kernel symbol '%s' in /proc/kallsyms", sym);
		t.len = len ? len : span;
		t.space = VMXSCOPE_MEM_KVIRT;
	} else {
		if (parse_mem_span(phys ? phys : kaddr, NULL, 0, &addr, &len))
			return usage_error(verb, "bad address span '%s' (A, A-B or A+LEN)",
					   phys ? phys : kaddr);
		t.len = len ? len : 1;
		t.space = phys ? VMXSCOPE_MEM_PHYS : VMXSCOPE_MEM_KVIRT;
	}
	t.addr = addr;
	snprintf(desc, sizeof(desc), "mem %s%s%s%#llx+%llu (%s%s%s)",
		 phys ? "phys " : "", sym, sym[0] ? " at " : "",
		 (unsigned long long)t.addr,
		 (unsigned long long)t.len,
		 t.flags & VMXSCOPE_TRAP_READ ? "r" : "",
		 t.flags & VMXSCOPE_TRAP_WRITE ? "w" : "",
		 t.flags & VMXSCOPE_TRAP_EXEC ? "x" : "");
	snprintf(what, sizeof(what), "%s %s", verb, desc);
	fd = open_dev();
	if (fd < 0)
		return EXIT_REQUEST;
	if (ioctl(fd, untrap ? VMXSCOPE_UNTRAP_MEM : VMXSCOPE_TRAP_MEM, &t)) {
		err = errno;
		close(fd);
		return fail(what, err, mem_hints);
	}
	close(fd);
	if (!json) {
		if (untrap)
			printf("untrapped %s\n", desc);
		else
			printf("trapped %s as id %u, persistent until 'vmxscope untrap'\n",
			       desc, t.id);
		return EXIT_SUCCESS;
	}
	json_open(NULL, '{');
	json_bool("ok", true);
	json_str("action", verb);
	json_str("kind", "mem");
	json_str("space", phys ? "phys" : "kvirt");
	json_str("symbol", sym[0] ? sym : NULL);
	json_u64("addr", t.addr);
	json_u64("len", t.len);
	json_bool("read", t.flags & VMXSCOPE_TRAP_READ);
	json_bool("write", t.flags & VMXSCOPE_TRAP_WRITE);
	json_bool("exec", t.flags & VMXSCOPE_TRAP_EXEC);
	if (!untrap)
		json_u64("id", t.id);
	json_bool("persist", true);
	json_close('}');
	return EXIT_SUCCESS;
}
