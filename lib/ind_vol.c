/* ind_vol.c — volatility: trange, atr, natr, bbands. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

/* ATR: Wilder's smoothing of the true range, seeded with its SMA over the
 * first period bars that have a previous close. */
struct atr {
	double close, atr;
};

static int atr_setup(qts_ind *ind)
{
	ind->lookback = PERIOD(ind);
	return (ind->st = ind_alloc(ind, sizeof(struct atr))) ? 0 : -1;
}

static int trange_setup(qts_ind *ind)
{
	ind->lookback = 1;
	return (ind->st = ind_alloc(ind, sizeof(struct atr))) ? 0 : -1;
}

static int trange_update(qts_ind *ind, const double *in, double *out)
{
	struct atr *s = ind->st;
	double prev = s->close;

	s->close = in[2];
	if (ind->nbar == 0)
		return 0;
	out[0] = ind_true_range(in[0], in[1], prev);
	return 1;
}

static int atr_update(qts_ind *ind, const double *in, double *out)
{
	struct atr *s = ind->st;
	int p = PERIOD(ind);
	double tr;

	/* TA-Lib answers a period of 1 with the true range itself */
	if (p <= 1)
		return trange_update(ind, in, out);
	tr = ind_true_range(in[0], in[1], s->close);
	s->close = in[2];
	if (ind->nbar == 0)
		return 0;
	if (ind->nbar <= p) {
		s->atr += tr;
		if (ind->nbar < p)
			return 0;
		s->atr /= p;
	} else {
		s->atr *= p - 1;
		s->atr += tr;
		s->atr /= p;
	}
	out[0] = s->atr;
	return 1;
}

/* natr shares TA-Lib's shortcut: a period of 1 gives the raw true range,
 * not a percentage. */
static int natr_update(qts_ind *ind, const double *in, double *out)
{
	if (!atr_update(ind, in, out))
		return 0;
	if (PERIOD(ind) > 1)
		out[0] = !IND_IS_ZERO(in[2]) ? (out[0] / in[2]) * 100.0 : 0.0;
	return 1;
}

const struct ind_impl ind_trange = { "trange", trange_setup, trange_update };
const struct ind_impl ind_atr = { "atr", atr_setup, atr_update };
const struct ind_impl ind_natr = { "natr", atr_setup, natr_update };

/* Bollinger bands: the SMA, and the population deviation, which
 * TA_INT_stddev_using_precalc_ma takes as the mean of squares less the
 * square of that SMA; here from exact shifted sums (qts_moments), without
 * the cancellation. */
struct bbands {
	struct ind_sma ma;
	qts_moments m;
};

static int bbands_setup(qts_ind *ind)
{
	struct bbands *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	ind->lookback = PERIOD(ind) - 1;
	return ind_sma_init(ind, &s->ma, PERIOD(ind));
}

static int bbands_update(qts_ind *ind, const double *in, double *out)
{
	struct bbands *s = ind->st;
	int p = PERIOD(ind);
	double x = in[0], mid, var, sd;

	qts_moments_add(&s->m, x);
	if (!ind_sma_push(&s->ma, x, &mid))
		return 0;
	var = qts_moments_ss(&s->m, p) / p;
	qts_moments_sub(&s->m, ind_ring_ago(&s->ma.r, p - 1));
	sd = !IND_IS_ZERO_OR_NEG(var) ? sqrt(var) : 0.0;
	out[0] = mid + ind->opt[1] * sd;
	out[1] = mid;
	out[2] = mid - ind->opt[2] * sd;
	return 1;
}

const struct ind_impl ind_bbands = { "bbands", bbands_setup, bbands_update };
