// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset functions in C, each against the semantics of stap's tapset
 * reference: strings, tokenize, strtol, text_str, user memory, task
 * identity, clocks, ctime, control functions, ANSI sequences.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stp_test.h"

static struct stp_context *c;

static void test_strings(void)
{
	char d[MAXSTRINGLEN];
	int64_t v;
	char longs[MAXSTRINGLEN + 100];

	CHECK_EQ(stp_fn_strlen("hello"), 5, "strlen");
	stp_fn_substr(d, "hello world", 6, 3);
	CHECK_STR(d, "wor", "substr(s, 6, 3)");
	stp_fn_substr(d, "hello", 2, 100);
	CHECK_STR(d, "llo", "substr past the end");
	stp_fn_substr(d, "hello", 5, 2);
	CHECK_STR(d, "", "substr at the end is empty");
	stp_fn_substr(d, "hello", -1, 2);
	CHECK_STR(d, "", "substr with a negative start is empty");
	stp_fn_substr(d, "hello", 1, 0);
	CHECK_STR(d, "", "substr of length 0");
	CHECK(!stp_fn_stringat(c, "abc", 1, &v) && v == 'b', "stringat");
	CHECK(stp_fn_stringat(c, "abc", 3, &v), "stringat out of range fails");
	CHECK_STR(c->last_error ? c->last_error : "", "Position out of bounds", "stringat message");
	c->last_error = NULL;
	CHECK_EQ(stp_fn_isinstr("hello", "ell"), 1, "isinstr found");
	CHECK_EQ(stp_fn_isinstr("hello", "xyz"), 0, "isinstr not found");
	CHECK_EQ(stp_fn_strpos("hello", "llo"), 2, "strpos");
	CHECK_EQ(stp_fn_strpos("hello", "z"), -1, "strpos not found");
	CHECK_EQ(stp_fn_strpos("hello", ""), 0, "strpos of empty");
	stp_fn_str_replace(d, "a-b-c", "-", "+=");
	CHECK_STR(d, "a+=b+=c", "str_replace");
	stp_fn_str_replace(d, "abc", "", "x");
	CHECK_STR(d, "abc", "str_replace of empty search");
	stp_fn_str_replace(d, "aaaa", "aa", "b");
	CHECK_STR(d, "bb", "str_replace non-overlapping");
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	stp_fn_str_replace(d, longs + 200, "x", "yy");
	CHECK_EQ(strlen(d), MAXSTRINGLEN - 1, "str_replace bounded by MAXSTRINGLEN");
	CHECK_EQ(stp_fn_isdigit("7a"), 1, "isdigit");
	CHECK_EQ(stp_fn_isdigit("a7"), 0, "isdigit of a letter");
	CHECK_EQ(stp_fn_strtol("123", 10), 123, "strtol base 10");
	CHECK_EQ(stp_fn_strtol("-123xyz", 10), -123, "strtol stops at junk");
	CHECK_EQ(stp_fn_strtol("ff", 16), 255, "strtol base 16");
	CHECK_EQ(stp_fn_strtol("0x1F", 16), 31, "strtol base 16 with 0x");
	CHECK_EQ(stp_fn_strtol("0x1F", 0), 31, "strtol base 0 hex");
	CHECK_EQ(stp_fn_strtol("017", 0), 15, "strtol base 0 octal");
	CHECK_EQ(stp_fn_strtol("101", 2), 5, "strtol base 2");
	CHECK_EQ(stp_fn_strtol("zz", 36), 1295, "strtol base 36");
	CHECK_EQ(stp_fn_strtol("", 10), 0, "strtol of empty");
}

