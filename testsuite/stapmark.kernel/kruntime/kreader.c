// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kreader: a small stand-in for stapmark's kernel pass 5, driving a script
 * module through /proc/stapmark/NAME (runtime/stp/kernel/stp_kernel_abi.h).
 *
 *   kreader run NAME OUT ERR [-t PID] [-p] [-b BYTES]
 *       claim control, "target PID", "start", then read output records
 *       (OUTPUT to OUT, MESSAGE to ERR) in a thread until end of file;
 *       "stop" on SIGINT/SIGTERM or when the status line says the session
 *       left RUNNING by itself (exit(), MAXERRORS).  -p: do not read until
 *       SIGUSR1 (the buffers fill).  -b: read() size.  At the end prints
 *       "records R bytes B lines L secs S" and the last status line.
 *       When "start" has returned (begin probes run, probes attached: the
 *       state is RUNNING before the attach), OUT.started exists.
 *       Checks every record: kind, cpu, length, per-CPU stamp order.
 *   kreader status NAME       the status line
 *   kreader claim NAME        try to claim control: "claim: ok" or the errno
 *   kreader read NAME [SIZE]  one non-blocking read: "read: N bytes" or the errno
 *   kreader cmd NAME CMD      claim control, write CMD: "cmd: ok" or the errno
 * (the last three exit 0 whatever the answer: it is their output)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stp_kernel_abi.h"

