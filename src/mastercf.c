/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mastercf - read Postfix's master.cf the way Postfix does
 * SUMMARY
 *	Split master.cf into entries, find the byte offset of each entry's
 *	chroot field, and say what a '-' in that field stands for.
 * DESCRIPTION
 *	mastercf_parse() copies LEN bytes at BUF into MC and splits them
 *	into entries.  For each entry it records the service and type
 *	(the first two fields, as written), the basename of the command
 *	(the first word of the eighth field), the chroot field as written
 *	and its byte offset, and the line on which the entry starts.  The
 *	caller frees MC with mastercf_free(), also after a failed parse
 *	(which leaves MC empty).
 *
 *	mastercf_read() and mastercf_read_fd() read a file of at most
 *	MASTERCF_MAX_SIZE bytes and parse it.
 *
 *	mastercf_chroot_default() says what a '-' in the chroot field
 *	means; mastercf_effective() applies it to one entry.
 *	mastercf_entry_name() formats the "service/type" name that
 *	postconf -F uses.
 * SYNTAX
 *	The rules below were checked against postconf -F and the master
 *	daemon of Postfix 3.7, one malformed or unusual input at a time.
 *
 *	A physical line whose first character is '#', or whose first
 *	non-space character is '#', is a comment.  A line of white space
 *	only (space, tab, CR, VT, FF) is blank.  Comments and blank lines
 *	are skipped wherever they appear, also between an entry and its
 *	continuation lines.  Any other line that starts with white space
 *	continues the previous entry; Postfix glues it to that entry
 *	without a separator (the newline is dropped, the line's own
 *	leading white space remains).  Postfix warns about and ignores
 *	such a line before the first entry; this module rejects it.
 *
 *	Fields are separated by space, tab and CR (so CRLF files work);
 *	VT and FF are not separators.  An entry needs eight fields; the
 *	eighth and everything after it is the command with its arguments.
 *	The type must be inet, unix, unix-dgram, fifo or pass; private,
 *	unprivileged and chroot must be y, n or -; wakeup must be - or
 *	digits with an optional '?' (postconf also accepts a lone "?");
 *	process_limit must be - or digits.  Duplicate service/type pairs
 *	are accepted, as postconf accepts them (master uses the last).
 *
 *	postconf groups "{ ... }" into one field everywhere on the line;
 *	the master daemon does so only in the command's arguments.  The
 *	two disagree about which field is the chroot field when a '{'
 *	occurs in the first seven fields, so such an entry is rejected.
 * DIAGNOSTICS
 *	Functions return 0 or a negative errno: -EINVAL for a malformed
 *	file (ERR holds "line N: what is wrong"), -EFBIG for a file above
 *	MASTERCF_MAX_SIZE, -ENOMEM, or the errno of a failed system call.
 *	Nothing is printed.
 * SECURITY
 *	master.cf is root's file, but it is still parsed defensively: the
 *	size, the length of every field that is kept, and NUL bytes are
 *	checked, and field text copied into ERR has control characters
 *	replaced by '?'.  mastercf_read() refuses symbolic links and
 *	anything but a regular file, and does not block on a FIFO.
 * BUGS
 *	The arguments after the command name are not checked or limited
 *	one by one (only the file size bounds them): a long -o value is
 *	legitimate and nothing here interprets it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mastercf.h"

/* Number of fields in front of the command. */
#define MCF_FIXED 7

/* Field numbers (0-based) used in messages and checks. */
#define MCF_SERVICE 0
#define MCF_TYPE 1
#define MCF_PRIVATE 2
#define MCF_UNPRIV 3
#define MCF_CHROOT 4
#define MCF_WAKEUP 5
#define MCF_MAXPROC 6
#define MCF_COMMAND 7

static const char *const mcf_field_names[] = {
    "service", "type",   "private",       "unprivileged",
    "chroot",  "wakeup", "process_limit", "command",
};

/* One physical line of an entry: bytes [start, end), newline excluded. */
struct mcf_seg {
    size_t start;
    size_t end;
};

/* Walks the characters of an entry across its physical lines. */
struct mcf_cursor {
    const char *buf;
    const struct mcf_seg *seg;
    size_t nseg;
    size_t si;  /* current segment */
    size_t pos; /* absolute offset of the next character */
};

/* mcf_isspace - white space as Postfix's line reader sees it (C locale) */
static int
mcf_isspace(int ch)
{
    return (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' ||
	    ch == '\f');
}