static void test_tokenize(void)
{
	char d[MAXSTRINGLEN];

	stp_fn_tokenize(c, d, "one,,two;three", ",;");
	CHECK_STR(d, "one", "tokenize first");
	stp_fn_tokenize(c, d, "", ",;");
	CHECK_STR(d, "two", "tokenize skips empty tokens");
	stp_fn_tokenize(c, d, "", ",;");
	CHECK_STR(d, "three", "tokenize last");
	stp_fn_tokenize(c, d, "", ",;");
	CHECK_STR(d, "", "tokenize exhausted");
	stp_fn_tokenize(c, d, "", ",;");
	CHECK_STR(d, "", "tokenize stays exhausted");
	stp_fn_tokenize(c, d, "a b", "");
	CHECK_STR(d, "a b", "tokenize without delimiters");
	stp_fn_tokenize(c, d, ",,,", ",");
	CHECK_STR(d, "", "tokenize of delimiters only");
}

static void test_text_str(void)
{
	char d[MAXSTRINGLEN];
	char longs[MAXSTRINGLEN + 10];

	stp_fn_text_str(d, "a\tb\n\"q\"\\\001\377");
	CHECK_STR(d, "a\\tb\\n\\\"q\\\"\\\\\\001\\377", "text_str escapes");
	stp_fn_text_str(d, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	CHECK_STR(d, "caf\\u00E9 \\U0001F600", "text_str of UTF-8");
	stp_fn_string_quoted(d, "hi\n");
	CHECK_STR(d, "\"hi\\n\"", "string_quoted");
	stp_fn_text_strn(d, "hello world", 5, 0);
	CHECK_STR(d, "hello", "text_strn(s, 5, 0)");
	stp_fn_text_strn(d, "hello world", 8, 1);
	CHECK_STR(d, "\"hel\"...", "text_strn(s, 8, 1): quotes and ... within 8");
	stp_fn_text_strn(d, "hello world", 13, 1);
	CHECK_STR(d, "\"hello world\"", "text_strn(s, 13, 1) fits whole");
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	stp_fn_string_quoted(d, longs);
	CHECK(strlen(d) == MAXSTRINGLEN - 1 && strcmp(d + strlen(d) - 4, "\"...") == 0,
	      "string_quoted of a too long string ends with \"...");
}

static void test_user_memory(void)
{
	static const char text[] = "user text";
	static const int32_t i32 = -5;
	char d[MAXSTRINGLEN];
	int64_t v;

	CHECK(!stp_fn_user_string(c, d, (intptr_t)text) && !strcmp(d, "user text"), "user_string");
	CHECK(!stp_fn_user_string_n(c, d, (intptr_t)text, 4) && !strcmp(d, "user"),
	      "user_string_n");
	CHECK(stp_fn_user_string(c, d, 8), "user_string of a bad address fails");
	CHECK_STR(c->last_error ? c->last_error : "",
		  "user string copy fault -14 at 0x8 [man error::fault]",
		  "user_string fault message");
	CHECK_STR(d, "<unknown>", "user_string result after a fault");
	c->last_error = NULL;
	stp_fn_user_string2(d, 8, "bad");
	CHECK_STR(d, "bad", "user_string2 with err_msg");
	test_reset_io();
	stp_fn_user_string_warn(c, d, 8);
	CHECK(!strcmp(d, "") && strstr(test_msg, "WARNING: user string copy fault") != NULL,
	      "user_string_warn warns");
	stp_fn_user_string_quoted(d, (intptr_t)text);
	CHECK_STR(d, "\"user text\"", "user_string_quoted");
	stp_fn_user_string_quoted(d, 16);
	CHECK_STR(d, "0x10", "user_string_quoted of a bad address");
	CHECK_EQ(stp_fn_user_long((intptr_t)&i32, 4, 1), -5, "user_int");
	CHECK_EQ(stp_fn_user_long((intptr_t)&i32, 4, 0), 0xfffffffbLL, "user_uint");
	CHECK_EQ(stp_fn_user_long(8, 8, 1), 0, "user_long of a bad address is 0");
	CHECK(stp_fn_user_long_error(c, 8, 8, 1, &v), "user_long_error fails");
	CHECK_STR(c->last_error ? c->last_error : "", "read fault [man error::fault] at 0x8",
		  "user_long_error message");
	c->last_error = NULL;
}

static void test_task_and_time(struct stp_region *r)
{
	char d[MAXSTRINGLEN];
	struct timespec ts;
	int64_t a, b;

	CHECK_EQ(stp_fn_pid(), getpid(), "pid");
	CHECK_EQ(stp_fn_tid(), syscall(SYS_gettid), "tid");
	CHECK_EQ(stp_fn_ppid(), getppid(), "ppid");
	CHECK_EQ(stp_fn_uid(), getuid(), "uid");
	CHECK_EQ(stp_fn_euid(), geteuid(), "euid");
	CHECK_EQ(stp_fn_gid(), getgid(), "gid");
	CHECK_EQ(stp_fn_egid(), getegid(), "egid");
	CHECK(stp_fn_cpu() >= 0, "cpu");
	prctl(PR_SET_NAME, "tapset_t", 0, 0, 0);
	stp_fn_execname(d);
	CHECK_STR(d, "tapset_t", "execname");
	CHECK_STR(stp_fn_pp(c), "test.probe", "pp");
	stp_fn_probefunc(c, d);
	CHECK_STR(d, "", "probefunc of a marker");
	r->target_pid = 1234;
	CHECK_EQ(stp_fn_target(c), 1234, "target");
	clock_gettime(CLOCK_REALTIME, &ts);
	a = stp_fn_gettimeofday_s();
	CHECK(a >= ts.tv_sec && a <= ts.tv_sec + 1, "gettimeofday_s");
	a = stp_fn_gettimeofday_ms();
	b = stp_fn_gettimeofday_us();
	CHECK(b / 1000 >= a && b / 1000 - a < 1000, "gettimeofday_ms and _us agree");
	a = stp_fn_gettimeofday_ns();
	CHECK(a / 1000 >= b, "gettimeofday_ns");
	a = stp_fn_local_clock_ns();
	b = stp_fn_local_clock_ns();
	CHECK(b >= a && a > 0, "local_clock_ns is monotonic");
	CHECK(stp_fn_local_clock_us() >= a / 1000, "local_clock_us");
	a = stp_fn_get_cycles();
	CHECK(stp_fn_get_cycles() >= a, "get_cycles advances");
	stp_fn_ctime(d, 0);
	CHECK_STR(d, "Thu Jan  1 00:00:00 1970", "ctime(0)");
	stp_fn_ctime(d, 1234567890);
	CHECK_STR(d, "Fri Feb 13 23:31:30 2009", "ctime(1234567890)");
	stp_fn_ctime(d, -86400 * 365);
	CHECK_STR(d, "Wed Jan  1 00:00:00 1969", "ctime before the epoch");
	stp_fn_ctime(d, 1LL << 40);
	CHECK_STR(d, "far far in the future...", "ctime out of range");
	CHECK(!stp_fn_randint(c, 10, &a) && a >= 0 && a < 10, "randint(10)");
	CHECK(stp_fn_randint(c, 2000000, &a), "randint range too wide");
	c->last_error = NULL;
}

static void test_control(struct stp_region *r)
{
	test_reset_io();
	stp_fn_warn(c, "careful");
	CHECK_STR(test_msg, "WARNING: careful\n", "warn");
	stp_fn_log(c, "logged");
	stp_fn_ansi_set_color(c, 31);
	stp_fn_ansi_set_color2(c, 31, 40);
	stp_fn_ansi_set_color3(c, 31, 40, 1);
	stp_fn_ansi_reset_color(c);
	stp_fn_ansi_cursor_move(c, 3, 4);
	stp_fn_ansi_clear_screen(c);
	stp_fn_ansi_cursor_hide(c);
	stp_fn_ansi_cursor_show(c);
	stp_fn_ansi_cursor_save(c);
	stp_fn_ansi_cursor_restore(c);
	stp_fn_ansi_new_line(c);
	stp_out_flush(c);
	CHECK_STR(test_out,
		  "logged\n\033[31m\033[40;31m\033[40;31;1m\033[0;0m\033[4;3H\033[1;1H\033[J"
		  "\033[>5I\033[>5h\033[s\033[u\n",
		  "log and ansi_* sequences");
	stp_fn_error(c, "custom failure");
	stp_context_exit(c);
	CHECK(strstr(test_msg, "ERROR: custom failure\n") != NULL, "error() reported without near");
	CHECK_EQ(stp_session_state(r), STP_SESSION_STOPPING, "MAXERRORS 0: the first error stops");
	stp_session_set_state(r, STP_SESSION_RUNNING);
	r->exit_requested = 0;
	c = test_enter(r);
	CHECK(!stp_fn_assert(c, 1, NULL), "assert(1)");
	CHECK(stp_fn_assert(c, 0, NULL) && !strcmp(c->last_error, "Assertion failed"), "assert(0)");
	c->last_error = NULL;
	test_exit_requests = 0;
	stp_fn_exit(c);
	CHECK_EQ(stp_session_state(r), STP_SESSION_STOPPING, "exit() stops the session");
	CHECK_EQ(test_exit_requests, 1, "exit() tells the host");
	stp_fn_exit(c);
	CHECK_EQ(test_exit_requests, 1, "a second exit() changes nothing");
	stp_context_exit(c);
}

/* The bits of the double libc's strtod reads from s. */
static int64_t libc_bits(const char *s)
{
	double d = strtod(s, NULL);
	int64_t v;

	memcpy(&v, &d, sizeof(v));
	return v;
}

static void test_numbers(void)
{
	static const char *const decimals[] = {
		"0",
		"1",
		"1.5",
		"-2",
		"0.1",
		"3.14159265358979",
		"1e10",
		"1e-5",
		"123456789012345678901234567890",
		"2.5e-300",
		"1.7976931348623157e308",
		"6.02214076e23",
		"-0.000123",
		"4503599627370497",
		"9007199254740993",
		"42.",
		".5",
		"1e22",
		"1e23",
		"7e-10",
	};
	int64_t v;

	CHECK_EQ(stp_fn_big_endian(0x1234, 2), 0x3412, "big_endian2");
	CHECK_EQ(stp_fn_big_endian(0x12345678, 4), 0x78563412, "big_endian4");
	CHECK_EQ(stp_fn_big_endian(0x0102030405060708LL, 8), 0x0807060504030201LL, "big_endian8");
	CHECK_EQ(stp_fn_big_endian(0xffff1234, 2), 0x3412, "big_endian2 keeps two bytes");
	CHECK_EQ(stp_fn_little_endian(-1, 4), 0xffffffffLL, "little_endian4 is unsigned");
	CHECK_EQ(stp_fn_little_endian(0x1234, 8), 0x1234, "little_endian8");
	for (size_t i = 0; i < sizeof(decimals) / sizeof(decimals[0]); i++) {
		int64_t want = libc_bits(decimals[i]);

		CHECK(!stp_fn_string_to_fp(c, decimals[i], &v) && v == want,
		      "string_to_fp as strtod");
		if (v != want)
			fprintf(stderr, "  %s: %llx, strtod %llx\n", decimals[i],
				(unsigned long long)v, (unsigned long long)want);
	}
	CHECK(!stp_fn_string_to_fp(c, "1e999", &v) && v == libc_bits("inf"),
	      "string_to_fp overflows to infinity");
	CHECK(!stp_fn_string_to_fp(c, "-0", &v) && v == libc_bits("-0"), "string_to_fp -0");
	CHECK(stp_fn_string_to_fp(c, "abc", &v), "string_to_fp of no number fails");
	CHECK_STR(c->last_error ? c->last_error : "", "string_to_fp: not a number: \"abc\"",
		  "string_to_fp message");
	c->last_error = NULL;
}

int main(void)
{
	struct stp_region *r;

	test_capture();
	r = test_region(2, NULL);
	c = test_enter(r);
	test_strings();
	test_tokenize();
	test_text_str();
	test_user_memory();
	test_numbers();
	test_task_and_time(r);
	test_control(r);
	return UNIT_EXIT();
}
