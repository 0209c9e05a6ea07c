/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_libpath - tests of the loader's search path below a root
 * SUMMARY
 *	libpath_init() on fake roots of the multiarch, lib64 and lib
 *	layouts, ld.so.conf with includes, globs and comments, and the
 *	search order of libpath_find().
 * DESCRIPTION
 *	libpath_init() reads libc.so.6 as an ELF file and libpath_find()
 *	passes over objects of another class or machine, so the fake roots
 *	hold copies of a real shared object, compiled once per TCase with cc
 *	from a one-line source; its class and machine are read from its
 *	header and must come back from libpath_init().  Copies with another
 *	machine number and text files stand for objects the loader skips.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 * BUGS
 *	Needs cc in PATH and fails, rather than passes, without it.
 *	Objects of another class are not tested: the machine is changed in
 *	a copy of the compiled object instead, since a multilib compiler
 *	cannot be assumed.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpath.h"
#include "testutil.h"

#define TRIPLET "x86_64-linux-gnu"

/* The shared object compiled by the fixture, and its ELF identity. */
static char elf_so[PATH_MAX];
static int elf_class;
static unsigned elf_machine;

/* setup - unchecked fixture: the TCase's directory and a real .so */
static void
setup(void)
{
    char src[PATH_MAX], hdr[20];
    const char *argv[] = {
	"cc", "-shared", "-fPIC", "-nostdlib", "-Wl,-soname,libc.so.6", "-o",
	elf_so, src, NULL,
    };
    int fd;

    tu_top_setup_named("check_libpath");
    elf_so[0] = 0;
    if (tu_top[0] == 0)
	return;
    if (strlen(tu_top) + 16 > sizeof(src))
	return;
    memcpy(src, tu_top, strlen(tu_top) + 1);
    strcat(src, "/stub.c");
    memcpy(elf_so, tu_top, strlen(tu_top) + 1);
    strcat(elf_so, "/libc.so.6");
    if ((fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
	return;
    if (write(fd, "int pfc_stub(void) { return 0; }\n", 33) != 33) {
	close(fd);
	return;
    }
    close(fd);
    if (tu_run(argv) != 0 || (fd = open(elf_so, O_RDONLY)) < 0) {
	elf_so[0] = 0;
	return;
    }
    if (read(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr)) {
	elf_class = hdr[4];
	elf_machine = (unsigned char)hdr[18]
	    | ((unsigned)(unsigned char)hdr[19] << 8);
    }
    close(fd);
}

/* at - ROOT/REL */
static char *
at(const char *root, const char *rel, char *buf, size_t len)
{
    return (tu_pathf(buf, len, "%s/%s", root, rel));
}

/* mkdirs - every directory of REL below ROOT */
static void
mkdirs(const char *root, const char *rel)
{
    char path[PATH_MAX], *p;

    at(root, rel, path, sizeof(path));
    for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
	*p = 0;
	(void)mkdir(path, 0755);
	*p = '/';
    }
    (void)mkdir(path, 0755);
}

/* put - a text file ROOT/REL (directories made as needed) */
static void
put(const char *root, const char *rel, const char *text)
{
    char path[PATH_MAX], *dir = strdup(rel), *slash;

    ck_assert_ptr_nonnull(dir);
    if ((slash = strrchr(dir, '/')) != NULL) {
	*slash = 0;
	mkdirs(root, dir);
    }
    free(dir);
    tu_write_str(at(root, rel, path, sizeof(path)), text);
}

/* put_elf - the compiled shared object at ROOT/REL */
static void
put_elf(const char *root, const char *rel)
{
    char path[PATH_MAX], *buf;
    size_t len;

    ck_assert_msg(elf_so[0] != 0, "cc -shared: got no object, want one "
		  "(these tests need cc)");
    buf = tu_read(elf_so, &len);
    ck_assert_ptr_nonnull(buf);
    put(root, rel, "");
    tu_write(at(root, rel, path, sizeof(path)), buf, len);
    free(buf);
}

/* put_elf_machine - the compiled object at ROOT/REL, its e_machine
 * changed to MACHINE: an object the loader would pass over */
static void
put_elf_machine(const char *root, const char *rel, unsigned machine)
{
    char path[PATH_MAX];
    unsigned char m[2] = {machine & 0xff, machine >> 8};
    int fd;

    put_elf(root, rel);
    fd = open(at(root, rel, path, sizeof(path)), O_WRONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, m, 2, 18), 2);
    close(fd);
}

