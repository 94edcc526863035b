// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope: command-line front end of /dev/vmxscope.  This file: global
 * options, verb dispatch and help, device access, error reporting, and
 * the status verb.  Documentation/cli.rst describes every verb.
 *
 * Exit codes: 0 success, 1 the request failed, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#include "cli.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

static const struct verb verbs[] = {
	{ "status", cmd_status, "show the module's ABI version, CPUs and caps",
	  "usage: vmxscope [--json] status\n"
	  "\n"
	  "Shows what VMXSCOPE_GET_INFO reports: the ABI version (and this CLI's),\n"
	  "CPUs online and running in VMX non-root mode, the number of exit\n"
	  "reasons the module counts, and its capabilities by name.\n" },
	{ "caps", cmd_caps, "decode the CPU's VMX capability MSRs",
	  "usage: vmxscope [--json] caps [--cpu N]\n"
	  "\n"
	  "Reads the VMX capability MSRs of CPU N (default 0) from\n"
	  "/dev/cpu/N/msr (needs root and the msr driver: modprobe msr) and\n"
	  "decodes IA32_VMX_BASIC, the pin/primary/secondary/exit/entry control\n"
	  "MSRs (the TRUE_* ones when IA32_VMX_BASIC bit 55 says so) with the\n"
	  "allowed-0 and allowed-1 setting of every bit, IA32_VMX_MISC, the\n"
	  "CR0/CR4 FIXED0/FIXED1 MSRs and IA32_VMX_EPT_VPID_CAP.\n"
	  "Does not need the vmxscope module; when it is loaded, every control\n"
	  "bit is also marked with what vmxscope does with it\n"
	  "(VMXSCOPE_GET_CONTROLS): 'required' (no load without it), 'optional'\n"
	  "(set when the CPU allows; '+' if set), 'forced' (the CPU's\n"
	  "must-be-1) or '-' (left clear).\n" },
	{ "trap", cmd_trap, "trap MSRs, I/O ports, exceptions or memory",
	  "usage: vmxscope [--json] trap msr FIRST[-LAST] [--read] [--write]\n"
	  "       vmxscope [--json] trap io PORT[-LAST] [--in] [--out]\n"
	  "       vmxscope [--json] trap exception VEC [--pfec-mask M --pfec-match V]\n"
	  "       vmxscope [--json] trap mem --phys A[-B|+LEN] | --kaddr A[-B|+LEN] |\n"
	  "                --symbol NAME[+LEN] [--read] [--write] [--exec]\n"
	  "\n"
	  "Makes every CPU exit to vmxscope on the chosen events; they are then\n"
	  "counted ('vmxscope stats') and traced ('vmxscope watch').  Without\n"
	  "--read/--write (--in/--out) both directions are trapped.\n"
	  "MSRs must lie in 0-0x1fff or in 0xc0000000-0xc0001fff (one of the\n"
	  "two in a range), given as numbers or names ('vmxscope names msr':\n"
	  "IA32_LSTAR or LSTAR); ports are 0-0xffff.  VEC is 0-31 or a mnemonic:\n"
	  "DE DB BP OF BR UD NM DF CSO TS NP SS GP PF MF AC MC XM VE CP HV VC SX\n"
	  "(with or without '#'); NMI (2) is not an exception and is refused.\n"
	  "For PF, only faults with (error code & M) == V are trapped; all #PF\n"
	  "traps share one M/V pair.  Numbers are decimal or 0x-hex.\n"
	  "mem watches bytes of RAM through EPT: guest-physical (--phys), kernel\n"
	  "virtual (--kaddr), or a kernel symbol from /proc/kallsyms (--symbol;\n"
	  "without +LEN up to the next symbol); A alone is one byte, B is\n"
	  "inclusive.  Without --read/--write/--exec, writes are watched.  The\n"
	  "range's id is printed; its accesses are counted per CPU and traced\n"
	  "as vmxscope_mem events.\n"
	  "\n"
	  "Traps persist after the CLI exits (VMXSCOPE_TRAP_PERSIST): remove them\n"
	  "with 'vmxscope untrap' and the same arguments, 'vmxscope untrap --all',\n"
	  "or by unloading the module.\n" },
	{ "untrap", cmd_untrap, "remove traps set with 'trap'",
	  "usage: vmxscope [--json] untrap msr FIRST[-LAST] [--read] [--write]\n"
	  "       vmxscope [--json] untrap io PORT[-LAST] [--in] [--out]\n"
	  "       vmxscope [--json] untrap exception VEC [--pfec-mask M --pfec-match V]\n"
	  "       vmxscope [--json] untrap mem --phys|--kaddr|--symbol ... [--read] [--write] [--exec]\n"
	  "       vmxscope [--json] untrap --all\n"
	  "\n"
	  "Removes persistent traps; the arguments are those of 'vmxscope trap'.\n"
	  "--all removes every trap the module owns (VMXSCOPE_CLEAR_TRAPS).\n" },
	{ "stats", cmd_stats, "exit and trap counts per CPU",
	  "usage: vmxscope [--json] stats [--cpu N] [--all]\n"
	  "       vmxscope [--json] stats --latency [--cpu N]\n"
	  "\n"
	  "Per CPU (every online CPU, or only N), the VM exits counted per basic\n"
	  "exit reason and the counts of every trapped MSR, port, vector and\n"
	  "memory range; then the memory traps in force (VMXSCOPE_GET_MEM_TRAPS):\n"
	  "id, request, guest-physical address, pages, access, kernel symbol.\n"
	  "Reasons that never occurred are left out unless --all is given\n"
	  "(--json always lists every named reason).\n"
	  "\n"
	  "--latency: instead, per CPU and exit reason, how long vmxscope took to\n"
	  "handle the exits it resumed from (VMXSCOPE_GET_LATENCY), in TSC ticks\n"
	  "from the handler's start to just before VMRESUME: the count, the\n"
	  "log2 bucket bounds of the median, the 99th percentile and the\n"
	  "maximum, and (--json) the 32 buckets: bucket 0 is 0-1 ticks, bucket\n"
	  "b is 2^b to 2^(b+1)-1, the last also everything longer.\n" },
	{ "watch", cmd_watch, "stream vmxscope's trace events",
	  "usage: vmxscope [--json] watch [--seconds N] [--event EVENT]...\n"
	  "\n"
	  "Enables the vmxscope trace events (events/vmxscope/ in tracefs), or only\n"
	  "the EVENTs given (exit, msr, io, exception, mem; vmxscope_ prefix\n"
	  "optional), and prints what trace_pipe shows until interrupted (Ctrl-C)\n"
	  "or for N seconds, then puts the events' enable state back as it was.\n"
	  "Memory events get rip_sym= and addr_sym=, their RIP and linear address\n"
	  "as kernel symbol+offset (/proc/kallsyms).\n"
	  "With --json, one document per trace line.\n"
	  "trace_pipe is consumed: run only one reader at a time.\n" },
	{ "vmcs", cmd_vmcs, "dump one CPU's VMCS, decoded",
	  "usage: vmxscope [--json] vmcs [--cpu N]\n"
	  "\n"
	  "Every VMCS field vmxscope knows (linux/vmxscope_vmcs.h), read on CPU N\n"
	  "(default 0) in VMX root mode (VMXSCOPE_GET_VMCS) at the exit of a\n"
	  "VMCALL vmxscope makes for the purpose, so the VM-exit information\n"
	  "fields describe that VMCALL.  Grouped in the six areas (guest state,\n"
	  "host state, VM-execution, VM-exit and VM-entry controls, VM-exit\n"
	  "information), each field with name, encoding, width and value, and\n"
	  "bit fields decoded: segment access rights, interruptibility and\n"
	  "activity state, control bits, the exception bitmap, CR0/CR4/EFER,\n"
	  "EPTP and event information.  Fields the CPU does not support are\n"
	  "shown as such.\n" },
	{ "names", cmd_names, "list the MSR and exception names the CLI accepts",
	  "usage: vmxscope [--json] names msr|exception\n"
	  "\n"
	  "The names 'trap' and 'untrap' accept besides numbers, one a line:\n"
	  "msr: every MSR the CLI knows by name, with its number (the IA32_\n"
	  "prefix may be left out when typing one, case does not matter);\n"
	  "exception: the vectors' mnemonics, with their numbers.\n"
	  "Shell completion reads these lists.  Works without the module.\n" },
};

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(name, verbs[i].name))
			return &verbs[i];
	return NULL;
}

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vmxscope [--json] <command> [args]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\noptions:\n"
		"  --json      machine-readable output (JSON, one document per line)\n"
		"  -h, --help  this text; 'vmxscope <command> --help' for a command\n"
		"  --version   the release of this CLI and the ABI version it speaks\n"
		"\nexit status: 0 ok, 1 the request failed, 2 usage error\n");
}

