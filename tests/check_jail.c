/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_jail - attack tests of the safe jail operations
 * SUMMARY
 *	jail_open(), jail_dir(), jail_write_file(), jail_write_link(),
 *	jail_remove(), jail_open_file() and jail_clean_tmp() against planted
 *	symbolic links, hard links, FIFOs, devices, foreign-owned and
 *	writable directories, a full and a read-only file system.
 * DESCRIPTION
 *	Each test builds, in its own directory, a root-owned jail and next
 *	to it an "outside" directory holding a file and a directory that an
 *	attacker would like the tool to change.  The attack is planted in
 *	the jail, the operation is run, and the test asserts the refusal
 *	(-EPERM and the reason in j->why) or the safe replacement, and that
 *	nothing outside changed: the outside file's hash, the outside
 *	directory's entries, no file created at a dangling link's target.
 *	No temporary file may be left in the jail, after success or failure.
 *
 *	Writes are by rename: a descriptor and a mapping of the old file
 *	keep the old bytes, as a daemon's mapped library must.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.  Needs root (ownership changes, device
 *	nodes, tmpfs mounts); fails, rather than passes, without it.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "jail.h"
#include "testutil.h"

#define OUTSIDE_TEXT "outside: must never change\n"

/* One test's tree: TOP/jail, TOP/outside/file, TOP/outside/dir. */
struct tree {
    char top[PATH_MAX];
    char jail[PATH_MAX];
    char out_file[PATH_MAX];
    char out_dir[PATH_MAX];
    uint64_t out_hash;
};

/* make_tree - a fresh root-owned 0755 jail and its outside targets */
static void
make_tree(struct tree *t)
{
    char path[PATH_MAX];

    tu_need_root();
    tu_newdir(t->top, sizeof(t->top), "jail");
    tu_pathf(t->jail, sizeof(t->jail), "%s/jail", t->top);
    tu_mkdir(t->jail, 0755);
    tu_pathf(path, sizeof(path), "%s/outside", t->top);
    tu_mkdir(path, 0755);
    tu_pathf(t->out_file, sizeof(t->out_file), "%s/outside/file", t->top);
    tu_write_str(t->out_file, OUTSIDE_TEXT);
    tu_pathf(t->out_dir, sizeof(t->out_dir), "%s/outside/dir", t->top);
    tu_mkdir(t->out_dir, 0755);
    t->out_hash = tu_hash(t->out_file);
}

/* jpath - TREE's jail path of REL */
static char *
jpath(const struct tree *t, const char *rel, char *buf, size_t len)
{
    return (tu_pathf(buf, len, "%s/%s", t->jail, rel));
}

/* outside_intact - the outside file and directory did not change */
static void
outside_intact(const struct tree *t, const char *what)
{
    struct stat st;

    ck_assert_msg(tu_hash(t->out_file) == t->out_hash,
		  "%s: outside file: got changed, want unchanged", what);
    ck_assert_msg(lstat(t->out_file, &st) == 0 && S_ISREG(st.st_mode)
		  && st.st_nlink == 1 && st.st_uid == 0,
		  "%s: outside file: got mode %o nlink %lu, want a lone "
		  "regular file", what, st.st_mode, (unsigned long)st.st_nlink);
    ck_assert_msg(tu_count_entries(t->out_dir, "") == 0,
		  "%s: outside directory: got %d entries, want 0", what,
		  tu_count_entries(t->out_dir, ""));
}

/* no_temps - no temporary file of the tool in the jail directory REL */
static void
no_temps(const struct tree *t, const char *rel, const char *what)
{
    char path[PATH_MAX];
    int n;

    jpath(t, rel, path, sizeof(path));
    n = tu_count_entries(path, JAIL_TMP_PREFIX);
    ck_assert_msg(n == 0, "%s: temporary files in %s: got %d, want 0", what,
		  rel, n);
}

/* open_jail - jail_open() that must succeed */
static void
open_jail(struct jail *j, const struct tree *t)
{
    int ret = jail_open(j, t->jail, NULL);

    ck_assert_msg(ret == 0, "jail_open %s: got %d (%s), want 0", t->jail,
		  ret, j->why ? j->why : strerror(-ret));
}

/* make_dir - directory PATH with MODE owned by UID */
static void
make_dir(const char *path, mode_t mode, uid_t uid)
{
    tu_mkdir(path, mode);
    ck_assert_msg(chown(path, uid, uid) == 0, "chown %s: got %s", path,
		  strerror(errno));
    ck_assert_msg(chmod(path, mode) == 0, "chmod %s: got %s", path,
		  strerror(errno));
}

/* Kinds of things planted in the jail. */
enum plant {
    P_NONE,
    P_LINK_FILE,	/* symlink to the outside file */
    P_LINK_DIR,		/* symlink to the outside directory */
    P_LINK_DANGLING,	/* symlink to an absent outside path */
    P_LINK_DOTDOT,	/* symlink to ".." */
    P_LINK_ROOT,	/* symlink to "/" */
    P_HARDLINK,		/* hard link to the outside file */
    P_FIFO,
    P_CHARDEV,		/* a character device (1, 3: null) */
    P_FILE_POSTFIX,	/* a regular file owned by postfix */
    P_FILE,		/* a regular root file */
    P_DIR,		/* a root 0755 directory */
    P_DIR_POSTFIX,	/* a 0755 directory owned by uid 100 */
    P_DIR_OTHER,	/* a 0700 directory owned by uid 4242 */
    P_DIR_0777,
    P_DIR_0775,
    P_DIR_1777,
};

