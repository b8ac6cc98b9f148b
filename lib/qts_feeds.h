/* qts_feeds.h — the vendors' answers made into events, apart from the
 * network (so that unit tests and fuzzers read them as they come): Yahoo's
 * chart JSON (feed_yahoo.c), a CSV answer read by the vendor layouts of
 * fetch_vendor.c (Alpha Vantage, Stooq: feed_csv.c), Alpha Vantage's
 * notices (feed_alphavantage.c).  Internal to qts (not installed). */
#ifndef QTS_FEEDS_H
#define QTS_FEEDS_H

#include "qts_net.h"

/* Corporate actions as qts-sim --actions lines ("2020-08-31,AAPL,split,4\n"),
 * each once, in the order met. */
typedef struct qts_actbuf {
	char *text;            /* NUL-terminated; NULL while empty */
	size_t len, cap;
} qts_actbuf;
/* Add "date,symbol,action,value" unless it is there already: 0, -1 when
 * out of memory. */
int qts_actbuf_add(qts_actbuf *b, int64_t day, const char *symbol, const char *action, double value);
void qts_actbuf_free(qts_actbuf *b);

/* Yahoo's interval for tf ("1m", "60m", "1d", "1wk", "1mo"), NULL when it
 * has none. */
const char *qts_yahoo_interval(qts_tf tf);

/* One chart answer (body[0..len)) into bars of symbol, appended to out in
 * time order: bars with a null price or volume are missing and skipped,
 * daily and longer bars are dated by their trading day in the exchange's
 * time (meta.gmtoffset) at 00:00 UTC, a daily bar of the day of the one
 * before replaces it (Yahoo repeats the day in progress; an intraday bar
 * repeated is kept, for the history to fail on), and with adjust the
 * prices are scaled by adjclose / close.  Dividends and splits go to acts
 * (may be NULL).  0; -1 with err (QTS_ERR_MAX), and nothing added to out,
 * when the answer is no chart
 * (not JSON, chart.error, a field of the wrong type). */
int qts_yahoo_parse(const char *body, size_t len, const char *symbol, qts_tf tf, int adjust,
		    qts_evbuf *out, qts_actbuf *acts, char *err);

/* A CSV answer (body[0..len)) read by fetch_vendor.c's layouts as bars of
 * symbol and timeframe tf (daily when tf.n is 0), appended to out in time
 * order (rows newest first are put back in order).  Rows without data
 * (null, empty) are missing bars and skipped; any other row that does not
 * parse fails, named "name:LINE".  With eastern, times without a zone are
 * US Eastern wall-clock times (Alpha Vantage's intraday).  0, or -1 with
 * err (QTS_ERR_MAX). */
int qts_feed_csv_parse(const char *body, size_t len, const char *name, const char *symbol, qts_tf tf,
		       int adjust, int eastern, qts_evbuf *out, char *err);

/* US Eastern wall-clock time (ns as if UTC) to UTC, by the US daylight
 * saving rules of 1987-2006 and since 2007. */
int64_t qts_us_eastern_to_utc(int64_t wall);
/* And back: UTC to US Eastern wall-clock time (ns as if UTC). */
int64_t qts_utc_to_us_eastern(int64_t utc);

/* What an Alpha Vantage answer that is JSON says, when it is a notice
 * rather than data: AV_DATA (not a notice), AV_THROTTLED (a Note or an
 * Information about the call frequency) or AV_ERROR (an Error Message,
 * or another Information such as a premium endpoint); the notice's text
 * into msg, with every occurrence of key (their messages quote it)
 * replaced by "***". */
enum { AV_DATA, AV_THROTTLED, AV_ERROR };
int qts_alphavantage_notice(const char *body, size_t len, const char *key, char *msg, size_t size);

#endif
