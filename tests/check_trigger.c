/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_trigger - tests of the rpm trigger path filter
 * SUMMARY
 *	trigger_line_relevant() against a table of paths, and trigger_scan()
 *	on long, hostile and endless inputs.
 * DESCRIPTION
 *	The set is built from a small manifest (a library, its soname link,
 *	a directory, an etc file) plus one extra path, as the tool builds
 *	it.  The table says for each path whether it matters.
 *
 *	trigger_scan() reads from a memory file or a pipe: 100,000
 *	irrelevant lines must give 0 quickly; a relevant line after 50,000
 *	irrelevant ones must be found with the right line count; lines with
 *	NUL bytes and lines longer than TRIGGER_MAX_LINE are skipped, also
 *	when they straddle the reader's buffer; input written a few bytes
 *	at a time gives the same answers; an endless input is not read to
 *	its end once a relevant line was seen.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "manifest.h"
#include "testutil.h"
#include "trigger.h"

/* make_set - the set of a small jail, plus an extra file */
static void
make_set(struct trigger_set *ts)
{
    struct manifest m = {0};

    manifest_add(&m, 'd', "usr/lib/x86_64-linux-gnu");
    manifest_add(&m, 'f', "usr/lib/x86_64-linux-gnu/libcap.so.2.66");
    manifest_add(&m, 'l', "usr/lib/x86_64-linux-gnu/libcap.so.2");
    manifest_add(&m, 'f', "usr/lib64/libnsshelper.so.1.0.0");
    manifest_add(&m, 'f', "etc/hosts");
    manifest_sort(&m);
    trigger_set_init(ts, &m);
    manifest_free(&m);
    trigger_set_add_path(ts, "/opt/extra/file.conf");
}

struct line_case {
    const char *line;
    size_t len;		/* 0: strlen(line) */
    int want;
};

static const struct line_case line_cases[] = {
    /* The etc files the jail copies. */
    {"/etc/hosts", 0, 1},
    {"/etc/resolv.conf", 0, 1},
    {"/etc/services", 0, 1},
    {"/etc/host.conf", 0, 1},
    {"/etc/nsswitch.conf", 0, 1},
    {"/etc/localtime", 0, 1},
    {"/etc/protocols", 0, 1},
    {"/etc/gai.conf", 0, 1},
    {"/etc/passwd", 0, 1},
    {"/etc/ld.so.conf", 0, 1},
    /* Prefixes that always matter. */
    {"/etc/ld.so.conf.d/x86_64-linux-gnu.conf", 0, 1},
    {"/usr/share/zoneinfo/Europe/Berlin", 0, 1},
    {"/etc/postfix/main.cf", 0, 1},
    /* Base names that always matter, in any directory. */
    {"/usr/lib64/libnss_sss.so.2", 0, 1},
    {"/lib64/libnss_files-2.17.so", 0, 1},
    {"/usr/lib/x86_64-linux-gnu/libresolv.so.2", 0, 1},
    {"/usr/lib64/libresolv-2.17.so", 0, 1},
    {"/usr/lib64/libdb-5.3.so", 0, 1},
    /* Base names the manifest holds, in another directory too. */
    {"/usr/lib/x86_64-linux-gnu/libcap.so.2.66", 0, 1},
    {"/usr/lib64/libcap.so.2", 0, 1},
    {"/lib/x86_64-linux-gnu/libcap.so.2", 0, 1},
    {"/usr/lib64/libnsshelper.so.1.0.0", 0, 1},
    {"/srv/hosts", 0, 0},	/* etc files match by full path only */
    /* The extra path, exactly. */
    {"/opt/extra/file.conf", 0, 1},
    /* Irrelevant. */
    {"/usr/lib64/libfoo.so.1", 0, 0},
    {"/usr/share/doc/postfix/README", 0, 0},
    {"/etc/hosts.allow", 0, 0},
    {"/etc/hostsx", 0, 0},
    {"/etc/postfix", 0, 0},
    {"/usr/share/zoneinfo/", 0, 0},
    {"/usr/share/zoneinfo", 0, 0},
    {"/usr/lib64/libcap.so.2.6", 0, 0},
    {"/usr/lib64/libcap.so.2.666", 0, 0},
    {"/usr/lib64/x86_64-linux-gnu", 0, 0},
    {"/usr/lib64/libresolvx.so", 0, 0},
    {"/usr/lib64/libdb.so", 0, 0},
    {"/usr/lib64/libnss", 0, 0},
    {"/usr/lib64/", 0, 0},
    {"/", 0, 0},
    {"/opt/extra/file.conf.bak", 0, 0},
    {"/opt/extra", 0, 0},
    /* Not paths. */
    {"etc/hosts", 0, 0},
    {"hosts", 0, 0},
    {" /etc/hosts", 0, 0},
    {"", 0, 0},
    /* Only the first LEN bytes count. */
    {"/etc/hosts.allow", 10, 1},
    {"/etc/hosts", 9, 0},
    /* NUL bytes. */
    {"/etc/hosts\0", 11, 0},
    {"/etc/ho\0sts", 11, 0},
    {"/usr/lib64/libnss_x.so.2\0/x", 27, 0},
};

