/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_enable - enable, disable and status, run through the program
 * SUMMARY
 *	Every test runs $PFC_PROG as a child process on a temporary
 *	configuration directory (or a fake system root made by
 *	tests/fixtures/mkroot.sh) and checks its exit status, its output
 *	and the bytes, inode, owner, mode and label of master.cf.
 * DESCRIPTION
 *	enable_suite() holds:
 *
 *	"stock": each file of tests/data/mastercf (the directory is read,
 *	so a new stock file is covered without a change here) through
 *	enable, disable and enable again, with an unusual owner, mode and
 *	SELinux label.  The expected bytes are derived twice and must
 *	agree: from the layout of the stock files (the fifth word of each
 *	entry line of an eligible command is set, nothing else changes;
 *	no parser involved) and from mcedit_compute(), the expectation of
 *	check_mcedit.c.  The backup holds the previous version each time;
 *	a further enable rewrites nothing.  Named entries give the
 *	original back exactly; so does disable after enable on a copy with
 *	every chroot field '-'; without the record disable writes 'n'.
 *
 *	"oracle": Postfix's own parser decides.  For each stock file, its
 *	all-'-' copy and generated variants (mcf_variant() of
 *	check_mastercf.c: spacing, tabs, CRLF, continuation lines, comments
 *	between entries, '-' everywhere, 127.0.0.1:2525 and
 *	[::1]:submission), with compatibility_level unset, 0, 3.6 and 0
 *	through a variable, postconf -c DIR -F prints each entry's chroot
 *	field and command; status must list the same entries in the same
 *	order with the effective state ('-' mapped through the "'-' means"
 *	line of status, which must say y for level 0 or unset and n for
 *	3.6 with the installed Postfix 3), explicit/default, and whether
 *	the command may be chrooted.  C10 and an input of unusual names.
 *
 *	"cli": C11, --dry-run (the diff, applied with patch, gives what a
 *	real run writes; nothing changes, no state is created), refused
 *	names, never_chroot in a --conf file, malformed files (7 fields,
 *	overlong fields, a continuation line at the top, binary garbage,
 *	10 MB), a malformed record, enable running update on a mkroot.sh
 *	root, and strace -f showing that nothing but the program and
 *	/usr/sbin/postconf is ever executed (no reload).
 *
 *	"lock": Postfix's lock (flock on master.cf.tmp) held by another
 *	process: exit 75 within the documented wait plus a margin, the file
 *	unchanged; a lock released during the wait lets enable through; a
 *	dry run does not wait.
 *
 *	Environment: PFC_PROG (absolute path of the program) and PFC_TESTS
 *	(this directory), both set by "make unit"; PFC_TEST_TIME_SCALE
 *	stretches the time bounds.
 * DIAGNOSTICS
 *	Failures say "got X, want Y" and name the command that was run.
 * SECURITY
 *	Needs root (chown, security.selinux, root-owned state), Postfix's
 *	/usr/sbin/postconf, /usr/bin/patch and /usr/bin/strace; without
 *	them the tests fail, saying what is missing.  Everything is written
 *	below a directory in /tmp that the unchecked fixture of each TCase
 *	makes and removes; the machine's Postfix configuration is never
 *	touched (the program always gets -c or --root).
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "mastercf.h"
#include "mcedit.h"
#include "testutil.h"

/* The variant generator of check_mastercf.c (one test program). */
char *mcf_variant(const char *text, size_t len, uint32_t seed, size_t *vlen);

#define POSTCONF "/usr/sbin/postconf"
#define PATCH "/usr/bin/patch"
#define STRACE "/usr/bin/strace"
#define BAK "master.cf" MCEDIT_BACKUP_SUFFIX
#define LABEL "system_u:object_r:postfix_etc_t:s0"
#define OWNER 65534 /* nobody: an owner no default would give */
#define MAX_STOCK 32

/* The never-chroot commands of the issue; postlogd is the command of the
 * postlog service. */
static const char *const never_cmds[] = {
    "local",      "virtual", "pipe",     "spawn", "proxymap",
    "proxywrite", "postlog", "postlogd", NULL,
};

/* The stock files, read from tests/data/mastercf by enable_suite(). */
static char stock[MAX_STOCK][NAME_MAX + 1];
static size_t nstock;

/* ------------------------------------------------------------------ */
/* Requirements and small tools                                        */
/* ------------------------------------------------------------------ */

/* prog - the program under test */
static const char *
prog(void)
{
    const char *p = getenv("PFC_PROG");

    ck_assert_msg(p && p[0] == '/' && access(p, X_OK) == 0,
		  "PFC_PROG: got \"%s\", want the absolute path of the built "
		  "program (make unit sets it)",
		  p ? p : "(unset)");
    return (p);
}

/* tests_dir - the tests directory */
static const char *
tests_dir(void)
{
    const char *t = getenv("PFC_TESTS");

    return (t && *t ? t : "tests");
}

/* need - root, the program and Postfix, or a failure that says so */
static void
need(void)
{
    tu_need_root();
    (void)prog();
    ck_assert_msg(access(POSTCONF, X_OK) == 0,
		  "%s: got \"%s\", want Postfix installed: its postconf is "
		  "the oracle of these tests (apt-get install postfix)",
		  POSTCONF, strerror(errno));
}

/* need_tool - another program the test depends on */
static void
need_tool(const char *path, const char *pkg)
{
    ck_assert_msg(access(path, X_OK) == 0,
		  "%s: got \"%s\", want it installed (package %s)", path,
		  strerror(errno), pkg);
}

/* now_s - monotonic clock in seconds */
static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* xrand - xorshift32, reproducible */
static uint32_t
xrand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return (*s);
}

/* backdate - an hour back: Postfix rereads a main.cf younger than a
 * second until it is older, which costs each postconf run a second */
static void
backdate(const char *path)
{
    struct timespec ts[2];

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 3600;
    ts[1] = ts[0];
    ck_assert_msg(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) == 0,
		  "utimensat %s: got %s, want success", path, strerror(errno));
}

/* line_no - 1-based line number of byte OFF of TEXT */
static unsigned
line_no(const char *text, size_t off)
{
    unsigned n = 1;
    size_t i;

    for (i = 0; i < off; i++)
	if (text[i] == '\n')
	    n++;
    return (n);
}

/* same_bytes - GOT equals WANT, or a failure naming the first
 * differing line */
static void
same_bytes(const char *got, size_t glen, const char *want, size_t wlen,
	   const char *what)
{
    size_t i, gl, wl, ls;

    for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
	/* void */;
    if (glen == wlen && i == glen)
	return;
    for (ls = i; ls > 0 && want[ls - 1] != '\n'; ls--)
	/* void */;
    for (gl = ls; gl < glen && got[gl] != '\n'; gl++)
	/* void */;
    for (wl = ls; wl < wlen && want[wl] != '\n'; wl++)
	/* void */;
    ck_abort_msg("%s: got %zu bytes, want %zu; first difference at byte %zu "
		 "(line %u): got \"%.*s\", want \"%.*s\"",
		 what, glen, wlen, i, line_no(want, i < wlen ? i : wlen),
		 (int)(gl - ls > 200 ? 200 : gl - ls),
		 ls < glen ? got + ls : "",
		 (int)(wl - ls > 200 ? 200 : wl - ls), want + ls);
}

/* file_is - PATH holds exactly WANT */
static void
file_is(const char *path, const char *want, size_t wlen, const char *what)
{
    size_t len;
    char *got = tu_read(path, &len);

    ck_assert_msg(got != NULL, "%s: %s: got %s, want the file", what, path,
		  strerror(errno));
    same_bytes(got, len, want, wlen, what);
    free(got);
}

/* absent - PATH does not exist */
static void
absent(const char *path, const char *what)
{
    ck_assert_msg(!tu_exists(path), "%s: %s: got an existing file, want none",
		  what, path);
}

/* count_str - occurrences of NEEDLE in HAY */
static int
count_str(const char *hay, const char *needle)
{
    int n = 0;

    for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
	n++;
    return (n);
}

/* A file's identity and bytes, to show that nothing touched it. */
struct fstate {
    struct stat st;
    char *buf;
    size_t len;
};

/* fstate_get - remember PATH */
static void
fstate_get(const char *path, struct fstate *f)
{
    ck_assert_msg(lstat(path, &f->st) == 0, "lstat %s: got %s, want success",
		  path, strerror(errno));
    f->buf = tu_read(path, &f->len);
    ck_assert_msg(f->buf != NULL, "read %s: got %s, want success", path,
		  strerror(errno));
}

/* fstate_same - PATH is the same inode, mtime and bytes as F */
static void
fstate_same(const char *path, const struct fstate *f, const char *what)
{
    struct stat st;

    ck_assert_msg(lstat(path, &st) == 0, "%s: lstat %s: got %s, want success",
		  what, path, strerror(errno));
    ck_assert_msg(st.st_ino == f->st.st_ino &&
		      st.st_mtim.tv_sec == f->st.st_mtim.tv_sec &&
		      st.st_mtim.tv_nsec == f->st.st_mtim.tv_nsec,
		  "%s: %s: got inode %lu mtime %ld.%09ld, want inode %lu "
		  "mtime %ld.%09ld (not rewritten)",
		  what, path, (unsigned long)st.st_ino, (long)st.st_mtim.tv_sec,
		  st.st_mtim.tv_nsec, (unsigned long)f->st.st_ino,
		  (long)f->st.st_mtim.tv_sec, f->st.st_mtim.tv_nsec);
    file_is(path, f->buf, f->len, what);
}

/* fstate_free - release F */
static void
fstate_free(struct fstate *f)
{
    free(f->buf);
    f->buf = NULL;
}

/* ------------------------------------------------------------------ */
/* Running programs                                                    */
/* ------------------------------------------------------------------ */

/* What a child process did. */
struct run {
    int status; /* exit status; 128 + signal when killed */
    char *out;  /* stdout, NUL-terminated */
    size_t outlen;
    char *err; /* stderr */
    double secs;
    char cmd[2048]; /* the command line, for messages */
};

/* run_free - release R */
static void
run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* run_env - run ARGV with a fixed environment plus EXTRA (or NULL),
 * stdin /dev/null, stdout and stderr captured */
