/* test_ind_exact.c — windows summed exactly: after a long stream, a window
 * gives the same sums as the same values fed to a fresh indicator, equal
 * means compare equal, and variances of data far from zero (1e9 plus
 * noise) are exact to the last bits.  The references are computed here in
 * integers, on data chosen to be exactly representable. */
#include "tap.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "qts_ind.h"

#define LONG 1000000

static char msg[256];
static uint64_t seed = 12345;

static uint64_t next(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return seed >> 11;
}

static qts_ind *make(const char *name, double p, double o2, double o3)
{
	char err[QTS_IND_ERRMAX];
	double o[4] = { p, o2, o3, 0 };
	qts_ind *x = qts_ind_new(qts_ind_find(name), o, err);
	if (!x)
		printf("# %s\n", err);
	return x;
}

/* Feed one close; out[] holds the outputs when it returns 1. */
static int feed(qts_ind *x, double v, double *out) { return qts_ind_update(x, &v, out); }

/* A random walk on a grid of step `grid`, kept within [lo, hi]. */
static double walk(double x, double grid, double lo, double hi)
{
	x += grid * (double)((int)(next() % 41) - 20);
	return x < lo ? lo : x > hi ? hi : x;
}

/* A million closes, then the same window again: the last output equals
 * that of a fresh indicator fed only the window, bit for bit. */
static void test_same_window(const char *name, int p, double grid, double lo, double hi)
{
	static double w[64];
	double a[3], b[3], x = (lo + hi) / 2;
	qts_ind *lng = make(name, p, 0, 0), *fresh = make(name, p, 0, 0);

	if (!CHECK(lng && fresh, name))
		return;
	for (long i = 0; i < LONG; i++)
		feed(lng, x = walk(x, grid, lo, hi), a);
	for (int i = 0; i < p; i++) {
		w[i] = x = walk(x, grid, lo, hi);
		feed(lng, w[i], a);
		feed(fresh, w[i], b);
	}
	snprintf(msg, sizeof msg, "%s(%d): after %d values on a %g grid, a window gives what a fresh one gives (%.17g, %.17g)",
		 name, p, LONG, grid, a[0], b[0]);
	CHECK(memcmp(a, b, sizeof a[0]) == 0, msg);
	qts_ind_free(lng);
	qts_ind_free(fresh);
}

/* SMA(10) and SMA(30) of windows with the same mean are equal: the case
 * of ORCL on 2004-06-29, here after a million prices in cents, which no
 * binary fraction holds exactly, then windows on a grid of 1/8 (the tick
 * of 1990s US stocks), which it does. */
static void test_equal_means(void)
{
	qts_ind *f = make("sma", 10, 0, 0), *s = make("sma", 30, 0, 0);
	double a = NAN, b = NAN, x = 50;

	for (long i = 0; i < LONG; i++) {
		x = walk(x, 0.01, 1, 100);
		feed(f, x, &a);
		feed(s, x, &b);
	}
	/* twenty values of mean 11.375 then ten more of the same mean */
	for (int i = 0; i < 30; i++) {
		x = 11.375 + (i < 20 ? 0.25 : 0.125) * (i % 2 ? 1 : -1);
		feed(f, x, &a);
		feed(s, x, &b);
	}
	snprintf(msg, sizeof msg, "sma: after %d prices in cents, SMA(10) and SMA(30) of equal means are equal (%.17g, %.17g)",
		 LONG, a, b);
	CHECK(a == 11.375 && b == 11.375, msg);
	qts_ind_free(f);
	qts_ind_free(s);
}

/* 1e9 + k / 1024 for integers k is exactly representable; the population
 * variance of a window is then sum((p k - sum k)^2) / p^3 / 2^20, worked
 * out in integers. */
static double exact_var(const int64_t *k, int p)
{
	int64_t s = 0, ss = 0;
	for (int i = 0; i < p; i++)
		s += k[i];
	for (int i = 0; i < p; i++)
		ss += (p * k[i] - s) * (p * k[i] - s);
	return (double)ss / ((double)p * p * p) / 1048576.0;
}

