/* net.c — HTTP for a client that must never hammer its service: a token
 * bucket at the service's documented rate, retries with backoff and full
 * jitter (rate_limit.c), at least as long as the server's Retry-After,
 * only where a request may be repeated, and a circuit breaker that stops
 * asking a service that keeps failing.  Every wait runs in the stage's
 * loop. */
#include "qts_http.h"
#include "qts_net.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A server that asks for a longer wait than this is not waited for: the
 * request fails, saying how long it asked. */
#define WAIT_MAX (300 * QTS_NS_PER_SEC)

struct qts_net {
	qts_net_conf c;
	qts_http *http;
	qts_rate_bucket bucket;
	int failures;            /* failed attempts in a row */
	int64_t open_until;      /* the circuit is open until then (monotonic ns) */
	uint64_t rng;
	char name[40];
};

qts_net *qts_net_new(const qts_net_conf *c, char *err)
{
	qts_net *n = calloc(1, sizeof *n);
	if (!n || !(n->http = qts_http_new())) {
		free(n);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	n->c = *c;
	QTS_SET(n->name, c->name ? c->name : "http");
	n->c.name = n->name;
	if (n->c.retries < 0)
		n->c.retries = 4;
	if (n->c.timeout <= 0)
		n->c.timeout = 30 * QTS_NS_PER_SEC;
	int64_t b = qts_backoff_env();
	if (b >= 0)
		n->c.backoff_base = b;
	else if (n->c.backoff_base <= 0)
		n->c.backoff_base = 500 * 1000000LL;
	if (n->c.backoff_cap <= 0)
		n->c.backoff_cap = 30 * QTS_NS_PER_SEC;
	if (n->c.breaker_after <= 0)
		n->c.breaker_after = 5;
	if (n->c.breaker_cooldown <= 0)
		n->c.breaker_cooldown = 30 * QTS_NS_PER_SEC;
	qts_rate_bucket_init(&n->bucket, n->c.rate_per_min, n->c.window, n->c.burst);
	qts_http_wait_in_loop(n->http, n->c.wait_in_loop);
	qts_jitter_seed(&n->rng, n);
	return n;
}

void qts_net_other_server(qts_net *n)
{
	n->failures = 0;
	n->open_until = 0;
}

void qts_net_free(qts_net *n)
{
	if (!n)
		return;
	qts_http_free(n->http);
	free(n);
}

/* The wait before attempt+1: full jitter, at least what the server asked. */
static int64_t backoff(qts_net *n, int attempt, int64_t asked)
{
	return qts_backoff(&n->rng, n->c.backoff_base, n->c.backoff_cap, attempt, asked);
}

static void failed_attempt(qts_net *n)
{
	if (++n->failures >= n->c.breaker_after)
		n->open_until = qts_loop_now() + n->c.breaker_cooldown;
}

static int retryable(long status)
{
	return status == 429 || status >= 500 || status == 408;
}

/* May this failed attempt be made again?  A read always; a request that
 * is not to be repeated only when it cannot have been acted on: it never
 * left (refused, no such host) or the server said "too many" (429). */
static int may_retry(int retry, int got, const qts_http_result *res)
{
	if (retry == QTS_NET_RETRY_ALL)
		return 1;
	if (retry == QTS_NET_RETRY_UNSENT)
		return got < 0 ? res->not_sent : res->status == 429;
	return 0;
}

static void fill(qts_http_resp *r, const qts_http_result *res, int attempts)
{
	r->status = res->status;
	r->body = (char *)res->body;
	r->len = res->len;
	QTS_SET(r->content_type, res->content_type);
	r->retry_after = res->retry_after;
	r->attempts = attempts;
}

int qts_net_get(qts_net *n, const char *url, const char *const *headers, qts_http_resp *r, char *err)
{
	return qts_net_request(n, "GET", url, headers, NULL, QTS_NET_RETRY_ALL, r, err);
}

int qts_net_request(qts_net *n, const char *method, const char *url, const char *const *headers,
		    const char *body, int retry, qts_http_resp *r, char *err)
{
	char shown[240];
	qts_net_redact(url, shown, sizeof shown);
	char last[120] = "";
	*r = (qts_http_resp){ .retry_after = -1 };
	for (int attempt = 0;; attempt++) {
		int64_t now = qts_loop_now();
		if (n->open_until > now) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: not asked: %d failures in a row opened the circuit "
				 "for %.3g s%s%s", n->name, shown, n->failures, (double)(n->open_until - now) / 1e9,
				 last[0] ? "; the last: " : "", last);
			return -1;
		}
		if (qts_rate_bucket_take(&n->bucket) < 0) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: interrupted", n->name, shown);
			return -1;
		}
		qts_http_result res;
		int got = qts_http_request(n->http, method, url, headers, body, body ? strlen(body) : 0,
					   n->c.timeout, &res);
		fill(r, &res, attempt + 1);
		if (qts_interrupted) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: interrupted", n->name, shown);
			return -1;
		}
		if (got == 0 && !retryable(res.status)) {
			n->failures = 0;
			n->open_until = 0;
			return 0;
		}
		if (got < 0)
			QTS_SET(last, res.error);
		else
			snprintf(last, sizeof last, "HTTP %ld", res.status);
		failed_attempt(n);
		if (res.retry_after > WAIT_MAX) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: %s, and the server asks to wait %.0f s", n->name, shown,
				 last, (double)res.retry_after / 1e9);
			return -1;
		}
		if (attempt >= n->c.retries || res.final || !may_retry(retry, got, &res)) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: %s (after %d attempt%s)", n->name, shown, last,
				 attempt + 1, attempt ? "s" : "");
			return -1;
		}
		if (n->open_until > qts_loop_now())
			continue; /* says so above */
		if (qts_sleep_until(qts_loop_now() + backoff(n, attempt, res.retry_after)) < 0) {
			snprintf(err, QTS_ERR_MAX, "%s: %s: interrupted", n->name, shown);
			return -1;
		}
	}
}

