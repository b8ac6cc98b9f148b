/* broker_ib.c — `qts-broker ib`: Interactive Brokers through the socket
 * API of TWS or IB Gateway (the messages: tws_codec.c).
 *
 * Our order id travels as the order's orderRef; IB's own order ids are
 * integers counted from nextValidId, so a table maps ours to IB's.  It is
 * rebuilt at every connection from the open orders (reqAllOpenOrders),
 * the orders over today (reqCompletedOrders) and the day's executions
 * (reqExecutions), which carry the orderRef.
 * Fills come from execDetails, each with its commission from the
 * commissionReport that follows it, and each execution (execId) is
 * reported once in a process, however often TWS repeats it.  orderStatus
 * and openOrder give the order's status; a repeated or stale one (a
 * smaller filled quantity, a status after a final one) changes nothing.
 * Every wait is in the stage's loop (qts_stage_wait), and every message
 * out takes a token of a bucket at IB's 50 messages a second. */
#include "qts_broker.h"
#include "qts_loop.h"
#include "qts_tws.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdarg.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { OPT_HOST = 0x7540, OPT_PORT, OPT_CLIENT_ID, OPT_ACCOUNT };

static const struct option ib_options[] = {
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
	{ "account", required_argument, NULL, OPT_ACCOUNT },
	{ 0 }
};

#define IB_USAGE \
	"  ib: Interactive Brokers through TWS or IB Gateway's socket API\n" \
	"  --host HOST             TWS or IB Gateway's host (default 127.0.0.1)\n" \
	"  --port PORT             its API port (default 7497, paper TWS)\n" \
	"  --client-id N           the API client id, the same at every start\n" \
	"                          (default 0, 0..2147483647)\n" \
	"  --account ACCOUNT       the account traded (default: TWS's first)\n"

#define SEC QTS_NS_PER_SEC
static const int64_t ANSWER_WAIT = 10 * SEC;  /* a request's answer */
static const int64_t ACK_WAIT = 5 * SEC;      /* IB's first word on an order */
static const int64_t COMMISSION_WAIT = 10 * SEC;
/* A position held back for fills to come (qts_posguard) is offered again
 * this often, and taken after QTS_POSGUARD_OFFERS offers. */
static const int64_t REOFFER_EVERY = 1 * SEC;
static const int64_t QUIET = 20 * SEC;        /* silence before a heartbeat */
static const long SUMMARY_REQ = 9001, EXEC_REQ = 9002;
static const char SUMMARY_TAGS[] = "NetLiquidation,TotalCashValue,GrossPositionValue";

typedef struct ib_order {
	char id[QTS_ID_MAX];
	long long ib;              /* IB's order id; 0: not known */
	char symbol[QTS_SYM_MAX];
	int side;
	double qty;
	int status;                /* QTS_STATUS_*; -1: IB has said nothing */
	double filled, avg;
	char reason[QTS_TEXT_MAX];
	int said_status;           /* what the last update said; -1: none */
	double said_filled;
	int open;                  /* in the last open orders */
	unsigned said_gen;         /* the call that said it last */
	int cancel_refused;
} ib_order;

typedef struct ib_exec {
	char exec_id[QTS_TWS_STR];
	char id[QTS_ID_MAX];
	char symbol[QTS_SYM_MAX];
	int side;
	double qty, price, commission;
	int have_exec, have_commission, reported;
	int64_t seen;
} ib_exec;

typedef struct ib {
	char host[256];                /* where the connection goes now */
	long port, client_id;
	char opt_host[256];            /* --host and --port: the default endpoint */
	long opt_port;
	char account[QTS_TWS_STR];     /* --account, or TWS's first */
	int account_given;
	int fd;
	int version;                   /* the server's; 0 before its hello */
	unsigned char *rb;
	size_t rn, rcap;
	qts_tws_out wb;
	size_t woff;
	qts_rate_bucket bucket;
	long long next_id;
	int got_next_id, got_accounts, positions_end, summary_end, open_end, exec_end, completed_end;
	char fatal[QTS_ERR_MAX];       /* the server refused us (a client id in use) */
	ib_order *ord;
	size_t nord, cord;
	ib_exec *ex;
	size_t nex, cex;
	double cash, equity, gross;
	int have_cash, have_equity, equity_changed;
	qts_evbuf q;                   /* events learnt, until a call hands them out */
	unsigned gen;                  /* counts the calls of open_orders */
	int64_t last_rx, ping_sent;
	int busy;
	int oom;
	int connected_once;            /* a connection was made in this process */
	int quiet;                     /* the first one's resync: nothing said */
	int counting;                  /* fills said now move the positions (not
					* at connect: its positions are the truth) */
	qts_posguard pos;              /* the positions, in step with the fills said */
	int64_t next_reoffer;          /* a position held back is offered again */
} ib;

/* ---- small helpers ----------------------------------------------------------- */

static void push(ib *b, const qts_event *ev)
{
	if (qts_evbuf_push(&b->q, ev) < 0)
		b->oom = 1;
}

