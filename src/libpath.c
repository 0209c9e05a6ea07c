/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	libpath - where the system's loader finds shared objects
 * SUMMARY
 *	The loader's built-in directories, the ld.so.conf directories and a
 *	search that follows the loader's order, for the system below a root.
 * DESCRIPTION
 *	libpath_init() finds libc.so.6 to learn the layout: Debian's
 *	multiarch (/usr/lib/TRIPLET, built-in directories /lib/TRIPLET,
 *	/usr/lib/TRIPLET, /lib, /usr/lib), Red Hat's lib64 (/lib64,
 *	/usr/lib64) or a plain lib (/lib, /usr/lib).  The ELF class and
 *	machine of libc are kept: objects of another kind are not used by the
 *	loader and are skipped.  It then reads /etc/ld.so.conf and its
 *	include files.
 *
 *	libpath_find() looks for the file NAME the way the loader looks for a
 *	DT_NEEDED entry: the RUNPATH of the object that needs it ($ORIGIN
 *	replaced by ORIGIN), then the ld.so.conf directories (what the
 *	loader's cache holds), then the built-in directories.  The path found
 *	is returned as spelled in the directory list; the caller resolves it.
 *
 *	libpath_is_sysdir() tells whether a canonical directory is one the
 *	loader searches without a cache, which is all a chrooted daemon has:
 *	an object copied to the same path there is found by dlopen() inside
 *	the jail.  libpath_in_runpath() does the same for a RUNPATH.
 * DIAGNOSTICS
 *	libpath_init() returns -ENOENT with a reason in ERR when no libc.so.6
 *	is found.  libpath_find() returns 0 or -ENOENT.
 * SECURITY
 *	Reads only the system below the root, which is root-owned.  Include
 *	nesting and directory counts are bounded.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "elfread.h"
#include "libpath.h"
#include "util.h"

#define LDCONF_MAX_DEPTH 8
#define LDCONF_MAX_DIRS 256
#define LDCONF_MAX_SIZE (256UL * 1024)

/*
 * lp_stat - stat PATH below the root, following links inside the root.
 * The kernel must never follow a link itself here: an absolute link
 * (libcap.so.2 -> /lib64/libcap.so.2.48) would be resolved against the
 * running system instead of the root.
 */
static int
lp_stat(int rootfd, const char *path, struct stat *st)
{
    char *canon;
    int ret;

    if (root_resolve(rootfd, path, 1, &canon, NULL) < 0)
	return (-1);
    ret = fstatat(rootfd, root_rel(canon), st, AT_SYMLINK_NOFOLLOW);
    free(canon);
    return (ret);
}

/* lp_exists - is PATH a regular file below the root? */
static int
lp_exists(const struct libpath *lp, const char *path)
{
    struct stat st;

    return (lp_stat(lp->rootfd, path, &st) == 0 && S_ISREG(st.st_mode));
}

/* lp_find_triplet - the multiarch directory holding libc.so.6, or NULL */
static char *
lp_find_triplet(int rootfd)
{
    DIR *d;
    struct dirent *de;
    char *found = NULL;
    int fd = root_open(rootfd, "/usr/lib", O_RDONLY | O_DIRECTORY, NULL);
    struct stat st;

    if (fd < 0 || (d = fdopendir(fd)) == NULL) {
	if (fd >= 0)
	    close(fd);
	return (NULL);
    }
    while ((de = readdir(d)) != NULL && found == NULL) {
	char *p;

	if (fnmatch("*-linux-gnu*", de->d_name, 0) != 0)
	    continue;
	p = xasprintf("/usr/lib/%s/libc.so.6", de->d_name);
	if (lp_stat(rootfd, p, &st) == 0 && S_ISREG(st.st_mode))
	    found = xstrdup(de->d_name);
	free(p);
    }
    closedir(d);
    return (found);
}

/* lp_add_sysdir - add a built-in directory that exists */
static void
lp_add_sysdir(struct libpath *lp, const char *dir)
{
    char *canon, *dot = path_join(dir, ".");
    int ret;

    /* With "/." the last component is crossed, so a link is recorded. */
    ret = root_resolve(lp->rootfd, dot, 1, &canon, &lp->links);
    free(dot);
    if (ret < 0)
	return;
    strlist_add(&lp->sysdirs, dir);
    strlist_add(&lp->sysdirs_canon, canon);
    free(canon);
}

/* lp_add_confdir - add an ld.so.conf directory that exists */
static void
lp_add_confdir(struct libpath *lp, const char *dir)
{
    char *canon;

    if (lp->confdirs.n >= LDCONF_MAX_DIRS || dir[0] != '/')
	return;
    if (root_resolve(lp->rootfd, dir, 1, &canon, NULL) < 0)
	return;
    strlist_add_nodup(&lp->confdirs, canon);
    free(canon);
}

static void lp_read_ldconf(struct libpath *, const char *, int);

/* lp_cmp_names - qsort() comparison of two string pointers */
static int
lp_cmp_names(const void *a, const void *b)
{
    return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* lp_include - read the files an "include PATTERN" line names */
static void
lp_include(struct libpath *lp, const char *pattern, int depth)
{
    char *dir = path_dirname(pattern), *canon;
    const char *glob = path_basename(pattern);
    struct strlist names = {0};
    struct dirent *de;
    DIR *d;
    int fd;
    size_t i;

    if (root_resolve(lp->rootfd, dir, 1, &canon, NULL) < 0) {
	free(dir);
	return;
    }
    fd = openat(lp->rootfd, root_rel(canon), O_RDONLY | O_DIRECTORY
		| O_CLOEXEC);
    if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
	while ((de = readdir(d)) != NULL && names.n < LDCONF_MAX_DIRS)
	    if (de->d_name[0] != '.' && fnmatch(glob, de->d_name, 0) == 0)
		strlist_add(&names, de->d_name);
	closedir(d);
    } else if (fd >= 0) {
	close(fd);
    }

    /* glob() sorts its result; so does this, for the same order. */
    if (names.n > 1)
	qsort(names.v, names.n, sizeof(char *), lp_cmp_names);
    for (i = 0; i < names.n; i++) {
	char *p = path_join(canon, names.v[i]);

	lp_read_ldconf(lp, p, depth + 1);
	free(p);
    }
    strlist_free(&names);
    free(canon);
    free(dir);
}

/* lp_read_ldconf - read one ld.so.conf-style file */
static void
lp_read_ldconf(struct libpath *lp, const char *path, int depth)
{
    char *buf, *line, *save = NULL;
    size_t len;
    int fd;

    if (depth > LDCONF_MAX_DEPTH)
	return;
    if ((fd = root_open(lp->rootfd, path, O_RDONLY, NULL)) < 0)
	return;
    if (read_fd_bounded(fd, LDCONF_MAX_SIZE, &buf, &len) < 0) {
	close(fd);
	return;
    }
    close(fd);
    for (line = strtok_r(buf, "\n", &save); line;
	 line = strtok_r(NULL, "\n", &save)) {
	char *hash = strchr(line, '#'), *w, *e;

	if (hash)
	    *hash = 0;
	for (w = line; *w == ' ' || *w == '\t'; w++)
	    ;
	for (e = w + strlen(w); e > w && (e[-1] == ' ' || e[-1] == '\t');)
	    *--e = 0;
	if (*w == 0)
	    continue;
	if (strncmp(w, "include", 7) == 0 && (w[7] == ' ' || w[7] == '\t')) {
	    char *pat = w + 8, *abs;

	    while (*pat == ' ' || *pat == '\t')
		pat++;
	    abs = (*pat == '/') ? xstrdup(pat) : path_join("/etc", pat);
	    lp_include(lp, abs, depth);
	    free(abs);
	} else if (*w == '/') {
	    lp_add_confdir(lp, w);
	}
    }
    free(buf);
}

/* lp_check_libc - learn ELF class and machine from libc */
static int
lp_check_libc(struct libpath *lp, const char *path, char *err,
	      size_t errlen)
{
    struct elf_info ei = {0};
    int fd, ret;

    if ((fd = root_open(lp->rootfd, path, O_RDONLY, &lp->libc)) < 0) {
	snprintf(err, errlen, "%s: %s", path, strerror(-fd));
	return (fd);
    }
    ret = elfread_fd(fd, &ei);
    close(fd);
    if (ret < 0) {
	snprintf(err, errlen, "%s: not a usable ELF object: %s", path,
		 strerror(-ret));
	return (ret);
    }
    lp->elf_class = ei.elf_class;
    lp->elf_data = ei.data;
    lp->machine = ei.machine;
    elfread_free(&ei);
    return (0);
}

/* libpath_init - learn the loader's directories of the root's system */
int
libpath_init(struct libpath *lp, int rootfd, char *err, size_t errlen)
{
    char *triplet, *libc = NULL;
    int ret;

    memset(lp, 0, sizeof(*lp));
    lp->rootfd = rootfd;
    if ((triplet = lp_find_triplet(rootfd)) != NULL) {
	char *a = xasprintf("/lib/%s", triplet);
	char *b = xasprintf("/usr/lib/%s", triplet);

	lp->layout = "multiarch";
	lp_add_sysdir(lp, a);
	lp_add_sysdir(lp, b);
	lp_add_sysdir(lp, "/lib");
	lp_add_sysdir(lp, "/usr/lib");
	libc = xasprintf("/usr/lib/%s/libc.so.6", triplet);
	free(a);
	free(b);
	free(triplet);
    } else if (lp_exists(lp, "/usr/lib64/libc.so.6")
	       || lp_exists(lp, "/lib64/libc.so.6")) {
	lp->layout = "lib64";
	lp_add_sysdir(lp, "/lib64");
	lp_add_sysdir(lp, "/usr/lib64");
	libc = xstrdup(lp_exists(lp, "/lib64/libc.so.6")
		       ? "/lib64/libc.so.6" : "/usr/lib64/libc.so.6");
    } else if (lp_exists(lp, "/usr/lib/libc.so.6")
	       || lp_exists(lp, "/lib/libc.so.6")) {
	lp->layout = "lib";
	lp_add_sysdir(lp, "/lib");
	lp_add_sysdir(lp, "/usr/lib");
	libc = xstrdup(lp_exists(lp, "/lib/libc.so.6") ? "/lib/libc.so.6"
		       : "/usr/lib/libc.so.6");
    } else {
	snprintf(err, errlen, "no libc.so.6 in /usr/lib64, /lib64, /usr/lib "
		 "or a multiarch directory");
	return (-ENOENT);
    }
    ret = lp_check_libc(lp, libc, err, errlen);
    free(libc);
    if (ret < 0) {
	libpath_free(lp);
	return (ret);
    }
    lp_read_ldconf(lp, "/etc/ld.so.conf", 0);
    return (0);
}

/*
 * lp_elf_matches - is the file at canonical PATH an ELF object of libc's
 * class, byte order and machine (1)?  The loader passes over one that is
 * not (0: a 32-bit library in an ld.so.conf directory) and searches on.
 * -1: not an ELF object at all or unreadable, which the loader passes
 * over too, but which is taken when nothing better is found (below).
 */
static int
lp_elf_matches(const struct libpath *lp, const char *path)
{
    unsigned char h[20];
    unsigned machine;
    int fd, ok = 0;

    fd = openat(lp->rootfd, root_rel(path), O_RDONLY | O_NOFOLLOW
		| O_NONBLOCK | O_CLOEXEC);

    /*
     * A file that is there but cannot be read is taken: the ELF reader
     * then reports it, and the jail keeps its copy, rather than the
     * module silently counting as not installed.
     */
    if (fd < 0)
	return (errno != ENOENT && errno != ELOOP ? -1 : 0);
    if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)
	|| memcmp(h, "\177ELF", 4) != 0) {
	ok = -1;
    } else if (h[4] == lp->elf_class && h[5] == lp->elf_data) {
	machine = h[5] == ELF_DATA_LSB ? h[18] | (unsigned)h[19] << 8
	    : (unsigned)h[18] << 8 | h[19];
	ok = (machine == lp->machine);
    }
    close(fd);
    return (ok);
}

