/* qts_strat.h — the registry of built-in strategies of qts-strategy.
 * Each turns one symbol's bars into a signal (-1 short, 0 flat, 1 long, or
 * a fraction of it when sized by volatility); the caller scales the signal
 * by the size or weight parameter, which every strategy takes. */
#ifndef QTS_STRAT_H
#define QTS_STRAT_H
#include "qts.h"
#include "streq.h"

struct qts_ckpt;

#define QTS_STRAT_MAXPARAM 8

/* What a parameter's value may be besides its range: any number, a whole
 * number (a period, a count of bars), 0 and 1 (a switch), or a text that
 * the strategy reads itself (its param[] value stays NaN). */
enum { QTS_PARAM_REAL, QTS_PARAM_INT, QTS_PARAM_BOOL, QTS_PARAM_TEXT };

typedef struct qts_strat_param {
	const char *name;
	double def, min, max;
	const char *help;
	int type; /* QTS_PARAM_*: REAL when left out */
} qts_strat_param;

/* A working order a strategy wants after a bar: side 1 buy, -1 sell; qty
 * in signal units; limit and stop prices, NaN where not used. */
typedef struct qts_strat_order {
	int side;
	double qty, limit, stop;
} qts_strat_order;

typedef struct qts_strat_info {
	const char *name;
	const char *summary;
	int nparams;
	qts_strat_param params[QTS_STRAT_MAXPARAM];
	size_t state_size;
	/* Set up one symbol's zeroed state for parameters p (in params order);
	 * 0, or -1 with a message in err (>= 128 bytes). */
	int (*init)(void *state, const double *p, char *err);
	/* The signal after this bar: NaN while it has no opinion yet. */
	double (*bar)(void *state, const double *p, const double ohlcv[5]);
	void (*free)(void *state);
	/* Strategies that can trade with orders (parameter stop=1): after
	 * bar, the orders to keep working for a position pos (signal units,
	 * as the orders so far have filled); returns how many (at most 2).
	 * NULL for the others. */
	int (*orders)(void *state, const double *p, double pos, qts_strat_order out[2]);
	/* The state to a checkpoint, or from one into a state fresh from
	 * init with the same parameters (qts_checkpoint.h, both ways).  NULL:
	 * the strategy keeps no checkpoints, and --state refuses it. */
	void (*ck)(void *state, struct qts_ckpt *c);
	/* A strategy of the whole portfolio, not of one symbol (rebalance):
	 * the host runs it through these instead of init and bar.  NULL for
	 * the others. */
	const struct qts_strat_portfolio *portfolio;
} qts_strat_info;

/* The registry, sorted by name. */
const qts_strat_info *qts_strat_table(size_t *n);
const qts_strat_info *qts_strat_find(const char *name);
/* The index of a parameter of s, or -1. */
int qts_strat_param_index(const qts_strat_info *s, const char *name);
/* A built-in strategy's parameters from `key=value` words (kv[0..n)):
 * param[] (s->nparams values) starts at the defaults, and each word sets
 * one, checked against its range and type (a whole number refuses 2.5, a
 * switch takes 0 or 1 alone), once each; then the rules between them
 * (size and weight exclude each other, momentum's volwin, periods and cap
 * go with vol above 0, stop=1 trades quantities) and the strategy's own
 * (fast < slow), tried on a state set up and freed at once.  0, or -1
 * with a message in err (QTS_ERR_MAX bytes) that starts with the
 * strategy's name. */
int qts_strat_params_parse(const qts_strat_info *s, char *const *kv, int n, double *param, char *err);

/* Parameters every strategy takes after its own: size (a quantity, unit
 * qty) and weight (a fraction of equity, unit weight; NaN unless given). */
#define QTS_STRAT_COMMON \
	{ "size", 1, 0, 1e12, "quantity when long (unit qty)" }, \
	{ "weight", NAN, -10, 10, "fraction of equity when long (unit weight), instead of size" }

/* ---- trading with orders (strat_orders.c) ---------------------------------
 * A strategy that trades with limit and stop orders keeps at most two
 * working orders a symbol.  It never sees its fills: after each bar it
 * presumes filled the orders that qts-sim's fill model fills on that bar,
 * and its position moves by them. */

/* One symbol's working orders (live while id[0]) and the position they
 * have reached.  Zeroed is empty and flat. */
typedef struct qts_strat_book {
	double pos;
	/* a contract (--instrument): its orders trade at any finite price,
	 * zero and below too, as in qts-sim; set as the symbol is first
	 * seen, from the options, never from saved state */
	int contract;
	struct qts_strat_working {
		char id[QTS_ID_MAX];
		qts_strat_order o;
		/* a stop_limit whose stop an earlier bar reached: a limit
		 * order since, as qts-sim keeps a stop once touched */
		int triggered;
	} work[2];
} qts_strat_book;

