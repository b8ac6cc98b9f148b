/* clock.c — local calendar days in UTC or a time zone.  The zone rules come
 * from the system zoneinfo through localtime_r; a day's bounds and its
 * offset change are found once and cached, so callers ask the C library a
 * handful of times per day, not per event.  Every bound is checked against
 * localtime_r itself, which keeps odd zones (midnight inside a DST gap,
 * 30-minute shifts) right. */
#include "qts_resample.h"
#include "qts_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Local date (days since the epoch) and UTC offset at second s. */
static int64_t local_date(time_t s, int32_t *off)
{
	struct tm tm;
	if (!localtime_r(&s, &tm)) {
		*off = 0;
		return qts_floor_div((int64_t)s, 86400);
	}
	*off = (int32_t)tm.tm_gmtoff;
	return qts_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
}

/* The first second in [lo, hi] whose local date is >= d; the caller knows
 * lo's date is before d and hi's is not. */
static int64_t first_second_of(int64_t d, int64_t lo, int64_t hi)
{
	int32_t off;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (local_date((time_t)mid, &off) >= d)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The first second of local date d, near the guess g. */
static int64_t day_start_sec(int64_t d, int64_t g)
{
	int32_t off;
	if (local_date((time_t)g, &off) >= d && local_date((time_t)(g - 1), &off) < d)
		return g;
	/* Move g by the offset found there and try once more (DST days). */
	int64_t g2 = d * 86400 - off;
	if (local_date((time_t)g2, &off) >= d && local_date((time_t)(g2 - 1), &off) < d)
		return g2;
	return first_second_of(d, d * 86400 - 3 * 86400, d * 86400 + 3 * 86400);
}

/* The local day holding second s, in seconds. */
static void zone_lday(int64_t s, qts_lday *day)
{
	int32_t off, off0, off1;
	int64_t d = local_date((time_t)s, &off);
	int64_t a = day_start_sec(d, d * 86400 - off);
	int64_t b = day_start_sec(d + 1, a + 86400);
	local_date((time_t)a, &off0);
	local_date((time_t)(b - 1), &off1);
	int64_t shift = b;
	if (off0 != off1) {
		/* The first second at the new offset: one change a day at most. */
		int64_t lo = a, hi = b - 1;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			int32_t o;
			local_date((time_t)mid, &o);
			if (o == off0)
				lo = mid;
			else
				hi = mid;
		}
		shift = hi;
	}
	*day = (qts_lday){ d, a, b, shift, off0, off1 };
}

static void local_day(qts_clock *c, int64_t s, qts_lday *day)
{
	if (!(c->have_lday && s >= c->lday.a && s < c->lday.b)) {
		if (c->utc) {
			int64_t d = qts_floor_div(s, 86400);
			c->lday = (qts_lday){ d, d * 86400, d * 86400 + 86400, d * 86400 + 86400, 0, 0 };
		} else {
			zone_lday(s, &c->lday);
		}
		c->have_lday = 1;
	}
	*day = c->lday;
}

/* The second at which local day d shows wall-clock second w; a time
 * skipped by a change of offset moves to the change. */
static int64_t wall_second(const qts_lday *d, int64_t w)
{
	int64_t s = d->a + w;
	if (s >= d->shift) {
		int64_t u = s - (d->off1 - d->off0);
		s = u >= d->shift ? u : d->shift;
	}
	return s < d->b ? s : d->b;
}

/* Seconds to ns; past either end of the range, that end. */
static int64_t ns_of(int64_t s)
{
	int64_t ns;
	if (__builtin_mul_overflow(s, QTS_NS_PER_SEC, &ns))
		return s < 0 ? INT64_MIN : INT64_MAX;
	return ns;
}

/* The trading day holding second s. */
static void trading_day(qts_clock *c, int64_t s, qts_day *day)
{
	qts_lday l, a, b;
	local_day(c, s, &l);
	int64_t start, end, shift;
	int32_t off0, off1;
	if (!c->roll) {
		start = l.a, end = l.b, shift = l.shift, off0 = l.off0, off1 = l.off1;
		b = l;
	} else {
		/* From the roll on date a to the roll on date b. */
		if (s >= wall_second(&l, c->roll)) {
			a = l;
			local_day(c, l.b, &b);
		} else {
			b = l;
			local_day(c, l.a - 1, &a);
		}
		start = wall_second(&a, c->roll);
		end = wall_second(&b, c->roll);
		off0 = start < a.shift ? a.off0 : a.off1;
		off1 = end - 1 < b.shift ? b.off0 : b.off1;
		shift = end;
		if (off0 != off1)
			shift = start < a.shift && a.off0 != a.off1 ? a.shift : a.off1 != b.off0 ? b.a : b.shift;
	}
	day->num = b.num;
	day->start_s = start;
	day->end_s = end;
	day->start = ns_of(start);
	day->end = ns_of(end);
	day->shift = ns_of(shift);
	day->off0 = off0;
	day->off1 = off1;
}

int qts_clock_init(qts_clock *c, const char *zone)
{
	memset(c, 0, sizeof *c);
	if (zone && !zone[0])
		return -1; /* NULL is the default, UTC; an empty name is a mistake */
	c->utc = !zone || strcmp(zone, "UTC") == 0;
	if (!c->utc) {
		if (qts_tz_use(zone) < 0)
			return -1;
	}
	/* An empty cache: no instant is in [0, 0). */
	c->day.start = c->day.end = 0;
	return 0;
}

