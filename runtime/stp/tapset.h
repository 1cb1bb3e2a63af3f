/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tapset functions implemented in C, named stp_fn_<stap name>.  Semantics
 * follow SystemTap's tapset reference (4.x).  String results are written to
 * dst, a MAXSTRINGLEN buffer (stp_string_t), and always terminated.
 * Functions that can fail take the context, set the runtime error and
 * return non-zero; the generated code then leaves the handler.
 */
#ifndef STP_TAPSET_H
#define STP_TAPSET_H

#include "context.h"

/* --- control and logging (tapset_context.c) --- */
void stp_fn_exit(struct stp_context *c);
/* error(msg): a runtime error without "near" (always returns 1). */
int stp_fn_error(struct stp_context *c, const char *msg);
void stp_fn_warn(struct stp_context *c, const char *msg);
/* log(msg): msg and a newline to the output. */
void stp_fn_log(struct stp_context *c, const char *msg);
/* assert(cond[, msg]): "Assertion failed" or msg. */
int stp_fn_assert(struct stp_context *c, int64_t cond, const char *msg);

/* --- the current task and probe --- */
int64_t stp_fn_pid(void);
int64_t stp_fn_tid(void);
int64_t stp_fn_ppid(void);
int64_t stp_fn_uid(void);
int64_t stp_fn_euid(void);
int64_t stp_fn_gid(void);
int64_t stp_fn_egid(void);
int64_t stp_fn_cpu(void);
void stp_fn_execname(char *dst);
const char *stp_fn_pp(struct stp_context *c);
/* probefunc(): markers have no function; "" as stap gives when unknown. */
void stp_fn_probefunc(struct stp_context *c, char *dst);
/* Registers of a function probe's hit (errors elsewhere): register(name),
 * the n-th integer argument narrowed to bits (32 or 64), the return value,
 * the instruction address. */
int stp_fn_register(struct stp_context *c, const char *name, int is_signed, int64_t *out);
int stp_fn_arg(struct stp_context *c, int64_t n, int bits, int is_signed, int64_t *out);
int stp_fn_returnval(struct stp_context *c, int64_t *out);
int stp_fn_uaddr(struct stp_context *c, int64_t *out);
int64_t stp_fn_target(struct stp_context *c);
int64_t stp_fn_stp_pid(struct stp_context *c);
/* randint(n): 0..n-1; "range too wide" above 1M. */
int stp_fn_randint(struct stp_context *c, int64_t n, int64_t *out);

/* --- time --- */
int64_t stp_fn_gettimeofday_s(void);
int64_t stp_fn_gettimeofday_ms(void);
int64_t stp_fn_gettimeofday_us(void);
int64_t stp_fn_gettimeofday_ns(void);
int64_t stp_fn_local_clock_ns(void);
int64_t stp_fn_local_clock_us(void);
int64_t stp_fn_local_clock_ms(void);
int64_t stp_fn_local_clock_s(void);
int64_t stp_fn_get_cycles(void);
/* ctime(secs): "Thu Jan  1 00:00:00 1970" (UTC), stap's range messages. */
void stp_fn_ctime(char *dst, int64_t secs);

/* --- strings (tapset_string.c) --- */
int64_t stp_fn_strlen(const char *s);
void stp_fn_substr(char *dst, const char *s, int64_t start, int64_t length);
int stp_fn_stringat(struct stp_context *c, const char *s, int64_t pos, int64_t *out);
int64_t stp_fn_isinstr(const char *s1, const char *s2);
int64_t stp_fn_strpos(const char *s1, const char *s2);
void stp_fn_str_replace(char *dst, const char *s, const char *srch, const char *rplc);
int64_t stp_fn_isdigit(const char *s);
/* tokenize(input, delim): first token of input (input "" continues the
 * previous string); empty tokens are skipped; "" when none is left. */
void stp_fn_tokenize(struct stp_context *c, char *dst, const char *input, const char *delim);
/* strtol(s, base): the kernel's simple_strtol (base 0 detects 0x / 0). */
int64_t stp_fn_strtol(const char *s, int64_t base);
/* text_str: escaped for printing (C escapes, \ooo, \uXXXX for UTF-8);
 * text_strn: at most len input bytes, in quotes with "..." when cut. */
void stp_fn_text_str(char *dst, const char *s);
void stp_fn_text_strn(char *dst, const char *s, int64_t len, int64_t quoted);
void stp_fn_string_quoted(char *dst, const char *s);

