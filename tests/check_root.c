/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_root - tests of path resolution below --root
 * SUMMARY
 *	root_resolve(), root_open() and root_rel() on a fake root full of
 *	relative, absolute, climbing, looping and very long symbolic links.
 * DESCRIPTION
 *	Each test builds the same fake root in its own directory, with a
 *	decoy etc/passwd next to it (outside the root): every link that
 *	tries to climb out must land on the root's own etc/passwd, never
 *	on the decoy.  A table gives, per path, the canonical result or the
 *	error, and the directory links that must be recorded on the way.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "root.h"
#include "testutil.h"

#define CHAIN_LONG 1000

/* link_at - symlink ROOT/NAME -> TARGET */
static void
link_at(const char *root, const char *name, const char *target)
{
    char path[PATH_MAX];

    tu_pathf(path, sizeof(path), "%s/%s", root, name);
    ck_assert_msg(symlink(target, path) == 0,
		  "symlink %s: got %s, want success", path, strerror(errno));
}

/* file_at - ROOT/NAME holding TEXT */
static void
file_at(const char *root, const char *name, const char *text)
{
    char path[PATH_MAX];

    tu_pathf(path, sizeof(path), "%s/%s", root, name);
    tu_write_str(path, text);
}

/* dir_at - directory ROOT/NAME */
static void
dir_at(const char *root, const char *name)
{
    char path[PATH_MAX];

    tu_pathf(path, sizeof(path), "%s/%s", root, name);
    tu_mkdir(path, 0755);
}

/* chain_at - PREFIX0 -> PREFIX1 -> ... -> PREFIX(N-1) -> TARGET */
static void
chain_at(const char *root, const char *prefix, int n, const char *target)
{
    char name[64], next[64];
    int i;

    for (i = 0; i < n; i++) {
	snprintf(name, sizeof(name), "%s%d", prefix, i);
	snprintf(next, sizeof(next), "%s%d", prefix, i + 1);
	link_at(root, name, i + 1 < n ? next : target);
    }
}

/*
 * make_root - the fake root ROOT (below a fresh directory that also holds
 * a decoy etc/passwd and outside.txt, outside the root) and its open
 * descriptor.
 */
static int
make_root(char *root, size_t len)
{
    char top[PATH_MAX];
    int fd;

    tu_newdir(top, sizeof(top), "root");
    dir_at(top, "etc");
    file_at(top, "etc/passwd", "decoy outside the root\n");
    file_at(top, "outside.txt", "outside\n");
    tu_pathf(root, len, "%s/root", top);
    tu_mkdir(root, 0755);

    dir_at(root, "etc");
    dir_at(root, "usr");
    dir_at(root, "usr/lib");
    dir_at(root, "usr/lib64");
    dir_at(root, "usr/share");
    dir_at(root, "usr/share/zoneinfo");
    dir_at(root, "usr/share/zoneinfo/Europe");
    dir_at(root, "d");
    file_at(root, "etc/hosts", "127.0.0.1 localhost\n");
    file_at(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    file_at(root, "usr/share/zoneinfo/Europe/Berlin", "TZif-Berlin\n");
    file_at(root, "usr/lib/libc.so.6", "libc\n");
    file_at(root, "usr/lib64/libnss_x-2.17.so", "nss x\n");

    link_at(root, "etc/localtime", "../usr/share/zoneinfo/Europe/Berlin");
    link_at(root, "lib", "usr/lib");
    link_at(root, "lib64", "/usr/lib64");
    link_at(root, "usr/lib64/libnss_x.so.2", "libnss_x-2.17.so");
    link_at(root, "alias", "lib");
    link_at(root, "evil", "../../../../etc/passwd");
    link_at(root, "d/evil", "../../../../../../../../etc/passwd");
    link_at(root, "evilabs", "/etc/passwd");
    link_at(root, "escape", "../outside.txt");
    link_at(root, "toroot", "/");
    link_at(root, "dotdot", "..");
    link_at(root, "dotdots", "../../..");
    link_at(root, "loop1", "loop2");
    link_at(root, "loop2", "loop1");
    link_at(root, "self", "self");
    link_at(root, "dl1", "dl2/x");
    link_at(root, "dl2", "dl1/y");
    link_at(root, "dangling", "nowhere");
    chain_at(root, "c", ROOT_MAX_LINKS, "/etc/hosts");
    chain_at(root, "e", ROOT_MAX_LINKS + 1, "/etc/hosts");
    chain_at(root, "long", CHAIN_LONG, "/etc/hosts");

    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "open %s: got %s, want success", root,
		  strerror(errno));
    return (fd);
}

