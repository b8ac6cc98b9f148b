/* qts_broker.h — live execution: one interface every broker implements
 * (one file each, broker_NAME.c, listed in broker_table.c) and the
 * qts-broker stage over it (broker_stage.c), which owns everything the
 * brokers share: the order journal (broker_journal.c), reconciliation at
 * start, targets into orders from the real position, --dry-run, the
 * --max-order-value fuse, qts-risk's kill switch, --fallback endpoints and
 * the rejections when every endpoint is down.
 *
 * A broker is driven by the stage alone, one call at a time.  Its calls
 * may wait (a request, a backoff, the token bucket) through
 * qts_stage_wait, so heartbeats, signals and the runtime's loop go on
 * meanwhile; what it learns it appends to out as events (update, fill,
 * position, equity, and system warnings), which the stage dates, orders
 * and writes.  Order ids are ours: the id of the order event, sent as the
 * broker's client order id (Alpaca's client_order_id, IB's orderRef), and
 * every event a broker appends names the order by that id.
 *
 * Keys never appear in argv, a message, a metric or an event: a broker
 * reads them from its environment variables and keeps them to itself.
 *
 * Internal to qts (not installed). */
#ifndef QTS_BROKER_H
#define QTS_BROKER_H

#include "qts_net.h"
#include "qts_stage.h"

#include <getopt.h>
#include <stdarg.h>

struct qts_sim_books; /* qts_sim.h */

/* An order as the stage sends it. */
typedef struct qts_broker_order {
	char id[QTS_ID_MAX];       /* ours, unique for the account's life */
	char symbol[QTS_SYM_MAX];
	char strategy[QTS_NAME_MAX];
	int side;                  /* QTS_BUY, QTS_SELL */
	int kind;                  /* QTS_MARKET, QTS_LIMIT, QTS_STOP, QTS_STOP_LIMIT */
	int tif;                   /* QTS_DAY, QTS_GTC, QTS_IOC, QTS_FOK */
	double qty;                /* > 0 */
	double limit, stop;        /* NaN when the kind has none */
	int64_t ts;                /* the order event's time */
	/* The stage made the id for a target, in this run, and never sent
	 * it before: an order the broker already holds under it is an
	 * earlier run's (ids for targets start again each run without a
	 * --journal), never this one's (place answers QTS_BROKER_TAKEN). */
	int fresh;
	/* The input event it was decided at (qts_stage_event_number), 0
	 * when not known: journaled, so that a replay after a restart knows
	 * how far the run before it went. */
	uint64_t event;
} qts_broker_order;

/* What the broker knows of one of our orders at reconciliation. */
typedef struct qts_broker_known {
	int status;                /* QTS_STATUS_*: the broker's word mapped */
	double filled, avg_price;  /* cumulative */
	int side;                  /* QTS_BUY, QTS_SELL; 0: not said */
	double qty;                /* ordered; 0: not said */
} qts_broker_known;

/* What qts_broker_ops.place and .cancel returned. */
enum {
	QTS_BROKER_OK = 0,         /* sent and taken; what follows comes as updates */
	QTS_BROKER_REJECTED = 1,   /* the broker said no: out holds the rejected update, its reason */
	QTS_BROKER_TAKEN = 2,      /* a fresh id the broker holds already: nothing sent, nothing in out */
	QTS_BROKER_DOWN = -1,      /* no answer (err): unknown whether it arrived */
	QTS_BROKER_STOP = -2       /* the stage is to stop (a signal) */
};

