#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - prove with real rpm and dnf transactions that the postfix-chroot
# package keeps the Postfix jail fresh
#
# Usage: run.sh WORK RPMTOP [BACKEND ...]
#   WORK     scratch directory, emptied first
#   RPMTOP   rpmbuild's top directory: RPMS/ holds the postfix-chroot
#            package under test, SRPMS/ its source package (rebuilt here
#            with a higher release for the upgrade of the package itself)
#   BACKEND  rpm (rpm --root) or dnf (dnf --installroot from a createrepo_c
#            repository); both by default, one after the other, each in a
#            root of its own
#
# The test root and its packages: see lib.sh.
#
# Proofs, for each backend (numbers as in the packaging issue)
#   1 install postfix-chroot last: jail complete, "check" clean; 1b
#     upgrade of postfix-chroot itself: jail untouched
#   2 glibc upgrade: jail copies equal the new files, old versioned gone
#   3 nss-pfcmod install: module and dependency appear; erase: gone; 3b
#     the same in one transaction with 2000 other library paths
#   4 tzdata upgrade: etc/localtime follows; 4b setup upgrade whose
#     /etc/services keeps size and time stamp: etc/services follows;
#     4c postfix upgrade: the trigger on postfix runs the helper
#   5 one transaction upgrading 20 unrelated packages: the helper runs at
#     most twice, quickly, and changes nothing (counted by a wrapper)
#   6 rpm -q --filetriggers / --triggers list the expected triggers
#     (and, once, the spec's classic branch for rpm 4.11)
#   8 read-only jail: the transaction succeeds, no "scriptlet failed",
#     the helper's own error is shown and in syslog
#   7 erase postfix-chroot: jail kept while a service is chrooted; with
#     none chrooted, what the tool installed is removed
#
# Nothing here touches the machine's rpm database, /etc or Postfix (see
# lib.sh).  Needs root (chroot, mknod, mount namespaces); exits 1
# when any proof fails or a tool is missing, never skipping quietly.

set -u
export LC_ALL=C
umask 022

TOP=$(cd "$(dirname "$0")" && pwd)
WORK=${1:?usage: run.sh WORK RPMTOP [BACKEND ...]}
RPMTOP=${2:?usage: run.sh WORK RPMTOP [BACKEND ...]}
shift 2
BACKENDS=${*:-rpm dnf}

. "$TOP/lib.sh"

FAILS=0
T0=$(date +%s.%N)

# pass/bad - record one assertion
pass() { say "    ok: $*"; }
bad() { say "    FAIL: $*"; FAILS=$((FAILS + 1)); }

# step NAME OP ARGS... - a transaction that must succeed without any
# scriptlet failure
step() {
    local name=$1
    tx "$@"
    say "  $name: $BACKEND $2 (${TX_TIME} s)"
    if [ -n "$TX_WHY" ]; then
	bad "$name: $TX_WHY"
	sed 's/^/      | /' "$OUT"
	return 1
    fi
    pass "transaction succeeded, no scriptlet failure reported"
}

PFC_RPM=$(ls "$RPMTOP"/RPMS/*/postfix-chroot-[0-9]*.rpm 2>/dev/null |
    head -n 1)
PFC_SRPM=$(ls "$RPMTOP"/SRPMS/postfix-chroot-*.src.rpm 2>/dev/null |
    head -n 1)
RPM_LIB_TOP=$TOP
rpmt_require
rm -rf "$WORK"
rpmt_init
trap rpmt_stop EXIT

t=$(date +%s.%N)
say "rpm-test: building test packages"
rpmt_build_packages
[ -f "$PFC_SRPM" ] || die "no postfix-chroot source package in $RPMTOP/SRPMS"
# The same package with a higher release, for proof 1b.
rpmbuild --rebuild --nocheck --nodeps --quiet --define 'dist .1' \
    --define "_topdir $WORK/rebuild" "$PFC_SRPM" \
    >"$WORK/logs/rebuild.log" 2>&1 ||
    die "rebuilding $PFC_SRPM failed: see $WORK/logs/rebuild.log"
PFC2=$(ls "$WORK"/rebuild/RPMS/*/postfix-chroot-[0-9]*.1.*.rpm)
say "rpm-test: test packages built ($(elapsed "$t") s)"

