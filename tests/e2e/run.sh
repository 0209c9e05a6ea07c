#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - end-to-end suite: the real Postfix in the jail postfix-chroot builds
#
# usage: sh tests/e2e/run.sh PROG BINDIR
#   PROG    the postfix-chroot program (build/postfix-chroot)
#   BINDIR  where mk/e2e.mk built the test NSS module (v1/ and v2/), its
#           dependency and the SMTP client (build/e2e)
#
# A throwaway Postfix instance runs in private mount and network
# namespaces (see lib.sh for what the namespace sees differently and
# why); the listener on 127.0.0.1 and the smtp client are chrooted.  Six
# checks, judged from the instance's log, the Received header of held
# messages and /proc/PID/maps of the smtpd processes:
#
#   1  before `update`, a client from 127.0.0.5 is unknown[127.0.0.5]
#   2  after `update`, it has its test name, in the log and the Received
#      header, and smtpd mapped the module and its dependency from the jail
#   3  without the jail's etc/services the chrooted smtp client cannot
#      find smtp/tcp; `update` restores it and relayed mail goes out
#   4  time zone: does this Postfix and glibc read etc/localtime inside
#      the jail?  Measured, and asserted accordingly
#   5  a library upgrade under the running instance, `update --trigger`
#      with the path on stdin: nothing dies, new smtpd processes use the
#      new copy, `check` is clean
#   6  `postfix check` has no warning about files in the jail
#
# Exit 0 when all six pass, 1 otherwise (also when root, postfix, unshare
# or the tool are missing: the suite never passes by skipping).  Every
# process it started is stopped by pid and every file it made is removed,
# also when a step fails or the suite is interrupted.

# shellcheck source=tests/e2e/lib.sh disable=SC2153,SC2034
set -eu

here=$(cd "$(dirname "$0")" && pwd)

if [ "${E2E_INSIDE:-}" != 1 ]; then
	# Outside the namespace: preflight, temporary tree, cleanup.
	[ $# = 2 ] || { echo "usage: run.sh PROG BINDIR" >&2; exit 64; }
	E2E_PROG=$(readlink -f "$1")
	E2E_BIN=$(readlink -f "$2")
	. "$here/lib.sh"
	e2e_outside "$0" "$@"
fi

# ---- Inside the namespace. ----
. "$here/lib.sh"

# The time zone must come from /etc/localtime, as it does for a Postfix
# started at boot: with TZ set, glibc keeps the zone it loaded before
# chroot and check 4 would measure the environment, not the jail.
unset TZ

E2E_FAILED=0
E2E_PASSED=0
E2E_NOTES=$E2E_TMP/notes

e2e_inside_traps

# e2e_fail COMMAND EXPECTED GOT - explain a failed assertion, return 1
# (on stdout, so that it stays next to its "not ok" line)
e2e_fail() {
	printf '#   command:  %s\n' "$1"
	printf '#   expected: %s\n' "$2"
	printf '#   got:      %s\n' "$3" | sed '2,$s/^/#             /'
	return 1
}

# e2e_postfix_check FILE - run `postfix check`; its output and the
# warnings it logged go to FILE.  postfix-script logs its warnings through
# postlog (to stderr only on a terminal); a sentinel line logged after it
# tells when everything it logged has reached the log.
e2e_postfix_check() {
	mark=$(e2e_log_mark)
	e2e_postfix check >"$1" 2>&1 || echo "postfix check: exit $?" >>"$1"
	sentinel="postfix check done $$.$mark"
	postlog -c "$E2E_CONF" -t pfc-e2e/sentinel "$sentinel"
	e2e_log_wait "$mark" "$sentinel" >/dev/null ||
	    echo "no sentinel in the log after 20s" >>"$1"
	e2e_log_since "$mark" | grep -E 'postfix-script\[[0-9]+\]: (warning|fatal|error)' \
	    >>"$1" || true
}

# e2e_note TEXT - a line for the summary (findings, helper behaviour)
e2e_note() {
	printf '%s\n' "$*" >>"$E2E_NOTES"
	printf '#   note: %s\n' "$*"
}

# e2e_run_check N TITLE FUNCTION - run one check, print ok / not ok
e2e_run_check() {
	t0=$(e2e_now)
	if "$3"; then
		E2E_PASSED=$((E2E_PASSED + 1))
		printf 'ok %s - %s (%ss)\n' "$1" "$2" "$(e2e_elapsed "$t0")"
	else
		E2E_FAILED=$((E2E_FAILED + 1))
		printf 'not ok %s - %s (%ss)\n' "$1" "$2" "$(e2e_elapsed "$t0")"
	fi
}

# e2e_mapped PID FILE - "INODE PATH" of each distinct mapping of FILE
# (a base name) in process PID
e2e_mapped() {
	awk -v f="/$2" '{
		p = $6; for (i = 7; i <= NF; i++) p = p " " $i
		if (index(p, f) && !seen[$5 " " p]++) print $5, p
	}' "/proc/$1/maps" 2>/dev/null
}

