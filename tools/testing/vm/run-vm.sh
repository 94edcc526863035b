#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots the emulated VT-x machine with Debian's kernel and vmxscope, runs the
# selftests (or the demo, or a shell), powers off and judges the logs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOT
usage: $0 [options]
  --cpus N          emulated CPUs: 1 to 8 (default 2)
  --memory MB       guest memory in MiB (default 512)
  --backend B       auto, bochs, or qemu (nested KVM on Intel; default auto)
  --mode M          test (default), demo, bench (tools/testing/bench), shell,
                    kexec (load vmxscope, kexec, then test VMX in the new kernel),
                    or kdump (load vmxscope, crash, test VMX in the capture kernel)
  --filter GLOBS    run only the selftests matching these comma-separated globs
  --append STR      extra kernel command line
  --model M         bochs CPU model (default corei7_skylake_x)
  --timeout SEC     hard wall-clock limit (default 1500)
  --stall SEC       test mode: stop a guest that wrote no result for SEC
                    seconds (default 900), name the case it was in, and run
                    the programs it did not reach in a fresh boot
  --name NAME       name of this run in the results (default vm-Ncpu)
  --no-prepare      reuse the last build in $BUILD
EOT
	exit "${1:-0}"
}

cpus=2 memory=512 backend=auto mode=test filter='*' append= model=corei7_skylake_x
limit=1500 stall=900 name= prepare=1
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift ;;
	--memory) memory=$2; shift ;;
	--backend) backend=$2; shift ;;
	--mode) mode=$2; shift ;;
	--filter) filter=$2; shift ;;
	--append) append=$2; shift ;;
	--model) model=$2; shift ;;
	--timeout) limit=$2; shift ;;
	--stall) stall=$2; shift ;;
	--name) name=$2; shift ;;
	--no-prepare) prepare= ;;
	-h|--help) usage 0 ;;
	*) echo "unknown option $1" >&2; usage 2 ;;
	esac
	shift
done
case $cpus in [1-8]) ;; *) die "--cpus must be 1 to 8" ;; esac
case $memory in ''|*[!0-9]*) die "--memory takes MiB" ;; esac
case $mode in test|demo|bench|shell|kexec|kdump) ;; *) die "--mode must be test, demo, bench, shell, kexec or kdump" ;; esac
boots=1
case $mode in kexec|kdump) boots=2 ;; esac
initrd=$BUILD/initrd.img
[ "$backend" = auto ] && backend=$(detect_backend)
name=${name:-vm-${cpus}cpu}

[ -n "$prepare" ] && "$VM_DIR/prepare.sh"
[ -f "$BUILD/initrd.img" ] || die "nothing built in $BUILD: run without --no-prepare"
[ "$backend" = qemu ] && need_pkgs qemu-system-x86

out=$BUILD/runs/$name
rm -rf "$out"
mkdir -p "$out"
tests=$out/tests.log kernel=$out/kernel.log
# Concatenated archives are one initramfs to the kernel.
if [ "$mode" = kexec ] || [ "$mode" = kdump ]; then
	# The LZ4 legacy format has no end mark: it must come last.
	cat "$BUILD/kexec-payload.img" "$BUILD/initrd.img" >"$out/initrd.img"
	initrd=$out/initrd.img
fi
: >"$tests"
: >"$kernel"

# ttyS1 carries the kernel console so that printk never splits a result line.
# tsc_early_khz matches bochs' ips (one TSC tick per instruction); idle=halt
# avoids MWAIT stalls of emulated SMP (../shared/notes/emulated-vtx.md).
cmdline="console=ttyS1,115200 quiet loglevel=4 panic=-1 cryptomgr.notests
	 no_console_suspend
	 idle=halt vmxtest=$mode vmxtest_filter=$filter"
[ "$backend" = bochs ] && cmdline="$cmdline tsc_early_khz=100000"
# kdump: room for the capture kernel and its initramfs.
[ "$mode" = kdump ] && cmdline="$cmdline crashkernel=192M"
cmdline=$(echo $cmdline $append)

boot_bochs()
{
	local iso=$out/iso

	mkdir -p "$iso"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/"
	cp "$BUILD/vmlinuz" "$iso/vmlinuz"
	cp "$initrd" "$iso/initrd.img"
	printf 'DEFAULT vmxscope\nPROMPT 0\nTIMEOUT 0\nLABEL vmxscope\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n  APPEND %s\n' \
		"$cmdline" >"$iso/isolinux.cfg"
	xorriso -as mkisofs -quiet -o "$out/boot.iso" -b isolinux.bin -c boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$iso" 2>/dev/null
	rm -rf "$iso"

	local com1="mode=file, dev=$tests"
	[ "$mode" = shell ] && com1="mode=term, dev=$(tty)"
	bochs_config "$model" "$cpus" "$memory" "$out/boot.iso" "$com1" \
		"$kernel" "$out/bochs.log" >"$out/bochsrc"
	echo c >"$out/bochs.rc"
	# A network namespace of its own: rfb's port 5900 never collides.
	unshare -n bochs -q -f "$out/bochsrc" -rc "$out/bochs.rc" \
		</dev/null >"$out/emulator.out" 2>&1
}

