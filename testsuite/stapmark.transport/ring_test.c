// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The output transport inside one process (and a forked child): records
 * from many threads are never split or interleaved and keep their per-thread
 * order; a flood with no drainer drops and counts exactly what did not fit;
 * slots run out and are reclaimed from exited threads; a target that
 * crashes after writing loses nothing it wrote; a corrupted ring cannot hurt
 * the drainer; exit() reaches stapmark; and the lines/s of one printing
 * thread (printed, never asserted: tests do not judge speed).
 *
 * STP_TEST_SCALE=N divides the workloads (the TSan build uses it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stp_drain.h"
#include "stp_transport.h"
#include "unit.h"

static int scale = 1;

/* A drainer writing into a memfd we read back. */
struct sink {
	struct stp_segment seg;
	struct stp_drainer *d;
	int fd;
};

static void sink_open(struct sink *s, const struct stp_segment_config *cfg, int thread)
{
	int err = stp_segment_create(&s->seg, cfg);
	struct stp_drain_config dc = {0};

	if (err) {
		printf("stp_segment_create: %s\n", strerror(-err));
		exit(2);
	}
	s->fd = memfd_create("sink", 0);
	dc.out_fd = s->fd;
	s->d = stp_drainer_new(&s->seg, &dc);
	if (!s->d || (thread && stp_drainer_start(s->d))) {
		printf("drainer setup failed\n");
		exit(2);
	}
	if (stp_transport_attach_segment(&s->seg)) {
		printf("attach failed\n");
		exit(2);
	}
}

/* Stop draining and return what was written, NUL-terminated (free it). */
static char *sink_close(struct sink *s, size_t *len, struct stp_drain_stats *st)
{
	off_t n;
	char *text;

	stp_drainer_stop(s->d);
	if (st)
		stp_drainer_stats(s->d, st);
	stp_transport_detach();
	n = lseek(s->fd, 0, SEEK_END);
	text = malloc(n + 1);
	if (pread(s->fd, text, n, 0) != n)
		n = 0;
	text[n] = '\0';
	*len = n;
	return text;
}

static void sink_free(struct sink *s)
{
	stp_drainer_free(s->d);
	stp_segment_unmap(&s->seg);
	close(s->fd);
}

/* Line i of thread t: "t<T> <I> <filler>\n", length varying with i. */
static int make_line(char *buf, int t, int i)
{
	int n = sprintf(buf, "t%d %d ", t, i), fill = (i * 7 + t * 13) % 150, k;

	for (k = 0; k < fill; k++)
		buf[n++] = 'a' + (t + i + k) % 26;
	buf[n++] = '\n';
	return n;
}

/* Check every line is a whole record, in order per thread; returns lines. */
static long check_lines(char *text, int nthreads, long *last, long *bad)
{
	char *line = text, *nl, expect[256];
	long lines = 0;
	int t, i;

	for (t = 0; t < nthreads; t++)
		last[t] = -1;
	*bad = 0;
	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		if (sscanf(line, "t%d %d ", &t, &i) != 2 || t < 0 || t >= nthreads) {
			(*bad)++;
		} else {
			int n = make_line(expect, t, i);

			expect[n - 1] = '\0';
			if (strcmp(expect, line) || i <= last[t])
				(*bad)++;
			last[t] = i;
		}
		lines++;
		line = nl + 1;
	}
	if (*line)
		(*bad)++; /* a partial last line */
	return lines;
}

/* ---- many threads, retrying when full: nothing lost, nothing mixed ---- */

#define NTHREADS 8
static long per_thread;

static void *writer_retry(void *arg)
{
	int t = (int)(long)arg, i, n;
	char buf[256];

	for (i = 0; i < per_thread; i++) {
		n = make_line(buf, t, i);
		while (stp_transport_write(buf, n) == -ENOSPC)
			sched_yield();
	}
	return NULL;
}

static void test_threads(void)
{
	struct stp_segment_config cfg = {.ring_size = 16384, .nslots = NTHREADS};
	struct stp_drain_stats st;
	pthread_t th[NTHREADS];
	long last[NTHREADS], bad, lines;
	struct sink s;
	size_t len;
	char *text;
	int t;

	per_thread = 40000 / scale;
	sink_open(&s, &cfg, 1);
	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, writer_retry, (void *)(long)t);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	text = sink_close(&s, &len, &st);
	lines = check_lines(text, NTHREADS, last, &bad);
	CHECK_EQ(lines, NTHREADS * per_thread, "threads: every record arrives");
	CHECK_EQ(bad, 0, "threads: no record split, interleaved or out of thread order");
	for (t = 0; t < NTHREADS; t++)
		if (last[t] != per_thread - 1)
			break;
	CHECK(t == NTHREADS, "threads: each thread's last record is its last");
	CHECK_EQ(st.corrupt, 0, "threads: drainer saw no corruption");
	CHECK(st.records == (uint64_t)lines, "threads: drainer counts what it wrote");
	free(text);
	sink_free(&s);
}

