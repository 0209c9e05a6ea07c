/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_maincf - libFuzzer target for the main.cf reader
 * SUMMARY
 *	Parse arbitrary bytes as main.cf, then expand what was read.
 * DESCRIPTION
 *	Each input goes through pfconf_parse().  A refusal must be -EINVAL
 *	with a "line N: ..." message whose N is a line of the input, and
 *	leave nothing allocated; a NUL byte must always be refused.  A
 *	success gives distinct, non-empty names without newlines or
 *	surrounding blanks, values without newlines, and pfconf_raw() finds
 *	each.  The first names and a few fixed ones are then expanded with
 *	pfconf_expand(): the result is never NULL for a set name or a
 *	default, and never longer than PFCONF_MAX_SIZE, however the values
 *	name each other.  A broken invariant aborts, which libFuzzer reports
 *	as a crash; leaks are found by ASan, endless expansions by
 *	libFuzzer's timeout.
 * DIAGNOSTICS
 *	A broken invariant prints one line on stderr and aborts.
 * SECURITY
 *	Test code; never installed.
 */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfconf.h"

/* Names expanded for every input, with and without a default. */
static const char *const fuzz_fixed[] = {
    "queue_directory", "a", "x", NULL,
};

/* At most this many of the input's own names are expanded. */
#define FUZZ_EXPAND_NAMES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - report a broken invariant and crash */
static void
fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_maincf: %s: \"%.200s\"\n", what,
	    detail ? detail : "");
    abort();
}

/* fuzz_lines - number of lines in the input */
static unsigned long
fuzz_lines(const char *buf, size_t len)
{
    unsigned long n = 0;
    size_t i;

    for (i = 0; i < len; i++)
	if (buf[i] == '\n')
	    n++;
    return (n + (len > 0 && buf[len - 1] != '\n'));
}

/* fuzz_check_error - a refusal and its message */
static void
fuzz_check_error(const char *buf, size_t len, int ret, const char *err,
		 const struct pfconf *cf)
{
    unsigned long line;

    if (ret != -EINVAL)
	fuzz_fail("unexpected result", err);
    if (sscanf(err, "line %lu: ", &line) != 1)
	fuzz_fail("message without a line number", err);
    if (line == 0 || line > fuzz_lines(buf, len))
	fuzz_fail("line number outside the input", err);
    if (cf->names.n != 0 || cf->values.n != 0 || cf->names.v != NULL)
	fuzz_fail("settings left after an error", err);
}

/* fuzz_check_settings - what a successful parse gave */
static void
fuzz_check_settings(const struct pfconf *cf)
{
    size_t i, j, n;

    if (cf->names.n != cf->values.n)
	fuzz_fail("names and values differ in number", NULL);
    for (i = 0; i < cf->names.n; i++) {
	const char *name = cf->names.v[i], *v = cf->values.v[i];

	n = strlen(name);
	if (n == 0 || strchr(name, '\n') || isspace((unsigned char)name[0])
	    || isspace((unsigned char)name[n - 1]) || strchr(name, '='))
	    fuzz_fail("bad name", name);
	if (strchr(v, '\n') != NULL)
	    fuzz_fail("value with a newline", v);
	if (pfconf_raw(cf, name) != v)
	    fuzz_fail("pfconf_raw does not find the setting", name);
	for (j = 0; j < i; j++)
	    if (strcmp(name, cf->names.v[j]) == 0)
		fuzz_fail("name listed twice", name);
    }
}

/* fuzz_expand - expand NAME and check the result */
static void
fuzz_expand(const struct pfconf *cf, const char *name, const char *dflt)
{
    char *v = pfconf_expand(cf, name, dflt);

    if (v == NULL) {
	if (dflt != NULL || pfconf_raw(cf, name) != NULL)
	    fuzz_fail("NULL for a set name or a default", name);
	return;
    }
    if (strlen(v) > PFCONF_MAX_SIZE)
	fuzz_fail("expansion longer than PFCONF_MAX_SIZE", name);
    free(v);
}

/* LLVMFuzzerTestOneInput - parse one input, check it, expand it */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct pfconf cf;
    char err[256];
    size_t i;
    int ret;

    err[0] = 0;
    ret = pfconf_parse(buf, size, &cf, err, sizeof(err));
    if (memchr(buf, 0, size) != NULL && ret == 0)
	fuzz_fail("NUL byte accepted", NULL);
    if (ret != 0) {
	fuzz_check_error(buf, size, ret, err, &cf);
	return (0);
    }
    fuzz_check_settings(&cf);
    for (i = 0; i < cf.names.n && i < FUZZ_EXPAND_NAMES; i++)
	fuzz_expand(&cf, cf.names.v[i], NULL);
    for (i = 0; fuzz_fixed[i]; i++) {
	fuzz_expand(&cf, fuzz_fixed[i], NULL);
	fuzz_expand(&cf, fuzz_fixed[i], "${a?{$b}:{$x}}/$(b)");
    }
    (void)pfconf_bool(&cf, "a", 1);
    pfconf_free(&cf);
    return (0);
}
