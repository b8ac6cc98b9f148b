/* feed_yahoo.c — yahoo:SYM, Yahoo Finance's chart API
 * (/v8/finance/chart/SYM): bars, dividends and splits as JSON.  Yahoo
 * publishes no documentation or limits for it; the history limits here are
 * those its answers enforce (and yfinance documents): one-minute bars for
 * the last 30 days, 7 days a request; other bars under a day for the last
 * 60 days (hourly bars 730); daily and longer bars all the way back.  A
 * longer span is asked for in several requests. */
#include "qts_feeds.h"
#include "qts_time.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY QTS_NS_PER_DAY
/* yfinance's "max" period: before any listed history (1900). */
#define EARLIEST_S (-2208994789LL)

/* ---- corporate actions ----------------------------------------------------- */

int qts_actbuf_add(qts_actbuf *b, int64_t day, const char *symbol, const char *action, double value)
{
	int y;
	unsigned m, d;
	char line[160], num[32];
	qts_civil_from_days(day, &y, &m, &d);
	qts_num_format(value, num);
	int n = snprintf(line, sizeof line, "%04d-%02u-%02u,%s,%s,%s\n", y, m, d, symbol, action, num);
	if (n < 0 || (size_t)n >= sizeof line)
		return 0;
	/* Each line once: a span asked again (split requests overlap at
	 * their edges) brings the same actions again. */
	for (const char *p = b->text; p && (p = strstr(p, line)); p++)
		if (p == b->text || p[-1] == '\n')
			return 0;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 512;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		char *t = realloc(b->text, cap);
		if (!t)
			return -1;
		b->text = t;
		b->cap = cap;
	}
	memcpy(b->text + b->len, line, (size_t)n + 1);
	b->len += (size_t)n;
	return 0;
}

void qts_actbuf_free(qts_actbuf *b)
{
	free(b->text);
	*b = (qts_actbuf){ 0 };
}

/* ---- the chart answer -------------------------------------------------------- */

const char *qts_yahoo_interval(qts_tf tf)
{
	if (!tf.n)
		return "1d";
	switch (tf.unit) {
	case 'm':
		return tf.n == 1 ? "1m" : tf.n == 2 ? "2m" : tf.n == 5 ? "5m" : tf.n == 15 ? "15m"
		     : tf.n == 30 ? "30m" : tf.n == 60 ? "60m" : NULL;
	case 'h': return tf.n == 1 ? "60m" : NULL;
	case 'd': return tf.n == 1 ? "1d" : NULL;
	case 'w': return tf.n == 1 ? "1wk" : NULL;
	case 'M': return tf.n == 1 ? "1mo" : NULL;
	default: return NULL;
	}
}

static int daily(qts_tf tf)
{
	return !tf.n || tf.unit == 'd' || tf.unit == 'w' || tf.unit == 'M';
}

/* The i-th number of a quote array, or NaN for a null (or anything else,
 * or past its end): a bar without it is missing. */
/* Value i of one of the answer's arrays: a number, or NaN for a null (a
 * bar that is not there); -1 for anything else, which is no value Yahoo
 * writes, and read as a null would lose the bar unseen. */
static int at(json_t *arr, size_t i, double *out)
{
	json_t *v = json_array_get(arr, i);
	if (json_is_number(v))
		*out = json_number_value(v);
	else if (json_is_null(v))
		*out = NAN;
	else
		return -1;
	return 0;
}

/* Seconds since the epoch (Yahoo's times) as ns, dated by the exchange's
 * day when day_of is set: 0 or -1 when out of range. */
static int yahoo_time(json_int_t s, json_int_t gmtoffset, int day_of, int64_t *ns)
{
	if (s < -9223372036LL || s > 9223372035LL)
		return -1;
	if (!day_of)
		return qts_time_mul((int64_t)s, QTS_NS_PER_SEC, ns);
	int64_t local = (int64_t)s + (int64_t)gmtoffset;
	return qts_time_mul(qts_floor_div(local, 86400), DAY, ns);
}

