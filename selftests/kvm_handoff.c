// SPDX-License-Identifier: GPL-2.0
/*
 * VMX changes hands with KVM.  Once vmxscope is unloaded, KVM must be able to
 * run a guest (nothing of vmxscope's VMX state is left behind), and while a
 * KVM VM exists (KVM has VMXON'd every CPU, CR4.VMXE set) vmxscope must refuse
 * to load with EBUSY without disturbing KVM.  One owner at a time in both
 * orders: kvm_intel is refused while vmxscope is loaded, and vmxscope while
 * kvm_intel is, with or without a VM.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define GUEST_ADDR	0x1000
#define GUEST_PORT	0x10
#define GUEST_BYTE	0x42
#define PAGE_SZ		0x1000

/* 16-bit real mode: mov $0x42,%al; out %al,$0x10; hlt */
static const unsigned char guest_code[] = { 0xb0, GUEST_BYTE, 0xe6, GUEST_PORT, 0xf4 };

/* Of vmxscope_kvm_kmods, irqbypass is left loaded: it holds no VMX. */

FIXTURE(kvm) {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	void *mem;
};

/* vmxscope out, KVM in, one VM with one vCPU and one page of guest code. */
FIXTURE_SETUP(kvm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = GUEST_ADDR,
		.memory_size = PAGE_SZ,
	};
	size_t i;
	int ret;

	/* vmxscope holds VMX on every CPU, then its rmmod gives it back. */
	self->kvm = self->vm = self->vcpu = -1;
	ret = vmxscope_ensure_loaded();
	ASSERT_EQ(0, ret) TH_LOG("vmxscope load: %s", strerror(-ret));
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), vmxscope_cpus_virtualized());
	ASSERT_EQ(0, vmxscope_unload());
	ASSERT_FALSE(vmxscope_loaded());

	for (i = 0; i < ARRAY_SIZE(vmxscope_kvm_kmods); i++) {
		ret = vmxscope_load_kmod(vmxscope_kvm_kmods[i]);
		ASSERT_EQ(0, ret) TH_LOG("load %s: %s", vmxscope_kvm_kmods[i], strerror(-ret));
	}

	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->kvm) TH_LOG("/dev/kvm: %s", strerror(errno));
	ASSERT_EQ(KVM_API_VERSION, ioctl(self->kvm, KVM_GET_API_VERSION, 0));

	/* In 6.1 this VMXONs every online CPU (hardware_enable_all()). */
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	/* Real mode without unrestricted guest needs it; harmless otherwise. */
	ASSERT_EQ(0, ioctl(self->vm, KVM_SET_TSS_ADDR, 0xfffbd000UL));

	self->mem = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	memcpy(self->mem, guest_code, sizeof(guest_code));
	region.userspace_addr = (unsigned long)self->mem;
	ASSERT_EQ(0, ioctl(self->vm, KVM_SET_USER_MEMORY_REGION, &region));

	self->vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, self->vcpu) TH_LOG("KVM_CREATE_VCPU: %s", strerror(errno));
	ret = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LT(0, ret);
	self->run_size = ret;
	self->run = mmap(NULL, self->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->vcpu, 0);
	ASSERT_NE(MAP_FAILED, self->run);
}

/* Drop the VM (KVM VMXOFFs every CPU) and then KVM itself. */
FIXTURE_TEARDOWN(kvm)
{
	int ret;

	if (self->run && self->run != MAP_FAILED)
		munmap(self->run, self->run_size);
	if (self->mem && self->mem != MAP_FAILED)
		munmap(self->mem, PAGE_SZ);
	if (self->vcpu >= 0)
		close(self->vcpu);
	if (self->vm >= 0)
		close(self->vm);
	if (self->kvm >= 0)
		close(self->kvm);
	ret = vmxscope_kmod_unload("kvm_intel");
	if (!ret)
		ret = vmxscope_kmod_unload("kvm");
	if (ret)
		TH_LOG("unloading KVM: %s", strerror(-ret));
}

