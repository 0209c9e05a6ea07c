/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * empty - the floor of the benchmark: a dynamically linked C program that
 * does nothing.  Its wall time is what merely starting a process costs on
 * the machine (fork, exec, the loader mapping libc); no tool that runs as
 * its own process can be faster.
 */

int
main(void)
{
    return (0);
}
