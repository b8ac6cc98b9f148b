/* qts_ind.h — streaming technical indicators of libqts.
 *
 * Every indicator follows TA-Lib's definition (seeding, smoothing,
 * population deviations, lookback, default unstable period 0) and is fed
 * one bar at a time in O(1) where the math allows.  Names are TA-Lib's in
 * lower case; MA types are not exposed and stay at TA-Lib's default (SMA).
 *
 * vwap is the one indicator TA-Lib lacks: the cumulative
 * sum(typical price * volume) / sum(volume) of the current UTC day.  It
 * takes the bar's time as a fifth input named "ts" (ns since the epoch, as
 * a double) and restarts when the UTC date of ts changes; a day with no
 * volume yet gives the bar's typical price.  qts_ind_reset restarts any
 * indicator by hand. */
#ifndef QTS_IND_H
#define QTS_IND_H
#include <stddef.h>

#include "qts.h"

#define QTS_IND_ERRMAX 128 /* size of the err buffer qts_ind_new writes */
#define QTS_IND_MAXOUT 3   /* outputs of an indicator, at most */

typedef struct qts_ind_info {
	const char *name;    /* "bbands" */
	const char *summary; /* one line for --list */
	/* from "open","high","low","close","volume" (and "ts" for vwap), in
	 * TA-Lib's order */
	int ninputs;
	const char *inputs[5];
	/* TA-Lib's option names in lower case ("period", "nbdevup"...);
	 * options whose name ends in "period" take integers only */
	int noptions;
	const char *options[4];
	double defaults[4];
	double min[4];
	double max[4];
	/* single-output indicators name their output as themselves */
	int noutputs;
	const char *outputs[QTS_IND_MAXOUT];
	const struct ind_impl *impl; /* its code (ind_priv.h) */
} qts_ind_info;

/* The registry: one table sorted by name. */
const qts_ind_info *qts_ind_table(size_t *n);
const qts_ind_info *qts_ind_find(const char *name);
/* Whether an option takes whole numbers only (its name ends in "period"). */
int qts_ind_option_integer(const char *option);
/* By output name: bbupper -> bbands and 0, macdsignal -> macd and 1,
 * sma -> sma and 0.  NULL if no indicator has that output. */
const qts_ind_info *qts_ind_find_output(const char *name, int *output_index);

typedef struct qts_ind qts_ind;

/* options: info->noptions values in the info's order, NULL for the
 * defaults.  NULL with a message in err (QTS_IND_ERRMAX bytes) when an
 * option is out of range or not an integer where one is needed, or when
 * memory runs out. */
qts_ind *qts_ind_new(const qts_ind_info *info, const double *options, char *err);
const qts_ind_info *qts_ind_info_of(const qts_ind *ind);
/* TA-Lib's lookback: the number of bars consumed before the first output. */
int qts_ind_lookback(const qts_ind *ind);
/* Feed one bar: info->ninputs values in the info's order.  Writes
 * info->noutputs values; returns 1 when they are valid, 0 while warming up
 * (they are then NaN). */
int qts_ind_update(qts_ind *ind, const double *inputs, double *outputs);
/* qts_ind_update of an indicator of one input: its first output, NaN
 * while warming up. */
double qts_ind_step(qts_ind *ind, double x);
/* An indicator's kernel: one input, its first output into *out, 1 when
 * valid.  For a caller that feeds one indicator of many (a symbol's each)
 * a value a bar and keeps fn and state where it keeps its own: the
 * indicator itself is then never read, which a stream of many symbols
 * pays for in the cache.  NULL when the family has none (it counts bars).
 * An indicator fed through its kernel is fed through it alone. */
typedef int (*qts_ind_kernel_fn)(void *state, double x, double *out);
qts_ind_kernel_fn qts_ind_kernel(qts_ind *ind, void **state);
/* The same, computing alone: never a series shared between runs (for a
 * caller whose indicators of one family and options may be fed different
 * inputs, which a shared series would only spoil). */
qts_ind_kernel_fn qts_ind_kernel_alone(qts_ind *ind, void **state);
/* Back to the state right after qts_ind_new.  0, or -1 if out of memory
 * (the indicator is then unusable and may only be freed). */
int qts_ind_reset(qts_ind *ind);
void qts_ind_free(qts_ind *ind);

/* Series shared between runs over the same events (ind_share.c): made
 * before the runs are forked, for a replay of at most nevents events, as
 * many series as budget bytes hold (64 at most); NULL when not one fits or
 * the memory cannot be had (runs then compute alone). */
typedef struct qts_ind_share qts_ind_share;
qts_ind_share *qts_ind_share_new(size_t nevents, size_t budget);
void qts_ind_share_free(qts_ind_share *sh);
/* In a run: the kernels made from now on take part, for a replay of the
 * events of [from, to), *at being the number (from 1) of the event being
 * put.  Then, when the run has ended (ok, or not), 0 when every series it
 * read was fed as its writer's was, -1 when its figures do not stand and
 * it must be made again alone. */
void qts_ind_share_join(qts_ind_share *sh, int64_t from, int64_t to, const size_t *at);
int qts_ind_share_leave(int ok);

#endif