/* test_line_table - trigger_line_relevant() for each path */
START_TEST(test_line_table)
{
    const struct line_case *c = &line_cases[_i];
    size_t len = c->len ? c->len : strlen(c->line);
    struct trigger_set ts;
    int got;

    make_set(&ts);
    got = trigger_line_relevant(&ts, c->line, len);
    ck_assert_msg(got == c->want, "\"%.*s\" (%zu bytes): got %d, want %d",
		  (int)len, c->line, len, got, c->want);
    trigger_set_free(&ts);
}
END_TEST

/* test_line_length - a path of TRIGGER_MAX_LINE bytes counts, one more
 * does not */
START_TEST(test_line_length)
{
    static const size_t lens[] = {
	TRIGGER_MAX_LINE - 1, TRIGGER_MAX_LINE, TRIGGER_MAX_LINE + 1,
	2 * TRIGGER_MAX_LINE, 1024 * 1024,
    };
    struct trigger_set ts;
    size_t i, len;
    char *line;
    int got, want;

    make_set(&ts);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
	len = lens[i];
	line = malloc(len);
	ck_assert_ptr_nonnull(line);
	memset(line, 'x', len);
	line[0] = '/';
	memcpy(line + len - 16, "/libnss_x.so.2.0", 16);
	want = (len <= TRIGGER_MAX_LINE);
	got = trigger_line_relevant(&ts, line, len);
	ck_assert_msg(got == want, "libnss path of %zu bytes: got %d, want %d",
		      len, got, want);
	free(line);
    }
    trigger_set_free(&ts);
}
END_TEST

/* test_big_manifest - 10,000 base names: each found, near misses not */
START_TEST(test_big_manifest)
{
    struct manifest m = {0};
    struct trigger_set ts;
    char path[128];
    int i, got;

    for (i = 0; i < 10000; i++) {
	snprintf(path, sizeof(path), "usr/lib64/libx%d.so.1", i);
	manifest_add(&m, 'f', path);
    }
    manifest_sort(&m);
    trigger_set_init(&ts, &m);
    manifest_free(&m);
    for (i = 0; i < 10000; i++) {
	snprintf(path, sizeof(path), "/lib64/libx%d.so.1", i);
	got = trigger_line_relevant(&ts, path, strlen(path));
	ck_assert_msg(got == 1, "%s: got %d, want 1", path, got);
	snprintf(path, sizeof(path), "/lib64/libx%d.so.2", i);
	got = trigger_line_relevant(&ts, path, strlen(path));
	ck_assert_msg(got == 0, "%s: got %d, want 0", path, got);
    }
    trigger_set_free(&ts);

    /* An empty manifest still knows the fixed names. */
    trigger_set_init(&ts, &m);
    ck_assert_int_eq(trigger_line_relevant(&ts, "/etc/hosts", 10), 1);
    ck_assert_int_eq(trigger_line_relevant(&ts, "/srv/hosts", 10), 0);
    trigger_set_free(&ts);
}
END_TEST

