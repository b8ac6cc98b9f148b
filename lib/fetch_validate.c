/* fetch_validate.c — is a record of market data sound?  Bad data found at the
 * source costs far less than a backtest that silently trades on it. */
#include "qts_fetch.h"
#include "qts_time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct qts_validator {
	qts_symtab *last; /* "SYMBOL tf", "SYMBOL tick", "SYMBOL quote" -> last ts */
	char msg[512]; /* a fault with its hint, and two times */
	int unreadable;   /* the last fault is one the event reader refuses too (qts_validate_bar) */
};

struct last {
	int64_t ts;
	int seen; /* events of the series accepted, counted up to 2 */
	double ohlcv[5]; /* a bar's: another at its time is refused unless the same */
};

qts_validator *qts_validator_new(void)
{
	qts_validator *v = calloc(1, sizeof *v);
	if (v && !(v->last = qts_symtab_new(sizeof(struct last)))) {
		free(v);
		return NULL;
	}
	return v;
}

void qts_validator_free(qts_validator *v)
{
	if (!v)
		return;
	qts_symtab_free(v->last);
	free(v);
}

/* The series an event belongs to, for its time order. */
static struct last *series(qts_validator *v, const qts_event *ev)
{
	char key[64];
	snprintf(key, sizeof key, "%s %s", ev->symbol, ev->type == QTS_BAR ? ev->bar.tf : qts_type_name(ev->type));
	return qts_symtab_get(v->last, key);
}

static const char *check_time(qts_validator *v, const qts_event *ev, int strict)
{
	struct last *last = series(v, ev);
	if (!last)
		return "out of memory";
	if (!last->seen || ev->ts > last->ts || (!strict && ev->ts == last->ts))
		return NULL;
	/* Unreadable: the stream would go back in time (its fields are sound:
	 * checked first), or a second bar of one time says other prices (a
	 * stage reads a bar again, the same, but another would count twice). */
	v->unreadable = ev->ts < last->ts ||
			(ev->type == QTS_BAR && memcmp(last->ohlcv, ev->bar.ohlcv, sizeof last->ohlcv) != 0);
	char a[48], b[48];
	qts_time_format(ev->ts, a);
	qts_time_format(last->ts, b);
	const char *what = ev->type == QTS_BAR ? ev->bar.tf : qts_type_name(ev->type);
	if (ev->ts == last->ts)
		snprintf(v->msg, sizeof v->msg, "duplicate %s %s bar at %s", ev->symbol, what, a);
	else {
		/* The second record of a series earlier than the first: a vendor
		 * file written newest first (as many are), not one bad row, and
		 * the fix is to reverse it, which the bare fault does not say. */
		const char *hint = last->seen == 1 && ev->ts < last->ts
					   ? ": the rows are in descending (newest-first) order; "
					     "reverse them, any header line kept first (tac)"
					   : "";
		if (ev->type == QTS_BAR)
			snprintf(v->msg, sizeof v->msg, "%s %s bar at %s is not after the one before (%s)%s", ev->symbol,
				 what, a, b, hint);
		else
			snprintf(v->msg, sizeof v->msg, "%s %s at %s is before the one before (%s)%s", ev->symbol, what, a,
				 b, hint);
	}
	return v->msg;
}

/* Each fault refused below is one the event reader refuses too when
 * qts_event_fields_readable says so, or when the record goes back in
 * time (check_time); --on-bad warn keeps the others. */
const char *qts_validate_bar(qts_validator *v, const qts_event *ev)
{
	const double o = ev->bar.open, h = ev->bar.high, l = ev->bar.low, c = ev->bar.close;
	v->unreadable = !qts_event_fields_readable(ev);
	if (!isfinite(o) || !isfinite(h) || !isfinite(l) || !isfinite(c) || !isfinite(ev->bar.volume))
		return "a price or the volume is not a finite number";
	if (!(l <= o && l <= c && o <= h && c <= h)) {
		snprintf(v->msg, sizeof v->msg, "prices out of order: need low <= open,close <= high "
			 "(open %g high %g low %g close %g)", o, h, l, c);
		return v->msg;
	}
	if (ev->bar.volume < 0)
		return "negative volume";
	/* A bar is known at its end (qts-events(5)): a vendor's row dated on
	 * the last day there is (2262-04-11) makes a bar with no end, which
	 * the reader of every stage refuses, as it does in an event file. */
	qts_tf tf;
	int64_t end;
	if (qts_tf_parse(ev->bar.tf, &tf) == 0 && qts_tf_end_checked(tf, ev->ts, &end) != 0) {
		char why[QTS_TIME_WHY], plus[24];
		snprintf(plus, sizeof plus, "+ %s", ev->bar.tf);
		v->unreadable = 1;
		snprintf(v->msg, sizeof v->msg, "bar %s %s: %s (a bar is known at its end)", ev->symbol, ev->bar.tf,
			 qts_time_range_why(ev->ts, plus, 1, why));
		return v->msg;
	}
	return check_time(v, ev, 1);
}

const char *qts_validate(qts_validator *v, const qts_event *ev)
{
	if (ev->type == QTS_BAR)
		return qts_validate_bar(v, ev);
	v->unreadable = !qts_event_fields_readable(ev);
	switch (ev->type) {
	case QTS_TICK:
		if (!(ev->tick.price > 0) || !isfinite(ev->tick.price))
			return "a trade price must be a positive number";
		if (!(ev->tick.size >= 0) || !isfinite(ev->tick.size))
			return "a trade size must be a number >= 0";
		return check_time(v, ev, 0);
	case QTS_QUOTE:
		if (!(ev->quote.bid > 0) || !(ev->quote.ask > 0) || !isfinite(ev->quote.bid) || !isfinite(ev->quote.ask))
			return "bid and ask must be positive numbers";
		if (!(ev->quote.bid_size >= 0) || !(ev->quote.ask_size >= 0))
			return "quote sizes must be numbers >= 0";
		if (ev->quote.bid > ev->quote.ask) {
			snprintf(v->msg, sizeof v->msg, "crossed quote: bid %g above ask %g", ev->quote.bid, ev->quote.ask);
			return v->msg;
		}
		return check_time(v, ev, 0);
	default:
		return NULL;
	}
}

int qts_validator_unreadable(const qts_validator *v) { return v->unreadable; }

void qts_validator_accept(qts_validator *v, const qts_event *ev)
{
	if (ev->type != QTS_BAR && ev->type != QTS_TICK && ev->type != QTS_QUOTE)
		return;
	struct last *last = series(v, ev);
	if (last) {
		last->ts = ev->ts;
		if (last->seen < 2)
			last->seen++;
		if (ev->type == QTS_BAR)
			memcpy(last->ohlcv, ev->bar.ohlcv, sizeof last->ohlcv);
	}
}
