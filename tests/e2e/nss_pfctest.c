/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nss_pfctest - hosts NSS module of the end-to-end suite
 * SUMMARY
 *	Built as libnss_pfctest.so.2; "hosts: files pfctest" uses it.
 * DESCRIPTION
 *	The module knows exactly one host: the address given by
 *	pfctestmap_addr() has the name PFCTEST_LABEL "." pfctestmap_domain(),
 *	and that name has that address.  Everything else is "not found", so
 *	the next source on the hosts line decides.  The address and domain
 *	come from libpfctestmap.so.1, a DT_NEEDED dependency: a jail that
 *	holds the module but not its dependency cannot load it, and the
 *	client then shows up as unknown[ADDR].
 *
 *	The suite builds the module twice, with PFCTEST_LABEL "client-v1"
 *	and "client-v2", to play a library upgrade: which name a chrooted
 *	smtpd logs shows which copy of the module it loaded.
 *
 *	The functions are the ones glibc looks up for the hosts database:
 *	by address (getnameinfo, gethostbyaddr) and by name (getaddrinfo
 *	prefers gethostbyname4_r, gethostbyname falls back to the others).
 * DIAGNOSTICS
 *	The usual NSS contract: NSS_STATUS_SUCCESS, NSS_STATUS_NOTFOUND with
 *	*h_errnop = HOST_NOT_FOUND, or NSS_STATUS_TRYAGAIN with *errnop =
 *	ERANGE when the caller's buffer is too small.
 * BUGS
 *	IPv4 only.  No aliases.
 */

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "pfctestmap.h"

#ifndef PFCTEST_LABEL
#define PFCTEST_LABEL "client-v1"
#endif

#define PFCTEST_NAMELEN 256

/* Exported entry points; glibc finds them with dlsym(). */
enum nss_status _nss_pfctest_gethostbyaddr2_r(const void *, socklen_t, int,
					      struct hostent *, char *, size_t,
					      int *, int *, int32_t *);
enum nss_status _nss_pfctest_gethostbyaddr_r(const void *, socklen_t, int,
					     struct hostent *, char *, size_t,
					     int *, int *);
enum nss_status _nss_pfctest_gethostbyname3_r(const char *, int,
					      struct hostent *, char *, size_t,
					      int *, int *, int32_t *, char **);
enum nss_status _nss_pfctest_gethostbyname2_r(const char *, int,
					      struct hostent *, char *, size_t,
					      int *, int *);
enum nss_status _nss_pfctest_gethostbyname_r(const char *, struct hostent *,
					     char *, size_t, int *, int *);
enum nss_status _nss_pfctest_gethostbyname4_r(const char *,
					      struct gaih_addrtuple **, char *,
					      size_t, int *, int *, int32_t *);

/* pfctest_name - the one host name this module knows */
static const char *
pfctest_name(void)
{
    static char name[PFCTEST_NAMELEN];

    if (name[0] == 0)
	snprintf(name, sizeof(name), "%s.%s", PFCTEST_LABEL,
		 pfctestmap_domain());
    return (name);
}

/* pfctest_name_matches - NAME, with or without a final dot, is ours */
static int
pfctest_name_matches(const char *name)
{
    const char *ours = pfctest_name();
    size_t len = strlen(ours);

    if (strncasecmp(name, ours, len) != 0)
	return (0);
    return (name[len] == 0 || (name[len] == '.' && name[len + 1] == 0));
}

/* pfctest_align - bytes to skip so that BUF is aligned for a pointer */
static size_t
pfctest_align(const char *buf)
{
    return ((sizeof(void *) - ((uintptr_t)buf % sizeof(void *))) %
	    sizeof(void *));
}

/* pfctest_fill_hostent - describe our host in HOST, storage from BUF */
static enum nss_status
pfctest_fill_hostent(struct hostent *host, char *buf, size_t buflen,
		     int *errnop, int *h_errnop)
{
    const char *name = pfctest_name();
    size_t skip = pfctest_align(buf);
    size_t need =
	skip + 3 * sizeof(char *) + sizeof(struct in_addr) + strlen(name) + 1;
    char **ptrs;
    struct in_addr *addr;
    char *copy;
    uint32_t ours = pfctestmap_addr();

    if (buflen < need) {
	*errnop = ERANGE;
	*h_errnop = NETDB_INTERNAL;
	return (NSS_STATUS_TRYAGAIN);
    }

    /* Pointers first (aligned), then the address, then the name. */
    ptrs = (char **)(buf + skip);
    addr = (struct in_addr *)(ptrs + 3);
    copy = (char *)(addr + 1);
    memcpy(addr, &ours, sizeof(*addr));
    strcpy(copy, name);
    ptrs[0] = 0;            /* h_aliases: none */
    ptrs[1] = (char *)addr; /* h_addr_list[0] */
    ptrs[2] = 0;            /* h_addr_list[1] */
    host->h_name = copy;
    host->h_aliases = ptrs;
    host->h_addrtype = AF_INET;
    host->h_length = sizeof(struct in_addr);
    host->h_addr_list = ptrs + 1;
    return (NSS_STATUS_SUCCESS);
}

