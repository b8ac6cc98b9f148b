/* broker_paper.c — `qts-broker paper`: the qts-sim engine (sim.c) behind
 * the broker interface, with qts-sim's flags, so that a live pipeline can
 * be tried end to end without an account and a backtest through
 * qts-broker fills as qts-sim does.  The engine's state lives in the
 * process: a paper account starts afresh with every run, unless the
 * stage keeps it in its --state file (paper_save, paper_restore). */
#include "qts_broker.h"
#include "qts_sim.h"
#include "qts_checkpoint.h"

#include <stdlib.h>
#include <string.h>

/* What paper knows of an order it was given, for cancel (the engine
 * wants the symbol) and lookup. */
typedef struct paper_order {
	char id[QTS_ID_MAX];
	char symbol[QTS_SYM_MAX];
	qts_broker_known k;
} paper_order;

typedef struct paper {
	qts_sim_conf conf;
	qts_sim *sim;
	qts_evbuf *out;          /* where the engine's events go during a call */
	const qts_event *market; /* the market event being fed: written in place */
	int oom;
	paper_order *ord;
	size_t nord, cord;
} paper;

static const struct option paper_options[] = {
	QTS_SIM_OPTIONS,
	{ 0 },
};

static const char paper_usage[] =
	"  paper: the qts-sim engine on the live feed (qts-sim(1)'s flags)\n" QTS_SIM_OPTIONS_USAGE;

static paper_order *find(paper *p, const char *id)
{
	for (size_t i = p->nord; i-- > 0;)
		if (strcmp(p->ord[i].id, id) == 0)
			return &p->ord[i];
	return NULL;
}

/* The engine's events: what it passes through of what it was fed is the
 * stage's (but the market event, which keeps its place among them). */
