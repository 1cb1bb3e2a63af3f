/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stapmark markers: named, typed static instrumentation points.
 *
 *   trace_mark(subsystem_event, "integer %d string %s", i, s);
 *
 * Source-compatible with the Linux 2.6.24 kernel-marker API (trace_mark,
 * MARK_NOARGS, marker_probe_register/unregister, marker_arm/disarm,
 * marker_synchronize_unregister) with the 2.6.25 probe signature, which
 * receives a va_list so that one probe can serve several markers.
 *
 * In user space a dormant site costs one predicted branch on a 16-bit
 * counter shared by every site of that name in the object.  That counter is
 * also the site's sys/sdt.h semaphore, so SystemTap, bpftrace, perf and gdb
 * attaching through the SDT note (provider "marker", probe name = marker
 * name) turn the site on too.  In the kernel, where no SDT tool sets that
 * semaphore, a site is a jump label of its own (a static key, as tracepoints
 * are): a 5-byte nop until markers.ko turns it on.  One site definition
 * serves both; __MARKER_SITE_ON is the only difference.  Arguments are
 * evaluated only when the site is on.
 *
 * Every site is also described by an ELF note (section .note.stapmark,
 * owner "stapmark", type 1) holding its address, its semaphore address, its
 * name and its format, so tools list markers from the file alone.
 */
#ifndef STAPMARK_MARKER_H
#define STAPMARK_MARKER_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stdarg.h>
#include <linux/jump_label.h>
#else
#include <stdarg.h>
#include <stddef.h>
#endif

#if !defined(__KERNEL__) && !defined(STAPMARK_NO_SDT)
/* Our sites carry semaphores; see README for mixing with your own STAP_PROBEs. */
#ifndef _SYS_SDT_H
#define _SDT_HAS_SEMAPHORES 1
#endif
#include <sys/sdt.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The 2.6.25 probe signature: fmt is the marker's format, *args its arguments. */
typedef void marker_probe_func(void *probe_private, void *call_private, const char *fmt,
			       va_list *args);

struct marker_probe_closure {
	marker_probe_func *func;
	void *probe_private;
};

/*
 * One marker site.  Lives in section __markers; the runtime finds them
 * between __start___markers and __stop___markers of each object.  Only
 * name, format and semaphore are set by the site; the rest belongs to the
 * runtime.  Size is a multiple of the alignment so the section is an array.
 */
struct marker {
	const char *name;
	const char *format;
	unsigned short *semaphore; /* shared per name and object; SDT semaphore */
	unsigned char state; /* nonzero: call the probes */
	unsigned char flags; /* runtime bookkeeping (MARKER_SITE_*) */
	unsigned short pad0;
	unsigned int pad1;
	struct marker_probe_closure *probes; /* RCU: NULL-terminated array */
	struct marker *next; /* runtime: next site of the same name */
	void *object; /* runtime: the object holding this site */
#ifdef __KERNEL__
	/* The kernel site's test: a jump label, a 5-byte nop while the site is
	 * off, patched into a jump to the armed path when it goes on (the
	 * kernel host flips it with state, runtime/kernel/host.c). */
	struct static_key_false key;
#endif
} __attribute__((aligned(8)));

/* A format for markers that carry no argument (as in Linux). */
#define MARK_NOARGS " "

#ifndef __KERNEL__
#define MARKER_API __attribute__((visibility("default")))
#else
#define MARKER_API
#endif

/* ---- Registration API (Linux 2.6.24 names, 2.6.25 probe signature) ---- */

/*
 * Connect probe to every site named name, present and future (a name whose
 * code is not loaded yet stays pending until it is).  format, when not NULL,
 * must equal the marker's format.  Returns 0, -EINVAL (bad name or format),
 * -EPERM (format mismatch with the loaded sites), -EEXIST (this probe and
 * private data are already registered there) or -ENOMEM.  Sites stay
 * dormant until marker_arm(name).
 */
MARKER_API int marker_probe_register(const char *name, const char *format, marker_probe_func *probe,
				     void *probe_private);

/* Disconnect one probe.  Returns 0 or -ENOENT.  The probe may still be running
 * on other threads until marker_synchronize_unregister() returns. */
MARKER_API int marker_probe_unregister(const char *name, marker_probe_func *probe,
				       void *probe_private);

/* Disconnect probe with probe_private from every marker.  Returns 0 or -ENOENT. */
MARKER_API int marker_probe_unregister_private_data(marker_probe_func *probe, void *probe_private);

