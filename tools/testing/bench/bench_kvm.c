// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM baseline: after vmxscope is unloaded, kvm_intel runs a minimal
 * real-mode guest doing CPUID in a loop, so vmxscope's exit path can be set
 * next to KVM's.  Part of tools/testing/bench.
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

#include <linux/kvm.h>
#include <linux/vmxscope.h>

#include "bench.h"

/*
 * KVM: a real-mode guest that runs CPUID *(u16 *)0x2000 times, then OUT to
 * user space, then starts over.  The KVM_RUN round trip with count 0 is the
 * cost of an exit to user space; (T(n) - T(0)) / n that of KVM's CPUID exit.
 */
#define KVM_CODE	0x1000
#define KVM_COUNT	0x2000
static const unsigned char kvm_code[] = {
	0x8b, 0x36, 0x00, 0x20,		/* 0:  mov si, [0x2000] */
	0x85, 0xf6,			/* 4:  test si, si */
	0x74, 0x08,			/* 6:  jz 16 */
	0x66, 0x31, 0xc0,		/* 8:  xor eax, eax */
	0x0f, 0xa2,			/* 11: cpuid */
	0x4e,				/* 13: dec si */
	0x75, 0xf8,			/* 14: jnz 8 */
	0xe6, 0x10,			/* 16: out 0x10, al */
	0xeb, 0xec,			/* 18: jmp 0 */
};

static const char * const kvm_kmods[] = {
	"virt/lib/irqbypass.ko", "arch/x86/kvm/kvm.ko", "arch/x86/kvm/kvm-intel.ko",
};

static int kvm_runs(int vcpu, struct kvm_run *run, unsigned short *count,
		    unsigned short n, unsigned int runs, double *per)
{
	unsigned long long t0;
	unsigned int i;

	*count = n;
	if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO)
		return -EIO;
	t0 = tsc();
	for (i = 0; i < runs; i++)
		if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO)
			return -EIO;
	*per = (double)(tsc() - t0) / runs;
	return 0;
}

int bench_kvm(void)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = KVM_CODE, .memory_size = 0x2000,
	};
	double rt[REPS], cpuid[REPS], with;
	int kvm = -1, vm = -1, vcpu = -1, ret = 0, rep, size;
	unsigned int batch = iters / 10 ? iters / 10 : 1;
	struct kvm_run *run = MAP_FAILED;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned char *mem;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kvm_kmods) && !ret; i++)
		ret = vmxscope_load_kmod(kvm_kmods[i]);
	if (ret)
		goto out;
	mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	memcpy(mem, kvm_code, sizeof(kvm_code));
	region.userspace_addr = (unsigned long)mem;
	ret = -EIO;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		goto out;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) ||
	    ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs))
		goto out;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	memset(&regs, 0, sizeof(regs));
	regs.rip = KVM_CODE;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		goto out;
	for (rep = 0; rep < REPS; rep++) {
		ret = kvm_runs(vcpu, run, (unsigned short *)(mem + 0x1000), 0, batch, &rt[rep]);
		ret = ret ?: kvm_runs(vcpu, run, (unsigned short *)(mem + 0x1000), 100,
				      batch / 10 ? batch / 10 : 1, &with);
		if (ret)
			goto out;
		cpuid[rep] = (with - rt[rep]) / 100;
	}
	record("kvm.run_roundtrip", rt, NULL, REPS);
	record("cpuid.kvm_guest", cpuid, NULL, REPS);
	ret = 0;
out:
	if (run != MAP_FAILED)
		munmap(run, size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	vmxscope_kmod_unload("kvm_intel");
	vmxscope_kmod_unload("kvm");
	tap(!ret, "KVM guest CPUID and KVM_RUN round trip", ret ? strerror(-ret) : NULL);
	return ret;
}
