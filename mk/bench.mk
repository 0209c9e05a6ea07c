# bench.mk - time postfix-chroot against the scripts it replaces.
#
#   make bench	build, then run scripts/bench.sh (root; about two minutes)
#
# On a sandbox jail fed from this machine's real /etc and libraries, the
# program is compared with Postfix's example script LINUX2 (taken at run
# time from the Debian source package, never stored in the tree) and with
# Debian's configure-instance.sh, in four scenarios: first population,
# no-op rerun, one changed file, and a trigger with 50,000 irrelevant
# paths.  The floor is an empty C program timed in the same rounds.  The
# report (medians with their spread, ratios, processes, peak RSS,
# callgrind counts, PASS/FAIL per target and, for a miss, where the time
# goes) is printed and kept in $(BUILD)/bench/bench.txt with the raw data.
# Exit status 1 when a target is missed, 2 when the bench cannot run.
# BENCH_ROUNDS, BENCH_RUNS, BENCH_SCENARIOS and friends: see the script.

bench: all
	BENCH_OUT=$${BENCH_OUT:-$(abspath $(BUILD))/bench} \
	    sh scripts/bench.sh $(abspath $(PROG))
