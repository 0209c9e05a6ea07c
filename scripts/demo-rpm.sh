#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo-rpm.sh - the RPM flow, narrated: install postfix-chroot into a
# sandbox root with rpm --root, upgrade a glibc-like package there, and
# watch the file triggers refresh the jail.
#
# usage: demo-rpm.sh [PROGRAM]   (the argument of demo.sh, not used: the
#                                 demo installs the packaged helper)
#
# Uses build/rpmbuild/RPMS/*/postfix-chroot-*.rpm, making it with
# "make rpm" (unit tests skipped) when it is missing.  The sandbox root
# and everything built for it live in a temporary directory that is
# removed at the end; the machine's rpm database, /etc and Postfix are
# never touched (see tests/rpm/lib.sh).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo-rpm.sh: run as root" >&2; exit 1; }

say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

say "RPM 1. The postfix-chroot package, built by rpmbuild from the tarball"
PFC_RPM=$(ls "$top"/build/rpmbuild/RPMS/*/postfix-chroot-[0-9]*.rpm \
    2>/dev/null | head -n 1 || true)
if [ -z "$PFC_RPM" ]; then
    show "make rpm RPMBUILD_OPTS=--nocheck"
    make -s -C "$top" rpm RPMBUILD_OPTS=--nocheck >/dev/null 2>&1 ||
	{ echo "demo-rpm.sh: make rpm failed" >&2; exit 1; }
    PFC_RPM=$(ls "$top"/build/rpmbuild/RPMS/*/postfix-chroot-[0-9]*.rpm |
	head -n 1)
fi
echo "$PFC_RPM"
show "rpm -qp --filetriggers postfix-chroot"
rpm -qp --filetriggers "$PFC_RPM"

WORK=$(mktemp -d /tmp/postfix-chroot-rpm-demo.XXXXXX)
SYSLOGD_PID=
trap '[ -z "$SYSLOGD_PID" ] || kill "$SYSLOGD_PID"; rm -rf "$WORK"' \
    EXIT INT TERM
chmod 0755 "$WORK"
RPM_LIB_TOP=$top/tests/rpm
BACKEND=rpm
# shellcheck source=../tests/rpm/lib.sh
. "$RPM_LIB_TOP/lib.sh"
rpmt_require
rpmt_init

say "RPM 2. A sandbox root ($WORK/root) with its own rpm database"
echo "   test packages: filesystem, busybox as /bin/sh, this machine's loader"
echo "   and libraries, glibc-like 2.17 (NSS modules, libresolv), setup,"
echo "   tzdata, postfix (master.cf with chrooted smtp) and 20 others"
rpmt_build_packages
rpmt_root "$WORK/root"
show "rpm --root $R -qa | sort | head"
rpm --root "$R" --define '_dbpath /var/lib/rpm' -qa | sort | head

say "RPM 3. Install postfix-chroot: %posttrans and the triggers fill the jail"
show "rpm --root $R -i $(basename "$PFC")"
pm install "$PFC" 2>&1 | grep -v 'Alien\|assuming you know' || true
echo "(the root's nsswitch.conf names pfcmod, which is not installed: every"
echo " run of the helper says so once; the package's scriptlets and three"
echo " of its triggers ran it in this transaction)"
show "ls -l $Q/usr/lib64"
ls -l "$Q/usr/lib64"

say "RPM 4. Upgrade the glibc-like package 2.17 -> 2.18"
echo "   (new bytes, new versioned file names, links moved)"
show "rpm --root $R -U glibc-2.18.rpm"
pm upgrade "$P/glibc-2.18.rpm" 2>&1 | grep -v 'Alien\|assuming you know' ||
    true
echo "(the added/updated/removed lines come from the helper, run by the"
echo " glibc-like package's file triggers: nothing was run by hand)"
show "ls -l $Q/usr/lib64"
ls -l "$Q/usr/lib64"
show "chroot $R postfix-chroot check"
in_root /usr/sbin/postfix-chroot check 2>/dev/null && echo "(clean, exit 0)"

say "RPM 5. The helper also logged every change to the root's syslog"
show "grep postfix-chroot $R/var/log/messages | tail -n 5"
grep postfix-chroot "$R/var/log/messages" | tail -n 5
