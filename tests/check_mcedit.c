/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_mcedit - tests of the master.cf editor
 * SUMMARY
 *	enable, disable and enable again on stock files with exact expected
 *	bytes; the record; the diff (checked with patch); the atomic write,
 *	the lock shared with postconf, and refusals that leave the file as
 *	it was.
 * DESCRIPTION
 *	mcedit_suite() holds:
 *
 *	"stock": each stock master.cf of tests/data/mastercf through
 *	enable, disable and enable again.  The expected bytes are built
 *	here from hand-written lists of line numbers (the fifth field of
 *	each listed line is set), not with the parser under test.  Files
 *	whose eligible entries all say 'n' (Postfix 2.10, 3.5, 3.8) come
 *	back byte for byte; the Debian file has explicit 'y' that disable
 *	turns into 'n', and comes back exactly through named entries.  The
 *	same with every chroot field '-' first.  postconf -F reads every
 *	result and agrees with the parser on every entry.
 *
 *	"cases": C10 (the same '-' line under compatibility_level 3.6 and 0)
 *	and C11 (comments, blank lines and -o lines: only the fifth field
 *	of eligible entries changes), names (unknown, never-chroot,
 *	malformed, duplicates, unusual services), the record rules.
 *
 *	"diff": unified diffs of many edits, applied with patch --dry-run
 *	and then for real, must give the new bytes exactly.
 *
 *	"write": mcedit_apply() on a temporary configuration directory:
 *	owner, mode and SELinux label kept, backup, no leftovers, unchanged
 *	file not rewritten, dry run, lock busy, postconf -F waiting for our
 *	lock, symlink / hard link / FIFO / writable-directory attacks, and
 *	malformed files (7 fields, an overlong field, a continuation line
 *	at the top, binary garbage, 10 MB) refused with the file unchanged.
 *
 *	Environment: PFC_TESTS as for check_mastercf.c.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Needs root (chown, security.selinux); everything happens below a
 *	temporary directory in /tmp.
 * BUGS
 *	The race of an editor that ignores the lock and replaces master.cf
 *	between the check and the rename is not exercised.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "mastercf.h"
#include "mcedit.h"

/* Helpers defined in check_mastercf.c (one test program). */
struct mcf_postconf {
    int status;
    char errors[4096];
    size_t n;
    char **name;
    char *value;
    char *compat;
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

static char tmpdir[256];

/* setup - a fresh temporary directory per test */
static void
setup(void)
{
    mcf_mkdtemp(tmpdir, sizeof(tmpdir));
}

/* teardown - remove it */
static void
teardown(void)
{
    mcf_rmtree(tmpdir);
}

/* ------------------------------------------------------------------ */
/* Small tools.                                                        */
/* ------------------------------------------------------------------ */

/* parse - mastercf_parse() that must succeed */
static void
parse(const char *text, size_t len, struct mastercf *mc, const char *what)
{
    char err[256];
    int ret = mastercf_parse(text, len, mc, err, sizeof(err));

    ck_assert_msg(ret == 0, "%s: parse: %d %s", what, ret, err);
}

/* compute - parse TEXT and compute an edit that must succeed */
static void
compute(const char *text, size_t len, int mode, int dash,
	const struct mcedit_record *rec, const char *const *names,
	size_t nnames, struct mcedit_result *res, const char *what)
{
    struct mcedit_req req = {mode, names, nnames, NULL, dash};
    struct mastercf mc;
    char err[256];
    int ret;

    parse(text, len, &mc, what);
    ret = mcedit_compute(&mc, &req, rec, res, err, sizeof(err));
    ck_assert_msg(ret == 0, "%s: compute: %d %s", what, ret, err);
    mastercf_free(&mc);
}

/*
 * set_field5 - in a copy of TEXT, set the fifth white-space separated
 * word of each listed line (1-based numbers, 0-terminated) to VALUE.
 * Independent of the parser: it knows only the layout of the stock
 * files, where the fifth field is on the entry's first line.
 */
static char *
set_field5(const char *text, size_t len, const unsigned *lines, char value)
{
    char *out = malloc(len + 1);
    size_t pos = 0;
    unsigned line = 1;
    const unsigned *l;
    int word;

    ck_assert_ptr_nonnull(out);
    memcpy(out, text, len);
    out[len] = 0;
    for (l = lines; *l; l++) {
	for (; line < *l && pos < len; pos++)
	    if (out[pos] == '\n')
		line++;
	ck_assert_msg(line == *l, "line %u: not in the file", *l);
	for (word = 0;;) {
	    while (out[pos] == ' ' || out[pos] == '\t')
		pos++;
	    if (++word == 5)
		break;
	    while (out[pos] != ' ' && out[pos] != '\t' && out[pos] != '\n')
		pos++;
	}
	ck_assert_msg(out[pos + 1] == ' ' || out[pos + 1] == '\t',
		      "line %u: fifth word is not one character", *l);
	out[pos] = value;
    }
    return (out);
}

/* same_bytes - compare, reporting the first difference */
static void
same_bytes(const char *got, size_t glen, const char *want, size_t wlen,
	   const char *what)
{
    size_t i;

    for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
	/* void */;
    ck_assert_msg(glen == wlen && i == glen,
		  "%s: got %zu bytes, want %zu; first difference at byte "
		  "%zu: got \"%.40s\", want \"%.40s\"",
		  what, glen, wlen, i, i < glen ? got + i : "",
		  i < wlen ? want + i : "");
}

/* check_change_lines - RES changed exactly the lines WANT, to NOW */
static void
check_change_lines(const struct mcedit_result *res, const unsigned *want,
		   char now, const char *what)
{
    size_t i;

    for (i = 0; i < res->n && want[i]; i++) {
	ck_assert_msg(res->chg[i].line == want[i] && res->chg[i].now == now,
		      "%s: change %zu: got line %u -> %c, want line %u -> %c",
		      what, i, res->chg[i].line, res->chg[i].now, want[i], now);
	ck_assert_msg(res->chg[i].was != now, "%s: change %zu changes nothing",
		      what, i);
    }
    ck_assert_msg(i == res->n && want[i] == 0,
		  "%s: got %zu changes, want more or fewer", what, res->n);
}

/*
 * oracle_agrees - postconf -F reads TEXT and lists the same entries and
 * chroot fields as the parser.
 */
static void
oracle_agrees(const char *text, size_t len, const char *what)
{
    struct mcf_postconf pc;
    struct mastercf mc;
    char name[2 * MASTERCF_MAX_FIELD + 2];
    size_t i;

    parse(text, len, &mc, what);
    mcf_postconf_run(tmpdir, "", text, len, &pc);
    ck_assert_msg(pc.status == 0, "%s: postconf: %s", what, pc.errors);
    ck_assert_msg(pc.n == mc.n, "%s: postconf %zu entries, parser %zu", what,
		  pc.n, mc.n);
    for (i = 0; i < mc.n; i++) {
	mastercf_entry_name(&mc.ent[i], name, sizeof(name));
	ck_assert_msg(strcmp(name, pc.name[i]) == 0 &&
			  pc.value[i] == mc.ent[i].chroot,
		      "%s: postconf %s = %c, parser %s = %c", what, pc.name[i],
		      pc.value[i], name, mc.ent[i].chroot);
    }
    mcf_postconf_free(&pc);
    mastercf_free(&mc);
}

/* ------------------------------------------------------------------ */
/* Stock files: enable, disable, enable.                               */
/* ------------------------------------------------------------------ */

struct stock_case {
    const char *file;
    unsigned enable[32];  /* lines whose field enable sets to 'y' */
    unsigned disable[32]; /* lines whose field disable then sets */
    int round_trip;       /* disable gives back the original */
};

static const struct stock_case stock_cases[] = {
    {"postfix-2.10-rhel7.cf",
     {12, 38, 39, 40, 42, 43, 44, 45, 46, 47, 48,
      51, 52, 54, 55, 56, 57, 60, 61, 62, 0},
     {12, 38, 39, 40, 42, 43, 44, 45, 46, 47, 48,
      51, 52, 54, 55, 56, 57, 60, 61, 62, 0},
     1},
    {"postfix-3.5-rhel8.cf",
     {12, 41, 42, 43, 45, 46, 47, 48, 49, 50, 51,
      54, 55, 58, 59, 60, 61, 64, 65, 66, 0},
     {12, 41, 42, 43, 45, 46, 47, 48, 49, 50, 51,
      54, 55, 58, 59, 60, 61, 64, 65, 66, 0},
     1},
    {"postfix-3.7-debian12.cf",
     {55, 0},
     {12, 53, 54, 55, 57, 58, 59, 60, 61, 62, 63,
      66, 67, 70, 71, 72, 73, 76, 77, 78, 0},
     0},
    {"postfix-3.8-upstream.cf",
     {12, 53, 54, 55, 57, 58, 59, 60, 61, 62, 63,
      66, 67, 70, 71, 72, 73, 76, 77, 78, 0},
     {12, 53, 54, 55, 57, 58, 59, 60, 61, 62, 63,
      66, 67, 70, 71, 72, 73, 76, 77, 78, 0},
     1},
};

/* test_stock_cycle - enable, disable, enable of a stock file, byte exact */
START_TEST(test_stock_cycle)
{
    const struct stock_case *c = &stock_cases[_i];
    struct mcedit_result e1, d1, e2;
    char *orig, *want_e, *want_d;
    size_t len;

    orig = mcf_load_data(c->file, &len);
    want_e = set_field5(orig, len, c->enable, 'y');

    /* enable: exactly the listed fields become 'y'. */
    compute(orig, len, MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e1, c->file);
    same_bytes(e1.buf, e1.len, want_e, len, "enable");
    check_change_lines(&e1, c->enable, 'y', "enable");
    oracle_agrees(e1.buf, e1.len, "enable");

    /* disable with the record: the original for the 'n' files. */
    compute(e1.buf, e1.len, MCEDIT_DISABLE, 'n', &e1.rec, NULL, 0, &d1,
	    c->file);
    want_d = set_field5(want_e, len, c->disable, 'n');
    same_bytes(d1.buf, d1.len, want_d, len, "disable");
    check_change_lines(&d1, c->disable, 'n', "disable");
    if (c->round_trip)
	same_bytes(d1.buf, d1.len, orig, len, "round trip");
    ck_assert_msg(d1.rec.n == 0, "disable left %zu record items", d1.rec.n);
    oracle_agrees(d1.buf, d1.len, "disable");

    /* enable again: the same bytes as the first time. */
    compute(d1.buf, d1.len, MCEDIT_ENABLE, 'n', &d1.rec, NULL, 0, &e2, c->file);
    same_bytes(e2.buf, e2.len, e1.buf, e1.len, "enable again");

    mcedit_result_free(&e1);
    mcedit_result_free(&d1);
    mcedit_result_free(&e2);
    free(orig);
    free(want_e);
    free(want_d);
}
END_TEST

/* test_debian_named_round_trip - the Debian file comes back through names */
START_TEST(test_debian_named_round_trip)
{
    static const char *const names[] = {"qmgr/unix", "smtp/inet"};
    static const unsigned qmgr[] = {55, 0};
    struct mcedit_result e, d;
    char *orig;
    size_t len;

    orig = mcf_load_data("postfix-3.7-debian12.cf", &len);
    compute(orig, len, MCEDIT_ENABLE, 'n', NULL, names, 2, &e, "debian");
    check_change_lines(&e, qmgr, 'y', "named enable");
    ck_assert_int_eq(e.rec.n, 1);
    ck_assert_str_eq(e.rec.item[0].name, "qmgr/unix");
    ck_assert_int_eq(e.rec.item[0].was, 'n');
    compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, names, 1, &d, "debian");
    same_bytes(d.buf, d.len, orig, len, "named round trip");
    mcedit_result_free(&e);
    mcedit_result_free(&d);
    free(orig);
}
END_TEST