/* plant - put KIND at jail path REL */
static void
plant(const struct tree *t, const char *rel, enum plant kind)
{
    char path[PATH_MAX], dangling[PATH_MAX];

    jpath(t, rel, path, sizeof(path));
    switch (kind) {
    case P_NONE:
	break;
    case P_LINK_FILE:
	ck_assert_int_eq(symlink(t->out_file, path), 0);
	break;
    case P_LINK_DIR:
	ck_assert_int_eq(symlink(t->out_dir, path), 0);
	break;
    case P_LINK_DANGLING:
	tu_pathf(dangling, sizeof(dangling), "%s/created", t->out_dir);
	ck_assert_int_eq(symlink(dangling, path), 0);
	break;
    case P_LINK_DOTDOT:
	ck_assert_int_eq(symlink("..", path), 0);
	break;
    case P_LINK_ROOT:
	ck_assert_int_eq(symlink("/", path), 0);
	break;
    case P_HARDLINK:
	ck_assert_msg(link(t->out_file, path) == 0, "link %s: got %s",
		      path, strerror(errno));
	break;
    case P_FIFO:
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	break;
    case P_CHARDEV:
	ck_assert_msg(mknod(path, S_IFCHR | 0644, makedev(1, 3)) == 0,
		      "mknod %s: got %s", path, strerror(errno));
	break;
    case P_FILE_POSTFIX:
	tu_write_str(path, "postfix's\n");
	ck_assert_int_eq(chown(path, 100, 100), 0);
	break;
    case P_FILE:
	tu_write_str(path, "old\n");
	break;
    case P_DIR:
	make_dir(path, 0755, 0);
	break;
    case P_DIR_POSTFIX:
	make_dir(path, 0755, 100);
	break;
    case P_DIR_OTHER:
	make_dir(path, 0700, 4242);
	break;
    case P_DIR_0777:
	make_dir(path, 0777, 0);
	break;
    case P_DIR_0775:
	make_dir(path, 0775, 0);
	break;
    case P_DIR_1777:
	make_dir(path, 01777, 0);
	break;
    }
}

/* why_has - j->why holds WANT */
static void
why_has(const struct jail *j, const char *want, const char *what)
{
    ck_assert_msg(j->why != NULL && strstr(j->why, want) != NULL,
		  "%s: reason: got \"%s\", want \"%s\"", what,
		  j->why ? j->why : "(none)", want);
}

/* --- jail_open ------------------------------------------------------ */

struct open_case {
    const char *name;
    int parent_kind;	/* 0 plain, 1 symlinked, 2 postfix-owned, 3 0775,
			 * 4 sticky 1777 */
    enum plant jail;	/* how the jail itself is made */
    int ret;
    const char *why;
};

static const struct open_case open_cases[] = {
    {"good jail", 0, P_DIR, 0, NULL},
    {"below a sticky world-writable parent", 4, P_DIR, 0, NULL},
    {"jail is a symlink", 0, P_LINK_DIR, -EPERM, "symbolic link"},
    {"parent is a symlink", 1, P_DIR, -EPERM, "symbolic link"},
    {"parent owned by postfix", 2, P_DIR, -EPERM, "not owned by root"},
    {"parent group-writable", 3, P_DIR, -EPERM, "writable"},
    {"jail owned by postfix", 0, P_DIR_POSTFIX, -EPERM, "not owned by root"},
    {"jail owned by another user", 0, P_DIR_OTHER, -EPERM,
     "not owned by root"},
    {"jail world-writable", 0, P_DIR_0777, -EPERM, "writable"},
    {"jail group-writable", 0, P_DIR_0775, -EPERM, "writable"},
    {"jail sticky and world-writable", 0, P_DIR_1777, -EPERM, "writable"},
    {"jail is a file", 0, P_FILE, -EPERM, "not a directory"},
    {"jail is a FIFO", 0, P_FIFO, -EPERM, "not a directory"},
    {"jail is missing", 0, P_NONE, -ENOENT, NULL},
};

/* test_open_table - jail_open() refuses a jail others could change */
START_TEST(test_open_table)
{
    const struct open_case *c = &open_cases[_i];
    char top[PATH_MAX], parent[PATH_MAX], real[PATH_MAX], jail[PATH_MAX];
    struct jail j;
    int ret;

    tu_need_root();
    tu_newdir(top, sizeof(top), "open");
    tu_pathf(real, sizeof(real), "%s/real", top);
    tu_pathf(parent, sizeof(parent), "%s/parent", top);
    switch (c->parent_kind) {
    case 0:
	make_dir(parent, 0755, 0);
	break;
    case 1:
	make_dir(real, 0755, 0);
	ck_assert_int_eq(symlink(real, parent), 0);
	break;
    case 2:
	make_dir(parent, 0755, 100);
	break;
    case 3:
	make_dir(parent, 0775, 0);
	break;
    case 4:
	make_dir(parent, 01777, 0);
	break;
    }
    tu_pathf(jail, sizeof(jail), "%s/jail", parent);
    switch (c->jail) {
    case P_LINK_DIR:
	make_dir(real, 0755, 0);
	ck_assert_int_eq(symlink(real, jail), 0);
	break;
    case P_FILE:
	tu_write_str(jail, "x\n");
	break;
    case P_FIFO:
	ck_assert_int_eq(mkfifo(jail, 0755), 0);
	break;
    case P_NONE:
	break;
    default:
	/* The directory kinds, made through the helper. */
	{
	    struct tree t;

	    memset(&t, 0, sizeof(t));
	    tu_pathf(t.jail, sizeof(t.jail), "%s", parent);
	    plant(&t, "jail", c->jail);
	}
	break;
    }
    alarm(10);
    ret = jail_open(&j, jail, NULL);
    alarm(0);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    if (c->why)
	why_has(&j, c->why, c->name);
    if (ret == 0) {
	struct stat st;

	ck_assert_msg(fstat(j.fd, &st) == 0 && S_ISDIR(st.st_mode),
		      "%s: descriptor: got no directory", c->name);
	ck_assert_msg(strcmp(j.path, jail) == 0 && strcmp(j.label_path, jail)
		      == 0, "%s: paths: got %s %s, want %s", c->name, j.path,
		      j.label_path, jail);
	jail_close(&j);
	ck_assert_msg(j.fd == -1 && j.path == NULL,
		      "after close: got fd %d, want -1", j.fd);
    } else {
	ck_assert_msg(j.fd == -1, "%s: fd after a refusal: got %d, want -1",
		      c->name, j.fd);
    }
}
END_TEST