int qts_tz_option(const char *opt, const char *zone, char *err, size_t errlen)
{
	qts_clock c;
	if (qts_clock_init(&c, zone) == 0)
		return 0;
	snprintf(err, errlen, "%s%s'%.200s' is not an installed time zone", opt ? opt : "", opt ? ": " : "", zone);
	return -1;
}

int qts_trade_days_init(qts_trade_days *d, const char *zone, int64_t roll)
{
	/* UTC dates without a clock: a division, on every market event. */
	d->local = 0;
	d->tf_text[0] = '\0';
	d->tf_ok = 0;
	if (!zone && !roll)
		return qts_clock_init(&d->clock, NULL);
	if (qts_clock_init(&d->clock, zone) < 0)
		return -1;
	qts_clock_set_day(&d->clock, roll, 0);
	d->local = 1;
	return 0;
}

void qts_clock_set_day(qts_clock *c, int64_t roll, int64_t align)
{
	c->roll = roll / QTS_NS_PER_SEC;
	c->align = align;
	c->day.start = c->day.end = 0;
}

const qts_day *qts_clock_day(qts_clock *c, int64_t t)
{
	if (t >= c->day.start && t < c->day.end)
		return &c->day;
	trading_day(c, qts_floor_div(t, QTS_NS_PER_SEC), &c->day);
	return &c->day;
}

int64_t qts_clock_bar_place(qts_clock *c, int64_t start, int64_t len)
{
	int64_t mid = start + len / 2;
	if (c->utc || len != QTS_NS_PER_DAY || qts_floor_mod(start, QTS_NS_PER_DAY) != 0)
		return mid;
	/* A daily bar stamped at 00:00 UTC is labelled with its UTC date; in a
	 * zone at UTC+12 or beyond (Auckland, Tonga, Kiritimati) its middle is
	 * already the next local date: half a day before it is its own. */
	return qts_clock_day(c, mid)->num > qts_floor_div(start, QTS_NS_PER_DAY) ? mid - QTS_NS_PER_DAY : mid;
}

/* The first second of local date num. */
static int64_t local_start(qts_clock *c, int64_t num)
{
	if (c->utc)
		return num * 86400;
	qts_lday d = c->lday;
	if (c->have_lday && d.num == num)
		return d.a;
	/* Noon of that date by the last known offset lies within the date for
	 * any zone; correct by whole days if not. */
	int64_t probe = num * 86400 + 43200 - (c->have_lday ? d.off1 : 0);
	for (int i = 0; i < 4; i++) {
		local_day(c, probe, &d);
		if (d.num == num)
			return d.a;
		probe += (num - d.num) * 86400;
	}
	return d.a;
}

int64_t qts_clock_day_start(qts_clock *c, int64_t num)
{
	const qts_day *d = &c->day;
	if (d->end_s > d->start_s && d->num == num)
		return d->start;
	int64_t s = local_start(c, num - (c->roll != 0));
	if (c->roll) {
		qts_lday a;
		local_day(c, s, &a);
		s = wall_second(&a, c->roll);
	}
	return ns_of(s);
}

int64_t qts_clock_tod(qts_clock *c, int64_t t)
{
	int64_t s = qts_floor_div(t, QTS_NS_PER_SEC);
	int64_t frac = qts_floor_mod(t, QTS_NS_PER_SEC);
	qts_lday d;
	local_day(c, s, &d);
	int32_t off = s < d.shift ? d.off0 : d.off1;
	return (s - d.a + (off - d.off0)) * QTS_NS_PER_SEC + frac;
}

int64_t qts_trade_day_place(qts_trade_days *d, int64_t ts, const char *tf)
{
	int64_t end;
	if (!d->local || !tf)
		return ts;
	if (strcmp(tf, d->tf_text) != 0) {
		QTS_SET(d->tf_text, tf);
		d->tf_ok = qts_tf_parse(tf, &d->tf) == 0;
	}
	if (!d->tf_ok || qts_tf_end_checked(d->tf, ts, &end) < 0)
		return ts;
	int64_t len = end - ts;
	return qts_clock_bar_place(&d->clock, ts, len < QTS_NS_PER_DAY ? len : QTS_NS_PER_DAY);
}

int qts_trade_day_due(qts_trade_days *d, int64_t date, int64_t place)
{
	if (!d->local)
		return place >= date;
	return qts_trade_day(d, place) >= qts_floor_div(date, QTS_NS_PER_DAY);
}

int64_t qts_trade_day_gate(const qts_trade_days *d, int64_t date)
{
	/* A day starts at most 14 hours before its UTC date, a day before
	 * that with an overnight session, and a bar starts at most half a
	 * day before its place: three days is room enough. */
	int64_t g;
	if (!d->local)
		return date;
	return qts_time_sub(date, 3 * QTS_NS_PER_DAY, &g) == 0 ? g : INT64_MIN;
}

int64_t qts_trade_day_at(qts_trade_days *d, int64_t date, int64_t ts)
{
	if (!d->local)
		return date;
	int64_t start = qts_clock_day_start(&d->clock, qts_floor_div(date, QTS_NS_PER_DAY));
	/* (a day that starts before the first time: ts) */
	return start < ts && start != INT64_MIN ? start : ts;
}
