/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	elfread - read the dynamic-linking facts of an ELF file
 * SUMMARY
 *	Tell which libraries a shared object needs, without running it.
 * DESCRIPTION
 *	elfread_fd() reads the ELF file open on FD with pread(); the file
 *	offset of FD is not used and not changed.  elfread_mem() reads an
 *	ELF image of LEN bytes at BUF.  Both share one parser that reaches
 *	the data through a small reader, so the fuzzer that drives
 *	elfread_mem() also tests what elfread_fd() does.
 *
 *	Both overwrite *INFO without looking at its old contents.  On
 *	success the caller owns the strings in it and releases them with
 *	elfread_free().  On failure *INFO is left zeroed and holds nothing to
 *	free.  elfread_free() releases everything, zeroes the structure, and
 *	may be called again, or on a zeroed structure.
 *
 *	What is read: the ELF header (class, byte order, type, machine);
 *	the program header table; the PT_INTERP string; the PT_DYNAMIC
 *	segment and from it DT_NEEDED (in file order), DT_SONAME,
 *	DT_RUNPATH and DT_RPATH.  Their strings are found through DT_STRTAB
 *	and DT_STRSZ; DT_STRTAB is a virtual address, turned into a file
 *	offset through the PT_LOAD segment that holds it.  Section headers
 *	are not used: the dynamic loader does not use them either, a
 *	stripped file may lack them, and a hostile one may lie in them.
 *
 *	Both classes (32 and 64 bits) and both byte orders are read on any
 *	host: every field is assembled byte by byte in the file's order,
 *	which also makes unaligned fields harmless.
 *
 *	A file without program headers (an object file) or without
 *	PT_DYNAMIC (a static executable) is fine: it needs nothing and has
 *	no soname.
 * DIAGNOSTICS
 *	0 on success.  -ENOEXEC when the data is not ELF or is malformed:
 *	truncated, a header or segment outside the file or overlapping the
 *	headers, a string table overlapping the headers or the dynamic
 *	section, an unexpected program header size, a repeated PT_DYNAMIC,
 *	PT_INTERP or dynamic tag, DT_STRTAB outside every PT_LOAD, a string
 *	outside the string table or not NUL-terminated inside it, an empty
 *	DT_NEEDED name, a dynamic section without DT_NULL.  -E2BIG when a
 *	limit of elf.h is passed (file size, program headers, DT_NEEDED
 *	entries, dynamic segment, string length, total string bytes).
 *	-EISDIR for a directory, -ENOEXEC for any other file that is not a
 *	regular file; -errno when fstat() or pread() fails; -ENOMEM.
 *	Nothing is logged: the caller knows which file it was.
 * SECURITY
 *	The file is untrusted: a library directory, a --root tree or a
 *	package may hold a file crafted to crash or exhaust the tool, which
 *	runs as root.  Every offset, size and count read from it is checked
 *	with overflow-checked arithmetic against the size of the file before
 *	it is used, so that no read leaves the file and no sum wraps around.
 *
 *	What is read is bounded, whatever the file says: the headers, at
 *	most ELF_MAX_PHNUM program headers, at most ELF_MAX_DYNAMIC bytes of
 *	the dynamic segment, and each string on its own, growing a window
 *	up to ELF_MAX_STRING bytes; the whole file and the whole string
 *	table are never read.  At most ELF_MAX_NEEDED names are returned,
 *	holding at most ELF_MAX_STRINGS bytes in all.
 *
 *	The file may change while it is read.  Every read is checked on its
 *	own against the size seen by fstat(), and a short read counts as
 *	truncation, so a changing file gives a wrong answer or an error but
 *	never a read outside a buffer.
 *
 *	The strings are returned as they are in the file.  They may hold
 *	'/', "..", "$ORIGIN" or control characters; callers must treat
 *	them as untrusted names.
 * BUGS
 *	More than 65534 program headers (the PN_XNUM escape through section
 *	header 0) are refused with -E2BIG, like any count above
 *	ELF_MAX_PHNUM.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfread.h"