# e2e_inode FILE - inode number of FILE
e2e_inode() {
	stat -c %i "$1"
}

# e2e_offset_of_stamp LINE NOW - the UTC offset, in seconds east and
# rounded to 15 minutes, with which LINE's time stamp ("Dec 03 22:56:39")
# was written, given that it was written at NOW (epoch seconds) or a few
# seconds before.  Day arithmetic makes the unknown year irrelevant.
e2e_offset_of_stamp() {
	stamp=$(printf '%s\n' "$1" | cut -c1-15)
	s=$(TZ=UTC date -d "$stamp" +%s) || return 1
	awk -v s="$s" -v n="$2" 'BEGIN {
		q = (s - n) / 900
		q = q >= 0 ? int(q + 0.5) : -int(-q + 0.5)
		o = ((q * 900) % 86400 + 86400) % 86400
		if (o > 50400) o -= 86400
		print o
	}'
}

# e2e_offset_text SECONDS - "+0545" for 20700
e2e_offset_text() {
	awk -v o="$1" 'BEGIN {
		s = o < 0 ? "-" : "+"; if (o < 0) o = -o
		printf "%s%02d%02d\n", s, int(o / 3600), int((o % 3600) / 60)
	}'
}

# e2e_connect_is MARK NAME - smtpd logged "connect from NAME[ADDR]" after
# MARK (else explain what it logged)
e2e_connect_is() {
	if ! e2e_log_connect "$1"; then
		e2e_fail "grep 'connect from' maillog" \
		    "smtpd: connect from ${2}[$E2E_ADDR]" "no such line in 20s"
	elif [ "$E2E_CONNECT_NAME" != "$2" ]; then
		e2e_fail "grep 'connect from' maillog" \
		    "smtpd: connect from ${2}[$E2E_ADDR]" "$E2E_LINE"
	fi
}

# ---------------------------------------------------------------------------
# Setup.

t_start=$(e2e_now)
e2e_ns_setup
E2E_JAILLIB=$E2E_Q$E2E_LIBDIR
E2E_PORT=$("$E2E_CLIENT" -F)
e2e_instance_create "$E2E_PORT"
how=$(e2e_set_chroot)
e2e_say "# instance: 127.0.0.1:$E2E_PORT, config $E2E_CONF, jail $E2E_Q"
case $how in
enable) e2e_say "# chroot set with: postfix-chroot enable (then remove)" ;;
postconf) e2e_say "# chroot set with: postconf -F (postfix-chroot enable" \
    "not available: $(head -n 1 "$E2E_TMP/enable.out"))" ;;
*)
	E2E_FAILED=$((E2E_FAILED + 1))
	e2e_say "not ok 0 - postfix-chroot enable $E2E_SVC/inet smtp/unix"
	e2e_fail "postfix-chroot -c $E2E_CONF enable $E2E_SVC/inet smtp/unix" \
	    "exit 0, chroot fields y y (postconf -hF)" "${how#enable-bug }" ||
	    true
	e2e_say "# chroot then set with: postconf -F"
	;;
