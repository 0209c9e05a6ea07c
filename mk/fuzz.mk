# fuzz.mk - libFuzzer targets for the parsers of untrusted input.
#
# Every tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput() and becomes
# $(BUILD)/fuzz/fuzz_NAME, linked with clang against the src/ modules built
# again with the same sanitizers (not against the gcc-built libpfc.a).  A
# new target needs no edit here.  Its seeds are the files in tests/fuzz/NAME/
# (small, committed), its dictionary tests/fuzz/NAME.dict if there is one;
# what the fuzzer finds goes to $(BUILD)/fuzz/corpus/NAME, crashes to
# $(BUILD)/fuzz/artifacts/NAME/.
#
#   make fuzz		each target for FUZZ_SECONDS (300)
#   make fuzz-brief	each target for FUZZ_BRIEF_SECONDS (20); part of check
#   make fuzz-build	build the targets only
#
# A target links the objects of FUZZ_SRCS (every library module) unless
# FUZZ_SRCS_NAME names fewer, as it does for elf; set it (in the
# environment or on the command line) when another module does not
# compile.  Replay a crash with
#   $(BUILD)/fuzz/fuzz_NAME $(BUILD)/fuzz/artifacts/NAME/crash-...

FUZZ_CC			?= clang
FUZZ_SECONDS		?= 300
FUZZ_BRIEF_SECONDS	?= 20
FUZZ_CFLAGS		?= -O1 -g -fno-omit-frame-pointer
FUZZ_FLAGS		?= -timeout=10 -rss_limit_mb=2048
FUZZ_SAN		= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRCS		?= $(LIB_SRCS)

FUZZ_DIR	= $(BUILD)/fuzz
FUZZ_NAMES	= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	= $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

# _FORTIFY_SOURCE would route some calls around the ASan interceptors;
# -Werror is left to the gcc build, where the warnings are settled.  Unlike
# gcc, clang's -Wformat=2 also flags the printf-like wrappers that pass a
# va_list on, which is what they are for.
FUZZ_COMPILE	= $(FUZZ_CC) $(CPPFLAGS) -U_FORTIFY_SOURCE $(FUZZ_CFLAGS) \
		  $(FUZZ_SAN) $(filter-out -Werror,$(WARN)) \
		  -Wno-format-nonliteral

CHECK_TARGETS	+= fuzz-brief

.PHONY: fuzz fuzz-brief fuzz-build

$(FUZZ_DIR)/obj:
	mkdir -p $@

$(FUZZ_DIR)/obj/%.o: src/%.c $(wildcard src/*.h) | $(FUZZ_DIR)/obj
	$(FUZZ_COMPILE) -fsanitize=fuzzer-no-link -c -o $@ $<

# The ELF reader needs nothing else; keeping it alone means a module in
# progress elsewhere cannot stop its fuzzer from building.
FUZZ_SRCS_elf	?= src/elfread.c src/diag.c

# fuzz_target_rule NAME: link tests/fuzz/fuzz_NAME.c with its modules.  They
# go in through an archive, so only the members the target uses are linked
# and a module that refers to one not yet written does no harm.
define fuzz_target_rule
FUZZ_SRCS_$(1) ?= $$(FUZZ_SRCS)
$$(FUZZ_DIR)/fuzz_$(1).a: \
		$$(patsubst src/%.c,$$(FUZZ_DIR)/obj/%.o,$$(FUZZ_SRCS_$(1)))
	rm -f $$@ && ar rcs $$@ $$^
$$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_DIR)/fuzz_$(1).a
	$$(FUZZ_COMPILE) -Wno-missing-prototypes -fsanitize=fuzzer -o $$@ $$^ \
	    $$(SELINUX_LIBS) -ldl
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_target_rule,$(n))))

# fuzz_run SECONDS: run every target that long, say how many inputs each
# tried, show the sanitizer report of each that failed, and fail if any
# did.  libFuzzer exits non-zero on a crash, a sanitizer report, a leak, a
# timeout or running out of memory.
define fuzz_run
@fail=0; for n in $(FUZZ_NAMES); do \
	corpus=$(FUZZ_DIR)/corpus/$$n; art=$(FUZZ_DIR)/artifacts/$$n/; \
	log=$(FUZZ_DIR)/fuzz_$$n.log; seeds=; dict=; \
	[ -d tests/fuzz/$$n ] && seeds=tests/fuzz/$$n; \
	[ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
	mkdir -p $$corpus $$art; \
	if $(FUZZ_DIR)/fuzz_$$n $(FUZZ_FLAGS) $$dict -max_total_time=$(1) \
	    -print_final_stats=1 -artifact_prefix=$$art $$corpus $$seeds \
	    >$$log 2>&1; then st=ok; else st=FAILED; fail=1; fi; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	echo "fuzz_$$n: $$st, $${execs:-?} executions ($(1)s budget, $$log)"; \
	if [ $$st != ok ]; then \
	    awk '/==ERROR:|runtime error:|^fuzz_/ { n = 16 } n-- > 0' $$log | \
		head -n 40; \
	    grep -E '^SUMMARY:|Test unit written' $$log; \
	fi; \
done; exit $$fail
endef

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-brief: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_BRIEF_SECONDS))
