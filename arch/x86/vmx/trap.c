// SPDX-License-Identifier: GPL-2.0
/*
 * The traps in force, as bitmaps: the desired state is built here from
 * the owners' traps (src/traps.c), then every CPU copies it into its own
 * bitmaps and VMCS from root mode, through a keyed VMCALL.  So a bitmap is
 * never changed while its CPU may be reading it for a guest access (SDM
 * 25.6.4, 25.6.9), and a change is in force everywhere when the ioctl
 * returns.  Trapped events are counted per CPU and traced.
 */
#include <linux/cpu.h>
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/traps.h>

#include "ept.h"
#include "vmcs.h"
#include "vmx.h"

/* MSR bitmap layout (SDM 25.6.9): read low/high, then write low/high. */
#define MSR_BITMAP_READ		0x000
#define MSR_BITMAP_WRITE	0x800
#define MSR_HIGH_BASE		0xc0000000U
#define MSR_HALF_SIZE		0x2000U
#define VMX_IO_BITMAP_BYTES		(2 * PAGE_SIZE)

static struct {
	void *msr_bitmap;	/* one page */
	void *io_bitmaps;	/* two pages: A (0-0x7fff), B (0x8000-0xffff) */
	void *io_dirs;		/* wanted IN (two pages), wanted OUT (two) */
	u32 exc_bitmap, pfec_mask, pfec_match;
	struct vmxscope_mem_range *mem, *mem_old;	/* ept_watch.c */
	unsigned int nr_mem;
} want;

/* Byte offset of an MSR in either half of a read or write bitmap. */
static __root long msr_bit(u32 msr)
{
	if (msr < MSR_HALF_SIZE)
		return msr;
	if (msr - MSR_HIGH_BASE < MSR_HALF_SIZE)
		return 0x400 * 8 + (msr - MSR_HIGH_BASE);
	return -1;
}

bool vmxscope_msr_in_bitmap(u32 msr)
{
	return msr_bit(msr) >= 0;
}

void vmxscope_want_reset(void)
{
	memset(want.msr_bitmap, 0, PAGE_SIZE);
	memset(want.io_bitmaps, 0, VMX_IO_BITMAP_BYTES);
	memset(want.io_dirs, 0, 2 * VMX_IO_BITMAP_BYTES);
	want.exc_bitmap = want.pfec_mask = want.pfec_match = 0;
}

/* first..last lie in one bitmap half (checked by the caller). */
void vmxscope_want_msr(u32 first, u32 last, bool read, bool write)
{
	u32 msr;

	for (msr = first; msr <= last && msr >= first; msr++) {
		if (read)
			__set_bit(MSR_BITMAP_READ * 8 + msr_bit(msr),
				  want.msr_bitmap);
		if (write)
			__set_bit(MSR_BITMAP_WRITE * 8 + msr_bit(msr),
				  want.msr_bitmap);
	}
}

/*
 * The I/O bitmaps cannot tell IN from OUT (SDM 25.1.3): a port trapped one
 * way exits both ways; the unwanted direction is performed uncounted.
 */
void vmxscope_want_io(u32 first, u32 last, bool in, bool out)
{
	unsigned int nbits = VMX_IO_BITMAP_BYTES * 8;

	bitmap_set(want.io_bitmaps, first, last - first + 1);
	if (in)
		bitmap_set(want.io_dirs, first, last - first + 1);
	if (out)
		bitmap_set(want.io_dirs, nbits + first, last - first + 1);
}

/*
 * SDM 25.2: with bit 14 set, a #PF exits iff (error & mask) == match.  The
 * caller makes all #PF traps agree on one mask/match.
 */
void vmxscope_want_exception(u32 vector, u32 pfec_mask, u32 pfec_match)
{
	want.exc_bitmap |= BIT(vector);
	if (vector == X86_TRAP_PF) {
		want.pfec_mask = pfec_mask;
		want.pfec_match = pfec_match;
	}
}

