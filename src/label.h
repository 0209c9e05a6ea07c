/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_LABEL_H
#define PFC_LABEL_H

#include <sys/types.h>

int label_init(const char *root, const char *file_contexts);
int label_enabled(void);
int label_active(void);
int label_lookup(const char *path, mode_t mode, char **ctx);
int label_set_fd(int fd, const char *ctx);
int label_set_at(int dirfd, const char *name, const char *ctx);
int label_get_at(int dirfd, const char *name, char **ctx);
int label_get_fd(int fd, char **ctx);
void label_free_ctx(char *ctx);
void label_fini(void);

#endif
