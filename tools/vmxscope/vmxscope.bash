# SPDX-License-Identifier: GPL-2.0
# bash completion for vmxscope(8).  Nothing is spelled twice: commands and
# options come from the CLI's --help, MSR names and exception mnemonics
# from 'vmxscope names', trace events from tracefs, CPUs from sysfs.
# shellcheck shell=bash

_vmxscope_cpus()
{
	local range parts

	IFS=, read -ra parts </sys/devices/system/cpu/online 2>/dev/null || return
	for range in "${parts[@]}"; do
		seq "${range%-*}" "${range#*-}"
	done
}

_vmxscope_events()
{
	local d

	for d in /sys/kernel/tracing/events/vmxscope/vmxscope_*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		echo "${d##*/vmxscope_}"
	done
}

# The words of @1 completing $cur, one per COMPREPLY entry.
_vmxscope_reply()
{
	local IFS=$'\n'

	# shellcheck disable=SC2207
	COMPREPLY=($(compgen -P "${2:-}" -W "$1" -- "${3-$cur}"))
}

_vmxscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[0]} verb= i n=0 kind= words

	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -* ]] && continue
		if [ -z "$verb" ]; then
			verb=${COMP_WORDS[i]}
		else
			n=$((n + 1))
			[ -z "$kind" ] && kind=${COMP_WORDS[i]}
		fi
	done

	if [ -z "$verb" ]; then
		if [[ $cur == -* ]]; then
			words=$("$cmd" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
		else
			words=$("$cmd" --help 2>/dev/null |
				sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
		fi
		_vmxscope_reply "$words"
		return
	fi

	case $prev in
	--cpu)
		_vmxscope_reply "$(_vmxscope_cpus)"
		return ;;
	--event)
		_vmxscope_reply "$(_vmxscope_events)"
		return ;;
	--seconds|--pfec-mask|--pfec-match|--phys|--kaddr)
		return ;;
	--symbol)
		# Kernel symbols: only once the user typed a few letters.
		[[ ${#cur} -ge 3 ]] && _vmxscope_reply "$(awk -v p="$cur" \
			'index($3, p) == 1 { print $3 }' /proc/kallsyms 2>/dev/null |
			sort -u | head -200)"
		return ;;
	esac

	if [[ $cur == -* ]]; then
		_vmxscope_reply "$("$cmd" "$verb" --help 2>/dev/null |
				  grep -o -- '--[a-z-]*' | sort -u)"
		return
	fi

	case $verb:$n in
	trap:0|untrap:0)
		_vmxscope_reply "msr
io
exception
mem" ;;
	names:0)
		_vmxscope_reply "msr
exception" ;;
	trap:1|untrap:1)
		case $kind in
		msr)
			# Either end of FIRST-LAST may be a name.
			words=$("$cmd" names msr 2>/dev/null | cut -d' ' -f1)
			if [[ $cur == *-* ]]; then
				_vmxscope_reply "$words" "${cur%-*}-" "${cur##*-}"
			else
				_vmxscope_reply "$words"
			fi ;;
		exception)
			_vmxscope_reply "$("$cmd" names exception 2>/dev/null | cut -d' ' -f1)" ;;
		esac ;;
	esac
}

complete -F _vmxscope vmxscope