/* links_str - "path>target ..." of the recorded links; caller frees */
static char *
links_str(const struct root_links *l)
{
    size_t i, len = 1;
    char *out, *p;

    for (i = 0; i < l->n; i++)
	len += strlen(l->v[i].path) + strlen(l->v[i].target) + 2;
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    *p = 0;
    for (i = 0; i < l->n; i++)
	p += sprintf(p, "%s%s>%s", i ? " " : "", l->v[i].path,
		     l->v[i].target);
    return (out);
}

struct resolve_case {
    const char *path;
    int follow_last;
    int ret;
    const char *canon;	/* on success */
    const char *links;	/* directory links recorded */
};

static const struct resolve_case resolve_cases[] = {
    {"/etc/hosts", 1, 0, "/etc/hosts", ""},
    {"etc/hosts", 1, 0, "/etc/hosts", ""},
    {"//etc///hosts", 1, 0, "/etc/hosts", ""},
    {"/etc/./hosts", 1, 0, "/etc/hosts", ""},
    {"/etc/../etc/hosts", 1, 0, "/etc/hosts", ""},
    {"/../../../etc/hosts", 1, 0, "/etc/hosts", ""},
    {"/", 1, 0, "/", ""},
    {"", 1, 0, "/", ""},
    {"/..", 1, 0, "/", ""},
    {"/etc/..", 1, 0, "/", ""},
    {"/usr/lib/", 1, 0, "/usr/lib", ""},
    {"/etc/localtime", 1, 0, "/usr/share/zoneinfo/Europe/Berlin", ""},
    {"/etc/localtime", 0, 0, "/etc/localtime", ""},
    {"/lib/libc.so.6", 1, 0, "/usr/lib/libc.so.6", "/lib>usr/lib"},
    {"/lib", 0, 0, "/lib", ""},
    {"/lib", 1, 0, "/usr/lib", ""},
    {"/lib/", 0, 0, "/usr/lib", "/lib>usr/lib"},
    {"/lib64/libnss_x.so.2", 1, 0, "/usr/lib64/libnss_x-2.17.so",
     "/lib64>/usr/lib64"},
    {"/lib64/libnss_x.so.2", 0, 0, "/usr/lib64/libnss_x.so.2",
     "/lib64>/usr/lib64"},
    {"/alias/libc.so.6", 1, 0, "/usr/lib/libc.so.6",
     "/alias>lib /lib>usr/lib"},
    {"/lib/../etc/hosts", 1, -ENOENT, NULL, "/lib>usr/lib"},
    {"/evil", 1, 0, "/etc/passwd", ""},
    {"/d/evil", 1, 0, "/etc/passwd", ""},
    {"/evilabs", 1, 0, "/etc/passwd", ""},
    {"/escape", 1, -ENOENT, NULL, ""},
    {"/toroot", 1, 0, "/", ""},
    {"/toroot/etc/hosts", 1, 0, "/etc/hosts", "/toroot>/"},
    {"/toroot/toroot/toroot/evil", 1, 0, "/etc/passwd", "/toroot>/"},
    {"/dotdot/etc/hosts", 1, 0, "/etc/hosts", "/dotdot>.."},
    {"/dotdots/dotdots/etc/passwd", 1, 0, "/etc/passwd", "/dotdots>../../.."},
    {"/loop1", 1, -ELOOP, NULL, ""},
    {"/loop1", 0, 0, "/loop1", ""},
    {"/self", 1, -ELOOP, NULL, ""},
    {"/self/x", 0, -ELOOP, NULL, "/self>self"},
    {"/dl1", 1, -ELOOP, NULL, "/dl2>dl1/y /dl1>dl2/x"},
    {"/c0", 1, 0, "/etc/hosts", ""},
    {"/e0", 1, -ELOOP, NULL, ""},
    {"/long0", 1, -ELOOP, NULL, ""},
    {"/long990", 1, 0, "/etc/hosts", ""},
    {"/dangling", 1, -ENOENT, NULL, ""},
    {"/dangling", 0, 0, "/dangling", ""},
    {"/missing/x", 1, -ENOENT, NULL, ""},
    {"/missing", 0, -ENOENT, NULL, ""},
    {"/etc/hosts/x", 1, -ENOTDIR, NULL, ""},
};

