/* ind_osc.c — oscillators and momentum: rsi, macd, stoch, stochf, cci,
 * willr, mfi, roc, rocp, rocr, mom. */
#include <math.h>

#include "ind_priv.h"

#define PERIOD(ind) ((int)(ind)->opt[0])

/* RSI: Wilder's smoothing of average gain and loss, seeded with their
 * plain means over the first period changes. */
struct rsi {
	double prev, gain, loss;
};

static int rsi_setup(qts_ind *ind)
{
	ind->lookback = PERIOD(ind);
	return (ind->st = ind_alloc(ind, sizeof(struct rsi))) ? 0 : -1;
}

static int rsi_update(qts_ind *ind, const double *in, double *out)
{
	struct rsi *s = ind->st;
	int p = PERIOD(ind);
	double x = in[0], d = x - s->prev, t;

	s->prev = x;
	if (ind->nbar == 0)
		return 0;
	if (ind->nbar > p) {
		s->loss *= (p - 1);
		s->gain *= (p - 1);
	}
	if (d < 0)
		s->loss -= d;
	else
		s->gain += d;
	if (ind->nbar < p)
		return 0;
	s->loss /= p;
	s->gain /= p;
	t = s->gain + s->loss;
	out[0] = !IND_IS_ZERO(t) ? 100.0 * (s->gain / t) : 0.0;
	return 1;
}

const struct ind_impl ind_rsi = { "rsi", rsi_setup, rsi_update };

/* MACD: as TA_MACD, the fast EMA starts slow - fast bars late so that both
 * EMAs give their first value on the same bar. */
struct macd {
	struct ind_ema fast, slow, signal;
	int lag; /* bars before the fast EMA starts */
};

static int macd_setup(qts_ind *ind)
{
	struct macd *s = ind_alloc(ind, sizeof *s);
	int fast = (int)ind->opt[0], slow = (int)ind->opt[1], sig = (int)ind->opt[2];

	if (!(ind->st = s))
		return -1;
	if (slow < fast) {
		int t = slow;
		slow = fast;
		fast = t;
	}
	ind_ema_init(&s->fast, fast);
	ind_ema_init(&s->slow, slow);
	ind_ema_init(&s->signal, sig);
	s->lag = slow - fast;
	ind->lookback = (slow - 1) + (sig - 1);
	return 0;
}

static int macd_update(qts_ind *ind, const double *in, double *out)
{
	struct macd *s = ind->st;
	double f = 0, sl, m, sig;
	int ok = ind_ema_push(&s->slow, in[0], &sl);

	if (ind->nbar >= s->lag)
		ind_ema_push(&s->fast, in[0], &f);
	if (!ok)
		return 0;
	m = f - sl;
	if (!ind_ema_push(&s->signal, m, &sig))
		return 0;
	out[0] = m;
	out[1] = sig;
	out[2] = m - sig;
	return 1;
}

const struct ind_impl ind_macd = { "macd", macd_setup, macd_update };

/* The highest high and lowest low of a window, for stoch, stochf, willr. */
struct hilo {
	struct ind_deque hi, lo;
	struct ind_sma k, d;
};

static int hilo_setup(qts_ind *ind, int window, int kper, int dper)
{
	struct hilo *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s) || ind_deque_init(ind, &s->hi, window, 1) < 0 ||
	    ind_deque_init(ind, &s->lo, window, 0) < 0)
		return -1;
	if (kper && ind_sma_init(ind, &s->k, kper) < 0)
		return -1;
	if (dper && ind_sma_init(ind, &s->d, dper) < 0)
		return -1;
	return 0;
}

