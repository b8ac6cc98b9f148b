/* The validator of qts-fetch (fetch_validate.c): what it refuses, and
 * whether a fault is one the event reader of every stage refuses too
 * (qts_validator_unreadable), which --on-bad warn must not keep; and the
 * time order of live sources (qts_time_order, event.c), whose late events
 * are those the reader refuses.  Both are checked against the reader
 * itself: each event is written after another and read back. */
#include "qts_fetch.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define T0 1704153600000000000LL /* 2024-01-02T00:00:00Z */
#define SEC 1000000000LL

static qts_event bar(int64_t ts, double o, double h, double l, double c, double v)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, ts);
	QTS_SET(ev.symbol, "X");
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = o, ev.bar.high = h, ev.bar.low = l, ev.bar.close = c, ev.bar.volume = v;
	return ev;
}

static qts_event tick(int64_t ts, double price, double size)
{
	qts_event ev;
	qts_event_init(&ev, QTS_TICK, ts);
	QTS_SET(ev.symbol, "X");
	ev.tick.price = price, ev.tick.size = size;
	return ev;
}

static qts_event quote(int64_t ts, double bid, double ask, double bs, double as)
{
	qts_event ev;
	qts_event_init(&ev, QTS_QUOTE, ts);
	QTS_SET(ev.symbol, "X");
	ev.quote.bid = bid, ev.quote.ask = ask, ev.quote.bid_size = bs, ev.quote.ask_size = as;
	return ev;
}

/* Whether the reader takes first then second, as written by the writer. */
static int reader_takes(const qts_event *first, const qts_event *second)
{
	FILE *f = tmpfile();
	if (!f)
		return -1;
	qts_writer *w = qts_writer_new(fileno(f), QTS_FMT_CSV);
	qts_writer_put(w, first);
	qts_writer_put(w, second);
	qts_writer_close(w);
	rewind(f);
	qts_reader *r = qts_reader_fdopen(dup(fileno(f)), "t");
	qts_event ev;
	int a = qts_reader_next(r, &ev), b = a == 1 ? qts_reader_next(r, &ev) : a;
	qts_reader_close(r);
	fclose(f);
	return a == 1 && b == 1;
}

/* second after first (accepted): refused by the validator, and unreadable
 * as the reader says. */
static void check(const char *what, qts_event first, qts_event second, const char *want)
{
	char msg[300];
	qts_validator *v = qts_validator_new();
	snprintf(msg, sizeof msg, "%s: the first is sound", what);
	CHECK(qts_validate(v, &first) == NULL, msg);
	qts_validator_accept(v, &first);
	const char *bad = qts_validate(v, &second);
	snprintf(msg, sizeof msg, "%s: refused as '%s' (%s)", what, want, bad ? bad : "accepted");
	CHECK(bad && strstr(bad, want), msg);
	int takes = reader_takes(&first, &second);
	snprintf(msg, sizeof msg, "%s: unreadable %d, and the reader %s it", what, qts_validator_unreadable(v),
		 takes ? "takes" : "refuses");
	CHECK(qts_validator_unreadable(v) == !takes, msg);
	qts_validator_free(v);
}

/* The time order of a source that gets events in no set order
 * (qts_time_order): late exactly when the reader refuses the second. */
static void order(const char *what, qts_event first, qts_event second)
{
	char msg[300];
	qts_time_order o = QTS_TIME_ORDER_START;
	CHECK(!qts_time_order_late(&o, &first), "nothing is late at the start");
	qts_time_order_take(&o, &first);
	int late = qts_time_order_late(&o, &second), takes = reader_takes(&first, &second);
	snprintf(msg, sizeof msg, "%s: late %d, and the reader %s it", what, late, takes ? "takes" : "refuses");
	CHECK(late == !takes, msg);
	qts_time_order_free(&o);
}

/* Every number of a bar, a tick and a quote set to each hostile value in
 * turn: qts_event_fields_readable says what the reader says of it. */
