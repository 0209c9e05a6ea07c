/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxrun - run a command with a time limit; report status and memory
 * SUMMARY
 *	hxrun [-t SECONDS] [-k MICROSECONDS] [-o FILE] [-i FILE] CMD [ARG...]
 * DESCRIPTION
 *	Runs CMD as a child and waits for it.  -t: SIGKILL it after SECONDS
 *	(default 60) and report a timeout.  -k: SIGKILL it after that many
 *	microseconds, whatever it is doing (the random-delay kills of the
 *	crash test).  -i: the child's stdin comes from FILE.
 *
 *	One line goes to FILE (-o) or to stderr:
 *	  exit=N signal=S timeout=0|1 maxrss_kb=K ms=T
 *	with N the exit status (-1 when killed), S the signal number (0 when
 *	it exited), K the child's peak resident set (ru_maxrss) and T the
 *	elapsed wall time.
 * DIAGNOSTICS
 *	Exit status: the child's, 128+signal when it was killed, 124 on a
 *	timeout, 127 when it could not be started.
 * SECURITY
 *	Test code, never installed.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* now_us - monotonic microseconds */
static long long
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* usage - complain and exit */
static void
usage(void)
{
    fputs("usage: hxrun [-t SECONDS] [-k USEC] [-o FILE] [-i FILE] CMD...\n",
	  stderr);
    exit(127);
}

int
main(int argc, char **argv)
{
    long long start, limit_us = 60LL * 1000000, kill_us = -1;
    const char *out = NULL, *in = NULL;
    struct rusage ru;
    int c, status = 0, timed_out = 0, killed_early = 0, ret;
    pid_t pid, w;
    FILE *fp;

    while ((c = getopt(argc, argv, "+t:k:o:i:")) != -1) {
	switch (c) {
	case 't':
	    limit_us = (long long)(atof(optarg) * 1e6);
	    break;
	case 'k':
	    kill_us = atoll(optarg);
	    break;
	case 'o':
	    out = optarg;
	    break;
	case 'i':
	    in = optarg;
	    break;
	default:
	    usage();
	}
    }
    if (optind >= argc)
	usage();

    start = now_us();
    if ((pid = fork()) < 0) {
	perror("hxrun: fork");
	return (127);
    }
    if (pid == 0) {
	if (in) {
	    int fd = open(in, O_RDONLY);

	    if (fd < 0 || dup2(fd, 0) < 0) {
		perror(in);
		_exit(127);
	    }
	    close(fd);
	}
	execvp(argv[optind], argv + optind);
	perror(argv[optind]);
	_exit(127);
    }

    /* Poll: a short sleep keeps the kill delay close to what was asked. */
    for (;;) {
	long long t;
	struct timespec nap = {0, 0};

	w = wait4(pid, &status, WNOHANG, &ru);
	if (w == pid)
	    break;
	if (w < 0 && errno != EINTR) {
	    perror("hxrun: wait4");
	    return (127);
	}
	t = now_us() - start;
	if (kill_us >= 0 && t >= kill_us && !killed_early) {
	    kill(pid, SIGKILL);
	    killed_early = 1;
	} else if (t >= limit_us && !timed_out) {
	    kill(pid, SIGKILL);
	    timed_out = 1;
	}
	if (kill_us >= 0 && !killed_early)
	    nap.tv_nsec = 20 * 1000;
	else
	    nap.tv_nsec = t < 100000 ? 200 * 1000 : 5 * 1000 * 1000;
	nanosleep(&nap, NULL);
    }

    if (out == NULL || (fp = fopen(out, "w")) == NULL)
	fp = stderr;
    fprintf(fp, "exit=%d signal=%d timeout=%d maxrss_kb=%ld ms=%lld\n",
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0, timed_out,
	    ru.ru_maxrss, (now_us() - start) / 1000);
    if (fp != stderr)
	fclose(fp);
    if (timed_out)
	ret = 124;
    else if (WIFSIGNALED(status))
	ret = 128 + WTERMSIG(status);
    else
	ret = WEXITSTATUS(status);
    return (ret);
}
