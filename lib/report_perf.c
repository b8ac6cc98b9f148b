/* report_perf.c — the equity curve sampled at the close of each session day, with
 * the benchmark's close and the exposure of that day beside it.  Intraday
 * equity overwrites the day's point, so memory follows days, not events.
 *
 * A session day is a local date of the report's clock.  An event belongs
 * to the day of the bar it came with: qts-sim stamps equity at the end of
 * the bars that produced it (a daily bar's equity at the next midnight),
 * fills at the bar's start.  The day of a bar is the local date of its
 * middle, which is its own date however its start was stamped (UTC
 * midnight, local midnight, an overnight session's evening).  Where
 * sessions run overnight, a day begins at the session's start on the
 * evening before, so a Sunday evening is Monday's.  An event
 * outside the last bar seen (a stream of equity alone, a live account)
 * falls on the date of its time. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"
#include "qts_resample.h"
#include "qts_checkpoint.h"

typedef struct dayval {
	int64_t day;
	double v;
	int64_t first; /* the start of the day's first bar */
	double open;   /* its open */
} dayval;

struct qts_perf {
	qts_point *pt;
	size_t n, cap;
	dayval *bench;        /* last close of each day, days ascending */
	size_t nbench, capbench;
	double bench_close0;  /* the close of its first bar */
	/* The benchmark's price at the curve's start is the close of its
	 * latest bar to end by that time: known then, as the starting
	 * equity's own price is (a coarser bar that started before it, from
	 * qts-resample -k, ends later: its close is a later price). */
	int64_t at_end[4];
	double at_close[4];
	int nat;
	int64_t *held;        /* days with a position, ascending */
	size_t nheld, capheld;
	int holding;
	qts_clock utc, *clock;
	int64_t day_start;    /* local time of day at which session days begin */
	int64_t bar_start, bar_end, bar_day; /* the last bar seen */
	int have_bar;
};

static int64_t date_of(qts_perf *p, int64_t ts)
{
	int64_t d = qts_clock_day(p->clock, ts)->num;
	/* an overnight session's evening is its trading day's beginning */
	if (p->day_start > 0 && qts_clock_tod(p->clock, ts) >= p->day_start)
		d++;
	return d;
}

/* The session day of an event at ts. */
static int64_t day_of(qts_perf *p, int64_t ts)
{
	if (p->have_bar && ts >= p->bar_start && ts <= p->bar_end)
		return p->bar_day;
	return date_of(p, ts);
}

static int grow(void **a, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : 256;
	void *p = realloc(*a, c * size);
	if (!p)
		return -1;
	*a = p;
	*cap = c;
	return 0;
}

qts_perf *qts_perf_new(qts_clock *clock)
{
	qts_perf *p = calloc(1, sizeof(qts_perf));
	if (!p)
		return NULL;
	qts_clock_init(&p->utc, NULL);
	p->clock = clock ? clock : &p->utc;
	return p;
}

void qts_perf_day_start(qts_perf *p, int64_t tod)
{
	p->day_start = tod > 0 && tod < QTS_NS_PER_DAY ? tod : 0;
}

int64_t qts_perf_bar(qts_perf *p, int64_t start, int64_t end)
{
	/* In a group of bars of one start, the longest decides: its end is
	 * the time qts-sim gives the group's equity.  (One of the same end
	 * would set what is set already.)  A bar that starts earlier and
	 * ends with it is a coarser bar over that time (qts-resample -k),
	 * which drives no fills in qts-sim and dates no equity: it counts
	 * for nothing. */
	if (!(p->have_bar && start <= p->bar_start && end <= p->bar_end)) {
		p->bar_start = start;
		p->bar_end = end >= start ? end : start;
		p->bar_day = date_of(p, qts_clock_bar_place(p->clock, start, p->bar_end - start));
		p->have_bar = 1;
	}
	return p->bar_day;
}

void qts_perf_free(qts_perf *p)
{
	if (!p)
		return;
	free(p->pt);
	free(p->bench);
	free(p->held);
	free(p);
}

static int mark_held(qts_perf *p, int64_t day)
{
	if (p->nheld && p->held[p->nheld - 1] >= day)
		return 0;
	if (grow((void **)&p->held, &p->capheld, p->nheld, sizeof *p->held) < 0)
		return -1;
	p->held[p->nheld++] = day;
	return 0;
}

