/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_label - tests of SELinux labelling with a test file_contexts
 * SUMMARY
 *	label_init() with a small file_contexts written by the test,
 *	label_lookup() per path and file type, and real security.selinux
 *	extended attributes set and read back, also through the jail.
 * DESCRIPTION
 *	The file_contexts imitates the policy rules the jail depends on
 *	(etc_t for etc, locale_t for a regular etc/localtime, lib_t for the
 *	library directories, ld_so_t for the loader), below a made-up jail
 *	path /jail, plus rules limited to one file type and a <<none>>
 *	rule.  SELinux need not be enabled: libselinux computes contexts
 *	from the file, and root can set and read security.selinux on ext4
 *	and tmpfs with SELinux disabled (NOTES 3).  On this machine /tmp is
 *	ext4 and accepts them; the test checks that first and says so when
 *	the file system refuses, rather than passing.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.  Needs root for security.* attributes.
 */

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "diag.h"
#include "jail.h"
#include "label.h"
#include "testutil.h"

#define CTX(t) "system_u:object_r:" t ":s0"

static const char file_contexts[] =
    "# test file_contexts for check_label\n"
    "/jail(/.*)?\t\t\t\t" CTX("var_spool_t") "\n"
    "/jail/etc(/.*)?\t\t\t\t" CTX("etc_t") "\n"
    "/jail/etc/localtime\t--\t\t" CTX("locale_t") "\n"
    "/jail/etc/nolabel\t\t\t<<none>>\n"
    "/jail/lib(64)?(/.*)?\t\t\t" CTX("lib_t") "\n"
    "/jail/usr(/.*)?\t\t\t\t" CTX("usr_t") "\n"
    "/jail/usr/lib(64)?(/.*)?\t\t" CTX("lib_t") "\n"
    "/jail/(usr/)?lib(64)?/ld[^/]*\\.so(\\.[^/]*)*\t--\t"
    CTX("ld_so_t") "\n"
    "/jail/dironly\t-d\t\t\t" CTX("dir_t") "\n"
    "/jail/linkonly\t-l\t\t\t" CTX("link_t") "\n";

/* write_contexts - the test file_contexts in a fresh directory; path */
static void
write_contexts(char *path, size_t len)
{
    char dir[PATH_MAX];

    tu_newdir(dir, sizeof(dir), "contexts");
    tu_pathf(path, len, "%s/file_contexts", dir);
    tu_write_str(path, file_contexts);
}

/* init_labels - label_init() with the test file_contexts */
static void
init_labels(void)
{
    char path[PATH_MAX];
    int ret;

    write_contexts(path, sizeof(path));
    ret = label_init(NULL, path);
    ck_assert_msg(ret == 0, "label_init %s: got %d, want 0", path, ret);
    ck_assert_msg(label_active(), "label_active: got 0, want 1");
}

/* test_inactive - without label_init() everything is a quiet no-op */
START_TEST(test_inactive)
{
    char *ctx = (char *)"x";

    label_fini();
    ck_assert_msg(!label_active(), "label_active: got 1, want 0");
    ck_assert_int_eq(label_lookup("/jail/etc/hosts", S_IFREG, &ctx), 0);
    ck_assert_msg(ctx == NULL, "lookup while inactive: got \"%s\", want "
		  "NULL", ctx);
    ck_assert_int_eq(label_set_fd(0, NULL), 0);
    ck_assert_int_eq(label_set_at(AT_FDCWD, "nothing", NULL), 0);
}
END_TEST

/* kernel_has_selinuxfs - does /proc/filesystems list selinuxfs? */
static int
kernel_has_selinuxfs(void)
{
    char line[256];
    FILE *fp = fopen("/proc/filesystems", "r");
    int found = 0;

    ck_assert_msg(fp != NULL, "/proc/filesystems: cannot open");
    while (fgets(line, sizeof(line), fp))
	found |= strcmp(line, "nodev\tselinuxfs\n") == 0;
    fclose(fp);
    return (found);
}

/*
 * test_init_no_selinuxfs - on a kernel without selinuxfs, label_init()
 * for the running system leaves labelling off, says why, and does not
 * load libselinux; on one with it, libselinux is asked.  Either way the
 * answer is checked, so the test means something on both kinds of
 * machine.  Check runs each test in a child of its own; without that
 * (valgrind, CK_FORK=no) an earlier test may have loaded libselinux
 * already, and then the message alone tells which way was taken.
 */
