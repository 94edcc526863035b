/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's linear memory, reached from VMX root mode by walking the
 * guest's own page tables in software (SDM Vol. 3A 4.5, 4-level and
 * 5-level paging) with the checks the CPU makes for the guest's CPL
 * (SDM 4.6) and the accessed/dirty updates it makes (SDM 4.8).  EPT is
 * an identity map, so the guest-physical addresses the walk yields are
 * host-physical ones.
 *
 * The walk is pure logic: physical memory is reached through
 * struct vmxscope_gmem_ops, which the host unit tests
 * (tools/testing/unit/guest_mem_test.c) back with a fake memory; they
 * build this file with kcompat.h in place of the kernel headers.
 */
#ifndef _VMXSCOPE_GUEST_MEM_H
#define _VMXSCOPE_GUEST_MEM_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

/* #PF error code (SDM 4.7). */
#define VMXSCOPE_PF_PROT		(1U << 0)	/* 0: not present */
#define VMXSCOPE_PF_WRITE		(1U << 1)
#define VMXSCOPE_PF_USER		(1U << 2)	/* CPL 3 */
#define VMXSCOPE_PF_RSVD		(1U << 3)
#define VMXSCOPE_PF_PK		(1U << 5)

enum vmxscope_gmem_result {
	VMXSCOPE_GMEM_OK,
	VMXSCOPE_GMEM_PF,		/* #PF: error code and CR2 in the fault */
	VMXSCOPE_GMEM_GP,		/* non-canonical address: #GP(0) or #SS(0) */
	VMXSCOPE_GMEM_NOT_RAM,	/* a table or the data is not RAM */
	VMXSCOPE_GMEM_BUSY,	/* entries kept changing under the walk */
};

struct vmxscope_gmem_ops {
	/*
	 * Where physical address @pa can be read and written, valid up to
	 * the end of its 4 KiB page; NULL if @pa is not RAM.
	 */
	void *(*map)(u64 pa);
	/* If *@p == @old, make it @new atomically and return true. */
	bool (*update64)(u64 *p, u64 old, u64 new);
};

/* The guest state a translation depends on. */
struct vmxscope_gmem {
	const struct vmxscope_gmem_ops *ops;
	u64 cr3;		/* guest CR3; PCID bits are ignored */
	u64 phys_mask;		/* (1 << MAXPHYADDR) - 1 */
	u32 pkru;		/* used when pke */
	u8 cpl;			/* 3: user-mode accesses (SDM 4.6) */
	bool la57;		/* CR4.LA57: 5-level paging */
	bool wp;		/* CR0.WP */
	bool smap;		/* CR4.SMAP */
	bool ac;		/* RFLAGS.AC */
	bool pke;		/* CR4.PKE */
	bool nxe;		/* IA32_EFER.NXE: else bit 63 is reserved */
};

struct vmxscope_gmem_fault {
	u64 addr;		/* CR2: the faulting linear address */
	u32 error;		/* VMXSCOPE_PF_* */
};

/*
 * Translates linear address @la for a data read or write, as the CPU
 * would: on success *@pa is its physical address and the accessed bits
 * (and for a write the dirty bit) are set; on VMXSCOPE_GMEM_PF, @fault
 * says what to inject.
 */
enum vmxscope_gmem_result vmxscope_gmem_translate(const struct vmxscope_gmem *g,
					      u64 la, bool write, u64 *pa,
					      struct vmxscope_gmem_fault *fault);

/*
 * Where the @len bytes (at most 4096) at @la are, for a read or a write:
 * one or two host pieces, since the range may straddle a page.  Every
 * page is translated (and its A/D bits set) before the caller moves a
 * byte, so a fault leaves the guest's memory as it was.
 */
struct vmxscope_gmem_span {
	u8 *host[2];
	unsigned int len[2];
};

enum vmxscope_gmem_result vmxscope_gmem_map(const struct vmxscope_gmem *g, u64 la,
					unsigned int len, bool write,
					struct vmxscope_gmem_span *span,
					struct vmxscope_gmem_fault *fault);
void vmxscope_gmem_span_read(const struct vmxscope_gmem_span *span, void *buf);
void vmxscope_gmem_span_write(const struct vmxscope_gmem_span *span,
			    const void *buf);

/* vmxscope_gmem_map() and the copy in one. */
enum vmxscope_gmem_result vmxscope_gmem_read(const struct vmxscope_gmem *g, u64 la,
					 void *buf, unsigned int len,
					 struct vmxscope_gmem_fault *fault);
enum vmxscope_gmem_result vmxscope_gmem_write(const struct vmxscope_gmem *g, u64 la,
					  const void *buf, unsigned int len,
					  struct vmxscope_gmem_fault *fault);

#ifdef __KERNEL__
/*
 * The current guest's paging state, from the VMCS and the registers VMX
 * does not switch (PKRU); root mode only.  Returns false unless the guest
 * is in IA-32e mode with paging, the only mode the walk implements.
 */
bool vmxscope_gmem_init(struct vmxscope_gmem *g, unsigned long rflags);
#endif

#endif /* _VMXSCOPE_GUEST_MEM_H */