/*
 * Values from the ELF specification, spelled out so that the parser
 * depends on no system header for the classes and byte orders it reads.
 */
#define ELF_IDENT_SIZE 16       /* e_ident[] */
#define ELF_IDENT_CLASS 4       /* EI_CLASS */
#define ELF_IDENT_DATA 5        /* EI_DATA */
#define ELF_IDENT_VERSION 6     /* EI_VERSION */
#define ELF_VERSION_CURRENT 1   /* EV_CURRENT */
#define ELF_PHNUM_ESCAPE 0xffff /* PN_XNUM */

#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3

#define ELF_DT_NULL 0
#define ELF_DT_NEEDED 1
#define ELF_DT_STRTAB 5
#define ELF_DT_STRSZ 10
#define ELF_DT_SONAME 14
#define ELF_DT_RPATH 15
#define ELF_DT_RUNPATH 29

/* The first read of a string; it grows by 4 up to ELF_MAX_STRING + 1. */
#define ELF_STRING_WINDOW 256

/* Where the fields we use lie, for one file class. */
struct elf_layout {
    size_t ehdr_size; /* sizeof(ElfN_Ehdr) */
    size_t e_type;
    size_t e_machine;
    size_t e_phoff;
    size_t e_phentsize;
    size_t e_phnum;
    size_t word;      /* size of an address, offset or d_val */
    size_t phdr_size; /* sizeof(ElfN_Phdr) */
    size_t p_offset;
    size_t p_vaddr;
    size_t p_filesz;
    size_t dyn_size; /* sizeof(ElfN_Dyn) */
};

static const struct elf_layout elf_layout32 = {
    .ehdr_size = 52,
    .e_type = 16,
    .e_machine = 18,
    .e_phoff = 28,
    .e_phentsize = 42,
    .e_phnum = 44,
    .word = 4,
    .phdr_size = 32,
    .p_offset = 4,
    .p_vaddr = 8,
    .p_filesz = 16,
    .dyn_size = 8,
};

static const struct elf_layout elf_layout64 = {
    .ehdr_size = 64,
    .e_type = 16,
    .e_machine = 18,
    .e_phoff = 32,
    .e_phentsize = 54,
    .e_phnum = 56,
    .word = 8,
    .phdr_size = 56,
    .p_offset = 8,
    .p_vaddr = 16,
    .p_filesz = 32,
    .dyn_size = 16,
};

/*
 * The reader: copy LEN bytes at offset OFF into BUF, or fail.  The parser
 * has checked that the range lies within SIZE before it calls.
 */
struct elf_reader {
    int (*read)(void *ctx, void *buf, size_t len, uint64_t off);
    void *ctx;
    uint64_t size;
};

/* One segment, as far as the file holds it. */
struct elf_seg {
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    bool set;
};

/* Parser state for one file. */
struct elf_file {
    const struct elf_reader *rd;
    const struct elf_layout *lay;
    int data;       /* ELF_DATA_LSB or ELF_DATA_MSB */
    uint64_t phoff; /* program header table */
    size_t phnum;
    unsigned char *phdrs; /* phnum * lay->phdr_size bytes */
    struct elf_seg dynamic;
    struct elf_seg interp;
    size_t string_bytes; /* bytes of strings returned so far */
};

/* A dynamic tag that may appear once. */
struct elf_tag {
    uint64_t val;
    bool set;
};

/* What the dynamic section says, before its strings are read. */
struct elf_dyninfo {
    struct elf_tag strtab;
    struct elf_tag strsz;
    struct elf_tag soname;
    struct elf_tag runpath;
    struct elf_tag rpath;
    size_t nneeded;
    size_t ndyn; /* entries before DT_NULL */
};

/* elf_get - decode an unsigned field of WIDTH bytes in the file's order */
static uint64_t
elf_get(const struct elf_file *ef, const unsigned char *p, size_t width)
{
    uint64_t val = 0;
    size_t i;

    for (i = 0; i < width; i++) {
	if (ef->data == ELF_DATA_LSB)
	    val |= (uint64_t)p[i] << (8 * i);
	else
	    val = (val << 8) | p[i];
    }
    return (val);
}

