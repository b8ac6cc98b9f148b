/* Alpaca's market data API v2: a page of historical bars and the stream's
 * messages (feed_alpaca.c, alpaca_stream.c).  The shapes are those of
 * Alpaca's documentation (docs.alpaca.markets: "Historical bars",
 * "WebSocket Stream", "Real-time stock data"). */
#include "qts_alpaca.h"
#include "tap.h"

static const char *ts(int64_t ns)
{
	static char buf[48];
	qts_time_format(ns, buf);
	return buf;
}

int main(void)
{
	char tf[16], tok[64], err[QTS_ERR_MAX];
	qts_evbuf b = { 0 };

	CHECK(qts_alpaca_timeframe((qts_tf){ 5, 'm' }, tf) == 0, "5m served");
	CHECK_STR(tf, "5Min", "5m is 5Min");
	CHECK(qts_alpaca_timeframe((qts_tf){ 4, 'h' }, tf) == 0 && strcmp(tf, "4Hour") == 0, "4h is 4Hour");
	CHECK(qts_alpaca_timeframe((qts_tf){ 0, 0 }, tf) == 0 && strcmp(tf, "1Day") == 0, "no tf: 1Day");
	CHECK(qts_alpaca_timeframe((qts_tf){ 1, 'w' }, tf) == 0 && strcmp(tf, "1Week") == 0, "1w is 1Week");
	CHECK(qts_alpaca_timeframe((qts_tf){ 3, 'M' }, tf) == 0 && strcmp(tf, "3Month") == 0, "3M is 3Month");
	CHECK(qts_alpaca_timeframe((qts_tf){ 60, 'm' }, tf) < 0, "60m: none (1Hour is)");
	CHECK(qts_alpaca_timeframe((qts_tf){ 24, 'h' }, tf) < 0, "24h: none");
	CHECK(qts_alpaca_timeframe((qts_tf){ 2, 'd' }, tf) < 0, "2d: none");
	CHECK(qts_alpaca_timeframe((qts_tf){ 5, 'M' }, tf) < 0, "5M: none");
	CHECK(qts_alpaca_timeframe((qts_tf){ 1, 's' }, tf) < 0, "seconds: none");

	/* Daily bars: Alpaca stamps them at midnight New York, 05:00Z in
	 * winter and 04:00Z in summer. */
	const char *page = "{\"bars\":[{\"t\":\"2024-01-02T05:00:00Z\",\"o\":187.15,\"h\":188.44,\"l\":183.885,"
			   "\"c\":185.64,\"v\":82488674,\"n\":1009074,\"vw\":185.9465},"
			   "{\"t\":\"2024-07-01T04:00:00Z\",\"o\":212.09,\"h\":217.51,\"l\":211.92,\"c\":216.75,"
			   "\"v\":60402929}],\"symbol\":\"AAPL\",\"next_page_token\":\"QUFQTHxEfDIwMjQ=\"}";
	CHECK(qts_alpaca_parse_bars(page, strlen(page), "AAPL", (qts_tf){ 1, 'd' }, &b, tok, sizeof tok, err) == 0,
	      "a page of daily bars");
	CHECK(b.n == 2, "two bars");
	CHECK_STR(ts(b.ev[0].ts), "2024-01-02T00:00:00Z", "05:00Z: its New York day at 00:00 UTC");
	CHECK_STR(ts(b.ev[1].ts), "2024-07-01T00:00:00Z", "04:00Z (daylight saving): its day too");
	CHECK_STR(b.ev[0].symbol, "AAPL", "symbol");
	CHECK_STR(b.ev[0].bar.tf, "1d", "tf 1d");
	CHECK(b.ev[0].bar.open == 187.15 && b.ev[0].bar.high == 188.44 && b.ev[0].bar.low == 183.885 &&
	      b.ev[0].bar.close == 185.64 && b.ev[0].bar.volume == 82488674, "o h l c v");
	CHECK_STR(tok, "QUFQTHxEfDIwMjQ=", "the next page's token");

	qts_evbuf_clear(&b);
	const char *last = "{\"bars\":[{\"t\":\"2024-01-02T14:30:00Z\",\"o\":1,\"h\":2,\"l\":0.5,\"c\":1.5,\"v\":10}],"
			   "\"symbol\":\"AAPL\",\"next_page_token\":null}";
	CHECK(qts_alpaca_parse_bars(last, strlen(last), "AAPL", (qts_tf){ 1, 'm' }, &b, tok, sizeof tok, err) == 0 &&
	      b.n == 1 && tok[0] == '\0', "the last page: no token");
	CHECK_STR(ts(b.ev[0].ts), "2024-01-02T14:30:00Z", "minute bars keep their time (the start)");
	CHECK_STR(b.ev[0].bar.tf, "1m", "tf 1m");

	qts_evbuf_clear(&b);
	const char *none = "{\"bars\":null,\"symbol\":\"ZZZZ\",\"next_page_token\":null}";
	CHECK(qts_alpaca_parse_bars(none, strlen(none), "ZZZZ", (qts_tf){ 1, 'd' }, &b, tok, sizeof tok, err) == 0 &&
	      b.n == 0, "no bars: null");

	const char *bad[][2] = {
		{ "{\"bars\":[{\"t\":\"2024-01-02T05:00:00Z\",\"o\":1,\"h\":2,\"l\":0.5,\"c\":\"x\",\"v\":1}]}",
		  "bar 1 (2024-01-02T05:00:00Z): \"c\" is not a number" },
		{ "{\"bars\":[{\"t\":\"yesterday\",\"o\":1}]}", "bar 1: \"t\" is not an RFC 3339 time" },
		{ "{\"bars\":{}}", "\"bars\" is something else, not a list" },
		{ "{\"message\":\"forbidden\"}", "\"bars\" is missing (not a page of bars), not a list" },
		{ "[1]", "not a page of bars (a JSON object with \"bars\")" },
		{ "{\"bars\":[],\"next_page_token\":7}", "\"next_page_token\" is not a string" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(qts_alpaca_parse_bars(bad[i][0], strlen(bad[i][0]), "A", (qts_tf){ 1, 'd' }, &b, tok, sizeof tok,
					    err) < 0, "a bad page fails");
		CHECK_STR(err, bad[i][1], "and says why");
	}
	CHECK(qts_alpaca_parse_bars("{\"bars\":[", 9, "A", (qts_tf){ 1, 'd' }, &b, tok, sizeof tok, err) < 0 &&
	      strncmp(err, "not JSON: ", 10) == 0, "cut short: not JSON");

	/* The stream. */
	qts_alpaca_msg m;
	qts_evbuf_clear(&b);
	const char *hello = "[{\"T\":\"success\",\"msg\":\"connected\"}]";
	CHECK(qts_alpaca_parse_stream(hello, strlen(hello), &b, &m, err) == 0 && m.flags == QTS_ALPACA_CONNECTED,
	      "connected");
	const char *auth = "[{\"T\":\"success\",\"msg\":\"authenticated\"}]";
	CHECK(qts_alpaca_parse_stream(auth, strlen(auth), &b, &m, err) == 0 && m.flags == QTS_ALPACA_AUTHENTICATED,
	      "authenticated");
	const char *fail = "[{\"T\":\"error\",\"code\":402,\"msg\":\"auth failed\"}]";
	CHECK(qts_alpaca_parse_stream(fail, strlen(fail), &b, &m, err) == 0 && m.flags == QTS_ALPACA_ERROR &&
	      m.code == 402 && strcmp(m.msg, "auth failed") == 0, "402 auth failed");
	const char *sub = "[{\"T\":\"subscription\",\"trades\":[\"AAPL\"],\"quotes\":[],\"bars\":[\"AAPL\"]}]";
	CHECK(qts_alpaca_parse_stream(sub, strlen(sub), &b, &m, err) == 0 && m.flags == QTS_ALPACA_SUBSCRIBED,
	      "subscription");
	const char *mixed =
		"[{\"T\":\"t\",\"S\":\"AAPL\",\"i\":52983525029461,\"x\":\"V\",\"p\":185.12,\"s\":100,"
		"\"t\":\"2024-01-02T14:30:00.208123456Z\",\"c\":[\"@\"],\"z\":\"C\"},"
		"{\"T\":\"q\",\"S\":\"AAPL\",\"bx\":\"V\",\"bp\":185.1,\"bs\":2,\"ax\":\"V\",\"ap\":185.14,\"as\":3,"
		"\"t\":\"2024-01-02T14:30:00.5Z\",\"c\":[\"R\"],\"z\":\"C\"},"
		"{\"T\":\"b\",\"S\":\"MSFT\",\"o\":370.1,\"h\":370.5,\"l\":369.9,\"c\":370.2,\"v\":1200,"
		"\"t\":\"2024-01-02T14:30:00Z\",\"n\":30,\"vw\":370.22},"
		"{\"T\":\"u\",\"S\":\"MSFT\",\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1,\"t\":\"2024-01-02T14:30:00Z\"}]";
	qts_evbuf_clear(&b);
	CHECK(qts_alpaca_parse_stream(mixed, strlen(mixed), &b, &m, err) == 0 && b.n == 3 && m.skipped == 1,
	      "a trade, a quote, a bar; the updated bar skipped");
	CHECK(b.ev[0].type == QTS_TICK && b.ev[0].tick.price == 185.12 && b.ev[0].tick.size == 100, "trade: p s");
	CHECK_STR(ts(b.ev[0].ts), "2024-01-02T14:30:00.208123456Z", "to the nanosecond");
	CHECK(b.ev[1].type == QTS_QUOTE && b.ev[1].quote.bid == 185.1 && b.ev[1].quote.ask == 185.14 &&
	      b.ev[1].quote.bid_size == 2 && b.ev[1].quote.ask_size == 3, "quote: bp ap bs as");
	CHECK(b.ev[2].type == QTS_BAR && strcmp(b.ev[2].symbol, "MSFT") == 0 && strcmp(b.ev[2].bar.tf, "1m") == 0 &&
	      b.ev[2].bar.close == 370.2 && b.ev[2].bar.volume == 1200, "bar: a minute bar");
	const char *sbad[][2] = {
		{ "{\"T\":\"b\"}", "not a list of messages" },
		{ "[{\"S\":\"A\"}]", "element 1 has no \"T\"" },
		{ "[{\"T\":\"t\",\"S\":\"A\",\"t\":\"2024-01-02T14:30:00Z\",\"p\":1}]",
		  "element 1 (t A 2024-01-02T14:30:00Z): \"s\" is not a number" },
		{ "[{\"T\":\"q\",\"t\":\"2024-01-02T14:30:00Z\"}]", "element 1 (\"T\":\"q\"): \"S\" is not a symbol" },
		{ "[{\"T\":\"b\",\"S\":\"A\",\"t\":1}]", "element 1 (b A): \"t\" is not an RFC 3339 time" },
	};
	for (size_t i = 0; i < sizeof sbad / sizeof *sbad; i++) {
		CHECK(qts_alpaca_parse_stream(sbad[i][0], strlen(sbad[i][0]), &b, &m, err) < 0, "a bad message fails");
		CHECK_STR(err, sbad[i][1], "and says why");
	}
	qts_evbuf_free(&b);
	return tap_done();
}
