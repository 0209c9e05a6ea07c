#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile.sh - hostile input through the whole program
#
# usage: sh tests/hardening/hostile.sh PROG HELPERDIR
#
# Each case builds a fake root with one hostile input and runs the tool
# on it (update, or update --trigger with a path list on stdin) under
# hxrun, which measures the exit status, the signal, the peak resident
# set and the time:
#   ELF objects named as NSS modules: truncated at many lengths, each
#     kind of broken header hxelf makes (program headers off the file,
#     65535 of them, a wrong entry size, a 1 GiB dynamic segment,
#     DT_NEEDED strings outside the string table, a 2^62 string table,
#     DT_STRTAB outside every segment, no NUL, no DT_NULL, two
#     PT_DYNAMIC, another class, another machine, no ELF magic), 300 MB
#     and 600 MB sparse objects, a 100 MB one, and, on a populated jail,
#     a module truncated or zero-filled on the host; dependency cycles; one
#     object with 10,000 DT_NEEDED entries; 10 modules with 1,000
#     dependencies each (10,000 objects); a chain 10,000 objects deep;
#     DT_NEEDED names that climb out ("../../etc/shadow", "/etc/shadow",
#     "$ORIGIN/../..", a newline, 60,000 bytes)
#   nsswitch.conf, main.cf and master.cf of binary garbage, with a line of
#     a megabyte (and a little more), with 10,000 modules, main.cf of
#     5 MB, a main.cf expansion that doubles 30 times, a reference loop
#   etc files behind a symbolic link loop and a chain of 1,000 links
#   extra_files with 10,000 entries
#   trigger path lists with NUL bytes, 100,000 lines (with and without a
#     relevant one at the end), a 10 MB line, binary garbage
# Asserted for each: no signal, no time-out (HX_TIMEOUT, default 60 s),
# peak RSS below HX_RSS_MAX_KB (default 100 MB), exit 0 or 1, and where
# the input is refused a message that names it; nothing outside the jail
# changes; no jail entry for /etc/shadow appears.  Faults listed in
# known-faults are reported as KNOWN.
#
# Figures: cases, crashes, hangs, the largest RSS and the longest run.