static int fail(char *err, const char *symbol, const char *fmt, const char *a, const char *b)
{
	char what[400];
	snprintf(what, sizeof what, fmt, a, b);
	snprintf(err, QTS_ERR_MAX, "yahoo:%s: %s", symbol, what);
	return -1;
}

/* events.dividends / events.splits: {"<time>": {"date": t, "amount": x}}
 * and {"<time>": {"date": t, "numerator": n, "denominator": d}}. */
static int actions(json_t *events, json_int_t gmtoffset, const char *symbol, qts_actbuf *acts, char *err)
{
	const char *key;
	json_t *v;
	json_t *divs = json_object_get(events, "dividends"), *splits = json_object_get(events, "splits");
	json_object_foreach(divs, key, v) {
		json_t *date = json_object_get(v, "date"), *amount = json_object_get(v, "amount");
		int64_t ts;
		if (!json_is_integer(date) || !json_is_number(amount) ||
		    yahoo_time(json_integer_value(date), gmtoffset, 1, &ts) < 0)
			return fail(err, symbol, "events.dividends.%s: %s", key, "no date and amount");
		if (acts && qts_actbuf_add(acts, ts / DAY, symbol, "dividend", json_number_value(amount)) < 0)
			return fail(err, symbol, "%s%s", "out of memory", "");
	}
	json_object_foreach(splits, key, v) {
		json_t *date = json_object_get(v, "date"), *num = json_object_get(v, "numerator"),
		       *den = json_object_get(v, "denominator");
		int64_t ts;
		if (!json_is_integer(date) || !json_is_number(num) || !json_is_number(den) ||
		    yahoo_time(json_integer_value(date), gmtoffset, 1, &ts) < 0)
			return fail(err, symbol, "events.splits.%s: %s", key, "no date, numerator and denominator");
		double r = json_number_value(num) / json_number_value(den);
		if (!isfinite(r) || r <= 0)
			return fail(err, symbol, "events.splits.%s: %s", key, "a ratio that is not a positive number");
		if (acts && qts_actbuf_add(acts, ts / DAY, symbol, "split", r) < 0)
			return fail(err, symbol, "%s%s", "out of memory", "");
	}
	return 0;
}

