# stats.awk - summary of a sorted list of wall times
#
# Input: one time in seconds per line, sorted ascending (sort -g).
# Output: one line "N MEDIAN P25 P75 MIN MAX", times in milliseconds;
# quantiles interpolate linearly between neighbouring samples.

{ v[++n] = $1 * 1000 }

function q(p,	h, lo) {
	h = (n - 1) * p + 1
	lo = int(h)
	if (lo >= n)
		return v[n]
	return v[lo] + (h - lo) * (v[lo + 1] - v[lo])
}

END {
	if (n == 0) {
		print "0 nan nan nan nan nan"
		exit
	}
	printf "%d %.3f %.3f %.3f %.3f %.3f\n", n, q(0.5), q(0.25), q(0.75),
	    v[1], v[n]
}
