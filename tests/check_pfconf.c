/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_pfconf - tests of the main.cf reader
 * SUMMARY
 *	pfconf_parse(), pfconf_load(), pfconf_expand() and pfconf_bool()
 *	against tables of inputs whose results Postfix itself gives.
 * DESCRIPTION
 *	The parse table covers comments, continuation lines (also across
 *	comment and blank lines), a later setting replacing an earlier
 *	one, and every error with the line number it must name.  The
 *	expected values of the expansion table were taken from
 *	"postconf -c DIR -nx" of Postfix 3.7 on the same settings, so that
 *	this reader agrees with the real one where the tool depends on it.
 *
 *	Hostile input: NUL bytes, megabyte lines, megabytes of binary
 *	garbage, expansion loops and an expansion bomb, each of which must
 *	end quickly with bounded memory.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 * BUGS
 *	The relational forms of Postfix 3.0 (${{$a} == {b}?...}) are not
 *	supported by the reader and not tested.
 */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pfconf.h"
#include "testutil.h"

/* dump - "name=value\n" for every setting, in order; caller frees */
static char *
dump(const struct pfconf *cf)
{
    size_t i, len = 1;
    char *out, *p;

    for (i = 0; i < cf->names.n; i++)
	len += strlen(cf->names.v[i]) + strlen(cf->values.v[i]) + 2;
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    *p = 0;
    for (i = 0; i < cf->names.n; i++)
	p += sprintf(p, "%s=%s\n", cf->names.v[i], cf->values.v[i]);
    return (out);
}

/* parse - pfconf_parse() of LEN bytes (strlen when 0) of TEXT */
static int
parse(const char *text, size_t len, struct pfconf *cf, char *err,
      size_t errlen)
{
    err[0] = 0;
    return (pfconf_parse(text, len ? len : strlen(text), cf, err, errlen));
}

struct parse_case {
    const char *name;
    const char *text;
    size_t len;		/* 0: strlen(text) */
    int ret;
    const char *want;	/* dump() on success, or a part of ERR */
};

static const struct parse_case parse_cases[] = {
    {"simple", "a = b\n", 0, 0, "a=b\n"},
    {"no spaces, no newline", "a=b", 0, 0, "a=b\n"},
    {"blanks trimmed", "a \t=  b c \t\n", 0, 0, "a=b c\n"},
    {"empty value", "a =\n", 0, 0, "a=\n"},
    {"value holds =", "a = b=c\n", 0, 0, "a=b=c\n"},
    {"comment line", "# x = y\na = b\n", 0, 0, "a=b\n"},
    {"indented comment", "   # x\na = b\n", 0, 0, "a=b\n"},
    {"hash inside a value", "a = b # c\n", 0, 0, "a=b # c\n"},
    {"continuation", "a = b\n  c\n\td\n", 0, 0, "a=b c d\n"},
    {"continuation over a comment", "a = b\n# x\n  c\n", 0, 0, "a=b c\n"},
    {"continuation over a blank line", "a = b\n\n  c\n", 0, 0, "a=b c\n"},
    {"later setting wins", "a = 1\nb = 2\na = 3\n", 0, 0, "a=3\nb=2\n"},
    {"CRLF line ends", "a = b\r\nc = d\r\n", 0, 0, "a=b\nc=d\n"},
    {"empty file", "", 0, 0, ""},
    {"only blanks and comments", "#x\n\n   \n\t\n", 0, 0, ""},
    {"missing =", "a = b\nnovalue\n", 0, -EINVAL, "line 2: missing '='"},
    {"missing name", "= b\n", 0, -EINVAL, "line 1: missing parameter name"},
    {"blank name", "  \n= b\n", 0, -EINVAL, "line 2: missing parameter"},
    {"continued first line", "  a = b\n", 0, -EINVAL,
     "line 1: continued line without a setting"},
    {"error names the first line of a setting", "a = b\nc\n  d\ne = f\n", 0,
     -EINVAL, "line 2: missing '='"},
    {"NUL byte", "a = b\nc = d\0e\n", 12, -EINVAL, "line 2: NUL byte"},
    {"NUL byte in a comment", "a = b\n\n# \0\n", 10, -EINVAL,
     "line 3: NUL byte"},
    {"NUL byte after the end of a setting", "a = b\0", 6, -EINVAL,
     "line 1: NUL byte"},
};

