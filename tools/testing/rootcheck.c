// SPDX-License-Identifier: GPL-2.0
/*
 * rootcheck: proves, from the module's object files, that code placed in
 * VMX root mode's sections reaches no code outside them.
 *
 *   rootcheck FILE.o...
 *
 * Root mode runs on VPID-0 translations that Linux does not invalidate
 * while it is a guest (Documentation/design.rst, "Root mode runs no Linux
 * code"), so root's code is kept in .vmxscope.root.text (the __root
 * attribute) and its tables of code pointers in .vmxscope.root.rodata.
 * Every relocation in those sections must name root code, data, or one
 * of the stateless kernel routines in allowed[]; no WARN/BUG or Linux
 * exception-table entry may point into root code (Linux's handlers would
 * run in root).  Indirect calls are only checked through the tables.
 * Prints one line per violation and "rootcheck: N objects, N violations".
 */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define ROOT_TEXT	".vmxscope.root.text"
#define ROOT_RODATA	".vmxscope.root.rodata"

/*
 * Kernel code root may call: compiler-emitted thunks and string routines
 * that touch only their arguments and live in the kernel image, and the
 * stack protector's failure path, which panics on a corrupted stack.
 */
static const char * const allowed[] = {
	"__x86_return_thunk", "__x86_indirect_thunk_", "memcpy", "memset",
	"memmove", "__stack_chk_fail",
};

/*
 * The one way out of root's code, taken with VMX off: from there on the
 * CPU is Linux's again (arch/x86/vmx/entry.S).
 */
static const char * const doors[] = { "vmxscope_gave_back" };

/* Linux's tables whose entries make Linux's handlers run for that code. */
static const char * const linux_tables[] = { "__bug_table", "__ex_table" };

struct obj {
	const char *path;
	const unsigned char *map;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const Elf64_Sym *sym;
	size_t nsym;
	const char *symstr;
};

/* Names of global functions defined in root text, or elsewhere. */
struct names {
	const char **v;
	size_t n, cap;
};

static struct names root_funcs, other_funcs;

static void names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			perror("rootcheck");
			exit(2);
		}
	}
	s->v[s->n++] = name;
}

static bool names_has(const struct names *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

static const char *sec_name(const struct obj *o, unsigned int idx)
{
	const Elf64_Shdr *strs = &o->sh[o->eh->e_shstrndx];

	if (idx >= o->eh->e_shnum)
		return "?";
	return (const char *)o->map + strs->sh_offset + o->sh[idx].sh_name;
}

static bool is_root_sec(const char *name)
{
	return !strcmp(name, ROOT_TEXT) || !strcmp(name, ROOT_RODATA);
}

static bool is_code_sec(const struct obj *o, unsigned int idx)
{
	return idx > 0 && idx < o->eh->e_shnum &&
	       (o->sh[idx].sh_flags & SHF_EXECINSTR);
}

static bool is_door(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(doors); i++)
		if (!strcmp(name, doors[i]))
			return true;
	return false;
}

static bool is_allowed(const char *name)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		n = strlen(allowed[i]);
		if (allowed[i][n - 1] == '_' ? !strncmp(name, allowed[i], n) :
		    !strcmp(name, allowed[i]))
			return true;
	}
	return false;
}

