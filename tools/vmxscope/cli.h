/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmxscope CLI internals: the verbs, the JSON writer, error reporting, and
 * the pure parsing and naming helpers (parse.c, names.c) that the host
 * unit tests link without the rest.
 */
#ifndef VMXSCOPE_CLI_H
#define VMXSCOPE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define EXIT_REQUEST	1	/* the request failed */
#define EXIT_USAGE	2	/* bad command line */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* names.c: every name table of the CLI. */
struct bit_name {
	unsigned int bit;
	const char *name;	/* the Linux macro, or a short tag */
	const char *desc;	/* the SDM's wording */
};

struct bit_table {
	const char *title;
	const struct bit_name *bits;
	unsigned int nr;
};

extern const struct bit_table names_pin, names_proc, names_proc2,
	names_exit, names_entry, names_misc, names_ept_vpid, names_cr0,
	names_cr4, names_efer, names_intr_state, names_activity,
	names_intr_type, names_vmcs_area, names_vmcs_width, names_info_caps;

struct vmcs_field_name {
	unsigned int encoding;
	const char *name;
	unsigned int area;	/* enum vmxscope_vmcs_area */
};

extern const struct vmcs_field_name vmcs_fields[];
extern const unsigned int nr_vmcs_fields;
const struct vmcs_field_name *vmcs_field(unsigned int encoding);

const struct bit_name *bit_lookup(const struct bit_table *t, unsigned int bit);
const char *exit_reason_name(unsigned int nr);
const char *vector_name(unsigned int vector);
const char *memory_type_name(unsigned int type);

struct msr_name_entry {
	uint32_t nr;
	const char *name;
};

extern const struct msr_name_entry msr_names[];
extern const unsigned int nr_msr_names;
const char *msr_name(uint32_t msr);
int msr_by_name(const char *s, uint32_t *msr);

/* decode.c: pure logic, no I/O. */
void vmcs_decode(unsigned int encoding, uint64_t value, char *buf,
		 size_t size);
unsigned int hist_percentile(const uint32_t *hist, unsigned int nr,
			     unsigned int pct);

/* parse.c: pure logic, no I/O. */
int parse_u32(const char *s, uint32_t *val);
int parse_range(const char *s, uint32_t max, uint32_t *first, uint32_t *last);
int parse_msr_range(const char *s, uint32_t *first, uint32_t *last);
int parse_vector(const char *s);
#define VECTOR_NMI	2	/* not an exception: never trapped, not listed */
int parse_cpu_list(const char *s, int *cpus, int max);
int parse_u64(const char *s, uint64_t *val);
int parse_mem_span(const char *s, char *sym, size_t symsize, uint64_t *addr,
		   uint64_t *len);

struct trace_line {
	char task[64];
	int pid;
	int cpu;
	char flags[16];
	char timestamp[32];
	char event[64];
	const char *fields;	/* points into the parsed line */
};

int parse_trace_line(const char *line, struct trace_line *t);

/* mem.c: memory traps and kernel symbols. */
int mem_trap_verb(bool untrap, uint32_t flags, const char *phys,
		  const char *kaddr, const char *symbol);
bool ksym_describe(uint64_t addr, char *buf, size_t size);

/* json.c: a streaming writer for one JSON document on stdout. */
extern bool json;

void json_open(const char *key, char bracket);
void json_close(char bracket);
void json_u64(const char *key, unsigned long long val);
void json_int(const char *key, long long val);
void json_str(const char *key, const char *val);
void json_bool(const char *key, bool val);
void json_raw(const char *key, const char *val);

/* vmxscope.c: device access, errors and usage. */
struct hint {
	int err;
	const char *text;
};

int open_dev(void);
int get_info(int fd, void *info);
int fail(const char *what, int err, const struct hint *hints);
#ifndef __printf
#define __printf(a, b)
#endif
int usage_error(const char *verb, const char *fmt, ...) __printf(2, 3);
int verb_help(const char *verb);
int getopt_verb(const char *verb, int argc, char **argv, const char *shortopts,
		const struct option *longopts);

/* In every verb's long options: --json anywhere, --help. */
#define COMMON_OPTIONS							\
	{ "json", no_argument, NULL, 'j' },				\
	{ "help", no_argument, NULL, 'h' }

/* The verbs. */
int cmd_status(int argc, char **argv);
int cmd_caps(int argc, char **argv);
int cmd_trap(int argc, char **argv);
int cmd_untrap(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_vmcs(int argc, char **argv);
int cmd_names(int argc, char **argv);

#endif /* VMXSCOPE_CLI_H */
