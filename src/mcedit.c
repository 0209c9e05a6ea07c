/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mcedit - change the chroot column of master.cf, and nothing else
 * SUMMARY
 *	Compute an enable or disable edit of master.cf, show it as a
 *	unified diff, and write it the way Postfix's own editors do.
 * DESCRIPTION
 *	mcedit_compute() takes a parsed master.cf and a request and
 *	produces the new file image in which only the chroot bytes of the
 *	chosen entries differ, the list of changed fields, and the updated
 *	record (below).  With no names, enable and disable choose every
 *	entry that mcedit_is_never() does not exclude; named entries
 *	("service/type"; all duplicates of a name) are changed alone.
 *	Naming an entry that does not exist, or (for enable) one that must
 *	never be chrooted, is an error and nothing is computed.  Enable
 *	writes 'y' over '-' and 'n'.  Disable writes 'n' over 'y', or the
 *	value that the record says enable found there; it also writes 'n'
 *	over a '-' that means chrooted (DASH_DEFAULT 'y'), and leaves a
 *	'-' that already means not chrooted.  Every field has one byte
 *	before and after, so no other byte of the file moves.  The caller
 *	frees RES with mcedit_result_free().
 *
 *	mcedit_is_never() says whether an entry must never be chrooted:
 *	its command (basename) or its service name is on the list.  The
 *	service name matters for proxywrite (command proxymap) and postlog
 *	(command postlogd).  Disable may still name such an entry.
 *
 *	mcedit_diff() writes a unified diff of two texts with three lines
 *	of context into a new string (*OUT, freed by the caller); it is ""
 *	when the texts are equal.  It is meant for texts that differ in a
 *	few lines, as mcedit_compute() produces them.
 *
 *	mcedit_lock() takes Postfix's lock for editing NAME below DIRFD
 *	and mcedit_unlock() releases it; mcedit_replace() puts the new
 *	text in place while the lock is held.  mcedit_apply() does all of
 *	it: lock, read, compute, diff, save the record, back up and
 *	replace, unlock.  With dry_run it only reads, computes and diffs.
 *	The caller frees OUT with mcedit_outcome_free(), also on error.
 * LOCKING
 *	postconf -e and -F (Postfix 3.7, seen with strace) open NAME.tmp
 *	with O_CREAT (mode 0600), flock() it exclusively, compare the
 *	locked descriptor with a fresh stat() of NAME.tmp to make sure it
 *	was not renamed away by the previous holder meanwhile, truncate
 *	it, write the new text, fchmod() and fsync() it, and rename it
 *	over NAME.  The temporary file is the lock.  mcedit_lock() does
 *	the same, except that it gives up after TIMEOUT_MS (postconf waits
 *	forever) and checks what it opened.  A lock released without a
 *	rename unlinks NAME.tmp first, so that a waiting editor notices.
 *	postconf -F also rewrites and reorders the entry that it changes;
 *	this module changes one byte per field.
 * WRITING
 *	mcedit_replace() gives the new file the owner, mode and SELinux
 *	label (when the old file has one) of the old one, fsync()s it,
 *	checks that NAME is still the file that was read, renames it into
 *	place and fsync()s the directory.  Before that it stores the old
 *	text as NAME.postfix-chroot.bak, written the same way (through
 *	NAME.postfix-chroot.bak.tmp), so one backup of the previous version
 *	is kept, and only when something changed.  The name says which
 *	tool wrote it, so that an administrator's own master.cf.bak is
 *	never overwritten.  mcedit_apply() writes nothing when the edit
 *	changes nothing.
 * RECORD
 *	Disable can undo enable exactly, '-' included, because enable
 *	notes what it found in each field it changed.  The record is a
 *	small text file in the tool's state directory, one line per field:
 *	"WAS SERVICE/TYPE", WAS being '-' or 'n', in master.cf order, after
 *	two comment lines; " N" follows the name for the N-th entry of a
 *	name that occurs more than once (N >= 2).  Rules:
 *	enable adds an item for each field it changes and keeps the items
 *	of fields that are still 'y'; disable uses and drops the items of
 *	the entries it handles, restoring the noted value only when the
 *	field is still 'y' (otherwise the administrator changed it since,
 *	and the item is stale) and only when the noted value does not
 *	itself mean chrooted ('-' with DASH_DEFAULT 'y' becomes 'n');
 *	items of fields that are no longer 'y' are dropped on every edit.
 *	So enable then disable gives back the original bytes for every
 *	field that enable changed, and disable makes every handled entry
 *	unchrooted.  The record is written atomically before master.cf: a
 *	crash in between leaves items for fields that are not 'y', which
 *	the rules ignore.  An empty record is removed.  An unreadable or
 *	malformed record is ignored with a warning (disable then writes
 *	'n'); it cannot block an edit.
 * DIAGNOSTICS
 *	Functions return 0 or a negative errno, with a message in ERR that
 *	starts with the name of the file concerned (master.cf, its .tmp or
 *	backup, or the record) or of the entry concerned.  -EINVAL: a
 *	malformed file, record or name; -ENOENT: a named entry or the file
 *	does not exist; -EPERM: enable of a never-chroot entry, or an
 *	unsafe file or directory; -EAGAIN: the lock is busy, or master.cf
 *	was replaced behind the lock.  Nothing is printed.
 * SECURITY
 *	The configuration directory must belong to root (or the caller)
 *	and must not be writable by group or others; the record's
 *	directory is the caller's to check.  Files are opened with
 *	O_NOFOLLOW, temporary files other than Postfix's NAME.tmp with
 *	O_EXCL, and each opened file is checked on its descriptor: a
 *	regular file with one link.  NAME.tmp cannot use O_EXCL, because
 *	the lock protocol shares it with postconf.  The record is bounded
 *	in size and its lines are checked.
 * BUGS
 *	An editor that ignores the lock (a text editor) can still replace
 *	master.cf between the check and the rename; the window is a few
 *	system calls wide.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "label.h"
