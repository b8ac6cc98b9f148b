/* How a target becomes an order (target_orders.c), the rule qts-sim trades
 * by and qts-risk mirrors. */
#include "qts.h"
#include "tap.h"

static int taken_2(void *arg, const char *id)
{
	++*(int *)arg;
	return strcmp(id, "s1-AAPL-2") == 0;
}

int main(void)
{
	CHECK(qts_whole_units(2.9999999999999996, 0) == 3, "a hair under a whole number is that number");
	CHECK(qts_whole_units(-2.9999999999999996, 0) == -3, "and below zero");
	CHECK(qts_whole_units(2.5, 0) == 2 && qts_whole_units(-2.5, 0) == -2, "toward zero");
	CHECK(qts_whole_units(2.5, 1) == 2.5, "fractional: as it is");
	CHECK(isnan(qts_whole_units(NAN, 0)) && isinf(qts_whole_units(INFINITY, 0)), "not finite stays so");

	/* 0.5 of 10000 at 100 a share: 50 shares; a contract of multiplier 50
	 * at 4000: 0.5 * 1e6 / (4000 * 50) = 2.5, whole 2. */
	CHECK(qts_target_position(0.5, QTS_UNIT_WEIGHT, 10000, 100, 1, 0) == 50, "a weight in shares");
	CHECK(qts_target_position(0.5, QTS_UNIT_WEIGHT, 1e6, 4000, 50, 0) == 2, "a weight in contracts, whole");
	CHECK(qts_target_position(0.5, QTS_UNIT_WEIGHT, 1e6, 4000, 50, 1) == 2.5, "fractional contracts");
	CHECK(qts_target_position(-7.9, QTS_UNIT_QTY, NAN, NAN, 1, 0) == -7, "a qty target needs no price");
	CHECK(!isfinite(qts_target_position(1, QTS_UNIT_WEIGHT, 1e308, 1e-308, 1, 0)), "too large: not finite");

	int side = 0;
	double qty = 0;
	CHECK(qts_target_order(10, 4, &side, &qty) == 1 && side == QTS_BUY && qty == 6, "buy the difference");
	CHECK(qts_target_order(-1, 2, &side, &qty) == 1 && side == QTS_SELL && qty == 3, "sell the difference");
	CHECK(qts_target_order(5, 5 + 1e-12, &side, &qty) == 0, "within the epsilon: no order");
	CHECK(qts_target_order(5, 5 + 2 * QTS_QTY_EPS, &side, &qty) == 1 && side == QTS_SELL, "past it: an order");
	CHECK(qts_target_order(NAN, 0, &side, &qty) == 0 && qts_target_order(1, NAN, &side, &qty) == 0,
	      "no number: no order");

	char id[QTS_ID_MAX];
	long seq = 0;
	qts_target_order_id(id, "", "AAPL", &seq, NULL, NULL);
	CHECK_STR(id, "target-AAPL-1", "without a strategy: target-SYMBOL-N");
	int asked = 0;
	qts_target_order_id(id, "s1", "AAPL", &seq, taken_2, &asked);
	CHECK_STR(id, "s1-AAPL-3", "an id taken moves on to the next count");
	CHECK(seq == 3 && asked == 2, "the count follows");
	return tap_done();
}
