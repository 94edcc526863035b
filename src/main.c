// SPDX-License-Identifier: GPL-2.0
/*
 * vmxmon: a thin VT-x hypervisor under the running Linux kernel.
 *
 * Module entry and exit.  The VMX code lives in arch/x86/; this file only
 * orders the steps and unwinds them on failure.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include <vmxmon/trace.h>
#include <vmxmon/traps.h>
#include <vmxmon/vmxmon.h>

static int __init vmxmon_init(void)
{
	int ret;

	ret = vmxmon_trace_init();
	if (ret)
		return ret;
	ret = vmxmon_vmx_init();
	if (ret)
		goto trace;
	vmxmon_traps_init();
	vmxmon_stats_init();
	ret = vmxmon_dev_register();
	if (ret) {
		pr_err("cannot register /dev/vmxmon: %d\n", ret);
		goto stats;
	}
	return 0;
stats:
	vmxmon_stats_exit();
	vmxmon_traps_exit();
	vmxmon_vmx_exit();
trace:
	vmxmon_trace_teardown();
	return ret;
}

/* No file is open (each holds a module reference), so no trap but persistent ones. */
static void __exit vmxmon_exit(void)
{
	vmxmon_dev_unregister();
	vmxmon_stats_exit();
	vmxmon_traps_exit();
	vmxmon_vmx_exit();
	vmxmon_trace_teardown();
	pr_info("unloaded: every CPU left VMX\n");
}

module_init(vmxmon_init);
module_exit(vmxmon_exit);

MODULE_DESCRIPTION("Thin VT-x hypervisor that virtualizes the running kernel");
MODULE_LICENSE("GPL");