static int bars(json_t *res, const char *symbol, qts_tf tf, int adjust, json_int_t gmtoffset, qts_evbuf *out,
		char *err)
{
	json_t *times = json_object_get(res, "timestamp");
	if (!times) /* no bars in the span asked */
		return 0;
	if (!json_is_array(times))
		return fail(err, symbol, "%s%s", "timestamp is not an array", "");
	json_t *q = json_array_get(json_object_get(json_object_get(res, "indicators"), "quote"), 0);
	json_t *adj = json_object_get(json_array_get(json_object_get(json_object_get(res, "indicators"),
								      "adjclose"), 0), "adjclose");
	if (!json_is_object(q))
		return fail(err, symbol, "%s%s", "no indicators.quote[0]", "");
	json_t *o = json_object_get(q, "open"), *h = json_object_get(q, "high"), *l = json_object_get(q, "low"),
	       *c = json_object_get(q, "close"), *v = json_object_get(q, "volume");
	if (!json_is_array(o) || !json_is_array(h) || !json_is_array(l) || !json_is_array(c) || !json_is_array(v))
		return fail(err, symbol, "%s%s", "indicators.quote[0] lacks an open, high, low, close or volume array", "");
	if (adjust && !json_is_array(adj))
		return fail(err, symbol, "%s%s", "--adjust: the answer has no adjclose (intraday bars have none)", "");
	/* One value of each array a time: a shorter array would shift its
	 * values onto other times, or leave the last ones unsaid. */
	static const char *const names[] = { "open", "high", "low", "close", "volume", "adjclose" };
	json_t *arrays[] = { o, h, l, c, v, adjust ? adj : NULL };
	size_t ntimes = json_array_size(times);
	for (int k = 0; k < 6; k++)
		if (arrays[k] && json_array_size(arrays[k]) != ntimes) {
			char counts[64];
			snprintf(counts, sizeof counts, "%zu values for %zu timestamps", json_array_size(arrays[k]), ntimes);
			return fail(err, symbol, "indicators: %s has %s", names[k], counts);
		}
	char tfs[QTS_WORD_MAX];
	qts_tf_format(tf.n ? tf : (qts_tf){ 1, 'd' }, tfs);
	int day_of = daily(tf);
	size_t first = out->n; /* this answer's bars start there */
	for (size_t i = 0; i < json_array_size(times); i++) {
		json_t *t = json_array_get(times, i);
		char idx[32];
		snprintf(idx, sizeof idx, "%zu", i);
		qts_event ev;
		qts_event_init(&ev, QTS_BAR, 0);
		if (!json_is_integer(t) || yahoo_time(json_integer_value(t), gmtoffset, day_of, &ev.ts) < 0)
			return fail(err, symbol, "timestamp[%s] is not a time in seconds%s", idx, "");
		double a = 0, *value[] = { &ev.bar.open, &ev.bar.high, &ev.bar.low, &ev.bar.close, &ev.bar.volume, &a };
		for (int k = 0; k < 6; k++)
			if (arrays[k] && at(arrays[k], i, value[k]) < 0)
				return fail(err, symbol, "indicators: %s[%s] is neither a number nor null", names[k], idx);
		/* A null is a bar that is not there, never a zero. */
		if (isnan(ev.bar.open) || isnan(ev.bar.high) || isnan(ev.bar.low) || isnan(ev.bar.close) ||
		    isnan(ev.bar.volume) || isnan(a))
			continue;
		if (adjust) {
			/* No scale from a price that is none: an adjclose of 0
			 * made a bar of zeros, a close of 0 left it unadjusted,
			 * unsaid; a value Yahoo should not give fails the
			 * answer, as one that is not a number does. */
			if (!(a > 0) || !(ev.bar.close > 0))
				return fail(err, symbol, "indicators: %s[%s] is not a positive price "
					    "(--adjust scales by adjclose / close)", a > 0 ? "close" : "adjclose", idx);
			double k = a / ev.bar.close;
			ev.bar.open *= k, ev.bar.high *= k, ev.bar.low *= k;
			ev.bar.close = a;
		}
		QTS_SET(ev.symbol, symbol);
		QTS_SET(ev.bar.tf, tfs);
		if (out->n > first && out->ev[out->n - 1].ts >= ev.ts) {
			/* The day in progress comes again at the time of its
			 * last trade, dated by the same day: the later one
			 * stands.  An intraday bar has its own time, and one
			 * repeated is the answer's error: kept, for the
			 * history to fail on rather than lose one unseen. */
			if (out->ev[out->n - 1].ts == ev.ts && day_of) {
				out->ev[out->n - 1] = ev;
				continue;
			}
			if (out->ev[out->n - 1].ts > ev.ts)
				return fail(err, symbol, "timestamp[%s]: before the bar before it%s", idx, "");
		}
		if (qts_evbuf_push(out, &ev) < 0)
			return fail(err, symbol, "%s%s", "out of memory", "");
	}
	return 0;
}

int qts_yahoo_parse(const char *body, size_t len, const char *symbol, qts_tf tf, int adjust,
		    qts_evbuf *out, qts_actbuf *acts, char *err)
{
	json_error_t je;
	size_t first = out->n;
	json_t *root = json_loadb(body, len, 0, &je);
	if (!root)
		return fail(err, symbol, "not JSON: %s%s", je.text, "");
	json_t *chart = json_object_get(root, "chart");
	json_t *e = json_object_get(chart, "error");
	int r = -1;
	if (json_is_object(e)) {
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *desc = json_string_value(json_object_get(e, "description"));
		fail(err, symbol, "%s: %s", code ? code : "error", desc ? desc : "(no description)");
		goto done;
	}
	json_t *res = json_array_get(json_object_get(chart, "result"), 0);
	if (!json_is_object(res)) {
		fail(err, symbol, "%s%s", "no chart.result[0] in the answer", "");
		goto done;
	}
	json_t *meta = json_object_get(res, "meta"), *off = json_object_get(meta, "gmtoffset");
	if (off && !json_is_integer(off)) {
		fail(err, symbol, "%s%s", "meta.gmtoffset is not an integer", "");
		goto done;
	}
	json_int_t gmtoffset = json_integer_value(off);
	if (gmtoffset < -86400 || gmtoffset > 86400) {
		fail(err, symbol, "%s%s", "meta.gmtoffset is more than a day", "");
		goto done;
	}
	if (bars(res, symbol, tf, adjust, gmtoffset, out, err) < 0 ||
	    actions(json_object_get(res, "events"), gmtoffset, symbol, acts, err) < 0)
		goto done;
	r = 0;
done:
	if (r < 0)
		out->n = first; /* nothing of an answer that fails */
	json_decref(root);
	return r;
}

