/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	jail - safe file operations inside the jail
 * SUMMARY
 *	Every read, write and removal in the jail goes through directory
 *	descriptors and *at() calls that never follow a symbolic link.
 * DESCRIPTION
 *	jail_open() opens the jail directory, checking every component of
 *	its path from "/" down: each must be a real directory owned by root
 *	that others cannot write (a sticky directory such as /tmp is allowed
 *	above the jail).  The jail itself must be root-owned and not group or
 *	world writable.
 *
 *	jail_dir() opens the directory REL below the jail, component by
 *	component, with O_NOFOLLOW; with CREATE it makes missing components
 *	(mode 0755, root, labelled).  Each opened directory is verified the
 *	same way and kept open for the rest of the run.
 *
 *	jail_write_file() writes a new file: a fresh temporary name in the
 *	same directory made with O_CREAT|O_EXCL|O_NOFOLLOW, the bytes (from
 *	SRCFD, copied by the kernel with copy_file_range() where it can, or
 *	BUF), owner root, MODE, the SELinux context of the final path and
 *	MTIME, all on the descriptor, fsync, then rename() over REL.
 *	jail_write_link() does the same for a symbolic link.  The same steps
 *	exist one by one for batches: jail_stage_file() and jail_stage_link()
 *	make the temporary entry (in REL's directory, or in the nearest one
 *	above it when that is still missing: staging makes no directory),
 *	jail_flush() makes a batch durable, jail_commit() makes the missing
 *	directories and renames, jail_discard() drops.  Running daemons
 *	keep the inode they have mapped.  jail_sync() makes every directory
 *	that changed durable (fsync, or one syncfs for many).  Both take
 *	descriptors outside the jail (the manifest) to make durable in the
 *	same step, and fsync them even after a syncfs that covered them.
 *
 *	jail_remove() unlinks REL (or removes the directory REL when
 *	WANT_DIR) after checking that it is root-owned; jail_forget() has
 *	jail_sync() make durable the absence of a name found missing.
 *	jail_clean_tmp() removes temporary files a killed run left in REL.
 * DIAGNOSTICS
 *	0 or a negative errno.  -EPERM means a refusal for safety; j->why
 *	then says which ("not owned by root", "symbolic link in the way").
 * SECURITY
 *	The jail is partly owned by the postfix user.  A symbolic link,
 *	FIFO, device or hard link planted in the jail must never make this
 *	root process read or write outside it: directories are opened with
 *	O_NOFOLLOW|O_DIRECTORY and checked with fstat() on the descriptor;
 *	new files are created with O_EXCL|O_NOFOLLOW, so an existing name is
 *	never opened for writing; the final name is replaced with rename(),
 *	which replaces the directory entry and never writes through it.
 *	Directories that are not root-owned or that others can write are
 *	refused, because their contents can change between check and use.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail.h"
#include "label.h"
#include "util.h"

#define JAIL_COPY_BUF 65536
#define JAIL_RANGE_MAX (1UL << 30)

/* jail_dir_safe - refuse a directory others may change */
static int
jail_dir_safe(struct jail *j, int fd, int allow_sticky)
{
    struct stat st;
    const char *why;

    if (fstat(fd, &st) < 0)
	return (-errno);
    if ((why = dir_unsafe(&st, allow_sticky)) != NULL) {
	j->why = why;
	return (-EPERM);
    }
    return (0);
}

/* jail_open_component - open one directory component without following */
static int
jail_open_component(struct jail *j, int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		    | O_CLOEXEC);

    if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISLNK(st.st_mode))
	    j->why = "symbolic link where a directory belongs";
	else
	    j->why = "not a directory";
	return (-EPERM);
    }
    return (fd < 0 ? -errno : fd);
}

/* jail_open - open and verify the jail directory PATH */
int
jail_open(struct jail *j, const char *path, const char *label_path)
{
    struct stat st;
    char *copy, *comp, *save = NULL;
    int fd, next = -1, ret = 0;

    memset(j, 0, sizeof(*j));
    j->fd = -1;
    if (path[0] != '/') {
	j->why = "not an absolute path";
	return (-EPERM);
    }
    if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	return (-errno);
    copy = xstrdup(path);
    for (comp = strtok_r(copy, "/", &save); comp;
	 comp = strtok_r(NULL, "/", &save)) {
	if ((ret = jail_dir_safe(j, fd, 1)) < 0
	    || (next = jail_open_component(j, fd, comp)) < 0) {
	    if (ret == 0)
		ret = next;
	    close(fd);
	    free(copy);
	    return (ret);
	}
	close(fd);
	fd = next;
    }
    free(copy);
    if ((ret = jail_dir_safe(j, fd, 0)) < 0) {
	close(fd);
	return (ret);
    }
    j->fd = fd;
    j->dev = fstat(fd, &st) == 0 ? st.st_dev : 0;
    j->path = xstrdup(path);
    j->label_path = xstrdup(label_path ? label_path : path);
    return (0);
}