/* test_open_relative - a relative jail path is refused */
START_TEST(test_open_relative)
{
    struct jail j;
    int ret = jail_open(&j, "var/spool/postfix", "/label");

    ck_assert_msg(ret == -EPERM, "relative jail: got %d, want -EPERM", ret);
    why_has(&j, "absolute", "relative jail");
}
END_TEST

/* test_open_label_path - the label path is kept apart from the path */
START_TEST(test_open_label_path)
{
    struct tree t;
    struct jail j;
    char *lp;

    make_tree(&t);
    ck_assert_int_eq(jail_open(&j, t.jail, "/var/spool/postfix"), 0);
    lp = jail_label_path(&j, "etc/hosts");
    ck_assert_msg(strcmp(lp, "/var/spool/postfix/etc/hosts") == 0,
		  "label path: got \"%s\", want /var/spool/postfix/etc/hosts",
		  lp);
    free(lp);
    jail_close(&j);
}
END_TEST

/* --- jail_dir ------------------------------------------------------- */

/* test_dir_create - missing directories are made root 0755, cached */
START_TEST(test_dir_create)
{
    char path[PATH_MAX];
    struct tree t;
    struct jail j;
    struct stat st;
    int fd, fd2, ret;

    make_tree(&t);
    open_jail(&j, &t);
    ret = jail_dir(&j, "usr/lib/x86_64-linux-gnu", 1, &fd);
    ck_assert_msg(ret == 0, "create: got %d (%s), want 0", ret,
		  j.why ? j.why : "");
    ck_assert_msg(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode),
		  "create: got no directory");
    ck_assert_msg((st.st_mode & 07777) == 0755 && st.st_uid == 0
		  && st.st_gid == 0, "create: got mode %o uid %u, want 755 "
		  "root", st.st_mode & 07777, (unsigned)st.st_uid);
    ck_assert_int_eq(stat(jpath(&t, "usr", path, sizeof(path)), &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0755,
		  "parent usr: got mode %o, want 755", st.st_mode & 07777);

    /* The same directory again: the cached descriptor. */
    ck_assert_int_eq(jail_dir(&j, "usr/lib/x86_64-linux-gnu", 0, &fd2), 0);
    ck_assert_msg(fd == fd2, "second open: got fd %d, want %d", fd2, fd);
    ck_assert_int_eq(jail_dir(&j, ".", 0, &fd2), 0);
    ck_assert_msg(fd2 == j.fd, "\".\": got fd %d, want the jail's %d", fd2,
		  j.fd);

    /* Without CREATE a missing directory is -ENOENT and stays missing. */
    ret = jail_dir(&j, "usr/lib64", 0, &fd);
    ck_assert_msg(ret == -ENOENT, "missing, no create: got %d", ret);
    ck_assert_msg(!tu_exists(jpath(&t, "usr/lib64", path, sizeof(path))),
		  "missing, no create: got it made");

    /* Dry run: nothing is made. */
    j.dry_run = 1;
    ret = jail_dir(&j, "var/new", 1, &fd);
    ck_assert_msg(ret == -ENOENT, "dry run: got %d, want -ENOENT", ret);
    ck_assert_msg(!tu_exists(jpath(&t, "var", path, sizeof(path))),
		  "dry run: got var made, want nothing");
    ck_assert_int_eq(jail_sync(&j, NULL, 0), 0);
    jail_close(&j);
}
END_TEST

struct dir_case {
    const char *name;
    enum plant kind;	/* planted at "usr" */
    int ret;
    const char *why;
};

static const struct dir_case dir_cases[] = {
    {"symlink to an outside directory", P_LINK_DIR, -EPERM,
     "symbolic link"},
    {"symlink to ..", P_LINK_DOTDOT, -EPERM, "symbolic link"},
    {"symlink to /", P_LINK_ROOT, -EPERM, "symbolic link"},
    {"dangling symlink", P_LINK_DANGLING, -EPERM, "symbolic link"},
    {"directory owned by postfix", P_DIR_POSTFIX, -EPERM,
     "not owned by root"},
    {"directory owned by another user", P_DIR_OTHER, -EPERM,
     "not owned by root"},
    {"world-writable directory", P_DIR_0777, -EPERM, "writable"},
    {"group-writable directory", P_DIR_0775, -EPERM, "writable"},
    {"sticky world-writable directory", P_DIR_1777, -EPERM, "writable"},
    {"regular file", P_FILE, -EPERM, "not a directory"},
    {"FIFO", P_FIFO, -EPERM, "not a directory"},
    {"device", P_CHARDEV, -EPERM, "not a directory"},
};

/*
 * test_dir_table - what stands where a directory belongs is refused, at
 * the first and at a deeper level, with and without CREATE, and nothing
 * is made outside; jail_write_file() below it is refused the same way.
 */
