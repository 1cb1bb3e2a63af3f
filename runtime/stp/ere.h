/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POSIX extended regular expressions, freestanding: the engine the kernel
 * host matches `=~` with (user space uses glibc's regcomp/regexec; the
 * testsuite checks both agree).  Compiled once into a fixed-size program;
 * matching allocates nothing, recurses nowhere and takes time linear in
 * the subject (a Pike VM over the compiled NFA), so it may run in any
 * context, with a small stack.
 *
 * The syntax and the error messages are glibc's REG_EXTENDED, C locale,
 * bytes, its GNU escapes (\w \W \s \S \b \B \< \> \` \') included, except:
 * back-references (\1..\9) are refused; intervals are expanded into the
 * program, so a pattern needing more than STP_ERE_MAX_INSNS instructions
 * (each open group takes one while compiling) or more than
 * STP_ERE_MAX_CLASSES distinct bracket expressions is refused as too big;
 * and where glibc 2.36 lets an assertion inside a repeated group hold in
 * every repetition once it held in the first ("(^a){2}" matching "aa"),
 * the engine gives POSIX's answer.
 */
#ifndef STP_ERE_H
#define STP_ERE_H

#include "stp_host.h"

#define STP_ERE_MAX_INSNS 512
#define STP_ERE_MAX_CLASSES 64

struct stp_ere_insn {
	uint8_t op;
	uint8_t arg; /* the byte, the class index, or the assertion's contexts */
	uint16_t x, y; /* branch targets */
};

struct stp_ere {
	uint16_t ninsns; /* 0: not compiled, matches nothing */
	uint16_t nclasses;
	struct stp_ere_insn insn[STP_ERE_MAX_INSNS];
	uint8_t classes[STP_ERE_MAX_CLASSES][32]; /* bracket expressions: 256-bit sets */
};

/* 0, or -1 with a message ("Unmatched ( or \\(", ...) in err. */
int stp_ere_compile(struct stp_ere *e, const char *re, char *err, size_t errlen);
/* 1 when s has a match anywhere (as regexec without REG_NOTBOL...), else 0. */
int stp_ere_match(const struct stp_ere *e, const char *s);

#endif /* STP_ERE_H */