/* ln - symlink ROOT/REL -> TARGET */
static void
ln(const char *root, const char *rel, const char *target)
{
    char path[PATH_MAX];

    ck_assert_msg(symlink(target, at(root, rel, path, sizeof(path))) == 0,
		  "symlink %s: got %s", path, strerror(errno));
}

/* Layouts of the fake roots. */
enum layout {
    L_DEBIAN,		/* multiarch, /lib -> usr/lib */
    L_REDHAT,		/* /lib64 -> usr/lib64, /lib -> usr/lib */
    L_LIB64_REAL,	/* a real /lib64 holding libc, no /usr/lib64 */
    L_LIB,		/* plain /usr/lib, /lib -> usr/lib */
    L_VERSIONED,	/* Red Hat 7: libc.so.6 -> libc-2.17.so */
    L_BOTH,		/* multiarch and /usr/lib64 both hold libc */
    L_EMPTY_TRIPLET,	/* a triplet directory without libc, libc in lib64 */
    L_NONE,		/* no libc */
    L_NOT_ELF,		/* libc.so.6 is a text file */
};

/* make_root - a fake root of LAYOUT; its descriptor, path in ROOT */
static int
make_root(enum layout layout, char *root, size_t len)
{
    int fd;

    tu_newdir(root, len, "root");
    mkdirs(root, "etc");
    switch (layout) {
    case L_DEBIAN:
	put_elf(root, "usr/lib/" TRIPLET "/libc.so.6");
	ln(root, "lib", "usr/lib");
	mkdirs(root, "usr/lib64");
	ln(root, "lib64", "usr/lib64");
	break;
    case L_REDHAT:
	put_elf(root, "usr/lib64/libc.so.6");
	mkdirs(root, "usr/lib");
	ln(root, "lib64", "usr/lib64");
	ln(root, "lib", "usr/lib");
	break;
    case L_LIB64_REAL:
	put_elf(root, "lib64/libc.so.6");
	break;
    case L_LIB:
	put_elf(root, "usr/lib/libc.so.6");
	ln(root, "lib", "usr/lib");
	break;
    case L_VERSIONED:
	put_elf(root, "usr/lib64/libc-2.17.so");
	ln(root, "usr/lib64/libc.so.6", "libc-2.17.so");
	ln(root, "lib64", "usr/lib64");
	break;
    case L_BOTH:
	put_elf(root, "usr/lib/" TRIPLET "/libc.so.6");
	put_elf(root, "usr/lib64/libc.so.6");
	break;
    case L_EMPTY_TRIPLET:
	mkdirs(root, "usr/lib/i386-linux-gnu");
	put(root, "usr/lib/i386-linux-gnu/libfoo.so.1", "x\n");
	put_elf(root, "usr/lib64/libc.so.6");
	break;
    case L_NONE:
	mkdirs(root, "usr/lib64");
	break;
    case L_NOT_ELF:
	put(root, "usr/lib64/libc.so.6", "GROUP ( /lib64/libc.so.6 )\n");
	break;
    }
    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    return (fd);
}

/* join - the strings of L joined by spaces; caller frees */
static char *
join(const struct strlist *l)
{
    size_t i, len = 1;
    char *out, *p;

    for (i = 0; i < l->n; i++)
	len += strlen(l->v[i]) + 1;
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    *p = 0;
    for (i = 0; i < l->n; i++)
	p += sprintf(p, "%s%s", i ? " " : "", l->v[i]);
    return (out);
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

/* expect_str - compare a malloc()ed GOT with WANT, then free it */
static void
expect_str(const char *what, char *got, const char *want)
{
    ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"",
		  what, got, want);
    free(got);
}