/* elf_in_file - does [OFF, OFF + LEN) lie inside the file? */
static bool
elf_in_file(const struct elf_file *ef, uint64_t off, uint64_t len)
{
    uint64_t end;

    if (__builtin_add_overflow(off, len, &end))
	return (false);
    return (end <= ef->rd->size);
}

/* elf_overlaps - do [A, A + ALEN) and [B, B + BLEN) share a byte? */
static bool
elf_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    /* Both ranges were checked to lie inside the file: no overflow. */
    return (alen > 0 && blen > 0 && a < b + blen && b < a + alen);
}

/* elf_fetch - read LEN bytes at OFF, which must lie inside the file */
static int
elf_fetch(const struct elf_file *ef, void *buf, size_t len, uint64_t off)
{
    if (!elf_in_file(ef, off, len))
	return (-ENOEXEC);
    return (ef->rd->read(ef->rd->ctx, buf, len, off));
}

/* elf_read_ehdr - check the identification and read the ELF header */
static int
elf_read_ehdr(struct elf_file *ef, struct elf_info *info)
{
    unsigned char ehdr[64];
    uint64_t phentsize;
    int err;

    /*
     * The identification decides how the rest is read.  Refuse unknown
     * classes, byte orders and versions rather than guess.
     */
    if ((err = elf_fetch(ef, ehdr, ELF_IDENT_SIZE, 0)) < 0)
	return (err);
    if (memcmp(ehdr, "\177ELF", 4) != 0)
	return (-ENOEXEC);
    switch (ehdr[ELF_IDENT_CLASS]) {
    case ELF_CLASS32:
	ef->lay = &elf_layout32;
	break;
    case ELF_CLASS64:
	ef->lay = &elf_layout64;
	break;
    default:
	return (-ENOEXEC);
    }
    if (ehdr[ELF_IDENT_DATA] != ELF_DATA_LSB &&
	ehdr[ELF_IDENT_DATA] != ELF_DATA_MSB)
	return (-ENOEXEC);
    if (ehdr[ELF_IDENT_VERSION] != ELF_VERSION_CURRENT)
	return (-ENOEXEC);
    ef->data = ehdr[ELF_IDENT_DATA];

    /* The rest of the header; a file shorter than it is truncated. */
    err = elf_fetch(ef, ehdr + ELF_IDENT_SIZE,
		    ef->lay->ehdr_size - ELF_IDENT_SIZE, ELF_IDENT_SIZE);
    if (err < 0)
	return (err);
    info->elf_class = ehdr[ELF_IDENT_CLASS];
    info->data = ef->data;
    info->type = elf_get(ef, ehdr + ef->lay->e_type, 2);
    info->machine = elf_get(ef, ehdr + ef->lay->e_machine, 2);

    /*
     * The program header table.  Its entry size must be the one of the
     * class, since each entry is decoded with the class's layout.  The
     * escape for more than 65534 entries is not followed.
     */
    ef->phoff = elf_get(ef, ehdr + ef->lay->e_phoff, ef->lay->word);
    ef->phnum = elf_get(ef, ehdr + ef->lay->e_phnum, 2);
    phentsize = elf_get(ef, ehdr + ef->lay->e_phentsize, 2);
    if (ef->phnum == ELF_PHNUM_ESCAPE)
	return (-E2BIG);
    if (ef->phnum > 0 && phentsize != ef->lay->phdr_size)
	return (-ENOEXEC);
    return (0);
}

