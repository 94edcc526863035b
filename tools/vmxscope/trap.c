// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope trap / untrap: MSR, I/O port and exception traps; memory
 * traps are mem.c's.
 *
 * The CLI's file descriptor is closed when it exits, so the traps it sets
 * are made the module's with VMXSCOPE_TRAP_PERSIST: they hold until
 * 'vmxscope untrap' with the same arguments, 'vmxscope untrap --all'
 * (VMXSCOPE_CLEAR_TRAPS with PERSIST) or unload.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>

#include "cli.h"

enum trap_kind { KIND_MSR, KIND_IO, KIND_EXC, KIND_ALL };

struct trap_req {
	bool untrap;
	enum trap_kind kind;
	uint32_t first, last;	/* MSRs, ports */
	uint32_t flags;		/* VMXSCOPE_TRAP_READ/WRITE */
	int vector;
	bool pfec;
	uint32_t pfec_mask, pfec_match;
};

static const char * const kind_names[] = {
	[KIND_MSR] = "msr", [KIND_IO] = "io", [KIND_EXC] = "exception",
	[KIND_ALL] = "all",
};

static const struct hint msr_hints[] = {
	{ ERANGE, "only MSRs 0-0x1fff and 0xc0000000-0xc0001fff can be chosen (others always exit), a range within one of them" },
	{ EOPNOTSUPP, "this module cannot trap MSRs (no msr_traps in 'vmxscope status')" },
	{ }
};

static const struct hint io_hints[] = {
	{ EINVAL, "ports are 0-0xffff and FIRST <= LAST" },
	{ EOPNOTSUPP, "this module cannot trap I/O ports (no io_traps in 'vmxscope status')" },
	{ }
};

static const struct hint exc_hints[] = {
	{ EBUSY, "all #PF traps share one --pfec-mask/--pfec-match pair: use the pair in force, or untrap that #PF trap first" },
	{ EINVAL, "vectors are 0-31 except 2 (NMI); --pfec-* only with PF" },
	{ EOPNOTSUPP, "this module cannot trap exceptions (no exc_traps in 'vmxscope status')" },
	{ }
};

static const struct hint untrap_hints[] = {
	{ ENOENT, "no such trap: untrap takes the arguments the trap was set with ('vmxscope stats' lists trapped ids)" },
	{ }
};

static void describe(const struct trap_req *r, char *buf, size_t size)
{
	const char *dir = "";

	if (r->kind == KIND_MSR || r->kind == KIND_IO) {
		if (r->flags == (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE))
			dir = r->kind == KIND_MSR ? "read, write" : "in, out";
		else if (r->flags & VMXSCOPE_TRAP_READ)
			dir = r->kind == KIND_MSR ? "read" : "in";
		else
			dir = r->kind == KIND_MSR ? "write" : "out";
	}
	switch (r->kind) {
	case KIND_MSR:
	case KIND_IO:
		if (r->first == r->last)
			snprintf(buf, size, "%s %#x (%s)", r->kind == KIND_MSR ?
				 "MSR" : "port", r->first, dir);
		else
			snprintf(buf, size, "%s %#x-%#x (%s)", r->kind == KIND_MSR ?
				 "MSRs" : "ports", r->first, r->last, dir);
		break;
	case KIND_EXC:
		snprintf(buf, size, "exception %d (#%s)", r->vector,
			 vector_name(r->vector) ? vector_name(r->vector) : "reserved");
		if (r->pfec)
			snprintf(buf + strlen(buf), size - strlen(buf),
				 " with (error & %#x) == %#x", r->pfec_mask,
				 r->pfec_match);
		break;
	case KIND_ALL:
		snprintf(buf, size, "every trap the module owns");
		break;
	}
}