# --- assertions on the jail -----------------------------------------------

# helper_check WHAT - "postfix-chroot check" inside the root is clean
helper_check() {
    local helper=/usr/sbin/postfix-chroot out rc
    [ -e "$R$helper.real" ] && helper=$helper.real
    out=$(in_root "$helper" check 2>"$WORK/logs/check.err")
    rc=$?
    if [ $rc = 0 ] && [ -z "$out" ]; then
	pass "$1: check is clean"
    else
	bad "$1: check exited $rc: ${out:-(no output)}" \
	    "$(cat "$WORK/logs/check.err")"
    fi
}

# same_file REL - jail copy of REL (followed on both sides) equals host
same_file() {
    if [ -L "$Q/$1" ] || [ ! -f "$Q/$1" ]; then
	bad "jail $1: missing or not a regular file"
    elif cmp -s "$R/$1" "$Q/$1"; then
	pass "jail $1 equals the system's"
    else
	bad "jail $1 differs from the system's"
    fi
}

# same_lib NAME - jail link NAME in usr/lib64 has the system's target, and
# the object it names equals the system's
same_lib() {
    local l=usr/lib64/$1 want got
    want=$(readlink "$R/$l")
    got=$(readlink "$Q/$l")
    if [ -z "$want" ]; then
	same_file "$l"
	return
    fi
    if [ "$got" != "$want" ]; then
	bad "jail $l -> ${got:-(none)}, want -> $want"
	return
    fi
    pass "jail $l -> $got"
    same_file "usr/lib64/$want"
}

# absent REL - the jail has no REL
absent() {
    if [ -e "$Q/$1" ] || [ -L "$Q/$1" ]; then
	bad "jail $1 still exists"
    else
	pass "jail $1 is absent"
    fi
}

# in_syslog TEXT - the root's syslog has a postfix-chroot line with TEXT
in_syslog() {
    if grep 'postfix-chroot' "$R/var/log/messages" 2>/dev/null |
	grep -Fq -- "$1"; then
	pass "syslog has: $1"
    else
	bad "syslog lacks a postfix-chroot line with: $1"
    fi
}

# snapshot - every jail entry with inode, size, time, mode, link text
snapshot() {
    (cd "$Q" && find . -printf '%p %y %i %s %T@ %m %u %l\n' | sort)
}

# --- helper run counter ---------------------------------------------------

# counter_on / counter_off - put a wrapper in place of the helper that
# logs every run (arguments, paths on stdin, seconds) to
# /var/log/pfc-runs, or take it away again.  The helper then reads its
# stdin from a file; an empty one means a full update, as /dev/null does.
counter_on() {
    mv "$R/usr/sbin/postfix-chroot" "$R/usr/sbin/postfix-chroot.real"
    cat > "$R/usr/sbin/postfix-chroot" <<'EOF'
#!/bin/sh
# Test wrapper: log and time each run of the helper, then run it.
in=/var/tmp/pfc-run.$$
cat > "$in"
n=$(wc -l < "$in")
busybox time -a -o /var/log/pfc-runs -f "%e s: $* (paths: $n)" \
    /usr/sbin/postfix-chroot.real "$@" < "$in"
rc=$?
rm -f "$in"
exit $rc
EOF
    chmod 0755 "$R/usr/sbin/postfix-chroot"
}
counter_off() {
    mv "$R/usr/sbin/postfix-chroot.real" "$R/usr/sbin/postfix-chroot"
}
runs_reset() { : > "$R/var/log/pfc-runs"; }
runs_count() { grep -c ' s: ' "$R/var/log/pfc-runs" || true; }
runs_show() {
    say "    helper runs: $(runs_count)"
    sed 's/^/      run: /' "$R/var/log/pfc-runs"
}

# --- the proofs -----------------------------------------------------------

ETC_FILES="hosts resolv.conf services host.conf nsswitch.conf localtime
    protocols"
