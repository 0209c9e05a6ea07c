/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	deps - what a run read, so that the next run can skip its work
 * SUMMARY
 *	A record of the status of every file, directory and missing name an
 *	update looked at, kept as a stamp next to the manifest.  When every
 *	recorded status is still the same, a new run would compute the same
 *	plan and find the same jail, so it has nothing to do.
 * DESCRIPTION
 *	deps_start() begins recording; deps_set_fd() says which descriptor
 *	stands for the root, the jail and the state directory, so that paths
 *	read relative to them are recorded as such.
 *
 *	deps_note() records the result of a stat of PATH below DIRFD (its
 *	status ST, or the error ERR).  HOW is DEPS_WHOLE (identity, type,
 *	mode, owner, size and times must stay the same) or DEPS_IDENT (a
 *	directory crossed on the way: only that it is the same directory),
 *	plus DEPS_FOLLOW when the path was followed to its end, as open()
 *	does.  deps_note_fd() records an open descriptor's status, following
 *	(what read_file_at() opened); deps_note_path() stats PATH itself,
 *	without following.  A path read through any other descriptor, or one
 *	whose status changed during the run, makes the run's record unusable
 *	(deps_taint()).  deps_warning() keeps a warning to repeat; every
 *	warning logged is kept so, except while deps_hold_warnings() holds
 *	them (those of the trigger's path list, which belong to one run).
 *
 *	deps_save() writes the stamp NAME in the state directory SFD, unless
 *	the record is unusable or "racy": a status changed so recently that
 *	a second change within the same clock tick would leave the same
 *	times (the file system's times are taken from a coarse clock).  Then
 *	it removes a stamp there may be, and the next run does the work.
 *
 *	deps_stamp_check() tells whether NAME is absent or a stamp that may
 *	be read and replaced (a root-owned regular file with one link that
 *	others cannot write); anything else there is for the caller to
 *	refuse, as for the manifest.
 *
 *	deps_valid() returns 1 when the stamp NAME exists, is intact, was
 *	written for KEY (program, options, SELinux state), and every status
 *	it holds is still the same; it then repeats the recorded warnings.
 *	Otherwise 0, and the caller does the work.
 * DIAGNOSTICS
 *	deps_save() returns 0 or a negative errno; why a stamp is not used
 *	is said with -vv.
 * SECURITY
 *	The stamp is opened without following links and must be a root-owned
 *	regular file that others cannot write, in the checked state
 *	directory.  It can only ever make a run skip work: a stamp that does
 *	not match, is damaged or cut short (it ends with a count and a
 *	checksum) is ignored.  It is written without fsync: after a crash it
 *	is the old one, the new one or damaged, and each is checked anew.
 *	Checking only stats names; nothing is opened in the jail.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "util.h"

#define DEPS_ERR 4		/* internal: the stat failed */
#define DEPS_FNV0 0xcbf29ce484222325ULL
#define DEPS_MAGIC "postfix-chroot stamp 1\n"

/*
 * A change within this long of a recorded change time could share its
 * time stamp: 20 ms covers clock ticks down to 50 Hz; a time with zero
 * nanoseconds suggests a file system with whole-second times.
 */
#define DEPS_TICK_NS 20000000LL
#define DEPS_COARSE_NS 2000000000LL

struct dep {
    int base;
    int how;
    int err;
    char *path;
    dev_t dev;
    ino_t ino;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    off_t size;
    struct timespec mtime;
    struct timespec ctime;
    unsigned long seq;		/* when the status was taken */
    int drop;			/* covered by its directory's record */
};

static struct {
    int on;
    struct timespec t0;
    struct dep *v;
    size_t n;
    unsigned long seq;
    size_t *slot;		/* hash of index + 1, 0 empty */
    size_t nslot;
    int rootfd, jailfd, statefd;
    const char *taint;
    struct strlist warn;
    int hold;			/* warnings now are not repeated */
} deps = {.rootfd = -1, .jailfd = -1, .statefd = -1};

/* deps_hash - FNV-1a over N bytes, continuing from H */
static uint64_t
deps_hash(uint64_t h, const void *buf, size_t n)
{
    const unsigned char *p = buf;

    while (n-- > 0) {
	h ^= *p++;
	h *= 0x100000001b3ULL;
    }
    return (h);
}

/*
 * deps_sum - checksum of the stamp's text, eight bytes a step: it only
 * has to notice a file cut short or damaged, and is computed on every
 * run.
 */
static uint64_t
deps_sum(const char *buf, size_t n)
{
    uint64_t h = DEPS_FNV0 ^ n, w;

    for (; n >= 8; buf += 8, n -= 8) {
	memcpy(&w, buf, 8);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
    }
    return (deps_hash(h, buf, n));
}


/* deps_key_hash - hash of a recorded name */
static size_t
deps_key_hash(int base, const char *path)
{
    unsigned char b = (unsigned char)base;

    return ((size_t)deps_hash(deps_hash(DEPS_FNV0, &b, 1), path,
			      strlen(path)));
}

/* deps_find - index + 1 of the record of BASE, PATH; or 0 */
static size_t
deps_find(int base, const char *path, size_t *slotp)
{
    size_t i, mask = deps.nslot - 1;

    if (deps.nslot == 0)
	return (0);
    for (i = deps_key_hash(base, path) & mask; deps.slot[i];
	 i = (i + 1) & mask) {
	const struct dep *d = &deps.v[deps.slot[i] - 1];

	if (d->base == base && strcmp(d->path, path) == 0)
	    return (deps.slot[i]);
    }
    if (slotp)
	*slotp = i;
    return (0);
}

/* deps_grow - keep the hash table at most half full */
static void
deps_grow(void)
{
    size_t i, j, mask;

    if (2 * (deps.n + 1) <= deps.nslot)
	return;
    free(deps.slot);
    deps.nslot = deps.nslot ? 2 * deps.nslot : 256;
    deps.slot = xcalloc(deps.nslot, sizeof(*deps.slot));
    mask = deps.nslot - 1;
    for (i = 0; i < deps.n; i++) {
	j = deps_key_hash(deps.v[i].base, deps.v[i].path) & mask;
	while (deps.slot[j])
	    j = (j + 1) & mask;
	deps.slot[j] = i + 1;
    }
}

/* deps_warn_hook - diagnostics hand over every warning here */
static void
deps_warn_hook(const char *text)
{
    if (deps.on && !deps.hold)
	strlist_add(&deps.warn, text);
}

/*
 * deps_hold_warnings - with ON, warnings are not kept for repeating: they
 * concern this run alone (the trigger's path list), not what it read.
 */
void
deps_hold_warnings(int on)
{
    deps.hold = on;
}

/* deps_start - begin recording */
void
deps_start(void)
{
    deps.on = 1;
    clock_gettime(CLOCK_REALTIME, &deps.t0);
    diag_set_warn_hook(deps_warn_hook);
}

/* deps_active - is a record being made? */
int
deps_active(void)
{
    return (deps.on);
}

/* deps_stop - forget everything */
void
deps_stop(void)
{
    size_t i;

    for (i = 0; i < deps.n; i++)
	free(deps.v[i].path);
    free(deps.v);
    free(deps.slot);
    strlist_free(&deps.warn);
    memset(&deps, 0, sizeof(deps));
    deps.rootfd = deps.jailfd = deps.statefd = -1;
    diag_set_warn_hook(NULL);
}

/* deps_set_fd - FD stands for BASE from now on */
void
deps_set_fd(int base, int fd)
{
    if (base == DEPS_ROOT)
	deps.rootfd = fd;
    else if (base == DEPS_JAIL)
	deps.jailfd = fd;
    else if (base == DEPS_STATE)
	deps.statefd = fd;
}

/* deps_base_fd - the descriptor of BASE, or -1 */
static int
deps_base_fd(int base)
{
    switch (base) {
    case DEPS_ABS:
	return (AT_FDCWD);
    case DEPS_ROOT:
	return (deps.rootfd);
    case DEPS_JAIL:
	return (deps.jailfd);
    case DEPS_STATE:
	return (deps.statefd);
    default:
	return (-1);
    }
}

/* deps_taint - this run's record cannot be used */
void
deps_taint(const char *why)
{
    if (deps.on && deps.taint == NULL) {
	deps.taint = why;
	msg_debug("no stamp for this run: %s", why);
    }
}

/* deps_tainted - why the record cannot be used, or NULL */
const char *
deps_tainted(void)
{
    return (deps.taint);
}

/* deps_same - do two records of one name say the same? */
static int
deps_same(const struct dep *a, const struct dep *b, int how)
{
    if ((a->how & DEPS_ERR) || (b->how & DEPS_ERR))
	return ((a->how & DEPS_ERR) && (b->how & DEPS_ERR)
		&& a->err == b->err);
    if (a->dev != b->dev || a->ino != b->ino
	|| (a->mode & S_IFMT) != (b->mode & S_IFMT))
	return (0);
    if (how & DEPS_IDENT)
	return (1);
    return (a->mode == b->mode && a->uid == b->uid && a->gid == b->gid
	    && a->size == b->size
	    && a->mtime.tv_sec == b->mtime.tv_sec
	    && a->mtime.tv_nsec == b->mtime.tv_nsec
	    && a->ctime.tv_sec == b->ctime.tv_sec
	    && a->ctime.tv_nsec == b->ctime.tv_nsec);
}

/* deps_fill - a record from a stat result */
static void
deps_fill(struct dep *d, int how, const struct stat *st, int err)
{
    d->how = how;
    d->err = 0;
    if (st == NULL) {
	d->how = (how & DEPS_FOLLOW) | DEPS_ERR;
	d->err = err;
	return;
    }
    d->dev = st->st_dev;
    d->ino = st->st_ino;
    d->mode = st->st_mode;
    d->uid = st->st_uid;
    d->gid = st->st_gid;
    d->size = st->st_size;
    d->mtime = st->st_mtim;
    d->ctime = st->st_ctim;
}

/* deps_note - record the status of PATH below DIRFD */
void
deps_note(int dirfd, const char *path, int how, const struct stat *st,
	  int err)
{
    struct dep nd, *d;
    size_t i, slot;
    int base;

    if (!deps.on)
	return;
    if (dirfd == AT_FDCWD && path[0] == '/')
	base = DEPS_ABS;
    else if (dirfd >= 0 && dirfd == deps.rootfd)
	base = DEPS_ROOT;
    else if (dirfd >= 0 && dirfd == deps.jailfd)
	base = DEPS_JAIL;
    else if (dirfd >= 0 && dirfd == deps.statefd)
	base = DEPS_STATE;
    else {
	deps_taint("a path read from an unrecorded place");
	return;
    }
    if (base != DEPS_ABS)
	while (*path == '/')
	    path++;
    if (*path == 0)
	path = ".";
    if (strlen(path) >= 4096) {
	deps_taint("a path too long to record");
	return;
    }
    memset(&nd, 0, sizeof(nd));
    nd.base = base;
    deps_fill(&nd, how, st, err);

    /* Seen before: it must not have changed; keep the stricter record. */
    if ((i = deps_find(base, path, NULL)) != 0) {
	d = &deps.v[i - 1];
	if (!deps_same(d, &nd, (d->how | nd.how) & DEPS_IDENT)
	    || (d->how & DEPS_FOLLOW) != (nd.how & DEPS_FOLLOW)) {
	    if ((d->how & DEPS_FOLLOW) == (nd.how & DEPS_FOLLOW))
		deps_taint("a file changed while it was read");
	    else
		deps_taint("a path both followed and not");
	} else if ((d->how & DEPS_IDENT) && !(nd.how & DEPS_IDENT)) {
	    nd.path = d->path;
	    nd.seq = ++deps.seq;
	    *d = nd;
	}
	return;
    }
    deps_grow();
    (void)deps_find(base, path, &slot);
    deps.v = xrealloc(deps.v, (deps.n + 1) * sizeof(*deps.v));
    nd.path = xstrdup(path);
    nd.seq = ++deps.seq;
    deps.v[deps.n++] = nd;
    deps.slot[slot] = deps.n;
}

/* deps_note_fd - record what FD, opened as PATH below DIRFD, is */
void
deps_note_fd(int dirfd, const char *path, int fd)
{
    struct stat st;

    if (!deps.on)
	return;
    if (fstat(fd, &st) < 0)
	deps_note(dirfd, path, DEPS_WHOLE | DEPS_FOLLOW, NULL, errno);
    else
	deps_note(dirfd, path, DEPS_WHOLE | DEPS_FOLLOW, &st, 0);
}

/* deps_note_path - stat PATH below DIRFD, not following, and record it */
void
deps_note_path(int dirfd, const char *path)
{
    struct stat st;

    if (!deps.on)
	return;
    if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
	deps_note(dirfd, path, DEPS_WHOLE, NULL, errno);
    else
	deps_note(dirfd, path, DEPS_WHOLE, &st, 0);
}

/* deps_id_cb - find the GNU build ID note of the program itself */
static int
deps_id_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    char *out = arg;
    int i;

    (void)size;
    for (i = 0; i < info->dlpi_phnum; i++) {
	const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
	const unsigned char *p, *end;

	if (ph->p_type != PT_NOTE)
	    continue;
	p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
	end = p + ph->p_memsz;
	while (p + sizeof(ElfW(Nhdr)) <= end) {
	    const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
	    const unsigned char *name = p + sizeof(*nh);
	    const unsigned char *desc = name + ((nh->n_namesz + 3) & ~3U);
	    size_t k;

	    if (desc + nh->n_descsz > end)
		break;
	    if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4
		&& memcmp(name, "GNU", 4) == 0 && nh->n_descsz > 0
		&& nh->n_descsz <= 64) {
		for (k = 0; k < nh->n_descsz; k++)
		    sprintf(out + 2 * k, "%02x", desc[k]);
		return (1);
	    }
	    p = desc + ((nh->n_descsz + 3) & ~3U);
	}
    }
    return (1);			/* the first object is the program */
}

