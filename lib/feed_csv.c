/* feed_csv.c — a vendor's CSV answer (Alpha Vantage, Stooq) read by the
 * vendor layouts of fetch_vendor.c, the same reader as for their files,
 * from memory; and US Eastern time, the zone of Alpha Vantage's intraday
 * times, without touching the process's time zone. */
#include "qts_feeds.h"
#include "qts_fetch.h"
#include "qts_time.h"

#include <stdlib.h>
#include <string.h>

/* 0 is Sunday: 1970-01-01 was a Thursday. */
static int weekday(int64_t day)
{
	return (int)qts_floor_mod(day + 4, 7);
}

/* The n-th (1-based; 0: the last) Sunday of month m of year y. */
static int64_t sunday(int y, unsigned m, int n)
{
	if (n == 0) {
		int64_t last = qts_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
		return last - weekday(last);
	}
	int64_t first = qts_days_from_civil(y, m, 1);
	return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

/* The days of the year of the day daylight saving time starts and ends
 * in the US, at 02:00 local time. */
static void dst_days(int64_t day, int64_t *start, int64_t *end)
{
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	if (y >= 2007)
		*start = sunday(y, 3, 2), *end = sunday(y, 11, 1);
	else if (y >= 1987)
		*start = sunday(y, 4, 1), *end = sunday(y, 10, 0);
	else
		*start = sunday(y, 4, 0), *end = sunday(y, 10, 0);
}

int64_t qts_us_eastern_to_utc(int64_t wall)
{
	int64_t start, end;
	dst_days(qts_floor_div(wall, QTS_NS_PER_DAY), &start, &end);
	const int64_t two = 2 * 3600 * QTS_NS_PER_SEC;
	/* The hour skipped in spring reads as daylight time, the hour
	 * repeated in autumn as its first (daylight) pass. */
	int dst = wall >= start * QTS_NS_PER_DAY + two && wall < end * QTS_NS_PER_DAY + two;
	int64_t utc;
	if (qts_time_add(wall, (dst ? 4 : 5) * 3600 * QTS_NS_PER_SEC, &utc))
		return wall;
	return utc;
}

int64_t qts_utc_to_us_eastern(int64_t utc)
{
	const int64_t hour = 3600 * QTS_NS_PER_SEC;
	int64_t std, start, end;
	if (qts_time_add(utc, -5 * hour, &std))
		return utc;
	dst_days(qts_floor_div(std, QTS_NS_PER_DAY), &start, &end);
	/* Daylight time from 02:00 EST (07:00 UTC) to 02:00 EDT (06:00 UTC). */
	int dst = utc >= start * QTS_NS_PER_DAY + 7 * hour && utc < end * QTS_NS_PER_DAY + 6 * hour;
	return dst ? std + hour : std;
}

int qts_feed_csv_parse(const char *body, size_t len, const char *name, const char *symbol, qts_tf tf,
		       int adjust, int eastern, qts_evbuf *out, char *err)
{
	qts_input *in = qts_input_mem(body, len, name);
	if (!in) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	qts_vendor_opts vo = { .symbol = symbol, .tf = tf.n ? tf : (qts_tf){ 1, 'd' }, .adjust = adjust };
	char verr[512];
	qts_vendor *v = qts_vendor_open(in, &vo, verr);
	if (!v) {
		qts_input_close(in);
		snprintf(err, QTS_ERR_MAX, "%s", verr);
		return -1;
	}
	size_t first = out->n, no_data = 0;
	char first_no_data[QTS_ERR_MAX];
	qts_event ev;
	int r;
	while ((r = qts_vendor_next(v, &ev)) != 0) {
		/* A missing bar, as Yahoo's nulls, but not routine in these
		 * answers: a hole in the history is said, not left unseen. */
		if (r == QTS_VENDOR_NO_DATA) {
			if (!no_data++)
				QTS_SET(first_no_data, qts_vendor_error(v));
			continue;
		}
		if (r < 0) {
			snprintf(err, QTS_ERR_MAX, "%s", qts_vendor_error(v));
			qts_vendor_close(v);
			out->n = first;
			return -1;
		}
		if (eastern)
			ev.ts = qts_us_eastern_to_utc(ev.ts);
		if (qts_evbuf_push(out, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			qts_vendor_close(v);
			out->n = first;
			return -1;
		}
	}
	qts_vendor_close(v);
	if (no_data == 1)
		qts_warn("%s: skipped", first_no_data);
	else if (no_data)
		qts_warn("%s: skipped, and %zu more such row%s", first_no_data, no_data - 1, no_data > 2 ? "s" : "");
	/* Newest first (Alpha Vantage): back in time order. */
	if (out->n - first >= 2 && out->ev[first].ts > out->ev[out->n - 1].ts)
		for (size_t i = first, j = out->n - 1; i < j; i++, j--) {
			qts_event t = out->ev[i];
			out->ev[i] = out->ev[j];
			out->ev[j] = t;
		}
	return 0;
}
