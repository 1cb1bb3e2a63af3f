// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The freestanding ERE engine (runtime/stp/ere.c) against glibc's
 * regcomp/regexec(REG_EXTENDED | REG_NOSUB), which the user-space host
 * uses: the two hosts must accept, refuse (with the same message) and
 * match alike.  A hand-written table of patterns, each tried on its own
 * subjects and on a common set; patterns glibc refuses; the few glibc
 * accepts and the engine refuses on purpose; the few glibc gets wrong;
 * the size limits; linear time on patterns that are exponential for a
 * backtracking matcher; pseudo-random well-formed patterns, checked
 * against a reference evaluator as well as glibc; and pseudo-random token
 * soup, mostly invalid, for the errors.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ere.h"
#include "unit.h"

static struct stp_ere ere;

/* Disagreements found by one group of checks; the first few are shown. */
static long bad;
#define SHOW_MAX 20

static const char *quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '"')
			n += (size_t)snprintf(buf + n, size - n, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return buf;
}

static void __attribute__((format(printf, 1, 2))) disagree(const char *fmt, ...)
{
	va_list ap;

	if (bad++ >= SHOW_MAX)
		return;
	printf("\tFAILED: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	unit_failed++;
}

/* What glibc says of re: 0 when it compiles, else its regerror text. */
static const char *glibc_compile(regex_t *r, const char *re)
{
	static char msg[128];
	int rc = regcomp(r, re, REG_EXTENDED | REG_NOSUB);

	if (!rc)
		return NULL;
	regerror(rc, r, msg, sizeof(msg));
	regfree(r);
	return msg;
}

/*
 * Compile re both ways and match it on each subject (NULL-terminated).
 * Returns how many (pattern, subject) pairs were compared, 0 when glibc
 * refuses re, or -1 when glibc accepts re but the engine refuses it (a
 * disagreement unless the caller expects it).
 */
static long compare(const char *re, const char *const *subjects, int report_refusal)
{
	char err[128], q1[256], q2[256];
	regex_t r;
	const char *gmsg = glibc_compile(&r, re);
	int rc = stp_ere_compile(&ere, re, err, sizeof(err));
	long n = 0;

	if (gmsg) {
		if (rc == 0)
			disagree("\"%s\": glibc refuses (%s), the engine accepts",
				 quote(re, q1, 256), gmsg);
		else if (strcmp(err, gmsg))
			disagree("\"%s\": glibc says \"%s\", the engine \"%s\"", quote(re, q1, 256),
				 gmsg, err);
		return 0;
	}
	if (rc) {
		if (report_refusal)
			disagree("\"%s\": glibc accepts, the engine refuses (%s)",
				 quote(re, q1, 256), err);
		regfree(&r);
		return -1;
	}
	for (; *subjects; subjects++, n++) {
		int g = regexec(&r, *subjects, 0, NULL, 0) == 0;
		int m = stp_ere_match(&ere, *subjects);

		if (g != m)
			disagree("\"%s\" on \"%s\": glibc %s, the engine %s", quote(re, q1, 256),
				 quote(*subjects, q2, 256), g ? "matches" : "does not match",
				 m ? "matches" : "does not");
	}
	regfree(&r);
	return n;
}

/* Every table pattern is also tried on these. */
static const char *const common[] = {
	"",	"a",	  "b",	   "c",	    "ab",	"ba",	     "abc",	"aaa",
	"aab",	"abab",	  "bbb",   "cab",   "xyz",	"a b",	     " ",	"\t\n",
	"_",	"A",	  "Z9_",   "0",	    "123",	"0x1F",	     "hello",	"Hello World",
	"a.b",	"a\\b",	  "a(b)c", "[x]",   "{1}",	"a|b",	     "*",	"+?",
	"^$",	"foo.c",  "a-b",   "-",	    "]",	"a]",	     ".",	"\x7f",
	"\x01", "\xe9",	  "\xff",  "aaaa",  "aaaaaaab", "abcabcabc", "bc",	"ca",
	"cc",	"ccc",	  "abcc",  "abccc", "abcccc",	"xabccx",    "foo bar", "foobar",
	"word", "a_b c9", "~!@",   "AbC",   "\"'",	"a,b",	     "=",	":",
	NULL,
};

#define A10 "aaaaaaaaaa"
#define A70 A10 A10 A10 A10 A10 A10 A10
#define B10 "bbbbbbbbbb"
#define B70 B10 B10 B10 B10 B10 B10 B10
#define AB40         \
	"abbababbaa" \
	"bbbbbbbbbb" \
	"aaaaaaaaaa" \
	"ababababab"

struct row {
	const char *re;
	const char *s[12];
};

/* Patterns glibc accepts, with subjects aimed at their edges. */
static const struct row table[] = {
	/* literals and the empty pattern */
	{"", {"", "x", NULL}},
	{"a", {"", "a", "ba", "bcd", NULL}},
	{"abc", {"abc", "xabcx", "ab", "abd", "aabc", NULL}},
	{"hello world", {"hello world", "hello  world", "say hello world!", NULL}},
	{",", {",", "a,b", NULL}},
	{"a b", {"a b", "ab", NULL}},
	{"-", {"-", "a-b", NULL}},
	{"]", {"]", "a]", NULL}},
	{"a]b", {"a]b", "ab", NULL}},
	{"a)", {"a)", "a", ")", NULL}},
	{")", {")", "", "()", NULL}},
	{"a}", {"a}", "a", NULL}},
	{"}", {"}", "{}", NULL}},
	{"}*x", {"x", "}}x", NULL}},
	{")+", {"))", "x", NULL}},
	{"(a))", {"a)", "a", NULL}},
	{"\xe9t\xe9", {"\xe9t\xe9", "ete", NULL}},
	/* . */
	{".", {"", "a", "\n", "\xff", NULL}},
	{"a.c", {"abc", "a.c", "ac", "a\nc", "abbc", NULL}},
	{"..", {"a", "ab", NULL}},
	{"^.$", {"a", "", "ab", "\xe9", NULL}},
	{".*", {"", "abc", NULL}},
	{"a.*b", {"ab", "axxb", "ba", "a\nb", NULL}},
	/* bracket expressions */
	{"[abc]", {"a", "c", "d", "", "xbx", NULL}},
	{"[^abc]", {"a", "abc", "abcd", "", "\n", NULL}},
	{"[a-c]", {"b", "d", "`", NULL}},
	{"[a-cx-z]", {"y", "w", "c", NULL}},
	{"[0-9]+", {"123", "abc", "a1", NULL}},
	{"[]a]", {"]", "a", "b", NULL}},
	{"[^]a]", {"]", "a", "b", "]a", NULL}},
	{"[]-a]", {"^", "]", "a", "b", "\\", NULL}},
	{"[a-]", {"-", "a", "b", NULL}},
	{"[-a]", {"-", "a", "b", NULL}},
	{"[^-a]", {"-", "a", "b", NULL}},
	{"[--z]", {"-", "z", "A", " ", NULL}},
	{"[!--]", {"!", "-", ",", ".", NULL}},
	{"[\\]", {"\\", "a", NULL}},
	{"[a\\]b]", {"ab]", "\\b]", "b]", "a", NULL}},
	{"[\\n]", {"n", "\\", "\n", NULL}},
	{"[.]", {".", "a", NULL}},
	{"[*+?{}()|^$]", {"*", "^", "$", "a", "|", NULL}},
	{"[a^]", {"^", "a", "b", NULL}},
	{"[[]", {"[", "a", NULL}},
	{"[a[]", {"[", "a", "b", NULL}},
	{"[[a]", {"[", "a", NULL}},
	{"[a-a]", {"a", "b", NULL}},
	{"[\x80-\xff]", {"\xe9", "a", "\x80", "\x7f", NULL}},
	{"[^\x80-\xff]", {"\xe9", "a", NULL}},
	{"[a-\xff]", {"b", "\xe9", "A", NULL}},
	{"[[.a.]]", {"a", "b", NULL}},
	{"[[.-.]]", {"-", "a", NULL}},
	{"[[.].]]", {"]", "a", NULL}},
	{"[[.a.]-c]", {"b", "d", NULL}},
	{"[a-[.c.]]", {"b", "d", NULL}},
	{"[[.[.]]", {"[", "a", NULL}},
	{"[[=a=]]", {"a", "b", NULL}},
	{"[[=a=]b]", {"a", "b", "c", NULL}},
	{"[[=.=]]", {".", "a", NULL}},
	{"[[:alpha:]]", {"a", "Z", "1", "_", "\xe9", NULL}},
	{"[[:digit:]]", {"0", "9", "a", NULL}},
	{"[[:alnum:]]", {"a", "5", "_", " ", NULL}},
	{"[[:space:]]", {" ", "\t", "\n", "\v", "\f", "\r", "a", NULL}},
	{"[[:upper:]]", {"A", "a", "1", NULL}},
	{"[[:lower:]]", {"A", "a", "1", NULL}},
	{"[[:punct:]]", {"!", "/", ":", "@", "[", "`", "{", "~", "a", " ", NULL}},
	{"[[:xdigit:]]", {"f", "F", "g", "9", NULL}},
	{"[[:blank:]]", {" ", "\t", "\n", NULL}},
	{"[[:cntrl:]]", {"\x01", "\x1f", "\x7f", " ", "a", NULL}},
	{"[[:print:]]", {" ", "~", "\x7f", "\x1f", "\xe9", NULL}},
	{"[[:graph:]]", {" ", "~", "!", "\x7f", NULL}},
	{"[^[:alpha:]]", {"a", "1", "ab", NULL}},
	{"[^[:space:]]", {" ", "\t\n", " a ", NULL}},
	{"[[:digit:][:upper:]]", {"5", "Q", "q", NULL}},
	{"[[:alpha:]_][[:alnum:]_]*", {"_x1", "9", "a9", NULL}},
	{"[x[:digit:]y]", {"x", "5", "z", NULL}},
	{"[[:digit:]-]", {"-", "5", "a", NULL}},
	{"^[[:xdigit:]]+$", {"deadBEEF", "0x1", "", NULL}},
	{"[ab][cd]", {"ac", "bd", "ab", "cd", NULL}},
	{"[ab]*c", {"c", "ababc", "abd", NULL}},
	{"[^a]*", {"", "aaa", NULL}},
	{"x[^a]y", {"xby", "xay", "xy", NULL}},
	/* anchors, anywhere */
	{"^a", {"a", "ba", "ab", "", NULL}},
	{"a$", {"a", "ab", "ba", NULL}},
	{"^a$", {"a", "aa", "", NULL}},
	{"^$", {"", "a", "\n", NULL}},
	{"^", {"", "a", NULL}},
	{"$", {"", "a", NULL}},
	{"^^a", {"a", "ba", NULL}},
	{"a$$", {"a", "ab", NULL}},
	{"$^", {"", "a", NULL}},
	{"a^b", {"a^b", "ab", NULL}},
	{"a$b", {"a$b", "ab", NULL}},
	{"$a", {"a", "$a", NULL}},
	{"(^a|b$)", {"ab", "xb", "bx", "xa", "a", "b", NULL}},
	{"(^a|b)c", {"ac", "bc", "xac", "xbc", NULL}},
	{"(a|^)b", {"b", "ab", "cb", "xb", NULL}},
	{"a(b|$)", {"a", "ab", "ac", "ca", NULL}},
	{"x*^a", {"a", "xa", NULL}},
	{"a$x*", {"a", "ax", NULL}},
	{"(^)*a", {"a", "ba", NULL}},
	{"(^)+a", {"a", "ba", NULL}},
	{"(^|x)a", {"a", "xa", "ya", NULL}},
	{"(a$)|(^b)", {"a", "ba", "ab", "bc", NULL}},
	{"((^a))", {"a", "ba", NULL}},
	{"^(a|b)*$", {"", "abba", "abc", NULL}},
	{"(^a)*b", {"b", "ab", "aab", "cb", NULL}},
	{"(a|^)*b", {"b", "aab", "cb", NULL}},
	{"(b$|a)+", {"a", "b", "bc", "cab", NULL}},
	/* alternation and groups */
	{"a|b", {"a", "b", "c", "", NULL}},
	{"ab|cd", {"ab", "cd", "ac", "bd", NULL}},
	{"a|b|c", {"c", "d", NULL}},
	{"a||b", {"", "c", NULL}},
	{"|a", {"", "b", NULL}},
	{"a|", {"", "b", NULL}},
	{"|", {"", "a", NULL}},
	{"(|a)", {"", "b", NULL}},
	{"(a|)", {"", "b", NULL}},
	{"(|)", {"", NULL}},
	{"()", {"", "a", NULL}},
	{"()a", {"a", "b", NULL}},
	{"a()b", {"ab", "a b", NULL}},
	{"(()|a)b", {"b", "ab", NULL}},
	{"(())", {"", NULL}},
	{"(a)", {"a", "b", NULL}},
	{"((a))", {"a", "b", NULL}},
	{"(a(b(c)))", {"abc", "ab", NULL}},
	{"(a|b)(c|d)", {"ac", "bd", "ab", NULL}},
	{"(ab|a)(bc|c)", {"abc", "abbc", "ac", NULL}},
	{"x(a|bc|def)y", {"xay", "xbcy", "xdefy", "xy", "xdy", NULL}},
	{"(a|b|)+c", {"c", "abc", NULL}},
	{"((a|b)|c)d", {"ad", "cd", "dd", NULL}},
	{"(a|(b|(c|d)))e", {"de", "ce", "ee", NULL}},
	/* quantifiers */
	{"a*", {"", "b", "aaa", NULL}},
	{"ba*c", {"bc", "bac", "baac", "bxc", NULL}},
	{"ba+c", {"bc", "bac", "baac", NULL}},
	{"ba?c", {"bc", "bac", "baac", NULL}},
	{"a**", {"", "a", NULL}},
	{"ba**c", {"bc", "baac", NULL}},
	{"ba+*c", {"bc", "baac", NULL}},
	{"ba*+c", {"bc", "baac", NULL}},
	{"ba?+c", {"bc", "baac", NULL}},
	{"ba+?c", {"bc", "bac", "baac", NULL}},
	{"ba??c", {"bc", "bac", "baac", NULL}},
	{"(a*)*", {"", "b", NULL}},
	{"b(a*)*c", {"bc", "baac", "bxc", NULL}},
	{"b(a*)+c", {"bc", "baac", NULL}},
	{"b(a+)*c", {"bc", "baac", NULL}},
	{"b(a?)*c", {"bc", "baac", NULL}},
	{"(a*)*b", {"b", "aab", "aa", NULL}},
	{"(a|b)*c{2,3}", {"cc", "abcc", "ac", "abccc", "abcccc", "c", NULL}},
	{"(a+|b+)*c", {"c", "aabbac", "aab", NULL}},
	{"(ab)*c", {"c", "ababc", "abac", NULL}},
	{"(ab)+$", {"ab", "abab", "aba", NULL}},
	{"x(ab)?y", {"xy", "xaby", "xay", NULL}},
	{"(a|ab)(c|bcd)(d*)", {"abcd", "acd", NULL}},
	{"()*a", {"a", NULL}},
	{"()+a", {"a", NULL}},
	{"(|a)*b", {"b", "aab", NULL}},
	{"(a*|b)*c", {"c", "abac", NULL}},
	{"((a*)*)*b", {"b", "ab", "a", NULL}},
	{"(a*b*)*c", {"c", "abbac", "ab", NULL}},
	/* intervals */
	{"a{2}", {"a", "aa", "baab", NULL}},
	{"^a{2}$", {"a", "aa", "aaa", NULL}},
	{"^a{2,}$", {"a", "aa", "aaaaa", NULL}},
	{"^a{2,3}$", {"a", "aa", "aaa", "aaaa", NULL}},
	{"^a{,2}$", {"", "a", "aa", "aaa", NULL}},
	{"^a{0,2}$", {"", "aa", "aaa", NULL}},
	{"^a{,}$", {"", "aaaa", "b", NULL}},
	{"^a{0,}$", {"", "aaaa", "b", NULL}},
	{"^a{1,}$", {"", "aaaa", NULL}},
	{"^a{1}$", {"a", "aa", NULL}},
	{"^a{1,1}$", {"a", "aa", NULL}},
	{"^ba{0}c$", {"bc", "bac", NULL}},
	{"^ba{0,0}c$", {"bc", "bac", NULL}},
	{"a{0}", {"", "b", NULL}},
	{"^ba{0}*c$", {"bc", "bac", NULL}},
	{"^a{2}{3}$", {"aaaaaa", "aaaaa", NULL}},
	{"^a{2}*$", {"", "aa", "aaa", "aaaa", NULL}},
	{"^a*{2}$", {"", "aaa", NULL}},
	{"^(ab){2}$", {"abab", "ab", "ababab", NULL}},
	{"^(a|bc){1,3}d$", {"ad", "bcad", "abcad", "abcabcd", "d", NULL}},
	{"^(a{2}){2}$", {"aaaa", "aaa", NULL}},
	{"^(a{1,2}){2}$", {"aa", "aaa", "aaaa", "aaaaa", "a", NULL}},
	{"^(a?){3}a{3}$", {"aaa", "aaaaaa", "aa", "aaaaaaa", NULL}},
	{"^[ab]{3}$", {"aba", "abc", "ab", NULL}},
	{"^.{3,5}$", {"ab", "abc", "abcde", "abcdef", NULL}},
	{"^(){3}$", {"", "a", NULL}},
	{"^(a|){2}b$", {"b", "ab", "aab", "aaab", NULL}},
	{"^(a$){1,2}$", {"a", "aa", NULL}},
	{"^a{\\02}$", {"aa", "a", NULL}},
	{"^a{2\\,3}$", {"aa", "aaa", "aaaa", NULL}},
	{"^a{01}$", {"a", "aa", NULL}},
	{"^x{10}$", {"xxxxxxxxxx", "xxxxxxxxx", NULL}},
	{"^(xy){3,}$", {"xyxyxy", "xyxy", "xyxyxyxyxy", NULL}},
	/* loops longer than a word of the matcher's state bitmaps */
	{"^(a{70})*$", {A70, A70 A70, A70 "a", "", NULL}},
	{"^(a{70})+b$", {A70 "b", A70 A70 "b", A70 "ab", "b", NULL}},
	{"^(a{35}|b{70})*c$", {A70 "c", A70 "a" A70 A70 "c", B70 A70 "c", "c", NULL}},
	{"^((a|b){40}c)*d$", {AB40 "c" AB40 "cd", AB40 "cd", AB40 "c" AB40 "d", NULL}},
	/* escapes */
	{"\\.", {".", "a", NULL}},
	{"\\\\", {"\\", "a", NULL}},
	{"\\(", {"(", "a", NULL}},
	{"\\)", {")", "a", NULL}},
	{"\\*", {"*", "a", NULL}},
	{"\\+", {"+", "a", NULL}},
	{"\\?", {"?", "a", NULL}},
	{"\\{", {"{", "a", NULL}},
	{"\\}", {"}", "a", NULL}},
	{"\\|", {"|", "a", NULL}},
	{"\\[", {"[", "a", NULL}},
	{"\\]", {"]", "a", NULL}},
	{"\\^", {"^", "a", NULL}},
	{"\\$", {"$", "a", NULL}},
	{"\\n", {"n", "\n", NULL}},
	{"\\t", {"t", "\t", NULL}},
	{"\\0", {"0", "a", NULL}},
	{"\\-", {"-", NULL}},
	{"\\,", {",", NULL}},
	{"a\\{2\\}", {"a{2}", "aa", NULL}},
	{"\\(a\\)", {"(a)", "a", NULL}},
	{"a\\|b", {"a|b", "a", NULL}},
	{"\\.+", {"...", "a", NULL}},
	{"\\\\*x", {"x", "\\\\x", NULL}},
	/* GNU escapes */
	{"\\w", {"a", "_", "5", " ", "-", NULL}},
	{"\\W", {"a", "_", " ", "-", NULL}},
	{"\\w+", {"abc", "  ", NULL}},
	{"\\s", {" ", "\t", "a", NULL}},
	{"\\S", {" ", "a", NULL}},
	{"^\\S+\\s\\S+$", {"ab cd", "ab  cd", "ab", NULL}},
	{"\\bfoo\\b", {"foo", "a foo b", "foobar", "barfoo", "foo_", NULL}},
	{"\\Bo", {"foo", "o", " o", NULL}},
	{"\\B", {"", "a", " ", "ab", "a b", NULL}},
	{"\\b", {"", "a", " ", NULL}},
	{"\\<", {"", "a", " ", NULL}},
	{"\\>", {"", "a", " ", NULL}},
	{"\\<a", {"a", "ba", "b a", NULL}},
	{"a\\>", {"a", "ab", "a b", NULL}},
	{"\\<a\\>", {"a", "ab", "x a y", NULL}},
	{"\\`a", {"a", "ba", NULL}},
	{"a\\'", {"a", "ab", NULL}},
	{"(\\<|x)a", {"xa", "ba", "a", NULL}},
	{"a(\\>|b)", {"ab", "ac", "a", NULL}},
	{"\\w*\\b", {"", "ab", NULL}},
	{"(\\b)*a", {"ba", "a", NULL}},
	{"[\\w]", {"w", "\\", "a", NULL}},
	/* everything at once */
	{"^([a-z]+)@([a-z]+)\\.(com|org)$", {"me@ex.com", "me@ex.net", "@ex.com", NULL}},
	{"(foo|bar)+[0-9]{2,}$", {"foobar12", "foo1", "bar123x", "xfoo99", NULL}},
	{"^(\\+|-)?[0-9]+(\\.[0-9]*)?$", {"-1.5", "+3", "1.", ".5", "1e3", NULL}},
	{"^[^:]+:[^:]*:[0-9]+$", {"root:x:0", "root::0", ":x:0", "a:b:c", NULL}},
	{"(a|b)*abb(a|b)*", {"abb", "aabba", "abab", NULL}},
	{"((a|b)(c|d)){2,3}$", {"acbd", "acbdac", "acb", NULL}},
	{"sys_(open|close|read)(at)?$", {"sys_openat", "sys_read", "sys_write", NULL}},
	{"^(.*)(.*)(.*)$", {"", "abc", NULL}},
	{"(a{2,3}|b){2}c", {"aabc", "bbc", "abc", "aaaaaac", NULL}},
};

/*
 * Where glibc 2.36 is wrong: an assertion inside a repeated group holds
 * in every repetition once it held in the first ("(^a){2}" matches "aa").
 * The engine gives POSIX's answer; the test shows glibc's disagreement
 * without failing on it, and fails if glibc stops being wrong, to have the
 * case reconsidered.
 */
static const struct {
	const char *re, *s;
	int match;
} glibc_bugs[] = {
	{"^(^a){2}$", "aa", 0},	   {"(^a){2}", "aa", 0},
	{"(^a)+$", "aa", 0},	   {"(a$){2}", "aa", 0},
	{"(\\b.){3}", "baabb", 0}, {"(\\<[^ab][[:alpha:]]){1,3}[[:alpha:]].", "cb(aba ", 0},
};

/* Patterns glibc refuses; the engine must say what glibc says. */
static const char *const refused[] = {
	"(",
	"a(",
	"(a",
	"((a)",
	"(a|b",
	"(()",
	"a|(",
	"*",
	"*a",
	"+",
	"?",
	"a|*b",
	"(*a)",
	"(+)",
	"^*",
	"$*",
	"a^*",
	"^+",
	"$?",
	"\\b*",
	"\\<+",
	"\\`*",
	"{1}",
	"a|{1}",
	"({1})",
	"^{2}",
	"a{",
	"a{1",
	"a{1,",
	"a{x}",
	"a{}",
	"a{2,1}",
	"a{1,2,3}",
	"a{1x",
	"a{1\\",
	"(a{)",
	"a{2}{",
	"a{0}{1",
	"a{*}",
	"a{1,x}",
	"a{-1}",
	"a{1 }",
	"a{99999}",
	"a{32768}",
	"a{40000,1}",
	"a{50000,40000}",
	"}{",
	"\\",
	"a\\",
	"(\\",
	"\\1",
	"a\\9",
	"[",
	"[^",
	"[]",
	"[^]",
	"[a",
	"[a-",
	"[a-z",
	"[]a",
	"[\\",
	"[[",
	"[[:",
	"[[:alpha:]",
	"[[:alpha:",
	"[[:]",
	"[[:]]",
	"[[:alpha]",
	"[[.",
	"[[.a",
	"[[.a.",
	"[[.a.]",
	"[[=",
	"[[=a=]",
	"[a-[.b",
	"[[:foo:]]",
	"[[::]]",
	"[[:Alpha:]]",
	"[[:foo:]",
	"[[:a]:]]",
	"[[.ab.]]",
	"[[..]]",
	"[[.space.]]",
	"[[=ab=]]",
	"[[==]]",
	"[z-a]",
	"[z-a",
	"[a-z-0]",
	"[a--]",
	"[b-a-]",
	"[[:alpha:]-z]",
	"[a-[:alpha:]]",
	"[a-[:alpha:]",
	"[[=a=]-z]",
	"[a-[=b=]]",
	"[[.ab.]-z]",
	"[a-[.bc.]]",
	"[[.ab.]-[:alpha:]]",
	"[[..]-a]",
	"[[:abcdefghijklmnopqrstuvwxyzabcdef:]]",
	"[[:abcdefghijklmnopqrstuvwxyzabcde:]]",
	"[[:abcdefghijklmnopqrstuvwxyzabcd:]]",
	"a)(",
	"a|b)(",
	"x[",
	"(a|b))(c",
	"\\1(",
	"(a)|\\1",
	"(a\\1)",
	"((a)|b\\2)",
	"(a)(b)\\3",
	"()\\1\\",
	"(a)\\1(",
	"(a)\\1*{",
	"(a)|\\1(",
	"((a)|b\\2",
};

/* The engine's refusals of what glibc accepts, on purpose (see ere.h):
 * back-references, and programs over its fixed size. */
static int deliberate_refusal(const char *re, const char *err)
{
	if (!strcmp(err, "Regular expression too big"))
		return 1;
	for (; *re; re++)
		if (*re == '\\' && re[1]) {
			if (re[1] >= '1' && re[1] <= '9')
				return !strcmp(err, "Invalid back reference");
			re++;
		}
	return 0;
}

/* What glibc accepts and the engine refuses, on purpose. */
static const struct {
	const char *re, *msg, *why;
} unsupported[] = {
	{"(a)\\1", "Invalid back reference", "back-reference"},
	{"(a)(b)\\2\\1", "Invalid back reference", "back-references"},
	{"(a)\\1*", "Invalid back reference", "repeated back-reference"},
	{"((a)|b)\\2", "Invalid back reference", "back-reference to a group in an alternative"},
	{"a{1000}", "Regular expression too big", "interval expanding past STP_ERE_MAX_INSNS"},
	{"a{32767}", "Regular expression too big", "RE_DUP_MAX interval"},
	{"((a{10}){10}){10}", "Regular expression too big", "nested intervals"},
	{"(ab|cd){300}", "Regular expression too big", "interval of a group"},
	{"[a0][a1][a2][a3][a4][a5][a6][a7][a8][a9][b0][b1][b2][b3][b4][b5][b6][b7][b8][b9]"
	 "[c0][c1][c2][c3][c4][c5][c6][c7][c8][c9][d0][d1][d2][d3][d4][d5][d6][d7][d8][d9]"
	 "[e0][e1][e2][e3][e4][e5][e6][e7][e8][e9][f0][f1][f2][f3][f4][f5][f6][f7][f8][f9]"
	 "[g0][g1][g2][g3][g4][g5][g6][g7][g8][g9]",
	 "Regular expression too big", "more than STP_ERE_MAX_CLASSES bracket expressions"},
};

static void test_table(void)
{
	long pairs = 0, n, pats = 0;
	size_t i;

	bad = 0;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		n = compare(table[i].re, table[i].s, 1);
		if (n > 0)
			pairs += n + compare(table[i].re, common, 1);
		else if (n == 0)
			disagree("\"%s\": in the accepted table but glibc refuses it", table[i].re);
		pats++;
	}
	CHECK(bad == 0 && pairs > 0,
	      "table: %ld patterns, %ld (pattern, subject) pairs agree with glibc", pats, pairs);
	CHECK(pairs > 10000, "the table has enough pairs (%ld)", pairs);
}

