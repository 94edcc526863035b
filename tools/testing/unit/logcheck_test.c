// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the VM runner's verdict (tools/testing/vm/logcheck.c). */
#define LOGCHECK_NO_MAIN
#include "../vm/logcheck.c"
#include "unit.h"

static const char good_tests[] =
	"vmxscope-vm: booted 6.1.0 on 2 cpu(s), mode test\n"
	"TAP version 13\n1..2\n# selftests: vmxscope: a\n# ok 1 x\nok 1 a\n"
	"not ok 2 b # exit=1\n3 passed, 1 failed, 0 skipped\r\n"
	"VMXSCOPE-RUN-END rc=1\n";

static const char clean_kernel[] =
	"[ 0.8] WARNING: CPU: 0 PID: 0 at xstate.c:606\n"
	"[ 6.6] VMXSCOPE-BASELINE-END\n[ 6.7] vmxscope: loaded\n";

static int verdict(const char *tests, const char *kernel, const char *killed,
		   struct lc_result *r)
{
	FILE *devnull = fopen("/dev/null", "w");
	int fails;

	lc_scan(r, tests, kernel, NULL);
	fails = lc_verdict(r, killed, "t", 1, true, devnull);
	fclose(devnull);
	return fails;
}

static void test_counts_guest_results(void)
{
	struct lc_result r;

	/* The guest's one failure, plus none of the runner's three checks. */
	EXPECT_EQ(1, verdict(good_tests, clean_kernel, NULL, &r));
	EXPECT_EQ(2, r.plan);
	EXPECT_EQ(2, r.results);
	EXPECT_EQ(3, r.pass);
	EXPECT_EQ(1, r.baseline_bad);
	EXPECT_EQ(0, r.new_bad);
}

static void test_warn_after_marker_fails(void)
{
	static const char k[] =
		"[ 6.6] VMXSCOPE-BASELINE-END\n"
		"[ 7.0] WARNING: CPU: 1 PID: 9 at vmxscope/src/main.c:20 vmxscope_init\n";
	struct lc_result r;

	EXPECT_EQ(2, verdict(good_tests, k, NULL, &r));
	EXPECT_EQ(1, r.new_bad);
}

