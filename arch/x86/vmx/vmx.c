// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide VMX state and the per-CPU lifecycle.  CPUs are virtualized
 * through a CPU-hotplug state: its startup callback runs on each online
 * CPU (and on CPUs that come online later), and if one CPU fails, the
 * hotplug core runs the teardown on every CPU already done, so a load
 * either virtualizes all CPUs or none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/syscore_ops.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/reboot.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#include <vmxscope/vmxscope.h>
#include "ept.h"
#include "vmx.h"

#ifdef VMXSCOPE_TEST
/* Test build only (make VMXSCOPE_TEST=y): make a CPU's startup fail. */
static int fail_cpu = -1;
module_param(fail_cpu, int, 0400);
MODULE_PARM_DESC(fail_cpu, "test only: CPU whose virtualization fails at load (-1: none)");
static int fail_online_cpu = -1;
module_param(fail_online_cpu, int, 0400);
MODULE_PARM_DESC(fail_online_cpu,
		 "test only: CPU whose virtualization fails when it comes online after load (-1: none)");
#else
static const int fail_cpu = -1, fail_online_cpu = -1;
#endif

static struct vmxscope_cpu **vcpus;
static void *host_pgd;
static int hp_state = -1;
static bool emergency_cb, nmi_registered;
static bool loading;	/* inside cpuhp_setup_state() at load */

#define STACK_PAGES	(VMXSCOPE_HOST_STACK_SIZE / PAGE_SIZE)

/*
 * Root's stack, mapped with vmap(): every vmalloc-space area is followed
 * by an unmapped guard page, so the page below this one is never mapped
 * and an overflow faults instead of overwriting the next allocation (the
 * direct map has no guard pages, and set_memory_np() is not exported).
 * The area stays mapped while the CPU is virtualized, and root's VPID-0
 * TLB is flushed before each VMXON (cpu.c), so no stale translation of
 * the address range survives from an earlier owner.
 */
static int alloc_root_stack(struct vmxscope_cpu *vc)
{
	unsigned int i;

	for (i = 0; i < STACK_PAGES; i++) {
		vc->stack_pages[i] = alloc_pages_node(cpu_to_node(vc->cpu),
						      GFP_KERNEL | __GFP_ZERO, 0);
		if (!vc->stack_pages[i])
			return -ENOMEM;
	}
	vc->stack = vmap(vc->stack_pages, STACK_PAGES, VM_MAP, PAGE_KERNEL);
	return vc->stack ? 0 : -ENOMEM;
}

static void free_root_stack(struct vmxscope_cpu *vc)
{
	unsigned int i;

	if (vc->stack)
		vunmap(vc->stack);
	for (i = 0; i < STACK_PAGES; i++)
		if (vc->stack_pages[i])
			__free_page(vc->stack_pages[i]);
}

static void free_vcpu(struct vmxscope_cpu *vc)
{
	if (!vc)
		return;
	irq_work_sync(&vc->give_back_work);
	free_page((unsigned long)vc->vmxon);
	free_page((unsigned long)vc->vmcs);
	free_root_stack(vc);
	kfree(vc->latency);
	vmxscope_trap_cpu_free(vc);
	kfree(vc);
}

/* Queued from root mode when the guest must ask for the give-back itself. */
static void give_back_work_fn(struct irq_work *work)
{
	struct vmxscope_cpu *vc = container_of(work, struct vmxscope_cpu,
					       give_back_work);

	vmxscope_cpu_give_back(vc);
	vmxscope_gave_back_log(vc);
}

/* Root mode's memory: the direct map, but for the guarded stack. */
static struct vmxscope_cpu *alloc_vcpu(unsigned int cpu)
{
	struct vmxscope_cpu *vc = kzalloc_node(sizeof(*vc), GFP_KERNEL,
					     cpu_to_node(cpu));

	if (!vc)
		return NULL;
	vc->cpu = cpu;
	vc->vpid = cpu + 1;	/* VPID 0 is the host's (SDM 29.1) */
	init_irq_work(&vc->give_back_work, give_back_work_fn);
	vc->vmxon = (void *)get_zeroed_page(GFP_KERNEL);
	vc->vmcs = (void *)get_zeroed_page(GFP_KERNEL);

