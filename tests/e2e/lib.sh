# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - a throwaway Postfix instance in a private namespace, for the
# end-to-end suite (tests/e2e/run.sh) and the demo (scripts/demo-postfix.sh).
#
# Sourced by POSIX sh.  The caller sets, before sourcing:
#   E2E_BIN    where the suite's objects are built (module, client)
#   E2E_PROG   the postfix-chroot program
#   E2E_TMP    a directory of its own (made by e2e_make_tmp if unset)
#
# The life of a run:
#   e2e_outer_preflight       root, postfix, unshare, ip: fail if missing
#   e2e_enter_namespace CMD   run CMD inside `unshare --mount --net`
#     e2e_ns_setup            mounts that only the namespace sees
#     e2e_instance_create     config, queue and log of the instance
#     e2e_instance_start / e2e_instance_stop
#   e2e_outer_cleanup         kill what is left of our own instance, remove
#                             E2E_TMP (kept for a post-mortem if E2E_KEEP
#                             is set)
#
# Why a network namespace as well as a mount namespace: inside it only
# the loopback interface exists, so no lookup the instance or the tool
# makes can reach an outside resolver or mail server, whatever a jail
# file says; and ports 25 and the listener's port belong to us alone.
#
# What the namespace sees differently from the machine (nothing on the
# machine itself changes; all of it vanishes with the namespace):
#   LIBDIR (the directory that holds libc, /usr/lib/x86_64-linux-gnu
#     here)  an overlay whose upper layer, in E2E_TMP, holds the test
#     NSS module libnss_pfctest.so.2 and its dependency libpfctestmap.so.1;
#     writes go to the upper layer (the upgrade of check 5 uses that).
#   /etc     a read-only overlay whose top layer holds only localtime, a
#     symbolic link to a zone that is not UTC (E2E_ZONE), so that log
#     time stamps show whether the jail's copy is used.  Read-only, so
#     nothing the suite runs can write to the machine's /etc.
#   /etc/nsswitch.conf  bind mount: the machine's file with "pfctest"
#     on the hosts line.
#   /etc/resolv.conf    bind mount: "nameserver 127.0.0.1" (nothing
#     listens on port 53 in the namespace).

# shellcheck disable=SC2034 # (used by the scripts that source this file)
E2E_ADDR=127.0.0.5			# the client address the module maps
E2E_LABEL1=client-v1			# module label before the upgrade
E2E_LABEL2=client-v2			# and after
E2E_DOMAIN=nss-e2e.test			# from the module's dependency
E2E_NAME1=$E2E_LABEL1.$E2E_DOMAIN
E2E_NAME2=$E2E_LABEL2.$E2E_DOMAIN
E2E_ZONE=Asia/Kathmandu			# +0545 all year: no DST surprises
E2E_ZONE_OFFSET=+0545
E2E_ZONE_SECONDS=20700
E2E_MODULE=libnss_pfctest.so.2
E2E_DEP=libpfctestmap.so.1
E2E_SINK=sink.e2e.test			# routed to the smtp client
E2E_HOLD=hold@e2e.test			# put on hold by smtpd
E2E_SINK_ADDR=127.0.0.2			# where the sink smtpd listens

E2E_CLIENT=$E2E_BIN/smtpc
E2E_DAEMONS=/usr/lib/postfix/sbin

# e2e_paths - the paths below E2E_TMP; call again after setting it
e2e_paths() {
	E2E_CONF=$E2E_TMP/conf
	E2E_Q=$E2E_TMP/queue
	E2E_STATE=$E2E_TMP/state
	E2E_LOGDIR=$E2E_TMP/log
	E2E_LOG=$E2E_LOGDIR/maillog
	E2E_NS=$E2E_TMP/ns
}
[ -z "${E2E_TMP:-}" ] || e2e_paths

# e2e_say - one line of progress on stdout
e2e_say() {
	printf '%s\n' "$*"
}

# e2e_die - report a setup failure and stop
e2e_die() {
	printf 'e2e: FAIL: %s\n' "$*" >&2
	exit 1
}

# e2e_now - seconds since the epoch, with milliseconds
e2e_now() {
	date +%s.%3N
}

# e2e_elapsed START - seconds since START, e.g. "1.234"
e2e_elapsed() {
	awk -v s="$1" -v e="$(e2e_now)" 'BEGIN { printf "%.3f", e - s }'
}

