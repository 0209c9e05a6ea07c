# mutations.awk - find the system calls in an strace log that change files
#
# Input: the output of strace -f -y -o FILE (one call per line, each line
# led by the pid; -y prints every descriptor with its path).  Variables:
# jail and state, the two directories of the sandbox.
#
# A call changes something when it renames, unlinks, creates, links,
# changes mode, owner, times or extended attributes, truncates, syncs or
# writes, or opens for writing or creation.  Only calls that succeeded are
# counted.  Each is put where its path or descriptor lies: in the jail, in
# the state directory, or elsewhere (stderr, /dev/null, the syslog socket).
# Output: "jail=N state=N other=N", then the jail's calls, at most ten.

BEGIN {
	split("rename renameat renameat2 unlink unlinkat rmdir mkdir " \
	    "mkdirat symlink symlinkat link linkat chmod fchmod fchmodat " \
	    "chown fchown fchownat lchown setxattr lsetxattr fsetxattr " \
	    "removexattr lremovexattr fremovexattr utimensat utimes utime " \
	    "futimesat truncate ftruncate mknod mknodat fsync fdatasync " \
	    "syncfs fallocate copy_file_range sendfile write pwrite64 " \
	    "writev pwritev pwritev2 creat", m, " ")
	for (i in m)
		mut[m[i]] = 1
	nj = ns = no = 0
}

/^[0-9]+ +(\+\+\+|---)/ { next }

{
	line = $0
	sub(/^[0-9]+ +/, "", line)
	name = line
	sub(/\(.*/, "", name)
	if (line ~ /= -1 [A-Z]/ || line ~ /= \? *$/)
		next
	if (!(name in mut) && !(name ~ /^open/ &&
	    line ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/))
		next
	if (jail != "" && index(line, jail)) {
		nj++
		if (nj <= 10)
			shown[nj] = line
	} else if (state != "" && index(line, state))
		ns++
	else
		no++
}

END {
	printf "jail=%d state=%d other=%d\n", nj, ns, no
	for (i = 1; i <= nj && i <= 10; i++)
		print "    " shown[i]
}
