#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the vmxscope-dkms and vmxscope-tools packages, unsigned, in
# OUT (default build/deb).  Builds in a copy of the tree so the work tree
# stays clean; debian/changelog is written there from VERSION, the one
# place the release is named.  Needs dpkg-dev, debhelper, dh-dkms and
# python3-docutils (the test runner installs them: lib.sh PKG_PKGS).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$top/build/deb}" && cd "${1:-$top/build/deb}" && pwd)
version=$(cat "$top/VERSION")
src=$out/src/vmxscope-$version

rm -rf "$out/src" "$out"/*.deb "$out"/*.ddeb "$out"/*.buildinfo "$out"/*.changes
mkdir -p "$src"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -

# The release date: the last commit's, so that builds are reproducible.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<EOT
vmxscope ($version) unstable; urgency=medium

  * Release $version (the source's Documentation/ describes it).

 -- $maint  $(date -u -R -d "@$epoch")
EOT

(cd "$src" && SOURCE_DATE_EPOCH=$epoch dpkg-buildpackage -us -uc -b) \
	>"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed ($out/build.log)" >&2; exit 1; }
mv "$out"/src/*.deb "$out"/
mv "$out"/src/*.ddeb "$out"/src/*.buildinfo "$out"/src/*.changes "$out"/ 2>/dev/null || true
rm -rf "$out/src"
ls "$out"/*.deb
