/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_nsswitch - tests of the nsswitch.conf reader
 * SUMMARY
 *	nsswitch_parse() and nsswitch_defaults() against a table of files,
 *	hostile module names and binary garbage.
 * DESCRIPTION
 *	Each case gives the file's text and the module list wanted, written
 *	"name:database" in order of first appearance.  The cases cover every
 *	database glibc knows, action brackets in every spacing (they are
 *	never modules), comments, duplicates and names that could climb out
 *	of a library directory once they become libnss_NAME.so.2.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 */

#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsswitch.h"

/* list - "name:database name:database ..." of MODS; caller frees */
static char *
list(const struct nss_modules *mods)
{
    size_t i, len = 1;
    char *out, *p;

    for (i = 0; i < mods->n; i++)
	len += strlen(mods->v[i].name) + strlen(mods->v[i].database) + 2;
    p = out = malloc(len);
    ck_assert_ptr_nonnull(out);
    *p = 0;
    for (i = 0; i < mods->n; i++)
	p += sprintf(p, "%s%s:%s", i ? " " : "", mods->v[i].name,
		     mods->v[i].database);
    return (out);
}

struct nss_case {
    const char *name;
    const char *text;
    size_t len;		/* 0: strlen(text) */
    int ret;
    const char *want;
};

static const struct nss_case nss_cases[] = {
    {"Debian default",
     "# /etc/nsswitch.conf\n"
     "passwd:         files systemd\n"
     "group:          files systemd\n"
     "shadow:         files\n"
     "gshadow:        files\n"
     "\n"
     "hosts:          files mdns4_minimal [NOTFOUND=return] dns myhostname\n"
     "networks:       files\n"
     "protocols:      db files\n"
     "services:       db files\n"
     "ethers:         db files\n"
     "rpc:            db files\n"
     "netgroup:       nis\n",
     0, 0,
     "files:passwd systemd:passwd mdns4_minimal:hosts dns:hosts "
     "myhostname:hosts db:protocols nis:netgroup"},
    {"Red Hat default (authselect)",
     "passwd:     files sss systemd\n"
     "group:      files [SUCCESS=merge] sss [SUCCESS=merge] systemd\n"
     "hosts:      files myhostname resolve [!UNAVAIL=return] dns\n"
     "automount:  files sss\n",
     0, 0,
     "files:passwd sss:passwd systemd:passwd myhostname:hosts "
     "resolve:hosts dns:hosts"},
    {"every database",
     "aliases: m1\nethers: m2\ngroup: m3\ngshadow: m4\nhosts: m5\n"
     "initgroups: m6\nnetgroup: m7\nnetworks: m8\npasswd: m9\n"
     "protocols: m10\npublickey: m11\nrpc: m12\nservices: m13\n"
     "shadow: m14\nautomount: m15\nsudoers: m16\nbootparams: m17\n",
     0, 0,
     "m1:aliases m2:ethers m3:group m4:gshadow m5:hosts m6:initgroups "
     "m7:netgroup m8:networks m9:passwd m10:protocols m11:publickey "
     "m12:rpc m13:services m14:shadow m15:automount m16:sudoers "
     "m17:bootparams"},
    {"spaced bracket", "hosts: files [ NOTFOUND = return ] dns\n", 0, 0,
     "files:hosts dns:hosts"},
    {"two actions in a bracket",
     "hosts: files [NOTFOUND=return SUCCESS=continue] dns\n", 0, 0,
     "files:hosts dns:hosts"},
    {"bracket against the words", "hosts: files[NOTFOUND=return]dns\n", 0,
     0, "files:hosts dns:hosts"},
    {"bracket word that looks like a module",
     "hosts: files [ ldap ] [sss] dns\n", 0, 0, "files:hosts dns:hosts"},
    {"unclosed bracket ends with its line",
     "hosts: files [NOTFOUND=return dns\npasswd: ldap\n", 0, 0,
     "files:hosts ldap:passwd"},
    {"stray closing bracket", "hosts: files ] dns\n", 0, 0,
     "files:hosts dns:hosts"},
    /* glibc reads "dns]" as the name "dns]", which no object has. */
    {"closing bracket glued to a word", "hosts: files dns]\n", 0, 0,
     "files:hosts"},
    {"comment line", "# hosts: evil\nhosts: files\n", 0, 0, "files:hosts"},
    {"comment after the modules", "hosts: files # dns\n", 0, 0,
     "files:hosts"},
    {"comment inside a word", "hosts: fi#les dns\n", 0, 0, "fi:hosts"},
    {"duplicates listed once, first database kept",
     "passwd: files sss\ngroup: files sss\nhosts: dns files dns\n", 0, 0,
     "files:passwd sss:passwd dns:hosts"},
    {"blanks, tabs and CRLF", "  hosts \t:\tfiles\t dns \r\n", 0, 0,
     "files:hosts dns:hosts"},
    {"line without a colon", "hosts files dns\n", 0, 0, ""},
    {"database without modules", "hosts:\npasswd:   \n", 0, 0, ""},
    {"empty file", "", 0, 0, ""},
    {"no final newline", "hosts: files dns", 0, 0, "files:hosts dns:hosts"},
    {"hostile names are no modules",
     "hosts: ../x a/b /lib/evil .hidden .. . $(id) `id` na\xc3\xafve "
     "x..y ok-1 ok_2 ok.3 Up9\n",
     0, 0, "x..y:hosts ok-1:hosts ok_2:hosts ok.3:hosts Up9:hosts"},
    {"a name of 64 bytes is kept, 65 is not",
     "hosts: "
     "a123456789b123456789c123456789d123456789e123456789f123456789g123 "
     "a123456789b123456789c123456789d123456789e123456789f123456789g1234\n",
     0, 0,
     "a123456789b123456789c123456789d123456789e123456789f123456789g123:"
     "hosts"},
    {"NUL byte", "hosts: files\0 dns\n", 18, -EINVAL, ""},
    {"NUL byte at the end", "hosts: files\n\0", 14, -EINVAL, ""},
};

