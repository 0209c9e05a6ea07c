/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxsyslog - a syslog socket that writes what it receives to a file
 * SUMMARY
 *	hxsyslog SOCKET FILE [PIDFILE]
 * DESCRIPTION
 *	Binds a Unix datagram socket at SOCKET (normally /dev/log inside a
 *	private mount namespace, see faults.sh) and appends every message
 *	to FILE, one line each, flushed at once, until SIGTERM.  The pid
 *	goes to PIDFILE once the socket is bound, so that the caller knows
 *	when it may start logging.
 * DIAGNOSTICS
 *	Exit 0 at SIGTERM; 1 when the socket cannot be made.
 * SECURITY
 *	Test code, never installed.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

/* on_term - end the loop */
static void
on_term(int sig)
{
    (void)sig;
    stop = 1;
}

int
main(int argc, char **argv)
{
    struct sockaddr_un sun;
    struct sigaction sa;
    char buf[8192];
    FILE *out, *pf;
    ssize_t n;
    int s;

    if (argc < 3) {
	fputs("usage: hxsyslog SOCKET FILE [PIDFILE]\n", stderr);
	return (1);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
    unlink(argv[1]);
    if ((s = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0
	|| bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
	perror(argv[1]);
	return (1);
    }
    chmod(argv[1], 0666);
    if ((out = fopen(argv[2], "a")) == NULL) {
	perror(argv[2]);
	return (1);
    }
    if (argc > 3 && (pf = fopen(argv[3], "w")) != NULL) {
	fprintf(pf, "%ld\n", (long)getpid());
	fclose(pf);
    }
    while (!stop) {
	n = recv(s, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
	    continue;
	buf[n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
	    buf[n - 1] = 0;
	fprintf(out, "%s\n", buf);
	fflush(out);
    }
    fclose(out);
    unlink(argv[1]);
    return (0);
}