struct layout_case {
    const char *name;
    enum layout layout;
    int ret;
    const char *kind;		/* lp.layout, or a part of ERR */
    const char *sysdirs;
    const char *canon;
    const char *libc;
    const char *links;
};

static const struct layout_case layout_cases[] = {
    {"Debian multiarch", L_DEBIAN, 0, "multiarch",
     "/lib/" TRIPLET " /usr/lib/" TRIPLET " /lib /usr/lib",
     "/usr/lib/" TRIPLET " /usr/lib/" TRIPLET " /usr/lib /usr/lib",
     "/usr/lib/" TRIPLET "/libc.so.6", "/lib>usr/lib"},
    {"Red Hat lib64", L_REDHAT, 0, "lib64", "/lib64 /usr/lib64",
     "/usr/lib64 /usr/lib64", "/usr/lib64/libc.so.6", "/lib64>usr/lib64"},
    {"real /lib64 only", L_LIB64_REAL, 0, "lib64", "/lib64", "/lib64",
     "/lib64/libc.so.6", ""},
    {"plain lib", L_LIB, 0, "lib", "/lib /usr/lib", "/usr/lib /usr/lib",
     "/usr/lib/libc.so.6", "/lib>usr/lib"},
    {"versioned libc", L_VERSIONED, 0, "lib64", "/lib64 /usr/lib64",
     "/usr/lib64 /usr/lib64", "/usr/lib64/libc-2.17.so",
     "/lib64>usr/lib64"},
    {"multiarch wins over lib64", L_BOTH, 0, "multiarch",
     "/usr/lib/" TRIPLET " /usr/lib", "/usr/lib/" TRIPLET " /usr/lib",
     "/usr/lib/" TRIPLET "/libc.so.6", ""},
    {"triplet directory without libc", L_EMPTY_TRIPLET, 0, "lib64",
     "/usr/lib64", "/usr/lib64", "/usr/lib64/libc.so.6", ""},
    {"no libc", L_NONE, -ENOENT, "no libc.so.6", "", "", NULL, ""},
    {"libc is no ELF file", L_NOT_ELF, -ENOEXEC, "not a usable ELF object",
     "", "", NULL, ""},
};

/* test_layout_table - libpath_init() learns each layout */
START_TEST(test_layout_table)
{
    const struct layout_case *c = &layout_cases[_i];
    char root[PATH_MAX], err[512] = "";
    struct libpath lp;
    int fd = make_root(c->layout, root, sizeof(root)), ret;

    ret = libpath_init(&lp, fd, err, sizeof(err));
    ck_assert_msg(ret == c->ret, "%s: got %d (%s), want %d", c->name, ret,
		  err, c->ret);
    if (ret < 0) {
	ck_assert_msg(strstr(err, c->kind) != NULL,
		      "%s: message: got \"%s\", want \"%s\"", c->name, err,
		      c->kind);
	close(fd);
	return;
    }
    ck_assert_msg(strcmp(lp.layout, c->kind) == 0,
		  "%s: layout: got %s, want %s", c->name, lp.layout, c->kind);
    expect_str("sysdirs", join(&lp.sysdirs), c->sysdirs);
    expect_str("canonical sysdirs", join(&lp.sysdirs_canon), c->canon);
    expect_str("libc", strdup(lp.libc), c->libc);
    expect_str("links", links_str(&lp.links), c->links);
    ck_assert_msg(lp.elf_class == elf_class && lp.machine == elf_machine,
		  "%s: ELF identity: got class %d machine %u, want %d %u",
		  c->name, lp.elf_class, lp.machine, elf_class, elf_machine);
    ck_assert_msg(lp.confdirs.n == 0, "%s: confdirs without ld.so.conf: "
		  "got %zu, want 0", c->name, lp.confdirs.n);
    libpath_free(&lp);
    close(fd);
}
END_TEST

