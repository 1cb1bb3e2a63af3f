/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PRINT_H
#define STAPMARK_PRINT_H
/*
 * -p1: print a parsed script back in a canonical form.  The output parses
 * again to the same tree, so printing it a second time gives the same text:
 * every operand that is itself an operation is parenthesised, negative
 * literals (only produced by wrap-around) are printed in hex.
 */
#include <stdio.h>

#include "ast.h"

void print_script(FILE *f, const struct script *s);
void print_expr(FILE *f, const struct expr *e);
void print_stmt(FILE *f, const struct stmt *s, int indent);
void print_point(FILE *f, const struct probe_point *pp);
#endif
