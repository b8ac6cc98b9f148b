/* test_resample.c — local days, intervals of timeframes, sessions and the
 * bar aggregator.  Expected instants are worked out by hand from the US
 * rules for America/New_York (EST -5h, EDT -4h from the second Sunday of
 * March 02:00 to the first Sunday of November 02:00). */
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "tap.h"

#include <stdlib.h>

static int64_t T(const char *s)
{
	int64_t ns = 0;
	if (qts_time_parse(s, strlen(s), &ns) != 0)
		printf("# bad time %s\n", s);
	return ns;
}

static qts_tf TF(const char *s)
{
	qts_tf tf = { 1, 'd' };
	if (qts_tf_parse(s, &tf) != 0)
		printf("# bad tf %s\n", s);
	return tf;
}

static void check_bucket(qts_clock *c, const char *tf, const char *t, const char *s, const char *e,
                         const char *what)
{
	int64_t a, b;
	qts_bucket(c, TF(tf), T(t), &a, &b);
	char ga[40], gb[40], msg[200];
	qts_time_format(a, ga);
	qts_time_format(b, gb);
	snprintf(msg, sizeof msg, "%s: start", what);
	CHECK_STR(ga, s, msg);
	snprintf(msg, sizeof msg, "%s: end", what);
	CHECK_STR(gb, e, msg);
}

/* Emitted bars, kept for checking. */
#define MAXOUT 20000
static qts_event out[MAXOUT];
static size_t nout;

static int collect(const qts_event *ev, void *arg)
{
	(void)arg;
	if (nout < MAXOUT)
		out[nout++] = *ev;
	return 0;
}

static qts_event bar(const char *sym, const char *tf, int64_t ts, double o, double h, double l, double c, double v)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, ts);
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, tf);
	ev.bar.open = o, ev.bar.high = h, ev.bar.low = l, ev.bar.close = c, ev.bar.volume = v;
	return ev;
}

