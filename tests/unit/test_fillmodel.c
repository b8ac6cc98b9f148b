/* The fill model: where each order kind trades on bars, ticks and
 * quotes, gaps, the intra-bar path, and the participation cap. */
#include "qts_sim.h"
#include "tap.h"

static qts_order order(int side, int kind, double limit, double stop)
{
	qts_order o = { .side = side, .kind = kind, .qty = 100, .limit = limit, .stop = stop };
	return o;
}

static qts_mkt bar(double o, double h, double l, double c, double v)
{
	qts_mkt m = { .type = QTS_BAR, .open = o, .high = h, .low = l, .close = c, .volume = v };
	return m;
}

int main(void)
{
	double px;
	qts_mkt up = bar(100, 110, 95, 105, 1000);  /* path 100 95 110 105 */
	qts_mkt down = bar(100, 110, 95, 98, 1000); /* path 100 110 95 98 */

	CHECK(qts_side_parse("buy") == QTS_BUY && qts_side_parse("sell") == QTS_SELL &&
	      qts_side_parse("hold") == 0, "sides");
	CHECK(qts_kind_parse("stop_limit") == QTS_STOP_LIMIT && qts_kind_parse("x") == -1, "kinds");
	CHECK(qts_tif_parse("fok") == QTS_FOK && qts_tif_parse("gtd") == -1, "tifs");
	CHECK_STR(qts_side_name(QTS_SELL), "sell", "side name");
	CHECK_STR(qts_kind_name(QTS_STOP), "stop", "kind name");
	CHECK_STR(qts_tif_name(QTS_IOC), "ioc", "tif name");

	qts_order o = order(QTS_BUY, QTS_MARKET, NAN, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "market at the open");
	o = order(QTS_SELL, QTS_MARKET, NAN, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "market sell at the open");

	o = order(QTS_BUY, QTS_LIMIT, 97, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 97, "buy limit inside the range at the limit");
	o = order(QTS_BUY, QTS_LIMIT, 90, NAN);
	CHECK(!qts_fill_price(&o, &up, &px), "buy limit below the low: no fill");
	o = order(QTS_BUY, QTS_LIMIT, 102, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "buy limit above the open: gap, at the open");
	o = order(QTS_SELL, QTS_LIMIT, 108, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 108, "sell limit at the limit");
	o = order(QTS_SELL, QTS_LIMIT, 95, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "sell limit below the open: at the open");
	o = order(QTS_SELL, QTS_LIMIT, 111, NAN);
	CHECK(!qts_fill_price(&o, &up, &px), "sell limit above the high: no fill");
	o = order(QTS_BUY, QTS_LIMIT, 95, NAN);
	CHECK(qts_fill_price(&o, &up, &px) && px == 95, "a limit at the low fills");

	o = order(QTS_BUY, QTS_STOP, NAN, 108);
	CHECK(qts_fill_price(&o, &up, &px) && px == 108, "buy stop at the stop");
	o = order(QTS_BUY, QTS_STOP, NAN, 99);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "buy stop below the open: gap, at the open");
	o = order(QTS_BUY, QTS_STOP, NAN, 111);
	CHECK(!qts_fill_price(&o, &up, &px) && !o.triggered, "buy stop above the high: untouched");
	o = order(QTS_SELL, QTS_STOP, NAN, 96);
	CHECK(qts_fill_price(&o, &up, &px) && px == 96, "sell stop at the stop");
	o = order(QTS_SELL, QTS_STOP, NAN, 101);
	CHECK(qts_fill_price(&o, &up, &px) && px == 100, "sell stop above the open: at the open");

	/* stop-limit buy, stop 108 limit 103: up bar 100 95 110 105 triggers
	 * at 108 on the way to 110, then falls to 105 - never back to 103. */
	o = order(QTS_BUY, QTS_STOP_LIMIT, 103, 108);
	CHECK(!qts_fill_price(&o, &up, &px) && o.triggered, "stop-limit triggered, limit not reached");
	/* next bar opens 104 > 103, trades down to 102: fills at 103 */
	qts_mkt next = bar(104, 106, 102, 105, 1000);
	CHECK(qts_fill_price(&o, &next, &px) && px == 103, "triggered stop-limit fills later as a limit");
	/* stop 108 limit 109: fills at the trigger */
	o = order(QTS_BUY, QTS_STOP_LIMIT, 109, 108);
	CHECK(qts_fill_price(&o, &up, &px) && px == 108, "stop-limit fills at the stop when the limit allows");
	/* down bar 100 110 95 98: sell stop 97 limit 96 triggers at 97 on the
	 * way to 95; 97 already satisfies the limit 96, so it fills there. */
	o = order(QTS_SELL, QTS_STOP_LIMIT, 96, 97);
	CHECK(qts_fill_price(&o, &down, &px) && px == 97, "sell stop-limit at the trigger");
	/* the path matters: buy stop 108 limit 97 on the down bar triggers
	 * at 108 (high first), then the low 95 reaches 97. */
	o = order(QTS_BUY, QTS_STOP_LIMIT, 97, 108);
	CHECK(qts_fill_price(&o, &down, &px) && px == 97, "down bar: high first, then the limit");
	/* on the up bar the low comes before the trigger: no fill */
	o = order(QTS_BUY, QTS_STOP_LIMIT, 97, 108);
	CHECK(!qts_fill_price(&o, &up, &px) && o.triggered, "up bar: low first, limit missed");

	qts_mkt tick = { .type = QTS_TICK, .price = 50, .size = 300 };
	o = order(QTS_BUY, QTS_MARKET, NAN, NAN);
	CHECK(qts_fill_price(&o, &tick, &px) && px == 50, "market on a tick");
	o = order(QTS_BUY, QTS_LIMIT, 49, NAN);
	CHECK(!qts_fill_price(&o, &tick, &px), "buy limit below the tick");
	o = order(QTS_BUY, QTS_LIMIT, 51, NAN);
	CHECK(qts_fill_price(&o, &tick, &px) && px == 50, "buy limit above the tick: at the tick");
	o = order(QTS_SELL, QTS_STOP, NAN, 50);
	CHECK(qts_fill_price(&o, &tick, &px) && px == 50, "sell stop on a tick");

	qts_mkt q = { .type = QTS_QUOTE, .bid = 9.9, .ask = 10.1, .bid_size = 500, .ask_size = 200 };
	o = order(QTS_BUY, QTS_MARKET, NAN, NAN);
	CHECK(qts_fill_price(&o, &q, &px) && px == 10.1, "market buy at the ask");
	o = order(QTS_SELL, QTS_MARKET, NAN, NAN);
	CHECK(qts_fill_price(&o, &q, &px) && px == 9.9, "market sell at the bid");
	o = order(QTS_BUY, QTS_LIMIT, 10, NAN);
	CHECK(!qts_fill_price(&o, &q, &px), "buy limit under the ask");
	o = order(QTS_SELL, QTS_LIMIT, 9.9, NAN);
	CHECK(qts_fill_price(&o, &q, &px) && px == 9.9, "sell limit at the bid");
	qts_mkt empty = { .type = QTS_QUOTE, .bid = 9.9, .ask = NAN };
	o = order(QTS_BUY, QTS_MARKET, NAN, NAN);
	CHECK(!qts_fill_price(&o, &empty, &px), "no ask, no buy");

	/* The rules of time qts-sim and qts-risk's view share. */
	o = order(QTS_BUY, QTS_LIMIT, 90, NAN);
	o.tif = QTS_DAY, o.eligible = 50, o.day = INT64_MIN;
	CHECK(qts_order_step(&o, &up, 40, 7, 0, &px) == QTS_STEP_WAIT && o.day == INT64_MIN,
	      "before it is eligible: waits, no day yet");
	CHECK(qts_order_step(&o, &up, 50, 7, 0, &px) == QTS_STEP_WAIT && o.day == 7,
	      "not reached: waits, its day the first it was eligible on");
	CHECK(qts_order_step(&o, &up, 60, 7, 0, &px) == QTS_STEP_WAIT, "the same day: waits");
	o.limit = 200; /* reached on the next day, but the day has ended first */
	CHECK(qts_order_step(&o, &up, 70, 8, 0, &px) == QTS_STEP_EXPIRED, "a day order ends with its day");
	o = order(QTS_BUY, QTS_LIMIT, 90, NAN);
	o.tif = QTS_GTC, o.day = INT64_MIN;
	CHECK(qts_order_step(&o, &up, 0, 7, 0, &px) == QTS_STEP_WAIT &&
	      qts_order_step(&o, &up, 0, 9, 0, &px) == QTS_STEP_WAIT, "gtc outlives days");
	o.tif = QTS_IOC;
	CHECK(qts_order_step(&o, &up, 0, 9, 0, &px) == QTS_STEP_MISSED, "ioc not reached: missed");
	o.tif = QTS_FOK;
	CHECK(qts_order_step(&o, &up, 0, 9, 0, &px) == QTS_STEP_MISSED, "fok not reached: missed");
	o.limit = 97;
	CHECK(qts_order_step(&o, &up, 0, 9, 0, &px) == QTS_STEP_REACHED && px == 97, "fok reached at its limit");
	qts_mkt below = bar(-5, -1, -8, -2, 1000);
	o = order(QTS_SELL, QTS_MARKET, NAN, NAN);
	o.day = INT64_MIN;
	CHECK(qts_order_step(&o, &below, 0, 1, 0, &px) == QTS_STEP_WAIT, "a share: no price at -5");
	CHECK(qts_order_step(&o, &below, 0, 1, 1, &px) == QTS_STEP_REACHED && px == -5, "a contract: at -5");
	o.tif = QTS_IOC;
	CHECK(qts_order_step(&o, &below, 0, 1, 0, &px) == QTS_STEP_MISSED, "a share's ioc at -5: missed");

	CHECK(isinf(qts_fill_capacity(&up, QTS_BUY, 0)), "no participation: uncapped");
	CHECK_NEAR(qts_fill_capacity(&up, QTS_BUY, 0.1), 100, 1e-12, "10% of 1000");
	CHECK_NEAR(qts_fill_capacity(&tick, QTS_SELL, 0.5), 150, 1e-12, "half a tick's size");
	CHECK_NEAR(qts_fill_capacity(&q, QTS_BUY, 1), 200, 1e-12, "buy capped by the ask size");
	CHECK_NEAR(qts_fill_capacity(&q, QTS_SELL, 1), 500, 1e-12, "sell capped by the bid size");
	return tap_done();
}
