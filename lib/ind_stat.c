/* ind_stat.c — statistics over a window: var, stddev, linearreg, highest,
 * lowest. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

/* Population variance over the window.  TA_INT_VAR takes the mean of
 * squares less the squared mean of plain running sums, which cancels away
 * most digits when the mean is large against the spread and drifts with
 * the stream; here the same sums are exact and shifted (qts_moments), so
 * the result is the variance of the window to the last bit or so.
 * TA-Lib's VAR ignores its nbdev, so var does not take one. */
struct var {
	struct ind_ring r;
	qts_moments m;
};

static int var_setup(qts_ind *ind)
{
	struct var *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	ind->lookback = PERIOD(ind) - 1;
	return ind_ring_init(ind, &s->r, PERIOD(ind));
}

static int var_push(qts_ind *ind, double x, double *out)
{
	struct var *s = ind->st;
	int p = PERIOD(ind);

	ind_ring_push(&s->r, x);
	qts_moments_add(&s->m, x);
	if (s->r.n < p)
		return 0;
	*out = qts_moments_ss(&s->m, p) / p;
	qts_moments_sub(&s->m, ind_ring_ago(&s->r, p - 1));
	return 1;
}

static int var_update(qts_ind *ind, const double *in, double *out)
{
	return var_push(ind, in[0], out);
}

static int stddev_update(qts_ind *ind, const double *in, double *out)
{
	double v;

	if (!var_push(ind, in[0], &v))
		return 0;
	out[0] = !IND_IS_ZERO_OR_NEG(v) ? sqrt(v) * ind->opt[1] : 0.0;
	return 1;
}

const struct ind_impl ind_var = { "var", var_setup, var_update };
const struct ind_impl ind_stddev = { "stddev", var_setup, stddev_update };

/* LINEARREG: TA-Lib's least squares over the window, evaluated at the
 * newest bar, with x the age of a bar (p - 1 for the oldest, 0 for the
 * newest), kept in O(1): a new bar ages every other one, so sum(x*y) grows
 * by sum(y) less p times the value leaving.  Both sums are exact
 * (qts_sum.h), so they do not drift over a long stream, and a window
 * holding a NaN or an infinity gives NaN, as TA-Lib's loop would, until
 * that bar leaves. */
struct linreg {
	struct ind_ring r;
	double sumx, divisor;
	qts_sum sumy, sumxy; /* sumxy: of the finite values only */
};

static int linearreg_setup(qts_ind *ind)
{
	struct linreg *s = ind_alloc(ind, sizeof *s);
	double p = PERIOD(ind);

	if (!(ind->st = s))
		return -1;
	s->sumx = p * (p - 1) * 0.5;
	s->divisor = s->sumx * s->sumx - p * (p * (p - 1) * (2 * p - 1) / 6);
	ind->lookback = PERIOD(ind) - 1;
	return ind_ring_init(ind, &s->r, PERIOD(ind));
}

static int linearreg_update(qts_ind *ind, const double *in, double *out)
{
	struct linreg *s = ind->st;
	int p = PERIOD(ind);
	double m, b, sumy, sumxy;

	qts_sum_add_sum(&s->sumxy, &s->sumy);
	if (s->r.n == p) {
		double old = ind_ring_ago(&s->r, p - 1);
		qts_sum_sub_prod(&s->sumxy, p, old);
		qts_sum_sub(&s->sumy, old);
	}
	qts_sum_add(&s->sumy, in[0]);
	ind_ring_push(&s->r, in[0]);
	if (s->r.n < p)
		return 0;
	if (qts_sum_nonfinite(&s->sumy)) {
		out[0] = NAN;
		return 1;
	}
	sumy = qts_sum_value(&s->sumy);
	sumxy = qts_sum_finite(&s->sumxy);
	m = (p * sumxy - s->sumx * sumy) / s->divisor;
	b = (sumy - m * s->sumx) / p;
	out[0] = b + m * (double)(p - 1);
	return 1;
}
const struct ind_impl ind_linearreg = { "linearreg", linearreg_setup, linearreg_update };

static int extreme_setup(qts_ind *ind, int max)
{
	struct ind_deque *d = ind_alloc(ind, sizeof *d);

	if (!(ind->st = d))
		return -1;
	ind->lookback = PERIOD(ind) - 1;
	return ind_deque_init(ind, d, PERIOD(ind), max);
}

static int highest_setup(qts_ind *ind) { return extreme_setup(ind, 1); }
static int lowest_setup(qts_ind *ind) { return extreme_setup(ind, 0); }

static int extreme_update(qts_ind *ind, const double *in, double *out)
{
	ind_deque_push(ind->st, in[0]);
	if (ind->nbar < PERIOD(ind) - 1)
		return 0;
	out[0] = ind_deque_value(ind->st);
	return 1;
}

const struct ind_impl ind_highest = { "highest", highest_setup, extreme_update };
const struct ind_impl ind_lowest = { "lowest", lowest_setup, extreme_update };
