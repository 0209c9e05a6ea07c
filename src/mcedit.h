/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_MCEDIT_H
#define PFC_MCEDIT_H

#include <stddef.h>

#include "mastercf.h"

/* What an edit does to the chroot field. */
enum mcedit_mode {
    MCEDIT_ENABLE = 1,  /* explicit 'y' */
    MCEDIT_DISABLE = 2, /* 'n', or what enable found there before */
};

/*
 * Postfix's lock and temporary file for master.cf: postconf -e / -F
 * create NAME.tmp, flock() it, write the new text into it and rename it
 * over NAME.
 */
#define MCEDIT_TMP_SUFFIX ".tmp"

/* The one backup of the previous master.cf: NAME.postfix-chroot.bak */
#define MCEDIT_BACKUP_SUFFIX ".postfix-chroot.bak"

/* How long mcedit_lock() waits for a concurrent editor by default. */
#define MCEDIT_LOCK_TIMEOUT_MS 10000

/* Upper bound on the size of a record file. */
#define MCEDIT_RECORD_MAX (1024 * 1024)

/*
 * Names (commands or services) that are never chrooted, NULL-terminated:
 * local virtual pipe spawn proxymap proxywrite postlog postlogd.
 */
extern const char *const mcedit_never_default[];

/* What to change. */
struct mcedit_req {
    int mode;                 /* MCEDIT_ENABLE or MCEDIT_DISABLE */
    const char *const *names; /* "service/type" names, or none */
    size_t nnames;            /* 0: every entry not on the never list */
    const char *const *never; /* NULL-terminated; NULL: the default */
    int dash_default;         /* what '-' means now: 'y' or 'n' */
};

/* One chroot field that the edit changes. */
struct mcedit_change {
    char *name;    /* "service/type" */
    unsigned line; /* where the entry starts */
    size_t off;    /* byte offset of the field */
    char was;      /* its value before: 'y', 'n' or '-' */
    char now;      /* its value after */
};

/* What enable found in fields it changed: one item per such field. */
struct mcedit_record_item {
    char *name;   /* "service/type" */
    unsigned nth; /* 1: first entry of that name, 2: the next, ... */
    char was;     /* '-' or 'n' */
};

struct mcedit_record {
    struct mcedit_record_item *item;
    size_t n;
};

/* A computed edit. */
struct mcedit_result {
    char *buf; /* the new master.cf (owned) */
    size_t len;
    struct mcedit_change *chg; /* in file order (owned) */
    size_t n;
    struct mcedit_record rec; /* the record after this edit (owned) */
};

int mcedit_is_never(const struct mastercf_entry *e, const char *const *never);
int mcedit_compute(const struct mastercf *mc, const struct mcedit_req *req,
		   const struct mcedit_record *rec, struct mcedit_result *res,
		   char *err, size_t errlen);
void mcedit_result_free(struct mcedit_result *res);

int mcedit_diff(const char *a, size_t alen, const char *b, size_t blen,
		const char *label_a, const char *label_b, char **out,
		size_t *outlen);

int mcedit_record_load(int dirfd, const char *name, struct mcedit_record *rec,
		       char *err, size_t errlen);
int mcedit_record_save(int dirfd, const char *name,
		       const struct mcedit_record *rec, char *err,
		       size_t errlen);
void mcedit_record_free(struct mcedit_record *rec);

/* Postfix's lock on a configuration file, held while it is edited. */
struct mcedit_lock {
    int dirfd;      /* the directory (not owned) */
    int fd;         /* NAME.tmp, locked; -1 when not held */
    char name[256]; /* NAME */
    char tmp[264];  /* NAME.tmp */
};

int mcedit_lock(int dirfd, const char *name, int timeout_ms,
		struct mcedit_lock *lk, char *err, size_t errlen);
void mcedit_unlock(struct mcedit_lock *lk);
int mcedit_replace(struct mcedit_lock *lk, int oldfd, const char *oldbuf,
		   size_t oldlen, const char *buf, size_t len, char *err,
		   size_t errlen);

/* Where mcedit_apply() works. */
struct mcedit_opts {
    int conf_fd;        /* directory of master.cf */
    const char *file;   /* its name; NULL: "master.cf" */
    int state_fd;       /* directory of the record; -1: keep none */
    const char *record; /* the record's name in it */
    int dry_run;        /* compute and diff only; take no lock */
    int timeout_ms;     /* lock wait; 0: MCEDIT_LOCK_TIMEOUT_MS */
};

/* What mcedit_apply() did. */
struct mcedit_outcome {
    struct mcedit_change *chg; /* fields changed (or to be changed) */
    size_t n;
    char *diff; /* unified diff, "" when nothing changes */
    size_t difflen;
    int written;       /* master.cf was replaced */
    char warning[256]; /* a problem that did not stop the edit, or "" */
};

int mcedit_apply(const struct mcedit_opts *o, const struct mcedit_req *req,
		 struct mcedit_outcome *out, char *err, size_t errlen);
void mcedit_outcome_free(struct mcedit_outcome *out);

#endif