/* memfd_with - a memory file holding LEN bytes of DATA, at offset 0 */
static int
memfd_with(const char *data, size_t len)
{
    int fd = memfd_create("check_trigger", MFD_CLOEXEC);
    size_t off = 0;
    ssize_t n;

    ck_assert_msg(fd >= 0, "memfd_create: got %s, want success",
		  strerror(errno));
    while (off < len) {
	n = write(fd, data + off, len - off);
	ck_assert_msg(n > 0, "write memfd: got %s", strerror(errno));
	off += (size_t)n;
    }
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    return (fd);
}

/* scan_buf - trigger_scan() over LEN bytes of DATA from a memory file */
static int
scan_buf(const char *data, size_t len, size_t *lines, char *hit,
	 size_t hitlen)
{
    struct trigger_set ts;
    const char *h = NULL;
    int fd = memfd_with(data, len), ret;

    make_set(&ts);
    ret = trigger_scan(&ts, fd, lines, &h);
    snprintf(hit, hitlen, "%s", h ? h : "");
    trigger_set_free(&ts);
    close(fd);
    return (ret);
}

struct scan_case {
    const char *name;
    const char *data;
    size_t len;		/* 0: strlen(data) */
    int ret;
    size_t lines;
    const char *hit;
};

static const struct scan_case scan_cases[] = {
    {"empty input", "", 0, 0, 0, ""},
    {"one relevant line", "/etc/hosts\n", 0, 1, 1, "/etc/hosts"},
    {"no final newline", "/usr/lib/a\n/etc/hosts", 0, 1, 2, "/etc/hosts"},
    {"only irrelevant lines", "/usr/lib/a\n/usr/lib/b\n", 0, 0, 2, ""},
    {"blank lines", "\n\n\n/usr/lib64/libnss_sss.so.2\n", 0, 1, 4,
     "/usr/lib64/libnss_sss.so.2"},
    {"stops at the first", "/etc/services\n/etc/hosts\n", 0, 1, 1,
     "/etc/services"},
    {"NUL inside a line", "/etc/ho\0sts\n/usr/lib/a\n", 23, 0, 2, ""},
    {"NUL, then a relevant line", "\0\0\0\n/etc/hosts\n", 15, 1, 2,
     "/etc/hosts"},
    {"relevant line after NUL garbage", "x\0/etc/hosts\n/etc/passwd\n", 25,
     1, 2, "/etc/passwd"},
};

/* test_scan_table - trigger_scan() on small inputs */
START_TEST(test_scan_table)
{
    const struct scan_case *c = &scan_cases[_i];
    size_t lines = 12345;
    char hit[TRIGGER_MAX_LINE + 1];
    int ret;

    ret = scan_buf(c->data, c->len ? c->len : strlen(c->data), &lines, hit,
		   sizeof(hit));
    ck_assert_msg(ret == c->ret, "%s: got %d, want %d", c->name, ret,
		  c->ret);
    ck_assert_msg(lines == c->lines, "%s: lines: got %zu, want %zu",
		  c->name, lines, c->lines);
    ck_assert_msg(strcmp(hit, c->hit) == 0, "%s: hit: got \"%s\", want "
		  "\"%s\"", c->name, hit, c->hit);
}
END_TEST

/* irrelevant_lines - N lines of library paths that do not matter,
 * followed by TAIL; *LENP gets the length */
static char *
irrelevant_lines(size_t n, const char *tail, size_t *lenp)
{
    size_t cap = n * 64 + strlen(tail) + 1, len = 0, i;
    char *buf = malloc(cap);

    ck_assert_ptr_nonnull(buf);
    for (i = 0; i < n; i++)
	len += (size_t)snprintf(buf + len, cap - len,
				"/usr/lib64/perl5/auto/Mod%zu/Mod.so.%zu\n",
				i, i % 7);
    len += (size_t)snprintf(buf + len, cap - len, "%s", tail);
    *lenp = len;
    return (buf);
}