/*
 * deps_program_id - the build ID the linker put in this program (a hash
 * of its contents), so that a stamp written by another build of the
 * tool is not taken; NULL without one.  Read from memory: no system
 * call, and the same under valgrind.
 */
const char *
deps_program_id(void)
{
    static char id[2 * 64 + 1];

    if (id[0] == 0)
	dl_iterate_phdr(deps_id_cb, id);
    return (id[0] ? id : NULL);
}

/* deps_warning - a warning to repeat when the work is skipped */
void
deps_warning(const char *text)
{
    deps_warn_hook(text);
}

/* deps_escape - write S with space, control, '%' and high bytes as %XX */
static void
deps_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
	unsigned char c = (unsigned char)*s;

	if (c <= ' ' || c >= 0x7f || c == '%')
	    fprintf(fp, "%%%02X", c);
	else
	    putc(c, fp);
    }
}

/* deps_hexval - value of one hex digit, or -1 */
static int
deps_hexval(int c)
{
    if (c >= '0' && c <= '9')
	return (c - '0');
    if (c >= 'A' && c <= 'F')
	return (c - 'A' + 10);
    if (c >= 'a' && c <= 'f')
	return (c - 'a' + 10);
    return (-1);
}

/* deps_unescape - undo deps_escape() in place; -1 if malformed */
static int
deps_unescape(char *s)
{
    char *o;
    int hi, lo;

    if ((s = strchr(s, '%')) == NULL)
	return (0);
    for (o = s; *s; s++) {
	if (*s != '%') {
	    *o++ = *s;
	    continue;
	}
	if ((hi = deps_hexval(s[1])) < 0 || (lo = deps_hexval(s[2])) < 0
	    || (hi | lo) == 0)
	    return (-1);
	*o++ = (char)(hi << 4 | lo);
	s += 2;
    }
    *o = 0;
    return (0);
}

