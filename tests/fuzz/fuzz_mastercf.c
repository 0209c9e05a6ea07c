/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_mastercf - libFuzzer target for the master.cf reader and editor
 * SUMMARY
 *	Parse arbitrary bytes as master.cf; edit what parses; parse again.
 * DESCRIPTION
 *	Each input goes through mastercf_parse().  A refusal must come
 *	with a message and leave nothing allocated.  A success must give
 *	entries whose chroot offsets point at a 'y', 'n' or '-' in the
 *	buffer, in increasing order, with bounded fields.
 *
 *	The parsed file is then enabled with mcedit_compute() (every entry
 *	not on the never list): the new text has the same length, differs
 *	only in the chroot bytes of the changed entries, and parses again
 *	into the same entries with the eligible ones 'y'.  Disable with
 *	the record of that enable must give back the input except for
 *	eligible entries that were 'y' (now 'n'); with '-' meaning 'y',
 *	an eligible '-' becomes 'n' too.  mcedit_diff() must describe the
 *	enable edit.  A broken invariant aborts, which libFuzzer reports
 *	as a crash; leaks are found by ASan.
 * DIAGNOSTICS
 *	A broken invariant prints one line on stderr and aborts.
 * SECURITY
 *	Test code; never installed.
 * BUGS
 *	The record file and the write path are not fuzzed here; they work
 *	on files that the tool writes itself.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mastercf.h"
#include "mcedit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - report a broken invariant and crash */
static void
fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_mastercf: %s\n", what);
    abort();
}

/* fuzz_check_parse - invariants of a successful parse */
static void
fuzz_check_parse(const struct mastercf *mc)
{
    size_t i;

    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];

	if (e->chroot_off >= mc->len || e->chroot_len != 1 ||
	    mc->buf[e->chroot_off] != e->chroot)
	    fuzz_fail("chroot offset does not point at the field");
	if (e->chroot != 'y' && e->chroot != 'n' && e->chroot != '-')
	    fuzz_fail("chroot field not y, n or -");
	if (i > 0 &&
	    (e->line <= e[-1].line || e->chroot_off <= e[-1].chroot_off))
	    fuzz_fail("entries out of order");
	if (e->service[0] == 0 || e->type[0] == 0 || e->command[0] == 0)
	    fuzz_fail("empty field");
	if (strlen(e->service) > MASTERCF_MAX_FIELD ||
	    strlen(e->command) > MASTERCF_MAX_FIELD)
	    fuzz_fail("field longer than MASTERCF_MAX_FIELD");
    }
}

/* fuzz_same_entries - A and B list the same entries at the same places */
static void
fuzz_same_entries(const struct mastercf *a, const struct mastercf *b)
{
    size_t i;

    if (a->n != b->n)
	fuzz_fail("edit changed the number of entries");
    for (i = 0; i < a->n; i++) {
	if (strcmp(a->ent[i].service, b->ent[i].service) != 0 ||
	    strcmp(a->ent[i].type, b->ent[i].type) != 0 ||
	    strcmp(a->ent[i].command, b->ent[i].command) != 0 ||
	    a->ent[i].line != b->ent[i].line ||
	    a->ent[i].chroot_off != b->ent[i].chroot_off)
	    fuzz_fail("edit changed an entry");
    }
}

/* fuzz_disable - disable after enable restores all but eligible 'y' */
static void
fuzz_disable(const struct mastercf *mc, const struct mcedit_result *en,
	     int dash)
{
    struct mcedit_req req = {MCEDIT_DISABLE, NULL, 0, NULL, dash};
    struct mcedit_result dis;
    struct mastercf me;
    char err[256];
    size_t i;
    int want;

    if (mastercf_parse(en->buf, en->len, &me, err, sizeof(err)) != 0)
	fuzz_fail("enabled text does not parse");
    fuzz_same_entries(mc, &me);
    if (mcedit_compute(&me, &req, &en->rec, &dis, err, sizeof(err)) != 0)
	fuzz_fail("disable failed");
    for (i = 0; i < mc->n; i++) {
	const struct mastercf_entry *e = &mc->ent[i];

	want = e->chroot;
	if (!mcedit_is_never(e, NULL) &&
	    (e->chroot == 'y' || (e->chroot == '-' && dash == 'y')))
	    want = 'n';
	if (me.ent[i].chroot != (mcedit_is_never(e, NULL) ? e->chroot : 'y'))
	    fuzz_fail("enable did not set an eligible entry");
	if (dis.buf[e->chroot_off] != want)
	    fuzz_fail("disable did not restore a field");
	dis.buf[e->chroot_off] = e->chroot;
    }
    if (dis.len != mc->len || memcmp(dis.buf, mc->buf, mc->len) != 0)
	fuzz_fail("disable changed a byte outside the chroot fields");
    if (dis.rec.n != 0)
	fuzz_fail("disable left record items");
    mcedit_result_free(&dis);
    mastercf_free(&me);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcedit_req req = {MCEDIT_ENABLE, NULL, 0, NULL, 'n'};
    struct mcedit_result en;
    struct mastercf mc;
    char err[256];
    char *diff;
    size_t i, k, difflen;

    err[0] = 0;
    if (mastercf_parse((const char *)data, size, &mc, err, sizeof(err)) != 0) {
	if (err[0] == 0)
	    fuzz_fail("refusal without a message");
	if (mc.n != 0 || mc.buf != NULL || mc.ent != NULL)
	    fuzz_fail("refusal left data behind");
	return (0);
    }
    fuzz_check_parse(&mc);

    /* Enable: same length, only changed chroot bytes differ. */
    if (mcedit_compute(&mc, &req, NULL, &en, err, sizeof(err)) != 0)
	fuzz_fail("enable of a parsed file failed");
    if (en.len != mc.len)
	fuzz_fail("enable changed the length");
    for (i = 0, k = 0; i < mc.len; i++) {
	if (en.buf[i] == mc.buf[i])
	    continue;
	if (k >= en.n || en.chg[k].off != i || en.chg[k].now != 'y')
	    fuzz_fail("a byte changed that is not a changed chroot field");
	k++;
    }
    if (k != en.n)
	fuzz_fail("a listed change is not in the text");

    /* The diff exists exactly when something changed. */
    if (mcedit_diff(mc.buf, mc.len, en.buf, en.len, "a/master.cf",
		    "b/master.cf", &diff, &difflen) != 0)
	fuzz_fail("diff failed");
    if ((difflen == 0) != (en.n == 0) ||
	(difflen > 0 && strncmp(diff, "--- a/master.cf\n", 16) != 0))
	fuzz_fail("diff does not match the edit");
    free(diff);

    fuzz_disable(&mc, &en, 'n');
    fuzz_disable(&mc, &en, 'y');
    mcedit_result_free(&en);
    mastercf_free(&mc);
    return (0);
}