/* Refcounted arming.  Returns 0, -ENOENT (no probe registered on name) or,
 * for disarm, -EINVAL when the marker is not armed. */
MARKER_API int marker_arm(const char *name);
MARKER_API int marker_disarm(const char *name);

/* Wait until no thread is still inside a probe that was unregistered before
 * the call; frees the probe arrays retired meanwhile. */
MARKER_API void marker_synchronize_unregister(void);

/* What the runtime knows of one site, for listings (see marker_for_each). */
struct marker_info {
	const char *name;
	const char *format;
	const char *object; /* path of the executable or library holding the site */
	const void *site; /* the struct marker */
	int state; /* site on (probes attached and armed) */
	int nprobes; /* probes connected to this name */
	int armed; /* arm count of this name */
};

/* Call fn for every known site under the registry lock (fn must not call the
 * registration API).  Pending names with no site yet are reported with
 * object and site NULL.  Stops early and returns fn's value when nonzero. */
MARKER_API int marker_for_each(int (*fn)(const struct marker_info *info, void *arg), void *arg);

/* Events not delivered because markers nested deeper than MARKER_MAX_NESTING
 * on one thread (a probe firing markers that fire probes...).  In user space
 * the depth is liburcu-bp's read-side nesting count of the thread, so a
 * program that holds liburcu-bp read locks of its own around a marker uses
 * part of this budget. */
#define MARKER_MAX_NESTING 4
MARKER_API unsigned long marker_dropped_nested(void);

/* Where runtime messages (format mismatches, conflicts) go; default stderr.
 * NULL restores the default. */
MARKER_API void marker_set_log_handler(void (*handler)(const char *message));

/* ---- Internals used by the macros below ---- */

/* Called through the GOT rather than a PLT stub where the compiler can. */
#if defined(__has_attribute) && !defined(__KERNEL__)
#if __has_attribute(noplt)
#define __MARKER_NOPLT __attribute__((noplt))
#endif
#endif
#ifndef __MARKER_NOPLT
#define __MARKER_NOPLT
#endif
MARKER_API __MARKER_NOPLT void __marker_probe_cb(const struct marker *m, void *call_private, ...);
#if !defined(__KERNEL__) && defined(__x86_64__) && defined(__LP64__)
/*
 * The cheaper entries on x86-64: argv points at the site's arguments,
 * promoted as for a variadic call and stored in 8-byte slots (16-byte
 * aligned for long double); the runtime builds each probe's va_list over
 * them without spilling registers.  __marker_probe_argv takes any types and
 * reads them all as the psABI's stack-passed variadic arguments;
 * __marker_probe_argi takes integers and pointers only and reads the first
 * six as if from the register save area, the branch va_arg expects.
 */
#define __MARKER_ARGV_ABI 1
MARKER_API __MARKER_NOPLT void __marker_probe_argv(const struct marker *m, void *call_private,
						   const void *argv);
MARKER_API __MARKER_NOPLT void __marker_probe_argi(const struct marker *m, void *call_private,
						   const void *argv);

/*
 * What a site needs to call its probes itself (__marker_dispatch below):
 * libmarkers' per-thread state, initial-exec so that a site reads it with
 * one GOT load and %fs-relative loads, in programs and in -fPIC libraries.
 * reader points at this thread's liburcu-bp reader pointer (its own TLS
 * variable, NULL until liburcu-bp has registered the thread and again once
 * the thread has left it at exit); it is set only when liburcu-bp's read
 * side needs no fence (membarrier(2)).  gp_ctr points at liburcu-bp's
 * grace-period counter.  A reader begins with its nesting count
 * (__MARKER_RCU_NEST_MASK, liburcu-bp's URCU_BP_GP_CTR_NEST_MASK; libmarkers
 * checks that they agree).  Nothing here needs liburcu's headers.
 */
struct __marker_rcu_reader {
	unsigned long ctr;
};

struct __marker_thread {
	struct __marker_rcu_reader *const *reader;
	const unsigned long *gp_ctr;
};

MARKER_API extern __thread struct __marker_thread __marker_thread
	__attribute__((tls_model("initial-exec")));
#define __MARKER_RCU_NEST_MASK ((1UL << (sizeof(long) * 4)) - 1)
#define __MARKER_RCU_COUNT 1UL

/* A va_list as the x86-64 psABI lays it out (3.5.7; libmarkers checks it). */
struct __marker_va_tag {
	unsigned int gp_offset;
	unsigned int fp_offset;
	const void *overflow_arg_area;
	const void *reg_save_area;
};
#endif
MARKER_API void __markers_register_object(struct marker *start, struct marker *stop);
MARKER_API void __markers_unregister_object(struct marker *start, struct marker *stop);

