/* qts_net.h — market data from the network for qts-fetch: HTTP with
 * retries, a token bucket and a circuit breaker per source (net.c,
 * http.c), the vendors' historical sources as chunk iterators (one file
 * each, feed_NAME.c, listed in feed_table.c), and a symbol's history
 * served from the cache and the network (fetch_history.c).
 *
 * Waits (backoff, the bucket) happen in the running stage's loop
 * (qts_stage_wait), so heartbeats and signals go on meanwhile.
 *
 * Keys never appear in a message: they travel in headers, or in query
 * parameters that qts_net_redact masks in every URL a message quotes.
 *
 * Internal to qts (not installed). */
#ifndef QTS_NET_H
#define QTS_NET_H

#include "qts.h"

/* ---- a growable array of events ----------------------------------------- */

typedef struct qts_evbuf {
	qts_event *ev;
	size_t n, cap;
} qts_evbuf;
/* 0, or -1 when out of memory. */
int qts_evbuf_push(qts_evbuf *b, const qts_event *ev);
void qts_evbuf_clear(qts_evbuf *b); /* n = 0, memory kept */
void qts_evbuf_free(qts_evbuf *b);

/* ---- HTTP with retries (net.c over http.c) ----------------------------- */

typedef struct qts_net_conf {
	const char *name;        /* the source, for messages: "yahoo" */
	double rate_per_min;     /* the most requests in any minute (or window); 0: no bucket */
	int64_t window;          /* ns; 0: a minute */
	double burst;            /* the most at once (qts_rate_bucket_init cuts it); 0: 1 */
	int retries;             /* attempts after the first; default (-1): 4 */
	int64_t timeout;         /* ns per attempt, whole transfer; 0: 30 s */
	int64_t backoff_base;    /* ns; 0: 500 ms (QTS_NET_BACKOFF_MS overrides) */
	int64_t backoff_cap;     /* ns; 0: 30 s */
	int breaker_after;       /* failed attempts in a row that open the circuit; 0: 5 */
	int64_t breaker_cooldown;/* ns the circuit stays open; 0: 30 s */
	int wait_in_loop;        /* a source's: answers waited for in the stage's loop (qts_http_wait_in_loop) */
} qts_net_conf;

typedef struct qts_http_resp {
	long status;             /* the HTTP status of the last attempt; 0: no answer */
	char *body;              /* NUL-terminated; the client's until its next get */
	size_t len;
	char content_type[128];
	/* The wait the server asked for (Retry-After in seconds or as a
	 * date, or a rate-limit reset header), ns; -1: none. */
	int64_t retry_after;
	int attempts;            /* how many requests it took */
} qts_http_resp;

typedef struct qts_net qts_net;
/* NULL when out of memory (err says so). */
qts_net *qts_net_new(const qts_net_conf *c, char *err);
void qts_net_free(qts_net *n);
/* The requests go to another server from now on (a fallback endpoint):
 * the failures of the last one do not keep its circuit open for this
 * one.  The bucket stays: the rate limit is the account's. */
void qts_net_other_server(qts_net *n);
/* How a failed request may be made again: every failure (reads, and
 * writes the server deduplicates), only one that cannot have been acted
 * on (refused before it left, 429), or never. */
enum { QTS_NET_RETRY_ALL, QTS_NET_RETRY_UNSENT, QTS_NET_RETRY_NONE };
/* GET url with the extra headers (NULL-terminated "Name: value" strings,
 * never printed).  Transport failures (timeouts, refused, a body cut
 * short), 429 and 5xx are retried with exponential backoff and full
 * jitter, waiting at least what Retry-After asks; every attempt first
 * takes a token from the bucket.  0 with r filled when an answer that is
 * not to be retried came (any status: 200, 404...); -1 with err naming the
 * source, the redacted URL and the last failure when the retries ran out,
 * the circuit is open, or the stage is stopping. */
int qts_net_get(qts_net *n, const char *url, const char *const *headers, qts_http_resp *r, char *err);
/* The same with any method and a body (NULL: none; its Content-Type is
 * the caller's header), made again on a failure as retry allows. */
int qts_net_request(qts_net *n, const char *method, const char *url, const char *const *headers,
		    const char *body, int retry, qts_http_resp *r, char *err);
/* A vendor said "slow down" in a 200 answer (Alpha Vantage's notes):
 * counts as a failed attempt; 1 when the caller may try again after
 * waiting (done here), 0 when the retries are spent (err says so). */
