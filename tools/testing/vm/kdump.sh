#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# First half of a kdump run (init.sh, mode kdump): load vmxscope with traps
# in force, arm a crash kernel and crash this one.  The capture kernel gets
# vmxtest=test and the CPU count; its selftests pass only if every CPU
# left VMX on the crash path (the emergency-virtualization callback): a
# CPU still in VMX non-root cannot be started (INIT only exits) and a
# VMXON on it fails.
set -e
insmod /vmxscope/vmxscope.ko
vmxscope trap msr 0xc0000103 --read >/dev/null
vmxscope trap io 0x80 >/dev/null
cmdline=$(sed -e 's/vmxtest=kdump/vmxtest=test/' -e 's/vmxtest_filter=[^ ]*//' \
	-e 's/crashkernel=[^ ]*//' /proc/cmdline)
kexec -p /boot/vmlinuz --initrd=/boot/initrd-kexec.img \
	--command-line="$cmdline vmxtest_filter=blue_pill,module_load vmxtest_cpus=$(nproc)"
echo "VMXSCOPE-EXPECTED-CRASH" >/dev/kmsg
echo "VMXSCOPE-KDUMP"
stty -F /dev/ttyS0 115200	# drain the UART first
echo c >/proc/sysrq-trigger
