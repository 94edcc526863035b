// SPDX-License-Identifier: GPL-2.0
/*
 * Guest linear memory from VMX root mode: a software walk of the guest's
 * IA-32e page tables (SDM Vol. 3A 4.5) with the CPU's access rights
 * (SDM 4.6) and accessed/dirty updates (SDM 4.8).  Everything above the
 * __KERNEL__ part is pure logic, also built by the host unit tests.
 */
#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/e820/api.h>
#include <asm/pgtable_types.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "vmcs.h"
#else
#include <stddef.h>
#include <string.h>
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif

#include "guest_mem.h"

/* Paging-structure entry bits (SDM Tables 4-15 to 4-20). */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_XD		(1ULL << 63)
#define PTE_PKEY(e)	((unsigned int)((e) >> 59) & 15)
#define PTE_ADDR	0x000ffffffffff000ULL	/* bits 51:12 */

#define GMEM_PAGE_SIZE	4096ULL

/* A and D updates lost to a concurrent change are retried this often. */
#define GMEM_RETRIES	8

static __root u64 read_entry(u64 *p)
{
	return READ_ONCE(*p);
}

/* SDM 3.3.7.1: bits 63:N-1 all equal, N = 48 or 57. */
static __root bool canonical(u64 la, unsigned int bits)
{
	unsigned int shift = 64 - bits;

	return (u64)((long long)(la << shift) >> shift) == la;
}

/* Reserved bits of a present entry at @level, 1 = PTE (SDM 4.5.4). */
static __root bool reserved(const struct vmxscope_gmem *g, u64 e, int level)
{
	u64 rsvd = PTE_ADDR & ~g->phys_mask;

	if (!g->nxe)
		rsvd |= PTE_XD;
	if (level >= 4)
		rsvd |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		rsvd |= 0x3fffe000ULL;			/* 29:13 */
	else if (level == 2 && (e & PTE_PS))
		rsvd |= 0x1fe000ULL;			/* 20:13 */
	return e & rsvd;
}

/*
 * Data-access rights of the translation (SDM 4.6.1, 4.6.2): @rw and @us
 * are the ANDs of R/W and U/S over every level.  Returns the #PF error
 * bits beyond P/W/U that the access earns, or 0 if it is allowed; -1
 * stands for a plain protection fault.
 */
static __root int rights(const struct vmxscope_gmem *g, u64 leaf, bool rw, bool us,
		  bool write)
{
	unsigned int pkey;

	if (g->cpl == 3) {
		if (!us || (write && !rw))
			return -1;
	} else {
		/* SMAP: explicit supervisor access to a user address. */
		if (us && g->smap && !g->ac)
			return -1;
		if (write && !rw && g->wp)
			return -1;
	}
	if (!g->pke || !us)
		return 0;
	pkey = PTE_PKEY(leaf);
	if (g->pkru & (1U << (2 * pkey)))			/* AD */
		return VMXSCOPE_PF_PK;
	if (write && (g->pkru & (1U << (2 * pkey + 1))) &&	/* WD */
	    (g->cpl == 3 || g->wp))
		return VMXSCOPE_PF_PK;
	return 0;
}

/* Sets @bits in the entry the walk read as @e; false if it changed. */
static __root bool set_bits(const struct vmxscope_gmem *g, u64 *p, u64 e, u64 bits)
{
	if ((e & bits) == bits)
		return true;
	return g->ops->update64(p, e, e | bits);
}

__root enum vmxscope_gmem_result vmxscope_gmem_translate(const struct vmxscope_gmem *g,
					      u64 la, bool write, u64 *pa,
					      struct vmxscope_gmem_fault *fault)
{
	int levels = g->la57 ? 5 : 4;
	u32 error = (write ? VMXSCOPE_PF_WRITE : 0) |
		    (g->cpl == 3 ? VMXSCOPE_PF_USER : 0);
	unsigned int tries;

	if (!canonical(la, g->la57 ? 57 : 48))
		return VMXSCOPE_GMEM_GP;
	fault->addr = la;

	for (tries = 0; tries < GMEM_RETRIES; tries++) {
		u64 table = g->cr3 & PTE_ADDR & g->phys_mask;
		bool rw = true, us = true, changed = false;
		int level;

		for (level = levels; level >= 1; level--) {
			unsigned int shift = 12 + 9 * (level - 1);
			u64 size = 1ULL << shift;
			u64 *p = g->ops->map(table + ((la >> shift) & 511) * 8);
			u64 e;
			int deny;

			if (!p)
				return VMXSCOPE_GMEM_NOT_RAM;
			e = read_entry(p);
			if (!(e & PTE_P)) {
				fault->error = error;
				return VMXSCOPE_GMEM_PF;
			}
			if (reserved(g, e, level)) {
				fault->error = error | VMXSCOPE_PF_PROT |
					       VMXSCOPE_PF_RSVD;
				return VMXSCOPE_GMEM_PF;
			}
			rw = rw && (e & PTE_RW);
			us = us && (e & PTE_US);
			if (level > 1 && !(e & PTE_PS)) {
				/* SDM 4.8: A is set in every entry used. */
				if (!set_bits(g, p, e, PTE_A)) {
					changed = true;
					break;
				}
				table = e & PTE_ADDR & g->phys_mask;
				continue;
			}
			deny = rights(g, e, rw, us, write);
			if (deny) {
				fault->error = error | VMXSCOPE_PF_PROT |
					       (deny > 0 ? deny : 0);
				return VMXSCOPE_GMEM_PF;
			}
			if (!set_bits(g, p, e, PTE_A | (write ? PTE_D : 0))) {
				changed = true;
				break;
			}
			*pa = (e & PTE_ADDR & g->phys_mask & ~(size - 1)) |
			      (la & (size - 1));
			return VMXSCOPE_GMEM_OK;
		}
		if (!changed)
			break;
	}
	return VMXSCOPE_GMEM_BUSY;
}

