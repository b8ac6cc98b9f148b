/* qts_alpaca.h — Alpaca's market data API v2: the historical bars of one
 * symbol (feed_alpaca.c, the `alpaca` kind of qts_net.h) and the messages
 * of its real-time stream (fetch_live.c), parsed by pure functions that
 * the unit tests and the fuzz targets call directly.
 *
 * Internal to qts (not installed). */
#ifndef QTS_ALPACA_H
#define QTS_ALPACA_H

#include "qts_net.h"

extern const qts_feed_kind qts_feed_alpaca;

/* Alpaca's name of a timeframe ("1Min", "4Hour", "1Day", "1Week",
 * "3Month") into buf (>= 16 bytes): 0, or -1 when Alpaca has none. */
int qts_alpaca_timeframe(qts_tf tf, char *buf);

/* One page of GET /v2/stocks/{symbol}/bars, {"bars":[{"t":..,"o":..,
 * "h":..,"l":..,"c":..,"v":..},...],"symbol":..,"next_page_token":..}:
 * its bars appended to out as events of symbol and timeframe tf (a day or
 * longer is dated by its trading day at 00:00 UTC, as every qts source
 * dates it), the next page's token into token ("" on the last page).
 * 0, or -1 with err saying what is wrong and where. */
int qts_alpaca_parse_bars(const char *body, size_t len, const char *symbol, qts_tf tf, qts_evbuf *out,
			  char *token, size_t toklen, char *err);

/* ---- the stream's messages ---------------------------------------------- */

enum {
	QTS_ALPACA_CONNECTED = 1 << 0,     /* {"T":"success","msg":"connected"} */
	QTS_ALPACA_AUTHENTICATED = 1 << 1, /* {"T":"success","msg":"authenticated"} */
	QTS_ALPACA_SUBSCRIBED = 1 << 2,    /* {"T":"subscription",...} */
	QTS_ALPACA_ERROR = 1 << 3,         /* {"T":"error","code":N,"msg":..}: code, msg */
};

typedef struct qts_alpaca_msg {
	int flags;               /* QTS_ALPACA_* seen in the message */
	int code;                /* of the first error */
	char msg[160];           /* of the first error */
	int skipped;             /* elements of a type qts has no event for */
} qts_alpaca_msg;

/* One text message of the stream (a JSON array of objects): bars ("b",
 * minute bars; "u" updated bars are skipped), trades ("t") and quotes
 * ("q") appended to out as bar, tick and quote events; control messages
 * and errors into m.  0, or -1 with err (not JSON, not an array, a data
 * element without its fields). */
int qts_alpaca_parse_stream(const char *text, size_t len, qts_evbuf *out, qts_alpaca_msg *m, char *err);

/* The keys of the account (APCA_API_KEY_ID, APCA_API_SECRET_KEY): 0, or
 * -1 with err naming the variables that are not set. */
int qts_alpaca_keys(const char **id, const char **secret, char *err);

#endif
