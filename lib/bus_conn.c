/* bus_conn.c — the connection of qts-bus to a NATS server: connecting
 * with backoff (in the stage's loop, so heartbeats and signals go on),
 * libnats' own reconnecting paced by the same backoff, what happened said
 * on standard error, and the JetStream stream made when missing. */
#include "qts_bus.h"
#include "qts_loop.h"
#include "qts_net.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Backoff when QTS_NET_BACKOFF_MS is unset: first waits of up to 250 ms,
 * never more than 10 s (a bus is live: it should be back soon after the
 * server is). */
#define BUS_BACKOFF_BASE (250 * 1000000LL)
#define BUS_BACKOFF_CAP (10 * QTS_NS_PER_SEC)

/* nats://user:pass@host:port: the user and password are never said. */
static void mask_url(const char *url, char *out, size_t size)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
	const char *start = scheme ? scheme + 3 : url;
	if (!at || at < start)
		snprintf(out, size, "%s", url);
	else
		snprintf(out, size, "%.*s***%s", (int)(start - url), url, at);
}

void qts_bus_err(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, QTS_ERR_MAX, fmt, ap);
	va_end(ap);
}

void qts_bus_init(qts_bus *b, const char *url, long retries)
{
	memset(b, 0, sizeof *b);
	snprintf(b->url, sizeof b->url, "%s", url);
	mask_url(url, b->shown, sizeof b->shown);
	b->retries = retries;
	int64_t env = qts_backoff_env();
	b->base = env >= 0 ? env : BUS_BACKOFF_BASE;
	b->cap = env >= 0 && env * 64 < BUS_BACKOFF_CAP ? env * 64 : BUS_BACKOFF_CAP;
	qts_jitter_seed(&b->rng, b);
	qts_jitter_seed(&b->rng_nats, &b->rng_nats);
}

void qts_bus_why(natsStatus s, jsErrCode jerr, char *out, size_t size)
{
	/* libnats' last error says where in libnats it was: "(js.c:123): what" */
	const char *detail = nats_GetLastError(NULL), *end;
	if (detail && detail[0] == '(' && (end = strstr(detail, "): ")))
		detail = end + 3;
	if (s == NATS_NO_RESPONDERS)
		snprintf(out, size, "no responders (is JetStream on? nats-server -js; or --core)");
	else if (s == NATS_NO_SERVER)
		snprintf(out, size, "no server answered");
	else if ((jerr || s == NATS_ERR) && detail && *detail)
		snprintf(out, size, jerr ? "%s (JetStream error %d)" : "%s", detail, (int)jerr);
	else
		snprintf(out, size, "%s", natsStatus_GetText(s));
}

int qts_bus_transient(natsStatus s, jsErrCode jerr)
{
	if (jerr == JSNotEnabledErr || jerr == JSNotEnabledForAccountErr)
		return 0;
	/* JetStream answers 503 (no responders) while it starts or is
	 * elected; the connection's own troubles pass when the server is back. */
	return s == NATS_TIMEOUT || s == NATS_NO_SERVER || s == NATS_NO_RESPONDERS || s == NATS_IO_ERROR ||
	       s == NATS_STALE_CONNECTION || s == NATS_CONNECTION_DISCONNECTED || s == NATS_NOT_YET_CONNECTED ||
	       s == NATS_SLOW_CONSUMER;
}

int qts_bus_retry(qts_bus *b, const char *what, natsStatus s, jsErrCode jerr, char *err)
{
	char why[400];
	qts_bus_why(s, jerr, why, sizeof why);
	err[0] = '\0';
	if (qts_interrupted)
		return -1;
	if (b->retries >= 0 && b->attempt >= b->retries) {
		qts_bus_err(err, "%s: %s: %s; gave up after %d attempt%s", b->shown, what, why, b->attempt + 1,
			 b->attempt ? "s" : "");
		return -1;
	}
	int64_t wait = qts_backoff(&b->rng, b->base, b->cap, b->attempt, -1);
	b->attempt++;
	if (!b->failing) {
		qts_warn("%s: %s: %s; retrying with backoff", b->shown, what, why);
		b->failing = 1;
	}
	return qts_sleep_until(qts_loop_now() + wait) < 0 ? -1 : 0;
}

void qts_bus_ok(qts_bus *b)
{
	if (b->failing)
		qts_warn("%s: working again after %d attempt%s", b->shown, b->attempt + 1, b->attempt ? "s" : "");
	b->failing = 0;
	b->attempt = 0;
}

/* libnats' threads count; the main thread says (qts_bus_report). */
static void on_disconnected(natsConnection *nc, void *arg)
{
	(void)nc;
	atomic_fetch_add(&((qts_bus *)arg)->disconnects, 1);
}

