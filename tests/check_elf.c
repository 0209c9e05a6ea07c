/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	check_elf - tests of the ELF reader
 * SUMMARY
 *	Real, crafted and hostile ELF files through elfread_fd() and
 *	elfread_mem().
 * DESCRIPTION
 *	Three sources of input.  Shared objects, executables and object
 *	files compiled at test time with cc: soname, DT_NEEDED, RUNPATH
 *	against RPATH, PT_INTERP.  Objects of the running system, found
 *	through the test program itself so that no path is assumed: the
 *	program, its C library and the NSS modules next to it.  Images
 *	crafted byte by byte for both classes and both byte orders, read
 *	whole, cut short at every length, and damaged one way at a time
 *	from a table of hostile inputs.  Each crafted case goes through
 *	both readers, which must agree.
 *
 *	Each test works in its own directory below a temporary directory
 *	that an unchecked fixture makes and removes, so that a test that
 *	crashes leaves nothing behind.
 * DIAGNOSTICS
 *	Failures say "got X, want Y".
 * SECURITY
 *	Test code; never installed.
 * BUGS
 *	The compiled cases need cc in PATH and fail, rather than pass,
 *	without it.  Objects of another class or byte order are crafted, not
 *	compiled, because a multilib or cross toolchain cannot be assumed.
 */

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfread.h"

#define PT_NULL_ 0
#define PT_LOAD_ 1
#define PT_DYNAMIC_ 2
#define PT_INTERP_ 3
#define DT_NULL_ 0
#define DT_NEEDED_ 1
#define DT_STRTAB_ 5
#define DT_STRSZ_ 10
#define DT_SONAME_ 14
#define DT_RPATH_ 15
#define DT_DEBUG_ 21
#define DT_RUNPATH_ 29

#define TEST_MACHINE 0x1234 /* bytes differ, so a swap shows */

/* The per-TCase temporary directory, made before the tests fork. */
static char tmp_root[] = "/tmp/check_elf.XXXXXX";
static bool tmp_made;

/* rm_entry - nftw() callback that removes one entry */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    (void)remove(path);
    return (0);
}

/* tmp_setup - unchecked fixture: make the temporary directory */
static void
tmp_setup(void)
{
    strcpy(tmp_root, "/tmp/check_elf.XXXXXX");
    tmp_made = mkdtemp(tmp_root) != NULL;
}

/* tmp_teardown - unchecked fixture: remove it, whatever the tests did */
static void
tmp_teardown(void)
{
    if (tmp_made)
	(void)nftw(tmp_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    tmp_made = false;
}

/* test_dir - a fresh directory for one test */
static const char *
test_dir(const char *name)
{
    static char path[256];

    ck_assert_msg(tmp_made, "temporary directory: got none, want one");
    snprintf(path, sizeof(path), "%s/%s", tmp_root, name);
    ck_assert_msg(mkdir(path, 0700) == 0, "mkdir %s: got %s, want success",
		  path, strerror(errno));
    return (path);
}

/* write_file - create DIR/NAME holding LEN bytes of DATA */
static void
write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "create %s: got %s, want success", path,
		  strerror(errno));
    ck_assert_msg(write(fd, data, len) == (ssize_t)len,
		  "write %s: got a short write, want %zu bytes", path, len);
    close(fd);
}

/* read_path - elfread_fd() on a path; -errno if it cannot be opened */
static int
read_path(const char *path, struct elf_info *info)
{
    int fd;
    int err;

    memset(info, 0, sizeof(*info));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
	return (-errno);
    err = elfread_fd(fd, info);
    close(fd);
    return (err);
}

/* run_cc - run cc with the NULL-terminated arguments in DIR */
static void
run_cc(const char *dir, ...)
{
    char *argv[32];
    char cmd[1024] = "cc";
    va_list ap;
    size_t n = 0;
    pid_t pid;
    int status;

    argv[n++] = (char *)"cc";
    va_start(ap, dir);
    while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
	n++;
    va_end(ap);
    argv[n] = NULL;
    for (n = 1; argv[n] != NULL; n++)
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", argv[n]);

    /* No shell: the arguments go to cc as they are. */
    ck_assert_msg((pid = fork()) >= 0, "fork: got %s, want success",
		  strerror(errno));
    if (pid == 0) {
	if (chdir(dir) < 0)
	    _exit(126);
	execvp(argv[0], argv);
	_exit(127);
    }
    ck_assert_msg(waitpid(pid, &status, 0) == pid, "waitpid: got %s",
		  strerror(errno));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "%s in %s: got status %#x, want exit 0 (127: cc not "
		  "found)",
		  cmd, dir, status);
}

/* errname - a short name for an error result */
static const char *
errname(int err)
{
    switch (err) {
    case 0:
	return ("0");
    case -ENOEXEC:
	return ("-ENOEXEC");
    case -E2BIG:
	return ("-E2BIG");
    case -EISDIR:
	return ("-EISDIR");
    case -EBADF:
	return ("-EBADF");
    case -ENOMEM:
	return ("-ENOMEM");
    default:
	return ("other");
    }
}

/* check_err - compare a result with the expected one */
static void
check_err(const char *what, int got, int want)
{
    ck_assert_msg(got == want, "%s: got %d (%s), want %d (%s)", what, got,
		  errname(got), want, errname(want));
}

/* check_str - compare an optional string with the expected one */
static void
check_str(const char *what, const char *got, const char *want)
{
    bool same =
	(got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;

    ck_assert_msg(same, "%s: got \"%s\", want \"%s\"", what,
		  got ? got : "(null)", want ? want : "(null)");
}

/* check_empty - a failed read must leave nothing behind */
static void
check_empty(const char *what, const struct elf_info *info)
{
    ck_assert_msg(info->soname == NULL && info->runpath == NULL &&
		      info->rpath == NULL && info->interp == NULL &&
		      info->needed == NULL && info->nneeded == 0 &&
		      info->elf_class == 0,
		  "%s: got a filled elf_info after failure, want zeroed", what);
}

/* has_needed - does INFO need a name starting with PREFIX? */
static bool
has_needed(const struct elf_info *info, const char *prefix)
{
    size_t i;

    for (i = 0; i < info->nneeded; i++)
	if (strncmp(info->needed[i], prefix, strlen(prefix)) == 0)
	    return (true);
    return (false);
}

/* host_class - the class of the test program itself */
static int
host_class(void)
{
    return (sizeof(void *) == 8 ? ELF_CLASS64 : ELF_CLASS32);
}

/* host_data - the byte order of the test program itself */
static int
host_data(void)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (ELF_DATA_LSB);
#else
    return (ELF_DATA_MSB);
#endif
}

/*
 * Crafted images.  Layout: ELF header, program headers (PT_LOAD of the
 * whole file, PT_DYNAMIC, PT_INTERP, then optional PT_NULL ones), the
 * interpreter name, the string table, the dynamic section.  The offsets of
 * every part are kept so that the hostile cases can damage one field.
 */
struct img {
    unsigned char *buf;
    size_t len;
    int cls;
    int data;
    size_t word;    /* 4 or 8 */
    size_t phsize;  /* program header size */
    size_t dynsize; /* dynamic entry size */
    size_t phoff;
    size_t phnum;
    uint64_t base;     /* virtual address of file offset 0 */
    size_t interp;     /* offset of the interpreter name */
    size_t interp_len; /* with its NUL */
    size_t strtab;     /* offset of the string table */
    size_t strsz;
    size_t dyn;        /* offset of the dynamic section */
    size_t ndyn;       /* entries up to DT_NULL, included */
    size_t str_soname; /* string table offsets */
    size_t str_rpath;
};

