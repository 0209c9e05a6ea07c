#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# demo-postfix.sh - postfix-chroot and a real, chrooted Postfix, narrated.
#
# usage: demo-postfix.sh /path/to/postfix-chroot
#
# A throwaway Postfix instance (the distribution's binaries, its own
# configuration, queue directory and log) runs with a chrooted smtpd in
# private mount and network namespaces; the machine's own Postfix, queue
# directory and /etc are never touched, and no lookup can leave the
# machine.  A client connects from 127.0.0.1 before and after
# `postfix-chroot update`: smtpd logs it as unknown[127.0.0.1] while the
# jail is bare, and by the name the machine's own /etc/hosts gives it
# once the tool has filled the jail.  Needs root; scripts/demo.sh calls
# it, `make demo` builds the SMTP client it uses (build/e2e/smtpc).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${E2E_INSIDE:-}" != 1 ]; then
	prog=${1:?usage: demo-postfix.sh PROGRAM}
	E2E_PROG=$(readlink -f "$prog")
	E2E_BIN=${E2E_BIN:-$(dirname "$E2E_PROG")/e2e}
	[ -x "$E2E_BIN/smtpc" ] ||
	    make -s -C "$top" BUILD="$(dirname "$E2E_PROG")" e2e-build
	# shellcheck source=tests/e2e/lib.sh
	. "$top/tests/e2e/lib.sh"
	e2e_outside "$0" "$@"
fi
# shellcheck source=tests/e2e/lib.sh
. "$top/tests/e2e/lib.sh"

# ---- Inside the namespaces. ----
e2e_inside_traps
E2E_ADDR=127.0.0.1
# The names the transcript uses.
CONF=$E2E_CONF
QUEUE=$E2E_Q
STATE=$E2E_STATE
export CONF QUEUE STATE

# say TEXT - a heading
say() {
	printf '\n\033[1m## %s\033[0m\n' "$*"
}

# show TEXT [COMMAND ARGS] - print "$ TEXT", then run COMMAND ARGS (TEXT
# itself when none is given); its output indented
show() {
	printf '$ %s\n' "$1"
	if [ $# = 1 ]; then
		eval "$1" 2>&1 | sed 's/^/  /'
	else
		shift
		"$@" 2>&1 | sed 's/^/  /'
	fi
}

# session - one client session from 127.0.0.1; print what smtpd logged
# and the Received header it wrote
session() {
	mark=$(e2e_log_mark)
	id=$(e2e_send demo -e demo.client.example -t "$E2E_HOLD")
	[ -n "$id" ] || e2e_die "the message was not accepted: $(cat "$E2E_TMP/demo.err")"
	e2e_log_connect "$mark" || e2e_die "smtpd logged no connect line"
	printf '  log:      %s\n' "$(printf '%s\n' "$E2E_LINE" | cut -c 17-)"
	printf '  header:   %s\n' "$(e2e_received "$id" | sed 's/ by .*/ .../')"
}

e2e_ns_base
e2e_instance_create "$("$E2E_CLIENT" -F)"
postconf -c "$CONF" -F "$E2E_SVC/inet/chroot=y"
e2e_instance_start

say "A throwaway Postfix $(postconf -c "$CONF" -h mail_version), chrooted smtpd"
cat <<EOF
Private mount and network namespaces: this machine's Postfix, queue
directory and /etc are never touched, and nothing can reach the network.
  CONF=$CONF       (main.cf, master.cf)
  QUEUE=$QUEUE     (queue_directory: the chroot jail)
  STATE=$STATE     (the tool's record and lock)
  smtpd listens on 127.0.0.1:$E2E_PORT and is chrooted into \$QUEUE:
EOF
show "postconf -c \$CONF -F '$E2E_SVC/inet/chroot'"

say "1. The jail is bare: smtpd cannot read etc/hosts"
echo "The machine knows the client's address:"
show "getent hosts 127.0.0.1"
show "ls \$QUEUE/etc"
echo "A client connects from 127.0.0.1 and sends a message:"
session

say "2. postfix-chroot fills the jail from this machine's files"
printf '$ %s\n' "postfix-chroot -c \$CONF --state-dir \$STATE update"
e2e_tool update >"$E2E_TMP/update.out" 2>&1 ||
    echo "  (exit status $?)" >>"$E2E_TMP/update.out"
n=$(grep -c . "$E2E_TMP/update.out" || true)
head -n 8 "$E2E_TMP/update.out" | sed 's/^/  /'
[ "$n" -le 8 ] || echo "  ... ($((n - 8)) more lines)"
show "ls \$QUEUE/etc"

say "3. The same client, no restart of Postfix"
session

say "4. check compares the jail with the machine: nothing to report"
rc=0
printf '$ %s\n' "postfix-chroot -c \$CONF --state-dir \$STATE check"
e2e_tool check 2>/dev/null | sed 's/^/  /' || true
e2e_tool check >/dev/null 2>&1 || rc=$?
echo "  (exit $rc$( [ "$rc" = 0 ] && echo ': the jail is in line'))"

say "Done; on exit Postfix is stopped and $E2E_TMP removed"
