#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# crash.sh - kill -9 the tool at every step; the jail must stay whole
#
# usage: sh tests/hardening/crash.sh PROG HELPERDIR
#
# Three scenarios, each started from the same tree every time:
#   first    update on an empty jail (first population)
#   refresh  update on a populated jail after every host source changed,
#            one module left nsswitch.conf (a removal) and one joined it
#            (an addition), a module file became a link and a link a file
#   enable   enable on master.cf (which edits master.cf, then updates)
#
# How a run is killed.  hxkill.so (LD_PRELOAD) counts the calls that
# change the file system and sends SIGKILL just before call N.  The
# uninterrupted run says how many calls there are (M); every N in 1..M
# is tried, then HX_KILLS more kills at random N, then HX_TIME_KILLS at
# a random delay (hxrun -k), which also hits between calls.
#
# After each kill, for the jail:
#   - every entry is its state before the run or after an uninterrupted
#     run (type, owner, mode, size and content hash); an entry in both
#     states is never missing; nothing else is there but the tool's
#     temporary files
#   - the next update exits 0, leaves no temporary file, and the jail,
#     the manifest and `check` are exactly those of an uninterrupted run
# and for master.cf (enable): it is the old or the new text, never
# anything else; the backup is absent, the old text, or what it was; the
# next enable exits 0 and gives the uninterrupted result.
#
# Figures: kills done, inconsistent states (must be 0).
# Environment: HX_KILLS (default 60 random-N kills per update scenario),
# HX_TIME_KILLS (default 30), HX_ENABLE_KILLS (default 40 random-N kills
# of enable beyond the sweep), HX_SEED.