struct img_opts {
    size_t extra_needed; /* more DT_NEEDED naming the first name */
    size_t extra_phdrs;  /* PT_NULL program headers */
    size_t extra_dyn;    /* DT_DEBUG entries before DT_NULL */
    size_t slack_dyn;    /* bad DT_NEEDED entries after DT_NULL */
    const char *first;   /* first needed name, or libfoo.so.1 */
    const char *runpath; /* or $ORIGIN/../lib */
    bool static_exec;    /* no PT_DYNAMIC, no PT_INTERP */
};

#define IMG_INTERP "/lib/ld-test.so.1"
#define IMG_SONAME "libtest.so.1"
#define IMG_BAR "libbar.so.2"
#define IMG_RPATH "/opt/rpath"

/* put - store VAL in WIDTH bytes at OFF, in the image's byte order */
static void
put(struct img *im, size_t off, uint64_t val, size_t width)
{
    size_t i;

    for (i = 0; i < width; i++) {
	size_t at = im->data == ELF_DATA_LSB ? i : width - 1 - i;

	im->buf[off + at] = (unsigned char)(val >> (8 * i));
    }
}

/* ph_at - offset of a field of program header IDX */
static size_t
ph_at(const struct img *im, size_t idx, const char *field)
{
    size_t base = im->phoff + idx * im->phsize;
    bool is64 = im->cls == ELF_CLASS64;

    if (strcmp(field, "type") == 0)
	return (base);
    if (strcmp(field, "offset") == 0)
	return (base + (is64 ? 8 : 4));
    if (strcmp(field, "vaddr") == 0)
	return (base + (is64 ? 16 : 8));
    if (strcmp(field, "filesz") == 0)
	return (base + (is64 ? 32 : 16));
    if (strcmp(field, "memsz") == 0)
	return (base + (is64 ? 40 : 20));
    ck_abort_msg("ph_at: got field %s, want a known one", field);
    return (0);
}

/* put_ph - set a field of program header IDX */
static void
put_ph(struct img *im, size_t idx, const char *field, uint64_t val)
{
    put(im, ph_at(im, idx, field), val,
	strcmp(field, "type") == 0 ? 4 : im->word);
}

/* dyn_get - tag (FIELD 0) or value (FIELD 1) of dynamic entry IDX */
static uint64_t
dyn_get(const struct img *im, size_t idx, size_t field)
{
    const unsigned char *p =
	im->buf + im->dyn + idx * im->dynsize + field * im->word;
    uint64_t val = 0;
    size_t j;

    for (j = 0; j < im->word; j++)
	val |= (uint64_t)p[im->data == ELF_DATA_LSB ? j : im->word - 1 - j]
	       << (8 * j);
    return (val);
}

/* dyn_find - index of the first dynamic entry with TAG */
static size_t
dyn_find(const struct img *im, uint64_t tag)
{
    size_t i;

    for (i = 0; i < im->ndyn; i++)
	if (dyn_get(im, i, 0) == tag)
	    return (i);
    ck_abort_msg("dyn_find: got no tag %ju, want one", (uintmax_t)tag);
    return (0);
}

/* put_dyn - set tag and value of dynamic entry IDX */
static void
put_dyn(struct img *im, size_t idx, uint64_t tag, uint64_t val)
{
    size_t off = im->dyn + idx * im->dynsize;

    put(im, off, tag, im->word);
    put(im, off + im->word, val, im->word);
}

/* img_build - craft a valid image of class CLS and byte order DATA */
static void
img_build(struct img *im, int cls, int data, const struct img_opts *opt)
{
    static const struct img_opts none;
    const char *first;
    const char *runpath;
    size_t str_first, str_bar, str_runpath;
    size_t nload = 1;
    size_t ntotal;
    size_t i;
    size_t n;

    opt = opt ? opt : &none;
    first = opt->first ? opt->first : "libfoo.so.1";
    runpath = opt->runpath ? opt->runpath : "$ORIGIN/../lib";
    memset(im, 0, sizeof(*im));
    im->cls = cls;
    im->data = data;
    im->word = cls == ELF_CLASS64 ? 8 : 4;
    im->phsize = cls == ELF_CLASS64 ? 56 : 32;
    im->dynsize = 2 * im->word;
    im->base = cls == ELF_CLASS64 ? 0x1234500000000ULL : 0x12340000;

    /* Where everything goes. */
    im->phoff = cls == ELF_CLASS64 ? 64 : 52;
    im->phnum = (opt->static_exec ? nload : nload + 2) + opt->extra_phdrs;
    im->interp = im->phoff + im->phnum * im->phsize;
    im->interp_len = sizeof(IMG_INTERP);
    im->strtab = im->interp + im->interp_len;
    str_first = 1;
    str_bar = str_first + strlen(first) + 1;
    im->str_soname = str_bar + sizeof(IMG_BAR);
    str_runpath = im->str_soname + sizeof(IMG_SONAME);
    im->str_rpath = str_runpath + strlen(runpath) + 1;
    im->strsz = im->str_rpath + sizeof(IMG_RPATH);
    im->dyn = (im->strtab + im->strsz + 7) & ~(size_t)7;
    im->ndyn = 2 + opt->extra_needed + 3 + opt->extra_dyn + 3;
    ntotal = im->ndyn + opt->slack_dyn;
    im->len = opt->static_exec ? im->strtab : im->dyn + ntotal * im->dynsize;
    im->buf = calloc(1, im->len);
    ck_assert_msg(im->buf != NULL, "calloc %zu: got NULL", im->len);

    /* The ELF header. */
    memcpy(im->buf, "\177ELF", 4);
    im->buf[4] = cls;
    im->buf[5] = data;
    im->buf[6] = 1;
    put(im, 16, opt->static_exec ? ELF_TYPE_EXEC : ELF_TYPE_DYN, 2);
    put(im, 18, TEST_MACHINE, 2);
    put(im, 20, 1, 4);
    put(im, cls == ELF_CLASS64 ? 32 : 28, im->phoff, im->word);
    put(im, cls == ELF_CLASS64 ? 52 : 40, im->phoff, 2);
    put(im, cls == ELF_CLASS64 ? 54 : 42, im->phsize, 2);
    put(im, cls == ELF_CLASS64 ? 56 : 44, im->phnum, 2);

    /* The program headers: PT_NULL is all zero already. */
    put_ph(im, 0, "type", PT_LOAD_);
    put_ph(im, 0, "vaddr", im->base);
    put_ph(im, 0, "filesz", im->len);
    put_ph(im, 0, "memsz", im->len);
    if (!opt->static_exec) {
	put_ph(im, 1, "type", PT_DYNAMIC_);
	put_ph(im, 1, "offset", im->dyn);
	put_ph(im, 1, "vaddr", im->base + im->dyn);
	put_ph(im, 1, "filesz", ntotal * im->dynsize);
	put_ph(im, 2, "type", PT_INTERP_);
	put_ph(im, 2, "offset", im->interp);
	put_ph(im, 2, "vaddr", im->base + im->interp);
	put_ph(im, 2, "filesz", im->interp_len);
    }
    if (opt->static_exec)
	return;

    /* The interpreter name and the string table. */
    memcpy(im->buf + im->interp, IMG_INTERP, im->interp_len);
    strcpy((char *)im->buf + im->strtab + str_first, first);
    strcpy((char *)im->buf + im->strtab + str_bar, IMG_BAR);
    strcpy((char *)im->buf + im->strtab + im->str_soname, IMG_SONAME);
    strcpy((char *)im->buf + im->strtab + str_runpath, runpath);
    strcpy((char *)im->buf + im->strtab + im->str_rpath, IMG_RPATH);

    /* The dynamic section, then what lies after DT_NULL. */
    i = 0;
    put_dyn(im, i++, DT_NEEDED_, str_first);
    put_dyn(im, i++, DT_NEEDED_, str_bar);
    for (n = 0; n < opt->extra_needed; n++)
	put_dyn(im, i++, DT_NEEDED_, str_first);
    put_dyn(im, i++, DT_SONAME_, im->str_soname);
    put_dyn(im, i++, DT_RUNPATH_, str_runpath);
    put_dyn(im, i++, DT_RPATH_, im->str_rpath);
    for (n = 0; n < opt->extra_dyn; n++)
	put_dyn(im, i++, DT_DEBUG_, 0);
    put_dyn(im, i++, DT_STRTAB_, im->base + im->strtab);
    put_dyn(im, i++, DT_STRSZ_, im->strsz);
    put_dyn(im, i++, DT_NULL_, 0);
    for (n = 0; n < opt->slack_dyn; n++)
	put_dyn(im, i++, DT_NEEDED_, (uint64_t)-1);
}

