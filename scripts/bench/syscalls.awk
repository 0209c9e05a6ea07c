# syscalls.awk - sort the system calls of an strace log into kinds
#
# Input: strace -o FILE output of one run (no -f).  Output: one line,
# "N calls: K1 N1, K2 N2, ...", the kinds by falling count.  A failed
# lookup is any call that ended in ENOENT or ENOTDIR; lstat and readlink
# are what walking a path component by component costs; pread64 is what
# reading ELF headers costs; getdents64 and fcntl are directory listings
# (opendir, fdopendir); the loader's and libc's start-up calls fall into
# the same kinds as the program's own.

/^(\+\+\+|---)/ { next }

{
	n++
	name = $0
	sub(/\(.*/, "", name)
	if ($0 ~ /= -1 (ENOENT|ENOTDIR)/)
		k = "failed lookups (ENOENT)"
	else if (name == "newfstatat" && $0 ~ /AT_SYMLINK_NOFOLLOW/ ||
	    name == "readlinkat" || name == "readlink" || name == "lstat")
		k = "lstat/readlink (path walks)"
	else if (name == "newfstatat" || name == "fstat" || name == "statfs")
		k = "fstat"
	else if (name == "pread64")
		k = "pread64 (ELF headers)"
	else if (name == "getdents64" || name == "fcntl")
		k = "getdents64/fcntl (directory listings)"
	else if (name == "openat" || name == "open" || name == "close")
		k = "open/close"
	else if (name == "read" || name == "write")
		k = "read/write"
	else if (name ~ /^(mmap|mprotect|munmap|brk|arch_prctl|set_tid_address|set_robust_list|rseq|prlimit64|execve|access|getrandom|exit_group)$/)
		k = "process start-up (mmap, mprotect, ...)"
	else
		k = name
	c[k]++
}

END {
	printf "%d calls:", n
	for (;;) {
		best = ""
		for (k in c)
			if (best == "" || c[k] > c[best])
				best = k
		if (best == "")
			break
		printf "%s %s %d", sep, best, c[best]
		sep = ","
		delete c[best]
	}
	printf "\n"
}