set -eu
[ $# = 2 ] || { echo "usage: crash.sh PROG HELPERDIR" >&2; exit 64; }
HX_PROG=$(readlink -f "$1")
HX_BIN=$(readlink -f "$2")
HX_NAME=crash
. "$(dirname "$0")/lib.sh"
hx_enter_ns "$0" "$@"

HX_KILLS=${HX_KILLS:-60}
HX_TIME_KILLS=${HX_TIME_KILLS:-30}
HX_ENABLE_KILLS=${HX_ENABLE_KILLS:-40}
HX_SEED=${HX_SEED:-$$}

hx_preflight
hx_mktmp
hx_template debian

LIBDIR=usr/lib/x86_64-linux-gnu
KILLS=0
BAD=0
KNOWN=0
BADLIST=$HX_TMP/bad.txt
: >"$BADLIST"

# rand N - a pseudo-random number in 0..N-1 (awk, seeded per call)
RAND_STATE=$HX_SEED
rand() {
	RAND_STATE=$(awk -v s="$RAND_STATE" 'BEGIN {
	    s = (s * 1103515245 + 12345) % 2147483648; print s }')
	echo $((RAND_STATE % $1))
}

# prepare_refresh - populate the case's jail, then change its host
prepare_refresh() {
	hx_case
	hx_tool -q update
	[ "$HX_RC" = 0 ] ||
	    hx_die "refresh: first update failed: $(cat "$W/err")"
	hx_host_change v2

	# Two entries change their kind: a module file becomes a link of a
	# chain, and a library's soname link becomes the file itself (its
	# old target then leaves the jail).
	mv "$R/$LIBDIR/libnss_systemd.so.2" "$R/$LIBDIR/libnss_systemd.so.2.0"
	ln -s libnss_systemd.so.2.0 "$R/$LIBDIR/libnss_systemd.so.2"
	rm "$R/$LIBDIR/libcap.so.2"
	mv "$R/$LIBDIR/libcap.so.2.66" "$R/$LIBDIR/libcap.so.2"
	cp "$HX_BIN/v1/libnss_hxlive.so.2" "$R/$LIBDIR/libnss_hxlive.so.2"
	sed -i 's/^hosts:.*/hosts: files hxlive [NOTFOUND=return] dns/' \
	    "$R/etc/nsswitch.conf"
	hx_save refresh.start
}

# reference NAME CMD... - from start tree NAME.start, the uninterrupted
# result: NAME.old and NAME.new (jail snapshots before and after),
# NAME.manifest, NAME.mcf and NAME.mcf.old (master.cf after and before),
# NAME.m (changing calls), NAME.ms (run time)
reference() {
	name=$1
	shift
	hx_case "$HX_TMP/$name.start"
	hx_snap_jail "$HX_TMP/$name.old"
	cp "$C/master.cf" "$HX_TMP/$name.mcf.old"
	HX_RC=0
	LD_PRELOAD=$HX_BIN/hxkill.so HXK_COUNT=$HX_TMP/$name.m \
	    "$HX_PROG" -q -r "$R" --state-dir "$S" $XOPTS "$@" \
	    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	[ "$HX_RC" = 0 ] ||
	    hx_die "$name: uninterrupted run failed: $(cat "$W/err")"
	hx_snap_jail "$HX_TMP/$name.new"
	hx_manifest >"$HX_TMP/$name.manifest"
	cp "$C/master.cf" "$HX_TMP/$name.mcf"
	[ "$(hx_temps)" = 0 ] ||
	    hx_die "$name: temporary files after a clean run"
	hx_case "$HX_TMP/$name.start"
	"$HX_BIN/hxrun" -o "$HX_TMP/$name.ms" "$HX_PROG" -q -r "$R" \
	    --state-dir "$S" $XOPTS "$@" >/dev/null 2>&1 || true
}

# judge_jail NAME - after a kill: old or new, entry by entry
judge_jail() {
	hx_snap_jail "$W/after"
	hx_oldnew "$HX_TMP/$1.old" "$HX_TMP/$1.new" "$W/after"
}

# jail_diff WANT HAVE - how two jail snapshots differ, one line each; a
# directory that is all right but for mode 0700 is the known fault
# dir-mode-after-kill (jail_mkdir() makes it 0700 and sets 0755 later;
# nothing repairs it after a kill in between)
jail_diff() {
	diff "$1" "$2" | awk -F '\t' '
	/^[<>] / { side = substr($0, 1, 1); $0 = substr($0, 3)
		k = $1 FS $2 FS $4; m[side, k] = $3; keys[k] = 1; next }
	END {
		for (k in keys) {
			split(k, f, FS)
			h = ((">", k) in m)
			w = (("<", k) in m)
			if (h && w && f[2] == "d" &&
			    m[">", k] == "0700" && m["<", k] == "0755")
				print "known:dir-mode-after-kill: " f[1] \
				    " left 0700"
			else if (h && w)
				print "jail: " f[1] ": mode " m[">", k] \
				    ", want " m["<", k]
			else if (h)
				print "jail: " f[1] ": not as an" \
				    " uninterrupted run leaves it"
			else
				print "jail: " f[1] ": missing or different"
		}
	}' | sort -u
}

# judge_recovery NAME CMD... - the next run completes the job exactly
judge_recovery() {
	name=$1
	shift
	hx_tool -q $XOPTS "$@"
	[ "$HX_RC" = 0 ] || echo "rerun exit $HX_RC: $(head -c 300 "$W/err")"
	[ "$(hx_temps)" = 0 ] || echo "temporary files left after the rerun"
	hx_snap_jail "$W/final"
	jail_diff "$HX_TMP/$name.new" "$W/final"
	hx_manifest | cmp -s - "$HX_TMP/$name.manifest" ||
	    echo "manifest differs from the uninterrupted run"
	cmp -s "$C/master.cf" "$HX_TMP/$name.mcf" ||
	    echo "master.cf differs from the uninterrupted run"
	hx_tool $XOPTS check
	[ "$HX_RC" = 0 ] ||
	    echo "check after the rerun: exit $HX_RC: $(head -c 300 "$W/out")"
}

# judge_mcf NAME - master.cf and its backup after a kill of enable
judge_mcf() {
	if ! cmp -s "$C/master.cf" "$HX_TMP/$1.mcf.old" &&
	    ! cmp -s "$C/master.cf" "$HX_TMP/$1.mcf"; then
		echo "master.cf is neither the old nor the new text"
	fi
	bak=$C/master.cf.postfix-chroot.bak
	if [ -e "$bak" ] && ! cmp -s "$bak" "$HX_TMP/$1.mcf.old"; then
		echo "master.cf backup is not the old text"
	fi
	return 0
}

# all_known TAG... - every TAG is in known-faults
all_known() {
	for t in "$@"; do
		hx_known "$t" || return 1
	done
	return 0
}

# one_kill NAME HOW CMD... - one killed run and its judgement
# HOW is "at N" or "after USEC"
one_kill() {
	name=$1 how=$2
	shift 2
	hx_case "$HX_TMP/$name.start"
	HX_RC=0
	case $how in
	at*)
		LD_PRELOAD=$HX_BIN/hxkill.so HXK_AT=${how#at } \
		    "$HX_PROG" -q -r "$R" --state-dir "$S" $XOPTS "$@" \
		    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
		;;
	after*)
		"$HX_BIN/hxrun" -k "${how#after }" -o "$W/run" \
		    "$HX_PROG" -q -r "$R" --state-dir "$S" $XOPTS "$@" \
		    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
		;;
	esac
	KILLS=$((KILLS + 1))
	{
		[ "$HX_RC" = 137 ] || [ "$HX_RC" = 0 ] ||
		    echo "killed run exit $HX_RC: $(head -c 200 "$W/err")"
		judge_jail "$name"
		[ "$name" != enable ] || judge_mcf "$name"
		judge_recovery "$name" "$@"
	} >"$W/verdict"
	tags=$(sed -n 's/^known:\([^:]*\):.*/\1/p' "$W/verdict" | sort -u)
	if [ -s "$W/verdict" ] && ! grep -qv '^known:' "$W/verdict" &&
	    all_known $tags; then
		KNOWN=$((KNOWN + 1))
		printf 'KNOWN %s: kill %s: %s\n' "$name" "$how" \
		    "$(head -n 2 "$W/verdict" | tr '\n' ';')"
		printf '%s %s: %s\n' "$name" "$how" \
		    "$(tr '\n' ';' <"$W/verdict")" >>"$BADLIST"
	elif [ -s "$W/verdict" ]; then
		BAD=$((BAD + 1))
		hx_fail "$name: kill $how:" \
		    "$(head -n 3 "$W/verdict" | tr '\n' ';')"
		printf '%s %s: %s\n' "$name" "$how" \
		    "$(tr '\n' ';' <"$W/verdict")" >>"$BADLIST"
	else
		hx_pass "$name: kill $how"
	fi
}

