/* broker_stage.c — qts-broker as a stage: what every broker shares.  The
 * input passes through; orders, targets and cancels become the broker's
 * calls, market data goes to the broker (paper fills on it) and keeps the
 * last prices; what the broker says comes back as events, dated so that
 * the output stays in time order.  Around the calls: the order journal
 * and reconciliation at start (broker_journal.c), targets resolved
 * against the real position, --dry-run, the --max-order-value fuse,
 * qts-risk's kill switch, and reconnection over the --fallback endpoints
 * with every order refused while none answers. */
#include "qts_broker.h"
#include "qts_broker_journal.h"
#include "broker_priv.h"
#include "qts_loop.h"
#include "qts_sim.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EPS QTS_QTY_EPS
/* Ended orders remembered without --journal, as qts-sim remembers ids */
#define KEEP_ENDED 65536
/* The broker's own timer while it has a stream or a poll: its updates,
 * and a reconnection when due, come at least this often. */
#define POLL_EVERY (100 * 1000000LL)
/* How long the input must pause, while the latest bar time has brought
 * fewer bars than the time before it, before a broker that fills on
 * market data lets the events held after its bars go and writes its
 * equity: a stall of a pipe that short (a stage upstream between two
 * writes) changes nothing written.  With as many bars in as the time
 * before, a pause acts at once: a live feed's burst of bars is in, and
 * its orders go out now. */
#define SETTLE (2 * 1000000LL)

enum { OPT_JOURNAL = 0x7400, OPT_DRY_RUN, OPT_MAX_VALUE, OPT_FALLBACK, OPT_VERSION };

static const char common_usage[] =
	"usage: qts-broker BROKER [-M] [--journal FILE] [--dry-run] [--max-order-value X]\n"
	"                  [--fallback ENDPOINT]... [--heartbeat DURATION] [--metrics FILE]\n"
	"                  [--busy-poll DURATION] [--state FILE]\n"
	"                  [--checkpoint-every N|DURATION] [--output-journal J]\n"
	"                  [BROKER OPTION]... [FILE...]\n"
	"       qts-broker --version | --help\n";

static const char common_help[] =
	"Send orders, targets and cancels to a broker; write what it says: order\n"
	"updates, fills, positions and equity (qts-broker(1)).  BROKER is one of\n"
	"the brokers below.\n"
	"  -M, --msgpack           write msgpack instead of CSV\n"
	"  --journal FILE          the order journal: no order is sent twice, none is\n"
	"                          forgotten, across a crash and a restart\n"
	"  --dry-run               send nothing: write a `new` update for each order\n"
	"                          that would be sent\n"
	"  --max-order-value X     reject an order worth more than X (qty x price)\n"
	"  --fallback ENDPOINT     another endpoint of the same account, tried when\n"
	"                          the ones before it are down (repeatable)\n"
	"  --heartbeat DURATION    a system event every DURATION (10s, 1m)\n"
	"  --metrics FILE          Prometheus metrics of the stage in FILE, each second\n"
	"  --busy-poll DURATION    poll without sleeping up to DURATION before a wait\n"
	QTS_STAGE_STATE_HELP_2
	"  -h, --help              print this help\n"
	"  --version               print the version\n"
	"Brokers and their options:\n";

static char usage[16384];

static void build_usage(void)
{
	size_t len = (size_t)snprintf(usage, sizeof usage, "%s", common_usage);
	for (size_t i = 0; qts_broker_at(i) && len < sizeof usage; i++) {
		const qts_broker_ops *b = qts_broker_at(i);
		len += (size_t)snprintf(usage + len, sizeof usage - len, "%s%s", i ? "" : "       BROKER: ", b->name);
		if (qts_broker_at(i + 1) && len < sizeof usage)
			len += (size_t)snprintf(usage + len, sizeof usage - len, ", ");
	}
	if (len < sizeof usage)
		snprintf(usage + len, sizeof usage - len, "\n");
}

static _Noreturn void help(void)
{
	fputs(common_usage, stdout);
	fputs(common_help, stdout);
	for (size_t i = 0; qts_broker_at(i); i++) {
		const qts_broker_ops *b = qts_broker_at(i);
		if (b->usage)
			fputs(b->usage, stdout);
		else
			printf("  %s\n", b->name);
	}
	exit(qts_close_stdout());
}

/* ---- the engine ------------------------------------------------------------ */


static bsym *sym_of(engine *e, const char *symbol)
{
	size_t before = qts_symtab_count(e->syms);
	bsym *y = qts_symtab_get(e->syms, symbol);
	if (!y)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (qts_symtab_count(e->syms) != before) {
		y->last = NAN;
		y->report_ts = QTS_TS_MIN;
	}
	return y;
}

static working *working_find(engine *e, const char *id, size_t *at)
{
	for (size_t i = 0; i < e->nw; i++)
		if (strcmp(e->w[i].id, id) == 0) {
			if (at)
				*at = i;
			return &e->w[i];
		}
	return NULL;
}

