/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_manifest - tests of the manifest, the lock and the state
 *	directory
 * SUMMARY
 *	manifest_name(), manifest_save() and manifest_load(), manifest_lock()
 *	and state_open(), with damaged records and planted links.
 * DESCRIPTION
 *	Names: a table of jail paths and the file names they give; every
 *	spelling of one jail must give one name, or two runs on the same
 *	jail would not share a lock.  Records: a round trip, then a table
 *	of damaged files, each of which must be refused with -EINVAL rather
 *	than guessed at.  The lock: a child process holds it while the test
 *	asks.  The state directory: every unsafe kind is refused.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.  Needs root: the state directory must be
 *	root-owned, and the tests chown directories to other users.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "manifest.h"
#include "testutil.h"

struct name_case {
    const char *jail;
    const char *suffix;
    const char *want;
};

static const struct name_case name_cases[] = {
    {"/var/spool/postfix", ".manifest", "var-spool-postfix.manifest"},
    {"/var/spool/postfix", ".lock", "var-spool-postfix.lock"},
    {"/var/spool/postfix-out", ".lock", "var-spool-postfix\\x2dout.lock"},
    {"/srv/a-b/c", ".manifest", "srv-a\\x2db-c.manifest"},
    {"/srv/a/b-c", ".manifest", "srv-a-b\\x2dc.manifest"},
    {"/srv/a\\b", ".manifest", "srv-a\\x5cb.manifest"},
    {"/srv/x2d", ".manifest", "srv-x2d.manifest"},
    {"/", ".manifest", "-.manifest"},
    {"", ".manifest", "-.manifest"},
    {"/q", "", "q"},
    /* Other spellings of one jail share its name, and so its lock. */
    {"/var/spool/postfix/", ".lock", "var-spool-postfix.lock"},
    {"//var//spool///postfix", ".lock", "var-spool-postfix.lock"},
    {"/var/./spool/postfix/.", ".lock", "var-spool-postfix.lock"},
    {"/var/spool/x/../postfix", ".lock", "var-spool-postfix.lock"},
    {"/..", ".lock", "-.lock"},
    {"///", ".lock", "-.lock"},
};

/* test_name_table - manifest_name() */
START_TEST(test_name_table)
{
    const struct name_case *c = &name_cases[_i];
    char *got = manifest_name(c->jail, c->suffix);

    ck_assert_msg(strcmp(got, c->want) == 0,
		  "name of \"%s\" + \"%s\": got \"%s\", want \"%s\"", c->jail,
		  c->suffix, got, c->want);
    free(got);
}
END_TEST

/* test_name_distinct - different jails never share a name */
START_TEST(test_name_distinct)
{
    static const char *const jails[] = {
	"/a/b", "/a-b", "/a\\x2db", "/a\\b", "/a/b/c", "/a-b-c", "/a/b-c",
	"/a-b/c", "/ab", "/a", "/a-", "/-a", NULL,
    };
    char *names[16];
    int i, j;

    for (i = 0; jails[i]; i++)
	names[i] = manifest_name(jails[i], ".lock");
    for (i = 0; jails[i]; i++)
	for (j = 0; j < i; j++)
	    ck_assert_msg(strcmp(names[i], names[j]) != 0,
			  "\"%s\" and \"%s\": got one name \"%s\", want two",
			  jails[i], jails[j], names[i]);
    for (i = 0; jails[i]; i++)
	free(names[i]);
}
END_TEST

/* state_dir - a fresh root-owned 0755 state directory; its descriptor */
static int
state_dir(char *dir, size_t len)
{
    char why[512];
    int fd, ret;

    tu_need_root();
    tu_newdir(dir, len, "state");
    ret = state_open(dir, 0, &fd, why, sizeof(why));
    ck_assert_msg(ret == 0, "state_open %s: got %d, want 0", dir, ret);
    return (fd);
}

