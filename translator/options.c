// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line, after stap(1):
 *   stapmark [OPTIONS] FILE [ARGS...]
 *   stapmark [OPTIONS] -e SCRIPT [ARGS...]
 * As stap, which parses with GNU getopt_long in its permuting mode: options
 * (and their arguments) may stand anywhere until `--`; of the remaining
 * operands, the first is the script file (unless -e gave the script) and
 * the others are $1, $2, ...  getopt's own messages for an unknown option
 * or a missing argument are stap's, then stap's "Try '--help'" line.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

void options_usage(FILE *f)
{
	fprintf(f, "Usage: stapmark [OPTIONS] FILE [ARGS...]\n"
		   "       stapmark [OPTIONS] -e SCRIPT [ARGS...]\n"
		   "       stapmark --run-module FILE.so|FILE.ko [-c CMD | -x PID] [-o FILE] [-T "
		   "SECS] [-v]\n"
		   "       stapmark --dump-markers [-v] FILE...\n"
		   "\n"
		   "  -e SCRIPT      run SCRIPT given on the command line\n"
		   "  -p NUM         stop after pass NUM: 1 parse, 2 elaborate, 3 translate,\n"
		   "                 4 compile (prints the module's path), 5 run\n"
		   "  -v             more verbose; prints the time each pass took (repeatable)\n"
		   "  -k             keep the temporary directory\n"
		   "  -m NAME        name the probe module NAME\n"
		   "  -o FILE        write output to FILE\n"
		   "  -c CMD         start CMD and probe it; stop when it exits\n"
		   "  -x PID         probe process PID\n"
		   "  -T SECONDS     stop the script (end probes run) after SECONDS\n"
		   "  -L PROBE       list matching probe points and their variables\n"
		   "  -l PROBE       list matching probe points\n"
		   "  -I DIR         look for tapsets in DIR too\n"
		   "  -D NAME[=VAL]  define a C macro for the probe module\n"
		   "  -g             guru mode: allow embedded C in the script\n"
		   "  -r KRELEASE    target kernel release, or -r KBUILD_DIR its build tree\n"
		   "  -u             unoptimized: keep unused functions and variables\n"
		   "  -w             suppress warnings\n"
		   "  -b             bulk mode (stap's per-CPU files): output stays one merged\n"
		   "                 stream, to stdout or -o FILE\n"
		   "  --compatible=VERSION  the language level of stap VERSION (systemtap_v)\n"
		   "  --skip-badvars a context variable that does not resolve reads 0\n"
		   "  --runtime=MODE kernel (a kernel module) or dyninst (user space); default:\n"
		   "                 kernel when the script has kernel probes, else dyninst\n"
		   "  --remote=guest build for the bundled qemu guest's kernel and run there\n"
		   "  --as-tapset    parse FILE as a tapset file (embedded C allowed)\n"
		   "  --run-module FILE.so|FILE.ko  run a script module built before (pass 5)\n"
		   "  --help         this text\n"
		   "  --version      the version\n"
		   "  --dump-markers FILE...  list the markers of ELF files, one per line:\n"
		   "                          name<TAB>object<TAB>format (Module.markers);\n"
		   "                          with -v also the site address\n");
}

static enum options_result bad(const char *fmt, const char *arg)
{
	fputs("stapmark: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (try --help)\n", stderr);
	return OPTIONS_EXIT_ERROR;
}

