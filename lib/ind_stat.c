/* ind_stat.c — statistics over a window: var, stddev, linearreg, highest,
 * lowest. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

/* Population variance as TA_INT_VAR: running sums of x and x*x, mean of
 * squares less squared mean.  TA-Lib's VAR ignores its nbdev, so var does
 * not take one. */
struct var {
	struct ind_ring r;
	double sum1, sum2;
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
	double m1, m2, old;

	ind_ring_push(&s->r, x);
	s->sum1 += x;
	s->sum2 += x * x;
	if (s->r.n < p)
		return 0;
	m1 = s->sum1 / p;
	m2 = s->sum2 / p;
	old = ind_ring_ago(&s->r, p - 1);
	s->sum1 -= old;
	s->sum2 -= old * old;
	*out = m2 - m1 * m1;
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
 * newest bar, with x the age of a bar (p - 1
 * for the oldest, 0 for the newest), kept in O(1): a new bar ages every
 * other one, so sum(x*y) grows by sum(y) less p times the value leaving.
 * Rounding in the running sums would pile up over a long stream, so every
 * p bars they are summed afresh from the window (amortised O(1)); between
 * two refreshes they differ from the sums of TA-Lib's loop by a few ulps,
 * and sums that are not finite are summed afresh on every bar, so a NaN
 * or an infinity leaves them with the bar that brought it. */
struct linreg {
	struct ind_ring r;
	double sumx, divisor;
	double sumy, sumxy;
	int since; /* bars since the sums were last summed afresh */
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
	double m, b, y;

	if (s->r.n == p) {
		double old = ind_ring_ago(&s->r, p - 1);
		s->sumxy += s->sumy - p * old;
		s->sumy -= old;
	} else {
		s->sumxy += s->sumy;
	}
	s->sumy += in[0];
	ind_ring_push(&s->r, in[0]);
	if (s->r.n < p)
		return 0;
	if (++s->since >= p || !isfinite(s->sumxy)) {
		s->since = 0;
		s->sumy = s->sumxy = 0;
		for (int i = p; i-- != 0;) {
			s->sumy += y = ind_ring_ago(&s->r, i);
			s->sumxy += (double)i * y;
		}
	}
	m = (p * s->sumxy - s->sumx * s->sumy) / s->divisor;
	b = (s->sumy - m * s->sumx) / p;
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
