/* sim_costs.c — what a fill costs beyond its price: commission, slippage and
 * square-root market impact (formulas in qts-sim(1)). */
#include "qts_sim.h"

#include <stdlib.h>
#include <string.h>

/* Split "a=1,b=2" one item at a time: copies the next item into item and
 * advances *s past it; 0 at the end. */
static int next_item(const char **s, char *item, size_t max)
{
	if (!**s)
		return 0;
	const char *comma = strchr(*s, ',');
	size_t n = comma ? (size_t)(comma - *s) : strlen(*s);
	if (n >= max)
		n = max - 1;
	memcpy(item, *s, n);
	item[n] = '\0';
	*s += comma ? (size_t)(comma - *s) + 1 : strlen(*s);
	return 1;
}

/* One `key=value` item. */
static int kv_split(const char *item, char *key, size_t keymax, const char **val,
		    const char *what, char *err)
{
	if (qts_split_kv(item, key, keymax, val) < 0) {
		snprintf(err, 256, "%s: '%s' is not key=value", what, item);
		return -1;
	}
	return 0;
}

/* The value of key, a number in [lo, hi]; below_hi makes it [lo, hi). */
static int number(const char *val, const char *key, double lo, double hi, int below_hi,
		  double *v, const char *what, char *err)
{
	char e[128];
	if (qts_parse_double(val, -INFINITY, INFINITY, v, e) < 0) {
		snprintf(err, 256, "%s: %s: %s", what, key, e);
		return -1;
	}
	if (!(*v >= lo) || *v > hi || (below_hi && *v == hi)) {
		snprintf(err, 256, "%s: %s: %s is out of range [%g, %g%c", what, key, val, lo, hi,
			 below_hi ? ')' : ']');
		return -1;
	}
	return 0;
}

/* One `key=number` item in [lo, hi]. */
static int kv_number(const char *item, char *key, size_t keymax, double lo, double hi,
		     double *v, const char *what, char *err)
{
	const char *val;
	if (kv_split(item, key, keymax, &val, what, err) < 0)
		return -1;
	return number(val, key, lo, hi, 0, v, what, err);
}

/* An option of a spec given once: a second `min=` says two things, and
 * which one was meant is not for qts-sim to guess.  bit: the option's in
 * *given. */
static int first_time(unsigned *given, unsigned bit, const char *what, const char *key, char *err)
{
	if (*given & bit) {
		snprintf(err, 256, "%s: %s given twice", what, key);
		return -1;
	}
	*given |= bit;
	return 0;
}

int qts_commission_parse(const char *spec, qts_commission *c, char *err)
{
	char item[128], key[32];
	double v;
	const char *s = spec, *val;
	memset(c, 0, sizeof *c);
	if (!next_item(&s, item, sizeof item)) {
		snprintf(err, 256, "commission: empty spec");
		return -1;
	}
	if (kv_split(item, key, sizeof key, &val, "commission", err) < 0)
		return -1;
	int bps = strcmp(key, "bps") == 0;
	if (!bps && strcmp(key, "per-share") != 0 && strcmp(key, "per-contract") != 0) {
		snprintf(err, 256, "commission: unknown model '%s' (bps, per-share, per-contract)", key);
		return -1;
	}
	/* Above 10000 bps the commission would exceed the notional. */
	if (number(val, key, 0, bps ? 1e4 : 1e6, 0, &v, "commission", err) < 0)
		return -1;
	if (bps) {
		c->kind = QTS_COMM_BPS;
		c->bps = v;
		if (*s) {
			snprintf(err, 256, "commission: bps takes no options: '%s'", s);
			return -1;
		}
		return 0;
	}
	c->kind = QTS_COMM_PER_SHARE;
	c->per_share = v;
	unsigned given = 0;
	while (next_item(&s, item, sizeof item)) {
		if (kv_number(item, key, sizeof key, 0, 1e9, &v, "commission", err) < 0)
			return -1;
		int is_min = strcmp(key, "min") == 0, is_max = strcmp(key, "max-pct") == 0;
		if ((is_min || is_max) && first_time(&given, is_min ? 1u : 2u, "commission", key, err) < 0)
			return -1;
		if (is_min)
			c->min = v;
		else if (is_max) {
			/* A cap of 0 would be no commission at all: say so
			 * with per-share=0 instead. */
			if (!(v > 0) || v > 100) {
				snprintf(err, 256, "commission: max-pct: %s is out of range (0, 100]",
					 strchr(item, '=') + 1);
				return -1;
			}
			c->max_pct = v;
		} else {
			snprintf(err, 256, "commission: unknown option '%s' (min, max-pct)", key);
			return -1;
		}
	}
	return 0;
}

