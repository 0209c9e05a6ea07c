/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxelf - write small ELF shared objects, sound or broken on purpose
 * SUMMARY
 *	hxelf KIND OUT SONAME [NEEDED...]
 *	hxelf many OUT SONAME PREFIX COUNT
 *	hxelf chain DIR PREFIX COUNT
 *	hxelf fan DIR PREFIX MODULES COUNT
 * DESCRIPTION
 *	Writes a minimal x86-64 ELF64 shared object by hand: the ELF header,
 *	two program headers (PT_LOAD over the whole file, PT_DYNAMIC), the
 *	dynamic section (DT_NEEDED per NEEDED, DT_SONAME, DT_STRTAB, DT_STRSZ,
 *	DT_NULL) and the string table.  Nothing in it can run; the tool only
 *	reads its headers.  KIND says what to break:
 *
 *	  ok         nothing: a sound object
 *	  many       COUNT entries DT_NEEDED PREFIX0.so, PREFIX1.so, ...
 *	  phoff      e_phoff points past the end of the file
 *	  phnum      e_phnum is 65535
 *	  phentsize  e_phentsize is 7
 *	  dynsize    PT_DYNAMIC claims 1 GiB
 *	  dynoverlap PT_DYNAMIC overlaps the ELF header
 *	  strout     the first DT_NEEDED offset lies past DT_STRSZ
 *	  strhuge    DT_STRSZ is 2^62
 *	  strtabva   DT_STRTAB is an address outside every PT_LOAD
 *	  nonul      the string table does not end with a NUL
 *	  nodtnull   the dynamic section has no DT_NULL
 *	  dupdyn     two PT_DYNAMIC headers
 *	  class32    ELFCLASS32 header on a 64-bit body
 *	  machine    e_machine is AArch64 (another machine than libc)
 *	  notelf     a bad magic number
 *
 *	chain writes COUNT sound objects DIR/PREFIXi.so, each needing the
 *	next one (the last needs nothing): a dependency chain COUNT deep.
 *	fan writes MODULES objects DIR/libnss_PREFIXm.so.2, each needing
 *	COUNT objects of its own, DIR/PREFIXm_i.so, which need nothing:
 *	MODULES * COUNT distinct dependencies.  One process writes them
 *	all, which is what makes ten thousand objects cheap.
 * DIAGNOSTICS
 *	Exit 0; 1 on a usage or write error.
 * SECURITY
 *	Test code, never installed.
 */

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VBASE 0x1000

struct img {
    unsigned char *b;
    size_t len, cap;
};

/* put - append LEN bytes */
static size_t
put(struct img *m, const void *p, size_t len)
{
    size_t at = m->len;

    if (m->len + len > m->cap) {
	m->cap = (m->len + len) * 2;
	if ((m->b = realloc(m->b, m->cap)) == NULL) {
	    perror("hxelf");
	    exit(1);
	}
    }
    memcpy(m->b + m->len, p, len);
    m->len += len;
    return (at);
}

static int build(int argc, char **argv);

/* many_files - the chain and fan modes: write objects through build() */
static int
many_files(int argc, char **argv)
{
    char out[4096], so[256], dep[256];
    char *av[6];
    unsigned long i, m, count, mods;

    if (strcmp(argv[1], "chain") == 0 && argc == 5) {
	count = strtoul(argv[4], NULL, 10);
	for (i = 0; i < count; i++) {
	    snprintf(so, sizeof(so), "%s%lu.so", argv[3], i);
	    snprintf(dep, sizeof(dep), "%s%lu.so", argv[3], i + 1);
	    snprintf(out, sizeof(out), "%s/%s", argv[2], so);
	    av[0] = argv[0], av[1] = (char *)"ok", av[2] = out, av[3] = so;
	    av[4] = dep, av[5] = NULL;
	    if (build(i + 1 < count ? 5 : 4, av) != 0)
		return (1);
	}
	return (0);
    }
    if (strcmp(argv[1], "fan") == 0 && argc == 6) {
	mods = strtoul(argv[4], NULL, 10);
	count = strtoul(argv[5], NULL, 10);
	for (m = 0; m < mods; m++) {
	    snprintf(dep, sizeof(dep), "%s%lu_", argv[3], m);
	    snprintf(so, sizeof(so), "libnss_%s%lu.so.2", argv[3], m);
	    snprintf(out, sizeof(out), "%s/%s", argv[2], so);
	    {
		char cnt[32], many[] = "many";
		char *mv[7] = {argv[0], many, out, so, dep, cnt, NULL};

		snprintf(cnt, sizeof(cnt), "%lu", count);
		if (build(6, mv) != 0)
		    return (1);
	    }
	    for (i = 0; i < count; i++) {
		snprintf(so, sizeof(so), "%s%lu_%lu.so", argv[3], m, i);
		snprintf(out, sizeof(out), "%s/%s", argv[2], so);
		av[0] = argv[0], av[1] = (char *)"ok", av[2] = out;
		av[3] = so, av[4] = NULL;
		if (build(4, av) != 0)
		    return (1);
	    }
	}
	return (0);
    }
    fputs("usage: hxelf chain DIR PREFIX COUNT | "
	  "hxelf fan DIR PREFIX MODULES COUNT\n", stderr);
    return (1);
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "chain") == 0
		      || strcmp(argv[1], "fan") == 0))
	return (many_files(argc, argv));
    return (build(argc, argv));
}

