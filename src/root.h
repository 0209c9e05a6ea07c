/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_ROOT_H
#define PFC_ROOT_H

#include "util.h"

/* Most symbolic links followed while resolving one path (as the kernel). */
#define ROOT_MAX_LINKS 40

/* A symbolic link crossed during resolution: PATH (canonical, inside the
 * root) holds TARGET. */
struct root_link {
    char *path;
    char *target;
};

struct root_links {
    struct root_link *v;
    size_t n;
};

int root_resolve(int rootfd, const char *path, int follow_last, char **canon,
		 struct root_links *links);
int root_open(int rootfd, const char *path, int flags, char **canon);
void root_links_free(struct root_links *l);
const char *root_rel(const char *abs);

#endif
