/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * copyfloor - the floor of the first population: the least a durable,
 * atomic copy of the same files costs, with nothing else done.
 *
 * usage: copyfloor JAIL LIST
 *
 * LIST holds one absolute host path a line; each file is copied to the
 * same path below JAIL, the way postfix-chroot places it: a temporary
 * file in the final directory (made when missing), the bytes copied by
 * the kernel, one syncfs() for all files, the renames, one syncfs() for
 * the directories.  No plan, no checks, no owner, mode, label, time or
 * manifest: whatever the tool adds to this is its own cost.  Bench code,
 * never installed; exits 1 at the first error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 256

struct copy {
    int dfd;
    char tmp[32];
    char *name;
};

/* fail - say what failed and stop */
static void
fail(const char *what, const char *path)
{
    fprintf(stderr, "copyfloor: %s: %s: %s\n", path, what, strerror(errno));
    exit(1);
}

/* parent_fd - open (making it when missing) the directory of REL */
static int
parent_fd(int jfd, char *rel, char **name)
{
    char *slash = strrchr(rel, '/'), *p;
    int fd;

    if (slash == NULL) {
	*name = rel;
	return (dup(jfd));
    }
    *slash = 0;
    for (p = rel; (p = strchr(p, '/')) != NULL; p++) {
	*p = 0;
	if (mkdirat(jfd, rel, 0755) < 0 && errno != EEXIST)
	    fail("mkdir", rel);
	*p = '/';
    }
    if (mkdirat(jfd, rel, 0755) < 0 && errno != EEXIST)
	fail("mkdir", rel);
    if ((fd = openat(jfd, rel, O_RDONLY | O_DIRECTORY)) < 0)
	fail("open", rel);
    *slash = '/';
    *name = slash + 1;
    return (fd);
}

int
main(int argc, char **argv)
{
    static struct copy c[MAX_FILES];
    char line[4096];
    size_t n = 0, i;
    FILE *fp;
    int jfd, src, fd;
    ssize_t w;

    if (argc != 3) {
	fprintf(stderr, "usage: copyfloor JAIL LIST\n");
	return (64);
    }
    if ((jfd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
	fail("open", argv[1]);
    if ((fp = fopen(argv[2], "r")) == NULL)
	fail("open", argv[2]);
    while (n < MAX_FILES && fgets(line, sizeof(line), fp)) {
	line[strcspn(line, "\n")] = 0;
	if (line[0] != '/')
	    continue;
	if ((src = open(line, O_RDONLY)) < 0)
	    fail("open", line);
	c[n].dfd = parent_fd(jfd, strdup(line + 1), &c[n].name);
	snprintf(c[n].tmp, sizeof(c[n].tmp), ".copyfloor.%zu", n);
	fd = openat(c[n].dfd, c[n].tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
	    fail("create", c[n].tmp);
	while ((w = copy_file_range(src, NULL, fd, NULL, 1 << 30, 0)) > 0)
	    ;
	if (w < 0)
	    fail("copy_file_range", line);
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	close(fd);
	close(src);
	n++;
    }
    fclose(fp);
    if (syncfs(jfd) < 0)
	fail("syncfs", argv[1]);
    for (i = 0; i < n; i++)
	if (renameat(c[i].dfd, c[i].tmp, c[i].dfd, c[i].name) < 0)
	    fail("rename", c[i].name);
    if (syncfs(jfd) < 0)
	fail("syncfs", argv[1]);
    return (0);
}
