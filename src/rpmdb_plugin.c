/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	rpmdb_plugin - rpm database queries, the part linked with librpm
 * SUMMARY
 *	Built as rpmdb.so and loaded with dlopen() by rpmdb.c, so that only
 *	the commands that want package provenance pay for librpm.
 * DESCRIPTION
 *	The module exports one object, postfix_chroot_rpmdb, of type struct
 *	rpmdb_plugin (rpmdb.h).  Its members:
 *
 *	open(root, why) opens, read-only, the rpm database of the system
 *	installed below ROOT ("/" for the running system) and returns a
 *	handle, or NULL with *why set to a short reason.  The database
 *	directory is the _dbpath the root's own rpm macros define, when that
 *	is a plain path (only %{_var}, %{_usr} and %{_prefix} are expanded);
 *	otherwise the first of /var/lib/rpm and /usr/lib/sysimage/rpm that
 *	holds a database: a non-empty rpmdb.sqlite that starts with SQLite's
 *	magic, Packages.db or Packages.  The host's own _dbpath is never
 *	used: Debian's points into the invoking user's home directory.
 *	Without a database the reason is "no rpm database" and librpm is not
 *	even asked, because librpm 4.18, told to open a missing sqlite
 *	database read-only, creates one.  librpm's configuration is read at
 *	the first open() and freed at the last close().
 *
 *	owner(handle, path, nevra, len) resolves PATH inside the root (every
 *	directory component may be a symbolic link, such as /lib64; links
 *	are followed as if ROOT were "/"; the last component is not
 *	followed), finds the package owning the resulting path, writes its
 *	name-version-release.arch (name-epoch:version-release.arch when the
 *	epoch is not zero) into NEVRA and compares the file with the digest
 *	the database recorded.  It returns RPMDB_MATCH, RPMDB_MODIFIED,
 *	RPMDB_NODIGEST (the package records no digest: symbolic link,
 *	directory, ghost) or RPMDB_UNOWNED (NEVRA is then ""), or a negative
 *	errno: -EINVAL for a path that is not absolute or names no file,
 *	-ENOENT and friends when the path cannot be resolved in the root,
 *	-ERANGE when NEVRA is too small, -ENOTSUP for a digest algorithm
 *	librpm does not know.  NEVRA is "" after an error, except when the
 *	owner was found and only the file could not be read (an owned file
 *	that is missing gives -ENOENT and the owner).  A file of the wrong
 *	type or a symbolic link where the package has a regular file counts
 *	as RPMDB_MODIFIED.
 *
 *	version(handle, name, buf, len) writes the version of the installed
 *	package NAME into BUF: 0, -ENOENT when it is not installed, -ERANGE.
 *
 *	close(handle) closes the database and frees the handle.
 * DIAGNOSTICS
 *	The module never prints.  librpm's own messages are routed to a
 *	callback that keeps the last one; open() returns it as the reason
 *	when librpm fails.  The reason strings stay valid until the next call
 *	into the module.
 * SECURITY
 *	ROOT is the system being served and is trusted as rpm --root trusts
 *	it; the jail, which the postfix user partly owns, is never read
 *	here.  Even so, a symbolic link inside ROOT never leads outside it:
 *	absolute targets restart at ROOT and ".." stops there, link chains
 *	are bounded, and the file whose digest is computed is opened without
 *	following a final link and without blocking, and is checked to be a
 *	regular file on its descriptor.  The root's rpm macro files are only
 *	scanned for a plain _dbpath, never expanded, so that nothing from the
 *	root is ever run.  The host's macros are loaded by librpm, and _dbpath
 *	is overridden before anything expands it (Debian's runs a shell).
 * BUGS
 *	Files that prelink modified on old Red Hat systems are reported as
 *	modified; rpm -V undoes prelinking first.
 *
 *	The database file is checked by name and then opened by librpm by
 *	name; if it vanished in between, librpm would create an empty one.
 *	sqlite itself creates rpmdb.sqlite-shm and -wal next to the database
 *	when they are missing, read-only or not, as rpm -q does.
 *
 *	librpm 4.18 does not close its sqlite handle when a damaged database
 *	fails to open; tests/rpmdb/valgrind.supp names that leak.
 *
 *	When several packages own a path, the first one with the file in the
 *	"normal" state is reported.
 */

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmcrypto.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfiles.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>

#include "rpmdb.h"

/* Bounds on what is read from the root. */
#define PLUGIN_MAXLINKS 40       /* symbolic links per resolution */
#define PLUGIN_MAXCONF (1 << 20) /* bytes of one macro file */
#define PLUGIN_MAXCONFFILES 256  /* macro files per directory */

/* What rpmfilesNew() must load: digests, sizes, modes, flags, states. */
#define PLUGIN_FI_FLAGS                                                        \
    (RPMFI_NOFILECLASS | RPMFI_NOFILEDEPS | RPMFI_NOFILELANGS |                \
     RPMFI_NOFILEUSER | RPMFI_NOFILEGROUP | RPMFI_NOFILECAPS |                 \
     RPMFI_NOFILELINKTOS | RPMFI_NOFILEMTIMES | RPMFI_NOFILERDEVS |            \
     RPMFI_NOFILEINODES | RPMFI_NOFILECOLORS | RPMFI_NOFILEVERIFYFLAGS |       \
     RPMFI_NOFILESIGNATURES | RPMFI_NOVERITYSIGNATURES)

struct plugin_db {
    rpmts ts;   /* transaction set holding the open database */
    int rootfd; /* the root directory, O_PATH */
};

/* One place where a database may live, and the backend its files need. */
struct plugin_dbfile {
    const char *name;    /* file in the database directory */
    const char *backend; /* value for _db_backend */
    const char *magic;   /* its first bytes, or NULL for any */
    size_t magiclen;
};

static const struct plugin_dbfile plugin_dbfiles[] = {
    {"rpmdb.sqlite", "sqlite", "SQLite format 3", 16}, /* with the NUL */
    {"Packages.db", "ndb", NULL, 0},
    {"Packages", "bdb_ro", NULL, 0}, /* read-only Berkeley DB reader */
    {NULL, NULL, NULL, 0},
};

static const char *const plugin_dbdirs[] = {
    "/var/lib/rpm",
    "/usr/lib/sysimage/rpm",
    NULL,
};

static char plugin_lastlog[512]; /* last message librpm logged */
static int plugin_users;         /* open handles using the configuration */

/* plugin_log - librpm log callback: keep the last message, print nothing */
static int
plugin_log(rpmlogRec rec, rpmlogCallbackData data)
{
    const char *msg = rpmlogRecMessage(rec);
    size_t len;

    (void)data;
    if (msg == NULL)
	return (0);
    snprintf(plugin_lastlog, sizeof(plugin_lastlog), "%s", msg);
    len = strlen(plugin_lastlog);
    while (len > 0 && plugin_lastlog[len - 1] == '\n')
	plugin_lastlog[--len] = 0;
    return (0);
}

/* plugin_init - silence librpm and read the host's rpm configuration */
static int
plugin_init(void)
{
    rpmlogSetCallback(plugin_log, NULL);
    if (plugin_users == 0 && rpmReadConfigFiles(NULL, NULL) != 0) {
	rpmFreeRpmrc();
	return (-1);
    }
    plugin_users++;
    return (0);
}

/* plugin_fini - free librpm's configuration when the last user is gone */
static void
plugin_fini(void)
{
    if (plugin_users > 0 && --plugin_users == 0) {
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	rpmlogClose();
    }
}

/* plugin_append - append "/NAME" to the canonical path CANON */
static int
plugin_append(char *canon, size_t len, const char *name, size_t namelen)
{
    size_t have = strlen(canon);

    if (have + 1 + namelen + 1 > len)
	return (-ENAMETOOLONG);
    canon[have] = '/';
    memcpy(canon + have + 1, name, namelen);
    canon[have + 1 + namelen] = 0;
    return (0);
}

/* plugin_splice - make PENDING = TARGET "/" REST, REST may point into it */
static int
plugin_splice(char *pending, size_t len, const char *target, const char *rest)
{
    char tmp[PATH_MAX];
    int n;

    n = snprintf(tmp, sizeof(tmp), "%s/%s", target, rest);
    if (n < 0 || (size_t)n >= sizeof(tmp) || (size_t)n >= len)
	return (-ENAMETOOLONG);
    memcpy(pending, tmp, (size_t)n + 1);
    return (0);
}

/*
 * plugin_resolve - canonical form of PATH inside the root at ROOTFD
 *
 * The result has no ".", ".." or symbolic link in it, except a final
 * link when FOLLOW_LAST is zero; "" stands for the root itself.  Each
 * component is looked at with fstatat(AT_SYMLINK_NOFOLLOW) relative to the
 * root descriptor, below a prefix already known to hold no link, so the
 * kernel never follows a link of the root with the host's idea of "/".
 */
static int
plugin_resolve(int rootfd, const char *path, int follow_last, char *canon,
	       size_t len)
{
    char pending[PATH_MAX];
    char target[PATH_MAX];
    const char *cp = pending;
    const char *end;
    struct stat st;
    size_t namelen;
    ssize_t n;
    int links = 0;
    int err;

    if (len == 0 || strlen(path) >= sizeof(pending))
	return (-ENAMETOOLONG);
    strcpy(pending, path);
    canon[0] = 0;

    for (;;) {
	/* Take the next component; stop when none is left. */
	while (*cp == '/')
	    cp++;
	if (*cp == 0)
	    return (0);
	end = cp + strcspn(cp, "/");
	namelen = (size_t)(end - cp);
	if (namelen == 1 && cp[0] == '.') {
	    cp = end;
	    continue;
	}

	/* ".." never climbs above the root. */
	if (namelen == 2 && cp[0] == '.' && cp[1] == '.') {
	    char *slash = strrchr(canon, '/');

	    if (slash)
		*slash = 0;
	    cp = end;
	    continue;
	}
	if ((err = plugin_append(canon, len, cp, namelen)) < 0)
	    return (err);
	cp = end;
	while (*cp == '/')
	    cp++;

	/* Look at it without following it. */
	if (fstatat(rootfd, canon + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
	    return (-errno);
	if (S_ISLNK(st.st_mode) && (*cp != 0 || follow_last)) {
	    if (++links > PLUGIN_MAXLINKS)
		return (-ELOOP);
	    n = readlinkat(rootfd, canon + 1, target, sizeof(target));
	    if (n < 0)
		return (-errno);
	    if (n == 0)
		return (-ENOENT);
	    if ((size_t)n >= sizeof(target))
		return (-ENAMETOOLONG);
	    target[n] = 0;

	    /* Drop the link; an absolute target restarts at the root. */
	    *strrchr(canon, '/') = 0;
	    if (target[0] == '/')
		canon[0] = 0;
	    if ((err = plugin_splice(pending, sizeof(pending), target, cp)) < 0)
		return (err);
	    cp = pending;
	    continue;
	}
	if (*cp != 0 && !S_ISDIR(st.st_mode))
	    return (-ENOTDIR);
    }
}

/*
 * plugin_db_file - whether FILE below the root is a database file of kind F
 *
 * This must be certain before librpm sees the directory: asked to open a
 * missing sqlite database read-only, librpm 4.18 creates one instead, and
 * an empty or foreign file makes it fail after a write attempt.
 */
static int
plugin_db_file(int rootfd, const char *file, const struct plugin_dbfile *f)
{
    char head[32];
    struct stat st;
    ssize_t got;
    int fd;

    if (fstatat(rootfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	!S_ISREG(st.st_mode) || st.st_size <= 0)
	return (0);
    if (f->magic == NULL)
	return (1);
    fd = openat(rootfd, file,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
	return (0);
    got = read(fd, head, f->magiclen);
    close(fd);
    return (got == (ssize_t)f->magiclen &&
	    memcmp(head, f->magic, f->magiclen) == 0);
}

/* plugin_has_db - whether directory DIR of the root holds a database */
static const char *
plugin_has_db(int rootfd, const char *dir, char *canon, size_t len)
{
    const struct plugin_dbfile *f;
    char file[PATH_MAX];

    if (plugin_resolve(rootfd, dir, 1, canon, len) < 0)
	return (NULL);
    for (f = plugin_dbfiles; f->name; f++) {
	if (snprintf(file, sizeof(file), "%s/%s", canon[0] ? canon + 1 : ".",
		     f->name) >= (int)sizeof(file))
	    return (NULL);
	if (plugin_db_file(rootfd, file, f))
	    return (f->backend);
    }
    return (NULL);
}

/* plugin_expand - expand the few macros a plain _dbpath may use */
static int
plugin_expand(const char *value, char *buf, size_t len)
{
    static const char *const names[][2] = {
	{"%{_var}", "/var"}, {"%_var", "/var"},      {"%{_usr}", "/usr"},
	{"%_usr", "/usr"},   {"%{_prefix}", "/usr"}, {"%_prefix", "/usr"},
	{NULL, NULL},
    };
    size_t have = 0;
    size_t step;
    int i;

    while (*value) {
	const char *text = value;

	step = 1;
	if (*value == '%') {
	    for (i = 0; names[i][0]; i++)
		if (strncmp(value, names[i][0], strlen(names[i][0])) == 0)
		    break;
	    if (names[i][0] == NULL)
		return (-1);
	    text = names[i][1];
	    step = strlen(names[i][0]);
	}
	if (text == value) {
	    if (have + 1 >= len)
		return (-1);
	    buf[have++] = *value;
	} else {
	    if (have + strlen(text) >= len)
		return (-1);
	    memcpy(buf + have, text, strlen(text));
	    have += strlen(text);
	}
	value += step;
    }
    buf[have] = 0;
    return (buf[0] == '/' ? 0 : -1);
}

/*
 * plugin_scan_macros - note every "%_dbpath VALUE" line of one macro file
 *
 * VALUE keeps the last definition seen, as rpm lets a later definition
 * win; it becomes "" when that definition cannot be evaluated without
 * running something (Debian's uses a shell).
 */
static void
plugin_scan_macros(int rootfd, const char *path, char *value, size_t len)
{
    char canon[PATH_MAX];
    char *text;
    char *line;
    char *next;
    struct stat st;
    ssize_t got;
    int fd;

    if (plugin_resolve(rootfd, path, 1, canon, sizeof(canon)) < 0 ||
	canon[0] == 0)
	return;
    fd = openat(rootfd, canon + 1,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
	return;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	st.st_size > PLUGIN_MAXCONF ||
	(text = malloc((size_t)st.st_size + 1)) == NULL) {
	close(fd);
	return;
    }
    got = read(fd, text, (size_t)st.st_size);
    close(fd);
    text[got > 0 ? got : 0] = 0;

    for (line = text; line; line = next) {
	char *end;

	if ((next = strchr(line, '\n')) != NULL)
	    *next++ = 0;
	line += strspn(line, " \t");
	if (strncmp(line, "%_dbpath", 8) != 0 ||
	    (line[8] != ' ' && line[8] != '\t'))
	    continue;
	line += 8 + strspn(line + 8, " \t");
	end = line + strlen(line);
	while (end > line && strchr(" \t\r", end[-1]))
	    *--end = 0;

	/* A continued or computed definition is one we cannot use. */
	if ((end > line && end[-1] == '\\') ||
	    plugin_expand(line, value, len) < 0)
	    value[0] = 0;
    }
    free(text);
}

/* plugin_scan_dir - scan DIR/PREFIX* in the order rpm reads them */
static void
plugin_scan_dir(int rootfd, const char *dir, const char *prefix, char *value,
		size_t len)
{
    char canon[PATH_MAX];
    char file[PATH_MAX];
    struct dirent **names;
    int count;
    int fd;
    int i;

    if (plugin_resolve(rootfd, dir, 1, canon, sizeof(canon)) < 0 ||
	canon[0] == 0)
	return;
    fd = openat(rootfd, canon + 1,
		O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
	return;
    count = scandirat(fd, ".", &names, NULL, alphasort);
    close(fd);
    if (count < 0)
	return;
    for (i = 0; i < count; i++) {
	if (i < PLUGIN_MAXCONFFILES &&
	    strncmp(names[i]->d_name, prefix, strlen(prefix)) == 0 &&
	    snprintf(file, sizeof(file), "%s/%s", canon, names[i]->d_name) <
		(int)sizeof(file))
	    plugin_scan_macros(rootfd, file, value, len);
	free(names[i]);
    }
    free(names);
}

/* plugin_find_db - database directory of the root and its backend */
static const char *
plugin_find_db(int rootfd, char *dbpath, size_t len)
{
    char conf[PATH_MAX] = "";
    const char *backend;
    int i;

    /* What the root's own configuration says, in rpm's reading order. */
    plugin_scan_macros(rootfd, "/usr/lib/rpm/macros", conf, sizeof(conf));
    plugin_scan_dir(rootfd, "/usr/lib/rpm/macros.d", "macros.", conf,
		    sizeof(conf));
    plugin_scan_dir(rootfd, "/etc/rpm", "macros.", conf, sizeof(conf));
    plugin_scan_macros(rootfd, "/etc/rpm/macros", conf, sizeof(conf));
    if (conf[0] != 0)
	return (plugin_has_db(rootfd, conf, dbpath, len));

    /* The places every rpm-based distribution uses. */
    for (i = 0; plugin_dbdirs[i]; i++)
	if ((backend = plugin_has_db(rootfd, plugin_dbdirs[i], dbpath, len)))
	    return (backend);
    return (NULL);
}

/* plugin_open - open the rpm database of the system below ROOT */
static void *
plugin_open(const char *root, const char **why)
{
    struct plugin_db *db;
    char dbpath[PATH_MAX];
    const char *backend;
    int configured = 0;
    int rc;

    plugin_lastlog[0] = 0;
    if (root == NULL || root[0] != '/') {
	*why = "root is not an absolute path";
	return (NULL);
    }
    if ((db = calloc(1, sizeof(*db))) == NULL) {
	*why = "out of memory";
	return (NULL);
    }
    db->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (db->rootfd < 0) {
	*why = "cannot open the root directory";
	free(db);
	return (NULL);
    }

    /* Find the database before librpm is asked to open anything. */
    if ((backend = plugin_find_db(db->rootfd, dbpath, sizeof(dbpath))) == 0) {
	*why = "no rpm database";
	goto fail;
    }
    if (plugin_init() < 0) {
	*why = plugin_lastlog[0] ? plugin_lastlog
				 : "cannot read the rpm configuration";
	goto fail;
    }
    configured = 1;

    /*
     * rpm reads _dbpath (relative to the root directory) when the database
     * is opened, so the definitions only need to live that long.
     * Signatures are not checked on headers read from the database: that
     * would load the keyring, and the database is as trusted as the root.
     */
    db->ts = rpmtsCreate();
    rpmtsSetVSFlags(db->ts, RPMVSF_MASK_NOSIGNATURES);
    rpmPushMacro(NULL, "_dbpath", NULL, dbpath[0] ? dbpath : "/", RMIL_CMDLINE);
    rpmPushMacro(NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);
    rc = rpmtsSetRootDir(db->ts, root);
    if (rc == 0)
	rc = rpmtsOpenDB(db->ts, O_RDONLY);
    rpmPopMacro(NULL, "_db_backend");
    rpmPopMacro(NULL, "_dbpath");
    if (rc != 0) {
	*why =
	    plugin_lastlog[0] ? plugin_lastlog : "cannot open the rpm database";
	goto fail;
    }
    return (db);

fail:
    if (db->ts)
	rpmtsFree(db->ts);
    if (configured)
	plugin_fini();
    close(db->rootfd);
    free(db);
    return (NULL);
}

/* plugin_nevra - format name-[epoch:]version-release.arch of H */
static int
plugin_nevra(Header h, char *buf, size_t len)
{
    const char *name = headerGetString(h, RPMTAG_NAME);
    const char *version = headerGetString(h, RPMTAG_VERSION);
    const char *release = headerGetString(h, RPMTAG_RELEASE);
    const char *arch = headerGetString(h, RPMTAG_ARCH);
    uint64_t epoch = headerGetNumber(h, RPMTAG_EPOCH);
    char evr[256];
    int n;

    if (name == NULL || version == NULL || release == NULL)
	return (-EINVAL);
    if (epoch != 0)
	snprintf(evr, sizeof(evr), "%" PRIu64 ":", epoch);
    else
	evr[0] = 0;

    /* Installed packages have an arch; only gpg-pubkey entries lack one. */
    n = snprintf(buf, len, "%s-%s%s-%s%s%s", name, evr, version, release,
		 arch ? "." : "", arch ? arch : "");
    if (n < 0 || (size_t)n >= len) {
	if (len > 0)
	    buf[0] = 0;
	return (-ERANGE);
    }
    return (0);
}

/*
 * plugin_lookup - the package owning PATH and the file's place in it
 *
 * The file index also answers for other spellings of PATH (librpm
 * compares directory fingerprints taken on the host), so the exact name is
 * checked in each candidate.  A package whose copy of the file is
 * replaced or not installed is used only when no other package has it.
 */
static int
plugin_lookup(rpmts ts, const char *path, char *nevra, size_t len,
	      rpmfiles *filesp, int *ixp)
{
    rpmdbMatchIterator mi;
    rpmfiles files;
    Header h;
    int ix;
    int rc = 0;

    *filesp = NULL;
    mi = rpmtsInitIterator(ts, RPMDBI_INSTFILENAMES, path, 0);
    while (mi && (h = rpmdbNextIterator(mi)) != NULL) {
	if ((files = rpmfilesNew(NULL, h, 0, PLUGIN_FI_FLAGS)) == NULL)
	    continue;
	if ((ix = rpmfilesFindFN(files, path)) < 0 ||
	    (*filesp && !RPMFILE_IS_INSTALLED(rpmfilesFState(files, ix)))) {
	    rpmfilesFree(files);
	    continue;
	}
	if (*filesp)
	    rpmfilesFree(*filesp);
	*filesp = files;
	*ixp = ix;
	if ((rc = plugin_nevra(h, nevra, len)) < 0 ||
	    RPMFILE_IS_INSTALLED(rpmfilesFState(files, ix)))
	    break;
    }
    rpmdbFreeIterator(mi);
    if (rc < 0 && *filesp) {
	rpmfilesFree(*filesp);
	*filesp = NULL;
    }
    return (rc);
}

/* plugin_digest - digest of the open file FD with ALGO, compared to WANT */
static int
plugin_digest(int fd, int algo, const unsigned char *want, size_t wantlen)
{
    unsigned char buf[65536];
    DIGEST_CTX ctx;
    void *got = NULL;
    size_t gotlen = 0;
    ssize_t n;
    int same;

    if ((ctx = rpmDigestInit(algo, RPMDIGEST_NONE)) == NULL)
	return (-ENOTSUP);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    int err = errno;

	    rpmDigestFinal(ctx, NULL, NULL, 0);
	    return (-err);
	}
	rpmDigestUpdate(ctx, buf, (size_t)n);
    }
    rpmDigestFinal(ctx, &got, &gotlen, 0);
    same = got && gotlen == wantlen && memcmp(got, want, wantlen) == 0;
    free(got);
    return (same ? RPMDB_MATCH : RPMDB_MODIFIED);
}

/*
 * plugin_verify - compare the file BASE in directory DIRFD with entry IX
 *
 * The name is looked at first without following it, so that a FIFO or
 * device planted under the name is never opened; the descriptor is then
 * checked to be the same regular file.
 */
static int
plugin_verify(int dirfd, const char *base, rpmfiles files, int ix)
{
    const unsigned char *want;
    struct stat st;
    struct stat fst;
    size_t wantlen = 0;
    int algo = 0;
    int fd;
    int rc;

    want = rpmfilesFDigest(files, ix, &algo, &wantlen);
    if ((rpmfilesFFlags(files, ix) & RPMFILE_GHOST) ||
	!S_ISREG(rpmfilesFMode(files, ix)) || want == NULL || wantlen == 0)
	return (RPMDB_NODIGEST);
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
	return (-errno);
    if (!S_ISREG(st.st_mode) ||
	(rpm_loff_t)st.st_size != rpmfilesFSize(files, ix))
	return (RPMDB_MODIFIED);
    fd = openat(dirfd, base,
		O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
	return (errno == ELOOP ? RPMDB_MODIFIED : -errno);
    if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode) ||
	fst.st_dev != st.st_dev || fst.st_ino != st.st_ino)
	rc = RPMDB_MODIFIED;
    else
	rc = plugin_digest(fd, algo, want, wantlen);
    close(fd);
    return (rc);
}

/* plugin_split - split absolute PATH into its directory and last name */
static int
plugin_split(const char *path, char *dir, size_t len, const char **base)
{
    const char *slash;

    if (path == NULL || path[0] != '/')
	return (-EINVAL);
    slash = strrchr(path, '/');
    *base = slash + 1;
    if (**base == 0 || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
	return (-EINVAL);
    if ((size_t)(slash - path) + 1 >= len)
	return (-ENAMETOOLONG);
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = 0;
    return (0);
}

/* plugin_owner - owning package of PATH and the state of its bytes */
static int
plugin_owner(void *handle, const char *path, char *nevra, size_t len)
{
    struct plugin_db *db = handle;
    char dir[PATH_MAX];
    char canon[PATH_MAX];
    const char *base;
    rpmfiles files = NULL;
    int ix = -1;
    int dirfd;
    int rc;

    if (len > 0)
	nevra[0] = 0;
    plugin_lastlog[0] = 0;

    /* Resolve the directory part inside the root, keep the last name. */
    if ((rc = plugin_split(path, dir, sizeof(dir), &base)) < 0)
	return (rc);
    if ((rc = plugin_resolve(db->rootfd, dir, 1, canon, sizeof(canon))) < 0)
	return (rc);
    dirfd = canon[0] ? openat(db->rootfd, canon + 1,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		     : fcntl(db->rootfd, F_DUPFD_CLOEXEC, 0);
    if (dirfd < 0)
	return (-errno);
    if ((rc = plugin_append(canon, sizeof(canon), base, strlen(base))) < 0)
	goto out;

    /* The canonical name first, then the name as given. */
    rc = plugin_lookup(db->ts, canon, nevra, len, &files, &ix);
    if (rc == 0 && files == NULL && strcmp(canon, path) != 0)
	rc = plugin_lookup(db->ts, path, nevra, len, &files, &ix);
    if (rc < 0)
	goto out;
    if (files == NULL) {
	rc = RPMDB_UNOWNED;
	goto out;
    }
    rc = plugin_verify(dirfd, base, files, ix);
    rpmfilesFree(files);

out:
    close(dirfd);
    return (rc);
}

/* plugin_version - version of the installed package NAME */
static int
plugin_version(void *handle, const char *name, char *buf, size_t len)
{
    struct plugin_db *db = handle;
    rpmdbMatchIterator mi;
    const char *version;
    Header h;
    int rc = -ENOENT;

    if (len > 0)
	buf[0] = 0;
    if (name == NULL || name[0] == 0)
	return (-EINVAL);
    mi = rpmtsInitIterator(db->ts, RPMDBI_NAME, name, 0);
    if (mi && (h = rpmdbNextIterator(mi)) != NULL) {
	version = headerGetString(h, RPMTAG_VERSION);
	if (version == NULL)
	    rc = -EINVAL;
	else if (strlen(version) >= len)
	    rc = -ERANGE;
	else {
	    strcpy(buf, version);
	    rc = 0;
	}
    }
    rpmdbFreeIterator(mi);
    return (rc);
}

/* plugin_close - close the database and free the handle */
static void
plugin_close(void *handle)
{
    struct plugin_db *db = handle;

    if (db == NULL)
	return;
    rpmtsFree(db->ts);
    plugin_fini();
    close(db->rootfd);
    free(db);
}

const struct rpmdb_plugin postfix_chroot_rpmdb = {
    .abi = RPMDB_PLUGIN_ABI,
    .open = plugin_open,
    .owner = plugin_owner,
    .version = plugin_version,
    .close = plugin_close,
};
