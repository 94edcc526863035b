/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's pure-logic files need from the kernel headers when
 * they are built on the host for the unit tests (!__KERNEL__).
 */
#ifndef VMXSCOPE_KCOMPAT_H
#define VMXSCOPE_KCOMPAT_H

/* Root mode's section attributes (arch/x86/vmx/root.h) mean nothing here. */
#define __root
#define __root_table

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* <uapi/asm/mtrr.h> */
#define MTRR_TYPE_UNCACHABLE	0
#define MTRR_TYPE_WRCOMB	1
#define MTRR_TYPE_WRTHROUGH	4
#define MTRR_TYPE_WRPROT	5
#define MTRR_TYPE_WRBACK	6

#endif /* VMXSCOPE_KCOMPAT_H */
