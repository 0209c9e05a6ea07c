# SPDX-License-Identifier: GPL-2.0-or-later
#
# lib.sh - test packages and a test root for the postfix-chroot RPM
#
# Sourced by tests/rpm/run.sh (the proofs) and scripts/demo-rpm.sh (the
# narrated demo); bash.  The caller sets
#   RPM_LIB_TOP  this directory (tests/rpm)
#   WORK         an empty scratch directory
#   PFC_RPM      the postfix-chroot binary package under test
# and calls rpmt_require, rpmt_init, rpmt_build_packages, then for each
# root: BACKEND=rpm|dnf, rpmt_root DIR, and pm / tx to run transactions.
#
# The test root
#   Scriptlets and triggers run chrooted into the root, so the root holds
#   everything the helper needs to run there, all installed by rpm from
#   test packages built here (tests/rpm/pkgs/*.spec):
#   - filesystem: a Red Hat style tree, /bin /sbin /lib /lib64 links into
#     /usr;
#   - busybox-sh: this machine's static busybox as /bin/sh;
#   - pfc-test-runtime: this machine's loader and the libraries that the
#     packaged helper and its rpm plugin are linked with (found with ldd),
#     copied into /usr/lib64, with an ld.so.cache for them (this machine's
#     loader does not search /usr/lib64 by itself) and librpm's macro
#     files.  This, rather than a static test build, because the package
#     under test is the real one, built by rpmbuild from the release
#     tarball, and a static glibc cannot dlopen the rpm plugin that
#     "check" loads.  With libc.so.6 in /usr/lib64 the helper also sees
#     a Red Hat layout (it learns the layout from where libc.so.6 is);
#   - glibc (2.17, then 2.18): libnss_files, libnss_dns NEEDing libresolv,
#     libresolv, each a versioned object behind its soname link, and an
#     nsswitch.conf naming files, pfcmod and dns;
#   - nss-pfcmod: libnss_pfcmod.so.2 NEEDing libpfcmodutil.so.1;
#   - tzdata (2024a, then 2024b with another Europe/Berlin), setup (2.13.7,
#     then 2.13.8 with another /etc/services), postfix (3.5.25, 3.5.26:
#     main.cf, master.cf with chrooted services, the queue directory);
#   - pfc-filler-01..20 (two versions): unrelated files below /usr/lib64
#     and /usr/share, and build-id links below /usr/lib/.build-id as
#     Fedora's packages have;
#   - pfc-bigset: 2000 files below /usr/lib64, more paths than a pipe
#     holds.
#   /etc/localtime (a link to Europe/Berlin) and /etc/resolv.conf are made
#   by hand, as an installer would.  A busybox syslogd chrooted into the
#   root collects what the helper sends to syslog.
#
# Nothing here touches the machine's rpm database, /etc or Postfix: every
# rpm and dnf command names the test root and the database path, HOME is
# a private directory whose .rpmmacros pins _dbpath, dnf reads only the
# test repository and keeps its cache and logs in WORK.

