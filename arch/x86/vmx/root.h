/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code that runs in VMX root mode lives in a section of its own, and so do
 * root's tables of code pointers.  tools/testing/rootcheck proves from the
 * object files that nothing there reaches code outside it: root runs on
 * translations Linux does not invalidate (Documentation/design.rst).
 */
#ifndef _VMXSCOPE_ROOT_H
#define _VMXSCOPE_ROOT_H

#define VMXSCOPE_ROOT_TEXT	".vmxscope.root.text"
#define VMXSCOPE_ROOT_RODATA	".vmxscope.root.rodata"

#ifdef __ASSEMBLY__
#define ROOT_TEXT	.section VMXSCOPE_ROOT_TEXT, "ax"
#define ROOT_RODATA	.section VMXSCOPE_ROOT_RODATA, "a"
#else
#include <linux/compiler.h>

/* No ftrace hook either: its handlers are Linux's code. */
#define __root		__section(VMXSCOPE_ROOT_TEXT) notrace
#define __root_table	__section(VMXSCOPE_ROOT_RODATA)
#endif

#endif /* _VMXSCOPE_ROOT_H */