START_TEST(test_dir_table)
{
    const struct dir_case *c = &dir_cases[_i];
    static const char *const rels[] = {"usr", "usr/lib64", "usr/a/b", NULL};
    static const char *const deep[] = {"lib", "lib/x", NULL};
    char path[64], what[256];
    struct tree t;
    struct jail j;
    int fd, ret, i, create;

    make_tree(&t);
    plant(&t, "usr", c->kind);
    open_jail(&j, &t);
    alarm(10);
    for (create = 0; create <= 1; create++) {
	for (i = 0; rels[i]; i++) {
	    snprintf(what, sizeof(what), "%s: jail_dir(%s, create %d)",
		     c->name, rels[i], create);
	    j.why = NULL;
	    ret = jail_dir(&j, rels[i], create, &fd);
	    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", what, ret,
			  c->ret);
	    why_has(&j, c->why, what);
	}
    }
    snprintf(what, sizeof(what), "%s: jail_write_file(usr/lib64/x)",
	     c->name);
    ret = jail_write_file(&j, "usr/lib64/x", -1, "new\n", 4, 0644, NULL);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", what, ret, c->ret);
    outside_intact(&t, c->name);
    no_temps(&t, ".", c->name);
    jail_close(&j);

    /* The same one level deeper, below a good directory. */
    make_tree(&t);
    plant(&t, "usr", P_DIR);
    plant(&t, "usr/lib", c->kind);
    open_jail(&j, &t);
    for (i = 0; deep[i]; i++) {
	tu_pathf(path, sizeof(path), "usr/%s", deep[i]);
	snprintf(what, sizeof(what), "%s: jail_dir(%s)", c->name, path);
	ret = jail_dir(&j, path, 1, &fd);
	ck_assert_msg(ret == c->ret, "%s: got %d, want %d", what, ret,
		      c->ret);
	why_has(&j, c->why, what);
    }
    ret = jail_write_file(&j, "usr/lib/x/y", -1, "new\n", 4, 0644, NULL);
    ck_assert_msg(ret == c->ret, "%s: deep write: got %d, want %d", c->name,
		  ret, c->ret);
    alarm(0);
    outside_intact(&t, c->name);
    no_temps(&t, "usr", c->name);
    jail_close(&j);
}
END_TEST

/* --- jail_write_file ------------------------------------------------ */

/* test_write_basic - content, owner, mode, mtime; nothing left over */
START_TEST(test_write_basic)
{
    struct timespec mt = {1000000000, 0};
    char path[PATH_MAX], src[PATH_MAX], *got;
    struct tree t;
    struct jail j;
    struct stat st;
    size_t len;
    int ret, sfd;

    make_tree(&t);
    open_jail(&j, &t);
    ret = jail_write_file(&j, "etc/hosts", -1, "127.0.0.1 x\n", 12, 0644,
			  &mt);
    ck_assert_msg(ret == 0, "write: got %d (%s), want 0", ret,
		  j.why ? j.why : "");
    jpath(&t, "etc/hosts", path, sizeof(path));
    got = tu_read(path, &len);
    ck_assert_msg(got && len == 12 && memcmp(got, "127.0.0.1 x\n", 12) == 0,
		  "content: got \"%s\", want \"127.0.0.1 x\\n\"",
		  got ? got : "(none)");
    free(got);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644
		  && st.st_uid == 0 && st.st_gid == 0,
		  "file: got mode %o uid %u, want 644 root", st.st_mode,
		  (unsigned)st.st_uid);
    ck_assert_msg(st.st_mtim.tv_sec == mt.tv_sec,
		  "mtime: got %ld, want %ld", (long)st.st_mtim.tv_sec,
		  (long)mt.tv_sec);
    no_temps(&t, "etc", "write");

    /* From a descriptor, larger than one copy buffer, mode 0755. */
    tu_pathf(src, sizeof(src), "%s/src.so", t.top);
    {
	size_t n = 200000, i;
	char *big = malloc(n);

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
	    big[i] = (char)(i * 7);
	tu_write(src, big, n);
	free(big);
    }
    sfd = open(src, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(sfd, 0);
    ck_assert_int_eq(lseek(sfd, 1234, SEEK_SET), 1234);
    ret = jail_write_file(&j, "usr/lib64/libx.so.1", sfd, NULL, 0, 0755,
			  NULL);
    close(sfd);
    ck_assert_msg(ret == 0, "write from fd: got %d, want 0", ret);
    jpath(&t, "usr/lib64/libx.so.1", path, sizeof(path));
    ck_assert_msg(tu_hash(path) == tu_hash(src),
		  "copy from fd: got other bytes, want the source's");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0755, "mode: got %o, want 755",
		  st.st_mode & 07777);
    no_temps(&t, "usr/lib64", "write from fd");
    ck_assert_int_eq(jail_sync(&j, NULL, 0), 0);
    jail_close(&j);
}
END_TEST

/*
 * test_write_renames - a reader holding the old file (descriptor and
 * mapping, as a daemon holds a library) keeps the old bytes; the name
 * gets a new inode.
 */
START_TEST(test_write_renames)
{
    static const char old[] = "old library bytes, version 1\n";
    char path[PATH_MAX], buf[64];
    struct stat before, after;
    struct tree t;
    struct jail j;
    char *map;
    int fd;

    make_tree(&t);
    open_jail(&j, &t);
    ck_assert_int_eq(jail_write_file(&j, "usr/lib64/libx.so.1", -1, old,
				     sizeof(old) - 1, 0755, NULL), 0);
    jpath(&t, "usr/lib64/libx.so.1", path, sizeof(path));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fstat(fd, &before), 0);
    map = mmap(NULL, sizeof(old) - 1, PROT_READ, MAP_SHARED, fd, 0);
    ck_assert_msg(map != MAP_FAILED, "mmap: got %s", strerror(errno));

    ck_assert_int_eq(jail_write_file(&j, "usr/lib64/libx.so.1", -1,
				     "NEW LIBRARY BYTES, VERSION 2!\n", 30,
				     0755, NULL), 0);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_msg(after.st_ino != before.st_ino,
		  "inode after update: got the same %lu, want a new one",
		  (unsigned long)after.st_ino);
    ck_assert_msg(memcmp(map, old, sizeof(old) - 1) == 0,
		  "mapping of the old file: got \"%.29s\", want the old bytes",
		  map);
    ck_assert_int_eq(pread(fd, buf, sizeof(old) - 1, 0),
		     (ssize_t)(sizeof(old) - 1));
    ck_assert_msg(memcmp(buf, old, sizeof(old) - 1) == 0,
		  "descriptor of the old file: got other bytes, want old");
    munmap(map, sizeof(old) - 1);
    close(fd);
    no_temps(&t, "usr/lib64", "rename");
    jail_close(&j);
}
END_TEST