/* img_free - release a crafted image */
static void
img_free(struct img *im)
{
    free(im->buf);
    im->buf = NULL;
}

/* img_name - "64-bit LSB" and the like, for messages */
static const char *
img_name(const struct img *im)
{
    static const char *names[2][2] = {
	{"32-bit LSB", "32-bit MSB"},
	{"64-bit LSB", "64-bit MSB"},
    };

    return (names[im->cls == ELF_CLASS64][im->data == ELF_DATA_MSB]);
}

/* img_file - write the first LEN bytes of the image to a file, open it */
static int
img_file(const struct img *im, size_t len)
{
    char path[512];
    int fd;

    snprintf(path, sizeof(path), "%s/img.%d", tmp_root, (int)getpid());
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_msg(fd >= 0, "create %s: got %s", path, strerror(errno));
    (void)unlink(path);
    ck_assert_msg(len == 0 || write(fd, im->buf, len) == (ssize_t)len,
		  "write %s: got a short write", path);
    return (fd);
}

/* read_both - read LEN bytes of the image both ways; they must agree */
static int
read_both(const char *what, const struct img *im, size_t len,
	  struct elf_info *info)
{
    struct elf_info other;
    int mem_err;
    int fd_err;
    int fd;

    /* Garbage in, to show that the old contents are not used. */
    memset(info, 0xa5, sizeof(*info));
    memset(&other, 0x5a, sizeof(other));
    mem_err = elfread_mem(im->buf, len, info);
    fd = img_file(im, len);
    fd_err = elfread_fd(fd, &other);
    close(fd);
    ck_assert_msg(mem_err == fd_err,
		  "%s, %s, %zu bytes: got %d from "
		  "elfread_mem and %d from elfread_fd, want the same",
		  what, img_name(im), len, mem_err, fd_err);
    if (mem_err < 0) {
	check_empty(what, info);
	check_empty(what, &other);
    } else {
	ck_assert_msg(other.nneeded == info->nneeded,
		      "%s: got %zu and %zu "
		      "needed, want the same",
		      what, other.nneeded, info->nneeded);
	check_str(what, other.soname, info->soname);
	check_str(what, other.interp, info->interp);
	elfread_free(&other);
    }
    return (mem_err);
}

/* check_img_info - what a crafted valid image must give */
static void
check_img_info(const struct img *im, const struct elf_info *info,
	       const char *first, const char *runpath)
{
    const char *what = img_name(im);

    ck_assert_msg(info->elf_class == im->cls, "%s: got class %d, want %d", what,
		  info->elf_class, im->cls);
    ck_assert_msg(info->data == im->data, "%s: got data %d, want %d", what,
		  info->data, im->data);
    ck_assert_msg(info->machine == TEST_MACHINE,
		  "%s: got machine %#x, "
		  "want %#x",
		  what, info->machine, TEST_MACHINE);
    ck_assert_msg(info->type == ELF_TYPE_DYN, "%s: got type %u, want %d", what,
		  info->type, ELF_TYPE_DYN);
    check_str("interp", info->interp, IMG_INTERP);
    check_str("soname", info->soname, IMG_SONAME);
    check_str("runpath", info->runpath, runpath);
    check_str("rpath", info->rpath, IMG_RPATH);
    ck_assert_msg(info->nneeded >= 2, "%s: got %zu needed, want 2 or more",
		  what, info->nneeded);
    check_str("needed[0]", info->needed[0], first);
    check_str("needed[1]", info->needed[1], IMG_BAR);
}

/* The four kinds of crafted image. */
static const int kinds[4][2] = {
    {ELF_CLASS32, ELF_DATA_LSB},
    {ELF_CLASS32, ELF_DATA_MSB},
    {ELF_CLASS64, ELF_DATA_LSB},
    {ELF_CLASS64, ELF_DATA_MSB},
};

/* test_crafted - valid images of every class and byte order */
START_TEST(test_crafted)
{
    struct elf_info info;
    struct img im;

    img_build(&im, kinds[_i][0], kinds[_i][1], NULL);
    check_err(img_name(&im), read_both("crafted", &im, im.len, &info), 0);
    check_img_info(&im, &info, "libfoo.so.1", "$ORIGIN/../lib");
    ck_assert_msg(info.nneeded == 2, "got %zu needed, want 2", info.nneeded);
    elfread_free(&info);
    img_free(&im);
}
END_TEST

/* test_truncated - every proper prefix of a crafted image is refused */
START_TEST(test_truncated)
{
    struct elf_info info;
    struct img im;
    char what[64];
    size_t len;

    img_build(&im, kinds[_i][0], kinds[_i][1], NULL);
    for (len = 0; len < im.len; len++) {
	snprintf(what, sizeof(what), "cut to %zu of %zu", len, im.len);
	check_err(what, read_both(what, &im, len, &info), -ENOEXEC);
    }
    img_free(&im);
}
END_TEST

/* test_static - no PT_DYNAMIC: fine, needs nothing, no soname */
START_TEST(test_static)
{
    struct img_opts opt = {.static_exec = true};
    struct elf_info info;
    struct img im;

    img_build(&im, kinds[_i][0], kinds[_i][1], &opt);
    check_err("static", read_both("static", &im, im.len, &info), 0);
    ck_assert_msg(info.type == ELF_TYPE_EXEC, "got type %u, want %d", info.type,
		  ELF_TYPE_EXEC);
    ck_assert_msg(info.nneeded == 0 && info.needed == NULL,
		  "got %zu needed, want none", info.nneeded);
    check_str("soname", info.soname, NULL);
    check_str("interp", info.interp, NULL);
    elfread_free(&info);
    img_free(&im);
}
END_TEST

/*
 * Hostile inputs: each damages one field of a valid image.  The damage
 * is described in terms of the image's layout, so that one case covers
 * both classes and byte orders.
 */
