/* The vendors' answers made into events, without the network: Yahoo's chart
 * JSON, CSV answers through the vendor layouts, Alpha Vantage's notices,
 * and US Eastern time (the references: the tz database through Python's
 * zoneinfo, America/New_York). */
#include "qts_feeds.h"
#include "tap.h"

static int64_t at(const char *s)
{
	int64_t ns = 0;
	qts_time_parse(s, strlen(s), &ns);
	return ns;
}

static void eastern(const char *wall, const char *utc)
{
	char got[40], what[80];
	qts_time_format(qts_us_eastern_to_utc(at(wall)), got);
	snprintf(what, sizeof what, "%s New York is %s", wall, utc);
	CHECK_STR(got, utc, what);
}

/* And back: wall as UTC's New York time (the zone's words, zoneinfo). */
static void eastern_of(const char *utc, const char *wall)
{
	char got[40], want[40], what[80];
	qts_time_format(qts_utc_to_us_eastern(at(utc)), got);
	snprintf(want, sizeof want, "%sZ", wall);
	snprintf(what, sizeof what, "%s is %s in New York", utc, wall);
	CHECK_STR(got, want, what);
}

static const char chart[] =
	"{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"X\",\"gmtoffset\":-18000,"
	"\"exchangeTimezoneName\":\"America/New_York\"},"
	/* 2024-01-02 14:30Z, 2024-01-03 14:30Z (nulls), 2024-01-04 14:30Z,
	 * then 2024-01-04 20:00Z: the same day again, later */
	"\"timestamp\":[1704205800,1704292200,1704378600,1704398400],"
	"\"events\":{\"dividends\":{\"1704292200\":{\"amount\":0.24,\"date\":1704292200}},"
	"\"splits\":{\"1704378600\":{\"date\":1704378600,\"numerator\":4,\"denominator\":1,\"splitRatio\":\"4:1\"}}},"
	"\"indicators\":{\"quote\":[{\"open\":[10,null,12,12],\"high\":[11,null,13,14],\"low\":[9,null,11,11],"
	"\"close\":[10.5,null,12.5,13],\"volume\":[100,null,200,300]}],"
	"\"adjclose\":[{\"adjclose\":[5.25,null,6.25,6.5]}]}}],\"error\":null}}";