struct plant_case {
    const char *name;
    enum plant kind;	/* planted at etc/hosts */
    int ret;
};

static const struct plant_case write_cases[] = {
    {"nothing there", P_NONE, 0},
    {"old regular file", P_FILE, 0},
    {"symlink to an outside file", P_LINK_FILE, 0},
    {"symlink to an outside directory", P_LINK_DIR, 0},
    {"dangling symlink to an outside path", P_LINK_DANGLING, 0},
    {"symlink to ..", P_LINK_DOTDOT, 0},
    {"hard link to an outside file", P_HARDLINK, 0},
    {"FIFO", P_FIFO, 0},
    {"device node", P_CHARDEV, 0},
    {"file owned by postfix", P_FILE_POSTFIX, 0},
    {"directory", P_DIR, -EISDIR},
};

/*
 * test_write_table - whatever stands at the final name is replaced by a
 * new root-owned regular file (or, for a directory, the write fails),
 * never written through, and nothing outside changes.
 */
START_TEST(test_write_table)
{
    const struct plant_case *c = &write_cases[_i];
    char path[PATH_MAX], *got;
    struct tree t;
    struct jail j;
    struct stat st;
    int ret;

    make_tree(&t);
    plant(&t, "etc", P_DIR);
    plant(&t, "etc/hosts", c->kind);
    open_jail(&j, &t);
    alarm(10);
    ret = jail_write_file(&j, "etc/hosts", -1, "new\n", 4, 0644, NULL);
    alarm(0);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    jpath(&t, "etc/hosts", path, sizeof(path));
    ck_assert_int_eq(lstat(path, &st), 0);
    if (ret == 0) {
	ck_assert_msg(S_ISREG(st.st_mode) && st.st_uid == 0
		      && st.st_nlink == 1 && (st.st_mode & 07777) == 0644,
		      "%s: got mode %o uid %u nlink %lu, want a lone root "
		      "0644 file", c->name, st.st_mode, (unsigned)st.st_uid,
		      (unsigned long)st.st_nlink);
	got = tu_read(path, NULL);
	ck_assert_msg(got && strcmp(got, "new\n") == 0,
		      "%s: content: got \"%s\", want \"new\\n\"", c->name,
		      got ? got : "(none)");
	free(got);
    } else {
	ck_assert_msg(S_ISDIR(st.st_mode), "%s: got the directory replaced",
		      c->name);
    }
    outside_intact(&t, c->name);
    no_temps(&t, "etc", c->name);
    jail_close(&j);
}
END_TEST

/* test_write_link_table - jail_write_link() replaces the same plants */
START_TEST(test_write_link_table)
{
    const struct plant_case *c = &write_cases[_i];
    char path[PATH_MAX], target[PATH_MAX];
    struct tree t;
    struct jail j;
    struct stat st;
    ssize_t n;
    int ret;

    make_tree(&t);
    plant(&t, "lib64", c->kind);
    open_jail(&j, &t);
    alarm(10);
    ret = jail_write_link(&j, "lib64", "usr/lib64");
    alarm(0);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    jpath(&t, "lib64", path, sizeof(path));
    ck_assert_int_eq(lstat(path, &st), 0);
    if (ret == 0) {
	ck_assert_msg(S_ISLNK(st.st_mode) && st.st_uid == 0,
		      "%s: got mode %o uid %u, want a root symlink", c->name,
		      st.st_mode, (unsigned)st.st_uid);
	n = readlink(path, target, sizeof(target) - 1);
	ck_assert_int_ge(n, 0);
	target[n] = 0;
	ck_assert_msg(strcmp(target, "usr/lib64") == 0,
		      "%s: target: got \"%s\", want usr/lib64", c->name,
		      target);
	ck_assert_int_eq(jail_readlink(&j, "lib64", target, sizeof(target)),
			 0);
	ck_assert_msg(strcmp(target, "usr/lib64") == 0,
		      "%s: jail_readlink: got \"%s\"", c->name, target);
    }
    outside_intact(&t, c->name);
    no_temps(&t, ".", c->name);
    jail_close(&j);
}
END_TEST

/* mount_tmpfs - a small tmpfs at TOP/NAME, root 0755; its path */
static void
mount_tmpfs(const char *top, const char *name, const char *opts,
	    char *path, size_t len)
{
    tu_pathf(path, len, "%s/%s", top, name);
    tu_mkdir(path, 0755);
    ck_assert_msg(mount("tmpfs", path, "tmpfs", 0, opts) == 0,
		  "mount tmpfs %s: got %s, want success (needs root)", path,
		  strerror(errno));
}

/*
 * test_write_enospc - a 1 MB file on a 64 KiB tmpfs: -ENOSPC, the old
 * file intact, no temporary file left; then a read-only file system:
 * -EROFS, nothing changed.
 */
