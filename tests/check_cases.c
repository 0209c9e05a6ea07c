/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_cases - the field cases, run against the real program
 * SUMMARY
 *	Every test builds a fresh fake system root with
 *	tests/fixtures/mkroot.sh (real ELF objects compiled on the spot), runs
 *	$PFC_PROG --root ROOT on it and inspects the jail ROOT/var/spool/postfix
 *	byte by byte.
 * DESCRIPTION
 *	cases_suite() holds one or more tests for each field case C1-C9, C12,
 *	C13 and C14 of the shared case list, plus --dry-run, remove and the
 *	"no chrooted service" rule.  The expected jail of each layout (rh7,
 *	rh9, debian, live) is a table of paths, types and link texts; on top
 *	of the exact listing every jail is checked for ownership, modes, byte
 *	equality with the host file after following symlinks, links that
 *	resolve inside the jail, and DT_NEEDED libraries reachable through
 *	the loader's system directories inside the jail.
 *
 *	Environment: PFC_PROG (the program), PFC_TESTS (this directory), both
 *	set by "make unit"; CC for the fixtures (default cc).
 *
 *	Temporary trees live below a directory under /var/tmp made by the
 *	unchecked fixture of each test case and removed by its teardown.
 * DIAGNOSTICS
 *	Failures say "got X, want Y" and list every difference at once.
 * SECURITY
 *	The tests need root (root-owned trees, chroot, security.selinux
 *	xattrs); run as another user they fail with a message saying so.
 *	Nothing outside the temporary directory is written; lookups run in
 *	an empty network namespace and never reach a resolver.
 * BUGS
 *	Linux x86_64 with glibc only, like the fixtures.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "testutil.h"

#define CASES_TIMEOUT 300           /* seconds per test */
#define JAIL_FSYNC_MAX_TEST 4       /* src/jail.h: syncfs for more files */
#define MAX_FILE (16 * 1024 * 1024) /* largest file a test reads */
#define SPOOL "/var/spool/postfix"  /* queue_directory of every root */

/* Made by the unchecked fixture; each test makes its own directory in it. */
static char cases_top[PATH_MAX];

/* Memory that lives until the running test ends; see keep(). */
static void **kept;
static size_t kept_n;
static size_t kept_cap;

/* ------------------------------------------------------------------ */
/* Small utilities                                                    */
/* ------------------------------------------------------------------ */

/* A growable string for diagnostics. */
struct sbuf {
    char *s;
    size_t len;
    size_t cap;
};

/* sb_printf - append formatted text */
static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
	size_t room = b->cap - b->len;

	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	if (b->s && (size_t)n < room) {
	    b->len += (size_t)n;
	    return;
	}
	b->cap = b->cap * 2 + (size_t)n + 256;
	b->s = realloc(b->s, b->cap);
	ck_assert_ptr_nonnull(b->s);
	if (b->len == 0)
	    b->s[0] = 0;
    }
}

/*
 * keep - remember P for kept_free(), the checked teardown, and return it.
 * For strings used inline, such as a path built inside an assertion.
 */
static void *
keep(void *p)
{
    if (kept_n == kept_cap) {
	kept_cap = kept_cap * 2 + 16;
	kept = realloc(kept, kept_cap * sizeof(*kept));
	ck_assert_ptr_nonnull(kept);
    }
    kept[kept_n++] = p;
    return (p);
}

/* kept_free - free everything keep() remembered during the test */
static void
kept_free(void)
{
    while (kept_n > 0)
	free(kept[--kept_n]);
    free(kept);
    kept = NULL;
    kept_cap = 0;
}

/* sb_str - the text so far, never NULL */
static const char *
sb_str(const struct sbuf *b)
{
    return (b->s ? b->s : "");
}

/* bprintf - snprintf that fails the test instead of truncating */
static void __attribute__((format(printf, 3, 4)))
bprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    ck_assert_msg(n >= 0 && (size_t)n < size, "path too long: %s", buf);
}

/* xpath - join a directory and a relative path into a static-free buffer */
static char *
xpath(const char *a, const char *b)
{
    char *p;

    ck_assert_int_ge(asprintf(&p, "%s/%s", a, b), 0);
    return (p);
}

/* read_all - whole file, NUL-terminated; NULL with errno on failure */
static char *
read_all(const char *path, size_t *lenp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t n;

    if (fd < 0)
	return (NULL);
    for (;;) {
	if (cap - len < 4096) {
	    cap = cap * 2 + 8192;
	    ck_assert_uint_le(cap, MAX_FILE);
	    buf = realloc(buf, cap);
	    ck_assert_ptr_nonnull(buf);
	}
	n = read(fd, buf + len, cap - len - 1);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    free(buf);
	    close(fd);
	    return (NULL);
	}
	if (n == 0)
	    break;
	len += (size_t)n;
    }
    close(fd);
    buf[len] = 0;
    if (lenp)
	*lenp = len;
    return (buf);
}

/* write_file - replace PATH with TEXT, mode 0644 */
static void
write_file(const char *path, const char *text)
{
    FILE *fp;

    (void)unlink(path);
    fp = fopen(path, "w");
    ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
    ck_assert_int_eq(chmod(path, 0644), 0);
}

/* files_equal - same bytes; both opened following symlinks */
static int
files_equal(const char *a, const char *b)
{
    size_t la, lb;
    char *x = read_all(a, &la);
    char *y = read_all(b, &lb);
    int same = (x && y && la == lb && memcmp(x, y, la) == 0);

    free(x);
    free(y);
    return (same);
}

/* count_lines - lines in TEXT (a last line without newline counts) */
static size_t
count_lines(const char *text)
{
    size_t n = 0;

    for (; *text; text++)
	if (*text == '\n' || text[1] == 0)
	    n++;
    return (n);
}

/* has_line - TEXT holds LINE as a whole line */
static int
has_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    const char *p = text;

    while ((p = strstr(p, line)) != NULL) {
	if ((p == text || p[-1] == '\n') && (p[len] == '\n' || p[len] == 0))
	    return (1);
	p++;
    }
    return (0);
}

/* count_line - how many whole lines of TEXT equal LINE */
static size_t
count_line(const char *text, const char *line)
{
    size_t len = strlen(line), n = 0;
    const char *p = text;

    while ((p = strstr(p, line)) != NULL) {
	if ((p == text || p[-1] == '\n') && (p[len] == '\n' || p[len] == 0))
	    n++;
	p++;
    }
    return (n);
}

/* lines_with - how many lines of TEXT contain WORD */
static size_t
lines_with(const char *text, const char *word)
{
    size_t n = 0;
    const char *line = text, *end;

    while (*line) {
	end = strchr(line, '\n');
	if (end == NULL)
	    end = line + strlen(line);
	if (memmem(line, (size_t)(end - line), word, strlen(word)))
	    n++;
	line = *end ? end + 1 : end;
    }
    return (n);
}

/* ------------------------------------------------------------------ */
/* Running programs                                                   */
/* ------------------------------------------------------------------ */

struct run {
    int status; /* exit status, 128 + signal if killed */
    char *out;  /* stdout */
    char *err;  /* stderr */
};

/* slurp - the contents of a temporary file */
static char *
slurp(FILE *fp)
{
    char *buf;
    long len;

    ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    ck_assert_int_ge(len, 0);
    rewind(fp);
    buf = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)len, fp), (size_t)len);
    buf[len] = 0;
    fclose(fp);
    return (buf);
}

/* The descriptor spawn() gives as stdin instead of /dev/null, when >= 0. */
static int spawn_stdin = -1;

/* spawn - run ARGV with umask MASK, stdin /dev/null, capture its output */
static void
spawn(const char *const argv[], mode_t mask, struct run *r)
{
    FILE *out = tmpfile(), *err = tmpfile();
    pid_t pid;
    int st;

    ck_assert_msg(out && err, "tmpfile: %s", strerror(errno));
    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
	int nul = spawn_stdin >= 0 ? spawn_stdin : open("/dev/null", O_RDONLY);

	umask(mask);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(fileno(out), 1) < 0 ||
	    dup2(fileno(err), 2) < 0)
	    _exit(126);
	execv(argv[0], (char *const *)argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
	ck_assert_int_eq(errno, EINTR);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(out);
    r->err = slurp(err);
}

/* run_free - release captured output */
static void
run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ------------------------------------------------------------------ */
/* The fake root and the program                                      */
/* ------------------------------------------------------------------ */

struct fx {
    const char *layout;
    char dir[PATH_MAX];    /* private directory of the test */
    char root[PATH_MAX];   /* fake system root */
    char jail[PATH_MAX];   /* ROOT/var/spool/postfix */
    char state[PATH_MAX];  /* ROOT/var/lib/postfix-chroot */
    char libdir[PATH_MAX]; /* jail-relative library directory */
};

/* need_root - fail, not skip, when the tests cannot do their work */
static void
need_root(void)
{
    ck_assert_msg(geteuid() == 0,
		  "the field-case tests need root (root-owned trees, "
		  "chroot, security.selinux): run them as root");
}

/* env_path - a required environment variable naming an existing path */
static const char *
env_path(const char *name)
{
    const char *v = getenv(name);

    ck_assert_msg(v != NULL && *v == '/',
		  "%s is not set to an absolute path; run the suite with "
		  "\"make unit\" or \"make cases\"",
		  name);
    ck_assert_msg(access(v, F_OK) == 0, "%s=%s: %s (is it built?)", name, v,
		  strerror(errno));
    return (v);
}

/* mkroot - run the fixture script on DIR with options (NULL-terminated) */
static void
mkroot(const char *layout, const char *dir, const char *const opts[])
{
    const char *argv[16];
    struct run r;
    size_t n = 0;
    char *script = xpath(env_path("PFC_TESTS"), "fixtures/mkroot.sh");

    argv[n++] = "/bin/sh";
    argv[n++] = script;
    argv[n++] = layout;
    argv[n++] = dir;
    while (opts && *opts && n < 15)
	argv[n++] = *opts++;
    argv[n] = NULL;
    spawn(argv, 022, &r);
    ck_assert_msg(r.status == 0, "mkroot.sh %s %s: exit %d\n%s%s", layout, dir,
		  r.status, r.out, r.err);
    run_free(&r);
    free(script);
}

/* fx_new - a fresh root of LAYOUT, with mkroot.sh options OPTS */
static void
fx_new(struct fx *f, const char *layout, const char *const opts[])
{
    need_root();
    (void)env_path("PFC_PROG");
    ck_assert_msg(cases_top[0], "no temporary directory");
    memset(f, 0, sizeof(*f));
    f->layout = layout;
    bprintf(f->dir, sizeof(f->dir), "%s/%s.XXXXXX", cases_top, layout);
    ck_assert_msg(mkdtemp(f->dir) != NULL, "mkdtemp: %s", strerror(errno));
    bprintf(f->root, sizeof(f->root), "%s/root", f->dir);
    bprintf(f->jail, sizeof(f->jail), "%s" SPOOL, f->root);
    bprintf(f->state, sizeof(f->state), "%s/var/lib/postfix-chroot", f->root);
    bprintf(f->libdir, sizeof(f->libdir), "%s",
	    strcmp(layout, "rh7") == 0 || strcmp(layout, "rh9") == 0
		? "usr/lib64"
		: "usr/lib/x86_64-linux-gnu");
    mkroot(layout, f->root, opts);
}

/* tool_v - run PFC_PROG --root ROOT ARGS with umask MASK */
static void
tool_v(struct fx *f, mode_t mask, struct run *r, va_list ap)
{
    const char *argv[32];
    const char *a;
    size_t n = 0;

    argv[n++] = env_path("PFC_PROG");
    argv[n++] = "--root";
    argv[n++] = f->root;
    while ((a = va_arg(ap, const char *)) != NULL && n < 31)
	argv[n++] = a;
    argv[n] = NULL;
    spawn(argv, mask, r);
}

/* tool - run the program; arguments end with NULL */
static void
tool(struct fx *f, struct run *r, ...)
{
    va_list ap;

    va_start(ap, r);
    tool_v(f, 022, r, ap);
    va_end(ap);
}

/* tool_umask - run the program with another umask */
static void
tool_umask(struct fx *f, mode_t mask, struct run *r, ...)
{
    va_list ap;

    va_start(ap, r);
    tool_v(f, mask, r, ap);
    va_end(ap);
}

#define TOOL(f, r, ...) tool((f), (r), __VA_ARGS__, (const char *)NULL)

/* expect_exit - assert the exit status, showing the output when wrong */
#define expect_exit(r, want, what)                                             \
    ck_assert_msg((r)->status == (want),                                       \
		  "%s: got exit %d, want %d\nstdout:\n%s\nstderr:\n%s",        \
		  (what), (r)->status, (want), (r)->out, (r)->err)

/* update_ok - run update, assert exit 0, return its output */
static void
update_ok(struct fx *f, struct run *r)
{
    TOOL(f, r, "update");
    expect_exit(r, 0, "update");
}

/* check_clean - check must exit 0 and print nothing */
static void
check_clean(struct fx *f)
{
    struct run r;

    TOOL(f, &r, "check");
    expect_exit(&r, 0, "check on a clean jail");
    ck_assert_msg(r.out[0] == 0, "check on a clean jail printed:\n%s", r.out);
    run_free(&r);
}

/* ------------------------------------------------------------------ */
/* Walking a tree                                                     */
/* ------------------------------------------------------------------ */

struct entry {
    char *rel; /* path relative to the tree's top */
    struct stat st;
    char *target; /* link text of a symlink */
};

struct tree {
    struct entry *v;
    size_t n;
    size_t cap;
};

/* tree_walk_dir - add everything below TOP/REL */
static void
tree_walk_dir(const char *top, const char *rel, struct tree *t)
{
    char *dirpath = rel[0] ? xpath(top, rel) : strdup(top);
    DIR *d = opendir(dirpath);
    struct dirent *de;

    ck_assert_msg(d != NULL, "%s: %s", dirpath, strerror(errno));
    while ((de = readdir(d)) != NULL) {
	struct entry *e;
	char *full;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	if (t->n == t->cap) {
	    t->cap = t->cap * 2 + 64;
	    t->v = realloc(t->v, t->cap * sizeof(*t->v));
	    ck_assert_ptr_nonnull(t->v);
	}
	e = &t->v[t->n++];
	e->rel = rel[0] ? xpath(rel, de->d_name) : strdup(de->d_name);
	full = xpath(top, e->rel);
	ck_assert_msg(lstat(full, &e->st) == 0, "%s: %s", full,
		      strerror(errno));
	e->target = NULL;
	if (S_ISLNK(e->st.st_mode)) {
	    char buf[PATH_MAX];
	    ssize_t n = readlink(full, buf, sizeof(buf) - 1);

	    ck_assert_int_ge(n, 0);
	    buf[n] = 0;
	    e->target = strdup(buf);
	} else if (S_ISDIR(e->st.st_mode)) {
	    char *sub = strdup(e->rel);

	    tree_walk_dir(top, sub, t); /* may move t->v */
	    free(sub);
	}
	free(full);
    }
    closedir(d);
    free(dirpath);
}

/* entry_cmp - order entries by path */
static int
entry_cmp(const void *a, const void *b)
{
    return (
	strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel));
}

/* tree_walk - every entry below TOP (not TOP itself), sorted */
static void
tree_walk(const char *top, struct tree *t)
{
    memset(t, 0, sizeof(*t));
    tree_walk_dir(top, "", t);
    if (t->n > 0) /* an empty tree has no array */
	qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
}

/* tree_find - the entry for REL, or NULL */
static const struct entry *
tree_find(const struct tree *t, const char *rel)
{
    size_t i;

    for (i = 0; i < t->n; i++)
	if (strcmp(t->v[i].rel, rel) == 0)
	    return (&t->v[i]);
    return (NULL);
}

/* tree_free - release a walk */
static void
tree_free(struct tree *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
	free(t->v[i].rel);
	free(t->v[i].target);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}

/* type_char - d, f, l or ? for an entry */
static char
type_char(mode_t m)
{
    return (S_ISDIR(m) ? 'd' : S_ISREG(m) ? 'f' : S_ISLNK(m) ? 'l' : '?');
}

