# SPDX-License-Identifier: GPL-2.0
# Shared by the VM runner scripts: paths, the kernel to boot, dependencies.
# shellcheck shell=bash

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$VM_DIR/../../.." && pwd)
BUILD=${VMXSCOPE_BUILD:-$TOP/build/vm}
# Downloads and extracted packages outlive a clean clone.
CACHE=${VMXSCOPE_CACHE:-/var/cache/vmxscope}

# Host packages, all from Debian.
HOST_PKGS="bochs bochsbios vgabios busybox-static isolinux syslinux-common
	xorriso cpio gzip kmod lz4 xz-utils gcc make libc6-dev flex bison bc
	libelf-dev libssl-dev trace-cmd linux-perf kexec-tools"

msg() { echo "vm: $*" >&2; }
die() { echo "vm: error: $*" >&2; exit 1; }

apt_updated=
apt_update_once()
{
	[ -n "$apt_updated" ] && return
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt_updated=1
}

# Install the named Debian packages that are not installed yet.
need_pkgs()
{
	local p missing=

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root to install)"
	msg "installing:$missing"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

# The kernel to boot: $KVER, else the one Debian's linux-image-amd64 names.
resolve_kver()
{
	[ -n "${KVER:-}" ] && return
	KVER=$(apt-cache depends linux-image-amd64 2>/dev/null |
	       sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n1)
	if [ -z "$KVER" ]; then
		apt_update_once
		KVER=$(apt-cache depends linux-image-amd64 2>/dev/null |
		       sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n1)
	fi
	[ -n "$KVER" ] || die "cannot tell which linux-image-amd64 Debian ships"
}

# The kernel image and its modules, unpacked (not installed) into $KROOT.
fetch_kernel()
{
	KROOT=$CACHE/$KVER/root
	KDIR=/usr/src/linux-headers-$KVER
	need_pkgs "linux-headers-$KVER"
	if [ ! -f "$KROOT/boot/vmlinuz-$KVER" ]; then
		local dl=$CACHE/$KVER/dl

		mkdir -p "$dl"
		chown _apt "$dl" 2>/dev/null || true
		apt_update_once
		(cd "$dl" && apt-get download -qq "linux-image-$KVER") ||
			die "cannot download linux-image-$KVER"
		rm -rf "$KROOT.tmp"
		dpkg-deb -x "$dl"/linux-image-"$KVER"_*.deb "$KROOT.tmp"
		mv "$KROOT.tmp" "$KROOT"
		rm -rf "$dl"
	fi
}

# The kselftest headers, from Debian's kernel source package.
fetch_kselftest()
{
	local series=${KVER%%.*}.$(echo "$KVER" | cut -d. -f2)
	local tarball=/usr/src/linux-source-$series.tar.xz
	local t=tools/testing/selftests

	KSFT_DIR=$CACHE/src-$series/$t
	[ -f "$KSFT_DIR/kselftest_harness.h" ] && return
	need_pkgs "linux-source-$series"
	mkdir -p "$CACHE/src-$series"
	tar -xJf "$tarball" -C "$CACHE/src-$series" --strip-components=1 \
		"linux-source-$series/$t/kselftest.h" \
		"linux-source-$series/$t/kselftest_harness.h" ||
		die "cannot extract kselftest headers from $tarball"
}

# Which emulator offers VMX here: QEMU on nested KVM if Intel, else bochs.
detect_backend()
{
	local nested=/sys/module/kvm_intel/parameters/nested

	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo &&
	   grep -qE '^(Y|1)$' "$nested" 2>/dev/null &&
	   command -v qemu-system-x86_64 >/dev/null; then
		echo qemu
	else
		echo bochs
	fi
}
