/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_ENGINE_H
#define PFC_ENGINE_H

#include "jail.h"
#include "libpath.h"
#include "manifest.h"
#include "pfconf.h"
#include "plan.h"

/* Exit statuses. */
#define PFC_EXIT_OK 0
#define PFC_EXIT_FAIL 1
#define PFC_EXIT_USAGE 64
#define PFC_EXIT_SOFTWARE 70
#define PFC_EXIT_TEMPFAIL 75

/* Options from the command line. */
struct pfc_opts {
    const char *root;           /* "/" unless --root */
    const char *config_dir;     /* -c */
    const char *jail;           /* -j */
    const char *conf;           /* --conf */
    const char *state_dir;      /* --state-dir */
    const char *file_contexts;  /* --file-contexts */
    int dry_run;
    int trigger;
    int force;
};

/* Everything a command works with. */
struct pfc {
    struct pfc_opts opt;
    struct strlist abs_paths;   /* relative options made absolute */
    int pf_major;               /* Postfix major version, once known */
    const char *pf_how;         /* where it came from; NULL: not asked */
    int rootfd;
    char *config_dir;           /* on the running system */
    char *jail_path;            /* on the running system */
    char *jail_label_path;      /* as the policy sees it */
    char *state_dir;
    struct pfconf main_cf;
    struct pfconf tool_cf;
    int have_lp;
    struct libpath lp;
    int have_plan;
    struct plan plan;
    int locked;                 /* 1 + pfc_lock()'s answer; 0: not yet */
    int state_fd;
    int lock_fd;
    char *manifest_file;
    struct manifest man;
    struct jail jail;
};

int pfc_setup(struct pfc *p, const struct pfc_opts *opt);
int pfc_chroot_wanted(struct pfc *p);
int pfc_postfix_major(struct pfc *p, const char **how);
int pfc_lock(struct pfc *p, int lock);
int pfc_open_jail(struct pfc *p);
int pfc_prepare(struct pfc *p, int lock, int need_jail);
void pfc_free(struct pfc *p);

int cmd_update(struct pfc *p);
int cmd_check(struct pfc *p);
int cmd_status(struct pfc *p);
int cmd_remove(struct pfc *p);
int cmd_trigger_filter(struct pfc *p, int fd);
int cmd_enable(struct pfc *p, int enable, char **names, int nnames);
int status_services(struct pfc *p);

#endif

/* Differences between a plan item and the jail (item_eval). */
#define D_MISSING 0x001
#define D_TYPE 0x002
#define D_OWNER 0x004
#define D_MODE 0x008
#define D_CONTENT 0x010
#define D_TARGET 0x020
#define D_LABEL 0x040
#define D_LINKS 0x080   /* hard-linked file */
#define D_TIME 0x100    /* modification time only (update's quick check) */
#define D_ERROR 0x200   /* could not be examined */

struct item_eval {
    unsigned diff;
    mode_t have_type;       /* S_IFMT bits of what is there */
    struct stat st;         /* its status, when there is one */
    char have[256];         /* what is there, for messages */
    char want[256];
};

/* A source file opened for comparing and copying. */
struct source {
    int fd;
    struct stat st;
    char *buf;              /* transformed bytes (XFORM_PASSWD), or NULL */
    size_t len;
};

int source_open(struct pfc *p, const struct item *it, struct source *src);
void source_close(struct source *src);
int item_eval(struct pfc *p, const struct item *it, struct source *src,
	      int full, struct item_eval *ev);
const char *type_name(mode_t mode);