/* tree_same - nothing added, removed, replaced, rewritten or re-stamped */
static void
tree_same(const struct tree *a, const struct tree *b, const char *what,
	  const char *const ignore_suffix)
{
    struct sbuf msg = {0};
    size_t i;

    for (i = 0; i < a->n; i++) {
	const struct entry *x = &a->v[i], *y = tree_find(b, x->rel);

	if (ignore_suffix && strstr(x->rel, ignore_suffix))
	    continue;
	if (y == NULL) {
	    sb_printf(&msg, "  %s: removed\n", x->rel);
	    continue;
	}
	if (x->st.st_ino != y->st.st_ino)
	    sb_printf(&msg, "  %s: inode %lu -> %lu\n", x->rel,
		      (unsigned long)x->st.st_ino, (unsigned long)y->st.st_ino);
	if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec ||
	    x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
	    sb_printf(&msg, "  %s: mtime changed\n", x->rel);
	if (x->st.st_ctim.tv_sec != y->st.st_ctim.tv_sec ||
	    x->st.st_ctim.tv_nsec != y->st.st_ctim.tv_nsec)
	    sb_printf(&msg, "  %s: ctime changed (chmod, chown, relabel?)\n",
		      x->rel);
    }
    for (i = 0; i < b->n; i++)
	if (tree_find(a, b->v[i].rel) == NULL &&
	    !(ignore_suffix && strstr(b->v[i].rel, ignore_suffix)))
	    sb_printf(&msg, "  %s: added\n", b->v[i].rel);
    ck_assert_msg(msg.len == 0, "%s changed the tree:\n%s", what, sb_str(&msg));
    free(msg.s);
}

/* ------------------------------------------------------------------ */
/* Looking at the jail from inside                                    */
/* ------------------------------------------------------------------ */

/*
 * jail_realpath - realpath(PATH) as a process chrooted into JAIL sees it.
 * Returns 0 and fills OUT, or -1 when PATH does not resolve (a dangling or
 * missing link, or a component that leaves the jail's tree).
 */
static int
jail_realpath(const char *jail, const char *path, char out[PATH_MAX])
{
    int fds[2];
    pid_t pid;
    int st;
    ssize_t n;

    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
	char buf[PATH_MAX];

	close(fds[0]);
	if (chroot(jail) != 0 || chdir("/") != 0)
	    _exit(2);
	if (realpath(path, buf) == NULL)
	    _exit(1);
	if (write(fds[1], buf, strlen(buf)) < 0)
	    _exit(2);
	_exit(0);
    }
    close(fds[1]);
    n = read(fds[0], out, PATH_MAX - 1);
    close(fds[0]);
    while (waitpid(pid, &st, 0) < 0)
	ck_assert_int_eq(errno, EINTR);
    ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 2), "chroot(%s) failed",
		  jail);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || n <= 0)
	return (-1);
    out[n] = 0;
    return (0);
}

/* get16, get32, get64 - little-endian fields of an ELF file */
static uint64_t
getle(const unsigned char *p, int n)
{
    uint64_t v = 0;

    while (n-- > 0)
	v = (v << 8) | p[n];
    return (v);
}

/*
 * elf_needed - the DT_NEEDED names of a 64-bit little-endian ELF file,
 * read with a parser of our own, independent of the program's, and its
 * DT_RUNPATH (or DT_RPATH) in *RUNPATH, NULL if none.  Returns the number
 * of names (at most MAX), or -1 when BUF is not such a file.
 */
static int
elf_needed(const unsigned char *buf, size_t len, const char **names, int max,
	   const char **runpath)
{
    uint64_t phoff, dynoff = 0, dynsz = 0, strtab = 0, stroff = 0;
    unsigned phnum, phentsize, i;
    int n = 0;

    *runpath = NULL;
    if (len < 64 || memcmp(buf, "\177ELF\2\1", 6) != 0)
	return (-1);
    phoff = getle(buf + 32, 8);
    phentsize = (unsigned)getle(buf + 54, 2);
    phnum = (unsigned)getle(buf + 56, 2);
    if (phoff + (uint64_t)phnum * phentsize > len)
	return (-1);
    for (i = 0; i < phnum; i++) {
	const unsigned char *ph = buf + phoff + i * phentsize;

	if (getle(ph, 4) == 2) { /* PT_DYNAMIC */
	    dynoff = getle(ph + 8, 8);
	    dynsz = getle(ph + 32, 8);
	}
    }
    if (dynoff == 0 || dynoff + dynsz > len)
	return (-1);
    for (i = 0; i + 16 <= dynsz; i += 16) /* DT_STRTAB */
	if (getle(buf + dynoff + i, 8) == 5)
	    strtab = getle(buf + dynoff + i + 8, 8);
    for (i = 0; i < phnum; i++) { /* its file offset, via PT_LOAD */
	const unsigned char *ph = buf + phoff + i * phentsize;
	uint64_t va = getle(ph + 16, 8), fsz = getle(ph + 32, 8);

	if (getle(ph, 4) == 1 && strtab >= va && strtab < va + fsz)
	    stroff = strtab - va + getle(ph + 8, 8);
    }
    if (stroff == 0 || stroff >= len)
	return (-1);
    for (i = 0; i + 16 <= dynsz && n < max; i += 16) {
	uint64_t tag = getle(buf + dynoff + i, 8);
	uint64_t val = getle(buf + dynoff + i + 8, 8);

	if (tag == 0)
	    break;
	if (stroff + val >= len ||
	    memchr(buf + stroff + val, 0, len - stroff - val) == NULL)
	    continue;
	if (tag == 1)
	    names[n++] = (const char *)buf + stroff + val;
	else if (tag == 29 || (tag == 15 && *runpath == NULL))
	    *runpath = (const char *)buf + stroff + val;
    }
    return (n);
}

/* Loader system directories: Red Hat and Debian x86_64 (NOTES 1). */
static const char *const rh_sysdirs[] = {"/lib64", "/usr/lib64", NULL};
static const char *const deb_sysdirs[] = {"/lib/x86_64-linux-gnu",
					  "/usr/lib/x86_64-linux-gnu", "/lib",
					  "/usr/lib", NULL};

/* fx_sysdirs - the loader's directories for the layout of F */
static const char *const *
fx_sysdirs(const struct fx *f)
{
    return (strcmp(f->libdir, "usr/lib64") == 0 ? rh_sysdirs : deb_sysdirs);
}

/* skipped_lib - libc and the loader: mapped before chroot, never copied */
static int
skipped_lib(const char *name)
{
    return (strcmp(name, "libc.so.6") == 0 ||
	    strncmp(name, "ld-linux", 8) == 0);
}

/*
 * needed_found - NAME, needed by jail object REL with run path RUNPATH, is
 * found inside the jail where the loader would look: the run path (with
 * $ORIGIN the object's jail directory), then the system directories.
 */
static int
needed_found(const struct fx *f, const char *rel, const char *runpath,
	     const char *name)
{
    char res[PATH_MAX], *rp, *dir, *save = NULL, *origin, *p;
    const char *const *d;
    int ok = 0;

    ck_assert_int_ge(asprintf(&origin, "/%s", rel), 0);
    *strrchr(origin, '/') = 0;
    rp = strdup(runpath ? runpath : "");
    for (dir = strtok_r(rp, ":", &save); dir && !ok;
	 dir = strtok_r(NULL, ":", &save)) {
	if (strncmp(dir, "$ORIGIN", 7) == 0)
	    ck_assert_int_ge(asprintf(&p, "%s%s/%s", origin, dir + 7, name), 0);
	else
	    p = xpath(dir, name);
	ok = jail_realpath(f->jail, p, res) == 0;
	free(p);
    }
    for (d = fx_sysdirs(f); *d && !ok; d++) {
	p = xpath(*d, name);
	ok = jail_realpath(f->jail, p, res) == 0;
	free(p);
    }
    free(rp);
    free(origin);
    return (ok);
}

/*
 * jail_assert_needed - every DT_NEEDED library of every shared object in
 * the jail (except libc and the loader) is found, inside the jail, through
 * its run path or in one of the loader's system directories: what
 * dlopen() after chroot needs.
 */
static void
jail_assert_needed(const struct fx *f)
{
    struct tree t;
    struct sbuf msg = {0};
    size_t i;
    int nelf = 0;

    tree_walk(f->jail, &t);
    for (i = 0; i < t.n; i++) {
	const char *names[64], *runpath;
	char *full, *buf;
	size_t len;
	int n, k;

	if (!S_ISREG(t.v[i].st.st_mode))
	    continue;
	full = xpath(f->jail, t.v[i].rel);
	buf = read_all(full, &len);
	ck_assert_ptr_nonnull(buf);
	n = elf_needed((unsigned char *)buf, len, names, 64, &runpath);
	if (n >= 0)
	    nelf++;
	for (k = 0; k < n; k++) {
	    if (skipped_lib(names[k]))
		continue;
	    if (!needed_found(f, t.v[i].rel, runpath, names[k]))
		sb_printf(&msg, "  %s NEEDs %s: not reachable in the jail\n",
			  t.v[i].rel, names[k]);
	}
	free(buf);
	free(full);
    }
    ck_assert_msg(msg.len == 0, "%s jail: unresolved dependencies:\n%s",
		  f->layout, sb_str(&msg));
    ck_assert_msg(nelf > 0, "%s jail: no shared object at all", f->layout);
    tree_free(&t);
    free(msg.s);
}

/* ------------------------------------------------------------------ */
/* Expected jails                                                     */
/* ------------------------------------------------------------------ */

/*
 * One expected jail entry.  Type 'd' directory, 'f' regular file, 'l'
 * symbolic link with link text TARGET, '-' must be absent.  An OPT entry
 * may be missing; when present its type and target must match.  A later
 * table overrides an earlier one for the same path.
 */
struct want {
    const char *path;
    char type;
    const char *target;
    int opt;
};

/* clang-format off */
#define W_D(p)		{p, 'd', NULL, 0}
#define W_F(p)		{p, 'f', NULL, 0}
#define W_L(p, t)	{p, 'l', t, 0}
#define W_OPT_D(p)	{p, 'd', NULL, 1}
#define W_OPT_L(p, t)	{p, 'l', t, 1}
#define W_ABSENT(p)	{p, '-', NULL, 0}
#define W_END		{NULL, 0, NULL, 0}
/* clang-format on */

static const struct want want_etc[] = {
    W_D("etc"),           W_F("etc/hosts"),     W_F("etc/resolv.conf"),
    W_F("etc/services"),  W_F("etc/host.conf"), W_F("etc/nsswitch.conf"),
    W_F("etc/localtime"), W_F("etc/protocols"), W_END,
};

/* Debian roots also have etc/gai.conf. */
static const struct want want_etc_gai[] = {
    W_F("etc/gai.conf"),
    W_END,
};

static const struct want want_no_nsswitch[] = {
    W_ABSENT("etc/nsswitch.conf"),
    W_END,
};

/*
 * Red Hat roots: /lib64 -> usr/lib64 is what the loader searches; the
 * /lib link may be recreated too, with its directory so it does not
 * dangle (the contract recreates the host's top-level links; whether an
 * unused one is worth it is the engine's call).
 */
static const struct want want_rh_base[] = {
    W_L("lib64", "usr/lib64"), W_OPT_L("lib", "usr/lib"), W_D("usr"),
    W_D("usr/lib64"),          W_OPT_D("usr/lib"),        W_END,
};

static const struct want want_rh7_libs[] = {
    W_L("usr/lib64/libnss_files.so.2", "libnss_files-2.17.so"),
    W_F("usr/lib64/libnss_files-2.17.so"),
    W_L("usr/lib64/libnss_dns.so.2", "libnss_dns-2.17.so"),
    W_F("usr/lib64/libnss_dns-2.17.so"),
    W_L("usr/lib64/libresolv.so.2", "libresolv-2.17.so"),
    W_F("usr/lib64/libresolv-2.17.so"),
    W_F("usr/lib64/libnss_sss.so.2"),
    W_L("usr/lib64/libnsshelper.so.1", "libnsshelper.so.1.0.0"),
    W_F("usr/lib64/libnsshelper.so.1.0.0"),
    W_F("usr/lib64/libdb-5.3.so"),
    W_END,
};

/* rh7 without nsswitch.conf: glibc's defaults, files and dns. */
static const struct want want_rh7_default_libs[] = {
    W_L("usr/lib64/libnss_files.so.2", "libnss_files-2.17.so"),
    W_F("usr/lib64/libnss_files-2.17.so"),
    W_L("usr/lib64/libnss_dns.so.2", "libnss_dns-2.17.so"),
    W_F("usr/lib64/libnss_dns-2.17.so"),
    W_L("usr/lib64/libresolv.so.2", "libresolv-2.17.so"),
    W_F("usr/lib64/libresolv-2.17.so"),
    W_F("usr/lib64/libdb-5.3.so"),
    W_END,
};

static const struct want want_rh9_libs[] = {
    W_F("usr/lib64/libnss_sss.so.2"),
    W_F("usr/lib64/libnss_systemd.so.2"),
    W_F("usr/lib64/libnss_myhostname.so.2"),
    W_L("usr/lib64/libcap.so.2", "libcap.so.2.48"),
    W_F("usr/lib64/libcap.so.2.48"),
    W_L("usr/lib64/libattr.so.1", "libattr.so.1.1.2501"),
    W_F("usr/lib64/libattr.so.1.1.2501"),
    W_L("usr/lib64/libgcc_s.so.1", "libgcc_s-11-20231218.so.1"),
    W_F("usr/lib64/libgcc_s-11-20231218.so.1"),
    W_F("usr/lib64/libresolv.so.2"),
    W_END,
};

/* rh9 without nsswitch.conf: files and dns are built in; libresolv only. */
static const struct want want_rh9_default_libs[] = {
    W_F("usr/lib64/libresolv.so.2"),
    W_END,
};

/* Debian roots: /lib -> usr/lib is searched; /lib64 may come along. */
static const struct want want_deb_base[] = {
    W_L("lib", "usr/lib"),
    W_OPT_L("lib64", "usr/lib64"),
    W_D("usr"),
    W_D("usr/lib"),
    W_D("usr/lib/x86_64-linux-gnu"),
    W_OPT_D("usr/lib64"),
    W_F("usr/lib/x86_64-linux-gnu/libresolv.so.2"),
    W_F("usr/lib/x86_64-linux-gnu/libdb-5.3.so"),
    W_END,
};

static const struct want want_debian_libs[] = {
    W_F("usr/lib/x86_64-linux-gnu/libnss_systemd.so.2"),
    W_L("usr/lib/x86_64-linux-gnu/libcap.so.2", "libcap.so.2.66"),
    W_F("usr/lib/x86_64-linux-gnu/libcap.so.2.66"),
    W_F("usr/lib/x86_64-linux-gnu/libnss_mdns4_minimal.so.2"),
    W_END,
};

static const struct want want_live_libs[] = {
    W_L("usr/lib/x86_64-linux-gnu/libnss_mymod.so.2", "libnss_mymod-1.0.so"),
    W_F("usr/lib/x86_64-linux-gnu/libnss_mymod-1.0.so"),
    W_F("usr/lib/x86_64-linux-gnu/libmyhelper.so.1"),
    W_END,
};

/* The live root after upgrade-mymod. */
static const struct want want_live_upgraded[] = {
    W_L("usr/lib/x86_64-linux-gnu/libnss_mymod.so.2", "libnss_mymod-1.1.so"),
    W_ABSENT("usr/lib/x86_64-linux-gnu/libnss_mymod-1.0.so"),
    W_F("usr/lib/x86_64-linux-gnu/libnss_mymod-1.1.so"),
    W_F("usr/lib/x86_64-linux-gnu/libmyhelper.so.1"),
    W_END,
};

/* want_lookup - the last table entry for PATH among TABLES */
static const struct want *
want_lookup(const struct want *const tables[], const char *path)
{
    const struct want *found = NULL, *w;
    int i;

    for (i = 0; tables[i]; i++)
	for (w = tables[i]; w->path; w++)
	    if (strcmp(w->path, path) == 0)
		found = w;
    return (found);
}

/*
 * jail_expect - the jail holds exactly what TABLES (NULL-terminated) say,
 * nothing more; every difference is listed.
 */
static void
jail_expect_ex(const struct fx *f, const struct want *const tables[],
	       int ignore_targets)
{
    struct tree t;
    struct sbuf msg = {0};
    const struct want *w;
    size_t i;
    int k;

    tree_walk(f->jail, &t);
    for (k = 0; tables[k]; k++) {
	for (w = tables[k]; w->path; w++) {
	    const struct entry *e = tree_find(&t, w->path);

	    if (want_lookup(tables, w->path) != w)
		continue; /* overridden */
	    if (w->type == '-') {
		if (e)
		    sb_printf(&msg, "  %s: present, want absent\n", w->path);
		continue;
	    }
	    if (e == NULL) {
		if (!w->opt)
		    sb_printf(&msg, "  %s: missing (want %c)\n", w->path,
			      w->type);
		continue;
	    }
	    if (type_char(e->st.st_mode) != w->type)
		sb_printf(&msg, "  %s: got type %c, want %c\n", w->path,
			  type_char(e->st.st_mode), w->type);
	    else if (w->type == 'l' && !ignore_targets &&
		     strcmp(e->target, w->target) != 0)
		sb_printf(&msg, "  %s: got link to %s, want %s\n", w->path,
			  e->target, w->target);
	}
    }
    for (i = 0; i < t.n; i++) {
	w = want_lookup(tables, t.v[i].rel);
	if (w == NULL || w->type == '-')
	    sb_printf(&msg, "  %s: unexpected %c%s%s\n", t.v[i].rel,
		      type_char(t.v[i].st.st_mode), t.v[i].target ? " -> " : "",
		      t.v[i].target ? t.v[i].target : "");
    }
    ck_assert_msg(msg.len == 0, "%s jail %s differs from the table:\n%s",
		  f->layout, f->jail, sb_str(&msg));
    tree_free(&t);
    free(msg.s);
}

