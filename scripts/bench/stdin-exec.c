/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stdin-exec - run a program with a file as its standard input
 *
 * usage: stdin-exec FILE PROGRAM [ARG ...]
 *
 * hyperfine (before 1.16) gives every command /dev/null as stdin, and a
 * shell to redirect it costs a process start of its own.  This opens FILE
 * on descriptor 0 and replaces itself with PROGRAM: no fork, and, linked
 * statically, no loader either.  The floor is timed through it as well,
 * so its own small cost cancels out of every comparison.
 */

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    int fd;

    if (argc < 3) {
	fputs("usage: stdin-exec FILE PROGRAM [ARG ...]\n", stderr);
	return (64);
    }
    if ((fd = open(argv[1], O_RDONLY)) < 0) {
	perror(argv[1]);
	return (66);
    }
    if (fd != 0 && (dup2(fd, 0) < 0 || close(fd) < 0)) {
	perror("dup2");
	return (71);
    }
    execv(argv[2], argv + 2);
    perror(argv[2]);
    return (127);
}