	/* 10 KiB: 32-bit counts, VMXSCOPE_NR_EXIT_REASONS x 32 buckets. */
	vc->latency = kcalloc_node(VMXSCOPE_NR_EXIT_REASONS, sizeof(*vc->latency),
				   GFP_KERNEL, cpu_to_node(cpu));
	if (!vc->vmxon || !vc->vmcs || alloc_root_stack(vc) || !vc->latency ||
	    vmxscope_trap_cpu_alloc(vc)) {
		free_vcpu(vc);
		return NULL;
	}
	vc->vmxon_pa = __pa(vc->vmxon);
	vc->vmcs_pa = __pa(vc->vmcs);
	return vc;
}

static int vmxscope_cpu_online(unsigned int cpu)
{
	struct vmxscope_cpu *vc = vcpus[cpu];
	int ret;

	if (cpu >= 0xffff)
		return -ERANGE;
	if (!vc) {
		vc = alloc_vcpu(cpu);
		if (!vc)
			return -ENOMEM;
		vcpus[cpu] = vc;	/* kept until unload: stats survive */
	}
	if ((int)cpu == (loading ? fail_cpu : fail_online_cpu)) {
		pr_err("CPU %u: failing on purpose (test build)\n", cpu);
		ret = -EIO;
	} else {
		local_irq_disable();
		ret = vmxscope_cpu_enter(vc);
		local_irq_enable();
	}
	if (!ret)
		return 0;
	/*
	 * At load, all or nothing: the hotplug core rolls back every CPU.
	 * Later (a CPU brought online) the CPU must not be kept offline
	 * for vmxscope's sake: it runs, not virtualized.
	 */
	if (loading) {
		pr_err("CPU %u: cannot virtualize (%d)\n", cpu, ret);
		return ret;
	}
	pr_err("CPU %u: cannot virtualize (%d); it stays online, not virtualized\n",
	       cpu, ret);
	return 0;
}

static int vmxscope_cpu_offline(unsigned int cpu)
{
	struct vmxscope_cpu *vc = vcpus[cpu];

	local_irq_disable();
	vmxscope_cpu_give_back(vc);
	local_irq_enable();
	if (vc->state == VMXSCOPE_CPU_ABORTED)
		vc->state = VMXSCOPE_CPU_OFF;
	return 0;
}

static void give_back_this_cpu(void *unused)
{
	struct vmxscope_cpu *vc = vcpus[smp_processor_id()];

	if (vc)
		vmxscope_cpu_give_back(vc);
}

/*
 * Reboot and kexec: every CPU leaves VMX before firmware or the next
 * kernel takes over (reboot notifiers run before both).  vmxscope stays
 * loaded with no CPU virtualized.  A crash runs no notifier; see below.
 */
static int vmxscope_reboot(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	on_each_cpu(give_back_this_cpu, NULL, 1);
	return NOTIFY_DONE;
}

static struct notifier_block reboot_nb = {
	.notifier_call = vmxscope_reboot,
};

/*
 * Crash kexec (kdump) and emergency reboot: x86-64 kexec jumps with paging
 * on, and in VMX non-root INIT only causes a VM exit (SDM 26.2), so the
 * capture kernel could not start other CPUs.  Linux calls this on every
 * CPU before the jump: on the crashing CPU with interrupts off, on the
 * others from the crash NMI.  Leaving is one VMCALL; nothing here sleeps
 * or takes a lock.
 */
static void vmxscope_emergency_give_back(void)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);

	if (vc)
		vmxscope_cpu_give_back(vc);
}

/*
 * Suspend and hibernation: the other CPUs went offline through the
 * hotplug state already; syscore ops run on the last one, interrupts off.
 */
static int vmxscope_suspend(void)
{
	give_back_this_cpu(NULL);
	return 0;
}

static void vmxscope_resume(void)
{
	struct vmxscope_cpu *vc = vcpus[smp_processor_id()];

	if (vc && vc->state == VMXSCOPE_CPU_OFF && vmxscope_cpu_enter(vc))
		pr_err("CPU %d: not virtualized again after resume\n", vc->cpu);
}

static struct syscore_ops vmxscope_syscore_ops = {
	.suspend = vmxscope_suspend,
	.resume = vmxscope_resume,
};

/*
 * HOST_CR3 must map vmxscope wherever the guest was when it exited and
 * outlive every process: a page of vmxscope's holding the kernel half of
 * the current top-level table, which never changes after boot.  Like
 * Linux's own, it sits at the start of an 8 KiB pair: with PTI, CR3 bit
 * 12 means "user page table", and an NMI taken in root mode would clear
 * it on entry and switch to the wrong page.
 */
