/* feed_alphavantage.c — alphavantage:SYM, Alpha Vantage's time series
 * (https://www.alphavantage.co/documentation/): TIME_SERIES_DAILY (or
 * TIME_SERIES_DAILY_ADJUSTED, a premium function, for --adjust) and
 * TIME_SERIES_INTRADAY a month a request, as CSV, newest row first.  The
 * key (ALPHAVANTAGE_API_KEY) is a query parameter, which every message
 * masks.  Errors and "slow down" notices come as JSON with status 200. */
#include "qts_feeds.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define KEY_ENV "ALPHAVANTAGE_API_KEY"

/* s with every occurrence of key replaced by "***", into out. */
static void scrub(const char *s, const char *key, char *out, size_t size)
{
	size_t o = 0, klen = key ? strlen(key) : 0;
	while (*s && o + 1 < size) {
		if (klen && strncmp(s, key, klen) == 0) {
			for (const char *m = "***"; *m && o + 1 < size; m++)
				out[o++] = *m;
			s += klen;
		} else
			out[o++] = *s++;
	}
	out[o] = '\0';
}

static int mentions(const char *s, const char *word)
{
	for (size_t n = strlen(word); *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

int qts_alphavantage_notice(const char *body, size_t len, const char *key, char *msg, size_t size)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	msg[0] = '\0';
	if (i == len || body[i] != '{')
		return AV_DATA;
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	if (!root) {
		/* jansson's words quote the body where it stopped, which may
		 * be (a part of) the key: its place only. */
		snprintf(msg, size, "an answer neither CSV nor JSON (line %d, column %d)", je.line, je.column);
		return AV_ERROR;
	}
	static const char *const names[] = { "Error Message", "Note", "Information" };
	int r = AV_ERROR;
	const char *text = NULL;
	size_t k = 0;
	for (; k < 3 && !text; k++)
		text = json_string_value(json_object_get(root, names[k]));
	if (!text)
		snprintf(msg, size, "a JSON answer with no data and no message");
	else {
		char line[QTS_ERR_MAX];
		scrub(text, key, line, sizeof line);
		snprintf(msg, size, "%s", line);
		/* A Note is about the call frequency; so is an Information
		 * that speaks of a rate limit, not one about a premium
		 * endpoint. */
		if (k == 2 || (k == 3 && (mentions(text, "rate limit") || mentions(text, "call frequency") ||
					   mentions(text, "requests per"))))
			r = AV_THROTTLED;
	}
	json_decref(root);
	return r;
}

static const char *interval_of(qts_tf tf)
{
	if (!tf.n || (tf.n == 1 && tf.unit == 'd'))
		return "";
	if (tf.unit == 'h' && tf.n == 1)
		return "60min";
	if (tf.unit != 'm')
		return NULL;
	return tf.n == 1 ? "1min" : tf.n == 5 ? "5min" : tf.n == 15 ? "15min" : tf.n == 30 ? "30min"
	     : tf.n == 60 ? "60min" : NULL;
}

static int serves(qts_tf tf)
{
	return interval_of(tf) != NULL;
}

typedef struct av {
	qts_net *net;
	char base[512];
	char sym[QTS_SYM_MAX];
	char esc[3 * QTS_SYM_MAX];
	char key[200];
	qts_feed_request rq;
	const char *interval;  /* "" for daily */
	int month, last_month; /* intraday: months asked for, as y * 12 + m - 1; -1: the last 30 days */
	int64_t earliest;      /* the last 30 days: the first bar given; else INT64_MIN */
	char none[QTS_ERR_MAX]; /* the span lies wholly before 2000-01: why */
	int done;
} av;

/* The month of time ns in New York: Alpha Vantage's times are US
 * Eastern, and so are the months it files them in (2024-02-29 19:00 in
 * New York, 2024-03-01 00:00 UTC, is February's). */
static int month_of(int64_t ns)
{
	int y;
	unsigned m, d;
	qts_civil_from_days(qts_floor_div(qts_utc_to_us_eastern(ns), QTS_NS_PER_DAY), &y, &m, &d);
	return y * 12 + (int)m - 1;
}

static void *av_open(qts_net *net, const char *base_url, const qts_feed_request *rq, char *err)
{
	const char *key = getenv(KEY_ENV);
	if (!key || !*key) {
		/* The page for a key is on the vendor's site: where its API is. */
		snprintf(err, QTS_ERR_MAX, "alphavantage:%s: no API key: set %s (a free one at "
			 "%.200s/support/#api-key)", rq->symbol, KEY_ENV, base_url);
		return NULL;
	}
	av *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	a->net = net;
	a->rq = *rq;
	QTS_SET(a->base, base_url);
	QTS_SET(a->sym, rq->symbol);
	a->rq.symbol = a->sym;
	a->interval = interval_of(rq->tf);
	if (!a->interval || qts_url_escape(rq->symbol, a->esc, sizeof a->esc) < 0 ||
	    qts_url_escape(key, a->key, sizeof a->key) < 0) {
		snprintf(err, QTS_ERR_MAX, "alphavantage:%s: %s", rq->symbol,
			 !a->interval ? "no such interval" : "the symbol or the key is too long");
		free(a);
		return NULL;
	}
	a->month = a->last_month = -1;
	a->earliest = INT64_MIN;
	if (a->interval[0] && rq->from != INT64_MIN) {
		/* The month parameter reaches back to 2000-01. */
		int64_t now = (int64_t)time(NULL) * QTS_NS_PER_SEC;
		a->month = month_of(rq->from);
		a->last_month = month_of(rq->to < now ? rq->to - 1 : now);
		if (a->month < 2000 * 12)
			a->month = 2000 * 12;
		/* The vendor's word that it has no bar there: the rest of a
		 * request the cache splits may have some. */
		if (a->last_month < a->month)
			snprintf(a->none, sizeof a->none, "alphavantage:%s: intraday bars begin in 2000-01; none "
				 "asked for", rq->symbol);
	}
	return a;
}

static int av_next(void *it, qts_evbuf *out, char *err)
{
	av *a = it;
	if (a->none[0]) {
		snprintf(err, QTS_ERR_MAX, "%s", a->none);
		a->none[0] = '\0';
		a->done = 1;
		return QTS_FEED_NONE;
	}
	if (a->done)
		return 0;
	char url[1200], month[32] = "";
	if (a->month >= 0)
		snprintf(month, sizeof month, "&month=%04d-%02d", a->month / 12, a->month % 12 + 1);
	if (a->interval[0])
		snprintf(url, sizeof url, "%s/query?function=TIME_SERIES_INTRADAY&symbol=%s&interval=%s"
			 "&adjusted=%s%s&outputsize=full&datatype=csv&apikey=%s", a->base, a->esc, a->interval,
			 a->rq.adjust ? "true" : "false", month, a->key);
	else
		snprintf(url, sizeof url, "%s/query?function=%s&symbol=%s&outputsize=full&datatype=csv&apikey=%s",
			 a->base, a->rq.adjust ? "TIME_SERIES_DAILY_ADJUSTED" : "TIME_SERIES_DAILY", a->esc, a->key);
	const char *key = getenv(KEY_ENV);
	qts_http_resp r;
	int attempts = 0;
	for (;;) {
		if (qts_net_get(a->net, url, NULL, &r, err) < 0)
			return -1;
		r.attempts = attempts += r.attempts;
		if (r.status != 200) {
			snprintf(err, QTS_ERR_MAX, "alphavantage:%s: HTTP %ld", a->sym, r.status);
			return -1;
		}
		char msg[QTS_ERR_MAX - 64], why[QTS_ERR_MAX];
		int kind = qts_alphavantage_notice(r.body, r.len, key, msg, sizeof msg);
		if (kind == AV_DATA)
			break;
		snprintf(why, sizeof why, "alphavantage:%s: %s", a->sym, msg);
		if (kind == AV_ERROR) {
			snprintf(err, QTS_ERR_MAX, "%s", why);
			return -1;
		}
		if (!qts_net_throttled(a->net, why, &r, err)) {
			/* The source and symbol start why already. */
			snprintf(err, QTS_ERR_MAX, "%.440s (after %d attempt%s)", why, r.attempts,
				 r.attempts == 1 ? "" : "s");
			return -1;
		}
	}
	char name[64];
	snprintf(name, sizeof name, "alphavantage:%s", a->sym);
	/* Intraday adjusted prices come adjusted in place: no column to
	 * scale by. */
	char why[QTS_ERR_MAX];
	if (qts_feed_csv_parse(r.body, r.len, name, a->sym, a->rq.tf, a->rq.adjust && !a->interval[0],
			       a->interval[0] != 0, out, why) < 0) {
		scrub(why, key, err, QTS_ERR_MAX); /* it quotes the answer */
		return -1;
	}
	/* The last 30 days, asked for a span from the start: the answer
	 * holds the history from its first bar on, and nothing before. */
	if (a->interval[0] && a->month < 0)
		a->earliest = out->n ? out->ev[0].ts : INT64_MAX;
	if (a->month < 0 || ++a->month > a->last_month)
		a->done = 1;
	return !a->done;
}

static int64_t av_earliest(void *it)
{
	return ((av *)it)->earliest;
}

static void av_close(void *it)
{
	free(it);
}

const qts_feed_kind qts_feed_alphavantage = {
	.name = "alphavantage",
	.url_env = "QTS_ALPHAVANTAGE_URL",
	.default_url = "https://www.alphavantage.co",
	/* The free tier: 25 requests a day, and no more than 5 a minute. */
	.rate_per_min = 5,
	.burst = 5,
	.tfs = "1m,5m,15m,30m,1h,1d",
	.serves = serves,
	.open = av_open,
	.next = av_next,
	.actions = NULL,
	.close = av_close,
	.earliest = av_earliest,
};
