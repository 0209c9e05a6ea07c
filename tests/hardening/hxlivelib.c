/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	hxlivelib - a shared object for the live-daemon test
 * SUMMARY
 *	cc -shared -fPIC -DHXLIVE_VERSION=N -o libnss_hxlive.so.2 hxlivelib.c
 * DESCRIPTION
 *	Installed as an NSS module in a fake root, so that the tool copies it
 *	into the jail.  hxlive_sum() reads one byte of every page of a
 *	512 KiB table that lives in the object's own read-only pages and
 *	returns their sum plus the version: a caller that keeps calling it
 *	touches every page of the mapping, so a file changed under the
 *	mapping shows up at once as SIGBUS (truncated) or as a wrong sum
 *	(rewritten).
 *	hxlive_version() says which build is mapped.
 * SECURITY
 *	Test code, never installed.
 */

#define HXLIVE_TABLE (512 * 1024)

/*
 * The table: mostly zeros, which still take file pages in .rodata, and
 * one byte per page that depends on the version, so that a rewrite of
 * any page changes the sum.
 */
#define P(i) [(i) * 4096] = (unsigned char)((i) * 13u + HXLIVE_VERSION)
#define P4(i) P(i), P((i) + 1), P((i) + 2), P((i) + 3)
#define P16(i) P4(i), P4((i) + 4), P4((i) + 8), P4((i) + 12)
#define P64(i) P16(i), P16((i) + 16), P16((i) + 32), P16((i) + 48)

static const unsigned char hxlive_table[HXLIVE_TABLE] = {
    P64(0), P64(64),
};

unsigned long hxlive_sum(void);
int hxlive_version(void);

/* hxlive_sum - sum of the table, plus the version */
unsigned long
hxlive_sum(void)
{
    const volatile unsigned char *p = hxlive_table;
    unsigned long s = 0;
    unsigned i;

    for (i = 0; i < HXLIVE_TABLE; i += 4096)
	s += p[i];
    return (s + HXLIVE_VERSION);
}

/* hxlive_version - which build this is */
int
hxlive_version(void)
{
    return (HXLIVE_VERSION);
}
