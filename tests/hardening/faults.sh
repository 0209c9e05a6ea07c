#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# faults.sh - full disks, read-only file systems, unreadable and vanishing
# sources, a held lock
#
# usage: sh tests/hardening/faults.sh PROG HELPERDIR
#
# Runs in a private mount namespace, where it mounts what it needs: small
# tmpfs jails and state directories, read-only remounts, and a tmpfs on
# /dev with null, zero, urandom and a syslog socket (hxsyslog) at
# /dev/log, so that what --trigger mode sends to syslog can be read back.
#
# Each fault is run on a populated jail whose host sources all changed
# (or on an empty jail, for first population), interactively and, where
# the message matters, with --trigger.  Asserted for each:
#   - interactive: non-zero exit, an error line naming the object and
#     saying what failed (strerror)
#   - --trigger: exit 0, the same message in syslog
#   - every jail entry is as before the run or as after an undisturbed
#     one (never truncated or mixed), no temporary file is left, and the
#     entries the fault concerns are as they were
#   - once the fault is gone, the next update gives exactly the jail of
#     an undisturbed run and check is clean
#
# Faults: ENOSPC (jail tmpfs filling during first population and during
# a refresh; full state directory), EROFS (read-only jail, read-only
# state directory), EACCES (a capability-reduced root: setpriv drops
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, and a
# mode 000 host file then refuses root too: an etc file, a library,
# nsswitch.conf), a host file vanishing between plan and copy (hxkill.so
# unlinks it at the lock's flock(), after planning), a lock held by
# another run (interactive: exit 75 at once; --trigger: wait, then either
# run or give up with exit 0 and a syslog line; the wait is shortened by
# hxkill.so's HXK_FASTSLEEP), and master.cf locked by another editor.
#
# Figures: one line per fault: exit status and message.

