/* qts_xsect.h — cross-sectional functions: one value a symbol at one
 * time in, one value a symbol out (rank, pct_rank, zscore, demean,
 * count), for the strategy expression language (qts-strategy(1),
 * Cross-sectional functions).  A NaN value is out of the cross-section:
 * its result is NaN and it counts for no other. */
#ifndef QTS_XSECT_H
#define QTS_XSECT_H
#include <stddef.h>

enum qts_xsect_fn {
	QTS_XS_RANK,     /* 1 for the largest; ties share the best (pandas method "min") */
	QTS_XS_PCT_RANK, /* (1 + values below) / n: pandas rank(method="min", pct=True) */
	QTS_XS_ZSCORE,   /* (x - mean) / population sd; NaN when all are equal */
	QTS_XS_DEMEAN,   /* x - mean */
	QTS_XS_COUNT,    /* n, the values given, NaN or not (count() has no argument) */
	QTS_XS_NFN
};

/* The function's name in the language ("pct_rank"), and the function of a
 * name (-1 when none). */
const char *qts_xsect_name(int fn);
int qts_xsect_find(const char *name, size_t len);

/* out[i] = fn over x[0..n) at i.  order is scratch of n entries (rank
 * and pct_rank sort it); out is not x. */
void qts_xsect_compute(int fn, const double *x, size_t n, double *out, size_t *order);

#endif
