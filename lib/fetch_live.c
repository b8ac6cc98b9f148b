/* fetch_live.c — qts-fetch --live alpaca:SYM...: Alpaca's real-time stream
 * (wss://stream.data.alpaca.markets/v2/iex) as a source stage.
 *
 * A run: the bars since --from from the REST API (feed_alpaca.c), then the
 * stream: connect, {"action":"auth"}, {"action":"subscribe"}, and every
 * bar, trade and quote given out the moment its message arrives (the
 * runtime flushes whenever the source waits).  A connection that drops,
 * or that says nothing (not even a pong to the ping sent after half of
 * --silence) for --silence, is made again after an exponential backoff
 * with jitter, and subscribed again; the minute bars missed meanwhile come
 * from the REST API, and what cannot be filled (trades and quotes, bars
 * the API would not give) is said by a `system` event at warn level.  It
 * ends at --to (an event at or after it, or the wall clock reaching it), on
 * a signal, or when the stream refuses the keys (exit 1). */
#include "qts_alpaca.h"
#include "qts_fetch.h"
#include "qts_live.h"
#include "qts_loop.h"
#include "qts_reorder.h"
#include "qts_time.h"
#include "qts_ws.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SILENCE (30 * QTS_NS_PER_SEC)
#define BACKOFF_BASE (500 * 1000000LL)
#define BACKOFF_CAP (30 * QTS_NS_PER_SEC)
/* How long connecting, and each answer of the handshake, may take. */
#define CONNECT_TIMEOUT (20 * QTS_NS_PER_SEC)

int qts_live_option(int c, const char *arg, qts_live_opts *lo, const char *usage)
{
	switch (c) {
	case QTS_OPT_LIVE:
		lo->on = 1;
		return 1;
	case QTS_OPT_FEED:
		if (strcmp(arg, "iex") && strcmp(arg, "sip"))
			qts_usage_error(usage, "--feed: '%s' is not iex or sip", arg);
		lo->feed = arg;
		return 1;
	case QTS_OPT_LIVE_TYPES: {
		int types = 0;
		for (const char *p = arg; *p;) {
			size_t n = strcspn(p, ",");
			if (n == 4 && strncmp(p, "bars", 4) == 0)
				types |= QTS_LIVE_BARS;
			else if (n == 6 && strncmp(p, "trades", 6) == 0)
				types |= QTS_LIVE_TRADES;
			else if (n == 6 && strncmp(p, "quotes", 6) == 0)
				types |= QTS_LIVE_QUOTES;
			else
				qts_usage_error(usage, "--live-types: '%.*s' is not bars, trades or quotes", (int)n, p);
			p += n + (p[n] == ',');
		}
		if (!types)
			qts_usage_error(usage, "--live-types: '%s' names none of bars, trades, quotes", arg);
		lo->types = types;
		return 1;
	}
	case QTS_OPT_SILENCE:
		if (qts_duration_parse(arg, &lo->silence) < 0 || lo->silence < QTS_NS_PER_SEC / 10 ||
		    lo->silence > 3600 * QTS_NS_PER_SEC)
			qts_usage_error(usage, "--silence: '%s' is not a duration from 100ms to 1h", arg);
		return 1;
	case QTS_OPT_REORDER:
		if ((strcmp(arg, "0") != 0 && qts_duration_parse(arg, &lo->reorder) < 0) || lo->reorder < 0 ||
		    lo->reorder > 60 * QTS_NS_PER_SEC)
			qts_usage_error(usage, "--reorder: '%s' is not a duration from 0 to 60s", arg);
		return 1;
	default:
		return 0;
	}
}

typedef struct sym {
	char name[QTS_SYM_MAX];
	int64_t last_bar;        /* the last minute bar given out; INT64_MIN: none */
	int64_t gap_from;        /* last_bar when the stream dropped */
	int64_t rest_last;       /* the last bar the REST API gave; INT64_MIN: none */
} sym;