double qts_commission_of(const qts_commission *c, double qty, double price, double mult)
{
	double notional = fabs(qty * price * mult);
	switch (c->kind) {
	case QTS_COMM_BPS:
		return notional * c->bps / 1e4;
	case QTS_COMM_PER_SHARE: {
		double fee = fabs(qty) * c->per_share;
		if (fee < c->min)
			fee = c->min;
		/* The cap wins over the minimum, as brokers that have both do. */
		if (c->max_pct > 0 && fee > notional * c->max_pct / 100)
			fee = notional * c->max_pct / 100;
		return fee;
	}
	default:
		return 0;
	}
}

int qts_slippage_parse(const char *spec, qts_slippage *sl, char *err)
{
	char item[128], key[32];
	double v;
	const char *s = spec;
	memset(sl, 0, sizeof *sl);
	if (strcmp(spec, "spread") == 0) {
		sl->kind = QTS_SLIP_SPREAD;
		return 0;
	}
	if (!next_item(&s, item, sizeof item)) {
		snprintf(err, 256, "slippage: empty spec");
		return -1;
	}
	const char *val;
	if (kv_split(item, key, sizeof key, &val, "slippage", err) < 0)
		return -1;
	int bps = strcmp(key, "bps") == 0;
	if (!bps && strcmp(key, "ticks") != 0) {
		snprintf(err, 256, "slippage: unknown model '%s' (bps, ticks, spread)", key);
		return -1;
	}
	/* At 10000 bps a sell would fill at 0. */
	if (number(val, key, 0, bps ? 1e4 : 1e6, bps, &v, "slippage", err) < 0)
		return -1;
	if (bps) {
		sl->kind = QTS_SLIP_BPS;
		sl->bps = v;
		if (*s) {
			snprintf(err, 256, "slippage: bps takes no options: '%s'", s);
			return -1;
		}
		return 0;
	}
	sl->kind = QTS_SLIP_TICKS;
	sl->ticks = v;
	unsigned given = 0;
	while (next_item(&s, item, sizeof item)) {
		if (kv_number(item, key, sizeof key, 0, 1e9, &v, "slippage", err) < 0)
			return -1;
		if (strcmp(key, "tick") != 0) {
			snprintf(err, 256, "slippage: unknown option '%s' (tick)", key);
			return -1;
		}
		if (first_time(&given, 1, "slippage", key, err) < 0)
			return -1;
		if (!(v > 0)) {
			snprintf(err, 256, "slippage: tick: %s is not a tick size (> 0)",
				 strchr(item, '=') + 1);
			return -1;
		}
		sl->tick = v;
	}
	return 0;
}

double qts_slippage_per_share(const qts_slippage *s, double price, double half_spread,
			      double tick)
{
	switch (s->kind) {
	case QTS_SLIP_BPS:
		return fabs(price) * s->bps / 1e4;
	case QTS_SLIP_TICKS:
		/* The symbol's own tick first: one flag serves instruments
		 * of different tick sizes. */
		if (tick > 0)
			return s->ticks * tick;
		return s->tick > 0 ? s->ticks * s->tick : NAN;
	case QTS_SLIP_SPREAD:
		return half_spread > 0 ? half_spread : 0;
	default:
		return 0;
	}
}

