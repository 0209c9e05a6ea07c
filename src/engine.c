/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	engine - the commands update, check, status and remove
 * SUMMARY
 *	Set-up shared by the commands, the decision whether the jail is
 *	needed at all, and the commands themselves.
 * DESCRIPTION
 *	pfc_setup() opens the root, reads main.cf and postfix-chroot.conf and
 *	finds the jail: --jail, else queue_directory below the root.
 *
 *	pfc_chroot_wanted() reads master.cf: the jail is needed when an entry
 *	is chrooted, explicitly ("y") or by default ("-" with Postfix before
 *	3.0 or compatibility_level below 1), or when --force or the force
 *	setting says so.
 *
 *	pfc_prepare() learns the loader's directories, computes the plan,
 *	opens the state directory, takes the lock when asked, loads the
 *	manifest and opens the jail.
 *
 *	cmd_update() brings the jail in line with the plan in two passes: it
 *	first decides, without writing, what each item needs (nothing, added,
 *	updated, or a refusal), then appends the paths it is about to create
 *	to the manifest, writes the files under temporary names and makes
 *	them and that block durable in one flush, only then makes the new
 *	directories and renames, removes temporary files a killed run left
 *	and what it installed earlier and no longer wants, deepest first,
 *	and makes the directories durable together with the new manifest,
 *	which it then renames into place.  An item
 *	is unchanged when type, owner, mode, size, modification time and
 *	label match; the copy keeps the source's modification time, so a
 *	second run reads no file contents.
 *
 *	cmd_check() compares everything, contents byte by byte, and prints
 *	one line per difference.  cmd_status() lists the plan with sources,
 *	reasons and state.  cmd_remove() deletes the manifest's entries.
 *
 *	cmd_trigger_filter() reads an rpm trigger's path list and says
 *	whether any path matters: a library or etc file the jail holds or
 *	could hold.
 * DIAGNOSTICS
 *	Commands return an exit status; problems are logged once, object
 *	first.
 * SECURITY
 *	See jail.c: nothing in the jail is followed, opened for writing or
 *	removed unless it is root-owned and of the expected type, and only
 *	manifest entries are removed.  Nothing is run from the root.
 */

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "engine.h"
#include "label.h"
#include "mastercf.h"
#include "rpmdb.h"
#include "root.h"

/* pfc_abs - PATH made absolute against the working directory */
static const char *
pfc_abs(struct pfc *p, const char *path)
{
    char cwd[4096];

    if (path == NULL || path[0] == '/')
	return (path);
    if (getcwd(cwd, sizeof(cwd)) == NULL)
	msg_fatal(PFC_EXIT_FAIL, "getcwd: %s", strerror(errno));
    strlist_add(&p->abs_paths, path);
    free(p->abs_paths.v[p->abs_paths.n - 1]);
    p->abs_paths.v[p->abs_paths.n - 1] = path_join(cwd, path);
    return (p->abs_paths.v[p->abs_paths.n - 1]);
}