/* test_parse_table - every parse case gives its settings or error */
START_TEST(test_parse_table)
{
    const struct parse_case *c = &parse_cases[_i];
    struct pfconf cf;
    char err[256];
    int ret;

    ret = parse(c->text, c->len, &cf, err, sizeof(err));
    ck_assert_msg(ret == c->ret, "%s: return: got %d (%s), want %d", c->name,
		  ret, err, c->ret);
    if (ret == 0) {
	char *got = dump(&cf);

	ck_assert_msg(strcmp(got, c->want) == 0,
		      "%s: settings: got \"%s\", want \"%s\"", c->name, got,
		      c->want);
	free(got);
	pfconf_free(&cf);
    } else {
	ck_assert_msg(strstr(err, c->want) != NULL,
		      "%s: message: got \"%s\", want one with \"%s\"", c->name,
		      err, c->want);
	ck_assert_msg(cf.names.n == 0 && cf.values.n == 0,
		      "%s: settings after an error: got %zu, want 0", c->name,
		      cf.names.n);
    }
}
END_TEST

/* test_raw - pfconf_raw() gives the text as written, NULL when unset */
START_TEST(test_raw)
{
    struct pfconf cf;
    char err[256];

    ck_assert_int_eq(parse("a = $b\nb = x\n", 0, &cf, err, sizeof(err)), 0);
    ck_assert_msg(strcmp(pfconf_raw(&cf, "a"), "$b") == 0,
		  "raw a: got \"%s\", want \"$b\"", pfconf_raw(&cf, "a"));
    ck_assert_msg(pfconf_raw(&cf, "c") == NULL,
		  "raw of an unset name: got \"%s\", want NULL",
		  pfconf_raw(&cf, "c"));
    ck_assert_msg(pfconf_raw(&cf, "") == NULL,
		  "raw of the empty name: got non-NULL, want NULL");
    pfconf_free(&cf);
}
END_TEST

struct expand_case {
    const char *name;
    const char *conf;
    const char *param;
    const char *dflt;
    const char *want;	/* NULL: want NULL */
};

/* Results checked with "postconf -c DIR -nx" of Postfix 3.7.11. */
static const struct expand_case expand_cases[] = {
    {"plain value", "a = x\n", "a", NULL, "x"},
    {"$name", "a = x\nb = $a\n", "b", NULL, "x"},
    {"${name}", "a = x\nb = ${a}\n", "b", NULL, "x"},
    {"$(name)", "a = x\nb = $(a)\n", "b", NULL, "x"},
    {"mixed text", "a = x\nb = /${a}y/$a.z-$(a)\n", "b", NULL, "/xy/x.z-x"},
    {"underscore is part of a name", "a = x\nb = $a_c\n", "b", NULL, ""},
    {"digits are part of a name", "a1 = x\nb = $a1\n", "b", NULL, "x"},
    {"unset reference is empty", "b = <$zz>\n", "b", NULL, "<>"},
    {"$$ is a dollar", "b = $$x\n", "b", NULL, "$x"},
    {"lone dollar at the end", "b = cost $\n", "b", NULL, "cost $"},
    {"unterminated brace", "a = x\nb = /a/${a\n", "b", NULL, "/a/${a"},
    {"recursive", "a = $b/$c\nb = $c\nc = /x\n", "a", NULL, "/x//x"},
    {"?: set", "a = b\nc = ${a?yes}\n", "c", NULL, "yes"},
    {"?: unset", "c = ${a?yes}\n", "c", NULL, ""},
    {"?: empty", "a =\nc = ${a?yes}\n", "c", NULL, ""},
    {":: set", "a = b\nc = ${a:no}\n", "c", NULL, ""},
    {":: unset", "c = ${a:no}\n", "c", NULL, "no"},
    {":: empty", "a =\nc = ${a:no}\n", "c", NULL, "no"},
    {"$(name?text)", "a = b\nc = $(a?x)\n", "c", NULL, "x"},
    {"$(name:(text)) keeps the parentheses", "c = $(z:(p))\n", "c", NULL,
     "(p)"},
    {"text of ? is expanded", "a = b\nc = ${a?$a$a}\n", "c", NULL, "bb"},
    {"nested ${} in ?", "a = b\nd = x y\nc = ${a?${d}}\n", "c", NULL, "x y"},
    {"nested ${} in :", "d = x y\nc = ${z:${d}}z\n", "c", NULL, "x yz"},
    {"nested twice", "a = b\nc = ${a?${z:${a}}}\n", "c", NULL, "b"},
    {"${name?{text}}", "a = b\nc = ${a?{q}}\n", "c", NULL, "q"},
    {"${name:{text}}", "c = ${z:{x z}}\n", "c", NULL, "x z"},
    {"${name?{a}:{b}} set", "a = b\nc = ${a?{x}:{y}}\n", "c", NULL, "x"},
    {"${name?{a}:{b}} unset", "c = ${z?{x}:{y}}\n", "c", NULL, "y"},
    {"${name?{a}:{b}} empty", "e =\nc = ${e?{x}:{y}}\n", "c", NULL, "y"},
    {"braces inside text", "a = b\nc = ${a?a{b}c}\n", "c", NULL, "a{b}c"},
    {"closing brace after", "a = b\nc = ${a?x}}\n", "c", NULL, "x}"},
    {"default when unset", "a = x\n", "q", "$a/y", "x/y"},
    {"default not used when set", "q = z\n", "q", "d", "z"},
    {"unset without default", "a = x\n", "q", NULL, NULL},
    {"queue_directory", "queue_directory = /var/spool/postfix\n",
     "queue_directory", "/var/spool/postfix", "/var/spool/postfix"},
};

