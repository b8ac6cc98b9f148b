/* Unit tests of what a strategy writes (lib/strat_orders.c): targets on a
 * change, orders kept, canceled and replaced, and fills presumed by the
 * fill model of qts-sim(1); and of the routing of bars (lib/strat_bars.c). */
#include "qts_strat.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The events put, as CSV lines, one after another. */
static char got[4096];
static int fail_puts; /* this many puts fail from now on */

static int capture(void *ctx, const qts_event *ev)
{
	(void)ctx;
	size_t n = strlen(got);
	n += qts_event_to_csv(ev, got + n, sizeof got - n - 1);
	got[n] = '\0';
	if (fail_puts) {
		fail_puts--;
		errno = EIO;
		return -1;
	}
	return 0;
}

static qts_strat_out out(void)
{
	got[0] = '\0';
	return (qts_strat_out){ capture, NULL, "s", 86400 * QTS_NS_PER_SEC, 0 };
}

static qts_strat_order order(int side, double qty, double limit, double stop)
{
	return (qts_strat_order){ side, qty, limit, stop };
}

static void test_fills(void)
{
	/* an up bar runs open, low, high, close; a down bar open, high, low, close */
	const double up[4] = { 100, 106, 99, 105 }, down[4] = { 100, 106, 99, 99.5 };
	qts_strat_order o = order(1, 1, 99.5, NAN);
	CHECK(qts_strat_fills_on(&o, up), "buy limit under the open, reached by the low: fills");
	o.limit = 98.5;
	CHECK(!qts_strat_fills_on(&o, up), "buy limit under the low: no fill");
	o = order(1, 1, NAN, 106);
	CHECK(qts_strat_fills_on(&o, up), "buy stop at the high: fills");
	o.stop = 106.5;
	CHECK(!qts_strat_fills_on(&o, up), "buy stop above the high: no fill");
	o.stop = 95;
	CHECK(qts_strat_fills_on(&o, up), "buy stop under the open: fills at the open");
	o = order(-1, 1, NAN, 99);
	CHECK(qts_strat_fills_on(&o, down), "sell stop at the low: fills");
	o = order(-1, 1, 105.5, NAN);
	CHECK(qts_strat_fills_on(&o, down), "sell limit above the open, reached by the high: fills");
	/* stop 105, limit 104: on the up bar the stop triggers at the high
	 * and the price never comes back to 104; on the down bar it
	 * triggers first and the low comes after */
	o = order(1, 1, 104, 105);
	CHECK(!qts_strat_fills_on(&o, up), "buy stop_limit: stop after the low, no fill");
	CHECK(qts_strat_fills_on(&o, down), "buy stop_limit: stop before the low, fills");
	o = order(1, 1, NAN, NAN);
	CHECK(qts_strat_fills_on(&o, up), "a market order fills");
}