set -eu
[ $# = 2 ] || { echo "usage: faults.sh PROG HELPERDIR" >&2; exit 64; }
HX_PROG=$(readlink -f "$1")
HX_BIN=$(readlink -f "$2")
HX_NAME=faults
. "$(dirname "$0")/lib.sh"
hx_enter_ns --always "$0" "$@"

hx_preflight
command -v flock >/dev/null || hx_die "flock missing (util-linux)"
hx_mktmp
hx_template debian

LIBDIR=usr/lib/x86_64-linux-gnu
FAULTS=$HX_TMP/faults.tsv
: >"$FAULTS"
CAPLESS="setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search"

# ---- A syslog we can read ------------------------------------------------

mkdir "$HX_TMP/olddev"
mount --bind /dev "$HX_TMP/olddev"
mount -t tmpfs -o mode=0755 hxdev /dev
mknod -m 0666 /dev/null c 1 3
mknod -m 0666 /dev/zero c 1 5
mknod -m 0666 /dev/full c 1 7
mknod -m 0666 /dev/random c 1 8
mknod -m 0666 /dev/urandom c 1 9
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
SYSLOG=$HX_TMP/syslog
: >"$SYSLOG"
"$HX_BIN/hxsyslog" /dev/log "$SYSLOG" "$HX_TMP/syslog.ready" &
echo $! >"$HX_TMP/syslog.pid"
i=0
while [ ! -s "$HX_TMP/syslog.ready" ] && [ "$i" -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -S /dev/log ] || hx_die "no syslog socket"

# ---- Trees ---------------------------------------------------------------

# A large extra file, so that a small jail fills up in the middle.
head -c 3000000 /dev/zero | tr '\0' 'x' >"$HX_TPL/root/etc/big.dat"
echo "extra_files = /etc/big.dat" >"$HX_TPL/root/etc/postfix-chroot.conf"

hx_case
hx_save first
hx_tool -q update
[ "$HX_RC" = 0 ] || hx_die "first update failed: $(cat "$W/err")"
hx_snap_jail "$HX_TMP/first.new"
hx_save pop
hx_snap_jail "$HX_TMP/refresh.old"
hx_host_change f1
head -c 200000 /dev/zero | tr '\0' 'y' >>"$R/etc/big.dat"
hx_save refresh
hx_tool -q update
hx_snap_jail "$HX_TMP/refresh.new"
: >"$HX_TMP/first.old"

# ---- Judging -------------------------------------------------------------

# fault NAME WHAT - record the run just made as fault NAME
fault() {
	msg=$(grep -m 1 -e 'error:' -e 'fatal:' -e 'warning:' "$W/err" ||
	    head -n 1 "$W/err")
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$HX_RC" "$msg" >>"$FAULTS"
	hx_say "fault $1: exit $HX_RC: $msg"
}

# expect_exit NAME WANT - the exit status is WANT
expect_exit() {
	if [ "$HX_RC" = "$2" ]; then r=0; else r=1; fi
	hx_check $r "$1: exit $HX_RC, want $2"
}

# expect_err NAME TEXT... - stderr has a line with every TEXT
expect_err() {
	n=$1
	shift
	ee_line=$(grep -e 'error:' -e 'fatal:' "$W/err" || true)
	for t in "$@"; do
		ee_line=$(printf '%s\n' "$ee_line" | grep -F -e "$t" || true)
	done
	if [ -n "$ee_line" ]; then r=0; else r=1; fi
	hx_check $r "$n: an error line with: $*"
}

# expect_syslog NAME TEXT - syslog got a line with TEXT since the mark
expect_syslog() {
	r=0
	tail -n +"$((SYSMARK + 1))" "$SYSLOG" | grep -qF -e "$2" || r=1
	hx_check $r "$1: syslog has: $2"
}

# mark_syslog - remember where syslog ends now
mark_syslog() {
	SYSMARK=$(wc -l <"$SYSLOG")
}

# expect_oldnew NAME PHASE [TAG] - every jail entry old or new, no
# temporaries; TAG: a known fault that breaks the first
expect_oldnew() {
	hx_snap_jail "$W/have"
	hx_oldnew "$HX_TMP/$2.old" "$HX_TMP/$2.new" "$W/have" >"$W/oldnew"
	if [ ! -s "$W/oldnew" ]; then r=0; else r=1; fi
	known_or_fail "$1" "${3:--}" $r \
	    "every entry old or new $(head -n 3 "$W/oldnew" | tr '\n' ' ')"
	if [ "$(hx_temps)" = 0 ]; then r=0; else r=1; fi
	hx_check $r "$1: no temporary file left"
}

# expect_kept NAME REL PHASE - jail entry REL is as before the run
expect_kept() {
	want=$(grep "^$2	" "$HX_TMP/$3.old" || echo "absent")
	have=$(grep "^$2	" "$W/have" || echo "absent")
	if [ "$want" = "$have" ]; then r=0; else r=1; fi
	hx_check $r "$1: $2 kept as it was (have: $(echo "$have" | cut -f 2-5))"
}

# expect_unchanged NAME - the jail is exactly as before the run
expect_unchanged() {
	"$HX_BIN/hxsnap" -c "$W/before" "$J" >"$W/diff" || true
	if [ ! -s "$W/diff" ]; then r=0; else r=1; fi
	hx_check $r "$1: jail unchanged $(head -n 2 "$W/diff" | tr '\n' ' ')"
}

# expect_recovery NAME PHASE - the next update completes the job
expect_recovery() {
	hx_tool -q update
	expect_exit "$1: next update" 0
	hx_snap_jail "$W/have"
	if cmp -s "$W/have" "$HX_TMP/$2.new"; then r=0; else r=1; fi
	hx_check $r "$1: next update gives the undisturbed jail"
	hx_tool check
	expect_exit "$1: check after it" 0
}

# known_or_fail NAME TAG COND-RESULT WHAT - a check that a known fault
# fails: report it as KNOWN while TAG is listed, else judge normally
known_or_fail() {
	if [ "$3" != 0 ] && hx_known "$2"; then
		printf 'KNOWN %s: %s (%s)\n' "$1" "$4" "$2"
		KNOWN=$((KNOWN + 1))
	else
		hx_check "$3" "$1: $4"
	fi
}
KNOWN=0

# before - snapshot the jail with times, for expect_unchanged
before() {
	"$HX_BIN/hxsnap" -o "$W/before" "$J"
}

# mount_jail SIZE - the case's jail on its own tmpfs of SIZE, with the
# case's jail contents
mount_jail() {
	mv "$J" "$J.orig"
	mkdir -m 0755 "$J"
	mount -t tmpfs -o "mode=0755,size=$1" hxjail "$J"
	cp -a "$J.orig/." "$J/"
	rm -rf "$J.orig"
}

# ---- ENOSPC --------------------------------------------------------------

for mode in interactive trigger; do
	hx_case "$(hx_start first)"
	mount_jail 1m
	mark_syslog
	if [ "$mode" = trigger ]; then
		hx_tool --trigger update
		expect_exit "enospc-first-$mode" 0
		expect_syslog "enospc-first-$mode" "No space left on device"
	else
		hx_tool update
		expect_exit "enospc-first-$mode" 1
		expect_err "enospc-first-$mode" "$J/etc/big.dat" \
		    "No space left on device"
	fi
	fault "enospc-first-$mode" "update, empty jail on a 1 MB tmpfs"
	expect_oldnew "enospc-first-$mode" first
	mount -o remount,size=64m "$J"
	expect_recovery "enospc-first-$mode" first
	umount "$J"
done

# Refresh: the jail just fits what it holds.
for mode in interactive trigger; do
	hx_case "$(hx_start refresh)"
	used=$(du -sk "$J" | cut -f1)
	mount_jail "$((used + 512))k"
	mark_syslog
	if [ "$mode" = trigger ]; then
		hx_tool --trigger update
		expect_exit "enospc-refresh-$mode" 0
		expect_syslog "enospc-refresh-$mode" "No space left on device"
	else
		hx_tool update
		expect_exit "enospc-refresh-$mode" 1
		expect_err "enospc-refresh-$mode" "No space left on device"
	fi
	fault "enospc-refresh-$mode" \
	    "update after host changes, jail tmpfs nearly full"
	expect_oldnew "enospc-refresh-$mode" refresh
	mount -o remount,size=64m "$J"
	expect_recovery "enospc-refresh-$mode" refresh
	umount "$J"
done

# A full state directory: the new record cannot be written.  The run
# fails naming it; what it changed in the jail the old record (and the
# block of new names appended to it, when that fitted) still names, so
# every entry is old or new, and the next update completes the job.
hx_case "$(hx_start refresh)"
mv "$S" "$S.orig"
mkdir -m 0755 "$S"
mount -t tmpfs -o mode=0755,size=64k hxstate "$S"
cp -a "$S.orig/." "$S/"
head -c 1000000 /dev/zero >"$S/filler" 2>/dev/null || true
hx_tool update
fault enospc-state "update, state directory full"
expect_exit enospc-state 1
expect_err enospc-state "$(basename "$S")" "No space left on device"
expect_oldnew enospc-state refresh
rm -f "$S/filler"
expect_recovery enospc-state refresh
umount "$S"

# A write-back error (EIO) at the flush that makes the manifest's block
# of new names durable: after it no name may be made in the jail, since
# a second fsync() could succeed without the block on disk.  Nothing
# new appears, every entry is as before (only directory times move, with
# the temporary files made and dropped), and the next update completes.
for phase in first refresh; do
	hx_case "$(hx_start $phase)"
	hx_snap_jail "$W/pre"
	HX_RC=0
	LD_PRELOAD=$HX_BIN/hxkill.so HXK_FAIL_ON=syncfs \
	    "$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" \
	    "$HX_PROG" -r "$R" --state-dir "$S" update \
	    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	hx_read_run "$W/run"
	fault "eio-block-$phase" "update, EIO at the manifest block's flush"
	expect_exit "eio-block-$phase" 1
	expect_err "eio-block-$phase" "$(basename "$S")" \
	    "cannot make durable" "Input/output error"
	hx_snap_jail "$W/have"
	if cmp -s "$W/pre" "$W/have"; then r=0; else r=1; fi
	hx_check $r "eio-block-$phase: every jail entry as before" \
	    "$(diff "$W/pre" "$W/have" | head -n 3 | tr '\n' ' ')"
	if [ "$(hx_temps)" = 0 ]; then r=0; else r=1; fi
	hx_check $r "eio-block-$phase: no temporary file left"
	expect_recovery "eio-block-$phase" $phase
done

# ---- EROFS ---------------------------------------------------------------

for mode in interactive trigger; do
	hx_case "$(hx_start refresh)"
	mount_jail 64m
	mount -o remount,ro "$J"
	before
	mark_syslog
	if [ "$mode" = trigger ]; then
		hx_tool --trigger update
		expect_exit "erofs-jail-$mode" 0
		expect_syslog "erofs-jail-$mode" "Read-only file system"
	else
		hx_tool update
		expect_exit "erofs-jail-$mode" 1
		expect_err "erofs-jail-$mode" "$J/etc/hosts" \
		    "Read-only file system"
	fi
	fault "erofs-jail-$mode" "update after host changes, jail read-only"
	expect_unchanged "erofs-jail-$mode"
	mount -o remount,rw "$J"
	expect_recovery "erofs-jail-$mode" refresh
	umount "$J"
done

hx_case "$(hx_start pop)"
mount_jail 64m
mount -o remount,ro "$J"
before
hx_tool remove
fault erofs-remove "remove, jail read-only"
expect_exit erofs-remove 1
expect_err erofs-remove "Read-only file system"
expect_unchanged erofs-remove
umount "$J"

hx_case "$(hx_start refresh)"
mount --bind "$S" "$S"
mount -o remount,ro,bind "$S"
before
hx_tool update
fault erofs-state "update, state directory read-only"
expect_exit erofs-state 1
expect_err erofs-state "$(basename "$S")" "Read-only file system"
expect_unchanged erofs-state
umount "$S"

# ---- EACCES --------------------------------------------------------------

# capless ARGS... - the tool as a root without the DAC override
capless() {
	HX_RC=0
	# shellcheck disable=SC2086
	"$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" $CAPLESS \
	    "$HX_PROG" -r "$R" --state-dir "$S" "$@" \
	    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	hx_read_run "$W/run"
}

# An etc file.
hx_case "$(hx_start refresh)"
chmod 000 "$R/etc/services"
capless update
fault eacces-etc "update, host etc/services mode 000, no DAC override"
expect_exit eacces-etc 1
expect_err eacces-etc "/etc/services" "Permission denied"
expect_oldnew eacces-etc refresh
expect_kept eacces-etc etc/services refresh
chmod 0644 "$R/etc/services"
expect_recovery eacces-etc refresh

# An etc file whose path cannot be resolved: the zone directory that
# etc/localtime leads into cannot be searched.
hx_case "$(hx_start refresh)"
chmod 000 "$R/usr/share/zoneinfo"
capless update
fault eacces-etc-path \
    "update, host usr/share/zoneinfo mode 000, no DAC override"
r=0
[ "$HX_RC" != 0 ] && grep -q '/etc/localtime.*Permission denied' "$W/err" ||
    r=1
known_or_fail eacces-etc-path etc-source-error-removes $r \
    "exit non-zero and an error naming /etc/localtime (have $HX_RC)"
expect_oldnew eacces-etc-path refresh etc-source-error-removes
r=0
[ -f "$J/etc/localtime" ] || r=1
known_or_fail eacces-etc-path etc-source-error-removes $r \
    "etc/localtime stays in the jail"
chmod 0755 "$R/usr/share/zoneinfo"
expect_recovery eacces-etc-path refresh

# A library: its jail copy, and that of its dependency, must stay.
hx_case "$(hx_start refresh)"
chmod 000 "$R/$LIBDIR/libnss_systemd.so.2"
capless update
fault eacces-lib "update, host libnss_systemd.so.2 mode 000, no DAC override"
if [ "$HX_RC" != 0 ]; then r=0; else r=1; fi
known_or_fail eacces-lib plan-incomplete-removes $r \
    "exit non-zero (have $HX_RC)"
expect_oldnew eacces-lib refresh plan-incomplete-removes
hx_snap_jail "$W/have"
if grep -q "^$LIBDIR/libnss_systemd.so.2	" "$W/have" &&
    grep -q "^$LIBDIR/libcap.so.2.66	" "$W/have"; then r=0; else r=1; fi
known_or_fail eacces-lib plan-incomplete-removes $r \
    "the module and its dependency stay in the jail"
chmod 0755 "$R/$LIBDIR/libnss_systemd.so.2"
expect_recovery eacces-lib refresh

# nsswitch.conf: unreadable is not missing.
hx_case "$(hx_start refresh)"
chmod 000 "$R/etc/nsswitch.conf"
capless update
fault eacces-nsswitch "update, host nsswitch.conf mode 000, no DAC override"
r=1
[ "$HX_RC" = 0 ] || ! grep -q 'nsswitch.conf.*Permission denied' "$W/err" ||
    r=0
known_or_fail eacces-nsswitch plan-incomplete-removes $r \
    "exit non-zero and an error naming nsswitch.conf (have $HX_RC)"
expect_oldnew eacces-nsswitch refresh plan-incomplete-removes
hx_snap_jail "$W/have"
for lib in libnss_systemd.so.2 libnss_mdns4_minimal.so.2 libcap.so.2.66; do
	if grep -q "^$LIBDIR/$lib	" "$W/have"; then r=0; else r=1; fi
	known_or_fail eacces-nsswitch plan-incomplete-removes $r \
	    "$lib stays in the jail"
done
chmod 0644 "$R/etc/nsswitch.conf"
expect_recovery eacces-nsswitch refresh

# ---- A host file vanishing between plan and copy -------------------------

# vanish ARGS... - run the tool; the file $GONE goes when the first
# temporary file is made in the jail: after planning, before anything
# is copied (etc/services and the library come later in the plan)
vanish() {
	HX_RC=0
	LD_PRELOAD=$HX_BIN/hxkill.so HXK_HOOK_ON=openat:.postfix-chroot. \
	    HXK_HOOK="unlink $GONE" \
	    "$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" \
	    "$HX_PROG" -r "$R" --state-dir "$S" "$@" \
	    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	hx_read_run "$W/run"
}

for mode in interactive trigger; do
	hx_case "$(hx_start refresh)"
	GONE=$R/etc/services
	mark_syslog
	if [ "$mode" = trigger ]; then
		vanish --trigger update
		expect_exit "vanish-etc-$mode" 0
		expect_syslog "vanish-etc-$mode" "/etc/services: cannot read"
	else
		vanish update
		expect_exit "vanish-etc-$mode" 1
		expect_err "vanish-etc-$mode" "/etc/services" \
		    "No such file or directory"
	fi
	if [ ! -e "$GONE" ]; then r=0; else r=1; fi
	hx_check $r "vanish-etc-$mode: the hook removed the file"
	fault "vanish-etc-$mode" "update, etc/services removed after planning"
	expect_oldnew "vanish-etc-$mode" refresh
	expect_kept "vanish-etc-$mode" etc/services refresh
done

hx_case "$(hx_start refresh)"
GONE=$R/$LIBDIR/libcap.so.2.66
vanish update
fault vanish-lib "update, libcap.so.2.66 removed after planning"
expect_exit vanish-lib 1
expect_err vanish-lib "libcap.so.2.66" "No such file or directory"
expect_oldnew vanish-lib refresh
expect_kept vanish-lib "$LIBDIR/libcap.so.2.66" refresh

# ---- A held lock -----------------------------------------------------------

# hold SECONDS - hold the run lock of the case for SECONDS, in background
# (flock -o: the lock stays with flock itself, so killing it frees it)
hold() {
	lock=$(ls "$S"/*.lock)
	flock -o "$lock" sleep "$1" &
	HOLDER=$!
	echo "$HOLDER" >"$HX_TMP/holder.pid"
	sleep 0.3
}

# release - stop the holder
release() {
	kill "$HOLDER" 2>/dev/null || true
	wait "$HOLDER" 2>/dev/null || true
	rm -f "$HX_TMP/holder.pid"
}

hx_case "$(hx_start refresh)"
hold 30
before
hx_tool update
fault lock-interactive "update while another run holds the lock"
expect_exit lock-interactive 75
expect_err lock-interactive "$J" "another postfix-chroot run holds the lock"
if [ "$HX_MS" -lt 3000 ]; then r=0; else r=1; fi
hx_check $r "lock-interactive: gives up at once (${HX_MS} ms)"
expect_unchanged lock-interactive
release

hx_case "$(hx_start refresh)"
hold 2
hx_tool --trigger update
fault lock-trigger-wait "update --trigger, lock released after 2 s"
expect_exit lock-trigger-wait 0
if [ "$HX_MS" -ge 1500 ]; then r=0; else r=1; fi
hx_check $r "lock-trigger-wait: waited for the lock (${HX_MS} ms)"
hx_snap_jail "$W/have"
if cmp -s "$W/have" "$HX_TMP/refresh.new"; then r=0; else r=1; fi
hx_check $r "lock-trigger-wait: then did the update"
release

hx_case "$(hx_start refresh)"
hold 60
before
mark_syslog
HX_RC=0
LD_PRELOAD=$HX_BIN/hxkill.so HXK_FASTSLEEP=1 "$HX_BIN/hxrun" -t 30 \
    -o "$W/run" "$HX_PROG" -r "$R" --state-dir "$S" --trigger update \
    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
hx_read_run "$W/run"
fault lock-trigger-giveup "update --trigger, lock held beyond the wait"
expect_exit lock-trigger-giveup 0
expect_syslog lock-trigger-giveup "another postfix-chroot run holds the lock"
expect_unchanged lock-trigger-giveup
release

# master.cf locked by another editor (postconf's master.cf.tmp).
hx_case "$(hx_start pop)"
touch "$C/master.cf.tmp"
flock -o "$C/master.cf.tmp" sleep 60 &
HOLDER=$!
echo "$HOLDER" >"$HX_TMP/holder.pid"
sleep 0.3
cp "$C/master.cf" "$W/master.cf.before"
hx_tool enable
fault lock-mastercf "enable while another editor holds master.cf.tmp"
if [ "$HX_RC" = 75 ] || [ "$HX_RC" = 1 ]; then r=0; else r=1; fi
hx_check $r "lock-mastercf: exit $HX_RC, want 75 (or 1)"
expect_err lock-mastercf "master.cf" "locked by another editor"
if cmp -s "$C/master.cf" "$W/master.cf.before"; then r=0; else r=1; fi
hx_check $r "lock-mastercf: master.cf unchanged"
release

# ---- Figures ---------------------------------------------------------------

kill "$(cat "$HX_TMP/syslog.pid")" 2>/dev/null || true
rm -f "$HX_TMP/syslog.pid"
hx_say "faults: $(wc -l <"$FAULTS") fault runs, $KNOWN checks failed on a" \
    "known fault"
[ -z "${HX_FIGURES:-}" ] || {
	awk -F '\t' '{ printf "faults: %s: exit %s: %s\n", $1, $3, $4 }' \
	    "$FAULTS"
	echo "faults: runs=$(wc -l <"$FAULTS") known_fault_checks=$KNOWN"
} >>"$HX_FIGURES"
hx_summary
