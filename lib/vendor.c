/* vendor.c — market data files as data vendors write them, recognised by
 * their header's column names in any case and order: bars from Yahoo
 * (Date,Open,High,Low,Close,Adj Close,Volume), Alpha Vantage (timestamp,
 * open,...), Stooq (<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,...,<VOL>,<OPENINT>)
 * and any other date/time/datetime/timestamp + open/high/low/close/volume
 * header; trades (a price and a size: Tardis trades) and quotes (a bid and
 * an ask, with or without sizes: Tardis quotes, TrueFX). */
#include "qts_fetch.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define INFER_ROWS 16 /* rows looked at to infer the timeframe */

enum col { C_DATE, C_TIME, C_DATETIME, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_ADJ, C_VOLUME, C_SYMBOL,
	   C_PRICE, C_SIZE, C_BID, C_ASK, C_BIDSIZE, C_ASKSIZE, C_NCOLS };

struct qts_vendor {
	qts_input *in;
	qts_csv *csv;
	qts_vendor_opts o;
	char symbol[QTS_SYM_MAX];
	int col[C_NCOLS];      /* field index or -1 */
	size_t nheader;
	const char *layout;
	qts_type kind;         /* QTS_BAR, QTS_TICK or QTS_QUOTE */
	char tf[QTS_WORD_MAX];
	int64_t tf_ns;         /* 0 for months */
	/* Rows read ahead to infer the timeframe, with their lines. */
	qts_event queue[INFER_ROWS];
	long queue_line[INFER_ROWS];
	int nqueue, qpos, primed;
	long line;
	char where[300];
	char err[700];
};

/* A header name reduced to its letters in lower case: "Adj Close" and
 * "<ADJ_CLOSE>" are both "adjclose". */
