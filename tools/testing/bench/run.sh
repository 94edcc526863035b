#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boots the test machine in bench mode, collects what
# tools/testing/bench/bench.c printed, writes $OUT/results.json (default
# build/bench) with the platform it ran on, and prints the table.  It
# measures; it never judges a timing.  Options go to run-vm.sh (--cpus,
# --backend, --model, --no-prepare, ...); VMXSCOPE_BENCH_ITERS sets the loop
# count per repetition (default 2000).
set -euo pipefail
. "$(dirname "$0")/../vm/lib.sh"

out=${VMXSCOPE_BENCH_OUT:-$TOP/build/bench}
cpus=2 backend=auto model=corei7_skylake_x
args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift ;;
	--backend) backend=$2; shift ;;
	--model) model=$2; shift ;;
	esac
	shift
done
[ "$backend" = auto ] && backend=$(detect_backend)
iters=${VMXSCOPE_BENCH_ITERS:-2000}
name=bench-${cpus}cpu

mkdir -p "$out"
rc=0
start=$(date +%s)
"$VM_DIR/run-vm.sh" --mode bench --name "$name" --timeout 900 \
	"${args[@]}" --backend "$backend" --append "vmxbench_iters=$iters" \
	>"$out/run.log" 2>&1 || rc=$?
secs=$(($(date +%s) - start))
log=$BUILD/runs/$name/tests.log
cp "$log" "$out/tests.log" 2>/dev/null || true

body=$(sed -n '/^VMXSCOPE-BENCH-JSON {/,/^}/p' "$log" 2>/dev/null | tr -d '\r' |
       sed '1d;$d')
if [ -z "$body" ]; then
	cat "$out/run.log" >&2
	die "no results in $log"
fi
case $backend in
bochs) platform="bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null), cpu model $model, ips=100000000 (1 TSC tick per instruction)" ;;
*) platform="qemu -accel kvm -cpu host ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))" ;;
esac
{
	echo "{"
	echo "  \"platform\": { \"backend\": \"$backend\", \"model\": \"$model\", \"cpus\": $cpus,"
	echo "    \"label\": \"$platform\","
	echo "    \"kernel\": \"$(cat "$BUILD/kver")\", \"vmxscope\": \"$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)\","
	echo "    \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"wall_seconds\": $secs },"
	echo "  \"unit\": \"TSC ticks per operation, read in the guest on one pinned CPU\","
	echo "$body"
	echo "}"
} >"$out/results.json"

echo "bench: $platform, $cpus CPUs, $(cat "$BUILD/kver")"
sed -n 's/^bench| //p' "$log" | tr -d '\r'
grep -E '^(not )?ok ' "$log" | tr -d '\r' | sed 's/^/bench: /'
echo "bench: results in $out/results.json (guest ran ${secs}s)"
[ $rc -eq 0 ] || { tail -n 5 "$out/run.log" >&2; exit $rc; }
