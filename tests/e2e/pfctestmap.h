/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pfctestmap - address and domain of the end-to-end test's client
 * SUMMARY
 *	The shared object that the test NSS module needs (DT_NEEDED).
 * DESCRIPTION
 *	pfctestmap_addr() returns the IPv4 address, in network byte order,
 *	that the test NSS module resolves; pfctestmap_domain() the domain
 *	that the module appends to its own label.  The values live in a
 *	separate shared object so that the module has a dependency of its
 *	own that must be copied into the jail with it.
 */

#ifndef PFCTESTMAP_H
#define PFCTESTMAP_H

#include <stdint.h>

extern uint32_t pfctestmap_addr(void);
extern const char *pfctestmap_domain(void);

#endif
