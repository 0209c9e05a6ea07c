# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the hardening scripts (tests/hardening/*.sh)
#
# Sourced by POSIX sh.  The caller sets, before sourcing:
#   HX_PROG   the postfix-chroot program
#   HX_BIN    where mk/hardening.mk built the helpers (hxrun, hxsnap, ...)
# and may set HX_KEEP=1 to keep the temporary tree for a post-mortem.
#
# Trees.  hx_template builds, once per script, a fake Debian root with
# tests/fixtures/mkroot.sh (real ELF objects, a jail at
# root/var/spool/postfix, a chrooted smtpd in master.cf) plus a state
# directory and the outside targets the attacks aim at:
#   outside/secret      a root 0600 file that must never change
#   outside/dir/keep    a directory that must never gain or lose entries
#   outside/master.cf   a copy of master.cf (targets of master.cf attacks)
# hx_case [FROM] copies the template (or a tree saved with hx_save) to
# the case directory and sets
#   D (case), R (root), J (jail), S (state dir), C (config dir), O (outside)
#
# Running.  hx_tool ARGS... runs the program on the case with --root and
# --state-dir, under hxrun (time limit HX_TIMEOUT, default 20 s), and
# leaves HX_RC, HX_SIGNAL, HX_TIMEDOUT, HX_RSS (kB) and the files
# $W/out, $W/err, $W/run.  W is the work directory, outside the case, so
# that what the harness writes never counts as a change outside the jail.
#
# Judging.  hx_snap_outside FILE: everything in the case except the jail
# and the state directory, by type, owner, mode, size, mtime and FNV-1a
# hash.  hx_pass / hx_fail count and print; hx_summary prints the counts
# and returns non-zero when something failed.

HX_TIMEOUT=${HX_TIMEOUT:-20}
HX_PASSED=0
HX_FAILED=0
HX_HERE=${HX_HERE:-$(cd "$(dirname "$0")" && pwd)}
HX_FIXTURES=$HX_HERE/../fixtures

# hx_die - a set-up problem: stop the script
hx_die() {
	printf 'hardening: FAIL: %s\n' "$*" >&2
	exit 1
}

# hx_say - one line of progress
hx_say() {
	printf '%s\n' "$*"
}

# hx_pass NAME - one passed assertion (quiet unless HX_VERBOSE)
hx_pass() {
	HX_PASSED=$((HX_PASSED + 1))
	[ -z "${HX_VERBOSE:-}" ] || printf 'ok   %s\n' "$*"
}

# hx_fail NAME - one failed assertion
hx_fail() {
	HX_FAILED=$((HX_FAILED + 1))
	printf 'FAIL %s\n' "$*"
}

# hx_check RESULT NAME... - pass when RESULT is 0
hx_check() {
	hc_r=$1
	shift
	if [ "$hc_r" = 0 ]; then hx_pass "$*"; else hx_fail "$*"; fi
}

# hx_summary - the counts; status 1 when anything failed
hx_summary() {
	printf '%s: %d passed, %d failed\n' "${HX_NAME:-hardening}" \
	    "$HX_PASSED" "$HX_FAILED"
	[ "$HX_FAILED" = 0 ]
}

# hx_preflight - root, the program, the helpers, the postfix user
hx_preflight() {
	[ "$(id -u)" = 0 ] || hx_die "must run as root"
	[ -x "$HX_PROG" ] || hx_die "$HX_PROG: no such program"
	for h in hxrun hxsnap hxrace hxkill.so; do
		[ -e "$HX_BIN/$h" ] ||
		    hx_die "$HX_BIN/$h missing (make hardening-build)"
	done
	HX_PF_UID=$(id -u postfix 2>/dev/null) ||
	    hx_die "no postfix user (install postfix)"
	HX_PF_GID=$(id -g postfix)
	command -v setpriv >/dev/null || hx_die "setpriv missing (util-linux)"
}

# hx_enter_ns [--always] SCRIPT ARGS... - run SCRIPT again in a private
# mount namespace (unless HX_TMPFS=0 or HX_KEEP is set; --always: in any
# case, for scripts that mount), so that the tmpfs the tests work on and
# any other mount vanish with it.  A tmpfs makes fsync() free: kill -9
# and the checks made here do not depend on what reaches the disk.
hx_enter_ns() {
	[ "${HX_INSIDE:-}" != 1 ] || return 0
	if [ "$1" = --always ]; then
		shift
	else
		[ "${HX_TMPFS:-1}" = 1 ] && [ -z "${HX_KEEP:-}" ] || return 0
	fi
	command -v unshare >/dev/null || hx_die "unshare missing (util-linux)"
	HX_INSIDE=1 exec unshare -m --propagation private sh "$@"
}

