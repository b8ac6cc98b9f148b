/* strategy_xsect.c — a program with cross-sectional functions (rank,
 * pct_rank, zscore, demean, count): the driving bars of one time are
 * held, one a symbol, until the time is complete, that is until an event
 * known later comes (fills, updates and positions aside: they are out of
 * the stream's time order by design), the input ends (not with --state or
 * --output-journal: a restart goes on with them), or with --xs-wait
 * that much wall-clock time has passed since the first of them came.
 * Then the program runs over them in steps (qts_expr_step), every symbol
 * through one cross-sectional call before any goes on, and each symbol's
 * targets, orders or row go out in the order its bar came.
 *
 * Everything held is in struct xsect, so that a checkpoint can save it:
 * the bars themselves are already in each symbol's qts_expr_state (added
 * as they came); what is held is which symbols, at what time, and
 * sym->xs_at, which follows from that list. */
#include "strategy_priv.h"
#include "qts_loop.h"

#include "qts_checkpoint.h"
#include "qts_xsect.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct xs_held {
	struct sym *s;
	int64_t ts;    /* the bar's start, for --print's row */
	int64_t known; /* its end, when what it causes is dated */
};

struct xsect {
	int64_t t;     /* the time of the bars held (when they became known) */
	int64_t done;  /* the last time evaluated; QTS_TS_MIN before any */
	int64_t wait;  /* --xs-wait, ns of wall clock; 0: none */
	int64_t since; /* with wait: the wall clock when the first bar of t came */
	size_t n, cap; /* symbols held, room for */
	struct xs_held *held;
	size_t nnode;
	double *val;   /* cap x nnode: each held symbol's run */
	double *col, *res; /* cap: one call's arguments and values */
	size_t *order;
	uint64_t late; /* bars that came after their time was evaluated */
};

struct xsect *strategy_xsect_new(const qts_expr *e, int64_t wait)
{
	struct xsect *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->done = QTS_TS_MIN;
	x->wait = wait;
	x->nnode = qts_expr_nodes(e);
	return x;
}

void strategy_xsect_free(struct xsect *x)
{
	if (!x)
		return;
	free(x->held);
	free(x->val);
	free(x->col);
	free(x->res);
	free(x->order);
	free(x);
}

/* Room for one more symbol: 0, or -1 when out of memory. */
static int grow(struct xsect *x)
{
	if (x->n < x->cap)
		return 0;
	size_t cap = x->cap ? 2 * x->cap : 16;
	struct xs_held *held = realloc(x->held, cap * sizeof *held);
	if (held)
		x->held = held;
	double *val = realloc(x->val, cap * x->nnode * sizeof *val);
	if (val)
		x->val = val;
	double *col = realloc(x->col, cap * sizeof *col);
	if (col)
		x->col = col;
	double *res = realloc(x->res, cap * sizeof *res);
	if (res)
		x->res = res;
	size_t *order = realloc(x->order, cap * sizeof *order);
	if (order)
		x->order = order;
	if (!held || !val || !col || !res || !order)
		return -1;
	x->cap = cap;
	return 0;
}

/* The program over the symbols held, then what each causes, in the order
 * their bars came. */
static void evaluate(struct host *h)
{
	struct xsect *x = h->xs;
	const qts_expr *e = h->expr;
	size_t n = x->n, nxs = qts_expr_nxs(e);
	int64_t now = h->out.now;
	for (size_t i = 0; i < n; i++)
		strategy_expr_position(h, x->held[i].s);
	for (size_t k = 0; k <= nxs; k++) {
		for (size_t i = 0; i < n; i++)
			qts_expr_step(e, x->held[i].s->es, x->val + i * x->nnode, k);
		if (k == nxs)
			break;
		int arg, node, fn = qts_expr_xs(e, k, &arg, &node);
		for (size_t i = 0; i < n; i++)
			x->col[i] = arg >= 0 ? x->val[i * x->nnode + (size_t)arg] : 0;
		qts_xsect_compute(fn, x->col, n, x->res, x->order);
		for (size_t i = 0; i < n; i++)
			x->val[i * x->nnode + (size_t)node] = x->res[i];
	}
	for (size_t i = 0; i < n && !h->stop; i++) {
		qts_expr_values(e, x->val + i * x->nnode, h->values);
		h->out.now = x->held[i].known;
		strategy_expr_result(h, x->held[i].s, x->held[i].ts);
	}
	for (size_t i = 0; i < n; i++)
		x->held[i].s->xs_at = 0;
	x->done = x->t;
	x->n = 0;
	h->out.now = now;
}