/* --help of @verb on stdout; exit status 0. */
int verb_help(const char *verb)
{
	const struct verb *v = find_verb(verb);

	if (v)
		fputs(v->usage, stdout);
	return EXIT_SUCCESS;
}

/* A usage error of @verb: the message and a pointer to --help; status 2. */
int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmxscope: %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vmxscope %s --help'.\n", verb);
	return EXIT_USAGE;
}

/*
 * getopt_long() for a verb's own options (set optind = 0 before the first
 * call).  --json is accepted anywhere and handled here; a bad option is
 * reported and returned as '?'.
 */
int getopt_verb(const char *verb, int argc, char **argv, const char *shortopts,
		const struct option *longopts)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) == 'j')
		json = true;
	if (c == '?' || c == ':')
		usage_error(verb, "bad option or missing argument: '%s'",
			    argv[optind - 1]);
	return c == ':' ? '?' : c;
}

static const char *generic_hint(int err)
{
	switch (err) {
	case EPERM:
		return "vmxscope needs root (CAP_SYS_ADMIN)";
	case EACCES:
		return VMXSCOPE_DEVICE " is root-only (mode 0600): run as root";
	case ENOENT:
		return "is the module loaded? (modprobe vmxscope, or insmod vmxscope.ko)";
	case EBUSY:
		return "a conflicting setting is in force ('vmxscope stats' shows the traps)";
	case ERANGE:
		return "a value is outside what the module accepts (see the command's --help)";
	case EINVAL:
		return "the module rejected the arguments (see the command's --help)";
	case ENOTTY:
		return "the module does not know this command: is it older than this CLI? ('vmxscope status')";
	case EOPNOTSUPP:
		return "not supported by this module or CPU ('vmxscope status' lists the caps)";
	default:
		return NULL;
	}
}