# hx_known TAG - is TAG listed in known-faults (found, not yet fixed)?
hx_known() {
	grep -q "^$1[[:space:]]" "$HX_HERE/known-faults" 2>/dev/null
}

# hx_mktmp - the script's temporary directory, removed at exit, below
# HX_TMPBASE (default /tmp; it must be root-owned, and sticky if others
# can write it, as the tool checks every directory above a jail)
hx_mktmp() {
	HX_TMP=$(mktemp -d "${HX_TMPBASE:-/tmp}/hardening.XXXXXX") ||
	    hx_die "mktemp"
	chmod 0755 "$HX_TMP"
	if [ "${HX_INSIDE:-}" = 1 ]; then
		mount -t tmpfs -o mode=0755,size=${HX_TMPFS_SIZE:-2g} \
		    hardening "$HX_TMP" || hx_die "mount tmpfs on $HX_TMP"
	fi
	trap 'hx_cleanup' EXIT
	trap 'exit 130' INT TERM

	W=$HX_TMP/work
	mkdir -m 0755 "$W"

	# Our own copy: others may rebuild the program while we run.
	cp "$HX_PROG" "$HX_TMP/postfix-chroot"
	HX_PROG=$HX_TMP/postfix-chroot
}

# hx_cleanup - stop what we started, remove the tree
hx_cleanup() {
	for f in "$HX_TMP"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || continue
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	if [ -n "${HX_KEEP:-}" ]; then
		echo "hardening: kept $HX_TMP" >&2
		[ "${HX_INSIDE:-}" != 1 ] ||
		    echo "hardening: (a tmpfs: gone with the namespace)" >&2
		return 0
	fi
	if [ "${HX_INSIDE:-}" = 1 ]; then
		umount -l "$HX_TMP" 2>/dev/null
		rmdir "$HX_TMP"
	else
		rm -rf "$HX_TMP"
	fi
}

# hx_as_postfix CMD... - run CMD as the postfix user
hx_as_postfix() {
	setpriv --reuid="$HX_PF_UID" --regid="$HX_PF_GID" --clear-groups -- "$@"
}

