/* ind_trend.c — trend: plus_di, minus_di, adx, aroon, sar. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

/* Directional movement: Wilder sums of +DM, -DM and the true range, seeded
 * with plain sums over the first period - 1 changes. */
struct dm {
	double high, low, close;
	double pdm, mdm, tr;
	double adx, sumdx;
};

static int dm_setup(qts_ind *ind)
{
	int p = PERIOD(ind);

	ind->lookback = p > 1 ? p : 1;
	return (ind->st = ind_alloc(ind, sizeof(struct dm))) ? 0 : -1;
}

/* One bar's moves; returns the true range.  Only one of *dp, *dm is kept
 * non-zero, the larger if positive. */
static double dm_move(struct dm *s, const double *in, double *dp, double *dmn)
{
	double up = in[0] - s->high, down = s->low - in[1], tr;

	s->high = in[0];
	s->low = in[1];
	tr = ind_true_range(s->high, s->low, s->close);
	s->close = in[2];
	*dmn = (down > 0 && up < down) ? down : 0;
	*dp = (up > 0 && up > down) ? up : 0;
	return tr;
}

static int di_update(qts_ind *ind, const double *in, double *out, int plus)
{
	struct dm *s = ind->st;
	int p = PERIOD(ind);
	double dp, dmn, tr, d;

	if (ind->nbar == 0) {
		s->high = in[0];
		s->low = in[1];
		s->close = in[2];
		return 0;
	}
	tr = dm_move(s, in, &dp, &dmn);
	d = plus ? dp : dmn;
	if (p <= 1) {
		/* TA-Lib's unsmoothed case: a ratio, not a percentage */
		out[0] = d != 0 && !IND_IS_ZERO(tr) ? d / tr : 0.0;
		return 1;
	}
	if (ind->nbar < p) {
		s->pdm += d;
		s->tr += tr;
		return 0;
	}
	s->pdm = s->pdm - (s->pdm / p) + d;
	s->tr = s->tr - (s->tr / p) + tr;
	out[0] = !IND_IS_ZERO(s->tr) ? 100.0 * (s->pdm / s->tr) : 0.0;
	return 1;
}

static int plus_di_update(qts_ind *ind, const double *in, double *out)
{
	return di_update(ind, in, out, 1);
}

static int minus_di_update(qts_ind *ind, const double *in, double *out)
{
	return di_update(ind, in, out, 0);
}

const struct ind_impl ind_plus_di = { "plus_di", dm_setup, plus_di_update };
const struct ind_impl ind_minus_di = { "minus_di", dm_setup, minus_di_update };

/* ADX: the first ADX is the mean DX of bars period .. 2*period-1, then
 * Wilder's smoothing; a bar with no range or no direction keeps it. */
static int adx_setup(qts_ind *ind)
{
	ind->lookback = 2 * PERIOD(ind) - 1;
	return (ind->st = ind_alloc(ind, sizeof(struct dm))) ? 0 : -1;
}

static int adx_update(qts_ind *ind, const double *in, double *out)
{
	struct dm *s = ind->st;
	int p = PERIOD(ind);
	double dp, dmn, tr, pdi, mdi, t, dx;

	if (ind->nbar == 0) {
		s->high = in[0];
		s->low = in[1];
		s->close = in[2];
		return 0;
	}
	tr = dm_move(s, in, &dp, &dmn);
	if (ind->nbar < p) {
		s->mdm += dmn;
		s->pdm += dp;
		s->tr += tr;
		return 0;
	}
	s->mdm -= s->mdm / p;
	s->pdm -= s->pdm / p;
	s->mdm += dmn;
	s->pdm += dp;
	s->tr = s->tr - (s->tr / p) + tr;
	int have = 0;
	if (!IND_IS_ZERO(s->tr)) {
		mdi = 100.0 * (s->mdm / s->tr);
		pdi = 100.0 * (s->pdm / s->tr);
		t = mdi + pdi;
		if (!IND_IS_ZERO(t)) {
			dx = 100.0 * (fabs(mdi - pdi) / t);
			have = 1;
		}
	}
	if (ind->nbar < 2 * p - 1) {
		if (have)
			s->sumdx += dx;
		return 0;
	}
	if (ind->nbar == 2 * p - 1) {
		if (have)
			s->sumdx += dx;
		s->adx = s->sumdx / p;
	} else if (have)
		s->adx = ((s->adx * (p - 1)) + dx) / p;
	out[0] = s->adx;
	return 1;
}

