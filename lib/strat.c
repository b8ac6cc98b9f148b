/* strat.c — the built-in strategies of qts-strategy.  Each keeps one
 * symbol's state and says nothing (NaN) until its first signal; a signal
 * holds until a rule changes it. */
#include "qts_strat.h"
#include "qts_ind.h"
#include "ind_priv.h"
#include "qts_checkpoint.h"

#include <stdlib.h>
#include <string.h>

/* Indicator from the registry, with its options; NULL and a message in err. */
static qts_ind *ind(const char *name, const double *opt, char *err)
{
	const qts_ind_info *info = qts_ind_find(name);
	if (!info) {
		snprintf(err, 128, "indicator %s is not in the registry", name);
		return NULL;
	}
	double o[4];
	for (int i = 0; i < 4; i++)
		o[i] = i < info->noptions ? info->defaults[i] : 0;
	for (int i = 0; i < info->noptions && opt && !isnan(opt[i]); i++)
		o[i] = opt[i];
	return qts_ind_new(info, o, err);
}

/* ---- moving-average and MACD crosses ------------------------------------ */

struct cross {
	/* what a bar reads first, together */
	double pa, pb, sig;
	qts_ind_kernel_fn ka, kb; /* the indicators' kernels, when they have */
	void *sa, *sb;
	qts_ind *a, *b;
};

/* One value into indicator x (its kernel k of state st, when it has one):
 * its first output, NaN while warming up. */
static inline double cross_step(qts_ind_kernel_fn k, void *st, qts_ind *x, double v)
{
	double out;
	if (k)
		return k(st, v, &out) ? out : NAN;
	return qts_ind_step(x, v);
}

static int cross_init(struct cross *s, const char *name, double fast, double slow, char *err)
{
	if (fast >= slow) {
		snprintf(err, 128, "fast (%g) must be less than slow (%g)", fast, slow);
		return -1;
	}
	double f[4] = { fast, NAN, NAN, NAN }, l[4] = { slow, NAN, NAN, NAN };
	s->pa = s->pb = s->sig = NAN;
	if (!(s->a = ind(name, f, err)) || !(s->b = ind(name, l, err)))
		return -1;
	s->ka = qts_ind_kernel(s->a, &s->sa);
	s->kb = qts_ind_kernel(s->b, &s->sb);
	return 0;
}

/* The signal after fast moved to a and slow to b. */
static double cross_rule(struct cross *s, double a, double b, double shrt)
{
	if (s->pa <= s->pb && a > b)
		s->sig = 1;
	else if (s->pa >= s->pb && a < b)
		s->sig = shrt ? -1 : 0;
	s->pa = a;
	s->pb = b;
	return s->sig;
}

static void cross_free(void *state)
{
	struct cross *s = state;
	qts_ind_free(s->a);
	qts_ind_free(s->b);
}

static int sma_init(void *st, const double *p, char *err) { return cross_init(st, "sma", p[0], p[1], err); }
static int ema_init(void *st, const double *p, char *err) { return cross_init(st, "ema", p[0], p[1], err); }

static double ma_bar(void *state, const double *p, const double *v)
{
	struct cross *s = state;
	/* Two SMAs computing alone, the common case: pushed inline, the two
	 * independent of each other rather than behind two calls. */
	if (s->ka == ind_sma_kernel && s->kb == ind_sma_kernel) {
		double a, b;
		if (!ind_sma_push(s->sa, v[3], &a))
			a = NAN;
		if (!ind_sma_push(s->sb, v[3], &b))
			b = NAN;
		return cross_rule(s, a, b, p[2]);
	}
	return cross_rule(s, cross_step(s->ka, s->sa, s->a, v[3]), cross_step(s->kb, s->sb, s->b, v[3]), p[2]);
}

static int macd_init(void *state, const double *p, char *err)
{
	struct cross *s = state;
	if (p[0] >= p[1]) {
		snprintf(err, 128, "fast (%g) must be less than slow (%g)", p[0], p[1]);
		return -1;
	}
	double o[4] = { p[0], p[1], p[2], NAN };
	s->pa = s->pb = s->sig = NAN;
	return (s->a = ind("macd", o, err)) ? 0 : -1;
}

static double macd_bar(void *state, const double *p, const double *v)
{
	struct cross *s = state;
	double out[3];
	if (!qts_ind_update(s->a, &v[3], out))
		out[0] = out[1] = NAN;
	return cross_rule(s, out[0], out[1], p[3]);
}

/* ---- mean reversion ------------------------------------------------------ */

struct band {
	qts_ind *x;
	double sig;
};

static void band_free(void *state) { qts_ind_free(((struct band *)state)->x); }

