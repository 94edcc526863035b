// SPDX-License-Identifier: GPL-2.0
/*
 * The module loads into the booted Debian kernel, shows up live, and
 * unloads without a trace, repeatedly.
 */
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "vmxscope_test.h"

/* The vermagic string in the .ko's .modinfo section. */
static int ko_vermagic(const char *path, char *out, size_t len)
{
	static const char key[] = "vermagic=";
	static char buf[4 << 20];
	FILE *f = fopen(path, "r");
	size_t n, i;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (i = 0; i + sizeof(key) < n; i++) {
		if (!memcmp(buf + i, key, sizeof(key) - 1)) {
			snprintf(out, len, "%s", buf + i + sizeof(key) - 1);
			return 0;
		}
	}
	return -1;
}

static int read_sysfs(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(out, len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

FIXTURE(unloaded) {
};

FIXTURE_SETUP(unloaded)
{
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
}

FIXTURE_TEARDOWN(unloaded)
{
	if (vmxscope_loaded())
		vmxscope_unload();
}

/* Built for exactly the kernel that is running. */
TEST_F(unloaded, vermagic_matches_running_kernel)
{
	struct utsname u;
	char magic[256];

	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, ko_vermagic(vmxscope_ko_path(), magic, sizeof(magic)));
	TH_LOG("kernel %s, module vermagic %s", u.release, magic);
	ASSERT_EQ(0, strncmp(magic, u.release, strlen(u.release)));
	ASSERT_EQ(' ', magic[strlen(u.release)]);
}

TEST_F(unloaded, load_then_unload)
{
	char state[32];

	ASSERT_EQ(0, vmxscope_load(NULL));
	ASSERT_EQ(0, read_sysfs("/sys/module/vmxscope/initstate", state,
				sizeof(state)));
	ASSERT_STREQ("live", state);
	ASSERT_EQ(-EEXIST, vmxscope_load(NULL));
	ASSERT_EQ(0, vmxscope_unload());
	ASSERT_FALSE(vmxscope_loaded());
	ASSERT_NE(0, access(VMXSCOPE_DEVICE, F_OK));
	ASSERT_EQ(-ENOENT, vmxscope_unload());
}

/*
 * Each cycle virtualizes every CPU again (a CPUID on a rotating CPU is
 * counted as its exit) and gives VMX back (the next load succeeds, which
 * fails with -EBUSY on any CPU still having CR4.VMXE).
 */
TEST_F(unloaded, load_unload_20_cycles)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), i, cpu;
	unsigned long long counts[64];
	unsigned int regs[4];

	ASSERT_LE(ncpus, 64);
	for (i = 0; i < 20; i++) {
		cpu = i % ncpus;
		ASSERT_EQ(0, vmxscope_load(NULL)) TH_LOG("cycle %d", i);
		ASSERT_EQ(ncpus, vmxscope_cpus_virtualized()) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, vmxscope_pin(cpu));
		vmxscope_cpuid(0, regs);
		ASSERT_EQ(0, vmxscope_exit_counts("CPUID", counts, ncpus));
		ASSERT_LE(1, counts[cpu]) TH_LOG("cycle %d, cpu %d", i, cpu);
		ASSERT_EQ(0, vmxscope_unload()) TH_LOG("cycle %d", i);
	}
	ASSERT_FALSE(vmxscope_loaded());
}

/*
 * A CPU that fails to enter VMX fails the whole load, and every CPU done
 * before it is rolled back: the next plain load succeeds on all CPUs.
 */
static void rollback(struct __test_metadata *_metadata, int fail_cpu)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	char param[32];

	snprintf(param, sizeof(param), "fail_cpu=%d", fail_cpu);
	ASSERT_EQ(-EIO, vmxscope_load_test_build(param));
	ASSERT_FALSE(vmxscope_loaded());
	ASSERT_EQ(0, vmxscope_load(NULL));
	ASSERT_EQ(ncpus, vmxscope_cpus_virtualized());
	ASSERT_EQ(0, vmxscope_unload());
}

TEST_F(unloaded, failure_on_last_cpu_rolls_back_all)
{
	rollback(_metadata, sysconf(_SC_NPROCESSORS_ONLN) - 1);
}

TEST_F(unloaded, failure_on_first_cpu_leaves_none)
{
	rollback(_metadata, 0);
}

/*
 * The production module has none of the test build's parameters: Linux
 * ignores unknown ones (with a dmesg line), so fail_cpu=0 fails nothing.
 */
TEST_F(unloaded, production_module_has_no_test_parameters)
{
	ASSERT_EQ(-EIO, vmxscope_load_test_build("fail_cpu=0"));
	ASSERT_EQ(0, vmxscope_load("fail_cpu=0 test_skip_check=1"));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), vmxscope_cpus_virtualized());
	EXPECT_NE(0, access("/sys/module/vmxscope/parameters/fail_cpu", F_OK));
	EXPECT_NE(0, access("/sys/module/vmxscope/parameters/test_corrupt", F_OK));
	EXPECT_EQ(0, vmxscope_unload());
}

/*
 * Once loaded, a CPU that comes online but cannot be virtualized must not
 * be kept offline: it runs un-virtualized, and says so (GET_INFO), while
 * the others stay virtualized; unloading still works.
 */
TEST_F(unloaded, cpu_failing_after_load_comes_online_unvirtualized)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cpu = ncpus - 1, ret;
	unsigned long long before[64], after[64];
	unsigned int regs[4];
	char path[64], param[40];

	if (ncpus < 2)
		SKIP(return, "needs a second CPU to take offline");
	ASSERT_LE(ncpus, 64);
	snprintf(param, sizeof(param), "fail_online_cpu=%d", cpu);
	ret = vmxscope_load_test_build(param);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(ncpus, vmxscope_cpus_virtualized());

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	ASSERT_EQ(0, vmxscope_write_file(path, "0"));
	EXPECT_EQ(0, vmxscope_write_file(path, "1"));
	EXPECT_EQ(ncpus, sysconf(_SC_NPROCESSORS_ONLN));
	EXPECT_EQ(ncpus - 1, vmxscope_cpus_virtualized());

	/* It really runs without VMX: its CPUIDs exit nowhere. */
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", before, ncpus));
	ASSERT_EQ(0, vmxscope_pin(cpu));
	vmxscope_cpuid(0, regs);
	ASSERT_EQ(0, vmxscope_exit_counts("CPUID", after, ncpus));
	EXPECT_EQ(before[cpu], after[cpu]);
	ASSERT_EQ(0, vmxscope_pin(0));
	EXPECT_EQ(0, vmxscope_unload());
}

/*
 * A VM exit sets TR's limit to 0x67 (SDM 28.5.2), which cuts off the I/O
 * bitmap at the end of Linux's TSS.  The leave path reloads TR, so a
 * process granted a port by ioperm() can use it while loaded and after.
 */
static int inb_0x80_in_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		unsigned char v;

		if (ioperm(0x80, 1, 1))
			_exit(2);
		asm volatile("inb $0x80, %0" : "=a" (v));
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(unloaded, ioperm_works_while_loaded_and_after_unload)
{
	ASSERT_EQ(0, vmxscope_load(NULL));
	EXPECT_EQ(0, inb_0x80_in_child());
	ASSERT_EQ(0, vmxscope_unload());
	EXPECT_EQ(0, inb_0x80_in_child()) TH_LOG("TR limit not restored?");
}

TEST_HARNESS_MAIN
