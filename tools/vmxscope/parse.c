// SPDX-License-Identifier: GPL-2.0
/*
 * Pure parsing of the CLI's arguments and of tracefs lines: no I/O, so
 * the host unit tests (tools/testing/unit/cli_test.c) link it directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* A decimal, 0x-hex or 0-octal number that fits 64 bits: 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

/* The same that fits 32 bits. */
int parse_u32(const char *s, uint32_t *val)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

/* A number, or with @names an MSR name too: 0 or -EINVAL. */
static int parse_one(const char *s, bool names, uint32_t *val)
{
	if (!parse_u32(s, val))
		return 0;
	return names ? msr_by_name(s, val) : -EINVAL;
}

static int parse_range_of(const char *s, bool names, uint32_t max,
			  uint32_t *first, uint32_t *last)
{
	const char *dash = strchr(s, '-');
	char buf[64];
	size_t len;

	if (!dash) {
		if (parse_one(s, names, first) || *first > max)
			return -EINVAL;
		*last = *first;
		return 0;
	}
	len = dash - s;
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_one(buf, names, first) || parse_one(dash + 1, names, last))
		return -EINVAL;
	if (*first > *last || *last > max)
		return -EINVAL;
	return 0;
}

/*
 * "FIRST" or "FIRST-LAST" (inclusive), both at most @max and in order:
 * 0 or -EINVAL.
 */
int parse_range(const char *s, uint32_t max, uint32_t *first, uint32_t *last)
{
	return parse_range_of(s, false, max, first, last);
}

/* An MSR range whose ends are numbers or names of msrs.h ("LSTAR"). */
int parse_msr_range(const char *s, uint32_t *first, uint32_t *last)
{
	return parse_range_of(s, true, UINT32_MAX, first, last);
}

/*
 * An exception vector by number (0-31) or mnemonic ("GP", "#gp"; "XF" is
 * accepted for XM): the vector, or -EINVAL.  NMI (2) is returned as such;
 * refusing it is the caller's business.
 */
int parse_vector(const char *s)
{
	unsigned int v;
	uint32_t n;

	if (!parse_u32(s, &n))
		return n < 32 ? (int)n : -EINVAL;
	if (*s == '#')
		s++;
	if (!strcasecmp(s, "XF"))
		return 19;
	for (v = 0; v < 32; v++)
		if (vector_name(v) && !strcasecmp(s, vector_name(v)))
			return v;
	return -EINVAL;
}

/*
 * A sysfs CPU list ("0-3,5\n") into @cpus: how many (at most @max), or
 * -EINVAL.
 */
int parse_cpu_list(const char *s, int *cpus, int max)
{
	int n = 0;

	while (*s && *s != '\n') {
		unsigned long a, b;
		char *end;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			b = strtoul(s, &end, 10);
		}
		if (b < a || b > 1U << 20)
			return -EINVAL;
		for (; a <= b; a++) {
			if (n >= max)
				return -EINVAL;
			cpus[n++] = a;
		}
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return n;
}

static int copy_token(char *dst, size_t size, const char *s, size_t len)
{
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool is_timestamp(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	return true;
}

/*
 * One line of trace_pipe in ftrace's default format:
 *
 *   "   comm-PID     [CPU] FLAGS  SECS.USECS: EVENT: FIELDS"
 *
 * FLAGS (irq-info) may be absent; comm may contain spaces and dashes, the
 * PID follows the last dash.  0 or -EINVAL.
 */
int parse_trace_line(const char *line, struct trace_line *t)
{
	const char *s, *open, *dash, *end, *tok;
	char *num_end;

	memset(t, 0, sizeof(*t));
	s = skip_spaces(line);
	open = strstr(s, " [");
	if (!open)
		return -EINVAL;
	end = open;
	while (end > s && end[-1] == ' ')
		end--;
	for (dash = end - 1; dash > s && *dash != '-'; dash--)
		;
	if (dash <= s || copy_token(t->task, sizeof(t->task), s, dash - s))
		return -EINVAL;
	t->pid = strtol(dash + 1, &num_end, 10);
	if (num_end != end)
		return -EINVAL;

	s = open + 2;
	t->cpu = strtol(s, &num_end, 10);
	if (num_end == s || *num_end != ']')
		return -EINVAL;
	s = skip_spaces(num_end + 1);

	/* FLAGS, if the next token is not already the timestamp. */
	end = strchr(s, ' ');
	if (!end)
		return -EINVAL;
	if (!(end[-1] == ':' && is_timestamp(s, end - s - 1))) {
		if (copy_token(t->flags, sizeof(t->flags), s, end - s))
			return -EINVAL;
		s = skip_spaces(end);
		end = strchr(s, ' ');
		if (!end || end[-1] != ':' || !is_timestamp(s, end - s - 1))
			return -EINVAL;
	}
	if (copy_token(t->timestamp, sizeof(t->timestamp), s, end - s - 1))
		return -EINVAL;

	tok = skip_spaces(end);
	end = strchr(tok, ':');
	if (!end || copy_token(t->event, sizeof(t->event), tok, end - tok) ||
	    strchr(t->event, ' '))
		return -EINVAL;
	t->fields = skip_spaces(end + 1);
	return 0;
}

/*
 * A memory span: "A" (one byte), "A-B" (B inclusive) or "A+LEN"; with
 * @sym, "NAME" or "NAME+LEN" (NAME returned in @sym, *@addr left alone).  *@len 0 means no length
 * was given.  0 or -EINVAL.
 */
int parse_mem_span(const char *s, char *sym, size_t symsize, uint64_t *addr,
		   uint64_t *len)
{
	const char *op = s + strcspn(s, sym ? "+" : "+-");
	char head[128];
	uint64_t v;
	size_t n = op - s;

	if (!n || n >= sizeof(head))
		return -EINVAL;
	memcpy(head, s, n);
	head[n] = '\0';
	*len = 0;
	if (sym) {
		if (n >= symsize)
			return -EINVAL;
		strcpy(sym, head);
	} else if (parse_u64(head, addr)) {
		return -EINVAL;
	}
	if (!*op)
		return 0;
	if (parse_u64(op + 1, &v))
		return -EINVAL;
	if (*op == '+') {
		*len = v;
		return v ? 0 : -EINVAL;
	}
	if (sym || v < *addr)
		return -EINVAL;
	*len = v - *addr + 1;
	return *len ? 0 : -EINVAL;
}
