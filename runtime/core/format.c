// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Marker format parser.  Accepts C99 printf conversion specifications:
 *   % [flags -+ #0'] [width: digits or *] [.precision: digits or *]
 *     [length: hh h l ll j z t L] conversion
 * with conversions d i u o x X c s p e E f F g G a A, %% and glibc's %m
 * (which consumes nothing).  Everything else - %n, positional %1$d, unknown
 * letters, lengths that make no sense for the conversion - is an error, so
 * that a format never silently consumes the wrong number of arguments.
 *
 * Uses no library function: it is compiled into the kernel host too.
 */
#include "format.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static void copy_str(char *dst, int size, const char *src, int len)
{
	int i;

	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = src[i];
	dst[len] = '\0';
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* "argN" spelled by hand: no snprintf in the kernel-agnostic core. */
static void positional_name(char *dst, int index)
{
	char digits[12];
	int n = 0, i = 0;

	do {
		digits[n++] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	dst[i++] = 'a';
	dst[i++] = 'r';
	dst[i++] = 'g';
	while (n)
		dst[i++] = digits[--n];
	dst[i] = '\0';
}

/* Is name of the form argN?  Such a name would shadow a positional $argN. */
static int looks_positional(const char *name)
{
	if (name[0] != 'a' || name[1] != 'r' || name[2] != 'g' || !is_digit(name[3]))
		return 0;
	for (name += 3; *name; name++)
		if (!is_digit(*name))
			return 0;
	return 1;
}

/*
 * The field name of a conversion: the identifier ending the literal text
 * before it, optionally followed by '=' or ':' and blanks ("len %zu",
 * "len=%zu", "len: %zu").  Only the literal text since the previous
 * conversion is looked at.
 */
static int field_name(const char *lit, const char *pct, char *out, int size)
{
	const char *end = pct, *start;

	while (end > lit && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > lit && (end[-1] == '=' || end[-1] == ':')) {
		end--;
		while (end > lit && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
	}
	start = end;
	while (start > lit && is_ident(start[-1]))
		start--;
	if (start == end || is_digit(*start) || end - start >= size)
		return 0;
	copy_str(out, size, start, (int)(end - start));
	return 1;
}

void marker_format_begin(struct marker_format_iter *it, const char *format)
{
	it->format = format;
	it->pos = format;
	it->literal = format;
	it->nargs = 0;
	it->npending = 0;
	it->next_pending = 0;
	it->error_offset = -1;
	it->error = 0;
	it->no_dedup = 0;
}

static int fail(struct marker_format_iter *it, const char *at, const char *msg)
{
	it->error = msg;
	it->error_offset = (int)(at - it->format);
	it->pos = at; /* stay put: further calls keep failing */
	return -1;
}

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_BIG_L };

static const char *const length_text[] = {"", "hh", "h", "l", "ll", "j", "z", "t", "L"};

/* va type, value size and signedness of an integer conversion with a length. */
static void integer_type(enum length len, int is_signed, struct marker_arg *a)
{
	a->is_signed = (unsigned char)is_signed;
	switch (len) {
	case LEN_HH:
		a->va_type = is_signed ? MARKER_VA_INT : MARKER_VA_UINT;
		a->size = 1;
		break;
	case LEN_H:
		a->va_type = is_signed ? MARKER_VA_INT : MARKER_VA_UINT;
		a->size = sizeof(short);
		break;
	case LEN_L:
		a->va_type = is_signed ? MARKER_VA_LONG : MARKER_VA_ULONG;
		a->size = sizeof(long);
		break;
	case LEN_LL:
		a->va_type = is_signed ? MARKER_VA_LLONG : MARKER_VA_ULLONG;
		a->size = sizeof(long long);
		break;
	case LEN_J:
		a->va_type = is_signed ? MARKER_VA_INTMAX : MARKER_VA_UINTMAX;
		a->size = 8; /* intmax_t is 64 bits on every Linux ABI */
		break;
	case LEN_Z:
		a->va_type = is_signed ? MARKER_VA_SSIZE : MARKER_VA_SIZE;
		a->size = sizeof(long); /* size_t is long-sized on Linux */
		break;
	case LEN_T:
		a->va_type = is_signed ? MARKER_VA_PTRDIFF : MARKER_VA_UPTRDIFF;
		a->size = sizeof(long);
		break;
	default:
		a->va_type = is_signed ? MARKER_VA_INT : MARKER_VA_UINT;
		a->size = sizeof(int);
		break;
	}
}

static void star_arg(struct marker_arg *a, enum marker_arg_role role)
{
	a->index = 0; /* numbered when yielded */
	a->va_type = MARKER_VA_INT;
	a->script_type = MARKER_STYPE_LONG;
	a->role = role;
	a->size = sizeof(int);
	a->is_signed = 1;
	a->conversion = '*';
	a->length[0] = '\0';
	a->name[0] = '\0';
}

/* Give a queued argument its index and name, and hand it out. */
static void number_arg(struct marker_format_iter *it, struct marker_arg *a, const char *field)
{
	static const char width_sfx[] = "_width", prec_sfx[] = "_prec";
	const char *sfx = a->role == MARKER_ROLE_WIDTH	     ? width_sfx
			  : a->role == MARKER_ROLE_PRECISION ? prec_sfx
							     : "";
	int n = 0, m = 0;

	a->index = ++it->nargs;
	if (!field || !field[0]) {
		positional_name(a->name, a->index);
		return;
	}
	while (field[n] && n < MARKER_FIELD_NAME_MAX - 1) {
		a->name[n] = field[n];
		n++;
	}
	while (sfx[m] && n < MARKER_FIELD_NAME_MAX - 1)
		a->name[n++] = sfx[m++];
	a->name[n] = '\0';
}

/* Did a conversion before the one at pct already take this field name? */
static int name_taken(const struct marker_format_iter *it, const char *pct, const char *field)
{
	struct marker_format_iter sub;
	struct marker_arg a;

	marker_format_begin(&sub, it->format);
	sub.no_dedup = 1;
	while (marker_format_next(&sub, &a) > 0 && sub.pos <= pct)
		if (a.role == MARKER_ROLE_VALUE && str_eq(a.name, field))
			return 1;
	return 0;
}

int marker_format_next(struct marker_format_iter *it, struct marker_arg *arg)
{
	const char *p, *pct;
	struct marker_arg value;
	struct marker_arg stars[2];
	int nstars = 0, i;
	enum length len = LEN_NONE;
	char field[MARKER_FIELD_NAME_MAX];

	if (it->error)
		return -1;
	if (it->next_pending < it->npending) {
		*arg = it->pending[it->next_pending++];
		return 1;
	}
	it->npending = it->next_pending = 0;

	for (p = it->pos;; p++) {
		if (*p == '\0') {
			it->pos = p;
			return 0;
		}
		if (*p != '%')
			continue;
		pct = p++;
		if (*p == '%') { /* a literal percent sign */
			continue;
		}
		/* flags */
		while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0' || *p == '\'')
			p++;
		/* width */
		if (*p == '*') {
			star_arg(&stars[nstars++], MARKER_ROLE_WIDTH);
			p++;
			if (is_digit(*p))
				return fail(it, pct, "positional width ('*N$') is not supported");
		} else {
			while (is_digit(*p))
				p++;
			if (*p == '$')
				return fail(it, pct,
					    "positional arguments ('%N$') are not supported");
		}
		/* precision */
		if (*p == '.') {
			p++;
			if (*p == '*') {
				star_arg(&stars[nstars++], MARKER_ROLE_PRECISION);
				p++;
				if (is_digit(*p))
					return fail(
						it, pct,
						"positional precision ('.*N$') is not supported");
			} else {
				while (is_digit(*p))
					p++;
			}
		}
		/* length */
		switch (*p) {
		case 'h':
			len = p[1] == 'h' ? LEN_HH : LEN_H;
			p += len == LEN_HH ? 2 : 1;
			break;
		case 'l':
			len = p[1] == 'l' ? LEN_LL : LEN_L;
			p += len == LEN_LL ? 2 : 1;
			break;
		case 'j':
			len = LEN_J;
			p++;
			break;
		case 'z':
			len = LEN_Z;
			p++;
			break;
		case 't':
			len = LEN_T;
			p++;
			break;
		case 'L':
			len = LEN_BIG_L;
			p++;
			break;
		default:
			break;
		}

		value.role = MARKER_ROLE_VALUE;
		value.conversion = *p;
		value.script_type = MARKER_STYPE_LONG;
		value.is_signed = 0;
		copy_str(value.length, sizeof(value.length), length_text[len],
			 len == LEN_HH || len == LEN_LL ? 2
			 : len == LEN_NONE		? 0
							: 1);
		switch (*p) {
		case 'd':
		case 'i':
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			if (len == LEN_BIG_L)
				return fail(it, pct,
					    "length 'L' applies to floating conversions only");
			integer_type(len, *p == 'd' || *p == 'i', &value);
			break;
		case 'c':
			if (len != LEN_NONE && len != LEN_L)
				return fail(it, pct, "length modifier not valid with %c");
			value.va_type = len == LEN_L ? MARKER_VA_WINT : MARKER_VA_INT;
			value.size = len == LEN_L ? 4 : 1;
			value.is_signed = len != LEN_L;
			break;
		case 's':
			if (len != LEN_NONE && len != LEN_L)
				return fail(it, pct, "length modifier not valid with %s");
			value.va_type = len == LEN_L ? MARKER_VA_WSTRING : MARKER_VA_STRING;
			value.script_type = len == LEN_L ? MARKER_STYPE_LONG : MARKER_STYPE_STRING;
			value.size = sizeof(void *);
			break;
		case 'p':
			if (len != LEN_NONE)
				return fail(it, pct, "length modifier not valid with %p");
			value.va_type = MARKER_VA_POINTER;
			value.size = sizeof(void *);
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (len != LEN_NONE && len != LEN_L && len != LEN_BIG_L)
				return fail(it, pct,
					    "length modifier not valid with a floating conversion");
			value.va_type = len == LEN_BIG_L ? MARKER_VA_LDOUBLE : MARKER_VA_DOUBLE;
			value.size = 8;
			value.is_signed = 1;
			break;
		case 'm': /* glibc: strerror(errno); consumes nothing */
			if (len != LEN_NONE || nstars)
				return fail(it, pct, "%m takes no length or '*'");
			it->literal = p + 1;
			continue;
		case 'n':
			return fail(it, pct, "%n is not allowed in a marker format");
		case '\0':
			return fail(it, pct, "incomplete conversion at end of format");
		default:
			return fail(it, pct, "unknown conversion");
		}

		if (!field_name(it->literal, pct, field, sizeof(field)))
			field[0] = '\0';
		it->literal = p + 1;
		it->pos = p + 1;

		/* A name shadowing a positional $argN, or used twice, is not a name. */
		if (field[0] &&
		    (looks_positional(field) || (!it->no_dedup && name_taken(it, pct, field))))
			field[0] = '\0';

		for (i = 0; i < nstars; i++) {
			number_arg(it, &stars[i], field);
			it->pending[it->npending++] = stars[i];
		}
		number_arg(it, &value, field);
		it->pending[it->npending++] = value;
		*arg = it->pending[0];
		it->next_pending = 1;
		return 1;
	}
}

int marker_format_count(const char *format, const char **error, int *error_offset)
{
	struct marker_format_iter it;
	struct marker_arg a;
	int n = 0, r;

	marker_format_begin(&it, format);
	while ((r = marker_format_next(&it, &a)) > 0)
		n++;
	if (r < 0) {
		if (error)
			*error = it.error;
		if (error_offset)
			*error_offset = it.error_offset;
		return -1;
	}
	return n;
}

const char *marker_va_type_name(enum marker_va_type t)
{
	static const char *const names[] = {
		[MARKER_VA_INT] = "int",
		[MARKER_VA_UINT] = "unsigned int",
		[MARKER_VA_LONG] = "long",
		[MARKER_VA_ULONG] = "unsigned long",
		[MARKER_VA_LLONG] = "long long",
		[MARKER_VA_ULLONG] = "unsigned long long",
		[MARKER_VA_INTMAX] = "intmax_t",
		[MARKER_VA_UINTMAX] = "uintmax_t",
		[MARKER_VA_SSIZE] = "ssize_t",
		[MARKER_VA_SIZE] = "size_t",
		[MARKER_VA_PTRDIFF] = "ptrdiff_t",
		[MARKER_VA_UPTRDIFF] = "unsigned long",
		[MARKER_VA_WINT] = "wint_t",
		[MARKER_VA_DOUBLE] = "double",
		[MARKER_VA_LDOUBLE] = "long double",
		[MARKER_VA_POINTER] = "void *",
		[MARKER_VA_STRING] = "const char *",
		[MARKER_VA_WSTRING] = "const wchar_t *",
	};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
