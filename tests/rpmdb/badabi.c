/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * badabi - an rpmdb plugin that announces an interface version the
 * program does not speak.  check_rpmdb.c compiles it at test time and
 * expects rpmdb_open() to refuse it without calling any of its functions.
 */

#include <stdlib.h>

#include "rpmdb.h"

/* badabi_open - must never be called */
static void *
badabi_open(const char *root, const char **why)
{
    (void)root;
    (void)why;
    abort();
}

const struct rpmdb_plugin postfix_chroot_rpmdb = {
    .abi = RPMDB_PLUGIN_ABI + 1000,
    .open = badabi_open,
};
