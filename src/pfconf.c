/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pfconf - read main.cf and files of the same syntax
 * SUMMARY
 *	A reader for Postfix's "name = value" configuration syntax that
 *	needs no runnable postconf.
 * DESCRIPTION
 *	pfconf_parse() takes the bytes of a file: blank lines and lines whose
 *	first non-blank character is '#' are ignored; a line that starts with
 *	white space continues the previous setting; otherwise a line is
 *	"name = value", white space around both trimmed.  A later setting of
 *	the same name replaces an earlier one, as in Postfix.
 *
 *	pfconf_raw() returns the value as written, or NULL.  pfconf_expand()
 *	returns a new string with $name, ${name} and $(name) replaced by the
 *	expanded value of that setting (empty when unset), and the forms
 *	${name?text} and ${name:text} handled, also with nested references
 *	in TEXT and with Postfix 3's ${name?{text}}, ${name:{text}} and
 *	${name?{text1}:{text2}}; DFLT stands for an unset NAME.
 *	pfconf_bool() reads yes/no/true/false/1/0.
 *
 *	The tool's own configuration, postfix-chroot.conf, uses the same
 *	syntax and this reader.
 * DIAGNOSTICS
 *	pfconf_parse() and pfconf_load() return 0 or a negative errno with
 *	"line N: ..." in ERR for a line that is not a setting.
 * SECURITY
 *	main.cf is root-owned, but the reader is still bounded: at most
 *	PFCONF_MAX_SIZE bytes read, an expansion depth of 20, so a loop such
 *	as "a = $b, b = $a" ends, and per pfconf_expand() at most
 *	PFCONF_MAX_REFS references expanded and PFCONF_MAX_SIZE bytes made,
 *	so that values naming each other many times over cannot take
 *	unbounded time or memory.
 * BUGS
 *	Postfix's built-in defaults are known here only for the few
 *	settings the tool uses; callers pass them as DFLT.  An expansion
 *	that reaches a limit is cut short, where Postfix would report an
 *	error.  The relational forms ${{$a} == {b}?...} are not supported.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pfconf.h"
#include "util.h"

#define PFCONF_MAX_DEPTH 20
#define PFCONF_MAX_REFS 10000

/* pfconf_set - record NAME=VALUE, replacing an earlier value */
static void
pfconf_set(struct pfconf *cf, const char *name, size_t nlen,
	   const char *value, size_t vlen)
{
    char *n = xstrndup(name, nlen);
    size_t i;

    for (i = 0; i < cf->names.n; i++) {
	if (strcmp(cf->names.v[i], n) == 0) {
	    free(cf->values.v[i]);
	    cf->values.v[i] = xstrndup(value, vlen);
	    free(n);
	    return;
	}
    }
    strlist_add(&cf->names, n);
    free(n);
    n = xstrndup(value, vlen);
    strlist_add(&cf->values, n);
    free(n);
}

/* pfconf_flush - store the logical line collected so far */
static int
pfconf_flush(struct pfconf *cf, const char *s, size_t len, unsigned line,
	     char *err, size_t errlen)
{
    const char *eq = memchr(s, '=', len);
    const char *ne, *vs, *ve = s + len;

    if (eq == NULL) {
	snprintf(err, errlen, "line %u: missing '=' after parameter name",
		 line);
	return (-EINVAL);
    }
    for (ne = eq; ne > s && isspace((unsigned char)ne[-1]); ne--)
	;
    if (ne == s) {
	snprintf(err, errlen, "line %u: missing parameter name", line);
	return (-EINVAL);
    }
    for (vs = eq + 1; vs < ve && isspace((unsigned char)*vs); vs++)
	;
    while (ve > vs && isspace((unsigned char)ve[-1]))
	ve--;
    pfconf_set(cf, s, (size_t)(ne - s), vs, (size_t)(ve - vs));
    return (0);
}