/* test_round_trip - what is saved is loaded, sorted, findable */
START_TEST(test_round_trip)
{
    struct manifest m = {0}, back;
    const struct manifest_entry *e;
    char dir[PATH_MAX], path[PATH_MAX];
    struct stat st1, st2;
    int sfd = state_dir(dir, sizeof(dir)), ret;
    size_t i;

    manifest_add(&m, 'f', "etc/hosts");
    manifest_add(&m, 'd', "usr/lib64");
    manifest_add(&m, 'l', "lib64");
    manifest_add(&m, 'f', "usr/lib64/libnss_sss.so.2");
    manifest_add(&m, 'f', "etc/a file with spaces");
    manifest_add(&m, 'f', "etc/na\xc3\xafve-\\x2d");
    manifest_add(&m, 'l', "etc/hosts");	/* replaces the kind */
    ck_assert_msg(m.n == 6, "entries: got %zu, want 6", m.n);

    ret = manifest_save(sfd, "j.manifest", &m);
    ck_assert_msg(ret == 0, "save: got %d, want 0", ret);
    tu_pathf(path, sizeof(path), "%s/j.manifest", dir);
    ck_assert_int_eq(stat(path, &st1), 0);
    ck_assert_msg(tu_count_entries(dir, ".") == 0,
		  "temporary files after save: got %d, want 0",
		  tu_count_entries(dir, "."));

    ret = manifest_load(sfd, "j.manifest", &back);
    ck_assert_msg(ret == 0, "load: got %d, want 0", ret);
    ck_assert_msg(back.n == m.n, "loaded entries: got %zu, want %zu", back.n,
		  m.n);
    for (i = 1; i < back.n; i++)
	ck_assert_msg(strcmp(back.v[i - 1].path, back.v[i].path) < 0,
		      "order: got \"%s\" before \"%s\", want sorted",
		      back.v[i - 1].path, back.v[i].path);
    for (i = 0; i < m.n; i++) {
	e = manifest_find(&back, m.v[i].path);
	ck_assert_msg(e != NULL && e->kind == m.v[i].kind,
		      "find %s: got %c, want %c", m.v[i].path,
		      e ? e->kind : '-', m.v[i].kind);
    }
    ck_assert_msg(manifest_find(&back, "etc/nothing") == NULL,
		  "find of an absent path: got an entry, want NULL");

    /* A second save replaces the file by a new one (rename). */
    ck_assert_int_eq(manifest_save(sfd, "j.manifest", &back), 0);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_msg(st1.st_ino != st2.st_ino,
		  "inode after a second save: got the same, want a new one");
    ck_assert_msg((st2.st_mode & 07777) == 0644,
		  "mode: got %o, want 644", st2.st_mode & 07777);
    manifest_free(&back);
    manifest_free(&m);
    ck_assert_msg(m.n == 0 && m.v == NULL, "after free: got %zu", m.n);

    /* An empty record round-trips too; a missing one loads empty. */
    ck_assert_int_eq(manifest_save(sfd, "e.manifest", &m), 0);
    ck_assert_int_eq(manifest_load(sfd, "e.manifest", &back), 0);
    ck_assert_msg(back.n == 0, "empty record: got %zu entries", back.n);
    ck_assert_msg(manifest_find(&back, "x") == NULL, "find in empty: got "
		  "an entry");
    ck_assert_int_eq(manifest_load(sfd, "absent.manifest", &back), 0);
    ck_assert_msg(back.n == 0, "missing record: got %zu entries", back.n);
    close(sfd);
}
END_TEST

#define HDR "# postfix-chroot manifest 1\n"

struct damage_case {
    const char *name;
    const char *text;
    size_t len;		/* 0: strlen(text) */
    int ret;
    size_t n;		/* entries on success */
};

static const struct damage_case damage_cases[] = {
    {"good", HDR "f etc/hosts\nd etc\nl lib64\n", 0, 0, 3},
    {"blank lines", HDR "\nf etc/hosts\n\n\nd etc\n", 0, 0, 2},
    {"no final newline", HDR "f etc/hosts", 0, -EINVAL, 0},
    {"record cut in its last line", HDR "f etc/hosts\nl usr/lib64/libre",
     0, -EINVAL, 0},
    {"zeros after a cut line", HDR "f etc/hosts\nf usr\0\0",
     sizeof(HDR) + 17, -EINVAL, 0},
    {"header only", HDR, 0, 0, 0},
    {"missing header", "f etc/hosts\n", 0, -EINVAL, 0},
    {"other version", "# postfix-chroot manifest 2\nf etc/hosts\n", 0,
     -EINVAL, 0},
    {"header with more", "# postfix-chroot manifest 10\n", 0, -EINVAL, 0},
    {"bad kind", HDR "x etc/hosts\n", 0, -EINVAL, 0},
    {"capital kind", HDR "F etc/hosts\n", 0, -EINVAL, 0},
    {"no space", HDR "fetc/hosts\n", 0, -EINVAL, 0},
    {"kind only", HDR "f\n", 0, -EINVAL, 0},
    {"empty path", HDR "f \n", 0, -EINVAL, 0},
    {"climbing path", HDR "f ../x\n", 0, -EINVAL, 0},
    {"climbing in the middle", HDR "f etc/../../x\n", 0, -EINVAL, 0},
    {"dot component", HDR "f ./etc/hosts\n", 0, -EINVAL, 0},
    {"double slash", HDR "f etc//hosts\n", 0, -EINVAL, 0},
    {"absolute path", HDR "f /etc/passwd\n", 0, -EINVAL, 0},
    {"control character", HDR "f etc/ho\x01sts\n", 0, -EINVAL, 0},
    {"carriage return", HDR "f etc/hosts\r\n", 0, -EINVAL, 0},
    {"one bad line among good ones", HDR "f a\nf b\nf /c\nf d\n", 0,
     -EINVAL, 0},
    {"NUL byte", HDR "f etc/hosts\0\n", sizeof(HDR) + 12, -EINVAL, 0},
    {"bad line in a complete block", HDR "f a\n# adding\nf /b\n# end\n", 0,
     -EINVAL, 0},
    {"NUL byte in a complete block", HDR "# adding\nf b\0\n# end\n",
     sizeof(HDR) + 20, -EINVAL, 0},
    {"junk after a complete block", HDR "# adding\nf b\n# end\nf c\n", 0,
     -EINVAL, 0},
    {"a line that is not a block's start", HDR "f a\n# addin\nf b\n", 0,
     -EINVAL, 0},
    {"file type unknown", "\0# postfix-chroot manifest 1\nf a\n",
     sizeof(HDR) + 5, -EINVAL, 0},
};