typedef struct qts_broker_ops {
	const char *name;          /* "alpaca", as in `qts-broker alpaca` */
	/* Its own long options (codes from 0x7500 up, { 0 }-terminated;
	 * NULL: none) and their lines for --help. */
	const struct option *options;
	const char *usage;
	/* A broker with its defaults (NULL with err when out of memory), then
	 * option() for each of its options: 0, or -1 with err (a usage
	 * error). */
	void *(*new)(char *err);
	int (*option)(void *b, int c, const char *arg, char *err);
	/* Connect to endpoint (its base URL, or host:port; NULL: the
	 * default, from the environment) and read the account: each position
	 * as a `position` event, the account as an `equity` event.  0, or
	 * QTS_BROKER_DOWN / QTS_BROKER_STOP with err.  Called again after a
	 * drop, and on the next --fallback endpoint. */
	int (*connect)(void *b, const char *endpoint, qts_evbuf *out, char *err);
	/* Whether endpoint (a --fallback) is one connect takes, checked as
	 * the stage is built: 0, or -1 with why in err (a usage error; else
	 * a typo would be found at the failover it was there for).  NULL:
	 * the broker has no endpoint. */
	int (*endpoint_check)(const char *endpoint, char *err);
	/* The broker's view of our order id: 1 with k when it knows the
	 * order, 0 when it has never seen it, or QTS_BROKER_DOWN /
	 * QTS_BROKER_STOP with err. */
	int (*lookup)(void *b, const char *id, qts_broker_known *k, char *err);
	/* The account read again, as connect reads it (every position, the
	 * equity), after a reconciliation that wrote fills of orders the
	 * broker filled meanwhile: connect's figures may hold them or not
	 * (filled before or after it read them), and these hold them all.
	 * 0, or QTS_BROKER_DOWN / QTS_BROKER_STOP with err.  NULL: none. */
	int (*account)(void *b, qts_evbuf *out, char *err);
	/* Our orders still working at the broker (client ids it did not get
	 * from us in this run included), for reconciliation: each as an
	 * `update` event with its status and cumulative fill.  0, or
	 * QTS_BROKER_DOWN / QTS_BROKER_STOP with err. */
	int (*open_orders)(void *b, qts_evbuf *out, char *err);
	int (*place)(void *b, const qts_broker_order *o, qts_evbuf *out, char *err);
	/* Whether the broker is known to hold an order under id that the
	 * stage did not send in this run (an earlier run's, listed at
	 * connect or learnt from a QTS_BROKER_TAKEN): a fresh id for a
	 * target skips it.  NULL: none known (paper). */
	int (*id_used)(void *b, const char *id);
	/* ts: when the stage asks (the request's time, the stage's latest
	 * input event), why: the reason ("canceled on request", "replaced
	 * by a target for every strategy", "emergency stop"): paper dates
	 * and words its update by them, as qts-sim does; a live broker's
	 * update is the broker's. */
	int (*cancel)(void *b, const char *id, int64_t ts, const char *why, qts_evbuf *out, char *err);
	/* Market data passed through the stage (paper fills on it; a live
	 * broker may ignore it: NULL).  0, or -1 with err.  The stage writes
	 * ev before what the broker appends, unless the broker appends ev
	 * itself (a copy, field for field) among its events: then ev goes
	 * out in that place (paper: where qts-sim writes it). */
	int (*market)(void *b, const qts_event *ev, qts_evbuf *out, char *err);
	/* An event other than market data, at ts, goes by now (the stage
	 * holds those that follow a bar until its time's bars are in): what
	 * it closes or what is due at ts goes first (paper: the equity of the
	 * bars of a time that ended before it, and the corporate actions of
	 * its date, as qts-sim writes them there).  0, or -1 with err.
	 * NULL: nothing. */
	int (*advance)(void *b, int64_t ts, qts_evbuf *out, char *err);
	/* Whether ev closes the bars of the latest time the broker fills
	 * on (paper: as qts-sim decides it, a bar of a new time, a coarser
	 * one ending after them, another event dated after their end): the
	 * events the stage held after them go first.  Given with market. */
	int (*closes)(void *b, const qts_event *ev);
	/* What a target for symbol is sized against, by the broker's own
	 * books (paper: the engine's, to the last bit, so that its orders
	 * are qts-sim's): position, working quantity, price, multiplier and
	 * equity.  NULL: the stage's view (the positions, fills, prices and
	 * equity it has seen). */
	void (*books)(void *b, const char *symbol, struct qts_sim_books *out);
	/* The descriptor whose readiness means updates are waiting (a
	 * stream's socket), with its events; -1: none now. */
	int (*fd)(void *b, short *events);
	/* What has come since (never waits long): order updates and fills
	 * from the stream, or from polling while the stream is down (at most
	 * as often as the broker's limits allow), positions and equity when
	 * they change.  now is the monotonic clock (qts_loop_now).  0, or
	 * QTS_BROKER_DOWN with err when the connection is lost (the stage
	 * then connects again, or moves to the next endpoint), or
	 * QTS_BROKER_STOP. */
	int (*poll)(void *b, int64_t now, qts_evbuf *out, char *err);
	/* The input ended: a paper broker's last equity; NULL: nothing. */
	int (*finish)(void *b, qts_evbuf *out, char *err);
	void (*free)(void *b);
	/* The input paused (a live feed between two events): what is due
	 * now (paper: the equity of the latest bar time, as qts-sim --live).
	 * 0, or -1 with err.  NULL: nothing. */
	int (*idle)(void *b, qts_evbuf *out, char *err);
	/* --state (qts_checkpoint.h): a broker whose account lives in the
	 * process (paper) writes it whole, and reads it back into a broker
	 * just made from the same options, before connect (which then finds
	 * the account there).  0, or -1 (the ckpt says why).  NULL: the
	 * account lives at the broker, and the stage reconciles with it when
	 * it connects again (alpaca, ib). */
	int (*save)(void *b, struct qts_ckpt *c);
	int (*restore)(void *b, struct qts_ckpt *c);
} qts_broker_ops;