static int rsi_init(void *state, const double *p, char *err)
{
	struct band *s = state;
	if (p[1] >= p[2]) {
		snprintf(err, 128, "low (%g) must be less than high (%g)", p[1], p[2]);
		return -1;
	}
	double o[4] = { p[0], NAN, NAN, NAN };
	s->sig = NAN;
	return (s->x = ind("rsi", o, err)) ? 0 : -1;
}

static double rsi_bar(void *state, const double *p, const double *v)
{
	struct band *s = state;
	double r = qts_ind_step(s->x, v[3]);
	if (r < p[1])
		s->sig = 1;
	else if (r > p[2])
		s->sig = p[3] ? -1 : 0;
	return s->sig;
}

static int boll_init(void *state, const double *p, char *err)
{
	struct band *s = state;
	double o[4] = { p[0], p[1], p[1], NAN };
	s->sig = NAN;
	return (s->x = ind("bbands", o, err)) ? 0 : -1;
}

static double boll_bar(void *state, const double *p, const double *v)
{
	struct band *s = state;
	double out[3], c = v[3];
	if (!qts_ind_update(s->x, &c, out))
		return s->sig;
	if (c < out[2])
		s->sig = 1;
	else if (p[2] && c > out[0])
		s->sig = -1;
	else if ((s->sig > 0 && c >= out[1]) || (s->sig < 0 && c <= out[1]))
		s->sig = 0;
	return s->sig;
}

/* ---- breakout ------------------------------------------------------------- */

struct donchian {
	qts_ind *hi_in, *lo_in, *hi_out, *lo_out;
	double hi_e, lo_e, hi_x, lo_x; /* channels up to the previous bar */
	double sig;
};

static int donchian_init(void *state, const double *p, char *err)
{
	struct donchian *s = state;
	double e[4] = { p[0], NAN, NAN, NAN }, x[4] = { p[1], NAN, NAN, NAN };
	s->hi_e = s->lo_e = s->hi_x = s->lo_x = s->sig = NAN;
	if (!(s->hi_in = ind("highest", e, err)) || !(s->lo_in = ind("lowest", e, err)) ||
	    !(s->hi_out = ind("highest", x, err)) || !(s->lo_out = ind("lowest", x, err)))
		return -1;
	return 0;
}

static double donchian_bar(void *state, const double *p, const double *v)
{
	struct donchian *s = state;
	double c = v[3];
	/* exits first: a bar that exits one side may enter the other */
	if (s->sig > 0 && c < s->lo_x)
		s->sig = 0;
	else if (s->sig < 0 && c > s->hi_x)
		s->sig = 0;
	if (!(s->sig > 0) && c > s->hi_e)
		s->sig = 1;
	else if (p[2] && !(s->sig < 0) && c < s->lo_e)
		s->sig = -1;
	s->hi_e = qts_ind_step(s->hi_in, v[1]);
	s->lo_e = qts_ind_step(s->lo_in, v[2]);
	s->hi_x = qts_ind_step(s->hi_out, v[1]);
	s->lo_x = qts_ind_step(s->lo_out, v[2]);
	return s->sig;
}

/* stop=1: stop orders at the channels instead of signals on the close.
 * Flat, a buy stop at the highest high of the last entry bars (and with
 * short=1 a sell stop at the lowest low); long, a sell stop at the lowest
 * low of the last exit bars; short, a buy stop at the exit high. */
static int donchian_orders(void *state, const double *p, double pos, qts_strat_order *out)
{
	struct donchian *s = state;
	int n = 0;
	if (pos > 0 && !isnan(s->lo_x))
		out[n++] = (qts_strat_order){ -1, pos, NAN, s->lo_x };
	else if (pos < 0 && !isnan(s->hi_x))
		out[n++] = (qts_strat_order){ 1, -pos, NAN, s->hi_x };
	else if (pos == 0) {
		if (!isnan(s->hi_e))
			out[n++] = (qts_strat_order){ 1, 1, NAN, s->hi_e };
		if (p[2] && !isnan(s->lo_e))
			out[n++] = (qts_strat_order){ -1, 1, NAN, s->lo_e };
	}
	return n;
}

static void donchian_free(void *state)
{
	struct donchian *s = state;
	qts_ind_free(s->hi_in);
	qts_ind_free(s->lo_in);
	qts_ind_free(s->hi_out);
	qts_ind_free(s->lo_out);
}

/* ---- time-series momentum -------------------------------------------- */

struct momentum {
	qts_ind *roc, *sd;
	double prev;
	double dir; /* 1 long, -1 short, 0 flat; NaN before the first return */
};