static void test_presume(void)
{
	qts_strat_book b = { 0 };
	b.pos = 2;
	QTS_SET(b.work[0].id, "s-1");
	b.work[0].o = order(1, 3, 99.5, NAN);
	QTS_SET(b.work[1].id, "s-2");
	b.work[1].o = order(-1, 2, NAN, 90);
	const double bar[4] = { 100, 101, 99, 100.5 };
	qts_strat_presume_fills(&b, bar);
	CHECK(b.pos == 5, "the filled buy moves the position");
	CHECK(!b.work[0].id[0], "the filled order is gone");
	CHECK_STR(b.work[1].id, "s-2", "the order that did not fill stays");

	/* A buy stop_limit at 10, limit 9.5: a bar through 10 that never
	 * comes back to 9.5 triggers it; as in qts-sim it is a limit from
	 * then on, and the next bar's 9.4 fills it without reaching 10. */
	qts_strat_book t = { 0 };
	QTS_SET(t.work[0].id, "s-3");
	t.work[0].o = order(1, 1, 9.5, 10);
	const double through[4] = { 9.8, 10.2, 9.8, 10.1 }, back[4] = { 9.6, 9.7, 9.4, 9.5 };
	qts_strat_presume_fills(&t, back);
	CHECK(t.pos == 0 && t.work[0].id[0] && !t.work[0].triggered, "a stop_limit never triggered: no fill at its limit");
	qts_strat_presume_fills(&t, through);
	CHECK(t.pos == 0 && t.work[0].id[0] && t.work[0].triggered, "the stop reached, the limit not: triggered");
	qts_strat_presume_fills(&t, back);
	CHECK(t.pos == 1 && !t.work[0].id[0], "triggered on an earlier bar: a limit, filled at 9.5");
	/* the same for a sell: stop 10, limit 10.5 */
	qts_strat_book u = { 0 };
	QTS_SET(u.work[0].id, "s-4");
	u.work[0].o = order(-1, 2, 10.5, 10);
	const double down[4] = { 10.2, 10.2, 9.8, 9.9 }, up[4] = { 10.4, 10.6, 10.3, 10.5 };
	qts_strat_presume_fills(&u, down);
	CHECK(u.pos == 0 && u.work[0].triggered, "a sell stop_limit triggered below, its limit above not reached");
	qts_strat_presume_fills(&u, up);
	CHECK(u.pos == -2, "the sell fills on the next bar at its limit");
	/* a sell stop at 5 on a bar that opens below 0 (a contract priced
	 * negative): qts-sim trades at no price of 0 or below, and the stop,
	 * touched, fills at the next bar's open */
	qts_strat_book n = { 0 };
	QTS_SET(n.work[0].id, "s-5");
	n.work[0].o = order(-1, 1, NAN, 5);
	const double below[4] = { -1, 0, -2, -1 }, above[4] = { 3, 4, 2, 3 };
	qts_strat_presume_fills(&n, below);
	CHECK(n.pos == 0 && n.work[0].id[0] && n.work[0].triggered, "no fill at a price below 0, the stop touched");
	qts_strat_presume_fills(&n, above);
	CHECK(n.pos == -1 && !n.work[0].id[0], "the touched stop fills on the next bar");
	/* an order placed anew is not triggered */
	qts_strat_out o = out();
	t.work[0].triggered = 1;
	qts_strat_order w = order(1, 1, 9, 11);
	qts_strat_place(&t, "ACME", &w, 1, &o);
	CHECK(t.work[0].id[0] && !t.work[0].triggered, "a new order starts untriggered");
	got[0] = '\0';
}

static void test_place(void)
{
	qts_strat_book b = { 0 };
	qts_strat_out o = out();
	qts_strat_order want[2] = { order(1, 10, 99, NAN), order(-1, 5, NAN, 90) };
	CHECK(qts_strat_place(&b, "ACME", want, 2, &o) == 0, "place: 0");
	CHECK_STR(got,
		  "order,1970-01-02T00:00:00Z,ACME,s-1,buy,10,limit,99,,gtc,s\n"
		  "order,1970-01-02T00:00:00Z,ACME,s-2,sell,5,stop,,90,gtc,s\n",
		  "two wanted orders: a limit and a stop, numbered, gtc");
	got[0] = '\0';
	qts_strat_order again[2] = { want[1], want[0] };
	qts_strat_place(&b, "ACME", again, 2, &o);
	CHECK_STR(got, "", "the same orders in another order: all kept, nothing written");
	want[0].limit = 98;
	o.now += 86400 * QTS_NS_PER_SEC;
	qts_strat_place(&b, "ACME", want, 2, &o);
	CHECK_STR(got,
		  "cancel,1970-01-03T00:00:00Z,ACME,s-1\n"
		  "order,1970-01-03T00:00:00Z,ACME,s-3,buy,10,limit,98,,gtc,s\n",
		  "a new price: the old order canceled, the new one sent");
	got[0] = '\0';
	qts_strat_order sl = order(1, 1, 101, 100), mkt = order(-1, 2, NAN, NAN);
	qts_strat_place(&b, "ACME", &sl, 1, &o);
	qts_strat_place(&b, "ACME", &mkt, 1, &o);
	CHECK_STR(got,
		  "cancel,1970-01-03T00:00:00Z,ACME,s-3\n"
		  "cancel,1970-01-03T00:00:00Z,ACME,s-2\n"
		  "order,1970-01-03T00:00:00Z,ACME,s-4,buy,1,stop_limit,101,100,gtc,s\n"
		  "cancel,1970-01-03T00:00:00Z,ACME,s-4\n"
		  "order,1970-01-03T00:00:00Z,ACME,s-5,sell,2,market,,,gtc,s\n",
		  "both prices make a stop_limit, none a market order");
	got[0] = '\0';
	qts_strat_place(&b, "ACME", NULL, 0, &o);
	CHECK_STR(got, "cancel,1970-01-03T00:00:00Z,ACME,s-5\n", "nothing wanted: all canceled");
	CHECK(!b.work[0].id[0] && !b.work[1].id[0], "and none working");

	got[0] = '\0';
	fail_puts = 1;
	CHECK(qts_strat_place(&b, "ACME", want, 2, &o) == -1, "a failed put: -1");
	CHECK(strstr(got, "s-7,sell") != NULL, "the other order is still put");
	fail_puts = 0;
}