/* elf_read_phdrs - read the program header table into memory */
static int
elf_read_phdrs(struct elf_file *ef)
{
    size_t len;

    /*
     * The count fits 16 bits and the entry size is fixed, so the product
     * cannot overflow; the table must still lie in the file, after the
     * ELF header, and the count is bounded before anything is allocated.
     */
    len = ef->phnum * ef->lay->phdr_size;
    if (!elf_in_file(ef, ef->phoff, len))
	return (-ENOEXEC);
    if (ef->phoff < ef->lay->ehdr_size)
	return (-ENOEXEC);
    if (ef->phnum > ELF_MAX_PHNUM)
	return (-E2BIG);
    if ((ef->phdrs = malloc(len)) == NULL)
	return (-ENOMEM);
    return (elf_fetch(ef, ef->phdrs, len, ef->phoff));
}

/* elf_phdr - decode program header IDX */
static void
elf_phdr(const struct elf_file *ef, size_t idx, uint32_t *type,
	 struct elf_seg *seg)
{
    const unsigned char *p = ef->phdrs + idx * ef->lay->phdr_size;
    size_t w = ef->lay->word;

    *type = elf_get(ef, p, 4);
    seg->offset = elf_get(ef, p + ef->lay->p_offset, w);
    seg->vaddr = elf_get(ef, p + ef->lay->p_vaddr, w);
    seg->filesz = elf_get(ef, p + ef->lay->p_filesz, w);
    seg->set = true;
}

/* elf_check_seg - a segment must lie in the file, clear of the headers */
static int
elf_check_seg(const struct elf_file *ef, const struct elf_seg *seg,
	      bool clear_of_headers)
{
    if (!elf_in_file(ef, seg->offset, seg->filesz))
	return (-ENOEXEC);

    /*
     * PT_LOAD normally maps the headers too; the interpreter name and the
     * dynamic section never lie in them.  A file that says so is built
     * to make one byte mean two things.
     */
    if (clear_of_headers &&
	(elf_overlaps(seg->offset, seg->filesz, 0, ef->lay->ehdr_size) ||
	 elf_overlaps(seg->offset, seg->filesz, ef->phoff,
		      ef->phnum * ef->lay->phdr_size)))
	return (-ENOEXEC);
    return (0);
}

/* elf_scan_phdrs - check the segments and note PT_DYNAMIC and PT_INTERP */
static int
elf_scan_phdrs(struct elf_file *ef)
{
    struct elf_seg seg;
    uint32_t type;
    size_t i;
    int err;

    for (i = 0; i < ef->phnum; i++) {
	elf_phdr(ef, i, &type, &seg);
	switch (type) {
	case ELF_PT_LOAD:
	    if ((err = elf_check_seg(ef, &seg, false)) < 0)
		return (err);
	    break;
	case ELF_PT_DYNAMIC:
	case ELF_PT_INTERP:
	    if ((err = elf_check_seg(ef, &seg, true)) < 0)
		return (err);
	    if (type == ELF_PT_DYNAMIC) {
		if (ef->dynamic.set)
		    return (-ENOEXEC);
		ef->dynamic = seg;
	    } else {
		if (ef->interp.set)
		    return (-ENOEXEC);
		ef->interp = seg;
	    }
	    break;
	}
    }
    return (0);
}

/* elf_read_interp - read the PT_INTERP path name */
static int
elf_read_interp(struct elf_file *ef, struct elf_info *info)
{
    size_t len = ef->interp.filesz;
    char *buf;
    int err;

    /* The segment is the name and its NUL; nothing else is meaningful. */
    if (len < 2)
	return (-ENOEXEC);
    if (len > ELF_MAX_STRING + 1)
	return (-E2BIG);
    if ((buf = malloc(len)) == NULL)
	return (-ENOMEM);
    if ((err = elf_fetch(ef, buf, len, ef->interp.offset)) < 0) {
	free(buf);
	return (err);
    }
    if (memchr(buf, 0, len) == NULL || buf[0] == 0) {
	free(buf);
	return (-ENOEXEC);
    }
    info->interp = buf;
    ef->string_bytes += len;
    return (0);
}

/* elf_set_tag - remember a dynamic tag that may appear only once */
static int
elf_set_tag(struct elf_tag *tag, uint64_t val)
{
    if (tag->set)
	return (-ENOEXEC);
    tag->val = val;
    tag->set = true;
    return (0);
}

