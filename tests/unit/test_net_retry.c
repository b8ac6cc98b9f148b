/* HTTP retries, Retry-After, the circuit breaker and the token bucket
 * (net.c, http.c) against a scripted server on 127.0.0.1 in a child
 * process: each connection gets the next answer of the script. */
#include "qts_loop.h"
#include "qts_net.h"
#include "tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int listener, port;
static pid_t server;
static int served_pipe[2]; /* the child writes a byte per request served */

/* The child: answer each connection with the next line of the script,
 * then close it.  "cut" promises more bytes than it sends. */
static void serve(const char *const *script)
{
	for (size_t i = 0; script[i]; i++) {
		int c = accept(listener, NULL, NULL);
		if (c < 0)
			_exit(1);
		char req[4096];
		ssize_t n = read(c, req, sizeof req);
		(void)n;
		if (write(served_pipe[1], "x", 1) != 1)
			_exit(1);
		const char *s = script[i];
		char out[512];
		int len;
		if (strcmp(s, "cut") == 0)
			len = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
				       "Connection: close\r\n\r\nshort");
		else if (strncmp(s, "429 ", 4) == 0)
			len = snprintf(out, sizeof out, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %s\r\n"
				       "Content-Length: 0\r\nConnection: close\r\n\r\n", s + 4);
		else
			len = snprintf(out, sizeof out, "HTTP/1.1 %s\r\nContent-Length: 2\r\nConnection: close\r\n"
				       "\r\nok", s);
		if (write(c, out, (size_t)len) != len)
			_exit(1);
		close(c);
	}
	_exit(0);
}

static void start(const char *const *script)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 16) < 0 ||
	    getsockname(listener, (struct sockaddr *)&a, &al) < 0 || pipe(served_pipe) < 0)
		exit(2);
	port = ntohs(a.sin_port);
	if ((server = fork()) == 0)
		serve(script);
	close(served_pipe[1]);
}

/* How many requests the server answered, once it is done. */
static int stop(void)
{
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	close(listener);
	int n = 0;
	char b;
	while (read(served_pipe[0], &b, 1) == 1)
		n++;
	close(served_pipe[0]);
	return n;
}

int main(void)
{
	char url[128], err[QTS_ERR_MAX];
	qts_http_resp r;
	setenv("QTS_NET_BACKOFF_MS", "1", 1);

	{
		static const char *const script[] = { "500 Internal Server Error", "503 Service Unavailable", "cut",
						      "200 OK", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = -1 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x?apikey=SECRET", port);
		int rc = qts_net_get(n, url, NULL, &r, err);
		CHECK(rc == 0 && r.status == 200 && r.attempts == 4, "500, 503 and a body cut short are retried");
		CHECK_STR(r.body, "ok", "the body of the answer that came");
		qts_net_free(n);
		CHECK(stop() == 4, "four requests");
	}
	{
		static const char *const script[] = { "500 Internal Server Error", "500 Internal Server Error",
						      "500 Internal Server Error", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = 2, .breaker_after = 10 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x?apikey=SECRET", port);
		int rc = qts_net_get(n, url, NULL, &r, err);
		char want[256];
		snprintf(want, sizeof want, "t: http://127.0.0.1:%d/x?apikey=***: HTTP 500 (after 3 attempts)", port);
		CHECK(rc < 0, "the retries run out");
		CHECK_STR(err, want, "the error names the source, the URL without its key and the last failure");
		qts_net_free(n);
		CHECK(stop() == 3, "the first try and two retries");
	}
	{
		static const char *const script[] = { "404 Not Found", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = -1 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/missing", port);
		int rc = qts_net_get(n, url, NULL, &r, err);
		CHECK(rc == 0 && r.status == 404 && r.attempts == 1, "a 404 is an answer, not retried");
		qts_net_free(n);
		CHECK(stop() == 1, "one request");
	}
	{
		static const char *const script[] = { "429 1", "200 OK", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = -1 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
		int64_t t0 = qts_loop_now();
		int rc = qts_net_get(n, url, NULL, &r, err);
		int64_t waited = qts_loop_now() - t0;
		CHECK(rc == 0 && r.status == 200 && r.attempts == 2, "a 429 is retried");
		/* A lower bound only: the backoff alone (1 ms) is far shorter. */
		CHECK(waited >= QTS_NS_PER_SEC, "after the second that Retry-After asked");
		qts_net_free(n);
		CHECK(stop() == 2, "two requests");
	}
	{
		static const char *const script[] = { "429 3600", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = -1 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
		int rc = qts_net_get(n, url, NULL, &r, err);
		char want[256];
		snprintf(want, sizeof want, "t: http://127.0.0.1:%d/x: HTTP 429, and the server asks to wait 3600 s", port);
		CHECK(rc < 0, "a wait of an hour is not waited for");
		CHECK_STR(err, want, "it says how long the server asked");
		qts_net_free(n);
		CHECK(stop() == 1, "one request");
	}
	{
		static const char *const script[] = { "500 Internal Server Error", "500 Internal Server Error", NULL };
		start(script);
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = 5, .breaker_after = 2,
							  .breaker_cooldown = 60 * QTS_NS_PER_SEC }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
		int rc = qts_net_get(n, url, NULL, &r, err);
		CHECK(rc < 0 && strstr(err, "2 failures in a row opened the circuit") && strstr(err, "the last: HTTP 500"),
		      "two failures open the circuit, and the retries stop");
		rc = qts_net_get(n, url, NULL, &r, err);
		CHECK(rc < 0 && strstr(err, "opened the circuit"), "an open circuit fails at once");
		qts_net_free(n);
		CHECK(stop() == 2, "no request while it is open");
	}
	{
		static const char *const script[] = { "200 OK", "200 OK", "200 OK", NULL };
		start(script);
		/* 120 a minute, a burst of 1: one request every half second. */
		qts_net *n = qts_net_new(&(qts_net_conf){ .name = "t", .retries = -1, .rate_per_min = 120 }, err);
		snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
		int64_t t0 = qts_loop_now();
		int ok = 1;
		for (int i = 0; i < 3; i++)
			ok &= qts_net_get(n, url, NULL, &r, err) == 0 && r.status == 200;
		int64_t took = qts_loop_now() - t0;
		CHECK(ok, "three answers");
		CHECK(took >= QTS_NS_PER_SEC - 10000000, "the bucket spaces them half a second apart (a lower bound)");
		qts_net_free(n);
		CHECK(stop() == 3, "three requests");
	}
	return tap_done();
}