/* ---- flood with nobody draining: drops are counted exactly ---- */

static void test_flood(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 4};
	long ok = 0, dropped = 0, i, last[1], bad, lines;
	char buf[256], *text, *report = NULL;
	struct sink s;
	size_t len, rlen;
	FILE *f;
	int n;

	sink_open(&s, &cfg, 0); /* no thread: the drainer is "slow" */
	for (i = 0; i < 10000; i++) {
		n = make_line(buf, 0, i);
		if (stp_transport_write(buf, n) == 0)
			ok++;
		else
			dropped++;
	}
	CHECK(dropped > 0 && ok > 0, "flood: some records fit, the rest are dropped (%ld/%ld)", ok,
	      dropped);
	CHECK_EQ(stp_segment_drops(&s.seg), dropped, "flood: every drop is counted");
	f = open_memstream(&report, &rlen);
	stp_transport_report_drops(&s.seg, f);
	fclose(f);
	snprintf(buf, sizeof(buf), "WARNING: %ld events dropped\n", dropped);
	CHECK(!strcmp(report, buf), "flood: drop report reads '%.*s'", (int)strlen(buf) - 1, buf);
	free(report);
	text = sink_close(&s, &len, NULL);
	lines = check_lines(text, 1, last, &bad);
	CHECK_EQ(lines, ok, "flood: every accepted record is written");
	CHECK_EQ(bad, 0, "flood: accepted records are whole and in order");
	free(text);
	sink_free(&s);
}

/* ---- slots: none free means drop; exited threads' slots are reused ---- */

static pthread_barrier_t barrier;
static int slot_results[4];

static void *slot_writer(void *arg)
{
	int t = (int)(long)arg;
	char buf[256];
	int n = make_line(buf, t, 0);

	pthread_barrier_wait(&barrier);
	/* Take turns so that exactly the first two claim the two slots. */
	usleep(t * 20000);
	slot_results[t] = stp_transport_write(buf, n);
	pthread_barrier_wait(&barrier); /* hold the slot until all tried */
	return NULL;
}

static void test_slots(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 2};
	char big[20000], *text;
	pthread_t th[4];
	struct sink s;
	size_t len;
	int t, ok = 0;

	sink_open(&s, &cfg, 0);
	pthread_barrier_init(&barrier, NULL, 4);
	for (t = 0; t < 4; t++)
		pthread_create(&th[t], NULL, slot_writer, (void *)(long)t);
	for (t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&barrier);
	for (t = 0; t < 4; t++)
		ok += slot_results[t] == 0;
	CHECK_EQ(ok, 2, "slots: two threads get the two slots");
	CHECK_EQ(slot_results[2], -ENOSPC, "slots: a third thread finds none");
	CHECK_EQ(s.seg.hdr->drops_noslot, 2, "slots: records without a slot are counted");
	/* Every owner has exited: new threads reclaim their slots. */
	memset(slot_results, 0xff, sizeof(slot_results));
	pthread_barrier_init(&barrier, NULL, 2);
	for (t = 0; t < 2; t++)
		pthread_create(&th[t], NULL, slot_writer, (void *)(long)t);
	for (t = 0; t < 2; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&barrier);
	CHECK(slot_results[0] == 0 && slot_results[1] == 0,
	      "slots: slots of exited threads are reclaimed");
	memset(big, 'x', sizeof(big));
	CHECK_EQ(stp_transport_write(big, sizeof(big)), -EMSGSIZE,
		 "slots: a record over max_record is refused");
	CHECK_EQ(s.seg.hdr->drops_toolong, 1, "slots: and counted");
	CHECK_EQ(stp_segment_drops(&s.seg), 3, "slots: total drops");
	text = sink_close(&s, &len, NULL);
	for (t = 0, ok = 0; text[t]; t++)
		ok += text[t] == '\n';
	CHECK_EQ(ok, 4, "slots: the four accepted records are written");
	free(text);
	sink_free(&s);
}

/* ---- order across threads: by stamp within a pass ---- */

static void *write_one(void *arg)
{
	stp_transport_write(arg, strlen(arg));
	return NULL;
}

