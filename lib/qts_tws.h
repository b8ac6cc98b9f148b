/* qts_tws.h — the messages of Interactive Brokers' TWS API socket
 * protocol that qts-broker ib uses, encoded and decoded without I/O
 * (tws_codec.c); the broker over them is broker_ib.c.
 *
 * The protocol: the client opens with "API\0" and its version range
 * ("v157..178"), the server answers its version and the connection time;
 * then every message either way is a 4-byte big-endian length and the
 * message, a run of NUL-terminated text fields, the first the message's
 * id.  The layouts of several messages (placeOrder, openOrder,
 * execDetails, error) change with the server version, so qts asks for a
 * range whose layouts it implements exactly, the one ib_insync 0.9.86
 * speaks (157..178, TWS 10.19 and later answer 178), and refuses a
 * server that answers outside it.
 *
 * Internal to qts (not installed). */
#ifndef QTS_TWS_H
#define QTS_TWS_H

#include "qts.h"

#define QTS_TWS_VERSION_MIN 157
#define QTS_TWS_VERSION_MAX 178
/* The longest message qts takes (ibapi's MAX_MSG_LEN). */
#define QTS_TWS_MSG_MAX 0xFFFFFFu

/* ---- what goes out ------------------------------------------------------- */

/* Bytes to send, appended message after message. */
typedef struct qts_tws_out {
	char *p;
	size_t n, cap;
} qts_tws_out;
void qts_tws_out_free(qts_tws_out *o);

/* An order as placeOrder sends it: a stock on SMART in USD. */
typedef struct qts_tws_order {
	long long order_id;        /* IB's, from nextValidId on */
	const char *symbol;
	const char *action;        /* "BUY", "SELL" */
	double qty;
	const char *type;          /* "MKT", "LMT", "STP", "STP LMT" */
	double limit, aux;         /* NaN: none (the empty field) */
	const char *tif;           /* "DAY", "GTC", "IOC", "FOK" */
	const char *order_ref;     /* our order id */
	const char *account;       /* "": the default account */
} qts_tws_order;

/* Each appends one whole message to o: 0, or -1 when out of memory. */
int qts_tws_hello(qts_tws_out *o); /* "API\0" and the version range */
int qts_tws_start_api(qts_tws_out *o, long client_id);
int qts_tws_req_ids(qts_tws_out *o);
int qts_tws_req_all_open_orders(qts_tws_out *o);
int qts_tws_req_open_orders(qts_tws_out *o);
int qts_tws_req_positions(qts_tws_out *o);
int qts_tws_req_account_summary(qts_tws_out *o, long req_id, const char *tags);
int qts_tws_req_executions(qts_tws_out *o, long req_id);
int qts_tws_req_current_time(qts_tws_out *o);
int qts_tws_req_completed_orders(qts_tws_out *o); /* the API's alone */
int qts_tws_place_order(qts_tws_out *o, int version, const qts_tws_order *ord);
int qts_tws_cancel_order(qts_tws_out *o, int version, long long order_id);

/* ---- what comes in --------------------------------------------------------- */

enum {
	QTS_TWS_ORDER_STATUS = 3, QTS_TWS_ERROR = 4, QTS_TWS_OPEN_ORDER = 5, QTS_TWS_NEXT_VALID_ID = 9,
	QTS_TWS_EXEC_DETAILS = 11, QTS_TWS_MANAGED_ACCOUNTS = 15, QTS_TWS_CURRENT_TIME = 49,
	QTS_TWS_OPEN_ORDER_END = 53, QTS_TWS_EXEC_DETAILS_END = 55, QTS_TWS_COMMISSION_REPORT = 59,
	QTS_TWS_POSITION = 61, QTS_TWS_POSITION_END = 62, QTS_TWS_ACCOUNT_SUMMARY = 63,
	QTS_TWS_ACCOUNT_SUMMARY_END = 64, QTS_TWS_COMPLETED_ORDER = 101, QTS_TWS_COMPLETED_ORDERS_END = 102
};