/* Where targets, orders and cancels go: put(ctx, ev) writes one event (0, or -1
 * when it failed; the caller's put says why).  Events are stamped now;
 * order ids are `STRATEGY-N`, N counting up from seq + 1 across symbols. */
typedef struct qts_strat_out {
	int (*put)(void *ctx, const qts_event *ev);
	void *ctx;
	const char *strategy;
	int64_t now;
	unsigned long seq;
} qts_strat_out;

/* The last target written for a symbol (zeroed: none yet). */
typedef struct qts_strat_last {
	int set;
	int code; /* unit's QTS_UNIT_ code + 1; 0 when restored (unit then says) */
	double target;
	char unit[QTS_WORD_MAX];
} qts_strat_last;

/* qts_strat_target's part out of line: call qts_strat_target. */
int qts_strat_put_target(qts_strat_last *l, const char *symbol, double target, int unit, qts_strat_out *out);
/* Put a target for symbol unless it is NaN or the same as the last one
 * (unit QTS_UNIT_QTY or QTS_UNIT_WEIGHT): 0, or -1 when the put failed.
 * Most bars leave the target as it was: that test inline, in the caller.
 * The unit is compared as its code, but for the first target after a
 * restore, which knows only the unit's word. */
static inline int qts_strat_target(qts_strat_last *l, const char *symbol, double target, int unit,
				   qts_strat_out *out)
{
	if (isnan(target) || (l->set && target == l->target && l->code == unit + 1))
		return 0;
	return qts_strat_put_target(l, symbol, target, unit, out);
}
/* Whether order o of a share fills on a bar (open, high, low, close) by
 * qts-sim's fill model. */
int qts_strat_fills_on(const qts_strat_order *o, const double v[4]);
/* Take as filled the working orders that fill on this bar. */
void qts_strat_presume_fills(qts_strat_book *b, const double v[4]);
/* Keep the working orders that are in want[0..n) as they are, cancel the
 * others, and send the wanted ones not yet working as gtc orders (kind
 * market, limit, stop or stop_limit by the prices given).  0, or -1 when
 * a put failed (the others were still put). */
int qts_strat_place(qts_strat_book *b, const char *symbol, const qts_strat_order *want, int n,
		    qts_strat_out *out);
/* The order that takes a position pos to target at a limit and/or stop
 * price (NaN where not used): 1 with it in *o, or 0 for none (no target,
 * already there, or no finite price yet). */
int qts_strat_target_order(double target, double pos, double limit, double stop,
			   qts_strat_order *o);
/* The orders a built-in strategy s wants after a bar, for a position pos
 * in quantities, its signal scaled by size mult: how many (at most 2). */
int qts_strat_sized_orders(const qts_strat_info *s, void *state, const double *p, double mult,
			   double pos, qts_strat_order out[2]);

/* ---- strategies of the whole portfolio ---------------------------------------
 * One state a run, fed every bar of the driving timeframe, the input's
 * other events and --feedback's; targets go out through a qts_strat_out. */

typedef struct qts_strat_portfolio {
	/* The state for parameters p (parsed by qts_strat_params_parse) and
	 * the key=value words kv[0..n) (its text parameters); feedback: the
	 * positions come from --feedback.  NULL with a message in err
	 * (QTS_ERR_MAX bytes) and the exit status in *status. */
	void *(*open)(const qts_strat_info *s, const double *p, char *const *kv, int n, int feedback,
		      char *err, int *status);
	/* After a bar: 0, or -1 with a message in err. */
	int (*bar)(void *st, const qts_event *bar, qts_strat_out *out, char *err);
	/* Any other event of the input: 0, or -1 with err. */
	int (*event)(void *st, const qts_event *ev, char *err);
	/* An event of --feedback. */
	void (*feedback)(void *st, const qts_event *ev);
	void (*close)(void *st);
	/* The state to a checkpoint, or from one into a state fresh from open
	 * with the same parameters (qts_checkpoint.h, both ways). */
	void (*ck)(void *st, struct qts_ckpt *c);
	/* The end of the input (restartable: with --state, the end of a part
	 * of the stream): 0, or -1 with a message in err. */
	int (*finish)(void *st, int restartable, char *err);
} qts_strat_portfolio;

/* rebalance (strategy_rebalance.c) */
extern const qts_strat_portfolio qts_rebalance_portfolio;