/* elf_scan_dynamic - collect tags up to DT_NULL; 1 if there is none */
static int
elf_scan_dynamic(const struct elf_file *ef, const unsigned char *dyn,
		 size_t ndyn, struct elf_dyninfo *di)
{
    const unsigned char *p;
    uint64_t tag;
    uint64_t val;
    size_t w = ef->lay->word;
    size_t i;
    int err = 0;

    for (i = 0; i < ndyn && err == 0; i++) {
	p = dyn + i * ef->lay->dyn_size;
	tag = elf_get(ef, p, w);
	val = elf_get(ef, p + w, w);
	switch (tag) {
	case ELF_DT_NULL:
	    di->ndyn = i;
	    return (0);
	case ELF_DT_NEEDED:
	    if (++di->nneeded > ELF_MAX_NEEDED)
		err = -E2BIG;
	    break;
	case ELF_DT_STRTAB:
	    err = elf_set_tag(&di->strtab, val);
	    break;
	case ELF_DT_STRSZ:
	    err = elf_set_tag(&di->strsz, val);
	    break;
	case ELF_DT_SONAME:
	    err = elf_set_tag(&di->soname, val);
	    break;
	case ELF_DT_RUNPATH:
	    err = elf_set_tag(&di->runpath, val);
	    break;
	case ELF_DT_RPATH:
	    err = elf_set_tag(&di->rpath, val);
	    break;
	}
    }
    /*
     * No DT_NULL in what was read.  The caller decides whether the
     * section is broken or was cut short by ELF_MAX_DYNAMIC.
     */
    return (err < 0 ? err : 1);
}

/* elf_map_vaddr - turn the address range [ADDR, ADDR + LEN) into OFFSET */
static int
elf_map_vaddr(const struct elf_file *ef, uint64_t addr, uint64_t len,
	      uint64_t *offset)
{
    struct elf_seg seg;
    uint32_t type;
    uint64_t delta;
    size_t i;

    /*
     * The range must lie in the part of one PT_LOAD segment that the file
     * holds.  Those were checked to lie inside the file, so the offset
     * that results cannot leave it either.
     */
    for (i = 0; i < ef->phnum; i++) {
	elf_phdr(ef, i, &type, &seg);
	if (type != ELF_PT_LOAD || addr < seg.vaddr)
	    continue;
	delta = addr - seg.vaddr;
	if (delta >= seg.filesz || len > seg.filesz - delta)
	    continue;
	*offset = seg.offset + delta;
	return (0);
    }
    return (-ENOEXEC);
}

/* elf_read_string - read the string at OFF of the table at TAB, TABSZ */
static int
elf_read_string(struct elf_file *ef, uint64_t tab, uint64_t tabsz, uint64_t off,
		char **out)
{
    uint64_t avail;
    size_t window = ELF_STRING_WINDOW;
    size_t want;
    size_t len;
    char *buf;
    char *nul;
    char *shrunk;
    int err;

    if (off >= tabsz)
	return (-ENOEXEC);
    avail = tabsz - off;

    /*
     * Read a small window first and widen it until the NUL shows up, so
     * that a short name costs one small read whatever the table's size.
     * A string that runs to the end of the table is not terminated in
     * it; one longer than ELF_MAX_STRING is refused before the table
     * ends.
     */
    for (;;) {
	want = avail < window ? avail : window;
	if ((buf = malloc(want)) == NULL)
	    return (-ENOMEM);
	if ((err = elf_fetch(ef, buf, want, tab + off)) < 0) {
	    free(buf);
	    return (err);
	}
	if ((nul = memchr(buf, 0, want)) != NULL)
	    break;
	free(buf);
	if (want == avail)
	    return (-ENOEXEC);
	if (window > ELF_MAX_STRING)
	    return (-E2BIG);
	window *= 4;
	if (window > ELF_MAX_STRING + 1)
	    window = ELF_MAX_STRING + 1;
    }

    /* The total is bounded too: a thousand long names add up. */
    len = nul - buf + 1;
    if (len > ELF_MAX_STRINGS - ef->string_bytes) {
	free(buf);
	return (-E2BIG);
    }
    ef->string_bytes += len;
    if (len < want && (shrunk = realloc(buf, len)) != NULL)
	buf = shrunk;
    *out = buf;
    return (0);
}