/* make_ldconf - ld.so.conf with includes, globs, comments and junk */
static void
make_ldconf(const char *root)
{
    static const char *const dirs[] = {
	"opt/a", "opt/b", "opt/nested", "opt/one", "opt/two", "opt/tab",
	"opt/hidden", "opt/c", "opt/real", NULL,
    };
    int i;

    for (i = 0; dirs[i]; i++)
	mkdirs(root, dirs[i]);
    ln(root, "opt/link", "real");
    put(root, "etc/ld.so.conf",
	"include ld.so.conf.d/*.conf\n"
	"/opt/one # a comment after a directory\n"
	"   /opt/two\t \n"
	"# /opt/commented\n"
	"\n"
	"relative/dir\n"
	"/missing/dir\n"
	"/opt/real\n"
	"/opt/link\n"
	"/opt/one\n"
	"include\t/etc/more/*.conf\n");
    put(root, "etc/ld.so.conf.d/a.conf",
	"/opt/a\ninclude /etc/nested/*.conf\n");
    put(root, "etc/ld.so.conf.d/c.txt", "/opt/c\n");
    put(root, "etc/ld.so.conf.d/.hidden.conf", "/opt/hidden\n");
    put(root, "etc/nested/x.conf", "/opt/nested\n");
    put(root, "etc/more/t.conf",
	"\t/opt/tab\t# tab-indented\ninclude /etc/ld.so.conf\n");
}

/* test_ldconf - directories of ld.so.conf in the loader's order, once */
START_TEST(test_ldconf)
{
    char root[PATH_MAX], err[512];
    struct libpath lp;
    int fd = make_root(L_REDHAT, root, sizeof(root)), ret;

    make_ldconf(root);
    ret = libpath_init(&lp, fd, err, sizeof(err));
    ck_assert_msg(ret == 0, "init: got %d (%s), want 0", ret, err);
    expect_str("confdirs", join(&lp.confdirs),
	       "/opt/a /opt/nested /opt/one /opt/two /opt/real /opt/tab");
    libpath_free(&lp);
    close(fd);
}
END_TEST

/* test_ldconf_limits - 1000 directories and a deep include chain end */
START_TEST(test_ldconf_limits)
{
    char root[PATH_MAX], err[512], name[64], text[64], *big, *p;
    struct libpath lp;
    int fd = make_root(L_REDHAT, root, sizeof(root)), ret, i;

    big = malloc(1000 * 32);
    ck_assert_ptr_nonnull(big);
    p = big;
    for (i = 0; i < 1000; i++) {
	snprintf(name, sizeof(name), "d/%d", i);
	mkdirs(root, name);
	p += sprintf(p, "/d/%d\n", i);
    }
    p += sprintf(p, "include /etc/chain/0.conf\n");
    put(root, "etc/ld.so.conf", big);
    free(big);
    for (i = 0; i < 50; i++) {
	snprintf(name, sizeof(name), "etc/chain/%d.conf", i);
	snprintf(text, sizeof(text), "include /etc/chain/%d.conf\n", i + 1);
	put(root, name, text);
    }
    ret = libpath_init(&lp, fd, err, sizeof(err));
    ck_assert_msg(ret == 0, "init: got %d (%s), want 0", ret, err);
    ck_assert_msg(lp.confdirs.n == 256, "confdirs: got %zu, want the limit "
		  "256", lp.confdirs.n);
    ck_assert_msg(strcmp(lp.confdirs.v[0], "/d/0") == 0
		  && strcmp(lp.confdirs.v[255], "/d/255") == 0,
		  "confdirs: got %s .. %s, want /d/0 .. /d/255",
		  lp.confdirs.v[0], lp.confdirs.v[255]);
    libpath_free(&lp);
    close(fd);
}
END_TEST