static void test_merge(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 4};
	const char *words[] = {"one\n", "two\n", "three\n", "four\n"};
	pthread_t th;
	struct sink s;
	size_t len;
	char *text;
	int i;

	sink_open(&s, &cfg, 0);
	/* Four threads, one after the other: their records land in four
	 * rings and must come out in the order they were written. */
	for (i = 0; i < 4; i++) {
		pthread_create(&th, NULL, write_one, (void *)words[(i + 1) % 4]);
		pthread_join(th, NULL);
	}
	text = sink_close(&s, &len, NULL);
	CHECK(!strcmp(text, "two\nthree\nfour\none\n"), "merge: rings merged in time order");
	free(text);
	sink_free(&s);
}

/* ---- messages go to stderr, after the output written before them ---- */

static void test_messages(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 2};
	struct stp_drain_stats st;
	struct sink s;
	size_t len;
	char *text;

	sink_open(&s, &cfg, 0);
	stp_drainer_free(s.d);
	s.d = stp_drainer_new(&s.seg, &(struct stp_drain_config){.out_fd = s.fd, .err_fd = s.fd});
	stp_transport_write("out1\n", 5);
	stp_transport_write_msg("WARNING: something\n", 19);
	stp_transport_write("out2\n", 5);
	text = sink_close(&s, &len, &st);
	CHECK(!strcmp(text, "out1\nWARNING: something\nout2\n"),
	      "messages: written to err_fd in order with the output");
	CHECK(st.records == 2 && st.messages == 1, "messages: counted apart from output");
	free(text);
	sink_free(&s);
}

/* ---- fork: the child is another producer, with a slot of its own ---- */

static void test_fork(void)
{
	struct stp_segment_config cfg = {.ring_size = 65536, .nslots = 4};
	long last[2], bad, lines;
	char buf[256], *text;
	int i, status, go[2], per = 100000 / scale;
	struct sink s;
	size_t len;
	pid_t pid;

	sink_open(&s, &cfg, 1);
	/* The parent's thread holds a slot before the fork. */
	stp_transport_write(buf, make_line(buf, 0, 0));
	if (pipe(go))
		exit(2);
	pid = fork();
	/* Start together, so that both write at the same time. */
	if (pid == 0 ? write(go[1], "", 1) != 1 : read(go[0], buf, 1) != 1)
		exit(2);
	for (i = pid == 0 ? 0 : 1; i < per; i++) {
		int n = make_line(buf, pid == 0, i);

		while (stp_transport_write(buf, n) == -ENOSPC)
			sched_yield();
	}
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	text = sink_close(&s, &len, NULL);
	lines = check_lines(text, 2, last, &bad);
	close(go[0]);
	close(go[1]);
	CHECK_EQ(lines, 2 * per, "fork: parent and child records all arrive");
	CHECK_EQ(bad, 0, "fork: none split or interleaved (the child claimed its own slot)");
	CHECK(last[0] == per - 1 && last[1] == per - 1, "fork: each process's records in order");
	free(text);
	sink_free(&s);
}

/* ---- a target that crashes after writing ---- */

static void test_crash(void)
{
	struct stp_segment_config cfg = {.ring_size = 65536, .nslots = 4};
	long last[1], bad, lines;
	struct sink s;
	int status, i;
	size_t len;
	char *text;
	pid_t pid;

	sink_open(&s, &cfg, 1);
	stp_transport_detach(); /* this process only drains */
	pid = fork();
	if (pid == 0) {
		char buf[256];

		/* The target maps the segment from the fd, at its own address. */
		if (stp_transport_attach(s.seg.fd))
			_exit(3);
		for (i = 0; i < 1000; i++) {
			int n = make_line(buf, 0, i);

			while (stp_transport_write(buf, n) == -ENOSPC)
				sched_yield();
		}
		signal(SIGSEGV, SIG_DFL);
#ifdef __SANITIZE_ADDRESS__
		raise(SIGSEGV); /* UBSan would stop a null store itself */
#else
		*(volatile int *)NULL = 0; /* crash mid-run, never detaching */
#endif
		_exit(4);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "crash: the target died of SIGSEGV");
	stp_transport_attach_segment(&s.seg); /* for sink_close's detach */
	text = sink_close(&s, &len, NULL);
	lines = check_lines(text, 1, last, &bad);
	CHECK_EQ(lines, 1000, "crash: every record written before the crash is kept");
	CHECK_EQ(bad, 0, "crash: records whole and in order");
	free(text);
	sink_free(&s);
}

/* ---- a target that scribbles on its ring ---- */

