/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * library.c - stand-in for a library that a module needs (libresolv, a
 * module's helper library, an unrelated library) in the rpm test packages.
 *
 * Built with -DSYM=exported_name -DVER='"x"'.
 */

const char *SYM(void);

/* SYM - the version this object was built as */
const char *
SYM(void)
{
    return (VER);
}