static int host_pgd_init(void)
{
	pgd_t *cur = __va(read_cr3_pa());

	host_pgd = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	if (!host_pgd)
		return -ENOMEM;
	memcpy((pgd_t *)host_pgd + KERNEL_PGD_BOUNDARY, cur + KERNEL_PGD_BOUNDARY,
	       KERNEL_PGD_PTRS * sizeof(pgd_t));
	vmxscope_cfg.host_cr3 = __pa(host_pgd);
	return 0;
}

static void free_shared(void)
{
	vmxscope_root_idt_free();
	vmxscope_ept_free();
	vmxscope_want_free();
	free_pages((unsigned long)host_pgd, 1);
	host_pgd = NULL;
}

/* Bitmaps start empty: no MSR or port in range exits (SDM 25.1.3). */
static int alloc_shared(void)
{
	if (vmxscope_want_init() || host_pgd_init() || vmxscope_root_idt_init())
		return -ENOMEM;
	return vmxscope_ept_init();
}

int vmxscope_vmx_init(void)
{
	int ret;

	preempt_disable();
	ret = vmxscope_caps_check();
	preempt_enable();
	if (ret)
		return ret;
	vcpus = kcalloc(nr_cpu_ids, sizeof(*vcpus), GFP_KERNEL);
	if (!vcpus)
		return -ENOMEM;
	ret = alloc_shared();
	if (ret)
		goto free;
	vmxscope_cfg.vmcall_key = get_random_u64();
	vmxscope_cfg.cpuid_fault = boot_cpu_has(X86_FEATURE_CPUID_FAULT);

	ret = vmxscope_nmi_register();
	if (ret)
		goto free;
	nmi_registered = true;
	/* Before any CPU is virtualized: a crash meanwhile finds it. */
	cpu_emergency_register_virt_callback(vmxscope_emergency_give_back);
	emergency_cb = true;
	loading = true;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vmxscope:online",
				vmxscope_cpu_online, vmxscope_cpu_offline);
	loading = false;
	if (ret < 0)
		goto free;
	hp_state = ret;
	register_syscore_ops(&vmxscope_syscore_ops);
	register_reboot_notifier(&reboot_nb);
	pr_info("virtualized %u CPUs\n", vmxscope_nr_cpus_virt());
	return 0;
free:
	vmxscope_vmx_exit();
	return ret;
}

void vmxscope_vmx_exit(void)
{
	unsigned int cpu;

	if (hp_state >= 0) {
		unregister_reboot_notifier(&reboot_nb);
		unregister_syscore_ops(&vmxscope_syscore_ops);
		cpuhp_remove_state(hp_state);
	}
	hp_state = -1;
	if (emergency_cb)
		cpu_emergency_unregister_virt_callback(vmxscope_emergency_give_back);
	emergency_cb = false;
	/* Every CPU is out: no doorbell can come any more. */
	if (nmi_registered)
		vmxscope_nmi_unregister();
	nmi_registered = false;
	for (cpu = 0; vcpus && cpu < nr_cpu_ids; cpu++)
		free_vcpu(vcpus[cpu]);
	kfree(vcpus);
	vcpus = NULL;
	free_shared();
}

unsigned int vmxscope_nr_cpus_virt(void)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; vcpus && cpu < nr_cpu_ids; cpu++)
		if (vcpus[cpu] && READ_ONCE(vcpus[cpu]->state) == VMXSCOPE_CPU_GUEST)
			n++;
	return n;
}

int vmxscope_read_trap_counts(unsigned int cpu, struct vmxscope_trap_count *out,
			    unsigned int capacity, unsigned int *nr,
			    u64 *dropped)
{
	if (!vcpus || cpu >= nr_cpu_ids || !vcpus[cpu])
		return -ENODEV;
	*nr = vmxscope_cpu_trap_counts(vcpus[cpu], out, capacity, dropped);
	return 0;
}

/* A snapshot of one CPU's exit counters; -ENODEV if it was never set up. */
int vmxscope_read_exit_counts(unsigned int cpu, u64 *counts)
{
	unsigned int i;

	if (!vcpus || cpu >= nr_cpu_ids || !vcpus[cpu])
		return -ENODEV;
	for (i = 0; i < VMXSCOPE_NR_EXIT_REASONS; i++)
		counts[i] = READ_ONCE(vcpus[cpu]->exits[i]);
	return 0;
}

/*
 * A snapshot of one CPU's latency histograms into @hist, [reason][bucket]
 * as in struct vmxscope_latency; -ENODEV as above.
 */
