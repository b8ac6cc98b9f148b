/* posguard.c — a live broker's position events kept in step with the
 * fills it writes.  A reader of the stream (qts-risk and qts-strategy with
 * --feedback, qts-report) moves a position by each fill and sets it by
 * each position event, so a position event that already holds a fill
 * written after it counts that fill twice.  A broker's own figure can run
 * ahead of the fills it has said: Alpaca's account, read after a fill, may
 * hold executions whose messages are still on the stream; TWS may send a
 * position before the commission report that completes a fill.  So a
 * figure is written when it agrees with the figure last written plus the
 * fills written since, and one that disagrees is held back until the fills
 * catch up, or until it has disagreed QTS_POSGUARD_OFFERS times in a row:
 * then it is taken as it is, with a warning (a trade made elsewhere, or an
 * execution the broker never told). */
#include "qts_broker.h"
#include "qts_loop.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qts_posguard_sym {
	char symbol[QTS_SYM_MAX];
	double qty;     /* the position the output implies */
	double said;    /* the figure of the last position event written */
	int disagreed;  /* offers in a row that disagreed */
	int seen;       /* in the read between begin and end */
	int held;       /* a figure is held back: pending */
	qts_event pending;
};

int qts_broker_vwarn(qts_evbuf *out, const char *fmt, va_list ap)
{
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, qts_wall_now());
	QTS_SET(ev.system.source, "qts-broker");
	QTS_SET(ev.system.level, "warn");
	qts_text_vformat(ev.system.message, sizeof ev.system.message, fmt, ap);
	return qts_evbuf_push(out, &ev);
}

int qts_broker_warn(qts_evbuf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = qts_broker_vwarn(out, fmt, ap);
	va_end(ap);
	return rc;
}

/* sym's entry, made (flat) when it has none: NULL when out of memory.  A
 * broker's account holds a few symbols: a list will do. */
static qts_posguard_sym *entry(qts_posguard *g, const char *sym)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->s[i].symbol, sym) == 0)
			return &g->s[i];
	qts_posguard_sym *grown = realloc(g->s, (g->n + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	g->s = grown;
	qts_posguard_sym *e = &g->s[g->n++];
	memset(e, 0, sizeof *e);
	QTS_SET(e->symbol, sym);
	return e;
}

int qts_posguard_fill(qts_posguard *g, const qts_event *fill)
{
	qts_posguard_sym *e = entry(g, fill->symbol);
	if (!e)
		return -1;
	e->qty += qts_side_parse(fill->fill.side) * fill->fill.qty;
	return 0;
}

static int offer(qts_posguard *g, qts_posguard_sym *e, const qts_event *pos, int all, qts_evbuf *out)
{
	double qty = pos->position.qty;
	if (!all && fabs(qty - e->qty) > QTS_QTY_EPS) {
		if (++e->disagreed < QTS_POSGUARD_OFFERS) {
			if (pos != &e->pending)
				e->pending = *pos;
			e->held = 1;
			return 1;
		}
		if (qts_broker_warn(out, "%s: %s: the account holds %.10g, the fills written make %.10g; taking the "
				    "account's", g->who, e->symbol, qty, e->qty) < 0)
			return -1;
	}
	e->disagreed = 0;
	e->held = 0;
	int news = all || fabs(qty - e->said) > QTS_QTY_EPS || fabs(qty - e->qty) > QTS_QTY_EPS;
	e->qty = e->said = qty;
	return news && qts_evbuf_push(out, pos) < 0 ? -1 : 0;
}

int qts_posguard_offer(qts_posguard *g, const qts_event *pos, int all, qts_evbuf *out)
{
	qts_posguard_sym *e = entry(g, pos->symbol);
	if (!e)
		return -1;
	e->seen = 1;
	return offer(g, e, pos, all, out);
}

void qts_posguard_begin(qts_posguard *g)
{
	for (size_t i = 0; i < g->n; i++)
		g->s[i].seen = 0;
}

int qts_posguard_end(qts_posguard *g, int64_t now, int all, qts_evbuf *out)
{
	int held = 0;
	for (size_t i = 0; i < g->n; i++) {
		qts_posguard_sym *e = &g->s[i];
		if (e->seen) {
			held += e->held;
			continue;
		}
		if (fabs(e->qty) <= QTS_QTY_EPS && fabs(e->said) <= QTS_QTY_EPS)
			continue; /* flat, and said so */
		qts_event ev;
		qts_event_init(&ev, QTS_POSITION, now);
		QTS_SET(ev.symbol, e->symbol);
		int rc = offer(g, e, &ev, all, out);
		if (rc < 0)
			return -1;
		held += rc;
	}
	return held;
}

int qts_posguard_reoffer(qts_posguard *g, qts_evbuf *out)
{
	int held = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (!g->s[i].held)
			continue;
		int rc = offer(g, &g->s[i], &g->s[i].pending, 0, out);
		if (rc < 0)
			return -1;
		held += rc;
	}
	return held;
}

void qts_posguard_free(qts_posguard *g)
{
	free(g->s);
	g->s = NULL;
	g->n = 0;
}
