#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Re-wrap a stock Debian x86-64 bzImage with an LZ4 decompressor.
#
# The decompressed kernel (vmlinux.bin + relocs) is taken byte for byte
# from VMLINUZ, so module vermagic stays valid; only arch/x86/boot is
# rebuilt from the Debian source tarball with CONFIG_KERNEL_LZ4=y.  Under
# an emulator this cuts the XZ decompressor's ~4.5e9 instructions.
#
# Usage: lz4-kernel.sh VMLINUZ CONFIG SRC_TARBALL WORKDIR OUT
#   VMLINUZ      stock bzImage (boot/vmlinuz-* of the linux-image .deb)
#   CONFIG       its .config (boot/config-*)
#   SRC_TARBALL  /usr/src/linux-source-6.1.tar.xz (linux-source-6.1)
#   WORKDIR      scratch dir, reused on later runs
#   OUT          LZ4 bzImage to write
# Exits 0 only when OUT was written and verified; otherwise prints one
# line on stderr and exits non-zero (callers fall back to VMLINUZ).
#
# Needs: gcc libc6-dev make flex bison bc lz4 xz-utils

set -u
# Keep a caller's make or kbuild settings out of this build.
unset MAKEFLAGS MFLAGS MAKELEVEL KBUILD_OUTPUT O ARCH CROSS_COMPILE LLVM LLVM_IAS \
	KCONFIG_CONFIG KCFLAGS KCPPFLAGS KAFLAGS HOSTCFLAGS HOSTLDFLAGS

die() { echo "lz4-kernel.sh: $*" >&2; exit 1; }

