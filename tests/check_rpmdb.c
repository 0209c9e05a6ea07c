/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_rpmdb - tests of the rpm database plugin and its loader
 * SUMMARY
 *	Builds real packages with rpmbuild, installs them with rpm --root
 *	into throwaway roots and asks rpmdb_owner() and rpmdb_version()
 *	about them.
 * DESCRIPTION
 *	A fixture run once per test process writes two spec files into a
 *	private topdir and builds them: testpkg (Epoch 0) ships
 *	/usr/lib64/libnss_test.so.2, a symbolic link to it, and the files the
 *	tests modify; testepoch (Epoch 3) ships one library, a %ghost and a
 *	%dir.  Each test that needs a database makes its own root below the
 *	fixture's directory and installs both packages there with rpm --root
 *	and --define '_dbpath /var/lib/rpm', so the machine's own rpm
 *	database is never read or written.  Children run with a fixed PATH
 *	and a private HOME, so no user rpm configuration leaks in.
 *
 *	The plugin comes from PFC_PLUGIN (set by make unit), else from
 *	build/rpmdb.so below the current directory.  Under valgrind, pass
 *	--suppressions=tests/rpmdb/valgrind.supp: test_corrupt_db makes
 *	librpm leak its sqlite handle.
 * DIAGNOSTICS
 *	The tests need rpm, rpmbuild and cc.  When one is missing, or a
 *	build fails, every test that needs the packages fails with the
 *	command's output; none of them is skipped.
 * SECURITY
 *	Attack tests: a symlink, a FIFO and a modified file planted over an
 *	owned library; directory links pointing at absolute paths and
 *	climbing above the root; a plugin writable by others, one not owned
 *	by root, and one with a foreign interface version.
 * BUGS
 *	The temporary trees are removed only when the whole test case ends.
 */

#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "rpmdb.h"

#define LIB "/usr/lib64/libnss_test.so.2"
#define NEVRA_TEST "testpkg-1.2.3-4.noarch"
#define NEVRA_EPOCH "testepoch-3:0.9-1.noarch"

static char fx_dir[PATH_MAX];    /* everything the tests create */
static char fx_err[4096];        /* why the fixture failed, "" if it did not */
static char fx_plugin[PATH_MAX]; /* the plugin under test */
static int fx_rpm_at_start;      /* librpm was mapped before any test */
static int fx_roots;             /* roots made so far */

static const char testpkg_spec[] =
    "Name: testpkg\n"
    "Epoch: 0\n"
    "Version: 1.2.3\n"
    "Release: 4\n"
    "Summary: postfix-chroot test package\n"
    "License: GPL-2.0-or-later\n"
    "BuildArch: noarch\n"
    "%description\n"
    "Files for the rpmdb plugin tests.\n"
    "%install\n"
    "d=%{buildroot}/usr/lib64\n"
    "mkdir -p $d\n"
    "for f in test same size link fifo; do\n"
    "    printf 'library %s of testpkg\\n' $f > $d/libnss_$f.so.2\n"
    "done\n"
    "ln -s libnss_test.so.2 $d/libnss_test.so\n"
    "%files\n"
    "/usr/lib64/libnss_*.so.2\n"
    "/usr/lib64/libnss_test.so\n";

static const char testepoch_spec[] =
    "Name: testepoch\n"
    "Epoch: 3\n"
    "Version: 0.9\n"
    "Release: 1\n"
    "Summary: postfix-chroot test package with an epoch\n"
    "License: GPL-2.0-or-later\n"
    "BuildArch: noarch\n"
    "%description\n"
    "Files for the rpmdb plugin tests.\n"
    "%install\n"
    "mkdir -p %{buildroot}/usr/lib64/testdir\n"
    "printf 'epoch library\\n' > %{buildroot}/usr/lib64/libnss_epoch.so.2\n"
    "%files\n"
    "/usr/lib64/libnss_epoch.so.2\n"
    "%ghost /usr/lib64/libnss_ghost.so.2\n"
    "%dir /usr/lib64/testdir\n";