static char ctl_path[256], out_path[256];
static volatile sig_atomic_t got_stop, got_resume;
static int paused;
static size_t read_size = 1 << 20;
static FILE *out_f, *err_f;
static long long nrec, nbytes, nlines, bad;
static int reader_done;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static void on_resume(int sig)
{
	(void)sig;
	got_resume = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_status(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int status_state(const char *line)
{
	int s;

	return sscanf(line, "state %d", &s) == 1 ? s : -1;
}

static void *reader(void *arg)
{
	char *buf = malloc(read_size);
	unsigned long long last_stamp[1024] = {0};
	int fd = open(out_path, O_RDONLY);

	(void)arg;
	if (fd < 0 || !buf) {
		perror(out_path);
		exit(1);
	}
	for (;;) {
		ssize_t n, off = 0;

		while (paused && !got_resume && !got_stop)
			usleep(1000);
		n = read(fd, buf, read_size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("read output");
			bad++;
			break;
		}
		if (n == 0)
			break;
		while (off < n) {
			struct stp_krec h;

			if ((size_t)(n - off) < sizeof(h)) {
				fprintf(stderr, "kreader: a part of a record header\n");
				bad++;
				break;
			}
			memcpy(&h, buf + off, sizeof(h));
			off += sizeof(h);
			if (h.len > STP_KREC_MAX - sizeof(h) || (size_t)(n - off) < h.len ||
			    (h.kind != STP_KREC_OUTPUT && h.kind != STP_KREC_MESSAGE) ||
			    h.cpu >= 1024) {
				fprintf(stderr, "kreader: bad record len %u kind %u cpu %u\n",
					h.len, h.kind, h.cpu);
				bad++;
				break;
			}
			if (h.stamp_ns < last_stamp[h.cpu]) {
				fprintf(stderr, "kreader: cpu %u stamps out of order\n", h.cpu);
				bad++;
			}
			last_stamp[h.cpu] = h.stamp_ns;
			fwrite(buf + off, 1, h.len, h.kind == STP_KREC_OUTPUT ? out_f : err_f);
			if (h.kind == STP_KREC_MESSAGE)
				fflush(err_f);
			for (const char *p = buf + off, *e = p + h.len;
			     (p = memchr(p, '\n', (size_t)(e - p))); p++)
				nlines++;
			nrec++;
			nbytes += h.len;
			off += h.len;
		}
		fflush(out_f); /* the tests wait for lines in it */
	}
	close(fd);
	free(buf);
	__atomic_store_n(&reader_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int ctl_write(int fd, const char *cmd)
{
	if (write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(stderr, "kreader: %s: %s\n", cmd, strerror(errno));
		return -1;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	char status[256], cmd[64];
	const char *target = NULL;
	pthread_t th;
	int fd, opt, rc = 0, stopped = 0;
	double t0;

	if (argc < 5)
		return 2;
	out_f = fopen(argv[3], "w");
	err_f = fopen(argv[4], "w");
	if (!out_f || !err_f) {
		perror("kreader: output files");
		return 1;
	}
	optind = 5;
	while ((opt = getopt(argc, argv, "t:pb:")) != -1) {
		if (opt == 't')
			target = optarg;
		else if (opt == 'p')
			paused = 1;
		else if (opt == 'b')
			read_size = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGUSR1, on_resume);
	fd = open(ctl_path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "kreader: %s: %s\n", ctl_path, strerror(errno));
		return 1;
	}
	if (target) {
		snprintf(cmd, sizeof(cmd), "target %s\n", target);
		if (ctl_write(fd, cmd))
			return 1;
	}
	t0 = now();
	pthread_create(&th, NULL, reader, NULL);
	if (ctl_write(fd, "start\n")) {
		rc = 1;
	} else {
		char started[4096];
		FILE *f;

		snprintf(started, sizeof(started), "%s.started", argv[3]);
		f = fopen(started, "w");
		if (f)
			fclose(f);
	}
	/* The controller: stop on a signal, or when the session stops itself. */
	while (!__atomic_load_n(&reader_done, __ATOMIC_ACQUIRE)) {
		if (!stopped &&
		    (got_stop || rc ||
		     (read_status(fd, status, sizeof(status)) == 0 && status_state(status) >= 2))) {
			ctl_write(fd, "stop\n");
			stopped = 1;
		}
		usleep(10000);
	}
	pthread_join(th, NULL);
	fflush(out_f);
	read_status(fd, status, sizeof(status));
	printf("records %lld bytes %lld lines %lld secs %.3f bad %lld\n", nrec, nbytes, nlines,
	       now() - t0, bad);
	printf("%s", status);
	close(fd);
	return rc || bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	char status[256];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: kreader run|status|claim|read|cmd NAME ...\n");
		return 2;
	}
	snprintf(ctl_path, sizeof(ctl_path), "%s/%s/%s", STP_KPROC_DIR, argv[2], STP_KCONTROL);
	snprintf(out_path, sizeof(out_path), "%s/%s/%s", STP_KPROC_DIR, argv[2], STP_KOUTPUT);
	if (!strcmp(argv[1], "run"))
		return run(argc, argv);
	if (!strcmp(argv[1], "status")) {
		fd = open(ctl_path, O_RDONLY);
		if (fd < 0 || read_status(fd, status, sizeof(status))) {
			perror(ctl_path);
			return 1;
		}
		printf("%s", status);
		return 0;
	}
	if (!strcmp(argv[1], "claim")) {
		fd = open(ctl_path, O_WRONLY);
		printf("claim: %s\n", fd < 0 ? strerror(errno) : "ok");
		return 0;
	}
	if (!strcmp(argv[1], "read")) {
		char buf[STP_KREC_MAX];
		size_t size = argc > 3 ? strtoul(argv[3], NULL, 0) : sizeof(buf);
		ssize_t n;

		fd = open(out_path, O_RDONLY | O_NONBLOCK);
		if (fd < 0) {
			perror(out_path);
			return 1;
		}
		n = read(fd, buf, size < sizeof(buf) ? size : sizeof(buf));
		if (n < 0)
			printf("read: %s\n", strerror(errno));
		else
			printf("read: %zd bytes\n", n);
		return 0;
	}
	if (!strcmp(argv[1], "cmd") && argc > 3) {
		fd = open(ctl_path, O_WRONLY);
		if (fd >= 0 && write(fd, argv[3], strlen(argv[3])) < 0) {
			close(fd);
			fd = -1;
		}
		printf("cmd: %s\n", fd < 0 ? strerror(errno) : "ok");
		return 0;
	}
	return 2;
}