static void warn(ib *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(ib *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (qts_broker_vwarn(&b->q, fmt, ap) < 0)
		b->oom = 1;
	va_end(ap);
}

/* Hand the events learnt to out. */
static int hand_out(ib *b, qts_evbuf *out, char *err)
{
	for (size_t i = 0; i < b->q.n; i++)
		if (qts_evbuf_push(out, &b->q.ev[i]) < 0)
			b->oom = 1;
	qts_evbuf_clear(&b->q);
	if (b->oom) {
		b->oom = 0;
		snprintf(err, QTS_ERR_MAX, "ib: out of memory");
		return -1;
	}
	return 0;
}

static ib_order *find(ib *b, const char *id)
{
	for (size_t i = 0; i < b->nord; i++)
		if (!strcmp(b->ord[i].id, id))
			return &b->ord[i];
	return NULL;
}

static ib_order *by_ib(ib *b, long long ib_id)
{
	for (size_t i = 0; i < b->nord; i++)
		if (b->ord[i].ib == ib_id)
			return &b->ord[i];
	return NULL;
}

static ib_order *add(ib *b, const char *id)
{
	if (b->nord == b->cord) {
		size_t c = b->cord ? b->cord * 2 : 64;
		ib_order *p = realloc(b->ord, c * sizeof *p);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->ord = p;
		b->cord = c;
	}
	ib_order *o = &b->ord[b->nord++];
	memset(o, 0, sizeof *o);
	QTS_SET(o->id, id);
	o->status = o->said_status = -1;
	o->avg = NAN;
	return o;
}

/* The length of an execId without its correction number: TWS names a
 * correction of an execution by its ExecId with other digits after the
 * final period (".02" corrects ".01"), each partial fill having its own
 * ExecId before it (the API's Execution.ExecId). */
static size_t exec_base(const char *exec_id)
{
	const char *dot = strrchr(exec_id, '.');
	return dot ? (size_t)(dot - exec_id) : strlen(exec_id);
}

/* The execution exec_id is, or corrects: a correction is the same fill
 * told again, never a second one (its commission report, too, finds the
 * execution it corrects). */
static ib_exec *exec_find(ib *b, const char *exec_id, int create)
{
	size_t n = exec_base(exec_id);
	for (size_t i = 0; i < b->nex; i++)
		if (exec_base(b->ex[i].exec_id) == n && !strncmp(b->ex[i].exec_id, exec_id, n))
			return &b->ex[i];
	if (!create)
		return NULL;
	if (b->nex == b->cex) {
		size_t c = b->cex ? b->cex * 2 : 64;
		ib_exec *p = realloc(b->ex, c * sizeof *p);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->ex = p;
		b->cex = c;
	}
	ib_exec *e = &b->ex[b->nex++];
	memset(e, 0, sizeof *e);
	QTS_SET(e->exec_id, exec_id);
	return e;
}

static int account_ok(ib *b, const char *account)
{
	return !b->account[0] || !account[0] || !strcmp(b->account, account);
}

/* ---- events -------------------------------------------------------------------- */

static void say_update(ib *b, ib_order *o)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, qts_wall_now());
	QTS_SET(ev.symbol, o->symbol);
	QTS_SET(ev.update.id, o->id);
	QTS_SET(ev.update.status, qts_status_name(o->status));
	ev.update.filled = o->filled;
	ev.update.avg_price = o->filled > 0 ? o->avg : QTS_EMPTY;
	if (o->status == QTS_STATUS_REJECTED || o->status == QTS_STATUS_CANCELED)
		QTS_SET_TEXT(ev.update.reason, o->reason);
	push(b, &ev);
	o->said_status = o->status;
	o->said_filled = o->filled;
	o->said_gen = b->gen;
}

/* Updates for the orders whose status or fill changed since the last. */
static void say_changes(ib *b)
{
	for (size_t i = 0; i < b->nord; i++) {
		ib_order *o = &b->ord[i];
		if (o->status >= 0 && (o->status != o->said_status || o->filled != o->said_filled))
			say_update(b, o);
	}
}

static void say_fill(ib *b, ib_exec *e, double commission)
{
	qts_event ev;
	qts_event_init(&ev, QTS_FILL, qts_wall_now());
	QTS_SET(ev.symbol, e->symbol);
	QTS_SET(ev.fill.id, e->id);
	QTS_SET(ev.fill.side, qts_side_name(e->side));
	ev.fill.qty = e->qty;
	ev.fill.price = e->price;
	ev.fill.commission = commission;
	ev.fill.slippage = 0;
	push(b, &ev);
	e->reported = 1;
	/* a position TWS sent before this fill's commission report was held
	 * back for it */
	if (b->counting && (qts_posguard_fill(&b->pos, &ev) < 0 || qts_posguard_reoffer(&b->pos, &b->q) < 0))
		b->oom = 1;
}

static void say_equity(ib *b)
{
	if (!b->have_equity)
		return;
	qts_event ev;
	qts_event_init(&ev, QTS_EQUITY, qts_wall_now());
	ev.equity.cash = b->have_cash ? b->cash : 0;
	ev.equity.equity = b->equity;
	ev.equity.gross = b->gross;
	ev.equity.net = b->equity - (b->have_cash ? b->cash : 0);
	push(b, &ev);
	b->equity_changed = 0;
}

/* Status ranks: a status never goes back to an earlier one, and never
 * leaves a final one. */
static int rank(int st)
{
	return st < 0 ? -1 : qts_status_final(st) ? 3 : st == QTS_STATUS_PARTIAL ? 2 : st == QTS_STATUS_ACCEPTED ? 1 : 0;
}

static void set_status(ib_order *o, int st, double filled, double avg)
{
	if (o->status >= 0 && qts_status_final(o->status))
		return;
	if (filled < o->filled)
		return; /* older than what is known: out of order */
	if (filled > o->filled) {
		o->filled = filled;
		if (!isnan(avg) && avg > 0)
			o->avg = avg;
	}
	if (rank(st) >= rank(o->status))
		o->status = st;
}

/* ---- what the server says --------------------------------------------------------- */

/* Error codes that say something of an order without ending it. */
static int order_warning(long code)
{
	switch (code) {
	case 161:   /* cancel attempted when the order is not cancellable */
	case 399:   /* the order is held (outside regular hours...) */
	case 404:   /* shares not available for a short sale yet */
	case 10147: /* the order to cancel is not found */
	case 10148: /* the order cannot be cancelled */
	case 10149: /* the order to cancel is not known */
	case 10349: /* the time in force was set from a preset */
		return 1;
	}
	return code >= 2100 && code < 2200;
}