/* seconds_since - elapsed time */
static double
seconds_since(const struct timespec *a)
{
    struct timespec b;

    clock_gettime(CLOCK_MONOTONIC, &b);
    return ((double)(b.tv_sec - a->tv_sec)
	    + (double)(b.tv_nsec - a->tv_nsec) / 1e9);
}

/* test_many_irrelevant - 100,000 irrelevant lines: 0, quickly */
START_TEST(test_many_irrelevant)
{
    char hit[TRIGGER_MAX_LINE + 1], *data;
    struct timespec start;
    size_t len, lines;
    int ret;

    data = irrelevant_lines(100000, "", &len);
    clock_gettime(CLOCK_MONOTONIC, &start);
    ret = scan_buf(data, len, &lines, hit, sizeof(hit));
    ck_assert_msg(ret == 0, "100,000 irrelevant lines: got %d, want 0", ret);
    ck_assert_msg(lines == 100000, "lines: got %zu, want 100000", lines);
    ck_assert_msg(seconds_since(&start) < 0.5 * tu_time_scale(),
		  "100,000 lines: got %.3fs, want < %.1fs",
		  seconds_since(&start), 0.5 * tu_time_scale());
    free(data);
}
END_TEST

/* test_relevant_after_many - the 50,001st line matters */
START_TEST(test_relevant_after_many)
{
    char hit[TRIGGER_MAX_LINE + 1], *data;
    size_t len, lines;
    int ret;

    data = irrelevant_lines(50000, "/usr/lib64/libnss_sss.so.2\n"
			    "/usr/lib64/libfoo.so\n", &len);
    ret = scan_buf(data, len, &lines, hit, sizeof(hit));
    ck_assert_msg(ret == 1, "after 50,000 lines: got %d, want 1", ret);
    ck_assert_msg(lines == 50001, "lines: got %zu, want 50001", lines);
    ck_assert_msg(strcmp(hit, "/usr/lib64/libnss_sss.so.2") == 0,
		  "hit: got \"%s\", want libnss_sss", hit);
    free(data);

    /* A base name from the manifest, in another spelling. */
    data = irrelevant_lines(50000, "/lib64/libnsshelper.so.1.0.0", &len);
    ret = scan_buf(data, len, &lines, hit, sizeof(hit));
    ck_assert_msg(ret == 1 && lines == 50001,
		  "manifest name after 50,000 lines: got %d at %zu, want 1 at "
		  "50001", ret, lines);
    ck_assert_msg(strcmp(hit, "/lib64/libnsshelper.so.1.0.0") == 0,
		  "hit: got \"%s\"", hit);
    free(data);
}
END_TEST

/*
 * test_overlong_lines - a line of 1 + L + 10 bytes ending in "/etc/hosts"
 * (a base name the manifest holds) matters only when it is at most
 * TRIGGER_MAX_LINE long; the tail of a longer line never counts, wherever
 * the reader's buffer cuts it.  A relevant line after it is found, and
 * counted as the second.
 */
