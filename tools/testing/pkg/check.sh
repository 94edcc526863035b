#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The install paths a user takes, checked on the host after prepare.sh
# (which built the .debs and the DKMS module the guest loads): the
# packages and what they hold, lintian, DKMS, modinfo, the man page, shell
# completion, make install/uninstall with DESTDIR, make sign.  TAP lines,
# then "pkg: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/../vm/lib.sh"

resolve_kver
KDIR=/usr/src/linux-headers-$KVER
version=$(cat "$TOP/VERSION")
deb=$BUILD/deb
dkms_deb=$deb/vmxscope-dkms_${version}_all.deb
tools_deb=$deb/vmxscope-tools_${version}_amd64.deb
work=$BUILD/pkg
rm -rf "$work"
mkdir -p "$work"

# The files of a .deb, one a line, without the leading "./".
deb_files() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./||; /\/$/d'; }
# What of the lines of $1 is missing from the list $2.
missing() { comm -23 <(echo "$1" | sort) <(echo "$2" | sort); }

got=$(cd "$deb" 2>/dev/null && ls ./*.deb | sed 's|^\./||' | sort | tr '\n' ' ')
want="$(basename "$dkms_deb") $(basename "$tools_deb") "
tap_result "make deb builds vmxscope-dkms and vmxscope-tools, nothing else" \
	"$([ "$got" = "$want" ] || echo "got: $got; want: $want")"

out=$(lintian --allow-root --pedantic --fail-on error,warning,info,pedantic \
	"$dkms_deb" "$tools_deb" 2>&1)
tap_result "lintian, pedantic: no tag but the explained overrides" \
	"$([ $? -eq 0 ] && [ -z "$out" ] || echo "$out")"

src=usr/src/vmxscope-$version
err=$(missing "$src/dkms.conf
$src/Kbuild
$src/VERSION
$src/src/main.c
$src/include/uapi/linux/vmxscope.h" "$(deb_files "$dkms_deb")")
dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xO "./$src/dkms.conf" |
	grep -qx "PACKAGE_VERSION=\"$version\"" || err="$err dkms.conf: no PACKAGE_VERSION=\"$version\""
dpkg-deb -I "$dkms_deb" postinst | grep -q 'dkms' || err="$err postinst: no dkms"
tap_result "vmxscope-dkms: the module's source and DKMS's hooks" "$err"

err=$(missing "usr/sbin/vmxscope
usr/share/man/man8/vmxscope.8.gz
usr/share/bash-completion/completions/vmxscope
usr/include/linux/vmxscope.h
usr/include/linux/vmxscope_vmcs.h" "$(deb_files "$tools_deb")")
tap_result "vmxscope-tools: CLI, man page, completion, ABI headers" "$err"

# The module the guest loaded: DKMS's, for the test kernel, signed by
# the MOK DKMS made (prepare.sh).
ko=$BUILD/dkms/var/lib/dkms/vmxscope/$version/$KVER/$(uname -m)/module/vmxscope.ko
err=
if [ ! -f "$ko" ]; then
	err="no DKMS module $ko"
else
	[ "$(modinfo -F version "$ko")" = "$version" ] || err="$err version"
	modinfo -F vermagic "$ko" | grep -q "^$KVER " || err="$err vermagic"
	[ "$(modinfo -F signer "$ko")" = "DKMS module signing key" ] || err="$err not signed by DKMS"
	cmp -s "$ko" "$BUILD/initramfs/vmxscope/vmxscope.ko" ||
		err="$err the guest's /vmxscope/vmxscope.ko is not DKMS's"
fi
tap_result "DKMS builds the module the guest loads, for the test kernel, signed" "$err"

# modinfo: a description, the release, and help for every parameter (the
# test build has parameters, so the check is not empty).
err=
for m in "$BUILD/mod/vmxscope.ko" "$BUILD/mod-test/vmxscope.ko"; do
	[ -n "$(modinfo -F description "$m")" ] || err="$err $m: no description"
	[ "$(modinfo -F version "$m")" = "$version" ] || err="$err $m: version"
	err="$err$(modinfo -F parm "$m" | grep -v '^[a-z_0-9]*:[^ (].* ([a-z]*)$' |
		   sed "s|^|; $m: parameter without help: |")"
done
[ "$(modinfo -F parm "$BUILD/mod-test/vmxscope.ko" | wc -l)" -gt 0 ] ||
	err="$err test build: no parameters"
tap_result "modinfo: description, version, help for every parameter" "$err"

# The packaged man page renders, and names every command and option the
# CLI's help texts name.
root=$work/root
mkdir -p "$root"
dpkg-deb -x "$tools_deb" "$root"
cli=$BUILD/vmxscope
man=$work/vmxscope.txt
err=
MANWIDTH=80 man -l "$root/usr/share/man/man8/vmxscope.8.gz" >"$man" 2>"$work/man.err" ||
	err="man -l failed: $(cat "$work/man.err")"
verbs=$("$cli" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
for v in $verbs; do
	grep -qE "^   $v\$" "$man" || err="$err; no section for command $v"
	for o in $("$cli" "$v" --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "$o" "$man" || err="$err; $v: option $o not described"
	done
done
[ -n "$verbs" ] || err="$err; no commands in vmxscope --help"
tap_result "man page renders, every command and option described" "$err"

# Completion, installed where bash-completion looks for it.
comp=$root/usr/share/bash-completion/completions/vmxscope
err=$(bash -n "$comp" 2>&1)
cat >"$work/complete.sh" <<EOT
export XDG_DATA_DIRS=$root/usr/share PATH=$(dirname "$cli"):\$PATH
. /usr/share/bash-completion/bash_completion
_completion_loader vmxscope
t() {
	local want=\$1
	shift
	COMP_WORDS=("\$@") COMP_CWORD=\$((\$# - 1)) COMPREPLY=()
	_vmxscope
	[ "\${COMPREPLY[*]}" = "\$want" ] || echo "\$* -> '\${COMPREPLY[*]}', want '\$want'"
}
t trap vmxscope tr
t IA32_LSTAR vmxscope trap msr IA32_LS
t LSTAR-IA32_CSTAR vmxscope trap msr LSTAR-IA32_CS
t GP vmxscope --json trap exception G
t --read vmxscope untrap msr 0x10 --re
t "\$(_vmxscope_cpus | tr '\n' ' ' | sed 's/ \$//')" vmxscope stats --cpu ''
t --version vmxscope --vers
EOT
[ -z "$err" ] && err=$(bash "$work/complete.sh" 2>&1)
[ -z "$err" ] && [ "$(bash -c ". $comp; _vmxscope_cpus" | wc -l)" != "$(getconf _NPROCESSORS_ONLN)" ] &&
	err="CPU list differs from the online CPU count"
tap_result "bash completion: commands, options, MSR names, vectors, CPUs" "$err"

# make install / uninstall into DESTDIR, from a copy of the tree.
tree=$work/tree
mkdir -p "$tree"
tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf -
dest=$work/dest
err=
make -s -C "$tree" install install-dkms DESTDIR="$dest" PREFIX=/usr KDIR="$KDIR" \
	>"$work/install.log" 2>&1 || err="make install failed: $(tail -5 "$work/install.log")"
want="lib/modules/$KVER/updates/vmxscope.ko
usr/include/linux/vmxscope.h
usr/include/linux/vmxscope_vmcs.h
usr/sbin/vmxscope
usr/share/bash-completion/completions/vmxscope
usr/share/man/man8/vmxscope.8"
got=$(cd "$dest" 2>/dev/null && find . -type f | sed 's|^\./||' | grep -v "^usr/src/" | sort)
[ "$got" = "$want" ] || err="$err; installed: $(echo $got); want: $(echo $want)"
grep -qx "PACKAGE_VERSION=\"$version\"" "$dest/usr/src/vmxscope-$version/dkms.conf" 2>/dev/null ||
	err="$err; install-dkms: no dkms.conf for $version"
make -s -C "$tree" uninstall uninstall-dkms DESTDIR="$dest" PREFIX=/usr KDIR="$KDIR" \
	>>"$work/install.log" 2>&1 || err="$err; make uninstall failed"
left=$(find "$dest" -type f)
tap_result "make install/uninstall DESTDIR= PREFIX=: every file, then none" \
	"$err${left:+; left after uninstall: $left}"

# make sign with a throwaway key: the kernel's sign-file, the key's name.
err=
openssl req -new -x509 -nodes -days 1 -subj "/CN=vmxscope test key" \
	-newkey rsa:2048 -keyout "$work/key.pem" -outform DER -out "$work/cert.der" \
	>/dev/null 2>&1 || err="openssl failed"
make -s -C "$tree" sign KDIR="$KDIR" >/dev/null 2>&1 && err="$err; sign without KEY= succeeded"
make -s -C "$tree" sign KDIR="$KDIR" KEY="$work/key.pem" CERT="$work/cert.der" \
	>"$work/sign.log" 2>&1 || err="$err; make sign failed: $(cat "$work/sign.log")"
[ "$(modinfo -F signer "$tree/vmxscope.ko" 2>/dev/null)" = "vmxscope test key" ] ||
	err="$err; vmxscope.ko not signed by the key"
tap_result "make sign KEY= CERT= signs vmxscope.ko with that key" "$err"
rm -rf "$tree" "$dest" "$work/key.pem"

tap_done pkg
