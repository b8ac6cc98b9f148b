/* qts_sum.h — exact running sums for rolling windows.
 *
 * A window's sum kept by adding the value that enters and subtracting the
 * one that leaves rounds at every step, and the errors pile up: after a
 * few thousand bars of ORCL, SMA(10) and SMA(30) of windows averaging
 * exactly 11.375 differed by 8.9e-15 and a cross fired a day early.
 *
 * A qts_sum keeps the sum as s + c: s the running sum, c the exact sum of
 * the rounding errors of s (Knuth's TwoSum, Neumaier's compensation
 * without the branch).  s + c is the exact sum of the values as long as c
 * itself adds without rounding, that is while the sums, counted in units
 * of the last digit of the finest value, stay below about 2^90: any
 * window of prices, returns or volumes, however long the stream.  The
 * value is then the exact sum rounded once, so windows holding the same
 * values give the same sum, whatever came before and in whatever order.
 * s and c are folded together every 65536 updates, which keeps c small
 * on any stream; the sum stays exact.  Each update costs one dependent
 * addition on s and one on c, so streams stay fast.
 *
 * NaN and infinities are counted apart rather than added, so they leave
 * the sum with the value that brought them: while one is in, the value is
 * NaN (or the infinity, if only infinities of one sign are in).  Finite
 * values whose sum overflows leave it NaN for good, as a plain sum would.
 *
 * qts_moments holds the sums a variance needs without cancelling away its
 * digits (1e9 plus small noise): exact sums of d and d*d, d = x - shift,
 * the shift being the first finite value added, and their combination
 * evaluated in double-double (qts_moments_ss). */
#ifndef QTS_SUM_H
#define QTS_SUM_H
#include <math.h>

typedef struct qts_sum {
	double s, c;          /* the exact sum is s + c */
	long nan, pinf, ninf; /* non-finite values in the sum */
	unsigned ops;         /* updates since s and c were last folded */
} qts_sum;

/* A zeroed qts_sum is an empty sum. */
static inline void qts_sum_clear(qts_sum *t) { *t = (qts_sum){ 0 }; }

/* a + b = *hi + *lo exactly (TwoSum: no condition on a and b). */
static inline void qts_two_sum(double a, double b, double *hi, double *lo)
{
	double s = a + b, bb = s - a;
	*hi = s;
	*lo = (a - (s - bb)) + (b - bb);
}

/* a * b = *hi + *lo exactly (unless it underflows). */
static inline void qts_two_prod(double a, double b, double *hi, double *lo)
{
	double p = a * b;
	*hi = p;
	*lo = fma(a, b, -p);
}

static inline void qts_sum_fold(qts_sum *t)
{
	qts_two_sum(t->s, t->c, &t->s, &t->c);
	t->ops = 0;
}

static inline void qts_sum_count(qts_sum *t, double x, long k)
{
	if (isnan(x))
		t->nan += k;
	else if (x > 0)
		t->pinf += k;
	else
		t->ninf += k;
}

/* Add hi + lo, two finite doubles, to the finite part. */
static inline void qts_sum_add2(qts_sum *t, double hi, double lo)
{
	double s, e;
	qts_two_sum(t->s, hi, &s, &e);
	t->s = s;
	t->c += e + lo;
	if (++t->ops == 65536)
		qts_sum_fold(t);
}

/* Add one finite double (qts_sum_add2 without the low part). */
static inline void qts_sum_add1(qts_sum *t, double x)
{
	double s, e;
	qts_two_sum(t->s, x, &s, &e);
	t->s = s;
	t->c += e;
	if (++t->ops == 65536)
		qts_sum_fold(t);
}

static inline void qts_sum_add(qts_sum *t, double x)
{
	if (isfinite(x))
		qts_sum_add1(t, x);
	else
		qts_sum_count(t, x, 1);
}

/* Take out a value added before. */
static inline void qts_sum_sub(qts_sum *t, double x)
{
	if (isfinite(x))
		qts_sum_add1(t, -x);
	else
		qts_sum_count(t, x, -1);
}

/* Add or take out the exact product a * b. */
static inline void qts_sum_add_prod(qts_sum *t, double a, double b)
{
	double p, e;
	qts_two_prod(a, b, &p, &e);
	if (isfinite(p))
		qts_sum_add2(t, p, e);
	else
		qts_sum_count(t, p, 1);
}

static inline void qts_sum_sub_prod(qts_sum *t, double a, double b)
{
	double p, e;
	qts_two_prod(a, b, &p, &e);
	if (isfinite(p))
		qts_sum_add2(t, -p, -e);
	else
		qts_sum_count(t, p, -1);
}

/* Add the finite part of u (its exact sum of finite values); u's
 * non-finite values are not carried over: a caller that needs them asks
 * u. */
static inline void qts_sum_add_sum(qts_sum *t, const qts_sum *u)
{
	double hi, lo;
	qts_two_sum(u->s, u->c, &hi, &lo);
	qts_sum_add2(t, hi, lo);
}

static inline void qts_sum_sub_sum(qts_sum *t, const qts_sum *u)
{
	double hi, lo;
	qts_two_sum(u->s, u->c, &hi, &lo);
	qts_sum_add2(t, -hi, -lo);
}

static inline int qts_sum_nonfinite(const qts_sum *t) { return (t->nan | t->pinf | t->ninf) != 0; }

double qts_sum_special(const qts_sum *t);

/* The sum of the finite values only, rounded once. */
static inline double qts_sum_finite(const qts_sum *t) { return t->s + t->c; }

/* The sum, rounded once. */
static inline double qts_sum_value(const qts_sum *t)
{
	return qts_sum_nonfinite(t) ? qts_sum_special(t) : t->s + t->c;
}

typedef struct qts_moments {
	qts_sum s1, s2; /* sums of d and of d * d, d = x - shift */
	double shift;
	int shifted;    /* the shift is set */
} qts_moments;

static inline void qts_moments_clear(qts_moments *m) { *m = (qts_moments){ 0 }; }

static inline void qts_moments_add(qts_moments *m, double x)
{
	if (!m->shifted && isfinite(x)) {
		m->shift = x;
		m->shifted = 1;
	}
	double d = x - m->shift;
	qts_sum_add(&m->s1, d);
	qts_sum_add_prod(&m->s2, d, d);
}

static inline void qts_moments_sub(qts_moments *m, double x)
{
	double d = x - m->shift;
	qts_sum_sub(&m->s1, d);
	qts_sum_sub_prod(&m->s2, d, d);
}

/* The sum of squared deviations from their mean of the n values held:
 * n times the population variance, n - 1 times the sample variance.
 * Never negative; NaN while a non-finite value is in. */
double qts_moments_ss(const qts_moments *m, double n);

#endif
