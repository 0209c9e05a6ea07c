/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_DIAG_H
#define PFC_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Verbosity levels: quiet shows errors only. */
enum diag_level {
    DIAG_QUIET = -1,
    DIAG_NORMAL = 0,
    DIAG_VERBOSE = 1,
    DIAG_DEBUG = 2,
};

void diag_init(const char *progname);
void diag_set_level(int level);
int diag_level(void);
void diag_set_syslog(int on);
void diag_set_capture(char *buf, size_t len);
void diag_set_warn_hook(void (*hook)(const char *));
void diag_set_trigger(int on);
int diag_exit_status(int status);

void msg_change(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_fatal(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void msg_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

int diag_error_count(void);
void diag_reset_errors(void);

#endif
