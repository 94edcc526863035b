// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope stats: per-CPU exit counts by basic exit reason
 * (VMXSCOPE_GET_EXIT_STATS) and per trapped MSR/port/vector counts
 * (VMXSCOPE_GET_TRAP_STATS); with --latency, the exit-handling latency
 * histograms (VMXSCOPE_GET_LATENCY).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#include "cli.h"

#define MAX_CPUS	4096

struct cpu_stats {
	uint32_t cpu;
	struct vmxscope_exit_stats exits;
	struct vmxscope_trap_count *counts;
	uint32_t nr;
	uint64_t dropped;
};

static const struct hint stats_hints[] = {
	{ EINVAL, "no such CPU, or it is offline" },
	{ ENODEV, "that CPU is not running under vmxscope" },
	{ }
};

static int fetch(int fd, struct cpu_stats *s)
{
	struct vmxscope_trap_stats ts;
	uint32_t cap = 16;
	char what[64];

	memset(&s->exits, 0, sizeof(s->exits));
	s->exits.cpu = s->cpu;
	if (ioctl(fd, VMXSCOPE_GET_EXIT_STATS, &s->exits)) {
		snprintf(what, sizeof(what), "VMXSCOPE_GET_EXIT_STATS cpu %u", s->cpu);
		return fail(what, errno, stats_hints);
	}
	/* The table may grow between two calls: retry until it fits. */
	for (;;) {
		void *p = realloc(s->counts, cap * sizeof(*s->counts));

		if (!p)
			return fail("trap statistics", ENOMEM, NULL);
		s->counts = p;
		memset(&ts, 0, sizeof(ts));
		ts.cpu = s->cpu;
		ts.capacity = cap;
		ts.counts = (uintptr_t)s->counts;
		if (ioctl(fd, VMXSCOPE_GET_TRAP_STATS, &ts)) {
			snprintf(what, sizeof(what), "VMXSCOPE_GET_TRAP_STATS cpu %u",
				 s->cpu);
			return fail(what, errno, stats_hints);
		}
		if (ts.nr <= cap)
			break;
		cap = ts.nr + 16;
	}
	s->nr = ts.nr;
	s->dropped = ts.dropped;
	return 0;
}

/* The online CPUs: from sysfs, else 0..n-1 of GET_INFO. */
static int online_cpus(int fd, int *cpus)
{
	struct vmxscope_info info;
	char buf[4096];
	FILE *f;
	int n = -1, i;

	f = fopen("/sys/devices/system/cpu/online", "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			n = parse_cpu_list(buf, cpus, MAX_CPUS);
		fclose(f);
	}
	if (n > 0)
		return n;
	if (get_info(fd, &info) || info.nr_cpus_online == 0)
		return 1;	/* CPU 0 at least */
	n = info.nr_cpus_online < MAX_CPUS ? info.nr_cpus_online : MAX_CPUS;
	for (i = 0; i < n; i++)
		cpus[i] = i;
	return n;
}

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case VMXSCOPE_KIND_MSR:
		return "msr";
	case VMXSCOPE_KIND_IO:
		return "io";
	case VMXSCOPE_KIND_EXC:
		return "exception";
	case VMXSCOPE_KIND_MEM:
		return "mem";
	case VMXSCOPE_KIND_MEM_EXEC:
		return "mem_exec";
	case VMXSCOPE_KIND_MEM_NEAR:
		return "mem_neighbour";
	default:
		return NULL;
	}
}

static void trap_label(const struct vmxscope_trap_count *t, char *buf, size_t size)
{
	switch (t->kind) {
	case VMXSCOPE_KIND_MSR:
		snprintf(buf, size, "MSR %#010x", t->id);
		break;
	case VMXSCOPE_KIND_IO:
		snprintf(buf, size, "port %#06x", t->id);
		break;
	case VMXSCOPE_KIND_EXC:
		snprintf(buf, size, "#%s (%u)", vector_name(t->id) ?
			 vector_name(t->id) : "reserved", t->id);
		break;
	case VMXSCOPE_KIND_MEM:
		snprintf(buf, size, "mem id %u r/w", t->id);
		break;
	case VMXSCOPE_KIND_MEM_EXEC:
		snprintf(buf, size, "mem id %u exec", t->id);
		break;
	case VMXSCOPE_KIND_MEM_NEAR:
		snprintf(buf, size, "mem id %u neighbours", t->id);
		break;
	default:
		snprintf(buf, size, "kind %u id %#x", t->kind, t->id);
	}
}