/* ---- the bars of a symbol (strat_bars.c) ------------------------------------
 * A strategy is driven by one timeframe a symbol; a program may also read
 * series of other timeframes (`close@1w`).  The bars of any other
 * timeframe pass by unused. */

#define QTS_STRAT_TFS 9 /* timeframes remembered a symbol: room for the driving one and 8 named with @ (strat_bars.c) */

/* One symbol's timeframes seen so far.  Zeroed is new. */
typedef struct qts_strat_tfs {
	int n;
	struct qts_strat_tf {
		char tf[QTS_WORD_MAX]; /* as the bars spell it */
		unsigned mask;
		qts_tf parsed;
		int64_t ns; /* qts_tf_ns(parsed), worked out once: 0 for months */
		qts_field_key key; /* tf's, worked out once (qts_strat_route_fast) */
		int64_t last;      /* its last bar's ts: the next is after it, */
		double last_v[5];  /* or that bar again: its open ... volume */
	} seen[QTS_STRAT_TFS];
	char drive[QTS_WORD_MAX]; /* the driving timeframe, canonical; "" before a bar */
	int64_t overlapped; /* QTS_STRAT_OVERLAP: the start of the bar overlapped */
} qts_strat_tfs;

/* The series a bar feeds, as a mask: bit 0 when its timeframe drives the
 * strategy (drive, canonical; when NULL or "", the timeframe of the
 * symbol's first bar), bit k + 1 when it is tfs[k] (canonical, k < 31);
 * and in *known when the bar became known, the end of its interval.
 * 0; -1 when the bar's tf is not a timeframe; QTS_STRAT_REPEAT when it
 * is the symbol's last bar of that timeframe again, the same in every
 * field (delivered twice, or by qts-resample -k): passed on, counted
 * once; QTS_STRAT_NOT_AFTER when it is another bar, not after that one
 * (a second bar for one time would count twice in every indicator);
 * QTS_STRAT_OVERLAP when it starts before that one ends. */
#define QTS_STRAT_NOT_AFTER (-2)
#define QTS_STRAT_REPEAT (-3)
/* A bar that starts before the last of its timeframe ends
 * (qts_bar_overlaps): that one's time in the tfs' overlapped. */
#define QTS_STRAT_OVERLAP (-4)

/* A bar of t's timeframe that is not after its last. */
static inline int qts_strat_not_after(const struct qts_strat_tf *t, const qts_event *bar)
{
	return bar->ts == t->last && memcmp(t->last_v, &bar->bar.open, sizeof t->last_v) == 0
	       ? QTS_STRAT_REPEAT : QTS_STRAT_NOT_AFTER;
}

/* A bar of t's timeframe after its last that starts before that one ends:
 * QTS_STRAT_OVERLAP, noted in s; else 0 (strat_bars.c). */
int qts_strat_overlap(qts_strat_tfs *s, const struct qts_strat_tf *t, const qts_event *bar);

/* The bar t's timeframe has last. */
static inline void qts_strat_tf_last(struct qts_strat_tf *t, const qts_event *bar)
{
	t->last = bar->ts;
	memcpy(t->last_v, &bar->bar.open, sizeof t->last_v);
}
int qts_strat_route(qts_strat_tfs *s, const char *drive, const char *const *tfs, size_t ntf,
		    const qts_event *bar, unsigned *mask, int64_t *known);

/* qts_strat_route, inline for the bar of a symbol's first timeframe of
 * fixed length (nearly every bar of a stream): its tf known by the key
 * kept of it. */
static inline int qts_strat_route_fast(qts_strat_tfs *s, const char *drive, const char *const *tfs,
				       size_t ntf, const qts_event *bar, unsigned *mask, int64_t *known)
{
	struct qts_strat_tf *t = &s->seen[0];
	int64_t end;
	if (s->n > 0 && qts_field_key_eq(&t->key, t->tf, bar->bar.tf) && t->ns > 0 && t->ns < INT64_MAX &&
	    !__builtin_add_overflow(bar->ts, t->ns, &end)) {
		if (__builtin_expect(bar->ts <= t->last, 0))
			return qts_strat_not_after(t, bar);
		/* a start less than a bar after the last's: the call finds
		 * out whether the two overlap (a day after a short one does
		 * not) */
		if (__builtin_expect((uint64_t)bar->ts - (uint64_t)t->last < (uint64_t)t->ns, 0) &&
		    qts_strat_overlap(s, t, bar))
			return QTS_STRAT_OVERLAP;
		qts_strat_tf_last(t, bar);
		*mask = t->mask;
		*known = end;
		return 0;
	}
	return qts_strat_route(s, drive, tfs, ntf, bar, mask, known);
}

#endif
