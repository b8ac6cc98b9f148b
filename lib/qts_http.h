/* qts_http.h — one HTTP request (http.c), under net.c's retries.
 * Internal to qts (not installed). */
#ifndef QTS_HTTP_H
#define QTS_HTTP_H

#include "qts.h"

#include <curl/curl.h>

typedef struct qts_http qts_http;

typedef struct qts_http_result {
	long status;             /* 0: no answer */
	const char *body;        /* NUL-terminated, the handle's until the next get */
	size_t len;
	int64_t retry_after;     /* ns; -1: none asked */
	char content_type[128];
	char error[256];         /* the transport failure, without the URL */
	int not_sent;            /* it failed before the request could reach the server */
	int final;               /* asking again cannot mend it (a redirect not followed) */
} qts_http_result;

qts_http *qts_http_new(void); /* NULL when out of memory */
/* Wait for answers in the stage's loop (qts_stage_wait: heartbeats and
 * the rest go on) rather than in curl: on for a source's requests. */
void qts_http_wait_in_loop(qts_http *h, int on);
void qts_http_free(qts_http *h);
/* 0 when an answer came (any status), -1 when none did (res->error). */
int qts_http_get(qts_http *h, const char *url, const char *const *headers, int64_t timeout,
		 qts_http_result *res);
/* The same with any method ("POST", "DELETE"...) and a body (NULL:
 * none).  Redirects are followed for GET alone, and with headers (they
 * may carry keys) within the URL's origin only: one to another scheme,
 * host or port is a final failure. */
int qts_http_request(qts_http *h, const char *method, const char *url, const char *const *headers,
		     const char *body, size_t body_len, int64_t timeout, qts_http_result *res);

#endif
