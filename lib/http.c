/* http.c — one HTTP GET through libcurl, for net.c: a reused handle
 * (connections and TLS sessions kept between requests), compression,
 * timeouts, a cap on the body, and the headers that say how long to wait
 * (Retry-After, rate-limit resets).  Retries are net.c's.
 *
 * For a stage (qts_http_wait_in_loop), the transfer runs through curl's
 * multi interface and waits in the stage's loop (qts_stage_wait), as
 * every other wait of a stage does: heartbeats, metrics, feedback and
 * signals go on while a server is slow to answer.  A source has no tick
 * to run there; a broker's tick, which reads the trade stream, finds the
 * broker in a call and waits for the next (an update of an order whose
 * submission has not returned yet would find no order to go to). */
#include "qts_http.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <ctype.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A body larger than this is refused: no vendor answer comes near it, and
 * a hostile server must not take all the memory. */
#define BODY_MAX (512L << 20)

/* Redirects followed at most. */
#define REDIRS_MAX 5

struct qts_http {
	CURL *curl;
	CURLM *multi;            /* the transfer, and the connections kept between them */
	int in_loop;             /* wait in the stage's loop, not in curl */
	char *body;
	size_t len, cap;
	int too_big;
	int64_t retry_after;     /* Retry-After: a wait asked for */
	/* A rate limit's quota left and its renewal (X-RateLimit-Remaining,
	 * -Reset; RateLimit-*), which Alpaca's and others' answers carry
	 * every time: a wait only when the quota is spent (or 429). */
	int64_t reset;
	long remaining;
	char content_type[128];
	char curl_err[CURL_ERROR_SIZE];
};

static int curl_ready;

qts_http *qts_http_new(void)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		curl_ready = 1;
	}
	qts_http *h = calloc(1, sizeof *h);
	if (!h || !(h->curl = curl_easy_init()) || !(h->multi = curl_multi_init())) {
		if (h)
			curl_easy_cleanup(h->curl);
		free(h);
		return NULL;
	}
	return h;
}

void qts_http_free(qts_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_multi_cleanup(h->multi);
	free(h->body);
	free(h);
}

void qts_http_wait_in_loop(qts_http *h, int on)
{
	h->in_loop = on;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)arg, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return qts_interrupted != 0;
}

/* The socket curl waits on, and for what: -1 when none, or several (a
 * connection tried over IPv6 and IPv4 at once), which are then looked
 * at every few milliseconds. */
static int one_socket(qts_http *h, short *events)
{
	fd_set r, w, e;
	int max = -1, fd = -1, n = 0;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	if (curl_multi_fdset(h->multi, &r, &w, &e, &max) != CURLM_OK)
		return -1;
	*events = 0;
	for (int i = 0; i <= max; i++)
		if (FD_ISSET(i, &r) || FD_ISSET(i, &w)) {
			fd = i, n++;
			*events = (short)((FD_ISSET(i, &r) ? POLLIN : 0) | (FD_ISSET(i, &w) ? POLLOUT : 0));
		}
	return n == 1 ? fd : -1;
}

/* One transfer of the easy handle as it is set, waiting in the stage's
 * loop.  curl's own timeouts end it as curl_easy_perform's would; the
 * stage stopping (a signal) ends it as interrupted. */
