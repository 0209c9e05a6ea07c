/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	trigger - decide quickly whether an rpm trigger's paths matter
 * SUMMARY
 *	A filter for the path list rpm gives a transaction file trigger on
 *	the library directories, which can hold tens of thousands of paths
 *	of which usually none concerns the jail.
 * DESCRIPTION
 *	trigger_set_init() builds a hash set of the base names of the files
 *	and links the manifest holds outside etc.  trigger_line_relevant()
 *	says whether one path matters: a name-service module, libresolv or
 *	libdb (by base name, so that /lib64 and /usr/lib64 spellings both
 *	match); a base name the
 *	jail already holds (a DT_NEEDED library, a versioned file, a link of
 *	a chain); an etc file the jail copies; a zone file; ld.so.conf;
 *	anything in /etc/postfix; or a path added with
 *	trigger_set_add_path() (extra_files).  A base-name match may be a
 *	false alarm, which costs one full update; a miss cannot happen for a
 *	file the jail holds.
 *
 *	trigger_scan() reads lines from FD until the first relevant one,
 *	then stops reading (rpm does not mind an early close of the pipe).
 *	It returns 1 and sets *HIT, 0 when none matters, or a negative
 *	errno.  *LINES counts the lines read.
 * DIAGNOSTICS
 *	None; the caller logs.
 * SECURITY
 *	The input is rpm's, but is treated as untrusted all the same: lines
 *	longer than TRIGGER_MAX_LINE and lines holding NUL bytes are skipped,
 *	and memory stays bounded whatever the input's length.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigger.h"
#include "util.h"

#define TRIGGER_BUF 65536

/* A string with its length, so that no line costs a strlen(). */
struct lstr {
    const char *s;
    size_t n;
};

#define LSTR(text) {text, sizeof(text) - 1}

/* The etc files the jail copies, as host paths, below "/etc/". */
static const struct lstr trigger_etc[] = {
    LSTR("/etc/hosts"), LSTR("/etc/resolv.conf"), LSTR("/etc/services"),
    LSTR("/etc/host.conf"), LSTR("/etc/nsswitch.conf"),
    LSTR("/etc/localtime"), LSTR("/etc/protocols"), LSTR("/etc/gai.conf"),
    LSTR("/etc/passwd"), LSTR("/etc/ld.so.conf"), LSTR("/etc/postfix/"),
    LSTR("/etc/ld.so.conf.d/"), {NULL, 0},
};

/* Base name prefixes that always matter; all begin with "lib". */
static const struct lstr trigger_names[] = {
    LSTR("libnss_"), LSTR("libresolv."), LSTR("libresolv-"), LSTR("libdb-"),
    {NULL, 0},
};

#define TRIGGER_ZONEINFO "/usr/share/zoneinfo/"

/* trigger_hash - FNV-1a of N bytes */
static size_t
trigger_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    while (n-- > 0) {
	h ^= (unsigned char)*s++;
	h *= 1099511628211ULL;
    }
    return ((size_t)h);
}

/* trigger_set_add - add base name S to the table */
static void
trigger_set_add(struct trigger_set *ts, const char *s)
{
    size_t i = trigger_hash(s, strlen(s)) & (ts->size - 1);

    while (ts->slot[i]) {
	if (strcmp(ts->slot[i], s) == 0)
	    return;
	i = (i + 1) & (ts->size - 1);
    }
    ts->slot[i] = xstrdup(s);
    if (ts->minlen == 0 || strlen(s) < ts->minlen)
	ts->minlen = strlen(s);
    if (strlen(s) > ts->maxlen)
	ts->maxlen = strlen(s);
}

/* trigger_set_init - base names of everything in manifest M */
void
trigger_set_init(struct trigger_set *ts, const struct manifest *m)
{
    size_t i;

    memset(ts, 0, sizeof(*ts));
    for (ts->size = 64; ts->size < 2 * (m->n + 1); ts->size *= 2)
	;
    ts->slot = xcalloc(ts->size, sizeof(*ts->slot));
    /*
     * Directories, the top-level links (lib -> usr/lib) and the etc files
     * are left out: their names match every file or directory of that
     * name in any package, and etc files are matched by their full path.
     */
    for (i = 0; i < m->n; i++)
	if (m->v[i].kind != 'd' && strchr(m->v[i].path, '/') != NULL
	    && strncmp(m->v[i].path, "etc/", 4) != 0)
	    trigger_set_add(ts, path_basename(m->v[i].path));
}

/* trigger_set_add_path - an exact host path that matters */
void
trigger_set_add_path(struct trigger_set *ts, const char *path)
{
    ts->paths = xrealloc(ts->paths, (ts->npaths + 1) * sizeof(char *));
    ts->pathlen = xrealloc(ts->pathlen, (ts->npaths + 1) * sizeof(size_t));
    ts->pathlen[ts->npaths] = strlen(path);
    ts->paths[ts->npaths++] = xstrdup(path);
}