static int momentum_init(void *state, const double *p, char *err)
{
	struct momentum *s = state;
	double r[4] = { p[0], NAN, NAN, NAN }, d[4] = { p[3], 1, NAN, NAN };
	s->prev = s->dir = NAN;
	if (!(s->roc = ind("rocp", r, err)))
		return -1;
	if (p[2] > 0 && !(s->sd = ind("stddev", d, err)))
		return -1;
	return 0;
}

static double momentum_bar(void *state, const double *p, const double *v)
{
	struct momentum *s = state;
	double c = v[3], r = qts_ind_step(s->roc, c);
	/* a return of exactly 0 is neither: the signal holds (flat when
	 * it is the first) */
	if (r > 0)
		s->dir = 1;
	else if (r < 0)
		s->dir = p[1] ? -1 : 0;
	else if (r == 0 && isnan(s->dir))
		s->dir = 0;
	double sig = isnan(r) ? NAN : s->dir;
	if (s->sd) {
		/* scale to the target volatility from realised log-return volatility */
		double ret = s->prev > 0 && c > 0 ? log(c / s->prev) : NAN;
		s->prev = c;
		double sd = isnan(ret) ? NAN : qts_ind_step(s->sd, ret);
		double vol = sd * sqrt(p[4]);
		if (isnan(vol))
			return NAN;
		double k = vol > 0 ? p[2] / vol : p[5];
		sig *= k < p[5] ? k : p[5];
	}
	return sig;
}

static void momentum_free(void *state)
{
	struct momentum *s = state;
	qts_ind_free(s->roc);
	qts_ind_free(s->sd);
}

/* ---- the benchmark ----------------------------------------------------- */

static int hold_init(void *state, const double *p, char *err)
{
	(void)state, (void)p, (void)err;
	return 0;
}

static double hold_bar(void *state, const double *p, const double *v)
{
	(void)state, (void)p, (void)v;
	return 1;
}

static void no_free(void *state) { (void)state; }

/* A strategy of the whole portfolio says nothing a symbol: the host runs
 * its qts_strat_portfolio instead. */
static double no_bar(void *state, const double *p, const double *v)
{
	(void)state, (void)p, (void)v;
	return NAN;
}

/* ---- checkpoints: each state both ways (qts_checkpoint.h) --------------- */

static void cross_ck(void *state, qts_ckpt *c)
{
	struct cross *s = state;
	qts_ind_ck(s->a, c);
	if (s->b) /* macd-cross has one indicator */
		qts_ind_ck(s->b, c);
	qts_ck_f64(c, &s->pa), qts_ck_f64(c, &s->pb), qts_ck_f64(c, &s->sig);
}

static void band_ck(void *state, qts_ckpt *c)
{
	struct band *s = state;
	qts_ind_ck(s->x, c);
	qts_ck_f64(c, &s->sig);
}

static void donchian_ck(void *state, qts_ckpt *c)
{
	struct donchian *s = state;
	qts_ind_ck(s->hi_in, c), qts_ind_ck(s->lo_in, c);
	qts_ind_ck(s->hi_out, c), qts_ind_ck(s->lo_out, c);
	qts_ck_f64(c, &s->hi_e), qts_ck_f64(c, &s->lo_e);
	qts_ck_f64(c, &s->hi_x), qts_ck_f64(c, &s->lo_x);
	qts_ck_f64(c, &s->sig);
}

static void momentum_ck(void *state, qts_ckpt *c)
{
	struct momentum *s = state;
	qts_ind_ck(s->roc, c);
	if (s->sd) /* vol=0: none */
		qts_ind_ck(s->sd, c);
	qts_ck_f64(c, &s->prev);
	qts_ck_f64(c, &s->dir);
}

static void no_ck(void *state, qts_ckpt *c) { (void)state, (void)c; }

/* A parameter of each type, and a list of them with its count: adding a
 * strategy is its entry in the table below, nothing else. */
#define REAL(n, d, lo, hi, help) { n, d, lo, hi, help, QTS_PARAM_REAL }
#define INT(n, d, lo, hi, help) { n, d, lo, hi, help, QTS_PARAM_INT }
#define BOOL(n, help) { n, 0, 0, 1, help, QTS_PARAM_BOOL }
#define TEXT(n, help) { n, NAN, NAN, NAN, help, QTS_PARAM_TEXT }
#define PARAMS(...) \
	(int)(sizeof((qts_strat_param[]){ __VA_ARGS__ }) / sizeof(qts_strat_param)), { __VA_ARGS__ }

#define FAST_SLOW(f, s)                                                         \
	INT("fast", f, 2, 100000, "fast period"),                               \
	INT("slow", s, 3, 100000, "slow period"),                               \
	BOOL("short", "1: go short on the opposite cross instead of flat")

