/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_mastercf - tests of the master.cf reader
 * SUMMARY
 *	Tables of valid and malformed master.cf text, the meaning of '-',
 *	and Postfix's own parser (postconf -F) as the oracle.
 * DESCRIPTION
 *	mastercf_suite() checks mastercf_parse() on tables of inputs (every
 *	expected entry with its line and the offset of its chroot field),
 *	refusals with their line numbers, the size bound, unsafe files for
 *	mastercf_read(), and the chroot default for Postfix 2 and 3 and
 *	the compatibility levels that the Postfix 3.7 master daemon was
 *	seen to accept (see mastercf_chroot_default()).
 *
 *	The oracle tests run /usr/sbin/postconf -c DIR -F '* / * /chroot'
 *	(without the spaces) on the stock files in tests/data/mastercf and
 *	on variants generated from them with a fixed seed (spacing, tabs,
 *	CRLF, continuation lines, comments and blank lines between entries,
 *	'-' everywhere, unusual service names), and require the same
 *	entries, in the same order, with the same chroot field.  postconf
 *	prints the field as written, so the effective value is derived from
 *	it and from the compatibility_level that postconf reports.
 *
 *	Environment: PFC_TESTS names the tests directory (set by "make
 *	unit"); without it, "tests" below the current directory is used.
 * DIAGNOSTICS
 *	Failures say "got X, want Y" and name the input.
 * SECURITY
 *	Temporary directories are made below /tmp with mkdtemp() and
 *	removed after each test; the machine's Postfix configuration is
 *	never read or written.
 * BUGS
 *	The oracle tests need Postfix's postconf at /usr/sbin/postconf and
 *	fail (they do not skip) when it is missing.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mastercf.h"

/*
 * Helpers shared with check_mcedit.c, which declares them again (the
 * test sources are linked into one program).
 */
struct mcf_postconf {
    int status;        /* exit status of postconf -F, or -1 */
    char errors[4096]; /* its stderr */
    size_t n;          /* entries it printed */
    char **name;       /* "service/type" of each */
    char *value;       /* the chroot field of each */
    char *compat;      /* compatibility_level (expanded), NULL if none */
};

uint32_t mcf_rand(uint32_t *seed);
void mcf_mkdtemp(char *buf, size_t len);
void mcf_rmtree(const char *dir);
void mcf_write_file(const char *dir, const char *name, const char *data,
		    size_t len);
void mcf_write_big(const char *dir, const char *name, size_t size);
char *mcf_read_file(const char *dir, const char *name, size_t *len);
char *mcf_load_data(const char *name, size_t *len);
pid_t mcf_postconf_start(const char *dir, const char *main_cf, const char *text,
			 size_t len);
void mcf_postconf_finish(const char *dir, pid_t pid, struct mcf_postconf *pc);
void mcf_postconf_run(const char *dir, const char *main_cf, const char *text,
		      size_t len, struct mcf_postconf *pc);
void mcf_postconf_free(struct mcf_postconf *pc);
char *mcf_variant(const char *text, size_t len, uint32_t seed, size_t *vlen);

/* ------------------------------------------------------------------ */
/* Table tests of the parser.                                          */
/* ------------------------------------------------------------------ */

/*
 * A valid input and its entries, each "service/type:command:chroot:line",
 * joined with single spaces.
 */
struct parse_case {
    const char *name;
    const char *in;
    const char *want;
};

static const struct parse_case parse_cases[] = {
    {"empty", "", ""},
    {"comments and blank lines only", "#\n# x\n\n  \t\n   # y\n", ""},
    {"one entry", "smtp inet n - y - - smtpd\n", "smtp/inet:smtpd:y:1"},
    {"no final newline", "smtp inet n - - - - smtpd", "smtp/inet:smtpd:-:1"},
    {"tabs", "smtp\tinet\tn\t-\tn\t-\t-\tsmtpd\n", "smtp/inet:smtpd:n:1"},
    {"CRLF", "a unix - - y - - smtpd\r\nb unix - - n - - qmgr\r\n",
     "a/unix:smtpd:y:1 b/unix:qmgr:n:2"},
    {"CR separates fields", "smtp\rinet n - y - - smtpd\n",
     "smtp/inet:smtpd:y:1"},
    {"continuation lines",
     "relay unix - - n - - smtp\n  -o a=b\n\t-o c=d\nx unix - - y - - e\n",
     "relay/unix:smtp:n:1 x/unix:e:y:4"},
    {"fields split over lines", "smtp\n inet\n n -\n\ty - -\n smtpd\n",
     "smtp/inet:smtpd:y:1"},
    {"comment and blank line inside an entry",
     "smtp inet n - y\n# c\n\n   # d\n - - smtpd\n", "smtp/inet:smtpd:y:1"},
    {"indented comment before the first entry",
     "  # x\n\t#y\nsmtp inet n - y - - smtpd\n", "smtp/inet:smtpd:y:3"},
    {"command path and arguments",
     "x unix - n n - - /usr/lib/postfix/pipe flags=F argv=/bin/x\n",
     "x/unix:pipe:n:1"},
    {"trailing slash keeps the word", "x unix - n n - - a/\n", "x/unix:a/:n:1"},
    {"unusual services",
     "127.0.0.1:2525 inet n - y - - smtpd\n"
     "[::1]:submission inet n - - - - smtpd\n"
     "a/b unix - - n - - c\n"
     "a} unix - - n - - c\n",
     "127.0.0.1:2525/inet:smtpd:y:1 [::1]:submission/inet:smtpd:-:2 "
     "a/b/unix:c:n:3 a}/unix:c:n:4"},
    {"all types",
     "a inet n - y - - a\nb unix - - y - - b\nc unix-dgram - - y - - c\n"
     "d fifo - - y - - d\ne pass - - y - - e\n",
     "a/inet:a:y:1 b/unix:b:y:2 c/unix-dgram:c:y:3 d/fifo:d:y:4 "
     "e/pass:e:y:5"},
    {"wakeup and process limit forms",
     "a unix - - - 60 1 a\nb unix - - - 1000? 0 b\nc unix - - - ? 00 c\n",
     "a/unix:a:-:1 b/unix:b:-:2 c/unix:c:-:3"},
    {"duplicates are kept",
     "smtp inet n - y - - smtpd\nsmtp inet n - n - - smtpd\n",
     "smtp/inet:smtpd:y:1 smtp/inet:smtpd:n:2"},
    {"braces in the arguments", "a unix - - y - - smtpd -o { x = y z }\n",
     "a/unix:smtpd:y:1"},
    {"VT glues a continuation line to the previous field",
     "a unix - - y - - smtpd\n\v-o x\n", "a/unix:smtpd\v-o:y:1"},
    {"hash inside an entry is not a comment", "a unix - - y - - smtpd #x\n",
     "a/unix:smtpd:y:1"},
};

/* describe - the entries of MC in the format of parse_case.want */
static char *
describe(const struct mastercf *mc)
{
    size_t cap = 64, len = 0, i;
    char *out = malloc(cap);

    ck_assert_ptr_nonnull(out);
    out[0] = 0;
    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];
	int need =
	    snprintf(NULL, 0, "%s%s/%s:%s:%c:%u", i ? " " : "", e->service,
		     e->type, e->command, e->chroot, e->line);

	while (len + need + 1 > cap)
	    out = realloc(out, cap *= 2);
	ck_assert_ptr_nonnull(out);
	len += sprintf(out + len, "%s%s/%s:%s:%c:%u", i ? " " : "", e->service,
		       e->type, e->command, e->chroot, e->line);
    }
    return (out);
}