#define QTS_TWS_STR 64 /* ids, words, accounts: longer is an error */

/* One decoded message.  Numbers the server left empty are 0, prices it
 * left unset (empty, or IB's 1.7976931348623157E308) NaN. */
typedef struct qts_tws_msg {
	int id;                    /* the message id; one not above: read, not decoded */
	union {
		struct { long long order_id; } next_valid_id;
		struct { char accounts[QTS_TEXT_MAX]; } managed_accounts;
		struct {
			long long order_id; char status[QTS_TWS_STR];
			double filled, remaining, avg_price; long long perm_id, parent_id;
			double last_price; long client_id; char why_held[QTS_TWS_STR];
		} order_status;
		struct { long long id; long code; char text[QTS_TEXT_MAX]; } error;
		struct {
			long long order_id; char symbol[QTS_SYM_MAX]; char sec_type[QTS_TWS_STR];
			char currency[QTS_TWS_STR]; char action[QTS_TWS_STR]; double qty;
			char type[QTS_TWS_STR]; double limit, aux; char tif[QTS_TWS_STR];
			char account[QTS_TWS_STR]; char order_ref[QTS_ID_MAX]; long client_id;
			long long perm_id; char status[QTS_TWS_STR];
		} open_order;
		struct {
			long req_id; long long order_id; char symbol[QTS_SYM_MAX]; char sec_type[QTS_TWS_STR];
			char exec_id[QTS_TWS_STR]; char time[QTS_TWS_STR]; char account[QTS_TWS_STR];
			char side[QTS_TWS_STR]; double shares, price; long long perm_id; long client_id;
			double cum_qty, avg_price; char order_ref[QTS_ID_MAX];
		} exec_details;
		struct { long req_id; } exec_details_end;
		struct { char exec_id[QTS_TWS_STR]; double commission; char currency[QTS_TWS_STR]; } commission;
		struct {
			char account[QTS_TWS_STR]; char symbol[QTS_SYM_MAX]; char sec_type[QTS_TWS_STR];
			char currency[QTS_TWS_STR]; double position, avg_cost;
		} position;
		struct {
			long req_id; char account[QTS_TWS_STR]; char tag[QTS_TWS_STR]; char value[QTS_TWS_STR];
			char currency[QTS_TWS_STR];
		} account_summary;
		struct { long req_id; } account_summary_end;
		struct { long long time; } current_time;
		/* an order over today (no IB order id: its permId) */
		struct {
			char symbol[QTS_SYM_MAX]; char sec_type[QTS_TWS_STR]; char action[QTS_TWS_STR];
			double qty; char type[QTS_TWS_STR]; char account[QTS_TWS_STR];
			char order_ref[QTS_ID_MAX]; long long perm_id; char status[QTS_TWS_STR];
			double filled; char completed_status[QTS_TEXT_MAX];
		} completed;
	};
} qts_tws_msg;

/* Is a whole message at p[0..n)?  1 with its length, the 4 bytes
 * included, in *len; 0 when more bytes are needed; -1 with err when the
 * length is impossible (0, or above QTS_TWS_MSG_MAX). */
int qts_tws_frame(const unsigned char *p, size_t n, size_t *len, char *err);
/* The server's answer to the hello (a message's body, the length taken
 * off): its version and connection time.  0, or -1 with err. */
int qts_tws_decode_hello(const char *body, size_t n, int *version, char *conn_time, size_t tlen, char *err);
/* A message's body at the server version: 0 with m, or -1 with err
 * naming the message and the field (a message cut short, or longer
 * than its layout, is an error). */
int qts_tws_decode(int version, const char *body, size_t n, qts_tws_msg *m, char *err);

/* An order status word of TWS as a QTS_STATUS_* code (filled and
 * remaining tell a partial fill), or -1 for a word it does not know. */
int qts_tws_status(const char *word, double filled, double remaining);

#endif