/* Maps @path and finds its symbol table; false if it is no ELF64 .o. */
static bool obj_open(struct obj *o, const char *path)
{
	struct stat st;
	unsigned int i;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	o->size = st.st_size;
	o->map = mmap(NULL, o->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (o->map == MAP_FAILED)
		return false;
	o->eh = (const Elf64_Ehdr *)o->map;
	if (memcmp(o->eh->e_ident, ELFMAG, SELFMAG) ||
	    o->eh->e_ident[EI_CLASS] != ELFCLASS64 || o->eh->e_type != ET_REL ||
	    o->eh->e_shoff + (size_t)o->eh->e_shnum * sizeof(Elf64_Shdr) > o->size)
		return false;
	o->sh = (const Elf64_Shdr *)(o->map + o->eh->e_shoff);
	for (i = 0; i < o->eh->e_shnum; i++) {
		if (o->sh[i].sh_type != SHT_SYMTAB)
			continue;
		o->sym = (const Elf64_Sym *)(o->map + o->sh[i].sh_offset);
		o->nsym = o->sh[i].sh_size / sizeof(Elf64_Sym);
		o->symstr = (const char *)o->map + o->sh[o->sh[i].sh_link].sh_offset;
	}
	return o->sym != NULL;
}

/* Pass 1: which global functions of the module are root code. */
static void obj_collect(const struct obj *o)
{
	const Elf64_Sym *s;
	size_t i;

	for (i = 1; i < o->nsym; i++) {
		s = &o->sym[i];
		if (ELF64_ST_BIND(s->st_info) == STB_LOCAL ||
		    s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE)
			continue;
		if (!strcmp(sec_name(o, s->st_shndx), ROOT_TEXT))
			names_add(&root_funcs, o->symstr + s->st_name);
		else if (is_code_sec(o, s->st_shndx))
			names_add(&other_funcs, o->symstr + s->st_name);
	}
}

/* The symbol of section @idx that holds @off, for messages. */
static const Elf64_Sym *sym_at(const struct obj *o, unsigned int idx,
			       Elf64_Sxword off)
{
	const Elf64_Sym *s;
	size_t i;

	for (i = 1; i < o->nsym; i++) {
		s = &o->sym[i];
		if (s->st_shndx == idx && s->st_name &&
		    ELF64_ST_TYPE(s->st_info) != STT_SECTION &&
		    off >= (Elf64_Sxword)s->st_value &&
		    off < (Elf64_Sxword)(s->st_value + s->st_size))
			return s;
	}
	return NULL;
}

static const char *func_at(const struct obj *o, unsigned int idx, Elf64_Sxword off)
{
	const Elf64_Sym *s = sym_at(o, idx, off);

	return s ? o->symstr + s->st_name : sec_name(o, idx);
}

/* "function+offset" of a place in section @idx. */
static const char *place(const struct obj *o, unsigned int idx, Elf64_Sxword off)
{
	static char buf[256];
	const Elf64_Sym *s = sym_at(o, idx, off);

	snprintf(buf, sizeof(buf), "%s+%#llx", s ? o->symstr + s->st_name :
		 sec_name(o, idx),
		 (unsigned long long)(off - (s ? (Elf64_Sxword)s->st_value : 0)));
	return buf;
}

/*
 * Why relocation @r, made in a root section, is not allowed; NULL if it
 * is.  @what receives the name of the target.
 */
static const char *check_target(const struct obj *o, const Elf64_Rela *r,
				const char **what)
{
	const Elf64_Sym *s = &o->sym[ELF64_R_SYM(r->r_info)];
	unsigned int type = ELF64_R_TYPE(r->r_info);
	const char *name = o->symstr + s->st_name;

	*what = name;
	if (is_door(name))
		return NULL;
	if (s->st_shndx != SHN_UNDEF && s->st_shndx < SHN_LORESERVE) {
		/* Defined here: code must be root code, data is fine. */
		if (ELF64_ST_TYPE(s->st_info) == STT_SECTION) {
			*what = func_at(o, s->st_shndx, r->r_addend +
					(type == R_X86_64_PLT32 ||
					 type == R_X86_64_PC32 ? 4 : 0));
		}
		if (!is_code_sec(o, s->st_shndx) ||
		    is_root_sec(sec_name(o, s->st_shndx)))
			return NULL;
		return "code outside root";
	}
	if (names_has(&root_funcs, name) || is_allowed(name))
		return NULL;
	if (names_has(&other_funcs, name))
		return "vmxscope code outside root";
	/* The kernel's: a call or jump is Linux code, other uses are data. */
	if (type == R_X86_64_PLT32)
		return "Linux code";
	return NULL;
}

/* Pass 2: prints each violation of @o; returns their number. */
static int obj_check(const struct obj *o)
{
	const Elf64_Sym *last = NULL;
	const Elf64_Shdr *rs;
	const Elf64_Rela *r;
	const char *from, *why, *what;
	unsigned int i, k;
	size_t j, n;
	int bad = 0;

	for (i = 0; i < o->eh->e_shnum; i++) {
		rs = &o->sh[i];
		if (rs->sh_type != SHT_RELA || rs->sh_info >= o->eh->e_shnum)
			continue;
		from = sec_name(o, rs->sh_info);
		r = (const Elf64_Rela *)(o->map + rs->sh_offset);
		n = rs->sh_size / sizeof(*r);
		for (j = 0; j < n; j++) {
			const Elf64_Sym *s = &o->sym[ELF64_R_SYM(r[j].r_info)];

			if (is_root_sec(from)) {
				why = check_target(o, &r[j], &what);
				if (!why)
					continue;
				printf("%s: %s: %s: %s\n", o->path,
				       place(o, rs->sh_info, r[j].r_offset), why, what);
				bad++;
				continue;
			}
			for (k = 0; k < ARRAY_SIZE(linux_tables); k++) {
				if (strcmp(from, linux_tables[k]) ||
				    s->st_shndx >= o->eh->e_shnum ||
				    strcmp(sec_name(o, s->st_shndx), ROOT_TEXT))
					continue;
				/* One report per function. */
				if (sym_at(o, s->st_shndx, r[j].r_addend) == last)
					continue;
				last = sym_at(o, s->st_shndx, r[j].r_addend);
				printf("%s: %s: %s entry in root code\n", o->path,
				       place(o, s->st_shndx, r[j].r_addend),
				       linux_tables[k]);
				bad++;
			}
		}
	}
	return bad;
}

#ifndef ROOTCHECK_NO_MAIN
int main(int argc, char **argv)
{
	struct obj *objs = calloc(argc, sizeof(*objs));
	int i, bad = 0;

	if (argc < 2 || !objs) {
		fprintf(stderr, "usage: rootcheck FILE.o...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!obj_open(&objs[i], argv[i])) {
			fprintf(stderr, "rootcheck: %s: not an ELF64 object with symbols\n",
				argv[i]);
			return 2;
		}
		obj_collect(&objs[i]);
	}
	for (i = 1; i < argc; i++)
		bad += obj_check(&objs[i]);
	printf("rootcheck: %d objects, %d violations\n", argc - 1, bad);
	return bad ? 1 : 0;
}
#endif
