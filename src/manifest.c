/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	manifest - what the tool installed in a jail, and the run lock
 * SUMMARY
 *	The record that lets the tool remove what it no longer needs and
 *	nothing else, kept outside the jail.
 * DESCRIPTION
 *	state_open() opens the state directory (default
 *	/var/lib/postfix-chroot below the root), making its last component
 *	when CREATE is set, and verifies it is a root-owned directory that
 *	others cannot write, reached from "/" through root-owned directories
 *	that others cannot write (sticky ones excepted) and no symbolic
 *	link.  On a refusal WHY names the component and the reason.
 *
 *	manifest_name() turns a jail path into a file name: the path without
 *	its leading slash, doubled slashes, "." and ".." components (so that
 *	every spelling of one jail gives one name), '/' written as '-' and
 *	'-' and '\' as \x2d and \x5c, plus SUFFIX (".manifest", ".lock").
 *
 *	manifest_load() reads a manifest: a header line, then "KIND PATH" per
 *	line, KIND one of f, l, d; a file's line may end in a tab and the
 *	identity of the copy (device, inode and change time of the source it
 *	was copied from, inode and change time of the copy), which update
 *	uses to know when a source or the copy changed without a change of
 *	size or modification time.  A manifest saved with
 *	PENDING set carries a "# pending" line: update writes it before it
 *	changes the jail and replaces it when done, so finding it means a
 *	run died half-way and left temporary files to clean.  A missing
 *	manifest is an empty one.
 *	manifest_save() writes a new one atomically (temporary file, fsync,
 *	rename, fsync of the directory).  manifest_add() appends or updates;
 *	manifest_sort() orders by path for manifest_find().
 *
 *	manifest_lock() takes an exclusive flock() on the lock file, waiting
 *	up to WAIT_SECONDS (0: do not wait).  It returns the descriptor,
 *	held until exit, or -EWOULDBLOCK.
 * DIAGNOSTICS
 *	0 (or a descriptor) or a negative errno.  A manifest line that is not
 *	well formed gives -EINVAL: a damaged record is not guessed at.
 * SECURITY
 *	The state directory lives outside the jail, where the postfix user
 *	cannot write, so that user cannot make the tool delete a file it
 *	did not install.  Paths read back are checked again (relative, no
 *	".." component) before use.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "manifest.h"
#include "util.h"

#define MANIFEST_HEADER "# postfix-chroot manifest 1"
#define MANIFEST_PENDING "# pending"

/* state_refuse - say in WHY which component of ABS (to END) is refused */
static int
state_refuse(const char *abs, const char *end, const char *what,
	     char *why, size_t whylen)
{
    snprintf(why, whylen, "%.*s: %s", (int)(end - abs), abs, what);
    return (-EPERM);
}

/* state_bad_dir - why directory FD may not be crossed or used, or NULL */
static const char *
state_bad_dir(int fd, int allow_sticky)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
	return ("not a directory");
    return (dir_unsafe(&st, allow_sticky));
}

/* state_bad_name - why NAME below DFD could not be opened as a directory */
static const char *
state_bad_name(int dfd, const char *name)
{
    struct stat st;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	&& S_ISLNK(st.st_mode))
	return ("a symbolic link");
    return ("not a directory");
}

/*
 * state_walk_parent - open the directory above the last component of the
 * absolute path ABS, one component at a time from "/", without following
 * a link; each directory crossed must be root-owned and not writable by
 * group or others (unless sticky, as /tmp is), or whoever can change it
 * could put another state directory, and so another manifest, in the
 * tool's way.  Sets *LAST to the last component (ABS is cut into pieces;
 * ORIG is an untouched copy, for messages).  -EPERM with WHY set when
 * unsafe.
 */
static int
state_walk_parent(char *abs, const char *orig, char **last, char *why,
		  size_t whylen)
{
    const char *bad;
    char *comp, *next;
    int fd, sub;

    if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	return (-errno);
    for (comp = abs; *comp == '/'; comp++)
	;
    for (;;) {
	if ((bad = state_bad_dir(fd, 1)) != NULL) {
	    close(fd);
	    return (state_refuse(orig, orig + (comp - abs) - (comp > abs + 1),
				 bad, why, whylen));
	}
	if ((next = strchr(comp, '/')) == NULL)
	    break;
	*next++ = 0;
	while (*next == '/')
	    next++;
	if (*next == 0)
	    break;
	sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		     | O_CLOEXEC);
	if (sub < 0 && (errno == ELOOP || errno == ENOTDIR)) {
	    bad = state_bad_name(fd, comp);
	    close(fd);
	    return (state_refuse(orig, orig + (comp - abs) + strlen(comp),
				 bad, why, whylen));
	}
	close(fd);
	if (sub < 0)
	    return (-errno);
	fd = sub;
	comp = next;
    }
    *last = comp;
    return (fd);
}

