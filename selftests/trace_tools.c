// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope's trace events work with the usual front ends: perf counts them
 * and trace-cmd records and decodes them (both parse the events' tracefs
 * format, names of exit reasons included).  The events come from trapped
 * RDMSRs this program makes itself through /dev/cpu/0/msr.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

#define TSC_AUX	0xc0000103
#define N	25

static const char *self_exe = "/selftests/trace_tools";

/* Child mode: N reads of TSC_AUX on CPU 0. */
static int do_reads(void)
{
	unsigned long long v;
	int i, fd = open("/dev/cpu/0/msr", O_RDONLY);

	if (fd < 0)
		return 1;
	for (i = 0; i < N; i++)
		if (pread(fd, &v, 8, TSC_AUX) != 8)
			return 2;
	close(fd);
	return 0;
}

/* Runs @cmd with the shell, its output into @out; returns its status. */
static int run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, r;

	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	return pclose(p);
}

static int count_lines_with(const char *text, const char *a, const char *b)
{
	const char *line = text;
	int n = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (strstr(buf, a) && strstr(buf, b))
			n++;
		line = end ? end + 1 : NULL;
	}
	return n;
}

FIXTURE(tools) {
	int fd;
	char *out;
};

FIXTURE_SETUP(tools)
{
	struct vmxscope_msr_trap t = { .first = TSC_AUX, .last = TSC_AUX,
				     .flags = VMXSCOPE_TRAP_READ };

	ASSERT_EQ(0, vmxscope_ensure_loaded());
	ASSERT_EQ(0, vmxscope_load_kmod("arch/x86/kernel/msr.ko"));
	self->fd = open(VMXSCOPE_DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, VMXSCOPE_TRAP_MSR, &t));
	self->out = malloc(1 << 20);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(tools)
{
	free(self->out);
	close(self->fd);
}

TEST_F(tools, perf_stat_counts_msr_events)
{
	char cmd[256], *line;
	unsigned long long n = 0;

	if (access("/usr/bin/perf", X_OK))
		SKIP(return, "perf is not in this guest");
	snprintf(cmd, sizeof(cmd),
		 "perf stat -x, -e vmxscope:vmxscope_msr -a -- %s reads 2>&1", self_exe);
	ASSERT_EQ(0, run(cmd, self->out, 1 << 20)) TH_LOG("%s", self->out);
	line = strstr(self->out, "vmxscope:vmxscope_msr");
	ASSERT_NE(NULL, line) TH_LOG("%s", self->out);
	while (line > self->out && line[-1] != '\n')
		line--;
	n = strtoull(line, NULL, 10);
	EXPECT_EQ(N, n) TH_LOG("%s", self->out);
}

TEST_F(tools, trace_cmd_records_and_decodes)
{
	char cmd[256];

	if (access("/usr/bin/trace-cmd", X_OK))
		SKIP(return, "trace-cmd is not in this guest");
	snprintf(cmd, sizeof(cmd),
		 "cd /tmp && trace-cmd record -q -e vmxscope:vmxscope_msr -e vmxscope:vmxscope_exit %s reads >/dev/null 2>&1 && trace-cmd report 2>&1",
		 self_exe);
	ASSERT_EQ(0, run(cmd, self->out, 1 << 20)) TH_LOG("%s", self->out);
	EXPECT_EQ(N, count_lines_with(self->out, "vmxscope_msr:", "msr=0xc0000103"));
	/* The exit event's reason is decoded by name from its format. */
	EXPECT_LE(N, count_lines_with(self->out, "vmxscope_exit:", "reason=MSR_READ"));
}

/*
 * bpftrace cannot run in this machine (Documentation/tracepoints.rst says
 * why), so its one-liners there, copied to /selftests/doc by prepare.sh,
 * are checked against the events' formats: each names a vmxscope event
 * that exists and only args-> fields that event has.
 */
TEST_F(tools, bpftrace_one_liners_name_real_fields)
{
	static const char prefix[] = "tracepoint:vmxscope:";
	FILE *f = fopen("/selftests/doc/tracepoints.rst", "r");
	char line[512], event[64], path[160], field[64], want[80];
	int liners = 0, fields = 0;

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *tp = strstr(line, prefix), *a;
		FILE *fmt;
		size_t n;
		int got;

		if (!strstr(line, "bpftrace -e") || !tp)
			continue;
		got = sscanf(tp + strlen(prefix), "%63[a-z_]", event);
		ASSERT_EQ(1, got);
		snprintf(path, sizeof(path),
			 "/sys/kernel/tracing/events/vmxscope/%s/format", event);
		fmt = fopen(path, "r");
		ASSERT_NE(NULL, fmt) TH_LOG("no event %s: %s", event, line);
		n = fread(self->out, 1, (1 << 20) - 1, fmt);
		self->out[n] = '\0';
		fclose(fmt);
		for (a = strstr(line, "args->"); a; a = strstr(a + 1, "args->")) {
			got = sscanf(a + 6, "%63[a-z_0-9]", field);
			ASSERT_EQ(1, got);
			/* A format line: "field:u32 reason;\toffset:..." */
			snprintf(want, sizeof(want), " %s;", field);
			EXPECT_NE(NULL, strstr(self->out, want))
				TH_LOG("%s has no field %s: %s", event, field, line);
			fields++;
		}
		liners++;
	}
	fclose(f);
	EXPECT_LE(2, liners);
	EXPECT_LE(4, fields);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "reads"))
		return do_reads();
	return test_harness_run(argc, argv);
}