/* jail_expect - exactly TABLES, link texts included */
static void
jail_expect(const struct fx *f, const struct want *const tables[])
{
    jail_expect_ex(f, tables, 0);
}

/* layout_tables - the expected tables of F's layout, plus EXTRA */
static void
layout_tables(const struct fx *f, const struct want *extra,
	      const struct want *out[6])
{
    int n = 0;

    out[n++] = want_etc;
    if (strcmp(f->layout, "rh7") == 0 || strcmp(f->layout, "rh9") == 0) {
	out[n++] = want_rh_base;
	out[n++] =
	    strcmp(f->layout, "rh7") == 0 ? want_rh7_libs : want_rh9_libs;
    } else {
	out[n++] = want_etc_gai;
	out[n++] = want_deb_base;
	out[n++] = strcmp(f->layout, "debian") == 0 ? want_debian_libs
						    : want_live_libs;
    }
    out[n++] = extra;
    out[n] = NULL;
}

static const struct want want_none[] = {W_END};

/* jail_expect_layout - the full expected jail of F's layout */
static void
jail_expect_layout(const struct fx *f)
{
    const struct want *t[6];

    layout_tables(f, want_none, t);
    jail_expect(f, t);
}

/* is_admin - a path planted by a test, not the tool's */
static int
is_admin(const char *rel, const char *const admin[])
{
    for (; admin && *admin; admin++)
	if (strcmp(rel, *admin) == 0)
	    return (1);
    return (0);
}

/* want_mode - what the contract says a jail entry's permissions are */
static mode_t
want_mode(const struct entry *e)
{
    if (S_ISDIR(e->st.st_mode))
	return (0755);
    return (strncmp(e->rel, "etc/", 4) == 0 ? 0644 : 0755);
}

/* check_entry - C13 and copy rules for one jail entry, into MSG */
static void
check_entry(const struct fx *f, const struct entry *e, struct sbuf *msg)
{
    const char *base = strrchr(e->rel, '/') ? strrchr(e->rel, '/') + 1 : e->rel;
    char *host = xpath(f->root, e->rel);
    char *full = xpath(f->jail, e->rel);
    struct stat hst;
    char res[PATH_MAX];

    /* Ownership and permissions (C13); symlink modes mean nothing. */
    if (e->st.st_uid != 0 || e->st.st_gid != 0)
	sb_printf(msg, "  %s: owner %u:%u, want 0:0\n", e->rel,
		  (unsigned)e->st.st_uid, (unsigned)e->st.st_gid);
    if (!S_ISLNK(e->st.st_mode) && (e->st.st_mode & 07777) != want_mode(e))
	sb_printf(msg, "  %s: mode %04o, want %04o\n", e->rel,
		  (unsigned)(e->st.st_mode & 07777), (unsigned)want_mode(e));

    /* Never libc or the loader: the daemons have them mapped already. */
    if (strncmp(base, "libc.so", 7) == 0 || strncmp(base, "libc-", 5) == 0 ||
	strncmp(base, "ld-", 3) == 0)
	sb_printf(msg, "  %s: libc or the loader copied\n", e->rel);

    /* Regular files: own inode, the host's bytes after following links. */
    if (S_ISREG(e->st.st_mode)) {
	if (e->st.st_nlink != 1)
	    sb_printf(msg, "  %s: %lu hard links, want 1\n", e->rel,
		      (unsigned long)e->st.st_nlink);
	if (stat(host, &hst) != 0)
	    sb_printf(msg, "  %s: no host file %s\n", e->rel, host);
	else if (hst.st_ino == e->st.st_ino && hst.st_dev == e->st.st_dev)
	    sb_printf(msg, "  %s: same inode as the host file\n", e->rel);
	else if (!files_equal(host, full))
	    sb_printf(msg, "  %s: bytes differ from %s\n", e->rel, host);
    }

    /* Links: the host's link text, and resolvable inside the jail. */
    if (S_ISLNK(e->st.st_mode)) {
	char buf[PATH_MAX];
	ssize_t n = readlink(host, buf, sizeof(buf) - 1);
	char *inside;

	if (n < 0)
	    sb_printf(msg, "  %s: link with no host link %s\n", e->rel, host);
	else if (buf[n] = 0, strcmp(buf, e->target) != 0)
	    sb_printf(msg, "  %s: link text %s, host has %s\n", e->rel,
		      e->target, buf);
	ck_assert_int_ge(asprintf(&inside, "/%s", e->rel), 0);
	if (jail_realpath(f->jail, inside, res) != 0)
	    sb_printf(msg, "  %s -> %s: dangles inside the jail\n", e->rel,
		      e->target);
	free(inside);
    }
    free(host);
    free(full);
}

/*
 * jail_assert_sane - the rules every jail entry obeys (C1, C13, K5):
 * root-owned, 0644/0755, no libc or loader, regular files with their own
 * inode holding the host bytes, links with the host's text that resolve
 * inside the jail.  ADMIN lists paths planted by the test.
 */
static void
jail_assert_sane(const struct fx *f, const char *const admin[])
{
    struct tree t;
    struct sbuf msg = {0};
    size_t i;

    tree_walk(f->jail, &t);
    for (i = 0; i < t.n; i++)
	if (!is_admin(t.v[i].rel, admin))
	    check_entry(f, &t.v[i], &msg);
    ck_assert_msg(msg.len == 0, "%s jail %s breaks the rules:\n%s", f->layout,
		  f->jail, sb_str(&msg));
    tree_free(&t);
    free(msg.s);
}

/* jail_is_empty - nothing at all below the jail */
static void
jail_assert_empty(const struct fx *f, const char *what)
{
    struct tree t;

    tree_walk(f->jail, &t);
    ck_assert_msg(t.n == 0, "%s: the jail is not empty (first entry %s)", what,
		  t.n ? t.v[0].rel : "");
    tree_free(&t);
}

/* ------------------------------------------------------------------ */
/* Logs and check output                                              */
/* ------------------------------------------------------------------ */

/*
 * log_assert_added - the first update of an empty jail: every line says
 * "postfix-chroot: added PATH", once per PATH, each PATH exists in the
 * jail, and every file and link of the jail is mentioned (directories
 * may or may not be).
 */
static void
log_assert_added(const struct fx *f, const char *err)
{
    struct tree t;
    struct sbuf msg = {0};
    const char *prefix = "postfix-chroot: added ";
    char *copy = strdup(err), *line, *save = NULL;
    size_t i;

    tree_walk(f->jail, &t);
    for (line = strtok_r(copy, "\n", &save); line;
	 line = strtok_r(NULL, "\n", &save)) {
	const char *p = line + strlen(prefix);

	if (strncmp(line, prefix, strlen(prefix)) != 0)
	    sb_printf(&msg, "  unexpected line: %s\n", line);
	else if (tree_find(&t, p) == NULL)
	    sb_printf(&msg, "  logged but not in the jail: %s\n", p);
	else if (count_line(err, line) != 1)
	    sb_printf(&msg, "  logged more than once: %s\n", p);
    }
    for (i = 0; i < t.n; i++) {
	char *want;

	if (S_ISDIR(t.v[i].st.st_mode))
	    continue;
	ck_assert_int_ge(asprintf(&want, "%s%s", prefix, t.v[i].rel), 0);
	if (!has_line(err, want))
	    sb_printf(&msg, "  not logged: %s\n", want);
	free(want);
    }
    ck_assert_msg(msg.len == 0, "%s: log of the first update:\n%s\nlog:\n%s",
		  f->layout, sb_str(&msg), err);
    tree_free(&t);
    free(copy);
    free(msg.s);
}

/*
 * check_norm - the jail-relative form of a path printed by check.  The
 * contract says "KIND PATH" without fixing the spelling of PATH; the
 * jail-relative form (as in the update log), the jail's full path and the
 * path as seen on the running system are accepted.
 */
static const char *
check_norm(const struct fx *f, const char *path)
{
    size_t jl = strlen(f->jail);

    if (strncmp(path, f->jail, jl) == 0 && path[jl] == '/')
	return (path + jl + 1);
    if (strncmp(path, SPOOL "/", strlen(SPOOL) + 1) == 0)
	return (path + strlen(SPOOL) + 1);
    return (path);
}

/* in_list - "KIND PATH" is one of LIST */
static int
in_list(const char *kp, const char *const list[])
{
    for (; list && *list; list++)
	if (strcmp(kp, *list) == 0)
	    return (1);
    return (0);
}

/*
 * check_expect - run check: exit 1, every line of WANT ("KIND PATH")
 * printed, any other line one of ALLOW; or, with WANT empty, exit 0 and
 * no output.  check must not change the jail.
 */
static void
check_expect(struct fx *f, const char *const want[], const char *const allow[],
	     const char *fc)
{
    struct tree before, after;
    struct sbuf msg = {0};
    struct run r;
    char *copy, *line, *save = NULL;
    const char *const *w;
    char seen[64] = {0};
    size_t nwant = 0;

    tree_walk(f->jail, &before);
    if (fc)
	TOOL(f, &r, "--file-contexts", fc, "check");
    else
	TOOL(f, &r, "check");
    for (w = want; w && *w; w++)
	nwant++;
    if (nwant == 0) {
	expect_exit(&r, 0, "check");
	ck_assert_msg(r.out[0] == 0, "check printed:\n%s", r.out);
    } else {
	expect_exit(&r, 1, "check");
    }
    copy = strdup(r.out);
    for (line = strtok_r(copy, "\n", &save); line;
	 line = strtok_r(NULL, "\n", &save)) {
	char kind[32], path[PATH_MAX], kp[PATH_MAX + 40];
	size_t i;

	if (sscanf(line, "%31s %4095s", kind, path) != 2) {
	    sb_printf(&msg, "  not \"KIND PATH\": %s\n", line);
	    continue;
	}
	bprintf(kp, sizeof(kp), "%s %s", kind, check_norm(f, path));
	for (i = 0; i < nwant && i < sizeof(seen); i++)
	    if (strcmp(kp, want[i]) == 0)
		seen[i] = 1;
	if (!in_list(kp, want) && !in_list(kp, allow))
	    sb_printf(&msg, "  unexpected: %s\n", line);
    }
    for (size_t i = 0; i < nwant && i < sizeof(seen); i++)
	if (!seen[i])
	    sb_printf(&msg, "  not reported: %s\n", want[i]);
    ck_assert_msg(msg.len == 0, "check output:\n%s\ngot:\n%s", sb_str(&msg),
		  r.out);
    tree_walk(f->jail, &after);
    tree_same(&before, &after, "check", NULL);
    tree_free(&before);
    tree_free(&after);
    run_free(&r);
    free(copy);
    free(msg.s);
}

/* no_warnings - stderr holds no diagnostics */
static void
assert_no_warnings(const struct run *r, const char *what)
{
    ck_assert_msg(lines_with(r->err, "warning") == 0 &&
		      lines_with(r->err, "error") == 0 &&
		      lines_with(r->err, "fatal") == 0,
		  "%s: unexpected diagnostics:\n%s", what, r->err);
}

/* ------------------------------------------------------------------ */
/* The lookup helper for C2 and C5                                    */
/* ------------------------------------------------------------------ */

/* build_lookup - compile fixtures/src/lookup.c into F's directory */
static char *
build_lookup(const struct fx *f)
{
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    char *src = xpath(env_path("PFC_TESTS"), "fixtures/src/lookup.c");
    char *out = xpath(f->dir, "lookup");
    char *cmd;
    struct run r;
    const char *argv[] = {"/bin/sh", "-c", NULL, NULL};

    ck_assert_int_ge(asprintf(&cmd, "%s -O1 -o '%s' '%s'", cc, out, src), 0);
    argv[2] = cmd;
    spawn(argv, 022, &r);
    ck_assert_msg(r.status == 0, "%s: exit %d\n%s", cmd, r.status, r.err);
    run_free(&r);
    free(cmd);
    free(src);
    return (out);
}

/* lookup - run the lookup helper inside the jail; returns its exit code */
static int
lookup(const struct fx *f, const char *prog, const char *what, const char *a1,
       const char *a2, char **answer)
{
    const char *argv[] = {prog, f->jail, what, a1, a2, NULL};
    struct run r;
    int status;

    spawn(argv, 022, &r);
    status = r.status;
    if (answer)
	*answer = strdup(r.out);
    run_free(&r);
    return (status);
}

/* lookup_expect - a lookup inside the jail succeeds with ANSWER */
static void
lookup_expect(const struct fx *f, const char *prog, const char *what,
	      const char *a1, const char *a2, const char *answer)
{
    char *got = NULL;
    int st = lookup(f, prog, what, a1, a2, &got);

    ck_assert_msg(st == 0 && strcmp(got, answer) == 0,
		  "lookup %s %s %s inside chroot(%s): got exit %d \"%s\", "
		  "want exit 0 \"%s\"",
		  what, a1, a2 ? a2 : "", f->jail, st, got, answer);
    free(got);
}

/* ------------------------------------------------------------------ */
/* C1: an empty jail is populated                                     */
/* ------------------------------------------------------------------ */

static const char *const layouts[] = {"rh7", "rh9", "debian", "live"};

/* C1: one update fills a fresh, empty queue directory completely. */
START_TEST(c1_fresh_update)
{
    struct fx f;
    struct run r;

    fx_new(&f, layouts[_i], NULL);
    jail_assert_empty(&f, "fresh root");
    update_ok(&f, &r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
    jail_assert_needed(&f);
    log_assert_added(&f, r.err);
    assert_no_warnings(&r, "first update");
    ck_assert_msg(r.out[0] == 0, "update printed on stdout:\n%s", r.out);
    run_free(&r);
    check_clean(&f);
}
END_TEST

/* C1: etc files are regular files holding the host's bytes. */
START_TEST(c1_etc_files_regular)
{
    static const char *const names[] = {"hosts",         "resolv.conf",
					"services",      "host.conf",
					"nsswitch.conf", "localtime"};
    struct fx f;
    struct run r;
    size_t i;

    fx_new(&f, "debian", NULL);
    update_ok(&f, &r);
    run_free(&r);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
	char *rel = xpath("etc", names[i]);
	char *j = xpath(f.jail, rel), *h = xpath(f.root, rel);
	struct stat st;

	ck_assert_msg(lstat(j, &st) == 0 && S_ISREG(st.st_mode),
		      "%s: not a regular file", j);
	ck_assert_msg(files_equal(j, h), "%s: bytes differ from %s", j, h);
	free(rel);
	free(j);
	free(h);
    }
}
END_TEST