/*
 * Blocks appended before a run creates names, and the ways a crash can
 * cut them: a complete block counts; a cut last block (or a file cut
 * while it was made) is what a run left before it created anything.
 */
struct block_case {
    const char *name;
    const char *text;
    size_t len;		/* 0: strlen(text) */
    size_t n;		/* entries */
    int pending;
    int torn;
};

static const struct block_case block_cases[] = {
    {"saved record", HDR "f a\nd b\n", 0, 2, 0, 0},
    {"old pending record", HDR "# pending\nf a\n", 0, 1, 1, 0},
    {"one block", HDR "f a\n# adding\nf b\nd c\n# end\n", 0, 3, 1, 0},
    {"two blocks", HDR "f a\n# adding\nf b\n# end\n# adding\nf c\n# end\n",
     0, 3, 1, 0},
    {"block on an old pending record",
     HDR "# pending\nf a\n# adding\nf b\n# end\n", 0, 2, 1, 0},
    {"block of a new file", HDR "# adding\nf b\n# end\n", 0, 1, 1, 0},
    {"block naming a saved entry", HDR "f a\n# adding\nl a\n# end\n", 0, 1,
     1, 0},
    {"empty file", "", 0, 0, 0, 1},
    {"header cut", "# postfix-chr", 0, 0, 0, 1},
    {"header without newline", "# postfix-chroot manifest 1", 0, 0, 0, 1},
    {"zeros where the header goes", "\0\0\0\0", 4, 0, 0, 1},
    {"zeros longer than the header", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 40, 0, 0, 1},
    {"cut in the first line of a block", HDR "f a\n# add", 0, 1, 0, 1},
    {"cut after the first line", HDR "f a\n# adding\n", 0, 1, 0, 1},
    {"cut in an entry", HDR "f a\n# adding\nf b\nf c", 0, 1, 0, 1},
    {"cut in the end line", HDR "f a\n# adding\nf b\n# en", 0, 1, 0, 1},
    {"cut before the end's newline", HDR "f a\n# adding\nf b\n# end", 0, 1,
     0, 1},
    {"cut bad line", HDR "f a\n# adding\nf /etc/passwd", 0, 1, 0, 1},
    {"zeros for a block", HDR "f a\n\0\0\0\0\0\0", sizeof(HDR) + 9, 1, 0,
     1},
    {"zeros in a cut block", HDR "f a\n# adding\nf b\n\0\0\0",
     sizeof(HDR) + 20, 1, 0, 1},
    {"cut second block", HDR "f a\n# adding\nf b\n# end\n# adding\nf c\n",
     0, 2, 1, 1},
    {"cut second block's first line",
     HDR "f a\n# adding\nf b\n# end\n# add", 0, 2, 1, 1},
    {"zeros after a block", HDR "# adding\nf b\n# end\n\0\0",
     sizeof(HDR) + 20, 1, 1, 1},
    {"cut first line, then zeros", HDR "f a\n# add\0\0\0", sizeof(HDR) + 11,
     1, 0, 1},
    {"block, then a cut first line and zeros",
     HDR "# adding\nf b\n# end\n# ad\0\0", sizeof(HDR) + 24, 1, 1, 1},
    {"first line whole, then zeros", HDR "f a\n# adding\n\0\0",
     sizeof(HDR) + 14, 1, 0, 1},
};

