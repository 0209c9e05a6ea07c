/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxsnap - one line per entry of a tree: type, owner, mode, content
 * SUMMARY
 *	hxsnap [-M] [-x RELPATH]... [-o OUT] [-c WANT] DIR
 * DESCRIPTION
 *	Walks DIR without following any symbolic link and prints, sorted by
 *	path, one tab-separated line per entry below it:
 *
 *	  PATH TYPE MODE UID:GID SIZE MTIME DIGEST
 *
 *	TYPE is f, d, l, p (FIFO), c, b, s; MODE octal permission bits;
 *	MTIME seconds.nanoseconds (omitted, as "-", with -M); DIGEST the
 *	FNV-1a 64-bit hash of a regular file's bytes, the text of a link,
 *	"-" for anything else.  Special files are never opened.  -x leaves
 *	out the entry RELPATH and everything below it (repeatable).  -o
 *	writes the lines to OUT instead of stdout.  -c compares them with
 *	the file WANT (an earlier snapshot): exit 2 and the first differing
 *	lines on stdout when they differ.  Both save the test scripts a
 *	process per snapshot, which adds up over a thousand attacks.
 *
 *	Two snapshots of a tree are equal exactly when no entry was added,
 *	removed, retyped, chowned, chmodded, rewritten or retimed.  The crash
 *	test compares single fields per path to tell an old file from a new
 *	one and both from a mix.
 * DIAGNOSTICS
 *	Exit 0; 1 when DIR cannot be walked; 2 when -c found a difference.
 * SECURITY
 *	Test code, never installed.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char **lines;
static size_t nlines, caplines;
static const char *excl[64];
static size_t nexcl;
static size_t toplen;
static int no_mtime;

/* fnv_fd - FNV-1a 64 of everything FD holds */
static uint64_t
fnv_fd(int fd)
{
    uint64_t h = 1469598103934665603ULL;
    unsigned char buf[65536];
    ssize_t n, i;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
	for (i = 0; i < n; i++) {
	    h ^= buf[i];
	    h *= 1099511628211ULL;
	}
    return (h);
}

/* type_char - one letter for the file type */
static char
type_char(mode_t m)
{
    return (S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l'
	    : S_ISFIFO(m) ? 'p' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
	    : S_ISSOCK(m) ? 's' : '?');
}

/* excluded - is REL (or a parent of it) left out? */
static int
excluded(const char *rel)
{
    size_t i, n;

    for (i = 0; i < nexcl; i++) {
	n = strlen(excl[i]);
	if (strncmp(rel, excl[i], n) == 0 && (rel[n] == 0 || rel[n] == '/'))
	    return (1);
    }
    return (0);
}

/* add_line - keep one output line */
static void
add_line(char *s)
{
    if (nlines == caplines) {
	caplines = caplines ? 2 * caplines : 256;
	if ((lines = realloc(lines, caplines * sizeof(*lines))) == NULL) {
	    perror("hxsnap");
	    exit(1);
	}
    }
    lines[nlines++] = s;
}

/* visit - nftw() callback */
static int
visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    char digest[4200], mt[64], *line;
    const char *rel = path + toplen;
    ssize_t n;
    int fd;

    (void)flag;
    if (ftw->level == 0)
	return (0);
    while (*rel == '/')
	rel++;
    if (excluded(rel))
	return (0);
    strcpy(digest, "-");
    if (S_ISREG(st->st_mode)) {
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
	    snprintf(digest, sizeof(digest), "%016llx",
		     (unsigned long long)fnv_fd(fd));
	    close(fd);
	} else {
	    snprintf(digest, sizeof(digest), "unreadable:%d", errno);
	}
    } else if (S_ISLNK(st->st_mode)) {
	n = readlink(path, digest, sizeof(digest) - 1);
	digest[n < 0 ? 0 : n] = 0;
    }
    if (no_mtime)
	strcpy(mt, "-");
    else
	snprintf(mt, sizeof(mt), "%lld.%09ld", (long long)st->st_mtim.tv_sec,
		 st->st_mtim.tv_nsec);
    if (asprintf(&line, "%s\t%c\t%04o\t%u:%u\t%lld\t%s\t%s", rel,
		 type_char(st->st_mode), (unsigned)(st->st_mode & 07777),
		 (unsigned)st->st_uid, (unsigned)st->st_gid,
		 S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size, mt,
		 digest) < 0) {
	perror("hxsnap");
	exit(1);
    }
    add_line(line);
    return (0);
}

/* cmp_line - order lines by path */
static int
cmp_line(const void *a, const void *b)
{
    return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* compare - the lines against file WANT; 0 when equal */
static int
compare(const char *want)
{
    FILE *fp = fopen(want, "r");
    char *line = NULL;
    size_t cap = 0, i = 0;
    ssize_t n;
    int shown = 0;

    if (fp == NULL) {
	perror(want);
	return (1);
    }
    while ((n = getline(&line, &cap, fp)) >= 0) {
	if (n > 0 && line[n - 1] == '\n')
	    line[n - 1] = 0;
	if (i < nlines && strcmp(line, lines[i]) == 0) {
	    i++;
	    continue;
	}
	if (shown++ < 3)
	    printf("< %s\n> %s\n", line, i < nlines ? lines[i] : "(end)");
	if (i < nlines)
	    i++;
    }
    if (i < nlines && shown++ < 3)
	printf("> %s\n", lines[i]);
    free(line);
    fclose(fp);
    return (shown ? 2 : 0);
}

int
main(int argc, char **argv)
{
    const char *out = NULL, *want = NULL;
    FILE *fp = stdout;
    size_t i;
    int c, ret = 0;

    while ((c = getopt(argc, argv, "Mx:o:c:")) != -1) {
	switch (c) {
	case 'M':
	    no_mtime = 1;
	    break;
	case 'x':
	    if (nexcl < sizeof(excl) / sizeof(excl[0]))
		excl[nexcl++] = optarg;
	    break;
	case 'o':
	    out = optarg;
	    break;
	case 'c':
	    want = optarg;
	    break;
	default:
	    fputs("usage: hxsnap [-M] [-x RELPATH]... [-o OUT] [-c WANT] "
		  "DIR\n", stderr);
	    return (1);
	}
    }
    if (argc - optind != 1)
	return (1);
    toplen = strlen(argv[optind]);
    if (nftw(argv[optind], visit, 64, FTW_PHYS) < 0) {
	perror(argv[optind]);
	return (1);
    }
    qsort(lines, nlines, sizeof(*lines), cmp_line);
    if (want)
	ret = compare(want);
    if (out && (fp = fopen(out, "w")) == NULL) {
	perror(out);
	return (1);
    }
    if (out || !want)
	for (i = 0; i < nlines; i++)
	    fprintf(fp, "%s\n", lines[i]);
    if (out && fclose(fp) != 0) {
	perror(out);
	return (1);
    }
    for (i = 0; i < nlines; i++)
	free(lines[i]);
    free(lines);
    return (ret);
}