static void test_glibc_bugs(void)
{
	regex_t r;
	size_t i;

	for (i = 0; i < sizeof(glibc_bugs) / sizeof(glibc_bugs[0]); i++) {
		int m = -1, g = -1;

		if (!stp_ere_compile(&ere, glibc_bugs[i].re, NULL, 0))
			m = stp_ere_match(&ere, glibc_bugs[i].s);
		if (!glibc_compile(&r, glibc_bugs[i].re)) {
			g = regexec(&r, glibc_bugs[i].s, 0, NULL, 0) == 0;
			regfree(&r);
		}
		CHECK(m == glibc_bugs[i].match, "\"%s\" on \"%s\": %s (glibc: %s)",
		      glibc_bugs[i].re, glibc_bugs[i].s, m ? "match" : "no match",
		      g ? "match" : "no match");
		CHECK(g == !glibc_bugs[i].match, "glibc still gets \"%s\" on \"%s\" wrong",
		      glibc_bugs[i].re, glibc_bugs[i].s);
	}
}

static void test_refused(void)
{
	char err[128], q[256];
	regex_t r;
	size_t i, n = sizeof(refused) / sizeof(refused[0]);
	int glibc_accepts = 0;

	bad = 0;
	for (i = 0; i < n; i++) {
		const char *g = glibc_compile(&r, refused[i]);

		if (!g) {
			/* The table is wrong, not the engine. */
			glibc_accepts++;
			printf("glibc accepts \"%s\"\n", quote(refused[i], q, sizeof(q)));
			regfree(&r);
			continue;
		}
		compare(refused[i], common, 1);
	}
	CHECK(glibc_accepts == 0, "glibc refuses every pattern of the refused table");
	CHECK(bad == 0, "%zu refused patterns: refused with glibc's message", n);
	CHECK(stp_ere_compile(&ere, "(", NULL, 0) == -1, "compile with no error buffer");
	strcpy(err, "xxxx");
	CHECK(stp_ere_compile(&ere, "(", err, 4) == -1 && !strcmp(err, "Unm"),
	      "the message is cut to the buffer (got \"%s\")", err);
	CHECK(!stp_ere_match(&ere, "") && !stp_ere_match(&ere, "("),
	      "a program that failed to compile matches nothing");
}

