/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	diag - diagnostics for postfix-chroot
 * SUMMARY
 *	One place through which every message of the program passes.
 * DESCRIPTION
 *	msg_change() reports one change made to the jail ("added etc/hosts");
 *	it is shown unless -q is given.  msg_info() explains a decision and
 *	is shown with -v; msg_debug() with -vv.  msg_warn() reports a problem
 *	that does not make the run fail; msg_error() one that does: it is
 *	counted, and diag_error_count() gives the count for the exit status.
 *	msg_fatal() exits with the given status; msg_panic() reports a bug
 *	and aborts.  diag_set_trigger(1) selects trigger mode: lines also go
 *	to syslog and diag_exit_status() (used by msg_fatal() and main)
 *	turns every exit status into 0, because a failing rpm scriptlet
 *	cannot be rolled back.
 *
 *	Warnings are not shown with -q (they still reach syslog in trigger
 *	mode).  Diagnostics go to stderr as "postfix-chroot: warning: OBJECT: what
 *	failed: why".  With diag_set_syslog(1) (trigger and scriptlet mode)
 *	every line that is shown also goes to syslog, because rpm may hide a
 *	scriptlet's output.
 *
 *	diag_set_warn_hook() hands the text of every warning, shown or not,
 *	to a function (the stamp repeats warnings when work is skipped).
 *
 *	diag_set_capture() makes the module append every shown line to a
 *	caller-owned buffer instead of stderr; the tests use it.
 * DIAGNOSTICS
 *	None of its own: a failed write to stderr is ignored.
 * SECURITY
 *	Messages may contain names read from the jail.  Control characters
 *	are shown as '?' so that a hostile file name cannot forge log lines
 *	or terminal escapes.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "diag.h"

static const char *diag_prog = "postfix-chroot";
static int diag_lvl = DIAG_NORMAL;
static int diag_syslog_on;
static int diag_always_zero;
static int diag_errors;
static char *diag_cap;
static size_t diag_caplen;
static void (*diag_warn_hook)(const char *);

/* diag_init - set the program name shown in front of every line */
void
diag_init(const char *progname)
{
    diag_prog = progname;
}

/* diag_set_level - set verbosity (DIAG_QUIET .. DIAG_DEBUG) */
void
diag_set_level(int level)
{
    diag_lvl = level;
}

/* diag_level - current verbosity */
int
diag_level(void)
{
    return (diag_lvl);
}

/* diag_set_syslog - also send shown lines to syslog */
void
diag_set_syslog(int on)
{
    if (on && !diag_syslog_on)
	openlog(diag_prog, LOG_PID, LOG_MAIL);
    diag_syslog_on = on;
}

/* diag_set_trigger - trigger mode: syslog too, and every exit is 0 */
void
diag_set_trigger(int on)
{
    diag_set_syslog(on);
    diag_always_zero = on;
}

/* diag_exit_status - map an exit status for the current mode */
int
diag_exit_status(int status)
{
    return (diag_always_zero ? 0 : status);
}

/* diag_set_capture - collect output in BUF instead of stderr (tests) */
void
diag_set_capture(char *buf, size_t len)
{
    diag_cap = buf;
    diag_caplen = len;
    if (buf && len)
	buf[0] = 0;
}

/* diag_set_warn_hook - have HOOK see the text of every warning */
void
diag_set_warn_hook(void (*hook)(const char *))
{
    diag_warn_hook = hook;
}

/* diag_error_count - number of msg_error() calls so far */
int
diag_error_count(void)
{
    return (diag_errors);
}

/* diag_reset_errors - forget earlier errors (tests) */
void
diag_reset_errors(void)
{
    diag_errors = 0;
}

/* diag_emit_to - format, sanitise and write one line; SHOW zero: syslog */
static void
diag_emit_to(int prio, const char *label, const char *fmt, va_list ap,
	     int show)
{
    char body[2048];
    char line[2200];
    char *cp;

    vsnprintf(body, sizeof(body), fmt, ap);
    for (cp = body; *cp; cp++)
	if ((unsigned char)*cp < 0x20 || *cp == 0x7f)
	    *cp = '?';
    snprintf(line, sizeof(line), "%s: %s%s\n", diag_prog, label, body);
    if (prio == LOG_WARNING && diag_warn_hook)
	diag_warn_hook(body);
    if (!show) {
	/* Nothing shown; syslog only. */
    } else if (diag_cap) {
	size_t have = strlen(diag_cap);

	if (have + 1 < diag_caplen)
	    snprintf(diag_cap + have, diag_caplen - have, "%s", line);
    } else {
	fputs(line, stderr);
	fflush(stderr);
    }
    if (diag_syslog_on)
	syslog(prio, "%s%s", label, body);
}

/* diag_emit - format, sanitise and show one line */
static void
diag_emit(int prio, const char *label, const char *fmt, va_list ap)
{
    diag_emit_to(prio, label, fmt, ap, 1);
}

/* msg_change - one change made to the jail */
void
msg_change(const char *fmt, ...)
{
    va_list ap;

    if (diag_lvl < DIAG_NORMAL)
	return;
    va_start(ap, fmt);
    diag_emit(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

/* msg_info - explain a decision (-v) */
void
msg_info(const char *fmt, ...)
{
    va_list ap;

    if (diag_lvl < DIAG_VERBOSE)
	return;
    va_start(ap, fmt);
    diag_emit(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

/* msg_debug - detail for -vv */
void
msg_debug(const char *fmt, ...)
{
    va_list ap;

    if (diag_lvl < DIAG_DEBUG)
	return;
    va_start(ap, fmt);
    diag_emit(LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

/* msg_warn - a problem that does not fail the run */
void
msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_emit_to(LOG_WARNING, "warning: ", fmt, ap, diag_lvl >= DIAG_NORMAL);
    va_end(ap);
}

/* msg_error - a problem that fails the run; counted */
void
msg_error(const char *fmt, ...)
{
    va_list ap;

    diag_errors++;
    va_start(ap, fmt);
    diag_emit(LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}

/* msg_fatal - report and exit with STATUS */
void
msg_fatal(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_emit(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);
    exit(diag_exit_status(status));
}

/* msg_panic - report a bug and abort */
void
msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_emit(LOG_CRIT, "panic: ", fmt, ap);
    va_end(ap);
    abort();
}