/* jail_label_path - the policy's view of REL; caller frees */
char *
jail_label_path(const struct jail *j, const char *rel)
{
    return (path_join(j->label_path, rel));
}

/*
 * jail_cache - remember an opened directory, and whether it lies on
 * another file system than the jail (something mounted inside it),
 * which a syncfs() of the jail's file system does not flush.
 */
static int
jail_cache(struct jail *j, const char *rel, int fd)
{
    struct stat st;

    j->dirs = xrealloc(j->dirs, (j->ndirs + 1) * sizeof(*j->dirs));
    j->dirs[j->ndirs].rel = xstrdup(rel);
    j->dirs[j->ndirs].fd = fd;
    j->dirs[j->ndirs].dirty = 0;
    j->dirs[j->ndirs].other_fs = fstat(fd, &st) < 0 || st.st_dev != j->dev;
    j->ndirs++;
    return (fd);
}

/* jail_other_fs - is directory FD not on the jail's file system (1)? */
static int
jail_other_fs(const struct jail *j, int fd)
{
    size_t i;

    if (fd == j->fd)
	return (0);
    for (i = 0; i < j->ndirs; i++)
	if (j->dirs[i].fd == fd)
	    return (j->dirs[i].other_fs);
    return (1);
}

/* jail_mark_dirty_fd - remember that directory FD needs an fsync */
static void
jail_mark_dirty_fd(struct jail *j, int fd)
{
    size_t i;

    for (i = 0; i < j->ndirs; i++) {
	if (j->dirs[i].fd == fd) {
	    j->dirs[i].dirty = 1;
	    return;
	}
    }
    if (fd == j->fd) {
	jail_cache(j, ".", fd);
	j->dirs[j->ndirs - 1].dirty = 1;
    }
}

/* jail_mkdir - make directory NAME below DFD: root, 0755, labelled */
static int
jail_mkdir(struct jail *j, int dfd, const char *name, const char *rel)
{
    char *lp, *ctx = NULL;
    int fd, ret;

    /*
     * 0755 at once (the umask is 022): a run killed before the fchmod()
     * below must not leave a directory the daemons cannot read.
     */
    if (mkdirat(dfd, name, 0755) < 0)
	return (-errno);
    if ((fd = jail_open_component(j, dfd, name)) < 0)
	return (fd);
    lp = jail_label_path(j, rel);
    ret = label_lookup(lp, S_IFDIR, &ctx);
    free(lp);
    if (ret == 0 && fchown(fd, 0, 0) < 0)
	ret = -errno;
    if (ret == 0 && fchmod(fd, 0755) < 0)
	ret = -errno;
    if (ret == 0)
	ret = label_set_fd(fd, ctx);
    label_free_ctx(ctx);
    if (ret < 0) {
	close(fd);
	return (ret);
    }
    return (fd);
}

/* jail_dir - verified descriptor of directory REL ("." for the jail) */
int
jail_dir(struct jail *j, const char *rel, int create, int *fdp)
{
    char *parent, *copy;
    const char *name;
    int pfd, fd, ret;
    size_t i;

    if (strcmp(rel, ".") == 0) {
	*fdp = j->fd;
	return (0);
    }
    /* Callers check their paths; this is the last line against "..". */
    if (!path_rel_ok(rel)) {
	j->why = "not a path below the jail";
	return (-EPERM);
    }
    for (i = 0; i < j->ndirs; i++) {
	if (strcmp(j->dirs[i].rel, rel) == 0) {
	    *fdp = j->dirs[i].fd;
	    return (0);
	}
    }

    /* Open the parent first (recursively), then this component. */
    copy = xstrdup(rel);
    parent = path_dirname(copy);
    name = path_basename(rel);
    ret = jail_dir(j, strcmp(parent, ".") ? parent : ".", create, &pfd);
    free(parent);
    free(copy);
    if (ret < 0)
	return (ret);
    fd = jail_open_component(j, pfd, name);
    if (fd == -ENOENT && create && !j->dry_run) {
	fd = jail_mkdir(j, pfd, name, rel);
	if (fd >= 0)
	    jail_mark_dirty_fd(j, pfd);
    }
    if (fd < 0)
	return (fd);
    if ((ret = jail_dir_safe(j, fd, 0)) < 0) {
	close(fd);
	return (ret);
    }
    *fdp = jail_cache(j, rel, fd);
    return (0);
}