static void working_add(engine *e, const qts_broker_order *o, double filled)
{
	if (working_find(e, o->id, NULL))
		return;
	if (e->nw == e->cw) {
		e->cw = e->cw ? 2 * e->cw : 16;
		if (!(e->w = realloc(e->w, e->cw * sizeof *e->w)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	working *w = &e->w[e->nw++];
	memset(w, 0, sizeof *w);
	QTS_SET(w->id, o->id);
	QTS_SET(w->symbol, o->symbol);
	w->side = o->side;
	w->qty = o->qty;
	w->filled = filled;
}

/* The signed quantity symbol's working orders still want. */
static double working_qty(const engine *e, const char *symbol)
{
	double q = 0;
	for (size_t i = 0; i < e->nw; i++)
		if (strcmp(e->w[i].symbol, symbol) == 0 && e->w[i].qty - e->w[i].filled > EPS)
			q += e->w[i].side * (e->w[i].qty - e->w[i].filled);
	return q;
}

/* What a target for symbol is sized against: the broker's books when it
 * keeps them (paper), else what the stage has seen (and, with --dry-run,
 * the orders it presumes working, which the broker never had). */
static void books_of(engine *e, bsym *y, const char *symbol, qts_sim_books *b)
{
	if (e->ops->books && !e->dry) {
		e->ops->books(e->b, symbol, b);
		return;
	}
	*b = (qts_sim_books){ .pos = y->pos, .working = working_qty(e, symbol), .price = y->last, .mult = 1,
			      .equity = e->equity };
}

/* Orders end in any order; the rest keep theirs, the order they were
 * placed in, so that canceling a symbol's cancels them as qts-sim does. */
static void working_remove(engine *e, size_t at)
{
	memmove(&e->w[at], &e->w[at + 1], (e->nw - at - 1) * sizeof *e->w);
	e->nw--;
}

static int fail(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(engine *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->error, sizeof e->error, fmt, ap);
	va_end(ap);
	e->failed = 1;
	return -1;
}

/* ---- writing ----------------------------------------------------------------- */

/* An input event passed through. */
static int pass(engine *e, const qts_event *ev)
{
	if (!e->have_ts || ev->ts > e->last_ts)
		e->last_ts = ev->ts;
	e->have_ts = 1;
	return e->emit(e->arg, ev);
}

/* What the broker's event tells the stage: positions, working orders
 * and the equity (the journal hears of fills and ends once they are
 * written: written()). */
static int learn(engine *e, const qts_event *ev)
{
	switch (ev->type) {
	case QTS_FILL: {
		int side = qts_side_parse(ev->fill.side);
		if (!e->reconciling && *ev->symbol)
			sym_of(e, ev->symbol)->pos += side * ev->fill.qty;
		working *w = working_find(e, ev->fill.id, NULL);
		if (w) {
			w->filled += ev->fill.qty;
			w->notional += ev->fill.qty * ev->fill.price;
		}
		return 0; /* journaled once written (written) */
	}
	case QTS_POSITION:
		if (*ev->symbol)
			sym_of(e, ev->symbol)->pos = ev->position.qty;
		return 0;
	case QTS_EQUITY:
		e->equity = ev->equity.equity;
		return 0;
	case QTS_UPDATE: {
		int st = qts_status_parse(ev->update.status);
		size_t at;
		working *w = working_find(e, ev->update.id, &at);
		if (st >= 0 && qts_status_final(st)) {
			if (w)
				working_remove(e, at);
			/* journaled as ended once written (ended) */
		} else if (w && ev->update.filled > w->filled)
			w->filled = ev->update.filled;
		return 0;
	}
	default:
		return 0;
	}
}

/* The journal's entry of the order an update or a fill is about, or
 * NULL. */
static qts_bj_entry *entry_of(engine *e, const qts_event *ev)
{
	if (ev->type == QTS_FILL)
		return qts_bj_find(e->j, ev->fill.id);
	if (ev->type == QTS_UPDATE)
		return qts_bj_find(e->j, ev->update.id);
	return NULL;
}

static int is_final_update(const qts_event *ev)
{
	int st;
	return ev->type == QTS_UPDATE && (st = qts_status_parse(ev->update.status)) >= 0 && qts_status_final(st);
}

/* ev made but held back (before the first input event): what the
 * journal will say once it is written, known meanwhile, so that a
 * reconciliation meanwhile neither reports a fill twice nor looks up an
 * order whose end waits to be written. */
static void hold(engine *e, const qts_event *ev)
{
	qts_bj_entry *je = entry_of(e, ev);
	if (!je)
		return;
	if (ev->type == QTS_FILL) {
		je->held += ev->fill.qty;
		je->held_notional += ev->fill.qty * ev->fill.price;
	} else if (is_final_update(ev))
		je->end_held = 1;
}

/* Write ev, and journal a fill as reported, an order's final update as
 * its end, once it has gone out: a crash before the write leaves it to
 * be reported after the restart, never lost. */
static int written(engine *e, const qts_event *ev)
{
	char err[QTS_ERR_MAX];
	if (e->emit(e->arg, ev) < 0)
		return -1;
	int final = is_final_update(ev);
	if (ev->type != QTS_FILL && !final)
		return 0;
	qts_bj_entry *je = entry_of(e, ev);
	if (!je || (final && je->state == QTS_BJ_ENDED))
		return 0;
	if (qts_stage_flush() < 0)
		return -1;
	if (final) {
		je->end_held = 0;
		if (qts_bj_end(e->j, ev->update.id, qts_status_parse(ev->update.status), err) < 0)
			return fail(e, "%s", err);
		return 0;
	}
	if (je->held > 0) { /* held back before: out now */
		je->held -= ev->fill.qty;
		je->held_notional -= ev->fill.qty * ev->fill.price;
		if (je->held <= EPS)
			je->held = je->held_notional = 0;
	}
	if (qts_bj_fill(e->j, ev->fill.id, je->reported + ev->fill.qty,
			je->reported_notional + ev->fill.qty * ev->fill.price, err) < 0)
		return fail(e, "%s", err);
	return 0;
}

/* The end of order id journaled now, unless its final update is held
 * back (written, it is journaled then). */
static int end_now(engine *e, const char *id, int status, char *err)
{
	qts_bj_entry *je = qts_bj_find(e->j, id);
	if (je && je->end_held)
		return 0;
	return qts_bj_end(e->j, id, status, err);
}

static int put_out(engine *e, const qts_event *src)
{
	qts_event ev = *src;
	if (!e->seen_input) { /* before any input: no time to date it by yet */
		if (learn(e, &ev) < 0)
			return -1;
		if (qts_evbuf_push(&e->early, &ev) < 0)
			return fail(e, "out of memory");
		hold(e, &ev);
		return 0;
	}
	if (e->ops->market && qts_event_is_news(&ev) && *ev.symbol) {
		/* A broker that fills on market data (paper) dates its reports
		 * by it: one keeps its own time while its symbol's reports stay
		 * in order, as qts-events(5) orders them (among themselves), so
		 * a fill at a bar's open follows what was dated at the bar's
		 * end, as qts-sim writes it. */
		bsym *y = sym_of(e, ev.symbol);
		if (ev.ts < y->report_ts)
			ev.ts = y->report_ts;
		y->report_ts = ev.ts;
	} else if (e->have_ts && ev.ts < e->last_ts)
		ev.ts = e->last_ts;
	if (!e->have_ts || ev.ts > e->last_ts)
		e->last_ts = ev.ts;
	e->have_ts = 1;
	if (learn(e, &ev) < 0)
		return -1;
	return written(e, &ev);
}

/* What the stage learnt before its first input event goes out, dated
 * by that event (ts; at the end of an empty input or at a signal, as it
 * came, but never before an event written ahead of it: a warning the
 * broker dated at no time after the account it dated by the clock would
 * put the stream out of time order). */
static int release_early(engine *e, const int64_t *ts)
{
	e->seen_input = 1;
	for (size_t i = 0; i < e->early.n; i++) {
		qts_event *ev = &e->early.ev[i];
		if (ts)
			ev->ts = *ts;
		else if (e->have_ts && ev->ts < e->last_ts)
			ev->ts = e->last_ts;
		e->last_ts = ev->ts;
		e->have_ts = 1;
		if (written(e, ev) < 0)
			return -1;
	}
	qts_evbuf_clear(&e->early);
	return 0;
}

static int write_out(engine *e, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (put_out(e, &e->out.ev[i]) < 0)
			return -1;
	return 0;
}

static int flush_out(engine *e)
{
	int rc = write_out(e, 0, e->out.n);
	qts_evbuf_clear(&e->out);
	return rc;
}

static int update(engine *e, const char *symbol, const char *id, int status, double filled, double avg,
		  const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int update(engine *e, const char *symbol, const char *id, int status, double filled, double avg,
		  const char *fmt, ...)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, e->now_ts);
	QTS_SET(ev.symbol, symbol);
	QTS_SET(ev.update.id, id);
	QTS_SET(ev.update.status, qts_status_name(status));
	ev.update.filled = filled;
	ev.update.avg_price = avg;
	va_list ap;
	va_start(ap, fmt);
	qts_text_vformat(ev.update.reason, sizeof ev.update.reason, fmt, ap);
	va_end(ap);
	return put_out(e, &ev);
}

static int warning(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warning(engine *e, const char *fmt, ...)
{
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, e->now_ts);
	QTS_SET(ev.system.source, "qts-broker");
	QTS_SET(ev.system.level, "warn");
	char text[4 * QTS_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	qts_warn("%s", text);
	QTS_SET_TEXT(ev.system.message, text);
	return put_out(e, &ev);
}

/* ---- the connection ---------------------------------------------------------- */

static const char *endpoint_name(const engine *e, size_t i)
{
	return e->endpoint[i] ? e->endpoint[i] : "the default endpoint";
}

/* A call said QTS_BROKER_DOWN: no more sending until a connection is
 * made again, on the next endpoint, after a backoff. */
static int went_down_at(engine *e, const char *err, int advance)
{
	int was = e->up;
	/* lost soon after it was made, a failed attempt (qts_backoff_held) */
	if (was && qts_backoff_held(e->up_since, qts_loop_now()))
		e->attempt = 0;
	e->up = 0;
	QTS_SET(e->down_why, err);
	if (advance && e->nend > 1)
		e->cur = (e->cur + 1) % e->nend;
	int64_t base = qts_backoff_env();
	if (base < 0)
		base = 500 * 1000000LL;
	e->retry_at = qts_loop_now() + qts_backoff(&e->rng, base, 30 * QTS_NS_PER_SEC, e->attempt, -1);
	e->attempt++;
	return was ? warning(e, "broker down: %s; orders are rejected until it is back", err) : 0;
}

static int went_down(engine *e, const char *err)
{
	return went_down_at(e, err, 1);
}

static int place(engine *e, const qts_broker_order *o, int for_target);

/* The price of id's fills not yet written, from the broker's cumulative
 * figures: (avg * filled - notional written) / (filled - written). */
static int adopt(engine *e, qts_bj_entry *je, const qts_broker_known *k)
{
	char err[QTS_ERR_MAX];
	qts_broker_order o = je->o;
	/* (fills held back, not yet written, are made already) */
	double missing = k->filled - je->reported - je->held;
	if (missing > EPS) {
		qts_event f;
		qts_event_init(&f, QTS_FILL, e->now_ts);
		QTS_SET(f.symbol, o.symbol);
		QTS_SET(f.fill.id, o.id);
		QTS_SET(f.fill.side, qts_side_name(o.side));
		f.fill.qty = missing;
		f.fill.price = isfinite(k->avg_price)
				       ? (k->avg_price * k->filled - je->reported_notional - je->held_notional) / missing
				       : NAN;
		f.fill.commission = 0;
		f.fill.slippage = 0;
		if (!isfinite(f.fill.price))
			f.fill.price = isfinite(k->avg_price) ? k->avg_price : 0;
		if (put_out(e, &f) < 0)
			return -1;
	}
	if (je->state == QTS_BJ_INTENT && qts_bj_sent(e->j, o.id, err) < 0)
		return fail(e, "%s", err);
	if (!qts_status_final(k->status))
		working_add(e, &o, k->filled);
	return update(e, o.symbol, o.id, k->status, k->filled, k->filled > 0 ? k->avg_price : NAN,
		      "reconciled with the broker");
}

/* A live broker's read of every position (connect, account) lists the
 * positions the account holds, and says nothing of a symbol it does not
 * hold: Alpaca's list leaves a closed position out, as does TWS one closed
 * before its session.  A symbol the stage holds a position for (restored
 * by --state, or from before a drop) that the read, out->ev[from] on,
 * left out is flat: a position event of 0 for it goes out with the read,
 * so that the stage and every reader stop counting what the account no
 * longer holds, and a target is sized against nothing.  Paper's account
 * is the stage's own, restored with it: it is not read at connect. */
static int flat_unlisted(engine *e, size_t from)
{
	if (e->ops->save)
		return 0;
	size_t to = e->out.n;
	for (size_t i = 0; i < qts_symtab_count(e->syms); i++) {
		const char *name;
		bsym *y = qts_symtab_at(e->syms, i, &name);
		if (fabs(y->pos) <= EPS)
			continue;
		size_t k = from;
		while (k < to && !(e->out.ev[k].type == QTS_POSITION && strcmp(e->out.ev[k].symbol, name) == 0))
			k++;
		if (k < to)
			continue;
		qts_event ev;
		qts_event_init(&ev, QTS_POSITION, 0); /* dated as the stage's latest (put_out) */
		QTS_SET(ev.symbol, name);
		if (qts_evbuf_push(&e->out, &ev) < 0)
			return fail(e, "out of memory");
	}
	return 0;
}

/* What the broker read of the account (positions, equity, open orders)
 * written: its positions are the truth as they are, not moved by its
 * fills (learn). */
static int flush_account(engine *e)
{
	e->reconciling = 1;
	int w = flush_out(e);
	e->reconciling = 0;
	return w;
}

/* Fills of orders the broker filled while the stage was away are written
 * by reconciliation, after the positions connect read: which may hold
 * them (filled before the read) or not (after it, before the lookup).
 * The account read again holds them all, and its positions, written
 * after the fills, set what every reader (and the stage) holds; without
 * it, a target sized against a position short of its fills buys again. */
static int account_again(engine *e)
{
	char err[QTS_ERR_MAX] = "";
	if (!e->ops->account)
		return 0;
	size_t from = e->out.n;
	e->in_call++;
	int rc = e->ops->account(e->b, &e->out, err);
	e->in_call--;
	if (rc == 0 && flat_unlisted(e, from) < 0)
		return -1;
	if (flush_account(e) < 0)
		return -1;
	if (rc == QTS_BROKER_STOP)
		return 0;
	return rc == QTS_BROKER_DOWN ? went_down(e, err) : 0;
}

/* The broker's view of order id (ops->lookup), inside a call. */
static int look_up(engine *e, const char *id, qts_broker_known *k, char *err)
{
	*k = (qts_broker_known){ .avg_price = NAN };
	e->in_call++;
	int rc = e->ops->lookup(e->b, id, k, err);
	e->in_call--;
	return rc;
}

static void listed_add(engine *e, const qts_bj_entry *je, const qts_event *ev, int status)
{
	if (e->nlisted == e->clisted) {
		e->clisted = e->clisted ? 2 * e->clisted : 16;
		if (!(e->listed = realloc(e->listed, e->clisted * sizeof *e->listed)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	struct listed *l = &e->listed[e->nlisted++];
	QTS_SET(l->id, je->o.id);
	l->k = (qts_broker_known){ .status = status, .filled = isfinite(ev->update.filled) ? ev->update.filled : 0,
				   .avg_price = ev->update.avg_price, .side = je->o.side, .qty = je->o.qty };
}

/* What the open list said of the journal's order id at this connect, or
 * NULL when it did not name it. */
static const qts_broker_known *listed_find(const engine *e, const char *id)
{
	for (size_t i = 0; i < e->nlisted; i++)
		if (strcmp(e->listed[i].id, id) == 0)
			return &e->listed[i].k;
	return NULL;
}

/* Every journaled order not known to be over, matched with the broker's
 * view: adopted when it knows it, sent when it never arrived, ended when
 * it was sent but the broker has forgotten it. */
static int reconcile(engine *e)
{
	char err[QTS_ERR_MAX];
	int filled = 0; /* fills of adopted orders written */
	for (size_t i = 0; i < qts_bj_count(e->j); i++) {
		qts_bj_entry *je = qts_bj_at(e->j, i);
		if (je->state == QTS_BJ_ENDED || je->end_held)
			continue;
		qts_broker_known k;
		int rc = look_up(e, je->o.id, &k, err);
		if (rc == QTS_BROKER_STOP)
			return 0;
		if (rc == QTS_BROKER_DOWN)
			return went_down(e, err);
		/* Not found, though the broker listed it open a moment ago: a
		 * lookup may miss an order (Alpaca's by client_order_id
		 * answering 404 for an order just taken, or a moment's
		 * fault); ended on that, it would be live at the broker
		 * and out of the stage's count, the kill switch leaving it
		 * working.  The list's word stands. */
		const qts_broker_known *listed = rc == 0 ? listed_find(e, je->o.id) : NULL;
		if (listed) {
			k = *listed;
			rc = 1;
		}
		e->reconciling = 1;
		if (rc == 1) {
			filled |= k.filled - je->reported - je->held > EPS;
			rc = adopt(e, je, &k);
			e->reconciling = 0;
			if (rc < 0)
				return -1;
			continue;
		}
		e->reconciling = 0;
		size_t at;
		if (working_find(e, je->o.id, &at))
			working_remove(e, at);
		if (je->state == QTS_BJ_INTENT) {
			/* Journaled, then no answer: it never arrived.  The same
			 * id again, which the broker would refuse as a repeat. */
			qts_broker_order o = je->o;
			if (place(e, &o, 0) < 0)
				return -1;
			if (!e->up)
				return 0;
		} else if (update(e, je->o.symbol, je->o.id, QTS_STATUS_CANCELED, je->reported,
				  je->reported > 0 ? je->reported_notional / je->reported : NAN,
				  "the broker does not know this order") < 0 ||
			   end_now(e, je->o.id, QTS_STATUS_CANCELED, err) < 0)
			return e->failed ? -1 : fail(e, "%s", err);
	}
	return filled ? account_again(e) : 0;
}

static int cancel(engine *e, const char *symbol, const char *id, const char *why);

static int cancel_where(engine *e, const char *symbol, int owed, int64_t decided_by, const char *why);

/* The broker's open orders, out->ev[from] on, that the journal does not
 * hold (placed by a run without --journal, by another journal's, or by
 * hand): working all the same.  Said as working (accepted), they were
 * left out of the stage's own count: a target sized without what they
 * still want, a cancel of one sent nowhere, and the emergency stop
 * leaving them live.  Their side and quantity come from the broker
 * (lookup). */
static int adopt_open(engine *e, size_t from)
{
	char err[QTS_ERR_MAX];
	for (size_t i = from; i < e->out.n; i++) {
		const qts_event *ev = &e->out.ev[i];
		int st = ev->type == QTS_UPDATE ? qts_status_parse(ev->update.status) : -1;
		if (st < 0 || qts_status_final(st))
			continue;
		const qts_bj_entry *je = qts_bj_find(e->j, ev->update.id);
		if (je) {
			listed_add(e, je, ev, st);
			continue;
		}
		if (working_find(e, ev->update.id, NULL))
			continue;
		qts_broker_known k;
		int rc = look_up(e, ev->update.id, &k, err);
		if (rc < 0)
			return rc; /* down, or a signal: the caller's to say */
		if (rc != 1 || !k.side || !(k.qty > 0) || qts_status_final(k.status))
			continue;
		qts_broker_order o = { .side = k.side, .qty = k.qty, .limit = NAN, .stop = NAN, .ts = ev->ts };
		QTS_SET(o.id, ev->update.id);
		QTS_SET(o.symbol, ev->symbol);
		working_add(e, &o, k.filled);
	}
	return 0;
}

/* Back after a time down: the cancels asked meanwhile (an emergency
 * stop's among them), not the orders sent since. */
static int cancel_owed(engine *e)
{
	return cancel_where(e, NULL, 1, INT64_MAX, "canceled while the broker was down");
}

/* Connect to the current endpoint, then the ones after it: the account
 * (positions, equity), the open orders, then reconciliation. */
static int connect_now(engine *e)
{
	char err[QTS_ERR_MAX];
	for (size_t tries = 0; tries < e->nend; tries++) {
		err[0] = '\0';
		size_t from = e->out.n;
		e->in_call++;
		int rc = e->ops->connect(e->b, e->endpoint[e->cur], &e->out, err);
		e->in_call--;
		if (rc == 0 && flat_unlisted(e, from) < 0)
			return -1;
		if (flush_account(e) < 0)
			return -1;
		if (rc == QTS_BROKER_STOP)
			return 0;
		if (rc == 0) {
			size_t open_from = e->out.n;
			e->nlisted = 0;
			e->in_call++;
			rc = e->ops->open_orders(e->b, &e->out, err);
			e->in_call--;
			if (rc == 0)
				rc = adopt_open(e, open_from);
			if (flush_account(e) < 0)
				return -1;
			if (rc == QTS_BROKER_STOP)
				return 0;
		}
		if (rc == 0) {
			int was_down = e->attempt > 0;
			e->up = 1;
			e->up_since = qts_loop_now();
			if (was_down && warning(e, "broker back on %s", endpoint_name(e, e->cur)) < 0)
				return -1;
			if (reconcile(e) < 0)
				return -1;
			return e->up ? cancel_owed(e) : 0;
		}
		qts_warn("%s: %s", endpoint_name(e, e->cur), err);
		QTS_SET(e->down_why, err);
		if (e->nend > 1)
			e->cur = (e->cur + 1) % e->nend;
	}
	/* Every endpoint tried, from the current one round to it again. */
	int said = e->attempt > 0;
	e->up = !said; /* said once, when it goes down */
	return went_down_at(e, e->down_why, 0);
}

static int start(engine *e)
{
	if (e->started)
		return 0;
	e->started = 1;
	return connect_now(e);
}

/* ---- orders --------------------------------------------------------------------- */

/* Refused here, never sent: journaled as ended, so that a replay of the
 * input after a restart does not send it either. */
/* An order or a target refused as not well formed, counted to be said
 * at the end (refusals_said). */
static void note_refusal(struct refusals *r, const qts_event *ev, const char *why)
{
	if (r->n++ == 0) {
		r->ts = ev->ts;
		QTS_SET(r->sym, ev->symbol);
		QTS_SET(r->why, why);
	}
}

static void refusals_said(const struct refusals *r, const char *noun, const char *what)
{
	if (!r->n)
		return;
	char at[40];
	qts_time_format(r->ts, at);
	qts_warn("%lu %s%s rejected%s, the first of %s at %s: %s", r->n, noun, r->n == 1 ? "" : "s", what, r->sym, at,
		 r->why);
}

static int refuse(engine *e, const qts_broker_order *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(engine *e, const qts_broker_order *o, const char *fmt, ...)
{
	char why[QTS_TEXT_MAX], err[QTS_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	e->refused++;
	if (qts_bj_decided(e->j, o, QTS_STATUS_REJECTED, err) < 0)
		return fail(e, "%s", err);
	return update(e, o->symbol, o->id, QTS_STATUS_REJECTED, 0, NAN, "%s", why);
}

/* A dry run's order presumed working.  One made from a target is netted
 * with the symbol's earlier ones into one entry, since none ever fills or
 * leaves: kept one by one, a long stream's would grow without end, and so
 * would the sum over them for each target, which is the same either way.
 * Others (orders of the input) stay apart, to be canceled by their id. */
static void presume_working(engine *e, const qts_broker_order *o, int for_target)
{
	if (!for_target) {
		working_add(e, o, 0);
		return;
	}
	double want = o->side * o->qty;
	for (size_t i = e->nw; i-- > 0;)
		if (e->w[i].net && strcmp(e->w[i].symbol, o->symbol) == 0) {
			want += e->w[i].side * (e->w[i].qty - e->w[i].filled);
			working_remove(e, i);
		}
	if (fabs(want) <= EPS)
		return;
	qts_broker_order net = *o;
	net.side = want > 0 ? QTS_BUY : QTS_SELL;
	net.qty = fabs(want);
	working_add(e, &net, 0);
	working *w = working_find(e, net.id, NULL);
	if (w)
		w->net = 1;
}

static int id_taken(void *arg, const char *id);

/* The broker holds an earlier run's order under o's fresh id (ids for
 * targets start again each run without a --journal): taking that order
 * for this one would report its fills as this one's.  o ends under its id
 * and goes out under the next free one, the broker having said which it
 * holds (a few tries at most: then it is refused). */
static int place_renamed(engine *e, const qts_broker_order *o, int for_target)
{
	char err[QTS_ERR_MAX] = "";
	qts_broker_order again = *o;
	qts_target_order_id(again.id, o->strategy, o->symbol, &sym_of(e, o->symbol)->seq, id_taken, e);
	int gave_up = e->renamed >= 8;
	if (update(e, o->symbol, o->id, QTS_STATUS_REJECTED, 0, NAN,
		   gave_up ? "order id %s is an earlier order's at the broker, as were the ids before it: not sent"
			   : "order id %s is an earlier order's at the broker: sent as %s",
		   o->id, again.id) < 0)
		return -1;
	if (end_now(e, o->id, QTS_STATUS_REJECTED, err) < 0)
		return fail(e, "%s", err);
	if (gave_up)
		return 0;
	if (update(e, again.symbol, again.id, QTS_STATUS_NEW, 0, NAN, "%s %.10g market (first sent as %s)",
		   qts_side_name(again.side), again.qty, o->id) < 0)
		return -1;
	e->renamed++;
	int rc = place(e, &again, for_target);
	e->renamed--;
	return rc;
}

/* Journal it, send it, and write what the broker says. */
static int place(engine *e, const qts_broker_order *o, int for_target)
{
	char err[QTS_ERR_MAX] = "";
	qts_bj_entry *je = qts_bj_find(e->j, o->id);
	if (e->dry) {
		if (!je && qts_bj_decided(e->j, o, QTS_BJ_DRY, err) < 0)
			return fail(e, "%s", err);
		/* Presumed working, never filled: the next target is resolved
		 * as it would be while the order works. */
		presume_working(e, o, for_target);
		return update(e, o->symbol, o->id, QTS_STATUS_NEW, 0, NAN, "dry run: %s %.10g %s not sent",
			      qts_side_name(o->side), o->qty, qts_kind_name(o->kind));
	}
	if (!je && qts_bj_intent(e->j, o, err) < 0)
		return fail(e, "%s", err);
	e->in_call++;
	int rc = e->ops->place(e->b, o, &e->out, err);
	e->in_call--;
	e->sent++;
	if (rc == QTS_BROKER_OK) {
		if (qts_bj_sent(e->j, o->id, err) < 0)
			return fail(e, "%s", err);
		working_add(e, o, 0);
		return flush_out(e);
	}
	if (rc == QTS_BROKER_TAKEN)
		return place_renamed(e, o, for_target);
	if (rc == QTS_BROKER_REJECTED) {
		int said = 0;
		for (size_t i = 0; i < e->out.n; i++)
			said |= e->out.ev[i].type == QTS_UPDATE && strcmp(e->out.ev[i].update.id, o->id) == 0;
		if (flush_out(e) < 0)
			return -1;
		if (!said && update(e, o->symbol, o->id, QTS_STATUS_REJECTED, 0, NAN, "%s",
				    err[0] ? err : "rejected by the broker") < 0)
			return -1;
		if (end_now(e, o->id, QTS_STATUS_REJECTED, err) < 0)
			return fail(e, "%s", err);
		return 0;
	}
	if (flush_out(e) < 0)
		return -1;
	if (rc == QTS_BROKER_STOP)
		return 0;
	/* No answer: it may have arrived.  Counted as working, so that no
	 * target sells it again, until reconciliation says. */
	working_add(e, o, 0);
	if (warning(e, "order %s: no answer from the broker (%s): looked up when it is back", o->id, err) < 0)
		return -1;
	return went_down(e, err);
}

static int kill_allows(const qts_broker_order *o, const char *target_strategy, double target)
{
	if (strncmp(o->id, "risk-kill-", 10) == 0)
		return 1;
	return target_strategy && strcmp(target_strategy, "*") == 0 && target == 0;
}

/* Every check before an order goes out. */
static int submit(engine *e, const qts_broker_order *o, const char *target_strategy, double target)
{
	if (e->killed && !kill_allows(o, target_strategy, target))
		return refuse(e, o, "emergency stop: qts-risk's kill switch is on");
	if (e->max_value > 0) {
		double px = qts_kind_has_limit(o->kind) ? o->limit
			    : qts_kind_has_stop(o->kind) ? o->stop : sym_of(e, o->symbol)->last;
		if (!(px > 0))
			return refuse(e, o, "--max-order-value: no price for %s yet", o->symbol);
		if (o->qty * px > e->max_value)
			return refuse(e, o, "--max-order-value: order value %.10g (%.10g x %.10g) exceeds %.10g",
				      o->qty * px, o->qty, px, e->max_value);
	}
	if (!e->up && !e->dry)
		return refuse(e, o, "broker down: %s", e->down_why[0] ? e->down_why : "not connected");
	return place(e, o, target_strategy != NULL);
}

static int on_order(engine *e, const qts_event *ev)
{
	qts_broker_order o = { 0 };
	QTS_SET(o.id, ev->order.id);
	QTS_SET(o.symbol, ev->symbol);
	QTS_SET(o.strategy, ev->order.strategy);
	o.side = qts_side_parse(ev->order.side);
	o.kind = qts_kind_parse(ev->order.kind);
	o.tif = *ev->order.tif ? qts_tif_parse(ev->order.tif) : QTS_GTC;
	o.qty = ev->order.qty;
	o.limit = qts_kind_has_limit(o.kind) ? ev->order.limit : NAN;
	o.stop = qts_kind_has_stop(o.kind) ? ev->order.stop : NAN;
	o.ts = ev->ts;
	o.event = qts_stage_event_number();
	if (!*o.id) {
		note_refusal(&e->malformed, ev, "no order id");
		return update(e, ev->symbol, "", QTS_STATUS_REJECTED, 0, NAN, "no order id");
	}
	if (qts_bj_find(e->j, o.id)) {
		e->repeats++; /* decided once already (a replay after a restart) */
		return 0;
	}
	/* As qts-sim words them. */
	if (!*ev->symbol) {
		note_refusal(&e->malformed, ev, "no symbol");
		return refuse(e, &o, "no symbol");
	}
	char why[128];
	if (qts_order_fault(ev, 0, why, sizeof why)) {
		note_refusal(&e->malformed, ev, why);
		/* the record of the refusal holds what can be written */
		if (!o.side)
			o.side = QTS_BUY;
		if (o.kind < 0)
			o.kind = QTS_MARKET;
		if (o.tif < 0)
			o.tif = QTS_GTC;
		if (qts_order_qty_fault(o.qty, NULL, 0))
			o.qty = 1;
		if (!(o.limit > 0))
			o.limit = NAN;
		if (!(o.stop > 0))
			o.stop = NAN;
		return refuse(e, &o, "%s", why);
	}
	return submit(e, &o, NULL, 0);
}

static int cancel(engine *e, const char *symbol, const char *id, const char *why)
{
	char err[QTS_ERR_MAX] = "";
	size_t at;
	if (e->dry) { /* nothing was sent: the order the stage presumed working ends */
		if (working_find(e, id, &at))
			working_remove(e, at);
		return 0;
	}
	if (!e->up) {
		/* owed: an order left working for want of a connection would
		 * fill after it was canceled (or after an emergency stop) */
		if (working_find(e, id, &at))
			e->w[at].cancel_owed = 1;
		return warning(e, "cancel %s (%s): not sent, broker down: %s; sent when it is back", id, why,
			       e->down_why);
	}
	(void)symbol;
	e->in_call++;
	int rc = e->ops->cancel(e->b, id, e->now_ts, why, &e->out, err);
	e->in_call--;
	if (flush_out(e) < 0)
		return -1;
	if (rc == QTS_BROKER_DOWN) {
		if (working_find(e, id, &at)) /* it may not have arrived: asked again */
			e->w[at].cancel_owed = 1;
		if (warning(e, "cancel %s (%s): no answer from the broker (%s)", id, why, err) < 0)
			return -1;
		return went_down(e, err);
	}
	if (rc == QTS_BROKER_REJECTED && err[0])
		return warning(e, "cancel %s (%s): refused by the broker: %s", id, why, err);
	return 0;
}

/* Cancel the working orders of symbol (NULL: of all), or those whose
 * cancel is owed (owed), each asked once.  Taken first: a cancel changes
 * the list, and a broker that confirms later (on its stream) leaves the
 * order in it meanwhile. */
/* Whether working order w was decided at decided_by or before: one of
 * the journal's by the time it holds; one it does not hold (an earlier
 * run's at the broker) came before this run. */
static int decided_by_then(engine *e, const working *w, int64_t decided_by)
{
	const qts_bj_entry *je = decided_by == INT64_MAX ? NULL : qts_bj_find(e->j, w->id);
	return !je || je->o.ts <= decided_by;
}

/* The working orders of symbol (NULL: all) decided by decided_by, or
 * those owed a cancel, canceled. */
static int cancel_where(engine *e, const char *symbol, int owed, int64_t decided_by, const char *why)
{
	size_t n = 0;
	char (*ids)[QTS_ID_MAX] = e->nw ? malloc(e->nw * sizeof *ids) : NULL;
	if (e->nw && !ids)
		return fail(e, "out of memory");
	for (size_t i = 0; i < e->nw; i++) {
		working *w = &e->w[i];
		if (owed ? w->cancel_owed
			 : (!symbol || strcmp(w->symbol, symbol) == 0) && decided_by_then(e, w, decided_by)) {
			w->cancel_owed = 0;
			QTS_SET(ids[n++], w->id);
		}
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (working_find(e, ids[i], NULL))
			rc = cancel(e, symbol, ids[i], why);
	free(ids);
	return rc;
}

static int cancel_symbol(engine *e, const char *symbol, const char *why)
{
	return cancel_where(e, symbol, 0, INT64_MAX, why);
}

static int on_cancel(engine *e, const qts_event *ev)
{
	qts_bj_entry *je = qts_bj_find(e->j, ev->cancel.id);
	if (!working_find(e, ev->cancel.id, NULL) && (!je || je->state == QTS_BJ_ENDED))
		return 0; /* not working: nothing to cancel, as qts-sim */
	return cancel(e, ev->symbol, ev->cancel.id, "canceled on request");
}

/* Whether a fresh id for a target is taken: by an order of the journal,
 * or by an earlier run's at the broker. */
static int id_taken(void *arg, const char *id)
{
	engine *e = arg;
	return qts_bj_find(e->j, id) != NULL || (e->ops->id_used && e->ops->id_used(e->b, id));
}

/* The input event being put was read by the run before a restart, which
 * went on past it: what it decided is in the journal (the orders after
 * the checkpoint, with the input events they were decided at). */
static int decided_before(const engine *e)
{
	return e->decided_through && qts_stage_event_number() <= e->decided_through;
}

/* strategy's target for y is q (every strategy's, "*": the others go). */
static void target_set(bsym *y, const char *strategy, double q)
{
	if (strcmp(strategy, "*") == 0)
		y->ntgt = 0;
	size_t i;
	for (i = 0; i < y->ntgt; i++)
		if (strcmp(y->tgt[i].strategy, strategy) == 0)
			break;
	if (i == y->ntgt) {
		if (!(y->tgt = realloc(y->tgt, (y->ntgt + 1) * sizeof *y->tgt)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		QTS_SET(y->tgt[y->ntgt++].strategy, strategy);
	}
	y->tgt[i].qty = q;
}

/* The position a target asks of y in *q: 0, or -1 with why it asks
 * none in why, the words of its refusal (the replay of a restart and the
 * live path refuse the same targets); -2 when the target itself is not
 * understood (its unit, or a quantity past any double). */
static int target_want(const engine *e, const qts_event *ev, int unit, const qts_sim_books *bk, double *q,
		       char *why, size_t size)
{
	*q = NAN;
	if (unit == QTS_UNIT_WEIGHT && !(bk->price > 0))
		snprintf(why, size, "weight target: no price for %s yet", ev->symbol);
	else if (unit == QTS_UNIT_WEIGHT && !isfinite(bk->equity))
		snprintf(why, size, "weight target: no equity from the broker yet");
	else if (unit == QTS_UNIT_WEIGHT && qts_weight_no_equity(ev->target.target, bk->equity))
		snprintf(why, size, "weight target: equity %.10g is not above 0: no weight of it to hold", bk->equity);
	else if (unit < 0 || !isfinite(*q = qts_target_position(ev->target.target, unit,
								 unit == QTS_UNIT_WEIGHT ? bk->equity : 0, bk->price,
								 bk->mult, e->fractional))) {
		if (unit < 0)
			snprintf(why, size, "bad target unit '%s' (qty, weight)", ev->target.unit);
		else
			snprintf(why, size, "bad target %g", ev->target.target);
		return -2;
	} else
		return 0;
	return -1;
}

/* A target: the market order for the difference between the position
 * wanted (the sum of every strategy's target) and the real position with
 * what is working, as qts-sim makes it. */
static int on_target(engine *e, const qts_event *ev)
{
	bsym *y = sym_of(e, ev->symbol);
	int unit = *ev->target.unit ? qts_unit_parse(ev->target.unit) : QTS_UNIT_QTY;
	qts_sim_books bk;
	books_of(e, y, ev->symbol, &bk);
	if (decided_before(e)) {
		/* Replayed after a restart: its order, or the want of one,
		 * was decided, and is in the journal.  Resolved again against
		 * the reconciled position, a sequence of targets (a buy, then
		 * the exit) would trade again.  The strategy's target is kept,
		 * for the targets after it. */
		double q;
		char why[QTS_TEXT_MAX];
		if (target_want(e, ev, unit, &bk, &q, why, sizeof why) == 0)
			target_set(y, ev->target.strategy, q);
		e->repeats++;
		return 0;
	}
	qts_broker_order o = { .side = QTS_BUY, .kind = QTS_MARKET, .tif = QTS_GTC, .limit = NAN, .stop = NAN,
			       .ts = ev->ts, .qty = 1, .event = qts_stage_event_number() };
	QTS_SET(o.symbol, ev->symbol);
	QTS_SET(o.strategy, ev->target.strategy);
	qts_target_order_id(o.id, o.strategy, ev->symbol, &y->seq, id_taken, e);
	o.fresh = 1;
	double q;
	char why[QTS_TEXT_MAX];
	int understood = target_want(e, ev, unit, &bk, &q, why, sizeof why);
	if (understood < 0) {
		/* a strategy's mistake (weight 1e308), which the stream alone
		 * would tell: said at the end, as qts-sim says it */
		if (understood == -2)
			note_refusal(&e->badtarget, ev, why);
		else
			note_refusal(&e->unsized, ev, why);
		return refuse(e, &o, "%s", why);
	}
	int every = strcmp(o.strategy, "*") == 0;
	if (every) {
		y->ntgt = 0;
		if (cancel_symbol(e, ev->symbol, "replaced by a target for every strategy") < 0)
			return -1;
	}
	target_set(y, o.strategy, q);
	double want = 0;
	for (size_t k = 0; k < y->ntgt; k++)
		want += y->tgt[k].qty;
	/* An exit sells what is held: what is working of the symbol ends
	 * above, so a canceled buy still on its way is not sold too. */
	books_of(e, y, ev->symbol, &bk); /* after the cancels */
	double have = bk.pos + (every ? 0 : bk.working);
	if (!isfinite(want - have))
		return refuse(e, &o, "targets for %s add up to %g: not a quantity", ev->symbol, want);
	if (!qts_target_order(want, have, &o.side, &o.qty)) {
		y->seq--; /* no order: the count is not used */
		return 0;
	}
	if (!e->dry && (!e->killed || kill_allows(&o, o.strategy, ev->target.target)) &&
	    update(e, ev->symbol, o.id, QTS_STATUS_NEW, 0, NAN, "target %g: %s %g market", want,
		   qts_side_name(o.side), o.qty) < 0)
		return -1;
	return submit(e, &o, o.strategy, ev->target.target);
}

static int on_risk(engine *e, const qts_event *ev)
{
	if (strcmp(ev->risk.rule, "kill") != 0)
		return 0;
	if (strcmp(ev->risk.action, "breach") == 0 && !e->killed) {
		e->killed = 1;
		/* replayed: its cancels were sent, and the orders working now
		 * may be those sent after the stop was lifted.  So may they
		 * be when an input is replayed without --state, the journal
		 * alone knowing what it sent: an order decided after the
		 * stop's time came after it was lifted, and is not the
		 * stop's (in a stream that goes on, none is). */
		return decided_before(e) ? 0 : cancel_where(e, NULL, 0, ev->ts, "emergency stop");
	}
	if (strcmp(ev->risk.action, "resume") == 0)
		e->killed = 0;
	return 0;
}

/* ---- the stage's calls ------------------------------------------------------------ */

static int is_market(qts_type t)
{
	return t == QTS_BAR || t == QTS_TICK || t == QTS_QUOTE;
}

/* The broker's copy of a market event, field for field. */
static int same_market(const qts_event *a, const qts_event *b)
{
#define SAME(f) (memcmp(&a->f, &b->f, sizeof a->f) == 0)
	if (a->type != b->type || a->ts != b->ts || strcmp(a->symbol, b->symbol) != 0)
		return 0;
	switch (a->type) {
	case QTS_BAR:
		return strcmp(a->bar.tf, b->bar.tf) == 0 && SAME(bar.open) && SAME(bar.high) && SAME(bar.low) &&
		       SAME(bar.close) && SAME(bar.volume);
	case QTS_TICK: return SAME(tick.price) && SAME(tick.size);
	case QTS_QUOTE: return SAME(quote.bid) && SAME(quote.ask) && SAME(quote.bid_size) && SAME(quote.ask_size);
	default: return 0;
	}
#undef SAME
}

static int on_market(engine *e, const qts_event *ev)
{
	bsym *y = sym_of(e, ev->symbol);
	double px = ev->type == QTS_BAR ? ev->bar.close : ev->type == QTS_TICK ? ev->tick.price
		    : qts_quote_mid(ev);
	if (px > 0)
		y->last = px;
	if (!e->ops->market || !e->up)
		return pass(e, ev);
	char err[QTS_ERR_MAX] = "";
	e->in_call++;
	int rc = e->ops->market(e->b, ev, &e->out, err);
	e->in_call--;
	/* A market event the broker refused (a second bar at one time) is
	 * not written: what it wrote before refusing goes out, then the
	 * error, as qts-sim does.  Only the paper broker acts on market data
	 * (a live broker has no market call and passes every event above),
	 * and it refuses before its books take the event, so nothing written
	 * stands on the refused one. */
	if (rc < 0) {
		size_t k;
		for (k = 0; k < e->out.n && !same_market(&e->out.ev[k], ev); k++)
			;
		if (write_out(e, 0, k) < 0)
			return -1;
		qts_evbuf_clear(&e->out);
		return fail(e, "%s", err);
	}
	/* The event in the broker's own place among its events, or first. */
	size_t k;
	for (k = 0; k < e->out.n; k++)
		if (same_market(&e->out.ev[k], ev))
			break;
	if (k == e->out.n) {
		if (pass(e, ev) < 0 || flush_out(e) < 0)
			return -1;
	} else {
		if (write_out(e, 0, k) < 0 || pass(e, ev) < 0 || write_out(e, k + 1, e->out.n) < 0)
			return -1;
		qts_evbuf_clear(&e->out);
	}
	return 0;
}

/* An event other than market data at ts goes by now. */
static int advance(engine *e, int64_t ts)
{
	if (!e->up)
		return 0;
	char err[QTS_ERR_MAX] = "";
	e->in_call++;
	int rc = e->ops->advance(e->b, ts, &e->out, err);
	e->in_call--;
	if (flush_out(e) < 0)
		return -1;
	return rc < 0 ? fail(e, "%s", err) : 0;
}

static int process(engine *e, const qts_event *ev)
{
	if (!e->seen_input && release_early(e, &ev->ts) < 0)
		return -1;
	if (!e->have_ts || ev->ts > e->now_ts)
		e->now_ts = ev->ts;
	if (is_market(ev->type))
		return on_market(e, ev);
	if (e->ops->advance && advance(e, ev->ts) < 0)
		return -1;
	if (pass(e, ev) < 0)
		return -1;
	switch (ev->type) {
	case QTS_ORDER: return on_order(e, ev);
	case QTS_TARGET: return on_target(e, ev);
	case QTS_CANCEL: return on_cancel(e, ev);
	case QTS_RISK: return on_risk(e, ev);
	default: return 0;
	}
}

/* The events held while the bars of one time came in, in their order. */
static int release(engine *e)
{
	int rc = 0;
	e->have_group = 0;
	for (size_t i = 0; i < e->nheld; i++) {
		if (rc == 0)
			rc = process(e, &e->held[i]);
		qts_event_free(&e->held[i]);
	}
	e->nheld = 0;
	return rc;
}

static int broker_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	e->quiet_since = 0, e->quiet_done = 0;
	if (e->failed || start(e) < 0)
		return -1;
	qts_bj_forget(e->j, KEEP_ENDED);
	if (qts_event_is_books(ev)) {
		qts_report_in_input_why(ev, "qts-broker", e->error, sizeof e->error);
		e->failed = 1;
		return -1;
	}
	if (!e->ops->market)
		return process(e, ev);
	/* The events after a bar wait for the other bars of its time, as
	 * in qts-sim, and go by the broker's rule of when those close (a bar
	 * of a new time; an event after their end, whose equity then comes
	 * before it, not when the next bar comes, the next morning). */
	if (e->have_group && e->ops->closes(e->b, ev) && release(e) < 0)
		return -1;
	if (ev->type == QTS_BAR) {
		if (ev->ts != e->group_ts) {
			e->last_group_bars = e->group_ts == QTS_TS_MIN ? -1 : e->group_bars;
			e->group_ts = ev->ts;
			e->group_bars = 0;
		}
		e->group_bars++;
		e->have_group = 1;
		return process(e, ev);
	}
	if (!e->have_group)
		return process(e, ev);
	if (e->nheld == e->cheld) {
		e->cheld = e->cheld ? 2 * e->cheld : 16;
		if (!(e->held = realloc(e->held, e->cheld * sizeof *e->held)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
	}
	qts_event_copy(&e->held[e->nheld++], ev);
	return 0;
}

/* The runtime's tick: the input paused (idle), the timer, or the
 * broker's descriptor is ready.  A broker's call may wait in the loop,
 * which ticks: such a tick does nothing. */
static int broker_tick(void *eng, int64_t now, int idle)
{
	engine *e = eng;
	char err[QTS_ERR_MAX] = "";
	(void)now;
	if (e->in_call || e->failed)
		return e->failed ? -1 : 0;
	if (start(e) < 0)
		return -1;
	int64_t mono = qts_loop_now();
	if (!e->up && e->started && mono >= e->retry_at && connect_now(e) < 0)
		return -1;
	if (e->up && e->ops->poll) {
		e->in_call++;
		int rc = e->ops->poll(e->b, mono, &e->out, err);
		e->in_call--;
		if (flush_out(e) < 0)
			return -1;
		if (rc == QTS_BROKER_DOWN && went_down(e, err) < 0)
			return -1;
	}
	if (idle && !e->quiet_since)
		e->quiet_since = mono;
	if (!e->quiet_since || e->quiet_done)
		return 0;
	int64_t settle = 0;
	if (e->ops->market && e->have_group && (e->last_group_bars < 0 || e->group_bars < e->last_group_bars))
		settle = SETTLE;
	if (mono - e->quiet_since < settle) {
		qts_stage_tick_at(e->quiet_since + settle);
		return 0;
	}
	e->quiet_done = 1;
	if (release(e) < 0)
		return -1;
	if (e->up && e->ops->idle) {
		e->in_call++;
		int rc = e->ops->idle(e->b, &e->out, err);
		e->in_call--;
		if (flush_out(e) < 0)
			return -1;
		if (rc < 0)
			return fail(e, "%s", err);
	}
	return 0;
}

static int broker_watch(void *eng, short *events)
{
	engine *e = eng;
	if (!e->up || !e->ops->fd || e->in_call)
		return -1;
	return e->ops->fd(e->b, events);
}

static int broker_finish(void *eng)
{
	engine *e = eng;
	char err[QTS_ERR_MAX] = "";
	if (e->failed || start(e) < 0 || release(e) < 0)
		return -1;
	if (!e->seen_input && release_early(e, NULL) < 0)
		return -1;
	if (e->up && e->ops->poll) { /* the last updates */
		e->in_call++;
		int rc = e->ops->poll(e->b, qts_loop_now(), &e->out, err);
		e->in_call--;
		if (flush_out(e) < 0)
			return -1;
		if (rc == QTS_BROKER_DOWN && went_down(e, err) < 0)
			return -1;
	}
	/* The broker's own end (paper's books closed) only on a whole
	 * input: after a failure upstream the stream ends with it. */
	if (e->ops->finish && !qts_upstream_failure()) {
		e->in_call++;
		int rc = e->ops->finish(e->b, &e->out, err);
		e->in_call--;
		if (flush_out(e) < 0)
			return -1;
		if (rc < 0)
			return fail(e, "%s", err);
	}
	refusals_said(&e->malformed, "order", " as not well formed");
	refusals_said(&e->badtarget, "target", " as not well formed");
	refusals_said(&e->unsized, "target", "");
	return 0;
}

/* A signal before any input event: what the stage learnt meanwhile (the
 * account, fills, its warnings of a stream gone) goes out as at the end
 * of an empty input, dated as it came; held for a first event that never
 * comes, it was lost.  None is left after: 0. */
static int broker_drain(void *eng, qts_event *ev)
{
	(void)ev;
	engine *e = eng;
	if (!e->failed && !e->seen_input)
		release_early(e, NULL);
	return 0;
}

static const char *broker_error(void *eng)
{
	engine *e = eng;
	return e->error[0] ? e->error : NULL;
}

static void broker_counts(void *eng, char *buf, size_t size)
{
	engine *e = eng;
	snprintf(buf, size, "broker=%s %s sent=%lu working=%zu refused=%lu repeats=%lu%s", e->ops->name,
		 e->up ? "up" : "down", e->sent, e->nw, e->refused, e->repeats, e->killed ? " killed" : "");
}

static void broker_free(void *eng)
{
	engine *e = eng;
	if (e->b)
		e->ops->free(e->b);
	qts_bj_close(e->j);
	for (size_t i = 0; e->syms && i < qts_symtab_count(e->syms); i++)
		free(((bsym *)qts_symtab_at(e->syms, i, NULL))->tgt);
	qts_symtab_free(e->syms);
	qts_evbuf_free(&e->out);
	qts_evbuf_free(&e->early);
	for (size_t i = 0; i < e->nheld; i++)
		qts_event_free(&e->held[i]);
	free(e->held);
	free(e->w);
	free(e->listed);
	free(e);
}

static int broker_save(void *eng, struct qts_ckpt *c)
{
	return qts_broker_state_save(eng, c);
}

static int broker_restore(void *eng, struct qts_ckpt *c)
{
	return qts_broker_state_restore(eng, c);
}

static const qts_stage_ops broker_ops = {
	.save = broker_save,
	.restore = broker_restore,
	.put = broker_put,
	.tick = broker_tick,
	.finish = broker_finish,
	.drain = broker_drain,
	.error = broker_error,
	.counts = broker_counts,
	.free = broker_free,
	.watch = broker_watch,
};

/* ---- building ------------------------------------------------------------------- */

void qts_broker_stage_build(qts_stage *st, const qts_broker_ops *ops, int argc, char **argv, qts_emit_fn emit,
			    void *arg)
{
	if (!usage[0])
		build_usage();
	const struct option common[] = {
		QTS_STAGE_OPTIONS,
		QTS_STAGE_STATE_OPTIONS,
		{ "journal", required_argument, NULL, OPT_JOURNAL },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "max-order-value", required_argument, NULL, OPT_MAX_VALUE },
		{ "fallback", required_argument, NULL, OPT_FALLBACK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
	};
	size_t nc = sizeof common / sizeof common[0];
	size_t nb = 0;
	while (ops && ops->options && ops->options[nb].name)
		nb++;
	/* Static, as what exits with a usage error or --help still holds:
	 * nothing leaks. */
	static struct option lo[64];
	static engine *e;
	if (nc + nb + 1 > sizeof lo / sizeof lo[0])
		qts_die(QTS_EXIT_FAIL, "broker %s: too many options", ops->name);
	memcpy(lo, common, sizeof common);
	if (nb)
		memcpy(lo + nc, ops->options, nb * sizeof *lo);

	e = calloc(1, sizeof *e);
	if (!e || !(e->syms = qts_symtab_new(sizeof(bsym))))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	e->equity = NAN;
	e->nend = 1;
	e->group_ts = QTS_TS_MIN;
	e->last_group_bars = -1;
	char err[QTS_ERR_MAX];
	if (ops && !(e->b = ops->new(err)))
		qts_die(QTS_EXIT_FAIL, "%s", err);
	qts_stage_conf conf = { 0 };
	int c, idx;
	while ((c = getopt_long(argc, argv, "Mh", lo, &idx)) != -1) {
		switch (c) {
		case 'h': help(); /* exits */
		case OPT_VERSION: qts_print_version();
		case OPT_JOURNAL:
			if (!*optarg)
				qts_usage_error(usage, "--journal: an empty file name");
			e->journal_path = optarg;
			break;
		case OPT_DRY_RUN: e->dry = 1; break;
		case OPT_MAX_VALUE:
			if (qts_parse_double(optarg, 1e-9, 1e15, &e->max_value, err) < 0)
				qts_usage_error(usage, "--max-order-value: %s", err);
			break;
		case OPT_FALLBACK:
			if (!*optarg)
				qts_usage_error(usage, "--fallback: an empty endpoint");
			if (e->nend > MAX_ENDPOINTS)
				qts_usage_error(usage, "--fallback: at most %d endpoints", MAX_ENDPOINTS);
			e->endpoint[e->nend++] = optarg;
			break;
		case '?':
			qts_usage_error(usage, NULL);
		default:
			if (qts_stage_option(c, optarg, &conf, usage))
				break;
			if (ops && idx >= (int)nc && lo[idx].val == c) {
				if (strcmp(lo[idx].name, "fractional") == 0)
					e->fractional = 1; /* targets in fractional units too */
				if (ops->option(e->b, c, optarg, err) < 0)
					qts_usage_error(usage, "%s", err);
				break;
			}
			qts_usage_error(usage, NULL);
		}
		idx = -1;
	}
	if (!ops)
		qts_usage_error(usage, "no broker named: the first word is the broker");
	if (e->nend > 1 && strcmp(ops->name, "paper") == 0) /* it would never be tried */
		qts_usage_error(usage, "--fallback: the paper broker runs in the process, with no endpoint to fall back from");
	for (size_t i = 1; i < e->nend; i++)
		if (ops->endpoint_check && ops->endpoint_check(e->endpoint[i], err) < 0)
			qts_usage_error(usage, "--fallback: %s", err);
	/* --output-journal writes again, after a restart, none of what the
	 * journal holds past the state's count, the records a run
	 * uninterrupted writes the same: so paper's.  A live broker's
	 * restart writes instead what the broker says happened meanwhile
	 * (fills while down, orders reconciled), dated as it reads them: a
	 * count would leave those out (a fill lost) and write the replay
	 * out of its place. */
	if (conf.output_journal && !ops->save)
		qts_usage_error(usage, "--output-journal: %s's output after a restart is not the stream a run uninterrupted "
				"writes (the broker's news of the time down comes first), so no count of the journal's "
				"records says what not to write again: give each run's output a journal of its own",
				ops->name);
	if (!(e->j = qts_bj_open(e->journal_path, err)))
		qts_die(QTS_EXIT_FAIL, "%s", err);
	qts_jitter_seed(&e->rng, e);
	e->ops = ops;
	e->emit = emit;
	e->arg = arg;
	conf.files = argv + optind;
	conf.nfiles = (size_t)(argc - optind);
	if (ops->poll || ops->fd)
		conf.tick_every = POLL_EVERY;
	/* a broker that fills on the market holds what follows a bar as the
	 * engine decides (qts_broker_ops.closes) */
	assert(!ops->market || ops->closes);
	st->name = "qts-broker";
	st->ops = &broker_ops;
	st->eng = e;
	st->conf = conf;
	/* its last updates are what happened: out before the failure */
	st->conf.upstream_ends = QTS_UPSTREAM_FINISH;
	/* An order read before a signal is not sent after it: the signal is
	 * how an operator stops the orders going out. */
	st->conf.put_nothing_after_signal = 1;
	/* With a journal, a state from the start keeps a run killed before
	 * its first checkpoint from starting over: the paper account's
	 * journal goes back with its state (a restart truncates it to the
	 * checkpoint's length), where the orders of the run killed would
	 * take their ids and go again under new ones; a live account's
	 * replayed targets would trade again. */
	st->conf.checkpoint_at_start = e->journal_path != NULL;
	/* A live account's state without the journal: a restart replays the
	 * input after the checkpoint with no record of what it sent. */
	if (conf.state && !e->journal_path && !ops->save && !e->dry)
		qts_warn("--state %s without --journal: the orders sent after a checkpoint are not known at a restart, "
			 "and the replay of their events sends them again",
			 conf.state);
}

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	build_usage();
	/* The broker is the first word; without one, --help and --version
	 * alone make sense. */
	const qts_broker_ops *ops = NULL;
	char *word = NULL;
	if (argc > 1 && argv[1][0] != '-') {
		if (!(ops = qts_broker_find(argv[1])))
			qts_usage_error(usage, "'%s' is not a broker", argv[1]);
		word = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	qts_broker_stage_build(st, ops, argc, argv, emit, arg);
	/* The broker's name back in its place: a state's options are the
	 * words after the program's name, whatever path ran it. */
	if (word)
		argv[0] = word;
}

const qts_stage_def qts_broker_stage = { "qts-broker", build };