esac

# A jail as an older tool or a distribution's start script leaves it:
# a stale etc/hosts.  `postfix check` must warn about it now (the control
# for check 6), and `update` must bring it in line.
mkdir -p "$E2E_Q/etc"
chmod 0755 "$E2E_Q/etc"
printf '127.0.0.1\tlocalhost\n# stale copy left by an older jail\n' \
    >"$E2E_Q/etc/hosts"
chmod 0644 "$E2E_Q/etc/hosts"

e2e_instance_start
e2e_postfix_check "$E2E_TMP/postfix-check.before"
e2e_say "# master pid $E2E_MASTER, setup took $(e2e_elapsed "$t_start")s"

# ---------------------------------------------------------------------------
# Check 1: before update the client is unknown[ADDR].

check_1() {
	[ ! -e "$E2E_Q/etc/localtime" ] || e2e_fail "ls $E2E_Q/etc/localtime" \
	    "no etc/localtime in the jail before update" "it exists" || return 1
	mark=$(e2e_log_mark)
	id=$(e2e_send c1 -t "$E2E_HOLD")
	[ -n "$id" ] || { e2e_fail "smtpc -b $E2E_ADDR -p $E2E_PORT" \
	    "message accepted" "$(cat "$E2E_TMP/c1.err")"; return 1; }
	e2e_connect_is "$mark" unknown || return 1
	E2E_BEFORE_LINE=$E2E_LINE
	E2E_BEFORE_AT=$E2E_LINE_AT
	E2E_BEFORE_RCVD=$(e2e_received "$id")
	e2e_say "#   $E2E_LINE"
	e2e_say "#   $E2E_BEFORE_RCVD"
	case $E2E_BEFORE_RCVD in
	*"(unknown [$E2E_ADDR])"*) ;;
	*) e2e_fail "postcat -hq $id" "Received: from ... (unknown [$E2E_ADDR])" \
	    "${E2E_BEFORE_RCVD:-no Received header}" ;;
	esac
}

# ---------------------------------------------------------------------------
# Check 2: after update the client has its name, from the jail's module.

check_2() {
	ok=1
	rc=0
	e2e_tool update >"$E2E_TMP/update.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { ok=0; e2e_fail \
	    "postfix-chroot -c $E2E_CONF --state-dir $E2E_STATE update" \
	    "exit 0" "exit $rc: $(cat "$E2E_TMP/update.out")"; }
	e2e_say "#   update: $(grep -c . "$E2E_TMP/update.out") line(s) of" \
	    "output, e.g. $(grep -m 3 . "$E2E_TMP/update.out" | tr '\n' ';')"
	for f in "$E2E_MODULE" "$E2E_DEP"; do
		cmp -s "$E2E_LIBDIR/$f" "$E2E_JAILLIB/$f" || { ok=0; e2e_fail \
		    "cmp $E2E_LIBDIR/$f $E2E_JAILLIB/$f" \
		    "the jail holds a copy of $f" \
		    "$(ls -l "$E2E_JAILLIB/$f" 2>&1)"; }
	done

	# Hold the session so that its smtpd can be looked at.
	mark=$(e2e_log_mark)
	e2e_hold_start c2 7 -t "$E2E_HOLD" || { e2e_fail "smtpc -k" \
	    "session held after EHLO" "$(cat "$E2E_TMP/c2.err")"; return 1; }
	if ! e2e_connect_is "$mark" "$E2E_NAME1"; then
		E2E_AFTER_LINE=$E2E_LINE
		E2E_AFTER_AT=${E2E_LINE_AT:-}
		e2e_hold_release c2 7
		E2E_AFTER_RCVD=$(e2e_received "$E2E_QUEUED")
		return 1
	fi
	E2E_AFTER_LINE=$E2E_LINE
	E2E_AFTER_AT=$E2E_LINE_AT
	smtpd=$(e2e_smtpd_pid "$E2E_LINE")
	for f in "$E2E_MODULE" "$E2E_DEP"; do
		want="$(e2e_inode "$E2E_JAILLIB/$f") $E2E_JAILLIB/$f"
		got=$(e2e_mapped "$smtpd" "$f")
		[ "$got" = "$want" ] || { ok=0; e2e_fail \
		    "grep $f /proc/$smtpd/maps (smtpd)" "$want" \
		    "${got:-not mapped}"; }
	done
	e2e_say "#   $E2E_LINE"
	e2e_say "#   smtpd[$smtpd] maps $(e2e_mapped "$smtpd" "$E2E_MODULE")"
	e2e_hold_release c2 7
	id=$E2E_QUEUED
	E2E_AFTER_RCVD=$(e2e_received "$id")
	e2e_say "#   $E2E_AFTER_RCVD"
	case $E2E_AFTER_RCVD in
	*"($E2E_NAME1 [$E2E_ADDR])"*) ;;
	*) ok=0; e2e_fail "postcat -hq $id" \
	    "Received: from ... ($E2E_NAME1 [$E2E_ADDR])" \
	    "${E2E_AFTER_RCVD:-no Received header}" ;;
	esac
	[ "$ok" = 1 ]
}

