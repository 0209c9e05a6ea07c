/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_nsswitch - libFuzzer target for the nsswitch.conf reader
 * SUMMARY
 *	Parse arbitrary bytes as nsswitch.conf and check what comes out.
 * DESCRIPTION
 *	Each input goes through nsswitch_parse().  The result must be 0,
 *	-EINVAL (NUL bytes) or -E2BIG (too many modules); after an error
 *	the list is empty.  On success every module name is one the reader
 *	promises (letters, digits, '_', '-', '.', not starting with '.', at
 *	most 64 bytes, so that libnss_NAME.so.2 cannot leave a library
 *	directory), no name is listed twice, there are at most
 *	NSSWITCH_MAX_MODULES, each has a database without a newline, and
 *	no module name is a word that appeared inside brackets only.  A
 *	broken invariant aborts, which libFuzzer reports as a crash; leaks
 *	are found by ASan.
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

#include "nsswitch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - report a broken invariant and crash */
static void
fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_nsswitch: %s: \"%s\"\n", what,
	    detail ? detail : "");
    abort();
}

/* fuzz_name_ok - the promise nsswitch.h makes about a module name */
static int
fuzz_name_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64 || s[0] == '.')
	return (0);
    for (i = 0; i < n; i++)
	if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-'
	    && s[i] != '.')
	    return (0);
    return (1);
}

/* fuzz_word_at - is NAME a whole word at S[I] of a line part of N bytes? */
static int
fuzz_word_at(const char *s, size_t n, size_t i, const char *name)
{
    size_t k = strlen(name);

    return (i + k <= n && memcmp(s + i, name, k) == 0
	    && (i + k == n || isspace((unsigned char)s[i + k])
		|| s[i + k] == '['));
}

/* fuzz_outside_brackets - does NAME occur in BUF as a source word, after
 * a line's first ':' and outside square brackets?  A module must. */
static int
fuzz_outside_brackets(const char *buf, size_t len, const char *name)
{
    size_t pos = 0, i, n;

    while (pos < len) {
	const char *ls = buf + pos, *nl = memchr(ls, '\n', len - pos);
	const char *colon, *hash;
	int inbracket = 0, boundary = 1;

	n = nl ? (size_t)(nl - ls) : len - pos;
	pos += n + 1;
	if ((hash = memchr(ls, '#', n)) != NULL)
	    n = (size_t)(hash - ls);
	if ((colon = memchr(ls, ':', n)) == NULL)
	    continue;
	for (i = (size_t)(colon - ls) + 1; i < n; i++) {
	    char c = ls[i];

	    if (c == '[') {
		inbracket = 1;
		boundary = 1;
	    } else if (c == ']') {
		inbracket = 0;
		boundary = 1;
	    } else if (isspace((unsigned char)c)) {
		boundary = 1;
	    } else {
		if (boundary && !inbracket && fuzz_word_at(ls, n, i, name))
		    return (1);
		boundary = 0;
	    }
	}
    }
    return (0);
}

/* LLVMFuzzerTestOneInput - parse one input and check the result */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct nss_modules mods;
    size_t i, j;
    int ret;

    ret = nsswitch_parse(buf, size, &mods);
    if (ret != 0 && ret != -EINVAL && ret != -E2BIG)
	fuzz_fail("unexpected result", NULL);
    if (ret == -EINVAL && memchr(buf, 0, size) == NULL)
	fuzz_fail("-EINVAL without a NUL byte", NULL);
    if (ret != 0 && (mods.n != 0 || mods.v != NULL))
	fuzz_fail("list not empty after an error", NULL);
    if (mods.n > NSSWITCH_MAX_MODULES)
	fuzz_fail("more modules than the limit", NULL);
    for (i = 0; i < mods.n; i++) {
	if (!fuzz_name_ok(mods.v[i].name))
	    fuzz_fail("unsafe module name", mods.v[i].name);
	if (strchr(mods.v[i].database, '\n') != NULL)
	    fuzz_fail("database with a newline", mods.v[i].database);
	if (!fuzz_outside_brackets(buf, size, mods.v[i].name))
	    fuzz_fail("module that is no word outside brackets",
		      mods.v[i].name);
	for (j = 0; j < i; j++)
	    if (strcmp(mods.v[i].name, mods.v[j].name) == 0)
		fuzz_fail("module listed twice", mods.v[i].name);
    }
    nsswitch_free(&mods);
    nsswitch_free(&mods);
    return (0);
}
