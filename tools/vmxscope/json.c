// SPDX-License-Identifier: GPL-2.0
/*
 * A streaming JSON writer: one document per json_open(NULL, ...) ..
 * json_close() at depth 0, printed on one line of stdout.
 */
#include <stdio.h>

#include "cli.h"

bool json;

#define JSON_MAX_DEPTH	16

static int depth;
static bool need_comma[JSON_MAX_DEPTH];

static void put_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The comma and "key": before a value; @key is NULL inside arrays. */
static void member(const char *key)
{
	bool *comma = depth > 0 && depth <= JSON_MAX_DEPTH ?
		      &need_comma[depth - 1] : NULL;

	if (comma && *comma)
		fputs(", ", stdout);
	if (comma)
		*comma = true;
	if (key) {
		put_string(key);
		fputs(": ", stdout);
	}
}

void json_open(const char *key, char bracket)
{
	member(key);
	putchar(bracket);
	if (depth < JSON_MAX_DEPTH)
		need_comma[depth] = false;
	depth++;
}

void json_close(char bracket)
{
	putchar(bracket);
	if (--depth == 0) {
		putchar('\n');
		fflush(stdout);
	}
}

void json_u64(const char *key, unsigned long long val)
{
	member(key);
	printf("%llu", val);
}

void json_int(const char *key, long long val)
{
	member(key);
	printf("%lld", val);
}

void json_str(const char *key, const char *val)
{
	member(key);
	if (val)
		put_string(val);
	else
		fputs("null", stdout);
}

void json_bool(const char *key, bool val)
{
	member(key);
	fputs(val ? "true" : "false", stdout);
}

/* @val is printed as is: a number the caller has validated. */
void json_raw(const char *key, const char *val)
{
	member(key);
	fputs(val, stdout);
}
