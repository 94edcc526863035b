// SPDX-License-Identifier: GPL-2.0
/*
 * The software VM-entry check (SDM 27.2/27.3) names the field a test-only
 * corruption broke and refuses the load with -EINVAL; with the check
 * skipped, the hardware fails the same entry the way the check predicted.
 * The module reports each verdict on one machine-readable kernel log line:
 *   "vmxscope: CPU n: entry check verdict rule=R class=C field=0xF hw=H"
 * read here from /dev/kmsg.  A normal load still succeeds afterwards.
 */
#include "kselftest_harness.h"
#include "vmxscope_test.h"

struct verdict {
	char rule[64], hw[16];
	unsigned int cls, field;
	bool named;		/* the "would fail VM entry" line names it */
};

/* The first verdict logged since vmxscope_kmsg_open(); -1 if none. */
static int kmsg_verdict(int fd, const char *field_name, struct verdict *v)
{
	char rec[2048], want[128], *msg;
	bool found = false;
	ssize_t n;
	int cpu;

	memset(v, 0, sizeof(*v));
	snprintf(want, sizeof(want), "field %s = ", field_name);
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		if (strstr(msg, "VMCS would fail VM entry") && strstr(msg, want))
			v->named = true;
		if (!found &&
		    sscanf(msg, "vmxscope: CPU %d: entry check verdict rule=%63s class=%u field=%x hw=%15s",
			   &cpu, v->rule, &v->cls, &v->field, v->hw) == 5)
			found = true;
	}
	return found ? 0 : -1;
}

FIXTURE(corrupt) {
	int kmsg;
};

FIXTURE_VARIANT(corrupt) {
	const char *field;	/* a name of the uapi VMCS table */
	const char *value;
	unsigned int encoding;
	const char *rule;	/* the rule entry_check.c names */
	unsigned int cls;	/* 7, 8: VM-instruction error; 33: exit reason */
	bool skip_check;	/* let the hardware judge */
};

FIXTURE_VARIANT_ADD(corrupt, guest_cs_ar) {
	.field = "GUEST_CS_AR_BYTES", .value = "0", .encoding = 0x4816,
	.rule = "SEG_CS_TYPE", .cls = 33,
};

FIXTURE_VARIANT_ADD(corrupt, host_cr4) {
	.field = "HOST_CR4", .value = "0", .encoding = 0x6c04,
	.rule = "HOST_CR4_FIXED", .cls = 8,
};

FIXTURE_VARIANT_ADD(corrupt, vmcs_link_pointer) {
	.field = "VMCS_LINK_POINTER", .value = "0x1001", .encoding = 0x2800,
	.rule = "LINK_PTR", .cls = 33,
};

FIXTURE_VARIANT_ADD(corrupt, proc_reserved_bit) {
	.field = "CPU_BASED_VM_EXEC_CONTROL", .value = "0", .encoding = 0x4002,
	.rule = "PROC_RSVD", .cls = 7,
};

FIXTURE_VARIANT_ADD(corrupt, guest_rflags_bit1) {
	.field = "GUEST_RFLAGS", .value = "0x40", .encoding = 0x6820,
	.rule = "RFLAGS_RSVD", .cls = 33,
};

FIXTURE_VARIANT_ADD(corrupt, hw_host_cr4) {
	.field = "HOST_CR4", .value = "0", .encoding = 0x6c04,
	.rule = "HOST_CR4_FIXED", .cls = 8, .skip_check = true,
};

FIXTURE_VARIANT_ADD(corrupt, hw_proc_reserved_bit) {
	.field = "CPU_BASED_VM_EXEC_CONTROL", .value = "0", .encoding = 0x4002,
	.rule = "PROC_RSVD", .cls = 7, .skip_check = true,
};

FIXTURE_VARIANT_ADD(corrupt, hw_guest_cs_ar) {
	.field = "GUEST_CS_AR_BYTES", .value = "0", .encoding = 0x4816,
	.rule = "SEG_CS_TYPE", .cls = 33, .skip_check = true,
};

FIXTURE_SETUP(corrupt)
{
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
	self->kmsg = vmxscope_kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(corrupt)
{
	close(self->kmsg);
	if (vmxscope_loaded())
		vmxscope_unload();
}

TEST_F(corrupt, load_refused_naming_field)
{
	char params[160], hw[16];
	struct verdict v;
	int ret;

	snprintf(params, sizeof(params), "test_corrupt=%s:%s%s", variant->field,
		 variant->value, variant->skip_check ? " test_skip_check=1" : "");
	ret = vmxscope_load_test_build(params);
	TH_LOG("%s: load %d", params, ret);
	/* The check refuses the CPU; the hardware's own failure is -EIO. */
	ASSERT_EQ(variant->skip_check ? -EIO : -EINVAL, ret);
	ASSERT_FALSE(vmxscope_loaded());
	ASSERT_EQ(0, kmsg_verdict(self->kmsg, variant->field, &v));
	TH_LOG("verdict rule=%s class=%u field=%#x hw=%s", v.rule, v.cls,
	       v.field, v.hw);
	EXPECT_STREQ(variant->rule, v.rule);
	EXPECT_EQ(variant->encoding, v.field);
	EXPECT_EQ(variant->cls, v.cls);
	EXPECT_TRUE(v.named);
	/* Both verdicts agree: the error or exit reason the rule predicts. */
	snprintf(hw, sizeof(hw), "%u", variant->cls);
	EXPECT_STREQ(variant->skip_check ? hw : "none", v.hw);
	/* Nothing stays behind: the next, normal load virtualizes. */
	ASSERT_EQ(0, vmxscope_load(NULL));
	ASSERT_EQ(0, vmxscope_unload());
}

/* An uncorrupted load passes the check and logs no verdict. */
TEST(normal_load_passes_check)
{
	int fd = vmxscope_kmsg_open();
	struct verdict v;

	ASSERT_LE(0, fd);
	if (vmxscope_loaded())
		ASSERT_EQ(0, vmxscope_unload());
	ASSERT_EQ(0, vmxscope_load(NULL));
	EXPECT_NE(0, kmsg_verdict(fd, "-", &v));
	ASSERT_EQ(0, vmxscope_unload());
	close(fd);
}

TEST_HARNESS_MAIN
