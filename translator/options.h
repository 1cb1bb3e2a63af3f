/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_OPTIONS_H
#define STAPMARK_OPTIONS_H
#include <stdio.h>

#include "session.h"

enum options_result { OPTIONS_RUN, OPTIONS_EXIT_OK, OPTIONS_EXIT_ERROR };

#define STAPMARK_VERSION "0.1.0"

/* Parse stap(1)-style options into s.  --help and --version print and give
 * OPTIONS_EXIT_OK; a bad option prints one line and gives OPTIONS_EXIT_ERROR. */
enum options_result options_parse(struct session *s, int argc, char **argv);
void options_usage(FILE *f);
#endif