static void test_unsupported(void)
{
	char err[128];
	regex_t r;
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		const char *g = glibc_compile(&r, unsupported[i].re);
		int rc = stp_ere_compile(&ere, unsupported[i].re, err, sizeof(err));

		if (!g)
			regfree(&r);
		CHECK(!g && rc == -1 && !strcmp(err, unsupported[i].msg),
		      "%s: glibc accepts, the engine refuses (\"%s\")", unsupported[i].why,
		      rc ? err : "accepted");
	}
}

/* "a" in depth groups. */
static void nest(char *re, int depth)
{
	memset(re, '(', (size_t)depth);
	re[depth] = 'a';
	memset(re + depth + 1, ')', (size_t)depth);
	re[2 * depth + 1] = '\0';
}

/* The largest programs the engine takes, just under its limits. */
static void test_limits(void)
{
	char re[1100], err[128], a510[512], a511[512], a512[520], deep[1100];
	const char *subj[] = {"", "a", a510, a511, a512, NULL};
	int i, n = 0;

	bad = 0;
	memset(a510, 'a', 510);
	a510[510] = '\0';
	memset(a511, 'a', 511);
	a511[511] = '\0';
	memset(a512, 'a', 512);
	a512[512] = '\0';
	/* 511 CHARs and the match: STP_ERE_MAX_INSNS. */
	CHECK(compare("a{511}", subj, 1) > 0, "a{511} fits");
	CHECK(compare("^(a{511})$", subj, 0) < 0, "^(a{511})$ does not");
	CHECK(compare("[ab]{511}", subj, 1) > 0, "[ab]{511} fits");
	CHECK(compare("(a|b){255}", subj, 0) < 0, "(a|b){255} does not");
	memset(re, 'x', 511);
	re[511] = '\0';
	CHECK(stp_ere_compile(&ere, re, err, sizeof(err)) == 0, "a 511-byte literal fits");
	CHECK(stp_ere_match(&ere, re) && !stp_ere_match(&ere, re + 1), "and matches");
	re[511] = 'z';
	re[512] = '\0';
	CHECK(stp_ere_compile(&ere, re, err, sizeof(err)) == -1 &&
		      !strcmp(err, "Regular expression too big"),
	      "one more byte is too big");
	/* 64 distinct bracket expressions fit. */
	for (i = 0; i < STP_ERE_MAX_CLASSES; i++)
		n += sprintf(re + n, "[%c%c]", 'A' + i % 26, 'a' + i / 26);
	CHECK(stp_ere_compile(&ere, re, err, sizeof(err)) == 0, "%d classes fit",
	      STP_ERE_MAX_CLASSES);
	/* Equal ones are shared. */
	n = 0;
	for (i = 0; i < 200; i++)
		n += sprintf(re + n, "[ab]");
	CHECK(stp_ere_compile(&ere, re, err, sizeof(err)) == 0, "equal classes are shared");
	/* Open groups take an instruction each while compiling. */
	nest(deep, 300);
	CHECK(compare(deep, subj, 1) > 0, "300 nested groups");
	nest(deep, 512);
	CHECK(stp_ere_compile(&ere, deep, err, sizeof(err)) == -1 &&
		      !strcmp(err, "Regular expression too big"),
	      "512 nested groups are too big");
	CHECK(bad == 0, "the largest programs agree with glibc");
}