static void on_error(ib *b, const qts_tws_msg *m)
{
	long code = m->error.code;
	ib_order *o = m->error.id > 0 ? by_ib(b, m->error.id) : NULL;
	if (!o) {
		/* TWS's word at every connection that its data farms are fine */
		if (code == 2104 || code == 2106 || code == 2107 || code == 2108 || code == 2119 || code == 2158)
			return;
		/* The connection's own errors: a client id in use ends it. */
		if (code == 326 || code == 502 || code == 503 || code == 504 || code == 507)
			snprintf(b->fatal, sizeof b->fatal, "ib: error %ld: %.200s", code, m->error.text);
		else
			warn(b, "ib: error %ld: %.200s", code, m->error.text);
		return;
	}
	if (code == 10147 || code == 10148 || code == 161)
		o->cancel_refused = 1;
	if (code == 202) { /* the order was canceled: the reason follows */
		qts_text_format(o->reason, sizeof o->reason, "IB %ld: %s", code, m->error.text);
		set_status(o, QTS_STATUS_CANCELED, o->filled, NAN);
		return;
	}
	if (order_warning(code) || (o->status >= 0 && qts_status_final(o->status))) {
		warn(b, "ib: order %s: error %ld: %s", o->id, code, m->error.text);
		if (o->status < 0)
			o->status = QTS_STATUS_NEW;
		return;
	}
	qts_text_format(o->reason, sizeof o->reason, "IB %ld: %s", code, m->error.text);
	set_status(o, QTS_STATUS_REJECTED, o->filled, NAN);
}

static void on_exec(ib *b, const qts_tws_msg *m)
{
	if (!m->exec_details.order_ref[0] || !account_ok(b, m->exec_details.account))
		return; /* not an order of ours */
	ib_order *o = find(b, m->exec_details.order_ref);
	int side = !strcmp(m->exec_details.side, "BOT") ? QTS_BUY : QTS_SELL;
	if (!o && (o = add(b, m->exec_details.order_ref))) {
		QTS_SET(o->symbol, m->exec_details.symbol);
		o->side = side;
	}
	if (!o)
		return;
	if (!o->ib)
		o->ib = m->exec_details.order_id;
	ib_exec *e = exec_find(b, m->exec_details.exec_id, 1);
	if (e && e->have_exec && strcmp(e->exec_id, m->exec_details.exec_id) &&
	    (e->qty != m->exec_details.shares || e->price != m->exec_details.price))
		/* a fill said cannot be taken back: the correction is said */
		warn(b, "ib: execution %s corrected by %s to %g at %g (said as %g at %g)", e->exec_id,
		     m->exec_details.exec_id, m->exec_details.shares, m->exec_details.price, e->qty, e->price);
	if (!e || e->have_exec)
		return; /* the same execution again, or corrected */
	e->have_exec = 1;
	QTS_SET(e->id, o->id);
	QTS_SET(e->symbol, m->exec_details.symbol);
	e->side = side;
	e->qty = m->exec_details.shares;
	e->price = m->exec_details.price;
	e->seen = qts_loop_now();
	/* At the process's first connection the day's executions make the
	 * table; their fills are the stage's to write, from its journal and
	 * the cumulative figures lookup gives (a fill it wrote before a
	 * restart is never written twice). */
	if (b->quiet)
		e->reported = 1;
	double cum = m->exec_details.cum_qty, avg = m->exec_details.avg_price;
	if (cum >= o->filled && cum > 0 && !isnan(avg) && avg > 0)
		o->avg = avg; /* a completed order's figures lack it */
	if (cum > o->filled)
		set_status(o, o->qty > 0 && cum >= o->qty ? QTS_STATUS_FILLED : QTS_STATUS_PARTIAL, cum,
			   m->exec_details.avg_price);
	if (e->have_commission && !e->reported)
		say_fill(b, e, e->commission);
}

/* What the first connection learnt is taken as said: the stage
 * reconciles it with its journal (lookup, open_orders). */
static void hush(ib *b)
{
	for (size_t i = 0; i < b->nord; i++) {
		b->ord[i].said_status = b->ord[i].status;
		b->ord[i].said_filled = b->ord[i].filled;
	}
}