/* pfconf_parse - parse LEN bytes of BUF into CF */
int
pfconf_parse(const char *buf, size_t len, struct pfconf *cf, char *err,
	     size_t errlen)
{
    char *logical = xmalloc(len + 1);
    size_t llen = 0, pos = 0;
    unsigned line = 0, start = 0;
    int ret = 0;

    memset(cf, 0, sizeof(*cf));
    while (pos < len && ret == 0) {
	const char *ls = buf + pos, *nl = memchr(ls, '\n', len - pos);
	size_t n = nl ? (size_t)(nl - ls) : len - pos;
	size_t i = 0;

	pos += n + (nl != NULL);
	line++;
	if (memchr(ls, 0, n) != NULL) {
	    snprintf(err, errlen, "line %u: NUL byte", line);
	    ret = -EINVAL;
	    break;
	}
	while (i < n && isspace((unsigned char)ls[i]))
	    i++;
	if (i == n || ls[i] == '#')
	    continue;

	/* Continuation: white space first, and an earlier line to extend. */
	if (i > 0) {
	    if (llen == 0) {
		snprintf(err, errlen,
			 "line %u: continued line without a setting", line);
		ret = -EINVAL;
		break;
	    }
	    logical[llen++] = ' ';
	    memcpy(logical + llen, ls + i, n - i);
	    llen += n - i;
	    continue;
	}
	if (llen > 0)
	    ret = pfconf_flush(cf, logical, llen, start, err, errlen);
	memcpy(logical, ls, n);
	llen = n;
	start = line;
    }
    if (ret == 0 && llen > 0)
	ret = pfconf_flush(cf, logical, llen, start, err, errlen);
    free(logical);
    if (ret < 0)
	pfconf_free(cf);
    return (ret);
}

/* pfconf_load - read and parse the file PATH; -ENOENT when missing */
int
pfconf_load(const char *path, struct pfconf *cf, char *err, size_t errlen)
{
    char *buf;
    size_t len;
    int ret;

    memset(cf, 0, sizeof(*cf));
    ret = read_file_at(AT_FDCWD, path, PFCONF_MAX_SIZE, &buf, &len);
    if (ret < 0) {
	snprintf(err, errlen, "%s", strerror(-ret));
	return (ret);
    }
    ret = pfconf_parse(buf, len, cf, err, errlen);
    free(buf);
    return (ret);
}

/* pfconf_raw - the value of NAME as written, or NULL */
const char *
pfconf_raw(const struct pfconf *cf, const char *name)
{
    size_t i;

    for (i = 0; i < cf->names.n; i++)
	if (strcmp(cf->names.v[i], name) == 0)
	    return (cf->values.v[i]);
    return (NULL);
}

/*
 * The state of one pfconf_expand(): the text made so far and what is left
 * of the budget.  A value may name others many times over ("a = $b$b$b",
 * "b = $c$c$c", ...), so depth alone does not bound the work: the number
 * of references expanded and the length of the result are bounded too.
 */
struct pfconf_exp {
    const struct pfconf *cf;
    char *s;
    size_t len, cap;
    size_t refs;	/* references expanded so far */
    int full;		/* a limit was reached; stop expanding */
};

/* pfconf_put - append N bytes, up to PFCONF_MAX_SIZE in all */
static void
pfconf_put(struct pfconf_exp *x, const char *s, size_t n)
{
    if (x->full)
	return;
    if (x->len + n > PFCONF_MAX_SIZE) {
	n = PFCONF_MAX_SIZE - x->len;
	x->full = 1;
    }
    if (x->len + n + 1 > x->cap) {
	x->cap = (x->len + n + 1) * 2;
	x->s = xrealloc(x->s, x->cap);
    }
    memcpy(x->s + x->len, s, n);
    x->len += n;
    x->s[x->len] = 0;
}

/* pfconf_close - the bracket that closes the one at P, or NULL */
static const char *
pfconf_close(const char *p)
{
    char open = *p, close = (open == '{') ? '}' : ')';
    size_t level = 0;

    /* Count nesting, so that ${a?${b}} ends at the last brace. */
    for (; *p; p++) {
	if (*p == open)
	    level++;
	else if (*p == close && --level == 0)
	    return (p);
    }
    return (NULL);
}

static void pfconf_expand_into(struct pfconf_exp *, const char *, size_t,
			       int);