/* test_block_table - appended blocks count when whole, else not at all */
START_TEST(test_block_table)
{
    const struct block_case *c = &block_cases[_i];
    char dir[PATH_MAX], path[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), ret;
    struct manifest m;

    tu_pathf(path, sizeof(path), "%s/b.manifest", dir);
    tu_write(path, c->text, c->len ? c->len : strlen(c->text));
    ret = manifest_load(sfd, "b.manifest", &m);
    ck_assert_msg(ret == 0, "%s: got %d, want 0", c->name, ret);
    ck_assert_msg(m.n == c->n, "%s: entries: got %zu, want %zu", c->name,
		  m.n, c->n);
    ck_assert_msg(m.pending == c->pending, "%s: pending: got %d, want %d",
		  c->name, m.pending, c->pending);
    ck_assert_msg(m.torn == c->torn, "%s: cut: got %d, want %d", c->name,
		  m.torn, c->torn);
    manifest_free(&m);
    close(sfd);
}
END_TEST

/*
 * test_block_newer - a block is newer than the record it follows: its
 * kind for a path wins (a link of a chain that became a file), the
 * record's kind is kept as the one the entry may still have, and the
 * record's identity of the old entry is dropped.
 */
START_TEST(test_block_newer)
{
    static const char text[] = HDR "l a/b\nf a/c\t1:2:3.4:5:6.7\n"
	"# adding\nf a/b\nl a/c\n# end\n";
    char dir[PATH_MAX], path[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir));
    const struct manifest_entry *b, *c;
    struct manifest m;

    tu_pathf(path, sizeof(path), "%s/k.manifest", dir);
    tu_write(path, text, sizeof(text) - 1);
    ck_assert_int_eq(manifest_load(sfd, "k.manifest", &m), 0);
    b = manifest_find(&m, "a/b");
    c = manifest_find(&m, "a/c");
    ck_assert_msg(m.n == 2 && b && c, "got %zu entries, want a/b and a/c",
		  m.n);
    ck_assert_msg(b->kind == 'f' && c->kind == 'l', "kinds: got %c %c, "
		  "want the block's f l", b->kind, c->kind);
    ck_assert_msg(b->alt == 'l' && c->alt == 'f', "may still be: got %c %c, "
		  "want the record's l f", b->alt ? b->alt : '-',
		  c->alt ? c->alt : '-');
    ck_assert_msg(c->id == NULL, "a/c: got identity %s, want none", c->id);

    /* A record keeps both kinds, and an exact entry drops the other. */
    manifest_add(&m, 'f', "a/c");
    m.pending = 0;
    ck_assert_int_eq(manifest_save(sfd, "k.manifest", &m), 0);
    manifest_free(&m);
    ck_assert_int_eq(manifest_load(sfd, "k.manifest", &m), 0);
    b = manifest_find(&m, "a/b");
    c = manifest_find(&m, "a/c");
    ck_assert_msg(m.n == 2 && b && c && !m.pending, "saved: got %zu "
		  "entries, pending %d, want a/b and a/c, not pending", m.n,
		  m.pending);
    ck_assert_msg(b->kind == 'f' && b->alt == 'l' && c->kind == 'f'
		  && c->alt == 0, "saved: got a/b %c/%c a/c %c/%c, want f/l "
		  "f/-", b->kind, b->alt ? b->alt : '-', c->kind,
		  c->alt ? c->alt : '-');
    ck_assert_msg(manifest_kind_is(b, 'l') && manifest_kind_is(b, 'f')
		  && !manifest_kind_is(b, 'd') && !manifest_kind_is(c, 'l'),
		  "manifest_kind_is disagrees with the kinds read");
    manifest_free(&m);
    close(sfd);
}
END_TEST

/*
 * test_unsafe_record - a record others can write, or one with a second
 * link, is refused as unsafe (-EPERM), not read; temporary records that
 * killed runs left are removed by the next save, and no one else's.
 */
START_TEST(test_unsafe_record)
{
    char dir[PATH_MAX], path[PATH_MAX], other[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), i, ret;
    struct manifest m = {0}, back;

    manifest_add(&m, 'f', "etc/hosts");
    for (i = 0; i < 3; i++) {
	ck_assert_int_eq(manifest_save(sfd, "u.manifest", &m), 0);
	tu_pathf(path, sizeof(path), "%s/u.manifest", dir);
	tu_pathf(other, sizeof(other), "%s/u.second", dir);
	if (i == 2)
	    ck_assert_int_eq(link(path, other), 0);
	else
	    ck_assert_int_eq(chmod(path, i == 0 ? 0664 : 0646), 0);
	ck_assert_int_eq(manifest_load(sfd, "u.manifest", &back), -EPERM);
	unlink(other);
    }

    /* Leftover temporary records of this name go, others stay. */
    tu_pathf(path, sizeof(path), "%s/.u.manifest.99999999.tmp", dir);
    tu_write_str(path, "x");
    tu_pathf(other, sizeof(other), "%s/.v.manifest.99999999.tmp", dir);
    tu_write_str(other, "x");
    ret = manifest_save(sfd, "u.manifest", &m);
    ck_assert_int_eq(ret, 0);
    ck_assert_msg(!tu_exists(path), "%s: left, want removed", path);
    ck_assert_msg(tu_exists(other), "%s: removed, want kept (another "
		  "jail's)", other);
    manifest_free(&m);
    close(sfd);
}
END_TEST