/*
 * dash_everywhere - a copy of TEXT with every chroot field '-' (the
 * Postfix 2 habit), through the parser's offsets.
 */
static char *
dash_everywhere(const char *text, size_t len)
{
    struct mastercf mc;
    char *out;
    size_t i;

    parse(text, len, &mc, "dash");
    out = malloc(len + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, text, len);
    for (i = 0; i < mc.n; i++)
	out[mc.ent[i].chroot_off] = '-';
    mastercf_free(&mc);
    return (out);
}

/* test_stock_dash - the stock files with every chroot field '-' */
START_TEST(test_stock_dash)
{
    const struct stock_case *c = &stock_cases[_i];
    struct mcedit_result e, d, dy;
    char *orig, *dash, *want_e, *want_dy;
    size_t len;

    orig = mcf_load_data(c->file, &len);
    dash = dash_everywhere(orig, len);

    /* The eligible entries of each file (its disable list). */
    want_e = set_field5(dash, len, c->disable, 'y');
    compute(dash, len, MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e, "dash");
    same_bytes(e.buf, e.len, want_e, len, "dash enable");
    oracle_agrees(e.buf, e.len, "dash enable");

    /* '-' meant 'n': disable restores every '-'. */
    compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, NULL, 0, &d, "dash");
    same_bytes(d.buf, d.len, dash, len, "dash round trip");

    /* '-' meant 'y' (level 0): restoring it would not disable. */
    want_dy = set_field5(dash, len, c->disable, 'n');
    compute(e.buf, e.len, MCEDIT_DISABLE, 'y', &e.rec, NULL, 0, &dy, "dash");
    same_bytes(dy.buf, dy.len, want_dy, len, "dash disable at level 0");

    mcedit_result_free(&e);
    mcedit_result_free(&d);
    mcedit_result_free(&dy);
    free(orig);
    free(dash);
    free(want_e);
    free(want_dy);
}
END_TEST