static void test_large_offset(long before)
{
	enum { P = 20 };
	int64_t k[P];
	double v[3], sd[3], bb[3], want = 0, worst = 0, bands = 0;
	qts_ind *var = make("var", P, 0, 0), *std = make("stddev", P, 1, 0),
		*bbands = make("bbands", P, 2, 2);

	for (long i = 0; i < before; i++) {
		double x = 1e9 + (double)(next() % 1024) / 1024;
		feed(var, x, v);
		feed(std, x, sd);
		feed(bbands, x, bb);
	}
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < P; i++) {
			k[i] = (int64_t)(next() % 1024);
			double x = 1e9 + (double)k[i] / 1024;
			feed(var, x, v);
			feed(std, x, sd);
			feed(bbands, x, bb);
		}
		want = exact_var(k, P);
		double e1 = fabs(v[0] - want) / want;
		double e2 = fabs(sd[0] - sqrt(want)) / sqrt(want);
		/* the bands are rounded to the grid of 1e9 (2^-23) */
		double e3 = fabs((bb[0] - bb[2]) - 4 * sqrt(want)) / 0x1p-23;
		double e = fmax(e1, e2);
		if (!(e <= worst))
			worst = isnan(e) ? INFINITY : e;
		if (!(e3 <= bands))
			bands = isnan(e3) ? INFINITY : e3;
	}
	snprintf(msg, sizeof msg, "var, stddev(20) of 1e9 + k/1024 after %ld values: within 1e-14 of the exact variance (worst %.1e)",
		 before, worst);
	CHECK(worst <= 1e-14, msg);
	snprintf(msg, sizeof msg, "bbands(20) of the same: upper - lower within 2 units of 1e9's last place of 4 exact deviations (worst %.2g)",
		 bands);
	CHECK(bands <= 2, msg);

	/* a flat window: no deviation at all */
	for (int i = 0; i < P; i++) {
		feed(var, 1e9 + 0.5, v);
		feed(std, 1e9 + 0.5, sd);
		feed(bbands, 1e9 + 0.5, bb);
	}
	snprintf(msg, sizeof msg, "var, stddev, bbands of a flat window at 1e9 after %ld values: 0, 0, bands on the mean", before);
	CHECK(v[0] == 0 && sd[0] == 0 && bb[0] == 1e9 + 0.5 && bb[2] == 1e9 + 0.5, msg);
	qts_ind_free(var);
	qts_ind_free(std);
	qts_ind_free(bbands);
}

/* A NaN leaves with its bar: the window after it is what a fresh
 * indicator gives. */
static void test_nan_leaves(const char *name, int p)
{
	qts_ind *x = make(name, p, 1, 1), *fresh = make(name, p, 1, 1);
	double a[3], b[3];
	int ok = 1;

	for (int i = 0; i < 3 * p; i++) {
		feed(x, i == p ? NAN : i == p + 1 ? INFINITY : 10 + (i % 7) * 0.25, a);
		if (i >= p + 1 && i < 2 * p && !isnan(a[0]) && !isinf(a[0]))
			ok = 0;
	}
	for (int i = 0; i < p; i++) {
		double v = 20 + (i % 5) * 0.5;
		feed(x, v, a);
		feed(fresh, v, b);
	}
	snprintf(msg, sizeof msg, "%s(%d): no number while a NaN or an infinity is in the window; they leave with their bars (%.17g, %.17g)", name, p, a[0], b[0]);
	CHECK(ok && a[0] == b[0], msg);
	qts_ind_free(x);
	qts_ind_free(fresh);
}

/* mfi: once every up move has left the window, the positive flow is
 * exactly 0, never a negative rounding residue. */
static void test_mfi_zero(void)
{
	enum { P = 14 };
	qts_ind *m = make("mfi", P, 0, 0);
	double in[4], out[1], x = 50;

	for (long i = 0; i < LONG; i++) {
		x = walk(x, 0.01, 10, 90);
		in[0] = x + 0.1, in[1] = x - 0.1, in[2] = x, in[3] = (double)(1 + next() % 100000);
		qts_ind_update(m, in, out);
	}
	for (int i = 0; i <= P; i++) {
		x -= 0.01;
		in[0] = x + 0.1, in[1] = x - 0.1, in[2] = x, in[3] = (double)(1 + next() % 100000);
		qts_ind_update(m, in, out);
	}
	snprintf(msg, sizeof msg, "mfi: after %d bars, a window of down moves only gives 0 (%.17g)", LONG, out[0]);
	CHECK(out[0] == 0, msg);
	qts_ind_free(m);
}

int main(void)
{
	test_equal_means();
	test_same_window("sma", 30, 0.01, 1, 1000);
	test_same_window("wma", 30, 0.01, 1, 1000);
	test_same_window("linearreg", 14, 0.01, 1, 1000);
	test_large_offset(0);
	test_large_offset(LONG);
	test_nan_leaves("sma", 10);
	test_nan_leaves("wma", 10);
	test_nan_leaves("var", 10);
	test_nan_leaves("linearreg", 10);
	test_mfi_zero();
	return tap_done();
}
