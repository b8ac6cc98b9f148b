/* The second thread of `qts pipe` (pipe_apart.c): every event pushed is
 * handed over once, in order, whole for its type, with the bytes it was
 * read as; settle waits until all are handled; the ring wraps many times
 * over; a pause of the producer (the consumer asleep) loses nothing; a
 * bar carried as its msgpack bytes alone comes out the same event. */
#include "qts_stage.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct seen {
	uint64_t n;          /* events handled */
	uint64_t bad_order;  /* one out of order, or with the wrong fields */
	uint64_t bad_raw;    /* its bytes lost or wrong */
	int apart;           /* qts_stage_apart on the second thread */
	const char *name;    /* qts_progname there */
} seen;

/* Event i: a bar, a target or a fill in turn, with i in its fields. */
static void make(qts_event *ev, uint64_t i)
{
	static const qts_type kinds[] = { QTS_BAR, QTS_TARGET, QTS_FILL };
	qts_event_init(ev, kinds[i % 3], (int64_t)i);
	snprintf(ev->symbol, sizeof ev->symbol, "S%llu", (unsigned long long)(i % 97));
	if (ev->type == QTS_BAR) {
		QTS_SET(ev->bar.tf, "1d");
		ev->bar.close = (double)i;
	} else if (ev->type == QTS_TARGET) {
		ev->target.target = (double)i;
		QTS_SET(ev->target.strategy, "t");
	} else {
		snprintf(ev->fill.id, sizeof ev->fill.id, "o%llu", (unsigned long long)i);
		ev->fill.qty = (double)i;
	}
}

static void handle(void *ctx, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	seen *s = ctx;
	qts_event want;
	make(&want, s->n);
	int same = ev->type == want.type && ev->ts == want.ts && strcmp(ev->symbol, want.symbol) == 0;
	if (same && ev->type == QTS_BAR)
		same = ev->bar.close == want.bar.close && strcmp(ev->bar.tf, "1d") == 0;
	else if (same && ev->type == QTS_TARGET)
		same = ev->target.target == want.target.target && strcmp(ev->target.strategy, "t") == 0;
	else if (same)
		same = ev->fill.qty == want.fill.qty && strcmp(ev->fill.id, want.fill.id) == 0;
	s->bad_order += !same;
	/* bars carry their bytes (a length that varies), the others none */
	char text[64];
	int n = snprintf(text, sizeof text, "raw %llu", (unsigned long long)s->n);
	if (ev->type == QTS_BAR)
		s->bad_raw += !(raw && fmt == 1 && len == (size_t)n && memcmp(raw, text, len) == 0);
	else
		s->bad_raw += raw != NULL || fmt != 0;
	s->apart = qts_stage_apart;
	s->name = qts_progname;
	s->n++;
}

/* Bar i and its msgpack bytes: symbols of 1 to 31 characters,
 * timeframes of 1 to 15, values of every sign and size (-0, subnormals,
 * NaN).  Every eighth's bytes in another layout (the volume's tag
 * int64), with a volume in the event that its bytes do not hold: carried
 * whole, as it must be, it keeps that volume. */
static size_t make_bar(qts_event *ev, uint64_t i, char *bytes, size_t size)
{
	static const double vals[] = { 0.0, -0.0, 1.5, -2.25, 1e300, 4.9e-324, 123456789.125 };
	qts_event_init(ev, QTS_BAR, (int64_t)(i * 86400000000000ULL) - 7);
	memset(ev->symbol, 0, sizeof ev->symbol);
	memset(ev->bar.tf, 0, sizeof ev->bar.tf);
	for (uint64_t k = 0; k < 1 + i % 31; k++)
		ev->symbol[k] = (char)('A' + (i + k) % 26);
	for (uint64_t k = 0; k < 1 + i % 15; k++)
		ev->bar.tf[k] = (char)('a' + (i * 7 + k) % 26);
	for (int k = 0; k < 5; k++)
		ev->bar.ohlcv[k] = vals[(i + (uint64_t)k) % 7] * (double)(i + 1);
	if (i % 11 == 3)
		ev->bar.volume = NAN;
	size_t n = qts_event_to_msgpack(ev, bytes, size);
	if (i % 8 == 5) {
		bytes[n - 9] = (char)0xd3;
		ev->bar.volume = 42;
	}
	return n;
}

