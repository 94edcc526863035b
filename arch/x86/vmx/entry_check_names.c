// SPDX-License-Identifier: GPL-2.0
/*
 * The software VM-entry check's names: its rules (entry_check.h) and the
 * VMCS fields it reads (the uapi table).  Pure logic, used by both halves
 * of the check (entry_check.c, entry_check_guest.c) and by the module.
 */
#include "entry_check_int.h"

/* In enum order: VMXSCOPE_EC_R_NONE, then the rules. */
#define EC_RULE_SECTION(id, sec, text)	sec,
#define EC_RULE_TEXT(id, sec, text)	text,
#define EC_RULE_NAME(id, sec, text)	#id,
static const char *const rule_sections[VMXSCOPE_EC_NR_RULES] = {
	"", VMXSCOPE_EC_RULES(EC_RULE_SECTION)
};
static const char *const rule_texts[VMXSCOPE_EC_NR_RULES] = {
	"", VMXSCOPE_EC_RULES(EC_RULE_TEXT)
};
static const char *const rule_names[VMXSCOPE_EC_NR_RULES] = {
	"NONE", VMXSCOPE_EC_RULES(EC_RULE_NAME)
};

#define EC_FIELD_NAME(name, enc, area)	#name,
#define EC_FIELD_ENC(name, enc, area)	enc,
static const char *const field_names[VMXSCOPE_EC_NR_FIELDS] = {
	VMXSCOPE_VMCS_FIELDS(EC_FIELD_NAME)
};
static const u16 field_encodings[VMXSCOPE_EC_NR_FIELDS] = {
	VMXSCOPE_VMCS_FIELDS(EC_FIELD_ENC)
};

const char *vmxscope_ec_rule_section(enum vmxscope_ec_rule rule)
{
	return rule > 0 && rule < VMXSCOPE_EC_NR_RULES ? rule_sections[rule] : "";
}

const char *vmxscope_ec_rule_text(enum vmxscope_ec_rule rule)
{
	return rule > 0 && rule < VMXSCOPE_EC_NR_RULES ? rule_texts[rule] : "";
}

const char *vmxscope_ec_rule_name(enum vmxscope_ec_rule rule)
{
	return rule > 0 && rule < VMXSCOPE_EC_NR_RULES ? rule_names[rule] : "NONE";
}

/*
 * SDM 27.2: control fields fail with VM-instruction error 7, host state
 * with error 8 (VMfailValid); SDM 27.8: guest state fails with a VM exit,
 * reason 33.
 */
unsigned int vmxscope_ec_rule_class(enum vmxscope_ec_rule rule)
{
	const char *sec = vmxscope_ec_rule_section(rule);

	if (!strncmp(sec, "27.2.1", 6))
		return 7;
	if (!strncmp(sec, "27.2.", 5))
		return 8;
	if (!strncmp(sec, "27.3.", 5))
		return 33;
	return 0;
}

const char *vmxscope_ec_field_name(enum vmxscope_ec_field field)
{
	return field < VMXSCOPE_EC_NR_FIELDS ? field_names[field] : "?";
}

u32 vmxscope_ec_field_encoding(enum vmxscope_ec_field field)
{
	return field < VMXSCOPE_EC_NR_FIELDS ? field_encodings[field] : ~0U;
}

int vmxscope_ec_field_by_name(const char *name)
{
	int i;

	for (i = 0; i < VMXSCOPE_EC_NR_FIELDS; i++)
		if (!strcmp(field_names[i], name))
			return i;
	return -1;
}
