/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_NSSWITCH_H
#define PFC_NSSWITCH_H

#include <stddef.h>

#include "util.h"

#define NSSWITCH_MAX_SIZE (1024UL * 1024)
#define NSSWITCH_MAX_MODULES 256

/* One service module named in nsswitch.conf, with the first database
 * line that names it ("hosts"). */
struct nss_module {
    char *name;
    char *database;
};

struct nss_modules {
    struct nss_module *v;
    size_t n;
};

int nsswitch_parse(const char *buf, size_t len, struct nss_modules *mods);
void nsswitch_defaults(struct nss_modules *mods);
void nsswitch_free(struct nss_modules *mods);

#endif