/* test_expand_table - every expansion case gives Postfix's result */
START_TEST(test_expand_table)
{
    const struct expand_case *c = &expand_cases[_i];
    struct pfconf cf;
    char err[256], *got;

    ck_assert_msg(parse(c->conf, 0, &cf, err, sizeof(err)) == 0,
		  "%s: parse: got \"%s\", want success", c->name, err);
    got = pfconf_expand(&cf, c->param, c->dflt);
    if (c->want == NULL)
	ck_assert_msg(got == NULL, "%s: got \"%s\", want NULL", c->name, got);
    else
	ck_assert_msg(got != NULL && strcmp(got, c->want) == 0,
		      "%s: got \"%s\", want \"%s\"", c->name,
		      got ? got : "(null)", c->want);
    free(got);
    pfconf_free(&cf);
}
END_TEST

/* elapsed - seconds since START */
static double
elapsed(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return ((double)(now.tv_sec - start->tv_sec)
	    + (double)(now.tv_nsec - start->tv_nsec) / 1e9);
}

struct loop_case {
    const char *name;
    const char *conf;
    const char *param;
};

static const struct loop_case loop_cases[] = {
    {"two names", "a = $b\nb = $a\n", "a"},
    {"self", "a = x$a\n", "a"},
    {"self in braces", "a = x${a}y$(a)\n", "a"},
    {"through ?", "a = b${a?$a}\n", "a"},
    {"three names", "a = 1$b\nb = 2$c\nc = 3$a\n", "a"},
};