/* check_offsets - every chroot offset points at the field's byte */
static void
check_offsets(const struct mastercf *mc, const char *name)
{
    size_t i;

    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];

	ck_assert_msg(e->chroot_len == 1 && e->chroot_off < mc->len &&
			  mc->buf[e->chroot_off] == e->chroot,
		      "%s: entry %zu: chroot at offset %zu is '%c', want '%c'",
		      name, i, e->chroot_off,
		      e->chroot_off < mc->len ? mc->buf[e->chroot_off] : '?',
		      e->chroot);
    }
}

/* test_parse_table - each valid input gives exactly its entries */
START_TEST(test_parse_table)
{
    const struct parse_case *c = &parse_cases[_i];
    struct mastercf mc;
    char err[256];
    char *got;
    int ret;

    ret = mastercf_parse(c->in, strlen(c->in), &mc, err, sizeof(err));
    ck_assert_msg(ret == 0, "%s: got %d (%s), want 0", c->name, ret, err);
    got = describe(&mc);
    ck_assert_msg(strcmp(got, c->want) == 0, "%s: got \"%s\", want \"%s\"",
		  c->name, got, c->want);
    check_offsets(&mc, c->name);
    ck_assert_msg(mc.len == strlen(c->in) && memcmp(mc.buf, c->in, mc.len) == 0,
		  "%s: buffer is not a copy of the input", c->name);
    free(got);
    mastercf_free(&mc);
}
END_TEST

/*
 * A malformed input: the error, a part of the message, and what postconf
 * does with it (checked by test_malformed_postconf): 1 refuses it, 0 warns
 * and ignores the line, 2 accepts it, -1 not compared.
 */
struct bad_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int err;
    const char *msg;
    int postconf_fails;
};

static const struct bad_case bad_cases[] = {
    {"seven fields", "#\n\nsmtp inet n - y - -\n", 0, -EINVAL,
     "line 3: bad field count: 7 fields", 1},
    {"seven fields over two lines", "a unix - - y - - b\nsmtp inet n\n - y -\n",
     0, -EINVAL, "line 2: bad field count: 6 fields", 1},
    {"one field", "smtp\n", 0, -EINVAL, "line 1: bad field count: 1 field,", 1},
    {"continuation line at the top", "  -o x=y\nsmtp inet n - y - - smtpd\n", 0,
     -EINVAL, "line 1: continuation line", 0},
    {"continuation line after comments", "#\n\n\t-o x=y\n", 0, -EINVAL,
     "line 3: continuation line", 0},
    {"CR at the start of the first line", "\rsmtp inet n - y - - smtpd\n", 0,
     -EINVAL, "line 1: continuation line", 0},
    {"chroot x", "smtp inet n - x - - smtpd\n", 0, -EINVAL,
     "line 1: invalid chroot field \"x\": must be y, n or -", 1},
    {"chroot yes", "a unix - - y - - a\nb unix - - yes - - b\n", 0, -EINVAL,
     "line 2: invalid chroot field \"yes\"", 1},
    {"chroot Y", "smtp inet n - Y - - smtpd\n", 0, -EINVAL,
     "invalid chroot field \"Y\"", 1},
    {"chroot with VT", "smtp inet n - y\v - - smtpd\n", 0, -EINVAL,
     "invalid chroot field \"y?\"", 1},
    {"chroot glued by FF", "smtp inet n - y\n\f - - smtpd\n", 0, -EINVAL,
     "invalid chroot field \"y?\"", 1},
    {"fields glued by FF", "smtp inet n - y\n\f- - smtpd\n", 0, -EINVAL,
     "bad field count: 7 fields", 1},
    {"bad type", "smtp INET n - y - - smtpd\n", 0, -EINVAL,
     "line 1: invalid type field \"INET\"", 1},
    {"bad private", "smtp inet x - y - - smtpd\n", 0, -EINVAL,
     "invalid private field \"x\"", 1},
    {"bad unprivileged", "smtp inet n x y - - smtpd\n", 0, -EINVAL,
     "invalid unprivileged field \"x\"", 1},
    {"bad wakeup", "smtp inet n - y 1?? - smtpd\n", 0, -EINVAL,
     "invalid wakeup field \"1??\"", 1},
    {"negative wakeup", "smtp inet n - y -1 - smtpd\n", 0, -EINVAL,
     "invalid wakeup field \"-1\"", 1},
    {"bad process limit", "smtp inet n - y - 1? smtpd\n", 0, -EINVAL,
     "invalid process_limit field \"1?\"", 1},
    {"brace in the service", "{a b} inet n - y - - smtpd\n", 0, -EINVAL,
     "line 1: '{' in the service field is not supported", 2},
    {"brace in the type", "a {unix} - - y - - smtpd\n", 0, -EINVAL,
     "line 1: '{' in the type field is not supported", 1},
    {"brace in the chroot field", "a inet n - { y } - - smtpd\n", 0, -EINVAL,
     "'{' in the chroot field", 1},
    {"NUL byte", "a unix - - y - - a\nb unix - - y\0 - - b\n", 38, -EINVAL,
     "line 2: NUL byte", -1},
};

