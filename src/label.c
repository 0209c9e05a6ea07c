/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	label - SELinux contexts for what the tool creates in the jail
 * SUMMARY
 *	Look up the context the policy gives a jail path and set it on the
 *	new file before it takes its final name.
 * DESCRIPTION
 *	label_init() opens the file_contexts backend: the file FILE_CONTEXTS
 *	when given (tests, installs below --root), else, when SELinux is
 *	enabled, the policy of the system below ROOT (its
 *	etc/selinux/config names the policy type; "/" uses the running
 *	policy).  Without either, labelling is off and every other function
 *	does nothing and returns 0.
 *
 *	label_lookup() returns in *CTX the context for PATH, the final path as
 *	the system sees it (/var/spool/postfix/etc/hosts), or NULL when the
 *	policy gives none.  Free it with label_free_ctx().
 *
 *	label_set_fd() labels an open file or directory; label_set_at() a
 *	symbolic link (or anything) by name below a directory descriptor,
 *	without following it.  label_get_at() reads the label back, for check.
 * DIAGNOSTICS
 *	0 or a negative errno.  libselinux's own messages are routed to the
 *	diagnostics module at -v.
 * SECURITY
 *	Contexts come from the policy only, never from the source file: the
 *	host's /etc/hosts is net_conf_t, its jail copy must be etc_t.
 *	SELABEL_OPT_VALIDATE is never used: without a loaded policy it would
 *	reject every context.  label_set_at() names the entry through
 *	/proc/self/fd/DIRFD, so the directory cannot be swapped under it; the
 *	callers only use it in directories that they verified are root-owned
 *	and not writable by others.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "diag.h"
#include "label.h"
#include "pfconf.h"
#include "util.h"

static struct selabel_handle *label_hnd;

/* label_log - route libselinux messages through our diagnostics */
static int
label_log(int type, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    (void)type;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    buf[strcspn(buf, "\n")] = 0;
    msg_info("libselinux: %s", buf);
    return (0);
}

/* label_root_contexts - file_contexts of the policy below ROOT */
static char *
label_root_contexts(const char *root)
{
    struct pfconf cf;
    char err[256], *cfg, *type, *path;

    cfg = path_join(root, "/etc/selinux/config");
    if (pfconf_load(cfg, &cf, err, sizeof(err)) < 0) {
	free(cfg);
	return (NULL);
    }
    free(cfg);
    type = pfconf_expand(&cf, "SELINUXTYPE", "targeted");
    pfconf_free(&cf);
    if (strchr(type, '/') != NULL || type[0] == '.') {
	free(type);
	return (NULL);
    }
    path = xasprintf("%s/etc/selinux/%s/contexts/files/file_contexts",
		     strcmp(root, "/") ? root : "", type);
    free(type);
    return (path);
}

/* label_init - open the file_contexts backend, or leave labelling off */
int
label_init(const char *root, const char *file_contexts)
{
    struct selinux_opt opt = {SELABEL_OPT_PATH, NULL};
    union selinux_callback cb;
    char *path = NULL;

    cb.func_log = label_log;
    selinux_set_callback(SELINUX_CB_LOG, cb);
    if (file_contexts) {
	path = xstrdup(file_contexts);
    } else if (is_selinux_enabled() > 0) {
	if (root && strcmp(root, "/") != 0)
	    path = label_root_contexts(root);
    } else {
	msg_info("SELinux is disabled; files are not labelled");
	return (0);
    }
    opt.value = path;
    label_hnd = selabel_open(SELABEL_CTX_FILE, path ? &opt : NULL,
			     path ? 1 : 0);
    if (label_hnd == NULL) {
	int err = errno ? errno : EINVAL;

	msg_warn("%s: cannot open file contexts: %s",
		 path ? path : "SELinux policy", strerror(err));
	free(path);
	return (-err);
    }
    msg_info("labelling with %s", path ? path : "the loaded policy");
    free(path);
    return (0);
}

/* label_active - is labelling on? */
int
label_active(void)
{
    return (label_hnd != NULL);
}

/* label_lookup - context for PATH, or NULL when none */
int
label_lookup(const char *path, mode_t mode, char **ctx)
{
    *ctx = NULL;
    if (label_hnd == NULL)
	return (0);
    if (selabel_lookup_raw(label_hnd, ctx, path, (int)mode) < 0) {
	*ctx = NULL;
	return (errno == ENOENT ? 0 : -errno);
    }
    if (*ctx && strcmp(*ctx, "<<none>>") == 0) {
	freecon(*ctx);
	*ctx = NULL;
    }
    return (0);
}

/* label_set_fd - set CTX on an open file */
int
label_set_fd(int fd, const char *ctx)
{
    if (ctx == NULL)
	return (0);
    if (fsetfilecon_raw(fd, ctx) < 0)
	return (-errno);
    return (0);
}

/* label_set_at - set CTX on NAME below DIRFD without following it */
int
label_set_at(int dirfd, const char *name, const char *ctx)
{
    char path[64 + 4096];

    if (ctx == NULL)
	return (0);
    snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
    if (lsetfilecon_raw(path, ctx) < 0)
	return (-errno);
    return (0);
}

/* label_get_at - read the context of NAME below DIRFD, or NULL */
int
label_get_at(int dirfd, const char *name, char **ctx)
{
    char path[64 + 4096], *con;

    *ctx = NULL;
    snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
    if (lgetfilecon_raw(path, &con) < 0)
	return (errno == ENODATA || errno == ENOTSUP ? 0 : -errno);
    *ctx = xstrdup(con);
    freecon(con);
    return (0);
}

/* label_free_ctx - release a context from label_lookup/label_get_at */
void
label_free_ctx(char *ctx)
{
    free(ctx);
}

/* label_fini - close the backend */
void
label_fini(void)
{
    if (label_hnd)
	selabel_close(label_hnd);
    label_hnd = NULL;
}