START_TEST(test_write_enospc)
{
    char mnt[PATH_MAX], path[PATH_MAX], src[PATH_MAX], *big, *got;
    size_t n = 1024 * 1024;
    struct tree t;
    struct jail j;
    int ret, sfd;

    make_tree(&t);
    mount_tmpfs(t.top, "small", "size=64k,mode=0755", mnt, sizeof(mnt));
    tu_pathf(t.jail, sizeof(t.jail), "%s", mnt);
    open_jail(&j, &t);
    ck_assert_int_eq(jail_write_file(&j, "etc/hosts", -1, "old\n", 4, 0644,
				     NULL), 0);
    big = malloc(n);
    ck_assert_ptr_nonnull(big);
    memset(big, 'B', n);

    ret = jail_write_file(&j, "etc/hosts", -1, big, n, 0644, NULL);
    ck_assert_msg(ret == -ENOSPC, "1 MB on 64 KiB: got %d, want -ENOSPC",
		  ret);
    jpath(&t, "etc/hosts", path, sizeof(path));
    got = tu_read(path, NULL);
    ck_assert_msg(got && strcmp(got, "old\n") == 0,
		  "old file after ENOSPC: got \"%.10s\", want \"old\\n\"",
		  got ? got : "(none)");
    free(got);
    no_temps(&t, "etc", "ENOSPC");

    /* The same from a descriptor. */
    tu_pathf(src, sizeof(src), "%s/big", t.top);
    tu_write(src, big, n);
    free(big);
    sfd = open(src, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(sfd, 0);
    ret = jail_write_file(&j, "etc/hosts", sfd, NULL, 0, 0644, NULL);
    close(sfd);
    ck_assert_msg(ret == -ENOSPC, "1 MB from fd: got %d, want -ENOSPC",
		  ret);
    ck_assert_msg(tu_hash(path) == tu_hash_mem("old\n", 4),
		  "old file after ENOSPC from fd: got changed");
    no_temps(&t, "etc", "ENOSPC from fd");
    jail_close(&j);

    /* Read-only: refused by the file system, nothing changed. */
    ck_assert_msg(mount("tmpfs", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, "") == 0,
		  "remount ro: got %s", strerror(errno));
    open_jail(&j, &t);
    ret = jail_write_file(&j, "etc/hosts", -1, "new\n", 4, 0644, NULL);
    ck_assert_msg(ret == -EROFS, "read-only: got %d, want -EROFS", ret);
    ret = jail_write_file(&j, "etc/new/x", -1, "new\n", 4, 0644, NULL);
    ck_assert_msg(ret == -EROFS, "read-only, new dir: got %d, want -EROFS",
		  ret);
    ck_assert_msg(tu_hash(path) == tu_hash_mem("old\n", 4),
		  "old file on a read-only jail: got changed");
    jail_close(&j);
    ck_assert_int_eq(umount2(mnt, MNT_DETACH), 0);
}
END_TEST

/*
 * getrandom - the C library's, unless a test asks for fixed bytes: then
 * jail.c's next temporary name is known in advance and the test can plant
 * something there first.  Defined here, it takes the place of the C
 * library's for the whole test program; with the switch off it only
 * passes the call on.
 */
static int fixed_random;

ssize_t getrandom(void *buf, size_t len, unsigned int flags);

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
    if (fixed_random) {
	memset(buf, 0xab, len);
	return ((ssize_t)len);
    }
    return (syscall(SYS_getrandom, buf, len, flags));
}

/* tmp_name - the temporary name jail.c makes from fixed random bytes */
static void
tmp_name(char *buf, size_t len)
{
    tu_pathf(buf, len, "%s%s", JAIL_TMP_PREFIX, "abababababababab");
}

struct squat_case {
    const char *name;
    enum plant kind;	/* planted at the temporary name */
};

static const struct squat_case squat_cases[] = {
    {"hard link to an outside file", P_HARDLINK},
    {"symlink to an outside file", P_LINK_FILE},
    {"dangling symlink to an outside path", P_LINK_DANGLING},
    {"FIFO", P_FIFO},
};

/*
 * test_tmp_squatted - something already at the temporary name is never
 * opened for writing (O_CREAT|O_EXCL|O_NOFOLLOW): the write fails or
 * uses another name, and nothing outside changes.
 */
START_TEST(test_tmp_squatted)
{
    const struct squat_case *c = &squat_cases[_i];
    char name[PATH_MAX], rel[PATH_MAX], path[PATH_MAX];
    struct tree t;
    struct jail j;
    int ret;

    make_tree(&t);
    plant(&t, "etc", P_DIR);
    plant(&t, "etc/hosts", P_FILE);
    tmp_name(name, sizeof(name));
    tu_pathf(rel, sizeof(rel), "etc/%s", name);
    plant(&t, rel, c->kind);
    open_jail(&j, &t);
    fixed_random = 1;
    alarm(10);
    ret = jail_write_file(&j, "etc/hosts", -1, "new\n", 4, 0644, NULL);
    alarm(0);
    fixed_random = 0;
    ck_assert_msg(ret < 0, "%s at the temporary name: got %d, want an "
		  "error (every try gives that name)", c->name, ret);
    jpath(&t, "etc/hosts", path, sizeof(path));
    ck_assert_msg(tu_hash(path) == tu_hash_mem("old\n", 4),
		  "%s: etc/hosts: got changed, want the old bytes", c->name);
    ck_assert_msg(tu_hash(t.out_file) == t.out_hash,
		  "%s: outside file: got changed, want unchanged", c->name);
    ck_assert_msg(tu_exists(jpath(&t, rel, path, sizeof(path))),
		  "%s: the planted entry: got removed, want left alone",
		  c->name);
    ck_assert_int_eq(unlink(path), 0);
    outside_intact(&t, c->name);
    jail_close(&j);
}
END_TEST