/* jail_split - descriptor of REL's directory and REL's last name */
static int
jail_split(struct jail *j, const char *rel, int create, int *dfd,
	   const char **name)
{
    char *dir;
    int ret;

    /* Callers check their paths; this is the last line against "..". */
    if (!path_rel_ok(rel)) {
	j->why = "not a path below the jail";
	return (-EPERM);
    }
    dir = path_dirname(rel);
    ret = jail_dir(j, dir, create, dfd);

    free(dir);
    *name = path_basename(rel);
    return (ret);
}

/* jail_lstat - lstat REL without following anything; -ENOENT if absent */
int
jail_lstat(struct jail *j, const char *rel, struct stat *st)
{
    const char *name;
    int dfd, ret;

    if ((ret = jail_split(j, rel, 0, &dfd, &name)) < 0)
	return (ret);
    if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
	return (-errno);
    return (0);
}

/* jail_open_file - open the regular file REL for reading, no links */
int
jail_open_file(struct jail *j, const char *rel, int *fdp)
{
    const char *name;
    struct stat st;
    int dfd, fd, ret;

    if ((ret = jail_split(j, rel, 0, &dfd, &name)) < 0)
	return (ret);

    /* O_NONBLOCK: a FIFO planted here must not hang the run. */
    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
		| O_NOCTTY);
    if (fd < 0)
	return (-errno);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
	close(fd);
	j->why = "not a regular file";
	return (-EPERM);
    }
    *fdp = fd;
    return (0);
}

/* jail_readlink - the text of the symbolic link REL */
int
jail_readlink(struct jail *j, const char *rel, char *buf, size_t len)
{
    const char *name;
    int dfd, ret;
    ssize_t n;

    if ((ret = jail_split(j, rel, 0, &dfd, &name)) < 0)
	return (ret);
    if ((n = readlinkat(dfd, name, buf, len - 1)) < 0)
	return (-errno);
    buf[n] = 0;
    return (0);
}

/* jail_tmpname - a fresh temporary name */
static void
jail_tmpname(char *buf, size_t len)
{
    unsigned char r[8];
    size_t i;
    char *p;

    if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
	unsigned long v = (unsigned long)getpid() ^ (unsigned long)buf;

	memcpy(r, &v, sizeof(r) < sizeof(v) ? sizeof(r) : sizeof(v));
    }
    p = buf + snprintf(buf, len, "%s", JAIL_TMP_PREFIX);
    for (i = 0; i < sizeof(r) && (size_t)(p - buf) + 3 < len; i++)
	p += snprintf(p, 3, "%02x", r[i]);
}

/*
 * jail_copy_range - copy all of SRCFD to the empty FD inside the kernel,
 * which saves moving every byte through this process twice.  1 when
 * done, 0 when the kernel cannot do it here (another file system type,
 * an old kernel, or a source that reports nothing to copy): the caller
 * then copies with read() and write(), from the start.
 */
static int
jail_copy_range(int fd, int srcfd)
{
    loff_t off = 0;
    ssize_t n;

    for (;;) {
	n = copy_file_range(srcfd, &off, fd, NULL, JAIL_RANGE_MAX, 0);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0)
	    break;
    }
    if (n < 0 && off == 0 && (errno == EXDEV || errno == ENOSYS
			      || errno == EINVAL || errno == EOPNOTSUPP
			      || errno == EBADF))
	return (0);
    if (n < 0)
	return (-errno);
    return (off > 0);
}

/* jail_copy - copy all of SRCFD, or LEN bytes of BUF, to FD */
static int
jail_copy(int fd, int srcfd, const char *buf, size_t len)
{
    char *tmp;
    ssize_t n;
    int ret;

    if (srcfd < 0)
	return (write_all(fd, buf, len));
    if ((ret = jail_copy_range(fd, srcfd)) != 0)
	return (ret < 0 ? ret : 0);
    if (lseek(srcfd, 0, SEEK_SET) < 0)
	return (-errno);
    tmp = xmalloc(JAIL_COPY_BUF);
    for (;;) {
	n = read(srcfd, tmp, JAIL_COPY_BUF);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0)
	    break;
	if (write_all(fd, tmp, (size_t)n) < 0) {
	    n = -1;
	    break;
	}
    }
    n = (n < 0) ? -errno : 0;
    free(tmp);
    return ((int)n);
}