/* A backtracking matcher takes exponential time on these; the NFA
 * simulation is linear in the subject. */
static void test_linear(void)
{
	static const struct {
		const char *re;
		int a_run, match;
	} cases[] = {
		{"(a*)*b", 100000, 0},	    {"(a|a)*b", 100000, 0},   {"(a|aa)+$", 100000, 1},
		{"^(a+)+$", 100000, 1},	    {"(a?){30}a{30}", 30, 1}, {"(a*)*(b|$)", 100000, 1},
		{"((a*)*|b)*c", 100000, 0}, {"(.*)*x", 100000, 0},
	};
	char err[128];
	char *s = malloc(100001);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clock_t t0;
		double secs;
		int m, rc;

		memset(s, 'a', (size_t)cases[i].a_run);
		s[cases[i].a_run] = '\0';
		rc = stp_ere_compile(&ere, cases[i].re, err, sizeof(err));
		t0 = clock();
		m = rc ? -1 : stp_ere_match(&ere, s);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		/* Generous: milliseconds expected, even under sanitizers. */
		CHECK(m == cases[i].match && secs < 5.0, "\"%s\" on %d a's: %d in %.3f s",
		      cases[i].re, cases[i].a_run, m, secs);
	}
	free(s);
}

/* ---- pseudo-random patterns ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned int rnd(unsigned int n)
{
	/* xorshift64*: the same sequence on every libc. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned int)((rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

struct buf {
	char s[512];
	size_t n;
};

static void put(struct buf *b, const char *s)
{
	size_t l = strlen(s);

	if (b->n + l < sizeof(b->s)) {
		memcpy(b->s + b->n, s, l + 1);
		b->n += l;
	}
}

/*
 * Random patterns are generated as trees, printed, and also evaluated on
 * the tree by a reference that shares nothing with either engine: the set
 * of end positions each node reaches from a set of start positions.  It
 * is needed because glibc gets some of them wrong (assertions inside a
 * repeated group: "(^a){2}" matches "aa" in glibc 2.36).
 */
