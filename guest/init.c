/*
 * init - PID 1 of the stapmark test guest (see guest/README.md).
 *
 * Runs from the initramfs that guest/mkinitramfs builds: loads the virtio
 * and 9p modules listed in /modules.order, reads the run description that
 * guest/run passes through fw_cfg, builds a root from the host's shared
 * directories, runs the command there with its stdout and stderr on two
 * virtio-serial ports, reports its exit status on a third port and powers
 * the machine off.  Kernel messages stay on the serial console, so they
 * never mix with the command's output.
 *
 * Built static (gcc -static): the initramfs has no libc of its own.
 */
#define _GNU_SOURCE /* environ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NEWROOT "/newroot"
#define CONFIG_PATH "/sys/firmware/qemu_fw_cfg/by_name/opt/stapmark/config/raw"
#define MODULES_ORDER "/modules.order"
#define NINEP_OPTS "trans=virtio,version=9p2000.L,msize=262144"
/* How long to wait for devices that appear asynchronously after their
 * driver loads (fw_cfg entries, virtio-serial ports). */
#define DEVICE_WAIT_MS 10000

#define MAX_ARGS 4096
#define MAX_ENV 512

/* The run description, parsed from the fw_cfg file (see parse_config). */
static char *cmd_argv[MAX_ARGS + 1];
static int cmd_argc;
static char *cmd_env[MAX_ENV + 1];
static int cmd_envc;
static const char *cmd_cwd = "/";

static int status_fd = -1;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("stapmark-guest: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Not reached; if it were, returning from PID 1 panics, which the
	 * host reports too. */
	for (;;)
		pause();
}

/* Report why the guest could not run the command, on the console (kept
 * in the host's console log) and on the status port when it is open. */
static void __attribute__((noreturn, format(printf, 1, 2))) boot_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say("boot error: %s", msg);
	if (status_fd >= 0)
		dprintf(status_fd, "boot-error %s\n", msg);
	power_off();
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void mkdir_p(const char *path)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		boot_error("path too long: %s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		boot_error("mkdir %s: %s", buf, strerror(errno));
}

static void do_mount(const char *src, const char *target, const char *type, unsigned long flags,
		     const char *opts)
{
	mkdir_p(target);
	if (mount(src, target, type, flags, opts) < 0)
		boot_error("mount %s (%s) on %s: %s", src, type, target, strerror(errno));
}

/* Load one module file with finit_module.  guest/mkinitramfs stores them
 * uncompressed, so no decompression is needed here. */
static void load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		boot_error("open %s: %s", path, strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
		boot_error("load module %s: %s", path, strerror(errno));
	close(fd);
}

/* /modules.order lists the module files in dependency order, one a line. */
static void load_modules(void)
{
	char line[4096];
	FILE *f = fopen(MODULES_ORDER, "r");

	if (!f)
		boot_error("open %s: %s", MODULES_ORDER, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			load_module(line);
	}
	fclose(f);
}

/* Read a whole file into a NUL-terminated buffer, waiting for it to
 * appear (sysfs entries of devices still being probed). */