/* jail_finish - rename the temporary TMP in SDFD over NAME in DFD */
static int
jail_finish(struct jail *j, int sdfd, const char *tmp, int dfd,
	    const char *name)
{
    if (renameat(sdfd, tmp, dfd, name) < 0) {
	int ret = -errno;

	unlinkat(sdfd, tmp, 0);
	return (ret);
    }
    jail_mark_dirty_fd(j, dfd);
    if (sdfd != dfd)
	jail_mark_dirty_fd(j, sdfd);
    return (0);
}

/*
 * jail_nearest - the directory that holds REL (its name in *NAME), or,
 * when that is missing, the nearest directory above it that exists;
 * *MISSING says which.
 */
static int
jail_nearest(struct jail *j, const char *rel, int *dfdp, const char **name,
	     int *missing)
{
    char *dir, *up;
    int ret;

    *missing = 0;
    if ((ret = jail_split(j, rel, 0, dfdp, name)) != -ENOENT)
	return (ret);
    dir = path_dirname(rel);
    for (;;) {
	up = path_dirname(dir);
	free(dir);
	dir = up;
	ret = jail_dir(j, dir, 0, dfdp);
	if (ret != -ENOENT || strcmp(dir, ".") == 0)
	    break;
    }
    free(dir);
    *missing = 1;
    return (ret);
}

/*
 * jail_stage_dir - where REL's temporary entry goes: its own directory
 * when that exists, else the nearest directory above it that does (the
 * same file system), so that staging makes no directory: a directory is
 * a name the manifest must know before it may exist, and the staged
 * entries are made before the manifest's new block is durable.
 * ST->rel is then set, and jail_commit() makes the directories.
 */
static int
jail_stage_dir(struct jail *j, const char *rel, struct jail_staged *st)
{
    int missing, ret;

    ret = jail_nearest(j, rel, &st->dfd, &st->name, &missing);
    st->rel = missing ? rel : NULL;
    return (ret);
}

/*
 * jail_forget - REL was found missing and a record is about to forget
 * it: have jail_sync() make durable the directory that held it (or the
 * nearest one above that exists), since a run killed after removing it
 * may not have, and the name must not come back after a power cut once
 * no record knows it.
 */
void
jail_forget(struct jail *j, const char *rel)
{
    const char *name;
    int dfd, missing;

    if (jail_nearest(j, rel, &dfd, &name, &missing) == 0)
	jail_mark_dirty_fd(j, dfd);
}

/* jail_stage_file - write REL's new bytes under a temporary name */
int
jail_stage_file(struct jail *j, const char *rel, int srcfd, const char *buf,
		size_t len, mode_t mode, const struct timespec *mtime,
		struct jail_staged *st)
{
    char *lp, *ctx = NULL;
    int fd, ret, tries;

    st->fd = -1;
    if ((ret = jail_stage_dir(j, rel, st)) < 0)
	return (ret);
    for (tries = 0;; tries++) {
	jail_tmpname(st->tmp, sizeof(st->tmp));
	fd = openat(st->dfd, st->tmp, O_WRONLY | O_CREAT | O_EXCL
		    | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 || errno != EEXIST || tries > 100)
	    break;
    }
    if (fd < 0)
	return (-errno);
    lp = jail_label_path(j, rel);
    ret = label_lookup(lp, S_IFREG, &ctx);
    free(lp);
    if (ret == 0)
	ret = jail_copy(fd, srcfd, buf, len);

    /*
     * Have the kernel start writing the bytes out now, while the rest of
     * the batch is prepared: the fsync or syncfs that makes them durable
     * (jail_flush) then has less to wait for.  Only a hint; an error here
     * shows again there.
     */
    if (ret == 0)
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (ret == 0 && fchown(fd, 0, 0) < 0)
	ret = -errno;
    if (ret == 0 && fchmod(fd, mode) < 0)
	ret = -errno;
    if (ret == 0)
	ret = label_set_fd(fd, ctx);
    if (ret == 0 && mtime) {
	struct timespec ts[2] = {*mtime, *mtime};

	if (futimens(fd, ts) < 0)
	    ret = -errno;
    }
    label_free_ctx(ctx);
    if (ret < 0) {
	close(fd);
	unlinkat(st->dfd, st->tmp, 0);
	return (ret);
    }
    st->fd = fd;
    return (0);
}

