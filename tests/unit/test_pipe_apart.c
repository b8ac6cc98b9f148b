/* The second thread of `qts pipe` (pipe_apart.c): every event pushed is
 * handed over once, in order, whole for its type, with the bytes it was
 * read as; settle waits until all are handled; the ring wraps many times
 * over; a pause of the producer (the consumer asleep) loses nothing. */
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
	return tap_done();
}