static const char subject_alphabet[] = "aaabbbc _.*()}";

/* An atom, and the bytes of subject_alphabet it matches (or, negate,
 * does not match). */
static const struct {
	const char *re, *bytes;
	int negate;
} atoms[] = {
	{"a", "a", 0},		 {"b", "b", 0},
	{"c", "c", 0},		 {".", "", 1},
	{"[ab]", "ab", 0},	 {"[^a]", "a", 1},
	{"[a-c]", "abc", 0},	 {"[]a]", "a", 0},
	{"[^]b]", "b", 1},	 {"[b-]", "b", 0},
	{"\\.", ".", 0},	 {"\\w", "abc_", 0},
	{"\\W", "abc_", 1},	 {"[[:alpha:]]", "abc", 0},
	{"[[:space:]]", " ", 0}, {" ", " ", 0},
	{"\\s", " ", 0},	 {"[^ab]", "ab", 1},
	{"[c-c]", "c", 0},	 {"[[.a.]]", "a", 0},
	{"[[=b=]]", "b", 0},	 {"\\*", "*", 0},
	{"\\(", "(", 0},	 {"}", "}", 0},
	{")", ")", 0}, /* the last: literal only outside groups */
};
#define NATOMS (sizeof(atoms) / sizeof(atoms[0]))

