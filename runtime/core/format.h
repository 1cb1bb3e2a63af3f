/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one parser of marker format strings (C99 printf conversions), shared by
 * the marker runtime (to validate formats at registration) and the translator
 * (to type $argN and unpack the va_list).
 *
 * For each argument a format consumes it yields the type to pass to va_arg
 * after the default argument promotions (never short or char), the width and
 * signedness of the value after conversion (so %hhd is read as int and then
 * narrowed to signed char), the script type, and a field name.
 */
#ifndef STAPMARK_CORE_FORMAT_H
#define STAPMARK_CORE_FORMAT_H

/* The type given to va_arg. */
enum marker_va_type {
	MARKER_VA_INT, /* int: d i c, and hh/h integers before narrowing, '*' */
	MARKER_VA_UINT, /* unsigned int: u o x X, and hh/h before narrowing */
	MARKER_VA_LONG, /* long: ld */
	MARKER_VA_ULONG, /* unsigned long: lu lx ... */
	MARKER_VA_LLONG, /* long long: lld */
	MARKER_VA_ULLONG, /* unsigned long long: llu */
	MARKER_VA_INTMAX, /* intmax_t: jd */
	MARKER_VA_UINTMAX, /* uintmax_t: ju */
	MARKER_VA_SSIZE, /* the signed type of size_t: zd */
	MARKER_VA_SIZE, /* size_t: zu */
	MARKER_VA_PTRDIFF, /* ptrdiff_t: td */
	MARKER_VA_UPTRDIFF, /* the unsigned type of ptrdiff_t: tu */
	MARKER_VA_WINT, /* wint_t: lc */
	MARKER_VA_DOUBLE, /* double: e f g a (float is promoted) */
	MARKER_VA_LDOUBLE, /* long double: Le Lf Lg La */
	MARKER_VA_POINTER, /* void *: p */
	MARKER_VA_STRING, /* const char *: s */
	MARKER_VA_WSTRING, /* const wchar_t *: ls */
};

/* The type a script sees: integers, characters, pointers and the bits of
 * floating values are long (as SystemTap does); %s is string. */
enum marker_script_type {
	MARKER_STYPE_LONG,
	MARKER_STYPE_STRING,
};

/* What an argument is to its conversion. */
enum marker_arg_role {
	MARKER_ROLE_VALUE,
	MARKER_ROLE_WIDTH, /* '*' width: an int */
	MARKER_ROLE_PRECISION, /* '*' precision: an int */
};

#define MARKER_FIELD_NAME_MAX 64

struct marker_arg {
	int index; /* 1-based position among the arguments */
	enum marker_va_type va_type;
	enum marker_script_type script_type;
	enum marker_arg_role role;
	unsigned char size; /* bytes of the value after conversion */
	unsigned char is_signed; /* integer conversions: signed value */
	char conversion; /* d i u o x X c s p e E f F g G a A */
	char length[3]; /* "", "hh", "h", "l", "ll", "j", "z", "t", "L" */
	char name[MARKER_FIELD_NAME_MAX]; /* field name, or argN */
};

struct marker_format_iter {
	const char *format;
	const char *pos; /* where scanning resumes */
	const char *literal; /* start of the literal text before the next '%' */
	int nargs; /* arguments returned so far */
	struct marker_arg pending[3]; /* '*' arguments and their value, queued */
	int npending;
	int next_pending;
	/* On error: */
	int error_offset; /* byte offset of the offending conversion */
	const char *error; /* static message */
	int no_dedup; /* internal: skip the duplicate-name check */
};

/* Start iterating over the arguments consumed by format. */
void marker_format_begin(struct marker_format_iter *it, const char *format);

/*
 * Yield the next argument: 1 and *arg filled, 0 at the end, -1 on a malformed
 * or unsupported conversion (it->error, it->error_offset say what and where).
 */
int marker_format_next(struct marker_format_iter *it, struct marker_arg *arg);

/* Count the arguments of format, or -1 when it is malformed (error and its
 * offset, when not NULL, say why). */
int marker_format_count(const char *format, const char **error, int *error_offset);

/* Name of a va type as C spells it ("int", "unsigned long", "size_t", ...). */
const char *marker_va_type_name(enum marker_va_type t);

#endif /* STAPMARK_CORE_FORMAT_H */
