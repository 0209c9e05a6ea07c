#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack.sh - plant hostile entries wherever the tool writes or removes
#
# usage: sh tests/hardening/attack.sh PROG HELPERDIR
#
# The matrix.  For every path the tool writes or removes in the jail (the
# directories, files and links of a Debian-like root's plan), and in each
# phase -- first population (update on an empty jail), refresh (update
# after every host source changed), removal (remove), and the read-only
# commands check and status -- one of these is planted at the path:
#   symlink-file    a symbolic link to outside/secret
#   symlink-dir     a symbolic link to outside/dir
#   hardlink        a hard link to outside/secret
#   fifo            a FIFO
#   device          a character device (1,5: /dev/zero)
#   wrong-type      a file where a directory belongs, or a directory
#                   (holding a file) where a file or link belongs
#   foreign-owner   the right type, owned by the postfix user
#   parent-postfix  the parent directory owned by the postfix user, who
#                   then plants a link to outside there
#   parent-world    the parent directory mode 0777; postfix plants
#   parent-group    the parent directory group postfix, mode 0775;
#                   postfix plants
# then the jail directory itself and the directory above it get the same
# treatment (a link, a foreign owner, others' write permission), entries
# under the tool's temporary prefix are planted where update removes the
# leftovers of killed runs, and the same kinds are planted as the state
# directory, the manifest, the lock, master.cf, Postfix's
# master.cf.tmp lock file, the tool's backup and its record.
#
# The races.  hxrace swaps a directory and a link to outside/dir in a
# loop (renameat2 RENAME_EXCHANGE) while the tool runs HX_RACE_RUNS times:
# as the postfix user in a directory postfix owns, and as root (an
# attacker stronger than the real one) in the jail's own directories, the
# jail itself and the state directory.  outside/dir holds decoys with the
# names of the jail's files, so a write or removal sent there shows.
#
# Each attack is judged:
#   - outside unchanged: everything in the case but the jail and the
#     state directory (the root's sources, outside/) has the same type,
#     owner, mode, size, mtime and FNV-1a hash before and after
#   - no crash, no hang (HX_TIMEOUT), no temporary file left
#   - the outcome: refused (exit 1, a message naming the path or its
#     parent), replaced (exit 0, the jail exactly as without the attack),
#     left with a warning naming the path (exit 0), reported (check: exit
#     1, a line naming the path); check and status change nothing;
#     under a temporary name, removed as a leftover or left alone
# Anything else is a failure, unless the fault is listed in
# known-faults.  Figures: attacks tried, attacks that changed anything
# outside (must be 0), outcomes by kind.

