/* qts_live.h — qts-fetch --live: Alpaca's real-time stream of bars,
 * trades and quotes as a source stage (fetch_live.c), with the history
 * before it and the gaps of its reconnects filled from the REST API.
 *
 * Internal to qts (not installed). */
#ifndef QTS_LIVE_H
#define QTS_LIVE_H

#include "qts_stage.h"

enum { QTS_LIVE_BARS = 1, QTS_LIVE_TRADES = 2, QTS_LIVE_QUOTES = 4 };

typedef struct qts_live_opts {
	int on;                  /* --live */
	const char *feed;        /* --feed iex|sip; NULL: iex */
	int types;               /* --live-types: QTS_LIVE_*; 0: bars */
	int64_t silence;         /* --silence, ns; 0: 30 s */
	int64_t reorder;         /* --reorder, ns: how long an event is held to be put in order */
} qts_live_opts;

/* qts-fetch's live options, for its getopt_long table, and their parser:
 * 1 when c was one of them, 0 when not; a bad value exits 2 with usage. */
enum { QTS_OPT_LIVE = 0x7300, QTS_OPT_FEED, QTS_OPT_LIVE_TYPES, QTS_OPT_SILENCE, QTS_OPT_REORDER };
#define QTS_LIVE_OPTIONS \
	{ "live", no_argument, NULL, QTS_OPT_LIVE }, \
	{ "feed", required_argument, NULL, QTS_OPT_FEED }, \
	{ "live-types", required_argument, NULL, QTS_OPT_LIVE_TYPES }, \
	{ "silence", required_argument, NULL, QTS_OPT_SILENCE }, \
	{ "reorder", required_argument, NULL, QTS_OPT_REORDER }
int qts_live_option(int c, const char *arg, qts_live_opts *lo, const char *usage);

/* What the rest of qts-fetch's command line says to a live run. */
typedef struct qts_live_request {
	const char *const *specs; /* the sources: alpaca:SYM[,SYM...] */
	size_t nspecs;
	qts_tf tf;               /* of the bars from REST before the stream; 0: 1m */
	int64_t from, to;        /* INT64_MIN / INT64_MAX: none */
	int adjust;
	int on_bad;              /* 0 stop, 1 skip, 2 warn: qts-fetch's --on-bad */
} qts_live_request;

/* Build the live source into st (name, ops, eng; st->conf is the
 * caller's).  A source that is not alpaca:SYM exits 2 with usage. */
void qts_live_build(qts_stage *st, const qts_live_opts *lo, const qts_live_request *rq, const char *usage);

#endif