/* test_resolve_table - canonical paths, errors and links of each case */
START_TEST(test_resolve_table)
{
    const struct resolve_case *c = &resolve_cases[_i];
    struct root_links links = {0};
    char root[PATH_MAX], *canon = NULL, *got;
    int fd = make_root(root, sizeof(root)), ret;

    ret = root_resolve(fd, c->path, c->follow_last, &canon, &links);
    ck_assert_msg(ret == c->ret, "\"%s\" follow %d: return: got %d (%s), "
		  "want %d", c->path, c->follow_last, ret,
		  ret == 0 ? canon : strerror(-ret), c->ret);
    if (ret == 0) {
	ck_assert_msg(strcmp(canon, c->canon) == 0,
		      "\"%s\" follow %d: got \"%s\", want \"%s\"", c->path,
		      c->follow_last, canon, c->canon);
	free(canon);
    }
    got = links_str(&links);
    ck_assert_msg(strcmp(got, c->links) == 0,
		  "\"%s\" follow %d: links: got \"%s\", want \"%s\"", c->path,
		  c->follow_last, got, c->links);
    free(got);
    root_links_free(&links);
    ck_assert_msg(links.n == 0 && links.v == NULL,
		  "links after free: got %zu, want 0", links.n);
    close(fd);
}
END_TEST

/* test_links_once - a link crossed by several paths is recorded once */
START_TEST(test_links_once)
{
    static const char *const paths[] = {
	"/lib/libc.so.6", "/lib64/libnss_x.so.2", "/lib/libc.so.6",
	"/alias/libc.so.6", "/lib/", NULL,
    };
    struct root_links links = {0};
    char root[PATH_MAX], *canon, *got;
    int fd = make_root(root, sizeof(root)), i;

    for (i = 0; paths[i]; i++) {
	ck_assert_msg(root_resolve(fd, paths[i], 1, &canon, &links) == 0,
		      "%s: got an error, want success", paths[i]);
	free(canon);
    }
    got = links_str(&links);
    ck_assert_msg(strcmp(got, "/lib>usr/lib /lib64>/usr/lib64 /alias>lib")
		  == 0, "links: got \"%s\", want each once", got);
    free(got);

    /* Without a list, nothing is recorded and nothing breaks. */
    ck_assert_int_eq(root_resolve(fd, "/lib/libc.so.6", 1, &canon, NULL), 0);
    free(canon);
    root_links_free(&links);
    close(fd);
}
END_TEST

