#!/bin/sh
# bench.sh - time postfix-chroot against the shell scripts it replaces
#
# usage: sh scripts/bench.sh [PROGRAM]		(make bench; needs root)
#
# On one sandbox jail, fed from this machine's real /etc and libraries,
# three tools are timed in four scenarios:
#
#   postfix-chroot	PROGRAM (default build/postfix-chroot), run on the
#			real host root with -j JAIL --state-dir DIR --force
#   LINUX2		examples/chroot-setup/LINUX2, the example script
#			Postfix ships, taken at run time from the Debian
#			source package of the installed postfix (Debian's
#			postfix-doc leaves it out); never copied into the tree
#   configure-instance	Debian's own jail copier,
#			/usr/lib/postfix/configure-instance.sh, where installed
#
#   first population	empty jail (reset before every run)
#   no-op rerun		jail already filled by the same tool
#   one changed file	the host's resolv.conf changes before every run
#   trigger		--trigger update with 50,000 irrelevant paths on
#			stdin (the scripts ignore stdin and do a full run)
#
# Per scenario it prints the median wall time of each tool with its spread,
# the ratio ours/theirs, the processes each spawns, and for ours the peak
# RSS and the callgrind instruction count; the floor is an empty dynamically
# linked C program measured in the same rounds.  The first population has a
# second floor, copyfloor: the same files copied durably and atomically
# (temporary files, one syncfs, the renames, one syncfs) by a program that
# does nothing else, which shows what the copying itself costs here.  Then PASS/FAIL for the
# targets, and for a FAIL the system calls and functions that cost most.
#
# Nothing outside the sandbox is touched.  Everything runs in a private
# mount namespace (unshare -m) where a private configuration directory is
# mounted over /etc/postfix (queue_directory = the sandbox jail), an empty
# trap directory over /var/spool/postfix (it must still be empty at the
# end), and a private copy of resolv.conf over /etc/resolv.conf; LINUX2
# gets POSTFIX_DIR.  The trigger scenario gives every command, the floor
# too, the path list as stdin through stdin-exec (hyperfine 1.15 has no
# --input, and a shell would add a process start of its own).  LINUX2 runs without its last line, `postfix reload`
# (no Postfix runs in the sandbox; this only makes LINUX2 faster).
#
# Timing is by hyperfine, in rounds: each round times every tool once
# more, so that a load change on a shared machine spreads over all of
# them; the medians pool all rounds.  The targets are judged on medians;
# the fastest runs are shown beside them, as the least disturbed by load.  Environment:
#   BENCH_ROUNDS (10), BENCH_RUNS (20: runs per round of the floor and of
#   postfix-chroot), BENCH_SLOW_RUNS (3: of each script),
#   BENCH_SCENARIOS ("first noop change trigger": a subset may be given),
#   BENCH_TRIGGER_PATHS (50000), BENCH_TMPDIR (/var/tmp: where the sandbox
#   lives; the file system matters, fsync is real there),
#   BENCH_OUT (build/bench: the report bench.txt and the raw data),
#   BENCH_CACHE (~/.cache/postfix-chroot-bench: apt lists and the
#   downloaded Postfix source), BENCH_DEBIAN_MIRROR,
#   BENCH_DEBIAN_SECURITY_MIRROR, BENCH_KEEP=1 (keep the sandbox).
#
# Exit status: 0 all targets met, 1 a target missed or a run failed,
# 2 the bench could not be set up (no LINUX2, missing tool, not root).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
aux=$here/bench

