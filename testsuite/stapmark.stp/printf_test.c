// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stap's printf: every conversion, flag, width and precision (digits and
 * '*'), binary %b, memory %m/%M through the fault-safe read, escapes of
 * %#c, unknown conversions, print/println helpers, one record per hit and
 * items never split across records.
 */
#include "stp_test.h"

static struct stp_context *c;

static const char *fmt(const char *f, const union stp_val *a, int n)
{
	static char buf[MAXSTRINGLEN];

	if (stp_format(c, buf, sizeof(buf), f, a, n) < 0)
		return "<error>";
	return buf;
}

#define F1(f, x, expect) CHECK_STR(fmt(f, (union stp_val[]){x}, 1), expect, "printf(\"" f "\")")

static void test_numbers(void)
{
	F1("%d", STP_N(42), "42");
	F1("%i", STP_N(-42), "-42");
	F1("%d", STP_N(INT64_MIN), "-9223372036854775808");
	F1("%u", STP_N(-1), "18446744073709551615");
	F1("%x", STP_N(255), "ff");
	F1("%X", STP_N(255), "FF");
	F1("%x", STP_N(-1), "ffffffffffffffff");
	F1("%o", STP_N(8), "10");
	F1("%#o", STP_N(8), "010");
	F1("%#x", STP_N(255), "0xff");
	F1("%#X", STP_N(255), "0XFF");
	F1("%#x", STP_N(0), "0x0");
	F1("%p", STP_N(0x1234), "0x1234");
	F1("%p", STP_N(0), "0x0");
	F1("%5d", STP_N(42), "   42");
	F1("%-5d|", STP_N(42), "42   |");
	F1("%05d", STP_N(42), "00042");
	F1("%05d", STP_N(-42), "-0042");
	F1("%+d", STP_N(42), "+42");
	F1("% d", STP_N(42), " 42");
	F1("%+d", STP_N(-42), "-42");
	F1("%.5d", STP_N(42), "00042");
	F1("%8.5d", STP_N(-42), "  -00042");
	F1("%-8.3x|", STP_N(10), "00a     |");
	F1("%010.3d", STP_N(7), "0000000007");
	F1("%#10x", STP_N(255), "      0xff");
	F1("%#010x", STP_N(255), "0x000000ff");
	F1("%-#10o|", STP_N(8), "010       |");
	F1("%lld", STP_N(5), "5");
	F1("%ld %hd", STP_N(5), "5 0"); /* a missing argument reads as 0 */
	CHECK_STR(fmt("%*d|%-*d|", (union stp_val[]){STP_N(6), STP_N(42), STP_N(4), STP_N(1)}, 4),
		  "    42|1   |", "printf(\"%*d|%-*d|\")");
	CHECK_STR(fmt("%*d|", (union stp_val[]){STP_N(-6), STP_N(42)}, 2), "42    |",
		  "negative * width means left-justified");
	CHECK_STR(fmt("%.*d", (union stp_val[]){STP_N(4), STP_N(7)}, 2), "0007",
		  "printf(\"%.*d\")");
	CHECK_STR(fmt("%*.*d", (union stp_val[]){STP_N(6), STP_N(3), STP_N(7)}, 3), "   007",
		  "printf(\"%*.*d\")");
}

static void test_strings_chars(void)
{
	F1("%s", STP_S("hello"), "hello");
	F1("%10s|", STP_S("hello"), "     hello|");
	F1("%-10s|", STP_S("hello"), "hello     |");
	F1("%.3s", STP_S("hello"), "hel");
	F1("%8.3s|", STP_S("hello"), "     hel|");
	F1("%s", STP_S(""), "");
	CHECK_STR(fmt("%.*s", (union stp_val[]){STP_N(2), STP_S("hello")}, 2), "he",
		  "printf(\"%.*s\")");
	F1("%c", STP_N('A'), "A");
	F1("%3c|", STP_N('A'), "  A|");
	F1("%-3c|", STP_N('A'), "A  |");
	F1("%c", STP_N(0x141), "A");
	F1("%#c", STP_N('\n'), "\\n");
	F1("%#c", STP_N('\''), "\\'");
	F1("%#c", STP_N(1), "\\001");
	F1("%#c", STP_N('x'), "x");
	CHECK_STR(fmt("100%%", NULL, 0), "100%", "printf(\"100%%\")");
	CHECK_STR(fmt("%y", NULL, 0), "%y", "unknown conversion copied through");
	CHECK_STR(fmt("tail %", NULL, 0), "tail %", "lone % at the end");
	CHECK_STR(fmt("%s=%d, %s=%x\n",
		      (union stp_val[]){STP_S("a"), STP_N(1), STP_S("b"), STP_N(26)}, 4),
		  "a=1, b=1a\n", "several conversions");
}