enum { A_BEGIN, A_END, A_B, A_NB, A_WFIRST, A_WLAST, A_BUFBEGIN, A_BUFEND, NANCHORS };
static const char *const anchors[NANCHORS] = {"^", "$", "\\b", "\\B", "\\<", "\\>", "\\`", "\\'"};

static const struct {
	const char *re;
	int min, max; /* max -1: unbounded */
} quants[] = {
	{"*", 0, -1},	 {"+", 1, -1},	  {"?", 0, 1},	   {"{2}", 2, 2},   {"{0}", 0, 0},
	{"{1,}", 1, -1}, {"{0,2}", 0, 2}, {"{1,3}", 1, 3}, {"{,1}", 0, 1},  {"{,}", 0, -1},
	{"{3}", 3, 3},	 {"{2,2}", 2, 2}, {"{0,1}", 0, 1}, {"{2,3}", 2, 3},
};

enum { N_ATOM, N_ANCHOR, N_GROUP, N_REPEAT, N_CONCAT, N_ALT };

struct node {
	int kind, arg; /* atom, anchor or quantifier index */
	int kid, next; /* first child, next sibling (-1: none) */
};

static struct node nodes[1024];
static int nnodes;
/* The pattern has an assertion inside a repeated group. */
static int anchor_repeated;

