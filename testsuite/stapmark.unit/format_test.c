// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The marker format parser on a table of cases: for each format, every
 * argument it consumes rendered as name:va_type:size:signedness:script_type
 * (plus :width or :prec for '*' arguments), or the error it reports.
 */
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "unit.h"

struct format_case {
	const char *format;
	const char *expect; /* rendered arguments, or "error: MESSAGE" */
};

static const struct format_case cases[] = {
	{"", ""},
	{" ", ""}, /* MARK_NOARGS */
	{"integer %d string %s", "integer:int:4:s:long string:const char *:8:u:string"},
	{"%d %i %u %o %x %X",
	 "arg1:int:4:s:long arg2:int:4:s:long arg3:unsigned int:4:u:long "
	 "arg4:unsigned int:4:u:long arg5:unsigned int:4:u:long arg6:unsigned int:4:u:long"},
	/* hh and h are read as the promoted type, then narrowed */
	{"%hhd %hhu %hhx",
	 "arg1:int:1:s:long arg2:unsigned int:1:u:long arg3:unsigned int:1:u:long"},
	{"%hd %hu", "arg1:int:2:s:long arg2:unsigned int:2:u:long"},
	{"%ld %lu %lx",
	 "arg1:long:8:s:long arg2:unsigned long:8:u:long arg3:unsigned long:8:u:long"},
	{"%lld %llu", "arg1:long long:8:s:long arg2:unsigned long long:8:u:long"},
	{"%jd %ju", "arg1:intmax_t:8:s:long arg2:uintmax_t:8:u:long"},
	{"%zd %zu %zx", "arg1:ssize_t:8:s:long arg2:size_t:8:u:long arg3:size_t:8:u:long"},
	{"%td %tu", "arg1:ptrdiff_t:8:s:long arg2:unsigned long:8:u:long"},
	{"%c %lc", "arg1:int:1:s:long arg2:wint_t:4:u:long"},
	{"%s %ls", "arg1:const char *:8:u:string arg2:const wchar_t *:8:u:long"},
	{"%p", "arg1:void *:8:u:long"},
	{"%e %E %f %F", "arg1:double:8:s:long arg2:double:8:s:long arg3:double:8:s:long "
			"arg4:double:8:s:long"},
	{"%g %G %a %A %lf", "arg1:double:8:s:long arg2:double:8:s:long arg3:double:8:s:long "
			    "arg4:double:8:s:long arg5:double:8:s:long"},
	{"%Lf %Lg", "arg1:long double:8:s:long arg2:long double:8:s:long"},
	{"%%", ""},
	{"100%% done %d", "done:int:4:s:long"},
	{"%m %d", "arg1:int:4:s:long"}, /* glibc %m consumes nothing */
	/* '*' width and precision each consume an int, before the value */
	{"%*d", "arg1:int:4:s:long:width arg2:int:4:s:long"},
	{"len %*d", "len_width:int:4:s:long:width len:int:4:s:long"},
	{"%.*s", "arg1:int:4:s:long:prec arg2:const char *:8:u:string"},
	{"v %*.*f", "v_width:int:4:s:long:width v_prec:int:4:s:long:prec v:double:8:s:long"},
	{"%*d %d", "arg1:int:4:s:long:width arg2:int:4:s:long arg3:int:4:s:long"},
	/* flags, width, precision */
	{"x %-+ #0'10.5d y %08.3f", "x:int:4:s:long y:double:8:s:long"},
	{"%999999999999d", "arg1:int:4:s:long"},
	/* field names */
	{"count=%d", "count:int:4:s:long"},
	{"count: %d", "count:int:4:s:long"},
	{"count = %d", "count:int:4:s:long"},
	{"(pid %d)", "pid:int:4:s:long"},
	{"a %d a %d", "a:int:4:s:long arg2:int:4:s:long"},
	{"%d%d", "arg1:int:4:s:long arg2:int:4:s:long"},
	{"%dx%d", "arg1:int:4:s:long x:int:4:s:long"},
	{"1abc %d", "arg1:int:4:s:long"},
	{"arg2 %d", "arg1:int:4:s:long"},
	{"my_int2 %d", "my_int2:int:4:s:long"},
	/* malformed or unsupported */
	{"%", "error: incomplete conversion at end of format"},
	{"abc %", "error: incomplete conversion at end of format"},
	{"%k", "error: unknown conversion"},
	{"%y %d", "error: unknown conversion"},
	{"%n", "error: %n is not allowed in a marker format"},
	{"%1$d", "error: positional arguments ('%N$') are not supported"},
	{"%*1$d", "error: positional width ('*N$') is not supported"},
	{"%hs", "error: length modifier not valid with %s"},
	{"%zs", "error: length modifier not valid with %s"},
	{"%hhc", "error: length modifier not valid with %c"},
	{"%Ld", "error: length 'L' applies to floating conversions only"},
	{"%lp", "error: length modifier not valid with %p"},
	{"%hf", "error: length modifier not valid with a floating conversion"},
	{"%C", "error: unknown conversion"},
	{"%S", "error: unknown conversion"},
	{"%lm", "error: %m takes no length or '*'"},
};

static void render(const char *format, char *out, size_t size, int *err_off)
{
	struct marker_format_iter it;
	struct marker_arg a;
	size_t used = 0;
	int r;

	out[0] = '\0';
	*err_off = -1;
	marker_format_begin(&it, format);
	while ((r = marker_format_next(&it, &a)) > 0) {
		used += (size_t)snprintf(out + used, size - used, "%s%s:%s:%d:%c:%s%s",
					 used ? " " : "", a.name, marker_va_type_name(a.va_type),
					 a.size, a.is_signed ? 's' : 'u',
					 a.script_type == MARKER_STYPE_STRING ? "string" : "long",
					 a.role == MARKER_ROLE_WIDTH	   ? ":width"
					 : a.role == MARKER_ROLE_PRECISION ? ":prec"
									   : "");
		if (used >= size)
			return;
	}
	if (r < 0) {
		snprintf(out, size, "error: %s", it.error);
		*err_off = it.error_offset;
	}
}

int main(void)
{
	char got[1024];
	size_t i;
	int off, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(cases[i].format, got, sizeof(got), &off);
		CHECK(!strcmp(got, cases[i].expect), "format \"%s\" -> [%s]%s%s%s", cases[i].format,
		      cases[i].expect, strcmp(got, cases[i].expect) ? " but got [" : "",
		      strcmp(got, cases[i].expect) ? got : "",
		      strcmp(got, cases[i].expect) ? "]" : "");
		if (!strncmp(cases[i].expect, "error:", 6))
			CHECK(off >= 0 && cases[i].format[off] == '%',
			      "format \"%s\": error offset %d points at a '%%'", cases[i].format,
			      off);
	}

	/* Counting agrees with iteration, and errors stay sticky. */
	CHECK_EQ(marker_format_count("a %d b %*s c %p", NULL, NULL), 4, "count with '*'");
	CHECK_EQ(marker_format_count("a %d %q", NULL, NULL), -1, "count of a malformed format");
	{
		struct marker_format_iter it;
		struct marker_arg a;

		marker_format_begin(&it, "%d %k %d");
		n = marker_format_next(&it, &a);
		CHECK_EQ(n, 1, "first argument before an error");
		CHECK_EQ(marker_format_next(&it, &a), -1, "error reported");
		CHECK_EQ(marker_format_next(&it, &a), -1, "error stays reported");
		CHECK_EQ(it.error_offset, 3, "error offset");
	}
	return UNIT_EXIT();
}
