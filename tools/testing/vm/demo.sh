#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the emulated machine for `make demo`.

run() { echo; echo "# $*"; "$@"; }

run grep -m1 -o -w vmx /proc/cpuinfo
run insmod /vmxmon/vmxmon.ko
run grep vmxmon /proc/modules
run ls -l /dev/vmxmon
run vmxmon status
run vmxmon --json status
run dmesg | grep vmxmon
run rmmod vmxmon
run grep -c vmxmon /proc/modules
exit 0