int strategy_xsect_before(struct host *h, const qts_event *ev)
{
	struct xsect *x = h->xs;
	if (!x->n || qts_event_is_news(ev))
		return 0;
	if (qts_event_known(ev) > x->t)
		evaluate(h);
	return h->stop ? -1 : 0;
}

int strategy_xsect_bar(struct host *h, struct sym *s, const qts_event *ev)
{
	struct xsect *x = h->xs;
	int64_t known = h->out.now;
	if (known <= x->done || (x->n && known < x->t)) {
		/* its time was evaluated without it (--xs-wait ran out, or the
		 * events upstream came out of order): it runs alone, every
		 * cross-sectional call nan, and its state goes on */
		char t[40], q[QTS_SYM_MAX * 4];
		qts_time_format(ev->ts, t);
		qts_warn("%s: bar %s %s at %s came after the cross-section of its time was "
			 "evaluated: it is out of it (every cross-sectional function is nan for it)",
			 strategy_where(h), strategy_quoted(s->name, q, sizeof q), ev->bar.tf, t);
		x->late++;
		return 1;
	}
	if (s->xs_at) {
		char t[40], q[QTS_SYM_MAX * 4];
		qts_time_format(ev->ts, t);
		snprintf(h->err, sizeof h->err, "bar %s %s at %s: a second bar of the symbol for "
			 "the same time; a cross-section takes one bar a symbol at a time",
			 strategy_quoted(s->name, q, sizeof q), ev->bar.tf, t);
		h->stop = 1;
		return -1;
	}
	if (grow(x) < 0) {
		snprintf(h->err, sizeof h->err, "out of memory");
		h->stop = 1;
		return -1;
	}
	if (!x->n) {
		x->t = known;
		if (x->wait)
			x->since = qts_wall_now();
	}
	x->held[x->n] = (struct xs_held){ s, ev->ts, known };
	s->xs_at = ++x->n;
	return 0;
}

int strategy_xsect_tick(struct host *h, int64_t now)
{
	struct xsect *x = h->xs;
	if (x->wait && x->n && now - x->since >= x->wait)
		evaluate(h);
	return h->stop ? -1 : 0;
}

/* The end of the input completes the time held, unless the stage is to
 * be restarted: then the rest of its bars may come in the restart's
 * input, and what a part of them would cause is not what one run writes.
 * They stay held (the checkpoint at the end of the input, taken before
 * this, has them), for the restart to evaluate with the rest; a restart
 * from no state reads them all again. */
int strategy_xsect_finish(struct host *h)
{
	if (h->xs->n && !h->restartable)
		evaluate(h);
	return h->stop ? -1 : 0;
}

uint64_t strategy_xsect_late(const struct host *h)
{
	return h->xs ? h->xs->late : 0;
}

void strategy_xsect_ck(struct host *h, qts_ckpt *c)
{
	struct xsect *x = h->xs;
	qts_ck_tag(c, "cross-section");
	qts_ck_i64(c, &x->t), qts_ck_i64(c, &x->done);
	qts_ck_u64(c, &x->late);
	size_t n = x->n;
	qts_ck_size(c, &n, qts_symtab_count(h->syms));
	for (size_t i = 0; i < n && !c->bad; i++) {
		char name[QTS_SYM_MAX] = "";
		struct xs_held held = { 0 };
		if (!c->loading) {
			held = x->held[i];
			QTS_SET(name, held.s->name);
		}
		qts_ck_str(c, name, sizeof name);
		qts_ck_i64(c, &held.ts), qts_ck_i64(c, &held.known);
		if (!c->loading || c->bad)
			continue;
		if (!(held.s = qts_symtab_find(h->syms, name)) || held.s->xs_at)
			qts_ck_fail(c, "the cross-section holds %s, a symbol %s", name,
				    held.s ? "twice" : "the state does not have");
		else if (grow(x) < 0)
			qts_ck_fail(c, "out of memory");
		else {
			x->held[x->n] = held;
			held.s->xs_at = ++x->n;
		}
	}
	/* --xs-wait counts from the restart: the wall clock of the first
	 * bar held is not kept */
	if (c->loading && x->n && x->wait)
		x->since = qts_wall_now();
}