GLIBC_LIBS="libnss_files.so.2 libnss_dns.so.2 libresolv.so.2"

# traced NAME OP ARGS... - step, counting the helper's runs with strace
# where it is installed (the counting wrapper cannot be in place while
# postfix-chroot itself is installed: the package replaces it)
traced() {
    local trace=$WORK/logs/$BACKEND-$1.trace
    if command -v strace >/dev/null 2>&1; then
	# rpm closes every possible descriptor before each scriptlet, which
	# is slow under strace unless the limit is low.
	PM_PREFIX=(sh -c 'ulimit -n 1024 && exec "$@"' sh
	    strace -f -qq --seccomp-bpf -e trace=execve -o "$trace")
	step "$@"
	PM_PREFIX=()
	say "    helper runs: $(grep -c 'execve("/usr/sbin/postfix-chroot"' \
	    "$trace")"
    else
	step "$@"
	say "    helper runs: not counted (no strace)"
    fi
}

proof1() {
    local f
    say "  proof 1: install postfix-chroot after the others"
    traced p1-install install "$PFC"
    for f in $ETC_FILES; do
	same_file "etc/$f"
    done
    for f in $GLIBC_LIBS; do
	same_lib "$f"
    done
    if [ "$(readlink "$Q/lib64")" = usr/lib64 ]; then
	pass "jail lib64 -> usr/lib64, as on the system"
    else
	bad "jail lib64 is not a link to usr/lib64"
    fi
    absent usr/lib64/libnss_pfcmod.so.2
    helper_check "proof 1"
}

proof1b() {
    local before after
    say "  proof 1b: upgrade postfix-chroot itself"
    before=$(snapshot)
    traced p1b-upgrade upgrade "$PFC2"
    after=$(snapshot)
    if [ "$before" = "$after" ]; then
	pass "the jail is untouched (inodes, sizes, times, modes)"
    else
	bad "the jail changed:"
	diff <(echo "$before") <(echo "$after") | sed 's/^/      /'
    fi
    helper_check "proof 1b"
}

proof2() {
    local f
    say "  proof 2: upgrade glibc 2.17 -> 2.18"
    runs_reset
    step p2-glibc upgrade "$P/glibc-2.18.rpm"
    for f in $GLIBC_LIBS; do
	same_lib "$f"
	absent "usr/lib64/${f%.so.2}-2.17.so"
    done
    helper_check "proof 2"
    runs_show
}

proof3() {
    say "  proof 3: install, then erase nss-pfcmod"
    runs_reset
    step p3-install install "$P/nss-pfcmod-1.0.rpm"
    same_file usr/lib64/libnss_pfcmod.so.2
    same_lib libpfcmodutil.so.1
    helper_check "proof 3 (installed)"
    step p3-erase erase nss-pfcmod
    absent usr/lib64/libnss_pfcmod.so.2
    absent usr/lib64/libpfcmodutil.so.1
    absent usr/lib64/libpfcmodutil.so.1.0.0
    helper_check "proof 3 (erased)"
    runs_show
}

proof3b() {
    say "  proof 3b: nss-pfcmod with 2000 other library paths, more than" \
	"a pipe holds"
    # Without the counting wrapper, which would read every path: the
    # helper stops reading at the first path that matters, and rpm then
    # writes into a closed pipe.
    counter_off
    local trace=$WORK/logs/$BACKEND-p3b.trace
    if command -v strace >/dev/null 2>&1; then
	PM_PREFIX=(sh -c 'ulimit -n 1024 && exec "$@"' sh
	    strace -f -qq --seccomp-bpf -Z -e trace=write -o "$trace")
    fi
    step p3b-install install "$N/pfc-bigset-1.0.rpm" "$P/nss-pfcmod-1.0.rpm"
    PM_PREFIX=()
    if [ -f "$trace" ]; then
	if grep -q EPIPE "$trace"; then
	    pass "the helper stopped reading early: $BACKEND got EPIPE" \
		"and carried on"
	else
	    bad "no write into a closed pipe: the helper read every path"
	fi
    else
	say "    (early close not verified: no strace)"
    fi
    same_file usr/lib64/libnss_pfcmod.so.2
    same_lib libpfcmodutil.so.1
    step p3b-erase erase nss-pfcmod pfc-bigset
    absent usr/lib64/libnss_pfcmod.so.2
    absent usr/lib64/libpfcmodutil.so.1.0.0
    helper_check "proof 3b"
    counter_on
}

