/* xsect.c — cross-sectional functions over the values of every symbol at
 * one time (qts_xsect.h).  Ranks sort the values once (O(n log n)); mean
 * and deviation take two passes, the mean corrected by the mean of the
 * residuals, so prices of 1e4 leave the z-scores of small differences
 * their digits. */
#include "qts_xsect.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[QTS_XS_NFN] = { "rank", "pct_rank", "zscore", "demean", "count" };

const char *qts_xsect_name(int fn)
{
	return fn >= 0 && fn < QTS_XS_NFN ? names[fn] : NULL;
}

int qts_xsect_find(const char *name, size_t len)
{
	for (int i = 0; i < QTS_XS_NFN; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return -1;
}

/* qsort takes no context: the values being sorted, for the comparison
 * (one sort at a time; a stage runs in one thread). */
static const double *sorting;

/* Largest first; equal values by index, so the order is deterministic. */
static int larger_first(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = sorting[i], y = sorting[j];
	if (x != y)
		return x > y ? -1 : 1;
	return (i > j) - (i < j);
}

static void ranks(int fn, const double *x, size_t n, double *out, size_t *order)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			order[m++] = i;
		else
			out[i] = NAN;
	sorting = x;
	qsort(order, m, sizeof *order, larger_first);
	sorting = NULL;
	for (size_t k = 0; k < m;) {
		size_t end = k + 1;
		while (end < m && x[order[end]] == x[order[k]])
			end++;
		/* order[k..end) tie: k values above them, m - end below */
		double v = fn == QTS_XS_RANK ? (double)(k + 1) : (double)(m - end + 1) / (double)m;
		for (size_t j = k; j < end; j++)
			out[order[j]] = v;
		k = end;
	}
}

static void moments(int fn, const double *x, size_t n, double *out)
{
	size_t m = 0;
	double sum = 0, lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i])) {
			m++;
			sum += x[i];
			lo = x[i] < lo ? x[i] : lo;
			hi = x[i] > hi ? x[i] : hi;
		}
	double mean = sum / (double)m, res = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			res += x[i] - mean;
	mean += res / (double)m;
	/* all equal: the mean is that value, whatever the rounding says */
	if (m && lo == hi)
		mean = lo;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i])) {
			double d = x[i] - mean;
			ss += d * d;
		}
	double sd = sqrt(ss / (double)m);
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - mean;
		if (isnan(x[i]))
			out[i] = NAN;
		else if (fn == QTS_XS_DEMEAN)
			out[i] = d;
		else
			out[i] = lo == hi ? NAN : d / sd;
	}
}

void qts_xsect_compute(int fn, const double *x, size_t n, double *out, size_t *order)
{
	switch (fn) {
	case QTS_XS_RANK:
	case QTS_XS_PCT_RANK:
		ranks(fn, x, n, out, order);
		break;
	case QTS_XS_ZSCORE:
	case QTS_XS_DEMEAN:
		moments(fn, x, n, out);
		break;
	default:
		for (size_t i = 0; i < n; i++)
			out[i] = (double)n;
	}
}