static void test_target_order(void)
{
	qts_strat_order o;
	CHECK(!qts_strat_target_order(NAN, 0, 10, NAN, &o), "no target: no order");
	CHECK(!qts_strat_target_order(INFINITY, 0, 10, NAN, &o), "an infinite target: no order");
	CHECK(!qts_strat_target_order(5, 5, 10, NAN, &o), "at the target: no order");
	CHECK(!qts_strat_target_order(5, 0, NAN, NAN, &o), "no price yet: no order");
	CHECK(!qts_strat_target_order(5, 0, INFINITY, 9, &o), "an infinite price: no order");
	CHECK(qts_strat_target_order(10, 4, 9, NAN, &o) && o.side == 1 && o.qty == 6 && o.limit == 9 &&
		      isnan(o.stop),
	      "from 4 to 10: buy 6 at the limit");
	CHECK(qts_strat_target_order(-5, 0, NAN, 90, &o) && o.side == -1 && o.qty == 5 && o.stop == 90,
	      "from 0 to -5: sell 5 at the stop");
}

static void test_target(void)
{
	qts_strat_last l = { 0 };
	qts_strat_out o = out();
	qts_strat_target(&l, "ACME", NAN, QTS_UNIT_QTY, &o);
	CHECK_STR(got, "", "a NaN target is not written");
	qts_strat_target(&l, "ACME", -0.0, QTS_UNIT_QTY, &o);
	qts_strat_target(&l, "ACME", 0, QTS_UNIT_QTY, &o);
	qts_strat_target(&l, "ACME", 0, QTS_UNIT_WEIGHT, &o);
	qts_strat_target(&l, "ACME", 0.5, QTS_UNIT_WEIGHT, &o);
	CHECK_STR(got,
		  "target,1970-01-02T00:00:00Z,ACME,0,qty,s\n"
		  "target,1970-01-02T00:00:00Z,ACME,0,weight,s\n"
		  "target,1970-01-02T00:00:00Z,ACME,0.5,weight,s\n",
		  "targets written when they or their unit change, -0 as 0");
	fail_puts = 1;
	CHECK(qts_strat_target(&l, "ACME", 1, QTS_UNIT_WEIGHT, &o) == -1, "a failed put: -1");
	fail_puts = 0;
	/* restored from a checkpoint: the unit's word alone is known */
	qts_strat_last r = { .set = 1, .target = 0.5, .unit = "weight" };
	got[0] = '\0';
	qts_strat_target(&r, "ACME", 0.5, QTS_UNIT_WEIGHT, &o);
	CHECK_STR(got, "", "after a restore, the same target in the same unit is not written again");
	qts_strat_target(&r, "ACME", 0.5, QTS_UNIT_QTY, &o);
	CHECK_STR(got, "target,1970-01-02T00:00:00Z,ACME,0.5,qty,s\n", "nor taken for another unit");
}

static void test_sized(void)
{
	const qts_strat_info *s = qts_strat_find("donchian-breakout");
	double p[QTS_STRAT_MAXPARAM];
	for (int i = 0; i < s->nparams; i++)
		p[i] = s->params[i].def;
	p[qts_strat_param_index(s, "entry")] = 2;
	p[qts_strat_param_index(s, "exit")] = 2;
	void *st = calloc(1, s->state_size);
	char err[160];
	CHECK(s->init(st, p, err) == 0, "donchian-breakout entry=2 exit=2");
	const double bars[2][5] = { { 10, 11, 9, 10, 1 }, { 10, 12, 9.5, 11, 1 } };
	qts_strat_order o[2];
	s->bar(st, p, bars[0]);
	CHECK(qts_strat_sized_orders(s, st, p, 100, 0, o) == 0, "no channel yet: no orders");
	s->bar(st, p, bars[1]);
	CHECK(qts_strat_sized_orders(s, st, p, 100, 0, o) == 1 && o[0].side == 1 && o[0].qty == 100 &&
		      o[0].stop == 12,
	      "flat: a buy stop at the entry high, sized");
	CHECK(qts_strat_sized_orders(s, st, p, 100, 100, o) == 1 && o[0].side == -1 &&
		      o[0].qty == 100 && o[0].stop == 9,
	      "long 100: a sell stop for the whole position at the exit low");
	s->free(st);
	free(st);
}

