#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM half of `make check`: one build, then the boots below, at most
# $VMXSCOPE_JOBS (default: host cores) at a time.  Bochs is single-threaded and its guest time counts
# instructions, so parallel boots slow down in wall time only.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
extra=("$@")	# passed on to every run-vm.sh

# The host's packages before anything is installed (hostguard.sh).
mkdir -p "$BUILD"
dpkg-query -W -f '${Package}\n' >"$BUILD/packages-before" 2>/dev/null
ls -A /var/lib/dkms >"$BUILD/dkms-before" 2>/dev/null

# Host unit tests first: they take seconds, the VM suite minutes.
make -s -C "$TOP/tools/testing/unit" run | tee "$BUILD/unit.log"
unit_rc=${PIPESTATUS[0]}
set -- $(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$BUILD/unit.log")
upass=${1:-0} ufail=${2:-1}
[ $unit_rc -ne 0 ] && [ "$ufail" = 0 ] && ufail=1

# Kernel coding style, per file.
"$TOP/tools/testing/checkpatch.sh" >"$BUILD/checkpatch.log" 2>&1
cp_rc=$?
grep -v '^ok ' "$BUILD/checkpatch.log"
set -- $(sed -n 's/^checkpatch: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$BUILD/checkpatch.log")
upass=$((upass + ${1:-0})) ufail=$((ufail + ${2:-1}))
[ $cp_rc -ne 0 ] && [ "${2:-1}" = 0 ] && ufail=$((ufail + 1))

"$VM_DIR/prepare.sh" || die "prepare failed"

# The host as it was: only host packages installed, no work left behind.
dpkg-query -W -f '${Package}\n' >"$BUILD/packages-after" 2>/dev/null
"$VM_DIR/hostguard.sh" "$BUILD/packages-before" "$BUILD/packages-after" "$BUILD/dkms-before" \
	>"$BUILD/hostguard.log" 2>&1
grep -v '^ok ' "$BUILD/hostguard.log"
set -- $(sed -n 's/^hostguard: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$BUILD/hostguard.log")
upass=$((upass + ${1:-0})) ufail=$((ufail + ${2:-1}))

# The install paths a user takes: the packages, DKMS, man page, shell
# completion, make install and sign (tools/testing/pkg/check.sh).
"$TOP/tools/testing/pkg/check.sh" >"$BUILD/pkg.log" 2>&1
grep -v '^ok ' "$BUILD/pkg.log"
set -- $(sed -n 's/^pkg: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$BUILD/pkg.log")
upass=$((upass + ${1:-0})) ufail=$((ufail + ${2:-1}))

# Root mode runs only root's code: proved on the objects just built, the
# production module and the selftests' build (tools/testing/rootcheck.c).
gcc -O2 -Wall -o "$BUILD/rootcheck" "$TOP/tools/testing/rootcheck.c" ||
	die "cannot build rootcheck"
for m in mod mod-test; do
	if "$BUILD/rootcheck" "$BUILD/$m"/src/*.o "$BUILD/$m"/arch/x86/vmx/*.o; then
		upass=$((upass + 1))
	else
		ufail=$((ufail + 1))
	fi
done

# The boots: name, CPUs, mode, selftests.  Everything runs on 2 CPUs; the
# blue pill's tests also on 1 and 4, the control plane's on 4; kexec and
# kdump (a crash kexec) are boots of their own.
BLUE_PILL=module_load,dev_node,blue_pill,ldt_giveback,insn_exact,vmx_insn_user,workload,kvm_handoff
CONTROL=msr_trap,ioctl_abi,io_trap,exc_trap,hotplug,nmi,events
runs=${VMXSCOPE_RUNS:-"vm-2cpu:2:test:* vm-1cpu:1:test:$BLUE_PILL
	vm-4cpu:4:test:$BLUE_PILL,$CONTROL vm-kexec:2:kexec:- vm-kdump:2:kdump:-"}

set -f		# the filters are globs for the guest, not for here
jobs=${VMXSCOPE_JOBS:-$(nproc)}
pids=()
names=()
for r in $runs; do
	IFS=: read -r name cpus mode filter <<<"$r"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	"$VM_DIR/run-vm.sh" --no-prepare --name "$name" --cpus "$cpus" \
		--mode "$mode" --filter "$filter" "${extra[@]}" \
		>"$BUILD/check-$name.log" 2>&1 &
	pids+=($!)
	names+=("$name")
done

pass=0 fail=0 skip=0
for i in "${!pids[@]}"; do
	name=${names[$i]}
	wait "${pids[$i]}"
	rc=$?
	cat "$BUILD/check-$name.log"
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$BUILD/check-$name.log" | tail -n1)
	if [ -n "$line" ]; then
		set -- $(echo "${line#*: }" | sed 's/[^0-9 ]//g')
		pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + ${3:-0}))
	fi
	# A run that failed without a verdict line still counts as a failure.
	[ $rc -ne 0 ] && [ -z "$line" ] && fail=$((fail + 1))
done
echo "vm: $pass passed, $fail failed, $skip skipped"
pass=$((pass + upass)) fail=$((fail + ufail))
echo "check: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