static void test_binary_memory(void)
{
	char buf[64];
	int n;
	static const char mem[] = "Hello, world";
	int64_t v = 0x0102030405060708LL;

	n = stp_format(c, buf, sizeof(buf), "%b", (union stp_val[]){STP_N(v)}, 1);
	CHECK(n == 8 && memcmp(buf, &v, 8) == 0, "%%b: 8 bytes in host order");
	n = stp_format(c, buf, sizeof(buf), "%1b%2b%4b",
		       (union stp_val[]){STP_N(0x41), STP_N(0x4342), STP_N(0x47464544)}, 3);
	CHECK(n == 7 && memcmp(buf, "ABCDEFG", 7) == 0, "%%1b %%2b %%4b");
	n = stp_format(c, buf, sizeof(buf), "%.2b", (union stp_val[]){STP_N(0x4241)}, 1);
	CHECK(n == 2 && memcmp(buf, "AB", 2) == 0, "%%.2b");
	n = stp_format(c, buf, sizeof(buf), "%4.1b", (union stp_val[]){STP_N('Z')}, 1);
	CHECK(n == 4 && memcmp(buf, "\0\0\0Z", 4) == 0, "%%4.1b pads with NULs");
	n = stp_format(c, buf, sizeof(buf), "%-4.1b", (union stp_val[]){STP_N('Z')}, 1);
	CHECK(n == 4 && memcmp(buf, "Z\0\0\0", 4) == 0, "%%-4.1b pads after");

	F1("%.5m", STP_N((intptr_t)mem), "Hello");
	F1("%m", STP_N((intptr_t)mem), "H");
	F1("%8.2m|", STP_N((intptr_t)mem), "      He|");
	F1("%.3M", STP_N((intptr_t)mem), "48656c");
	F1("%-8.2M|", STP_N((intptr_t)mem), "4865    |");
	CHECK_STR(fmt("%.4m", (union stp_val[]){STP_N(16)}, 1), "<error>",
		  "%m of a bad address fails");
	CHECK_STR(c->last_error ? c->last_error : "", "read fault [man error::fault] at 0x10",
		  "%m fault message");
	c->last_error = NULL;
}

static void test_truncation_and_c(void)
{
	char small[8];
	char big[64];

	CHECK_EQ(stp_format(c, small, sizeof(small), "%s", (union stp_val[]){STP_S("0123456789")},
			    1),
		 7, "output truncated to the buffer");
	CHECK_STR(small, "0123456", "truncated text terminated");
	stp_snprintf(big, sizeof(big), "%s|%5.2s|%ld|%lu|%zu|%hhd|%p", "x", "abc", -3L, 3UL,
		     (size_t)9, 300, (void *)0x10);
	CHECK_STR(big, "x|   ab|-3|3|9|44|0x10", "stp_snprintf with C types");
	{
		const char *volatile null = NULL;

		stp_snprintf(big, sizeof(big), "%s", null);
	}
	CHECK_STR(big, "<NULL>", "stp_snprintf NULL string");
	stp_ltoa(big, sizeof(big), -1234567890123LL);
	CHECK_STR(big, "-1234567890123", "stp_ltoa");
}

static void test_print_records(struct stp_region *r)
{
	char line[300];
	int i;

	test_reset_io();
	c = test_enter(r);
	stp_print_s(c, "a");
	stp_print_n(c, -5);
	stp_println_s(c, "b");
	stp_println_n(c, 7);
	stp_printf(c, "%s-%d\n", (union stp_val[]){STP_S("x"), STP_N(1)}, 2);
	CHECK_EQ(test_outlen, 0, "nothing written before the handler ends");
	stp_context_exit(c);
	CHECK_STR(test_out, "a-5b\n7\nx-1\n", "print, println, printf in one record");

	/* A hit printing more than one buffer: several records, every
	 * printf whole. */
	test_reset_io();
	c = test_enter(r);
	memset(line, 'z', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 200; i++)
		stp_printf(c, "%s", (union stp_val[]){STP_S(line)}, 1);
	stp_context_exit(c);
	{
		int whole = 1;
		size_t off;

		for (off = 0; off < test_outlen; off += strlen(line))
			whole &= memcmp(test_out + off, line, strlen(line)) == 0;
		CHECK(test_outlen == 200 * strlen(line) && whole,
		      "large output kept whole and in order");
	}
	{
		char dst[MAXSTRINGLEN];

		c = test_enter(r);
		stp_sprintf(c, dst, "%d-%s", (union stp_val[]){STP_N(3), STP_S("z")}, 2);
		CHECK_STR(dst, "3-z", "sprintf");
		stp_sprint_n(dst, 99);
		CHECK_STR(dst, "99", "sprint(long)");
		stp_context_exit(c);
	}
}

int main(void)
{
	struct stp_region *r;

	test_capture();
	r = test_region(2, NULL);
	c = test_enter(r);
	test_numbers();
	test_strings_chars();
	test_binary_memory();
	test_truncation_and_c();
	stp_context_exit(c);
	test_print_records(r);
	return UNIT_EXIT();
}