/* pfc_setup - read the configuration and find the jail */
int
pfc_setup(struct pfc *p, const struct pfc_opts *opt)
{
    char err[256], *path, *qd;
    int ret;

    memset(p, 0, sizeof(*p));
    p->opt = *opt;
    p->opt.config_dir = pfc_abs(p, opt->config_dir);
    p->opt.jail = pfc_abs(p, opt->jail);
    p->opt.conf = pfc_abs(p, opt->conf);
    p->opt.state_dir = pfc_abs(p, opt->state_dir);
    p->opt.file_contexts = pfc_abs(p, opt->file_contexts);
    opt = &p->opt;
    p->state_fd = p->lock_fd = -1;
    p->jail.fd = -1;
    if (p->opt.root == NULL)
	p->opt.root = "/";
    p->rootfd = open(p->opt.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->rootfd < 0) {
	msg_error("%s: %s", p->opt.root, strerror(errno));
	return (-1);
    }
    deps_set_fd(DEPS_ROOT, p->rootfd);
    deps_note_fd(AT_FDCWD, p->opt.root, p->rootfd);
    p->config_dir = opt->config_dir ? xstrdup(opt->config_dir)
	: path_join(p->opt.root, "/etc/postfix");

    /* main.cf: a missing file means Postfix's defaults. */
    path = path_join(p->config_dir, "main.cf");
    ret = pfconf_load(path, &p->main_cf, err, sizeof(err));
    if (ret == -ENOENT) {
	msg_info("%s: not found; using Postfix's defaults", path);
    } else if (ret < 0) {
	msg_error("%s: %s", path, err);
	free(path);
	return (-1);
    }
    free(path);

    /* The tool's own configuration is optional. */
    path = opt->conf ? xstrdup(opt->conf)
	: path_join(p->opt.root, PFC_SYSCONFDIR "/postfix-chroot.conf");
    ret = pfconf_load(path, &p->tool_cf, err, sizeof(err));
    if (ret < 0 && (ret != -ENOENT || opt->conf)) {
	msg_error("%s: %s", path, err);
	free(path);
	return (-1);
    }
    free(path);

    qd = pfconf_expand(&p->main_cf, "queue_directory", "/var/spool/postfix");
    if (qd[0] != '/') {
	msg_error("queue_directory: %s: not an absolute path", qd);
	free(qd);
	return (-1);
    }
    if (opt->jail) {
	p->jail_path = xstrdup(opt->jail);
	p->jail_label_path = xstrdup(opt->jail);
    } else {
	p->jail_path = path_join(p->opt.root, qd);
	p->jail_label_path = xstrdup(qd);
    }
    free(qd);
    if (opt->state_dir) {
	p->state_dir = xstrdup(opt->state_dir);
    } else {
	char *sd = pfconf_expand(&p->tool_cf, "state_directory",
				 PFC_STATEDIR);

	p->state_dir = path_join(p->opt.root, sd);
	free(sd);
    }
    return (0);
}

/* pfc_major_from_text - leading number of a version string, or -1 */
static int
pfc_major_from_text(const char *v)
{
    const char *colon = strchr(v, ':');

    if (colon)
	v = colon + 1;
    return ((*v >= '0' && *v <= '9') ? atoi(v) : -1);
}

/* pfc_postconf_version - ask the running system's postconf */
static int
pfc_postconf_version(struct pfc *p)
{
    char a0[] = "postconf", a1[] = "-c", a3[] = "-h", a4[] = "mail_version";
    char e0[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char *argv[] = {a0, a1, p->config_dir, a3, a4, NULL};
    char *envp[] = {e0, NULL};
    posix_spawn_file_actions_t fa;
    char buf[64] = "";
    int pipefd[2], status, major = -1;
    ssize_t n;
    pid_t pid;

    if (access("/usr/sbin/postconf", X_OK) < 0 || pipe2(pipefd, O_CLOEXEC))
	return (-1);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, "/usr/sbin/postconf", &fa, NULL, argv, envp)) {
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[0]);
	close(pipefd[1]);
	return (-1);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    n = read(pipefd[0], buf, sizeof(buf) - 1);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
	;
    if (n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
	buf[n] = 0;
	major = pfc_major_from_text(buf);
    }
    return (major);
}

static int pfc_find_major(struct pfc *, const char **);

/* pfc_dpkg_version - Postfix version from the root's dpkg status file */
static int
pfc_dpkg_version(struct pfc *p)
{
    char *buf, *pkg;
    size_t len;
    int major = -1;

    if (read_file_at(p->rootfd, "var/lib/dpkg/status", 64UL << 20, &buf,
		     &len) < 0)
	return (-1);
    for (pkg = buf; (pkg = strstr(pkg, "Package: postfix\n")) != NULL;
	 pkg++) {
	char *end = strstr(pkg, "\n\n"), *ver = strstr(pkg, "\nVersion: ");

	if (pkg != buf && pkg[-1] != '\n')
	    continue;
	if (ver && (end == NULL || ver < end))
	    major = pfc_major_from_text(ver + 10);
	break;
    }
    free(buf);
    return (major);
}

/* pfc_postfix_major - major version of the installed Postfix (cached) */
int
pfc_postfix_major(struct pfc *p, const char **how)
{
    if (p->pf_how == NULL)
	p->pf_major = pfc_find_major(p, &p->pf_how);
    *how = p->pf_how;
    return (p->pf_major);
}