#include "mastercf.h"
#include "mcedit.h"

const char *const mcedit_never_default[] = {
    "local",      "virtual", "pipe",     "spawn", "proxymap",
    "proxywrite", "postlog", "postlogd", NULL,
};

/* Longest "service/type" name. */
#define MCE_NAME_MAX (2 * MASTERCF_MAX_FIELD + 2)

/* mce_error - format ERR and return RET */
static int __attribute__((format(printf, 4, 5)))
mce_error(int ret, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
    }
    return (ret);
}

/* mce_sys - ERR = "NAME: WHAT: strerror(errno)", return -errno */
static int
mce_sys(char *err, size_t errlen, const char *name, const char *what)
{
    int ret = -errno;

    return (
	mce_error(ret, err, errlen, "%s: %s: %s", name, what, strerror(-ret)));
}

/* ------------------------------------------------------------------ */
/* The edit.                                                            */
/* ------------------------------------------------------------------ */

/* mcedit_is_never - 1 if entry E must never be chrooted */
int
mcedit_is_never(const struct mastercf_entry *e, const char *const *never)
{
    const char *const *n;

    for (n = never ? never : mcedit_never_default; *n; n++)
	if (strcmp(e->command, *n) == 0 || strcmp(e->service, *n) == 0)
	    return (1);
    return (0);
}

/*
 * The "service/type" name of every entry, and its number among the
 * entries of that name (1, 2, ... in file order; duplicates are legal).
 */
struct mce_names {
    char **name;
    unsigned *nth;
    size_t n;
};

/* mce_cmp_index - order entry indexes by name, then by position */
static int
mce_cmp_index(const void *a, const void *b, void *ctx)
{
    char *const *name = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(name[i], name[j]);

    return (c ? c : (i > j) - (i < j));
}

/* mce_names_free - release what mce_names_make() allocated */
static void
mce_names_free(struct mce_names *nm)
{
    size_t i;

    for (i = 0; nm->name && i < nm->n; i++)
	free(nm->name[i]);
    free(nm->name);
    free(nm->nth);
    memset(nm, 0, sizeof(*nm));
}

/* mce_names_make - names and occurrence numbers of MC's entries */
static int
mce_names_make(const struct mastercf *mc, struct mce_names *nm)
{
    size_t *idx, i;

    nm->n = mc->n;
    nm->name = calloc(mc->n + 1, sizeof(*nm->name));
    nm->nth = calloc(mc->n + 1, sizeof(*nm->nth));
    idx = calloc(mc->n + 1, sizeof(*idx));
    if (nm->name == NULL || nm->nth == NULL || idx == NULL)
	goto nomem;
    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];
	size_t len = strlen(e->service) + strlen(e->type) + 2;

	if ((nm->name[i] = malloc(len)) == NULL)
	    goto nomem;
	snprintf(nm->name[i], len, "%s/%s", e->service, e->type);
	idx[i] = i;
    }

    /* Sorted by name, equal names are neighbours in file order. */
    qsort_r(idx, mc->n, sizeof(*idx), mce_cmp_index, nm->name);
    for (i = 0; i < mc->n; i++)
	nm->nth[idx[i]] =
	    i > 0 && strcmp(nm->name[idx[i]], nm->name[idx[i - 1]]) == 0
		? nm->nth[idx[i - 1]] + 1
		: 1;
    free(idx);
    return (0);

nomem:
    free(idx);
    mce_names_free(nm);
    return (-ENOMEM);
}

/*
 * mce_check_name - a usable "service/type": both parts present; with
 * STRICT (names from the command line) no control characters or spaces.
 */
static int
mce_check_name(const char *name, int strict)
{
    const char *slash = strrchr(name, '/');
    const char *cp;

    if (slash == NULL || slash == name || slash[1] == 0)
	return (0);
    for (cp = name; strict && *cp; cp++)
	if ((unsigned char)*cp <= ' ' || *cp == 0x7f)
	    return (0);
    return (1);
}

/* mce_select - mark the entries that REQ names; refuse bad names */
static int
mce_select(const struct mastercf *mc, const struct mce_names *nm,
	   const struct mcedit_req *req, char *target, char *err, size_t errlen)
{
    size_t i, k, found;

    if (req->nnames == 0) {
	for (i = 0; i < mc->n; i++)
	    target[i] = !mcedit_is_never(&mc->ent[i], req->never);
	return (0);
    }
    for (k = 0; k < req->nnames; k++) {
	const char *name = req->names[k];

	if (!mce_check_name(name, 1))
	    return (mce_error(-EINVAL, err, errlen,
			      "%.300s: not a SERVICE/TYPE name", name));
	for (found = 0, i = 0; i < mc->n; i++) {
	    if (strcmp(nm->name[i], name) != 0)
		continue;
	    if (req->mode == MCEDIT_ENABLE &&
		mcedit_is_never(&mc->ent[i], req->never))
		return (mce_error(-EPERM, err, errlen,
				  "%.300s: must never run chrooted (command "
				  "%.100s)",
				  name, mc->ent[i].command));
	    target[i] = 1;
	    found++;
	}
	if (found == 0)
	    return (mce_error(-ENOENT, err, errlen,
			      "%.300s: no such entry in master.cf", name));
    }
    return (0);
}