[ $# -eq 5 ] || die "usage: lz4-kernel.sh VMLINUZ CONFIG SRC_TARBALL WORKDIR OUT"
VMLINUZ=$1 CONFIG=$2 TARBALL=$3 W=$4 OUT=$5
for f in "$VMLINUZ" "$CONFIG" "$TARBALL"; do
	[ -r "$f" ] || die "cannot read $f"
done
for t in gcc make flex bison bc lz4 xz readelf flock; do
	command -v $t >/dev/null || die "missing tool: $t"
done
mkdir -p "$W" || die "cannot create $W"
W=$(cd "$W" && pwd) S=$W/src LOG=$W/build.log
exec 9>"$W/.lock" && flock 9 || die "cannot lock $W"
: > "$LOG"

# Little-endian unsigned field of SIZE bytes at OFFSET in FILE.
rd() { od -An -t "u$3" -j $(($2)) -N "$3" "$1" | tr -d ' '; }

# Compressed payload of a bzImage (boot protocol >= 2.08), with the
# trailing 4-byte uncompressed size that the kernel appends.
payload() {
	local pm=$((($(rd "$1" 0x1f1 1) + 1) * 512))
	tail -c +$((pm + $(rd "$1" 0x248 4) + 1)) "$1" | head -c "$(rd "$1" 0x24c 4)"
}

# Kernel version string that the setup header points to.
kver() { tail -c +$(($(rd "$1" 0x20e 2) + 0x200 + 1)) "$1" | head -c 256 | tr '\0' '\n' | head -n 1; }

[ "$(tail -c +515 "$VMLINUZ" | head -c 4)" = HdrS ] || die "$VMLINUZ is not a bzImage"
[ "$(rd "$VMLINUZ" 0x206 2)" -ge $((0x208)) ] || die "boot protocol too old"

# 1. Decompress the stock payload: vmlinux.bin (stripped ELF) + relocs.
payload "$VMLINUZ" > "$W/payload" || die "cannot read payload"
xz -dc --single-stream "$W/payload" > "$W/vmlinux.bin.all" 2>>"$LOG" ||
	die "payload of $VMLINUZ is not valid XZ (not a stock image?)"
[ "$(stat -c %s "$W/vmlinux.bin.all")" = "$(tail -c 4 "$W/payload" | od -An -t u4 | tr -d ' ')" ] ||
	die "payload size trailer mismatch"
A=$W/vmlinux.bin.all
[ "$(head -c 5 "$A" | od -An -c | tr -d ' ')" = "177ELF002" ] || die "payload is not an ELF64 image"
elf_len=$(($(rd "$A" 40 8) + $(rd "$A" 58 2) * $(rd "$A" 60 2)))
[ $elf_len -lt "$(stat -c %s "$A")" ] || die "no relocation table after the ELF"

# 2. Unpack the parts of the source tree arch/x86/boot needs (once).
stamp="$(stat -c '%n %s %Y' "$TARBALL")"
if [ "$(cat "$S/.lz4-stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$S" && mkdir -p "$S" || die "cannot create $S"
	top=$(basename "$TARBALL" .tar.xz)
	xz -dc "$TARBALL" | tar -x -C "$S" --strip-components=1 --wildcards \
		"$top/Makefile" "$top/Kbuild" '*/Kconfig*' "$top/scripts" \
		"$top/include" "$top/init" "$top/arch/x86" "$top/lib" \
		"$top/drivers/firmware/efi" "$top/tools/include" \
		"$top/kernel/bounds.c" "$top/kernel/time/timeconst.bc" \
		2>>"$LOG" || die "cannot extract $TARBALL"
	# Use the vmlinux.bin, relocs and voffset.h we supply, not vmlinux.
	sed -i 's/: vmlinux FORCE$/:/' "$S/arch/x86/boot/compressed/Makefile"
	[ "$(grep -c '^$(obj)/[./a-z]*:$' "$S/arch/x86/boot/compressed/Makefile")" = 3 ] ||
		die "unexpected arch/x86/boot/compressed/Makefile"
	echo "$stamp" > "$S/.lz4-stamp"
fi

# The boot code must come from the same kernel version.
ver=$(kver "$VMLINUZ")
rel=${ver%% *}
srcver=$(sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' "$S/Makefile" | paste -sd.)
case "$ver" in
*" Debian $srcver-"*) ;;
*) die "source $srcver does not match kernel '$ver'" ;;
esac

# Same version string as the stock image ("REL (USER@HOST) #N FLAGS DATE").
KBUILD_BUILD_USER=$(echo "$ver" | sed -n 's/^[^ ]* (\([^@]*\)@.*/\1/p')
KBUILD_BUILD_HOST=$(echo "$ver" | sed -n 's/^[^ ]* ([^@]*@\([^)]*\)) .*/\1/p')
KBUILD_BUILD_VERSION=$(echo "$ver" | sed -n 's/^[^)]*) #\([^ ]*\) .*/\1/p')
KBUILD_BUILD_TIMESTAMP=$(echo "$ver" |
	sed -e 's/^[^)]*) #[^ ]* //' -e 's/^SMP //' -e 's/^PREEMPT[A-Z_]* //')
export KBUILD_BUILD_USER KBUILD_BUILD_HOST KBUILD_BUILD_VERSION KBUILD_BUILD_TIMESTAMP

# Copy $1 to $2 only if it differs, so that make sees no change otherwise.
update() { cmp -s "$1" "$2" || cp "$1" "$2"; }

# 3. Debian's config with LZ4 instead of XZ.
cp "$CONFIG" "$W/config" &&
	"$S/scripts/config" --file "$W/config" --disable KERNEL_XZ --disable KERNEL_GZIP \
		--disable KERNEL_BZIP2 --disable KERNEL_LZMA --disable KERNEL_LZO \
		--disable KERNEL_ZSTD --enable KERNEL_LZ4 || die "cannot edit config"
if ! cmp -s "$W/config" "$S/.config.in"; then
	cp "$W/config" "$S/.config" &&
		make -C "$S" ARCH=x86 olddefconfig >>"$LOG" 2>&1 &&
		grep -q '^CONFIG_KERNEL_LZ4=y' "$S/.config" &&
		cp "$W/config" "$S/.config.in" || die "olddefconfig failed, see $LOG"
fi

# 4. Feed in the stock payload.  voffset.h wants a few linker symbols;
# Debian ships no System.map, but they are section boundaries (see
# arch/x86/kernel/vmlinux.lds.S): _end is .brk's end, page aligned.
C=$S/arch/x86/boot/compressed
head -c $elf_len "$A" > "$W/vmlinux.bin" && update "$W/vmlinux.bin" "$C/vmlinux.bin"
tail -c +$((elf_len + 1)) "$A" > "$W/vmlinux.relocs" && update "$W/vmlinux.relocs" "$C/vmlinux.relocs"
readelf -SW "$W/vmlinux.bin" | sed -n 's/^ *\[ *[0-9]*\] *//p' | {
	while read -r name _ addr _ size _; do
		case $name in
		.text) text=$addr ;;
		.rodata) rodata=$addr ;;
		.bss) bss=$addr ;;
		.brk) end=$(printf %016x $(((0x$addr + 0x$size + 4095) & ~4095))) ;;
		esac
	done
	[ -n "${text:-}" ] && [ -n "${rodata:-}" ] && [ -n "${bss:-}" ] && [ -n "${end:-}" ] || exit 1
	printf '#define VO_%s _AC(0x%s,UL)\n' __bss_start "$bss" __start_rodata "$rodata" \
		_end "$end" _text "$text"
} > "$W/voffset.h" || die "cannot find .text/.rodata/.bss/.brk in the payload"
update "$W/voffset.h" "$S/arch/x86/boot/voffset.h"

