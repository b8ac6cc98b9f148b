/* report_trades.c — round trips from fills: per symbol, a queue of open lots
 * closed first in, first out.  A fill larger than the open position closes
 * it and opens the rest the other way.  Commissions are spread per unit, so
 * a trip carries its share of the opening and of the closing fill.  Prices
 * are in points: a contract's money is points times its multiplier. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"
#include "qts_checkpoint.h"

typedef struct lot {
	int64_t ts;
	double qty;       /* > 0 */
	double price;
	double comm_unit; /* commission of the opening fill per unit */
} lot;

typedef struct book {
	char symbol[QTS_SYM_MAX];
	int dir;          /* of the open lots; 0 when flat */
	lot *q;           /* ring buffer */
	size_t head, len, cap;
} book;

struct qts_trades {
	book *books;
	size_t nbooks, capbooks;
	int keep;
	qts_trip *trips;
	size_t ntrips, captrips;
	qts_trade_stats st;
};

/* A position smaller than this fraction of a fill is rounding residue of
 * fractional quantities, not a lot. */
#define QTY_EPS 1e-9

qts_trades *qts_trades_new(int keep)
{
	qts_trades *t = calloc(1, sizeof *t);
	if (t) {
		t->keep = keep;
		t->st.largest_win = NAN;
		t->st.largest_loss = NAN;
	}
	return t;
}

void qts_trades_free(qts_trades *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nbooks; i++)
		free(t->books[i].q);
	free(t->books);
	free(t->trips);
	free(t);
}

static book *find_book(qts_trades *t, const char *symbol)
{
	/* Few symbols in a portfolio: a linear search beats a hash here. */
	for (size_t i = 0; i < t->nbooks; i++)
		if (strcmp(t->books[i].symbol, symbol) == 0)
			return &t->books[i];
	if (t->nbooks == t->capbooks) {
		size_t cap = t->capbooks ? 2 * t->capbooks : 8;
		book *b = realloc(t->books, cap * sizeof *b);
		if (!b)
			return NULL;
		t->books = b;
		t->capbooks = cap;
	}
	book *b = &t->books[t->nbooks++];
	memset(b, 0, sizeof *b);
	QTS_SET(b->symbol, symbol);
	return b;
}

static int push_lot(book *b, lot l)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4;
		lot *q = malloc(cap * sizeof *q);
		if (!q)
			return -1;
		for (size_t i = 0; i < b->len; i++)
			q[i] = b->q[(b->head + i) % b->cap];
		free(b->q);
		b->q = q;
		b->head = 0;
		b->cap = cap;
	}
	b->q[(b->head + b->len++) % b->cap] = l;
	return 0;
}

static int record(qts_trades *t, const qts_trip *trip)
{
	qts_trade_stats *s = &t->st;
	s->trades++;
	s->pnl += trip->pnl;
	double d = trip->pnl - s->pnl_mean;
	s->pnl_mean += d / (double)s->trades;
	s->pnl_m2 += d * (trip->pnl - s->pnl_mean);
	s->holding_ns += (double)trip->exit_ts - (double)trip->entry_ts;
	if (trip->pnl > 0) {
		s->wins++;
		s->gross_win += trip->pnl;
		if (isnan(s->largest_win) || trip->pnl > s->largest_win)
			s->largest_win = trip->pnl;
	} else if (trip->pnl < 0) {
		s->losses++;
		s->gross_loss += trip->pnl;
		if (isnan(s->largest_loss) || trip->pnl < s->largest_loss)
			s->largest_loss = trip->pnl;
	}
	if (!t->keep)
		return 0;
	if (t->ntrips == t->captrips) {
		size_t cap = t->captrips ? 2 * t->captrips : 64;
		qts_trip *p = realloc(t->trips, cap * sizeof *p);
		if (!p)
			return -1;
		t->trips = p;
		t->captrips = cap;
	}
	t->trips[t->ntrips++] = *trip;
	return 0;
}

