/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	update - compare plan items with the jail, update and remove
 * SUMMARY
 *	item_eval(), shared by update, check and status, and the commands
 *	cmd_update() and cmd_remove().
 * DESCRIPTION
 *	source_open() opens the host file of a plan item below the root (for
 *	etc/passwd it also prepares the copy without password fields).
 *
 *	item_eval() examines the jail entry of an item without following it
 *	and sets a D_* bit for each difference.  With FULL the contents are
 *	compared byte by byte; without it, a regular file of the right size
 *	whose modification time equals the source's is taken as equal, which
 *	is what every copy the tool writes looks like.
 *
 *	cmd_update() and cmd_remove(): see engine.c.
 * DIAGNOSTICS
 *	One line per change ("added", "updated", "removed") unless -q;
 *	errors name the jail path and what is wrong with it.
 * SECURITY
 *	Refused, with an error naming the path: a symbolic link, FIFO,
 *	device, socket or directory where a file or link belongs, unless the
 *	tool itself put a file or link there (manifest); a file not owned by
 *	root; a hard-linked file.  Replacing is always by rename, so even a
 *	refused entry was never written through.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "engine.h"
#include "label.h"
#include "root.h"

#define CMP_BUF 65536

/* type_name - words for a file type */
const char *
type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
	return ("file");
    case S_IFDIR:
	return ("directory");
    case S_IFLNK:
	return ("symbolic link");
    case S_IFIFO:
	return ("FIFO");
    case S_IFCHR:
    case S_IFBLK:
	return ("device");
    case S_IFSOCK:
	return ("socket");
    default:
	return ("unknown file type");
    }
}

/* passwd_strip - a copy of passwd with every password field "x" */
static char *
passwd_strip(const char *in, size_t len, size_t *outlen)
{
    char *out = xmalloc(len * 2 + 2), *o = out;
    const char *p = in, *end = in + len;

    while (p < end) {
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *le = nl ? nl : end;
	const char *c1 = memchr(p, ':', (size_t)(le - p));
	const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1))
	    : NULL;

	if (c1 && c2) {
	    memcpy(o, p, (size_t)(c1 - p) + 1);
	    o += c1 - p + 1;
	    *o++ = 'x';
	    memcpy(o, c2, (size_t)(le - c2));
	    o += le - c2;
	} else {
	    memcpy(o, p, (size_t)(le - p));
	    o += le - p;
	}
	if (nl)
	    *o++ = '\n';
	p = le + (nl != NULL);
    }
    *outlen = (size_t)(o - out);
    return (out);
}