/*
 * deps_num - read a number in BASE (8 or 10) at *PP followed by SEP (0:
 * the end); -1 if malformed or too large.  The stamp is read on every
 * run, and sscanf() would cost more than all the checking.
 */
static int
deps_num(char **pp, unsigned base, int sep, uintmax_t *v)
{
    char *p = *pp, *start = p;
    uintmax_t n = 0;

    for (; *p >= '0' && *p < (char)('0' + base); p++)
	n = n * base + (uintmax_t)(*p - '0');

    /* Nineteen digits fit in 64 bits in either base. */
    if (p == start || p - start > 19 || *p != sep)
	return (-1);
    *pp = sep ? p + 1 : p;
    *v = n;
    return (0);
}

/* deps_writable - can the record be written in the stamp's format? */
static int
deps_writable(const struct dep *d)
{
    return ((d->how & DEPS_ERR)
	    || (d->size >= 0 && d->mtime.tv_sec >= 0
		&& d->ctime.tv_sec >= 0));
}

/* deps_racy - could a change after the record have kept its times? */
static int
deps_racy(const struct dep *d)
{
    long long ct, t0, tick;

    if (d->how & (DEPS_ERR | DEPS_IDENT))
	return (0);
    tick = d->ctime.tv_nsec == 0 ? DEPS_COARSE_NS : DEPS_TICK_NS;
    ct = (long long)d->ctime.tv_sec * 1000000000LL + d->ctime.tv_nsec;
    t0 = (long long)deps.t0.tv_sec * 1000000000LL + deps.t0.tv_nsec;
    return (ct + tick > t0);
}