ROUNDS=${BENCH_ROUNDS:-10}
RUNS=${BENCH_RUNS:-20}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
SCENARIOS=${BENCH_SCENARIOS:-first noop change trigger}
NPATHS=${BENCH_TRIGGER_PATHS:-50000}
TMPBASE=${BENCH_TMPDIR:-/var/tmp}
OUT=${BENCH_OUT:-$top/build/bench}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/postfix-chroot-bench}
MIRROR=${BENCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${BENCH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DEBIAN_SCRIPT=/usr/lib/postfix/configure-instance.sh
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() {
    echo "bench: error: $*" >&2
    exit 2
}

# ---------------------------------------------------------------------
# Outer part: checks, LINUX2, the floor programs, then the namespace.
# ---------------------------------------------------------------------

# fetch_linux2 DIR - put LINUX2 from the Debian postfix source into DIR
fetch_linux2() {
    dest=$1
    apt=$CACHE/apt
    log=$OUT/logs/apt.log
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    ver=$(dpkg-query -W -f '${source:Version}' postfix 2>/dev/null || true)
    [ -n "$codename" ] || { echo "no VERSION_CODENAME in /etc/os-release"; return 1; }
    [ -r "$KEYRING" ] || { echo "no $KEYRING"; return 1; }

    # A private apt configuration: deb-src lines, lists and downloads in
    # the cache; the machine's /etc/apt and its lists stay as they are.
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
	"$apt/sources.list.d" "$apt/src"
    {
	echo "deb-src [signed-by=$KEYRING] $MIRROR $codename main"
	echo "deb-src [signed-by=$KEYRING] $MIRROR $codename-updates main"
	echo "deb-src [signed-by=$KEYRING] $SECMIRROR $codename-security main"
    } > "$apt/sources.list"
    set -- -q -o "Dir::Etc::SourceList=$apt/sources.list" \
	-o "Dir::Etc::SourceParts=$apt/sources.list.d" \
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
	-o "APT::Sandbox::User=root"
    apt-get "$@" update > "$log" 2>&1 ||
	echo "bench: warning: apt-get update failed (see $log); trying the cache" >&2
    up=${ver#*:}
    up=${up%-*}
    tarball=
    for f in "$apt/src/postfix_$up.orig.tar."*; do
	case $f in *.asc) ;; *) [ -f "$f" ] && tarball=$f ;; esac
    done
    if [ -z "$tarball" ]; then
	(cd "$apt/src" && { apt-get "$@" source --download-only "postfix=$ver" ||
	    apt-get "$@" source --download-only postfix; }) >> "$log" 2>&1 || {
	    tail -n 5 "$log"
	    echo "apt-get source postfix failed (full log: $log)"
	    return 1
	}
	for f in "$apt/src"/postfix_*.orig.tar.*; do
	    case $f in *.asc) ;; *) [ -f "$f" ] && tarball=$f ;; esac
	done
    fi
    [ -n "$tarball" ] || { echo "no postfix_*.orig.tar.* in $apt/src"; return 1; }
    if ! tar -xOf "$tarball" --wildcards '*/examples/chroot-setup/LINUX2' \
	> "$dest/LINUX2.orig" 2>> "$log" || [ ! -s "$dest/LINUX2.orig" ]; then
	echo "$tarball holds no examples/chroot-setup/LINUX2"
	return 1
    fi

    # Does a Debian patch change it?  Say so; the upstream file is run.
    patched="unknown (no Debian tarball)"
    for deb in "$apt/src/postfix_$up"-*.debian.tar.*; do
	[ -f "$deb" ] || continue
	patched=none
	if tar -xOf "$deb" --wildcards 'debian/patches/*' 2>/dev/null |
	    grep -q 'chroot-setup/LINUX2'; then
	    patched="a Debian patch changes it (not applied here)"
	fi
    done

    # The sandbox runs no Postfix: drop the final reload, nothing else.
    sed '/^postfix reload$/d' "$dest/LINUX2.orig" > "$dest/LINUX2"
    chmod 0755 "$dest/LINUX2"
    [ "$(wc -l < "$dest/LINUX2")" -eq $(($(wc -l < "$dest/LINUX2.orig") - 1)) ] ||
	echo "bench: warning: LINUX2 has no 'postfix reload' line to drop" >&2
    echo "LINUX2: $(basename "$tarball") (installed postfix $ver)," \
	"sha256 $(sha256sum < "$dest/LINUX2.orig" | cut -c1-16)...;" \
	"Debian patches: $patched" > "$dest/provenance"
    return 0
}