/* ---- the source -------------------------------------------------------------- */

typedef struct yahoo {
	qts_net *net;
	char base[512];
	char sym[QTS_SYM_MAX];
	char esc[3 * QTS_SYM_MAX];
	const char *interval;
	qts_tf tf;
	int adjust;
	int64_t at, end;      /* the span left to ask for, seconds */
	int64_t span;         /* seconds a request may cover; 0: any */
	int64_t last;         /* the last bar's time given (ns), INT64_MIN: none */
	int64_t earliest;     /* ns: where the history limit cut the span asked; INT64_MIN */
	char none[QTS_ERR_MAX]; /* the span lies wholly before the limit: why */
	qts_actbuf acts;
} yahoo;

static int serves(qts_tf tf)
{
	return qts_yahoo_interval(tf) != NULL;
}

static void *y_open(qts_net *net, const char *base_url, const qts_feed_request *rq, char *err)
{
	yahoo *y = calloc(1, sizeof *y);
	if (!y) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	y->net = net;
	QTS_SET(y->base, base_url);
	QTS_SET(y->sym, rq->symbol);
	y->tf = rq->tf;
	y->adjust = rq->adjust;
	y->interval = qts_yahoo_interval(rq->tf);
	y->last = INT64_MIN;
	y->earliest = INT64_MIN;
	if (!y->interval || qts_url_escape(rq->symbol, y->esc, sizeof y->esc) < 0) {
		snprintf(err, QTS_ERR_MAX, "yahoo:%s: %s", rq->symbol, y->interval ? "symbol too long" : "no such interval");
		free(y);
		return NULL;
	}
	int64_t now = (int64_t)time(NULL);
	int64_t from = rq->from == INT64_MIN ? EARLIEST_S : qts_floor_div(rq->from, QTS_NS_PER_SEC);
	/* Unbounded, up to now: the hour the limits below leave, a day for
	 * the daily bars' stamps. */
	int64_t to = rq->to == INT64_MAX ? now + (daily(rq->tf) ? 86400 : 3600)
					 : qts_floor_div(rq->to, QTS_NS_PER_SEC) + 1;
	int64_t back = 0; /* how far back the interval goes, seconds; 0: all the way */
	if (!daily(rq->tf)) {
		int minute = !strcmp(y->interval, "1m"), hour = !strcmp(y->interval, "60m");
		back = (minute ? 30 : hour ? 730 : 60) * 86400LL;
		y->span = (minute ? 7 : hour ? 730 : 60) * 86400LL;
		/* The limit counts from now: a little inside it, so the first
		 * request is not refused for a second's difference. */
		if (from < now - back + 3600) {
			if (rq->from != INT64_MIN && to > now - back + 3600)
				qts_warn("yahoo:%s: %s bars go back %lld days: from %lld days ago", y->sym, y->interval,
					 (long long)(back / 86400), (long long)(back / 86400));
			from = now - back + 3600;
			y->earliest = from * QTS_NS_PER_SEC;
		}
		/* Nothing to ask: the vendor's word that it has no bar there,
		 * which fails the history only if the rest of its request has
		 * none either (the cache may ask for the part before it). */
		if (to <= from) {
			snprintf(y->none, sizeof y->none, "yahoo:%s: %s bars go back %lld days, and none of them are "
				 "asked for", y->sym, y->interval, (long long)(back / 86400));
			to = from;
		}
	} else {
		/* A day's bar is stamped at the session's open, up to a day
		 * before or after its date in UTC: a day more each side, and
		 * qts_history keeps the dates asked for. */
		from = from > EARLIEST_S + 86400 ? from - 86400 : EARLIEST_S;
		to += 86400;
	}
	y->at = from;
	y->end = to;
	return y;
}

