// SPDX-License-Identifier: GPL-2.0
/*
 * On any CPU model: vmxscope loads where the CPU has what it needs and
 * refuses where it does not.  What it needs is read here from the VMX
 * capability MSRs (SDM Vol. 3D A.3.3, A.10), not from the module: the
 * secondary controls with EPT and VPID, and EPT/VPID capabilities for a
 * 4-level walk, 2 MiB pages, INVEPT and INVVPID.  A refusal is
 * EOPNOTSUPP, one kernel log line naming what is missing, and nothing
 * left behind: no module, and VMX free for KVM (a KVM VM can be made,
 * which VMXONs every CPU).  The emulated matrix (make check-matrix) runs
 * this on core2_penryn_t9600, which has VMX without EPT.
 */
#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define MSR_VMX_BASIC		0x480
#define MSR_VMX_PROCBASED	0x482
#define MSR_VMX_TRUE_PROCBASED	0x48e
#define MSR_VMX_PROCBASED2	0x48b
#define MSR_VMX_EPT_VPID_CAP	0x48c

/* The first thing vmxscope needs that CPU 0 lacks, in the order the module checks; or NULL. */
static const char *missing_capability(void)
{
	unsigned long long basic, proc, proc2 = 0, cap = 0;
	static const struct { int bit; const char *name; } caps[] = {
		{ 6, "4-level EPT walk" }, { 16, "2 MiB EPT pages" },
		{ 20, "INVEPT" }, { 32, "INVVPID" },
	};
	unsigned int i;

	if (vmxscope_load_kmod("arch/x86/kernel/msr.ko") ||
	    vmxscope_rdmsr_on(0, MSR_VMX_BASIC, &basic))
		return "(the msr driver)";
	vmxscope_rdmsr_on(0, basic & (1ULL << 55) ? MSR_VMX_TRUE_PROCBASED :
			  MSR_VMX_PROCBASED, &proc);
	/* Secondary controls exist only if their activation may be 1. */
	if (proc & (1ULL << (32 + 31)))
		vmxscope_rdmsr_on(0, MSR_VMX_PROCBASED2, &proc2);
	if (!(proc2 & (1ULL << (32 + 1))))
		return "EPT";
	if (!(proc2 & (1ULL << (32 + 5))))
		return "VPID";
	vmxscope_rdmsr_on(0, MSR_VMX_EPT_VPID_CAP, &cap);
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (!(cap & (1ULL << caps[i].bit)))
			return caps[i].name;
	return NULL;
}

/* KVM can make a VM: every CPU's VMX is free (CR4.VMXE clear). */
static int kvm_makes_a_vm(void)
{
	unsigned int i;
	int kvm, vm, ret;

	for (i = 0; i < ARRAY_SIZE(vmxscope_kvm_kmods); i++) {
		ret = vmxscope_load_kmod(vmxscope_kvm_kmods[i]);
		if (ret)
			return ret;
	}
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ret = vm < 0 ? -errno : 0;
	if (vm >= 0)
		close(vm);
	close(kvm);
	vmxscope_kmod_unload("kvm_intel");
	vmxscope_kmod_unload("kvm");
	return ret;
}

TEST(loads_where_the_cpu_has_what_it_needs)
{
	const char *missing = missing_capability();

	if (missing)
		SKIP(return, "this CPU lacks %s", missing);
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
	ASSERT_EQ(0, vmxscope_load(NULL));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), vmxscope_cpus_virtualized());
	EXPECT_EQ(0, vmxscope_unload());
}

TEST(refuses_a_cpu_without_it)
{
	const char *missing = missing_capability();
	char rec[2048], lines[4096] = "";
	int fd, n = 0, named = 0;
	ssize_t len;

	if (!missing)
		SKIP(return, "this CPU has what vmxscope needs");
	ASSERT_NE(0, strcmp(missing, "(the msr driver)"));
	ASSERT_FALSE(vmxscope_loaded());
	fd = vmxscope_kmsg_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, vmxscope_load(NULL));
	for (;;) {
		char *msg;

		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg || strncmp(msg + 1, "vmxscope", 8))
			continue;
		/* The module loader's own, on a first load of this boot. */
		if (strstr(msg, "taints kernel") || strstr(msg, "verification failed"))
			continue;
		n++;
		named += strstr(msg, missing) != NULL;
		strncat(lines, msg + 1, sizeof(lines) - strlen(lines) - 1);
	}
	close(fd);
	EXPECT_EQ(1, n) TH_LOG("want one line naming %s: %s", missing, lines);
	EXPECT_EQ(1, named) TH_LOG("want one line naming %s: %s", missing, lines);
	EXPECT_FALSE(vmxscope_loaded());
	EXPECT_NE(0, access(VMXSCOPE_DEVICE, F_OK));
	EXPECT_EQ(0, kvm_makes_a_vm());
}

TEST_HARNESS_MAIN