static char *read_file_waiting(const char *path, size_t *len)
{
	size_t size = 0, cap = 65536;
	char *buf;
	int fd, waited;
	ssize_t n;

	for (waited = 0; (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0; waited += 10) {
		if (errno != ENOENT || waited >= DEVICE_WAIT_MS)
			boot_error("open %s: %s", path, strerror(errno));
		sleep_ms(10);
	}
	buf = malloc(cap + 1);
	if (!buf)
		boot_error("out of memory");
	while ((n = read(fd, buf + size, cap - size)) > 0) {
		size += n;
		if (size == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				boot_error("out of memory");
		}
	}
	if (n < 0)
		boot_error("read %s: %s", path, strerror(errno));
	close(fd);
	buf[size] = '\0';
	*len = size;
	return buf;
}

/* Mount one 9p share: "TAG\tPATH\tro" or "TAG\tPATH\trw".  Read-only shares
 * (the host's /usr, /etc) never change under us, so the page cache may keep
 * them (cache=loose: much faster exec and reads).  Writable shares use
 * cache=mmap: no caching, so the host sees every write at once, yet shared
 * writable mappings work. */
static void mount_share(char *spec)
{
	char *tag = spec, *path, *mode, target[4096], opts[256];
	int ro;

	path = strchr(tag, '\t');
	mode = path ? strchr(path + 1, '\t') : NULL;
	if (!mode)
		boot_error("bad share record: %s", spec);
	*path++ = '\0';
	*mode++ = '\0';
	ro = strcmp(mode, "ro") == 0;
	snprintf(target, sizeof(target), NEWROOT "%s", path);
	snprintf(opts, sizeof(opts), NINEP_OPTS ",cache=%s", ro ? "loose" : "mmap");
	do_mount(tag, target, "9p", ro ? MS_RDONLY : 0, opts);
}

/* A symlink of the new root: "NAME\tTARGET", as on the host (merged /usr). */
static void make_link(char *spec)
{
	char *target = strchr(spec, '\t'), path[4096];

	if (!target)
		boot_error("bad link record: %s", spec);
	*target++ = '\0';
	snprintf(path, sizeof(path), NEWROOT "%s", spec);
	if (symlink(target, path) < 0)
		boot_error("symlink %s -> %s: %s", path, target, strerror(errno));
}

/* Add NAME=VALUE to the command's environment; a later setting of NAME
 * (guest/run -e) replaces an earlier one (guest/run's defaults). */
static void add_env(char *var)
{
	size_t name_len = strcspn(var, "=") + 1;
	int i;

	for (i = 0; i < cmd_envc; i++) {
		if (!strncmp(cmd_env[i], var, name_len)) {
			cmd_env[i] = var;
			return;
		}
	}
	if (cmd_envc == MAX_ENV)
		boot_error("too many environment variables");
	cmd_env[cmd_envc++] = var;
}

/*
 * The configuration is a sequence of NUL-terminated records KEY=VALUE:
 *   share=TAG\tPATH\tro|rw   a 9p share to mount at PATH (in order)
 *   link=PATH\tTARGET       a symlink to create
 *   cwd=PATH                working directory of the command
 *   env=NAME=VALUE          the command's environment
 *   arg=WORD                the command's argv, in order
 * Shares and links are set up as they are read; the rest is kept.
 */
static void parse_config(char *buf, size_t len)
{
	char *rec, *next, *end = buf + len;

	/* Handlers split their record in place: find the next one first. */
	for (rec = buf; rec < end; rec = next) {
		next = rec + strlen(rec) + 1;
		if (!strncmp(rec, "share=", 6)) {
			mount_share(rec + 6);
		} else if (!strncmp(rec, "link=", 5)) {
			make_link(rec + 5);
		} else if (!strncmp(rec, "cwd=", 4)) {
			cmd_cwd = rec + 4;
		} else if (!strncmp(rec, "env=", 4)) {
			add_env(rec + 4);
		} else if (!strncmp(rec, "arg=", 4)) {
			if (cmd_argc == MAX_ARGS)
				boot_error("too many arguments");
			cmd_argv[cmd_argc++] = rec + 4;
		} else if (rec[0]) {
			boot_error("unknown config record: %.40s", rec);
		}
	}
	if (cmd_argc == 0)
		boot_error("no command given");
}

/* The kernel-provided file systems of the new root. */
static void mount_system(void)
{
	do_mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", NEWROOT "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("devtmpfs", NEWROOT "/dev", "devtmpfs", MS_NOSUID, NULL);
	do_mount("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666");
	do_mount("tmpfs", NEWROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, NULL);
	do_mount("tracefs", NEWROOT "/sys/kernel/tracing", "tracefs", 0, NULL);
	do_mount("debugfs", NEWROOT "/sys/kernel/debug", "debugfs", 0, NULL);
	do_mount("tmpfs", NEWROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mkdir_p(NEWROOT "/root");
	mkdir_p(NEWROOT "/var/tmp");
	chmod(NEWROOT "/var/tmp", 01777);
}

/* Bring up the loopback interface, as any booted system has it (the kernel
 * gives it 127.0.0.1 when it goes up): tests send packets over it. */
static void loopback_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		boot_error("loopback: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		boot_error("loopback up: %s", strerror(errno));
	close(fd);
}

/* Find the device of the virtio-serial port that guest/run named NAME.
 * devtmpfs has no /dev/virtio-ports/ links (udev makes those), so look
 * the name up in sysfs. */
static int open_port(const char *name)
{
	char path[512], buf[128];
	struct dirent *de;
	int waited, fd;
	DIR *dir;

	for (waited = 0; waited <= DEVICE_WAIT_MS; waited += 10) {
		dir = opendir("/sys/class/virtio-ports");
		while (dir && (de = readdir(dir))) {
			ssize_t n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (strcmp(buf, name))
				continue;
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				closedir(dir);
				return fd;
			}
		}
		if (dir)
			closedir(dir);
		sleep_ms(10);
	}
	boot_error("virtio-serial port %s not found", name);
}

static void run_child(int out_fd, int err_fd)
{
	int null_fd;

	setsid();
	if (chroot(NEWROOT) < 0 || chdir("/") < 0) {
		say("chroot %s: %s", NEWROOT, strerror(errno));
		_exit(126);
	}
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	if (chdir(cmd_cwd) < 0) {
		say("cd %s: %s", cmd_cwd, strerror(errno));
		_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);
	/* execvpe() would search the PATH of init's own environment: make
	 * the command's environment ours first. */
	environ = cmd_env;
	execvp(cmd_argv[0], cmd_argv);
	say("%s: %s", cmd_argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Wait for the command, reaping whatever else PID 1 inherits meanwhile;
 * return its status as a shell would ($?). */
static int wait_command(pid_t child)
{
	int st;
	pid_t pid;

	for (;;) {
		pid = wait(&st);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			boot_error("wait: %s", strerror(errno));
		if (pid == child)
			break;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int main(void)
{
	int out_fd, err_fd, status, fd;
	size_t config_len;
	char *config;
	pid_t child;

	/* The initramfs has no /dev/console node: make devtmpfs first so
	 * the console is there for our messages. */
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	do_mount("proc", "/proc", "proc", 0, NULL);
	do_mount("sysfs", "/sys", "sysfs", 0, NULL);

	load_modules();
	status_fd = open_port("stapmark.status");
	out_fd = open_port("stapmark.stdout");
	err_fd = open_port("stapmark.stderr");

	do_mount("tmpfs", NEWROOT, "tmpfs", 0, "mode=0755");
	/* /tmp before the shares: a shared build directory may live under it. */
	do_mount("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	config = read_file_waiting(CONFIG_PATH, &config_len);
	parse_config(config, config_len);
	mount_system();
	loopback_up();

	dprintf(status_fd, "started\n");
	child = fork();
	if (child < 0)
		boot_error("fork: %s", strerror(errno));
	if (child == 0)
		run_child(out_fd, err_fd);
	status = wait_command(child);

	/* Leftover background processes must not outlive the command's
	 * report, nor hold files while we sync. */
	kill(-1, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	sync();
	dprintf(status_fd, "exit %d\n", status);
	power_off();
	return 0;
}