/* test_variants_cycle - variants: enable, then disable restores 'n' and '-' */
START_TEST(test_variants_cycle)
{
    const struct stock_case *c = &stock_cases[_i];
    struct mcedit_result e, d;
    struct mastercf mc, me;
    char *orig, *v;
    size_t len, vlen, i, n;

    orig = mcf_load_data(c->file, &len);
    for (n = 0; n < 10; n++) {
	v = mcf_variant(orig, len, 0xed170000u + (uint32_t)(_i * 100 + n),
			&vlen);
	compute(v, vlen, MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e, "variant");
	oracle_agrees(e.buf, e.len, "variant enable");

	/* Every eligible entry is 'y' now, every other field unchanged. */
	parse(v, vlen, &mc, "variant");
	parse(e.buf, e.len, &me, "variant enabled");
	ck_assert_uint_eq(mc.n, me.n);
	for (i = 0; i < mc.n; i++)
	    ck_assert_int_eq(me.ent[i].chroot, mcedit_is_never(&mc.ent[i], NULL)
						   ? mc.ent[i].chroot
						   : 'y');
	compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, NULL, 0, &d,
		"variant");
	for (i = 0; i < mc.n; i++)
	    ck_assert_int_eq(d.buf[mc.ent[i].chroot_off],
			     mc.ent[i].chroot == 'y' &&
				     !mcedit_is_never(&mc.ent[i], NULL)
				 ? 'n'
				 : mc.ent[i].chroot);
	mastercf_free(&mc);
	mastercf_free(&me);
	mcedit_result_free(&e);
	mcedit_result_free(&d);
	free(v);
    }
    free(orig);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Field cases and names.                                              */
/* ------------------------------------------------------------------ */

/* test_c10 - C10: smtp/inet '-' under level 3.6 and 0 */
START_TEST(test_c10)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    static const char *const levels[] = {"compatibility_level = 3.6\n",
					 "compatibility_level = 0\n"};
    static const int want[] = {'n', 'y'};
    struct mcf_postconf pc;
    struct mastercf mc;
    int i;

    parse(in, strlen(in), &mc, "C10");
    for (i = 0; i < 2; i++) {
	mcf_postconf_run(tmpdir, levels[i], in, strlen(in), &pc);
	ck_assert_msg(pc.status == 0 && pc.n == 1 && pc.value[0] == '-',
		      "C10: postconf: %s", pc.errors);
	ck_assert_msg(mastercf_effective(&mc.ent[0], 3, pc.compat) == want[i],
		      "C10: level %s: got %c, want %c", pc.compat,
		      mastercf_effective(&mc.ent[0], 3, pc.compat), want[i]);
	mcf_postconf_free(&pc);
    }
    mastercf_free(&mc);
}
END_TEST

static const char c11_in[] =
    "#\n"
    "# master.cf with everything that breaks sed one-liners\n"
    "#\n"
    "smtp      inet  n       -       -       -       -       smtpd\n"
    "  -o smtpd_tls_security_level=may   \n"
    "\n"
    "# a comment between the entry and its last option\n"
    "\t-o syslog_name=postfix/smtp\n"
    "submission inet n       -       n       -       -       smtpd\n"
    "#  -o smtpd_sasl_auth_enable=yes\n"
    "pickup    unix  n       -       y       60      1       pickup\n"
    "cleanup   unix  n       -       -       -       0       cleanup\n"
    "proxymap  unix  -       -       n       -       -       proxymap\n"
    "proxywrite unix -       -       -       -       1       proxymap\n"
    "local     unix  -       n       -       -       -       local\n"
    "virtual   unix  -       n       n       -       -       virtual\n"
    "postlog   unix-dgram n  -       -       -       1       postlogd\n"
    "maildrop  unix  -       n       n       -       -       pipe\n"
    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n"
    "policy    unix  -       n       -       -       0       spawn\n"
    "  user=nobody argv=/usr/bin/policy\n"
    "relay     unix  -       -\n"
    "  -       -       -       smtp\n"
    "   # trailing comment, no final newline  ";

/* test_c11 - C11: only the fifth field of eligible entries changes */
START_TEST(test_c11)
{
    /* Offsets of the fifth field of the eligible entries. */
    static const char *const eligible[] = {
	"smtp      inet  n       -       -",
	"submission inet n       -       n",
	"cleanup   unix  n       -       -",
	"relay     unix  -       -\n  -",
    };
    struct mcedit_result e;
    size_t len = strlen(c11_in), i, k;
    char *want;

    want = strdup(c11_in);
    ck_assert_ptr_nonnull(want);
    for (k = 0; k < 4; k++) {
	char *at = strstr(want, eligible[k]);

	ck_assert_ptr_nonnull(at);
	at[strlen(eligible[k]) - 1] = 'y';
    }
    compute(c11_in, len, MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e, "C11");
    same_bytes(e.buf, e.len, want, len, "C11 enable");
    ck_assert_uint_eq(e.n, 4);

    /* Only fifth-field bytes changed; postconf sees what we see. */
    for (i = 0, k = 0; i < len; i++)
	if (e.buf[i] != c11_in[i])
	    ck_assert_uint_eq(i, e.chg[k++].off);
    oracle_agrees(e.buf, e.len, "C11");
    mcedit_result_free(&e);
    free(want);
}
END_TEST

struct name_case {
    const char *name;
    int mode;
    int ret;
    const char *msg;
    size_t nchanged;
};

static const char names_in[] = "smtp inet n - n - - smtpd\n"
			       "smtp inet n - - - - smtpd\n"
			       "127.0.0.1:2525 inet n - - - - smtpd\n"
			       "[::1]:submission inet n - - - - smtpd\n"
			       "a/b unix - - - - - smtp\n"
			       "local unix - n n - - local\n"
			       "proxywrite unix - - - - 1 proxymap\n"
			       "mylocal unix - n y - - local\n";

static const struct name_case name_cases[] = {
    {"smtp/inet", MCEDIT_ENABLE, 0, "", 2},
    {"127.0.0.1:2525/inet", MCEDIT_ENABLE, 0, "", 0}, /* named twice */
    {"[::1]:submission/inet", MCEDIT_ENABLE, 0, "", 1},
    {"a/b/unix", MCEDIT_ENABLE, 0, "", 1},
    {"smtp/unix", MCEDIT_ENABLE, -ENOENT,
     "smtp/unix: no such entry in master.cf", 0},
    {"a/unix", MCEDIT_ENABLE, -ENOENT, "no such entry", 0},
    {"local/unix", MCEDIT_ENABLE, -EPERM,
     "local/unix: must never run chrooted (command local)", 0},
    {"proxywrite/unix", MCEDIT_ENABLE, -EPERM, "must never run chrooted", 0},
    {"mylocal/unix", MCEDIT_DISABLE, 0, "", 1},
    {"local/unix", MCEDIT_DISABLE, 0, "", 0},
    {"smtp", MCEDIT_ENABLE, -EINVAL, "smtp: not a SERVICE/TYPE name", 0},
    {"/inet", MCEDIT_ENABLE, -EINVAL, "not a SERVICE/TYPE name", 0},
    {"smtp/", MCEDIT_ENABLE, -EINVAL, "not a SERVICE/TYPE name", 0},
    {"smtp inet", MCEDIT_ENABLE, -EINVAL, "not a SERVICE/TYPE name", 0},
};