static void canon(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

static int column_of(const char *name)
{
	static const struct { const char *name; int col; } names[] = {
		{ "date", C_DATE }, { "day", C_DATE }, { "time", C_TIME },
		{ "datetime", C_DATETIME }, { "timestamp", C_DATETIME }, { "timestamputc", C_DATETIME },
		{ "ts", C_DATETIME }, { "open", C_OPEN }, { "o", C_OPEN }, { "high", C_HIGH }, { "h", C_HIGH },
		{ "low", C_LOW }, { "l", C_LOW }, { "close", C_CLOSE }, { "c", C_CLOSE }, { "last", C_CLOSE },
		{ "adjclose", C_ADJ }, { "adjustedclose", C_ADJ }, { "volume", C_VOLUME }, { "vol", C_VOLUME },
		{ "v", C_VOLUME }, { "symbol", C_SYMBOL }, { "ticker", C_SYMBOL },
		{ "price", C_PRICE }, { "size", C_SIZE }, { "amount", C_SIZE }, { "qty", C_SIZE },
		{ "quantity", C_SIZE }, { "bid", C_BID }, { "bidprice", C_BID }, { "ask", C_ASK },
		{ "askprice", C_ASK }, { "offer", C_ASK }, { "bidsize", C_BIDSIZE }, { "bidamount", C_BIDSIZE },
		{ "bidqty", C_BIDSIZE }, { "volbid", C_BIDSIZE }, { "asksize", C_ASKSIZE },
		{ "askamount", C_ASKSIZE }, { "askqty", C_ASKSIZE }, { "volask", C_ASKSIZE },
		{ "offersize", C_ASKSIZE },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].col;
	return -1;
}

int qts_vendor_is_header(const char *line, size_t n)
{
	char first[64];
	size_t len = 0;
	while (len < n && len < sizeof first - 1 && line[len] != ',' && line[len] != '\n' && line[len] != '\r')
		len++;
	memcpy(first, line, len);
	first[len] = '\0';
	if (line[0] == '#' || qts_type_from_name(first, len) != QTS_UNKNOWN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (isdigit((unsigned char)first[i]))
			return 0; /* data, not a header: a header names its columns */
	return 1;
}

const char *qts_vendor_layout(const qts_vendor *v) { return v->layout; }
const char *qts_vendor_error(const qts_vendor *v) { return v->err; }
const char *qts_vendor_where(const qts_vendor *v) { return v->where; }

static int vfail(qts_vendor *v, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int vfail(qts_vendor *v, long line, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(v->err, sizeof v->err, "%s:%ld: %s", qts_input_name(v->in), line, what);
	return -1;
}

qts_vendor *qts_vendor_open(qts_input *in, const qts_vendor_opts *o, char *err)
{
	qts_vendor *v = calloc(1, sizeof *v);
	if (!v || !(v->csv = qts_csv_open(in))) {
		free(v);
		snprintf(err, 512, "out of memory");
		return NULL;
	}
	v->in = in;
	v->o = *o;
	if (o->symbol)
		QTS_SET(v->symbol, o->symbol);
	v->o.symbol = v->symbol;
	for (int c = 0; c < C_NCOLS; c++)
		v->col[c] = -1;
	char **f;
	size_t *len;
	int n = qts_csv_next(v->csv, &f, &len);
	if (n <= 0) {
		snprintf(err, 512, "%s", n < 0 ? qts_csv_error(v->csv) : "empty file: no header");
		goto fail;
	}
	v->nheader = (size_t)n;
	for (int i = 0; i < n; i++) {
		char name[64];
		canon(f[i], name, sizeof name);
		int c = column_of(name);
		if (c >= 0 && v->col[c] < 0)
			v->col[c] = i;
	}
	/* A lone "time" column holds the whole date and time. */
	if (v->col[C_DATE] < 0 && v->col[C_DATETIME] < 0 && v->col[C_TIME] >= 0)
		v->col[C_DATETIME] = v->col[C_TIME], v->col[C_TIME] = -1;
	int bars = v->col[C_OPEN] >= 0 || v->col[C_HIGH] >= 0 || v->col[C_LOW] >= 0 || v->col[C_CLOSE] >= 0;
	v->kind = bars ? QTS_BAR : v->col[C_BID] >= 0 || v->col[C_ASK] >= 0 ? QTS_QUOTE
		: v->col[C_PRICE] >= 0 ? QTS_TICK : QTS_BAR;
	const char *missing = v->col[C_DATE] < 0 && v->col[C_DATETIME] < 0 ? "date, datetime or timestamp"
			    : v->kind == QTS_QUOTE ? (v->col[C_BID] < 0 ? "bid" : v->col[C_ASK] < 0 ? "ask" : NULL)
			    : v->kind == QTS_TICK ? NULL
			    : v->col[C_OPEN] < 0 ? "open" : v->col[C_HIGH] < 0 ? "high"
			    : v->col[C_LOW] < 0 ? "low" : v->col[C_CLOSE] < 0 ? "close" : NULL;
	if (missing) {
		snprintf(err, 512, "%s:%ld: header has no %s column (not a known layout)", qts_input_name(in),
			 qts_csv_line(v->csv), missing);
		goto fail;
	}
	/* A trade's size may be called volume. */
	if (v->kind == QTS_TICK && v->col[C_SIZE] < 0)
		v->col[C_SIZE] = v->col[C_VOLUME];
	if (o->adjust && v->col[C_ADJ] < 0) {
		snprintf(err, 512, "%s: --adjust needs an Adj Close column", qts_input_name(in));
		goto fail;
	}
	char first[64];
	canon(f[0], first, sizeof first);
	v->layout = v->kind == QTS_TICK ? "trades" : v->kind == QTS_QUOTE ? "quotes"
		  : v->col[C_ADJ] >= 0 ? "yahoo"
		  : strcmp(first, "ticker") == 0 ? "stooq"
		  : strcmp(first, "timestamp") == 0 && n == 6 ? "alphavantage" : "generic";
	if (!v->symbol[0] && v->col[C_SYMBOL] < 0) {
		snprintf(err, 512, "%s: no symbol column and no --symbol", qts_input_name(in));
		goto fail;
	}
	if (o->tf.n) {
		qts_tf_format(o->tf, v->tf);
		v->tf_ns = qts_tf_ns(o->tf);
	}
	return v;
fail:
	qts_csv_close(v->csv);
	free(v);
	return NULL;
}

/* YYYYMMDD and HHMMSS (Stooq) to the ISO forms qts_time_parse reads. */
static const char *iso_date(const char *s, size_t n, char *buf)
{
	if (n != 8 || strspn(s, "0123456789") != 8)
		return s;
	snprintf(buf, 16, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return buf;
}

/* A time as written; without a zone it is wall-clock time in the zone of
 * --tz (UTC without it). */
static int when(qts_vendor *v, const char *s, size_t n, int64_t *ts)
{
	int zoned;
	if (qts_time_parse_zoned(s, n, ts, &zoned) < 0)
		return -1;
	if (!zoned && v->o.local)
		*ts = qts_local_to_utc(*ts);
	return 0;
}

static int parse_when(qts_vendor *v, char **f, size_t *len, int64_t *ts)
{
	char date[16], both[80];
	if (v->col[C_DATETIME] >= 0) {
		const char *s = f[v->col[C_DATETIME]];
		size_t n = len[v->col[C_DATETIME]];
		if (v->o.epoch_unit) {
			char *end;
			errno = 0;
			long long e = strtoll(s, &end, 10);
			/* An epoch beyond int64 nanoseconds would wrap around. */
			if (n == 0 || end != s + n || errno == ERANGE || __builtin_mul_overflow(e, v->o.epoch_unit, ts))
				return -1;
			return 0;
		}
		const char *d = iso_date(s, n, date);
		return when(v, d, strlen(d), ts);
	}
	const char *d = iso_date(f[v->col[C_DATE]], len[v->col[C_DATE]], date);
	if (v->col[C_TIME] < 0)
		return when(v, d, strlen(d), ts);
	const char *t = f[v->col[C_TIME]];
	int n;
	if (len[v->col[C_TIME]] == 6 && strspn(t, "0123456789") == 6)
		n = snprintf(both, sizeof both, "%s %.2s:%.2s:%.2s", d, t, t + 2, t + 4);
	else
		n = snprintf(both, sizeof both, "%s %s", d, t);
	/* Cut short, the rest of a long date could read as a time without
	 * the time column. */
	if (n < 0 || (size_t)n >= sizeof both)
		return -1;
	return when(v, both, (size_t)n, ts);
}

static int num(qts_vendor *v, char **f, size_t *len, int col, const char *name, double *out)
{
	if (col < 0) {
		*out = 0;
		return 0;
	}
	/* inf is no price: the event reader refuses it, so it is not written. */
	if (qts_num_parse(f[col], len[col], out) < 0 || !isfinite(*out))
		return vfail(v, qts_csv_line(v->csv), "%s: '%s' is not a number", name, f[col]);
	return 0;
}

/* One row into a bar, without its timeframe yet. */
static int read_row(qts_vendor *v, qts_event *ev, long *line)
{
	char **f;
	size_t *len;
	int n = qts_csv_next(v->csv, &f, &len);
	if (n < 0) {
		snprintf(v->err, sizeof v->err, "%s", qts_csv_error(v->csv));
		return -1;
	}
	if (n == 0)
		return 0;
	*line = qts_csv_line(v->csv);
	if ((size_t)n != v->nheader)
		return vfail(v, *line, "%d fields, but the header names %zu", n, v->nheader);
	qts_event_init(ev, v->kind, 0);
	if (parse_when(v, f, len, &ev->ts) < 0)
		return vfail(v, *line, "'%s' is not a time", f[v->col[C_DATETIME] >= 0 ? v->col[C_DATETIME] : v->col[C_DATE]]);
	double adj = 0;
	if (v->kind == QTS_TICK) {
		if (num(v, f, len, v->col[C_PRICE], "price", &ev->tick.price) ||
		    num(v, f, len, v->col[C_SIZE], "size", &ev->tick.size))
			return -1;
	} else if (v->kind == QTS_QUOTE) {
		if (num(v, f, len, v->col[C_BID], "bid", &ev->quote.bid) || num(v, f, len, v->col[C_ASK], "ask", &ev->quote.ask) ||
		    num(v, f, len, v->col[C_BIDSIZE], "bid size", &ev->quote.bid_size) ||
		    num(v, f, len, v->col[C_ASKSIZE], "ask size", &ev->quote.ask_size))
			return -1;
	} else if (num(v, f, len, v->col[C_OPEN], "open", &ev->bar.open) || num(v, f, len, v->col[C_HIGH], "high", &ev->bar.high) ||
		   num(v, f, len, v->col[C_LOW], "low", &ev->bar.low) || num(v, f, len, v->col[C_CLOSE], "close", &ev->bar.close) ||
		   num(v, f, len, v->col[C_VOLUME], "volume", &ev->bar.volume) || num(v, f, len, v->col[C_ADJ], "adj close", &adj))
		return -1;
	if (v->kind == QTS_BAR && v->o.adjust && ev->bar.close != 0) {
		double k = adj / ev->bar.close;
		ev->bar.open *= k, ev->bar.high *= k, ev->bar.low *= k;
		ev->bar.close = adj;
		if (!isfinite(ev->bar.open) || !isfinite(ev->bar.high) || !isfinite(ev->bar.low))
			return vfail(v, *line, "adj close / close overflows the prices");
	}
	const char *sym = v->col[C_SYMBOL] >= 0 ? f[v->col[C_SYMBOL]] : v->o.symbol;
	if (strlen(sym) >= QTS_SYM_MAX)
		return vfail(v, *line, "symbol '%s' is longer than %d bytes", sym, QTS_SYM_MAX - 1);
	QTS_SET(ev->symbol, sym);
	return 1;
}

/* The timeframe from the spacing of the first rows: their most common gap
 * (the smallest of equally common ones), so holidays and missing bars do
 * not fool it. */
static void infer_tf(qts_vendor *v)
{
	int64_t gaps[INFER_ROWS];
	int ngaps = 0;
	for (int i = 1; i < v->nqueue; i++)
		for (int j = i - 1; j >= 0; j--)
			if (strcmp(v->queue[i].symbol, v->queue[j].symbol) == 0) {
				/* A gap wider than int64 (times centuries apart) tells
				 * nothing and would overflow. */
				int64_t g;
				if (v->queue[i].ts > v->queue[j].ts &&
				    !__builtin_sub_overflow(v->queue[i].ts, v->queue[j].ts, &g))
					gaps[ngaps++] = g;
				break;
			}
	int64_t gap = 0;
	int best = 0;
	for (int i = 0; i < ngaps; i++) {
		int count = 0;
		for (int j = 0; j < ngaps; j++)
			count += gaps[j] == gaps[i];
		if (count > best || (count == best && gaps[i] < gap))
			best = count, gap = gaps[i];
	}
	qts_tf tf = { 1, 'd' };
	/* Times off whole seconds (bars made of trades, every gap its own)
	 * make one-second bars at the least: the shortest length there is. */
	if (gap > 0 && gap % QTS_NS_PER_SEC != 0)
		gap = gap < QTS_NS_PER_SEC ? QTS_NS_PER_SEC : gap - gap % QTS_NS_PER_SEC;
	int64_t s = gap / QTS_NS_PER_SEC, count = 0;
	char unit = 'd';
	if (s > 0) {
		if (s % 86400 == 0) {
			int64_t days = s / 86400;
			count = days >= 28 && days <= 31 ? 1 : days % 7 == 0 ? days / 7 : days;
			unit = days >= 28 && days <= 31 ? 'M' : days % 7 == 0 ? 'w' : 'd';
		} else if (s % 3600 == 0)
			count = s / 3600, unit = 'h';
		else if (s % 60 == 0)
			count = s / 60, unit = 'm';
		else
			count = s, unit = 's';
	}
	/* Only a count qts_tf_parse reads back (below a million): a wider gap
	 * is no bar length, and stays 1d. */
	if (count >= 1 && count < 1000000)
		tf = (qts_tf){ (int)count, unit };
	qts_tf_format(tf, v->tf);
	v->tf_ns = qts_tf_ns(tf);
}

/* 0, or -1 when the bar's start, from its end, is before the earliest
 * time there is (int64 nanoseconds begin on 1677-09-21). */
static int finish(qts_vendor *v, qts_event *ev, long line)
{
	snprintf(v->where, sizeof v->where, "%s:%ld", qts_input_name(v->in), line);
	if (v->kind != QTS_BAR)
		return 0;
	QTS_SET(ev->bar.tf, v->tf);
	if (v->o.stamp_end && __builtin_sub_overflow(ev->ts, v->tf_ns, &ev->ts))
		return vfail(v, line, "the bar would start before 1677-09-21");
	if (v->o.stamp_end && !v->tf_ns) { /* months: back to the 1st of the month */
		int y;
		unsigned m, d;
		int64_t day = ev->ts / QTS_NS_PER_DAY - (ev->ts % QTS_NS_PER_DAY <= 0);
		qts_civil_from_days(day, &y, &m, &d);
		if (__builtin_mul_overflow(qts_days_from_civil(y, m, 1), QTS_NS_PER_DAY, &ev->ts))
			return vfail(v, line, "the bar would start before 1677-09-21");
	}
	return 0;
}

int qts_vendor_next(qts_vendor *v, qts_event *ev)
{
	if (!v->primed) {
		v->primed = 1;
		int r = 0;
		while (v->nqueue < INFER_ROWS &&
		       (r = read_row(v, &v->queue[v->nqueue], &v->queue_line[v->nqueue])) > 0)
			v->nqueue++;
		if (r < 0 && v->nqueue == 0)
			return -1;
		if (!v->tf[0] && v->kind == QTS_BAR)
			infer_tf(v);
		if (r < 0) {
			/* Deliver the good rows first; the error comes after them. */
			v->nqueue = -v->nqueue - 1;
		}
	}
	int queued = v->nqueue >= 0 ? v->nqueue : -v->nqueue - 1;
	if (v->qpos < queued) {
		*ev = v->queue[v->qpos];
		v->qpos++;
		return finish(v, ev, v->queue_line[v->qpos - 1]) < 0 ? -1 : 1;
	}
	if (v->nqueue < 0)
		return -1;
	long line;
	int r = read_row(v, ev, &line);
	if (r > 0 && finish(v, ev, line) < 0)
		return -1;
	return r;
}

void qts_vendor_close(qts_vendor *v)
{
	if (!v)
		return;
	qts_csv_close(v->csv);
	qts_input_close(v->in);
	free(v);
}