static void test_corrupt(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 2};
	struct stp_drain_stats st;
	struct stp_slot *slot;
	struct sink s;
	size_t len;
	char *text;

	sink_open(&s, &cfg, 0);
	stp_transport_write("fine\n", 5);
	slot = stp_segment_slot(&s.seg, 0);
	/* A record header claiming more than the ring holds. */
	memset(stp_segment_ring(&s.seg, 0) + 32, 0xff, 16);
	slot->head += 48;
	stp_transport_drain(s.d);
	slot = stp_segment_slot(&s.seg, 1);
	slot->head = 12345; /* no writer stores that */
	text = sink_close(&s, &len, &st);
	CHECK(!strcmp(text, "fine\n"), "corrupt: good records before the damage are written");
	CHECK_EQ(st.corrupt, 2, "corrupt: damaged rings are detected and skipped");
	free(text);
	sink_free(&s);
}

/* ---- exit() from a handler reaches stapmark ---- */

static int exit_code = -1;
static void on_exit_request(void *arg, int code)
{
	(void)arg;
	__atomic_store_n(&exit_code, code, __ATOMIC_RELEASE);
}

static void test_exit(void)
{
	struct stp_segment_config cfg = {.ring_size = 8192, .nslots = 2};
	struct stp_drain_config dc = {
		.out_fd = -1, .on_exit_request = on_exit_request, .max_sleep_ns = 2000000000L};
	struct stp_segment seg;
	struct stp_drainer *d;
	int i;

	stp_segment_create(&seg, &cfg);
	dc.out_fd = open("/dev/null", O_WRONLY);
	d = stp_drainer_new(&seg, &dc);
	stp_drainer_start(d);
	stp_transport_attach_segment(&seg);
	usleep(300000); /* let the drainer back off into a long sleep */
	stp_transport_request_exit(7);
	for (i = 0; i < 500 && __atomic_load_n(&exit_code, __ATOMIC_ACQUIRE) < 0; i++)
		usleep(1000);
	CHECK_EQ(exit_code, 7, "exit: stapmark is told at once, with the code");
	CHECK(stp_transport_exit_requested(), "exit: the request is visible to handlers");
	CHECK(!stp_transport_detach_requested(), "detach request: not before stapmark asks");
	stp_segment_request_detach(&seg);
	CHECK(stp_transport_detach_requested(), "detach request: handlers see it");
	stp_drainer_stop(d);
	stp_drainer_free(d);
	stp_transport_detach();
	close(dc.out_fd);
	stp_segment_unmap(&seg);
}

/* ---- throughput of one printing thread to a file (printed only) ---- */

static void test_throughput(void)
{
	struct stp_segment_config cfg = {0}; /* defaults, as stapmark uses */
	struct stp_drain_config dc = {0};
	long total = 2000000 / scale, i, dropped = 0;
	char path[] = "/tmp/stp-transport-XXXXXX", buf[128];
	struct stp_drain_stats st;
	struct stp_segment seg;
	struct stp_drainer *d;
	struct timespec t0, t1;
	double secs;

	stp_segment_create(&seg, &cfg);
	dc.out_fd = mkstemp(path);
	unlink(path);
	d = stp_drainer_new(&seg, &dc);
	stp_drainer_start(d);
	stp_transport_attach_segment(&seg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < total; i++) {
		/* What a script's printf("%d %s\n", ...) hands over. */
		int n = snprintf(buf, sizeof(buf), "event %ld value %ld name %s\n", i, i * 3,
				 "kvdemo");

		if (stp_transport_write(buf, n))
			dropped++;
	}
	stp_drainer_stop(d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stp_drainer_stats(d, &st);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("throughput: %ld lines in %.3f s = %.2f M lines/s to a file, %ld dropped\n", total,
	       secs, total / secs / 1e6, dropped);
	CHECK_EQ((long)st.records + dropped, total, "throughput: written + dropped = printed");
	CHECK_EQ(lseek(dc.out_fd, 0, SEEK_END), (long)st.bytes,
		 "throughput: the file has every byte");
	stp_drainer_free(d);
	stp_transport_detach();
	close(dc.out_fd);
	stp_segment_unmap(&seg);
}

int main(void)
{
	const char *sc = getenv("STP_TEST_SCALE");

	if (sc && atoi(sc) > 0)
		scale = atoi(sc);
	test_threads();
	test_flood();
	test_slots();
	test_merge();
	test_messages();
	test_fork();
	test_crash();
	test_corrupt();
	test_exit();
	test_throughput();
	return UNIT_EXIT();
}