/* pfc_find_major - ask postconf, rpm, dpkg, or assume 3 */
static int
pfc_find_major(struct pfc *p, const char **how)
{
    struct rpmdb *db;
    char ver[64];
    int major = -1;

    if (strcmp(p->opt.root, "/") == 0
	&& (major = pfc_postconf_version(p)) >= 0) {
	*how = "postconf mail_version";
	if (deps_active()) {
	    struct stat st;

	    /* An upgrade replaces postconf along with the version. */
	    if (stat("/usr/sbin/postconf", &st) < 0)
		deps_taint("postconf vanished");
	    else
		deps_note(AT_FDCWD, "/usr/sbin/postconf",
			  DEPS_WHOLE | DEPS_FOLLOW, &st, 0);
	}
	return (major);
    }
    deps_taint("the Postfix version from a package database");
    if ((db = rpmdb_open(p->opt.root)) != NULL) {
	if (rpmdb_version(db, "postfix", ver, sizeof(ver)) == 0)
	    major = pfc_major_from_text(ver);
	rpmdb_close(db);
	if (major >= 0) {
	    *how = "rpm database";
	    return (major);
	}
    }
    if ((major = pfc_dpkg_version(p)) >= 0) {
	*how = "dpkg database";
	return (major);
    }
    *how = "assumed: no postconf or package database";
    return (3);
}

/* pfc_chroot_wanted - 1 if some service runs chrooted, 0 if none, -1 */
int
pfc_chroot_wanted(struct pfc *p)
{
    struct mastercf mc;
    char err[256], *path, *buf, *compat;
    const char *how = NULL;
    size_t len, i;
    int ret, major = -1, wanted = 0;

    if (p->opt.force || pfconf_bool(&p->tool_cf, "force", 0)) {
	msg_info("jail maintained whatever master.cf says (force)");
	return (1);
    }
    path = path_join(p->config_dir, "master.cf");
    ret = read_file_at(AT_FDCWD, path, MASTERCF_MAX_SIZE, &buf, &len);
    if (ret < 0) {
	if (ret == -ENOENT) {
	    msg_info("%s: not found; no service is chrooted", path);
	    free(path);
	    return (0);
	}
	msg_error("%s: %s", path, strerror(-ret));
	free(path);
	return (-1);
    }
    ret = mastercf_parse(buf, len, &mc, err, sizeof(err));
    free(buf);
    if (ret < 0) {
	msg_error("%s: %s", path, err);
	free(path);
	return (-1);
    }
    compat = pfconf_expand(&p->main_cf, "compatibility_level", NULL);
    for (i = 0; i < mc.n && !wanted; i++) {
	const struct mastercf_entry *e = &mc.ent[i];

	/* The version matters only when it changes what '-' means. */
	if (e->chroot == '-' && major < 0
	    && mastercf_chroot_default(2, compat)
	    != mastercf_chroot_default(3, compat)) {
	    major = pfc_postfix_major(p, &how);
	    msg_info("Postfix %d (%s)", major, how);
	}
	ret = mastercf_effective(e, major < 0 ? 3 : major, compat);
	if (ret < 0) {
	    msg_error("main.cf: compatibility_level = %s: not a valid level",
		      compat);
	    wanted = -1;
	    break;
	}
	if (ret == 'y') {
	    msg_info("%s: %s/%s is chrooted (%s)", path, e->service, e->type,
		     e->chroot == 'y' ? "explicit" : "default");
	    wanted = 1;
	}
    }
    if (!wanted)
	msg_info("%s: no service is chrooted; the jail is not maintained",
		 path);
    free(compat);
    free(path);
    mastercf_free(&mc);
    return (wanted);
}

/*
 * pfc_lock - open the state directory and, with LOCK, take the jail's
 * lock (once per run: later calls give the first answer).
 */
