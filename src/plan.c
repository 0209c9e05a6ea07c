/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	plan - what the jail must hold
 * SUMMARY
 *	From the system's configuration, the list of directories, files and
 *	links the chrooted Postfix daemons need, each with its source.
 * DESCRIPTION
 *	plan_build() collects:
 *
 *	- etc files: hosts, resolv.conf, services, host.conf, nsswitch.conf,
 *	  localtime, protocols and gai.conf where the system has them, the
 *	  extra_files of postfix-chroot.conf, and etc/passwd (password fields
 *	  replaced) only when local_recipient_maps reads unix:passwd.byname
 *	  without proxy:, that is inside the jail.  Each is a regular file in
 *	  the jail whose bytes are those of the host file after following
 *	  every link.
 *
 *	- name-service modules: libnss_NAME.so.2 for every module nsswitch.conf
 *	  names (glibc's defaults when the file is missing), libresolv and
 *	  libdb where present, and the closure of their DT_NEEDED entries read
 *	  from the ELF files.  libc and the loader are left out: every daemon
 *	  has them mapped before it enters the jail.  Each object lands at the
 *	  canonical path it has on the host; the links of a chain
 *	  (libnss_x.so.2 -> libnss_x-2.17.so) are repeated as links, and so
 *	  are the directory links crossed on the way (/lib64 -> usr/lib64), so
 *	  that every spelling resolves inside the jail as on the host.  An
 *	  object found only through ld.so.conf, which a chrooted daemon does
 *	  not read, is installed in the loader's first built-in directory
 *	  instead, and said so.
 *
 *	- every parent directory of the above.
 *
 *	The result is sorted by path, each path once.
 * DIAGNOSTICS
 *	A module named but not installed gives one warning; so does an
 *	object whose DT_NEEDED entry cannot be found or whose ELF headers
 *	cannot be read.  files and dns, built into glibc 2.34 and later, are
 *	skipped with -v only.  plan_build() returns 0 or a negative errno.
 * SECURITY
 *	Sources are read below the root, which belongs to root.  Every name
 *	that becomes a jail path is checked by path_rel_ok(): relative, no
 *	"." or ".." component, no control characters.  The object closure is
 *	bounded by PLAN_MAX_OBJECTS and link chains by ROOT_MAX_LINKS.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "elfread.h"
#include "nsswitch.h"
#include "plan.h"
#include "root.h"

/* The etc files every chrooted daemon may read. */
static const char *const plan_etc_files[] = {
    "hosts", "resolv.conf", "services", "host.conf", "nsswitch.conf",
    "localtime", "protocols", "gai.conf", NULL,
};

struct planner {
    const struct plan_input *in;
    struct plan *plan;
    struct strlist visited;     /* canonical objects already added */
    struct root_links dirlinks; /* directory links crossed */
    struct strlist dir_from;    /* directories resolved so far ... */
    struct strlist dir_to;      /* ... and their canonical form */
    size_t objects;
    int depth;                  /* DT_NEEDED nesting of plan_object() */
};

/* plan_add - append an item; the first one for a path wins */
static struct item *
plan_add(struct plan *plan, enum item_kind kind, const char *path,
	 const char *why)
{
    struct item *it;
    size_t i;

    for (i = 0; i < plan->n; i++)
	if (strcmp(plan->v[i].path, path) == 0)
	    return (NULL);
    plan->v = xrealloc(plan->v, (plan->n + 1) * sizeof(*plan->v));
    it = &plan->v[plan->n++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->path = xstrdup(path);
    it->why = xstrdup(why);
    it->mode = (kind == ITEM_FILE) ? 0644 : 0755;
    return (it);
}

/* plan_add_file - a regular file at PATH with the bytes of SOURCE */
static void
plan_add_file(struct planner *pl, const char *path, const char *source,
	      mode_t mode, const char *why)
{
    struct item *it;

    if (!path_rel_ok(path)) {
	msg_warn("%s: unusable path for the jail, skipping", path);
	return;
    }
    if ((it = plan_add(pl->plan, ITEM_FILE, path, why)) != NULL) {
	it->source = xstrdup(source);
	it->mode = mode;
    }
}

/* plan_etc - add one host file at the same path in the jail */
static void
plan_etc(struct planner *pl, const char *abs, int quiet_missing,
	 const char *why, enum item_xform xform)
{
    char *canon;
    struct stat st;
    int ret;

    ret = root_resolve(pl->in->rootfd, abs, 1, &canon, NULL);
    if (ret == 0 && (fstatat(pl->in->rootfd, root_rel(canon), &st,
			     AT_SYMLINK_NOFOLLOW) < 0
		     || !S_ISREG(st.st_mode)))
	ret = -EINVAL;
    if (ret < 0) {
	/* Only a file that is not there may leave the jail. */
	if (ret != -ENOENT)
	    pl->plan->incomplete = 1;
	if (ret == -ENOENT && quiet_missing)
	    msg_info("%s: not on this system, skipping", abs);
	else
	    msg_warn("%s: %s, skipping", abs, ret == -EINVAL
		     ? "not a regular file" : strerror(-ret));
	if (ret == 0)
	    free(canon);
	return;
    }
    plan_add_file(pl, root_rel(abs), canon, 0644, why);
    if (xform != XFORM_NONE && pl->plan->n > 0) {
	struct item *it = &pl->plan->v[pl->plan->n - 1];

	if (strcmp(it->path, root_rel(abs)) == 0)
	    it->xform = xform;
    }
    free(canon);
}

/* plan_passwd_wanted - does Postfix read passwd inside the jail? */
static int
plan_passwd_wanted(const struct pfconf *main_cf)
{
    char *v = pfconf_expand(main_cf, "local_recipient_maps",
			    "proxy:unix:passwd.byname $alias_maps");
    char *save = NULL, *tok;
    int hit = 0;

    for (tok = strtok_r(v, " \t,", &save); tok;
	 tok = strtok_r(NULL, " \t,", &save))
	if (strcmp(tok, "unix:passwd.byname") == 0)
	    hit = 1;
    free(v);
    return (hit);
}

/* plan_etc_all - every etc file */
static void
plan_etc_all(struct planner *pl)
{
    const char *const *name;
    char *extra, *save = NULL, *tok;

    for (name = plan_etc_files; *name; name++) {
	char *abs = xasprintf("/etc/%s", *name);

	plan_etc(pl, abs, 1, "etc file", XFORM_NONE);
	free(abs);
    }
    if (plan_passwd_wanted(pl->in->main_cf))
	plan_etc(pl, "/etc/passwd", 0,
		 "local_recipient_maps reads unix:passwd.byname",
		 XFORM_PASSWD);
    extra = pfconf_expand(pl->in->tool_cf, "extra_files", "");
    for (tok = strtok_r(extra, " \t,", &save); tok;
	 tok = strtok_r(NULL, " \t,", &save)) {
	if (tok[0] != '/' || !path_rel_ok(tok + 1)) {
	    msg_warn("extra_files: %s: not an absolute path, skipping", tok);
	    continue;
	}
	if (strstr(tok, "shadow") != NULL) {
	    msg_warn("extra_files: %s: password data stays out of the jail",
		     tok);
	    continue;
	}
	plan_etc(pl, tok, 0, "extra_files", XFORM_NONE);
    }
    free(extra);
}

/* plan_skip_needed - is NAME mapped by every daemon already? */
static int
plan_skip_needed(const char *name)
{
    return (strcmp(name, "libc.so.6") == 0
	    || strncmp(name, "ld-linux", 8) == 0
	    || strncmp(name, "ld64.so", 7) == 0
	    || strcmp(name, "ld.so.1") == 0);
}

static void plan_object(struct planner *, const char *, const char *,
			const char *, const char *);

/* plan_needed - add the DT_NEEDED closure of the object at CANON */
static void
plan_needed(struct planner *pl, const char *canon, const struct elf_info *ei)
{
    char *origin = path_dirname(canon), *why;
    const char *runpath = ei->runpath ? ei->runpath : ei->rpath;
    size_t i;

    why = xasprintf("needed by %s", root_rel(canon));
    for (i = 0; i < ei->nneeded; i++) {
	char *found;

	if (plan_skip_needed(ei->needed[i]))
	    continue;
	if (libpath_find(pl->in->lp, ei->needed[i], runpath, origin,
			 &found) < 0) {
	    msg_warn("%s: needs %s, which is not installed", canon,
		     ei->needed[i]);
	    continue;
	}
	plan_object(pl, found, why, runpath, origin);
	free(found);
    }
    free(why);
    free(origin);
}

/* plan_read_elf - ELF headers of the object at CANON */
static int
plan_read_elf(struct planner *pl, const char *canon, struct elf_info *ei)
{
    int fd = openat(pl->in->rootfd, root_rel(canon),
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int ret;

    if (fd < 0)
	return (-errno);
    ret = elfread_fd(fd, ei);
    close(fd);
    return (ret);
}

/*
 * plan_resolve - canonical form of PATH without following its last
 * component.  The directories of library paths repeat (a dozen objects
 * in /usr/lib64), so each directory is resolved once per run.
 */
static int
plan_resolve(struct planner *pl, const char *path, char **canon)
{
    const char *base = path_basename(path);
    char *dir;
    size_t i;
    int ret;

    if (!strcmp(base, ".") || !strcmp(base, "..") || base == path)
	return (root_resolve(pl->in->rootfd, path, 0, canon, &pl->dirlinks));
    dir = path_dirname(path);
    i = strlist_index(&pl->dir_from, dir);
    if (i == pl->dir_from.n) {
	/* The whole path, so that the links crossed are recorded. */
	ret = root_resolve(pl->in->rootfd, path, 0, canon, &pl->dirlinks);
	if (ret == 0) {
	    char *cdir = path_dirname(*canon);

	    strlist_add(&pl->dir_from, dir);
	    strlist_add(&pl->dir_to, cdir);
	    free(cdir);
	}
	free(dir);
	return (ret);
    }
    free(dir);
    *canon = path_join(pl->dir_to.v[i], base);
    return (0);
}

/* plan_object - add the object FOUND (and its links and needs) */
static void
plan_object(struct planner *pl, const char *found, const char *why,
	    const char *runpath, const char *origin)
{
    const struct libpath *lp = pl->in->lp;
    struct elf_info ei = {0};
    char *cur, *dir, *file = NULL;
    int ret, hops, reachable;

    if (++pl->objects > PLAN_MAX_OBJECTS) {
	if (pl->objects == PLAN_MAX_OBJECTS + 1)
	    msg_warn("more than %d shared objects needed; ignoring the rest",
		     PLAN_MAX_OBJECTS);
	pl->plan->incomplete = 1;
	return;
    }

    /* A hostile chain of DT_NEEDED entries must not exhaust the stack. */
    if (pl->depth >= PLAN_MAX_DEPTH) {
	msg_warn("%s: DT_NEEDED chain deeper than %d; not followed",
		 found, PLAN_MAX_DEPTH);
	pl->plan->incomplete = 1;
	return;
    }

    /* Canonical directory, remembering the directory links crossed. */
    if ((ret = plan_resolve(pl, found, &cur)) < 0) {
	msg_warn("%s: %s", found, strerror(-ret));
	return;
    }
    dir = path_dirname(cur);
    reachable = libpath_is_sysdir(lp, dir)
	|| (runpath && libpath_in_runpath(lp, dir, runpath, origin));
    free(dir);

    /*
     * Follow the chain of links to the file, recording each link.  An
     * object outside the loader's directories is copied, link chain
     * resolved, into the first built-in directory.
     */
    for (hops = 0; hops <= ROOT_MAX_LINKS; hops++) {
	struct stat st;
	char target[4096], *next, *joined;
	ssize_t tl;

	if (fstatat(pl->in->rootfd, root_rel(cur), &st,
		    AT_SYMLINK_NOFOLLOW) < 0) {
	    int err = errno;

	    deps_note(pl->in->rootfd, root_rel(cur), DEPS_WHOLE, NULL, err);
	    msg_warn("%s: %s", cur, strerror(err));
	    break;
	}
	deps_note(pl->in->rootfd, root_rel(cur), DEPS_WHOLE, &st, 0);
	if (!S_ISLNK(st.st_mode)) {
	    if (S_ISREG(st.st_mode))
		file = xstrdup(cur);
	    else
		msg_warn("%s: not a regular file, skipping", cur);
	    break;
	}
	tl = readlinkat(pl->in->rootfd, root_rel(cur), target,
			sizeof(target) - 1);
	if (tl < 0) {
	    msg_warn("%s: %s", cur, strerror(errno));
	    break;
	}
	target[tl] = 0;
	if (reachable && path_rel_ok(root_rel(cur))) {
	    struct item *it = plan_add(pl->plan, ITEM_LINK, root_rel(cur),
				       why);

	    if (it)
		it->target = xstrdup(target);
	}
	if (target[0] == '/') {
	    joined = xstrdup(target);
	} else {
	    char *d = path_dirname(cur);

	    joined = path_join(d, target);
	    free(d);
	}
	ret = plan_resolve(pl, joined, &next);
	free(joined);
	free(cur);
	cur = NULL;
	if (ret < 0) {
	    msg_warn("%s: link target %s: %s", found, target, strerror(-ret));
	    break;
	}
	cur = next;
    }
    free(cur);
    if (file == NULL)
	return;

    /* Each object once; then its own needs. */
    if (strlist_has(&pl->visited, file)) {
	free(file);
	return;
    }
    strlist_add(&pl->visited, file);
    ret = plan_read_elf(pl, file, &ei);
    if (ret < 0) {
	/* What the jail holds of it stays: update must not remove it. */
	pl->plan->incomplete = 1;
	msg_warn("%s: cannot read ELF headers: %s", file,
		 ret == -ENOEXEC ? "not a valid ELF object"
		 : ret == -E2BIG ? "past a limit of the ELF reader (file "
		 "size, program headers, DT_NEEDED entries, dynamic section "
		 "or names)"
		 : strerror(-ret));
	free(file);
	return;
    }
    if (ei.elf_class != lp->elf_class || ei.machine != lp->machine) {
	msg_warn("%s: built for another machine than libc, skipping", file);
    } else if (reachable) {
	plan_add_file(pl, root_rel(file), file, 0755, why);
	pl->depth++;
	plan_needed(pl, file, &ei);
	pl->depth--;
    } else {
	char *dest = path_join(lp->sysdirs_canon.v[0], path_basename(found));

	msg_info("%s: outside the loader's built-in directories; installed "
		 "as %s in the jail", found, root_rel(dest));
	plan_add_file(pl, root_rel(dest), file, 0755, why);
	pl->depth++;
	plan_needed(pl, file, &ei);
	pl->depth--;
	free(dest);
    }
    elfread_free(&ei);
    free(file);
}

/* plan_find_lib - add library NAME when the system has it */
static int
plan_find_lib(struct planner *pl, const char *name, const char *why)
{
    char *found;

    if (libpath_find(pl->in->lp, name, NULL, NULL, &found) < 0)
	return (-ENOENT);
    plan_object(pl, found, why, NULL, NULL);
    free(found);
    return (0);
}

/*
 * Berkeley DB releases whose library the classic chroot scripts copied.
 * A fixed list costs a few stat() calls; reading the library directories
 * to find "libdb-*.so" would cost more than everything else a no-op run
 * does.
 */
static const char *const plan_libdb_names[] = {
    "libdb-6.2.so", "libdb-6.1.so", "libdb-6.0.so", "libdb-5.3.so",
    "libdb-5.1.so", "libdb-4.8.so", "libdb-4.7.so", NULL,
};

/* plan_libdb - the Berkeley DB library where present */
static void
plan_libdb(struct planner *pl)
{
    const char *const *name;

    for (name = plan_libdb_names; *name; name++)
	if (plan_find_lib(pl, *name, "Berkeley DB, as the classic scripts")
	    == 0)
	    break;
}

/* plan_modules - the name-service modules and their closure */
static void
plan_modules(struct planner *pl)
{
    struct nss_modules mods;
    char *buf, *canon;
    size_t len, i;
    int fd, ret;

    fd = root_open(pl->in->rootfd, "/etc/nsswitch.conf", O_RDONLY, &canon);
    if (fd < 0 && fd != -ENOENT) {
	msg_error("/etc/nsswitch.conf: cannot read: %s", strerror(-fd));
	pl->plan->incomplete = 1;
	return;
    }
    if (fd < 0) {
	msg_info("/etc/nsswitch.conf: %s; using glibc's defaults",
		 strerror(-fd));
	nsswitch_defaults(&mods);
    } else {
	ret = read_fd_bounded(fd, NSSWITCH_MAX_SIZE, &buf, &len);
	close(fd);
	free(canon);
	if (ret == 0) {
	    ret = nsswitch_parse(buf, len, &mods);
	    free(buf);
	}
	if (ret < 0) {
	    if (ret == -EFBIG)
		msg_error("/etc/nsswitch.conf: larger than %lu bytes",
			  (unsigned long)NSSWITCH_MAX_SIZE);
	    else if (ret == -EINVAL)
		msg_error("/etc/nsswitch.conf: holds a NUL byte; not a "
			  "text file");
	    else if (ret == -E2BIG)
		msg_error("/etc/nsswitch.conf: names more than %d modules",
			  NSSWITCH_MAX_MODULES);
	    else
		msg_error("/etc/nsswitch.conf: cannot read: %s",
			  strerror(-ret));
	    pl->plan->incomplete = 1;
	    return;
	}
    }
    for (i = 0; i < mods.n; i++) {
	char *name = xasprintf("libnss_%s.so.2", mods.v[i].name);
	char *why = xasprintf("nsswitch.conf %s: %s", mods.v[i].database,
			      mods.v[i].name);

	if (plan_find_lib(pl, name, why) < 0) {
	    if (!strcmp(mods.v[i].name, "files")
		|| !strcmp(mods.v[i].name, "dns"))
		msg_info("%s: not installed; built into libc", name);
	    else
		msg_warn("nsswitch.conf: module %s (%s) is not installed: "
			 "%s not found, skipping", mods.v[i].name,
			 mods.v[i].database, name);
	}
	free(name);
	free(why);
    }
    nsswitch_free(&mods);
    if (plan_find_lib(pl, "libresolv.so.2", "resolver library") < 0)
	msg_info("libresolv.so.2: not installed");
    plan_libdb(pl);
}

/* plan_dirlinks - repeat directory links that lead to planned items */
static void
plan_dirlinks(struct planner *pl, const struct root_links *links)
{
    size_t i, j;

    for (i = 0; i < links->n; i++) {
	const char *lpath = root_rel(links->v[i].path);
	char *canon;
	int used = 0;

	if (root_resolve(pl->in->rootfd, links->v[i].path, 1, &canon,
			 NULL) < 0)
	    continue;
	for (j = 0; j < pl->plan->n && !used; j++)
	    used = path_is_below(pl->plan->v[j].path, root_rel(canon));
	free(canon);
	if (used && path_rel_ok(lpath)) {
	    struct item *it = plan_add(pl->plan, ITEM_LINK, lpath,
				       "directory link, as on the host");

	    if (it) {
		it->target = xstrdup(links->v[i].target);
		it->dirlink = 1;
	    }
	}
    }
}

/* plan_parents - every parent directory of every item */
static void
plan_parents(struct plan *plan)
{
    size_t i, n = plan->n;

    for (i = 0; i < n; i++) {
	char *p = xstrdup(plan->v[i].path), *s;

	while ((s = strrchr(p, '/')) != NULL) {
	    *s = 0;
	    plan_add(plan, ITEM_DIR, p, "parent directory");
	}
	free(p);
    }
}

/* plan_cmp - order items by path */
static int
plan_cmp(const void *a, const void *b)
{
    return (strcmp(((const struct item *)a)->path,
		   ((const struct item *)b)->path));
}

/* plan_build - compute what the jail must hold */
int
plan_build(const struct plan_input *in, struct plan *plan)
{
    struct planner pl = {0};

    memset(plan, 0, sizeof(*plan));
    pl.in = in;
    pl.plan = plan;
    plan_etc_all(&pl);
    plan_modules(&pl);
    plan_dirlinks(&pl, &pl.dirlinks);
    plan_dirlinks(&pl, &in->lp->links);
    plan_parents(plan);
    if (plan->n > 1)
	qsort(plan->v, plan->n, sizeof(*plan->v), plan_cmp);
    strlist_free(&pl.visited);
    strlist_free(&pl.dir_from);
    strlist_free(&pl.dir_to);
    root_links_free(&pl.dirlinks);
    return (0);
}

/* plan_find - the item for PATH, or NULL (binary search) */
const struct item *
plan_find(const struct plan *plan, const char *path)
{
    struct item key;

    if (plan->n == 0)
	return (NULL);
    key.path = (char *)path;
    return (bsearch(&key, plan->v, plan->n, sizeof(*plan->v), plan_cmp));
}

/* plan_free - release the plan */
void
plan_free(struct plan *plan)
{
    size_t i;

    for (i = 0; i < plan->n; i++) {
	free(plan->v[i].path);
	free(plan->v[i].source);
	free(plan->v[i].target);
	free(plan->v[i].why);
    }
    free(plan->v);
    plan->v = NULL;
    plan->n = 0;
}
