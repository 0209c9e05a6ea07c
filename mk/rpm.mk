# rpm.mk - the RPM package and its integration tests.
#
#   make rpm       binary package from the release tarball (runs %check)
#   make srpm      source package
#   make rpmlint   rpmlint on both
#   make rpm-test  the package (without %check), test packages, and the
#                  proofs in test roots with rpm --root and dnf --installroot
#
# rpmbuild works in a private top directory below $(BUILD); nothing is
# read from or written to ~/rpmbuild or the machine's rpm database.

RPM_TOP		= $(abspath $(BUILD))/rpmbuild
RPM_SPEC	= rpm/postfix-chroot.spec
RPM_TRIGGERS	= $(wildcard rpm/triggers/*.triggers)
RPM_TARBALL	= $(BUILD)/postfix-chroot-$(VERSION).tar.gz
RPMBUILD	?= rpmbuild
RPMLINT		?= rpmlint

# Where rpm does not manage the system (Debian), its database lists none
# of the build dependencies: skip that check there, and only there.
RPMBUILD_NODEPS	= $(shell rpm -q rpm >/dev/null 2>&1 || echo --nodeps)
RPMBUILD_FLAGS	= --define '_topdir $(RPM_TOP)' \
		  --define '_sourcedir $(RPM_TOP)/SOURCES' $(RPMBUILD_NODEPS) \
		  $(RPMBUILD_OPTS)
# More rpmbuild options, e.g. RPMBUILD_OPTS=--nocheck.
RPMBUILD_OPTS	?=

.PHONY: rpm srpm rpmlint rpm-test rpm-sources rpm-version

# The spec's Version must be the Makefile's VERSION.
rpm-version:
	@v=$$(sed -n 's/^Version:[[:space:]]*//p' $(RPM_SPEC)); \
	[ "$$v" = "$(VERSION)" ] || { echo "$(RPM_SPEC): Version $$v," \
	    "but the Makefile says $(VERSION)" >&2; exit 1; }

rpm-sources: rpm-version dist
	rm -rf $(RPM_TOP)
	mkdir -p $(RPM_TOP)/SOURCES
	cp $(RPM_TARBALL) $(RPM_TRIGGERS) $(RPM_TOP)/SOURCES/

rpm: rpm-sources
	$(RPMBUILD) $(RPMBUILD_FLAGS) -bb $(RPM_SPEC)

srpm: rpm-sources
	$(RPMBUILD) $(RPMBUILD_FLAGS) -bs $(RPM_SPEC)

rpmlint: rpm-sources
	$(RPMBUILD) $(RPMBUILD_FLAGS) -ba $(RPM_SPEC)
	$(RPMLINT) -c rpm/rpmlint.toml $(RPM_TOP)/SRPMS/*.src.rpm \
	    $(RPM_TOP)/RPMS/*/postfix-chroot-$(VERSION)-*.rpm

# make check has run the unit suite already: the package for the
# integration tests skips %check (make rpm alone runs it).
rpm-test: rpm-sources
	$(RPMBUILD) $(RPMBUILD_FLAGS) --nocheck -ba $(RPM_SPEC)
	bash tests/rpm/run.sh $(abspath $(BUILD))/rpm-test $(RPM_TOP)

CHECK_TARGETS += rpm-test