proof4() {
    say "  proof 4: upgrade tzdata: the zone etc/localtime names changes"
    runs_reset
    cp "$Q/etc/localtime" "$WORK/localtime.old"
    step p4-tzdata upgrade "$N/tzdata-2024b.rpm"
    same_file etc/localtime
    if cmp -s "$WORK/localtime.old" "$Q/etc/localtime"; then
	bad "jail etc/localtime did not change"
    else
	pass "jail etc/localtime changed with the zone"
    fi
    helper_check "proof 4"
    runs_show
}

proof4b() {
    say "  proof 4b: upgrade setup: /etc/services changes, keeping its" \
	"size and time stamp"
    runs_reset
    step p4-setup upgrade "$N/setup-2.13.8.rpm"
    same_file etc/services
    helper_check "proof 4b"
    runs_show
}

proof4c() {
    say "  proof 4c: upgrade postfix: its trigger runs the helper"
    runs_reset
    step p4-postfix upgrade "$N/postfix-3.5.26.rpm"
    if grep -q 'trigger update (paths: 0)' "$R/var/log/pfc-runs"; then
	pass "the helper ran for a full update"
    else
	bad "the helper did not run"
    fi
    helper_check "proof 4c"
    runs_show
}

proof5() {
    local before after n
    say "  proof 5: one transaction upgrading 20 unrelated packages"
    before=$(snapshot)
    runs_reset
    step p5-fillers upgrade "${FILLERS2[@]}"
    n=$(runs_count)
    if [ "$n" -le 2 ]; then
	pass "the helper ran $n times (at most 2)"
    else
	bad "the helper ran $n times, want at most 2"
    fi
    runs_show
    if awk '{ if ($1 + 0 > 1.0) slow = 1 } END { exit slow }' \
	"$R/var/log/pfc-runs"; then
	pass "every run took under 1 s"
    else
	bad "a run took 1 s or more"
    fi
    after=$(snapshot)
    if [ "$before" = "$after" ]; then
	pass "the jail is unchanged (inodes, sizes, times, modes)"
    else
	bad "the jail changed:"
	diff <(echo "$before") <(echo "$after") | sed 's/^/      /'
    fi
}

proof6() {
    local q
    say "  proof 6: the installed package lists the expected triggers"
    for q in filetriggers triggers; do
	rpm --root "$R" --define '_dbpath /var/lib/rpm' -q "--$q" \
	    postfix-chroot > "$WORK/logs/$BACKEND-$q.txt" 2>&1
	if diff -u "$TOP/expected/$q.txt" "$WORK/logs/$BACKEND-$q.txt" \
	    > "$WORK/logs/$BACKEND-$q.diff"; then
	    pass "rpm -q --$q postfix-chroot is as expected/$q.txt"
	else
	    bad "rpm -q --$q postfix-chroot differs from expected/$q.txt:"
	    sed 's/^/      /' "$WORK/logs/$BACKEND-$q.diff"
	fi
    done
}

