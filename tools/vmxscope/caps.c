// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope caps: the CPU's VMX capability MSRs (SDM Vol. 3D, Appendix A),
 * read from /dev/cpu/N/msr and decoded with the tables of names.c; with
 * the module loaded, each control bit marked with what vmxscope does with it
 * (VMXSCOPE_GET_CONTROLS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#include "cli.h"
#include "msrs.h"

#define BIT64(n)		(1ULL << (n))
#define FIELD(v, hi, lo)	(((v) >> (lo)) & ((1ULL << ((hi) - (lo) + 1)) - 1))

static int msr_fd = -1;

/* The module's controls, if it is loaded (else have_module is false). */
static struct vmxscope_controls module_ctls;
static bool have_module;

static void get_module_controls(void)
{
	int fd = open(VMXSCOPE_DEVICE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	memset(&module_ctls, 0, sizeof(module_ctls));
	have_module = !ioctl(fd, VMXSCOPE_GET_CONTROLS, &module_ctls) &&
		      module_ctls.nr >= VMXSCOPE_NR_CTLS;
	close(fd);
}

/*
 * What vmxscope does with bit @bit of control set @ctl: "required" (no load
 * without it), "optional" (used when allowed), "forced" (set though not
 * wanted: the CPU's must-be-1), "-" (left clear).
 */
static const char *module_use(int ctl, unsigned int bit, bool *set)
{
	uint32_t m = 1U << bit;

	*set = module_ctls.value[ctl] & m;
	if (module_ctls.required[ctl] & m)
		return "required";
	if (module_ctls.optional[ctl] & m)
		return "optional";
	return *set ? "forced" : "-";
}

/* RDMSR through the msr driver: 0 or -errno (EIO: no such MSR). */
static int rdmsr(uint32_t msr, uint64_t *val)
{
	ssize_t n = pread(msr_fd, val, sizeof(*val), msr);

	if (n == sizeof(*val))
		return 0;
	return n < 0 ? -errno : -EIO;
}

static void hex_str(char *buf, size_t size, uint64_t val)
{
	snprintf(buf, size, "0x%016llx", (unsigned long long)val);
}

/* The header of one MSR: text line, or the members "msr"/"value". */
static void msr_header(const char *title, uint32_t msr, uint64_t val)
{
	const char *name = msr_name(msr);
	char hex[24];

	hex_str(hex, sizeof(hex), val);
	if (json) {
		json_str("msr_name", name);
		json_u64("msr", msr);
		json_str("value", hex);
	} else {
		printf("\n%s: %s (%#x) = %s\n", title, name, msr, hex);
	}
}

static void yes_no(const char *label, const char *key, bool val,
		   const char *where)
{
	if (json)
		json_bool(key, val);
	else
		printf("  %-36s %-4s (%s)\n", label, val ? "yes" : "no", where);
}

static void number(const char *label, const char *key, unsigned long long val,
		   const char *unit)
{
	if (json)
		json_u64(key, val);
	else
		printf("  %-36s %llu%s\n", label, val, unit);
}

static void show_feature_control(void)
{
	uint64_t v;

	if (rdmsr(MSR_IA32_FEATURE_CONTROL, &v))
		return;
	if (json)
		json_open("feature_control", '{');
	msr_header("feature control", MSR_IA32_FEATURE_CONTROL, v);
	yes_no("locked", "locked", v & BIT64(0), "bit 0");
	yes_no("VMX inside SMX", "vmx_inside_smx", v & BIT64(1), "bit 1");
	yes_no("VMX outside SMX", "vmx_outside_smx", v & BIT64(2), "bit 2");
	if (json)
		json_close('}');
}

static void show_basic(uint64_t v)
{
	unsigned int mt = FIELD(v, 53, 50);

	if (json)
		json_open("basic", '{');
	msr_header("basic VMX information", MSR_IA32_VMX_BASIC, v);
	number("VMCS revision identifier", "revision", FIELD(v, 30, 0), "");
	number("VMCS region size", "vmcs_size", FIELD(v, 44, 32), " bytes");
	yes_no("addresses limited to 32 bits", "addr_width_32", v & BIT64(48), "bit 48");
	yes_no("dual-monitor SMM treatment", "dual_monitor", v & BIT64(49), "bit 49");
	if (json) {
		json_u64("memory_type", mt);
		json_str("memory_type_name", memory_type_name(mt));
	} else {
		printf("  %-36s %s (%u, bits 53:50)\n", "VMCS memory type",
		       memory_type_name(mt), mt);
	}
	yes_no("INS/OUTS exit information", "ins_outs_info", v & BIT64(54), "bit 54");
	yes_no("TRUE control MSRs", "true_controls", v & BIT64(55), "bit 55");
	yes_no("no error-code check on injection", "no_error_code_check",
	       v & BIT64(56), "bit 56");
	if (json)
		json_close('}');
}

static const char *setting(bool may0, bool may1)
{
	if (may0 && may1)
		return "flexible";
	if (may1)
		return "fixed-1";
	if (may0)
		return "fixed-0";
	return "inconsistent";
}

/*
 * One control MSR (SDM A.3-A.5): bit X of the low half clear means the
 * control may be 0 (allowed-0), bit X of the high half set means it may
 * be 1 (allowed-1).  Named bits are always listed, others unless fixed-0.
 * Returns the MSR value, or 0 if it cannot be read.
 */
static uint64_t show_controls(const char *key, int ctl,
			      const struct bit_table *t, uint32_t msr)
{
	const char *name = msr_name(msr);
	unsigned int bit;
	uint64_t v;
	int ret;

	if (json) {
		json_open(NULL, '{');
		json_str("controls", key);
		json_str("title", t->title);
	}
	ret = rdmsr(msr, &v);
	if (ret) {
		if (json) {
			json_str("msr_name", name);
			json_str("error", strerror(-ret));
			json_close('}');
		} else {
			printf("\n%s: %s (%#x) cannot be read: %s\n", t->title,
			       name, msr, strerror(-ret));
		}
		return 0;
	}
	msr_header(t->title, msr, v);
	if (json)
		json_open("bits", '[');
	else
		printf("  bit  0-ok  1-ok  setting       %-10s name\n",
		       have_module ? "vmxscope" : "");
	for (bit = 0; bit < 32; bit++) {
		const struct bit_name *n = bit_lookup(t, bit);
		bool may0 = !(v & BIT64(bit)), may1 = v & BIT64(bit + 32);
		const char *use = "";
		bool set = false;
		char mark[16];

		if (have_module)
			use = module_use(ctl, bit, &set);
		if (!n && may0 && !may1 && !set)
			continue;
		if (json) {
			json_open(NULL, '{');
			json_u64("bit", bit);
			json_str("name", n ? n->name : NULL);
			json_bool("allowed0", may0);
			json_bool("allowed1", may1);
			if (have_module) {
				json_str("vmxscope", use);
				json_bool("vmxscope_set", set);
			}
			json_close('}');
		} else {
			snprintf(mark, sizeof(mark), "%s%s", use,
				 set && !strcmp(use, "optional") ? "+" : "");
			printf("  %3u  %-4s  %-4s  %-12s  %-10s %s%s%s%s\n", bit,
			       may0 ? "yes" : "no", may1 ? "yes" : "no",
			       setting(may0, may1), mark,
			       n ? n->name : "(reserved)",
			       n ? " (" : "", n ? n->desc : "", n ? ")" : "");
		}
	}
	if (json) {
		json_close(']');
		json_close('}');
	}
	return v;
}

static void show_misc(uint64_t v)
{
	unsigned int bit;

	if (json)
		json_open("misc", '{');
	msr_header("miscellaneous data", MSR_IA32_VMX_MISC, v);
	number("preemption timer: TSC shifted by", "preemption_timer_shift",
	       FIELD(v, 4, 0), " bits");
	number("CR3-target values", "cr3_targets", FIELD(v, 24, 16), "");
	number("MSR load/store list entries", "max_msr_list",
	       512 * (FIELD(v, 27, 25) + 1), " (recommended maximum)");
	number("MSEG revision identifier", "mseg_revision", FIELD(v, 63, 32), "");
	if (json)
		json_open("flags", '[');
	for (bit = 0; bit < 64; bit++) {
		const struct bit_name *n = bit_lookup(&names_misc, bit);
		char where[16];

		if (!n)
			continue;
		if (json) {
			if (v & BIT64(bit))
				json_str(NULL, n->name);
			continue;
		}
		snprintf(where, sizeof(where), "bit %u", bit);
		yes_no(n->desc, NULL, v & BIT64(bit), where);
	}
	if (json) {
		json_close(']');
		json_close('}');
	}
}

/* Names of the bits of @mask in @t (others as "bitN"), on one line. */
static void print_cr_bits(const char *label, const struct bit_table *t,
			  uint64_t mask)
{
	unsigned int bit;

	printf("  %-11s", label);
	if (!mask)
		printf(" (none)");
	for (bit = 0; bit < 64; bit++) {
		const struct bit_name *n = bit_lookup(t, bit);

		if (!(mask & BIT64(bit)))
			continue;
		if (n)
			printf(" %s", n->name);
		else
			printf(" bit%u", bit);
	}
	putchar('\n');
}

/* SDM A.7/A.8: bits set in FIXED0 must be 1, bits clear in FIXED1 must be 0. */
static void show_cr(const char *key, const struct bit_table *t, uint32_t msr0,
		    uint32_t msr1)
{
	uint64_t f0, f1, named = 0;
	unsigned int i;
	char hex0[24], hex1[24];

	if (rdmsr(msr0, &f0) || rdmsr(msr1, &f1))
		return;
	for (i = 0; i < t->nr; i++)
		named |= BIT64(t->bits[i].bit);
	hex_str(hex0, sizeof(hex0), f0);
	hex_str(hex1, sizeof(hex1), f1);
	if (json) {
		json_open(key, '{');
		json_str("fixed0", hex0);
		json_str("fixed1", hex1);
		json_close('}');
		return;
	}
	printf("\n%s in VMX operation: FIXED0 (%#x) = %s, FIXED1 (%#x) = %s\n",
	       t->title, msr0, hex0, msr1, hex1);
	/* Reserved bits are left to the value lines above. */
	print_cr_bits("must be 1:", t, f0 & f1);
	print_cr_bits("either:", t, f1 & ~f0 & named);
	print_cr_bits("must be 0:", t, ~f1 & named);
}

static void show_ept_vpid(uint64_t v)
{
	unsigned int i;

	if (json) {
		json_open("ept_vpid", '{');
		msr_header(NULL, MSR_IA32_VMX_EPT_VPID_CAP, v);
		json_open("caps", '[');
		for (i = 0; i < names_ept_vpid.nr; i++)
			if (v & BIT64(names_ept_vpid.bits[i].bit))
				json_str(NULL, names_ept_vpid.bits[i].name);
		json_close(']');
		json_close('}');
		return;
	}
	msr_header("EPT and VPID capabilities", MSR_IA32_VMX_EPT_VPID_CAP, v);
	for (i = 0; i < names_ept_vpid.nr; i++) {
		const struct bit_name *n = &names_ept_vpid.bits[i];

		printf("  %3u  %-4s  %-38s %s\n", n->bit,
		       v & BIT64(n->bit) ? "yes" : "no", n->name, n->desc);
	}
}

static const struct hint msr_hints[] = {
	{ ENOENT, "needs the msr driver: modprobe msr (CONFIG_X86_MSR)" },
	{ ENXIO, "no such CPU, or it is offline" },
	{ EPERM, "reading MSRs needs root (CAP_SYS_RAWIO)" },
	{ EACCES, "reading MSRs needs root (CAP_SYS_RAWIO)" },
	{ EIO, "the CPU has no VMX, or does not expose it (CPUID.1:ECX.VMX[bit 5])" },
	{ }
};

int cmd_caps(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "cpu", required_argument, NULL, 'c' },
		{ }
	};
	uint64_t basic, proc, proc2 = 0, v;
	uint32_t cpu = 0;
	char path[64];
	bool tru;
	int c, ret;

	optind = 0;
	while ((c = getopt_verb("caps", argc, argv, "hc:", opts)) != -1) {
		switch (c) {
		case 'h':
			return verb_help("caps");
		case 'c':
			if (parse_u32(optarg, &cpu))
				return usage_error("caps", "bad CPU number '%s'", optarg);
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("caps", "unexpected argument '%s'", argv[optind]);

	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	msr_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (msr_fd < 0)
		return fail(path, errno, msr_hints);
	ret = rdmsr(MSR_IA32_VMX_BASIC, &basic);
	if (ret) {
		close(msr_fd);
		return fail("IA32_VMX_BASIC", -ret, msr_hints);
	}
	tru = basic & BIT64(55);
	get_module_controls();

	if (json) {
		json_open(NULL, '{');
		json_bool("ok", true);
		json_u64("cpu", cpu);
		json_bool("vmxscope_loaded", have_module);
	} else {
		printf("VMX capabilities of CPU %u (SDM Vol. 3D, Appendix A)\n", cpu);
	}
	show_feature_control();
	show_basic(basic);

	if (json)
		json_open("controls", '[');
	show_controls("pin", VMXSCOPE_CTL_PIN, &names_pin,
		      tru ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
		      MSR_IA32_VMX_PINBASED_CTLS);
	proc = show_controls("proc", VMXSCOPE_CTL_PROC, &names_proc,
			     tru ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			     MSR_IA32_VMX_PROCBASED_CTLS);
	/* SDM A.3.3: only if "activate secondary controls" may be 1. */
	if (proc & BIT64(32 + 31))
		proc2 = show_controls("proc2", VMXSCOPE_CTL_PROC2, &names_proc2,
				      MSR_IA32_VMX_PROCBASED_CTLS2);
	else if (!json)
		printf("\n%s: none (primary bit 31 cannot be 1)\n", names_proc2.title);
	show_controls("exit", VMXSCOPE_CTL_EXIT, &names_exit,
		      tru ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	show_controls("entry", VMXSCOPE_CTL_ENTRY, &names_entry,
		      tru ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	if (json)
		json_close(']');

	if (!rdmsr(MSR_IA32_VMX_MISC, &v))
		show_misc(v);
	show_cr("cr0", &names_cr0, MSR_IA32_VMX_CR0_FIXED0, MSR_IA32_VMX_CR0_FIXED1);
	show_cr("cr4", &names_cr4, MSR_IA32_VMX_CR4_FIXED0, MSR_IA32_VMX_CR4_FIXED1);
	if (!rdmsr(MSR_IA32_VMX_VMCS_ENUM, &v)) {
		if (json)
			json_u64("vmcs_max_index", FIELD(v, 9, 1));
		else
			printf("\nIA32_VMX_VMCS_ENUM (%#x): highest field index %llu\n",
			       MSR_IA32_VMX_VMCS_ENUM,
			       (unsigned long long)FIELD(v, 9, 1));
	}
	/* SDM A.10: only if EPT or VPID may be enabled. */
	if ((proc2 & (BIT64(32 + 1) | BIT64(32 + 5))) &&
	    !rdmsr(MSR_IA32_VMX_EPT_VPID_CAP, &v))
		show_ept_vpid(v);
	else if (!json)
		printf("\nIA32_VMX_EPT_VPID_CAP: none (neither EPT nor VPID)\n");
	if (json)
		json_close('}');
	close(msr_fd);
	return EXIT_SUCCESS;
}
