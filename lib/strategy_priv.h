/* strategy_priv.h — the parts of qts-strategy's stage (lib/strategy_*.c):
 * one host a run, driving one of a built-in strategy, an expression
 * program, a --print table or a plugin.  Internal to those files. */
#ifndef QTS_STRATEGY_PRIV_H
#define QTS_STRATEGY_PRIV_H
#include "qts_expr.h"
#include "qts_plugin.h"
#include "qts_sim.h" /* qts_instrument */
#include "qts_stage.h"
#include "qts_strat.h"
#include "streq.h"
#include "qts_table.h"

extern const char qts_strategy_usage[];

enum strategy_mode { M_BUILTIN, M_EXPR, M_PRINT, M_PLUGIN };

/* The command line, as parsed. */
struct strategy_options {
	int list, watch;
	const char *expr, *progfile, *print, *plugin, *tf, *name, *unit;
	const char *strategy;
	int64_t xs_wait; /* --xs-wait, ns; 0: none */
	char **kv; /* key=value arguments */
	int nkv;
	/* --instrument, --instruments: which symbols are contracts */
	qts_instrument *instruments;
	size_t ninstruments;
	qts_stage_conf conf;
};

struct sym {
	/* what every bar reads, together: a stream of many symbols visits
	 * each symbol's state once a round of them, out of the cache by then */
	qts_field_key namek; /* name's, to know a bar's symbol by (strategy_sym) */
	int ready;
	unsigned idx; /* in host.all, + 1; 0 when not there yet */
	void *state; /* a built-in's */
	qts_expr_state *es;
	qts_strat_last last; /* target */
	qts_strat_tfs tfs;
	char name[QTS_SYM_MAX];
	/* orders; with --feedback, pos is the real position */
	qts_strat_book book;
	/* 1 + its place among the bars a cross-section holds, 0 when none
	 * (strategy_xsect.c; it follows from the held list) */
	size_t xs_at;
};

struct host {
	/* the symbols in the order they came, and the index of the last
	 * one found: interleaved streams repeat one order of symbols */
	struct sym **all;
	size_t nall, call, guess;
	enum strategy_mode mode;
	qts_emit_fn emit; /* the next stage, or the runtime's writer */
	void *emit_arg;
	qts_table *table; /* --print */
	int table_failed; /* --print could not write: said when standard output closes */
	qts_strat_out out;
	char tf[16]; /* --tf, canonical, or "" */
	int unit;       /* QTS_UNIT_QTY or QTS_UNIT_WEIGHT */
	double mult;    /* built-ins: size or weight */
	int use_orders; /* trade with orders instead of targets */
	int feedback;   /* positions from --feedback; none presumed */
	qts_instrument *instruments; /* contracts (owned) */
	size_t ninstruments;
	/* built-in */
	const qts_strat_info *strat;
	double param[QTS_STRAT_MAXPARAM];
	void *portfolio; /* a strategy of the whole portfolio's state (rebalance) */
	/* expression */
	qts_expr *expr;
	const char **tfs; /* the timeframes it names with @ */
	size_t ntfs;      /* how many */
	int target_var, position_var, limit_var, stop_var;
	double *values;
	struct xsect *xs; /* a program with cross-sectional calls: NULL when none */
	int restartable;  /* --state or --output-journal: the end of this input may not be the stream's */
	/* plugin */
	qts_plugin *pl;
	const char *plugin_path;
	struct qts_strategy_param *pparam; /* keys from strdup */
	size_t npparam;
	unsigned long hups_seen; /* SIGHUPs handled so far */
	int64_t clock;           /* when the last event put became known */
	qts_symtab *syms;        /* struct sym */
	/* where the event being handled was read, from the runtime */
	const char *(*where)(void *ctx);
	void *where_ctx;
	/* bars read, of the driving timeframe, and of each @ timeframe */
	uint64_t bars, drive_bars, tf_bars[9];
	uint64_t points; /* ticks and quotes: a built-in or a program uses none */
	uint64_t targets, orders; /* written */
	uint64_t held;            /* targets written that are not 0 */
	int64_t out_ts; /* the latest time of what the strategy wrote (a target at a bar's end) */
	int stop; /* emit failed, or a number could not be written: no more output */
	char err[512]; /* why put or finish stopped, when not emit */
};

