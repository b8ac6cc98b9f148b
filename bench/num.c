/* bench/num.c — nanoseconds a number for qts_shortest_digits and
 * qts_num_format on full-precision doubles, the median of several passes.
 * Built and run by bench/num.sh against build/release/libqts.a. */
#include "qts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int qts_shortest_digits(double v, char *digits, int size, int *point);

enum { N = 1 << 20, PASSES = 11 };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t)
{
	qsort(t, PASSES, sizeof *t, cmp);
	return t[PASSES / 2];
}

int main(void)
{
	static double v[N];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	/* Full precision: indicator outputs (prices near 1..1000 with all 17
	 * digits) and, one in four, any finite double. */
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i % 4 == 3) {
			uint64_t b = x & ~(0x7ffULL << 52);
			b |= (uint64_t)(1 + x % 2046) << 52;
			memcpy(&v[i], &b, sizeof v[i]);
		} else {
			v[i] = 1 + (double)(x >> 11) * 0x1p-53 * 999;
		}
	}
	double ts[PASSES], tf[PASSES];
	unsigned sink = 0;
	char buf[40];
	for (int p = 0; p < PASSES; p++) {
		double t0 = now();
		for (int i = 0; i < N; i++) {
			int point;
			sink += (unsigned)qts_shortest_digits(v[i], buf, sizeof buf, &point);
			sink += (unsigned)point;
		}
		double t1 = now();
		for (int i = 0; i < N; i++)
			sink += (unsigned)qts_num_format(v[i], buf);
		double t2 = now();
		ts[p] = (t1 - t0) / N * 1e9;
		tf[p] = (t2 - t1) / N * 1e9;
	}
	printf("%.1f %.1f %u\n", median(ts), median(tf), sink & 1);
	return 0;
}