/* test_names - named entries: good, unknown, never-chroot, malformed */
START_TEST(test_names)
{
    const struct name_case *c = &name_cases[_i];
    const char *names[2] = {"127.0.0.1:2525/inet", c->name};
    struct mcedit_req req = {c->mode, names, 2, NULL, 'n'};
    struct mcedit_result res;
    struct mastercf mc;
    char err[256] = "";
    int ret;

    /* A good name before a bad one must not lead to a partial edit. */
    parse(names_in, strlen(names_in), &mc, c->name);
    ret = mcedit_compute(&mc, &req, NULL, &res, err, sizeof(err));
    ck_assert_msg(ret == c->ret && strstr(err, c->msg),
		  "%s: got %d \"%s\", want %d \"%s\"", c->name, ret, err,
		  c->ret, c->msg);
    if (ret == 0)
	ck_assert_msg(res.n == c->nchanged + (c->mode == MCEDIT_ENABLE),
		      "%s: got %zu changes, want %zu", c->name, res.n,
		      c->nchanged + (c->mode == MCEDIT_ENABLE));
    else
	ck_assert_msg(res.buf == NULL && res.n == 0 && res.rec.n == 0,
		      "%s: a refused edit left a result", c->name);
    mcedit_result_free(&res);
    mastercf_free(&mc);
}
END_TEST

/* test_never_list - the default never list and a replacement */
START_TEST(test_never_list)
{
    static const char in[] = "smtp inet n - n - - smtpd\n"
			     "cleanup unix n - n - 0 cleanup\n"
			     "postlog unix-dgram n - n - 1 postlogd\n"
			     "x unix - n n - - /usr/lib/postfix/sbin/spawn\n";
    static const char *const never[] = {"cleanup", "spawn", NULL};
    struct mcedit_req req = {MCEDIT_ENABLE, NULL, 0, never, 'n'};
    struct mcedit_result res;
    struct mastercf mc;
    char err[256];

    /* The default list: smtp and cleanup; postlog by service name. */
    compute(in, strlen(in), MCEDIT_ENABLE, 'n', NULL, NULL, 0, &res, "dflt");
    ck_assert_uint_eq(res.n, 2);
    ck_assert_str_eq(res.chg[0].name, "smtp/inet");
    ck_assert_str_eq(res.chg[1].name, "cleanup/unix");
    mcedit_result_free(&res);

    /* An extended list replaces the default one. */
    parse(in, strlen(in), &mc, "never");
    ck_assert_int_eq(mcedit_compute(&mc, &req, NULL, &res, err, sizeof(err)),
		     0);
    ck_assert_uint_eq(res.n, 2);
    ck_assert_str_eq(res.chg[0].name, "smtp/inet");
    ck_assert_str_eq(res.chg[1].name, "postlog/unix-dgram");
    mcedit_result_free(&res);
    mastercf_free(&mc);
}
END_TEST

/* test_record_rules - what enable notes and disable restores */
START_TEST(test_record_rules)
{
    static const char in[] = "a unix - - - - - a\n"
			     "b unix - - n - - b\n"
			     "c unix - - y - - c\n"
			     "a unix - - n - - a\n";
    struct mcedit_record_item items[] = {{(char *)"a/unix", 1, '-'},
					 {(char *)"b/unix", 1, 'n'},
					 {(char *)"a/unix", 2, 'n'}};
    struct mcedit_record stale = {items, 3};
    struct mcedit_result e, d, s;
    char *edited;

    /* Enable notes '-', 'n', nothing for c, 'n' for the second a. */
    compute(in, strlen(in), MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e, "rec");
    ck_assert_uint_eq(e.rec.n, 3);
    ck_assert_str_eq(e.rec.item[0].name, "a/unix");
    ck_assert_int_eq(e.rec.item[0].was, '-');
    ck_assert_str_eq(e.rec.item[1].name, "b/unix");
    ck_assert_int_eq(e.rec.item[1].was, 'n');
    ck_assert_str_eq(e.rec.item[2].name, "a/unix");
    ck_assert_int_eq(e.rec.item[2].was, 'n');
    ck_assert_int_eq(e.rec.item[2].nth, 2);

    /* Disable of b alone keeps the other items. */
    {
	const char *names[] = {"b/unix"};

	compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, names, 1, &d, "rec");
	ck_assert_uint_eq(d.rec.n, 2);
	ck_assert_str_eq(d.rec.item[0].name, "a/unix");
	ck_assert_str_eq(d.rec.item[1].name, "a/unix");
	mcedit_result_free(&d);
    }

    /*
     * An administrator set the first a to 'n' after enable: its item is
     * stale and ignored; c (never noted) becomes 'n'.
     */
    edited = strdup(e.buf);
    edited[strstr(edited, "a unix - - y") - edited + 11] = 'n';
    compute(edited, e.len, MCEDIT_DISABLE, 'n', &stale, NULL, 0, &s, "rec");
    ck_assert_str_eq(s.buf, "a unix - - n - - a\n"
			    "b unix - - n - - b\n"
			    "c unix - - n - - c\n"
			    "a unix - - n - - a\n");
    ck_assert_uint_eq(s.rec.n, 0);
    mcedit_result_free(&s);

    /*
     * Duplicates: the first entry was 'y' already, the second '-'.  The
     * record numbers them, so disable restores the second one only.
     */
    {
	static const char dup[] = "a unix - - y - - a\na unix - - - - - a\n";
	struct mcedit_result de, dd;

	compute(dup, strlen(dup), MCEDIT_ENABLE, 'n', NULL, NULL, 0, &de,
		"dup");
	ck_assert_uint_eq(de.rec.n, 1);
	ck_assert_uint_eq(de.rec.item[0].nth, 2);
	compute(de.buf, de.len, MCEDIT_DISABLE, 'n', &de.rec, NULL, 0, &dd,
		"dup");
	ck_assert_str_eq(dd.buf, "a unix - - n - - a\na unix - - - - - a\n");
	mcedit_result_free(&de);
	mcedit_result_free(&dd);
    }

    /* Enable again keeps items of fields still 'y'. */
    compute(e.buf, e.len, MCEDIT_ENABLE, 'n', &e.rec, NULL, 0, &s, "rec");
    ck_assert_uint_eq(s.n, 0);
    ck_assert_uint_eq(s.rec.n, 3);
    mcedit_result_free(&s);
    mcedit_result_free(&e);
    free(edited);
}
END_TEST