int qts_perf_equity(qts_perf *p, int64_t ts, double equity)
{
	int64_t day = day_of(p, ts);
	/* Point 0, the start, is never overwritten: the first day's close is
	 * a point of its own when that day has a later event. */
	if (p->n >= 2 && day <= p->pt[p->n - 1].day) {
		p->pt[p->n - 1].ts = ts;
		p->pt[p->n - 1].equity = equity;
	} else {
		if (grow((void **)&p->pt, &p->cap, p->n, sizeof *p->pt) < 0)
			return -1;
		p->pt[p->n++] = (qts_point){ts, day, equity, NAN, 0};
	}
	return p->holding ? mark_held(p, day) : 0;
}

/* A benchmark bar of end and close for the price at the curve's start:
 * the latest to end by the start (bench_start).  Once the first equity
 * event is in, only bars that end by it; before it, the latest few, the
 * latest first: a bar may come before an equity dated earlier than its
 * end (qts-sim's books as they started, before a fill at the bar's
 * open). */
static void bench_at(qts_perf *p, int64_t end, double close)
{
	if (p->n && end > p->pt[0].ts)
		return;
	memmove(p->at_end + 1, p->at_end, 3 * sizeof *p->at_end);
	memmove(p->at_close + 1, p->at_close, 3 * sizeof *p->at_close);
	p->at_end[0] = end;
	p->at_close[0] = close;
	p->nat += p->nat < 4;
}

int qts_perf_bench(qts_perf *p, int64_t start, int64_t end, double open, double close)
{
	int64_t day = qts_perf_bar(p, start, end);
	bench_at(p, end, close);
	if (!p->nbench)
		p->bench_close0 = close;
	if (p->nbench && p->bench[p->nbench - 1].day >= day) {
		p->bench[p->nbench - 1].v = close;
		return 0;
	}
	if (grow((void **)&p->bench, &p->capbench, p->nbench, sizeof *p->bench) < 0)
		return -1;
	p->bench[p->nbench++] = (dayval){ day, close, start, open > 0 && isfinite(open) ? open : close };
	return 0;
}

int qts_perf_holding(qts_perf *p, int64_t ts, int holding)
{
	/* a position closed at ts was held on that day until then */
	int was = p->holding;
	p->holding = holding;
	return holding || was ? mark_held(p, day_of(p, ts)) : 0;
}

/* The benchmark's price at the curve's start (point 0): the close of its
 * latest bar to end by that time, which for a backtest is the bar whose
 * close the starting equity is of (qts-sim stamps it at that bar's end),
 * daily or intraday.  When none ends by then, the open of its first
 * bar, when that bar is of the same day
 * (it starts then or later: the price at the start, as qts-sim's books
 * start before a fill at the first bar's open); else the close of its
 * first bar, a later day's, as the days before it take. */
static double bench_start(const qts_perf *p)
{
	for (int k = 0; k < p->nat; k++)
		if (p->at_end[k] <= p->pt[0].ts)
			return p->at_close[k];
	if (p->bench[0].day == p->pt[0].day && p->bench[0].first >= p->pt[0].ts)
		return p->bench[0].open;
	return p->bench_close0;
}

const qts_point *qts_perf_points(qts_perf *p, size_t *n)
{
	/* The benchmark's price on a day is its last close of that day or
	 * before; days before its first bar take that bar's close, so their
	 * returns are 0.  It is bought at its price at the start
	 * (bench_start()), not at the first day's close: an intraday curve
	 * starts at its first bar's close, and its first day's return runs
	 * from there, which the benchmark's must too. */
	size_t b = 0, h = 0;
	for (size_t i = 0; i < p->n; i++) {
		qts_point *pt = &p->pt[i];
		while (b + 1 < p->nbench && p->bench[b + 1].day <= pt->day)
			b++;
		if (!p->nbench)
			pt->bench = NAN;
		else if (i == 0)
			pt->bench = bench_start(p);
		else
			pt->bench = p->bench[b].day <= pt->day ? p->bench[b].v : p->bench_close0;
		while (h < p->nheld && p->held[h] < pt->day)
			h++;
		pt->exposed = h < p->nheld && p->held[h] == pt->day;
	}
	*n = p->n;
	return p->pt;
}

int qts_perf_returns(const qts_point *pt, size_t npt, double **r, double **f, size_t *n)
{
	size_t m = 0;
	*r = malloc((npt ? npt : 1) * sizeof **r);
	if (f)
		*f = malloc((npt ? npt : 1) * sizeof **f);
	if (!*r || (f && !*f)) {
		free(*r);
		if (f)
			free(*f);
		return -1;
	}
	for (size_t i = 1; i < npt && pt[i - 1].equity > 0; i++, m++) {
		(*r)[m] = pt[i].equity / pt[i - 1].equity - 1;
		if (f)
			(*f)[m] = pt[i].bench / pt[i - 1].bench - 1;
	}
	*n = m;
	return 0;
}