/* test_malformed_table - each malformed input is refused with its line */
START_TEST(test_malformed_table)
{
    const struct bad_case *c = &bad_cases[_i];
    struct mastercf mc;
    char err[256];
    size_t len = c->len ? c->len : strlen(c->in);
    int ret;

    ret = mastercf_parse(c->in, len, &mc, err, sizeof(err));
    ck_assert_msg(ret == c->err, "%s: got %d, want %d", c->name, ret, c->err);
    ck_assert_msg(strstr(err, c->msg) != NULL,
		  "%s: got message \"%s\", want it to contain \"%s\"", c->name,
		  err, c->msg);
    ck_assert_msg(mc.n == 0 && mc.buf == NULL && mc.ent == NULL,
		  "%s: a failed parse left data in MC", c->name);
    mastercf_free(&mc);
}
END_TEST

/* test_overlong_field - a field over 1024 bytes is refused, 1024 is not */
START_TEST(test_overlong_field)
{
    static const int fields[] = {0, 1, 4, 7};
    struct mastercf mc;
    char err[256];
    char *buf, *long_field;
    size_t i;
    int ret;

    long_field = malloc(MASTERCF_MAX_FIELD + 2);
    ck_assert_ptr_nonnull(long_field);
    memset(long_field, 'a', MASTERCF_MAX_FIELD + 1);
    long_field[MASTERCF_MAX_FIELD + 1] = 0;
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
	const char *f[8] = {"s", "unix", "-", "-", "y", "-", "-", "cmd"};

	f[fields[i]] = long_field;
	ck_assert_int_ge(asprintf(&buf,
				  "#\nok unix - - y - - x\n"
				  "%s %s %s %s %s %s %s %s\n",
				  f[0], f[1], f[2], f[3], f[4], f[5], f[6],
				  f[7]),
			 0);
	ret = mastercf_parse(buf, strlen(buf), &mc, err, sizeof(err));
	ck_assert_msg(ret == -EINVAL && strstr(err, "line 3: ") &&
			  strstr(err, "longer than 1024 bytes"),
		      "field %d too long: got %d \"%s\"", fields[i], ret, err);
	free(buf);
    }

    /* Exactly the limit is fine, and so is a long argument. */
    long_field[MASTERCF_MAX_FIELD] = 0;
    ck_assert_int_ge(asprintf(&buf, "%s unix - - y - - cmd %s%s\n", long_field,
			      long_field, long_field),
		     0);
    ret = mastercf_parse(buf, strlen(buf), &mc, err, sizeof(err));
    ck_assert_msg(ret == 0, "field of 1024 bytes: got %d \"%s\"", ret, err);
    ck_assert_uint_eq(strlen(mc.ent[0].service), MASTERCF_MAX_FIELD);
    mastercf_free(&mc);
    free(buf);
    free(long_field);
}
END_TEST

/* test_too_big - 10 MB and one byte over the limit: -EFBIG */
START_TEST(test_too_big)
{
    struct mastercf mc;
    char err[256];
    size_t len = 10 * 1024 * 1024;
    char *buf = malloc(len);
    int ret;

    ck_assert_ptr_nonnull(buf);
    memset(buf, '#', len);
    ret = mastercf_parse(buf, len, &mc, err, sizeof(err));
    ck_assert_msg(ret == -EFBIG && strstr(err, "file too large"),
		  "10 MB: got %d \"%s\"", ret, err);

    /* One byte over the limit is refused, the limit itself is not. */
    ret = mastercf_parse(buf, MASTERCF_MAX_SIZE + 1, &mc, err, sizeof(err));
    ck_assert_int_eq(ret, -EFBIG);
    ret = mastercf_parse(buf, MASTERCF_MAX_SIZE, &mc, err, sizeof(err));
    ck_assert_msg(ret == 0, "at the limit: got %d \"%s\"", ret, err);
    mastercf_free(&mc);
    free(buf);
}
END_TEST

