/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PFC_ELFREAD_H
#define PFC_ELFREAD_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds on what is accepted from an ELF file. */
#define ELF_MAX_FILE_SIZE (512UL * 1024 * 1024)
#define ELF_MAX_NEEDED 1024
#define ELF_MAX_PHNUM 4096		/* program headers */
#define ELF_MAX_DYNAMIC (1024UL * 1024)	/* bytes of PT_DYNAMIC read */
#define ELF_MAX_STRING (64UL * 1024)	/* bytes in one string */
#define ELF_MAX_STRINGS (1024UL * 1024) /* bytes in all strings returned */

/*
 * Values of elf_class, data and type.  They are spelled out here because
 * this header shadows the system <elf.h> for every file built with -Isrc.
 */
#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_DATA_LSB 1
#define ELF_DATA_MSB 2
#define ELF_TYPE_REL 1
#define ELF_TYPE_EXEC 2
#define ELF_TYPE_DYN 3

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

int elfread_fd(int fd, struct elf_info *info);
int elfread_mem(const void *buf, size_t len, struct elf_info *info);
void elfread_free(struct elf_info *info);

#endif
