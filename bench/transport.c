// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output transport benchmark (issue 4's bar: at least 2 million printf
 * lines per second sustained to a file, with no drops).
 *
 * Writer threads hand complete lines to stp_transport_write, as the handler
 * runtime does for each printf, while stapmark's drainer thread writes
 * them to a file.  Reports the cost of one write and of draining one
 * record, then paces the writers at the bar's rate (-r) for -n lines and
 * counts drops, then lets them run flat out to show the drainer's capacity
 * (drops expected there: writers outrun any disk).  A MISS is reported,
 * never an error (benchmarks are not tests).
 *
 *   transport [-n LINES] [-t THREADS] [-r LINES_PER_S] [-o FILE] [-s RING_BYTES]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stp_drain.h"
#include "stp_transport.h"

#define BAR_LINES_PER_S 2e6

static long per_thread;
static double pace; /* lines per second per thread; 0: flat out */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A line like printf("%s %d %d\n", op, key, latency) renders, built with a
 * cheap integer conversion: what is measured is the transport. */
static int render(char *p, long i, int t)
{
	char tmp[24];
	int n = 0, k = 0;
	long v = i;

	memcpy(p, "get key=", 8);
	n = 8;
	do
		tmp[k++] = '0' + v % 10;
	while ((v /= 10));
	while (k)
		p[n++] = tmp[--k];
	memcpy(p + n, " thread=", 8);
	n += 8;
	p[n++] = '0' + t % 10;
	memcpy(p + n, " latency_ns=12345\n", 18);
	return n + 18;
}

static long thread_drops[64];

static void *writer(void *arg)
{
	int t = (int)(long)arg;
	char line[96];
	long i;

	double start = now();

	for (i = 0; i < per_thread; i++) {
		if (pace && !(i & 255)) {
			double due = start + i / pace, late = due - now();

			if (late > 0) {
				struct timespec ts = {0, (long)(late * 1e9)};

				nanosleep(&ts, NULL);
			}
		}
		if (stp_transport_write(line, render(line, i, t)))
			thread_drops[t]++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct stp_segment_config cfg = {0};
	struct stp_drain_config dc = {0};
	const char *out = NULL;
	long total = 10000000, dropped;
	double rate_bar = BAR_LINES_PER_S;
	int nthreads = 1, opt, i;
	char path[] = "/tmp/stapmark-bench-XXXXXX", line[96];
	struct stp_drain_stats st;
	struct stp_segment seg;
	struct stp_drainer *d;
	pthread_t th[64];
	double t0, t1, rate;

	while ((opt = getopt(argc, argv, "n:t:r:o:s:")) != -1) {
		switch (opt) {
		case 'n':
			total = atol(optarg);
			break;
		case 't':
			nthreads = atoi(optarg);
			break;
		case 'r':
			rate_bar = atof(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			cfg.ring_size = atol(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n LINES] [-t THREADS] [-r RATE] [-o FILE] [-s RING]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64)
		nthreads = 1;
	if (stp_segment_create(&seg, &cfg)) {
		perror("stp_segment_create");
		return 1;
	}
	dc.out_fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : mkstemp(path);
	if (dc.out_fd < 0) {
		perror(out ? out : path);
		return 1;
	}
	if (!out)
		unlink(path);
	stp_transport_attach_segment(&seg);

	/* 1. The cost of one record, drained without a file: nothing else. */
	{
		struct stp_drain_config null = {.out_fd = open("/dev/null", O_WRONLY)};
		struct stp_drainer *nd = stp_drainer_new(&seg, &null);
		long n = 2000000, drops = 0;
		int len = render(line, 123456, 0);

		stp_drainer_start(nd);
		t0 = now();
		for (i = 0; i < n; i++)
			drops += stp_transport_write(line, len) != 0;
		t1 = now();
		stp_drainer_stop(nd);
		stp_drainer_free(nd);
		close(null.out_fd);
		printf("stp_transport_write: %.1f ns per %d-byte record (%ld dropped)\n",
		       (t1 - t0) / n * 1e9, len, drops);
	}

	/* 2. The drainer's cost per record: a full ring, one pass to /dev/null. */
	{
		struct stp_drain_config null = {.out_fd = open("/dev/null", O_WRONLY)};
		struct stp_drainer *nd = stp_drainer_new(&seg, &null);
		int len = render(line, 123456, 0), round;
		double spent = 0;
		long n = 0;

		for (round = 0; round < 20; round++) {
			while (stp_transport_write(line, len) == 0)
				;
			t0 = now();
			n += stp_transport_drain(nd);
			spent += now() - t0;
		}
		stp_drainer_free(nd);
		close(null.out_fd);
		printf("drainer: %.1f ns per record (ring to staging buffer to write(2))\n",
		       spent / n * 1e9);
	}

	/* 3. Paced at the bar's rate, then 4. flat out, into the file. */
	for (int flat = 0; flat < 2; flat++) {
		d = stp_drainer_new(&seg, &dc);
		stp_drainer_start(d);
		per_thread = total / nthreads;
		pace = flat ? 0 : rate_bar / nthreads;
		memset(thread_drops, 0, sizeof(thread_drops));
		t0 = now();
		for (i = 0; i < nthreads; i++)
			pthread_create(&th[i], NULL, writer, (void *)(long)i);
		for (i = 0; i < nthreads; i++)
			pthread_join(th[i], NULL);
		stp_drainer_stop(d);
		t1 = now();
		stp_drainer_stats(d, &st);
		for (i = 0, dropped = 0; i < nthreads; i++)
			dropped += thread_drops[i];
		rate = st.records / (t1 - t0);
		printf("%s: %ld lines (%d writer thread%s, %u KiB rings) in %.3f s: "
		       "%.2f M lines/s, %.1f MB/s to %s, %ld dropped "
		       "(drainer: %lu wakeups, longest gap %.1f ms)\n",
		       flat ? "flat out (drainer capacity)" : "paced", per_thread * nthreads,
		       nthreads, nthreads > 1 ? "s" : "", seg.ring_size >> 10, t1 - t0, rate / 1e6,
		       st.bytes / (t1 - t0) / 1e6, out ? out : "a file in /tmp", dropped,
		       (unsigned long)st.wakeups, st.max_gap_ns / 1e6);
		if (!flat)
			printf("bar: >= %.1f M printf lines/s sustained to a file with no drops: "
			       "%s\n",
			       BAR_LINES_PER_S / 1e6,
			       rate >= BAR_LINES_PER_S * 0.98 && !dropped ? "PASS" : "MISS");
		stp_drainer_free(d);
		ftruncate(dc.out_fd, 0);
		lseek(dc.out_fd, 0, SEEK_SET);
	}
	stp_transport_detach();
	stp_segment_unmap(&seg);
	close(dc.out_fd);
	return 0;
}