static void handle(ib *b, const qts_tws_msg *m)
{
	ib_order *o;
	ib_exec *e;
	switch (m->id) {
	case QTS_TWS_NEXT_VALID_ID:
		if (m->next_valid_id.order_id > b->next_id)
			b->next_id = m->next_valid_id.order_id;
		b->got_next_id = 1;
		break;
	case QTS_TWS_MANAGED_ACCOUNTS:
		b->got_accounts = 1;
		if (!b->account_given) {
			size_t n = strcspn(m->managed_accounts.accounts, ",");
			if (n < sizeof b->account) {
				memcpy(b->account, m->managed_accounts.accounts, n);
				b->account[n] = '\0';
			}
		}
		break;
	case QTS_TWS_ORDER_STATUS: {
		if (!(o = by_ib(b, m->order_status.order_id)))
			break;
		int st = qts_tws_status(m->order_status.status, m->order_status.filled, m->order_status.remaining);
		if (st < 0) {
			warn(b, "ib: order %s: unknown status \"%s\"", o->id, m->order_status.status);
			break;
		}
		set_status(o, st, m->order_status.filled, m->order_status.avg_price);
		break;
	}
	case QTS_TWS_OPEN_ORDER: {
		if (!m->open_order.order_ref[0] || !account_ok(b, m->open_order.account))
			break;
		if (!(o = find(b, m->open_order.order_ref)) && (o = add(b, m->open_order.order_ref))) {
			QTS_SET(o->symbol, m->open_order.symbol);
			o->side = !strcmp(m->open_order.action, "BUY") ? QTS_BUY : QTS_SELL;
			o->qty = m->open_order.qty;
		}
		if (!o)
			break;
		o->ib = m->open_order.order_id;
		o->open = 1;
		if (!o->qty)
			o->qty = m->open_order.qty;
		int st = qts_tws_status(m->open_order.status, o->filled, o->qty - o->filled);
		if (st >= 0)
			set_status(o, st, o->filled, NAN);
		else if (o->status < 0)
			o->status = QTS_STATUS_ACCEPTED;
		break;
	}
	case QTS_TWS_OPEN_ORDER_END:
		b->open_end = 1;
		break;
	case QTS_TWS_COMPLETED_ORDER: {
		/* an order over: no IB order id any more, its status final */
		if (!m->completed.order_ref[0] || !account_ok(b, m->completed.account))
			break;
		if (!(o = find(b, m->completed.order_ref)) && (o = add(b, m->completed.order_ref))) {
			QTS_SET(o->symbol, m->completed.symbol);
			o->side = !strcmp(m->completed.action, "BUY") ? QTS_BUY : QTS_SELL;
			o->qty = m->completed.qty;
		}
		if (!o)
			break;
		int st = qts_tws_status(m->completed.status, m->completed.filled, o->qty - m->completed.filled);
		if (st < 0 || !qts_status_final(st))
			st = m->completed.filled >= o->qty ? QTS_STATUS_FILLED : QTS_STATUS_CANCELED;
		if (!o->reason[0])
			QTS_SET_TEXT(o->reason, m->completed.completed_status);
		set_status(o, st, m->completed.filled, NAN);
		break;
	}
	case QTS_TWS_COMPLETED_ORDERS_END:
		b->completed_end = 1;
		break;
	case QTS_TWS_EXEC_DETAILS:
		on_exec(b, m);
		break;
	case QTS_TWS_EXEC_DETAILS_END:
		b->exec_end = 1;
		break;
	case QTS_TWS_COMMISSION_REPORT:
		if (!(e = exec_find(b, m->commission.exec_id, 1)) || e->have_commission)
			break;
		e->have_commission = 1;
		e->commission = isnan(m->commission.commission) ? 0 : m->commission.commission;
		if (e->have_exec && !e->reported && e->id[0])
			say_fill(b, e, e->commission);
		break;
	case QTS_TWS_POSITION: {
		if (!account_ok(b, m->position.account) || strcmp(m->position.sec_type, "STK"))
			break;
		qts_event ev;
		qts_event_init(&ev, QTS_POSITION, qts_wall_now());
		QTS_SET(ev.symbol, m->position.symbol);
		ev.position.qty = m->position.position;
		ev.position.avg_price = m->position.avg_cost;
		/* the answer to reqPositions at connect is the truth; an update
		 * after it may run ahead of the fills said */
		int held = qts_posguard_offer(&b->pos, &ev, !b->positions_end, &b->q);
		if (held < 0)
			b->oom = 1;
		else if (held && !b->next_reoffer)
			b->next_reoffer = qts_loop_now() + REOFFER_EVERY;
		break;
	}
	case QTS_TWS_POSITION_END:
		/* TWS lists the positions held (and those closed in its
		 * session, at 0): one closed before it, while we were away, is
		 * left out, and is flat */
		if (!b->positions_end && qts_posguard_end(&b->pos, qts_wall_now(), 1, &b->q) < 0)
			b->oom = 1;
		b->positions_end = 1;
		break;
	case QTS_TWS_ACCOUNT_SUMMARY: {
		if (!account_ok(b, m->account_summary.account))
			break;
		if (!b->account[0])
			QTS_SET(b->account, m->account_summary.account);
		double v;
		const char *s = m->account_summary.value, *t = m->account_summary.tag;
		if (qts_num_parse(s, strlen(s), &v) < 0)
			break;
		if (!strcmp(t, "NetLiquidation")) {
			b->equity_changed |= !b->have_equity || v != b->equity;
			b->equity = v;
			b->have_equity = 1;
		} else if (!strcmp(t, "TotalCashValue")) {
			b->equity_changed |= !b->have_cash || v != b->cash;
			b->cash = v;
			b->have_cash = 1;
		} else if (!strcmp(t, "GrossPositionValue")) {
			b->equity_changed |= v != b->gross;
			b->gross = v;
		}
		break;
	}
	case QTS_TWS_ACCOUNT_SUMMARY_END:
		b->summary_end = 1;
		if (b->equity_changed)
			say_equity(b);
		break;
	case QTS_TWS_ERROR:
		on_error(b, m);
		break;
	}
}

/* ---- the connection ---------------------------------------------------------------- */

static void hang_up(ib *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	b->version = 0;
	b->rn = 0;
	b->wb.n = b->woff = 0;
}

/* Send what is queued, as far as the socket takes it now: 0, or -1 with
 * err when the connection is lost. */
static int send_some(ib *b, char *err)
{
	while (b->woff < b->wb.n) {
		ssize_t k = send(b->fd, b->wb.p + b->woff, b->wb.n - b->woff, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			snprintf(err, QTS_ERR_MAX, "ib: %s:%ld: send: %s", b->host, b->port, strerror(errno));
			return -1;
		}
		b->woff += (size_t)k;
	}
	b->wb.n = b->woff = 0;
	return 0;
}

/* Read what has come and handle every whole message: 0, or -1 with err
 * when the connection is lost or the server refused us. */
