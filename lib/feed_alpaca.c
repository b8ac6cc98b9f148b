/* feed_alpaca.c — `alpaca:SYM`: historical bars from Alpaca's market data
 * API v2 (GET /v2/stocks/{symbol}/bars), a page a chunk, following
 * next_page_token.  The keys travel in Alpaca's headers (APCA-API-KEY-ID,
 * APCA-API-SECRET-KEY), never in the URL, so no message can show them. */
#include "qts_alpaca.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Alpaca's documented limit for the free plan: 200 requests a minute. */
#define RATE_PER_MIN 200
/* The most bars a page may hold (Alpaca's maximum for limit). */
#define PAGE_LIMIT 10000

int qts_alpaca_keys(const char **id, const char **secret, char *err)
{
	*id = getenv("APCA_API_KEY_ID");
	*secret = getenv("APCA_API_SECRET_KEY");
	int no_id = !*id || !**id, no_secret = !*secret || !**secret;
	if (!no_id && !no_secret)
		return 0;
	snprintf(err, QTS_ERR_MAX, "alpaca: %s%s%s not set: Alpaca's market data needs the keys of an "
		 "account (a free one will do) in APCA_API_KEY_ID and APCA_API_SECRET_KEY",
		 no_id ? "APCA_API_KEY_ID" : "", no_id && no_secret ? " and " : "",
		 no_secret ? "APCA_API_SECRET_KEY" : "");
	return -1;
}

int qts_alpaca_timeframe(qts_tf tf, char *buf)
{
	if (tf.n == 0)
		tf = (qts_tf){ 1, 'd' };
	switch (tf.unit) {
	case 'm':
		if (tf.n > 59)
			return -1;
		snprintf(buf, 16, "%dMin", tf.n);
		return 0;
	case 'h':
		if (tf.n > 23)
			return -1;
		snprintf(buf, 16, "%dHour", tf.n);
		return 0;
	case 'd':
		if (tf.n != 1)
			return -1;
		strcpy(buf, "1Day");
		return 0;
	case 'w':
		if (tf.n != 1)
			return -1;
		strcpy(buf, "1Week");
		return 0;
	case 'M':
		if (tf.n != 1 && tf.n != 2 && tf.n != 3 && tf.n != 4 && tf.n != 6 && tf.n != 12)
			return -1;
		snprintf(buf, 16, "%dMonth", tf.n);
		return 0;
	default:
		return -1;
	}
}

static int serves(qts_tf tf)
{
	char buf[16];
	return qts_alpaca_timeframe(tf, buf) == 0;
}

static int number(json_t *o, const char *key, double *v)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return 0;
}

