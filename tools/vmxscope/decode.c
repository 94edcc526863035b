// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of VMCS field values (SDM Vol. 3C ch. 25) and of latency
 * histograms, for 'vmxscope vmcs' and 'vmxscope stats --latency'.  Pure
 * logic over the tables of names.c: also linked by the host unit tests.
 */
#include <stdarg.h>
#include <string.h>

#include <linux/vmxscope.h>
#include <linux/vmxscope_vmcs.h>

#include "cli.h"

/* The fields' encodings as constants: VMCS_GUEST_CR0 etc. */
#define VMCS_ENC(name, enc, area)	VMCS_##name = enc,
enum { VMXSCOPE_VMCS_FIELDS(VMCS_ENC) };

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __printf(2, 3);

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += n;
}

/* The names of @v's set bits in @t, others as bitN; "-" if none. */
static void bits(struct out *o, const struct bit_table *t, uint64_t v)
{
	unsigned int bit;
	const char *sep = "";

	if (!v)
		put(o, "-");
	for (bit = 0; bit < 64; bit++) {
		const struct bit_name *n = bit_lookup(t, bit);

		if (!(v & (1ULL << bit)))
			continue;
		if (n)
			put(o, "%s%s", sep, n->name);
		else
			put(o, "%sbit%u", sep, bit);
		sep = " ";
	}
}

/* SDM 25.4.1, Table 25-2: segment access rights. */
static void access_rights(struct out *o, uint64_t v)
{
	if (v & VMXSCOPE_AR_UNUSABLE) {
		put(o, "unusable");
		return;
	}
	put(o, "type=%u S=%u DPL=%u P=%u AVL=%u L=%u DB=%u G=%u",
	    (unsigned int)VMXSCOPE_AR_TYPE(v), !!(v & VMXSCOPE_AR_S),
	    (unsigned int)VMXSCOPE_AR_DPL(v), !!(v & VMXSCOPE_AR_P),
	    !!(v & VMXSCOPE_AR_AVL), !!(v & VMXSCOPE_AR_L),
	    !!(v & VMXSCOPE_AR_DB), !!(v & VMXSCOPE_AR_G));
}

/* SDM 25.6.3 exception bitmap: the vectors whose exceptions exit. */
static void vectors(struct out *o, uint64_t v)
{
	unsigned int vec;
	const char *sep = "";

	if (!(v & 0xffffffff))
		put(o, "-");
	for (vec = 0; vec < 32; vec++) {
		const char *n = vector_name(vec);

		if (!(v & (1ULL << vec)))
			continue;
		if (n)
			put(o, "%s#%s", sep, n);
		else
			put(o, "%svec%u", sep, vec);
		sep = " ";
	}
}

/* SDM 25.6.11, Table 25-9: EPTP. */
static void eptp(struct out *o, uint64_t v)
{
	put(o, "memory type %s (%u), walk length %u, A/D %s, PML4 at %#llx",
	    memory_type_name(v & 7), (unsigned int)(v & 7),
	    (unsigned int)((v >> 3) & 7) + 1, v & (1 << 6) ? "on" : "off",
	    (unsigned long long)(v & 0x000ffffffffff000ULL));
}

/* SDM 25.8.3, 25.9.2: interruption information (entry, exit, IDT). */
static void intr_info(struct out *o, uint64_t v)
{
	const struct bit_name *t = bit_lookup(&names_intr_type, (v >> 8) & 7);
	const char *vec = vector_name(v & 0xff);

	if (!(v & (1U << 31))) {
		put(o, "invalid");
		return;
	}
	put(o, "vector %u", (unsigned int)(v & 0xff));
	if (((v >> 8) & 7) == 3 && vec)
		put(o, " (#%s)", vec);
	put(o, ", %s%s", t ? t->name : "reserved type",
	    v & (1U << 11) ? ", error code" : "");
}

/* SDM 25.9.1: basic exit reason and the flags above it. */
static void exit_reason(struct out *o, uint64_t v)
{
	const char *n = exit_reason_name(v & 0xffff);

	put(o, "%s", n ? n : "unknown");
	if (v & (1U << 31))
		put(o, ", VM-entry failure");
}

/*
 * What @value of the field @encoding means, into @buf; empty for fields
 * whose value is just a number or an address.
 */
void vmcs_decode(unsigned int encoding, uint64_t value, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const struct bit_name *n;

	if (size)
		buf[0] = '\0';
	switch (encoding) {
	case VMCS_GUEST_ES_AR_BYTES: case VMCS_GUEST_CS_AR_BYTES:
	case VMCS_GUEST_SS_AR_BYTES: case VMCS_GUEST_DS_AR_BYTES:
	case VMCS_GUEST_FS_AR_BYTES: case VMCS_GUEST_GS_AR_BYTES:
	case VMCS_GUEST_LDTR_AR_BYTES: case VMCS_GUEST_TR_AR_BYTES:
		access_rights(&o, value);
		break;
	case VMCS_GUEST_INTERRUPTIBILITY_INFO:
		bits(&o, &names_intr_state, value);
		break;
	case VMCS_GUEST_ACTIVITY_STATE:
		n = bit_lookup(&names_activity, value);
		put(&o, "%s", n ? n->name : "reserved");
		break;
	case VMCS_PIN_BASED_VM_EXEC_CONTROL:
		bits(&o, &names_pin, value);
		break;
	case VMCS_CPU_BASED_VM_EXEC_CONTROL:
		bits(&o, &names_proc, value);
		break;
	case VMCS_SECONDARY_VM_EXEC_CONTROL:
		bits(&o, &names_proc2, value);
		break;
	case VMCS_VM_EXIT_CONTROLS:
		bits(&o, &names_exit, value);
		break;
	case VMCS_VM_ENTRY_CONTROLS:
		bits(&o, &names_entry, value);
		break;
	case VMCS_EXCEPTION_BITMAP:
		vectors(&o, value);
		break;
	case VMCS_GUEST_CR0: case VMCS_HOST_CR0:
	case VMCS_CR0_GUEST_HOST_MASK: case VMCS_CR0_READ_SHADOW:
		bits(&o, &names_cr0, value);
		break;
	case VMCS_GUEST_CR4: case VMCS_HOST_CR4:
	case VMCS_CR4_GUEST_HOST_MASK: case VMCS_CR4_READ_SHADOW:
		bits(&o, &names_cr4, value);
		break;
	case VMCS_GUEST_IA32_EFER: case VMCS_HOST_IA32_EFER:
		bits(&o, &names_efer, value);
		break;
	case VMCS_EPT_POINTER:
		eptp(&o, value);
		break;
	case VMCS_VM_ENTRY_INTR_INFO_FIELD: case VMCS_VM_EXIT_INTR_INFO:
	case VMCS_IDT_VECTORING_INFO_FIELD:
		intr_info(&o, value);
		break;
	case VMCS_VM_EXIT_REASON:
		exit_reason(&o, value);
		break;
	}
}

/*
 * The bucket at which @pct percent of the counts in @hist (@nr log2
 * buckets) are reached; @nr if the histogram is empty.
 */
unsigned int hist_percentile(const uint32_t *hist, unsigned int nr,
			     unsigned int pct)
{
	uint64_t total = 0, sum = 0;
	unsigned int b;

	for (b = 0; b < nr; b++)
		total += hist[b];
	if (!total)
		return nr;
	for (b = 0; b < nr; b++) {
		sum += hist[b];
		if (sum * 100 >= total * pct)
			return b;
	}
	return nr - 1;
}