static const qts_strat_info table[] = {
	{ "bollinger-reversion", "long below the lower band, flat back at the middle",
	  PARAMS(INT("period", 20, 2, 100000, "bands period"),
	       REAL("nbdev", 2, 0.01, 100, "band width in standard deviations"),
	       BOOL("short", "1: also short above the upper band"), QTS_STRAT_COMMON),
	  sizeof(struct band), boll_init, boll_bar, band_free, NULL, band_ck },
	{ "buy-hold", "long from the first bar on: the benchmark",
	  PARAMS(QTS_STRAT_COMMON), 0, hold_init, hold_bar, no_free, NULL, no_ck },
	{ "donchian-breakout", "turtle channels: long above the entry high, out below the exit low",
	  /* the channels are TA-Lib's MAX and MIN, of 2 bars at least: a
	   * range of 1 failed in the indicator's name, not the parameter's */
	  PARAMS(INT("entry", 20, 2, 100000, "entry channel (bars)"),
	       INT("exit", 10, 2, 100000, "exit channel (bars)"),
	       BOOL("short", "1: also short below the entry low"),
	       BOOL("stop", "1: enter and exit with stop orders at the channels"),
	       QTS_STRAT_COMMON),
	  sizeof(struct donchian), donchian_init, donchian_bar, donchian_free, donchian_orders, donchian_ck },
	{ "ema-cross", "long when the fast EMA crosses above the slow one, flat below",
	  PARAMS(FAST_SLOW(10, 30), QTS_STRAT_COMMON),
	  sizeof(struct cross), ema_init, ma_bar, cross_free, NULL, cross_ck },
	{ "macd-cross", "long when MACD crosses above its signal line, flat below",
	  PARAMS(INT("fast", 12, 2, 100000, "fast EMA period"),
	       INT("slow", 26, 3, 100000, "slow EMA period"),
	       INT("signal", 9, 1, 100000, "signal EMA period"),
	       BOOL("short", "1: go short below instead of flat"), QTS_STRAT_COMMON),
	  sizeof(struct cross), macd_init, macd_bar, cross_free, NULL, cross_ck },
	{ "momentum", "time-series momentum: long when the lookback return is positive",
	  PARAMS(INT("lookback", 252, 1, 100000, "return over this many bars"),
	       BOOL("short", "1: short when the return is negative"),
	       REAL("vol", 0, 0, 10, "target annual volatility (0: no scaling)"),
	       INT("volwin", 20, 2, 100000, "bars of log returns for the volatility"),
	       REAL("periods", 252, 1, 1e6, "bars per year"),
	       REAL("cap", 2, 0, 100, "largest scaling factor"), QTS_STRAT_COMMON),
	  sizeof(struct momentum), momentum_init, momentum_bar, momentum_free, NULL, momentum_ck },
	{ "rebalance", "fixed target weights, set again each period or past a drift band",
	  PARAMS(TEXT("weights", "SYM:W,SYM:W,... or @FILE of SYMBOL,WEIGHT lines"),
	       TEXT("from", "or the weights from events TYPE,ts,symbol,weight"),
	       TEXT("every", "rebalance at the first bar of each period (1d, 1w, 1M, 3M...)"),
	       REAL("band", 0, 0, 10, "rebalance when a weight drifts further than this (0: never)"),
	       TEXT("tz", "the time zone of every's calendar (default UTC)"),
	       REAL("leverage", 1, 0.001, 100, "largest sum of the weights' absolute values"),
	       BOOL("short", "1: allow negative weights")),
	  0, hold_init, no_bar, no_free, NULL, NULL, &qts_rebalance_portfolio },
	{ "rsi-reversion", "long when RSI is below low, flat when above high",
	  PARAMS(INT("period", 14, 2, 100000, "RSI period"),
	       REAL("low", 30, 0, 100, "oversold level"),
	       REAL("high", 70, 0, 100, "overbought level"),
	       BOOL("short", "1: short above high instead of flat"), QTS_STRAT_COMMON),
	  sizeof(struct band), rsi_init, rsi_bar, band_free, NULL, band_ck },
	{ "sma-cross", "long when the fast SMA crosses above the slow one, flat below",
	  PARAMS(FAST_SLOW(10, 30), QTS_STRAT_COMMON),
	  sizeof(struct cross), sma_init, ma_bar, cross_free, NULL, cross_ck },
};

#define NSTRAT (sizeof table / sizeof table[0])

const qts_strat_info *qts_strat_table(size_t *n)
{
	*n = NSTRAT;
	return table;
}

const qts_strat_info *qts_strat_find(const char *name)
{
	for (size_t i = 0; i < NSTRAT; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

int qts_strat_param_index(const qts_strat_info *s, const char *name)
{
	for (int i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].name, name))
			return i;
	return -1;
}
