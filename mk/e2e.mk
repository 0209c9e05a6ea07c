# e2e.mk - end-to-end suite with the real Postfix (tests/e2e/run.sh).
#
# `make e2e` needs root, Postfix, unshare and a kernel with overlayfs; it
# fails, never skips, when one is missing.  `make check` runs it.
#
# Built here: the test NSS module in two versions (the upgrade of check 5),
# the library it needs, and a small SMTP client.  Nothing is installed.

E2E_DIR		= $(BUILD)/e2e
E2E_CFLAGS	= $(CPPFLAGS) $(CFLAGS) $(WARN) -Itests/e2e
E2E_OBJS	= $(E2E_DIR)/smtpc $(E2E_DIR)/libpfctestmap.so.1 \
		  $(E2E_DIR)/v1/libnss_pfctest.so.2 \
		  $(E2E_DIR)/v2/libnss_pfctest.so.2

CHECK_TARGETS	+= e2e

.PHONY: e2e e2e-build

e2e-build: $(E2E_OBJS)

e2e: $(PROG) $(E2E_OBJS)
	sh tests/e2e/run.sh $(abspath $(PROG)) $(abspath $(E2E_DIR))

# The demo's Postfix part uses the same objects.
demo: e2e-build

$(E2E_DIR) $(E2E_DIR)/v1 $(E2E_DIR)/v2:
	mkdir -p $@

$(E2E_DIR)/smtpc: tests/e2e/smtpc.c | $(E2E_DIR)
	$(CC) $(E2E_CFLAGS) -o $@ $< $(LDFLAGS)

$(E2E_DIR)/libpfctestmap.so.1: tests/e2e/pfctestmap.c tests/e2e/pfctestmap.h \
		| $(E2E_DIR)
	$(CC) $(E2E_CFLAGS) -fPIC -shared -Wl,-soname,libpfctestmap.so.1 \
	    -o $@ $< $(LDFLAGS)

# The module names its dependency by soname (DT_NEEDED libpfctestmap.so.1)
# and carries no run path: the loader finds the dependency in the system
# directory, on the host and in the jail alike.
$(E2E_DIR)/v%/libnss_pfctest.so.2: tests/e2e/nss_pfctest.c \
		tests/e2e/pfctestmap.h $(E2E_DIR)/libpfctestmap.so.1 \
		| $(E2E_DIR)/v1 $(E2E_DIR)/v2
	$(CC) $(E2E_CFLAGS) -DPFCTEST_LABEL='"client-v$*"' -fPIC -shared \
	    -Wl,-soname,libnss_pfctest.so.2 -o $@ $< $(LDFLAGS) \
	    -L$(E2E_DIR) -l:libpfctestmap.so.1
