/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_trigger - libFuzzer target for the rpm trigger path filter
 * SUMMARY
 *	Feed arbitrary bytes to trigger_scan() and compare its answer with
 *	trigger_line_relevant() applied line by line.
 * DESCRIPTION
 *	The set is built from a fixed small manifest and one extra path.
 *	Each input is scanned from a memory file with trigger_scan().  The
 *	same input is cut at every newline and trigger_line_relevant() is
 *	asked about each line; the scan must stop at the first relevant
 *	line, report its number and its bytes, or report 0 and the number
 *	of lines when none is relevant.  This holds for lines longer than
 *	the scan's buffer too, whose tails the scan must not mistake for
 *	lines of their own.  The whole input is also given to
 *	trigger_line_relevant() as one line.  A broken invariant aborts,
 *	which libFuzzer reports as a crash; leaks are found by ASan.
 *
 *	So that small inputs reach lines longer than the scan's 64 KiB
 *	buffer, an input whose first byte is 0xff is expanded: the next two
 *	bytes, times 4, give a count of 'x' bytes put after a '/', and the
 *	rest of the input follows.
 * DIAGNOSTICS
 *	A broken invariant prints one line on stderr and aborts.
 * SECURITY
 *	Test code; never installed.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "manifest.h"
#include "trigger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - report a broken invariant and crash */
static void
fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_trigger: %s\n", what);
    abort();
}

/* fuzz_set - the set of a small jail, made once */
static const struct trigger_set *
fuzz_set(void)
{
    static struct trigger_set ts;
    static int made;
    struct manifest m = {0};

    if (made)
	return (&ts);
    manifest_add(&m, 'd', "usr/lib64");
    manifest_add(&m, 'f', "usr/lib64/libcap.so.2.48");
    manifest_add(&m, 'l', "usr/lib64/libcap.so.2");
    manifest_add(&m, 'f', "etc/hosts");
    manifest_add(&m, 'l', "lib64");
    manifest_sort(&m);
    trigger_set_init(&ts, &m);
    manifest_free(&m);
    trigger_set_add_path(&ts, "/opt/extra/x.conf");
    made = 1;
    return (&ts);
}

/* fuzz_memfd - the memory file the scan reads, made once */
static int
fuzz_memfd(const uint8_t *data, size_t size)
{
    static int fd = -1;

    if (fd < 0 && (fd = memfd_create("fuzz_trigger", MFD_CLOEXEC)) < 0)
	fuzz_fail("memfd_create failed");
    if (ftruncate(fd, 0) < 0
	|| (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size)
	|| lseek(fd, 0, SEEK_SET) != 0)
	fuzz_fail("cannot write the memory file");
    return (fd);
}

/* fuzz_check - scan SIZE bytes of DATA and check against the model */
static void
fuzz_check(const uint8_t *data, size_t size)
{
    const struct trigger_set *ts = fuzz_set();
    const char *buf = (const char *)data, *hit = NULL;
    const char *want_line = NULL;
    size_t pos = 0, nlines = 0, want_len = 0, lines = 0;
    int want = 0, ret;

    /* The model: each line on its own, the first relevant one wins. */
    while (pos < size) {
	const char *ls = buf + pos, *nl = memchr(ls, '\n', size - pos);
	size_t n = nl ? (size_t)(nl - ls) : size - pos;

	nlines++;
	pos += n + (nl != NULL);
	if (trigger_line_relevant(ts, ls, n)) {
	    want = 1;
	    want_line = ls;
	    want_len = n;
	    break;
	}
    }
    ret = trigger_scan(ts, fuzz_memfd(data, size), &lines, &hit);
    if (ret != want)
	fuzz_fail("scan and line-by-line model disagree on the result");
    if (lines != nlines)
	fuzz_fail("scan and model disagree on the line count");
    if (want) {
	if (hit == NULL || strlen(hit) != want_len
	    || memcmp(hit, want_line, want_len) != 0)
	    fuzz_fail("scan reports another line than the model");
	if (want_len > TRIGGER_MAX_LINE || hit[0] != '/')
	    fuzz_fail("relevant line that is no bounded path");
    } else if (hit != NULL) {
	fuzz_fail("hit without a relevant line");
    }

    /* The whole input as one line: no crash, and NUL bytes never count. */
    if (trigger_line_relevant(ts, buf, size) && memchr(buf, 0, size))
	fuzz_fail("line with a NUL byte found relevant");
}

/* LLVMFuzzerTestOneInput - check one input, expanded when it asks */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    uint8_t *big;

    if (size < 3 || data[0] != 0xff) {
	fuzz_check(data, size);
	return (0);
    }
    n = (((size_t)data[1] << 8) | data[2]) * 4;
    if ((big = malloc(1 + n + size - 3)) == NULL)
	fuzz_fail("out of memory");
    big[0] = '/';
    memset(big + 1, 'x', n);
    memcpy(big + 1 + n, data + 3, size - 3);
    fuzz_check(big, 1 + n + size - 3);
    free(big);
    return (0);
}