START_TEST(test_overlong_lines)
{
    static const size_t lens[] = {
	100, 4084, 4085, 4086, 4087, 4096, 8192, 65525, 65526, 65536,
	65536 + 4096, 131072 - 11, 131072, 1000000,
    };
    char hit[TRIGGER_MAX_LINE + 1], *data;
    size_t i, L, len, lines;
    int ret, want;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
	L = lens[i];
	data = malloc(L + 64);
	ck_assert_ptr_nonnull(data);
	data[0] = '/';
	memset(data + 1, 'x', L);
	len = 1 + L;
	len += (size_t)sprintf(data + len, "/libnss_ab\n/srv/x\n");
	want = (1 + L + 10 <= TRIGGER_MAX_LINE);
	ret = scan_buf(data, len, &lines, hit, sizeof(hit));
	ck_assert_msg(ret == want, "line of %zu bytes: got %d, want %d",
		      1 + L + 10, ret, want);
	ck_assert_msg(lines == (want ? 1u : 2u),
		      "line of %zu bytes: lines: got %zu, want %d", 1 + L + 10,
		      lines, want ? 1 : 2);

	/* Then a relevant line. */
	len -= strlen("/srv/x\n");
	len += (size_t)sprintf(data + len, "/etc/services\n");
	ret = scan_buf(data, len, &lines, hit, sizeof(hit));
	ck_assert_msg(ret == 1 && lines == (want ? 1u : 2u),
		      "line of %zu bytes, then /etc/services: got %d at line "
		      "%zu", 1 + L + 10, ret, lines);
	if (want)
	    ck_assert_msg(strlen(hit) == 1 + L + 10 && hit[1] == 'x',
			  "hit: got %zu bytes \"%.20s...\", want the line of "
			  "%zu", strlen(hit), hit, 1 + L + 10);
	else
	    ck_assert_msg(strcmp(hit, "/etc/services") == 0,
			  "hit after a long line: got \"%.40s\", want "
			  "/etc/services", hit);
	free(data);
    }
}
END_TEST

/* test_overlong_last_line - an overlong last line without a newline is
 * still one line; found by fuzz_trigger */
START_TEST(test_overlong_last_line)
{
    static const size_t lens[] = {5000, 48558, 65536, 65537, 200000};
    char hit[TRIGGER_MAX_LINE + 1], *data;
    size_t i, lines;
    int ret, nl;

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
	for (nl = 0; nl <= 1; nl++) {
	    data = malloc(lens[i] + 32);
	    ck_assert_ptr_nonnull(data);
	    memcpy(data, "/etc/services\n/", 15);
	    memset(data + 15, 'x', lens[i]);
	    data[15 + lens[i]] = '\n';
	    ret = scan_buf(data + 14, 1 + lens[i] + (size_t)nl, &lines, hit,
			   sizeof(hit));
	    ck_assert_msg(ret == 0 && lines == 1,
			  "one line of %zu bytes%s: got %d, %zu lines; want "
			  "0, 1 line", 1 + lens[i], nl ? " and a newline" : "",
			  ret, lines);
	    ret = scan_buf(data, 15 + lens[i] + (size_t)nl, &lines, hit,
			   sizeof(hit));
	    ck_assert_msg(ret == 1 && lines == 1,
			  "relevant first line: got %d at %zu", ret, lines);
	    free(data);
	}
    }
}
END_TEST

/* writer - child: write LEN bytes of DATA to FD in pieces of 1..7 bytes */
static void
writer(int fd, const char *data, size_t len)
{
    size_t off = 0, n;
    unsigned seed = 7;

    while (off < len) {
	seed = seed * 1103515245 + 12345;
	n = 1 + (seed >> 16) % 7;
	if (n > len - off)
	    n = len - off;
	if (write(fd, data + off, n) != (ssize_t)n)
	    _exit(1);
	off += n;
    }
    _exit(0);
}

/* scan_pipe - trigger_scan() of DATA written in small pieces to a pipe */
static int
scan_pipe(const char *data, size_t len, size_t *lines, char *hit,
	  size_t hitlen)
{
    struct trigger_set ts;
    const char *h = NULL;
    int p[2], ret, status;
    pid_t pid;

    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s", strerror(errno));
    if (pid == 0) {
	close(p[0]);
	writer(p[1], data, len);
    }
    close(p[1]);
    make_set(&ts);
    ret = trigger_scan(&ts, p[0], lines, &h);
    snprintf(hit, hitlen, "%s", h ? h : "");
    trigger_set_free(&ts);
    close(p[0]);
    waitpid(pid, &status, 0);
    return (ret);
}

/* test_pipe_pieces - the table again, through a pipe a few bytes at a
 * time, and a long input */