/* make_search_root - a Debian root with objects in several places */
static int
make_search_root(char *root, size_t len)
{
    int fd = make_root(L_DEBIAN, root, len);

    mkdirs(root, "opt/one");
    put(root, "etc/ld.so.conf", "/opt/one\n");
    put_elf(root, "usr/lib/app/priv/libboth.so.1");
    mkdirs(root, "usr/lib/app/bin");
    put_elf(root, "opt/one/libboth.so.1");
    put_elf(root, "usr/lib/" TRIPLET "/libboth.so.1");
    put_elf(root, "opt/one/libconf.so.1");
    put_elf(root, "usr/lib/" TRIPLET "/libconf.so.1");
    put_elf(root, "usr/lib/" TRIPLET "/libnss_x.so.2");
    put_elf(root, "usr/lib/libplain.so.1");
    mkdirs(root, "usr/lib/" TRIPLET "/libdir.so.1");
    put_elf(root, "usr/lib/libdir.so.1");
    put_elf(root, "usr/lib/libreal.so.1");
    ln(root, "usr/lib/" TRIPLET "/liblinked.so.1", "../libreal.so.1");
    ln(root, "usr/lib/" TRIPLET "/libdangling.so.1", "libnothing.so.1");

    /* Objects the loader passes over: not ELF, another machine. */
    put(root, "opt/one/libtext.so.1", "GROUP ( libtext.so.1 )\n");
    put_elf(root, "usr/lib/libtext.so.1");
    put_elf_machine(root, "usr/lib/app/priv/libforeign.so.1",
		    elf_machine + 1);
    put_elf_machine(root, "opt/one/libforeign.so.1", elf_machine + 1);
    put_elf(root, "usr/lib/" TRIPLET "/libforeign.so.1");
    put_elf_machine(root, "usr/lib/libonlyforeign.so.1", elf_machine + 1);
    return (fd);
}

struct find_case {
    const char *name;
    const char *runpath;
    const char *origin;
    int ret;
    const char *found;
};

static const struct find_case find_cases[] = {
    {"libboth.so.1", "$ORIGIN/../priv", "/usr/lib/app/bin", 0,
     "/usr/lib/app/bin/../priv/libboth.so.1"},
    {"libboth.so.1", "${ORIGIN}/../priv", "/usr/lib/app/bin", 0,
     "/usr/lib/app/bin/../priv/libboth.so.1"},
    {"libboth.so.1", "/nowhere:/usr/lib/app/priv", NULL, 0,
     "/usr/lib/app/priv/libboth.so.1"},
    {"libboth.so.1", "priv:$ORIGIN/x", NULL, 0, "/opt/one/libboth.so.1"},
    {"libboth.so.1", "", NULL, 0, "/opt/one/libboth.so.1"},
    {"libboth.so.1", NULL, NULL, 0, "/opt/one/libboth.so.1"},
    {"libconf.so.1", NULL, NULL, 0, "/opt/one/libconf.so.1"},
    {"libnss_x.so.2", NULL, NULL, 0, "/lib/" TRIPLET "/libnss_x.so.2"},
    {"libnss_x.so.2", "/nowhere", NULL, 0, "/lib/" TRIPLET "/libnss_x.so.2"},
    {"libplain.so.1", NULL, NULL, 0, "/lib/libplain.so.1"},
    {"libdir.so.1", NULL, NULL, 0, "/lib/libdir.so.1"},
    {"liblinked.so.1", NULL, NULL, 0, "/lib/" TRIPLET "/liblinked.so.1"},
    {"libtext.so.1", NULL, NULL, 0, "/lib/libtext.so.1"},
    {"libforeign.so.1", "/usr/lib/app/priv", NULL, 0,
     "/lib/" TRIPLET "/libforeign.so.1"},
    {"libonlyforeign.so.1", NULL, NULL, -ENOENT, NULL},
    {"libdangling.so.1", NULL, NULL, -ENOENT, NULL},
    {"libabsent.so.1", "$ORIGIN", "/usr/lib/app/bin", -ENOENT, NULL},
    {"../libc.so.6", NULL, NULL, -EINVAL, NULL},
    {"x/libc.so.6", NULL, NULL, -EINVAL, NULL},
    {".hidden.so", NULL, NULL, -EINVAL, NULL},
    {"..", NULL, NULL, -EINVAL, NULL},
    {"", NULL, NULL, -EINVAL, NULL},
};

