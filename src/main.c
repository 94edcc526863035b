// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope: a thin VT-x hypervisor under the running Linux kernel.
 *
 * Module entry and exit.  The VMX code lives in arch/x86/; this file only
 * orders the steps and unwinds them on failure.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include <vmxscope/trace.h>
#include <vmxscope/traps.h>
#include <vmxscope/vmxscope.h>

static int __init vmxscope_init(void)
{
	int ret;

	ret = vmxscope_coexist_init();
	if (ret)
		return ret;
	ret = vmxscope_trace_init();
	if (ret)
		goto coexist;
	ret = vmxscope_vmx_init();
	if (ret)
		goto trace;
	vmxscope_traps_init();
	vmxscope_stats_init();
	ret = vmxscope_dev_register();
	if (ret) {
		pr_err("cannot register /dev/vmxscope: %d\n", ret);
		goto stats;
	}
	return 0;
stats:
	vmxscope_stats_exit();
	vmxscope_traps_exit();
	vmxscope_vmx_exit();
trace:
	vmxscope_trace_teardown();
coexist:
	vmxscope_coexist_exit();
	return ret;
}

/* No file is open (each holds a module reference), so no trap but persistent ones. */
static void __exit vmxscope_exit(void)
{
	vmxscope_dev_unregister();
	vmxscope_stats_exit();
	vmxscope_traps_exit();
	vmxscope_vmx_exit();
	vmxscope_trace_teardown();
	vmxscope_coexist_exit();
	pr_info("unloaded: every CPU left VMX\n");
}

module_init(vmxscope_init);
module_exit(vmxscope_exit);

MODULE_DESCRIPTION("Thin VT-x hypervisor that virtualizes the running kernel");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMXSCOPE_VERSION);