outer() {
    prog=${1:-$top/build/postfix-chroot}
    case $prog in /*) ;; *) prog=$(pwd)/$prog ;; esac

    [ "$(id -u)" = 0 ] || die "run as root (a private mount namespace, a root-owned jail)"
    for t in hyperfine strace unshare mount cc apt-get dpkg-query tar sha256sum find; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t not found (Debian: apt-get install hyperfine strace util-linux gcc)"
    done
    [ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian: apt-get install time)"
    [ -x "$prog" ] || die "$prog: no such program (make all)"
    for p in "$prog" "$here" "$TMPBASE"; do
	case $p in *[[:space:]]*) die "$p: paths with white space are not supported" ;; esac
    done

    S=$(mktemp -d "$TMPBASE/postfix-chroot-bench.XXXXXX")
    chmod 0755 "$S"
    trap 'cd /; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$S"' EXIT
    trap 'exit 2' INT TERM
    mkdir -p "$S/theirs" "$S/bin"
    rm -rf "$OUT"
    mkdir -p "$OUT/logs"

    # LINUX2 is a comparison this bench exists for: without it, stop.
    if ! why=$(fetch_linux2 "$S/theirs"); then
	{
	    echo "######################################################"
	    echo "bench: FAILED: could not obtain examples/chroot-setup/LINUX2"
	    echo "$why" | sed 's/^/bench: /'
	    echo "bench: it comes from the Debian source package of postfix"
	    echo "bench: ($MIRROR, deb-src, private apt configuration);"
	    echo "bench: without it there is no comparison to report."
	    echo "######################################################"
	} >&2
	exit 2
    fi

    # The floor, and the floor plus libselinux (which the tool loads only
    # when it labels; shown for comparison);
    # stdin-exec for the trigger runs, nosync.so for the diagnosis.
    cc -O2 -o "$S/bin/empty" "$aux/empty.c"
    cc -O2 -o "$S/bin/copyfloor" "$aux/copyfloor.c"
    cc -O2 -static -o "$S/bin/stdin-exec" "$aux/stdin-exec.c" 2>/dev/null ||
	cc -O2 -o "$S/bin/stdin-exec" "$aux/stdin-exec.c"
    cc -O2 -shared -fPIC -o "$S/bin/nosync.so" "$aux/nosync.c" || true
    sel=$(pkg-config --libs libselinux 2>/dev/null || echo -lselinux)
    # shellcheck disable=SC2086
    cc -O2 -o "$S/bin/empty-selinux" "$aux/empty.c" -Wl,--no-as-needed $sel ||
	: > "$S/bin/no-empty-selinux"

    # The measurements, in a private mount namespace; report to the
    # terminal and to $OUT/bench.txt.
    {
	BENCH_INNER=1 BENCH_S=$S BENCH_PROG=$prog \
	    unshare -m --propagation private sh "$0" && rc=0 || rc=$?
	echo "$rc" > "$S/rc"
    } 2>&1 | tee "$OUT/bench.txt"
    rc=$(cat "$S/rc" 2>/dev/null || echo 2)
    echo "bench: report in $OUT/bench.txt, raw data in $OUT"
    exit "$rc"
}

# ---------------------------------------------------------------------
# Inner part, in the private mount namespace.
# ---------------------------------------------------------------------

# tool_cmd TOOL - the command line of TOOL (split on spaces by hyperfine -N)
tool_cmd() {
    case $1 in
    floor) echo "$S/bin/empty" ;;
    floor-selinux) echo "$S/bin/empty-selinux" ;;
    floor-copy) echo "$S/bin/copyfloor $J $S/copy.list" ;;
    ours) echo "$prog -j $J --state-dir $ST --force update" ;;
    ours-trigger) echo "$prog --trigger -j $J --state-dir $ST --force update" ;;
    linux2) echo "$S/theirs/LINUX2" ;;
    debian) echo "$DEBIAN_SCRIPT -" ;;
    esac
}

# tool_name TOOL - its name in the report
tool_name() {
    case $1 in
    floor) echo "floor: empty C program" ;;
    floor-stdin) echo "floor, same stdin" ;;
    floor-selinux) echo "empty + libselinux" ;;
    floor-copy) echo "floor: durable copy" ;;
    ours) echo "postfix-chroot" ;;
    linux2) echo "LINUX2 (Postfix)" ;;
    debian) echo "configure-instance" ;;
    esac
}

# once SCEN TOOL [WRAPPER ...] - one run of TOOL as SCEN runs it
once() {
    o_scen=$1 o_tool=$2
    shift 2
    o_cmd=$(tool_cmd "$o_tool")
    o_in=/dev/null
    if [ "$o_scen" = trigger ]; then
	o_in=$LIST
	[ "$o_tool" = ours ] && o_cmd=$(tool_cmd ours-trigger)
    fi
    # shellcheck disable=SC2086
    "$@" $o_cmd < "$o_in"
}

# reset - empty the jail (not the directory itself: a mount point) and state
reset() {
    find "$J" -mindepth 1 -delete
    rm -f "$ST"/*
}

# populate TOOL - an empty jail, filled once by TOOL, then left alone for
# a moment as between real runs: postfix-chroot does not trust the times
# of entries changed in the last 20 ms, so a rerun at once would redo the
# whole work (and record its stamp) instead of skipping it.
populate() {
    reset
    case $1 in floor*) return 0 ;; esac
    once populate "$1" >> "$OUT/logs/populate.$1.log" 2>&1 ||
	echo "bench: warning: $(tool_name "$1") failed to fill the jail" \
	    "(exit $?; $OUT/logs/populate.$1.log)"
    sleep 0.1
}

# setup SCEN TOOL - bring the jail to the state the scenario starts from
setup() {
    case $1 in
    first) reset ;;
    *) populate "$2" ;;
    esac
}

# prepare SCEN - what happens before each timed run
prepare() {
    case $1 in
    first) reset ;;
    change) sh "$S/bin/toggle" ;;
    esac
}

# snap - inode, type, mode, owner, size, mtime, ctime of all jail entries
snap() {
    find "$J" -mindepth 1 -printf '%P %i %y %m %U:%G %s %T@ %C@\n' |
	LC_ALL=C sort
}

# measure SCEN TOOL RUNS - time RUNS runs with hyperfine, pool the times
#
# Always without a shell (-N).  In the trigger scenario every command,
# the floor too, gets the path list on stdin through stdin-exec.
measure() {
    m_scen=$1 m_tool=$2
    json=$S/hf.json
    set -- --style none --export-json "$json" --runs "$3" --warmup 2 -N
    case $m_scen in
    first*) set -- "$@" --prepare "sh $S/bin/reset" ;;
    change) set -- "$@" --prepare "sh $S/bin/toggle" ;;
    esac
    case $m_scen.$m_tool in
    trigger.floor) set -- "$@" "$(tool_cmd floor)" ;;
    trigger.floor-stdin) set -- "$@" "$S/bin/stdin-exec $LIST $(tool_cmd floor)" ;;
    trigger.ours) set -- "$@" "$S/bin/stdin-exec $LIST $(tool_cmd ours-trigger)" ;;
    trigger.*) set -- "$@" "$S/bin/stdin-exec $LIST $(tool_cmd "$m_tool")" ;;
    *) set -- "$@" "$(tool_cmd "$m_tool")" ;;
    esac
    rm -f "$json"
    if ! $HF_ENV hyperfine "$@" >> "$OUT/logs/hyperfine.log" 2>&1; then
	echo "bench: FAILED: $(tool_name "$m_tool") did not run cleanly in" \
	    "scenario $m_scen (see $OUT/logs/hyperfine.log)"
	failed=1
	return 1
    fi
    awk '/"times": \[/ { f = 1; next } f && /\]/ { f = 0 }
	f { gsub(/[ ,]/, ""); print }' "$json" >> "$OUT/times/$m_scen.$m_tool"
}

# stat_of SCEN TOOL - "N MEDIAN P25 P75 MIN MAX" in ms
stat_of() {
    if [ -s "$OUT/times/$1.$2" ]; then
	sort -g "$OUT/times/$1.$2" | awk -f "$aux/stats.awk"
    else
	echo "0 nan nan nan nan nan"
    fi
}

# median SCEN TOOL - the median alone, in ms
median() {
    stat_of "$1" "$2" | cut -d' ' -f2
}

# minimum SCEN TOOL - the fastest run, in ms (the least disturbed by load)
minimum() {
    stat_of "$1" "$2" | cut -d' ' -f5
}

# procs SCEN TOOL - "PROCESSES EXECS" that one run spawns, from strace
procs() {
    setup "$1" "$2"
    prepare "$1"
    f=$OUT/strace/$1.$2.procs
    once "$1" "$2" strace -f -qq -o "$f" \
	-e trace=execve,clone,clone3,fork,vfork > /dev/null 2>&1 || true
    awk '{ pid[$1] = 1 } /execve/ && / = 0$/ { ex++ }
	END { n = 0; for (p in pid) n++; print n - 1, ex + 0 }' "$f"
}

# rss SCEN - peak RSS of ours in KiB, the largest of three runs
rss() {
    max=0
    for i in 1 2 3; do
	setup "$1" ours
	prepare "$1"
	once "$1" ours /usr/bin/time -f %M -o "$S/rss" > /dev/null 2>&1 || true
	k=$(tail -n 1 "$S/rss")
	[ "$k" -gt "$max" ] && max=$k
    done
    echo "$max"
}

# callgrind SCEN TOOL - instructions (Ir) of one run under callgrind
callgrind() {
    command -v valgrind >/dev/null 2>&1 || { echo "n/a"; return 0; }
    setup "$1" "$2"
    prepare "$1"
    f=$OUT/callgrind/$1.$2.out
    once "$1" "$2" valgrind -q --tool=callgrind --callgrind-out-file="$f" \
	> /dev/null 2>&1 || true
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f" 2>/dev/null | head -n 1 |
	grep . || echo "n/a"
}

# nowrite SCEN - prove that a run of ours in SCEN changes nothing
#
# The caller compares snapshots of the jail (inode, mtime, ctime, ...)
# taken around the whole series of timed runs; this adds one run under
# strace -y, each of whose changing system calls is placed in the jail,
# the state directory or elsewhere.  Prints one line; the jail's calls
# go to $OUT/strace/SCEN.ours.jail-writes.
nowrite() {
    setup "$1" ours
    f=$OUT/strace/$1.ours.writes
    before=$(snap | cksum)
    (cd / && once "$1" ours strace -f -qq -y -o "$f" -e \
	trace=%file,write,pwrite64,writev,pwritev,pwritev2,ftruncate,fchmod,fchown,fsetxattr,fremovexattr,fsync,fdatasync,syncfs,fallocate,copy_file_range,sendfile \
	> /dev/null 2>&1) || true
    after=$(snap | cksum)
    awk -v jail="$J" -v state="$ST" -f "$aux/mutations.awk" "$f" \
	> "$OUT/strace/$1.ours.jail-writes"
    r=$(head -n 1 "$OUT/strace/$1.ours.jail-writes")
    [ "$before" = "$after" ] || r="$r, snapshot changed"
    echo "$r"
}

# rewritten TOOL - how many jail entries one rerun of TOOL replaces
rewritten() {
    populate "$1"
    snap > "$S/snap.a"
    once noop "$1" > /dev/null 2>&1 || true
    snap > "$S/snap.b"
    echo "$(LC_ALL=C comm -13 "$S/snap.a" "$S/snap.b" | wc -l)/$(wc -l < "$S/snap.b")"
}

# contents TOOL - what one first run of TOOL puts in the jail
contents() {
    populate "$1"
    find "$J" -mindepth 1 -printf '%y %s\n' | awk '
	$1 == "f" { f++; b += $2 } $1 == "l" { l++ } $1 == "d" { d++ }
	$1 ~ /[cb]/ { dev++ }
	END { printf "%d files (%.0f KiB), %d links, %d dirs%s", f, b / 1024,
	    l, d, dev ? ", " dev " devices" : "" }'
}

# ratio A B - A/B and "(B/A x faster)"
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 <= 0 || b + 0 <= 0) { print "n/a"; exit }
	printf "%.3f (%.1fx faster)", a / b, b / a }'
}

# row TOOL SCEN PROCS EXECS - one line of the table
row() {
    # shellcheck disable=SC2046
    set -- "$1" "$2" "$3" "$4" $(stat_of "$2" "$1")
    printf '  %-22s %9s ms  %8s-%-8s %8s-%-9s %5s %6s %6s\n' \
	"$(tool_name "$1")" "$6" "$7" "$8" "$9" "${10}" "$5" "$3" "$4"
}

# verdict NAME OK DETAIL - one target line; remember a miss
verdict() {
    case $2 in
    1) v=PASS ;;
    skip) v=SKIP ;;
    *) v=FAIL missed=1 ;;
    esac
    printf '  %-4s  %-46s %s\n' "$v" "$1" "$3"
    echo "$v $1" >> "$S/verdicts"
}

# ran SCEN - was SCEN part of this run?
ran() {
    case " $SCENARIOS " in *" $1 "*) return 0 ;; esac
    return 1
}

# diagnose SCEN - where ours spends its time in SCEN: syscalls, functions
diagnose() {
    echo "  -- postfix-chroot, scenario $1"
    setup "$1" ours
    prepare "$1"
    once "$1" ours strace -f -qq -c -S calls -o "$S/sc" > /dev/null 2>&1 || true
    setup "$1" ours
    prepare "$1"
    once "$1" ours strace -qq -o "$OUT/strace/$1.ours.all" > /dev/null 2>&1 || true
    for t in floor floor-selinux; do
	once "$1" "$t" strace -qq -o "$S/sc.$t" > /dev/null 2>&1 || true
    done
    echo "  system calls of one run, by kind:" \
	"$(awk -f "$aux/syscalls.awk" "$OUT/strace/$1.ours.all")"
    echo "    (the empty program makes $(grep -vc '^+++' "$S/sc.floor")," \
	"empty + libselinux $(grep -vc '^+++' "$S/sc.floor-selinux");" \
	"full log $OUT/strace/$1.ours.all); most frequent (strace -c):"
    sed -n '3,8p' "$S/sc" | sed 's/^/    /'
    f=$OUT/callgrind/$1.ours.out
    if [ -s "$f" ] && command -v callgrind_annotate >/dev/null 2>&1; then
	echo "  functions by own instructions (callgrind, total $(sed -n \
	    's/^summary: *//p' "$f")):"
	callgrind_annotate --auto=no "$f" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \( *[0-9.]+%\)  ' | grep -v 'PROGRAM TOTALS' |
	    sed -n '1,8p' | sed 's/^/    /'
	echo "  inclusive (the loader's start-up, then the program's own parts):"
	callgrind_annotate --auto=no --inclusive=yes "$f" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \( *[0-9.]+%\)  ' |
	    grep -E 'rtld.c:_dl_start |  src/[a-z_]+\.c:[a-z_]+ \[' |
	    sed -n '1,9p' | sed 's/^/    /'
    fi
    if [ "$1" = first ] && [ -e "$S/bin/nosync.so" ]; then
	# Interleaved, so that the load is the same for both.
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
	    measure first-sync ours "$RUNS" > /dev/null 2>&1 || true
	    HF_ENV="env LD_PRELOAD=$S/bin/nosync.so"
	    measure first-nosync ours "$RUNS" > /dev/null 2>&1 || true
	    HF_ENV=
	    r=$((r + 1))
	done
	echo "  the same runs with fsync/fdatasync made no-ops by LD_PRELOAD" \
	    "(diagnosis only), interleaved:"
	echo "    postfix-chroot median $(median first-nosync ours) ms without" \
	    "fsync, $(median first-sync ours) ms with; LINUX2 never fsyncs"
    fi
}

