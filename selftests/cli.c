// SPDX-License-Identifier: GPL-2.0
/*
 * The vmxscope CLI (/bin/vmxscope in the guest): exit codes (0 ok, 1 the
 * request failed, 2 usage), --json documents, persistent traps, stats and
 * watch.  Trap tests skip when the module does not offer the capability.
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define CLI		"/bin/vmxscope"
#define OUT_FILE	"/tmp/cli.out"
#define ERR_FILE	"/tmp/cli.err"
#define TSC_AUX		0xc0000103	/* only RDTSCP/RDPID read it */
#define QUIET_PORT	0x5a5a		/* no device: no traffic */

struct run {
	int rc;
	char out[65536];
	char err[4096];
};

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* Runs "vmxscope ARGS" through the shell; exit status, stdout, stderr. */
static int cli(struct run *r, const char *fmt, ...)
{
	char cmd[512], args[400];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), CLI " %s >" OUT_FILE " 2>" ERR_FILE, args);
	status = system(cmd);
	r->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	slurp(OUT_FILE, r->out, sizeof(r->out));
	slurp(ERR_FILE, r->err, sizeof(r->err));
	return r->rc;
}

/* A minimal JSON syntax check: one value, then only a newline. */
static const char *json_value(const char *s, int depth);

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\' && !*++s)
			return NULL;
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *json_list(const char *s, int depth, char close, bool keys)
{
	s = json_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keys) {
			s = json_string(json_ws(s));
			if (!s)
				return NULL;
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = json_value(s, depth + 1);
		if (!s)
			return NULL;
		s = json_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *s, int depth)
{
	s = json_ws(s);
	if (depth > 32)
		return NULL;
	if (*s == '{')
		return json_list(s, depth, '}', true);
	if (*s == '[')
		return json_list(s, depth, ']', false);
	if (*s == '"')
		return json_string(s);
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		const char *start = s;

		strtod(s, (char **)&s);
		return s > start ? s : NULL;
	}
	return NULL;
}

static bool json_valid(const char *doc)
{
	const char *end = json_value(doc, 0);

	return end && !strcmp(end, "\n");
}

/* The number after "KEY": in @doc, or -1. */
static long long json_num(const char *doc, const char *key)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(doc, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static unsigned long long module_caps(void)
{
	struct vmxscope_info info = { 0 };
	int fd = open(VMXSCOPE_DEVICE, O_RDWR);

	if (fd < 0)
		return 0;
	if (ioctl(fd, VMXSCOPE_GET_INFO, &info))
		info.caps = 0;
	close(fd);
	return info.caps;
}

/* Trap counts of one id on @cpu from `vmxscope --json stats --cpu N`. */
static int trap_count(int cpu, const char *kind, unsigned int id,
		      unsigned long long *reads, unsigned long long *writes)
{
	struct run *r = malloc(sizeof(*r));
	char pat[80];
	const char *p;
	int ret = -1;

	snprintf(pat, sizeof(pat), "{\"kind\": \"%s\", \"id\": %u, ", kind, id);
	*reads = *writes = 0;
	if (r && !cli(r, "--json stats --cpu %d", cpu) && json_valid(r->out)) {
		ret = 0;
		p = strstr(r->out, pat);
		if (p && sscanf(p + strlen(pat), "\"reads\": %llu, \"writes\": %llu",
				reads, writes) != 2)
			ret = -1;
	}
	free(r);
	return ret;
}

static bool have_msr_driver(void)
{
	return !system("modprobe msr 2>/dev/null") && !access("/dev/cpu/0/msr", F_OK);
}

FIXTURE(cli) {
	struct run r;
	unsigned long long caps;
};

FIXTURE_SETUP(cli)
{
	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, access(CLI, X_OK));
	self->caps = module_caps();
}

FIXTURE_TEARDOWN(cli)
{
	struct run r;

	if (vmxscope_loaded() && (self->caps & VMXSCOPE_CAP_PERSIST))
		cli(&r, "untrap --all");
}

