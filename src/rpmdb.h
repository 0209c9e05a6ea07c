/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_RPMDB_H
#define PFC_RPMDB_H

#include <stddef.h>

/*
 * The interface between the program and its librpm plugin (rpmdb.so),
 * which is loaded with dlopen() only by the commands that need the rpm
 * database.  The plugin exports one symbol, RPMDB_PLUGIN_SYMBOL, of type
 * struct rpmdb_plugin.
 */
#define RPMDB_PLUGIN_ABI 1
#define RPMDB_PLUGIN_SYMBOL "postfix_chroot_rpmdb"

/* Result of a file query. */
enum rpmdb_verify {
    RPMDB_UNOWNED = 0,  /* no package owns the path */
    RPMDB_MATCH = 1,    /* owned, bytes match the recorded digest */
    RPMDB_MODIFIED = 2, /* owned, bytes differ from the recorded digest */
    RPMDB_NODIGEST = 3, /* owned, but no digest recorded (link, ghost...) */
};

struct rpmdb_plugin {
    int abi; /* RPMDB_PLUGIN_ABI */

    /* Open the database of the system below ROOT ("/" for the running
     * system).  Returns an opaque handle or NULL; on NULL, *why says why
     * (static text). */
    void *(*open)(const char *root, const char **why);

    /*
     * Find the package owning PATH (absolute, as seen inside ROOT).
     * Writes "name-version-release.arch" into NEVRA (or "" when unowned)
     * and returns an enum rpmdb_verify after comparing the file at
     * ROOT/PATH with the digest the database recorded.  Negative errno on
     * failure.
     */
    int (*owner)(void *handle, const char *path, char *nevra, size_t len);

    /* Version of the installed package NAME ("3.5.9") into BUF; 0 or
     * -ENOENT when not installed. */
    int (*version)(void *handle, const char *name, char *buf, size_t len);

    void (*close)(void *handle);
};

/* Program side: load the plugin, open the database.  NULL when rpm is not
 * usable here; the reason goes to msg_info() once. */
struct rpmdb;
struct rpmdb *rpmdb_open(const char *root);
int rpmdb_owner(struct rpmdb *db, const char *path, char *nevra, size_t len);
int rpmdb_version(struct rpmdb *db, const char *name, char *buf, size_t len);
void rpmdb_close(struct rpmdb *db);

#endif
