// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * POSIX extended regular expressions without libc (see ere.h).
 *
 * Compiling writes a Thompson NFA straight into the fixed instruction
 * array, with no parse tree: each finished piece of the pattern is a
 * contiguous run of instructions whose jumps stay inside it or go to its
 * end, so a quantifier can wrap the last piece by opening a gap in front
 * of it, and an interval can copy it.  Open groups live in the array too,
 * as marker instructions removed when the group closes, so nesting depth
 * costs no C stack.
 *
 * Matching keeps the NFA's state set as a bitmap and follows the jumps of
 * the set with a bitmap work list instead of a stack: a few hundred bytes
 * of stack whatever the pattern, each instruction visited at most once per
 * subject byte.
 *
 * Syntax and errors follow glibc's regcomp(REG_EXTENDED) token by token,
 * because the user-space host uses glibc and a script must mean the same
 * in both hosts; the testsuite compares the two.
 */
#include "stp_host.h"
#include "stp_lib.h"
#include "ere.h"

enum {
	ERE_CHAR, /* arg: the byte */
	ERE_ANY, /* any byte */
	ERE_CLASS, /* arg: index into classes */
	ERE_ASSERT, /* arg: the contexts (ERE_CTX_*) in which it holds */
	ERE_JMP, /* x */
	ERE_SPLIT, /* x and y */
	ERE_MATCH,
	/* Only while compiling: */
	ERE_GROUP, /* an open group: x its last pending jump; arg, y: see ERE_NGROUP_REFS */
	ERE_PEND, /* a jump to its group's end, not yet known: x the previous one */
};

#define ERE_NONE 0xffffu

/* Where in the subject an assertion is tested. */
#define ERE_CTX_BEGIN 0x01
#define ERE_CTX_END 0x02
#define ERE_CTX_WORD_FIRST 0x04
#define ERE_CTX_WORD_LAST 0x08
#define ERE_CTX_IN_WORD 0x10
#define ERE_CTX_IN_NONWORD 0x20

/* glibc's regerror texts, so that both hosts report a bad pattern alike. */
enum {
	ERE_OK,
	ERE_BADPAT,
	ERE_ECOLLATE,
	ERE_ECTYPE,
	ERE_EESCAPE,
	ERE_ESUBREG,
	ERE_EBRACK,
	ERE_EPAREN,
	ERE_EBRACE,
	ERE_BADBR,
	ERE_ERANGE,
	ERE_BADRPT,
	ERE_ESIZE,
};

static const char *const ere_messages[] = {
	[ERE_OK] = "Success",
	[ERE_BADPAT] = "Invalid regular expression",
	[ERE_ECOLLATE] = "Invalid collation character",
	[ERE_ECTYPE] = "Invalid character class name",
	[ERE_EESCAPE] = "Trailing backslash",
	[ERE_ESUBREG] = "Invalid back reference",
	[ERE_EBRACK] = "Unmatched [, [^, [:, [., or [=",
	[ERE_EPAREN] = "Unmatched ( or \\(",
	[ERE_EBRACE] = "Unmatched \\{",
	[ERE_BADBR] = "Invalid content of \\{\\}",
	[ERE_ERANGE] = "Invalid range end",
	[ERE_BADRPT] = "Invalid preceding regular expression",
	[ERE_ESIZE] = "Regular expression too big",
};

/* glibc's RE_DUP_MAX: a larger bound is an error even where it would fit. */
#define ERE_DUP_MAX 0x7fff

/* POSIX classes, in the C locale. */
enum {
	ERE_ALPHA,
	ERE_UPPER,
	ERE_LOWER,
	ERE_DIGIT,
	ERE_XDIGIT,
	ERE_SPACE,
	ERE_PRINT,
	ERE_PUNCT,
	ERE_GRAPH,
	ERE_CNTRL,
	ERE_BLANK,
	ERE_ALNUM,
	ERE_NCLASSNAMES,
};

static const char *const ere_class_names[ERE_NCLASSNAMES] = {
	"alpha", "upper", "lower", "digit", "xdigit", "space",
	"print", "punct", "graph", "cntrl", "blank",  "alnum",
};

