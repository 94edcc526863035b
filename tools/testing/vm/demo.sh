#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the emulated machine for `make demo`: vmxmon loaded under
# the running kernel, then the kernel's own RTC driver caught doing port
# I/O at the hardware boundary.

run() { echo; echo "# $*"; "$@"; }

run grep -m1 -o -w vmx /proc/cpuinfo
run insmod /vmxmon/vmxmon.ko
run ls -l /dev/vmxmon
run vmxmon status
echo; echo "# dmesg | grep 'vmxmon:'"; dmesg | grep 'vmxmon:' | grep -v baseline

# The CMOS/RTC ports: the rtc_cmos driver reads the clock through them.
run vmxmon trap io 0x70-0x71
echo; echo "# vmxmon watch --event io --seconds 3 &   (then: hwclock -r)"
vmxmon watch --event io --seconds 3 | head -n 12 &
sleep 1
run hwclock -r -f /dev/rtc0
wait
run vmxmon stats
run vmxmon untrap io 0x70-0x71
echo; echo "# vmxmon vmcs --cpu 0 | head -n 25"; vmxmon vmcs --cpu 0 | head -n 25
run rmmod vmxmon
echo; echo "# grep -c vmxmon /proc/modules"; grep -c vmxmon /proc/modules
exit 0
