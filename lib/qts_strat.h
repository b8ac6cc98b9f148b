/* qts_strat.h — the registry of built-in strategies of qts-strategy.
 * Each turns one symbol's bars into a signal (-1 short, 0 flat, 1 long, or
 * a fraction of it when sized by volatility); the caller scales the signal
 * by the size or weight parameter, which every strategy takes. */
#ifndef QTS_STRAT_H
#define QTS_STRAT_H
#include "qts.h"

#define QTS_STRAT_MAXPARAM 8

typedef struct qts_strat_param {
	const char *name;
	double def, min, max;
	const char *help;
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
} qts_strat_info;

/* The registry, sorted by name. */
const qts_strat_info *qts_strat_table(size_t *n);
const qts_strat_info *qts_strat_find(const char *name);
/* The index of a parameter of s, or -1. */
int qts_strat_param_index(const qts_strat_info *s, const char *name);

/* Parameters every strategy takes after its own: size (a quantity, unit
 * qty) and weight (a fraction of equity, unit weight; NaN unless given). */
#define QTS_STRAT_COMMON \
	{ "size", 1, 0, 1e12, "quantity when long (unit qty)" }, \
	{ "weight", NAN, -10, 10, "fraction of equity when long (unit weight), instead of size" }

#endif