set -eu
[ $# = 2 ] || { echo "usage: attack.sh PROG HELPERDIR" >&2; exit 64; }
HX_PROG=$(readlink -f "$1")
HX_BIN=$(readlink -f "$2")
HX_NAME=attack
. "$(dirname "$0")/lib.sh"
hx_enter_ns "$0" "$@"

HX_RACE_RUNS=${HX_RACE_RUNS:-60}
HX_TIMEOUT=${HX_TIMEOUT:-10}

hx_preflight
hx_mktmp
hx_template debian

LIBDIR=usr/lib/x86_64-linux-gnu
JREL=root/var/spool/postfix
LOG=$HX_TMP/attacks.tsv
: >"$LOG"

# ---- Start trees and references ----------------------------------------

# prepare_starts - this worker's start trees: first (empty jail), pop
# (populated), refresh (populated, every host source changed since)
prepare_starts() {
	hx_case
	hx_save first
	hx_tool -q update
	[ "$HX_RC" = 0 ] || hx_die "first update failed: $(cat "$W/err")"
	hx_save pop
	hx_host_change r1
	hx_save refresh
}

# The references: the jail after an undisturbed run of each phase.
prepare_starts
hx_case "$(hx_start first)"
hx_tool -q update
hx_snap_jail "$HX_TMP/first.ref"
hx_case "$(hx_start refresh)"
hx_tool -q update
hx_snap_jail "$HX_TMP/refresh.ref"
hx_case "$(hx_start pop)"
hx_tool -q remove
[ "$HX_RC" = 0 ] || hx_die "remove failed: $(cat "$W/err")"
hx_snap_jail "$HX_TMP/remove.ref"

# The paths: every entry of the populated jail.
awk -F '\t' '{ print $1 "\t" $2 }' "$HX_TMP/first.ref" >"$HX_TMP/paths"

# Decoys in outside/dir: every name the jail holds.
for n in $(cut -f1 "$HX_TMP/paths" | sed 's|.*/||' | sort -u); do
	printf 'decoy %s\n' "$n" >"$HX_TPL/outside/dir/$n"
done
prepare_starts

# ---- Planting -----------------------------------------------------------

# parent_of REL - set P to the parent of jail path REL ("." for the jail)
parent_of() {
	case $1 in
	*/*) P=${1%/*} ;;
	*) P=. ;;
	esac
}

# clear_at REL - remove whatever is at jail path REL, make its parents
clear_at() {
	rm -rf "${J:?}/$1"
	parent_of "$1"
	[ -d "$J/$P" ] || mkdir -p "$J/$P"
}

# plant KIND REL TYPE - put KIND at REL, where the tool wants TYPE
plant() {
	kind=$1 rel=$2 type=$3
	case $kind in
	symlink-file)
		clear_at "$rel"
		ln -s "$O/secret" "$J/$rel" ;;
	symlink-dir)
		clear_at "$rel"
		ln -s "$O/dir" "$J/$rel" ;;
	hardlink)
		clear_at "$rel"
		ln "$O/secret" "$J/$rel" ;;
	fifo)
		clear_at "$rel"
		mkfifo "$J/$rel" ;;
	device)
		clear_at "$rel"
		mknod "$J/$rel" c 1 5 ;;
	wrong-type)
		clear_at "$rel"
		if [ "$type" = d ]; then
			printf 'a file\n' >"$J/$rel"
		else
			mkdir "$J/$rel"
			printf 'keep\n' >"$J/$rel/keep"
		fi ;;
	foreign-owner)
		clear_at "$rel"
		case $type in
		d) mkdir "$J/$rel" ;;
		l) ln -s "$(readlink "$(hx_start pop)/$JREL/$rel")" "$J/$rel" ;;
		*) cp "$(hx_start pop)/$JREL/$rel" "$J/$rel" ;;
		esac
		chown -h "$HX_PF_UID:$HX_PF_GID" "$J/$rel" ;;
	parent-postfix | parent-world | parent-group)
		clear_at "$rel"
		case $kind in
		parent-postfix) chown "$HX_PF_UID" "$J/$P" ;;
		parent-world) chmod 0777 "$J/$P" ;;
		parent-group) chgrp "$HX_PF_GID" "$J/$P"
			chmod 0775 "$J/$P" ;;
		esac
		if [ "$type" = f ]; then
			hx_as_postfix ln -s "$O/secret" "$J/$rel"
		else
			hx_as_postfix ln -s "$O/dir" "$J/$rel"
		fi ;;
	*) hx_die "plant: unknown kind $kind" ;;
	esac
}

KINDS="symlink-file symlink-dir hardlink fifo device wrong-type
	foreign-owner parent-postfix parent-world parent-group"

# ---- Judging ------------------------------------------------------------

# names PATTERN... - do the program's messages mention one of them?
names() {
	pats=$1
	shift
	for pat in "$@"; do
		pats="$pats
$pat"
	done
	grep -qF -e "$pats" "$W/out" "$W/err"
}

# judge ID PHASE REL KIND WANTREF PATTERNS... - judge the run just made;
# WANTREF is the reference jail of an undisturbed run, or "-" for a
# read-only command (then the jail must not have changed at all)
judge() {
	id=$1 phase=$2 rel=$3 kind=$4 ref=$5
	shift 5
	changed=0
	hx_snap_outside "$W/outside.after" "$W/outside.before" || changed=1
	if [ "$HX_TIMEDOUT" = 1 ]; then
		outcome=hang
	elif [ "$HX_SIGNAL" != 0 ]; then
		outcome=crash
	elif [ "$ref" = - ]; then
		if ! "$HX_BIN/hxsnap" -c "$W/jail.before" "$J" >/dev/null; then
			outcome=changed-jail
		elif [ "$phase" = status ]; then
			outcome=read-only
		elif [ "$HX_RC" = 1 ] && names "$@"; then
			outcome=reported
		else
			outcome=not-reported
		fi
	elif hx_snap_jail "$W/jail.after" "$HX_TMP/$ref.ref"; then
		if [ -n "${PLANTED:-}" ] && still_planted "$PLANTED"; then
			outcome=used-planted
		elif [ "$HX_RC" = 0 ]; then
			outcome=replaced
		else
			outcome=unnamed
		fi
	elif grep -q '\(^\|/\)\.postfix-chroot\.' "$W/jail.after"; then
		outcome=temp-left
	elif [ -n "${PLANTED:-}" ] && still_planted "$PLANTED"; then
		outcome=used-planted
	elif [ "$HX_RC" != 0 ] && names "$@"; then
		outcome=refused
	elif [ "$HX_RC" = 0 ] && grep -q 'warning:' "$W/err" && names "$@"
	then
		outcome=left-warned
	elif [ "$HX_RC" = 0 ]; then
		outcome=silent
	else
		outcome=unnamed
	fi
	record "$id" "$phase" "$rel" "$kind" "$outcome" "$changed"
}

# still_planted FILE - after exit 0, is the planted FILE still there,
# and not a plain root-owned file with one link (so the tool used it)?
still_planted() {
	[ "$HX_RC" = 0 ] || return 1
	[ -e "$1" ] || [ -L "$1" ] || return 1
	! { [ -f "$1" ] && [ ! -L "$1" ] &&
	    [ "$(stat -c '%u %h' "$1")" = "0 1" ]; }
}

# record ID PHASE REL KIND OUTCOME CHANGED - log one attack, judge it
record() {
	case $5 in
	replaced | refused | left-warned | left | reported | read-only) v=ok ;;
	*) v=FAIL ;;
	esac
	[ "$6" = 0 ] || v=FAIL
	if [ "$v" = FAIL ] && [ "$6" = 0 ]; then
		tag=$(known_tag "$1" "$5")
		if [ -n "$tag" ] && hx_known "$tag"; then
			v=KNOWN:$tag
		fi
	fi
	msg=$(grep -h -m 1 -F -e "$3" "$W/out" "$W/err") ||
	    msg=$(grep -h -m 1 . "$W/out" "$W/err") || msg=
	msg=$(printf '%.200s' "$msg")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" \
	    "$4" "$HX_RC" "$5" "$6" "$v" "$msg" >>"$LOG"
	case $v in
	ok) ;;
	KNOWN:*) printf 'KNOWN %s %s %s %s: %s (%s)\n' "$1" "$2" "$3" "$4" \
	    "$5" "${v#KNOWN:}" ;;
	*) printf 'FAIL %s %s %s %s: %s%s; exit %s: %s\n' "$1" "$2" "$3" \
	    "$4" "$5" "$([ "$6" = 0 ] || echo ' and CHANGED OUTSIDE')" \
	    "$HX_RC" "$msg" ;;
	esac
}

# known_tag ID OUTCOME - the known-faults tag an outcome belongs to
known_tag() {
	case $1:$2 in
	state-manifest-*:hang) echo manifest-not-checked ;;
	state-lock-*:used-planted) echo lock-not-checked ;;
	esac
}

# attack ID PHASE REL TYPE KIND - one planted attack on the jail
attack() {
	id=$1 phase=$2 rel=$3 type=$4 kind=$5
	case $phase in
	first) hx_case "$(hx_start first)" ;;
	refresh) hx_case "$(hx_start refresh)" ;;
	*) hx_case "$(hx_start pop)" ;;
	esac
	plant "$kind" "$rel" "$type"
	PLANTED=
	hx_snap_outside "$W/outside.before"
	case $phase in
	check | status) "$HX_BIN/hxsnap" -o "$W/jail.before" "$J" ;;
	esac
	case $phase in
	first | refresh) hx_tool update; ref=$phase ;;
	remove) hx_tool remove; ref=remove ;;
	check) hx_tool check; ref=- ;;
	status) hx_tool status; ref=- ;;
	esac
	parent_of "$rel"
	case $kind in
	parent-*)
		if [ "$P" = . ]; then
			judge "$id" "$phase" "$rel" "$kind" "$ref" "$rel" "$J:"
		else
			judge "$id" "$phase" "$rel" "$kind" "$ref" "$rel" "$P"
		fi ;;
	*) judge "$id" "$phase" "$rel" "$kind" "$ref" "$rel" ;;
	esac
}

# ---- 1. The matrix -------------------------------------------------------

# matrix PHASE... - every path, every kind, in each PHASE
matrix() {
	n=0
	for phase in "$@"; do
		while IFS='	' read -r rel type; do
			for kind in $KINDS; do
				n=$((n + 1))
				attack "m-$phase-$n" "$phase" "$rel" "$type" \
				    "$kind"
			done
		done <"$HX_TMP/paths"
	done
}

# Two workers, one per core, each with its own case path and start trees.
for w in 1 2; do
	(
		hx_worker "$w"
		LOG=$HX_TMP/attacks.$w.tsv
		: >"$LOG"
		prepare_starts
		if [ "$w" = 1 ]; then
			matrix first refresh
		else
			matrix remove check status
		fi
	) >"$HX_TMP/worker.$w.out" 2>&1 &
done
wait
cat "$HX_TMP"/worker.*.out
cat "$HX_TMP"/attacks.1.tsv "$HX_TMP"/attacks.2.tsv >>"$LOG"
hx_say "matrix: $(wc -l <"$LOG") attacks on $(wc -l <"$HX_TMP/paths")" \
    "jail paths, $(awk -F '\t' '$7 == 1' "$LOG" | wc -l) changed anything" \
    "outside"

# ---- 2. The jail itself and its parent ----------------------------------

# jail_attack ID HOW - an attack on the jail directory or above
jail_attack() {
	hx_case "$(hx_start refresh)"
	sp=$R/var/spool
	case $2 in
	jail-symlink)
		mv "$J" "$sp/postfix.real"
		ln -s "$O/dir" "$J" ;;
	jail-postfix) chown "$HX_PF_UID" "$J" ;;
	jail-world) chmod 0777 "$J" ;;
	jail-group) chgrp "$HX_PF_GID" "$J"; chmod 0775 "$J" ;;
	parent-postfix) chown "$HX_PF_UID" "$sp" ;;
	parent-world) chmod 0777 "$sp" ;;
	parent-sticky) chmod 1777 "$sp" ;;
	parent-symlink)
		mv "$sp" "$R/var/spool.real"
		ln -s "$R/var/spool.real" "$sp" ;;
	esac
	PLANTED=
	hx_snap_outside "$W/outside.before"
	hx_tool update
	if [ "$2" = parent-sticky ]; then
		# Allowed above a jail, as /tmp is: the update must go ahead.
		judge "$1" jail . "$2" refresh "$J"
	else
		judge "$1" jail . "$2" refresh "$J" "$sp"
	fi
}

for how in jail-symlink jail-postfix jail-world jail-group parent-postfix \
    parent-world parent-sticky parent-symlink; do
	jail_attack "jail-$how" "$how"
done

# ---- 2b. Leftover temporary names ------------------------------------------

# tmp_attack ID DIR KIND - a hostile entry under the tool's temporary
# prefix in jail directory DIR: update removes leftovers of killed runs
# there, so it must remove only what is its own kind (root-owned, not a
# directory) and never follow or write through anything
tmp_attack() {
	hx_case "$(hx_start refresh)"
	t=$J/$2/.postfix-chroot.0123456789abcdef
	case $3 in
	symlink-file) ln -s "$O/secret" "$t" ;;
	symlink-dir) ln -s "$O/dir" "$t" ;;
	hardlink) ln "$O/secret" "$t" ;;
	fifo) mkfifo "$t" ;;
	device) mknod "$t" c 1 5 ;;
	directory) mkdir "$t"; echo keep >"$t/keep" ;;
	foreign-owner) echo planted >"$t"; chown "$HX_PF_UID" "$t" ;;
	esac
	hx_snap_outside "$W/outside.before"
	hx_tool update
	changed=0
	hx_snap_outside "$W/outside.after" "$W/outside.before" || changed=1
	if [ "$HX_SIGNAL" != 0 ] || [ "$HX_TIMEDOUT" = 1 ]; then
		outcome=crash
	elif [ "$HX_RC" != 0 ]; then
		outcome=unnamed
	elif [ -e "$t" ] || [ -L "$t" ]; then
		outcome=left		# not the tool's to remove
	else
		outcome=replaced	# removed as the tool's leftover
	fi
	record "$1" tmpname "$2/${t##*/}" "$3" "$outcome" "$changed"
}