/* In root mode, or before launch: this CPU takes the wanted traps. */
__root void vmxscope_trap_apply(struct vmxscope_cpu *vc)
{
	memcpy(vc->msr_bitmap, want.msr_bitmap, PAGE_SIZE);
	memcpy(vc->io_bitmaps, want.io_bitmaps, VMX_IO_BITMAP_BYTES);
	memcpy(vc->io_dirs, want.io_dirs, 2 * VMX_IO_BITMAP_BYTES);
	vc->exc_bitmap = want.exc_bitmap;
	vc->pfec_mask = want.pfec_mask;
	vc->pfec_match = want.pfec_match;
	vmcs_write32(EXCEPTION_BITMAP, vc->exc_bitmap);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, vc->pfec_mask);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, vc->pfec_match);
	/* The watched view changed: drop what this CPU cached of it. */
	if (vc->mem != want.mem || vc->nr_mem != want.nr_mem) {
		vc->mem = want.mem;
		vc->nr_mem = want.nr_mem;
		vmxscope_flush_ept();
	}
}

/*
 * Watched memory: @ranges (sorted by first, owned from now on) replace
 * the wanted ones, and the watched EPT view follows.  The previous array
 * is freed by vmxscope_want_mem_done(), after every CPU synced.
 */
int vmxscope_want_mem(struct vmxscope_mem_range *ranges, unsigned int n)
{
	int ret = vmxscope_ept_watch_ranges(ranges, n, want.mem, want.nr_mem);

	if (ret) {
		kfree(ranges);
		return ret;
	}
	want.mem_old = want.mem;
	want.mem = ranges;
	want.nr_mem = n;
	return 0;
}

void vmxscope_want_mem_done(void)
{
	kfree(want.mem_old);
	want.mem_old = NULL;
	vmxscope_ept_reap();
}

static void sync_one(void *unused)
{
	struct vmxscope_cpu *vc = this_cpu_read(vmxscope_cpu);

	if (vc && vc->state == VMXSCOPE_CPU_GUEST)
		vmxscope_vmcall(VMXSCOPE_VMCALL_SYNC);
}

/*
 * Every virtualized CPU takes the wanted traps before this returns.  The
 * caller holds cpus_read_lock() across building them and this, so a CPU
 * coming online meanwhile takes them at launch instead.
 */
void vmxscope_want_sync(void)
{
	on_each_cpu(sync_one, NULL, 1);
}

__root bool vmxscope_msr_trapped(struct vmxscope_cpu *vc, u32 msr, bool write)
{
	long bit = msr_bit(msr);

	if (bit < 0)
		return false;
	return test_bit((write ? MSR_BITMAP_WRITE : MSR_BITMAP_READ) * 8 + bit,
			vc->msr_bitmap);
}

static __root bool io_wanted(struct vmxscope_cpu *vc, u16 port, bool in)
{
	return test_bit((in ? 0 : VMX_IO_BITMAP_BYTES * 8) + port, vc->io_dirs);
}

/*
 * Lock-free: only this CPU writes its table, in root mode; readers see a
 * slot's counts zeroed before its key (smp_wmb pairs with the reader).
 */
static __root struct vmxscope_count *count_slot(struct vmxscope_cpu *vc, u32 kind, u32 id)
{
	u64 key = (u64)kind << 32 | id;
	unsigned int i, h = hash_64(key, 8);

	for (i = 0; i < VMXSCOPE_COUNT_SLOTS; i++) {
		struct vmxscope_count *c = &vc->counts[(h + i) % VMXSCOPE_COUNT_SLOTS];

		if (c->key == key)
			return c;
		if (!c->key) {
			c->reads = c->writes = 0;
			/* Pairs with the reader's smp_rmb(): counts, then key. */
			smp_wmb();
			WRITE_ONCE(c->key, key);
			return c;
		}
	}
	WRITE_ONCE(vc->counts_dropped, vc->counts_dropped + 1);
	return NULL;
}