__root enum vmxscope_gmem_result vmxscope_gmem_map(const struct vmxscope_gmem *g, u64 la,
					unsigned int len, bool write,
					struct vmxscope_gmem_span *span,
					struct vmxscope_gmem_fault *fault)
{
	unsigned int first = GMEM_PAGE_SIZE - (la & (GMEM_PAGE_SIZE - 1));
	enum vmxscope_gmem_result r;
	unsigned int i;
	u64 pa;

	if (len > GMEM_PAGE_SIZE)
		return VMXSCOPE_GMEM_BUSY;
	span->len[0] = len < first ? len : first;
	span->len[1] = len - span->len[0];
	span->host[0] = span->host[1] = NULL;
	for (i = 0; i < 2 && span->len[i]; i++) {
		r = vmxscope_gmem_translate(g, la + (i ? span->len[0] : 0), write,
					  &pa, fault);
		if (r != VMXSCOPE_GMEM_OK)
			return r;
		span->host[i] = g->ops->map(pa);
		if (!span->host[i])
			return VMXSCOPE_GMEM_NOT_RAM;
	}
	return VMXSCOPE_GMEM_OK;
}

__root void vmxscope_gmem_span_read(const struct vmxscope_gmem_span *span, void *buf)
{
	memcpy(buf, span->host[0], span->len[0]);
	if (span->len[1])
		memcpy((u8 *)buf + span->len[0], span->host[1], span->len[1]);
}

__root void vmxscope_gmem_span_write(const struct vmxscope_gmem_span *span,
			    const void *buf)
{
	memcpy(span->host[0], buf, span->len[0]);
	if (span->len[1])
		memcpy(span->host[1], (const u8 *)buf + span->len[0],
		       span->len[1]);
}

enum vmxscope_gmem_result vmxscope_gmem_read(const struct vmxscope_gmem *g, u64 la,
					 void *buf, unsigned int len,
					 struct vmxscope_gmem_fault *fault)
{
	struct vmxscope_gmem_span span;
	enum vmxscope_gmem_result r;

	r = vmxscope_gmem_map(g, la, len, false, &span, fault);
	if (r == VMXSCOPE_GMEM_OK)
		vmxscope_gmem_span_read(&span, buf);
	return r;
}

enum vmxscope_gmem_result vmxscope_gmem_write(const struct vmxscope_gmem *g, u64 la,
					  const void *buf, unsigned int len,
					  struct vmxscope_gmem_fault *fault)
{
	struct vmxscope_gmem_span span;
	enum vmxscope_gmem_result r;

	r = vmxscope_gmem_map(g, la, len, true, &span, fault);
	if (r == VMXSCOPE_GMEM_OK)
		vmxscope_gmem_span_write(&span, buf);
	return r;
}

#ifdef __KERNEL__
/*
 * RAM only, through the direct map, and only where the direct map maps
 * it (memfd_secret() and friends unmap pages from it).  Root mode may
 * take no lock, so neither page_is_ram() nor the resource tree.
 */
static void *host_map(u64 pa)
{
	u64 page = pa & PAGE_MASK;
	unsigned int level;
	pte_t *pte;
	void *va;

	if (!pfn_valid(PHYS_PFN(pa)) ||
	    !e820__mapped_any(page, page + PAGE_SIZE, E820_TYPE_RAM))
		return NULL;
	va = __va(pa);
	pte = lookup_address((unsigned long)va, &level);
	if (!pte || !pte_present(*pte))
		return NULL;
	return va;
}

/* A locked update, as the CPU makes it (SDM 4.8). */
static bool host_update64(u64 *p, u64 old, u64 new)
{
	return cmpxchg64(p, old, new) == old;
}

/* CR4.PKS (SDM 2.5), newer than this kernel's headers. */
#define CR4_PKS		BIT(24)

static const struct vmxscope_gmem_ops host_ops = {
	.map		= host_map,
	.update64	= host_update64,
};

static __root u32 guest_pkru(void)
{
	u32 eax, edx;

	asm volatile("rdpkru" : "=a" (eax), "=d" (edx) : "c" (0));
	return eax;
}

__root bool vmxscope_gmem_init(struct vmxscope_gmem *g, unsigned long rflags)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long cr4 = vmcs_readl(GUEST_CR4);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	if (!(cr0 & X86_CR0_PG) || !(efer & EFER_LMA) || !(cr4 & X86_CR4_PAE))
		return false;
	/* Supervisor protection keys would need IA32_PKRS too. */
	if (cr4 & CR4_PKS)
		return false;
	g->ops = &host_ops;
	g->cr3 = vmcs_readl(GUEST_CR3);
	g->phys_mask = (1ULL << boot_cpu_data.x86_phys_bits) - 1;
	g->cpl = vmxscope_guest_cpl();
	g->la57 = cr4 & X86_CR4_LA57;
	g->wp = cr0 & X86_CR0_WP;
	g->smap = cr4 & X86_CR4_SMAP;
	g->ac = rflags & X86_EFLAGS_AC;
	g->nxe = efer & EFER_NX;
	g->pke = cr4 & X86_CR4_PKE;
	g->pkru = 0;
	if (g->pke) {
		/* PKRU is not switched by VMX: the guest's is live here. */
		if (!(native_read_cr4() & X86_CR4_PKE))
			return false;
		g->pkru = guest_pkru();
	}
	return true;
}
#endif /* __KERNEL__ */
