/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check - the commands check and status
 * SUMMARY
 *	Report how the jail differs from what update would make of it, and
 *	list what the jail must hold and why.
 * DESCRIPTION
 *	cmd_check() prints one line per difference on stdout, in the manner
 *	of rpm -V: "KIND PATH" or "KIND PATH (have, want WANT)".  KIND is
 *	missing, type, owner, mode, content, target, label, extra (installed
 *	by the tool and no longer wanted), unsafe (not root-owned or writable
 *	by others below etc, lib, lib64, usr, bin or sbin, which postfix
 *	check complains about too) or modified (the host source no longer
 *	matches the digest in the rpm database, so copying it would spread a
 *	changed file into the jail).  It changes nothing; the exit status is
 *	1 when anything was printed.
 *
 *	cmd_status() prints the jail, why it is maintained, and one line per
 *	item: state, path, source or link target, reason and, where the rpm
 *	database knows it, the package owning the source.
 * DIAGNOSTICS
 *	Problems reading the jail are reported with the path.
 * SECURITY
 *	The walk for unsafe entries uses directory descriptors and never
 *	follows a link; depth and entry counts are bounded.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "engine.h"
#include "label.h"
#include "rpmdb.h"

#define WALK_MAX_DEPTH 32
#define WALK_MAX_ENTRIES 200000

static const char *const check_unsafe_roots[] = {
    "etc", "lib", "lib64", "usr", "bin", "sbin", NULL,
};

/* check_print - one difference line */
static void
check_print(int *count, const char *kind, const char *path,
	    const char *have, const char *want)
{
    if (have && want)
	printf("%s %s (%s, want %s)\n", kind, path, have, want);
    else if (have)
	printf("%s %s (%s)\n", kind, path, have);
    else
	printf("%s %s\n", kind, path);
    (*count)++;
}

/* check_item - report the differences of one item */
static void
check_item(struct pfc *p, const struct item *it, int *count)
{
    struct item_eval ev;
    struct source src;
    int ret;

    if (it->kind == ITEM_FILE && (ret = source_open(p, it, &src)) < 0) {
	msg_error("%s: cannot read: %s", it->source, strerror(-ret));
	return;
    }
    item_eval(p, it, &src, 1, &ev);
    if (it->kind == ITEM_FILE)
	source_close(&src);
    if (ev.diff & D_MISSING)
	check_print(count, "missing", it->path, NULL, NULL);
    if (ev.diff & D_ERROR)
	check_print(count, "unsafe", it->path, ev.have, NULL);
    if (ev.diff & D_TYPE)
	check_print(count, "type", it->path, ev.have, ev.want);
    if (ev.diff & D_OWNER)
	check_print(count, "owner", it->path, ev.diff & D_TYPE ? NULL
		    : ev.have, ev.diff & D_TYPE ? NULL : ev.want);
    if (ev.diff & D_LINKS)
	check_print(count, "unsafe", it->path, "hard-linked", NULL);
    if (ev.diff & D_MODE)
	check_print(count, "mode", it->path, ev.have, ev.want);
    if (ev.diff & D_CONTENT)
	check_print(count, "content", it->path, NULL, NULL);
    if (ev.diff & D_TARGET)
	check_print(count, "target", it->path, ev.have, ev.want);
    if (ev.diff & D_LABEL)
	check_print(count, "label", it->path, ev.have, ev.want);
}

/* check_walk - report unsafe entries below directory FD (path REL) */
static void
check_walk(int fd, const char *rel, int depth, size_t *seen, int *count)
{
    struct dirent *de;
    DIR *d;
    int dup_fd = dup(fd);

    if (dup_fd < 0 || (d = fdopendir(dup_fd)) == NULL) {
	if (dup_fd >= 0)
	    close(dup_fd);
	return;
    }
    while ((de = readdir(d)) != NULL && ++*seen < WALK_MAX_ENTRIES) {
	struct stat st;
	char *path, why[64];

	if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
	    continue;
	if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
	    continue;
	path = xasprintf("%s/%s", rel, de->d_name);
	if (st.st_uid != 0) {
	    snprintf(why, sizeof(why), "owner %ld", (long)st.st_uid);
	    check_print(count, "unsafe", path, why, NULL);
	} else if (!S_ISLNK(st.st_mode) && (st.st_mode & 022)) {
	    snprintf(why, sizeof(why), "mode %04o", st.st_mode & 07777);
	    check_print(count, "unsafe", path, why, NULL);
	}
	if (S_ISDIR(st.st_mode) && depth < WALK_MAX_DEPTH) {
	    int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY
			     | O_NOFOLLOW | O_CLOEXEC);

	    if (sub >= 0) {
		check_walk(sub, path, depth + 1, seen, count);
		close(sub);
	    }
	}
	free(path);
    }
    closedir(d);
}