static int read_some(ib *b, char *err)
{
	char lost[128] = ""; /* the connection's end, said after what came before it */
	for (;;) {
		if (b->rcap - b->rn < 65536) {
			size_t c = b->rcap ? b->rcap * 2 : 131072;
			unsigned char *p = realloc(b->rb, c);
			if (!p) {
				snprintf(err, QTS_ERR_MAX, "ib: out of memory");
				return -1;
			}
			b->rb = p;
			b->rcap = c;
		}
		ssize_t k = recv(b->fd, b->rb + b->rn, b->rcap - b->rn, 0);
		if (k == 0) {
			snprintf(lost, sizeof lost, "the server closed the connection");
			break;
		}
		if (k < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			snprintf(lost, sizeof lost, "recv: %s", strerror(errno));
			break;
		}
		b->rn += (size_t)k;
		b->last_rx = qts_loop_now();
		b->ping_sent = 0;
	}
	size_t off = 0, len;
	char why[QTS_ERR_MAX];
	int r;
	while ((r = qts_tws_frame(b->rb + off, b->rn - off, &len, why)) == 1) {
		const char *body = (const char *)b->rb + off + 4;
		off += len;
		if (!b->version) {
			int v;
			char t[64];
			if (qts_tws_decode_hello(body, len - 4, &v, t, sizeof t, why) < 0) {
				snprintf(err, QTS_ERR_MAX, "ib: %.100s:%ld: %.300s", b->host, b->port, why);
				return -1;
			}
			if (v < QTS_TWS_VERSION_MIN || v > QTS_TWS_VERSION_MAX) {
				snprintf(err, QTS_ERR_MAX,
					 "ib: %s:%ld: server version %d is outside the range qts speaks: %d..%d",
					 b->host, b->port, v, QTS_TWS_VERSION_MIN, QTS_TWS_VERSION_MAX);
				snprintf(b->fatal, sizeof b->fatal, "%s", err);
				return -1;
			}
			b->version = v;
			continue;
		}
		qts_tws_msg m;
		if (qts_tws_decode(b->version, body, len - 4, &m, why) < 0) {
			/* The framing holds: the message is passed over, said. */
			warn(b, "ib: %s", why);
			continue;
		}
		handle(b, &m);
	}
	memmove(b->rb, b->rb + off, b->rn - off);
	b->rn -= off;
	if (r < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: %.100s:%ld: %.300s", b->host, b->port, why);
		return -1;
	}
	if (b->fatal[0]) {
		snprintf(err, QTS_ERR_MAX, "%s", b->fatal);
		return -1;
	}
	if (lost[0]) {
		snprintf(err, QTS_ERR_MAX, "ib: %.100s:%ld: %s", b->host, b->port, lost);
		return -1;
	}
	return 0;
}

/* Exchange messages until done(b, arg) holds: 0; 1 at the deadline (the
 * connection kept); QTS_BROKER_DOWN with err when it is lost (closed
 * here); QTS_BROKER_STOP. */
static int pump(ib *b, int (*done)(ib *, const void *), const void *arg, int64_t deadline, char *err)
{
	for (;;) {
		if (send_some(b, err) < 0 || read_some(b, err) < 0) {
			hang_up(b);
			return QTS_BROKER_DOWN;
		}
		if (done && done(b, arg))
			return 0;
		if (qts_loop_now() >= deadline)
			return 1;
		short ev = POLLIN | (b->woff < b->wb.n ? POLLOUT : 0);
		if (qts_stage_wait(b->fd, ev, deadline) < 0)
			return QTS_BROKER_STOP;
	}
}

/* The same, when the answer must come: its absence is a lost connection. */
static int await(ib *b, int (*done)(ib *, const void *), const void *arg, const char *what, char *err)
{
	int r = pump(b, done, arg, qts_loop_now() + ANSWER_WAIT, err);
	if (r == 1) {
		snprintf(err, QTS_ERR_MAX, "ib: %s:%ld: no %s in %lld s", b->host, b->port, what,
			 (long long)(ANSWER_WAIT / SEC));
		hang_up(b);
		return QTS_BROKER_DOWN;
	}
	return r;
}

static int flag_set(ib *b, const void *flag)
{
	(void)b;
	return *(const int *)flag;
}

static int ready(ib *b, const void *unused)
{
	(void)unused;
	return b->got_next_id && b->got_accounts;
}

static int has_version(ib *b, const void *unused)
{
	(void)unused;
	return b->version != 0;
}

/* Take a token and queue a message (enc's result): 0, QTS_BROKER_STOP,
 * or QTS_BROKER_DOWN when out of memory. */
static int queue(ib *b, int enc_result, char *err)
{
	(void)b;
	if (enc_result < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: out of memory");
		return QTS_BROKER_DOWN;
	}
	return 0;
}

static int take(ib *b)
{
	return qts_rate_bucket_take(&b->bucket) < 0 ? QTS_BROKER_STOP : 0;
}

static int tcp_connect(ib *b, int64_t deadline, char *err)
{
	char port[16];
	snprintf(port, sizeof port, "%ld", b->port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *a;
	int g = getaddrinfo(b->host, port, &hints, &res);
	if (g) {
		snprintf(err, QTS_ERR_MAX, "ib: %s: %s", b->host, gai_strerror(g));
		return QTS_BROKER_DOWN;
	}
	int rc = QTS_BROKER_DOWN;
	snprintf(err, QTS_ERR_MAX, "ib: %s:%ld: connect: no address", b->host, b->port);
	for (a = res; a && rc == QTS_BROKER_DOWN; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		int e = 0;
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			e = errno;
			if (e == EINPROGRESS) {
				int w = qts_stage_wait(fd, POLLOUT, deadline);
				socklen_t sl = sizeof e;
				if (w < 0) {
					close(fd);
					rc = QTS_BROKER_STOP;
					break;
				}
				if (w == 0)
					e = ETIMEDOUT;
				else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0)
					e = errno;
			}
		}
		if (e) {
			snprintf(err, QTS_ERR_MAX, "ib: %s:%ld: connect: %s", b->host, b->port, strerror(e));
			close(fd);
			continue;
		}
		b->fd = fd;
		rc = 0;
	}
	freeaddrinfo(res);
	return rc;
}

/* endpoint "HOST:PORT" (--fallback): the length of its host and its port
 * in *port, or -1 with err. */
static long endpoint_parts(const char *endpoint, long *port, char *err)
{
	const char *colon = strrchr(endpoint, ':');
	char why[128];
	if (!colon || colon == endpoint || (size_t)(colon - endpoint) >= sizeof((ib *)0)->host ||
	    qts_parse_long(colon + 1, 1, 65535, port, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: endpoint \"%s\" is not HOST:PORT", endpoint);
		return -1;
	}
	return colon - endpoint;
}