proof8() {
    say "  proof 8: a read-only jail fails the helper, not the transaction"
    runs_reset
    # A private mount namespace: the read-only bind mount is seen by this
    # transaction only and vanishes with it.
    PM_PREFIX=(unshare -m sh -c 'mount --bind "$0" "$0" &&
	mount -o remount,bind,ro "$0" && exec "$@"' "$Q")
    step p8-readonly install "$P/nss-pfcmod-1.0.rpm"
    PM_PREFIX=()
    if rpm --root "$R" --define '_dbpath /var/lib/rpm' -q nss-pfcmod \
	>/dev/null; then
	pass "nss-pfcmod is installed"
    else
	bad "nss-pfcmod is not installed"
    fi
    absent usr/lib64/libnss_pfcmod.so.2
    if grep -q '^postfix-chroot: .*Read-only file system' "$OUT"; then
	pass "$BACKEND shows the helper's error:" \
	    "$(grep -m1 '^postfix-chroot: .*Read-only' "$OUT")"
    else
	bad "$BACKEND output lacks the helper's read-only error"
	sed 's/^/      | /' "$OUT"
    fi
    in_syslog "Read-only file system"
    runs_show
    step p8-erase erase nss-pfcmod
    helper_check "proof 8 (after erase)"
}

proof7() {
    local f
    say "  proof 7: erase postfix-chroot"
    step p7-erase-chrooted erase postfix-chroot
    if [ -f "$Q/etc/services" ] && [ -L "$Q/usr/lib64/libnss_dns.so.2" ]
    then
	pass "smtp is chrooted: the jail is kept"
    else
	bad "the jail was emptied although smtp is chrooted"
    fi
    if grep -q 'still chrooted' "$OUT"; then
	pass "$BACKEND shows why: $(grep -m1 'still chrooted' "$OUT")"
    else
	bad "$BACKEND output does not say why the jail is kept"
    fi
    in_syslog "still chrooted"

    step p7-reinstall install "$PFC"
    # The administrator turns chroot off for every service.
    # The fifth field: four fields and their separators, then y.
    four='[^#[:space:]]+([[:space:]]+[^[:space:]]+){3}[[:space:]]+'
    sed -i -E "s/^($four)y /\\1n /" "$R/etc/postfix/master.cf"
    grep -Eq "^${four}y " "$R/etc/postfix/master.cf" &&
	bad "master.cf still chroots a service"
    step p7-erase-unchrooted erase postfix-chroot
    for f in $ETC_FILES; do
	absent "etc/$f"
    done
    for f in $GLIBC_LIBS; do
	absent "usr/lib64/$f"
	absent "usr/lib64/${f%.so.2}-2.18.so"
    done
    absent lib64
    [ -d "$Q" ] && pass "the queue directory itself is still there"
}

# The classic branch of the spec, for rpm without file triggers: parsed
# here with --define 'pfc_file_triggers 0' (this rpm cannot build for Red
# Hat 7, but the spec must be right for it).
proof6_classic() {
    local out=$WORK/logs/classic-branch.spec
    say "rpm-test: proof 6 (classic branch): the spec without file triggers"
    if ! rpmspec -P --define 'pfc_file_triggers 0' \
	--define "_sourcedir $TOP/../../rpm/triggers" \
	"$TOP/../../rpm/postfix-chroot.spec" > "$out" 2>&1; then
	bad "rpmspec cannot parse the classic branch"
	return
    fi
    if grep -q '^%[a-z]*filetrigger' "$out"; then
	bad "the classic branch has file triggers"
    else
	pass "the classic branch has no file triggers"
    fi
    diff -u "$TOP/expected/classic-triggers.txt" \
	<(grep '^%trigger' "$out") > "$WORK/logs/classic.diff" &&
	pass "its package triggers are as expected/classic-triggers.txt" ||
	{ bad "its package triggers differ:"; sed 's/^/      /' \
	    "$WORK/logs/classic.diff"; }
}

prove() {
    local t0
    t0=$(date +%s.%N)
    say "rpm-test: $BACKEND: proofs in $WORK/$BACKEND"
    rpmt_root "$WORK/$BACKEND"
    proof1
    proof1b
    counter_on
    proof2
    proof3
    proof3b
    proof4
    proof4c
    proof5
    proof6
    proof8
    # Last before the erase: where it fails, the stale etc/services would
    # make every later "check" fail too.
    proof4b
    counter_off
    proof7
    rpmt_stop
    say "rpm-test: $BACKEND: done in $(elapsed "$t0") s"
}

for BACKEND in $BACKENDS; do
    case $BACKEND in
    rpm | dnf) prove ;;
    *) die "unknown backend $BACKEND" ;;
    esac
done
proof6_classic

say "rpm-test: $FAILS failed assertions, $(elapsed "$T0") s in all"
[ "$FAILS" = 0 ]
