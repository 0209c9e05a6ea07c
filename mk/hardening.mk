# hardening.mk - attacks, crashes, live daemons, faults and hostile input.
#
#   make hardening          the suite (root; a few minutes); part of check
#   make hardening-long     the same with larger counts (kills, races,
#                           live updates): for a release, not for CI
#   make hardening-pending  only the regression tests of the faults found
#                           (pending.sh); a test of a fault not yet fixed
#                           fails here, and its fault is listed in
#                           tests/hardening/known-faults, which the other
#                           scripts tolerate until the fix is in
#   make hardening-build    the helpers only
#
# Every script is tests/hardening/NAME.sh, run as
#   sh tests/hardening/NAME.sh PROG HELPERDIR
# and prints its figures and a "NAME: N passed, M failed" line.  The
# figures of the last run go to $(BUILD)/hardening/figures.txt.
# HARDENING_PARTS chooses scripts (default: all of the suite); variables
# that set the counts (HX_KILLS, HX_LIVE_UPDATES, HX_RACE_RUNS, ...) are
# described at the top of each script.

HX_DIR		= $(BUILD)/hardening
HX_CFLAGS	= $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes
HX_HELPERS	= $(HX_DIR)/hxrun $(HX_DIR)/hxsnap $(HX_DIR)/hxrace \
		  $(HX_DIR)/hxsyslog $(HX_DIR)/hxelf $(HX_DIR)/hxlive \
		  $(HX_DIR)/hxkill.so $(HX_DIR)/v1/libnss_hxlive.so.2 \
		  $(HX_DIR)/v2/libnss_hxlive.so.2
# pending belongs in the list while tests/hardening/known-faults is empty;
# take it out while a fault listed there is open.
HARDENING_PARTS	?= attack crash live faults hostile pending
HARDENING_LONG	= HX_KILLS=2000 HX_RACE_RUNS=2000 HX_LIVE_UPDATES=10000 \
		  HX_ENABLE_KILLS=200

CHECK_TARGETS	+= hardening

.PHONY: hardening hardening-long hardening-pending hardening-build

hardening-build: $(HX_HELPERS)

$(HX_DIR) $(HX_DIR)/v1 $(HX_DIR)/v2:
	mkdir -p $@

$(HX_DIR)/hx%: tests/hardening/hx%.c | $(HX_DIR)
	$(CC) $(HX_CFLAGS) -o $@ $< $(LDFLAGS)

$(HX_DIR)/hxlive: tests/hardening/hxlive.c | $(HX_DIR)
	$(CC) $(HX_CFLAGS) -o $@ $< $(LDFLAGS) -ldl

$(HX_DIR)/hxkill.so: tests/hardening/hxkill.c | $(HX_DIR)
	$(CC) $(HX_CFLAGS) -fPIC -shared -U_FORTIFY_SOURCE -o $@ $< \
	    $(LDFLAGS) -ldl

$(HX_DIR)/v%/libnss_hxlive.so.2: tests/hardening/hxlivelib.c \
		| $(HX_DIR)/v1 $(HX_DIR)/v2
	$(CC) $(HX_CFLAGS) -DHXLIVE_VERSION=$* -fPIC -shared \
	    -Wl,-soname,libnss_hxlive.so.2 -o $@ $< $(LDFLAGS)

# hx_parts STATUSVAR PARTS ENV - run the scripts, collect the figures.
define hx_parts
@fail=0; mkdir -p $(HX_DIR); : >$(HX_DIR)/figures.txt; \
for p in $(2); do \
	echo "== hardening: $$p"; \
	if env $(3) HX_FIGURES=$(abspath $(HX_DIR))/figures.txt \
	    sh tests/hardening/$$p.sh $(abspath $(PROG)) $(abspath $(HX_DIR)); \
	then :; else fail=1; fi; \
done; \
echo "== figures ($(HX_DIR)/figures.txt)"; cat $(HX_DIR)/figures.txt; \
exit $$fail
endef

hardening: $(PROG) $(HX_HELPERS)
	$(call hx_parts,fail,$(HARDENING_PARTS),)

hardening-long: $(PROG) $(HX_HELPERS)
	$(call hx_parts,fail,$(HARDENING_PARTS),$(HARDENING_LONG))

hardening-pending: $(PROG) $(HX_HELPERS)
	$(call hx_parts,fail,pending,)