/* TA-Lib's fast %K: 0 when the window has no range. */
static int fastk(qts_ind *ind, const double *in, int window, double *k)
{
	struct hilo *s = ind->st;
	double hh, ll, diff;

	ind_deque_push(&s->hi, in[0]);
	ind_deque_push(&s->lo, in[1]);
	if (ind->nbar < window - 1)
		return 0;
	hh = ind_deque_value(&s->hi);
	ll = ind_deque_value(&s->lo);
	diff = (hh - ll) / 100.0;
	*k = diff != 0.0 ? (in[2] - ll) / diff : 0.0;
	return 1;
}

static int stoch_setup(qts_ind *ind)
{
	int k = (int)ind->opt[0], sk = (int)ind->opt[1], sd = (int)ind->opt[2];

	ind->lookback = (k - 1) + (sk - 1) + (sd - 1);
	return hilo_setup(ind, k, sk, sd);
}

static int stoch_update(qts_ind *ind, const double *in, double *out)
{
	struct hilo *s = ind->st;
	double k, sk, sd;

	if (!fastk(ind, in, (int)ind->opt[0], &k) || !ind_sma_push(&s->k, k, &sk) ||
	    !ind_sma_push(&s->d, sk, &sd))
		return 0;
	out[0] = sk;
	out[1] = sd;
	return 1;
}

const struct ind_impl ind_stoch = { "stoch", stoch_setup, stoch_update };

static int stochf_setup(qts_ind *ind)
{
	int k = (int)ind->opt[0], d = (int)ind->opt[1];

	ind->lookback = (k - 1) + (d - 1);
	return hilo_setup(ind, k, d, 0);
}

static int stochf_update(qts_ind *ind, const double *in, double *out)
{
	struct hilo *s = ind->st;
	double k, d;

	if (!fastk(ind, in, (int)ind->opt[0], &k) || !ind_sma_push(&s->k, k, &d))
		return 0;
	out[0] = k;
	out[1] = d;
	return 1;
}

const struct ind_impl ind_stochf = { "stochf", stochf_setup, stochf_update };

static int willr_setup(qts_ind *ind)
{
	ind->lookback = PERIOD(ind) - 1;
	return hilo_setup(ind, PERIOD(ind), 0, 0);
}

static int willr_update(qts_ind *ind, const double *in, double *out)
{
	struct hilo *s = ind->st;
	double hh, ll, diff;

	ind_deque_push(&s->hi, in[0]);
	ind_deque_push(&s->lo, in[1]);
	if (ind->nbar < PERIOD(ind) - 1)
		return 0;
	hh = ind_deque_value(&s->hi);
	ll = ind_deque_value(&s->lo);
	diff = (hh - ll) / (-100.0);
	out[0] = diff != 0.0 ? (hh - in[2]) / diff : 0.0;
	return 1;
}

const struct ind_impl ind_willr = { "willr", willr_setup, willr_update };

/* CCI: the mean of the typical prices from an exact running sum (so a
 * typical price equal to the window's mean gives 0, not rounding noise);
 * the mean deviation needs the whole window, so O(period) a bar. */
struct cci {
	struct ind_ring r;
	qts_sum sum;
};

static int cci_setup(qts_ind *ind)
{
	struct cci *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s))
		return -1;
	ind->lookback = PERIOD(ind) - 1;
	return ind_ring_init(ind, &s->r, PERIOD(ind));
}

static int cci_update(qts_ind *ind, const double *in, double *out)
{
	struct cci *s = ind->st;
	int p = PERIOD(ind);
	double tp = (in[0] + in[1] + in[2]) / 3, avg, dev = 0, d;

	ind_ring_push(&s->r, tp);
	qts_sum_add(&s->sum, tp);
	if (s->r.n < p)
		return 0;
	avg = qts_sum_value(&s->sum) / p;
	qts_sum_sub(&s->sum, ind_ring_ago(&s->r, p - 1));
	for (int j = 0; j < p; j++)
		dev += fabs(s->r.v[j] - avg);
	d = tp - avg;
	out[0] = (d != 0.0 && dev != 0.0) ? d / (0.015 * (dev / p)) : 0.0;
	return 1;
}