/* test_record_file - the record file: save, load, remove, refuse */
START_TEST(test_record_file)
{
    struct mcedit_record_item items[] = {{(char *)"smtp/inet", 1, '-'},
					 {(char *)"[::1]:25/inet", 1, 'n'},
					 {(char *)"smtp/inet", 3, 'n'}};
    struct mcedit_record rec = {items, 3}, back;
    char err[256];
    struct stat st;
    int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
    size_t len;
    char *text;

    ck_assert_int_eq(mcedit_record_save(dfd, "rec", &rec, err, sizeof(err)), 0);
    ck_assert_int_eq(mcedit_record_load(dfd, "rec", &back, err, sizeof(err)),
		     0);
    ck_assert_uint_eq(back.n, 3);
    ck_assert_str_eq(back.item[1].name, "[::1]:25/inet");
    ck_assert_int_eq(back.item[1].was, 'n');
    ck_assert_int_eq(back.item[2].nth, 3);
    mcedit_record_free(&back);
    text = mcf_read_file(tmpdir, "rec", &len);
    ck_assert_ptr_nonnull(
	strstr(text, "\n- smtp/inet\nn [::1]:25/inet\nn smtp/inet 3\n"));
    free(text);
    ck_assert_int_ne(fstatat(dfd, "rec.tmp", &st, 0), 0);

    /* Empty: the file goes; missing: an empty record. */
    rec.n = 0;
    ck_assert_int_eq(mcedit_record_save(dfd, "rec", &rec, err, sizeof(err)), 0);
    ck_assert_int_ne(fstatat(dfd, "rec", &st, 0), 0);
    ck_assert_int_eq(mcedit_record_load(dfd, "rec", &back, err, sizeof(err)),
		     0);
    ck_assert_uint_eq(back.n, 0);

    /* Malformed and unsafe records are refused. */
    mcf_write_file(tmpdir, "bad", "x smtp/inet\n", 12);
    ck_assert_int_eq(mcedit_record_load(dfd, "bad", &back, err, sizeof(err)),
		     -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "bad: line 1: malformed"));
    mcf_write_file(tmpdir, "bad", "- smtp/inet 0\n", 14);
    ck_assert_int_eq(mcedit_record_load(dfd, "bad", &back, err, sizeof(err)),
		     -EINVAL);
    mcf_write_file(tmpdir, "bad", "- smtp/inet", 11);
    ck_assert_int_eq(mcedit_record_load(dfd, "bad", &back, err, sizeof(err)),
		     -EINVAL);
    ck_assert_int_eq(symlinkat("bad", dfd, "link"), 0);
    ck_assert_int_eq(mcedit_record_load(dfd, "link", &back, err, sizeof(err)),
		     -ELOOP);
    close(dfd);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The diff.                                                           */
/* ------------------------------------------------------------------ */

/* run_patch - patch DIR/master.cf with DIFF; returns the exit status */
static int
run_patch(const char *dir, const char *diff, size_t len, int dry)
{
    char path[512];
    pid_t pid;
    int st, fd;

    snprintf(path, sizeof(path), "%s/x.diff", dir);
    mcf_write_file(dir, "x.diff", diff, len);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
	if ((fd = open(path, O_RDONLY)) < 0 || dup2(fd, 0) < 0)
	    _exit(126);
	if ((fd = open("/dev/null", O_WRONLY)) < 0 || dup2(fd, 1) < 0)
	    _exit(126);
	execl("/usr/bin/patch", "patch", "-s", "-p1", "-d", dir, "-N",
	      dry ? "--dry-run" : "--no-backup-if-mismatch", (char *)NULL);
	_exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* diff_applies - the diff of A and B, applied by patch to A, gives B */
static void
diff_applies(const char *a, size_t alen, const char *b, size_t blen,
	     const char *what)
{
    char *diff, *got;
    size_t dlen, glen;

    ck_assert_msg(access("/usr/bin/patch", X_OK) == 0,
		  "/usr/bin/patch is needed to check the diff");
    ck_assert_int_eq(mcedit_diff(a, alen, b, blen, "a/master.cf", "b/master.cf",
				 &diff, &dlen),
		     0);
    ck_assert_uint_eq(strlen(diff), dlen);
    if (alen == blen && memcmp(a, b, alen) == 0) {
	ck_assert_msg(dlen == 0, "%s: diff of equal texts: %s", what, diff);
	free(diff);
	return;
    }
    ck_assert_msg(strncmp(diff, "--- a/master.cf\n+++ b/master.cf\n@@ -", 36) ==
		      0,
		  "%s: diff starts \"%.60s\"", what, diff);
    mcf_write_file(tmpdir, "master.cf", a, alen);
    ck_assert_msg(run_patch(tmpdir, diff, dlen, 1) == 0,
		  "%s: patch --dry-run refuses:\n%s", what, diff);
    ck_assert_msg(run_patch(tmpdir, diff, dlen, 0) == 0,
		  "%s: patch refuses:\n%s", what, diff);
    got = mcf_read_file(tmpdir, "master.cf", &glen);
    same_bytes(got, glen, b, blen, what);
    free(got);
    free(diff);
}

/* test_diff_exact - the exact text of two diffs */
START_TEST(test_diff_exact)
{
    static const char a[] = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    static const char b[] = "1\n2\n3\n4\nX\n6\n7\n8\n9\n";
    static const char want[] = "--- a/master.cf\n+++ b/master.cf\n"
			       "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n"
			       " 7\n 8\n";
    static const char c[] = "x\ny";
    static const char d[] = "x\nz";
    static const char want2[] = "--- a/master.cf\n+++ b/master.cf\n"
				"@@ -1,2 +1,2 @@\n x\n-y\n"
				"\\ No newline at end of file\n+z\n"
				"\\ No newline at end of file\n";
    char *diff;
    size_t len;

    ck_assert_int_eq(mcedit_diff(a, strlen(a), b, strlen(b), "a/master.cf",
				 "b/master.cf", &diff, &len),
		     0);
    ck_assert_str_eq(diff, want);
    free(diff);
    ck_assert_int_eq(mcedit_diff(c, strlen(c), d, strlen(d), "a/master.cf",
				 "b/master.cf", &diff, &len),
		     0);
    ck_assert_str_eq(diff, want2);
    free(diff);
}
END_TEST

/* test_diff_patch - patch applies the diff of many pairs of texts */
START_TEST(test_diff_patch)
{
    static const char *const pairs[][2] = {
	{"", ""},
	{"a\n", "a\n"},
	{"a\n", "b\n"},
	{"a", "b"},
	{"a\nb\nc\n", "a\nb\nC\n"},
	{"a\nb\nc", "A\nb\nc"},
	{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
	 "X\n2\n3\n4\n5\n6\n7\nX\n9\n10\n11\n12\n13\n14\nX\n"},
	{"1\n2\n3\n4\n5\n6\n7\n8\n", "1\nX\n3\n4\n5\n6\n7\nX\n"},
	{"a\nb\nc\n", "a\nx\ny\nc\n"},
	{"a\nb\nc\n", "a\nc\n"},
	{"a\nb\n", "a\nb"},
	{"", "a\n"},
	{"a\n", ""},
    };
    size_t i;

    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
	char what[32];

	snprintf(what, sizeof(what), "pair %zu", i);
	diff_applies(pairs[i][0], strlen(pairs[i][0]), pairs[i][1],
		     strlen(pairs[i][1]), what);
    }
}
END_TEST

/* test_diff_stock - patch applies the diffs of the stock edits */
START_TEST(test_diff_stock)
{
    const struct stock_case *c = &stock_cases[_i];
    struct mcedit_result e, d;
    char *orig;
    size_t len;

    orig = mcf_load_data(c->file, &len);
    compute(orig, len, MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e, c->file);
    diff_applies(orig, len, e.buf, e.len, "stock enable");
    compute(e.buf, e.len, MCEDIT_DISABLE, 'n', &e.rec, NULL, 0, &d, c->file);
    diff_applies(e.buf, e.len, d.buf, d.len, "stock disable");
    diff_applies(c11_in, strlen(c11_in), c11_in, strlen(c11_in), "equal");
    mcedit_result_free(&e);
    mcedit_result_free(&d);
    compute(c11_in, strlen(c11_in), MCEDIT_ENABLE, 'n', NULL, NULL, 0, &e,
	    "C11");
    diff_applies(c11_in, strlen(c11_in), e.buf, e.len, "C11 enable");
    mcedit_result_free(&e);
    free(orig);
}
END_TEST

/*
 * backdate - an hour back: Postfix rereads a main.cf younger than a
 * second until it is older, which would look like waiting for a lock.
 */
