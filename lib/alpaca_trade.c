/* alpaca_trade.c — the answers of Alpaca's trading API v2 and the messages
 * of its trade_updates stream, as qts facts: order objects into statuses
 * and cumulative fills, positions, the account, error bodies; and the book
 * that says each fill and each status once, however often, late or out of
 * order Alpaca repeats them.  Pure: no I/O (broker_alpaca.c talks).
 *
 * Alpaca writes its numbers as strings ("qty":"10", "filled_avg_price":
 * "105.8988475") or null; plain JSON numbers are taken too. */
#include "qts_alpaca.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A number of an object: 0 with *v, 1 when absent or null (*v NaN), -1
 * when it is something else. */
static int num(json_t *o, const char *key, double *v)
{
	json_t *x = json_object_get(o, key);
	*v = NAN;
	if (!x || json_is_null(x))
		return 1;
	if (json_is_number(x)) {
		*v = json_number_value(x) + 0.0; /* never -0 */
		return isfinite(*v) ? 0 : -1;
	}
	const char *s = json_string_value(x);
	if (!s)
		return -1;
	if (!*s)
		return 1;
	if (qts_num_parse(s, strlen(s), v) < 0 || !isfinite(*v))
		return -1;
	*v += 0.0;
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t when(json_t *o, const char *key)
{
	const char *s = str(o, key);
	int64_t ns;
	return s && qts_time_parse(s, strlen(s), &ns) == 0 ? ns : 0;
}

/* Alpaca's status words, mapped: the working ones to accepted (partial
 * once something is filled), the final ones to theirs; replaced is the
 * end of this order (its successor has another client id). */
static int status_of(const char *w, double filled, double qty)
{
	static const struct { const char *word; int status; } map[] = {
		{ "filled", QTS_STATUS_FILLED },        { "canceled", QTS_STATUS_CANCELED },
		{ "expired", QTS_STATUS_EXPIRED },      { "rejected", QTS_STATUS_REJECTED },
		{ "replaced", QTS_STATUS_CANCELED },    { "partially_filled", QTS_STATUS_PARTIAL },
		{ "new", QTS_STATUS_ACCEPTED },         { "accepted", QTS_STATUS_ACCEPTED },
		{ "pending_new", QTS_STATUS_ACCEPTED }, { "accepted_for_bidding", QTS_STATUS_ACCEPTED },
		{ "pending_cancel", QTS_STATUS_ACCEPTED }, { "pending_replace", QTS_STATUS_ACCEPTED },
		{ "stopped", QTS_STATUS_ACCEPTED },     { "suspended", QTS_STATUS_ACCEPTED },
		{ "done_for_day", QTS_STATUS_ACCEPTED }, { "calculated", QTS_STATUS_ACCEPTED },
		{ "held", QTS_STATUS_ACCEPTED },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(w, map[i].word) == 0) {
			int st = map[i].status;
			if (st == QTS_STATUS_ACCEPTED && filled > QTS_QTY_EPS)
				st = filled >= qty - QTS_QTY_EPS && strcmp(w, "calculated") == 0 ? QTS_STATUS_FILLED
												    : QTS_STATUS_PARTIAL;
			return st;
		}
	return -1;
}

/* An order whose client_order_id no qts order id can be: Alpaca takes
 * up to 128 characters, qts's ids are shorter than QTS_ID_MAX.  Another
 * program's order on the account, never qts's: left alone, where read
 * as one of qts's it failed the whole list of orders (and the broker
 * with it) or dropped the stream's message as malformed. */
static int foreign(json_t *j)
{
	const char *cid = json_string_value(json_object_get(j, "client_order_id"));
	return cid && strlen(cid) >= QTS_ID_MAX;
}

static int order_of(json_t *j, qts_alpaca_order *o, char *err)
{
	*o = (qts_alpaca_order){ .avg_price = NAN };
	if (!json_is_object(j)) {
		snprintf(err, QTS_ERR_MAX, "an order is not an object");
		return -1;
	}
	const char *cid = str(j, "client_order_id"), *id = str(j, "id"), *sym = str(j, "symbol");
	const char *side = str(j, "side"), *st = str(j, "status");
	if (!cid || !cid[0] || strlen(cid) >= sizeof o->client_id) {
		snprintf(err, QTS_ERR_MAX, "an order without a client_order_id of 1 to %zu bytes",
			 sizeof o->client_id - 1);
		return -1;
	}
	QTS_SET(o->client_id, cid);
	if (id)
		QTS_SET(o->id, id);
	if (!sym || !sym[0] || strlen(sym) >= sizeof o->symbol) {
		snprintf(err, QTS_ERR_MAX, "order %s: \"symbol\" is not a symbol", cid);
		return -1;
	}
	QTS_SET(o->symbol, sym);
	o->side = side ? qts_side_parse(side) : 0;
	if (!o->side) {
		snprintf(err, QTS_ERR_MAX, "order %s: \"side\" is not buy or sell", cid);
		return -1;
	}
	if (num(j, "qty", &o->qty) < 0 || num(j, "filled_qty", &o->filled) < 0 ||
	    num(j, "filled_avg_price", &o->avg_price) < 0) {
		snprintf(err, QTS_ERR_MAX, "order %s: qty, filled_qty or filled_avg_price is not a number", cid);
		return -1;
	}
	if (isnan(o->filled))
		o->filled = 0;
	if (isnan(o->qty))
		o->qty = 0; /* a notional order: its qty is not known before it fills */
	if (o->filled < 0 || o->qty < 0) {
		snprintf(err, QTS_ERR_MAX, "order %s: a negative quantity", cid);
		return -1;
	}
	if (o->filled <= QTS_QTY_EPS)
		o->avg_price = NAN;
	else if (!(o->avg_price > 0)) {
		snprintf(err, QTS_ERR_MAX, "order %s: %g filled without a filled_avg_price", cid, o->filled);
		return -1;
	}
	if (!st || (o->status = status_of(st, o->filled, o->qty)) < 0) {
		snprintf(err, QTS_ERR_MAX, "order %s: \"status\" is not one of Alpaca's", cid);
		return -1;
	}
	QTS_SET(o->word, st);
	o->ts = when(j, "updated_at");
	if (!o->ts)
		o->ts = when(j, "submitted_at");
	if (!o->ts)
		o->ts = when(j, "created_at");
	return 0;
}

static json_t *load(const char *body, size_t len, char *err)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	if (!root)
		snprintf(err, QTS_ERR_MAX, "not JSON: %s at byte %d", je.text, je.position);
	return root;
}