/* One pass through the guest from its first byte: OUT, then HLT. */
static void run_guest(struct __test_metadata *_metadata, int vcpu,
		      struct kvm_run *run)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	ASSERT_EQ(0, ioctl(vcpu, KVM_GET_SREGS, &sregs));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	ASSERT_EQ(0, ioctl(vcpu, KVM_SET_SREGS, &sregs));
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_ADDR;
	regs.rflags = 0x2;
	ASSERT_EQ(0, ioctl(vcpu, KVM_SET_REGS, &regs));

	ASSERT_EQ(0, ioctl(vcpu, KVM_RUN, 0))
		TH_LOG("KVM_RUN: %s", strerror(errno));
	ASSERT_EQ(KVM_EXIT_IO, run->exit_reason)
		TH_LOG("exit_reason %u, hw reason %#llx", run->exit_reason,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	ASSERT_EQ(KVM_EXIT_IO_OUT, run->io.direction);
	ASSERT_EQ(GUEST_PORT, run->io.port);
	ASSERT_EQ(1, run->io.size);
	ASSERT_EQ(1, run->io.count);
	ASSERT_EQ(GUEST_BYTE, *((unsigned char *)run + run->io.data_offset));

	ASSERT_EQ(0, ioctl(vcpu, KVM_RUN, 0))
		TH_LOG("KVM_RUN: %s", strerror(errno));
	ASSERT_EQ(KVM_EXIT_HLT, run->exit_reason)
		TH_LOG("exit_reason %u", run->exit_reason);
	ASSERT_EQ(0, ioctl(vcpu, KVM_GET_REGS, &regs));
	ASSERT_EQ(GUEST_ADDR + sizeof(guest_code), regs.rip);
	ASSERT_EQ(GUEST_BYTE, regs.rax & 0xff);
}

/* vmxscope's rmmod left VMX free: KVM runs a guest. */
TEST_F_TIMEOUT(kvm, guest_runs_after_vmxscope_unload, 300)
{
	run_guest(_metadata, self->vcpu, self->run);
}

/*
 * With KVM's VM open every CPU has CR4.VMXE set: vmxscope must say EBUSY,
 * and its failed load must not have taken VMX from KVM on any CPU.
 */
TEST_F_TIMEOUT(kvm, vmxscope_busy_while_kvm_vm_open, 300)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu;

	/* Loaded from each CPU in turn, so each one's check sees KVM. */
	for (cpu = 0; cpu < ncpus; cpu++) {
		ASSERT_EQ(0, vmxscope_pin(cpu));
		ASSERT_EQ(-EBUSY, vmxscope_load(NULL)) TH_LOG("from cpu %d", cpu);
		ASSERT_FALSE(vmxscope_loaded());
		run_guest(_metadata, self->vcpu, self->run);
		TH_LOG("cpu %d: EBUSY, then KVM's guest ran", cpu);
	}
}

/* With KVM's VMs closed and KVM unloaded, vmxscope takes VMX again. */
FIXTURE(handback) {
};

FIXTURE_SETUP(handback)
{
}

FIXTURE_TEARDOWN(handback)
{
}

TEST_F_TIMEOUT(handback, vmxscope_loads_after_kvm_unload, 300)
{
	int ret;

	ret = vmxscope_kmod_unload("kvm_intel");
	ASSERT_EQ(0, ret) TH_LOG("kvm_intel: %s", strerror(-ret));
	ret = vmxscope_kmod_unload("kvm");
	ASSERT_EQ(0, ret) TH_LOG("kvm: %s", strerror(-ret));
	ASSERT_FALSE(vmxscope_kmod_loaded("kvm_intel"));
	ASSERT_FALSE(vmxscope_kmod_loaded("kvm"));
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());

	ret = vmxscope_load(NULL);
	ASSERT_EQ(0, ret) TH_LOG("vmxscope load: %s", strerror(-ret));
	ASSERT_TRUE(vmxscope_loaded());
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), vmxscope_cpus_virtualized());
}