/* test_expand_loops - reference loops end, with a bounded result */
START_TEST(test_expand_loops)
{
    const struct loop_case *c = &loop_cases[_i];
    struct timespec start;
    struct pfconf cf;
    char err[256], *got;

    ck_assert_int_eq(parse(c->conf, 0, &cf, err, sizeof(err)), 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    got = pfconf_expand(&cf, c->param, NULL);
    ck_assert_msg(got != NULL, "%s: got NULL, want a string", c->name);
    ck_assert_msg(strlen(got) < 1024 * 1024,
		  "%s: length: got %zu, want a bounded result", c->name,
		  strlen(got));
    ck_assert_msg(elapsed(&start) < 1.0 * tu_time_scale(),
		  "%s: time: got %.2fs, want < %.0fs", c->name,
		  elapsed(&start), 1.0 * tu_time_scale());
    free(got);
    pfconf_free(&cf);
}
END_TEST

/* test_expand_bomb - each level names the next ten times: 10^25
 * references if nothing stopped it */
START_TEST(test_expand_bomb)
{
    char conf[8192], *p = conf, *got;
    struct timespec start;
    struct pfconf cf;
    char err[256];
    int lvl, k;

    for (lvl = 0; lvl < 25; lvl++) {
	p += sprintf(p, "p%d = ", lvl);
	for (k = 0; k < 10; k++)
	    p += sprintf(p, "${p%d}x", lvl + 1);
	*p++ = '\n';
    }
    p += sprintf(p, "p25 = 0123456789abcdef\n");
    ck_assert_int_eq(parse(conf, 0, &cf, err, sizeof(err)), 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    got = pfconf_expand(&cf, "p0", NULL);
    ck_assert_msg(got != NULL, "bomb: got NULL, want a string");
    ck_assert_msg(strlen(got) <= PFCONF_MAX_SIZE,
		  "bomb: length: got %zu, want at most %lu", strlen(got),
		  PFCONF_MAX_SIZE);
    ck_assert_msg(elapsed(&start) < 2.0 * tu_time_scale(),
		  "bomb: time: got %.2fs, want < %.0fs", elapsed(&start),
		  2.0 * tu_time_scale());
    free(got);
    pfconf_free(&cf);
}
END_TEST

/* test_megabyte_lines - one 1 MiB value and 2 MiB of continuation */
START_TEST(test_megabyte_lines)
{
    size_t mib = 1024 * 1024, len, i;
    char *text = malloc(3 * mib + 64), err[256], *got;
    struct pfconf cf;

    ck_assert_ptr_nonnull(text);
    len = (size_t)sprintf(text, "a = ");
    memset(text + len, 'x', mib);
    len += mib;
    text[len++] = '\n';
    for (i = 0; i < 2; i++) {
	text[len++] = ' ';
	memset(text + len, 'y', mib - 2);
	len += mib - 2;
	text[len++] = '\n';
    }
    len += (size_t)sprintf(text + len, "b = $a\n");
    ck_assert_int_eq(parse(text, len, &cf, err, sizeof(err)), 0);
    got = pfconf_expand(&cf, "b", NULL);
    ck_assert_msg(got && strlen(got) == mib + 2 * (mib - 1),
		  "1 MiB line: got %zu bytes, want %zu",
		  got ? strlen(got) : 0, mib + 2 * (mib - 1));
    ck_assert_msg(got[0] == 'x' && got[mib] == ' ' && got[mib + 1] == 'y',
		  "1 MiB line: got bytes %c%c%c, want x y", got[0], got[mib],
		  got[mib + 1]);
    free(got);
    pfconf_free(&cf);

    /* A megabyte line that is no setting is an error with its number. */
    memset(text, 'z', mib);
    memcpy(text + mib, "\n", 2);
    ck_assert_int_eq(parse(text, mib + 1, &cf, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "line 1: missing '='") != NULL,
		  "megabyte line without '=': got \"%s\", want line 1",
		  err);
    free(text);
}
END_TEST

/* test_garbage - megabytes of random bytes: a result, no crash */
START_TEST(test_garbage)
{
    size_t len = 4 * 1024 * 1024, i;
    unsigned char *text = malloc(len);
    unsigned seed = 12345;
    struct pfconf cf;
    char err[256], *v;
    int ret, round;

    ck_assert_ptr_nonnull(text);
    for (round = 0; round < 4; round++) {
	for (i = 0; i < len; i++) {
	    seed = seed * 1103515245 + 12345;
	    text[i] = (unsigned char)(seed >> 16);

	    /* Rounds 2 and 3 keep NUL bytes out, to get past that check,
	     * and use mostly '$', '{', '=' and newlines. */
	    if (round >= 2 && text[i] % 4 == 0)
		text[i] = "${}()=?:\n a#\t"[text[i] % 13];
	    if (round >= 2 && text[i] == 0)
		text[i] = 'n';
	}
	ret = parse((const char *)text, len, &cf, err, sizeof(err));
	ck_assert_msg(ret == 0 || ret == -EINVAL,
		      "garbage round %d: got %d, want 0 or -EINVAL", round,
		      ret);
	if (ret == 0) {
	    for (i = 0; i < cf.names.n && i < 200; i++) {
		v = pfconf_expand(&cf, cf.names.v[i], NULL);
		ck_assert_ptr_nonnull(v);
		free(v);
	    }
	    pfconf_free(&cf);
	} else {
	    ck_assert_msg(strncmp(err, "line ", 5) == 0,
			  "garbage round %d: message: got \"%s\", want "
			  "\"line N: ...\"", round, err);
	}
    }
    free(text);
}
END_TEST

/* test_load - pfconf_load() reads a file, reports missing and huge ones */
START_TEST(test_load)
{
    char dir[PATH_MAX], path[PATH_MAX], err[256], *big, *v;
    struct pfconf cf;
    int ret;

    tu_newdir(dir, sizeof(dir), "load");
    tu_pathf(path, sizeof(path), "%s/main.cf", dir);
    tu_write_str(path, "# main.cf\nqueue_directory = /q\n  /more\n");
    ret = pfconf_load(path, &cf, err, sizeof(err));
    ck_assert_msg(ret == 0, "load: got %d (%s), want 0", ret, err);
    v = pfconf_expand(&cf, "queue_directory", "/var/spool/postfix");
    ck_assert_msg(strcmp(v, "/q /more") == 0,
		  "load: got \"%s\", want \"/q /more\"", v);
    free(v);
    pfconf_free(&cf);

    tu_pathf(path, sizeof(path), "%s/absent.cf", dir);
    ret = pfconf_load(path, &cf, err, sizeof(err));
    ck_assert_msg(ret == -ENOENT, "missing file: got %d, want -ENOENT", ret);

    /* One byte over the limit is refused, not read. */
    tu_pathf(path, sizeof(path), "%s/huge.cf", dir);
    big = malloc(PFCONF_MAX_SIZE + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, '#', PFCONF_MAX_SIZE + 1);
    tu_write(path, big, PFCONF_MAX_SIZE + 1);
    free(big);
    ret = pfconf_load(path, &cf, err, sizeof(err));
    ck_assert_msg(ret == -EFBIG, "oversized file: got %d, want -EFBIG", ret);

    tu_pathf(path, sizeof(path), "%s/bad.cf", dir);
    tu_write_str(path, "a = b\n\nc d\n");
    ret = pfconf_load(path, &cf, err, sizeof(err));
    ck_assert_msg(ret == -EINVAL && strstr(err, "line 3") != NULL,
		  "bad file: got %d \"%s\", want -EINVAL and line 3", ret,
		  err);
}
END_TEST

struct bool_case {
    const char *value;	/* NULL: unset */
    int dflt;
    int want;
};

static const struct bool_case bool_cases[] = {
    {"yes", 0, 1}, {"YES", 0, 1}, {"true", 0, 1}, {"True", 0, 1},
    {"1", 0, 1}, {"no", 1, 0}, {"No", 1, 0}, {"false", 1, 0},
    {"0", 1, 0}, {"maybe", 1, 1}, {"maybe", 0, 0}, {"", 1, 1},
    {"yess", 0, 0}, {NULL, 1, 1}, {NULL, 0, 0},
};

/* test_bool_table - pfconf_bool() */
START_TEST(test_bool_table)
{
    const struct bool_case *c = &bool_cases[_i];
    struct pfconf cf;
    char text[64], err[256];
    int got;

    if (c->value)
	snprintf(text, sizeof(text), "flag = %s\n", c->value);
    else
	snprintf(text, sizeof(text), "other = yes\n");
    ck_assert_int_eq(parse(text, 0, &cf, err, sizeof(err)), 0);
    got = pfconf_bool(&cf, "flag", c->dflt);
    ck_assert_msg(got == c->want, "bool \"%s\" default %d: got %d, want %d",
		  c->value ? c->value : "(unset)", c->dflt, got, c->want);
    pfconf_free(&cf);
}
END_TEST

/* setup - unchecked fixture: the TCase's temporary directory */
static void
setup(void)
{
    tu_top_setup_named("check_pfconf");
}

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
pfconf_suite(void)
{
    Suite *s = suite_create("pfconf");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_parse_table, 0, NCASES(parse_cases));
    tcase_add_test(tc, test_raw);
    tcase_add_test(tc, test_megabyte_lines);
    tcase_add_test(tc, test_garbage);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("expand");
    tcase_add_loop_test(tc, test_expand_table, 0, NCASES(expand_cases));
    tcase_add_loop_test(tc, test_expand_loops, 0, NCASES(loop_cases));
    tcase_add_test(tc, test_expand_bomb);
    tcase_add_loop_test(tc, test_bool_table, 0, NCASES(bool_cases));
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_unchecked_fixture(tc, setup, tu_top_teardown);
    tcase_add_test(tc, test_load);
    suite_add_tcase(s, tc);
    return (s);
}