static void test_days(void)
{
	qts_clock c;
	CHECK(qts_clock_init(&c, NULL) == 0, "UTC clock");
	const qts_day *d = qts_clock_day(&c, T("2024-03-10T12:00:00Z"));
	CHECK(d->start == T("2024-03-10") && d->end == T("2024-03-11"), "UTC day");
	d = qts_clock_day(&c, T("1969-12-31T23:00:00Z"));
	CHECK(d->start == T("1969-12-31") && d->num == -1, "UTC day before the epoch");

	/* The dates of day orders: UTC's by division, a zone's with an
	 * overnight session's evening on the next date. */
	qts_trade_days td;
	int64_t D0 = T("2024-03-04") / QTS_NS_PER_DAY;
	CHECK(qts_trade_days_init(&td, NULL, 0) == 0 && !td.local && qts_trade_day(&td, T("2024-03-04T22:30:00Z")) == D0 &&
	      qts_trade_day(&td, T("1969-12-31T23:00:00Z")) == -1, "day orders' dates: UTC");
	CHECK(qts_trade_days_init(&td, "America/New_York", 0) == 0 &&
	      qts_trade_day(&td, T("2024-03-05T03:00:00Z")) == D0, "New York: 22:00 on the 4th is the 4th");
	CHECK(qts_trade_days_init(&td, "America/Chicago", 17 * 3600 * QTS_NS_PER_SEC) == 0 &&
	      qts_trade_day(&td, T("2024-03-04T22:30:00Z")) == D0 && qts_trade_day(&td, T("2024-03-04T23:30:00Z")) == D0 + 1,
	      "Chicago from 17:00: 16:30 on the 4th is the 4th, 17:30 the 5th");
	CHECK(qts_trade_days_init(&td, "Nowhere/Atlantis", 0) == -1 && !td.local, "an unknown zone: -1, UTC dates");

	CHECK(qts_clock_init(&c, "Nowhere/Atlantis") == -1, "unknown zone refused");
	CHECK(qts_clock_init(&c, "../../etc/passwd") == -1, "path out of zoneinfo refused");
	CHECK(qts_clock_init(&c, "America/New_York") == 0, "New York clock");
	d = qts_clock_day(&c, T("2024-03-10T12:00:00Z"));
	CHECK(d->start == T("2024-03-10T05:00:00Z"), "spring forward day starts at EST midnight");
	CHECK(d->end == T("2024-03-11T04:00:00Z"), "spring forward day ends at EDT midnight (23h)");
	CHECK(d->shift == T("2024-03-10T07:00:00Z"), "the change is at 02:00 EST");
	CHECK(d->off0 == -5 * 3600 && d->off1 == -4 * 3600, "offsets before and after");
	d = qts_clock_day(&c, T("2024-11-03T12:00:00Z"));
	CHECK(d->start == T("2024-11-03T04:00:00Z") && d->end == T("2024-11-04T05:00:00Z"),
	      "fall back day is 25h");
	d = qts_clock_day(&c, T("2024-03-10T04:59:59Z"));
	CHECK(d->start == T("2024-03-09T05:00:00Z"), "23:59:59 EST is the day before");
	CHECK(qts_clock_day_start(&c, qts_days_from_civil(2024, 7, 4)) == T("2024-07-04T04:00:00Z"),
	      "start of a summer date");
	CHECK(qts_clock_tod(&c, T("2024-03-10T07:30:00Z")) == 3LL * 3600 * QTS_NS_PER_SEC + 30LL * 60 * QTS_NS_PER_SEC,
	      "wall time after spring forward is 03:30");
	CHECK(qts_clock_tod(&c, T("2024-11-03T06:30:00Z")) == 90LL * 60 * QTS_NS_PER_SEC,
	      "the repeated hour reads 01:30 again");
	CHECK(qts_clock_tod(&c, T("2024-01-02T14:30:00Z")) == 9LL * 3600 * QTS_NS_PER_SEC + 30LL * 60 * QTS_NS_PER_SEC,
	      "winter open is 09:30");

	CHECK(qts_clock_init(&c, "Asia/Kolkata") == 0, "Kolkata clock");
	d = qts_clock_day(&c, T("2024-01-02T12:00:00Z"));
	CHECK(d->start == T("2024-01-01T18:30:00Z"), "half-hour offset midnight");
}