static void
backdate(const char *dir, const char *name)
{
    struct timespec ts[2];
    char path[512];

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 3600;
    ts[1] = ts[0];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* ------------------------------------------------------------------ */
/* Writing master.cf.                                                  */
/* ------------------------------------------------------------------ */

static char confdir[300];
static char statedir[300];
static int conf_fd = -1;
static int state_fd = -1;

/* setup_write - DIR/etc with a master.cf, DIR/state */
static void
setup_write(void)
{
    setup();
    snprintf(confdir, sizeof(confdir), "%s/etc", tmpdir);
    snprintf(statedir, sizeof(statedir), "%s/state", tmpdir);
    ck_assert_int_eq(mkdir(confdir, 0755), 0);
    ck_assert_int_eq(mkdir(statedir, 0700), 0);
    conf_fd = open(confdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    state_fd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert(conf_fd >= 0 && state_fd >= 0);
}

/* teardown_write - close and remove */
static void
teardown_write(void)
{
    if (conf_fd >= 0)
	close(conf_fd);
    if (state_fd >= 0)
	close(state_fd);
    conf_fd = state_fd = -1;
    teardown();
}

/* apply - mcedit_apply() on confdir and statedir */
static int
apply(int mode, int dry, const char *const *names, size_t nnames,
      struct mcedit_outcome *out, char *err, size_t errlen)
{
    struct mcedit_opts o = {conf_fd, NULL, state_fd, "master.cf.record",
			    dry,     300};
    struct mcedit_req req = {mode, names, nnames, NULL, 'n'};

    return (mcedit_apply(&o, &req, out, err, errlen));
}

/* file_state - what must not change when an edit is refused */
struct file_state {
    struct stat st;
    char *text;
    size_t len;
};

/* get_state - stat and content of confdir/NAME */
static void
get_state(const char *name, struct file_state *fs)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", confdir, name);
    ck_assert_int_eq(lstat(path, &fs->st), 0);
    fs->text =
	S_ISREG(fs->st.st_mode) ? mcf_read_file(confdir, name, &fs->len) : NULL;
}

/* same_state - NAME is still the same file with the same bytes */
static void
same_state(const char *name, const struct file_state *before, const char *what)
{
    struct file_state now;

    get_state(name, &now);
    ck_assert_msg(now.st.st_ino == before->st.st_ino &&
		      now.st.st_mtim.tv_sec == before->st.st_mtim.tv_sec &&
		      now.st.st_mtim.tv_nsec == before->st.st_mtim.tv_nsec,
		  "%s: %s was rewritten", what, name);
    if (before->text)
	same_bytes(now.text, now.len, before->text, before->len, what);
    free(now.text);
}

/* absent - confdir/NAME does not exist */
static void
absent(const char *name, const char *what)
{
    struct stat st;

    ck_assert_msg(fstatat(conf_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0,
		  "%s: %s exists", what, name);
}

/* test_apply_writes - owner, mode, label, backup, record; then undo */
START_TEST(test_apply_writes)
{
    static const char label[] = "system_u:object_r:postfix_etc_t:s0";
    struct mcedit_outcome out;
    struct stat st, bst;
    char err[256], got[64];
    char *orig, *text;
    size_t len, tlen;
    ssize_t n;

    /* An old file with an unusual owner, mode and label. */
    orig = mcf_load_data("postfix-3.8-upstream.cf", &len);
    mcf_write_file(confdir, "master.cf", orig, len);
    ck_assert_int_eq(fchownat(conf_fd, "master.cf", 65534, 65534, 0), 0);
    ck_assert_int_eq(fchmodat(conf_fd, "master.cf", 0640, 0), 0);
    {
	char path[512];

	snprintf(path, sizeof(path), "%s/master.cf", confdir);
	ck_assert_msg(
	    setxattr(path, "security.selinux", label, sizeof(label), 0) == 0,
	    "setxattr: %s", strerror(errno));
    }

    ck_assert_int_eq(apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err)),
		     0);
    ck_assert_msg(out.written && out.n == 20 && out.difflen > 0,
		  "written %d, %zu changes", out.written, out.n);
    mcedit_outcome_free(&out);

    /* New content, old owner, mode and label; a backup; no leftovers. */
    text = mcf_read_file(confdir, "master.cf", &tlen);
    ck_assert_uint_eq(tlen, len);
    ck_assert_int_eq(fstatat(conf_fd, "master.cf", &st, 0), 0);
    ck_assert_msg(st.st_uid == 65534 && st.st_gid == 65534 &&
		      (st.st_mode & 07777) == 0640,
		  "got %u:%u %o, want 65534:65534 640", (unsigned)st.st_uid,
		  (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
    {
	char path[512];

	snprintf(path, sizeof(path), "%s/master.cf", confdir);
	n = getxattr(path, "security.selinux", got, sizeof(got));
	ck_assert_msg(n == sizeof(label) && memcmp(got, label, n) == 0,
		      "label: got %zd bytes \"%.*s\"", n, (int)(n > 0 ? n : 0),
		      got);
	snprintf(path, sizeof(path), "%s/master.cf" MCEDIT_BACKUP_SUFFIX,
		 confdir);
	n = getxattr(path, "security.selinux", got, sizeof(got));
	ck_assert_msg(n == sizeof(label), "backup label: %zd", n);
    }
    free(text);
    text = mcf_read_file(confdir, "master.cf" MCEDIT_BACKUP_SUFFIX, &tlen);
    ck_assert_ptr_nonnull(text);
    same_bytes(text, tlen, orig, len, "backup");
    free(text);
    ck_assert_int_eq(
	fstatat(conf_fd, "master.cf" MCEDIT_BACKUP_SUFFIX, &bst, 0), 0);
    ck_assert_msg(bst.st_uid == 65534 && (bst.st_mode & 07777) == 0640,
		  "backup %u %o", (unsigned)bst.st_uid,
		  (unsigned)(bst.st_mode & 07777));
    absent("master.cf.tmp", "enable");
    absent("master.cf" MCEDIT_BACKUP_SUFFIX ".tmp", "enable");
    ck_assert_int_eq(fstatat(state_fd, "master.cf.record", &st, 0), 0);

    /* disable: the original again, the record gone. */
    ck_assert_int_eq(apply(MCEDIT_DISABLE, 0, NULL, 0, &out, err, sizeof(err)),
		     0);
    ck_assert(out.written);
    mcedit_outcome_free(&out);
    text = mcf_read_file(confdir, "master.cf", &tlen);
    same_bytes(text, tlen, orig, len, "enable + disable");
    free(text);
    ck_assert_int_ne(fstatat(state_fd, "master.cf.record", &st, 0), 0);
    free(orig);
}
END_TEST

/* test_apply_unchanged - nothing to change: nothing written */
START_TEST(test_apply_unchanged)
{
    static const char in[] = "smtp inet n - y - - smtpd\n"
			     "local unix - n n - - local\n";
    struct mcedit_outcome out;
    struct file_state fs;
    char err[256];

    mcf_write_file(confdir, "master.cf", in, strlen(in));
    get_state("master.cf", &fs);
    ck_assert_int_eq(apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err)),
		     0);
    ck_assert_msg(!out.written && out.n == 0 && out.difflen == 0 &&
		      out.diff != NULL,
		  "nothing to do, but written %d", out.written);
    mcedit_outcome_free(&out);
    same_state("master.cf", &fs, "unchanged");
    absent("master.cf" MCEDIT_BACKUP_SUFFIX, "unchanged");
    absent("master.cf.tmp", "unchanged");
    free(fs.text);
}
END_TEST