set -eu
[ $# = 2 ] || { echo "usage: hostile.sh PROG HELPERDIR" >&2; exit 64; }
HX_PROG=$(readlink -f "$1")
HX_BIN=$(readlink -f "$2")
HX_NAME=hostile
. "$(dirname "$0")/lib.sh"
hx_enter_ns "$0" "$@"

HX_TIMEOUT=${HX_TIMEOUT:-60}
HX_RSS_MAX_KB=${HX_RSS_MAX_KB:-102400}

hx_preflight
hx_mktmp
hx_template debian

LIBDIR=usr/lib/x86_64-linux-gnu
MOD=$LIBDIR/libnss_hx.so.2
CASES=$HX_TMP/cases.tsv
: >"$CASES"
KNOWN=0
ELF=$HX_BIN/hxelf

hx_case
hx_save first
hx_tool -q update
[ "$HX_RC" = 0 ] || hx_die "first update failed: $(cat "$W/err")"
hx_save pop

# ---- Building blocks -------------------------------------------------------

# garbage BYTES - binary garbage (our own helpers' machine code)
garbage() {
	g=0
	while [ "$g" -lt "$1" ]; do
		cat "$HX_BIN/hxsnap" "$HX_BIN/hxrun" "$HX_BIN/hxelf"
		g=$((g + 60000))
	done | head -c "$1"
}

# line BYTES CHAR - one line of BYTES times CHAR, no newline
line() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# hosts_line MODULES - the hosts line of the case's nsswitch.conf
hosts_line() {
	sed -i "s/^hosts:.*/hosts: files $1 dns/" "$R/etc/nsswitch.conf"
}

# ---- The cases -------------------------------------------------------------

# hostile NAME START PATTERN TAG SETUP [ARGS] - one case: a fresh copy of
# start tree START, SETUP ARGS applied, then update (with stdin from
# $W/stdin and --trigger when SETUP made that file).  PATTERN: text the
# messages must hold ("-": none needed).  TAG: the known fault the case
# may hit ("-": none).
hostile() {
	name=$1 start=$2 pat=$3 tag=$4
	shift 4
	hx_case "$(hx_start "$start")"
	rm -f "$W/stdin"
	"$@"
	hx_snap_outside "$W/outside.before"
	HX_RC=0
	if [ -f "$W/stdin" ]; then
		"$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" -i "$W/stdin" \
		    "$HX_PROG" -v -r "$R" --state-dir "$S" --trigger update \
		    >"$W/out" 2>"$W/err" || HX_RC=$?
	else
		"$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" \
		    "$HX_PROG" -r "$R" --state-dir "$S" update \
		    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	fi
	hx_read_run "$W/run"
	problems=
	[ "$HX_SIGNAL" = 0 ] || problems="$problems signal $HX_SIGNAL;"
	[ "$HX_TIMEDOUT" = 0 ] || problems="$problems time-out;"
	[ "$HX_SIGNAL" != 0 ] || [ "$HX_TIMEDOUT" != 0 ] ||
	    [ "$HX_RC" = 0 ] || [ "$HX_RC" = 1 ] ||
	    problems="$problems exit $HX_RC;"
	[ "$HX_RSS" -le "$HX_RSS_MAX_KB" ] ||
	    problems="$problems peak RSS $HX_RSS kB;"
	if [ "$pat" != - ] && ! grep -qF -e "$pat" "$W/err" "$W/out"; then
		problems="$problems no message with \"$pat\";"
	fi
	hx_snap_outside "$W/outside.after" "$W/outside.before" ||
	    problems="$problems changed outside;"
	[ ! -e "$J/etc/shadow" ] || problems="$problems etc/shadow in the jail;"
	if [ -n "${CHECK:-}" ]; then
		"$CHECK" || problems="$problems $CHECK_WHAT;"
	fi
	msg=$(grep -m 1 -e 'warning:' -e 'error:' -e 'fatal:' \
	    -e 'trigger paths' -e 'concerns the jail' "$W/err" ||
	    head -n 1 "$W/err")
	msg=$(printf '%.160s' "$msg")
	if [ -z "$problems" ]; then
		verdict=ok
		hx_pass "$name"
	elif [ "$tag" != - ] && hx_known "$tag"; then
		verdict=KNOWN:$tag
		KNOWN=$((KNOWN + 1))
		printf 'KNOWN %s:%s (%s)\n' "$name" "$problems" "$tag"
	else
		verdict=FAIL
		hx_fail "$name:$problems exit $HX_RC: $msg"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$HX_RC" \
	    "$HX_SIGNAL" "$HX_TIMEDOUT" "$HX_RSS" "$HX_MS" "$verdict" \
	    "$msg" >>"$CASES"
	CHECK=
}

# A check some cases add: the jail's libraries survived.
libs_kept() {
	for lib in libnss_systemd.so.2 libnss_mdns4_minimal.so.2 \
	    libcap.so.2.66 libresolv.so.2; do
		[ -e "$J/$LIBDIR/$lib" ] || return 1
	done
}

# -- ELF objects as the module libnss_hx.so.2 --

# elf_module KIND [ARGS...] - the module, made by hxelf (ARGS: what
# hxelf takes after the soname: NEEDED names, or PREFIX COUNT for many)
elf_module() {
	em_kind=$1
	shift
	hosts_line hx
	"$ELF" "$em_kind" "$R/$MOD" libnss_hx.so.2 "$@"
	[ -f "$R/$MOD" ] || hx_die "hxelf $em_kind made no module"
}
# elf_needing NEEDED... - a sound module needing NEEDED
elf_needing() {
	hosts_line hx
	"$ELF" ok "$R/$MOD" libnss_hx.so.2 "$@"
}
# elf_trunc LEN - a real object cut at LEN bytes
elf_trunc() {
	hosts_line hx
	head -c "$1" "$HX_BIN/v1/libnss_hxlive.so.2" >"$R/$MOD"
}
# elf_sparse SIZE - a real object grown (sparse) to SIZE
elf_sparse() {
	hosts_line hx
	cp "$HX_BIN/v1/libnss_hxlive.so.2" "$R/$MOD"
	truncate -s "$1" "$R/$MOD"
}

full=$(wc -c <"$HX_BIN/v1/libnss_hxlive.so.2")
for len in 0 1 4 16 52 63 64 100 120 1000 4096 65536 300000 \
    $((full - 4096)) $((full - 1)); do
	hostile "elf-truncated-$len" first libnss_hx.so.2 - elf_trunc "$len"
done
for kind in phoff phnum phentsize dynsize dynoverlap strout strhuge \
    strtabva nonul nodtnull dupdyn class32 machine notelf; do
	hostile "elf-$kind" first libnss_hx.so.2 - elf_module "$kind" libdep.so
done
hostile elf-sparse-300M first "libnss_hx.so.2: cannot read" - elf_sparse 300M
hostile elf-sparse-600M first libnss_hx.so.2 - elf_sparse 600M
hostile elf-sparse-100M first - - elf_sparse 100M

# Dependency cycles.
elf_cycle() {
	hosts_line hx
	"$ELF" ok "$R/$LIBDIR/libcyca.so.1" libcyca.so.1 libcycb.so.1
	"$ELF" ok "$R/$LIBDIR/libcycb.so.1" libcycb.so.1 libcyca.so.1 \
	    libnss_hx.so.2
	"$ELF" ok "$R/$MOD" libnss_hx.so.2 libcyca.so.1 libnss_hx.so.2
}
hostile elf-cycle first - - elf_cycle

# Ten thousand dependencies, three ways.
hostile elf-needed-10000 first \
    "libnss_hx.so.2: cannot read ELF headers: past a limit of the ELF reader" \
    - elf_module many libdep 10000
elf_fan() {
	"$ELF" fan "$R/$LIBDIR" fx 10 1000
	hosts_line "fx0 fx1 fx2 fx3 fx4 fx5 fx6 fx7 fx8 fx9"
}
hostile elf-fan-10000 first "shared objects" - elf_fan
elf_chain() {
	"$ELF" chain "$R/$LIBDIR" dep 10000
	elf_needing dep0.so
}
hostile elf-chain-10000 first - deep-needed-chain-crash elf_chain

# Names that try to climb out, or break lines.
hostile elf-names first - - elf_needing "../../../../../../etc/shadow" \
    /etc/shadow '$ORIGIN/../../../../etc/shadow' "$(printf 'a\nb.so')" \
    "$(line 60000 n).so"

# -- nsswitch.conf --

ns_garbage() { garbage 500000 >"$R/etc/nsswitch.conf"; }
ns_megaline() {
	{ printf 'hosts: files '; line "$1" x; printf '\n'; } \
	    >>"$R/etc/nsswitch.conf"
}
ns_modules() {
	{ printf 'hosts: files'; i=0
	  while [ "$i" -lt 10000 ]; do printf ' m%d' "$i"; i=$((i + 1)); done
	  printf '\n'; } >>"$R/etc/nsswitch.conf"
}
hostile ns-garbage first "nsswitch.conf: holds a NUL byte" - ns_garbage
hostile ns-line-900k first - - ns_megaline 900000
hostile ns-modules-10000 first "nsswitch.conf: names more than 256 modules" \
    - ns_modules
hostile ns-line-1100k first "nsswitch.conf: larger than 1048576 bytes" - \
    ns_megaline 1100000

# The same on a populated jail: an nsswitch.conf the tool cannot use is
# no reason to take the modules away from the running daemons.
for c in "ns-line-1100k ns_megaline 1100000" "ns-garbage ns_garbage" \
    "ns-modules-10000 ns_modules"; do
	# shellcheck disable=SC2086
	set -- $c
	n=$1
	shift
	CHECK=libs_kept CHECK_WHAT="the jail's libraries were removed"
	hostile "$n-populated" pop nsswitch.conf plan-incomplete-removes "$@"
done

# A module that an upgrade left broken on the host, on a populated jail.
elf_broken_module() {
	head -c "$1" "$R/$LIBDIR/libnss_systemd.so.2" >"$W/broken"
	cat "$W/broken" >"$R/$LIBDIR/libnss_systemd.so.2"
}
CHECK=libs_kept CHECK_WHAT="the jail's libraries were removed"
hostile elf-truncated-populated pop libnss_systemd.so.2 \
    plan-incomplete-removes elf_broken_module 100
elf_zeroed_module() {
	head -c 4096 /dev/zero | dd of="$R/$LIBDIR/libnss_systemd.so.2" \
	    conv=notrunc 2>/dev/null
}
CHECK=libs_kept CHECK_WHAT="the jail's libraries were removed"
hostile elf-zeroed-populated pop libnss_systemd.so.2 \
    nonelf-module-removes elf_zeroed_module

# -- main.cf --

mc_garbage() { garbage 500000 >>"$C/main.cf"; }
mc_megaline() { { line 1048576 x; printf ' = y\n'; } >>"$C/main.cf"; }
mc_value() {
	{ printf 'myorigin = '; line 1048576 v; printf '\n'; } >>"$C/main.cf"
}
mc_huge() { line 5000000 '#' >>"$C/main.cf"; }
mc_bomb() {
	{ echo "a0 = xxxxxxxxxxxxxxxx"; i=1
	  while [ "$i" -le 30 ]; do
		echo "a$i = \$a$((i - 1))\$a$((i - 1))"; i=$((i + 1))
	  done
	  echo "local_recipient_maps = unix:passwd.byname \$a30"
	  echo "queue_directory = /var/spool/postfix\$a30"; } >>"$C/main.cf"
}
mc_loop() {
	{ echo "a = \$b"; echo "b = \$a"
	  echo "queue_directory = /var/spool/postfix\$a"; } >>"$C/main.cf"
}
hostile mc-garbage first main.cf - mc_garbage
hostile mc-line-1M-name first - - mc_megaline
hostile mc-line-1M-value first - - mc_value
hostile mc-5M first main.cf - mc_huge
hostile mc-expand-2^30 first - - mc_bomb
hostile mc-expand-loop first - - mc_loop

# -- master.cf --

mcf_garbage() { garbage 500000 >>"$C/master.cf"; }
mcf_megaline() {
	{ line 1048576 s; printf ' unix - - y - - smtpd\n'; } >>"$C/master.cf"
}
hostile mcf-garbage first master.cf - mcf_garbage
hostile mcf-line-1M first master.cf - mcf_megaline

# -- etc files behind links --

link_loop() {
	rm -f "$R/etc/hosts"
	ln -s hosts.loop "$R/etc/hosts"
	ln -s hosts "$R/etc/hosts.loop"
}
link_chain() {
	mv "$R/etc/hosts" "$R/etc/hosts.real"
	i=1000
	ln -s hosts.real "$R/etc/h$i"
	while [ "$i" -gt 1 ]; do
		ln -s "h$i" "$R/etc/h$((i - 1))"
		i=$((i - 1))
	done
	ln -s h1 "$R/etc/hosts"
}
link_self_dir() {
	rm -f "$R/etc/services"
	ln -s ../etc/../etc/services "$R/etc/services"
}
hostile link-loop first /etc/hosts - link_loop
hostile link-chain-1000 first /etc/hosts - link_chain
hostile link-self first /etc/services - link_self_dir
hosts_kept() { [ -f "$J/etc/hosts" ]; }
CHECK=hosts_kept CHECK_WHAT="the jail's etc/hosts was removed"
hostile link-loop-populated pop /etc/hosts etc-source-error-removes link_loop

# -- extra_files --

extra_many() {
	{ printf 'extra_files ='; i=0
	  while [ "$i" -lt 10000 ]; do
		printf ' /etc/x%d' "$i"; i=$((i + 1))
	  done
	  printf '\n'; } >"$R/etc/postfix-chroot.conf"
}
hostile extra-10000 first - - extra_many

# -- trigger path lists on stdin --

trig_nul() {
	{ printf '/usr/lib/x86_64-linux-gnu/libnss_systemd.so.2\0\n'
	  printf '\0\0\0\n/usr/bin/x\0/etc/hosts\n/opt/\0\n'; } >"$W/stdin"
}
trig_lines() {
	i=0
	while [ "$i" -lt 1000 ]; do
		printf '/usr/share/doc/pkg%d/file\n' "$i"; i=$((i + 1))
	done >"$W/chunk"
	i=0
	while [ "$i" -lt 100 ]; do
		cat "$W/chunk"; i=$((i + 1))
	done >"$W/stdin"
	[ "$1" = irrelevant ] || echo /etc/hosts >>"$W/stdin"
}
trig_longline() { line 10000000 a >"$W/stdin"; }
trig_garbage() { garbage 1000000 >"$W/stdin"; }
hostile trigger-nul pop "trigger paths" - trig_nul
hostile trigger-100k-irrelevant pop "none of 100000 trigger paths" - \
    trig_lines irrelevant
hostile trigger-100k-relevant-last pop "/etc/hosts concerns the jail" - \
    trig_lines relevant
hostile trigger-10M-line pop - - trig_longline
hostile trigger-garbage pop - - trig_garbage

# ---- Figures -------------------------------------------------------------

n=$(wc -l <"$CASES")
crashes=$(awk -F '\t' '$3 != 0' "$CASES" | wc -l)
hangs=$(awk -F '\t' '$4 != 0' "$CASES" | wc -l)
rss=$(awk -F '\t' '$5 > m { m = $5; c = $1 }
    END { print m " kB (" c ")" }' "$CASES")
ms=$(awk -F '\t' '$6 > m { m = $6; c = $1 }
    END { print m " ms (" c ")" }' "$CASES")
hx_say "hostile: $n cases, $crashes crashed, $hangs hung; peak RSS $rss;" \
    "longest $ms; $KNOWN on a known fault"
[ -z "${HX_FIGURES:-}" ] || {
	echo "hostile: cases=$n crashes=$crashes hangs=$hangs peak_rss=$rss" \
	    "longest=$ms known_fault=$KNOWN"
	awk -F '\t' '{ printf "hostile: %s: exit %s signal %s rss %s kB" \
	    " %s ms %s: %s\n", $1, $2, $3, $5, $6, $7, $8 }' "$CASES"
} >>"$HX_FIGURES"
hx_summary