int qts_alpaca_parse_order(const char *body, size_t len, qts_alpaca_order *o, char *err)
{
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	int r = order_of(root, o, err);
	json_decref(root);
	return r;
}

int qts_alpaca_parse_orders(const char *body, size_t len, qts_alpaca_order **list, size_t *n, char *err)
{
	*list = NULL;
	*n = 0;
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	int rc = -1;
	if (!json_is_array(root)) {
		snprintf(err, QTS_ERR_MAX, "not a list of orders");
		goto out;
	}
	size_t cnt = json_array_size(root), i;
	json_t *j;
	if (cnt && !(*list = calloc(cnt, sizeof **list))) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		goto out;
	}
	size_t k = 0;
	json_array_foreach(root, i, j) {
		char why[QTS_ERR_MAX];
		if (json_is_object(j) && foreign(j))
			continue;
		if (order_of(j, &(*list)[k++], why) < 0) {
			snprintf(err, QTS_ERR_MAX, "order %zu: %.400s", i + 1, why);
			free(*list);
			*list = NULL;
			goto out;
		}
	}
	*n = k;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int qts_alpaca_parse_positions(const char *body, size_t len, int64_t ts, qts_evbuf *out, char *err)
{
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	int rc = -1;
	size_t at = out->n, i;
	json_t *j;
	if (!json_is_array(root)) {
		snprintf(err, QTS_ERR_MAX, "not a list of positions");
		goto out;
	}
	json_array_foreach(root, i, j) {
		const char *sym = str(j, "symbol"), *side = str(j, "side");
		qts_event ev;
		if (!sym || !sym[0] || strlen(sym) >= QTS_SYM_MAX) {
			snprintf(err, QTS_ERR_MAX, "position %zu: \"symbol\" is not a symbol", i + 1);
			goto out;
		}
		qts_event_init(&ev, QTS_POSITION, ts);
		QTS_SET(ev.symbol, sym);
		double mv, upl;
		if (num(j, "qty", &ev.position.qty) != 0 || num(j, "avg_entry_price", &ev.position.avg_price) < 0 ||
		    num(j, "market_value", &mv) < 0 || num(j, "unrealized_pl", &upl) < 0) {
			snprintf(err, QTS_ERR_MAX, "position %zu (%s): qty, avg_entry_price, market_value or "
				 "unrealized_pl is not a number", i + 1, sym);
			goto out;
		}
		if (side && strcmp(side, "short") == 0 && ev.position.qty > 0)
			ev.position.qty = -ev.position.qty;
		if (isnan(ev.position.avg_price))
			ev.position.avg_price = 0;
		ev.position.market_value = isnan(mv) ? 0 : mv;
		ev.position.unrealized_pnl = isnan(upl) ? 0 : upl;
		if (qts_evbuf_push(out, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		out->n = at;
	json_decref(root);
	return rc;
}

int qts_alpaca_parse_account(const char *body, size_t len, int64_t ts, qts_event *ev, char *err)
{
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	int rc = -1;
	double cash, equity, lmv, smv;
	if (!json_is_object(root)) {
		snprintf(err, QTS_ERR_MAX, "the account is not an object");
		goto out;
	}
	if (num(root, "cash", &cash) != 0 || num(root, "equity", &equity) != 0) {
		snprintf(err, QTS_ERR_MAX, "the account: cash or equity is not a number");
		goto out;
	}
	if (num(root, "long_market_value", &lmv) < 0 || num(root, "short_market_value", &smv) < 0) {
		snprintf(err, QTS_ERR_MAX, "the account: long_market_value or short_market_value is not a number");
		goto out;
	}
	lmv = isnan(lmv) ? 0 : lmv;
	smv = isnan(smv) ? 0 : smv; /* negative: what the shorts would cost to buy back */
	qts_event_init(ev, QTS_EQUITY, ts);
	ev->equity.cash = cash;
	ev->equity.equity = equity;
	ev->equity.gross = fabs(lmv) + fabs(smv);
	ev->equity.net = fabs(lmv) - fabs(smv);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void qts_alpaca_error_reason(const char *body, size_t len, long status, char *out, size_t outlen)
{
	json_error_t je;
	json_t *root = body && len ? json_loadb(body, len, 0, &je) : NULL;
	const char *msg = root ? str(root, "message") : NULL;
	json_t *code = root ? json_object_get(root, "code") : NULL;
	char quoted[160];
	if (msg)
		qts_quote(quoted, sizeof quoted, msg, strlen(msg));
	else if (body && len && !root)
		qts_quote(quoted, sizeof quoted, body, len > 100 ? 100 : len);
	else
		snprintf(quoted, sizeof quoted, "no reason given");
	if (json_is_integer(code))
		snprintf(out, outlen, "%s (HTTP %ld, code %lld)", quoted, status, (long long)json_integer_value(code));
	else
		snprintf(out, outlen, "%s (HTTP %ld)", quoted, status);
	json_decref(root);
}

int qts_alpaca_duplicate_id(const char *body, size_t len, long status)
{
	if (status != 422 || !body)
		return 0;
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	const char *msg = root ? str(root, "message") : NULL;
	int dup = msg && (strstr(msg, "client_order_id") || strstr(msg, "client order id")) &&
		  (strstr(msg, "unique") || strstr(msg, "duplicate") || strstr(msg, "exists"));
	json_decref(root);
	return dup;
}

/* ---- the stream ------------------------------------------------------------ */

int qts_alpaca_parse_tmsg(const char *text, size_t len, qts_alpaca_tmsg *m, char *err)
{
	*m = (qts_alpaca_tmsg){ .kind = QTS_ALPACA_T_OTHER, .price = NAN, .qty = NAN };
	json_t *root = load(text, len, err);
	if (!root)
		return -1;
	int rc = -1;
	if (!json_is_object(root)) {
		snprintf(err, QTS_ERR_MAX, "not an object");
		goto out;
	}
	const char *stream = str(root, "stream"), *action = str(root, "action");
	json_t *data = json_object_get(root, "data");
	if (action && strcmp(action, "error") == 0) {
		const char *e = json_is_object(data) ? str(data, "error_message") : NULL;
		m->kind = QTS_ALPACA_T_ERROR;
		snprintf(m->text, sizeof m->text, "%s", e ? e : "(no message)");
		rc = 0;
		goto out;
	}
	if (!stream || !json_is_object(data)) {
		rc = 0; /* another protocol's message: nothing for us */
		goto out;
	}
	if (strcmp(stream, "authorization") == 0) {
		const char *st = str(data, "status"), *msg = str(data, "message");
		if (st && strcmp(st, "authorized") == 0)
			m->kind = QTS_ALPACA_T_AUTHORIZED;
		else {
			m->kind = QTS_ALPACA_T_UNAUTHORIZED;
			snprintf(m->text, sizeof m->text, "%s", msg ? msg : st ? st : "(no status)");
		}
	} else if (strcmp(stream, "listening") == 0) {
		json_t *streams = json_object_get(data, "streams"), *s;
		size_t i;
		m->kind = QTS_ALPACA_T_LISTENING;
		json_array_foreach(streams, i, s)
			if (json_is_string(s) && strcmp(json_string_value(s), "trade_updates") == 0)
				m->listening = 1;
	} else if (strcmp(stream, "trade_updates") == 0) {
		const char *ev = str(data, "event"), *xid = str(data, "execution_id");
		if (!ev || !ev[0]) {
			snprintf(err, QTS_ERR_MAX, "a trade update without an \"event\"");
			goto out;
		}
		if (foreign(json_object_get(data, "order"))) {
			rc = 0; /* another program's order: nothing for us */
			goto out;
		}
		m->kind = QTS_ALPACA_T_UPDATE;
		QTS_SET(m->event, ev);
		char why[QTS_ERR_MAX];
		if (order_of(json_object_get(data, "order"), &m->order, why) < 0) {
			snprintf(err, QTS_ERR_MAX, "a trade update (%s): %.400s", m->event, why);
			goto out;
		}
		if (num(data, "price", &m->price) < 0 || num(data, "qty", &m->qty) < 0) {
			snprintf(err, QTS_ERR_MAX, "a trade update (%s of %s): price or qty is not a number", m->event,
				 m->order.client_id);
			goto out;
		}
		if (xid)
			QTS_SET(m->execution_id, xid);
		m->ts = when(data, "timestamp");
		if (!m->ts)
			m->ts = when(data, "at");
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- the book ---------------------------------------------------------------- */

typedef struct entry {
	char client_id[QTS_ID_MAX]; /* "" for an empty slot */
	char id[64];
	char symbol[QTS_SYM_MAX];
	int side, status;
	double filled, avg_price;
} entry;

struct qts_alpaca_book {
	entry *slot;
	size_t n, cap; /* cap a power of two */
};

qts_alpaca_book *qts_alpaca_book_new(void)
{
	qts_alpaca_book *b = calloc(1, sizeof *b);
	if (b && !(b->slot = calloc(b->cap = 64, sizeof *b->slot))) {
		free(b);
		return NULL;
	}
	return b;
}

void qts_alpaca_book_free(qts_alpaca_book *b)
{
	if (!b)
		return;
	free(b->slot);
	free(b);
}

static entry *find(const qts_alpaca_book *b, const char *cid)
{
	for (size_t i = qts_hash64(cid) & (b->cap - 1);; i = (i + 1) & (b->cap - 1)) {
		entry *e = &b->slot[i];
		if (!e->client_id[0] || strcmp(e->client_id, cid) == 0)
			return e;
	}
}

static int grow(qts_alpaca_book *b)
{
	if ((b->n + 1) * 2 <= b->cap)
		return 0;
	qts_alpaca_book bigger = { calloc(b->cap * 2, sizeof *b->slot), b->n, b->cap * 2 };
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < b->cap; i++)
		if (b->slot[i].client_id[0])
			*find(&bigger, b->slot[i].client_id) = b->slot[i];
	free(b->slot);
	*b = bigger;
	return 0;
}

int qts_alpaca_book_know(qts_alpaca_book *b, const qts_alpaca_order *o)
{
	entry *e = find(b, o->client_id);
	if (!e->client_id[0]) {
		if (grow(b) < 0)
			return -1;
		e = find(b, o->client_id);
		b->n++;
	}
	QTS_SET(e->client_id, o->client_id);
	QTS_SET(e->id, o->id);
	QTS_SET(e->symbol, o->symbol);
	e->side = o->side;
	e->status = o->status;
	e->filled = o->filled;
	e->avg_price = o->avg_price;
	return 0;
}

int qts_alpaca_book_has(const qts_alpaca_book *b, const char *client_id, char *alpaca_id)
{
	if (!client_id[0])
		return 0;
	entry *e = find(b, client_id);
	if (!e->client_id[0])
		return 0;
	if (alpaca_id)
		snprintf(alpaca_id, 64, "%s", e->id);
	return 1;
}

/* How far along an order is: a status never goes back to a lower rank. */
static int rank(int status)
{
	return qts_status_final(status) ? 3 : status == QTS_STATUS_PARTIAL ? 2 : status == QTS_STATUS_ACCEPTED;
}

void qts_alpaca_update_event(const qts_alpaca_order *o, qts_event *ev)
{
	qts_event_init(ev, QTS_UPDATE, o->ts);
	QTS_SET(ev->symbol, o->symbol);
	QTS_SET(ev->update.id, o->client_id);
	QTS_SET(ev->update.status, qts_status_name(o->status));
	ev->update.filled = o->filled;
	ev->update.avg_price = o->filled > QTS_QTY_EPS ? o->avg_price : NAN;
	/* Alpaca's word where qts's says less ("replaced", "done_for_day") */
	if (strcmp(o->word, qts_status_name(o->status)) != 0 && strcmp(o->word, "new") != 0 &&
	    strcmp(o->word, "partially_filled") != 0 && strcmp(o->word, "accepted") != 0)
		qts_text_format(ev->update.reason, sizeof ev->update.reason, "alpaca: %s", o->word);
}

int qts_alpaca_book_apply(qts_alpaca_book *b, const qts_alpaca_order *o, const qts_alpaca_tmsg *x,
			  qts_evbuf *out)
{
	entry *e = find(b, o->client_id);
	if (!e->client_id[0])
		return 0; /* not ours */
	if (!e->id[0])
		QTS_SET(e->id, o->id);
	if (qts_status_final(e->status))
		return 0; /* over: what comes after is a repeat */
	int said = 0;
	double dq = o->filled - e->filled;
	if (dq > QTS_QTY_EPS && o->avg_price > 0) {
		double price;
		if (x && x->price > 0 && fabs(x->qty - dq) <= QTS_QTY_EPS)
			price = x->price; /* this execution is all that is new */
		else if (e->filled > QTS_QTY_EPS && e->avg_price > 0) {
			/* several executions at once (a message missed, or
			 * polled): the price the two averages imply */
			price = (o->filled * o->avg_price - e->filled * e->avg_price) / dq;
			if (!(price > 0) || !isfinite(price))
				price = o->avg_price;
			else if (price < 1e6) /* Alpaca's prices have at most 9 decimals */
				price = round(price * 1e9) / 1e9;
		} else
			price = o->avg_price;
		qts_event ev;
		qts_event_init(&ev, QTS_FILL, x && x->ts ? x->ts : o->ts);
		QTS_SET(ev.symbol, e->symbol);
		QTS_SET(ev.fill.id, e->client_id);
		QTS_SET(ev.fill.side, qts_side_name(e->side));
		ev.fill.qty = dq;
		ev.fill.price = price;
		if (qts_evbuf_push(out, &ev) < 0)
			return -1;
		e->filled = o->filled;
		e->avg_price = o->avg_price;
		said = 1;
	}
	qts_alpaca_order now = *o;
	now.filled = e->filled;
	now.avg_price = e->avg_price;
	if (!qts_status_final(now.status)) {
		if (rank(now.status) < rank(e->status))
			now.status = e->status; /* a late word of an earlier state */
		if (now.status == QTS_STATUS_ACCEPTED && now.filled > QTS_QTY_EPS)
			now.status = QTS_STATUS_PARTIAL;
	}
	if (!said && now.status == e->status)
		return 0;
	if (x && x->ts)
		now.ts = x->ts;
	qts_event ev;
	qts_alpaca_update_event(&now, &ev);
	if (qts_evbuf_push(out, &ev) < 0)
		return -1;
	e->status = now.status;
	return 1;
}