const struct ind_impl ind_adx = { "adx", adx_setup, adx_update };

/* AROON over period + 1 bars; ties go to the newest bar, as in TA-Lib. */
struct aroon {
	struct ind_deque hi, lo;
};

static int aroon_setup(qts_ind *ind)
{
	struct aroon *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s) || ind_deque_init(ind, &s->hi, PERIOD(ind) + 1, 1) < 0)
		return -1;
	ind->lookback = PERIOD(ind);
	return ind_deque_init(ind, &s->lo, PERIOD(ind) + 1, 0);
}

static int aroon_update(qts_ind *ind, const double *in, double *out)
{
	struct aroon *s = ind->st;
	int p = PERIOD(ind);
	double factor = 100.0 / p;

	ind_deque_push(&s->hi, in[0]);
	ind_deque_push(&s->lo, in[1]);
	if (ind->nbar < p)
		return 0;
	out[0] = factor * (double)(p - ind_deque_age(&s->hi));
	out[1] = factor * (double)(p - ind_deque_age(&s->lo));
	return 1;
}

const struct ind_impl ind_aroon = { "aroon", aroon_setup, aroon_update };

/* Parabolic SAR as TA_SAR: the first direction comes from the -DM of the
 * first two bars, and each bar outputs the SAR before it moves. */
struct sar {
	double af, acc, ep, sar, high, low; /* high, low: the previous bar */
	int islong;
};

static int sar_setup(qts_ind *ind)
{
	struct sar *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	s->acc = ind->opt[0] > ind->opt[1] ? ind->opt[1] : ind->opt[0];
	s->af = s->acc;
	ind->lookback = 1;
	return 0;
}

static int sar_update(qts_ind *ind, const double *in, double *out)
{
	struct sar *s = ind->st;
	double max = ind->opt[1], hi = in[0], lo = in[1], phi, plo;

	if (ind->nbar == 0) {
		s->high = hi;
		s->low = lo;
		return 0;
	}
	if (ind->nbar == 1) {
		double up = hi - s->high, down = s->low - lo;
		s->islong = !(down > 0 && up < down);
		if (s->islong) {
			s->ep = hi;
			s->sar = s->low;
		} else {
			s->ep = lo;
			s->sar = s->high;
		}
		s->high = hi;
		s->low = lo;
	}
	phi = s->high;
	plo = s->low;
	s->high = hi;
	s->low = lo;
	if (s->islong) {
		if (lo <= s->sar) {
			s->islong = 0;
			s->sar = fmax(fmax(s->ep, phi), hi);
			out[0] = s->sar;
			s->af = s->acc;
			s->ep = lo;
			s->sar = s->sar + s->af * (s->ep - s->sar);
			s->sar = fmax(fmax(s->sar, phi), hi);
		} else {
			out[0] = s->sar;
			if (hi > s->ep) {
				s->ep = hi;
				s->af += s->acc;
				if (s->af > max)
					s->af = max;
			}
			s->sar = s->sar + s->af * (s->ep - s->sar);
			s->sar = fmin(fmin(s->sar, plo), lo);
		}
	} else {
		if (hi >= s->sar) {
			s->islong = 1;
			s->sar = fmin(fmin(s->ep, plo), lo);
			out[0] = s->sar;
			s->af = s->acc;
			s->ep = hi;
			s->sar = s->sar + s->af * (s->ep - s->sar);
			s->sar = fmin(fmin(s->sar, plo), lo);
		} else {
			out[0] = s->sar;
			if (lo < s->ep) {
				s->ep = lo;
				s->af += s->acc;
				if (s->af > max)
					s->af = max;
			}
			s->sar = s->sar + s->af * (s->ep - s->sar);
			s->sar = fmax(fmax(s->sar, phi), hi);
		}
	}
	return 1;
}

const struct ind_impl ind_sar = { "sar", sar_setup, sar_update };