/* test_binary_garbage - random bytes: refused with a line number */
START_TEST(test_binary_garbage)
{
    struct mastercf mc;
    char err[256];
    unsigned char buf[4096];
    uint32_t seed = 12345;
    size_t i;
    int round, ret;

    /*
     * Random bytes: whatever the parser says, it must say it with a line
     * number and must not accept a NUL byte.
     */
    for (round = 0; round < 200; round++) {
	for (i = 0; i < sizeof(buf); i++)
	    buf[i] = (unsigned char)(mcf_rand(&seed) >> 24);
	buf[round % sizeof(buf)] = 0;
	ret = mastercf_parse((char *)buf, sizeof(buf), &mc, err, sizeof(err));
	ck_assert_msg(ret == -EINVAL && strncmp(err, "line ", 5) == 0,
		      "round %d: got %d \"%s\"", round, ret, err);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* mastercf_read: files on disk.                                       */
/* ------------------------------------------------------------------ */

static char tmpdir[256];

/* setup_tmp - a fresh temporary directory per test */
static void
setup_tmp(void)
{
    mcf_mkdtemp(tmpdir, sizeof(tmpdir));
}

/* teardown_tmp - remove it again */
static void
teardown_tmp(void)
{
    mcf_rmtree(tmpdir);
}

/* test_read_file - mastercf_read() reads a file, refuses the unsafe */
START_TEST(test_read_file)
{
    struct mastercf mc;
    char err[256];
    int dfd, ret;

    mcf_write_file(tmpdir, "master.cf", "smtp inet n - y - - smtpd\n", 26);
    dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    ret = mastercf_read(dfd, "master.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == 0 && mc.n == 1, "got %d \"%s\"", ret, err);
    mastercf_free(&mc);

    /* Refusals: symlink, FIFO, directory, missing file, 10 MB file. */
    ck_assert_int_eq(symlinkat("master.cf", dfd, "link.cf"), 0);
    ret = mastercf_read(dfd, "link.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == -ELOOP, "symlink: got %d \"%s\"", ret, err);
    ck_assert_int_eq(mkfifoat(dfd, "fifo.cf", 0600), 0);
    ret = mastercf_read(dfd, "fifo.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == -EINVAL && strstr(err, "not a regular file"),
		  "FIFO: got %d \"%s\"", ret, err);
    ck_assert_int_eq(mkdirat(dfd, "dir.cf", 0700), 0);
    ret = mastercf_read(dfd, "dir.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == -EINVAL && strstr(err, "not a regular file"),
		  "directory: got %d \"%s\"", ret, err);
    ret = mastercf_read(dfd, "none.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == -ENOENT, "missing: got %d \"%s\"", ret, err);
    mcf_write_big(tmpdir, "big.cf", 10 * 1024 * 1024);
    ret = mastercf_read(dfd, "big.cf", &mc, err, sizeof(err));
    ck_assert_msg(ret == -EFBIG && strstr(err, "file too large"),
		  "10 MB: got %d \"%s\"", ret, err);
    close(dfd);
}
END_TEST

/* ------------------------------------------------------------------ */
/* What '-' means.                                                     */
/* ------------------------------------------------------------------ */

struct default_case {
    int major;
    const char *level;
    int want;
};

/*
 * Postfix 3 rows: what the Postfix 3.7 master daemon did with each level
 * (a "backwards-compatible default setting chroot=y" message for 'y',
 * none for 'n', a refusal to start for -EINVAL).
 */
static const struct default_case default_cases[] = {
    {2, NULL, 'y'},          {2, "3.6", 'y'},         {2, "garbage", 'y'},
    {3, NULL, 'y'},          {3, "0", 'y'},           {3, "00", 'y'},
    {3, "+0", 'y'},          {3, "0.5", 'y'},         {3, "0.9.9", 'y'},
    {3, "0.0.1", 'y'},       {3, "0. 1", 'y'},        {3, " 0 ", 'y'},
    {3, "1", 'n'},           {3, "01", 'n'},          {3, "+1", 'n'},
    {3, "1.0.0", 'n'},       {3, "2", 'n'},           {3, "3.6", 'n'},
    {3, "3.10", 'n'},        {3, "99999999999", 'n'}, {4, "0", 'y'},
    {4, "3.6", 'n'},         {3, "", -EINVAL},        {3, "abc", -EINVAL},
    {3, "1.", -EINVAL},      {3, ".5", -EINVAL},      {3, "1.x", -EINVAL},
    {3, "-1", -EINVAL},      {3, "0.-1", -EINVAL},    {3, "0x1", -EINVAL},
    {3, "1.2.3.4", -EINVAL}, {3, "1 2", -EINVAL},
};

/* test_chroot_default - what '-' means, per version and level */
START_TEST(test_chroot_default)
{
    const struct default_case *c = &default_cases[_i];
    int got = mastercf_chroot_default(c->major, c->level);

    ck_assert_msg(got == c->want,
		  "Postfix %d, compatibility_level %s%s%s: got %d, want %d",
		  c->major, c->level ? "\"" : "", c->level ? c->level : "unset",
		  c->level ? "\"" : "", got, c->want);
}
END_TEST

/* test_c10_effective - C10: '-' chrooted at level 0, not at 3.6 */
START_TEST(test_c10_effective)
{
    static const char in[] = "smtp inet n - - - - smtpd\n"
			     "a unix - - y - - a\n"
			     "b unix - - n - - b\n";
    struct mastercf mc;
    char err[256];

    ck_assert_int_eq(mastercf_parse(in, strlen(in), &mc, err, sizeof(err)), 0);
    ck_assert_int_eq(mastercf_effective(&mc.ent[0], 3, "3.6"), 'n');
    ck_assert_int_eq(mastercf_effective(&mc.ent[0], 3, "0"), 'y');
    ck_assert_int_eq(mastercf_effective(&mc.ent[0], 3, NULL), 'y');
    ck_assert_int_eq(mastercf_effective(&mc.ent[0], 2, "3.6"), 'y');
    ck_assert_int_eq(mastercf_effective(&mc.ent[0], 3, "x"), -EINVAL);

    /* Explicit values do not depend on version or level. */
    ck_assert_int_eq(mastercf_effective(&mc.ent[1], 3, "3.6"), 'y');
    ck_assert_int_eq(mastercf_effective(&mc.ent[1], 3, "x"), 'y');
    ck_assert_int_eq(mastercf_effective(&mc.ent[2], 2, NULL), 'n');
    mastercf_free(&mc);
}
END_TEST

/* test_entry_name - the "service/type" name of an entry */
START_TEST(test_entry_name)
{
    static const char in[] = "[::1]:submission inet n - - - - smtpd\n";
    struct mastercf mc;
    char err[256], name[64];

    ck_assert_int_eq(mastercf_parse(in, strlen(in), &mc, err, sizeof(err)), 0);
    ck_assert_int_eq(mastercf_entry_name(&mc.ent[0], name, sizeof(name)), 0);
    ck_assert_str_eq(name, "[::1]:submission/inet");
    ck_assert_int_eq(mastercf_entry_name(&mc.ent[0], name, 10), -ENAMETOOLONG);
    mastercf_free(&mc);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Postfix's postconf as the oracle.                                   */
/* ------------------------------------------------------------------ */

/*
 * oracle_compare - run postconf on TEXT (with main.cf MAIN) and require
 * our parse to list the same entries with the same chroot fields, and
 * the effective value to follow from postconf's compatibility_level.
 */
static void
oracle_compare(const char *what, const char *text, size_t len,
	       const char *main_cf)
{
    struct mcf_postconf pc;
    struct mastercf mc;
    char err[256], name[2 * MASTERCF_MAX_FIELD + 2];
    size_t i;
    int ret, want;

    mcf_postconf_run(tmpdir, main_cf, text, len, &pc);
    ck_assert_msg(pc.status == 0, "%s: postconf failed: %s", what, pc.errors);
    ret = mastercf_parse(text, len, &mc, err, sizeof(err));
    ck_assert_msg(ret == 0, "%s: got %d \"%s\", postconf accepts it", what, ret,
		  err);
    ck_assert_msg(mc.n == pc.n, "%s: got %zu entries, postconf has %zu", what,
		  mc.n, pc.n);
    for (i = 0; i < mc.n; i++) {
	ck_assert_int_eq(mastercf_entry_name(&mc.ent[i], name, sizeof(name)),
			 0);
	ck_assert_msg(strcmp(name, pc.name[i]) == 0 &&
			  mc.ent[i].chroot == pc.value[i],
		      "%s: entry %zu: got %s = %c, postconf has %s = %c", what,
		      i, name, mc.ent[i].chroot, pc.name[i], pc.value[i]);

	/* Effective value: postconf's field, '-' per its level. */
	want = pc.value[i] != '-' ? pc.value[i]
				  : mastercf_chroot_default(3, pc.compat);
	ck_assert_msg(mastercf_effective(&mc.ent[i], 3, pc.compat) == want,
		      "%s: %s: effective %c, want %c (level %s)", what, name,
		      mastercf_effective(&mc.ent[i], 3, pc.compat), want,
		      pc.compat);
    }
    check_offsets(&mc, what);
    mastercf_free(&mc);
    mcf_postconf_free(&pc);
}

static const char *const stock_files[] = {
    "postfix-2.10-rhel7.cf",
    "postfix-3.5-rhel8.cf",
    "postfix-3.7-debian12.cf",
    "postfix-3.8-upstream.cf",
};

static const char *const main_cfs[] = {
    "",
    "compatibility_level = 0\n",
    "compatibility_level = 3.6\n",
    "level = 0\ncompatibility_level = $level\n",
};

/* test_oracle_stock - postconf agrees on the stock files */
START_TEST(test_oracle_stock)
{
    size_t len, m;
    char *text = mcf_load_data(stock_files[_i], &len);

    for (m = 0; m < sizeof(main_cfs) / sizeof(main_cfs[0]); m++)
	oracle_compare(stock_files[_i], text, len, main_cfs[m]);
    free(text);
}
END_TEST

/* test_oracle_variants - postconf agrees on generated variants */
START_TEST(test_oracle_variants)
{
    uint32_t seed = 0x5eed0000u + (uint32_t)_i;
    size_t len, vlen, n;
    char *text = mcf_load_data(stock_files[_i], &len);
    char what[128];
    char *v;

    for (n = 0; n < 25; n++) {
	uint32_t vseed = seed * 31 + (uint32_t)n;

	v = mcf_variant(text, len, vseed, &vlen);
	snprintf(what, sizeof(what), "%s variant seed %u", stock_files[_i],
		 (unsigned)vseed);
	oracle_compare(what, v, vlen, main_cfs[n % 4]);
	free(v);
    }
    free(text);
}
END_TEST

/* test_oracle_unusual - postconf agrees on unusual but valid entries */
START_TEST(test_oracle_unusual)
{
    static const char in[] = "# unusual but valid\n"
			     "127.0.0.1:2525 inet n - y - - smtpd\n"
			     "[::1]:submission inet n - - - - smtpd\n"
			     "  -o syslog_name=x\n"
			     "[2001:db8::1]:10025\tinet\tn\t-\tn\t-\t-\tsmtpd\n"
			     "0.0.0.0:smtp inet n - - - 1 postscreen\n"
			     "a/b unix - - y ? 0 c\n"
			     "a} unix - - y 1000? 00 c\n"
			     "x unix-dgram n - n - 1 postlogd\r\n"
			     "f fifo n - - 60 1 pickup\n"
			     "p pass - - - - - smtpd\n"
			     "last unix - - y - -\n"
			     "\n"
			     "  # comment between the fields\n"
			     "  smtp\n";

    oracle_compare("unusual names", in, strlen(in), "");
    oracle_compare("unusual names", in, strlen(in),
		   "compatibility_level = 3.6\n");
}
END_TEST

/*
 * test_malformed_postconf - what postconf does with our refusals
 *
 * Inputs we refuse are refused by postconf too, unless documented.  All
 * postconf runs are started at once (each refusal costs a second).
 */
START_TEST(test_malformed_postconf)
{
    size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]), i;
    pid_t pid[sizeof(bad_cases) / sizeof(bad_cases[0])];
    char dir[sizeof(bad_cases) / sizeof(bad_cases[0])][300];
    struct mcf_postconf pc;

    for (i = 0; i < n; i++) {
	const struct bad_case *c = &bad_cases[i];

	snprintf(dir[i], sizeof(dir[i]), "%s/case%zu", tmpdir, i);
	ck_assert_int_eq(mkdir(dir[i], 0700), 0);
	pid[i] = c->postconf_fails < 0
		     ? 0
		     : mcf_postconf_start(dir[i], "", c->in,
					  c->len ? c->len : strlen(c->in));
    }
    for (i = 0; i < n; i++) {
	const struct bad_case *c = &bad_cases[i];

	if (pid[i] == 0)
	    continue; /* NUL: postconf reads C strings; not comparable */
	mcf_postconf_finish(dir[i], pid[i], &pc);
	if (c->postconf_fails == 2)
	    ck_assert_msg(pc.status == 0 && pc.errors[0] == 0,
			  "%s: postconf was expected to accept it: status "
			  "%d, \"%s\"",
			  c->name, pc.status, pc.errors);
	else if (c->postconf_fails)
	    ck_assert_msg(pc.status != 0,
			  "%s: postconf accepts what we refuse (%zu entries)",
			  c->name, pc.n);
	else
	    ck_assert_msg(pc.status == 0 && pc.errors[0] != 0,
			  "%s: postconf was expected to warn and go on: "
			  "status %d, \"%s\"",
			  c->name, pc.status, pc.errors);
	mcf_postconf_free(&pc);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Helpers (also used by check_mcedit.c).                              */
/* ------------------------------------------------------------------ */

#define POSTCONF "/usr/sbin/postconf"

/* mcf_rand - xorshift32: reproducible pseudo-random numbers */
uint32_t
mcf_rand(uint32_t *seed)
{
    uint32_t x = *seed ? *seed : 0x9e3779b9u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return (*seed = x);
}

/* mcf_mkdtemp - make a private temporary directory, name into BUF */
void
mcf_mkdtemp(char *buf, size_t len)
{
    ck_assert_int_lt(snprintf(buf, len, "/tmp/check_mastercf.XXXXXX"),
		     (int)len);
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp: %s", strerror(errno));
}

/* mcf_rmtree_at - remove everything below directory DFD */
static void
mcf_rmtree_at(int dfd)
{
    DIR *d = fdopendir(dfd);
    struct dirent *de;
    int sub;

    if (d == NULL)
	return;
    while ((de = readdir(d)) != NULL) {
	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	if (unlinkat(dirfd(d), de->d_name, 0) == 0)
	    continue;
	sub = openat(dirfd(d), de->d_name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0)
	    mcf_rmtree_at(sub);
	(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

/* mcf_rmtree - remove DIR and everything in it; errors are ignored */
void
mcf_rmtree(const char *dir)
{
    int dfd;

    if (dir[0] == 0)
	return;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd >= 0)
	mcf_rmtree_at(dfd);
    (void)rmdir(dir);
}

/* mcf_write_file - create DIR/NAME with LEN bytes of DATA */
void
mcf_write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[512];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
    ck_assert_msg(write(fd, data, len) == (ssize_t)len, "%s: write: %s", path,
		  strerror(errno));
    close(fd);
}

/*
 * mcf_backdate - set the times of DIR/NAME an hour back.  Postfix reads a
 * main.cf changed in the last second again and again, 300 ms apart, until
 * it is older: a fresh file costs about two seconds per postconf run.
 */
static void
mcf_backdate(const char *dir, const char *name)
{
    struct timespec ts[2];
    char path[512];

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 3600;
    ts[1] = ts[0];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_msg(utimensat(AT_FDCWD, path, ts, 0) == 0, "%s: utimensat: %s",
		  path, strerror(errno));
}

/* mcf_write_big - DIR/NAME: SIZE bytes of comment lines */
void
mcf_write_big(const char *dir, const char *name, size_t size)
{
    char *buf = malloc(size);
    size_t i;

    ck_assert_ptr_nonnull(buf);
    for (i = 0; i < size; i++)
	buf[i] = (i % 64 == 63) ? '\n' : '#';
    mcf_write_file(dir, name, buf, size);
    free(buf);
}

/* mcf_read_file - the whole of DIR/NAME (NUL-terminated), or NULL */
char *
mcf_read_file(const char *dir, const char *name, size_t *len)
{
    char path[512];
    struct stat st;
    char *buf;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
	return (NULL);
    ck_assert_int_eq(fstat(fd, &st), 0);
    buf = malloc((size_t)st.st_size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(read(fd, buf, (size_t)st.st_size) == st.st_size,
		  "%s: short read", path);
    buf[st.st_size] = 0;
    *len = (size_t)st.st_size;
    close(fd);
    return (buf);
}

/* mcf_load_data - a file of tests/data/mastercf */
char *
mcf_load_data(const char *name, size_t *len)
{
    const char *tests = getenv("PFC_TESTS");
    char dir[512];
    char *buf;

    snprintf(dir, sizeof(dir), "%s/data/mastercf",
	     tests && *tests ? tests : "tests");
    buf = mcf_read_file(dir, name, len);
    ck_assert_msg(buf != NULL,
		  "%s/%s: %s (set PFC_TESTS or run from the "
		  "top directory)",
		  dir, name, strerror(errno));
    return (buf);
}

/* mcf_spawn - start ARGV with stdout and stderr to files; its pid */
static pid_t
mcf_spawn(const char *const argv[], const char *out, const char *errf)
{
    static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				       "LC_ALL=C", NULL};
    pid_t pid;
    int fd;

    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 1) < 0)
	    _exit(126);
	if ((fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 2) < 0)
	    _exit(126);
	execve(argv[0], (char *const *)argv, (char *const *)envp);
	_exit(127);
    }
    return (pid);
}

/* mcf_wait - exit status of PID, -1 if it did not exit */
static int
mcf_wait(pid_t pid)
{
    int st;

    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/*
 * mcf_postconf_start - write DIR/main.cf and DIR/master.cf, start postconf
 * -F on them.  Postfix sleeps a second before it exits on a fatal error,
 * so tests that expect refusals start many at once.
 */
pid_t
mcf_postconf_start(const char *dir, const char *main_cf, const char *text,
		   size_t len)
{
    const char *argv[] = {POSTCONF, "-c", dir, "-F", "*/*/chroot", NULL};
    char out[512], errf[512];

    ck_assert_msg(access(POSTCONF, X_OK) == 0,
		  "%s: %s: Postfix is needed as the test oracle (install the "
		  "postfix package)",
		  POSTCONF, strerror(errno));
    mcf_write_file(dir, "main.cf", main_cf, strlen(main_cf));
    mcf_write_file(dir, "master.cf", text, len);
    mcf_backdate(dir, "main.cf");
    mcf_backdate(dir, "master.cf");
    snprintf(out, sizeof(out), "%s/postconf.out", dir);
    snprintf(errf, sizeof(errf), "%s/postconf.err", dir);
    return (mcf_spawn(argv, out, errf));
}

/* mcf_compat_level - postconf -xh compatibility_level for DIR/main.cf */
static char *
mcf_compat_level(const char *dir)
{
    static struct {
	char *main_cf;
	char *level;
    } cache[16];
    const char *argv[] = {POSTCONF, "-c", dir, "-xh", "compatibility_level",
			  NULL};
    char out[512], errf[512], *main_cf, *buf;
    size_t len, i;

    main_cf = mcf_read_file(dir, "main.cf", &len);
    ck_assert_ptr_nonnull(main_cf);
    for (i = 0; i < 16 && cache[i].main_cf; i++) {
	if (strcmp(cache[i].main_cf, main_cf) == 0) {
	    free(main_cf);
	    return (strdup(cache[i].level));
	}
    }
    snprintf(out, sizeof(out), "%s/level.out", dir);
    snprintf(errf, sizeof(errf), "%s/level.err", dir);
    ck_assert_int_eq(mcf_wait(mcf_spawn(argv, out, errf)), 0);
    buf = mcf_read_file(dir, "level.out", &len);
    ck_assert_ptr_nonnull(buf);
    buf[strcspn(buf, "\n")] = 0;
    if (i < 16) {
	cache[i].main_cf = main_cf;
	cache[i].level = strdup(buf);
    } else {
	free(main_cf);
    }
    return (buf);
}

/* mcf_postconf_finish - wait for PID, collect what postconf said */
void
mcf_postconf_finish(const char *dir, pid_t pid, struct mcf_postconf *pc)
{
    char *buf, *line, *next, *eq;
    size_t blen, cap = 0;

    memset(pc, 0, sizeof(*pc));
    pc->status = mcf_wait(pid);

    /* Its complaints, for the failure messages. */
    buf = mcf_read_file(dir, "postconf.err", &blen);
    ck_assert_ptr_nonnull(buf);
    snprintf(pc->errors, sizeof(pc->errors), "%s", buf);
    free(buf);

    /* Lines "service/type/chroot = v". */
    buf = mcf_read_file(dir, "postconf.out", &blen);
    ck_assert_ptr_nonnull(buf);
    for (line = buf; *line; line = next) {
	next = strchr(line, '\n');
	next = next ? next + 1 : line + strlen(line);
	eq = strstr(line, "/chroot = ");
	ck_assert_msg(eq != NULL, "postconf output: %.*s", (int)(next - line),
		      line);
	if (pc->n == cap) {
	    cap = cap ? 2 * cap : 64;
	    pc->name = realloc(pc->name, cap * sizeof(*pc->name));
	    pc->value = realloc(pc->value, cap);
	    ck_assert(pc->name && pc->value);
	}
	pc->name[pc->n] = strndup(line, (size_t)(eq - line));
	pc->value[pc->n++] = eq[strlen("/chroot = ")];
    }
    free(buf);

    /*
     * The level as the programs see it, variables expanded.  It depends
     * on main.cf alone, so each main.cf is asked about once.
     */
    if (pc->status == 0)
	pc->compat = mcf_compat_level(dir);
}

/* mcf_postconf_run - postconf -F on TEXT as DIR/master.cf */
void
mcf_postconf_run(const char *dir, const char *main_cf, const char *text,
		 size_t len, struct mcf_postconf *pc)
{
    pid_t pid = mcf_postconf_start(dir, main_cf, text, len);

    mcf_postconf_finish(dir, pid, pc);
}

/* mcf_postconf_free - release what mcf_postconf_run() allocated */
void
mcf_postconf_free(struct mcf_postconf *pc)
{
    size_t i;

    for (i = 0; i < pc->n; i++)
	free(pc->name[i]);
    free(pc->name);
    free(pc->value);
    free(pc->compat);
    memset(pc, 0, sizeof(*pc));
}

/* A growing output buffer for mcf_variant(). */
struct mcf_out {
    char *buf;
    size_t len;
    size_t cap;
};

/* mcf_put - append LEN bytes */
static void
mcf_put(struct mcf_out *o, const char *s, size_t len)
{
    while (o->len + len + 1 > o->cap) {
	o->cap = o->cap ? 2 * o->cap : 4096;
	o->buf = realloc(o->buf, o->cap);
	ck_assert_ptr_nonnull(o->buf);
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
    o->buf[o->len] = 0;
}

/* mcf_puts - append a string */
static void
mcf_puts(struct mcf_out *o, const char *s)
{
    mcf_put(o, s, strlen(s));
}

/* mcf_pick - one of the strings of a NULL-terminated list */
static const char *
mcf_pick(uint32_t *seed, const char *const *list)
{
    size_t n;

    for (n = 0; list[n]; n++)
	/* void */;
    return (list[mcf_rand(seed) % n]);
}

static const char *const mcf_seps[] = {" ",    "\t",      "  ", " \t",
				       "\t\t", "       ", NULL};
static const char *const mcf_lead[] = {" ",   "\t",       "  ", " \t",
				       "\t ", "        ", NULL};
static const char *const mcf_fillers[] = {
    "#",  "# a comment", "  # indented comment",       "\t#", "",
    "  ", "\t \t",       "#smtp inet n - y - - smtpd", NULL};

/*
 * mcf_variant - the same entries written differently: other spacing,
 * tabs, CRLF, entries broken into continuation lines, comments and blank
 * lines anywhere, every chroot field '-' in some variants, and a few
 * unusual service names appended.
 */
char *
mcf_variant(const char *text, size_t len, uint32_t seed, size_t *vlen)
{
    struct mcf_out o = {NULL, 0, 0};
    const char *eol = (mcf_rand(&seed) % 5 == 0) ? "\r\n" : "\n";
    int dash_all = mcf_rand(&seed) % 4 == 0;
    const char *line = text, *end = text + len, *nl;
    char tok[64][256];
    size_t ntok, i, l;

    while (line < end) {
	nl = memchr(line, '\n', (size_t)(end - line));
	l = (size_t)((nl ? nl : end) - line);

	/* Now and then a comment or blank line in between. */
	if (mcf_rand(&seed) % 6 == 0) {
	    mcf_puts(&o, mcf_pick(&seed, mcf_fillers));
	    mcf_puts(&o, eol);
	}
	if (l > 0 && line[0] != '#' && line[0] != ' ' && line[0] != '\t') {

	    /* An entry's first line: fields written anew. */
	    for (ntok = 0, i = 0; i < l && ntok < 64;) {
		size_t t = 0;

		while (i < l && (line[i] == ' ' || line[i] == '\t'))
		    i++;
		if (i == l)
		    break;
		while (i < l && line[i] != ' ' && line[i] != '\t' && t < 255)
		    tok[ntok][t++] = line[i++];
		tok[ntok++][t] = 0;
	    }
	    if (dash_all && ntok > 4)
		strcpy(tok[4], "-");
	    for (i = 0; i < ntok; i++) {
		if (i > 0 && i < 9 && mcf_rand(&seed) % 7 == 0) {
		    if (mcf_rand(&seed) % 3 == 0) {
			mcf_puts(&o, eol);
			mcf_puts(&o, mcf_pick(&seed, mcf_fillers));
		    }
		    mcf_puts(&o, eol);
		    mcf_puts(&o, mcf_pick(&seed, mcf_lead));
		} else if (i > 0) {
		    mcf_puts(&o, mcf_pick(&seed, mcf_seps));
		}
		mcf_puts(&o, tok[i]);
	    }
	    if (mcf_rand(&seed) % 4 == 0)
		mcf_puts(&o, mcf_pick(&seed, mcf_seps));
	} else if (l > 0 && line[0] != '#') {

	    /* A continuation (or blank) line: other leading space. */
	    for (i = 0; i < l && (line[i] == ' ' || line[i] == '\t'); i++)
		/* void */;
	    if (i < l)
		mcf_puts(&o, mcf_pick(&seed, mcf_lead));
	    mcf_put(&o, line + i, l - i);
	} else {
	    mcf_put(&o, line, l);
	}
	if (nl)
	    mcf_puts(&o, eol);
	line = nl ? nl + 1 : end;
    }
    if (seed % 3 == 0)
	mcf_puts(&o, "127.0.0.1:2525 inet n - y - - smtpd\n"
		     "[::1]:submission\tinet n - - - - smtpd\n"
		     "  -o syslog_name=postfix/loopback\n");
    *vlen = o.len;
    return (o.buf);
}

/* mastercf_suite - the suite for the runner */
Suite *
mastercf_suite(void)
{
    Suite *s = suite_create("mastercf");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse_table, 0,
			sizeof(parse_cases) / sizeof(parse_cases[0]));
    tcase_add_loop_test(tc, test_malformed_table, 0,
			sizeof(bad_cases) / sizeof(bad_cases[0]));
    tcase_add_test(tc, test_overlong_field);
    tcase_add_test(tc, test_too_big);
    tcase_add_test(tc, test_binary_garbage);
    tcase_add_test(tc, test_entry_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("read");
    tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
    tcase_add_test(tc, test_read_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("default");
    tcase_add_loop_test(tc, test_chroot_default, 0,
			sizeof(default_cases) / sizeof(default_cases[0]));
    tcase_add_test(tc, test_c10_effective);
    suite_add_tcase(s, tc);

    tc = tcase_create("postconf");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
    tcase_add_loop_test(tc, test_oracle_stock, 0,
			sizeof(stock_files) / sizeof(stock_files[0]));
    tcase_add_loop_test(tc, test_oracle_variants, 0,
			sizeof(stock_files) / sizeof(stock_files[0]));
    tcase_add_test(tc, test_oracle_unusual);
    tcase_add_test(tc, test_malformed_postconf);
    suite_add_tcase(s, tc);
    return (s);
}
