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

/* ---- the trading API v2 (alpaca_trade.c, broker_alpaca.c) ---------------- */

/* What Alpaca says of one order (an order object of /v2/orders or of the
 * trade_updates stream), mapped to qts's words. */
typedef struct qts_alpaca_order {
	char client_id[QTS_ID_MAX];  /* client_order_id: our order id */
	char id[64];                 /* Alpaca's own (a UUID) */
	char symbol[QTS_SYM_MAX];
	int side;                    /* QTS_BUY, QTS_SELL */
	int status;                  /* QTS_STATUS_* */
	char word[32];               /* Alpaca's status word ("partially_filled") */
	double qty, filled;          /* ordered, filled so far (cumulative) */
	double avg_price;            /* of what is filled; NaN while nothing is */
	int64_t ts;                  /* updated_at, else submitted_at, else created_at; 0: none */
} qts_alpaca_order;

/* One order object (the body of POST /v2/orders, of GET
 * /v2/orders:by_client_order_id): 0, or -1 with err. */
int qts_alpaca_parse_order(const char *body, size_t len, qts_alpaca_order *o, char *err);
/* A list of them (GET /v2/orders) into *list (malloc'd, *n of them;
 * free it): 0, or -1 with err. */
int qts_alpaca_parse_orders(const char *body, size_t len, qts_alpaca_order **list, size_t *n, char *err);
/* GET /v2/positions: a `position` event at ts for each (qty negative
 * for a short one).  0, or -1 with err. */
int qts_alpaca_parse_positions(const char *body, size_t len, int64_t ts, qts_evbuf *out, char *err);
/* GET /v2/account: its `equity` event at ts.  0, or -1 with err. */
int qts_alpaca_parse_account(const char *body, size_t len, int64_t ts, qts_event *ev, char *err);
/* An error answer ({"code":40310000,"message":"insufficient buying
 * power"}, or anything else) as a reason: "insufficient buying power
 * (HTTP 403, code 40310000)", into out. */
void qts_alpaca_error_reason(const char *body, size_t len, long status, char *out, size_t outlen);
/* Is an error answer Alpaca's "client_order_id must be unique" (an
 * order with that client id exists already)?  1 or 0. */
int qts_alpaca_duplicate_id(const char *body, size_t len, long status);

/* A message of the trade_updates stream ({"stream":..,"data":{..}}). */
enum {
	QTS_ALPACA_T_OTHER,          /* anything else: ignored */
	QTS_ALPACA_T_AUTHORIZED,     /* {"stream":"authorization","data":{"status":"authorized"}} */
	QTS_ALPACA_T_UNAUTHORIZED,   /* the same, any other status: text says */
	QTS_ALPACA_T_LISTENING,      /* {"stream":"listening","data":{"streams":[..]}}: listening says if trade_updates is one */
	QTS_ALPACA_T_UPDATE,         /* {"stream":"trade_updates","data":{"event":..,"order":{..}}} */
	QTS_ALPACA_T_ERROR           /* {"action":"error","data":{"error_message":..}}: text says */
};
typedef struct qts_alpaca_tmsg {
	int kind;                    /* QTS_ALPACA_T_* */
	int listening;               /* LISTENING: trade_updates is among the streams */
	char event[32];              /* UPDATE: "fill", "partial_fill", "canceled"... */
	qts_alpaca_order order;      /* UPDATE: the order as it is after the event */
	/* UPDATE, fill and partial_fill: this execution's */
	double price, qty;           /* NaN when absent */
	char execution_id[64];
	int64_t ts;                  /* timestamp; 0: none */
	char text[QTS_TEXT_MAX];     /* UNAUTHORIZED, ERROR: what the server said */
} qts_alpaca_tmsg;
/* 0, or -1 with err (not JSON, an update without a whole order). */
int qts_alpaca_parse_tmsg(const char *text, size_t len, qts_alpaca_tmsg *m, char *err);

/* What has been said of our orders, so that updates that come twice, or
 * late, or out of order (the stream and polling both report, and the
 * stream repeats itself after a reconnect) are said once: a fill is the
 * growth of an order's cumulative filled quantity, never reported twice,
 * and a final status is never moved back. */
typedef struct qts_alpaca_book qts_alpaca_book;
qts_alpaca_book *qts_alpaca_book_new(void); /* NULL when out of memory */
void qts_alpaca_book_free(qts_alpaca_book *b);
/* Take o as what is already known (an order placed and answered, one
 * found at reconciliation): nothing is said of it.  0, or -1 when out of
 * memory. */
int qts_alpaca_book_know(qts_alpaca_book *b, const qts_alpaca_order *o);
/* Is the client id in the book?  Its Alpaca id into alpaca_id (64
 * bytes, may be NULL) when so. */
int qts_alpaca_book_has(const qts_alpaca_book *b, const char *client_id, char *alpaca_id);
/* The news in o (with x, the stream message it came in, or NULL when
 * polled) appended to out: a `fill` for the quantity filled since the
 * last report (at the execution's price when it is all of it, else at
 * the price the averages imply), then an `update` when the status or the
 * filled quantity moved on.  Orders not in the book are not ours: 0 and
 * nothing said.  1 when something was said, 0 when nothing, -1 when out
 * of memory. */
int qts_alpaca_book_apply(qts_alpaca_book *b, const qts_alpaca_order *o, const qts_alpaca_tmsg *x,
			  qts_evbuf *out);
/* An `update` event of o as it stands (reconciliation), at o->ts. */
void qts_alpaca_update_event(const qts_alpaca_order *o, qts_event *ev);

#endif