/* pfconf_expand_text - the TEXT of ${name?TEXT} or ${name:TEXT} */
static void
pfconf_expand_text(struct pfconf_exp *x, int op, int set, const char *t,
		   size_t tlen, int depth)
{
    const char *e;

    /*
     * Postfix 3.0 and later also accept ${name?{TEXT}}, ${name:{TEXT}}
     * and ${name?{TEXT1}:{TEXT2}}; the braces are not part of the text.
     */
    if (tlen > 0 && t[0] == '{' && (e = pfconf_close(t)) != NULL
	&& e < t + tlen) {
	const char *rest = e + 1, *end = t + tlen;

	if (rest == end) {
	    if ((op == '?') == (set != 0))
		pfconf_expand_into(x, t + 1, (size_t)(e - t - 1), depth + 1);
	    return;
	}
	if (op == '?' && rest[0] == ':' && rest + 1 < end && rest[1] == '{'
	    && pfconf_close(rest + 1) == end - 1) {
	    if (set)
		pfconf_expand_into(x, t + 1, (size_t)(e - t - 1), depth + 1);
	    else
		pfconf_expand_into(x, rest + 2, (size_t)(end - rest - 3),
				   depth + 1);
	    return;
	}
    }
    if ((op == '?') == (set != 0))
	pfconf_expand_into(x, t, tlen, depth + 1);
}

/* pfconf_find - the value of the NLEN bytes of NAME, or NULL */
static const char *
pfconf_find(const struct pfconf *cf, const char *name, size_t nlen)
{
    size_t i;

    for (i = 0; i < cf->names.n; i++)
	if (strncmp(cf->names.v[i], name, nlen) == 0
	    && cf->names.v[i][nlen] == 0)
	    return (cf->values.v[i]);
    return (NULL);
}

/* pfconf_expand_ref - expand one $name reference */
static void
pfconf_expand_ref(struct pfconf_exp *x, const char *name, size_t nlen,
		  int op, const char *text, size_t tlen, int depth)
{
    const char *v;
    int set;

    if (++x->refs > PFCONF_MAX_REFS) {
	x->full = 1;
	return;
    }
    v = pfconf_find(x->cf, name, nlen);
    set = (v != NULL && *v != 0);
    if (op == '?' || op == ':') {
	pfconf_expand_text(x, op, set, text, tlen, depth);
	return;
    }
    if (v)
	pfconf_expand_into(x, v, strlen(v), depth + 1);
}

/* pfconf_expand_into - expand LEN bytes of the value V */
static void
pfconf_expand_into(struct pfconf_exp *x, const char *v, size_t len,
		   int depth)
{
    const char *p = v, *end = v + len;

    if (depth > PFCONF_MAX_DEPTH)
	return;
    while (p < end && !x->full) {
	const char *d = memchr(p, '$', (size_t)(end - p));

	if (d == NULL) {
	    pfconf_put(x, p, (size_t)(end - p));
	    break;
	}
	pfconf_put(x, p, (size_t)(d - p));
	p = d + 1;
	if (p < end && (*p == '{' || *p == '(')) {
	    const char *e = pfconf_close(p), *ns = p + 1, *ne = ns;

	    /* An unterminated reference is kept as written. */
	    if (e == NULL || e >= end) {
		pfconf_put(x, d, (size_t)(end - d));
		break;
	    }
	    while (ne < e && (isalnum((unsigned char)*ne) || *ne == '_'))
		ne++;
	    pfconf_expand_ref(x, ns, (size_t)(ne - ns), ne < e ? *ne : 0,
			      ne + 1, ne < e ? (size_t)(e - ne - 1) : 0,
			      depth);
	    p = e + 1;
	} else if (p < end && (isalnum((unsigned char)*p) || *p == '_')) {
	    const char *ns = p;

	    while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	    pfconf_expand_ref(x, ns, (size_t)(p - ns), 0, NULL, 0, depth);
	} else if (p < end && *p == '$') {
	    pfconf_put(x, "$", 1);
	    p++;
	} else {
	    pfconf_put(x, "$", 1);
	}
    }
}

/* pfconf_expand - expanded value of NAME, DFLT when unset; caller frees */
char *
pfconf_expand(const struct pfconf *cf, const char *name, const char *dflt)
{
    const char *v = pfconf_raw(cf, name);
    struct pfconf_exp x = {0};

    if (v == NULL)
	v = dflt;
    if (v == NULL)
	return (NULL);
    x.cf = cf;
    pfconf_put(&x, "", 0);
    pfconf_expand_into(&x, v, strlen(v), 0);
    return (x.s);
}

/* pfconf_bool - boolean setting NAME, DFLT when unset or unclear */
int
pfconf_bool(const struct pfconf *cf, const char *name, int dflt)
{
    const char *v = pfconf_raw(cf, name);

    if (v == NULL)
	return (dflt);
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
	return (1);
    if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
	return (0);
    return (dflt);
}

/* pfconf_free - release CF */
void
pfconf_free(struct pfconf *cf)
{
    strlist_free(&cf->names);
    strlist_free(&cf->values);
}