struct hostile {
    const char *name;
    void (*damage)(struct img *);
    int want;
};

/* bad_magic - not ELF at all */
static void
bad_magic(struct img *im)
{
    im->buf[1] = 'X';
}

/* bad_class - ELFCLASSNONE */
static void
bad_class(struct img *im)
{
    im->buf[4] = 0;
}

/* bad_data - ELFDATANONE */
static void
bad_data(struct img *im)
{
    im->buf[5] = 3;
}

/* bad_version - EI_VERSION other than EV_CURRENT */
static void
bad_version(struct img *im)
{
    im->buf[6] = 2;
}

/* phoff_past_end - program headers after the end of the file */
static void
phoff_past_end(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 32 : 28, im->len, im->word);
}

/* phoff_wraps - program header offset that wraps around */
static void
phoff_wraps(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 32 : 28, (uint64_t)-8, im->word);
}

/* phoff_in_ehdr - program headers over the ELF header */
static void
phoff_in_ehdr(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 32 : 28, 8, im->word);
}

/* phentsize_bad - entries of an unexpected size */
static void
phentsize_bad(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 54 : 42, im->phsize + 8, 2);
}

/* phnum_huge - far more program headers than the file holds */
static void
phnum_huge(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 56 : 44, 0xfffe, 2);
}

/* phnum_escape - PN_XNUM, the escape to section header 0 */
static void
phnum_escape(struct img *im)
{
    put(im, im->cls == ELF_CLASS64 ? 56 : 44, 0xffff, 2);
}

/* load_past_end - PT_LOAD claims more bytes than the file has */
static void
load_past_end(struct img *im)
{
    put_ph(im, 0, "filesz", im->len + 1);
}

/* load_wraps - PT_LOAD offset plus size wraps around */
static void
load_wraps(struct img *im)
{
    put_ph(im, 0, "offset", (uint64_t)-16);
}

/* dyn_past_end - PT_DYNAMIC starts after the end of the file */
static void
dyn_past_end(struct img *im)
{
    put_ph(im, 1, "offset", im->len + 16);
}

/* dyn_too_long - PT_DYNAMIC runs past the end of the file */
static void
dyn_too_long(struct img *im)
{
    put_ph(im, 1, "filesz", im->len);
}

/* dyn_wraps - PT_DYNAMIC offset plus size wraps around */
static void
dyn_wraps(struct img *im)
{
    put_ph(im, 1, "offset", im->word == 4 ? 0xfffffff0ULL : ~0ULL - 15);
}

/* dyn_in_ehdr - PT_DYNAMIC over the ELF header */
static void
dyn_in_ehdr(struct img *im)
{
    put_ph(im, 1, "offset", 0);
}

/* dyn_in_phdrs - PT_DYNAMIC over the program headers */
static void
dyn_in_phdrs(struct img *im)
{
    put_ph(im, 1, "offset", im->phoff + 4);
}

/* dyn_empty - PT_DYNAMIC of size 0 */
static void
dyn_empty(struct img *im)
{
    put_ph(im, 1, "filesz", 0);
}

/* dyn_twice - a second PT_DYNAMIC */
static void
dyn_twice(struct img *im)
{
    put_ph(im, 2, "type", PT_DYNAMIC_);
}

/* interp_twice - a second PT_INTERP */
static void
interp_twice(struct img *im)
{
    put_ph(im, 1, "type", PT_INTERP_);
}

/* interp_unterminated - PT_INTERP without its NUL */
static void
interp_unterminated(struct img *im)
{
    im->buf[im->interp + im->interp_len - 1] = 'x';
}

/* interp_empty - PT_INTERP holding only a NUL */
static void
interp_empty(struct img *im)
{
    im->buf[im->interp] = 0;
}

/* interp_one_byte - PT_INTERP too short to hold a name */
static void
interp_one_byte(struct img *im)
{
    put_ph(im, 2, "filesz", 1);
}

/* interp_past_end - PT_INTERP after the end of the file */
static void
interp_past_end(struct img *im)
{
    put_ph(im, 2, "offset", im->len);
}

/* strtab_unmapped - DT_STRTAB in no PT_LOAD */
static void
strtab_unmapped(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRTAB_), DT_STRTAB_, 0x10);
}

/* strtab_in_bss - DT_STRTAB where PT_LOAD has memory but no file */
static void
strtab_in_bss(struct img *im)
{
    put_ph(im, 0, "filesz", im->strtab + 4);
}

/* rebase_strtab - let the string table start at file offset START */
static void
rebase_strtab(struct img *im, size_t start)
{
    static const uint64_t named[] = {DT_NEEDED_, DT_SONAME_, DT_RUNPATH_,
				     DT_RPATH_};
    uint64_t shift = im->strtab - start;
    size_t i;
    size_t k;

    /*
     * Every name keeps its bytes; only the table grows to the front, so
     * that a case built on it is wrong in nothing but where it starts.
     */
    for (i = 0; i < im->ndyn; i++)
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
	    if (dyn_get(im, i, 0) == named[k])
		put_dyn(im, i, named[k], dyn_get(im, i, 1) + shift);
    put_dyn(im, dyn_find(im, DT_STRTAB_), DT_STRTAB_, im->base + start);
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_STRSZ_, im->strsz + shift);
}

/* strtab_over_ehdr - the string table starts with the ELF header */
static void
strtab_over_ehdr(struct img *im)
{
    rebase_strtab(im, 0);
}

/* strtab_over_phdrs - the string table starts in the program headers */
static void
strtab_over_phdrs(struct img *im)
{
    rebase_strtab(im, im->phoff + im->phsize);
}

/* strtab_at_interp - the table starts at the interpreter name: fine */
static void
strtab_at_interp(struct img *im)
{
    rebase_strtab(im, im->interp);
}

/* strtab_over_dynamic - the string table runs into the dynamic section */
static void
strtab_over_dynamic(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_STRSZ_,
	    im->dyn - im->strtab + im->dynsize);
}

/* strsz_past_load - the table runs past the end of PT_LOAD */
static void
strsz_past_load(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_STRSZ_, im->len);
}

/* strsz_wraps - a table size that wraps the address around */
static void
strsz_wraps(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_STRSZ_,
	    im->word == 4 ? 0xffffffffULL : ~0ULL);
}

/* needed_past_strsz - a DT_NEEDED offset after the table */
static void
needed_past_strsz(struct img *im)
{
    put_dyn(im, 0, DT_NEEDED_, im->strsz + 1);
}

/* needed_at_strsz - a DT_NEEDED offset just at the end of the table */
static void
needed_at_strsz(struct img *im)
{
    put_dyn(im, 0, DT_NEEDED_, im->strsz);
}

/* needed_huge - a DT_NEEDED offset that wraps when added to the table */
static void
needed_huge(struct img *im)
{
    put_dyn(im, 0, DT_NEEDED_, im->word == 4 ? 0xffffffffULL : ~0ULL);
}

/* needed_empty - a DT_NEEDED naming the empty string */
static void
needed_empty(struct img *im)
{
    put_dyn(im, 0, DT_NEEDED_, 0);
}

/* last_unterminated - the table's last string loses its NUL */
static void
last_unterminated(struct img *im)
{
    /* A zero byte follows in the file, but outside the table. */
    im->buf[im->strtab + im->strsz - 1] = 'x';
}

