/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_elf - libFuzzer target for the ELF reader
 * SUMMARY
 *	Feed arbitrary bytes to elfread_mem() and elfread_fd().
 * DESCRIPTION
 *	Each input is read twice: from memory with elfread_mem(), and from
 *	a memory file with elfread_fd(), so that both readers of the shared
 *	parser are exercised.  Both must give the same result, and on
 *	success the same strings; every string must be terminated and
 *	within the limits of elf.h.  A difference aborts, which libFuzzer
 *	reports as a crash.  Leaks are found by ASan at exit of each run.
 * DIAGNOSTICS
 *	A broken invariant prints one line on stderr and aborts.
 * SECURITY
 *	Test code; never installed.
 * BUGS
 *	Inputs are bounded by libFuzzer's -max_len, so the size limits of
 *	elf.h are reached only through the counts and offsets inside them.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - report a broken invariant and crash */
static void
fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_elf: %s\n", what);
    abort();
}

/* fuzz_same - are two optional strings equal? */
static int
fuzz_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
	return (a == b);
    return (strcmp(a, b) == 0);
}

/* fuzz_check_string - a returned string must be within the limits */
static void
fuzz_check_string(const char *s)
{
    if (s != NULL && strnlen(s, ELF_MAX_STRING + 1) > ELF_MAX_STRING)
	fuzz_fail("string longer than ELF_MAX_STRING");
}

/* fuzz_check_info - invariants of a successful read */
static void
fuzz_check_info(const struct elf_info *info)
{
    size_t i;

    if (info->elf_class != ELF_CLASS32 && info->elf_class != ELF_CLASS64)
	fuzz_fail("bad class");
    if (info->data != ELF_DATA_LSB && info->data != ELF_DATA_MSB)
	fuzz_fail("bad data encoding");
    if (info->nneeded > ELF_MAX_NEEDED)
	fuzz_fail("more than ELF_MAX_NEEDED names");
    if ((info->nneeded == 0) != (info->needed == NULL))
	fuzz_fail("needed array and count disagree");
    for (i = 0; i < info->nneeded; i++) {
	if (info->needed[i] == NULL || info->needed[i][0] == 0)
	    fuzz_fail("empty needed name");
	fuzz_check_string(info->needed[i]);
    }
    fuzz_check_string(info->soname);
    fuzz_check_string(info->runpath);
    fuzz_check_string(info->rpath);
    fuzz_check_string(info->interp);
}

/* fuzz_compare - the two readers must agree */
static void
fuzz_compare(const struct elf_info *a, const struct elf_info *b)
{
    size_t i;

    if (a->elf_class != b->elf_class || a->data != b->data ||
	a->machine != b->machine || a->type != b->type ||
	a->nneeded != b->nneeded)
	fuzz_fail("readers disagree on a number");
    if (!fuzz_same(a->soname, b->soname) ||
	!fuzz_same(a->runpath, b->runpath) || !fuzz_same(a->rpath, b->rpath) ||
	!fuzz_same(a->interp, b->interp))
	fuzz_fail("readers disagree on a string");
    for (i = 0; i < a->nneeded; i++)
	if (!fuzz_same(a->needed[i], b->needed[i]))
	    fuzz_fail("readers disagree on a needed name");
}

/* fuzz_memfd - the memory file that elfread_fd() reads, made once */
static int
fuzz_memfd(const uint8_t *data, size_t size)
{
    static int fd = -1;

    if (fd < 0 && (fd = memfd_create("fuzz_elf", MFD_CLOEXEC)) < 0)
	fuzz_fail("memfd_create failed");
    if (ftruncate(fd, 0) < 0 ||
	(size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
	fuzz_fail("cannot write the memory file");
    return (fd);
}

/* LLVMFuzzerTestOneInput - read one input both ways and compare */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_info mem;
    struct elf_info file;
    int mem_err;
    int file_err;

    mem_err = elfread_mem(data, size, &mem);
    file_err = elfread_fd(fuzz_memfd(data, size), &file);
    if (mem_err != file_err)
	fuzz_fail("elfread_mem and elfread_fd disagree on the result");
    if (mem_err == 0) {
	fuzz_check_info(&mem);
	fuzz_compare(&mem, &file);
    } else if (mem_err != -ENOEXEC && mem_err != -E2BIG) {
	fuzz_fail("unexpected error");
    } else if (mem.needed != NULL || mem.soname != NULL || mem.interp != NULL ||
	       mem.nneeded != 0) {
	fuzz_fail("failed read left something in the result");
    }
    elfread_free(&mem);
    elfread_free(&file);

    /* elfread_free() must be safe to repeat. */
    elfread_free(&mem);
    return (0);
}