static void test_each_bad_pattern_is_caught(void)
{
	static const char * const lines[] = {
		"BUG: kernel NULL pointer dereference, address: 0",
		"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		"watchdog: BUG: soft lockup - CPU#1 stuck for 22s!",
		"rcu: INFO: rcu_preempt self-detected stall on CPU",
		"NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
		"INFO: task insmod:99 blocked for more than 120 seconds.",
		"Kernel panic - not syncing: Fatal exception",
		"general protection fault, probably for non-canonical address",
		"------------[ cut here ]------------",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT_TRUE(lc_is_bad_line(lines[i]));
	EXPECT_FALSE(lc_is_bad_line("vmxscope: loaded"));
	/* A user process's fault is the test's business, not the kernel's. */
	EXPECT_FALSE(lc_is_bad_line("[ 9.1] traps: sh[117] general protection fault ip:4011a3 sp:7ffd error:0 in sh[401000+9000]"));
	EXPECT_FALSE(lc_is_bad_line("[ 9.2] a.out[120]: segfault at 0 ip 0000000000401136 error 6"));
	EXPECT_TRUE(lc_is_bad_line("[ 9.3] general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP"));
	EXPECT_FALSE(lc_is_bad_line("random: crng init done"));
}

/* The test machine itself broke: a failure even before the marker. */
static void test_initramfs_unpack_failure_fails(void)
{
	static const char k[] =
		"[ 6.1] Initramfs unpacking failed: write error\n"
		"[ 9.6] VMXSCOPE-BASELINE-END\n";
	struct lc_result r;

	EXPECT_EQ(2, verdict(good_tests, k, NULL, &r));
}

static void test_missing_marker_fails(void)
{
	struct lc_result r;

	EXPECT_EQ(2, verdict(good_tests, "[ 0.1] booting\n", NULL, &r));
	EXPECT_FALSE(r.marker);
}

static void test_timeout_and_reboot_fail(void)
{
	static const char twice[] =
		"vmxscope-vm: booted x\nvmxscope-vm: booted x\n"
		"1..0\n0 passed, 0 failed\nVMXSCOPE-RUN-END rc=0\n";
	struct lc_result r;

	EXPECT_EQ(2, verdict(good_tests, clean_kernel, "timeout", &r));
	EXPECT_EQ(1, verdict(twice, clean_kernel, NULL, &r));
	EXPECT_EQ(2, r.boots);
}

/* A stopped run names the program and case the guest was in. */
static void test_stopped_run_names_the_case(void)
{
	static const char hung[] =
		"vmxscope-vm: booted x\nTAP version 13\n1..2\n"
		"# selftests: vmxscope: a\n# 1..1\n# #  RUN           f.one ...\n"
		"# #            OK  f.one\n# ok 1 f.one\nok 1 selftests: vmxscope: a\n"
		"# selftests: vmxscope: b\n# 1..2\n# #  RUN           f.x ...\n"
		"# #            OK  f.x\n# ok 1 f.x\n# #  RUN           f.stuck ...\n";
	static const char between[] =
		"vmxscope-vm: booted x\n1..1\n# selftests: vmxscope: b\n"
		"# #  RUN           f.x ...\n# ok 1 f.x\n";
	char buf[4096];
	FILE *out = fmemopen(buf, sizeof(buf), "w");
	struct lc_result r;

	lc_scan(&r, hung, clean_kernel, NULL);
	EXPECT_EQ(3, lc_verdict(&r, "no output", "t", 1, true, out));
	fflush(out);
	EXPECT_TRUE(strstr(buf, "not ok - t: stopped in b, case f.stuck\n"));
	rewind(out);
	memset(buf, 0, sizeof(buf));
	lc_scan(&r, between, clean_kernel, NULL);
	lc_verdict(&r, "no output", "t", 1, true, out);
	fflush(out);
	EXPECT_TRUE(strstr(buf, "stopped in b, between cases"));
	fclose(out);
	/* A guest that powered off never gets the line. */
	lc_scan(&r, hung, clean_kernel, NULL);
	EXPECT_FALSE(r.prog_done);
	lc_scan(&r, good_tests, clean_kernel, NULL);
	EXPECT_TRUE(r.prog_done);
}

static void test_incomplete_plan_fails(void)
{
	static const char cut[] =
		"vmxscope-vm: booted x\nTAP version 13\n1..3\nok 1 a\nok 2 b\n"
		"2 passed, 0 failed\nVMXSCOPE-RUN-END rc=0\n";
	static const char no_summary[] =
		"vmxscope-vm: booted x\n1..1\nok 1 a\nVMXSCOPE-RUN-END rc=0\n";
	static const char no_plan[] =
		"vmxscope-vm: booted x\nok 1 a\n1 passed, 0 failed\nVMXSCOPE-RUN-END rc=0\n";
	struct lc_result r;

	EXPECT_EQ(1, verdict(cut, clean_kernel, NULL, &r));
	EXPECT_EQ(1, verdict(no_summary, clean_kernel, NULL, &r));
	EXPECT_EQ(1, verdict(no_plan, clean_kernel, NULL, &r));
	/* A nested plan ("# 1..5") is not the top-level one. */
	EXPECT_EQ(1, verdict("# 1..1\nok 1 a\n1 passed, 0 failed\n", clean_kernel,
			     NULL, &r) > 0);
}

static void test_not_ok_with_zero_failures_is_caught(void)
{
	static const char lying[] =
		"vmxscope-vm: booted x\n1..1\nnot ok 1 a\n1 passed, 0 failed\n"
		"VMXSCOPE-RUN-END rc=0\n";
	struct lc_result r;

	EXPECT_EQ(1, verdict(lying, clean_kernel, NULL, &r));
}

/* A kexec run: two boots expected, each with its own baseline. */
static void test_kexec_second_boot_has_its_own_baseline(void)
{
	static const char tests[] =
		"vmxscope-vm: booted x\nVMXSCOPE-KEXEC\nvmxscope-vm: booted x\n"
		"1..1\nok 1 a\n1 passed, 0 failed\nVMXSCOPE-RUN-END rc=0\n";
	static const char kernel[] =
		"VMXSCOPE-BASELINE-START\n[0.8] WARNING: boot quirk\nVMXSCOPE-BASELINE-END\n"
		"[9.0] kexec_core: Starting new kernel\n"
		"[    0.86] RETBleed: WARNING: printed before /init runs\n"
		"VMXSCOPE-BASELINE-START\n[0.8] WARNING: boot quirk\nVMXSCOPE-BASELINE-END\n";
	FILE *devnull = fopen("/dev/null", "w");
	struct lc_result r;

	lc_scan(&r, tests, kernel, NULL);
	EXPECT_EQ(0, lc_verdict(&r, NULL, "t", 2, true, devnull));
	EXPECT_EQ(3, r.baseline_bad);
	/* The same log is a failure where one boot was expected. */
	EXPECT_EQ(1, lc_verdict(&r, NULL, "t", 1, true, devnull));
	fclose(devnull);
}

/*
 * kdump: the crash the run causes is not a failure, what follows the
 * capture kernel's baseline is, and a crash without the marker is too.
 */
static void test_kdump_expected_crash_only(void)
{
	static const char tests[] =
		"vmxscope-vm: booted x\nvmxscope-vm: booted x\n"
		"1..1\nok 1 a\n1 passed, 0 failed\nVMXSCOPE-RUN-END rc=0\n";
	static const char crash[] =
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n"
		"[9.0] VMXSCOPE-EXPECTED-CRASH\n"
		"[9.1] Kernel panic - not syncing: sysrq triggered crash\n"
		"[9.1] Call Trace:\n"
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n";
	static const char unexpected[] =
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n"
		"[9.1] Kernel panic - not syncing: sysrq triggered crash\n"
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n";
	static const char after[] =
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n"
		"[9.0] VMXSCOPE-EXPECTED-CRASH\n"
		"VMXSCOPE-BASELINE-START\nVMXSCOPE-BASELINE-END\n"
		"[5.0] WARNING: CPU: 1 PID: 9 at vmxscope_init\n";
	FILE *devnull = fopen("/dev/null", "w");
	struct lc_result r;

	lc_scan(&r, tests, crash, NULL);
	EXPECT_EQ(0, lc_verdict(&r, NULL, "t", 2, true, devnull));
	EXPECT_EQ(2, r.crash_bad);
	lc_scan(&r, tests, unexpected, NULL);
	EXPECT_EQ(1, lc_verdict(&r, NULL, "t", 2, true, devnull));
	lc_scan(&r, tests, after, NULL);
	EXPECT_EQ(1, lc_verdict(&r, NULL, "t", 2, true, devnull));
	fclose(devnull);
}

/* A demo is judged on powering off and the kernel log, not on TAP. */
static void test_demo_needs_no_tap(void)
{
	static const char demo[] =
		"vmxscope-vm: booted x\n# vmxscope status\nVMXSCOPE-RUN-END rc=0\n";
	FILE *devnull = fopen("/dev/null", "w");
	struct lc_result r;

	lc_scan(&r, demo, clean_kernel, NULL);
	EXPECT_EQ(0, lc_verdict(&r, NULL, "t", 1, false, devnull));
	EXPECT_EQ(1, lc_verdict(&r, NULL, "t", 1, true, devnull));
	fclose(devnull);
}

int main(void)
{
	RUN(test_demo_needs_no_tap);
	RUN(test_kdump_expected_crash_only);
	RUN(test_kexec_second_boot_has_its_own_baseline);
	RUN(test_counts_guest_results);
	RUN(test_warn_after_marker_fails);
	RUN(test_each_bad_pattern_is_caught);
	RUN(test_missing_marker_fails);
	RUN(test_initramfs_unpack_failure_fails);
	RUN(test_timeout_and_reboot_fail);
	RUN(test_incomplete_plan_fails);
	RUN(test_stopped_run_names_the_case);
	RUN(test_not_ok_with_zero_failures_is_caught);
	return unit_done();
}
