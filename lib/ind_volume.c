/* ind_volume.c — volume: obv, ad, vwap. */
#include <math.h>

#include "ind_priv.h"

/* Running totals from the first bar (or the day's), exact (qts_sum.h):
 * a rounding error made early stays in a plain total for good. */
struct cum {
	qts_sum a, b;
	double prev, day;
};

static int cum_setup(qts_ind *ind)
{
	ind->lookback = 0;
	return (ind->st = ind_alloc(ind, sizeof(struct cum))) ? 0 : -1;
}

/* OBV starts at the first bar's volume, as TA-Lib's does. */
static int obv_update(qts_ind *ind, const double *in, double *out)
{
	struct cum *s = ind->st; /* a: obv */

	if (ind->nbar == 0)
		qts_sum_add(&s->a, in[1]);
	else if (in[0] > s->prev)
		qts_sum_add(&s->a, in[1]);
	else if (in[0] < s->prev)
		qts_sum_sub(&s->a, in[1]);
	s->prev = in[0];
	out[0] = qts_sum_value(&s->a);
	return 1;
}

const struct ind_impl ind_obv = { "obv", cum_setup, obv_update };

static int ad_update(qts_ind *ind, const double *in, double *out)
{
	struct cum *s = ind->st;
	double h = in[0], l = in[1], c = in[2], range = h - l;

	if (range > 0.0)
		qts_sum_add_prod(&s->a, ((c - l) - (h - c)) / range, in[3]);
	out[0] = qts_sum_value(&s->a);
	return 1;
}

const struct ind_impl ind_ad = { "ad", cum_setup, ad_update };

/* VWAP of the UTC day of ts (ns).  ts arrives as a double: its rounding
 * (256 ns near today's epoch) only matters for a bar within that much of
 * midnight. */
static int vwap_update(qts_ind *ind, const double *in, double *out)
{
	struct cum *s = ind->st; /* a: sum tp*volume, b: sum volume */
	double tp = (in[0] + in[1] + in[2]) / 3, day = floor(in[4] / 86400e9);

	double vol;

	if (ind->nbar == 0 || day != s->day) {
		s->day = day;
		qts_sum_clear(&s->a);
		qts_sum_clear(&s->b);
	}
	qts_sum_add_prod(&s->a, tp, in[3]);
	qts_sum_add(&s->b, in[3]);
	vol = qts_sum_value(&s->b);
	out[0] = vol > 0 ? qts_sum_value(&s->a) / vol : tp;
	return 1;
}

const struct ind_impl ind_vwap = { "vwap", cum_setup, vwap_update };