/* C1: check on a fresh root reports what is missing and changes nothing. */
START_TEST(c1_check_before_update)
{
    struct fx f;
    struct run r;

    fx_new(&f, "debian", NULL);
    TOOL(&f, &r, "check");
    expect_exit(&r, 1, "check before update");
    ck_assert_msg(has_line(r.out, "missing etc/hosts") ||
		      lines_with(r.out, "missing ") > 0,
		  "check before update: want missing lines, got:\n%s", r.out);
    ck_assert_msg(lines_with(r.out, "etc/hosts") == 1 &&
		      lines_with(r.out, "libnss_systemd.so.2") == 1,
		  "check before update: want one line each for etc/hosts "
		  "and libnss_systemd.so.2, got:\n%s",
		  r.out);
    ck_assert_msg(lines_with(r.out, "missing") == count_lines(r.out),
		  "check before update: every line should be \"missing\", "
		  "got:\n%s",
		  r.out);
    jail_assert_empty(&f, "check");
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C2: an existing, empty etc; a service lookup from inside the jail  */
/* ------------------------------------------------------------------ */

START_TEST(c2_empty_etc_service_lookup)
{
    struct fx f;
    struct run r;
    char *prog, *etc;
    struct stat st;

    fx_new(&f, "debian", NULL);
    etc = xpath(f.jail, "etc");
    ck_assert_int_eq(mkdir(etc, 0755), 0);
    prog = build_lookup(&f);
    ck_assert_msg(lookup(&f, prog, "service", "smtp", "tcp", NULL) == 2,
		  "smtp/tcp resolved inside a jail with an empty etc");

    update_ok(&f, &r);
    run_free(&r);
    lookup_expect(&f, prog, "service", "smtp", "tcp", "smtp/tcp 25\n");
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);

    /* The tool did not create etc, so remove must leave it. */
    TOOL(&f, &r, "remove");
    expect_exit(&r, 0, "remove");
    ck_assert_msg(lstat(etc, &st) == 0 && S_ISDIR(st.st_mode),
		  "remove deleted %s, which the tool did not create", etc);
    run_free(&r);
    free(etc);
    free(prog);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C3: stale copies are replaced by rename; a rerun is a no-op        */
/* ------------------------------------------------------------------ */

START_TEST(c3_resolv_replaced_by_rename)
{
    struct fx f;
    struct run r;
    struct stat before, after;
    char *jr, *hr, buf[256];
    int oldfd;
    ssize_t n;

    fx_new(&f, layouts[_i], NULL);
    update_ok(&f, &r);
    run_free(&r);
    jr = xpath(f.jail, "etc/resolv.conf");
    hr = xpath(f.root, "etc/resolv.conf");
    write_file(hr, "nameserver 192.0.2.3\n");

    /* Keep the old inode open: its number cannot be reused meanwhile. */
    oldfd = open(jr, O_RDONLY);
    ck_assert_int_ge(oldfd, 0);
    ck_assert_int_eq(fstat(oldfd, &before), 0);

    update_ok(&f, &r);
    ck_assert_msg(strcmp(r.err, "postfix-chroot: updated etc/resolv.conf\n") ==
		      0,
		  "update log: got\n%s\nwant exactly "
		  "\"postfix-chroot: updated etc/resolv.conf\"",
		  r.err);
    run_free(&r);
    ck_assert_int_eq(lstat(jr, &after), 0);
    ck_assert_msg(after.st_ino != before.st_ino,
		  "%s: same inode %lu: written in place, not renamed", jr,
		  (unsigned long)after.st_ino);
    ck_assert_msg(files_equal(jr, hr), "%s: not the new host bytes", jr);

    /* The old inode still holds the old bytes: never truncated. */
    n = pread(oldfd, buf, sizeof(buf) - 1, 0);
    ck_assert_int_ge(n, 0);
    buf[n] = 0;
    ck_assert_msg(strstr(buf, "192.0.2.2") != NULL,
		  "the old inode was rewritten: now \"%s\"", buf);
    close(oldfd);
    jail_assert_sane(&f, NULL);
    check_clean(&f);
    free(jr);
    free(hr);
}
END_TEST

/*
 * C3: a second update writes nothing in the jail, logs nothing, keeps
 * every inode.  In the state directory it may add the stamp that lets
 * later runs see at a glance that nothing changed (the first run's
 * copies were too fresh to be trusted by their times); a third update,
 * which takes that short way, writes nothing anywhere.
 */
START_TEST(c3_second_update_is_noop)
{
    struct fx f;
    struct run r;
    struct tree jail1, jail2, st1, st2, st3;
    size_t i, stamps = 0;

    fx_new(&f, layouts[_i], NULL);
    update_ok(&f, &r);
    run_free(&r);
    tree_walk(f.jail, &jail1);
    tree_walk(f.state, &st1);
    sleep(1); /* coarse timestamps would hide a rewrite */

    update_ok(&f, &r);
    ck_assert_msg(r.out[0] == 0 && r.err[0] == 0,
		  "second update printed:\nstdout:\n%s\nstderr:\n%s", r.out,
		  r.err);
    run_free(&r);
    tree_walk(f.jail, &jail2);
    tree_same(&jail1, &jail2, "a second update (jail)", NULL);
    tree_walk(f.state, &st2);
    tree_same(&st1, &st2, "a second update (state directory)", ".stamp");
    for (i = 0; i < st2.n; i++)
	stamps += strstr(st2.v[i].rel, ".stamp") != NULL;
    ck_assert_msg(stamps == 1, "%zu stamps after the second update", stamps);
    sleep(1);

    update_ok(&f, &r);
    ck_assert_msg(r.out[0] == 0 && r.err[0] == 0,
		  "third update printed:\nstdout:\n%s\nstderr:\n%s", r.out,
		  r.err);
    run_free(&r);
    tree_free(&jail2);
    tree_walk(f.jail, &jail2);
    tree_same(&jail1, &jail2, "a third update (jail)", NULL);
    tree_walk(f.state, &st3);
    tree_same(&st2, &st3, "a third update (state directory)", NULL);
    tree_free(&jail1);
    tree_free(&jail2);
    tree_free(&st1);
    tree_free(&st2);
    tree_free(&st3);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C4: time zone change                                               */
/* ------------------------------------------------------------------ */

START_TEST(c4_timezone_change)
{
    struct fx f;
    struct run r;
    struct stat st;
    char *jl, *hl, *berlin, *ny;

    fx_new(&f, layouts[_i], NULL);
    update_ok(&f, &r);
    run_free(&r);
    jl = xpath(f.jail, "etc/localtime");
    hl = xpath(f.root, "etc/localtime");
    berlin = xpath(f.root, "usr/share/zoneinfo/Europe/Berlin");
    ny = xpath(f.root, "usr/share/zoneinfo/America/New_York");
    ck_assert_msg(!files_equal(berlin, ny), "fixture: zone files equal");
    ck_assert_msg(files_equal(jl, ny), "%s: not New York data", jl);

    ck_assert_int_eq(unlink(hl), 0);
    ck_assert_int_eq(symlink("../usr/share/zoneinfo/Europe/Berlin", hl), 0);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: updated etc/localtime") &&
		      count_lines(r.err) == 1,
		  "update log: got\n%s\nwant exactly "
		  "\"postfix-chroot: updated etc/localtime\"",
		  r.err);
    run_free(&r);
    ck_assert_int_eq(lstat(jl, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode), "%s: not a regular file", jl);
    ck_assert_msg(files_equal(jl, berlin), "%s: not the Berlin zone", jl);
    jail_assert_sane(&f, NULL);
    check_clean(&f);
    free(jl);
    free(hl);
    free(berlin);
    free(ny);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C5: a module and its dependency, proven by a lookup in the jail    */
/* ------------------------------------------------------------------ */

START_TEST(c5_module_lookup_in_jail)
{
    struct fx f;
    struct run r;
    char *prog;

    fx_new(&f, "live", NULL);
    prog = build_lookup(&f);
    ck_assert_msg(lookup(&f, prog, "host", "mx.test.invalid", NULL, NULL) == 2,
		  "mx.test.invalid resolved in an empty jail");

    update_ok(&f, &r);
    assert_no_warnings(&r, "update");
    ck_assert_msg(lines_with(r.err, "NOTFOUND") == 0 &&
		      lines_with(r.err, "return") == 0,
		  "an action token was taken for a module:\n%s", r.err);
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
    jail_assert_needed(&f);

    lookup_expect(&f, prog, "host", "mx.test.invalid", NULL,
		  "mx.test.invalid 192.0.2.7\n");
    lookup_expect(&f, prog, "addr", "192.0.2.7", NULL,
		  "192.0.2.7 mx.test.invalid\n");
    lookup_expect(&f, prog, "gai", "mx.test.invalid", "smtp", "192.0.2.7 25\n");
    free(prog);
}
END_TEST

/* C5: action tokens in any form are not modules. */
START_TEST(c5_action_tokens_not_modules)
{
    struct fx f;
    struct run r;
    char *ns, *prog;

    fx_new(&f, "live", NULL);
    ns = xpath(f.root, "etc/nsswitch.conf");
    write_file(ns, "passwd:   files [SUCCESS=merge] [NOTFOUND=return]\n"
		   "group:    files [!UNAVAIL=return]\n"
		   "hosts:    files [SUCCESS=return] mymod"
		   " [!UNAVAIL=return NOTFOUND=return] dns\n"
		   "services: files [NOTFOUND=return]\n");
    update_ok(&f, &r);
    assert_no_warnings(&r, "update");
    ck_assert_msg(lines_with(r.err, "SUCCESS") == 0 &&
		      lines_with(r.err, "UNAVAIL") == 0 &&
		      lines_with(r.err, "NOTFOUND") == 0,
		  "an action token was taken for a module:\n%s", r.err);
    run_free(&r);
    jail_expect_layout(&f);
    prog = build_lookup(&f);
    lookup_expect(&f, prog, "host", "client.test.invalid", NULL,
		  "client.test.invalid 192.0.2.8\n");
    free(prog);
    free(ns);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C6: no nsswitch.conf                                               */
/* ------------------------------------------------------------------ */

START_TEST(c6_no_nsswitch)
{
    static const char *const opts[] = {"--no-nsswitch", NULL};
    const struct want *rh7[] = {want_etc, want_no_nsswitch, want_rh_base,
				want_rh7_default_libs, NULL};
    const struct want *rh9[] = {want_etc, want_no_nsswitch, want_rh_base,
				want_rh9_default_libs, NULL};
    const struct want *deb[] = {want_etc, want_etc_gai, want_no_nsswitch,
				want_deb_base, NULL};
    struct fx f;
    struct run r;

    fx_new(&f, layouts[_i], opts);
    update_ok(&f, &r);
    run_free(&r);
    if (strcmp(f.layout, "rh7") == 0)
	jail_expect(&f, rh7);
    else if (strcmp(f.layout, "rh9") == 0)
	jail_expect(&f, rh9);
    else
	jail_expect(&f, deb);
    jail_assert_sane(&f, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C7: upgrades and removals of modules                               */
/* ------------------------------------------------------------------ */

#define LIVE_LIB "usr/lib/x86_64-linux-gnu/"

START_TEST(c7_module_upgrade)
{
    static const char *const want_drift[] = {
	"extra " LIVE_LIB "libnss_mymod-1.0.so",
	"missing " LIVE_LIB "libnss_mymod-1.1.so",
	"target " LIVE_LIB "libnss_mymod.so.2", NULL};
    const struct want *upgraded[] = {want_etc, want_etc_gai, want_deb_base,
				     want_live_upgraded, NULL};
    struct fx f;
    struct run r;
    char *prog;

    fx_new(&f, "live", NULL);
    update_ok(&f, &r);
    run_free(&r);
    mkroot("upgrade-mymod", f.root, NULL);

    /* Before the update, check sees all three differences. */
    check_expect(&f, want_drift, NULL, NULL);

    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: removed " LIVE_LIB
				  "libnss_mymod-1.0.so") &&
		      has_line(r.err, "postfix-chroot: added " LIVE_LIB
				      "libnss_mymod-1.1.so") &&
		      lines_with(r.err, LIVE_LIB "libnss_mymod.so.2") >= 1,
		  "update log after the upgrade: got\n%s", r.err);
    ck_assert_msg(lines_with(r.err, "libmyhelper") == 0,
		  "the unchanged helper was touched:\n%s", r.err);
    run_free(&r);
    jail_expect(&f, upgraded);
    jail_assert_sane(&f, NULL);
    check_clean(&f);

    prog = build_lookup(&f);
    lookup_expect(&f, prog, "host", "mx.test.invalid", NULL,
		  "mx.test.invalid 192.0.2.7\n");
    free(prog);
}
END_TEST

/* C7: a module no longer named leaves the jail with its dependency. */
START_TEST(c7_module_dropped_from_nsswitch)
{
    const struct want *dropped[] = {want_etc, want_etc_gai, want_deb_base,
				    NULL};
    struct fx f;
    struct run r;
    char *ns;

    fx_new(&f, "live", NULL);
    update_ok(&f, &r);
    run_free(&r);
    ns = xpath(f.root, "etc/nsswitch.conf");
    write_file(ns, "passwd: files\ngroup: files\nhosts: files dns\n"
		   "services: files\n");
    update_ok(&f, &r);
    ck_assert_msg(
	has_line(r.err,
		 "postfix-chroot: removed " LIVE_LIB "libnss_mymod-1.0.so") &&
	    has_line(r.err,
		     "postfix-chroot: removed " LIVE_LIB "libnss_mymod.so.2") &&
	    has_line(r.err,
		     "postfix-chroot: removed " LIVE_LIB "libmyhelper.so.1") &&
	    has_line(r.err, "postfix-chroot: updated etc/nsswitch.conf"),
	"update log: got\n%s", r.err);
    run_free(&r);
    jail_expect(&f, dropped);
    jail_assert_sane(&f, NULL);
    check_clean(&f);
    free(ns);
}
END_TEST

/* C7: the package went away: its jail copies go, one warning is given. */
START_TEST(c7_module_package_removed)
{
    const struct want *gone[] = {want_etc, want_etc_gai, want_deb_base, NULL};
    static const char *const files[] = {LIVE_LIB "libnss_mymod.so.2",
					LIVE_LIB "libnss_mymod-1.0.so",
					LIVE_LIB "libmyhelper.so.1"};
    struct fx f;
    struct run r;
    size_t i;

    fx_new(&f, "live", NULL);
    update_ok(&f, &r);
    run_free(&r);
    for (i = 0; i < 3; i++) {
	char *p = xpath(f.root, files[i]);

	ck_assert_int_eq(unlink(p), 0);
	free(p);
    }
    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "warning") == 1 &&
		      lines_with(r.err, "mymod") >= 1,
		  "want one warning naming mymod, got:\n%s", r.err);
    run_free(&r);
    jail_expect(&f, gone);
    jail_assert_sane(&f, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C8: both spellings of the library directory                        */
/* ------------------------------------------------------------------ */

/* realpath_expect - PATH resolves inside the jail to WANT */
static void
realpath_expect(const struct fx *f, const char *path, const char *want)
{
    char got[PATH_MAX];

    ck_assert_msg(jail_realpath(f->jail, path, got) == 0,
		  "%s does not resolve inside chroot(%s)", path, f->jail);
    ck_assert_msg(strcmp(got, want) == 0, "%s inside the jail: got %s, want %s",
		  path, got, want);
}

/* readlink_expect - jail entry REL is a link with text WANT */
static void
readlink_expect(const struct fx *f, const char *rel, const char *want)
{
    char *p = xpath(f->jail, rel), buf[PATH_MAX];
    ssize_t n = readlink(p, buf, sizeof(buf) - 1);

    ck_assert_msg(n >= 0, "readlink %s: %s", p, strerror(errno));
    buf[n] = 0;
    ck_assert_msg(strcmp(buf, want) == 0, "readlink %s: got %s, want %s", p,
		  buf, want);
    free(p);
}

START_TEST(c8_rh_lib64_spellings)
{
    struct fx f;
    struct run r;

    fx_new(&f, _i == 0 ? "rh7" : "rh9", NULL);
    update_ok(&f, &r);
    run_free(&r);
    readlink_expect(&f, "lib64", "usr/lib64");
    realpath_expect(&f, "/lib64/libnss_sss.so.2", "/usr/lib64/libnss_sss.so.2");
    realpath_expect(&f, "/usr/lib64/libnss_sss.so.2",
		    "/usr/lib64/libnss_sss.so.2");
    if (_i == 0) {
	realpath_expect(&f, "/lib64/libnss_files.so.2",
			"/usr/lib64/libnss_files-2.17.so");
	realpath_expect(&f, "/lib64/libresolv.so.2",
			"/usr/lib64/libresolv-2.17.so");
    } else {
	realpath_expect(&f, "/lib64/libcap.so.2", "/usr/lib64/libcap.so.2.48");
	realpath_expect(&f, "/lib64/libattr.so.1",
			"/usr/lib64/libattr.so.1.1.2501");
    }
    jail_assert_needed(&f);
}
END_TEST

START_TEST(c8_debian_lib_spellings)
{
    struct fx f;
    struct run r;

    fx_new(&f, "debian", NULL);
    update_ok(&f, &r);
    run_free(&r);
    readlink_expect(&f, "lib", "usr/lib");
    realpath_expect(&f, "/lib/x86_64-linux-gnu/libnss_systemd.so.2",
		    "/usr/lib/x86_64-linux-gnu/libnss_systemd.so.2");
    realpath_expect(&f, "/usr/lib/x86_64-linux-gnu/libnss_systemd.so.2",
		    "/usr/lib/x86_64-linux-gnu/libnss_systemd.so.2");
    realpath_expect(&f, "/lib/x86_64-linux-gnu/libcap.so.2",
		    "/usr/lib/x86_64-linux-gnu/libcap.so.2.66");
    jail_assert_needed(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C9: a named module that is not installed                           */
/* ------------------------------------------------------------------ */

START_TEST(c9_missing_module)
{
    static const char *const opts[] = {"--missing-module", "ghost", NULL};
    struct fx f;
    struct run r;
    char *other;

    fx_new(&f, layouts[_i], opts);
    update_ok(&f, &r);
    ck_assert_msg(
	lines_with(r.err, "warning") == 1 && lines_with(r.err, "ghost") == 1 &&
	    lines_with(r.err, "warning") == lines_with(r.err, "ghost"),
	"want exactly one warning line, naming ghost; got:\n%s", r.err);

    /* Everything else is logged as added, as on a clean root. */
    other = strdup(r.err);
    for (char *p = other, *nl; *p; p = nl + 1) {
	nl = strchr(p, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = 0;
	ck_assert_msg(strstr(p, "ghost") ||
			  strncmp(p, "postfix-chroot: added ", 22) == 0,
		      "unexpected log line: %s", p);
    }
    free(other);
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
}
END_TEST

/* C9: named in several databases, still one warning. */
START_TEST(c9_missing_module_named_twice)
{
    struct fx f;
    struct run r;
    char *ns;

    fx_new(&f, "debian", NULL);
    ns = xpath(f.root, "etc/nsswitch.conf");
    write_file(ns, "passwd: files systemd ghost\n"
		   "group:  files ghost systemd\n"
		   "hosts:  files mdns4_minimal [NOTFOUND=return] dns ghost\n"
		   "services: files\n");
    update_ok(&f, &r);
    ck_assert_msg(
	lines_with(r.err, "warning") == 1 && lines_with(r.err, "ghost") == 1,
	"want exactly one warning line naming ghost; got:\n%s", r.err);
    run_free(&r);
    jail_expect_layout(&f);
    free(ns);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C12: SELinux labels from a file_contexts                           */
/* ------------------------------------------------------------------ */

#define CTX_SPOOL "system_u:object_r:postfix_spool_t:s0"
#define CTX_ETC "system_u:object_r:etc_t:s0"
#define CTX_LOCALE "system_u:object_r:locale_t:s0"
#define CTX_LIB "system_u:object_r:lib_t:s0"
#define CTX_WRONG "system_u:object_r:user_home_t:s0"
#define CTX_NETCONF "system_u:object_r:net_conf_t:s0"

/*
 * write_file_contexts - a small policy for the jail path as the running
 * system sees it (without the --root prefix).  The exact localtime entry
 * wins over the etc regex, as in the real policies.
 */
static char *
write_file_contexts(const struct fx *f)
{
    char *fc = xpath(f->dir, "file_contexts");

    write_file(fc, SPOOL "(/.*)?\t" CTX_SPOOL "\n" SPOOL "/etc(/.*)?\t" CTX_ETC
			 "\n" SPOOL "/etc/localtime\t--\t" CTX_LOCALE "\n" SPOOL
			 "/usr(/.*)?\t" CTX_LIB "\n" SPOOL
			 "/lib(64)?(/.*)?\t" CTX_LIB "\n");
    return (fc);
}

/* set_label - lsetxattr security.selinux, failing clearly if refused */
static void
set_label(const char *path, const char *ctx)
{
    ck_assert_msg(
	lsetxattr(path, "security.selinux", ctx, strlen(ctx) + 1, 0) == 0,
	"lsetxattr %s security.selinux: %s (this test needs a "
	"file system that stores labels with SELinux disabled)",
	path, strerror(errno));
}

/* get_label - the label of PATH (not following links), or "" */
static void
get_label(const char *path, char *buf, size_t size)
{
    ssize_t n = lgetxattr(path, "security.selinux", buf, size - 1);

    if (n < 0)
	n = 0;
    buf[n] = 0;
}

/* want_label - what the test file_contexts gives a jail-relative path */
static const char *
want_label(const char *rel)
{
    if (strcmp(rel, "etc/localtime") == 0)
	return (CTX_LOCALE);
    if (strcmp(rel, "etc") == 0 || strncmp(rel, "etc/", 4) == 0)
	return (CTX_ETC);
    return (CTX_LIB);
}

/* jail_assert_labels - every entry carries the policy's label */
static void
jail_assert_labels(const struct fx *f)
{
    struct tree t;
    struct sbuf msg = {0};
    size_t i;

    tree_walk(f->jail, &t);
    for (i = 0; i < t.n; i++) {
	char *p = xpath(f->jail, t.v[i].rel), got[256];

	get_label(p, got, sizeof(got));
	if (strcmp(got, want_label(t.v[i].rel)) != 0)
	    sb_printf(&msg, "  %s (%c): got \"%s\", want \"%s\"\n", t.v[i].rel,
		      type_char(t.v[i].st.st_mode), got,
		      want_label(t.v[i].rel));
	free(p);
    }
    ck_assert_msg(msg.len == 0, "%s jail labels:\n%s", f->layout, sb_str(&msg));
    tree_free(&t);
    free(msg.s);
}

/* label_host_wrongly - give host sources and the spool misleading labels */
static void
label_host_wrongly(const struct fx *f)
{
    struct tree t;
    size_t i;
    char *lib = xpath(f->root, f->libdir);

    set_label(f->jail, CTX_SPOOL);
    tree_walk(lib, &t);
    for (i = 0; i < t.n; i++) {
	char *p = xpath(lib, t.v[i].rel);

	set_label(p, CTX_WRONG);
	free(p);
    }
    tree_free(&t);
    free(lib);
    lib = xpath(f->root, "etc");
    tree_walk(lib, &t);
    for (i = 0; i < t.n; i++) {
	char *p = xpath(lib, t.v[i].rel);

	set_label(p, CTX_NETCONF);
	free(p);
    }
    tree_free(&t);
    free(lib);
    lib = xpath(f->root, "usr/share/zoneinfo/America/New_York");
    set_label(lib, CTX_WRONG);
    free(lib);
}

START_TEST(c12_labels_from_file_contexts)
{
    struct fx f;
    struct run r;
    char *fc;

    fx_new(&f, layouts[_i], NULL);
    fc = write_file_contexts(&f);
    label_host_wrongly(&f);
    TOOL(&f, &r, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update --file-contexts");
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_labels(&f);
    check_expect(&f, NULL, NULL, fc);
    free(fc);
}
END_TEST

/* C12: a wrong label is reported by check and repaired by update. */
START_TEST(c12_label_drift)
{
    static const char *const want[] = {"label etc/hosts",
				       "label usr/lib64/libnss_sss.so.2", NULL};
    struct fx f;
    struct run r;
    char *fc, *hosts, *sss;

    fx_new(&f, "rh9", NULL);
    fc = write_file_contexts(&f);
    TOOL(&f, &r, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update --file-contexts");
    run_free(&r);
    hosts = xpath(f.jail, "etc/hosts");
    sss = xpath(f.jail, "usr/lib64/libnss_sss.so.2");
    set_label(hosts, CTX_NETCONF);
    set_label(sss, CTX_WRONG);
    check_expect(&f, want, NULL, fc);

    TOOL(&f, &r, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update --file-contexts");
    run_free(&r);
    jail_assert_labels(&f);
    check_expect(&f, NULL, NULL, fc);
    free(fc);
    free(hosts);
    free(sss);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C13: ownership and modes whatever the umask and the sources        */
/* ------------------------------------------------------------------ */

START_TEST(c13_modes_any_umask)
{
    static const mode_t masks[] = {077, 0, 027};
    struct fx f;
    struct run r;

    fx_new(&f, "rh9", NULL);
    tool_umask(&f, masks[_i], &r, "update", (const char *)NULL);
    expect_exit(&r, 0, "update");
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
}
END_TEST

START_TEST(c13_sources_odd_modes_and_owners)
{
    struct fx f;
    struct run r;
    char *p;

    fx_new(&f, layouts[_i], NULL);
    p = xpath(f.root, "etc/hosts");
    ck_assert_int_eq(chmod(p, 0600), 0);
    free(p);
    p = xpath(f.root, "etc/services");
    ck_assert_int_eq(chown(p, 1000, 1000), 0);
    ck_assert_int_eq(chmod(p, 0664), 0);
    free(p);
    p = xpath(f.root, "usr/share/zoneinfo/America/New_York");
    ck_assert_int_eq(chmod(p, 0640), 0);
    free(p);
    ck_assert_int_ge(
	asprintf(&p, "%s/%s/libresolv%s", f.root, f.libdir,
		 strcmp(f.layout, "rh7") == 0 ? "-2.17.so" : ".so.2"),
	0);
    ck_assert_int_eq(chmod(p, 0700), 0);
    ck_assert_int_eq(chown(p, 1000, 0), 0);
    free(p);

    update_ok(&f, &r);
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* C14: the data directory stays out                                  */
/* ------------------------------------------------------------------ */

/* jail_assert_no_cache - no Postfix cache or data directory in the jail */
static void
jail_assert_no_cache(const struct fx *f)
{
    struct tree t;
    size_t i;

    tree_walk(f->jail, &t);
    for (i = 0; i < t.n; i++)
	ck_assert_msg(!strstr(t.v[i].rel, "cache") &&
			  !strstr(t.v[i].rel, "master.lock") &&
			  strncmp(t.v[i].rel, "var", 3) != 0,
		      "data directory material in the jail: %s", t.v[i].rel);
    tree_free(&t);
}

START_TEST(c14_data_directory_not_copied)
{
    struct fx f;
    struct run r;
    char *mc, *p;

    fx_new(&f, layouts[_i], NULL);
    if (_i == 1) {
	/* A data directory of another name, holding a cache. */
	mc = xpath(f.root, "etc/postfix/main.cf");
	write_file(mc, "compatibility_level = 3.6\n"
		       "queue_directory = /var/spool/postfix\n"
		       "data_directory = /var/db/postfix\n");
	p = xpath(f.root, "var/db");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	p = xpath(f.root, "var/db/postfix");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	p = xpath(f.root, "var/db/postfix/postscreen_cache.db");
	write_file(p, "cache\n");
	free(p);
	free(mc);
    }
    update_ok(&f, &r);
    run_free(&r);
    jail_assert_no_cache(&f);
    jail_expect_layout(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* check: one line per kind of damage                                 */
/* ------------------------------------------------------------------ */

/*
 * A way to damage a jail; the lines check must print and those it may add;
 * what update must do about it: repair it ('R'), or refuse with an error
 * naming the path and change nothing ('X', the contract's rule for
 * symlinks in the way and group- or world-writable directories), or
 * either ('E', where the contract leaves the choice); for refusals, the
 * administrator's fix after which update repairs.
 */
struct damage {
    const char *name;
    const char *layout;
    void (*apply)(const struct fx *);
    const char *want[3];
    const char *allow[10];
    char outcome;
    const char *refused; /* jail path the refusal names */
    void (*fix)(const struct fx *);
};

/* jp - a jail path of F, freed when the test ends (see keep()) */
static char *
jp(const struct fx *f, const char *rel)
{
    return (keep(xpath(f->jail, rel)));
}

static void
dmg_remove(const struct fx *f)
{
    ck_assert_int_eq(unlink(jp(f, "etc/hosts")), 0);
}

static void
dmg_content(const struct fx *f)
{
    char *p = jp(f, "etc/services");
    FILE *fp = fopen(p, "a");

    ck_assert_ptr_nonnull(fp);
    fputs("evil 6666/tcp\n", fp);
    fclose(fp);
}

static void
dmg_host_changed(const struct fx *f)
{
    write_file(keep(xpath(f->root, "etc/resolv.conf")),
	       "nameserver 192.0.2.3\n");
}

static void
dmg_mode(const struct fx *f)
{
    ck_assert_int_eq(chmod(jp(f, "etc/hosts"), 0600), 0);
}

static void
dmg_world_writable(const struct fx *f)
{
    ck_assert_int_eq(chmod(jp(f, "etc/hosts"), 0666), 0);
}

static void
dmg_owner(const struct fx *f)
{
    ck_assert_int_eq(lchown(jp(f, "etc/hosts"), 1000, 1000), 0);
}

/*
 * dmg_symlink - a symlink where a file belongs.  It points to a decoy in
 * the test's directory, never to a file of the machine: an update that
 * followed it would overwrite the decoy, and the test checks that too.
 */
static void
dmg_symlink(const struct fx *f)
{
    char *p = jp(f, "etc/resolv.conf");

    write_file(keep(xpath(f->dir, "decoy")), "decoy\n");
    ck_assert_int_eq(unlink(p), 0);
    ck_assert_int_eq(symlink(keep(xpath(f->dir, "decoy")), p), 0);
}

static void
dmg_target(const struct fx *f)
{
    char *p = jp(f, "usr/lib64/libnss_files.so.2");

    ck_assert_int_eq(unlink(p), 0);
    ck_assert_int_eq(symlink("libnss_dns-2.17.so", p), 0);
}

static void
dmg_lib_content(const struct fx *f)
{
    char *p = jp(f, "usr/lib64/libnss_sss.so.2");
    int fd = open(p, O_WRONLY | O_APPEND);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
}

static void
dmg_lib_mode(const struct fx *f)
{
    ck_assert_int_eq(chmod(jp(f, "usr/lib64/libnss_sss.so.2"), 0644), 0);
}

static void
dmg_dir_link(const struct fx *f)
{
    ck_assert_int_eq(unlink(jp(f, "lib64")), 0);
}

static void
dmg_dir_mode(const struct fx *f)
{
    ck_assert_int_eq(chmod(jp(f, "etc"), 0775), 0);
}

static void
fix_owner(const struct fx *f)
{
    ck_assert_int_eq(lchown(jp(f, "etc/hosts"), 0, 0), 0);
}

static void
fix_symlink(const struct fx *f)
{
    ck_assert_int_eq(unlink(jp(f, "etc/resolv.conf")), 0);
}

static void
fix_dir_mode(const struct fx *f)
{
    ck_assert_int_eq(chmod(jp(f, "etc"), 0755), 0);
}

/* Every item below a group-writable etc is unsafe too. */
#define ETC_BELOW_UNSAFE                                                       \
    "unsafe etc", "unsafe etc/hosts", "unsafe etc/resolv.conf",                \
	"unsafe etc/services", "unsafe etc/host.conf",                         \
	"unsafe etc/nsswitch.conf", "unsafe etc/localtime",                    \
	"unsafe etc/protocols", NULL

/* clang-format off */
static const struct damage damages[] = {
    {"removed file", "debian", dmg_remove,
     {"missing etc/hosts"}, {NULL}, 'R', NULL, NULL},
    {"changed bytes", "debian", dmg_content,
     {"content etc/services"}, {NULL}, 'R', NULL, NULL},
    {"host file changed", "rh9", dmg_host_changed,
     {"content etc/resolv.conf"}, {NULL}, 'R', NULL, NULL},
    {"chmod 0600", "debian", dmg_mode,
     {"mode etc/hosts"}, {NULL}, 'R', NULL, NULL},
    {"chmod 0666", "debian", dmg_world_writable,
     {"mode etc/hosts"}, {"unsafe etc/hosts"}, 'R', NULL, NULL},
    {"chown 1000", "rh7", dmg_owner,
     {"owner etc/hosts"}, {"unsafe etc/hosts"}, 'E', "etc/hosts", fix_owner},
    {"file replaced by a symlink", "rh9", dmg_symlink,
     {"type etc/resolv.conf"}, {"unsafe etc/resolv.conf"}, 'X',
     "etc/resolv.conf", fix_symlink},
    {"link retargeted", "rh7", dmg_target,
     {"target usr/lib64/libnss_files.so.2"}, {NULL}, 'R', NULL, NULL},
    {"library bytes", "rh7", dmg_lib_content,
     {"content usr/lib64/libnss_sss.so.2"}, {NULL}, 'R', NULL, NULL},
    {"library mode", "rh9", dmg_lib_mode,
     {"mode usr/lib64/libnss_sss.so.2"}, {NULL}, 'R', NULL, NULL},
    {"directory link removed", "rh7", dmg_dir_link,
     {"missing lib64"}, {NULL}, 'R', NULL, NULL},
    {"directory group-writable", "rh9", dmg_dir_mode,
     {"mode etc"}, {ETC_BELOW_UNSAFE}, 'X', "etc", fix_dir_mode},
};
/* clang-format on */

#define NDAMAGES ((int)(sizeof(damages) / sizeof(damages[0])))

/* decoy_intact - nothing was written through the planted symlink */
static void
decoy_intact(const struct fx *f)
{
    char *decoy = xpath(f->dir, "decoy");

    if (access(decoy, F_OK) == 0) {
	char *text = read_all(decoy, NULL);

	ck_assert_msg(text && strcmp(text, "decoy\n") == 0,
		      "update wrote through the planted symlink into %s",
		      decoy);
	free(text);
    }
    free(decoy);
}

/*
 * refusal_expect - update refused: exit 1, an error naming the jail path
 * of the damaged item, the jail exactly as before.
 */
static void
refusal_expect(struct fx *f, const struct damage *d, struct run *r,
	       const struct tree *before)
{
    struct tree after;
    char *path = xpath(f->jail, d->refused);

    ck_assert_msg(r->status == 1 && lines_with(r->err, "error") >= 1 &&
		      lines_with(r->err, path) >= 1,
		  "%s: update should refuse with an error naming %s; got "
		  "exit %d\n%s",
		  d->name, path, r->status, r->err);
    tree_walk(f->jail, &after);
    tree_same(before, &after, "a refused update", NULL);
    tree_free(&after);
    free(path);
}

/* stamp_count - how many stamps the state directory of F holds */
static size_t
stamp_count(const struct fx *f)
{
    struct tree t;
    size_t i, n = 0;

    tree_walk(f->state, &t);
    for (i = 0; i < t.n; i++)
	n += strstr(t.v[i].rel, ".stamp") != NULL;
    tree_free(&t);
    return (n);
}

/*
 * stamped - fill the jail, wait out the moments in which fresh copies are
 * not trusted by their times, and update again: from now on a stamp lets
 * an update that finds nothing changed skip its work.  Every test that
 * uses this makes a change afterwards that the stamp must not hide.
 */
static void
stamped(struct fx *f)
{
    struct run r;

    update_ok(f, &r);
    run_free(&r);
    usleep(100000);
    update_ok(f, &r);
    run_free(&r);
    ck_assert_msg(stamp_count(f) == 1, "no stamp after two updates");
}

/* Each damage: check reports it exactly; update repairs it or refuses. */
static void
damage_case(int i, int stamp)
{
    const struct damage *d = &damages[i];
    struct fx f;
    struct run r;
    struct tree before;
    int refused;

    fx_new(&f, d->layout, NULL);
    if (stamp) {
	stamped(&f);
    } else {
	update_ok(&f, &r);
	run_free(&r);
    }
    check_clean(&f);
    d->apply(&f);
    check_expect(&f, d->want, d->allow, NULL);

    tree_walk(f.jail, &before);
    TOOL(&f, &r, "update");
    decoy_intact(&f);
    refused = d->outcome == 'X' || (d->outcome == 'E' && r.status != 0);
    if (refused) {
	refusal_expect(&f, d, &r, &before);
	run_free(&r);
	check_expect(&f, d->want, d->allow, NULL);
	d->fix(&f);
	TOOL(&f, &r, "update");
    }
    expect_exit(&r, 0, "update");
    ck_assert_msg(refused || r.err[0] != 0, "%s: update repaired silently",
		  d->name);
    run_free(&r);
    tree_free(&before);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
    check_clean(&f);
    decoy_intact(&f);
}

START_TEST(check_reports_damage)
{
    damage_case(_i, 0);
}
END_TEST

/* The same damage after a run that left a stamp: it must not hide it. */
START_TEST(stamp_hides_no_damage)
{
    damage_case(_i, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The stamp: skipping an update that finds nothing changed           */
/* ------------------------------------------------------------------ */

/* A host file rewritten in place, same size, its mtime put back. */
START_TEST(stamp_host_rewritten_in_place)
{
    struct fx f;
    struct run r;
    char *hr;

    fx_new(&f, "rh9", NULL);
    write_file(keep(xpath(f.root, "etc/resolv.conf")),
	       "nameserver 192.0.2.2\n");
    stamped(&f);
    hr = keep(xpath(f.root, "etc/resolv.conf"));
    tu_rewrite_in_place(hr, "nameserver 192.0.2.9\n");

    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: updated etc/resolv.conf"),
		  "the in-place change was not copied:\n%s", r.err);
    run_free(&r);
    ck_assert(files_equal(hr, jp(&f, "etc/resolv.conf")));
    check_clean(&f);
}
END_TEST

/*
 * A jail copy rewritten in place, same size, its times put back: the
 * copy's change time tells update to compare the bytes again, and the
 * copy is replaced.
 */
START_TEST(jail_copy_rewritten_in_place)
{
    struct fx f;
    struct run r;

    fx_new(&f, layouts[_i], NULL);
    stamped(&f);
    tu_rewrite_in_place(jp(&f, "etc/hosts"), "#");
    usleep(100000);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: updated etc/hosts"),
		  "the changed jail copy was not replaced:\n%s", r.err);
    run_free(&r);
    ck_assert(files_equal(keep(xpath(f.root, "etc/hosts")),
			  jp(&f, "etc/hosts")));
    check_clean(&f);
}
END_TEST

/*
 * A file system mounted inside the jail (usr on a tmpfs): the one syncfs
 * of the jail's file system does not flush it, so every file written
 * there, and every directory changed there, gets an fsync of its own.
 * Counted with strace, in a private mount namespace.
 */
START_TEST(mount_inside_jail_fsynced)
{
    struct fx f;
    struct run r;
    struct tree t;
    char *usr, *log, *text, *p, script[6 * PATH_MAX], list[PATH_MAX];
    size_t i, files = 0, fsyncs = 0;
    const char *argv[] = {"/usr/bin/unshare", "-m", "/bin/sh", "-c", NULL,
			  NULL};

    fx_new(&f, "rh9", NULL);
    usr = keep(xpath(f.jail, "usr"));
    ck_assert_int_eq(mkdir(usr, 0755), 0);
    log = keep(xpath(f.dir, "strace.log"));
    bprintf(list, sizeof(list), "%s.files", log);
    /* LeakSanitizer cannot work under ptrace: off for the traced run. */
    bprintf(script, sizeof(script), "mount --make-rprivate / && "
	    "mount -t tmpfs -o mode=0755 pfc-test %s && "
	    "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "
	    "strace -f -qq -y -o %s -e trace=fsync,syncfs %s --root %s update "
	    "&& find %s -type f > %s", usr, log, env_path("PFC_PROG"),
	    f.root, usr, list);
    argv[4] = script;
    spawn(argv, 022, &r);
    expect_exit(&r, 0, "update with a tmpfs on usr, under strace");
    run_free(&r);

    /* The tmpfs is gone with the namespace; its file list stays. */
    text = tu_read(list, NULL);
    ck_assert_ptr_nonnull(text);
    for (p = text; (p = strchr(p, '\n')) != NULL; p++)
	files++;
    free(text);
    ck_assert_msg(files > JAIL_FSYNC_MAX_TEST, "only %zu files under usr: "
		  "too few for a syncfs", files);
    text = tu_read(log, NULL);
    ck_assert_ptr_nonnull(text);
    /* strace -y: fsync(7</ROOT/var/spool/postfix/usr/lib64/.postfix-...>) */
    for (p = text; (p = strstr(p, "fsync(")) != NULL; p++) {
	char *end = strchr(p, '\n');
	char *tmp = strstr(p, "/usr/");

	if (tmp && (end == NULL || tmp < end)
	    && strstr(tmp, "/" ".postfix-chroot.") != NULL
	    && (end == NULL || strstr(tmp, "/" ".postfix-chroot.") < end))
	    fsyncs++;
    }
    ck_assert_msg(fsyncs == files, "%zu fsync calls of new files for %zu "
		  "files on the file system mounted inside the jail:\n%s",
		  fsyncs, files, text);

    /* And the directory that got the renames: fsync(9</.../usr/lib64>). */
    bprintf(list, sizeof(list), "%s/%s>)", usr, f.libdir + 4);
    ck_assert_msg(strstr(text, list) != NULL, "no fsync of %.*s, the "
		  "directory on the mounted file system that got the "
		  "renames:\n%s", (int)strlen(list) - 2, list, text);
    free(text);
    tree_walk(f.jail, &t);
    for (i = 0; i < t.n; i++)
	ck_assert_msg(strncmp(t.v[i].rel, "usr/", 4) != 0, "%s: written "
		      "below the mount point, not on the tmpfs", t.v[i].rel);
    tree_free(&t);
}
END_TEST

/*
 * The order in which update makes things durable, read from strace -y:
 * the manifest's block of names to add is written, then made durable
 * (a syncfs of the jail's file system, or an fsync of the manifest and
 * of the state directory), and only then is a name made in the jail
 * (mkdir, rename); and the new manifest is renamed into place only
 * after the jail's last change (rename, unlink, rmdir) and a flush that
 * follows it.  A power cut anywhere then leaves a manifest that names
 * everything the jail holds of the tool's.
 */
struct trace {
    char **line;
    size_t n;
};

/* traced_update - update F under strace, its system calls in T */
static void
traced_update(struct fx *f, struct trace *t)
{
    struct run r;
    char *log, *text, *p, script[4 * PATH_MAX];
    const char *argv[] = {"/bin/sh", "-c", NULL, NULL};

    log = keep(xpath(f->dir, "order.strace"));
    unlink(log);
    /* LeakSanitizer cannot work under ptrace: off for the traced run. */
    bprintf(script, sizeof(script),
	    "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "
	    "exec strace -f -qq -y -s 64 -o %s -e trace=write,fsync,syncfs,"
	    "mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir "
	    "%s --root %s update", log, env_path("PFC_PROG"), f->root);
    argv[2] = script;
    spawn(argv, 022, &r);
    expect_exit(&r, 0, "update under strace");
    run_free(&r);
    text = keep(tu_read(log, NULL));
    ck_assert_ptr_nonnull(text);
    t->line = keep(calloc(lines_with(text, "") + 1, sizeof(*t->line)));
    ck_assert_ptr_nonnull(t->line);
    for (p = text, t->n = 0; *p; t->n++) {
	t->line[t->n] = p;
	p += strcspn(p, "\n");
	if (*p)
	    *p++ = 0;
    }
}

/* call_is - line L is a call NAME( whose text holds A and, if given, B */
static int
call_is(const char *l, const char *name, const char *a, const char *b)
{
    const char *c = l + strspn(l, "0123456789");	/* strace -f: PID */

    c += strspn(c, " ");
    return (strncmp(c, name, strlen(name)) == 0 && strstr(c, a) != NULL
	    && (b == NULL || strstr(c, b) != NULL));
}

/* jail_named - line L makes or drops a final name in the jail */
static int
jail_named(const struct fx *f, const char *l, int drops)
{
    static const char *const make[] = {"mkdir", "rename", NULL};
    static const char *const drop[] = {"unlink", "rmdir", NULL};
    const char *const *v;

    for (v = make; *v; v++)
	if (call_is(l, *v, f->jail, NULL))
	    return (1);
    for (v = drop; drops && *v; v++)
	if (call_is(l, *v, f->jail, NULL)
	    && strstr(l, "\"" ".postfix-chroot.") == NULL)
	    return (1);
    return (0);
}

/*
 * flushed - some line in [FROM, TO) flushes the jail's file system, or
 * both FILE and DIR (each named in an fsync)
 */
static int
flushed(const struct fx *f, const struct trace *t, size_t from, size_t to,
	const char *file, const char *dir)
{
    int file_done = 0, dir_done = 0;
    size_t i;

    for (i = from; i < to; i++) {
	if (call_is(t->line[i], "syncfs(", f->jail, NULL))
	    return (1);
	file_done |= call_is(t->line[i], "fsync(", file, NULL);
	dir_done |= call_is(t->line[i], "fsync(", dir, NULL);
    }
    return (file_done && dir_done);
}

/* order_check - the trace T of an update that added ADDS names */
static void
order_check(const struct fx *f, const struct trace *t, int adds)
{
    size_t i, block = t->n, first = t->n, last = t->n, tmpw = t->n;
    size_t install = t->n;
    char sdir[PATH_MAX + 2];

    bprintf(sdir, sizeof(sdir), "%s>", f->state);

    for (i = 0; i < t->n; i++) {
	const char *l = t->line[i];

	if (block == t->n && call_is(l, "write(", ".manifest>", "# adding"))
	    block = i;
	if (first == t->n && jail_named(f, l, 0))
	    first = i;
	if (jail_named(f, l, 1))
	    last = i;
	if (call_is(l, "write(", f->state, ".manifest.") && tmpw == t->n)
	    tmpw = i;
	if (call_is(l, "rename", f->state, ".manifest\""))
	    install = i;
    }
    if (adds) {
	ck_assert_msg(block < t->n, "no block of names written to the "
		      "manifest");
	ck_assert_msg(first < t->n && block < first, "a name made in the "
		      "jail (line %zu) before the manifest's block (line %zu)",
		      first, block);
	ck_assert_msg(flushed(f, t, block, first, ".manifest>", sdir),
		      "no flush of the manifest's block and the state "
		      "directory between lines %zu and %zu, before the "
		      "first name", block, first);
    }
    ck_assert_msg(last < t->n && install < t->n && tmpw < install,
		  "the trace shows no jail change (%zu), manifest written "
		  "(%zu) and renamed into place (%zu)", last, tmpw, install);
    ck_assert_msg(last < install, "the manifest renamed into place (line "
		  "%zu) before the jail's last change (line %zu)", install,
		  last);
    ck_assert_msg(flushed(f, t, last > tmpw ? last : tmpw, install,
			  ".manifest.", f->jail),
		  "no flush of the jail and the new manifest between the "
		  "last change (line %zu) and the manifest's rename (line "
		  "%zu)", last, install);
}

/* A first population: the block first, the record last. */
START_TEST(manifest_order_first)
{
    struct fx f;
    struct trace t;

    fx_new(&f, layouts[_i], NULL);
    traced_update(&f, &t);
    order_check(&f, &t, 1);
    check_clean(&f);
}
END_TEST

/* An upgrade adds one library and removes another (C7). */
START_TEST(manifest_order_upgrade)
{
    struct fx f;
    struct trace t;
    struct run r;

    fx_new(&f, "live", NULL);
    update_ok(&f, &r);
    run_free(&r);
    mkroot("upgrade-mymod", f.root, NULL);
    traced_update(&f, &t);
    order_check(&f, &t, 1);
    check_clean(&f);
}
END_TEST

/* state_manifest - the path of F's manifest */
static char *
state_manifest(const struct fx *f)
{
    struct tree t;
    char *path = NULL;
    size_t i;

    tree_walk(f->state, &t);
    for (i = 0; i < t.n && path == NULL; i++)
	if (strstr(t.v[i].rel, ".manifest"))
	    path = xpath(f->state, t.v[i].rel);
    tree_free(&t);
    ck_assert_msg(path != NULL, "no manifest in %s", f->state);
    return (path);
}

/*
 * A module that an upgrade turned from a file into a link of a chain,
 * and a run killed between recording the new kind in the manifest's
 * block and making the change: 0, before any rename (the jail still
 * holds the file), or 1, after the renames and before the final record
 * (the jail holds the link), and then the host drops the module.  The
 * next update must finish the job either way: the entry may be of
 * either kind until a record says which.
 */
START_TEST(kind_change_killed)
{
    static const char block[] = "# adding\n"
				"l usr/lib64/libnss_sss.so.2\n"
				"f usr/lib64/libnss_sss.so.2.0\n"
				"# end\n";
    struct fx f;
    struct run r;
    char *lib, *lib0, *man, *text;
    FILE *fp;

    fx_new(&f, "rh7", NULL);
    update_ok(&f, &r);
    run_free(&r);
    lib = keep(xpath(f.root, "usr/lib64/libnss_sss.so.2"));
    lib0 = keep(xpath(f.root, "usr/lib64/libnss_sss.so.2.0"));
    ck_assert_int_eq(rename(lib, lib0), 0);
    ck_assert_int_eq(symlink("libnss_sss.so.2.0", lib), 0);

    /* What the killed run left: its block, and in case 1 the change. */
    man = keep(state_manifest(&f));
    fp = fopen(man, "a");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(fputs(block, fp) >= 0 && fclose(fp) == 0, 1);
    if (_i == 1) {
	write_file(jp(&f, "usr/lib64/libnss_sss.so.2.0"), "copy\n");
	ck_assert_int_eq(chmod(jp(&f, "usr/lib64/libnss_sss.so.2.0"), 0755),
			 0);
	ck_assert_int_eq(unlink(jp(&f, "usr/lib64/libnss_sss.so.2")), 0);
	ck_assert_int_eq(symlink("libnss_sss.so.2.0",
				 jp(&f, "usr/lib64/libnss_sss.so.2")), 0);
	write_file(keep(xpath(f.root, "etc/nsswitch.conf")),
		   "passwd: files\ngroup: files\nhosts: files dns\n"
		   "services: files\n");
    }

    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "in the way") == 0
		  && lines_with(r.err, "leaving it") == 0,
		  "the entry of the tool's own was refused or left:\n%s",
		  r.err);
    run_free(&r);
    check_clean(&f);
    if (_i == 0) {
	struct stat st;

	ck_assert_msg(lstat(jp(&f, "usr/lib64/libnss_sss.so.2"), &st) == 0
		      && S_ISLNK(st.st_mode),
		      "usr/lib64/libnss_sss.so.2: want the link");
    } else {
	ck_assert_msg(!tu_exists(jp(&f, "usr/lib64/libnss_sss.so.2"))
		      && !tu_exists(jp(&f, "usr/lib64/libnss_sss.so.2.0")),
		      "the dropped module's entries were left in the jail");
    }

    /* The record says one kind again: nothing twice. */
    text = keep(tu_read(man, NULL));
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(!has_line(text, "f usr/lib64/libnss_sss.so.2")
		  && has_line(text, "l usr/lib64/libnss_sss.so.2") == !_i
		  && strstr(text, "# adding") == NULL,
		  "manifest after the run:\n%s", text);
}
END_TEST

/*
 * A manifest written by an earlier version holds the source's identity
 * alone: update compares the bytes once, changes nothing in the jail,
 * and records the identity in full.
 */
START_TEST(manifest_old_identity)
{
    struct fx f;
    struct run r;
    char *man, *text, *p, *q;

    fx_new(&f, "rh9", NULL);
    update_ok(&f, &r);
    run_free(&r);
    man = keep(state_manifest(&f));
    text = tu_read(man, NULL);
    ck_assert_ptr_nonnull(text);

    /* Cut every identity after its third field. */
    for (p = text; (p = strchr(p, '\t')) != NULL; p = q) {
	char *end = p + strcspn(p, "\n");
	int colons = 0;

	for (q = p; q < end && colons < 3; q++)
	    colons += *q == ':';
	ck_assert_msg(colons == 3, "identity with %d colons", colons);
	memmove(q - 1, end, strlen(end) + 1);
	q = q - 1;
    }
    write_file(man, text);
    free(text);
    usleep(100000);

    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "added") == 0
		  && lines_with(r.err, "updated") == 0,
		  "an old manifest made update change the jail:\n%s", r.err);
    run_free(&r);
    text = tu_read(man, NULL);
    ck_assert_msg(strstr(text, "etc/hosts\t") != NULL, "no etc/hosts "
		  "in the manifest:\n%s", text);
    p = strstr(text, "etc/hosts\t");
    q = p + strcspn(p, "\n");
    ck_assert_msg(memchr(p, ':', (size_t)(q - p)) != NULL, "no identity");
    {
	int colons = 0;

	for (; p < q; p++)
	    colons += *p == ':';
	ck_assert_msg(colons == 4, "etc/hosts identity not recorded in "
		      "full (%d colons):\n%s", colons, text);
    }
    free(text);
    check_clean(&f);
}
END_TEST

/* C7 after a stamped run: the upgraded module replaces the old one. */
START_TEST(stamp_module_upgrade)
{
    struct fx f;
    struct run r;

    fx_new(&f, "live", NULL);
    stamped(&f);
    mkroot("upgrade-mymod", f.root, NULL);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: removed " LIVE_LIB
				  "libnss_mymod-1.0.so") &&
		      has_line(r.err, "postfix-chroot: added " LIVE_LIB
				      "libnss_mymod-1.1.so"),
		  "update log after the upgrade: got\n%s", r.err);
    run_free(&r);
    check_clean(&f);
}
END_TEST

/*
 * C9 after a stamped run: the skipped run repeats the one warning; the
 * module installed later (in a library directory the stamp knows only by
 * its times) is copied.
 */
START_TEST(stamp_missing_module_installed)
{
    static const char *const opts[] = {"--missing-module", "ghost", NULL};
    struct fx f;
    struct run r;
    char *lib, *ghost;
    const char *cp[] = {"/bin/cp", "-L", NULL, NULL, NULL};
    struct dirent *de;
    DIR *dir;

    fx_new(&f, layouts[_i], opts);
    stamped(&f);
    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "warning") == 1 &&
		      lines_with(r.err, "ghost") == 1 && r.out[0] == 0,
		  "a skipped run should repeat one warning; got:\n%s", r.err);
    run_free(&r);

    /* The ghost is a copy of a module the layout has. */
    lib = keep(xpath(f.root, f.libdir));
    dir = opendir(lib);
    ck_assert_ptr_nonnull(dir);
    while ((de = readdir(dir)) != NULL && cp[2] == NULL) {
	size_t n = strlen(de->d_name);

	if (strncmp(de->d_name, "libnss_", 7) == 0 && n > 12 &&
	    strcmp(de->d_name + n - 5, ".so.2") == 0)
	    cp[2] = keep(xpath(lib, de->d_name));
    }
    closedir(dir);
    ck_assert_msg(cp[2] != NULL, "no module in %s to copy", lib);
    cp[3] = ghost = keep(xpath(lib, "libnss_ghost.so.2"));
    spawn(cp, 022, &r);
    expect_exit(&r, 0, "cp");
    run_free(&r);
    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "added") >= 1 &&
		      lines_with(r.err, "libnss_ghost.so.2") >= 1 &&
		      lines_with(r.err, "warning") == 0,
		  "the installed module was not copied:\n%s", r.err);
    run_free(&r);
    ck_assert(files_equal(ghost,
			  jp(&f, keep(xpath(f.libdir, "libnss_ghost.so.2")))));
    check_clean(&f);
}
END_TEST

/*
 * The stamp holds for the path the policy labels the jail as: -j below
 * --root keeps the jail and changes that path, and so every label.
 */
START_TEST(stamp_label_path_changed)
{
    struct fx f;
    struct run r;
    char *fc, text[PATH_MAX + 256], label[256];

    fx_new(&f, "rh9", NULL);
    fc = xpath(f.dir, "file_contexts");
    snprintf(text, sizeof(text),
	     SPOOL "(/.*)?\t" CTX_ETC "\n%s(/.*)?\t" CTX_WRONG "\n", f.jail);
    write_file(fc, text);
    TOOL(&f, &r, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update --file-contexts");
    run_free(&r);
    usleep(100000);
    TOOL(&f, &r, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update --file-contexts");
    run_free(&r);
    ck_assert_msg(stamp_count(&f) == 1, "no stamp after two updates");
    usleep(100000);

    TOOL(&f, &r, "-j", f.jail, "--file-contexts", fc, "update");
    expect_exit(&r, 0, "update -j JAIL --file-contexts");
    run_free(&r);
    get_label(jp(&f, "etc/hosts"), label, sizeof(label));
    ck_assert_msg(strcmp(label, CTX_WRONG) == 0, "etc/hosts labelled as "
		  "the jail's full path: got \"%s\", want \"%s\"", label,
		  CTX_WRONG);
    TOOL(&f, &r, "-j", f.jail, "--file-contexts", fc, "check");
    expect_exit(&r, 0, "check -j JAIL --file-contexts");
    run_free(&r);
    free(fc);
}
END_TEST

/*
 * A warning about the trigger's path list belongs to that run: a later
 * update that skips its work repeats the warnings of the work, not it.
 */
START_TEST(stamp_keeps_no_trigger_warning)
{
    struct fx f;
    struct run r;
    int sock;

    fx_new(&f, "debian", NULL);
    update_ok(&f, &r);
    run_free(&r);
    ck_assert_msg(stamp_count(&f) == 0, "a stamp after a first population");
    usleep(100000);

    /* This run does the work and leaves the stamp. */
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(sock, 0);
    spawn_stdin = sock;
    TOOL(&f, &r, "--trigger", "update");
    spawn_stdin = -1;
    close(sock);
    expect_exit(&r, 0, "--trigger update, stdin an unconnected socket");
    ck_assert_msg(lines_with(r.err, "trigger path list") == 1,
		  "no warning about the unreadable path list:\n%s", r.err);
    run_free(&r);
    ck_assert_msg(stamp_count(&f) == 1, "no stamp after the trigger run");
    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "trigger path list") == 0,
		  "a skipped update repeated the trigger's warning:\n%s",
		  r.err);
    run_free(&r);
}
END_TEST

/* -v explains every decision, so it always does the whole work. */
START_TEST(stamp_not_used_verbose)
{
    struct fx f;
    struct run r;

    fx_new(&f, "debian", NULL);
    stamped(&f);
    TOOL(&f, &r, "-v", "update");
    expect_exit(&r, 0, "update -v");
    ck_assert_msg(lines_with(r.err, "library layout") == 1,
		  "update -v did not do the whole work:\n%s", r.err);
    run_free(&r);
}
END_TEST

/* A damaged stamp is ignored: the work is done and the jail repaired. */
START_TEST(stamp_damaged)
{
    struct fx f;
    struct run r;
    struct tree t;
    size_t i;

    fx_new(&f, "debian", NULL);
    stamped(&f);
    tree_walk(f.state, &t);
    for (i = 0; i < t.n; i++)
	if (strstr(t.v[i].rel, ".stamp"))
	    ck_assert_int_eq(truncate(keep(xpath(f.state, t.v[i].rel)), 40),
			     0);
    tree_free(&t);
    ck_assert_int_eq(unlink(jp(&f, "etc/hosts")), 0);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: added etc/hosts"),
		  "etc/hosts was not put back:\n%s", r.err);
    run_free(&r);
    check_clean(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* --dry-run, remove, no chrooted service                             */
/* ------------------------------------------------------------------ */

START_TEST(dry_run_fresh_changes_nothing)
{
    struct fx f;
    struct run r;
    struct tree before, after;

    fx_new(&f, layouts[_i], NULL);
    tree_walk(f.root, &before);
    TOOL(&f, &r, "--dry-run", "update");
    expect_exit(&r, 0, "--dry-run update");
    ck_assert_msg(
	lines_with(r.out, "etc/hosts") + lines_with(r.err, "etc/hosts") >= 1,
	"--dry-run printed no plan mentioning etc/hosts:\n%s%s", r.out, r.err);
    run_free(&r);
    tree_walk(f.root, &after);
    tree_same(&before, &after, "--dry-run update", ".lock");
    jail_assert_empty(&f, "--dry-run update");
    tree_free(&before);
    tree_free(&after);
}
END_TEST

START_TEST(dry_run_stale_changes_nothing)
{
    struct fx f;
    struct run r;
    struct tree before, after;
    char *hr;

    fx_new(&f, "rh7", NULL);
    update_ok(&f, &r);
    run_free(&r);
    hr = xpath(f.root, "etc/resolv.conf");
    write_file(hr, "nameserver 192.0.2.3\n");
    tree_walk(f.jail, &before);
    TOOL(&f, &r, "-n", "update");
    expect_exit(&r, 0, "-n update");
    ck_assert_msg(lines_with(r.out, "etc/resolv.conf") +
			  lines_with(r.err, "etc/resolv.conf") >=
		      1,
		  "-n printed no plan mentioning etc/resolv.conf:\n%s%s", r.out,
		  r.err);
    run_free(&r);
    tree_walk(f.jail, &after);
    tree_same(&before, &after, "-n update", NULL);
    check_expect(&f, (const char *const[]){"content etc/resolv.conf", NULL},
		 NULL, NULL);
    free(hr);
    tree_free(&before);
    tree_free(&after);
}
END_TEST

/* remove deletes what the tool installed and nothing else. */
/*
 * remove after an update killed half-way: the temporary files it left
 * (in the jail's top and in a directory of the tool's) go as well, and
 * the directories holding them are removed.
 */
START_TEST(remove_after_killed_update)
{
    struct fx f;
    struct run r;
    struct tree t;
    char name[PATH_MAX];

    fx_new(&f, "rh9", NULL);
    update_ok(&f, &r);
    run_free(&r);
    bprintf(name, sizeof(name), "%s/%s%s", f.libdir, ".postfix-chroot.",
	    "0123456789abcdef");
    write_file(jp(&f, name), "half a library\n");
    write_file(jp(&f, ".postfix-chroot.fedcba9876543210"), "staged\n");

    TOOL(&f, &r, "remove");
    expect_exit(&r, 0, "remove");
    run_free(&r);
    tree_walk(f.jail, &t);
    ck_assert_msg(t.n == 0, "remove left %zu entries, first %s", t.n,
		  t.n ? t.v[0].rel : "");
    tree_free(&t);
}
END_TEST

START_TEST(remove_keeps_admin_files)
{
    static const char *const admin[] = {"etc/mine", "etc/mine.d",
					"etc/mine.d/x", NULL};
    const struct want after_remove[] = {W_D("etc"), W_F("etc/mine"),
					W_D("etc/mine.d"), W_F("etc/mine.d/x"),
					W_END};
    const struct want *tables[] = {after_remove, NULL, NULL};
    struct fx f;
    struct run r;
    char *p, *buf;

    fx_new(&f, layouts[_i], NULL);
    update_ok(&f, &r);
    run_free(&r);
    write_file(p = jp(&f, "etc/mine"), "admin data\n");
    ck_assert_int_eq(mkdir(p = jp(&f, "etc/mine.d"), 0755), 0);
    write_file(p = jp(&f, "etc/mine.d/x"), "more\n");
    jail_assert_sane(&f, admin);

    TOOL(&f, &r, "remove");
    expect_exit(&r, 0, "remove");
    ck_assert_msg(lines_with(r.err, "postfix-chroot: removed etc/hosts") == 1,
		  "remove did not log \"removed etc/hosts\":\n%s", r.err);
    ck_assert_msg(lines_with(r.err, "mine") == 0,
		  "remove mentions the admin's files:\n%s", r.err);
    run_free(&r);
    jail_expect(&f, tables);
    p = jp(&f, "etc/mine");
    buf = read_all(p, NULL);
    ck_assert_msg(buf && strcmp(buf, "admin data\n") == 0, "%s: changed", p);
    free(buf);
}
END_TEST

/* With no chrooted service nothing happens, unless forced. */
START_TEST(no_chrooted_service)
{
    static const char *const opts[] = {"--no-chroot", NULL};
    struct fx f;
    struct run r;

    fx_new(&f, layouts[_i], opts);
    update_ok(&f, &r);
    ck_assert_msg(r.out[0] == 0, "update printed on stdout:\n%s", r.out);
    run_free(&r);
    jail_assert_empty(&f, "update without a chrooted service");

    TOOL(&f, &r, "--force", "update");
    expect_exit(&r, 0, "--force update");
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Libraries under running daemons; where the jail is; configuration */
/* ------------------------------------------------------------------ */

/*
 * C3 for libraries: a changed host library replaces the jail copy by
 * rename, so a daemon that has the old one mapped keeps reading the old
 * bytes (an in-place write would SIGBUS it; NOTES 2).
 */
START_TEST(c3_library_replaced_by_rename)
{
    struct fx f;
    struct run r;
    struct stat before, after;
    char *jl, *hl, *saved;
    size_t len;
    void *map;
    int fd;

    fx_new(&f, "rh9", NULL);
    update_ok(&f, &r);
    run_free(&r);
    jl = jp(&f, "usr/lib64/libnss_sss.so.2");
    hl = xpath(f.root, "usr/lib64/libnss_sss.so.2");
    saved = read_all(jl, &len);
    ck_assert_ptr_nonnull(saved);
    fd = open(jl, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fstat(fd, &before), 0);
    map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    ck_assert_ptr_ne(map, MAP_FAILED);

    close(fd);

    /* A new build of the library: the same name, other bytes. */
    fd = open(hl, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "new build", 9), 9);
    close(fd);

    update_ok(&f, &r);
    ck_assert_msg(strcmp(r.err, "postfix-chroot: updated "
				"usr/lib64/libnss_sss.so.2\n") == 0,
		  "update log: got\n%s\nwant exactly \"postfix-chroot: "
		  "updated usr/lib64/libnss_sss.so.2\"",
		  r.err);
    run_free(&r);
    ck_assert_int_eq(lstat(jl, &after), 0);
    ck_assert_msg(after.st_ino != before.st_ino,
		  "%s: same inode: written in place, not renamed", jl);
    ck_assert_msg(files_equal(jl, hl), "%s: not the new host bytes", jl);
    ck_assert_msg(memcmp(map, saved, len) == 0,
		  "the mapping of the old library changed under the daemon");
    munmap(map, len);
    jail_assert_sane(&f, NULL);
    free(saved);
    free(hl);
}
END_TEST

/* The jail is the queue_directory of main.cf, below --root. */
START_TEST(jail_is_queue_directory)
{
    struct fx f;
    struct run r;
    char *mc, *alt, *dflt;

    fx_new(&f, layouts[_i], NULL);
    mc = xpath(f.root, "etc/postfix/main.cf");
    write_file(mc, "compatibility_level = 3.6\n"
		   "queue_directory = /var/spool/postfix-out\n");
    alt = xpath(f.root, "var/spool/postfix-out");
    ck_assert_int_eq(mkdir(alt, 0755), 0);
    dflt = strdup(f.jail);
    bprintf(f.jail, sizeof(f.jail), "%s", alt);
    update_ok(&f, &r);
    run_free(&r);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
    bprintf(f.jail, sizeof(f.jail), "%s", dflt);
    jail_assert_empty(&f, "update with another queue_directory");
    free(mc);
    free(alt);
    free(dflt);
}
END_TEST

/* --jail DIR is taken as given, not below the root. */
START_TEST(jail_option)
{
    struct fx f;
    struct run r;
    char *j, *dflt;

    fx_new(&f, layouts[_i], NULL);
    j = xpath(f.dir, "otherjail");
    ck_assert_int_eq(mkdir(j, 0755), 0);
    TOOL(&f, &r, "--jail", j, "update");
    expect_exit(&r, 0, "--jail DIR update");
    run_free(&r);
    dflt = strdup(f.jail);
    bprintf(f.jail, sizeof(f.jail), "%s", j);
    jail_expect_layout(&f);
    jail_assert_sane(&f, NULL);
    TOOL(&f, &r, "--jail", j, "check");
    expect_exit(&r, 0, "--jail DIR check");
    run_free(&r);
    bprintf(f.jail, sizeof(f.jail), "%s", dflt);
    jail_assert_empty(&f, "--jail DIR update");
    free(j);
    free(dflt);
}
END_TEST

/* -q: errors only, the work is still done. */
START_TEST(quiet_option)
{
    struct fx f;
    struct run r;

    fx_new(&f, "debian", NULL);
    TOOL(&f, &r, "-q", "update");
    expect_exit(&r, 0, "-q update");
    ck_assert_msg(r.err[0] == 0 && r.out[0] == 0, "-q update printed:\n%s%s",
		  r.out, r.err);
    run_free(&r);
    jail_expect_layout(&f);
}
END_TEST

/* A held lock: exit 75, the jail untouched. */
START_TEST(lock_busy)
{
    struct fx f;
    struct run r;
    struct tree st, before, after;
    char *lock = NULL;
    size_t i;
    int fd;

    fx_new(&f, "rh7", NULL);
    update_ok(&f, &r);
    run_free(&r);
    tree_walk(f.state, &st);
    for (i = 0; i < st.n; i++)
	if (strstr(st.v[i].rel, ".lock"))
	    lock = xpath(f.state, st.v[i].rel);
    ck_assert_msg(lock != NULL, "no *.lock in %s", f.state);
    fd = open(lock, O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);

    write_file(keep(xpath(f.root, "etc/resolv.conf")),
	       "nameserver 192.0.2.3\n");
    tree_walk(f.jail, &before);
    TOOL(&f, &r, "update");
    expect_exit(&r, 75, "update while the lock is held");
    run_free(&r);
    tree_walk(f.jail, &after);
    tree_same(&before, &after, "update while the lock is held", NULL);

    close(fd);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: updated etc/resolv.conf"),
		  "update after the lock was released: got\n%s", r.err);
    run_free(&r);
    tree_free(&st);
    tree_free(&before);
    tree_free(&after);
    free(lock);
}
END_TEST

/* extra_files of the tool's configuration; never password data. */
START_TEST(extra_files_config)
{
    struct fx f;
    struct run r;
    char *conf = NULL, *p;

    fx_new(&f, "rh9", NULL);
    conf = xpath(f.root, "etc/postfix-chroot.conf");
    write_file(conf, "# test configuration\n"
		     "extra_files = /etc/mailname, /etc/shadow\n");
    write_file(p = xpath(f.root, "etc/mailname"), "mail.test.invalid\n");
    free(p);
    update_ok(&f, &r);
    ck_assert_msg(lines_with(r.err, "warning") == 1 &&
		      lines_with(r.err, "/etc/shadow") == 1,
		  "want one warning about /etc/shadow, got:\n%s", r.err);
    run_free(&r);
    {
	const struct want mailname[] = {W_F("etc/mailname"),
					W_ABSENT("etc/shadow"), W_END};
	const struct want *t[] = {want_etc, want_rh_base, want_rh9_libs,
				  mailname, NULL};

	jail_expect(&f, t);
    }
    jail_assert_sane(&f, NULL);

    /* Dropped from the configuration: the copy goes. */
    write_file(conf, "extra_files =\n");
    update_ok(&f, &r);
    ck_assert_msg(strcmp(r.err, "postfix-chroot: removed etc/mailname\n") == 0,
		  "update log: got\n%s\nwant exactly \"postfix-chroot: "
		  "removed etc/mailname\"",
		  r.err);
    run_free(&r);
    jail_expect_layout(&f);
    free(conf);
}
END_TEST

/*
 * /etc/passwd goes in only when Postfix reads it inside the jail
 * (unix:passwd.byname without proxy:), and without password fields.
 */
START_TEST(passwd_only_when_read_in_jail)
{
    struct fx f;
    struct run r;
    char *mc, *hp, *jpw, *text;
    struct stat st;
    FILE *fp;

    fx_new(&f, "debian", NULL);
    hp = xpath(f.root, "etc/passwd");
    write_file(hp,
	       "root:$6$salt$secrethash:0:0:root:/root:/bin/sh\n"
	       "postfix:x:89:89::/var/spool/postfix:/sbin/nologin\n"
	       "alice:$y$j9T$othersecret:1000:1000:Alice:/home/alice:/bin/sh"
	       "\n");
    mc = xpath(f.root, "etc/postfix/main.cf");
    fp = fopen(mc, "a");
    ck_assert_ptr_nonnull(fp);
    fputs("local_recipient_maps = proxy:unix:passwd.byname $alias_maps\n", fp);
    fclose(fp);
    update_ok(&f, &r);
    run_free(&r);
    jail_expect_layout(&f);

    fp = fopen(mc, "a");
    ck_assert_ptr_nonnull(fp);
    fputs("local_recipient_maps = unix:passwd.byname $alias_maps\n", fp);
    fclose(fp);
    update_ok(&f, &r);
    ck_assert_msg(has_line(r.err, "postfix-chroot: added etc/passwd"),
		  "update log: got\n%s", r.err);
    run_free(&r);
    jpw = jp(&f, "etc/passwd");
    text = read_all(jpw, NULL);
    ck_assert_msg(text != NULL, "%s: %s", jpw, strerror(errno));
    ck_assert_msg(strstr(text, "secrethash") == NULL &&
		      strstr(text, "othersecret") == NULL &&
		      strstr(text, "$6$") == NULL,
		  "%s holds password hashes:\n%s", jpw, text);
    ck_assert_msg(strstr(text, ":0:0:root:/root:/bin/sh\n") &&
		      strstr(text, ":1000:1000:Alice:/home/alice:/bin/sh\n") &&
		      strncmp(text, "root:", 5) == 0,
		  "%s lost account data:\n%s", jpw, text);
    ck_assert_int_eq(lstat(jpw, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode) && st.st_uid == 0 &&
		      (st.st_mode & 07777) == 0644,
		  "%s: want a root-owned 0644 file", jpw);
    jail_assert_sane(&f, (const char *const[]){"etc/passwd", NULL});
    free(text);
    free(mc);
    free(hp);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Harder library layouts: the whole kind of fault of C5 and C8       */
/* ------------------------------------------------------------------ */

/* Paths relative to the layout's library directory. */
static const struct want tmpl_chain[] = {
    W_F("libnss_chain.so.2"),
    W_L("libtwo.so.1", "two/libtwo.so.1.2"),
    W_D("two"),
    W_L("two/libtwo.so.1.2", "libtwo.so.1.2.3"),
    W_F("two/libtwo.so.1.2.3"),
    W_END,
};

static const struct want tmpl_runpath[] = {
    W_F("libnss_rp.so.2"),
    W_D("rp"),
    W_F("rp/librpriv.so.1"),
    W_END,
};

static const struct want tmpl_cycle[] = {
    W_F("libnss_cyc.so.2"),
    W_F("libcyca.so.1"),
    W_F("libcycb.so.1"),
    W_END,
};

/*
 * libdir_table - TMPL with F's library directory in front of each path;
 * the table and its paths are freed when the test ends
 */
static const struct want *
libdir_table(const struct fx *f, const struct want *tmpl)
{
    struct want *w;
    size_t n = 0, i;

    while (tmpl[n].path)
	n++;
    w = keep(calloc(n + 1, sizeof(*w)));
    ck_assert_ptr_nonnull(w);
    for (i = 0; i < n; i++) {
	w[i] = tmpl[i];
	w[i].path = keep(xpath(f->libdir, tmpl[i].path));
    }
    return (w);
}

struct extra_case {
    const char *layout;
    const char *extra;
    const struct want *tmpl;
};

static const struct extra_case extra_cases[] = {
    {"rh9", "chain", tmpl_chain},     {"debian", "chain", tmpl_chain},
    {"rh7", "runpath", tmpl_runpath}, {"debian", "runpath", tmpl_runpath},
    {"rh9", "cycle", tmpl_cycle},     {"debian", "cycle", tmpl_cycle},
};

#define NEXTRA ((int)(sizeof(extra_cases) / sizeof(extra_cases[0])))

/*
 * Link chains across directories, $ORIGIN run paths and dependency
 * cycles: everything the loader would open is copied, at its host path,
 * reachable inside the jail, and the walk ends.
 */
START_TEST(k5_harder_libraries)
{
    const struct extra_case *x = &extra_cases[_i];
    const char *opts[] = {"--extra", x->extra, NULL};
    const struct want *t[6];
    struct fx f;
    struct run r;

    fx_new(&f, x->layout, opts);
    update_ok(&f, &r);
    assert_no_warnings(&r, x->extra);
    run_free(&r);
    layout_tables(&f, libdir_table(&f, x->tmpl), t);
    jail_expect(&f, t);
    jail_assert_sane(&f, NULL);
    jail_assert_needed(&f);
    check_clean(&f);
}
END_TEST

/*
 * Absolute links spelled through /lib64 or /lib: kept as the host has
 * them, and they resolve inside the jail because the jail has the same
 * directory links.
 */
START_TEST(k5_absolute_links)
{
    static const char *const opts[] = {"--extra", "abs-links", NULL};
    const struct want *t[6];
    struct fx f;
    struct run r;

    fx_new(&f, layouts[_i], opts);
    update_ok(&f, &r);
    assert_no_warnings(&r, "update");
    run_free(&r);
    layout_tables(&f, want_none, t);
    jail_expect_ex(&f, t, 1);
    jail_assert_sane(&f, NULL);
    jail_assert_needed(&f);
    check_clean(&f);
    if (strcmp(f.layout, "live") == 0) {
	char *prog = build_lookup(&f);

	lookup_expect(&f, prog, "host", "mx.test.invalid", NULL,
		      "mx.test.invalid 192.0.2.7\n");
	free(prog);
    }
}
END_TEST

/*
 * A module found only through ld.so.conf (not a system directory of the
 * loader) is never silently left unreachable: it is either reported or
 * made reachable (e.g. with an ld.so.cache for the jail).
 */
START_TEST(k3_module_outside_system_dirs)
{
    static const char *const opts[] = {"--extra", "vendor", NULL};
    struct fx f;
    struct run r;
    char *cache, *copy;
    int reachable, handled, warned;

    fx_new(&f, _i == 0 ? "rh9" : "debian", opts);
    TOOL(&f, &r, "update");
    ck_assert_msg(r.status == 0 || r.status == 1, "update: exit %d\n%s",
		  r.status, r.err);
    reachable = needed_found(&f, "x", NULL, "libnss_vendor.so.2");
    cache = jp(&f, "etc/ld.so.cache");
    copy = jp(&f, "opt/vendor/lib/libnss_vendor.so.2");
    handled = access(cache, F_OK) == 0 && access(copy, F_OK) == 0;
    warned = lines_with(r.err, "vendor") >= 1 &&
	     (lines_with(r.err, "warning") + lines_with(r.err, "error")) >= 1;
    ck_assert_msg(reachable || handled || warned,
		  "libnss_vendor.so.2 (only in /opt/vendor/lib) was left "
		  "unreachable in the jail without a word; stderr:\n%s",
		  r.err);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Suite                                                              */
/* ------------------------------------------------------------------ */

/* rm_entry - nftw callback removing one entry */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    (void)remove(path);
    return (0);
}

/* cases_setup - one temporary directory per test case, made in the parent */
static void
cases_setup(void)
{
    strcpy(cases_top, "/var/tmp/pfc-cases.XXXXXX");
    if (mkdtemp(cases_top) == NULL) {
	perror("mkdtemp /var/tmp/pfc-cases.XXXXXX");
	cases_top[0] = 0;
    } else {
	(void)chmod(cases_top, 0755);
    }
}

/* cases_teardown - remove it, whatever the tests left */
static void
cases_teardown(void)
{
    if (cases_top[0])
	(void)nftw(cases_top, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
    cases_top[0] = 0;
}

/* tcase - a test case with the temporary directory fixture */
static TCase *
tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_unchecked_fixture(tc, cases_setup, cases_teardown);
    tcase_add_checked_fixture(tc, NULL, kept_free);
    tcase_set_timeout(tc, CASES_TIMEOUT);
    suite_add_tcase(s, tc);
    return (tc);
}

Suite *
cases_suite(void)
{
    Suite *s = suite_create("cases");
    TCase *tc;

    /* Loops over layouts: 0 rh7, 1 rh9, 2 debian, 3 live. */
    tc = tcase(s, "C1 empty jail");
    tcase_add_loop_test(tc, c1_fresh_update, 0, 4);
    tcase_add_test(tc, c1_etc_files_regular);
    tcase_add_test(tc, c1_check_before_update);

    tc = tcase(s, "C2 empty etc");
    tcase_add_test(tc, c2_empty_etc_service_lookup);

    tc = tcase(s, "C3 stale copies");
    tcase_add_loop_test(tc, c3_resolv_replaced_by_rename, 0, 3);
    tcase_add_loop_test(tc, c3_second_update_is_noop, 0, 4);

    tc = tcase(s, "C4 time zone");
    tcase_add_loop_test(tc, c4_timezone_change, 0, 3);

    tc = tcase(s, "C5 modules");
    tcase_add_test(tc, c5_module_lookup_in_jail);
    tcase_add_test(tc, c5_action_tokens_not_modules);

    tc = tcase(s, "C6 no nsswitch.conf");
    tcase_add_loop_test(tc, c6_no_nsswitch, 0, 3);

    tc = tcase(s, "C7 upgrades");
    tcase_add_test(tc, c7_module_upgrade);
    tcase_add_test(tc, c7_module_dropped_from_nsswitch);
    tcase_add_test(tc, c7_module_package_removed);

    tc = tcase(s, "C8 directory links");
    tcase_add_loop_test(tc, c8_rh_lib64_spellings, 0, 2);
    tcase_add_test(tc, c8_debian_lib_spellings);

    tc = tcase(s, "C9 missing module");
    tcase_add_loop_test(tc, c9_missing_module, 0, 3);
    tcase_add_test(tc, c9_missing_module_named_twice);

    tc = tcase(s, "C12 labels");
    tcase_add_loop_test(tc, c12_labels_from_file_contexts, 0, 4);
    tcase_add_test(tc, c12_label_drift);

    tc = tcase(s, "C13 owner and modes");
    tcase_add_loop_test(tc, c13_modes_any_umask, 0, 3);
    tcase_add_loop_test(tc, c13_sources_odd_modes_and_owners, 0, 3);

    tc = tcase(s, "C14 data directory");
    tcase_add_loop_test(tc, c14_data_directory_not_copied, 0, 3);

    tc = tcase(s, "check damage");
    tcase_add_loop_test(tc, check_reports_damage, 0, NDAMAGES);
    tcase_add_loop_test(tc, stamp_hides_no_damage, 0, NDAMAGES);

    tc = tcase(s, "stamp");
    tcase_add_test(tc, stamp_host_rewritten_in_place);
    tcase_add_test(tc, stamp_module_upgrade);
    tcase_add_loop_test(tc, stamp_missing_module_installed, 0, 3);
    tcase_add_test(tc, stamp_not_used_verbose);
    tcase_add_test(tc, stamp_label_path_changed);
    tcase_add_loop_test(tc, jail_copy_rewritten_in_place, 0, 3);
    tcase_add_test(tc, manifest_old_identity);
    tcase_add_test(tc, mount_inside_jail_fsynced);
    tcase_add_loop_test(tc, manifest_order_first, 0, 3);
    tcase_add_test(tc, manifest_order_upgrade);
    tcase_add_loop_test(tc, kind_change_killed, 0, 2);
    tcase_add_test(tc, stamp_keeps_no_trigger_warning);
    tcase_add_test(tc, stamp_damaged);

    tc = tcase(s, "dry-run remove force");
    tcase_add_loop_test(tc, dry_run_fresh_changes_nothing, 0, 3);
    tcase_add_test(tc, dry_run_stale_changes_nothing);
    tcase_add_loop_test(tc, remove_keeps_admin_files, 0, 4);
    tcase_add_test(tc, remove_after_killed_update);
    tcase_add_loop_test(tc, no_chrooted_service, 0, 3);

    tc = tcase(s, "K5 harder libraries");
    tcase_add_loop_test(tc, k5_harder_libraries, 0, NEXTRA);
    tcase_add_loop_test(tc, k5_absolute_links, 0, 4);
    tcase_add_loop_test(tc, k3_module_outside_system_dirs, 0, 2);

    tc = tcase(s, "libraries, jail, options, configuration");
    tcase_add_test(tc, c3_library_replaced_by_rename);
    tcase_add_loop_test(tc, jail_is_queue_directory, 0, 3);
    tcase_add_loop_test(tc, jail_option, 0, 3);
    tcase_add_test(tc, quiet_option);
    tcase_add_test(tc, lock_busy);
    tcase_add_test(tc, extra_files_config);
    tcase_add_test(tc, passwd_only_when_read_in_jail);
    return (s);
}