typedef struct live {
	qts_live_opts o;
	qts_live_request rq;
	sym *syms;
	size_t nsyms;
	const char *key, *secret;
	char url[1024];
	qts_net *net;
	qts_validator *v;
	qts_ws *ws;
	qts_evbuf q;             /* events to give out, in order */
	size_t qat;
	int backfilled, ended;
	int draining;            /* after a signal: what was read goes out, nothing more is read */
	int pinged;              /* a ping is out, since the last frame heard */
	int64_t ping_at;         /* when it went (monotonic) */
	int attempt;             /* connections failed (or dropped before QTS_BACKOFF_HELD) in a row */
	int64_t up_since;        /* when the connection was subscribed (monotonic) */
	int dropped;             /* the stream was up and dropped: gaps to fill */
	int64_t down_wall;       /* when it dropped (wall clock) */
	int64_t started_wall;    /* when the stream was first subscribed */
	qts_time_order order;    /* of the events given out */
	qts_reorder held;        /* events in, held --reorder after they came */
	long reconnects, unfilled, skipped;
	char first_skipped[600];
	uint64_t rng;
	char err[1200];
} live;

static double uniform(live *l)
{
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return (double)((l->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int64_t backoff_base(void)
{
	const char *s = getenv("QTS_NET_BACKOFF_MS");
	char *end;
	double ms = s && *s ? strtod(s, &end) : -1;
	return s && *s && !*end && ms >= 0 && ms <= 3600000 ? (int64_t)(ms * 1e6) : BACKOFF_BASE;
}

/* To the second: a system event's message is short. */
static const char *fmt(int64_t ns, char *buf)
{
	qts_time_format(ns - qts_floor_mod(ns, QTS_NS_PER_SEC), buf);
	return buf;
}

/* A failure of net.c without the URL it names: "HTTP 500 (after 5
 * attempts)". */
static const char *why_only(const char *err)
{
	const char *url = strstr(err, "://"), *after = url ? strstr(url, ": ") : NULL;
	return after ? after + 2 : err;
}

static sym *find_sym(live *l, const char *name)
{
	for (size_t i = 0; i < l->nsyms; i++)
		if (strcmp(l->syms[i].name, name) == 0)
			return &l->syms[i];
	return NULL;
}

/* A system event (source qts-fetch, level warn) at the stream's time. */
static int say(live *l, const char *fmt_, ...) __attribute__((format(printf, 2, 3)));
static int say(live *l, const char *fmt_, ...)
{
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, l->order.last_ts == INT64_MIN ? QTS_TS_MIN : l->order.last_ts);
	QTS_SET(ev.system.source, "qts-fetch");
	QTS_SET(ev.system.level, "warn");
	char text[4 * QTS_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt_);
	vsnprintf(text, sizeof text, fmt_, ap);
	va_end(ap);
	qts_warn("%s", text);
	QTS_SET_TEXT(ev.system.message, text);
	return qts_evbuf_push(&l->q, &ev);
}

/* ---- REST: the history before the stream, and the gaps ----------------- */

static int by_known(const void *a, const void *b)
{
	const qts_event *x = a, *y = b;
	int64_t kx = qts_event_known(x), ky = qts_event_known(y);
	if (kx != ky)
		return kx < ky ? -1 : 1;
	int c = strcmp(x->symbol, y->symbol);
	if (c)
		return c;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* The bars of s in [from, to) of tf appended to l->q: 0, or -1 with err. */
static int rest_bars(live *l, sym *s, qts_tf tf, int64_t from, int64_t to, char *err)
{
	qts_feed_request rq = { .symbol = s->name, .tf = tf, .from = from, .to = to, .adjust = l->rq.adjust };
	qts_cache_opts co = { .off = 1 }; /* the last minutes may still change */
	qts_history *h = qts_history_open(&qts_feed_alpaca, l->net, &rq, &co, err);
	if (!h)
		return -1;
	qts_event ev;
	int r;
	while ((r = qts_history_next(h, &ev, err)) > 0) {
		if (qts_evbuf_push(&l->q, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			r = -1;
			break;
		}
		if (ev.ts > s->rest_last)
			s->rest_last = ev.ts;
	}
	qts_history_close(h);
	return r;
}

/* --from: every symbol's bars up to now (or --to), in time order. */
static int backfill(live *l)
{
	l->backfilled = 1;
	if (l->rq.from == INT64_MIN)
		return 0;
	int64_t to = qts_wall_now();
	if (l->rq.to < to)
		to = l->rq.to;
	qts_tf tf = l->rq.tf.n ? l->rq.tf : (qts_tf){ 1, 'm' };
	char err[QTS_ERR_MAX];
	for (size_t i = 0; i < l->nsyms; i++) {
		size_t before = l->q.n;
		if (rest_bars(l, &l->syms[i], tf, l->rq.from, to, err) < 0) {
			snprintf(l->err, sizeof l->err, "%s", err);
			return -1;
		}
		if (tf.unit == 'm' && tf.n == 1 && l->q.n > before)
			l->syms[i].last_bar = l->q.ev[l->q.n - 1].ts;
	}
	if (l->q.n)
		qsort(l->q.ev, l->q.n, sizeof *l->q.ev, by_known);
	return 0;
}

/* After a drop: the minute bars closed meanwhile, from REST; a system
 * event for what could not be had. */
static int fill_gaps(live *l)
{
	int64_t now = qts_wall_now(), minute = 60 * QTS_NS_PER_SEC;
	int64_t upto = now - qts_floor_mod(now, minute); /* bars closed by now */
	char a[48], b[48], err[QTS_ERR_MAX];
	if (l->o.types & QTS_LIVE_BARS)
		for (size_t i = 0; i < l->nsyms; i++) {
			sym *s = &l->syms[i];
			int64_t from = s->gap_from != INT64_MIN ? s->gap_from + minute
				     : l->started_wall - qts_floor_mod(l->started_wall, minute);
			if (from >= upto)
				continue;
			size_t at = l->q.n;
			if (rest_bars(l, s, (qts_tf){ 1, 'm' }, from, upto, err) < 0) {
				l->q.n = at;
				l->unfilled++;
				if (say(l, "alpaca: %s: 1m bars from %s to %s not filled after the stream dropped: %s",
					s->name, fmt(from, a), fmt(upto, b), why_only(err)) < 0)
					return -1;
				continue;
			}
		}
	if (l->o.types & (QTS_LIVE_TRADES | QTS_LIVE_QUOTES)) {
		int t = l->o.types & QTS_LIVE_TRADES, q = l->o.types & QTS_LIVE_QUOTES;
		l->unfilled++;
		if (say(l, "alpaca: %s%s%s from %s to %s lost while the stream was down", t ? "trades" : "",
			t && q ? " and " : "", q ? "quotes" : "", fmt(l->down_wall, a), fmt(now, b)) < 0)
			return -1;
	}
	/* What the stream sent with its answers to the handshake goes in
	 * order with the bars filled, each bar once. */
	if (l->q.n) /* (none yet: no buffer, which qsort may not take) */
		qsort(l->q.ev, l->q.n, sizeof *l->q.ev, by_known);
	size_t keep = 0;
	for (size_t i = 0; i < l->q.n; i++) {
		qts_event *ev = &l->q.ev[i];
		if (ev->type == QTS_BAR) {
			sym *s = find_sym(l, ev->symbol);
			if (keep && l->q.ev[keep - 1].type == QTS_BAR && l->q.ev[keep - 1].ts == ev->ts &&
			    strcmp(l->q.ev[keep - 1].symbol, ev->symbol) == 0)
				continue;
			if (s && (s->last_bar == INT64_MIN || ev->ts > s->last_bar))
				s->last_bar = ev->ts;
		}
		l->q.ev[keep++] = *ev;
	}
	l->q.n = keep;
	return 0;
}

/* ---- the stream ------------------------------------------------------------ */

/* The stream's events of a message into l->q; *m the control part. */
static int take_message(live *l, const char *text, size_t len, qts_alpaca_msg *m)
{
	char err[QTS_ERR_MAX];
	size_t at = l->q.n;
	if (qts_alpaca_parse_stream(text, len, &l->q, m, err) < 0) {
		l->q.n = at;
		qts_warn("alpaca: a stream message dropped: %s", err);
		return 0;
	}
	/* Bars the REST API gave already (a gap filled) go out once. */
	size_t keep = at;
	for (size_t i = at; i < l->q.n; i++) {
		qts_event *ev = &l->q.ev[i];
		sym *s = find_sym(l, ev->symbol);
		if (!s)
			continue; /* not asked for */
		/* A bar the REST API gave, or the last one again, goes out
		 * once; one the stream sends late, after a later one, goes on
		 * to be judged late (live_next), never dropped unseen. */
		if (ev->type == QTS_BAR) {
			if (s->last_bar != INT64_MIN && (ev->ts == s->last_bar || ev->ts <= s->rest_last))
				continue;
			if (ev->ts > s->last_bar)
				s->last_bar = ev->ts;
		}
		l->q.ev[keep++] = *ev;
	}
	l->q.n = keep;
	return 0;
}

/* A JSON text of the stream's protocol; NULL when out of memory. */
static char *subscribe_text(const live *l)
{
	json_t *list = json_array(), *o = json_pack("{s:s}", "action", "subscribe");
	for (size_t i = 0; i < l->nsyms; i++)
		json_array_append_new(list, json_string(l->syms[i].name));
	if (l->o.types & QTS_LIVE_BARS)
		json_object_set(o, "bars", list);
	if (l->o.types & QTS_LIVE_TRADES)
		json_object_set(o, "trades", list);
	if (l->o.types & QTS_LIVE_QUOTES)
		json_object_set(o, "quotes", list);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(list);
	json_decref(o);
	return s;
}

enum { OK = 0, RETRY = -1, FATAL = -2, STOPPING = -3 };

/* The control answers of the handshake: wait for flag; data that comes
 * with it is kept.  OK, RETRY (why in err), FATAL (l->err), STOPPING. */
static int expect(live *l, int flag, const char *what, char *err)
{
	int64_t deadline = qts_loop_now() + CONNECT_TIMEOUT;
	for (;;) {
		const char *text;
		size_t len;
		int r = qts_ws_recv(l->ws, deadline, &text, &len, err);
		if (r == -2)
			return STOPPING;
		if (r == 0) {
			snprintf(err, QTS_ERR_MAX, "no answer to %s", what);
			return RETRY;
		}
		if (r < 0)
			return RETRY;
		qts_alpaca_msg m;
		if (take_message(l, text, len, &m) < 0)
			return FATAL;
		if (m.flags & QTS_ALPACA_ERROR) {
			/* 406: another connection holds the account's one; 500: theirs. */
			if (m.code == 406 || m.code >= 500) {
				snprintf(err, QTS_ERR_MAX, "the stream said %d %s", m.code, m.msg);
				return RETRY;
			}
			snprintf(l->err, sizeof l->err, "alpaca: the stream refused %s: %d %s%s", what, m.code, m.msg,
				 m.code == 401 || m.code == 402 ? " (the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY)"
				 : m.code == 409 ? " (the account's plan does not include this feed: --feed iex)" : "");
			return FATAL;
		}
		if (m.flags & flag)
			return OK;
	}
}

static int session(live *l, char *err)
{
	int stopping;
	if (!(l->ws = qts_ws_connect(l->url, NULL, qts_loop_now() + CONNECT_TIMEOUT, err, &stopping)))
		return stopping ? STOPPING : RETRY;
	l->pinged = 0;
	int r = expect(l, QTS_ALPACA_CONNECTED, "the connection", err);
	if (r != OK)
		return r;
	json_t *auth = json_pack("{s:s,s:s,s:s}", "action", "auth", "key", l->key, "secret", l->secret);
	char *text = auth ? json_dumps(auth, JSON_COMPACT) : NULL;
	json_decref(auth);
	if (!text) {
		snprintf(l->err, sizeof l->err, "out of memory");
		return FATAL;
	}
	r = qts_ws_send_text(l->ws, text, strlen(text)); /* wslay keeps a copy */
	explicit_bzero(text, strlen(text));
	free(text);
	/* Not sent (the server hung up): what it said before is read all
	 * the same, its error first of all. */
	int sent = r == 0;
	if ((r = expect(l, QTS_ALPACA_AUTHENTICATED, "the keys", err)) != OK || !sent)
		return r != OK ? r : RETRY;
	if (!(text = subscribe_text(l))) {
		snprintf(l->err, sizeof l->err, "out of memory");
		return FATAL;
	}
	sent = qts_ws_send_text(l->ws, text, strlen(text)) == 0;
	free(text);
	if ((r = expect(l, QTS_ALPACA_SUBSCRIBED, "the subscription", err)) != OK || !sent)
		return r != OK ? r : RETRY;
	return OK;
}

static void drop(live *l, const char *why)
{
	if (l->ws && qts_backoff_held(l->up_since, qts_loop_now()))
		l->attempt = 0;
	l->attempt++;
	if (l->ws && !l->dropped) {
		l->dropped = 1;
		l->down_wall = qts_wall_now();
		for (size_t i = 0; i < l->nsyms; i++)
			l->syms[i].gap_from = l->syms[i].last_bar;
	}
	qts_ws_close(l->ws);
	l->ws = NULL;
	qts_warn("alpaca: %s; connecting again", why);
}

/* Connect (after a backoff when the last try failed), subscribe, fill
 * what a drop missed.  0, -1 to stop (l->err, "" when stopping). */
static int connect_stream(live *l)
{
	for (;;) {
		if (l->attempt > 0) {
			int64_t ceiling = backoff_base() << (l->attempt < 16 ? l->attempt - 1 : 15);
			if (ceiling > BACKOFF_CAP || ceiling < 0)
				ceiling = BACKOFF_CAP;
			/* half fixed, half jitter: never a burst of tries at once */
			int64_t until = qts_loop_now() + ceiling / 2 + (int64_t)(uniform(l) * (double)(ceiling / 2));
			while (qts_loop_now() < until)
				if (qts_stage_wait(-1, 0, until) < 0) {
					l->err[0] = '\0';
					return -1;
				}
		}
		char err[QTS_ERR_MAX];
		int r = session(l, err);
		if (r == OK) {
			l->up_since = qts_loop_now();
			if (l->started_wall == INT64_MIN)
				l->started_wall = qts_wall_now();
			if (l->dropped) {
				l->reconnects++;
				l->dropped = 0;
				if (fill_gaps(l) < 0) {
					snprintf(l->err, sizeof l->err, "out of memory");
					return -1;
				}
			}
			return 0;
		}
		l->attempt++;
		if (r == STOPPING || r == FATAL) {
			if (r == STOPPING)
				l->err[0] = '\0';
			return -1;
		}
		qts_ws_close(l->ws);
		l->ws = NULL;
		qts_warn("alpaca: %s: %s; trying again (attempt %d)", l->url, err, l->attempt + 1);
	}
}

/* Wait for the next message: 0 with events queued (or none, to look
 * again), -1 to stop. */
static int receive(live *l)
{
	int64_t silence = l->o.silence, heard = qts_ws_last_heard(l->ws), now = qts_loop_now();
	if (now - heard >= silence) {
		char why[120];
		snprintf(why, sizeof why, "the stream: nothing heard for %.3g s (--silence)", (double)silence / 1e9);
		drop(l, why);
		return 0;
	}
	if (l->pinged && heard >= l->ping_at)
		l->pinged = 0; /* answered */
	if (now - heard >= silence / 2 && !l->pinged) {
		qts_ws_ping(l->ws); /* a live server answers: quiet markets are not silence */
		l->pinged = 1;
		l->ping_at = now;
	}
	int64_t deadline = heard + (l->pinged ? silence : silence / 2);
	if (qts_reorder_next_due(&l->held) < deadline) /* held events fall due */
		deadline = qts_reorder_next_due(&l->held);
	if (l->rq.to != INT64_MAX) { /* --to on the wall clock */
		int64_t left = l->rq.to - qts_wall_now();
		if (left <= 0) {
			l->ended = 1;
			return 0;
		}
		if (now + left < deadline)
			deadline = now + left;
	}
	const char *text;
	size_t len;
	char err[QTS_ERR_MAX];
	int r = qts_ws_recv(l->ws, deadline, &text, &len, err);
	if (r == -2) {
		l->err[0] = '\0';
		return -1;
	}
	if (r == 0)
		return 0;
	if (r < 0) {
		drop(l, err);
		return 0;
	}
	l->pinged = 0;
	qts_alpaca_msg m;
	if (take_message(l, text, len, &m) < 0)
		return -1;
	if (m.flags & QTS_ALPACA_ERROR) {
		char why[300];
		snprintf(why, sizeof why, "the stream said %d %s", m.code, m.msg);
		drop(l, why);
	}
	return 0;
}

/* ---- the stage ------------------------------------------------------------- */

static int live_next(void *eng, qts_event *ev)
{
	live *l = eng;
	for (;;) {
		while (l->qat < l->q.n) {
			const qts_event *in = &l->q.ev[l->qat++];
			if (in->type != QTS_SYSTEM && in->ts < l->rq.from)
				continue;
			if (in->ts >= l->rq.to) {
				l->ended = 1;
				l->q.n = l->qat = 0;
				break;
			}
			if (qts_reorder_push(&l->held, in, qts_loop_now()) < 0) {
				snprintf(l->err, sizeof l->err, "out of memory");
				return -1;
			}
			/* -u is inclusive (to is a nanosecond past it): an event
			 * at -u itself is written and ends the run, with what
			 * came with it up to -u; nothing after it is waited for */
			if (in->type != QTS_SYSTEM && l->rq.to != INT64_MAX && in->ts >= l->rq.to - 1)
				l->ended = 1;
		}
		/* The events due, in order; all of them at the end. */
		while (qts_reorder_pop(&l->held, qts_loop_now(), l->ended || l->draining, ev)) {
			/* (a system event is dated at the last time: never late) */
			if (ev->type != QTS_SYSTEM && qts_time_order_late(&l->order, ev)) {
				/* written, it would put the stream out of the time
				 * order the reader of every stage demands */
				qts_time_order_drop(&l->order, ev, "alpaca: ", NULL,
						    "a stream is in time order; --reorder holds events to put them back in it");
				continue;
			}
			if (ev->type != QTS_SYSTEM) {
				const char *bad = qts_validate(l->v, ev);
				if (bad) {
					if (l->rq.on_bad == 0) {
						snprintf(l->err, sizeof l->err, "alpaca: %s", bad);
						return -1;
					}
					if (l->rq.on_bad == 1) {
						if (!l->skipped++)
							QTS_SET(l->first_skipped, bad);
						continue;
					}
					if (qts_validator_unreadable(l->v)) {
						qts_warn("alpaca: %s; dropped (no stage reads a stream with it)", bad);
						continue;
					}
					qts_warn("alpaca: %s", bad);
				}
				qts_validator_accept(l->v, ev);
			}
			if (qts_time_order_take(&l->order, ev) < 0) {
				snprintf(l->err, sizeof l->err, "out of memory");
				return -1;
			}
			return 1;
		}
		qts_evbuf_clear(&l->q);
		l->qat = 0;
		if (l->ended || l->draining)
			return 0;
		if (!l->backfilled) {
			if (backfill(l) < 0)
				return -1;
			/* --to in the past: the history is all there is */
			if (l->rq.to <= qts_wall_now())
				l->ended = 1;
			continue;
		}
		if (!l->ws) {
			if (connect_stream(l) < 0)
				return -1;
			continue;
		}
		if (receive(l) < 0)
			return -1;
	}
}

/* After a signal: the events held, and those of the last message, in
 * order (late ones dropped as ever); nothing more is read. */
static int live_drain(void *eng, qts_event *ev)
{
	live *l = eng;
	l->draining = 1;
	return live_next(eng, ev) > 0;
}

static const char *live_error(void *eng)
{
	return ((live *)eng)->err;
}

static void live_counts(void *eng, char *buf, size_t size)
{
	live *l = eng;
	snprintf(buf, size, "symbols=%zu reconnects=%ld unfilled=%ld late=%ld", l->nsyms, l->reconnects, l->unfilled,
		 l->order.late);
}

static void live_free(void *eng)
{
	live *l = eng;
	if (l->skipped)
		qts_warn("skipped %ld bad record%s; the first: %s", l->skipped, l->skipped == 1 ? "" : "s",
			 l->first_skipped);
	qts_time_order_said(&l->order, "alpaca: ");
	qts_reorder_free(&l->held);
	qts_time_order_free(&l->order);
	qts_ws_close(l->ws);
	qts_net_free(l->net);
	qts_validator_free(l->v);
	qts_evbuf_free(&l->q);
	free(l->syms);
	free(l);
}

static const qts_stage_ops live_ops = {
	.next = live_next,
	.drain = live_drain,
	.error = live_error,
	.counts = live_counts,
	.free = live_free,
};

static void add_symbols(live *l, const char *spec, const char *usage)
{
	if (strncmp(spec, "alpaca:", 7) != 0)
		qts_usage_error(usage, "--live: '%s' is not alpaca:SYM (the live stream is Alpaca's)", spec);
	for (const char *p = spec + 7;;) {
		size_t n = strcspn(p, ",");
		char shown[4 * QTS_SYM_MAX + 8];
		const char *fault = qts_symbol_name_fault(p, n, shown);
		if (fault)
			qts_usage_error(usage, "%s: the symbol '%s' %s", spec, shown, fault);
		sym *s = realloc(l->syms, (l->nsyms + 1) * sizeof *s);
		if (!s)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		l->syms = s;
		s = &l->syms[l->nsyms];
		memcpy(s->name, p, n);
		s->name[n] = '\0';
		s->last_bar = s->gap_from = s->rest_last = INT64_MIN;
		if (!find_sym(l, s->name) || find_sym(l, s->name) == s)
			l->nsyms++;
		if (!p[n])
			break;
		p += n + 1;
	}
}

void qts_live_build(qts_stage *st, const qts_live_opts *lo, const qts_live_request *rq, const char *usage)
{
	live *l = calloc(1, sizeof *l);
	if (!l)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	l->o = *lo;
	l->rq = *rq;
	l->held = QTS_REORDER_START(lo->reorder);
	if (!l->o.types)
		l->o.types = QTS_LIVE_BARS;
	if (!l->o.silence)
		l->o.silence = DEFAULT_SILENCE;
	if (rq->tf.n && qts_alpaca_timeframe(rq->tf, (char[16]){ 0 }) < 0)
		qts_usage_error(usage, "--tf: Alpaca has no such bars (it has 1m to 59m, 1h to 23h, 1d, 1w, "
				"1M, 2M, 3M, 4M, 6M, 12M)");
	for (size_t i = 0; i < rq->nspecs; i++)
		add_symbols(l, rq->specs[i], usage);
	char err[QTS_ERR_MAX];
	if (qts_alpaca_keys(&l->key, &l->secret, err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	const char *feed = l->o.feed ? l->o.feed : "iex";
	const char *base = getenv("QTS_ALPACA_STREAM_URL");
	if (base && *base)
		snprintf(l->url, sizeof l->url, "%s", base);
	else
		snprintf(l->url, sizeof l->url, "wss://stream.data.alpaca.markets/v2/%s", feed);
	if (qts_ws_check_url(l->url, err) < 0)
		qts_die(QTS_EXIT_FAIL, "QTS_ALPACA_STREAM_URL: %s", err);
	/* the REST API's gap fills come from the same feed */
	if (l->o.feed)
		setenv("QTS_ALPACA_FEED", l->o.feed, 1);
	qts_net_conf nc = { .name = "alpaca", .rate_per_min = qts_feed_alpaca.rate_per_min,
			    .burst = qts_feed_alpaca.burst, .retries = -1, .wait_in_loop = 1 };
	if (!(l->net = qts_net_new(&nc, err)) || !(l->v = qts_validator_new()))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	l->order = QTS_TIME_ORDER_START;
	l->order.by_bar_end = 1; /* market data: a trade after its minute's bar is late */
	l->started_wall = INT64_MIN;
	l->rng = (uint64_t)qts_wall_now() ^ (uint64_t)(uintptr_t)l;
	st->name = "qts-fetch";
	st->ops = &live_ops;
	st->eng = l;
}
