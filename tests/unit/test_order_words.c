/* The words of orders (order_words.c): every word parses to its code and
 * back, anything else is refused, and the final statuses are said once. */
#include "qts.h"
#include "tap.h"

static int round_trips(const char *const *words, int (*parse)(const char *), const char *(*name)(int))
{
	for (int i = 0; words[i]; i++)
		if (parse(words[i]) < 0 || strcmp(name(parse(words[i])), words[i]) != 0)
			return 0;
	return 1;
}

int main(void)
{
	CHECK(qts_side_parse("buy") == QTS_BUY && qts_side_parse("sell") == QTS_SELL, "sides");
	CHECK(qts_side_parse("Buy") == 0 && qts_side_parse("") == 0 && qts_side_parse("buy ") == 0,
	      "a side is the exact word or 0");
	CHECK_STR(qts_side_name(QTS_BUY), "buy", "buy named");
	CHECK_STR(qts_side_name(QTS_SELL), "sell", "sell named");
	CHECK(qts_side_name(0) == NULL, "no side has no name");
	CHECK(round_trips(qts_kind_words, qts_kind_parse, qts_kind_name), "kinds round trip");
	CHECK(round_trips(qts_tif_words, qts_tif_parse, qts_tif_name), "tifs round trip");
	CHECK(round_trips(qts_status_words, qts_status_parse, qts_status_name), "statuses round trip");
	CHECK(round_trips(qts_unit_words, qts_unit_parse, qts_unit_name), "units round trip");
	CHECK(qts_kind_parse("stop-limit") < 0 && qts_tif_parse("GTC") < 0 && qts_status_parse("cancelled") < 0 &&
	      qts_unit_parse("") < 0, "other words are refused");
	CHECK(qts_kind_name(4) == NULL && qts_kind_name(-1) == NULL && qts_status_name(7) == NULL,
	      "codes out of range have no name");
	CHECK(qts_kind_parse("stop_limit") == QTS_STOP_LIMIT && qts_tif_parse("fok") == QTS_FOK &&
	      qts_status_parse("expired") == QTS_STATUS_EXPIRED && qts_unit_parse("weight") == QTS_UNIT_WEIGHT,
	      "codes match their words");

	int final = 0, working = 0;
	for (int i = 0; qts_status_words[i]; i++)
		qts_status_final(i) ? final++ : working++;
	CHECK(final == 4 && working == 3, "four statuses end an order, three do not");
	CHECK(qts_status_final(QTS_STATUS_FILLED) && qts_status_final(QTS_STATUS_CANCELED) &&
	      qts_status_final(QTS_STATUS_REJECTED) && qts_status_final(QTS_STATUS_EXPIRED) &&
	      !qts_status_final(QTS_STATUS_PARTIAL) && !qts_status_final(-1), "final: filled, canceled, rejected, expired");

	CHECK(qts_kind_of(NAN, NAN) == QTS_MARKET && qts_kind_of(10, NAN) == QTS_LIMIT &&
	      qts_kind_of(NAN, 9) == QTS_STOP && qts_kind_of(10, 9) == QTS_STOP_LIMIT, "the kind from the prices");
	CHECK(qts_kind_has_limit(QTS_LIMIT) && qts_kind_has_limit(QTS_STOP_LIMIT) && !qts_kind_has_limit(QTS_STOP) &&
	      qts_kind_has_stop(QTS_STOP) && qts_kind_has_stop(QTS_STOP_LIMIT) && !qts_kind_has_stop(QTS_MARKET) &&
	      !qts_kind_has_limit(-1), "the prices a kind uses");

	char why[128] = "";
	CHECK(qts_order_prices_fault(QTS_LIMIT, "limit", NAN, NAN, 0, why, sizeof why), "a limit without its price");
	CHECK_STR(why, "limit order needs a limit price", "the missing price named");
	CHECK(qts_order_prices_fault(QTS_MARKET, "market", 90, NAN, 0, why, sizeof why), "a market order with a limit");
	CHECK_STR(why, "market order takes no limit price (90)", "the price its kind does not use named");
	CHECK(qts_order_prices_fault(QTS_LIMIT, "limit", 10, 9, 0, why, sizeof why), "a limit order with a stop");
	CHECK_STR(why, "limit order takes no stop price (9)", "a stop on a limit order named");
	CHECK(qts_order_prices_fault(QTS_STOP, "stop", -1, 9, 1, why, sizeof why),
	      "a stop order with a limit, even of a contract");
	CHECK_STR(why, "stop order takes no limit price (-1)", "a limit on a stop order named");
	CHECK(!qts_order_prices_fault(QTS_STOP_LIMIT, "stop_limit", 10, 9, 0, why, sizeof why) &&
	      !qts_order_prices_fault(QTS_MARKET, "market", NAN, NAN, 0, why, sizeof why),
	      "the prices a kind uses, and only they, are sound");
	return tap_done();
}
