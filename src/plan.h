/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_PLAN_H
#define PFC_PLAN_H

#include <sys/types.h>

#include "libpath.h"
#include "pfconf.h"

/* Largest object or etc file that is copied into the jail. */
#define PLAN_MAX_FILE_SIZE (256UL * 1024 * 1024)
#define PLAN_MAX_OBJECTS 4096
#define PLAN_MAX_DEPTH 64

enum item_kind {
    ITEM_DIR = 'd',
    ITEM_FILE = 'f',
    ITEM_LINK = 'l',
};

enum item_xform {
    XFORM_NONE = 0,
    XFORM_PASSWD,        /* password fields replaced by "x" */
};

/* One thing the jail must hold. */
struct item {
    enum item_kind kind;
    char *path;          /* relative to the jail: "etc/hosts" */
    char *source;        /* FILE: canonical host path inside the root */
    char *target;        /* LINK: link text */
    mode_t mode;         /* FILE and DIR */
    enum item_xform xform;
    int dirlink;         /* LINK: a directory link repeated from the host */
    char *why;           /* why it is wanted */
};

struct plan {
    struct item *v;
    size_t n;
    int incomplete;      /* a source could not be read: remove nothing */
};

/* What the plan is computed from. */
struct plan_input {
    int rootfd;
    const struct pfconf *main_cf;   /* Postfix main.cf */
    const struct pfconf *tool_cf;   /* postfix-chroot.conf */
    const struct libpath *lp;
};

int plan_build(const struct plan_input *in, struct plan *plan);
const struct item *plan_find(const struct plan *plan, const char *path);
void plan_free(struct plan *plan);

#endif
