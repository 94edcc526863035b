#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel coding style over every tracked C, header and assembly file,
# with checkpatch.pl from Debian's linux-source.  One TAP line per file,
# then "checkpatch: N passed, N failed".  COMPLEX_MACRO is ignored: the
# X-macro tables (one table per fact) cannot be parenthesized.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

resolve_kver
series=$(echo "$KVER" | cut -d. -f1,2)
cp_dir=$CACHE/src-$series/scripts
if [ ! -f "$cp_dir/checkpatch.pl" ]; then
	need_pkgs "linux-source-$series" perl
	mkdir -p "$CACHE/src-$series"
	tar -xJf "/usr/src/linux-source-$series.tar.xz" -C "$CACHE/src-$series" \
		--strip-components=1 "linux-source-$series/scripts/checkpatch.pl" \
		"linux-source-$series/scripts/spelling.txt" \
		"linux-source-$series/scripts/const_structs.checkpatch" ||
		die "cannot extract checkpatch.pl"
fi

cd "$TOP" || exit 1
for f in $(git ls-files '*.c' '*.h' '*.S'); do
	tap_result "checkpatch $f" \
		"$("$cp_dir/checkpatch.pl" --no-tree --terse --ignore COMPLEX_MACRO -f "$f" 2>&1 |
		   grep -v '^total: ')"
done
tap_done checkpatch