for dir in . etc "$LIBDIR"; do
	for k in symlink-file symlink-dir hardlink fifo device directory \
	    foreign-owner; do
		tmp_attack "tmp-$dir-$k" "$dir" "$k"
	done
done

# ---- 3. State directory, manifest, lock --------------------------------

# state_attack ID WHAT KIND - plant KIND as the manifest, the lock, the
# stamp or the state directory of a populated, changed case, then update
state_attack() {
	hx_case "$(hx_start refresh)"
	case $2 in
	manifest) f=$(ls "$S"/*.manifest) ;;
	lock) f=$(ls "$S"/*.lock) ;;
	stamp) f=$(ls "$S"/*.manifest); f=${f%.manifest}.stamp
		: > "$f" ;;
	dir) f=$S ;;
	esac
	case $3 in
	symlink-file) rm -rf "$f"; ln -s "$O/secret" "$f" ;;
	symlink-valid) rm -rf "$f"; ln -s "$O/valid.manifest" "$f" ;;
	symlink-dir)
		mv "$f" "$f.real"
		ln -s "$O/dir" "$f" ;;
	hardlink) rm -rf "$f"; ln "$O/secret" "$f" ;;
	hardlink-valid) rm -rf "$f"; ln "$O/valid.manifest" "$f" ;;
	fifo) rm -rf "$f"; mkfifo "$f" ;;
	device) rm -rf "$f"; mknod "$f" c 1 5 ;;
	directory) rm -rf "$f"; mkdir "$f" ;;
	postfix) chown "$HX_PF_UID" "$f" ;;
	world) chmod 0777 "$f" ;;
	group) chgrp "$HX_PF_GID" "$f"; chmod 0775 "$f" ;;
	esac
	PLANTED=
	case $2:$3 in
	*:symlink-* | *:hardlink* | *:fifo | *:device) PLANTED=$f ;;
	esac
	hx_snap_outside "$W/outside.before"
	hx_tool update
	judge "$1" state "${f#"$D"/}" "$3" refresh "$(basename "$f")" \
	    "$(basename "$S")"
}

for k in symlink-file symlink-valid hardlink hardlink-valid fifo device \
    directory; do
	state_attack "state-manifest-$k" manifest "$k"
done
for k in symlink-file hardlink fifo device directory; do
	state_attack "state-lock-$k" lock "$k"
done
for k in symlink-file hardlink fifo device directory postfix world; do
	state_attack "state-stamp-$k" stamp "$k"
done
for k in symlink-dir postfix world group; do
	state_attack "state-dir-$k" dir "$k"
done

# ---- 4. master.cf and its companions (enable) ---------------------------

# mcf_attack ID FILE KIND - plant KIND as FILE (below the configuration
# directory, or "record" in the state directory, or the directory
# itself), then enable
mcf_attack() {
	hx_case "$(hx_start pop)"
	case $2 in
	record)
		# The name manifest_name() makes: '-' escaped, '/' as '-'.
		f=$(printf '%s' "${C#/}" | sed 's|-|\\x2d|g; s|/|-|g')
		f=$S/$f.master.cf.record ;;
	dir) f=$C ;;
	*) f=$C/$2 ;;
	esac
	case $3 in
	symlink-file) rm -rf "$f"; ln -s "$O/master.cf" "$f" ;;
	hardlink) rm -rf "$f"; ln "$O/master.cf" "$f" ;;
	fifo) rm -rf "$f"; mkfifo "$f" ;;
	device) rm -rf "$f"; mknod "$f" c 1 5 ;;
	directory) rm -rf "$f"; mkdir "$f" ;;
	postfix) chown "$HX_PF_UID" "$f" ;;
	world) chmod 0777 "$f" ;;
	group) chgrp "$HX_PF_GID" "$f"; chmod 0775 "$f" ;;
	esac
	# master.cf lives in the root, which the usual snapshot covers: here
	# the outside targets are judged, and master.cf by its own rules.
	"$HX_BIN/hxsnap" -o "$W/outside.before" "$O"
	hx_tool enable
	changed=0
	"$HX_BIN/hxsnap" -c "$W/outside.before" "$O" >/dev/null || changed=1
	base=$(basename "$f")
	if [ "$HX_TIMEDOUT" = 1 ]; then
		outcome=hang
	elif [ "$HX_SIGNAL" != 0 ]; then
		outcome=crash
	elif [ "$HX_RC" != 0 ] && names "$base" master.cf; then
		outcome=refused
	elif [ "$HX_RC" = 0 ] && [ -f "$C/master.cf" ] &&
	    [ ! -L "$C/master.cf" ] &&
	    [ "$(stat -c %h "$C/master.cf")" = 1 ] &&
	    ! cmp -s "$C/master.cf" "$O/master.cf"; then
		outcome=replaced
	elif [ "$HX_RC" = 0 ]; then
		outcome=silent
	else
		outcome=unnamed
	fi
	record "$1" enable "${f#"$D"/}" "$3" "$outcome" "$changed"
}

for k in symlink-file hardlink fifo device directory; do
	mcf_attack "mcf-master-$k" master.cf "$k"
	mcf_attack "mcf-tmp-$k" master.cf.tmp "$k"
	mcf_attack "mcf-backup-$k" master.cf.postfix-chroot.bak "$k"
	mcf_attack "mcf-backuptmp-$k" master.cf.postfix-chroot.bak.tmp "$k"
	mcf_attack "mcf-record-$k" record "$k"
done
for k in postfix world group; do
	mcf_attack "mcf-dir-$k" dir "$k"
done

# ---- 5. Races -----------------------------------------------------------

# race_snap FILE - what a race may not change: the root's sources and
# outside/ (the racer's own link and the parents whose entries it swaps
# are left out)
race_snap() {
	"$HX_BIN/hxsnap" -x root/var/spool -x state -x state.hxswap -o "$1" \
	    ${2:+-c "$2"} "$D" >/dev/null
}

# race ID USER DIR CMD - swap DIR (jail-relative, or absolute) with a link
# to outside/dir while CMD runs HX_RACE_RUNS times; each run is an attack
race() {
	id=$1 user=$2 dir=$3 cmd=$4
	case $dir in
	/*) ;;
	*) dir=$J/$dir ;;
	esac
	opt=
	[ "$user" = root ] || opt="-u $HX_PF_UID:$HX_PF_GID"
	# shellcheck disable=SC2086
	"$HX_BIN/hxrace" $opt -s 3600 -p "$HX_TMP/race.ready" "$dir" \
	    "$O/dir" >"$HX_TMP/race.count" 2>"$HX_TMP/race.err" &
	# The pid file first, so that hx_cleanup stops the racer whatever
	# happens next; hxrace writes race.ready once it swaps.
	echo $! >"$HX_TMP/race.pid"
	i=0
	while [ ! -s "$HX_TMP/race.ready" ] && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$HX_TMP/race.ready" ] ||
	    hx_die "$id: hxrace did not start: $(cat "$HX_TMP/race.err")"
	i=0 outs=0 ok=0 refused=0
	while [ "$i" -lt "$HX_RACE_RUNS" ]; do
		i=$((i + 1))
		hx_host_change "race$i"
		race_snap "$W/outside.before"
		case $cmd in
		update) hx_tool update ;;
		remove) hx_tool remove ;;
		cycle)
			if [ $((i % 2)) = 0 ]; then
				hx_tool remove
			else
				hx_tool update
			fi ;;
		esac
		changed=0
		race_snap "$W/outside.after" "$W/outside.before" || changed=1
		if [ "$HX_SIGNAL" != 0 ] || [ "$HX_TIMEDOUT" = 1 ]; then
			outcome=crash
		elif [ "$HX_RC" = 0 ]; then
			outcome=replaced
			ok=$((ok + 1))
		elif [ "$HX_RC" = 1 ] || [ "$HX_RC" = 75 ]; then
			outcome=refused
			refused=$((refused + 1))
		else
			outcome=unnamed
		fi
		[ "$changed" = 0 ] || outs=$((outs + 1))
		record "$id.$i" race "${dir#"$D"/}" "$user-$cmd" "$outcome" \
		    "$changed"
	done
	kill "$(cat "$HX_TMP/race.pid")"
	wait
	rm -f "$HX_TMP/race.pid" "$HX_TMP/race.ready"
	swaps=$(cat "$HX_TMP/race.count")
	hx_say "race $id ($user swaps $(basename "$dir")): $HX_RACE_RUNS runs" \
	    "of $cmd, $swaps swaps; $ok completed, $refused refused," \
	    "$outs changed outside"
	# The tree is whole again: the next update must succeed.
	hx_tool -q update
	[ "$HX_RC" = 0 ] || [ "$user" != root ] ||
	    hx_fail "$id: update after the race: exit $HX_RC:" \
		"$(head -n 2 "$W/err")"
}

# The realistic attacker: the postfix user, in a directory postfix owns
# by mistake (chown -R postfix of the queue directory, say).
hx_case "$(hx_start pop)"
chown "$HX_PF_UID" "$J/usr"
race race-postfix-usr-lib postfix usr/lib update
hx_case "$(hx_start pop)"
chown "$HX_PF_UID" "$J"
race race-postfix-etc postfix etc cycle

# Root-strength attackers: what the descriptor discipline must survive.
hx_case "$(hx_start pop)"
race race-root-etc root etc update
hx_case "$(hx_start pop)"
race race-root-libdir root "$LIBDIR" cycle
hx_case "$(hx_start pop)"
race race-root-usr root usr cycle
hx_case "$(hx_start pop)"
race race-root-jail root "$J" cycle
hx_case "$(hx_start pop)"
race race-root-state root "$S" update

# ---- Figures -------------------------------------------------------------

total=$(wc -l <"$LOG")
changed=$(awk -F '\t' '$7 == 1' "$LOG" | wc -l)
known=$(awk -F '\t' '$8 ~ /^KNOWN/' "$LOG" | wc -l)
failed=$(awk -F '\t' '$8 == "FAIL"' "$LOG" | wc -l)
races=$(awk -F '\t' '$2 == "race"' "$LOG" | wc -l)
hx_say "attack: outcomes:"
awk -F '\t' '{ n[$2 == "race" ? "race" : "other", $6]++ }
    END { for (k in n) { split(k, f, SUBSEP)
	printf "  %-6s %-14s %d\n", f[1], f[2], n[k] } }' "$LOG" | sort
hx_say "attack: $total attacks tried ($races race runs), $changed changed" \
    "anything outside, $known of a known fault, $failed failed"
[ -z "${HX_FIGURES:-}" ] || {
	echo "attack: tried=$total race_runs=$races changed_outside=$changed" \
	    "known_fault=$known failed=$failed"
	awk -F '\t' '{ n[$6]++ } END { for (o in n)
	    printf "attack: outcome %s=%d\n", o, n[o] }' "$LOG" | sort
	cp "$LOG" "$HX_FIGURES.attacks.tsv"
} >>"$HX_FIGURES"
HX_PASSED=$((total - failed))
HX_FAILED=$failed
hx_summary
