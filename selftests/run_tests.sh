#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every vmxscope selftest program (or those matching one of the
# comma-separated globs in $1), each under a
# time limit, as nested TAP, and ends with "N passed, N failed, N skipped"
# counted over the individual test cases.  A program's output streams as
# it is written (the harness flushes each case's RUN line before the case
# starts), so a guest that hangs leaves the case it hung in on the log.
cd "$(dirname "$0")" || exit 1
filter=${1:-*}
limit=${VMXSCOPE_TEST_TIMEOUT:-600}
tests=
for t in @TESTS@; do
	for f in $(echo "$filter" | tr ',' ' '); do
		case $t in $f) tests="$tests $t"; break ;; esac
	done
done

set -- $tests
echo "TAP version 13"
echo "1..$#"
echo "# programs:$tests"
n=0 pass=0 fail=0 skip=0
for t in $tests; do
	n=$((n + 1))
	echo "# selftests: vmxscope: $t"
	echo 1 >/tmp/ksft.rc
	# Not sed: it holds each line back until it has read the next one.
	{ timeout -s KILL "$limit" "./$t" 2>&1; echo $? >/tmp/ksft.rc; } |
		tee /tmp/ksft.out | while IFS= read -r line; do echo "# $line"; done
	rc=$(cat /tmp/ksft.rc)
	# kselftest_harness ends with: # Totals: pass:P fail:F xfail:X xpass:Y skip:S error:E
	tot=$(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' /tmp/ksft.out)
	if [ -n "$tot" ]; then
		set -- $tot
		p=$(($1 + $3)) f=$(($2 + $4 + $6)) s=$5
	else
		p=0 f=1 s=0
	fi
	[ $rc -ne 0 ] && [ $f -eq 0 ] && [ $rc -ne 4 ] && f=1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ $rc -eq 137 ]; then
		echo "not ok $n selftests: vmxscope: $t # TIMEOUT ${limit}s"
	elif [ $f -ne 0 ]; then
		echo "not ok $n selftests: vmxscope: $t # exit=$rc"
	elif [ $rc -eq 4 ]; then
		echo "ok $n selftests: vmxscope: $t # SKIP"
	else
		echo "ok $n selftests: vmxscope: $t"
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
