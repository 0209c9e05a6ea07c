/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxkill - LD_PRELOAD shim: SIGKILL before the Nth changing call
 * SUMMARY
 *	LD_PRELOAD=hxkill.so HXK_AT=N [HXK_LOG=FILE] [HXK_COUNT=FILE] PROG
 * DESCRIPTION
 *	Counts the C library calls through which a program changes the file
 *	system: open and openat when they may create or write, mkdir,
 *	write to a descriptor above 2, copy_file_range, sync_file_range,
 *	syncfs, fsync, ftruncate, fchown, fchownat,
 *	fchmod, futimens, rename, renameat, symlinkat, unlinkat, flock and
 *	the xattr setters.  The call numbered HXK_AT (1 is the first) is
 *	never made: the process kills itself with SIGKILL just before it,
 *	so every state a crash can leave between two such calls is reached
 *	by some N.  Without HXK_AT nothing is killed.
 *
 *	HXK_LOG names a file that gets one line per counted call ("N NAME
 *	DETAIL"); HXK_COUNT a file that gets the total at exit.  The sweep
 *	of tests/hardening/crash.sh first runs the program unharmed with
 *	HXK_COUNT to learn how many calls there are, then kills it at each.
 *
 *	HXK_HOOK_ON=NAME[:TEXT] and HXK_HOOK="unlink PATH": at the first
 *	counted call named NAME (whose detail, a path, holds TEXT when
 *	given), PATH is unlinked before the call is made.  The fault test
 *	uses it to make a host file vanish after the plan was made
 *	(faults.sh hooks the creation of the first temporary file in the
 *	jail, which comes after planning and before any copying).
 *
 *	HXK_FAIL_ON=NAME: the first counted call named NAME (fsync or
 *	syncfs) is not made and fails with EIO, as after a write-back
 *	error.
 *
 *	HXK_FASTSLEEP=1 makes nanosleep() return at once, so a run that
 *	waits for a lock in 100 ms steps reaches its time limit in no time.
 *
 *	Calls that the C library makes internally (stdio flushing its
 *	buffer with write(), for one) do not pass through here; the fsync()
 *	and rename() around them do, so the states they leave are reached
 *	all the same.
 * DIAGNOSTICS
 *	None; the log file is the record.
 * SECURITY
 *	Test code, never installed.  It only observes and kills the program
 *	it is loaded into.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long hxk_at = -1;
static long hxk_n;
static int hxk_logfd = -1;
static int hxk_ready;
static const char *hxk_hook_on;
static const char *hxk_hook;
static const char *hxk_fail_on;
static int hxk_fastsleep;

static void *hxk_next(const char *);

/* hxk_init - read the environment once */
static void
hxk_init(void)
{
    const char *s;

    if (hxk_ready)
	return;
    hxk_ready = 1;
    if ((s = getenv("HXK_AT")) != NULL && *s)
	hxk_at = strtol(s, NULL, 10);
    hxk_hook_on = getenv("HXK_HOOK_ON");
    hxk_hook = getenv("HXK_HOOK");
    hxk_fail_on = getenv("HXK_FAIL_ON");
    hxk_fastsleep = (s = getenv("HXK_FASTSLEEP")) != NULL && *s == '1';
    if ((s = getenv("HXK_LOG")) != NULL && *s)
	hxk_logfd = (int)syscall(SYS_openat, AT_FDCWD, s,
				 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				 0600);
}

/* hxk_hook_due - is the call NAME with DETAIL the one to hook? */
static int
hxk_hook_due(const char *name, const char *detail)
{
    const char *colon = strchr(hxk_hook_on, ':');
    size_t n = colon ? (size_t)(colon - hxk_hook_on) : strlen(hxk_hook_on);

    if (strncmp(name, hxk_hook_on, n) != 0 || name[n] != 0)
	return (0);
    return (colon == NULL || (detail && strstr(detail, colon + 1)));
}

/*
 * hxk_count - count one changing call; die before it if it is the one.
 * 1 when the call is to fail instead of being made (HXK_FAIL_ON).
 */
static int
hxk_count(const char *name, const char *detail)
{
    char line[512];
    int len;

    hxk_init();
    hxk_n++;
    if (hxk_logfd >= 0) {
	len = snprintf(line, sizeof(line), "%ld %s %.400s\n", hxk_n, name,
		       detail ? detail : "");
	if (len > 0)
	    (void)syscall(SYS_write, hxk_logfd, line,
			  (size_t)(len < (int)sizeof(line) ? len
				   : (int)sizeof(line) - 1));
    }
    if (hxk_hook_on && hxk_hook && hxk_hook_due(name, detail)) {
	if (strncmp(hxk_hook, "unlink ", 7) == 0)
	    (void)syscall(SYS_unlinkat, AT_FDCWD, hxk_hook + 7, 0);
	hxk_hook_on = NULL;
    }
    if (hxk_n == hxk_at)
	(void)syscall(SYS_kill, (long)syscall(SYS_getpid), SIGKILL);
    if (hxk_fail_on && strcmp(name, hxk_fail_on) == 0) {
	hxk_fail_on = NULL;
	return (1);
    }
    return (0);
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
    static int (*next)(const struct timespec *, struct timespec *);

    hxk_init();
    if (hxk_fastsleep)
	return (0);
    if (next == NULL)
	next = hxk_next("nanosleep");
    return (next(req, rem));
}

/* hxk_fini - report the total */
static void __attribute__((destructor))
hxk_fini(void)
{
    const char *s = getenv("HXK_COUNT");
    char buf[32];
    int fd, len;

    if (s == NULL || *s == 0)
	return;
    fd = (int)syscall(SYS_openat, AT_FDCWD, s,
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
	return;
    len = snprintf(buf, sizeof(buf), "%ld\n", hxk_n);
    (void)syscall(SYS_write, fd, buf, (size_t)len);
    (void)syscall(SYS_close, fd);
}

/* hxk_next - the next definition of NAME */
static void *
hxk_next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if (f == NULL)
	abort();
    return (f);
}

#define HXK_CHANGES(flags) \
    ((flags) & (O_CREAT | O_WRONLY | O_RDWR | O_TRUNC))

int
open(const char *path, int flags, ...)
{
    static int (*next)(const char *, int, ...);
    mode_t mode = 0;
    va_list ap;

    if (next == NULL)
	next = hxk_next("open");
    if (flags & (O_CREAT | O_TMPFILE)) {
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
    }
    if (HXK_CHANGES(flags))
	hxk_count("open", path);
    return (next(path, flags, mode));
}

int
__open_2(const char *path, int flags)
{
    static int (*next)(const char *, int);

    if (next == NULL)
	next = hxk_next("__open_2");
    if (HXK_CHANGES(flags))
	hxk_count("open", path);
    return (next(path, flags));
}

int
openat(int dfd, const char *path, int flags, ...)
{
    static int (*next)(int, const char *, int, ...);
    mode_t mode = 0;
    va_list ap;

    if (next == NULL)
	next = hxk_next("openat");
    if (flags & (O_CREAT | O_TMPFILE)) {
	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
    }
    if (HXK_CHANGES(flags))
	hxk_count("openat", path);
    return (next(dfd, path, flags, mode));
}

int
__openat_2(int dfd, const char *path, int flags)
{
    static int (*next)(int, const char *, int);

    if (next == NULL)
	next = hxk_next("__openat_2");
    if (HXK_CHANGES(flags))
	hxk_count("openat", path);
    return (next(dfd, path, flags));
}

int
mkdir(const char *path, mode_t mode)
{
    static int (*next)(const char *, mode_t);

    if (next == NULL)
	next = hxk_next("mkdir");
    hxk_count("mkdir", path);
    return (next(path, mode));
}

int
mkdirat(int dfd, const char *path, mode_t mode)
{
    static int (*next)(int, const char *, mode_t);

    if (next == NULL)
	next = hxk_next("mkdirat");
    hxk_count("mkdirat", path);
    return (next(dfd, path, mode));
}

ssize_t
write(int fd, const void *buf, size_t len)
{
    static ssize_t (*next)(int, const void *, size_t);

    if (next == NULL)
	next = hxk_next("write");
    if (fd > 2)
	hxk_count("write", NULL);
    return (next(fd, buf, len));
}

ssize_t
copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t len,
		unsigned flags)
{
    static ssize_t (*next)(int, off_t *, int, off_t *, size_t, unsigned);

    if (next == NULL)
	next = hxk_next("copy_file_range");
    hxk_count("copy_file_range", NULL);
    return (next(in, inoff, out, outoff, len, flags));
}