int
pfc_lock(struct pfc *p, int lock)
{
    char why[512];
    char *lockname;
    int ret;

    if (p->locked)
	return (p->locked - 1);
    p->locked = 1 + PFC_EXIT_FAIL;
    ret = state_open(p->state_dir, lock && !p->opt.dry_run, &p->state_fd,
		     why, sizeof(why));
    if (why[0]) {
	msg_error("%s: state directory refused: %s", p->state_dir, why);
	return (PFC_EXIT_FAIL);
    }
    if (ret < 0 && !(ret == -ENOENT && (!lock || p->opt.dry_run))) {
	msg_error("%s: %s", p->state_dir, strerror(-ret));
	return (PFC_EXIT_FAIL);
    }
    deps_set_fd(DEPS_STATE, p->state_fd);
    if (p->manifest_file == NULL)
	p->manifest_file = manifest_name(p->jail_path, ".manifest");
    if (p->state_fd >= 0 && lock && !p->opt.dry_run) {
	lockname = manifest_name(p->jail_path, ".lock");
	p->lock_fd = manifest_lock(p->state_fd, lockname,
				   p->opt.trigger ? 600 : 0);
	free(lockname);
	if (p->lock_fd == -EWOULDBLOCK) {
	    msg_error("%s: another postfix-chroot run holds the lock",
		      p->jail_path);
	    p->locked = 1 + PFC_EXIT_TEMPFAIL;
	    return (PFC_EXIT_TEMPFAIL);
	}
	if (p->lock_fd < 0) {
	    lockname = manifest_name(p->jail_path, ".lock");
	    msg_error("%s/%s: cannot lock: %s", p->state_dir, lockname,
		      p->lock_fd == -EPERM ? "not a root-owned regular file"
		      : strerror(-p->lock_fd));
	    free(lockname);
	    return (PFC_EXIT_FAIL);
	}
    }
    p->locked = 1 + PFC_EXIT_OK;
    return (PFC_EXIT_OK);
}

/* pfc_open_jail - open and check the jail directory, once */
int
pfc_open_jail(struct pfc *p)
{
    int ret;

    if (p->jail.fd >= 0)
	return (PFC_EXIT_OK);
    ret = jail_open(&p->jail, p->jail_path, p->jail_label_path);
    if (ret < 0) {
	msg_error("%s: %s", p->jail_path, ret == -EPERM ? p->jail.why
		  : strerror(-ret));
	return (PFC_EXIT_FAIL);
    }
    p->jail.dry_run = p->opt.dry_run;
    deps_set_fd(DEPS_JAIL, p->jail.fd);
    return (PFC_EXIT_OK);
}

/* pfc_prepare - plan, state, lock, manifest and jail */
int
pfc_prepare(struct pfc *p, int lock, int need_jail)
{
    struct plan_input in;
    char err[256];
    int ret;

    if ((ret = libpath_init(&p->lp, p->rootfd, err, sizeof(err))) < 0) {
	msg_error("%s: cannot find the system's libraries: %s", p->opt.root,
		  err);
	return (PFC_EXIT_FAIL);
    }
    p->have_lp = 1;
    msg_info("library layout: %s (%s)", p->lp.layout, p->lp.libc);
    if (label_init(p->opt.root, p->opt.file_contexts) < 0)
	return (PFC_EXIT_FAIL);
    in.rootfd = p->rootfd;
    in.main_cf = &p->main_cf;
    in.tool_cf = &p->tool_cf;
    in.lp = &p->lp;
    plan_build(&in, &p->plan);
    p->have_plan = 1;

    /* State directory, lock and manifest. */
    if ((ret = pfc_lock(p, lock)) != PFC_EXIT_OK)
	return (ret);
    if (p->state_fd >= 0
	&& (ret = manifest_load(p->state_fd, p->manifest_file, &p->man)) < 0) {
	msg_error("%s/%s: %s; refusing to guess what was installed",
		  p->state_dir, p->manifest_file, ret == -EINVAL
		  ? "damaged manifest" : ret == -EPERM
		  ? "not a root-owned regular file with one link that only "
		  "root can write" : strerror(-ret));
	return (PFC_EXIT_FAIL);
    }
    if (!need_jail)
	return (PFC_EXIT_OK);
    return (pfc_open_jail(p));
}

/* pfc_free - release everything */
void
pfc_free(struct pfc *p)
{
    if (p->have_plan)
	plan_free(&p->plan);
    if (p->have_lp)
	libpath_free(&p->lp);
    manifest_free(&p->man);
    if (p->jail.fd >= 0)
	jail_close(&p->jail);
    if (p->lock_fd >= 0)
	close(p->lock_fd);
    if (p->state_fd >= 0)
	close(p->state_fd);
    if (p->rootfd >= 0)
	close(p->rootfd);
    pfconf_free(&p->main_cf);
    pfconf_free(&p->tool_cf);
    free(p->config_dir);
    free(p->jail_path);
    free(p->jail_label_path);
    free(p->state_dir);
    free(p->manifest_file);
    strlist_free(&p->abs_paths);
    label_fini();
}
