# SPDX-License-Identifier: GPL-2.0
# Shared by the VM runner scripts: paths, the kernel to boot, dependencies.
# shellcheck shell=bash

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$VM_DIR/../../.." && pwd)
BUILD=${VMXSCOPE_BUILD:-$TOP/build/vm}
# Downloads and extracted packages outlive a clean clone.
CACHE=${VMXSCOPE_CACHE:-/var/cache/vmxscope}

# Host packages, all from Debian: only what runs on the host.  bochs-term
# satisfies bochs's need for a GUI plugin without wxWidgets; the runs use
# its built-in rfb display, never a window.
HOST_PKGS="bochs bochs-term bochsbios vgabios busybox-static isolinux
	syslinux-common xorriso cpio gzip kmod lz4 xz-utils gcc make libc6-dev
	flex bison bc libelf-dev libssl-dev"

# Building and checking the Debian packages (make deb, DKMS, lintian) and
# the man page and completion they hold: host tools too.
PKG_PKGS="dpkg-dev debhelper dh-dkms dkms python3-docutils lintian man-db
	bash-completion openssl"

# Tools that run only in the guest: their .debs and those of the libraries
# the host lacks are unpacked under $CACHE/guest-root, never installed
# (installing kexec-tools would turn on kexec reboots of the host).
GUEST_PKGS="trace-cmd linux-perf kexec-tools"
GUEST_TOOLS="/usr/bin/trace-cmd /usr/bin/perf /sbin/kexec"

# Kernel modules of the Debian kernel the tests use (paths under kernel/).
GUEST_KMODS="arch/x86/kernel/msr.ko virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko"

msg() { echo "vm: $*" >&2; }
die() { echo "vm: error: $*" >&2; exit 1; }

# apt and dpkg say nothing unless they fail; then the command and its
# output are shown.
quiet_run()
{
	local log

	log=$(mktemp "${TMPDIR:-/tmp}/vmxscope-apt.XXXXXX")
	if ! "$@" >"$log" 2>&1; then
		echo "vm: this failed: $*" >&2
		cat "$log" >&2
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
}

apt_updated=
apt_update_once()
{
	[ -n "$apt_updated" ] && return
	quiet_run apt-get update || die "apt-get update failed"
	apt_updated=1
}

# TAP for the host-side checks: tap_result NAME [WHAT-WENT-WRONG] prints
# "ok"/"not ok" (an empty second argument is a pass), tap_done LABEL the
# plan and "LABEL: N passed, N failed", and fails if anything did.
tap_n=0 tap_pass=0 tap_fail=0
tap_result()
{
	tap_n=$((tap_n + 1))
	if [ -z "${2:-}" ]; then
		echo "ok $tap_n $1"
		tap_pass=$((tap_pass + 1))
	else
		echo "$2" | sed 's/^/# /'
		echo "not ok $tap_n $1"
		tap_fail=$((tap_fail + 1))
	fi
}

tap_done()
{
	echo "1..$tap_n"
	echo "$1: $tap_pass passed, $tap_fail failed"
	[ $tap_fail -eq 0 ]
}

# The named packages and everything they depend on (no recommends), one a
# line: what installing them may bring in.
dep_closure()
{
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		grep -v '^ ' | sort -u
}