int qts_trades_fill(qts_trades *t, int64_t ts, const char *symbol, int dir, double qty,
		    double price, double mult, double commission, double slippage)
{
	book *b = find_book(t, symbol);
	if (!b)
		return -1;
	t->st.fills++;
	t->st.commission += commission;
	t->st.slippage += slippage;
	t->st.notional += fabs(qty * price * mult);
	double comm_unit = qty > 0 ? commission / qty : 0;
	double left = qty, eps = qty * QTY_EPS;
	int closed = 0;
	while (left > eps && b->len > 0 && b->dir == -dir) {
		lot *l = &b->q[b->head];
		double q = l->qty < left ? l->qty : left;
		qts_trip trip;
		memset(&trip, 0, sizeof trip);
		QTS_SET(trip.symbol, symbol);
		trip.dir = b->dir;
		trip.qty = q;
		trip.entry_ts = l->ts;
		trip.exit_ts = ts;
		trip.entry_price = l->price;
		trip.exit_price = price;
		trip.commission = (l->comm_unit + comm_unit) * q;
		trip.pnl = (price - l->price) * q * mult * b->dir - trip.commission;
		trip.ret = l->price * q != 0 ? trip.pnl / fabs(l->price * q * mult) : NAN;
		if (record(t, &trip) < 0)
			return -1;
		closed++;
		left -= q;
		l->qty -= q;
		if (l->qty <= eps) {
			b->head = (b->head + 1) % b->cap;
			b->len--;
		}
	}
	if (b->len == 0)
		b->dir = 0;
	if (left > eps) {
		if (push_lot(b, (lot){ts, left, price, comm_unit}) < 0)
			return -1;
		b->dir = dir;
	}
	return closed;
}

void qts_trades_split(qts_trades *t, const char *symbol, double ratio)
{
	for (size_t i = 0; i < t->nbooks; i++) {
		book *b = &t->books[i];
		if (strcmp(b->symbol, symbol) != 0)
			continue;
		/* each lot's cost and commission stay: only the units change */
		for (size_t k = 0; k < b->len; k++) {
			lot *l = &b->q[(b->head + k) % b->cap];
			l->qty *= ratio;
			l->price /= ratio;
			l->comm_unit /= ratio;
		}
		return;
	}
}

const qts_trade_stats *qts_trades_stats(const qts_trades *t)
{
	return &t->st;
}

const qts_trip *qts_trades_list(const qts_trades *t, size_t *n)
{
	*n = t->ntrips;
	return t->trips;
}

int qts_trades_open(const qts_trades *t)
{
	for (size_t i = 0; i < t->nbooks; i++)
		if (t->books[i].len > 0)
			return 1;
	return 0;
}

double qts_trades_win_rate(const qts_trade_stats *s)
{
	return s->trades ? (double)s->wins / (double)s->trades : NAN;
}

double qts_trades_avg_win(const qts_trade_stats *s)
{
	return s->wins ? s->gross_win / (double)s->wins : NAN;
}

double qts_trades_avg_loss(const qts_trade_stats *s)
{
	return s->losses ? s->gross_loss / (double)s->losses : NAN;
}

double qts_trades_profit_factor(const qts_trade_stats *s)
{
	/* a sum of losses past double's range made the factor win / inf = 0 */
	return s->gross_loss < 0 && isfinite(s->gross_loss) && isfinite(s->gross_win)
		       ? s->gross_win / -s->gross_loss
		       : NAN;
}

double qts_trades_expectancy(const qts_trade_stats *s)
{
	return s->trades ? s->pnl / (double)s->trades : NAN;
}

double qts_trades_avg_holding_days(const qts_trade_stats *s)
{
	return s->trades ? s->holding_ns / (double)s->trades / (double)QTS_NS_PER_DAY : NAN;
}

double qts_trades_sqn(const qts_trade_stats *s)
{
	if (s->trades <= 1)
		return 0;
	double sd = sqrt(s->pnl_m2 / (double)s->trades);
	/* equal pnl to rounding: no spread to measure quality against; a
	 * spread whose squares overflowed made sqn mean / inf = 0 */
	if (!(sd > 1e-14 * fabs(s->pnl_mean)) || sd == 0 || !isfinite(sd))
		return NAN;
	return sqrt((double)s->trades) * s->pnl_mean / sd;
}

