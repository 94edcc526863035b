// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the CLI's pure logic (tools/vmxscope/parse.c, names.c
 * and decode.c): ranges, vector names, CPU lists, trace_pipe lines,
 * tables, VMCS field decoding and latency percentiles.
 */
#include <errno.h>
#include <string.h>

#include <linux/vmxscope.h>
#include <linux/vmxscope_vmcs.h>
#include "../../vmxscope/cli.h"
#include "unit.h"

static void test_u32(void)
{
	uint32_t v = 7;

	EXPECT_EQ(0, parse_u32("0", &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, parse_u32("0xc0000080", &v));
	EXPECT_EQ(0xc0000080u, v);
	EXPECT_EQ(0, parse_u32("4294967295", &v));
	EXPECT_EQ(0xffffffffu, v);
	EXPECT_EQ(-EINVAL, parse_u32("4294967296", &v));
	EXPECT_EQ(-EINVAL, parse_u32("", &v));
	EXPECT_EQ(-EINVAL, parse_u32("-1", &v));
	EXPECT_EQ(-EINVAL, parse_u32(" 1", &v));
	EXPECT_EQ(-EINVAL, parse_u32("12x", &v));
	EXPECT_EQ(-EINVAL, parse_u32("0x", &v));
}

static void test_range(void)
{
	uint32_t a = 1, b = 1;

	EXPECT_EQ(0, parse_range("0x10", UINT32_MAX, &a, &b));
	EXPECT_EQ(0x10, a);
	EXPECT_EQ(0x10, b);
	EXPECT_EQ(0, parse_range("0xc0000080-0xc0000082", UINT32_MAX, &a, &b));
	EXPECT_EQ(0xc0000080u, a);
	EXPECT_EQ(0xc0000082u, b);
	EXPECT_EQ(0, parse_range("0x3f8-1023", 0xffff, &a, &b));
	EXPECT_EQ(0x3f8, a);
	EXPECT_EQ(1023, b);
	EXPECT_EQ(0, parse_range("0-0xffff", 0xffff, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("0x10000", 0xffff, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("0x80-0x10000", 0xffff, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("0x20-0x10", UINT32_MAX, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("-5", UINT32_MAX, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("5-", UINT32_MAX, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("1-2-3", UINT32_MAX, &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("msr", UINT32_MAX, &a, &b));
}

/* MSR names of msrs.h: numbers and names mix, names need no IA32_. */
static void test_mem_span(void)
{
	uint64_t a = 0, n = 0;
	char sym[32];

	EXPECT_EQ(0, parse_mem_span("0x1000", NULL, 0, &a, &n));
	EXPECT_EQ(0x1000, a);
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, parse_mem_span("0x1000-0x100f", NULL, 0, &a, &n));
	EXPECT_EQ(0x1000, a);
	EXPECT_EQ(16, n);
	EXPECT_EQ(0, parse_mem_span("0xffffffff81000000+4096", NULL, 0, &a, &n));
	EXPECT_EQ(0xffffffff81000000ULL, a);
	EXPECT_EQ(4096, n);
	EXPECT_EQ(-EINVAL, parse_mem_span("0x100f-0x1000", NULL, 0, &a, &n));
	EXPECT_EQ(-EINVAL, parse_mem_span("0x1000+0", NULL, 0, &a, &n));
	EXPECT_EQ(-EINVAL, parse_mem_span("+16", NULL, 0, &a, &n));
	EXPECT_EQ(-EINVAL, parse_mem_span("modprobe_path", NULL, 0, &a, &n));
	EXPECT_EQ(0, parse_mem_span("modprobe_path+8", sym, sizeof(sym), &a, &n));
	EXPECT_EQ(0, strcmp(sym, "modprobe_path"));
	EXPECT_EQ(8, n);
	/* Symbols may hold '-' and '.': only '+' ends them. */
	EXPECT_EQ(0, parse_mem_span("foo.cold", sym, sizeof(sym), &a, &n));
	EXPECT_EQ(0, strcmp(sym, "foo.cold"));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-EINVAL, parse_mem_span("f+x", sym, sizeof(sym), &a, &n));
	EXPECT_EQ(-EINVAL, parse_mem_span("a_name_longer_than_the_buffer_given",
					  sym, 8, &a, &n));
}

static void test_msr_names(void)
{
	uint32_t a = 1, b = 1, i, j, seen = 0;

	EXPECT_EQ(0, parse_msr_range("IA32_LSTAR", &a, &b));
	EXPECT_EQ(0xc0000082u, a);
	EXPECT_EQ(0xc0000082u, b);
	EXPECT_EQ(0, parse_msr_range("efer-ia32_cstar", &a, &b));
	EXPECT_EQ(0xc0000080u, a);
	EXPECT_EQ(0xc0000083u, b);
	EXPECT_EQ(0, parse_msr_range("0x174-SYSENTER_EIP", &a, &b));
	EXPECT_EQ(0x174, a);
	EXPECT_EQ(0x176, b);
	EXPECT_EQ(-EINVAL, parse_msr_range("LSTAR-STAR", &a, &b));
	EXPECT_EQ(-EINVAL, parse_msr_range("IA32_", &a, &b));
	EXPECT_EQ(-EINVAL, parse_msr_range("NOSUCH", &a, &b));
	EXPECT_EQ(-EINVAL, parse_range("LSTAR", UINT32_MAX, &a, &b));
	EXPECT_EQ(0, strcmp("IA32_PAT", msr_name(0x277)));
	EXPECT_TRUE(msr_name(0x2000) == NULL);
	/* Every name is unique, an IA32_ name, inside the MSR bitmaps. */
	for (i = 0; i < nr_msr_names; i++) {
		uint32_t nr = msr_names[i].nr;

		EXPECT_EQ(0, strncmp(msr_names[i].name, "IA32_", 5));
		EXPECT_EQ(0, msr_by_name(msr_names[i].name, &a));
		EXPECT_EQ(nr, a);
		EXPECT_TRUE(nr <= 0x1fff || (nr >= 0xc0000000u && nr <= 0xc0001fffu));
		for (j = 0; j < i; j++)
			EXPECT_TRUE(msr_names[j].nr != nr &&
				    strcmp(msr_names[j].name, msr_names[i].name));
		seen++;
	}
	EXPECT_TRUE(seen > 40);
}

static void test_vectors(void)
{
	EXPECT_EQ(0, parse_vector("DE"));
	EXPECT_EQ(0, parse_vector("0"));
	EXPECT_EQ(13, parse_vector("GP"));
	EXPECT_EQ(13, parse_vector("#gp"));
	EXPECT_EQ(14, parse_vector("pf"));
	EXPECT_EQ(14, parse_vector("0xe"));
	EXPECT_EQ(19, parse_vector("XM"));
	EXPECT_EQ(19, parse_vector("XF"));
	EXPECT_EQ(20, parse_vector("VE"));
	EXPECT_EQ(21, parse_vector("CP"));
	EXPECT_EQ(2, parse_vector("NMI"));	/* the caller refuses it */
	EXPECT_EQ(31, parse_vector("31"));
	EXPECT_EQ(-EINVAL, parse_vector("32"));
	EXPECT_EQ(-EINVAL, parse_vector("QQ"));
	EXPECT_EQ(-EINVAL, parse_vector("#"));
	EXPECT_EQ(-EINVAL, parse_vector(""));
	EXPECT_TRUE(!strcmp("PF", vector_name(14)));
	EXPECT_TRUE(vector_name(15) == NULL);
	EXPECT_TRUE(vector_name(32) == NULL);
}

static void test_cpu_list(void)
{
	int cpus[8];

	EXPECT_EQ(1, parse_cpu_list("0\n", cpus, 8));
	EXPECT_EQ(0, cpus[0]);
	EXPECT_EQ(4, parse_cpu_list("0-3", cpus, 8));
	EXPECT_EQ(3, cpus[3]);
	EXPECT_EQ(5, parse_cpu_list("0-1,4,6-7\n", cpus, 8));
	EXPECT_EQ(4, cpus[2]);
	EXPECT_EQ(7, cpus[4]);
	EXPECT_EQ(-EINVAL, parse_cpu_list("0-8", cpus, 8));
	EXPECT_EQ(-EINVAL, parse_cpu_list("3-1", cpus, 8));
	EXPECT_EQ(-EINVAL, parse_cpu_list("a", cpus, 8));
	EXPECT_EQ(-EINVAL, parse_cpu_list("1;2", cpus, 8));
	EXPECT_EQ(0, parse_cpu_list("", cpus, 8));
}

static void test_trace_line(void)
{
	struct trace_line t;

	EXPECT_EQ(0, parse_trace_line("          <idle>-0       [001] d..2.  1234.567890: vmxscope_exit: cpu=1 reason=CPUID",
				      &t));
	EXPECT_TRUE(!strcmp("<idle>", t.task));
	EXPECT_EQ(0, t.pid);
	EXPECT_EQ(1, t.cpu);
	EXPECT_TRUE(!strcmp("d..2.", t.flags));
	EXPECT_TRUE(!strcmp("1234.567890", t.timestamp));
	EXPECT_TRUE(!strcmp("vmxscope_exit", t.event));
	EXPECT_TRUE(!strcmp("cpu=1 reason=CPUID", t.fields));

	/* A comm with spaces and dashes; no irq-info column. */
	EXPECT_EQ(0, parse_trace_line(" kworker/u8:2-ev x-123 [000] 5.000001: vmxscope_msr: msr=0x10 write",
				      &t));
	EXPECT_TRUE(!strcmp("kworker/u8:2-ev x", t.task));
	EXPECT_EQ(123, t.pid);
	EXPECT_EQ(0, t.cpu);
	EXPECT_TRUE(!strcmp("", t.flags));
	EXPECT_TRUE(!strcmp("5.000001", t.timestamp));
	EXPECT_TRUE(!strcmp("vmxscope_msr", t.event));
	EXPECT_TRUE(!strcmp("msr=0x10 write", t.fields));

	EXPECT_EQ(-EINVAL, parse_trace_line("", &t));
	EXPECT_EQ(-EINVAL, parse_trace_line("CPU:1 [LOST 3 EVENTS]", &t));
	EXPECT_EQ(-EINVAL, parse_trace_line("bash-12 [x] 1.0: e: f", &t));
	EXPECT_EQ(-EINVAL, parse_trace_line("bash-12 [0] d... notatime: e: f", &t));
}

static void test_tables(void)
{
	const struct bit_table *t[] = {
		&names_pin, &names_proc, &names_proc2, &names_exit,
		&names_entry, &names_misc, &names_ept_vpid, &names_cr0,
		&names_cr4, &names_efer, &names_intr_state, &names_activity,
		&names_intr_type, &names_vmcs_area, &names_vmcs_width,
		&names_info_caps,
	};
	unsigned int i, j, k;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		for (j = 0; j < t[i]->nr; j++) {
			EXPECT_TRUE(t[i]->bits[j].bit < 64);
			for (k = j + 1; k < t[i]->nr; k++)
				EXPECT_TRUE(t[i]->bits[j].bit != t[i]->bits[k].bit);
		}
	/* Anchors from the SDM and the Linux macros. */
	EXPECT_TRUE(!strcmp("CPU_BASED_USE_MSR_BITMAPS", bit_lookup(&names_proc, 28)->name));
	EXPECT_TRUE(!strcmp("SECONDARY_EXEC_ENABLE_EPT", bit_lookup(&names_proc2, 1)->name));
	EXPECT_TRUE(!strcmp("VM_EXIT_ACK_INTR_ON_EXIT", bit_lookup(&names_exit, 15)->name));
	EXPECT_TRUE(!strcmp("VM_ENTRY_IA32E_MODE", bit_lookup(&names_entry, 9)->name));
	EXPECT_TRUE(!strcmp("VMXE", bit_lookup(&names_cr4, 13)->name));
	EXPECT_TRUE(bit_lookup(&names_pin, 1) == NULL);
	EXPECT_TRUE(!strcmp("CPUID", exit_reason_name(VMXSCOPE_EXIT_CPUID)));
	EXPECT_TRUE(!strcmp("TDCALL", exit_reason_name(77)));
	EXPECT_TRUE(exit_reason_name(35) == NULL);
	EXPECT_TRUE(exit_reason_name(VMXSCOPE_NR_EXIT_REASONS) == NULL);
	EXPECT_TRUE(!strcmp("WB", memory_type_name(6)));
}

static int decodes(unsigned int enc, unsigned long long v, const char *want)
{
	char buf[512];

	vmcs_decode(enc, v, buf, sizeof(buf));
	if (strcmp(buf, want))
		printf("#  %#x = %#llx: '%s', want '%s'\n", enc, v, buf, want);
	return !strcmp(buf, want);
}

static void test_vmcs_decode(void)
{
	char tiny[8];

	/* 64-bit kernel code segment: type 11, S, P, L, G (SDM 25.4.1). */
	EXPECT_TRUE(decodes(0x4816, 0xa09b,
			    "type=11 S=1 DPL=0 P=1 AVL=0 L=1 DB=0 G=1"));
	EXPECT_TRUE(decodes(0x4820, 0x10000, "unusable"));
	EXPECT_TRUE(decodes(0x4824, 0x9, "STI NMI"));
	EXPECT_TRUE(decodes(0x4824, 0, "-"));
	EXPECT_TRUE(decodes(0x4826, 1, "HLT"));
	EXPECT_TRUE(decodes(0x4004, (1 << 3) | (1 << 14) | (1 << 15),
			    "#BP #PF vec15"));
	EXPECT_TRUE(decodes(0x6804, 1ULL << 13 | 1 << 5, "PAE VMXE"));
	EXPECT_TRUE(decodes(0x6006, 1 << 5, "PAE"));
	EXPECT_TRUE(decodes(0x2806, 0xd01, "SCE LME LMA NXE"));
	EXPECT_TRUE(decodes(0x4002, 1U << 31 | 1 << 28,
			    "CPU_BASED_USE_MSR_BITMAPS CPU_BASED_ACTIVATE_SECONDARY_CONTROLS"));
	EXPECT_TRUE(decodes(0x401e, 0x22,
			    "SECONDARY_EXEC_ENABLE_EPT SECONDARY_EXEC_ENABLE_VPID"));
	EXPECT_TRUE(decodes(0x201a, 0x12345000 | 3 << 3 | 6,
			    "memory type WB (6), walk length 4, A/D off, PML4 at 0x12345000"));
	EXPECT_TRUE(decodes(0x4402, 18, "VMCALL"));
	EXPECT_TRUE(decodes(0x4402, 0x80000021,
			    "INVALID_GUEST_STATE, VM-entry failure"));
	EXPECT_TRUE(decodes(0x4404, 0x80000b0e, "vector 14 (#PF), hw-exception, error code"));
	EXPECT_TRUE(decodes(0x4404, 0, "invalid"));
	/* Plain numbers and addresses have nothing to decode. */
	EXPECT_TRUE(decodes(0x681e, 0xffffffff81000000ULL, ""));
	/* Truncated, never overrun. */
	vmcs_decode(0x4816, 0xa09b, tiny, sizeof(tiny));
	EXPECT_EQ(7, strlen(tiny));
	/* Every field of the uapi table is named once, in an area 0-5. */
	EXPECT_EQ(VMXSCOPE_NR_VMCS_FIELDS, nr_vmcs_fields);
	EXPECT_TRUE(!strcmp("GUEST_CR4", vmcs_field(0x6804)->name));
	EXPECT_EQ(VMXSCOPE_AREA_EXEC_CTL, vmcs_field(0x4004)->area);
	EXPECT_TRUE(vmcs_field(0x1234) == NULL);
}

static void test_percentile(void)
{
	uint32_t h[32] = { 0 };

	EXPECT_EQ(32, hist_percentile(h, 32, 50));
	h[3] = 98;
	h[7] = 1;
	h[20] = 1;
	EXPECT_EQ(3, hist_percentile(h, 32, 50));
	EXPECT_EQ(3, hist_percentile(h, 32, 98));
	EXPECT_EQ(7, hist_percentile(h, 32, 99));
	EXPECT_EQ(20, hist_percentile(h, 32, 100));
}

int main(void)
{
	RUN(test_u32);
	RUN(test_range);
	RUN(test_mem_span);
	RUN(test_msr_names);
	RUN(test_vectors);
	RUN(test_cpu_list);
	RUN(test_trace_line);
	RUN(test_tables);
	RUN(test_vmcs_decode);
	RUN(test_percentile);
	return unit_done();
}
