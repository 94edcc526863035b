#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make mutants: each *.patch here breaks vmxscope in one small way that a
# selftest must notice.  Its "Caught-by:" line names the selftests; each
# mutant is applied to a scratch copy of the tree and those selftests run
# on it in the emulated machine.  A mutant is caught when the run fails.
# Ends with "mutants: N caught, N not caught"; exits 1 unless all are.
#
#   tools/testing/mutants/run.sh [NAME...]     (default: every patch)
set -uo pipefail
. "$(dirname "$0")/../vm/lib.sh"

dir=$(cd "$(dirname "$0")" && pwd)
work=$TOP/build/mutants
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for p in "$dir"/*.patch; do
		names+=("$(basename "$p" .patch)")
	done
fi

caught=0 missed=0
mkdir -p "$work"
for n in "${names[@]}"; do
	patch=$dir/$n.patch
	[ -f "$patch" ] || die "no mutant $n"
	tests=$(sed -n 's/^Caught-by: *//p' "$patch" | head -n1)
	src=$work/$n/src
	rm -rf "$work/$n"
	mkdir -p "$src"
	git -C "$TOP" archive HEAD | tar -x -C "$src"
	# $src is no repository, though it may lie in one: stop git there,
	# or it applies nothing outside the current folder, silently.
	if ! (cd "$src" && export GIT_CEILING_DIRECTORIES=$work/$n &&
	      git apply "$patch" && git apply -R --check "$patch"); then
		echo "not ok - $n: does not apply to this tree"
		missed=$((missed + 1))
		continue
	fi
	VMXSCOPE_BUILD=$work/$n/vm "$src/tools/testing/vm/run-vm.sh" --name "mutant-$n" \
		--filter "$tests" --stall "${VMXSCOPE_MUTANT_STALL:-300}" >"$work/$n/run.log" 2>&1
	rc=$?
	line=$(grep -E "^mutant-$n: [0-9]+ passed" "$work/$n/run.log" | tail -n1)
	if [ $rc -ne 0 ]; then
		echo "ok - $n: caught by $tests (${line:-no verdict line})"
		caught=$((caught + 1))
	else
		echo "not ok - $n: NOT caught by $tests ($line)"
		missed=$((missed + 1))
	fi
	rm -rf "$src"
done
echo "mutants: $caught caught, $missed not caught"
[ $missed -eq 0 ]
