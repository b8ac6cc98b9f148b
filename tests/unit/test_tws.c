/* test_tws.c — the TWS API messages (tws_codec.c) against reference
 * layouts, and qts-broker ib's calls (broker_ib.c) against the fake TWS
 * of tests/fakes/tws.py.
 *
 * Reference layouts: ib_insync 0.9.86 (client.py connectAsync, startApi,
 * placeOrder, cancelOrder; decoder.py openOrder, execDetails, errorMsg,
 * orderStatus) and IB's EDecoder.java, field by field as those send and
 * read them; values as qts formats numbers (100, not Python's 100.0). */
#include "qts_broker.h"
#include "qts_tws.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* A message body from its fields, each with its NUL. */
static size_t body(char *out, size_t size, const char *const *f, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(f[i]) + 1;
		if (k + l > size)
			abort();
		memcpy(out + k, f[i], l);
		k += l;
	}
	return k;
}
#define BODY(buf, ...) body(buf, sizeof buf, (const char *const[]){ __VA_ARGS__ }, \
			    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The fields of out's single message after its 4-byte length, joined by
 * '|' (a NUL shown as '|'), and the length checked. */
static const char *fields_of(const qts_tws_out *o, size_t from)
{
	static char s[4096];
	const unsigned char *p = (const unsigned char *)o->p + from;
	size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (from + 4 + len != o->n)
		return "length does not match";
	size_t i;
	for (i = 0; i < len && i < sizeof s - 1; i++)
		s[i] = p[4 + i] ? (char)p[4 + i] : '|';
	s[i] = '\0';
	return s;
}

static void test_encode(void)
{
	qts_tws_out o = { 0 };
	/* "API\0", then the version range framed without a NUL
	 * (ib_insync client.connectAsync). */
	CHECK(qts_tws_hello(&o) == 0, "hello");
	CHECK(o.n == 17 && !memcmp(o.p, "API\0\0\0\0\x09v157..178", 17), "hello: API\\0, 9, v157..178");
	o.n = 0;
	qts_tws_start_api(&o, 7);
	CHECK_STR(fields_of(&o, 0), "71|2|7||", "startApi: 71, version 2, client id, no capabilities");
	o.n = 0;
	qts_tws_cancel_order(&o, 178, 42);
	CHECK_STR(fields_of(&o, 0), "4|1|42||", "cancelOrder at 178: manualOrderCancelTime (169 on)");
	o.n = 0;
	qts_tws_cancel_order(&o, 168, 42);
	CHECK_STR(fields_of(&o, 0), "4|1|42|", "cancelOrder at 168: without it");
	o.n = 0;
	qts_tws_req_executions(&o, 9002);
	CHECK_STR(fields_of(&o, 0), "7|3|9002|0|||||||", "reqExecutions: version 3, an empty filter");
	o.n = 0;
	qts_tws_req_account_summary(&o, 9001, "NetLiquidation,TotalCashValue");
	CHECK_STR(fields_of(&o, 0), "62|1|9001|All|NetLiquidation,TotalCashValue|", "reqAccountSummary");
	o.n = 0;
	qts_tws_req_all_open_orders(&o);
	CHECK_STR(fields_of(&o, 0), "16|1|", "reqAllOpenOrders");
	o.n = 0;
	qts_tws_req_positions(&o);
	CHECK_STR(fields_of(&o, 0), "61|1|", "reqPositions");

	/* placeOrder: the bytes ib_insync 0.9.86's client.placeOrder sends
	 * for LimitOrder('BUY', 100, 185.5, orderRef='o-1', tif='DAY') on
	 * Stock('AAPL', 'SMART', 'USD') as order 7, at each version (its
	 * output, NULs shown as '|'). */
	static const struct { int v; const char *want; } place[] = {
		{ 157, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|" },
		{ 176, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|||0|||" },
		{ 178, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "|||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|||0|||" },
	};
	qts_tws_order t = { 7, "AAPL", "BUY", 100, "LMT", 185.5, NAN, "DAY", "o-1", "" };
	for (size_t i = 0; i < sizeof place / sizeof *place; i++) {
		char what[64];
		snprintf(what, sizeof what, "placeOrder at %d: ib_insync's bytes", place[i].v);
		o.n = 0;
		qts_tws_place_order(&o, place[i].v, &t);
		CHECK_STR(fields_of(&o, 0), place[i].want, what);
	}
	qts_tws_out_free(&o);
}

static void test_frame(void)
{
	char err[QTS_ERR_MAX];
	size_t len = 0;
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0", 3, &len, err) == 0, "frame: 3 bytes, more needed");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\x05" "ab", 6, &len, err) == 0, "frame: a body cut short waits");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\x02" "a\0", 6, &len, err) == 1 && len == 6, "frame: whole");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\0", 4, &len, err) == -1, "frame: length 0");
	CHECK_STR(err, "a message of 0 bytes (at most 16777215)", "and said");
	CHECK(qts_tws_frame((const unsigned char *)"\x01\0\0\0", 4, &len, err) == -1, "frame: 16 MiB");
	CHECK_STR(err, "a message of 16777216 bytes (at most 16777215)", "and said");
}