say() { printf '%s\n' "$*"; }
die() { say "rpm-test: FAIL: $*"; exit 1; }
elapsed() { echo "$(date +%s.%N) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

# rpmt_require - every tool the tests need is here, and we are root;
# a missing tool is a failure, never a quiet skip
rpmt_require() {
    local t
    [ "$(id -u)" = 0 ] || die "needs root (chroot, mknod, mount namespaces)"
    for t in rpm rpmbuild rpmspec dnf createrepo_c gcc zic ldconfig ldd \
	busybox unshare mount chroot mknod file; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
    done
    BUSYBOX=$(command -v busybox)
    file -L "$BUSYBOX" | grep -q 'statically linked' ||
	die "$BUSYBOX is not a static busybox (package busybox-static)"
    [ -f "$PFC_RPM" ] || die "no postfix-chroot package: $PFC_RPM"
}

# rpmt_init - scratch tree and private HOME
rpmt_init() {
    mkdir -p "$WORK/home" "$WORK/pkgs" "$WORK/logs"
    export HOME=$WORK/home
    printf '%%_dbpath /var/lib/rpm\n' > "$HOME/.rpmmacros"
    PKGS=$WORK/pkgs
    P=$PKGS/x86_64
    N=$PKGS/noarch
    SYSLOGD_PID=
}

# build_pkg SPEC [DEFINE ...] - rpmbuild one test spec into $PKGS
build_pkg() {
    local spec=$1 d args=()
    shift
    for d in "$@"; do
	args+=(--define "$d")
    done
    rpmbuild -bb --nodeps --quiet \
	--define "_topdir $WORK/rpmbuild" \
	--define "_rpmdir $PKGS" \
	--define '_rpmfilename %%{ARCH}/%%{NAME}-%%{VERSION}.rpm' \
	--define 'debug_package %{nil}' --define '_build_id_links none' \
	--define '__os_install_post %{nil}' \
	--define '_binary_payload w1.gzdio' \
	--define "pfc_src $RPM_LIB_TOP/elf" --define "pfc_busybox $BUSYBOX" \
	"${args[@]}" "$RPM_LIB_TOP/pkgs/$spec" \
	>"$WORK/logs/build-$spec.log" 2>&1 ||
	die "building $spec failed: see $WORK/logs/build-$spec.log"
}

# runtime_list - "SONAME PATH" for the loader and every library that the
# packaged helper and its plugin load, from ldd on this machine
runtime_list() {
    local x=$WORK/extract
    mkdir -p "$x"
    rpm --root "$x" --define '_dbpath /var/lib/rpm' -i --nodeps \
	--noscripts --notriggers "$PFC_RPM" >/dev/null 2>&1 ||
	die "cannot unpack $PFC_RPM"
    ldd "$x"/usr/sbin/postfix-chroot "$x"/usr/lib64/postfix-chroot/*.so |
	awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }
	     $1 ~ /^\/.*ld-linux/ { n = split($1, p, "/"); print p[n], $1 }' |
	sort -u
}

# rpmt_build_packages - every test package, both versions where the
# proofs upgrade; sets BASE (the set installed before postfix-chroot),
# FILLERS2 (the second version of the unrelated set) and PFC (the
# package under test, copied next to the others)
rpmt_build_packages() {
    local i
    runtime_list > "$WORK/runtime.list"
    grep -q '^libc.so.6 ' "$WORK/runtime.list" ||
	die "ldd found no libc for the helper"
    build_pkg filesystem.spec
    build_pkg busybox-sh.spec
    build_pkg runtime.spec "pfc_runtime_list $WORK/runtime.list"
    build_pkg glibc.spec "pfc_ver 2.17"
    build_pkg glibc.spec "pfc_ver 2.18"
    build_pkg nss-pfcmod.spec
    build_pkg tzdata.spec "pfc_ver 2024a"
    build_pkg tzdata.spec "pfc_ver 2024b"
    build_pkg setup.spec "pfc_ver 2.13.7"
    build_pkg setup.spec "pfc_ver 2.13.8"
    build_pkg postfix.spec "pfc_ver 3.5.25"
    build_pkg postfix.spec "pfc_ver 3.5.26"
    build_pkg bigset.spec
    build_pkg fillers.spec "pfc_ver 1.0"
    build_pkg fillers.spec "pfc_ver 1.1"
    cp "$PFC_RPM" "$P/"
    PFC=$P/$(basename "$PFC_RPM")
    BASE=("$N/filesystem-3.18.rpm" "$P/busybox-sh-1.35.0.rpm"
	"$P/pfc-test-runtime-1.rpm" "$P/glibc-2.17.rpm"
	"$N/setup-2.13.7.rpm" "$N/tzdata-2024a.rpm" "$N/postfix-3.5.25.rpm")
    for i in $(seq -w 1 20); do
	BASE+=("$P/pfc-filler-$i-1.0.rpm")
    done
    FILLERS2=("$P"/pfc-filler-*-1.1.rpm)
}

# rpmt_root DIR - a fresh test root at DIR for $BACKEND with the base set
# installed, localtime and resolv.conf in place, syslogd listening.  Sets
# R (the root), Q (its jail), REPO (dnf's repository).
rpmt_root() {
    R=$1
    Q=$R/var/spool/postfix
    REPO=$WORK/$BACKEND-repo
    PM_PREFIX=()
    mkdir -p "$R/dev" "$REPO"
    mknod -m 0666 "$R/dev/null" c 1 3
    mknod -m 0666 "$R/dev/urandom" c 1 9
    rpm --root "$R" --define '_dbpath /var/lib/rpm' --initdb ||
	die "rpm --initdb failed"
    if [ "$BACKEND" = dnf ]; then
	mkdir -p "$WORK/dnf/cache" "$WORK/dnf/log" "$WORK/dnf/repos.d"
	cat > "$WORK/dnf.conf" <<EOF
[main]
gpgcheck=0
reposdir=$WORK/dnf/repos.d
cachedir=$WORK/dnf/cache
logdir=$WORK/dnf/log
install_weak_deps=0
keepcache=0
EOF
	cp "$PFC" "$P/nss-pfcmod-1.0.rpm" "$N/pfc-bigset-1.0.rpm" "$REPO/"
    fi
    tx base install "${BASE[@]}" || die "$BACKEND: base install failed"
    ln -s ../usr/share/zoneinfo/Europe/Berlin "$R/etc/localtime"
    printf 'nameserver 192.0.2.53\n' > "$R/etc/resolv.conf"
    chroot "$R" /usr/bin/busybox syslogd -n -O /var/log/messages &
    SYSLOGD_PID=$!
}

# rpmt_stop - stop the root's syslogd
rpmt_stop() {
    [ -n "$SYSLOGD_PID" ] && kill "$SYSLOGD_PID" 2>/dev/null
    SYSLOGD_PID=
}

# pm OP FILE-OR-NAME... - install, upgrade or erase in the test root with
# the current backend; prints rpm's or dnf's output, returns its status.
# Install and upgrade take package files: dnf gets them through the test
# repository, by name.  PM_PREFIX, when set, is a command that runs the
# package manager (a mount namespace, say).
pm() {
    local op=$1 f names=()
    shift
    case $BACKEND in
    rpm)
	case $op in
	install) set -- -i "$@" ;;
	upgrade) set -- -U "$@" ;;
	erase) set -- -e "$@" ;;
	esac
	"${PM_PREFIX[@]}" rpm --root "$R" --define '_dbpath /var/lib/rpm' "$@"
	;;
    dnf)
	if [ "$op" = erase ]; then
	    names=("$@")
	    op=remove
	else
	    for f in "$@"; do
		cp "$f" "$REPO/"
		names+=("$(rpm -qp --qf '%{NAME}' "$f")")
	    done
	    createrepo_c -q --update "$REPO" >/dev/null || return 1
	fi
	"${PM_PREFIX[@]}" dnf -y -c "$WORK/dnf.conf" --installroot="$R" \
	    --releasever=pfc --noplugins --repofrompath="pfc,$REPO" \
	    --repo=pfc --refresh "$op" "${names[@]}"
	;;
    esac
}

# tx NAME OP ARGS... - one transaction (pm OP ARGS); its output goes to
# $OUT.  Returns 1, saying why, when the package manager fails or reports
# a failed scriptlet.  TX_TIME is its duration in seconds.
tx() {
    local name=$1 t rc
    shift
    OUT=$WORK/logs/$BACKEND-$name.out
    t=$(date +%s.%N)
    pm "$@" >"$OUT" 2>&1
    rc=$?
    TX_TIME=$(elapsed "$t")
    TX_WHY=
    if [ $rc != 0 ]; then
	TX_WHY="$BACKEND exited $rc"
    elif grep -Eiq 'scriptlet failed|error in .*scriptlet' "$OUT"; then
	TX_WHY="$BACKEND reported a failed scriptlet"
    fi
    [ -z "$TX_WHY" ]
}

# in_root CMD... - run a command of the test root, chrooted, as an
# administrator of that system would
in_root() {
    env -i PATH=/usr/sbin:/usr/bin HOME=/root chroot "$R" "$@"
}
