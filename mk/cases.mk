# cases.mk - the field-case suite (tests/check_cases.c) on its own.
#
# "make unit" already runs it with every other suite; "make cases" runs only
# it, as root, against fake roots that tests/fixtures/mkroot.sh builds from
# real ELF objects.  CASES_FORK=no runs the tests in one process (for gdb).

CASES_FORK	?= yes

.PHONY: cases

cases: $(BUILD)/tests/check_all $(PROG)
	CK_FORK=$(CASES_FORK) PFC_PROG=$(abspath $(PROG)) \
	    PFC_PLUGIN=$(abspath $(PLUGIN)) PFC_TESTS=$(abspath tests) \
	    $(BUILD)/tests/check_all cases
