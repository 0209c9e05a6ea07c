/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_PFCONF_H
#define PFC_PFCONF_H

#include <stddef.h>

#include "util.h"

/* Largest configuration file accepted (main.cf, postfix-chroot.conf). */
#define PFCONF_MAX_SIZE (4UL * 1024 * 1024)

/* name = value settings, in file order; a later name overrides. */
struct pfconf {
    struct strlist names;
    struct strlist values;
};

int pfconf_parse(const char *buf, size_t len, struct pfconf *cf, char *err,
		 size_t errlen);
int pfconf_load(const char *path, struct pfconf *cf, char *err,
		size_t errlen);
const char *pfconf_raw(const struct pfconf *cf, const char *name);
char *pfconf_expand(const struct pfconf *cf, const char *name,
		    const char *dflt);
int pfconf_bool(const struct pfconf *cf, const char *name, int dflt);
void pfconf_free(struct pfconf *cf);

#endif