typedef struct bars_seen {
	uint64_t n, bad, bad_raw;
} bars_seen;

static void handle_bar(void *ctx, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	bars_seen *s = ctx;
	qts_event want;
	char bytes[128];
	size_t n = make_bar(&want, s->n++, bytes, sizeof bytes);
	s->bad += ev->type != QTS_BAR || ev->ts != want.ts || memcmp(ev->symbol, want.symbol, sizeof want.symbol) ||
		  memcmp(&ev->bar, &want.bar, sizeof want.bar);
	s->bad_raw += fmt != QTS_FMT_MSGPACK || len != n || memcmp(raw, bytes, n);
}

int main(void)
{
	seen s = { 0 };
	qts_apart *a = qts_apart_start(handle, &s, "qts-second");
	CHECK(a != NULL, "a second thread starts");
	if (!a)
		return tap_done();
	/* 3M events of about 150 bytes: the ring of 1 MiB wraps hundreds of times */
	const uint64_t total = 3000000;
	uint64_t settled_ok = 1;
	for (uint64_t i = 0; i < total; i++) {
		qts_event ev;
		make(&ev, i);
		char text[64];
		int n = snprintf(text, sizeof text, "raw %llu", (unsigned long long)i);
		if (ev.type == QTS_BAR)
			qts_apart_push(a, &ev, text, (size_t)n, 1);
		else
			qts_apart_push(a, &ev, NULL, 0, 0);
		if (i % 1000003 == 17) { /* settled: every one pushed is handled */
			qts_apart_settle(a);
			settled_ok &= s.n == i + 1;
		}
	}
	qts_apart_settle(a);
	settled_ok &= s.n == total;
	CHECK(settled_ok, "after a settle, every event pushed has been handled");
	/* the consumer sleeps while the producer pauses, and wakes for more */
	struct timespec pause = { 0, 150 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	qts_event ev;
	make(&ev, total + 1); /* a target: no bytes */
	s.n++;                /* (the one it follows in make's order) */
	qts_apart_push(a, &ev, NULL, 0, 0);
	qts_apart_settle(a);
	CHECK(s.n == total + 2, "an event pushed after a pause is handled");
	qts_apart_stop(a);
	CHECK(s.bad_order == 0, "each event comes once, in order, with its fields");
	CHECK(s.bad_raw == 0, "each carries the bytes it was read as, or none");
	CHECK(s.apart == 1 && strcmp(s.name, "qts-second") == 0,
	      "the second thread is marked apart and named for its first stage");
	CHECK(qts_stage_apart == 0, "the first thread is not");
	/* bytes too long to carry: the event goes without them */
	seen t = { 0 };
	a = qts_apart_start(handle, &t, "x");
	static char big[4096];
	make(&ev, 0);
	qts_apart_push(a, &ev, big, sizeof big, 1);
	qts_apart_stop(a);
	CHECK(t.n == 1 && t.bad_raw == 1, "bytes longer than a record carries are left out (encoded again)");
	/* bars with their msgpack bytes, most in the writer's layout:
	 * carried as the bytes alone, read again on the second thread */
	bars_seen b = { 0 };
	a = qts_apart_start(handle_bar, &b, "x");
	uint64_t plain = 0;
	for (uint64_t i = 0; i < 200000; i++) {
		char bytes[128];
		size_t n = make_bar(&ev, i, bytes, sizeof bytes);
		plain += qts_msgpack_plain_bar(bytes, n);
		qts_apart_push(a, &ev, bytes, n, QTS_FMT_MSGPACK);
	}
	qts_apart_stop(a);
	CHECK(plain == 200000 - 25000, "the writer's bars are in the plain layout, another is not");
	CHECK(b.n == 200000 && b.bad == 0, "a bar carried as its bytes comes out the same event, one of another layout whole");
	CHECK(b.bad_raw == 0, "each with its bytes");
	return tap_done();
}
