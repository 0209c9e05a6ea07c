/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	smtpc - the end-to-end suite's SMTP client
 * SYNOPSIS
 *	smtpc -F
 *	smtpc [-b SRCADDR] [-p PORT] [-e HELO] [-f FROM] [-t RCPT]
 *	      [-s SUBJECT] [-k] ADDR
 * DESCRIPTION
 *	-F prints a TCP port on 127.0.0.1 that nobody listens on, and exits.
 *
 *	Otherwise smtpc connects to ADDR:PORT (default 25) from SRCADDR
 *	(bind(2) before connect(2), so that the server sees that client
 *	address), sends EHLO, MAIL, RCPT, DATA with a short message, and
 *	QUIT.  The dialogue goes to stderr, one "S: " or "C: " line each.
 *	When the server accepts the message, smtpc prints "queued ID" on
 *	stdout, ID being the queue id in the 250 reply.
 *
 *	-k holds the session after the EHLO reply: smtpc prints "held" on
 *	stdout and waits for a line (or end of file) on stdin before it
 *	goes on.  The server process stays busy with this client meanwhile,
 *	so the test can look at it.
 * DIAGNOSTICS
 *	Exit 0 when the message was accepted, 1 when the server refused a
 *	command, 2 on a usage error, 3 on a network error or timeout (20
 *	seconds per reply).
 * BUGS
 *	IPv4 only.  No TLS, no pipelining, no dot-stuffing (the message
 *	has no line that starts with a dot).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SMTPC_LINE 1024
#define SMTPC_TIMEOUT 20

static FILE *smtpc_in;
static FILE *smtpc_out;
static char smtpc_last[SMTPC_LINE];

/* smtpc_die - report a failure and exit with STATUS */
static void
smtpc_die(int status, const char *what)
{
    fprintf(stderr, "smtpc: %s: %s\n", what,
	    errno ? strerror(errno) : "failed");
    exit(status);
}

/* smtpc_free_port - print a port on 127.0.0.1 that is free right now */
static int
smtpc_free_port(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	smtpc_die(3, "socket");
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
	smtpc_die(3, "bind 127.0.0.1:0");
    printf("%u\n", ntohs(sin.sin_port));
    close(fd);
    return (0);
}

/* smtpc_reply - read one (possibly multi-line) reply, return its code */
static int
smtpc_reply(void)
{
    char line[SMTPC_LINE];

    for (;;) {
	errno = 0;
	if (fgets(line, sizeof(line), smtpc_in) == 0)
	    smtpc_die(3, "reading reply");
	line[strcspn(line, "\r\n")] = 0;
	fprintf(stderr, "S: %s\n", line);
	if (strlen(line) < 3)
	    smtpc_die(3, "short reply");
	if (line[3] != '-')
	    break;
    }
    snprintf(smtpc_last, sizeof(smtpc_last), "%s", line);
    return (atoi(line));
}

/* smtpc_send - send one command line and read the reply */
static int
smtpc_send(const char *cmd)
{
    fprintf(stderr, "C: %s\n", cmd);
    fprintf(smtpc_out, "%s\r\n", cmd);
    if (fflush(smtpc_out) != 0)
	smtpc_die(3, "sending command");
    return (smtpc_reply());
}

/* smtpc_expect - send a command; exit 1 unless the reply is WANT */
static void
smtpc_expect(int want, const char *cmd)
{
    if (smtpc_send(cmd) / 100 != want / 100) {
	fprintf(stderr, "smtpc: unexpected reply: %s\n", smtpc_last);
	exit(1);
    }
}

/* smtpc_connect - connect from SRC (may be null) to DST:PORT */
static int
smtpc_connect(const char *src, const char *dst, int port)
{
    struct sockaddr_in sin;
    struct timeval tv = {SMTPC_TIMEOUT, 0};
    int fd;

    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	smtpc_die(3, "socket");
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    if (src) {
	if (inet_pton(AF_INET, src, &sin.sin_addr) != 1)
	    smtpc_die(2, "bad source address");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
	    smtpc_die(3, "bind");
    }
    if (inet_pton(AF_INET, dst, &sin.sin_addr) != 1)
	smtpc_die(2, "bad server address");
    sin.sin_port = htons(port);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
	smtpc_die(3, "connect");
    return (fd);
}

/* smtpc_hold - tell the caller we are connected, wait for its go */
static void
smtpc_hold(void)
{
    int ch;

    printf("held\n");
    fflush(stdout);
    while ((ch = getchar()) != EOF && ch != '\n')
	/* void */;
}

/* smtpc_queue_id - print the queue id of a "250 ... queued as ID" */
static void
smtpc_queue_id(void)
{
    const char *p = strstr(smtpc_last, "queued as ");

    if (p)
	printf("queued %s\n", p + strlen("queued as "));
}

/* main - parse options, run one session */
int
main(int argc, char **argv)
{
    const char *src = 0, *helo = "client.e2e.test";
    const char *from = "sender@e2e.test", *rcpt = "hold@e2e.test";
    const char *subject = "postfix-chroot end-to-end test";
    char cmd[SMTPC_LINE];
    int port = 25, hold = 0, ch, fd;

    while ((ch = getopt(argc, argv, "Fb:p:e:f:t:s:k")) != -1) {
	switch (ch) {
	case 'F':
	    return (smtpc_free_port());
	case 'b':
	    src = optarg;
	    break;
	case 'p':
	    port = atoi(optarg);
	    break;
	case 'e':
	    helo = optarg;
	    break;
	case 'f':
	    from = optarg;
	    break;
	case 't':
	    rcpt = optarg;
	    break;
	case 's':
	    subject = optarg;
	    break;
	case 'k':
	    hold = 1;
	    break;
	default:
	    fprintf(stderr, "usage: smtpc [-F] [-b src] [-p port] [-e helo]"
			    " [-f from] [-t rcpt] [-s subject] [-k] addr\n");
	    return (2);
	}
    }
    if (optind != argc - 1 || port <= 0 || port > 65535) {
	fprintf(stderr, "smtpc: need one server address and a valid port\n");
	return (2);
    }

    /* Connect and run the session; stdio on a dup for each direction. */
    fd = smtpc_connect(src, argv[optind], port);
    if ((smtpc_in = fdopen(fd, "r")) == 0 ||
	(smtpc_out = fdopen(dup(fd), "w")) == 0)
	smtpc_die(3, "fdopen");
    if (smtpc_reply() / 100 != 2) {
	fprintf(stderr, "smtpc: refused: %s\n", smtpc_last);
	return (1);
    }
    snprintf(cmd, sizeof(cmd), "EHLO %s", helo);
    smtpc_expect(250, cmd);
    if (hold)
	smtpc_hold();
    snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>", from);
    smtpc_expect(250, cmd);
    snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", rcpt);
    smtpc_expect(250, cmd);
    smtpc_expect(354, "DATA");
    fprintf(smtpc_out,
	    "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n\r\n"
	    "A message from the postfix-chroot end-to-end suite.\r\n",
	    from, rcpt, subject);
    fprintf(stderr, "C: (headers and a one-line body)\n");
    smtpc_expect(250, ".");
    smtpc_queue_id();
    fflush(stdout);
    (void)smtpc_send("QUIT");
    return (0);
}