/* strsz_short - the table ends one byte before the last NUL */
static void
strsz_short(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_STRSZ_, im->strsz - 1);
}

/* soname_past_strsz - DT_SONAME outside the table */
static void
soname_past_strsz(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_SONAME_), DT_SONAME_, im->strsz + 100);
}

/* no_strtab - names but no DT_STRTAB */
static void
no_strtab(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRTAB_), DT_DEBUG_, 0);
}

/* no_strsz - names but no DT_STRSZ */
static void
no_strsz(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_STRSZ_), DT_DEBUG_, 0);
}

/* soname_twice - a second DT_SONAME */
static void
soname_twice(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_RUNPATH_), DT_SONAME_, im->str_soname);
}

/* strtab_twice - a second DT_STRTAB */
static void
strtab_twice(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_RPATH_), DT_STRTAB_, im->base + im->strtab);
}

/* no_dt_null - the dynamic section does not end */
static void
no_dt_null(struct img *im)
{
    put_dyn(im, dyn_find(im, DT_NULL_), DT_DEBUG_, 0);
}

/* dyn_partial_entry - PT_DYNAMIC cuts the DT_NULL entry in half */
static void
dyn_partial_entry(struct img *im)
{
    put_ph(im, 1, "filesz", im->ndyn * im->dynsize - im->word);
}

/* garbage_after_null - entries after DT_NULL do not count */
static void
garbage_after_null(struct img *im)
{
    size_t null = dyn_find(im, DT_NULL_);

    /*
     * Move DT_NULL up one entry, giving up DT_RPATH, and leave a
     * DT_NEEDED with a wild offset after it.
     */
    put_dyn(im, null, DT_NEEDED_, (uint64_t)-1);
    put_dyn(im, null - 1, DT_NULL_, 0);
    put_dyn(im, null - 2, DT_STRTAB_, im->base + im->strtab);
    put_dyn(im, null - 3, DT_STRSZ_, im->strsz);
}

/* no_names - no name in the dynamic section: no table needed */
static void
no_names(struct img *im)
{
    static const uint64_t gone[] = {DT_NEEDED_, DT_SONAME_, DT_RUNPATH_,
				    DT_RPATH_,  DT_STRTAB_, DT_STRSZ_};
    size_t i;
    size_t k;

    for (i = 0; i < im->ndyn; i++)
	for (k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
	    if (dyn_get(im, i, 0) == gone[k])
		put_dyn(im, i, DT_DEBUG_, 0);
}

/* odd_phdr - an unknown segment type with nonsense offsets is ignored */
static void
odd_phdr(struct img *im)
{
    put_ph(im, 2, "type", 0x6474e551); /* PT_GNU_STACK */
    put_ph(im, 2, "offset", im->word == 4 ? 0xffffffffULL : ~0ULL);
    put_ph(im, 2, "filesz", im->word == 4 ? 0xffffffffULL : ~0ULL);
}

/* strtab_in_second_load - the table found through a second PT_LOAD */
static void
strtab_in_second_load(struct img *im)
{
    /* PT_INTERP becomes a PT_LOAD of the table at another address. */
    put_ph(im, 2, "type", PT_LOAD_);
    put_ph(im, 2, "offset", im->strtab);
    put_ph(im, 2, "vaddr", 0x700000);
    put_ph(im, 2, "filesz", im->strsz);
    put_dyn(im, dyn_find(im, DT_STRTAB_), DT_STRTAB_, 0x700000);
}

static const struct hostile hostile[] = {
    {"bad magic", bad_magic, -ENOEXEC},
    {"bad EI_CLASS", bad_class, -ENOEXEC},
    {"bad EI_DATA", bad_data, -ENOEXEC},
    {"bad EI_VERSION", bad_version, -ENOEXEC},
    {"e_phoff past end", phoff_past_end, -ENOEXEC},
    {"e_phoff wraps", phoff_wraps, -ENOEXEC},
    {"e_phoff inside ELF header", phoff_in_ehdr, -ENOEXEC},
    {"bad e_phentsize", phentsize_bad, -ENOEXEC},
    {"e_phnum huge", phnum_huge, -ENOEXEC},
    {"e_phnum PN_XNUM", phnum_escape, -E2BIG},
    {"PT_LOAD past end", load_past_end, -ENOEXEC},
    {"PT_LOAD wraps", load_wraps, -ENOEXEC},
    {"PT_DYNAMIC outside file", dyn_past_end, -ENOEXEC},
    {"PT_DYNAMIC runs past end", dyn_too_long, -ENOEXEC},
    {"PT_DYNAMIC wraps", dyn_wraps, -ENOEXEC},
    {"PT_DYNAMIC over ELF header", dyn_in_ehdr, -ENOEXEC},
    {"PT_DYNAMIC over program headers", dyn_in_phdrs, -ENOEXEC},
    {"PT_DYNAMIC empty", dyn_empty, -ENOEXEC},
    {"PT_DYNAMIC twice", dyn_twice, -ENOEXEC},
    {"PT_INTERP twice", interp_twice, -ENOEXEC},
    {"PT_INTERP not terminated", interp_unterminated, -ENOEXEC},
    {"PT_INTERP empty", interp_empty, -ENOEXEC},
    {"PT_INTERP of one byte", interp_one_byte, -ENOEXEC},
    {"PT_INTERP outside file", interp_past_end, -ENOEXEC},
    {"DT_STRTAB in no PT_LOAD", strtab_unmapped, -ENOEXEC},
    {"DT_STRTAB past PT_LOAD file size", strtab_in_bss, -ENOEXEC},
    {"DT_STRTAB over ELF header", strtab_over_ehdr, -ENOEXEC},
    {"DT_STRTAB over program headers", strtab_over_phdrs, -ENOEXEC},
    {"DT_STRTAB over PT_DYNAMIC", strtab_over_dynamic, -ENOEXEC},
    {"DT_STRTAB at PT_INTERP", strtab_at_interp, 0},
    {"DT_STRSZ past PT_LOAD", strsz_past_load, -ENOEXEC},
    {"DT_STRSZ wraps", strsz_wraps, -ENOEXEC},
    {"DT_NEEDED past DT_STRSZ", needed_past_strsz, -ENOEXEC},
    {"DT_NEEDED at DT_STRSZ", needed_at_strsz, -ENOEXEC},
    {"DT_NEEDED offset wraps", needed_huge, -ENOEXEC},
    {"DT_NEEDED empty name", needed_empty, -ENOEXEC},
    {"last string not terminated", last_unterminated, -ENOEXEC},
    {"DT_STRSZ cuts last NUL", strsz_short, -ENOEXEC},
    {"DT_SONAME past DT_STRSZ", soname_past_strsz, -ENOEXEC},
    {"no DT_STRTAB", no_strtab, -ENOEXEC},
    {"no DT_STRSZ", no_strsz, -ENOEXEC},
    {"DT_SONAME twice", soname_twice, -ENOEXEC},
    {"DT_STRTAB twice", strtab_twice, -ENOEXEC},
    {"no DT_NULL", no_dt_null, -ENOEXEC},
    {"DT_NULL cut in half", dyn_partial_entry, -ENOEXEC},
    {"garbage after DT_NULL", garbage_after_null, 0},
    {"no names and no string table", no_names, 0},
    {"unknown segment with bad offsets", odd_phdr, 0},
    {"DT_STRTAB in second PT_LOAD", strtab_in_second_load, 0},
};

#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

/* test_hostile - one damaged image of every class and byte order */
START_TEST(test_hostile)
{
    const struct hostile *h = hostile + _i;
    struct elf_info info;
    struct img im;
    char what[128];
    size_t k;

    for (k = 0; k < 4; k++) {
	img_build(&im, kinds[k][0], kinds[k][1], NULL);
	h->damage(&im);
	snprintf(what, sizeof(what), "%s, %s", h->name, img_name(&im));
	check_err(what, read_both(what, &im, im.len, &info), h->want);
	elfread_free(&info);
	img_free(&im);
    }
}
END_TEST

/* test_needed_limit - ELF_MAX_NEEDED names pass, one more does not */
START_TEST(test_needed_limit)
{
    static const struct {
	size_t count;
	int want;
    } cases[] = {
	{ELF_MAX_NEEDED, 0},
	{ELF_MAX_NEEDED + 1, -E2BIG},
	{10000, -E2BIG},
    };
    struct img_opts opt = {0};
    struct elf_info info;
    struct img im;
    char what[64];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	opt.extra_needed = cases[i].count - 2;
	img_build(&im, kinds[_i][0], kinds[_i][1], &opt);
	snprintf(what, sizeof(what), "%zu DT_NEEDED", cases[i].count);
	check_err(what, read_both(what, &im, im.len, &info), cases[i].want);
	if (cases[i].want == 0) {
	    ck_assert_msg(info.nneeded == cases[i].count,
			  "%s: got %zu "
			  "names, want %zu",
			  what, info.nneeded, cases[i].count);
	    check_str("last needed", info.needed[info.nneeded - 1],
		      "libfoo.so.1");
	}
	elfread_free(&info);
	img_free(&im);
    }
}
END_TEST

