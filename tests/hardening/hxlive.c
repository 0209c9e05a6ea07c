/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxlive - a stand-in daemon that keeps calling into a jail library
 * SUMMARY
 *	hxlive LIBRARY STATUSFILE
 * DESCRIPTION
 *	dlopen()s LIBRARY (the jail's copy of the test module built from
 *	hxlivelib.c), then calls hxlive_sum() in a loop, as a long-running
 *	daemon keeps using a module it loaded once.  The first result is
 *	the reference; a different one later means the mapped pages changed
 *	under the process.  Every 1000 calls, and at exit, STATUSFILE gets
 *	"calls=N version=V bad=B", written through a new file and rename so
 *	that a reader never sees half a line.
 *
 *	A file truncated under the mapping kills the process with SIGBUS;
 *	that is what the contrast run with cp(1) shows.
 * DIAGNOSTICS
 *	Exit 0 at SIGTERM with no bad result, 2 when a result was wrong,
 *	1 when the library cannot be loaded.
 * SECURITY
 *	Test code, never installed.
 */

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

/* on_term - end the loop */
static void
on_term(int sig)
{
    (void)sig;
    stop = 1;
}

/* report - write the status file atomically */
static void
report(const char *file, unsigned long calls, int version, unsigned long bad)
{
    char tmp[4096];
    FILE *fp;

    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    if ((fp = fopen(tmp, "w")) == NULL)
	return;
    fprintf(fp, "calls=%lu version=%d bad=%lu\n", calls, version, bad);
    if (fclose(fp) == 0)
	rename(tmp, file);
}

int
main(int argc, char **argv)
{
    unsigned long (*sum)(void);
    int (*version)(void);
    unsigned long ref, calls = 0, bad = 0;
    struct sigaction sa = {0};
    void *h;

    if (argc != 3) {
	fputs("usage: hxlive LIBRARY STATUSFILE\n", stderr);
	return (1);
    }
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    if ((h = dlopen(argv[1], RTLD_NOW)) == NULL) {
	fprintf(stderr, "hxlive: %s\n", dlerror());
	return (1);
    }
    *(void **)&sum = dlsym(h, "hxlive_sum");
    *(void **)&version = dlsym(h, "hxlive_version");
    if (sum == NULL || version == NULL) {
	fprintf(stderr, "hxlive: %s: not the test library\n", argv[1]);
	return (1);
    }
    ref = sum();
    report(argv[2], calls, version(), bad);
    while (!stop) {
	if (sum() != ref)
	    bad++;
	if (++calls % 1000 == 0)
	    report(argv[2], calls, version(), bad);
    }
    report(argv[2], calls, version(), bad);
    return (bad ? 2 : 0);
}
