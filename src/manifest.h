/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_MANIFEST_H
#define PFC_MANIFEST_H

#include <stddef.h>
#include <sys/types.h>

#define MANIFEST_MAX_SIZE (16UL * 1024 * 1024)

struct manifest_entry {
    char kind;          /* 'f' file, 'l' link, 'd' directory */
    char alt;           /* the kind it may still have, or 0: a run that
			 * changed its kind may have died before the change */
    char *path;         /* relative to the jail */
    char *id;           /* 'f': identity of the source copied, or NULL */
};

struct manifest {
    struct manifest_entry *v;
    size_t n;
    int pending;        /* written before changes: a run may have died */
    int exists;         /* read from a file */
    int torn;           /* the file ends in a cut block: do not append */
    ino_t ino;          /* the file read, and its size */
    off_t size;
};

/* A manifest written under a temporary name, not yet in place. */
struct manifest_tmp {
    int fd;
    char *tmp;
};

int state_open(const char *dir, int create, int *fdp, char *why,
	       size_t whylen);
char *manifest_name(const char *jail, const char *suffix);
int manifest_load(int sfd, const char *name, struct manifest *m);
int manifest_save(int sfd, const char *name, const struct manifest *m);
int manifest_write(int sfd, const char *name, const struct manifest *m,
		   int sync, struct manifest_tmp *t);
int manifest_install(int sfd, const char *name, struct manifest_tmp *t,
		     int sync_dir);
void manifest_abandon(int sfd, struct manifest_tmp *t);
int manifest_append(int sfd, const char *name, const struct manifest *old,
		    const struct manifest *adds, int *fdp);
void manifest_add(struct manifest *m, char kind, const char *path);
void manifest_add_changing(struct manifest *m, char kind, char alt,
			   const char *path);
int manifest_kind_is(const struct manifest_entry *me, char kind);
void manifest_set_id(struct manifest *m, const char *path, const char *id);
const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *path);
void manifest_sort(struct manifest *m);
void manifest_free(struct manifest *m);
int manifest_lock(int sfd, const char *name, int wait_seconds);

#endif