/* test_string_limits - one long string, and many long strings */
START_TEST(test_string_limits)
{
    struct img_opts opt = {0};
    struct elf_info info;
    struct img im;
    char *longest;
    int err;

    longest = malloc(ELF_MAX_STRING + 2);
    ck_assert_msg(longest != NULL, "malloc: got NULL");

    /* Exactly ELF_MAX_STRING bytes pass. */
    memset(longest, 'r', ELF_MAX_STRING + 1);
    longest[ELF_MAX_STRING] = 0;
    opt.runpath = longest;
    img_build(&im, ELF_CLASS64, ELF_DATA_MSB, &opt);
    err = read_both("longest runpath", &im, im.len, &info);
    check_err("runpath of ELF_MAX_STRING bytes", err, 0);
    check_img_info(&im, &info, "libfoo.so.1", longest);
    elfread_free(&info);
    img_free(&im);

    /* One more is refused, though it is terminated. */
    longest[ELF_MAX_STRING] = 'r';
    longest[ELF_MAX_STRING + 1] = 0;
    img_build(&im, ELF_CLASS32, ELF_DATA_LSB, &opt);
    err = read_both("too long runpath", &im, im.len, &info);
    check_err("runpath of ELF_MAX_STRING + 1 bytes", err, -E2BIG);
    img_free(&im);

    /* An interpreter name longer than a string may be. */
    opt.runpath = NULL;
    opt.slack_dyn = ELF_MAX_STRING / 8;
    img_build(&im, ELF_CLASS32, ELF_DATA_MSB, &opt);
    put_ph(&im, 2, "filesz", ELF_MAX_STRING + 2);
    err = read_both("too long interp", &im, im.len, &info);
    check_err("PT_INTERP of ELF_MAX_STRING + 2 bytes", err, -E2BIG);
    img_free(&im);
    opt.slack_dyn = 0;

    /* A thousand names of 2 KB pass each limit but not the total. */
    memset(longest, 'n', 2048);
    longest[2048] = 0;
    opt.first = longest;
    opt.extra_needed = 1000;
    img_build(&im, ELF_CLASS64, ELF_DATA_LSB, &opt);
    err = read_both("many long names", &im, im.len, &info);
    check_err("1002 names of 2 KB", err, -E2BIG);
    img_free(&im);
    free(longest);
}
END_TEST

/* test_phnum_limit - ELF_MAX_PHNUM program headers pass, more do not */
START_TEST(test_phnum_limit)
{
    struct img_opts opt = {0};
    struct elf_info info;
    struct img im;
    int err;

    opt.extra_phdrs = ELF_MAX_PHNUM - 3;
    img_build(&im, kinds[_i][0], kinds[_i][1], &opt);
    err = read_both("ELF_MAX_PHNUM headers", &im, im.len, &info);
    check_err("ELF_MAX_PHNUM program headers", err, 0);
    check_img_info(&im, &info, "libfoo.so.1", "$ORIGIN/../lib");
    elfread_free(&info);
    img_free(&im);

    opt.extra_phdrs++;
    img_build(&im, kinds[_i][0], kinds[_i][1], &opt);
    err = read_both("ELF_MAX_PHNUM + 1 headers", &im, im.len, &info);
    check_err("ELF_MAX_PHNUM + 1 program headers", err, -E2BIG);
    img_free(&im);
}
END_TEST

/* test_dynamic_limit - a long dynamic section needs an early DT_NULL */
START_TEST(test_dynamic_limit)
{
    struct img_opts opt = {0};
    struct elf_info info;
    struct img im;
    size_t entries = ELF_MAX_DYNAMIC / 8 + 1; /* more than fits */
    int err;

    /* Entries after DT_NULL beyond the limit do not matter. */
    opt.slack_dyn = entries;
    img_build(&im, ELF_CLASS32, ELF_DATA_MSB, &opt);
    err = read_both("long slack", &im, im.len, &info);
    check_err("DT_NULL early in a huge PT_DYNAMIC", err, 0);
    ck_assert_msg(info.nneeded == 2, "got %zu needed, want 2", info.nneeded);
    elfread_free(&info);
    img_free(&im);

    /* Without DT_NULL within the limit, the section is too big. */
    opt.slack_dyn = 0;
    opt.extra_dyn = entries;
    img_build(&im, ELF_CLASS32, ELF_DATA_MSB, &opt);
    err = read_both("long section", &im, im.len, &info);
    check_err("no DT_NULL within ELF_MAX_DYNAMIC", err, -E2BIG);
    img_free(&im);
}
END_TEST

/* test_file_limit - a file over ELF_MAX_FILE_SIZE is not read */
START_TEST(test_file_limit)
{
    const char *dir = test_dir("big");
    struct elf_info info;
    struct img im;
    char path[512];
    int fd;

    /* A sparse file: the header is valid, the size is what counts. */
    img_build(&im, ELF_CLASS64, ELF_DATA_LSB, NULL);
    write_file(dir, "big", im.buf, im.len);
    snprintf(path, sizeof(path), "%s/big", dir);
    ck_assert_msg(truncate(path, ELF_MAX_FILE_SIZE + 1) == 0,
		  "truncate: got %s", strerror(errno));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    check_err("file of ELF_MAX_FILE_SIZE + 1", elfread_fd(fd, &info), -E2BIG);
    check_empty("big file", &info);
    close(fd);
    img_free(&im);
}
END_TEST