int qts_net_throttled(qts_net *n, const char *why, qts_http_resp *r, char *err)
{
	failed_attempt(n);
	if (r->attempts > n->c.retries || n->open_until > qts_loop_now()) {
		snprintf(err, QTS_ERR_MAX, "%s: %s (after %d attempt%s)", n->name, why, r->attempts,
			 r->attempts == 1 ? "" : "s");
		return 0;
	}
	if (qts_sleep_until(qts_loop_now() + backoff(n, r->attempts - 1, r->retry_after)) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s; interrupted", n->name, why);
		return 0;
	}
	return 1;
}

static int key_like(const char *name, size_t len)
{
	static const char *const words[] = { "key", "token", "secret", "password", "passwd", "sig",
					     "auth", "credential", NULL };
	char low[64];
	if (len >= sizeof low)
		len = sizeof low - 1;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	for (size_t i = 0; words[i]; i++)
		if (strstr(low, words[i]))
			return 1;
	return 0;
}

static void append(char *out, size_t *o, size_t outlen, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *o + 1 < outlen; i++)
		out[(*o)++] = s[i];
	out[*o] = '\0';
}

void qts_net_redact(const char *url, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = url;
	if (!outlen)
		return;
	out[0] = '\0';
	const char *scheme = strstr(url, "://");
	if (scheme) { /* user:password@ in the authority */
		const char *auth = scheme + 3;
		size_t alen = strcspn(auth, "@/?#");
		if (auth[alen] == '@') {
			append(out, &o, outlen, url, (size_t)(auth - url));
			append(out, &o, outlen, "***@", 4);
			p = auth + alen + 1;
		}
	}
	const char *q = strchr(p, '?');
	if (!q) {
		append(out, &o, outlen, p, strlen(p));
		return;
	}
	append(out, &o, outlen, p, (size_t)(q - p + 1));
	for (q++; *q && *q != '#';) {
		size_t plen = strcspn(q, "&#");
		const char *eq = memchr(q, '=', plen);
		if (eq && key_like(q, (size_t)(eq - q))) {
			append(out, &o, outlen, q, (size_t)(eq - q + 1));
			append(out, &o, outlen, "***", 3);
		} else
			append(out, &o, outlen, q, plen);
		q += plen;
		if (*q == '&')
			append(out, &o, outlen, q++, 1);
	}
	append(out, &o, outlen, q, strlen(q));
}

int qts_url_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outlen)
				return -1;
			out[o++] = '%', out[o++] = hex[c >> 4], out[o++] = hex[c & 15];
		}
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return 0;
}