static int ib_endpoint_check(const char *endpoint, char *err)
{
	long port;
	return endpoint_parts(endpoint, &port, err) < 0 ? -1 : 0;
}

/* endpoint "HOST:PORT" (--fallback) into host and port. */
static int set_endpoint(ib *b, const char *endpoint, char *err)
{
	long port, n = endpoint_parts(endpoint, &port, err);
	if (n < 0)
		return -1;
	memcpy(b->host, endpoint, (size_t)n);
	b->host[n] = '\0';
	b->port = port;
	return 0;
}

static int ib_connect_inner(ib *b, const char *endpoint, char *err)
{
	hang_up(b);
	QTS_SET(b->host, b->opt_host);
	b->port = b->opt_port;
	if (endpoint && set_endpoint(b, endpoint, err) < 0)
		return QTS_BROKER_DOWN;
	b->got_next_id = b->got_accounts = b->positions_end = b->summary_end = b->open_end = b->exec_end = 0;
	b->completed_end = 0;
	b->fatal[0] = '\0';
	b->have_equity = b->have_cash = b->equity_changed = 0;
	int r = tcp_connect(b, qts_loop_now() + ANSWER_WAIT, err);
	if (r)
		return r;
	b->last_rx = qts_loop_now();
	b->ping_sent = 0;
	/* The hello, then startApi once the server said its version. */
	if ((r = queue(b, qts_tws_hello(&b->wb), err)) || (r = await(b, has_version, NULL, "answer to the hello", err)))
		return r;
	if ((r = take(b)) || (r = queue(b, qts_tws_start_api(&b->wb, b->client_id), err)) ||
	    (r = await(b, ready, NULL, "nextValidId", err)))
		return r;
	qts_posguard_begin(&b->pos);
	if ((r = take(b)) || (r = queue(b, qts_tws_req_positions(&b->wb), err)) ||
	    (r = await(b, flag_set, &b->positions_end, "positionEnd", err)))
		return r;
	if ((r = take(b)) || (r = queue(b, qts_tws_req_account_summary(&b->wb, SUMMARY_REQ, SUMMARY_TAGS), err)) ||
	    (r = await(b, flag_set, &b->summary_end, "accountSummaryEnd", err)))
		return r;
	for (size_t i = 0; i < b->nord; i++)
		b->ord[i].open = 0;
	if ((r = take(b)) || (r = queue(b, qts_tws_req_all_open_orders(&b->wb), err)) ||
	    (r = await(b, flag_set, &b->open_end, "openOrderEnd", err)))
		return r;
	if ((r = take(b)) || (r = queue(b, qts_tws_req_completed_orders(&b->wb), err)) ||
	    (r = await(b, flag_set, &b->completed_end, "completedOrdersEnd", err)))
		return r;
	b->quiet = !b->connected_once;
	if ((r = take(b)) || (r = queue(b, qts_tws_req_executions(&b->wb, EXEC_REQ), err)) ||
	    (r = await(b, flag_set, &b->exec_end, "execDetailsEnd", err))) {
		b->quiet = 0;
		return r;
	}
	b->quiet = 0;
	/* An order of ours with fills that is no longer open is over. */
	for (size_t i = 0; i < b->nord; i++) {
		ib_order *o = &b->ord[i];
		if (!o->open && o->status == QTS_STATUS_PARTIAL)
			o->status = QTS_STATUS_FILLED;
	}
	if (!b->connected_once)
		hush(b);
	b->connected_once = 1;
	return 0;
}

/* ---- the broker's calls -------------------------------------------------------------- */

static void *ib_new(char *err)
{
	ib *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	QTS_SET(b->opt_host, "127.0.0.1");
	b->opt_port = 7497;
	b->client_id = 0;
	b->fd = -1;
	b->next_id = 1;
	b->counting = 1;
	b->pos.who = "ib";
	/* IB's pacing: at most 50 messages in any second from a client
	 * (13 at once, then 38 a second). */
	qts_rate_bucket_init(&b->bucket, 50, QTS_NS_PER_SEC, 50);
	return b;
}

static int ib_option(void *vb, int c, const char *arg, char *err)
{
	ib *b = vb;
	char why[128];
	switch (c) {
	case OPT_HOST:
		if (!arg[0] || strlen(arg) >= sizeof b->opt_host) {
			snprintf(err, QTS_ERR_MAX, "--host: \"%s\" is not a host name", arg);
			return -1;
		}
		QTS_SET(b->opt_host, arg);
		return 0;
	case OPT_PORT:
		if (qts_parse_long(arg, 1, 65535, &b->opt_port, why) < 0) {
			snprintf(err, QTS_ERR_MAX, "--port: %s", why);
			return -1;
		}
		return 0;
	case OPT_CLIENT_ID:
		if (qts_parse_long(arg, 0, 2147483647L, &b->client_id, why) < 0) {
			snprintf(err, QTS_ERR_MAX, "--client-id: %s", why);
			return -1;
		}
		return 0;
	case OPT_ACCOUNT:
		if (!arg[0] || strlen(arg) >= sizeof b->account || strchr(arg, ',')) {
			snprintf(err, QTS_ERR_MAX, "--account: \"%s\" is not an account", arg);
			return -1;
		}
		QTS_SET(b->account, arg);
		b->account_given = 1;
		return 0;
	}
	snprintf(err, QTS_ERR_MAX, "ib: unknown option");
	return -1;
}

static int ib_connect(void *vb, const char *endpoint, qts_evbuf *out, char *err)
{
	ib *b = vb;
	b->busy = 1;
	b->counting = 0;
	int r = ib_connect_inner(b, endpoint, err);
	b->counting = 1;
	if (r)
		hang_up(b);
	say_changes(b);
	if (hand_out(b, out, err) < 0 && !r)
		r = QTS_BROKER_DOWN;
	b->busy = 0;
	return r;
}