int qts_impact_parse(const char *spec, qts_impact *m, char *err)
{
	char item[128], key[32];
	double v;
	const char *s = spec;
	memset(m, 0, sizeof *m);
	m->window = 20;
	if (!next_item(&s, item, sizeof item) || strcmp(item, "sqrt") != 0) {
		snprintf(err, 256, "impact: unknown model '%s' (sqrt)", spec);
		return -1;
	}
	m->on = 1;
	m->k = NAN;
	unsigned given = 0;
	while (next_item(&s, item, sizeof item)) {
		if (kv_number(item, key, sizeof key, 0, 1e6, &v, "impact", err) < 0)
			return -1;
		int is_k = strcmp(key, "k") == 0;
		if ((is_k || strcmp(key, "window") == 0) && first_time(&given, is_k ? 1u : 2u, "impact", key, err) < 0)
			return -1;
		if (is_k)
			m->k = v;
		else if (strcmp(key, "window") == 0) {
			if (v < 2 || v > 100000 || v != (int)v) {
				snprintf(err, 256, "impact: window: %g is not a whole number in [2, 100000]", v);
				return -1;
			}
			m->window = (int)v;
		} else {
			snprintf(err, 256, "impact: unknown option '%s' (k, window)", key);
			return -1;
		}
	}
	if (isnan(m->k)) {
		snprintf(err, 256, "impact: sqrt needs k=X");
		return -1;
	}
	return 0;
}

double qts_impact_per_share(const qts_impact *m, double price, double qty, double sigma,
			    double adv)
{
	if (!m->on || !(sigma >= 0) || !(adv > 0))
		return 0;
	return m->k * sigma * fabs(price) * sqrt(fabs(qty) / adv);
}

int qts_roll_init(qts_roll *r, int window)
{
	memset(r, 0, sizeof *r);
	r->window = window;
	r->last_close = NAN;
	r->ret = calloc((size_t)window, sizeof *r->ret);
	r->vol = calloc((size_t)window, sizeof *r->vol);
	if (!r->ret || !r->vol) {
		qts_roll_free(r);
		return -1;
	}
	return 0;
}

void qts_roll_push(qts_roll *r, double close, double volume)
{
	if (r->last_close > 0 && close > 0) {
		double ret = log(close / r->last_close);
		/* Prices at the ends of the double range overflow their ratio;
		 * the difference of their logs does not. */
		if (!isfinite(ret))
			ret = log(close) - log(r->last_close);
		if (r->nret == r->window)
			qts_moments_sub(&r->mret, r->ret[r->iret]);
		r->ret[r->iret] = ret;
		qts_moments_add(&r->mret, ret);
		r->iret = (r->iret + 1) % r->window;
		if (r->nret < r->window)
			r->nret++;
	}
	r->last_close = close;
	if (r->nvol == r->window)
		qts_sum_sub(&r->svol, r->vol[r->ivol]);
	r->vol[r->ivol] = volume;
	qts_sum_add(&r->svol, volume);
	r->ivol = (r->ivol + 1) % r->window;
	if (r->nvol < r->window)
		r->nvol++;
}

/* Sample standard deviation (ddof 1). */
double qts_roll_sigma(const qts_roll *r)
{
	if (r->nret < 2)
		return NAN;
	return sqrt(qts_moments_ss(&r->mret, r->nret) / (r->nret - 1));
}

double qts_roll_adv(const qts_roll *r)
{
	if (r->nvol < 1)
		return NAN;
	double sum = qts_sum_value(&r->svol);
	if (isfinite(sum))
		return sum / r->nvol;
	/* Volumes near the largest double overflow their sum: divide
	 * each term first. */
	double mean = 0;
	for (int i = 0; i < r->nvol; i++)
		mean += r->vol[i] / r->nvol;
	return mean;
}

void qts_roll_free(qts_roll *r)
{
	free(r->ret);
	free(r->vol);
	r->ret = r->vol = NULL;
}
