/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture: hand-made .note.stapmark notes with known addresses, as a 64-bit
 * or (-m32) 32-bit object, and malformed variants (-DBAD_...).  Each bad
 * variant follows good notes: one bad note fails the whole file.
 */
#if __SIZEOF_POINTER__ == 8
#define ADDR .8byte
#else
#define ADDR .4byte
#endif

/* Open a note: descsz counts up to the matching note_end. */
.macro note_begin type=1, owner="stapmark"
	.balign 4
	.4byte 2f-1f, 4f-3f, \type
1:	.asciz "\owner"
2:	.balign 4
3:
.endm

.macro note_end
4:	.balign 4
.endm

.macro marker site, sem, name, format
	note_begin
	ADDR \site, \sem
	.asciz "\name"
	.asciz "\format"
	note_end
.endm

	.pushsection .note.stapmark, "", "note"

	/* Notes of other owners or types share the section and are skipped. */
	note_begin 1, "GNU"
	.4byte 0
	note_end
	note_begin 2
	.asciz "not a marker"
	note_end

	marker 0x1000, 0x2000, hand_one, "a %d b %s"
	marker 0x1010, 0x2002, hand_escape, "tab\there\nnewline back\\slash"
	/* A site of hand_one with bytes after the format (a later version). */
	note_begin
	ADDR 0x1020, 0x2000
	.asciz "hand_one"
	.asciz "a %d b %s"
	.ascii "future"
	note_end
	marker 0, 0x2004, hand_empty_format, ""

#if defined(BAD_NAME)
	note_begin
	ADDR 0x1030, 0x2006
	.ascii "no_terminator"
	note_end
#elif defined(BAD_FORMAT)
	note_begin
	ADDR 0x1030, 0x2006
	.asciz "bad_format"
	.ascii "%d"
	note_end
#elif defined(BAD_SHORT)
	note_begin
	ADDR 0x1030
	note_end
#elif defined(BAD_EMPTY_NAME)
	marker 0x1030, 0x2006, "", "%d"
#elif defined(BAD_SIZE)
	/* descsz runs past the end of the section. */
	.balign 4
	.4byte 9, 0x100, 1
	.asciz "stapmark"
	.balign 4
	ADDR 0x1030, 0x2006
#endif

	.popsection