static int ib_lookup(void *vb, const char *id, qts_broker_known *k, char *err)
{
	ib *b = vb;
	if (b->fd < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: not connected");
		return QTS_BROKER_DOWN;
	}
	ib_order *o = find(b, id);
	if (!o || o->status < 0)
		return 0;
	k->status = o->status;
	k->filled = o->filled;
	k->avg_price = o->filled > 0 ? o->avg : QTS_EMPTY;
	k->side = o->side;
	k->qty = o->qty;
	return 1;
}

static int ib_open_orders(void *vb, qts_evbuf *out, char *err)
{
	ib *b = vb;
	if (b->fd < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: not connected");
		return QTS_BROKER_DOWN;
	}
	b->busy = 1;
	b->open_end = 0;
	b->gen++;
	for (size_t i = 0; i < b->nord; i++)
		b->ord[i].open = 0;
	int r;
	if (!(r = take(b)) && !(r = queue(b, qts_tws_req_all_open_orders(&b->wb), err)))
		r = await(b, flag_set, &b->open_end, "openOrderEnd", err);
	if (!r) {
		say_changes(b);
		for (size_t i = 0; i < b->nord; i++) {
			ib_order *o = &b->ord[i];
			/* every working order, once */
			if (o->open && o->status >= 0 && !qts_status_final(o->status) && o->said_gen != b->gen)
				say_update(b, o);
		}
	}
	if (hand_out(b, out, err) < 0 && !r)
		r = QTS_BROKER_DOWN;
	b->busy = 0;
	return r;
}

/* arg: the order's index (the table may move while waiting). */
static int acked(ib *b, const void *at)
{
	return b->ord[*(const size_t *)at].status >= 0;
}

/* ord refused here, never sent: its rejected update, with why. */
static int reject_now(const qts_broker_order *ord, const char *why, qts_evbuf *out, char *err)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, qts_wall_now());
	QTS_SET(ev.symbol, ord->symbol);
	QTS_SET(ev.update.id, ord->id);
	QTS_SET(ev.update.status, "rejected");
	ev.update.avg_price = QTS_EMPTY;
	QTS_SET_TEXT(ev.update.reason, why);
	if (qts_evbuf_push(out, &ev) < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: out of memory");
		return QTS_BROKER_DOWN;
	}
	return QTS_BROKER_REJECTED;
}

/* Orders IB told of at connect (today's, open or executed) under their
 * order reference: an earlier run's, for the stage's fresh ids to skip. */
static int ib_id_used(void *vb, const char *id)
{
	ib_order *o = find(vb, id);
	return o && (o->ib || o->status >= 0);
}

static int ib_place(void *vb, const qts_broker_order *ord, qts_evbuf *out, char *err)
{
	static const char *const types[] = { "MKT", "LMT", "STP", "STP LMT" };
	static const char *const tifs[] = { "DAY", "GTC", "IOC", "FOK" };
	ib *b = vb;
	if (b->fd < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: not connected");
		return QTS_BROKER_DOWN;
	}
	ib_order *o = find(b, ord->id);
	char why[QTS_TEXT_MAX];
	if (o && (o->ib || o->status >= 0) && ord->fresh)
		return QTS_BROKER_TAKEN; /* an earlier run's order today, never this one */
	if (o && (o->ib || o->status >= 0)) {
		/* IB has it already (a journal that did not know): never twice,
		 * if it is this order.  Another under the id (today's order of
		 * an earlier run that reused it) is not this one's: taken for
		 * it, this order would be neither sent nor ended, and count as
		 * working for ever.  (An order known by its executions alone
		 * has no quantity here.) */
		if (o->symbol[0] && (strcmp(o->symbol, ord->symbol) != 0 || o->side != ord->side ||
				     (o->qty > 0 && fabs(o->qty - ord->qty) > 1e-9 * fmax(1, ord->qty)))) {
			snprintf(why, sizeof why, "order id %s is taken at IB by another order of today (%s %.10g %s)",
				 ord->id, qts_side_name(o->side), o->qty, o->symbol);
			return reject_now(ord, why, out, err);
		}
		say_changes(b);
		return hand_out(b, out, err) < 0 ? QTS_BROKER_DOWN : QTS_BROKER_OK;
	}
	if (ord->kind < QTS_MARKET || ord->kind > QTS_STOP_LIMIT || ord->tif < QTS_DAY || ord->tif > QTS_FOK)
		return reject_now(ord, "no IB order type or time in force for it", out, err);
	if (!o && !(o = add(b, ord->id))) {
		snprintf(err, QTS_ERR_MAX, "ib: out of memory");
		return QTS_BROKER_DOWN;
	}
	size_t at = (size_t)(o - b->ord);
	b->busy = 1;
	QTS_SET(o->symbol, ord->symbol);
	o->side = ord->side;
	o->qty = ord->qty;
	o->ib = b->next_id++;
	qts_tws_order t = {
		.order_id = o->ib, .symbol = ord->symbol, .action = ord->side == QTS_BUY ? "BUY" : "SELL",
		.qty = ord->qty, .type = types[ord->kind],
		.limit = qts_kind_has_limit(ord->kind) ? ord->limit : NAN,
		.aux = qts_kind_has_stop(ord->kind) ? ord->stop : NAN,
		.tif = tifs[ord->tif], .order_ref = ord->id, .account = b->account_given ? b->account : ""
	};
	int r;
	if (!(r = take(b)) && !(r = queue(b, qts_tws_place_order(&b->wb, b->version, &t), err))) {
		/* IB's first word on it: accepted, or rejected with its reason. */
		r = pump(b, acked, &at, qts_loop_now() + ACK_WAIT, err);
		if (r == 1)
			r = 0; /* sent; what IB says comes with the updates */
		if (r == QTS_BROKER_DOWN)
			snprintf(err + strlen(err), QTS_ERR_MAX - strlen(err),
				 " (order %s sent: IB's answer not read)", ord->id);
	}
	o = &b->ord[at];
	say_changes(b);
	if (hand_out(b, out, err) < 0 && !r)
		r = QTS_BROKER_DOWN;
	if (!r && o->status == QTS_STATUS_REJECTED)
		r = QTS_BROKER_REJECTED;
	b->busy = 0;
	return r;
}

