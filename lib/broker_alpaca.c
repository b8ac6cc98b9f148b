/* broker_alpaca.c — `qts-broker alpaca`: Alpaca's trading API v2 behind
 * qts_broker_ops (paper trading by default).
 *
 * REST (QTS_ALPACA_URL, https://paper-api.alpaca.markets by default) with
 * the keys of APCA_API_KEY_ID and APCA_API_SECRET_KEY in Alpaca's headers:
 * POST /v2/orders with client_order_id = our order id, DELETE
 * /v2/orders/{id}, GET /v2/orders, /v2/orders:by_client_order_id,
 * /v2/positions, /v2/account; a token bucket under Alpaca's 200 requests a
 * minute (190 a minute, 10 at once: never more than 200 in any minute).
 * Reads and cancels are retried with backoff; so is an order, since Alpaca
 * takes a client_order_id once: a retry whose first attempt did arrive is
 * answered 422 "client_order_id must be unique", and the order is then
 * looked up and adopted, never sent twice.
 *
 * Order updates come from the trade_updates stream (QTS_ALPACA_STREAM_URL,
 * by default the base URL's /stream over wss), which Alpaca sends in
 * binary frames; it is connected again after a drop (backoff with jitter)
 * and listened to again.  While it is down the open and recent orders are
 * polled, once a second at most; after it is back they are polled once, so
 * nothing said meanwhile is missed.  Updates that come twice or out of
 * order are said once (alpaca_trade.c's book). */
#include "qts_alpaca.h"
#include "qts_broker.h"
#include "qts_loop.h"
#include "qts_ws.h"

#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_URL "https://paper-api.alpaca.markets"
/* Alpaca's limit is 200 requests a minute: the bucket keeps to it in
 * any minute, 10 at once (then 191 a minute). */
#define RATE_PER_MIN 200
#define BURST 10
#define DEFAULT_TIMEOUT (10 * QTS_NS_PER_SEC)
#define POLL_EVERY (1 * QTS_NS_PER_SEC)    /* orders, while the stream is down */
#define REFRESH_EVERY (1 * QTS_NS_PER_SEC) /* the account, after fills */
#define STREAM_TIMEOUT (10 * QTS_NS_PER_SEC)
#define PING_AFTER (20 * QTS_NS_PER_SEC)   /* of silence; dropped after twice that */
#define BACKOFF_CAP (30 * QTS_NS_PER_SEC)
/* An id Alpaca says is taken and does not find: looked up again this many
 * times, after 200 ms, then twice as long each time. */
#define LOOKUP_AGAIN 3
#define LOOKUP_WAIT (200 * 1000000LL)

enum { OPT_TIMEOUT = 0x7500 };

typedef struct alpaca {
	int64_t timeout;
	const char *key, *secret;
	char hdr_id[200], hdr_secret[200];
	const char *headers[5];
	char base[512], stream_url[600];
	qts_net *net;
	qts_ws *ws;
	qts_alpaca_book *book;
	/* client_order_ids of orders Alpaca holds that this run did not send
	 * (qts_broker_ops.id_used): its recent orders, listed when a fresh
	 * id turned out to be an earlier run's */
	qts_symtab *earlier;
	qts_posguard pos;          /* the positions, in step with the fills written */
	int busy;                  /* in a call: a poll from a nested tick waits */
	int attempt;               /* stream connections failed (or dropped
				    * before QTS_BACKOFF_HELD) in a row */
	int64_t up_since;          /* when the stream last said it listens; 0: down */
	int pinged;
	int dirty;                 /* fills since the account was read */
	int counting;              /* fills written now move the positions (not
				    * at connect: the account read then holds them) */
	int64_t next_connect, next_poll, next_refresh;
	uint64_t rng;
} alpaca;