static void
run_env(const char *const argv[], const char *extra, struct run *r)
{
    const char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
			  extra, NULL};
    static unsigned seq;
    char outf[PATH_MAX], errf[PATH_MAX];
    size_t i, n;
    double t0;
    pid_t pid;
    int st, fd;

    memset(r, 0, sizeof(*r));
    for (i = 0, n = 0; argv[i] && n < sizeof(r->cmd) - 1; i++)
	n += (size_t)snprintf(r->cmd + n, sizeof(r->cmd) - n, "%s%s",
			      i ? " " : "", argv[i]);
    tu_pathf(outf, sizeof(outf), "%s/run.%d.%u.out", tu_top, (int)getpid(),
	     seq);
    tu_pathf(errf, sizeof(errf), "%s/run.%d.%u.err", tu_top, (int)getpid(),
	     seq++);
    t0 = now_s();
    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s, want success", strerror(errno));
    if (pid == 0) {
	if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0)
	    _exit(126);
	if ((fd = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 1) < 0)
	    _exit(126);
	if ((fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 2) < 0)
	    _exit(126);
	execve(argv[0], (char *const *)argv, (char *const *)envp);
	_exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
	ck_assert_msg(errno == EINTR, "waitpid: got %s, want success",
		      strerror(errno));
    r->secs = now_s() - t0;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = tu_read(outf, &r->outlen);
    r->err = tu_read(errf, NULL);
    ck_assert_msg(r->out && r->err, "%s: output files lost", r->cmd);
    (void)unlink(outf);
    (void)unlink(errf);
}

/* run_argv - run_env() without an extra variable */
static void
run_argv(const char *const argv[], struct run *r)
{
    run_env(argv, NULL, r);
}

/* expect_status - R exited with WANT */
static void
expect_status(const struct run *r, int want)
{
    ck_assert_msg(r->status == want,
		  "%s: got exit %d, want %d; stderr:\n%.3000s", r->cmd,
		  r->status, want, r->err);
}

/* expect_ok - exit 0 and nothing on stdout */
static void
expect_ok(const struct run *r)
{
    expect_status(r, 0);
    ck_assert_msg(r->outlen == 0,
		  "%s: got %zu bytes on stdout, want none:\n%.2000s", r->cmd,
		  r->outlen, r->out);
}

/* ------------------------------------------------------------------ */
/* A configuration to run the program on                               */
/* ------------------------------------------------------------------ */

struct ctx {
    char dir[PATH_MAX]; /* the test's directory */
    char etc[PATH_MAX]; /* Postfix configuration directory */
    char mcf[PATH_MAX]; /* etc/master.cf */
    char maincf[PATH_MAX];
    char bak[PATH_MAX];   /* etc/master.cf.postfix-chroot.bak */
    char tmp[PATH_MAX];   /* etc/master.cf.tmp, Postfix's lock */
    char jail[PATH_MAX];  /* the jail */
    char state[PATH_MAX]; /* the state directory */
    char conf[PATH_MAX];  /* postfix-chroot.conf */
    char root[PATH_MAX];  /* --root, or "" */
};

/* ctx_paths - the paths that follow from etc */
static void
ctx_paths(struct ctx *c)
{
    tu_pathf(c->mcf, sizeof(c->mcf), "%s/master.cf", c->etc);
    tu_pathf(c->maincf, sizeof(c->maincf), "%s/main.cf", c->etc);
    tu_pathf(c->bak, sizeof(c->bak), "%s/%s", c->etc, BAK);
    tu_pathf(c->tmp, sizeof(c->tmp), "%s/master.cf%s", c->etc,
	     MCEDIT_TMP_SUFFIX);
}

/* set_main - write main.cf, backdated */
static void
set_main(struct ctx *c, const char *main_cf)
{
    tu_write_str(c->maincf, main_cf);
    backdate(c->maincf);
}

/* set_master - write master.cf, backdated */
static void
set_master(struct ctx *c, const char *text, size_t len)
{
    tu_write(c->mcf, text, len);
    backdate(c->mcf);
}

/*
 * ctx_new - DIR/etc with MAIN_CF and MASTER (when not NULL), an empty
 * jail DIR/jail, an empty tool configuration, and a state directory
 * DIR/state that does not exist yet.  The program gets -c, -j,
 * --state-dir and --conf, so nothing of the machine's own
 * configuration is read or written.
 */
static void
ctx_new(struct ctx *c, const char *name, const char *main_cf,
	const char *master, size_t len)
{
    memset(c, 0, sizeof(*c));
    tu_newdir(c->dir, sizeof(c->dir), name);
    tu_pathf(c->etc, sizeof(c->etc), "%s/etc", c->dir);
    tu_pathf(c->jail, sizeof(c->jail), "%s/jail", c->dir);
    tu_pathf(c->state, sizeof(c->state), "%s/state", c->dir);
    tu_pathf(c->conf, sizeof(c->conf), "%s/postfix-chroot.conf", c->dir);
    tu_mkdir(c->etc, 0755);
    tu_mkdir(c->jail, 0755);
    ctx_paths(c);
    tu_write_str(c->conf, "");
    set_main(c, main_cf);
    if (master)
	set_master(c, master, len);
}

/* ctx_root - a fake system root made by mkroot.sh LAYOUT, --root */
static void
ctx_root(struct ctx *c, const char *name, const char *layout,
	 const char *option)
{
    char script[PATH_MAX];
    const char *argv[] = {"/bin/sh", script, layout, c->root, option, NULL};
    int st;

    memset(c, 0, sizeof(*c));
    tu_newdir(c->dir, sizeof(c->dir), name);
    tu_pathf(c->root, sizeof(c->root), "%s/root", c->dir);
    tu_pathf(script, sizeof(script), "%s/fixtures/mkroot.sh", tests_dir());
    st = tu_run(argv);
    ck_assert_msg(st == 0, "mkroot.sh %s %s: got exit %d, want 0", layout,
		  c->root, st);
    tu_pathf(c->etc, sizeof(c->etc), "%s/etc/postfix", c->root);
    tu_pathf(c->jail, sizeof(c->jail), "%s/var/spool/postfix", c->root);
    tu_pathf(c->state, sizeof(c->state), "%s/var/lib/postfix-chroot", c->root);
    ctx_paths(c);
    backdate(c->maincf);
}

/* pfc_args - run the program on C with ARGS (NULL-terminated) after
 * the options, traced by strace into TRACE when not NULL */
static void
pfc_args(struct ctx *c, const char *trace, struct run *r,
	 const char *const *args)
{
    const char *argv[80];
    size_t n = 0;

    if (trace) {
	argv[n++] = STRACE;
	argv[n++] = "-f";
	argv[n++] = "-qq";
	argv[n++] = "-e";
	argv[n++] = "trace=execve";
	argv[n++] = "-o";
	argv[n++] = trace;
    }
    argv[n++] = prog();
    if (c->root[0]) {
	argv[n++] = "--root";
	argv[n++] = c->root;
    } else {
	argv[n++] = "-c";
	argv[n++] = c->etc;
	argv[n++] = "-j";
	argv[n++] = c->jail;
	argv[n++] = "--state-dir";
	argv[n++] = c->state;
	argv[n++] = "--conf";
	argv[n++] = c->conf;
    }
    for (; *args; args++) {
	ck_assert_msg(n < 79, "too many arguments");
	argv[n++] = *args;
    }
    argv[n] = NULL;

    /* LeakSanitizer (make unit-asan) cannot work under ptrace. */
    run_env(argv, trace ? "ASAN_OPTIONS=detect_leaks=0" : NULL, r);
}

/* pfc_va - pfc_args() with the arguments from AP */
static void
pfc_va(struct ctx *c, const char *trace, struct run *r, va_list ap)
{
    const char *args[64], *a;
    size_t n = 0;

    while ((a = va_arg(ap, const char *)) != NULL) {
	ck_assert_msg(n < 63, "too many arguments");
	args[n++] = a;
    }
    args[n] = NULL;
    pfc_args(c, trace, r, args);
}

/* pfc - run the program on C with the arguments that follow (NULL) */
static void
pfc(struct ctx *c, struct run *r, ...)
{
    va_list ap;

    va_start(ap, r);
    pfc_va(c, NULL, r, ap);
    va_end(ap);
}

/* pfc_traced - the same under strace -f -e trace=execve */
static void
pfc_traced(struct ctx *c, const char *trace, struct run *r, ...)
{
    va_list ap;

    va_start(ap, r);
    pfc_va(c, trace, r, ap);
    va_end(ap);
}

/* record_path - the record file in the state directory, if any */
static int
record_path(const struct ctx *c, char *buf, size_t len)
{
    static const char sfx[] = ".master.cf.record";
    struct dirent *de;
    DIR *d;
    int found = 0;

    if ((d = opendir(c->state)) == NULL)
	return (0);
    while ((de = readdir(d)) != NULL) {
	size_t l = strlen(de->d_name);

	if (l > strlen(sfx) && !strcmp(de->d_name + l - strlen(sfx), sfx)) {
	    tu_pathf(buf, len, "%s/%s", c->state, de->d_name);
	    found++;
	}
    }
    closedir(d);
    ck_assert_msg(found <= 1, "%s: got %d records, want at most one", c->state,
		  found);
    return (found);
}

/* no_side_effects - a refused or dry run left no backup, lock file,
 * record or jail content */
static void
no_side_effects(const struct ctx *c, const char *what)
{
    char rec[PATH_MAX];

    absent(c->bak, what);
    absent(c->tmp, what);
    ck_assert_msg(!record_path(c, rec, sizeof(rec)),
		  "%s: got a record %s, want none", what, rec);
    ck_assert_msg(tu_count_entries(c->jail, "") == 0,
		  "%s: got %d entries in the jail %s, want none (no update)",
		  what, tu_count_entries(c->jail, ""), c->jail);
}

/* set_meta - give master.cf an owner, mode and label of its own */
static void
set_meta(const char *path)
{
    ck_assert_msg(chown(path, OWNER, OWNER) == 0,
		  "chown %s: got %s, want success", path, strerror(errno));
    ck_assert_msg(chmod(path, 0640) == 0, "chmod %s: got %s, want success",
		  path, strerror(errno));
    ck_assert_msg(
	lsetxattr(path, "security.selinux", LABEL, sizeof(LABEL), 0) == 0,
	"setxattr security.selinux %s: got %s, want success (root "
	"can set it even with SELinux disabled)",
	path, strerror(errno));
}

/* meta_kept - PATH still has the owner, mode and label of set_meta() */
static void
meta_kept(const char *path, const char *what)
{
    char label[256];
    struct stat st;
    ssize_t n;

    ck_assert_msg(lstat(path, &st) == 0, "%s: lstat %s: got %s", what, path,
		  strerror(errno));
    ck_assert_msg(S_ISREG(st.st_mode) && st.st_uid == OWNER &&
		      st.st_gid == OWNER && (st.st_mode & 07777) == 0640,
		  "%s: %s: got %u:%u mode %04o, want %u:%u mode 0640", what,
		  path, (unsigned)st.st_uid, (unsigned)st.st_gid,
		  (unsigned)(st.st_mode & 07777), OWNER, OWNER);
    n = lgetxattr(path, "security.selinux", label, sizeof(label) - 1);
    ck_assert_msg(n == (ssize_t)sizeof(LABEL) &&
		      memcmp(label, LABEL, sizeof(LABEL)) == 0,
		  "%s: %s: got label \"%.*s\" (%zd bytes), want \"%s\"", what,
		  path, (int)(n > 0 ? n : 0), label, n, LABEL);
}