static int ere_in_class(int cls, unsigned int c)
{
	int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	int digit = c >= '0' && c <= '9', graph = c > ' ' && c < 0x7f;

	switch (cls) {
	case ERE_ALPHA:
		return upper || lower;
	case ERE_UPPER:
		return upper;
	case ERE_LOWER:
		return lower;
	case ERE_DIGIT:
		return digit;
	case ERE_XDIGIT:
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	case ERE_SPACE:
		return c == ' ' || (c >= '\t' && c <= '\r');
	case ERE_PRINT:
		return graph || c == ' ';
	case ERE_PUNCT:
		return graph && !upper && !lower && !digit;
	case ERE_GRAPH:
		return graph;
	case ERE_CNTRL:
		return c < ' ' || c == 0x7f;
	case ERE_BLANK:
		return c == ' ' || c == '\t';
	case ERE_ALNUM:
		return upper || lower || digit;
	}
	return 0;
}

/* The word characters of \w, \b, \< and \>. */
static int ere_is_word(unsigned int c)
{
	return c == '_' || ere_in_class(ERE_ALNUM, c);
}

static void ere_set_add(uint8_t *set, unsigned int c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int ere_set_has(const uint8_t *set, unsigned int c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

static void ere_set_add_class(uint8_t *set, int cls)
{
	unsigned int c;

	for (c = 0; c < 256; c++)
		if (ere_in_class(cls, c))
			ere_set_add(set, c);
}

/* ---- compiling ---- */

struct ere_cc {
	struct stp_ere *e;
	const char *p; /* the rest of the pattern */
	unsigned int group; /* the marker of the innermost open group */
	unsigned int atom; /* where what a quantifier would repeat starts, or ERE_NONE */
	unsigned int nsub; /* groups opened so far */
	unsigned int backrefs; /* which groups \N may name here (ERE_NGROUP_REFS) */
	int backref; /* a valid \N was seen: refuse at the end */
};

/* Tokens outside bracket expressions, as glibc's peek_token sees them. */
enum {
	ERE_T_END,
	ERE_T_CHAR, /* a literal byte, plain or escaped */
	ERE_T_OP, /* an unescaped operator: | * + ? { } ( ) . [ ^ $ */
	ERE_T_GNU, /* \w \W \s \S \b \B \< \> \` \' */
	ERE_T_BACKREF, /* \1 .. \9 */
	ERE_T_BACKSLASH, /* a backslash ending the pattern */
};

struct ere_tok {
	uint8_t kind, c;
};

static const char *ere_lex(const char *p, struct ere_tok *t)
{
	unsigned char ch = (unsigned char)*p;

	t->c = ch;
	if (!ch) {
		t->kind = ERE_T_END;
		return p;
	}
	if (ch != '\\') {
		t->kind = stp_strchr("|*+?{}().[^$", ch) ? ERE_T_OP : ERE_T_CHAR;
		return p + 1;
	}
	ch = (unsigned char)p[1];
	if (!ch) {
		t->kind = ERE_T_BACKSLASH;
		return p + 1;
	}
	t->c = ch;
	if (ch >= '1' && ch <= '9')
		t->kind = ERE_T_BACKREF;
	else if (stp_strchr("wWsSbB<>`'", ch))
		t->kind = ERE_T_GNU;
	else
		t->kind = ERE_T_CHAR;
	return p + 2;
}

static int ere_room(const struct stp_ere *e, unsigned int k)
{
	return e->ninsns + k <= STP_ERE_MAX_INSNS ? ERE_OK : ERE_ESIZE;
}

static int ere_emit(struct stp_ere *e, unsigned int op, unsigned int arg, unsigned int x,
		    unsigned int y)
{
	struct stp_ere_insn *in;

	if (ere_room(e, 1))
		return ERE_ESIZE;
	in = &e->insn[e->ninsns++];
	in->op = (uint8_t)op;
	in->arg = (uint8_t)arg;
	in->x = (uint16_t)x;
	in->y = (uint16_t)y;
	return ERE_OK;
}

/* Move instruction from to to, its jumps at or after base moved by delta
 * with it.  Pending jumps and group markers hold links, not targets; they
 * never move anyway, being before any piece that does. */
static void ere_move(struct stp_ere *e, unsigned int from, unsigned int to, unsigned int base,
		     int delta)
{
	struct stp_ere_insn in = e->insn[from];

	if (in.op == ERE_JMP || in.op == ERE_SPLIT) {
		if (in.x >= base)
			in.x = (uint16_t)(in.x + delta);
		if (in.op == ERE_SPLIT && in.y >= base)
			in.y = (uint16_t)(in.y + delta);
	}
	e->insn[to] = in;
}

/* Open k slots at at, for the caller to fill, by moving the piece that
 * starts there (everything from at to the end is finished code). */
static int ere_insert(struct stp_ere *e, unsigned int at, unsigned int k)
{
	unsigned int i;

	if (ere_room(e, k))
		return ERE_ESIZE;
	for (i = e->ninsns; i-- > at;)
		ere_move(e, i, i + k, at, (int)k);
	e->ninsns = (uint16_t)(e->ninsns + k);
	return ERE_OK;
}

static void ere_remove(struct stp_ere *e, unsigned int at)
{
	unsigned int i;

	for (i = at + 1; i < e->ninsns; i++)
		ere_move(e, i, i - 1, at + 1, -1);
	e->ninsns--;
}

/* Append a copy of the piece [from, from + len). */
static int ere_copy(struct stp_ere *e, unsigned int from, unsigned int len)
{
	unsigned int i, to = e->ninsns;

	if (ere_room(e, len))
		return ERE_ESIZE;
	for (i = 0; i < len; i++)
		ere_move(e, from + i, to + i, 0, (int)(to - from));
	e->ninsns = (uint16_t)(e->ninsns + len);
	return ERE_OK;
}

static void ere_set_insn(struct stp_ere *e, unsigned int at, unsigned int op, unsigned int x,
			 unsigned int y)
{
	e->insn[at].op = (uint8_t)op;
	e->insn[at].arg = 0;
	e->insn[at].x = (uint16_t)x;
	e->insn[at].y = (uint16_t)y;
}

/* The piece from a to the end, zero or one time. */
static int ere_quest(struct stp_ere *e, unsigned int a)
{
	int rc = ere_insert(e, a, 1);

	if (!rc)
		ere_set_insn(e, a, ERE_SPLIT, a + 1, e->ninsns);
	return rc;
}

static int ere_star(struct stp_ere *e, unsigned int a)
{
	int rc = ere_insert(e, a, 1);

	if (!rc)
		rc = ere_emit(e, ERE_JMP, 0, a, 0);
	if (!rc)
		ere_set_insn(e, a, ERE_SPLIT, a + 1, e->ninsns);
	return rc;
}

static int ere_plus(struct stp_ere *e, unsigned int a)
{
	return ere_emit(e, ERE_SPLIT, 0, a, e->ninsns + 1u);
}

/* The piece from a to the end, min to max times (max -1: unbounded), by
 * copying it: the NFA has no counters. */
static int ere_repeat(struct stp_ere *e, unsigned int a, int min, int max)
{
	unsigned int len = e->ninsns - a, q;
	int i, rc = ERE_OK;

	if (!len)
		return ERE_OK; /* an empty group repeated is still empty */
	if (max == 0) {
		e->ninsns = (uint16_t)a;
		return ERE_OK;
	}
	if (min == 0) {
		if (max < 0)
			return ere_star(e, a);
		rc = ere_quest(e, a);
		for (i = 1; !rc && i < max; i++)
			rc = ere_copy(e, a, len + 1);
		return rc;
	}
	for (i = 1; !rc && i < min; i++)
		rc = ere_copy(e, a, len);
	if (rc)
		return rc;
	if (max < 0)
		return ere_plus(e, e->ninsns - len);
	for (i = min; !rc && i < max; i++) {
		q = e->ninsns;
		rc = ere_copy(e, a, len);
		if (!rc)
			rc = ere_quest(e, q);
	}
	return rc;
}

/*
 * A bound of an interval, as glibc's fetch_number: -1 when there are no
 * digits, -2 when something else is there (read on to '}', ',' or the
 * end all the same, so that the error is glibc's).  *t is left at the
 * token that ended it.
 */
static int ere_bound(struct ere_cc *cc, struct ere_tok *t)
{
	int num = -1;

	for (;;) {
		cc->p = ere_lex(cc->p, t);
		if (t->kind == ERE_T_END)
			return -2;
		if ((t->kind == ERE_T_OP && t->c == '}') || t->c == ',')
			return num;
		if (t->kind != ERE_T_CHAR || t->c < '0' || t->c > '9' || num == -2)
			num = -2;
		else if (num == -1)
			num = t->c - '0';
		else
			num = num * 10 + t->c - '0' > ERE_DUP_MAX ? ERE_DUP_MAX + 1
								  : num * 10 + t->c - '0';
	}
}

/* After '{': the interval's min and max (-1: unbounded). */
static int ere_interval(struct ere_cc *cc, int *min, int *max)
{
	struct ere_tok t;
	int lo, hi = 0;

	lo = ere_bound(cc, &t);
	if (lo == -1) {
		if (t.kind != ERE_T_CHAR || t.c != ',')
			return ERE_BADBR; /* {} */
		lo = 0; /* {,m} */
	}
	if (lo != -2) {
		if (t.kind == ERE_T_OP && t.c == '}')
			hi = lo;
		else if (t.kind == ERE_T_CHAR && t.c == ',')
			hi = ere_bound(cc, &t);
		else
			hi = -2;
	}
	if (lo == -2 || hi == -2)
		return t.kind == ERE_T_END ? ERE_EBRACE : ERE_BADBR;
	if ((hi != -1 && lo > hi) || t.kind != ERE_T_OP || t.c != '}')
		return ERE_BADBR;
	if ((hi == -1 ? lo : hi) > ERE_DUP_MAX)
		return ERE_ESIZE;
	*min = lo;
	*max = hi;
	return ERE_OK;
}

/* Tokens inside a bracket expression (glibc's peek_token_bracket). */
enum {
	ERE_B_END,
	ERE_B_CHAR,
	ERE_B_DASH,
	ERE_B_CLOSE,
	ERE_B_COLL, /* [. */
	ERE_B_EQUIV, /* [= */
	ERE_B_CLASS, /* [: */
};

static int ere_bpeek(const char *p)
{
	switch (*p) {
	case '\0':
		return ERE_B_END;
	case '-':
		return ERE_B_DASH;
	case ']':
		return ERE_B_CLOSE;
	case '[':
		switch (p[1]) {
		case '.':
			return ERE_B_COLL;
		case '=':
			return ERE_B_EQUIV;
		case ':':
			return ERE_B_CLASS;
		}
	}
	return ERE_B_CHAR;
}

/* One element of a bracket expression: a byte, or a [. .], [= =] or
 * [: :] whose name is name[0..len). */
struct ere_belem {
	int kind; /* ERE_B_CHAR, _COLL, _EQUIV, _CLASS */
	unsigned char c;
	const char *name;
	unsigned int len;
};

/* glibc's parse_bracket_element: tok is the token at cc->p; a '-' that is
 * not first nor last is an error (hyphen_ok: it is first). */
static int ere_belement(struct ere_cc *cc, int tok, int hyphen_ok, struct ere_belem *el)
{
	const char *p = cc->p;
	char delim;
	unsigned int i;

	el->kind = ERE_B_CHAR;
	el->c = (unsigned char)*p;
	if (tok == ERE_B_COLL || tok == ERE_B_EQUIV || tok == ERE_B_CLASS) {
		delim = p[1];
		p += 2;
		if (!*p)
			return ERE_EBRACK;
		/* glibc's name buffer holds 31 bytes; it reads to the end byte
		 * by byte, so a name ending the pattern is unmatched. */
		for (i = 0;; i++) {
			if (i >= 32 || !p[i + 1])
				return ERE_EBRACK;
			if (p[i] == delim && p[i + 1] == ']')
				break;
		}
		el->kind = tok;
		el->name = p;
		el->len = i;
		cc->p = p + i + 2;
		return ERE_OK;
	}
	if (tok == ERE_B_DASH && !hyphen_ok && ere_bpeek(p + 1) != ERE_B_CLOSE)
		return ERE_ERANGE;
	cc->p = p + 1;
	return ERE_OK;
}

static int ere_class_lookup(const struct ere_belem *el)
{
	int i;

	for (i = 0; i < ERE_NCLASSNAMES; i++)
		if (stp_strlen(ere_class_names[i]) == el->len &&
		    !stp_memcmp(ere_class_names[i], el->name, el->len))
			return i;
	return -1;
}

/* The byte a range ends at: a byte or a one-byte collating symbol. */
static int ere_range_end(const struct ere_belem *el, unsigned int *c)
{
	if (el->kind == ERE_B_COLL) {
		if (el->len != 1)
			return ERE_ECOLLATE;
		*c = (unsigned char)el->name[0];
	} else {
		*c = el->c;
	}
	return ERE_OK;
}

static int ere_add_range(uint8_t *set, const struct ere_belem *lo, const struct ere_belem *hi)
{
	unsigned int a, b, c;
	int rc;

	if (lo->kind == ERE_B_EQUIV || lo->kind == ERE_B_CLASS || hi->kind == ERE_B_EQUIV ||
	    hi->kind == ERE_B_CLASS)
		return ERE_ERANGE;
	rc = ere_range_end(lo, &a);
	if (!rc)
		rc = ere_range_end(hi, &b);
	if (rc)
		return rc;
	if (a > b)
		return ERE_ERANGE;
	for (c = a; c <= b; c++)
		ere_set_add(set, c);
	return ERE_OK;
}

static int ere_add_element(uint8_t *set, const struct ere_belem *el)
{
	int cls;

	switch (el->kind) {
	case ERE_B_CLASS:
		cls = ere_class_lookup(el);
		if (cls < 0)
			return ERE_ECTYPE;
		ere_set_add_class(set, cls);
		return ERE_OK;
	case ERE_B_COLL:
	case ERE_B_EQUIV:
		/* The C locale has no multi-byte collating elements, and
		 * every byte is its own equivalence class. */
		if (el->len != 1)
			return ERE_ECOLLATE;
		ere_set_add(set, (unsigned char)el->name[0]);
		return ERE_OK;
	}
	ere_set_add(set, el->c);
	return ERE_OK;
}

/* After '[': the set of bytes the bracket expression matches (glibc's
 * parse_bracket_exp, in the order it reports errors). */
static int ere_bracket(struct ere_cc *cc, uint8_t *set)
{
	struct ere_belem lo, hi;
	int tok, tok2, negate = 0, first = 1, range, rc;
	unsigned int c;

	tok = ere_bpeek(cc->p);
	if (tok == ERE_B_END)
		return ERE_BADPAT;
	if (*cc->p == '^') {
		negate = 1;
		tok = ere_bpeek(++cc->p);
		if (tok == ERE_B_END)
			return ERE_BADPAT;
	}
	if (tok == ERE_B_CLOSE)
		tok = ERE_B_CHAR; /* a ']' first is itself */
	for (;;) {
		rc = ere_belement(cc, tok, first, &lo);
		if (rc)
			return rc;
		first = 0;
		tok = ere_bpeek(cc->p);
		range = 0;
		if (lo.kind != ERE_B_CLASS && lo.kind != ERE_B_EQUIV) {
			if (tok == ERE_B_END)
				return ERE_EBRACK;
			if (tok == ERE_B_DASH) {
				tok2 = ere_bpeek(cc->p + 1);
				if (tok2 == ERE_B_END)
					return ERE_EBRACK;
				if (tok2 == ERE_B_CLOSE) {
					tok = ERE_B_CHAR; /* a '-' last is itself */
				} else {
					range = 1;
					cc->p++;
				}
			}
		}
		if (range) {
			rc = ere_belement(cc, tok2, 1, &hi);
			if (rc)
				return rc;
			tok = ere_bpeek(cc->p);
			rc = ere_add_range(set, &lo, &hi);
		} else {
			rc = ere_add_element(set, &lo);
		}
		if (rc)
			return rc;
		if (tok == ERE_B_END)
			return ERE_EBRACK;
		if (tok == ERE_B_CLOSE)
			break;
	}
	cc->p++;
	if (negate)
		for (c = 0; c < 32; c++)
			set[c] = (uint8_t)~set[c];
	return ERE_OK;
}

/* Emit a match of one byte of set: a CHAR when it has one byte, else a
 * class, shared with an earlier equal one. */
static int ere_emit_set(struct stp_ere *e, const uint8_t *set)
{
	unsigned int c, n = 0, last = 0, k;

	for (c = 0; c < 256; c++)
		if (ere_set_has(set, c)) {
			n++;
			last = c;
		}
	if (n == 1)
		return ere_emit(e, ERE_CHAR, last, 0, 0);
	for (k = 0; k < e->nclasses; k++)
		if (!stp_memcmp(e->classes[k], set, 32))
			break;
	if (k == e->nclasses) {
		if (k == STP_ERE_MAX_CLASSES)
			return ERE_ESIZE;
		stp_memcpy(e->classes[k], set, 32);
		e->nclasses++;
	}
	return ere_emit(e, ERE_CLASS, k, 0, 0);
}

/* \w \W \s \S, or one of the assertions \b \B \< \> \` \'. *atom: the
 * escape can take a quantifier. */
static int ere_gnu(struct stp_ere *e, unsigned char c, int *atom)
{
	uint8_t set[32];
	unsigned int ctx = 0, i;

	*atom = c == 'w' || c == 'W' || c == 's' || c == 'S';
	if (*atom) {
		stp_memset(set, 0, sizeof(set));
		ere_set_add_class(set, c == 'w' || c == 'W' ? ERE_ALNUM : ERE_SPACE);
		if (c == 'w' || c == 'W')
			ere_set_add(set, '_');
		if (c == 'W' || c == 'S')
			for (i = 0; i < 32; i++)
				set[i] = (uint8_t)~set[i];
		return ere_emit_set(e, set);
	}
	switch (c) {
	case 'b':
		ctx = ERE_CTX_WORD_FIRST | ERE_CTX_WORD_LAST;
		break;
	case 'B':
		ctx = ERE_CTX_IN_WORD | ERE_CTX_IN_NONWORD;
		break;
	case '<':
		ctx = ERE_CTX_WORD_FIRST;
		break;
	case '>':
		ctx = ERE_CTX_WORD_LAST;
		break;
	case '`':
		ctx = ERE_CTX_BEGIN;
		break;
	case '\'':
		ctx = ERE_CTX_END;
		break;
	}
	return ere_emit(e, ERE_ASSERT, ctx, 0, 0);
}

/* The start of the current alternative of the group whose marker is at g:
 * just after the group's last pending jump, or after the marker. */
static unsigned int ere_branch_start(const struct stp_ere *e, unsigned int g)
{
	return e->insn[g].x == ERE_NONE ? g + 1 : e->insn[g].x + 1u;
}

/* '|' in the group at g: the alternative just ended becomes "split to it
 * or to the next one; after it, jump to the group's end". */
static int ere_alternative(struct stp_ere *e, unsigned int g)
{
	unsigned int b = ere_branch_start(e, g);
	int rc = ere_room(e, 2);

	if (!rc)
		rc = ere_insert(e, b, 1);
	if (!rc)
		rc = ere_emit(e, ERE_PEND, 0, e->insn[g].x, 0);
	if (rc)
		return rc;
	e->insn[g].x = (uint16_t)(e->ninsns - 1);
	ere_set_insn(e, b, ERE_SPLIT, b + 1, e->ninsns);
	return ERE_OK;
}

/* Close the group at g: its pending jumps go to its end, its marker goes.
 * Returns the enclosing group, the open marker nearest before. */
static unsigned int ere_close_group(struct stp_ere *e, unsigned int g)
{
	unsigned int link = e->insn[g].x, next;

	while (link != ERE_NONE) {
		next = e->insn[link].x;
		ere_set_insn(e, link, ERE_JMP, e->ninsns, 0);
		link = next;
	}
	ere_remove(e, g);
	while (g > 0 && e->insn[g - 1].op != ERE_GROUP)
		g--;
	return g ? g - 1 : 0;
}

/*
 * Back-references are refused: not regular, and not linear.  glibc
 * refuses \N at once when group N has not closed before it, or closed in
 * another alternative of a group enclosing both; the engine does the same
 * there, and elsewhere refuses at the end of the pattern, so that a later
 * syntax error is reported first, as glibc would.
 *
 * Groups are numbered from 0 in opening order; only 0..8 can be named.
 * cc->backrefs holds the groups \N may name at this point.  A group's
 * marker keeps the mask its group started with (y), since each '|' starts
 * again from there, and its number (arg; 9 for the rest): closing it adds
 * every group opened since, all closed by then.
 */
#define ERE_NGROUP_REFS 9

static unsigned int ere_opened_since(unsigned int first, unsigned int nsub)
{
	unsigned int mask = 0, i;

	for (i = first; i < nsub && i < ERE_NGROUP_REFS; i++)
		mask |= 1u << i;
	return mask;
}

/* One operator token. */
static int ere_operator(struct ere_cc *cc, unsigned char op)
{
	struct stp_ere *e = cc->e;
	struct stp_ere_insn *m = &e->insn[cc->group];
	uint8_t set[32];
	unsigned int at = e->ninsns;
	int min, max, rc;

	switch (op) {
	case '*':
	case '+':
	case '?':
	case '{':
		/* glibc: nothing to repeat at the start of a group or an
		 * alternative, nor after an anchor. */
		if (cc->atom == ERE_NONE)
			return ERE_BADRPT;
		if (op == '*')
			return ere_star(e, cc->atom);
		if (op == '+')
			return ere_plus(e, cc->atom);
		if (op == '?')
			return ere_quest(e, cc->atom);
		rc = ere_interval(cc, &min, &max);
		return rc ? rc : ere_repeat(e, cc->atom, min, max);
	case '|':
		cc->atom = ERE_NONE;
		cc->backrefs = m->y;
		return ere_alternative(e, cc->group);
	case '(':
		cc->atom = ERE_NONE;
		rc = ere_emit(e, ERE_GROUP, cc->nsub < ERE_NGROUP_REFS ? cc->nsub : ERE_NGROUP_REFS,
			      ERE_NONE, cc->backrefs);
		cc->nsub++;
		cc->group = at;
		return rc;
	case ')':
		if (cc->group == 0)
			break; /* unmatched: glibc takes it as itself */
		cc->backrefs |= ere_opened_since(m->arg, cc->nsub);
		cc->atom = cc->group;
		cc->group = ere_close_group(e, cc->group);
		return ERE_OK;
	case '^':
	case '$':
		cc->atom = ERE_NONE;
		return ere_emit(e, ERE_ASSERT, op == '^' ? ERE_CTX_BEGIN : ERE_CTX_END, 0, 0);
	case '.':
		cc->atom = at;
		return ere_emit(e, ERE_ANY, 0, 0, 0);
	case '[':
		cc->atom = at;
		stp_memset(set, 0, sizeof(set));
		rc = ere_bracket(cc, set);
		return rc ? rc : ere_emit_set(e, set);
	}
	cc->atom = at; /* '}', ')' */
	return ere_emit(e, ERE_CHAR, op, 0, 0);
}

static int ere_parse(struct ere_cc *cc)
{
	struct stp_ere *e = cc->e;
	struct ere_tok t;
	int rc, quantifiable;

	/* The whole pattern is a group at 0, so '|' works the same at top
	 * level. */
	cc->group = 0;
	cc->atom = ERE_NONE;
	rc = ere_emit(e, ERE_GROUP, ERE_NGROUP_REFS, ERE_NONE, 0);
	while (!rc) {
		cc->p = ere_lex(cc->p, &t);
		switch (t.kind) {
		case ERE_T_END:
			if (cc->group != 0)
				return ERE_EPAREN;
			if (cc->backref)
				return ERE_ESUBREG;
			ere_close_group(e, 0);
			return ere_emit(e, ERE_MATCH, 0, 0, 0);
		case ERE_T_BACKSLASH:
			return ERE_EESCAPE;
		case ERE_T_BACKREF:
			if (!(cc->backrefs >> (t.c - '1') & 1))
				return ERE_ESUBREG;
			cc->backref = 1;
			cc->atom = e->ninsns; /* an empty stand-in */
			break;
		case ERE_T_GNU:
			cc->atom = e->ninsns;
			rc = ere_gnu(e, t.c, &quantifiable);
			if (!quantifiable)
				cc->atom = ERE_NONE;
			break;
		case ERE_T_OP:
			rc = ere_operator(cc, t.c);
			break;
		default:
			cc->atom = e->ninsns;
			rc = ere_emit(e, ERE_CHAR, t.c, 0, 0);
		}
	}
	return rc;
}

int stp_ere_compile(struct stp_ere *e, const char *re, char *err, size_t errlen)
{
	struct ere_cc cc = {.e = e, .p = re};
	int rc;

	e->ninsns = 0;
	e->nclasses = 0;
	rc = ere_parse(&cc);
	if (!rc)
		return 0;
	e->ninsns = 0;
	if (err && errlen)
		stp_strlcpy(err, ere_messages[rc], errlen);
	return -1;
}

/* ---- matching ---- */

#define ERE_BITS ((unsigned int)(8 * sizeof(unsigned long)))
#define ERE_WORDS ((STP_ERE_MAX_INSNS + ERE_BITS - 1) / ERE_BITS)

/* Add pc to the set (seen) and to the work list (todo) unless it is in the
 * set already; *w: the lowest work-list word that may be non-empty. */
static void ere_add(unsigned long *seen, unsigned long *todo, unsigned int pc, unsigned int *w)
{
	unsigned int i = pc / ERE_BITS;
	unsigned long bit = 1ul << (pc % ERE_BITS);

	if (seen[i] & bit)
		return;
	seen[i] |= bit;
	todo[i] |= bit;
	if (i < *w)
		*w = i;
}

/*
 * Follow every jump, split and assertion (true in the contexts ctx) from
 * the threads in todo, which must be in seen already; seen then holds
 * every instruction reached.  1 when one is the match.  The work list is
 * a bitmap scanned upwards, restarted lower after a backward jump: each
 * instruction is taken once, and no stack grows with the pattern.
 */
static int ere_closure(const struct stp_ere *e, unsigned long *seen, unsigned long *todo,
		       unsigned int ctx)
{
	const struct stp_ere_insn *in;
	unsigned int w = 0, pc;
	unsigned long bits;

	while (w < ERE_WORDS) {
		bits = todo[w];
		if (!bits) {
			w++;
			continue;
		}
		todo[w] = bits & (bits - 1);
		pc = w * ERE_BITS + (unsigned int)__builtin_ctzl(bits);
		in = &e->insn[pc];
		switch (in->op) {
		case ERE_MATCH:
			return 1;
		case ERE_JMP:
			ere_add(seen, todo, in->x, &w);
			break;
		case ERE_SPLIT:
			ere_add(seen, todo, in->x, &w);
			ere_add(seen, todo, in->y, &w);
			break;
		case ERE_ASSERT:
			if (ctx & in->arg)
				ere_add(seen, todo, pc + 1, &w);
			break;
		}
	}
	return 0;
}

static unsigned int ere_context(int at_begin, int prev_word, unsigned char c)
{
	int next_word = ere_is_word(c);
	unsigned int ctx = 0;

	if (at_begin)
		ctx |= ERE_CTX_BEGIN;
	if (!c)
		ctx |= ERE_CTX_END;
	if (prev_word)
		ctx |= next_word ? ERE_CTX_IN_WORD : ERE_CTX_WORD_LAST;
	else
		ctx |= next_word ? ERE_CTX_WORD_FIRST : ERE_CTX_IN_NONWORD;
	return ctx;
}

static int ere_consumes(const struct stp_ere *e, const struct stp_ere_insn *in, unsigned char c)
{
	switch (in->op) {
	case ERE_CHAR:
		return in->arg == c;
	case ERE_ANY:
		return 1;
	case ERE_CLASS:
		return ere_set_has(e->classes[in->arg], c);
	}
	return 0;
}

int stp_ere_match(const struct stp_ere *e, const char *s)
{
	unsigned long seen[ERE_WORDS], todo[ERE_WORDS], bits;
	unsigned int i, pc;
	int prev_word = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (!e->ninsns)
		return 0;
	stp_memset(todo, 0, sizeof(todo));
	for (;; p++) {
		/* Unanchored: a match may also start here. */
		todo[0] |= 1;
		stp_memcpy(seen, todo, sizeof(seen));
		if (ere_closure(e, seen, todo,
				ere_context(p == (const unsigned char *)s, prev_word, *p)))
			return 1;
		if (!*p)
			return 0;
		/* todo is empty again: the threads that take this byte
		 * continue after it. */
		for (i = 0; i < ERE_WORDS; i++)
			for (bits = seen[i]; bits; bits &= bits - 1) {
				pc = i * ERE_BITS + (unsigned int)__builtin_ctzl(bits);
				if (ere_consumes(e, &e->insn[pc], *p))
					todo[(pc + 1) / ERE_BITS] |= 1ul << ((pc + 1) % ERE_BITS);
			}
		prev_word = ere_is_word(*p);
	}
}
