// SPDX-License-Identifier: GPL-2.0
/*
 * Exit statistics in debugfs, until the control plane exposes them:
 * /sys/kernel/debug/vmxscope/exits has one line per CPU and exit reason
 * that occurred: "<cpu> <REASON> <count>"; .../events one per CPU with the
 * trace events root mode recorded and those it dropped because the
 * CPU's ring was full: "<cpu> <posted> <dropped>".
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <uapi/linux/vmxscope.h>
#include <vmxscope/trace.h>
#include <vmxscope/vmxscope.h>

static struct dentry *stats_dir;

static int exits_show(struct seq_file *m, void *v)
{
	u64 *counts = kcalloc(VMXSCOPE_NR_EXIT_REASONS, sizeof(*counts),
			      GFP_KERNEL);
	unsigned int cpu, r;

	if (!counts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		if (vmxscope_read_exit_counts(cpu, counts))
			continue;
		for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++)
			if (counts[r])
				seq_printf(m, "%u %s %llu\n", cpu,
					   vmxscope_exit_reason_name(r), counts[r]);
	}
	kfree(counts);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exits);

static int events_show(struct seq_file *m, void *v)
{
	unsigned int cpu;
	u64 posted, dropped;

	for_each_possible_cpu(cpu) {
		vmxscope_trace_counts(cpu, &posted, &dropped);
		seq_printf(m, "%u %llu %llu\n", cpu, posted, dropped);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(events);

static int status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "cpus_virtualized %u\nept_pages %lu\n",
		   vmxscope_nr_cpus_virt(), vmxscope_ept_pages());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

void vmxscope_stats_init(void)
{
	stats_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("exits", 0400, stats_dir, NULL, &exits_fops);
	debugfs_create_file("status", 0400, stats_dir, NULL, &status_fops);
	debugfs_create_file("events", 0400, stats_dir, NULL, &events_fops);
}

void vmxscope_stats_exit(void)
{
	debugfs_remove(stats_dir);
}