static void fx_fail(const char *, ...) __attribute__((format(printf, 1, 2)));
static void fmt(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void note_rpm_at_start(void) __attribute__((constructor));

/* fx_fail - remember the first reason the fixture failed */
static void
fx_fail(const char *format, ...)
{
    va_list ap;

    if (fx_err[0])
	return;
    va_start(ap, format);
    vsnprintf(fx_err, sizeof(fx_err), format, ap);
    va_end(ap);
}

/* fmt - snprintf into a buffer that must be large enough */
static void
fmt(char *buf, size_t len, const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vsnprintf(buf, len, format, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len) {
	fprintf(stderr, "check_rpmdb: path too long: %s\n", buf);
	abort();
    }
}

/* write_file - create PATH with TEXT, mode 0644 */
static int
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    if (fp == NULL)
	return (-1);
    fputs(text, fp);
    return (fclose(fp) == 0 ? 0 : -1);
}

/* read_tail - the last part of the file PATH, for failure messages */
static void
read_tail(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    long size;
    size_t got;

    buf[0] = 0;
    if (fp == NULL)
	return;
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    if (size > (long)len - 1)
	fseek(fp, size - (long)len + 1, SEEK_SET);
    else
	fseek(fp, 0, SEEK_SET);
    got = fread(buf, 1, len - 1, fp);
    buf[got] = 0;
    fclose(fp);
}

/*
 * run - run PROG with the NULL-terminated arguments that follow
 *
 * The child gets a clean environment and writes to the fixture's log.
 * Returns the exit status, 127 when the program could not be run.  On
 * failure, WHY gets the command and the end of its output.
 */
