#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the emulated machine for `make demo`: vmxscope loaded under
# the running kernel, then the kernel's own RTC driver caught doing port
# I/O at the hardware boundary.

run() { echo; echo "# $*"; "$@"; }

run grep -m1 -o -w vmx /proc/cpuinfo
run insmod /vmxscope/vmxscope.ko
run ls -l /dev/vmxscope
run vmxscope status
echo; echo "# dmesg | grep 'vmxscope:'"; dmesg | grep 'vmxscope:' | grep -v baseline

# The CMOS/RTC ports: the rtc_cmos driver reads the clock through them.
run vmxscope trap io 0x70-0x71
echo; echo "# vmxscope watch --event io --seconds 3 &   (then: hwclock -r)"
vmxscope watch --event io --seconds 3 | head -n 12 &
sleep 1
run hwclock -r -f /dev/rtc0
wait
run vmxscope stats
run vmxscope untrap io 0x70-0x71
echo; echo "# vmxscope vmcs --cpu 0 | head -n 25"; vmxscope vmcs --cpu 0 | head -n 25
run rmmod vmxscope
echo; echo "# grep -c vmxscope /proc/modules"; grep -c vmxscope /proc/modules
exit 0