# ---------------------------------------------------------------------------
# Check 3: etc/services.  Postfix 3.6 and later know smtp=25 by
# themselves (known_tcp_ports); lib.sh empties that list, so the smtp
# client asks getservbyname() and reads the jail's etc/services.

check_3() {
	rm -f "$E2E_Q/etc/services"
	mark=$(e2e_log_mark)
	id1=$(e2e_send c3a -t "first@$E2E_SINK")
	[ -n "$id1" ] || { e2e_fail "smtpc -t first@$E2E_SINK" \
	    "message accepted" "$(cat "$E2E_TMP/c3a.err")"; return 1; }
	line=$(e2e_log_wait "$mark" \
	    'pfc-e2e/smtp\[[0-9]+\]: fatal: unknown service: smtp/tcp') || {
	    e2e_fail "grep maillog (jail without etc/services)" \
	    "smtp: fatal: unknown service: smtp/tcp" \
	    "$(e2e_log_since "$mark" | grep "smtp\[" || echo nothing)"
	    return 1; }
	e2e_say "#   without etc/services: $line"

	rc=0
	e2e_tool update >"$E2E_TMP/update3.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { e2e_fail \
	    "postfix-chroot -c $E2E_CONF --state-dir $E2E_STATE update" \
	    "exit 0" "exit $rc: $(cat "$E2E_TMP/update3.out")"; return 1; }
	cmp -s /etc/services "$E2E_Q/etc/services" || {
	    e2e_fail "cmp /etc/services $E2E_Q/etc/services" \
	    "update restores etc/services" \
	    "$(ls -l "$E2E_Q/etc/services" 2>&1)"; return 1; }

	mark=$(e2e_log_mark)
	id2=$(e2e_send c3b -t "second@$E2E_SINK")
	[ -n "$id2" ] || { e2e_fail "smtpc -t second@$E2E_SINK" \
	    "message accepted" "$(cat "$E2E_TMP/c3b.err")"; return 1; }
	sent="pfc-e2e/smtp\[[0-9]+\]: $id2: to=<second@$E2E_SINK>, relay=$E2E_SINK_ADDR\[$E2E_SINK_ADDR\]:25, .*status=sent"
	line=$(e2e_log_wait "$mark" "$sent") || {
	    e2e_fail "grep maillog (after update)" \
	    "smtp: $id2: to=<second@$E2E_SINK>, relay=${E2E_SINK_ADDR}[$E2E_SINK_ADDR]:25, ... status=sent" \
	    "$(e2e_log_since "$mark" | grep -E "smtp\[|$id2" || echo nothing)"
	    return 1; }
	e2e_say "#   after update: $(printf '%s\n' "$line" | cut -c 17-)"
	if e2e_log_has "$mark" 'unknown service: smtp/tcp'; then
		e2e_fail "grep maillog (after update)" "no 'unknown service'" \
		    "$(e2e_log_since "$mark" | grep 'unknown service')"
		return 1
	fi

	# The message that met the broken jail is retried and goes out too.
	e2e_log_wait 0 "$id1: to=<first@$E2E_SINK>, .*status=sent" >/dev/null ||
	    e2e_fail "grep maillog" "$id1 (queued while broken) is sent later" \
	    "$(grep "$id1" "$E2E_LOG" | tail -n 3)"
}

# ---------------------------------------------------------------------------
# Check 4: time zone.
#
# Finding (Debian 12: Postfix 3.7.11, glibc 2.36; host zone +0545, TZ
# unset): they DO read etc/localtime inside the jail.  smtpd loads the
# host's /etc/localtime before chroot, but glibc's localtime() looks at
# /etc/localtime again on every call when TZ is unset (stat, and open
# if it changed).  strace of a chrooted smtpd shows, after chroot(QUEUE):
#     newfstatat("/etc/localtime", ...) = -1 ENOENT
#     openat("/etc/localtime", O_RDONLY|O_CLOEXEC) = -1 ENOENT
# and glibc falls back to UTC: without the jail copy, the smtpd lines of
# the log and the date of its Received header are in UTC while the
# unchrooted daemons (cleanup, qmgr) log local time; with the copy all
# agree.  The time stamp of a maillog_file line is written by the
# process that logs, not by postlogd, which is why the log shows it.
# With TZ set in the master's environment (import_environment passes it
# on; TZ=:/etc/localtime or TZ=Asia/Kathmandu, measured the same way),
# glibc keeps the zone it loaded before chroot and the jail copy is
# never read: smtpd then logs local time with a bare jail.  This suite
# unsets TZ, as a Postfix started at boot has it.
#
# The check measures again on every run, from check 1's line (no jail
# copy) and check 2's (with it), and accepts the other outcome too
# (where a platform's daemons never look at the jail copy), then
# asserting that the copy equals the host's zone file.

check_4() {
	if [ -z "${E2E_BEFORE_LINE:-}" ] || [ -z "${E2E_AFTER_LINE:-}" ]; then
		e2e_fail "(checks 1 and 2)" "their smtpd log lines" \
		    "missing: check 1 or 2 failed"
		return 1
	fi
	cmp -s "/usr/share/zoneinfo/$E2E_ZONE" "$E2E_Q/etc/localtime" || {
	    e2e_fail "cmp /etc/localtime $E2E_Q/etc/localtime" \
	    "the jail copy equals the host zone file ($E2E_ZONE)" \
	    "$(ls -l "$E2E_Q/etc/localtime" 2>&1)"; return 1; }

	# Control: an unchrooted daemon logs in the host zone.
	ctl=$(grep -E 'pfc-e2e/(cleanup|qmgr)\[' "$E2E_LOG" | tail -n 1)
	ctl_off=$(e2e_offset_of_stamp "$ctl" "$(date +%s)")
	[ "$ctl_off" = "$E2E_ZONE_SECONDS" ] || {
	    e2e_fail "unchrooted daemon's log stamp" "$E2E_ZONE_OFFSET" \
	    "$(e2e_offset_text "$ctl_off"): $ctl"; return 1; }

	before=$(e2e_offset_of_stamp "$E2E_BEFORE_LINE" "$E2E_BEFORE_AT")
	after=$(e2e_offset_of_stamp "$E2E_AFTER_LINE" "$E2E_AFTER_AT")
	rb=$(printf '%s\n' "${E2E_BEFORE_RCVD:-}" | grep -Eo ':[0-9]{2} [+-][0-9]{4}' |
	    cut -c 5-)
	ra=$(printf '%s\n' "${E2E_AFTER_RCVD:-}" | grep -Eo ':[0-9]{2} [+-][0-9]{4}' |
	    cut -c 5-)
	e2e_say "#   chrooted smtpd, log stamp / Received date: without jail" \
	    "copy $(e2e_offset_text "$before") / $rb, with it" \
	    "$(e2e_offset_text "$after") / $ra; unchrooted daemons" \
	    "$(e2e_offset_text "$ctl_off")"
	if [ "$before" = 0 ] && [ "$after" = "$E2E_ZONE_SECONDS" ]; then
		[ "$ra" = "$E2E_ZONE_OFFSET" ] || { e2e_fail \
		    "Received date of check 2's message" "$E2E_ZONE_OFFSET" \
		    "$ra"; return 1; }
		e2e_note "finding: this Postfix and glibc read etc/localtime" \
		    "inside the jail: chrooted smtpd logged UTC without the" \
		    "jail copy and $E2E_ZONE_OFFSET ($E2E_ZONE) with it"
	elif [ "$before" = "$E2E_ZONE_SECONDS" ] &&
	    [ "$after" = "$E2E_ZONE_SECONDS" ]; then
		e2e_note "finding: the chrooted smtpd logged the host zone" \
		    "without the jail copy: this platform does not read the" \
		    "jail's etc/localtime (zone loaded before chroot), so the" \
		    "log cannot show the copy; asserted: it equals the host file"
	else
		e2e_fail "log stamps of chrooted smtpd (checks 1, 2)" \
		    "UTC then $E2E_ZONE_OFFSET, or $E2E_ZONE_OFFSET throughout" \
		    "$(e2e_offset_text "$before") then $(e2e_offset_text "$after")"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# Check 5: a library upgrade under the running instance.

# e2e_pid_of DAEMON - pid of our master's child running DAEMON
e2e_pid_of() {
	for p in $(ps -o pid= --ppid "$E2E_MASTER"); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = \
		    "$E2E_DAEMONS/$1" ] && { echo "$p"; return 0; }
	done
	return 1
}

check_5() {
	# A session that stays open across the upgrade, on the old copy.
	mark=$(e2e_log_mark)
	e2e_hold_start c5a 7 -t "$E2E_HOLD" || { e2e_fail "smtpc -k" \
	    "session held" "$(cat "$E2E_TMP/c5a.err")"; return 1; }
	e2e_connect_is "$mark" "$E2E_NAME1" || {
	    e2e_hold_release c5a 7; return 1; }
	old_smtpd=$(e2e_smtpd_pid "$E2E_LINE")
	old_jail_ino=$(e2e_inode "$E2E_JAILLIB/$E2E_MODULE")
	qmgr=$(e2e_pid_of qmgr) || qmgr=none
	pickup=$(e2e_pid_of pickup) || pickup=none

	# The upgrade: new bytes in a new file, renamed over the old name,
	# as a package manager does.  The library directory is the overlay,
	# so the new file lands in the suite's upper layer.
	e2e_assert_overlay "$E2E_LIBDIR"
	host_old_ino=$(e2e_inode "$E2E_LIBDIR/$E2E_MODULE")
	cp "$E2E_BIN/v2/$E2E_MODULE" "$E2E_LIBDIR/.$E2E_MODULE.new"
	chmod 0755 "$E2E_LIBDIR/.$E2E_MODULE.new"
	mv -f "$E2E_LIBDIR/.$E2E_MODULE.new" "$E2E_LIBDIR/$E2E_MODULE"
	[ "$(e2e_inode "$E2E_LIBDIR/$E2E_MODULE")" != "$host_old_ino" ] || {
	    e2e_fail "stat $E2E_LIBDIR/$E2E_MODULE" "a new inode" "same inode"
	    return 1; }

	mark=$(e2e_log_mark)
	ok=1
	rc=0
	printf '%s\n' "$E2E_LIBDIR/$E2E_MODULE" |
	    e2e_tool --trigger update >"$E2E_TMP/update5.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { ok=0; e2e_fail \
	    "echo $E2E_LIBDIR/$E2E_MODULE | postfix-chroot --trigger update" \
	    "exit 0 (trigger mode)" "exit $rc: $(cat "$E2E_TMP/update5.out")"; }
	cmp -s "$E2E_BIN/v2/$E2E_MODULE" "$E2E_JAILLIB/$E2E_MODULE" || {
	    ok=0; e2e_fail "echo PATH | postfix-chroot --trigger update; cmp" \
	    "the jail's $E2E_MODULE is the new version" \
	    "old bytes still there; update said: $(cat "$E2E_TMP/update5.out")"; }
	if grep -q 'removed' "$E2E_TMP/update5.out"; then
		ok=0
		e2e_fail "echo $E2E_LIBDIR/$E2E_MODULE | postfix-chroot --trigger update" \
		    "the module updated, nothing removed" \
		    "$(grep -E 'removed|warning: /' "$E2E_TMP/update5.out")"
	fi
	new_jail_ino=$(e2e_inode "$E2E_JAILLIB/$E2E_MODULE")
	[ "$new_jail_ino" != "$old_jail_ino" ] || { ok=0; e2e_fail \
	    "stat $E2E_JAILLIB/$E2E_MODULE" \
	    "a new inode (replace by rename, never overwrite in place)" \
	    "same inode $old_jail_ino"; }

	# Nothing of the running instance died.
	for p in "master:$E2E_MASTER" "qmgr:$qmgr" "pickup:$pickup" \
	    "held smtpd:$old_smtpd"; do
		kill -0 "${p#*:}" 2>/dev/null || { ok=0; e2e_fail \
		    "kill -0 ${p#*:}" "${p%%:*} still running" "gone"; }
	done
	[ "$(e2e_master_pid)" = "$E2E_MASTER" ] || { ok=0; e2e_fail \
	    "cat $E2E_Q/pid/master.pid" "$E2E_MASTER" "$(e2e_master_pid)"; }
	got=$(e2e_mapped "$old_smtpd" "$E2E_MODULE")
	case $got in
	"$old_jail_ino $E2E_JAILLIB/$E2E_MODULE"*) ;;
	*) ok=0; e2e_fail "grep $E2E_MODULE /proc/$old_smtpd/maps" \
	    "the old copy, inode $old_jail_ino" "$got" ;;
	esac

	# A new session gets a new smtpd (max_use=1, and the old one is
	# busy), which must load the new copy.
	mark2=$(e2e_log_mark)
	if ! e2e_hold_start c5b 8 -t "$E2E_HOLD"; then
		ok=0
		e2e_fail "smtpc -k (new session after the upgrade)" \
		    "session held" "$(cat "$E2E_TMP/c5b.err")"
	elif e2e_connect_is "$mark2" "$E2E_NAME2"; then
		new_smtpd=$(e2e_smtpd_pid "$E2E_LINE")
		got=$(e2e_mapped "$new_smtpd" "$E2E_MODULE")
		[ "$got" = "$new_jail_ino $E2E_JAILLIB/$E2E_MODULE" ] || {
		    ok=0; e2e_fail "grep $E2E_MODULE /proc/$new_smtpd/maps" \
		    "$new_jail_ino $E2E_JAILLIB/$E2E_MODULE" "$got"; }
		e2e_say "#   new smtpd[$new_smtpd]: $E2E_LINE"
	else
		ok=0
	fi
	e2e_hold_release c5b 8
	id_new=$E2E_QUEUED
	[ -n "$id_new" ] || { ok=0; e2e_fail \
	    "smtpc (new session after the upgrade)" "message accepted" \
	    "$(tail -n 3 "$E2E_TMP/c5b.err")"; }

	# The old session still works and finishes its message.
	e2e_hold_release c5a 7
	id_old=$E2E_QUEUED
	[ -n "$id_old" ] || { ok=0; e2e_fail \
	    "smtpc (session held across the upgrade)" "message accepted" \
	    "$(tail -n 3 "$E2E_TMP/c5a.err")"; }
	e2e_say "#   held smtpd[$old_smtpd] survived and queued ${id_old:-nothing};" \
	    "new session queued ${id_new:-nothing}"
	for m in "$id_old:$E2E_NAME1" "$id_new:$E2E_NAME2"; do
		[ -n "${m%%:*}" ] || continue
		r=$(e2e_received "${m%%:*}")
		case $r in
		*"(${m#*:} [$E2E_ADDR])"*) ;;
		*) ok=0; e2e_fail "postcat -hq ${m%%:*}" \
		    "Received: from ... (${m#*:} [$E2E_ADDR])" "$r" ;;
		esac
	done
	if e2e_log_has "$mark" 'killed by signal|terminated on signal|panic:'; then
		ok=0
		e2e_fail "grep maillog" "no daemon killed" \
		    "$(e2e_log_since "$mark" | grep -E 'signal|panic')"
	fi

	# Clean: exit 0 and no difference on stdout.  Warnings on stderr
	# (modules the host's nsswitch.conf names but does not have) are
	# shown, not judged.
	rc=0
	e2e_tool check >"$E2E_TMP/check5.out" 2>"$E2E_TMP/check5.err" || rc=$?
	if [ "$rc" != 0 ] || [ -s "$E2E_TMP/check5.out" ]; then
		ok=0
		e2e_fail "postfix-chroot -c $E2E_CONF --state-dir $E2E_STATE check" \
		    "exit 0, no difference" \
		    "exit $rc: $(cat "$E2E_TMP/check5.out" "$E2E_TMP/check5.err")"
	elif [ -s "$E2E_TMP/check5.err" ]; then
		e2e_say "#   check: exit 0, no difference; on stderr:" \
		    "$(head -n 2 "$E2E_TMP/check5.err" | tr '\n' ' ')"
	fi
	[ "$ok" = 1 ]
}