static void trap_cell(const struct vmxscope_trap_count *t, uint64_t reads,
		      uint64_t writes, char *buf, size_t size)
{
	if (t->kind == VMXSCOPE_KIND_EXC || t->kind == VMXSCOPE_KIND_MEM_EXEC ||
	    t->kind == VMXSCOPE_KIND_MEM_NEAR)
		snprintf(buf, size, "%llu", (unsigned long long)reads);
	else
		snprintf(buf, size, "%llu/%llu", (unsigned long long)reads,
			 (unsigned long long)writes);
}

static const struct vmxscope_trap_count *find_count(const struct cpu_stats *s,
						  const struct vmxscope_trap_count *key)
{
	uint32_t i;

	for (i = 0; i < s->nr; i++)
		if (s->counts[i].kind == key->kind && s->counts[i].id == key->id)
			return &s->counts[i];
	return NULL;
}

/* Has an earlier CPU (or an earlier entry of this one) listed @t? */
static bool seen(const struct cpu_stats *st, int c, uint32_t i)
{
	const struct vmxscope_trap_count *t = &st[c].counts[i];
	uint32_t j;
	int k;

	for (k = 0; k < c; k++)
		if (find_count(&st[k], t))
			return true;
	for (j = 0; j < i; j++)
		if (st[c].counts[j].kind == t->kind && st[c].counts[j].id == t->id)
			return true;
	return false;
}

static void print_header(const char *what, const struct cpu_stats *st, int n)
{
	char col[16];
	int c;

	printf("%-24s %14s", what, "total");
	for (c = 0; c < n; c++) {
		snprintf(col, sizeof(col), "cpu%u", st[c].cpu);
		printf(" %13s", col);
	}
	putchar('\n');
}

static void print_text(const struct cpu_stats *st, int n, bool all)
{
	unsigned int r;
	uint32_t i;
	int c, k;

	print_header("exit reason", st, n);
	for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++) {
		unsigned long long total = 0;
		char other[24];

		for (c = 0; c < n; c++)
			total += st[c].exits.exits[r];
		if (!total && !(all && exit_reason_name(r)))
			continue;
		snprintf(other, sizeof(other), "reason %u", r);
		printf("%-24s %14llu", exit_reason_name(r) ?: other, total);
		for (c = 0; c < n; c++)
			printf(" %13llu", (unsigned long long)st[c].exits.exits[r]);
		putchar('\n');
	}

	putchar('\n');
	print_header("trapped (reads/writes)", st, n);
	for (c = 0; c < n; c++) {
		for (i = 0; i < st[c].nr; i++) {
			const struct vmxscope_trap_count *t = &st[c].counts[i], *o;
			uint64_t reads = 0, writes = 0;
			char label[32], cell[48];

			if (seen(st, c, i))
				continue;
			for (k = 0; k < n; k++) {
				o = find_count(&st[k], t);
				reads += o ? o->reads : 0;
				writes += o ? o->writes : 0;
			}
			trap_label(t, label, sizeof(label));
			trap_cell(t, reads, writes, cell, sizeof(cell));
			printf("%-24s %14s", label, cell);
			for (k = 0; k < n; k++) {
				o = find_count(&st[k], t);
				trap_cell(t, o ? o->reads : 0, o ? o->writes : 0,
					  cell, sizeof(cell));
				printf(" %13s", cell);
			}
			putchar('\n');
		}
	}
	for (c = 0; c < n; c++)
		if (st[c].dropped)
			printf("cpu %u: %llu trapped events not counted (table full)\n",
			       st[c].cpu, (unsigned long long)st[c].dropped);
}

struct mem_list {
	struct vmxscope_mem_range_info r[VMXSCOPE_MAX_MEM_PAGES];
	uint32_t nr;
};

/* The memory traps in force (ids, requests, pages); 0 or an errno. */
static int fetch_mem(int fd, struct mem_list *m)
{
	struct vmxscope_mem_traps q = {
		.capacity = VMXSCOPE_MAX_MEM_PAGES, .ranges = (uintptr_t)m->r,
	};

	m->nr = 0;
	if (ioctl(fd, VMXSCOPE_GET_MEM_TRAPS, &q))
		return errno;
	m->nr = q.nr < VMXSCOPE_MAX_MEM_PAGES ? q.nr : VMXSCOPE_MAX_MEM_PAGES;
	return 0;
}

static void mem_flags(uint32_t f, char *buf)
{
	snprintf(buf, 8, "%s%s%s", f & VMXSCOPE_TRAP_READ ? "r" : "",
		 f & VMXSCOPE_TRAP_WRITE ? "w" : "", f & VMXSCOPE_TRAP_EXEC ? "x" : "");
}