/* state_open - open (and maybe make) the state directory DIR */
int
state_open(const char *dir, int create, int *fdp, char *why, size_t whylen)
{
    char *abs, *orig, *last = NULL, cwd[4096];
    const char *bad;
    int pfd, fd, err;

    why[0] = 0;
    if (dir[0] == '/')
	abs = xstrdup(dir);
    else if (getcwd(cwd, sizeof(cwd)) != NULL)
	abs = path_join(cwd, dir);
    else
	return (-errno);
    orig = xstrdup(abs);
    if ((pfd = state_walk_parent(abs, orig, &last, why, whylen)) < 0) {
	free(orig);
	free(abs);
	return (pfd);
    }
    if (*last == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
	/* "/", "x/." or "x/..": no name to make or check on its own. */
	fd = openat(pfd, *last ? last : ".", O_RDONLY | O_DIRECTORY
		    | O_NOFOLLOW | O_CLOEXEC);
    } else if (create && mkdirat(pfd, last, 0755) < 0 && errno != EEXIST) {
	fd = -1;
    } else {
	fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		    | O_CLOEXEC);
    }
    err = errno;
    if (fd < 0 && (err == ELOOP || err == ENOTDIR))
	snprintf(why, whylen, "%s: %s", orig, state_bad_name(pfd, last));
    close(pfd);
    if (fd < 0) {
	free(orig);
	free(abs);
	return (-err);
    }
    if ((bad = state_bad_dir(fd, 0)) != NULL) {
	snprintf(why, whylen, "%s: %s", orig, bad);
	close(fd);
	free(orig);
	free(abs);
	return (-EPERM);
    }
    free(orig);
    free(abs);
    *fdp = fd;
    return (0);
}

/* manifest_canon - JAIL without empty, "." and ".." components */
static char *
manifest_canon(const char *jail)
{
    char *out = xmalloc(strlen(jail) + 2);
    const char *p = jail;
    size_t olen = 0, n;

    /*
     * "/srv/jail/", "/srv//jail" and "/srv/x/../jail" name one jail and
     * must share one record and one lock, or two runs on that jail would
     * not exclude each other.  ".." is taken lexically: jail_open()
     * refuses a jail path with a symbolic link in it, so no component
     * here can be a link that ".." would climb out of differently.
     */
    for (;;) {
	while (*p == '/')
	    p++;
	if ((n = strcspn(p, "/")) == 0)
	    break;
	if (n == 2 && p[0] == '.' && p[1] == '.') {
	    while (olen > 0 && out[olen - 1] != '/')
		olen--;
	    if (olen > 0)
		olen--;
	} else if (n != 1 || p[0] != '.') {
	    out[olen++] = '/';
	    memcpy(out + olen, p, n);
	    olen += n;
	}
	p += n;
    }
    out[olen] = 0;
    return (out);
}

/* manifest_name - file name for the record of jail JAIL */
char *
manifest_name(const char *jail, const char *suffix)
{
    char *canon = manifest_canon(jail);
    size_t len = strlen(canon);
    char *out = xmalloc(4 * len + strlen(suffix) + 2), *o = out;
    const char *p = canon;

    while (*p == '/')
	p++;
    if (*p == 0)
	o += sprintf(o, "-");
    for (; *p; p++) {
	if (*p == '/')
	    *o++ = '-';
	else if (*p == '-' || *p == '\\')
	    o += sprintf(o, "\\x%02x", (unsigned char)*p);
	else
	    *o++ = *p;
    }
    strcpy(o, suffix);
    free(canon);
    return (out);
}

/* manifest_add - record PATH of KIND (replacing an earlier kind) */
void
manifest_add(struct manifest *m, char kind, const char *path)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
	if (strcmp(m->v[i].path, path) == 0) {
	    m->v[i].kind = kind;
	    return;
	}
    }
    m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
    m->v[m->n].kind = kind;
    m->v[m->n].path = xstrdup(path);
    m->v[m->n].id = NULL;
    m->n++;
}

/* manifest_set_id - remember the identity of the source of PATH */
void
manifest_set_id(struct manifest *m, const char *path, const char *id)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
	if (strcmp(m->v[i].path, path) == 0) {
	    free(m->v[i].id);
	    m->v[i].id = id ? xstrdup(id) : NULL;
	    return;
	}
    }
}

/* manifest_id_ok - is ID made of what a source identity holds? */
static int
manifest_id_ok(const char *id)
{
    return (*id && strspn(id, "0123456789:.") == strlen(id)
	    && strlen(id) < 128);
}

/* manifest_cmp - order by path */
static int
manifest_cmp(const void *a, const void *b)
{
    return (strcmp(((const struct manifest_entry *)a)->path,
		   ((const struct manifest_entry *)b)->path));
}

/* manifest_sort - sort for manifest_find */
void
manifest_sort(struct manifest *m)
{
    if (m->n > 1)
	qsort(m->v, m->n, sizeof(*m->v), manifest_cmp);
}