# ---------------------------------------------------------------------------
# Check 6: `postfix check` has nothing to say about the jail.

check_6() {
	jail_warn="warning: ($E2E_Q/(bin|etc|lib|sbin|usr)/|not owned by root: $E2E_Q/(bin|etc|lib|sbin|usr))"
	grep -Eq "$E2E_Q/etc/hosts and /etc/hosts differ" \
	    "$E2E_TMP/postfix-check.before" || {
	    e2e_fail "postfix check (before update, stale etc/hosts)" \
	    "warning: $E2E_Q/etc/hosts and /etc/hosts differ" \
	    "$(cat "$E2E_TMP/postfix-check.before")"; return 1; }
	e2e_say "#   before update: $(grep -m 1 -o 'warning: .*differ' \
	    "$E2E_TMP/postfix-check.before")"
	e2e_postfix_check "$E2E_TMP/postfix-check.after"
	if grep -Eq "$jail_warn" "$E2E_TMP/postfix-check.after"; then
		e2e_fail "postfix -c $E2E_CONF check" \
		    "no warning about files in the jail" \
		    "$(grep -E "$jail_warn" "$E2E_TMP/postfix-check.after")"
		return 1
	fi
	other=$(grep -c warning "$E2E_TMP/postfix-check.after" || true)
	[ "$other" = 0 ] || e2e_note "postfix check: $other other warning(s):" \
	    "$(grep warning "$E2E_TMP/postfix-check.after" | head -n 3)"
}

e2e_run_check 1 "before update: client logged as unknown[$E2E_ADDR]" check_1
e2e_run_check 2 "after update: $E2E_NAME1 in log and Received, module and dependency from the jail" check_2
e2e_run_check 3 "no etc/services: smtp/tcp unknown; update restores it, relay works" check_3
e2e_run_check 4 "time zone: etc/localtime in the jail" check_4
e2e_run_check 5 "library upgrade under the running instance, update --trigger" check_5
e2e_run_check 6 "postfix check: no warning about jail files" check_6

e2e_say "# $E2E_PASSED passed, $E2E_FAILED failed, total $(e2e_elapsed "$t_start")s"
[ "$E2E_FAILED" = 0 ]