/* jail_stage_link - make REL's new link under a temporary name */
int
jail_stage_link(struct jail *j, const char *rel, const char *target,
		struct jail_staged *st)
{
    char *lp, *ctx = NULL;
    int ret, tries;

    st->fd = -1;
    if ((ret = jail_stage_dir(j, rel, st)) < 0)
	return (ret);
    for (tries = 0;; tries++) {
	jail_tmpname(st->tmp, sizeof(st->tmp));
	if (symlinkat(target, st->dfd, st->tmp) == 0)
	    break;
	if (errno != EEXIST || tries > 100)
	    return (-errno);
    }
    lp = jail_label_path(j, rel);
    ret = label_lookup(lp, S_IFLNK, &ctx);
    free(lp);
    if (ret == 0 && fchownat(st->dfd, st->tmp, 0, 0,
			     AT_SYMLINK_NOFOLLOW) < 0)
	ret = -errno;
    if (ret == 0)
	ret = label_set_at(st->dfd, st->tmp, ctx);
    label_free_ctx(ctx);
    if (ret < 0) {
	unlinkat(st->dfd, st->tmp, 0);
	return (ret);
    }
    return (0);
}

/*
 * jail_sync_extra - fsync the NEXTRA descriptors EXTRA (outside the
 * jail: the manifest and its directory).  Always, even after a syncfs()
 * that covered them: kernels before 5.8 do not report a write-back
 * error through syncfs(), and on them only the fsync() would tell that
 * the manifest's bytes are not on disk.  After the syncfs() there is
 * little left to write.
 */
static int
jail_sync_extra(const int *extra, size_t nextra)
{
    size_t i;
    int ret = 0;

    for (i = 0; i < nextra; i++)
	if (fsync(extra[i]) < 0 && ret == 0)
	    ret = -errno;
    return (ret);
}

/*
 * jail_flush - make the bytes of N staged files durable, and the NEXTRA
 * descriptors EXTRA with them.  A few are fsynced one by one; for more,
 * one syncfs() of the jail's file system costs one journal commit
 * instead of one per file (a first population writes a few dozen).  A
 * file below something mounted inside the jail is on another file
 * system, which that syncfs() does not flush: it is fsynced on its own.
 */
int
jail_flush(struct jail *j, struct jail_staged *st, size_t n,
	   const int *extra, size_t nextra)
{
    size_t i, files = 0;
    int ret = 0, synced;

    for (i = 0; i < n; i++)
	files += (st[i].fd >= 0);
    synced = files + nextra > JAIL_FSYNC_MAX;
    if (synced && syncfs(j->fd) < 0)
	ret = -errno;

    /* One by one: a few files, or those below a mount inside the jail. */
    for (i = 0; i < n && ret == 0; i++)
	if (st[i].fd >= 0 && (!synced || jail_other_fs(j, st[i].dfd))
	    && fsync(st[i].fd) < 0)
	    ret = -errno;
    if (ret == 0)
	ret = jail_sync_extra(extra, nextra);
    for (i = 0; i < n; i++) {
	if (st[i].fd >= 0 && close(st[i].fd) < 0 && ret == 0)
	    ret = -errno;
	st[i].fd = -1;
    }
    return (ret);
}

/*
 * jail_commit - give a staged entry its final name, making the
 * directories above it first when it was staged higher up.
 */
int
jail_commit(struct jail *j, struct jail_staged *st)
{
    int dfd = st->dfd, ret;

    if (st->rel && (ret = jail_split(j, st->rel, 1, &dfd, &st->name)) < 0) {
	unlinkat(st->dfd, st->tmp, 0);
	return (ret);
    }
    return (jail_finish(j, st->dfd, st->tmp, dfd, st->name));
}

/* jail_discard - drop a staged entry */
void
jail_discard(struct jail *j, struct jail_staged *st)
{
    (void)j;
    if (st->fd >= 0)
	close(st->fd);
    st->fd = -1;
    unlinkat(st->dfd, st->tmp, 0);
}

