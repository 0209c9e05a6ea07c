/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	util - memory, string list and small file helpers
 * SUMMARY
 *	Allocation that cannot fail silently, a string list, bounded reads
 *	and path arithmetic.
 * DESCRIPTION
 *	x*alloc() and xstrdup() abort through msg_fatal() when memory runs
 *	out: a half-computed plan is worse than no run.  strlist_* keep an
 *	array of owned strings.  read_fd_bounded() reads a whole descriptor
 *	into a NUL-terminated buffer of at most MAX bytes.  path_* work on
 *	strings only and never touch the file system.
 * DIAGNOSTICS
 *	read_* return 0 or a negative errno; -EFBIG when MAX is exceeded.
 * SECURITY
 *	Every read is bounded by its caller's limit.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "util.h"

/* xmalloc - allocate or die */
void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
	msg_fatal(1, "out of memory");
    return (p);
}

/* xcalloc - allocate zeroed memory or die */
void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
	msg_fatal(1, "out of memory");
    return (p);
}

/* xrealloc - resize or die */
void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
	msg_fatal(1, "out of memory");
    return (q);
}

/* xstrdup - copy a string or die */
char *
xstrdup(const char *s)
{
    return (xstrndup(s, strlen(s)));
}

/* xstrndup - copy at most N bytes of a string or die */
char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = 0;
    return (p);
}

/* xasprintf - format into a new string or die */
char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0)
	msg_fatal(1, "out of memory");
    va_end(ap);
    return (p);
}

/* strlist_add - append a copy of S */
void
strlist_add(struct strlist *l, const char *s)
{
    if (l->n + 1 >= l->cap) {
	l->cap = l->cap ? 2 * l->cap : 8;
	l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = xstrdup(s);
    l->v[l->n] = NULL;
}

/* strlist_add_nodup - append a copy of S unless already present */
void
strlist_add_nodup(struct strlist *l, const char *s)
{
    if (!strlist_has(l, s))
	strlist_add(l, s);
}

/* strlist_index - position of S in the list, or the list's length */
size_t
strlist_index(const struct strlist *l, const char *s)
{
    size_t i;

    for (i = 0; i < l->n; i++)
	if (strcmp(l->v[i], s) == 0)
	    break;
    return (i);
}

/* strlist_has - is S in the list? */
int
strlist_has(const struct strlist *l, const char *s)
{
    return (strlist_index(l, s) < l->n);
}

/* strlist_free - release the list and its strings */
void
strlist_free(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
	free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* read_fd_bounded - read all of FD, at most MAX bytes, NUL-terminated */
int
read_fd_bounded(int fd, size_t max, char **bufp, size_t *lenp)
{
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap + 1);
    ssize_t n;

    for (;;) {
	if (len == cap) {
	    if (cap > max) {
		free(buf);
		return (-EFBIG);
	    }
	    cap *= 2;
	    buf = xrealloc(buf, cap + 1);
	}
	n = read(fd, buf + len, cap - len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    n = -errno;
	    free(buf);
	    return ((int)n);
	}
	if (n == 0)
	    break;
	len += (size_t)n;
	if (len > max) {
	    free(buf);
	    return (-EFBIG);
	}
    }
    buf[len] = 0;
    *bufp = buf;
    *lenp = len;
    return (0);
}

/* read_file_at - open PATH below DIRFD (following links) and read it */
int
read_file_at(int dirfd, const char *path, size_t max, char **bufp,
	     size_t *lenp)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int ret;

    if (fd < 0) {
	ret = -errno;
	deps_note(dirfd, path, DEPS_WHOLE | DEPS_FOLLOW, NULL, -ret);
	return (ret);
    }
    deps_note_fd(dirfd, path, fd);
    ret = read_fd_bounded(fd, max, bufp, lenp);
    close(fd);
    return (ret);
}

/* path_join - A "/" B without doubled slashes */
char *
path_join(const char *a, const char *b)
{
    size_t la = strlen(a);

    while (la > 0 && a[la - 1] == '/')
	la--;
    while (*b == '/')
	b++;
    if (*b == 0)
	return (la ? xstrndup(a, la) : xstrdup("/"));
    return (xasprintf("%.*s/%s", (int)la, a, b));
}

/* path_basename - pointer to the last component */
const char *
path_basename(const char *p)
{
    const char *s = strrchr(p, '/');

    return (s ? s + 1 : p);
}

/* path_dirname - new string with everything before the last '/' */
char *
path_dirname(const char *p)
{
    const char *s = strrchr(p, '/');

    if (s == NULL)
	return (xstrdup("."));
    if (s == p)
	return (xstrdup("/"));
    return (xstrndup(p, (size_t)(s - p)));
}

/*
 * path_rel_ok - is PATH a plain relative path: not empty, no leading or
 * trailing slash, no empty, "." or ".." component, no control characters?
 * Every path below the jail or in the manifest must be one.
 */
int
path_rel_ok(const char *path)
{
    const char *p = path, *c;

    if (*p == 0 || *p == '/' || p[strlen(p) - 1] == '/')
	return (0);
    for (c = p; *c; c++)
	if ((unsigned char)*c < 0x20 || *c == 0x7f)
	    return (0);
    while (*p) {
	size_t n = strcspn(p, "/");

	if (n == 0 || (n == 1 && p[0] == '.')
	    || (n == 2 && p[0] == '.' && p[1] == '.'))
	    return (0);
	p += n + (p[n] == '/');
    }
    return (1);
}

/* path_is_below - is PATH equal to DIR or inside it (string test)? */
int
path_is_below(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
	n--;
    if (strncmp(path, dir, n) != 0)
	return (0);
    return (path[n] == 0 || path[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* write_all - write all N bytes of BUF to FD; 0 or a negative errno */
int
write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    ssize_t w;

    while (n > 0) {
	if ((w = write(fd, p, n)) < 0) {
	    if (errno == EINTR)
		continue;
	    return (-errno);
	}
	p += w;
	n -= (size_t)w;
    }
    return (0);
}

/*
 * dir_unsafe - why the directory whose status is ST may not be trusted
 * by a root process, or NULL: it must be a directory, owned by root, and
 * not writable by group or others (sticky ones such as /tmp excepted
 * with ALLOW_STICKY), or its entries can change between check and use.
 */
const char *
dir_unsafe(const struct stat *st, int allow_sticky)
{
    if (!S_ISDIR(st->st_mode))
	return ("not a directory");
    if (st->st_uid != 0)
	return ("directory not owned by root");
    if ((st->st_mode & 022) && !(allow_sticky && (st->st_mode & S_ISVTX)))
	return ("directory writable by group or others");
    return (NULL);
}