/* load_stock - a stock file of tests/data/mastercf */
static char *
load_stock(const char *name, size_t *len)
{
    char path[PATH_MAX];
    char *buf;

    tu_pathf(path, sizeof(path), "%s/data/mastercf/%s", tests_dir(), name);
    buf = tu_read(path, len);
    ck_assert_msg(buf != NULL,
		  "%s: got %s, want the stock file (set PFC_TESTS)", path,
		  strerror(errno));
    return (buf);
}

/* ------------------------------------------------------------------ */
/* Expected bytes                                                      */
/* ------------------------------------------------------------------ */

/* An entry line of the stock layout (all eight fields on one line). */
struct lentry {
    size_t off;     /* offset of the fifth word */
    char name[256]; /* "service/type" */
    char cmd[128];  /* basename of the eighth word */
};

/*
 * line_entries - the entries of TEXT as the stock files are laid out,
 * without the parser under test: each line that starts with neither
 * white space nor '#' begins an entry, and holds at least eight words.
 */
static size_t
line_entries(const char *text, size_t len, struct lentry *v, size_t max,
	     const char *what)
{
    size_t pos = 0, n = 0, w, ws[8], we[8], f5;

    while (pos < len) {
	size_t end = pos, i;

	while (end < len && text[end] != '\n')
	    end++;
	if (end > pos && !strchr("# \t\r", text[pos])) {
	    for (i = pos, w = 0; i < end && w < 8;) {
		while (i < end && (text[i] == ' ' || text[i] == '\t'))
		    i++;
		if (i == end)
		    break;
		ws[w] = i;
		while (i < end && text[i] != ' ' && text[i] != '\t')
		    i++;
		we[w++] = i;
	    }
	    f5 = w > 4 ? we[4] - ws[4] : 0;
	    ck_assert_msg(w == 8 && f5 == 1 && n < max,
			  "%s: line %u: got %zu words (fifth %zu bytes), "
			  "want 8 with a one-byte fifth field",
			  what, line_no(text, pos), w, f5);
	    v[n].off = ws[4];
	    snprintf(v[n].name, sizeof(v[n].name), "%.*s/%.*s",
		     (int)(we[0] - ws[0]), text + ws[0], (int)(we[1] - ws[1]),
		     text + ws[1]);
	    for (i = we[7]; i > ws[7] && text[i - 1] != '/'; i--)
		/* void */;
	    snprintf(v[n].cmd, sizeof(v[n].cmd), "%.*s", (int)(we[7] - i),
		     text + i);
	    n++;
	}
	pos = end + 1;
    }
    return (n);
}

/* in_list - is WORD in the NULL-terminated LIST (LIST may be NULL)? */
static int
in_list(const char *word, const char *const *list)
{
    for (; list && *list; list++)
	if (strcmp(word, *list) == 0)
	    return (1);
    return (0);
}

/* eligible - may an entry with command CMD be chrooted? */
static int
eligible(const char *cmd, const char *const *extra)
{
    return (!in_list(cmd, never_cmds) && !in_list(cmd, extra));
}

#define MAX_ENT 512

/* expect_enable - TEXT with the fifth field of eligible entries 'y' */
static char *
expect_enable(const char *text, size_t len, const char *const *extra)
{
    static struct lentry v[MAX_ENT];
    size_t n = line_entries(text, len, v, MAX_ENT, "expect_enable"), i;
    char *out = malloc(len + 1);

    ck_assert_ptr_nonnull(out);
    memcpy(out, text, len);
    out[len] = 0;
    for (i = 0; i < n; i++)
	if (eligible(v[i].cmd, extra))
	    out[v[i].off] = 'y';
    return (out);
}

/*
 * expect_disable - what enable then disable make of ORIG: each eligible
 * field as it was, except that 'y', and '-' where DASH (what '-' means)
 * is 'y', become 'n' (restoring them would not disable anything).
 */
static char *
expect_disable(const char *orig, size_t len, const char *const *extra, int dash)
{
    static struct lentry v[MAX_ENT];
    size_t n = line_entries(orig, len, v, MAX_ENT, "expect_disable"), i;
    char *out = malloc(len + 1);

    ck_assert_ptr_nonnull(out);
    memcpy(out, orig, len);
    out[len] = 0;
    for (i = 0; i < n; i++)
	if (eligible(v[i].cmd, extra) &&
	    (orig[v[i].off] == 'y' || (orig[v[i].off] == '-' && dash == 'y')))
	    out[v[i].off] = 'n';
    return (out);
}

/* dash_copy - TEXT with every chroot field '-' */
static char *
dash_copy(const char *text, size_t len)
{
    static struct lentry v[MAX_ENT];
    size_t n = line_entries(text, len, v, MAX_ENT, "dash_copy"), i;
    char *out = malloc(len + 1);

    ck_assert_ptr_nonnull(out);
    memcpy(out, text, len);
    out[len] = 0;
    for (i = 0; i < n; i++)
	out[v[i].off] = '-';
    return (out);
}

/* has_eligible_y - does TEXT have an eligible entry that says 'y'? */
static int
has_eligible_y(const char *text, size_t len)
{
    static struct lentry v[MAX_ENT];
    size_t n = line_entries(text, len, v, MAX_ENT, "has_eligible_y"), i;

    for (i = 0; i < n; i++)
	if (eligible(v[i].cmd, NULL) && text[v[i].off] == 'y')
	    return (1);
    return (0);
}

/*
 * changes_logged - every entry whose field differs between BEFORE and
 * AFTER is reported as "NAME: chroot W -> N", and no other.
 */
static void
changes_logged(const struct run *r, const char *before, const char *after,
	       size_t len)
{
    static struct lentry v[MAX_ENT];
    size_t n = line_entries(before, len, v, MAX_ENT, "changes_logged"), i;
    int changed = 0;
    char line[512];

    for (i = 0; i < n; i++) {
	if (before[v[i].off] == after[v[i].off])
	    continue;
	changed++;
	snprintf(line, sizeof(line), "postfix-chroot: %s: chroot %c -> %c\n",
		 v[i].name, before[v[i].off], after[v[i].off]);
	ck_assert_msg(strstr(r->err, line) != NULL,
		      "%s: got no line \"%.*s\" on stderr, want it; stderr:\n"
		      "%.3000s",
		      r->cmd, (int)strlen(line) - 1, line, r->err);
    }
    ck_assert_msg(count_str(r->err, ": chroot ") == changed,
		  "%s: got %d change lines, want %d; stderr:\n%.3000s", r->cmd,
		  count_str(r->err, ": chroot "), changed, r->err);
}

/* lib_compute - the library's edit of TEXT (the expectation of
 * check_mcedit.c), which must succeed */
static void
lib_compute(const char *text, size_t len, int mode, int dash,
	    const struct mcedit_record *rec, struct mcedit_result *res,
	    const char *what)
{
    struct mcedit_req req = {mode, NULL, 0, NULL, dash};
    struct mastercf mc;
    char err[256];
    int ret;

    ret = mastercf_parse(text, len, &mc, err, sizeof(err));
    ck_assert_msg(ret == 0, "%s: mastercf_parse: got %d \"%s\", want 0", what,
		  ret, err);
    ret = mcedit_compute(&mc, &req, rec, res, err, sizeof(err));
    ck_assert_msg(ret == 0, "%s: mcedit_compute: got %d \"%s\", want 0", what,
		  ret, err);
    mastercf_free(&mc);
}

/* ------------------------------------------------------------------ */
/* postconf and status                                                 */
/* ------------------------------------------------------------------ */

/* One entry as postconf -F or status shows it. */
struct row {
    char *name;
    char *cmd;   /* basename of the command */
    char chroot; /* postconf: the field as written; status: effective */
    char *from;  /* status: explicit or default */
    char *may;   /* status: yes or no */
};

struct rows {
    size_t n;
    struct row *v;
    char dflt;       /* status: what '-' means */
    char level[128]; /* status: compatibility_level as it says */
    char path[PATH_MAX];
    char *jail_line; /* status: "chrooted services: ..." */
};

/* rows_free - release RS */
static void
rows_free(struct rows *rs)
{
    size_t i;

    for (i = 0; i < rs->n; i++) {
	free(rs->v[i].name);
	free(rs->v[i].cmd);
	free(rs->v[i].from);
	free(rs->v[i].may);
    }
    free(rs->v);
    free(rs->jail_line);
    memset(rs, 0, sizeof(*rs));
}

/* rows_add - a new row */
static struct row *
rows_add(struct rows *rs)
{
    rs->v = realloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
    ck_assert_ptr_nonnull(rs->v);
    memset(&rs->v[rs->n], 0, sizeof(*rs->v));
    return (&rs->v[rs->n++]);
}

/* base_word - basename of the first word of S */
static char *
base_word(const char *s)
{
    size_t l = strcspn(s, " \t\r"), b = l;

    while (b > 0 && s[b - 1] != '/')
	b--;
    return (strndup(s + b, l - b));
}

/* postconf_rows - postconf -c ETC -F '* / * /chroot' '* / * /command' */
static void
postconf_rows(const struct ctx *c, struct rows *rs, const char *what)
{
    const char *argv[] = {POSTCONF,     "-c",          c->etc, "-F",
			  "*/*/chroot", "*/*/command", NULL};
    struct run r;
    char *line, *next, *eq;

    memset(rs, 0, sizeof(*rs));
    run_argv(argv, &r);
    ck_assert_msg(r.status == 0, "%s: %s: got exit %d, want 0: %.2000s", what,
		  r.cmd, r.status, r.err);
    for (line = r.out; *line; line = next) {
	struct row *w;
	size_t kl;

	next = strchr(line, '\n');
	if (next)
	    *next++ = 0;
	else
	    next = line + strlen(line);
	eq = strstr(line, " = ");
	ck_assert_msg(eq != NULL, "%s: postconf printed \"%s\"", what, line);
	kl = (size_t)(eq - line);
	if (kl > 7 && !strncmp(eq - 7, "/chroot", 7)) {
	    w = rows_add(rs);
	    w->name = strndup(line, kl - 7);
	    w->chroot = eq[3];
	} else {
	    ck_assert_msg(
		kl > 8 && !strncmp(eq - 8, "/command", 8) && rs->n > 0 &&
		    strlen(rs->v[rs->n - 1].name) == kl - 8 &&
		    !strncmp(line, rs->v[rs->n - 1].name, kl - 8),
		"%s: postconf printed \"%s\" out of order", what, line);
	    rs->v[rs->n - 1].cmd = base_word(eq + 3);
	}
    }
    run_free(&r);
}