static int paper_emit(void *arg, const qts_event *ev)
{
	paper *p = arg;
	switch (ev->type) {
	case QTS_BAR:
	case QTS_TICK:
	case QTS_QUOTE:
		if (ev != p->market)
			return 0;
		break;
	case QTS_ORDER:
	case QTS_CANCEL:
	case QTS_TARGET:
		return 0;
	case QTS_UPDATE: {
		paper_order *o = find(p, ev->update.id);
		if (o) {
			int st = qts_status_parse(ev->update.status);
			o->k.status = st < 0 ? o->k.status : st;
			o->k.filled = ev->update.filled;
			o->k.avg_price = ev->update.avg_price;
			/* over: forgotten, so that the orders kept stay few
			 * however long the stream (the journal has its end,
			 * and a reconciliation looks up only those it has
			 * not) */
			if (st >= 0 && qts_status_final(st))
				*o = p->ord[--p->nord];
		}
		break;
	}
	default:
		break;
	}
	if (!p->out || qts_evbuf_push(p->out, ev) < 0) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

static void *paper_new(char *err)
{
	paper *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	qts_sim_conf_init(&p->conf);
	return p;
}

static int paper_option(void *b, int c, const char *arg, char *err)
{
	int rc = qts_sim_option(&((paper *)b)->conf, c, arg, err);
	if (rc == -2)
		qts_die(QTS_EXIT_FAIL, "%s", err); /* a file that cannot be read: as qts-sim */
	return rc == 1 ? 0 : -1;
}

/* The engine's call rc: 0, or -1 with err. */
static int done(paper *p, int rc, char *err)
{
	p->out = NULL;
	p->market = NULL;
	if (rc < 0) {
		const char *why = qts_sim_error(p->sim);
		snprintf(err, QTS_ERR_MAX, "paper: %s", p->oom ? "out of memory" : why ? why : "failed");
	}
	return rc < 0 ? -1 : 0;
}

static int paper_connect(void *b, const char *endpoint, qts_evbuf *out, char *err)
{
	paper *p = b;
	(void)out;
	if (endpoint) {
		snprintf(err, QTS_ERR_MAX, "paper: takes no endpoint ('%.200s')", endpoint);
		return QTS_BROKER_DOWN;
	}
	if (p->sim)
		return 0; /* the account lives in the process */
	if (qts_sim_conf_ready(&p->conf, err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err); /* --actions FILE: as qts-sim */
	if (!(p->sim = qts_sim_new(&p->conf.sim, paper_emit, p))) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	return 0;
}

static int paper_lookup(void *b, const char *id, qts_broker_known *k, char *err)
{
	(void)err;
	paper_order *o = find(b, id);
	if (!o)
		return 0;
	*k = o->k;
	return 1;
}

static int paper_open_orders(void *b, qts_evbuf *out, char *err)
{
	(void)b, (void)out, (void)err;
	return 0; /* a fresh account has none */
}

static int paper_place(void *b, const qts_broker_order *o, qts_evbuf *out, char *err)
{
	paper *p = b;
	if (p->nord == p->cord) {
		size_t cap = p->cord ? 2 * p->cord : 64;
		paper_order *n = realloc(p->ord, cap * sizeof *n);
		if (!n) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
		p->ord = n;
		p->cord = cap;
	}
	paper_order *po = &p->ord[p->nord++];
	memset(po, 0, sizeof *po);
	QTS_SET(po->id, o->id);
	QTS_SET(po->symbol, o->symbol);
	po->k.status = QTS_STATUS_NEW;
	po->k.avg_price = NAN;
	po->k.side = o->side;
	po->k.qty = o->qty;
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, o->ts);
	QTS_SET(ev.symbol, o->symbol);
	QTS_SET(ev.order.id, o->id);
	QTS_SET(ev.order.side, qts_side_name(o->side));
	ev.order.qty = o->qty;
	QTS_SET(ev.order.kind, qts_kind_name(o->kind));
	ev.order.limit = o->limit;
	ev.order.stop = o->stop;
	QTS_SET(ev.order.tif, qts_tif_name(o->tif));
	QTS_SET(ev.order.strategy, o->strategy);
	p->out = out;
	return done(p, qts_sim_put_now(p->sim, &ev), err) < 0 ? QTS_BROKER_DOWN : QTS_BROKER_OK;
}

static int paper_cancel(void *b, const char *id, int64_t ts, const char *why, qts_evbuf *out, char *err)
{
	paper *p = b;
	paper_order *po = find(p, id);
	if (!po)
		return QTS_BROKER_OK; /* nothing to cancel: as qts-sim, silently */
	qts_event ev;
	qts_event_init(&ev, QTS_CANCEL, ts);
	QTS_SET(ev.symbol, po->symbol);
	QTS_SET(ev.cancel.id, id);
	p->out = out;
	return done(p, qts_sim_cancel(p->sim, &ev, why), err) < 0 ? QTS_BROKER_DOWN : QTS_BROKER_OK;
}

static int paper_market(void *b, const qts_event *ev, qts_evbuf *out, char *err)
{
	paper *p = b;
	p->out = out;
	p->market = ev;
	/* A bar may close the latest time's group (its equity first); what
	 * else comes is in order already: the stage holds it as qts-sim
	 * would (qts_sim_closes). */
	if (ev->type == QTS_BAR)
		return done(p, qts_sim_put(p->sim, ev), err);
	/* a tick or quote after the bars' end closes them first, as in qts_sim_put */
	return done(p, qts_sim_advance(p->sim, ev->ts) < 0 ? -1 : qts_sim_put_now(p->sim, ev), err);
}

static int paper_advance(void *b, int64_t ts, qts_evbuf *out, char *err)
{
	paper *p = b;
	if (!p->sim)
		return 0;
	p->out = out;
	return done(p, qts_sim_advance(p->sim, ts), err);
}

static int paper_closes(void *b, const qts_event *ev)
{
	paper *p = b;
	return p->sim && qts_sim_closes(p->sim, ev);
}

static void paper_books(void *b, const char *symbol, qts_sim_books *out)
{
	paper *p = b;
	if (p->sim)
		qts_sim_books_of(p->sim, symbol, out);
	else
		*out = (qts_sim_books){ .price = NAN, .mult = 1, .equity = NAN };
}

static int paper_idle(void *b, qts_evbuf *out, char *err)
{
	paper *p = b;
	if (!p->sim)
		return 0;
	p->out = out;
	return done(p, qts_sim_pause(p->sim), err);
}

static int paper_finish(void *b, qts_evbuf *out, char *err)
{
	paper *p = b;
	if (!p->sim)
		return 0;
	p->out = out;
	int rc = done(p, qts_sim_finish(p->sim), err);
	qts_sim_warn_options(p->sim, p->conf.actions_file);
	qts_sim_warn_unpriced(p->sim);
	return rc;
}

static void paper_free(void *b)
{
	paper *p = b;
	if (!p)
		return;
	qts_sim_free(p->sim);
	qts_sim_conf_free(&p->conf);
	free(p->ord);
	free(p);
}

/* --state: the account (the engine's whole state) and the orders paper
 * was given, both ways. */
static int paper_ck(paper *p, qts_ckpt *c)
{
	qts_ck_tag(c, "paper");
	int have = p->sim != NULL;
	qts_ck_int(c, &have);
	if (c->loading && have) {
		char err[QTS_ERR_MAX];
		if (qts_sim_conf_ready(&p->conf, err) < 0) {
			qts_ck_fail(c, "%s", err);
			return -1;
		}
		if (!(p->sim = qts_sim_new(&p->conf.sim, paper_emit, p))) {
			qts_ck_fail(c, "out of memory");
			return -1;
		}
		if (qts_sim_restore(p->sim, c) < 0)
			return -1;
	} else if (have && qts_sim_save(p->sim, c) < 0)
		return -1;
	size_t n = p->nord;
	qts_ck_size(c, &n, c->loading ? c->len / 40 : n);
	if (c->loading && n) {
		if (!qts_ck_room(c, n, 40) || !(p->ord = calloc(n, sizeof *p->ord))) {
			qts_ck_fail(c, "out of memory");
			return -1;
		}
		p->nord = p->cord = n;
	}
	for (size_t i = 0; i < n && qts_ck_ok(c); i++) {
		paper_order *o = &p->ord[i];
		qts_ck_str(c, o->id, sizeof o->id);
		qts_ck_str(c, o->symbol, sizeof o->symbol);
		qts_ck_int(c, &o->k.status);
		qts_ck_f64(c, &o->k.filled), qts_ck_f64(c, &o->k.avg_price);
	}
	return qts_ck_ok(c) ? 0 : -1;
}

static int paper_save(void *b, qts_ckpt *c)
{
	return paper_ck(b, c);
}

static int paper_restore(void *b, qts_ckpt *c)
{
	paper *p = b;
	if (p->sim || p->nord) {
		qts_ck_fail(c, "paper: restored into an account that has run");
		return -1;
	}
	return paper_ck(p, c);
}

const qts_broker_ops qts_broker_paper = {
	.save = paper_save,
	.restore = paper_restore,
	.name = "paper",
	.options = paper_options,
	.usage = paper_usage,
	.new = paper_new,
	.option = paper_option,
	.connect = paper_connect,
	.lookup = paper_lookup,
	.open_orders = paper_open_orders,
	.place = paper_place,
	.cancel = paper_cancel,
	.books = paper_books,
	.closes = paper_closes,
	.market = paper_market,
	.finish = paper_finish,
	.free = paper_free,
	.idle = paper_idle,
	.advance = paper_advance,
};