static int do_request(const struct trap_req *r)
{
	const char *verb = r->untrap ? "untrap" : "trap";
	const struct hint *hints = NULL;
	char what[128], desc[96];
	int fd, ret = 0;

	describe(r, desc, sizeof(desc));
	fd = open_dev();
	if (fd < 0)
		return EXIT_REQUEST;

	if (r->kind == KIND_MSR) {
		struct vmxscope_msr_trap t = {
			.first = r->first, .last = r->last,
			.flags = r->flags | VMXSCOPE_TRAP_PERSIST,
		};

		hints = msr_hints;
		ret = ioctl(fd, r->untrap ? VMXSCOPE_UNTRAP_MSR : VMXSCOPE_TRAP_MSR, &t);
	} else if (r->kind == KIND_IO) {
		struct vmxscope_io_trap t = {
			.first = r->first, .last = r->last,
			.flags = r->flags | VMXSCOPE_TRAP_PERSIST,
		};

		hints = io_hints;
		ret = ioctl(fd, r->untrap ? VMXSCOPE_UNTRAP_IO : VMXSCOPE_TRAP_IO, &t);
	} else if (r->kind == KIND_EXC) {
		struct vmxscope_exc_trap t = {
			.vector = r->vector, .flags = VMXSCOPE_TRAP_PERSIST,
			.pfec_mask = r->pfec_mask, .pfec_match = r->pfec_match,
		};

		hints = exc_hints;
		ret = ioctl(fd, r->untrap ? VMXSCOPE_UNTRAP_EXC : VMXSCOPE_TRAP_EXC, &t);
	} else {
		struct vmxscope_clear_traps t = { .flags = VMXSCOPE_TRAP_PERSIST };

		ret = ioctl(fd, VMXSCOPE_CLEAR_TRAPS, &t);
	}
	if (ret) {
		int err = errno;

		close(fd);
		snprintf(what, sizeof(what), "%s %s", verb, desc);
		if (r->untrap && err == ENOENT)
			hints = untrap_hints;
		return fail(what, err, hints);
	}
	close(fd);

	if (!json) {
		printf("%s %s%s\n", r->untrap ? "untrapped" : "trapped", desc,
		       r->untrap ? "" : ", persistent until 'vmxscope untrap'");
		return EXIT_SUCCESS;
	}
	json_open(NULL, '{');
	json_bool("ok", true);
	json_str("action", verb);
	json_str("kind", kind_names[r->kind]);
	if (r->kind == KIND_MSR || r->kind == KIND_IO) {
		json_u64("first", r->first);
		json_u64("last", r->last);
		json_bool(r->kind == KIND_MSR ? "read" : "in",
			  r->flags & VMXSCOPE_TRAP_READ);
		json_bool(r->kind == KIND_MSR ? "write" : "out",
			  r->flags & VMXSCOPE_TRAP_WRITE);
	} else if (r->kind == KIND_EXC) {
		json_u64("vector", r->vector);
		json_str("name", vector_name(r->vector));
		json_u64("pfec_mask", r->pfec_mask);
		json_u64("pfec_match", r->pfec_match);
	}
	json_bool("persist", true);
	json_close('}');
	return EXIT_SUCCESS;
}

enum { OPT_PFEC_MASK = 256, OPT_PFEC_MATCH, OPT_PHYS, OPT_KADDR, OPT_SYMBOL };