/* pfctest_not_found - the answer for every other host */
static enum nss_status
pfctest_not_found(int *errnop, int *h_errnop)
{
    *errnop = ENOENT;
    *h_errnop = HOST_NOT_FOUND;
    return (NSS_STATUS_NOTFOUND);
}

/* _nss_pfctest_gethostbyaddr2_r - address to name */
enum nss_status
_nss_pfctest_gethostbyaddr2_r(const void *addr, socklen_t len, int af,
			      struct hostent *host, char *buf, size_t buflen,
			      int *errnop, int *h_errnop, int32_t *ttlp)
{
    uint32_t ours = pfctestmap_addr();

    if (af != AF_INET || len != sizeof(struct in_addr) ||
	memcmp(addr, &ours, sizeof(ours)) != 0)
	return (pfctest_not_found(errnop, h_errnop));
    if (ttlp)
	*ttlp = 0;
    return (pfctest_fill_hostent(host, buf, buflen, errnop, h_errnop));
}

/* _nss_pfctest_gethostbyaddr_r - address to name, old interface */
enum nss_status
_nss_pfctest_gethostbyaddr_r(const void *addr, socklen_t len, int af,
			     struct hostent *host, char *buf, size_t buflen,
			     int *errnop, int *h_errnop)
{
    return (_nss_pfctest_gethostbyaddr2_r(addr, len, af, host, buf, buflen,
					  errnop, h_errnop, 0));
}

/* _nss_pfctest_gethostbyname3_r - name to address, one family */
enum nss_status
_nss_pfctest_gethostbyname3_r(const char *name, int af, struct hostent *host,
			      char *buf, size_t buflen, int *errnop,
			      int *h_errnop, int32_t *ttlp, char **canonp)
{
    enum nss_status st;

    if (af != AF_INET || !pfctest_name_matches(name))
	return (pfctest_not_found(errnop, h_errnop));
    st = pfctest_fill_hostent(host, buf, buflen, errnop, h_errnop);
    if (st == NSS_STATUS_SUCCESS) {
	if (ttlp)
	    *ttlp = 0;
	if (canonp)
	    *canonp = host->h_name;
    }
    return (st);
}

/* _nss_pfctest_gethostbyname2_r - name to address, one family */
enum nss_status
_nss_pfctest_gethostbyname2_r(const char *name, int af, struct hostent *host,
			      char *buf, size_t buflen, int *errnop,
			      int *h_errnop)
{
    return (_nss_pfctest_gethostbyname3_r(name, af, host, buf, buflen, errnop,
					  h_errnop, 0, 0));
}

/* _nss_pfctest_gethostbyname_r - name to IPv4 address */
enum nss_status
_nss_pfctest_gethostbyname_r(const char *name, struct hostent *host, char *buf,
			     size_t buflen, int *errnop, int *h_errnop)
{
    return (_nss_pfctest_gethostbyname3_r(name, AF_INET, host, buf, buflen,
					  errnop, h_errnop, 0, 0));
}

/* _nss_pfctest_gethostbyname4_r - name to address list (getaddrinfo) */
enum nss_status
_nss_pfctest_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
			      char *buf, size_t buflen, int *errnop,
			      int *h_errnop, int32_t *ttlp)
{
    const char *ours = pfctest_name();
    size_t skip = pfctest_align(buf);
    size_t need = skip + sizeof(struct gaih_addrtuple) + strlen(ours) + 1;
    struct gaih_addrtuple *at;
    uint32_t addr = pfctestmap_addr();
    char *copy;

    if (!pfctest_name_matches(name))
	return (pfctest_not_found(errnop, h_errnop));
    if (buflen < need) {
	*errnop = ERANGE;
	*h_errnop = NETDB_INTERNAL;
	return (NSS_STATUS_TRYAGAIN);
    }

    /*
     * The caller may hand us a tuple to fill in; otherwise the tuple
     * comes from the buffer, like the name does in either case.
     */
    at = *pat ? *pat : (struct gaih_addrtuple *)(buf + skip);
    copy = buf + skip + sizeof(struct gaih_addrtuple);
    strcpy(copy, ours);
    memset(at, 0, sizeof(*at));
    at->name = copy;
    at->family = AF_INET;
    memcpy(at->addr, &addr, sizeof(addr));
    *pat = at;
    if (ttlp)
	*ttlp = 0;
    return (NSS_STATUS_SUCCESS);
}
