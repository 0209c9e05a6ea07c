/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_LIBPATH_H
#define PFC_LIBPATH_H

#include "root.h"
#include "util.h"

/* The loader's view of the system below a root. */
struct libpath {
    int rootfd;
    const char *layout;         /* "multiarch", "lib64" or "lib" */
    struct strlist sysdirs;     /* built-in directories, loader's spelling */
    struct strlist sysdirs_canon; /* the same, canonical */
    struct strlist confdirs;    /* ld.so.conf directories, canonical */
    struct root_links links;    /* directory links crossed by sysdirs */
    char *libc;                 /* canonical path of libc.so.6 */
    int elf_class;              /* class, byte order, machine of libc */
    int elf_data;
    unsigned machine;
};

int libpath_init(struct libpath *lp, int rootfd, char *err, size_t errlen);
int libpath_find(const struct libpath *lp, const char *name,
		 const char *runpath, const char *origin, char **found);
int libpath_is_sysdir(const struct libpath *lp, const char *canon_dir);
int libpath_in_runpath(const struct libpath *lp, const char *canon_dir,
		       const char *runpath, const char *origin);
void libpath_free(struct libpath *lp);

#endif