int main(void)
{
	char err[QTS_ERR_MAX];
	qts_evbuf out = { 0 };
	qts_actbuf acts = { 0 };

	/* ---- Yahoo ---- */
	CHECK(qts_yahoo_parse(chart, strlen(chart), "X", (qts_tf){ 0, 0 }, 0, &out, &acts, err) == 0, "a chart");
	CHECK(out.n == 2, "the null bar skipped, the repeated day once");
	CHECK(out.ev[0].ts == at("2024-01-02") && out.ev[1].ts == at("2024-01-04"), "dated by the trading day at 00:00 UTC");
	CHECK(out.ev[1].bar.close == 13 && out.ev[1].bar.high == 14 && out.ev[1].bar.volume == 300,
	      "the later of a day twice stands");
	CHECK_STR(out.ev[0].bar.tf, "1d", "daily");
	CHECK_STR(out.ev[0].symbol, "X", "the symbol");
	CHECK_STR(acts.text, "2024-01-03,X,dividend,0.24\n2024-01-04,X,split,4\n", "dividends and splits");
	qts_evbuf_clear(&out);
	CHECK(qts_yahoo_parse(chart, strlen(chart), "X", (qts_tf){ 1, 'd' }, 1, &out, &acts, err) == 0, "adjusted");
	CHECK(out.ev[0].bar.close == 5.25 && out.ev[0].bar.open == 5 && out.ev[0].bar.high == 5.5,
	      "OHLC scaled by adjclose / close");
	CHECK_STR(acts.text, "2024-01-03,X,dividend,0.24\n2024-01-04,X,split,4\n", "the same actions once");
	qts_evbuf_clear(&out);
	/* An adjclose of 0 made a bar of zeros, exit 0. */
	const char *zero = "{\"chart\":{\"result\":[{\"meta\":{\"gmtoffset\":0},\"timestamp\":[1704205800,1704292200],"
			   "\"indicators\":{\"quote\":[{\"open\":[1,1],\"high\":[1,1],\"low\":[1,1],\"close\":[1,1],"
			   "\"volume\":[0,0]}],\"adjclose\":[{\"adjclose\":[1,0]}]}}]}}";
	CHECK(qts_yahoo_parse(zero, strlen(zero), "X", (qts_tf){ 1, 'd' }, 1, &out, NULL, err) < 0, "--adjust: adjclose 0");
	CHECK_STR(err, "yahoo:X: indicators: adjclose[1] is not a positive price (--adjust scales by adjclose / close)",
		  "names the value");
	qts_evbuf_clear(&out);
	CHECK(qts_yahoo_parse(zero, strlen(zero), "X", (qts_tf){ 1, 'd' }, 0, &out, NULL, err) == 0 && out.n == 2,
	      "without --adjust adjclose is not used");
	qts_evbuf_clear(&out);
	CHECK(qts_yahoo_parse(chart, strlen(chart), "X", (qts_tf){ 5, 'm' }, 0, &out, NULL, err) == 0, "intraday");
	CHECK(out.n == 3 && out.ev[0].ts == at("2024-01-02T14:30:00Z") && out.ev[2].ts == at("2024-01-04T20:00:00Z"),
	      "intraday bars at their UTC time");
	CHECK_STR(out.ev[0].bar.tf, "5m", "5m");
	qts_evbuf_clear(&out);

	const char *east = "{\"chart\":{\"result\":[{\"meta\":{\"gmtoffset\":39600},\"timestamp\":[1704150000],"
			   "\"indicators\":{\"quote\":[{\"open\":[1],\"high\":[1],\"low\":[1],\"close\":[1],\"volume\":[0]}]}}]}}";
	CHECK(qts_yahoo_parse(east, strlen(east), "BHP.AX", (qts_tf){ 0, 0 }, 0, &out, NULL, err) == 0 &&
	      out.n == 1 && out.ev[0].ts == at("2024-01-02"), "2024-01-01T23:00Z at UTC+11 is 2024-01-02");
	qts_evbuf_clear(&out);
	CHECK(qts_yahoo_parse(east, strlen(east), "BHP.AX", (qts_tf){ 0, 0 }, 1, &out, NULL, err) < 0, "--adjust without adjclose");
	CHECK_STR(err, "yahoo:BHP.AX: --adjust: the answer has no adjclose (intraday bars have none)", "says so");

	const char *nf = "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\",\"description\":\"No data found, symbol may be delisted\"}}}";
	CHECK(qts_yahoo_parse(nf, strlen(nf), "ZZZ", (qts_tf){ 0, 0 }, 0, &out, NULL, err) < 0, "chart.error");
	CHECK_STR(err, "yahoo:ZZZ: Not Found: No data found, symbol may be delisted", "in Yahoo's words");
	CHECK(qts_yahoo_parse("{\"chart\":", 9, "Q", (qts_tf){ 0, 0 }, 0, &out, NULL, err) < 0 &&
	      strncmp(err, "yahoo:Q: not JSON: ", 19) == 0, "not JSON");
	const char *empty = "{\"chart\":{\"result\":[{\"meta\":{\"gmtoffset\":0},\"indicators\":{\"quote\":[{}]}}],\"error\":null}}";
	CHECK(qts_yahoo_parse(empty, strlen(empty), "Q", (qts_tf){ 0, 0 }, 0, &out, NULL, err) == 0 && out.n == 0,
	      "no timestamp: no bars in the span");
	const char *back = "{\"chart\":{\"result\":[{\"meta\":{\"gmtoffset\":0},\"timestamp\":[200,100],"
			   "\"indicators\":{\"quote\":[{\"open\":[1,1],\"high\":[1,1],\"low\":[1,1],\"close\":[1,1],\"volume\":[0,0]}]}}]}}";
	CHECK(qts_yahoo_parse(back, strlen(back), "Q", (qts_tf){ 1, 'm' }, 0, &out, NULL, err) < 0, "times going back");
	CHECK_STR(err, "yahoo:Q: timestamp[1]: before the bar before it", "named by its place");
	const char *str = "{\"chart\":{\"result\":[{\"meta\":{\"gmtoffset\":0},\"timestamp\":[\"x\"],"
			  "\"indicators\":{\"quote\":[{\"open\":[1],\"high\":[1],\"low\":[1],\"close\":[1],\"volume\":[0]}]}}]}}";
	CHECK(qts_yahoo_parse(str, strlen(str), "Q", (qts_tf){ 0, 0 }, 0, &out, NULL, err) < 0, "a time that is no number");
	CHECK_STR(err, "yahoo:Q: timestamp[0] is not a time in seconds", "named");
	qts_evbuf_clear(&out);

	/* ---- CSV answers ---- */
	const char *av = "timestamp,open,high,low,close,volume\r\n2024-01-03,2,3,1,2.5,20\r\n2024-01-02,1,2,0.5,1.5,10\r\n";
	CHECK(qts_feed_csv_parse(av, strlen(av), "alphavantage:IBM", "IBM", (qts_tf){ 0, 0 }, 0, 0, &out, err) == 0 &&
	      out.n == 2, "Alpha Vantage's CSV");
	CHECK(out.ev[0].ts == at("2024-01-02") && out.ev[1].ts == at("2024-01-03"), "newest first put in time order");
	qts_evbuf_clear(&out);
	const char *nul = "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,null,null,null,null,null\n"
			  "2024-01-04,x,2,0.5,1.5,10\n";
	CHECK(qts_feed_csv_parse(nul, strlen(nul), "stooq:a.us", "a.us", (qts_tf){ 0, 0 }, 0, 0, &out, err) < 0,
	      "a row that does not parse fails");
	CHECK_STR(err, "stooq:a.us:4: open: 'x' is not a number", "named by source and line");
	CHECK(out.n == 0, "and gives nothing");
	const char *intra = "timestamp,open,high,low,close,volume\n2024-03-11 09:30:00,1,2,0.5,1.5,10\n"
			    "2024-03-08 15:55:00,1,2,0.5,1.5,10\n";
	CHECK(qts_feed_csv_parse(intra, strlen(intra), "alphavantage:IBM", "IBM", (qts_tf){ 5, 'm' }, 0, 1, &out, err) == 0 &&
	      out.n == 2 && out.ev[0].ts == at("2024-03-08T20:55:00Z") && out.ev[1].ts == at("2024-03-11T13:30:00Z"),
	      "US Eastern times to UTC, either side of daylight saving time");
	qts_evbuf_clear(&out);

	/* ---- US Eastern (tz database, zoneinfo) ---- */
	eastern("2024-03-10T01:59:00", "2024-03-10T06:59:00Z");
	eastern("2024-03-10T03:00:00", "2024-03-10T07:00:00Z");
	eastern("2024-11-03T01:30:00", "2024-11-03T05:30:00Z");
	eastern("2024-11-03T02:00:00", "2024-11-03T07:00:00Z");
	eastern("2024-07-01T09:30:00", "2024-07-01T13:30:00Z");
	eastern("2006-04-02T01:00:00", "2006-04-02T06:00:00Z");
	eastern("2006-04-02T03:00:00", "2006-04-02T07:00:00Z");
	eastern("2006-10-29T01:30:00", "2006-10-29T05:30:00Z");
	eastern("2006-10-29T02:30:00", "2006-10-29T07:30:00Z");
	eastern("1990-04-01T03:00:00", "1990-04-01T07:00:00Z");
	eastern("1980-04-27T03:00:00", "1980-04-27T07:00:00Z");
	eastern("1980-04-20T03:00:00", "1980-04-20T08:00:00Z");
	eastern_of("2024-03-10T06:59:00Z", "2024-03-10T01:59:00");
	eastern_of("2024-03-10T07:00:00Z", "2024-03-10T03:00:00");
	eastern_of("2024-11-03T05:30:00Z", "2024-11-03T01:30:00");
	eastern_of("2024-11-03T06:00:00Z", "2024-11-03T01:00:00");
	eastern_of("2024-03-01T00:00:00Z", "2024-02-29T19:00:00");
	eastern_of("2006-10-29T06:00:00Z", "2006-10-29T01:00:00");
	eastern_of("1990-04-01T07:00:00Z", "1990-04-01T03:00:00");

	/* ---- Alpha Vantage's notices ---- */
	char msg[QTS_ERR_MAX];
	CHECK(qts_alphavantage_notice(av, strlen(av), "K", msg, sizeof msg) == AV_DATA, "CSV is data");
	const char *note = "{\n    \"Note\": \"Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute.\"\n}";
	CHECK(qts_alphavantage_notice(note, strlen(note), "K", msg, sizeof msg) == AV_THROTTLED, "a Note is throttling");
	const char *info = "{\"Information\": \"We have detected your API key as ABC123 and our standard API rate limit is 25 requests per day.\"}";
	CHECK(qts_alphavantage_notice(info, strlen(info), "ABC123", msg, sizeof msg) == AV_THROTTLED,
	      "an Information about the rate limit is throttling");
	CHECK_STR(msg, "We have detected your API key as *** and our standard API rate limit is 25 requests per day.",
		  "the key masked");
	const char *prem = "{\"Information\": \"Thank you for using Alpha Vantage! This is a premium endpoint.\"}";
	CHECK(qts_alphavantage_notice(prem, strlen(prem), "K", msg, sizeof msg) == AV_ERROR, "a premium endpoint fails");
	const char *em = "{\"Error Message\": \"Invalid API call.\"}";
	CHECK(qts_alphavantage_notice(em, strlen(em), "K", msg, sizeof msg) == AV_ERROR, "an Error Message fails");
	CHECK_STR(msg, "Invalid API call.", "in its words");
	CHECK(qts_alphavantage_notice("{x", 2, "K", msg, sizeof msg) == AV_ERROR, "broken JSON fails");
	/* Found by fuzz_yahoo: jansson's message quotes the text it stopped
	 * at, which may be the key. */
	const char *quoting = "{\"Information\": ABC123 is your key";
	CHECK(qts_alphavantage_notice(quoting, strlen(quoting), "ABC123", msg, sizeof msg) == AV_ERROR &&
	      !strstr(msg, "ABC"), "broken JSON at the key: not quoted, not even in part");
	CHECK_STR(msg, "an answer neither CSV nor JSON (line 1, column 19)", "its place instead");

	qts_evbuf_free(&out);
	qts_actbuf_free(&acts);
	return tap_done();
}
