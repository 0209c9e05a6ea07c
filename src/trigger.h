/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_TRIGGER_H
#define PFC_TRIGGER_H

#include <stddef.h>

#include "manifest.h"

/* Longest path line considered; longer lines are not paths rpm gives. */
#define TRIGGER_MAX_LINE 4096

struct trigger_set {
    char **slot;        /* open-addressing table of base names */
    size_t size;
    size_t minlen;      /* shortest and longest base name in the table */
    size_t maxlen;
    char **paths;       /* exact host paths (extra_files) */
    size_t *pathlen;
    size_t npaths;
};

void trigger_set_init(struct trigger_set *ts, const struct manifest *m);
void trigger_set_add_path(struct trigger_set *ts, const char *path);
int trigger_line_relevant(const struct trigger_set *ts, const char *line,
			  size_t len);
int trigger_scan(const struct trigger_set *ts, int fd, size_t *lines,
		 const char **hit);
void trigger_set_free(struct trigger_set *ts);

#endif
