/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	postfix-chroot - keep a Postfix chroot jail supplied, safely
 * SUMMARY
 *	postfix-chroot [options] update|check|status|remove|enable|disable
 * DESCRIPTION
 *	The entry point: options, the trigger-mode path filter, and the
 *	dispatch to the command functions.  See postfix-chroot(8).
 * DIAGNOSTICS
 *	Exit 0 done or clean, 1 failure or drift, 64 usage, 75 lock held.
 *	With --trigger the status is always 0 and messages also go to
 *	syslog: rpm cannot roll back a failed scriptlet, and its warning
 *	would only alarm whoever runs the transaction.
 * SECURITY
 *	The program runs as root.  It sets umask 022, makes sure descriptors
 *	0-2 are open so that no file it opens can become stdout, and runs
 *	nothing from the jail or the root (postconf, for the Postfix version,
 *	only on the running system, by absolute path with a fixed PATH).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "diag.h"
#include "engine.h"
#include "trigger.h"

/* usage - print the synopsis; exit STATUS */
static void
usage(FILE *fp, int status)
{
    fputs("usage: postfix-chroot [options] COMMAND\n"
	  "commands:\n"
	  "  update    bring the jail in line with the system\n"
	  "  check     report every difference, change nothing\n"
	  "  status    what the jail must hold, from where, and its state\n"
	  "  remove    delete what postfix-chroot installed in the jail\n"
	  "  enable [SERVICE/TYPE ...]   chroot master.cf services, update\n"
	  "  disable [SERVICE/TYPE ...]  undo enable for those services\n"
	  "options:\n"
	  "  -r, --root DIR         operate on the system installed below DIR\n"
	  "  -c, --config-dir DIR   Postfix configuration directory\n"
	  "  -j, --jail DIR         jail directory (default: queue_directory)\n"
	  "  -n, --dry-run          print the plan, change nothing\n"
	  "  -q, --quiet            errors only\n"
	  "  -v, --verbose          explain each decision (repeatable)\n"
	  "      --trigger          rpm scriptlet mode: paths on stdin, "
	  "exit 0\n"
	  "      --force            maintain the jail even if nothing is "
	  "chrooted\n"
	  "      --conf FILE        tool configuration file\n"
	  "      --state-dir DIR    where the manifest, lock and stamp live\n"
	  "      --file-contexts F  label with this file_contexts file\n"
	  "  -h, --help             this text\n"
	  "  -V, --version          version\n",
	  fp);
    exit(diag_exit_status(status));
}

/* sane_fds - make sure descriptors 0, 1 and 2 are open */
static void
sane_fds(void)
{
    int fd;

    while ((fd = open("/dev/null", O_RDWR | O_NOCTTY)) >= 0 && fd <= 2)
	;
    if (fd > 2)
	close(fd);
}

/* stdin_has_paths - may stdin carry a trigger's path list? */
static int
stdin_has_paths(void)
{
    struct stat st;

    if (fstat(0, &st) < 0 || isatty(0))
	return (0);
    return (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode)
	    || S_ISSOCK(st.st_mode));
}