TEST_F(cli, usage_errors_exit_2)
{
	static const char * const bad[] = {
		"", "frobnicate", "--bogus status", "status --bogus",
		"status extra", "trap", "trap msr", "trap msr 3-1",
		"trap msr 0x10 --in", "trap io 0x10000", "trap io 0x80 --read",
		"trap exception 32", "trap exception QQ", "trap exception NMI",
		"trap exception 2", "trap exception GP --pfec-mask 1",
		"trap exception PF --pfec-mask 1 --pfec-match 2",
		"trap --all", "untrap --all io", "stats --cpu x",
		"watch --seconds 0", "caps --cpu -1",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(2, cli(&self->r, "%s", bad[i]))
			TH_LOG("'vmxscope %s': %s", bad[i], self->r.err);
		EXPECT_NE(0, self->r.err[0]);
	}
	cli(&self->r, "trap exception NMI");
	EXPECT_NE(NULL, strstr(self->r.err, "NMI"));
}

TEST_F(cli, help_exits_0)
{
	static const char * const verbs[] = {
		"", "status", "caps", "trap", "untrap", "stats", "watch",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		EXPECT_EQ(0, cli(&self->r, "%s --help", verbs[i]));
		EXPECT_NE(NULL, strstr(self->r.out, "usage: vmxscope"));
	}
}

TEST_F(cli, status_text_and_json)
{
	ASSERT_EQ(0, cli(&self->r, "status"));
	EXPECT_NE(NULL, strstr(self->r.out, "cpus virtualized:"));

	ASSERT_EQ(0, cli(&self->r, "--json status"));
	ASSERT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"ok\": true"));
	EXPECT_EQ(VMXSCOPE_ABI_VERSION, json_num(self->r.out, "abi_version"));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), json_num(self->r.out, "cpus_online"));
	EXPECT_EQ(self->caps, json_num(self->r.out, "caps_value"));
	if (self->caps & VMXSCOPE_CAP_HYPERVISOR)
		EXPECT_NE(NULL, strstr(self->r.out, "\"hypervisor\""));

	/* --json is accepted after the verb too. */
	ASSERT_EQ(0, cli(&self->r, "status --json"));
	EXPECT_TRUE(json_valid(self->r.out));
}

TEST_F(cli, no_module_exits_1_with_hint)
{
	int ret = vmxscope_unload();

	if (ret)
		SKIP(return, "cannot unload vmxscope: %s", strerror(-ret));
	EXPECT_EQ(1, cli(&self->r, "status"));
	EXPECT_NE(NULL, strstr(self->r.err, "No such file or directory"));
	EXPECT_NE(NULL, strstr(self->r.err, "hint:"));
	EXPECT_EQ(1, cli(&self->r, "--json stats"));
	EXPECT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"ok\": false"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"errno_name\": \"ENOENT\""));
	ASSERT_EQ(0, vmxscope_load(NULL));
}

TEST_F(cli, trap_untrap_msr_json)
{
	if (!(self->caps & VMXSCOPE_CAP_MSR_TRAPS) || !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no persistent MSR traps in this module");
	ASSERT_EQ(0, cli(&self->r, "--json trap msr 0xc0000103 --read"))
		TH_LOG("%s", self->r.err);
	ASSERT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"ok\": true"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"persist\": true"));
	EXPECT_EQ(0xc0000103, json_num(self->r.out, "first"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"write\": false"));
	ASSERT_EQ(0, cli(&self->r, "--json untrap msr 0xc0000103 --read"));
	EXPECT_TRUE(json_valid(self->r.out));
	EXPECT_NE(NULL, strstr(self->r.out, "\"action\": \"untrap\""));
	ASSERT_EQ(0, cli(&self->r, "trap msr 0x10-0x11"));
	EXPECT_NE(NULL, strstr(self->r.out, "trapped MSRs 0x10-0x11"));
	ASSERT_EQ(0, cli(&self->r, "untrap msr 0x10-0x11"));
}

TEST_F(cli, msr_out_of_bitmap_is_erange)
{
	if (!(self->caps & VMXSCOPE_CAP_MSR_TRAPS))
		SKIP(return, "no MSR traps in this module");
	EXPECT_EQ(1, cli(&self->r, "trap msr 0x2000"));
	EXPECT_NE(NULL, strstr(self->r.err, "hint:"));
	EXPECT_EQ(1, cli(&self->r, "--json trap msr 0x1fff-0xc0000000"));
	EXPECT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"errno_name\": \"ERANGE\""));
}

