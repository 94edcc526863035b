// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope vmcs: one CPU's VMCS as the module read it in root mode
 * (VMXSCOPE_GET_VMCS), grouped in the six areas of the VMCS (seed 000, SDM
 * 25.3), every field with name, encoding, width, value and, for bit
 * fields, what the bits mean (decode.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxscope.h>
#include <linux/vmxscope_vmcs.h>

#include "cli.h"

static const struct hint vmcs_hints[] = {
	{ EINVAL, "no such CPU" },
	{ ENODEV, "that CPU is offline or not running under vmxscope" },
	{ }
};

/* The dump of @cpu into *@out (malloc'ed), *@nr entries; or exit status. */
static int fetch_vmcs(int fd, uint32_t cpu, struct vmxscope_vmcs_field **out,
		      uint32_t *nr)
{
	struct vmxscope_vmcs_field *f = NULL;
	struct vmxscope_vmcs_dump d;
	uint32_t cap = nr_vmcs_fields;
	char what[64];

	snprintf(what, sizeof(what), "VMXSCOPE_GET_VMCS cpu %u", cpu);
	for (;;) {
		void *p = realloc(f, cap * sizeof(*f));

		if (!p) {
			free(f);
			return fail(what, ENOMEM, NULL);
		}
		f = p;
		memset(&d, 0, sizeof(d));
		d.cpu = cpu;
		d.capacity = cap;
		d.fields = (uintptr_t)f;
		if (ioctl(fd, VMXSCOPE_GET_VMCS, &d)) {
			int err = errno;

			free(f);
			return fail(what, err, vmcs_hints);
		}
		if (d.nr <= cap)
			break;
		cap = d.nr;
	}
	*out = f;
	*nr = d.nr;
	return EXIT_SUCCESS;
}

static void print_field(const struct vmxscope_vmcs_field *f, const char *name,
			const char *area)
{
	unsigned int w = VMXSCOPE_VMCS_WIDTH(f->encoding);
	const struct bit_name *wn = bit_lookup(&names_vmcs_width, w);
	bool ok = !(f->flags & VMXSCOPE_VMCS_UNSUPPORTED);
	char hex[24], dec[512], other[16];

	snprintf(other, sizeof(other), "FIELD_%04X", f->encoding);
	if (!name)
		name = other;
	/* Zero-padded to the field's width: natural width is 64 here. */
	snprintf(hex, sizeof(hex), "0x%0*llx", w == 0 ? 4 : w == 2 ? 8 : 16,
		 (unsigned long long)f->value);
	dec[0] = '\0';
	if (ok)
		vmcs_decode(f->encoding, f->value, dec, sizeof(dec));
	if (json) {
		json_open(NULL, '{');
		json_str("name", name);
		json_u64("encoding", f->encoding);
		json_str("area", area);
		json_str("width", wn->name);
		json_bool("supported", ok);
		json_str("value", ok ? hex : NULL);
		json_str("decoded", dec[0] ? dec : NULL);
		json_close('}');
		return;
	}
	printf("  %-30s 0x%04x  %-7s  %-18s  %s\n", name, f->encoding, wn->name,
	       ok ? hex : "unsupported", dec);
}

static void print_area(const struct bit_name *area,
		       const struct vmxscope_vmcs_field *f, uint32_t nr)
{
	uint32_t i;

	if (json) {
		json_open(NULL, '{');
		json_str("area", area->name);
		json_str("title", area->desc);
		json_open("fields", '[');
	} else {
		printf("\n%s\n", area->desc);
	}
	/* In the dump's order, which is the table's. */
	for (i = 0; i < nr; i++) {
		const struct vmcs_field_name *n = vmcs_field(f[i].encoding);

		if (n && n->area == area->bit)
			print_field(&f[i], n->name, area->name);
	}
	if (json) {
		json_close(']');
		json_close('}');
	}
}

/* Fields of a newer module this CLI does not know. */
static void print_unknown(const struct vmxscope_vmcs_field *f, uint32_t nr)
{
	bool any = false;
	uint32_t i;

	for (i = 0; i < nr; i++) {
		if (vmcs_field(f[i].encoding))
			continue;
		if (!any && json) {
			json_open(NULL, '{');
			json_str("area", "unknown");
			json_str("title", "fields unknown to this CLI");
			json_open("fields", '[');
		} else if (!any) {
			printf("\nfields unknown to this CLI\n");
		}
		any = true;
		print_field(&f[i], NULL, "unknown");
	}
	if (any && json) {
		json_close(']');
		json_close('}');
	}
}

int cmd_vmcs(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "cpu", required_argument, NULL, 'c' },
		{ }
	};
	struct vmxscope_vmcs_field *f = NULL;
	uint32_t cpu = 0, nr = 0, i, unsupported = 0;
	int fd, c, ret;

	optind = 0;
	while ((c = getopt_verb("vmcs", argc, argv, "hc:", opts)) != -1) {
		switch (c) {
		case 'h':
			return verb_help("vmcs");
		case 'c':
			if (parse_u32(optarg, &cpu))
				return usage_error("vmcs", "bad CPU number '%s'", optarg);
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("vmcs", "unexpected argument '%s'", argv[optind]);

	fd = open_dev();
	if (fd < 0)
		return EXIT_REQUEST;
	ret = fetch_vmcs(fd, cpu, &f, &nr);
	close(fd);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++)
		if (f[i].flags & VMXSCOPE_VMCS_UNSUPPORTED)
			unsupported++;
	if (json) {
		json_open(NULL, '{');
		json_bool("ok", true);
		json_u64("cpu", cpu);
		json_u64("nr_fields", nr);
		json_u64("nr_unsupported", unsupported);
		json_open("areas", '[');
	} else {
		printf("VMCS of CPU %u: %u fields (%u unsupported by the CPU), read in\n"
		       "VMX root mode at the exit of vmxscope's VMCALL (SDM Vol. 3C ch. 25)\n",
		       cpu, nr, unsupported);
		printf("  %-30s %-6s  %-7s  %-18s  %s\n", "field", "enc", "width",
		       "value", "decoded");
	}
	for (i = 0; i < names_vmcs_area.nr; i++)
		print_area(&names_vmcs_area.bits[i], f, nr);
	print_unknown(f, nr);
	if (json) {
		json_close(']');
		json_close('}');
	}
	free(f);
	return EXIT_SUCCESS;
}
