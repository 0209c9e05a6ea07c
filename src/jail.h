/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_JAIL_H
#define PFC_JAIL_H

#include <sys/stat.h>
#include <sys/types.h>

#include "util.h"

/* Prefix of temporary names; leftovers of a killed run are removed. */
#define JAIL_TMP_PREFIX ".postfix-chroot."

/* Staged batches of more files than this are flushed with syncfs(). */
#define JAIL_FSYNC_MAX 4

/* A new file or link under its temporary name, waiting for its rename. */
struct jail_staged {
    int dfd;                /* its directory (owned by the jail) */
    int fd;                 /* the open file, -1 for a link or once flushed */
    const char *name;       /* final name (points into the caller's path) */
    const char *rel;        /* the caller's path, when DFD is a directory
			     * above the final one, which may not exist */
    char tmp[64];           /* temporary name */
};

struct jail_dir {
    char *rel;
    int fd;
    int dirty;
    int other_fs;           /* on another file system than the jail */
};

struct jail {
    int fd;                 /* the jail directory */
    dev_t dev;              /* its file system */
    char *path;             /* its path on the running system */
    char *label_path;       /* its path as the SELinux policy sees it */
    struct jail_dir *dirs;  /* directories opened so far */
    size_t ndirs;
    const char *why;        /* reason of the last -EPERM refusal */
    int dry_run;
};

int jail_open(struct jail *j, const char *path, const char *label_path);
int jail_dir(struct jail *j, const char *rel, int create, int *fdp);
int jail_lstat(struct jail *j, const char *rel, struct stat *st);
int jail_open_file(struct jail *j, const char *rel, int *fdp);
int jail_readlink(struct jail *j, const char *rel, char *buf, size_t len);
int jail_write_file(struct jail *j, const char *rel, int srcfd,
		    const char *buf, size_t len, mode_t mode,
		    const struct timespec *mtime);
int jail_write_link(struct jail *j, const char *rel, const char *target);
int jail_stage_file(struct jail *j, const char *rel, int srcfd,
		    const char *buf, size_t len, mode_t mode,
		    const struct timespec *mtime, struct jail_staged *st);
int jail_stage_link(struct jail *j, const char *rel, const char *target,
		    struct jail_staged *st);
int jail_flush(struct jail *j, struct jail_staged *st, size_t n,
	       const int *extra, size_t nextra);
int jail_commit(struct jail *j, struct jail_staged *st);
void jail_discard(struct jail *j, struct jail_staged *st);
int jail_remove(struct jail *j, const char *rel, int want_dir);
void jail_forget(struct jail *j, const char *rel);
int jail_get_label(struct jail *j, const char *rel, char **ctx);
char *jail_label_path(const struct jail *j, const char *rel);
int jail_clean_tmp(struct jail *j, const char *reldir);
int jail_sync(struct jail *j, const int *extra, size_t nextra);
void jail_close(struct jail *j);

#endif
