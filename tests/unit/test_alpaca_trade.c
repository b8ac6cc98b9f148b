/* Alpaca's trading API v2 (alpaca_trade.c): order objects, positions, the
 * account, error bodies and trade_updates messages, and the book that
 * says every fill and status once.  The shapes are those of Alpaca's
 * documentation (docs.alpaca.markets: "Orders" (POST /v2/orders, the order
 * object), "Positions", "Account", "Websocket Streaming": its fill example
 * is the first message below, numbers and ids as given there). */
#include "qts_alpaca.h"
#include "tap.h"

#include <stdlib.h>

/* An order object of Alpaca's documentation, with our client id. */
static char *order(const char *cid, const char *status, const char *filled, const char *avg)
{
	static char buf[2048];
	snprintf(buf, sizeof buf,
		 "{\"id\":\"a5be8f5e-fdfa-41f5-a644-7a74fe947a8f\",\"client_order_id\":\"%s\","
		 "\"created_at\":\"2022-04-19T13:45:04.981350886-04:00\",\"updated_at\":"
		 "\"2022-04-19T13:45:05.027690731-04:00\",\"submitted_at\":\"2022-04-19T13:45:04.980944666-04:00\","
		 "\"filled_at\":null,\"asset_class\":\"us_equity\",\"symbol\":\"AAPL\",\"notional\":null,"
		 "\"qty\":\"10\",\"filled_qty\":\"%s\",\"filled_avg_price\":%s,\"order_class\":\"\","
		 "\"type\":\"market\",\"side\":\"buy\",\"time_in_force\":\"day\",\"limit_price\":null,"
		 "\"stop_price\":null,\"status\":\"%s\",\"extended_hours\":false,\"legs\":null}",
		 cid, filled, avg, status);
	return buf;
}

/* A trade_updates message of that order. */
static char *update(const char *event, const char *status, const char *filled, const char *avg,
		    const char *xid, const char *price, const char *qty)
{
	static char buf[3072];
	char o[2048];
	snprintf(o, sizeof o, "%s", order("s-AAPL-1", status, filled, avg));
	if (xid)
		snprintf(buf, sizeof buf,
			 "{\"stream\":\"trade_updates\",\"data\":{\"event\":\"%s\",\"execution_id\":\"%s\","
			 "\"order\":%s,\"position_qty\":\"%s\",\"price\":\"%s\",\"qty\":\"%s\","
			 "\"timestamp\":\"2022-04-19T17:45:05.024916716Z\"}}",
			 event, xid, o, filled, price, qty);
	else
		snprintf(buf, sizeof buf,
			 "{\"stream\":\"trade_updates\",\"data\":{\"event\":\"%s\",\"order\":%s,"
			 "\"timestamp\":\"2022-04-19T17:45:05.024916716Z\"}}",
			 event, o);
	return buf;
}

/* Apply a message to the book: what it said, as CSV lines. */
static const char *said(qts_alpaca_book *book, const char *text)
{
	static char out[4096];
	char err[QTS_ERR_MAX];
	qts_alpaca_tmsg m;
	qts_evbuf b = { 0 };
	out[0] = '\0';
	if (qts_alpaca_parse_tmsg(text, strlen(text), &m, err) < 0) {
		snprintf(out, sizeof out, "error: %s", err);
		return out;
	}
	if (qts_alpaca_book_apply(book, &m.order, &m, &b) < 0)
		return "out of memory";
	size_t n = 0;
	for (size_t i = 0; i < b.n && n < sizeof out; i++)
		n += qts_event_to_csv(&b.ev[i], out + n, sizeof out - n);
	out[n < sizeof out ? n : sizeof out - 1] = '\0';
	qts_evbuf_free(&b);
	return out;
}