# 5. Build arch/x86/boot and just the generated files it depends on.
cat > "$W/lz4.mk" <<'EOF'
.PHONY: lz4-bzImage
lz4-bzImage: outputmakefile archheaders scripts_basic asm-generic $(version_h) \
		include/generated/utsrelease.h include/generated/compile.h
	$(Q)$(MAKE) $(build)=. prepare
	$(Q)$(MAKE) $(build)=init include/generated/utsversion.h
	$(Q)$(MAKE) $(build)=arch/x86/kernel/cpu arch/x86/kernel/cpu/capflags.c
	$(Q)$(MAKE) $(build)=arch/x86/lib arch/x86/lib/inat-tables.c
	$(Q)$(MAKE) $(build)=drivers/firmware/efi/libstub drivers/firmware/efi/libstub/lib.a
	$(Q)$(MAKE) $(build)=arch/x86/boot arch/x86/boot/bzImage
EOF
make -C "$S" -j"$(nproc)" -f Makefile -f "$W/lz4.mk" lz4-bzImage \
	ARCH=x86 KERNELRELEASE="$rel" >>"$LOG" 2>&1 || die "build failed, see $LOG"

# 6. Verify: same decompressed kernel, version string and load parameters.
B=$S/arch/x86/boot/bzImage
payload "$B" > "$W/payload.lz4" &&
	[ "$(head -c 4 "$W/payload.lz4" | od -An -t x4 | tr -d ' ')" = 184c2102 ] &&
	head -c -4 "$W/payload.lz4" | lz4 -dc 2>>"$LOG" | cmp -s - "$A" &&
	[ "$(tail -c 4 "$W/payload.lz4" | od -An -t u4 | tr -d ' ')" = "$(stat -c %s "$A")" ] ||
	die "rebuilt image does not decompress to the stock kernel"
[ "$(kver "$B")" = "$ver" ] || die "version string differs: $(kver "$B")"
for f in 0x211:1 0x230:4 0x234:1 0x236:2 0x258:8; do
	[ "$(rd "$B" ${f%:*} ${f#*:})" = "$(rd "$VMLINUZ" ${f%:*} ${f#*:})" ] ||
		die "setup header field ${f%:*} differs from the stock image"
done

cp "$B" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT" || die "cannot write $OUT"