int vmxscope_read_latency(unsigned int cpu, u32 *hist)
{
	unsigned int r, b;

	if (!vcpus || cpu >= nr_cpu_ids || !vcpus[cpu])
		return -ENODEV;
	for (r = 0; r < VMXSCOPE_NR_EXIT_REASONS; r++)
		for (b = 0; b < VMXSCOPE_LATENCY_BUCKETS; b++)
			*hist++ = READ_ONCE(vcpus[cpu]->latency[r][b]);
	return 0;
}

struct dump_req {
	struct vmxscope_vmcs_field *buf;
	int ret;
};

/*
 * On the CPU, interrupts off: lend root mode the buffer, then VMCALL.  The
 * VMCALL exit is the only one that uses vc->dump, and this CPU runs
 * nothing else until it returns.
 */
static void dump_this_cpu(void *arg)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);
	struct dump_req *req = arg;

	if (!vc || vc->state != VMXSCOPE_CPU_GUEST) {
		req->ret = -ENODEV;
		return;
	}
	WRITE_ONCE(vc->dump, req->buf);
	barrier();
	vmxscope_vmcall(VMXSCOPE_VMCALL_DUMP);
	barrier();
	WRITE_ONCE(vc->dump, NULL);
	req->ret = 0;
}

/*
 * VMCS of @cpu into @buf (VMXSCOPE_NR_VMCS_FIELDS entries, from the direct
 * map: root mode writes it).  -ENODEV unless the CPU runs as a guest.
 */
int vmxscope_read_vmcs(unsigned int cpu, struct vmxscope_vmcs_field *buf)
{
	struct dump_req req = { .buf = buf, .ret = -ENODEV };

	if (!vcpus || cpu >= nr_cpu_ids)
		return -ENODEV;
	cpus_read_lock();
	if (cpu_online(cpu))
		smp_call_function_single(cpu, dump_this_cpu, &req, 1);
	cpus_read_unlock();
	return req.ret;
}

bool vmxscope_mem_traps_possible(void)
{
	return vmxscope_cfg.mem_traps;
}

bool vmxscope_mem_steps_mtf(void)
{
	return vmxscope_cfg.mem_mtf;
}

/* Whether @pa lies in @len bytes from @va, of the direct map. */
static bool in_buf(u64 pa, const void *va, size_t len)
{
	return va && pa >= __pa(va) && pa < __pa(va) + len;
}

static bool vcpu_owns(const struct vmxscope_cpu *vc, u64 pa)
{
	unsigned int i;

	for (i = 0; i < STACK_PAGES; i++)
		if (vc->stack_pages[i] && page_to_phys(vc->stack_pages[i]) ==
		    (pa & PAGE_MASK))
			return true;
	return in_buf(pa, vc, sizeof(*vc)) ||
	       in_buf(pa, vc->vmxon, PAGE_SIZE) ||
	       in_buf(pa, vc->vmcs, PAGE_SIZE) ||
	       in_buf(pa, vc->latency, VMXSCOPE_NR_EXIT_REASONS *
		      sizeof(*vc->latency)) ||
	       in_buf(pa, vc->msr_bitmap, PAGE_SIZE) ||
	       in_buf(pa, vc->io_bitmaps, 2 * PAGE_SIZE) ||
	       in_buf(pa, vc->io_dirs, 4 * PAGE_SIZE);
}

/* @pa backs a page of the module's own code or data (vmalloc space). */
static bool in_module(u64 pa)
{
	const struct module_layout *m = &THIS_MODULE->core_layout;
	unsigned long va;

	for (va = (unsigned long)m->base; va < (unsigned long)m->base + m->size;
	     va += PAGE_SIZE)
		if (vmalloc_to_pfn((void *)va) == PHYS_PFN(pa))
			return true;
	return false;
}

/*
 * What a memory trap may not watch: the structures root mode works on
 * (the monitor cannot monitor itself) and the module's own code and data.
 * Called under the traps' lock, with CPUs held.
 */
bool vmxscope_owns_page(u64 pa)
{
	unsigned int cpu;

	if (vmxscope_ept_owns(pa) || in_buf(pa, host_pgd, 2 * PAGE_SIZE) ||
	    vmxscope_trace_owns(pa) || in_module(pa))
		return true;
	for_each_possible_cpu(cpu)
		if (vcpus && vcpus[cpu] && vcpu_owns(vcpus[cpu], pa))
			return true;
	return false;
}