/*
 * deps_collapse - a name found missing in a directory whose status was
 * taken before the lookup needs no record of its own: creating it would
 * change the directory's times, so the directory is compared in full
 * instead.  The library search looks for each name in half a dozen
 * directories; this keeps the stamp, and the check, short.
 */
static size_t
deps_collapse(void)
{
    size_t i, j, kept = deps.n;

    for (i = 0; i < deps.n; i++) {
	struct dep *d = &deps.v[i], *dir;
	const char *slash;
	char *parent;

	if (!(d->how & DEPS_ERR) || d->err != ENOENT
	    || (d->how & DEPS_FOLLOW))
	    continue;
	slash = strrchr(d->path, '/');
	parent = slash ? xstrndup(d->path, (size_t)(slash - d->path))
	    : xstrdup(".");
	j = deps_find(d->base, parent, NULL);
	free(parent);
	if (j == 0)
	    continue;
	dir = &deps.v[j - 1];
	if ((dir->how & (DEPS_ERR | DEPS_FOLLOW)) || !S_ISDIR(dir->mode)
	    || dir->seq > d->seq)
	    continue;
	dir->how &= ~DEPS_IDENT;
	d->drop = 1;
	kept--;
    }
    return (kept);
}

/* deps_save - write the stamp NAME, or remove it when unusable */
int
deps_save(int sfd, const char *name, const char *key)
{
    FILE *fp;
    char *text = NULL, *tmp;
    size_t i, kept, len = 0;
    int fd, ret = 0;

    if (!deps.on)
	return (0);
    kept = deps_collapse();
    for (i = 0; deps.taint == NULL && i < deps.n; i++)
	if (!deps.v[i].drop && !deps_writable(&deps.v[i])) {
	    deps.taint = "a time before 1970";
	} else if (!deps.v[i].drop && deps_racy(&deps.v[i])) {
	    msg_debug("no stamp for this run: %s changed moments ago",
		      deps.v[i].path);
	    deps.taint = "racy";
	}
    if (deps.taint) {
	if (unlinkat(sfd, name, 0) < 0 && errno != ENOENT)
	    return (-errno);
	return (0);
    }
    if ((fp = open_memstream(&text, &len)) == NULL)
	return (-errno);
    fputs(DEPS_MAGIC "key ", fp);
    deps_escape(fp, key);
    putc('\n', fp);
    for (i = 0; i < deps.warn.n; i++) {
	fputs("w ", fp);
	deps_escape(fp, deps.warn.v[i]);
	putc('\n', fp);
    }
    for (i = 0; i < deps.n; i++) {
	const struct dep *d = &deps.v[i];

	if (d->drop)
	    continue;
	fprintf(fp, "%c%d ", d->base, d->how);
	deps_escape(fp, d->path);
	if (d->how & DEPS_ERR)
	    fprintf(fp, " %d\n", d->err);
	else
	    fprintf(fp, " %ju %ju %o %ju %ju %jd %jd.%ld %jd.%ld\n",
		    (uintmax_t)d->dev, (uintmax_t)d->ino, (unsigned)d->mode,
		    (uintmax_t)d->uid, (uintmax_t)d->gid, (intmax_t)d->size,
		    (intmax_t)d->mtime.tv_sec, d->mtime.tv_nsec,
		    (intmax_t)d->ctime.tv_sec, d->ctime.tv_nsec);
    }
    if (fflush(fp) != 0) {
	fclose(fp);
	free(text);
	return (-ENOMEM);
    }
    fprintf(fp, "end %zu %016" PRIx64 "\n", kept + deps.warn.n,
	    deps_sum(text, len));
    if (fclose(fp) != 0) {
	free(text);
	return (-ENOMEM);
    }

    tmp = xasprintf("%s.tmp", name);
    fd = openat(sfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		| O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST && unlinkat(sfd, tmp, 0) == 0)
	fd = openat(sfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0600);
    if (fd < 0) {
	ret = -errno;
    } else {
	ret = write_all(fd, text, len);
	if (close(fd) < 0 && ret == 0)
	    ret = -errno;
	if (ret == 0 && renameat(sfd, tmp, sfd, name) < 0)
	    ret = -errno;
	if (ret < 0)
	    (void)unlinkat(sfd, tmp, 0);
    }
    free(tmp);
    free(text);
    return (ret);
}