static void test_buckets(void)
{
	qts_clock c;
	qts_clock_init(&c, NULL);
	check_bucket(&c, "5m", "2024-01-02T14:33:10Z", "2024-01-02T14:30:00Z", "2024-01-02T14:35:00Z", "5m");
	check_bucket(&c, "1h", "2024-01-02T14:00:00Z", "2024-01-02T14:00:00Z", "2024-01-02T15:00:00Z", "1h at its start");
	check_bucket(&c, "7h", "2024-01-02T22:00:00Z", "2024-01-02T21:00:00Z", "2024-01-03T00:00:00Z",
	             "7h cut at midnight");
	check_bucket(&c, "15s", "2024-01-02T14:33:10.5Z", "2024-01-02T14:33:00Z", "2024-01-02T14:33:15Z", "15s");
	check_bucket(&c, "1d", "2024-01-02T14:33:10Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z", "1d");
	check_bucket(&c, "2d", "1970-01-02T01:00:00Z", "1970-01-01T00:00:00Z", "1970-01-03T00:00:00Z", "2d from the epoch");
	check_bucket(&c, "1w", "2024-01-03T10:00:00Z", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z", "week of a Wednesday");
	check_bucket(&c, "1w", "2024-01-07T23:59:59Z", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z", "Sunday ends the week");
	check_bucket(&c, "1w", "2024-01-08T00:00:00Z", "2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z", "Monday starts one");
	check_bucket(&c, "1w", "1970-01-01T00:00:00Z", "1969-12-29T00:00:00Z", "1970-01-05T00:00:00Z", "week of the epoch");
	check_bucket(&c, "1M", "2024-02-29T23:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z", "leap February");
	check_bucket(&c, "1M", "2023-12-31T23:00:00Z", "2023-12-01T00:00:00Z", "2024-01-01T00:00:00Z", "December");
	check_bucket(&c, "3M", "2024-05-15T00:00:00Z", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z", "quarter");
	check_bucket(&c, "12M", "2024-05-15T00:00:00Z", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "year");

	qts_clock_init(&c, "America/New_York");
	check_bucket(&c, "1d", "2024-03-10T12:00:00Z", "2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z", "NY DST day");
	check_bucket(&c, "1h", "2024-03-10T07:30:00Z", "2024-03-10T07:00:00Z", "2024-03-10T08:00:00Z",
	             "NY 03:00 EDT hour");
	check_bucket(&c, "1h", "2024-03-10T06:59:00Z", "2024-03-10T06:00:00Z", "2024-03-10T07:00:00Z",
	             "NY 01:00 EST hour");
	check_bucket(&c, "1h", "2024-11-03T06:10:00Z", "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z",
	             "NY repeated 01:00 hour, second time");
	check_bucket(&c, "1w", "2024-03-10T12:00:00Z", "2024-03-04T05:00:00Z", "2024-03-11T04:00:00Z",
	             "NY week across spring forward");
	check_bucket(&c, "1M", "2024-03-01T03:00:00Z", "2024-02-01T05:00:00Z", "2024-03-01T05:00:00Z",
	             "NY: 22:00 on Feb 29 is February");
	check_bucket(&c, "1M", "2024-11-15T12:00:00Z", "2024-11-01T04:00:00Z", "2024-12-01T05:00:00Z",
	             "NY November");
}

static void test_tf(void)
{
	char err[128];
	CHECK(qts_tf_end(TF("1M"), T("2024-01-31")) == T("2024-02-29"), "Jan 31 + 1M clamps");
	CHECK(qts_tf_end(TF("1M"), T("2024-12-01")) == T("2025-01-01"), "Dec + 1M");
	CHECK(qts_tf_end(TF("5m"), T("2024-12-01")) == T("2024-12-01T00:05:00Z"), "5m end");
	CHECK(qts_tf_fits(TF("1m"), TF("5m"), err) == 0, "1m fits 5m");
	CHECK(qts_tf_fits(TF("1m"), TF("1M"), err) == 0, "1m fits 1M");
	CHECK(qts_tf_fits(TF("1d"), TF("1w"), err) == 0, "1d fits 1w");
	CHECK(qts_tf_fits(TF("1M"), TF("3M"), err) == 0, "1M fits 3M");
	CHECK(qts_tf_fits(TF("1h"), TF("5m"), err) == -1, "1h into 5m");
	CHECK_STR(err, "bars of 1h are longer than 5m", "longer message");
	CHECK(qts_tf_fits(TF("7m"), TF("1h"), err) == -1, "7m into 1h");
	CHECK_STR(err, "bars of 7m do not divide 1h", "divide message");
	CHECK(qts_tf_fits(TF("1w"), TF("1M"), err) == -1, "weeks do not make months");
	CHECK(qts_tf_fits(TF("2d"), TF("1w"), err) == -1, "2d into 1w");
	CHECK(qts_tf_fits(TF("1d"), TF("1h"), err) == -1, "1d into 1h");
}

static void test_sessions(void)
{
	qts_session s;
	int64_t H = 3600 * QTS_NS_PER_SEC, M = 60 * QTS_NS_PER_SEC;
	CHECK(qts_session_parse("09:30-16:00", &s) == 0 && s.start == 9 * H + 30 * M && s.end == 16 * H, "parse");
	CHECK(qts_session_parse("9:30-16:00", &s) == -1, "one-digit hour refused");
	CHECK(qts_session_parse("09:30-09:30", &s) == -1, "empty session refused");
	CHECK(qts_session_parse("09:60-10:00", &s) == -1, "minute 60 refused");
	CHECK(qts_session_parse("25:00-10:00", &s) == -1, "hour 25 refused");
	CHECK(qts_session_parse("09:30-16:00x", &s) == -1, "trailing text refused");
	char err[QTS_ERR_MAX];
	CHECK(qts_session_option("--session", "9-5", &s, err, sizeof err) == -1, "option refused");
	CHECK_STR(err, "--session: '9-5' is not HH:MM-HH:MM", "option's message");
	CHECK(qts_session_option(NULL, "9-5", &s, err, sizeof err) == -1, "a rule refused");
	CHECK_STR(err, "'9-5' is not HH:MM-HH:MM", "a rule's message: no option");
	CHECK(qts_session_option("--session", "17:00-16:00", &s, err, sizeof err) == 0 &&
	      qts_session_roll(&s) == 17 * H, "an overnight session rolls the day at its open");
	CHECK(qts_session_option("--session", "09:30-16:00", &s, err, sizeof err) == 0 && qts_session_roll(&s) == 0,
	      "a session within a day rolls nothing");
	CHECK(qts_tz_option("--tz", "Mars/Olympus", err, sizeof err) == -1, "zone refused");
	CHECK_STR(err, "--tz: 'Mars/Olympus' is not an installed time zone", "zone's message");
	CHECK(qts_tz_option("--tz", "", err, sizeof err) == -1, "an empty zone refused");
	CHECK(qts_tz_option(NULL, "UTC", err, sizeof err) == 0, "UTC taken");
	qts_session_parse("09:30-16:00", &s);
	CHECK(qts_session_holds(&s, 9 * H + 30 * M, M), "first bar in");
	CHECK(qts_session_holds(&s, 15 * H + 59 * M, M), "last bar in");
	CHECK(!qts_session_holds(&s, 16 * H, M), "16:00 bar out");
	CHECK(!qts_session_holds(&s, 9 * H + 29 * M, M), "09:29 bar out");
	CHECK(!qts_session_holds(&s, 15 * H + 30 * M, H), "bar overlapping the close out");
	CHECK(!qts_session_holds(&s, 16 * H, 0), "tick at the close out");
	qts_session_parse("18:00-09:30", &s);
	CHECK(qts_session_holds(&s, 23 * H + 59 * M, M), "overnight evening");
	CHECK(qts_session_holds(&s, 3 * H, M), "overnight morning");
	CHECK(!qts_session_holds(&s, 12 * H, 0), "overnight noon out");
	CHECK(qts_session_parse("00:00-24:00", &s) == 0 && qts_session_holds(&s, 23 * H + 59 * M, M), "whole day");
}

static qts_resampler *mk(qts_clock *c, const char *tfs, int keep, const qts_session *ss)
{
	static qts_tf tf[8];
	size_t n = 0;
	char buf[64];
	snprintf(buf, sizeof buf, "%s", tfs);
	for (char *p = strtok(buf, ","); p && n < 8; p = strtok(NULL, ","))
		tf[n++] = TF(p);
	qts_rs_conf conf = { tf, n, c, ss, keep, collect, NULL };
	nout = 0;
	return qts_rs_new(&conf);
}

static void test_aggregate(void)
{
	qts_clock c;
	qts_clock_init(&c, NULL);
	int64_t m = 60 * QTS_NS_PER_SEC, t0 = T("2024-01-02T14:30:00Z");
	qts_resampler *r = mk(&c, "5m", 0, NULL);
	qts_event ev;
	int failed;
	for (int i = 0; i < 5; i++) {
		ev = bar("A", "1m", t0 + i * m, 10 + i, 12 + i, 9 + i, 11 + i, 100);
		CHECK(qts_rs_put(r, &ev) == 0, "put 1m bar");
		CHECK(nout == (i == 4), i == 4 ? "5m bar out right after its last minute" : "nothing out before");
	}
	CHECK(out[0].ts == t0 && strcmp(out[0].bar.tf, "5m") == 0, "5m bar at its start");
	CHECK(out[0].bar.open == 10 && out[0].bar.high == 16 && out[0].bar.low == 9 && out[0].bar.close == 15 &&
	      out[0].bar.volume == 500, "OHLCV");
	ev = bar("A", "1m", t0 + 7 * m, 1, 1, 1, 1, 1);
	qts_rs_put(r, &ev);
	CHECK(qts_rs_finish(r, 0, &failed) == 1 && nout == 1, "unfinished bar dropped and counted");
	qts_rs_free(r);

	/* Ticks and quotes: closed by the first event of a later interval. */
	r = mk(&c, "1m", 1, NULL);
	qts_event_init(&ev, QTS_TICK, t0 + 5 * QTS_NS_PER_SEC);
	QTS_SET(ev.symbol, "T");
	ev.tick.price = 5, ev.tick.size = 2;
	qts_rs_put(r, &ev);
	ev.ts = t0 + 59 * QTS_NS_PER_SEC, ev.tick.price = 7, ev.tick.size = 3;
	qts_rs_put(r, &ev);
	CHECK(nout == 2 && out[1].type == QTS_TICK, "keep passes the ticks through");
	ev.ts = t0 + m, ev.tick.price = 6;
	qts_rs_put(r, &ev);
	CHECK(nout == 4 && out[2].type == QTS_BAR && out[3].type == QTS_TICK, "bar written before the tick that closed it");
	CHECK(out[2].bar.open == 5 && out[2].bar.high == 7 && out[2].bar.close == 7 && out[2].bar.volume == 5, "tick bar");
	CHECK(qts_rs_finish(r, 1, &failed) == 1 && nout == 5 && out[4].bar.open == 6, "partial bar emitted");
	qts_rs_free(r);

	r = mk(&c, "1m", 0, NULL);
	qts_event_init(&ev, QTS_QUOTE, t0);
	QTS_SET(ev.symbol, "Q");
	ev.quote.bid = 10, ev.quote.ask = 11, ev.quote.bid_size = 1, ev.quote.ask_size = 2;
	qts_rs_put(r, &ev);
	qts_rs_finish(r, 1, &failed);
	CHECK(nout == 1 && out[0].bar.open == 10.5 && out[0].bar.volume == 3, "quote mid and sizes");
	qts_rs_free(r);

	/* Errors. */
	r = mk(&c, "5m", 0, NULL);
	ev = bar("A", "1h", t0, 1, 1, 1, 1, 1);
	CHECK(qts_rs_put(r, &ev) == -1, "longer input refused");
	CHECK_STR(qts_rs_error(r), "A: bars of 1h are longer than 5m", "its message");
	ev = bar("B", "1m", t0, 1, 1, 1, 1, 1);
	qts_rs_put(r, &ev);
	CHECK(qts_rs_put(r, &ev) == -1, "repeated bar refused");
	CHECK_STR(qts_rs_error(r), "B: bar 2024-01-02T14:30:00Z is not after the one before", "its message");
	ev = bar("B", "5m", t0 + m, 1, 1, 1, 1, 1);
	CHECK(qts_rs_put(r, &ev) == -1, "mixed timeframes refused");
	CHECK_STR(qts_rs_error(r), "B: bars of 5m among bars of 1m: one timeframe per symbol", "its message");
	qts_event_init(&ev, QTS_TICK, t0 + 2 * m);
	QTS_SET(ev.symbol, "B");
	CHECK(qts_rs_put(r, &ev) == -1, "mixed kinds refused");
	CHECK_STR(qts_rs_error(r), "B: a tick among bars: one kind of input per symbol", "its message");
	ev = bar("C", "x", t0, 1, 1, 1, 1, 1);
	CHECK(qts_rs_put(r, &ev) == -1, "bad tf refused");
	CHECK_STR(qts_rs_error(r), "C: bad timeframe 'x'", "its message");
	qts_rs_free(r);

	/* Several timeframes, interleaved symbols: order of becoming known. */
	r = mk(&c, "1h,5m", 0, NULL);
	for (int i = 0; i < 60; i++) {
		ev = bar("A", "1m", t0 - 30 * m + i * m, 1, 1, 1, 1, 1);
		qts_rs_put(r, &ev);
		ev = bar("B", "1m", t0 - 30 * m + i * m, 2, 2, 2, 2, 1);
		qts_rs_put(r, &ev);
	}
	/* 12 5m bars each, and the 1h bar [14:00, 15:00) ends with the last minute. */
	CHECK(nout == 26, "12 5m bars and one 1h bar per symbol");
	CHECK(strcmp(out[22].bar.tf, "1h") == 0 && strcmp(out[22].symbol, "A") == 0 && out[22].bar.volume == 60 &&
	      strcmp(out[23].bar.tf, "5m") == 0 && strcmp(out[24].symbol, "B") == 0,
	      "bars ending together: in the order given, then the next symbol");
	qts_rs_free(r);

	/* Session in New York: 14:29Z is 09:29 EST, out. */
	qts_clock_init(&c, "America/New_York");
	qts_session ss;
	qts_session_parse("09:30-16:00", &ss);
	r = mk(&c, "1d", 0, &ss);
	for (int i = -1; i < 391; i++) {
		ev = bar("A", "1m", t0 + i * m, 10, 10 + (i == -1 || i == 390), 10, 10, 1);
		qts_rs_put(r, &ev);
	}
	qts_rs_finish(r, 1, &failed);
	CHECK(nout == 1 && out[0].bar.volume == 390 && out[0].bar.high == 10, "session keeps 390 minutes");
	CHECK(out[0].ts == T("2024-01-02T05:00:00Z"), "NY day bar at local midnight");
	qts_rs_free(r);
}

/* Resampling 1m -> 5m -> 1h equals 1m -> 1h, on random walks. */
static void test_two_steps(void)
{
	static qts_event step1[MAXOUT], direct[MAXOUT];
	size_t n1, nd;
	qts_clock c;
	qts_clock_init(&c, NULL);
	int failed, same = 1;
	srand(42);
	int64_t t0 = T("2024-01-02T00:00:00Z"), m = 60 * QTS_NS_PER_SEC;
	static qts_event in[5000];
	double p = 100;
	/* Minute i goes to X or Y at random: each symbol has gaps. */
	for (int i = 0; i < 5000; i++) {
		double o = p, c2 = p + (rand() % 200 - 100) / 100.0;
		double h = (o > c2 ? o : c2) + rand() % 50 / 100.0, l = (o < c2 ? o : c2) - rand() % 50 / 100.0;
		in[i] = bar(rand() % 3 ? "X" : "Y", "1m", t0 + i * m, o, h, l, c2, rand() % 1000);
		p = c2;
	}

	qts_resampler *r = mk(&c, "1h", 0, NULL);
	for (int i = 0; i < 5000; i++)
		qts_rs_put(r, &in[i]);
	qts_rs_finish(r, 1, &failed);
	nd = nout;
	memcpy(direct, out, nd * sizeof out[0]);
	qts_rs_free(r);

	r = mk(&c, "5m", 0, NULL);
	for (int i = 0; i < 5000; i++)
		qts_rs_put(r, &in[i]);
	qts_rs_finish(r, 1, &failed);
	n1 = nout;
	memcpy(step1, out, n1 * sizeof out[0]);
	qts_rs_free(r);
	r = mk(&c, "1h", 0, NULL);
	for (size_t i = 0; i < n1; i++)
		qts_rs_put(r, &step1[i]);
	qts_rs_finish(r, 1, &failed);
	qts_rs_free(r);
	CHECK(nout == nd && nd > 80, "same number of 1h bars");
	/* Per symbol: the order across symbols may differ, within one not. */
	const char *syms[2] = { "X", "Y" };
	for (int k = 0; k < 2; k++) {
		size_t i = 0, j = 0;
		for (;;) {
			while (i < nout && strcmp(out[i].symbol, syms[k]) != 0)
				i++;
			while (j < nd && strcmp(direct[j].symbol, syms[k]) != 0)
				j++;
			if (i == nout || j == nd) {
				same &= i == nout && j == nd;
				break;
			}
			same &= out[i].ts == direct[j].ts && out[i].bar.open == direct[j].bar.open &&
				out[i].bar.high == direct[j].bar.high && out[i].bar.low == direct[j].bar.low &&
				out[i].bar.close == direct[j].bar.close && out[i].bar.volume == direct[j].bar.volume;
			i++, j++;
		}
	}
	CHECK(same, "1m -> 5m -> 1h equals 1m -> 1h");
}

/* ---- several symbols: the output in time order, --keep too ------------- */

typedef struct outs {
	qts_event ev[MAXOUT];
	size_t n;
} outs;

static int to_outs(const qts_event *ev, void *arg)
{
	outs *o = arg;
	if (o->n < MAXOUT)
		o->ev[o->n++] = *ev;
	return 0;
}

/* Whether o->ev is in time order as every reader checks it: none known
 * before the ts of one before it, no bar ending before one of its
 * timeframe before it (fixed timeframes of minutes and hours here). */
static int in_time_order(const outs *o)
{
	int64_t ts = INT64_MIN, end[8];
	char tfs[8][QTS_WORD_MAX];
	size_t ntf = 0;
	for (size_t i = 0; i < o->n; i++) {
		const qts_event *ev = &o->ev[i];
		int64_t known = ev->ts;
		if (ev->type == QTS_BAR) {
			qts_tf tf = TF(ev->bar.tf);
			known += qts_tf_ns(tf);
			size_t k = 0;
			while (k < ntf && strcmp(tfs[k], ev->bar.tf) != 0)
				k++;
			if (k == ntf && ntf < 8)
				QTS_SET(tfs[ntf], ev->bar.tf), end[ntf++] = INT64_MIN;
			if (k < 8 && known < end[k])
				return printf("# %zu: a bar of %s ending before one before it\n", i, ev->bar.tf), 0;
			if (k < 8)
				end[k] = known;
		}
		if (known < ts)
			return printf("# %zu: %s %s known before the ts of one before it\n", i, qts_type_name(ev->type),
				      ev->symbol), 0;
		if (ev->ts > ts)
			ts = ev->ts;
	}
	return 1;
}

/* Minute bars of X, Y and Z, each missing at random, Z stopping halfway,
 * and ticks of Q, in the order they became known. */
static size_t gappy(qts_event *in, size_t max)
{
	int64_t t0 = T("2024-01-02T00:00:00Z"), m = 60 * QTS_NS_PER_SEC;
	size_t n = 0;
	srand(7);
	for (int i = 0; i < 3000 && n + 8 < max; i++) {
		int ticks = rand() % 3;
		int64_t at = t0 + i * m;
		for (int k = 0; k < ticks; k++) {
			at += (rand() % 19 + 1) * QTS_NS_PER_SEC;
			qts_event_init(&in[n], QTS_TICK, at);
			QTS_SET(in[n].symbol, "Q");
			in[n].tick.price = 50 + rand() % 100 / 10.0, in[n].tick.size = 1 + rand() % 9;
			n++;
		}
		static const char *syms[3] = { "X", "Y", "Z" };
		for (int k = 0; k < 3; k++) {
			if (rand() % 3 == 0 || (k == 2 && i >= 1500))
				continue;
			double o = 100 + rand() % 100, c = 100 + rand() % 100;
			in[n++] = bar(syms[k], "1m", t0 + i * m, o, (o > c ? o : c) + 1, (o < c ? o : c) - 1, c,
				      rand() % 1000);
		}
	}
	return n;
}

static void test_several_symbols(void)
{
	static qts_event in[20000];
	static outs plain, kept, a, b;
	size_t n = gappy(in, 20000);
	qts_clock c;
	qts_clock_init(&c, NULL);
	static qts_tf tf[3];
	tf[0] = TF("5m"), tf[1] = TF("1h"), tf[2] = TF("15m");
	int failed;

	qts_rs_conf conf = { tf, 3, &c, NULL, 0, to_outs, &plain };
	qts_resampler *r = qts_rs_new(&conf);
	for (size_t i = 0; i < n; i++)
		qts_rs_put(r, &in[i]);
	qts_rs_finish(r, 1, &failed);
	qts_rs_free(r);
	CHECK(plain.n > 400 && in_time_order(&plain), "several symbols with gaps, one stopping: in time order");
	size_t z = 0;
	for (size_t i = 0; i < plain.n; i++)
		z += strcmp(plain.ev[i].symbol, "Z") == 0 && plain.ev[i].ts == T("2024-01-03T00:00:00Z") &&
		     strcmp(plain.ev[i].bar.tf, "1h") == 0;
	CHECK(z == 1, "Z's bars of its last hour written");

	conf.keep = 1, conf.arg = &kept;
	r = qts_rs_new(&conf);
	for (size_t i = 0; i < n; i++)
		qts_rs_put(r, &in[i]);
	qts_rs_finish(r, 1, &failed);
	qts_rs_free(r);
	CHECK(kept.n == plain.n + n && in_time_order(&kept), "--keep: in time order");
	size_t j = 0, same = 1;
	for (size_t i = 0; i < kept.n; i++)
		if (kept.ev[i].type == QTS_BAR && strcmp(kept.ev[i].bar.tf, "1m") != 0)
			same &= j < plain.n && !memcmp(&kept.ev[i].bar, &plain.ev[j].bar, sizeof kept.ev[i].bar) &&
				kept.ev[i].ts == plain.ev[j].ts && !strcmp(kept.ev[i].symbol, plain.ev[j].symbol),
				j++;
	CHECK(same && j == plain.n, "--keep: the same bars in the same order");

	/* Saved anywhere and restored: the same output as uninterrupted. */
	size_t cuts[] = { 1, 777, n / 2, n - 3 };
	int all = 1;
	for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
		a.n = b.n = 0;
		qts_rs_conf ca = conf, cb = conf;
		ca.arg = &a, cb.arg = &b;
		qts_resampler *ra = qts_rs_new(&ca), *rb = qts_rs_new(&cb);
		for (size_t i = 0; i < cuts[k]; i++)
			qts_rs_put(ra, &in[i]);
		qts_ckpt save, load;
		qts_ck_saving(&save);
		all &= qts_rs_save(ra, &save) == 0;
		qts_ck_loading(&load, save.buf, save.len);
		all &= qts_rs_restore(rb, &load) == 0 && qts_ck_done(&load) == 0;
		a.n = 0;
		for (size_t i = cuts[k]; i < n; i++)
			qts_rs_put(ra, &in[i]), qts_rs_put(rb, &in[i]);
		int fa, fb;
		qts_rs_finish(ra, 1, &fa), qts_rs_finish(rb, 1, &fb);
		all &= a.n == b.n && a.n > 0;
		for (size_t i = 0; all && i < a.n; i++)
			all &= !memcmp(&a.ev[i].bar, &b.ev[i].bar, sizeof a.ev[i].bar) && a.ev[i].ts == b.ev[i].ts &&
			       !strcmp(a.ev[i].symbol, b.ev[i].symbol);
		qts_ck_free(&save);
		qts_rs_free(ra), qts_rs_free(rb);
	}
	CHECK(all, "--keep: restored anywhere, the same output as uninterrupted");
}

int main(void)
{
	test_days();
	test_buckets();
	test_tf();
	test_sessions();
	test_aggregate();
	test_two_steps();
	test_several_symbols();
	return tap_done();
}
