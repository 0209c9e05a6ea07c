/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	testutil - helpers shared by the unit tests of the readers and the
 *	jail engine
 * SUMMARY
 *	Temporary trees, small files, content hashes and child processes
 *	for tests/check_*.c.
 * DESCRIPTION
 *	Everything here is static inline, so that each test file that
 *	includes this header gets its own copy and the Makefile, which
 *	compiles only tests/check_*.c and tests/runner.c, needs no change.
 *
 *	tu_top_setup() and tu_top_teardown() are meant for an unchecked
 *	fixture: they make and remove one top directory per TCase below
 *	TU_TMPDIR.  tu_newdir() makes a fresh directory below it for one
 *	test; the names are unique, so tests also work with CK_FORK=no,
 *	when they all share one process.
 *
 *	tu_write() and tu_read() create and read whole files; tu_hash() is
 *	FNV-1a over a file's bytes, used to show that a planted outside
 *	file was not changed.  tu_run() runs a program and waits for it.
 * DIAGNOSTICS
 *	Helpers that cannot do their job fail the test with "got X, want
 *	Y"; the teardown never fails.
 * SECURITY
 *	Test code; never installed.  Every path is below the temporary
 *	directory that the fixture made.
 */
#ifndef PFC_TESTUTIL_H
#define PFC_TESTUTIL_H

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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where the per-TCase directories go; /tmp is sticky and root-owned,
 * which jail_open() accepts above a jail. */
#define TU_TMPDIR "/tmp"

/* The top directory of the running TCase. */
static char tu_top[PATH_MAX];

/* tu_rm_entry - nftw() callback that removes one entry */
static inline int
tu_rm_entry(const char *path, const struct stat *st, int flag,
	    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    (void)remove(path);
    return (0);
}

/* tu_rm_rf - remove the tree PATH, unchecked */
static inline void
tu_rm_rf(const char *path)
{
    (void)nftw(path, tu_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tu_top_setup_named - make the TCase directory TU_TMPDIR/NAME.XXXXXX */
static inline void
tu_top_setup_named(const char *name)
{
    snprintf(tu_top, sizeof(tu_top), "%s/%s.XXXXXX", TU_TMPDIR, name);
    if (mkdtemp(tu_top) == NULL)
	tu_top[0] = 0;
}

/* tu_umount_below - lazily unmount everything mounted below DIR, so that
 * a test that failed with a file system mounted leaves nothing behind */
static inline void
tu_umount_below(const char *dir)
{
    char line[2 * PATH_MAX], mnt[PATH_MAX];
    size_t n = strlen(dir);
    FILE *fp;

    if (n == 0 || (fp = fopen("/proc/self/mounts", "re")) == NULL)
	return;
    while (fgets(line, sizeof(line), fp) != NULL) {
	if (sscanf(line, "%*s %4095s", mnt) == 1
	    && strncmp(mnt, dir, n) == 0 && mnt[n] == '/')
	    (void)umount2(mnt, MNT_DETACH);
    }
    fclose(fp);
}

/* tu_top_teardown - remove the TCase directory, whatever the tests did */
static inline void
tu_top_teardown(void)
{
    if (tu_top[0]) {
	tu_umount_below(tu_top);
	tu_rm_rf(tu_top);
    }
    tu_top[0] = 0;
}

/* tu_pathf - format a path into BUF, failing the test when cut short */
static inline char *__attribute__((format(printf, 3, 4)))
tu_pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    ck_assert_msg(n >= 0 && (size_t)n < len,
		  "path: got %d bytes, want fewer than %zu", n, len);
    return (buf);
}

/* tu_newdir - a fresh directory (mode 0755) below the TCase directory */
static inline char *
tu_newdir(char *buf, size_t len, const char *name)
{
    ck_assert_msg(tu_top[0] != 0,
		  "temporary directory: got none, want one");
    tu_pathf(buf, len, "%s/%s.XXXXXX", tu_top, name);
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp %s: got %s, want success",
		  buf, strerror(errno));
    ck_assert_msg(chmod(buf, 0755) == 0, "chmod %s: got %s, want success",
		  buf, strerror(errno));
    return (buf);
}

/* tu_mkdir - mkdir PATH with MODE (exactly, umask aside) */
static inline void
tu_mkdir(const char *path, mode_t mode)
{
    ck_assert_msg(mkdir(path, mode) == 0, "mkdir %s: got %s, want success",
		  path, strerror(errno));
    ck_assert_msg(chmod(path, mode) == 0, "chmod %s: got %s, want success",
		  path, strerror(errno));
}