/* The trap outlives the CLI that set it: RDMSRs after it exits are counted. */
TEST_F(cli, msr_trap_persists_and_is_counted)
{
	unsigned long long r0, w0, r1, w1, v;
	int i;

	if (!(self->caps & VMXSCOPE_CAP_MSR_TRAPS) || !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no persistent MSR traps in this module");
	if (!have_msr_driver())
		SKIP(return, "no msr driver");
	ASSERT_EQ(0, vmxscope_pin(0));
	ASSERT_EQ(0, cli(&self->r, "trap msr 0xc0000103 --read")) TH_LOG("%s", self->r.err);
	ASSERT_EQ(0, trap_count(0, "msr", TSC_AUX, &r0, &w0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	ASSERT_EQ(0, trap_count(0, "msr", TSC_AUX, &r1, &w1));
	EXPECT_LE(r0 + 10, r1);
	EXPECT_EQ(w0, w1);

	/* The text table lists the MSR. */
	ASSERT_EQ(0, cli(&self->r, "stats --cpu 0"));
	EXPECT_NE(NULL, strstr(self->r.out, "MSR 0xc0000103")) TH_LOG("%s", self->r.out);

	ASSERT_EQ(0, cli(&self->r, "untrap msr 0xc0000103 --read"));
	ASSERT_EQ(0, trap_count(0, "msr", TSC_AUX, &r0, &w0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	ASSERT_EQ(0, trap_count(0, "msr", TSC_AUX, &r1, &w1));
	EXPECT_EQ(r0, r1);
}

/* I/O traps: set, listed in JSON, removed (on a port nothing uses). */
TEST_F(cli, io_trap_untrap_json)
{
	if (!(self->caps & VMXSCOPE_CAP_IO_TRAPS) || !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no persistent I/O traps in this module");
	ASSERT_EQ(0, cli(&self->r, "--json trap io 0x5a5a-0x5a5b --out"))
		TH_LOG("%s", self->r.err);
	ASSERT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_EQ(QUIET_PORT, json_num(self->r.out, "first"));
	EXPECT_EQ(QUIET_PORT + 1, json_num(self->r.out, "last"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"in\": false, \"out\": true"));
	/* Untrap needs the arguments the trap was set with. */
	EXPECT_EQ(1, cli(&self->r, "untrap io 0x5a5a-0x5a5b"));
	EXPECT_NE(NULL, strstr(self->r.err, "hint: no such trap"));
	EXPECT_EQ(0, cli(&self->r, "untrap io 0x5a5a-0x5a5b --out"));
}

TEST_F(cli, pf_traps_share_one_pfec_pair)
{
	if (!(self->caps & VMXSCOPE_CAP_EXC_TRAPS) || !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no persistent exception traps in this module");
	/* Error-code bit 15 (SGX) never occurs here: no #PF is really trapped. */
	ASSERT_EQ(0, cli(&self->r, "trap exception '#PF' --pfec-mask 0x8000 --pfec-match 0x8000"))
		TH_LOG("%s", self->r.err);
	EXPECT_EQ(1, cli(&self->r, "--json trap exception 14 --pfec-mask 0x8000 --pfec-match 0"));
	EXPECT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"errno_name\": \"EBUSY\""));
	EXPECT_EQ(0, cli(&self->r, "untrap exception PF --pfec-mask 0x8000 --pfec-match 0x8000"));
}

TEST_F(cli, untrap_all)
{
	if (!(self->caps & VMXSCOPE_CAP_MSR_TRAPS) || !(self->caps & VMXSCOPE_CAP_IO_TRAPS) ||
	    !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no persistent MSR and I/O traps in this module");
	ASSERT_EQ(0, cli(&self->r, "trap io 0x5a5a"));
	ASSERT_EQ(0, cli(&self->r, "trap msr 0xc0000103 --read"));
	ASSERT_EQ(0, cli(&self->r, "--json untrap --all"));
	EXPECT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "\"kind\": \"all\""));
	/* Gone: removing one of them again finds nothing. */
	EXPECT_EQ(1, cli(&self->r, "--json untrap msr 0xc0000103 --read"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"errno_name\": \"ENOENT\""));
	EXPECT_EQ(0, cli(&self->r, "untrap --all"));
}

TEST_F(cli, stats_json_every_cpu)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN), n = 0;
	unsigned int regs[4];
	const char *p;

	ASSERT_EQ(0, cli(&self->r, "--json stats")) TH_LOG("%s", self->r.err);
	ASSERT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	for (p = self->r.out; (p = strstr(p, "\"cpu\": ")); p++)
		n++;
	EXPECT_EQ(ncpus, n);
	EXPECT_NE(NULL, strstr(self->r.out, "\"CPUID\": "));
	EXPECT_NE(NULL, strstr(self->r.out, "\"traps\": ["));

	if (!(self->caps & VMXSCOPE_CAP_HYPERVISOR))
		return;
	/* CPUID always exits: CPU 0's count grows. */
	ASSERT_EQ(0, vmxscope_pin(0));
	vmxscope_cpuid(0, regs);
	ASSERT_EQ(0, cli(&self->r, "--json stats --cpu 0"));
	EXPECT_LE(1, json_num(self->r.out, "CPUID"));
	EXPECT_EQ(0, json_num(self->r.out, "cpu"));

	ASSERT_EQ(0, cli(&self->r, "stats"));
	EXPECT_NE(NULL, strstr(self->r.out, "CPUID"));
}

TEST_F(cli, stats_bad_cpu_exits_1)
{
	EXPECT_EQ(1, cli(&self->r, "stats --cpu 4095"));
	EXPECT_NE(0, self->r.err[0]);
}

static bool trace_events(void)
{
	return !access("/sys/kernel/tracing/events/vmxscope/enable", F_OK);
}

static char read_enable(void)
{
	char c = '?';
	int fd = open("/sys/kernel/tracing/events/vmxscope/enable", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '?';
		close(fd);
	}
	return c;
}

/* watch --seconds streams the events and leaves them disabled again. */
TEST_F(cli, watch_streams_and_restores)
{
	unsigned long long v;
	pid_t pid;
	int status, i;

	if (!trace_events() || !(self->caps & VMXSCOPE_CAP_MSR_TRAPS) ||
	    !(self->caps & VMXSCOPE_CAP_PERSIST))
		SKIP(return, "no vmxscope trace events or MSR traps");
	if (!have_msr_driver())
		SKIP(return, "no msr driver");
	ASSERT_EQ('0', read_enable());
	ASSERT_EQ(0, cli(&self->r, "trap msr 0xc0000103 --read"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", CLI " watch --seconds 4 --event msr >"
		      OUT_FILE " 2>" ERR_FILE, NULL);
		_exit(127);
	}
	sleep(1);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, vmxscope_rdmsr_on(0, TSC_AUX, &v));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	slurp(OUT_FILE, self->r.out, sizeof(self->r.out));
	EXPECT_NE(NULL, strstr(self->r.out, "vmxscope_msr")) TH_LOG("%s", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.out, "msr=0xc0000103"));
	EXPECT_EQ(NULL, strstr(self->r.out, "vmxscope_exit:"));	/* --event msr */
	EXPECT_EQ('0', read_enable());
}