const struct ind_impl ind_cci = { "cci", cci_setup, cci_update };

/* MFI: positive and negative money flow of the last period bars, in
 * exact running sums. */
struct mfi {
	struct ind_ring pos, neg;
	qts_sum psum, nsum;
	double prev;
};

static int mfi_setup(qts_ind *ind)
{
	struct mfi *s = ind_alloc(ind, sizeof *s);

	if (!(ind->st = s) || ind_ring_init(ind, &s->pos, PERIOD(ind)) < 0)
		return -1;
	ind->lookback = PERIOD(ind);
	return ind_ring_init(ind, &s->neg, PERIOD(ind));
}

static int mfi_update(qts_ind *ind, const double *in, double *out)
{
	struct mfi *s = ind->st;
	int p = PERIOD(ind);
	double tp = in[0], d, flow, t, psum;

	tp += in[1];
	tp += in[2];
	tp /= 3.0;
	d = tp - s->prev;
	s->prev = tp;
	if (ind->nbar == 0)
		return 0;
	if (ind->nbar > p) {
		qts_sum_sub(&s->psum, ind_ring_ago(&s->pos, p - 1));
		qts_sum_sub(&s->nsum, ind_ring_ago(&s->neg, p - 1));
	}
	flow = tp * in[3];
	ind_ring_push(&s->pos, d > 0 ? flow : 0);
	ind_ring_push(&s->neg, d < 0 ? flow : 0);
	if (d < 0)
		qts_sum_add(&s->nsum, flow);
	else if (d > 0)
		qts_sum_add(&s->psum, flow);
	if (ind->nbar < p)
		return 0;
	psum = qts_sum_value(&s->psum);
	t = psum + qts_sum_value(&s->nsum);
	out[0] = t < 1.0 ? 0.0 : 100.0 * (psum / t);
	return 1;
}

const struct ind_impl ind_mfi = { "mfi", mfi_setup, mfi_update };

/* roc, rocp, rocr and mom compare with the price period bars ago. */
static int lag_setup(qts_ind *ind)
{
	struct ind_ring *r = ind_alloc(ind, sizeof *r);

	if (!(ind->st = r))
		return -1;
	ind->lookback = PERIOD(ind);
	return ind_ring_init(ind, r, PERIOD(ind) + 1);
}

static int lagged(qts_ind *ind, double x, double *prev)
{
	struct ind_ring *r = ind->st;

	ind_ring_push(r, x);
	if (r->n <= PERIOD(ind))
		return 0;
	*prev = ind_ring_ago(r, PERIOD(ind));
	return 1;
}

static int roc_update(qts_ind *ind, const double *in, double *out)
{
	double p;

	if (!lagged(ind, in[0], &p))
		return 0;
	out[0] = p != 0.0 ? ((in[0] / p) - 1.0) * 100.0 : 0.0;
	return 1;
}

static int rocp_update(qts_ind *ind, const double *in, double *out)
{
	double p;

	if (!lagged(ind, in[0], &p))
		return 0;
	out[0] = p != 0.0 ? (in[0] - p) / p : 0.0;
	return 1;
}

static int rocr_update(qts_ind *ind, const double *in, double *out)
{
	double p;

	if (!lagged(ind, in[0], &p))
		return 0;
	out[0] = p != 0.0 ? in[0] / p : 0.0;
	return 1;
}

static int mom_update(qts_ind *ind, const double *in, double *out)
{
	double p;

	if (!lagged(ind, in[0], &p))
		return 0;
	out[0] = in[0] - p;
	return 1;
}

const struct ind_impl ind_roc = { "roc", lag_setup, roc_update };
const struct ind_impl ind_rocp = { "rocp", lag_setup, rocp_update };
const struct ind_impl ind_rocr = { "rocr", lag_setup, rocr_update };
const struct ind_impl ind_mom = { "mom", lag_setup, mom_update };
