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
 *	size or modification time.  A manifest saved with PENDING set
 *	carries a "# pending" line (a run died half-way).  After the saved
 *	record come the blocks runs appended ("# adding", entries, "# end"):
 *	the names a run was about to create.  A complete block's entries
 *	count and set PENDING; a last block cut short, or a file cut while
 *	it was being made, is what a run wrote just before it died, before
 *	it created anything, and is ignored (TORN is set: the file is then
 *	rewritten, not appended to).  A path that comes twice with two
 *	kinds (in a block, a kind a run was about to change it to) may be
 *	of either: the later kind is the entry's, the earlier its ALT, and
 *	a record keeps both as two lines.  A missing manifest is an empty
 *	one.
 *
 *	manifest_append() adds such a block, or makes the file with it, and
 *	leaves the flush to the caller, who makes it and the state directory
 *	durable with its own first flush and creates no name before.
 *	manifest_write() writes a new record under a temporary name
 *	(fsynced or not), and manifest_install() renames it into place;
 *	manifest_save() does both, durably (fsync of the file and of the
 *	directory).  manifest_add() appends or updates an entry of one
 *	kind, manifest_add_changing() one that may still be of its earlier
 *	kind, manifest_kind_is() tells whether an entry may be of a kind;
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

#include <dirent.h>
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
#include "diag.h"
#include "util.h"

#define MANIFEST_HEADER "# postfix-chroot manifest 1"
#define MANIFEST_PENDING "# pending"
#define MANIFEST_ADDING "# adding"
#define MANIFEST_END "# end"

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

/* manifest_entry_of - the entry of PATH, made when there is none */
static struct manifest_entry *
manifest_entry_of(struct manifest *m, const char *path, int *made)
{
    size_t i;

    *made = 0;
    for (i = 0; i < m->n; i++)
	if (strcmp(m->v[i].path, path) == 0)
	    return (&m->v[i]);
    m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
    m->v[m->n].path = xstrdup(path);
    m->v[m->n].id = NULL;
    m->v[m->n].alt = 0;
    *made = 1;
    return (&m->v[m->n++]);
}

/* manifest_add - record PATH of KIND, exactly (replacing any earlier) */
void
manifest_add(struct manifest *m, char kind, const char *path)
{
    int made;
    struct manifest_entry *e = manifest_entry_of(m, path, &made);

    e->kind = kind;
    e->alt = 0;
}

/*
 * manifest_add_changing - record PATH of KIND, while it may still be of
 * the kind it had (an earlier entry's) or of ALT (when not 0): a run
 * that changes an entry's kind records the new one first, and may die
 * before it makes the change.
 */
void
manifest_add_changing(struct manifest *m, char kind, char alt,
		      const char *path)
{
    int made;
    struct manifest_entry *e = manifest_entry_of(m, path, &made);

    if (!made && e->kind != kind)
	alt = e->kind;
    else if (!made && alt == 0)
	alt = e->alt;
    e->kind = kind;
    e->alt = alt != kind ? alt : 0;
}