static int y_next(void *it, qts_evbuf *out, char *err)
{
	yahoo *y = it;
	if (y->none[0]) {
		snprintf(err, QTS_ERR_MAX, "%s", y->none);
		y->none[0] = '\0';
		return QTS_FEED_NONE;
	}
	if (y->at >= y->end)
		return 0;
	int64_t until = y->span && y->end - y->at > y->span ? y->at + y->span : y->end;
	char url[1024];
	snprintf(url, sizeof url, "%s/v8/finance/chart/%s?period1=%lld&period2=%lld&interval=%s"
		 "&events=div%%2Csplits&includeAdjustedClose=true", y->base, y->esc, (long long)y->at,
		 (long long)until, y->interval);
	qts_http_resp r;
	int attempts = 0;
	for (;;) {
		if (qts_net_get(y->net, url, NULL, &r, err) < 0)
			return -1;
		r.attempts = attempts += r.attempts;
		size_t before = out->n;
		char why[QTS_ERR_MAX];
		if (qts_yahoo_parse(r.body, r.len, y->sym, y->tf, y->adjust, out, &y->acts, why) == 0) {
			if (r.status != 200) {
				snprintf(err, QTS_ERR_MAX, "yahoo:%s: HTTP %ld", y->sym, r.status);
				return -1;
			}
			break;
		}
		out->n = before;
		/* Yahoo says what is wrong in the chart's error, whatever the
		 * status; a 200 that is no JSON is an answer spoilt on the way,
		 * asked again. */
		int spoilt = strstr(why, ": not JSON") != NULL;
		if (r.status == 200 && spoilt) {
			if (!qts_net_throttled(y->net, why, &r, err)) {
				/* The source and symbol start why already. */
				snprintf(err, QTS_ERR_MAX, "%.440s (after %d attempt%s)", why, r.attempts,
					 r.attempts == 1 ? "" : "s");
				return -1;
			}
			continue;
		}
		if (spoilt)
			snprintf(err, QTS_ERR_MAX, "yahoo:%s: HTTP %ld", y->sym, r.status);
		else if (r.status != 200)
			snprintf(err, QTS_ERR_MAX, "%.400s (HTTP %ld)", why, r.status);
		else
			snprintf(err, QTS_ERR_MAX, "%s", why);
		return -1;
	}
	/* Requests that meet share their edge: that bar once.  Any other
	 * bar at or before the last one given is the answer's error, left
	 * for the history to fail on. */
	if (out->n && out->ev[0].ts == y->last)
		memmove(out->ev, out->ev + 1, --out->n * sizeof *out->ev);
	if (out->n)
		y->last = out->ev[out->n - 1].ts;
	y->at = until;
	return y->at < y->end;
}

static int64_t y_earliest(void *it)
{
	return ((yahoo *)it)->earliest;
}

static const char *y_actions(void *it)
{
	return ((yahoo *)it)->acts.text;
}

static void y_close(void *it)
{
	yahoo *y = it;
	if (!y)
		return;
	qts_actbuf_free(&y->acts);
	free(y);
}

const qts_feed_kind qts_feed_yahoo = {
	.name = "yahoo",
	.url_env = "QTS_YAHOO_URL",
	.default_url = "https://query1.finance.yahoo.com",
	/* Undocumented; some 2000 requests an hour pass in practice. */
	.rate_per_min = 30,
	.burst = 5,
	.tfs = "1m,2m,5m,15m,30m,1h,1d,1w,1M",
	.serves = serves,
	.open = y_open,
	.next = y_next,
	.actions = y_actions,
	.close = y_close,
	.earliest = y_earliest,
};