/* test_long_chain_fast - a 1000-link chain ends at once */
START_TEST(test_long_chain_fast)
{
    struct timespec a, b;
    char root[PATH_MAX], *canon = NULL;
    int fd = make_root(root, sizeof(root)), ret, i;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (i = 0; i < 100; i++) {
	ret = root_resolve(fd, "/long0", 1, &canon, NULL);
	ck_assert_msg(ret == -ELOOP, "1000 links: got %d, want -ELOOP", ret);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_msg(b.tv_sec - a.tv_sec < 2 * tu_time_scale(),
		  "100 times 1000 links: got %lds, want < %.0fs",
		  (long)(b.tv_sec - a.tv_sec), 2 * tu_time_scale());
    close(fd);
}
END_TEST

/* test_names_too_long - overlong input and overlong results */
START_TEST(test_names_too_long)
{
    char root[PATH_MAX], *path, *canon = NULL;
    int fd = make_root(root, sizeof(root)), ret;
    size_t i;

    /* More than the input buffer holds. */
    path = malloc(2 * PATH_MAX + 16);
    ck_assert_ptr_nonnull(path);
    for (i = 0; i < 2 * PATH_MAX + 8; i++)
	path[i] = (i % 2) ? '/' : 'a';
    path[i] = 0;
    ret = root_resolve(fd, path, 1, &canon, NULL);
    ck_assert_msg(ret == -ENAMETOOLONG, "%zu bytes: got %d, want "
		  "-ENAMETOOLONG", strlen(path), ret);

    /* Many dots fit the input and resolve to the root. */
    for (i = 0; i + 2 < 2 * PATH_MAX - 16; i += 2)
	memcpy(path + i, "/.", 2);
    path[i] = 0;
    ret = root_resolve(fd, path, 1, &canon, NULL);
    ck_assert_msg(ret == 0 && strcmp(canon, "/") == 0,
		  "%zu bytes of \"/.\": got %d %s, want \"/\"", strlen(path),
		  ret, ret == 0 ? canon : "");
    free(canon);

    /* A component longer than the output buffer. */
    path[0] = '/';
    memset(path + 1, 'x', PATH_MAX + 10);
    path[PATH_MAX + 11] = 0;
    ret = root_resolve(fd, path, 1, &canon, NULL);
    ck_assert_msg(ret == -ENAMETOOLONG, "one long name: got %d, want "
		  "-ENAMETOOLONG", ret);
    free(path);
    close(fd);
}
END_TEST

struct open_case {
    const char *path;
    int ret;		/* 0: opened */
    const char *canon;
    const char *text;	/* what the opened file holds */
};

static const struct open_case open_cases[] = {
    {"/etc/hosts", 0, "/etc/hosts", "127.0.0.1 localhost\n"},
    {"/evil", 0, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n"},
    {"/d/evil", 0, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n"},
    {"/evilabs", 0, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n"},
    {"/toroot/../../etc/passwd", 0, "/etc/passwd",
     "root:x:0:0::/root:/bin/sh\n"},
    {"/etc/localtime", 0, "/usr/share/zoneinfo/Europe/Berlin",
     "TZif-Berlin\n"},
    {"/lib64/libnss_x.so.2", 0, "/usr/lib64/libnss_x-2.17.so", "nss x\n"},
    {"/escape", -ENOENT, NULL, NULL},
    {"/dangling", -ENOENT, NULL, NULL},
    {"/loop1", -ELOOP, NULL, NULL},
    {"/long0", -ELOOP, NULL, NULL},
};

/* test_open_table - root_open() opens what was resolved, inside */
START_TEST(test_open_table)
{
    const struct open_case *c = &open_cases[_i];
    char root[PATH_MAX], buf[256], *canon = NULL;
    int rfd = make_root(root, sizeof(root)), fd;
    ssize_t n;

    fd = root_open(rfd, c->path, O_RDONLY, &canon);
    if (c->ret != 0) {
	ck_assert_msg(fd == c->ret, "open %s: got %d, want %d", c->path, fd,
		      c->ret);
	close(rfd);
	return;
    }
    ck_assert_msg(fd >= 0, "open %s: got %d, want a descriptor", c->path,
		  fd);
    ck_assert_msg(strcmp(canon, c->canon) == 0,
		  "open %s: canonical path: got \"%s\", want \"%s\"", c->path,
		  canon, c->canon);
    n = read(fd, buf, sizeof(buf) - 1);
    ck_assert_msg(n >= 0, "read %s: got %s, want success", c->path,
		  strerror(errno));
    buf[n] = 0;
    ck_assert_msg(strcmp(buf, c->text) == 0,
		  "open %s: got \"%s\", want \"%s\"", c->path, buf, c->text);
    ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
		  "open %s: got no FD_CLOEXEC, want it", c->path);
    free(canon);
    close(fd);

    /* CANON may be NULL. */
    fd = root_open(rfd, c->path, O_RDONLY, NULL);
    ck_assert_msg(fd >= 0, "open %s without canon: got %d", c->path, fd);
    close(fd);
    close(rfd);
}
END_TEST

struct rel_case {
    const char *abs;
    const char *rel;
};

static const struct rel_case rel_cases[] = {
    {"/etc/hosts", "etc/hosts"}, {"/", "."}, {"///a/b", "a/b"},
    {"", "."}, {"usr", "usr"},
};

/* test_rel_table - root_rel() */
START_TEST(test_rel_table)
{
    const struct rel_case *c = &rel_cases[_i];
    const char *got = root_rel(c->abs);

    ck_assert_msg(strcmp(got, c->rel) == 0, "rel \"%s\": got \"%s\", want "
		  "\"%s\"", c->abs, got, c->rel);
}
END_TEST

/* setup - unchecked fixture: the TCase's temporary directory */
static void
setup(void)
{
    tu_top_setup_named("check_root");
}

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
root_suite(void)
{
    Suite *s = suite_create("root");
    TCase *tc = tcase_create("resolve");

    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_resolve_table, 0, NCASES(resolve_cases));
    tcase_add_test(tc, test_links_once);
    tcase_add_test(tc, test_long_chain_fast);
    tcase_add_test(tc, test_names_too_long);
    tcase_add_loop_test(tc, test_open_table, 0, NCASES(open_cases));
    tcase_add_loop_test(tc, test_rel_table, 0, NCASES(rel_cases));
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return (s);
}