static int new_node(int kind, int arg)
{
	if (nnodes == (int)(sizeof(nodes) / sizeof(nodes[0])))
		return -1;
	nodes[nnodes] = (struct node){kind, arg, -1, -1};
	return nnodes++;
}

static int gen_alt(int depth);

/* An atom or an anchor or a group, maybe quantified (at most twice:
 * glibc's compile time grows fast with stacked quantifiers). */
static int gen_piece(int depth)
{
	unsigned int k = rnd(20), nq = 0;
	int n;

	if (k < 3 && depth > 0) {
		n = new_node(N_GROUP, 0);
		if (n >= 0)
			nodes[n].kid = gen_alt(depth - 1);
	} else if (k < 5) {
		return new_node(N_ANCHOR, (int)rnd(NANCHORS)); /* glibc: no quantifier */
	} else {
		n = new_node(N_ATOM, (int)rnd(depth < 3 ? NATOMS - 1 : NATOMS));
	}
	if (rnd(3) == 0)
		nq = rnd(4) ? 1 : 2;
	while (n >= 0 && nq--) {
		int r = new_node(N_REPEAT, (int)rnd(sizeof(quants) / sizeof(quants[0])));

		if (r >= 0)
			nodes[r].kid = n;
		n = r;
	}
	return n;
}

static int gen_alt(int depth)
{
	int alt = new_node(N_ALT, 0), *last_branch;

	if (alt < 0)
		return -1;
	last_branch = &nodes[alt].kid;
	for (;;) {
		int cat = new_node(N_CONCAT, 0), *last, i, n = (int)rnd(4);

		if (cat < 0)
			return -1;
		*last_branch = cat;
		last_branch = &nodes[cat].next;
		last = &nodes[cat].kid;
		for (i = 0; i < n; i++) {
			int p = gen_piece(depth);

			if (p < 0)
				return -1;
			*last = p;
			last = &nodes[p].next;
		}
		if (rnd(4))
			return alt;
	}
}

static int has_anchor(int n)
{
	int k;

	if (nodes[n].kind == N_ANCHOR)
		return 1;
	for (k = nodes[n].kid; k >= 0; k = nodes[k].next)
		if (has_anchor(k))
			return 1;
	return 0;
}

static void print_node(struct buf *b, int n)
{
	int k;

	switch (nodes[n].kind) {
	case N_ATOM:
		put(b, atoms[nodes[n].arg].re);
		break;
	case N_ANCHOR:
		put(b, anchors[nodes[n].arg]);
		break;
	case N_GROUP:
		put(b, "(");
		print_node(b, nodes[n].kid);
		put(b, ")");
		break;
	case N_REPEAT:
		print_node(b, nodes[n].kid);
		put(b, quants[nodes[n].arg].re);
		if (has_anchor(nodes[n].kid))
			anchor_repeated = 1;
		break;
	case N_CONCAT:
	case N_ALT:
		for (k = nodes[n].kid; k >= 0; k = nodes[k].next) {
			if (nodes[n].kind == N_ALT && k != nodes[n].kid)
				put(b, "|");
			print_node(b, k);
		}
		break;
	}
}

