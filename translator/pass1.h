/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STAPMARK_PASS1_H
#define STAPMARK_PASS1_H
#include "ast.h"
#include "preprocess.h"
#include "session.h"

/*
 * Pass 1: load the library macros (*.stpm in the tapset directories) into
 * *macros and parse the user script.  Returns NULL after reporting errors.
 * *nlibrary is the number of library files read.
 */
struct script *pass1(struct session *s, int *nlibrary, macro_vec *macros);

/* The directories of one tapset directory that apply: dir, dir/linux,
 * dir/ARCH, dir/linux/ARCH (as stap lays them out); returns 4. */
int pass1_tapset_subdirs(struct session *s, const char *dir, const char *out[4]);

/* Load the *.stpm files that apply from tapset directory dir (dir, dir/linux,
 * dir/ARCH, dir/linux/ARCH) into macros; returns how many files were read. */
int pass1_load_macros(struct session *s, const char *dir, macro_vec *macros);

/* Add the tree's own tapset/ (found next to the executable) after the -I dirs. */
void pass1_tapset_dirs(struct session *s);
#endif