/* load_or_fail - load NAME, which must be well formed */
static void
load_or_fail(int sfd, const char *name, struct manifest *m)
{
    int ret = manifest_load(sfd, name, m);

    ck_assert_msg(ret == 0, "load %s: got %d, want 0", name, ret);
}

/*
 * test_append - the block of new names: appended to the same file when
 * it ends where it was read, made with a header when there is no file,
 * and the whole record rewritten (pending, durably) when the file ends
 * in a cut block or changed since it was read.
 */
START_TEST(test_append)
{
    struct manifest old = {0}, adds = {0}, back;
    char dir[PATH_MAX], path[PATH_MAX];
    struct stat st1, st2;
    int sfd = state_dir(dir, sizeof(dir)), fd;

    manifest_add(&old, 'f', "etc/hosts");
    manifest_set_id(&old, "etc/hosts", "1:2:3.000000000:4:5.000000000");
    manifest_add(&adds, 'd', "usr");
    manifest_add(&adds, 'f', "usr/libx.so");

    /* No file yet: made, with the header. */
    load_or_fail(sfd, "n.manifest", &back);
    ck_assert_int_eq(manifest_append(sfd, "n.manifest", &back, &adds, &fd),
		     0);
    ck_assert_msg(fd >= 0, "new file: fd %d, want a descriptor", fd);
    close(fd);
    manifest_free(&back);
    load_or_fail(sfd, "n.manifest", &back);
    ck_assert_msg(back.n == 2 && back.pending && !back.torn,
		  "new file: got %zu entries pending %d cut %d, want 2 1 0",
		  back.n, back.pending, back.torn);
    manifest_free(&back);

    /* A saved record: the block goes at its end, same inode. */
    ck_assert_int_eq(manifest_save(sfd, "a.manifest", &old), 0);
    tu_pathf(path, sizeof(path), "%s/a.manifest", dir);
    ck_assert_int_eq(stat(path, &st1), 0);
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_int_eq(manifest_append(sfd, "a.manifest", &back, &adds, &fd),
		     0);
    ck_assert_msg(fd >= 0, "append: fd %d, want a descriptor", fd);
    close(fd);
    manifest_free(&back);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_msg(st1.st_ino == st2.st_ino && st2.st_size > st1.st_size,
		  "append: got a new inode or no growth, want the same file "
		  "grown");
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_msg(back.n == 3 && back.pending && !back.torn,
		  "appended: got %zu entries pending %d cut %d, want 3 1 0",
		  back.n, back.pending, back.torn);
    ck_assert_msg(manifest_find(&back, "etc/hosts")
		  && manifest_find(&back, "etc/hosts")->id
		  && manifest_find(&back, "usr/libx.so"),
		  "appended: the saved entry lost its identity or the new "
		  "one is missing");

    /* A second block on the first. */
    ck_assert_int_eq(manifest_append(sfd, "a.manifest", &back, &adds, &fd),
		     0);
    close(fd);
    manifest_free(&back);
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_msg(back.n == 3 && back.pending && !back.torn,
		  "two blocks: got %zu entries pending %d cut %d, want 3 1 0",
		  back.n, back.pending, back.torn);
    manifest_free(&back);

    /* Ends in a cut block: rewritten whole, pending, no descriptor. */
    tu_write(path, HDR "f etc/hosts\n# adding\nf usr/o", sizeof(HDR) + 27);
    ck_assert_int_eq(stat(path, &st1), 0);
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_msg(back.torn, "cut block: not seen as cut");
    ck_assert_int_eq(manifest_append(sfd, "a.manifest", &back, &adds, &fd),
		     0);
    ck_assert_msg(fd == -1, "cut block: fd %d, want -1 (rewritten "
		  "durably)", fd);
    manifest_free(&back);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_msg(st1.st_ino != st2.st_ino, "cut block: same inode, want "
		  "the record rewritten under a new one");
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_msg(back.n == 3 && back.pending && !back.torn
		  && manifest_find(&back, "usr/o") == NULL,
		  "rewritten: got %zu entries pending %d cut %d, want 3 1 0 "
		  "and not the cut entry", back.n, back.pending, back.torn);

    /* Changed since it was read: rewritten from what was read. */
    tu_write(path, HDR "f etc/other\n", sizeof(HDR) + 12);
    ck_assert_int_eq(manifest_append(sfd, "a.manifest", &back, &adds, &fd),
		     0);
    ck_assert_msg(fd == -1, "changed file: appended to it, want a rewrite");
    manifest_free(&back);
    load_or_fail(sfd, "a.manifest", &back);
    ck_assert_msg(manifest_find(&back, "etc/other") == NULL
		  && manifest_find(&back, "etc/hosts") != NULL,
		  "changed file: want the record as read plus the block");
    manifest_free(&back);
    tu_pathf(path, sizeof(path), "%s/.a.manifest.%ld.tmp", dir,
	     (long)getpid());
    ck_assert_msg(access(path, F_OK) < 0, "temporary file left: %s", path);
    manifest_free(&old);
    manifest_free(&adds);
    close(sfd);
}
END_TEST