/*
 * lp_try_dir - is NAME a file in the directory CANON_DIR (canonical)?
 * Then *found = SPELLED_DIR/NAME.  The common case, a regular file or no
 * file, costs one fstatat(); only a link is resolved in full.
 */
static int
lp_try_dir(const struct libpath *lp, const char *canon_dir,
	   const char *spelled_dir, const char *name, char **found)
{
    char *p = path_join(canon_dir, name), *c = NULL;
    struct stat st;
    int hit;

    if (fstatat(lp->rootfd, root_rel(p), &st, AT_SYMLINK_NOFOLLOW) < 0) {
	deps_note(lp->rootfd, root_rel(p), DEPS_WHOLE, NULL, errno);
    } else {
	deps_note(lp->rootfd, root_rel(p), DEPS_WHOLE, &st, 0);
	if (S_ISREG(st.st_mode))
	    c = xstrdup(p);
	else if (S_ISLNK(st.st_mode)
		 && root_resolve(lp->rootfd, p, 1, &c, NULL) < 0)
	    c = NULL;
    }
    hit = (c != NULL ? lp_elf_matches(lp, c) : 0);
    free(c);
    free(p);
    if (hit)
	*found = path_join(spelled_dir, name);
    return (hit);
}

/* lp_expand_origin - RUNPATH element with $ORIGIN replaced */
static char *
lp_expand_origin(const char *elem, size_t len, const char *origin)
{
    char *e = xstrndup(elem, len), *r;

    if (strncmp(e, "$ORIGIN", 7) == 0 && origin)
	r = xasprintf("%s%s", origin, e + 7);
    else if (strncmp(e, "${ORIGIN}", 9) == 0 && origin)
	r = xasprintf("%s%s", origin, e + 9);
    else
	return (e);
    free(e);
    return (r);
}