START_TEST(test_init_no_selinuxfs)
{
    const char *why = "SELinux is not in this kernel";
    int has = kernel_has_selinuxfs(), was, ret;
    char out[1024];
    void *h;

    h = dlopen("libselinux.so.1", RTLD_NOW | RTLD_NOLOAD);
    was = h != NULL;
    if (h)
	dlclose(h);
    diag_set_level(DIAG_VERBOSE);
    diag_set_capture(out, sizeof(out));
    ret = label_init("/", NULL);
    diag_set_capture(NULL, 0);
    diag_set_level(DIAG_NORMAL);
    ck_assert_msg(ret == 0, "label_init(/, NULL): got %d, want 0", ret);
    h = dlopen("libselinux.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (has) {
	ck_assert_msg(strstr(out, why) == NULL, "selinuxfs is known to the "
		      "kernel, yet label_init() said: %s", out);
	ck_assert_msg(h != NULL, "selinuxfs is known to the kernel, but "
		      "libselinux was not loaded to ask whether it is on");
    } else {
	ck_assert_msg(strstr(out, why) != NULL, "no selinuxfs in this "
		      "kernel: got \"%s\", want \"%s\"", out, why);
	ck_assert_msg(was || h == NULL, "no selinuxfs in this kernel, yet "
		      "label_init() loaded libselinux");
	ck_assert_msg(!label_active(), "label_active: got 1, want 0");
    }
    if (h)
	dlclose(h);
    label_fini();
}
END_TEST

/* test_init_missing - a file_contexts that does not exist is an error */
START_TEST(test_init_missing)
{
    char dir[PATH_MAX], path[PATH_MAX], out[1024];
    int ret;

    tu_newdir(dir, sizeof(dir), "missing");
    tu_pathf(path, sizeof(path), "%s/file_contexts", dir);
    diag_set_capture(out, sizeof(out));
    ret = label_init(NULL, path);
    diag_set_capture(NULL, 0);
    ck_assert_msg(ret < 0, "missing file_contexts: got %d, want an error",
		  ret);
    ck_assert_msg(!label_active(), "after a failed init: got active");
    ck_assert_msg(strstr(out, path) != NULL
		  && strstr(out, "cannot open file contexts") != NULL,
		  "message: got \"%s\", want the path and the failure", out);
}
END_TEST

struct lookup_case {
    const char *path;
    mode_t mode;
    const char *want;	/* NULL: no context */
};

static const struct lookup_case lookup_cases[] = {
    {"/jail", S_IFDIR, CTX("var_spool_t")},
    {"/jail/var/x", S_IFREG, CTX("var_spool_t")},
    {"/jail/etc", S_IFDIR, CTX("etc_t")},
    {"/jail/etc/hosts", S_IFREG, CTX("etc_t")},
    {"/jail/etc/resolv.conf", S_IFREG, CTX("etc_t")},
    {"/jail/etc/localtime", S_IFREG, CTX("locale_t")},
    {"/jail/etc/localtime", S_IFLNK, CTX("etc_t")},
    {"/jail/etc/nolabel", S_IFREG, NULL},
    {"/jail/lib64", S_IFLNK, CTX("lib_t")},
    {"/jail/lib", S_IFDIR, CTX("lib_t")},
    {"/jail/usr", S_IFDIR, CTX("usr_t")},
    {"/jail/usr/share/zoneinfo/UTC", S_IFREG, CTX("usr_t")},
    {"/jail/usr/lib64", S_IFDIR, CTX("lib_t")},
    {"/jail/usr/lib64/libnss_sss.so.2", S_IFREG, CTX("lib_t")},
    {"/jail/usr/lib/x86_64-linux-gnu/libnss_systemd.so.2", S_IFREG,
     CTX("lib_t")},
    {"/jail/usr/lib64/ld-linux-x86-64.so.2", S_IFREG, CTX("ld_so_t")},
    {"/jail/usr/lib64/ld-linux-x86-64.so.2", S_IFLNK, CTX("lib_t")},
    {"/jail/lib64/ld-2.17.so", S_IFREG, CTX("ld_so_t")},
    {"/jail/usr/lib64/libld.so", S_IFREG, CTX("lib_t")},
    {"/jail/dironly", S_IFDIR, CTX("dir_t")},
    {"/jail/dironly", S_IFREG, CTX("var_spool_t")},
    {"/jail/linkonly", S_IFLNK, CTX("link_t")},
    {"/jail/linkonly", S_IFREG, CTX("var_spool_t")},
    {"/elsewhere/etc/hosts", S_IFREG, NULL},
    {"/jailx/etc/hosts", S_IFREG, NULL},
};