/* deps_check_line - does one recorded status still hold? */
static int
deps_check_line(char *line)
{
    char *path, *rest = line + 1;
    struct dep want, have;
    struct stat st;
    uintmax_t f[10], h;
    int base = line[0], how, fd;

    if (deps_num(&rest, 10, ' ', &h) < 0
	|| (h & ~(uintmax_t)(DEPS_IDENT | DEPS_FOLLOW | DEPS_ERR)) != 0)
	return (0);
    how = (int)h;
    path = rest;
    if ((rest = strchr(path, ' ')) == NULL)
	return (0);
    *rest++ = 0;
    if (deps_unescape(path) < 0 || (fd = deps_base_fd(base)) == -1
	|| (base == DEPS_ABS && path[0] != '/'))
	return (0);
    memset(&want, 0, sizeof(want));
    want.how = how;
    if (how & DEPS_ERR) {
	if (deps_num(&rest, 10, 0, &f[0]) < 0 || f[0] > 4095)
	    return (0);
	want.err = (int)f[0];
    } else {
	if (deps_num(&rest, 10, ' ', &f[0]) < 0
	    || deps_num(&rest, 10, ' ', &f[1]) < 0
	    || deps_num(&rest, 8, ' ', &f[2]) < 0
	    || deps_num(&rest, 10, ' ', &f[3]) < 0
	    || deps_num(&rest, 10, ' ', &f[4]) < 0
	    || deps_num(&rest, 10, ' ', &f[5]) < 0
	    || deps_num(&rest, 10, '.', &f[6]) < 0
	    || deps_num(&rest, 10, ' ', &f[7]) < 0
	    || deps_num(&rest, 10, '.', &f[8]) < 0
	    || deps_num(&rest, 10, 0, &f[9]) < 0
	    || f[7] > 999999999 || f[9] > 999999999)
	    return (0);
	want.dev = (dev_t)f[0];
	want.ino = (ino_t)f[1];
	want.mode = (mode_t)f[2];
	want.uid = (uid_t)f[3];
	want.gid = (gid_t)f[4];
	want.size = (off_t)f[5];
	want.mtime.tv_sec = (time_t)f[6];
	want.mtime.tv_nsec = (long)f[7];
	want.ctime.tv_sec = (time_t)f[8];
	want.ctime.tv_nsec = (long)f[9];
    }
    memset(&have, 0, sizeof(have));
    if (fstatat(fd, path, &st, (how & DEPS_FOLLOW) ? 0
		: AT_SYMLINK_NOFOLLOW) < 0)
	deps_fill(&have, how & ~DEPS_ERR, NULL, errno);
    else
	deps_fill(&have, how & ~DEPS_ERR, &st, 0);
    if (!deps_same(&want, &have, how)) {
	msg_debug("stamp: %c %s changed", base, path);
	return (0);
    }
    return (1);
}