static void on_reconnected(natsConnection *nc, void *arg)
{
	(void)nc;
	atomic_fetch_add(&((qts_bus *)arg)->reconnects, 1);
}

static void on_closed(natsConnection *nc, void *arg)
{
	(void)nc;
	atomic_store(&((qts_bus *)arg)->closed, 1);
}

/* libnats reconnects by itself; its waits follow qts's backoff (ms). */
static int64_t reconnect_delay(natsConnection *nc, int attempts, void *arg)
{
	(void)nc;
	qts_bus *b = arg;
	return qts_backoff(&b->rng_nats, b->base, b->cap, attempts > 0 ? attempts - 1 : 0, -1) / 1000000;
}

/* Errors libnats meets on its own threads (a slow consumer) are said by
 * the calls that meet them next: nothing is printed from those threads. */
static void on_async_error(natsConnection *nc, natsSubscription *sub, natsStatus s, void *arg)
{
	(void)nc, (void)sub, (void)s, (void)arg;
}

int qts_bus_report(qts_bus *b, char *err)
{
	unsigned d = atomic_load(&b->disconnects), r = atomic_load(&b->reconnects);
	if (d != b->said_disconnects) {
		b->said_disconnects = d;
		if (d > r) {
			qts_warn("%s: disconnected; reconnecting with backoff", b->shown);
			b->said_down = 1;
		}
	}
	/* Back: libnats' callback says so, or the connection is up again
	 * (messages can come before that callback runs, and the stream end
	 * with them). */
	if (r != b->said_reconnects) {
		b->said_reconnects = r;
		if (!b->said_ahead)
			qts_warn("%s: reconnected", b->shown);
		b->said_ahead = 0;
		b->said_down = 0;
	} else if (b->said_down && b->nc && natsConnection_Status(b->nc) == NATS_CONN_STATUS_CONNECTED) {
		qts_warn("%s: reconnected", b->shown);
		b->said_ahead = 1;
		b->said_down = 0;
	}
	if (atomic_load(&b->closed)) {
		qts_bus_err(err, "%s: connection closed (the server stayed away past --retries)", b->shown);
		return -1;
	}
	return 0;
}

int qts_bus_connect(qts_bus *b, int core, char *err)
{
	err[0] = '\0';
	natsStatus s = natsOptions_Create(&b->opts);
	if (s == NATS_OK)
		s = natsOptions_SetURL(b->opts, b->url);
	if (s == NATS_OK)
		s = natsOptions_SetName(b->opts, qts_progname);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(b->opts, 2000);
	if (s == NATS_OK)
		s = natsOptions_SetAllowReconnect(b->opts, true);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(b->opts, b->retries < 0 || b->retries > 1000000 ? -1 : (int)b->retries);
	if (s == NATS_OK)
		s = natsOptions_SetCustomReconnectDelay(b->opts, reconnect_delay, b);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(b->opts, on_disconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(b->opts, on_reconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(b->opts, on_closed, b);
	if (s == NATS_OK)
		s = natsOptions_SetErrorHandler(b->opts, on_async_error, b);
	char why[400];
	if (s != NATS_OK) {
		qts_bus_why(s, 0, why, sizeof why);
		qts_bus_err(err, "%s: %s", b->shown, why);
		return -1;
	}
	for (;;) {
		s = natsConnection_Connect(&b->nc, b->opts);
		if (s == NATS_OK)
			break;
		if (!qts_bus_transient(s, 0)) {
			qts_bus_why(s, 0, why, sizeof why);
			qts_bus_err(err, "%s: %s", b->shown, why);
			return -1;
		}
		if (qts_bus_retry(b, "connect", s, 0, err) < 0)
			return -1;
	}
	qts_bus_ok(b);
	if (core)
		return 0;
	jsOptions jo;
	jsOptions_Init(&jo);
	jo.Wait = 2000;
	jo.PublishAsync.MaxPending = 4096;
	jo.PublishAsync.ErrHandler = b->on_pub_error;
	jo.PublishAsync.ErrHandlerClosure = b->on_pub_error_arg;
	if ((s = natsConnection_JetStream(&b->js, b->nc, &jo)) != NATS_OK) {
		qts_bus_why(s, 0, why, sizeof why);
		qts_bus_err(err, "%s: JetStream: %s", b->shown, why);
		return -1;
	}
	return 0;
}

void qts_bus_stream_name(const char *subject, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "QTS_");
	for (const char *p = subject; *p && n + 1 < size; p++)
		out[n++] = isalnum((unsigned char)*p) || *p == '-' ? (char)toupper((unsigned char)*p) : '_';
	out[n < size ? n : size - 1] = '\0';
}

int qts_bus_subject_ok(const char *subject, int wild)
{
	const char *p = subject;
	if (!*p)
		return 0;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (len == 0)
			return 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c <= ' ' || c == 0x7f)
				return 0;
			if ((c == '*' || c == '>') && (!wild || len != 1 || (c == '>' && dot)))
				return 0;
		}
		if (!dot)
			return 1;
		p = dot + 1;
	}
}