static CURLcode perform(qts_http *h)
{
	if (!h->in_loop)
		return curl_easy_perform(h->curl);
	if (curl_multi_add_handle(h->multi, h->curl) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = CURLE_OK;
	for (;;) {
		int running = 0;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK) {
			rc = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (!running) {
			int left;
			CURLMsg *m;
			while ((m = curl_multi_info_read(h->multi, &left)))
				if (m->msg == CURLMSG_DONE && m->easy_handle == h->curl)
					rc = m->data.result;
			break;
		}
		long ms = -1;
		curl_multi_timeout(h->multi, &ms);
		short events = 0;
		int fd = one_socket(h, &events);
		/* a second at most between two looks, 5 ms without one socket */
		long most = fd >= 0 ? 1000 : 5;
		if (ms < 0 || ms > most)
			ms = most;
		if (qts_interrupted || (ms > 0 && qts_stage_wait(fd, events, qts_loop_now() + ms * 1000000LL) < 0)) {
			rc = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
	}
	curl_multi_remove_handle(h->multi, h->curl);
	return rc;
}

/* scheme://host:port of url, lower case, into out: 0, or -1. */
static int origin(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	if (ok) {
		snprintf(out, n, "%s://%s:%s", scheme, host, port);
		for (char *p = out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	qts_http *h = arg;
	size_t add = size * n;
	if (h->len + add + 1 > (size_t)BODY_MAX) {
		h->too_big = 1;
		return 0; /* curl stops the transfer */
	}
	if (h->len + add + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 16384;
		while (cap < h->len + add + 1)
			cap *= 2;
		char *b = realloc(h->body, cap);
		if (!b)
			return 0;
		h->body = b;
		h->cap = cap;
	}
	memcpy(h->body + h->len, data, add);
	h->len += add;
	h->body[h->len] = '\0';
	return add;
}

/* Seconds, or an HTTP date (RFC 9110: IMF-fixdate), from now. */
static int64_t parse_wait(const char *v, int reset_is_epoch)
{
	while (*v == ' ' || *v == '\t')
		v++;
	char *end;
	double s = strtod(v, &end);
	if (end != v && isdigit((unsigned char)*v) && s < 1e11) {
		/* Rate-limit resets are epoch times where they are that large. */
		if (reset_is_epoch && s > 1e8) {
			double d = s - (double)time(NULL);
			return d > 0 ? (int64_t)(d * 1e9) : 0;
		}
		return s < 1e9 ? (int64_t)(s * 1e9) : -1;
	}
	struct tm tm = { 0 };
	char mon[4] = "";
	int day, year, hh, mm, ss;
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (sscanf(v, "%*3s, %d %3s %d %d:%d:%d GMT", &day, mon, &year, &hh, &mm, &ss) == 6) {
		const char *m = strstr(months, mon);
		if (!m || strlen(mon) != 3)
			return -1;
		tm.tm_year = year - 1900, tm.tm_mon = (int)(m - months) / 3, tm.tm_mday = day;
		tm.tm_hour = hh, tm.tm_min = mm, tm.tm_sec = ss;
		double d = difftime(timegm(&tm), time(NULL));
		return d > 0 ? (int64_t)(d * 1e9) : 0;
	}
	return -1;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	qts_http *h = arg;
	size_t len = size * n;
	char line[512];
	if (len >= sizeof line)
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncasecmp(line, "HTTP/", 5) == 0) { /* a new answer (after a redirect) */
		h->retry_after = h->reset = -1;
		h->remaining = -1;
		h->content_type[0] = '\0';
		return len;
	}
	char *colon = strchr(line, ':');
	if (!colon)
		return len;
	*colon = '\0';
	const char *name = line, *value = colon + 1;
	while (*value == ' ')
		value++;
	int64_t w = -1;
	if (strcasecmp(name, "Retry-After") == 0) {
		if ((w = parse_wait(value, 0)) >= 0 && w > h->retry_after)
			h->retry_after = w;
	} else if (strcasecmp(name, "X-RateLimit-Reset") == 0 || strcasecmp(name, "RateLimit-Reset") == 0) {
		if ((w = parse_wait(value, 1)) >= 0 && w > h->reset)
			h->reset = w;
	} else if (strcasecmp(name, "X-RateLimit-Remaining") == 0 || strcasecmp(name, "RateLimit-Remaining") == 0) {
		char *end;
		long left = strtol(value, &end, 10);
		if (end != value && left >= 0)
			h->remaining = left;
	}
	if (strcasecmp(name, "Content-Type") == 0)
		QTS_SET(h->content_type, value);
	return len;
}

int qts_http_get(qts_http *h, const char *url, const char *const *headers, int64_t timeout,
		 qts_http_result *res)
{
	return qts_http_request(h, "GET", url, headers, NULL, 0, timeout, res);
}

int qts_http_request(qts_http *h, const char *method, const char *url, const char *const *headers,
		     const char *body, size_t body_len, int64_t timeout, qts_http_result *res)
{
	int get = strcmp(method, "GET") == 0;
	CURL *c = h->curl;
	struct curl_slist *list = NULL;
	for (size_t i = 0; headers && headers[i]; i++) {
		struct curl_slist *l = curl_slist_append(list, headers[i]);
		if (!l) {
			curl_slist_free_all(list);
			QTS_SET(res->error, "out of memory");
			return -1;
		}
		list = l;
	}
	h->len = 0;
	h->too_big = 0;
	h->retry_after = h->reset = -1;
	h->remaining = -1;
	h->content_type[0] = '\0';
	h->curl_err[0] = '\0';
	if (h->body)
		h->body[0] = '\0';
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "qts/" QTS_VERSION);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl was built with */
	/* A redirect is followed for reads only: curl would turn a POST
	 * into a GET, and an order is never sent where it was not aimed.
	 * curl follows one itself only for a request without headers of
	 * the caller's: those carry keys (Alpaca's APCA-API-* headers), and
	 * curl would send them to any host a server names (it keeps back
	 * Authorization and cookies alone).  With them, a redirect is
	 * followed here, within the origin (scheme, host and port) only. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, get && !list ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)REDIRS_MAX);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	if (!get && (!body || strcmp(method, "POST") != 0))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* curl takes 0 for no limit at all: under a millisecond is one */
	long ms = timeout / 1000000 > 0 ? (long)(timeout / 1000000) : 1;
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
	/* Waiting in curl, through a signal (NOSIGNAL): its progress
	 * callback, at least once a second while nothing comes, ends the
	 * request on SIGINT or SIGTERM, so that the program stops within a
	 * second.  (In the loop, the loop sees the signal.) */
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	int64_t deadline = qts_loop_now() + timeout;
	char from[300] = "", to[300] = "";
	int elsewhere = 0;
	CURLcode rc;
	long status = 0;
	for (int hops = 0;; hops++) {
		rc = perform(h);
		status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		char *next = NULL;
		if (rc != CURLE_OK || !get || !list || status < 300 || status > 399 ||
		    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next) != CURLE_OK || !next)
			break;
		if ((!from[0] && origin(url, from, sizeof from) < 0) || origin(next, to, sizeof to) < 0 ||
		    strcmp(from, to) != 0) {
			elsewhere = 1;
			break;
		}
		int64_t left = deadline - qts_loop_now();
		if (hops + 1 > REDIRS_MAX || left <= 0) {
			rc = hops + 1 > REDIRS_MAX ? CURLE_TOO_MANY_REDIRECTS : CURLE_OPERATION_TIMEDOUT;
			break;
		}
		char *again = strdup(next); /* next is the handle's until it is set */
		if (!again) {
			rc = CURLE_OUT_OF_MEMORY;
			break;
		}
		curl_easy_setopt(c, CURLOPT_URL, again);
		free(again);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left / 1000000 > 0 ? (long)(left / 1000000) : 1L);
		h->len = 0;
		if (h->body)
			h->body[0] = '\0';
	}
	curl_slist_free_all(list);
	res->status = status;
	res->body = h->body ? h->body : "";
	res->len = h->len;
	res->retry_after = h->retry_after;
	/* The quota's renewal is a wait only when the quota is spent: on a
	 * 5xx with quota left it held a retry back up to a minute (and an
	 * order with it). */
	if (h->reset > res->retry_after && (status == 429 || h->remaining == 0))
		res->retry_after = h->reset;
	QTS_SET(res->content_type, h->content_type);
	res->error[0] = '\0';
	res->final = 0;
	/* Failures before a byte of the request could reach the server. */
	res->not_sent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
			rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR;
	if (elsewhere) {
		/* only the origin: the rest of a URL may hold a key */
		snprintf(res->error, sizeof res->error, "HTTP %ld redirects to another origin (%.150s): not followed "
			 "with the request's keys", status, to[0] ? to : "not a URL");
		res->final = 1;
		return -1;
	}
	if (rc == CURLE_OK)
		return 0;
	/* curl's own words name the host, never the query string. */
	if (h->too_big)
		snprintf(res->error, sizeof res->error, "the answer is larger than %ld MiB", BODY_MAX >> 20);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(res->error, sizeof res->error, "no answer within %.3g s", (double)timeout / 1e9);
	else if (rc == CURLE_ABORTED_BY_CALLBACK)
		snprintf(res->error, sizeof res->error, "interrupted");
	else if (rc == CURLE_PARTIAL_FILE)
		snprintf(res->error, sizeof res->error, "the answer was cut short (%zu bytes)", h->len);
	else
		snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
	return -1;
}