/* build - write one object as the command line says */
static int
build(int argc, char **argv)
{
    const char *kind, *out, *soname;
    char **needed = NULL, name[256];
    size_t nneeded = 0, i, strsz, dynoff, stroff, *noff;
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    Elf64_Dyn d;
    struct img str = {0}, m = {0};
    int nph = 2;
    FILE *fp;

    if (argc < 4) {
	fputs("usage: hxelf KIND OUT SONAME [NEEDED...] | "
	      "hxelf many OUT SONAME PREFIX COUNT\n", stderr);
	return (1);
    }
    kind = argv[1];
    out = argv[2];
    soname = argv[3];
    if (strcmp(kind, "many") == 0) {
	if (argc != 6)
	    return (1);
	nneeded = strtoul(argv[5], NULL, 10);
	needed = calloc(nneeded + 1, sizeof(*needed));
	for (i = 0; i < nneeded; i++) {
	    snprintf(name, sizeof(name), "%s%zu.so", argv[4], i);
	    needed[i] = strdup(name);
	}
    } else {
	needed = argv + 4;
	nneeded = (size_t)(argc - 4);
    }

    /* The string table: "", soname, each needed name. */
    noff = calloc(nneeded + 1, sizeof(*noff));
    put(&str, "", 1);
    stroff = put(&str, soname, strlen(soname) + 1);
    for (i = 0; i < nneeded; i++)
	noff[i] = put(&str, needed[i], strlen(needed[i]) + 1);
    if (strcmp(kind, "nonul") == 0)
	str.b[str.len - 1] = 'x';
    strsz = str.len;

    if (strcmp(kind, "dupdyn") == 0)
	nph = 3;

    /* Layout: header, program headers, dynamic, strings. */
    dynoff = sizeof(eh) + (size_t)nph * sizeof(Elf64_Phdr);
    memset(&eh, 0, sizeof(eh));
    memset(ph, 0, sizeof(ph));
    put(&m, &eh, sizeof(eh));
    put(&m, ph, (size_t)nph * sizeof(Elf64_Phdr));
    for (i = 0; i < nneeded; i++) {
	d.d_tag = DT_NEEDED;
	d.d_un.d_val = noff[i];
	if (i == 0 && strcmp(kind, "strout") == 0)
	    d.d_un.d_val = strsz + 100;
	put(&m, &d, sizeof(d));
    }
    d.d_tag = DT_SONAME;
    d.d_un.d_val = stroff;
    put(&m, &d, sizeof(d));
    d.d_tag = DT_STRTAB;
    d.d_un.d_ptr = 0;		/* fixed below */
    put(&m, &d, sizeof(d));
    d.d_tag = DT_STRSZ;
    d.d_un.d_val = strcmp(kind, "strhuge") == 0 ? (1ULL << 62) : strsz;
    put(&m, &d, sizeof(d));
    if (strcmp(kind, "nodtnull") != 0) {
	d.d_tag = DT_NULL;
	d.d_un.d_val = 0;
	put(&m, &d, sizeof(d));
    }
    {
	size_t dynend = m.len, at = put(&m, str.b, str.len);
	Elf64_Dyn *strtab = (Elf64_Dyn *)(m.b + dynend
					  - (strcmp(kind, "nodtnull") ? 3 : 2)
					  * sizeof(Elf64_Dyn));

	strtab->d_un.d_ptr = strcmp(kind, "strtabva") == 0
	    ? 0x7fff0000 : VBASE + at;

	/* Program headers. */
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R;
	ph[0].p_offset = 0;
	ph[0].p_vaddr = ph[0].p_paddr = VBASE;
	ph[0].p_filesz = ph[0].p_memsz = m.len;
	ph[0].p_align = 0x1000;
	ph[1].p_type = PT_DYNAMIC;
	ph[1].p_flags = PF_R | PF_W;
	ph[1].p_offset = dynoff;
	ph[1].p_vaddr = ph[1].p_paddr = VBASE + dynoff;
	ph[1].p_filesz = ph[1].p_memsz = dynend - dynoff;
	ph[1].p_align = 8;
	if (strcmp(kind, "dynsize") == 0)
	    ph[1].p_filesz = ph[1].p_memsz = 1ULL << 30;
	if (strcmp(kind, "dynoverlap") == 0)
	    ph[1].p_offset = 8;
	if (nph == 3)
	    ph[2] = ph[1];
	memcpy(m.b + sizeof(eh), ph, (size_t)nph * sizeof(Elf64_Phdr));
    }

    /* ELF header. */
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = strcmp(kind, "class32") == 0 ? ELFCLASS32
	: ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    if (strcmp(kind, "notelf") == 0)
	eh.e_ident[1] = 'X';
    eh.e_type = ET_DYN;
    eh.e_machine = strcmp(kind, "machine") == 0 ? EM_AARCH64 : EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = strcmp(kind, "phoff") == 0 ? m.len + 4096 : sizeof(eh);
    eh.e_ehsize = sizeof(eh);
    eh.e_phentsize = strcmp(kind, "phentsize") == 0 ? 7 : sizeof(Elf64_Phdr);
    eh.e_phnum = strcmp(kind, "phnum") == 0 ? 65535 : (Elf64_Half)nph;
    memcpy(m.b, &eh, sizeof(eh));

    if ((fp = fopen(out, "w")) == NULL || fwrite(m.b, 1, m.len, fp) != m.len
	|| fclose(fp) != 0) {
	perror(out);
	return (1);
    }
    if (strcmp(kind, "many") == 0) {
	for (i = 0; i < nneeded; i++)
	    free(needed[i]);
	free(needed);
    }
    free(noff);
    free(str.b);
    free(m.b);
    return (0);
}