# hx_template [LAYOUT [OPTIONS...]] - build the template tree once
hx_template() {
	layout=${1:-debian}
	[ $# = 0 ] || shift
	HX_TPL=$HX_TMP/template
	mkdir -m 0755 "$HX_TPL" "$HX_TPL/state" "$HX_TPL/outside" \
	    "$HX_TPL/outside/dir"
	sh "$HX_FIXTURES/mkroot.sh" "$layout" "$HX_TPL/root" "$@" \
	    >"$HX_TMP/mkroot.log" 2>&1 || {
		cat "$HX_TMP/mkroot.log" >&2
		hx_die "mkroot.sh $layout failed"
	}
	printf 'SECRET: must never change\n' >"$HX_TPL/outside/secret"
	chmod 0600 "$HX_TPL/outside/secret"
	printf 'keep\n' >"$HX_TPL/outside/dir/keep"
	cp "$HX_TPL/root/etc/postfix/master.cf" "$HX_TPL/outside/master.cf"
	printf '# postfix-chroot manifest 1\nf etc/hosts\n' \
	    >"$HX_TPL/outside/valid.manifest"
}

# hx_case [FROM] - the case directory, a fresh copy of FROM (default:
# the template).  Always the same path (per worker, HX_WORKER): the
# manifest's name is made from the jail's path, so a tree prepared at one
# path and run at another would look to the tool like a jail it never
# saw.
hx_case() {
	D=$HX_TMP/case${HX_WORKER:-}
	rm -rf "$D"
	cp -a "${1:-$HX_TPL}" "$D"
	hx_vars
}

# hx_save NAME - keep the case as the start tree $HX_TMP/NAME (per
# worker)
hx_save() {
	rm -rf "${HX_TMP:?}/$1${HX_WORKER:-}"
	cp -a "$D" "$HX_TMP/$1${HX_WORKER:-}"
}

# hx_start NAME - the path of start tree NAME (per worker)
hx_start() {
	echo "$HX_TMP/$1${HX_WORKER:-}"
}

# hx_worker N - become worker N: own case path and work directory
hx_worker() {
	HX_WORKER=.$1
	W=$HX_TMP/work$HX_WORKER
	mkdir -p "$W"
}

# hx_vars - the path variables of case D
hx_vars() {
	R=$D/root
	J=$R/var/spool/postfix
	S=$D/state
	C=$R/etc/postfix
	O=$D/outside
}

# hx_tool ARGS... - run the program on case D
hx_tool() {
	HX_RC=0
	"$HX_BIN/hxrun" -t "$HX_TIMEOUT" -o "$W/run" \
	    "$HX_PROG" -r "$R" --state-dir "$S" "$@" \
	    >"$W/out" 2>"$W/err" </dev/null || HX_RC=$?
	hx_read_run "$W/run"
}

# hx_read_run FILE - HX_SIGNAL, HX_TIMEDOUT, HX_RSS, HX_MS from hxrun
hx_read_run() {
	HX_SIGNAL=0 HX_TIMEDOUT=0 HX_RSS=0 HX_MS=0
	line=
	read -r line <"$1" || true
	# shellcheck disable=SC2086
	set -- $line
	for kv in "$@"; do
		case $kv in
		signal=*) HX_SIGNAL=${kv#signal=} ;;
		timeout=*) HX_TIMEDOUT=${kv#timeout=} ;;
		maxrss_kb=*) HX_RSS=${kv#maxrss_kb=} ;;
		ms=*) HX_MS=${kv#ms=} ;;
		esac
	done
}

# hx_snap_outside FILE [WANT] - everything of case D but the jail and
# the state directory into FILE; with WANT, status 2 when it differs
hx_snap_outside() {
	"$HX_BIN/hxsnap" -x root/var/spool/postfix -x state -o "$1" \
	    ${2:+-c "$2"} "$D" >/dev/null
}

# hx_snap_jail FILE [WANT] - the jail of case D, without modification
# times; with WANT, status 2 when it differs
hx_snap_jail() {
	"$HX_BIN/hxsnap" -M -o "$1" ${2:+-c "$2"} "$J" >/dev/null
}

# hx_oldnew OLD NEW HAVE - jail snapshot HAVE (hx_snap_jail) against the
# snapshots OLD (before a run) and NEW (after an undisturbed run): every
# entry must be as in OLD or as in NEW (type, mode, owner, size and hash;
# a directory only by type), an entry in both may not be missing, and
# nothing else may be there but the tool's temporary files.  One line
# per problem; none when all is well.
hx_oldnew() {
	awk -F '\t' -v oldf="$1" -v newf="$2" '
	function key(f) {
		if (f[2] == "d")
			return "d"
		return f[2] "|" f[3] "|" f[4] "|" f[5] "|" f[7]
	}
	BEGIN {
		while ((getline l < oldf) > 0) {
			split(l, f, "\t")
			old[f[1]] = key(f)
		}
		while ((getline l < newf) > 0) {
			split(l, f, "\t")
			new[f[1]] = key(f)
		}
	}
	{
		seen[$1] = 1
		n = split($1, c, "/")
		if (c[n] ~ /^\.postfix-chroot\./) next
		split($0, f, "\t")
		k = key(f)
		if (($1 in old) && old[$1] == k) next
		if (($1 in new) && new[$1] == k) next
		if (!($1 in old) && !($1 in new)) { print "stray " $1; next }
		print "mixed " $1 " (" k ")"
	}
	END {
		for (p in old)
			if ((p in new) && !(p in seen))
				print "missing " p
	}' "$3"
}

# hx_manifest - the manifest of case D: kind and path of each entry
# (whatever else a line may carry, such as file identities, is cut off)
hx_manifest() {
	cat "$S"/*.manifest 2>/dev/null | sed 's/	.*//'
}

# hx_temps - temporary files of the tool left in the jail (count)
hx_temps() {
	find "$J" -name '.postfix-chroot.*' 2>/dev/null | wc -l
}

# hx_host_change - change every host source of the plan (refresh runs)
hx_host_change() {
	for f in hosts resolv.conf services host.conf protocols gai.conf \
	    nsswitch.conf; do
		[ -f "$R/etc/$f" ] && printf '# changed %s\n' "$1" >>"$R/etc/$f"
	done
	for f in "$R"/usr/share/zoneinfo/America/New_York \
	    "$R"/usr/lib/x86_64-linux-gnu/*.so*; do
		[ -f "$f" ] && [ ! -L "$f" ] && printf '%s' "$1" >>"$f"
	done
	return 0
}