/* elf_tag_string - read the string of a tag, if the tag is present */
static int
elf_tag_string(struct elf_file *ef, uint64_t tab, uint64_t tabsz,
	       const struct elf_tag *tag, char **out)
{
    if (!tag->set)
	return (0);
    return (elf_read_string(ef, tab, tabsz, tag->val, out));
}

/* elf_read_strings - read every string the dynamic section refers to */
static int
elf_read_strings(struct elf_file *ef, const unsigned char *dyn,
		 const struct elf_dyninfo *di, struct elf_info *info)
{
    const unsigned char *p;
    size_t w = ef->lay->word;
    uint64_t tabsz = di->strsz.val;
    struct elf_seg strtab = {0};
    uint64_t tab;
    size_t i;
    int err;

    /* Without names to look up, the string table may be absent. */
    if (di->nneeded == 0 && !di->soname.set && !di->runpath.set &&
	!di->rpath.set)
	return (0);

    /*
     * Find the string table in the file; it must lie there whole, and
     * apart from the headers and the dynamic section, whose bytes would
     * otherwise double as names.
     */
    if (!di->strtab.set || !di->strsz.set)
	return (-ENOEXEC);
    if ((err = elf_map_vaddr(ef, di->strtab.val, tabsz, &tab)) < 0)
	return (err);
    strtab.offset = tab;
    strtab.filesz = tabsz;
    if ((err = elf_check_seg(ef, &strtab, true)) < 0)
	return (err);
    if (elf_overlaps(tab, tabsz, ef->dynamic.offset, ef->dynamic.filesz))
	return (-ENOEXEC);

    /* The single names. */
    err = elf_tag_string(ef, tab, tabsz, &di->soname, &info->soname);
    if (err == 0)
	err = elf_tag_string(ef, tab, tabsz, &di->runpath, &info->runpath);
    if (err == 0)
	err = elf_tag_string(ef, tab, tabsz, &di->rpath, &info->rpath);
    if (err < 0)
	return (err);

    /*
     * The needed libraries, in file order.  nneeded counts only names
     * already read, so that elfread_free() frees exactly those on error.  An
     * empty name would make a caller look up a directory.
     */
    if (di->nneeded == 0)
	return (0);
    if ((info->needed = calloc(di->nneeded, sizeof(char *))) == NULL)
	return (-ENOMEM);
    for (i = 0; i < di->ndyn; i++) {
	p = dyn + i * ef->lay->dyn_size;
	if (elf_get(ef, p, w) != ELF_DT_NEEDED)
	    continue;
	if ((err = elf_read_string(ef, tab, tabsz, elf_get(ef, p + w, w),
				   info->needed + info->nneeded)) < 0)
	    return (err);
	if (info->needed[info->nneeded++][0] == 0)
	    return (-ENOEXEC);
    }
    return (0);
}

/* elf_read_dynamic - read the dynamic section and what it refers to */
static int
elf_read_dynamic(struct elf_file *ef, struct elf_info *info)
{
    struct elf_dyninfo di;
    unsigned char *dyn;
    size_t len;
    int err;

    /*
     * Read at most ELF_MAX_DYNAMIC bytes.  A segment larger than that is
     * fine if its DT_NULL comes early, since nothing after DT_NULL
     * counts; otherwise it is refused as too big.
     */
    len = ELF_MAX_DYNAMIC;
    if (ef->dynamic.filesz < len)
	len = ef->dynamic.filesz;
    if (len < ef->lay->dyn_size)
	return (-ENOEXEC);
    if ((dyn = malloc(len)) == NULL)
	return (-ENOMEM);
    if ((err = elf_fetch(ef, dyn, len, ef->dynamic.offset)) < 0)
	goto out;
    memset(&di, 0, sizeof(di));
    err = elf_scan_dynamic(ef, dyn, len / ef->lay->dyn_size, &di);
    if (err > 0)
	err = ef->dynamic.filesz > len ? -E2BIG : -ENOEXEC;
    if (err < 0)
	goto out;
    err = elf_read_strings(ef, dyn, &di, info);

out:
    free(dyn);
    return (err);
}