/* Whether every subject that subject names is one that pattern, a
 * stream's subject, takes: token by token, '*' one token (a '*' of
 * subject too), '>' the one or more left (NATS's subject matching). */
static int subject_within(const char *subject, const char *pattern)
{
	const char *s = subject, *p = pattern;
	for (;;) {
		size_t sn = strcspn(s, "."), pn = strcspn(p, ".");
		if (pn == 1 && *p == '>')
			return 1;
		if (sn == 1 && *s == '>')
			return 0; /* more than a '*' or a name takes */
		if (!(pn == 1 && *p == '*') && (pn != sn || strncmp(s, p, sn) != 0))
			return 0;
		if (!s[sn] || !p[pn])
			return !s[sn] && !p[pn];
		s += sn + 1;
		p += pn + 1;
	}
}

/* A stream found that does not take subject (another subject's of the
 * same name, "md.x" and "md_x" both QTS_MD_X; or a --stream named for
 * others): 0 when it does, else -1 with err.  Left unsaid, publishing
 * met "no responders" for ever and subscribing a JetStream error. */
static int stream_takes(qts_bus *b, const jsStreamInfo *si, const char *name, const char *subject, char *err)
{
	const jsStreamConfig *c = si ? si->Config : NULL;
	if (!c || c->SubjectsLen <= 0)
		return 0; /* a mirror or sources only: the server judges */
	for (int i = 0; i < c->SubjectsLen; i++)
		if (c->Subjects[i] && subject_within(subject, c->Subjects[i]))
			return 0;
	qts_bus_err(err, "%s: stream %s is for subject %s%s, not %s: name another with --stream", b->shown, name,
		    c->Subjects[0] ? c->Subjects[0] : "", c->SubjectsLen > 1 ? " and others" : "", subject);
	return -1;
}

int qts_bus_ensure_stream(qts_bus *b, const char *stream, const char *subject, int64_t dedup, char *err)
{
	char name[300], why[400];
	if (stream)
		snprintf(name, sizeof name, "%s", stream);
	else
		qts_bus_stream_name(subject, name, sizeof name);
	for (;;) {
		jsStreamInfo *si = NULL;
		jsErrCode jerr = 0;
		natsStatus s = js_GetStreamInfo(&si, b->js, name, NULL, &jerr);
		if (s == NATS_OK) {
			int takes = stream_takes(b, si, name, subject, err);
			jsStreamInfo_Destroy(si);
			if (takes < 0)
				return -1;
			break;
		}
		if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
			jsStreamConfig cfg;
			jsStreamConfig_Init(&cfg);
			const char *subjects[] = { subject };
			cfg.Name = name;
			cfg.Subjects = subjects;
			cfg.SubjectsLen = 1;
			cfg.Storage = js_FileStorage;
			cfg.Duplicates = dedup;
			jerr = 0;
			s = js_AddStream(&si, b->js, &cfg, NULL, &jerr);
			if (s == NATS_OK) {
				jsStreamInfo_Destroy(si);
				break;
			}
			if (jerr == JSStreamNameExistErr)
				continue; /* made meanwhile by another */
		}
		if (!qts_bus_transient(s, jerr)) {
			qts_bus_why(s, jerr, why, sizeof why);
			qts_bus_err(err, "%s: stream %s for subject %s: %s", b->shown, name, subject, why);
			return -1;
		}
		if (qts_bus_retry(b, "stream", s, jerr, err) < 0)
			return -1;
	}
	qts_bus_ok(b);
	return 0;
}

long qts_bus_parse_retries(const char *s, const char *usage)
{
	if (strcmp(s, "forever") == 0)
		return -1;
	long n;
	char err[128];
	if (qts_parse_long(s, 0, 1000000, &n, err) < 0)
		qts_usage_error(usage, "--retries: %s (or forever)", err);
	return n;
}

void qts_bus_close(qts_bus *b)
{
	if (b->js)
		jsCtx_Destroy(b->js);
	if (b->nc) {
		natsConnection_FlushTimeout(b->nc, 1000);
		natsConnection_Destroy(b->nc);
	}
	if (b->opts)
		natsOptions_Destroy(b->opts);
	b->js = NULL;
	b->nc = NULL;
	b->opts = NULL;
	nats_CloseAndWait(2000);
}