static void print_mem(const struct mem_list *m)
{
	char f[8], sym[160];
	uint32_t i;

	if (json) {
		json_open("mem_traps", '[');
		for (i = 0; i < m->nr; i++) {
			const struct vmxscope_mem_range_info *r = &m->r[i];

			json_open(NULL, '{');
			json_u64("id", r->id);
			json_str("space", r->space == VMXSCOPE_MEM_PHYS ? "phys" : "kvirt");
			json_u64("addr", r->addr);
			json_u64("len", r->len);
			json_u64("phys", r->phys);
			json_u64("pages", r->pages);
			json_bool("read", r->flags & VMXSCOPE_TRAP_READ);
			json_bool("write", r->flags & VMXSCOPE_TRAP_WRITE);
			json_bool("exec", r->flags & VMXSCOPE_TRAP_EXEC);
			json_bool("persist", r->flags & VMXSCOPE_TRAP_PERSIST);
			json_str("symbol", ksym_describe(r->addr, sym, sizeof(sym)) ?
				 sym : NULL);
			json_close('}');
		}
		json_close(']');
		return;
	}
	if (!m->nr)
		return;
	printf("\n%-6s %-5s %-18s %10s %18s %5s %-4s %s\n", "mem id", "space",
	       "address", "bytes", "guest-physical", "pages", "rwx", "symbol");
	for (i = 0; i < m->nr; i++) {
		const struct vmxscope_mem_range_info *r = &m->r[i];

		mem_flags(r->flags, f);
		printf("%-6u %-5s %#18llx %10llu %#18llx %5u %-4s %s%s\n", r->id,
		       r->space == VMXSCOPE_MEM_PHYS ? "phys" : "kvirt",
		       (unsigned long long)r->addr, (unsigned long long)r->len,
		       (unsigned long long)r->phys, r->pages, f,
		       ksym_describe(r->addr, sym, sizeof(sym)) ? sym : "-",
		       r->flags & VMXSCOPE_TRAP_PERSIST ? "" : " (a program's)");
	}
}

static void print_json(const struct cpu_stats *st, int n, const struct mem_list *m)
{
	unsigned int r;
	uint32_t i;
	int c;

	json_open(NULL, '{');
	json_bool("ok", true);
	json_open("cpus", '[');
	for (c = 0; c < n; c++) {
		unsigned long long total = 0;

		json_open(NULL, '{');
		json_u64("cpu", st[c].cpu);
		json_open("exits", '{');
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++) {
			unsigned long long v = st[c].exits.exits[r];
			char other[24];

			total += v;
			if (!exit_reason_name(r) && !v)
				continue;
			snprintf(other, sizeof(other), "reason_%u", r);
			json_u64(exit_reason_name(r) ?: other, v);
		}
		json_close('}');
		json_u64("exits_total", total);
		json_open("traps", '[');
		for (i = 0; i < st[c].nr; i++) {
			const struct vmxscope_trap_count *t = &st[c].counts[i];

			json_open(NULL, '{');
			json_str("kind", kind_name(t->kind));
			json_u64("id", t->id);
			json_u64("reads", t->reads);
			json_u64("writes", t->writes);
			json_close('}');
		}
		json_close(']');
		json_u64("dropped", st[c].dropped);
		json_close('}');
	}
	json_close(']');
	print_mem(m);
	json_close('}');
}

/* Upper bound in ticks of log2 bucket @b (uapi struct vmxscope_latency). */
static unsigned long long bucket_top(unsigned int b)
{
	return b + 1 >= VMXSCOPE_LATENCY_BUCKETS ? 0 : (2ULL << b) - 1;
}

static void print_bound(unsigned int b)
{
	if (bucket_top(b))
		printf(" %10llu", bucket_top(b));
	else
		printf(" %10s", "longer");
}

static void latency_reason(const struct vmxscope_latency *l, unsigned int r)
{
	const uint32_t *h = l->hist[r];
	unsigned long long total = 0;
	unsigned int b, max = 0;
	char other[24];

	for (b = 0; b < VMXSCOPE_LATENCY_BUCKETS; b++) {
		total += h[b];
		if (h[b])
			max = b;
	}
	snprintf(other, sizeof(other), "reason_%u", r);
	if (json) {
		json_open(NULL, '{');
		json_u64("reason", r);
		json_str("name", exit_reason_name(r) ?: other);
		json_u64("count", total);
		json_open("buckets", '[');
		for (b = 0; b < VMXSCOPE_LATENCY_BUCKETS; b++)
			json_u64(NULL, h[b]);
		json_close(']');
		json_close('}');
		return;
	}
	printf("  %-22s %12llu", exit_reason_name(r) ?: other, total);
	if (total) {
		print_bound(hist_percentile(h, VMXSCOPE_LATENCY_BUCKETS, 50));
		print_bound(hist_percentile(h, VMXSCOPE_LATENCY_BUCKETS, 99));
		print_bound(max);
	}
	putchar('\n');
}