/* test_damaged_table - damaged records are refused, never guessed at */
START_TEST(test_damaged_table)
{
    const struct damage_case *c = &damage_cases[_i];
    char dir[PATH_MAX], path[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), ret;
    struct manifest m;

    tu_pathf(path, sizeof(path), "%s/d.manifest", dir);
    tu_write(path, c->text, c->len ? c->len : strlen(c->text));
    ret = manifest_load(sfd, "d.manifest", &m);
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    ck_assert_msg(m.n == c->n, "%s: entries: got %zu, want %zu", c->name,
		  m.n, c->n);
    manifest_free(&m);
    close(sfd);
}
END_TEST

/* test_oversized - a record beyond MANIFEST_MAX_SIZE is not read */
START_TEST(test_oversized)
{
    char dir[PATH_MAX], path[PATH_MAX], *big;
    int sfd = state_dir(dir, sizeof(dir)), ret;
    size_t len = MANIFEST_MAX_SIZE + 1, i;
    struct manifest m;

    big = malloc(len);
    ck_assert_ptr_nonnull(big);
    memcpy(big, HDR, sizeof(HDR) - 1);
    for (i = sizeof(HDR) - 1; i < len; i++)
	big[i] = (i % 8 == 7) ? '\n' : (i % 8 == 0 ? 'f' : (i % 8 == 1
							    ? ' ' : 'a'));
    tu_pathf(path, sizeof(path), "%s/big.manifest", dir);
    tu_write(path, big, len);
    free(big);
    ret = manifest_load(sfd, "big.manifest", &m);
    ck_assert_msg(ret == -EFBIG, "oversized record: got %d, want -EFBIG",
		  ret);
    ck_assert_msg(m.n == 0, "entries: got %zu, want 0", m.n);
    close(sfd);
}
END_TEST

/* test_planted_links - a symlink in the record's or the lock's place is
 * neither followed for reading nor written through */
START_TEST(test_planted_links)
{
    char dir[PATH_MAX], path[PATH_MAX], outside[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), ret;
    struct manifest m = {0};
    uint64_t before;
    struct stat st;

    tu_pathf(outside, sizeof(outside), "%s.outside", dir);
    tu_write_str(outside, HDR "f etc/hosts\n");
    before = tu_hash(outside);

    tu_pathf(path, sizeof(path), "%s/l.manifest", dir);
    ck_assert_int_eq(symlink(outside, path), 0);
    ret = manifest_load(sfd, "l.manifest", &m);
    ck_assert_msg(ret == -ELOOP, "load through a symlink: got %d, want "
		  "-ELOOP", ret);

    /* Saving replaces the link itself. */
    manifest_add(&m, 'f', "etc/services");
    ret = manifest_save(sfd, "l.manifest", &m);
    ck_assert_msg(ret == 0, "save over a symlink: got %d, want 0", ret);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode), "record after save: got mode %o, want "
		  "a regular file", st.st_mode);
    ck_assert_msg(tu_hash(outside) == before,
		  "outside file after save: got changed, want unchanged");
    manifest_free(&m);

    /* The lock file. */
    tu_pathf(path, sizeof(path), "%s/l.lock", dir);
    ck_assert_int_eq(symlink(outside, path), 0);
    ret = manifest_lock(sfd, "l.lock", 0);
    ck_assert_msg(ret == -ELOOP, "lock through a symlink: got %d, want "
		  "-ELOOP", ret);
    ck_assert_msg(tu_hash(outside) == before,
		  "outside file after lock: got changed, want unchanged");

    /* A dangling link must not create its target either. */
    tu_pathf(path, sizeof(path), "%s/d.lock", dir);
    tu_pathf(outside, sizeof(outside), "%s.created", dir);
    ck_assert_int_eq(symlink(outside, path), 0);
    ret = manifest_lock(sfd, "d.lock", 0);
    ck_assert_msg(ret == -ELOOP, "lock through a dangling symlink: got %d, "
		  "want -ELOOP", ret);
    ck_assert_msg(!tu_exists(outside), "link target: got created, want "
		  "absent");
    close(sfd);
}
END_TEST

/* hold_lock - child that holds the lock NAME in DIR until killed, or for
 * HOLD_MS; tells the parent through a pipe once it has it */