static int cancel_answered(ib *b, const void *at)
{
	const ib_order *x = &b->ord[*(const size_t *)at];
	return x->cancel_refused || (x->status >= 0 && qts_status_final(x->status));
}

static int ib_cancel(void *vb, const char *id, int64_t ts, const char *why, qts_evbuf *out, char *err)
{
	(void)ts, (void)why; /* the stage dates what the gateway answers, in its words */
	ib *b = vb;
	if (b->fd < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: not connected");
		return QTS_BROKER_DOWN;
	}
	ib_order *o = find(b, id);
	if (o && o->status >= 0 && qts_status_final(o->status))
		return QTS_BROKER_OK;
	if (!o || !o->ib) {
		qts_event ev;
		qts_event_init(&ev, QTS_UPDATE, qts_wall_now());
		QTS_SET(ev.update.id, id);
		QTS_SET(ev.update.status, "rejected");
		ev.update.avg_price = QTS_EMPTY;
		QTS_SET(ev.update.reason, "cancel: IB does not know the order");
		if (qts_evbuf_push(out, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "ib: out of memory");
			return QTS_BROKER_DOWN;
		}
		return QTS_BROKER_REJECTED;
	}
	if (o->status >= 0 && qts_status_final(o->status))
		return QTS_BROKER_OK;
	size_t at = (size_t)(o - b->ord);
	b->busy = 1;
	o->cancel_refused = 0;
	int r;
	if (!(r = take(b)) && !(r = queue(b, qts_tws_cancel_order(&b->wb, b->version, o->ib), err))) {
		r = pump(b, cancel_answered, &at, qts_loop_now() + ACK_WAIT, err);
		if (r == 1)
			r = 0;
	}
	o = &b->ord[at];
	say_changes(b);
	if (!r && o->cancel_refused && !qts_status_final(o->status)) {
		qts_event ev;
		qts_event_init(&ev, QTS_UPDATE, qts_wall_now());
		QTS_SET(ev.symbol, o->symbol);
		QTS_SET(ev.update.id, o->id);
		QTS_SET(ev.update.status, qts_status_name(o->status));
		ev.update.filled = o->filled;
		ev.update.avg_price = o->filled > 0 ? o->avg : QTS_EMPTY;
		QTS_SET(ev.update.reason, "cancel refused by IB");
		push(b, &ev);
		r = QTS_BROKER_REJECTED;
	}
	if (hand_out(b, out, err) < 0 && !r)
		r = QTS_BROKER_DOWN;
	b->busy = 0;
	return r;
}

static int ib_fd(void *vb, short *events)
{
	ib *b = vb;
	if (b->fd < 0 || b->busy)
		return -1;
	*events = POLLIN | (b->woff < b->wb.n ? POLLOUT : 0);
	return b->fd;
}

static int ib_poll(void *vb, int64_t now, qts_evbuf *out, char *err)
{
	ib *b = vb;
	if (b->busy)
		return 0; /* a tick while a call of ours waits */
	if (b->fd < 0) {
		snprintf(err, QTS_ERR_MAX, "ib: not connected");
		return QTS_BROKER_DOWN;
	}
	b->busy = 1;
	int r = 0;
	if (send_some(b, err) < 0 || read_some(b, err) < 0) {
		hang_up(b);
		r = QTS_BROKER_DOWN;
	}
	/* A fill whose commission does not come is said without it. */
	for (size_t i = 0; i < b->nex; i++) {
		ib_exec *e = &b->ex[i];
		if (e->have_exec && !e->reported && now - e->seen > COMMISSION_WAIT) {
			warn(b, "ib: execution %s: no commission report in %lld s", e->exec_id,
			     (long long)(COMMISSION_WAIT / SEC));
			say_fill(b, e, 0);
		}
	}
	say_changes(b);
	if (b->next_reoffer && now >= b->next_reoffer) {
		int held = qts_posguard_reoffer(&b->pos, &b->q);
		b->oom |= held < 0;
		b->next_reoffer = held > 0 ? now + REOFFER_EVERY : 0;
	}
	if (b->summary_end && b->equity_changed)
		say_equity(b);
	/* Silence: ask the time; no answer either: the connection is gone. */
	if (!r && now - b->last_rx > QUIET) {
		if (!b->ping_sent) {
			if (queue(b, qts_tws_req_current_time(&b->wb), err) == 0)
				b->ping_sent = now;
		} else if (now - b->ping_sent > QUIET) {
			snprintf(err, QTS_ERR_MAX, "ib: %s:%ld: no answer in %lld s", b->host, b->port,
				 (long long)((now - b->last_rx) / SEC));
			hang_up(b);
			r = QTS_BROKER_DOWN;
		}
	}
	if (hand_out(b, out, err) < 0 && !r)
		r = QTS_BROKER_DOWN;
	b->busy = 0;
	return r;
}

static void ib_free(void *vb)
{
	ib *b = vb;
	if (!b)
		return;
	hang_up(b);
	free(b->rb);
	qts_tws_out_free(&b->wb);
	free(b->ord);
	free(b->ex);
	qts_evbuf_free(&b->q);
	qts_posguard_free(&b->pos);
	free(b);
}

const qts_broker_ops qts_broker_ib = {
	.name = "ib",
	.options = ib_options,
	.usage = IB_USAGE,
	.new = ib_new,
	.option = ib_option,
	.connect = ib_connect,
	.endpoint_check = ib_endpoint_check,
	.lookup = ib_lookup,
	.open_orders = ib_open_orders,
	.place = ib_place,
	.id_used = ib_id_used,
	.cancel = ib_cancel,
	.market = NULL,
	.fd = ib_fd,
	.poll = ib_poll,
	.finish = NULL,
	.free = ib_free,
};
