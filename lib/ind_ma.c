/* ind_ma.c — moving averages: sma, ema, wma, dema, tema, kama. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

static int sma_setup(qts_ind *ind)
{
	struct ind_sma *s = ind_alloc(ind, sizeof *s);

	ind->st = s;
	ind->lookback = PERIOD(ind) - 1;
	return s ? ind_sma_init(ind, s, PERIOD(ind)) : -1;
}

static int sma_update(qts_ind *ind, const double *in, double *out)
{
	return ind_sma_push(ind->st, in[0], out);
}

const struct ind_impl ind_sma = { "sma", sma_setup, sma_update };

/* ema, dema and tema chain up to three EMAs, each seeded with the SMA of
 * the first period values of the one before, as TA-Lib's DEMA and TEMA
 * run TA_INT_EMA on the previous EMA's output. */
struct emas {
	struct ind_ema e[3];
};

static int emas_setup(qts_ind *ind, int depth)
{
	struct emas *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	for (int i = 0; i < depth; i++)
		ind_ema_init(&s->e[i], PERIOD(ind));
	ind->lookback = depth * (PERIOD(ind) - 1);
	return 0;
}

static int emas_push(struct emas *s, int depth, double x, double *v)
{
	for (int i = 0; i < depth; i++) {
		if (!ind_ema_push(&s->e[i], i ? v[i - 1] : x, &v[i]))
			return 0;
	}
	return 1;
}

static int ema_setup(qts_ind *ind) { return emas_setup(ind, 1); }
static int dema_setup(qts_ind *ind) { return emas_setup(ind, 2); }
static int tema_setup(qts_ind *ind) { return emas_setup(ind, 3); }

static int ema_update(qts_ind *ind, const double *in, double *out)
{
	return ind_ema_push(&((struct emas *)ind->st)->e[0], in[0], out);
}

static int dema_update(qts_ind *ind, const double *in, double *out)
{
	double v[3];

	if (!emas_push(ind->st, 2, in[0], v))
		return 0;
	out[0] = (2.0 * v[0]) - v[1];
	return 1;
}

static int tema_update(qts_ind *ind, const double *in, double *out)
{
	double v[3];

	if (!emas_push(ind->st, 3, in[0], v))
		return 0;
	out[0] = v[2] + ((3.0 * v[0]) - (3.0 * v[1]));
	return 1;
}

const struct ind_impl ind_ema = { "ema", ema_setup, ema_update };
const struct ind_impl ind_dema = { "dema", dema_setup, dema_update };
const struct ind_impl ind_tema = { "tema", tema_setup, tema_update };

/* TA-Lib's WMA keeps the weighted sum and the plain sum and slides both;
 * here both are exact (qts_sum.h), the weighted one fed exact products. */
struct wma {
	struct ind_ring r;
	qts_sum sum, sub; /* weighted (newest p, oldest 1) and plain */
	double divider;
};

static int wma_setup(qts_ind *ind)
{
	struct wma *s = ind_alloc(ind, sizeof *s);
	int p = PERIOD(ind);

	if (!(ind->st = s))
		return -1;
	s->divider = (double)((p * (long)(p + 1)) >> 1);
	ind->lookback = p - 1;
	return ind_ring_init(ind, &s->r, p);
}

static int wma_update(qts_ind *ind, const double *in, double *out)
{
	struct wma *s = ind->st;
	int p = PERIOD(ind);
	double x = in[0];

	if (ind->nbar < p - 1) {
		ind_ring_push(&s->r, x);
		qts_sum_add(&s->sub, x);
		qts_sum_add_prod(&s->sum, x, (double)(ind->nbar + 1));
		return 0;
	}
	/* the oldest of the window, before x pushes it out */
	if (ind->nbar >= p)
		qts_sum_sub(&s->sub, ind_ring_ago(&s->r, p - 1));
	ind_ring_push(&s->r, x);
	qts_sum_add(&s->sub, x);
	qts_sum_add_prod(&s->sum, x, p);
	/* the weighted sum keeps finite values only; the plain one knows
	 * whether a NaN or an infinity is in the window */
	out[0] = qts_sum_nonfinite(&s->sub) ? qts_sum_value(&s->sub)
					    : qts_sum_finite(&s->sum) / s->divider;
	qts_sum_sub_sum(&s->sum, &s->sub);
	return 1;
}

const struct ind_impl ind_wma = { "wma", wma_setup, wma_update };

/* KAMA: efficiency ratio over period bars scales the smoothing constant
 * between 2/(30+1) and 2/(2+1), squared. */
struct kama {
	struct ind_ring r; /* period + 1 prices */
	qts_sum sumroc;    /* exact: its comparisons see the window's own sum */
	double kama, trailing;
};

static int kama_setup(qts_ind *ind)
{
	struct kama *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	ind->lookback = PERIOD(ind);
	return ind_ring_init(ind, &s->r, PERIOD(ind) + 1);
}

static int kama_update(qts_ind *ind, const double *in, double *out)
{
	const double cmax = 2.0 / (30.0 + 1.0), cdiff = 2.0 / (2.0 + 1.0) - cmax;
	struct kama *s = ind->st;
	int p = PERIOD(ind);
	double x = in[0], roc, er, sc, sumroc;

	ind_ring_push(&s->r, x);
	if (ind->nbar == 0)
		return 0;
	double prev = ind_ring_ago(&s->r, 1);
	if (ind->nbar < p) {
		qts_sum_add(&s->sumroc, fabs(prev - x));
		return 0;
	}
	double old = ind_ring_ago(&s->r, p);
	if (ind->nbar == p) {
		qts_sum_add(&s->sumroc, fabs(prev - x));
		s->kama = prev;
	} else {
		qts_sum_sub(&s->sumroc, fabs(s->trailing - old));
		qts_sum_add(&s->sumroc, fabs(x - prev));
	}
	s->trailing = old;
	roc = x - old;
	sumroc = qts_sum_value(&s->sumroc);
	if (sumroc <= roc || IND_IS_ZERO(sumroc))
		er = 1.0;
	else
		er = fabs(roc / sumroc);
	sc = (er * cdiff) + cmax;
	sc *= sc;
	s->kama = ((x - s->kama) * sc) + s->kama;
	out[0] = s->kama;
	return 1;
}

const struct ind_impl ind_kama = { "kama", kama_setup, kama_update };