__root void vmxscope_count(struct vmxscope_cpu *vc, u32 kind, u32 id, bool write)
{
	struct vmxscope_count *c = count_slot(vc, kind, id);

	if (!c)
		return;
	if (write)
		WRITE_ONCE(c->writes, c->writes + 1);
	else
		WRITE_ONCE(c->reads, c->reads + 1);
}

__root void vmxscope_note_msr(struct vmxscope_cpu *vc, u32 msr, bool write, u64 value,
		     bool fault)
{
	vmxscope_count(vc, VMXSCOPE_KIND_MSR, msr, write);
	vmxscope_ring_msr(vc, msr, write, value, fault);
}

__root void vmxscope_note_io(struct vmxscope_cpu *vc, u16 port, u8 size, bool in,
		    u32 value)
{
	if (!io_wanted(vc, port, in))
		return;
	vmxscope_count(vc, VMXSCOPE_KIND_IO, port, !in);
	vmxscope_ring_io(vc, port, size, in, value);
}

/*
 * Whether an exception exit is one the user trapped, and not one of the
 * faults a memory step takes (exit_mem.c): SDM 25.2's #PF rule included.
 */
__root bool vmxscope_exc_wanted(struct vmxscope_cpu *vc, u8 vector, u32 error)
{
	if (!(vc->exc_bitmap & BIT(vector)))
		return false;
	return vector != X86_TRAP_PF ||
	       (error & vc->pfec_mask) == vc->pfec_match;
}

__root void vmxscope_note_exception(struct vmxscope_cpu *vc, u8 vector, u32 error,
			   unsigned long rip, unsigned long cr2)
{
	vmxscope_count(vc, VMXSCOPE_KIND_EXC, vector, false);
	vmxscope_ring_exception(vc, vector, error, rip, cr2);
}

/* Snapshot of one CPU's trap counts for the ioctl; returns how many. */
unsigned int vmxscope_cpu_trap_counts(struct vmxscope_cpu *vc,
				     struct vmxscope_trap_count *out,
				     unsigned int capacity, u64 *dropped)
{
	unsigned int i, n = 0;

	for (i = 0; i < VMXSCOPE_COUNT_SLOTS; i++) {
		u64 key = READ_ONCE(vc->counts[i].key);

		if (!key)
			continue;
		/* Pairs with count_slot()'s smp_wmb(): key, then counts. */
		smp_rmb();
		if (n < capacity) {
			out[n].kind = key >> 32;
			out[n].id = (u32)key;
			out[n].reads = READ_ONCE(vc->counts[i].reads);
			out[n].writes = READ_ONCE(vc->counts[i].writes);
		}
		n++;
	}
	*dropped = READ_ONCE(vc->counts_dropped);
	return n;
}

int vmxscope_trap_cpu_alloc(struct vmxscope_cpu *vc)
{
	vc->msr_bitmap = (void *)get_zeroed_page(GFP_KERNEL);
	vc->io_bitmaps = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	vc->io_dirs = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 2);
	return vc->msr_bitmap && vc->io_bitmaps && vc->io_dirs ? 0 : -ENOMEM;
}

void vmxscope_trap_cpu_free(struct vmxscope_cpu *vc)
{
	free_page((unsigned long)vc->msr_bitmap);
	free_pages((unsigned long)vc->io_bitmaps, 1);
	free_pages((unsigned long)vc->io_dirs, 2);
}

int vmxscope_want_init(void)
{
	want.msr_bitmap = (void *)get_zeroed_page(GFP_KERNEL);
	want.io_bitmaps = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	want.io_dirs = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 2);
	return want.msr_bitmap && want.io_bitmaps && want.io_dirs ? 0 : -ENOMEM;
}

void vmxscope_want_free(void)
{
	kfree(want.mem);
	free_page((unsigned long)want.msr_bitmap);
	free_pages((unsigned long)want.io_bitmaps, 1);
	free_pages((unsigned long)want.io_dirs, 2);
	memset(&want, 0, sizeof(want));
}
