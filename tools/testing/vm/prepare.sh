#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs what the emulated test machine needs (Debian packages only) and
# builds module, CLI and selftests against the kernel it boots, packed into
# $BUILD/initrd.img next to $BUILD/vmlinuz.  Prints nothing on success but
# progress on stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs $HOST_PKGS
resolve_kver
fetch_kernel
fetch_kselftest
fetch_guest_tools
mkdir -p "$BUILD"
msg "kernel $KVER"

# The boot image: the LZ4 re-wrap if it can be made, else Debian's vmlinuz.
vmlinuz=$KROOT/boot/vmlinuz-$KVER
fast=$CACHE/$KVER/vmlinuz-lz4
if [ ! -f "$fast" ] && [ -x "$VM_DIR/lz4-kernel.sh" ] && [ -z "${VMXSCOPE_STOCK_KERNEL:-}" ]; then
	series=$(echo "$KVER" | cut -d. -f1,2)
	need_pkgs "linux-source-$series"
	msg "re-wrapping the kernel with an LZ4 decompressor (once per kernel)"
	# Its scratch tree (hundreds of MB) is not kept, failed or not.
	trap 'rm -rf "$BUILD/lz4work"' EXIT
	"$VM_DIR/lz4-kernel.sh" "$vmlinuz" "$KROOT/boot/config-$KVER" \
		"/usr/src/linux-source-$series.tar.xz" "$BUILD/lz4work" \
		"$fast" >"$BUILD/lz4-kernel.log" 2>&1 ||
		msg "LZ4 re-wrap failed (see $BUILD/lz4-kernel.log); booting the stock kernel"
	rm -rf "$BUILD/lz4work" "$CACHE/$KVER/lz4work"
fi
if [ -f "$fast" ] && [ -z "${VMXSCOPE_STOCK_KERNEL:-}" ]; then
	cp "$fast" "$BUILD/vmlinuz"
else
	cp "$vmlinuz" "$BUILD/vmlinuz"
fi

# Module, built in a copy so the work tree stays clean.
msg "building vmxscope.ko"
rm -rf "$BUILD/mod"
mkdir -p "$BUILD/mod"
for d in Kbuild VERSION src arch include; do
	[ -e "$TOP/$d" ] && cp -r "$TOP/$d" "$BUILD/mod/"
done
make -s -C "$KDIR" M="$BUILD/mod" modules >"$BUILD/module-build.log" 2>&1 ||
	{ cat "$BUILD/module-build.log" >&2; die "module build failed"; }
grep -E 'warning:' "$BUILD/module-build.log" >&2 || true
# The selftests' fault-injection build (VMXSCOPE_TEST=y), in a copy too.
rm -rf "$BUILD/mod-test"
cp -r "$BUILD/mod" "$BUILD/mod-test"
make -s -C "$KDIR" M="$BUILD/mod-test" VMXSCOPE_TEST=y clean modules \
	>"$BUILD/module-test-build.log" 2>&1 ||
	{ cat "$BUILD/module-test-build.log" >&2; die "test module build failed"; }

# The selftests' helper module (selftests/kmod), in a copy too.
rm -rf "$BUILD/kmod"
cp -r "$TOP/selftests/kmod" "$BUILD/kmod"
make -s -C "$KDIR" M="$BUILD/kmod" modules >"$BUILD/kmod-build.log" 2>&1 ||
	{ cat "$BUILD/kmod-build.log" >&2; die "selftest module build failed"; }

# The module the guest loads is the one DKMS builds from the vmxscope-dkms
# package, as on a user's machine: DKMS's trees and its signing key
# (dkms signs with a MOK it makes when none exists) stay in $BUILD/dkms.
msg "building the packages, and vmxscope.ko through DKMS"
need_pkgs $PKG_PKGS
"$TOP/tools/packaging/deb.sh" "$BUILD/deb" >/dev/null || die "make deb failed"
version=$(cat "$TOP/VERSION")
dk=$BUILD/dkms
rm -rf "$dk"
mkdir -p "$dk/var/lib/dkms"
dpkg-deb -x "$BUILD/deb/vmxscope-dkms_${version}_all.deb" "$dk" ||
	die "cannot unpack vmxscope-dkms"
dkms_run() {
	mok_signing_key=$dk/mok.key mok_certificate=$dk/mok.der \
		dkms "$@" -m vmxscope -v "$version" --dkmstree "$dk/var/lib/dkms" \
		--sourcetree "$dk/usr/src" >>"$BUILD/dkms.log" 2>&1
}
: >"$BUILD/dkms.log"
dkms_run add && dkms_run build -k "$KVER" --kernelsourcedir "$KDIR" ||
	{ cat "$BUILD/dkms.log" >&2; die "dkms build failed"; }