/* test_lookup_table - the context per path and file type */
START_TEST(test_lookup_table)
{
    const struct lookup_case *c = &lookup_cases[_i];
    char *ctx = NULL;
    int ret;

    init_labels();
    ret = label_lookup(c->path, c->mode, &ctx);
    ck_assert_msg(ret == 0, "%s (%o): got %d, want 0", c->path, c->mode,
		  ret);
    if (c->want == NULL)
	ck_assert_msg(ctx == NULL, "%s (%o): got \"%s\", want none", c->path,
		      c->mode, ctx);
    else
	ck_assert_msg(ctx != NULL && strcmp(ctx, c->want) == 0,
		      "%s (%o): got \"%s\", want \"%s\"", c->path, c->mode,
		      ctx ? ctx : "(none)", c->want);
    label_free_ctx(ctx);
    label_fini();
    ck_assert_msg(!label_active(), "after label_fini: got active");
}
END_TEST

/* xattrs_work - can DIR's file system hold security.selinux here? */
static void
xattrs_work(const char *dir)
{
    static const char v[] = CTX("probe_t");
    char path[PATH_MAX];
    int ok;

    tu_pathf(path, sizeof(path), "%s/probe", dir);
    tu_write_str(path, "probe\n");
    ok = setxattr(path, "security.selinux", v, sizeof(v), 0) == 0;
    ck_assert_msg(ok, "security.selinux on %s: got %s, want a file system "
		  "that holds it (ext4 or tmpfs, as root)", dir,
		  strerror(errno));
    unlink(path);
}