static pid_t
hold_lock(const char *dir, const char *name, int hold_ms)
{
    char path[PATH_MAX], c;
    int p[2], fd;
    pid_t pid;

    tu_pathf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s", strerror(errno));
    if (pid == 0) {
	struct timespec ts = {hold_ms / 1000, (hold_ms % 1000) * 1000000L};

	close(p[0]);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
	    _exit(1);
	if (write(p[1], "x", 1) != 1)
	    _exit(1);
	nanosleep(&ts, NULL);
	_exit(0);
    }
    close(p[1]);
    ck_assert_msg(read(p[0], &c, 1) == 1,
		  "lock holder: got no signal, want one");
    close(p[0]);
    return (pid);
}

/* test_lock_held - a lock held by another process gives -EWOULDBLOCK */
START_TEST(test_lock_held)
{
    char dir[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), ret, status;
    struct timespec a, b;
    double waited;
    pid_t pid;

    pid = hold_lock(dir, "j.lock", 60000);
    ret = manifest_lock(sfd, "j.lock", 0);
    ck_assert_msg(ret == -EWOULDBLOCK, "held lock, no wait: got %d, want "
		  "-EWOULDBLOCK", ret);

    clock_gettime(CLOCK_MONOTONIC, &a);
    ret = manifest_lock(sfd, "j.lock", 1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    waited = (double)(b.tv_sec - a.tv_sec)
	+ (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    ck_assert_msg(ret == -EWOULDBLOCK, "held lock, 1s wait: got %d, want "
		  "-EWOULDBLOCK", ret);
    ck_assert_msg(waited >= 0.9 && waited < 3.0,
		  "held lock: waited %.2fs, want about 1s", waited);

    /* Once the holder is gone the lock is ours. */
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ret = manifest_lock(sfd, "j.lock", 0);
    ck_assert_msg(ret >= 0, "free lock: got %d, want a descriptor", ret);
    ck_assert_msg(fcntl(ret, F_GETFD) & FD_CLOEXEC,
		  "lock descriptor: got no FD_CLOEXEC, want it");
    close(ret);
    close(sfd);
}
END_TEST

/* test_lock_wait - a lock freed while waiting is taken */
START_TEST(test_lock_wait)
{
    char dir[PATH_MAX];
    int sfd = state_dir(dir, sizeof(dir)), ret, status;
    pid_t pid;

    pid = hold_lock(dir, "w.lock", 300);
    ret = manifest_lock(sfd, "w.lock", 5);
    ck_assert_msg(ret >= 0, "lock freed after 0.3s, 5s wait: got %d, want a "
		  "descriptor", ret);
    close(ret);
    waitpid(pid, &status, 0);
    close(sfd);
}
END_TEST

struct state_case {
    const char *name;
    mode_t mode;
    uid_t uid;
    int kind;		/* 0 dir, 1 symlink to a good dir, 2 file, 3 none */
    int create;
    int ret;
    int parent;		/* the directory above: see state_parent() */
};

/* What stands above the state directory in a case. */
enum { P_PLAIN, P_LINK, P_WORLD, P_STICKY, P_POSTFIX, P_GROUP };

static const struct state_case state_cases[] = {
    {"root 0755", 0755, 0, 0, 0, 0, P_PLAIN},
    {"root 0700", 0700, 0, 0, 0, 0, P_PLAIN},
    {"root 0755, create", 0755, 0, 0, 1, 0, P_PLAIN},
    {"group-writable", 0775, 0, 0, 0, -EPERM, P_PLAIN},
    {"world-writable", 0757, 0, 0, 0, -EPERM, P_PLAIN},
    {"sticky world-writable", 01777, 0, 0, 0, -EPERM, P_PLAIN},
    {"owned by postfix (uid 100)", 0755, 100, 0, 0, -EPERM, P_PLAIN},
    {"owned by another user", 0700, 4242, 0, 1, -EPERM, P_PLAIN},
    /* O_DIRECTORY|O_NOFOLLOW on a symlink: ENOTDIR. */
    {"symlink to a good directory", 0755, 0, 1, 0, -ENOTDIR, P_PLAIN},
    {"symlink to a good directory, create", 0755, 0, 1, 1, -ENOTDIR,
     P_PLAIN},
    {"regular file", 0644, 0, 2, 0, -ENOTDIR, P_PLAIN},
    {"missing", 0, 0, 3, 0, -ENOENT, P_PLAIN},
    {"missing, create", 0, 0, 3, 1, 0, P_PLAIN},
    /* Above it: reached through a link, or a directory others change. */
    {"parent is a symlink", 0755, 0, 0, 0, -EPERM, P_LINK},
    {"parent is a symlink, create", 0, 0, 3, 1, -EPERM, P_LINK},
    {"parent world-writable", 0755, 0, 0, 0, -EPERM, P_WORLD},
    {"parent world-writable, create", 0, 0, 3, 1, -EPERM, P_WORLD},
    {"parent group-writable", 0755, 0, 0, 0, -EPERM, P_GROUP},
    {"parent owned by postfix", 0755, 0, 0, 0, -EPERM, P_POSTFIX},
    {"parent sticky and world-writable, as /tmp", 0755, 0, 0, 0, 0,
     P_STICKY},
    {"parent sticky, create", 0, 0, 3, 1, 0, P_STICKY},
};

/*
 * state_parent - make TOP/p as case C wants it and return the path of
 * the state directory below it; a link goes to TOP/real, a good one.
 */
static char *
state_parent(const struct state_case *c, const char *top, char *buf,
	     size_t len)
{
    char p[PATH_MAX], real[PATH_MAX];

    tu_pathf(p, sizeof(p), "%s/p", top);
    if (c->parent == P_LINK) {
	tu_mkdir(tu_pathf(real, sizeof(real), "%s/real", top), 0755);
	ck_assert_int_eq(symlink(real, p), 0);
    } else {
	tu_mkdir(p, 0755);
	ck_assert_int_eq(chmod(p, c->parent == P_WORLD ? 0777
			       : c->parent == P_STICKY ? 01777
			       : c->parent == P_GROUP ? 0775 : 0755), 0);
	if (c->parent == P_POSTFIX)
	    ck_assert_int_eq(chown(p, 100, 100), 0);
    }
    return (tu_pathf(buf, len, "%s/state", p));
}

/* test_state_table - state_open() refuses what others could change */
START_TEST(test_state_table)
{
    const struct state_case *c = &state_cases[_i];
    char top[PATH_MAX], dir[PATH_MAX], good[PATH_MAX], why[512];
    struct stat st;
    int fd = -1, ret;

    tu_need_root();
    tu_newdir(top, sizeof(top), "statedir");
    if (c->parent == P_PLAIN)
	tu_pathf(dir, sizeof(dir), "%s/state", top);
    else
	state_parent(c, top, dir, sizeof(dir));
    tu_pathf(good, sizeof(good), "%s/good", top);
    switch (c->kind) {
    case 0:
	tu_mkdir(dir, c->mode);
	ck_assert_int_eq(chown(dir, c->uid, c->uid), 0);
	ck_assert_int_eq(chmod(dir, c->mode), 0);
	break;
    case 1:
	tu_mkdir(good, 0755);
	ck_assert_int_eq(symlink(good, dir), 0);
	break;
    case 2:
	tu_write_str(dir, "not a directory\n");
	break;
    }
    ret = state_open(dir, c->create, &fd, why, sizeof(why));
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    ck_assert_msg((ret == -EPERM || ret == -ENOTDIR) == (why[0] != 0),
		  "%s: got %d and reason \"%s\"", c->name, ret, why);
    if (c->parent == P_LINK || c->kind == 1)
	ck_assert_msg(strstr(why, "symbolic link") != NULL, "%s: reason "
		      "\"%s\", want a symbolic link named", c->name, why);
    if (ret == 0) {
	ck_assert_msg(fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode),
		      "%s: got no directory descriptor", c->name);
	ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
		      "%s: got no FD_CLOEXEC", c->name);
	if (c->kind == 3)
	    ck_assert_msg((st.st_mode & 07777) == 0755 && st.st_uid == 0,
			  "%s: made with mode %o uid %u, want 755 root",
			  c->name, st.st_mode & 07777, (unsigned)st.st_uid);
	close(fd);
    }
    if (c->kind == 1)
	ck_assert_msg(tu_count_entries(good, "") == 0,
		      "%s: something was made in the link's target", c->name);
    if (c->parent == P_LINK && c->kind == 3)
	ck_assert_msg(tu_count_entries(tu_pathf(good, sizeof(good),
						"%s/real", top), "") == 0,
		      "%s: something was made through the link", c->name);
}
END_TEST

/* setup - unchecked fixture: the TCase's temporary directory */
static void
setup(void)
{
    tu_top_setup_named("check_manifest");
}

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
manifest_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("name");

    tcase_add_loop_test(tc, test_name_table, 0, NCASES(name_cases));
    tcase_add_test(tc, test_name_distinct);
    suite_add_tcase(s, tc);

    tc = tcase_create("record");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_loop_test(tc, test_damaged_table, 0, NCASES(damage_cases));
    tcase_add_loop_test(tc, test_block_table, 0, NCASES(block_cases));
    tcase_add_test(tc, test_append);
    tcase_add_test(tc, test_block_newer);
    tcase_add_test(tc, test_unsafe_record);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_planted_links);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("lock");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_lock_held);
    tcase_add_test(tc, test_lock_wait);
    tcase_add_loop_test(tc, test_state_table, 0, NCASES(state_cases));
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return (s);
}
