/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxrace - swap a directory and a symbolic link, over and over
 * SUMMARY
 *	hxrace [-u UID:GID] [-s SECONDS] [-p PIDFILE] DIR TARGET
 * DESCRIPTION
 *	Makes the symbolic link DIR.hxswap -> TARGET next to DIR, then
 *	exchanges the two names with renameat2(RENAME_EXCHANGE) in a tight
 *	loop, so that DIR is, at any instant, either the real directory or
 *	a link to TARGET (a directory outside the jail).  A program that
 *	checks DIR and then uses the name again can be steered outside; one
 *	that keeps the descriptor it checked cannot.
 *
 *	-u: drop to UID:GID first (the postfix user, for the realistic
 *	attacker, who can only do this in a directory that user may write).
 *	-s: stop after SECONDS (default: at SIGTERM or SIGINT).  -p: write
 *	the pid to PIDFILE once the loop runs.
 *
 *	On the way out DIR is put back as the real directory and the link
 *	removed.  The number of exchanges goes to stdout.
 * DIAGNOSTICS
 *	Exit 0; 1 when the link cannot be made or the first exchange fails.
 * SECURITY
 *	Test code, never installed.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

/* on_signal - end the loop */
static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* exchange - swap names A and B atomically */
static int
exchange(const char *a, const char *b)
{
    return ((int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
			 RENAME_EXCHANGE));
}

int
main(int argc, char **argv)
{
    const char *pidfile = NULL, *dir, *target;
    char swap[4096];
    unsigned long long swaps = 0;
    struct stat st;
    double seconds = 0;
    time_t end = 0;
    unsigned uid = 0, gid = 0;
    int c, drop = 0;
    FILE *pf = NULL;

    while ((c = getopt(argc, argv, "u:s:p:")) != -1) {
	switch (c) {
	case 'u':
	    if (sscanf(optarg, "%u:%u", &uid, &gid) != 2) {
		fputs("hxrace: -u UID:GID\n", stderr);
		return (1);
	    }
	    drop = 1;
	    break;
	case 's':
	    seconds = atof(optarg);
	    break;
	case 'p':
	    pidfile = optarg;
	    break;
	default:
	    fputs("usage: hxrace [-u UID:GID] [-s SECONDS] [-p PIDFILE] "
		  "DIR TARGET\n", stderr);
	    return (1);
	}
    }
    if (argc - optind != 2)
	return (1);
    dir = argv[optind];
    target = argv[optind + 1];

    /* The pid file is ours to write before the privileges go. */
    if (pidfile && (pf = fopen(pidfile, "w")) == NULL) {
	perror(pidfile);
	return (1);
    }
    if (drop && (setgroups(0, NULL) < 0 || setgid(gid) < 0
		 || setuid(uid) < 0)) {
	perror("hxrace: dropping privileges");
	return (1);
    }
    snprintf(swap, sizeof(swap), "%s.hxswap", dir);
    unlink(swap);
    if (symlink(target, swap) < 0) {
	perror(swap);
	return (1);
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (seconds > 0)
	end = time(NULL) + (time_t)(seconds + 0.999);
    if (exchange(dir, swap) < 0) {
	perror("hxrace: renameat2");
	unlink(swap);
	return (1);
    }
    swaps++;
    if (pf) {
	fprintf(pf, "%ld\n", (long)getpid());
	fclose(pf);
    }
    while (!stop && (end == 0 || time(NULL) < end)) {
	if (exchange(dir, swap) == 0)
	    swaps++;
    }

    /* Leave DIR the real directory again. */
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) && exchange(dir, swap)
	== 0)
	swaps++;
    unlink(swap);
    printf("%llu\n", swaps);
    return (0);
}