/* mce_cmp_item - order record items by name, then by number */
static int
mce_cmp_item(const void *a, const void *b)
{
    const struct mcedit_record_item *x =
	*(const struct mcedit_record_item *const *)a;
    const struct mcedit_record_item *y =
	*(const struct mcedit_record_item *const *)b;
    int c = strcmp(x->name, y->name);

    return (c ? c : (x->nth > y->nth) - (x->nth < y->nth));
}

/*
 * mce_recorded - for each entry, what the record says enable found
 * there (0: nothing), by name and number among the entries of that name.
 */
static int
mce_recorded(const struct mce_names *nm, const struct mcedit_record *rec,
	     char *was)
{
    const struct mcedit_record_item **sorted, **hit;
    struct mcedit_record_item key;
    const struct mcedit_record_item *kp = &key;
    size_t i;

    memset(was, 0, nm->n);
    if (rec == NULL || rec->n == 0)
	return (0);
    if ((sorted = calloc(rec->n, sizeof(*sorted))) == NULL)
	return (-ENOMEM);
    for (i = 0; i < rec->n; i++)
	sorted[i] = &rec->item[i];
    qsort(sorted, rec->n, sizeof(*sorted), mce_cmp_item);
    for (i = 0; i < nm->n; i++) {
	key.name = nm->name[i];
	key.nth = nm->nth[i];
	hit = bsearch(&kp, sorted, rec->n, sizeof(*sorted), mce_cmp_item);
	if (hit)
	    was[i] = (*hit)->was;
    }
    free(sorted);
    return (0);
}

/* mce_new_value - the chroot field of one entry after the edit */
static int
mce_new_value(const struct mcedit_req *req, int cur, int target, int was)
{
    if (!target)
	return (cur);
    if (req->mode == MCEDIT_ENABLE)
	return ('y');
    if (cur == 'y') {
	if (was == 0 || (was == '-' && req->dash_default == 'y'))
	    return ('n');
	return (was);
    }
    if (cur == '-' && req->dash_default == 'y')
	return ('n');
    return (cur);
}

/* mce_add_change - append one change to RES */
static int
mce_add_change(struct mcedit_result *res, const struct mastercf_entry *e,
	       const char *name, int now)
{
    struct mcedit_change *c;

    c = realloc(res->chg, (res->n + 1) * sizeof(*c));
    if (c == NULL)
	return (-ENOMEM);
    res->chg = c;
    c += res->n;
    if ((c->name = strdup(name)) == NULL)
	return (-ENOMEM);
    c->line = e->line;
    c->off = e->chroot_off;
    c->was = e->chroot;
    c->now = (char)now;
    res->n++;
    return (0);
}

/* mce_add_item - append one item to record REC */
static int
mce_add_item(struct mcedit_record *rec, const char *name, unsigned nth, int was)
{
    struct mcedit_record_item *it;

    it = realloc(rec->item, (rec->n + 1) * sizeof(*it));
    if (it == NULL)
	return (-ENOMEM);
    rec->item = it;
    if ((it[rec->n].name = strdup(name)) == NULL)
	return (-ENOMEM);
    it[rec->n].nth = nth;
    it[rec->n++].was = (char)was;
    return (0);
}

/* mce_apply_values - fill RES from the per-entry selection and record */
static int
mce_apply_values(const struct mastercf *mc, const struct mce_names *nm,
		 const struct mcedit_req *req, const char *target,
		 const char *was, struct mcedit_result *res)
{
    size_t i;
    int cur, now, keep;

    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];

	cur = e->chroot;
	now = mce_new_value(req, cur, target[i], was[i]);
	if (now != cur) {
	    res->buf[e->chroot_off] = (char)now;
	    if (mce_add_change(res, e, nm->name[i], now) < 0)
		return (-ENOMEM);
	}

	/* The record item of this field after the edit (0: none). */
	if (req->mode == MCEDIT_ENABLE && target[i] && now != cur)
	    keep = cur;
	else if (req->mode == MCEDIT_DISABLE && target[i])
	    keep = 0;
	else
	    keep = now == 'y' ? was[i] : 0;
	if (keep && mce_add_item(&res->rec, nm->name[i], nm->nth[i], keep) < 0)
	    return (-ENOMEM);
    }
    return (0);
}

/* mcedit_compute - the new text, its changes and the new record */
int
mcedit_compute(const struct mastercf *mc, const struct mcedit_req *req,
	       const struct mcedit_record *rec, struct mcedit_result *res,
	       char *err, size_t errlen)
{
    struct mce_names nm = {NULL, NULL, 0};
    char *target = NULL, *was = NULL;
    int ret;

    memset(res, 0, sizeof(*res));
    if (err && errlen)
	err[0] = 0;
    if ((req->mode != MCEDIT_ENABLE && req->mode != MCEDIT_DISABLE) ||
	(req->dash_default != 'y' && req->dash_default != 'n'))
	return (mce_error(-EINVAL, err, errlen, "invalid edit request"));

    /* Which entries; a bad name stops everything. */
    target = calloc(mc->n + 1, 1);
    was = calloc(mc->n + 1, 1);
    res->buf = malloc(mc->len + 1);
    if (target == NULL || was == NULL || res->buf == NULL ||
	mce_names_make(mc, &nm) < 0) {
	ret = mce_error(-ENOMEM, err, errlen, "out of memory");
	goto out;
    }
    if ((ret = mce_select(mc, &nm, req, target, err, errlen)) < 0)
	goto out;

    /* The new bytes: a copy with one byte changed per changed field. */
    memcpy(res->buf, mc->buf, mc->len);
    res->buf[mc->len] = 0;
    res->len = mc->len;
    if ((ret = mce_recorded(&nm, rec, was)) < 0 ||
	(ret = mce_apply_values(mc, &nm, req, target, was, res)) < 0)
	mce_error(ret, err, errlen, "out of memory");

out:
    if (ret < 0)
	mcedit_result_free(res);
    mce_names_free(&nm);
    free(target);
    free(was);
    return (ret);
}