/* test_parse_table - each file gives its modules */
START_TEST(test_parse_table)
{
    const struct nss_case *c = &nss_cases[_i];
    struct nss_modules mods;
    char *got;
    int ret;

    ret = nsswitch_parse(c->text, c->len ? c->len : strlen(c->text), &mods);
    ck_assert_msg(ret == c->ret, "%s: return: got %d, want %d", c->name, ret,
		  c->ret);
    got = list(&mods);
    ck_assert_msg(strcmp(got, c->want) == 0,
		  "%s: modules: got \"%s\", want \"%s\"", c->name, got,
		  c->want);
    free(got);
    nsswitch_free(&mods);
}
END_TEST

/* test_defaults - glibc's modules without a file */
START_TEST(test_defaults)
{
    struct nss_modules mods;
    char *got;

    nsswitch_defaults(&mods);
    got = list(&mods);
    ck_assert_msg(strcmp(got, "files:(default) dns:(default)") == 0,
		  "defaults: got \"%s\", want files and dns", got);
    free(got);
    nsswitch_free(&mods);
    ck_assert_msg(mods.n == 0 && mods.v == NULL,
		  "after free: got %zu modules, want 0", mods.n);
}
END_TEST

/* modules_text - a file naming COUNT distinct modules, each REPEAT times */
static char *
modules_text(int count, int repeat)
{
    char *text = malloc((size_t)count * (size_t)repeat * 32 + 64), *p;
    int i, r;

    ck_assert_ptr_nonnull(text);
    p = text;
    for (r = 0; r < repeat; r++) {
	p += sprintf(p, "hosts:");
	for (i = 0; i < count; i++)
	    p += sprintf(p, " mod%d [NOTFOUND=continue]", i);
	*p++ = '\n';
    }
    *p = 0;
    return (text);
}

struct limit_case {
    int count;
    int repeat;
    int ret;
    size_t n;
};

static const struct limit_case limit_cases[] = {
    {1, 1, 0, 1},
    {NSSWITCH_MAX_MODULES, 1, 0, NSSWITCH_MAX_MODULES},
    {NSSWITCH_MAX_MODULES, 5, 0, NSSWITCH_MAX_MODULES},
    {NSSWITCH_MAX_MODULES + 1, 1, -E2BIG, 0},
    {10000, 1, -E2BIG, 0},
};

/* test_limit - more than NSSWITCH_MAX_MODULES distinct names: -E2BIG */
START_TEST(test_limit)
{
    const struct limit_case *c = &limit_cases[_i];
    char *text = modules_text(c->count, c->repeat);
    struct nss_modules mods;
    int ret;

    ret = nsswitch_parse(text, strlen(text), &mods);
    ck_assert_msg(ret == c->ret, "%d modules x %d: got %d, want %d",
		  c->count, c->repeat, ret, c->ret);
    ck_assert_msg(mods.n == c->n, "%d modules x %d: got %zu listed, want %zu",
		  c->count, c->repeat, mods.n, c->n);
    nsswitch_free(&mods);
    free(text);
}
END_TEST

/* name_ok - what a listed module name must look like */
static int
name_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64 || s[0] == '.')
	return (0);
    for (i = 0; i < n; i++)
	if (!isalnum((unsigned char)s[i]) && strchr("_-.", s[i]) == NULL)
	    return (0);
    return (1);
}

/* test_garbage - megabytes of random bytes: no crash, only safe names */
START_TEST(test_garbage)
{
    size_t len = NSSWITCH_MAX_SIZE, i, j;
    unsigned char *text = malloc(len);
    unsigned seed = 4242 + (unsigned)_i;
    struct nss_modules mods;
    int ret;

    ck_assert_ptr_nonnull(text);
    for (i = 0; i < len; i++) {
	seed = seed * 1103515245 + 12345;
	text[i] = (unsigned char)(seed >> 16);

	/* Later rounds: mostly the characters the reader cares about. */
	if (_i > 0 && text[i] % 3 != 0)
	    text[i] = ":[] \n#a./-"[text[i] % 11];
	if (_i > 0 && text[i] == 0)
	    text[i] = 'x';
    }
    ret = nsswitch_parse((const char *)text, len, &mods);
    if (_i == 0)
	ck_assert_msg(ret == -EINVAL,
		      "garbage with NUL bytes: got %d, want -EINVAL", ret);
    else
	ck_assert_msg(ret == 0 || ret == -E2BIG,
		      "garbage round %d: got %d, want 0 or -E2BIG", _i, ret);
    ck_assert_msg(ret == 0 || mods.n == 0,
		  "garbage round %d: got %zu modules after an error, want 0",
		  _i, mods.n);
    for (i = 0; i < mods.n; i++) {
	ck_assert_msg(name_ok(mods.v[i].name),
		      "garbage round %d: got module \"%s\", want a safe name",
		      _i, mods.v[i].name);
	for (j = 0; j < i; j++)
	    ck_assert_msg(strcmp(mods.v[i].name, mods.v[j].name) != 0,
			  "garbage round %d: got \"%s\" twice, want once", _i,
			  mods.v[i].name);
    }
    nsswitch_free(&mods);
    free(text);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
nsswitch_suite(void)
{
    Suite *s = suite_create("nsswitch");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_parse_table, 0, NCASES(nss_cases));
    tcase_add_test(tc, test_defaults);
    tcase_add_loop_test(tc, test_limit, 0, NCASES(limit_cases));
    tcase_add_loop_test(tc, test_garbage, 0, 3);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return (s);
}