# scenario NAME RANDOM TIMED CMD... - sweep, random N, random delays
scenario() {
	name=$1 nrand=$2 ntime=$3
	shift 3
	reference "$name" "$@"
	m=$(cat "$HX_TMP/$name.m")
	ms=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' "$HX_TMP/$name.ms")
	before=$KILLS bad0=$BAD known0=$KNOWN
	n=1
	while [ "$n" -le "$m" ]; do
		one_kill "$name" "at $n" "$@"
		n=$((n + 1))
	done
	i=0
	while [ "$i" -lt "$nrand" ]; do
		one_kill "$name" "at $(($(rand "$m") + 1))" "$@"
		i=$((i + 1))
	done
	i=0
	while [ "$i" -lt "$ntime" ]; do
		one_kill "$name" "after $(rand $((${ms:-30} * 1000 + 1)))" "$@"
		i=$((i + 1))
	done
	hx_say "$name: $m changing calls; $((KILLS - before)) kills," \
	    "$((BAD - bad0 + KNOWN - known0)) inconsistent" \
	    "($((KNOWN - known0)) of a known fault)"
}

# The start trees.
hx_case
hx_save first.start
hx_save enable.start
prepare_refresh

XOPTS=
for s in first refresh; do
	scenario "$s" "$HX_KILLS" "$HX_TIME_KILLS" update
done
scenario enable "$HX_ENABLE_KILLS" 10 enable

# First population again, labelling with a test file_contexts: a kill
# between creating an entry and labelling it must be repaired as well.
q=/var/spool/postfix
printf '%s\n' \
    "$q(/.*)?	system_u:object_r:var_spool_t:s0" \
    "$q/etc(/.*)?	system_u:object_r:etc_t:s0" \
    "$q/etc/localtime	--	system_u:object_r:locale_t:s0" \
    "$q/lib(64)?(/.*)?	system_u:object_r:lib_t:s0" \
    "$q/usr(/.*)?	system_u:object_r:usr_t:s0" \
    "$q/usr/lib(64)?(/.*)?	system_u:object_r:lib_t:s0" \
    >"$HX_TMP/file_contexts"
XOPTS="--file-contexts $HX_TMP/file_contexts"
hx_case "$HX_TMP/first.start"
hx_save labelled.start
scenario labelled 0 0 update

hx_say "crash: $KILLS kills, $((BAD + KNOWN)) inconsistent states" \
    "($KNOWN of a known fault, $BAD new)"
if [ -s "$BADLIST" ]; then
	hx_say "crash: kinds of inconsistency:"
	sed 's/^[a-z]* at [0-9]*: //; s/^[a-z]* after [0-9]*: //' "$BADLIST" |
	    sort | uniq -c | sort -rn | head -n 10
fi
[ -z "${HX_FIGURES:-}" ] ||
    echo "crash: kills=$KILLS inconsistent=$((BAD + KNOWN))" \
    "known_fault=$KNOWN new=$BAD" >>"$HX_FIGURES"
hx_summary
