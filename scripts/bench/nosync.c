/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nosync - an LD_PRELOAD object that turns fsync(2) and its kin into
 * no-ops, for the bench's diagnosis only: the difference between a run
 * with and without it is what durability costs on the bench's file
 * system.  Never used for the timings the targets are judged on.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

int
fsync(int fd)
{
    (void)fd;
    return (0);
}

int
fdatasync(int fd)
{
    (void)fd;
    return (0);
}

int
syncfs(int fd)
{
    (void)fd;
    return (0);
}
