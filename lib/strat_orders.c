/* strat_orders.c — what a strategy writes: targets when they change, and
 * orders from its wanted position under the fill model qts-sim documents
 * (qts-sim(1)): working orders are kept while still wanted, canceled and
 * replaced otherwise, and presumed filled on the bars that would fill
 * them. */
#include "qts_strat.h"
#include "qts_sim.h"

#include <stdio.h>
#include <string.h>

int qts_strat_put_target(qts_strat_last *l, const char *symbol, double target, int unit, qts_strat_out *out)
{
	/* qts_strat_target has passed over a NaN and a target the code says
	 * is unchanged; after a restore only the unit's word can say it */
	if (l->set && !l->code && target == l->target && qts_unit_parse(l->unit) == unit)
		return 0;
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, out->now);
	QTS_SET(ev.symbol, symbol);
	ev.target.target = target + 0.0; /* no -0 */
	QTS_SET(ev.target.unit, qts_unit_name(unit));
	QTS_SET(ev.target.strategy, out->strategy);
	l->set = 1;
	l->code = unit + 1;
	l->target = target;
	QTS_SET(l->unit, ev.target.unit);
	return out->put(out->ctx, &ev);
}

/* Whether o, its stop already touched or not, trades on a bar (open,
 * high, low, close) by qts-sim's own fill model (qts_fill_price, the
 * path open, low, high, close on a bar closing at or above its open,
 * else open, high, low, close), so that the presumed position is the one
 * qts-sim reaches: a stop_limit whose stop a bar touched works as a
 * limit on the next bars, and nothing trades at a price of 0 or below
 * unless it is a contract's.  *triggered is updated. */
static int fills(const qts_strat_order *o, const double v[4], int contract, int *triggered)
{
	qts_order q = { .side = o->side > 0 ? QTS_BUY : QTS_SELL, .kind = qts_kind_of(o->limit, o->stop),
			.qty = o->qty, .limit = o->limit, .stop = o->stop, .triggered = *triggered };
	qts_mkt m = { .type = QTS_BAR, .open = v[0], .high = v[1], .low = v[2], .close = v[3] };
	double ref;
	/* qts-sim trades a share at no price of 0 or below, a contract at any */
	int hit = qts_fill_price(&q, &m, &ref) && (ref > 0 || (contract && isfinite(ref)));
	*triggered = q.triggered;
	return hit;
}

int qts_strat_fills_on(const qts_strat_order *o, const double v[4])
{
	int triggered = 0;
	return fills(o, v, 0, &triggered);
}

void qts_strat_presume_fills(qts_strat_book *b, const double v[4])
{
	for (int i = 0; i < 2; i++) {
		struct qts_strat_working *w = &b->work[i];
		if (w->id[0] && fills(&w->o, v, b->contract, &w->triggered)) {
			b->pos += w->o.side * w->o.qty;
			w->id[0] = '\0';
			w->triggered = 0;
		}
	}
}

static int same_price(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static int same_order(const qts_strat_order *a, const qts_strat_order *b)
{
	return a->side == b->side && a->qty == b->qty && same_price(a->limit, b->limit) &&
	       same_price(a->stop, b->stop);
}

int qts_strat_place(qts_strat_book *b, const char *symbol, const qts_strat_order *want, int n,
		    qts_strat_out *out)
{
	int kept[2] = { 0, 0 }, status = 0;
	qts_event ev;
	for (int i = 0; i < 2; i++) {
		struct qts_strat_working *w = &b->work[i];
		if (!w->id[0])
			continue;
		int j = 0;
		while (j < n && (kept[j] || !same_order(&w->o, &want[j])))
			j++;
		if (j < n) {
			kept[j] = 1;
			continue;
		}
		qts_event_init(&ev, QTS_CANCEL, out->now);
		QTS_SET(ev.symbol, symbol);
		QTS_SET(ev.cancel.id, w->id);
		if (out->put(out->ctx, &ev) < 0)
			status = -1;
		w->id[0] = '\0';
	}
	for (int j = 0; j < n; j++) {
		if (kept[j])
			continue;
		struct qts_strat_working *w = !b->work[0].id[0] ? &b->work[0] : &b->work[1];
		w->o = want[j];
		w->triggered = 0;
		qts_strategy_order_id(w->id, out->strategy, ++out->seq);
		qts_event_init(&ev, QTS_ORDER, out->now);
		QTS_SET(ev.symbol, symbol);
		QTS_SET(ev.order.id, w->id);
		QTS_SET(ev.order.side, qts_side_name(w->o.side > 0 ? QTS_BUY : QTS_SELL));
		ev.order.qty = w->o.qty;
		QTS_SET(ev.order.kind, qts_kind_name(qts_kind_of(w->o.limit, w->o.stop)));
		ev.order.limit = w->o.limit;
		ev.order.stop = w->o.stop;
		QTS_SET(ev.order.tif, qts_tif_name(QTS_GTC));
		QTS_SET(ev.order.strategy, out->strategy);
		if (out->put(out->ctx, &ev) < 0)
			status = -1;
	}
	return status;
}

int qts_strat_target_order(double target, double pos, double limit, double stop,
			   qts_strat_order *o)
{
	int side;
	double qty;
	if (!isfinite(target) || !qts_target_order(target, pos, &side, &qty))
		return 0;
	/* a price still warming up holds the order back */
	if (isinf(limit) || isinf(stop) || (isnan(limit) && isnan(stop)))
		return 0;
	*o = (qts_strat_order){ side, qty, limit, stop };
	return 1;
}

int qts_strat_sized_orders(const qts_strat_info *s, void *state, const double *p, double mult,
			   double pos, qts_strat_order out[2])
{
	int n = s->orders(state, p, pos / mult, out);
	for (int i = 0; i < n; i++)
		out[i].qty *= mult;
	return n;
}