/* The brokers, one file each. */
extern const qts_broker_ops qts_broker_paper;
extern const qts_broker_ops qts_broker_alpaca;
extern const qts_broker_ops qts_broker_ib;

/* The broker named name, or NULL; the i-th, NULL past the last. */
const qts_broker_ops *qts_broker_find(const char *name);
const qts_broker_ops *qts_broker_at(size_t i);

/* ---- positions kept in step with the fills written (posguard.c) ---------- */

/* Offers in a row a figure may disagree with the fills written before it
 * is taken as it is (a second apart: Alpaca reads again, IB offers again). */
#define QTS_POSGUARD_OFFERS 5

typedef struct qts_posguard_sym qts_posguard_sym;
typedef struct qts_posguard {
	const char *who; /* the warning's prefix: "alpaca", "ib" */
	qts_posguard_sym *s;
	size_t n;
} qts_posguard;

/* A fill written moves the position the output implies.  0, or -1 when
 * out of memory. */
int qts_posguard_fill(qts_posguard *g, const qts_event *fill);
/* The broker's figure for a symbol (a position event) into out: always
 * when all (the account at connect is the truth), else when it agrees
 * with the figure last written plus the fills written since and says
 * something new; one that disagrees is held back, and taken with a warning
 * at its QTS_POSGUARD_OFFERS-th offer in a row.  1 when it is held back
 * (offer it again), 0 when not, -1 when out of memory. */
int qts_posguard_offer(qts_posguard *g, const qts_event *pos, int all, qts_evbuf *out);
/* A read of every position: begin, offer each, then end offers a flat
 * figure (dated now) for each symbol held before that the read left out.
 * end: how many figures are held back, or -1 when out of memory. */
void qts_posguard_begin(qts_posguard *g);
int qts_posguard_end(qts_posguard *g, int64_t now, int all, qts_evbuf *out);
/* For a broker that says a figure once (TWS): the figures held back,
 * offered again (after fills, and a second apart).  How many are still
 * held back, or -1 when out of memory. */
int qts_posguard_reoffer(qts_posguard *g, qts_evbuf *out);
void qts_posguard_free(qts_posguard *g);

/* A system event of level warn from qts-broker into out: 0, or -1 when
 * out of memory. */
int qts_broker_warn(qts_evbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int qts_broker_vwarn(qts_evbuf *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* qts-broker: `qts-broker BROKER [OPTION]... [FILE]...`. */
extern const qts_stage_def qts_broker_stage;
/* The stage over ops (tests drive it with a broker of their own; NULL:
 * none, a usage error after --help and --version), from argv as it is
 * after the broker's name. */
void qts_broker_stage_build(qts_stage *st, const qts_broker_ops *ops, int argc, char **argv, qts_emit_fn emit,
			    void *arg);

#endif
