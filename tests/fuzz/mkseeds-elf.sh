#!/bin/sh
# mkseeds-elf.sh - regenerate the seed corpus of fuzz_elf in tests/fuzz/elf/.
#
# The seeds are tiny real ELF files made by clang and lld for several
# targets, so that both classes and both byte orders, DT_NEEDED, DT_SONAME,
# DT_RUNPATH, DT_RPATH, PT_INTERP, a static executable and an object file
# are present.  No C library is linked, which keeps each file near 1 KB.
# Run it by hand when the seeds need to change, and commit the result; the
# build does not run it.
set -eu

out=$(cd "$(dirname "$0")" && pwd)/elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cd "$tmp"

printf 'int dep(void) { return 1; }\n' >dep.c
printf 'int dep(void);\nint lib(void) { return dep(); }\n' >lib.c
printf 'int dep(void);\nvoid _start(void) { dep(); for (;;); }\n' >exe.c
printf 'void _start(void) { for (;;); }\n' >static.c

LDFLAGS="-fuse-ld=lld -nostdlib -s -Wl,--build-id=none -Wl,-z,norelro"

# so TARGET NAME ARGS: a shared object for TARGET that needs libdep.so.1
so() {
	t=$1 name=$2
	shift 2
	clang --target="$t" -fPIC -shared $LDFLAGS -Wl,-soname,libdep.so.1 \
	    -o "libdep-$t.so" dep.c
	clang --target="$t" -fPIC -shared $LDFLAGS -Wl,-soname,"$name" \
	    "$@" -o "$out/$t-$name" lib.c "libdep-$t.so"
}

so x86_64-linux-gnu libnss_seed.so.2 -Wl,-rpath,'$ORIGIN/../lib' \
    -Wl,--enable-new-dtags
so x86_64-linux-gnu librpath.so.1 -Wl,-rpath,/opt/seed/lib \
    -Wl,--disable-new-dtags
so i386-linux-gnu libseed32.so.1
so powerpc-linux-gnu libseedbe32.so.1 -Wl,-rpath,/usr/lib/seed \
    -Wl,--disable-new-dtags
so powerpc64-linux-gnu libseedbe64.so.1 -Wl,-rpath,/usr/lib64/seed \
    -Wl,--enable-new-dtags
so aarch64-linux-gnu libseedarm.so.1

# A dynamic executable (PT_INTERP), a static one, and an object file,
# named without ".o" because .gitignore would hide it.
clang --target=x86_64-linux-gnu -fPIE -pie $LDFLAGS \
    -Wl,-dynamic-linker,/lib64/ld-seed.so.2 -o "$out/exe-dynamic" exe.c \
    libdep-x86_64-linux-gnu.so
clang --target=x86_64-linux-gnu -static $LDFLAGS -o "$out/exe-static" \
    static.c
clang --target=x86_64-linux-gnu -c -o "$out/object-rel" static.c
ls -l "$out"
