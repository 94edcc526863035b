#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# First half of a kexec run (init.sh, mode kexec): load vmxscope with traps
# in force, then kexec into the same kernel.  The second kernel gets
# vmxtest=test with a filter, and its selftests can only pass if this
# kernel gave VMX back on every CPU (reboot notifier, CR0.PG release).
set -e
insmod /vmxscope/vmxscope.ko
vmxscope trap msr 0xc0000103 --read >/dev/null
vmxscope trap io 0x80 >/dev/null
cmdline=$(sed -e 's/vmxtest=kexec/vmxtest=test/' -e 's/vmxtest_filter=[^ ]*//' /proc/cmdline)
kexec -l /boot/vmlinuz --initrd=/boot/initrd-kexec.img \
	--command-line="$cmdline vmxtest_filter=blue_pill,module_load vmxtest_cpus=$(nproc)"
echo "VMXSCOPE-KEXEC"
stty -F /dev/ttyS0 115200	# drain the UART first
kexec -e
