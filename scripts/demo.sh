#!/bin/sh
# demo.sh - show postfix-chroot at work on this machine's real files,
# in a sandbox that never touches the machine's own Postfix.
#
# usage: demo.sh /path/to/postfix-chroot
set -eu

prog=${1:?usage: demo.sh PROGRAM}
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (make demo)" >&2; exit 1; }
command -v unshare >/dev/null || { echo "demo.sh: unshare missing" >&2; exit 1; }

sandbox=$(mktemp -d /tmp/postfix-chroot-demo.XXXXXX)
chmod 0755 "$sandbox"
trap 'rm -rf "$sandbox"' EXIT INT TERM
jail=$sandbox/jail
state=$sandbox/state
mkdir -m 0755 "$jail" "$state"

say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "1. A throwaway jail ($jail), filled from this machine's real /etc and libraries"
echo "   (--force: this machine's own Postfix may have no chrooted service;"
echo "    --state-dir: the record of what was installed stays in the sandbox)"
run "$prog" -j "$jail" --state-dir "$state" --force update
say "2. What the jail holds, where each item comes from, and why"
run "$prog" -j "$jail" --state-dir "$state" --force status
say "3. check compares byte by byte: nothing to report"
run "$prog" -j "$jail" --state-dir "$state" --force check && echo "(clean, exit 0)"
say "4. A second update changes nothing: it writes nothing, prints only its warnings"
run "$prog" -j "$jail" --state-dir "$state" --force update
echo "(nothing added, updated or removed)"

say "5. The host's resolv.conf changes (only inside a private mount namespace)"
printf 'nameserver 192.0.2.53\n' > "$sandbox/resolv.conf"
export prog jail state sandbox
unshare -m sh -eu -c '
    mount --make-rprivate /
    mount --bind "$sandbox/resolv.conf" /etc/resolv.conf
    echo "\$ $prog -j $jail --state-dir $state --force check   # sees the drift"
    "$prog" -j "$jail" --state-dir "$state" --force check || echo "(drift found, exit $?)"
    echo "\$ $prog -j $jail --state-dir $state --force update  # refreshes exactly that file, by rename"
    before=$(stat -c %i "$jail/etc/resolv.conf")
    "$prog" -j "$jail" --state-dir "$state" --force update
    after=$(stat -c %i "$jail/etc/resolv.conf")
    echo "inode of etc/resolv.conf in the jail: $before -> $after"
    cat "$jail/etc/resolv.conf"
'
echo "(outside that namespace /etc/resolv.conf never changed: the next update"
echo " below puts its bytes back, and says so)"
say "6. A planted symbolic link is refused, never followed"
run rm -f "$jail/etc/hosts"
run ln -s /etc/shadow "$jail/etc/hosts"
run "$prog" -j "$jail" --state-dir "$state" --force update || echo "(refused, exit $?)"
echo "(the administrator removes the link; the next update puts the copy back)"
run rm -f "$jail/etc/hosts"
run "$prog" -j "$jail" --state-dir "$state" --force update
say "7. remove deletes what postfix-chroot installed, nothing else"
touch "$jail/etc/admin-note"
run "$prog" -j "$jail" --state-dir "$state" --force remove
run find "$jail"

dir=$(dirname "$0")
for part in demo-postfix.sh demo-rpm.sh; do
	if [ -x "$dir/$part" ] || [ -f "$dir/$part" ]; then
		sh "$dir/$part" "$prog"
	fi
done