size_t qts_perf_count(const qts_perf *p)
{
	return p->n;
}

int qts_perf_bench_apart(const qts_perf *p, int64_t span[4])
{
	if (p->n < 2 || !p->nbench)
		return 0;
	int64_t lo = p->pt[0].day, hi = p->pt[p->n - 1].day;
	for (size_t i = 0; i < p->nbench; i++)
		if (p->bench[i].day >= lo && p->bench[i].day <= hi)
			return 0;
	span[0] = p->pt[0].ts, span[1] = p->pt[p->n - 1].ts;
	span[2] = p->bench[0].first, span[3] = p->bench[p->nbench - 1].first;
	return 1;
}

size_t qts_perf_bench_partial(const qts_perf *p, size_t *ndays, int64_t span[4])
{
	*ndays = 0;
	if (p->n < 2 || !p->nbench)
		return 0;
	int64_t lo = p->bench[0].day, hi = p->bench[p->nbench - 1].day;
	size_t out = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (i > 0 && p->pt[i].day == p->pt[i - 1].day)
			continue; /* the start and the first day's close: one day */
		++*ndays;
		out += p->pt[i].day < lo || p->pt[i].day > hi;
	}
	span[0] = p->pt[0].ts, span[1] = p->pt[p->n - 1].ts;
	span[2] = p->bench[0].first, span[3] = p->bench[p->nbench - 1].first;
	return out;
}

/* ---- checkpoints (qts_checkpoint.h) -------------------------------------- */

/* An array of n elements of size bytes, loading into a new one of exactly
 * n (what grow() doubles from). */
static int ck_array(qts_ckpt *c, void **a, size_t *n, size_t *cap, size_t size)
{
	qts_ck_size(c, n, c->loading ? c->len / size : *n);
	if (!c->loading || !*n)
		return qts_ck_ok(c) ? 0 : -1;
	if (!qts_ck_room(c, *n, size) || !(*a = malloc(*n * size))) {
		qts_ck_fail(c, "out of memory");
		*n = 0;
		return -1;
	}
	*cap = *n;
	return 0;
}

int qts_perf_ck(qts_perf *p, qts_ckpt *c)
{
	qts_ck_tag(c, "perf");
	if (c->loading && (p->n || p->nbench || p->nheld)) {
		qts_ck_fail(c, "restored into a curve that has points");
		return -1;
	}
	if (ck_array(c, (void **)&p->pt, &p->n, &p->cap, 5 * 8) < 0)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		qts_point *q = &p->pt[i];
		qts_ck_i64(c, &q->ts), qts_ck_i64(c, &q->day);
		qts_ck_f64(c, &q->equity), qts_ck_f64(c, &q->bench);
		qts_ck_int(c, &q->exposed);
	}
	if (ck_array(c, (void **)&p->bench, &p->nbench, &p->capbench, 4 * 8) < 0)
		return -1;
	for (size_t i = 0; i < p->nbench; i++) {
		qts_ck_i64(c, &p->bench[i].day), qts_ck_f64(c, &p->bench[i].v);
		qts_ck_i64(c, &p->bench[i].first), qts_ck_f64(c, &p->bench[i].open);
	}
	if (ck_array(c, (void **)&p->held, &p->nheld, &p->capheld, 8) < 0)
		return -1;
	for (size_t i = 0; i < p->nheld; i++)
		qts_ck_i64(c, &p->held[i]);
	qts_ck_f64(c, &p->bench_close0);
	qts_ck_int(c, &p->nat);
	if (c->loading && (p->nat < 0 || p->nat > 4)) {
		qts_ck_fail(c, "the benchmark's bars at the start: %d of 4", p->nat);
		return -1;
	}
	for (int k = 0; k < 4; k++)
		qts_ck_i64(c, &p->at_end[k]), qts_ck_f64(c, &p->at_close[k]);
	qts_ck_int(c, &p->holding);
	qts_ck_i64(c, &p->bar_start), qts_ck_i64(c, &p->bar_end), qts_ck_i64(c, &p->bar_day);
	qts_ck_int(c, &p->have_bar);
	return qts_ck_ok(c) ? 0 : -1;
}
