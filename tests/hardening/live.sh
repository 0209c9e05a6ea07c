#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# live.sh - a process using a jail library survives the updates that
# replace it; copying in place, for contrast, kills it
#
# usage: sh tests/hardening/live.sh PROG HELPERDIR
#
# The fake root gets the test module libnss_hxlive.so.2 (hxlivelib.c, a
# 512 KiB object whose every page the caller reads) named on the hosts
# line of nsswitch.conf, so the tool copies it into the jail.  hxlive, a
# stand-in for a long-running daemon, dlopen()s the jail copy and calls
# into it in a loop.  Then the host's module alternates between two
# builds (v1, v2) and `update` runs HX_LIVE_UPDATES times (default 1000),
# each replacing the jail copy.  Asserted: every update exits 0 and says
# "updated" for the module; the process is alive at the end, its calls
# kept growing, and none returned a wrong result; a process started
# afterwards maps the latest build.
#
# Contrast (HX_CP_RUNS times, default 5): the same process, but the jail
# copy is overwritten in place with cp(1), as the classic scripts do.
# How it ends (SIGBUS, SIGSEGV, wrong results, or alive) is counted and
# reported; nothing is asserted about it.
#
# Figures: updates, survivals, calls made; the fate of the cp runs.

set -eu
[ $# = 2 ] || { echo "usage: live.sh PROG HELPERDIR" >&2; exit 64; }
HX_PROG=$(readlink -f "$1")
HX_BIN=$(readlink -f "$2")
HX_NAME=live
. "$(dirname "$0")/lib.sh"
hx_enter_ns "$0" "$@"

HX_LIVE_UPDATES=${HX_LIVE_UPDATES:-1000}
HX_CP_RUNS=${HX_CP_RUNS:-5}

hx_preflight
[ -x "$HX_BIN/hxlive" ] || hx_die "$HX_BIN/hxlive missing"
hx_mktmp
hx_template debian

LIBDIR=usr/lib/x86_64-linux-gnu
MOD=$LIBDIR/libnss_hxlive.so.2

# The root with the module; the two builds kept beside it, outside the
# library directory.
hx_case
cp "$HX_BIN/v1/libnss_hxlive.so.2" "$R/$MOD"
cp "$HX_BIN/v1/libnss_hxlive.so.2" "$D/v1.so"
cp "$HX_BIN/v2/libnss_hxlive.so.2" "$D/v2.so"
touch -d '2020-01-01' "$D/v1.so"
touch -d '2021-01-01' "$D/v2.so"
sed -i 's/^hosts:.*/hosts:          files hxlive dns/' "$R/etc/nsswitch.conf"
hx_tool update
[ "$HX_RC" = 0 ] && grep -q "added $MOD" "$W/err" ||
    hx_die "the module did not reach the jail: $(cat "$W/err")"
hx_save live.start

# wait_calls FILE N - wait until the status FILE shows at least N calls
wait_calls() {
	wc_n=0
	while [ "$wc_n" -lt 200 ]; do
		wc_c=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' "$1" 2>/dev/null)
		[ -n "$wc_c" ] && [ "$wc_c" -ge "$2" ] && return 0
		sleep 0.05
		wc_n=$((wc_n + 1))
	done
	return 1
}

# ---- The updates --------------------------------------------------------

"$HX_BIN/hxlive" "$J/$MOD" "$W/live.status" &
live_pid=$!
echo "$live_pid" >"$HX_TMP/live.pid"
wait_calls "$W/live.status" 1000 || hx_die "hxlive does not run"
calls0=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' "$W/live.status")

n=0 fails=0
: >"$W/updates.err"
while [ "$n" -lt "$HX_LIVE_UPDATES" ]; do
	n=$((n + 1))
	# The host's module changes as a package upgrade would change it.
	if [ $((n % 2)) = 1 ]; then
		ln -f "$D/v2.so" "$R/$MOD"
	else
		ln -f "$D/v1.so" "$R/$MOD"
	fi
	"$HX_PROG" -r "$R" --state-dir "$S" update 2>>"$W/updates.err" ||
	    fails=$((fails + 1))
done
replaced=$(grep -c "updated $MOD" "$W/updates.err" || true)
alive=0
kill -0 "$live_pid" 2>/dev/null && alive=1
wait_calls "$W/live.status" $((calls0 + 1000)) || true
status_line=$(cat "$W/live.status")
kill "$live_pid" 2>/dev/null || true
rc=0
wait "$live_pid" || rc=$?
rm -f "$HX_TMP/live.pid"
calls=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' "$W/live.status")
bad=$(sed -n 's/.* bad=\([0-9]*\).*/\1/p' "$W/live.status")

if [ "$fails" = 0 ]; then r=0; else r=1; fi
hx_check $r "every update exits 0 ($fails of $HX_LIVE_UPDATES failed)"
if [ "$replaced" = "$HX_LIVE_UPDATES" ]; then r=0; else r=1; fi
hx_check $r "every update replaced the module ($replaced of $HX_LIVE_UPDATES)"
r=1
[ "$alive" != 1 ] || [ "$rc" != 0 ] || [ "${bad:-1}" != 0 ] || r=0
hx_check $r "the process survived ($status_line; exit $rc)"
if [ "${calls:-0}" -gt "$calls0" ]; then r=0; else r=1; fi
hx_check $r "its calls kept growing ($calls0 -> $calls)"

# A process started now maps the latest build.
want=$(( HX_LIVE_UPDATES % 2 == 1 ? 2 : 1 ))
"$HX_BIN/hxlive" "$J/$MOD" "$W/new.status" &
new_pid=$!
wait_calls "$W/new.status" 1 || true
kill "$new_pid" 2>/dev/null || true
wait "$new_pid" || true
if grep -q "version=$want " "$W/new.status"; then r=0; else r=1; fi
hx_check $r "a new process maps the latest build, v$want" \
    "($(cat "$W/new.status"))"

lived=NO
[ "$alive" != 1 ] || lived=yes
hx_say "live: $HX_LIVE_UPDATES updates replaced the module $replaced" \
    "times; the process using it survived: $lived, $calls calls, $bad wrong"

# ---- Contrast: copying in place ------------------------------------------

sigbus=0 sigsegv=0 wrong=0 survived=0 other=0 i=0
while [ "$i" -lt "$HX_CP_RUNS" ]; do
	i=$((i + 1))
	hx_case "$(hx_start live.start)"
	rm -f "$W/cp.status"
	"$HX_BIN/hxlive" "$J/$MOD" "$W/cp.status" &
	pid=$!
	echo "$pid" >"$HX_TMP/cp.pid"
	wait_calls "$W/cp.status" 1000 || true
	# What the classic scripts do: cp onto the existing file.
	j=0
	while [ "$j" -lt 20 ] && kill -0 "$pid" 2>/dev/null; do
		cp "$D/v2.so" "$J/$MOD"
		cp "$D/v1.so" "$J/$MOD"
		j=$((j + 1))
	done
	sleep 0.2
	kill "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" || rc=$?
	rm -f "$HX_TMP/cp.pid"
	case $rc in
	135) sigbus=$((sigbus + 1)) ;;		# 128 + SIGBUS
	139) sigsegv=$((sigsegv + 1)) ;;	# 128 + SIGSEGV
	2) wrong=$((wrong + 1)) ;;
	0 | 143) survived=$((survived + 1)) ;;
	*) other=$((other + 1)) ;;
	esac
done
hx_say "live: in-place cp, $HX_CP_RUNS runs: $sigbus SIGBUS," \
    "$sigsegv SIGSEGV, $wrong wrong results, $other other deaths," \
    "$survived unharmed"

[ -z "${HX_FIGURES:-}" ] ||
    echo "live: updates=$HX_LIVE_UPDATES replaced=$replaced survived=$alive" \
	"calls=$calls wrong=$bad; cp_in_place runs=$HX_CP_RUNS sigbus=$sigbus" \
	"sigsegv=$sigsegv wrong=$wrong other=$other unharmed=$survived" \
	>>"$HX_FIGURES"
hx_summary