/*
 * deps_stamp_check - is what stands at NAME in SFD a stamp this program
 * may read and replace: nothing, or a root-owned regular file with one
 * link that others cannot write?  0 or -EPERM (or another -errno).
 */
int
deps_stamp_check(int sfd, const char *name)
{
    struct stat st;

    if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
	return (errno == ENOENT ? 0 : -errno);
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1
	|| (st.st_mode & 022) != 0)
	return (-EPERM);
    return (0);
}

/* deps_valid - does the stamp NAME hold for KEY and the system now? */
int
deps_valid(int sfd, const char *name, const char *key)
{
    struct strlist warn = {0};
    struct stat st;
    char *buf = NULL, *line, *next, *end;
    size_t len, count = 0, n;
    uint64_t sum;
    int fd, ok = 0;

    fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
		| O_NOCTTY);
    if (fd < 0)
	return (0);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)
	|| st.st_uid != geteuid() || (st.st_mode & 022) != 0
	|| st.st_nlink != 1
	|| read_fd_bounded(fd, DEPS_STAMP_MAX, &buf, &len) < 0) {
	close(fd);
	msg_debug("%s: not a usable stamp", name);
	return (0);
    }
    close(fd);

    /* Intact: "end COUNT SUM" last, over every byte before it. */
    if (len < 2 || buf[len - 1] != '\n' || memchr(buf, 0, len) != NULL)
	goto out;
    buf[len - 1] = 0;
    if ((end = strrchr(buf, '\n')) == NULL
	|| sscanf(end + 1, "end %zu %" SCNx64, &n, &sum) != 2
	|| deps_sum(buf, (size_t)(end + 1 - buf)) != sum)
	goto out;
    *end = 0;
    if (strncmp(buf, DEPS_MAGIC, strlen(DEPS_MAGIC)) != 0)
	goto out;
    line = buf + strlen(DEPS_MAGIC);
    if ((next = strchr(line, '\n')) != NULL)
	*next++ = 0;
    if (strncmp(line, "key ", 4) != 0 || deps_unescape(line + 4) < 0
	|| strcmp(line + 4, key) != 0) {
	msg_debug("%s: written for other options or another program", name);
	goto out;
    }
    for (line = next; line; line = next) {
	if ((next = strchr(line, '\n')) != NULL)
	    *next++ = 0;
	count++;
	if (line[0] == 'w' && line[1] == ' ') {
	    if (deps_unescape(line + 2) < 0)
		goto out;
	    strlist_add(&warn, line + 2);
	} else if (!deps_check_line(line)) {
	    goto out;
	}
    }
    if (count != n)
	goto out;
    ok = 1;
    for (n = 0; n < warn.n; n++)
	msg_warn("%s", warn.v[n]);
out:
    if (!ok)
	msg_debug("%s: the work is done again", name);
    strlist_free(&warn);
    free(buf);
    return (ok);
}
