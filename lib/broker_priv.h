/* broker_priv.h — the qts-broker stage's engine (broker_stage.c), shared
 * with its checkpoints (broker_state.c).
 *
 * Internal to qts (not installed). */
#ifndef QTS_BROKER_PRIV_H
#define QTS_BROKER_PRIV_H

#include "qts_broker.h"
#include "qts_broker_journal.h"

#define MAX_ENDPOINTS 16

typedef struct strat_target {
	char strategy[QTS_NAME_MAX];
	double qty;
} strat_target;

typedef struct bsym {
	double pos;  /* the real position: the broker's positions and fills */
	double last; /* the last price; NaN before one */
	strat_target *tgt;
	size_t ntgt;
	long seq;    /* ids of the orders made from targets */
	int64_t report_ts; /* of its last fill, update or position written; QTS_TS_MIN before one */
} bsym;

/* One of our orders working at the broker. */
typedef struct working {
	char id[QTS_ID_MAX];
	char symbol[QTS_SYM_MAX];
	int side;
	double qty, filled;
	double notional; /* of the fills seen, for the journal */
	int net;         /* --dry-run: the targets' orders of the symbol, netted */
	int cancel_owed; /* canceled while the broker was down: asked again when it is back */
} working;

typedef struct engine {
	const qts_broker_ops *ops;
	void *b;
	qts_emit_fn emit;
	void *arg;
	qts_broker_journal *j;
	const char *journal_path;
	int dry, fractional;
	double max_value; /* 0: none */
	const char *endpoint[MAX_ENDPOINTS + 1]; /* [0] the broker's default (NULL) */
	size_t nend, cur;
	int started, up, killed, in_call, reconciling, failed;
	int64_t retry_at;  /* monotonic ns: the next connection attempt */
	int64_t quiet_since; /* monotonic ns: since when the input has paused; 0 while it flows */
	int quiet_done;    /* what a pause does was done for this one */
	int attempt;       /* connections failed (or lost before QTS_BACKOFF_HELD) in a row */
	int64_t up_since;  /* monotonic ns: when the connection was last made */
	uint64_t rng;
	char down_why[QTS_TEXT_MAX];
	qts_evbuf out;
	/* What the stage learnt before its first input event (reconciliation
	 * at start): written when that event comes, at its time. */
	qts_evbuf early;
	int seen_input;
	int64_t last_ts, now_ts; /* the latest time written; of the latest input event */
	int have_ts;
	double equity;           /* the broker's latest; NaN before one */
	qts_symtab *syms;
	working *w;
	size_t nw, cw;
	/* The journal's orders the broker's open list named at this connect,
	 * with what it said of them: the broker's word for an order its
	 * lookup, a moment later, may miss (reconcile). */
	struct listed {
		char id[QTS_ID_MAX];
		qts_broker_known k;
	} *listed;
	size_t nlisted, clisted;
	unsigned long sent, refused, repeats;
	/* orders refused as not well formed (a limit without its price, a
	 * quantity of 0, no id) and targets (a quantity past any double): a
	 * program's mistake the stream alone would tell; counted, the
	 * first's symbol, time and reason said at the end */
	struct refusals {
		unsigned long n;
		int64_t ts;
		char sym[QTS_SYM_MAX], why[128];
	} malformed, badtarget;
	/* targets no quantity could be made of: a weight before the first
	 * price of its symbol or the broker's first equity, or of equity not
	 * above 0 (qts-sim says them so too) */
	struct refusals unsized;
	/* Restored from --state with a live account: the last input event
	 * the run before the restart decided an order at (the journal's
	 * orders after the checkpoint), 0 none.  Targets replayed up to it
	 * were decided: they trade no more. */
	uint64_t decided_through;
	int renamed;               /* fresh ids found taken for the order being placed */
	/* A broker that fills on market data (paper): what follows a bar
	 * waits for the other bars of its time, as in qts-sim, so that no
	 * fill dated earlier follows it. */
	int have_group; /* events are held: the broker's bars of a time are open */
	/* How many bars the latest bar time has brought, and the time
	 * before it (-1: not known yet): when a pause comes with as many in,
	 * the time's bars are taken to be all in (see SETTLE). */
	int64_t group_ts;
	long group_bars, last_group_bars;
	qts_event *held;
	size_t nheld, cheld;
	char error[QTS_ERR_MAX];
} engine;

/* --state (broker_state.c): the stage's part (positions it believes,
 * working orders, targets, the kill switch, events held or early, the
 * journal's entries) and, for a broker with save and restore (paper),
 * the account.  0, or -1 (the ckpt says why). */
int qts_broker_state_save(engine *e, struct qts_ckpt *c);
int qts_broker_state_restore(engine *e, struct qts_ckpt *c);

#endif