static void test_decode(void)
{
	char b[4096], err[QTS_ERR_MAX];
	qts_tws_msg m;
	int v;
	char t[64];
	size_t n = BODY(b, "178", "20240102 14:30:00 EST");
	CHECK(qts_tws_decode_hello(b, n, &v, t, sizeof t, err) == 0 && v == 178, "hello: the version");
	CHECK_STR(t, "20240102 14:30:00 EST", "hello: the connection time");

	/* orderStatus (ib_insync decoder: 11 fields after the id, no version) */
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.id == 3, "orderStatus");
	CHECK(m.order_status.order_id == 7 && !strcmp(m.order_status.status, "Filled") &&
		      m.order_status.filled == 100 && m.order_status.avg_price == 185.5,
	      "orderStatus: id, status, filled, average price");
	n = BODY(b, "9", "1", "1000");
	CHECK(qts_tws_decode(178, b, n - 1, &m, err) == -1, "a message not ending in a NUL");
	CHECK_STR(err, "a message: does not end in a NUL", "and said");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "orderStatus cut short");
	CHECK_STR(err, "orderStatus: cut short: no field 11 (mktCapPrice)", "and said which field");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "", "x");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "orderStatus too long");
	CHECK_STR(err, "orderStatus: 1 field more than its layout", "and said");
	n = BODY(b, "3", "7", "Filled", "1e", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "a bad number");
	CHECK_STR(err, "orderStatus: field 3 (filled): not a number: \"1e\"", "and said");
	n = BODY(b, "3", "x7", "Filled", "1", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "a bad integer");
	CHECK_STR(err, "orderStatus: field 1 (orderId): not an integer: \"x7\"", "and said");

	/* error: 166 on, advancedOrderRejectJson follows the text */
	n = BODY(b, "4", "2", "7", "201", "Order rejected - reason:no funds", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.error.id == 7 && m.error.code == 201 &&
		      !strcmp(m.error.text, "Order rejected - reason:no funds"),
	      "error at 178: id, code, text");
	CHECK(qts_tws_decode(165, b, n, &m, err) == -1, "the same at 165: a field too many");
	n = BODY(b, "4", "2", "-1", "2104", "Market data farm connection is OK:usfarm");
	CHECK(qts_tws_decode(165, b, n, &m, err) == 0 && m.error.code == 2104, "error at 165");

	/* execDetails (ib_insync decoder.execDetails; pendingPriceRevision 178 on) */
	n = BODY(b, "11", "-1", "7", "265598", "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS",
		 "0000e0d5.00000007.01.01", "20240102  14:30:01", "DU1234567", "ISLAND", "BOT", "60", "185.5",
		 "900007", "0", "0", "60", "185.5", "o-1", "", "", "", "2", "0");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0, "execDetails at 178");
	CHECK(m.exec_details.order_id == 7 && !strcmp(m.exec_details.symbol, "AAPL") &&
		      !strcmp(m.exec_details.exec_id, "0000e0d5.00000007.01.01") &&
		      !strcmp(m.exec_details.side, "BOT") && m.exec_details.shares == 60 &&
		      m.exec_details.price == 185.5 && m.exec_details.cum_qty == 60 &&
		      !strcmp(m.exec_details.order_ref, "o-1") && !strcmp(m.exec_details.account, "DU1234567"),
	      "execDetails: its fields");
	CHECK(qts_tws_decode(177, b, n, &m, err) == -1, "execDetails at 177 has no pendingPriceRevision");

	n = BODY(b, "59", "1", "0000e0d5.00000007.01.01", "1.02", "USD", "1.7976931348623157E308",
		 "1.7976931348623157E308", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.commission.commission == 1.02 &&
		      !strcmp(m.commission.exec_id, "0000e0d5.00000007.01.01"),
	      "commissionReport");
	n = BODY(b, "61", "3", "DU1234567", "265598", "AAPL", "STK", "", "0", "", "", "", "USD", "AAPL", "NMS",
		 "-50", "185.25");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.position.position == -50 &&
		      m.position.avg_cost == 185.25 && !strcmp(m.position.symbol, "AAPL"),
	      "position");
	n = BODY(b, "63", "1", "9001", "DU1234567", "NetLiquidation", "100000.5", "USD");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && !strcmp(m.account_summary.tag, "NetLiquidation") &&
		      !strcmp(m.account_summary.value, "100000.5"),
	      "accountSummary");
	n = BODY(b, "9", "1", "1000");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.next_valid_id.order_id == 1000, "nextValidId");
	n = BODY(b, "81", "1", "whatever");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.id == 81, "a message qts does not use: read, passed");

	/* openOrder at 178 as tests/fakes/tws.py sends it, the layout of
	 * ib_insync's decoder.openOrder with EDecoder's duration gate (158). */
	const char *const oo[] = {
		"5", "7", "0", "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS", "BUY", "100",
		"LMT", "185.5", "0", "DAY", "", "DU1234567", "O", "0", "o-1", "0", "900007", "0", "0", "0", "",
		"", "", "", "", "", "", "", "", "", "0", "", "-1", "0", "", "", "", "", "", "0", "0", "0", "0",
		"", "3", "0", "0", "", "0", "0", "", "0", "", "", "0", "0", "", "", "", "", "", "0", "0", "0",
		"", "", "", "", "0", "", "", "0", "0", "", "0", "0", "Submitted", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "", "", "0", "0", "0", "None",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308", "0", "", "", "",
		"1.7976931348623157E308", "0", "0", "0", "", "", "", "0", "", "", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308",
	};
	size_t noo = sizeof oo / sizeof *oo;
	n = body(b, sizeof b, oo, noo);
	CHECK(noo == 127, "openOrder at 178: 127 fields");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0, "openOrder at 178");
	if (m.id == 5)
		CHECK(m.open_order.order_id == 7 && !strcmp(m.open_order.symbol, "AAPL") &&
			      !strcmp(m.open_order.action, "BUY") && m.open_order.qty == 100 &&
			      !strcmp(m.open_order.type, "LMT") && m.open_order.limit == 185.5 &&
			      !strcmp(m.open_order.order_ref, "o-1") && !strcmp(m.open_order.status, "Submitted") &&
			      m.open_order.perm_id == 900007,
		      "openOrder: its fields, the status deep inside");
	CHECK(qts_tws_decode(176, b, n, &m, err) == -1, "the same at 176 lacks faProfile: cut short");
	n = body(b, sizeof b, oo, noo - 1);
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "openOrder cut short");
	CHECK_STR(err, "openOrder: cut short: no field 126 (peg best / peg mid fields)", "and said");
	/* a count of combo legs past the message's end */
	const char *bad[sizeof oo / sizeof *oo];
	memcpy(bad, oo, sizeof bad);
	bad[70] = "999999";
	n = body(b, sizeof b, bad, noo);
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "openOrder: a count beyond the message");
	CHECK_STR(err, "openOrder: field 70 (comboLegs count): 999999, more than the message holds", "and said");

	CHECK(qts_tws_status("PreSubmitted", 0, 100) == QTS_STATUS_ACCEPTED, "PreSubmitted: accepted");
	CHECK(qts_tws_status("Submitted", 40, 60) == QTS_STATUS_PARTIAL, "Submitted with a fill: partial");
	CHECK(qts_tws_status("ApiCancelled", 0, 100) == QTS_STATUS_CANCELED, "ApiCancelled: canceled");
	CHECK(qts_tws_status("Inactive", 0, 100) == QTS_STATUS_REJECTED, "Inactive: rejected");
	CHECK(qts_tws_status("Bogus", 0, 100) == -1, "an unknown word");
}

int main(void)
{
	test_encode();
	test_frame();
	test_decode();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
