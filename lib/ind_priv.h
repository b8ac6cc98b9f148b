/* ind_priv.h — what the indicator families share inside libqts. */
#ifndef QTS_IND_PRIV_H
#define QTS_IND_PRIV_H
#include <math.h>
#include <stddef.h>

#include "qts_ind.h"
#include "qts_sum.h"

/* TA-Lib's tests for "zero" and "zero or negative" (ta_utility.h): the
 * indicators branch on them, so the same thresholds give the same output.
 * The epsilon is current TA-Lib's (and talib.js's) 1e-14; TA-Lib 0.4.0 used
 * 1e-8, which differs only for near-zero variances and ranges. */
#define IND_EPSILON 0.00000000000001
#define IND_IS_ZERO(v) (-IND_EPSILON < (v) && (v) < IND_EPSILON)
#define IND_IS_ZERO_OR_NEG(v) ((v) < IND_EPSILON)
#define IND_PER_TO_K(p) (2.0 / ((double)((p) + 1)))

#define IND_MAXBLK 8

struct qts_ind {
	/* what every bar reads, first: one line of the cache, as a stream
	 * of many symbols visits each indicator once a round of them */
	const struct ind_impl *impl;
	void *st;  /* the family's state, from ind_alloc */
	long nbar; /* bars fed before the current one */
	const qts_ind_info *info;
	double opt[4];
	int lookback;
	void *blk[IND_MAXBLK];
	size_t blk_size[IND_MAXBLK]; /* for a checkpoint (ind_state.c) */
	int nblk;
	void *share; /* its part in series shared between runs (ind_share.c) */
};

struct ind_impl {
	const char *name; /* must equal the registry entry's */
	/* Allocate the state (ind_alloc only) and set ind->lookback. */
	int (*setup)(qts_ind *ind);
	/* One bar; 1 when out[] holds valid values. */
	int (*update)(qts_ind *ind, const double *in, double *out);
};

/* Zeroed memory owned by ind, freed with it; NULL when out of memory. */
void *ind_alloc(qts_ind *ind, size_t size);

/* The last cap values. */
struct ind_ring {
	double *v;
	int cap, pos, n;
};
int ind_ring_init(qts_ind *ind, struct ind_ring *r, int cap);
static inline void ind_ring_push(struct ind_ring *r, double x)
{
	r->v[r->pos] = x;
	if (++r->pos == r->cap)
		r->pos = 0;
	if (r->n < r->cap)
		r->n++;
}
/* k bars ago, 0 = the newest; k < n. */
static inline double ind_ring_ago(const struct ind_ring *r, int k)
{
	int i = r->pos - 1 - k;
	return r->v[i < 0 ? i + r->cap : i];
}

/* The SMA of a running total, as TA-Lib's, but an exact one (qts_sum.h):
 * the mean of a window is its exact sum rounded, then divided, so equal
 * windows give equal means however long the stream. */
struct ind_sma {
	/* all a full window's push reads is in the first 64 bytes (ind_alloc
	 * starts a line of the cache) */
	struct ind_ring r;
	int period;
	qts_sum sum;
};
int ind_sma_init(qts_ind *ind, struct ind_sma *s, int period);
/* Inline: a moving-average strategy pushes two a bar.  A full window of
 * finite values, the common case, takes a shorter path: the value that
 * leaves is the one the push overwrites next, and s and c are folded as
 * the ring wraps rather than counted (folding is exact, so the sum's value
 * is the same whenever it happens). */
static inline int ind_sma_push(struct ind_sma *s, double x, double *out)
{
	struct ind_ring *r = &s->r;
	qts_sum *t = &s->sum;
	/* (the ring holds period values: ind_sma_init) */
	if (r->n == s->period && isfinite(x) && !qts_sum_nonfinite(t)) {
		double hi, lo;
		r->v[r->pos] = x;
		int pos = r->pos + 1 == s->period ? 0 : r->pos + 1;
		r->pos = pos;
		qts_two_sum(t->s, x, &hi, &lo);
		t->c += lo;
		*out = (hi + t->c) / s->period;
		double old = r->v[pos];
		if (isfinite(old)) {
			qts_two_sum(hi, -old, &t->s, &lo);
			t->c += lo;
			if (pos == 0)
				qts_sum_fold(t);
			return 1;
		}
		t->s = hi;
		qts_sum_count(t, old, -1);
		return 1;
	}
	ind_ring_push(&s->r, x);
	qts_sum_add(&s->sum, x);
	if (s->r.n < s->period)
		return 0;
	*out = qts_sum_value(&s->sum) / s->period;
	qts_sum_sub(&s->sum, ind_ring_ago(&s->r, s->period - 1));
	return 1;
}

/* An SMA's kernel (qts_ind_kernel): a caller that finds it may push
 * inline instead. */
int ind_sma_kernel(void *state, double x, double *out);

/* TA-Lib's EMA: seeded with the SMA of its first period values (summed
 * exactly, so the seed is that SMA to the last bit). */
struct ind_ema {
	int period, n;
	double k, val;
	qts_sum seed;
};
void ind_ema_init(struct ind_ema *e, int period);
int ind_ema_push(struct ind_ema *e, double x, double *out);

/* Monotonic deque: the max (or min) of the last window values and how many
 * bars ago it was; among equal values the newest wins, as in TA-Lib. */
struct ind_deque {
	double *v;
	long *at;
	long t;
	int cap, head, n, window, max;
};
int ind_deque_init(qts_ind *ind, struct ind_deque *d, int window, int max);
void ind_deque_push(struct ind_deque *d, double x);
static inline double ind_deque_value(const struct ind_deque *d)
{
	return d->v[d->head];
}
static inline long ind_deque_age(const struct ind_deque *d)
{
	return d->t - 1 - d->at[d->head];
}

/* The true range of TA-Lib's TRUE_RANGE macro. */
static inline double ind_true_range(double high, double low, double prev_close)
{
	double tr = high - low, t;
	if ((t = fabs(prev_close - high)) > tr)
		tr = t;
	if ((t = fabs(prev_close - low)) > tr)
		tr = t;
	return tr;
}

/* qts_ind_kernel's kernel fn of state *state, or the kernel of the same
 * indicator in series shared between runs (ind_share.c). */
qts_ind_kernel_fn ind_share_kernel(qts_ind *ind, qts_ind_kernel_fn fn, void **state);

#define IND_DECL(name) extern const struct ind_impl ind_##name
IND_DECL(ad); IND_DECL(adx); IND_DECL(aroon); IND_DECL(atr); IND_DECL(bbands);
IND_DECL(cci); IND_DECL(dema); IND_DECL(ema); IND_DECL(highest); IND_DECL(kama);
IND_DECL(linearreg); IND_DECL(lowest); IND_DECL(macd); IND_DECL(mfi);
IND_DECL(minus_di); IND_DECL(mom); IND_DECL(natr); IND_DECL(obv);
IND_DECL(plus_di); IND_DECL(roc); IND_DECL(rocp); IND_DECL(rocr); IND_DECL(rsi);
IND_DECL(sar); IND_DECL(sma); IND_DECL(stddev); IND_DECL(stoch);
IND_DECL(stochf); IND_DECL(tema); IND_DECL(trange); IND_DECL(var);
IND_DECL(vwap); IND_DECL(willr); IND_DECL(wma);
#undef IND_DECL

#endif