/* elf_parse - the parser shared by elfread_fd() and elfread_mem() */
static int
elf_parse(const struct elf_reader *rd, struct elf_info *info)
{
    struct elf_file ef;
    int err;

    memset(info, 0, sizeof(*info));
    memset(&ef, 0, sizeof(ef));
    ef.rd = rd;
    if (rd->size > ELF_MAX_FILE_SIZE)
	return (-E2BIG);

    /* The header; an object file has no program headers and ends here. */
    if ((err = elf_read_ehdr(&ef, info)) < 0 || ef.phnum == 0)
	goto out;

    /* The segments: all checked, the two we read noted. */
    if ((err = elf_read_phdrs(&ef)) < 0 || (err = elf_scan_phdrs(&ef)) < 0)
	goto out;

    /* The interpreter, which executables and glibc's libc.so name. */
    if (ef.interp.set && (err = elf_read_interp(&ef, info)) < 0)
	goto out;

    /* The dynamic section; a static executable has none. */
    if (ef.dynamic.set)
	err = elf_read_dynamic(&ef, info);

out:
    free(ef.phdrs);
    if (err < 0)
	elfread_free(info);
    return (err);
}

/* elf_pread - reader for elfread_fd(): pread() until LEN bytes are in */
static int
elf_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
    int fd = *(int *)ctx;
    char *cp = buf;
    ssize_t n;

    while (len > 0) {
	if ((n = pread(fd, cp, len, (off_t)off)) < 0) {
	    if (errno == EINTR)
		continue;
	    return (-errno);
	}

	/* End of file before the size fstat() gave: it was truncated. */
	if (n == 0)
	    return (-ENOEXEC);
	cp += n;
	len -= n;
	off += n;
    }
    return (0);
}

/* elfread_fd - read the ELF file open on FD */
int
elfread_fd(int fd, struct elf_info *info)
{
    struct elf_reader rd;
    struct stat st;

    /*
     * Only a regular file has a size to bound every read by.  A FIFO or
     * a device could block or never end.
     */
    memset(info, 0, sizeof(*info));
    if (fstat(fd, &st) < 0)
	return (-errno);
    if (S_ISDIR(st.st_mode))
	return (-EISDIR);
    if (!S_ISREG(st.st_mode))
	return (-ENOEXEC);
    rd.read = elf_pread;
    rd.ctx = &fd;
    rd.size = (uint64_t)st.st_size;
    return (elf_parse(&rd, info));
}

/* elf_memread - reader for elfread_mem(): copy from the buffer */
static int
elf_memread(void *ctx, void *buf, size_t len, uint64_t off)
{
    memcpy(buf, (const unsigned char *)ctx + off, len);
    return (0);
}

/* elfread_mem - read the ELF image of LEN bytes at BUF */
int
elfread_mem(const void *buf, size_t len, struct elf_info *info)
{
    struct elf_reader rd;

    rd.read = elf_memread;
    rd.ctx = (void *)buf;
    rd.size = len;
    return (elf_parse(&rd, info));
}

/* elfread_free - release what elfread_fd() or elfread_mem() returned */
void
elfread_free(struct elf_info *info)
{
    size_t i;

    for (i = 0; i < info->nneeded; i++)
	free(info->needed[i]);
    free(info->needed);
    free(info->soname);
    free(info->runpath);
    free(info->rpath);
    free(info->interp);
    memset(info, 0, sizeof(*info));
}