/* Type-checks a site's arguments against its format, like printf. */
static inline void __attribute__((format(printf, 1, 2))) __marker_check_format(const char *fmt, ...)
{
	(void)fmt;
}

#define __MARKER_STR_(x) #x
#define __MARKER_STR(x) __MARKER_STR_(x)
#define __MARKER_SEM(name) marker_##name##_semaphore

/*
 * The semaphore of a name, defined once per translation unit (.ifndef) as a
 * weak hidden symbol in .probes, so all sites of a name in one object share
 * it and every object has its own.  A block-scope declaration lets C code
 * read it PC-relative.
 */
#define __MARKER_SEM_DECLARE(name)                                                                                 \
	extern __attribute__((visibility("hidden"))) unsigned short __MARKER_SEM(name);                            \
	__asm__(".ifndef " __MARKER_STR(__MARKER_SEM(                                                              \
		name)) "\n"                                                                                        \
		       ".pushsection .probes,\"aw\",@progbits\n"                                                   \
		       ".weak " __MARKER_STR(__MARKER_SEM(                                                         \
			       name)) "\n"                                                                         \
				      ".hidden " __MARKER_STR(__MARKER_SEM(                                        \
					      name)) "\n"                                                          \
						     ".type " __MARKER_STR(__MARKER_SEM(                           \
							     name)) ", @object\n"                                  \
								    ".size " __MARKER_STR(__MARKER_SEM(            \
									    name)) ", 2\n"                         \
										   ".balign "                      \
										   "2"                             \
										   "\n" __MARKER_STR(__MARKER_SEM( \
											   name)) ":\n"            \
												  ".zero 2\n"      \
												  ".popsection\n"  \
												  ".endif\n")

/* Nonzero when something listens at sites of name in this object: a probe
 * through the runtime or a tool through the SDT note.  Use it to skip costly
 * argument computation. */
#define marker_enabled(name)                                                                       \
	__extension__({                                                                            \
		__MARKER_SEM_DECLARE(name);                                                        \
		(int)__builtin_expect(__atomic_load_n(&__MARKER_SEM(name), __ATOMIC_RELAXED) != 0, \
				      0);                                                          \
	})

/*
 * The on-disk table entry of a site: an ELF note with the site address (a
 * label in the armed path), the semaphore address, the name and the format.
 * Non-allocated like .note.stapsdt, so it needs no dynamic relocation.
 */
#if __SIZEOF_POINTER__ == 8 /* by pointer size, so x32 gets 4-byte fields */
#define __MARKER_ASM_ADDR ".8byte "
#else
#define __MARKER_ASM_ADDR ".4byte "
#endif
// clang-format off
#define __MARKER_NOTE_BODY(name, format, addr)					\
	".pushsection .note.stapmark,\"\",\"note\"\n"				\
	".balign 4\n"								\
	".4byte 883f-882f, 885f-884f, 1\n"					\
	"882: .asciz \"stapmark\"\n"						\
	"883: .balign 4\n"							\
	"884: " __MARKER_ASM_ADDR addr "\n"					\
	__MARKER_ASM_ADDR __MARKER_STR(__MARKER_SEM(name)) "\n"			\
	".asciz \"" #name "\"\n"						\
	".ascii " __MARKER_STR(format) "\n"					\
	".byte 0\n"								\
	"885: .balign 4\n"							\
	".popsection\n"
// clang-format on
/* At a site: the address is a label on the site's armed path. */
#define __MARKER_NOTE(name, format) \
	__asm__ __volatile__("881:\n" __MARKER_NOTE_BODY(name, format, "881b"))
/* For DEFINE_MARKER, which may fire from several places: address 0. */
#define __MARKER_NOTE_DEFINED(name, format) __asm__(__MARKER_NOTE_BODY(name, format, "0"))

/* ---- Argument capture: evaluate each argument once, only when on ---- */

/*
 * The macros below take their arguments as (first, args...), where first is
 * the format (or, for trace_mark_defined, the name), so the list is never
 * empty: counting an empty __VA_ARGS__ needs GNU comma elision, which ISO
 * modes (-std=c99) change.  __MARKER_NARG gives the number of args after first.
 */