int
sync_file_range(int fd, off_t off, off_t len, unsigned flags)
{
    static int (*next)(int, off_t, off_t, unsigned);

    if (next == NULL)
	next = hxk_next("sync_file_range");
    hxk_count("sync_file_range", NULL);
    return (next(fd, off, len, flags));
}

int
syncfs(int fd)
{
    static int (*next)(int);

    if (next == NULL)
	next = hxk_next("syncfs");
    if (hxk_count("syncfs", NULL)) {
	errno = EIO;
	return (-1);
    }
    return (next(fd));
}

int
fsync(int fd)
{
    static int (*next)(int);

    if (next == NULL)
	next = hxk_next("fsync");
    if (hxk_count("fsync", NULL)) {
	errno = EIO;
	return (-1);
    }
    return (next(fd));
}

int
ftruncate(int fd, off_t len)
{
    static int (*next)(int, off_t);

    if (next == NULL)
	next = hxk_next("ftruncate");
    hxk_count("ftruncate", NULL);
    return (next(fd, len));
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
    static int (*next)(int, uid_t, gid_t);

    if (next == NULL)
	next = hxk_next("fchown");
    hxk_count("fchown", NULL);
    return (next(fd, uid, gid));
}

int
fchownat(int dfd, const char *path, uid_t uid, gid_t gid, int flags)
{
    static int (*next)(int, const char *, uid_t, gid_t, int);

    if (next == NULL)
	next = hxk_next("fchownat");
    hxk_count("fchownat", path);
    return (next(dfd, path, uid, gid, flags));
}

