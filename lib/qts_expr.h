/* qts_expr.h — the strategy expression language: a program of assignments
 * (or a comma-separated list of expressions) compiled once into a tree,
 * then run on every bar against per-symbol state.  The language is
 * described in qts-strategy(1). */
#ifndef QTS_EXPR_H
#define QTS_EXPR_H
#include "qts.h"

enum {
	QTS_EXPR_PROGRAM = 0, /* statements separated by ';' or newlines */
	QTS_EXPR_LIST = 1,    /* expressions separated by ',' (--print) */
	/* a program whose targets are written (-e, -f): it must assign
	 * target, and every statement must assign a variable that is read or
	 * is target, limit or stop */
	QTS_EXPR_TARGETS = 2
};

typedef struct qts_expr_error {
	int line, col; /* 1-based; col counts bytes */
	char msg[160];
} qts_expr_error;

typedef struct qts_expr qts_expr;             /* a compiled program */
typedef struct qts_expr_state qts_expr_state; /* one symbol's state */

/* Compile src; NULL with err filled on a syntax or name error.  Nesting,
 * size, variables, calls and history are bounded (qts-strategy(1)). */
qts_expr *qts_expr_compile(const char *src, int mode, qts_expr_error *err);
void qts_expr_free(qts_expr *e);
/* `PROG: NAME:LINE:COL: message`, then the offending line of src and a
 * caret under the column. */
void qts_expr_error_print(FILE *f, const char *name, const char *src,
			  const qts_expr_error *err);

/* Statements (or list items), each with its source text as written. */
size_t qts_expr_count(const qts_expr *e);
const char *qts_expr_text(const qts_expr *e, size_t i);
/* The variable statement i assigns (qts_expr_var's slot), or -1. */
int qts_expr_assigns(const qts_expr *e, size_t i);
/* The slot of a variable, or -1 when the program never assigns it.
 * `target` (slot 0, nan at start) and `position` (slot 1, nan until the
 * host sets it; a program cannot assign it) always have a slot; `limit`
 * and `stop` start as nan when assigned. */
int qts_expr_var(const qts_expr *e, const char *name);
/* Whether the program reads a series of the market (close, volume@1d...):
 * its targets can change with the data, `target = 0` cannot. */
int qts_expr_reads_series(const qts_expr *e);
/* Timeframes named with `@` (canonical form, "1d"); series slot i + 1.
 * Slot 0 is the timeframe that drives the program. */
size_t qts_expr_ntf(const qts_expr *e);
const char *qts_expr_tf(const qts_expr *e, size_t i);

/* Per-symbol state: variables (0, and `target` NaN, at start), series
 * history and one indicator instance per call site.  NULL on allocation
 * failure. */
qts_expr_state *qts_expr_state_new(const qts_expr *e);
void qts_expr_state_free(qts_expr_state *s);
/* The series of a slot: open, high, low, close, volume, then ts, the
 * bar's start time in ns since the epoch as a double. */
#define QTS_EXPR_NFIELDS 6
/* A new bar for a series slot. */
void qts_expr_bar(qts_expr_state *s, size_t slot, const double bar[QTS_EXPR_NFIELDS]);
/* Run every statement once (call after the driving bar was added); each
 * statement's value goes to values[i] when values is not NULL.  The run
 * works in scratch space of e: one run of a program at a time. */
void qts_expr_run(const qts_expr *e, qts_expr_state *s, double *values);
double qts_expr_get(const qts_expr_state *s, int var);
/* ---- cross-sectional functions (rank, pct_rank, zscore, demean, count;
 * qts_xsect.h) ----
 * Their value at a bar depends on every symbol's bar of that time, so a
 * program that calls them runs in steps, every symbol of a time through
 * step k before any through step k + 1, with a scratch val of its own a
 * symbol (qts_expr_nodes values).  qts_expr_run reads each of them as
 * NaN (a symbol alone, out of any cross-section). */
/* The cross-sectional calls of a program, in the order of the steps; 0:
 * none, qts_expr_run is the whole run. */
size_t qts_expr_nxs(const qts_expr *e);
size_t qts_expr_nodes(const qts_expr *e);
/* Call k: its function (QTS_XS_*); in a scratch val, val[*arg] holds its
 * argument's value after step k (*arg -1 for count(), which has none) and
 * val[*node] is where its value goes before step k + 1. */
int qts_expr_xs(const qts_expr *e, size_t k, int *arg, int *node);
/* Step k of a run, k in [0, nxs]: the program up to call k (to its end
 * when k is nxs, which completes the run as qts_expr_run does). */
void qts_expr_step(const qts_expr *e, qts_expr_state *s, double *val, size_t k);
/* After the last step: each statement's value, as qts_expr_run's values. */
void qts_expr_values(const qts_expr *e, const double *val, double *values);
void qts_expr_set(qts_expr_state *s, int var, double v);
/* The state to a checkpoint, or from one into a state fresh from
 * qts_expr_state_new of the same program (qts_checkpoint.h, both ways);
 * one of another program makes the ckpt bad. */
struct qts_ckpt;
void qts_expr_state_ck(qts_expr_state *s, struct qts_ckpt *c);

#endif