/* jail_write_file - replace REL by a new file with the given bytes */
int
jail_write_file(struct jail *j, const char *rel, int srcfd, const char *buf,
		size_t len, mode_t mode, const struct timespec *mtime)
{
    struct jail_staged st;
    int ret;

    if ((ret = jail_stage_file(j, rel, srcfd, buf, len, mode, mtime,
			       &st)) < 0)
	return (ret);
    if ((ret = jail_flush(j, &st, 1, NULL, 0)) < 0) {
	jail_discard(j, &st);
	return (ret);
    }
    return (jail_commit(j, &st));
}

/* jail_write_link - replace REL by a symbolic link to TARGET */
int
jail_write_link(struct jail *j, const char *rel, const char *target)
{
    struct jail_staged st;
    int ret;

    if ((ret = jail_stage_link(j, rel, target, &st)) < 0)
	return (ret);
    return (jail_commit(j, &st));
}

/* jail_remove - unlink REL (a directory when WANT_DIR), root-owned only */
int
jail_remove(struct jail *j, const char *rel, int want_dir)
{
    const char *name;
    struct stat st;
    int dfd, ret;

    if ((ret = jail_split(j, rel, 0, &dfd, &name)) < 0)
	return (ret);
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
	return (-errno);
    if (st.st_uid != 0) {
	j->why = "not owned by root";
	return (-EPERM);
    }
    if (want_dir != !!S_ISDIR(st.st_mode)) {
	j->why = want_dir ? "not a directory" : "a directory";
	return (-EPERM);
    }
    if (unlinkat(dfd, name, want_dir ? AT_REMOVEDIR : 0) < 0)
	return (-errno);
    jail_mark_dirty_fd(j, dfd);
    return (0);
}

/* jail_get_label - SELinux context of REL, or NULL */
int
jail_get_label(struct jail *j, const char *rel, char **ctx)
{
    const char *name;
    int dfd, ret;

    *ctx = NULL;
    if ((ret = jail_split(j, rel, 0, &dfd, &name)) < 0)
	return (ret);
    return (label_get_at(dfd, name, ctx));
}

/* jail_clean_tmp - remove leftovers of a killed run in directory REL */
int
jail_clean_tmp(struct jail *j, const char *reldir)
{
    struct dirent *de;
    struct stat st;
    int dfd, fd, ret, removed = 0;
    DIR *d;

    if ((ret = jail_dir(j, reldir, 0, &dfd)) < 0)
	return (ret);
    if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	return (-errno);
    if ((d = fdopendir(fd)) == NULL) {
	close(fd);
	return (-errno);
    }
    while ((de = readdir(d)) != NULL) {
	if (strncmp(de->d_name, JAIL_TMP_PREFIX,
		    sizeof(JAIL_TMP_PREFIX) - 1) != 0)
	    continue;
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
	    || st.st_uid != 0 || S_ISDIR(st.st_mode))
	    continue;
	if (!j->dry_run && unlinkat(dfd, de->d_name, 0) == 0)
	    removed++;
    }
    closedir(d);
    if (removed)
	jail_mark_dirty_fd(j, dfd);
    return (removed);
}

/*
 * jail_sync - make every directory that changed durable, and the NEXTRA
 * descriptors EXTRA with them: one by one when there are a few, else
 * with one syncfs() of the jail's file system, as for a batch of files
 * (a first population changes half a dozen), and one by one again those
 * on another file system mounted inside the jail.
 */
int
jail_sync(struct jail *j, const int *extra, size_t nextra)
{
    size_t i, dirty = 0;
    int ret = 0, synced;

    for (i = 0; i < j->ndirs; i++)
	dirty += j->dirs[i].dirty;
    synced = dirty + nextra > JAIL_FSYNC_MAX;
    if (synced && syncfs(j->fd) < 0)
	ret = -errno;
    for (i = 0; i < j->ndirs; i++) {
	if ((!synced || j->dirs[i].other_fs)
	    && j->dirs[i].dirty && fsync(j->dirs[i].fd) < 0 && ret == 0)
	    ret = -errno;
	j->dirs[i].dirty = 0;
    }
    if (ret == 0)
	ret = jail_sync_extra(extra, nextra);
    return (ret);
}

/* jail_close - close every descriptor */
void
jail_close(struct jail *j)
{
    size_t i;

    for (i = 0; i < j->ndirs; i++) {
	if (j->dirs[i].fd != j->fd)
	    close(j->dirs[i].fd);
	free(j->dirs[i].rel);
    }
    free(j->dirs);
    if (j->fd >= 0)
	close(j->fd);
    free(j->path);
    free(j->label_path);
    memset(j, 0, sizeof(*j));
    j->fd = -1;
}
