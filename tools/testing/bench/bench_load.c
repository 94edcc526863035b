// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of loading: insmod and rmmod time per CPU, and the memory a
 * load takes (EPT pages, pages per CPU).  Part of tools/testing/bench.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/vmxscope.h>

#include "bench.h"

/*
 * Free pages, buddy allocator and per-CPU page lists together, from
 * /proc/zoneinfo: MemFree alone misses the pages parked on the per-CPU
 * lists, which swing by hundreds of KiB between two reads.
 */
static long free_pages_all(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long n = 0, v;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &v) == 1 ||
		    sscanf(line, " count: %ld", &v) == 1)
			n += v;
	fclose(f);
	return n;
}

/* Pages of @mod's core (text and data), from sysfs; -1 if unknown. */
static long module_pages(const char *mod)
{
	char path[128];
	long bytes = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/coresize", mod);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &bytes) != 1)
		bytes = -1;
	fclose(f);
	return bytes < 0 ? -1 : (bytes + 4095) / 4096;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

#define LOAD_CYCLES	5

char load_summary[256];

/* insmod/rmmod: wall time and TSC ticks, and what the load kept in memory. */
int bench_load(void)
{
	double load_us[LOAD_CYCLES], unload_us[LOAD_CYCLES];
	double load_t[LOAD_CYCLES], unload_t[LOAD_CYCLES];
	long free_delta[LOAD_CYCLES], ept = -1, core = -1, median;
	unsigned long long t0;
	long f0;
	double w0;
	int i, ret = 0;

	for (i = 0; i < LOAD_CYCLES && !ret; i++) {
		sync();
		usleep(100000);
		f0 = free_pages_all();
		w0 = now_us();
		t0 = tsc();
		ret = vmxscope_load(NULL);
		load_t[i] = (double)(tsc() - t0) / ncpus;
		load_us[i] = (now_us() - w0) / ncpus;
		if (ret)
			break;
		usleep(100000);
		free_delta[i] = f0 - free_pages_all();
		ept = vmxscope_ept_pages();
		core = module_pages("vmxscope");
		w0 = now_us();
		t0 = tsc();
		ret = vmxscope_kmod_unload("vmxscope");
		unload_t[i] = (double)(tsc() - t0) / ncpus;
		unload_us[i] = (now_us() - w0) / ncpus;
	}
	if (ret) {
		tap(false, "insmod/rmmod", strerror(-ret));
		return ret;
	}
	qsort(load_us, LOAD_CYCLES, sizeof(double), cmp_double);
	qsort(unload_us, LOAD_CYCLES, sizeof(double), cmp_double);
	record("insmod_per_cpu", load_t, NULL, LOAD_CYCLES);
	record("rmmod_per_cpu", unload_t, NULL, LOAD_CYCLES);
	jprintf("  \"insmod_us_per_cpu\": %.1f,\n", load_us[LOAD_CYCLES / 2]);
	jprintf("  \"rmmod_us_per_cpu\": %.1f,\n", unload_us[LOAD_CYCLES / 2]);
	jprintf("  \"memory\": { \"ept_pages\": %ld, \"ept_pages_source\": \"debugfs vmxscope/status\",\n",
		ept);
	jprintf("    \"module_core_pages\": %ld, \"module_core_source\": \"/sys/module/vmxscope/coresize\",\n",
		core);
	jprintf("    \"free_pages_delta\": [");
	for (i = 0; i < LOAD_CYCLES; i++)
		jprintf("%s%ld", i ? ", " : "", free_delta[i]);
	qsort(free_delta, LOAD_CYCLES, sizeof(long), cmp_long);
	median = free_delta[LOAD_CYCLES / 2];
	jprintf("],\n    \"free_pages_delta_source\": \"/proc/zoneinfo free + per-CPU list pages before insmod minus after, one per load\",\n");
	jprintf("    \"per_cpu_pages_est\": %.1f,\n", ((double)median - core - ept) / ncpus);
	snprintf(load_summary, sizeof(load_summary),
		 "insmod %.0f us/CPU, rmmod %.0f us/CPU; EPT %ld pages, module core %ld, per CPU ~%.1f (estimate)",
		 load_us[LOAD_CYCLES / 2], unload_us[LOAD_CYCLES / 2], ept, core,
		 ((double)median - core - ept) / ncpus);
	jprintf("    \"per_cpu_pages_source\": \"(median free-pages delta - module core - EPT pages) / CPUs: an estimate, includes slab and sysfs/debugfs noise\" },\n");
	tap(true, "insmod/rmmod time and memory", NULL);
	return 0;
}