/* test_apply_dry_run - a dry run diffs, takes no lock, writes nothing */
START_TEST(test_apply_dry_run)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    struct mcedit_outcome out;
    struct file_state fs;
    char err[256];
    int lfd;

    mcf_write_file(confdir, "master.cf", in, strlen(in));
    get_state("master.cf", &fs);

    /* A dry run takes no lock: it works while another editor holds it. */
    lfd = openat(conf_fd, "master.cf.tmp", O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(lfd, 0);
    ck_assert_int_eq(flock(lfd, LOCK_EX), 0);
    ck_assert_int_eq(apply(MCEDIT_ENABLE, 1, NULL, 0, &out, err, sizeof(err)),
		     0);
    ck_assert_msg(!out.written && out.n == 1 && out.chg[0].now == 'y',
		  "dry run: written %d, %zu changes", out.written, out.n);
    ck_assert_str_eq(out.diff, "--- a/master.cf\n+++ b/master.cf\n"
			       "@@ -1 +1 @@\n"
			       "-smtp inet n - - - - smtpd\n"
			       "+smtp inet n - y - - smtpd\n");
    mcedit_outcome_free(&out);
    same_state("master.cf", &fs, "dry run");
    absent("master.cf" MCEDIT_BACKUP_SUFFIX, "dry run");
    close(lfd);
    free(fs.text);
}
END_TEST

/* test_apply_lock_busy - a held lock: -EAGAIN, file unchanged */
START_TEST(test_apply_lock_busy)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    struct mcedit_outcome out;
    struct file_state fs;
    char err[256];
    int lfd, ret;

    /* Another editor holds Postfix's lock. */
    mcf_write_file(confdir, "master.cf", in, strlen(in));
    get_state("master.cf", &fs);
    lfd = openat(conf_fd, "master.cf.tmp", O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(lfd, 0);
    ck_assert_int_eq(flock(lfd, LOCK_EX), 0);
    ret = apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err));
    ck_assert_msg(ret == -EAGAIN && strstr(err, "master.cf.tmp: locked"),
		  "got %d \"%s\"", ret, err);
    mcedit_outcome_free(&out);
    same_state("master.cf", &fs, "lock busy");

    /* Released: a leftover master.cf.tmp is reused and removed. */
    close(lfd);
    ret = apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err));
    ck_assert_msg(ret == 0 && out.written, "got %d \"%s\"", ret, err);
    mcedit_outcome_free(&out);
    absent("master.cf.tmp", "after the lock");
    free(fs.text);
}
END_TEST

/* test_lock_shared_with_postconf - postconf -F waits for our lock */
START_TEST(test_lock_shared_with_postconf)
{
    static const char in[] = "smtp inet n - - - - smtpd\n"
			     "pickup unix n - - 60 1 pickup\n";
    const char *argv[] = {"/usr/sbin/postconf", "-c", confdir, "-F",
			  "smtp/inet/chroot=n", NULL};
    struct timespec nap = {0, 500 * 1000 * 1000};
    struct mcedit_lock lk;
    struct mastercf mc;
    char err[256];
    pid_t pid;
    int st;
    char *text;
    size_t len;

    ck_assert_msg(access(argv[0], X_OK) == 0, "%s is needed", argv[0]);
    mcf_write_file(confdir, "main.cf", "", 0);
    mcf_write_file(confdir, "master.cf", in, strlen(in));
    backdate(confdir, "main.cf");
    ck_assert_int_eq(
	mcedit_lock(conf_fd, "master.cf", 1000, &lk, err, sizeof(err)), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
	int fd = open("/dev/null", O_WRONLY);

	dup2(fd, 1);
	dup2(fd, 2);
	execv(argv[0], (char *const *)argv);
	_exit(127);
    }

    /* postconf blocks in flock() while we hold the lock. */
    nanosleep(&nap, NULL);
    ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0,
		  "postconf did not wait for our lock");

    /* Our edit goes in; then postconf's, on top of ours. */
    parse(in, strlen(in), &mc, "lock");
    {
	int oldfd = openat(conf_fd, "master.cf", O_RDONLY);
	static const char ours[] = "smtp inet n - y - - smtpd\n"
				   "pickup unix n - y 60 1 pickup\n";

	ck_assert_int_eq(mcedit_replace(&lk, oldfd, mc.buf, mc.len, ours,
					strlen(ours), err, sizeof(err)),
			 0);
	close(oldfd);
    }
    mcedit_unlock(&lk);
    mastercf_free(&mc);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "postconf failed: status %d", st);
    text = mcf_read_file(confdir, "master.cf", &len);
    parse(text, len, &mc, "after postconf");
    ck_assert_msg(mc.n == 2 && mc.ent[0].chroot == 'n' &&
		      mc.ent[1].chroot == 'y',
		  "both edits should be there:\n%s", text);
    mastercf_free(&mc);
    free(text);
    absent("master.cf.tmp", "postconf");
}
END_TEST

struct attack_case {
    const char *name;
    int ret;
    const char *msg;
};

static const struct attack_case attack_cases[] = {
    {"tmp is a symlink", -ELOOP, "master.cf.tmp: open"},
    {"tmp is a hard link", -EPERM, "master.cf.tmp: has 2 hard links"},
    {"tmp is a FIFO", -ENXIO, "master.cf.tmp: open"},
    {"tmp is a directory", -EISDIR, "master.cf.tmp: open"},
    {"master.cf is a symlink", -ELOOP, "master.cf: open"},
    {"directory writable by others", -EPERM, "configuration directory"},
};

/* test_attacks - links, FIFOs, directories and open permissions refused */
START_TEST(test_attacks)
{
    static const char in[] = "smtp inet n - - - - smtpd\n";
    const struct attack_case *c = &attack_cases[_i];
    struct mcedit_outcome out;
    struct file_state victim, fs;
    char err[256];
    int ret;

    mcf_write_file(confdir, "master.cf", in, strlen(in));
    mcf_write_file(confdir, "victim", "secret\n", 7);
    get_state("victim", &victim);
    switch (_i) {
    case 0:
	ck_assert_int_eq(symlinkat("victim", conf_fd, "master.cf.tmp"), 0);
	break;
    case 1:
	ck_assert_int_eq(linkat(conf_fd, "victim", conf_fd, "master.cf.tmp", 0),
			 0);
	break;
    case 2:
	ck_assert_int_eq(mkfifoat(conf_fd, "master.cf.tmp", 0600), 0);
	break;
    case 3:
	ck_assert_int_eq(mkdirat(conf_fd, "master.cf.tmp", 0700), 0);
	break;
    case 4:
	ck_assert_int_eq(renameat(conf_fd, "master.cf", conf_fd, "real.cf"), 0);
	ck_assert_int_eq(symlinkat("real.cf", conf_fd, "master.cf"), 0);
	break;
    case 5:
	ck_assert_int_eq(fchmod(conf_fd, 0777), 0);
	break;
    }
    get_state(_i == 4 ? "real.cf" : "master.cf", &fs);
    ret = apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err));
    ck_assert_msg(ret == c->ret && strstr(err, c->msg),
		  "%s: got %d \"%s\", want %d \"%s\"", c->name, ret, err,
		  c->ret, c->msg);
    mcedit_outcome_free(&out);
    same_state("victim", &victim, c->name);
    same_state(_i == 4 ? "real.cf" : "master.cf", &fs, c->name);
    absent("master.cf" MCEDIT_BACKUP_SUFFIX, c->name);
    free(victim.text);
    free(fs.text);
}
END_TEST