/* --- reading the traced program's memory (tapset_conv.c) --- */
/* user_string(addr) and user_string_n(addr, n): error "user string copy
 * fault -14 at 0x..." on a bad address. */
int stp_fn_user_string(struct stp_context *c, char *dst, int64_t addr);
int stp_fn_user_string_n(struct stp_context *c, char *dst, int64_t addr, int64_t n);
/* user_string2(addr, err_msg): err_msg instead of an error. */
void stp_fn_user_string2(char *dst, int64_t addr, const char *err_msg);
/* user_string_warn(addr): a warning and "" instead of an error. */
void stp_fn_user_string_warn(struct stp_context *c, char *dst, int64_t addr);

/* tapset_usyms.c: user backtraces and symbols in stap's formats. */
enum stp_usym_mode {
	STP_USYM_NONE, /* "0x... " (ubacktrace) */
	STP_USYM_SYMBOL, /* name, else the address (usymname) */
	STP_USYM_BRIEF, /* "name+0xoff\n" (print_ubacktrace_brief) */
	STP_USYM_SIMPLE, /* "name+0xoff [object]\n" (sprint_ubacktrace) */
	STP_USYM_DATA, /* "name+0xoff/0xsize [path]" (usymdata) */
	STP_USYM_FULL, /* " 0x... : name+0xoff/0xsize [path]\n" (print_ubacktrace) */
};
/* The stack of the hit into dst (MAXSTRINGLEN, whole lines), or printed
 * (print: no length limit); "" without a user stack. */
int stp_fn_ubacktrace(struct stp_context *c, char *dst, enum stp_usym_mode mode, int print);
int stp_fn_usym(struct stp_context *c, char *dst, int64_t addr, enum stp_usym_mode mode);
/* umodname(addr): the object's path; "module cannot be found" (an error,
 * as stap) when no object holds addr. */
int stp_fn_umodname(struct stp_context *c, char *dst, int64_t addr);
/* user_string_quoted(addr): string_quoted(user_string(addr)), or 0x... */
void stp_fn_user_string_quoted(char *dst, int64_t addr);
/* user_char/short/int/long(addr): 0 on a bad address; the _error form
 * raises "read fault [man error::fault] at 0x...". */
int64_t stp_fn_user_long(int64_t addr, int size, int is_signed);
/* The same from kernel memory (kernel_string(), kernel_long()...): "kernel
 * string copy fault ...", "kernel read fault ...". */
int stp_fn_kernel_string(struct stp_context *c, char *dst, int64_t addr);
int stp_fn_kernel_string_n(struct stp_context *c, char *dst, int64_t addr, int64_t n);
void stp_fn_kernel_string2(char *dst, int64_t addr, const char *err_msg);
void stp_fn_kernel_string_quoted(char *dst, int64_t addr);
int stp_fn_kernel_long_error(struct stp_context *c, int64_t addr, int size, int is_signed,
			     int64_t *out);
int stp_fn_user_long_error(struct stp_context *c, int64_t addr, int size, int is_signed,
			   int64_t *out);

/* --- numbers (tapset_num.c) --- */
/* big_endianN(v) / little_endianN(v): the low `bytes` bytes of v in that
 * byte order (unsigned), as htonl and friends. */
int64_t stp_fn_big_endian(int64_t v, int bytes);
int64_t stp_fn_little_endian(int64_t v, int bytes);
/* string_to_fp(s): the bits of the double nearest to the decimal s (an
 * error when s is no number); integer arithmetic only. */
int stp_fn_string_to_fp(struct stp_context *c, const char *s, int64_t *out);

/* --- ANSI terminal control (print to the output) --- */
void stp_fn_ansi_clear_screen(struct stp_context *c);
void stp_fn_ansi_set_color(struct stp_context *c, int64_t fg);
void stp_fn_ansi_set_color2(struct stp_context *c, int64_t fg, int64_t bg);
void stp_fn_ansi_set_color3(struct stp_context *c, int64_t fg, int64_t bg, int64_t attr);
void stp_fn_ansi_reset_color(struct stp_context *c);
void stp_fn_ansi_new_line(struct stp_context *c);
void stp_fn_ansi_cursor_move(struct stp_context *c, int64_t x, int64_t y);
void stp_fn_ansi_cursor_hide(struct stp_context *c);
void stp_fn_ansi_cursor_save(struct stp_context *c);
void stp_fn_ansi_cursor_restore(struct stp_context *c);
void stp_fn_ansi_cursor_show(struct stp_context *c);

#endif /* STP_TAPSET_H */
