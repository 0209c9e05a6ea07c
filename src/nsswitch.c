/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nsswitch - name-service modules named in nsswitch.conf
 * SUMMARY
 *	Which libnss_NAME.so.2 objects glibc may load, for every database.
 * DESCRIPTION
 *	nsswitch_parse() reads the bytes of an nsswitch.conf: a line is
 *	"database: source [ACTION=action] source ...", '#' starts a comment
 *	anywhere on a line.  Every source word of every database is a module
 *	name; words in square brackets are actions, not modules, even when a
 *	bracket spans several words ("[ NOTFOUND = return ]").  Each module is
 *	listed once, in order of first appearance, with the database that
 *	named it first.
 *
 *	nsswitch_defaults() gives the modules glibc uses when the file does
 *	not exist: "files" and "dns".  On glibc 2.34 and later both are built
 *	into libc and have no separate object; the caller skips names it
 *	cannot find quietly for exactly these two.
 * DIAGNOSTICS
 *	0, or -EINVAL for a file with NUL bytes, -E2BIG beyond
 *	NSSWITCH_MAX_MODULES distinct modules.
 * SECURITY
 *	Module names become file names (libnss_NAME.so.2): a name is accepted
 *	only when it is made of letters, digits, '_', '-' and '.', does not
 *	start with '.', and is at most 64 bytes, so that it cannot climb out
 *	of a library directory.
 */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nsswitch.h"
#include "util.h"

#define NSS_NAME_MAX 64

/* nss_name_ok - is W (LEN bytes) a module name we accept? */
static int
nss_name_ok(const char *w, size_t len)
{
    size_t i;

    if (len == 0 || len > NSS_NAME_MAX || w[0] == '.')
	return (0);
    for (i = 0; i < len; i++)
	if (!isalnum((unsigned char)w[i]) && w[i] != '_' && w[i] != '-'
	    && w[i] != '.')
	    return (0);
    return (1);
}

/* nss_add - record module W for database DB, once */
static int
nss_add(struct nss_modules *mods, const char *w, size_t len, const char *db,
	size_t dblen)
{
    size_t i;

    for (i = 0; i < mods->n; i++)
	if (strlen(mods->v[i].name) == len
	    && memcmp(mods->v[i].name, w, len) == 0)
	    return (0);
    if (mods->n >= NSSWITCH_MAX_MODULES)
	return (-E2BIG);
    mods->v = xrealloc(mods->v, (mods->n + 1) * sizeof(*mods->v));
    mods->v[mods->n].name = xstrndup(w, len);
    mods->v[mods->n].database = xstrndup(db, dblen);
    mods->n++;
    return (0);
}

/* nss_line - collect the modules of one line (comment already cut) */
static int
nss_line(struct nss_modules *mods, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n), *p, *e = s + n, *db = s;
    size_t dblen;
    int inbracket = 0, ret;

    if (colon == NULL)
	return (0);
    while (db < colon && isspace((unsigned char)*db))
	db++;
    dblen = (size_t)(colon - db);
    while (dblen > 0 && isspace((unsigned char)db[dblen - 1]))
	dblen--;
    for (p = colon + 1; p < e;) {
	const char *w;

	while (p < e && isspace((unsigned char)*p))
	    p++;
	if (p >= e)
	    break;

	/* Actions in brackets are no modules, however they are spaced. */
	if (*p == '[') {
	    inbracket = 1;
	    p++;
	    continue;
	}
	w = p;
	while (p < e && !isspace((unsigned char)*p) && *p != '['
	       && *p != ']')
	    p++;
	if (inbracket) {
	    if (p < e && *p == ']') {
		inbracket = 0;
		p++;
	    }
	    continue;
	}
	if (p < e && *p == ']') {
	    p++;
	    continue;
	}
	if (nss_name_ok(w, (size_t)(p - w))
	    && (ret = nss_add(mods, w, (size_t)(p - w), db, dblen)) < 0)
	    return (ret);
    }
    return (0);
}

/* nsswitch_parse - every module named in the file's LEN bytes */
int
nsswitch_parse(const char *buf, size_t len, struct nss_modules *mods)
{
    size_t pos = 0;
    int ret;

    memset(mods, 0, sizeof(*mods));
    if (memchr(buf, 0, len) != NULL)
	return (-EINVAL);
    while (pos < len) {
	const char *ls = buf + pos, *nl = memchr(ls, '\n', len - pos);
	size_t n = nl ? (size_t)(nl - ls) : len - pos;
	const char *hash = memchr(ls, '#', n);

	pos += n + (nl != NULL);
	if (hash)
	    n = (size_t)(hash - ls);
	if ((ret = nss_line(mods, ls, n)) < 0) {
	    nsswitch_free(mods);
	    return (ret);
	}
    }
    return (0);
}

/* nsswitch_defaults - glibc's modules when nsswitch.conf is missing */
void
nsswitch_defaults(struct nss_modules *mods)
{
    memset(mods, 0, sizeof(*mods));
    nss_add(mods, "files", 5, "(default)", 9);
    nss_add(mods, "dns", 3, "(default)", 9);
}

/* nsswitch_free - release the list */
void
nsswitch_free(struct nss_modules *mods)
{
    size_t i;

    for (i = 0; i < mods->n; i++) {
	free(mods->v[i].name);
	free(mods->v[i].database);
    }
    free(mods->v);
    mods->v = NULL;
    mods->n = 0;
}