/* mcedit_result_free - release what mcedit_compute() allocated */
void
mcedit_result_free(struct mcedit_result *res)
{
    size_t i;

    for (i = 0; i < res->n; i++)
	free(res->chg[i].name);
    free(res->chg);
    free(res->buf);
    mcedit_record_free(&res->rec);
    memset(res, 0, sizeof(*res));
}

/* ------------------------------------------------------------------ */
/* The unified diff.                                                    */
/* ------------------------------------------------------------------ */

/* Lines of a text: start offsets, one more than the count (the end). */
struct mce_lines {
    const char *text;
    size_t *start;
    size_t n;
};

/* mce_split_lines - index the lines of TEXT */
static int
mce_split_lines(const char *text, size_t len, struct mce_lines *l)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
	if (text[i] == '\n')
	    n++;
    if (len > 0 && text[len - 1] != '\n')
	n++;
    if ((l->start = malloc((n + 1) * sizeof(size_t))) == NULL)
	return (-ENOMEM);
    l->text = text;
    l->n = 0;
    for (i = 0; i < len; i++)
	if (i == 0 || text[i - 1] == '\n')
	    l->start[l->n++] = i;
    l->start[l->n] = len;
    return (0);
}

/* mce_line_eq - line I of A equals line J of B, newline included */
static int
mce_line_eq(const struct mce_lines *a, size_t i, const struct mce_lines *b,
	    size_t j)
{
    size_t alen = a->start[i + 1] - a->start[i];
    size_t blen = b->start[j + 1] - b->start[j];

    return (alen == blen &&
	    memcmp(a->text + a->start[i], b->text + b->start[j], alen) == 0);
}

/* A growing output string. */
struct mce_buf {
    char *s;
    size_t len;
    size_t cap;
    int failed;
};

/* mce_put - append LEN bytes */
static void
mce_put(struct mce_buf *b, const char *s, size_t len)
{
    char *ns;

    if (b->failed)
	return;
    if (b->len + len + 1 > b->cap) {
	size_t ncap = b->cap ? b->cap : 1024;

	while (b->len + len + 1 > ncap)
	    ncap *= 2;
	if ((ns = realloc(b->s, ncap)) == NULL) {
	    b->failed = 1;
	    return;
	}
	b->s = ns;
	b->cap = ncap;
    }
    memcpy(b->s + b->len, s, len);
    b->len += len;
    b->s[b->len] = 0;
}

/* mce_printf - append formatted text */
static void __attribute__((format(printf, 2, 3)))
mce_printf(struct mce_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
	b->failed = 1;
    else
	mce_put(b, tmp, (size_t)n);
}

static const char mce_no_newline[] = "\n\\ No newline at end of file\n";

/* mce_diff_line - one diff line: MARK, the text, a note if no newline */
static void
mce_diff_line(struct mce_buf *b, int mark, const struct mce_lines *l, size_t i)
{
    size_t len = l->start[i + 1] - l->start[i];
    char m = (char)mark;

    mce_put(b, &m, 1);
    mce_put(b, l->text + l->start[i], len);
    if (len == 0 || l->text[l->start[i] + len - 1] != '\n')
	mce_put(b, mce_no_newline, sizeof(mce_no_newline) - 1);
}

