#!/bin/sh
# deps.sh - install the build and test dependencies that are missing.
#
# Debian/Ubuntu (apt-get) and Fedora/RHEL (dnf) are supported.  Nothing is
# installed when everything is already present, so running it on every
# "make check" costs a few milliseconds.  Installing needs root.
set -eu

DEB_PKGS="build-essential pkg-config libselinux1-dev librpm-dev check rpm
	postfix postfix-doc busybox-static createrepo-c dnf rpmlint clang
	clang-format libclang-rt-14-dev valgrind util-linux iproute2
	selinux-utils file strace patch diffutils hyperfine time attr"
RPM_PKGS="gcc make pkgconf-pkg-config libselinux-devel rpm-devel check-devel
	rpm-build postfix busybox createrepo_c dnf rpmlint clang
	clang-tools-extra compiler-rt valgrind util-linux iproute
	libselinux-utils file strace patch diffutils hyperfine time attr"

missing=
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1
then
	for p in $DEB_PKGS; do
		st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
		case $st in *" installed") ;; *) missing="$missing $p" ;; esac
	done
	[ -z "$missing" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing"
	# Keep the system's own Postfix instance unconfigured and stopped.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
elif command -v dnf >/dev/null 2>&1 && command -v rpm >/dev/null 2>&1; then
	for p in $RPM_PKGS; do
		rpm -q --whatprovides "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing"
	# shellcheck disable=SC2086
	dnf install -y -q $missing
else
	echo "deps.sh: neither apt-get nor dnf found; install by hand:" >&2
	echo "  $DEB_PKGS" >&2
	exit 1
fi
