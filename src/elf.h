/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_ELF_H
#define PFC_ELF_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds on what is accepted from an ELF file. */
#define ELF_MAX_FILE_SIZE (512UL * 1024 * 1024)
#define ELF_MAX_NEEDED 1024

struct elf_info {
    int elf_class;       /* ELFCLASS32 or ELFCLASS64 */
    int data;            /* ELFDATA2LSB or ELFDATA2MSB */
    unsigned machine;    /* e_machine */
    unsigned type;       /* e_type: ET_DYN, ET_EXEC, ... */
    char *soname;        /* DT_SONAME, or NULL */
    char *runpath;       /* DT_RUNPATH, or NULL */
    char *rpath;         /* DT_RPATH, or NULL */
    char *interp;        /* PT_INTERP, or NULL */
    char **needed;       /* DT_NEEDED strings, in file order */
    size_t nneeded;
};

int elf_read_fd(int fd, struct elf_info *info);
int elf_read_mem(const void *buf, size_t len, struct elf_info *info);
void elf_free(struct elf_info *info);

#endif