# e2e_libdir - the system library directory (where libc lives)
e2e_libdir() {
	libc=$(ldd /bin/sh | awk '$1 ~ /^libc\.so/ { print $3 }')
	[ -n "$libc" ] || e2e_die "cannot find libc of /bin/sh"
	dirname "$(readlink -f "$libc")"
}

# e2e_outer_preflight - what the suite needs; a missing piece is a FAIL
e2e_outer_preflight() {
	[ "$(id -u)" = 0 ] || e2e_die "must run as root (mount namespace, Postfix)"
	for cmd in unshare setsid postfix postconf postcat postlog ip ss \
	    findmnt mount ldd awk stat cmp mkfifo; do
		command -v "$cmd" >/dev/null 2>&1 ||
		    e2e_die "$cmd not found (see scripts/deps.sh)"
	done
	[ -x "$E2E_DAEMONS/master" ] || e2e_die "$E2E_DAEMONS/master missing"
	[ -x "$E2E_PROG" ] || e2e_die "$E2E_PROG missing (make all)"
	[ -x "$E2E_CLIENT" ] || e2e_die "$E2E_CLIENT missing"
	[ -f "/usr/share/zoneinfo/$E2E_ZONE" ] ||
	    e2e_die "/usr/share/zoneinfo/$E2E_ZONE missing (tzdata)"
	getent passwd postfix >/dev/null || e2e_die "no postfix user"
	getent group postdrop >/dev/null || e2e_die "no postdrop group"
	grep -qw overlay /proc/filesystems ||
	    modprobe overlay 2>/dev/null ||
	    e2e_die "the kernel has no overlay file system"
}

# e2e_make_tmp - a fresh E2E_TMP (mode 0755: the postfix user must be
# able to reach the queue directory below it)
e2e_make_tmp() {
	E2E_TMP=$(mktemp -d /tmp/pfc-e2e.XXXXXX) || e2e_die "mktemp failed"
	chmod 0755 "$E2E_TMP"
	e2e_paths
}