/* --- jail_open_file, jail_lstat ------------------------------------- */

struct openfile_case {
    const char *name;
    enum plant kind;
    int ret;
};

static const struct openfile_case openfile_cases[] = {
    {"regular file", P_FILE, 0},
    {"symlink to an outside file", P_LINK_FILE, -ELOOP},
    {"hard link to an outside file", P_HARDLINK, 0},
    {"FIFO", P_FIFO, -EPERM},
    {"device", P_CHARDEV, -EPERM},
    {"directory", P_DIR, -EPERM},
    {"missing", P_NONE, -ENOENT},
};

/* test_open_file_table - only regular files are opened, FIFOs without
 * hanging, links not followed */
START_TEST(test_open_file_table)
{
    const struct openfile_case *c = &openfile_cases[_i];
    struct tree t;
    struct jail j;
    struct stat st;
    int fd = -1, ret;

    make_tree(&t);
    plant(&t, "hosts", c->kind);
    open_jail(&j, &t);
    alarm(10);
    ret = jail_open_file(&j, "hosts", &fd);
    alarm(0);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    if (ret == -EPERM)
	why_has(&j, "not a regular file", c->name);
    if (ret == 0) {
	ck_assert_msg(fstat(fd, &st) == 0 && S_ISREG(st.st_mode),
		      "%s: got no regular file", c->name);
	close(fd);
    }
    ret = jail_lstat(&j, "hosts", &st);
    ck_assert_msg(c->kind == P_NONE ? ret == -ENOENT : ret == 0,
		  "%s: lstat: got %d", c->name, ret);
    if (c->kind == P_LINK_FILE)
	ck_assert_msg(S_ISLNK(st.st_mode), "%s: lstat followed the link",
		      c->name);
    jail_close(&j);
}
END_TEST

/* --- jail_remove ---------------------------------------------------- */

struct remove_case {
    const char *name;
    enum plant kind;	/* planted at etc/x */
    int want_dir;
    int ret;
    const char *why;
};

static const struct remove_case remove_cases[] = {
    {"root file", P_FILE, 0, 0, NULL},
    {"file owned by postfix", P_FILE_POSTFIX, 0, -EPERM, "not owned by root"},
    {"root symlink to an outside file", P_LINK_FILE, 0, 0, NULL},
    {"root symlink to an outside directory", P_LINK_DIR, 1, -EPERM,
     "not a directory"},
    {"root hard link to an outside file", P_HARDLINK, 0, 0, NULL},
    {"root FIFO", P_FIFO, 0, 0, NULL},
    {"directory, file wanted", P_DIR, 0, -EPERM, "a directory"},
    {"file, directory wanted", P_FILE, 1, -EPERM, "not a directory"},
    {"empty root directory", P_DIR, 1, 0, NULL},
    {"directory owned by postfix", P_DIR_POSTFIX, 1, -EPERM,
     "not owned by root"},
    {"missing", P_NONE, 0, -ENOENT, NULL},
};

/* test_remove_table - only root-owned entries of the wanted type go */
START_TEST(test_remove_table)
{
    const struct remove_case *c = &remove_cases[_i];
    char path[PATH_MAX];
    struct tree t;
    struct jail j;
    int ret;

    make_tree(&t);
    plant(&t, "etc", P_DIR);
    plant(&t, "etc/x", c->kind);
    jpath(&t, "etc/x", path, sizeof(path));
    open_jail(&j, &t);
    ret = jail_remove(&j, "etc/x", c->want_dir);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    if (c->why)
	why_has(&j, c->why, c->name);
    if (ret == 0)
	ck_assert_msg(!tu_exists(path), "%s: got it still there", c->name);
    else if (c->kind != P_NONE)
	ck_assert_msg(tu_exists(path), "%s: got it removed after a refusal",
		      c->name);
    outside_intact(&t, c->name);
    jail_close(&j);
}
END_TEST

/* test_remove_unsafe_parent - nothing is removed below a directory that
 * postfix owns or others can write, and a non-empty directory stays */
START_TEST(test_remove_unsafe_parent)
{
    static const enum plant parents[] = {P_DIR_POSTFIX, P_DIR_0777,
					 P_LINK_DIR};
    char path[PATH_MAX], in_out[PATH_MAX];
    struct tree t;
    struct jail j;
    size_t i;
    int ret;

    for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
	make_tree(&t);
	plant(&t, "spool", parents[i]);
	if (parents[i] == P_LINK_DIR) {
	    tu_pathf(in_out, sizeof(in_out), "%s/x", t.out_dir);
	    tu_write_str(in_out, "outside\n");
	} else {
	    plant(&t, "spool/x", P_FILE);
	}
	open_jail(&j, &t);
	ret = jail_remove(&j, "spool/x", 0);
	ck_assert_msg(ret == -EPERM, "parent kind %zu: got %d, want -EPERM",
		      i, ret);
	if (parents[i] == P_LINK_DIR)
	    ck_assert_msg(tu_exists(in_out), "outside file: got removed");
	else
	    ck_assert_msg(tu_exists(jpath(&t, "spool/x", path, sizeof(path))),
			  "parent kind %zu: got the file removed", i);
	jail_close(&j);
    }

    make_tree(&t);
    plant(&t, "d", P_DIR);
    plant(&t, "d/f", P_FILE);
    open_jail(&j, &t);
    ret = jail_remove(&j, "d", 1);
    ck_assert_msg(ret == -ENOTEMPTY, "non-empty directory: got %d, want "
		  "-ENOTEMPTY", ret);
    jail_close(&j);
}
END_TEST

/* --- jail_clean_tmp ------------------------------------------------- */