/* trigger_has_name - is base name B (N bytes) in the table? */
static int
trigger_has_name(const struct trigger_set *ts, const char *b, size_t n)
{
    size_t i = trigger_hash(b, n) & (ts->size - 1);

    while (ts->slot[i]) {
	if (strlen(ts->slot[i]) == n && memcmp(ts->slot[i], b, n) == 0)
	    return (1);
	i = (i + 1) & (ts->size - 1);
    }
    return (0);
}

/*
 * trigger_clean_relevant - trigger_line_relevant() for a line known to
 * hold no NUL byte.  This runs for every line of lists that can hold
 * tens of thousands: the common, irrelevant path costs a few byte
 * comparisons, one memrchr() and at most one hash.
 */
static int
trigger_clean_relevant(const struct trigger_set *ts, const char *line,
		       size_t len)
{
    const struct lstr *l;
    const char *base;
    size_t i, n;

    if (len == 0 || len > TRIGGER_MAX_LINE || line[0] != '/')
	return (0);

    /* Whole etc paths, and the two etc directories that matter. */
    if (len > 5 && memcmp(line, "/etc/", 5) == 0) {
	for (l = trigger_etc; l->s; l++)
	    if (l->s[l->n - 1] == '/' ? (len > l->n
					 && memcmp(l->s, line, l->n) == 0)
		: (len == l->n && memcmp(l->s, line, len) == 0))
		return (1);
    } else if (len > sizeof(TRIGGER_ZONEINFO) - 1
	       && memcmp(line, TRIGGER_ZONEINFO,
			 sizeof(TRIGGER_ZONEINFO) - 1) == 0) {
	return (1);
    }
    for (i = 0; i < ts->npaths; i++)
	if (ts->pathlen[i] == len && memcmp(ts->paths[i], line, len) == 0)
	    return (1);

    /* Base names: module prefixes, then what the jail holds. */
    base = memrchr(line, '/', len) + 1;
    n = len - (size_t)(base - line);
    if (n >= 6 && base[0] == 'l' && base[1] == 'i' && base[2] == 'b')
	for (l = trigger_names; l->s; l++)
	    if (n >= l->n && memcmp(l->s, base, l->n) == 0)
		return (1);
    if (n < ts->minlen || n > ts->maxlen)
	return (0);
    return (trigger_has_name(ts, base, n));
}

/* trigger_line_relevant - does the path in LINE (LEN bytes) matter? */
int
trigger_line_relevant(const struct trigger_set *ts, const char *line,
		      size_t len)
{
    if (memchr(line, 0, len) != NULL)
	return (0);
    return (trigger_clean_relevant(ts, line, len));
}

/* trigger_scan - read lines from FD until one matters */
int
trigger_scan(const struct trigger_set *ts, int fd, size_t *lines,
	     const char **hit)
{
    static char keep[TRIGGER_MAX_LINE + 1];
    char *buf = xmalloc(TRIGGER_BUF + TRIGGER_MAX_LINE + 1);
    size_t have = 0;
    int skipping = 0, found = 0, clean;
    ssize_t n;

    *lines = 0;
    *hit = NULL;
    for (;;) {
	char *p, *nl, *end;

	n = read(fd, buf + have, TRIGGER_BUF);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    free(buf);
	    return (-errno);
	}
	if (n == 0 && have == 0) {
	    /* The end of an overlong last line without a newline. */
	    if (skipping)
		(*lines)++;
	    break;
	}
	end = buf + have + n;
	if (n == 0)
	    *end++ = '\n';

	/* Look for NUL bytes once per buffer, not once per line. */
	clean = (memchr(buf, 0, (size_t)(end - buf)) == NULL);
	for (p = buf; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	     p = nl + 1) {
	    size_t len = (size_t)(nl - p);

	    (*lines)++;
	    if (skipping) {
		skipping = 0;
		continue;
	    }
	    if (clean ? trigger_clean_relevant(ts, p, len)
		: trigger_line_relevant(ts, p, len)) {
		memcpy(keep, p, len);
		keep[len] = 0;
		*hit = keep;
		found = 1;
		break;
	    }
	}
	if (found || n == 0)
	    break;

	/* Keep a partial line; drop one that is already too long. */
	have = (size_t)(end - p);
	if (have > TRIGGER_MAX_LINE) {
	    skipping = 1;
	    have = 0;
	} else {
	    memmove(buf, p, have);
	}
    }
    free(buf);
    return (found);
}

/* trigger_set_free - release the set */
void
trigger_set_free(struct trigger_set *ts)
{
    size_t i;

    for (i = 0; i < ts->size; i++)
	free(ts->slot[i]);
    for (i = 0; i < ts->npaths; i++)
	free(ts->paths[i]);
    free(ts->slot);
    free(ts->paths);
    free(ts->pathlen);
    memset(ts, 0, sizeof(*ts));
}