/* check_unsafe - walk the trees postfix check looks at */
static void
check_unsafe(struct pfc *p, int *count)
{
    const char *const *r;
    size_t seen = 0;

    for (r = check_unsafe_roots; *r; r++) {
	struct stat st;
	int fd;

	if (fstatat(p->jail.fd, *r, &st, AT_SYMLINK_NOFOLLOW) < 0)
	    continue;
	if (st.st_uid != 0 || (!S_ISLNK(st.st_mode) && (st.st_mode & 022)))
	    check_print(count, "unsafe", *r, st.st_uid ? "not owned by root"
			: "writable by others", NULL);
	fd = openat(p->jail.fd, *r, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		    | O_CLOEXEC);
	if (fd >= 0) {
	    check_walk(fd, *r, 0, &seen, count);
	    close(fd);
	}
    }
}

/* check_provenance - host sources that differ from the rpm database */
static void
check_provenance(struct pfc *p, int *count)
{
    struct rpmdb *db = rpmdb_open(p->opt.root);
    char nevra[256];
    size_t i;

    if (db == NULL)
	return;
    for (i = 0; i < p->plan.n; i++) {
	const struct item *it = &p->plan.v[i];

	if (it->kind == ITEM_FILE
	    && rpmdb_owner(db, it->source, nevra, sizeof(nevra))
	    == RPMDB_MODIFIED)
	    check_print(count, "modified", it->source, nevra, NULL);
    }
    rpmdb_close(db);
}

/* cmd_check - report every difference; change nothing */
int
cmd_check(struct pfc *p)
{
    const struct manifest_entry *me;
    int ret, count = 0;
    size_t i;

    if ((ret = pfc_chroot_wanted(p)) <= 0)
	return (ret < 0 ? PFC_EXIT_FAIL : PFC_EXIT_OK);
    if ((ret = pfc_prepare(p, 0, 1)) != PFC_EXIT_OK)
	return (ret);
    for (i = 0; i < p->plan.n; i++)
	check_item(p, &p->plan.v[i], &count);
    for (i = 0; i < p->man.n; i++) {
	struct stat st;

	me = &p->man.v[i];
	if (!plan_find(&p->plan, me->path)
	    && jail_lstat(&p->jail, me->path, &st) == 0)
	    check_print(&count, "extra", me->path, NULL, NULL);
    }
    check_unsafe(p, &count);
    check_provenance(p, &count);
    fflush(stdout);
    return ((count || diag_error_count()) ? PFC_EXIT_FAIL : PFC_EXIT_OK);
}

/* status_state - one word for the state of IT */
static const char *
status_state(struct pfc *p, const struct item *it)
{
    struct item_eval ev;
    struct source src;

    if (it->kind == ITEM_FILE && source_open(p, it, &src) < 0)
	return ("unreadable");
    item_eval(p, it, &src, 1, &ev);
    if (it->kind == ITEM_FILE)
	source_close(&src);
    if (ev.diff & D_MISSING)
	return ("missing");
    if (ev.diff & (D_ERROR | D_OWNER | D_LINKS))
	return ("unsafe");
    return (ev.diff ? "differs" : "ok");
}

/* cmd_status - what the jail must hold, where from, and its state */
int
cmd_status(struct pfc *p)
{
    struct rpmdb *db = NULL;
    char nevra[256];
    int wanted, ret, have_jail;
    size_t i;

    /* A master.cf that cannot be read is reported once. */
    if (access(p->config_dir, F_OK) == 0 && status_services(p) < 0)
	wanted = -1;
    else
	wanted = pfc_chroot_wanted(p);
    printf("jail: %s\n", p->jail_path);
    printf("chrooted services: %s\n", wanted > 0 ? "yes (jail maintained)"
	   : wanted == 0 ? "none (jail not maintained)" : "unknown");
    if ((ret = pfc_prepare(p, 0, 1)) == PFC_EXIT_FAIL && !p->have_plan)
	return (ret);
    have_jail = (p->jail.fd >= 0);
    printf("library layout: %s; labels: %s\n", p->lp.layout,
	   label_active() ? "on" : "off");
    db = rpmdb_open(p->opt.root);
    for (i = 0; i < p->plan.n; i++) {
	const struct item *it = &p->plan.v[i];
	const char *state = have_jail ? status_state(p, it) : "missing";

	printf("%-9s %s", state, it->path);
	if (it->kind == ITEM_DIR)
	    printf("/");
	else if (it->kind == ITEM_LINK)
	    printf(" -> %s", it->target);
	else
	    printf(" <- %s", it->source);
	printf("  (%s)", it->why);
	if (db && it->kind == ITEM_FILE
	    && rpmdb_owner(db, it->source, nevra, sizeof(nevra)) > 0)
	    printf(" [%s]", nevra);
	printf("\n");
    }
    if (db)
	rpmdb_close(db);
    fflush(stdout);
    return (diag_error_count() ? PFC_EXIT_FAIL : PFC_EXIT_OK);
}
