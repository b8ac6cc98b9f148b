/* sim_fillmodel.c — where and how much an order trades on one market data
 * event.  The intra-bar path assumption is stated in qts-sim(1). */
#include "qts_sim.h"

#include <math.h>
#include <string.h>

/* A buy stop triggers at or above its price, a sell stop at or below. */
static int stop_hit(const qts_order *o, double p)
{
	return o->side == QTS_BUY ? p >= o->stop : p <= o->stop;
}

/* A buy limit trades at or below its price, a sell limit at or above. */
static int limit_ok(const qts_order *o, double p)
{
	return o->kind == QTS_MARKET || o->kind == QTS_STOP ||
	       (o->side == QTS_BUY ? p <= o->limit : p >= o->limit);
}

/* Does the move from a to b pass through x? */
static int crosses(double a, double b, double x)
{
	return a < b ? a <= x && x <= b : b <= x && x <= a;
}

/* Walk the price path pts[0..n): the first point is where the order meets
 * the market (a gap fills there), the rest is reached continuously. */
static int walk_path(qts_order *o, const double *pts, int n, double *price, double *at, int *needs_stop_out)
{
	int needs_stop = (o->kind == QTS_STOP || o->kind == QTS_STOP_LIMIT) && !o->triggered;
	double p = pts[0], gone = 0; /* gone: the path's length before pts[i - 1] */
	*at = 0;
	if (needs_stop && stop_hit(o, p))
		needs_stop = 0;
	*needs_stop_out = needs_stop;
	if (!needs_stop && limit_ok(o, p)) {
		*price = p;
		return 1;
	}
	for (int i = 1; i < n; i++, gone += fabs(pts[i - 1] - pts[i - 2])) {
		double a = pts[i - 1], b = pts[i];
		if (needs_stop) {
			if (!crosses(a, b, o->stop))
				continue;
			needs_stop = *needs_stop_out = 0;
			/* Triggered at the stop price; a stop-limit then works
			 * the rest of this segment as a limit. */
			a = o->stop;
			if (limit_ok(o, a)) {
				*price = a;
				*at = gone + fabs(a - pts[i - 1]);
				return 1;
			}
		}
		if (crosses(a, b, o->limit)) {
			*price = o->limit;
			*at = gone + fabs(o->limit - pts[i - 1]);
			return 1;
		}
	}
	return 0;
}

/* A stop once touched stays triggered, whether the touch filled it or
 * not: the rest of one that filled in part (a capped participation)
 * works on later data as a market order (a stop-limit as a limit), not
 * as a stop waiting for its price again. */
static int walk(qts_order *o, const double *pts, int n, double *price, double *at)
{
	int needs_stop;
	int filled = walk_path(o, pts, n, price, at, &needs_stop);
	if ((o->kind == QTS_STOP || o->kind == QTS_STOP_LIMIT) && !needs_stop)
		o->triggered = 1;
	return filled;
}

int qts_fill_price(qts_order *o, const qts_mkt *m, double *price)
{
	double at;
	return qts_fill_at(o, m, price, &at);
}

int qts_fill_at(qts_order *o, const qts_mkt *m, double *price, double *at)
{
	double pts[4];
	int n = 1;
	switch (m->type) {
	case QTS_BAR:
		pts[0] = m->open;
		/* An up bar is assumed to visit its low first, a down bar
		 * its high first: the path that is worse for the obvious
		 * trade, the convention of most bar backtesters. */
		if (m->close >= m->open) {
			pts[1] = m->low;
			pts[2] = m->high;
		} else {
			pts[1] = m->high;
			pts[2] = m->low;
		}
		pts[3] = m->close;
		n = 4;
		break;
	case QTS_TICK:
		pts[0] = m->price;
		break;
	case QTS_QUOTE:
		pts[0] = o->side == QTS_BUY ? m->ask : m->bid;
		if (!(pts[0] > 0))
			return 0;
		break;
	default:
		return 0;
	}
	return walk(o, pts, n, price, at);
}

qts_step qts_order_step(qts_order *o, const qts_mkt *m, int64_t t, int64_t day, int any_price, double *ref)
{
	if (o->tif == QTS_DAY && o->day != INT64_MIN && day > o->day)
		return QTS_STEP_EXPIRED;
	if (t < o->eligible)
		return QTS_STEP_WAIT;
	if (o->day == INT64_MIN)
		o->day = day;
	if (qts_fill_price(o, m, ref) && (*ref > 0 || (any_price && isfinite(*ref))))
		return QTS_STEP_REACHED;
	return o->tif == QTS_IOC || o->tif == QTS_FOK ? QTS_STEP_MISSED : QTS_STEP_WAIT;
}

double qts_fill_capacity(const qts_mkt *m, int side, double participation)
{
	if (!(participation > 0))
		return INFINITY;
	switch (m->type) {
	case QTS_BAR:
		return participation * m->volume;
	case QTS_TICK:
		return participation * m->size;
	case QTS_QUOTE:
		return participation * (side == QTS_BUY ? m->ask_size : m->bid_size);
	default:
		return 0;
	}
}
