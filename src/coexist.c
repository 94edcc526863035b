// SPDX-License-Identifier: GPL-2.0
/*
 * VT-x has one owner at a time.  While vmxscope is loaded it owns VMX on
 * every CPU, and a second VT-x user (KVM, VirtualBox, VMware)
 * would VMXON into a #UD: KVM WARNs and fails, others may do worse.  So:
 * vmxscope refuses to load while such a module is loaded, and while
 * vmxscope is loaded their loading is refused, each with one dmesg line
 * that says what to do.  CPUID.1:ECX.VMX reads 0 in the guest meanwhile
 * (exit.c), for VT-x users this list does not name.  See
 * Documentation/design.rst, "Coexisting with KVM".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/string.h>

#include <vmxscope/vmxscope.h>

/* Modules that use VT-x themselves (their load runs or arms VMXON). */
static const char * const vtx_users[] = {
	"kvm_intel",	/* KVM */
	"vboxdrv",	/* VirtualBox */
	"vmmon",	/* VMware Workstation */
};

static const char *vtx_user(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtx_users); i++)
		if (!strcmp(name, vtx_users[i]))
			return vtx_users[i];
	return NULL;
}

/* A module's sysfs directory exists from its load to its unload. */
static bool module_present(const char *name)
{
	char dir[MODULE_NAME_LEN + 16];
	struct path path;

	snprintf(dir, sizeof(dir), "/sys/module/%s", name);
	if (kern_path(dir, LOOKUP_FOLLOW, &path))
		return false;
	path_put(&path);
	return true;
}

/* MODULE_STATE_COMING runs before the module's init: refuse it there. */
static int module_event(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || !vtx_user(mod->name))
		return NOTIFY_DONE;
	pr_err("refusing to load %s: vmxscope holds VT-x on every CPU; rmmod vmxscope first\n",
	       mod->name);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

/*
 * Called before any CPU is virtualized.  The notifier goes first, so that
 * a VT-x user loading meanwhile is either seen here or refused there.
 */
int vmxscope_coexist_init(void)
{
	unsigned int i;
	int ret;

	ret = register_module_notifier(&module_nb);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(vtx_users); i++) {
		if (module_present(vtx_users[i])) {
			pr_err("%s is loaded and owns VT-x; rmmod %s, then load vmxscope\n",
			       vtx_users[i], vtx_users[i]);
			unregister_module_notifier(&module_nb);
			return -EBUSY;
		}
	}
	return 0;
}

void vmxscope_coexist_exit(void)
{
	unregister_module_notifier(&module_nb);
}
