// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for stap --runtime=bpf (bench/script/run only): stapbpf
 * raises RLIMIT_MEMLOCK and gives up when that fails, which it does here
 * because root lacks CAP_SYS_RESOURCE in this VM.  The kernel charges BPF
 * maps to the memory cgroup anyway, so the limit does not matter.
 */
#include <dlfcn.h>
#include <sys/resource.h>

int setrlimit(__rlimit_resource_t resource, const struct rlimit *rlim)
{
	static int (*real)(__rlimit_resource_t, const struct rlimit *);

	if (resource == RLIMIT_MEMLOCK)
		return 0;
	if (!real)
		real = (int (*)(__rlimit_resource_t, const struct rlimit *))dlsym(RTLD_NEXT,
										  "setrlimit");
	return real(resource, rlim);
}