/* tu_write - create or truncate PATH to hold LEN bytes of DATA */
static inline void
tu_write(const char *path, const void *data, size_t len)
{
    const char *p = data;
    ssize_t n;
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	      0644);
    ck_assert_msg(fd >= 0, "create %s: got %s, want success", path,
		  strerror(errno));
    while (len > 0) {
	n = write(fd, p, len);
	ck_assert_msg(n > 0, "write %s: got %s, want success", path,
		      n < 0 ? strerror(errno) : "nothing written");
	p += n;
	len -= (size_t)n;
    }
    ck_assert_msg(close(fd) == 0, "close %s: got %s, want success", path,
		  strerror(errno));
}

/* tu_write_str - create PATH holding the string TEXT */
static inline void
tu_write_str(const char *path, const char *text)
{
    tu_write(path, text, strlen(text));
}

/*
 * tu_rewrite_in_place - overwrite the start of PATH with TEXT on the same
 * inode, then put its times back: only the change time tells
 */
static inline void
tu_rewrite_in_place(const char *path, const char *text)
{
    struct timespec t[2];
    struct stat st;
    size_t len = strlen(text);
    int fd;

    ck_assert_int_eq(stat(path, &st), 0);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "%s: cannot open for writing", path);
    ck_assert_int_eq(pwrite(fd, text, len, 0), (ssize_t)len);
    t[0] = st.st_atim;
    t[1] = st.st_mtim;
    ck_assert_int_eq(futimens(fd, t), 0);
    close(fd);
}

/* tu_read - the whole file PATH, NUL-terminated, or NULL; caller frees */
static inline char *
tu_read(const char *path, size_t *lenp)
{
    size_t cap = 4096, len = 0;
    char *buf;
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
	return (NULL);
    buf = malloc(cap + 1);
    ck_assert_msg(buf != NULL, "malloc: got NULL, want memory");
    while ((n = read(fd, buf + len, cap - len)) > 0) {
	len += (size_t)n;
	if (len == cap) {
	    cap *= 2;
	    buf = realloc(buf, cap + 1);
	    ck_assert_msg(buf != NULL, "realloc: got NULL, want memory");
	}
    }
    close(fd);
    buf[len] = 0;
    if (lenp)
	*lenp = len;
    return (buf);
}

/* tu_hash_mem - FNV-1a of LEN bytes */
static inline uint64_t
tu_hash_mem(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;

    while (len-- > 0) {
	h ^= *p++;
	h *= 1099511628211ULL;
    }
    return (h);
}

/* tu_hash - FNV-1a of the bytes of PATH (following links); 0 if absent */
static inline uint64_t
tu_hash(const char *path)
{
    size_t len;
    char *buf = tu_read(path, &len);
    uint64_t h;

    if (buf == NULL)
	return (0);
    h = tu_hash_mem(buf, len);
    free(buf);
    return (h);
}

/* tu_exists - does PATH exist (not following a last link)? */
static inline int
tu_exists(const char *path)
{
    struct stat st;

    return (lstat(path, &st) == 0);
}

/* tu_count_entries - entries in directory PATH whose name starts with
 * PREFIX ("" for all but "." and "..") */
static inline int
tu_count_entries(const char *path, const char *prefix)
{
    struct dirent *de;
    DIR *d;
    int n = 0;

    d = opendir(path);
    ck_assert_msg(d != NULL, "opendir %s: got %s, want success", path,
		  strerror(errno));
    while ((de = readdir(d)) != NULL) {
	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
	    n++;
    }
    closedir(d);
    return (n);
}

/* tu_run - run ARGV (NULL-terminated) with stdout and stderr to
 * /dev/null; its exit status, or -1 */
static inline int
tu_run(const char *const argv[])
{
    pid_t pid;
    int status, fd;

    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s, want success", strerror(errno));
    if (pid == 0) {
	if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
	    dup2(fd, 1);
	    dup2(fd, 2);
	}
	execvp(argv[0], (char *const *)argv);
	_exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
	return (-1);
    return (WEXITSTATUS(status));
}

/* tu_time_scale - how much slower than usual the tests run: 20 under
 * valgrind (seen in LD_PRELOAD), PFC_TEST_TIME_SCALE when set, 5 in a
 * sanitizer build, else 1 */
static inline double
tu_time_scale(void)
{
    const char *pre = getenv("LD_PRELOAD"), *env;

    if (pre && strstr(pre, "valgrind"))
	return (20.0);
    if ((env = getenv("PFC_TEST_TIME_SCALE")) && atof(env) >= 1.0)
	return (atof(env));
#ifdef __SANITIZE_ADDRESS__
    return (5.0);
#else
    return (1.0);
#endif
}

/* tu_need_root - fail, rather than pass, when not run as root */
static inline void
tu_need_root(void)
{
    ck_assert_msg(geteuid() == 0,
		  "effective uid: got %u, want 0 (this test needs root; "
		  "make check runs it as root)", (unsigned)geteuid());
}

#endif