/* ---- checkpoints (qts_checkpoint.h) -------------------------------------- */

static void trip_ck(qts_ckpt *c, qts_trip *t)
{
	qts_ck_str(c, t->symbol, sizeof t->symbol);
	qts_ck_int(c, &t->dir);
	qts_ck_f64(c, &t->qty);
	qts_ck_i64(c, &t->entry_ts), qts_ck_i64(c, &t->exit_ts);
	qts_ck_f64(c, &t->entry_price), qts_ck_f64(c, &t->exit_price);
	qts_ck_f64(c, &t->commission), qts_ck_f64(c, &t->pnl), qts_ck_f64(c, &t->ret);
}

int qts_trades_ck(qts_trades *t, qts_ckpt *c)
{
	qts_ck_tag(c, "trades");
	if (c->loading && (t->nbooks || t->ntrips || t->st.fills)) {
		qts_ck_fail(c, "restored into trades that have fills");
		return -1;
	}
	qts_trade_stats *s = &t->st;
	qts_ck_long(c, &s->trades), qts_ck_long(c, &s->wins), qts_ck_long(c, &s->losses);
	qts_ck_f64(c, &s->gross_win), qts_ck_f64(c, &s->gross_loss), qts_ck_f64(c, &s->pnl);
	qts_ck_f64(c, &s->pnl_mean), qts_ck_f64(c, &s->pnl_m2);
	qts_ck_f64(c, &s->largest_win), qts_ck_f64(c, &s->largest_loss);
	qts_ck_f64(c, &s->holding_ns), qts_ck_f64(c, &s->commission), qts_ck_f64(c, &s->slippage);
	qts_ck_f64(c, &s->notional);
	qts_ck_long(c, &s->fills);
	/* The open lots, oldest first, of each symbol in the order first seen. */
	size_t nbooks = t->nbooks;
	qts_ck_size(c, &nbooks, c->loading ? c->len / 16 : nbooks);
	for (size_t i = 0; i < nbooks && qts_ck_ok(c); i++) {
		char symbol[QTS_SYM_MAX];
		if (!c->loading)
			QTS_SET(symbol, t->books[i].symbol);
		qts_ck_str(c, symbol, sizeof symbol);
		book *b = c->loading ? find_book(t, symbol) : &t->books[i];
		if (!b || (c->loading && t->nbooks != i + 1)) {
			qts_ck_fail(c, b ? "symbol %s twice" : "out of memory", symbol);
			break;
		}
		qts_ck_int(c, &b->dir);
		size_t len = b->len;
		qts_ck_size(c, &len, c->loading ? c->len / 32 : len);
		for (size_t k = 0; k < len && qts_ck_ok(c); k++) {
			lot l = c->loading ? (lot){ 0 } : b->q[(b->head + k) % b->cap];
			qts_ck_i64(c, &l.ts);
			qts_ck_f64(c, &l.qty), qts_ck_f64(c, &l.price), qts_ck_f64(c, &l.comm_unit);
			if (c->loading && push_lot(b, l) < 0)
				qts_ck_fail(c, "out of memory");
		}
	}
	int keep = t->keep;
	qts_ck_int(c, &keep);
	if (c->loading && keep != t->keep)
		qts_ck_fail(c, "trips %s, not %s", keep ? "kept" : "not kept", t->keep ? "kept" : "not kept");
	size_t ntrips = t->ntrips;
	qts_ck_size(c, &ntrips, c->loading ? c->len / 64 : ntrips);
	if (c->loading && ntrips && qts_ck_ok(c)) {
		if (!qts_ck_room(c, ntrips, 64) || !(t->trips = malloc(ntrips * sizeof *t->trips))) {
			qts_ck_fail(c, "out of memory");
			return -1;
		}
		t->captrips = ntrips;
		memset(t->trips, 0, ntrips * sizeof *t->trips);
	}
	for (size_t i = 0; i < ntrips && qts_ck_ok(c); i++) {
		trip_ck(c, &t->trips[i]);
		if (c->loading)
			t->ntrips = i + 1;
	}
	return qts_ck_ok(c) ? 0 : -1;
}