static void fields(const char *what, qts_event first, qts_event *second, double *field, const char *name)
{
	const double hostile[] = { NAN, INFINITY, -INFINITY, -1, 0, 1e308 };
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		char msg[300];
		*field = hostile[i];
		int readable = qts_event_fields_readable(second), takes = reader_takes(&first, second);
		snprintf(msg, sizeof msg, "%s %s = %g: readable %d, and the reader %s it", what, name, hostile[i],
			 readable, takes ? "takes" : "refuses");
		CHECK(readable == takes, msg);
	}
}

int main(void)
{
	qts_event b0 = bar(T0, 10, 11, 9, 10, 100), t0 = tick(T0, 10, 1), q0 = quote(T0, 10, 10.1, 1, 1);
	check("a close above the high", b0, bar(T0 + 60 * SEC, 10, 11, 9, 12, 1), "prices out of order");
	check("a low above the high", b0, bar(T0 + 60 * SEC, 10, 9, 11, 10, 1), "prices out of order");
	check("an open below the low, with a negative volume", b0, bar(T0 + 60 * SEC, 8, 11, 9, 10, -1),
	      "prices out of order");
	check("a negative volume", b0, bar(T0 + 60 * SEC, 10, 11, 9, 10, -1), "negative volume");
	check("a duplicate bar", b0, bar(T0, 10, 11, 9, 10, 100), "duplicate");
	check("a bar back in time", bar(T0 + 60 * SEC, 10, 11, 9, 10, 1), b0, "not after the one before");
	check("a tick price of zero", t0, tick(T0 + SEC, 0, 1), "positive");
	check("a negative tick price", t0, tick(T0 + SEC, -1, 1), "positive");
	check("a negative tick size", t0, tick(T0 + SEC, 10, -1), "size");
	check("a tick back in time", tick(T0 + SEC, 10, 1), t0, "before the one before");
	check("a crossed quote", q0, quote(T0 + SEC, 10.2, 10.1, 1, 1), "crossed");
	check("a zero bid", q0, quote(T0 + SEC, 0, 10.1, 1, 1), "positive");
	check("a negative quote size", q0, quote(T0 + SEC, 10, 10.1, -1, 1), "sizes");
	check("an infinite high", b0, bar(T0 + 60 * SEC, 10, INFINITY, 9, 10, 1), "not a finite number");
	check("a volume not a number", b0, bar(T0 + 60 * SEC, 10, 11, 9, 10, NAN), "not a finite number");
	check("a tick size not a number", t0, tick(T0 + SEC, 10, NAN), "size");
	check("a quote size not a number", q0, quote(T0 + SEC, 10, 10.1, 1, NAN), "sizes");
	check("an infinite ask", q0, quote(T0 + SEC, 10, INFINITY, 1, 1), "positive");
	check("a quote back in time", quote(T0 + SEC, 10, 10.1, 1, 1), q0, "before the one before");
	qts_event m1 = bar(T0 + 60 * SEC, 10, 11, 9, 10, 1);
	order("a tick within the bar before it", b0, tick(T0 + 30 * SEC, 10, 1));
	order("a tick before the bar before it", m1, tick(T0 + 30 * SEC, 10, 1));
	order("a bar after a tick of its minute", tick(T0 + 30 * SEC, 10, 1), b0);
	order("a bar after a tick past its end", tick(T0 + 61 * SEC, 10, 1), b0);
	order("a bar ending at the tick before it", tick(T0 + 60 * SEC, 10, 1), b0);
	order("a bar of another symbol, ending earlier", m1, bar(T0, 1, 2, 1, 1, 1));
	qts_event d0 = bar(T0, 10, 11, 9, 10, 100);
	QTS_SET(d0.bar.tf, "1d");
	order("a daily bar after a minute bar of its day", m1, d0);
	order("a minute bar after the daily bar of its day", d0, m1);
	order("a quote before a tick", tick(T0 + SEC, 10, 1), quote(T0, 10, 10.1, 1, 1));
	order("a quote at the tick's time", tick(T0 + SEC, 10, 1), quote(T0 + SEC, 10, 10.1, 1, 1));
	qts_event b1 = bar(T0 + 60 * SEC, 10, 11, 9, 10, 1), t1s = tick(T0 + SEC, 10, 1),
		  q1 = quote(T0 + SEC, 10, 10.1, 1, 1);
	for (int i = 0; i < 5; i++) {
		qts_event e = b1;
		fields("a bar's", b0, &e, &e.bar.ohlcv[i], (const char *[]){ "open", "high", "low", "close", "volume" }[i]);
	}
	qts_event e = t1s;
	fields("a tick's", t0, &e, &e.tick.price, "price");
	e = t1s;
	fields("a tick's", t0, &e, &e.tick.size, "size");
	double *qf[] = { &e.quote.bid, &e.quote.ask, &e.quote.bid_size, &e.quote.ask_size };
	for (int i = 0; i < 4; i++) {
		e = q1;
		fields("a quote's", q0, &e, qf[i], (const char *[]){ "bid", "ask", "bid_size", "ask_size" }[i]);
	}
	/* reports are in order symbol by symbol among themselves, not
	 * against the rest: a fill at an hour's open after a quarter hour's
	 * tick, or after another symbol's later fill */
	qts_event f0 = tick(T0, 10, 1), f1;
	f0.type = QTS_FILL;
	QTS_SET(f0.fill.id, "o1");
	QTS_SET(f0.fill.side, "buy");
	f0.fill.qty = 1, f0.fill.price = 10, f0.fill.commission = 0, f0.fill.slippage = 0;
	order("a fill before the tick before it", tick(T0 + 900 * SEC, 10, 1), f0);
	order("a fill before the bar before it", m1, f0);
	f1 = f0;
	QTS_SET(f1.symbol, "Y");
	f1.ts = T0 + 900 * SEC;
	order("a fill before another symbol's fill", f1, f0);
	f1 = f0;
	f1.ts = T0 + 900 * SEC;
	order("a fill before the fill of its symbol before it", f1, f0);
	qts_event u0 = f0;
	u0.type = QTS_UPDATE;
	QTS_SET(u0.update.id, "o1");
	QTS_SET(u0.update.status, "filled");
	u0.update.filled = 1, u0.update.avg_price = 10;
	u0.update.reason[0] = '\0';
	order("an update before the fill of its symbol before it", f1, u0);
	order("a tick before a fill before it", f1, tick(T0, 10, 1));
	/* A source of market data (by_bar_end) is stricter than the reader:
	 * a trade or quote inside the span of a bar before it is late. */
	qts_time_order strict = QTS_TIME_ORDER_START;
	strict.by_bar_end = 1;
	qts_time_order_take(&strict, &m1);
	qts_event in_bar = tick(T0 + 90 * SEC, 10, 1), at_end = tick(T0 + 120 * SEC, 10, 1);
	CHECK(reader_takes(&m1, &in_bar), "the reader takes a trade inside the bar before it");
	CHECK(qts_time_order_late(&strict, &in_bar), "by the bars' ends, it is late");
	char why[300];
	qts_time_order_why(&strict, &in_bar, why, sizeof why);
	CHECK(strcmp(why, "X tick at 2024-01-02T00:01:30Z, after a bar ending at 2024-01-02T00:02:00Z") == 0, why);
	CHECK(!qts_time_order_late(&strict, &at_end), "a trade at the bar's end is not");
	qts_time_order_free(&strict);
	/* equal times of ticks are sound: many trades share a timestamp */
	qts_validator *v = qts_validator_new();
	qts_validator_accept(v, &t0);
	qts_event t1 = tick(T0, 10.5, 2);
	CHECK(qts_validate(v, &t1) == NULL, "two ticks at one time");
	qts_validator_free(v);
	return tap_done();
}