int qts_alpaca_parse_bars(const char *body, size_t len, const char *symbol, qts_tf tf, qts_evbuf *out,
			  char *token, size_t toklen, char *err)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (toklen)
		token[0] = '\0';
	if (!root) {
		snprintf(err, QTS_ERR_MAX, "not JSON: %s at byte %d", je.text, je.position);
		return -1;
	}
	int rc = -1;
	char tfname[16];
	if (tf.n == 0)
		tf = (qts_tf){ 1, 'd' };
	qts_tf_format(tf, tfname);
	/* A day or longer: Alpaca stamps the bar at midnight in New York
	 * (04:00 or 05:00 UTC); qts dates it by that trading day at 00:00
	 * UTC.  Twelve hours on, the UTC day is the New York one. */
	int by_day = tf.unit == 'd' || tf.unit == 'w' || tf.unit == 'M';
	json_t *bars = json_object_get(root, "bars"), *next = json_object_get(root, "next_page_token");
	if (!json_is_object(root)) {
		snprintf(err, QTS_ERR_MAX, "not a page of bars (a JSON object with \"bars\")");
		goto out;
	}
	if (!json_is_array(bars) && !json_is_null(bars)) {
		snprintf(err, QTS_ERR_MAX, "\"bars\" is %s, not a list",
			 bars ? "something else" : "missing (not a page of bars)");
		goto out;
	}
	if (next && !json_is_null(next) && !json_is_string(next)) {
		snprintf(err, QTS_ERR_MAX, "\"next_page_token\" is not a string");
		goto out;
	}
	size_t i;
	json_t *b;
	json_array_foreach(bars, i, b) {
		const char *t = json_string_value(json_object_get(b, "t"));
		int64_t ts;
		qts_event ev;
		if (!json_is_object(b)) {
			snprintf(err, QTS_ERR_MAX, "bar %zu is not an object", i + 1);
			goto out;
		}
		if (!t || qts_time_parse(t, strlen(t), &ts) < 0) {
			snprintf(err, QTS_ERR_MAX, "bar %zu: \"t\" is not an RFC 3339 time", i + 1);
			goto out;
		}
		if (by_day) {
			int64_t noon;
			if (__builtin_add_overflow(ts, QTS_NS_PER_DAY / 2, &noon)) {
				snprintf(err, QTS_ERR_MAX, "bar %zu: \"t\" is past the last time there is", i + 1);
				goto out;
			}
			ts = noon - qts_floor_mod(noon, QTS_NS_PER_DAY);
		}
		qts_event_init(&ev, QTS_BAR, ts);
		QTS_SET(ev.symbol, symbol);
		QTS_SET(ev.bar.tf, tfname);
		static const char *const keys[] = { "o", "h", "l", "c", "v" };
		double *vals[] = { &ev.bar.open, &ev.bar.high, &ev.bar.low, &ev.bar.close, &ev.bar.volume };
		for (size_t k = 0; k < 5; k++)
			if (number(b, keys[k], vals[k]) < 0) {
				snprintf(err, QTS_ERR_MAX, "bar %zu (%s): \"%s\" is not a number", i + 1, t, keys[k]);
				goto out;
			}
		if (qts_evbuf_push(out, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			goto out;
		}
	}
	if (json_is_string(next) && toklen) {
		if (json_string_length(next) >= toklen) {
			snprintf(err, QTS_ERR_MAX, "\"next_page_token\" is longer than %zu bytes", toklen - 1);
			goto out;
		}
		snprintf(token, toklen, "%s", json_string_value(next));
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- the iterator -------------------------------------------------------- */

typedef struct it {
	qts_net *net;
	qts_tf tf;
	char symbol[QTS_SYM_MAX];
	char url[1024];          /* up to the page token */
	char token[512];         /* the next page's; "" */
	int pages;
	char **asked;            /* the tokens pages were asked with: asked[i], page i + 2's */
	size_t nasked;
	char hid[300], hsecret[300];
	const char *headers[3];
} it;

static void fmt_time(int64_t ns, char *buf)
{
	if (ns < 0) /* Alpaca has nothing before 2015; 1970 is "all there is" */
		ns = 0;
	qts_time_format(ns, buf);
}

static void *open_it(qts_net *net, const char *base_url, const qts_feed_request *rq, char *err)
{
	const char *id, *secret;
	char tfname[16], sym[3 * QTS_SYM_MAX], start[48], end[48] = "";
	if (qts_alpaca_keys(&id, &secret, err) < 0)
		return NULL;
	if (qts_alpaca_timeframe(rq->tf, tfname) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: no such timeframe at Alpaca (it has 1m to 59m, 1h to "
			 "23h, 1d, 1w, 1M, 2M, 3M, 4M, 6M, 12M)", rq->symbol);
		return NULL;
	}
	if (!rq->symbol[0] || strlen(rq->symbol) >= QTS_SYM_MAX || qts_url_escape(rq->symbol, sym, sizeof sym) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: '%s' is not a symbol (1 to %d bytes)", rq->symbol, QTS_SYM_MAX - 1);
		return NULL;
	}
	it *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	t->net = net;
	t->tf = rq->tf.n ? rq->tf : (qts_tf){ 1, 'd' };
	QTS_SET(t->symbol, rq->symbol);
	fmt_time(rq->from == INT64_MIN ? 0 : rq->from, start);
	if (rq->to != INT64_MAX)
		fmt_time(rq->to, end);
	const char *feed = getenv("QTS_ALPACA_FEED");
	size_t blen = strlen(base_url);
	while (blen && base_url[blen - 1] == '/')
		blen--;
	int n = snprintf(t->url, sizeof t->url, "%.*s/v2/stocks/%s/bars?timeframe=%s&start=%s%s%s&limit=%d"
			 "&adjustment=%s%s%s", (int)blen, base_url, sym, tfname, start, end[0] ? "&end=" : "", end,
			 PAGE_LIMIT, rq->adjust ? "all" : "raw", feed && *feed ? "&feed=" : "",
			 feed && *feed ? feed : "");
	if (n < 0 || (size_t)n >= sizeof t->url) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: the base URL is too long", rq->symbol);
		free(t);
		return NULL;
	}
	snprintf(t->hid, sizeof t->hid, "APCA-API-KEY-ID: %s", id);
	snprintf(t->hsecret, sizeof t->hsecret, "APCA-API-SECRET-KEY: %s", secret);
	t->headers[0] = t->hid;
	t->headers[1] = t->hsecret;
	return t;
}

/* Alpaca's error bodies are {"code":N,"message":"..."}; the message says
 * more than the status. */
static void error_body(const qts_http_resp *r, char *out, size_t outlen)
{
	json_t *root = json_loadb(r->body ? r->body : "", r->len, 0, NULL);
	const char *m = json_string_value(json_object_get(root, "message"));
	snprintf(out, outlen, "%.200s", m ? m : "");
	json_decref(root);
}

static int next_it(void *arg, qts_evbuf *out, char *err)
{
	it *t = arg;
	char url[sizeof t->url + 3 * sizeof t->token + 16], token[3 * sizeof t->token], perr[400];
	if (t->token[0]) {
		if (qts_url_escape(t->token, token, sizeof token) < 0) {
			snprintf(err, QTS_ERR_MAX, "alpaca: %s: the page token is too long", t->symbol);
			return -1;
		}
		snprintf(url, sizeof url, "%s&page_token=%s", t->url, token);
	} else
		snprintf(url, sizeof url, "%s", t->url);
	qts_http_resp r;
	if (qts_net_get(t->net, url, t->headers, &r, err) < 0)
		return -1;
	t->pages++;
	if (r.status != 200) {
		char why[256];
		error_body(&r, why, sizeof why);
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: HTTP %ld%s%s%s", t->symbol, r.status, why[0] ? " (" : "", why,
			 why[0] ? ")" : "");
		if (r.status == 401 || r.status == 403)
			snprintf(err + strlen(err), QTS_ERR_MAX - strlen(err),
				 ": the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY were refused");
		return -1;
	}
	char asked[sizeof t->token];
	memcpy(asked, t->token, sizeof asked);
	if (qts_alpaca_parse_bars(r.body, r.len, t->symbol, t->tf, out, t->token, sizeof t->token, perr) < 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: page %d: %.400s", t->symbol, t->pages, perr);
		return -1;
	}
	/* A page that names itself as the next, or a page asked for before
	 * (A, B, A...), would be asked for forever. */
	if (t->token[0] && strcmp(t->token, asked) == 0) {
		snprintf(err, QTS_ERR_MAX, "alpaca: %s: page %d: \"next_page_token\" is the token it was asked with: "
			 "the pages would never end", t->symbol, t->pages);
		return -1;
	}
	if (!t->token[0])
		return 0;
	for (size_t i = 0; i < t->nasked; i++)
		if (strcmp(t->token, t->asked[i]) == 0) {
			snprintf(err, QTS_ERR_MAX, "alpaca: %s: page %d: \"next_page_token\" is the token page %zu was "
				 "asked with: the pages would never end", t->symbol, t->pages, i + 2);
			return -1;
		}
	char **a = realloc(t->asked, (t->nasked + 1) * sizeof *a);
	if (!a || !(a[t->nasked] = strdup(t->token))) {
		if (a)
			t->asked = a;
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	t->asked = a;
	t->nasked++;
	return 1;
}

static void close_it(void *arg)
{
	it *t = arg;
	if (t) {
		/* the keys do not outlive the request */
		memset(t->hid, 0, sizeof t->hid);
		memset(t->hsecret, 0, sizeof t->hsecret);
		for (size_t i = 0; i < t->nasked; i++)
			free(t->asked[i]);
		free(t->asked);
	}
	free(t);
}

const qts_feed_kind qts_feed_alpaca = {
	.name = "alpaca",
	.url_env = "QTS_ALPACA_DATA_URL",
	.default_url = "https://data.alpaca.markets",
	.rate_per_min = RATE_PER_MIN,
	.burst = 10,
	.tfs = "1m-59m,1h-23h,1d,1w,1M,2M,3M,4M,6M,12M",
	.serves = serves,
	.open = open_it,
	.next = next_it,
	.actions = NULL,
	.close = close_it,
	.key_env = "QTS_ALPACA_FEED",
};
