/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_DEPS_H
#define PFC_DEPS_H

#include <sys/stat.h>

/* Where a recorded path is looked up. */
#define DEPS_ABS 'a'    /* absolute, on the running system */
#define DEPS_ROOT 'r'   /* relative to the --root directory */
#define DEPS_JAIL 'j'   /* relative to the jail directory */
#define DEPS_STATE 's'  /* relative to the state directory */

/* How much of a recorded status must stay the same. */
#define DEPS_WHOLE 0    /* everything: identity, mode, size, times */
#define DEPS_IDENT 1    /* a directory crossed: identity and type only */
#define DEPS_FOLLOW 2   /* the path was followed to its end */

#define DEPS_STAMP_MAX (4UL << 20)

void deps_start(void);
int deps_active(void);
void deps_set_fd(int base, int fd);
void deps_note(int dirfd, const char *path, int how, const struct stat *st,
	       int err);
void deps_note_fd(int dirfd, const char *path, int fd);
void deps_note_path(int dirfd, const char *path);
void deps_taint(const char *why);
const char *deps_tainted(void);
void deps_warning(const char *text);
void deps_hold_warnings(int on);
int deps_save(int sfd, const char *name, const char *key);
int deps_valid(int sfd, const char *name, const char *key);
int deps_stamp_check(int sfd, const char *name);
void deps_stop(void);
const char *deps_program_id(void);

#endif
