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
 *	without following it.  label_get_at() reads the label back, for check;
 *	label_get_fd() that of an open file (NULL when it has none).
 *
 *	libselinux is loaded (dlopen) the first time one of these needs it,
 *	not at start-up: loading it and the regular expression library it
 *	pulls in costs a third of the start of a program, and the commands
 *	that run most often (an update that finds nothing changed, the
 *	trigger filter) never label.  label_enabled() tells whether SELinux
 *	is on without it: selinuxfs mounted read-write where libselinux and
 *	systemd put it, which is what libselinux itself checks first.
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

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "deps.h"
#include "diag.h"
#include "label.h"
#include "pfconf.h"
#include "util.h"

#define LABEL_LIB "libselinux.so.1"
#define LABEL_SELINUXFS_MAGIC 0xf97cff8cU

static struct selabel_handle *label_hnd;

/* The functions of libselinux in use, with the types its header gives. */
#define LABEL_FN(name) __typeof__(&name) name
static struct {
    void *handle;
    const char *error;			/* why it could not be loaded */
    LABEL_FN(is_selinux_enabled);
    LABEL_FN(selinux_set_callback);
    LABEL_FN(selinux_file_context_path);
    LABEL_FN(selabel_open);
    LABEL_FN(selabel_lookup_raw);
    LABEL_FN(selabel_close);
    LABEL_FN(fsetfilecon_raw);
    LABEL_FN(fgetfilecon_raw);
    LABEL_FN(lsetfilecon_raw);
    LABEL_FN(lgetfilecon_raw);
    LABEL_FN(freecon);
} sel;