/* --latency: the histograms of each CPU in @cpus. */
static int show_latency(int fd, const int *cpus, int n, bool all)
{
	struct vmxscope_latency *l = calloc(1, sizeof(*l));
	unsigned int r, b;
	char what[64];
	int c;

	if (!l)
		return fail("latency", ENOMEM, NULL);
	if (json) {
		json_open(NULL, '{');
		json_bool("ok", true);
		json_u64("nr_buckets", VMXSCOPE_LATENCY_BUCKETS);
		json_open("cpus", '[');
	}
	for (c = 0; c < n; c++) {
		memset(l, 0, sizeof(*l));
		l->cpu = cpus[c];
		if (ioctl(fd, VMXSCOPE_GET_LATENCY, l)) {
			int err = errno;

			free(l);
			snprintf(what, sizeof(what), "VMXSCOPE_GET_LATENCY cpu %d",
				 cpus[c]);
			return fail(what, err, stats_hints);
		}
		if (json) {
			json_open(NULL, '{');
			json_u64("cpu", l->cpu);
			json_u64("tsc_khz", l->tsc_khz);
			json_open("reasons", '[');
		} else {
			printf("%scpu %u: exit handling in TSC ticks (%llu per us), upper bounds\n"
			       "  %-22s %12s %10s %10s %10s\n", c ? "\n" : "",
			       l->cpu, (unsigned long long)l->tsc_khz / 1000,
			       "reason", "exits", "median", "p99", "max");
		}
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++) {
			bool any = false;

			for (b = 0; b < VMXSCOPE_LATENCY_BUCKETS; b++)
				any |= l->hist[r][b] != 0;
			if (any || (all && exit_reason_name(r)))
				latency_reason(l, r);
		}
		if (json) {
			json_close(']');
			json_close('}');
		}
	}
	if (json) {
		json_close(']');
		json_close('}');
	}
	free(l);
	return EXIT_SUCCESS;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "cpu", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "latency", no_argument, NULL, 'l' },
		{ }
	};
	struct cpu_stats *st = NULL;
	struct mem_list *mem;
	bool one = false, all = false, latency = false;
	int fd, c, n, ret = EXIT_SUCCESS;
	int *cpus = NULL;
	uint32_t cpu = 0;

	optind = 0;
	while ((c = getopt_verb("stats", argc, argv, "hc:al", opts)) != -1) {
		switch (c) {
		case 'h':
			return verb_help("stats");
		case 'c':
			if (parse_u32(optarg, &cpu))
				return usage_error("stats", "bad CPU number '%s'", optarg);
			one = true;
			break;
		case 'a':
			all = true;
			break;
		case 'l':
			latency = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("stats", "unexpected argument '%s'", argv[optind]);

	fd = open_dev();
	if (fd < 0)
		return EXIT_REQUEST;
	n = 1;
	cpus = calloc(MAX_CPUS, sizeof(*cpus));
	if (cpus && one)
		cpus[0] = cpu;
	else if (cpus)
		n = online_cpus(fd, cpus);
	st = calloc(n, sizeof(*st));
	if (!cpus || !st) {
		ret = fail("stats", ENOMEM, NULL);
		goto out;
	}
	if (latency) {
		ret = show_latency(fd, cpus, n, all);
		goto out;
	}
	for (c = 0; c < n; c++) {
		st[c].cpu = cpus[c];
		ret = fetch(fd, &st[c]);
		if (ret) {
			n = c + 1;
			goto out;
		}
	}
	mem = calloc(1, sizeof(*mem));
	if (!mem) {
		ret = fail("stats", ENOMEM, NULL);
		goto out;
	}
	fetch_mem(fd, mem);	/* an older module has no such ioctl */
	if (json) {
		print_json(st, n, mem);
	} else {
		print_text(st, n, all);
		print_mem(mem);
	}
	free(mem);
out:
	close(fd);
	for (c = 0; st && c < n; c++)
		free(st[c].counts);
	free(st);
	free(cpus);
	return ret;
}