/* test_round_trip - set by descriptor and by name, read back */
START_TEST(test_round_trip)
{
    char dir[PATH_MAX], path[PATH_MAX], *ctx = NULL;
    int dfd, fd, ret;

    tu_need_root();
    tu_newdir(dir, sizeof(dir), "xattr");
    xattrs_work(dir);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(dfd, 0);
    tu_pathf(path, sizeof(path), "%s/file", dir);
    tu_write_str(path, "x\n");
    tu_pathf(path, sizeof(path), "%s/link", dir);
    ck_assert_int_eq(symlink("file", path), 0);

    /* No label yet: NULL, not an error. */
    ret = label_get_at(dfd, "file", &ctx);
    ck_assert_msg(ret == 0 && ctx == NULL, "unlabelled: got %d \"%s\", want "
		  "0 and none", ret, ctx ? ctx : "");

    fd = openat(dfd, "file", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ret = label_set_fd(fd, CTX("etc_t"));
    ck_assert_msg(ret == 0, "label_set_fd: got %d, want 0", ret);
    close(fd);
    ret = label_get_at(dfd, "file", &ctx);
    ck_assert_msg(ret == 0 && ctx && strcmp(ctx, CTX("etc_t")) == 0,
		  "file: got %d \"%s\", want etc_t", ret, ctx ? ctx : "");
    label_free_ctx(ctx);

    /* By name: the link itself, not the file it points to. */
    ret = label_set_at(dfd, "link", CTX("lib_t"));
    ck_assert_msg(ret == 0, "label_set_at: got %d, want 0", ret);
    ret = label_get_at(dfd, "link", &ctx);
    ck_assert_msg(ret == 0 && ctx && strcmp(ctx, CTX("lib_t")) == 0,
		  "link: got %d \"%s\", want lib_t", ret, ctx ? ctx : "");
    label_free_ctx(ctx);
    ret = label_get_at(dfd, "file", &ctx);
    ck_assert_msg(ret == 0 && ctx && strcmp(ctx, CTX("etc_t")) == 0,
		  "file after labelling the link: got \"%s\", want etc_t",
		  ctx ? ctx : "");
    label_free_ctx(ctx);

    /* A missing name is an error. */
    ret = label_get_at(dfd, "absent", &ctx);
    ck_assert_msg(ret == -ENOENT && ctx == NULL,
		  "missing: got %d, want -ENOENT", ret);
    ret = label_set_at(dfd, "absent", CTX("etc_t"));
    ck_assert_msg(ret == -ENOENT, "set on missing: got %d, want -ENOENT",
		  ret);
    close(dfd);
}
END_TEST

struct jail_label_case {
    const char *rel;
    int is_link;
    const char *want;	/* NULL: no label */
};

static const struct jail_label_case jail_label_cases[] = {
    {"etc", 0, CTX("etc_t")},
    {"etc/hosts", 0, CTX("etc_t")},
    {"etc/localtime", 0, CTX("locale_t")},
    {"etc/nolabel", 0, NULL},
    {"usr", 0, CTX("usr_t")},
    {"usr/lib64", 0, CTX("lib_t")},
    {"usr/lib64/libnss_sss.so.2", 0, CTX("lib_t")},
    {"usr/lib64/ld-linux-x86-64.so.2", 0, CTX("ld_so_t")},
    {"lib64", 1, CTX("lib_t")},
    {"linkonly", 1, CTX("link_t")},
};

/*
 * test_jail_labels - files, directories and links the jail makes carry
 * the context of their final path as the policy sees it (label path
 * /jail), set before they take their name.
 */
START_TEST(test_jail_labels)
{
    char top[PATH_MAX], jail[PATH_MAX], *ctx = NULL;
    struct jail j;
    size_t i;
    int ret;

    tu_need_root();
    tu_newdir(top, sizeof(top), "jail");
    xattrs_work(top);
    tu_pathf(jail, sizeof(jail), "%s/jail", top);
    tu_mkdir(jail, 0755);
    init_labels();
    ret = jail_open(&j, jail, "/jail");
    ck_assert_msg(ret == 0, "jail_open: got %d", ret);
    for (i = 0; i < sizeof(jail_label_cases) / sizeof(jail_label_cases[0]);
	 i++) {
	const struct jail_label_case *c = &jail_label_cases[i];

	if (strcmp(c->rel, "etc") == 0 || strcmp(c->rel, "usr") == 0
	    || strcmp(c->rel, "usr/lib64") == 0)
	    continue;
	if (c->is_link)
	    ret = jail_write_link(&j, c->rel, "usr/lib64");
	else
	    ret = jail_write_file(&j, c->rel, -1, "x\n", 2, 0644, NULL);
	ck_assert_msg(ret == 0, "write %s: got %d, want 0", c->rel, ret);
    }
    for (i = 0; i < sizeof(jail_label_cases) / sizeof(jail_label_cases[0]);
	 i++) {
	const struct jail_label_case *c = &jail_label_cases[i];

	ret = jail_get_label(&j, c->rel, &ctx);
	ck_assert_msg(ret == 0, "label of %s: got %d, want 0", c->rel, ret);
	if (c->want == NULL)
	    ck_assert_msg(ctx == NULL, "label of %s: got \"%s\", want none",
			  c->rel, ctx);
	else
	    ck_assert_msg(ctx != NULL && strcmp(ctx, c->want) == 0,
			  "label of %s: got \"%s\", want \"%s\"", c->rel,
			  ctx ? ctx : "(none)", c->want);
	label_free_ctx(ctx);
	ctx = NULL;
    }
    jail_close(&j);
    label_fini();
}
END_TEST

/* setup - unchecked fixture: the TCase's temporary directory */
static void
setup(void)
{
    tu_top_setup_named("check_label");
}

/* teardown - close the labelling backend, remove the directory */
static void
teardown(void)
{
    label_fini();
    tu_top_teardown();
}

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
label_suite(void)
{
    Suite *s = suite_create("label");
    TCase *tc = tcase_create("lookup");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_inactive);
    tcase_add_test(tc, test_init_missing);
    tcase_add_test(tc, test_init_no_selinuxfs);
    tcase_add_loop_test(tc, test_lookup_table, 0, NCASES(lookup_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("xattr");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_jail_labels);
    suite_add_tcase(s, tc);
    return (s);
}