int qts_net_throttled(qts_net *n, const char *why, qts_http_resp *r, char *err);
/* url with the values of key-like query parameters (apikey, key, token,
 * secret, password, signature...) replaced by "***", into out. */
void qts_net_redact(const char *url, char *out, size_t outlen);
/* %-encode s (RFC 3986 unreserved pass) into out; -1 when it does not fit. */
int qts_url_escape(const char *s, char *out, size_t outlen);

/* ---- pacing (rate_limit.c) ---------------------------------------------- */

/* A token bucket that keeps to a service's documented limit. */
typedef struct qts_rate_bucket {
	double per_ns;           /* tokens added a nanosecond; 0: no limit */
	double burst;            /* tokens it holds */
	double tokens;
	int64_t refilled;        /* monotonic ns of its last refill */
} qts_rate_bucket;
/* At most limit requests in any window of that length (ns; 0: a minute;
 * limit 0: no limit), up to burst of them at once; the burst is cut so
 * that the rate after it stays at 3/4 of the limit or more (0: 1). */
void qts_rate_bucket_init(qts_rate_bucket *b, double limit, int64_t window, double burst);
/* Take a token, waiting for one in the stage's loop: 0, or -1 when the
 * stage is to stop. */
int qts_rate_bucket_take(qts_rate_bucket *b);
/* Wait in the stage's loop until the monotonic clock reaches until: 0,
 * or -1 when the stage is to stop. */
int qts_sleep_until(int64_t until);
/* The wait before attempt + 1 (from 0): full jitter, a uniform time in
 * [0, min(cap, base * 2^attempt)], and at least asked (the server's
 * Retry-After; -1: none). */
int64_t qts_backoff(uint64_t *rng, int64_t base, int64_t cap, int attempt, int64_t asked);
void qts_jitter_seed(uint64_t *rng, const void *salt);
/* QTS_NET_BACKOFF_MS (tests shorten waits with it), ns; -1 when unset. */
int64_t qts_backoff_env(void);
/* A connection up since up_since (monotonic ns; <= 0: it was never up)
 * is lost at now: 1 when it held QTS_BACKOFF_HELD or more, so the waits
 * start anew; 0 when it counts as one more failed attempt, so that a
 * server that takes each connection and drops it is tried again after
 * doubling waits, not in a storm. */
#define QTS_BACKOFF_HELD (30 * QTS_NS_PER_SEC)
static inline int qts_backoff_held(int64_t up_since, int64_t now)
{
	return up_since > 0 && now - up_since >= QTS_BACKOFF_HELD;
}

/* ---- historical sources ------------------------------------------------- */

typedef struct qts_feed_request {
	const char *symbol;      /* the vendor's symbol, as given after "kind:" */
	qts_tf tf;               /* tf.n == 0: daily */
	int64_t from, to;        /* [from, to), ns; INT64_MIN/INT64_MAX: all there is */
	int adjust;              /* --adjust: split- and dividend-adjusted prices */
} qts_feed_request;

typedef struct qts_feed_kind {
	const char *name;        /* "yahoo", as in yahoo:SYM */
	const char *url_env;     /* "QTS_YAHOO_URL" */
	const char *default_url; /* "https://query1.finance.yahoo.com" */
	double rate_per_min;     /* the vendor's documented limit: requests in any minute */
	double burst;
	/* The timeframes it serves, as a short list for messages ("1d" or
	 * "1m,5m,15m,30m,1h,1d"), and whether it serves tf. */
	const char *tfs;
	int (*serves)(qts_tf tf);
	/* A request's iterator: open (NULL with err), then chunk after chunk
	 * of market data appended to out in time order: 1 when more chunks
	 * follow, 0 after the last, -1 with err.  Chunks are the vendor's
	 * pages or the spans its history limits allow.  QTS_FEED_NONE, with
	 * err and nothing added, is the vendor's word that it has no bar in
	 * the span asked (Stooq's "No data"; a span wholly before the history
	 * a vendor keeps): the iterator is done, and the history fails with
	 * err only when its whole request has no bar (the cache may ask for
	 * a part of it alone). */
	void *(*open)(qts_net *net, const char *base_url, const qts_feed_request *rq, char *err);
	int (*next)(void *it, qts_evbuf *out, char *err);
	/* Corporate actions met so far, as qts-sim --actions lines
	 * ("2020-08-31,AAPL,split,4"), or NULL when the vendor has none. */
	const char *(*actions)(void *it);
	void (*close)(void *it);
	/* After a chunk: the time from which the answers so far are the
	 * vendor's whole history, when its limits cut the start of the span
	 * asked (Yahoo's intraday bars of the last 60 days); INT64_MIN when
	 * they did not.  NULL for a vendor without such limits.  The cache
	 * claims no span before it. */
	int64_t (*earliest)(void *it);
	/* An environment variable whose value changes the bars the vendor
	 * gives (Alpaca's QTS_ALPACA_FEED: IEX's trades or all exchanges'),
	 * part of the cache's key; NULL when none does. */
	const char *key_env;
	/* The vendor's failure for a span without a bar, in words after
	 * "kind:SYM: " (Stooq's "No data"), when it answers every such span
	 * so; NULL for one whose answer is empty.  Said too for a request
	 * the cache holds without a bar, as the vendor asked would. */
	const char *no_bars;
} qts_feed_kind;