int
fchmod(int fd, mode_t mode)
{
    static int (*next)(int, mode_t);

    if (next == NULL)
	next = hxk_next("fchmod");
    hxk_count("fchmod", NULL);
    return (next(fd, mode));
}

int
futimens(int fd, const struct timespec ts[2])
{
    static int (*next)(int, const struct timespec[2]);

    if (next == NULL)
	next = hxk_next("futimens");
    hxk_count("futimens", NULL);
    return (next(fd, ts));
}

int
rename(const char *a, const char *b)
{
    static int (*next)(const char *, const char *);

    if (next == NULL)
	next = hxk_next("rename");
    hxk_count("rename", b);
    return (next(a, b));
}

int
renameat(int da, const char *a, int db, const char *b)
{
    static int (*next)(int, const char *, int, const char *);

    if (next == NULL)
	next = hxk_next("renameat");
    hxk_count("renameat", b);
    return (next(da, a, db, b));
}

int
symlinkat(const char *target, int dfd, const char *path)
{
    static int (*next)(const char *, int, const char *);

    if (next == NULL)
	next = hxk_next("symlinkat");
    hxk_count("symlinkat", path);
    return (next(target, dfd, path));
}

int
unlinkat(int dfd, const char *path, int flags)
{
    static int (*next)(int, const char *, int);

    if (next == NULL)
	next = hxk_next("unlinkat");
    hxk_count("unlinkat", path);
    return (next(dfd, path, flags));
}

int
flock(int fd, int op)
{
    static int (*next)(int, int);

    if (next == NULL)
	next = hxk_next("flock");
    hxk_count("flock", NULL);
    return (next(fd, op));
}

int
fsetxattr(int fd, const char *name, const void *v, size_t len, int flags)
{
    static int (*next)(int, const char *, const void *, size_t, int);

    if (next == NULL)
	next = hxk_next("fsetxattr");
    hxk_count("fsetxattr", name);
    return (next(fd, name, v, len, flags));
}

int
lsetxattr(const char *path, const char *name, const void *v, size_t len,
	  int flags)
{
    static int (*next)(const char *, const char *, const void *, size_t,
		       int);

    if (next == NULL)
	next = hxk_next("lsetxattr");
    hxk_count("lsetxattr", path);
    return (next(path, name, v, len, flags));
}

int
setxattr(const char *path, const char *name, const void *v, size_t len,
	 int flags)
{
    static int (*next)(const char *, const char *, const void *, size_t,
		       int);

    if (next == NULL)
	next = hxk_next("setxattr");
    hxk_count("setxattr", path);
    return (next(path, name, v, len, flags));
}