/* test_clean_tmp - leftovers go; foreign-owned entries, directories,
 * other names and link targets stay */
START_TEST(test_clean_tmp)
{
    char path[PATH_MAX];
    struct tree t;
    struct jail j;
    int ret;

    make_tree(&t);
    plant(&t, "etc", P_DIR);
    plant(&t, "etc/" JAIL_TMP_PREFIX "a1b2c3", P_FILE);
    plant(&t, "etc/" JAIL_TMP_PREFIX "d4e5f6", P_FILE);
    plant(&t, "etc/" JAIL_TMP_PREFIX "link", P_LINK_FILE);
    plant(&t, "etc/" JAIL_TMP_PREFIX "postfix", P_FILE_POSTFIX);
    plant(&t, "etc/" JAIL_TMP_PREFIX "dir", P_DIR);
    plant(&t, "etc/hosts", P_FILE);
    plant(&t, "etc/.postfix-chroot", P_FILE);
    open_jail(&j, &t);

    /* A dry run removes nothing. */
    j.dry_run = 1;
    ret = jail_clean_tmp(&j, "etc");
    ck_assert_msg(ret == 0, "dry run: got %d, want 0", ret);
    jpath(&t, "etc", path, sizeof(path));
    ck_assert_msg(tu_count_entries(path, JAIL_TMP_PREFIX) == 5,
		  "dry run: got %d leftovers, want 5",
		  tu_count_entries(path, JAIL_TMP_PREFIX));

    j.dry_run = 0;
    ret = jail_clean_tmp(&j, "etc");
    ck_assert_msg(ret == 3, "clean: got %d removed, want 3", ret);
    ck_assert_msg(tu_count_entries(path, JAIL_TMP_PREFIX) == 2,
		  "clean: got %d left, want 2 (postfix's file, the "
		  "directory)", tu_count_entries(path, JAIL_TMP_PREFIX));
    ck_assert_msg(tu_count_entries(path, "") == 4,
		  "clean: got %d entries, want 4", tu_count_entries(path, ""));
    outside_intact(&t, "clean");
    ck_assert_int_eq(jail_sync(&j, NULL, 0), 0);

    /* The jail's top, and a missing directory. */
    plant(&t, JAIL_TMP_PREFIX "top", P_FILE);
    ck_assert_int_eq(jail_clean_tmp(&j, "."), 1);
    ck_assert_int_eq(jail_clean_tmp(&j, "nothing"), -ENOENT);
    jail_close(&j);

    /* Not below a directory that postfix owns. */
    make_tree(&t);
    plant(&t, "spool", P_DIR_POSTFIX);
    plant(&t, "spool/" JAIL_TMP_PREFIX "x", P_FILE);
    open_jail(&j, &t);
    ret = jail_clean_tmp(&j, "spool");
    ck_assert_msg(ret == -EPERM, "postfix's directory: got %d, want -EPERM",
		  ret);
    ck_assert_msg(tu_exists(jpath(&t, "spool/" JAIL_TMP_PREFIX "x", path,
				  sizeof(path))),
		  "postfix's directory: got the file removed");
    jail_close(&j);
}
END_TEST

/*
 * test_rel_paths - REL must stay inside the jail whatever its spelling.
 * Fails with jail.c as it is: "../x" is written outside the jail, and
 * "/x/y" recurses in jail_dir() until the stack overflows.
 */
START_TEST(test_rel_paths)
{
    static const char *const rels[] = {
	"../escape", "etc/../../escape", "..", "/escape/x", "/escape",
	NULL,
    };
    char path[PATH_MAX];
    struct tree t;
    struct jail j;
    int i, ret;

    make_tree(&t);
    plant(&t, "etc", P_DIR);
    open_jail(&j, &t);
    for (i = 0; rels[i]; i++) {
	ret = jail_write_file(&j, rels[i], -1, "pwned\n", 6, 0644, NULL);
	ck_assert_msg(ret < 0, "write \"%s\": got %d, want a refusal",
		      rels[i], ret);
	ret = jail_remove(&j, rels[i], 0);
	ck_assert_msg(ret < 0, "remove \"%s\": got %d, want a refusal",
		      rels[i], ret);
    }
    tu_pathf(path, sizeof(path), "%s/escape", t.top);
    ck_assert_msg(!tu_exists(path), "outside the jail: got %s written",
		  path);
    jail_close(&j);
}
END_TEST

/* setup - unchecked fixture: the TCase's temporary directory */
static void
setup(void)
{
    tu_top_setup_named("check_jail");
}

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
jail_suite(void)
{
    Suite *s = suite_create("jail");
    TCase *tc = tcase_create("open");

    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_open_table, 0, NCASES(open_cases));
    tcase_add_test(tc, test_open_relative);
    tcase_add_test(tc, test_open_label_path);
    tcase_add_test(tc, test_dir_create);
    tcase_add_loop_test(tc, test_dir_table, 0, NCASES(dir_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_write_basic);
    tcase_add_test(tc, test_write_renames);
    tcase_add_loop_test(tc, test_write_table, 0, NCASES(write_cases));
    tcase_add_loop_test(tc, test_write_link_table, 0, NCASES(write_cases));
    tcase_add_test(tc, test_write_enospc);
    tcase_add_loop_test(tc, test_tmp_squatted, 0, NCASES(squat_cases));
    tcase_add_loop_test(tc, test_open_file_table, 0, NCASES(openfile_cases));
    tcase_add_test(tc, test_rel_paths);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("remove");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_remove_table, 0, NCASES(remove_cases));
    tcase_add_test(tc, test_remove_unsafe_parent);
    tcase_add_test(tc, test_clean_tmp);
    suite_add_tcase(s, tc);
    return (s);
}