/* test_not_elf - files that are not ELF, or not files */
START_TEST(test_not_elf)
{
    const char *dir = test_dir("notelf");
    static const char text[] = "#!/bin/sh\necho this is not ELF\n";
    struct elf_info info;
    char path[512];
    int fd;

    write_file(dir, "empty", "", 0);
    write_file(dir, "text", text, sizeof(text) - 1);
    write_file(dir, "magic", "\177ELF", 4);

    snprintf(path, sizeof(path), "%s/empty", dir);
    check_err("zero-length file", read_path(path, &info), -ENOEXEC);
    snprintf(path, sizeof(path), "%s/text", dir);
    check_err("text file", read_path(path, &info), -ENOEXEC);
    snprintf(path, sizeof(path), "%s/magic", dir);
    check_err("magic only", read_path(path, &info), -ENOEXEC);
    check_err("directory", read_path(dir, &info), -EISDIR);
    check_err("/dev/null", read_path("/dev/null", &info), -ENOEXEC);
    check_err("closed fd", elfread_fd(-1, &info), -EBADF);

    /* fstat() works on a write-only descriptor, pread() does not. */
    snprintf(path, sizeof(path), "%s/text", dir);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "open %s: got %s", path, strerror(errno));
    check_err("write-only fd", elfread_fd(fd, &info), -EBADF);
    check_empty("write-only fd", &info);
    close(fd);
    check_err("empty buffer", elfread_mem("", 0, &info), -ENOEXEC);

    /* A FIFO would block a reader that trusted read() to end. */
    snprintf(path, sizeof(path), "%s/fifo", dir);
    ck_assert_msg(mkfifo(path, 0600) == 0, "mkfifo: got %s", strerror(errno));
    fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "open fifo: got %s", strerror(errno));
    check_err("FIFO", elfread_fd(fd, &info), -ENOEXEC);
    check_empty("FIFO", &info);
    close(fd);
}
END_TEST

/* test_free - elfread_free() on a zeroed structure, and twice */
START_TEST(test_free)
{
    struct elf_info info;
    struct img im;

    memset(&info, 0, sizeof(info));
    elfread_free(&info);
    img_build(&im, ELF_CLASS64, ELF_DATA_LSB, NULL);
    check_err("valid image", elfread_mem(im.buf, im.len, &info), 0);
    elfread_free(&info);
    check_empty("after elfread_free", &info);
    elfread_free(&info);
    img_free(&im);
}
END_TEST

/* Sources for the compiled cases. */
static const char dep_c[] = "int dep(void) { return 42; }\n";
static const char lib_c[] =
    "int dep(void);\nint lib(void) { return dep() + 1; }\n";
static const char exe_c[] =
    "int dep(void);\nint main(void) { return dep() != 42; }\n";

/* build_dep - libdep.so with soname libdep.so.1, in DIR */
static void
build_dep(const char *dir)
{
    write_file(dir, "dep.c", dep_c, sizeof(dep_c) - 1);
    run_cc(dir, "-shared", "-fPIC", "-Wl,-soname,libdep.so.1", "-o",
	   "libdep.so", "dep.c", (char *)NULL);
}

/* read_in - elfread_fd() on DIR/NAME */
static int
read_in(const char *dir, const char *name, struct elf_info *info)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return (read_path(path, info));
}

/* test_cc_runpath - a library with DT_NEEDED, soname and RUNPATH */
START_TEST(test_cc_runpath)
{
    const char *dir = test_dir("runpath");
    struct elf_info info;

    build_dep(dir);
    write_file(dir, "lib.c", lib_c, sizeof(lib_c) - 1);
    run_cc(dir, "-shared", "-fPIC", "-Wl,-soname,liblib.so.3",
	   "-Wl,-rpath,/opt/pfc/lib:$ORIGIN", "-Wl,--enable-new-dtags", "-o",
	   "liblib.so", "lib.c", "-L.", "-ldep", (char *)NULL);
    check_err("liblib.so", read_in(dir, "liblib.so", &info), 0);
    ck_assert_msg(info.elf_class == host_class(), "got class %d, want %d",
		  info.elf_class, host_class());
    ck_assert_msg(info.data == host_data(), "got data %d, want %d", info.data,
		  host_data());
    ck_assert_msg(info.type == ELF_TYPE_DYN, "got type %u, want %d", info.type,
		  ELF_TYPE_DYN);
    check_str("soname", info.soname, "liblib.so.3");
    check_str("runpath", info.runpath, "/opt/pfc/lib:$ORIGIN");
    check_str("rpath", info.rpath, NULL);
    ck_assert_msg(has_needed(&info, "libdep.so.1"),
		  "needed: got no libdep.so.1, want it");
    ck_assert_msg(info.nneeded >= 1 && info.nneeded < 10,
		  "got %zu needed, want 1 to 9", info.nneeded);
    elfread_free(&info);

    /* The dependency itself needs no library of ours. */
    check_err("libdep.so", read_in(dir, "libdep.so", &info), 0);
    check_str("soname", info.soname, "libdep.so.1");
    ck_assert_msg(!has_needed(&info, "libdep"),
		  "needed: got libdep, want no self-reference");
    elfread_free(&info);
}
END_TEST

/* test_cc_rpath - the old DT_RPATH instead of DT_RUNPATH */
START_TEST(test_cc_rpath)
{
    const char *dir = test_dir("rpath");
    struct elf_info info;

    build_dep(dir);
    write_file(dir, "lib.c", lib_c, sizeof(lib_c) - 1);
    run_cc(dir, "-shared", "-fPIC", "-Wl,-rpath,/opt/old",
	   "-Wl,--disable-new-dtags", "-o", "libold.so", "lib.c", "-L.",
	   "-ldep", (char *)NULL);
    check_err("libold.so", read_in(dir, "libold.so", &info), 0);
    check_str("rpath", info.rpath, "/opt/old");
    check_str("runpath", info.runpath, NULL);
    check_str("soname", info.soname, NULL);
    ck_assert_msg(has_needed(&info, "libdep.so.1"),
		  "needed: got no libdep.so.1, want it");
    elfread_free(&info);
}
END_TEST

/* test_cc_exe - an executable has PT_INTERP and needs libc */
START_TEST(test_cc_exe)
{
    const char *dir = test_dir("exe");
    struct elf_info info;

    build_dep(dir);
    write_file(dir, "exe.c", exe_c, sizeof(exe_c) - 1);
    run_cc(dir, "-o", "exe", "exe.c", "-L.", "-ldep", (char *)NULL);
    check_err("exe", read_in(dir, "exe", &info), 0);
    ck_assert_msg(info.interp != NULL && info.interp[0] == '/',
		  "interp: got \"%s\", want an absolute path",
		  info.interp ? info.interp : "(null)");
    ck_assert_msg(has_needed(&info, "libdep.so.1"),
		  "needed: got no libdep.so.1, want it");
    ck_assert_msg(has_needed(&info, "libc.so."),
		  "needed: got no libc.so.*, want it");
    ck_assert_msg(info.type == ELF_TYPE_DYN || info.type == ELF_TYPE_EXEC,
		  "got type %u, want ET_DYN or ET_EXEC", info.type);
    elfread_free(&info);
}
END_TEST

