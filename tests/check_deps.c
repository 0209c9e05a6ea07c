/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of deps: the stamp that lets an update whose inputs and jail
 * did not change skip its work.  Every change that can alter a plan or a
 * jail entry must make the stamp fail; damaged, foreign or fresh records
 * must never be trusted.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "testutil.h"

#define KEY "test-key root=/ jail=/x"

/* A directory of sources, one of state, and descriptors on both. */
struct dx {
    char dir[PATH_MAX];
    char src[PATH_MAX];
    char state[PATH_MAX];
    int srcfd;
    int sfd;
};

static void
dx_top(void)
{
    tu_top_setup_named("pfc-deps");
}

/* dx_new - sources a, b and sub/c, settled (older than a clock tick) */
static void
dx_new(struct dx *x)
{
    char p[PATH_MAX];

    tu_need_root();
    tu_newdir(x->dir, sizeof(x->dir), "dx");
    tu_pathf(x->src, sizeof(x->src), "%s/src", x->dir);
    tu_pathf(x->state, sizeof(x->state), "%s/state", x->dir);
    tu_mkdir(x->src, 0755);
    tu_mkdir(x->state, 0755);
    tu_write_str(tu_pathf(p, sizeof(p), "%s/a", x->src), "alpha\n");
    tu_write_str(tu_pathf(p, sizeof(p), "%s/b", x->src), "bravo\n");
    tu_mkdir(tu_pathf(p, sizeof(p), "%s/sub", x->src), 0755);
    tu_write_str(tu_pathf(p, sizeof(p), "%s/sub/c", x->src), "charlie\n");
    x->srcfd = open(x->src, O_RDONLY | O_DIRECTORY);
    x->sfd = open(x->state, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(x->srcfd, 0);
    ck_assert_int_ge(x->sfd, 0);
    usleep(60000);		/* past the racy window of 20 ms */
}

static void
dx_free(struct dx *x)
{
    deps_stop();
    close(x->srcfd);
    close(x->sfd);
}

/* note - record PATH below the sources as a root path, as root.c does */
static void
note(struct dx *x, const char *path, int how)
{
    struct stat st;

    if (fstatat(x->srcfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
	deps_note(x->srcfd, path, how, NULL, errno);
    else
	deps_note(x->srcfd, path, how, &st, 0);
}

/* record - a run that read sub (crossed), sub/c, a, b and missing d */
static void
record(struct dx *x)
{
    deps_start();
    deps_set_fd(DEPS_ROOT, x->srcfd);
    deps_set_fd(DEPS_STATE, x->sfd);
    note(x, "sub", DEPS_IDENT);
    note(x, "sub/c", DEPS_WHOLE);
    note(x, "a", DEPS_WHOLE);
    note(x, "b", DEPS_WHOLE);
    note(x, ".", DEPS_WHOLE);
    note(x, "d", DEPS_WHOLE);
}

/* saved - record, save, and start over as a new run would */
static void
saved(struct dx *x)
{
    record(x);
    ck_assert_int_eq(deps_save(x->sfd, "j.stamp", KEY), 0);
    deps_stop();
    ck_assert_msg(faccessat(x->sfd, "j.stamp", F_OK, 0) == 0,
		  "no stamp was written");
    deps_set_fd(DEPS_ROOT, x->srcfd);
    deps_set_fd(DEPS_STATE, x->sfd);
}

static int
valid(struct dx *x)
{
    return (deps_valid(x->sfd, "j.stamp", KEY));
}

static char *
sp(struct dx *x, const char *rel)
{
    static char p[PATH_MAX];

    return (tu_pathf(p, sizeof(p), "%s/%s", x->src, rel));
}

START_TEST(round_trip)
{
    struct dx x;

    dx_new(&x);
    saved(&x);
    ck_assert_int_eq(valid(&x), 1);
    ck_assert_int_eq(valid(&x), 1);
    ck_assert_int_eq(deps_valid(x.sfd, "j.stamp", "other-key"), 0);
    ck_assert_int_eq(deps_valid(x.sfd, "none.stamp", KEY), 0);
    dx_free(&x);
}
END_TEST

/* The changes a stamp must notice, one per loop index. */
static void
chg_inplace_same_size_and_mtime(struct dx *x)
{
    tu_rewrite_in_place(sp(x, "a"), "ALPHA\n");
}

static void
chg_renamed_over(struct dx *x)
{
    char tmp[PATH_MAX];

    tu_write_str(tu_pathf(tmp, sizeof(tmp), "%s/a.new", x->src), "alpha\n");
    ck_assert_int_eq(rename(tmp, sp(x, "a")), 0);
}

static void
chg_mode(struct dx *x)
{
    ck_assert_int_eq(chmod(sp(x, "b"), 0600), 0);
}

static void
chg_owner(struct dx *x)
{
    ck_assert_int_eq(chown(sp(x, "b"), 1, 1), 0);
}

static void
chg_missing_created(struct dx *x)
{
    tu_write_str(sp(x, "d"), "delta\n");
}

static void
chg_removed(struct dx *x)
{
    ck_assert_int_eq(unlink(sp(x, "sub/c")), 0);
}

/* The crossed directory becomes a link to a copy of itself. */
static void
chg_dir_became_link(struct dx *x)
{
    char moved[PATH_MAX];

    tu_pathf(moved, sizeof(moved), "%s/sub.real", x->src);
    ck_assert_int_eq(rename(sp(x, "sub"), moved), 0);
    ck_assert_int_eq(symlink("sub.real", sp(x, "sub")), 0);
}

static void
chg_file_became_link(struct dx *x)
{
    char real[PATH_MAX];

    tu_pathf(real, sizeof(real), "%s/b.real", x->src);
    ck_assert_int_eq(rename(sp(x, "b"), real), 0);
    ck_assert_int_eq(symlink("b.real", sp(x, "b")), 0);
}

static void (*const changes[])(struct dx *) = {
    chg_inplace_same_size_and_mtime,
    chg_renamed_over,
    chg_mode,
    chg_owner,
    chg_missing_created,
    chg_removed,
    chg_dir_became_link,
    chg_file_became_link,
};

#define NCHANGES ((int)(sizeof(changes) / sizeof(changes[0])))

START_TEST(change_noticed)
{
    struct dx x;

    dx_new(&x);
    saved(&x);
    ck_assert_int_eq(valid(&x), 1);
    changes[_i](&x);
    ck_assert_msg(valid(&x) == 0, "change %d went unnoticed", _i);
    dx_free(&x);
}
END_TEST

/* A file changed moments before the run may change again unseen. */
START_TEST(racy_not_saved)
{
    struct dx x;

    dx_new(&x);
    tu_write_str(sp(&x, "a"), "fresh\n");
    record(&x);
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", KEY), 0);
    ck_assert_msg(faccessat(x.sfd, "j.stamp", F_OK, 0) < 0,
		  "a stamp was written for a file changed moments ago");
    dx_free(&x);
}
END_TEST

/* An unusable record removes the stamp there was. */
START_TEST(taint_removes_stamp)
{
    struct dx x;

    dx_new(&x);
    saved(&x);
    record(&x);
    deps_taint("test");
    ck_assert_str_eq(deps_tainted(), "test");
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", KEY), 0);
    ck_assert_msg(faccessat(x.sfd, "j.stamp", F_OK, 0) < 0,
		  "a tainted run left its stamp");
    dx_free(&x);
}
END_TEST

/* A path read through a descriptor nobody named cannot be rechecked. */
START_TEST(unknown_fd_taints)
{
    struct dx x;
    struct stat st;
    int other;

    dx_new(&x);
    other = open(x.src, O_RDONLY | O_DIRECTORY);
    record(&x);
    ck_assert_int_eq(fstatat(other, "a", &st, 0), 0);
    deps_note(other, "a", DEPS_WHOLE, &st, 0);
    ck_assert_ptr_nonnull(deps_tainted());
    close(other);
    dx_free(&x);
}
END_TEST

/* The same name seen twice with different status: changed mid-run. */
START_TEST(changed_during_run_taints)
{
    struct dx x;
    struct stat st;

    dx_new(&x);
    record(&x);
    ck_assert_ptr_null(deps_tainted());
    chg_mode(&x);
    ck_assert_int_eq(stat(sp(&x, "b"), &st), 0);
    deps_note(x.srcfd, "b", DEPS_WHOLE, &st, 0);
    ck_assert_ptr_nonnull(deps_tainted());
    dx_free(&x);
}
END_TEST

/*
 * A missing name in a directory seen before the lookup is covered by the
 * directory's times; the stamp still notices the name appearing.
 */
START_TEST(missing_names_collapse)
{
    struct dx x;
    char *text;

    dx_new(&x);
    deps_start();
    deps_set_fd(DEPS_ROOT, x.srcfd);
    note(&x, "sub", DEPS_IDENT);
    note(&x, "sub/x1", DEPS_WHOLE);
    note(&x, "sub/x2", DEPS_WHOLE);
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", KEY), 0);
    deps_stop();
    text = tu_read(tu_pathf((char[PATH_MAX]){0}, PATH_MAX, "%s/j.stamp",
			    x.state), NULL);
    ck_assert_msg(strstr(text, "sub/x1") == NULL
		  && strstr(text, "sub/x2") == NULL,
		  "missing names kept their own records:\n%s", text);
    free(text);
    deps_set_fd(DEPS_ROOT, x.srcfd);
    ck_assert_int_eq(valid(&x), 1);
    tu_write_str(sp(&x, "sub/x2"), "now here\n");
    ck_assert_int_eq(valid(&x), 0);
    dx_free(&x);
}
END_TEST

/* A directory first seen after the lookup cannot vouch for it. */
START_TEST(missing_name_before_dir_kept)
{
    struct dx x;
    char *text;

    dx_new(&x);
    deps_start();
    deps_set_fd(DEPS_ROOT, x.srcfd);
    note(&x, "sub/x1", DEPS_WHOLE);
    note(&x, "sub", DEPS_IDENT);
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", KEY), 0);
    deps_stop();
    text = tu_read(tu_pathf((char[PATH_MAX]){0}, PATH_MAX, "%s/j.stamp",
			    x.state), NULL);
    ck_assert_msg(strstr(text, "sub/x1") != NULL,
		  "a later directory status replaced a missing name:\n%s",
		  text);
    free(text);
    dx_free(&x);
}
END_TEST

/* Damage of every kind makes the stamp fail, never pass. */
static void
damage(struct dx *x, int how)
{
    char path[PATH_MAX], *text;
    size_t len = 0;
    int fd;

    tu_pathf(path, sizeof(path), "%s/j.stamp", x->state);
    text = tu_read(path, &len);
    switch (how) {
    case 0:			/* cut short */
	ck_assert_int_eq(truncate(path, (off_t)(len / 2)), 0);
	break;
    case 1:			/* one byte changed */
	text[len / 2] ^= 1;
	tu_write(path, text, len);
	break;
    case 2:			/* empty */
	ck_assert_int_eq(truncate(path, 0), 0);
	break;
    case 3:			/* last line lost */
	text[len - 1] = 0;
	*strrchr(text, '\n') = 0;
	tu_write_str(path, text);
	break;
    case 4:			/* writable by others */
	ck_assert_int_eq(chmod(path, 0666), 0);
	break;
    case 5:			/* not root's */
	ck_assert_int_eq(chown(path, 1, 1), 0);
	break;
    case 6:			/* a link to a good stamp */
	tu_write(tu_pathf((char[PATH_MAX]){0}, PATH_MAX, "%s/good", x->dir),
		 text, len);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(tu_pathf((char[PATH_MAX]){0}, PATH_MAX,
					  "%s/good", x->dir), path), 0);
	break;
    case 7:			/* a FIFO */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	break;
    case 8:			/* NUL byte */
	text[len / 3] = 0;
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	break;
    }
    free(text);
}

START_TEST(damaged_stamp_fails)
{
    struct dx x;

    dx_new(&x);
    saved(&x);
    damage(&x, _i);
    ck_assert_msg(valid(&x) == 0, "damage %d passed", _i);
    dx_free(&x);
}
END_TEST

/* Warnings of the run are repeated when its work is skipped. */
START_TEST(warnings_repeated)
{
    struct dx x;
    char cap[4096];

    dx_new(&x);
    record(&x);
    diag_set_capture(cap, sizeof(cap));
    msg_warn("module %s is not installed", "ghost");
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", KEY), 0);
    deps_stop();
    deps_set_fd(DEPS_ROOT, x.srcfd);
    diag_set_capture(cap, sizeof(cap));
    ck_assert_int_eq(valid(&x), 1);
    diag_set_capture(NULL, 0);
    ck_assert_str_eq(cap,
		     "postfix-chroot: warning: module ghost is not installed\n");
    dx_free(&x);
}
END_TEST

/* Names with spaces, newlines and percent signs survive the round trip. */
START_TEST(odd_names)
{
    struct dx x;
    static const char *const names[] = {"with space", "new\nline", "50%",
					"tab\there"};
    size_t i;

    dx_new(&x);
    for (i = 0; i < 4; i++)
	tu_write_str(sp(&x, names[i]), "x\n");
    usleep(60000);
    deps_start();
    deps_set_fd(DEPS_ROOT, x.srcfd);
    for (i = 0; i < 4; i++)
	note(&x, names[i], DEPS_WHOLE);
    ck_assert_int_eq(deps_save(x.sfd, "j.stamp", "key with\nnewline %"), 0);
    deps_stop();
    deps_set_fd(DEPS_ROOT, x.srcfd);
    ck_assert_int_eq(deps_valid(x.sfd, "j.stamp", "key with\nnewline %"), 1);
    ck_assert_int_eq(chmod(sp(&x, "new\nline"), 0600), 0);
    ck_assert_int_eq(deps_valid(x.sfd, "j.stamp", "key with\nnewline %"), 0);
    dx_free(&x);
}
END_TEST

/* The program knows its own build. */
START_TEST(program_id)
{
    const char *id = deps_program_id();

    ck_assert_ptr_nonnull(id);
    ck_assert_uint_ge(strlen(id), 16);
    ck_assert_uint_eq(strspn(id, "0123456789abcdef"), strlen(id));
}
END_TEST

Suite *
deps_suite(void)
{
    Suite *s = suite_create("deps");
    TCase *tc = tcase_create("stamp");

    tcase_add_unchecked_fixture(tc, dx_top, tu_top_teardown);
    tcase_add_test(tc, round_trip);
    tcase_add_loop_test(tc, change_noticed, 0, NCHANGES);
    tcase_add_test(tc, racy_not_saved);
    tcase_add_test(tc, taint_removes_stamp);
    tcase_add_test(tc, unknown_fd_taints);
    tcase_add_test(tc, changed_during_run_taints);
    tcase_add_test(tc, missing_names_collapse);
    tcase_add_test(tc, missing_name_before_dir_kept);
    tcase_add_loop_test(tc, damaged_stamp_fails, 0, 9);
    tcase_add_test(tc, warnings_repeated);
    tcase_add_test(tc, odd_names);
    tcase_add_test(tc, program_id);
    suite_add_tcase(s, tc);
    return (s);
}
