/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	pfctestmap - address and domain of the end-to-end test's client
 * SUMMARY
 *	Built as libpfctestmap.so.1, the DT_NEEDED dependency of the test
 *	NSS module libnss_pfctest.so.2.
 * DESCRIPTION
 *	See pfctestmap.h.  PFCTEST_ADDR (a dotted quad) and PFCTEST_DOMAIN
 *	are set at build time.
 * BUGS
 *	IPv4 only: the suite binds its client to an IPv4 loopback address.
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include "pfctestmap.h"

#ifndef PFCTEST_ADDR
#define PFCTEST_ADDR "127.0.0.5"
#endif
#ifndef PFCTEST_DOMAIN
#define PFCTEST_DOMAIN "nss-e2e.test"
#endif

/* pfctestmap_addr - the address that the module maps to its name */
uint32_t
pfctestmap_addr(void)
{
    struct in_addr a;

    if (inet_pton(AF_INET, PFCTEST_ADDR, &a) != 1)
	return (htonl(INADDR_NONE));
    return (a.s_addr);
}

/* pfctestmap_domain - the domain part of the name */
const char *
pfctestmap_domain(void)
{
    return (PFCTEST_DOMAIN);
}