/* mce_range - a hunk range as diff -u writes it */
static void
mce_range(struct mce_buf *b, int sign, size_t start, size_t count)
{
    if (count == 1)
	mce_printf(b, "%c%zu", sign, start + 1);
    else
	mce_printf(b, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

/*
 * A changed block: lines [a0, a1) of A are replaced by [b0, b1) of B.
 * Outside the blocks the texts agree line by line.
 */
struct mce_block {
    size_t a0, a1, b0, b1;
};

/* mce_blocks - find the changed blocks */
static size_t
mce_blocks(const struct mce_lines *a, const struct mce_lines *b,
	   struct mce_block *blk)
{
    size_t pre = 0, suf = 0, i, n = 0;

    /* Same number of lines: compare them pairwise. */
    if (a->n == b->n) {
	for (i = 0; i < a->n; i++) {
	    if (mce_line_eq(a, i, b, i))
		continue;
	    if (n > 0 && blk[n - 1].a1 == i) {
		blk[n - 1].a1 = blk[n - 1].b1 = i + 1;
	    } else {
		blk[n].a0 = blk[n].b0 = i;
		blk[n].a1 = blk[n].b1 = i + 1;
		n++;
	    }
	}
	return (n);
    }

    /* Otherwise one block between the common head and tail. */
    while (pre < a->n && pre < b->n && mce_line_eq(a, pre, b, pre))
	pre++;
    while (suf < a->n - pre && suf < b->n - pre &&
	   mce_line_eq(a, a->n - 1 - suf, b, b->n - 1 - suf))
	suf++;
    blk[0].a0 = blk[0].b0 = pre;
    blk[0].a1 = a->n - suf;
    blk[0].b1 = b->n - suf;
    return (1);
}

/* mce_hunk - write blocks [first, last] as one hunk with CTX context */
static void
mce_hunk(struct mce_buf *out, const struct mce_lines *a,
	 const struct mce_lines *b, const struct mce_block *blk, size_t first,
	 size_t last, size_t ctx)
{
    size_t a0 = blk[first].a0 > ctx ? blk[first].a0 - ctx : 0;
    size_t a1 = blk[last].a1 + ctx < a->n ? blk[last].a1 + ctx : a->n;
    size_t b0 = blk[first].b0 - (blk[first].a0 - a0);
    size_t b1 = blk[last].b1 + (a1 - blk[last].a1);
    size_t i, k;

    mce_put(out, "@@ ", 3);
    mce_range(out, '-', a0, a1 - a0);
    mce_put(out, " ", 1);
    mce_range(out, '+', b0, b1 - b0);
    mce_put(out, " @@\n", 4);
    for (i = a0, k = first; k <= last; k++) {
	for (; i < blk[k].a0; i++)
	    mce_diff_line(out, ' ', a, i);
	for (i = blk[k].a0; i < blk[k].a1; i++)
	    mce_diff_line(out, '-', a, i);
	for (i = blk[k].b0; i < blk[k].b1; i++)
	    mce_diff_line(out, '+', b, i);
	i = blk[k].a1;
    }
    for (; i < a1; i++)
	mce_diff_line(out, ' ', a, i);
}

/* mcedit_diff - unified diff of A and B, three lines of context */
int
mcedit_diff(const char *a, size_t alen, const char *b, size_t blen,
	    const char *label_a, const char *label_b, char **out,
	    size_t *outlen)
{
    struct mce_lines la = {NULL, NULL, 0}, lb = {NULL, NULL, 0};
    struct mce_buf buf = {NULL, 0, 0, 0};
    struct mce_block *blk = NULL;
    size_t nblk, first, k;
    const size_t ctx = 3;

    *out = NULL;
    *outlen = 0;
    if (mce_split_lines(a, alen, &la) < 0 ||
	mce_split_lines(b, blen, &lb) < 0 ||
	(blk = malloc((la.n + 1) * sizeof(*blk))) == NULL) {
	buf.failed = 1;
	goto done;
    }
    nblk = mce_blocks(&la, &lb, blk);
    mce_put(&buf, "", 0);
    if (nblk > 0) {
	mce_printf(&buf, "--- %s\n+++ %s\n", label_a, label_b);

	/* Blocks whose contexts touch or overlap share a hunk. */
	for (first = 0, k = 0; k < nblk; k++) {
	    if (k + 1 < nblk && blk[k + 1].a0 - blk[k].a1 <= 2 * ctx)
		continue;
	    mce_hunk(&buf, &la, &lb, blk, first, k, ctx);
	    first = k + 1;
	}
    }

done:
    free(la.start);
    free(lb.start);
    free(blk);
    if (buf.failed) {
	free(buf.s);
	return (-ENOMEM);
    }
    *out = buf.s;
    *outlen = buf.len;
    return (0);
}

/* ------------------------------------------------------------------ */
/* Files.                                                               */
/* ------------------------------------------------------------------ */

/* mce_write_all - write LEN bytes, retrying short writes */
static int
mce_write_all(int fd, const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
	n = write(fd, buf, len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0)
	    return (-errno);
	buf += n;
	len -= (size_t)n;
    }
    return (0);
}

/* mce_check_file - a regular file with one link, or -EPERM */
static int
mce_check_file(int fd, const char *name, char *err, size_t errlen)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
	return (mce_sys(err, errlen, name, "fstat"));
    if (!S_ISREG(st.st_mode))
	return (mce_error(-EPERM, err, errlen, "%s: not a regular file", name));
    if (st.st_nlink != 1)
	return (mce_error(-EPERM, err, errlen, "%s: has %lu hard links", name,
			  (unsigned long)st.st_nlink));
    return (0);
}

/*
 * mce_copy_meta - give file TO the owner, mode and SELinux label of
 * file FROM.  The label is copied only when FROM has one.
 */
static int
mce_copy_meta(int from, int to, const char *name, char *err, size_t errlen)
{
    struct stat st;
    char *con = NULL;
    int ret;

    if (fstat(from, &st) < 0)
	return (mce_sys(err, errlen, name, "fstat"));

    /* Owner first: fchown() may clear set-id bits that fchmod() sets. */
    if (fchown(to, st.st_uid, st.st_gid) < 0)
	return (mce_sys(err, errlen, name, "fchown"));
    if (fchmod(to, st.st_mode & 07777) < 0)
	return (mce_sys(err, errlen, name, "fchmod"));
    if ((ret = label_get_fd(from, &con)) < 0) {
	errno = -ret;
	return (mce_sys(err, errlen, name, "reading its SELinux label"));
    }
    if (con == NULL)
	return (0);
    ret = label_set_fd(to, con);
    label_free_ctx(con);
    if (ret < 0) {
	errno = -ret;
	return (mce_sys(err, errlen, name, "setting its SELinux label"));
    }
    return (0);
}

/*
 * mce_write_new - write BUF as NAME below DIRFD through NAME.tmp with
 * O_EXCL, with the metadata of file META, and rename it into place.
 * Used for the backup and the record; the caller holds a lock that
 * covers NAME.tmp, so a leftover NAME.tmp is a crashed run's and goes.
 */