/* label_load - load libselinux once; 0, or -1 with sel.error set */
static int
label_load(void)
{
    void *h;

    if (sel.handle)
	return (0);
    if (sel.error)
	return (-1);
    if ((h = dlopen(LABEL_LIB, RTLD_NOW | RTLD_LOCAL)) == NULL) {
	sel.error = xstrdup(dlerror());
	return (-1);
    }
#define LABEL_SYM(name) \
    if ((*(void **)&sel.name = dlsym(h, #name)) == NULL) \
	goto missing
    LABEL_SYM(is_selinux_enabled);
    LABEL_SYM(selinux_set_callback);
    LABEL_SYM(selinux_file_context_path);
    LABEL_SYM(selabel_open);
    LABEL_SYM(selabel_lookup_raw);
    LABEL_SYM(selabel_close);
    LABEL_SYM(fsetfilecon_raw);
    LABEL_SYM(fgetfilecon_raw);
    LABEL_SYM(lsetfilecon_raw);
    LABEL_SYM(lgetfilecon_raw);
    LABEL_SYM(freecon);
#undef LABEL_SYM
    sel.handle = h;
    return (0);

missing:
    sel.error = xasprintf("%s: %s", LABEL_LIB, dlerror());
    dlclose(h);
    return (-1);
}

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

/* label_note_file - record the status of host file P, followed */
static void
label_note_file(const char *p)
{
    struct stat st;

    if (stat(p, &st) < 0)
	deps_note(AT_FDCWD, p, DEPS_WHOLE | DEPS_FOLLOW, NULL, errno);
    else
	deps_note(AT_FDCWD, p, DEPS_WHOLE | DEPS_FOLLOW, &st, 0);
}

/*
 * label_note - record the files libselinux reads for file contexts BASE
 * (the text and compiled forms of the base, local and home directory
 * parts, and the substitutions), present or not, so that a run that
 * skips its work notices a policy change.
 */
static void
label_note(const char *base)
{
    static const char *const sfx[] = {"", ".bin", ".local", ".local.bin",
	".homedirs", ".homedirs.bin", ".subs", ".subs_dist"};
    size_t i;

    if (!deps_active())
	return;
    if (base == NULL || base[0] != '/') {
	deps_taint("file contexts of an unknown path");
	return;
    }
    for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
	char *p = xasprintf("%s%s", base, sfx[i]);

	label_note_file(p);
	free(p);
    }
}

/*
 * label_kernel_fs - does the running kernel know selinuxfs?  It does not
 * when SELinux was left out of it or disabled at boot; /proc/filesystems
 * says so for the price of one read, where loading libselinux to ask it
 * costs a third of a program's start.  When in doubt (no /proc), yes.
 */
static int
label_kernel_fs(void)
{
    char *buf;
    size_t len;
    int fd, ret, known;

    if ((fd = open("/proc/filesystems", O_RDONLY | O_CLOEXEC)) < 0)
	return (1);
    ret = read_fd_bounded(fd, 65536, &buf, &len);
    close(fd);
    if (ret < 0)
	return (1);
    known = memmem(buf, len, "\tselinuxfs\n", 11) != NULL;
    free(buf);
    return (known);
}

/* label_init - open the file_contexts backend, or leave labelling off */
int
label_init(const char *root, const char *file_contexts)
{
    struct selinux_opt opt = {SELABEL_OPT_PATH, NULL};
    union selinux_callback cb;
    char *path = NULL;

    /*
     * Without selinuxfs in the kernel, SELinux cannot be on, whatever
     * libselinux would say: nothing to load.
     */
    if (file_contexts == NULL && !label_enabled() && !label_kernel_fs()) {
	msg_info("SELinux is not in this kernel; files are not labelled");
	return (0);
    }
    if (label_load() < 0) {
	if (file_contexts == NULL && !label_enabled()) {
	    msg_info("SELinux is disabled; files are not labelled");
	    return (0);
	}
	msg_error("cannot load libselinux: %s", sel.error);
	return (-1);
    }

    /*
     * A run that skips its work trusts label_enabled(); where it does not
     * agree with libselinux (selinuxfs mounted somewhere else), no run may
     * be skipped.
     */
    if ((sel.is_selinux_enabled() > 0) != label_enabled())
	deps_taint("SELinux state seen differently by libselinux");
    cb.func_log = label_log;
    sel.selinux_set_callback(SELINUX_CB_LOG, cb);
    if (file_contexts) {
	path = xstrdup(file_contexts);
    } else if (sel.is_selinux_enabled() > 0) {
	if (root && strcmp(root, "/") != 0)
	    path = label_root_contexts(root);
    } else {
	msg_info("SELinux is disabled; files are not labelled");
	return (0);
    }
    if (path == NULL) {
	/* The policy type comes from the running system's config. */
	if (deps_active())
	    label_note_file("/etc/selinux/config");
	label_note(sel.selinux_file_context_path());
    } else {
	label_note(path);
    }
    opt.value = path;
    label_hnd = sel.selabel_open(SELABEL_CTX_FILE, path ? &opt : NULL,
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

/*
 * label_enabled - is SELinux on?  Without loading libselinux; asked once
 * per run, as libselinux does.
 */
int
label_enabled(void)
{
    static const char *const mnt[] = {"/sys/fs/selinux", "/selinux"};
    static int enabled = -1;
    struct statfs sf;
    size_t i;

    if (enabled >= 0)
	return (enabled);
    enabled = 0;
    for (i = 0; i < sizeof(mnt) / sizeof(mnt[0]); i++)
	if (statfs(mnt[i], &sf) == 0
	    && (unsigned)sf.f_type == LABEL_SELINUXFS_MAGIC) {
	    enabled = !(sf.f_flags & ST_RDONLY);
	    break;
	}
    return (enabled);
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
    if (sel.selabel_lookup_raw(label_hnd, ctx, path, (int)mode) < 0) {
	*ctx = NULL;
	return (errno == ENOENT ? 0 : -errno);
    }
    if (*ctx && strcmp(*ctx, "<<none>>") == 0) {
	sel.freecon(*ctx);
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
    if (label_load() < 0)
	return (-ENOSYS);
    if (sel.fsetfilecon_raw(fd, ctx) < 0)
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
    if (label_load() < 0)
	return (-ENOSYS);
    snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
    if (sel.lsetfilecon_raw(path, ctx) < 0)
	return (-errno);
    return (0);
}

/* label_get_at - read the context of NAME below DIRFD, or NULL */
int
label_get_at(int dirfd, const char *name, char **ctx)
{
    char path[64 + 4096], *con;

    *ctx = NULL;
    if (label_load() < 0)
	return (label_enabled() ? -ENOSYS : 0);
    snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
    if (sel.lgetfilecon_raw(path, &con) < 0)
	return (errno == ENODATA || errno == ENOTSUP ? 0 : -errno);
    *ctx = xstrdup(con);
    sel.freecon(con);
    return (0);
}

/* label_get_fd - read the context of open file FD, or NULL */
int
label_get_fd(int fd, char **ctx)
{
    char *con;

    *ctx = NULL;
    if (label_load() < 0)
	return (label_enabled() ? -ENOSYS : 0);
    if (sel.fgetfilecon_raw(fd, &con) < 0)
	return (errno == ENODATA || errno == ENOTSUP ? 0 : -errno);
    *ctx = xstrdup(con);
    sel.freecon(con);
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
	sel.selabel_close(label_hnd);
    label_hnd = NULL;
}