/* mcf_issep - field separators of master.cf */
static int
mcf_issep(int ch)
{
    return (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n');
}

/* mcf_error - format "line N: ..." into ERR and return -EINVAL */
static int __attribute__((format(printf, 4, 5)))
mcf_error(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
    va_list ap;
    int n = 0;

    if (err == NULL || errlen == 0)
	return (-EINVAL);
    if (line > 0)
	n = snprintf(err, errlen, "line %u: ", line);
    if (n >= 0 && (size_t)n < errlen) {
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
    }
    return (-EINVAL);
}

/* mcf_quote - printable, bounded copy of field text for a message */
static const char *
mcf_quote(char *dst, size_t dstlen, const char *src)
{
    size_t i;
    size_t max = dstlen - 4;

    for (i = 0; src[i] && i < max; i++)
	dst[i] =
	    ((unsigned char)src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
    if (src[i]) {
	memcpy(dst + i, "...", 3);
	i += 3;
    }
    dst[i] = 0;
    return (dst);
}

/* mcf_getc - next character of the entry, or -1 at its end */
static int
mcf_getc(struct mcf_cursor *c, size_t *off)
{
    while (c->si < c->nseg && c->pos >= c->seg[c->si].end) {
	if (++c->si < c->nseg)
	    c->pos = c->seg[c->si].start;
    }
    if (c->si >= c->nseg)
	return (-1);
    *off = c->pos;
    return ((unsigned char)c->buf[c->pos++]);
}

/* mcf_unget - step back over the character just read at OFF */
static void
mcf_unget(struct mcf_cursor *c, size_t off)
{
    c->pos = off;
}

/*
 * mcf_token - read the next field into TOK (at most MASTERCF_MAX_FIELD
 * bytes), its offset into *OFF.  Returns 1, 0 at the end of the entry,
 * or -EINVAL (too long, or '{' where it is refused).
 */
static int
mcf_token(struct mcf_cursor *c, int fieldno, char *tok, size_t *off,
	  unsigned line, char *err, size_t errlen)
{
    size_t len = 0;
    size_t at;
    int ch;

    while ((ch = mcf_getc(c, &at)) >= 0 && mcf_issep(ch))
	/* void */;
    if (ch < 0)
	return (0);
    *off = at;
    for (; ch >= 0 && !mcf_issep(ch); ch = mcf_getc(c, &at)) {
	if (len >= MASTERCF_MAX_FIELD)
	    return (mcf_error(err, errlen, line,
			      "%s field is longer than %d bytes",
			      mcf_field_names[fieldno], MASTERCF_MAX_FIELD));
	if (ch == '{' && fieldno < MCF_FIXED)
	    return (mcf_error(err, errlen, line,
			      "'{' in the %s field is not supported (postconf"
			      " and master split such an entry differently)",
			      mcf_field_names[fieldno]));
	tok[len++] = (char)ch;
    }
    if (ch >= 0)
	mcf_unget(c, at);
    tok[len] = 0;
    return (1);
}

/* mcf_is_flag - y, n or - */
static int
mcf_is_flag(const char *s)
{
    return ((s[0] == 'y' || s[0] == 'n' || s[0] == '-') && s[1] == 0);
}

/* mcf_is_digits - one or more decimal digits and nothing else */
static int
mcf_is_digits(const char *s)
{
    if (*s == 0)
	return (0);
    for (; *s; s++)
	if (*s < '0' || *s > '9')
	    return (0);
    return (1);
}

/* mcf_is_wakeup - "-", or digits with an optional '?' (postconf's rule) */
static int
mcf_is_wakeup(const char *s)
{
    if (strcmp(s, "-") == 0)
	return (1);
    while (*s >= '0' && *s <= '9')
	s++;
    if (*s == '?')
	s++;
    return (*s == 0);
}

/* mcf_is_type - one of the transport types that Postfix knows */
static int
mcf_is_type(const char *s)
{
    static const char *const types[] = {
	"inet", "unix", "unix-dgram", "fifo", "pass", NULL,
    };
    const char *const *t;

    for (t = types; *t; t++)
	if (strcmp(s, *t) == 0)
	    return (1);
    return (0);
}

/* mcf_check_fields - value checks that postconf makes, with line number */
static int
mcf_check_fields(char fld[][MASTERCF_MAX_FIELD + 1], unsigned line, char *err,
		 size_t errlen)
{
    char q[80];
    int bad = -1;

    if (!mcf_is_type(fld[MCF_TYPE]))
	bad = MCF_TYPE;
    else if (!mcf_is_flag(fld[MCF_PRIVATE]))
	bad = MCF_PRIVATE;
    else if (!mcf_is_flag(fld[MCF_UNPRIV]))
	bad = MCF_UNPRIV;
    else if (!mcf_is_flag(fld[MCF_CHROOT]))
	bad = MCF_CHROOT;
    else if (!mcf_is_wakeup(fld[MCF_WAKEUP]))
	bad = MCF_WAKEUP;
    else if (strcmp(fld[MCF_MAXPROC], "-") != 0 &&
	     !mcf_is_digits(fld[MCF_MAXPROC]))
	bad = MCF_MAXPROC;
    if (bad < 0)
	return (0);
    return (mcf_error(err, errlen, line, "invalid %s field \"%s\"%s",
		      mcf_field_names[bad], mcf_quote(q, sizeof(q), fld[bad]),
		      bad == MCF_CHROOT ? ": must be y, n or -" : ""));
}

/* mcf_add - append one entry to MC */
static int
mcf_add(struct mastercf *mc, size_t *cap, const struct mastercf_entry *e)
{
    struct mastercf_entry *ne;

    if (mc->n == *cap) {
	size_t ncap = *cap ? 2 * *cap : 32;

	ne = realloc(mc->ent, ncap * sizeof(*ne));
	if (ne == NULL)
	    return (-ENOMEM);
	mc->ent = ne;
	*cap = ncap;
    }
    mc->ent[mc->n++] = *e;
    return (0);
}

/* mcf_entry - split one entry (its physical lines SEG) and store it */
static int
mcf_entry(struct mastercf *mc, size_t *cap, const struct mcf_seg *seg,
	  size_t nseg, unsigned line, char *err, size_t errlen)
{
    char fld[MCF_FIXED + 1][MASTERCF_MAX_FIELD + 1];
    struct mcf_cursor c = {mc->buf, seg, nseg, 0, seg[0].start};
    struct mastercf_entry e;
    size_t off[MCF_FIXED + 1];
    const char *base;
    int nf;
    int ret;

    /*
     * Read the seven fixed fields and the command name.  Running out of
     * fields is Postfix's "bad field count".
     */
    for (nf = 0; nf <= MCF_FIXED; nf++) {
	ret = mcf_token(&c, nf, fld[nf], &off[nf], line, err, errlen);
	if (ret < 0)
	    return (ret);
	if (ret == 0)
	    return (mcf_error(err, errlen, line,
			      "bad field count: %d field%s, an entry needs"
			      " at least 8",
			      nf, nf == 1 ? "" : "s"));
    }
    if ((ret = mcf_check_fields(fld, line, err, errlen)) < 0)
	return (ret);

    /* Keep what the callers need; the arguments are left in the buffer. */
    base = strrchr(fld[MCF_COMMAND], '/');
    base = (base && base[1]) ? base + 1 : fld[MCF_COMMAND];
    memset(&e, 0, sizeof(e));
    e.service = strdup(fld[MCF_SERVICE]);
    e.type = strdup(fld[MCF_TYPE]);
    e.command = strdup(base);
    e.chroot = fld[MCF_CHROOT][0];
    e.line = line;
    e.chroot_off = off[MCF_CHROOT];
    e.chroot_len = 1;
    if (e.service == NULL || e.type == NULL || e.command == NULL ||
	mcf_add(mc, cap, &e) < 0) {
	free(e.service);
	free(e.type);
	free(e.command);
	return (-ENOMEM);
    }
    return (0);
}

/* What a physical line is. */
enum mcf_kind { MCF_BLANK, MCF_COMMENT, MCF_START, MCF_CONT };

/* mcf_line_kind - classify one physical line */
static enum mcf_kind
mcf_line_kind(const char *buf, size_t start, size_t end)
{
    size_t i;

    if (start < end && !mcf_isspace((unsigned char)buf[start]))
	return (buf[start] == '#' ? MCF_COMMENT : MCF_START);
    for (i = start; i < end && mcf_isspace((unsigned char)buf[i]); i++)
	/* void */;
    if (i == end)
	return (MCF_BLANK);
    return (buf[i] == '#' ? MCF_COMMENT : MCF_CONT);
}

/* mcf_nul_line - line number of the first NUL byte, 0 if there is none */
static unsigned
mcf_nul_line(const char *buf, size_t len)
{
    const char *nul = memchr(buf, 0, len);
    const char *cp;
    unsigned line = 1;

    if (nul == NULL)
	return (0);
    for (cp = buf; cp < nul; cp++)
	if (*cp == '\n')
	    line++;
    return (line);
}

/* mcf_split - walk the lines of MC->buf and collect the entries */
static int
mcf_split(struct mastercf *mc, char *err, size_t errlen)
{
    struct mcf_seg *seg = NULL;
    struct mcf_seg *nseg;
    size_t nsegs = 0, segcap = 0, cap = 0;
    size_t pos = 0, end;
    unsigned line = 0, first = 0;
    const char *nl;
    int ret = 0;

    while (ret == 0 && pos < mc->len) {
	nl = memchr(mc->buf + pos, '\n', mc->len - pos);
	end = nl ? (size_t)(nl - mc->buf) : mc->len;
	line++;
	switch (mcf_line_kind(mc->buf, pos, end)) {
	case MCF_BLANK:
	case MCF_COMMENT:
	    break;
	case MCF_START:
	    if (nsegs > 0)
		ret = mcf_entry(mc, &cap, seg, nsegs, first, err, errlen);
	    nsegs = 0;
	    first = line;
	    /* FALLTHROUGH */
	case MCF_CONT:
	    if (ret < 0)
		break;
	    if (first == 0) {
		ret = mcf_error(err, errlen, line,
				"continuation line (starts with white space)"
				" before the first entry");
		break;
	    }
	    if (nsegs == segcap) {
		segcap = segcap ? 2 * segcap : 16;
		if ((nseg = realloc(seg, segcap * sizeof(*seg))) == NULL) {
		    ret = -ENOMEM;
		    break;
		}
		seg = nseg;
	    }
	    seg[nsegs].start = pos;
	    seg[nsegs++].end = end;
	    break;
	}
	pos = nl ? end + 1 : mc->len;
    }
    if (ret == 0 && nsegs > 0)
	ret = mcf_entry(mc, &cap, seg, nsegs, first, err, errlen);
    free(seg);
    return (ret);
}

/* mastercf_parse - copy and split a master.cf image */
int
mastercf_parse(const char *buf, size_t len, struct mastercf *mc, char *err,
	       size_t errlen)
{
    unsigned nul_line;
    int ret;

    memset(mc, 0, sizeof(*mc));
    if (err && errlen)
	err[0] = 0;

    /* Bound the input before anything else is done with it. */
    if (len > MASTERCF_MAX_SIZE) {
	mcf_error(err, errlen, 0, "file too large: %zu bytes (limit %lu)", len,
		  MASTERCF_MAX_SIZE);
	return (-EFBIG);
    }
    if ((nul_line = mcf_nul_line(buf, len)) != 0)
	return (mcf_error(err, errlen, nul_line, "NUL byte"));

    /* The copy is NUL-terminated for the callers' convenience. */
    if ((mc->buf = malloc(len + 1)) == NULL)
	return (-ENOMEM);
    memcpy(mc->buf, buf, len);
    mc->buf[len] = 0;
    mc->len = len;
    if ((ret = mcf_split(mc, err, errlen)) < 0) {
	if (ret == -ENOMEM)
	    mcf_error(err, errlen, 0, "out of memory");
	mastercf_free(mc);
    }
    return (ret);
}

/* mastercf_free - release what mastercf_parse() allocated */
void
mastercf_free(struct mastercf *mc)
{
    size_t i;

    for (i = 0; i < mc->n; i++) {
	free(mc->ent[i].service);
	free(mc->ent[i].type);
	free(mc->ent[i].command);
    }
    free(mc->ent);
    free(mc->buf);
    memset(mc, 0, sizeof(*mc));
}

/* mastercf_read_fd - read at most MASTERCF_MAX_SIZE bytes from FD, parse */
int
mastercf_read_fd(int fd, struct mastercf *mc, char *err, size_t errlen)
{
    struct stat st;
    char *buf;
    size_t len = 0, cap;
    ssize_t got;
    int ret;

    memset(mc, 0, sizeof(*mc));
    if (fstat(fd, &st) < 0) {
	ret = -errno;
	mcf_error(err, errlen, 0, "fstat: %s", strerror(-ret));
	return (ret);
    }
    if (!S_ISREG(st.st_mode))
	return (mcf_error(err, errlen, 0, "not a regular file"));
    if (st.st_size > (off_t)MASTERCF_MAX_SIZE) {
	mcf_error(err, errlen, 0, "file too large: %lld bytes (limit %lu)",
		  (long long)st.st_size, MASTERCF_MAX_SIZE);
	return (-EFBIG);
    }

    /*
     * The size may change while the file is read; read one byte more
     * than the limit so that growth is noticed, never more.
     */
    cap = (size_t)st.st_size + 1;
    if ((buf = malloc(cap)) == NULL)
	return (-ENOMEM);
    for (;;) {
	if (len == cap) {
	    char *nbuf;

	    if (cap > MASTERCF_MAX_SIZE)
		break;
	    cap = cap * 2 > MASTERCF_MAX_SIZE + 1 ? MASTERCF_MAX_SIZE + 1
						  : cap * 2;
	    if ((nbuf = realloc(buf, cap)) == NULL) {
		free(buf);
		return (-ENOMEM);
	    }
	    buf = nbuf;
	}
	got = read(fd, buf + len, cap - len);
	if (got < 0 && errno == EINTR)
	    continue;
	if (got < 0) {
	    ret = -errno;
	    free(buf);
	    mcf_error(err, errlen, 0, "read: %s", strerror(-ret));
	    return (ret);
	}
	if (got == 0)
	    break;
	len += (size_t)got;
    }
    ret = mastercf_parse(buf, len, mc, err, errlen);
    free(buf);
    return (ret);
}

/* mastercf_read - open NAME below DIRFD safely, then mastercf_read_fd() */
int
mastercf_read(int dirfd, const char *name, struct mastercf *mc, char *err,
	      size_t errlen)
{
    int fd;
    int ret;

    memset(mc, 0, sizeof(*mc));

    /*
     * O_NOFOLLOW: a symlink planted in place of master.cf is refused.
     * O_NONBLOCK: a FIFO would otherwise block the open until a writer
     * appears; mastercf_read_fd() then refuses anything but a regular
     * file.
     */
    fd = openat(dirfd, name,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
	ret = -errno;
	mcf_error(err, errlen, 0, "open: %s", strerror(-ret));
	return (ret);
    }
    ret = mastercf_read_fd(fd, mc, err, errlen);
    close(fd);
    return (ret);
}

/*
 * mcf_level_part - one number of a compatibility level: optional white
 * space and '+', then digits.  Returns the position after it, or NULL.
 * *ZERO tells whether its value is zero.
 */
static const char *
mcf_level_part(const char *cp, int *zero)
{
    const char *digits;

    while (*cp == ' ' || *cp == '\t')
	cp++;
    if (*cp == '+')
	cp++;
    for (digits = cp, *zero = 1; *cp >= '0' && *cp <= '9'; cp++)
	if (*cp != '0')
	    *zero = 0;
    if (cp == digits || cp - digits > 18)
	return (NULL);
    return (cp);
}

/*
 * mastercf_chroot_default - what a '-' in the chroot field stands for
 *
 * Checked for Postfix 3.7, against its documentation and its programs:
 * postconf(5) gives "compatibility_level (default: 0)" and "postconf -d
 * compatibility_level" prints 0, so an unset level is 0.
 * COMPATIBILITY_README lists "chroot=y" among the backwards-compatible
 * defaults used while compatibility_level is below 1.  The master daemon,
 * run on a test master.cf, logs "using backwards-compatible default
 * setting chroot=y" for each '-' entry when the level is unset, 0, 0.5,
 * 0.9.9, 00 or +0, and stays silent for 1, 1.0.0, 01, +1, 2, 3.6 and
 * 3.10.  It refuses to start ("malformed compatibility level syntax")
 * on "", "abc", "1.", ".5", "-1", "0x1", "1.2.3.4" and "1 2".  A level
 * has one to three dot-separated numbers; only the first decides here.
 * postconf -F prints the field as written ('-'), so it cannot answer
 * this question itself.
 *
 * XXX Postfix also rejects numbers too large for its internal encoding
 * (a major of 13 digits, a minor above 2^31); this accepts up to 18
 * digits per number.  No real level comes near either bound.
 */
int
mastercf_chroot_default(int postfix_major, const char *compat_level)
{
    const char *cp;
    int zero, major_zero = 0, parts;

    if (postfix_major < 3)
	return ('y');
    if (compat_level == NULL)
	return ('y');
    cp = compat_level;
    for (parts = 0; parts < 3; parts++) {
	if ((cp = mcf_level_part(cp, &zero)) == NULL)
	    return (-EINVAL);
	if (parts == 0)
	    major_zero = zero;
	if (*cp != '.')
	    break;
	cp++;
    }
    while (*cp == ' ' || *cp == '\t')
	cp++;
    if (parts == 3 || *cp != 0)
	return (-EINVAL);
    return (major_zero ? 'y' : 'n');
}

/* mastercf_effective - 'y' or 'n' for entry E */
int
mastercf_effective(const struct mastercf_entry *e, int postfix_major,
		   const char *compat_level)
{
    if (e->chroot == 'y' || e->chroot == 'n')
	return (e->chroot);
    return (mastercf_chroot_default(postfix_major, compat_level));
}

/* mastercf_entry_name - "service/type", as postconf -F names an entry */
int
mastercf_entry_name(const struct mastercf_entry *e, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/%s", e->service, e->type);

    if (n < 0 || (size_t)n >= len)
	return (-ENAMETOOLONG);
    return (0);
}