/*
 * A failed request: "vmxscope: WHAT: strerror" and a hint (from @hints,
 * terminated by { 0 }, else a generic one) on stderr; with --json also a
 * {"ok": false, ...} document on stdout.  Returns exit status 1.
 */
int fail(const char *what, int err, const struct hint *hints)
{
	const char *hint = NULL;

	for (; hints && hints->err; hints++)
		if (hints->err == err) {
			hint = hints->text;
			break;
		}
	if (!hint)
		hint = generic_hint(err);
	fprintf(stderr, "vmxscope: %s: %s\n", what, strerror(err));
	if (hint)
		fprintf(stderr, "vmxscope: hint: %s\n", hint);
	if (json) {
		json_open(NULL, '{');
		json_bool("ok", false);
		json_str("request", what);
		json_int("errno", err);
		json_str("errno_name", strerrorname_np(err));
		json_str("error", strerror(err));
		json_str("hint", hint);
		json_close('}');
	}
	return EXIT_REQUEST;
}

/* /dev/vmxscope, or -1 after reporting why not. */
int open_dev(void)
{
	int fd = open(VMXSCOPE_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail(VMXSCOPE_DEVICE, errno, NULL);
	return fd;
}

/* VMXSCOPE_GET_INFO into @info: 0, or -errno (not reported). */
int get_info(int fd, void *info)
{
	memset(info, 0, sizeof(struct vmxscope_info));
	return ioctl(fd, VMXSCOPE_GET_INFO, info) ? -errno : 0;
}

/* names: the lists of msrs.h and of the exception mnemonics. */
int cmd_names(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTIONS, { } };
	unsigned int i;
	bool msr;
	int c;

	optind = 0;
	while ((c = getopt_verb("names", argc, argv, "h", opts)) != -1) {
		if (c == 'h')
			return verb_help("names");
		return EXIT_USAGE;
	}
	if (optind + 1 != argc)
		return usage_error("names", "name one list: msr or exception");
	msr = !strcmp(argv[optind], "msr");
	if (!msr && strcmp(argv[optind], "exception"))
		return usage_error("names", "no list '%s' (msr, exception)", argv[optind]);
	if (json)
		json_open(NULL, '[');
	for (i = 0; i < (msr ? nr_msr_names : 32); i++) {
		const char *name = msr ? msr_names[i].name : vector_name(i);
		unsigned int nr = msr ? msr_names[i].nr : i;

		if (!name || (!msr && nr == VECTOR_NMI))
			continue;
		if (json) {
			json_open(NULL, '{');
			json_str("name", name);
			json_u64(msr ? "msr" : "vector", nr);
			json_close('}');
		} else {
			printf(msr ? "%-30s %#x\n" : "%-30s %u\n", name, nr);
		}
	}
	if (json)
		json_close(']');
	return EXIT_SUCCESS;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTIONS, { } };
	struct vmxscope_info info;
	unsigned int bit;
	int fd, c, ret;

	optind = 0;
	while ((c = getopt_verb("status", argc, argv, "h", opts)) != -1) {
		if (c == 'h')
			return verb_help("status");
		return EXIT_USAGE;
	}
	if (optind < argc)
		return usage_error("status", "unexpected argument '%s'", argv[optind]);

	fd = open_dev();
	if (fd < 0)
		return EXIT_REQUEST;
	ret = get_info(fd, &info);
	close(fd);
	if (ret)
		return fail("VMXSCOPE_GET_INFO", -ret, NULL);

	if (json) {
		json_open(NULL, '{');
		json_bool("ok", true);
		json_u64("abi_version", info.abi_version);
		json_u64("cli_abi_version", VMXSCOPE_ABI_VERSION);
		json_u64("cpus_online", info.nr_cpus_online);
		json_u64("cpus_virtualized", info.nr_cpus_virt);
		json_u64("nr_exit_reasons", info.nr_exit_reasons);
		json_u64("caps_value", info.caps);
		json_open("caps", '[');
	} else {
		printf("abi version:      %u%s\n", info.abi_version,
		       info.abi_version == VMXSCOPE_ABI_VERSION ? "" :
		       " (this CLI speaks another: rebuild one of them)");
		printf("cpus online:      %u\n", info.nr_cpus_online);
		printf("cpus virtualized: %u\n", info.nr_cpus_virt);
		printf("exit reasons:     %u\n", info.nr_exit_reasons);
		printf("caps:             %#llx", (unsigned long long)info.caps);
	}
	for (bit = 0; bit < 64; bit++) {
		const struct bit_name *n = bit_lookup(&names_info_caps, bit);
		char other[16];

		if (!(info.caps & (1ULL << bit)))
			continue;
		snprintf(other, sizeof(other), "bit%u", bit);
		if (json)
			json_str(NULL, n ? n->name : other);
		else
			printf(" %s", n ? n->name : other);
	}
	if (json) {
		json_close(']');
		json_close('}');
	} else {
		putchar('\n');
	}
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	const struct verb *v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("vmxscope %s (ABI %u)\n", VMXSCOPE_VERSION,
			       VMXSCOPE_ABI_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "vmxscope: bad option '%s'\n", argv[optind - 1]);
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	v = find_verb(argv[optind]);
	if (!v) {
		fprintf(stderr, "vmxscope: unknown command '%s'\n", argv[optind]);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	return v->fn(argc - optind, argv + optind);
}
