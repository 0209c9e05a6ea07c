/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	enable - the commands enable and disable, and the service view of
 *	status
 * SUMMARY
 *	Set master.cf's chroot column through the mcedit module and report
 *	each entry's effective chroot state.
 * DESCRIPTION
 *	cmd_enable() sets an explicit "y" (enable) or takes it back
 *	(disable) for every entry that may run chrooted, or for the entries
 *	named "service/type".  Only the bytes of the fifth field change; the
 *	file is replaced atomically under Postfix's own lock, with one backup
 *	next to it.  enable records what each field held before, in the state
 *	directory, so that disable restores it exactly ("-" stays "-");
 *	without a record disable writes "n".  enable then runs update, so the
 *	jail is ready before Postfix picks up the change; Postfix is never
 *	reloaded by the tool.  With --dry-run a unified diff is printed and
 *	nothing changes.
 *
 *	status_services() prints one row per master.cf entry: name, command,
 *	effective chroot state, whether it is explicit or which default
 *	applied, and whether the entry may be chrooted at all.
 *
 *	The never-chroot list is mcedit's default (local, virtual, pipe,
 *	spawn, proxymap, proxywrite, postlog) plus the never_chroot setting
 *	of postfix-chroot.conf.
 * DIAGNOSTICS
 *	Errors name master.cf and, for a malformed file, the line.  Nothing
 *	is written when an error is found.
 * SECURITY
 *	master.cf belongs to root and is read without following a link in
 *	its last component.  The record of changed fields lives in the state
 *	directory, out of the postfix user's reach.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "engine.h"
#include "mastercf.h"
#include "mcedit.h"

/* never_list - the default never-chroot list plus never_chroot */
static char **
never_list(struct pfc *p, char **extra)
{
    const char *const *d;
    char *tok, *save = NULL, **v;
    size_t n = 0;

    *extra = pfconf_expand(&p->tool_cf, "never_chroot", "");
    for (d = mcedit_never_default; *d; d++)
	n++;
    v = xcalloc(n + strlen(*extra) / 2 + 2, sizeof(*v));
    for (n = 0, d = mcedit_never_default; *d; d++)
	v[n++] = (char *)*d;
    for (tok = strtok_r(*extra, " \t,", &save); tok;
	 tok = strtok_r(NULL, " \t,", &save))
	v[n++] = tok;
    v[n] = NULL;
    return (v);
}

/* dash_default - what '-' means here: 'y' or 'n'; negative on error */
static int
dash_default(struct pfc *p, int *major, const char **how)
{
    char *compat = pfconf_expand(&p->main_cf, "compatibility_level", NULL);
    int d;

    *major = -1;
    *how = NULL;
    if (mastercf_chroot_default(2, compat)
	!= mastercf_chroot_default(3, compat))
	*major = pfc_postfix_major(p, how);
    d = mastercf_chroot_default(*major < 0 ? 3 : *major, compat);
    if (d < 0)
	msg_error("main.cf: compatibility_level = %s: not a valid level",
		  compat ? compat : "");
    free(compat);
    return (d);
}