/* Ctrl-C: watch stops, exits 0 and restores the enable state. */
TEST_F(cli, watch_sigint_restores)
{
	char *line, *save;
	pid_t pid;
	int status;

	if (!trace_events())
		SKIP(return, "no vmxscope trace events");
	ASSERT_EQ('0', read_enable());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(OUT_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execl(CLI, CLI, "--json", "watch", NULL);
		_exit(127);
	}
	sleep(2);
	EXPECT_EQ('1', read_enable());
	kill(pid, SIGINT);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ('0', read_enable());

	/* Every line is one JSON document (a cut-off last one aside). */
	slurp(OUT_FILE, self->r.out, sizeof(self->r.out));
	line = strrchr(self->r.out, '\n');
	if (line)
		line[1] = '\0';
	for (line = strtok_r(self->r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char doc[1024];

		snprintf(doc, sizeof(doc), "%s\n", line);
		if (strlen(line) < sizeof(doc) - 2)
			EXPECT_TRUE(json_valid(doc)) TH_LOG("%s", line);
	}
}

TEST_F(cli, caps_json)
{
	if (!have_msr_driver())
		SKIP(return, "no msr driver");
	ASSERT_EQ(0, cli(&self->r, "caps")) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.out, "IA32_VMX_BASIC"));
	EXPECT_NE(NULL, strstr(self->r.out, "CPU_BASED_USE_MSR_BITMAPS"));
	ASSERT_EQ(0, cli(&self->r, "--json caps"));
	ASSERT_TRUE(json_valid(self->r.out)) TH_LOG("%s", self->r.out);
	EXPECT_LE(1, json_num(self->r.out, "vmcs_size"));
	EXPECT_NE(NULL, strstr(self->r.out, "\"true_controls\": "));
	EXPECT_EQ(1, cli(&self->r, "caps --cpu 4095"));
}

TEST_HARNESS_MAIN