inner() {
    S=$BENCH_S
    prog=$BENCH_PROG
    J=$S/jail ST=$S/state CFG=$S/config TRAP=$S/trap H=$S/host
    LIST=$S/trigger.list
    failed=0 missed=0 HF_ENV=
    w_noop='' w_trigger='' snapbad_noop='' snapbad_trigger=''
    mkdir -m 0755 "$J" "$ST" "$TRAP" "$H" "$CFG"
    mkdir -p "$OUT/times" "$OUT/logs" "$OUT/strace" "$OUT/callgrind"
    : > "$S/verdicts"

    # A private Postfix configuration whose queue directory is the jail
    # and whose smtpd is chrooted, so the scripts do their full work.
    [ -d /etc/postfix ] && cp -a /etc/postfix/. "$CFG/"
    rm -f "$CFG/main.cf"
    printf '%s\n' "queue_directory = $J" "compatibility_level = 3.6" \
	"inet_interfaces = loopback-only" > "$CFG/main.cf"
    printf '%s\n' \
	'smtp      inet  n       -       y       -       -       smtpd' \
	'pickup    unix  n       -       y       60      1       pickup' \
	'cleanup   unix  n       -       y       -       0       cleanup' \
	'local     unix  -       n       n       -       -       local' \
	> "$CFG/master.cf"
    [ -d /etc/postfix ] && mount --bind "$CFG" /etc/postfix
    [ -d /var/spool/postfix ] && mount --bind "$TRAP" /var/spool/postfix
    export POSTFIX_DIR="$J" MAIL_CONFIG="$CFG"

    # The host's resolv.conf, in two versions of equal size.
    [ -e /etc/resolv.conf ] || die "/etc/resolv.conf missing: nothing to change"
    cat /etc/resolv.conf > "$H/resolv.orig"
    { cat "$H/resolv.orig"; echo "# postfix-chroot bench: a"; } > "$H/resolv.a"
    { cat "$H/resolv.orig"; echo "# postfix-chroot bench: b"; } > "$H/resolv.b"
    cat "$H/resolv.a" > "$H/resolv.conf"
    mount --bind "$H/resolv.conf" /etc/resolv.conf
    cat > "$S/bin/toggle" <<EOF
if cmp -s $H/resolv.conf $H/resolv.a; then cat $H/resolv.b > $H/resolv.conf
else cat $H/resolv.a > $H/resolv.conf; fi
EOF
    printf 'find %s -mindepth 1 -delete\nrm -f %s/*\n' "$J" "$ST" > "$S/bin/reset"

    tools="ours linux2"
    if [ -x "$DEBIAN_SCRIPT" ] && command -v postconf >/dev/null 2>&1; then
	tools="$tools debian"
    fi

    # The trigger list: real paths of this machine that concern nothing
    # the jail holds or could hold (checked below with -v).
    populate ours
    find "$J" ! -type d -printf '%f\n' | sort -u > "$S/jail.names"

    # What the durable-copy floor copies: the files ours put in the jail,
    # from the same host paths.
    find "$J" -type f -printf '/%P\n' | LC_ALL=C sort > "$S/copy.list"
    find /usr -xdev \( -type f -o -type l \) 2>/dev/null | LC_ALL=C sort |
	awk -v n="$NPATHS" 'NR == FNR { held[$0] = 1; next }
	    { b = $0; sub(/.*\//, "", b) }
	    b in held || b ~ /^(libnss_|libresolv|libdb|ld-linux|libc\.so)/ { next }
	    /^\/usr\/share\/zoneinfo\// { next }
	    { print; if (++c == n) exit }' "$S/jail.names" - > "$LIST"
    i=$(wc -l < "$LIST")
    while [ "$i" -lt "$NPATHS" ]; do
	i=$((i + 1))
	echo "/usr/share/doc/postfix-chroot-bench/file$i"
    done >> "$LIST"
    trig_v=$($prog -v --trigger -j "$J" --state-dir "$ST" --force update \
	< "$LIST" 2>&1 || true)

    echo "postfix-chroot bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr)," \
	"$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "  program:   $prog ($($prog -V 2>&1 | head -n 1))"
    echo "  root:      the real host root (/): no --root; the tool reads this"
    echo "             machine's /etc files and libraries, as the scripts do;"
    echo "             writes only -j $J and --state-dir $ST"
    echo "  sandbox:   $S ($(stat -f -c %T "$S"), fsync is real there)," \
	"private mount namespace"
    echo "  $(cat "$S/theirs/provenance")"
    echo "             run with POSTFIX_DIR=jail, without its final 'postfix reload'"
    if [ "${tools#*debian}" != "$tools" ]; then
	echo "  configure-instance: $DEBIAN_SCRIPT (postfix" \
	    "$(dpkg-query -W -f '${Version}' postfix 2>/dev/null)), run as" \
	    "'configure-instance.sh -' with /etc/postfix = private config"
    else
	echo "  configure-instance: not installed, not compared"
    fi
    echo "  trigger list: $(wc -l < "$LIST") paths, $(wc -c < "$LIST") bytes;" \
	"postfix-chroot -v says: $(echo "$trig_v" | grep -E 'trigger paths|concerns' | head -n 1)"
    echo "  timing:    hyperfine $(hyperfine --version | cut -d' ' -f2)," \
	"$ROUNDS rounds x $RUNS runs (floor, ours), x $SLOW_RUNS (scripts);"
    echo "             median, p25-p75, min-max over all rounds, in ms"
    if awk -v n="$(nproc)" '{ exit !($1 > n) }' /proc/loadavg; then
	echo "  WARNING:   load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores:" \
	    "wall times are inflated and noisy; the rounds"
	echo "             interleave the tools, so ratios stay comparable;" \
	    "callgrind counts are unaffected"
    fi
    case $trig_v in
    *"none of"*) ;;
    *) echo "bench: FAILED: the trigger list is not irrelevant to the jail:" \
	   "$trig_v"; failed=1 ;;
    esac

    for scen in $SCENARIOS; do
	case $scen in
	first) title="first population (empty jail before every run)" ;;
	noop) title="no-op rerun (jail filled by the same tool)" ;;
	change) title="one changed file (host resolv.conf changes before every run)" ;;
	trigger) title="trigger: $NPATHS irrelevant paths on stdin (scripts: full run)" ;;
	*) die "BENCH_SCENARIOS: unknown scenario $scen" ;;
	esac
	echo
	echo "== $title"
	list="floor $tools"
	[ "$scen" = first ] && list="floor floor-copy $tools"
	[ "$scen" = trigger ] && list="floor floor-stdin $tools"
	[ "$scen" = noop ] && [ ! -e "$S/bin/no-empty-selinux" ] &&
	    list="floor floor-selinux $tools"
	: > "$S/nowrite.$scen"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
	    for t in $list; do
		setup "$scen" "$t"
		case $t in linux2|debian) n=$SLOW_RUNS ;; *) n=$RUNS ;; esac
		[ "$scen.$t" = noop.ours ] || [ "$scen.$t" = trigger.ours ] &&
		    snap > "$S/snap.before"
		measure "$scen" "$t" "$n" || continue
		if [ "$scen.$t" = noop.ours ] || [ "$scen.$t" = trigger.ours ]; then
		    snap > "$S/snap.after"
		    cmp -s "$S/snap.before" "$S/snap.after" ||
			echo "round $r" >> "$S/nowrite.$scen"
		fi
	    done
	    r=$((r + 1))
	done

	printf '  %-22s %12s  %-17s %-18s %5s %6s %6s\n' tool median \
	    "p25-p75" "min-max" n procs execs
	for t in $list; do
	    case $t in
	    floor*) pe="0 1" ;;
	    *) pe=$(procs "$scen" "$t") ;;
	    esac
	    # shellcheck disable=SC2086
	    row "$t" "$scen" $pe
	done
	mo=$(median "$scen" ours)
	line="  ratio ours/LINUX2 $(ratio "$mo" "$(median "$scen" linux2)")"
	case $tools in *debian*)
	    line="$line; ours/configure-instance $(ratio "$mo" "$(median "$scen" debian)")" ;;
	esac
	echo "$line"
	k=$(rss "$scen")
	eval "rss_$scen=$k"
	cg=$(callgrind "$scen" ours)
	echo "  ours: peak RSS $k KiB ($(awk -v k="$k" 'BEGIN { printf "%.2f", k / 1024 }') MiB);" \
	    "callgrind $cg instructions"
	case $scen in
	first)
	    for t in $tools; do
		echo "  one run of $(tool_name "$t") leaves: $(contents "$t")"
	    done
	    ;;
	noop|trigger)
	    w=$(nowrite "$scen")
	    eval "w_$scen=\$w"
	    bad=$(tr '\n' ' ' < "$S/nowrite.$scen")
	    echo "  ours writes: strace of one run: $w;"
	    echo "    jail snapshot (inode, mtime, ctime of $(snap | wc -l)" \
		"entries) around all timed runs: ${bad:+changed in }${bad:-unchanged}"
	    sed 1d "$OUT/strace/$scen.ours.jail-writes"
	    eval "snapbad_$scen=\${bad:-}"
	    ;;
	change)
	    setup change ours
	    prepare change
	    once change ours > "$S/out" 2>&1 || true
	    echo "  ours reports: $(grep -E ': (added|updated|removed) ' "$S/out" |
		tr '\n' ' ')(and $(grep -c ': warning: ' "$S/out") warnings)"
	    ;;
	esac
	if [ "$scen" = noop ]; then
	    setup noop ours
	    once noop ours > "$S/out" 2>&1 || true
	    echo "  ours prints on a no-op run: $(wc -l < "$S/out") lines" \
		"($(grep -c ': warning: ' "$S/out") warnings), e.g.:"
	    sed -n '1,3s/^/    /p' "$S/out"
	    line="  jail entries replaced by one rerun:"
	    for t in $tools; do
		line="$line $(tool_name "$t") $(rewritten "$t");"
	    done
	    echo "$line"
	fi
    done

    echo
    echo "== callgrind instructions of the floor: $(callgrind x floor)" \
	"(empty + libselinux: $(callgrind x floor-selinux))"

    # The targets, each from the medians of the scenario it concerns.
    echo
    echo "== targets"
    if ran noop; then
	fl=$(median noop floor) o=$(median noop ours) l=$(median noop linux2)
	verdict "no-op rerun within 1.5 x floor" \
	    "$(awk -v o="$o" -v f="$fl" 'BEGIN { print (o > 0 && o <= 1.5 * f) }')" \
	    "$o ms vs 1.5 x $fl = $(awk -v f="$fl" 'BEGIN { printf "%.3f", 1.5 * f }') ms (fastest runs: $(minimum noop ours) vs $(minimum noop floor))"
	verdict "no-op rerun >= 8x faster than LINUX2" \
	    "$(awk -v o="$o" -v l="$l" 'BEGIN { print (o > 0 && l / o >= 8) }')" \
	    "$l / $o = $(awk -v o="$o" -v l="$l" 'BEGIN { if (o > 0) printf "%.1f", l / o }')x (fastest runs: $(minimum noop linux2) / $(minimum noop ours))"
	case "$w_noop" in "jail=0 "*) ok=1 ;; *) ok=0 ;; esac
	case "$w_noop" in *"snapshot changed"*) ok=0 ;; esac
	[ -z "$snapbad_noop" ] || ok=0
	verdict "no-op rerun writes nothing in the jail" "$ok" \
	    "strace: $w_noop; snapshots ${snapbad_noop:-unchanged}"
    else
	verdict "no-op rerun targets" skip "scenario not run"
    fi
    if ran first; then
	o=$(median first ours) l=$(median first linux2)
	c=$(median first floor-copy)
	verdict "first population >= 5x faster than LINUX2" \
	    "$(awk -v o="$o" -v l="$l" 'BEGIN { print (o > 0 && l / o >= 5) }')" \
	    "$l / $o = $(awk -v o="$o" -v l="$l" 'BEGIN { if (o > 0) printf "%.1f", l / o }')x (fastest runs: $(minimum first linux2) / $(minimum first ours))"
	echo "        the durable copy alone (same files, syncfs, renames," \
	    "syncfs; nothing else) takes $c ms: $(awk -v c="$c" -v l="$l" \
	    'BEGIN { if (c > 0) printf "%.1f", l / c }')x LINUX2; 5x needs" \
	    "<= $(awk -v l="$l" 'BEGIN { printf "%.3f", l / 5 }') ms"
    else
	verdict "first population target" skip "scenario not run"
    fi
    if ran trigger; then
	fs=$(median trigger floor-stdin) o=$(median trigger ours)
	verdict "$NPATHS-path trigger within floor + 5 ms" \
	    "$(awk -v o="$o" -v f="$fs" 'BEGIN { print (o > 0 && o <= f + 5) }')" \
	    "$o ms vs $fs + 5 ms (floor given the same stdin the same way; plain floor $(median trigger floor) ms; fastest runs: $(minimum trigger ours) vs $(minimum trigger floor-stdin))"
	case "$w_trigger" in "jail=0 "*) ok=1 ;; *) ok=0 ;; esac
	case "$w_trigger" in *"snapshot changed"*) ok=0 ;; esac
	[ -z "$snapbad_trigger" ] || ok=0
	verdict "trigger no-op writes nothing in the jail" "$ok" \
	    "strace: $w_trigger; snapshots ${snapbad_trigger:-unchanged}"
    else
	verdict "trigger target" skip "scenario not run"
    fi
    mx=0 detail=
    for scen in $SCENARIOS; do
	eval "k=\$rss_$scen"
	[ "$k" -gt "$mx" ] && mx=$k
	detail="$detail $scen $k"
    done
    verdict "peak RSS < 4 MiB (all scenarios)" \
	"$([ "$mx" -gt 0 ] && [ "$mx" -lt 4096 ] && echo 1 || echo 0)" \
	"$mx KiB (KiB per scenario:$detail)"

    # The sandbox kept the scripts away from the real queue directory?
    if [ -n "$(find "$TRAP" -mindepth 1 -maxdepth 1)" ]; then
	echo "bench: WARNING: something wrote to /var/spool/postfix (caught" \
	    "in the sandbox's trap directory):" \
	    "$(find "$TRAP" -mindepth 1 -maxdepth 1 -printf '%f ')"
	failed=1
    fi

    # Where the time goes, for every scenario that missed a target.
    if [ "$missed" = 1 ]; then
	echo
	echo "== diagnosis of the missed targets"
	if grep -q '^FAIL no-op' "$S/verdicts"; then diagnose noop; fi
	if grep -q '^FAIL first' "$S/verdicts"; then diagnose first; fi
	if grep -q "^FAIL $NPATHS-path" "$S/verdicts"; then diagnose trigger; fi
	if grep -q '^FAIL peak RSS' "$S/verdicts"; then diagnose first; fi
    fi
    echo
    echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    [ "$failed" = 0 ] && [ "$missed" = 0 ] && exit 0
    exit 1
}

if [ -n "${BENCH_INNER:-}" ]; then
    inner
else
    outer "$@"
fi