/* manifest_kind_is - may ME be of KIND? */
int
manifest_kind_is(const struct manifest_entry *me, char kind)
{
    return (me->kind == kind || me->alt == kind);
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

/*
 * manifest_file_ok - is FD a root-owned regular file with one link that
 * only root can write?  A record others could write could make update
 * remove what the tool never installed.
 */
static int
manifest_file_ok(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
	return (-errno);
    if (!S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1
	|| (st.st_mode & 022))
	return (-EPERM);
    return (0);
}

/* manifest_lines - add the "KIND PATH[<tab>ID]" lines of TEXT to M */
static int
manifest_lines(char *text, struct manifest *m)
{
    char *line, *save = NULL;

    for (line = strtok_r(text, "\n", &save); line;
	 line = strtok_r(NULL, "\n", &save)) {
	char *id = strchr(line, '\t');

	if (id)
	    *id++ = 0;
	if (strchr("fld", line[0]) == NULL || line[1] != ' '
	    || !path_rel_ok(line + 2) || (id && !manifest_id_ok(id)))
	    return (-EINVAL);
	manifest_add_changing(m, line[0], 0, line + 2);
	manifest_set_id(m, line + 2, id);	/* a block's has none */
    }
    return (0);
}

/*
 * manifest_cut - is P (N bytes, the end of the file) the cut beginning
 * of a block: a prefix of its first line, then zeros where a file
 * system extended the file before the bytes reached the disk?
 */
static int
manifest_cut(const char *p, size_t n)
{
    static const char begin[] = MANIFEST_ADDING "\n";
    size_t i = 0;

    while (i < n && i < sizeof(begin) - 1 && p[i] == begin[i])
	i++;
    if (i == sizeof(begin) - 1)
	return (0);		/* a whole first line is not a cut one */
    while (i < n && p[i] == 0)
	i++;
    return (i == n);
}

/*
 * manifest_blocks - the blocks appended after the saved record, from
 * BLK (the newline before the first "# adding") to END.  A complete
 * block ("# end" line included) counts; a last block without its end is
 * what a run wrote just before it died, and that run created nothing
 * before the block was durable: it is ignored, whatever it holds.
 */
static int
manifest_blocks(char *blk, char *end, struct manifest *m)
{
    static const char begin[] = "\n" MANIFEST_ADDING "\n";
    static const char fin[] = "\n" MANIFEST_END "\n";
    char *body, *stop;

    while (blk) {
	body = blk + sizeof(begin) - 1;
	stop = memmem(body - 1, (size_t)(end - body + 1), fin,
		      sizeof(fin) - 1);
	if (stop == NULL) {
	    m->torn = 1;
	    return (0);
	}
	stop[1] = 0;
	if (memchr(body, 0, (size_t)(stop + 1 - body)) != NULL
	    || manifest_lines(body, m) < 0)
	    return (-EINVAL);
	m->pending = 1;
	body = stop + sizeof(fin) - 1;
	if (body == end)
	    return (0);
	if ((size_t)(end - body) >= sizeof(begin) - 2
	    && memcmp(body, begin + 1, sizeof(begin) - 2) == 0) {
	    blk = body - 1;
	} else if (manifest_cut(body, (size_t)(end - body))) {
	    m->torn = 1;
	    return (0);
	} else {
	    return (-EINVAL);
	}
    }
    return (0);
}

/* manifest_load - read the record NAME in SFD; missing is empty */
int
manifest_load(int sfd, const char *name, struct manifest *m)
{
    static const char begin[] = "\n" MANIFEST_ADDING "\n";
    char *buf, *body, *blk, *cend, *end;
    struct stat st;
    size_t len;
    int fd, ret;

    memset(m, 0, sizeof(*m));

    /* O_NONBLOCK: a FIFO in its place must not hang the run. */
    fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
	return (errno == ENOENT ? 0 : -errno);
    if ((ret = manifest_file_ok(fd)) < 0 || fstat(fd, &st) < 0) {
	close(fd);
	return (ret < 0 ? ret : -errno);
    }
    ret = read_fd_bounded(fd, MANIFEST_MAX_SIZE, &buf, &len);
    close(fd);
    if (ret < 0)
	return (ret);
    m->exists = 1;
    m->ino = st.st_ino;
    m->size = (off_t)len;

    /*
     * A run that made the manifest died before the first write reached
     * the disk: nothing of that run is in the jail yet.  The file is cut
     * in its header, or all zeros, of any length, where a file system
     * extended it before the bytes arrived.
     */
    if ((len < sizeof(MANIFEST_HEADER)
	 && memcmp(buf, MANIFEST_HEADER, len) == 0)
	|| (buf[0] == 0 && manifest_cut(buf, len))) {
	m->torn = 1;
	free(buf);
	return (0);
    }
    if (strncmp(buf, MANIFEST_HEADER "\n", sizeof(MANIFEST_HEADER)) != 0) {
	free(buf);
	return (-EINVAL);
    }

    /* The saved record, then the blocks runs appended. */
    body = buf + sizeof(MANIFEST_HEADER);
    end = buf + len;
    blk = memmem(body - 1, (size_t)(end - body + 1), begin,
		 sizeof(begin) - 1);
    cend = blk ? blk + 1 : end;

    /*
     * Every record is written whole, ending in a newline, and renamed
     * into place: what follows its last newline can only be the cut
     * beginning of a block.  Anything else there is damage (a record cut
     * in a line would name a path the tool never installed).
     */
    if (blk == NULL) {
	char *last = memrchr(body - 1, '\n', (size_t)(end - body + 1));

	if (++last < end) {
	    if (!manifest_cut(last, (size_t)(end - last))) {
		free(buf);
		return (-EINVAL);
	    }
	    m->torn = 1;
	    cend = last;
	}
    }
    if (buf[len - 1] != '\n')
	m->torn = 1;		/* a block cut short */

    /*
     * The record first, then the blocks, which are newer: a block's kind
     * for a path wins.  Ending the record's text overwrites the first
     * byte of the block's first line, which manifest_blocks() has no
     * need to read again.
     */
    ret = memchr(body, 0, (size_t)(cend - body)) ? -EINVAL : 0;
    *cend = 0;
    if (ret == 0 && strncmp(body, MANIFEST_PENDING "\n",
			    sizeof(MANIFEST_PENDING)) == 0) {
	m->pending = 1;
	body += sizeof(MANIFEST_PENDING);
    }
    if (ret == 0)
	ret = manifest_lines(body, m);
    if (ret == 0)
	ret = manifest_blocks(blk, end, m);
    free(buf);
    if (ret < 0) {
	manifest_free(m);
	return (ret);
    }
    manifest_sort(m);
    return (0);
}

/* manifest_text - the record M as text, optionally with its header */
static char *
manifest_text(const struct manifest *m, int header, const char *first,
	      const char *last, size_t *lenp)
{
    char *text = NULL;
    size_t i;
    FILE *fp;

    if ((fp = open_memstream(&text, lenp)) == NULL)
	msg_fatal(1, "out of memory");
    if (header)
	fprintf(fp, "%s\n", MANIFEST_HEADER);
    if (first)
	fprintf(fp, "%s\n", first);
    for (i = 0; i < m->n; i++) {
	if (m->v[i].alt)	/* the same path twice: the kind it may have */
	    fprintf(fp, "%c %s\n", m->v[i].alt, m->v[i].path);
	fputc(m->v[i].kind, fp);
	fputc(' ', fp);
	fputs(m->v[i].path, fp);
	if (m->v[i].id) {
	    fputc('\t', fp);
	    fputs(m->v[i].id, fp);
	}
	fputc('\n', fp);
    }
    if (last)
	fprintf(fp, "%s\n", last);
    if (fclose(fp) != 0)
	msg_fatal(1, "out of memory");
    return (text);
}

/*
 * manifest_clean_tmp - remove the temporary records ".NAME.PID.tmp" that
 * killed runs left in SFD.  Runs for one jail hold its lock, so none of
 * them is in use; the state directory is root's alone.
 */
static void
manifest_clean_tmp(int sfd, const char *name)
{
    size_t n = strlen(name);
    struct dirent *d;
    DIR *dir;
    int fd;

    if ((fd = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	return;
    if ((dir = fdopendir(fd)) == NULL) {
	close(fd);
	return;
    }
    while ((d = readdir(dir)) != NULL) {
	const char *p = d->d_name;

	if (p[0] == '.' && strncmp(p + 1, name, n) == 0 && p[n + 1] == '.'
	    && strspn(p + n + 2, "0123456789") > 0
	    && strcmp(p + n + 2 + strspn(p + n + 2, "0123456789"), ".tmp")
	    == 0)
	    (void)unlinkat(sfd, p, 0);
    }
    closedir(dir);
}

/*
 * manifest_write - write the record M to a temporary file next to NAME,
 * made durable with SYNC; manifest_install() puts it in place.
 * Temporary records killed runs left are removed first.
 */
int
manifest_write(int sfd, const char *name, const struct manifest *m,
	       int sync, struct manifest_tmp *t)
{
    size_t len;
    char *text;
    int ret = 0;

    t->tmp = xasprintf(".%s.%ld.tmp", name, (long)getpid());
    manifest_clean_tmp(sfd, name);
    unlinkat(sfd, t->tmp, 0);
    t->fd = openat(sfd, t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		   | O_CLOEXEC, 0644);
    if (t->fd < 0) {
	ret = -errno;
	free(t->tmp);
	t->tmp = NULL;
	return (ret);
    }
    text = manifest_text(m, 1, m->pending ? MANIFEST_PENDING : NULL, NULL,
			 &len);
    ret = write_all(t->fd, text, len);
    free(text);
    if (ret == 0 && sync && fsync(t->fd) < 0)
	ret = -errno;
    if (ret < 0)
	manifest_abandon(sfd, t);
    return (ret);
}

/*
 * manifest_install - rename the temporary file of manifest_write() over
 * NAME; with SYNC_DIR, fsync the directory too.
 */
int
manifest_install(int sfd, const char *name, struct manifest_tmp *t,
		 int sync_dir)
{
    int ret = 0;

    if (close(t->fd) < 0)
	ret = -errno;
    t->fd = -1;
    if (ret == 0 && renameat(sfd, t->tmp, sfd, name) < 0)
	ret = -errno;
    if (ret < 0)
	unlinkat(sfd, t->tmp, 0);
    else if (sync_dir && fsync(sfd) < 0)
	ret = -errno;
    free(t->tmp);
    t->tmp = NULL;
    return (ret);
}

/* manifest_abandon - drop the temporary file of manifest_write() */
void
manifest_abandon(int sfd, struct manifest_tmp *t)
{
    if (t->fd >= 0)
	close(t->fd);
    t->fd = -1;
    if (t->tmp)
	unlinkat(sfd, t->tmp, 0);
    free(t->tmp);
    t->tmp = NULL;
}

/* manifest_save - write the record NAME in SFD atomically and durably */
int
manifest_save(int sfd, const char *name, const struct manifest *m)
{
    struct manifest_tmp t;
    int ret;

    if ((ret = manifest_write(sfd, name, m, 1, &t)) < 0)
	return (ret);
    return (manifest_install(sfd, name, &t, 1));
}

/*
 * manifest_append - record ADDS, the entries a run is about to create,
 * in the manifest NAME of SFD, whose loaded contents are OLD: as one
 * block appended to the file, or a new file holding the block when
 * there is none.  Nothing is flushed: *FDP is the descriptor to make
 * durable, with SFD (which holds its name), before the first of ADDS is
 * created.  A file that does not end where it was read, or ends in a
 * cut block, is replaced instead by OLD and ADDS marked pending,
 * atomically and durably (*FDP is -1).
 */
int
manifest_append(int sfd, const char *name, const struct manifest *old,
		const struct manifest *adds, int *fdp)
{
    struct manifest all = {0};
    struct stat st;
    size_t len, i;
    char *text;
    int fd = -1, created = 0, ret;

    *fdp = -1;
    if (old->exists && !old->torn) {
	fd = openat(sfd, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK
		    | O_CLOEXEC);
	if (fd >= 0 && (manifest_file_ok(fd) < 0 || fstat(fd, &st) < 0
			|| st.st_ino != old->ino || st.st_size != old->size)) {
	    close(fd);
	    fd = -1;
	}
    } else if (!old->exists) {
	fd = openat(sfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EEXIST)
	    return (-errno);
	created = (fd >= 0);
    }
    if (fd >= 0) {
	text = manifest_text(adds, created, MANIFEST_ADDING, MANIFEST_END,
			     &len);
	ret = write_all(fd, text, len);
	free(text);
	if (ret < 0) {
	    close(fd);
	    return (ret);
	}
	*fdp = fd;
	return (0);
    }
    for (i = 0; i < old->n; i++) {
	manifest_add_changing(&all, old->v[i].kind, old->v[i].alt,
			      old->v[i].path);
	manifest_set_id(&all, old->v[i].path, old->v[i].id);
    }
    for (i = 0; i < adds->n; i++)
	manifest_add_changing(&all, adds->v[i].kind, 0, adds->v[i].path);
    manifest_sort(&all);
    all.pending = 1;
    ret = manifest_save(sfd, name, &all);
    manifest_free(&all);
    return (ret);
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