static int64_t day(int y, unsigned m, unsigned d)
{
	return qts_days_from_civil(y, m, d) * QTS_NS_PER_DAY;
}

static qts_event bar(const char *tf, int64_t ts)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, ts);
	QTS_SET(ev.symbol, "ACME");
	QTS_SET(ev.bar.tf, tf);
	return ev;
}

static void test_route(void)
{
	qts_strat_tfs t = { 0 };
	const char *tfs[] = { "1w", "1d" };
	unsigned mask = 99;
	int64_t known = 0;
	qts_event ev = bar("1d", day(2024, 1, 2));
	CHECK(qts_strat_route(&t, NULL, tfs, 2, &ev, &mask, &known) == 0 && mask == (1 | 4),
	      "the first bar drives, and feeds the 1d series");
	CHECK(known == day(2024, 1, 3), "a day bar is known a day later");
	CHECK_STR(t.drive, "1d", "the driving timeframe");
	ev = bar("1w", day(2024, 1, 1));
	CHECK(qts_strat_route(&t, NULL, tfs, 2, &ev, &mask, &known) == 0 && mask == 2 &&
		      known == day(2024, 1, 8),
	      "a week bar feeds its series only");
	ev = bar("3q", 0);
	known = 7;
	CHECK(qts_strat_route(&t, NULL, tfs, 2, &ev, &mask, &known) == -1 && known == 7,
	      "not a timeframe: -1");
	ev = bar("1M", day(2024, 1, 31));
	CHECK(qts_strat_route(&t, NULL, tfs, 2, &ev, &mask, &known) == 0 && mask == 0 &&
		      known == day(2024, 2, 29),
	      "a month bar ends the same day a month later, clamped to the month (qts_tf_end)");

	qts_strat_tfs u = { 0 };
	ev = bar("1d", 0);
	CHECK(qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known) == 0 && mask == 0,
	      "--tf 1h: a day bar does not drive");
	char tf[16];
	for (int i = 1; i <= 10; i++) {
		snprintf(tf, sizeof tf, "%dh", i);
		ev = bar(tf, 0);
		qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known);
	}
	CHECK(u.n == QTS_STRAT_TFS, "timeframes remembered up to the limit");
	ev = bar("10h", 0);
	CHECK(qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known) == 0 && mask == 0 &&
		      known == 10 * 3600 * QTS_NS_PER_SEC,
	      "past the limit, still routed");
	ev = bar("1h", 3600 * QTS_NS_PER_SEC);
	CHECK(qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known) == 0 && mask == 1,
	      "a remembered timeframe drives");
	CHECK(qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known) == QTS_STRAT_REPEAT,
	      "the same bar again: a repeat");
	ev.bar.close += 1;
	CHECK(qts_strat_route(&u, "1h", NULL, 0, &ev, &mask, &known) == QTS_STRAT_NOT_AFTER,
	      "another bar for the same time: not after");

	/* The timeframes read come after the table is full of others: they
	 * take the place of unused ones, and their bars are still checked. */
	qts_strat_tfs w = { 0 };
	const char *const named[] = { "1w", "2d", "3d", "4d", "5d", "6d", "7d", "8d" };
	for (int i = 1; i <= 12; i++) {
		snprintf(tf, sizeof tf, "%dm", i);
		ev = bar(tf, 0);
		qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known);
	}
	CHECK(w.n == QTS_STRAT_TFS, "a table full of unused timeframes");
	int routed = 1;
	for (int i = 0; i < 8; i++) {
		ev = bar(named[i], 0);
		routed &= qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == 0 &&
			  mask == 1u << (i + 1);
	}
	ev = bar("1d", day(2024, 1, 2));
	CHECK(routed && qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == 0 && mask == 1,
	      "past the limit, the driving and named timeframes are routed");
	CHECK(qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == QTS_STRAT_REPEAT,
	      "past the limit, a driving bar again is a repeat");
	ev.bar.close += 1;
	CHECK(qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == QTS_STRAT_NOT_AFTER,
	      "past the limit, another driving bar for the same time is refused");
	ev = bar("8d", 0);
	CHECK(qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == QTS_STRAT_REPEAT,
	      "past the limit, the last named timeframe is remembered");
	ev = bar("13m", 0);
	CHECK(qts_strat_route(&w, "1d", named, 8, &ev, &mask, &known) == 0 && mask == 0,
	      "an unused timeframe past the limit is still routed");
}

int main(void)
{
	test_fills();
	test_presume();
	test_place();
	test_target_order();
	test_target();
	test_sized();
	test_route();
	return tap_done();
}
