/* feed_stooq.c — stooq:SYM, Stooq's daily history as a CSV download
 * (/q/d/l/?s=SYM&i=d&d1=YYYYMMDD&d2=YYYYMMDD: Date,Open,High,Low,Close,
 * Volume, oldest first), one request for the whole span.  Its prices are
 * adjusted for splits and dividends already.  An unknown symbol is the
 * answer "No data"; the daily limit of downloads is a sentence too. */
#include "qts_feeds.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Stooq's answer for a symbol it does not know and for dates without a
 * bar, in words. */
#define NO_DATA "No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked"

static int serves(qts_tf tf)
{
	return !tf.n || (tf.n == 1 && tf.unit == 'd');
}

typedef struct stooq {
	qts_net *net;
	char base[512];
	char sym[QTS_SYM_MAX];
	char esc[3 * QTS_SYM_MAX];
	qts_feed_request rq;
	int done;
} stooq;

static void *s_open(qts_net *net, const char *base_url, const qts_feed_request *rq, char *err)
{
	stooq *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	s->net = net;
	s->rq = *rq;
	QTS_SET(s->base, base_url);
	QTS_SET(s->sym, rq->symbol);
	s->rq.symbol = s->sym;
	if (qts_url_escape(rq->symbol, s->esc, sizeof s->esc) < 0) {
		snprintf(err, QTS_ERR_MAX, "stooq:%s: the symbol is too long", rq->symbol);
		free(s);
		return NULL;
	}
	return s;
}

/* &NAME=YYYYMMDD of the day of ns into p, or nothing for no bound. */
static void day_param(char *p, size_t size, const char *name, int64_t ns, int bound)
{
	p[0] = '\0';
	if (!bound)
		return;
	int y;
	unsigned m, d;
	qts_civil_from_days(qts_floor_div(ns, QTS_NS_PER_DAY), &y, &m, &d);
	if (y >= 1 && y <= 9999)
		snprintf(p, size, "&%s=%04d%02u%02u", name, y, m, d);
}

/* The first line of the answer, for a message. */
static void first_line(const char *body, char *out, size_t size)
{
	size_t n = strcspn(body, "\r\n");
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = isprint((unsigned char)body[i]) ? body[i] : '?';
	out[n] = '\0';
}

static int s_next(void *it, qts_evbuf *out, char *err)
{
	stooq *s = it;
	if (s->done)
		return 0;
	s->done = 1;
	char url[1024], d1[24], d2[24];
	day_param(d1, sizeof d1, "d1", s->rq.from, s->rq.from != INT64_MIN);
	/* --to is the end of the span, not in it: the day before. */
	day_param(d2, sizeof d2, "d2", s->rq.to - 1, s->rq.to != INT64_MAX);
	snprintf(url, sizeof url, "%s/q/d/l/?s=%s&i=d%s%s", s->base, s->esc, d1, d2);
	qts_http_resp r;
	if (qts_net_get(s->net, url, NULL, &r, err) < 0)
		return -1;
	if (r.status != 200) {
		snprintf(err, QTS_ERR_MAX, "stooq:%s: HTTP %ld", s->sym, r.status);
		return -1;
	}
	char line[120];
	first_line(r.body, line, sizeof line);
	/* Stooq's one answer for a symbol it does not know and for dates
	 * without a bar (a weekend): the history fails on it only when its
	 * whole request has no bar, as it would asked in one. */
	if (strncasecmp(line, "No data", 7) == 0) {
		snprintf(err, QTS_ERR_MAX, "stooq:%s: %s", s->sym, NO_DATA);
		return QTS_FEED_NONE;
	}
	if (strncasecmp(line, "Date,", 5) != 0) {
		snprintf(err, QTS_ERR_MAX, "stooq:%s: not a CSV of bars: '%s'", s->sym, line);
		return -1;
	}
	char name[64];
	snprintf(name, sizeof name, "stooq:%s", s->sym);
	/* Stooq's prices are adjusted already: --adjust has nothing to do. */
	return qts_feed_csv_parse(r.body, r.len, name, s->sym, s->rq.tf, 0, 0, out, err) < 0 ? -1 : 0;
}

static void s_close(void *it)
{
	free(it);
}

const qts_feed_kind qts_feed_stooq = {
	.name = "stooq",
	.url_env = "QTS_STOOQ_URL",
	.default_url = "https://stooq.com",
	/* Undocumented; Stooq counts downloads a day and refuses past them. */
	.rate_per_min = 20,
	.burst = 3,
	.tfs = "1d",
	.serves = serves,
	.open = s_open,
	.next = s_next,
	.actions = NULL,
	.close = s_close,
	.no_bars = NO_DATA,
};
