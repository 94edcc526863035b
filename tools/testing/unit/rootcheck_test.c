// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the root-code check (tools/testing/rootcheck.c): small
 * objects compiled here with the host's gcc, each breaking or keeping the
 * rule once.
 */
#define ROOTCHECK_NO_MAIN
#include "../rootcheck.c"
#include "unit.h"

/* Attributes of the compiled sources, as vmxscope's root.h spells them. */
#define ATTR(a)		"__attribute__((" a ")) "
#define ROOT		ATTR("section(\".vmxscope.root.text\"), noinline")
#define TABLE		ATTR("section(\".vmxscope.root.rodata\")")
#define NOINLINE	ATTR("noinline")

static char dir[64];

/* Compiles @src into @name.o; the path, or NULL. */
static const char *compile(const char *name, const char *src)
{
	static char paths[8][256];
	static unsigned int n;
	char cmd[512], c[300];
	char *path = paths[n++ % 8];
	FILE *f;

	snprintf(c, sizeof(c), "%s/%s.c", dir, name);
	snprintf(path, sizeof(paths[0]), "%s/%s.o", dir, name);
	f = fopen(c, "w");
	if (!f)
		return NULL;
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O2 -fno-pie -mcmodel=kernel -c -o %s %s", path, c);
	return system(cmd) ? NULL : path;
}

/* Violations found over @n objects (each also printed). */
static int check(const char **paths, int n)
{
	struct obj objs[8];
	int i, bad = 0;

	root_funcs.n = 0;
	other_funcs.n = 0;
	for (i = 0; i < n; i++) {
		if (!paths[i] || !obj_open(&objs[i], paths[i]))
			return -1;
		obj_collect(&objs[i]);
	}
	for (i = 0; i < n; i++)
		bad += obj_check(&objs[i]);
	return bad;
}

static int check1(const char *name, const char *src)
{
	const char *p = compile(name, src);

	return check(&p, 1);
}

static void test_root_calling_root_and_memcpy_passes(void)
{
	const char *p[2] = {
		compile("a", ROOT "int leaf(int x) { return x + 1; }\n"),
		compile("b", "#include <string.h>\nint leaf(int);\n"
			ROOT "int entry(char *d, const char *s, unsigned long n)\n"
			"{ memcpy(d, s, n); return leaf(n); }\n"),
	};

	EXPECT_EQ(0, check(p, 2));
}

static void test_root_calling_linux_fails(void)
{
	EXPECT_EQ(1, check1("c", "int printk(const char *, ...);\n"
			    ROOT "void entry(void) { printk(\"x\"); }\n"));
}

static void test_root_calling_own_non_root_code_fails(void)
{
	const char *p[2] = {
		compile("d", NOINLINE "int glue(int x) { return x * 3; }\n"),
		compile("e", "int glue(int);\n" ROOT "int entry(int x) { return glue(x); }\n"),
	};

	EXPECT_EQ(1, check(p, 2));
}

static void test_static_helper_outside_root_fails(void)
{
	EXPECT_EQ(1, check1("f", NOINLINE "static int helper(int x)\n"
			    "{ asm volatile(\"\" : \"+r\"(x)); return x; }\n"
			    ROOT "int entry(int x) { return helper(x) + 1; }\n"));
}

static void test_root_table_entries_must_be_root(void)
{
	EXPECT_EQ(0, check1("g", ROOT "static int h1(void) { return 1; }\n"
			    "typedef int (*fn)(void);\n"
			    "const fn ok[] " TABLE "= { h1 };\n"));
	EXPECT_EQ(1, check1("h", ROOT "static int h1(void) { return 1; }\n"
			    "static int h2(void) { return 2; }\n"
			    "typedef int (*fn)(void);\n"
			    "const fn bad[] " TABLE "= { h1, h2 };\n"));
}

static void test_door_is_the_way_out(void)
{
	EXPECT_EQ(0, check1("i", "void vmxscope_gave_back(void) { }\n"
			    ROOT "void entry(void) { vmxscope_gave_back(); }\n"));
}

static void test_linux_fixup_in_root_fails(void)
{
	EXPECT_EQ(1, check1("j", ROOT "void entry(void)\n"
			    "{ asm volatile(\"1: rdmsr\\n.pushsection __ex_table, \\\"a\\\"\\n"
			    ".long 1b - .\\n.long 1b - .\\n.popsection\"); }\n"));
}

int main(void)
{
	char cmd[96];

	strcpy(dir, "/tmp/rootcheck-test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_root_calling_root_and_memcpy_passes);
	RUN(test_root_calling_linux_fails);
	RUN(test_root_calling_own_non_root_code_fails);
	RUN(test_static_helper_outside_root_fails);
	RUN(test_root_table_entries_must_be_root);
	RUN(test_door_is_the_way_out);
	RUN(test_linux_fixup_in_root_fails);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return unit_done();
}
