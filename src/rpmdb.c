/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	rpmdb - rpm database queries through the rpmdb.so plugin
 * SUMMARY
 *	The program's side of package provenance.  It never links librpm:
 *	the plugin that does is loaded with dlopen() when a command first
 *	wants the database.
 * DESCRIPTION
 *	rpmdb_open(root) loads PFC_PKGLIBDIR/rpmdb.so (or the file named by
 *	the environment variable PFC_PLUGIN, see SECURITY), checks that it
 *	speaks RPMDB_PLUGIN_ABI, and opens the rpm database of the system
 *	below ROOT (NULL means "/").  It returns a handle that the caller
 *	frees with rpmdb_close(), or NULL when rpm is not usable here; the
 *	caller then goes without provenance.
 *
 *	rpmdb_owner(db, path, nevra, len) and rpmdb_version(db, name, buf,
 *	len) pass the query to the plugin; see rpmdb.h and rpmdb_plugin.c
 *	for their results.  rpmdb_close(db) accepts NULL.
 * DIAGNOSTICS
 *	When rpmdb_open() returns NULL it says why with msg_info() ("rpm
 *	database of /: no rpm database"): the lack of rpm is a decision
 *	shown with -v, not an error.  Several commands of one run may each
 *	try to open the database; a reason identical to the last one given
 *	is not repeated, so the run says it once.  The query functions log
 *	nothing; they return negative errno values.
 * SECURITY
 *	The plugin runs with the program's privileges, so where it comes from
 *	matters.  The built-in path is set at build time and installed by
 *	root.  PFC_PLUGIN, which tests and the build tree use, is honoured
 *	only when the real and effective user and group IDs agree and the
 *	process is not in secure-execution mode: for a root-run program the
 *	variable can then only have been set by root, who could as well
 *	have used LD_PRELOAD, so it grants nothing new; a set-ID install
 *	would turn it into a way to run any code with raised privileges,
 *	and there it is ignored.  In both cases the file must be owned by
 *	root or by the effective user and must not be writable by group or
 *	others, so that a plugin left writable by another user is refused.
 *
 *	The plugin is loaded with RTLD_NOW | RTLD_LOCAL, so librpm's symbols
 *	never mix with the program's, and RTLD_NODELETE: librpm keeps global
 *	state (its configuration, and a log callback that points into the
 *	plugin) that must stay mapped after the last handle is closed.
 * BUGS
 *	The ownership check of the plugin file and dlopen() look at the
 *	name twice.  The directories on the way are root's.
 */

#include <sys/stat.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "rpmdb.h"

#ifndef PFC_PKGLIBDIR
#define PFC_PKGLIBDIR "/usr/lib64/postfix-chroot"
#endif

struct rpmdb {
    void *dl;                          /* dlopen() handle */
    const struct rpmdb_plugin *plugin; /* the plugin's table */
    void *handle;                      /* the plugin's open database */
};

static char rpmdb_said[1024]; /* the last reason given for no database */

static void rpmdb_say(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* rpmdb_say - explain with -v why rpm is not used, unless just said */
static void
rpmdb_say(const char *fmt, ...)
{
    char text[sizeof(rpmdb_said)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (strcmp(text, rpmdb_said) == 0)
	return;
    memcpy(rpmdb_said, text, sizeof(rpmdb_said));
    msg_info("%s", text);
}

/* rpmdb_plugin_path - the plugin file to load */
static const char *
rpmdb_plugin_path(void)
{
    const char *path;

    if (getuid() == geteuid() && getgid() == getegid() &&
	(path = secure_getenv("PFC_PLUGIN")) != NULL && *path != 0)
	return (path);
    return (PFC_PKGLIBDIR "/rpmdb.so");
}

/* rpmdb_plugin_safe - whether the plugin file may be loaded; why not */
static const char *
rpmdb_plugin_safe(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
	return (strerror(errno));
    if (!S_ISREG(st.st_mode))
	return ("not a regular file");
    if (st.st_uid != 0 && st.st_uid != geteuid())
	return ("not owned by root");
    if (st.st_mode & (S_IWGRP | S_IWOTH))
	return ("writable by group or others");
    return (NULL);
}

/* rpmdb_load - load the plugin and check its interface; NULL and why */
static const struct rpmdb_plugin *
rpmdb_load(const char *path, void **dlp, const char **why)
{
    const struct rpmdb_plugin *plugin;
    void *dl;

    if ((*why = rpmdb_plugin_safe(path)) != NULL)
	return (NULL);
    if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) == NULL) {
	*why = dlerror();
	return (NULL);
    }
    plugin = dlsym(dl, RPMDB_PLUGIN_SYMBOL);
    if (plugin == NULL) {
	*why = "no " RPMDB_PLUGIN_SYMBOL " symbol";
    } else if (plugin->abi != RPMDB_PLUGIN_ABI) {
	*why = "plugin interface version mismatch";
    } else if (!plugin->open || !plugin->owner || !plugin->version ||
	       !plugin->close) {
	*why = "incomplete plugin";
    } else {
	*dlp = dl;
	return (plugin);
    }
    dlclose(dl);
    return (NULL);
}

/* rpmdb_open - load the plugin and open the rpm database below ROOT */
struct rpmdb *
rpmdb_open(const char *root)
{
    const char *path = rpmdb_plugin_path();
    const char *why = NULL;
    struct rpmdb *db;

    if (root == NULL)
	root = "/";
    if ((db = calloc(1, sizeof(*db))) == NULL) {
	rpmdb_say("rpm database of %s: %s", root, strerror(errno));
	return (NULL);
    }
    if ((db->plugin = rpmdb_load(path, &db->dl, &why)) == NULL) {
	rpmdb_say("%s: cannot load the rpm plugin: %s", path,
		  why ? why : "unknown error");
	free(db);
	return (NULL);
    }
    if ((db->handle = db->plugin->open(root, &why)) == NULL) {
	rpmdb_say("rpm database of %s: %s", root, why ? why : "unknown error");
	dlclose(db->dl);
	free(db);
	return (NULL);
    }
    return (db);
}

/* rpmdb_owner - package owning PATH, and whether the file still matches */
int
rpmdb_owner(struct rpmdb *db, const char *path, char *nevra, size_t len)
{
    if (db == NULL || path == NULL || nevra == NULL || len == 0)
	return (-EINVAL);
    return (db->plugin->owner(db->handle, path, nevra, len));
}

/* rpmdb_version - version of the installed package NAME */
int
rpmdb_version(struct rpmdb *db, const char *name, char *buf, size_t len)
{
    if (db == NULL || name == NULL || buf == NULL || len == 0)
	return (-EINVAL);
    return (db->plugin->version(db->handle, name, buf, len));
}

/* rpmdb_close - close the database; the plugin stays mapped */
void
rpmdb_close(struct rpmdb *db)
{
    if (db == NULL)
	return;
    db->plugin->close(db->handle);
    dlclose(db->dl);
    free(db);
}
