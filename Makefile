# postfix-chroot - keep a Postfix chroot jail supplied, safely.
#
# Targets: all check demo install dist bench format check-format clean
# (rpm, srpm, e2e, fuzz and friends live in mk/*.mk).

VERSION		= 0.1.0
PREFIX		?= /usr
sbindir		?= $(PREFIX)/sbin
mandir		?= $(PREFIX)/share/man
libdir		?= $(PREFIX)/lib64
pkglibdir	?= $(libdir)/postfix-chroot
sysconfdir	?= /etc
localstatedir	?= /var
DESTDIR		?=

BUILD		?= build
CC		?= cc
PKG_CONFIG	?= pkg-config

WARN	= -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	  -Wstrict-prototypes -Wwrite-strings
CFLAGS	?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Isrc \
	    -DPFC_VERSION='"$(VERSION)"' \
	    -DPFC_SYSCONFDIR='"$(sysconfdir)"' \
	    -DPFC_STATEDIR='"$(localstatedir)/lib/postfix-chroot"' \
	    -DPFC_PKGLIBDIR='"$(pkglibdir)"'
SELINUX_LIBS	= $(shell $(PKG_CONFIG) --libs libselinux 2>/dev/null || echo -lselinux)
RPM_CFLAGS	= $(shell $(PKG_CONFIG) --cflags rpm 2>/dev/null)
RPM_LIBS	= $(shell $(PKG_CONFIG) --libs rpm 2>/dev/null || echo -lrpm -lrpmio)
CHECK_CFLAGS	= $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS	= $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# Every src/*.c except the entry point and the rpm plugin goes into a
# static library that the program and the tests share.
LIB_SRCS	= $(filter-out src/main.c src/rpmdb_plugin.c,$(wildcard src/*.c))
LIB_OBJS	= $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
TEST_SRCS	= $(wildcard tests/check_*.c)
SUITES		= $(TEST_SRCS:tests/check_%.c=%)

PROG		= $(BUILD)/postfix-chroot
PLUGIN		= $(BUILD)/rpmdb.so

# Extra test programs hook themselves in here from mk/*.mk.
CHECK_TARGETS	=

.PHONY: all deps check unit unit-asan unit-valgrind demo install dist bench \
	format check-format clean

all: $(PROG) $(PLUGIN)

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -fPIC -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/libpfc.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(PROG): $(BUILD)/obj/main.o $(BUILD)/libpfc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--build-id -o $@ $^ -ldl

# librpm doubles the start-up cost of a program, so only the commands that
# read the rpm database load it, through this small plugin.
$(PLUGIN): src/rpmdb_plugin.c src/rpmdb.h | $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(RPM_CFLAGS) $(CFLAGS) $(WARN) -fPIC -shared \
	    -o $@ $< $(LDFLAGS) $(RPM_LIBS)

# The unit test runner: one Suite per tests/check_NAME.c, each exporting
# NAME_suite().
$(BUILD)/tests/suites.h: $(TEST_SRCS) | $(BUILD)/tests
	@{ for s in $(SUITES); do echo "SUITE($$s)"; done; } > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/tests/check_all: tests/runner.c $(TEST_SRCS) $(wildcard tests/*.h) \
		$(BUILD)/tests/suites.h $(BUILD)/libpfc.a
	$(CC) $(CPPFLAGS) -I$(BUILD)/tests -Itests $(CHECK_CFLAGS) $(CFLAGS) \
	    $(WARN) -Wno-missing-prototypes -o $@ tests/runner.c $(TEST_SRCS) \
	    $(BUILD)/libpfc.a $(LDFLAGS) -Wl,--build-id $(CHECK_LIBS) -ldl

unit: $(BUILD)/tests/check_all $(PROG) $(PLUGIN)
	PFC_PROG=$(abspath $(PROG)) PFC_PLUGIN=$(abspath $(PLUGIN)) \
	    PFC_TESTS=$(abspath tests) $(BUILD)/tests/check_all

# The whole suite: unit and integration tests, the same under ASan and
# UBSan, the unit runner under valgrind, then what mk/*.mk adds.
check: deps
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) unit-valgrind
	$(MAKE) $(CHECK_TARGETS)
	$(MAKE) check-format

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

# LeakSanitizer checks every forked test and every run of the program;
# tests/lsan.supp names the leaks of system libraries that tests provoke
# on purpose.
unit-asan:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	$(MAKE) BUILD=$(BUILD)/asan CFLAGS="$(SAN_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" unit

unit-valgrind: $(BUILD)/tests/check_all $(PROG) $(PLUGIN)
	CK_FORK=no PFC_PROG=$(abspath $(PROG)) PFC_PLUGIN=$(abspath $(PLUGIN)) \
	    PFC_TESTS=$(abspath tests) valgrind -q --leak-check=full --child-silent-after-fork=yes \
	    --errors-for-leak-kinds=definite --error-exitcode=1 --num-callers=50 \
	    --suppressions=tests/rpmdb/valgrind.supp \
	    $(BUILD)/tests/check_all

demo: deps
	$(MAKE) all
	sh scripts/demo.sh $(abspath $(PROG))

install: all
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mandir)/man8 \
	    $(DESTDIR)$(pkglibdir) $(DESTDIR)$(sysconfdir)
	install -m 0755 $(PROG) $(DESTDIR)$(sbindir)/postfix-chroot
	install -m 0755 $(PLUGIN) $(DESTDIR)$(pkglibdir)/rpmdb.so
	install -m 0644 doc/postfix-chroot.8 $(DESTDIR)$(mandir)/man8/
	install -m 0644 doc/postfix-chroot.conf \
	    $(DESTDIR)$(sysconfdir)/postfix-chroot.conf

dist:
	mkdir -p $(BUILD)
	git archive --format=tar.gz --prefix=postfix-chroot-$(VERSION)/ \
	    -o $(BUILD)/postfix-chroot-$(VERSION).tar.gz HEAD

format:
	clang-format -i src/*.[ch] tests/*.[ch]

check-format:
	@out=$$(awk 'length($$0) > 80 { print FILENAME ":" FNR ": longer than 80 columns" }' \
	    src/*.[ch] tests/*.[ch]); [ -z "$$out" ] || { echo "$$out"; exit 1; }
	@echo "check-format: all lines within 80 columns"

clean:
	rm -rf $(BUILD)

-include mk/*.mk