static int
mce_write_new(int dirfd, const char *name, int meta, mode_t mode,
	      const char *buf, size_t len, char *err, size_t errlen)
{
    char tmp[300];
    int fd, ret;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= (int)sizeof(tmp))
	return (
	    mce_error(-ENAMETOOLONG, err, errlen, "%s: name too long", name));
    if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
	return (mce_sys(err, errlen, tmp, "unlink"));
    fd = openat(dirfd, tmp,
		O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
	return (mce_sys(err, errlen, tmp, "create"));
    ret = meta >= 0 ? mce_copy_meta(meta, fd, tmp, err, errlen) : 0;
    if (ret == 0 && (ret = mce_write_all(fd, buf, len)) < 0)
	mce_error(ret, err, errlen, "%s: write: %s", tmp, strerror(-ret));
    if (ret == 0 && fsync(fd) < 0)
	ret = mce_sys(err, errlen, tmp, "fsync");
    if (ret == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
	ret = mce_sys(err, errlen, name, "rename");
    close(fd);
    if (ret < 0)
	(void)unlinkat(dirfd, tmp, 0);
    return (ret);
}

/* ------------------------------------------------------------------ */
/* The record.                                                          */
/* ------------------------------------------------------------------ */

static const char mce_record_head[] =
    "# postfix-chroot: master.cf chroot fields as they were before "
    "\"enable\".\n"
    "# \"disable\" restores them.  One line each: WAS SERVICE/TYPE [N]\n";

/* mce_record_item - one line "WAS NAME [N]" into REC, or -EINVAL */
static int
mce_record_item(char *line, struct mcedit_record *rec)
{
    char *name = line + 2, *num, *end;
    unsigned long nth = 1;

    if ((line[0] != '-' && line[0] != 'n') || line[1] != ' ')
	return (-EINVAL);
    if ((num = strchr(name, ' ')) != NULL) {
	*num++ = 0;
	nth = strtoul(num, &end, 10);
	if (*num < '1' || *num > '9' || *end != 0 || nth > 1000000)
	    return (-EINVAL);
    }
    if (!mce_check_name(name, 0) || strlen(name) >= MCE_NAME_MAX)
	return (-EINVAL);
    return (mce_add_item(rec, name, (unsigned)nth, line[0]));
}

/* mce_record_parse - the items of record text BUF */
static int
mce_record_parse(char *buf, const char *name, struct mcedit_record *rec,
		 char *err, size_t errlen)
{
    char *line, *next;
    unsigned lineno = 0;
    int ret;

    for (line = buf; *line; line = next) {
	lineno++;
	if ((next = strchr(line, '\n')) == NULL)
	    return (mce_error(-EINVAL, err, errlen,
			      "%s: line %u: incomplete line", name, lineno));
	*next++ = 0;
	if (line[0] == '#' || line[0] == 0)
	    continue;
	if ((ret = mce_record_item(line, rec)) == -ENOMEM)
	    return (mce_error(ret, err, errlen, "out of memory"));
	if (ret < 0)
	    return (mce_error(ret, err, errlen, "%s: line %u: malformed", name,
			      lineno));
    }
    return (0);
}

/* mcedit_record_load - read the record; a missing one is empty */
int
mcedit_record_load(int dirfd, const char *name, struct mcedit_record *rec,
		   char *err, size_t errlen)
{
    struct stat st;
    char *buf;
    ssize_t got;
    int fd, ret;

    memset(rec, 0, sizeof(*rec));
    fd = openat(dirfd, name,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
	return (errno == ENOENT ? 0 : mce_sys(err, errlen, name, "open"));
    if ((ret = mce_check_file(fd, name, err, errlen)) < 0 ||
	fstat(fd, &st) < 0) {
	close(fd);
	return (ret < 0 ? ret : mce_sys(err, errlen, name, "fstat"));
    }
    if (st.st_size > MCEDIT_RECORD_MAX) {
	close(fd);
	return (mce_error(-EINVAL, err, errlen, "%s: larger than %d bytes",
			  name, MCEDIT_RECORD_MAX));
    }
    if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
	close(fd);
	return (-ENOMEM);
    }
    got = read(fd, buf, (size_t)st.st_size);
    close(fd);
    if (got != st.st_size) {
	free(buf);
	return (mce_error(-EIO, err, errlen, "%s: short read", name));
    }
    buf[got] = 0;
    if (memchr(buf, 0, (size_t)got) != NULL)
	ret = mce_error(-EINVAL, err, errlen, "%s: NUL byte", name);
    else
	ret = mce_record_parse(buf, name, rec, err, errlen);
    free(buf);
    if (ret < 0)
	mcedit_record_free(rec);
    return (ret);
}

/* mcedit_record_save - write the record atomically; remove it if empty */
int
mcedit_record_save(int dirfd, const char *name, const struct mcedit_record *rec,
		   char *err, size_t errlen)
{
    struct mce_buf b = {NULL, 0, 0, 0};
    size_t i;
    int ret;

    if (rec->n == 0) {
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
	    return (mce_sys(err, errlen, name, "unlink"));
	if (fsync(dirfd) < 0)
	    return (mce_sys(err, errlen, name, "fsync of the directory"));
	return (0);
    }
    mce_put(&b, mce_record_head, sizeof(mce_record_head) - 1);
    for (i = 0; i < rec->n; i++) {
	mce_put(&b, &rec->item[i].was, 1);
	mce_put(&b, " ", 1);
	mce_put(&b, rec->item[i].name, strlen(rec->item[i].name));
	if (rec->item[i].nth > 1)
	    mce_printf(&b, " %u", rec->item[i].nth);
	mce_put(&b, "\n", 1);
    }
    if (b.failed) {
	free(b.s);
	return (mce_error(-ENOMEM, err, errlen, "out of memory"));
    }
    ret = mce_write_new(dirfd, name, -1, 0644, b.s, b.len, err, errlen);
    free(b.s);
    if (ret == 0 && fsync(dirfd) < 0)
	ret = mce_sys(err, errlen, name, "fsync of the directory");
    return (ret);
}

/* mcedit_record_free - release a record */
void
mcedit_record_free(struct mcedit_record *rec)
{
    size_t i;

    for (i = 0; i < rec->n; i++)
	free(rec->item[i].name);
    free(rec->item);
    memset(rec, 0, sizeof(*rec));
}

/* ------------------------------------------------------------------ */
/* Postfix's lock, and the replacement.                                 */
/* ------------------------------------------------------------------ */

/* mce_check_dir - DIRFD belongs to root or us, and only its owner writes */
static int
mce_check_dir(int dirfd, char *err, size_t errlen)
{
    struct stat st;

    if (fstat(dirfd, &st) < 0)
	return (mce_sys(err, errlen, "configuration directory", "fstat"));
    if (!S_ISDIR(st.st_mode))
	return (mce_error(-ENOTDIR, err, errlen,
			  "configuration directory: not a directory"));
    if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022))
	return (mce_error(-EPERM, err, errlen,
			  "configuration directory: writable by others than "
			  "its owner, or owned by another user; not editing "
			  "there"));
    return (0);
}