/* test_find_table - RUNPATH, then ld.so.conf, then built-in dirs */
START_TEST(test_find_table)
{
    const struct find_case *c = &find_cases[_i];
    char root[PATH_MAX], err[512], *found = NULL;
    struct libpath lp;
    int fd = make_search_root(root, sizeof(root)), ret;

    ck_assert_int_eq(libpath_init(&lp, fd, err, sizeof(err)), 0);
    ret = libpath_find(&lp, c->name, c->runpath, c->origin, &found);
    ck_assert_msg(ret == c->ret, "find %s (runpath %s): got %d, want %d",
		  c->name, c->runpath ? c->runpath : "none", ret, c->ret);
    if (ret == 0)
	expect_str(c->name, found, c->found);
    libpath_free(&lp);
    close(fd);
}
END_TEST

struct sysdir_case {
    const char *dir;
    int want;
};

static const struct sysdir_case sysdir_cases[] = {
    {"/usr/lib/" TRIPLET, 1}, {"/usr/lib", 1}, {"/lib/" TRIPLET, 0},
    {"/lib", 0}, {"/usr/lib64", 0}, {"/opt/one", 0}, {"/usr/lib/", 0},
    {"/", 0}, {"", 0},
};

/* test_sysdir_table - libpath_is_sysdir() takes canonical directories */
START_TEST(test_sysdir_table)
{
    const struct sysdir_case *c = &sysdir_cases[_i];
    char root[PATH_MAX], err[512];
    struct libpath lp;
    int fd = make_search_root(root, sizeof(root)), got;

    ck_assert_int_eq(libpath_init(&lp, fd, err, sizeof(err)), 0);
    got = libpath_is_sysdir(&lp, c->dir);
    ck_assert_msg(got == c->want, "is_sysdir(\"%s\"): got %d, want %d",
		  c->dir, got, c->want);
    libpath_free(&lp);
    close(fd);
}
END_TEST

struct runpath_case {
    const char *dir;
    const char *runpath;
    const char *origin;
    int want;
};

static const struct runpath_case runpath_cases[] = {
    {"/usr/lib/app/priv", "$ORIGIN/../priv", "/usr/lib/app/bin", 1},
    {"/usr/lib/app/priv", "/x:${ORIGIN}/../priv", "/usr/lib/app/bin", 1},
    {"/usr/lib/app/priv", "/lib/../usr/lib/app/priv", NULL, 0},
    {"/usr/lib/" TRIPLET, "/lib/" TRIPLET, NULL, 1},
    {"/usr/lib/app/priv", "$ORIGIN/../priv", NULL, 0},
    {"/usr/lib/app/priv", "priv", NULL, 0},
    {"/usr/lib/app/priv", "", NULL, 0},
    {"/usr/lib/app/priv", NULL, NULL, 0},
    {"/opt/one", "/opt/one/", NULL, 1},
};

/* test_runpath_table - libpath_in_runpath() compares canonical forms */
START_TEST(test_runpath_table)
{
    const struct runpath_case *c = &runpath_cases[_i];
    char root[PATH_MAX], err[512];
    struct libpath lp;
    int fd = make_search_root(root, sizeof(root)), got;

    ck_assert_int_eq(libpath_init(&lp, fd, err, sizeof(err)), 0);
    got = libpath_in_runpath(&lp, c->dir, c->runpath, c->origin);
    ck_assert_msg(got == c->want, "in_runpath(%s, \"%s\", %s): got %d, want "
		  "%d", c->dir, c->runpath ? c->runpath : "(null)",
		  c->origin ? c->origin : "(null)", got, c->want);
    libpath_free(&lp);
    close(fd);
}
END_TEST

/*
 * test_ldconf_order - the files an include names are read in the order of
 * their names, as glob() gives them to ldconfig.  (lp_include() once
 * sorted with strcmp() itself as the qsort() comparator, which compared
 * the bytes of the pointers, so the order followed the heap.)
 */
