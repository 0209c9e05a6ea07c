/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner - run every Check suite of the project
 *
 * Each tests/check_NAME.c exports NAME_suite(); the Makefile lists them in
 * suites.h.  An optional argument runs only the suite of that name.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

struct suite_entry {
    const char *name;
    Suite *(*make)(void);
};

static const struct suite_entry suites[] = {
#define SUITE(name) {#name, name##_suite},
#include "suites.h"
#undef SUITE
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    SRunner *sr = NULL;
    const struct suite_entry *s;
    int failed;

    for (s = suites; s->name; s++) {
	if (argc > 1 && strcmp(argv[1], s->name) != 0)
	    continue;
	if (sr == NULL)
	    sr = srunner_create(s->make());
	else
	    srunner_add_suite(sr, s->make());
    }
    if (sr == NULL)
	return (EXIT_FAILURE);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
