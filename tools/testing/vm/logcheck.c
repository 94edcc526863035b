// SPDX-License-Identifier: GPL-2.0
/*
 * logcheck: the verdict on one boot of the emulated test machine.
 *
 *   logcheck [--name NAME] [--killed WHY] [--boots N] [--no-tap]
 *            TESTS_LOG KERNEL_LOG
 *
 * TESTS_LOG is the guest's result port (TAP from selftests/run_tests.sh),
 * KERNEL_LOG its kernel console.  Besides the guest's own results it adds
 * three checks: the guest powered off by itself, the TAP plan was complete,
 * and the kernel printed no new WARN/BUG/Oops/lockup/stall after the
 * baseline marker that /init writes before the first test.  A kexec run
 * boots twice (--boots 2); each boot's /init opens its baseline with
 * VMXSCOPE-BASELINE-START, so the second kernel's boot messages are judged
 * as baseline too.  A kdump run crashes the first kernel on purpose
 * after printing VMXSCOPE-EXPECTED-CRASH: what the kernel prints from
 * there to the capture kernel's baseline is reported, not held against
 * vmxscope (the capture kernel must still boot and pass).  A run the
 * runner stopped names the program and case it was in.  Ends with
 * "NAME: P passed, F failed, S skipped"; exits 1 if anything failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define BASELINE_START	"VMXSCOPE-BASELINE-START"
#define BASELINE_MARKER	"VMXSCOPE-BASELINE-END"
#define RUN_END_MARKER	"VMXSCOPE-RUN-END"
#define BOOT_BANNER	"vmxscope-vm: booted"
#define EXPECTED_CRASH	"VMXSCOPE-EXPECTED-CRASH"

/* What a kernel prints when something went wrong. */
static const char * const bad_patterns[] = {
	"WARNING:", "BUG:", "Oops", "Kernel panic", "general protection fault",
	"invalid opcode:", "double fault", "LOCKUP", "soft lockup",
	"detected stall", "self-detected stall", "blocked for more than",
	"cut here", "Call Trace:", "UBSAN:", "KASAN:", "list_add corruption",
	"list_del corruption", "unreferenced object", "Bad page state",
	"kernel tried to execute", "unable to handle",
};

struct lc_result {
	int plan;		/* top-level "1..N", -1 if none */
	int results;		/* top-level "ok"/"not ok" lines */
	int not_ok;
	bool have_summary;
	int pass, fail, skip;	/* the guest's own summary line */
	int boots;		/* boot banners: more than expected: a reboot */
	bool run_end;
	bool marker;		/* the kernel log reached the baseline marker */
	double last_stamp;	/* the kernel's last printk timestamp */
	int baseline_bad;	/* bad lines before the marker */
	int new_bad;		/* bad lines after it */
	bool in_crash;		/* after EXPECTED_CRASH, before a new boot */
	int crash_bad;		/* bad lines of the expected crash */
	/* The program and case last started, for a run that was stopped. */
	char prog[64], test_case[128];
	bool prog_done, case_done;
};

/*
 * show_signal_msg() reports user-space faults as "traps: comm[pid] ..." or
 * "comm[pid]: segfault at ...": signals to a process, not kernel trouble.
 */
static bool user_fault_report(const char *line)
{
	return strstr(line, " traps: ") || strstr(line, "]: segfault at ");
}

bool lc_is_bad_line(const char *line)
{
	size_t i;

	if (user_fault_report(line))
		return false;
	for (i = 0; i < ARRAY_SIZE(bad_patterns); i++)
		if (strstr(line, bad_patterns[i]))
			return true;
	return false;
}

typedef void (*line_fn)(struct lc_result *r, const char *line, FILE *rep);

/* Calls @fn on each line of @text with trailing CR/LF removed. */
static void scan_lines(const char *text, line_fn fn, struct lc_result *r,
			  FILE *rep)
{
	char line[4096];
	const char *p = text, *nl;
	size_t n;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
			n--;
		line[n] = '\0';
		fn(r, line, rep);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

#define PROG_START	"# selftests: vmxscope: "
#define CASE_RUN	"# #  RUN           "

/* Where the streamed output of selftests/run_tests.sh has got to. */
static void progress_line(struct lc_result *r, const char *l)
{
	size_t n;

	if (!strncmp(l, PROG_START, strlen(PROG_START))) {
		snprintf(r->prog, sizeof(r->prog), "%s", l + strlen(PROG_START));
		r->test_case[0] = '\0';
		r->prog_done = false;
	} else if (!strncmp(l, CASE_RUN, strlen(CASE_RUN))) {
		snprintf(r->test_case, sizeof(r->test_case), "%s", l + strlen(CASE_RUN));
		n = strcspn(r->test_case, " ");
		r->test_case[n] = '\0';
		r->case_done = false;
	} else if (!strncmp(l, "# ok ", 5) || !strncmp(l, "# not ok ", 9)) {
		r->case_done = true;
	} else if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
		r->prog_done = true;	/* top level: one line per program */
	}
}

static void tests_line(struct lc_result *r, const char *l, FILE *rep)
{
	int a, b, c = 0, n;

	(void)rep;
	progress_line(r, l);
	if (!strncmp(l, BOOT_BANNER, strlen(BOOT_BANNER)))
		r->boots++;
	else if (!strncmp(l, RUN_END_MARKER, strlen(RUN_END_MARKER)))
		r->run_end = true;
	else if (sscanf(l, "1..%d%n", &a, &n) == 1 && l[n] == '\0')
		r->plan = a;
	else if (!strncmp(l, "ok ", 3))
		r->results++;
	else if (!strncmp(l, "not ok ", 7)) {
		r->results++;
		r->not_ok++;
	} else if (sscanf(l, "%d passed, %d failed, %d skipped%n", &a, &b, &c, &n) == 3 ||
		   sscanf(l, "%d passed, %d failed%n", &a, &b, &n) == 2) {
		if (l[n] == '\0') {
			r->have_summary = true;
			r->pass = a;
			r->fail = b;
			r->skip = c;
		}
	}
}

