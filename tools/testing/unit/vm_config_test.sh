#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The emulators' configurations that run-vm.sh boots with (lib.sh
# bochs_config, qemu_args), checked without booting: the QEMU backend is
# not available on this kind of host, so this is what keeps its command
# line honest.  Prints "# unit: N passed, N failed" like the C tests.
. "$(dirname "$0")/../vm/lib.sh"

pass=0 fail=0
check()
{
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf '# FAIL %s:\n#   got:  %s\n#   want: %s\n' "$1" "$2" "$3"
	fi
}

# QEMU: one argument per array element; the kernel command line stays one.
mapfile -t a < <(qemu_args 8 4096 /b/vmlinuz /b/initrd.img \
			   "console=ttyS1,115200 vmxtest=test vmxtest_filter=*" \
			   file:/r/tests.log file:/r/kernel.log)
check "qemu argument count" "${#a[@]}" 21
check "qemu accelerator and CPU" "${a[*]:0:4}" "-accel kvm -cpu host"
check "qemu CPUs and memory" "${a[*]:4:4}" "-smp 8 -m 4096"
check "qemu kernel and initrd" "${a[*]:8:4}" "-kernel /b/vmlinuz -initrd /b/initrd.img"
check "qemu command line is one argument" "${a[12]}|${a[13]}" \
	"-append|console=ttyS1,115200 vmxtest=test vmxtest_filter=*"
check "qemu headless, no reboot" "${a[*]:14:3}" "-display none -no-reboot"
check "qemu serial ports in order" "${a[*]:17:4}" \
	"-serial file:/r/tests.log -serial file:/r/kernel.log"

# Bochs: the settings each cell of the matrix varies, and the fixed ones
# the test machine relies on (../shared/notes/emulated-vtx.md).
cfg=$(bochs_config corei7_haswell_4770 8 4096 /r/boot.iso "mode=file, dev=/r/t" \
		   /r/k /r/bochs.log)
line() { echo "$cfg" | grep "^$1:" ; }
check "bochs memory over Bochs's 2048 MiB host pool" "$(line memory)" \
	"memory: guest=4096, host=2048"
check "bochs memory" "$(bochs_config m 1 512 i c k l | grep '^memory:')" \
	"memory: guest=512, host=512"
check "bochs cpu" "$(line cpu)" \
	"cpu: model=corei7_haswell_4770, count=8, ips=100000000, quantum=32, reset_on_triple_fault=0, ignore_bad_msrs=1"
check "bochs boots the ISO" "$(line ata0-master) $(line boot)" \
	"ata0-master: type=cdrom, path=/r/boot.iso, status=inserted boot: cdrom"
check "bochs serial ports" "$(line com1) $(line com2)" \
	"com1: enabled=1, mode=file, dev=/r/t com2: enabled=1, mode=file, dev=/r/k"
check "bochs headless" "$(line display_library)" 'display_library: rfb, options="timeout=0"'
check "bochs BIOS with SMP" "$(line romimage)" "romimage: file=/usr/share/bochs/BIOS-bochs-latest"
check "bochs panics are fatal" "$(line panic)" "panic: action=fatal"

echo "# unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