/*
 * One VT-x owner at a time, in both orders (Documentation/design.rst):
 * while vmxscope is loaded, kvm_intel's load is refused and CPUID says no
 * VMX on every CPU; while kvm_intel is loaded, even with no VM, vmxscope's
 * load is refused.  Either way nothing is left half-loaded.
 */
FIXTURE(coexist) {
};

FIXTURE_SETUP(coexist)
{
}

/* Leave KVM out and vmxscope in, as the other tests expect. */
FIXTURE_TEARDOWN(coexist)
{
	vmxscope_kmod_unload("kvm_intel");
	vmxscope_kmod_unload("kvm");
	vmxscope_ensure_loaded();
}

TEST_F_TIMEOUT(coexist, kvm_intel_refused_while_vmxscope_loaded, 300)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cpu, ret;
	unsigned long long before[256], after[256];
	unsigned int r[4];

	ASSERT_LE(ncpus, 256);
	ret = vmxscope_ensure_loaded();
	ASSERT_EQ(0, ret) TH_LOG("vmxscope load: %s", strerror(-ret));
	ret = vmxscope_load_kmod(vmxscope_kvm_kmods[0]);
	ASSERT_EQ(0, ret) TH_LOG("irqbypass: %s", strerror(-ret));
	ret = vmxscope_load_kmod(vmxscope_kvm_kmods[1]);
	ASSERT_EQ(0, ret) TH_LOG("kvm: %s", strerror(-ret));

	ret = vmxscope_load_kmod(vmxscope_kvm_kmods[2]);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("kvm_intel load gave %s", strerror(-ret));
	EXPECT_FALSE(vmxscope_kmod_loaded("kvm_intel"));
	EXPECT_EQ(ncpus, vmxscope_cpus_virtualized());

	/* Each CPU, in the guest, reads CPUID.1:ECX.VMX = 0 from vmxscope. */
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", before, ncpus));
	for (cpu = 0; cpu < ncpus; cpu++) {
		ASSERT_EQ(0, vmxscope_pin(cpu));
		vmxscope_cpuid(1, r);
		EXPECT_EQ(0, r[2] & (1u << 5)) TH_LOG("CPU %d: CPUID.1:ECX %#x", cpu, r[2]);
	}
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", after, ncpus));
	for (cpu = 0; cpu < ncpus; cpu++)
		EXPECT_LT(before[cpu], after[cpu]) TH_LOG("CPU %d: no CPUID exit", cpu);
}

TEST_F_TIMEOUT(coexist, vmxscope_refused_while_kvm_intel_loaded, 300)
{
	unsigned int r[4];
	size_t i;
	int ret;

	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
	/* Bare again: the CPU itself advertises VMX. */
	vmxscope_cpuid(1, r);
	ASSERT_NE(0, r[2] & (1u << 5));
	for (i = 0; i < ARRAY_SIZE(vmxscope_kvm_kmods); i++) {
		ret = vmxscope_load_kmod(vmxscope_kvm_kmods[i]);
		ASSERT_EQ(0, ret) TH_LOG("load %s: %s", vmxscope_kvm_kmods[i], strerror(-ret));
	}

	/* No VM exists, so no CPU has CR4.VMXE: the module itself is seen. */
	ret = vmxscope_load(NULL);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("vmxscope load gave %s", strerror(-ret));
	EXPECT_FALSE(vmxscope_loaded());

	ASSERT_EQ(0, vmxscope_kmod_unload("kvm_intel"));
	ret = vmxscope_load(NULL);
	EXPECT_EQ(0, ret) TH_LOG("vmxscope load after kvm_intel: %s", strerror(-ret));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), vmxscope_cpus_virtualized());
}

TEST_HARNESS_MAIN