# e2e_outer_cleanup - after the namespace is gone: kill what is left of
# our own instance and clients (found by pid file, checked by /proc),
# then remove E2E_TMP
e2e_outer_cleanup() {
	set +e
	trap '' INT TERM
	pid=$(e2e_master_pid)
	if [ -n "$pid" ]; then
		kids=$(ps -o pid= --ppid "$pid" 2>/dev/null)
		kill -TERM "$pid" 2>/dev/null
		# shellcheck disable=SC2086
		e2e_wait_for 10 e2e_gone "$pid" ||
		    kill -KILL "$pid" $kids 2>/dev/null
	fi
	for f in "$E2E_TMP"/*.client.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$E2E_CLIENT" ] &&
		    kill "$pid" 2>/dev/null
	done
	if [ -n "${E2E_KEEP:-}" ]; then
		echo "# E2E_KEEP set: kept $E2E_TMP" >&2
		return 0
	fi
	case $E2E_TMP in
	/tmp/pfc-e2e.*) rm -rf "$E2E_TMP" ;;
	esac
}

# e2e_outside SCRIPT ARGS - the outer part of SCRIPT: check what it
# needs, make E2E_TMP, run SCRIPT ARGS again inside new namespaces (with
# E2E_INSIDE=1) and clean up after it; exits with its status
#
# The inner part runs in the background so that a signal to this shell
# is handled at once (a shell defers traps while it waits for a
# foreground command) and passed on.  setsid makes it a process group of
# its own, which a signal reaches at once, all of it and nothing else.
# After a signal the inner part has 10 seconds to stop the instance
# itself (a shell may lose a trap that arrives during a command
# substitution); then its group is killed, and e2e_outer_cleanup stops
# the instance by the pid in its pid file.
e2e_outside() {
	e2e_outer_preflight
	e2e_make_tmp
	trap 'e2e_outer_cleanup' EXIT
	# shellcheck disable=SC2086
	E2E_INSIDE=1 E2E_TMP=$E2E_TMP E2E_PROG=$E2E_PROG E2E_BIN=$E2E_BIN \
	    setsid $E2E_UNSHARE sh "$@" &
	child=$!
	sig=
	# (/bin/kill: dash's builtin kill cannot signal a process group)
	trap 'sig=130; /bin/kill -s TERM -- "-$child" 2>/dev/null' INT
	trap 'sig=143; /bin/kill -s TERM -- "-$child" 2>/dev/null' TERM
	rc=0
	wait "$child" || rc=$?
	if [ -n "$sig" ] && ! e2e_wait_for 10 e2e_gone "$child"; then
		/bin/kill -s KILL -- "-$child" 2>/dev/null
	fi
	while kill -0 "$child" 2>/dev/null; do
		rc=0
		wait "$child" || rc=$?
	done
	exit "${sig:-$rc}"
}

# e2e_inside_traps - inside: stop instance and clients on exit or signal
e2e_inside_traps() {
	trap 'e2e_inner_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# e2e_enter_namespace SCRIPT ARGS - run SCRIPT in new mount+net namespaces
#
# Mount propagation is private, so no mount made inside reaches the
# machine, and every mount disappears with the last process inside.
E2E_UNSHARE="unshare --mount --net --propagation private --"
e2e_enter_namespace() {
	# shellcheck disable=SC2086
	$E2E_UNSHARE "$@"
}

# e2e_ns_base - make sure we are in our own namespaces; bring up lo
e2e_ns_base() {
	# Paranoia: never mount over the machine's own directories.
	[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
	    e2e_die "not in a private mount namespace"
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
	    e2e_die "not in a private network namespace"
	ip link set lo up || e2e_die "cannot bring up lo"
}

# e2e_ns_setup - build the namespace's view (see the top of this file)
e2e_ns_setup() {
	e2e_ns_base
	E2E_LIBDIR=$(e2e_libdir)
	mkdir -p "$E2E_NS/lib.upper" "$E2E_NS/lib.work" "$E2E_NS/etc.top"

	# The test module and its dependency, visible in LIBDIR only here.
	cp "$E2E_BIN/v1/$E2E_MODULE" "$E2E_BIN/$E2E_DEP" "$E2E_NS/lib.upper/"
	chmod 0755 "$E2E_NS/lib.upper/$E2E_MODULE" "$E2E_NS/lib.upper/$E2E_DEP"
	mount -t overlay pfc-e2e-lib -o "lowerdir=$E2E_LIBDIR,upperdir=$E2E_NS/lib.upper,workdir=$E2E_NS/lib.work" "$E2E_LIBDIR" ||
	    e2e_die "overlay on $E2E_LIBDIR failed"
	e2e_assert_overlay "$E2E_LIBDIR"

	# A zone that is not UTC, in a read-only /etc.
	ln -s "/usr/share/zoneinfo/$E2E_ZONE" "$E2E_NS/etc.top/localtime"
	mount -t overlay pfc-e2e-etc -o "lowerdir=$E2E_NS/etc.top:/etc" /etc ||
	    e2e_die "overlay on /etc failed"
	e2e_assert_overlay /etc

	# nsswitch.conf: the machine's, with the test module on the hosts line.
	awk '$1 == "hosts:" { print "hosts:          files pfctest dns"; next }
	    { print }' /etc/nsswitch.conf >"$E2E_NS/nsswitch.conf"
	grep -q '^hosts:' "$E2E_NS/nsswitch.conf" ||
	    echo "hosts:          files pfctest dns" >>"$E2E_NS/nsswitch.conf"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	    >"$E2E_NS/resolv.conf"
	chmod 0644 "$E2E_NS/nsswitch.conf" "$E2E_NS/resolv.conf"
	for f in nsswitch.conf resolv.conf; do
		mount --bind "$E2E_NS/$f" "/etc/$f" ||
		    e2e_die "bind mount on /etc/$f failed"
	done

	# The namespace now resolves the test name and nothing outside.
	got=$(getent hosts "$E2E_ADDR" | awk '{ print $2 }')
	[ "$got" = "$E2E_NAME1" ] ||
	    e2e_die "namespace: getent hosts $E2E_ADDR: got '$got', want $E2E_NAME1"
}

# e2e_assert_overlay DIR - DIR is an overlay mount (else writes would land
# on the machine's file system)
e2e_assert_overlay() {
	fs=$(findmnt -n -o FSTYPE --mountpoint "$1" | tail -n 1)
	[ "$fs" = overlay ] || e2e_die "$1 is not an overlay here (got '$fs')"
}

# e2e_instance_create PORT - config, queue and log directories
#
# Every service is written with an explicit chroot "n"; the suite (or
# `postfix-chroot enable`) then sets "y" for the listener and the smtp
# client.  Delivery: everything is discarded, except mail to
# $E2E_SINK, which the smtp client relays to [127.0.0.2] without a port,
# so that it must find smtp/tcp in the jail's etc/services; a second
# smtpd, unchrooted, listens on 127.0.0.2:25 and discards what it gets.
# (Not 127.0.0.1: the smtp client refuses to relay to an address of
# inet_interfaces, "mail for 127.0.0.1 loops back to myself".)
e2e_instance_create() {
	E2E_PORT=$1
	E2E_SVC="127.0.0.1:$E2E_PORT"
	mkdir -p "$E2E_CONF" "$E2E_Q" "$E2E_STATE" "$E2E_LOGDIR" \
	    "$E2E_TMP/data"
	chmod 0755 "$E2E_TMP" "$E2E_CONF" "$E2E_Q" "$E2E_LOGDIR"
	chown postfix "$E2E_TMP/data"
	cat >"$E2E_CONF/main.cf" <<EOF
# Throwaway instance of the postfix-chroot end-to-end suite.
compatibility_level = 3.7
config_directory = $E2E_CONF
queue_directory = $E2E_Q
data_directory = $E2E_TMP/data
command_directory = /usr/sbin
daemon_directory = $E2E_DAEMONS
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = pfc-e2e
maillog_file_prefixes = $E2E_LOGDIR
maillog_file = $E2E_LOG
myhostname = mx.e2e.test
mydomain = e2e.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
default_transport = discard:default
local_transport = discard:local
relay_transport = discard:relay
transport_maps = inline:{$E2E_SINK=smtp:[$E2E_SINK_ADDR]}
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions =
    check_recipient_access inline:{$E2E_HOLD=HOLD}
    permit_mynetworks, reject
# No DNS for the smtp client: the sink is a bracketed address, and
# hostname lookups go through the hosts line of nsswitch.conf.
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtp_tls_security_level = none
# Postfix 3.6 and later know smtp=25 without etc/services; an empty list
# makes the smtp client ask getservbyname(), as other services and older
# Postfix do, so that check 3 sees what the jail's etc/services holds.
known_tcp_ports =
# Fast retries, so a failure is seen and a recovery tried in seconds.
service_throttle_time = 1s
transport_retry_time = 1s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF
	cat >"$E2E_CONF/master.cf" <<EOF
# service   type  private unpriv chroot wakeup maxproc command + args
# The listener: one client per smtpd process (max_use=1), so that every
# session starts from a fresh process that loads NSS modules anew.
$E2E_SVC inet n - n - - smtpd
  -o max_use=1
# The sink for mail that the smtp client relays: discards it.
$E2E_SINK_ADDR:25 inet n - n - - smtpd
  -o syslog_name=pfc-e2e/sink
  -o myhostname=$E2E_SINK
  -o content_filter=discard:sink
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	: >"$E2E_LOG"
}

# e2e_postfix ARGS - the postfix command for our instance
e2e_postfix() {
	postfix -c "$E2E_CONF" "$@"
}

# e2e_tool ARGS - postfix-chroot for our instance and our state directory
e2e_tool() {
	"$E2E_PROG" -c "$E2E_CONF" --state-dir "$E2E_STATE" "$@"
}

# e2e_set_chroot - chroot the listener and the smtp client
#
# With `postfix-chroot enable` when the tool has it: enable also fills
# the jail, so `remove` empties it again, and check 1 sees a bare jail.
# An enable that exits 64 (usage: the command does not exist yet) means
# postconf -F sets the fields.  Prints "enable", "postconf", or
# "enable-bug WHAT" when enable exists but failed or left the fields
# wrong (the caller reports it; postconf has then set the fields).
e2e_set_chroot() {
	want="y y "
	rc=0
	e2e_tool enable "$E2E_SVC/inet" smtp/unix >"$E2E_TMP/enable.out" 2>&1 ||
	    rc=$?
	got=$(e2e_chroot_fields)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		e2e_tool remove >>"$E2E_TMP/enable.out" 2>&1 ||
		    e2e_die "postfix-chroot remove after enable failed: $(cat "$E2E_TMP/enable.out")"
		echo enable
		return 0
	elif [ "$rc" = 64 ]; then
		echo postconf
	elif [ "$rc" = 0 ]; then
		echo "enable-bug exit 0, but chroot fields '$got' (want '$want')"
	else
		echo "enable-bug exit $rc: $(head -n 3 "$E2E_TMP/enable.out")"
	fi
	postconf -c "$E2E_CONF" -F "$E2E_SVC/inet/chroot=y" \
	    smtp/unix/chroot=y || e2e_die "postconf -F failed"
	got=$(e2e_chroot_fields)
	[ "$got" = "$want" ] || e2e_die "chroot fields: got '$got', want '$want'"
}

# e2e_chroot_fields - the chroot fields of listener and smtp client,
# as Postfix's own parser reads them
e2e_chroot_fields() {
	postconf -c "$E2E_CONF" -hF "$E2E_SVC/inet/chroot" smtp/unix/chroot |
	    tr '\n' ' '
}

# e2e_master_pid - pid of our instance's master, empty when not running
e2e_master_pid() {
	pidf=$E2E_Q/pid/master.pid
	[ -f "$pidf" ] || return 0
	pid=$(tr -dc 0-9 <"$pidf")
	[ -n "$pid" ] || return 0
	e2e_is_our_master "$pid" && echo "$pid"
	return 0
}

# e2e_is_our_master PID - PID is a Postfix master working in our queue
# directory (a stale pid file must not make us signal someone else)
e2e_is_our_master() {
	[ -d "/proc/$1" ] || return 1
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$E2E_DAEMONS/master" ] ||
	    return 1
	[ "$(readlink "/proc/$1/cwd" 2>/dev/null)" = "$E2E_Q" ]
}

# e2e_instance_start - start the instance and wait for its listener
e2e_instance_start() {
	e2e_postfix start >"$E2E_TMP/start.out" 2>&1 ||
	    e2e_die "postfix start failed: $(cat "$E2E_TMP/start.out")"
	e2e_wait_for 20 e2e_listening "$E2E_PORT" ||
	    e2e_die "nothing listens on 127.0.0.1:$E2E_PORT after 20s"
	E2E_MASTER=$(e2e_master_pid)
	[ -n "$E2E_MASTER" ] || e2e_die "no master pid after start"
}

# e2e_listening PORT - something listens on 127.0.0.1:PORT
e2e_listening() {
	ss -Hltn "src 127.0.0.1:$1" 2>/dev/null | grep -q LISTEN
}

# e2e_instance_stop - stop our instance and wait until its master is gone
#
# `postfix stop` asks the master to end; its children follow it.  Should
# the master still be there after 20 seconds, it and its own children are
# killed by pid; nothing is ever signalled by name.
e2e_instance_stop() {
	pid=$(e2e_master_pid)
	[ -n "$pid" ] || return 0
	e2e_postfix stop >/dev/null 2>&1 || true
	if ! e2e_wait_for 20 e2e_gone "$pid"; then
		kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
		# shellcheck disable=SC2086
		kill -KILL "$pid" $kids 2>/dev/null || true
		e2e_wait_for 5 e2e_gone "$pid" || true
	fi
}

# e2e_gone PID - PID has exited
e2e_gone() {
	! kill -0 "$1" 2>/dev/null
}

# e2e_wait_for SECONDS CMD ARGS - poll CMD every 0.1s until it succeeds
e2e_wait_for() {
	limit=$(( $1 * 10 ))
	shift
	n=0
	while ! "$@"; do
		n=$((n + 1))
		[ "$n" -lt "$limit" ] || return 1
		sleep 0.1
	done
	return 0
}

# e2e_log_mark - the current end of the log, for e2e_log_since
e2e_log_mark() {
	wc -l <"$E2E_LOG" | tr -d ' '
}

# e2e_log_since MARK - the log lines written after MARK
e2e_log_since() {
	tail -n "+$(($1 + 1))" "$E2E_LOG"
}

# e2e_log_has MARK ERE - a line after MARK matches ERE
e2e_log_has() {
	e2e_log_since "$1" | grep -Eq -- "$2"
}

# e2e_log_wait MARK ERE [SECONDS] - wait for such a line, print it
e2e_log_wait() {
	e2e_wait_for "${3:-20}" e2e_log_has "$1" "$2" || return 1
	e2e_log_since "$1" | grep -E -- "$2" | head -n 1
}

# ---------------------------------------------------------------------------
# Clients and what the instance made of them.

# e2e_inner_cleanup - stop the instance and our clients (trap on exit)
e2e_inner_cleanup() {
	set +e
	trap '' INT TERM
	exec 7>&- 8>&-
	for f in "$E2E_TMP"/*.client.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$E2E_CLIENT" ] &&
		    kill "$pid" 2>/dev/null
		rm -f "$f"
	done
	e2e_instance_stop
}

# e2e_send NAME ARGS - one SMTP session from the test address; prints the
# queue id.  The dialogue is kept in $E2E_TMP/NAME.err.
e2e_send() {
	name=$1
	shift
	"$E2E_CLIENT" -b "$E2E_ADDR" -p "$E2E_PORT" "$@" 127.0.0.1 \
	    2>"$E2E_TMP/$name.err" | awk '$1 == "queued" { print $2 }'
}

# e2e_hold_start NAME FD ARGS - open a session and hold it after EHLO
#
# The client waits for a line on a FIFO that this shell keeps open as
# file descriptor FD (7 or 8); e2e_hold_release sends the line.
e2e_hold_start() {
	name=$1
	fd=$2
	shift 2
	rm -f "$E2E_TMP/$name.fifo"
	mkfifo "$E2E_TMP/$name.fifo"
	"$E2E_CLIENT" -k -b "$E2E_ADDR" -p "$E2E_PORT" "$@" 127.0.0.1 \
	    <"$E2E_TMP/$name.fifo" >"$E2E_TMP/$name.out" \
	    2>"$E2E_TMP/$name.err" 7>&- 8>&- &
	echo $! >"$E2E_TMP/$name.client.pid"
	case $fd in
	7) exec 7>"$E2E_TMP/$name.fifo" ;;
	8) exec 8>"$E2E_TMP/$name.fifo" ;;
	esac
	e2e_wait_for 20 grep -q '^held$' "$E2E_TMP/$name.out"
}

# e2e_hold_release NAME FD - let the session finish and wait for the
# client; sets E2E_QUEUED to the queue id (empty if none).  Not to be
# called in a subshell: only this shell can wait for the client.
e2e_hold_release() {
	case $2 in
	7) echo go >&7; exec 7>&- ;;
	8) echo go >&8; exec 8>&- ;;
	esac
	pid=$(cat "$E2E_TMP/$1.client.pid")
	wait "$pid" || true
	rm -f "$E2E_TMP/$1.client.pid" "$E2E_TMP/$1.fifo"
	E2E_QUEUED=$(awk '$1 == "queued" { print $2 }' "$E2E_TMP/$1.out")
}

# e2e_smtpd_pid LINE - the pid in "pfc-e2e/smtpd[PID]: ..."
e2e_smtpd_pid() {
	printf '%s\n' "$1" | sed -n 's/.*pfc-e2e\/smtpd\[\([0-9]*\)\]:.*/\1/p'
}

# e2e_received ID - the Received header of queued message ID, on one line
e2e_received() {
	postcat -c "$E2E_CONF" -hq "$1" 2>/dev/null | awk '
		/^Received:/ { r = $0; inr = 1; next }
		inr && /^[ \t]/ { sub(/^[ \t]+/, " "); r = r $0; next }
		inr { print r; exit }'
}

# e2e_log_connect MARK - wait for smtpd's "connect from NAME[ADDR]" after
# MARK; sets E2E_LINE (the line), E2E_LINE_AT (when seen) and
# E2E_CONNECT_NAME (NAME)
e2e_log_connect() {
	E2E_LINE=$(e2e_log_wait "$1" "pfc-e2e/smtpd\[[0-9]+\]: connect from [^ ]*\[$E2E_ADDR\]") ||
	    { E2E_LINE=; E2E_CONNECT_NAME=; return 1; }
	E2E_LINE_AT=$(date +%s)
	E2E_CONNECT_NAME=$(printf '%s\n' "$E2E_LINE" |
	    sed 's/.*: connect from \([^ ]*\)\[[^ ]*\]$/\1/')
}