START_TEST(test_ldconf_order)
{
    char root[PATH_MAX], err[512], name[64], dir[64], want[1024], *p;
    struct libpath lp;
    int fd = make_root(L_REDHAT, root, sizeof(root)), ret, i;

    put(root, "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
    p = want;
    for (i = 19; i >= 0; i--) {
	snprintf(dir, sizeof(dir), "/opt/d%02d\n", i);
	snprintf(name, sizeof(name), "etc/ld.so.conf.d/%02d.conf", i);
	put(root, name, dir);
	snprintf(name, sizeof(name), "opt/d%02d", i);
	mkdirs(root, name);
    }
    for (i = 0; i < 20; i++)
	p += sprintf(p, "%s/opt/d%02d", i ? " " : "", i);
    ret = libpath_init(&lp, fd, err, sizeof(err));
    ck_assert_msg(ret == 0, "init: got %d (%s), want 0", ret, err);
    expect_str("confdirs of 20 include files", join(&lp.confdirs), want);
    libpath_free(&lp);
    close(fd);
}
END_TEST

/*
 * test_find_stays_in_root - what libpath_find() finds depends on the root
 * only, never on the machine running the tool: a link in the root to
 * /usr/lib/TRIPLET/X is judged by the root's X, not the machine's, and a
 * RUNPATH with more ".." than it has directories stays in the root.
 */
START_TEST(test_find_stays_in_root)
{
    static const struct find_case cases[] = {
	/* Inside the root: libabs-1.0.so exists, not on the machine. */
	{"libabs.so.1", NULL, NULL, 0, "/lib/" TRIPLET "/libabs.so.1"},
	/* Only on the machine: the root has no libselinux. */
	{"libhost.so.1", NULL, NULL, -ENOENT, NULL},
	{"libselinux.so.1", "/../../../../../../../../../../usr/lib/" TRIPLET,
	 NULL, -ENOENT, NULL},
	{"libselinux.so.1", "$ORIGIN/../../../../../../../../../../usr/lib/"
	 TRIPLET, "/usr/lib/app/bin", -ENOENT, NULL},
    };
    char root[PATH_MAX], err[512], *found = NULL;
    struct libpath lp;
    int fd = make_search_root(root, sizeof(root)), ret;
    size_t i;

    put_elf(root, "usr/lib/" TRIPLET "/libabs-1.0.so");
    ln(root, "usr/lib/" TRIPLET "/libabs.so.1",
       "/usr/lib/" TRIPLET "/libabs-1.0.so");
    ln(root, "usr/lib/" TRIPLET "/libhost.so.1",
       "/usr/lib/" TRIPLET "/libselinux.so.1");
    ck_assert_int_eq(libpath_init(&lp, fd, err, sizeof(err)), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	const struct find_case *c = &cases[i];

	found = NULL;
	ret = libpath_find(&lp, c->name, c->runpath, c->origin, &found);
	ck_assert_msg(ret == c->ret, "find %s (runpath %s): got %d (%s), "
		      "want %d", c->name, c->runpath ? c->runpath : "none",
		      ret, found ? found : "", c->ret);
	free(found);
    }
    libpath_free(&lp);
    close(fd);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
libpath_suite(void)
{
    Suite *s = suite_create("libpath");
    TCase *tc = tcase_create("init");

    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_layout_table, 0, NCASES(layout_cases));
    tcase_add_test(tc, test_ldconf);
    tcase_add_test(tc, test_ldconf_limits);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("find");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_loop_test(tc, test_find_table, 0, NCASES(find_cases));
    tcase_add_loop_test(tc, test_sysdir_table, 0, NCASES(sysdir_cases));
    tcase_add_loop_test(tc, test_runpath_table, 0, NCASES(runpath_cases));
    tcase_add_test(tc, test_ldconf_order);
    tcase_add_test(tc, test_find_stays_in_root);
    suite_add_tcase(s, tc);
    return (s);
}