boot_qemu()
{
	local s1="file:$tests" args

	[ "$mode" = shell ] && s1=mon:stdio
	mapfile -t args < <(qemu_args "$cpus" "$memory" "$BUILD/vmlinuz" "$initrd" \
				    "$cmdline" "$s1" "file:$kernel")
	qemu-system-x86_64 "${args[@]}" </dev/null >"$out/emulator.out" 2>&1
}

msg "$name: booting $(cat "$BUILD/kver") on $backend, $cpus cpu(s), mode $mode"
start=$(date +%s)
if [ "$mode" = shell ]; then
	"boot_$backend" || true
	exit 0
fi

set -m		# the emulator gets a process group of its own to kill
"boot_$backend" &
pid=$!
set +m
[ "$mode" = demo ] && { tail -n +1 -f "$tests" & tailpid=$!; }
verdict=
size=0 moved=$start
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	now=$(date +%s)
	if [ "$(stat -c %s "$tests")" != "$size" ]; then
		size=$(stat -c %s "$tests") moved=$now
	fi
	if [ $((now - start)) -ge "$limit" ]; then
		verdict=timeout
	elif [ "$mode" = test ] && [ $((now - moved)) -ge "$stall" ]; then
		verdict="no result for ${stall}s"
	elif [ "$mode" != kdump ] && grep -q 'Kernel panic' "$kernel"; then
		verdict=panic
	elif [ "$(grep -c '^vmxscope-vm: booted' "$tests")" -gt "$boots" ]; then
		verdict=reboot
	fi
	if [ -n "$verdict" ]; then
		kill -TERM -- -"$pid" 2>/dev/null || true
		break
	fi
done
wait "$pid" 2>/dev/null || true
[ -n "${tailpid:-}" ] && { sleep 1; kill "$tailpid" 2>/dev/null; }
msg "$name: guest ran $(($(date +%s) - start)) s${verdict:+ ($verdict)}"

make -s -C "$VM_DIR" logcheck >/dev/null
rc=0
notap=
case $mode in demo|bench) notap=--no-tap ;; esac
"$VM_DIR/logcheck" --name "$name" --boots "$boots" $notap ${verdict:+--killed "$verdict"} \
	"$tests" "$kernel" >"$out/result" || rc=$?
case $mode in test|kexec|kdump) cat "$tests" ;; esac
cat "$out/result"
if [ $rc -ne 0 ]; then
	echo "# $name: kernel log: $kernel" >&2
	echo "# $name: emulator log tail:" >&2
	tail -n 15 "$out/bochs.log" "$out/emulator.out" 2>/dev/null | sed 's/^/#   /' >&2
fi

# Stopped inside the suite: the programs the guest did not reach run in a
# fresh boot, so that one hang costs one program, not the rest.  The last
# line adds both boots up.
if [ "$mode" = test ] && [ -n "$verdict" ]; then
	rest=$(awk '/^# programs:/ { sub(/^# programs: */, ""); n = split($0, all, " ") }
		    /^# selftests: vmxscope: / { last = $4 }
		    END { for (i = 1; i <= n; i++) { if (go) printf "%s,", all[i]
						   if (all[i] == last) go = 1 } }' "$tests")
	rest=${rest%,}
	if [ -n "$rest" ]; then
		msg "$name: going on with $rest in a fresh boot"
		# "P F S" from the verdict line of run $1 in file $2.
		counts() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p" "$2"; }
		set -- $(counts "$name" "$out/result")
		p=${1:-0} f=${2:-1} s=${3:-0}
		"$0" --no-prepare --name "$name.rest" --cpus "$cpus" --memory "$memory" --backend "$backend" \
			--model "$model" --timeout "$limit" --stall "$stall" \
			--filter "$rest" --append "$append" >"$out/rest.log" 2>&1 || true
		cat "$out/rest.log"
		set -- $(counts "$name.rest" "$out/rest.log")
		p=$((p + ${1:-0})) f=$((f + ${2:-1})) s=$((s + ${3:-0}))
		echo "$name: $p passed, $f failed, $s skipped"
		[ $f -eq 0 ] || rc=1
	fi
fi
exit $rc
