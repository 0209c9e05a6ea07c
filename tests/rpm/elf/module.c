/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * module.c - stand-in for a name-service module of the rpm test packages.
 *
 * Built with -DMOD=name -DVER='"x"' and, for a module that has a
 * dependency, -DDEP=symbol of that library.  Nothing ever calls it: the
 * tests only need real ELF objects whose DT_SONAME and DT_NEEDED entries
 * look like the ones glibc and the module packages ship, and whose bytes
 * change with the version.
 */

#define PFC_CAT2(a, b, c) a##b##c
#define PFC_CAT(a, b, c) PFC_CAT2(a, b, c)
#define PFC_FUNC PFC_CAT(_nss_, MOD, _pfc_version)

const char *PFC_FUNC(void);

#ifdef DEP
const char *DEP(void);
#endif

/* _nss_MOD_pfc_version - the version this object was built as */
const char *
PFC_FUNC(void)
{
#ifdef DEP
    return (DEP()[0] ? VER : "");
#else
    return (VER);
#endif
}