/* source_open - open the host file of IT */
int
source_open(struct pfc *p, const struct item *it, struct source *src)
{
    int ret;

    memset(src, 0, sizeof(*src));
    src->fd = openat(p->rootfd, root_rel(it->source), O_RDONLY | O_NOFOLLOW
		     | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (src->fd < 0)
	return (-errno);
    if (fstat(src->fd, &src->st) < 0 || !S_ISREG(src->st.st_mode)
	|| (size_t)src->st.st_size > PLAN_MAX_FILE_SIZE) {
	ret = S_ISREG(src->st.st_mode) ? -EFBIG : -EINVAL;
	close(src->fd);
	src->fd = -1;
	return (ret);
    }
    src->len = (size_t)src->st.st_size;
    if (it->xform == XFORM_PASSWD) {
	char *raw;
	size_t rawlen;

	if ((ret = read_fd_bounded(src->fd, PLAN_MAX_FILE_SIZE, &raw,
				   &rawlen)) < 0) {
	    close(src->fd);
	    src->fd = -1;
	    return (ret);
	}
	src->buf = passwd_strip(raw, rawlen, &src->len);
	free(raw);
    }
    return (0);
}

/*
 * source_stat - the source's status only: all that the quick check
 * needs, one system call instead of an open, a stat and a close.
 */
static int
source_stat(struct pfc *p, const struct item *it, struct source *src)
{
    if (it->xform != XFORM_NONE)
	return (source_open(p, it, src));
    memset(src, 0, sizeof(*src));
    src->fd = -1;
    if (fstatat(p->rootfd, root_rel(it->source), &src->st,
		AT_SYMLINK_NOFOLLOW) < 0)
	return (-errno);
    if (!S_ISREG(src->st.st_mode))
	return (-EINVAL);
    if ((size_t)src->st.st_size > PLAN_MAX_FILE_SIZE)
	return (-EFBIG);
    src->len = (size_t)src->st.st_size;
    return (0);
}

/* source_close - release a source */
void
source_close(struct source *src)
{
    if (src->fd >= 0)
	close(src->fd);
    free(src->buf);
    src->fd = -1;
    src->buf = NULL;
}

/*
 * copy_id - identity of a copy: device, inode and change time of the
 * source file SRC, then inode and change time of the jail copy JAIL.
 * rpm installs a file under a new inode, often with the size and the
 * clamped build-time modification time of the old one; bytes rewritten
 * in the jail copy with its size and time put back change only its
 * change time.  Either way the identity tells update that the copy must
 * be compared again.  JAIL is NULL when the copy's status is unknown.
 * Only digits, ':' and '.', as earlier versions wrote and accept.
 */
static char *
copy_id(const struct stat *src, const struct stat *jail)
{
    return (xasprintf("%llu:%llu:%lld.%09ld:%llu:%lld.%09ld",
		      (unsigned long long)src->st_dev,
		      (unsigned long long)src->st_ino,
		      (long long)src->st_ctim.tv_sec,
		      (long)src->st_ctim.tv_nsec,
		      jail ? (unsigned long long)jail->st_ino : 0ULL,
		      jail ? (long long)jail->st_ctim.tv_sec : 0LL,
		      jail ? (long)jail->st_ctim.tv_nsec : 0L));
}

/* same_bytes - do FD and the source hold the same bytes? */
static int
same_bytes(int fd, struct source *src)
{
    char *a, *b;
    size_t off = 0;
    ssize_t na, nb;
    int same = 1;

    if (src->buf == NULL && lseek(src->fd, 0, SEEK_SET) < 0)
	return (0);
    a = xmalloc(CMP_BUF);
    b = xmalloc(CMP_BUF);
    for (;;) {
	na = read(fd, a, CMP_BUF);
	if (src->buf) {
	    nb = (ssize_t)(src->len - off < CMP_BUF ? src->len - off
			   : CMP_BUF);
	    memcpy(b, src->buf + off, (size_t)nb);
	} else {
	    nb = read(src->fd, b, CMP_BUF);
	}
	if (na < 0 || nb < 0 || na != nb
	    || memcmp(a, b, (size_t)na) != 0) {
	    same = 0;
	    break;
	}
	if (na == 0)
	    break;
	off += (size_t)na;
    }
    free(a);
    free(b);
    return (same);
}

/* eval_label - compare the jail entry's label with the policy's */
static void
eval_label(struct pfc *p, const struct item *it, mode_t type,
	   struct item_eval *ev)
{
    char *lp, *want = NULL, *have = NULL;

    if (!label_active())
	return;
    lp = jail_label_path(&p->jail, it->path);
    if (label_lookup(lp, type, &want) == 0 && want
	&& jail_get_label(&p->jail, it->path, &have) == 0
	&& (have == NULL || strcmp(have, want) != 0)) {
	ev->diff |= D_LABEL;
	snprintf(ev->have, sizeof(ev->have), "%s", have ? have : "none");
	snprintf(ev->want, sizeof(ev->want), "%s", want);
    }
    label_free_ctx(want);
    label_free_ctx(have);
    free(lp);
}

/* eval_file - differences of a regular file item */
static void
eval_file(struct pfc *p, const struct item *it, struct source *src,
	  int full, const struct stat *st, struct item_eval *ev)
{
    int fd;

    if (st->st_nlink > 1)
	ev->diff |= D_LINKS;
    if ((st->st_mode & 07777) != it->mode) {
	ev->diff |= D_MODE;
	snprintf(ev->have, sizeof(ev->have), "%04o", st->st_mode & 07777);
	snprintf(ev->want, sizeof(ev->want), "%04o", it->mode);
    }
    if ((size_t)st->st_size != src->len) {
	ev->diff |= D_CONTENT;
    } else if (full || st->st_mtim.tv_sec != src->st.st_mtim.tv_sec
	       || st->st_mtim.tv_nsec != src->st.st_mtim.tv_nsec) {
	if (!full) {
	    ev->diff |= D_TIME;
	} else if (jail_open_file(&p->jail, it->path, &fd) == 0) {
	    if (!same_bytes(fd, src))
		ev->diff |= D_CONTENT;
	    close(fd);
	} else {
	    ev->diff |= D_ERROR;
	}
    }
    eval_label(p, it, S_IFREG, ev);
}

/* item_eval - how the jail entry of IT differs from the plan */
int
item_eval(struct pfc *p, const struct item *it, struct source *src,
	  int full, struct item_eval *ev)
{
    char target[4096];
    struct stat st;
    mode_t want_type;
    int ret;

    memset(ev, 0, sizeof(*ev));
    ret = jail_lstat(&p->jail, it->path, &st);
    if (ret == -ENOENT || ret == -ENOTDIR) {
	ev->diff = D_MISSING;
	return (0);
    }
    if (ret < 0) {
	ev->diff = D_ERROR;
	snprintf(ev->have, sizeof(ev->have), "%s", ret == -EPERM
		 ? p->jail.why : strerror(-ret));
	return (ret);
    }
    ev->have_type = st.st_mode & S_IFMT;
    ev->st = st;
    want_type = it->kind == ITEM_FILE ? S_IFREG
	: it->kind == ITEM_LINK ? S_IFLNK : S_IFDIR;
    if (ev->have_type != want_type) {
	ev->diff |= D_TYPE;
	snprintf(ev->have, sizeof(ev->have), "%s", type_name(st.st_mode));
	snprintf(ev->want, sizeof(ev->want), "%s", type_name(want_type));
	if (st.st_uid != 0)
	    ev->diff |= D_OWNER;
	return (0);
    }
    if (st.st_uid != 0 || (it->kind != ITEM_LINK && st.st_gid != 0)) {
	ev->diff |= D_OWNER;
	snprintf(ev->have, sizeof(ev->have), "%ld:%ld", (long)st.st_uid,
		 (long)st.st_gid);
	snprintf(ev->want, sizeof(ev->want), "0:0");
    }
    switch (it->kind) {
    case ITEM_FILE:
	eval_file(p, it, src, full, &st, ev);
	break;
    case ITEM_LINK:
	if (jail_readlink(&p->jail, it->path, target, sizeof(target)) < 0
	    || strcmp(target, it->target) != 0) {
	    ev->diff |= D_TARGET;
	    snprintf(ev->have, sizeof(ev->have), "%.200s", target);
	    snprintf(ev->want, sizeof(ev->want), "%.200s", it->target);
	}
	eval_label(p, it, S_IFLNK, ev);
	break;
    case ITEM_DIR:
	if ((st.st_mode & 07777) != 0755) {
	    ev->diff |= D_MODE;
	    snprintf(ev->have, sizeof(ev->have), "%04o", st.st_mode & 07777);
	    snprintf(ev->want, sizeof(ev->want), "0755");
	}
	eval_label(p, it, S_IFDIR, ev);
	break;
    }
    return (0);
}

enum action_op {
    OP_NONE,
    OP_ADD,
    OP_UPDATE,
    OP_RELABEL,
    OP_RECORD,          /* same bytes, new source: record its identity */
    OP_REFUSE,
};

/* update_decide - what to do with IT, given its evaluation */
static enum action_op
update_decide(struct pfc *p, const struct item *it,
	      const struct item_eval *ev, const char **why)
{
    const struct manifest_entry *me = manifest_find(&p->man, it->path);

    *why = NULL;
    if (ev->diff & D_MISSING)
	return (OP_ADD);
    if (ev->diff & D_ERROR) {
	*why = ev->have;
	return (OP_REFUSE);
    }
    if (ev->diff & D_OWNER) {
	*why = "not owned by root";
	return (OP_REFUSE);
    }
    if (ev->diff & D_TYPE) {
	/*
	 * Only what the tool itself put there may change its type (a link
	 * of a chain that became a file after an upgrade): the entry must
	 * still be of the kind the manifest recorded, or someone else put
	 * it there.
	 */
	if (it->kind != ITEM_DIR && me
	    && ((manifest_kind_is(me, 'f') && ev->have_type == S_IFREG)
		|| (manifest_kind_is(me, 'l') && ev->have_type == S_IFLNK)))
	    return (OP_UPDATE);

	/*
	 * Jails filled by the classic scripts often have a real lib64
	 * directory where the host has a link.  Libraries are still found
	 * through the canonical spelling, which is a real directory too;
	 * the old directory is the administrator's to remove.
	 */
	if (it->dirlink && ev->have_type == S_IFDIR) {
	    msg_warn("%s/%s: a directory where the host has a link to %s; "
		     "leaving it (remove it to have it replaced)",
		     p->jail_path, it->path, it->target);
	    return (OP_NONE);
	}
	*why = ev->have_type == S_IFLNK ? "symbolic link in the way"
	    : ev->have_type == S_IFDIR ? "directory in the way"
	    : ev->have_type == S_IFIFO ? "FIFO in the way"
	    : ev->have_type == S_IFREG ? "file in the way"
	    : "device or socket in the way";
	return (OP_REFUSE);
    }
    if (ev->diff & D_LINKS) {
	*why = "hard-linked file in the way";
	return (OP_REFUSE);
    }
    if (it->kind == ITEM_DIR) {
	if ((ev->diff & D_MODE) && strtoul(ev->have, NULL, 8) & 022) {
	    *why = "directory writable by group or others";
	    return (OP_REFUSE);
	}

	/* A directory of the tool's own with the wrong mode is mended. */
	if ((ev->diff & D_MODE) && me && me->kind == 'd')
	    return (OP_RELABEL);
	return ((ev->diff & D_LABEL) ? OP_RELABEL : OP_NONE);
    }
    return (ev->diff ? OP_UPDATE : OP_NONE);
}

/*
 * update_stage - write IT's new entry under a temporary name; for a file,
 * *SRCST gets the status of the source copied.  1 when the source could
 * not be read (said here), 0 when staged, or a negative errno.
 */
static int
update_stage(struct pfc *p, const struct item *it, struct jail_staged *st,
	     struct stat *srcst)
{
    struct source src;
    int ret;

    if (it->kind == ITEM_LINK)
	return (jail_stage_link(&p->jail, it->path, it->target, st));
    if ((ret = source_open(p, it, &src)) < 0) {
	msg_error("%s: cannot read: %s", it->source, strerror(-ret));
	return (1);
    }
    ret = jail_stage_file(&p->jail, it->path, src.buf ? -1 : src.fd,
			  src.buf, src.len, it->mode, &src.st.st_mtim, st);
    if (ret == 0)
	*srcst = src.st;
    source_close(&src);
    return (ret);
}

/* update_relabel - mode 0755 and the policy's label on a directory */
static int
update_relabel(struct pfc *p, const struct item *it)
{
    char *lp = jail_label_path(&p->jail, it->path), *ctx = NULL;
    int dfd, ret;

    ret = label_lookup(lp, S_IFDIR, &ctx);
    free(lp);
    if (ret == 0)
	ret = jail_dir(&p->jail, it->path, 0, &dfd);
    if (ret == 0 && fchmod(dfd, 0755) < 0)
	ret = -errno;
    if (ret == 0)
	ret = label_set_fd(dfd, ctx);
    label_free_ctx(ctx);
    return (ret);
}

/* update_error - report a failure on jail path REL */
static void
update_error(struct pfc *p, const char *rel, const char *what, int err)
{
    msg_error("%s/%s: %s: %s", p->jail_path, rel, what,
	      err == -EPERM && p->jail.why ? p->jail.why : strerror(-err));
}

struct action {
    const struct item *it;
    enum action_op op;
    char *id;           /* OP_RECORD: the source's identity */
};

/* actions_free - release N actions */
static void
actions_free(struct action *act, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
	free(act[i].id);
    free(act);
}

/* update_plan_actions - decide for every item; count refusals */
static size_t
update_plan_actions(struct pfc *p, struct action *act)
{
    struct item_eval ev;
    struct source src;
    const char *why;
    size_t i, n = 0;

    for (i = 0; i < p->plan.n; i++) {
	const struct item *it = &p->plan.v[i];
	int ret = 0;

	if (it->kind == ITEM_FILE && (ret = source_stat(p, it, &src)) < 0) {
	    msg_error("%s: cannot read: %s", it->source, strerror(-ret));
	    continue;
	}
	item_eval(p, it, &src, 0, &ev);
	act[n].it = it;
	act[n].id = NULL;
	act[n].op = update_decide(p, it, &ev, &why);

	/*
	 * The quick check trusts size and time only for a source that is
	 * still the file the copy was made from; otherwise the bytes
	 * decide.
	 */
	if (it->kind == ITEM_FILE && act[n].op == OP_NONE) {
	    const struct manifest_entry *me = manifest_find(&p->man,
							    it->path);
	    char *id = copy_id(&src.st, &ev.st);
	    int stale = (me == NULL || me->id == NULL
			 || strcmp(me->id, id) != 0);

	    /* Comparing bytes needs the source open, not only its status. */
	    if (stale && src.fd < 0) {
		source_close(&src);
		ret = source_open(p, it, &src);
	    }
	    if (stale && ret == 0) {
		item_eval(p, it, &src, 1, &ev);
		act[n].op = update_decide(p, it, &ev, &why);
		if (act[n].op == OP_NONE)
		    act[n].op = OP_RECORD;
	    }
	    if (act[n].op == OP_RECORD)
		act[n].id = id;
	    else
		free(id);
	}
	if (it->kind == ITEM_FILE)
	    source_close(&src);
	if (act[n].op == OP_REFUSE) {
	    msg_error("%s/%s: %s; not replacing it", p->jail_path, it->path,
		      why);
	    continue;
	}
	if (act[n].op != OP_NONE) {
	    msg_debug("%s: %s (0x%x)", it->path, act[n].op == OP_RECORD
		      ? "same bytes, source replaced" : "differs", ev.diff);
	    n++;
	}
    }
    return (n);
}

/* kind_of_mode - the manifest's kind for an entry of MODE */
static char
kind_of_mode(mode_t mode)
{
    return (S_ISREG(mode) ? 'f' : S_ISLNK(mode) ? 'l' : S_ISDIR(mode) ? 'd'
	    : '?');
}

/* update_removals - manifest entries the plan no longer wants */
static void
update_removals(struct pfc *p, struct manifest *keep)
{
    size_t i;

    /* Reverse path order: files before the directories holding them. */
    for (i = p->man.n; i-- > 0;) {
	const struct manifest_entry *me = &p->man.v[i];
	struct stat st;
	int ret;

	if (plan_find(&p->plan, me->path))
	    continue;
	ret = jail_lstat(&p->jail, me->path, &st);
	if (ret == -ENOENT || ret == -ENOTDIR) {
	    if (!p->opt.dry_run)
		jail_forget(&p->jail, me->path);
	    continue;
	}
	if (ret == 0 && !manifest_kind_is(me, kind_of_mode(st.st_mode))) {
	    msg_warn("%s/%s: no longer what postfix-chroot installed; "
		     "leaving it", p->jail_path, me->path);
	    continue;
	}
	if (ret == 0 && p->opt.dry_run) {
	    printf("remove %s\n", me->path);
	    continue;
	}
	if (ret == 0)
	    ret = jail_remove(&p->jail, me->path, S_ISDIR(st.st_mode));
	if (ret == -ENOTEMPTY || ret == -EEXIST) {
	    msg_info("%s/%s: not empty; keeping it", p->jail_path, me->path);
	    manifest_add_changing(keep, me->kind, me->alt, me->path);
	} else if (ret < 0) {
	    update_error(p, me->path, "cannot remove", ret);
	    manifest_add_changing(keep, me->kind, me->alt, me->path);
	} else {
	    msg_change("removed %s", me->path);
	}
    }
}

/* Entries staged before one flush and their renames. */
#define UPDATE_BATCH 64

struct batch {
    struct jail_staged st[UPDATE_BATCH];
    const struct action *act[UPDATE_BATCH];
    struct stat src[UPDATE_BATCH];	/* the source of each file */
    size_t n;
    const struct action *all;		/* every action, for the directories */
    size_t nall;
    int pending[2];			/* the manifest's new block, until */
    size_t npending;			/* it is durable */
    int named;				/* new names may be made now */
    int unnamed;			/* the block's flush failed: never */
};

/* batch_drop_pending - close the block's descriptors (not the state's) */
static void
batch_drop_pending(const struct pfc *p, struct batch *b)
{
    size_t i;

    for (i = 0; i < b->npending; i++)
	if (b->pending[i] != p->state_fd)
	    close(b->pending[i]);
    b->npending = 0;
}

/* update_dir - make the directory of action A */
static void
update_dir(struct pfc *p, const struct action *a, struct manifest *keep)
{
    int dfd, ret;

    if ((ret = jail_dir(&p->jail, a->it->path, 1, &dfd)) < 0) {
	update_error(p, a->it->path, "cannot make directory", ret);
    } else {
	manifest_add(keep, 'd', a->it->path);
	msg_change("added %s", a->it->path);
    }
}

/*
 * update_commit - flush a batch, then rename each entry into place.  The
 * first flush also makes the manifest's block of new names durable;
 * only then are names made: the new directories, then the renames.
 */
static void
update_commit(struct pfc *p, struct batch *b, struct manifest *keep)
{
    size_t i;
    int ret = 0;

    /*
     * A flush that failed may have lost the block's bytes, and a second
     * fsync() of the same file can succeed without writing them (the
     * kernel reports a write-back error once): after a failure of the
     * flush that carries the block, no name is made for the rest of the
     * run.  The next run, which appends its own block, tries again.
     */
    if (!b->unnamed) {
	ret = jail_flush(&p->jail, b->st, b->n, b->pending, b->npending);
	if (ret < 0 && !b->named) {
	    b->unnamed = 1;
	    msg_error("%s (new files) and %s/%s (their record): cannot "
		      "make durable: %s; changing nothing more in the jail",
		      p->jail_path, p->state_dir, p->manifest_file,
		      strerror(-ret));
	}
    }
    if (b->unnamed) {
	for (i = 0; i < b->n; i++)
	    jail_discard(&p->jail, &b->st[i]);
	b->n = 0;
	return;
    }
    if (ret == 0 && !b->named) {
	batch_drop_pending(p, b);
	b->named = 1;
	for (i = 0; i < b->nall; i++)
	    if (b->all[i].it->kind == ITEM_DIR && b->all[i].op == OP_ADD)
		update_dir(p, &b->all[i], keep);
    }
    for (i = 0; i < b->n; i++) {
	const struct item *it = b->act[i]->it;

	if (ret < 0) {
	    jail_discard(&p->jail, &b->st[i]);
	    update_error(p, it->path, "cannot write", ret);
	} else if ((ret = jail_commit(&p->jail, &b->st[i])) < 0) {
	    update_error(p, it->path, "cannot rename into place", ret);
	    ret = 0;
	} else {
	    manifest_add(keep, (char)it->kind, it->path);
	    if (it->kind == ITEM_FILE) {
		struct stat jst;
		char *id = copy_id(&b->src[i], jail_lstat(&p->jail, it->path,
							  &jst) == 0 ? &jst
				   : NULL);

		manifest_set_id(keep, it->path, id);
		free(id);
	    }
	    msg_change("%s %s", b->act[i]->op == OP_ADD ? "added"
		       : "updated", it->path);
	}
    }
    b->n = 0;
}

/* update_now - actions that need no staging: record, relabel */
static int
update_now(struct pfc *p, const struct action *a, struct manifest *keep)
{
    const struct item *it = a->it;
    int ret;

    if (a->op == OP_RECORD) {
	manifest_add(keep, (char)it->kind, it->path);
	manifest_set_id(keep, it->path, a->id);
    } else if (a->op == OP_RELABEL) {
	if ((ret = update_relabel(p, it)) < 0)
	    update_error(p, it->path, "cannot label", ret);
	else
	    msg_change("updated %s", it->path);
    } else if (it->kind != ITEM_DIR) {
	return (0);
    }
    return (1);
}

/*
 * update_execute - carry out the actions; record what was done.  New
 * files are written under temporary names in batches, made durable with
 * one flush per batch, and only then renamed into place; links come
 * after the files, so that a new link never points at a file that is
 * not there yet.  No name is made before the flush that makes PENDING
 * (NPENDING descriptors: the manifest's block of new names) durable.
 */
static void
update_execute(struct pfc *p, struct action *act, size_t n,
	       struct manifest *keep, const int *pending, size_t npending)
{
    struct batch *b = xcalloc(1, sizeof(*b));
    size_t i;
    int pass, ret;

    b->all = act;
    b->nall = n;
    for (i = 0; i < npending; i++)
	b->pending[b->npending++] = pending[i];
    for (pass = 0; pass < 2; pass++) {
	for (i = 0; i < n; i++) {
	    const struct item *it = act[i].it;

	    if ((it->kind == ITEM_LINK) != pass || update_now(p, &act[i], keep))
		continue;
	    ret = update_stage(p, it, &b->st[b->n], &b->src[b->n]);
	    if (ret < 0) {
		update_error(p, it->path, "cannot write", ret);
		continue;
	    }
	    if (ret > 0)
		continue;	/* source unreadable, already said */
	    b->act[b->n++] = &act[i];
	    if (b->n == UPDATE_BATCH)
		update_commit(p, b, keep);
	}
	update_commit(p, b, keep);
    }

    /* A block never made durable: its names were never made either. */
    batch_drop_pending(p, b);
    free(b);
}

/* update_clean_dir - remove temporary files a killed run left in REL */
static void
update_clean_dir(struct pfc *p, const char *rel)
{
    int n;

    if ((n = jail_clean_tmp(&p->jail, rel)) > 0)
	msg_info("%s: removed %d leftover temporary files", rel, n);
}

/*
 * update_clean_tmp - remove temporary files a killed run left: in the
 * jail's top directory and in every directory planned or recorded (a
 * run stages an entry in the nearest directory that exists).  Every run
 * looks, since a run killed before its manifest block was durable
 * leaves temporary files no record speaks of.
 */
static void
update_clean_tmp(struct pfc *p)
{
    size_t i;
    int n;

    if ((n = jail_clean_tmp(&p->jail, ".")) > 0)
	msg_info("removed %d leftover temporary files in the jail", n);
    for (i = 0; i < p->plan.n; i++)
	if (p->plan.v[i].kind == ITEM_DIR)
	    update_clean_dir(p, p->plan.v[i].path);
    for (i = 0; i < p->man.n; i++)
	if (p->man.v[i].kind == 'd'
	    && plan_find(&p->plan, p->man.v[i].path) == NULL)
	    update_clean_dir(p, p->man.v[i].path);
}

/*
 * update_new_name - does action A make a name the record does not hold
 * as it will be: a new entry, or one of the tool's whose kind changes (a
 * link of a chain that became a file)?
 */
static int
update_new_name(const struct pfc *p, const struct action *a)
{
    const struct manifest_entry *me;

    if (a->op == OP_ADD)
	return (1);
    if (a->op != OP_UPDATE)
	return (0);
    me = manifest_find(&p->man, a->it->path);
    return (me == NULL || me->kind != (char)a->it->kind);
}

/* update_keep_all - keep every manifest entry not yet kept */
static void
update_keep_all(struct pfc *p, struct manifest *keep)
{
    size_t i, k;

    for (i = 0; i < p->man.n; i++) {
	for (k = 0; k < keep->n; k++)
	    if (strcmp(keep->v[k].path, p->man.v[i].path) == 0)
		break;
	if (k < keep->n)
	    continue;
	manifest_add_changing(keep, p->man.v[i].kind, p->man.v[i].alt,
			      p->man.v[i].path);
	manifest_set_id(keep, p->man.v[i].path, p->man.v[i].id);
    }
}

/*
 * update_keep_planned - manifest entries that stay: still planned.  One
 * whose kind the plan changes, and which is not of the new kind yet,
 * may keep its old kind until the change is made (update_commit() then
 * records the one kind it has).
 */
static void
update_keep_planned(struct pfc *p, struct manifest *keep)
{
    size_t i;

    for (i = 0; i < p->man.n; i++) {
	const struct manifest_entry *me = &p->man.v[i];
	const struct item *it = plan_find(&p->plan, me->path);

	if (it) {
	    struct stat st;

	    if ((me->kind != (char)it->kind || me->alt)
		&& (jail_lstat(&p->jail, me->path, &st) < 0
		    || kind_of_mode(st.st_mode) != (char)it->kind))
		manifest_add_changing(keep, me->kind, me->alt, it->path);
	    manifest_add_changing(keep, (char)it->kind, 0, it->path);
	    if (it->kind == ITEM_FILE)
		manifest_set_id(keep, it->path, p->man.v[i].id);
	}
    }
}

/*
 * update_stamp_key - what a stamp holds for: this program (a new build
 * may plan differently), the options that choose what is read and
 * written, the path the policy labels the jail as (-j below --root
 * changes it, not the jail), and whether SELinux is on; NULL when it
 * cannot be told.
 */
static char *
update_stamp_key(const struct pfc *p)
{
    const char *id = deps_program_id();

    if (id == NULL)
	return (NULL);
    return (xasprintf("%s build=%s selinux=%d root=%s config=%s "
		      "jail=%s labels-as=%s conf=%s contexts=%s force=%d",
		      PFC_VERSION, id, label_enabled(), p->opt.root,
		      p->config_dir, p->jail_path, p->jail_label_path,
		      p->opt.conf ? p->opt.conf : "-",
		      p->opt.file_contexts ? p->opt.file_contexts : "-",
		      p->opt.force));
}

/*
 * update_unchanged - 1 when the stamp of the last run still holds: every
 * file, directory and missing name that run read, and every jail entry
 * it left, has the same status, so the plan and the jail are the same
 * and there is nothing to do.  Takes the lock first, as a full run does.
 */
static int
update_unchanged(struct pfc *p)
{
    char *key, *name;
    int ok;

    if (p->state_fd < 0)
	return (0);
    if ((key = update_stamp_key(p)) == NULL)
	return (0);
    if (jail_open(&p->jail, p->jail_path, p->jail_label_path) < 0) {
	free(key);
	return (0);
    }
    deps_set_fd(DEPS_JAIL, p->jail.fd);
    name = manifest_name(p->jail_path, ".stamp");
    ok = deps_valid(p->state_fd, name, key);
    free(name);
    free(key);
    return (ok);
}

/* update_save_stamp - record what this run read and left, for the next */
static void
update_save_stamp(struct pfc *p)
{
    char *key = NULL, *name;
    size_t i;
    int ret;

    if (!deps_active() || p->state_fd < 0)
	return;
    if (diag_error_count() > 0 || p->plan.incomplete)
	deps_taint("the run had errors");
    for (i = 0; i < p->plan.n; i++)
	deps_note_path(p->jail.fd, p->plan.v[i].path);
    deps_note_path(p->state_fd, p->manifest_file);
    if ((key = update_stamp_key(p)) == NULL)
	deps_taint("no build ID: cannot tell which program this is");
    name = manifest_name(p->jail_path, ".stamp");
    if ((ret = deps_save(p->state_fd, name, key ? key : "")) < 0)
	msg_warn("%s/%s (or its temporary file %s.tmp): cannot write or "
		 "remove: %s", p->state_dir, name, name, strerror(-ret));
    free(name);
    free(key);
}

/* cmd_update - bring the jail in line with the system */
int
cmd_update(struct pfc *p)
{
    struct manifest keep = {0}, pending = {0};
    struct manifest_tmp tmp;
    struct action *act;
    size_t n, i, npend = 0;
    int ret, pend[2] = {-1, -1}, save;

    if ((ret = pfc_chroot_wanted(p)) <= 0)
	return (ret < 0 ? PFC_EXIT_FAIL : PFC_EXIT_OK);
    if ((ret = pfc_lock(p, 1)) != PFC_EXIT_OK)
	return (ret);

    /* What stands where the stamp goes is checked like the manifest. */
    if (p->state_fd >= 0) {
	char *name = manifest_name(p->jail_path, ".stamp");

	ret = deps_stamp_check(p->state_fd, name);
	if (ret < 0)
	    msg_error("%s/%s: %s", p->state_dir, name, ret == -EPERM
		      ? "not a root-owned regular file with one link; "
		      "remove it" : strerror(-ret));
	free(name);
	if (ret < 0)
	    return (PFC_EXIT_FAIL);
    }
    if (deps_active() && update_unchanged(p))
	return (PFC_EXIT_OK);
    if ((ret = pfc_prepare(p, 1, 1)) != PFC_EXIT_OK)
	return (ret);

    /* First decide everything, writing nothing. */
    act = xcalloc(p->plan.n + 1, sizeof(*act));
    n = update_plan_actions(p, act);
    if (p->opt.dry_run) {
	for (i = 0; i < n; i++)
	    if (act[i].op != OP_RECORD)
		printf("%s %s\n", act[i].op == OP_ADD ? "add" : "update",
		       act[i].it->path);
	update_removals(p, &keep);
	actions_free(act, n);
	manifest_free(&keep);
	return (diag_error_count() ? PFC_EXIT_FAIL : PFC_EXIT_OK);
    }

    /*
     * Record what is about to be created before creating it, so that a
     * run killed half-way leaves nothing the next run does not know: a
     * block appended to the manifest, made durable with the first batch
     * of files, before the first new name.  The state directory is made
     * durable with it: it holds the manifest's name, which is new, or
     * which the last run renamed into place without an fsync of the
     * directory; a block appended to a file that a crash could still
     * unname would be lost with it.
     */
    for (i = 0; i < n; i++)
	if (update_new_name(p, &act[i]))
	    manifest_add(&pending, (char)act[i].it->kind, act[i].it->path);
    if (pending.n > 0) {
	ret = manifest_append(p->state_fd, p->manifest_file, &p->man,
			      &pending, &pend[0]);
	if (ret < 0)
	    msg_fatal(PFC_EXIT_FAIL, "%s/%s: cannot write: %s", p->state_dir,
		      p->manifest_file, strerror(-ret));
	pend[1] = p->state_fd;
	npend = pend[0] >= 0 ? 2 : 0;
    }
    manifest_free(&pending);

    update_keep_planned(p, &keep);
    update_execute(p, act, n, &keep, pend, npend);

    /* What a killed run left first: it may fill a directory to remove. */
    update_clean_tmp(p);

    /*
     * A plan that misses what it could not read would remove working
     * copies (a module unreadable for a moment, a damaged nsswitch.conf):
     * then nothing is removed, and the run fails.
     */
    if (p->plan.incomplete) {
	msg_error("%s: some sources could not be read; removing nothing",
		  p->jail_path);
	update_keep_all(p, &keep);
    } else {
	update_removals(p, &keep);
    }
    actions_free(act, n);

    /*
     * The new record is written before the jail's changes are made
     * durable, and made durable with them, then renamed into place: it
     * forgets removed entries only once their removal is on disk.  The
     * rename itself need not be: the record it replaces holds all.
     */
    manifest_sort(&keep);
    save = keep.n != p->man.n || n > 0 || p->man.pending || p->man.torn;
    if (save && (ret = manifest_write(p->state_fd, p->manifest_file, &keep,
				      0, &tmp)) < 0) {
	msg_error("%s/%s: cannot write: %s", p->state_dir, p->manifest_file,
		  strerror(-ret));
	save = 0;
    }
    if ((ret = jail_sync(&p->jail, save ? &tmp.fd : NULL, save)) < 0) {
	msg_error("%s: fsync: %s", p->jail_path, strerror(-ret));
	if (save)
	    manifest_abandon(p->state_fd, &tmp);
	save = 0;
    }
    if (save && (ret = manifest_install(p->state_fd, p->manifest_file, &tmp,
					0)) < 0)
	msg_error("%s/%s: cannot write: %s", p->state_dir, p->manifest_file,
		  strerror(-ret));
    manifest_free(&keep);
    update_save_stamp(p);
    return (diag_error_count() ? PFC_EXIT_FAIL : PFC_EXIT_OK);
}

/* cmd_remove - delete what the tool installed, nothing else */
int
cmd_remove(struct pfc *p)
{
    struct manifest keep = {0};
    int ret;

    if (p->opt.trigger && (ret = pfc_chroot_wanted(p)) != 0) {
	msg_warn("%s: %s; keeping the jail", p->jail_path, ret > 0
		 ? "a service is still chrooted" : "master.cf unreadable");
	return (PFC_EXIT_OK);
    }
    if ((ret = pfc_prepare(p, 1, 1)) != PFC_EXIT_OK)
	return (ret);

    /* Temporary files a killed update left go too. */
    if (!p->opt.dry_run)
	update_clean_tmp(p);

    /* An empty plan makes every manifest entry a removal. */
    plan_free(&p->plan);
    update_removals(p, &keep);
    if (!p->opt.dry_run) {
	manifest_sort(&keep);

	/* Forget the removals only once they are on disk. */
	if ((ret = jail_sync(&p->jail, NULL, 0)) < 0)
	    msg_error("%s: fsync: %s; keeping the record", p->jail_path,
		      strerror(-ret));
	else if (p->state_fd >= 0
	    && (ret = manifest_save(p->state_fd, p->manifest_file,
				    &keep)) < 0)
	    msg_error("%s/%s: cannot write: %s", p->state_dir,
		      p->manifest_file, strerror(-ret));
    }
    manifest_free(&keep);
    return (diag_error_count() ? PFC_EXIT_FAIL : PFC_EXIT_OK);
}