static bool parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || isspace((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool is_c_identifier(const char *s, size_t n)
{
	if (!n || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

enum {
	OPT_HELP = 256,
	OPT_VERSION,
	OPT_AS_TAPSET,
	OPT_RUN_MODULE,
	OPT_RUNTIME,
	OPT_BPF,
	OPT_REMOTE,
	OPT_COMPATIBLE,
	OPT_SKIP_BADVARS
};

/* A version as stap compares them (strverscmp): digits in dot-separated
 * groups, "1", "2.0", "4.8". */
static bool is_version(const char *v)
{
	if (!isdigit((unsigned char)*v))
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v) && !(*v == '.' && isdigit((unsigned char)v[1])))
			return false;
	return true;
}

enum options_result options_parse(struct session *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{"as-tapset", no_argument, NULL, OPT_AS_TAPSET},
		{"run-module", required_argument, NULL, OPT_RUN_MODULE},
		{"runtime", required_argument, NULL, OPT_RUNTIME},
		{"bpf", no_argument, NULL, OPT_BPF},
		{"remote", required_argument, NULL, OPT_REMOTE},
		{"compatible", required_argument, NULL, OPT_COMPATIBLE},
		{"skip-badvars", no_argument, NULL, OPT_SKIP_BADVARS},
		{0},
	};
	long v;
	int c;

	/* getopt names the program by argv[0] in its messages: a copy of
	 * argv, which getopt permutes, says "stapmark" whatever the path. */
	char **own = arena_alloc(s->arena, (size_t)(argc + 1) * sizeof *own);

	memcpy(own, argv, (size_t)argc * sizeof *own);
	own[0] = "stapmark";
	argv = own;
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "e:p:vkm:o:c:x:T:L:l:I:D:gr:uwVb", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'e':
			if (s->script_text)
				return bad("%s: only one -e SCRIPT", "-e");
			s->script_text = optarg;
			break;
		case 'p':
			if (!parse_int(optarg, 1, 5, &v))
				return bad("invalid pass number '%s' (1-5)", optarg);
			s->last_pass = (int)v;
			break;
		case 'v':
			s->verbose++;
			break;
		case 'k':
			s->keep_tmpdir = true;
			break;
		case 'm': {
			size_t n = strlen(optarg);

			if (!is_c_identifier(optarg, n) || n > 55)
				return bad("invalid module name '%s' (letters, digits, '_'; at "
					   "most 55)",
					   optarg);
			s->module_name = optarg;
			break;
		}
		case 'o':
			if (!*optarg)
				return bad("%s: empty output file name", "-o");
			s->output_file = optarg;
			break;
		case 'c':
			if (!*optarg)
				return bad("%s: empty command", "-c");
			s->target_cmd = optarg;
			break;
		case 'x':
			if (!parse_int(optarg, 1, 0x7fffffff, &v))
				return bad("invalid process id '%s'", optarg);
			s->target_pid = (int)v;
			break;
		case 'T':
			if (!parse_int(optarg, 1, 0x7fffffff, &v))
				return bad("invalid timeout '%s' (seconds, at least 1)", optarg);
			s->timeout_s = (int)v;
			break;
		case 'L':
		case 'l':
			s->list_probe = optarg;
			s->list_with_vars = c == 'L';
			break;
		case 'I':
			VEC_PUSH(s->arena, s->include_dirs, optarg);
			break;
		case 'D': {
			size_t n = strcspn(optarg, "=");

			if (!is_c_identifier(optarg, n))
				return bad("invalid -D '%s' (expected NAME or NAME=VALUE)", optarg);
			VEC_PUSH(s->arena, s->defines, optarg);
			break;
		}
		case 'g':
			s->guru = true;
			break;
		case 'r':
			if (!*optarg)
				return bad("%s: empty kernel release", "-r");
			if (strchr(optarg, '/'))
				s->kernel_build_dir = optarg;
			else
				s->kernel_release = optarg;
			break;
		case 'u':
			s->unoptimized = true;
			break;
		case 'w':
			s->suppress_warnings = true;
			break;
		case 'b':
			s->bulk_mode = true;
			break;
		case OPT_SKIP_BADVARS:
			s->skip_badvars = true;
			break;
		case OPT_COMPATIBLE:
			/* stap's wording; older levels are what %( systemtap_v %)
			 * conditions (ours and the script's) then see. */
			if (!is_version(optarg))
				return bad("--compatible=%s: not a version (such as 4.8)", optarg);
			if (strverscmp(optarg, s->stap_version) > 0) {
				fprintf(stderr,
					"stapmark: systemtap version %s cannot be compatible with "
					"future version %s\n",
					s->stap_version, optarg);
				return OPTIONS_EXIT_ERROR;
			}
			s->stap_version = optarg;
			break;
		case 'V':
		case OPT_VERSION:
			printf("stapmark %s (SystemTap language level %s)\n", STAPMARK_VERSION,
			       s->stap_version);
			return OPTIONS_EXIT_OK;
		case OPT_HELP:
			options_usage(stdout);
			return OPTIONS_EXIT_OK;
		case OPT_AS_TAPSET:
			s->as_tapset = true;
			break;
		case OPT_BPF:
			optarg = "bpf";
			/* fall through */
		case OPT_RUNTIME:
			if (!strcmp(optarg, "bpf"))
				return bad("%s: not supported by stapmark (its runtimes are kernel "
					   "and dyninst, the user-space one)",
					   "--runtime=bpf");
			if (strcmp(optarg, "kernel") && strcmp(optarg, "dyninst"))
				return bad("unknown runtime '%s' (kernel or dyninst)", optarg);
			s->runtime_opt = optarg;
			break;
		case OPT_REMOTE:
			if (strcmp(optarg, "guest"))
				return bad(
					"--remote=%s: only --remote=guest (the bundled qemu guest) "
					"is supported",
					optarg);
			s->remote = optarg;
			break;
		case OPT_RUN_MODULE:
			if (!*optarg)
				return bad("%s: empty module file name", "--run-module");
			s->run_module = optarg;
			break;
		default: /* getopt said what (unknown option, missing argument) */
			fputs("Try '--help' for more information.\n", stderr);
			return OPTIONS_EXIT_ERROR;
		}
	}
	if (s->target_cmd && s->target_pid > 0)
		return bad("%s cannot be used together", "-c and -x");
	if (s->remote && s->runtime_opt && !strcmp(s->runtime_opt, "dyninst"))
		return bad("%s: the guest runs the kernel backend",
			   "--remote=guest with --runtime=dyninst");
	if (s->remote && s->target_pid > 0)
		return bad("%s: the process would have to run in the guest (use -c CMD)",
			   "--remote=guest with -x PID");
	if (!s->script_text && !s->list_probe && !s->run_module) {
		if (optind >= argc)
			return bad("%s", "no script given: FILE or -e SCRIPT");
		s->script_file = argv[optind++];
	}
	s->args = argv + optind;
	s->nargs = argc - optind;
	return OPTIONS_RUN;
}