/* A symbol's state, made at its first event (name: an event's symbol
 * field, all QTS_SYM_MAX bytes readable); NULL when out of memory
 * (h->err says so). */
struct sym *strategy_sym(struct host *h, const char name[QTS_SYM_MAX]);
/* Where the event being handled was read, for a message. */
const char *strategy_where(const struct host *h);
/* s quoted for a message (qts_quote), in buf of size bytes. */
const char *strategy_quoted(const char *s, char *buf, size_t size);
/* Stop on a number no reader would take back: an infinity written is a
 * stream every later stage refuses.  Sets h->err; returns -1. */
int strategy_not_finite(struct host *h, const char *symbol, const char *what, double v,
			const char *from);
/* The same for a limit or stop price of 0 or below: no order goes out at
 * it (qts-sim would reject it). */
int strategy_not_price(struct host *h, const char *symbol, const char *what, double v, const char *from);
/* Put an event the strategy made (a target, order or cancel): checked to
 * be finite, counted.  The qts_strat_out put. */
int strategy_emit(void *ctx, const qts_event *ev);

/* strategy_builtin.c */
void strategy_setup_builtin(struct host *h, const struct strategy_options *o);
int strategy_builtin_state(struct host *h, struct sym *s);
void strategy_builtin_bar(struct host *h, struct sym *s, const qts_event *ev);
/* An event of the input other than a bar, for a strategy of the whole
 * portfolio. */
void strategy_builtin_event(struct host *h, const qts_event *ev);

/* strategy_expr.c: -e, -f and --print */
void strategy_setup_expr(struct host *h, const struct strategy_options *o);
void strategy_expr_bar(struct host *h, struct sym *s, unsigned mask, const qts_event *ev,
		       const double v[QTS_EXPR_NFIELDS]);
/* The table's rows so far out to standard output: 0, or -1. */
int strategy_table_flush(struct host *h);
/* Before a run: the position the program reads. */
void strategy_expr_position(struct host *h, struct sym *s);
/* After a run whose values are in h->values: the row of a bar starting
 * at ts, or the targets or orders, stamped h->out.now. */
void strategy_expr_result(struct host *h, struct sym *s, int64_t ts);

/* strategy_xsect.c: the bars a cross-section holds until its time is
 * complete (wait: --xs-wait in ns, 0 for none) */
struct xsect *strategy_xsect_new(const qts_expr *e, int64_t wait);
void strategy_xsect_free(struct xsect *x);
/* Before event ev is passed on: a later time completes the one held.
 * 0, or -1 to stop. */
int strategy_xsect_before(struct host *h, const qts_event *ev);
/* A driving bar (its series already fed): 0 held, 1 when it came after
 * its time was evaluated (said; run it alone), -1 to stop (h->err). */
int strategy_xsect_bar(struct host *h, struct sym *s, const qts_event *ev);
/* The wall clock: --xs-wait may have run out.  0, or -1 to stop. */
int strategy_xsect_tick(struct host *h, int64_t now);
/* The input ended: the time held is complete.  0, or -1 to stop. */
int strategy_xsect_finish(struct host *h);
/* What is held, to a checkpoint or from one (qts_checkpoint.h, both
 * ways), after the symbols' own parts. */
struct qts_ckpt;
void strategy_xsect_ck(struct host *h, struct qts_ckpt *c);

/* strategy_plugin.c */
void strategy_setup_plugin(struct host *h, const struct strategy_options *o);
/* Before each event (idle 0), when the input pauses (idle 1) or at the
 * --watch timer (idle 1): reload after a SIGHUP, or when --watch sees a
 * new build. */
void strategy_plugin_poll(struct host *h, int idle);

/* strategy_feedback.c: an event from --feedback */
int strategy_feedback(struct host *h, const qts_event *ev);

/* strategy_state.c: --state (qts(7) CHECKPOINTS) */
/* Refuse --state (a usage error) for what keeps no checkpoints. */
void strategy_state_check(const struct host *h, const struct strategy_options *o);
struct qts_ckpt;
int strategy_save(void *eng, struct qts_ckpt *c);
int strategy_restore(void *eng, struct qts_ckpt *c);

#endif