/* cmd_trigger_filter - 1 when the path list on FD matters (or is empty) */
int
cmd_trigger_filter(struct pfc *p, int fd)
{
    struct trigger_set ts;
    struct manifest m = {0};
    const char *hit;
    char *name, *extra, *tok, *save = NULL, why[512];
    size_t lines;
    int sfd, ret;

    if (state_open(p->state_dir, 0, &sfd, why, sizeof(why)) == 0) {
	name = manifest_name(p->jail_path, ".manifest");
	manifest_load(sfd, name, &m);
	free(name);
	close(sfd);
    }
    trigger_set_init(&ts, &m);
    manifest_free(&m);
    extra = pfconf_expand(&p->tool_cf, "extra_files", "");
    for (tok = strtok_r(extra, " \t,", &save); tok;
	 tok = strtok_r(NULL, " \t,", &save))
	trigger_set_add_path(&ts, tok);
    free(extra);
    ret = trigger_scan(&ts, fd, &lines, &hit);
    trigger_set_free(&ts);
    if (ret < 0) {
	msg_warn("trigger path list: %s; updating anyway", strerror(-ret));
	return (1);
    }
    if (lines == 0) {
	msg_info("no trigger paths: full update");
	return (1);
    }
    if (ret == 0) {
	msg_info("none of %zu trigger paths concerns the jail", lines);
	return (0);
    }
    msg_info("%s concerns the jail", hit);
    return (1);
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
	{"root", required_argument, NULL, 'r'},
	{"config-dir", required_argument, NULL, 'c'},
	{"jail", required_argument, NULL, 'j'},
	{"dry-run", no_argument, NULL, 'n'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"trigger", no_argument, NULL, 'T'},
	{"force", no_argument, NULL, 'F'},
	{"conf", required_argument, NULL, 'C'},
	{"state-dir", required_argument, NULL, 'S'},
	{"file-contexts", required_argument, NULL, 'L'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
    };
    struct pfc_opts opt = {0};
    struct pfc p;
    const char *cmd;
    int c, level = DIAG_NORMAL, status;

    umask(022);
    sane_fds();
    diag_init("postfix-chroot");
    while ((c = getopt_long(argc, argv, "r:c:j:nqvhV", longopts, NULL))
	   != -1) {
	switch (c) {
	case 'r':
	    opt.root = optarg;
	    break;
	case 'c':
	    opt.config_dir = optarg;
	    break;
	case 'j':
	    opt.jail = optarg;
	    break;
	case 'n':
	    opt.dry_run = 1;
	    break;
	case 'q':
	    level = DIAG_QUIET;
	    break;
	case 'v':
	    level = level < DIAG_NORMAL ? DIAG_VERBOSE : level + 1;
	    break;
	case 'T':
	    opt.trigger = 1;
	    diag_set_trigger(1);
	    break;
	case 'F':
	    opt.force = 1;
	    break;
	case 'C':
	    opt.conf = optarg;
	    break;
	case 'S':
	    opt.state_dir = optarg;
	    break;
	case 'L':
	    opt.file_contexts = optarg;
	    break;
	case 'h':
	    usage(stdout, PFC_EXIT_OK);
	    break;
	case 'V':
	    printf("postfix-chroot %s\n", PFC_VERSION);
	    return (PFC_EXIT_OK);
	default:
	    usage(stderr, PFC_EXIT_USAGE);
	}
    }
    diag_set_level(level);
    if (optind >= argc)
	usage(stderr, PFC_EXIT_USAGE);
    cmd = argv[optind++];
    if (strcmp(cmd, "update") && strcmp(cmd, "check")
	&& strcmp(cmd, "status") && strcmp(cmd, "remove")
	&& strcmp(cmd, "enable") && strcmp(cmd, "disable")) {
	msg_error("unknown command: %s", cmd);
	usage(stderr, PFC_EXIT_USAGE);
    }
    if (optind < argc && strcmp(cmd, "enable") && strcmp(cmd, "disable")) {
	msg_error("%s: takes no arguments", cmd);
	usage(stderr, PFC_EXIT_USAGE);
    }
    if (opt.root && opt.root[0] != '/') {
	msg_error("--root %s: not an absolute path", opt.root);
	usage(stderr, PFC_EXIT_USAGE);
    }

    /*
     * An update records what it reads, so that the next one can see at a
     * glance that nothing changed; -n and -v want the whole work shown.
     */
    if (!strcmp(cmd, "update") && !opt.dry_run && level <= DIAG_NORMAL)
	deps_start();
    if (pfc_setup(&p, &opt) < 0) {
	pfc_free(&p);
	deps_stop();
	return (diag_exit_status(PFC_EXIT_FAIL));
    }

    /*
     * Trigger mode: leave at once when no path of the list matters.  What
     * the list makes it say belongs to this run, not to a later one that
     * repeats the warnings of the work it skips.
     */
    if (opt.trigger && !strcmp(cmd, "update")) {
	int skip;

	deps_hold_warnings(1);
	skip = stdin_has_paths() && !cmd_trigger_filter(&p, 0);
	deps_hold_warnings(0);
	if (skip) {
	    pfc_free(&p);
	    deps_stop();
	    return (PFC_EXIT_OK);
	}
    }
    if (!strcmp(cmd, "update"))
	status = cmd_update(&p);
    else if (!strcmp(cmd, "check"))
	status = cmd_check(&p);
    else if (!strcmp(cmd, "status"))
	status = cmd_status(&p);
    else if (!strcmp(cmd, "remove"))
	status = cmd_remove(&p);
    else
	status = cmd_enable(&p, !strcmp(cmd, "enable"), argv + optind,
			    argc - optind);
    pfc_free(&p);
    deps_stop();
    return (diag_exit_status(status));
}