/* cmd_enable - set (ENABLE) or take back the chroot column */
int
cmd_enable(struct pfc *p, int enable, char **names, int nnames)
{
    struct mcedit_opts o = {0};
    struct mcedit_req req = {0};
    struct mcedit_outcome out = {0};
    char err[512], why[512], *extra, **never, *record;
    const char *how;
    int conf_fd, state_fd = -1, major, d, ret, status = PFC_EXIT_OK;
    size_t i;

    if ((d = dash_default(p, &major, &how)) < 0)
	return (PFC_EXIT_FAIL);
    conf_fd = open(p->config_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (conf_fd < 0) {
	msg_error("%s: %s", p->config_dir, strerror(errno));
	return (PFC_EXIT_FAIL);
    }
    ret = state_open(p->state_dir, !p->opt.dry_run, &state_fd, why,
		     sizeof(why));
    if (ret < 0 && !(ret == -ENOENT && p->opt.dry_run)) {
	if (why[0])
	    msg_error("%s: state directory refused: %s", p->state_dir, why);
	else
	    msg_error("%s: %s", p->state_dir, strerror(-ret));
	close(conf_fd);
	return (PFC_EXIT_FAIL);
    }
    never = never_list(p, &extra);
    record = manifest_name(p->config_dir, ".master.cf.record");
    req.mode = enable ? MCEDIT_ENABLE : MCEDIT_DISABLE;
    req.names = (const char *const *)names;
    req.nnames = (size_t)nnames;
    req.never = (const char *const *)never;
    req.dash_default = d;
    o.conf_fd = conf_fd;
    o.state_fd = state_fd;
    o.record = record;
    o.dry_run = p->opt.dry_run;

    /* Compute, lock, write: all or nothing. */
    if ((ret = mcedit_apply(&o, &req, &out, err, sizeof(err))) < 0) {
	/* File errors come with the file's name, edit errors without. */
	if (strncmp(err, "master.cf:", 10) == 0)
	    msg_error("%s/%s", p->config_dir, err);
	else
	    msg_error("%s/master.cf: %s", p->config_dir, err);
	status = ret == -EAGAIN ? PFC_EXIT_TEMPFAIL : PFC_EXIT_FAIL;
    } else if (p->opt.dry_run) {
	fwrite(out.diff, 1, out.difflen, stdout);
	fflush(stdout);
    } else {
	for (i = 0; i < out.n; i++)
	    msg_change("%s: chroot %c -> %c", out.chg[i].name,
		       out.chg[i].was, out.chg[i].now);
	/* mcedit's warnings name the record file already. */
	if (out.warning[0])
	    msg_warn("%s/%s", p->state_dir, out.warning);
	if (out.written)
	    msg_change("%s/master.cf: updated (previous version in "
		       "master.cf%s); run \"postfix reload\" for the change "
		       "to take effect", p->config_dir, MCEDIT_BACKUP_SUFFIX);
	else
	    msg_info("%s/master.cf: already as asked; not rewritten",
		     p->config_dir);
    }
    mcedit_outcome_free(&out);
    free(record);
    free(never);
    free(extra);
    if (state_fd >= 0)
	close(state_fd);
    close(conf_fd);

    /* enable makes the jail ready before Postfix restarts. */
    if (status == PFC_EXIT_OK && enable && !p->opt.dry_run)
	status = cmd_update(p);
    return (status);
}

/* status_services - one row per master.cf entry */
int
status_services(struct pfc *p)
{
    struct mastercf mc;
    char err[512], name[512], *extra, **never, *compat;
    const char *how;
    int conf_fd, major, d, ret;
    size_t i;

    if ((d = dash_default(p, &major, &how)) < 0)
	return (-1);
    conf_fd = open(p->config_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (conf_fd < 0) {
	msg_error("%s: %s", p->config_dir, strerror(errno));
	return (-1);
    }
    ret = mastercf_read(conf_fd, "master.cf", &mc, err, sizeof(err));
    close(conf_fd);
    if (ret < 0) {
	msg_error("%s/master.cf: %s", p->config_dir, err);
	return (-1);
    }
    compat = pfconf_expand(&p->main_cf, "compatibility_level", NULL);
    printf("master.cf: %s/master.cf; '-' means %c (compatibility_level %s",
	   p->config_dir, d, compat ? compat : "unset");
    if (major >= 0)
	printf("; Postfix %d, %s%s)\n", major,
	       strncmp(how, "assumed", 7) == 0 ? "" : "from ", how);
    else
	printf("; the Postfix version does not matter)\n");
    printf("%-28s %-15s %-7s %-9s %s\n", "service/type", "command",
	   "chroot", "from", "may chroot");
    never = never_list(p, &extra);
    for (i = 0; i < mc.n; i++) {
	const struct mastercf_entry *e = &mc.ent[i];

	if (mastercf_entry_name(e, name, sizeof(name)) < 0)
	    snprintf(name, sizeof(name), "%.200s/...", e->service);
	printf("%-28s %-15s %-7c %-9s %s\n", name, e->command,
	       e->chroot == '-' ? d : e->chroot,
	       e->chroot == '-' ? "default" : "explicit",
	       mcedit_is_never(e, (const char *const *)never) ? "no" : "yes");
    }
    free(never);
    free(extra);
    free(compat);
    mastercf_free(&mc);
    return (0);
}
