#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the emulated test machine.  ttyS0 carries results, ttyS1 the
# kernel console.  The kernel hands unknown key=value boot parameters to us
# as environment: vmxtest=test|demo|bench|shell, vmxtest_filter=<glob>,
# vmxbench_iters=<n>.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /lib/modules/$(uname -r)

# Full console from here on: WARN and friends print at KERN_WARNING.
echo 8 > /proc/sys/kernel/printk

stty -F /dev/ttyS0 115200 raw -echo 2>/dev/null
exec </dev/null >/dev/ttyS0 2>&1

# What the stock kernel said at boot on this CPU model is the baseline;
# only what follows the marker is held against vmxscope (tools/testing/vm/logcheck.c).
echo "VMXSCOPE-BASELINE-START" >/dev/kmsg
dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace' | sed 's/^/vmxscope-baseline: /' >/dev/kmsg
echo "VMXSCOPE-BASELINE-END" >/dev/kmsg

echo "vmxscope-vm: booted $(uname -r) on $(nproc) cpu(s), mode ${vmxtest:-test}"

case "${vmxtest:-test}" in
test)
	/selftests/run_tests.sh "${vmxtest_filter:-*}"
	echo "VMXSCOPE-RUN-END rc=$?"
	;;
demo)
	/demo.sh
	echo "VMXSCOPE-RUN-END rc=$?"
	;;
kexec)
	# Hand the machine to a new kernel with vmxscope loaded and trapping;
	# the new kernel runs selftests that need VMX free on every CPU.
	/kexec.sh
	echo "VMXSCOPE-RUN-END rc=$?"	# only if the kexec failed
	;;
kdump)
	# Crash with vmxscope loaded; the capture kernel tests VMX again.
	/kdump.sh
	echo "VMXSCOPE-RUN-END rc=$?"	# only if the crash did not happen
	;;
bench)
	/bench/bench
	echo "VMXSCOPE-RUN-END rc=$?"
	;;
shell)
	setsid cttyhack sh -l </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
esac

# Let the UART drain before the machine goes away (stty waits, TCSADRAIN).
stty -F /dev/ttyS0 115200
poweroff -f