DKMS_KO=$dk/var/lib/dkms/vmxscope/$version/$KVER/$(uname -m)/module/vmxscope.ko
[ -f "$DKMS_KO" ] || die "dkms built no $DKMS_KO"

msg "building the CLI and selftests"
make -s -C "$TOP/tools/vmxscope" STATIC=1 OUTPUT="$BUILD" >/dev/null
make -s -C "$TOP/selftests" OUTPUT="$BUILD/selftests" KSFT_DIR="$KSFT_DIR" >/dev/null
make -s -C "$TOP/tools/testing/bench" OUTPUT="$BUILD/bench" >/dev/null

# The initramfs: busybox, /init, the module, the CLI, the selftests, the
# benchmark and the few Debian modules the tests load, with a modules.dep
# for modprobe.
root=$BUILD/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,vmxscope/test,selftests,bench}
cp /bin/busybox "$root/bin/busybox"
cp "$VM_DIR/init.sh" "$root/init"
cp "$VM_DIR/demo.sh" "$root/demo.sh"
cp "$DKMS_KO" "$root/vmxscope/"
cp "$BUILD/mod-test/vmxscope.ko" "$root/vmxscope/test/"
cp "$BUILD/vmxscope" "$root/bin/vmxscope"
cp -r "$BUILD/selftests/." "$root/selftests/"
mkdir -p "$root/selftests/kmod"
cp "$BUILD/kmod/vmxscope_gp_test.ko" "$root/selftests/kmod/"
cp "$BUILD/bench/bench" "$root/bench/"
# What trace_tools checks the documented bpftrace one-liners against.
mkdir -p "$root/selftests/doc"
cp "$TOP/Documentation/tracepoints.rst" "$root/selftests/doc/"
# A guest tool from $GROOT and the libraries it loads, at their paths:
# $GROOT's own, else the host's.
glibs="$GROOT/lib/x86_64-linux-gnu:$GROOT/usr/lib/x86_64-linux-gnu"
copy_exec()
{
	local f

	for f in "$GROOT$1" $(LD_LIBRARY_PATH=$glibs ldd "$GROOT$1" |
			      awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
		f=${f#"$GROOT"}
		mkdir -p "$root$(dirname "$f")"
		if [ -e "$GROOT$f" ]; then
			cp -L "$GROOT$f" "$root$f"
		else
			cp -L "$f" "$root$f"
		fi
	done
}
for t in $GUEST_TOOLS; do
	[ -e "$GROOT$t" ] || die "$t is not in the guest tools ($GROOT)"
	copy_exec "$t"
done

printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
mods=$root/lib/modules/$KVER
for m in $GUEST_KMODS; do
	mkdir -p "$mods/kernel/$(dirname "$m")"
	cp "$KROOT/lib/modules/$KVER/kernel/$m" "$mods/kernel/$m"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$KROOT/lib/modules/$KVER/$f" "$mods/"
done
depmod -b "$root" "$KVER"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | lz4 -l -9 -q >"$BUILD/initrd.img"

# A kexec run's extra: the kernel to kexec and what it boots (this tree
# without the tracing tools, only the selftests it runs), as an archive
# that run-vm.sh appends to the initrd of kexec runs only.
mini=$BUILD/initramfs-kexec
payload=$BUILD/kexec-payload
rm -rf "$mini" "$payload"
cp -a "$root" "$mini"
rm -rf "$mini/usr" "$mini/lib/x86_64-linux-gnu" "$mini/lib64"
find "$mini/selftests" -type f ! -name run_tests.sh ! -name blue_pill \
	! -name module_load -delete
mkdir -p "$payload/boot"
(cd "$mini" && find . | cpio -o -H newc -R 0:0 --quiet) | lz4 -l -9 -q >"$payload/boot/initrd-kexec.img"
cp "$BUILD/vmlinuz" "$payload/boot/vmlinuz"
cp "$VM_DIR/kexec.sh" "$VM_DIR/kdump.sh" "$payload/"
(cd "$payload" && find . | cpio -o -H newc -R 0:0 --quiet) >"$BUILD/kexec-payload.img"
rm -rf "$mini" "$payload"
echo "$KVER" >"$BUILD/kver"
msg "initramfs $(du -h "$BUILD/initrd.img" | cut -f1)"