START_TEST(test_pipe_pieces)
{
    char hit[TRIGGER_MAX_LINE + 1], *data;
    size_t i, lines, len;
    int ret;

    for (i = 0; i < sizeof(scan_cases) / sizeof(scan_cases[0]); i++) {
	const struct scan_case *c = &scan_cases[i];

	ret = scan_pipe(c->data, c->len ? c->len : strlen(c->data), &lines,
			hit, sizeof(hit));
	ck_assert_msg(ret == c->ret && lines == c->lines
		      && strcmp(hit, c->hit) == 0,
		      "%s through a pipe: got %d, %zu lines, \"%s\"; want %d, "
		      "%zu, \"%s\"", c->name, ret, lines, hit, c->ret,
		      c->lines, c->hit);
    }
    data = irrelevant_lines(3000, "/etc/hosts\n", &len);
    ret = scan_pipe(data, len, &lines, hit, sizeof(hit));
    ck_assert_msg(ret == 1 && lines == 3001,
		  "3000 lines in pieces: got %d at %zu, want 1 at 3001", ret,
		  lines);
    free(data);
}
END_TEST

/* test_endless_input - a relevant line first, then an input that never
 * ends: the scan returns without reading to the end */
START_TEST(test_endless_input)
{
    char hit[TRIGGER_MAX_LINE + 1];
    struct trigger_set ts;
    const char *h = NULL;
    size_t lines;
    int p[2], ret, status;
    pid_t pid;

    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    ck_assert_msg(pid >= 0, "fork: got %s", strerror(errno));
    if (pid == 0) {
	static const char junk[] = "/usr/lib64/libfoo.so.1\n";

	close(p[0]);
	signal(SIGPIPE, SIG_DFL);
	if (write(p[1], "/etc/hosts\n", 11) != 11)
	    _exit(1);
	for (;;)
	    if (write(p[1], junk, sizeof(junk) - 1) < 0)
		_exit(0);
    }
    close(p[1]);
    make_set(&ts);
    alarm(10);
    ret = trigger_scan(&ts, p[0], &lines, &h);
    alarm(0);
    snprintf(hit, sizeof(hit), "%s", h ? h : "");
    trigger_set_free(&ts);
    close(p[0]);
    waitpid(pid, &status, 0);
    ck_assert_msg(ret == 1 && lines == 1 && strcmp(hit, "/etc/hosts") == 0,
		  "endless input: got %d at line %zu (\"%s\"), want 1 at 1",
		  ret, lines, hit);
}
END_TEST

/* test_read_error - a descriptor that cannot be read gives its errno */
START_TEST(test_read_error)
{
    struct trigger_set ts;
    const char *h = NULL;
    size_t lines;
    int ret, fd;

    make_set(&ts);
    ret = trigger_scan(&ts, -1, &lines, &h);
    ck_assert_msg(ret == -EBADF, "fd -1: got %d, want -EBADF", ret);
    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ret = trigger_scan(&ts, fd, &lines, &h);
    ck_assert_msg(ret == -EISDIR, "a directory: got %d, want -EISDIR", ret);
    ck_assert_msg(h == NULL, "hit after an error: got \"%s\", want NULL", h);
    close(fd);
    trigger_set_free(&ts);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
trigger_suite(void)
{
    Suite *s = suite_create("trigger");
    TCase *tc = tcase_create("relevant");

    tcase_add_loop_test(tc, test_line_table, 0, NCASES(line_cases));
    tcase_add_test(tc, test_line_length);
    tcase_add_test(tc, test_big_manifest);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("scan");
    tcase_add_loop_test(tc, test_scan_table, 0, NCASES(scan_cases));
    tcase_add_test(tc, test_many_irrelevant);
    tcase_add_test(tc, test_relevant_after_many);
    tcase_add_test(tc, test_overlong_lines);
    tcase_add_test(tc, test_overlong_last_line);
    tcase_add_test(tc, test_pipe_pieces);
    tcase_add_test(tc, test_endless_input);
    tcase_add_test(tc, test_read_error);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return (s);
}