#define __MARKER_NARG(...) __MARKER_NARG_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ~)
#define __MARKER_NARG_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, n, ...) n
#define __MARKER_FIRST(...) __MARKER_FIRST_(__VA_ARGS__, ~)
#define __MARKER_FIRST_(first, ...) first
#define __MARKER_CAT_(a, b) a##b
#define __MARKER_CAT(a, b) __MARKER_CAT_(a, b)

/* (x) + 0 decays arrays and promotes small integers, and works on bit-fields.
 * __marker_sN is the value as handed to the SDT note (see __MARKER_SDT_ARG). */
#define __MARKER_T(i, x)                                                                    \
	__typeof__((x) + 0) __marker_a##i = (x);                                            \
	__typeof__(__MARKER_SDT_ARG(__marker_a##i)) __marker_s##i __attribute__((unused)) = \
		__MARKER_SDT_ARG(__marker_a##i);
/* sys/sdt.h cannot place a long double in a register: hand it a double. */
#ifndef __cplusplus
#define __MARKER_SDT_ARG(x)                                 \
	_Generic((x), long double                           \
		 : (double)_Generic((x), long double        \
				    : (x), default : 0.0L), \
		   default                                  \
		 : (x))
#else
#define __MARKER_SDT_ARG(x) (x)
#endif
#define __MARKER_TMPS_0(_first)
#define __MARKER_TMPS_1(_first, a) __MARKER_T(1, a)
#define __MARKER_TMPS_2(_first, a, b) __MARKER_TMPS_1(_first, a) __MARKER_T(2, b)
#define __MARKER_TMPS_3(_first, a, b, c) __MARKER_TMPS_2(_first, a, b) __MARKER_T(3, c)
#define __MARKER_TMPS_4(_first, a, b, c, d) __MARKER_TMPS_3(_first, a, b, c) __MARKER_T(4, d)
#define __MARKER_TMPS_5(_first, a, b, c, d, e) __MARKER_TMPS_4(_first, a, b, c, d) __MARKER_T(5, e)
#define __MARKER_TMPS_6(_first, a, b, c, d, e, f) \
	__MARKER_TMPS_5(_first, a, b, c, d, e) __MARKER_T(6, f)
#define __MARKER_TMPS_7(_first, a, b, c, d, e, f, g) \
	__MARKER_TMPS_6(_first, a, b, c, d, e, f) __MARKER_T(7, g)
#define __MARKER_TMPS_8(_first, a, b, c, d, e, f, g, h) \
	__MARKER_TMPS_7(_first, a, b, c, d, e, f, g) __MARKER_T(8, h)
#define __MARKER_TMPS_9(_first, a, b, c, d, e, f, g, h, i) \
	__MARKER_TMPS_8(_first, a, b, c, d, e, f, g, h) __MARKER_T(9, i)
#define __MARKER_TMPS_10(_first, a, b, c, d, e, f, g, h, i, j) \
	__MARKER_TMPS_9(_first, a, b, c, d, e, f, g, h, i) __MARKER_T(10, j)
#define __MARKER_TMPS_11(_first, a, b, c, d, e, f, g, h, i, j, k) \
	__MARKER_TMPS_10(_first, a, b, c, d, e, f, g, h, i, j) __MARKER_T(11, k)
#define __MARKER_TMPS_12(_first, a, b, c, d, e, f, g, h, i, j, k, l) \
	__MARKER_TMPS_11(_first, a, b, c, d, e, f, g, h, i, j, k) __MARKER_T(12, l)

#define __MARKER_USE_0
#define __MARKER_USE_1 , __marker_a1
#define __MARKER_USE_2 __MARKER_USE_1, __marker_a2
#define __MARKER_USE_3 __MARKER_USE_2, __marker_a3
#define __MARKER_USE_4 __MARKER_USE_3, __marker_a4
#define __MARKER_USE_5 __MARKER_USE_4, __marker_a5
#define __MARKER_USE_6 __MARKER_USE_5, __marker_a6
#define __MARKER_USE_7 __MARKER_USE_6, __marker_a7
#define __MARKER_USE_8 __MARKER_USE_7, __marker_a8
#define __MARKER_USE_9 __MARKER_USE_8, __marker_a9
#define __MARKER_USE_10 __MARKER_USE_9, __marker_a10
#define __MARKER_USE_11 __MARKER_USE_10, __marker_a11
#define __MARKER_USE_12 __MARKER_USE_11, __marker_a12

#if !defined(__KERNEL__) && !defined(STAPMARK_NO_SDT)
#define __MARKER_SDT(name, n) __MARKER_CAT(__MARKER_SDT_, n)(name)
#define __MARKER_SDT_0(name) STAP_PROBE(marker, name)
#define __MARKER_SDT_1(name) STAP_PROBE1(marker, name, __marker_s1)
#define __MARKER_SDT_2(name) STAP_PROBE2(marker, name, __marker_s1, __marker_s2)
#define __MARKER_SDT_3(name) STAP_PROBE3(marker, name, __marker_s1, __marker_s2, __marker_s3)
#define __MARKER_SDT_4(name) \
	STAP_PROBE4(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4)
#define __MARKER_SDT_5(name) \
	STAP_PROBE5(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, __marker_s5)
#define __MARKER_SDT_6(name)                                                                       \
	STAP_PROBE6(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, __marker_s5, \
		    __marker_s6)
#define __MARKER_SDT_7(name)                                                                       \
	STAP_PROBE7(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, __marker_s5, \
		    __marker_s6, __marker_s7)
#define __MARKER_SDT_8(name)                                                                       \
	STAP_PROBE8(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, __marker_s5, \
		    __marker_s6, __marker_s7, __marker_s8)
#define __MARKER_SDT_9(name)                                                                       \
	STAP_PROBE9(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, __marker_s5, \
		    __marker_s6, __marker_s7, __marker_s8, __marker_s9)
#define __MARKER_SDT_10(name)                                                          \
	STAP_PROBE10(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, \
		     __marker_s5, __marker_s6, __marker_s7, __marker_s8, __marker_s9,  \
		     __marker_s10)
#define __MARKER_SDT_11(name)                                                          \
	STAP_PROBE11(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, \
		     __marker_s5, __marker_s6, __marker_s7, __marker_s8, __marker_s9,  \
		     __marker_s10, __marker_s11)
#define __MARKER_SDT_12(name)                                                          \
	STAP_PROBE12(marker, name, __marker_s1, __marker_s2, __marker_s3, __marker_s4, \
		     __marker_s5, __marker_s6, __marker_s7, __marker_s8, __marker_s9,  \
		     __marker_s10, __marker_s11, __marker_s12)
#else
#define __MARKER_SDT(name, n) ((void)0)
#endif

/*
 * How the armed path hands the arguments to the runtime.  In C on x86-64
 * (__MARKER_ARGV_ABI) the site stores them in a struct of 8-byte slots, each
 * promoted as a variadic call would (the integer promotions happened in
 * __MARKER_T; float becomes double here) and hands probes va_lists over
 * them: "argi" when no argument is floating-point (a constant, so only one
 * form is compiled in), the va_arg branch probes expect, or "argv".  Usually
 * the site calls the probes itself (__marker_dispatch); otherwise it calls
 * __marker_probe_argi or __marker_probe_argv in libmarkers, which do the
 * same (bench/README.md).  Elsewhere, and in C++ (no _Generic), it is the
 * variadic __marker_probe_cb.  STAPMARK_NO_ARGV forces the variadic call.
 */
#if defined(__MARKER_ARGV_ABI) && !defined(__cplusplus) && !defined(STAPMARK_NO_ARGV)
#define __MARKER_VA_PROMOTE(x) \
	_Generic((x), float : (double)_Generic((x), float : (x), default : 0.0f), default : (x))
#define __MARKER_SLOT(i) \
	__typeof__(__MARKER_VA_PROMOTE(__marker_a##i)) __marker_v##i __attribute__((aligned(8)));
#define __MARKER_SLOTS_1 __MARKER_SLOT(1)
#define __MARKER_SLOTS_2 __MARKER_SLOTS_1 __MARKER_SLOT(2)
#define __MARKER_SLOTS_3 __MARKER_SLOTS_2 __MARKER_SLOT(3)
#define __MARKER_SLOTS_4 __MARKER_SLOTS_3 __MARKER_SLOT(4)
#define __MARKER_SLOTS_5 __MARKER_SLOTS_4 __MARKER_SLOT(5)
#define __MARKER_SLOTS_6 __MARKER_SLOTS_5 __MARKER_SLOT(6)
#define __MARKER_SLOTS_7 __MARKER_SLOTS_6 __MARKER_SLOT(7)
#define __MARKER_SLOTS_8 __MARKER_SLOTS_7 __MARKER_SLOT(8)
#define __MARKER_SLOTS_9 __MARKER_SLOTS_8 __MARKER_SLOT(9)
#define __MARKER_SLOTS_10 __MARKER_SLOTS_9 __MARKER_SLOT(10)
#define __MARKER_SLOTS_11 __MARKER_SLOTS_10 __MARKER_SLOT(11)
#define __MARKER_SLOTS_12 __MARKER_SLOTS_11 __MARKER_SLOT(12)
#define __MARKER_INIT_1 __marker_a1
#define __MARKER_INIT_2 __MARKER_INIT_1, __marker_a2
#define __MARKER_INIT_3 __MARKER_INIT_2, __marker_a3
#define __MARKER_INIT_4 __MARKER_INIT_3, __marker_a4
#define __MARKER_INIT_5 __MARKER_INIT_4, __marker_a5
#define __MARKER_INIT_6 __MARKER_INIT_5, __marker_a6
#define __MARKER_INIT_7 __MARKER_INIT_6, __marker_a7
#define __MARKER_INIT_8 __MARKER_INIT_7, __marker_a8
#define __MARKER_INIT_9 __MARKER_INIT_8, __marker_a9
#define __MARKER_INIT_10 __MARKER_INIT_9, __marker_a10
#define __MARKER_INIT_11 __MARKER_INIT_10, __marker_a11
#define __MARKER_INIT_12 __MARKER_INIT_11, __marker_a12
#define __MARKER_CALL(mark, call_private, n) __MARKER_CAT(__MARKER_CALL_, n)(mark, call_private, n)
#define __MARKER_CALL_0(mark, call_private, n) __marker_dispatch(&(mark), call_private, 0, 0, 0)
#define __MARKER_CALL_N(mark, call_private, n)                                                  \
	do {                                                                                    \
		struct {                                                                        \
			__MARKER_CAT(__MARKER_SLOTS_, n)                                        \
		} __marker_argv = {__MARKER_CAT(__MARKER_INIT_, n)};                            \
		__marker_dispatch(&(mark), call_private, &__marker_argv, sizeof(__marker_argv), \
				  (__MARKER_CAT(__MARKER_NFP_, n)) != 0);                       \
	} while (0)

#if defined(__SANITIZE_THREAD__)
#define __MARKER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define __MARKER_TSAN 1
#endif
#endif

/*
 * The armed path proper.  The common case is dispatched right here, one
 * call per probe: this thread is registered with liburcu-bp, whose read
 * side needs no fence, and no marker is running on it (nesting count 0).
 * The site then takes the read side as urcu_bp_read_lock() would, calls
 * each probe with a fresh va_list over its argument slots (argi: slots 0-5
 * as the register save area, the rest as the stack; argv, when an argument
 * is floating-point: all as the stack) and leaves the read side.  Doing it
 * in the site saves the call into libmarkers and its register saves, about
 * half of an armed marker's cost (bench/README.md).  Anything else (a
 * thread's first marker, a marker fired inside a probe or a signal handler
 * interrupting one, the nesting limit, no membarrier) goes to libmarkers,
 * which handles it as before.  STAPMARK_NO_INLINE_DISPATCH, and
 * ThreadSanitizer (which cannot see the ordering membarrier gives), make
 * every event go to libmarkers.
 */
static __inline__ __attribute__((__always_inline__)) void
__marker_dispatch(const struct marker *m, void *call_private, const void *argv,
		  unsigned long argv_bytes, int fp)
{
#if !defined(STAPMARK_NO_INLINE_DISPATCH) && !defined(__MARKER_TSAN)
	struct __marker_rcu_reader *const *slot = __marker_thread.reader;
	struct __marker_rcu_reader *r;

	if (__builtin_expect(
		    slot != (void *)0 && (r = *slot) != (void *)0 &&
			    !(__atomic_load_n(&r->ctr, __ATOMIC_RELAXED) & __MARKER_RCU_NEST_MASK),
		    1)) {
		const struct marker_probe_closure *p;

		/* Outermost reader: the current phase with a count of one.  The
		 * writer's membarrier(2) orders this store before our reads. */
		__atomic_store_n(&r->ctr, __atomic_load_n(__marker_thread.gp_ctr, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		p = __atomic_load_n(&m->probes, __ATOMIC_ACQUIRE);
		if (__builtin_expect(p != (void *)0, 1)) {
			const char *format = m->format;
			struct __marker_va_tag t;
			va_list args;

			t.gp_offset = fp ? 48 : 0;
			t.fp_offset = 176;
			t.overflow_arg_area =
				fp ? argv : (const void *)((__UINTPTR_TYPE__)argv + 48);
			t.reg_save_area = fp ? (const void *)0 : argv;
			/* Each probe gets the va_list afresh.  With at most six
			 * integer-class arguments, va_arg reads them all at
			 * reg_save_area + gp_offset and moves only gp_offset, so
			 * one 8-byte store of the two offsets renews it (about
			 * 0.25 ns per probe); otherwise all of it is written.  A
			 * constant once inlined. */
			const unsigned long renew =
				!fp && argv_bytes <= 48 ? 2 * sizeof(unsigned int) : sizeof(t);

			__builtin_memcpy(args, &t, sizeof(t));
			do {
				__builtin_memcpy(args, &t, renew);
				p->func(p->probe_private, call_private, format, &args);
			} while ((++p)->func);
		}
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		__atomic_store_n(&r->ctr,
				 __atomic_load_n(&r->ctr, __ATOMIC_RELAXED) - __MARKER_RCU_COUNT,
				 __ATOMIC_RELAXED);
		return;
	}
#else
	(void)argv_bytes;
#endif
	if (fp)
		__marker_probe_argv(m, call_private, argv);
	else
		__marker_probe_argi(m, call_private, argv);
}

/* The number of floating-point arguments, a constant. */
#define __MARKER_ISFP(i) \
	_Generic(__marker_a##i, float : 1, double : 1, long double : 1, default : 0)
#define __MARKER_NFP_1 __MARKER_ISFP(1)
#define __MARKER_NFP_2 __MARKER_NFP_1 + __MARKER_ISFP(2)
#define __MARKER_NFP_3 __MARKER_NFP_2 + __MARKER_ISFP(3)
#define __MARKER_NFP_4 __MARKER_NFP_3 + __MARKER_ISFP(4)
#define __MARKER_NFP_5 __MARKER_NFP_4 + __MARKER_ISFP(5)
#define __MARKER_NFP_6 __MARKER_NFP_5 + __MARKER_ISFP(6)
#define __MARKER_NFP_7 __MARKER_NFP_6 + __MARKER_ISFP(7)
#define __MARKER_NFP_8 __MARKER_NFP_7 + __MARKER_ISFP(8)
#define __MARKER_NFP_9 __MARKER_NFP_8 + __MARKER_ISFP(9)
#define __MARKER_NFP_10 __MARKER_NFP_9 + __MARKER_ISFP(10)
#define __MARKER_NFP_11 __MARKER_NFP_10 + __MARKER_ISFP(11)
#define __MARKER_NFP_12 __MARKER_NFP_11 + __MARKER_ISFP(12)
#define __MARKER_CALL_1 __MARKER_CALL_N
#define __MARKER_CALL_2 __MARKER_CALL_N
#define __MARKER_CALL_3 __MARKER_CALL_N
#define __MARKER_CALL_4 __MARKER_CALL_N
#define __MARKER_CALL_5 __MARKER_CALL_N
#define __MARKER_CALL_6 __MARKER_CALL_N
#define __MARKER_CALL_7 __MARKER_CALL_N
#define __MARKER_CALL_8 __MARKER_CALL_N
#define __MARKER_CALL_9 __MARKER_CALL_N
#define __MARKER_CALL_10 __MARKER_CALL_N
#define __MARKER_CALL_11 __MARKER_CALL_N
#define __MARKER_CALL_12 __MARKER_CALL_N
#else
#define __MARKER_CALL(mark, call_private, n) \
	__marker_probe_cb(&(mark), call_private __MARKER_CAT(__MARKER_USE_, n))
#endif

/*
 * The armed path of a site: capture arguments, hit the SDT note, call the
 * probes.  The variable arguments are (first, args...); first is ignored.
 * Inside this path the call is the expected case: laid out as fall-through,
 * it saves taken branches (measured ~2 ns per event, bench/README.md).
 */
#define __MARKER_FIRE(mark, name, call_private, ...)                                       \
	do {                                                                               \
		__MARKER_CAT(__MARKER_TMPS_, __MARKER_NARG(__VA_ARGS__))(__VA_ARGS__);     \
		__MARKER_SDT(name, __MARKER_NARG(__VA_ARGS__));                            \
		if (__builtin_expect(__atomic_load_n(&(mark).state, __ATOMIC_RELAXED), 1)) \
			__MARKER_CALL(mark, call_private, __MARKER_NARG(__VA_ARGS__));     \
	} while (0)

/*
 * Is the site on?  The dormant cost of every site, so the one place where
 * the hosts differ.  User space tests the name's SDT semaphore, which both
 * libmarkers and external tools (bpftrace, stap, perf, gdb) increment: one
 * load and a predicted branch.  The kernel tests the site's own static key:
 * a nop, patched by markers.ko under its registry lock when the site's state
 * changes.  The armed path still tests state, so a site on for an SDT tool
 * alone (user space) calls no probe.
 */
#ifdef __KERNEL__
#define __MARKER_SITE_ON(mark, name) static_branch_unlikely(&(mark).key)
#define __MARKER_KEY_INIT , STATIC_KEY_FALSE_INIT
#else
#define __MARKER_SITE_ON(mark, name) \
	__builtin_expect(__atomic_load_n(&__MARKER_SEM(name), __ATOMIC_RELAXED) != 0, 0)
#define __MARKER_KEY_INIT
#endif

/* The site's struct marker and its strings (as Linux: name and format in __markers_strings). */
#define __MARKER_DEFINE(storage, name, format)                                                     \
	static const char __mstrtab_##name[] __attribute__((section("__markers_strings"), used)) = \
		#name "\0" format;                                                                 \
	storage struct marker __mark_##name __attribute__((                                        \
		section("__markers"), aligned(8), used)) = {__mstrtab_##name,                      \
							    &__mstrtab_##name[sizeof(#name)],      \
							    &__MARKER_SEM(name),                   \
							    0,                                     \
							    0,                                     \
							    0,                                     \
							    0,                                     \
							    NULL,                                  \
							    NULL,                                  \
							    NULL __MARKER_KEY_INIT}

/*
 * __trace_mark(name, call_private, format, args...): a marker site passing
 * call_private to its probes.  trace_mark(name, format, args...) passes NULL.
 * name is a C identifier; format a string literal checked like printf's.
 * At most 12 arguments (the sys/sdt.h limit).
 */
#define __trace_mark(name, call_private, ...)                                          \
	do {                                                                           \
		__MARKER_SEM_DECLARE(name);                                            \
		__MARKER_DEFINE(static, name, __MARKER_FIRST(__VA_ARGS__));            \
		if (0)                                                                 \
			__marker_check_format(__VA_ARGS__);                            \
		if (__MARKER_SITE_ON(__mark_##name, name)) {                           \
			__MARKER_NOTE(name, __MARKER_FIRST(__VA_ARGS__));              \
			__MARKER_FIRE(__mark_##name, name, call_private, __VA_ARGS__); \
		}                                                                      \
	} while (0)

#define trace_mark(name, ...) __trace_mark(name, NULL, __VA_ARGS__)

/*
 * A marker defined at file scope, for code that fires one marker from several
 * places or hands it around (GET_MARKER).  Fire it with
 * trace_mark_defined(name, args...).
 */
#define DEFINE_MARKER(name, format)          \
	__MARKER_SEM_DECLARE(name);          \
	__MARKER_NOTE_DEFINED(name, format); \
	__MARKER_DEFINE(, name, format)
#define DECLARE_MARKER(name) extern struct marker __mark_##name
#define GET_MARKER(name) (__mark_##name)
#define trace_mark_defined(...) __MARKER_FIRE_DEFINED_(__MARKER_FIRST(__VA_ARGS__), __VA_ARGS__)
/* One more expansion step, so that name arrives expanded where it is pasted. */
#define __MARKER_FIRE_DEFINED_(name, ...) __MARKER_FIRE_DEFINED(name, __VA_ARGS__)
#define __MARKER_FIRE_DEFINED(name, ...)                                       \
	do {                                                                   \
		__MARKER_SEM_DECLARE(name);                                    \
		if (__MARKER_SITE_ON(__mark_##name, name))                     \
			__MARKER_FIRE(__mark_##name, name, NULL, __VA_ARGS__); \
	} while (0)

#ifndef __KERNEL__
/*
 * Every object (executable or shared library) that includes this header
 * announces its __markers section to libmarkers when it is loaded and
 * withdraws it when it is unloaded (dlclose).  The runtime counts the
 * translation units of one object, so this runs once per object in effect.
 */
extern struct marker __start___markers[] __attribute__((weak, visibility("hidden")));
extern struct marker __stop___markers[] __attribute__((weak, visibility("hidden")));

static void __attribute__((constructor, used)) __markers_object_init(void)
{
	if (&__start___markers[0] != &__stop___markers[0])
		__markers_register_object(__start___markers, __stop___markers);
}

static void __attribute__((destructor, used)) __markers_object_exit(void)
{
	if (&__start___markers[0] != &__stop___markers[0])
		__markers_unregister_object(__start___markers, __stop___markers);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* STAPMARK_MARKER_H */