# Downloads the named .debs into the fresh folder $1 (apt's sandbox user
# must own it); on failure removes it and dies naming $2.
download_debs()
{
	local dl=$1 what=$2

	shift 2
	rm -rf "$dl"
	mkdir -p "$dl"
	chown _apt "$dl" 2>/dev/null || true
	apt_update_once
	(cd "$dl" && quiet_run apt-get download "$@") ||
		{ rm -rf "$dl"; die "cannot download $what"; }
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Install the named Debian packages that are not installed yet.
need_pkgs()
{
	local p missing=

	for p in "$@"; do
		installed "$p" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root to install)"
	msg "installing:$missing"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive quiet_run apt-get install -y \
		-o Dpkg::Use-Pty=0 --no-install-recommends $missing ||
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

# Of the kernel image package, what the runs use, unpacked (not installed)
# into $KROOT: the kernel, its config and $GUEST_KMODS.
fetch_kernel()
{
	local dl=$CACHE/$KVER/dl m f want=

	KROOT=$CACHE/$KVER/root
	KDIR=/usr/src/linux-headers-$KVER
	need_pkgs "linux-headers-$KVER"
	for f in boot/vmlinuz-$KVER boot/config-$KVER; do
		want="$want ./$f"
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		want="$want ./lib/modules/$KVER/$f"
	done
	for m in $GUEST_KMODS; do
		want="$want ./lib/modules/$KVER/kernel/$m"
	done
	# Earlier versions unpacked the whole package (400 MB): not .subset.
	for f in $want ./.subset; do
		[ -f "$KROOT/$f" ] || { rm -rf "$KROOT"; break; }
	done
	[ -d "$KROOT" ] && return
	download_debs "$dl" "linux-image-$KVER" "linux-image-$KVER"
	rm -rf "$KROOT.tmp"
	mkdir -p "$KROOT.tmp"
	# shellcheck disable=SC2086
	dpkg-deb --fsys-tarfile "$dl"/linux-image-"$KVER"_*.deb |
		tar -x -C "$KROOT.tmp" $want ||
		{ rm -rf "$dl" "$KROOT.tmp"; die "cannot unpack linux-image-$KVER"; }
	rm -rf "$dl"
	touch "$KROOT.tmp/.subset"
	mv "$KROOT.tmp" "$KROOT"
}

# $GUEST_PKGS and the libraries they need that the host lacks, unpacked
# (not installed) into $GROOT; again when Debian has newer versions.
fetch_guest_tools()
{
	local dl=$CACHE/guest-dl stamp p pkgs=

	GROOT=$CACHE/guest-root
	apt_update_once
	# "2": the tools themselves are unpacked even when the host has them.
	stamp="2 $(apt-cache policy $GUEST_PKGS | sed -n 's/^ *Candidate: //p' | tr '\n' ' ')"
	[ -f "$GROOT/.stamp" ] && [ "$(cat "$GROOT/.stamp")" = "$stamp" ] && return
	# The tools always (the host may have one, perf say, at another
	# version or path); of their libraries, those the host lacks.
	pkgs=" $GUEST_PKGS"
	# shellcheck disable=SC2086
	for p in $(dep_closure $GUEST_PKGS | grep '^lib'); do
		installed "$p" || pkgs="$pkgs $p"
	done
	msg "unpacking guest tools:$pkgs"
	rm -rf "$GROOT" "$GROOT.tmp"
	# shellcheck disable=SC2086
	download_debs "$dl" "the guest tools" $pkgs
	mkdir -p "$GROOT.tmp"
	for p in "$dl"/*.deb; do
		dpkg-deb -x "$p" "$GROOT.tmp" ||
			{ rm -rf "$dl" "$GROOT.tmp"; die "cannot unpack $p"; }
	done
	rm -rf "$dl"
	echo "$stamp" >"$GROOT.tmp/.stamp"
	mv "$GROOT.tmp" "$GROOT"
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

# The emulators' configurations, here so that the unit tests check them
# (tools/testing/unit/vm_config_test.sh) without booting anything.
# bochs_config MODEL CPUS MIB ISO COM1 KERNEL-LOG BOCHS-LOG: a bochsrc.
# One TSC tick per instruction (ips), SMP in one thread, headless rfb.
# Bochs backs at most 2048 MiB of guest memory with host memory at once
# (its host_size limit) and pages larger guests through that pool.
bochs_config()
{
	cat <<EOT
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
memory: guest=$3, host=$(($3 < 2048 ? $3 : 2048))
cpu: model=$1, count=$2, ips=100000000, quantum=32, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=local
ata0-master: type=cdrom, path=$4, status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
com1: enabled=1, $5
com2: enabled=1, mode=file, dev=$6
log: $7
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOT
}

# qemu_args CPUS MIB KERNEL INITRD CMDLINE SERIAL1 SERIAL2: QEMU's
# arguments on nested KVM (Intel, kvm_intel nested=1), one a line.
qemu_args()
{
	printf '%s\n' -accel kvm -cpu host -smp "$1" -m "$2" -kernel "$3" \
		-initrd "$4" -append "$5" -display none -no-reboot \
		-serial "$6" -serial "$7"
}