enum { QTS_FEED_NONE = -2 };

/* The source kind named name[0..len), or NULL. */
const qts_feed_kind *qts_feed_find(const char *name, size_t len);
/* The i-th kind, NULL past the last (for messages and completions). */
const qts_feed_kind *qts_feed_at(size_t i);
/* The base URL: the kind's environment variable, else its default. */
const char *qts_feed_base_url(const qts_feed_kind *k);

/* ---- a symbol's history: cache, then network (fetch_history.c) ---------- */

typedef struct qts_cache_opts {
	const char *dir;         /* --cache-dir; NULL: $XDG_CACHE_HOME/qts, else ~/.cache/qts */
	int off;                 /* --no-cache */
	int offline;             /* --offline: the cache only; a miss fails */
	int64_t max_age;         /* --max-age, ns; 0: none (final bars never expire) */
	int list;                /* --cache-list: print what the cache holds, fetch nothing */
	int clear;               /* --cache-clear: empty it, fetch nothing */
	/* --cache-list and --cache-clear: only the entries of these sources
	 * ("yahoo" or "yahoo:AAPL"); none: every entry. */
	const char *const *match;
	size_t nmatch;
	int64_t now;             /* the fetch time, ns since the epoch; 0: the clock (tests set it) */
} qts_cache_opts;

/* qts-fetch's cache options, for its getopt_long table, and their parser
 * (fetch_cache.c): 1 when c was one of them, 0 when not; a bad value
 * exits 2 with usage. */
enum { QTS_OPT_CACHE_DIR = 0x7200, QTS_OPT_NO_CACHE, QTS_OPT_OFFLINE, QTS_OPT_MAX_AGE, QTS_OPT_CACHE_LIST,
       QTS_OPT_CACHE_CLEAR };
#define QTS_CACHE_OPTIONS \
	{ "cache-dir", required_argument, NULL, QTS_OPT_CACHE_DIR }, \
	{ "no-cache", no_argument, NULL, QTS_OPT_NO_CACHE }, \
	{ "offline", no_argument, NULL, QTS_OPT_OFFLINE }, \
	{ "max-age", required_argument, NULL, QTS_OPT_MAX_AGE }, \
	{ "cache-list", no_argument, NULL, QTS_OPT_CACHE_LIST }, \
	{ "cache-clear", no_argument, NULL, QTS_OPT_CACHE_CLEAR }
int qts_cache_option(int c, const char *arg, qts_cache_opts *co, const char *usage);
/* --cache-list (the entries, one line each, on out) and --cache-clear:
 * the process's exit status. */
int qts_cache_list(const qts_cache_opts *co, FILE *out);
int qts_cache_clear(const qts_cache_opts *co);

typedef struct qts_history qts_history;
/* The history of rq from kind k through net: what the cache holds, and
 * the spans it lacks fetched (and cached).  NULL with err.  Histories of
 * one request in a process share one fetch; close a history before its
 * net (another one open goes on with its own). */
qts_history *qts_history_open(const qts_feed_kind *k, qts_net *net, const qts_feed_request *rq,
			      const qts_cache_opts *co, char *err);
/* 1 with the next event (in time order), 0 at the end, -1 with err. */
int qts_history_next(qts_history *h, qts_event *ev, char *err);
/* Corporate actions of the history, as qts_feed_kind.actions. */
const char *qts_history_actions(qts_history *h);
void qts_history_close(qts_history *h);
/* Forget the histories a process keeps in memory to serve a request
 * made again (tests, which count a source's requests). */
void qts_history_forget(void);

#endif
