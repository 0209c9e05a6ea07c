/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	root - resolve paths of the system below --root
 * SUMMARY
 *	Symbolic link resolution that treats a directory as "/", the way a
 *	chroot would, without entering it.
 * DESCRIPTION
 *	root_resolve() turns PATH, an absolute path as seen inside the root,
 *	into its canonical form: no ".", "..", doubled slashes or symbolic
 *	links.  Absolute link targets restart at the root, ".." never climbs
 *	above it.  With FOLLOW_LAST zero a link in the last component is kept.
 *	When LINKS is not NULL every directory link crossed on the way is
 *	appended to it (the jail recreates them, so that both spellings of a
 *	library path work inside it).  The result is malloc()ed.
 *
 *	root_open() resolves PATH and opens the result relative to ROOTFD
 *	with O_NOFOLLOW added, so what is opened is what was resolved.
 *
 *	root_rel() gives the root-relative spelling of a canonical path
 *	("/etc/hosts" -> "etc/hosts", "/" -> ".") for *at() calls.
 * DIAGNOSTICS
 *	0 or a negative errno: -ENOENT, -ELOOP after ROOT_MAX_LINKS links,
 *	-ENAMETOOLONG beyond PATH_MAX.
 * SECURITY
 *	The tree below the root is the system's own, owned by root, and is
 *	trusted as far as contents go; resolution is bounded all the same.
 *	Nothing here is used inside the jail, which has its own walker.
 *
 *	Every component looked at is recorded (deps_note()): a directory
 *	crossed by its identity, the rest in full, a missing name as missing.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "root.h"
#include "util.h"

/* root_rel - relative spelling of a canonical absolute path */
const char *
root_rel(const char *abs)
{
    while (*abs == '/')
	abs++;
    return (*abs ? abs : ".");
}

/* root_links_add - remember one crossed link, once */
static void
root_links_add(struct root_links *l, const char *path, const char *target)
{
    size_t i;

    for (i = 0; i < l->n; i++)
	if (strcmp(l->v[i].path, path) == 0)
	    return;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n].path = xstrdup(path);
    l->v[l->n].target = xstrdup(target);
    l->n++;
}

/* root_links_free - release a list of crossed links */
void
root_links_free(struct root_links *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
	free(l->v[i].path);
	free(l->v[i].target);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* root_resolve - canonical form of PATH inside the root at ROOTFD */
int
root_resolve(int rootfd, const char *path, int follow_last, char **canon,
	     struct root_links *links)
{
    char out[PATH_MAX], rest[2 * PATH_MAX], tmp[2 * PATH_MAX];
    char target[PATH_MAX];
    const char *r = rest;	/* what is left of REST to resolve */
    size_t olen = 0;
    int nlinks = 0;

    if (strlen(path) >= sizeof(rest))
	return (-ENAMETOOLONG);
    strcpy(rest, path);
    out[0] = 0;

    for (;;) {
	const char *comp = r, *next;
	struct stat st;
	ssize_t tl;
	size_t clen;

	while (*comp == '/')
	    comp++;
	if (*comp == 0)
	    break;
	next = strchr(comp, '/');
	clen = next ? (size_t)(next - comp) : strlen(comp);
	r = comp + clen;

	/* Dots: stay, or climb one level but never above the root. */
	if (clen == 1 && comp[0] == '.')
	    continue;
	if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
	    while (olen > 0 && out[olen - 1] != '/')
		olen--;
	    if (olen > 0)
		olen--;
	    out[olen] = 0;
	    continue;
	}
	if (olen + 1 + clen >= sizeof(out))
	    return (-ENAMETOOLONG);
	out[olen] = '/';
	memcpy(out + olen + 1, comp, clen);
	out[olen + 1 + clen] = 0;

	/* A link is followed unless it is the last component and kept. */
	if (fstatat(rootfd, out + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
	    int err = errno;

	    deps_note(rootfd, out + 1, DEPS_WHOLE, NULL, err);
	    return (-err);
	}
	deps_note(rootfd, out + 1, S_ISDIR(st.st_mode) && r[0] != 0
		  ? DEPS_IDENT : DEPS_WHOLE, &st, 0);
	if (!S_ISLNK(st.st_mode) || (!follow_last && r[0] == 0)) {
	    olen += 1 + clen;
	    continue;
	}
	if (++nlinks > ROOT_MAX_LINKS)
	    return (-ELOOP);
	tl = readlinkat(rootfd, out + 1, target, sizeof(target) - 1);
	if (tl < 0)
	    return (-errno);
	target[tl] = 0;
	if (links && r[0] != 0)
	    root_links_add(links, out, target);
	if ((size_t)tl + strlen(r) + 1 >= sizeof(tmp))
	    return (-ENAMETOOLONG);

	/*
	 * R is empty or starts with its '/'.  Nothing is put between, so
	 * that the last link of a chain stays the last component: a slash
	 * added here would make every further link of the chain look like a
	 * directory link crossed on the way.
	 */
	strcpy(tmp, target);
	strcat(tmp, r);
	strcpy(rest, tmp);
	r = rest;
	if (target[0] == '/')
	    olen = 0;
	out[olen] = 0;
    }
    *canon = xstrdup(olen ? out : "/");
    return (0);
}

/* root_open - resolve PATH and open it with O_NOFOLLOW */
int
root_open(int rootfd, const char *path, int flags, char **canon)
{
    char *c;
    int ret, fd;

    if ((ret = root_resolve(rootfd, path, 1, &c, NULL)) < 0)
	return (ret);
    fd = openat(rootfd, root_rel(c), flags | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
	ret = -errno;
	free(c);
	return (ret);
    }
    if (canon)
	*canon = c;
    else
	free(c);
    return (fd);
}