/* test_cc_object - an object file has no program headers: fine */
START_TEST(test_cc_object)
{
    const char *dir = test_dir("object");
    struct elf_info info;

    write_file(dir, "dep.c", dep_c, sizeof(dep_c) - 1);
    run_cc(dir, "-c", "-o", "dep.o", "dep.c", (char *)NULL);
    check_err("dep.o", read_in(dir, "dep.o", &info), 0);
    ck_assert_msg(info.type == ELF_TYPE_REL, "got type %u, want %d", info.type,
		  ELF_TYPE_REL);
    ck_assert_msg(info.nneeded == 0 && info.soname == NULL &&
		      info.interp == NULL,
		  "got %zu needed, soname %s, "
		  "want nothing",
		  info.nneeded, info.soname ? info.soname : "(null)");
    elfread_free(&info);
}
END_TEST

/* load_file - read DIR/NAME into memory */
static unsigned char *
load_file(const char *dir, const char *name, size_t *len)
{
    char path[512];
    struct stat st;
    unsigned char *buf;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0 && fstat(fd, &st) == 0, "open %s: got %s", path,
		  strerror(errno));
    buf = malloc(st.st_size);
    ck_assert_msg(buf != NULL, "malloc: got NULL");
    ck_assert_msg(read(fd, buf, st.st_size) == st.st_size,
		  "read %s: got a short read", path);
    close(fd);
    *len = st.st_size;
    return (buf);
}

/* test_cc_truncated - a real library cut at every length */
START_TEST(test_cc_truncated)
{
    const char *dir = test_dir("cut");
    struct elf_info whole;
    struct elf_info info;
    unsigned char *buf;
    size_t first_ok = 0;
    size_t len;
    size_t cut;
    int err;

    build_dep(dir);
    write_file(dir, "lib.c", lib_c, sizeof(lib_c) - 1);
    run_cc(dir, "-shared", "-fPIC", "-Wl,-soname,libcut.so.1", "-o",
	   "libcut.so", "lib.c", "-L.", "-ldep", (char *)NULL);
    buf = load_file(dir, "libcut.so", &len);
    check_err("whole libcut.so", elfread_mem(buf, len, &whole), 0);

    /*
     * Section headers and non-allocated sections follow the segments, so
     * a cut there is harmless.  Before that point every cut is refused;
     * from it on every cut gives what the whole file gives.
     */
    for (cut = 0; cut < len; cut++) {
	err = elfread_mem(buf, cut, &info);
	if (err == 0 && first_ok == 0)
	    first_ok = cut;
	if (first_ok == 0) {
	    ck_assert_msg(err == -ENOEXEC,
			  "cut to %zu of %zu: got %d, "
			  "want -ENOEXEC",
			  cut, len, err);
	    continue;
	}
	ck_assert_msg(err == 0,
		      "cut to %zu of %zu: got %d, want 0 as "
		      "from %zu on",
		      cut, len, err, first_ok);
	check_str("soname", info.soname, whole.soname);
	ck_assert_msg(info.nneeded == whole.nneeded,
		      "cut to %zu: got %zu "
		      "needed, want %zu",
		      cut, info.nneeded, whole.nneeded);
	elfread_free(&info);
    }
    ck_assert_msg(first_ok == 0 || first_ok > 64,
		  "got success from %zu "
		  "bytes, want none inside the ELF header",
		  first_ok);
    elfread_free(&whole);
    free(buf);
}
END_TEST

/* libc_path - the C library the test program runs with */
static const char *
libc_path(void)
{
    void *sym = dlsym(RTLD_DEFAULT, "gnu_get_libc_version");
    Dl_info dl;

    /* A symbol only glibc defines, so that no PLT stub answers. */
    ck_assert_msg(sym != NULL && dladdr(sym, &dl) != 0 && dl.dli_fname,
		  "dladdr(gnu_get_libc_version): got nothing, want libc");
    return (dl.dli_fname);
}

/* test_system_self - the test program: an executable that needs libc */
START_TEST(test_system_self)
{
    struct elf_info info;

    check_err("/proc/self/exe", read_path("/proc/self/exe", &info), 0);
    ck_assert_msg(info.elf_class == host_class() && info.data == host_data(),
		  "got class %d data %d, want %d %d", info.elf_class, info.data,
		  host_class(), host_data());
    ck_assert_msg(info.interp != NULL && info.interp[0] == '/',
		  "interp: got \"%s\", want an absolute path",
		  info.interp ? info.interp : "(null)");
    ck_assert_msg(has_needed(&info, "libc.so."),
		  "needed: got no libc.so.*, want it");
    elfread_free(&info);
}
END_TEST

/* test_system_libc - the C library: its soname is its file name */
START_TEST(test_system_libc)
{
    const char *path = libc_path();
    char *copy = strdup(path);
    struct elf_info info;

    check_err(path, read_path(path, &info), 0);
    ck_assert_msg(info.type == ELF_TYPE_DYN, "%s: got type %u, want %d", path,
		  info.type, ELF_TYPE_DYN);
    ck_assert_msg(info.soname != NULL &&
		      strncmp(info.soname, "libc.so.", 8) == 0,
		  "%s: got soname %s, want libc.so.*", path,
		  info.soname ? info.soname : "(null)");
    check_str(path, info.soname, basename(copy));
    elfread_free(&info);
    free(copy);
}
END_TEST

/* test_system_nss - every NSS module next to libc needs libc */
START_TEST(test_system_nss)
{
    char *copy = strdup(libc_path());
    struct elf_info info;
    char pattern[512];
    char *name;
    glob_t gl;
    size_t i;

    snprintf(pattern, sizeof(pattern), "%s/libnss_*.so.2", dirname(copy));
    ck_assert_msg(glob(pattern, 0, NULL, &gl) == 0 && gl.gl_pathc > 0,
		  "%s: got no match, want the NSS modules", pattern);
    for (i = 0; i < gl.gl_pathc; i++) {
	check_err(gl.gl_pathv[i], read_path(gl.gl_pathv[i], &info), 0);
	name = strrchr(gl.gl_pathv[i], '/') + 1;
	check_str(gl.gl_pathv[i], info.soname, name);
	ck_assert_msg(has_needed(&info, "libc.so."),
		      "%s: got no libc.so.* "
		      "in %zu needed, want it",
		      gl.gl_pathv[i], info.nneeded);
	elfread_free(&info);
    }
    globfree(&gl);
    free(copy);
}
END_TEST

/* elf_suite - the tests of src/elfread.c */
Suite *
elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *tc;

    tc = tcase_create("crafted");
    tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_crafted, 0, 4);
    tcase_add_loop_test(tc, test_truncated, 0, 4);
    tcase_add_loop_test(tc, test_static, 0, 4);
    tcase_add_test(tc, test_free);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_hostile, 0, NHOSTILE);
    tcase_add_loop_test(tc, test_needed_limit, 0, 4);
    tcase_add_test(tc, test_string_limits);
    tcase_add_loop_test(tc, test_phnum_limit, 0, 4);
    tcase_add_test(tc, test_dynamic_limit);
    tcase_add_test(tc, test_file_limit);
    tcase_add_test(tc, test_not_elf);
    suite_add_tcase(s, tc);

    tc = tcase_create("compiled");
    tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cc_runpath);
    tcase_add_test(tc, test_cc_rpath);
    tcase_add_test(tc, test_cc_exe);
    tcase_add_test(tc, test_cc_object);
    tcase_add_test(tc, test_cc_truncated);
    suite_add_tcase(s, tc);

    tc = tcase_create("system");
    tcase_add_test(tc, test_system_self);
    tcase_add_test(tc, test_system_libc);
    tcase_add_test(tc, test_system_nss);
    suite_add_tcase(s, tc);
    return (s);
}