static void kernel_line(struct lc_result *r, const char *l, FILE *rep)
{
	double stamp;

	/* Time going backwards: a new kernel (kexec) is booting. */
	if (sscanf(l, "[ %lf]", &stamp) == 1) {
		if (stamp + 1.0 < r->last_stamp)
			r->marker = false;
		r->last_stamp = stamp;
	}
	/* A broken test machine, whenever it happens. */
	if (strstr(l, "Initramfs unpacking failed")) {
		r->new_bad++;
		if (rep)
			fprintf(rep, "# kernel: %s\n", l);
		return;
	}
	if (strstr(l, BASELINE_START)) {
		r->marker = false;
		r->in_crash = false;
		return;
	}
	if (strstr(l, EXPECTED_CRASH)) {
		r->in_crash = true;
		return;
	}
	if (strstr(l, BASELINE_MARKER)) {
		r->marker = true;
		return;
	}
	if (!lc_is_bad_line(l))
		return;
	if (r->in_crash) {
		r->crash_bad++;
		if (rep)
			fprintf(rep, "# expected crash (kdump): %s\n", l);
	} else if (r->marker) {
		r->new_bad++;
		if (rep)
			fprintf(rep, "# kernel: %s\n", l);
	} else {
		r->baseline_bad++;
		if (rep)
			fprintf(rep, "# baseline (stock kernel at boot): %s\n", l);
	}
}

void lc_scan(struct lc_result *r, const char *tests, const char *kernel,
	     FILE *rep)
{
	memset(r, 0, sizeof(*r));
	r->plan = -1;
	scan_lines(tests, tests_line, r, rep);
	scan_lines(kernel, kernel_line, r, rep);
}

static void check(FILE *out, const char *name, bool ok, int *pass, int *fail,
		  const char *what)
{
	fprintf(out, "%s - %s: %s\n", ok ? "ok" : "not ok", name, what);
	if (ok)
		(*pass)++;
	else
		(*fail)++;
}

/*
 * Prints the runner's checks and the closing line; returns the number of
 * failures, guest and runner together.  @killed says why the runner stopped
 * the emulator (timeout, panic, reboot), NULL if the guest powered off.
 */
int lc_verdict(const struct lc_result *r, const char *killed, const char *name,
	       int boots, bool tap, FILE *out)
{
	int pass = r->pass, fail = r->fail, skip = r->skip;
	char what[256];

	snprintf(what, sizeof(what), "guest powered off by itself after the suite%s%s",
		 killed ? ", but it was stopped: " : "", killed ? killed : "");
	check(out, name, !killed && r->run_end && r->boots == boots, &pass, &fail,
	      what);
	/* Stopped inside a program: name what it was doing. */
	if (killed && r->prog[0] && !r->prog_done) {
		if (r->test_case[0] && !r->case_done)
			snprintf(what, sizeof(what), "stopped in %s, case %s",
				 r->prog, r->test_case);
		else
			snprintf(what, sizeof(what), "stopped in %s, between cases",
				 r->prog);
		check(out, name, false, &pass, &fail, what);
	}
	snprintf(what, sizeof(what), "TAP plan %d, %d results, summary line %s",
		 r->plan, r->results, r->have_summary ? "present" : "missing");
	if (tap)	/* a demo has no TAP to judge */
		check(out, name, r->plan >= 0 && r->plan == r->results &&
		      r->have_summary && (r->not_ok == 0 || r->fail > 0),
		      &pass, &fail, what);
	snprintf(what, sizeof(what),
		 "kernel log reached the baseline marker, then %d new WARN/BUG/Oops/lockup/stall lines (%d at boot, not counted)",
		 r->new_bad, r->baseline_bad);
	check(out, name, r->marker && r->new_bad == 0, &pass, &fail, what);
	fprintf(out, "%s: %d passed, %d failed, %d skipped\n", name, pass, fail, skip);
	return fail;
}

#ifndef LOGCHECK_NO_MAIN
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[65536];

	if (!f) {
		perror(path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		if (!buf)
			exit(2);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	/* The serial logs may hold NULs; a line stops at the first. */
	for (n = 0; n < len; n++)
		if (!buf[n])
			buf[n] = ' ';
	return buf;
}

int main(int argc, char **argv)
{
	const char *name = "vm", *killed = NULL;
	int boots = 1;
	bool tap = true;
	struct lc_result r;
	char *tests, *kernel;
	int i = 1, fails;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--no-tap")) {
			tap = false;
			i--;
		} else if (!strcmp(argv[i], "--name"))
			name = argv[i + 1];
		else if (!strcmp(argv[i], "--killed"))
			killed = argv[i + 1];
		else if (!strcmp(argv[i], "--boots"))
			boots = atoi(argv[i + 1]);
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: logcheck [--name NAME] [--killed WHY] [--boots N] [--no-tap] TESTS_LOG KERNEL_LOG\n");
		return 2;
	}
	tests = slurp(argv[i]);
	kernel = slurp(argv[i + 1]);
	lc_scan(&r, tests, kernel, stdout);
	fails = lc_verdict(&r, killed, name, boots, tap, stdout);
	free(tests);
	free(kernel);
	return fails ? 1 : 0;
}
#endif