struct malformed_case {
    const char *name;
    const char *in; /* NULL: generated */
    int ret;
    const char *msg;
};

static const struct malformed_case malformed_cases[] = {
    {"entry with 7 fields",
     "smtp inet n - - - - smtpd\n#\npickup unix n - - 60 1\n", -EINVAL,
     "master.cf: line 3: bad field count: 7 fields"},
    {"overlong field", NULL, -EINVAL,
     "master.cf: line 2: service field is longer than 1024 bytes"},
    {"continuation line at the top", "\n  -o a=b\nsmtp inet n - - - - x\n",
     -EINVAL, "master.cf: line 2: continuation line"},
    {"binary garbage", NULL, -EINVAL, "master.cf: line "},
    {"10 MB file", NULL, -EFBIG, "master.cf: file too large"},
};

/* test_malformed_unchanged - malformed files: refused, left as they were */
START_TEST(test_malformed_unchanged)
{
    const struct malformed_case *c = &malformed_cases[_i];
    struct mcedit_outcome out;
    struct file_state fs;
    char err[256];
    int ret;

    if (_i == 1) {
	char *buf = malloc(2000);

	memset(buf, 'x', 2000);
	memcpy(buf, "smtp inet n - - - - smtpd\n", 26);
	memcpy(buf + 1990, " unix - -\n", 10);
	mcf_write_file(confdir, "master.cf", buf, 2000);
	free(buf);
    } else if (_i == 3) {
	unsigned char buf[8192];
	uint32_t seed = 4711;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
	    buf[i] = (unsigned char)(mcf_rand(&seed) >> 24);
	mcf_write_file(confdir, "master.cf", (char *)buf, sizeof(buf));
    } else if (_i == 4) {
	mcf_write_big(confdir, "master.cf", 10 * 1024 * 1024);
    } else {
	mcf_write_file(confdir, "master.cf", c->in, strlen(c->in));
    }
    get_state("master.cf", &fs);
    ret = apply(MCEDIT_ENABLE, 0, NULL, 0, &out, err, sizeof(err));
    ck_assert_msg(ret == c->ret && strstr(err, c->msg),
		  "%s: got %d \"%s\", want %d \"%s\"", c->name, ret, err,
		  c->ret, c->msg);
    mcedit_outcome_free(&out);
    same_state("master.cf", &fs, c->name);
    absent("master.cf" MCEDIT_BACKUP_SUFFIX, c->name);
    absent("master.cf.tmp", c->name);

    /* The dry run says the same. */
    ret = apply(MCEDIT_ENABLE, 1, NULL, 0, &out, err, sizeof(err));
    ck_assert_msg(ret == c->ret, "%s: dry run: got %d", c->name, ret);
    mcedit_outcome_free(&out);
    free(fs.text);
}
END_TEST

/* test_apply_bad_name - a refused name leaves everything as it was */
START_TEST(test_apply_bad_name)
{
    static const char in[] = "smtp inet n - - - - smtpd\n"
			     "local unix - n n - - local\n";
    static const char *const names[] = {"smtp/inet", "local/unix"};
    struct mcedit_outcome out;
    struct file_state fs;
    struct stat st;
    char err[256];
    int ret;

    mcf_write_file(confdir, "master.cf", in, strlen(in));
    get_state("master.cf", &fs);
    ret = apply(MCEDIT_ENABLE, 0, names, 2, &out, err, sizeof(err));
    ck_assert_msg(ret == -EPERM && strstr(err, "local/unix"), "got %d %s", ret,
		  err);
    mcedit_outcome_free(&out);
    same_state("master.cf", &fs, "bad name");
    absent("master.cf.tmp", "bad name");
    ck_assert_int_ne(fstatat(state_fd, "master.cf.record", &st, 0), 0);
    free(fs.text);
}
END_TEST

/* test_apply_bad_record - a malformed record is ignored with a warning */
START_TEST(test_apply_bad_record)
{
    static const char in[] = "smtp inet n - y - - smtpd\n";
    struct mcedit_outcome out;
    char err[256];
    char *text;
    size_t len;

    mcf_write_file(confdir, "master.cf", in, strlen(in));
    mcf_write_file(statedir, "master.cf.record", "garbage\n", 8);
    ck_assert_int_eq(apply(MCEDIT_DISABLE, 0, NULL, 0, &out, err, sizeof(err)),
		     0);
    ck_assert_msg(strstr(out.warning, "master.cf.record: line 1: malformed; "
				      "ignored"),
		  "warning: \"%s\"", out.warning);
    mcedit_outcome_free(&out);
    text = mcf_read_file(confdir, "master.cf", &len);
    ck_assert_str_eq(text, "smtp inet n - n - - smtpd\n");
    free(text);
}
END_TEST

/* mcedit_suite - the suite for the runner */
Suite *
mcedit_suite(void)
{
    Suite *s = suite_create("mcedit");
    size_t nstock = sizeof(stock_cases) / sizeof(stock_cases[0]);
    TCase *tc;

    tc = tcase_create("stock");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_stock_cycle, 0, nstock);
    tcase_add_test(tc, test_debian_named_round_trip);
    tcase_add_loop_test(tc, test_stock_dash, 0, nstock);
    tcase_add_loop_test(tc, test_variants_cycle, 0, nstock);
    suite_add_tcase(s, tc);

    tc = tcase_create("cases");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_c10);
    tcase_add_test(tc, test_c11);
    tcase_add_loop_test(tc, test_names, 0,
			sizeof(name_cases) / sizeof(name_cases[0]));
    tcase_add_test(tc, test_never_list);
    tcase_add_test(tc, test_record_rules);
    tcase_add_test(tc, test_record_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("diff");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_diff_exact);
    tcase_add_test(tc, test_diff_patch);
    tcase_add_loop_test(tc, test_diff_stock, 0, nstock);
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup_write, teardown_write);
    tcase_add_test(tc, test_apply_writes);
    tcase_add_test(tc, test_apply_unchanged);
    tcase_add_test(tc, test_apply_dry_run);
    tcase_add_test(tc, test_apply_lock_busy);
    tcase_add_test(tc, test_lock_shared_with_postconf);
    tcase_add_loop_test(tc, test_attacks, 0,
			sizeof(attack_cases) / sizeof(attack_cases[0]));
    tcase_add_loop_test(tc, test_malformed_unchanged, 0,
			sizeof(malformed_cases) / sizeof(malformed_cases[0]));
    tcase_add_test(tc, test_apply_bad_name);
    tcase_add_test(tc, test_apply_bad_record);
    suite_add_tcase(s, tc);
    return (s);
}