/* status_rows - parse what the status command printed */
static void
status_rows(const struct run *r, struct rows *rs, const char *what)
{
    char *copy = strdup(r->out), *line, *next, *p, *q;
    int in_table = 0;

    ck_assert_ptr_nonnull(copy);
    memset(rs, 0, sizeof(*rs));
    for (line = copy; *line; line = next) {
	next = strchr(line, '\n');
	if (next)
	    *next++ = 0;
	else
	    next = line + strlen(line);
	if (!strncmp(line, "master.cf: ", 11)) {
	    p = strstr(line, "; '-' means ");
	    ck_assert_msg(p != NULL, "%s: status header \"%s\"", what, line);
	    snprintf(rs->path, sizeof(rs->path), "%.*s", (int)(p - line - 11),
		     line + 11);
	    rs->dflt = p[12];
	    /* "compatibility_level X" where X is a value, not "decides". */
	    for (q = line; (q = strstr(q, "compatibility_level ")) != NULL;
		 q++) {
		size_t vl = strcspn(q + 20, ";)");

		if (vl == 7 && !strncmp(q + 20, "decides", 7))
		    continue;
		snprintf(rs->level, sizeof(rs->level), "%.*s", (int)vl, q + 20);
		break;
	    }
	    ck_assert_msg(rs->level[0] != 0, "%s: status header \"%s\"", what,
			  line);
	} else if (!strncmp(line, "service/type ", 13)) {
	    in_table = 1;
	} else if (!strncmp(line, "chrooted services: ", 19)) {
	    rs->jail_line = strdup(line);
	    in_table = 0;
	} else if (in_table && !strncmp(line, "jail: ", 6)) {
	    in_table = 0;
	} else if (in_table) {
	    char *tok[6], *save = NULL;
	    struct row *w;
	    int n = 0;

	    for (p = strtok_r(line, " ", &save); p && n < 6;
		 p = strtok_r(NULL, " ", &save))
		tok[n++] = p;
	    ck_assert_msg(n == 5 && strlen(tok[2]) == 1,
			  "%s: status row \"%s\": got %d columns, want 5", what,
			  line, n);
	    w = rows_add(rs);
	    w->name = strdup(tok[0]);
	    w->cmd = strdup(tok[1]);
	    w->chroot = tok[2][0];
	    w->from = strdup(tok[3]);
	    w->may = strdup(tok[4]);
	}
    }
    free(copy);
}

/*
 * agree - postconf and status agree on master.cf of C: the same entries
 * in the same order, status's state is postconf's field with '-' read
 * as status's default, which must be WANT_DFLT; EXTRA extends the
 * never-chroot commands.  WANT_LEVEL is what status says of
 * compatibility_level.
 */
static void
agree(struct ctx *c, int want_dflt, const char *want_level,
      const char *const *extra, const char *what)
{
    struct rows pc, st;
    struct run r;
    size_t i;

    postconf_rows(c, &pc, what);
    pfc(c, &r, "status", NULL);
    ck_assert_msg(r.status == 0, "%s: %s: got exit %d, want 0: %.2000s", what,
		  r.cmd, r.status, r.err);
    status_rows(&r, &st, what);
    ck_assert_msg(strcmp(st.path, c->mcf) == 0,
		  "%s: status names \"%s\", want \"%s\"", what, st.path,
		  c->mcf);
    ck_assert_msg(st.dflt == want_dflt,
		  "%s: status says '-' means %c, want %c (Postfix 3, "
		  "compatibility_level %s)",
		  what, st.dflt, want_dflt, want_level);
    ck_assert_msg(strcmp(st.level, want_level) == 0,
		  "%s: status says compatibility_level %s, want %s", what,
		  st.level, want_level);
    ck_assert_msg(pc.n == st.n && pc.n > 0,
		  "%s: status has %zu entries, postconf %zu; status:\n%.3000s",
		  what, st.n, pc.n, r.out);
    for (i = 0; i < pc.n; i++) {
	const struct row *p = &pc.v[i], *s = &st.v[i];
	int want = p->chroot == '-' ? want_dflt : p->chroot;
	const char *from = p->chroot == '-' ? "default" : "explicit";
	const char *may = eligible(p->cmd ? p->cmd : "", extra) ? "yes" : "no";

	ck_assert_msg(strchr("yn-", p->chroot) != NULL,
		      "%s: postconf: %s chroot = %c", what, p->name, p->chroot);
	ck_assert_msg(strcmp(s->name, p->name) == 0 && s->chroot == want &&
			  strcmp(s->from, from) == 0 &&
			  strcmp(s->cmd, p->cmd ? p->cmd : "") == 0 &&
			  strcmp(s->may, may) == 0,
		      "%s: entry %zu: got %s %s %c %s %s, want %s %s %c %s %s "
		      "(postconf field %c)",
		      what, i + 1, s->name, s->cmd, s->chroot, s->from, s->may,
		      p->name, p->cmd, want, from, may, p->chroot);
    }
    rows_free(&pc);
    rows_free(&st);
    run_free(&r);
}

/* ------------------------------------------------------------------ */
/* Stock files: enable, disable, enable                                */
/* ------------------------------------------------------------------ */

/* The smtp/inet and local/unix lines of the stock files. */
#define SMTP_LINE(f)                                                           \
    "\nsmtp      inet  n       -       " f "       -       -       smtpd\n"
#define LOCAL_LINE                                                             \
    "\nlocal     unix  -       n       n       -       -       local\n"

/* specific_lines - after enable, smtp/inet says y and local/unix n */
static void
specific_lines(const char *path, const char *orig)
{
    char *got = tu_read(path, NULL);

    ck_assert_ptr_nonnull(got);
    if (strstr(orig, SMTP_LINE("n")) || strstr(orig, SMTP_LINE("-")) ||
	strstr(orig, SMTP_LINE("y")))
	ck_assert_msg(strstr(got, SMTP_LINE("y")) != NULL,
		      "%s: got no line \"%s\", want it", path,
		      SMTP_LINE("y") + 1);
    if (strstr(orig, LOCAL_LINE))
	ck_assert_msg(strstr(got, LOCAL_LINE) != NULL,
		      "%s: got no line \"%s\", want it unchanged", path,
		      LOCAL_LINE + 1);
    free(got);
}

/* ------------------------------------------------------------------ */

/* test_stock_cycle - a stock file through the CLI, byte exact */
START_TEST(test_stock_cycle)
{
    const char *file = stock[_i];
    struct mcedit_result e, d;
    struct fstate fs, fb;
    struct ctx c;
    struct run r;
    char *orig, *want_e, *want_d, what[256];
    size_t len;

    need();
    orig = load_stock(file, &len);
    ctx_new(&c, "stock", "compatibility_level = 3.6\n", orig, len);
    set_meta(c.mcf);

    /* Expected bytes from the stock layout; the library agrees. */
    want_e = expect_enable(orig, len, NULL);
    want_d = expect_disable(orig, len, NULL, 'n');
    lib_compute(orig, len, MCEDIT_ENABLE, 'n', NULL, &e, file);
    snprintf(what, sizeof(what), "%s: mcedit_compute enable", file);
    same_bytes(e.buf, e.len, want_e, len, what);
    lib_compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, &d, file);
    snprintf(what, sizeof(what), "%s: mcedit_compute disable", file);
    same_bytes(d.buf, d.len, want_d, len, what);
    ck_assert_msg(strcmp(orig, want_e) != 0, "%s: enable changes nothing",
		  file);

    /* enable */
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s: master.cf after enable", file);
    file_is(c.mcf, want_e, len, what);
    snprintf(what, sizeof(what), "%s: backup after enable", file);
    file_is(c.bak, orig, len, what);
    meta_kept(c.mcf, "master.cf after enable");
    meta_kept(c.bak, "backup after enable");
    changes_logged(&r, orig, want_e, len);
    ck_assert_msg(strstr(r.err, "master.cf: updated (previous version in " BAK
				"); run \"postfix reload\"") != NULL,
		  "%s: stderr has no reload hint:\n%.3000s", r.cmd, r.err);
    specific_lines(c.mcf, orig);
    absent(c.tmp, "enable");
    run_free(&r);

    /* disable: the original again where enable found no 'y'. */
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s: master.cf after disable", file);
    file_is(c.mcf, want_d, len, what);
    snprintf(what, sizeof(what), "%s: backup after disable", file);
    file_is(c.bak, want_e, len, what);
    if (!has_eligible_y(orig, len)) {
	snprintf(what, sizeof(what), "%s: round trip", file);
	file_is(c.mcf, orig, len, what);
    }
    meta_kept(c.mcf, "master.cf after disable");
    meta_kept(c.bak, "backup after disable");
    changes_logged(&r, want_e, want_d, len);
    run_free(&r);

    /* enable again: the same bytes as the first time. */
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s: master.cf after enable again", file);
    file_is(c.mcf, want_e, len, what);
    snprintf(what, sizeof(what), "%s: backup after enable again", file);
    file_is(c.bak, want_d, len, what);
    meta_kept(c.mcf, "master.cf after enable again");
    run_free(&r);

    /* Once more: nothing to change, nothing rewritten. */
    fstate_get(c.mcf, &fs);
    fstate_get(c.bak, &fb);
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    fstate_same(c.mcf, &fs, "master.cf after a needless enable");
    fstate_same(c.bak, &fb, "backup after a needless enable");
    ck_assert_msg(count_str(r.err, ": chroot ") == 0 &&
		      strstr(r.err, "updated (previous") == NULL,
		  "%s: got change messages, want none:\n%.3000s", r.cmd, r.err);
    absent(c.tmp, "needless enable");
    run_free(&r);

    mcedit_result_free(&e);
    mcedit_result_free(&d);
    fstate_free(&fs);
    fstate_free(&fb);
    free(orig);
    free(want_e);
    free(want_d);
}
END_TEST

/* test_stock_named - naming the entries enable changes gives the
 * original back exactly, whatever the file held */
START_TEST(test_stock_named)
{
    static struct lentry v[MAX_ENT];
    const char *file = stock[_i];
    const char *args[72];
    struct ctx c;
    struct run r;
    char *orig, *want;
    size_t len, n, i, k = 1;

    need();
    orig = load_stock(file, &len);
    ctx_new(&c, "named", "compatibility_level = 3.6\n", orig, len);
    n = line_entries(orig, len, v, MAX_ENT, file);
    want = malloc(len + 1);
    ck_assert_ptr_nonnull(want);
    memcpy(want, orig, len + 1);
    for (i = 0; i < n; i++) {
	if (eligible(v[i].cmd, NULL) && orig[v[i].off] != 'y') {
	    ck_assert_msg(k < 70, "%s: too many names", file);
	    args[k++] = v[i].name;
	    want[v[i].off] = 'y';
	}
    }
    ck_assert_msg(k > 1, "%s: got no entry to enable, want one", file);
    args[k] = NULL;

    args[0] = "enable";
    pfc_args(&c, NULL, &r, args);
    expect_ok(&r);
    file_is(c.mcf, want, len, "enable of the named entries");
    changes_logged(&r, orig, want, len);
    run_free(&r);

    args[0] = "disable";
    pfc_args(&c, NULL, &r, args);
    expect_ok(&r);
    file_is(c.mcf, orig, len, "disable of the named entries: round trip");
    file_is(c.bak, want, len, "backup after the named disable");
    changes_logged(&r, want, orig, len);
    run_free(&r);
    free(orig);
    free(want);
}
END_TEST

