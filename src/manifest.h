/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_MANIFEST_H
#define PFC_MANIFEST_H

#include <stddef.h>

#define MANIFEST_MAX_SIZE (16UL * 1024 * 1024)

struct manifest_entry {
    char kind;          /* 'f' file, 'l' link, 'd' directory */
    char *path;         /* relative to the jail */
    char *id;           /* 'f': identity of the source copied, or NULL */
};

struct manifest {
    struct manifest_entry *v;
    size_t n;
    int pending;        /* written before changes: a run may have died */
};

int state_open(const char *dir, int create, int *fdp, char *why,
	       size_t whylen);
char *manifest_name(const char *jail, const char *suffix);
int manifest_load(int sfd, const char *name, struct manifest *m);
int manifest_save(int sfd, const char *name, const struct manifest *m);
void manifest_add(struct manifest *m, char kind, const char *path);
void manifest_set_id(struct manifest *m, const char *path, const char *id);
const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *path);
void manifest_sort(struct manifest *m);
void manifest_free(struct manifest *m);
int manifest_lock(int sfd, const char *name, int wait_seconds);

#endif