int main(void)
{
	char err[QTS_ERR_MAX], reason[QTS_TEXT_MAX];
	qts_alpaca_order o;

	/* ---- order objects ---- */
	const char *s = order("s-AAPL-1", "partially_filled", "4", "\"185.25\"");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0, "an order object");
	CHECK_STR(o.client_id, "s-AAPL-1", "client_order_id is our id");
	CHECK_STR(o.id, "a5be8f5e-fdfa-41f5-a644-7a74fe947a8f", "Alpaca's id kept");
	CHECK(o.side == QTS_BUY && o.status == QTS_STATUS_PARTIAL, "buy, partially_filled is partial");
	CHECK(o.qty == 10 && o.filled == 4 && o.avg_price == 185.25, "quantities and price from strings");
	char t[48];
	qts_time_format(o.ts, t);
	CHECK_STR(t, "2022-04-19T17:45:05.027690731Z", "updated_at, its offset applied");
	static const struct { const char *word; int status; } words[] = {
		{ "new", QTS_STATUS_ACCEPTED },       { "accepted", QTS_STATUS_ACCEPTED },
		{ "pending_new", QTS_STATUS_ACCEPTED }, { "filled", QTS_STATUS_FILLED },
		{ "canceled", QTS_STATUS_CANCELED },  { "expired", QTS_STATUS_EXPIRED },
		{ "rejected", QTS_STATUS_REJECTED },  { "replaced", QTS_STATUS_CANCELED },
		{ "pending_cancel", QTS_STATUS_ACCEPTED }, { "done_for_day", QTS_STATUS_ACCEPTED },
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		s = order("x", words[i].word, "0", "null");
		char what[80];
		snprintf(what, sizeof what, "status %s", words[i].word);
		CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && o.status == words[i].status, what);
	}
	s = order("x", "done_for_day", "3", "\"10\"");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && o.status == QTS_STATUS_PARTIAL,
	      "done_for_day with a fill is partial");
	s = order("x", "new", "0", "null");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && isnan(o.avg_price), "nothing filled: no price");
	s = order("x", "bogus", "0", "null");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) < 0, "an unknown status refused");
	CHECK_STR(err, "order x: \"status\" is not one of Alpaca's", "and said");
	s = order("x", "filled", "10", "null");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) < 0, "filled without a price refused");
	s = order("x", "new", "ten", "null");
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) < 0, "a quantity not a number refused");
	CHECK_STR(err, "order x: qty, filled_qty or filled_avg_price is not a number", "and said");
	CHECK(qts_alpaca_parse_order("{\"symbol\":\"AAPL\"}", 17, &o, err) < 0, "no client_order_id refused");
	CHECK(qts_alpaca_parse_order("[1", 2, &o, err) < 0 && strncmp(err, "not JSON", 8) == 0, "not JSON");

	qts_alpaca_order *list;
	size_t n;
	char two[5000];
	snprintf(two, sizeof two, "[%s,", order("a", "new", "0", "null"));
	snprintf(two + strlen(two), sizeof two - strlen(two), "%s]", order("b", "filled", "10", "12.5"));
	CHECK(qts_alpaca_parse_orders(two, strlen(two), &list, &n, err) == 0 && n == 2, "a list of orders");
	CHECK(n == 2 && strcmp(list[1].client_id, "b") == 0 && list[1].status == QTS_STATUS_FILLED, "in order");
	free(list);
	CHECK(qts_alpaca_parse_orders("[]", 2, &list, &n, err) == 0 && n == 0, "no orders");
	CHECK(qts_alpaca_parse_orders("[{}]", 4, &list, &n, err) < 0 && strncmp(err, "order 1: ", 9) == 0,
	      "a bad order named by its place");
	/* Alpaca takes client_order_ids of up to 128 characters: one no qts
	 * id can be is another program's order, left out of the list, even
	 * one qts would not read (an options order with no symbol) */
	char longid[129], three[8000];
	memset(longid, 'z', 128);
	longid[128] = '\0';
	snprintf(three, sizeof three, "[{\"client_order_id\":\"%s\",\"symbol\":\"\",\"side\":\"\"},%s,", longid,
		 order("a", "new", "0", "null"));
	longid[QTS_ID_MAX] = '\0';
	snprintf(three + strlen(three), sizeof three - strlen(three), "%s]", order(longid, "filled", "10", "12.5"));
	CHECK(qts_alpaca_parse_orders(three, strlen(three), &list, &n, err) == 0 && n == 1 &&
	      strcmp(list[0].client_id, "a") == 0, "another program's orders left out of a list");
	free(list);
	longid[QTS_ID_MAX - 1] = '\0';
	s = order(longid, "new", "0", "null");
	CHECK(qts_alpaca_parse_orders(s, strlen(s), &list, &n, err) < 0, "the longest qts id is read (not a list: refused)");
	snprintf(three, sizeof three, "[%s]", order(longid, "new", "0", "null"));
	CHECK(qts_alpaca_parse_orders(three, strlen(three), &list, &n, err) == 0 && n == 1 &&
	      strcmp(list[0].client_id, longid) == 0, "the longest qts id kept in a list");
	free(list);

	/* ---- positions and the account ---- */
	qts_evbuf b = { 0 };
	const char *pos = "[{\"asset_id\":\"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415\",\"symbol\":\"AAPL\","
			  "\"exchange\":\"NASDAQ\",\"asset_class\":\"us_equity\",\"avg_entry_price\":\"100.0\","
			  "\"qty\":\"5\",\"side\":\"long\",\"market_value\":\"600.0\",\"cost_basis\":\"500.0\","
			  "\"unrealized_pl\":\"100.0\",\"current_price\":\"120.0\"},"
			  "{\"symbol\":\"TSLA\",\"avg_entry_price\":\"200\",\"qty\":\"-3\",\"side\":\"short\","
			  "\"market_value\":\"-630\",\"unrealized_pl\":\"-30\"}]";
	CHECK(qts_alpaca_parse_positions(pos, strlen(pos), 0, &b, err) == 0 && b.n == 2, "two positions");
	char line[512];
	line[qts_event_to_csv(&b.ev[0], line, sizeof line)] = '\0';
	CHECK_STR(line, "position,1970-01-01T00:00:00Z,AAPL,5,100,600,100,0\n", "a long position");
	line[qts_event_to_csv(&b.ev[1], line, sizeof line)] = '\0';
	CHECK_STR(line, "position,1970-01-01T00:00:00Z,TSLA,-3,200,-630,-30,0\n", "a short one, negative");
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_positions("[{\"symbol\":\"X\"}]", 16, 0, &b, err) < 0 && b.n == 0,
	      "a position without qty refused, nothing kept");
	qts_event eq;
	const char *acct = "{\"id\":\"e6fe16f3\",\"status\":\"ACTIVE\",\"currency\":\"USD\",\"cash\":\"4000.32\","
			   "\"equity\":\"10421.8\",\"long_market_value\":\"7000\",\"short_market_value\":\"-578.52\","
			   "\"buying_power\":\"262113.632\"}";
	CHECK(qts_alpaca_parse_account(acct, strlen(acct), 0, &eq, err) == 0, "the account");
	line[qts_event_to_csv(&eq, line, sizeof line)] = '\0';
	CHECK_STR(line, "equity,1970-01-01T00:00:00Z,4000.32,10421.8,7578.52,6421.48,0,0\n",
		  "cash, equity, gross and net exposure");
	CHECK(qts_alpaca_parse_account("{\"cash\":null}", 13, 0, &eq, err) < 0, "an account without cash refused");

	/* ---- errors ---- */
	const char *e403 = "{\"code\":40310000,\"message\":\"insufficient buying power\"}";
	qts_alpaca_error_reason(e403, strlen(e403), 403, reason, sizeof reason);
	CHECK_STR(reason, "insufficient buying power (HTTP 403, code 40310000)", "an error body as a reason");
	qts_alpaca_error_reason("<html>", 6, 502, reason, sizeof reason);
	CHECK_STR(reason, "<html> (HTTP 502)", "not JSON: its start");
	qts_alpaca_error_reason("", 0, 500, reason, sizeof reason);
	CHECK_STR(reason, "no reason given (HTTP 500)", "no body");
	const char *dup = "{\"code\":40010001,\"message\":\"client_order_id must be unique\"}";
	CHECK(qts_alpaca_duplicate_id(dup, strlen(dup), 422), "422 client_order_id must be unique: a duplicate");
	CHECK(!qts_alpaca_duplicate_id(dup, strlen(dup), 403), "not under another status");
	const char *other = "{\"code\":40010001,\"message\":\"qty must be > 0\"}";
	CHECK(!qts_alpaca_duplicate_id(other, strlen(other), 422), "another 422 is no duplicate");

	/* ---- the stream ---- */
	qts_alpaca_tmsg m;
	const char *auth = "{\"stream\":\"authorization\",\"data\":{\"status\":\"authorized\",\"action\":\"authenticate\"}}";
	CHECK(qts_alpaca_parse_tmsg(auth, strlen(auth), &m, err) == 0 && m.kind == QTS_ALPACA_T_AUTHORIZED,
	      "authorized");
	const char *unauth = "{\"stream\":\"authorization\",\"data\":{\"status\":\"unauthorized\",\"action\":\"authenticate\"}}";
	CHECK(qts_alpaca_parse_tmsg(unauth, strlen(unauth), &m, err) == 0 && m.kind == QTS_ALPACA_T_UNAUTHORIZED &&
	      strcmp(m.text, "unauthorized") == 0, "unauthorized");
	const char *listen = "{\"stream\":\"listening\",\"data\":{\"streams\":[\"trade_updates\"]}}";
	CHECK(qts_alpaca_parse_tmsg(listen, strlen(listen), &m, err) == 0 && m.kind == QTS_ALPACA_T_LISTENING &&
	      m.listening, "listening to trade_updates");
	const char *none = "{\"stream\":\"listening\",\"data\":{\"streams\":[]}}";
	CHECK(qts_alpaca_parse_tmsg(none, strlen(none), &m, err) == 0 && !m.listening, "listening to nothing");
	const char *bad = "{\"action\":\"error\",\"data\":{\"error_message\":\"internal server error\"}}";
	CHECK(qts_alpaca_parse_tmsg(bad, strlen(bad), &m, err) == 0 && m.kind == QTS_ALPACA_T_ERROR &&
	      strcmp(m.text, "internal server error") == 0, "an in-stream error");
	{
		char foreign_msg[4096], id[QTS_ID_MAX + 1];
		memset(id, 'z', QTS_ID_MAX);
		id[QTS_ID_MAX] = '\0';
		snprintf(foreign_msg, sizeof foreign_msg, "{\"stream\":\"trade_updates\",\"data\":{\"event\":\"fill\","
			 "\"order\":{\"client_order_id\":\"%s\",\"symbol\":\"\"},\"price\":\"1\",\"qty\":\"1\"}}", id);
		CHECK(qts_alpaca_parse_tmsg(foreign_msg, strlen(foreign_msg), &m, err) == 0 && m.kind == QTS_ALPACA_T_OTHER,
		      "a trade update of another program's order (a client_order_id no qts id can be): not ours");
	}
	s = update("fill", "filled", "10", "\"105.8988475\"", "2f63ea93-423d-4169-b3f6-3fdafc10c418",
		   "105.8988475", "10");
	CHECK(qts_alpaca_parse_tmsg(s, strlen(s), &m, err) == 0 && m.kind == QTS_ALPACA_T_UPDATE, "a fill");
	CHECK(strcmp(m.event, "fill") == 0 && m.price == 105.8988475 && m.qty == 10 &&
	      strcmp(m.execution_id, "2f63ea93-423d-4169-b3f6-3fdafc10c418") == 0, "its execution");
	CHECK(m.order.status == QTS_STATUS_FILLED && m.order.filled == 10, "its order");
	const char *noorder = "{\"stream\":\"trade_updates\",\"data\":{\"event\":\"fill\"}}";
	CHECK(qts_alpaca_parse_tmsg(noorder, strlen(noorder), &m, err) < 0, "an update without its order refused");
	CHECK_STR(err, "a trade update (fill): an order is not an object", "and said");

	/* ---- the book: each fill and status once ---- */
	qts_alpaca_book *book = qts_alpaca_book_new();
	s = update("new", "new", "0", "null", NULL, NULL, NULL);
	CHECK_STR(said(book, s), "", "not ours (not in the book): nothing");
	qts_alpaca_order mine = { .client_id = "s-AAPL-1", .symbol = "AAPL", .side = QTS_BUY,
				  .status = QTS_STATUS_NEW, .avg_price = NAN };
	CHECK(qts_alpaca_book_know(book, &mine) == 0 && qts_alpaca_book_has(book, "s-AAPL-1", NULL), "placed");
	CHECK_STR(said(book, s), "update,2022-04-19T17:45:05.024916716Z,AAPL,s-AAPL-1,accepted,0,,\n", "new: accepted");
	CHECK_STR(said(book, s), "", "new again: nothing");
	char *p1 = strdup(update("partial_fill", "partially_filled", "4", "\"100\"", "x1", "100", "4"));
	char *p2 = strdup(update("partial_fill", "partially_filled", "7", "\"101.2857142857143\"", "x2", "104", "3"));
	char *f3 = strdup(update("fill", "filled", "10", "\"101.9\"", "x3", "103.333333333333333", "3"));
	CHECK_STR(said(book, p1),
		  "fill,2022-04-19T17:45:05.024916716Z,AAPL,s-AAPL-1,buy,4,100,0,0\n"
		  "update,2022-04-19T17:45:05.024916716Z,AAPL,s-AAPL-1,partial,4,100,\n",
		  "a partial fill at its execution's price");
	CHECK_STR(said(book, p1), "", "the same partial fill again: nothing");
	/* out of order: the fill before the second partial fill; the 6 shares
	 * new since the last report go at the price the averages imply:
	 * (10 * 101.9 - 4 * 100) / 6 = 103.1666..., to Alpaca's 9 decimals */
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_tmsg(f3, strlen(f3), &m, err) == 0 && qts_alpaca_book_apply(book, &m.order, &m, &b) == 1,
	      "the fill, before the second partial");
	CHECK(b.n == 2 && b.ev[0].type == QTS_FILL && b.ev[0].fill.qty == 6, "a fill of the 6 since");
	CHECK(b.n == 2 && b.ev[0].fill.price == 103.166666667, "at the price the averages imply");
	CHECK(b.n == 2 && strcmp(b.ev[1].update.status, "filled") == 0 && b.ev[1].update.filled == 10 &&
	      b.ev[1].update.avg_price == 101.9, "then filled, 10 at 101.9");
	CHECK_STR(said(book, p2), "", "the late partial fill: nothing, never a status back");
	CHECK_STR(said(book, f3), "", "the fill again: nothing");
	s = update("canceled", "canceled", "10", "\"101.9\"", NULL, NULL, NULL);
	CHECK_STR(said(book, s), "", "a final status never changes");

	/* polled (no message): several executions at once */
	QTS_SET(mine.client_id, "s-AAPL-2");
	qts_alpaca_book_know(book, &mine);
	s = order("s-AAPL-2", "partially_filled", "5", "\"50\"");
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && qts_alpaca_book_apply(book, &o, NULL, &b) == 1 &&
	      b.n == 2 && b.ev[0].fill.qty == 5 && b.ev[0].fill.price == 50, "polled: the fill so far");
	s = order("s-AAPL-2", "canceled", "5", "\"50\"");
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && qts_alpaca_book_apply(book, &o, NULL, &b) == 1 &&
	      b.n == 1 && strcmp(b.ev[0].update.status, "canceled") == 0 && b.ev[0].update.filled == 5,
	      "canceled after a partial fill: its fill kept");
	s = order("s-AAPL-3", "replaced", "0", "null");
	QTS_SET(mine.client_id, "s-AAPL-3");
	qts_alpaca_book_know(book, &mine);
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_order(s, strlen(s), &o, err) == 0 && qts_alpaca_book_apply(book, &o, NULL, &b) == 1 &&
	      b.n == 1 && strcmp(b.ev[0].update.reason, "alpaca: replaced") == 0, "replaced: canceled, and why");
	/* many orders: the table grows */
	int all = 1;
	for (int i = 0; i < 300; i++) {
		snprintf(mine.client_id, sizeof mine.client_id, "many-%d", i);
		all &= qts_alpaca_book_know(book, &mine) == 0;
	}
	for (int i = 0; i < 300; i++) {
		char id[32];
		snprintf(id, sizeof id, "many-%d", i);
		all &= qts_alpaca_book_has(book, id, NULL);
	}
	CHECK(all && qts_alpaca_book_has(book, "s-AAPL-1", NULL) && !qts_alpaca_book_has(book, "many-300", NULL),
	      "300 orders more, all found");
	qts_alpaca_book_free(book);
	qts_evbuf_free(&b);
	free(p1);
	free(p2);
	free(f3);
	return tap_done();
}