static int
run(char *why, size_t len, const char *prog, ...)
{
    char home[PATH_MAX + 8];
    char log[PATH_MAX + 8];
    char tail[1024];
    const char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
			  home, NULL};
    const char *argv[32];
    va_list ap;
    pid_t pid;
    int status;
    int fd;
    int n = 0;

    va_start(ap, prog);
    for (argv[n++] = prog; n < 31 && (argv[n] = va_arg(ap, char *)); n++)
	;
    argv[n] = NULL;
    va_end(ap);
    fmt(home, sizeof(home), "HOME=%s/home", fx_dir);
    fmt(log, sizeof(log), "%s/run.log", fx_dir);
    if ((pid = fork()) < 0) {
	snprintf(why, len, "fork: %s", strerror(errno));
	return (127);
    }
    if (pid == 0) {
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
	    _exit(126);
	execve(argv[0], (char *const *)argv, (char *const *)envp);
	dprintf(2, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
	status = 127 << 8;
    status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (status != 0) {
	read_tail(log, tail, sizeof(tail));
	snprintf(why, len, "%s exited with %d (%s%s): %s", argv[0], status,
		 status == 127 ? "not installed? " : "",
		 "rpm, rpmbuild and cc are required", tail);
    }
    return (status);
}

/* rpm_install - make ROOT hold a database at DBPATH with both packages */
static int
rpm_install(const char *root, const char *dbpath, char *why, size_t len)
{
    char define[PATH_MAX + 16];
    char pkg1[PATH_MAX];
    char pkg2[PATH_MAX];

    fmt(define, sizeof(define), "_dbpath %s", dbpath);
    fmt(pkg1, sizeof(pkg1), "%s/top/RPMS/noarch/%s.rpm", fx_dir, NEVRA_TEST);
    fmt(pkg2, sizeof(pkg2), "%s/top/RPMS/noarch/testepoch-0.9-1.noarch.rpm",
	fx_dir);
    if (run(why, len, "/usr/bin/rpm", "--root", root, "--define", define,
	    "--initdb", NULL) != 0)
	return (-1);
    if (run(why, len, "/usr/bin/rpm", "--root", root, "--define", define,
	    "--nodeps", "--noscripts", "-i", pkg1, pkg2, NULL) != 0)
	return (-1);
    return (0);
}

/* make_root - a new empty root below the fixture directory */
static void
make_root(char *root, size_t len)
{
    fmt(root, len, "%s/root%d.XXXXXX", fx_dir, ++fx_roots);
    ck_assert_msg(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
    ck_assert_int_eq(chmod(root, 0755), 0);
}

/* make_pkg_root - a new root with both packages installed */
static void
make_pkg_root(char *root, size_t len)
{
    char why[2048];

    ck_assert_msg(fx_err[0] == 0, "fixture: %s", fx_err);
    make_root(root, len);
    ck_assert_msg(rpm_install(root, "/var/lib/rpm", why, sizeof(why)) == 0,
		  "%s", why);
}

/* in_root - ROOT + PATH */
static const char *
in_root(const char *root, const char *path)
{
    static char buf[2][PATH_MAX];
    static int which;

    which = !which;
    fmt(buf[which], sizeof(buf[which]), "%s%s", root, path);
    return (buf[which]);
}

/* open_db - rpmdb_open() that must succeed, showing the reason if not */
static struct rpmdb *
open_db(const char *root)
{
    char cap[2048];
    struct rpmdb *db;

    diag_set_level(DIAG_VERBOSE);
    diag_set_capture(cap, sizeof(cap));
    db = rpmdb_open(root);
    diag_set_capture(NULL, 0);
    diag_set_level(DIAG_NORMAL);
    ck_assert_msg(db != NULL, "rpmdb_open(%s): got NULL (%s), want a handle",
		  root, cap);
    return (db);
}

/* open_fails - rpmdb_open() must fail and say WANT */
static void
open_fails(const char *root, const char *want)
{
    char cap[2048];
    struct rpmdb *db;

    diag_set_level(DIAG_VERBOSE);
    diag_set_capture(cap, sizeof(cap));
    db = rpmdb_open(root);
    diag_set_capture(NULL, 0);
    diag_set_level(DIAG_NORMAL);
    rpmdb_close(db);
    ck_assert_msg(db == NULL, "rpmdb_open(%s): got a handle, want NULL", root);
    ck_assert_msg(strstr(cap, want) != NULL, "message: got \"%s\", want \"%s\"",
		  cap, want);
    ck_assert_msg(strchr(cap, '\n') == strrchr(cap, '\n'),
		  "message: got \"%s\", want one line", cap);
}

/* expect_owner - rpmdb_owner() of PATH must give WANT_RC and WANT_NEVRA */
static void
expect_owner(struct rpmdb *db, const char *path, int want_rc,
	     const char *want_nevra)
{
    char nevra[256];
    int rc;

    memset(nevra, 'x', sizeof(nevra));
    rc = rpmdb_owner(db, path, nevra, sizeof(nevra));
    ck_assert_msg(rc == want_rc, "owner(%s): got %d, want %d", path, rc,
		  want_rc);
    if (want_nevra)
	ck_assert_msg(strcmp(nevra, want_nevra) == 0,
		      "owner(%s): got \"%s\", want \"%s\"", path, nevra,
		      want_nevra);
}

/* rpm_mapped - whether librpm is mapped into this process */
static int
rpm_mapped(void)
{
    char line[1024];
    FILE *fp = fopen("/proc/self/maps", "r");
    int found = 0;

    if (fp == NULL)
	return (-1);
    while (fgets(line, sizeof(line), fp))
	if (strstr(line, "/librpm.so") || strstr(line, "/librpmio.so"))
	    found = 1;
    fclose(fp);
    return (found);
}

/* count_fds - number of open descriptors */
static int
count_fds(void)
{
    char path[64];
    int n = 0;
    int fd;

    for (fd = 0; fd < 1024; fd++) {
	fmt(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (access(path, F_OK) == 0)
	    n++;
    }
    return (n);
}

/* remove_one - nftw callback of remove_tree */
static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
	chmod(path, 0700);
    return (remove(path) < 0 && errno != ENOENT ? -1 : 0);
}

/*
 * note_rpm_at_start - whether librpm came in with the test program itself
 *
 * This runs before main(), when only the program's own DT_NEEDED libraries
 * are mapped; the program links rpmdb.o, which must not pull in librpm.
 */
static void
note_rpm_at_start(void)
{
    fx_rpm_at_start = rpm_mapped();
}

/* rpmdb_setup - build the test packages once per test process */
static void
rpmdb_setup(void)
{
    char top[PATH_MAX + 8], spec1[PATH_MAX + 32], spec2[PATH_MAX + 32];
    char d_top[PATH_MAX + 16], d_db[PATH_MAX + 16], d_tmp[PATH_MAX + 16];
    const char *env = getenv("PFC_PLUGIN");

    fx_err[0] = 0;
    fx_roots = 0;

    /* The plugin under test. */
    if (env && *env)
	fmt(fx_plugin, sizeof(fx_plugin), "%s", env);
    else if (realpath("build/rpmdb.so", fx_plugin) == NULL)
	fx_fail("PFC_PLUGIN is not set and build/rpmdb.so: %s",
		strerror(errno));
    setenv("PFC_PLUGIN", fx_plugin, 1);

    /* A private tree: topdir, HOME, tmp, and the roots of the tests. */
    fmt(fx_dir, sizeof(fx_dir), "/tmp/pfc-rpmdb.XXXXXX");
    if (mkdtemp(fx_dir) == NULL || chmod(fx_dir, 0755) < 0) {
	fx_fail("mkdtemp: %s", strerror(errno));
	fx_dir[0] = 0;
	return;
    }
    fmt(top, sizeof(top), "%s/top", fx_dir);
    fmt(spec1, sizeof(spec1), "%s/testpkg.spec", top);
    fmt(spec2, sizeof(spec2), "%s/testepoch.spec", top);
    fmt(d_top, sizeof(d_top), "_topdir %s", top);
    fmt(d_db, sizeof(d_db), "_dbpath %s/nodb", fx_dir);
    fmt(d_tmp, sizeof(d_tmp), "_tmppath %s/tmp", fx_dir);
    if (mkdir(top, 0755) < 0 || mkdir(in_root(fx_dir, "/home"), 0755) < 0 ||
	mkdir(in_root(fx_dir, "/tmp"), 0755) < 0 ||
	write_file(spec1, testpkg_spec) < 0 ||
	write_file(spec2, testepoch_spec) < 0) {
	fx_fail("%s: %s", fx_dir, strerror(errno));
	return;
    }

    /* rpmbuild with --nodeps never opens a database; _dbpath is a guard. */
    run(fx_err, sizeof(fx_err), "/usr/bin/rpmbuild", "-bb", "--nodeps",
	"--quiet", "--define", d_top, "--define", d_db, "--define", d_tmp,
	spec1, spec2, NULL);
}

/* rpmdb_teardown - remove everything the tests made */
static void
rpmdb_teardown(void)
{
    if (fx_dir[0])
	nftw(fx_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    fx_dir[0] = 0;
}

/* The owner of a packaged library, with the exact NEVRA and a match. */
START_TEST(test_owner_match)
{
    char root[PATH_MAX];
    struct rpmdb *db;

    make_pkg_root(root, sizeof(root));
    db = open_db(root);
    expect_owner(db, LIB, RPMDB_MATCH, NEVRA_TEST);
    expect_owner(db, "/usr/lib64/libnss_epoch.so.2", RPMDB_MATCH, NEVRA_EPOCH);
    rpmdb_close(db);
}
END_TEST

/* Links, ghosts and directories carry no digest. */
START_TEST(test_owner_nodigest)
{
    char root[PATH_MAX];
    struct rpmdb *db;

    make_pkg_root(root, sizeof(root));
    ck_assert_int_eq(
	symlink("x", in_root(root, "/usr/lib64/libnss_ghost.so.2")), 0);
    db = open_db(root);
    expect_owner(db, "/usr/lib64/libnss_test.so", RPMDB_NODIGEST, NEVRA_TEST);
    expect_owner(db, "/usr/lib64/libnss_ghost.so.2", RPMDB_NODIGEST,
		 NEVRA_EPOCH);
    expect_owner(db, "/usr/lib64/testdir", RPMDB_NODIGEST, NEVRA_EPOCH);
    rpmdb_close(db);
}
END_TEST

/* Directory links are followed inside the root, never on the host. */
START_TEST(test_owner_dir_links)
{
    static const char *const paths[] = {
	"/lib64/libnss_test.so.2",
	"/abs/libnss_test.so.2",
	"/esc/libnss_test.so.2",
	"/../../usr/lib64/libnss_test.so.2",
	"/usr/./lib64//libnss_test.so.2",
	"/chain/libnss_test.so.2",
	NULL,
    };
    char root[PATH_MAX];
    struct rpmdb *db;
    int i;

    /* The host lacks the file, so only in-root resolution can find it. */
    ck_assert_msg(access(LIB, F_OK) < 0, "%s exists on this host", LIB);
    make_pkg_root(root, sizeof(root));
    ck_assert_int_eq(symlink("usr/lib64", in_root(root, "/lib64")), 0);
    ck_assert_int_eq(symlink("/usr/lib64", in_root(root, "/abs")), 0);
    ck_assert_int_eq(
	symlink("../../../../../../../usr/lib64", in_root(root, "/esc")), 0);
    ck_assert_int_eq(symlink("/abs/../lib64", in_root(root, "/chain")), 0);
    db = open_db(root);
    for (i = 0; paths[i]; i++)
	expect_owner(db, paths[i], RPMDB_MATCH, NEVRA_TEST);
    rpmdb_close(db);
}
END_TEST

/* A link that climbs out of the root ends at the root's own /etc. */
START_TEST(test_owner_no_escape)
{
    char root[PATH_MAX];
    struct rpmdb *db;

    ck_assert_msg(access("/etc/passwd", F_OK) == 0, "host has no /etc/passwd");
    make_pkg_root(root, sizeof(root));
    ck_assert_int_eq(
	symlink("../../../../../../../../etc", in_root(root, "/usr/lib64/up")),
	0);
    ck_assert_int_eq(symlink("/etc", in_root(root, "/usr/lib64/abs")), 0);
    db = open_db(root);
    expect_owner(db, "/usr/lib64/up/passwd", -ENOENT, "");
    expect_owner(db, "/usr/lib64/abs/passwd", -ENOENT, "");
    expect_owner(db, "/../../../etc/passwd", -ENOENT, "");
    rpmdb_close(db);
}
END_TEST

/* Changed bytes of the same size, and a changed size, are both seen. */
START_TEST(test_owner_modified)
{
    char root[PATH_MAX];
    struct rpmdb *db;

    make_pkg_root(root, sizeof(root));
    ck_assert_int_eq(write_file(in_root(root, "/usr/lib64/libnss_same.so.2"),
				"library SAME of testpkg\n"),
		     0);
    ck_assert_int_eq(write_file(in_root(root, "/usr/lib64/libnss_size.so.2"),
				"library size of testpkg, longer\n"),
		     0);
    db = open_db(root);
    expect_owner(db, "/usr/lib64/libnss_same.so.2", RPMDB_MODIFIED, NEVRA_TEST);
    expect_owner(db, "/usr/lib64/libnss_size.so.2", RPMDB_MODIFIED, NEVRA_TEST);
    expect_owner(db, LIB, RPMDB_MATCH, NEVRA_TEST);
    rpmdb_close(db);
}
END_TEST

/* A link or FIFO planted over an owned file is reported, not followed. */
START_TEST(test_owner_planted)
{
    char root[PATH_MAX];
    struct rpmdb *db;

    make_pkg_root(root, sizeof(root));

    /* The link points at a file with the very bytes the package has. */
    ck_assert_int_eq(rename(in_root(root, "/usr/lib64/libnss_link.so.2"),
			    in_root(root, "/usr/lib64/copy")),
		     0);
    ck_assert_int_eq(
	symlink("copy", in_root(root, "/usr/lib64/libnss_link.so.2")), 0);
    ck_assert_int_eq(unlink(in_root(root, "/usr/lib64/libnss_fifo.so.2")), 0);
    ck_assert_int_eq(mkfifo(in_root(root, "/usr/lib64/libnss_fifo.so.2"), 0644),
		     0);
    db = open_db(root);
    expect_owner(db, "/usr/lib64/libnss_link.so.2", RPMDB_MODIFIED, NEVRA_TEST);
    expect_owner(db, "/usr/lib64/libnss_fifo.so.2", RPMDB_MODIFIED, NEVRA_TEST);
    rpmdb_close(db);
}
END_TEST

/* Unowned files, bad paths and small buffers. */
START_TEST(test_owner_errors)
{
    char root[PATH_MAX];
    char small[8];
    struct rpmdb *db;

    make_pkg_root(root, sizeof(root));
    ck_assert_int_eq(
	write_file(in_root(root, "/usr/lib64/libnss_other.so.2"), "x\n"), 0);
    db = open_db(root);
    expect_owner(db, "/usr/lib64/libnss_other.so.2", RPMDB_UNOWNED, "");
    expect_owner(db, "/usr/lib64/nonexistent.so", RPMDB_UNOWNED, "");
    expect_owner(db, "usr/lib64/libnss_test.so.2", -EINVAL, "");
    expect_owner(db, "/usr/lib64/", -EINVAL, "");
    expect_owner(db, "/usr/lib64/..", -EINVAL, "");
    expect_owner(db, "/nonexistent/libnss_test.so.2", -ENOENT, "");
    expect_owner(db, LIB "/x", -ENOTDIR, "");
    ck_assert_int_eq(unlink(in_root(root, "/usr/lib64/libnss_same.so.2")), 0);
    expect_owner(db, "/usr/lib64/libnss_same.so.2", -ENOENT, NEVRA_TEST);
    ck_assert_int_eq(rpmdb_owner(db, LIB, small, sizeof(small)), -ERANGE);
    ck_assert_str_eq(small, "");
    rpmdb_close(db);
}
END_TEST

/* The version of an installed package. */
START_TEST(test_version)
{
    char root[PATH_MAX];
    char buf[64];
    struct rpmdb *db;
    int rc;

    make_pkg_root(root, sizeof(root));
    db = open_db(root);
    rc = rpmdb_version(db, "testpkg", buf, sizeof(buf));
    ck_assert_msg(rc == 0 && strcmp(buf, "1.2.3") == 0,
		  "version(testpkg): got %d \"%s\", want 0 \"1.2.3\"", rc, buf);
    rc = rpmdb_version(db, "testepoch", buf, sizeof(buf));
    ck_assert_msg(rc == 0 && strcmp(buf, "0.9") == 0,
		  "version(testepoch): got %d \"%s\", want 0 \"0.9\"", rc, buf);
    ck_assert_int_eq(rpmdb_version(db, "nosuchpkg", buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(rpmdb_version(db, "testpkg", buf, 5), -ERANGE);
    rpmdb_close(db);
}
END_TEST

/* Roots without a database: NULL, one -v line, nothing created. */
START_TEST(test_no_database)
{
    char root[PATH_MAX];
    char cap[2048];
    struct stat st;

    make_root(root, sizeof(root));
    ck_assert_int_eq(mkdir(in_root(root, "/var"), 0755), 0);
    open_fails(root, "no rpm database");
    ck_assert_msg(lstat(in_root(root, "/var/lib"), &st) < 0,
		  "%s/var/lib was created", root);
    ck_assert_msg(lstat(in_root(root, "/usr"), &st) < 0, "%s/usr was created",
		  root);

    /* Asked again, the run does not say it again. */
    diag_set_level(DIAG_VERBOSE);
    diag_set_capture(cap, sizeof(cap));
    ck_assert_ptr_null(rpmdb_open(root));
    diag_set_capture(NULL, 0);
    diag_set_level(DIAG_NORMAL);
    ck_assert_msg(cap[0] == 0, "second open: got \"%s\", want nothing", cap);
}
END_TEST

/* An empty database directory, as on a Debian host: nothing created. */
START_TEST(test_empty_dbdir)
{
    char root[PATH_MAX];
    struct stat st;

    /* librpm would create a database there if asked to open it. */
    make_root(root, sizeof(root));
    ck_assert_int_eq(mkdir(in_root(root, "/var"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib/rpm"), 0755), 0);
    open_fails(root, "no rpm database");
    ck_assert_msg(lstat(in_root(root, "/var/lib/rpm/rpmdb.sqlite"), &st) < 0,
		  "a database was created in %s", root);

    /* An empty database file is not a database either. */
    make_root(root, sizeof(root));
    ck_assert_int_eq(mkdir(in_root(root, "/var"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib/rpm"), 0755), 0);
    ck_assert_int_eq(write_file(in_root(root, "/var/lib/rpm/rpmdb.sqlite"), ""),
		     0);
    open_fails(root, "no rpm database");
    ck_assert_int_eq(lstat(in_root(root, "/var/lib/rpm/rpmdb.sqlite"), &st), 0);
    ck_assert_int_eq(st.st_size, 0);
    ck_assert_msg(lstat(in_root(root, "/var/lib/rpm/rpmdb.sqlite-wal"), &st) <
		      0,
		  "a journal was created in %s", root);
}
END_TEST

/* A damaged database: NULL with librpm's reason, nothing on stderr. */
START_TEST(test_corrupt_db)
{
    static const char damaged[] = "SQLite format 3\0 and then garbage where "
				  "the rest of the 100-byte header and the "
				  "first page should be.";
    FILE *fp;
    char root[PATH_MAX];
    char errfile[PATH_MAX + 16];
    char cap[2048];
    struct rpmdb *db;
    struct stat st;
    int saved;
    int fd;

    make_root(root, sizeof(root));
    ck_assert_int_eq(mkdir(in_root(root, "/var"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib/rpm"), 0755), 0);
    fp = fopen(in_root(root, "/var/lib/rpm/rpmdb.sqlite"), "w");
    ck_assert_ptr_nonnull(fp);
    fwrite(damaged, 1, sizeof(damaged), fp);
    ck_assert_int_eq(fclose(fp), 0);

    /* Whatever librpm would print lands in a file, not on the terminal. */
    fmt(errfile, sizeof(errfile), "%s/stderr", root);
    fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    saved = dup(2);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_eq(dup2(fd, 2), 2);
    diag_set_level(DIAG_VERBOSE);
    diag_set_capture(cap, sizeof(cap));
    db = rpmdb_open(root);
    diag_set_capture(NULL, 0);
    diag_set_level(DIAG_NORMAL);
    dup2(saved, 2);
    close(saved);
    close(fd);

    rpmdb_close(db);
    ck_assert_msg(db == NULL, "rpmdb_open(%s): got a handle, want NULL", root);
    ck_assert_msg(strstr(cap, "rpm database of ") && strstr(cap, "cannot open"),
		  "message: got \"%s\", want librpm's reason", cap);
    ck_assert_int_eq(stat(errfile, &st), 0);
    ck_assert_msg(st.st_size == 0, "librpm wrote %ld bytes to stderr",
		  (long)st.st_size);
}
END_TEST

/* Without -v, a missing database is silent. */
START_TEST(test_no_database_quiet)
{
    char root[PATH_MAX];
    char cap[256];

    make_root(root, sizeof(root));
    diag_set_capture(cap, sizeof(cap));
    ck_assert_ptr_null(rpmdb_open(root));
    diag_set_capture(NULL, 0);
    ck_assert_msg(cap[0] == 0, "got \"%s\", want no output", cap);
}
END_TEST

/* The root's own macros choose the database directory. */
START_TEST(test_root_dbpath)
{
    char root[PATH_MAX];
    char why[2048];
    struct rpmdb *db;

    ck_assert_msg(fx_err[0] == 0, "fixture: %s", fx_err);

    /* Database in /usr/lib/sysimage/rpm, named by the root's macros. */
    make_root(root, sizeof(root));
    ck_assert_msg(
	rpm_install(root, "/usr/lib/sysimage/rpm", why, sizeof(why)) == 0, "%s",
	why);
    ck_assert_int_eq(mkdir(in_root(root, "/usr/lib/rpm"), 0755), 0);
    ck_assert_int_eq(write_file(in_root(root, "/usr/lib/rpm/macros"),
				"%_dbpath\t\t%{_usr}/lib/sysimage/rpm\n"),
		     0);
    db = open_db(root);
    expect_owner(db, LIB, RPMDB_MATCH, NEVRA_TEST);
    rpmdb_close(db);

    /* A later file that names an empty directory wins: no database. */
    ck_assert_int_eq(mkdir(in_root(root, "/etc"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/etc/rpm"), 0755), 0);
    ck_assert_int_eq(write_file(in_root(root, "/etc/rpm/macros.dbpath"),
				"%_dbpath /srv/rpm\n"),
		     0);
    open_fails(root, "no rpm database");

    /* A computed definition is never run; the usual places are probed. */
    ck_assert_int_eq(write_file(in_root(root, "/etc/rpm/macros.dbpath"),
				"%_dbpath %(touch /tmp/pfc-rpmdb-ran)\n"),
		     0);
    ck_assert_int_eq(mkdir(in_root(root, "/var"), 0755), 0);
    ck_assert_int_eq(mkdir(in_root(root, "/var/lib"), 0755), 0);
    ck_assert_int_eq(
	symlink("/usr/lib/sysimage/rpm", in_root(root, "/var/lib/rpm")), 0);
    db = open_db(root);
    expect_owner(db, LIB, RPMDB_MATCH, NEVRA_TEST);
    rpmdb_close(db);
    ck_assert_msg(access("/tmp/pfc-rpmdb-ran", F_OK) < 0,
		  "a macro of the root was run");
}
END_TEST

/* Opening and closing leaks no descriptor and maps librpm only then. */
START_TEST(test_open_close)
{
    char root[PATH_MAX];
    struct rpmdb *db;
    int before;
    int i;

    ck_assert_msg(fx_rpm_at_start == 0,
		  "librpm was mapped before rpmdb_open(): got %d, want 0",
		  fx_rpm_at_start);
    make_pkg_root(root, sizeof(root));
    before = count_fds();
    for (i = 0; i < 3; i++) {
	db = open_db(root);
	expect_owner(db, LIB, RPMDB_MATCH, NEVRA_TEST);
	rpmdb_close(db);
    }
    ck_assert_int_eq(count_fds(), before);
    ck_assert_int_eq(rpm_mapped(), 1);
    rpmdb_close(NULL);
}
END_TEST

/* A missing plugin: NULL and the reason. */
START_TEST(test_plugin_missing)
{
    char path[PATH_MAX + 32];

    fmt(path, sizeof(path), "%s/nonexistent.so", fx_dir);
    setenv("PFC_PLUGIN", path, 1);
    open_fails("/", "cannot load the rpm plugin");
    setenv("PFC_PLUGIN", fx_plugin, 1);
}
END_TEST

/* copy_plugin - copy the plugin under test to NAME in the fixture dir */
static void
copy_plugin(const char *name, char *path, size_t len)
{
    char buf[65536];
    ssize_t n;
    int in;
    int out;

    fmt(path, len, "%s/%s", fx_dir, name);
    in = open(fx_plugin, O_RDONLY | O_CLOEXEC);
    ck_assert_msg(in >= 0, "%s: %s", fx_plugin, strerror(errno));
    out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(out >= 0, "%s: %s", path, strerror(errno));
    while ((n = read(in, buf, sizeof(buf))) > 0)
	ck_assert_int_eq(write(out, buf, (size_t)n), n);
    close(in);
    ck_assert_int_eq(close(out), 0);
}

/* A plugin that others could have written, or another user owns. */
START_TEST(test_plugin_unsafe)
{
    char path[PATH_MAX + 32];

    ck_assert_msg(fx_dir[0] != 0, "fixture: %s", fx_err);
    copy_plugin("writable.so", path, sizeof(path));
    ck_assert_int_eq(chmod(path, 0666), 0);
    setenv("PFC_PLUGIN", path, 1);
    open_fails("/", "writable by group or others");

    if (geteuid() == 0) {
	copy_plugin("foreign.so", path, sizeof(path));
	ck_assert_int_eq(chown(path, 1, 1), 0);
	setenv("PFC_PLUGIN", path, 1);
	open_fails("/", "not owned by root");
    }
    setenv("PFC_PLUGIN", fx_plugin, 1);
}
END_TEST

/* A plugin with another interface version is refused before any call. */
START_TEST(test_plugin_abi)
{
    char src[PATH_MAX], inc[PATH_MAX + 8], out[PATH_MAX + 16];
    char why[2048];
    const char *tests = getenv("PFC_TESTS");

    ck_assert_msg(fx_dir[0] != 0, "fixture: %s", fx_err);
    fmt(src, sizeof(src), "%s/rpmdb/badabi.c", tests ? tests : "tests");
    fmt(inc, sizeof(inc), "-I%s/../src", tests ? tests : "tests");
    fmt(out, sizeof(out), "%s/badabi.so", fx_dir);
    ck_assert_msg(run(why, sizeof(why), "/usr/bin/cc", "-shared", "-fPIC", "-o",
		      out, inc, src, NULL) == 0,
		  "%s", why);
    setenv("PFC_PLUGIN", out, 1);
    open_fails("/", "interface version mismatch");
    setenv("PFC_PLUGIN", fx_plugin, 1);
}
END_TEST

/* rpmdb_suite - the tests of the rpm database plugin and its loader */
Suite *
rpmdb_suite(void)
{
    Suite *s = suite_create("rpmdb");
    TCase *tc = tcase_create("rpmdb");

    tcase_add_unchecked_fixture(tc, rpmdb_setup, rpmdb_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_owner_match);
    tcase_add_test(tc, test_owner_nodigest);
    tcase_add_test(tc, test_owner_dir_links);
    tcase_add_test(tc, test_owner_no_escape);
    tcase_add_test(tc, test_owner_modified);
    tcase_add_test(tc, test_owner_planted);
    tcase_add_test(tc, test_owner_errors);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_no_database);
    tcase_add_test(tc, test_empty_dbdir);
    tcase_add_test(tc, test_no_database_quiet);
    tcase_add_test(tc, test_corrupt_db);
    tcase_add_test(tc, test_root_dbpath);
    tcase_add_test(tc, test_open_close);
    tcase_add_test(tc, test_plugin_missing);
    tcase_add_test(tc, test_plugin_unsafe);
    tcase_add_test(tc, test_plugin_abi);
    suite_add_tcase(s, tc);
    return (s);
}
