/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_MASTERCF_H
#define PFC_MASTERCF_H

#include <stddef.h>

/* Upper bound on the size of a master.cf that is accepted. */
#define MASTERCF_MAX_SIZE (4UL * 1024 * 1024)

/*
 * Upper bound on the length of each of the first seven fields and of the
 * command name.  Real values are a few dozen bytes at most.
 */
#define MASTERCF_MAX_FIELD 1024

struct mastercf_entry {
    char *service;     /* first field, e.g. "smtp", "127.0.0.1:2525" */
    char *type;        /* second field: inet, unix, unix-dgram, fifo, pass */
    char *command;     /* basename of the first word of field 8 */
    char chroot;       /* fifth field as written: 'y', 'n' or '-' */
    unsigned line;     /* line number (1-based) where the entry starts */
    size_t chroot_off; /* byte offset of the fifth field in the buffer */
    size_t chroot_len; /* its length in bytes (1 for a valid file) */
};

struct mastercf {
    char *buf; /* the file's bytes (owned) */
    size_t len;
    struct mastercf_entry *ent;
    size_t n;
};

/*
 * Parse LEN bytes at BUF the way Postfix's master does.  The buffer is
 * copied.  Returns 0, or -EINVAL with "line N: what is wrong" in ERR
 * (-EFBIG when LEN exceeds MASTERCF_MAX_SIZE, -ENOMEM); MC is then empty.
 */
int mastercf_parse(const char *buf, size_t len, struct mastercf *mc, char *err,
		   size_t errlen);
void mastercf_free(struct mastercf *mc);

/*
 * Read and parse the master.cf named NAME below directory DIRFD (or
 * opened as FD).  Only a regular file is read; symbolic links are not
 * followed.  Returns 0, -EFBIG for a file above MASTERCF_MAX_SIZE, -EINVAL
 * for a malformed file or another negative errno; ERR says what.
 */
int mastercf_read(int dirfd, const char *name, struct mastercf *mc, char *err,
		  size_t errlen);
int mastercf_read_fd(int fd, struct mastercf *mc, char *err, size_t errlen);

/*
 * The chroot default that a '-' stands for: 'y' for Postfix before 3.0
 * (POSTFIX_MAJOR < 3) or when COMPAT_LEVEL (the compatibility_level
 * setting, NULL when unset) is below 1; otherwise 'n'.  -EINVAL when
 * COMPAT_LEVEL is malformed (Postfix itself refuses to start then).
 */
int mastercf_chroot_default(int postfix_major, const char *compat_level);

/*
 * Effective chroot state of entry E: 'y' or 'n' (-EINVAL as above, only
 * for a '-' field).
 */
int mastercf_effective(const struct mastercf_entry *e, int postfix_major,
		       const char *compat_level);

/* The entry's "service/type" name into BUF; -ENAMETOOLONG if too small. */
int mastercf_entry_name(const struct mastercf_entry *e, char *buf, size_t len);

#endif