/* manifest_find - entry for PATH in a sorted manifest, or NULL */
const struct manifest_entry *
manifest_find(const struct manifest *m, const char *path)
{
    struct manifest_entry key;

    if (m->n == 0)
	return (NULL);
    key.path = (char *)path;
    return (bsearch(&key, m->v, m->n, sizeof(*m->v), manifest_cmp));
}

/* manifest_file_ok - is FD a root-owned regular file with one link? */
static int
manifest_file_ok(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
	return (-errno);
    if (!S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1)
	return (-EPERM);
    return (0);
}

/* manifest_load - read the record NAME in SFD; missing is empty */
int
manifest_load(int sfd, const char *name, struct manifest *m)
{
    char *buf, *line, *save = NULL;
    size_t len;
    int fd, ret;

    memset(m, 0, sizeof(*m));

    /* O_NONBLOCK: a FIFO in its place must not hang the run. */
    fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
	return (errno == ENOENT ? 0 : -errno);
    if (manifest_file_ok(fd) < 0) {
	close(fd);
	return (-EINVAL);
    }
    ret = read_fd_bounded(fd, MANIFEST_MAX_SIZE, &buf, &len);
    close(fd);
    if (ret < 0)
	return (ret);
    if (strncmp(buf, MANIFEST_HEADER "\n", sizeof(MANIFEST_HEADER)) != 0
	|| memchr(buf, 0, len) != NULL) {
	free(buf);
	return (-EINVAL);
    }
    line = buf + sizeof(MANIFEST_HEADER);
    if (strncmp(line, MANIFEST_PENDING "\n", sizeof(MANIFEST_PENDING)) == 0) {
	m->pending = 1;
	line += sizeof(MANIFEST_PENDING);
    }
    for (line = strtok_r(line, "\n", &save); line;
	 line = strtok_r(NULL, "\n", &save)) {
	char *id = strchr(line, '\t');

	if (id)
	    *id++ = 0;
	if (strchr("fld", line[0]) == NULL || line[1] != ' '
	    || !path_rel_ok(line + 2) || (id && !manifest_id_ok(id))) {
	    free(buf);
	    manifest_free(m);
	    return (-EINVAL);
	}
	manifest_add(m, line[0], line + 2);
	if (id)
	    manifest_set_id(m, line + 2, id);
    }
    free(buf);
    manifest_sort(m);
    return (0);
}

/* manifest_save - write the record NAME in SFD atomically */
int
manifest_save(int sfd, const char *name, const struct manifest *m)
{
    char *tmp = xasprintf(".%s.%ld.tmp", name, (long)getpid());
    FILE *fp;
    size_t i;
    int fd, ret = 0;

    unlinkat(sfd, tmp, 0);
    fd = openat(sfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		| O_CLOEXEC, 0644);
    if (fd < 0) {
	ret = -errno;
	free(tmp);
	return (ret);
    }
    if ((fp = fdopen(fd, "w")) == NULL) {
	ret = -errno;
	close(fd);
    } else {
	fprintf(fp, "%s\n", MANIFEST_HEADER);
	if (m->pending)
	    fprintf(fp, "%s\n", MANIFEST_PENDING);
	for (i = 0; i < m->n; i++)
	    fprintf(fp, "%c %s%s%s\n", m->v[i].kind, m->v[i].path,
		    m->v[i].id ? "\t" : "", m->v[i].id ? m->v[i].id : "");
	if (fflush(fp) != 0 || ferror(fp) || fsync(fd) < 0)
	    ret = -errno;
	if (fclose(fp) != 0 && ret == 0)
	    ret = -errno;
    }
    if (ret == 0 && renameat(sfd, tmp, sfd, name) < 0)
	ret = -errno;
    if (ret < 0)
	unlinkat(sfd, tmp, 0);
    else
	fsync(sfd);
    free(tmp);
    return (ret ? ret : 0);
}

/* manifest_free - release the record */
void
manifest_free(struct manifest *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
	free(m->v[i].path);
	free(m->v[i].id);
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

/* manifest_lock - exclusive lock on NAME in SFD */
int
manifest_lock(int sfd, const char *name, int wait_seconds)
{
    struct timespec delay = {0, 100 * 1000 * 1000};
    struct stat st;
    int fd, tries;

    /*
     * Look before opening: opening a device node planted as the lock can
     * have effects of its own.  Then check what was opened.
     */
    if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	&& (!S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != 0))
	return (S_ISLNK(st.st_mode) ? -ELOOP : -EPERM);
    fd = openat(sfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK
		| O_CLOEXEC, 0600);
    if (fd < 0)
	return (-errno);
    if (manifest_file_ok(fd) < 0) {
	close(fd);
	return (-EPERM);
    }
    for (tries = 0;; tries++) {
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
	    return (fd);
	if (errno != EWOULDBLOCK || tries >= wait_seconds * 10) {
	    int ret = -errno;

	    close(fd);
	    return (ret);
	}
	nanosleep(&delay, NULL);
    }
}
