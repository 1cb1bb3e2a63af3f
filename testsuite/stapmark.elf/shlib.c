// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture: a shared library holding markers of its own. */
#include <stapmark/marker.h>

void elf_shlib_open(int fd, const char *path);
void elf_shlib_close(void);

void elf_shlib_open(int fd, const char *path)
{
	trace_mark(elf_shlib_open, "fd %d path %s", fd, path);
}

void elf_shlib_close(void)
{
	trace_mark(elf_shlib_close, MARK_NOARGS);
}