/* mce_now_ms - a monotonic clock in milliseconds */
static long long
mce_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* mce_same_file - FD is still what NAME below DIRFD refers to */
static int
mce_same_file(int dirfd, const char *name, int fd)
{
    struct stat a, b;

    return (fstat(fd, &a) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/*
 * mce_lock_once - open NAME.tmp, wait for its lock until DEADLINE.
 * Returns the locked descriptor, or a negative errno.
 */
static int
mce_lock_once(struct mcedit_lock *lk, long long deadline, char *err,
	      size_t errlen)
{
    struct timespec nap = {0, 20 * 1000 * 1000};
    int fd, ret;

    /*
     * No O_EXCL: postconf shares this file as its lock.  O_NOFOLLOW
     * refuses a symlink, O_NONBLOCK a FIFO without a reader; what was
     * opened is checked before anything is written into it.
     */
    fd = openat(lk->dirfd, lk->tmp,
		O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0)
	return (mce_sys(err, errlen, lk->tmp, "open"));
    if ((ret = mce_check_file(fd, lk->tmp, err, errlen)) < 0) {
	close(fd);
	return (ret);
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
	if (errno != EWOULDBLOCK && errno != EINTR) {
	    ret = mce_sys(err, errlen, lk->tmp, "flock");
	    close(fd);
	    return (ret);
	}
	if (mce_now_ms() >= deadline) {
	    close(fd);
	    return (mce_error(-EAGAIN, err, errlen,
			      "%s: locked by another editor of %s", lk->tmp,
			      lk->name));
	}
	nanosleep(&nap, NULL);
    }
    return (fd);
}

/* mcedit_lock - take Postfix's edit lock of NAME below DIRFD */
int
mcedit_lock(int dirfd, const char *name, int timeout_ms, struct mcedit_lock *lk,
	    char *err, size_t errlen)
{
    long long deadline;
    int fd, ret;

    memset(lk, 0, sizeof(*lk));
    lk->fd = -1;
    lk->dirfd = dirfd;
    if (snprintf(lk->name, sizeof(lk->name), "%s", name) >=
	    (int)sizeof(lk->name) ||
	snprintf(lk->tmp, sizeof(lk->tmp), "%s%s", name, MCEDIT_TMP_SUFFIX) >=
	    (int)sizeof(lk->tmp))
	return (mce_error(-ENAMETOOLONG, err, errlen, "%.200s: name too long",
			  name));
    if ((ret = mce_check_dir(dirfd, err, errlen)) < 0)
	return (ret);
    deadline =
	mce_now_ms() + (timeout_ms > 0 ? timeout_ms : MCEDIT_LOCK_TIMEOUT_MS);

    /*
     * The previous holder may have renamed the file into place (or
     * removed it) between our open and our lock: then the locked file is
     * no longer NAME.tmp, and we start again with a fresh one.
     */
    for (;;) {
	if ((fd = mce_lock_once(lk, deadline, err, errlen)) < 0)
	    return (fd);
	if (mce_same_file(dirfd, lk->tmp, fd))
	    break;
	close(fd);
    }
    if (ftruncate(fd, 0) < 0) {
	ret = mce_sys(err, errlen, lk->tmp, "ftruncate");
	close(fd);
	return (ret);
    }
    lk->fd = fd;
    return (0);
}

/* mcedit_unlock - release the lock; remove NAME.tmp if still there */
void
mcedit_unlock(struct mcedit_lock *lk)
{
    if (lk->fd < 0)
	return;

    /* Unlink before unlocking, so that a waiting editor starts over. */
    if (mce_same_file(lk->dirfd, lk->tmp, lk->fd))
	(void)unlinkat(lk->dirfd, lk->tmp, 0);
    close(lk->fd);
    lk->fd = -1;
}

/*
 * mcedit_replace - with the lock held: back up OLDBUF (the text read
 * from OLDFD, which is NAME), write BUF into NAME.tmp with OLDFD's owner,
 * mode and label, and rename it over NAME.
 */
int
mcedit_replace(struct mcedit_lock *lk, int oldfd, const char *oldbuf,
	       size_t oldlen, const char *buf, size_t len, char *err,
	       size_t errlen)
{
    char backup[300];
    int ret;

    if (lk->fd < 0)
	return (mce_error(-EINVAL, err, errlen, "%s: not locked", lk->name));
    snprintf(backup, sizeof(backup), "%s%s", lk->name, MCEDIT_BACKUP_SUFFIX);

    /* The backup first: if it cannot be written, nothing changes. */
    ret = mce_write_new(lk->dirfd, backup, oldfd, 0600, oldbuf, oldlen, err,
			errlen);
    if (ret < 0)
	return (ret);

    /* The new text, dressed like the old file, on disk. */
    if ((ret = mce_write_all(lk->fd, buf, len)) < 0)
	return (mce_error(ret, err, errlen, "%s: write: %s", lk->tmp,
			  strerror(-ret)));
    if ((ret = mce_copy_meta(oldfd, lk->fd, lk->tmp, err, errlen)) < 0)
	return (ret);
    if (fsync(lk->fd) < 0)
	return (mce_sys(err, errlen, lk->tmp, "fsync"));

    /*
     * An editor that ignores the lock may have replaced NAME since it
     * was read; its change would be lost silently.
     */
    if (!mce_same_file(lk->dirfd, lk->name, oldfd))
	return (mce_error(-EAGAIN, err, errlen,
			  "%s: replaced by someone else during the edit; "
			  "not changed",
			  lk->name));
    if (renameat(lk->dirfd, lk->tmp, lk->dirfd, lk->name) < 0)
	return (mce_sys(err, errlen, lk->name, "rename"));
    if (fsync(lk->dirfd) < 0)
	return (mce_sys(err, errlen, lk->name, "fsync of the directory"));
    return (0);
}

/* ------------------------------------------------------------------ */
/* All of it.                                                           */
/* ------------------------------------------------------------------ */

/* mce_load_record - the record, or an empty one and a warning */
static int
mce_load_record(const struct mcedit_opts *o, struct mcedit_record *rec,
		struct mcedit_outcome *out, char *err, size_t errlen)
{
    int ret;

    memset(rec, 0, sizeof(*rec));
    if (o->state_fd < 0)
	return (0);
    if (o->record == NULL)
	return (mce_error(-EINVAL, err, errlen, "no record name given"));
    ret = mcedit_record_load(o->state_fd, o->record, rec, out->warning,
			     sizeof(out->warning));
    if (ret == -ENOMEM)
	return (mce_error(ret, err, errlen, "out of memory"));
    if (ret < 0) {
	size_t l = strlen(out->warning);

	snprintf(out->warning + l, sizeof(out->warning) - l, "; ignored");
    }
    return (0);
}

/* mce_prefix - put "NAME: " in front of ERR */
static void
mce_prefix(char *err, size_t errlen, const char *name)
{
    char tmp[512];

    if (err == NULL || errlen == 0)
	return;
    snprintf(tmp, sizeof(tmp), "%s", err);
    snprintf(err, errlen, "%s: %s", name, tmp);
}

/* mcedit_apply - lock, read, compute, diff, write, unlock */
int
mcedit_apply(const struct mcedit_opts *o, const struct mcedit_req *req,
	     struct mcedit_outcome *out, char *err, size_t errlen)
{
    const char *name = o->file ? o->file : "master.cf";
    struct mcedit_lock lk = {-1, -1, "", ""};
    struct mcedit_result res;
    struct mcedit_record rec;
    struct mastercf mc;
    char la[300], lb[300];
    int fd = -1, ret;

    memset(out, 0, sizeof(*out));
    memset(&res, 0, sizeof(res));
    memset(&rec, 0, sizeof(rec));
    memset(&mc, 0, sizeof(mc));
    if (err && errlen)
	err[0] = 0;

    /* Lock first, so that what is read is what is replaced. */
    if (!o->dry_run && (ret = mcedit_lock(o->conf_fd, name, o->timeout_ms, &lk,
					  err, errlen)) < 0)
	return (ret);
    fd = openat(o->conf_fd, name,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
	ret = mce_sys(err, errlen, name, "open");
	goto done;
    }
    if ((ret = mastercf_read_fd(fd, &mc, err, errlen)) < 0) {
	mce_prefix(err, errlen, name);
	goto done;
    }

    /* The edit and its diff. */
    if ((ret = mce_load_record(o, &rec, out, err, errlen)) < 0)
	goto done;
    if ((ret = mcedit_compute(&mc, req, &rec, &res, err, errlen)) < 0)
	goto done;
    snprintf(la, sizeof(la), "a/%s", name);
    snprintf(lb, sizeof(lb), "b/%s", name);
    ret = mcedit_diff(mc.buf, mc.len, res.buf, res.len, la, lb, &out->diff,
		      &out->difflen);
    if (ret < 0) {
	mce_error(ret, err, errlen, "out of memory");
	goto done;
    }
    out->chg = res.chg;
    out->n = res.n;
    res.chg = NULL;
    res.n = 0;
    if (o->dry_run || out->n == 0)
	goto done;

    /* Record first (see RECORD), then the backup and the new file. */
    if (o->state_fd >= 0 &&
	(ret = mcedit_record_save(o->state_fd, o->record, &res.rec, err,
				  errlen)) < 0)
	goto done;
    ret =
	mcedit_replace(&lk, fd, mc.buf, mc.len, res.buf, res.len, err, errlen);
    out->written = ret == 0;

    /*
     * master.cf stayed as it was: put the old record back, so that a
     * later disable still finds what enable noted.  Best effort; the
     * rules cope with a record that does not match (see RECORD).
     */
    if (ret < 0 && o->state_fd >= 0)
	(void)mcedit_record_save(o->state_fd, o->record, &rec, NULL, 0);

done:
    mcedit_unlock(&lk);
    if (fd >= 0)
	close(fd);
    mcedit_result_free(&res);
    mcedit_record_free(&rec);
    mastercf_free(&mc);
    return (ret);
}

/* mcedit_outcome_free - release what mcedit_apply() allocated */
void
mcedit_outcome_free(struct mcedit_outcome *out)
{
    size_t i;

    for (i = 0; i < out->n; i++)
	free(out->chg[i].name);
    free(out->chg);
    free(out->diff);
    memset(out, 0, sizeof(*out));
}
