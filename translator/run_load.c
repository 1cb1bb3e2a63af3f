// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading a script module into stapmark (run_load.h).  The copy lives in
 * $TMPDIR (or /tmp) for the session's whole life: a -c command's children
 * preload it by path, and detaching a preloaded module names it by path.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_load.h"
#include "stp_module.h"

int run_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int copy_fd(int in, int out)
{
	char buf[1 << 16];
	ssize_t n;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -1;
		break; /* not supported between these files: copy by hand */
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, n - off);

			if (w < 0 && errno != EINTR)
				return -1;
			off += w > 0 ? w : 0;
		}
	}
	return 0;
}

static int make_copy(struct script_module *m, const char *src, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;
	int in, out, rc;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return run_fail(err, errlen, "cannot open module '%s': %s", src, strerror(errno));
	if (fstat(in, &st) || !S_ISREG(st.st_mode)) {
		close(in);
		return run_fail(err, errlen, "module '%s' is not a regular file", src);
	}
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(m->path, sizeof(m->path), "%s/stapmark-XXXXXX.so", dir);
	out = mkostemps(m->path, 3, O_CLOEXEC);
	if (out < 0) {
		rc = errno;
		m->path[0] = '\0';
		close(in);
		return run_fail(err, errlen, "cannot create a copy of the module in %s: %s", dir,
				strerror(rc));
	}
	/* Readable by a -x target of another uid when stapmark runs as root. */
	rc = fchmod(out, 0644) || copy_fd(in, out) ? errno : 0;
	if (close(out) && !rc)
		rc = errno;
	close(in);
	if (rc) {
		unlink(m->path);
		m->path[0] = '\0';
		return run_fail(err, errlen, "cannot copy module '%s': %s", src, strerror(rc));
	}
	return 0;
}

/*
 * dlopen the copy into stapmark.  The module needs libmarkers, whose
 * constructor would serve a control socket in stapmark: STAPMARK_CONTROL=0
 * stops it, only for the load, so that a -c command still serves one.  The
 * module's preload constructor must not attach stapmark to a session named
 * in its own environment (stapmark run under another stapmark's -c).
 */
static void *open_module(const char *path)
{
	const char *old = getenv("STAPMARK_CONTROL");
	char *saved = old ? strdup(old) : NULL;
	void *h;

	unsetenv(STP_ENV_SEGMENT_FD);
	unsetenv(STP_ENV_SESSION);
	setenv("STAPMARK_CONTROL", "0", 1);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (saved)
		setenv("STAPMARK_CONTROL", saved, 1);
	else
		unsetenv("STAPMARK_CONTROL");
	free(saved);
	return h;
}

/* dlerror() names the copy; the user knows the module by its own name. */
static const char *without_path(const char *msg, const char *path)
{
	size_t n = strlen(path);

	if (msg && !strncmp(msg, path, n) && msg[n] == ':')
		return msg + n + 1 + (msg[n + 1] == ' ');
	return msg ? msg : "unknown error";
}

/* Every entry point the run driver calls (run_error may be absent). */
static int complete(const struct stp_script *sc)
{
	return sc->session_init && sc->run_begin && (sc->run_timer || !sc->ntimers) &&
	       (sc->timers || !sc->ntimers) && sc->ntimers >= 0 && sc->run_end &&
	       sc->session_exit && sc->session_state && sc->request_stop && sc->errors &&
	       sc->skipped;
}

int script_module_load(struct script_module *m, const char *src, char *err, size_t errlen)
{
	stp_script_fn *fn;

	memset(m, 0, sizeof(*m));
	if (make_copy(m, src, err, errlen))
		return -1;
	m->handle = open_module(m->path);
	if (!m->handle) {
		run_fail(err, errlen, "cannot load module '%s': %s", src,
			 without_path(dlerror(), m->path));
		goto undo;
	}
	fn = (stp_script_fn *)dlsym(m->handle, STP_SCRIPT_SYM);
	if (!fn || !dlsym(m->handle, STP_MODULE_ATTACH_SYM)) {
		run_fail(err, errlen, "'%s' is not a stapmark script module (no %s)", src,
			 fn ? STP_MODULE_ATTACH_SYM : STP_SCRIPT_SYM);
		goto undo;
	}
	m->sc = fn();
	if (!m->sc || m->sc->abi != STP_SCRIPT_ABI) {
		run_fail(err, errlen,
			 "'%s' was built for script module ABI %u, this stapmark runs %u", src,
			 m->sc ? m->sc->abi : 0, STP_SCRIPT_ABI);
		goto undo;
	}
	if (!complete(m->sc)) {
		run_fail(err, errlen, "'%s': its stp_script() lacks entry points", src);
		goto undo;
	}
	return 0;
undo:
	m->sc = NULL;
	script_module_unload(m);
	return -1;
}

void script_module_unload(struct script_module *m)
{
	if (m->handle)
		dlclose(m->handle);
	m->handle = NULL;
	if (m->path[0])
		unlink(m->path);
	m->path[0] = '\0';
}
