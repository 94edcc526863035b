#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Did preparing the emulated machine leave the host as it was?  Run as
#   hostguard.sh BEFORE AFTER DKMS-BEFORE
# with the host's package lists (dpkg-query -W -f '${Package}\n') from
# before and after prepare.sh, and what /var/lib/dkms held before.
# Checks that every package it installed is one that runs on the host
# ($HOST_PKGS, $PKG_PKGS, the kernel headers and sources, the checkers,
# and what they depend on), that none of the guest's tools or GUI toolkits
# was installed, that the host's boot and DKMS tree were not touched, and
# that the cache holds no work directory.  TAP lines, then
# "hostguard: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: hostguard.sh BEFORE AFTER DKMS-BEFORE"
resolve_kver
series=$(echo "$KVER" | cut -d. -f1,2)
new=$(comm -13 <(sort -u "$1") <(sort -u "$2"))

# What the host side may bring in: its packages and their dependencies.
# shellcheck disable=SC2086
allowed=$(dep_closure $HOST_PKGS $PKG_PKGS "linux-headers-$KVER" "linux-source-$series" \
	  perl qemu-system-x86)
tap_result "installs only what runs on the host" \
	"$(comm -23 <(echo "$new" | sed '/^$/d') <(echo "$allowed"))"

# bochs's dependencies name every GUI plugin: the toolkits are refused here.
deny='kexec-tools|trace-cmd|linux-perf|bochs-(wx|sdl|x)|libwx.*|libgtk.*|libsdl2.*'
bad=$(echo "$new" | grep -xE "$deny" | tr '\n' ' ')
tap_result "installs no guest tool and no GUI toolkit" "${bad:+installed: $bad}"

# Installing kexec-tools writes this and turns on kexec reboots.
bad=
grep -qx kexec-tools "$1" || { [ -e /etc/default/kexec ] && bad="/etc/default/kexec exists"; }
tap_result "leaves the host's reboot alone" "$bad"

# DKMS's trees and signing key for the packaging tests are $BUILD/dkms's:
# /var/lib/dkms holds what it held before (the third list).
tap_result "leaves the host's DKMS tree alone" \
	"$(comm -13 <(sort -u "$3") <(ls -A /var/lib/dkms 2>/dev/null | sort -u))"

tap_result "leaves no work directory in the cache" \
	"$(find "$CACHE" -maxdepth 3 \( -name lz4work -o -name '*.tmp' -o \
		-name dl -o -name guest-dl \) 2>/dev/null)"

tap_done hostguard