static int is_word(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int anchor_holds(int a, const char *s, int len, int p)
{
	int before = p > 0 && is_word(s[p - 1]), after = p < len && is_word(s[p]);

	switch (a) {
	case A_BEGIN:
	case A_BUFBEGIN:
		return p == 0;
	case A_END:
	case A_BUFEND:
		return p == len;
	case A_B:
		return before != after;
	case A_NB:
		return before == after;
	case A_WFIRST:
		return !before && after;
	case A_WLAST:
		return before && !after;
	}
	return 0;
}

/* The positions node n can end at from the positions in from (bit i:
 * position i of s). */
static uint32_t eval(int n, const char *s, int len, uint32_t from)
{
	uint32_t to = 0, cur;
	int p, k, i;

	switch (nodes[n].kind) {
	case N_ATOM:
		for (p = 0; p < len; p++)
			if (from >> p & 1 && (strchr(atoms[nodes[n].arg].bytes, s[p]) != NULL) !=
						     atoms[nodes[n].arg].negate)
				to |= 1u << (p + 1);
		return to;
	case N_ANCHOR:
		for (p = 0; p <= len; p++)
			if (from >> p & 1 && anchor_holds(nodes[n].arg, s, len, p))
				to |= 1u << p;
		return to;
	case N_GROUP:
		return eval(nodes[n].kid, s, len, from);
	case N_CONCAT:
		for (k = nodes[n].kid; k >= 0; k = nodes[k].next)
			from = eval(k, s, len, from);
		return from;
	case N_ALT:
		for (k = nodes[n].kid; k >= 0; k = nodes[k].next)
			to |= eval(k, s, len, from);
		return to;
	}
	/* N_REPEAT */
	cur = from;
	for (i = 0; i < quants[nodes[n].arg].min; i++)
		cur = eval(nodes[n].kid, s, len, cur);
	to = cur;
	if (quants[nodes[n].arg].max < 0) {
		while ((cur = to | eval(nodes[n].kid, s, len, to)) != to)
			to = cur;
		return to;
	}
	for (; i < quants[nodes[n].arg].max; i++) {
		cur = eval(nodes[n].kid, s, len, cur);
		to |= cur;
	}
	return to;
}

static void gen_subject(char *s, size_t max)
{
	size_t n = rnd((unsigned int)max), i;

	for (i = 0; i < n; i++)
		s[i] = subject_alphabet[rnd(sizeof(subject_alphabet) - 1)];
	s[n] = '\0';
}

/* Well-formed patterns on random subjects: the engine against the
 * reference and against glibc. */
static void test_random_patterns(void)
{
	enum { NPATTERNS = 8000, NSUBJECTS = 12 };
	char subj[NSUBJECTS][16], err[128], q1[256], q2[64];
	long pairs = 0, too_big = 0, glibc_wrong = 0, glibc_wrong_pats = 0;
	int i, j, root;

	bad = 0;
	for (i = 0; i < NPATTERNS; i++) {
		struct buf b = {.n = 0};
		regex_t r;
		const char *gmsg;
		int wrong = 0;

		nnodes = 0;
		anchor_repeated = 0;
		b.s[0] = '\0';
		root = gen_alt(3);
		if (root < 0) {
			i--; /* too many nodes: draw another */
			continue;
		}
		print_node(&b, root);
		quote(b.s, q1, sizeof(q1));
		gmsg = glibc_compile(&r, b.s);
		if (gmsg) {
			disagree("\"%s\": generated, but glibc refuses it (%s)", q1, gmsg);
			continue;
		}
		if (stp_ere_compile(&ere, b.s, err, sizeof(err))) {
			if (strcmp(err, "Regular expression too big"))
				disagree("\"%s\": glibc accepts, the engine refuses (%s)", q1, err);
			too_big++;
			regfree(&r);
			continue;
		}
		for (j = 0; j < NSUBJECTS; j++) {
			int len, want, m, g;

			gen_subject(subj[j], sizeof(subj[j]));
			len = (int)strlen(subj[j]);
			want = eval(root, subj[j], len, (2u << len) - 1) != 0;
			m = stp_ere_match(&ere, subj[j]);
			g = regexec(&r, subj[j], 0, NULL, 0) == 0;
			pairs++;
			quote(subj[j], q2, sizeof(q2));
			if (m != want)
				disagree("\"%s\" on \"%s\": the engine %s, it should %s", q1, q2,
					 m ? "matches" : "does not match", want ? "match" : "not");
			else if (g != want && anchor_repeated)
				wrong = 1, glibc_wrong++;
			else if (g != want)
				disagree("\"%s\" on \"%s\": glibc %s, the engine and the reference "
					 "%s",
					 q1, q2, g ? "matches" : "does not match",
					 want ? "match" : "do not");
		}
		glibc_wrong_pats += wrong;
		regfree(&r);
	}
	CHECK(bad == 0,
	      "%d random patterns: %ld (pattern, subject) pairs agree with the reference and "
	      "with glibc",
	      NPATTERNS, pairs);
	printf("glibc is wrong on %ld pairs of %ld patterns, all with assertions inside a "
	       "repeated group\n",
	       glibc_wrong, glibc_wrong_pats);
	CHECK(too_big < NPATTERNS / 100, "few random patterns too big for the engine (%ld)",
	      too_big);
}

/* Token soup: random strings of pattern characters, mostly invalid, to
 * compare what is refused and how. */
static void test_random_soup(void)
{
	enum { NPATTERNS = 30000 };
	static const char *const toks[] = {
		"a",  "b",  "(",  ")",	"|",  "*",   "+",   "?",   "{",	    "}",     ",", "1",
		"2",  "0",  "^",  "$",	".",  "[",   "]",   "-",   "\\",    ":",     "=", "[:",
		":]", "[.", ".]", "[=", "=]", "\\w", "\\b", "\\1", "alpha", "digit", "x",
	};
	static const char *const subjects[] = {"",    "a",   "ab",  "ba(", "a]b-",
					       "{1}", "1,2", "a|b", NULL};
	long accepted = 0, refused_n = 0, skipped = 0, n;
	int i, j;

	bad = 0;
	for (i = 0; i < NPATTERNS; i++) {
		struct buf b = {.n = 0};
		int len = (int)rnd(9);

		b.s[0] = '\0';
		for (j = 0; j < len; j++)
			put(&b, toks[rnd(sizeof(toks) / sizeof(toks[0]))]);
		n = compare(b.s, subjects, 0);
		if (n < 0) {
			char err[128], q[256];

			stp_ere_compile(&ere, b.s, err, sizeof(err));
			if (!deliberate_refusal(b.s, err))
				disagree("\"%s\": glibc accepts, the engine refuses (%s)",
					 quote(b.s, q, sizeof(q)), err);
			skipped++;
		} else if (n == 0) {
			refused_n++;
		} else {
			accepted++;
		}
	}
	CHECK(bad == 0,
	      "%d token-soup patterns agree with glibc (%ld accepted, %ld refused, %ld "
	      "back-references or too big)",
	      NPATTERNS, accepted, refused_n, skipped);
	CHECK(accepted > NPATTERNS / 10 && refused_n > NPATTERNS / 10,
	      "the soup has both valid and invalid patterns");
}

int main(void)
{
	test_table();
	test_glibc_bugs();
	test_refused();
	test_unsupported();
	test_limits();
	test_linear();
	test_random_patterns();
	test_random_soup();
	return UNIT_EXIT();
}