/* The record cases of a copy with every chroot field '-'. */
struct dash_case {
    const char *name;
    const char *main_cf;
    int dash;   /* what '-' means there */
    int forget; /* remove the record before disable */
};

static const struct dash_case dash_cases[] = {
    {"level 3.6, record kept: '-' comes back", "compatibility_level = 3.6\n",
     'n', 0},
    {"level 3.6, no record: n", "compatibility_level = 3.6\n", 'n', 1},
    {"level 0, record kept: n ('-' would mean y)", "compatibility_level = 0\n",
     'y', 0},
    {"level unset, no record: n", "", 'y', 1},
};

/* test_stock_dash - every chroot field '-': what disable writes */
START_TEST(test_stock_dash)
{
    size_t nd = sizeof(dash_cases) / sizeof(dash_cases[0]);
    const struct dash_case *dc = &dash_cases[_i % nd];
    const char *file = stock[_i / nd];
    struct fstate fs;
    struct ctx c;
    struct run r;
    char *orig, *dash, *want_e, *want_d, rec[PATH_MAX], what[512];
    size_t len;

    need();
    orig = load_stock(file, &len);
    dash = dash_copy(orig, len);
    ctx_new(&c, "dash", dc->main_cf, dash, len);
    want_e = expect_enable(dash, len, NULL);
    if (dc->forget) {
	/* Without the record every eligible 'y' becomes 'n'. */
	char *all_y = expect_enable(dash, len, NULL);

	want_d = expect_disable(all_y, len, NULL, dc->dash);
	free(all_y);
    } else {
	want_d = expect_disable(dash, len, NULL, dc->dash);
    }

    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s, all '-': %s: enable", file, dc->name);
    file_is(c.mcf, want_e, len, what);
    changes_logged(&r, dash, want_e, len);
    run_free(&r);
    ck_assert_msg(record_path(&c, rec, sizeof(rec)),
		  "%s: got no record in %s, want one", what, c.state);
    if (dc->forget)
	ck_assert_msg(unlink(rec) == 0, "unlink %s: %s", rec, strerror(errno));

    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s, all '-': %s: disable", file, dc->name);
    file_is(c.mcf, want_d, len, what);
    changes_logged(&r, want_e, want_d, len);
    ck_assert_msg(!record_path(&c, rec, sizeof(rec)),
		  "%s: got a record %s after disable, want none", what, rec);
    run_free(&r);

    /* A second disable changes nothing. */
    fstate_get(c.mcf, &fs);
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    snprintf(what, sizeof(what), "%s, all '-': %s: second disable", file,
	     dc->name);
    fstate_same(c.mcf, &fs, what);
    run_free(&r);
    fstate_free(&fs);
    free(orig);
    free(dash);
    free(want_e);
    free(want_d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Postfix's parser as the oracle                                      */
/* ------------------------------------------------------------------ */

/* main.cf settings and what '-' means under them with Postfix 3. */
struct level_case {
    const char *main_cf;
    int dflt;
    const char *level; /* as status prints it */
};

static const struct level_case level_cases[] = {
    {"", 'y', "unset"},
    {"compatibility_level = 0\n", 'y', "0"},
    {"compatibility_level = 3.6\n", 'n', "3.6"},
    {"lvl = 0\ncompatibility_level = $lvl\n", 'y', "0"},
};

#define NLEVEL (sizeof(level_cases) / sizeof(level_cases[0]))

/* postfix_is_3 - the installed Postfix must be 3.x for the table */
static void
postfix_is_3(struct ctx *c)
{
    const char *argv[] = {POSTCONF, "-c", c->etc, "-h", "mail_version", NULL};
    struct run r;

    run_argv(argv, &r);
    ck_assert_msg(r.status == 0 && r.out[0] == '3' && r.out[1] == '.',
		  "postconf mail_version: got \"%.40s\" (exit %d), want 3.x "
		  "(the table of '-' defaults is for Postfix 3)",
		  r.out, r.status);
    run_free(&r);
}

/* agree_all_levels - TEXT as master.cf under each level */
static void
agree_all_levels(struct ctx *c, const char *text, size_t len, const char *what)
{
    char w[512];
    size_t m;

    set_master(c, text, len);
    for (m = 0; m < NLEVEL; m++) {
	set_main(c, level_cases[m].main_cf);
	snprintf(w, sizeof(w), "%s, compatibility_level %s", what,
		 level_cases[m].level);
	agree(c, level_cases[m].dflt, level_cases[m].level, NULL, w);
    }
}

/* test_oracle - stock files, their all-'-' copies and variants */
START_TEST(test_oracle)
{
    const char *file = stock[_i];
    struct ctx c;
    char *orig, *v, what[512];
    size_t len, vlen, k;

    need();
    orig = load_stock(file, &len);
    ctx_new(&c, "oracle", "", NULL, 0);
    postfix_is_3(&c);
    agree_all_levels(&c, orig, len, file);
    v = dash_copy(orig, len);
    snprintf(what, sizeof(what), "%s with every chroot field '-'", file);
    agree_all_levels(&c, v, len, what);
    free(v);
    for (k = 0; k < 8; k++) {
	uint32_t seed = 0xe7ab1e00u + (uint32_t)(_i * 64 + k);

	v = mcf_variant(orig, len, seed, &vlen);
	snprintf(what, sizeof(what), "%s variant seed %#x", file,
		 (unsigned)seed);
	agree_all_levels(&c, v, vlen, what);
	free(v);
    }
    free(orig);
}
END_TEST

/* Unusual but valid: names, spacing, continuation lines, comments. */
static const char unusual_in[] =
    "# unusual but valid entries\n"
    "127.0.0.1:2525 inet n - - - - smtpd\n"
    "  -o syslog_name=postfix/loopback\n"
    "[::1]:submission\tinet\tn\t-\t-\t-\t-\tsmtpd\n"
    "\n"
    "   # a comment between entries\n"
    "[2001:db8::1]:10025 inet n - n - - smtpd\n"
    "0.0.0.0:smtp  inet  n  -  n  -  1  postscreen\n"
    "a/b unix - - - ? 0 trivial-rewrite\n"
    "relay unix - -\n"
    "\t- - -\n"
    "  smtp -o smtp_fallback_relay=\n"
    "pickup fifo n - - 60 1 pickup\n"
    "maildrop unix - n - - - /usr/lib/postfix/sbin/pipe\n"
    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n"
    "postlog unix-dgram n - - - 1 postlogd\n"
    "last pass - - - - - smtpd";

/* test_oracle_unusual - unusual names, before and after enable */
START_TEST(test_oracle_unusual)
{
    static const char *const names[] = {"127.0.0.1:2525/inet",
					"[::1]:submission/inet",
					"[2001:db8::1]:10025/inet",
					"0.0.0.0:smtp/inet",
					"a/b/unix",
					"relay/unix",
					"pickup/fifo",
					"last/pass"};
    struct rows st;
    struct ctx c;
    struct run r;
    size_t i, j;

    need();
    ctx_new(&c, "unusual", "", NULL, 0);
    agree_all_levels(&c, unusual_in, strlen(unusual_in), "unusual names");

    /* enable at 3.6: every eligible entry says y, the others do not. */
    set_main(&c, "compatibility_level = 3.6\n");
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    run_free(&r);
    agree(&c, 'n', "3.6", NULL, "unusual names after enable");
    pfc(&c, &r, "status", NULL);
    status_rows(&r, &st, "unusual names after enable");
    for (i = 0; i < st.n; i++) {
	int want = 'n';

	for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
	    if (strcmp(st.v[i].name, names[j]) == 0)
		want = 'y';
	ck_assert_msg(st.v[i].chroot == want,
		      "after enable: %s: got %c, want %c", st.v[i].name,
		      st.v[i].chroot, want);
    }
    ck_assert_msg(st.n == 10, "got %zu entries, want 10", st.n);
    rows_free(&st);
    run_free(&r);

    /* disable restores each '-' exactly: the original bytes. */
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    file_is(c.mcf, unusual_in, strlen(unusual_in), "unusual names: round trip");
    run_free(&r);
}
END_TEST

/* test_c10 - C10: the same '-' line under level 3.6 and 0 */
START_TEST(test_c10)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    static const struct {
	const char *main_cf;
	const char *level;
	int want;
	const char *jail;
    } cases[] = {
	{"compatibility_level = 3.6\n", "3.6", 'n', "none"},
	{"compatibility_level = 0\n", "0", 'y', "yes"},
    };
    struct rows st;
    struct ctx c;
    struct run r;
    size_t i;

    need();
    ctx_new(&c, "c10", "", in, strlen(in));
    postfix_is_3(&c);
    for (i = 0; i < 2; i++) {
	set_main(&c, cases[i].main_cf);
	agree(&c, cases[i].want, cases[i].level, NULL, "C10");
	pfc(&c, &r, "status", NULL);
	expect_status(&r, 0);
	status_rows(&r, &st, "C10");
	ck_assert_msg(st.n == 1 && !strcmp(st.v[0].name, "smtp/inet") &&
			  st.v[0].chroot == cases[i].want &&
			  !strcmp(st.v[0].from, "default"),
		      "C10, level %s: got %s %c %s, want smtp/inet %c default",
		      cases[i].level, st.n ? st.v[0].name : "(none)",
		      st.n ? st.v[0].chroot : '?', st.n ? st.v[0].from : "",
		      cases[i].want);
	ck_assert_msg(st.jail_line && !strncmp(st.jail_line + 19, cases[i].jail,
					       strlen(cases[i].jail)),
		      "C10, level %s: got \"%s\", want chrooted services: %s",
		      cases[i].level, st.jail_line ? st.jail_line : "(none)",
		      cases[i].jail);
	rows_free(&st);
	run_free(&r);
    }

    /* enable makes it explicit, whatever the level. */
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    file_is(c.mcf, "smtp inet n - y - - smtpd\n", strlen(in), "C10 enable");
    run_free(&r);
    set_main(&c, "compatibility_level = 3.6\n");
    agree(&c, 'n', "3.6", NULL, "C10 after enable");
}
END_TEST

/* ------------------------------------------------------------------ */
/* C11, dry run, names, never_chroot                                   */
/* ------------------------------------------------------------------ */

static const char c11_in[] =
    "#\n"
    "# master.cf with everything that breaks sed one-liners\n"
    "#\n"
    "smtp      inet  n       -       -       -       -       smtpd\n"
    "  -o smtpd_tls_security_level=may   \n"
    "\n"
    "# a comment between the entry and its last option\n"
    "\t-o syslog_name=postfix/smtp\n"
    "#smtp inet n - - - - smtpd\n"
    "submission inet n       -       n       -       -       smtpd\n"
    "#  -o smtpd_sasl_auth_enable=yes\n"
    "pickup    unix  n       -       y       60      1       pickup\n"
    "cleanup   unix  n       -       -       -       0       cleanup\n"
    "proxymap  unix  -       -       n       -       -       proxymap\n"
    "proxywrite unix -       -       -       -       1       proxymap\n"
    "local     unix  -       n       -       -       -       local\n"
    "virtual   unix  -       n       n       -       -       virtual\n"
    "postlog   unix-dgram n  -       -       -       1       postlogd\n"
    "maildrop  unix  -       n       n       -       -       pipe\n"
    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n"
    "policy    unix  -       n       -       -       0       spawn\n"
    "  user=nobody argv=/usr/bin/policy\n"
    "relay     unix  -       -\n"
    "  -       -       -       smtp\n"
    "   # trailing comment, no final newline  ";

/* The eligible entries of c11_in, up to and including their fifth field. */
static const char *const c11_eligible[] = {
    "smtp      inet  n       -       -",
    "submission inet n       -       n",
    "cleanup   unix  n       -       -",
    "relay     unix  -       -\n  -",
};

/* test_c11 - C11: only the fifth field of eligible entries changes */
START_TEST(test_c11)
{
    size_t len = strlen(c11_in), i, k, diffs = 0;
    struct ctx c;
    struct run r;
    char *want, *got;

    need();
    want = strdup(c11_in);
    ck_assert_ptr_nonnull(want);
    for (k = 0; k < 4; k++) {
	char *at = strstr(want, c11_eligible[k]);

	ck_assert_ptr_nonnull(at);
	at[strlen(c11_eligible[k]) - 1] = 'y';
    }
    ctx_new(&c, "c11", "compatibility_level = 3.6\n", c11_in, len);
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    file_is(c.mcf, want, len, "C11 enable");
    ck_assert_msg(
	count_str(r.err, ": chroot ") == 4 &&
	    strstr(r.err, "postfix-chroot: smtp/inet: chroot - -> y\n") &&
	    strstr(r.err, "postfix-chroot: submission/inet: chroot n -> y\n") &&
	    strstr(r.err, "postfix-chroot: cleanup/unix: chroot - -> y\n") &&
	    strstr(r.err, "postfix-chroot: relay/unix: chroot - -> y\n"),
	"C11: got stderr\n%.3000s\nwant four change lines", r.err);
    run_free(&r);

    /* Byte by byte: only the four fields. */
    got = tu_read(c.mcf, NULL);
    for (i = 0; i < len; i++)
	if (got[i] != c11_in[i])
	    diffs++;
    ck_assert_msg(diffs == 4, "C11: got %zu bytes changed, want 4", diffs);
    free(got);
    agree(&c, 'n', "3.6", NULL, "C11 after enable");

    /*
     * And back: what enable changed as it was; pickup, 'y' before
     * enable, becomes 'n'.
     */
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    got = strdup(c11_in);
    ck_assert_ptr_nonnull(got);
    got[strstr(got, "pickup    unix  n       -       y") - got + 32] = 'n';
    file_is(c.mcf, got, len, "C11 disable");
    ck_assert_msg(count_str(r.err, ": chroot ") == 5 &&
		      strstr(r.err, "postfix-chroot: pickup/unix: chroot y -> "
				    "n\n") &&
		      strstr(r.err, "postfix-chroot: smtp/inet: chroot y -> "
				    "-\n") &&
		      strstr(r.err, "postfix-chroot: submission/inet: chroot y "
				    "-> n\n"),
		  "C11 disable: got stderr\n%.3000s\nwant five change lines",
		  r.err);
    run_free(&r);
    free(got);
    free(want);
}
END_TEST

/* patched - DIFF applied by patch -p1 to a copy of TEXT; the result */
static char *
patched(const struct ctx *c, const char *text, size_t len, const char *diff,
	size_t dlen, size_t *outlen, const char *what)
{
    char dir[PATH_MAX], df[PATH_MAX], file[PATH_MAX];
    const char *argv[] = {"/bin/sh",
			  "-c",
			  "exec " PATCH " -s -p1 -N --no-backup-if-mismatch "
			  "-d \"$0\" < \"$1\"",
			  dir,
			  df,
			  NULL};
    struct run r;
    char *out;

    need_tool(PATCH, "patch");
    tu_pathf(dir, sizeof(dir), "%s/patched", c->dir);
    tu_pathf(df, sizeof(df), "%s/x.diff", c->dir);
    tu_pathf(file, sizeof(file), "%s/master.cf", dir);
    tu_rm_rf(dir);
    tu_mkdir(dir, 0755);
    tu_write(file, text, len);
    tu_write(df, diff, dlen);
    run_argv(argv, &r);
    ck_assert_msg(r.status == 0,
		  "%s: patch: got exit %d, want 0: %s\ndiff:\n%.3000s", what,
		  r.status, r.err, diff);
    run_free(&r);
    out = tu_read(file, outlen);
    ck_assert_ptr_nonnull(out);
    return (out);
}

/* A dry run: the input, and the names (NULL: all). */
struct dry_case {
    const char *name;
    const char *text; /* NULL: the stock file of the same index */
    const char *arg;  /* one name, or NULL */
};

static const struct dry_case dry_cases[] = {
    {"C11", c11_in, NULL},
    {"C11, one named entry", c11_in, "relay/unix"},
    {"unusual names", unusual_in, NULL},
    {"unusual names, one named entry", unusual_in, "[::1]:submission/inet"},
};

#define NDRY (sizeof(dry_cases) / sizeof(dry_cases[0]))

/* dry_then_real - a dry run of OP, then the real one: the diff gives
 * what the real one writes, and the dry run changes nothing */
static void
dry_then_real(struct ctx *c, const char *op, const char *arg, const char *what)
{
    char rec[PATH_MAX], w[512], *before_rec = NULL, *expect, *real;
    int had_state = tu_exists(c->state), nstate = 0;
    size_t blen, elen, rlen, reclen = 0;
    struct fstate fs;
    struct run r;

    fstate_get(c->mcf, &fs);
    if (had_state)
	nstate = tu_count_entries(c->state, "");
    if (record_path(c, rec, sizeof(rec)))
	before_rec = tu_read(rec, &reclen);
    blen = fs.len;

    pfc(c, &r, "-n", op, arg, NULL);
    expect_status(&r, 0);
    snprintf(w, sizeof(w), "%s: dry run of %s", what, op);
    fstate_same(c->mcf, &fs, w);
    absent(c->tmp, w);
    if (!had_state)
	absent(c->state, w);
    else
	ck_assert_msg(tu_count_entries(c->state, "") == nstate,
		      "%s: got %d files in the state directory, want %d", w,
		      tu_count_entries(c->state, ""), nstate);
    if (before_rec) {
	file_is(rec, before_rec, reclen, w);
	free(before_rec);
    }
    ck_assert_msg(
	r.outlen > 0 &&
	    !strncmp(r.out, "--- a/master.cf\n+++ b/master.cf\n@@ -", 36),
	"%s: got stdout \"%.200s\", want a unified diff", w, r.out);
    expect = patched(c, fs.buf, blen, r.out, r.outlen, &elen, w);
    run_free(&r);

    pfc(c, &r, op, arg, NULL);
    expect_ok(&r);
    run_free(&r);
    real = tu_read(c->mcf, &rlen);
    ck_assert_msg(real != NULL, "%s: %s: got %s after %s", what, c->mcf,
		  strerror(errno), op);
    snprintf(w, sizeof(w),
	     "%s: dry run diff of %s applied by patch vs what %s wrote", what,
	     op, op);
    same_bytes(expect, elen, real, rlen, w);
    free(expect);
    free(real);
    fstate_free(&fs);
}

/* test_dry_run - stock files and the cases: diff, patch, compare */
START_TEST(test_dry_run)
{
    const struct dry_case *dc =
	_i < (int)nstock ? NULL : &dry_cases[_i - nstock];
    const char *name = dc ? dc->name : stock[_i];
    const char *arg = dc ? dc->arg : NULL;
    struct ctx c;
    char *text;
    size_t len;

    need();
    if (dc) {
	text = strdup(dc->text);
	len = strlen(text);
    } else {
	text = load_stock(stock[_i], &len);
    }
    ctx_new(&c, "dry", "compatibility_level = 3.6\n", text, len);
    dry_then_real(&c, "enable", arg, name);
    ck_assert_msg(tu_count_entries(c.jail, "") > 0,
		  "%s: enable did not update the jail %s", name, c.jail);
    dry_then_real(&c, "disable", arg, name);
    if (arg || (!dc && !has_eligible_y(text, len)))
	file_is(c.mcf, text, len, "round trip after the dry runs");
    free(text);
}
END_TEST

/* test_dry_run_nothing - nothing to change: no diff, nothing written */
START_TEST(test_dry_run_nothing)
{
    static const char in[] = "smtp inet n - y - - smtpd\n"
			     "local unix - n n - - local\n";
    struct fstate fs;
    struct ctx c;
    struct run r;

    need();
    ctx_new(&c, "drynothing", "compatibility_level = 3.6\n", in, strlen(in));
    fstate_get(c.mcf, &fs);
    pfc(&c, &r, "--dry-run", "enable", NULL);
    expect_ok(&r);
    fstate_same(c.mcf, &fs, "dry run with nothing to do");
    no_side_effects(&c, "dry run with nothing to do");
    absent(c.state, "dry run with nothing to do");
    run_free(&r);
    fstate_free(&fs);
}
END_TEST

/* A refused set of names. */
struct name_case {
    const char *op;
    const char *args[4];
    const char *msg;
};

static const struct name_case name_cases[] = {
    {"enable",
     {"local/unix"},
     "local/unix: must never run chrooted (command local)"},
    {"enable",
     {"smtp/inet", "local/unix"},
     "local/unix: must never run chrooted"},
    {"enable",
     {"proxywrite/unix"},
     "proxywrite/unix: must never run chrooted (command proxymap)"},
    {"enable",
     {"postlog/unix-dgram"},
     "postlog/unix-dgram: must never run chrooted"},
    {"enable",
     {"maildrop/unix"},
     "maildrop/unix: must never run chrooted (command pipe)"},
    {"enable", {"nosuch/unix"}, "nosuch/unix: no such entry"},
    {"enable", {"smtp/inet", "smtp/fifo"}, "smtp/fifo: no such entry"},
    {"enable", {"smtp"}, "smtp: not a SERVICE/TYPE name"},
    {"disable", {"nosuch/unix"}, "nosuch/unix: no such entry"},
    {"disable", {"cleanup/unix", "smtp/unix"}, "smtp/unix: no such entry"},
};

/* test_bad_names - exit 1, master.cf named, nothing changed */
START_TEST(test_bad_names)
{
    const struct name_case *nc = &name_cases[_i];
    struct fstate fs;
    struct ctx c;
    struct run r;
    char want[PATH_MAX + 256], what[256];

    need();
    ctx_new(&c, "names", "compatibility_level = 3.6\n", c11_in, strlen(c11_in));
    fstate_get(c.mcf, &fs);
    pfc(&c, &r, nc->op, nc->args[0], nc->args[1], nc->args[2], NULL);
    snprintf(what, sizeof(what), "%s %s %s", nc->op, nc->args[0],
	     nc->args[1] ? nc->args[1] : "");
    expect_status(&r, 1);
    snprintf(want, sizeof(want), "postfix-chroot: error: %s: %s", c.mcf,
	     nc->msg);
    ck_assert_msg(strstr(r.err, want) != NULL,
		  "%s: got stderr \"%.2000s\", want \"%s\"", what, r.err, want);
    fstate_same(c.mcf, &fs, what);
    no_side_effects(&c, what);
    run_free(&r);
    fstate_free(&fs);
}
END_TEST

/* never_chroot settings of the tool's configuration file. */
struct never_case {
    const char *conf;
    const char *extra[4];
};

static const struct never_case never_cases[] = {
    {"never_chroot = smtpd\n", {"smtpd"}},
    {"never_chroot = smtpd, qmgr\n", {"smtpd", "qmgr"}},
    {"never_chroot = smtpd\ttrivial-rewrite  showq\n",
     {"smtpd", "trivial-rewrite", "showq"}},
};

/* test_never_conf - never_chroot extends the list */
START_TEST(test_never_conf)
{
    const struct never_case *nc = &never_cases[_i];
    const char *file = "postfix-3.8-upstream.cf";
    struct fstate fs;
    struct ctx c;
    struct run r;
    char *orig, *want, msg[PATH_MAX + 128];
    size_t len;

    need();
    orig = load_stock(file, &len);
    ctx_new(&c, "never", "compatibility_level = 3.6\n", orig, len);
    tu_write_str(c.conf, nc->conf);
    want = expect_enable(orig, len, nc->extra);
    ck_assert_msg(strstr(want, "\nsmtp      inet  n       -       n   "),
		  "%s: smtp/inet should stay n", nc->conf);

    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    file_is(c.mcf, want, len, nc->conf);
    run_free(&r);
    agree(&c, 'n', "3.6", nc->extra, nc->conf);

    /* Naming an entry of the extended list is refused. */
    fstate_get(c.mcf, &fs);
    pfc(&c, &r, "enable", "smtp/inet", NULL);
    expect_status(&r, 1);
    snprintf(msg, sizeof(msg),
	     "%s: smtp/inet: must never run chrooted (command smtpd)", c.mcf);
    ck_assert_msg(strstr(r.err, msg), "%s: got stderr \"%s\", want \"%s\"",
		  nc->conf, r.err, msg);
    fstate_same(c.mcf, &fs, "refused never_chroot name");
    run_free(&r);

    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    file_is(c.mcf, orig, len, "never_chroot round trip");
    run_free(&r);
    fstate_free(&fs);
    free(orig);
    free(want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Malformed files                                                     */
/* ------------------------------------------------------------------ */

struct bad_case {
    const char *name;
    const char *in;  /* NULL: made by bad_text() */
    const char *msg; /* after "CONFIG_DIR/master.cf: " */
};

static const struct bad_case bad_cases[] = {
    {"entry with 7 fields",
     "smtp inet n - - - - smtpd\n#\npickup unix n - - 60 1\n", "line 3: "},
    {"overlong service field", NULL, "line 2: "},
    {"overlong chroot field", NULL, "line 1: "},
    {"continuation line at the top", "\n  -o a=b\nsmtp inet n - - - - x\n",
     "line 2: "},
    {"binary garbage", NULL, "line "},
    {"10 MB file", NULL, "file too large"},
};

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* bad_text - the input of bad case I */
static char *
bad_text(size_t i, size_t *len)
{
    uint32_t seed = 4711;
    char *buf;
    size_t k;

    if (bad_cases[i].in) {
	*len = strlen(bad_cases[i].in);
	return (strdup(bad_cases[i].in));
    }
    switch (i) {
    case 1:
	*len = 26 + 2000 + 22;
	buf = malloc(*len + 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "smtp inet n - - - - smtpd\n", 26);
	memset(buf + 26, 'x', 2000);
	memcpy(buf + 26 + 2000, " unix - - n - - smtpd\n", 22);
	return (buf);
    case 2:
	*len = 14 + 2000 + 11;
	buf = malloc(*len + 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "smtp inet n - ", 14);
	memset(buf + 14, 'y', 2000);
	memcpy(buf + 14 + 2000, " - - smtpd\n", 11);
	return (buf);
    case 4:
	*len = 8192;
	buf = malloc(*len);
	ck_assert_ptr_nonnull(buf);
	for (k = 0; k < *len; k++)
	    buf[k] = (char)(xrand(&seed) >> 24);
	return (buf);
    default:
	*len = 10 * 1024 * 1024;
	buf = malloc(*len);
	ck_assert_ptr_nonnull(buf);
	for (k = 0; k < *len; k += 32)
	    memcpy(buf + k, "# a comment of thirty-two bytes\n", 32);
	return (buf);
    }
}

/* test_malformed - enable, disable and a dry run refuse; nothing changes */
START_TEST(test_malformed)
{
    static const char *const ops[][2] = {{"enable", NULL},
					 {"disable", NULL},
					 {"-n", "enable"},
					 {"enable", "smtp/inet"}};
    const struct bad_case *bc = &bad_cases[_i];
    struct fstate fs;
    struct ctx c;
    struct run r;
    char want[PATH_MAX + 64], what[256], *text;
    size_t len, k;

    need();
    text = bad_text(_i, &len);
    /*
     * Level 0: '-' means y whatever the version, so the program does not
     * ask postconf, which reads master.cf too and, refusing it, sleeps a
     * second before it exits.
     */
    ctx_new(&c, "malformed", "compatibility_level = 0\n", text, len);
    fstate_get(c.mcf, &fs);
    snprintf(want, sizeof(want), "postfix-chroot: error: %s: %s", c.mcf,
	     bc->msg);
    for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
	pfc(&c, &r, ops[k][0], ops[k][1], NULL);
	snprintf(what, sizeof(what), "%s: %s %s", bc->name, ops[k][0],
		 ops[k][1] ? ops[k][1] : "");
	expect_status(&r, 1);
	ck_assert_msg(strstr(r.err, want) != NULL && r.outlen == 0,
		      "%s: got stderr \"%.1000s\" and %zu bytes on stdout, "
		      "want \"%s...\" and nothing",
		      what, r.err, r.outlen, want);
	fstate_same(c.mcf, &fs, what);
	no_side_effects(&c, what);
	run_free(&r);
    }
    fstate_free(&fs);
    free(text);
}
END_TEST

/* test_status_malformed - status reports a malformed master.cf once */
START_TEST(test_status_malformed)
{
    const struct bad_case *bc = &bad_cases[_i];
    struct ctx c;
    struct run r;
    char want[PATH_MAX + 64], *text;
    size_t len;

    need();
    text = bad_text(_i, &len);
    ctx_new(&c, "stmalformed", "compatibility_level = 0\n", text, len);
    snprintf(want, sizeof(want), "postfix-chroot: error: %s: %s", c.mcf,
	     bc->msg);
    pfc(&c, &r, "status", NULL);
    expect_status(&r, 1);
    ck_assert_msg(
	strstr(r.err, want) != NULL && count_str(r.err, "error: ") == 1,
	"%s: status: got stderr \"%.1000s\", want one error \"%s...\" "
	"(problems are logged once)",
	bc->name, r.err, want);
    run_free(&r);
    free(text);
}
END_TEST

/* test_bad_record - a malformed record: a warning naming it, disable
 * writes n */
START_TEST(test_bad_record)
{
    static const char in[] = "smtp inet n - - - - smtpd\n"
			     "cleanup unix n - n - 0 cleanup\n";
    struct ctx c;
    struct run r;
    char rec[PATH_MAX], want[PATH_MAX + 64];

    need();
    ctx_new(&c, "badrecord", "compatibility_level = 3.6\n", in, strlen(in));
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    run_free(&r);
    ck_assert_msg(record_path(&c, rec, sizeof(rec)),
		  "got no record in %s, want one", c.state);
    tu_write_str(rec, "garbage\n");
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    file_is(c.mcf,
	    "smtp inet n - n - - smtpd\ncleanup unix n - n - 0 cleanup\n",
	    strlen(in), "disable with a malformed record");
    snprintf(want, sizeof(want),
	     "postfix-chroot: warning: %s: line 1: malformed", rec);
    ck_assert_msg(strstr(r.err, want) != NULL,
		  "got stderr \"%.1000s\", want \"%s...\" (the record named "
		  "once, as a path)",
		  r.err, want);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* enable runs update; nothing else is run                             */
/* ------------------------------------------------------------------ */

/* test_enable_updates - on a root with no chrooted service, enable
 * makes the jail; disable leaves it */
START_TEST(test_enable_updates)
{
    static const char *const etc[] = {"hosts", "resolv.conf", "services",
				      "host.conf", "nsswitch.conf"};
    char jf[PATH_MAX], hf[PATH_MAX], jetc[PATH_MAX];
    struct ctx c;
    struct run r;
    size_t i;

    need();
    ctx_root(&c, "update", "debian", "--no-chroot");
    tu_pathf(jetc, sizeof(jetc), "%s/etc", c.jail);

    /* Nothing chrooted: update leaves the jail alone. */
    pfc(&c, &r, "update", NULL);
    expect_ok(&r);
    absent(jetc, "update with no chrooted service");
    run_free(&r);

    /* A refused enable does not update either. */
    pfc(&c, &r, "enable", "local/unix", NULL);
    expect_status(&r, 1);
    absent(jetc, "refused enable");
    run_free(&r);

    pfc(&c, &r, "enable", "smtp/inet", NULL);
    expect_ok(&r);
    ck_assert_msg(strstr(r.err, "postfix-chroot: smtp/inet: chroot "),
		  "enable smtp/inet: stderr:\n%s", r.err);
    ck_assert_msg(strstr(r.err, "postfix-chroot: added etc/hosts\n"),
		  "enable: got stderr\n%.3000s\nwant \"added etc/hosts\"",
		  r.err);
    for (i = 0; i < sizeof(etc) / sizeof(etc[0]); i++) {
	tu_pathf(jf, sizeof(jf), "%s/etc/%s", c.jail, etc[i]);
	tu_pathf(hf, sizeof(hf), "%s/etc/%s", c.root, etc[i]);
	ck_assert_msg(tu_exists(jf) && tu_hash(jf) == tu_hash(hf),
		      "after enable: %s: got %s, want a copy of %s", jf,
		      tu_exists(jf) ? "other bytes" : "nothing", hf);
    }
    run_free(&r);

    /* A second enable: nothing changes, update is quiet. */
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    run_free(&r);
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    ck_assert_msg(r.err[0] == 0, "needless enable: got stderr\n%s, want none",
		  r.err);
    run_free(&r);

    /* disable leaves the jail as it is. */
    pfc(&c, &r, "disable", NULL);
    expect_ok(&r);
    tu_pathf(jf, sizeof(jf), "%s/etc/hosts", c.jail);
    ck_assert_msg(tu_exists(jf), "disable removed %s", jf);
    ck_assert_msg(strstr(r.err, "added ") == NULL &&
		      strstr(r.err, "removed ") == NULL,
		  "disable touched the jail:\n%s", r.err);
    run_free(&r);
}
END_TEST

/* execs_allowed - every execve in TRACE is the program or postconf
 * (ALLOW_POSTCONF); the program ran */
static void
execs_allowed(const char *trace, int allow_postconf, const char *what)
{
    char *buf = tu_read(trace, NULL), *line, *next, *p;
    int progs = 0;

    ck_assert_msg(buf != NULL, "%s: no strace output %s", what, trace);
    for (line = buf; *line; line = next) {
	next = strchr(line, '\n');
	if (next)
	    *next++ = 0;
	else
	    next = line + strlen(line);
	if ((p = strstr(line, "execve(\"")) == NULL)
	    continue;
	p += 8;
	p[strcspn(p, "\"")] = 0;
	if (strcmp(p, prog()) == 0)
	    progs++;
	else
	    ck_assert_msg(allow_postconf && strcmp(p, POSTCONF) == 0,
			  "%s: got an execve of %s, want only %s%s", what, p,
			  prog(), allow_postconf ? " and " POSTCONF : "");
    }
    ck_assert_msg(progs == 1, "%s: got %d execve of the program, want 1", what,
		  progs);
    free(buf);
}

/* test_no_reload - strace: the program runs nothing but postconf */
START_TEST(test_no_reload)
{
    static const char *const cmds[][3] = {
	{"enable", NULL}, {"disable", NULL}, {"enable", "smtp/inet"},
	{"-n", "enable"}, {"status", NULL},  {"disable", "smtp/inet"}};
    char trace[PATH_MAX], what[128];
    struct ctx c, rc;
    struct run r;
    size_t i;
    char *orig;
    size_t len;

    need();
    need_tool(STRACE, "strace");
    orig = load_stock("postfix-3.8-upstream.cf", &len);
    ctx_new(&c, "strace", "compatibility_level = 3.6\n", orig, len);
    ctx_root(&rc, "straceroot", "debian", NULL);
    tu_pathf(trace, sizeof(trace), "%s/trace", c.dir);
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
	snprintf(what, sizeof(what), "-c: %s %s", cmds[i][0],
		 cmds[i][1] ? cmds[i][1] : "");
	pfc_traced(&c, trace, &r, cmds[i][0], cmds[i][1], NULL);
	expect_status(&r, 0);
	execs_allowed(trace, 1, what);
	run_free(&r);

	/* Under --root nothing of the root or the host is run. */
	snprintf(what, sizeof(what), "--root: %s %s", cmds[i][0],
		 cmds[i][1] ? cmds[i][1] : "");
	pfc_traced(&rc, trace, &r, cmds[i][0], cmds[i][1], NULL);
	expect_status(&r, 0);
	execs_allowed(trace, 0, what);
	run_free(&r);
    }
    free(orig);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The lock                                                            */
/* ------------------------------------------------------------------ */

/* hold_lock - a child that takes Postfix's lock on master.cf (flock on
 * master.cf.tmp) and keeps it for SECS seconds; returns once it holds it */
static pid_t
hold_lock(const struct ctx *c, double secs)
{
    struct timespec nap;
    int p[2];
    char ch;
    pid_t pid;

    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s", strerror(errno));
    if (pid == 0) {
	int fd = open(c->tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	close(p[0]);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
	    _exit(1);
	if (write(p[1], "x", 1) != 1)
	    _exit(1);
	nap.tv_sec = (time_t)secs;
	nap.tv_nsec = (long)((secs - (double)nap.tv_sec) * 1e9);
	while (nanosleep(&nap, &nap) < 0 && errno == EINTR)
	    /* void */;
	_exit(0);
    }
    close(p[1]);
    ck_assert_msg(read(p[0], &ch, 1) == 1,
		  "lock holder: got no signal, want the lock taken");
    close(p[0]);
    return (pid);
}

/* reap - end the lock holder PID (started by this test) */
static void
reap(pid_t pid)
{
    int st;

    (void)kill(pid, SIGKILL);
    (void)waitpid(pid, &st, 0);
}

/* test_lock_busy - another editor holds the lock: exit 75 in time */
START_TEST(test_lock_busy)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    double bound = (MCEDIT_LOCK_TIMEOUT_MS / 1000.0 + 5.0) * tu_time_scale();
    struct fstate fs;
    struct ctx c;
    struct run r;
    pid_t holder;

    need();
    ctx_new(&c, "lock", "compatibility_level = 3.6\n", in, strlen(in));
    fstate_get(c.mcf, &fs);
    holder = hold_lock(&c, 3 * bound);

    pfc(&c, &r, "enable", NULL);
    ck_assert_msg(r.status == 75 && r.secs <= bound,
		  "%s with the lock held: got exit %d after %.2f s, want 75 "
		  "within %.1f s; stderr: %s",
		  r.cmd, r.status, r.secs, bound, r.err);
    ck_assert_msg(strstr(r.err, "master.cf.tmp") && strstr(r.err, "locked") &&
		      strstr(r.err, c.etc),
		  "lock busy: got stderr \"%s\", want the lock file named",
		  r.err);
    fstate_same(c.mcf, &fs, "lock busy");
    absent(c.bak, "lock busy");
    ck_assert_msg(tu_exists(c.tmp),
		  "lock busy: the other editor's %s was removed", c.tmp);
    ck_assert_msg(tu_count_entries(c.jail, "") == 0,
		  "lock busy: the jail was updated");
    run_free(&r);

    /* A dry run takes no lock: it answers at once. */
    pfc(&c, &r, "-n", "enable", NULL);
    ck_assert_msg(r.status == 0 && r.secs < 5.0 * tu_time_scale() &&
		      strstr(r.out, "+smtp inet n - y - - smtpd\n"),
		  "dry run with the lock held: got exit %d after %.2f s, "
		  "stdout \"%s\"",
		  r.status, r.secs, r.out);
    fstate_same(c.mcf, &fs, "dry run with the lock held");
    run_free(&r);

    /* Released: enable goes through and removes the lock file. */
    reap(holder);
    pfc(&c, &r, "enable", NULL);
    expect_ok(&r);
    file_is(c.mcf, "smtp inet n - y - - smtpd\n", strlen(in),
	    "enable after the lock was released");
    absent(c.tmp, "enable after the lock was released");
    run_free(&r);
    fstate_free(&fs);
}
END_TEST

/* test_lock_released - a lock released during the wait: enable waits
 * for it and goes through */
START_TEST(test_lock_released)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    struct ctx c;
    struct run r;
    pid_t holder;

    need();
    ctx_new(&c, "lockrel", "compatibility_level = 3.6\n", in, strlen(in));
    holder = hold_lock(&c, 1.5);
    pfc(&c, &r, "enable", NULL);
    ck_assert_msg(
	r.status == 0 && r.secs >= 1.0 &&
	    r.secs < MCEDIT_LOCK_TIMEOUT_MS / 1000.0 * tu_time_scale(),
	"%s, lock released after 1.5 s: got exit %d after %.2f s, "
	"want 0 after 1.0-%.0f s; stderr: %s",
	r.cmd, r.status, r.secs, MCEDIT_LOCK_TIMEOUT_MS / 1000.0, r.err);
    file_is(c.mcf, "smtp inet n - y - - smtpd\n", strlen(in),
	    "enable after waiting for the lock");
    absent(c.tmp, "enable after waiting for the lock");
    run_free(&r);
    reap(holder);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The suite                                                           */
/* ------------------------------------------------------------------ */

/* name_cmp - qsort by name */
static int
name_cmp(const void *a, const void *b)
{
    return (strcmp(a, b));
}

/* find_stock - the *.cf files of tests/data/mastercf, sorted */
static void
find_stock(void)
{
    char dir[PATH_MAX];
    struct dirent *de;
    DIR *d;

    nstock = 0;
    snprintf(dir, sizeof(dir), "%s/data/mastercf", tests_dir());
    if ((d = opendir(dir)) == NULL)
	return;
    while ((de = readdir(d)) != NULL && nstock < MAX_STOCK) {
	size_t l = strlen(de->d_name);

	if (l > 3 && !strcmp(de->d_name + l - 3, ".cf"))
	    snprintf(stock[nstock++], sizeof(stock[0]), "%s", de->d_name);
    }
    closedir(d);
    qsort(stock, nstock, sizeof(stock[0]), name_cmp);
}

/* test_have_stock - the stock files were found */
START_TEST(test_have_stock)
{
    ck_assert_msg(nstock >= 4,
		  "%s/data/mastercf: got %zu stock files, want at least 4 "
		  "(set PFC_TESTS)",
		  tests_dir(), nstock);
}
END_TEST

/* setup - the TCase directory */
static void
setup(void)
{
    tu_top_setup_named("check_enable");
}

/* enable_suite - the suite for the runner */
Suite *
enable_suite(void)
{
    Suite *s = suite_create("enable");
    int ns, nd = (int)(sizeof(dash_cases) / sizeof(dash_cases[0]));
    TCase *tc;

    find_stock();
    ns = (int)nstock;

    tc = tcase_create("stock");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_have_stock);
    tcase_add_loop_test(tc, test_stock_cycle, 0, ns);
    tcase_add_loop_test(tc, test_stock_named, 0, ns);
    tcase_add_loop_test(tc, test_stock_dash, 0, ns * nd);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracle");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_oracle, 0, ns);
    tcase_add_test(tc, test_oracle_unusual);
    tcase_add_test(tc, test_c10);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_c11);
    tcase_add_loop_test(tc, test_dry_run, 0, ns + (int)NDRY);
    tcase_add_test(tc, test_dry_run_nothing);
    tcase_add_loop_test(tc, test_bad_names, 0,
			sizeof(name_cases) / sizeof(name_cases[0]));
    tcase_add_loop_test(tc, test_never_conf, 0,
			sizeof(never_cases) / sizeof(never_cases[0]));
    tcase_add_loop_test(tc, test_malformed, 0, NBAD);
    tcase_add_loop_test(tc, test_status_malformed, 0, NBAD);
    tcase_add_test(tc, test_bad_record);
    tcase_add_test(tc, test_enable_updates);
    tcase_add_test(tc, test_no_reload);
    suite_add_tcase(s, tc);

    tc = tcase_create("lock");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_lock_busy);
    tcase_add_test(tc, test_lock_released);
    suite_add_tcase(s, tc);
    return (s);
}
