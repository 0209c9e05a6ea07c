/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_UTIL_H
#define PFC_UTIL_H

#include <stddef.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of strings, owned by the list. */
struct strlist {
    char **v;
    size_t n;
    size_t cap;
};

void strlist_add(struct strlist *l, const char *s);
void strlist_add_nodup(struct strlist *l, const char *s);
int strlist_has(const struct strlist *l, const char *s);
size_t strlist_index(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

int read_fd_bounded(int fd, size_t max, char **bufp, size_t *lenp);
int read_file_at(int dirfd, const char *path, size_t max, char **bufp,
		 size_t *lenp);
char *path_join(const char *a, const char *b);
const char *path_basename(const char *p);
char *path_dirname(const char *p);
int path_is_below(const char *path, const char *dir);
int path_rel_ok(const char *path);
int write_all(int fd, const void *buf, size_t n);

struct stat;
const char *dir_unsafe(const struct stat *st, int allow_sticky);

#endif