static const struct option alpaca_options[] = {
	{ "alpaca-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ 0 }
};

static void *alpaca_new(char *err)
{
	alpaca *a = calloc(1, sizeof *a);
	if (!a || !(a->book = qts_alpaca_book_new()) || !(a->earlier = qts_symtab_new(1))) {
		if (a)
			qts_alpaca_book_free(a->book);
		free(a);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	a->timeout = DEFAULT_TIMEOUT;
	a->counting = 1;
	a->pos.who = "alpaca";
	qts_jitter_seed(&a->rng, a);
	return a;
}

/* The keys, from the environment, into the headers: 0, or -1 with err
 * (read at connect, so that --help and usage errors need none). */
static int keys(alpaca *a, char *err)
{
	if (a->key)
		return 0;
	const char *id = getenv("APCA_API_KEY_ID"), *secret = getenv("APCA_API_SECRET_KEY");
	int no_id = !id || !*id, no_secret = !secret || !*secret;
	if (no_id || no_secret) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s%s%s not set: trading needs the keys of the account (paper or "
			 "live) in APCA_API_KEY_ID and APCA_API_SECRET_KEY", no_id ? "APCA_API_KEY_ID" : "",
			 no_id && no_secret ? " and " : "", no_secret ? "APCA_API_SECRET_KEY" : "");
		return -1;
	}
	int n1 = snprintf(a->hdr_id, sizeof a->hdr_id, "APCA-API-KEY-ID: %s", id);
	int n2 = snprintf(a->hdr_secret, sizeof a->hdr_secret, "APCA-API-SECRET-KEY: %s", secret);
	if (n1 < 0 || (size_t)n1 >= sizeof a->hdr_id || n2 < 0 || (size_t)n2 >= sizeof a->hdr_secret) {
		snprintf(err, QTS_ERR_MAX, "alpaca: APCA_API_KEY_ID or APCA_API_SECRET_KEY is longer than %zu bytes",
			 sizeof a->hdr_id - 30);
		explicit_bzero(a->hdr_secret, sizeof a->hdr_secret);
		return -1;
	}
	a->key = id;
	a->secret = secret;
	a->headers[0] = a->hdr_id;
	a->headers[1] = a->hdr_secret;
	a->headers[2] = "Accept: application/json";
	a->headers[3] = "Content-Type: application/json";
	return 0;
}

static int alpaca_option(void *b, int c, const char *arg, char *err)
{
	alpaca *a = b;
	if (c != OPT_TIMEOUT) {
		snprintf(err, QTS_ERR_MAX, "alpaca: no such option");
		return -1;
	}
	if (qts_duration_parse(arg, &a->timeout) < 0 || a->timeout < QTS_NS_PER_SEC / 10 ||
	    a->timeout > 600 * QTS_NS_PER_SEC) {
		snprintf(err, QTS_ERR_MAX, "--alpaca-timeout: '%s' is not a duration from 100ms to 10m", arg);
		return -1;
	}
	return 0;
}

static void alpaca_free(void *b)
{
	alpaca *a = b;
	if (!a)
		return;
	qts_ws_close(a->ws);
	qts_net_free(a->net);
	qts_alpaca_book_free(a->book);
	qts_symtab_free(a->earlier);
	qts_posguard_free(&a->pos);
	explicit_bzero(a->hdr_secret, sizeof a->hdr_secret);
	free(a);
}

/* ---- REST ------------------------------------------------------------------- */

/* method path (after the base URL): 0 with an answer in r (any status),
 * QTS_BROKER_DOWN or QTS_BROKER_STOP with err. */
static int request(alpaca *a, const char *method, const char *path, const char *body, qts_http_resp *r,
		   char *err)
{
	char url[1200];
	snprintf(url, sizeof url, "%s%s", a->base, path);
	if (qts_net_request(a->net, method, url, a->headers, body, QTS_NET_RETRY_ALL, r, err) == 0)
		return 0;
	return qts_interrupted || strstr(err, ": interrupted") ? QTS_BROKER_STOP : QTS_BROKER_DOWN;
}

/* An answer that is not 2xx as a failure of the connection (the keys, a
 * server that is not Alpaca's), into err. */
static int refused(alpaca *a, const char *what, const qts_http_resp *r, char *err)
{
	char why[300];
	qts_alpaca_error_reason(r->body, r->len, r->status, why, sizeof why);
	snprintf(err, QTS_ERR_MAX, "alpaca: %s: %s%s", what, why,
		 r->status == 401 || r->status == 403 ? " (the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY)" : "");
	(void)a;
	return QTS_BROKER_DOWN;
}

static int ok(const qts_http_resp *r)
{
	return r->status >= 200 && r->status < 300;
}

/* GET /v2/orders:by_client_order_id: 1 with o, 0 when Alpaca has no such
 * order, else QTS_BROKER_DOWN / STOP with err. */
static int get_order(alpaca *a, const char *id, qts_alpaca_order *o, char *err)
{
	char esc[3 * QTS_ID_MAX + 1], path[400];
	if (qts_url_escape(id, esc, sizeof esc) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: not an order id", id);
		return QTS_BROKER_DOWN;
	}
	snprintf(path, sizeof path, "/v2/orders:by_client_order_id?client_order_id=%s", esc);
	qts_http_resp r;
	int rc = request(a, "GET", path, NULL, &r, err);
	if (rc)
		return rc;
	if (r.status == 404)
		return 0;
	if (!ok(&r))
		return refused(a, "looking up an order", &r, err);
	char why[QTS_ERR_MAX];
	if (qts_alpaca_parse_order(r.body, r.len, o, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: order %s: %.400s", id, why);
		return QTS_BROKER_DOWN;
	}
	return 1;
}

/* GET /v2/orders?status=STATUS: the list (free it). */
static int get_orders(alpaca *a, const char *status, qts_alpaca_order **list, size_t *n, char *err)
{
	char path[200];
	snprintf(path, sizeof path, "/v2/orders?status=%s&limit=500&direction=desc&nested=false", status);
	qts_http_resp r;
	int rc = request(a, "GET", path, NULL, &r, err);
	if (rc)
		return rc;
	if (!ok(&r))
		return refused(a, "listing the orders", &r, err);
	char why[QTS_ERR_MAX];
	if (qts_alpaca_parse_orders(r.body, r.len, list, n, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: the orders: %.400s", why);
		return QTS_BROKER_DOWN;
	}
	return 0;
}

/* The book's news of order o (m: the stream's message, or NULL) into
 * out, the fills in it moving the positions the output implies: the
 * count said (0 or 1), or -1 when out of memory. */
static int apply(alpaca *a, const qts_alpaca_order *o, const qts_alpaca_tmsg *m, qts_evbuf *out)
{
	size_t at = out->n;
	int said = qts_alpaca_book_apply(a->book, o, m, out);
	if (said <= 0 || !a->counting)
		return said;
	for (size_t i = at; i < out->n; i++)
		if (out->ev[i].type == QTS_FILL && qts_posguard_fill(&a->pos, &out->ev[i]) < 0)
			return -1;
	return said;
}

/* The account and the positions: an equity event, and a position event
 * for each position (all, or only those that changed, a position gone
 * being one of qty 0). */
static int read_account(alpaca *a, int all, qts_evbuf *out, char *err)
{
	qts_http_resp r;
	int64_t now = qts_wall_now();
	char why[QTS_ERR_MAX];
	int rc = request(a, "GET", "/v2/account", NULL, &r, err);
	if (rc)
		return rc;
	if (!ok(&r))
		return refused(a, "the account", &r, err);
	qts_event eq;
	if (qts_alpaca_parse_account(r.body, r.len, now, &eq, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %.400s", why);
		return QTS_BROKER_DOWN;
	}
	if ((rc = request(a, "GET", "/v2/positions", NULL, &r, err)))
		return rc;
	if (!ok(&r))
		return refused(a, "the positions", &r, err);
	qts_evbuf got = { 0 };
	if (qts_alpaca_parse_positions(r.body, r.len, now, &got, why) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %.400s", why);
		qts_evbuf_free(&got);
		return QTS_BROKER_DOWN;
	}
	/* a figure held back waits for the stream's fills: another read
	 * follows */
	int fail = 0;
	qts_posguard_begin(&a->pos);
	for (size_t i = 0; !fail && i < got.n; i++) {
		int held = qts_posguard_offer(&a->pos, &got.ev[i], all, out);
		fail = held < 0;
		a->dirty |= held > 0;
	}
	if (!fail) {
		int held = qts_posguard_end(&a->pos, now, all, out);
		fail = held < 0;
		a->dirty |= held > 0;
	}
	if (!fail)
		fail = qts_evbuf_push(out, &eq) < 0;
	qts_evbuf_free(&got);
	if (fail) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	return 0;
}

/* The recent orders, for what the stream did not say. */
static int poll_orders(alpaca *a, qts_evbuf *out, char *err)
{
	qts_alpaca_order *list;
	size_t n;
	int rc = get_orders(a, "all", &list, &n, err);
	if (rc)
		return rc;
	/* oldest first: the list is newest first */
	for (size_t i = n; i-- > 0;) {
		int said = apply(a, &list[i], NULL, out);
		if (said < 0) {
			free(list);
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
		if (said && list[i].filled > 0)
			a->dirty = 1;
	}
	free(list);
	return 0;
}

/* ---- the stream -------------------------------------------------------------- */

static void stream_down(alpaca *a, int64_t now)
{
	/* A stream that drops soon after it came up counts as a failed
	 * attempt, whatever it said meanwhile (qts_backoff_held). */
	if (qts_backoff_held(a->up_since, now))
		a->attempt = 0;
	a->up_since = 0;
	qts_ws_close(a->ws);
	a->ws = NULL;
	a->pinged = 0;
	int64_t base = qts_backoff_env();
	if (base < 0)
		base = 500 * 1000000LL;
	a->next_connect = now + qts_backoff(&a->rng, base, BACKOFF_CAP, a->attempt < 30 ? a->attempt : 30, base);
	a->attempt++;
	a->next_poll = now; /* poll at once: what the stream did not say */
}

/* A message of the stream: its news into out.  0, or -1 (out of
 * memory). */
static int take(alpaca *a, const qts_alpaca_tmsg *m, qts_evbuf *out)
{
	if (m->kind != QTS_ALPACA_T_UPDATE)
		return 0;
	int said = apply(a, &m->order, m, out);
	if (said > 0 && m->order.filled > 0)
		a->dirty = 1;
	return said < 0 ? -1 : 0;
}

/* Wait for a message of kind want in the handshake, taking the updates
 * that come meanwhile: 0, or -1 with err, -2 when stopping. */
static int expect(alpaca *a, int want, int64_t deadline, qts_evbuf *out, char *err)
{
	for (;;) {
		const char *text;
		size_t len;
		int r = qts_ws_recv(a->ws, deadline, &text, &len, err);
		if (r == -2)
			return -2;
		if (r == 0) {
			snprintf(err, QTS_ERR_MAX, "no answer to the %s", want == QTS_ALPACA_T_AUTHORIZED ? "keys"
									  : "listen request");
			return -1;
		}
		if (r < 0)
			return -1;
		qts_alpaca_tmsg m;
		char why[QTS_ERR_MAX];
		if (qts_alpaca_parse_tmsg(text, len, &m, why) < 0)
			continue; /* not understood: nothing of ours */
		if (m.kind == QTS_ALPACA_T_UNAUTHORIZED || m.kind == QTS_ALPACA_T_ERROR) {
			snprintf(err, QTS_ERR_MAX, "the stream refused the %s: %s",
				 want == QTS_ALPACA_T_AUTHORIZED ? "keys" : "listen request", m.text);
			return -1;
		}
		if (take(a, &m, out) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		if (m.kind == want) {
			if (want == QTS_ALPACA_T_LISTENING && !m.listening) {
				snprintf(err, QTS_ERR_MAX, "the stream does not offer trade_updates");
				return -1;
			}
			return 0;
		}
	}
}

/* Connect the stream, authenticate, listen: 0, -1 with err (polling goes
 * on), QTS_BROKER_STOP. */
static int stream_up(alpaca *a, qts_evbuf *out, char *err)
{
	int stopping;
	int64_t deadline = qts_loop_now() + STREAM_TIMEOUT;
	if (!(a->ws = qts_ws_connect(a->stream_url, NULL, deadline, err, &stopping)))
		return stopping ? QTS_BROKER_STOP : -1;
	a->pinged = 0;
	json_t *auth = json_pack("{s:s,s:s,s:s}", "action", "auth", "key", a->key, "secret", a->secret);
	char *text = auth ? json_dumps(auth, JSON_COMPACT) : NULL;
	json_decref(auth);
	if (!text) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	int r = qts_ws_send_text(a->ws, text, strlen(text)); /* wslay keeps a copy */
	explicit_bzero(text, strlen(text));
	free(text);
	if (r < 0)
		snprintf(err, QTS_ERR_MAX, "the keys could not be sent");
	else
		r = expect(a, QTS_ALPACA_T_AUTHORIZED, deadline, out, err);
	static const char listen[] = "{\"action\":\"listen\",\"data\":{\"streams\":[\"trade_updates\"]}}";
	if (r == 0 && (r = qts_ws_send_text(a->ws, listen, sizeof listen - 1)) < 0)
		snprintf(err, QTS_ERR_MAX, "the listen request could not be sent");
	else if (r == 0)
		r = expect(a, QTS_ALPACA_T_LISTENING, deadline, out, err);
	if (r == -2)
		return QTS_BROKER_STOP;
	if (r == 0)
		a->up_since = qts_loop_now();
	return r < 0 ? -1 : 0;
}

/* The stream's URL for a base URL: its /stream over ws(s). */
static void derive_stream(const char *base, char *out, size_t outlen)
{
	if (strncmp(base, "https://", 8) == 0)
		snprintf(out, outlen, "wss://%s/stream", base + 8);
	else if (strncmp(base, "http://", 7) == 0)
		snprintf(out, outlen, "ws://%s/stream", base + 7);
	else
		snprintf(out, outlen, "%s/stream", base);
}

/* ---- the operations ------------------------------------------------------------ */

static int alpaca_endpoint_check(const char *base, char *err)
{
	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %.300s: not an http:// or https:// URL", base);
		return -1;
	}
	return 0;
}

static int connect_(void *b, const char *endpoint, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	if (keys(a, err) < 0)
		return QTS_BROKER_DOWN;
	const char *env = getenv("QTS_ALPACA_URL"), *senv = getenv("QTS_ALPACA_STREAM_URL");
	const char *base = endpoint ? endpoint : env && *env ? env : DEFAULT_URL;
	if (alpaca_endpoint_check(base, err) < 0)
		return QTS_BROKER_DOWN;
	char was[sizeof a->base];
	QTS_SET(was, a->base);
	snprintf(a->base, sizeof a->base, "%s", base);
	size_t n = strlen(a->base);
	while (n > 8 && a->base[n - 1] == '/')
		a->base[--n] = '\0';
	/* --fallback: the endpoint tried now is not the one whose failures
	 * opened the circuit */
	if (a->net && strcmp(was, a->base) != 0)
		qts_net_other_server(a->net);
	if (!endpoint && senv && *senv)
		snprintf(a->stream_url, sizeof a->stream_url, "%s", senv);
	else
		derive_stream(a->base, a->stream_url, sizeof a->stream_url);
	if (qts_ws_check_url(a->stream_url, err) < 0)
		return QTS_BROKER_DOWN;
	if (!a->net) {
		/* requests wait in the stage's loop: heartbeats, metrics and
		 * signals go on while Alpaca is slow to answer (a tick there
		 * finds the broker busy: qts-broker's and alpaca_poll's guards) */
		qts_net_conf nc = { .name = "alpaca", .rate_per_min = RATE_PER_MIN, .burst = BURST, .retries = -1,
				    .timeout = a->timeout, .wait_in_loop = 1 };
		if (!(a->net = qts_net_new(&nc, err)))
			return QTS_BROKER_DOWN;
	}
	qts_ws_close(a->ws);
	a->ws = NULL;
	a->busy = 1;
	int rc = read_account(a, 1, out, err);
	a->busy = 0;
	if (rc)
		return rc;
	/* the stream at once; when it cannot be had, polling until it can */
	int64_t now = qts_loop_now();
	a->attempt = 0;
	a->next_poll = INT64_MAX;
	a->next_refresh = now;
	char why[QTS_ERR_MAX];
	a->busy = 1;
	rc = stream_up(a, out, why);
	a->busy = 0;
	if (rc == QTS_BROKER_STOP) {
		snprintf(err, QTS_ERR_MAX, "interrupted");
		return rc;
	}
	if (rc < 0) {
		stream_down(a, now);
		if (qts_broker_warn(out, "alpaca: the stream %s: %s; polling until it is back", a->stream_url, why) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
	}
	return 0;
}

static int alpaca_lookup(void *b, const char *id, qts_broker_known *k, char *err)
{
	alpaca *a = b;
	qts_alpaca_order o;
	a->busy = 1;
	int rc = get_order(a, id, &o, err);
	a->busy = 0;
	if (rc != 1)
		return rc;
	k->status = o.status;
	k->filled = o.filled;
	k->avg_price = o.avg_price;
	k->side = o.side;
	k->qty = o.qty;
	if (qts_alpaca_book_know(a->book, &o) < 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	return 1;
}

static int open_orders(void *b, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	qts_alpaca_order *list;
	size_t n;
	a->busy = 1;
	int rc = get_orders(a, "open", &list, &n, err);
	a->busy = 0;
	if (rc)
		return rc;
	for (size_t i = n; i-- > 0;) {
		qts_event ev;
		qts_alpaca_update_event(&list[i], &ev);
		if (qts_alpaca_book_know(a->book, &list[i]) < 0 || qts_evbuf_push(out, &ev) < 0) {
			free(list);
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
	}
	free(list);
	return 0;
}

static int push_update(qts_evbuf *out, const qts_alpaca_order *o, const char *reason, char *err)
{
	qts_event ev;
	qts_alpaca_update_event(o, &ev);
	if (reason)
		QTS_SET_TEXT(ev.update.reason, reason);
	if (qts_evbuf_push(out, &ev) < 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	return 0;
}

/* Our order rejected, with Alpaca's reason. */
static int rejected(const qts_broker_order *o, const char *reason, qts_evbuf *out, char *err)
{
	qts_alpaca_order r = { .side = o->side, .status = QTS_STATUS_REJECTED, .avg_price = NAN, .ts = o->ts };
	QTS_SET(r.client_id, o->id);
	QTS_SET(r.symbol, o->symbol);
	QTS_SET(r.word, "rejected");
	int rc = push_update(out, &r, reason, err);
	return rc ? rc : QTS_BROKER_REJECTED;
}

/* The order Alpaca holds under our id made ours: its state said from now
 * on as it moves (the first word is "accepted"). */
static int adopt(alpaca *a, const qts_broker_order *o, const qts_alpaca_order *got, qts_evbuf *out, char *err)
{
	qts_alpaca_order mine = { .side = o->side, .status = QTS_STATUS_NEW, .avg_price = NAN };
	QTS_SET(mine.client_id, o->id);
	QTS_SET(mine.symbol, o->symbol);
	QTS_SET(mine.id, got->id);
	if (qts_alpaca_book_know(a->book, &mine) < 0 || apply(a, got, NULL, out) < 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	if (got->filled > 0)
		a->dirty = 1;
	return QTS_BROKER_OK;
}

static char *order_body(const qts_broker_order *o)
{
	char n[4][32];
	static const char *const kinds[] = { "market", "limit", "stop", "stop_limit" };
	static const char *const tifs[] = { "day", "gtc", "ioc", "fok" };
	if (o->kind < 0 || o->kind > 3 || o->tif < 0 || o->tif > 3)
		return NULL;
	qts_num_format(o->qty, n[0]);
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "symbol", o->symbol, "qty", n[0], "side",
			      o->side == QTS_BUY ? "buy" : "sell", "type", kinds[o->kind], "time_in_force",
			      tifs[o->tif], "client_order_id", o->id);
	if (j && qts_kind_has_limit(o->kind) && isfinite(o->limit)) {
		qts_num_format(o->limit, n[1]);
		json_object_set_new(j, "limit_price", json_string(n[1]));
	}
	if (j && qts_kind_has_stop(o->kind) && isfinite(o->stop)) {
		qts_num_format(o->stop, n[2]);
		json_object_set_new(j, "stop_price", json_string(n[2]));
	}
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* A fresh id Alpaca refused at the first attempt as one it has: an
 * earlier run's order (ids for targets start again each run without a
 * journal), never to be taken for this one, whose fills it would report.
 * Its recent orders are listed, so that the next fresh ids skip all the
 * earlier run's at once rather than one refusal each. */
static int taken(alpaca *a, const char *id, char *err)
{
	qts_alpaca_order *list = NULL;
	size_t n = 0;
	int rc = get_orders(a, "all", &list, &n, err);
	if (rc == QTS_BROKER_STOP)
		return rc;
	/* (no list: the next fresh id is tried, and refused alike if taken) */
	int fail = !qts_symtab_get(a->earlier, id);
	for (size_t i = 0; !rc && i < n && !fail; i++)
		if (!qts_alpaca_book_has(a->book, list[i].client_id, NULL))
			fail = !qts_symtab_get(a->earlier, list[i].client_id);
	free(list);
	if (fail) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return QTS_BROKER_DOWN;
	}
	return QTS_BROKER_TAKEN;
}

static int alpaca_id_used(void *b, const char *id)
{
	alpaca *a = b;
	return qts_symtab_find(a->earlier, id) || qts_alpaca_book_has(a->book, id, NULL);
}

static int place(alpaca *a, const qts_broker_order *o, qts_evbuf *out, char *err)
{
	char *body = order_body(o);
	if (!body)
		return rejected(o, "alpaca: not an order Alpaca takes (kind or time in force)", out, err);
	qts_http_resp r;
	int rc = request(a, "POST", "/v2/orders", body, &r, err);
	free(body);
	if (rc)
		return rc;
	char why[QTS_ERR_MAX];
	if (ok(&r)) {
		qts_alpaca_order got;
		if (qts_alpaca_parse_order(r.body, r.len, &got, why) < 0) {
			/* taken, but the answer is not understood: the
			 * stream or polling says what becomes of it */
			qts_alpaca_order mine = { .side = o->side, .status = QTS_STATUS_NEW, .avg_price = NAN };
			QTS_SET(mine.client_id, o->id);
			QTS_SET(mine.symbol, o->symbol);
			if (qts_alpaca_book_know(a->book, &mine) < 0 ||
			    qts_broker_warn(out, "alpaca: order %s: the answer: %s", o->id, why) < 0) {
				snprintf(err, QTS_ERR_MAX, "out of memory");
				return QTS_BROKER_DOWN;
			}
			return QTS_BROKER_OK;
		}
		return adopt(a, o, &got, out, err);
	}
	if (qts_alpaca_duplicate_id(r.body, r.len, r.status)) {
		/* Sent before (an attempt whose answer was lost, or a run
		 * that stopped before it heard): the order is Alpaca's
		 * already.  Ours when it is the same order. */
		qts_alpaca_order got;
		if (o->fresh && r.attempts <= 1)
			return taken(a, o->id, err);
		/* Not found, though Alpaca has the id: asked again a little
		 * later (a lookup may not see an order just taken); still
		 * not, the order is in doubt, never rejected: it may be
		 * working, and the broker is down until reconciliation finds
		 * it. */
		for (int tries = 0;; tries++) {
			if ((rc = get_order(a, o->id, &got, err)) < 0)
				return rc;
			if (rc == 1 || tries == LOOKUP_AGAIN)
				break;
			if (qts_sleep_until(qts_loop_now() + (LOOKUP_WAIT << tries)) < 0) {
				snprintf(err, QTS_ERR_MAX, "interrupted");
				return QTS_BROKER_STOP;
			}
		}
		if (rc == 0) {
			snprintf(err, QTS_ERR_MAX, "alpaca: order %s: Alpaca has its client_order_id, yet does not find it",
				 o->id);
			return QTS_BROKER_DOWN;
		}
		if (strcmp(got.symbol, o->symbol) == 0 && got.side == o->side &&
		    (got.qty == 0 || fabs(got.qty - o->qty) <= QTS_QTY_EPS))
			return adopt(a, o, &got, out, err);
		snprintf(why, sizeof why, "alpaca: client_order_id %s is taken by another order of %s", o->id, got.symbol);
		return rejected(o, why, out, err);
	}
	if (r.status == 401)
		return refused(a, "placing an order", &r, err);
	qts_alpaca_error_reason(r.body, r.len, r.status, why, sizeof why);
	char reason[QTS_TEXT_MAX];
	qts_text_format(reason, sizeof reason, "alpaca: %s", why);
	return rejected(o, reason, out, err);
}

/* The events from out->ev[from] on dated by the stage, which dates them
 * at its latest time: Alpaca's clock is not the stream's (a replay of
 * old data trades now), and the output stays in time order. */
static void undate(qts_evbuf *out, size_t from)
{
	for (size_t i = from; i < out->n; i++)
		out->ev[i].ts = 0;
}

static int alpaca_connect(void *b, const char *endpoint, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	size_t at = out->n;
	a->counting = 0; /* the account read at connect is the truth */
	int rc = connect_(b, endpoint, out, err);
	a->counting = 1;
	undate(out, at);
	return rc;
}

static int alpaca_account(void *b, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	size_t at = out->n;
	a->busy = 1;
	int rc = read_account(a, 1, out, err);
	a->busy = 0;
	undate(out, at);
	return rc;
}

static int alpaca_open_orders(void *b, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	size_t at = out->n;
	a->counting = 0;
	int rc = open_orders(b, out, err);
	a->counting = 1;
	undate(out, at);
	return rc;
}

static int alpaca_place(void *b, const qts_broker_order *o, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	a->busy = 1;
	size_t at = out->n;
	int rc = place(a, o, out, err);
	undate(out, at);
	a->busy = 0;
	return rc;
}

static int cancel(alpaca *a, const char *id, qts_evbuf *out, char *err)
{
	char aid[64] = "", path[260];
	qts_alpaca_order o;
	int rc;
	if (!qts_alpaca_book_has(a->book, id, aid) || !aid[0]) {
		if ((rc = get_order(a, id, &o, err)) < 0)
			return rc;
		if (rc == 0) {
			qts_alpaca_order none = { .status = QTS_STATUS_REJECTED, .avg_price = NAN, .ts = qts_wall_now() };
			QTS_SET(none.client_id, id);
			QTS_SET(none.word, "rejected");
			rc = push_update(out, &none, "alpaca: cancel: no such order at Alpaca", err);
			return rc ? rc : QTS_BROKER_REJECTED;
		}
		if (!qts_alpaca_book_has(a->book, id, NULL) && qts_alpaca_book_know(a->book, &o) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
		QTS_SET(aid, o.id);
	}
	char esc[3 * 64 + 1];
	if (qts_url_escape(aid, esc, sizeof esc) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: Alpaca's id is not one", id);
		return QTS_BROKER_DOWN;
	}
	snprintf(path, sizeof path, "/v2/orders/%s", esc);
	qts_http_resp r;
	if ((rc = request(a, "DELETE", path, NULL, &r, err)))
		return rc;
	if (ok(&r))
		return QTS_BROKER_OK; /* canceled: the stream says so */
	if (r.status == 401)
		return refused(a, "canceling an order", &r, err);
	/* Refused (filled or canceled already: 422): the order as it is,
	 * and why. */
	char why[300], reason[QTS_TEXT_MAX];
	qts_alpaca_error_reason(r.body, r.len, r.status, why, sizeof why);
	qts_text_format(reason, sizeof reason, "alpaca: cancel refused: %s", why);
	if ((rc = get_order(a, id, &o, err)) < 0)
		return rc;
	if (rc == 1) {
		int said = apply(a, &o, NULL, out);
		if (said < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return QTS_BROKER_DOWN;
		}
		if (said && o.filled > 0)
			a->dirty = 1; /* the account is read again after fills */
		if (qts_status_final(o.status)) {
			/* filled or ended meanwhile: its final update is said
			 * (now by apply, or before); a second would repeat it */
			if (qts_broker_warn(out, "alpaca: cancel %s refused: %.220s", id, why) < 0) {
				snprintf(err, QTS_ERR_MAX, "out of memory");
				return QTS_BROKER_DOWN;
			}
			return QTS_BROKER_REJECTED;
		}
	}
	if (rc == 0) {
		memset(&o, 0, sizeof o);
		QTS_SET(o.client_id, id);
		o.status = QTS_STATUS_REJECTED;
		o.avg_price = NAN;
		o.ts = qts_wall_now();
	}
	rc = push_update(out, &o, reason, err);
	return rc ? rc : QTS_BROKER_REJECTED;
}

static int alpaca_cancel(void *b, const char *id, int64_t ts, const char *why, qts_evbuf *out, char *err)
{
	(void)ts, (void)why; /* the stage dates what Alpaca answers, in Alpaca's words */
	alpaca *a = b;
	a->busy = 1;
	size_t at = out->n;
	int rc = cancel(a, id, out, err);
	undate(out, at);
	a->busy = 0;
	return rc;
}

static int alpaca_fd(void *b, short *events)
{
	alpaca *a = b;
	*events = POLLIN;
	return a->ws ? qts_ws_fd(a->ws) : -1;
}

static int poll_(alpaca *a, int64_t now, qts_evbuf *out, char *err)
{
	int rc;
	char why[QTS_ERR_MAX];
	/* the stream: what has come */
	while (a->ws) {
		const char *text;
		size_t len;
		int r = qts_ws_recv(a->ws, now, &text, &len, why);
		if (r == -2)
			return QTS_BROKER_STOP;
		if (r == 0)
			break;
		if (r < 0) {
			stream_down(a, now);
			if (qts_broker_warn(out, "alpaca: %s; polling until it is back", why) < 0)
				goto oom;
			break;
		}
		a->pinged = 0;
		qts_alpaca_tmsg m;
		if (qts_alpaca_parse_tmsg(text, len, &m, why) < 0) {
			if (qts_broker_warn(out, "alpaca: a stream message dropped: %s", why) < 0)
				goto oom;
			continue;
		}
		if (m.kind == QTS_ALPACA_T_ERROR || m.kind == QTS_ALPACA_T_UNAUTHORIZED) {
			stream_down(a, now);
			if (qts_broker_warn(out, "alpaca: the stream said: %s; polling until it is back", m.text) < 0)
				goto oom;
			break;
		}
		if (take(a, &m, out) < 0)
			goto oom;
	}
	if (a->ws) { /* a quiet stream is asked whether it is alive */
		int64_t heard = qts_ws_last_heard(a->ws);
		if (now - heard >= 2 * PING_AFTER) {
			stream_down(a, now);
			if (qts_broker_warn(out, "alpaca: the stream: nothing heard for %d s; polling until it is back",
				 (int)(2 * PING_AFTER / QTS_NS_PER_SEC)) < 0)
				goto oom;
		} else if (now - heard >= PING_AFTER && !a->pinged) {
			qts_ws_ping(a->ws);
			a->pinged = 1;
		}
	}
	if (!a->ws && now >= a->next_connect) {
		rc = stream_up(a, out, why);
		if (rc == QTS_BROKER_STOP)
			return rc;
		if (rc < 0) {
			int first = a->attempt == 0;
			stream_down(a, now);
			if (first && qts_broker_warn(out, "alpaca: the stream %s: %s; polling until it is back", a->stream_url,
					  why) < 0)
				goto oom;
		} else
			a->next_poll = now; /* once more: what came while it was down */
	}
	if (now >= a->next_poll) {
		if ((rc = poll_orders(a, out, err)))
			return rc;
		a->next_poll = a->ws ? INT64_MAX : now + POLL_EVERY;
	}
	if (a->dirty && now >= a->next_refresh) {
		a->dirty = 0; /* set again when the account disagrees with the fills */
		if ((rc = read_account(a, 0, out, err)))
			return rc;
		a->next_refresh = now + REFRESH_EVERY;
	}
	return 0;
oom:
	snprintf(err, QTS_ERR_MAX, "out of memory");
	return QTS_BROKER_DOWN;
}

static int alpaca_poll(void *b, int64_t now, qts_evbuf *out, char *err)
{
	alpaca *a = b;
	if (a->busy || !a->net)
		return 0; /* a tick inside one of our own waits: the next poll comes */
	a->busy = 1;
	size_t at = out->n;
	int rc = poll_(a, now, out, err);
	undate(out, at);
	a->busy = 0;
	return rc;
}

const qts_broker_ops qts_broker_alpaca = {
	.name = "alpaca",
	.options = alpaca_options,
	.usage = "  alpaca: Alpaca's trading API, paper by default (keys in APCA_API_KEY_ID and\n"
		 "          APCA_API_SECRET_KEY; QTS_ALPACA_URL, QTS_ALPACA_STREAM_URL)\n"
		 "  --alpaca-timeout DURATION\n"
		 "                          the longest a request to Alpaca may take (10s)\n",
	.new = alpaca_new,
	.option = alpaca_option,
	.connect = alpaca_connect,
	.endpoint_check = alpaca_endpoint_check,
	.lookup = alpaca_lookup,
	.account = alpaca_account,
	.open_orders = alpaca_open_orders,
	.place = alpaca_place,
	.id_used = alpaca_id_used,
	.cancel = alpaca_cancel,
	.market = NULL,
	.fd = alpaca_fd,
	.poll = alpaca_poll,
	.finish = NULL,
	.free = alpaca_free,
};