/* libpath_in_runpath - is CANON_DIR one of the RUNPATH directories? */
int
libpath_in_runpath(const struct libpath *lp, const char *canon_dir,
		   const char *runpath, const char *origin)
{
    const char *p = runpath;
    int hit = 0;

    while (p && *p && !hit) {
	size_t n = strcspn(p, ":");
	char *d = lp_expand_origin(p, n, origin), *c;

	if (d[0] == '/' && root_resolve(lp->rootfd, d, 1, &c, NULL) == 0) {
	    hit = (strcmp(c, canon_dir) == 0);
	    free(c);
	}
	free(d);
	p += n + (p[n] == ':');
    }
    return (hit);
}

/* lp_found - 1 on a match; remember the first broken candidate */
static int
lp_found(int hit, char **found, char **broken)
{
    if (hit > 0) {
	free(*broken);
	*broken = NULL;
	return (1);
    }
    if (hit < 0 && *broken == NULL)
	*broken = *found;
    else if (hit < 0)
	free(*found);
    return (0);
}

/* libpath_find - find NAME where the loader would */
int
libpath_find(const struct libpath *lp, const char *name, const char *runpath,
	     const char *origin, char **found)
{
    const char *p = runpath;
    char *broken = NULL;
    size_t i;
    int hit;

    if (strchr(name, '/') != NULL || name[0] == 0 || name[0] == '.')
	return (-EINVAL);
    while (p && *p) {
	size_t n = strcspn(p, ":");
	char *d = lp_expand_origin(p, n, origin), *c;

	hit = 0;
	if (d[0] == '/' && root_resolve(lp->rootfd, d, 1, &c, NULL) == 0) {
	    hit = lp_try_dir(lp, c, d, name, found);
	    free(c);
	}
	free(d);
	if (lp_found(hit, found, &broken))
	    return (0);
	p += n + (p[n] == ':');
    }
    for (i = 0; i < lp->confdirs.n; i++) {
	hit = lp_try_dir(lp, lp->confdirs.v[i], lp->confdirs.v[i], name,
			 found);
	if (lp_found(hit, found, &broken))
	    return (0);
    }
    for (i = 0; i < lp->sysdirs.n; i++) {
	/* A directory already searched under another name is not again. */
	if (strlist_has(&lp->confdirs, lp->sysdirs_canon.v[i])
	    || strlist_index(&lp->sysdirs_canon, lp->sysdirs_canon.v[i]) < i)
	    continue;
	hit = lp_try_dir(lp, lp->sysdirs_canon.v[i], lp->sysdirs.v[i], name,
			 found);
	if (lp_found(hit, found, &broken))
	    return (0);
    }

    /*
     * Only a broken file of that name: hand it over, so that the reader
     * reports it and the jail keeps its copy, rather than the module
     * counting as not installed and its copy being removed.
     */
    if (broken) {
	*found = broken;
	return (0);
    }
    return (-ENOENT);
}

/* libpath_is_sysdir - is CANON_DIR a built-in loader directory? */
int
libpath_is_sysdir(const struct libpath *lp, const char *canon_dir)
{
    return (strlist_has(&lp->sysdirs_canon, canon_dir));
}

/* libpath_free - release LP */
void
libpath_free(struct libpath *lp)
{
    strlist_free(&lp->sysdirs);
    strlist_free(&lp->sysdirs_canon);
    strlist_free(&lp->confdirs);
    root_links_free(&lp->links);
    free(lp->libc);
    lp->libc = NULL;
}
