#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-matrix: the selftests across emulated CPU models, CPU counts
# and memory sizes, one boot per cell, at most $VMXSCOPE_JOBS at a time.
# Results: build/matrix/results.json and one line per cell on stdout;
# exits non-zero if any cell failed.  Not part of make check (hours on 2
# cores).  Documentation/testing.rst, "The matrix", has the last results.
#
#   MATRIX_MODELS  bochs models that have what vmxscope needs
#   MATRIX_CPUS    CPU counts (1 to 8)
#   MATRIX_MEMS    guest memory sizes in MiB
#   MATRIX_TESTS   the selftests each of those cells runs
#   MATRIX_REFUSED models without what vmxscope needs: one cell each
#                  (2 CPUs, 512 MiB) runs cpu_support, which proves the
#                  refusal
# --no-prepare reuses the last build of the test machine.
set -uo pipefail
. "$(dirname "$0")/../vm/lib.sh"

models=${MATRIX_MODELS:-"corei7_skylake_x corei7_haswell_4770 corei7_sandy_bridge_2600k corei5_arrandale_m520"}
cpus=${MATRIX_CPUS:-"1 2 4 8"}
mems=${MATRIX_MEMS:-"512 3072"}
tests=${MATRIX_TESTS:-"cpu_support,module_load,blue_pill,msr_trap,io_trap,exc_trap,workload,insn_exact"}
refused=${MATRIX_REFUSED-"core2_penryn_t9600"}
jobs=${VMXSCOPE_JOBS:-$(nproc)}
out=$TOP/build/matrix
mkdir -p "$out"

[ "${1:-}" = --no-prepare ] || "$VM_DIR/prepare.sh" || die "prepare failed"

cells=()
for m in $models; do
	for c in $cpus; do
		for mem in $mems; do
			cells+=("$m:$c:$mem:$tests")
		done
	done
done
for m in $refused; do
	cells+=("$m:2:512:cpu_support")
done

# One cell: a boot of run-vm.sh; its verdict line and wall time in
# $out/NAME.result.  More CPUs, slower guest: the limits grow with them.
run_cell()
{
	local model=$1 n=$2 mem=$3 filter=$4 name=$5 start rc

	start=$(date +%s)
	"$VM_DIR/run-vm.sh" --no-prepare --name "$name" --model "$model" \
		--cpus "$n" --memory "$mem" --filter "$filter" \
		--timeout $((1800 + 900 * n)) --stall $((900 + 300 * n)) \
		>"$out/$name.log" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start)) $(tail -n 1 "$out/$name.log")" >"$out/$name.result"
}

for cell in "${cells[@]}"; do
	IFS=: read -r model n mem filter <<<"$cell"
	name=matrix-$model-${n}cpu-${mem}m
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	msg "cell $name"
	run_cell "$model" "$n" "$mem" "$filter" "$name" &
done
wait

# results.json: one object per cell.
fail=0
{
	echo "["
	sep=
	for cell in "${cells[@]}"; do
		IFS=: read -r model n mem filter <<<"$cell"
		name=matrix-$model-${n}cpu-${mem}m
		read -r rc secs verdict <"$out/$name.result" 2>/dev/null || rc=1 secs=0 verdict=
		set -- $(echo "$verdict" | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
		p=${1:-0} f=${2:-0} s=${3:-0}
		[ "$rc" = 0 ] || fail=1
		printf '%s  {"model": "%s", "cpus": %s, "memory_mib": %s, "tests": "%s", "ok": %s, "passed": %s, "failed": %s, "skipped": %s, "seconds": %s, "log": "build/vm/runs/%s"}' \
			"$sep" "$model" "$n" "$mem" "$filter" "$([ "$rc" = 0 ] && echo true || echo false)" \
			"$p" "$f" "$s" "$secs" "$name"
		sep=$',\n'
		printf '%-46s %s %s passed, %s failed, %s skipped, %ss\n' "$name" \
			"$([ "$rc" = 0 ] && echo ok || echo FAIL)" "$p" "$f" "$s" "$secs" >&2
	done
	printf '\n]\n'
} >"$out/results.json"
msg "results in $out/results.json"
exit $fail