static int trap_verb(bool untrap, int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "read", no_argument, NULL, 'r' },
		{ "write", no_argument, NULL, 'w' },
		{ "in", no_argument, NULL, 'i' },
		{ "out", no_argument, NULL, 'o' },
		{ "pfec-mask", required_argument, NULL, OPT_PFEC_MASK },
		{ "pfec-match", required_argument, NULL, OPT_PFEC_MATCH },
		{ "all", no_argument, NULL, 'a' },
		{ "exec", no_argument, NULL, 'x' },
		{ "phys", required_argument, NULL, OPT_PHYS },
		{ "kaddr", required_argument, NULL, OPT_KADDR },
		{ "symbol", required_argument, NULL, OPT_SYMBOL },
		{ }
	};
	const char *phys = NULL, *kaddr = NULL, *symbol = NULL;
	bool exec = false;
	const char *verb = untrap ? "untrap" : "trap";
	struct trap_req r = { .untrap = untrap };
	bool msr_dir = false, io_dir = false, all = false;
	const char *what, *arg;
	int c;

	optind = 0;
	while ((c = getopt_verb(verb, argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h':
			return verb_help(verb);
		case 'r':
		case 'w':
			msr_dir = true;
			r.flags |= c == 'r' ? VMXSCOPE_TRAP_READ : VMXSCOPE_TRAP_WRITE;
			break;
		case 'i':
		case 'o':
			io_dir = true;
			r.flags |= c == 'i' ? VMXSCOPE_TRAP_READ : VMXSCOPE_TRAP_WRITE;
			break;
		case OPT_PFEC_MASK:
		case OPT_PFEC_MATCH:
			if (parse_u32(optarg, c == OPT_PFEC_MASK ? &r.pfec_mask :
				      &r.pfec_match))
				return usage_error(verb, "bad number '%s'", optarg);
			r.pfec = true;
			break;
		case 'a':
			all = true;
			break;
		case 'x':
			exec = true;
			break;
		case OPT_PHYS:
			phys = optarg;
			break;
		case OPT_KADDR:
			kaddr = optarg;
			break;
		case OPT_SYMBOL:
			symbol = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}

	if (all) {
		if (!untrap)
			return usage_error(verb, "--all is an option of untrap");
		if (optind < argc || r.flags || r.pfec)
			return usage_error(verb, "--all takes no other arguments");
		r.kind = KIND_ALL;
		return do_request(&r);
	}
	if (optind >= argc)
		return usage_error(verb, "what to %s: msr, io, exception or mem?", verb);
	what = argv[optind++];
	if (!strcmp(what, "mem")) {
		if (optind < argc)
			return usage_error(verb, "unexpected argument '%s'", argv[optind]);
		if (io_dir || r.pfec)
			return usage_error(verb, "mem takes --read, --write and --exec only");
		return mem_trap_verb(untrap, r.flags | (exec ? VMXSCOPE_TRAP_EXEC : 0),
				     phys, kaddr, symbol);
	}
	if (exec || phys || kaddr || symbol)
		return usage_error(verb, "--exec, --phys, --kaddr and --symbol are for mem");
	if (optind >= argc)
		return usage_error(verb, "%s: missing %s", what,
				   !strcmp(what, "exception") ? "VEC" : "FIRST[-LAST]");
	arg = argv[optind++];
	if (optind < argc)
		return usage_error(verb, "unexpected argument '%s'", argv[optind]);

	if (!strcmp(what, "msr")) {
		r.kind = KIND_MSR;
		if (io_dir || r.pfec)
			return usage_error(verb, "msr takes --read and --write only");
		if (parse_msr_range(arg, &r.first, &r.last))
			return usage_error(verb,
					   "bad MSR range '%s' (FIRST[-LAST], numbers or names, FIRST <= LAST)",
					   arg);
	} else if (!strcmp(what, "io")) {
		r.kind = KIND_IO;
		if (msr_dir || r.pfec)
			return usage_error(verb, "io takes --in and --out only");
		if (parse_range(arg, 0xffff, &r.first, &r.last))
			return usage_error(verb, "bad port range '%s' (PORT[-LAST], 0-0xffff)",
					   arg);
	} else if (!strcmp(what, "exception")) {
		r.kind = KIND_EXC;
		if (msr_dir || io_dir)
			return usage_error(verb, "exception takes no direction");
		r.vector = parse_vector(arg);
		if (r.vector < 0)
			return usage_error(verb, "bad vector '%s': 0-31 or a name such as GP or PF",
					   arg);
		if (r.vector == VECTOR_NMI)
			return usage_error(verb, "NMI (vector 2) is not an exception and cannot be trapped; NMIs always reach the kernel");
		if (r.pfec && r.vector != 14)
			return usage_error(verb, "--pfec-mask/--pfec-match apply to PF (14) only");
		if (r.pfec && (r.pfec_match & ~r.pfec_mask))
			return usage_error(verb, "--pfec-match %#x has bits outside --pfec-mask %#x: no fault would match",
					   r.pfec_match, r.pfec_mask);
	} else {
		return usage_error(verb, "unknown kind '%s': msr, io, exception or mem", what);
	}
	if (!r.flags)
		r.flags = VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE;
	return do_request(&r);
}

int cmd_trap(int argc, char **argv)
{
	return trap_verb(false, argc, argv);
}

int cmd_untrap(int argc, char **argv)
{
	return trap_verb(true, argc, argv);
}
